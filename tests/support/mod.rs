//! Test support shared by the engine tests and the `schedule` bench.

#![allow(dead_code, unreachable_pub)] // each test file uses a different part; `pub` is for them

pub mod cfn_lint;
pub mod checkov;
pub mod fake_cloud;
pub mod graphs;
