//! Crash safety: kill a run at every write it makes to its state backend (every journal entry,
//! the state saves, the journal clears), just before and just after the write, on random graphs,
//! while creating, while updating and replacing (create-first and, with unique names,
//! delete-first), and while destroying; then resume. Every resume must end with no orphan, no
//! duplicate, and state equal to the desired graph.

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
use support::fake_cloud::{FakeCloud, Faults};
use support::graphs::{NodeSpec, build, mutate, random};

const STACK: &str = "crashy";

/// Where the crash happens relative to the journal write.
#[derive(Clone, Copy, Debug)]
enum When {
    BeforeWrite,
    AfterWrite,
}

/// A backend that "kills the process" at its k-th write (journal append, state save, journal
/// clear): that write (or what follows it) and everything after fail, as if nothing after that
/// instant happened. `at: usize::MAX` never crashes and counts the writes of a whole run.
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

    /// One write: counted, and the crash point when it is the k-th.
    async fn write(
        &self,
        write: impl std::future::Future<Output = Result<(), StateError>>,
    ) -> Result<(), StateError> {
        self.check()?;
        let n = self.writes.fetch_add(1, Ordering::SeqCst);
        if n == self.at {
            self.dead.store(true, Ordering::SeqCst);
            if matches!(self.when, When::AfterWrite) {
                write.await?;
            }
            return Err(died());
        }
        write.await
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
        self.write(self.inner.save(state)).await
    }
    async fn append(&self, entry: &JournalEntry) -> Result<(), StateError> {
        self.write(self.inner.append(entry)).await
    }
    async fn journal(&self) -> Result<Vec<JournalEntry>, StateError> {
        self.check()?;
        self.inner.journal().await
    }
    async fn clear_journal(&self) -> Result<(), StateError> {
        self.write(self.inner.clear_journal()).await
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
        conflict_timeout: std::time::Duration::from_secs(2),
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
                deployer.deploy(&build(STACK, target)).await.map(completed)
            }
            Scenario::Destroy => deployer.destroy(STACK).await.map(completed),
        }
    };
    // How many writes an uninterrupted run makes: every one of them is a crash point.
    let probe = Arc::new(Crashing::new(backend.fork(), usize::MAX, When::BeforeWrite));
    let probed = run(deployer(&cloud.fork(), probe.clone())).await;
    assert!(
        matches!(probed, Ok(Ok(()))),
        "{label}: the uninterrupted run failed: {probed:?}"
    );
    let steps = probe.writes.load(Ordering::SeqCst);
    let mut points = 0;
    for at in 0..steps {
        for when in [When::BeforeWrite, When::AfterWrite] {
            let cloud = cloud.fork();
            let backend = backend.fork();
            let crashing = Arc::new(Crashing::new(backend.clone(), at, when));
            let crashed = run(deployer(&cloud, crashing.clone())).await;
            assert!(
                crashing.writes.load(Ordering::SeqCst) > at,
                "{label}: the run made fewer writes than its probe; write {at} never came"
            );
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
            match run(resumer).await {
                Ok(Ok(())) => {}
                Ok(Err(failed)) => panic!("{context}: resume failed: {failed}"),
                Err(error) => panic!("{context}: resume failed: {error}"),
            }
            check(&cloud, &backend, expected, &context).await;
        }
    }
    points
}

/// A run's report as a result: `Err` names what failed, was skipped or put off.
fn completed(report: stratus::deploy::Report) -> Result<(), String> {
    if report.succeeded() && report.postponed.is_empty() && report.unresolved.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "failed {:?}, skipped {:?}, postponed {:?}, unresolved {:?}",
            report.failed, report.skipped, report.postponed, report.unresolved
        ))
    }
}

/// Names unique within a spec, so that a graph can run with unique-name (delete-first)
/// replacements without two resources sharing a name.
fn unique_names(spec: &mut [NodeSpec]) {
    for node in spec {
        node.name = format!("{}-{}", node.id, node.name);
    }
}

/// For delete-first graphs: a resource that refers to a replaced one is replaced too (its key
/// changes), since AWS refuses to delete a resource still referred to, and the engine refuses
/// such a plan up front (tested in `engine_safety`).
fn replace_dependents(before: &[NodeSpec], after: &mut [NodeSpec]) {
    let mut replaced = vec![false; after.len()];
    for i in 0..after.len() {
        let Some(old) = before.iter().find(|n| n.id == after[i].id) else {
            continue;
        };
        if after[i].deps.iter().any(|&d| replaced[d]) && after[i].key == old.key {
            after[i].key = format!("{}-follows", old.key);
        }
        replaced[i] = after[i].key != old.key;
    }
}

#[tokio::test]
async fn ten_thousand_crash_points_leave_no_orphans_and_no_duplicates() {
    let mut rng = StdRng::seed_from_u64(0x5eed);
    let (mut points, mut graphs) = (0, 0);
    let mut by_scenario = [0usize; 3];
    let mut delete_first_points = 0;
    while points < 10_000 {
        // Every other graph replaces delete-first: its things have unique names.
        let delete_first = graphs % 2 == 1;
        let mut v1 = random(&mut rng, 3, 12, "n");
        let mut v2 = mutate(&mut rng, &v1);
        if delete_first {
            unique_names(&mut v1);
            unique_names(&mut v2);
            replace_dependents(&v1, &mut v2);
        }
        let label = format!(
            "graph {graphs}{}",
            if delete_first { " (delete-first)" } else { "" }
        );
        let cloud = FakeCloud::new();
        if delete_first {
            cloud.set_faults(Faults {
                delete_before_create: ["Test::Fake::Thing".to_owned()].into(),
                ..Faults::default()
            });
        }
        let backend = MemoryBackend::new();
        let created = crash_everywhere(
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
        let changed = crash_everywhere(
            Scenario::Change,
            &cloud,
            &backend,
            &v2,
            &format!("{label} change"),
        )
        .await;
        let destroyed = crash_everywhere(
            Scenario::Destroy,
            &cloud,
            &backend,
            &v1,
            &format!("{label} destroy"),
        )
        .await;
        by_scenario[0] += created;
        by_scenario[1] += changed;
        by_scenario[2] += destroyed;
        if delete_first {
            delete_first_points += created + changed + destroyed;
        }
        points += created + changed + destroyed;
        graphs += 1;
    }
    println!(
        "crash points: {points} ({} writes, each crashed before and after it) over {graphs} random \
         graphs (create {}, change {}, destroy {}; {delete_first_points} with delete-first \
         replacements)",
        points / 2,
        by_scenario[0],
        by_scenario[1],
        by_scenario[2]
    );
    assert!(points >= 10_000);
}
