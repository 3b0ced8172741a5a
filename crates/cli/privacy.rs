//! Small-group suppression for the aggregates of `report` and `audit`.
//!
//! Every count the report (and the audit) publishes about respondents (respondents per top
//! role, per cluster, per histogram bin, with a gap in a capability) goes
//! through [`suppress`] with the `--min-group` threshold `m`:
//!
//! 1. **Primary**: a count of 1 to `m - 1` is withheld and shown as `<m`.
//!    Zero is shown: it describes no one.
//! 2. **Complementary**: the counts of one table add up to a total the
//!    report shows, so a single withheld count could be recovered by
//!    subtraction. When exactly one count of a table is withheld, the
//!    smallest other non-zero count is withheld too, shown as
//!    "suppressed"; the two can then only be known together, and their sum
//!    is at least `m + 1`.
//!
//! Whatever a withheld group would have contributed beyond its count is
//! withheld with it (see the report's sections).

/// A count as published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    /// Published as is.
    Shown(u64),
    /// Withheld because it is below the threshold (shown as `<m`).
    Small,
    /// Withheld to protect a small count of the same table (shown as
    /// "suppressed").
    Complementary,
}

impl Cell {
    /// Whether the count is published.
    pub fn is_shown(&self) -> bool {
        matches!(self, Cell::Shown(_))
    }

    /// How the report writes it, for threshold `m`.
    pub fn text(&self, m: u64) -> String {
        match self {
            Cell::Shown(n) => n.to_string(),
            Cell::Small => format!("<{m}"),
            Cell::Complementary => "suppressed".to_string(),
        }
    }
}

/// Applies the suppression rules to the counts of one table.
pub fn suppress(counts: &[u64], m: u64) -> Vec<Cell> {
    let mut cells: Vec<Cell> = counts
        .iter()
        .map(|&c| {
            if c > 0 && c < m {
                Cell::Small
            } else {
                Cell::Shown(c)
            }
        })
        .collect();
    if cells.iter().filter(|c| !c.is_shown()).count() == 1 {
        let smallest = counts
            .iter()
            .enumerate()
            .filter(|&(i, &c)| c > 0 && cells[i].is_shown())
            .min_by_key(|&(i, &c)| (c, i))
            .map(|(i, _)| i);
        if let Some(i) = smallest {
            cells[i] = Cell::Complementary;
        }
    }
    cells
}

/// Whether a group of `n` respondents may be described at all.
pub fn publishable(n: u64, m: u64) -> bool {
    n >= m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_counts_are_withheld_with_a_complement() {
        assert_eq!(
            suppress(&[10, 3, 0, 7], 5),
            vec![Cell::Shown(10), Cell::Small, Cell::Shown(0), Cell::Complementary]
        );
        // Two small counts protect each other.
        assert_eq!(
            suppress(&[10, 3, 2], 5),
            vec![Cell::Shown(10), Cell::Small, Cell::Small]
        );
        // Nothing small: nothing withheld.
        assert_eq!(suppress(&[5, 6], 5), vec![Cell::Shown(5), Cell::Shown(6)]);
        // A lone small count with nothing to pair with stays withheld.
        assert_eq!(suppress(&[0, 2], 5), vec![Cell::Shown(0), Cell::Small]);
        // A threshold of 1 withholds nothing.
        assert_eq!(suppress(&[1, 0], 1), vec![Cell::Shown(1), Cell::Shown(0)]);
    }

    #[test]
    fn texts() {
        assert_eq!(Cell::Small.text(5), "<5");
        assert_eq!(Cell::Complementary.text(5), "suppressed");
        assert_eq!(Cell::Shown(12).text(5), "12");
        assert!(publishable(5, 5) && !publishable(4, 5));
    }
}
