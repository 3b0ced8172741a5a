//! Lists in messages, kept short whatever the input.
//!
//! A message that names every unknown column of a header with a hundred
//! thousand columns would be megabytes long; one that names the first few
//! and counts the rest says the same.

use std::fmt::Display;

/// How many items a message lists before it counts the rest.
pub const LISTED: usize = 10;

/// The first [`LISTED`] of `items` joined with `separator`, then how many
/// more there are: `a, b, c` or `a, b, ..., j (and 90 more)`.
///
/// ```
/// use rolefit_model::first_few;
/// assert_eq!(first_few(["a", "b"], ", "), "a, b");
/// assert_eq!(first_few(1..=12, ", "), "1, 2, 3, 4, 5, 6, 7, 8, 9, 10 (and 2 more)");
/// ```
pub fn first_few<T: Display>(items: impl IntoIterator<Item = T>, separator: &str) -> String {
    let mut items = items.into_iter();
    let shown: Vec<T> = items.by_ref().take(LISTED).collect();
    let more = items.count();
    joined(&shown, more, separator)
}

/// [`first_few`] of `total` items of which `items` yields the first (only
/// the first [`LISTED`] are taken from it, so each may be costly to make).
///
/// ```
/// use rolefit_model::first_few_of;
/// assert_eq!(first_few_of((1..).map(|i| i * i), 12, ", "), "1, 4, 9, 16, 25, 36, 49, 64, 81, 100 (and 2 more)");
/// ```
pub fn first_few_of<T: Display>(items: impl IntoIterator<Item = T>, total: usize, separator: &str) -> String {
    let shown: Vec<T> = items.into_iter().take(LISTED).collect();
    joined(&shown, total.saturating_sub(shown.len()), separator)
}

fn joined<T: Display>(shown: &[T], more: usize, separator: &str) -> String {
    let mut out = String::new();
    for (i, item) in shown.iter().enumerate() {
        if i > 0 {
            out.push_str(separator);
        }
        out.push_str(&item.to_string());
    }
    if more > 0 {
        out.push_str(&format!(" (and {more} more)"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_the_first_few_and_counts_the_rest() {
        assert_eq!(first_few(Vec::<String>::new(), ", "), "");
        assert_eq!(
            first_few(0..LISTED, " or "),
            "0 or 1 or 2 or 3 or 4 or 5 or 6 or 7 or 8 or 9"
        );
        let long = first_few(0..1_000_000, ", ");
        assert!(long.ends_with("8, 9 (and 999990 more)"), "{long}");
    }
}
