//! Two-sided tests of a 2 x 2 table: does a category's rate differ from
//! the reference category's more than chance would make it?
//!
//! The table is `[[a, b], [c, d]]`: row 1 the category (`a` with the
//! outcome, `b` without), row 2 the reference category. [`two_by_two`]
//! uses Fisher's exact test when an expected count `row x column / total`
//! is below the parameter's threshold (Cochran's rule of 5), Pearson's
//! chi-square test without continuity correction otherwise; both agree
//! with SciPy's `fisher_exact` and `chi2_contingency(correction=False)`.

use serde::Serialize;
use statrs::distribution::{ChiSquared, ContinuousCDF};
use statrs::function::factorial::ln_binomial;

/// Which test gave a p-value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Test {
    /// Fisher's exact test, two-sided.
    Fisher,
    /// Pearson's chi-square test, one degree of freedom.
    ChiSquare,
}

impl Test {
    /// The test's name in outputs.
    pub fn name(self) -> &'static str {
        match self {
            Test::Fisher => "fisher",
            Test::ChiSquare => "chi-square",
        }
    }
}

/// A p-value and the test that gave it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TestResult {
    /// The two-sided p-value.
    pub p: f64,
    /// The test.
    pub test: Test,
}

/// Fisher's or Pearson's test of `[[a, b], [c, d]]`: Fisher's when an
/// expected count is below `fisher_below`.
pub fn two_by_two(a: u64, b: u64, c: u64, d: u64, fisher_below: f64) -> TestResult {
    let n = (a + b + c + d) as f64;
    let rows = [(a + b) as f64, (c + d) as f64];
    let cols = [(a + c) as f64, (b + d) as f64];
    let smallest = rows
        .iter()
        .flat_map(|r| cols.iter().map(move |c| r * c / n))
        .fold(f64::INFINITY, f64::min);
    match chi_square_2x2(a, b, c, d) {
        Some(p) if n > 0.0 && smallest >= fisher_below => TestResult {
            p,
            test: Test::ChiSquare,
        },
        _ => TestResult {
            p: fisher_exact_two_sided(a, b, c, d),
            test: Test::Fisher,
        },
    }
}

/// Pearson's chi-square p-value of `[[a, b], [c, d]]` (one degree of
/// freedom, no continuity correction): `X² = n (ad - bc)² / (r1 r2 c1 c2)`.
/// `None` when a row or column total is 0 (the statistic is undefined).
pub fn chi_square_2x2(a: u64, b: u64, c: u64, d: u64) -> Option<f64> {
    let (a, b, c, d) = (a as f64, b as f64, c as f64, d as f64);
    let margins = (a + b) * (c + d) * (a + c) * (b + d);
    if margins == 0.0 {
        return None;
    }
    let n = a + b + c + d;
    let x2 = n * (a * d - b * c).powi(2) / margins;
    let chi = ChiSquared::new(1.0).ok()?;
    Some(chi.sf(x2).clamp(0.0, 1.0))
}

/// Fisher's exact two-sided p-value of `[[a, b], [c, d]]`: the probability,
/// with the margins fixed (a hypergeometric distribution of `a`), of every
/// table no more probable than the one observed (with SciPy's relative
/// tolerance of 1e-7 for ties).
pub fn fisher_exact_two_sided(a: u64, b: u64, c: u64, d: u64) -> f64 {
    let row1 = a + b;
    let col1 = a + c;
    let n = a + b + c + d;
    if n == 0 {
        return 1.0;
    }
    let lo = (row1 + col1).saturating_sub(n);
    let hi = row1.min(col1);
    // ln P(X = x) = ln C(col1, x) + ln C(n - col1, row1 - x) - ln C(n, row1)
    let total = ln_binomial(n, row1);
    let ln_p = |x: u64| ln_binomial(col1, x) + ln_binomial(n - col1, row1 - x) - total;
    let observed = ln_p(a);
    let cut = observed + (1.0f64 + 1e-7).ln();
    let p: f64 = (lo..=hi).map(ln_p).filter(|&l| l <= cut).map(f64::exp).sum();
    p.clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol * b.abs().max(1e-300)
    }

    /// Values from SciPy 1.x: `fisher_exact([[a, b], [c, d]])[1]` and
    /// `chi2_contingency(..., correction=False)[1]`.
    #[test]
    fn agree_with_scipy() {
        assert!(close(
            fisher_exact_two_sided(8, 2, 1, 5),
            0.034_965_034_965_034_97,
            1e-9
        ));
        assert!(close(
            fisher_exact_two_sided(3, 1, 1, 3),
            0.485_714_285_714_285_7,
            1e-9
        ));
        assert!(close(
            fisher_exact_two_sided(0, 10, 10, 0),
            1.082_508_822_446_903e-05,
            1e-6
        ));
        assert_eq!(fisher_exact_two_sided(5, 5, 5, 5), 1.0);
        assert_eq!(fisher_exact_two_sided(0, 0, 0, 0), 1.0);
        assert_eq!(fisher_exact_two_sided(0, 4, 0, 6), 1.0, "no one selected");
        // chi2_contingency([[30, 70], [50, 50]], correction=False)
        assert!(close(
            chi_square_2x2(30, 70, 50, 50).unwrap(),
            0.003_892_417_122_778_3,
            1e-6
        ));
        assert_eq!(chi_square_2x2(0, 10, 0, 12), None);
    }

    #[test]
    fn small_expected_counts_take_fisher() {
        assert_eq!(two_by_two(8, 2, 1, 5, 5.0).test, Test::Fisher);
        assert_eq!(two_by_two(30, 70, 50, 50, 5.0).test, Test::ChiSquare);
        assert_eq!(
            two_by_two(0, 10, 0, 12, 0.0).test,
            Test::Fisher,
            "undefined chi-square"
        );
        let t = two_by_two(30, 70, 50, 50, 5.0);
        assert!(t.p > 0.0 && t.p < 0.01);
    }

    proptest::proptest! {
        #[test]
        fn p_values_are_probabilities_and_symmetric(a in 0u64..30, b in 0u64..30, c in 0u64..30, d in 0u64..30) {
            let p = fisher_exact_two_sided(a, b, c, d);
            proptest::prop_assert!((0.0..=1.0).contains(&p));
            // Swapping the rows or the columns is the same test.
            proptest::prop_assert!((p - fisher_exact_two_sided(c, d, a, b)).abs() < 1e-9);
            proptest::prop_assert!((p - fisher_exact_two_sided(b, a, d, c)).abs() < 1e-9);
            if let Some(q) = chi_square_2x2(a, b, c, d) {
                proptest::prop_assert!((0.0..=1.0).contains(&q));
            }
        }
    }
}
