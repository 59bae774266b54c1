//! checkov over a synthesized template, and the cross-check of its failed checks against
//! Stratus's findings. checkov comes from PyPI, pinned (`.ci/run` installs it in a virtual
//! environment of its own and names it in `STRATUS_CHECKOV`); a missing checkov fails the
//! test, it is never skipped.

use std::process::Command;

use stratus::lint::LintReport;
use stratus::prelude::*;

/// The pinned version, as `.ci/run` installs it.
pub const CHECKOV_VERSION: &str = "3.3.30";

/// One check checkov failed: its id and the logical id of the resource.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Failed {
    pub check: String,
    pub logical_id: String,
}

/// The checks checkov fails on `template`.
pub fn failed_checks(name: &str, template: &str) -> Vec<Failed> {
    // `STRATUS_CHECKOV`, else what `cargo xtask tools` installs, else the PATH's.
    let installed = concat!(env!("CARGO_MANIFEST_DIR"), "/.tools/checkov/bin/checkov");
    let checkov = std::env::var("STRATUS_CHECKOV").unwrap_or_else(|_| {
        if std::path::Path::new(installed).exists() {
            installed.into()
        } else {
            "checkov".into()
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(format!("{name}.template.json"));
    std::fs::write(&file, template).unwrap();
    let output = Command::new(&checkov)
        .args([
            "--framework",
            "cloudformation",
            "--skip-download",
            "--quiet",
            "--compact",
        ])
        .args(["-o", "json", "-f"])
        .arg(&file)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "checkov must be installed ({checkov}: {e}); \
                 pip install 'checkov=={CHECKOV_VERSION}', or set STRATUS_CHECKOV; CI installs it"
            )
        });
    let text = String::from_utf8_lossy(&output.stdout);
    let report: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "checkov printed no JSON ({e}):\n{text}\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    // One framework gives an object, several a list of them.
    let reports = match report {
        serde_json::Value::Array(items) => items,
        other => vec![other],
    };
    let version = reports[0]["summary"]["checkov_version"]
        .as_str()
        .unwrap_or_default();
    assert_eq!(version, CHECKOV_VERSION, "the pinned checkov");
    let mut failed: Vec<Failed> = reports
        .iter()
        .flat_map(|r| {
            r["results"]["failed_checks"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .map(|check| {
            let resource = check["resource"].as_str().unwrap();
            Failed {
                check: check["check_id"].as_str().unwrap().to_owned(),
                logical_id: resource.rsplit('.').next().unwrap().to_owned(),
            }
        })
        .collect();
    failed.sort();
    failed.dedup();
    failed
}

/// Whether a Stratus finding, suppressed or not, names `failed`'s check on its resource.
pub fn maps_to_a_finding(stack: &Stack, report: &LintReport, failed: &Failed) -> bool {
    report.findings.iter().any(|finding| {
        finding.checkov.contains(&failed.check.as_str())
            && stack
                .graph()
                .find(&finding.path)
                .is_some_and(|i| stack.graph().node(i).logical_id == failed.logical_id)
    })
}

/// Runs checkov on `stack`'s template and fails on any failed check that no Stratus finding
/// maps to, other than the listed `(check, logical id, why)` exceptions, each of which must
/// still be reported (so the list stays true). Returns checkov's failed checks.
pub fn assert_cross_check(
    name: &str,
    stack: &Stack,
    report: &LintReport,
    exceptions: &[(&str, &str, &str)],
) -> Vec<Failed> {
    let failed = failed_checks(name, &stratus::synth::template_json(stack));
    let unmapped: Vec<&Failed> = failed
        .iter()
        .filter(|f| !maps_to_a_finding(stack, report, f))
        .filter(|f| {
            !exceptions
                .iter()
                .any(|(check, id, _)| f.check == *check && f.logical_id == *id)
        })
        .collect();
    assert!(
        unmapped.is_empty(),
        "checkov failed checks on {name} that no Stratus finding maps to: {unmapped:#?}\nfindings:\n{}",
        report
            .findings
            .iter()
            .map(|f| format!("  {f}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
    for (check, id, why) in exceptions {
        assert!(
            failed
                .iter()
                .any(|f| f.check == *check && f.logical_id == *id),
            "{check} on {id} is listed as an exception ({why}) but checkov no longer reports it: \
             remove it from the list"
        );
    }
    failed
}
