//! Certificate Manager resources.

use crate::handle::Ref;
use crate::l1::route53::CfnHostedZone;
use crate::{Resource, ToValue};

/// Where to write a DNS validation record.
#[derive(ToValue, Clone, Debug)]
#[resource(crate = "crate")]
pub struct CfnDomainValidationOption {
    /// The domain validated.
    pub domain_name: String,
    /// The zone holding its validation record.
    pub hosted_zone_id: Ref<CfnHostedZone>,
}

/// `AWS::CertificateManager::Certificate`.
#[derive(Resource, Clone, Debug)]
#[resource(type = "AWS::CertificateManager::Certificate", crate = "crate")]
pub struct CfnCertificate {
    /// The domain.
    #[resource(replace)]
    pub domain_name: String,
    /// Other names covered.
    #[resource(replace)]
    pub subject_alternative_names: Option<Vec<String>>,
    /// `DNS` or `EMAIL`.
    #[resource(replace)]
    pub validation_method: String,
    /// Validation zones.
    #[resource(replace)]
    pub domain_validation_options: Option<Vec<CfnDomainValidationOption>>,
}
