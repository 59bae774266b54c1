//! Files written before the fields of issue 20 existed still load: a saved plan without the
//! removal-policy change and its count, a lock without the holder's machine id and pid
//! namespace (judged "cannot be told", never "dead"), a state and a journal intent as they were.

use stratus::deploy::{JournalEntry, Liveness, LockHolder, SavedPlan, State};
use stratus::removal::RemovalPolicy;

/// A saved plan as `plan --out` wrote it before `Change::removal_before` and `Summary::policy`.
const OLD_SAVED_PLAN: &str = r#"[{
  "format": 1, "stack": "s", "state": "00", "template": "11", "refresh": true,
  "plan": {
    "stack": "s",
    "changes": [{"logical_id": "Db", "path": "s/db", "type_name": "AWS::RDS::DBInstance",
                 "action": {"kind": "update"}, "properties": [], "removal": "snapshot"}],
    "summary": {"create": 0, "update": 1, "replace": 0, "delete": 0, "unchanged": 3},
    "drift": [], "data_loss": []
  }
}]"#;

/// A lock as it was written before the machine id and pid namespace were recorded.
const OLD_LOCK: &str = r#"{"pid": 4242, "host": "runner", "operation": "deploy",
  "since": 1700000000, "boot": "0b7e6f8e-0000-4000-8000-000000000000", "started": 99}"#;

const OLD_STATE: &str = r#"{"version": 1, "stack": "s", "serial": 7, "resources": {
  "Vpc": {"type_name": "AWS::EC2::VPC", "physical_id": "vpc-1", "inputs": {"CidrBlock": "10.0.0.0/16"},
          "attributes": {"VpcId": "vpc-1"}, "depends_on": [], "ownership": {"stratus:stack": "s"},
          "token": "stratus-0-1", "removal": "retain"}}}"#;

const OLD_INTENT: &str = r#"{"entry": "intent", "seq": 1, "logical_id": "Vpc", "operation": "Create",
  "type_name": "AWS::EC2::VPC", "token": "stratus-0-1", "ownership": {"stratus:stack": "s"},
  "physical_id": null, "inputs": {"CidrBlock": "10.0.0.0/16"}, "depends_on": [],
  "removal": "destroy", "path": "s/vpc"}"#;

#[test]
fn files_written_before_still_load() {
    let plans: Vec<SavedPlan> = serde_json::from_str(OLD_SAVED_PLAN).unwrap();
    let plan = &plans[0].plan;
    assert_eq!(plan.summary.policy, 0);
    assert_eq!(plan.changes[0].removal_before, None);
    assert!(plan.has_changes());

    let holder: LockHolder = serde_json::from_str(OLD_LOCK).unwrap();
    assert_eq!(holder.machine, None);
    // Whatever this machine is, an old lock of another boot is not provably dead any more.
    assert!(!matches!(holder.liveness(), Liveness::Dead(_)));

    let state: State = serde_json::from_str(OLD_STATE).unwrap();
    assert_eq!(state.resources["Vpc"].removal, RemovalPolicy::Retain);
    let intent: JournalEntry = serde_json::from_str(OLD_INTENT).unwrap();
    assert!(matches!(intent, JournalEntry::Intent { seq: 1, .. }));
}
