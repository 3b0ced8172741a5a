//! The neighbour search of `knn`.
//!
//! **Exact search.** Trees do not prune in 20 to 70 dimensions of noisy
//! answers (a query's `k`-th neighbour is about as far as the centre of
//! another role), so every training row is looked at once per query. The
//! training rows are kept capability-major (one contiguous slice per
//! capability) in single precision ([`Single`]) and walked in blocks that
//! stay in the cache while every query of the batch passes over them, four
//! queries and eight rows at a time, so that the squared differences are
//! computed in vector registers. Single precision only filters: of each
//! query, the `m` nearest rows seen so far are kept below a bar (the
//! `m`-th distance at the last compaction), and a row whose
//! single-precision sum passes the bar plus a proven rounding allowance
//! ([`Slack`]) is measured again exactly, in double precision, summed over
//! the capabilities in order from `0.0` with no fused multiply-add (the
//! same number on every machine), and offered at that distance. Almost
//! every row costs one single-precision comparison, and the neighbours
//! found are exactly those of a double-precision search. Of rows at
//! exactly the same distance, the earlier training row ranks first.
//!
//! **Bootstrap resamples.** A resample of a respondent (see
//! [`crate::evaluate::Bootstrap`]) differs from the full profile only in
//! the answers it leaves out, which `knn` replaces by the training means.
//! Searching every resample over every training row would cost one full
//! search per resample, fifty per respondent. Instead, when a batch says
//! which rows are resamples of which full profile ([`Draw`]), the scan of
//! the full profile also computes, for every training row `x`, the bound
//!
//! ```text
//! L(x) = sum_d min((q_d - x_d)^2, (m_d - x_d)^2)
//! ```
//!
//! with `q` the full profile (blanks imputed) and `m` the training means,
//! summed by the scan in single precision. Every resample takes `q_d` or
//! `m_d` on each capability, so `L(x)` is (up to that rounding) at most its
//! squared distance to `x`: the rows of smallest `L` are the rows that can
//! be near *some* resample. The [`pool_size`] rows of smallest
//! `L` (ties: the earlier row) form the respondent's **pool**, and each
//! resample's `k` nearest are its `k` nearest *within the pool* (exact
//! distances, the same tie rule). This is the one approximation in `knn`:
//! a row outside the pool that is among a resample's `k` nearest (its
//! bound is large, its distance to that one resample small) is missed.
//! Measured on 100,000
//! labelled respondents (`cargo bench --bench evaluate -- --knn-pool
//! 100000`, docs/evaluation.md), it moves a respondent's stability by
//! 0.004 on average (the sampling error of stability with 50 resamples is
//! up to 0.07). The full profiles' neighbours, and so every score and
//! every quality metric, stay exact.

use std::cmp::Ordering;

use rolefit_score::strategy::Draw;

/// Queries scanned together.
const QUERIES: usize = 4;

/// Training rows per step of the kernel.
const LANES: usize = 8;

/// Training rows per cache block: 2,048 rows of 20 capabilities are
/// 320 KiB.
const BLOCK: usize = 2048;

/// The pool of a full profile, per neighbour asked for.
pub(crate) const POOL_PER_NEIGHBOUR: usize = 64;

/// The smallest pool (what `k` = 5 gets).
pub(crate) const MIN_POOL: usize = 1024;

/// The training rows, twice: in single precision for the scan, and as
/// they are for exact distances.
#[derive(Clone, Copy)]
pub(crate) struct Columns<'a> {
    /// The scan's copy ([`Single`]): `single.data[d * rows + r]` is row
    /// `r`'s value of capability `d`, times `single.scale`, in single
    /// precision.
    pub(crate) single: &'a Single,
    /// `points[r * capabilities + d]` is row `r`'s value of capability `d`.
    pub(crate) points: &'a [f64],
    pub(crate) rows: usize,
    pub(crate) capabilities: usize,
    /// Some of the rows, evenly spaced ([`Sample`]), scanned first to give
    /// each pool a starting bar.
    pub(crate) sample: Option<&'a Sample>,
}

/// Rows per [`Sample`].
pub(crate) const SAMPLE_ROWS: usize = 2048;

/// [`SAMPLE_ROWS`] training rows evenly spaced through the data, in the
/// same unit as the whole ([`Single`]).
///
/// Keeping a pool of the `m` rows of smallest bound out of `n` costs
/// about the rows admitted on the way, and with no idea of where the
/// `m`-th bound lies, a scan admits the first `4m` rows and ten thousand
/// on the way for a pool of 1,024 from 80,000. So the sample is scanned
/// first: its `ceil(2 m s / n) + 16`-th smallest bound (of `s` sampled
/// rows; about twice the pool's share of the data) is where the pool
/// starts, and a row enters only at or below it. If fewer than `m` rows
/// do (the sample misled), the query is searched again from no bar. Either
/// way the pool is exactly the `m` rows of smallest bound: the sample only
/// saves work.
#[derive(Debug, Clone)]
pub(crate) struct Sample {
    single: Single,
    points: Vec<f64>,
    rows: usize,
}

impl Sample {
    /// The sample of `points` (rows x capabilities, row-major) in the unit
    /// of `whole`; `None` when there are too few rows to need one.
    pub(crate) fn new(points: &[f64], capabilities: usize, whole: &Single) -> Option<Self> {
        Self::of(points, capabilities, whole, SAMPLE_ROWS)
    }

    /// [`Sample::new`] of `size` rows (at least half the data's rows are
    /// left out, or there is no sample).
    fn of(points: &[f64], capabilities: usize, whole: &Single, size: usize) -> Option<Self> {
        let rows = points.len().checked_div(capabilities).unwrap_or(0);
        if capabilities == 0 || size == 0 || rows < 2 * size {
            return None;
        }
        let picked: Vec<f64> = (0..size)
            .flat_map(|i| {
                let r = i * rows / size;
                points[r * capabilities..(r + 1) * capabilities].iter().copied()
            })
            .collect();
        Some(Self::given(picked, capabilities, whole))
    }

    /// The rows `picked` (row-major) as a sample, in the unit of `whole`.
    fn given(picked: Vec<f64>, capabilities: usize, whole: &Single) -> Self {
        Sample {
            single: Single::scaled(&picked, capabilities, whole.scale, whole.magnitude),
            rows: picked.len() / capabilities,
            points: picked,
        }
    }

    fn columns(&self, capabilities: usize) -> Columns<'_> {
        Columns {
            single: &self.single,
            points: &self.points,
            rows: self.rows,
            capabilities,
            sample: None,
        }
    }
}

/// The training rows in single precision, capability-major (one contiguous
/// slice per capability), multiplied first by a power of two that brings
/// the largest magnitude among them and the blanks' values into `[1, 2)`:
/// an exact change of unit that keeps every value in single precision's
/// range, whatever the scale.
#[derive(Debug, Clone)]
pub(crate) struct Single {
    data: Vec<f32>,
    /// The power of two the values were multiplied by.
    scale: f64,
    /// The largest magnitude of a scaled value (of the rows or the blanks).
    magnitude: f64,
}

impl Single {
    /// The single-precision copy of `points` (rows x capabilities,
    /// row-major), scaled for them and `means`.
    pub(crate) fn new(points: &[f64], capabilities: usize, means: &[f64]) -> Self {
        let largest = points.iter().chain(means).fold(0.0f64, |m, v| m.max(v.abs()));
        let scale = power_of_two_below(largest);
        Self::scaled(points, capabilities, scale, largest * scale)
    }

    /// The copy of `points` multiplied by `scale`, `magnitude` the largest
    /// scaled value it is to be compared with.
    fn scaled(points: &[f64], capabilities: usize, scale: f64, magnitude: f64) -> Self {
        let rows = points.len().checked_div(capabilities).unwrap_or(0);
        let mut data = vec![0.0f32; rows * capabilities];
        for (r, point) in points.chunks_exact(capabilities.max(1)).enumerate().take(rows) {
            for (d, &v) in point.iter().enumerate() {
                data[d * rows + r] = (v * scale) as f32;
            }
        }
        Single {
            data,
            scale,
            magnitude,
        }
    }

    /// `values` in the scan's unit and precision.
    pub(crate) fn convert(&self, values: &[f64]) -> Vec<f32> {
        values.iter().map(|&v| (v * self.scale) as f32).collect()
    }
}

/// `1 / 2^e` for the `e` with `2^e <= largest < 2^(e + 1)`; `1` for zero,
/// non-finite or extreme magnitudes.
fn power_of_two_below(largest: f64) -> f64 {
    if !largest.is_normal() {
        return 1.0;
    }
    let exponent = ((largest.to_bits() >> 52) & 0x7ff) as i64 - 1023;
    let exponent = exponent.clamp(-1000, 1000);
    f64::from_bits(((1023 - exponent) as u64) << 52)
}

/// How far a single-precision squared distance summed by the scan can be
/// from the exact one, as a bound in the scan's unit.
///
/// With `u = 2^-24`, values of magnitude at most `V` (after the change of
/// unit) and `c` capabilities: rounding each value to single precision and
/// subtracting errs by at most `4uV` per difference, squaring by at most
/// `20uV^2` per term, and summing `c` terms by at most `c u D` for a sum
/// `D`; so a row at exact distance `D <= bar` has a single-precision sum at
/// most `bar + c u (20 V^2 + bar)` (to first order). The gate allows
/// `c 2^-20 (8 V^2 + bar)`, sixteen times that and more, and is rounded up
/// to single precision: a row the gate turns away is farther than `bar`.
#[derive(Debug, Clone, Copy)]
struct Slack {
    /// `c 2^-20`.
    per_capability: f64,
    /// `8 V^2`.
    values: f64,
    /// The square of the change of unit.
    scale2: f64,
}

impl Slack {
    /// The single-precision threshold for exact distances below `bar`.
    fn gate(&self, bar: f64) -> f32 {
        if bar == f64::INFINITY {
            return f32::INFINITY;
        }
        let x = bar * self.scale2;
        let loose = x + self.per_capability * (self.values + x);
        (loose as f32).next_up()
    }
}

/// A candidate neighbour: a squared distance and the training row, ordered
/// by distance, then row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Near(pub(crate) f64, pub(crate) usize);

impl Eq for Near {}

impl PartialOrd for Near {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Near {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0).then(self.1.cmp(&other.1))
    }
}

/// The `m` nearest rows of one query among those offered so far.
struct Nearest {
    m: usize,
    items: Vec<Near>,
    /// Rows at this distance or farther cannot enter: `m` rows offered
    /// earlier are nearer or as near.
    bar: f64,
    /// The bar for the scan's single-precision sums: for exact distances
    /// ([`Slack`]), a row whose sum is above it is farther than the bar;
    /// for pools, whose bounds are the single-precision sums themselves,
    /// the bar itself.
    gate: f32,
    slack: Option<Slack>,
}

impl Nearest {
    fn new(m: usize, slack: Option<Slack>) -> Self {
        Nearest {
            m,
            items: Vec::with_capacity(Self::room(m)),
            bar: f64::INFINITY,
            gate: f32::INFINITY,
            slack,
        }
    }

    /// Candidates held before a compaction: a compaction costs about the
    /// candidates held, so a larger room makes each admitted row cheaper
    /// (a pool of 1,024 admits thousands of rows on the way).
    fn room(m: usize) -> usize {
        4 * m + LANES
    }

    /// Offers rows in increasing row order: one at the bar's distance
    /// comes after the bar's row, so it cannot enter.
    #[inline]
    fn offer(&mut self, d: f64, row: usize) {
        if d < self.bar {
            self.admit(d, row);
        }
    }

    /// Keeps `row` as a candidate (the caller checked it against the bar).
    #[inline]
    fn admit(&mut self, d: f64, row: usize) {
        self.items.push(Near(d, row));
        if self.items.len() >= Self::room(self.m) {
            self.compact();
        }
    }

    /// Keeps the `m` nearest and lowers the bar to the farthest of them.
    fn compact(&mut self) {
        if self.items.len() > self.m {
            self.items.select_nth_unstable(self.m - 1);
            self.items.truncate(self.m);
        }
        if self.items.len() == self.m {
            self.bar = self.items.iter().map(|n| n.0).fold(f64::NEG_INFINITY, f64::max);
            self.gate = match self.slack {
                Some(slack) => slack.gate(self.bar),
                // A pool's values are single-precision sums: exact.
                None => self.bar as f32,
            };
        }
    }

    /// Lets in only rows at `bound` or below from now on (`bound` a
    /// single-precision sum, as a pool's are): the bar is the next value
    /// single precision holds.
    fn start_below(&mut self, bound: f64) {
        let bar = (bound as f32).next_up();
        self.bar = f64::from(bar);
        self.gate = bar;
    }

    /// The `m` nearest, in no particular order.
    fn into_unordered(mut self) -> Vec<Near> {
        self.compact();
        self.items
    }

    fn into_sorted(mut self) -> Vec<Near> {
        self.compact();
        self.items.sort_unstable();
        self.items
    }
}

/// Each query's `k` nearest training rows, nearest first (ties: the
/// earlier row); `k` is at least 1.
pub(crate) fn nearest(columns: &Columns<'_>, queries: &[&[f64]], k: usize) -> Vec<Vec<Near>> {
    search::<false>(columns, &[], queries, k, 0)
        .into_iter()
        .map(|(near, _)| near)
        .collect()
}

/// Each query's `k` nearest training rows, and its pool: the `pool` rows
/// of smallest lower bound `sum_d min((q_d - x_d)^2, (means_d - x_d)^2)`,
/// summed in single precision in the scan's unit ([`pool_bound`]; in no
/// particular order: sorting it would cost more than it saves in
/// [`Pooled::nearest`]), a bound of the distance from the row to every
/// resample of the query.
pub(crate) fn nearest_with_pools(
    columns: &Columns<'_>,
    means: &[f64],
    queries: &[&[f64]],
    k: usize,
    pool: usize,
) -> Vec<(Vec<Near>, Vec<Near>)> {
    search::<true>(columns, means, queries, k, pool)
}

fn search<const POOLS: bool>(
    columns: &Columns<'_>,
    means: &[f64],
    queries: &[&[f64]],
    k: usize,
    pool: usize,
) -> Vec<(Vec<Near>, Vec<Near>)> {
    let c = columns.capabilities;
    let single = columns.single;
    let converted: Vec<Vec<f32>> = queries.iter().map(|q| single.convert(q)).collect();
    let largest = queries
        .iter()
        .flat_map(|q| q.iter())
        .fold(single.magnitude, |m, &v| m.max((v * single.scale).abs()));
    let slack = Slack {
        per_capability: c as f64 * f64::powi(2.0, -20),
        values: 8.0 * largest * largest,
        scale2: single.scale * single.scale,
    };
    let mut found: Vec<Nearest> = queries
        .iter()
        .map(|_| Nearest::new(k.max(1), Some(slack)))
        .collect();
    let mut pools: Vec<Nearest> = queries
        .iter()
        .map(|_| Nearest::new(if POOLS { pool.max(1) } else { 1 }, None))
        .collect();
    let seeded = if POOLS {
        seed_pools(columns, means, queries, pool, &mut pools)
    } else {
        Vec::new()
    };
    let means32 = single.convert(means);
    // Each group of four queries transposed: `quad[d][i]` is query i's
    // value of capability d (the last query repeated to fill the group).
    let quads: Vec<Vec<[f32; QUERIES]>> = converted
        .chunks(QUERIES)
        .map(|group| {
            (0..c)
                .map(|d| std::array::from_fn(|i| group[i.min(group.len() - 1)][d]))
                .collect()
        })
        .collect();
    for first in (0..columns.rows).step_by(BLOCK) {
        let last = (first + BLOCK).min(columns.rows);
        for (((quad, group), found), pools) in quads
            .iter()
            .zip(queries.chunks(QUERIES))
            .zip(found.chunks_mut(QUERIES))
            .zip(pools.chunks_mut(QUERIES))
        {
            let step = Step {
                columns,
                means: &means32,
                quad,
                group,
                block: first..last,
            };
            scan::<POOLS>(&step, found, pools);
        }
    }
    let mut out: Vec<(Vec<Near>, Vec<Near>)> = found
        .into_iter()
        .zip(pools)
        .map(|(f, p)| {
            (
                f.into_sorted(),
                if POOLS { p.into_unordered() } else { Vec::new() },
            )
        })
        .collect();
    // A pool whose starting bar let fewer than its rows in: again, from no
    // bar.
    let short: Vec<usize> = (0..queries.len())
        .filter(|&i| seeded.get(i) == Some(&true) && out[i].1.len() < pool.min(columns.rows))
        .collect();
    if !short.is_empty() {
        let unseeded = Columns {
            sample: None,
            ..*columns
        };
        let again: Vec<&[f64]> = short.iter().map(|&i| queries[i]).collect();
        for (&i, (_, p)) in short
            .iter()
            .zip(search::<true>(&unseeded, means, &again, k, pool))
        {
            out[i].1 = p;
        }
    }
    out
}

/// Gives each query's pool a starting bar from the [`Sample`] when there
/// is one and the data are large enough for it to pay; returns which
/// pools got one.
fn seed_pools(
    columns: &Columns<'_>,
    means: &[f64],
    queries: &[&[f64]],
    pool: usize,
    pools: &mut [Nearest],
) -> Vec<bool> {
    let Some(sample) = columns.sample else {
        return vec![false; queries.len()];
    };
    if columns.rows < 4 * pool || sample.rows == 0 {
        return vec![false; queries.len()];
    }
    let j = ((2 * pool * sample.rows).div_ceil(columns.rows) + 16).min(sample.rows);
    let sampled = search::<true>(&sample.columns(columns.capabilities), means, queries, 1, j);
    pools
        .iter_mut()
        .zip(sampled)
        .map(|(p, (_, seed))| {
            let ok = seed.len() == j;
            if ok {
                p.start_below(seed.iter().map(|n| n.0).fold(f64::NEG_INFINITY, f64::max));
            }
            ok
        })
        .collect()
}

/// One group of queries over one block of training rows.
struct Step<'a> {
    columns: &'a Columns<'a>,
    /// The values of a blank, in the scan's unit (read only when pools are
    /// kept).
    means: &'a [f32],
    /// The queries in the scan's unit, transposed.
    quad: &'a [[f32; QUERIES]],
    /// The same queries as they are.
    group: &'a [&'a [f64]],
    block: std::ops::Range<usize>,
}

impl Step<'_> {
    /// Offers `row` to query `i`'s `found` at its exact distance.
    #[inline]
    fn exact(&self, i: usize, found: &mut Nearest, row: usize) {
        let c = self.columns.capabilities;
        let point = &self.columns.points[row * c..(row + 1) * c];
        found.offer(squared_distance(self.group[i], point), row);
    }
}

/// Offers the rows of the step to the (up to four) queries' `found` and,
/// with `POOLS`, their bounds to `pools`.
///
/// The squared distances are summed in single precision first, eight rows
/// at a time; a row whose sum passes a query's gate (see [`Slack`]), which
/// few do once the bar has come down, is measured exactly
/// ([`squared_distance`]) and offered at that distance. So the neighbours
/// found are exactly those of a search in double precision.
fn scan<const POOLS: bool>(step: &Step<'_>, found: &mut [Nearest], pools: &mut [Nearest]) {
    #[cfg(target_arch = "x86_64")]
    if avx2::available() {
        return avx2::scan::<POOLS>(step, found, pools);
    }
    scan_portable::<POOLS>(step, found, pools)
}

/// The scan, compiled for the machine's baseline instruction set; see
/// [`avx2`] for the same arithmetic with wider vectors.
#[inline(always)]
fn scan_portable<const POOLS: bool>(step: &Step<'_>, found: &mut [Nearest], pools: &mut [Nearest]) {
    let n = step.columns.rows;
    let data = &step.columns.single.data;
    let mut r = step.block.start;
    while r + LANES <= step.block.end {
        let mut acc = [[0.0f32; LANES]; QUERIES];
        let mut low = [[0.0f32; LANES]; QUERIES];
        for (d, q) in step.quad.iter().enumerate() {
            let col: &[f32; LANES] = data[d * n + r..d * n + r + LANES]
                .try_into()
                .expect("a slice of LANES values");
            let blank: [f32; LANES] = if POOLS {
                std::array::from_fn(|j| {
                    let u = step.means[d] - col[j];
                    u * u
                })
            } else {
                [0.0; LANES]
            };
            for ((acc, low), &v) in acc.iter_mut().zip(&mut low).zip(q) {
                for j in 0..LANES {
                    let t = v - col[j];
                    let tt = t * t;
                    acc[j] += tt;
                    if POOLS {
                        low[j] += if tt < blank[j] { tt } else { blank[j] };
                    }
                }
            }
        }
        for (i, (f, acc)) in found.iter_mut().zip(&acc).enumerate() {
            for (j, &sum) in acc.iter().enumerate() {
                if sum <= f.gate {
                    step.exact(i, f, r + j);
                }
            }
        }
        if POOLS {
            for (p, low) in pools.iter_mut().zip(&low) {
                for (j, &bound) in low.iter().enumerate() {
                    if bound < p.gate {
                        p.offer(f64::from(bound), r + j);
                    }
                }
            }
        }
        r += LANES;
    }
    scan_tail::<POOLS>(step, r, found, pools);
}

/// The rows of the step from `from` on, one at a time: measured exactly,
/// and their pool bounds summed as the vectors sum them.
#[inline(always)]
fn scan_tail<const POOLS: bool>(step: &Step<'_>, from: usize, found: &mut [Nearest], pools: &mut [Nearest]) {
    let n = step.columns.rows;
    let data = &step.columns.single.data;
    for row in from..step.block.end {
        for (i, (f, p)) in found.iter_mut().zip(pools.iter_mut()).enumerate() {
            step.exact(i, f, row);
            if POOLS {
                let mut low = 0.0f32;
                for (d, q) in step.quad.iter().enumerate() {
                    let x = data[d * n + row];
                    let (t, u) = (q[i] - x, step.means[d] - x);
                    let (tt, uu) = (t * t, u * u);
                    low += if tt < uu { tt } else { uu };
                }
                p.offer(f64::from(low), row);
            }
        }
    }
}

/// The lower bound of a pool, as the scan sums it: `sum_d min((q_d -
/// x_d)^2, (m_d - x_d)^2)` over values in the scan's unit and precision
/// ([`Single::convert`]), in capability order.
#[cfg(test)]
pub(crate) fn pool_bound(query: &[f32], point: &[f32], means: &[f32]) -> f64 {
    let low = query
        .iter()
        .zip(point)
        .zip(means)
        .fold(0.0f32, |low, ((&q, &x), &m)| {
            let (t, u) = (q - x, m - x);
            let (tt, uu) = (t * t, u * u);
            low + if tt < uu { tt } else { uu }
        });
    f64::from(low)
}

/// The scan with AVX2 where the processor has it (checked once at run
/// time): four queries against eight training rows per step, every sum in
/// registers. The arithmetic is the same operations in the same order
/// (subtract, multiply, add; no fused multiply-add), so the sums are bit
/// for bit those of [`scan_portable`].
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod avx2 {
    use super::{Near, Nearest, Pooled, Step, QUERIES};
    use std::arch::x86_64::{
        __m256, _mm256_add_ps, _mm256_cmp_ps, _mm256_loadu_ps, _mm256_min_ps, _mm256_movemask_ps,
        _mm256_mul_ps, _mm256_set1_ps, _mm256_setzero_ps, _mm256_storeu_ps, _mm256_sub_ps, _CMP_LE_OQ,
        _CMP_LT_OQ,
    };
    use std::sync::OnceLock;

    pub(super) fn available() -> bool {
        static AVX2: OnceLock<bool> = OnceLock::new();
        *AVX2.get_or_init(|| std::arch::is_x86_feature_detected!("avx2"))
    }

    pub(super) fn scan<const POOLS: bool>(step: &Step<'_>, found: &mut [Nearest], pools: &mut [Nearest]) {
        let columns = step.columns;
        assert_eq!(step.quad.len(), columns.capabilities);
        assert!(step.block.end <= columns.rows);
        assert!(columns.single.data.len() >= columns.rows * columns.capabilities);
        assert!(!POOLS || step.means.len() >= columns.capabilities);
        // SAFETY: called only when `available()` found AVX2 on this
        // processor; the asserts above keep every load in bounds.
        let from = unsafe { scan8::<POOLS>(step, found, pools) };
        super::scan_tail::<POOLS>(step, from, found, pools);
    }

    pub(super) fn pooled(pooled: &Pooled<'_>, queries: &[&[f64]], k: usize) -> Vec<Vec<Near>> {
        // SAFETY: called only when `available()` found AVX2 on this
        // processor, which is all that `pooled_avx2` requires.
        unsafe { pooled_avx2(pooled, queries, k) }
    }

    #[target_feature(enable = "avx2")]
    fn pooled_avx2(pooled: &Pooled<'_>, queries: &[&[f64]], k: usize) -> Vec<Vec<Near>> {
        pooled.nearest_portable(queries, k)
    }

    /// The lanes of `sums` at or below `gate` (`LE`) or below it (`LT`),
    /// one bit each.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn below<const CMP: i32>(sums: __m256, gate: f32) -> i32 {
        _mm256_movemask_ps(_mm256_cmp_ps::<CMP>(sums, _mm256_set1_ps(gate)))
    }

    /// The rare case: some of eight rows from `first` on passed query
    /// `i`'s gate; each is measured exactly and offered.
    #[cold]
    #[inline(never)]
    fn exact_each(step: &Step<'_>, i: usize, f: &mut Nearest, mask: i32, first: usize) {
        for j in 0..8 {
            if mask & (1 << j) != 0 {
                step.exact(i, f, first + j);
            }
        }
    }

    /// The rare case: some of eight rows from `first` on (the bits of
    /// `mask`) are below the pool's bar.
    #[cold]
    #[inline(never)]
    fn offer_each(p: &mut Nearest, bounds: &[f32; 8], mask: i32, first: usize) {
        for (j, &bound) in bounds.iter().enumerate() {
            if mask & (1 << j) != 0 {
                p.offer(f64::from(bound), first + j);
            }
        }
    }

    /// Eight rows per step; returns the first row not scanned.
    #[target_feature(enable = "avx2")]
    unsafe fn scan8<const POOLS: bool>(
        step: &Step<'_>,
        found: &mut [Nearest],
        pools: &mut [Nearest],
    ) -> usize {
        let n = step.columns.rows;
        let data = step.columns.single.data.as_ptr();
        let mut r = step.block.start;
        while r + 8 <= step.block.end {
            let mut acc = [_mm256_setzero_ps(); QUERIES];
            let mut low = [_mm256_setzero_ps(); QUERIES];
            for (d, q) in step.quad.iter().enumerate() {
                // SAFETY: r + 8 <= block.end <= rows, d < capabilities.
                let col = unsafe { _mm256_loadu_ps(data.add(d * n + r)) };
                let uu = if POOLS {
                    let u = _mm256_sub_ps(_mm256_set1_ps(step.means[d]), col);
                    _mm256_mul_ps(u, u)
                } else {
                    _mm256_setzero_ps()
                };
                for ((acc, low), &v) in acc.iter_mut().zip(&mut low).zip(q) {
                    let t = _mm256_sub_ps(_mm256_set1_ps(v), col);
                    let tt = _mm256_mul_ps(t, t);
                    *acc = _mm256_add_ps(*acc, tt);
                    if POOLS {
                        // min(tt, uu) is `if tt < uu { tt } else { uu }`.
                        *low = _mm256_add_ps(*low, _mm256_min_ps(tt, uu));
                    }
                }
            }
            for (i, (f, &acc)) in found.iter_mut().zip(&acc).enumerate() {
                let mask = below::<_CMP_LE_OQ>(acc, f.gate);
                if mask != 0 {
                    exact_each(step, i, f, mask, r);
                }
            }
            if POOLS {
                for (p, &low) in pools.iter_mut().zip(&low) {
                    let mask = below::<_CMP_LT_OQ>(low, p.gate);
                    if mask != 0 {
                        let mut bounds = [0.0f32; 8];
                        // SAFETY: `bounds` holds eight values.
                        unsafe { _mm256_storeu_ps(bounds.as_mut_ptr(), low) };
                        offer_each(p, &bounds, mask, r);
                    }
                }
            }
            r += 8;
        }
        r
    }
}

/// The resamples of one full profile, searched in its pool.
pub(crate) struct Pooled<'a> {
    /// The training rows, row-major.
    pub(crate) points: &'a [f64],
    pub(crate) capabilities: usize,
    /// The full profile, blanks imputed.
    pub(crate) original: &'a [f64],
    /// The value of a blank, per capability.
    pub(crate) means: &'a [f64],
    /// The pool, in the order its rows are measured (any order gives the
    /// same result).
    pub(crate) pool: &'a [Near],
}

impl Pooled<'_> {
    /// Each query's `k` nearest among the pool's rows, nearest first (ties:
    /// the earlier row).
    ///
    /// A query that takes, on every capability, the full profile's value or
    /// the mean (a resample) is measured as the full profile's squared
    /// distance plus, for each capability where it takes the mean instead,
    /// the difference `(m_d - x_d)^2 - (q_d - x_d)^2`, added in capability
    /// order: about a third of the work of a whole distance, and equal to
    /// it up to rounding. Any other query is measured directly.
    pub(crate) fn nearest(&self, queries: &[&[f64]], k: usize) -> Vec<Vec<Near>> {
        #[cfg(target_arch = "x86_64")]
        if avx2::available() {
            return avx2::pooled(self, queries, k);
        }
        self.nearest_portable(queries, k)
    }

    /// [`Pooled::nearest`] for the machine's baseline instruction set (and,
    /// inlined into [`avx2`], with wider vectors: sums in the same order).
    #[inline(always)]
    fn nearest_portable(&self, queries: &[&[f64]], k: usize) -> Vec<Vec<Near>> {
        let c = self.capabilities;
        if c == 0 {
            // Every row at distance 0: the first k rows.
            let mut rows: Vec<usize> = self.pool.iter().map(|n| n.1).collect();
            rows.sort_unstable();
            rows.truncate(k.max(1));
            return queries
                .iter()
                .map(|_| rows.iter().map(|&r| Near(0.0, r)).collect())
                .collect();
        }
        // The pool in its own order.
        let rows: Vec<usize> = self.pool.iter().map(|n| n.1).collect();
        let width = rows.len();
        // The pool's rows copied together first: they lie anywhere in the
        // training data, and a plain copy lets the processor fetch many of
        // them at once.
        let mut local = vec![0.0; width * c];
        for (to, &r) in local.chunks_exact_mut(c).zip(&rows) {
            to.copy_from_slice(&self.points[r * c..(r + 1) * c]);
        }
        // Four rows at a time: four sums in flight instead of one chain of
        // dependent additions (each sum still in capability order).
        let mut base = vec![0.0; width];
        let mut groups = base.chunks_exact_mut(4);
        for (sums, points) in (&mut groups).zip(local.chunks_exact(4 * c)) {
            let mut acc = [0.0f64; 4];
            for (d, &q) in self.original.iter().enumerate() {
                for (j, acc) in acc.iter_mut().enumerate() {
                    let t = q - points[j * c + d];
                    *acc += t * t;
                }
            }
            sums.copy_from_slice(&acc);
        }
        let rest = width - width % 4;
        for (sum, point) in groups
            .into_remainder()
            .iter_mut()
            .zip(local[rest * c..].chunks_exact(c))
        {
            *sum = squared_distance(self.original, point);
        }
        // delta[d * pool + i]: the change on capability d for pool row i,
        // written one capability at a time.
        let mut delta = vec![0.0; c * width];
        for (d, column) in delta.chunks_exact_mut(width.max(1)).enumerate() {
            let (m, q) = (self.means[d], self.original[d]);
            for (out, point) in column.iter_mut().zip(local.chunks_exact(c)) {
                let (u, t) = (m - point[d], q - point[d]);
                *out = u * u - t * t;
            }
        }
        let mut moved = Vec::with_capacity(c);
        let mut distances = vec![0.0; width];
        // Plain loops rather than closures, so that all of it is compiled
        // with the caller's instruction set (see `avx2::pooled`).
        let mut out = Vec::with_capacity(queries.len());
        for query in queries {
            moved.clear();
            let mut direct = false;
            for (d, &v) in query.iter().enumerate() {
                if v.to_bits() == self.original[d].to_bits() {
                    continue;
                }
                if v.to_bits() == self.means[d].to_bits() {
                    moved.push(d);
                } else {
                    direct = true;
                    break;
                }
            }
            if direct {
                for (out, &r) in distances.iter_mut().zip(&rows) {
                    *out = squared_distance(query, &self.points[r * c..(r + 1) * c]);
                }
            } else if let Some((&first, rest)) = moved.split_first() {
                let column = &delta[first * width..(first + 1) * width];
                for ((out, &b), &change) in distances.iter_mut().zip(&base).zip(column) {
                    *out = b + change;
                }
                for &d in rest {
                    let column = &delta[d * width..(d + 1) * width];
                    for (out, &change) in distances.iter_mut().zip(column) {
                        *out += change;
                    }
                }
            } else {
                distances.copy_from_slice(&base);
            }
            // Rows come in pool order, not by index: a row at the bar's
            // distance may still come before the bar's row, so it is let
            // in and the compaction orders it.
            let mut near = Nearest::new(k.max(1), None);
            for (distances, rows) in distances.chunks(LANES).zip(rows.chunks(LANES)) {
                let bar = near.bar;
                // Not `any`, which stops early and so compares one at a
                // time: all of them, in vector registers.
                if distances.iter().fold(false, |below, &d| below | (d <= bar)) {
                    for (&distance, &row) in distances.iter().zip(rows) {
                        // The sum can round below zero where the distance
                        // is 0.
                        let distance = distance.max(0.0);
                        if distance <= near.bar {
                            near.admit(distance, row);
                        }
                    }
                }
            }
            out.push(near.into_sorted());
        }
        out
    }
}

/// The squared Euclidean distance, summed over the capabilities in order
/// from `0.0` (the arithmetic of the scan).
pub(crate) fn squared_distance(query: &[f64], point: &[f64]) -> f64 {
    query.iter().zip(point).fold(0.0, |acc, (v, p)| {
        let t = v - p;
        acc + t * t
    })
}

/// How many rows a full profile keeps for its resamples: `k` x
/// [`POOL_PER_NEIGHBOUR`], at least [`MIN_POOL`].
pub(crate) fn pool_size(k: usize) -> usize {
    (k * POOL_PER_NEIGHBOUR).max(MIN_POOL)
}

/// Which queries of a batch are searched in the pool of which: `pooled[i]`
/// is the row of resample `i`'s full profile, when that is in the batch.
pub(crate) fn plan(draws: Option<&[Draw]>, queries: usize) -> Vec<Option<usize>> {
    let mut pooled = vec![None; queries];
    if let Some(draws) = draws {
        for (i, draw) in draws.iter().enumerate().take(queries) {
            if let Draw::Resample(Some(of)) = *draw {
                if of < i && draws[of] == Draw::Original {
                    pooled[i] = Some(of);
                }
            }
        }
    }
    pooled
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// The `k` nearest of each query by brute force in double precision,
    /// and the `pool` rows of smallest single-precision bound.
    fn brute_force(
        points: &[f64],
        c: usize,
        means: &[f64],
        queries: &[&[f64]],
        k: usize,
        pool: usize,
    ) -> Vec<(Vec<Near>, Vec<Near>)> {
        let single = Single::new(points, c, means);
        let (means32, rows32): (Vec<f32>, Vec<Vec<f32>>) = (
            single.convert(means),
            points.chunks_exact(c).map(|p| single.convert(p)).collect(),
        );
        queries
            .iter()
            .map(|q| {
                let q32 = single.convert(q);
                let mut near: Vec<Near> = points
                    .chunks_exact(c)
                    .enumerate()
                    .map(|(r, p)| Near(squared_distance(q, p), r))
                    .collect();
                near.sort();
                near.truncate(k);
                let mut bounds: Vec<Near> = rows32
                    .iter()
                    .enumerate()
                    .map(|(r, p)| Near(pool_bound(&q32, p, &means32), r))
                    .collect();
                bounds.sort();
                bounds.truncate(pool);
                (near, bounds)
            })
            .collect()
    }

    fn searched(points: &[f64], c: usize, means: &[f64], queries: &[&[f64]], k: usize, pool: usize) {
        let single = Single::new(points, c, means);
        let columns = Columns {
            single: &single,
            points,
            rows: points.len() / c,
            capabilities: c,
            sample: None,
        };
        // A sample of evenly spaced rows, and one that misleads: every
        // sampled row is the first query itself, so its bar lets almost
        // nothing in and the pool must be searched again.
        let even = Sample::of(points, c, &single, 64).expect("enough rows for a sample");
        let misleading = Sample::given(queries[0].repeat(64), c, &single);
        let expected = brute_force(points, c, means, queries, k, pool);
        for sample in [None, Some(&even), Some(&misleading)] {
            let columns = Columns { sample, ..columns };
            let found = nearest_with_pools(&columns, means, queries, k, pool);
            let plain = nearest(&columns, queries, k);
            for (((near, pool), plain), (e_near, e_pool)) in found.into_iter().zip(plain).zip(&expected) {
                assert_eq!(&near, e_near);
                assert_eq!(&plain, e_near);
                let mut pool = pool;
                pool.sort();
                assert_eq!(&pool, e_pool);
            }
        }
    }

    #[test]
    fn the_single_precision_scan_finds_the_exact_neighbours() {
        let mut rng = ChaCha8Rng::seed_from_u64(21);
        let c = 11;
        // Scales from tiny to huge, whole points (many exact ties), and
        // rows that differ in the twelfth digit (single precision cannot
        // tell them apart; the exact measure must).
        for (unit, whole) in [
            (1.0, true),
            (1.0, false),
            (1e-30, false),
            (1e6, true),
            (1e150, false),
        ] {
            let value = |rng: &mut ChaCha8Rng| {
                let v: f64 = if whole {
                    f64::from(rng.gen_range(1..=5u32))
                } else {
                    rng.gen_range(1.0..5.0)
                };
                v * unit
            };
            let mut points: Vec<f64> = (0..700 * c).map(|_| value(&mut rng)).collect();
            let twin: Vec<f64> = points[..c].to_vec();
            for r in 1..40 {
                for d in 0..c {
                    points[r * 7 * c + d] = twin[d] * (1.0 + 1e-12 * f64::from(r as u32 % 5));
                }
            }
            let means: Vec<f64> = (0..c).map(|_| 3.1 * unit).collect();
            let queries: Vec<Vec<f64>> = (0..6)
                .map(|q| {
                    if q == 0 {
                        twin.clone()
                    } else {
                        (0..c).map(|_| value(&mut rng)).collect()
                    }
                })
                .collect();
            let queries: Vec<&[f64]> = queries.iter().map(Vec::as_slice).collect();
            for (k, pool) in [(1, 1), (5, 64), (30, 300)] {
                searched(&points, c, &means, &queries, k, pool);
            }
        }
    }

    #[test]
    fn the_wide_scan_gives_the_portable_scan_bit_for_bit() {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let (rows, c) = (1001, 13);
        let points: Vec<f64> = (0..rows * c).map(|_| rng.gen_range(1.0..5.0)).collect();
        let means: Vec<f64> = (0..c).map(|_| rng.gen_range(1.0..5.0)).collect();
        let single = Single::new(&points, c, &means);
        let columns = Columns {
            single: &single,
            points: &points,
            rows,
            capabilities: c,
            sample: None,
        };
        let queries: Vec<Vec<f64>> = (0..QUERIES)
            .map(|_| (0..c).map(|_| rng.gen_range(1.0..5.0)).collect())
            .collect();
        let group: Vec<&[f64]> = queries.iter().map(Vec::as_slice).collect();
        let converted: Vec<Vec<f32>> = queries.iter().map(|q| single.convert(q)).collect();
        let quad: Vec<[f32; QUERIES]> = (0..c).map(|d| std::array::from_fn(|i| converted[i][d])).collect();
        let means32 = single.convert(&means);
        let step = Step {
            columns: &columns,
            means: &means32,
            quad: &quad,
            group: &group,
            block: 0..rows,
        };
        let slack = Slack {
            per_capability: c as f64 * f64::powi(2.0, -20),
            values: 8.0 * 4.0,
            scale2: single.scale * single.scale,
        };
        let found = || {
            (0..QUERIES)
                .map(|_| Nearest::new(7, Some(slack)))
                .collect::<Vec<_>>()
        };
        let pools = || (0..QUERIES).map(|_| Nearest::new(50, None)).collect::<Vec<_>>();
        let (mut wide, mut wide_pools, mut portable, mut portable_pools) =
            (found(), pools(), found(), pools());
        scan::<true>(&step, &mut wide, &mut wide_pools);
        scan_portable::<true>(&step, &mut portable, &mut portable_pools);
        let (mut plain, mut plain_portable) = (found(), found());
        scan::<false>(&step, &mut plain, &mut pools());
        scan_portable::<false>(&step, &mut plain_portable, &mut pools());
        let wide = wide.into_iter().chain(wide_pools).chain(plain);
        let portable = portable.into_iter().chain(portable_pools).chain(plain_portable);
        for (w, p) in wide.zip(portable) {
            let (w, p) = (w.into_sorted(), p.into_sorted());
            assert!(w.len() == 7 || w.len() == 50);
            assert!(w
                .iter()
                .zip(&p)
                .all(|(a, b)| a.0.to_bits() == b.0.to_bits() && a.1 == b.1));
        }
    }

    #[test]
    fn the_change_of_unit_is_a_power_of_two_that_brings_the_largest_value_into_one_to_two() {
        for largest in [1.0, 1.5, 5.0, 100.0, 1e-30, 3e250] {
            let s = power_of_two_below(largest);
            assert_eq!(s.to_bits() & ((1 << 52) - 1), 0, "{s} is a power of two");
            assert!((1.0..2.0).contains(&(largest * s)), "{largest} x {s}");
        }
        for odd in [0.0, f64::INFINITY, f64::MIN_POSITIVE / 4.0] {
            assert_eq!(power_of_two_below(odd), 1.0);
        }
    }

    #[test]
    fn the_wide_pooled_search_gives_the_portable_one_bit_for_bit() {
        let mut rng = ChaCha8Rng::seed_from_u64(13);
        let (rows, c) = (300, 9);
        let value = |rng: &mut ChaCha8Rng| rng.gen_range(1.0..5.0f64);
        let points: Vec<f64> = (0..rows * c).map(|_| value(&mut rng)).collect();
        let means: Vec<f64> = (0..c).map(|_| value(&mut rng)).collect();
        let original: Vec<f64> = (0..c).map(|_| value(&mut rng)).collect();
        let queries: Vec<Vec<f64>> = (0..40)
            .map(|q| {
                (0..c)
                    .map(|d| match (q % 5, rng.gen_bool(0.4)) {
                        // One query in five is not a resample: measured directly.
                        (0, _) => value(&mut rng),
                        (_, true) => means[d],
                        _ => original[d],
                    })
                    .collect()
            })
            .collect();
        let pool: Vec<Near> = (0..rows).rev().step_by(2).map(|r| Near(0.0, r)).collect();
        let pooled = Pooled {
            points: &points,
            capabilities: c,
            original: &original,
            means: &means,
            pool: &pool,
        };
        let queries: Vec<&[f64]> = queries.iter().map(Vec::as_slice).collect();
        for k in [1, 5, 200] {
            let (wide, portable) = (pooled.nearest(&queries, k), pooled.nearest_portable(&queries, k));
            assert_eq!(wide.len(), queries.len());
            for (w, p) in wide.iter().zip(&portable) {
                assert_eq!(w.len(), k.min(pool.len()));
                assert!(w
                    .iter()
                    .zip(p)
                    .all(|(a, b)| a.0.to_bits() == b.0.to_bits() && a.1 == b.1));
                // Nearest first, ties by row.
                assert!(w.windows(2).all(|pair| pair[0] < pair[1]));
            }
        }
    }

    #[test]
    fn a_pooled_distance_never_rounds_below_zero() {
        // A resample that coincides with a pool row is at distance 0; the
        // full profile's distance minus the changes can round below it.
        let mut rng = ChaCha8Rng::seed_from_u64(12);
        let c = 6;
        for _ in 0..2000 {
            let value = |rng: &mut ChaCha8Rng| rng.gen_range(1.0..5.0f64);
            let means: Vec<f64> = (0..c).map(|_| value(&mut rng)).collect();
            let original: Vec<f64> = (0..c).map(|_| value(&mut rng)).collect();
            let resample: Vec<f64> = (0..c)
                .map(|d| if rng.gen_bool(0.4) { means[d] } else { original[d] })
                .collect();
            let pooled = Pooled {
                points: &resample,
                capabilities: c,
                original: &original,
                means: &means,
                pool: &[Near(0.0, 0)],
            };
            let near = pooled.nearest(&[&resample], 1);
            assert!(near[0][0].0 >= 0.0, "{:?}", near[0][0]);
        }
    }

    #[test]
    fn the_bar_never_drops_a_row_that_belongs() {
        // Offered in row order, equal distances everywhere: the first m
        // rows are the nearest.
        let mut near = Nearest::new(3, None);
        for row in 0..100 {
            near.offer(1.0, row);
        }
        assert_eq!(near.into_sorted(), vec![Near(1.0, 0), Near(1.0, 1), Near(1.0, 2)]);
    }

    #[test]
    fn the_plan_pools_only_resamples_whose_full_profile_is_in_the_batch() {
        let draws = [
            Draw::Original,
            Draw::Resample(Some(0)),
            Draw::Resample(None),
            Draw::Original,
            Draw::Resample(Some(3)),
        ];
        assert_eq!(plan(Some(&draws), 5), vec![None, Some(0), None, None, Some(3)]);
        assert_eq!(plan(None, 2), vec![None, None]);
    }
}
