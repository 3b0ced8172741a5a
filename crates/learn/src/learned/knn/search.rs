//! The neighbour search of `knn`.
//!
//! **Exact search.** Trees do not prune in 20 to 70 dimensions of noisy
//! answers (a query's `k`-th neighbour is about as far as the centre of
//! another role), so every training row is looked at once per query. The
//! training rows are kept capability-major (one contiguous slice per
//! capability) and walked in blocks that stay in the cache while every
//! query of the batch passes over them, four queries and eight rows at a
//! time, so that the squared differences are computed in vector registers.
//! Each distance is summed over the capabilities in order, starting from
//! `0.0`, with no fused multiply-add: the same number on every machine and
//! with or without wide vectors. Of each query, the `m` nearest rows seen
//! so far are kept below a bar (the `m`-th distance at the last
//! compaction), so that almost every row costs one comparison. Of rows at
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
//! with `q` the full profile (blanks imputed) and `m` the training means.
//! Every resample takes `q_d` or `m_d` on each capability, so `L(x)` is at
//! most its squared distance to `x`: the rows of smallest `L` are the rows
//! that can be near *some* resample. The [`pool_size`] rows of smallest
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

/// The training rows, capability-major.
pub(crate) struct Columns<'a> {
    /// `data[d * rows + r]` is row `r`'s value of capability `d`.
    pub(crate) data: &'a [f64],
    pub(crate) rows: usize,
    pub(crate) capabilities: usize,
}

/// The `m` nearest rows of one query among those offered so far.
struct Nearest {
    m: usize,
    items: Vec<Near>,
    /// Rows at this distance or farther cannot enter: `m` rows offered
    /// earlier are nearer or as near.
    bar: f64,
}

impl Nearest {
    fn new(m: usize) -> Self {
        Nearest {
            m,
            items: Vec::with_capacity(Self::room(m)),
            bar: f64::INFINITY,
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
        }
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
/// of smallest lower bound `sum_d min((q_d - x_d)^2, (means_d - x_d)^2)`
/// (in no particular order: sorting it would cost more than it saves in
/// [`Pooled::nearest`]), a bound of the distance from the row to
/// every resample of the query.
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
    let mut found: Vec<Nearest> = queries.iter().map(|_| Nearest::new(k.max(1))).collect();
    let mut pools: Vec<Nearest> = queries
        .iter()
        .map(|_| Nearest::new(if POOLS { pool.max(1) } else { 1 }))
        .collect();
    let c = columns.capabilities;
    // Each group of four queries transposed: `quad[d][i]` is query i's
    // value of capability d (the last query repeated to fill the group).
    let quads: Vec<Vec<[f64; QUERIES]>> = queries
        .chunks(QUERIES)
        .map(|group| {
            (0..c)
                .map(|d| std::array::from_fn(|i| group[i.min(group.len() - 1)][d]))
                .collect()
        })
        .collect();
    for first in (0..columns.rows).step_by(BLOCK) {
        let last = (first + BLOCK).min(columns.rows);
        for ((quad, found), pools) in quads
            .iter()
            .zip(found.chunks_mut(QUERIES))
            .zip(pools.chunks_mut(QUERIES))
        {
            let step = Step {
                columns,
                means,
                quad,
                block: first..last,
            };
            scan::<POOLS>(&step, found, pools);
        }
    }
    found
        .into_iter()
        .zip(pools)
        .map(|(f, p)| {
            (
                f.into_sorted(),
                if POOLS { p.into_unordered() } else { Vec::new() },
            )
        })
        .collect()
}

/// One group of queries over one block of training rows.
struct Step<'a> {
    columns: &'a Columns<'a>,
    /// The values of a blank (read only when pools are kept).
    means: &'a [f64],
    quad: &'a [[f64; QUERIES]],
    block: std::ops::Range<usize>,
}

/// Offers the rows of the step to the (up to four) queries' `found` and,
/// with `POOLS`, their bounds to `pools`.
fn scan<const POOLS: bool>(step: &Step<'_>, found: &mut [Nearest], pools: &mut [Nearest]) {
    #[cfg(target_arch = "x86_64")]
    if avx2::available() {
        return avx2::scan::<POOLS>(step, found, pools);
    }
    scan_portable::<POOLS>(step, found, pools)
}

/// The scan, compiled for the machine's baseline instruction set; see
/// [`avx2`] for the same code with wider vectors.
#[inline(always)]
fn scan_portable<const POOLS: bool>(step: &Step<'_>, found: &mut [Nearest], pools: &mut [Nearest]) {
    let n = step.columns.rows;
    let data = step.columns.data;
    let mut r = step.block.start;
    while r + LANES <= step.block.end {
        let mut acc = [[0.0f64; LANES]; QUERIES];
        let mut low = [[0.0f64; LANES]; QUERIES];
        for (d, q) in step.quad.iter().enumerate() {
            let col: &[f64; LANES] = data[d * n + r..d * n + r + LANES]
                .try_into()
                .expect("a slice of LANES values");
            let blank: [f64; LANES] = if POOLS {
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
        offer(found, &acc, r);
        if POOLS {
            offer(pools, &low, r);
        }
        r += LANES;
    }
    scan_tail::<POOLS>(step, r, found, pools);
}

/// The rows of the step from `from` on, one at a time.
#[inline(always)]
fn scan_tail<const POOLS: bool>(step: &Step<'_>, from: usize, found: &mut [Nearest], pools: &mut [Nearest]) {
    let n = step.columns.rows;
    let data = step.columns.data;
    for row in from..step.block.end {
        for (i, (f, p)) in found.iter_mut().zip(pools.iter_mut()).enumerate() {
            let (mut acc, mut low) = (0.0, 0.0);
            for (d, q) in step.quad.iter().enumerate() {
                let t = q[i] - data[d * n + row];
                let tt = t * t;
                acc += tt;
                if POOLS {
                    let u = step.means[d] - data[d * n + row];
                    let uu = u * u;
                    low += if tt < uu { tt } else { uu };
                }
            }
            f.offer(acc, row);
            if POOLS {
                p.offer(low, row);
            }
        }
    }
}

/// Offers eight rows from `first` on to each query.
#[inline(always)]
fn offer(to: &mut [Nearest], distances: &[[f64; LANES]; QUERIES], first: usize) {
    for (f, d) in to.iter_mut().zip(distances) {
        if d.iter().any(|&d| d < f.bar) {
            for (j, &d) in d.iter().enumerate() {
                f.offer(d, first + j);
            }
        }
    }
}

/// The scan with AVX2 where the processor has it (checked once at run
/// time): four queries against eight training rows (four with pools) per
/// step, every sum in registers. The arithmetic is the same operations in
/// the same order (subtract, multiply, add; no fused multiply-add), so the
/// distances are bit for bit those of [`scan_portable`].
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod avx2 {
    use super::{Near, Nearest, Pooled, Step, QUERIES};
    use std::arch::x86_64::{
        __m256d, _mm256_add_pd, _mm256_cmp_pd, _mm256_loadu_pd, _mm256_min_pd, _mm256_movemask_pd,
        _mm256_mul_pd, _mm256_set1_pd, _mm256_setzero_pd, _mm256_storeu_pd, _mm256_sub_pd, _CMP_LT_OQ,
    };
    use std::sync::OnceLock;

    pub(super) fn available() -> bool {
        static AVX2: OnceLock<bool> = OnceLock::new();
        *AVX2.get_or_init(|| std::arch::is_x86_feature_detected!("avx2"))
    }

    pub(super) fn scan<const POOLS: bool>(step: &Step<'_>, found: &mut [Nearest], pools: &mut [Nearest]) {
        assert_eq!(step.quad.len(), step.columns.capabilities);
        assert!(step.block.end <= step.columns.rows);
        assert!(step.columns.data.len() >= step.columns.rows * step.columns.capabilities);
        assert!(!POOLS || step.means.len() >= step.columns.capabilities);
        // SAFETY: called only when `available()` found AVX2 on this
        // processor; the asserts above keep every load in bounds.
        let from = unsafe {
            if POOLS {
                scan_pools(step, found, pools)
            } else {
                scan_plain(step, found)
            }
        };
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

    /// Offers four rows from `first` on, if any is below the bar.
    #[inline]
    #[target_feature(enable = "avx2")]
    fn offer(f: &mut Nearest, d: __m256d, first: usize) {
        if _mm256_movemask_pd(_mm256_cmp_pd::<_CMP_LT_OQ>(d, _mm256_set1_pd(f.bar))) != 0 {
            let mut v = [0.0; 4];
            // SAFETY: `v` holds four values.
            unsafe { _mm256_storeu_pd(v.as_mut_ptr(), d) };
            offer_each(f, &v, first);
        }
    }

    /// The rare case: one of four rows is below the bar.
    #[cold]
    #[inline(never)]
    fn offer_each(f: &mut Nearest, v: &[f64; 4], first: usize) {
        for (j, &d) in v.iter().enumerate() {
            f.offer(d, first + j);
        }
    }

    /// Eight rows per step; returns the first row not scanned.
    #[target_feature(enable = "avx2")]
    unsafe fn scan_plain(step: &Step<'_>, found: &mut [Nearest]) -> usize {
        let n = step.columns.rows;
        let data = step.columns.data.as_ptr();
        let mut r = step.block.start;
        while r + 8 <= step.block.end {
            let mut acc = [[_mm256_setzero_pd(); 2]; QUERIES];
            for (d, q) in step.quad.iter().enumerate() {
                // SAFETY: r + 8 <= block.end <= rows, d < capabilities.
                let (c0, c1) = unsafe {
                    let col = data.add(d * n + r);
                    (_mm256_loadu_pd(col), _mm256_loadu_pd(col.add(4)))
                };
                for (acc, &v) in acc.iter_mut().zip(q) {
                    let v = _mm256_set1_pd(v);
                    let (t0, t1) = (_mm256_sub_pd(v, c0), _mm256_sub_pd(v, c1));
                    acc[0] = _mm256_add_pd(acc[0], _mm256_mul_pd(t0, t0));
                    acc[1] = _mm256_add_pd(acc[1], _mm256_mul_pd(t1, t1));
                }
            }
            for (f, acc) in found.iter_mut().zip(&acc) {
                offer(f, acc[0], r);
                offer(f, acc[1], r + 4);
            }
            r += 8;
        }
        r
    }

    /// Four rows per step, with the pools' bounds; returns the first row
    /// not scanned.
    #[target_feature(enable = "avx2")]
    unsafe fn scan_pools(step: &Step<'_>, found: &mut [Nearest], pools: &mut [Nearest]) -> usize {
        let n = step.columns.rows;
        let data = step.columns.data.as_ptr();
        let mut r = step.block.start;
        while r + 4 <= step.block.end {
            let mut acc = [_mm256_setzero_pd(); QUERIES];
            let mut low = [_mm256_setzero_pd(); QUERIES];
            for (d, q) in step.quad.iter().enumerate() {
                // SAFETY: r + 4 <= block.end <= rows, d < capabilities.
                let col = unsafe { _mm256_loadu_pd(data.add(d * n + r)) };
                let u = _mm256_sub_pd(_mm256_set1_pd(step.means[d]), col);
                let uu = _mm256_mul_pd(u, u);
                for ((acc, low), &v) in acc.iter_mut().zip(&mut low).zip(q) {
                    let t = _mm256_sub_pd(_mm256_set1_pd(v), col);
                    let tt = _mm256_mul_pd(t, t);
                    *acc = _mm256_add_pd(*acc, tt);
                    // min(tt, uu) is `if tt < uu { tt } else { uu }`.
                    *low = _mm256_add_pd(*low, _mm256_min_pd(tt, uu));
                }
            }
            for ((f, p), (acc, low)) in found.iter_mut().zip(pools.iter_mut()).zip(acc.iter().zip(&low)) {
                offer(f, *acc, r);
                offer(p, *low, r);
            }
            r += 4;
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
            let mut near = Nearest::new(k.max(1));
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

    #[test]
    fn the_wide_scan_gives_the_portable_scan_bit_for_bit() {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let (rows, c) = (1001, 13);
        let data: Vec<f64> = (0..rows * c).map(|_| rng.gen_range(1.0..5.0)).collect();
        let columns = Columns {
            data: &data,
            rows,
            capabilities: c,
        };
        let quad: Vec<[f64; QUERIES]> = (0..c)
            .map(|_| std::array::from_fn(|_| rng.gen_range(1.0..5.0)))
            .collect();
        let means: Vec<f64> = (0..c).map(|_| rng.gen_range(1.0..5.0)).collect();
        let step = Step {
            columns: &columns,
            means: &means,
            quad: &quad,
            block: 0..rows,
        };
        let all = || (0..QUERIES).map(|_| Nearest::new(rows)).collect::<Vec<_>>();
        let (mut wide, mut wide_pools, mut portable, mut portable_pools) = (all(), all(), all(), all());
        scan::<true>(&step, &mut wide, &mut wide_pools);
        scan_portable::<true>(&step, &mut portable, &mut portable_pools);
        let (mut plain, mut plain_portable) = (all(), all());
        scan::<false>(&step, &mut plain, &mut all());
        scan_portable::<false>(&step, &mut plain_portable, &mut all());
        let wide = wide.into_iter().chain(wide_pools).chain(plain);
        let portable = portable.into_iter().chain(portable_pools).chain(plain_portable);
        for (w, p) in wide.zip(portable) {
            let (w, p) = (w.into_sorted(), p.into_sorted());
            assert_eq!(w.len(), rows);
            assert!(w
                .iter()
                .zip(&p)
                .all(|(a, b)| a.0.to_bits() == b.0.to_bits() && a.1 == b.1));
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
        let mut near = Nearest::new(3);
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
