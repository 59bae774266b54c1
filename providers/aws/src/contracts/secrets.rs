//! Secrets Manager: secrets.

use stratus_core::deploy::{Compare, Identity, PropertySpec, TypeContract};

static SECRET_PROPERTIES: [PropertySpec; 4] = [
    PropertySpec::create_only("Name"),
    PropertySpec::updatable("Description").resets_to(r#""""#),
    PropertySpec::updatable("GenerateSecretString")
        .compared(Compare::Ignore)
        .with_fields(&[
            "ExcludeCharacters",
            "GenerateStringKey",
            "PasswordLength",
            "SecretStringTemplate",
        ]),
    PropertySpec::updatable("Tags")
        .compared(Compare::Tags)
        .resets_to("[]"),
];

/// `AWS::SecretsManager::Secret`.
pub(crate) static SECRET: TypeContract = TypeContract::new(
    "AWS::SecretsManager::Secret",
    Identity::Named("Name"),
    &SECRET_PROPERTIES,
);
