//! RDS databases: typed engines, subnet groups, primaries with a managed master password, and
//! read replicas of the same engine.

mod deprecated;
mod engine;
mod instance;
mod monitoring;
mod replica;
mod subnet_group;

pub(crate) use deprecated::is_deprecated;
pub use engine::{Engine, MariaDb, MySql, Postgres};
pub use instance::{Database, DatabaseBuilder};
pub use replica::{ReadReplica, ReplicaBuilder};
pub use subnet_group::{DbSubnetGroup, DbSubnetGroupBuilder};

use crate::error::ValidationError;
use crate::path::ConstructPath;

/// Checks an RDS identifier: 1–63 letters, digits and hyphens, starting with a letter, no two
/// hyphens in a row, not ending with a hyphen.
pub(crate) fn check_identifier(path: &ConstructPath, identifier: &str) -> Option<ValidationError> {
    let problem = if identifier.is_empty() || identifier.len() > 63 {
        Some(format!(
            "is {} characters; RDS allows 1 to 63",
            identifier.len()
        ))
    } else if !identifier.starts_with(|c: char| c.is_ascii_alphabetic()) {
        Some("must start with a letter".to_owned())
    } else if !identifier
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        Some("may hold only letters, digits and hyphens".to_owned())
    } else if identifier.contains("--") || identifier.ends_with('-') {
        Some("may not hold two hyphens in a row or end with one".to_owned())
    } else {
        None
    };
    problem.map(|problem| ValidationError::InvalidValue {
        path: path.clone(),
        problem: format!("rds identifier {identifier:?} {problem}"),
        fix: "choose an identifier like \"project-x-db\"".into(),
    })
}
