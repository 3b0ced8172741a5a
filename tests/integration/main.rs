//! End-to-end tests of the real `rolefit` binary: one test binary with a
//! module per area (ripgrep's layout).

mod batch;
mod contract;
mod errors;
mod formats;
mod reference;
mod synth;
mod util;
