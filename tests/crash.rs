//! Crash safety: kill a run after every journal step (before and after the write), on random
//! graphs, while creating, while updating and replacing, and while destroying; then resume.
//! Every resume must end with no orphan, no duplicate, and state equal to the desired graph.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use async_trait::async_trait;
use rand::SeedableRng;
use rand::rngs::StdRng;
use stratus::deploy::{
    ApplyOptions, Deployer, JournalEntry, LockHolder, MemoryBackend, State, StateBackend,
    StateError,
};
use support::fake_cloud::FakeCloud;
use support::graphs::{NodeSpec, build, mutate, random};

const STACK: &str = "crashy";

/// Where the crash happens relative to the journal write.
#[derive(Clone, Copy, Debug)]
enum When {
    BeforeWrite,
    AfterWrite,
}

/// A backend that "kills the process" at its k-th journal write: that write and everything
/// after it fail, as if nothing after that instant happened.
struct Crashing {
    inner: MemoryBackend,
    at: usize,
    when: When,
    writes: AtomicUsize,
    dead: AtomicBool,
}

impl Crashing {
    fn new(inner: MemoryBackend, at: usize, when: When) -> Self {
        Self {
            inner,
            at,
            when,
            writes: AtomicUsize::new(0),
            dead: AtomicBool::new(false),
        }
    }

    fn check(&self) -> Result<(), StateError> {
        if self.dead.load(Ordering::SeqCst) {
            Err(died())
        } else {
            Ok(())
        }
    }
}

fn died() -> StateError {
    StateError::Io {
        location: "test".into(),
        message: "the process died".into(),
    }
}

#[async_trait]
impl StateBackend for Crashing {
    fn location(&self) -> String {
        "crashing".into()
    }
    async fn load(&self) -> Result<Option<State>, StateError> {
        self.check()?;
        self.inner.load().await
    }
    async fn save(&self, state: &State) -> Result<(), StateError> {
        self.check()?;
        self.inner.save(state).await
    }
    async fn append(&self, entry: &JournalEntry) -> Result<(), StateError> {
        self.check()?;
        let n = self.writes.fetch_add(1, Ordering::SeqCst);
        if n == self.at {
            self.dead.store(true, Ordering::SeqCst);
            if matches!(self.when, When::AfterWrite) {
                self.inner.append(entry).await?;
            }
            return Err(died());
        }
        self.inner.append(entry).await
    }
    async fn journal(&self) -> Result<Vec<JournalEntry>, StateError> {
        self.check()?;
        self.inner.journal().await
    }
    async fn clear_journal(&self) -> Result<(), StateError> {
        self.check()?;
        self.inner.clear_journal().await
    }
    async fn lock(&self, holder: &LockHolder) -> Result<(), StateError> {
        self.check()?;
        self.inner.lock(holder).await
    }
    async fn unlock(&self) -> Result<(), StateError> {
        self.check()?;
        self.inner.unlock().await
    }
    async fn force_unlock(&self) -> Result<Option<LockHolder>, StateError> {
        self.inner.force_unlock().await
    }
}

fn options() -> ApplyOptions {
    ApplyOptions {
        concurrency: 4,
        base_delay: std::time::Duration::from_millis(1),
        ..ApplyOptions::default()
    }
}

fn deployer(cloud: &FakeCloud, backend: Arc<dyn StateBackend>) -> Deployer {
    Deployer::new(Arc::new(cloud.clone()), backend).options(options())
}

#[derive(Clone, Copy)]
enum Scenario {
    Create,
    Change,
    Destroy,
}

/// Checks: the cloud holds exactly the state's resources (no orphan, no duplicate), one per
/// desired logical id, nothing retired or journalled, and a plan of the spec has no changes.
async fn check(
    cloud: &FakeCloud,
    backend: &MemoryBackend,
    desired: Option<&[NodeSpec]>,
    context: &str,
) {
    let store = backend.snapshot();
    let state = store.state.unwrap_or_default();
    assert!(store.journal.is_empty(), "{context}: journal left behind");
    assert!(store.lock.is_none(), "{context}: lock left behind");
    assert!(
        state.retired.is_empty(),
        "{context}: retired resources left: {:?}",
        state.retired
    );
    let in_cloud = cloud.by_logical_id(STACK);
    for (logical_id, physical) in &in_cloud {
        assert_eq!(
            physical.len(),
            1,
            "{context}: duplicates of {logical_id}: {physical:?}"
        );
        let recorded = state.resources.get(logical_id).map(|r| &r.physical_id);
        assert_eq!(
            recorded,
            Some(&physical[0]),
            "{context}: orphan {logical_id} {physical:?}"
        );
    }
    assert_eq!(
        in_cloud.len(),
        state.resources.len(),
        "{context}: state records resources the cloud lacks"
    );
    match desired {
        Some(spec) => {
            let ids: Vec<&String> = state.resources.keys().collect();
            let stack = build(STACK, spec);
            let mut want: Vec<&String> =
                stack.graph().nodes().map(|(_, n)| &n.logical_id).collect();
            want.sort();
            assert_eq!(ids, want, "{context}: state differs from the desired graph");
            let plan = deployer(cloud, Arc::new(backend.clone()))
                .plan(&build(STACK, spec))
                .await
                .unwrap();
            assert!(
                !plan.has_changes(),
                "{context}: resumed state still plans changes:\n{}",
                plan.render(false)
            );
        }
        None => assert!(
            state.resources.is_empty(),
            "{context}: destroy left {:?}",
            state.resources.keys()
        ),
    }
}

/// Runs one scenario from `cloud`/`backend` with a crash at every journal step; returns how
/// many crash points were exercised.
async fn crash_everywhere(
    scenario: Scenario,
    cloud: &FakeCloud,
    backend: &MemoryBackend,
    target: &[NodeSpec],
    label: &str,
) -> usize {
    let run = |deployer: Deployer| async move {
        match scenario {
            Scenario::Create | Scenario::Change => {
                deployer.deploy(&build(STACK, target)).await.map(|_| ())
            }
            Scenario::Destroy => deployer.destroy(STACK).await.map(|_| ()),
        }
    };
    // How many journal writes an uninterrupted run makes.
    let probe = backend.fork();
    let probe_cloud = cloud.fork();
    run(deployer(&probe_cloud, Arc::new(probe.clone())))
        .await
        .unwrap();
    let steps = probe.snapshot().journal.len().max(1) + 20;
    let mut points = 0;
    for at in 0..steps {
        for when in [When::BeforeWrite, When::AfterWrite] {
            let cloud = cloud.fork();
            let backend = backend.fork();
            let crashing = Arc::new(Crashing::new(backend.clone(), at, when));
            let crashed = run(deployer(&cloud, crashing.clone())).await;
            if crashing.writes.load(Ordering::SeqCst) <= at {
                // The run finished before reaching this step: no crash point here.
                assert!(crashed.is_ok(), "{label}: {crashed:?}");
                continue;
            }
            assert!(
                crashed.is_err(),
                "{label}: the run should have died at write {at}"
            );
            points += 1;
            let resumer = deployer(&cloud, Arc::new(backend.clone()));
            resumer.force_unlock().await.unwrap();
            let expected = match scenario {
                Scenario::Destroy => None,
                _ => Some(target),
            };
            let context = format!("{label} crash {when:?} write {at}");
            // Resuming the interrupted operation, then checking.
            let after_resume = run(resumer).await;
            assert!(
                after_resume.is_ok(),
                "{context}: resume failed: {after_resume:?}"
            );
            check(&cloud, &backend, expected, &context).await;
        }
    }
    points
}

#[tokio::test]
async fn ten_thousand_crash_points_leave_no_orphans_and_no_duplicates() {
    let mut rng = StdRng::seed_from_u64(0x5eed);
    let mut points = 0;
    let mut graphs = 0;
    while points < 10_000 {
        let v1 = random(&mut rng, 3, 12, "n");
        let v2 = mutate(&mut rng, &v1);
        let label = format!("graph {graphs}");
        let cloud = FakeCloud::new();
        let backend = MemoryBackend::new();
        points += crash_everywhere(
            Scenario::Create,
            &cloud,
            &backend,
            &v1,
            &format!("{label} create"),
        )
        .await;

        deployer(&cloud, Arc::new(backend.clone()))
            .deploy(&build(STACK, &v1))
            .await
            .unwrap();
        points += crash_everywhere(
            Scenario::Change,
            &cloud,
            &backend,
            &v2,
            &format!("{label} change"),
        )
        .await;
        points += crash_everywhere(
            Scenario::Destroy,
            &cloud,
            &backend,
            &v1,
            &format!("{label} destroy"),
        )
        .await;
        graphs += 1;
    }
    println!("crash points: {points} over {graphs} random graphs");
    assert!(points >= 10_000);
}
