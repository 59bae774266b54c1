//! Route 53 resources.

use crate::handle::Ref;
use crate::{Resource, ToValue, Value};

/// `AWS::Route53::HostedZone`.
#[derive(Resource, Clone, Debug)]
#[resource(
    type = "AWS::Route53::HostedZone",
    tags_property = "HostedZoneTags",
    crate = "crate"
)]
pub struct CfnHostedZone {
    /// The domain.
    #[resource(replace)]
    pub name: String,
}

/// The target of an alias record.
#[derive(ToValue, Clone, Debug)]
#[resource(crate = "crate")]
pub struct CfnAliasTarget {
    /// The target's DNS name.
    #[resource(rename = "DNSName")]
    pub dns_name: Value,
    /// The target's hosted zone id.
    pub hosted_zone_id: Value,
    /// Whether the target's health counts.
    pub evaluate_target_health: bool,
}

/// `AWS::Route53::RecordSet`.
#[derive(Resource, Clone, Debug)]
#[resource(type = "AWS::Route53::RecordSet", tags = "none", crate = "crate")]
pub struct CfnRecordSet {
    /// The zone.
    #[resource(replace)]
    pub hosted_zone_id: Ref<CfnHostedZone>,
    /// The record name.
    #[resource(replace)]
    pub name: String,
    /// `A`, `AAAA`, `CNAME`, …
    #[resource(replace)]
    pub r#type: String,
    /// For an alias record.
    pub alias_target: Option<CfnAliasTarget>,
}
