//! Breadth: one resource of every generated CloudFormation type, its required properties filled
//! from the type's schema table, declared on stacks of at most 500 resources (cfn-lint's limit,
//! E3010). `validate()` must accept every one, and cfn-lint must find no error in the templates
//! Stratus writes, except the types listed in `exceptions.rs`, each with why. cfn-lint comes from
//! PyPI (`.ci/run` installs the pinned version); a missing cfn-lint fails the test.
//!
//! `cargo test --manifest-path breadth/Cargo.toml -- --nocapture`

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use stratus_breadth::required_properties;
use stratus_core::escape::RawResource;
use stratus_core::synth::template_json;
use stratus_core::{Environment, Stack};

/// Types per template: under cfn-lint's 500.
const PER_TEMPLATE: usize = 400;

mod exceptions;
use exceptions::EXCEPTIONS;

/// `AWS::EC2::VPC` → `awsec2vpc`: a construct id that names the type.
fn construct_id(type_name: &str) -> String {
    type_name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase()
}

/// One stack per chunk of types, each type declared once, with its types by logical id.
fn stacks(types: &[&'static str]) -> Vec<(Stack, BTreeMap<String, &'static str>)> {
    types
        .chunks(PER_TEMPLATE)
        .enumerate()
        .map(|(n, chunk)| {
            let mut stack = Stack::new(&format!("breadth{n}"), Environment::region("us-east-1"));
            let mut by_id = BTreeMap::new();
            for type_name in chunk {
                let schema = stratus_cfn::schema(type_name).expect("a compiled-in schema");
                let mut resource = RawResource::new(*type_name);
                for (name, value) in required_properties(schema) {
                    resource = resource.property(name, value);
                }
                let handle = stack.add_raw(&construct_id(type_name), resource);
                by_id.insert(stack.node(handle.id()).path.logical_id(), *type_name);
            }
            (stack, by_id)
        })
        .collect()
}

/// cfn-lint's errors in a template, as (logical id, rule, message).
fn lint_errors(name: &str, template: &str) -> Vec<(String, String, String)> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(format!("{name}.template.json"));
    std::fs::write(&file, template).unwrap();
    let output = Command::new("cfn-lint")
        .args(["--format", "json", "--regions", "us-east-1", "--"])
        .arg(&file)
        .output()
        .expect("cfn-lint must be installed (pip install cfn-lint); CI installs it");
    let matches: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "cfn-lint printed no JSON ({e}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    matches
        .as_array()
        .expect("a list of matches")
        .iter()
        .filter(|m| m["Level"] == "Error")
        .map(|m| {
            let path = &m["Location"]["Path"];
            let logical = if path[0] == "Resources" {
                path[1].as_str().unwrap_or("")
            } else {
                ""
            };
            (
                logical.to_owned(),
                m["Rule"]["Id"].as_str().unwrap_or("").to_owned(),
                m["Message"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

#[test]
fn every_generated_type_validates_and_passes_cfn_lint() {
    let types = stratus_cfn::type_names();
    assert_eq!(
        types.len(),
        1583,
        "every type of the pinned schemas is generated"
    );
    let stacks = stacks(&types);

    // Stratus's own check accepts every sample it was built from.
    let mut rejected = Vec::new();
    for (stack, _) in &stacks {
        if let Err(errors) = stack.validate() {
            rejected.extend(errors.0.iter().map(ToString::to_string));
        }
    }

    // cfn-lint, two templates at a time (one per core).
    let mut failing: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    let results: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = stacks
            .iter()
            .enumerate()
            .map(|(n, (stack, by_id))| {
                let template = template_json(stack);
                scope.spawn(move || (lint_errors(&format!("breadth{n}"), &template), by_id))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (errors, logical) in results {
        for (id, rule, message) in errors {
            let type_name = logical.get(&id).copied().unwrap_or("(template)");
            failing
                .entry(type_name)
                .or_default()
                .push(format!("{rule}: {message}"));
        }
    }
    // Every type cfn-lint refused, listed or not: what `exceptions.rs` is made from.
    for (type_name, problems) in &failing {
        println!("refused {type_name}: {}", problems.join(" | "));
    }
    let excepted: BTreeSet<&str> = EXCEPTIONS.iter().map(|(t, _)| *t).collect();
    let unexpected: Vec<String> = failing
        .iter()
        .filter(|(t, _)| !excepted.contains(*t))
        .map(|(t, problems)| format!("{t}: {}", problems.join(" | ")))
        .collect();
    let stale: Vec<&str> = excepted
        .iter()
        .filter(|t| !failing.contains_key(*t))
        .copied()
        .collect();
    println!(
        "{} types declared in {} templates; validate() rejected {}; cfn-lint failed {} ({} listed exceptions)",
        types.len(),
        stacks.len(),
        rejected.len(),
        failing.len(),
        EXCEPTIONS.len()
    );
    assert!(
        rejected.is_empty() && unexpected.is_empty(),
        "validate() rejected {} of its own samples:\n{}\n\ncfn-lint errors on {} types:\n{}",
        rejected.len(),
        rejected.join("\n"),
        unexpected.len(),
        unexpected.join("\n")
    );
    assert!(
        stale.is_empty(),
        "listed exceptions cfn-lint now accepts: {stale:?}"
    );
}
