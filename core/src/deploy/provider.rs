//! The provider boundary: how the engine talks to a cloud. `stratus-aws` implements it with the
//! AWS SDK; tests implement it in process. Errors carry a kind so the engine can decide between
//! retrying and failing without knowing any SDK type.
//!
//! # The provider contract
//!
//! Every provider, the in-process test cloud included, keeps these promises for each type it
//! manages; [`crate::conformance`] checks them.
//!
//! - **It says what it implements.** [`Provider::contract`] lists, per type, every property the
//!   provider applies, which of them update in place and how each compares with the live value.
//!   [`Provider::check`] refuses, before any call, a type it does not manage or a property it does
//!   not implement: nothing declared is ever silently ignored. A changed property that does not
//!   update in place replaces the resource.
//! - **Create never adopts a stranger.** A resource is this stack's when it carries the
//!   ownership tags of the [`CreateRequest`] (`stratus:stack`, `stratus:logical-id`,
//!   `stratus:token`), or, for a type that takes no tags, when its parent is this stack's and its
//!   live properties equal the declaration. Meeting anything else where the create would put its
//!   resource (a database of the same identifier, a route to the same destination) fails with
//!   [`ErrorKind::AlreadyExists`] naming the physical id, and nothing of it is changed. Success is
//!   decided from the resource read back, never from an error message.
//! - **Creates can be finished.** A create made of several calls (a VPC and its DNS attributes,
//!   a group and its egress rules) is resumed by calling `create` again with
//!   [`CreateRequest::resume`] set to what [`Provider::find`] returned: the remaining calls are
//!   made, the done ones are not repeated.
//! - **Find is exact.** [`Provider::find`] returns what the create of an intent (its token) made,
//!   and `None` only when that resource provably does not exist, eventual consistency included.
//! - **Read is the truth.** [`Provider::read`] returns the live properties, CloudFormation-shaped
//!   as the inputs are, and the attributes; `None` only when the resource is gone.
//! - **Updates are complete.** [`Provider::update`] applies every changed property it lists as
//!   updatable and returns the attributes as they are afterwards (all it knows; the engine merges
//!   them over the recorded ones, so a partial answer loses nothing).
//! - **Deletes are idempotent and keep what they are told to.** Deleting what is already gone
//!   succeeds; [`DeleteRequest::snapshot`] names the final snapshot to keep.
//! - **Failures say what retrying means.** [`ErrorKind::Throttled`] is retried with less
//!   concurrency; [`ErrorKind::Unavailable`] (a 5xx answer, a dropped connection) means the
//!   outcome is unknown: the engine retries, and a create first asks [`Provider::find`] for
//!   what the earlier attempt made. So a provider does not retry mutating calls itself: a
//!   blind retry of a create whose answer was lost makes a second resource.

use std::collections::BTreeMap;
use std::fmt;

use async_trait::async_trait;

use super::contract::TypeContract;

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
    /// Refused because of another resource (a dependency violation while ENIs drain): may
    /// succeed after a wait.
    Conflict,
    /// Something that is not this stack's already exists where the create would put its
    /// resource; [`ProviderError::existing`] names it. Never retried.
    AlreadyExists,
    /// The service failed or the connection broke (a 5xx answer, a dropped connection, a
    /// timeout): whether the call took effect is unknown. Retried; a create first looks for
    /// what an earlier attempt made.
    Unavailable,
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
    /// For [`ErrorKind::AlreadyExists`]: the physical id of the resource met.
    pub existing: Option<String>,
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
            existing: None,
            source: None,
        }
    }

    /// A resource that is not this stack's stands where a create would put one.
    ///
    /// ```
    /// use stratus_core::deploy::{ErrorKind, ProviderError};
    /// let e = ProviderError::already_exists("AWS::RDS::DBInstance", "project-x-db", "it carries no stratus:stack tag");
    /// assert_eq!(e.kind, ErrorKind::AlreadyExists);
    /// assert_eq!(e.existing.as_deref(), Some("project-x-db"));
    /// assert!(e.to_string().contains("project-x-db"));
    /// ```
    pub fn already_exists(type_name: &str, physical_id: &str, why: impl fmt::Display) -> Self {
        Self {
            kind: ErrorKind::AlreadyExists,
            message: format!(
                "{type_name} {physical_id} already exists and is not this stack's ({why}); \
                 nothing of it was changed"
            ),
            existing: Some(physical_id.to_owned()),
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
            ErrorKind::AlreadyExists => "already exists",
            ErrorKind::InvalidInput => "invalid input",
            ErrorKind::Unavailable => "unavailable",
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
    /// resource where it takes tags; they are what makes it this stack's.
    pub ownership: &'a BTreeMap<String, String>,
    /// The physical id of what an interrupted create of this same intent made (found by
    /// [`Provider::find`]): finish it instead of creating another.
    pub resume: Option<&'a str>,
}

/// What to change in place.
#[derive(Clone, Copy, Debug)]
pub struct UpdateRequest<'a> {
    /// The type.
    pub type_name: &'a str,
    /// The logical id.
    pub logical_id: &'a str,
    /// The resource.
    pub physical_id: &'a str,
    /// The desired properties, all of them.
    pub inputs: &'a Inputs,
    /// The properties as recorded (refreshed from the cloud when the plan refreshed).
    pub previous: &'a Inputs,
    /// The properties that differ; each updates in place by the type's contract.
    pub changed: &'a [String],
    /// The ownership tags it was created with: tag updates keep them.
    pub ownership: &'a BTreeMap<String, String>,
}

/// What to delete.
#[derive(Clone, Copy, Debug)]
pub struct DeleteRequest<'a> {
    /// The type.
    pub type_name: &'a str,
    /// The logical id.
    pub logical_id: &'a str,
    /// The resource.
    pub physical_id: &'a str,
    /// Its properties as last recorded.
    pub inputs: &'a Inputs,
    /// Keep a final snapshot of this name (`RemovalPolicy::Snapshot`).
    pub snapshot: Option<&'a str>,
}

/// What an interrupted create may have made.
#[derive(Clone, Copy, Debug)]
pub struct FindRequest<'a> {
    /// The type.
    pub type_name: &'a str,
    /// The logical id.
    pub logical_id: &'a str,
    /// The token of the create's intent.
    pub token: &'a str,
    /// The ownership tags the create was given.
    pub ownership: &'a BTreeMap<String, String>,
    /// The inputs the create was given (identifying types that take no tags).
    pub inputs: &'a Inputs,
}

/// A created resource.
#[derive(Clone, Debug, PartialEq)]
pub struct Created {
    /// Its physical id (the value of `Ref`).
    pub physical_id: String,
    /// Its attributes (the values of `Fn::GetAtt`).
    pub attributes: Attributes,
}

/// A resource as the cloud has it now.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Live {
    /// Its properties, CloudFormation-shaped like the inputs (those the provider implements).
    pub properties: Inputs,
    /// Its attributes.
    pub attributes: Attributes,
}

/// A cloud, as the engine sees it: create, read, update and delete by resource type, under the
/// contract described in the [module documentation](self).
#[async_trait]
pub trait Provider: Send + Sync {
    /// The contract of a type; `None` when the provider does not manage it.
    fn contract(&self, type_name: &str) -> Option<TypeContract>;

    /// Refuses, before any call, a type the provider does not manage or inputs it cannot apply
    /// in full. Default: the type's contract decides.
    fn check(&self, type_name: &str, inputs: &Inputs) -> Result<(), ProviderError> {
        let contract = self.contract(type_name).ok_or_else(|| {
            ProviderError::new(
                ErrorKind::InvalidInput,
                format!("this provider does not manage {type_name}"),
            )
        })?;
        contract
            .check(inputs)
            .map_err(|message| ProviderError::new(ErrorKind::InvalidInput, message))
    }

    /// Creates a resource, or finishes the one [`CreateRequest::resume`] names.
    async fn create(&self, request: CreateRequest<'_>) -> Result<Created, ProviderError>;

    /// Reads a resource's live properties and attributes; `None` when it no longer exists.
    async fn read(&self, type_name: &str, physical_id: &str)
    -> Result<Option<Live>, ProviderError>;

    /// Updates a resource in place; returns its attributes afterwards.
    async fn update(&self, request: UpdateRequest<'_>) -> Result<Attributes, ProviderError>;

    /// Deletes a resource. Deleting one that is already gone succeeds.
    async fn delete(&self, request: DeleteRequest<'_>) -> Result<(), ProviderError>;

    /// Finds what the create of an interrupted intent made; `None` only when it provably does
    /// not exist.
    async fn find(&self, request: FindRequest<'_>) -> Result<Option<Created>, ProviderError>;
}
