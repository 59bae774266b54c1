//! The provider boundary: how the engine talks to a cloud. `stratus-aws` implements it with the
//! AWS SDK; tests implement it in process. Errors carry a kind so the engine can decide between
//! retrying and failing without knowing any SDK type.

use std::collections::BTreeMap;
use std::fmt;

use async_trait::async_trait;

/// JSON, as providers exchange it.
pub type Json = serde_json::Value;
/// A resource's resolved properties: references replaced by physical ids and attributes.
pub type Inputs = serde_json::Map<String, Json>;
/// What a provider reports about a resource after a call (`Arn`, `DNSName`, …).
pub type Attributes = BTreeMap<String, Json>;

/// Why a provider call failed, as far as the engine cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Rate limited: retry later, with less concurrency.
    Throttled,
    /// The resource does not exist.
    NotFound,
    /// Refused because of another resource (a dependency violation while ENIs drain, a name in
    /// use): may succeed after a wait.
    Conflict,
    /// The request is wrong: retrying will not help.
    InvalidInput,
    /// Anything else.
    Other,
}

/// A failed provider call.
#[derive(Debug, thiserror::Error)]
pub struct ProviderError {
    /// What kind of failure.
    pub kind: ErrorKind,
    /// What the cloud said.
    pub message: String,
    /// The underlying error, boxed so core never names an SDK type.
    #[source]
    pub source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl ProviderError {
    /// An error of a kind with a message.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            source: None,
        }
    }

    /// Attaches the underlying error.
    #[must_use]
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }
}

impl fmt::Display for ProviderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            ErrorKind::Throttled => "throttled",
            ErrorKind::NotFound => "not found",
            ErrorKind::Conflict => "conflict",
            ErrorKind::InvalidInput => "invalid input",
            ErrorKind::Other => "error",
        };
        write!(f, "{kind}: {}", self.message)
    }
}

/// What to create.
#[derive(Clone, Copy, Debug)]
pub struct CreateRequest<'a> {
    /// The CloudFormation type, e.g. `AWS::EC2::VPC`.
    pub type_name: &'a str,
    /// The logical id in its stack.
    pub logical_id: &'a str,
    /// Resolved properties.
    pub inputs: &'a Inputs,
    /// An idempotency token, unique per intent: pass it where the API takes one.
    pub token: &'a str,
    /// Ownership tags (`stratus:stack`, `stratus:logical-id`, `stratus:token`): put them on the
    /// resource where it takes tags, so that [`Provider::find`] can adopt it after a crash.
    pub ownership: &'a BTreeMap<String, String>,
}

/// A created resource.
#[derive(Clone, Debug, PartialEq)]
pub struct Created {
    /// Its physical id (the value of `Ref`).
    pub physical_id: String,
    /// Its attributes (the values of `Fn::GetAtt`).
    pub attributes: Attributes,
}

/// A cloud, as the engine sees it: create, read, update and delete by resource type.
#[async_trait]
pub trait Provider: Send + Sync {
    /// Creates a resource.
    async fn create(&self, request: CreateRequest<'_>) -> Result<Created, ProviderError>;

    /// Reads a resource's attributes; `None` when it no longer exists.
    async fn read(
        &self,
        type_name: &str,
        physical_id: &str,
    ) -> Result<Option<Attributes>, ProviderError>;

    /// Updates a resource in place; `changed` names the properties that differ.
    async fn update(
        &self,
        type_name: &str,
        physical_id: &str,
        inputs: &Inputs,
        changed: &[String],
    ) -> Result<Attributes, ProviderError>;

    /// Deletes a resource. Deleting one that is already gone succeeds.
    async fn delete(&self, type_name: &str, physical_id: &str) -> Result<(), ProviderError>;

    /// Finds a resource created by an interrupted run, by its token or ownership tags.
    async fn find(
        &self,
        type_name: &str,
        token: &str,
        ownership: &BTreeMap<String, String>,
    ) -> Result<Option<Created>, ProviderError>;

    /// Refuses a type (or inputs) the provider cannot manage, before any call is made: the
    /// engine checks every resource of a plan first. Default: accept everything.
    fn check(&self, _type_name: &str, _inputs: &Inputs) -> Result<(), ProviderError> {
        Ok(())
    }

    /// Whether a replacement may create the new resource before deleting the old one (not when
    /// a unique name would clash). Default: yes.
    fn create_before_delete(&self, _type_name: &str, _inputs: &Inputs) -> bool {
        true
    }
}
