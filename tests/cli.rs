//! The command line on the reference example: synth, graph, validate.

#[path = "../examples/three_tier/stack.rs"]
mod stack;

use stratus::App;
use stratus::cli::{EXIT_FAILURE, run_from};

fn app(stacks: usize) -> App {
    let mut app = App::new();
    for i in 0..stacks {
        app.add_stack(stack::build_named(&format!("project-x-{i}")).stack);
    }
    app
}

fn run(app: &App, args: &[&str]) -> (u8, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run_from(
        app,
        None,
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
fn synth_writes_templates_manifest_and_graphs() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    let app = app(2);
    let (code, out, err) = run(&app, &["synth", "--out", out_dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("synthesized 2 stack(s), 140 resources"),
        "{out}"
    );
    let mut files: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "manifest.json",
            "project-x-0.assets.json",
            "project-x-0.dot",
            "project-x-0.template.json",
            "project-x-1.assets.json",
            "project-x-1.dot",
            "project-x-1.template.json"
        ]
    );
    // The asset manifest: the app's code, by hash, with where it goes.
    let assets: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out_dir.join("project-x-0.assets.json")).unwrap(),
    )
    .unwrap();
    let app_code = &assets[0];
    assert_eq!(app_code["path"], "project-x-0/app-code");
    assert_eq!(app_code["packaging"], "zip");
    assert_eq!(
        app_code["key"],
        format!("{}.zip", app_code["hash"].as_str().unwrap())
    );
    assert_eq!(
        app_code["bucket"],
        "stratus-assets-${AWS::AccountId}-${AWS::Region}"
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out_dir.join("manifest.json")).unwrap())
            .unwrap();
    assert_eq!(
        manifest["stacks"][1]["template"],
        "project-x-1.template.json"
    );
    assert_eq!(
        manifest["stacks"][0]["resources"].as_array().unwrap().len(),
        70
    );
}

#[test]
fn synth_refuses_an_invalid_app_and_writes_nothing() {
    use stratus::prelude::*;
    let mut stack = Stack::new("bad", Environment::region("us-east-1"));
    Vpc::builder("vpc").cidr("10.0.0.0/33").build(&mut stack);
    let mut app = App::new();
    app.add_stack(stack);
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    let (code, _, err) = run(&app, &["synth", "--out", out_dir.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.contains("bad/vpc: malformed cidr"), "{err}");
    assert!(!out_dir.exists());
}

#[test]
fn graph_formats() {
    let app = app(1);
    let (code, dot, _) = run(&app, &["graph"]);
    assert_eq!(code, 0);
    assert!(dot.starts_with("digraph \"project-x-0\""));
    let (_, mermaid, _) = run(&app, &["graph", "--format", "mermaid"]);
    assert!(mermaid.contains("Vpc --> VpcPublicA"), "{mermaid}");
    let (_, architecture, _) = run(&app, &["graph", "--architecture"]);
    assert!(
        architecture.contains("label=\"tcp 3306\""),
        "{architecture}"
    );
    let (code, _, err) = run(&app, &["graph", "--format", "png"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn graph_svg_is_drawn_in_process_without_graphviz() {
    let app = app(1);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("arch.svg");
    // No `dot` on the PATH this process passes on: the built-in renderer needs none.
    let (code, _, err) = run(
        &app,
        &["graph", "--format", "svg", "--out", file.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{err}");
    let svg = std::fs::read_to_string(file).unwrap();
    assert!(svg.starts_with("<?xml") && svg.contains("<svg"), "{svg}");
    for label in [
        "alb",
        "asg",
        "read replica",
        "Multi-AZ",
        "tcp 5000",
        "internet",
    ] {
        assert!(svg.contains(label), "the diagram lacks {label}");
    }
}

#[test]
fn graphviz_draws_the_clusters_or_says_how_to_install_it() {
    let app = app(1);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("arch.svg");
    let args = [
        "graph",
        "--format",
        "svg",
        "--renderer",
        "graphviz",
        "--out",
        file.to_str().unwrap(),
    ];
    let (code, _, err) = run(&app, &args);
    let installed = std::process::Command::new("dot").arg("-V").output().is_ok();
    if installed {
        assert_eq!(code, 0, "{err}");
        let svg = std::fs::read_to_string(file).unwrap();
        // Graphviz draws the zones as clusters.
        assert!(svg.contains("class=\"cluster\""), "{svg}");
    } else {
        assert_eq!(code, EXIT_FAILURE);
        assert!(err.contains("apt-get install graphviz"), "{err}");
    }
}

#[test]
fn validate_json_on_a_valid_app() {
    let (code, out, _) = run(&app(1), &["validate", "--json"]);
    assert_eq!(code, 0);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        report,
        serde_json::json!({"valid": true, "stacks": 1, "errors": []})
    );
}
