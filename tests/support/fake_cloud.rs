//! An in-process cloud implementing `Provider`, with the behaviours real AWS has and the
//! emulator lacks: it refuses to create a resource that refers to one that does not exist, and
//! to delete one that another still refers to (a dependency violation). Faults are injected per
//! test: latencies per type, failures per logical id, throttling, delete conflicts.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use stratus::deploy::{
    Attributes, CreateRequest, Created, ErrorKind, Inputs, Json, Provider, ProviderError,
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
];

/// One resource in the fake cloud.
#[derive(Clone, Debug, PartialEq)]
pub struct CloudResource {
    pub type_name: String,
    pub logical_id: String,
    pub inputs: Inputs,
    pub ownership: BTreeMap<String, String>,
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
}

/// Injected behaviour.
#[derive(Clone, Debug, Default)]
pub struct Faults {
    /// Latency per resource type (default: none).
    pub latency: HashMap<String, Duration>,
    /// Creates of these logical ids fail with invalid input.
    pub fail_create: BTreeSet<String>,
    /// The first n mutating calls are throttled.
    pub throttle_first: usize,
    /// Types whose replacement must delete the old resource first (unique names).
    pub delete_before_create: BTreeSet<String>,
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

    /// Resources of a stack by logical id (several when duplicated).
    pub fn by_logical_id(&self, stack: &str) -> BTreeMap<String, Vec<String>> {
        let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (physical, r) in &self.state.lock().unwrap().resources {
            if r.ownership.get("stratus:stack").map(String::as_str) == Some(stack) {
                out.entry(r.logical_id.clone())
                    .or_default()
                    .push(physical.clone());
            }
        }
        out
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

    /// Counts a mutating call; `Err` when it is throttled.
    fn admit(&self) -> Result<(), ProviderError> {
        let faults = self.faults.lock().unwrap();
        let mut state = self.state.lock().unwrap();
        state.mutating_calls += 1;
        if state.mutating_calls <= faults.throttle_first {
            state.throttles += 1;
            return Err(ProviderError::new(ErrorKind::Throttled, "Rate exceeded"));
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

#[async_trait]
impl Provider for FakeCloud {
    async fn create(&self, request: CreateRequest<'_>) -> Result<Created, ProviderError> {
        let started = Instant::now();
        self.wait(request.type_name).await;
        self.admit()?;
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
        state.next_id += 1;
        let physical_id = format!("fake-{}", state.next_id);
        state.resources.insert(
            physical_id.clone(),
            CloudResource {
                type_name: request.type_name.to_owned(),
                logical_id: request.logical_id.to_owned(),
                inputs: request.inputs.clone(),
                ownership: request.ownership.clone(),
            },
        );
        drop(state);
        self.record("create", request.logical_id, started);
        Ok(Created {
            attributes: attributes(&physical_id),
            physical_id,
        })
    }

    async fn read(
        &self,
        _type_name: &str,
        physical_id: &str,
    ) -> Result<Option<Attributes>, ProviderError> {
        Ok(self
            .state
            .lock()
            .unwrap()
            .resources
            .contains_key(physical_id)
            .then(|| attributes(physical_id)))
    }

    async fn update(
        &self,
        type_name: &str,
        physical_id: &str,
        inputs: &Inputs,
        _changed: &[String],
    ) -> Result<Attributes, ProviderError> {
        let started = Instant::now();
        self.wait(type_name).await;
        self.admit()?;
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
        let Some(resource) = state.resources.get_mut(physical_id) else {
            return Err(ProviderError::new(
                ErrorKind::NotFound,
                format!("{physical_id} does not exist"),
            ));
        };
        resource.inputs.clone_from(inputs);
        let logical_id = resource.logical_id.clone();
        drop(state);
        self.record("update", &logical_id, started);
        Ok(attributes(physical_id))
    }

    async fn delete(&self, type_name: &str, physical_id: &str) -> Result<(), ProviderError> {
        let started = Instant::now();
        self.wait(type_name).await;
        self.admit()?;
        let mut state = self.state.lock().unwrap();
        if !state.resources.contains_key(physical_id) {
            return Err(ProviderError::new(
                ErrorKind::NotFound,
                format!("{physical_id} does not exist"),
            ));
        }
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
        let removed = state.resources.remove(physical_id).expect("checked above");
        drop(state);
        self.record("delete", &removed.logical_id, started);
        Ok(())
    }

    async fn find(
        &self,
        _type_name: &str,
        token: &str,
        _ownership: &BTreeMap<String, String>,
    ) -> Result<Option<Created>, ProviderError> {
        // By the token the engine put in the ownership tags: a stack and logical id alone are
        // ambiguous while a replacement's old and new resources both exist.
        let state = self.state.lock().unwrap();
        let found = state
            .resources
            .iter()
            .find(|(_, r)| r.ownership.get("stratus:token").map(String::as_str) == Some(token));
        Ok(found.map(|(id, _)| Created {
            physical_id: id.clone(),
            attributes: attributes(id),
        }))
    }

    fn create_before_delete(&self, type_name: &str, _inputs: &Inputs) -> bool {
        !self
            .faults
            .lock()
            .unwrap()
            .delete_before_create
            .contains(type_name)
    }
}
