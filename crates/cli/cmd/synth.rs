//! `rolefit synth`: deterministic synthetic data.
//!
//! Two generators, both driven by a [`ChaCha8Rng`] seeded with `--seed`
//! (portable: the same seed gives the same bytes on every platform), both
//! streaming row by row so that their memory use does not grow with the
//! output.
//!
//! **`synth matrix`** writes a wide role matrix (`role,<capability>...`,
//! every importance 1). Roles are `Role 1` .. `Role R` and capabilities
//! `Capability 1` .. `Capability C`, the numbers zero-padded to the width of
//! R and C. Every level is drawn independently and uniformly from the
//! multiples of 0.5 on the scale (`1, 1.5, .., 5` on `1..5`), in row-major
//! order. Independent levels make every role a different shape: two roles
//! differ by about `0.45 x width x sqrt(C)` in euclidean distance, so
//! respondents drawn around them can be told apart. (With very few
//! capabilities and many roles two roles may come out identical;
//! `rolefit matrix check` warns about that.)
//!
//! **`synth responses`** writes respondents `s1` .. `sN` (zero-padded to the
//! width of N) drawn around the roles of a matrix. For each respondent: a
//! role is picked uniformly at random; then, for each capability, the answer
//! is `round(level + sd x z)` with `z ~ Normal(0, 1)` and `sd = --noise`
//! (with `--noise-by-importance`, `sd = noise x sqrt(w_mean / w)` for the
//! role's importance `w` of the capability and the mean `w_mean` of the
//! matrix's positive importances, so that importance is the noise
//! precision; importance 0 takes the smallest positive one's), clipped to the
//! whole numbers of the matrix scale (`ceil(min) ..= floor(max)`), and left
//! blank with probability `--missing`. `round` takes halves away from zero,
//! so with no noise a level of 3.5 is answered 4. The role and the `z`s
//! come from one random stream and the blanks from a second stream of the
//! same seed, so for a given seed and matrix the roles (and the labels file)
//! do not depend on `--noise` or `--missing`, and raising `--missing` only
//! blanks more cells of the same answers.
//!
//! With `--groups FILE`, each respondent is also put in a group drawn
//! from `--group-shares` (`A=0.5,B=0.5` by default) with a third stream of
//! the seed, and `respondent,group` is written to FILE: a demographics
//! file for `rolefit audit --groups`. Drawing groups changes no answer.
//! `--shift CAPABILITY=DELTA` then plants a known group difference: the
//! answers of `--shift-group` (the last group by default) on that
//! capability are `round(level + DELTA + noise x z)`, clipped as usual.

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;
use rolefit_model::Scale;

use crate::args::{parse_fraction, parse_non_negative, CellSafety, MatrixInput, OutputFile, Quiet};
use crate::error::bad_input;
use crate::io::Output;
use crate::load;
use crate::settings::Settings;

/// `rolefit synth ...`
#[derive(Debug, Subcommand)]
pub enum SynthCommand {
    /// Write a random wide role matrix (`role,<capability>...`, importance 1).
    Matrix(SynthMatrixArgs),
    /// Write respondents drawn around randomly chosen roles of a matrix.
    Responses(SynthResponsesArgs),
}

/// `rolefit synth matrix`
#[derive(Debug, Args)]
pub struct SynthMatrixArgs {
    /// Number of roles.
    #[arg(long, value_name = "R", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub roles: u32,
    /// Number of capabilities.
    #[arg(long, value_name = "C", value_parser = clap::value_parser!(u32).range(2..=10_000))]
    pub capabilities: u32,
    /// Random seed: the same seed gives the same result.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// The scale the matrix's levels are on.
    #[arg(long, alias = "scale", value_name = "MIN..MAX", default_value = "1..5")]
    pub matrix_scale: Scale,
    #[command(flatten)]
    pub to: OutputFile,
}

/// `rolefit synth responses`
#[derive(Debug, Args)]
pub struct SynthResponsesArgs {
    #[command(flatten)]
    pub matrix: MatrixInput,
    /// Number of respondents.
    #[arg(long, value_name = "N")]
    pub rows: u64,
    /// Random seed: the same seed gives the same result.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Standard deviation of the Gaussian noise added to the role's levels,
    /// in scale points.
    #[arg(long, value_name = "SD", default_value_t = 0.75, value_parser = parse_non_negative)]
    pub noise: f64,
    /// Make the noise of each role's capability inversely related to its
    /// importance: sd = noise * sqrt(mean importance / importance), so that
    /// importance is the noise precision (capabilities of importance 0 get
    /// the noise of the least important ones).
    #[arg(long)]
    pub noise_by_importance: bool,
    /// Fraction of answers left blank at random.
    #[arg(long, value_name = "FRACTION", default_value_t = 0.0, value_parser = parse_fraction)]
    pub missing: f64,
    /// Also write each respondent's generating role to FILE as `respondent,role`.
    #[arg(long, value_name = "FILE")]
    pub labels: Option<PathBuf>,
    #[command(flatten)]
    pub planted: Box<PlantedGroups>,
    #[command(flatten)]
    pub to: OutputFile,
    #[command(flatten)]
    pub cells: CellSafety,
    #[command(flatten)]
    pub quiet: Quiet,
}

/// The planted group difference of `synth responses`: `--groups`,
/// `--group-shares`, `--shift`, `--shift-group`.
#[derive(Debug, Args)]
pub struct PlantedGroups {
    /// Also write each respondent's group to FILE as `respondent,group` (a
    /// demographics file for `audit --groups`).
    #[arg(long, value_name = "FILE")]
    pub groups: Option<PathBuf>,
    /// The groups of --groups and the share of respondents drawn into each,
    /// as NAME=SHARE separated by commas (shares are normalised).
    #[arg(
        long,
        value_name = "NAME=SHARE,...",
        default_value = "A=0.5,B=0.5",
        requires = "groups"
    )]
    pub group_shares: String,
    /// Plant a group difference: the answers of --shift-group on CAPABILITY
    /// move by DELTA scale points before rounding; repeat for several.
    #[arg(long, value_name = "CAPABILITY=DELTA", requires = "groups")]
    pub shift: Vec<String>,
    /// The group whose answers --shift moves [default: the last of
    /// --group-shares].
    #[arg(long, value_name = "NAME", requires = "shift")]
    pub shift_group: Option<String>,
}

/// Runs `rolefit synth matrix`.
pub fn matrix(args: &SynthMatrixArgs, settings: &Settings) -> Result<()> {
    let (lo, hi) = half_points(args.matrix_scale)?;
    let roles = args.roles;
    let capabilities = args.capabilities;
    let mut out = Output::create(args.to.output.as_deref())?;
    let context = || "writing the synthetic role matrix";

    let mut name = String::new();
    let names = (1..=capabilities).map(|c| {
        numbered(&mut name, "Capability", c.into(), capabilities.into());
        name.clone()
    });
    let header = csv_line(
        std::iter::once("role".to_string()).chain(names),
        settings.sanitize,
    )?;
    out.write_all(&header).with_context(context)?;

    // Role names and levels never need quoting, so rows are written as
    // they are, through one reused buffer.
    let mut rng = ChaCha8Rng::seed_from_u64(args.seed);
    let mut row = Vec::new();
    for r in 1..=roles {
        numbered(&mut name, "Role", r.into(), roles.into());
        row.clear();
        row.extend_from_slice(name.as_bytes());
        for _ in 0..capabilities {
            row.push(b',');
            push_half_point(&mut row, rng.gen_range(lo..=hi));
        }
        row.push(b'\n');
        out.write_all(&row).with_context(context)?;
    }
    out.finish().with_context(context)
}

/// Refuses `--labels` on the same file (or standard output) as the
/// responses.
fn labels_output_check(args: &SynthResponsesArgs) -> Result<()> {
    if let Some(labels) = &args.labels {
        let stdout = Path::new("-");
        let output = args.to.output.as_deref().unwrap_or(stdout);
        if labels == output {
            return Err(bad_input(if output == stdout {
                "--labels - and the responses would both go to standard output; give one of them a file (-o or --labels)".to_string()
            } else {
                format!(
                    "--labels and --output both name {}; give the labels a file of their own",
                    labels.display()
                )
            }));
        }
    }
    Ok(())
}

/// Runs `rolefit synth responses`.
pub fn responses(args: &SynthResponsesArgs, settings: &Settings) -> Result<()> {
    labels_output_check(args)?;
    let loaded = load::matrix(&args.matrix.matrix, settings)?;
    loaded.print_notes(settings);
    let matrix = loaded.matrix;
    let planted = Planted::of(&args.planted, args, &matrix)?;
    let (lo, hi) = whole_points(matrix.scale())?;
    let capabilities = matrix.capabilities();
    let roles = matrix.roles();
    let width = capabilities.len();
    let levels: Vec<f64> = roles
        .iter()
        .flat_map(|r| r.requirements.iter().map(|q| q.level))
        .collect();
    let importances: Vec<f64> = roles
        .iter()
        .flat_map(|r| r.requirements.iter().map(|q| q.importance))
        .collect();
    let noise = noise_per_cell(
        args.noise,
        args.noise_by_importance.then_some(importances.as_slice()),
        levels.len(),
    );
    let role_fields = role_fields(roles, settings.sanitize)?;

    let context = || "writing the synthetic responses";
    let label_context = || "writing the synthetic labels";
    let mut out = Output::create(args.to.output.as_deref())?;
    let header = csv_line(
        std::iter::once("respondent").chain(capabilities.iter().map(|c| c.name.as_str())),
        settings.sanitize,
    )?;
    out.write_all(&header).with_context(context)?;
    let mut labels = match &args.labels {
        Some(path) => {
            let mut l = Output::create(Some(path))?;
            l.write_all(b"respondent,role\n").with_context(label_context)?;
            Some(l)
        }
        None => None,
    };
    let mut groups = GroupsFile::open(&args.planted, planted, args.seed)?;

    // Ids and whole numbers never need quoting, so rows are written as they
    // are, through reused buffers.
    let mut values = ChaCha8Rng::seed_from_u64(args.seed);
    let mut blanks = ChaCha8Rng::seed_from_u64(args.seed);
    blanks.set_stream(1);
    let id_width = digits(args.rows);
    let mut row = Vec::new();
    let mut label = Vec::new();
    let mut number = itoa::Buffer::new();
    for n in 1..=args.rows {
        row.clear();
        push_respondent_id(&mut row, n, id_width);
        let id_len = row.len();
        let role = values.gen_range(0..roles.len());
        let group = groups.as_mut().map(GroupsFile::draw);
        let cells = role * width..(role + 1) * width;
        for (c, (&level, &sd)) in levels[cells.clone()].iter().zip(&noise[cells]).enumerate() {
            let z: f64 = values.sample(StandardNormal);
            row.push(b',');
            if !(args.missing > 0.0 && blanks.gen::<f64>() < args.missing) {
                let shift = groups
                    .as_ref()
                    .zip(group)
                    .map_or(0.0, |(f, g)| f.planted.shift(g, c));
                let answer = answer(level + shift, sd, z, lo, hi);
                row.extend_from_slice(number.format(answer).as_bytes());
            }
        }
        row.push(b'\n');
        out.write_all(&row).with_context(context)?;
        if let Some(l) = labels.as_mut() {
            label.clear();
            label.extend_from_slice(&row[..id_len]);
            label.push(b',');
            label.extend_from_slice(&role_fields[role]);
            label.push(b'\n');
            l.write_all(&label).with_context(label_context)?;
        }
        if let (Some(file), Some(group)) = (groups.as_mut(), group) {
            file.write(&row[..id_len], group)?;
        }
    }
    out.finish().with_context(context)?;
    if let Some(l) = labels {
        l.finish().with_context(label_context)?;
    }
    if let Some(file) = groups {
        file.out.finish().context("writing the synthetic groups")?;
    }
    Ok(())
}

/// Each role's name as a CSV field (quoted if it must be), for the labels.
fn role_fields(roles: &[rolefit_model::Role], sanitize: bool) -> Result<Vec<Vec<u8>>> {
    roles
        .iter()
        .map(|r| {
            let mut field = csv_line([r.name.as_str()], sanitize)?;
            field.pop();
            Ok(field)
        })
        .collect()
}

/// The `--groups` file being written, with the groups' draws.
struct GroupsFile {
    out: Output,
    planted: Planted,
    /// The third random stream of the seed.
    draws: ChaCha8Rng,
}

impl GroupsFile {
    /// The file `--groups` names, its header written (`None` without it).
    fn open(args: &PlantedGroups, planted: Option<Planted>, seed: u64) -> Result<Option<Self>> {
        let (Some(path), Some(planted)) = (&args.groups, planted) else {
            return Ok(None);
        };
        let mut out = Output::create(Some(path))?;
        out.write_all(b"respondent,group\n")
            .context("writing the synthetic groups")?;
        let mut draws = ChaCha8Rng::seed_from_u64(seed);
        draws.set_stream(2);
        Ok(Some(GroupsFile { out, planted, draws }))
    }

    /// The next respondent's group.
    fn draw(&mut self) -> usize {
        self.planted.draw(self.draws.gen::<f64>())
    }

    /// Writes `id,group`.
    fn write(&mut self, id: &[u8], group: usize) -> Result<()> {
        let mut line = Vec::with_capacity(id.len() + 16);
        line.extend_from_slice(id);
        line.push(b',');
        line.extend_from_slice(&self.planted.fields[group]);
        line.push(b'\n');
        self.out.write_all(&line).context("writing the synthetic groups")
    }
}

/// The groups of `--groups` and the difference `--shift` plants.
struct Planted {
    /// Each group's name as a CSV field.
    fields: Vec<Vec<u8>>,
    /// The cumulative shares, the last 1.
    cumulative: Vec<f64>,
    /// The shifted group and, per capability, its shift.
    shifted: (usize, Vec<f64>),
}

impl Planted {
    /// The groups and shifts `args` ask for (`None` without `--groups`).
    ///
    /// # Errors
    /// Exit 2 for a malformed share or shift, an unknown capability or group.
    fn of(
        args: &PlantedGroups,
        all: &SynthResponsesArgs,
        matrix: &rolefit_model::RoleMatrix,
    ) -> Result<Option<Self>> {
        let Some(groups) = &args.groups else {
            return Ok(None);
        };
        let stdout = Path::new("-");
        let to_stdout =
            all.to.output.as_deref().is_none_or(|o| o == stdout) || all.labels.as_deref() == Some(stdout);
        if groups == stdout && to_stdout {
            return Err(bad_input(
                "--groups - and another output would both go to standard output; give the groups a file",
            ));
        }
        let mut names = Vec::new();
        let mut shares = Vec::new();
        for part in args.group_shares.split(',') {
            let parsed = part.rsplit_once('=').and_then(|(name, share)| {
                let share: f64 = share.trim().parse().ok()?;
                (!name.trim().is_empty() && share.is_finite() && share >= 0.0).then(|| (name.trim(), share))
            });
            let Some((name, share)) = parsed else {
                return Err(bad_input(format!(
                    "--group-shares: expected NAME=SHARE separated by commas (for example A=0.7,B=0.3), got {part:?}"
                )));
            };
            if names.contains(&name) {
                return Err(bad_input(format!(
                    "--group-shares names {name} twice; name each group once"
                )));
            }
            names.push(name);
            shares.push(share);
        }
        let total: f64 = shares.iter().sum();
        if total <= 0.0 {
            return Err(bad_input(
                "--group-shares: the shares add up to 0; give some group a share above 0",
            ));
        }
        let mut cumulative: Vec<f64> = shares
            .iter()
            .scan(0.0, |acc, s| {
                *acc += s / total;
                Some(*acc)
            })
            .collect();
        if let Some(last) = cumulative.last_mut() {
            *last = 1.0;
        }
        let group = match &args.shift_group {
            Some(g) => names.iter().position(|n| n == g).ok_or_else(|| {
                bad_input(format!(
                    "--shift-group {g}: no such group in --group-shares ({})",
                    names.join(", ")
                ))
            })?,
            None => names.len() - 1,
        };
        let mut shifts = vec![0.0; matrix.capabilities().len()];
        for s in &args.shift {
            let (cap, delta) = s
                .rsplit_once('=')
                .and_then(|(c, d)| Some((c.trim(), d.trim().parse::<f64>().ok().filter(|d| d.is_finite())?)))
                .ok_or_else(|| {
                    bad_input(format!(
                        "--shift: expected CAPABILITY=DELTA (for example \"Planning=-0.5\"), got {s:?}"
                    ))
                })?;
            let key = rolefit_model::match_key(cap);
            let c = matrix
                .capabilities()
                .iter()
                .position(|x| {
                    rolefit_model::match_key(&x.name) == key || rolefit_model::match_key(&x.id) == key
                })
                .ok_or_else(|| bad_input(format!("--shift {s}: the matrix has no capability {cap:?}")))?;
            shifts[c] += delta;
        }
        let fields = names
            .iter()
            .map(|n| {
                let mut field = csv_line([*n], true)?;
                field.pop();
                Ok(field)
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Some(Planted {
            fields,
            cumulative,
            shifted: (group, shifts),
        }))
    }

    /// The group a uniform draw `u` in `[0, 1)` falls in.
    fn draw(&self, u: f64) -> usize {
        self.cumulative
            .iter()
            .position(|&c| u < c)
            .unwrap_or(self.cumulative.len() - 1)
    }

    /// The shift of group `g`'s answers on capability `c`.
    fn shift(&self, g: usize, c: usize) -> f64 {
        if g == self.shifted.0 {
            self.shifted.1[c]
        } else {
            0.0
        }
    }
}

/// One CSV record, quoted where needed and made safe for spreadsheets
/// (names come from the user's matrix), with its line end.
fn csv_line<I, T>(fields: I, sanitize: bool) -> Result<Vec<u8>>
where
    I: IntoIterator<Item = T>,
    T: AsRef<[u8]>,
{
    let mut w = csv::Writer::from_writer(Vec::new());
    crate::render::write_safe(&mut w, fields, sanitize)?;
    Ok(w.into_inner().map_err(|e| e.into_error())?)
}

/// The multiples of 0.5 on `scale`, as the range of whole numbers `k` with
/// `k / 2` on it. Levels of a role matrix cannot be negative.
fn half_points(scale: Scale) -> Result<(i64, i64)> {
    if scale.min() < 0.0 {
        return Err(bad_input(format!(
            "--scale {scale}: a role matrix's levels cannot be negative; give a scale that starts at 0 or above"
        )));
    }
    // `as` saturates, and a saturated bound still lies inside the scale.
    let lo = (scale.min() * 2.0).ceil() as i64;
    let hi = (scale.max() * 2.0).floor() as i64;
    if lo > hi {
        return Err(bad_input(format!(
            "--scale {scale} holds no multiple of 0.5 to use as a level"
        )));
    }
    Ok((lo, hi))
}

/// Appends the text of the level `k / 2` (`k >= 0`): `3` or `3.5`.
fn push_half_point(out: &mut Vec<u8>, k: i64) {
    out.extend_from_slice(itoa::Buffer::new().format(k / 2).as_bytes());
    if k % 2 != 0 {
        out.extend_from_slice(b".5");
    }
}

/// The whole numbers on `scale`, `ceil(min) ..= floor(max)`, as floats.
fn whole_points(scale: Scale) -> Result<(f64, f64)> {
    let (lo, hi) = (scale.min().ceil(), scale.max().floor());
    if lo > hi {
        return Err(bad_input(format!(
            "the matrix scale {scale} holds no whole number, and synthetic answers are whole numbers"
        )));
    }
    Ok((lo, hi))
}

/// The noise sd of every (role, capability) cell, in row-major order:
/// `noise` everywhere, or with `importances`, `noise * sqrt(mean / w)` for
/// the mean `mean` of the positive importances (a cell of importance 0
/// taking the smallest positive one's).
fn noise_per_cell(noise: f64, importances: Option<&[f64]>, cells: usize) -> Vec<f64> {
    let Some(w) = importances else {
        return vec![noise; cells];
    };
    let positive: Vec<f64> = w.iter().copied().filter(|&w| w > 0.0).collect();
    if positive.is_empty() {
        return vec![noise; cells];
    }
    let mean = positive.iter().sum::<f64>() / positive.len() as f64;
    let least = positive.iter().copied().fold(f64::INFINITY, f64::min);
    w.iter()
        .map(|&w| noise * (mean / if w > 0.0 { w } else { least }).sqrt())
        .collect()
}

/// One synthetic answer: `level + noise * z`, rounded (halves away from
/// zero) and clipped to the whole numbers `lo..=hi`.
fn answer(level: f64, noise: f64, z: f64, lo: f64, hi: f64) -> i64 {
    // `as` saturates, so a clipped value beyond the i64 range stays inside the scale.
    (level + noise * z).round().clamp(lo, hi) as i64
}

/// The number of decimal digits of `n` (1 for 0).
fn digits(n: u64) -> usize {
    n.checked_ilog10().map_or(1, |d| d as usize + 1)
}

/// `"{prefix} {i}"` with `i` zero-padded to the width of `count`.
fn numbered(out: &mut String, prefix: &str, i: u64, count: u64) {
    out.clear();
    let width = digits(count);
    // Writing to a String cannot fail.
    let _ = write!(out, "{prefix} {i:0width$}");
}

/// Appends `s` and `n` zero-padded to `width` digits.
fn push_respondent_id(out: &mut Vec<u8>, n: u64, width: usize) {
    let mut buf = itoa::Buffer::new();
    let text = buf.format(n);
    out.push(b's');
    out.resize(out.len() + width.saturating_sub(text.len()), b'0');
    out.extend_from_slice(text.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scale(min: f64, max: f64) -> Scale {
        Scale::new(min, max).unwrap()
    }

    #[test]
    fn answers_round_and_clip_to_the_whole_points() {
        assert_eq!(answer(3.0, 0.0, 5.0, 1.0, 5.0), 3);
        assert_eq!(answer(3.5, 0.0, 0.0, 1.0, 5.0), 4, "halves round away from zero");
        assert_eq!(answer(3.0, 1.0, 0.49, 1.0, 5.0), 3);
        assert_eq!(answer(3.0, 1.0, -0.51, 1.0, 5.0), 2);
        assert_eq!(answer(4.5, 2.0, 3.0, 1.0, 5.0), 5, "clipped at the top");
        assert_eq!(answer(1.0, 2.0, -3.0, 1.0, 5.0), 1, "clipped at the bottom");
        let (lo, hi) = whole_points(scale(0.5, 4.5)).unwrap();
        assert_eq!((lo, hi), (1.0, 4.0));
        assert_eq!(answer(0.5, 0.0, 0.0, lo, hi), 1);
        assert_eq!(answer(4.5, 0.0, 0.0, lo, hi), 4);
        assert_eq!(answer(1e300, 0.0, 0.0, 0.0, 1e300), i64::MAX, "saturates");
    }

    #[test]
    fn scales_without_usable_points_are_refused() {
        assert!(whole_points(scale(1.2, 1.8)).is_err());
        assert_eq!(whole_points(scale(2.0, 2.5)).unwrap(), (2.0, 2.0));
        assert!(half_points(scale(1.1, 1.4)).is_err());
        assert!(half_points(scale(-1.0, 5.0)).is_err());
        assert_eq!(half_points(scale(1.0, 5.0)).unwrap(), (2, 10));
        assert_eq!(half_points(scale(0.2, 7.9)).unwrap(), (1, 15));
    }

    #[test]
    fn half_points_are_written_as_short_numbers() {
        for (k, text) in [(0, "0"), (1, "0.5"), (2, "1"), (7, "3.5"), (10, "5"), (15, "7.5")] {
            let mut out = Vec::new();
            push_half_point(&mut out, k);
            assert_eq!(out, text.as_bytes());
        }
    }

    #[test]
    fn names_and_ids_are_zero_padded_to_the_count() {
        let mut s = String::new();
        numbered(&mut s, "Role", 7, 120);
        assert_eq!(s, "Role 007");
        numbered(&mut s, "Capability", 10, 10);
        assert_eq!(s, "Capability 10");
        numbered(&mut s, "Role", 1, 1);
        assert_eq!(s, "Role 1");
        let mut id = b"x,".to_vec();
        push_respondent_id(&mut id, 42, digits(1_000_000));
        assert_eq!(id, b"x,s0000042");
        let mut id = Vec::new();
        push_respondent_id(&mut id, 1_000_000, digits(1_000_000));
        assert_eq!(id, b"s1000000");
        assert_eq!(
            (digits(0), digits(9), digits(10), digits(u64::MAX)),
            (1, 1, 2, 20)
        );
    }

    /// Pins the random streams: a change here changes every seed's output,
    /// which breaks the promise that a seed gives the same bytes across
    /// versions of rolefit. Change it only on purpose, and say so.
    #[test]
    fn the_random_streams_are_pinned() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let levels: Vec<i64> = (0..8).map(|_| rng.gen_range(2..=10)).collect();
        let z: f64 = rng.sample(StandardNormal);
        let mut blanks = ChaCha8Rng::seed_from_u64(1);
        blanks.set_stream(1);
        let u: f64 = blanks.gen();
        let pinned = format!("{levels:?} {z:.6} {u:.6}");
        assert_eq!(pinned, PINNED, "{pinned}");
    }

    const PINNED: &str = "[7, 4, 8, 6, 3, 8, 6, 7] -1.884116 0.851912";

    #[test]
    fn noise_follows_importance_as_a_precision() {
        assert_eq!(super::noise_per_cell(0.8, None, 3), vec![0.8; 3]);
        // Mean positive importance 2: sd = 0.8 * sqrt(2 / w); 0 takes w = 1.
        let sd = super::noise_per_cell(0.8, Some(&[1.0, 2.0, 3.0, 0.0]), 4);
        let expected = [
            0.8 * 2f64.sqrt(),
            0.8,
            0.8 * (2.0f64 / 3.0).sqrt(),
            0.8 * 2f64.sqrt(),
        ];
        for (a, b) in sd.iter().zip(expected) {
            assert!((a - b).abs() < 1e-15, "{sd:?}");
        }
    }
}
