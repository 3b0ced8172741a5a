//! A cohort: every respondent of an input read at once, for the commands
//! that look at all of them together (`cluster`, `report`), with what
//! both do with it: how respondents are grouped (`--clusters`,
//! `--k-range`, `--method`, the same in both), the cluster map, and the
//! errors of a failed fit.

use std::time::{Duration, Instant};

use anyhow::Result;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rolefit_learn::cluster::{
    fit, fit_range, project, silhouette, silhouette_sample, ClusterError, Clustering, CohortData, KChoice,
    Method, Silhouette, ValidClusterParams,
};
use rolefit_model::{ProfileBatch, RoleMatrix};
use rolefit_score::{CompiledMatrix, Registry, ScoreError};

use crate::args::{Center, ClusterChoice, ClusterMethod, MatrixSource, ResponsesSource};
use crate::error::bad_input;
use crate::load::{self, Loaded};
use crate::plot::scatter;
use crate::settings::Settings;

/// At most this many respondents are drawn on a cluster map; beyond, a
/// seeded sample of this many (an SVG of a million circles helps no one).
pub const MAX_POINTS: usize = 20_000;

/// Respondents loaded for clustering.
pub struct Cohort {
    /// The matrix and its notes.
    pub loaded: Loaded,
    /// The matrix compiled for scoring.
    pub compiled: CompiledMatrix,
    /// Every respondent, as read.
    pub profiles: ProfileBatch,
    /// The same, dense, missing answers imputed.
    pub data: CohortData,
    /// The input's name for messages.
    pub source: String,
}

/// The cohort and the strategy `cluster` and `report` score it with: the
/// strategy's name (built-in or plugin, `+center`, `+importance` or
/// `+uniform`, never `+learned`) is checked before any response is read,
/// then the strategy is made for the cohort's matrix.
///
/// # Errors
/// As [`strategy::by_name`](crate::strategy::by_name) and [`load_cohort`].
pub fn load_cohort_scored_by<'r>(
    registry: &'r Registry,
    name: &str,
    center: Center,
    responses: &ResponsesSource,
    matrix: &MatrixSource,
    settings: &Settings,
) -> Result<(Cohort, crate::strategy::Chosen<'r>)> {
    crate::strategy::check_plain_name(registry, name)?;
    let cohort = load_cohort(responses, matrix, settings)?;
    let chosen = crate::strategy::by_name(registry, name, center, &cohort.loaded.matrix)?;
    Ok((cohort, chosen))
}

/// Loads the matrix and every response, checked against the matrix scale.
pub fn load_cohort(
    responses: &ResponsesSource,
    matrix: &MatrixSource,
    settings: &Settings,
) -> Result<Cohort> {
    let loaded = load::matrix(matrix, settings)?;
    let profiles = load::responses(responses, &loaded.matrix, settings)?;
    let source = load::input_name(responses.input.as_deref());
    if profiles.is_empty() {
        return Err(bad_input(format!("{source} holds no respondents")));
    }
    let compiled = CompiledMatrix::new(&loaded.matrix);
    compiled.check(&profiles).map_err(score_error)?;
    let data = CohortData::from_batch(&profiles, loaded.matrix.scale());
    Ok(Cohort {
        loaded,
        compiled,
        profiles,
        data,
        source,
    })
}

/// A clustering failure as an error with the right exit code: the data or
/// the arguments (2), except a misbehaving strategy (1).
pub fn cluster_error(e: ClusterError) -> anyhow::Error {
    match e {
        ClusterError::Score(e) => score_error(e),
        ClusterError::Fit { method, message } => bad_input(format!(
            "{method} failed on these respondents: {message}{}",
            if method == Method::Gmm {
                " (try --method kmeans, or fewer clusters)"
            } else {
                ""
            }
        )),
        other => bad_input(other.to_string()),
    }
}

fn score_error(e: ScoreError) -> anyhow::Error {
    match e {
        ScoreError::Strategy { .. } => anyhow::Error::new(e),
        other => bad_input(other.to_string()),
    }
}

/// A cluster map, or why there is none.
#[derive(Debug)]
pub enum ClusterMap {
    /// The map, an SVG document.
    Drawn(String),
    /// The respondents cannot be projected onto two principal components
    /// (fewer than 3, identical answers, or all on one line): why, to
    /// finish "the map is not drawn: ...".
    NotDrawn(String),
}

/// The title of the cluster map of `data`.
pub fn map_title(data: &CohortData, clustering: &Clustering) -> String {
    format!(
        "{} respondents in {} clusters ({})",
        data.len(),
        clustering.k(),
        clustering.method()
    )
}

/// The cluster map of `cohort`: respondents projected on the first two
/// principal components, coloured by cluster, roles marked. With `hide`,
/// the members of clusters for which it returns true are left out (the
/// report's privacy rule) and the legend says so. A cohort that cannot be
/// projected gets [`ClusterMap::NotDrawn`], not an error.
pub fn cluster_plot(
    data: &CohortData,
    matrix: &RoleMatrix,
    clustering: &Clustering,
    seed: u64,
    hide: Option<&dyn Fn(usize) -> bool>,
) -> Result<ClusterMap> {
    let compiled = CompiledMatrix::new(matrix);
    let p = match project(data, compiled.levels()) {
        Ok(p) => p,
        Err(ClusterError::Projection(why)) => return Ok(ClusterMap::NotDrawn(why)),
        Err(e) => return Err(cluster_error(e)),
    };
    let labels = clustering.labels();
    let hidden = |c: usize| hide.is_some_and(|h| h(c));
    let mut shown: Vec<usize> = (0..labels.len()).filter(|&i| !hidden(labels[i])).collect();
    let total = shown.len();
    if shown.len() > MAX_POINTS {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut pick = rand::seq::index::sample(&mut rng, shown.len(), MAX_POINTS).into_vec();
        pick.sort_unstable();
        shown = pick.into_iter().map(|i| shown[i]).collect();
    }
    let points: Vec<(f64, f64, usize)> = shown
        .iter()
        .map(|&i| (p.respondents[[i, 0]], p.respondents[[i, 1]], labels[i]))
        .collect();
    let legend: Vec<String> = clustering
        .sizes()
        .iter()
        .enumerate()
        .map(|(c, &size)| {
            if hidden(c) {
                format!("cluster {c}: not drawn (small)")
            } else {
                format!("cluster {c} ({size})")
            }
        })
        .collect();
    let roles: Vec<(String, f64, f64)> = matrix
        .roles()
        .iter()
        .enumerate()
        .map(|(j, r)| (r.name.clone(), p.roles[[j, 0]], p.roles[[j, 1]]))
        .collect();
    let title = map_title(data, clustering);
    let mut note = format!(
        "First two principal components: {:.0}% and {:.0}% of the variance. Triangles: roles.",
        100.0 * p.explained[0],
        100.0 * p.explained[1]
    );
    if total > points.len() {
        note.push_str(&format!(
            " A random sample of {} of {} respondents is drawn.",
            points.len(),
            total
        ));
    }
    if total < labels.len() {
        note.push_str(&format!(
            " {} respondents in small clusters are not drawn.",
            labels.len() - total
        ));
    }
    let (ax, ay) = (
        format!("PC1 ({:.0}%)", 100.0 * p.explained[0]),
        format!("PC2 ({:.0}%)", 100.0 * p.explained[1]),
    );
    scatter::cluster_map(&scatter::ClusterMap {
        title: &title,
        note: Some(&note),
        points: &points,
        legend: &legend,
        roles: &roles,
        axes: [&ax, &ay],
    })
    .map(ClusterMap::Drawn)
}

/// The k range tried when neither `--k` nor `--k-range` is given: 2 to 8
/// (fewer with fewer respondents).
pub const DEFAULT_K_RANGE: (usize, usize) = (2, 8);

/// Parses `A..B` (both included; `A..=B` is accepted too).
pub fn parse_k_range(text: &str) -> Result<(usize, usize)> {
    let bad = || {
        bad_input(format!(
            "--k-range: expected A..B with whole numbers 2 <= A <= B, got {text:?}"
        ))
    };
    let (a, b) = text.split_once("..").ok_or_else(bad)?;
    let b = b.strip_prefix('=').unwrap_or(b);
    let a: usize = a.trim().parse().map_err(|_| bad())?;
    let b: usize = b.trim().parse().map_err(|_| bad())?;
    if a < 2 || a > b {
        return Err(bad());
    }
    Ok((a, b))
}

/// A clustering with what was measured along the way.
pub struct Clustered {
    /// The clustering chosen.
    pub clustering: Clustering,
    /// Its silhouette (`None` for one cluster).
    pub silhouette: Option<Silhouette>,
    /// Every k tried, with `--k-range` (empty with `--k`).
    pub tried: Vec<KChoice>,
    /// The range tried, if any.
    pub range: Option<(usize, usize)>,
    /// Time spent fitting (and scoring k's).
    pub fit_time: Duration,
}

/// Clusters `data` with a fixed `k`, or the best k of `range` (by default
/// [`DEFAULT_K_RANGE`], shortened to the number of respondents).
pub fn cluster(
    data: &CohortData,
    k: Option<usize>,
    range: Option<(usize, usize)>,
    params: &ValidClusterParams,
) -> Result<Clustered> {
    let started = Instant::now();
    let n = data.len();
    match (k, range) {
        (Some(k), _) => {
            let clustering = fit(data, k, params).map_err(cluster_error)?;
            let fit_time = started.elapsed();
            let sample = silhouette_sample(n, params.seed());
            let s = silhouette(data.values(), clustering.labels(), clustering.k(), &sample);
            Ok(Clustered {
                clustering,
                silhouette: s,
                tried: Vec::new(),
                range: None,
                fit_time,
            })
        }
        (None, range) => {
            // The default range shrinks to the cohort; one asked for does not.
            let (a, b) = range.unwrap_or((DEFAULT_K_RANGE.0, DEFAULT_K_RANGE.1.min(n)));
            if n < 2 || a > b {
                return Err(bad_input(format!(
                    "cannot choose k from {a}..{b} with {n} respondent{}; give --k",
                    if n == 1 { "" } else { "s" }
                )));
            }
            let (clustering, s, tried) = fit_range(data, a..=b, params).map_err(cluster_error)?;
            Ok(Clustered {
                clustering,
                silhouette: Some(s),
                tried,
                range: Some((a, b)),
                fit_time: started.elapsed(),
            })
        }
    }
}

/// `--clusters`, `--k-range` and `--method`, checked.
#[derive(Debug, Clone, Copy)]
pub struct Grouping {
    /// A fixed number of clusters.
    pub k: Option<usize>,
    /// The range of k to try, if given.
    pub range: Option<(usize, usize)>,
    /// The method.
    pub method: Method,
}

impl Grouping {
    /// The grouping `choice` asks for.
    ///
    /// # Errors
    /// Exit 2 for a malformed `--k-range`.
    pub fn of(choice: &ClusterChoice) -> Result<Self> {
        Ok(Grouping {
            k: choice.clusters.map(|k| k as usize),
            range: choice.k_range.as_deref().map(parse_k_range).transpose()?,
            method: match choice.method {
                ClusterMethod::Kmeans => Method::KMeans,
                ClusterMethod::Gmm => Method::Gmm,
            },
        })
    }
}

impl Cohort {
    /// Leaves out the respondents who answered fewer than `needed`
    /// capabilities (`--min-answered`, as `score` counts them), with a note
    /// ([`load::keep_answered`]).
    ///
    /// # Errors
    /// Exit 2 when no respondent is left.
    pub fn keep_answered(&mut self, needed: usize, settings: &Settings) -> Result<()> {
        let profiles = std::mem::replace(&mut self.profiles, ProfileBatch::new(0));
        let (profiles, kept) = load::keep_answered(profiles, needed, settings)?;
        if kept.len() < self.data.len() {
            self.data = CohortData::from_batch(&profiles, self.loaded.matrix.scale());
        }
        self.profiles = profiles;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn k_ranges_parse() {
        assert_eq!(parse_k_range("2..8").unwrap(), (2, 8));
        assert_eq!(parse_k_range(" 3..=3").unwrap(), (3, 3));
        for bad in ["1..4", "5..3", "2-8", "a..b", "2..", ""] {
            let err = parse_k_range(bad).unwrap_err();
            assert_eq!(crate::error::exit_code(&crate::error::classify(&err)), 2, "{bad}");
        }
    }
}
