//! The sections of the cohort report (`rolefit report`), one template each
//! (`templates/report/`), and the values they show.
//!
//! `crate::cmd::report` computes what the page says (ranking, privacy
//! rules, clusters, overlap, gaps) and fills these values; the templates
//! only lay them out. Numbers arrive as numbers or as text already
//! formatted to the precision the page shows; every value is escaped by
//! the engine (see [`crate::html`]).

use askama::Template;

use super::Svg;

/// A count of respondents, or the text that stands for it when the
/// small-group rules withhold it (`<5`, `suppressed`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Count {
    /// The count.
    Shown(u64),
    /// Withheld: what the page shows instead (set in the `suppressed` style).
    Withheld(String),
}

/// The page's header (`report/header.html`).
#[derive(Template)]
#[template(path = "report/header.html")]
pub struct Header<'a> {
    /// The responses' file name.
    pub source: &'a str,
    /// The role matrix's source.
    pub matrix: &'a str,
    /// Roles in the matrix.
    pub roles: usize,
    /// Capabilities in the matrix.
    pub capabilities: usize,
    /// The strategy's name.
    pub strategy: &'a str,
    /// `--min-group`.
    pub m: u64,
}

/// The page's footer (`report/footer.html`).
#[derive(Template)]
#[template(path = "report/footer.html")]
pub struct Footer<'a> {
    /// O*NET's credit, when the matrix came from O*NET data.
    pub credit: Option<&'a str>,
    /// rolefit's version.
    pub version: &'a str,
}

/// A paragraph in the `note` style, a section's only content when its
/// figures cannot be shown (`report/note.html`).
#[derive(Template)]
#[template(path = "report/note.html")]
pub struct Note<'a> {
    /// The sentence.
    pub text: &'a str,
}

/// One figure of the summary.
#[derive(Debug, Clone)]
pub struct Card {
    /// The figure.
    pub value: Count,
    /// What it counts.
    pub label: String,
}

/// The summary section (`report/summary.html`).
#[derive(Template)]
#[template(path = "report/summary.html")]
pub struct Summary<'a> {
    /// The figures, in page order.
    pub cards: Vec<Card>,
    /// The strategy's name.
    pub strategy: &'a str,
    /// The strategy's formula.
    pub formula: &'a str,
    /// `--min-group`.
    pub m: u64,
}

/// One row of the top-roles table.
#[derive(Debug, Clone)]
pub struct TopRole {
    /// The role's name.
    pub role: String,
    /// Respondents whose best fit it is.
    pub count: Count,
    /// Their share of the ranked respondents ("30%"; empty when withheld).
    pub share: String,
}

/// The top-roles section (`report/top_roles.html`).
#[derive(Template)]
#[template(path = "report/top_roles.html")]
pub struct TopRoles {
    /// The bar chart.
    pub chart: Svg,
    /// The table's rows, in chart order.
    pub rows: Vec<TopRole>,
}

/// The fit-score section (`report/fit_scores.html`).
#[derive(Template)]
#[template(path = "report/fit_scores.html")]
pub struct FitScores {
    /// The histograms' bin width.
    pub bin_width: f64,
    /// `--min-group`.
    pub m: u64,
    /// What a withheld bin shows.
    pub small: String,
    /// The histogram of every ranked respondent's best-fit score.
    pub all: Svg,
    /// One histogram per role drawn.
    pub by_role: Vec<Svg>,
    /// Roles whose every bin is withheld.
    pub all_withheld: Vec<String>,
    /// At most this many roles are drawn.
    pub max_roles: usize,
    /// Roles eligible for a histogram but not drawn (beyond `max_roles`).
    pub left_out: usize,
    /// Whether no role could be drawn at all.
    pub none_drawn: bool,
    /// Whether some role has no histogram because its count is withheld.
    pub some_withheld: bool,
}

/// The silhouette of one k tried.
#[derive(Debug, Clone)]
pub struct KTried {
    /// The number of clusters.
    pub k: usize,
    /// Its mean silhouette ("0.412", or "-" when there is none).
    pub silhouette: String,
    /// Whether this k was kept.
    pub chosen: bool,
}

/// The cluster map, or why it is not drawn.
#[derive(Debug, Clone)]
pub enum Map {
    /// The map.
    Drawn(Svg),
    /// Why there is none.
    NotDrawn(String),
}

/// A capability on which a cluster differs most from the other
/// respondents.
#[derive(Debug, Clone)]
pub struct Distinguishing {
    /// The capability's name.
    pub capability: String,
    /// Whether the cluster's mean is the higher.
    pub higher: bool,
    /// The size of the difference in standard deviations ("1.24").
    pub effect: String,
    /// The cluster's mean.
    pub cluster_mean: String,
    /// The other respondents' mean.
    pub rest_mean: String,
}

/// What one cluster's row shows.
#[derive(Debug, Clone)]
pub enum ClusterFigures {
    /// A cluster large enough to describe.
    Shown {
        /// Its respondents.
        size: u64,
        /// Their share of the ranked respondents ("25").
        percent: String,
        /// The role nearest its centroid.
        nearest_role: String,
        /// That role's score ("0.812").
        nearest_score: String,
        /// Its mean silhouette ("0.412" or "-").
        silhouette: String,
        /// Its most distinguishing capabilities.
        distinguishing: Vec<Distinguishing>,
    },
    /// A withheld cluster: its count as the page shows it.
    Withheld(Count),
}

/// One row of the cluster table.
#[derive(Debug, Clone)]
pub struct ClusterRow {
    /// The cluster's number.
    pub index: usize,
    /// Its colour on the map, as six hexadecimal digits.
    pub colour: String,
    /// What the row shows.
    pub figures: ClusterFigures,
}

/// The range of k the clusters section tried (`--k-range`, or the default
/// range shortened to the cohort).
#[derive(Debug, Clone, Copy)]
pub struct KRange {
    /// The least k tried.
    pub from: usize,
    /// The greatest k tried.
    pub to: usize,
}

/// The clusters section (`report/clusters.html`).
#[derive(Template)]
#[template(path = "report/clusters.html")]
pub enum Clusters<'a> {
    /// Too few ranked respondents for `k` clusters of `m`.
    TooFew {
        /// The clusters asked for (`--clusters`, or the least of the range).
        k: usize,
        /// `--min-group`.
        m: u64,
    },
    /// Every ranked respondent answered alike.
    Identical,
    /// The clusters found.
    Formed {
        /// The clustering method for people ("k-means").
        method: &'a str,
        /// The range of k tried, or `None` for a k given with `--clusters`.
        range: Option<KRange>,
        /// The k kept.
        k: usize,
        /// Its mean silhouette ("0.412", or "undefined (one cluster)").
        silhouette: String,
        /// Every k tried (none with `--clusters`).
        tried: Vec<KTried>,
        /// The map.
        map: Map,
        /// The strategy's name.
        strategy: &'a str,
        /// One row per cluster.
        rows: Vec<ClusterRow>,
        /// `--min-group`.
        m: u64,
    },
}

/// Two similar roles and what separates them.
#[derive(Debug, Clone)]
pub struct SimilarPair {
    /// The first role's name.
    pub a: String,
    /// The second role's name.
    pub b: String,
    /// Their similarity ("0.912").
    pub similarity: String,
    /// The capabilities whose levels differ most, as a sentence.
    pub separating: String,
}

/// The role-overlap section (`report/overlap.html`).
#[derive(Template)]
#[template(path = "report/overlap.html")]
pub struct Overlap<'a> {
    /// The heatmap.
    pub heatmap: Svg,
    /// The near-duplicate threshold.
    pub threshold: f64,
    /// The strategy's name.
    pub strategy: &'a str,
    /// One sentence per near-duplicate pair shown.
    pub duplicates: Vec<String>,
    /// Near-duplicate pairs not listed.
    pub more_duplicates: usize,
    /// The grouping's similarity cut.
    pub cut: f64,
    /// The names of each group of similar roles.
    pub groups: Vec<Vec<String>>,
    /// The most similar pairs.
    pub pairs: Vec<SimilarPair>,
}

/// One capability of the gap table.
#[derive(Debug, Clone)]
pub struct GapRow {
    /// The capability's name.
    pub capability: String,
    /// Respondents counted.
    pub counted: u64,
    /// Their mean shortfall ("0.42").
    pub mean: String,
    /// Their mean importance x shortfall ("0.38").
    pub weighted: String,
    /// Respondents 1 point or more short ("12 (30%)"), or `None` when
    /// withheld.
    pub short: Option<String>,
}

/// One role's largest gaps.
#[derive(Debug, Clone)]
pub struct RoleGaps {
    /// The role's name.
    pub role: String,
    /// Respondents whose best fit it is.
    pub holders: u64,
    /// Its largest gaps: capability name and mean shortfall ("0.42").
    pub gaps: Vec<(String, String)>,
}

/// The capability-gaps section (`report/gaps.html`).
#[derive(Template)]
#[template(path = "report/gaps.html")]
pub struct Gaps {
    /// The table's rows.
    pub rows: Vec<GapRow>,
    /// `--min-group`.
    pub m: u64,
    /// Capabilities left out for counting too few respondents.
    pub hidden: usize,
    /// The largest gaps of each role shown.
    pub by_role: Vec<RoleGaps>,
}

/// The section on how to read the report (`report/method.html`).
#[derive(Template)]
#[template(path = "report/method.html")]
pub struct Method<'a> {
    /// The share of capabilities needed to be ranked, in percent ("50").
    pub min_answered: String,
    /// The strategy's name.
    pub strategy: &'a str,
    /// The strategy's formula.
    pub formula: &'a str,
    /// `--min-group`.
    pub m: u64,
    /// What was withheld, per section ("top roles: 2; clusters: 1"), or
    /// "nothing".
    pub withheld: String,
    /// How the clusters were formed: method, seed and k ("k-means (10 runs,
    /// k-means++ starts, seed 1), k from 2 to 8 (fewer for small cohorts)").
    pub grouping: String,
    /// The near-duplicate threshold.
    pub near_duplicate: f64,
    /// The grouping's similarity cut.
    pub group_cut: f64,
}

#[cfg(test)]
mod tests {
    //! Every section's template with hostile text in every text field: the
    //! engine escapes it, so none of it becomes markup, and control
    //! characters become U+FFFD.

    use super::*;
    use crate::html::render;

    /// Markup, quotes and control characters in one name.
    const HOSTILE: &str = "<script>alert('x')</script> \"q\" & \u{7}\u{1b}[1m";
    /// `HOSTILE` as the page must show it.
    const ESCAPED: &str =
        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &quot;q&quot; &amp; \u{FFFD}\u{FFFD}[1m";

    fn h() -> String {
        HOSTILE.to_string()
    }

    /// Asserts that `html` shows the hostile text `times` times, escaped,
    /// and nowhere raw.
    #[track_caller]
    fn escaped(html: &str, times: usize) {
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.chars().any(|c| c.is_control() && c != '\n'), "{html:?}");
        assert_eq!(html.matches(ESCAPED).count(), times, "{html}");
    }

    fn svg() -> Svg {
        Svg::inline("<svg xmlns=\"http://www.w3.org/2000/svg\"><title>t</title></svg>")
    }

    #[test]
    fn header_and_footer_escape_file_names() {
        let header = render(&Header {
            source: HOSTILE,
            matrix: HOSTILE,
            roles: 3,
            capabilities: 4,
            strategy: HOSTILE,
            m: 5,
        })
        .unwrap();
        escaped(&header, 3);
        let footer = render(&Footer {
            credit: Some(HOSTILE),
            version: "1",
        })
        .unwrap();
        escaped(&footer, 1);
        escaped(&render(&Note { text: HOSTILE }).unwrap(), 1);
    }

    #[test]
    fn summary_escapes_its_labels_and_strategy() {
        let html = render(&Summary {
            cards: vec![
                Card {
                    value: Count::Withheld(h()),
                    label: h(),
                },
                Card {
                    value: Count::Shown(3),
                    label: h(),
                },
            ],
            strategy: HOSTILE,
            formula: HOSTILE,
            m: 5,
        })
        .unwrap();
        escaped(&html, 5);
        assert!(html.contains("<span class=\"suppressed\">&lt;script"));
        assert!(html.contains("<div class=\"value\">3</div>"));
    }

    #[test]
    fn top_roles_escape_role_names_and_withheld_counts() {
        let html = render(&TopRoles {
            chart: svg(),
            rows: vec![
                TopRole {
                    role: h(),
                    count: Count::Shown(4),
                    share: h(),
                },
                TopRole {
                    role: h(),
                    count: Count::Withheld(h()),
                    share: String::new(),
                },
            ],
        })
        .unwrap();
        escaped(&html, 4);
        // The chart is written as it is, without its namespace.
        assert!(html.contains("<figure><svg><title>t</title></svg></figure>"));
    }

    #[test]
    fn fit_scores_escape_the_roles_without_a_histogram() {
        let html = render(&FitScores {
            bin_width: 0.05,
            m: 5,
            small: h(),
            all: svg(),
            by_role: vec![svg()],
            all_withheld: vec![h(), h()],
            max_roles: 12,
            left_out: 1,
            none_drawn: false,
            some_withheld: true,
        })
        .unwrap();
        escaped(&html, 3);
        assert!(html.contains(&format!("Every bin of {ESCAPED}, {ESCAPED} holds")));
    }

    #[test]
    fn clusters_escape_names_and_the_reason_for_no_map() {
        let row = |figures| ClusterRow {
            index: 0,
            colour: h(),
            figures,
        };
        let html = render(&Clusters::Formed {
            method: HOSTILE,
            range: Some(KRange { from: 2, to: 3 }),
            k: 2,
            silhouette: h(),
            tried: vec![KTried {
                k: 2,
                silhouette: h(),
                chosen: true,
            }],
            map: Map::NotDrawn(h()),
            strategy: HOSTILE,
            rows: vec![
                row(ClusterFigures::Shown {
                    size: 3,
                    percent: h(),
                    nearest_role: h(),
                    nearest_score: h(),
                    silhouette: h(),
                    distinguishing: vec![Distinguishing {
                        capability: h(),
                        higher: false,
                        effect: h(),
                        cluster_mean: h(),
                        rest_mean: h(),
                    }],
                }),
                row(ClusterFigures::Withheld(Count::Withheld(h()))),
            ],
            m: 5,
        })
        .unwrap();
        escaped(&html, 16);
        // The colour is an attribute value: its quotes are escaped too.
        assert!(html.contains(&format!("style=\"background:#{ESCAPED}\"")));
        assert!(html.contains("&#8595;"));
        assert!(render(&Clusters::Identical).unwrap().contains("same answers"));
    }

    #[test]
    fn overlap_escapes_role_names_and_sentences() {
        let html = render(&Overlap {
            heatmap: svg(),
            threshold: 0.9,
            strategy: HOSTILE,
            duplicates: vec![h()],
            more_duplicates: 0,
            cut: 0.8,
            groups: vec![vec![h(), h()]],
            pairs: vec![SimilarPair {
                a: h(),
                b: h(),
                similarity: h(),
                separating: h(),
            }],
        })
        .unwrap();
        escaped(&html, 7);
    }

    #[test]
    fn gaps_escape_capability_and_role_names() {
        let html = render(&Gaps {
            rows: vec![GapRow {
                capability: h(),
                counted: 3,
                mean: h(),
                weighted: h(),
                short: Some(h()),
            }],
            m: 5,
            hidden: 0,
            by_role: vec![RoleGaps {
                role: h(),
                holders: 5,
                gaps: vec![(h(), h())],
            }],
        })
        .unwrap();
        escaped(&html, 7);
    }

    #[test]
    fn method_escapes_the_strategy() {
        let html = render(&Method {
            min_answered: h(),
            strategy: HOSTILE,
            formula: HOSTILE,
            m: 5,
            withheld: h(),
            grouping: h(),
            near_duplicate: 0.9,
            group_cut: 0.8,
        })
        .unwrap();
        escaped(&html, 6);
    }
}
