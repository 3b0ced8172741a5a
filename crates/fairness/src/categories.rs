//! Which category each respondent is in.
//!
//! A column of a demographics file gives each respondent a text value or
//! none (a missing value). [`Categories::from_values`] numbers the distinct
//! values in sorted order; [`Categories::intersect`] makes the categories of
//! several columns together, one per combination of their values, so that a
//! combination nobody holds is still listed (an empty cell, n = 0) rather
//! than silently absent. A respondent missing a value in any of the columns
//! has no intersection category.

/// The most columns one intersection may combine: the number of
/// categories grows as the product of the columns' values.
pub const MAX_COLUMNS: usize = 4;

/// The category of each respondent, by index into [`Categories::names`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Categories {
    names: Vec<String>,
    codes: Vec<Option<usize>>,
}

impl Categories {
    /// The categories of `values`, one per respondent (`None`: missing).
    /// Names are the distinct values, sorted (byte order).
    pub fn from_values<S: AsRef<str>>(values: &[Option<S>]) -> Self {
        let mut names: Vec<String> = values.iter().flatten().map(|v| v.as_ref().to_string()).collect();
        names.sort();
        names.dedup();
        let codes = values
            .iter()
            .map(|v| {
                v.as_ref()
                    .and_then(|v| names.binary_search_by(|n| n.as_str().cmp(v.as_ref())).ok())
            })
            .collect();
        Categories { names, codes }
    }

    /// The categories of `parts` taken together (all of the same
    /// respondents): one per combination of their names, in the order of
    /// the parts (the first varies slowest), each named by the parts' names
    /// joined with `joiner`. A respondent missing in any part is missing.
    /// No parts: every respondent is missing... of nothing; use one part at
    /// least.
    ///
    /// # Panics
    /// Never on data; the parts must describe the same respondents (a
    /// shorter part leaves the rest missing).
    pub fn intersect(parts: &[&Categories], joiner: &str) -> Self {
        let n = parts.iter().map(|p| p.len()).max().unwrap_or(0);
        let mut names = vec![String::new()];
        for (i, part) in parts.iter().enumerate() {
            let mut next = Vec::with_capacity(names.len() * part.names.len());
            for prefix in &names {
                for name in &part.names {
                    next.push(if i == 0 {
                        name.clone()
                    } else {
                        format!("{prefix}{joiner}{name}")
                    });
                }
            }
            names = next;
        }
        if parts.is_empty() {
            names.clear();
        }
        let codes = (0..n)
            .map(|r| {
                parts.iter().try_fold(0usize, |code, part| {
                    let c = part.codes.get(r).copied().flatten()?;
                    Some(code * part.names.len() + c)
                })
            })
            .map(|c| if parts.is_empty() { None } else { c })
            .collect();
        Categories { names, codes }
    }

    /// The categories' names.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Each respondent's category, `None` when missing.
    pub fn codes(&self) -> &[Option<usize>] {
        &self.codes
    }

    /// The number of respondents.
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// Whether there are no respondents.
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// Respondents per category.
    pub fn counts(&self) -> Vec<u64> {
        let mut counts = vec![0u64; self.names.len()];
        for c in self.codes.iter().flatten() {
            counts[*c] += 1;
        }
        counts
    }

    /// Respondents with no category (a missing value).
    pub fn missing(&self) -> u64 {
        self.codes.iter().filter(|c| c.is_none()).count() as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_numbered_in_sorted_order_and_missing_ones_counted() {
        let c = Categories::from_values(&[Some("b"), None, Some("a"), Some("b")]);
        assert_eq!(c.names(), ["a", "b"]);
        assert_eq!(c.codes(), [Some(1), None, Some(0), Some(1)]);
        assert_eq!((c.counts(), c.missing(), c.len()), (vec![1, 2], 1, 4));
        let none = Categories::from_values::<&str>(&[None, None]);
        assert!(none.names().is_empty());
        assert_eq!(none.missing(), 2);
    }

    #[test]
    fn intersections_keep_empty_cells_and_lose_missing_respondents() {
        let sex = Categories::from_values(&[Some("F"), Some("M"), Some("F"), None]);
        let race = Categories::from_values(&[Some("x"), Some("x"), Some("y"), Some("y")]);
        let both = Categories::intersect(&[&sex, &race], " × ");
        assert_eq!(both.names(), ["F × x", "F × y", "M × x", "M × y"]);
        assert_eq!(both.codes(), [Some(0), Some(2), Some(1), None]);
        assert_eq!(both.counts(), [1, 1, 1, 0], "M × y is an empty cell");
        assert_eq!(both.missing(), 1);
        let one = Categories::intersect(&[&sex], "/");
        assert_eq!(one, sex);
        assert!(Categories::intersect(&[], "/").names().is_empty());
    }
}
