//! Signing in as people do: a profile whose `credential_process` prints the emulator's
//! credentials reaches moto end to end through the command line; an IAM Identity Center (SSO)
//! profile is understood (the `sso` feature is compiled in); no credentials at all fail in
//! seconds before any plan, saying how to sign in, and leave no journal.
//!
//! Each scenario runs in a process of its own (this test binary again, running the ignored
//! `scenario` test), so that its AWS environment variables are its own.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use aws_credential_types::provider::ProvideCredentials;
use stratus::App;
use stratus::aws::testing::Moto;
use stratus::cli::run_from_aws;
use stratus::prelude::*;

fn app() -> App {
    let mut stack = Stack::new("signed-in", Environment::region("us-east-1"));
    Vpc::builder("vpc")
        .cidr("10.42.0.0/16")
        .max_azs(1)
        .subnet_groups([SubnetGroup::public("public")])
        .nat_gateways(0)
        .build(&mut stack);
    let mut app = App::new();
    app.add_stack(stack);
    app
}

fn run(app: &App, args: &[&str]) -> (u8, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run_from_aws(
        app,
        std::iter::once("prog").chain(args.iter().copied()),
        &mut out,
        &mut err,
    );
    (
        code,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

/// Every variable the sign-in reads, removed from a scenario's environment.
const AWS_VARIABLES: &[&str] = &[
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_ENDPOINT_URL",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
];

/// Runs `scenario` in a process of its own with only `env` for AWS (profiles in `dir`);
/// returns what it printed.
fn run_scenario(name: &str, dir: &Path, profiles: &str, env: &[(&str, &str)]) -> String {
    std::fs::write(dir.join("config"), profiles).unwrap();
    std::fs::write(dir.join("credentials"), "").unwrap();
    let mut command = Command::new(std::env::current_exe().unwrap());
    command.args(["--ignored", "--exact", "scenario", "--nocapture"]);
    for variable in AWS_VARIABLES {
        command.env_remove(variable);
    }
    command
        .env("STRATUS_SIGN_IN_SCENARIO", name)
        .env("STRATUS_SIGN_IN_DIR", dir)
        .env("AWS_CONFIG_FILE", dir.join("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_REGION", "eu-west-1")
        .env("HOME", dir);
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "scenario {name}:\n{text}");
    text
}

/// One scenario, in the process `run_scenario` starts; prints what the parent checks.
#[test]
#[ignore = "run by sign_in_by_credential_process_and_sso_and_none_at_all in a process of its own"]
fn scenario() {
    let name = std::env::var("STRATUS_SIGN_IN_SCENARIO").expect("started by the parent test");
    let dir = std::path::PathBuf::from(std::env::var("STRATUS_SIGN_IN_DIR").unwrap());
    let state = dir.join("state");
    let state = state.to_str().unwrap();
    match name.as_str() {
        "deploy" | "plan" => {
            let args: &[&str] = if name == "deploy" {
                &["deploy", "--yes", "--state", state]
            } else {
                &["plan", "--state", state]
            };
            let started = Instant::now();
            let (code, out, err) = run(&app(), args);
            println!(
                "code={code}\ntook={:?}\n--out--\n{out}\n--err--\n{err}",
                started.elapsed()
            );
            println!(
                "journal={}",
                Path::new(state).join("signed-in.journal.jsonl").exists()
            );
        }
        "sso" => {
            let runtime = tokio::runtime::Runtime::new().unwrap();
            let refusal = runtime.block_on(async {
                let config = stratus::aws::Connection::region("us-east-1").load().await;
                let provider = config.credentials_provider().unwrap();
                format!("{:?}", provider.provide_credentials().await.unwrap_err())
            });
            println!("refusal={refusal}");
        }
        other => panic!("no scenario {other}"),
    }
}

#[test]
fn sign_in_by_credential_process_and_sso_and_none_at_all() {
    let dir = tempfile::tempdir().unwrap();

    // No credentials anywhere: refused before any plan, in seconds, naming the ways to sign in.
    let printed = run_scenario("deploy", dir.path(), "", &[]);
    assert!(!printed.contains("code=0"), "{printed}");
    assert!(printed.contains("not signed in to AWS"), "{printed}");
    assert!(printed.contains("aws sso login"), "{printed}");
    assert!(
        !printed.contains("to create"),
        "a plan was shown: {printed}"
    );
    assert!(
        printed.contains("journal=false"),
        "a journal was left: {printed}"
    );

    // credential_process: a helper prints the emulator's credentials; the command line plans
    // against moto with them, in the stack's region (not AWS_REGION's), and says which account
    // it reached.
    let moto = Moto::start();
    let helper = dir.path().join("credentials-helper.sh");
    let called = dir.path().join("helper-was-called");
    std::fs::write(
        &helper,
        format!(
            "#!/bin/sh\ntouch {}\necho '{{\"Version\": 1, \"AccessKeyId\": \"testing\", \"SecretAccessKey\": \"testing\"}}'\n",
            called.display()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&helper, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let printed = run_scenario(
        "plan",
        dir.path(),
        &format!(
            "[profile helper]\ncredential_process = {}\nregion = eu-west-1\n",
            helper.display()
        ),
        &[
            ("AWS_PROFILE", "helper"),
            ("AWS_ENDPOINT_URL", moto.endpoint()),
        ],
    );
    assert!(printed.contains("code=0"), "{printed}");
    assert!(called.exists(), "the credential_process helper was not run");
    assert!(
        printed.contains("signed-in: account 123456789012, region us-east-1"),
        "{printed}"
    );
    assert!(printed.contains("to create"), "{printed}");

    // IAM Identity Center: the profile is understood (with the feature off, the SDK answers
    // that the `sso` feature is required); without a cached token, it asks to sign in.
    let printed = run_scenario(
        "sso",
        dir.path(),
        "[profile sso]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Dev\nregion = us-east-1\n\n[sso-session corp]\nsso_start_url = https://corp.awsapps.example/start\nsso_region = us-east-1\n",
        &[("AWS_PROFILE", "sso")],
    );
    let refusal = printed
        .lines()
        .find(|l| l.starts_with("refusal="))
        .unwrap_or_default();
    assert!(
        !refusal.contains("feature"),
        "the sso feature is not compiled in: {refusal}"
    );
    assert!(
        refusal.to_ascii_lowercase().contains("token"),
        "an SSO profile without a cached token: {printed}"
    );
}
