//! Lookups (`Stratus::Lookup::*`): values read from the account at deploy time. They make
//! nothing, so they take no ownership and deleting one only forgets it
//! ([`Identity::Shared`](stratus_core::deploy::Identity::Shared)); each refresh reads them again.

#[cfg(feature = "route53")]
mod hosted_zone;
#[cfg(feature = "ssm")]
mod ssm_parameter;

use stratus_core::deploy::{Created, Live};

use crate::handler::Handler;

/// The lookup handlers compiled in.
pub(crate) const HANDLERS: &[&dyn Handler] = &[
    #[cfg(feature = "route53")]
    &hosted_zone::HostedZoneLookup,
    #[cfg(feature = "ssm")]
    &ssm_parameter::SsmParameterLookup,
];

/// What a lookup's create answers: the value read, as a created resource.
fn found(physical_id: &str, live: Live) -> Created {
    Created {
        physical_id: physical_id.to_owned(),
        attributes: live.attributes,
    }
}
