//! The resource model Stratus's crates share: [`value::Value`] (what a property holds),
//! [`handle::Ref`] and [`handle::Attr`] (typed references that become graph edges),
//! [`val::Val`] (a typed property that takes a literal or a reference), and the
//! [`resource::Resource`] trait every L1 type implements.
//!
//! Users reach all of it through `stratus`; this crate exists so the generated CloudFormation
//! types (`stratus-cfn`) and the core can share it without depending on each other.

pub mod handle;
pub mod resource;
pub mod schema;
pub mod val;
pub mod value;

pub use handle::{Attr, Ref, ResourceId, StackId};
pub use resource::{Resource, TagStyle};
pub use val::{Json, StringEnum, Val};
pub use value::{Properties, ToValue, Value};
