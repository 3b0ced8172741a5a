//! Response quality flags: signs that a respondent's answers may not be
//! careful answers.

use std::fmt;

/// A set of response quality flags, one bit each.
///
/// The importer sets them while it reads a row, when asked to: see
/// `docs/formats.md` for the rules. They are carried with the profile so
/// that outputs can show them and commands can leave flagged respondents
/// out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct QualityFlags(u8);

impl QualityFlags {
    /// No flag.
    pub const NONE: QualityFlags = QualityFlags(0);
    /// The same answer to every item (straight-lining).
    pub const STRAIGHT_LINING: QualityFlags = QualityFlags(1);
    /// Too many items left unanswered.
    pub const MISSING: QualityFlags = QualityFlags(2);
    /// Finished faster than the least plausible time (speeding).
    pub const SPEEDING: QualityFlags = QualityFlags(4);

    /// Every flag with its name, in output order.
    pub const ALL: [(QualityFlags, &'static str); 3] = [
        (QualityFlags::STRAIGHT_LINING, "straight-lining"),
        (QualityFlags::MISSING, "missing"),
        (QualityFlags::SPEEDING, "speeding"),
    ];

    /// Whether no flag is set.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether every flag of `other` is set.
    pub fn contains(self, other: QualityFlags) -> bool {
        self.0 & other.0 == other.0
    }

    /// Sets the flags of `other` too.
    pub fn insert(&mut self, other: QualityFlags) {
        self.0 |= other.0;
    }

    /// The names of the flags set, in output order.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        QualityFlags::ALL
            .into_iter()
            .filter(move |(flag, _)| self.contains(*flag))
            .map(|(_, name)| name)
    }
}

impl std::ops::BitOr for QualityFlags {
    type Output = QualityFlags;
    fn bitor(self, other: QualityFlags) -> QualityFlags {
        QualityFlags(self.0 | other.0)
    }
}

impl fmt::Display for QualityFlags {
    /// The names joined by `;`, or nothing.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, name) in self.names().enumerate() {
            if i > 0 {
                f.write_str(";")?;
            }
            f.write_str(name)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_display() {
        let mut f = QualityFlags::NONE;
        assert!(f.is_empty());
        assert_eq!(f.to_string(), "");
        f.insert(QualityFlags::SPEEDING);
        f = f | QualityFlags::STRAIGHT_LINING;
        assert!(f.contains(QualityFlags::SPEEDING) && !f.contains(QualityFlags::MISSING));
        assert_eq!(f.to_string(), "straight-lining;speeding");
        assert_eq!(f.names().collect::<Vec<_>>(), ["straight-lining", "speeding"]);
    }
}
