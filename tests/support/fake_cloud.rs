//! An in-process cloud implementing `Provider`, no kinder than the real one. It keeps the same
//! contracts as `stratus-aws` (which properties update in place, how each type is identified)
//! and behaves the way AWS does where the engine must cope:
//!
//! - it refuses to create a resource that refers to one that does not exist, and to delete one
//!   that another still refers to (a dependency violation);
//! - creates ignore idempotency tokens (as EC2 and the emulator do): only the ownership tags of
//!   types that take tags find what an interrupted create made;
//! - a unique name clashes: a create meeting a resource of the same name that does not carry
//!   this intent's token is refused with `AlreadyExists`; a type without tags is identified by
//!   its key within its parent and adopted only when the parent is the stack's and the live
//!   properties equal the declaration;
//! - updates answer with partial attributes (none), so the engine must merge;
//! - what is shared rather than owned (lookups, file assets: `Identity::Shared`) is found by its
//!   declaration, made once whatever stack asks, and kept by deletes; the fake knows every SSM
//!   parameter and hosted zone it is asked for (the emulator tests show a missing one refused);
//! - lookups are eventually consistent: a new resource stays invisible to `read` and `find` for
//!   a number of lookups, and the provider side settles them with bounded retries as the real
//!   provider does.
//!
//! Faults are injected per test: latencies per type, failures per logical id, throttling.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use stratus::deploy::{
    Attributes, Compare, CreateRequest, Created, DeleteRequest, ErrorKind, FindRequest, Identity,
    Inputs, Json, Live, PropertySpec, Provider, ProviderError, TypeContract, UpdateRequest,
};

/// Attributes every fake resource reports, covering what the constructs read.
const ATTRIBUTES: &[&str] = &[
    "Arn",
    "GroupId",
    "AllocationId",
    "DNSName",
    "CanonicalHostedZoneID",
    "LatestVersionNumber",
    "Endpoint.Address",
    "MasterUserSecret.SecretArn",
    "DomainName",
    // Lookups and assets.
    "Value",
    "Bucket",
    "Key",
    "S3Url",
    "ObjectArn",
];

/// The test types' properties: `Name` updates in place, `Key` forces replacement.
static THING: [PropertySpec; 4] = [
    PropertySpec::updatable("Name"),
    PropertySpec::create_only("Key"),
    PropertySpec::updatable("Deps"),
    PropertySpec::updatable("Tags").compared(Compare::Tags),
];

/// One resource in the fake cloud.
#[derive(Clone, Debug, PartialEq)]
pub struct CloudResource {
    pub type_name: String,
    /// Who made it (the census's view, never used by lookups).
    pub stack: String,
    /// Who made it (the census's view, never used by lookups).
    pub logical_id: String,
    /// Its properties as the cloud holds them.
    pub inputs: Inputs,
    /// Its ownership tags (empty for types that take no tags).
    pub ownership: BTreeMap<String, String>,
    /// Lookups it stays invisible to (eventual consistency).
    pub hidden_for: u32,
    /// For a type without tags named from the token (a scaling policy): that token.
    pub token_name: Option<String>,
}

/// A timestamped call, for ordering assertions.
#[derive(Clone, Debug)]
pub struct CallRecord {
    pub operation: &'static str,
    pub logical_id: String,
    pub started: Instant,
    pub finished: Instant,
}

/// What the cloud holds; cloned to fork a scenario.
#[derive(Clone, Debug, Default)]
pub struct CloudState {
    pub resources: BTreeMap<String, CloudResource>,
    pub next_id: u64,
    pub log: Vec<CallRecord>,
    pub conflicts: usize,
    pub throttles: usize,
    pub mutating_calls: usize,
    /// Answers lost after the call took effect.
    pub lost_answers: usize,
    /// Final snapshots kept by deletes.
    pub snapshots: Vec<String>,
    /// When each logical id's delete was first tried (see [`Faults::delete_conflict_for`]).
    pub first_delete: BTreeMap<String, Instant>,
}

/// Injected behaviour.
#[derive(Clone, Debug)]
pub struct Faults {
    /// Latency per resource type (default: none).
    pub latency: HashMap<String, Duration>,
    /// Creates of these logical ids fail with invalid input.
    pub fail_create: BTreeSet<String>,
    /// The first n mutating calls are throttled.
    pub throttle_first: usize,
    /// Types whose `Name` is unique (a replacement must delete the old resource first).
    pub delete_before_create: BTreeSet<String>,
    /// Lookups a new resource stays invisible to (default 1).
    pub consistency_lag: u32,
    /// Lookups the provider side makes before it concludes "not found" (default 3).
    pub settle_attempts: u32,
    /// Calls of these logical ids panic inside the provider, before doing anything.
    pub panic_on: BTreeSet<String>,
    /// Creates of these logical ids panic inside the provider after the resource exists.
    pub panic_after_create: BTreeSet<String>,
    /// The first mutating call of each of these logical ids takes effect, then its answer is
    /// lost (`Unavailable`), as when a connection drops after the request arrived.
    pub lose_answer_once: BTreeSet<String>,
    /// A create whose `Name` is this makes its resource, then fails a later call with invalid
    /// input (as `CreateRole` succeeds and `AttachRolePolicy` refuses a mistyped policy ARN);
    /// finishing it with that name fails the same way.
    pub fail_after_making_name: Option<String>,
    /// Deletes of these logical ids are refused as a dependency violation for this long after
    /// the first attempt (a load balancer's network interfaces draining).
    pub delete_conflict_for: BTreeMap<String, Duration>,
}

impl Default for Faults {
    fn default() -> Self {
        Self {
            latency: HashMap::new(),
            fail_create: BTreeSet::new(),
            throttle_first: 0,
            delete_before_create: BTreeSet::new(),
            consistency_lag: 1,
            settle_attempts: 3,
            panic_on: BTreeSet::new(),
            panic_after_create: BTreeSet::new(),
            lose_answer_once: BTreeSet::new(),
            fail_after_making_name: None,
            delete_conflict_for: BTreeMap::new(),
        }
    }
}

/// The fake cloud. Clones share it.
#[derive(Clone, Debug, Default)]
pub struct FakeCloud {
    state: Arc<Mutex<CloudState>>,
    faults: Arc<Mutex<Faults>>,
}

impl FakeCloud {
    pub fn new() -> Self {
        Self::default()
    }

    /// An independent copy, faults included.
    pub fn fork(&self) -> Self {
        Self {
            state: Arc::new(Mutex::new(self.snapshot())),
            faults: Arc::new(Mutex::new(self.faults.lock().unwrap().clone())),
        }
    }

    pub fn snapshot(&self) -> CloudState {
        self.state.lock().unwrap().clone()
    }

    pub fn set_faults(&self, faults: Faults) {
        *self.faults.lock().unwrap() = faults;
    }

    pub fn faults(&self) -> Faults {
        self.faults.lock().unwrap().clone()
    }

    /// Resources a stack's runs made, by logical id (several when duplicated): the census.
    pub fn by_logical_id(&self, stack: &str) -> BTreeMap<String, Vec<String>> {
        let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (physical, r) in &self.state.lock().unwrap().resources {
            if r.stack == stack {
                out.entry(r.logical_id.clone())
                    .or_default()
                    .push(physical.clone());
            }
        }
        out
    }

    /// Changes a property outside Stratus (a console edit).
    pub fn modify(&self, physical_id: &str, property: &str, value: Json) {
        let mut state = self.state.lock().unwrap();
        let resource = state.resources.get_mut(physical_id).expect("a resource");
        resource.inputs.insert(property.to_owned(), value);
    }

    /// Deletes a resource outside Stratus.
    pub fn remove(&self, physical_id: &str) {
        self.state.lock().unwrap().resources.remove(physical_id);
    }

    /// The contract of a type: the test types', or `stratus-aws`'s for AWS types.
    fn contract_of(&self, type_name: &str) -> Option<TypeContract> {
        if type_name.starts_with("Test::Fake::") {
            let identity = if self
                .faults
                .lock()
                .unwrap()
                .delete_before_create
                .contains(type_name)
            {
                Identity::Named("Name")
            } else {
                Identity::Generated
            };
            return Some(TypeContract::new("Test::Fake::Thing", identity, &THING));
        }
        stratus_aws::contract(type_name)
    }

    /// Finds or makes a shared resource (a lookup's value, an uploaded asset): of no stack.
    fn share(&self, request: &CreateRequest<'_>, started: Instant) -> Created {
        let physical_id = shared_id(request.type_name, request.inputs);
        let mut state = self.state.lock().unwrap();
        state
            .resources
            .entry(physical_id.clone())
            .or_insert_with(|| CloudResource {
                type_name: request.type_name.to_owned(),
                stack: String::new(),
                logical_id: request.logical_id.to_owned(),
                inputs: request.inputs.clone(),
                ownership: BTreeMap::new(),
                hidden_for: 0,
                token_name: None,
            });
        drop(state);
        self.record("create", request.logical_id, started);
        created(&physical_id)
    }

    /// Waits out the injected latency of a type (no timer at all when there is none).
    async fn wait(&self, type_name: &str) {
        let latency = self
            .faults
            .lock()
            .unwrap()
            .latency
            .get(type_name)
            .copied()
            .unwrap_or_default();
        if latency.is_zero() {
            tokio::task::yield_now().await;
        } else {
            tokio::time::sleep(latency).await;
        }
    }

    /// Counts a mutating call; `Err` when it is throttled. Panics for `panic_on` ids.
    fn admit(&self, logical_id: &str) -> Result<(), ProviderError> {
        let faults = self.faults.lock().unwrap().clone();
        assert!(
            !faults.panic_on.contains(logical_id),
            "injected panic for {logical_id}"
        );
        let mut state = self.state.lock().unwrap();
        state.mutating_calls += 1;
        if state.mutating_calls <= faults.throttle_first {
            state.throttles += 1;
            return Err(ProviderError::new(ErrorKind::Throttled, "Rate exceeded"));
        }
        Ok(())
    }

    /// The later call of a create of several, refused for a name the faults name (see
    /// [`Faults::fail_after_making_name`]).
    fn second_call(&self, request: &CreateRequest<'_>) -> Result<(), ProviderError> {
        let refused = self.faults.lock().unwrap().fail_after_making_name.clone();
        if refused.is_some()
            && request.inputs.get("Name").and_then(Json::as_str) == refused.as_deref()
        {
            return Err(ProviderError::new(
                ErrorKind::InvalidInput,
                "NoSuchEntity: the policy named by the declaration does not exist",
            ));
        }
        Ok(())
    }

    /// Whether this call's answer is lost (see [`Faults::lose_answer_once`]); each id loses one.
    fn lose_answer(&self, logical_id: &str) -> Result<(), ProviderError> {
        if self
            .faults
            .lock()
            .unwrap()
            .lose_answer_once
            .remove(logical_id)
        {
            self.state.lock().unwrap().lost_answers += 1;
            return Err(ProviderError::new(
                ErrorKind::Unavailable,
                "connection reset after the request was sent",
            ));
        }
        Ok(())
    }

    fn record(&self, operation: &'static str, logical_id: &str, started: Instant) {
        self.state.lock().unwrap().log.push(CallRecord {
            operation,
            logical_id: logical_id.to_owned(),
            started,
            finished: Instant::now(),
        });
    }

    /// The first visible resource matching `pick`, as an eventually consistent listing shows
    /// it: a new resource is skipped (and its lag counted down) while it is hidden.
    fn lookup(&self, pick: impl Fn(&str, &CloudResource) -> bool) -> Option<String> {
        let mut state = self.state.lock().unwrap();
        let mut found = None;
        for (id, resource) in &mut state.resources {
            if pick(id, resource) {
                if resource.hidden_for > 0 {
                    resource.hidden_for -= 1;
                } else if found.is_none() {
                    found = Some(id.clone());
                }
            }
        }
        found
    }

    /// Retries a lookup until it settles, as the real provider does against eventual
    /// consistency: `None` only after every attempt saw nothing.
    async fn settled(&self, pick: impl Fn(&str, &CloudResource) -> bool) -> Option<String> {
        let attempts = self.faults.lock().unwrap().settle_attempts.max(1);
        for _ in 0..attempts {
            if let Some(found) = self.lookup(&pick) {
                return Some(found);
            }
            tokio::task::yield_now().await;
        }
        None
    }

    /// The resource a create of `inputs` would clash with, by the type's identity.
    fn clash(
        &self,
        contract: &TypeContract,
        type_name: &str,
        inputs: &Inputs,
        name: Option<&str>,
    ) -> Option<(String, CloudResource)> {
        let state = self.state.lock().unwrap();
        state
            .resources
            .iter()
            .find(|(_, r)| {
                r.type_name == type_name
                    && match contract.identity {
                        // Generated ids never clash; shared ones are found, not clashed with.
                        Identity::Generated | Identity::Shared => false,
                        Identity::Named(property) => {
                            name.is_some() && r.inputs.get(property).and_then(Json::as_str) == name
                        }
                        Identity::NamedIn {
                            name: property,
                            scope,
                        } => {
                            name.is_some()
                                && r.inputs.get(property).and_then(Json::as_str) == name
                                && r.inputs.get(scope) == inputs.get(scope)
                        }
                        Identity::Child { key, .. } => {
                            !key.is_empty()
                                && key.iter().all(|k| r.inputs.get(*k) == inputs.get(*k))
                        }
                    }
            })
            .map(|(id, r)| (id.clone(), r.clone()))
    }

    /// What a create meets where it would put its resource: its own interrupted create (found
    /// again), an adoptable child of this stack, or a stranger (refused).
    fn met(
        &self,
        contract: &TypeContract,
        request: &CreateRequest<'_>,
        inputs: &Inputs,
        name: Option<&str>,
    ) -> Option<Result<Created, ProviderError>> {
        let (id, existing) = self.clash(contract, request.type_name, inputs, name)?;
        let ours =
            existing.ownership.get("stratus:token").map(String::as_str) == Some(request.token);
        let adoptable_child = matches!(contract.identity, Identity::Child { .. })
            && self.parent_is_ours(contract, inputs, request.ownership.get("stratus:stack"))
            && existing.inputs == *inputs;
        Some(if ours || adoptable_child {
            Ok(created(&id))
        } else {
            Err(ProviderError::already_exists(
                request.type_name,
                &id,
                "it does not carry this intent's ownership tags",
            ))
        })
    }

    /// Whether the parent a child names carries this stack's ownership.
    fn parent_is_ours(
        &self,
        contract: &TypeContract,
        inputs: &Inputs,
        stack: Option<&String>,
    ) -> bool {
        let Identity::Child { parent, .. } = contract.identity else {
            return false;
        };
        let Some(parent) = inputs.get(parent).and_then(Json::as_str) else {
            return false;
        };
        // A parent is named by its id, an attribute of it (`fake-2.GroupId`) or its name.
        let parent_id = parent.split('.').next().unwrap_or(parent);
        let state = self.state.lock().unwrap();
        // The parent is named by physical id or by name (a role, a group).
        state
            .resources
            .iter()
            .find(|(id, r)| {
                id.as_str() == parent_id || r.inputs.values().any(|v| v.as_str() == Some(parent_id))
            })
            .is_some_and(|(_, r)| r.ownership.get("stratus:stack") == stack && stack.is_some())
    }
}

/// Every `fake-<n>` id mentioned in a value.
fn mentioned_ids(value: &Json, out: &mut BTreeSet<String>) {
    match value {
        Json::String(s) => {
            let mut rest = s.as_str();
            while let Some(at) = rest.find("fake-") {
                let digits: String = rest[at + 5..]
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .collect();
                if !digits.is_empty() {
                    out.insert(format!("fake-{digits}"));
                }
                rest = &rest[at + 5..];
            }
        }
        Json::Array(items) => items.iter().for_each(|v| mentioned_ids(v, out)),
        Json::Object(map) => map.values().for_each(|v| mentioned_ids(v, out)),
        _ => {}
    }
}

fn attributes(physical_id: &str) -> Attributes {
    ATTRIBUTES
        .iter()
        .map(|a| ((*a).to_owned(), Json::String(format!("{physical_id}.{a}"))))
        .collect()
}

fn created(physical_id: &str) -> Created {
    Created {
        physical_id: physical_id.to_owned(),
        attributes: attributes(physical_id),
    }
}

/// The id of a shared resource: its type and declaration, less where an asset is read from.
fn shared_id(type_name: &str, inputs: &Inputs) -> String {
    let mut key = inputs.clone();
    key.remove("SourcePath");
    format!("shared:{type_name}:{}", Json::Object(key))
}

/// The name a named type gets when the declaration leaves it unset: derived from the token.
fn generated_name(request: &CreateRequest<'_>) -> String {
    format!("{}-{}", request.logical_id, request.token)
}

#[async_trait]
impl Provider for FakeCloud {
    fn contract(&self, type_name: &str) -> Option<TypeContract> {
        self.contract_of(type_name)
    }

    async fn create(&self, request: CreateRequest<'_>) -> Result<Created, ProviderError> {
        let started = Instant::now();
        self.wait(request.type_name).await;
        self.admit(request.logical_id)?;
        if let Some(existing) = request.resume {
            self.second_call(&request)?;
            return Ok(created(existing));
        }
        if self
            .faults
            .lock()
            .unwrap()
            .fail_create
            .contains(request.logical_id)
        {
            return Err(ProviderError::new(
                ErrorKind::InvalidInput,
                format!("{} is refused by the test", request.logical_id),
            ));
        }
        let contract = self.contract_of(request.type_name).ok_or_else(|| {
            ProviderError::new(ErrorKind::InvalidInput, "no such type in the fake cloud")
        })?;
        if contract.identity == Identity::Shared {
            return Ok(self.share(&request, started));
        }
        let mut inputs = request.inputs.clone();
        let name = match contract.identity {
            Identity::Named(property) | Identity::NamedIn { name: property, .. } => {
                let name = inputs
                    .get(property)
                    .and_then(Json::as_str)
                    .map_or_else(|| generated_name(&request), str::to_owned);
                inputs.insert(property.to_owned(), Json::String(name.clone()));
                Some(name)
            }
            _ => None,
        };
        if let Some(answer) = self.met(&contract, &request, &inputs, name.as_deref()) {
            return answer;
        }
        // As AWS does, what the create leaves out holds its default and reads back as such.
        // (Not lists other resources add to: this cloud does not gather a group's rules.)
        for spec in contract.properties.iter().filter(|p| p.gathered.is_none()) {
            if let (false, Some(default)) = (inputs.contains_key(spec.name), spec.default_value()) {
                inputs.insert(spec.name.to_owned(), default);
            }
        }
        let mut state = self.state.lock().unwrap();
        let mut mentioned = BTreeSet::new();
        mentioned_ids(&Json::Object(inputs.clone()), &mut mentioned);
        if let Some(missing) = mentioned
            .iter()
            .find(|id| !state.resources.contains_key(*id))
        {
            return Err(ProviderError::new(
                ErrorKind::InvalidInput,
                format!("{missing} does not exist"),
            ));
        }
        state.next_id += 1;
        let physical_id = format!("fake-{}", state.next_id);
        let taggable = !matches!(contract.identity, Identity::Child { .. });
        let lag = self.faults.lock().unwrap().consistency_lag;
        state.resources.insert(
            physical_id.clone(),
            CloudResource {
                type_name: request.type_name.to_owned(),
                stack: request
                    .ownership
                    .get("stratus:stack")
                    .cloned()
                    .unwrap_or_default(),
                logical_id: request.logical_id.to_owned(),
                inputs,
                ownership: if taggable {
                    request.ownership.clone()
                } else {
                    BTreeMap::new()
                },
                hidden_for: lag,
                token_name: matches!(contract.identity, Identity::Child { key: [], .. })
                    .then(|| request.token.to_owned()),
            },
        );
        drop(state);
        self.record("create", request.logical_id, started);
        let panic_after = self
            .faults
            .lock()
            .unwrap()
            .panic_after_create
            .contains(request.logical_id);
        assert!(
            !panic_after,
            "injected panic after creating {}",
            request.logical_id
        );
        self.lose_answer(request.logical_id)?;
        self.second_call(&request)?;
        Ok(created(&physical_id))
    }

    async fn read(
        &self,
        _type_name: &str,
        physical_id: &str,
    ) -> Result<Option<Live>, ProviderError> {
        let Some(id) = self.settled(|id, _| id == physical_id).await else {
            return Ok(None);
        };
        let state = self.state.lock().unwrap();
        let resource = &state.resources[&id];
        let mut properties = resource.inputs.clone();
        if let Some(Json::Array(tags)) = properties.get_mut("Tags") {
            tags.extend(
                resource
                    .ownership
                    .iter()
                    .map(|(k, v)| serde_json::json!({"Key": k, "Value": v})),
            );
        }
        Ok(Some(Live {
            properties,
            attributes: attributes(&id),
        }))
    }

    async fn update(&self, request: UpdateRequest<'_>) -> Result<Attributes, ProviderError> {
        let started = Instant::now();
        self.wait(request.type_name).await;
        self.admit(request.logical_id)?;
        let contract = self.contract_of(request.type_name).ok_or_else(|| {
            ProviderError::new(ErrorKind::InvalidInput, "no such type in the fake cloud")
        })?;
        if let Some(fixed) = request.changed.iter().find(|c| contract.replaces_on(c)) {
            return Err(ProviderError::new(
                ErrorKind::InvalidInput,
                format!("{fixed} cannot change in place"),
            ));
        }
        let mut state = self.state.lock().unwrap();
        let mut mentioned = BTreeSet::new();
        mentioned_ids(&Json::Object(request.inputs.clone()), &mut mentioned);
        if let Some(missing) = mentioned
            .iter()
            .find(|id| !state.resources.contains_key(*id))
        {
            return Err(ProviderError::new(
                ErrorKind::InvalidInput,
                format!("{missing} does not exist"),
            ));
        }
        let Some(resource) = state.resources.get_mut(request.physical_id) else {
            return Err(ProviderError::new(
                ErrorKind::NotFound,
                format!("{} does not exist", request.physical_id),
            ));
        };
        // As AWS does, an update changes only what it sends: a property it leaves out keeps
        // its last value (the engine sends a removed property's default to reset it).
        for name in request.changed {
            if let Some(value) = request.inputs.get(name) {
                resource.inputs.insert(name.clone(), value.clone());
            }
        }
        let logical_id = resource.logical_id.clone();
        drop(state);
        self.record("update", &logical_id, started);
        self.lose_answer(&logical_id)?;
        // Like many AWS update calls, the answer carries no attributes: the engine merges.
        Ok(Attributes::new())
    }

    async fn delete(&self, request: DeleteRequest<'_>) -> Result<(), ProviderError> {
        let started = Instant::now();
        self.wait(request.type_name).await;
        self.admit(request.logical_id)?;
        let shared = self
            .contract_of(request.type_name)
            .is_some_and(|c| c.identity == Identity::Shared);
        if shared {
            // Not the stack's: forgotten, kept.
            return Ok(());
        }
        let draining = self
            .faults
            .lock()
            .unwrap()
            .delete_conflict_for
            .get(request.logical_id)
            .copied();
        let mut state = self.state.lock().unwrap();
        if !state.resources.contains_key(request.physical_id) {
            return Ok(());
        }
        if let Some(draining) = draining {
            let first = *state
                .first_delete
                .entry(request.logical_id.to_owned())
                .or_insert_with(Instant::now);
            if first.elapsed() < draining {
                state.conflicts += 1;
                return Err(ProviderError::new(
                    ErrorKind::Conflict,
                    "DependencyViolation: network interfaces are still in use",
                ));
            }
        }
        let physical_id = request.physical_id;
        let referenced_by = state.resources.iter().find(|(id, r)| {
            let mut mentioned = BTreeSet::new();
            r.inputs
                .values()
                .for_each(|v| mentioned_ids(v, &mut mentioned));
            *id != physical_id && mentioned.contains(physical_id)
        });
        if let Some((other, _)) = referenced_by {
            let message = format!("{physical_id} has a dependent object: {other}");
            state.conflicts += 1;
            return Err(ProviderError::new(ErrorKind::Conflict, message));
        }
        if let Some(snapshot) = request.snapshot {
            state.snapshots.push(snapshot.to_owned());
        }
        let removed = state.resources.remove(physical_id).expect("checked above");
        drop(state);
        self.record("delete", &removed.logical_id, started);
        self.lose_answer(&removed.logical_id)?;
        Ok(())
    }

    async fn find(&self, request: FindRequest<'_>) -> Result<Option<Created>, ProviderError> {
        let contract = self.contract_of(request.type_name).ok_or_else(|| {
            ProviderError::new(ErrorKind::InvalidInput, "no such type in the fake cloud")
        })?;
        let found = match contract.identity {
            // By the token in the ownership tags: a stack and logical id alone are ambiguous
            // while a replacement's old and new resources both exist.
            Identity::Generated | Identity::Named(_) | Identity::NamedIn { .. } => {
                self.settled(|_, r| {
                    r.type_name == request.type_name
                        && r.ownership.get("stratus:token").map(String::as_str)
                            == Some(request.token)
                })
                .await
            }
            Identity::Shared => {
                let id = shared_id(request.type_name, request.inputs);
                self.settled(|found, _| found == id).await
            }
            Identity::Child { key, .. } => {
                let ours = self.parent_is_ours(
                    &contract,
                    request.inputs,
                    request.ownership.get("stratus:stack"),
                );
                if !ours {
                    None
                } else if key.is_empty() {
                    self.settled(|_, r| r.token_name.as_deref() == Some(request.token))
                        .await
                } else {
                    self.settled(|_, r| {
                        r.type_name == request.type_name && r.inputs == *request.inputs
                    })
                    .await
                }
            }
        };
        Ok(found.map(|id| created(&id)))
    }
}
