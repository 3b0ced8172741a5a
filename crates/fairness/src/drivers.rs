//! Which capabilities drive a gap: for a category, the capabilities whose
//! answers differ most between its respondents and the rest.
//!
//! The difference is a standardised mean difference (Cohen's d):
//! `d = (mean_category - mean_rest) / s_pooled` with
//! `s_pooled = sqrt(((n1 - 1) s1² + (n2 - 1) s2²) / (n1 + n2 - 2))` and
//! `s1`, `s2` the sample standard deviations (n - 1 in the denominator).
//! Only answered values count, capability by capability. A capability
//! with fewer than two answers on either side, or no spread at all, has
//! no d and is not listed.

use serde::Serialize;

/// Where a respondent stands in the comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Membership {
    /// In the category.
    Category,
    /// In the rest it is compared with.
    Rest,
    /// In neither (not audited).
    Neither,
}

/// One capability's difference.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Driver {
    /// The capability's index.
    pub capability: usize,
    /// Cohen's d, category minus rest: negative when the category answers
    /// lower.
    pub d: f64,
    /// The category's mean answer.
    pub category_mean: f64,
    /// The rest's mean answer.
    pub rest_mean: f64,
}

/// Cohen's d of `a` against `b` (see the module); `None` with fewer than
/// two values on a side or a pooled deviation of 0.
pub fn standardised_mean_difference(a: &[f64], b: &[f64]) -> Option<f64> {
    let (n1, n2) = (a.len() as f64, b.len() as f64);
    if a.len() < 2 || b.len() < 2 {
        return None;
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let (m1, m2) = (mean(a), mean(b));
    let ss = |v: &[f64], m: f64| v.iter().map(|x| (x - m).powi(2)).sum::<f64>();
    let pooled = ((ss(a, m1) + ss(b, m2)) / (n1 + n2 - 2.0)).sqrt();
    (pooled > 0.0 && pooled.is_finite()).then(|| (m1 - m2) / pooled)
}

/// The `top` capabilities with the largest `|d|` (ties in capability
/// order): `values` and `answered` are row-major, `capabilities` per
/// respondent, and `members` says which side each respondent is on.
pub fn drivers(
    values: &[f64],
    answered: &[bool],
    capabilities: usize,
    members: &[Membership],
    top: usize,
) -> Vec<Driver> {
    let mut found = Vec::new();
    for cap in 0..capabilities {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for (r, m) in members.iter().enumerate() {
            let i = r * capabilities + cap;
            if !answered.get(i).copied().unwrap_or(false) {
                continue;
            }
            match m {
                Membership::Category => a.push(values[i]),
                Membership::Rest => b.push(values[i]),
                Membership::Neither => {}
            }
        }
        if let Some(d) = standardised_mean_difference(&a, &b) {
            let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
            found.push(Driver {
                capability: cap,
                d,
                category_mean: mean(&a),
                rest_mean: mean(&b),
            });
        }
    }
    found.sort_by(|x, y| {
        y.d.abs()
            .total_cmp(&x.d.abs())
            .then(x.capability.cmp(&y.capability))
    });
    found.truncate(top);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cohens_d_with_a_pooled_deviation() {
        // a: mean 2, ss 2; b: mean 4, ss 2; pooled sqrt(4 / 4) = 1.
        let d = standardised_mean_difference(&[1.0, 2.0, 3.0], &[3.0, 4.0, 5.0]).unwrap();
        assert!((d + 2.0).abs() < 1e-12);
        assert_eq!(standardised_mean_difference(&[1.0], &[1.0, 2.0]), None);
        assert_eq!(standardised_mean_difference(&[2.0, 2.0], &[2.0, 2.0]), None);
    }

    #[test]
    fn the_largest_differences_first_over_answered_values() {
        use Membership::*;
        // Two capabilities; the first differs a lot, the second a little.
        let values = [
            1.0, 3.0, //
            2.0, 3.0, //
            5.0, 4.0, //
            4.0, 2.0, //
            9.0, 9.0, // not audited
            1.0, 1.0, // second value unanswered
        ];
        let answered = [
            true, true, true, true, true, true, true, true, true, true, true, false,
        ];
        let members = [Category, Category, Rest, Rest, Neither, Category];
        let found = drivers(&values, &answered, 2, &members, 5);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].capability, 0);
        assert!(found[0].d < 0.0 && found[0].d.abs() > found[1].d.abs());
        assert!((found[0].category_mean - 4.0 / 3.0).abs() < 1e-12);
        assert!((found[0].rest_mean - 4.5).abs() < 1e-12);
        assert_eq!(drivers(&values, &answered, 2, &members, 1).len(), 1);
    }
}
