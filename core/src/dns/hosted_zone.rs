//! [`HostedZone`]: a public Route 53 zone.

use crate::error::ValidationError;
use crate::handle::Ref;
use crate::stack::Stack;
use stratus_cfn::route53::CfnHostedZone;

use super::check_domain;

/// A handle to a public hosted zone and its domain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostedZone {
    id: Ref<CfnHostedZone>,
    domain: String,
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
        if let Some(problem) = check_domain(&domain) {
            stack.report(ValidationError::InvalidValue {
                path: path.clone(),
                problem: format!("domain {problem}"),
                fix: "give a domain like example.com".into(),
            });
        }
        let id = stack.add_at(
            path,
            CfnHostedZone {
                name: Some(domain.clone().into()),
                ..CfnHostedZone::default()
            },
        );
        HostedZone { id, domain }
    }

    /// The L1 zone.
    pub fn id(&self) -> Ref<CfnHostedZone> {
        self.id
    }

    /// The zone's domain.
    pub fn domain(&self) -> &str {
        &self.domain
    }
}
