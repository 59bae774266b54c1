//! The reference application's secrets (issue 20, item 11), against the emulator's Secrets
//! Manager: the app reads the database login when it connects and again after the database
//! refuses it (RDS rotates the password it manages every seven days), and a secret that cannot
//! be read stops the app with the secret's name instead of leaving a value empty. The Python
//! side is `tests/python/test_app_credentials.py`; Python with boto3 comes from the project's
//! tools (`cargo xtask tools`, which installs moto and with it boto3).

use std::path::Path;
use std::process::{Command, Output};

use stratus::aws::testing::Moto;

const APP: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/three_tier/app");

/// Python with boto3: what `cargo xtask tools` installs, else the PATH's.
fn python() -> String {
    let installed = concat!(env!("CARGO_MANIFEST_DIR"), "/../.tools/python/bin/python3");
    if Path::new(installed).exists() {
        installed.into()
    } else {
        "python3".into()
    }
}

/// `args` run by Python against the emulator, with the app's directory importable.
fn run(moto: &Moto, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(python());
    command
        .args(args)
        .current_dir(APP)
        .env("PYTHONPATH", APP)
        .env("AWS_ENDPOINT_URL", moto.endpoint())
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env_remove("AWS_PROFILE")
        .env_remove("DB_SECRET_ARN")
        .env_remove("SECRET_KEY_ARN")
        .env_remove("API_KEY_ARN");
    for (key, value) in env {
        command.env(key, value);
    }
    command
        .output()
        .expect("python runs; `cargo xtask tools` installs it")
}

#[test]
fn the_app_reads_a_rotated_login_again_and_stops_on_a_secret_it_cannot_read() {
    let moto = Moto::start();
    let tests = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/python/test_app_credentials.py"
    );
    let unit = run(&moto, &[tests, "-v"], &[]);
    let log = String::from_utf8_lossy(&unit.stderr);
    println!("{log}");
    assert!(unit.status.success(), "the app's credential tests:\n{log}");
    assert!(log.contains("Ran 4 tests"), "every test ran:\n{log}");

    // The app itself refuses to start without its SECRET_KEY, naming the secret.
    let missing = "arn:aws:secretsmanager:us-east-1:123456789012:secret:missing-AbCdEf";
    let app = run(
        &moto,
        &["app.py"],
        &[("SECRET_KEY_ARN", missing), ("PORT", "0")],
    );
    let stderr = String::from_utf8_lossy(&app.stderr);
    assert!(!app.status.success(), "the app started without its key");
    assert!(
        stderr.contains("SecretUnavailable") && stderr.contains(missing),
        "the failure names the secret:\n{stderr}"
    );
}
