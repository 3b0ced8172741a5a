//! Numeric scales: the range role levels and answers live on.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::ModelError;

/// A closed numeric range `min..max` with `min < max`, both within
/// `-MAX_SCALE_BOUND..=MAX_SCALE_BOUND` ([`MAX_SCALE_BOUND`] is a billion),
/// and at least [`MIN_SCALE_WIDTH`] apart.
///
/// The bounds keep every computation on the scale finite: widths, squared
/// differences summed over many capabilities, and the linear maps of
/// [`Scale::map_to`] (finite bounds such as `-1e308..1e308` have an
/// infinite width).
///
/// Role matrices put their target levels on a scale (default `1..5`), and
/// survey answers arrive on a response scale; [`Scale::map_to`] carries a
/// value from one to the other linearly.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawScale")]
pub struct Scale {
    min: f64,
    max: f64,
}

#[derive(Deserialize)]
struct RawScale {
    min: f64,
    max: f64,
}

impl TryFrom<RawScale> for Scale {
    type Error = ModelError;
    fn try_from(raw: RawScale) -> Result<Self, Self::Error> {
        Scale::new(raw.min, raw.max)
    }
}

impl Default for Scale {
    /// The five-point scale `1..5`.
    fn default() -> Self {
        Scale { min: 1.0, max: 5.0 }
    }
}

/// The largest magnitude a scale's bounds may have: `1e9`.
pub const MAX_SCALE_BOUND: f64 = 1e9;

/// The smallest width a scale may have: `1e-9`.
pub const MIN_SCALE_WIDTH: f64 = 1e-9;

impl Scale {
    /// A scale from `min` to `max`: both finite, within
    /// `-MAX_SCALE_BOUND..=MAX_SCALE_BOUND`, and `max - min >= MIN_SCALE_WIDTH`.
    pub fn new(min: f64, max: f64) -> Result<Self, ModelError> {
        let bounded = |v: f64| v.is_finite() && v.abs() <= MAX_SCALE_BOUND;
        if bounded(min) && bounded(max) && max - min >= MIN_SCALE_WIDTH {
            Ok(Scale { min, max })
        } else {
            Err(ModelError::InvalidScale { min, max })
        }
    }

    /// The lowest value.
    pub fn min(&self) -> f64 {
        self.min
    }

    /// The highest value.
    pub fn max(&self) -> f64 {
        self.max
    }

    /// `max - min`, always positive.
    pub fn width(&self) -> f64 {
        self.max - self.min
    }

    /// Whether `value` is finite and lies within `min..=max`.
    pub fn contains(&self, value: f64) -> bool {
        value.is_finite() && value >= self.min && value <= self.max
    }

    /// The mirror image of `value` on this scale, `min + max - value`, used
    /// for reverse-keyed survey items.
    pub fn mirror(&self, value: f64) -> f64 {
        self.min + self.max - value
    }

    /// Maps `value` linearly from this scale onto `target`, so that `min`
    /// goes to `target.min` and `max` to `target.max`.
    ///
    /// ```
    /// use rolefit_model::Scale;
    /// let seven = Scale::new(1.0, 7.0).unwrap();
    /// assert_eq!(seven.map_to(4.0, &Scale::default()), 3.0);
    /// ```
    pub fn map_to(&self, value: f64, target: &Scale) -> f64 {
        if self == target {
            return value;
        }
        target.min + (value - self.min) * target.width() / self.width()
    }
}

/// A number for a message: as [`Display`](fmt::Display) prints it, or in
/// exponent form when that would be long (`1e308`, not 309 digits).
pub(crate) fn short_number(value: f64) -> String {
    if value != 0.0 && !(1e-6..1e15).contains(&value.abs()) {
        format!("{value:e}")
    } else {
        value.to_string()
    }
}

impl fmt::Display for Scale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.min, self.max)
    }
}

impl FromStr for Scale {
    type Err = String;

    /// Parses `MIN..MAX`, for example `1..5` or `0..7`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let expected = || format!("expected a scale as MIN..MAX (for example 1..5), got {s:?}");
        let (lo, hi) = s.split_once("..").ok_or_else(expected)?;
        let lo: f64 = lo.trim().parse().map_err(|_| expected())?;
        let hi: f64 = hi.trim().parse().map_err(|_| expected())?;
        Scale::new(lo, hi).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_empty_inverted_and_non_finite_scales() {
        assert!(Scale::new(1.0, 1.0).is_err());
        assert!(Scale::new(5.0, 1.0).is_err());
        assert!(Scale::new(f64::NAN, 1.0).is_err());
        assert!(Scale::new(0.0, f64::INFINITY).is_err());
    }

    #[test]
    fn refuses_bounds_whose_arithmetic_would_overflow() {
        for (min, max) in [(-1e308, 1e308), (0.0, 1e10), (-f64::MAX, 0.0), (1.0, 1.0 + 1e-12)] {
            let e = Scale::new(min, max).unwrap_err().to_string();
            assert!(e.contains("within -1000000000..1000000000"), "{e}");
        }
        assert!(Scale::new(-1e9, 1e9).is_ok());
        assert!(Scale::new(0.0, 1e-9).is_ok());
        let e = "-1e308..1e308".parse::<Scale>().unwrap_err();
        assert_eq!(
            e,
            "invalid scale -1e308..1e308: expected MIN < MAX, both within -1000000000..1000000000 and at \
             least 1e-9 apart"
        );
    }

    #[test]
    fn maps_and_mirrors() {
        let s = Scale::default();
        assert_eq!(s.mirror(1.0), 5.0);
        assert_eq!(s.mirror(2.5), 3.5);
        let onet = Scale::new(0.0, 7.0).unwrap();
        assert_eq!(s.map_to(1.0, &onet), 0.0);
        assert_eq!(s.map_to(5.0, &onet), 7.0);
        assert_eq!(s.map_to(3.0, &s), 3.0);
    }

    #[test]
    fn parses_and_displays() {
        let s: Scale = "0..7".parse().unwrap();
        assert_eq!((s.min(), s.max()), (0.0, 7.0));
        assert_eq!(s.to_string(), "0..7");
        assert_eq!(" -2 .. 2 ".parse::<Scale>().unwrap().min(), -2.0);
        assert!("1-5".parse::<Scale>().unwrap_err().contains("MIN..MAX"));
        assert!("5..1".parse::<Scale>().is_err());
    }

    #[test]
    fn contains_is_closed_and_rejects_nan() {
        let s = Scale::default();
        assert!(s.contains(1.0) && s.contains(5.0) && s.contains(3.3));
        assert!(!s.contains(0.99) && !s.contains(f64::NAN));
    }

    #[test]
    fn deserialising_validates() {
        assert!(serde_json::from_str::<Scale>(r#"{"min":1,"max":5}"#).is_ok());
        assert!(serde_json::from_str::<Scale>(r#"{"min":5,"max":1}"#).is_err());
    }
}
