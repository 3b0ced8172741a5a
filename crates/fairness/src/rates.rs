//! Rates and impact ratios of one binary outcome per category.
//!
//! An **outcome** is one yes or no per respondent: selected for a role
//! (the role is their top-1, or within their top k), or scored above the
//! cohort's median score for the role ([`above_median`]). Per category:
//!
//! - `rate = (respondents of the category with the outcome) / n`;
//! - `impact ratio = rate / rate of the reference`, the reference being
//!   the included category with the highest rate (the first in name order
//!   on a tie); undefined when every included rate is 0;
//! - flagged when the impact ratio is below the threshold (0.8);
//! - a two-sided test of the category's 2 x 2 table against the
//!   reference's ([`crate::two_by_two`]); none for the reference itself;
//! - a bootstrap percentile interval of the impact ratio: each resample
//!   draws, within every included category, `n` of its respondents with
//!   replacement (so the category sizes are kept), and recomputes the
//!   rates, the reference and the ratios. Resampling a category's yes/no
//!   outcomes with replacement gives a number of yeses that is binomial
//!   `(n, rate)`, which is how it is drawn. The interval is the
//!   `(1 - coverage) / 2` and `(1 + coverage) / 2` quantiles (linear
//!   interpolation, as NumPy's default) of the resampled ratios; resamples
//!   in which every rate is 0 have no ratio and are skipped, and with
//!   fewer than half of them left there is no interval.
//!
//! Which categories take part ([`Status`]): those with no one (`Empty`),
//! under the privacy floor (`Withheld`: fewer than `min_group`
//! respondents, whose rates would describe too few people) and under the
//! minimum share of the audited respondents (`BelowShare`) are listed
//! with their n and left out of the ratios, the reference and the tests.
//! The audited respondents are those with a category (not missing).

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::Binomial;
use serde::Serialize;

use crate::categories::Categories;
use crate::params::ValidAuditParams;
use crate::significance::{two_by_two, TestResult};

/// Whether a category takes part in the ratios, and if not, why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// In the ratios.
    Included,
    /// No respondent has it (a combination nobody holds).
    Empty,
    /// Fewer respondents than the privacy floor: withheld.
    Withheld,
    /// Under the minimum share of the audited respondents.
    BelowShare,
}

impl Status {
    /// The status's name in outputs.
    pub fn name(self) -> &'static str {
        match self {
            Status::Included => "included",
            Status::Empty => "empty",
            Status::Withheld => "withheld",
            Status::BelowShare => "below-share",
        }
    }
}

/// One category's size and whether it takes part.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryCount {
    /// Respondents in the category.
    pub n: u64,
    /// `n` over the audited respondents (those with a category).
    pub share: f64,
    /// Whether it takes part in the ratios.
    pub status: Status,
}

impl CategoryCount {
    /// The sizes and statuses of the categories of `categories`.
    pub fn of(categories: &Categories, params: &ValidAuditParams) -> Vec<CategoryCount> {
        let counts = categories.counts();
        let audited: u64 = counts.iter().sum();
        counts
            .into_iter()
            .map(|n| {
                let share = if audited == 0 {
                    0.0
                } else {
                    n as f64 / audited as f64
                };
                let status = if n == 0 {
                    Status::Empty
                } else if n < params.min_group() {
                    Status::Withheld
                } else if share < params.min_share() {
                    Status::BelowShare
                } else {
                    Status::Included
                };
                CategoryCount { n, share, status }
            })
            .collect()
    }
}

/// One included category's figures for one outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RateResult {
    /// The share of the category with the outcome.
    pub rate: f64,
    /// The rate over the reference's; `None` when every rate is 0.
    pub impact_ratio: Option<f64>,
    /// Whether the impact ratio is below the threshold.
    pub flagged: bool,
    /// The test against the reference (`None` for the reference).
    pub test: Option<TestResult>,
    /// The bootstrap interval of the impact ratio, if there is one.
    pub interval: Option<(f64, f64)>,
}

/// One outcome audited over the categories.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeasureAudit {
    /// The included category with the highest rate, if any is included.
    pub reference: Option<usize>,
    /// Per category (in [`Categories::names`] order), its figures when it
    /// is included.
    pub results: Vec<Option<RateResult>>,
}

/// Audits `outcome` (one value per respondent of `categories`) over the
/// categories `counts` describes ([`CategoryCount::of`]). The resamples
/// come from the random stream `stream` of the seed, so each outcome can
/// have its own and the result does not depend on the order of the audits.
pub fn audit(
    categories: &Categories,
    counts: &[CategoryCount],
    outcome: &[bool],
    stream: u64,
    params: &ValidAuditParams,
) -> MeasureAudit {
    let k = counts.len();
    let mut yes = vec![0u64; k];
    for (code, &o) in categories.codes().iter().zip(outcome) {
        if let (Some(c), true) = (code, o) {
            yes[*c] += 1;
        }
    }
    let included: Vec<usize> = (0..k).filter(|&c| counts[c].status == Status::Included).collect();
    let rate = |c: usize| yes[c] as f64 / counts[c].n as f64;
    let reference = included
        .iter()
        .copied()
        .reduce(|best, c| if rate(c) > rate(best) { c } else { best });
    let top = reference.map_or(0.0, rate);
    let intervals = bootstrap(&included, counts, &yes, stream, params);
    let mut results = vec![None; k];
    for (i, &c) in included.iter().enumerate() {
        let impact_ratio = (top > 0.0).then(|| rate(c) / top);
        let test = reference.filter(|&r| r != c).map(|r| {
            let (n, nr) = (counts[c].n, counts[r].n);
            two_by_two(yes[c], n - yes[c], yes[r], nr - yes[r], params.fisher_below())
        });
        results[c] = Some(RateResult {
            rate: rate(c),
            impact_ratio,
            flagged: impact_ratio.is_some_and(|r| r < params.threshold()),
            test,
            interval: intervals[i],
        });
    }
    MeasureAudit { reference, results }
}

/// The bootstrap intervals of the included categories' impact ratios.
fn bootstrap(
    included: &[usize],
    counts: &[CategoryCount],
    yes: &[u64],
    stream: u64,
    params: &ValidAuditParams,
) -> Vec<Option<(f64, f64)>> {
    let mut rng = ChaCha8Rng::seed_from_u64(params.seed());
    rng.set_stream(stream);
    // A binomial with p = 0 or 1 is exact; rand_distr takes both.
    let draws: Vec<Option<Binomial>> = included
        .iter()
        .map(|&c| Binomial::new(counts[c].n, yes[c] as f64 / counts[c].n as f64).ok())
        .collect();
    let mut ratios: Vec<Vec<f64>> = vec![Vec::with_capacity(params.resamples()); included.len()];
    let mut rates = vec![0.0; included.len()];
    for _ in 0..params.resamples() {
        for (i, &c) in included.iter().enumerate() {
            let drawn = draws[i].map_or(0, |d| rng.sample(d));
            rates[i] = drawn as f64 / counts[c].n as f64;
        }
        let top = rates.iter().copied().fold(0.0, f64::max);
        if top > 0.0 {
            for (i, r) in rates.iter().enumerate() {
                ratios[i].push(r / top);
            }
        }
    }
    let tail = (1.0 - params.confidence()) / 2.0;
    ratios
        .into_iter()
        .map(|mut v| {
            if v.len() * 2 < params.resamples() || v.is_empty() {
                return None;
            }
            v.sort_by(f64::total_cmp);
            Some((quantile(&v, tail), quantile(&v, 1.0 - tail)))
        })
        .collect()
}

/// The `q` quantile of sorted `v` (not empty), interpolated linearly
/// between the closest ranks (NumPy's default).
fn quantile(v: &[f64], q: f64) -> f64 {
    let pos = q * (v.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    v[lo] + (v[hi] - v[lo]) * (pos - lo as f64)
}

/// The median of `scores` (the mean of the two middle values of an even
/// count; `None` when empty). NaN sorts above every number.
pub fn median(scores: &[f64]) -> Option<f64> {
    if scores.is_empty() {
        return None;
    }
    let mut v = scores.to_vec();
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    Some(if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    })
}

/// The median of `scores` and, per score, whether it is above it
/// (strictly): the outcome of the scoring rate.
pub fn above_median(scores: &[f64]) -> (Option<f64>, Vec<bool>) {
    let m = median(scores);
    let above = scores.iter().map(|&s| m.is_some_and(|m| s > m)).collect();
    (m, above)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::AuditParams;
    use crate::significance::Test;

    fn params() -> ValidAuditParams {
        AuditParams::new().min_group(1).min_share(0.0).check().unwrap()
    }

    /// `n` respondents of category `name`, `yes` of them with the outcome.
    fn cohort(groups: &[(&str, usize, usize)]) -> (Categories, Vec<bool>) {
        let mut values = Vec::new();
        let mut outcome = Vec::new();
        for &(name, n, yes) in groups {
            for i in 0..n {
                values.push(if name.is_empty() { None } else { Some(name) });
                outcome.push(i < yes);
            }
        }
        (Categories::from_values(&values), outcome)
    }

    #[test]
    fn rates_ratios_flags_and_tests() {
        let (cats, outcome) = cohort(&[("a", 100, 50), ("b", 100, 30), ("", 7, 7)]);
        let p = params();
        let counts = CategoryCount::of(&cats, &p);
        assert_eq!(counts[0].n, 100);
        assert!(
            (counts[0].share - 0.5).abs() < 1e-12,
            "missing ones are not audited"
        );
        let m = audit(&cats, &counts, &outcome, 0, &p);
        assert_eq!(m.reference, Some(0));
        let a = m.results[0].as_ref().unwrap();
        let b = m.results[1].as_ref().unwrap();
        assert_eq!(
            (a.rate, a.impact_ratio, a.flagged, a.test),
            (0.5, Some(1.0), false, None)
        );
        assert_eq!((b.rate, b.impact_ratio, b.flagged), (0.3, Some(0.6), true));
        let t = b.test.unwrap();
        assert_eq!(t.test, Test::ChiSquare);
        assert!(t.p < 0.01, "{t:?}");
        let (lo, hi) = b.interval.unwrap();
        assert!(lo < 0.6 && 0.6 < hi && hi <= 1.0 && lo > 0.3, "{lo} {hi}");
        // The same seed and stream give the same interval; another stream another.
        assert_eq!(audit(&cats, &counts, &outcome, 0, &p), m);
        assert_ne!(audit(&cats, &counts, &outcome, 1, &p).results[1], m.results[1]);
    }

    #[test]
    fn small_and_empty_categories_are_left_out() {
        let (cats, outcome) = cohort(&[("a", 60, 30), ("b", 38, 5), ("c", 2, 2)]);
        let p = AuditParams::new().min_group(3).check().unwrap();
        let counts = CategoryCount::of(&cats, &p);
        let statuses: Vec<Status> = counts.iter().map(|c| c.status).collect();
        assert_eq!(statuses, [Status::Included, Status::Included, Status::Withheld]);
        let m = audit(&cats, &counts, &outcome, 0, &p);
        assert_eq!(m.reference, Some(0), "c's rate of 1 is not the reference");
        assert!(m.results[2].is_none());
        let p = AuditParams::new().min_group(1).min_share(0.05).check().unwrap();
        let counts = CategoryCount::of(&cats, &p);
        assert_eq!(counts[2].status, Status::BelowShare);
        let sex = Categories::from_values(&[Some("F"), Some("M")]);
        let race = Categories::from_values(&[Some("x"), Some("y")]);
        let both = Categories::intersect(&[&sex, &race], "/");
        let counts = CategoryCount::of(&both, &p);
        assert_eq!(counts[1].status, Status::Empty);
    }

    #[test]
    fn one_category_and_no_outcomes() {
        let (cats, outcome) = cohort(&[("only", 20, 4)]);
        let p = params();
        let counts = CategoryCount::of(&cats, &p);
        let m = audit(&cats, &counts, &outcome, 0, &p);
        let r = m.results[0].as_ref().unwrap();
        assert_eq!((r.impact_ratio, r.flagged, r.test), (Some(1.0), false, None));
        // No one selected: no ratio, no flag, no interval.
        let none = vec![false; 20];
        let m = audit(&cats, &counts, &none, 0, &p);
        let r = m.results[0].as_ref().unwrap();
        assert_eq!((r.rate, r.impact_ratio, r.interval), (0.0, None, None));
        // Nobody audited at all.
        let (cats, outcome) = cohort(&[("", 5, 1)]);
        let counts = CategoryCount::of(&cats, &p);
        assert!(counts.is_empty());
        assert_eq!(audit(&cats, &counts, &outcome, 0, &p).reference, None);
    }

    #[test]
    fn medians_as_numpy() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[]), None);
        let (m, above) = above_median(&[0.1, 0.5, 0.5, 0.9]);
        assert_eq!((m, above), (Some(0.5), vec![false, false, false, true]));
        assert_eq!(quantile(&[0.0, 1.0, 2.0, 3.0, 4.0], 0.025), 0.1);
    }

    /// With no difference planted, a test at the 5% level rejects at most
    /// about 5% of the time: over 400 seeded cohorts of two categories of
    /// 60 and 140 people with the same selection probability, the count of
    /// p < 0.05 stays within the binomial bound of 5% (mean 20, at most 32
    /// at about 3 standard deviations). Fisher's test is conservative, so
    /// fewer is expected. No timing is involved: seeds are fixed.
    #[test]
    fn no_difference_planted_gives_the_stated_false_positive_rate() {
        let p = AuditParams::new().resamples(10).check().unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mut rejected = 0;
        let mut flagged_and_rejected = 0;
        for _ in 0..400 {
            let mut values = Vec::new();
            let mut outcome = Vec::new();
            for (name, n) in [("a", 60), ("b", 140)] {
                for _ in 0..n {
                    values.push(Some(name));
                    outcome.push(rng.gen::<f64>() < 0.3);
                }
            }
            let cats = Categories::from_values(&values);
            let counts = CategoryCount::of(&cats, &p);
            let m = audit(&cats, &counts, &outcome, 0, &p);
            let other = m.results.iter().flatten().find(|r| r.test.is_some()).unwrap();
            if other.test.unwrap().p < 0.05 {
                rejected += 1;
                flagged_and_rejected += usize::from(other.flagged);
            }
        }
        assert!(rejected <= 32, "{rejected} of 400 rejected at the 5% level");
        assert!(flagged_and_rejected <= rejected);
    }
}
