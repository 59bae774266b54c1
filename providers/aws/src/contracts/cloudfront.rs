//! CloudFront: distributions.

use stratus_core::deploy::{Compare, Identity, Inputs, Json, PropertySpec, TypeContract};

static DISTRIBUTION_PROPERTIES: [PropertySpec; 2] = [
    PropertySpec::updatable("DistributionConfig"),
    PropertySpec::updatable("Tags").compared(Compare::Tags),
];

/// The keys of `DistributionConfig` this handler applies.
const CONFIG_KEYS: &[&str] = &[
    "Enabled",
    "Comment",
    "Aliases",
    "Origins",
    "DefaultCacheBehavior",
    "ViewerCertificate",
    "HttpVersion",
    "PriceClass",
];

fn known_config(inputs: &Inputs) -> Result<(), String> {
    let Some(config) = inputs.get("DistributionConfig").and_then(Json::as_object) else {
        return Ok(());
    };
    match config.keys().find(|k| !CONFIG_KEYS.contains(&k.as_str())) {
        Some(key) => Err(format!(
            "DistributionConfig.{key} is not implemented by stratus-aws and would be ignored (implemented: {})",
            CONFIG_KEYS.join(", ")
        )),
        None => Ok(()),
    }
}

/// `AWS::CloudFront::Distribution`.
pub(crate) static DISTRIBUTION: TypeContract = TypeContract::new(
    "AWS::CloudFront::Distribution",
    Identity::Generated,
    &DISTRIBUTION_PROPERTIES,
)
.with_validation(known_config);
