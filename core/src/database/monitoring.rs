//! Enhanced monitoring: the intervals RDS takes and the role it publishes metrics with.

use crate::error::ValidationError;
use crate::iam::{Role, ServicePrincipal};
use crate::path::ConstructPath;
use crate::stack::Stack;

/// The intervals RDS accepts, in seconds (0 turns enhanced monitoring off).
const INTERVALS: [u8; 7] = [0, 1, 5, 10, 15, 30, 60];

/// The role RDS publishes OS metrics with, for the instance at `path`; reports an interval
/// RDS does not take. `None` when monitoring is off.
pub(super) fn monitoring_role(
    stack: &mut Stack,
    path: &ConstructPath,
    seconds: u8,
) -> Option<Role> {
    if !INTERVALS.contains(&seconds) {
        stack.report(ValidationError::InvalidValue {
            path: path.clone(),
            problem: format!("enhanced monitoring every {seconds} seconds"),
            fix: "use 1, 5, 10, 15, 30 or 60 seconds (0 turns it off)".into(),
        });
        return None;
    }
    (seconds > 0).then(|| {
        Role::builder(
            &format!("{}-monitoring-role", path.id()),
            ServicePrincipal::new("monitoring.rds.amazonaws.com"),
        )
        .description(format!("{path}: enhanced monitoring"))
        .managed_policy("arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole")
        .build(stack)
    })
}
