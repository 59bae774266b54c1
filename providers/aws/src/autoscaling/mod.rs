//! Auto Scaling: groups and target-tracking policies.

mod group;
mod policy;

use aws_sdk_autoscaling::Client;
use aws_sdk_autoscaling::types::AutoScalingGroup;
use stratus_core::deploy::ProviderError;

use crate::error::classify;
use crate::handler::Handler;
use crate::ownership::Tags;

/// The Auto Scaling handlers.
pub(crate) const HANDLERS: &[&dyn Handler] = &[&group::Group, &policy::Policy];

/// A group by name, if it exists.
pub(super) async fn describe(
    client: &Client,
    name: &str,
) -> Result<Option<AutoScalingGroup>, ProviderError> {
    let out = client
        .describe_auto_scaling_groups()
        .auto_scaling_group_names(name)
        .send()
        .await
        .map_err(classify)?;
    Ok(out.auto_scaling_groups().first().cloned())
}

/// A group's tags by key.
pub(super) fn tags_of(group: &AutoScalingGroup) -> Tags {
    group
        .tags()
        .iter()
        .filter_map(|t| {
            Some((
                t.key()?.to_owned(),
                t.value().unwrap_or_default().to_owned(),
            ))
        })
        .collect()
}
