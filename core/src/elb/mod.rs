//! Application load balancing: load balancers, listeners, target groups.

mod listener;
mod load_balancer;
mod target_group;

pub use listener::{ListenerBuilder, ListenerProtocol, TLS_POLICY};
pub use load_balancer::{ApplicationLoadBalancer, LoadBalancerBuilder, Scheme};
pub use target_group::{TargetGroup, TargetGroupBuilder};

/// Checks an ELB name (load balancer or target group): at most 32 characters, letters, digits
/// and hyphens, not starting or ending with a hyphen. Returns what is wrong.
pub(crate) fn check_elb_name(name: &str) -> Option<String> {
    if name.len() > 32 {
        Some(format!(
            "{name:?} is {} characters; AWS allows at most 32",
            name.len()
        ))
    } else if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        Some(format!(
            "{name:?} may hold only letters, digits and hyphens"
        ))
    } else if name.starts_with('-') || name.ends_with('-') {
        Some(format!("{name:?} starts or ends with a hyphen"))
    } else if name.starts_with("internal-") {
        Some(format!(
            "{name:?} starts with \"internal-\", which AWS reserves"
        ))
    } else {
        None
    }
}
