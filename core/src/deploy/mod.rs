//! Deploying: a provider-agnostic engine that plans a stack against recorded state and applies
//! the difference through a [`Provider`], crash-safely and in parallel.
//!
//! - [`provider`]: the trait a cloud implements (`stratus-aws` for AWS) and its contract;
//!   [`TypeContract`] per type: properties, in-place updates, comparison, identity.
//! - [`state`], [`LocalBackend`], [`MemoryBackend`]: recorded state, journal and lock.
//! - [`plan()`]: per-property diff (create, update, replace and why, delete, no-op).
//! - [`Deployer`]: reconcile, plan, apply, destroy.

mod absent;
mod compare;
mod contract;
mod engine;
mod journal;
mod limiter;
mod liveness;
mod local;
mod memory;
mod plan;
pub mod provider;
mod refresh;
mod render;
mod resolve;
mod saved;
pub mod state;

pub use compare::{Compare, matches, refreshed};
pub use contract::{
    Absent, Gathered, Identity, PropertySpec, TypeContract, Update, Validate, declared_name,
};
pub use engine::{
    ApplyOptions, Calls, Cancel, Deployer, EngineError, Event, Imported, Kept, Observer, Report,
};
pub use liveness::Liveness;
pub use local::LocalBackend;
pub use memory::{MemoryBackend, MemoryStore};
pub use plan::{Action, Change, DataLoss, Plan, PropertyChange, Summary, plan, plan_with};
pub use provider::{
    Attributes, CreateRequest, Created, DeleteRequest, ErrorKind, FindRequest, Inputs, Json, Live,
    Provider, ProviderError, UpdateRequest,
};
#[cfg(feature = "conformance")]
pub(crate) use refresh::differences_in_stack;
pub use refresh::{Drift, DriftStatus, PropertyDrift, ResourceDrift, differences};
pub use resolve::{UNKNOWN, is_unknown};
pub use saved::{SAVED_PLAN_FORMAT, SavedPlan};
pub use state::{
    JournalEntry, LockHolder, Operation, State, StateBackend, StateError, parse_s3_location,
};
