//! The cross-check with checkov: every check checkov fails on a synthesized template maps to a
//! Stratus finding on the same resource (suppressed or not), except the listed checks, each
//! with why. Runs on the reference example whenever the tests run, and on the hardened one.

mod support;

#[path = "../examples/three_tier/stack.rs"]
mod three_tier;

#[path = "../examples/three_tier_hardened/logs.rs"]
mod logs;
#[path = "../examples/three_tier_hardened/stack.rs"]
mod stack;

use stratus::lint::Linter;
use support::checkov::assert_cross_check;

/// CloudFormation refuses `StorageEncrypted` on a read replica, which inherits its source's
/// encryption; checkov reads the property anyway. Stratus reports the source instead.
const REPLICA_INHERITS_ENCRYPTION: (&str, &str, &str) = (
    "CKV_AWS_16",
    "DbReplica",
    "a replica inherits its source's encryption and cannot set StorageEncrypted",
);

#[test]
fn every_check_checkov_fails_on_the_reference_maps_to_a_stratus_finding() {
    let stack = three_tier::build().stack;
    let report = Linter::with_builtin_rules().run(&stack);
    let failed = assert_cross_check(
        "three_tier",
        &stack,
        &report,
        &[
            REPLICA_INHERITS_ENCRYPTION,
            (
                "CKV_AWS_149",
                "SecretKey",
                "the app's keys use Secrets Manager's AWS-managed key; Stratus has no rule asking for a customer-managed one",
            ),
            (
                "CKV_AWS_149",
                "ApiKey",
                "the app's keys use Secrets Manager's AWS-managed key; Stratus has no rule asking for a customer-managed one",
            ),
        ],
    );
    // The tutorial's mistakes are there for checkov to find; this test must be able to fail.
    assert!(failed.len() >= 10, "{failed:#?}");
    assert!(
        failed
            .iter()
            .any(|f| f.check == "CKV_AWS_260" && f.logical_id == "LbSgFromAnywhereTcp80"),
        "{failed:#?}"
    );
    println!(
        "checkov failed {} checks on three_tier, all accounted for",
        failed.len()
    );
}

#[test]
fn the_hardened_example_leaves_checkov_only_the_listed_checks() {
    let stack = stack::build().stack;
    let report = Linter::with_builtin_rules().run(&stack);
    let failed = assert_cross_check(
        "three_tier_hardened",
        &stack,
        &report,
        &[
            REPLICA_INHERITS_ENCRYPTION,
            (
                "CKV_AWS_18",
                "Logs",
                "the log bucket is the access-log destination; logging it into itself loops",
            ),
            (
                "CKV_AWS_149",
                "AppSecret",
                "the secret uses Secrets Manager's AWS-managed key; Stratus has no rule asking for a customer-managed one",
            ),
        ],
    );
    assert_eq!(failed.len(), 3, "{failed:#?}");
}
