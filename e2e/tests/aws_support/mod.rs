//! Support for the reliability tests on the emulator: a [`Bench`] (moto server, the fault proxy
//! in front of it, a state directory), the stacks they run, a deploy process to kill (this test
//! binary re-run as a helper, calling the real command line), and the inventory that checks
//! what the emulator holds.

#![allow(dead_code, unreachable_pub)] // each test file uses a different part; `pub` is for them

#[path = "../../../providers/aws/tests/support/census.rs"]
pub mod census;
pub mod inventory;
pub mod scenario;
#[path = "../../../examples/three_tier/stack.rs"]
pub mod three_tier;

use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_config::SdkConfig;
use stratus::App;
use stratus::aws::testing::{FaultProxy, Moto};
use stratus::aws::{AwsProvider, Wait};
use stratus::deploy::{
    ApplyOptions, Deployer, Event, LocalBackend, Observer, Report, State, StateBackend,
};
use stratus::prelude::*;

use inventory::Inventory;

/// Environment variables of the helper process.
pub const HELPER_STACK: &str = "STRATUS_HELPER_STACK";
pub const HELPER_VERB: &str = "STRATUS_HELPER_VERB";
pub const HELPER_STATE: &str = "STRATUS_HELPER_STATE";

/// The stacks the tests deploy, by name: what the helper process builds too.
pub fn stack(name: &str) -> Stack {
    use three_tier::{Settings, ZoneSource};
    // A zone of its own rather than a lookup: the emulator is reset between scenarios, and what
    // these tests are about is what the stack owns (`aws_reference.rs` deploys the lookup).
    let reference = Settings {
        zone: ZoneSource::Create,
        ..Settings::default()
    };
    match name {
        // The reference stack, whole.
        "reference" => three_tier::build_with(&reference).stack,
        // The same with the database and its replica renamed (both replaced create-first: the
        // launch template's user data names the replica's endpoint; the policy and launch
        // template that use them updated) and bigger bastions (updated in place).
        "reference-v2" => {
            three_tier::build_with(&Settings {
                db_identifier: "project-x-db-v2".into(),
                replica_identifier: "project-x-db-replica-v2".into(),
                bastion_type: "t3.small".into(),
                ..reference
            })
            .stack
        }
        "groups" => groups("web tier"),
        // The named group's description changes: it is replaced delete-first (the name stays),
        // and the rules that refer to it are replaced with it.
        "groups-v2" => groups("web tier, v2"),
        other => panic!("no test stack {other}"),
    }
}

/// A VPC, a security group with a fixed name and two rules that refer to it.
fn groups(description: &str) -> Stack {
    let mut stack = Stack::new("project-x", Environment::region("us-east-1"));
    let vpc = Vpc::builder("vpc")
        .cidr("10.9.0.0/16")
        .max_azs(1)
        .subnet_groups([SubnetGroup::public("public")])
        .nat_gateways(0)
        .build(&mut stack);
    let web = SecurityGroup::builder("web-sg", &vpc)
        .name("project-x-web")
        .description(description)
        .build(&mut stack);
    let db = SecurityGroup::builder("db-sg", &vpc)
        .description("database")
        .build(&mut stack);
    stack
        .allow(Peer::any_ipv4(), &web, Port::HTTP)
        .allow(web, &db, Port::MYSQL);
    // Deployed through the command line, which lints first.
    stack.suppress(
        "web-sg/from-anywhere-tcp-80",
        "STRATUS-OPEN-TO-THE-WORLD",
        "a fixture for replacement order: the rule's shape is under test, no instance listens",
    );
    stack
}

/// Waits for the emulator, which reports everything ready at once: poll quickly.
pub fn quick_wait() -> Wait {
    Wait::uniform(Duration::from_millis(20), Duration::from_secs(120))
}

/// The emulator, the proxy in front of it, a state directory and the emptied emulator's
/// inventory.
pub struct Bench {
    pub moto: Moto,
    pub proxy: FaultProxy,
    /// Straight to the emulator: setup, resumes, checks.
    pub direct: SdkConfig,
    pub dir: tempfile::TempDir,
    /// What an emptied emulator holds (its default VPC and the like).
    pub baseline: Inventory,
}

impl Bench {
    pub async fn start() -> Self {
        let moto = Moto::start();
        let proxy = FaultProxy::start(moto.endpoint());
        let direct = moto.config().await;
        let baseline = inventory::take(&direct).await.expect("an inventory");
        Self {
            moto,
            proxy,
            direct,
            dir: tempfile::tempdir().expect("a temporary directory"),
            baseline,
        }
    }

    /// Empties the emulator and the state directory.
    pub fn reset(&self) {
        self.moto.reset();
        for entry in std::fs::read_dir(self.dir.path()).expect("the state directory") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                std::fs::remove_dir_all(path).expect("removed");
            } else {
                std::fs::remove_file(path).expect("removed");
            }
        }
    }

    /// What the emulator holds beyond the baseline.
    pub async fn held(&self) -> Inventory {
        inventory::difference(
            &inventory::take(&self.direct).await.expect("an inventory"),
            &self.baseline,
        )
    }

    /// A deployer on the state directory, straight to the emulator, collecting events.
    pub fn deployer(&self, events: &Arc<Mutex<Vec<Event>>>) -> Deployer {
        self.deployer_via(&self.direct, events)
    }

    /// A deployer on the state directory through `config`, collecting events.
    pub fn deployer_via(&self, config: &SdkConfig, events: &Arc<Mutex<Vec<Event>>>) -> Deployer {
        let seen = Arc::clone(events);
        let observer: Arc<dyn Observer> =
            Arc::new(move |e: &Event| seen.lock().unwrap().push(e.clone()));
        Deployer::new(
            Arc::new(AwsProvider::new(config).with_wait(quick_wait())),
            Arc::new(LocalBackend::new(self.dir.path(), "project-x")),
        )
        .options(ApplyOptions {
            base_delay: Duration::from_millis(20),
            max_delay: Duration::from_millis(500),
            // Dependency violations waited out for this long (AWS: 30 min).
            conflict_timeout: Duration::from_secs(60),
            ..ApplyOptions::default()
        })
        .observer(observer)
    }

    /// The recorded state.
    pub async fn state(&self) -> State {
        LocalBackend::new(self.dir.path(), "project-x")
            .load()
            .await
            .expect("the state loads")
            .unwrap_or_default()
    }

    /// Starts `verb` (`deploy`, `destroy`) of `stack` in a process of its own, through the
    /// proxy: the real command line, with the local state of this bench.
    pub fn spawn(&self, verb: &str, stack: &str) -> Child {
        Command::new(std::env::current_exe().expect("this test binary"))
            .args(["--exact", "helper_cli", "--ignored", "--nocapture"])
            .env(HELPER_STACK, stack)
            .env(HELPER_VERB, verb)
            .env(HELPER_STATE, self.dir.path())
            .env("AWS_ENDPOINT_URL", self.proxy.endpoint())
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_REGION", "us-east-1")
            .env_remove("AWS_PROFILE")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the helper process starts")
    }

    /// Runs `verb` of `stack` in a process to its end; returns its output.
    pub fn run(&self, verb: &str, stack: &str) -> std::process::Output {
        self.spawn(verb, stack)
            .wait_with_output()
            .expect("the helper process ends")
    }

    /// Runs `verb` of `stack` in a process, killing it (SIGKILL) right after the proxy has
    /// passed the `k`-th mutating call's answer. Returns whether it was killed there; `false`
    /// means the run ended before making `k` mutating calls.
    pub fn kill_at(&self, verb: &str, stack: &str, k: usize) -> bool {
        self.proxy.crash_after(Some(k));
        let mut child = self.spawn(verb, stack);
        let started = Instant::now();
        let killed = loop {
            if self.proxy.tripped() {
                child.kill().expect("SIGKILL");
                break true;
            }
            if child.try_wait().expect("the helper's status").is_some() {
                break false;
            }
            assert!(
                started.elapsed() < Duration::from_secs(600),
                "the helper neither finished nor reached call {k}"
            );
            std::thread::sleep(Duration::from_millis(2));
        };
        child.wait().expect("the helper is reaped");
        // What the process sent before it died still lands, as on AWS, where a resumed run
        // starts long after the requests of the dead one have been processed.
        if let Err(in_flight) = self.proxy.wait_idle(Duration::from_secs(60)) {
            panic!("the dead process's last requests never landed: {in_flight:?}");
        }
        self.proxy.crash_after(None);
        killed
    }
}

/// The helper process's body: the command line for `HELPER_VERB` of `HELPER_STACK`, with the
/// AWS provider from the environment (the proxy's endpoint) and local state.
pub fn helper_main() -> ! {
    let verb = std::env::var(HELPER_VERB).expect("run by a test");
    let stack_name = std::env::var(HELPER_STACK).expect("run by a test");
    let state = std::env::var(HELPER_STATE).expect("run by a test");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let config = runtime.block_on(stratus::aws::load_config());
    let provider = AwsProvider::new(&config).with_wait(quick_wait());
    drop(runtime);
    let mut app = App::new();
    app.add_stack(stack(&stack_name));
    let code = stratus::cli::run_from(
        &app,
        Some(Arc::new(provider)),
        ["app", &verb, "--yes", "--state", &state],
        &mut std::io::stdout(),
        &mut std::io::stderr(),
    );
    std::process::exit(i32::from(code));
}

/// The lock takeovers among `events`.
pub fn takeovers(events: &Arc<Mutex<Vec<Event>>>) -> usize {
    events
        .lock()
        .unwrap()
        .iter()
        .filter(|e| matches!(e, Event::LockTakenOver { .. }))
        .count()
}

/// Checks that each resource the state records exists exactly once, read with describe calls
/// written here.
pub async fn state_matches_the_cloud(config: &SdkConfig, state: &State) -> Result<(), String> {
    for (logical_id, resource) in &state.resources {
        let count = census::count(
            config,
            &resource.type_name,
            &state.stack,
            logical_id,
            &resource.physical_id,
        )
        .await?;
        if count != 1 {
            return Err(format!(
                "{logical_id} ({}, {}): {count} found",
                resource.type_name, resource.physical_id
            ));
        }
    }
    Ok(())
}

/// What a report says it kept, as inventory kinds.
pub fn kept_kinds(report: &Report) -> Inventory {
    let mut kinds = Inventory::new();
    for kept in &report.kept {
        *kinds
            .entry(kept_kind(&kept.type_name, kept.snapshot.is_some()).to_owned())
            .or_default() += 1;
    }
    kinds
}

/// What the command line says it kept (`kept Db (AWS::RDS::DBInstance …): final snapshot …`),
/// as inventory kinds.
pub fn kept_kinds_listed(stdout: &str) -> Inventory {
    let mut kinds = Inventory::new();
    for line in stdout.lines().filter_map(|l| l.strip_prefix("kept ")) {
        let type_name = line
            .split_once(" (")
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("a kept line names a type: {line}"));
        let snapshot = line.contains("final snapshot");
        *kinds
            .entry(kept_kind(type_name, snapshot).to_owned())
            .or_default() += 1;
    }
    kinds
}

fn kept_kind(type_name: &str, snapshot: bool) -> &'static str {
    match (type_name, snapshot) {
        ("AWS::RDS::DBInstance", true) => "rds:snapshot",
        ("AWS::RDS::DBInstance", false) => "rds:instance",
        ("AWS::EFS::FileSystem", _) => "efs:file-system",
        (other, _) => panic!("a kept {other} has no inventory kind here"),
    }
}

/// The sum of two inventories.
pub fn sum(a: &Inventory, b: &Inventory) -> Inventory {
    let mut out = a.clone();
    for (kind, n) in b {
        *out.entry(kind.clone()).or_default() += n;
    }
    out.retain(|_, n| *n != 0);
    out
}
