//! A scalar, obviously-correct reference for the built-in strategies:
//! straight from the formulas, one profile and one role at a time, explicit
//! loops over the answered capabilities, no shortcuts. The vectorised
//! strategies are tested against it.

/// One role: levels `r` and importances `w`.
pub(crate) struct RefRole {
    pub r: Vec<f64>,
    pub w: Vec<f64>,
}

/// The score of `strategy` for profile `x` (None = unanswered) against
/// `role`, on the scale `lo..hi`.
pub(crate) fn score(strategy: &str, role: &RefRole, x: &[Option<f64>], lo: f64, hi: f64) -> f64 {
    // Collect the answered triples (x, r, w); every sum runs over these.
    let mut t: Vec<(f64, f64, f64)> = Vec::new();
    for (i, xi) in x.iter().enumerate() {
        if let Some(xi) = *xi {
            t.push((xi, role.r[i], role.w[i]));
        }
    }
    let mut sw = 0.0;
    for &(_, _, w) in &t {
        sw += w;
    }
    if sw == 0.0 {
        return 0.0;
    }
    match strategy {
        "cosine" => {
            let (mut sxr, mut sxx, mut srr) = (0.0, 0.0, 0.0);
            for &(x, r, w) in &t {
                sxr += w * x * r;
                sxx += w * x * x;
                srr += w * r * r;
            }
            if sxx == 0.0 || srr == 0.0 {
                return 0.0;
            }
            (sxr / (sxx.sqrt() * srr.sqrt())).clamp(-1.0, 1.0)
        }
        "pearson" => {
            let (mut sx, mut sr) = (0.0, 0.0);
            for &(x, r, w) in &t {
                sx += w * x;
                sr += w * r;
            }
            let (mx, mr) = (sx / sw, sr / sw);
            let (mut cov, mut vx, mut vr) = (0.0, 0.0, 0.0);
            for &(x, r, w) in &t {
                cov += w * (x - mx) * (r - mr);
                vx += w * (x - mx) * (x - mx);
                vr += w * (r - mr) * (r - mr);
            }
            let (cov, vx, vr) = (cov / sw, vx / sw, vr / sw);
            let zero = 1e-12 * (hi - lo) * (hi - lo);
            if vx <= zero || vr <= zero {
                return 0.0;
            }
            (cov / (vx * vr).sqrt()).clamp(-1.0, 1.0)
        }
        "euclidean" => {
            let mut d = 0.0;
            for &(x, r, w) in &t {
                d += w * (x - r) * (x - r);
            }
            1.0 - (d / sw).sqrt() / (hi - lo)
        }
        "manhattan" => {
            let mut d = 0.0;
            for &(x, r, w) in &t {
                d += w * (x - r).abs();
            }
            1.0 - (d / sw) / (hi - lo)
        }
        "coverage" => {
            let (mut met, mut asked) = (0.0, 0.0);
            for &(x, r, w) in &t {
                met += w * x.min(r);
                asked += w * r;
            }
            if asked == 0.0 {
                return 0.0;
            }
            met / asked
        }
        other => panic!("no reference for {other}"),
    }
}
