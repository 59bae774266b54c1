//! `--local` on the command line, against the real emulator: the first deploy starts moto
//! server in the background and records it beside a state of its own, later commands reach
//! the same emulator, `destroy --local` stops it; a missing moto server is a clear error with
//! the install command.

use std::net::TcpStream;
use std::path::Path;

use stratus::App;
use stratus::aws::local::LocalEmulator;
use stratus::cli::run_from_aws;
use stratus::prelude::*;

fn app() -> App {
    let mut stack = Stack::new("local-demo", Environment::region("us-east-1"));
    let vpc = Vpc::builder("vpc")
        .cidr("10.42.0.0/16")
        .max_azs(1)
        .subnet_groups([SubnetGroup::public("public")])
        .nat_gateways(0)
        .build(&mut stack);
    let web = SecurityGroup::builder("web-sg", &vpc).build(&mut stack);
    stack.allow(Peer::ipv4("203.0.113.7/32"), &web, Port::HTTPS);
    stack.output("VpcId", vpc.id(), "the VPC");
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

fn answers(port: u16) -> bool {
    TcpStream::connect(("127.0.0.1", port)).is_ok()
}

#[test]
fn deploy_local_starts_reuses_and_stops_the_emulator() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("local");
    let state = state.to_str().unwrap();
    let app = app();

    let (code, out, err) = run(&app, &["deploy", "--local", "--yes", "--state", state]);
    assert_eq!(code, 0, "{out}\n{err}");
    let emulator = LocalEmulator::running(Path::new(state)).expect("recorded and answering");
    assert!(answers(emulator.port));
    assert!(out.contains("VpcId = vpc-"), "{out}");

    // A later command reaches the same emulator: nothing to change.
    let (code, out, err) = run(&app, &["plan", "--local", "--state", state]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("0 to create") && out.contains("unchanged"),
        "{out}"
    );
    assert_eq!(
        LocalEmulator::running(Path::new(state)),
        Some(emulator.clone())
    );
    let (_, out, _) = run(&app, &["resources", "--local", "--state", state]);
    assert!(
        out.contains("AWS::EC2::VPC") && out.contains("vpc-"),
        "{out}"
    );
    let (_, out, _) = run(&app, &["local", "status", "--state", state]);
    assert!(out.contains(&emulator.endpoint()), "{out}");

    let (code, out, err) = run(&app, &["destroy", "--local", "--yes", "--state", state]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("stopped the local emulator"), "{out}");
    let stopped = (0..50).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(100));
        !answers(emulator.port)
    });
    assert!(stopped, "the emulator still answers on {}", emulator.port);
    assert_eq!(LocalEmulator::running(Path::new(state)), None);

    // Without moto server: the error says how to install it, and nothing is started.
    let missing = LocalEmulator::ensure_with(
        &dir.path().join("elsewhere"),
        Some(dir.path().join("no-such-moto-server")),
    )
    .unwrap_err()
    .to_string();
    assert!(
        missing.contains("moto server is not installed")
            && missing.contains("cargo xtask tools")
            && missing.contains("pip install 'moto[server]==5.2.5'"),
        "{missing}"
    );
    assert_eq!(LocalEmulator::running(&dir.path().join("elsewhere")), None);
}
