//! IAM: roles trusted by a service, least-privilege policy statements, instance profiles.

mod policy;
mod role;

pub use policy::{Effect, PolicyStatement, ServicePrincipal};
pub use role::{InstanceProfile, InstanceProfileBuilder, Role, RoleBuilder};
