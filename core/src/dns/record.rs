//! Alias records to a CloudFront distribution or a load balancer.

use crate::cdn::Distribution;
use crate::elb::ApplicationLoadBalancer;
use crate::error::ValidationError;
use crate::handle::Ref;
use crate::stack::Stack;
use stratus_cfn::route53::CfnRecordSet;
use stratus_cfn::route53::record_set::AliasTarget as CfnAliasTarget;

use super::hosted_zone::HostedZone;
use super::within;

/// CloudFront's fixed hosted zone id for alias records.
const CLOUDFRONT_ZONE_ID: &str = "Z2FDTNDATAQYW2";

/// What an alias record points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AliasTarget {
    /// A CloudFront distribution.
    Distribution(Distribution),
    /// An application load balancer.
    LoadBalancer(ApplicationLoadBalancer),
}

impl AliasTarget {
    fn to_cfn(self) -> CfnAliasTarget {
        match self {
            Self::Distribution(d) => CfnAliasTarget {
                evaluate_target_health: Some(false.into()),
                ..CfnAliasTarget::new(d.domain_name(), CLOUDFRONT_ZONE_ID)
            },
            Self::LoadBalancer(lb) => CfnAliasTarget {
                evaluate_target_health: Some(true.into()),
                ..CfnAliasTarget::new(lb.dns_name(), lb.canonical_hosted_zone_id())
            },
        }
    }
}

/// An `A` alias record.
pub struct AliasRecord;

impl AliasRecord {
    /// Adds `name` (inside `zone`) as an `A` alias of `target`.
    ///
    /// ```
    /// use stratus_core::prelude::*;
    /// use stratus_core::dns::{AliasRecord, AliasTarget, HostedZone};
    /// use stratus_core::elb::ApplicationLoadBalancer;
    /// let mut stack = Stack::new("prod", Environment::region("us-east-1"));
    /// let vpc = Vpc::builder("vpc").build(&mut stack);
    /// let alb = ApplicationLoadBalancer::internet_facing("alb", &vpc, vpc.public_subnets()).build(&mut stack);
    /// let zone = HostedZone::public("zone", "example.com", &mut stack);
    /// AliasRecord::a("www", &zone, "www.example.com", AliasTarget::LoadBalancer(alb), &mut stack);
    /// stack.validate().unwrap();
    /// ```
    pub fn a(
        id: &str,
        zone: &HostedZone,
        name: &str,
        target: AliasTarget,
        stack: &mut Stack,
    ) -> Ref<CfnRecordSet> {
        let path = stack.claim(&stack.path().clone(), id);
        if !within(name, zone.domain()) {
            stack.report(ValidationError::InvalidValue {
                path: path.clone(),
                problem: format!("record {name} is not inside zone {}", zone.domain()),
                fix: format!("name a record ending in .{}", zone.domain()),
            });
        }
        stack.add_at(
            path,
            CfnRecordSet {
                hosted_zone_id: Some(zone.zone_id()),
                alias_target: Some(target.to_cfn().into()),
                ..CfnRecordSet::new(name, "A")
            },
        )
    }
}
