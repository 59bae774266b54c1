//! [`HostedZone`]: a public Route 53 zone, declared here or looked up by its domain.

use crate::Val;
use crate::error::ValidationError;
use crate::handle::Ref;
use crate::lookup::HostedZoneLookup;
use crate::stack::Stack;
use stratus_cfn::route53::CfnHostedZone;

use super::check_domain;

/// A handle to a public hosted zone and its domain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostedZone {
    source: Source,
    domain: String,
}

/// Where the zone comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Source {
    Declared(Ref<CfnHostedZone>),
    Lookup(Ref<HostedZoneLookup>),
}

impl HostedZone {
    /// Adds a public hosted zone for `domain`.
    ///
    /// ```
    /// use stratus_core::prelude::*;
    /// use stratus_core::dns::HostedZone;
    /// let mut stack = Stack::new("prod", Environment::region("us-east-1"));
    /// let zone = HostedZone::public("zone", "example.com", &mut stack);
    /// assert_eq!(zone.domain(), "example.com");
    /// ```
    pub fn public(id: &str, domain: impl Into<String>, stack: &mut Stack) -> HostedZone {
        let domain = domain.into();
        let path = stack.claim(&stack.path().clone(), id);
        check(stack, &path, &domain);
        let id = stack.add_at(
            path,
            CfnHostedZone {
                name: Some(domain.clone().into()),
                ..CfnHostedZone::default()
            },
        );
        HostedZone {
            source: Source::Declared(id),
            domain,
        }
    }

    /// The public zone that already serves `domain` in the account, found at deploy (and
    /// recorded in state): a certificate validated in it really validates, since the domain is
    /// delegated to it. A deploy fails, naming the domain, when the account has no such zone.
    /// In a CloudFormation template it is a parameter of type `AWS::Route53::HostedZone::Id`.
    ///
    /// ```
    /// use stratus_core::prelude::*;
    /// use stratus_core::dns::HostedZone;
    /// let mut stack = Stack::new("prod", Environment::region("us-east-1"));
    /// let zone = HostedZone::lookup("zone", "example.com", &mut stack);
    /// assert_eq!(zone.domain(), "example.com");
    /// assert!(zone.declared().is_none());
    /// let template = stratus_core::synth::template(&stack);
    /// assert_eq!(template["Parameters"]["Zone"]["Type"], "AWS::Route53::HostedZone::Id");
    /// ```
    pub fn lookup(id: &str, domain: impl Into<String>, stack: &mut Stack) -> HostedZone {
        let domain = domain.into();
        let path = stack.claim(&stack.path().clone(), id);
        check(stack, &path, &domain);
        let id = stack.add_at(path, HostedZoneLookup::new(domain.clone()));
        HostedZone {
            source: Source::Lookup(id),
            domain,
        }
    }

    /// The zone's id, as records and certificates take it.
    pub fn zone_id(&self) -> Val<String> {
        match self.source {
            Source::Declared(zone) => zone.into(),
            Source::Lookup(zone) => zone.into(),
        }
    }

    /// The L1 zone, when this stack declares it (not for a lookup).
    pub fn declared(&self) -> Option<Ref<CfnHostedZone>> {
        match self.source {
            Source::Declared(zone) => Some(zone),
            Source::Lookup(_) => None,
        }
    }

    /// The zone's domain.
    pub fn domain(&self) -> &str {
        &self.domain
    }
}

fn check(stack: &mut Stack, path: &crate::path::ConstructPath, domain: &str) {
    if let Some(problem) = check_domain(domain) {
        stack.report(ValidationError::InvalidValue {
            path: path.clone(),
            problem: format!("domain {problem}"),
            fix: "give a domain like example.com".into(),
        });
    }
}
