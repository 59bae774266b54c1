//! [`Secret`]: a value kept in Secrets Manager, generated so that it never appears in code,
//! templates or user data.

use crate::handle::Ref;
use crate::iam::{PolicyStatement, Role};
use crate::stack::Stack;
use stratus_cfn::iam::CfnRolePolicy;
use stratus_cfn::secretsmanager::CfnSecret;
use stratus_cfn::secretsmanager::secret::GenerateSecretString;

/// A handle to a secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Secret {
    id: Ref<CfnSecret>,
}

impl Secret {
    /// Starts a generated secret. Defaults: a 32-character password without quotes, slashes,
    /// at-signs or spaces; a generated name.
    ///
    /// ```
    /// use stratus_core::prelude::*;
    /// use stratus_core::secrets::Secret;
    /// let mut stack = Stack::new("prod", Environment::region("us-east-1"));
    /// let secret = Secret::builder("flask-secret-key").description("Flask SECRET_KEY").build(&mut stack);
    /// assert_eq!(stack.node(secret.id().id()).type_name, "AWS::SecretsManager::Secret");
    /// ```
    pub fn builder(id: &str) -> SecretBuilder {
        SecretBuilder {
            id: id.to_owned(),
            name: None,
            description: None,
            length: 32,
            json_key: None,
        }
    }

    /// The L1 secret.
    pub fn id(self) -> Ref<CfnSecret> {
        self.id
    }

    /// Lets `role` read this secret, and nothing else.
    pub fn grant_read(self, stack: &mut Stack, role: Role) -> Ref<CfnRolePolicy> {
        let policy_id = format!("read-{}", stack.node(self.id.id()).path.id());
        role.add_to_policy(
            stack,
            &policy_id,
            [PolicyStatement::allow()
                .actions([
                    "secretsmanager:GetSecretValue",
                    "secretsmanager:DescribeSecret",
                ])
                .resource(self.id)],
        )
    }
}

/// Builds a [`Secret`].
#[must_use = "call .build(&mut stack) to add the secret"]
#[derive(Clone, Debug)]
pub struct SecretBuilder {
    id: String,
    name: Option<String>,
    description: Option<String>,
    length: i32,
    json_key: Option<(String, String)>,
}

impl SecretBuilder {
    /// The secret's name (at most 512 characters).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// What it holds.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Length of the generated value (default 32, AWS allows 1–4096).
    pub fn length(mut self, length: i32) -> Self {
        self.length = length;
        self
    }

    /// Generates the value into `key` of a JSON template, e.g. `{"username":"app"}` + `password`.
    pub fn json(mut self, template: impl Into<String>, key: impl Into<String>) -> Self {
        self.json_key = Some((template.into(), key.into()));
        self
    }

    /// Adds the secret.
    pub fn build(self, stack: &mut Stack) -> Secret {
        let path = stack.claim(&stack.path().clone(), &self.id);
        if let Some(name) = &self.name {
            stack.check_name_len(&path, "secret name", name, 512);
        }
        if !(1..=4096).contains(&self.length) {
            stack.report(crate::ValidationError::InvalidValue {
                path: path.clone(),
                problem: format!("a generated length of {}", self.length),
                fix: "choose a length from 1 to 4096".into(),
            });
        }
        let (template, key) = self.json_key.unzip();
        let id = stack.add_at(
            path,
            CfnSecret {
                name: self.name.map(Into::into),
                description: self.description.map(Into::into),
                generate_secret_string: Some(
                    GenerateSecretString {
                        password_length: Some(self.length.into()),
                        exclude_characters: Some("\"@/\\ '".into()),
                        secret_string_template: template.map(Into::into),
                        generate_string_key: key.map(Into::into),
                        ..GenerateSecretString::default()
                    }
                    .into(),
                ),
                ..CfnSecret::default()
            },
        );
        Secret { id }
    }
}
