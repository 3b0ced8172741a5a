//! Capability profiles: a respondent's value per capability.

use serde::{Deserialize, Serialize};

use crate::QualityFlags;

/// One respondent's values, one per capability of a role matrix, on the
/// matrix's scale; `None` where the respondent gave no answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    /// The respondent's id.
    pub respondent: String,
    /// One value per capability, in the matrix's capability order.
    pub values: Vec<Option<f64>>,
}

/// Many profiles in one flat, row-major block, the shape the scorer works
/// on: `values[i * capabilities + j]` is respondent `i`'s value for
/// capability `j`, meaningful only where `answered` is true at the same
/// index (missing values are stored as `0.0`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProfileBatch {
    capabilities: usize,
    /// Every respondent id, one after another (one allocation per batch,
    /// not one per row); id `i` ends at `id_ends[i]`.
    ids: String,
    id_ends: Vec<usize>,
    values: Vec<f64>,
    answered: Vec<bool>,
    /// The rows with quality flags, as (row, flags), in row order; most
    /// rows have none, so they cost nothing.
    flagged: Vec<(usize, QualityFlags)>,
    /// Answers read as missing because they said "no answer" in words
    /// (`Don't know`, `Not applicable`, ...), over the batch's rows.
    no_answer: u64,
}

impl ProfileBatch {
    /// An empty batch for profiles of `capabilities` values each.
    pub fn new(capabilities: usize) -> Self {
        ProfileBatch {
            capabilities,
            ..Default::default()
        }
    }

    /// An empty batch with room for `rows` profiles.
    pub fn with_capacity(capabilities: usize, rows: usize) -> Self {
        ProfileBatch {
            capabilities,
            ids: String::with_capacity(rows * 8),
            id_ends: Vec::with_capacity(rows),
            values: Vec::with_capacity(rows * capabilities),
            answered: Vec::with_capacity(rows * capabilities),
            flagged: Vec::new(),
            no_answer: 0,
        }
    }

    /// Appends one profile.
    ///
    /// # Panics
    /// If `values` does not hold exactly one entry per capability: that is a
    /// bug in the caller, not bad input.
    pub fn push(&mut self, respondent: impl AsRef<str>, values: &[Option<f64>]) {
        assert_eq!(
            values.len(),
            self.capabilities,
            "profile length must match the matrix"
        );
        self.ids.push_str(respondent.as_ref());
        self.id_ends.push(self.ids.len());
        // Two flat passes, which the compiler turns into plain copies.
        self.values.extend(values.iter().map(|v| v.unwrap_or(0.0)));
        self.answered.extend(values.iter().map(Option::is_some));
    }

    /// Appends a profile given as its values and answered flags (one of
    /// each per capability); the value of an unanswered capability is
    /// stored as `0` whatever `values` holds there.
    ///
    /// # Panics
    /// If `values` or `answered` does not have one entry per capability:
    /// that is a bug in the caller.
    pub fn push_parts(&mut self, respondent: &str, values: &[f64], answered: &[bool]) {
        assert!(
            values.len() == self.capabilities && answered.len() == self.capabilities,
            "profile length must match the matrix"
        );
        self.ids.push_str(respondent);
        self.id_ends.push(self.ids.len());
        self.values.extend(
            values
                .iter()
                .zip(answered)
                .map(|(&v, &a)| if a { v } else { 0.0 }),
        );
        self.answered.extend_from_slice(answered);
    }

    /// Removes every profile, keeping the allocated space for reuse.
    pub fn clear(&mut self) {
        self.ids.clear();
        self.id_ends.clear();
        self.values.clear();
        self.answered.clear();
        self.flagged.clear();
        self.no_answer = 0;
    }

    /// Counts `n` more answers read as missing because they said "no
    /// answer" in words (the importer calls this for each row it adds).
    pub fn add_no_answer(&mut self, n: u64) {
        self.no_answer += n;
    }

    /// How many answers of the batch's rows were read as missing because
    /// they said "no answer" in words (`Don't know`, `Not applicable`).
    pub fn no_answer(&self) -> u64 {
        self.no_answer
    }

    /// Sets the quality flags of the last profile pushed (nothing for no
    /// flags).
    ///
    /// # Panics
    /// If the batch is empty: that is a bug in the caller.
    pub fn flag_last(&mut self, flags: QualityFlags) {
        assert!(!self.is_empty(), "flag_last needs a profile");
        if !flags.is_empty() {
            self.flagged.push((self.len() - 1, flags));
        }
    }

    /// Profile `i`'s quality flags.
    pub fn flags(&self, i: usize) -> QualityFlags {
        match self.flagged.binary_search_by_key(&i, |&(row, _)| row) {
            Ok(at) => self.flagged[at].1,
            Err(_) => QualityFlags::NONE,
        }
    }

    /// The profiles with some quality flag, as (index, flags), in order.
    pub fn flagged_rows(&self) -> impl Iterator<Item = (usize, QualityFlags)> + '_ {
        self.flagged.iter().copied()
    }

    /// How many profiles have some quality flag.
    pub fn flagged_count(&self) -> usize {
        self.flagged.len()
    }

    /// Removes the profiles with quality flags, keeping the others in
    /// order; returns the flags of those removed, in order.
    pub fn remove_flagged(&mut self) -> Vec<QualityFlags> {
        if self.flagged.is_empty() {
            return Vec::new();
        }
        let flagged = std::mem::take(&mut self.flagged);
        let old = std::mem::replace(self, ProfileBatch::with_capacity(self.capabilities, self.len()));
        let mut next = flagged.iter().peekable();
        for i in 0..old.len() {
            if next.peek().is_some_and(|&&(row, _)| row == i) {
                next.next();
                continue;
            }
            let (values, answered) = old.row(i);
            self.push_parts(old.respondent(i), values, answered);
        }
        flagged.into_iter().map(|(_, f)| f).collect()
    }

    /// Appends a [`Profile`].
    pub fn push_profile(&mut self, profile: &Profile) {
        self.push(&profile.respondent, &profile.values);
    }

    /// A batch holding `profiles`.
    pub fn from_profiles(capabilities: usize, profiles: &[Profile]) -> Self {
        let mut batch = ProfileBatch::with_capacity(capabilities, profiles.len());
        profiles.iter().for_each(|p| batch.push_profile(p));
        batch
    }

    /// Number of profiles.
    pub fn len(&self) -> usize {
        self.id_ends.len()
    }

    /// Whether there are no profiles.
    pub fn is_empty(&self) -> bool {
        self.id_ends.is_empty()
    }

    /// Number of values per profile.
    pub fn capabilities(&self) -> usize {
        self.capabilities
    }

    /// Respondent `i`'s id.
    ///
    /// # Panics
    /// If `i` is out of range.
    pub fn respondent(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.id_ends[i - 1] };
        &self.ids[start..self.id_ends[i]]
    }

    /// The respondent ids, in order.
    pub fn respondents(&self) -> Vec<&str> {
        (0..self.len()).map(|i| self.respondent(i)).collect()
    }

    /// All values, row-major (missing ones are `0.0`).
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// The answered mask, row-major.
    pub fn answered(&self) -> &[bool] {
        &self.answered
    }

    /// Profile `i`'s values and answered mask.
    pub fn row(&self, i: usize) -> (&[f64], &[bool]) {
        let range = i * self.capabilities..(i + 1) * self.capabilities;
        (&self.values[range.clone()], &self.answered[range])
    }

    /// How many capabilities profile `i` answered.
    pub fn answered_count(&self, i: usize) -> usize {
        self.row(i).1.iter().filter(|&&a| a).count()
    }

    /// Profile `i` as a [`Profile`].
    pub fn profile(&self, i: usize) -> Profile {
        let (values, answered) = self.row(i);
        Profile {
            respondent: self.respondent(i).to_string(),
            values: values
                .iter()
                .zip(answered)
                .map(|(&v, &a)| a.then_some(v))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_profiles_and_counts_answers() {
        let p = Profile {
            respondent: "r1".into(),
            values: vec![Some(2.0), None, Some(4.5)],
        };
        let batch = ProfileBatch::from_profiles(3, std::slice::from_ref(&p));
        assert_eq!(batch.len(), 1);
        assert_eq!(batch.row(0), (&[2.0, 0.0, 4.5][..], &[true, false, true][..]));
        assert_eq!(batch.answered_count(0), 2);
        assert_eq!(batch.profile(0), p);
        let mut batch = batch;
        batch.clear();
        assert!(batch.is_empty() && batch.values().is_empty() && batch.answered().is_empty());
        batch.push_profile(&p);
        assert_eq!(batch.profile(0), p);
    }

    #[test]
    fn flags_are_kept_per_row_and_flagged_rows_can_be_removed() {
        let mut batch = ProfileBatch::new(1);
        for (i, flags) in [
            QualityFlags::NONE,
            QualityFlags::SPEEDING,
            QualityFlags::NONE,
            QualityFlags::MISSING | QualityFlags::STRAIGHT_LINING,
        ]
        .into_iter()
        .enumerate()
        {
            batch.push(format!("r{i}"), &[Some(i as f64)]);
            batch.flag_last(flags);
        }
        assert_eq!(batch.flags(1), QualityFlags::SPEEDING);
        assert!(batch.flags(2).is_empty());
        assert_eq!(batch.flagged_count(), 2);
        let removed = batch.remove_flagged();
        assert_eq!(removed.len(), 2);
        assert_eq!(batch.respondents(), ["r0", "r2"]);
        assert_eq!(batch.row(1).0, &[2.0]);
        assert_eq!(batch.flagged_count(), 0);
        assert!(batch.remove_flagged().is_empty());
    }

    #[test]
    #[should_panic(expected = "profile length")]
    fn wrong_length_is_a_caller_bug() {
        ProfileBatch::new(2).push("x", &[Some(1.0)]);
    }
}
