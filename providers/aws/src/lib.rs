//! The AWS provider for Stratus.
//!
//! This crate will implement the engine's provider trait with the aws-sdk-* crates, each AWS
//! service behind its own feature. It is kept as a separate crate so that `stratus-core`, and
//! every topology test, compiles without the AWS SDK. Until the deploy engine and the provider
//! land, it only re-exports the core it builds on.

pub use stratus_core as core;
