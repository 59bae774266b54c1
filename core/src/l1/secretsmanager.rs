//! Secrets Manager resources.

use crate::{Resource, ToValue};

/// How Secrets Manager generates a secret value.
#[derive(ToValue, Clone, Debug)]
#[resource(crate = "crate")]
pub struct CfnGenerateSecretString {
    /// Length of the generated password.
    pub password_length: i32,
    /// Characters left out.
    pub exclude_characters: Option<String>,
    /// A JSON template the password is added to.
    pub secret_string_template: Option<String>,
    /// The key of the generated password in the template.
    pub generate_string_key: Option<String>,
}

/// `AWS::SecretsManager::Secret`.
#[derive(Resource, Clone, Debug)]
#[resource(type = "AWS::SecretsManager::Secret", crate = "crate")]
pub struct CfnSecret {
    /// The name.
    #[resource(replace)]
    pub name: Option<String>,
    /// What it holds.
    pub description: Option<String>,
    /// Generate the value rather than pass it in.
    pub generate_secret_string: Option<CfnGenerateSecretString>,
}
