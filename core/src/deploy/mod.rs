//! Deploying: a provider-agnostic engine that plans a stack against recorded state and applies
//! the difference through a [`Provider`], crash-safely and in parallel.
//!
//! - [`provider`]: the trait a cloud implements (`stratus-aws` for AWS).
//! - [`state`], [`LocalBackend`], [`MemoryBackend`]: recorded state, journal and lock.
//! - [`plan()`]: per-property diff (create, update, replace and why, delete, no-op).
//! - [`Deployer`]: reconcile, plan, apply, destroy.

mod engine;
mod journal;
mod limiter;
mod local;
mod memory;
mod plan;
pub mod provider;
mod render;
mod resolve;
pub mod state;

pub use engine::{ApplyOptions, Calls, Cancel, Deployer, EngineError, Event, Observer, Report};
pub use local::LocalBackend;
pub use memory::{MemoryBackend, MemoryStore};
pub use plan::{Action, Change, Plan, PropertyChange, Summary, plan};
pub use provider::{
    Attributes, CreateRequest, Created, ErrorKind, Inputs, Json, Provider, ProviderError,
};
pub use resolve::{UNKNOWN, is_unknown};
pub use state::{
    JournalEntry, LockHolder, Operation, State, StateBackend, StateError, parse_s3_location,
};
