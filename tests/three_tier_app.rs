//! The reference example's application: its boot script, rendered with deploy-time values,
//! is valid bash; and the news reader it installs starts and answers `/health` (with `SQLite`,
//! as it does where no MySQL is configured). The parts that install packages and mount file
//! systems are not run here. Flask comes from the project's tools (`cargo xtask tools`); a
//! missing one fails the test.

#[path = "../examples/three_tier/stack.rs"]
mod stack;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use stratus::prelude::*;
use stratus::testing::Inspect;

/// The launch template's user data with every deploy-time value filled in as AWS would.
fn rendered_user_data() -> String {
    let tier = stack::build();
    let inspect = Inspect::new(&tier.stack);
    let template = inspect.resource("app-lt");
    let data = template
        .property("LaunchTemplateData")
        .and_then(Value::as_map)
        .and_then(|d| d.get("UserData"))
        .expect("the template has user data");
    let Value::Base64(inner) = data else {
        panic!("user data is base64-encoded: {data:?}")
    };
    let Value::Join(separator, parts) = inner.as_ref() else {
        panic!("user data joins literals and deploy-time values: {inner:?}")
    };
    let values: Vec<String> = parts
        .iter()
        .map(|part| match part {
            Value::String(text) => text.clone(),
            Value::Ref(_) => {
                "arn:aws:secretsmanager:us-east-1:123456789012:secret:key-AbCdEf".into()
            }
            Value::GetAtt(_, "Endpoint.Address") => {
                "project-x-db.c9akciq32.us-east-1.rds.amazonaws.com".into()
            }
            Value::GetAtt(_, "MasterUserSecret.SecretArn") => {
                "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1234".into()
            }
            Value::GetAtt(_, "S3Url") => {
                "s3://stratus-assets-123456789012-us-east-1/0f3a9c.zip".into()
            }
            Value::GetAtt(_, attribute) => format!("fs-0123456789abcdef0{attribute:.0}"),
            other => panic!("an unexpected part of the user data: {other:?}"),
        })
        .collect();
    values.join(separator)
}

#[test]
fn the_boot_script_rendered_with_deploy_time_values_is_valid_bash() {
    let script = rendered_user_data();
    assert!(!script.contains("{{"), "an unfilled placeholder:\n{script}");
    assert!(script.contains("MYSQL_HOST=\"project-x-db."), "{script}");
    assert!(script.contains("MYSQL_READ_HOST=\""), "{script}");
    // The app reads its secrets itself (issue 20, item 11): only their ARNs are written,
    // quoted, in a file whose here-document expands nothing.
    assert!(
        script.contains("DB_SECRET_ARN=\"arn:aws:secretsmanager:"),
        "{script}"
    );
    assert!(script.contains("<<'ENV'"), "{script}");
    for value in ["MYSQL_PASSWORD", "get-secret-value", "SECRET_KEY="] {
        assert!(
            !script.contains(value),
            "a secret's value is written: {value}"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("user_data.sh");
    std::fs::write(&file, &script).unwrap();
    let output = Command::new("bash")
        .arg("-n")
        .arg(&file)
        .output()
        .expect("bash runs");
    assert!(
        output.status.success(),
        "bash -n: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    // A broken script is caught: the check can fail.
    std::fs::write(&file, format!("{script}\nif then fi\n")).unwrap();
    let output = Command::new("bash").arg("-n").arg(&file).output().unwrap();
    assert!(!output.status.success());
}

/// Python with Flask: what `cargo xtask tools` installs, else the PATH's.
fn python() -> String {
    let installed = concat!(env!("CARGO_MANIFEST_DIR"), "/.tools/python/bin/python3");
    if std::path::Path::new(installed).exists() {
        installed.into()
    } else {
        "python3".into()
    }
}

/// The app, killed when dropped.
struct App(Child);

impl Drop for App {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One HTTP/1.1 request; the status line and the body.
fn request(
    port: u16,
    method: &str,
    path: &str,
    headers: &str,
    body: &str,
) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n{headers}Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    let status = answer.split(' ').nth(1)?.parse().ok()?;
    let body = answer.split_once("\r\n\r\n").map(|(_, b)| b.to_owned())?;
    Some((status, body))
}

#[test]
fn the_news_reader_starts_and_answers_health_with_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let app_py = dir.path().join("app.py");
    std::fs::write(&app_py, include_str!("../examples/three_tier/app/app.py")).unwrap();
    std::fs::write(
        dir.path().join("credentials.py"),
        include_str!("../examples/three_tier/app/credentials.py"),
    )
    .unwrap();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let python = python();
    let child = Command::new(&python)
        .arg(&app_py)
        .current_dir(dir.path())
        .env("PORT", port.to_string())
        .env("SQLITE_PATH", dir.path().join("news.db"))
        .env("API_KEY", "test-key")
        .env_remove("MYSQL_HOST")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{python} must run ({e}); `cargo xtask tools` installs it"));
    let mut app = App(child);
    let started = Instant::now();
    let health = loop {
        if let Some(answer) = request(port, "GET", "/health", "", "") {
            break answer;
        }
        if let Ok(Some(status)) = app.0.try_wait() {
            let mut log = String::new();
            let _ = app.0.stderr.take().unwrap().read_to_string(&mut log);
            panic!("the app exited ({status}); Flask comes from `cargo xtask tools`:\n{log}");
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the app never answered"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(health.0, 200, "{}", health.1);
    assert!(health.1.contains("\"ok\""), "{}", health.1);

    let article = r#"{"title":"Stratus ships","body":"A typed stack, deployed."}"#;
    let json = "Content-Type: application/json\r\n";
    let refused = request(port, "POST", "/articles", json, article).unwrap();
    assert_eq!(refused.0, 401, "posting needs the API key");
    let headers = format!("{json}X-Api-Key: test-key\r\n");
    let created = request(port, "POST", "/articles", &headers, article).unwrap();
    assert_eq!(created.0, 201, "{}", created.1);
    let page = request(port, "GET", "/", "", "").unwrap();
    assert_eq!(page.0, 200);
    assert!(page.1.contains("Stratus ships"), "{}", page.1);
}
