//! What would it take: the smallest improvements that make a role rank
//! first.
//!
//! A ranking says where someone stands; a development plan needs to know
//! what would change it. [`what_it_takes`] finds, for one respondent and a
//! target role, the cheapest set of **raised answers** under which the
//! strategy ranks the target first (by [`rank`]'s rules: ties go to the
//! earlier role).
//!
//! **The moves.** A capability can only go up, in whole scale points, up to
//! the scale's top: an answer `x` can become `x + 1`, `x + 2`, ... and
//! finally `H` (the last step may be a fraction of a point when `x` is not
//! a whole number). A blank counts as the bottom of the scale, `L`:
//! answering it with `L + d` costs `d` points (developing a capability no
//! one has claimed starts from the bottom). The cost of a set of moves is
//! the total points raised; among sets of equal cost, fewer capabilities
//! win; among those, the first found (a fixed order) is reported.
//!
//! **The search** is uniform-cost (best-first on `(points, capabilities)`)
//! over vectors of steps per capability, with the strategy as the oracle:
//! each state is scored and checked once. States are generated as a tree
//! (a state's parent lowers its last raised capability by one step), so
//! none is visited twice and no visited set is needed, and the children of
//! a state are scored in one strategy call. Since every move costs more
//! than zero, states leave the queue in non-decreasing cost, and **the
//! first winning state to leave it is optimal**: no cheaper set of moves
//! exists. Strategies need not be monotone (under `euclidean`, raising an
//! answer past a role's level moves away from it), so "raise everything to
//! the top" proves nothing either way and the search does not rely on it.
//!
//! **Shortcuts that keep it exact.** Before searching, three complete
//! plans are tried: raising every answer below the target's level to that
//! level (the first step at or above it; blanks included); raising
//! everything to the top; and a greedy plan that repeatedly takes the one
//! step that most improves the target's lead over the best other role
//! (its score minus theirs) per point, until the target is first. The
//! cheapest that works is an upper bound: states costing more are never
//! queued, and when nothing cheaper is left in the queue, that plan is the
//! answer, and optimal.
//!
//! **Limits.** The number of states grows like `C^P / P!` for `C`
//! capabilities and `P` points, so the search has a budget of states
//! scored. It ends in one of three ways: the target is reached (optimal);
//! every state was tried, so **no** raise of answers makes the target first
//! ("out of reach on the scale", a proof, reachable on small matrices); or
//! the budget ran out ([`WhatIf::Unresolved`]): then every set of fewer
//! points than `at_least` is known not to work, and one of the two plans
//! above may be known to work at a higher cost.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use ndarray::Array2;
use rolefit_model::ProfileBatch;
use serde::Serialize;

use crate::{rank, CompiledMatrix, RankedRole, ScoreError, Strategy, Workspace};

/// The default budget: states scored per respondent.
pub const DEFAULT_BUDGET: usize = 1_000_000;

/// One raised answer.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Improvement {
    /// The capability's index in the matrix.
    pub capability: usize,
    /// The answer now (`None` for a blank).
    pub from: Option<f64>,
    /// The answer that would be needed.
    pub to: f64,
    /// Points raised: `to - from`, or `to - L` for a blank.
    pub points: f64,
}

/// A complete plan: raised answers and what they give.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    /// The raised answers, in capability order.
    pub improvements: Vec<Improvement>,
    /// Total points raised.
    pub points: f64,
    /// The target's score with them.
    pub score: f64,
    /// The best other role with them.
    pub runner_up: Option<RankedRole>,
}

/// What it would take for the target role to rank first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum WhatIf {
    /// The target already ranks first.
    AlreadyFirst {
        /// Its score.
        score: f64,
    },
    /// The cheapest plan that makes the target rank first (optimal: fewest
    /// points, then fewest capabilities).
    Reached {
        /// The plan.
        plan: Plan,
        /// States scored.
        explored: usize,
    },
    /// Every combination of raised answers was tried: none makes the
    /// target first.
    OutOfReach {
        /// States scored.
        explored: usize,
    },
    /// The budget ran out first.
    Unresolved {
        /// Every plan of fewer points than this was tried and does not work.
        at_least: f64,
        /// A plan known to work (not shown to be the cheapest), if any.
        known: Option<Plan>,
        /// States scored.
        explored: usize,
    },
}

/// Options of the search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WhatIfOptions {
    /// States (candidate profiles) scored at most, per respondent.
    pub budget: usize,
}

impl Default for WhatIfOptions {
    fn default() -> Self {
        WhatIfOptions {
            budget: DEFAULT_BUDGET,
        }
    }
}

/// A state of the search tree, stored compactly: its parent and the one
/// step that leads from it.
#[derive(Debug, Clone, Copy)]
struct Node {
    /// The parent's index (the root is its own parent).
    parent: u32,
    /// The capability raised by the last step ([`ROOT`] at the root).
    capability: u32,
    /// The number of steps that capability is raised by, after this step.
    step: u8,
    /// Capabilities raised.
    count: u32,
    /// Points raised.
    points: f64,
    /// Whether the target ranks first here.
    wins: bool,
}

const ROOT: u32 = u32::MAX;

/// The problem: ladders of values per capability and the oracle.
struct Search<'a> {
    matrix: &'a CompiledMatrix,
    strategy: &'a dyn Strategy,
    target: usize,
    original: Vec<Option<f64>>,
    /// What each capability's cost is counted from: the answer, or `L`.
    bases: Vec<f64>,
    /// The values each capability can be raised to, in increasing order.
    ladders: Vec<Vec<f64>>,
    /// Values this close are equal (a billionth of the scale's width).
    tol: f64,
    ws: Workspace,
    batch: ProfileBatch,
    explored: usize,
}

/// The cheapest winning plan known, as `(micro-points, capabilities,
/// steps)`: the search only looks at states cheaper than it.
type Bound = Option<(i64, usize, Vec<u8>)>;

impl<'a> Search<'a> {
    /// The search for `target` from the profile `values` / `answered`:
    /// each capability's ladder climbs from its answer (or `L`, for a
    /// blank) a whole point at a time to the top, `H`.
    fn new(
        matrix: &'a CompiledMatrix,
        strategy: &'a dyn Strategy,
        values: &[f64],
        answered: &[bool],
        target: usize,
    ) -> Self {
        let scale = matrix.scale();
        let (lo, hi) = (scale.min(), scale.max());
        let tol = 1e-9 * scale.width();
        let c = values.len();
        let bases: Vec<f64> = (0..c).map(|k| if answered[k] { values[k] } else { lo }).collect();
        let ladders: Vec<Vec<f64>> = bases
            .iter()
            .map(|&base| {
                let mut ladder = Vec::new();
                let mut v = base;
                while v < hi - tol && ladder.len() < u8::MAX as usize {
                    v = (v + 1.0).min(hi);
                    if hi - v < tol {
                        v = hi;
                    }
                    ladder.push(v);
                }
                ladder
            })
            .collect();
        Search {
            matrix,
            strategy,
            target,
            original: (0..c).map(|k| answered[k].then_some(values[k])).collect(),
            bases,
            ladders,
            tol,
            ws: Workspace::new(),
            batch: ProfileBatch::with_capacity(c, c + 2),
            explored: 0,
        }
    }

    fn profile(&self, steps: &[u8], out: &mut Vec<Option<f64>>) {
        out.clear();
        out.extend(steps.iter().enumerate().map(|(k, &s)| match s {
            0 => self.original[k],
            s => Some(self.ladders[k][s as usize - 1]),
        }));
    }

    /// Points of raising capability `k` by `s` steps.
    fn cost(&self, k: usize, s: u8) -> f64 {
        match s {
            0 => 0.0,
            s => self.ladders[k][s as usize - 1] - self.bases[k],
        }
    }

    /// `(points, capabilities)` of a step vector.
    fn total(&self, steps: &[u8]) -> (f64, usize) {
        let points = steps.iter().enumerate().map(|(k, &s)| self.cost(k, s)).sum();
        (points, steps.iter().filter(|&&s| s > 0).count())
    }

    /// Scores the step vectors; for each, whether the target wins.
    fn wins(&mut self, candidates: &[Vec<u8>]) -> Result<Vec<bool>, ScoreError> {
        let mut row = Vec::with_capacity(self.original.len());
        let mut batch = std::mem::take(&mut self.batch);
        batch.clear();
        for steps in candidates {
            self.profile(steps, &mut row);
            batch.push("whatif", &row);
        }
        let scores = score_checked(self.matrix, self.strategy, &batch, &mut self.ws)?;
        self.explored += candidates.len();
        let wins = (0..candidates.len())
            .map(|r| rank(scores.row(r), Some(1))[0].role == self.target)
            .collect();
        self.ws.give(scores);
        self.batch = batch;
        Ok(wins)
    }

    /// The plan of a step vector, with the scores it gives.
    fn plan(&mut self, steps: &[u8]) -> Result<Plan, ScoreError> {
        let mut row = Vec::new();
        self.profile(steps, &mut row);
        let mut batch = ProfileBatch::new(self.original.len());
        batch.push("whatif", &row);
        let scores = score_checked(self.matrix, self.strategy, &batch, &mut self.ws)?;
        let ranked = rank(scores.row(0), Some(2));
        let improvements = steps
            .iter()
            .enumerate()
            .filter(|(_, &s)| s > 0)
            .map(|(k, &s)| Improvement {
                capability: k,
                from: self.original[k],
                to: self.ladders[k][s as usize - 1],
                points: self.cost(k, s),
            })
            .collect();
        Ok(Plan {
            improvements,
            points: self.total(steps).0,
            score: scores[(0, self.target)],
            runner_up: ranked.into_iter().find(|r| r.role != self.target),
        })
    }

    /// Scores the step vectors; for each, the target's lead over the best
    /// other role (negative when it is not first; a win needs a positive
    /// lead, or a tie with the target earlier in the matrix).
    fn leads(&mut self, candidates: &[Vec<u8>]) -> Result<Vec<(f64, bool)>, ScoreError> {
        let mut row = Vec::with_capacity(self.original.len());
        let mut batch = std::mem::take(&mut self.batch);
        batch.clear();
        for steps in candidates {
            self.profile(steps, &mut row);
            batch.push("whatif", &row);
        }
        let scores = score_checked(self.matrix, self.strategy, &batch, &mut self.ws)?;
        self.explored += candidates.len();
        let out = (0..candidates.len())
            .map(|r| {
                let ranked = rank(scores.row(r), Some(2));
                let other = ranked
                    .iter()
                    .find(|x| x.role != self.target)
                    .map_or(0.0, |x| x.score);
                (scores[(r, self.target)] - other, ranked[0].role == self.target)
            })
            .collect();
        self.ws.give(scores);
        self.batch = batch;
        Ok(out)
    }

    /// The greedy plan: from nothing, take the step with the best gain in
    /// lead per point (ties: the lower capability) until the target wins;
    /// `None` if it never does (or the budget would run out).
    fn greedy(&mut self, budget: usize) -> Result<Option<Vec<u8>>, ScoreError> {
        let c = self.original.len();
        let mut steps = vec![0u8; c];
        let mut lead = self.leads(std::slice::from_ref(&steps))?[0].0;
        loop {
            let options: Vec<usize> = (0..c)
                .filter(|&k| (steps[k] as usize) < self.ladders[k].len())
                .collect();
            if options.is_empty() || self.explored + options.len() > budget {
                return Ok(None);
            }
            let candidates: Vec<Vec<u8>> = options
                .iter()
                .map(|&k| {
                    let mut next = steps.clone();
                    next[k] += 1;
                    next
                })
                .collect();
            let results = self.leads(&candidates)?;
            let mut best: Option<(usize, f64, bool)> = None;
            for (i, &(new_lead, wins)) in results.iter().enumerate() {
                let k = options[i];
                let step_cost = self.cost(k, steps[k] + 1) - self.cost(k, steps[k]);
                let gain = (new_lead - lead) / step_cost;
                if best.is_none_or(|(_, g, _)| gain > g) {
                    best = Some((i, gain, wins));
                }
            }
            let Some((i, _, wins)) = best else {
                return Ok(None);
            };
            steps = candidates[i].clone();
            lead = results[i].0;
            if wins {
                return Ok(Some(steps));
            }
        }
    }

    /// The step vector of a node, walking up to the root.
    fn steps_of(nodes: &[Node], mut id: usize, out: &mut [u8]) {
        out.iter_mut().for_each(|s| *s = 0);
        loop {
            let node = nodes[id];
            if node.capability == ROOT {
                return;
            }
            let k = node.capability as usize;
            // The deepest step of a capability is the highest.
            if out[k] == 0 {
                out[k] = node.step;
            }
            id = node.parent as usize;
        }
    }
}

/// Micro-points: the key states are ordered by (exact for whole and
/// half points, and for any sum of at most a few hundred steps).
fn key(points: f64) -> i64 {
    (points * 1e6).round() as i64
}

/// Finds the cheapest raise of answers that makes `target` rank first for
/// the profile `values` / `answered`; see the [module documentation](self).
///
/// # Errors
/// Whatever the strategy returns (a profile off the scale, a plugin
/// failing), and [`ScoreError::Strategy`] for a strategy that returns the
/// wrong shape or non-finite scores.
///
/// # Panics
/// If `values` or `answered` do not have one entry per capability, or
/// `target` is not a role of `matrix` (caller bugs).
pub fn what_it_takes(
    matrix: &CompiledMatrix,
    strategy: &dyn Strategy,
    values: &[f64],
    answered: &[bool],
    target: usize,
    options: &WhatIfOptions,
) -> Result<WhatIf, ScoreError> {
    matrix.assert_profile(values, answered, target);
    let mut search = Search::new(matrix, strategy, values, answered, target);
    let root = vec![0u8; values.len()];
    if search.wins(std::slice::from_ref(&root))?[0] {
        let plan = search.plan(&root)?;
        return Ok(WhatIf::AlreadyFirst { score: plan.score });
    }
    let bound = search.shortcut(options.budget / 2)?;
    search.cheapest(bound, options.budget)
}

impl Search<'_> {
    /// The steps that raise every answer below the target's level (on a
    /// capability it weighs) to that level: the first step at or above it.
    fn to_levels(&self) -> Vec<u8> {
        let levels = self.matrix.level_row(self.target);
        let weights = self.matrix.importance_row(self.target);
        let tol = self.tol;
        (0..self.original.len())
            .map(|k| {
                let below = self.original[k].is_none_or(|x| x < levels[k] - tol);
                if weights[k] > 0.0 && below {
                    let ladder = &self.ladders[k];
                    let at = ladder
                        .iter()
                        .position(|&v| v >= levels[k] - tol)
                        .unwrap_or(ladder.len());
                    // `position` is 0-based; steps are 1-based.
                    (at + 1).min(ladder.len()) as u8
                } else {
                    0
                }
            })
            .collect()
    }

    /// The cheapest of the three complete plans that wins (the target's
    /// levels, the top everywhere, the greedy plan within `greedy_budget`),
    /// if any: the search's first bound.
    fn shortcut(&mut self, greedy_budget: usize) -> Result<Bound, ScoreError> {
        let to_top: Vec<u8> = self.ladders.iter().map(|l| l.len() as u8).collect();
        let mut plans = vec![self.to_levels(), to_top];
        let mut wins = self.wins(&plans)?;
        if let Some(greedy) = self.greedy(greedy_budget)? {
            plans.push(greedy);
            wins.push(true);
        }
        let mut bound: Bound = None;
        for (steps, won) in plans.into_iter().zip(wins) {
            if won {
                let (points, count) = self.total(&steps);
                let better = bound
                    .as_ref()
                    .is_none_or(|(p, n, _)| (key(points), count) < (*p, *n));
                if better {
                    bound = Some((key(points), count, steps));
                }
            }
        }
        Ok(bound)
    }

    /// The uniform-cost search from the root, cheaper than `bound`, within
    /// `budget` states scored.
    fn cheapest(mut self, mut bound: Bound, budget: usize) -> Result<WhatIf, ScoreError> {
        let c = self.original.len();
        let mut nodes = vec![Node {
            parent: 0,
            capability: ROOT,
            step: 0,
            count: 0,
            points: 0.0,
            wins: false,
        }];
        // Min-heap on (micro-points, capabilities, insertion order).
        let mut queue = BinaryHeap::new();
        queue.push(Reverse((0i64, 0u32, 0u32)));
        let mut steps = vec![0u8; c];
        let mut children: Vec<Vec<u8>> = Vec::with_capacity(c);
        let mut child_nodes: Vec<Node> = Vec::with_capacity(c);

        while let Some(Reverse((points_key, count, id))) = queue.pop() {
            if let Some((p, n, plan)) = &bound {
                if (points_key, count as usize) >= (*p, *n) {
                    // Nothing cheaper is left: the known plan is optimal.
                    let plan = plan.clone();
                    return Ok(WhatIf::Reached {
                        plan: self.plan(&plan)?,
                        explored: self.explored,
                    });
                }
            }
            let id = id as usize;
            let parent = nodes[id];
            Search::steps_of(&nodes, id, &mut steps);
            if parent.wins {
                return Ok(WhatIf::Reached {
                    plan: self.plan(&steps)?,
                    explored: self.explored,
                });
            }
            self.expand(id, &parent, &steps, &bound, &mut children, &mut child_nodes);
            if children.is_empty() {
                continue;
            }
            if self.explored + children.len() > budget || nodes.len() + children.len() >= u32::MAX as usize {
                let known = match bound.take() {
                    Some((_, _, plan)) => Some(self.plan(&plan)?),
                    None => None,
                };
                return Ok(WhatIf::Unresolved {
                    at_least: parent.points,
                    known,
                    explored: self.explored,
                });
            }
            let wins = self.wins(&children)?;
            for (mut node, won) in child_nodes.drain(..).zip(wins) {
                node.wins = won;
                queue.push(Reverse((key(node.points), node.count, nodes.len() as u32)));
                nodes.push(node);
            }
        }
        match bound {
            Some((_, _, plan)) => Ok(WhatIf::Reached {
                plan: self.plan(&plan)?,
                explored: self.explored,
            }),
            None => Ok(WhatIf::OutOfReach {
                explored: self.explored,
            }),
        }
    }

    /// The children of node `id` (`parent`, at `steps`) cheaper than
    /// `bound`, into `children` (their steps) and `child_nodes`, in
    /// canonical order: raise the last raised capability one more step, or
    /// any later one its first step.
    fn expand(
        &self,
        id: usize,
        parent: &Node,
        steps: &[u8],
        bound: &Bound,
        children: &mut Vec<Vec<u8>>,
        child_nodes: &mut Vec<Node>,
    ) {
        children.clear();
        child_nodes.clear();
        let start = if parent.capability == ROOT {
            0
        } else {
            parent.capability as usize
        };
        for k in start..steps.len() {
            let s = steps[k];
            let can = if parent.capability as usize == k {
                (s as usize) < self.ladders[k].len()
            } else {
                s == 0 && !self.ladders[k].is_empty()
            };
            if !can {
                continue;
            }
            let points = parent.points + self.cost(k, s + 1) - self.cost(k, s);
            let count = parent.count + u32::from(s == 0);
            if let Some((p, n, _)) = bound {
                if (key(points), count as usize) >= (*p, *n) {
                    continue;
                }
            }
            let mut child = steps.to_vec();
            child[k] = s + 1;
            children.push(child);
            child_nodes.push(Node {
                parent: id as u32,
                capability: k as u32,
                step: s + 1,
                count,
                points,
                wins: false,
            });
        }
    }
}

/// Scores a batch and checks the result's shape and finiteness.
fn score_checked(
    matrix: &CompiledMatrix,
    strategy: &dyn Strategy,
    batch: &ProfileBatch,
    ws: &mut Workspace,
) -> Result<Array2<f64>, ScoreError> {
    let scores = strategy.score_in(matrix, batch, ws)?;
    crate::check_scores(strategy, &scores, batch.len(), matrix.n_roles())?;
    Ok(scores)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rolefit_model::RoleMatrix;

    use super::*;
    use crate::test_util::{assert_close, example_matrix, matrix};
    use crate::{Coverage, Euclidean, Strategy};

    /// All raise vectors by brute force: the cheapest `(points, count)` that
    /// wins, or `None`.
    fn brute_force(
        cm: &CompiledMatrix,
        strategy: &dyn Strategy,
        values: &[f64],
        answered: &[bool],
        target: usize,
    ) -> Option<(f64, usize)> {
        let (lo, hi) = (cm.scale().min(), cm.scale().max());
        let c = values.len();
        let options: Vec<Vec<Option<f64>>> = (0..c)
            .map(|k| {
                let base = if answered[k] { values[k] } else { lo };
                let mut o = vec![answered[k].then_some(values[k])];
                let mut v = base;
                while v < hi {
                    v = (v + 1.0).min(hi);
                    o.push(Some(v));
                }
                o
            })
            .collect();
        let mut best: Option<(f64, usize)> = None;
        let mut idx = vec![0usize; c];
        loop {
            let profile: Vec<Option<f64>> = (0..c).map(|k| options[k][idx[k]]).collect();
            let mut b = ProfileBatch::new(c);
            b.push("x", &profile);
            let s = strategy.score(cm, &b).unwrap();
            if rank(s.row(0), Some(1))[0].role == target {
                let points: f64 = (0..c)
                    .filter(|&k| idx[k] > 0)
                    .map(|k| profile[k].unwrap() - if answered[k] { values[k] } else { lo })
                    .sum();
                let count = idx.iter().filter(|&&i| i > 0).count();
                let better = match best {
                    None => true,
                    Some((p, n)) => points < p - 1e-9 || ((points - p).abs() < 1e-9 && count < n),
                };
                if better {
                    best = Some((points, count));
                }
            }
            let mut k = 0;
            loop {
                if k == c {
                    return best;
                }
                idx[k] += 1;
                if idx[k] < options[k].len() {
                    break;
                }
                idx[k] = 0;
                k += 1;
            }
        }
    }

    fn three_roles() -> RoleMatrix {
        matrix(&[
            &[(4.0, 1.0), (2.0, 1.0), (3.0, 2.0)],
            &[(2.0, 1.0), (5.0, 2.0), (1.0, 1.0)],
            &[(5.0, 2.0), (4.0, 1.0), (5.0, 1.0)],
        ])
    }

    #[test]
    fn the_worked_example_needs_four_points_on_b() {
        // docs/strategies.md's respondent (A = 4, B blank, C = 2) ranks
        // role 0 first under euclidean. For role 1 (levels 2, 5, 1): B
        // answered 5 (4 points from the bottom) gives role 0
        // 1 - sqrt((0 + 9 + 1) / 4) / 4 = 0.6047 and role 1
        // 1 - sqrt((4 + 0 + 1) / 4) / 4 = 0.7205. B at 4 (3 points) is not
        // enough: role 0 0.7205, role 1 1 - sqrt(7/4)/4 = 0.6693.
        let cm = CompiledMatrix::new(&example_matrix());
        let r = what_it_takes(
            &cm,
            &Euclidean,
            &[4.0, 0.0, 2.0],
            &[true, false, true],
            1,
            &WhatIfOptions::default(),
        )
        .unwrap();
        let WhatIf::Reached { plan, .. } = r else {
            panic!("{r:?}")
        };
        assert_eq!(
            plan.improvements,
            vec![Improvement {
                capability: 1,
                from: None,
                to: 5.0,
                points: 4.0
            }]
        );
        assert_close(plan.score, 1.0 - 1.25f64.sqrt() / 4.0, 1e-12);
        let runner_up = plan.runner_up.unwrap();
        assert_eq!(runner_up.role, 0);
        assert_close(runner_up.score, 1.0 - 2.5f64.sqrt() / 4.0, 1e-12);
        assert_eq!(
            brute_force(&cm, &Euclidean, &[4.0, 0.0, 2.0], &[true, false, true], 1),
            Some((4.0, 1))
        );
    }

    #[test]
    fn already_first_and_agreement_with_brute_force() {
        let m = three_roles();
        let cm = CompiledMatrix::new(&m);
        let x = [4.0, 2.0, 3.0];
        let a = [true; 3];
        let r = what_it_takes(&cm, &Euclidean, &x, &a, 0, &WhatIfOptions::default()).unwrap();
        assert!(matches!(r, WhatIf::AlreadyFirst { score } if score == 1.0));
        let r = what_it_takes(&cm, &Euclidean, &x, &a, 2, &WhatIfOptions::default()).unwrap();
        let WhatIf::Reached { plan, .. } = r else {
            panic!("reachable: {r:?}")
        };
        let (bp, bn) = brute_force(&cm, &Euclidean, &x, &a, 2).unwrap();
        assert_close(plan.points, bp, 1e-9);
        assert_eq!(plan.improvements.len(), bn);
        assert_close(
            plan.improvements.iter().map(|i| i.points).sum::<f64>(),
            plan.points,
            1e-9,
        );
        assert!(plan.score >= plan.runner_up.unwrap().score);
    }

    #[test]
    fn blanks_start_from_the_bottom() {
        let m = three_roles();
        let cm = CompiledMatrix::new(&m);
        let x = [2.0, 0.0, 1.0];
        let a = [true, false, true];
        let r = what_it_takes(&cm, &Euclidean, &x, &a, 2, &WhatIfOptions::default()).unwrap();
        let (bp, _) = brute_force(&cm, &Euclidean, &x, &a, 2).unwrap();
        let WhatIf::Reached { plan, .. } = r else {
            panic!("{r:?}")
        };
        assert_close(plan.points, bp, 1e-9);
        for i in plan.improvements.iter().filter(|i| i.capability == 1) {
            assert_eq!(i.from, None);
            assert_close(i.points, i.to - 1.0, 1e-12);
        }
    }

    #[test]
    fn out_of_reach_is_proven_by_exhausting_the_space() {
        // Under coverage role 0 (levels 1, 1) scores 1 for every profile:
        // role 1 can at best tie it, and ties go to role 0.
        let m = matrix(&[&[(1.0, 1.0), (1.0, 1.0)], &[(5.0, 1.0), (5.0, 1.0)]]);
        let cm = CompiledMatrix::new(&m);
        let r = what_it_takes(
            &cm,
            &Coverage,
            &[1.0, 1.0],
            &[true, true],
            1,
            &WhatIfOptions::default(),
        )
        .unwrap();
        // All 5 x 5 states (and the complete plans tried first).
        assert!(
            matches!(r, WhatIf::OutOfReach { explored } if explored >= 25),
            "{r:?}"
        );
        assert_eq!(brute_force(&cm, &Coverage, &[1.0, 1.0], &[true, true], 1), None);
    }

    #[test]
    fn a_small_budget_gives_a_lower_bound_and_a_known_plan() {
        let m = three_roles();
        let cm = CompiledMatrix::new(&m);
        let x = [1.0, 1.0, 1.0];
        let r = what_it_takes(&cm, &Euclidean, &x, &[true; 3], 2, &WhatIfOptions { budget: 8 }).unwrap();
        let (bp, _) = brute_force(&cm, &Euclidean, &x, &[true; 3], 2).unwrap();
        let WhatIf::Unresolved {
            at_least,
            known,
            explored,
        } = r
        else {
            panic!("{r:?}")
        };
        assert!(explored <= 8);
        assert!(at_least <= bp, "{at_least} > {bp}");
        // Role 2's own levels (5, 4, 5) win: 4 + 3 + 4 points; a cheaper
        // plan may be known.
        let known = known.expect("raising to the role's levels works");
        assert!(known.points <= 11.0 && known.points >= bp, "{}", known.points);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// On random small matrices and profiles the search finds exactly
        /// the brute-force optimum (points, then capabilities), or proves
        /// there is none.
        #[test]
        fn search_is_exact(
            levels in prop::collection::vec(prop::collection::vec(1u8..=5, 3), 2..4),
            weights in prop::collection::vec(prop::collection::vec(0u8..=2, 3), 4),
            profile in prop::collection::vec(prop::option::weighted(0.8, 1u8..=5), 3),
            target_pick in 0usize..4,
            use_coverage in any::<bool>(),
        ) {
            let rows: Vec<Vec<(f64, f64)>> = levels
                .iter()
                .zip(&weights)
                .map(|(r, w)| {
                    r.iter()
                        .zip(w)
                        // Every role needs some importance.
                        .map(|(&l, &w)| (f64::from(l), f64::from(w.max(u8::from(l % 2 == 1)))))
                        .collect()
                })
                .collect();
            prop_assume!(rows.iter().all(|r| r.iter().any(|&(_, w)| w > 0.0)));
            let rows: Vec<&[(f64, f64)]> = rows.iter().map(Vec::as_slice).collect();
            let m = matrix(&rows);
            let cm = CompiledMatrix::new(&m);
            let target = target_pick % levels.len();
            let x: Vec<f64> = profile.iter().map(|v| v.map_or(0.0, f64::from)).collect();
            let a: Vec<bool> = profile.iter().map(Option::is_some).collect();
            let strategy: &dyn Strategy = if use_coverage { &Coverage } else { &Euclidean };
            let r = what_it_takes(&cm, strategy, &x, &a, target, &WhatIfOptions::default()).unwrap();
            let best = brute_force(&cm, strategy, &x, &a, target);
            match r {
                WhatIf::AlreadyFirst { .. } => prop_assert_eq!(best, Some((0.0, 0))),
                WhatIf::Reached { plan, .. } => {
                    let (bp, bn) = best.expect("brute force finds one too");
                    prop_assert!((plan.points - bp).abs() < 1e-9, "{} vs {}", plan.points, bp);
                    prop_assert_eq!(plan.improvements.len(), bn);
                    // And the plan does win.
                    let mut b = ProfileBatch::new(3);
                    let mut row: Vec<Option<f64>> = profile.iter().map(|v| v.map(f64::from)).collect();
                    for i in &plan.improvements {
                        row[i.capability] = Some(i.to);
                    }
                    b.push("x", &row);
                    let s = strategy.score(&cm, &b).unwrap();
                    prop_assert_eq!(rank(s.row(0), Some(1))[0].role, target);
                }
                WhatIf::OutOfReach { .. } => prop_assert_eq!(best, None),
                WhatIf::Unresolved { .. } => prop_assert!(false, "budget cannot run out here"),
            }
        }
    }
}
