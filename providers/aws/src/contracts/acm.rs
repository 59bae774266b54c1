//! ACM: certificates, validated through DNS.

use stratus_core::deploy::{Compare, Identity, Inputs, Json, PropertySpec, TypeContract};

static CERTIFICATE_PROPERTIES: [PropertySpec; 5] = [
    PropertySpec::create_only("DomainName"),
    PropertySpec::create_only("SubjectAlternativeNames").compared(Compare::Unordered),
    PropertySpec::create_only("ValidationMethod"),
    // Where the validation records were written: ACM does not say.
    PropertySpec::create_only("DomainValidationOptions").compared(Compare::Ignore),
    PropertySpec::updatable("Tags")
        .compared(Compare::Tags)
        .resets_to("[]"),
];

fn dns_only(inputs: &Inputs) -> Result<(), String> {
    match inputs.get("ValidationMethod").and_then(Json::as_str) {
        Some("DNS") | None => Ok(()),
        Some(other) => Err(format!(
            "ValidationMethod {other}: stratus-aws validates certificates through DNS only"
        )),
    }
}

/// `AWS::CertificateManager::Certificate`.
pub(crate) static CERTIFICATE: TypeContract = TypeContract::new(
    "AWS::CertificateManager::Certificate",
    Identity::Generated,
    &CERTIFICATE_PROPERTIES,
)
.with_validation(dns_only);
