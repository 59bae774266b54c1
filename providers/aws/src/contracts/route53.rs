//! Route 53: hosted zones and alias records.

use stratus_core::deploy::{Compare, Identity, Inputs, PropertySpec, TypeContract};

static RECORD_SET_PROPERTIES: [PropertySpec; 4] = [
    PropertySpec::create_only("HostedZoneId"),
    // Route 53 stores names in lower case with a trailing dot.
    PropertySpec::create_only("Name").compared(Compare::DnsName),
    PropertySpec::create_only("Type"),
    PropertySpec::updatable("AliasTarget").compared(Compare::DnsName),
];

fn alias_only(inputs: &Inputs) -> Result<(), String> {
    if inputs.contains_key("AliasTarget") {
        Ok(())
    } else {
        Err("stratus-aws writes alias records only: declare AliasTarget".into())
    }
}

/// `AWS::Route53::RecordSet`.
pub(crate) static RECORD_SET: TypeContract = TypeContract::new(
    "AWS::Route53::RecordSet",
    Identity::Child {
        parent: "HostedZoneId",
        key: &["HostedZoneId", "Name", "Type"],
    },
    &RECORD_SET_PROPERTIES,
)
.with_validation(alias_only);

static HOSTED_ZONE_PROPERTIES: [PropertySpec; 2] = [
    PropertySpec::create_only("Name").compared(Compare::DnsName),
    PropertySpec::updatable("HostedZoneTags")
        .compared(Compare::Tags)
        .resets_to("[]"),
];

/// `AWS::Route53::HostedZone`.
pub(crate) static HOSTED_ZONE: TypeContract = TypeContract::new(
    "AWS::Route53::HostedZone",
    Identity::Generated,
    &HOSTED_ZONE_PROPERTIES,
);
