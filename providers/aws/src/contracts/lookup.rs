//! Lookups: what a stack reads and does not own.

use stratus_core::deploy::{Identity, PropertySpec, TypeContract};
use stratus_core::lookup::{HOSTED_ZONE_TYPE, SSM_PARAMETER_TYPE};

static HOSTED_ZONE_PROPERTIES: [PropertySpec; 1] = [PropertySpec::create_only("DomainName")];

/// `Stratus::Lookup::HostedZone`.
pub(crate) static HOSTED_ZONE: TypeContract =
    TypeContract::new(HOSTED_ZONE_TYPE, Identity::Shared, &HOSTED_ZONE_PROPERTIES);

static SSM_PARAMETER_PROPERTIES: [PropertySpec; 1] = [PropertySpec::create_only("Name")];

/// `Stratus::Lookup::SsmParameter`.
pub(crate) static SSM_PARAMETER: TypeContract = TypeContract::new(
    SSM_PARAMETER_TYPE,
    Identity::Shared,
    &SSM_PARAMETER_PROPERTIES,
);
