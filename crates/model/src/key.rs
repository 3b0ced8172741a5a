//! Loose name matching and id generation.

/// The key two names are compared by: lower case, with everything that is not
/// a letter or a digit removed.
///
/// ```
/// use rolefit_model::match_key;
/// assert_eq!(match_key("Problem-Solving Skills"), match_key("problem solving skills"));
/// assert_eq!(match_key(" Q_01 "), "q01");
/// ```
pub fn match_key(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// A stable, readable id for a display name: lower case words joined by `-`.
///
/// ```
/// use rolefit_model::slug;
/// assert_eq!(slug("Leadership and Team Management"), "leadership-and-team-management");
/// assert_eq!(slug("  Decision-Making!  "), "decision-making");
/// ```
pub fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut pending_dash = false;
    for c in name.chars() {
        if c.is_alphanumeric() {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.extend(c.to_lowercase());
        } else {
            pending_dash = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn match_key_ignores_case_space_and_punctuation() {
        assert_eq!(match_key("Market & Customer Insight"), "marketcustomerinsight");
        assert_eq!(match_key("ÉCOLE"), "école");
        assert_eq!(match_key("--"), "");
    }

    #[test]
    fn slug_collapses_runs_of_separators() {
        assert_eq!(slug("a  --  b"), "a-b");
        assert_eq!(slug("Project & Program Management"), "project-program-management");
        assert_eq!(slug(""), "");
    }

    #[test]
    fn slug_and_match_key_agree() {
        for name in ["Vision and Strategy", "User Experience Focus", "Q1", "x-y_z"] {
            assert_eq!(match_key(&slug(name)), match_key(name));
        }
    }
}
