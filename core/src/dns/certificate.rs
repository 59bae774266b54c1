//! [`Certificate`]: an ACM certificate validated through DNS records in a hosted zone.

use crate::error::ValidationError;
use crate::handle::Ref;
use crate::stack::Stack;
use stratus_cfn::certificatemanager::CfnCertificate;
use stratus_cfn::certificatemanager::certificate::DomainValidationOption;

use super::hosted_zone::HostedZone;
use super::{check_domain, covers, within};

/// A handle to a certificate, with the region it lives in and the names it covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Certificate {
    id: Ref<CfnCertificate>,
    region: Option<String>,
    names: Vec<String>,
}

impl Certificate {
    /// Starts a certificate for `domain`, validated by DNS in `zone`.
    ///
    /// ```
    /// use stratus_core::prelude::*;
    /// use stratus_core::dns::{Certificate, HostedZone};
    /// let mut stack = Stack::new("prod", Environment::region("us-east-1"));
    /// let zone = HostedZone::public("zone", "example.com", &mut stack);
    /// let cert = Certificate::builder("cert", "app.example.com", &zone).build(&mut stack);
    /// assert!(cert.covers("app.example.com"));
    /// ```
    pub fn builder(id: &str, domain: impl Into<String>, zone: &HostedZone) -> CertificateBuilder {
        CertificateBuilder {
            id: id.to_owned(),
            domain: domain.into(),
            zone: zone.clone(),
            alternative_names: Vec::new(),
        }
    }

    /// The L1 certificate (its `Ref` is the ARN).
    pub fn id(&self) -> Ref<CfnCertificate> {
        self.id
    }

    /// The region of the stack it was created in.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// Whether it covers a host name.
    pub fn covers(&self, name: &str) -> bool {
        self.names.iter().any(|n| covers(n, name))
    }
}

/// Builds a [`Certificate`].
#[must_use = "call .build(&mut stack) to add the certificate"]
#[derive(Clone, Debug)]
pub struct CertificateBuilder {
    id: String,
    domain: String,
    zone: HostedZone,
    alternative_names: Vec<String>,
}

impl CertificateBuilder {
    /// Other names the certificate covers (validated in the same zone).
    pub fn alternative_names<S: Into<String>>(
        mut self,
        names: impl IntoIterator<Item = S>,
    ) -> Self {
        self.alternative_names
            .extend(names.into_iter().map(Into::into));
        self
    }

    /// Adds the certificate.
    pub fn build(self, stack: &mut Stack) -> Certificate {
        let path = stack.claim(&stack.path().clone(), &self.id);
        let mut names = vec![self.domain.clone()];
        names.extend(self.alternative_names.iter().cloned());
        for name in &names {
            if let Some(problem) = check_domain(name) {
                stack.report(ValidationError::InvalidValue {
                    path: path.clone(),
                    problem: format!("domain {problem}"),
                    fix: "give a host name like app.example.com".into(),
                });
            } else if !within(name.trim_start_matches("*."), self.zone.domain()) {
                stack.report(ValidationError::InvalidValue {
                    path: path.clone(),
                    problem: format!("{name} cannot be validated in zone {}", self.zone.domain()),
                    fix: format!(
                        "use names inside {}, or validate in their own zone",
                        self.zone.domain()
                    ),
                });
            }
        }
        let id = stack.add_at(
            path,
            CfnCertificate {
                subject_alternative_names: (!self.alternative_names.is_empty())
                    .then(|| self.alternative_names.clone().into()),
                validation_method: Some("DNS".into()),
                domain_validation_options: Some(
                    names
                        .iter()
                        .map(|n| DomainValidationOption {
                            hosted_zone_id: Some(self.zone.zone_id()),
                            ..DomainValidationOption::new(n)
                        })
                        .collect::<Vec<_>>()
                        .into(),
                ),
                ..CfnCertificate::new(&self.domain)
            },
        );
        Certificate {
            id,
            region: stack.env().region.clone(),
            names,
        }
    }
}
