//! Cases of file systems, mount targets, database subnet groups and databases.

#![allow(clippy::too_many_lines)] // one literal case per type: a list, not logic

use serde_json::json;

use crate::conformance::{Case, Stranger, Variant};
use crate::removal::RemovalPolicy;
use crate::stack::Stack;
use stratus_cfn::efs::{CfnFileSystem, CfnMountTarget};
use stratus_cfn::rds::{CfnDbInstance, CfnDbSubnetGroup};

use super::{attribute, group, stack, subnet, vpc};

/// A database (and, for `replica`, its read replica as the resource under test).
fn database_stack(name: &str, v: Variant, replica: bool) -> Stack {
    let mut s = stack(name);
    let vpc = vpc(&mut s, "vpc", "10.0.0.0/16");
    let a = subnet(&mut s, "private-a", vpc, "10.0.1.0/24", "a");
    let b = subnet(&mut s, "private-b", vpc, "10.0.2.0/24", "b");
    let subnets = s.add(
        "subnets",
        CfnDbSubnetGroup::new("database subnets", vec![a, b]),
    );
    let group = group(&mut s, "group", vpc);
    let other = self::group(&mut s, "other", vpc);
    let primary = !replica;
    let update = |n: usize| primary && v == Variant::Update(n);
    if replica || v != Variant::Without {
        let db = s.add(
            "db",
            CfnDbInstance {
                db_instance_identifier: Some(format!("{name}-db").into()),
                engine: Some("mysql".into()),
                engine_version: Some((if update(7) { "8.0.40" } else { "8.0.39" }).into()),
                db_instance_class: Some(
                    (if update(0) {
                        "db.t3.small"
                    } else {
                        "db.t3.micro"
                    })
                    .into(),
                ),
                allocated_storage: Some((if update(1) { "30" } else { "20" }).into()),
                storage_type: Some((if update(1) { "gp2" } else { "gp3" }).into()),
                multi_az: Some(update(2).into()),
                db_name: Some(
                    (if primary && v == Variant::Replace {
                        "otherdb"
                    } else {
                        "appdb"
                    })
                    .into(),
                ),
                master_username: Some("admin".into()),
                manage_master_user_password: Some(true.into()),
                db_subnet_group_name: Some(subnets.into()),
                vpc_security_groups: Some(
                    (if update(5) { vec![other] } else { vec![group] }).into(),
                ),
                publicly_accessible: Some(update(6).into()),
                backup_retention_period: Some((if update(3) { 3 } else { 1 }).into()),
                deletion_protection: Some(update(4).into()),
                storage_encrypted: Some(true.into()),
                port: Some("3306".into()),
                ..CfnDbInstance::default()
            },
        );
        s.set_removal_policy(db.id(), RemovalPolicy::Destroy);
        if replica && v != Variant::Without {
            s.add(
                "replica",
                CfnDbInstance {
                    db_instance_identifier: Some(format!("{name}-replica").into()),
                    engine: Some("mysql".into()),
                    db_instance_class: Some(
                        (if v == Variant::Update(0) {
                            "db.t3.small"
                        } else {
                            "db.t3.micro"
                        })
                        .into(),
                    ),
                    vpc_security_groups: Some(
                        (if v == Variant::Update(1) {
                            vec![other]
                        } else {
                            vec![group]
                        })
                        .into(),
                    ),
                    publicly_accessible: Some((v == Variant::Update(2)).into()),
                    source_db_instance_identifier: Some(db.into()),
                    ..CfnDbInstance::default()
                },
            );
        }
    }
    s
}

pub(super) fn cases() -> Vec<Case> {
    vec![
        Case {
            type_name: "AWS::EFS::FileSystem",
            label: "",
            target: "files",
            build: |v| {
                let mut s = stack("conf-efs");
                if v != Variant::Without {
                    let files = s.add(
                        "files",
                        CfnFileSystem {
                            encrypted: Some(true.into()),
                            performance_mode: Some(
                                (if v == Variant::Replace {
                                    "maxIO"
                                } else {
                                    "generalPurpose"
                                })
                                .into(),
                            ),
                            throughput_mode: Some(
                                (if v == Variant::Update(0) {
                                    "elastic"
                                } else {
                                    "bursting"
                                })
                                .into(),
                            ),
                            ..CfnFileSystem::default()
                        },
                    );
                    s.set_removal_policy(files.id(), RemovalPolicy::Destroy);
                }
                s
            },
            updates: &[&["ThroughputMode"]],
            replace: Some("PerformanceMode"),
            stranger: Stranger::NotApplicable(
                "file systems are made idempotent by a creation token from the intent",
            ),
        },
        Case {
            type_name: "AWS::EFS::MountTarget",
            label: "",
            target: "mount",
            build: |v| {
                let mut s = stack("conf-mount");
                let vpc = vpc(&mut s, "vpc", "10.0.0.0/16");
                let a = subnet(&mut s, "private-a", vpc, "10.0.1.0/24", "a");
                let b = subnet(&mut s, "private-b", vpc, "10.0.2.0/24", "b");
                let group = group(&mut s, "group", vpc);
                let other = self::group(&mut s, "other", vpc);
                let files = s.add(
                    "files",
                    CfnFileSystem {
                        encrypted: Some(true.into()),
                        ..CfnFileSystem::default()
                    },
                );
                s.set_removal_policy(files.id(), RemovalPolicy::Destroy);
                if v != Variant::Without {
                    s.add(
                        "mount",
                        CfnMountTarget::new(
                            files,
                            if v == Variant::Update(0) {
                                vec![other]
                            } else {
                                vec![group]
                            },
                            if v == Variant::Replace { b } else { a },
                        ),
                    );
                }
                s
            },
            updates: &[&["SecurityGroups"]],
            replace: Some("SubnetId"),
            stranger: Stranger::Changed(|inputs, state| {
                inputs.insert(
                    "SecurityGroups".into(),
                    json!([attribute(state, "Other", "GroupId")]),
                );
            }),
        },
        Case {
            type_name: "AWS::RDS::DBSubnetGroup",
            label: "",
            target: "subnets",
            build: |v| {
                let mut s = stack("conf-dbsubnets");
                let vpc = vpc(&mut s, "vpc", "10.0.0.0/16");
                let a = subnet(&mut s, "private-a", vpc, "10.0.1.0/24", "a");
                let b = subnet(&mut s, "private-b", vpc, "10.0.2.0/24", "b");
                let c = subnet(&mut s, "private-c", vpc, "10.0.3.0/24", "c");
                if v != Variant::Without {
                    s.add(
                        "subnets",
                        CfnDbSubnetGroup::new(
                            if v == Variant::Update(0) {
                                "database subnets, renamed"
                            } else {
                                "database subnets"
                            },
                            if v == Variant::Update(1) {
                                vec![a, b, c]
                            } else {
                                vec![a, b]
                            },
                        ),
                    );
                }
                s
            },
            updates: &[&["DBSubnetGroupDescription"], &["SubnetIds"]],
            replace: None,
            stranger: Stranger::NotApplicable("subnet group names derive from the intent's token"),
        },
        Case {
            type_name: "AWS::RDS::DBInstance",
            label: "",
            target: "db",
            build: |v| database_stack("conf-db", v, false),
            updates: &[
                &["DBInstanceClass"],
                &["AllocatedStorage", "StorageType"],
                &["MultiAZ"],
                &["BackupRetentionPeriod"],
                &["DeletionProtection"],
                &["VPCSecurityGroups"],
                &["PubliclyAccessible"],
                &["EngineVersion"],
            ],
            replace: Some("DBName"),
            stranger: Stranger::SameInputs,
        },
        Case {
            type_name: "AWS::RDS::DBInstance",
            label: "read replica",
            target: "replica",
            build: |v| database_stack("conf-replica", v, true),
            updates: &[
                &["DBInstanceClass"],
                &["VPCSecurityGroups"],
                &["PubliclyAccessible"],
            ],
            replace: None,
            stranger: Stranger::SameInputs,
        },
    ]
}
