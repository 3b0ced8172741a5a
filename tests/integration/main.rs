//! End-to-end tests of the real `rolefit` binary: one test binary with a
//! module per area (ripgrep's layout).

mod accounting;
mod assess;
mod audit;
mod bad_inputs;
mod batch;
mod calibrate;
mod cohort;
mod contract;
mod errors;
mod evaluate;
mod exports;
mod files;
mod formats;
mod limits;
mod newcomer;
mod options;
mod pages;
mod parquet;
mod plugins;
mod real_exports;
mod reference;
mod reliability;
mod safety;
mod synth;
mod util;
#[path = "../support/workbook.rs"]
mod workbook_fixtures;
mod workbooks;
