//! Bootstrap stability and per-respondent confidence.
//!
//! A ranking built on twenty answers can hinge on one of them. To see how
//! much, each respondent's **answered capabilities are resampled with
//! replacement**: with `m` answers, `m` capability indices are drawn
//! uniformly from the answered ones, and the resampled profile keeps a
//! capability's value when it was drawn at least once and leaves it blank
//! otherwise (the strategies take no weights, so a capability drawn twice
//! counts once). On average a resample keeps `1 - (1 - 1/m)^m`, about 63%,
//! of the answers. The resample is ranked by the same strategy (the
//! minimum-answered rule does not apply to it), and the respondent's
//! **stability** is the share of `B` resamples whose top-1 role is the top-1
//! role of the full profile.
//!
//! Resamples are drawn from a [`ChaCha8Rng`] seeded with the seed and, as
//! its stream, a 64-bit FNV-1a hash of the respondent's id: a respondent's
//! resamples depend only on the seed, their id and their answers, never on
//! the other rows, the batch they are in or the number of threads, and every
//! strategy sees the same resamples (a paired comparison).

use ndarray::Array2;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rolefit_model::ProfileBatch;
use serde::Serialize;

use rolefit_score::{rank, CompiledMatrix, Draw, ScoreError, Strategy, Workspace, MAX_SCORE_CELLS};

/// Resamples per respondent unless told otherwise.
pub const DEFAULT_RESAMPLES: usize = 50;

/// The seed `rolefit score --confidence` uses.
pub const DEFAULT_SEED: u64 = 1;

/// Profiles (originals and resamples) scored per strategy call.
const PROFILES_PER_CALL: usize = 4096;

/// How sure one respondent's ranking is.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Confidence {
    /// The top-1 role of the full profile (its index in the matrix).
    pub top: usize,
    /// Score of the first role minus score of the second (`>= 0`); `None`
    /// when the matrix has a single role.
    pub margin: Option<f64>,
    /// Share of the resamples whose top-1 role is [`Confidence::top`], in
    /// `[0, 1]`.
    pub stability: f64,
    /// How many resamples were drawn.
    pub resamples: usize,
}

/// Draws bootstrap resamples of respondents' answers.
///
/// With `m` answers, `m` capability indices are drawn uniformly with
/// replacement from the answered ones; the resample keeps a capability's
/// value when it was drawn at least once and leaves it blank otherwise. A
/// respondent's **stability** is the share of `B` resamples whose top-1
/// role (the minimum-answered rule does not apply to resamples) is the
/// full profile's top-1 role. Each respondent's draws come from a
/// [`ChaCha8Rng`] seeded with the seed, with a 64-bit FNV-1a hash of their
/// id as its stream: they depend on nothing but the seed, the id and the
/// answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bootstrap {
    resamples: usize,
    seed: u64,
}

impl Bootstrap {
    /// `resamples` resamples per respondent (at least 1: `0` is taken as 1),
    /// seeded with `seed`.
    pub fn new(resamples: usize, seed: u64) -> Self {
        Bootstrap {
            resamples: resamples.max(1),
            seed,
        }
    }

    /// Resamples per respondent.
    pub fn resamples(&self) -> usize {
        self.resamples
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The random stream of one respondent: the seed, and the FNV-1a hash
    /// of the id as the ChaCha stream.
    pub fn rng(&self, respondent: &str) -> ChaCha8Rng {
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        rng.set_stream(fnv1a(respondent.as_bytes()));
        rng
    }

    /// One resample of a profile into `out` (resized to the profile's
    /// width): each answered value drawn at least once in `m` draws with
    /// replacement among the `m` answered capabilities is kept, every other
    /// value is `None`.
    pub fn resample_into(
        rng: &mut ChaCha8Rng,
        values: &[f64],
        answered: &[bool],
        drawn: &mut Vec<usize>,
        out: &mut Vec<Option<f64>>,
    ) {
        answered_indices(answered, drawn);
        Self::resample_answered_into(rng, values, drawn, out);
    }

    /// [`Bootstrap::resample_into`] with the answered capabilities' indices
    /// already listed in `answered` (the same for every resample of a
    /// profile).
    fn resample_answered_into(
        rng: &mut ChaCha8Rng,
        values: &[f64],
        answered: &[usize],
        out: &mut Vec<Option<f64>>,
    ) {
        out.clear();
        out.resize(values.len(), None);
        let m = answered.len();
        for _ in 0..m {
            let i = answered[rng.gen_range(0..m)];
            out[i] = Some(values[i]);
        }
    }

    /// Each profile's [`Confidence`] under `strategy`: the full profile is
    /// ranked for its top-1 role and margin, and `B` resamples for the
    /// stability. Profiles are scored in calls of a few thousand (originals
    /// and resamples together, at most [`MAX_SCORE_CELLS`] profiles x roles):
    /// a whole number of respondents when a call holds at least one
    /// respondent's draws, else a respondent's draws span several calls.
    /// Reuses `ws`.
    ///
    /// # Errors
    /// Whatever the strategy returns, and [`ScoreError::Strategy`] when it
    /// returns an array of the wrong shape or a non-finite score.
    pub fn confidence(
        &self,
        matrix: &CompiledMatrix,
        strategy: &dyn Strategy,
        profiles: &ProfileBatch,
        ws: &mut Workspace,
    ) -> Result<Vec<Confidence>, ScoreError> {
        self.confidence_reporting(matrix, strategy, profiles, ws, &|_| {})
    }

    /// [`Bootstrap::confidence`], calling `done` with the number of
    /// profiles finished after each call of the strategy.
    pub(crate) fn confidence_reporting(
        &self,
        matrix: &CompiledMatrix,
        strategy: &dyn Strategy,
        profiles: &ProfileBatch,
        ws: &mut Workspace,
        done: &dyn Fn(usize),
    ) -> Result<Vec<Confidence>, ScoreError> {
        let mut tallies =
            self.confidence_in_calls(matrix, &[strategy], profiles, ws, MAX_SCORE_CELLS, done, false)?;
        Ok(tallies.pop().map(|t| t.out).unwrap_or_default())
    }

    /// [`Bootstrap::confidence_reporting`] for several strategies at once,
    /// with the full profiles' scores of each (profiles x roles, as
    /// [`Strategy::score_in`] gives them: scored with the resamples, not a
    /// second time). The resamples are drawn once and scored by every
    /// strategy; `done` is called after each strategy's call.
    pub(crate) fn confidence_and_scores(
        &self,
        matrix: &CompiledMatrix,
        strategies: &[&dyn Strategy],
        profiles: &ProfileBatch,
        ws: &mut Workspace,
        done: &dyn Fn(usize),
    ) -> Result<Vec<Confidences>, ScoreError> {
        let tallies =
            self.confidence_in_calls(matrix, strategies, profiles, ws, MAX_SCORE_CELLS, done, true)?;
        Ok(tallies
            .into_iter()
            .map(|t| (t.out, t.scores.unwrap_or_else(|| Array2::zeros((0, 0)))))
            .collect())
    }

    /// The profiles scored per call: at most `max_cells` profiles x roles
    /// and [`PROFILES_PER_CALL`] profiles and, when that holds more than
    /// one respondent's draws, a whole number of respondents, so that a
    /// strategy sees each full profile with its resamples (see [`Draw`]).
    fn per_call(&self, max_cells: usize, roles: usize) -> usize {
        let per_call = (max_cells / roles.max(1)).clamp(1, PROFILES_PER_CALL);
        let draws = self.resamples + 1;
        if per_call >= draws {
            per_call / draws * draws
        } else {
            per_call
        }
    }

    /// [`Bootstrap::confidence_reporting`] for each of `strategies`, in
    /// calls of [`Bootstrap::per_call`] profiles (one draw of the
    /// resamples for all strategies), keeping the full profiles' scores
    /// when `keep_scores`.
    #[allow(clippy::too_many_arguments)]
    fn confidence_in_calls(
        &self,
        matrix: &CompiledMatrix,
        strategies: &[&dyn Strategy],
        profiles: &ProfileBatch,
        ws: &mut Workspace,
        max_cells: usize,
        done: &dyn Fn(usize),
        keep_scores: bool,
    ) -> Result<Vec<Tally>, ScoreError> {
        matrix.check(profiles)?;
        let per_call = self.per_call(max_cells, matrix.n_roles());
        let c = profiles.capabilities();
        let mut tallies: Vec<Tally> = strategies
            .iter()
            .map(|_| Tally {
                out: Vec::with_capacity(profiles.len()),
                current: None,
                scores: keep_scores.then(|| Array2::zeros((profiles.len(), matrix.n_roles()))),
            })
            .collect();
        let mut batch = ProfileBatch::with_capacity(c, per_call);
        let mut draws = Vec::with_capacity(per_call);
        let (mut drawn, mut values) = (Vec::new(), Vec::new());
        // The next row to draw: respondent `next`, draw `draw` (0 is the
        // full profile, then the resamples), from `rng`.
        let (mut next, mut draw) = (0, 0);
        let mut rng = None;
        while next < profiles.len() {
            batch.clear();
            draws.clear();
            // The current respondent's full profile in this batch.
            let mut original = None;
            let first_draw = draw;
            while batch.len() < per_call && next < profiles.len() {
                let id = profiles.respondent(next);
                let (x, a) = profiles.row(next);
                if draw == 0 {
                    values.clear();
                    values.extend(x.iter().zip(a).map(|(&x, &a)| a.then_some(x)));
                    answered_indices(a, &mut drawn);
                    rng = Some(self.rng(id));
                    original = Some(batch.len());
                    draws.push(Draw::Original);
                } else {
                    if let Some(rng) = rng.as_mut() {
                        Self::resample_answered_into(rng, x, &drawn, &mut values);
                    }
                    draws.push(Draw::Resample(original));
                }
                batch.push(id, &values);
                draw += 1;
                if draw > self.resamples {
                    (next, draw) = (next + 1, 0);
                }
            }
            for (strategy, tally) in strategies.iter().zip(&mut tallies) {
                let scores = strategy.score_draws_in(matrix, &batch, &draws, ws)?;
                rolefit_score::check_scores(*strategy, &scores, batch.len(), matrix.n_roles())?;
                let finished_before = tally.out.len();
                tally.take(&scores, first_draw, self.resamples);
                ws.give(scores);
                done(tally.out.len() - finished_before);
            }
        }
        Ok(tallies)
    }
}

/// One strategy's confidences and full profiles' scores (profiles x roles).
pub(crate) type Confidences = (Vec<Confidence>, Array2<f64>);

/// One strategy's confidences, as the calls' scores come in.
struct Tally {
    /// The respondents finished.
    out: Vec<Confidence>,
    /// The respondent being summarised.
    current: Option<Confidence>,
    /// The full profiles' scores, when kept.
    scores: Option<Array2<f64>>,
}

impl Tally {
    /// Takes one call's scores, whose first row is draw `first_draw` of
    /// the current respondent (0: the full profile).
    fn take(&mut self, scores: &Array2<f64>, first_draw: usize, resamples: usize) {
        let mut d = first_draw;
        for row in scores.outer_iter() {
            if d == 0 {
                if let Some(full) = self.scores.as_mut() {
                    full.row_mut(self.out.len()).assign(&row);
                }
                let ranked = rank(row, Some(2));
                let top = ranked[0].role;
                self.current = Some(Confidence {
                    top,
                    margin: ranked
                        .get(1)
                        .map(|second| (ranked[0].score - second.score).max(0.0)),
                    stability: 0.0,
                    resamples,
                });
            } else if let Some(c) = self.current.as_mut() {
                if rank(row, Some(1))[0].role == c.top {
                    c.stability += 1.0;
                }
            }
            d += 1;
            if d > resamples {
                if let Some(mut c) = self.current.take() {
                    c.stability /= resamples as f64;
                    self.out.push(c);
                }
                d = 0;
            }
        }
    }
}

impl Default for Bootstrap {
    /// [`DEFAULT_RESAMPLES`] resamples with [`DEFAULT_SEED`].
    fn default() -> Self {
        Bootstrap::new(DEFAULT_RESAMPLES, DEFAULT_SEED)
    }
}

/// The indices of the answered capabilities, into `out`.
fn answered_indices(answered: &[bool], out: &mut Vec<usize>) {
    out.clear();
    out.extend(answered.iter().enumerate().filter(|(_, &a)| a).map(|(i, _)| i));
}

/// 64-bit FNV-1a: a fixed, portable hash (std's hasher may change between
/// Rust releases, which would change every resample).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rolefit_score::test_util::{batch, example_matrix, matrix};
    use rolefit_score::Euclidean;

    #[test]
    fn fnv1a_matches_the_reference_values() {
        // From the FNV reference test suite.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn resamples_keep_only_answered_values_and_at_least_one() {
        let b = Bootstrap::new(10, 7);
        let mut rng = b.rng("ana");
        let values = [4.0, 0.0, 2.0, 5.0];
        let answered = [true, false, true, true];
        let (mut drawn, mut out) = (Vec::new(), Vec::new());
        let mut kept_total = 0;
        for _ in 0..200 {
            Bootstrap::resample_into(&mut rng, &values, &answered, &mut drawn, &mut out);
            assert_eq!(out.len(), 4);
            assert_eq!(out[1], None, "a blank stays blank");
            let kept: Vec<_> = out.iter().flatten().collect();
            assert!(!kept.is_empty() && kept.len() <= 3);
            for (i, v) in out.iter().enumerate() {
                if let Some(v) = v {
                    assert_eq!(*v, values[i]);
                }
            }
            kept_total += kept.len();
        }
        // E[kept] = 3 * (1 - (2/3)^3) = 2.111; 200 draws land near it.
        let mean = kept_total as f64 / 200.0;
        assert!((1.9..2.35).contains(&mean), "{mean}");
    }

    #[test]
    fn streams_depend_on_seed_and_id_only() {
        let draw = |b: Bootstrap, id: &str| {
            let mut rng = b.rng(id);
            (0..8).map(|_| rng.gen_range(0..1000)).collect::<Vec<u32>>()
        };
        let b = Bootstrap::new(5, 3);
        assert_eq!(draw(b, "x"), draw(b, "x"));
        assert_ne!(draw(b, "x"), draw(b, "y"));
        assert_ne!(draw(b, "x"), draw(Bootstrap::new(5, 4), "x"));
    }

    #[test]
    fn confidence_of_clear_and_of_ambiguous_profiles() {
        let m = example_matrix();
        let cm = CompiledMatrix::new(&m);
        // Exactly role 0's levels: every resample still ranks role 0 first.
        // Halfway between the roles on A and C, at role 1 on B: ambiguous.
        let profiles = batch(
            3,
            &[
                &[Some(4.0), Some(2.0), Some(3.0)],
                &[Some(3.0), Some(5.0), Some(2.0)],
            ],
        );
        let b = Bootstrap::new(40, 1);
        let conf = b
            .confidence(&cm, &Euclidean, &profiles, &mut Workspace::new())
            .unwrap();
        assert_eq!(conf[0].top, 0);
        assert_eq!(conf[0].stability, 1.0);
        assert_eq!(conf[0].resamples, 40);
        let scores = Euclidean.score(&cm, &profiles).unwrap();
        let margin = scores[(0, 0)] - scores[(0, 1)];
        assert!((conf[0].margin.unwrap() - margin).abs() < 1e-15);
        assert!((0.0..=1.0).contains(&conf[1].stability));
        // Independent of how profiles are grouped into batches: the same
        // respondent (id p1) alone gets the same resamples.
        let mut alone = ProfileBatch::new(3);
        alone.push("p1", &[Some(3.0), Some(5.0), Some(2.0)]);
        let alone = b
            .confidence(&cm, &Euclidean, &alone, &mut Workspace::new())
            .unwrap();
        assert_eq!(alone[0], conf[1]);
    }

    #[test]
    fn single_role_has_no_margin() {
        let m = matrix(&[&[(4.0, 1.0), (2.0, 1.0)]]);
        let cm = CompiledMatrix::new(&m);
        let conf = Bootstrap::default()
            .confidence(
                &cm,
                &Euclidean,
                &batch(2, &[&[Some(1.0), None]]),
                &mut Workspace::new(),
            )
            .unwrap();
        assert_eq!(conf[0].margin, None);
        assert_eq!(conf[0].stability, 1.0);
    }

    #[test]
    fn many_profiles_are_scored_in_several_calls() {
        let m = example_matrix();
        let cm = CompiledMatrix::new(&m);
        let rows: Vec<Vec<Option<f64>>> = (0..300)
            .map(|i| vec![Some(1.0 + (i % 5) as f64), Some(1.0 + (i % 3) as f64), Some(2.0)])
            .collect();
        let rows: Vec<&[Option<f64>]> = rows.iter().map(Vec::as_slice).collect();
        let profiles = batch(3, &rows);
        let conf = Bootstrap::new(50, 2)
            .confidence(&cm, &Euclidean, &profiles, &mut Workspace::new())
            .unwrap();
        assert_eq!(conf.len(), 300);
        // Identical profiles with the same id would agree; here ids differ
        // but the profile of row i and i + 15 is the same: same top.
        assert_eq!(conf[0].top, conf[15].top);
    }

    /// A strategy that notes whether a call held a resample without its
    /// full profile.
    struct SeesSplit(std::sync::atomic::AtomicBool);

    impl Strategy for SeesSplit {
        fn name(&self) -> &str {
            "sees-split"
        }
        fn formula(&self) -> &str {
            ""
        }
        fn description(&self) -> &str {
            ""
        }
        fn score_in(
            &self,
            matrix: &CompiledMatrix,
            profiles: &ProfileBatch,
            ws: &mut Workspace,
        ) -> Result<Array2<f64>, ScoreError> {
            Euclidean.score_in(matrix, profiles, ws)
        }
        fn score_draws_in(
            &self,
            matrix: &CompiledMatrix,
            profiles: &ProfileBatch,
            draws: &[Draw],
            ws: &mut Workspace,
        ) -> Result<Array2<f64>, ScoreError> {
            if draws.contains(&Draw::Resample(None)) {
                self.0.store(true, std::sync::atomic::Ordering::Relaxed);
            }
            self.score_in(matrix, profiles, ws)
        }
        fn contributions(&self, _: &CompiledMatrix, _: &[f64], _: &[bool], _: usize) -> Option<Vec<f64>> {
            None
        }
    }

    #[test]
    fn a_call_holds_whole_respondents_when_it_can() {
        // 300 respondents x 51 draws are four calls of 4,096 profiles or
        // less: each holds 80 whole respondents, so every resample comes
        // with its full profile (knn's pooled search needs it).
        let cm = CompiledMatrix::new(&example_matrix());
        let rows: Vec<Vec<Option<f64>>> = (0..300)
            .map(|i| vec![Some(1.0 + (i % 5) as f64), Some(2.0), Some(1.0 + (i % 4) as f64)])
            .collect();
        let rows: Vec<&[Option<f64>]> = rows.iter().map(Vec::as_slice).collect();
        let profiles = batch(3, &rows);
        let b = Bootstrap::default();
        assert_eq!(b.per_call(MAX_SCORE_CELLS, 2), 80 * 51);
        let sees = SeesSplit(std::sync::atomic::AtomicBool::new(false));
        let conf = b
            .confidence(&cm, &sees, &profiles, &mut Workspace::new())
            .unwrap();
        assert!(!sees.0.load(std::sync::atomic::Ordering::Relaxed));
        assert_eq!(
            conf,
            b.confidence(&cm, &Euclidean, &profiles, &mut Workspace::new())
                .unwrap()
        );
        // Calls too small for one respondent's draws split them.
        assert_eq!(b.per_call(40 * 2, 2), 40);
    }

    #[test]
    fn several_strategies_get_what_each_gets_alone() {
        let cm = CompiledMatrix::new(&example_matrix());
        let rows: Vec<Vec<Option<f64>>> = (0..120)
            .map(|i| vec![Some(1.0 + (i % 5) as f64), None, Some(1.0 + (i % 3) as f64)])
            .collect();
        let rows: Vec<&[Option<f64>]> = rows.iter().map(Vec::as_slice).collect();
        let profiles = batch(3, &rows);
        let b = Bootstrap::new(20, 4);
        let strategies: [&dyn Strategy; 2] = [&Euclidean, &rolefit_score::Cosine];
        let both = b
            .confidence_and_scores(&cm, &strategies, &profiles, &mut Workspace::new(), &|_| {})
            .unwrap();
        for (strategy, (confidence, scores)) in strategies.iter().zip(both) {
            let alone = b
                .confidence(&cm, *strategy, &profiles, &mut Workspace::new())
                .unwrap();
            assert_eq!(confidence, alone, "{}", strategy.name());
            assert_eq!(scores, strategy.score(&cm, &profiles).unwrap());
        }
    }

    /// With many roles a respondent's resamples span several calls of at
    /// most `MAX_SCORE_CELLS`; the confidences are those of scoring each
    /// draw alone.
    #[test]
    fn resamples_of_many_roles_span_calls_with_the_same_result() {
        use rolefit_score::test_util::{many_roles, varied_batch, Largest};
        let cm = CompiledMatrix::new(&many_roles(40));
        let profiles = varied_batch(4);
        let b = Bootstrap::new(30, 3);
        let counting = Largest::new(&Euclidean);
        // Calls of 7 rows: each respondent's 31 draws span five calls.
        let mut tallies = b
            .confidence_in_calls(
                &cm,
                &[&counting],
                &profiles,
                &mut Workspace::new(),
                7 * 40 + 5,
                &|_| {},
                true,
            )
            .unwrap();
        let Tally {
            out: conf, scores, ..
        } = tallies.pop().unwrap();
        let full_scores = scores.unwrap();
        assert_eq!(counting.largest(), 7 * 40);
        assert_eq!(conf.len(), 4);
        // The full profiles' scores, collected on the way, are score_in's.
        assert_eq!(full_scores, Euclidean.score(&cm, &profiles).unwrap());
        let top_of = |values: &[Option<f64>], k: usize| {
            let scores = Euclidean.score(&cm, &batch(3, &[values])).unwrap();
            rank(scores.row(0), Some(k))
        };
        for (i, c) in conf.iter().enumerate() {
            let (x, a) = profiles.row(i);
            let full: Vec<Option<f64>> = x.iter().zip(a).map(|(&x, &a)| a.then_some(x)).collect();
            let ranked = top_of(&full, 2);
            assert_eq!(c.top, ranked[0].role);
            assert_eq!(c.margin, Some((ranked[0].score - ranked[1].score).max(0.0)));
            let mut rng = b.rng(profiles.respondent(i));
            let (mut drawn, mut values) = (Vec::new(), Vec::new());
            let kept = (0..30)
                .filter(|_| {
                    Bootstrap::resample_into(&mut rng, x, a, &mut drawn, &mut values);
                    top_of(&values, 1)[0].role == c.top
                })
                .count();
            assert_eq!(c.stability, kept as f64 / 30.0, "respondent {i}");
        }
        // The default calls give the same.
        let whole = b
            .confidence(&cm, &Euclidean, &profiles, &mut Workspace::new())
            .unwrap();
        assert_eq!(conf, whole);
    }
}
