//! The deploy verbs of the command line on the reference example, with an in-process cloud.

mod support;

#[path = "../examples/three_tier/stack.rs"]
mod three_tier;

use std::sync::Arc;

use stratus::App;
use stratus::cli::{EXIT_CHANGES, run_from};
use stratus::deploy::Provider;
use support::fake_cloud::FakeCloud;

fn app() -> App {
    let mut app = App::new();
    app.add_stack(three_tier::build().stack);
    app
}

fn run(provider: Option<Arc<dyn Provider>>, args: &[&str]) -> (u8, String, String) {
    run_app(&app(), provider, args)
}

fn run_app(app: &App, provider: Option<Arc<dyn Provider>>, args: &[&str]) -> (u8, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run_from(
        app,
        provider,
        std::iter::once("three_tier").chain(args.iter().copied()),
        &mut out,
        &mut err,
    );
    (
        code,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

#[test]
fn plan_deploy_outputs_destroy() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().to_str().unwrap();
    let cloud = FakeCloud::new();
    let provider: Arc<dyn Provider> = Arc::new(cloud.clone());
    let p = || Some(Arc::clone(&provider));

    let (code, out, _) = run(p(), &["plan", "--state", state, "--detailed-exitcode"]);
    assert_eq!(code, EXIT_CHANGES, "{out}");
    assert!(
        out.starts_with(
            "Stack project-x (region us-east-1): 70 to create, 0 to update, 0 to replace, 0 to delete, 0 unchanged"
        ),
        "{out}"
    );
    assert!(out.contains("IAM changes:"), "{out}");

    let (code, out, _) = run(p(), &["plan", "--state", state, "--json"]);
    assert_eq!(code, 0);
    let plans: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(plans[0]["summary"]["create"], 70);

    // Without a terminal, deploying needs --yes.
    let (code, _, err) = run(p(), &["deploy", "--state", state]);
    assert_eq!(code, 1);
    assert!(err.contains("run it with --yes"), "{err}");
    assert!(cloud.by_logical_id("project-x").is_empty());

    let (code, out, err) = run(
        p(),
        &["deploy", "--state", state, "--yes", "--concurrency", "8"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("done in"), "{out}");
    assert!(out.contains("LoadBalancerDns = fake-"), "{out}");
    assert_eq!(
        err.lines()
            .filter(|l| l.trim_start().starts_with("created"))
            .count(),
        70,
        "{err}"
    );
    assert!(dir.path().join("project-x.state.json").exists());

    let (code, out, _) = run(
        p(),
        &[
            "plan",
            "--state",
            state,
            "--detailed-exitcode",
            "--no-color",
        ],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("no changes"), "{out}");

    let (code, out, _) = run(None, &["outputs", "--state", state, "--json"]);
    assert_eq!(code, 0);
    let outputs: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(
        outputs["project-x"]["CloudFrontDomain"]
            .as_str()
            .unwrap()
            .ends_with(".DomainName")
    );

    // The file system is retained and the database keeps a final snapshot (their defaults);
    // destroy says so.
    let (code, out, err) = run(p(), &["destroy", "--state", state, "--yes"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("69 delete calls"), "{out}");
    assert!(
        out.contains("kept Efs (AWS::EFS::FileSystem fake-")
            && out.contains("no longer managed by this stack (removal policy Retain)"),
        "{out}"
    );
    assert!(
        out.contains("kept Db (AWS::RDS::DBInstance fake-")
            && out.contains("final snapshot project-x-db-final-"),
        "{out}"
    );
    let left: Vec<String> = cloud.by_logical_id("project-x").into_keys().collect();
    assert_eq!(left, ["Efs"]);
    let snapshots = cloud.snapshot().snapshots;
    assert_eq!(snapshots.len(), 1, "{snapshots:?}");
    assert!(
        snapshots[0].starts_with("project-x-db-final-"),
        "{snapshots:?}"
    );
    assert_eq!(cloud.snapshot().conflicts, 0);

    let (code, out, _) = run(None, &["force-unlock", "--state", state]);
    assert_eq!(code, 0);
    assert_eq!(out.trim(), "project-x: was not locked");
}

#[test]
fn deploy_verbs_say_what_is_missing() {
    let (code, _, err) = run(None, &["deploy", "--yes"]);
    assert_eq!(code, 1);
    assert!(err.contains("no provider to deploy with"), "{err}");
    let provider: Arc<dyn Provider> = Arc::new(FakeCloud::new());
    // Checked before any client is made: no request leaves the machine.
    let (code, _, err) = run(Some(provider), &["plan", "--state", "s3:///no-bucket"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("s3:///no-bucket is not an S3 location; write s3://bucket/prefix"),
        "{err}"
    );
}

#[test]
fn saved_plans_drift_import_and_data_loss_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let state = state.to_str().unwrap();
    let plan_file = dir.path().join("plan.json");
    let plan_file = plan_file.to_str().unwrap();
    let cloud = FakeCloud::new();
    let provider: Arc<dyn Provider> = Arc::new(cloud.clone());
    let p = || Some(Arc::clone(&provider));

    // A saved plan is applied exactly, without a question.
    let (code, out, _) = run(p(), &["plan", "--state", state, "--out", plan_file]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("saved to"), "{out}");
    let (code, out, err) = run(p(), &["deploy", plan_file, "--state", state]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("70 create"), "{out}");
    // Applying it again: the state moved since it was made.
    let (code, _, err) = run(p(), &["deploy", plan_file, "--state", state]);
    assert_eq!(code, 1);
    assert!(
        err.contains("the saved plan of stack project-x is stale"),
        "{err}"
    );

    // A change made outside: drift lists it, --detailed-exitcode says so, plan shows it.
    let recorded: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("state/project-x.state.json")).unwrap(),
    )
    .unwrap();
    let asg = recorded["resources"]["Asg"]["physical_id"]
        .as_str()
        .unwrap();
    cloud.modify(asg, "MaxSize", "10".into());
    let (code, out, _) = run(p(), &["drift", "--state", state, "--detailed-exitcode"]);
    assert_eq!(code, EXIT_CHANGES, "{out}");
    assert!(out.contains("1 of 70 resources differ"), "{out}");
    assert!(
        out.contains("MaxSize: recorded \"6\", live \"10\""),
        "{out}"
    );
    let (code, out, _) = run(p(), &["drift", "--state", state, "--json"]);
    assert_eq!(code, 0);
    let drift: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(drift[0]["resources"][0]["logical_id"], "Asg");
    let (_, out, _) = run(p(), &["plan", "--state", state, "--no-color"]);
    assert!(out.contains("MaxSize: \"10\" -> \"6\""), "{out}");
    let (_, out, _) = run(
        p(),
        &["plan", "--state", state, "--no-color", "--refresh=false"],
    );
    assert!(out.contains("no changes"), "{out}");
    let (code, _, err) = run(p(), &["deploy", "--state", state, "--yes"]);
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = run(p(), &["drift", "--state", state]);
    assert_eq!(code, 0);
    assert!(out.contains("no drift"), "{out}");

    // Import: a resource the state does not record, checked against the declaration.
    let mut state_file: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("state/project-x.state.json")).unwrap(),
    )
    .unwrap();
    let listener = state_file["resources"]["AlbHttp"]["physical_id"]
        .as_str()
        .unwrap()
        .to_owned();
    state_file["resources"]
        .as_object_mut()
        .unwrap()
        .remove("AlbHttp");
    std::fs::write(
        dir.path().join("state/project-x.state.json"),
        state_file.to_string(),
    )
    .unwrap();
    let (code, out, err) = run(
        p(),
        &["import", "project-x/alb/http", &listener, "--state", state],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(&format!(
            "imported AWS::ElasticLoadBalancingV2::Listener {listener} as AlbHttp"
        )),
        "{out}"
    );
    let (_, out, _) = run(p(), &["plan", "--state", state, "--no-color"]);
    assert!(out.contains("no changes"), "{out}");

    let (code, out, _) = run(p(), &["destroy", "--state", state, "--yes"]);
    assert_eq!(code, 0);
    assert!(out.contains("kept Db"), "{out}");
}

#[test]
fn deleting_data_without_a_snapshot_needs_a_flag_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().to_str().unwrap();
    let cloud = FakeCloud::new();
    let provider: Arc<dyn Provider> = Arc::new(cloud.clone());
    let p = || Some(Arc::clone(&provider));
    let mut app = App::new();
    app.add_stack(
        three_tier::build_with(&three_tier::Settings {
            keep_data: false,
            ..three_tier::Settings::default()
        })
        .stack,
    );
    let (code, _, err) = run_app(&app, p(), &["deploy", "--state", state, "--yes"]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = run_app(&app, p(), &["destroy", "--state", state, "--yes"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("! project-x/db (AWS::RDS::DBInstance) would be deleted without a snapshot"),
        "{out}"
    );
    assert!(
        err.contains("add --allow-data-loss Db --allow-data-loss Efs to proceed"),
        "{err}"
    );
    assert_eq!(
        cloud.by_logical_id("project-x").len(),
        67,
        "nothing was deleted"
    );
    let (code, out, err) = run_app(
        &app,
        p(),
        &[
            "destroy",
            "--state",
            state,
            "--yes",
            "--allow-data-loss",
            "Db",
            "--allow-data-loss",
            "project-x/efs",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("70 delete calls"), "{out}");
    assert!(cloud.by_logical_id("project-x").is_empty());
}
