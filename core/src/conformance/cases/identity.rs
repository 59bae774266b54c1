//! Cases of IAM roles, inline policies, instance profiles and secrets.

#![allow(clippy::too_many_lines)] // one literal case per type: a list, not logic

use serde_json::json;

use crate::conformance::{Case, Stranger, Variant};
use crate::value::Value;
use stratus_cfn::iam::{CfnInstanceProfile, CfnRole, CfnRolePolicy};
use stratus_cfn::secretsmanager::CfnSecret;
use stratus_cfn::secretsmanager::secret::GenerateSecretString;

use super::{stack, value};

fn trust(service: &str) -> Value {
    value(&json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]
    }))
}

fn role(name: Option<&str>) -> CfnRole {
    CfnRole {
        role_name: name.map(str::to_owned).map(Into::into),
        managed_policy_arns: Some(vec!["arn:aws:iam::aws:policy/ReadOnlyAccess"].into()),
        description: Some("conformance".into()),
        ..CfnRole::new(trust("ec2.amazonaws.com"))
    }
}

fn role_named_none() -> CfnRole {
    role(None)
}

pub(super) fn cases() -> Vec<Case> {
    vec![
        Case {
            type_name: "AWS::IAM::Role",
            label: "",
            target: "role",
            build: |v| {
                let mut s = stack("conf-role");
                if v != Variant::Without {
                    let mut role = role(Some(if v == Variant::Replace {
                        "conf-role-2"
                    } else {
                        "conf-role"
                    }));
                    match v {
                        Variant::Update(0) => {
                            role.assume_role_policy_document = trust("lambda.amazonaws.com").into();
                        }
                        Variant::Update(1) => {
                            role.managed_policy_arns = Some(
                                vec!["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"].into(),
                            );
                        }
                        Variant::Update(2) => {
                            role.description = Some("conformance, described again".into());
                        }
                        _ => {}
                    }
                    s.add("role", role);
                }
                s
            },
            updates: &[
                &["AssumeRolePolicyDocument"],
                &["ManagedPolicyArns"],
                &["Description"],
            ],
            replace: Some("RoleName"),
            stranger: Stranger::SameInputs,
        },
        Case {
            type_name: "AWS::IAM::RolePolicy",
            label: "",
            target: "read",
            build: |v| {
                let mut s = stack("conf-rolepolicy");
                let role = s.add("role", role(None));
                if v != Variant::Without {
                    let action = if v == Variant::Update(0) {
                        "s3:GetObject"
                    } else {
                        "secretsmanager:GetSecretValue"
                    };
                    s.add(
                        "read",
                        CfnRolePolicy {
                            policy_document: Some(
                                value(&json!({
                                    "Version": "2012-10-17",
                                    "Statement": [{"Effect": "Allow", "Action": [action], "Resource": "*"}]
                                }))
                                .into(),
                            ),
                            ..CfnRolePolicy::new(
                                if v == Variant::Replace { "read-2" } else { "read" },
                                role,
                            )
                        },
                    );
                }
                s
            },
            updates: &[&["PolicyDocument"]],
            replace: Some("PolicyName"),
            stranger: Stranger::Changed(|inputs, _| {
                inputs.insert(
                    "PolicyDocument".into(),
                    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}),
                );
            }),
        },
        Case {
            type_name: "AWS::IAM::InstanceProfile",
            label: "",
            target: "profile",
            build: |v| {
                let mut s = stack("conf-profile");
                let role = s.add("role", role(None));
                let other = s.add("other-role", role_named_none());
                if v != Variant::Without {
                    s.add(
                        "profile",
                        CfnInstanceProfile {
                            instance_profile_name: Some(
                                (if v == Variant::Replace {
                                    "conf-profile-2"
                                } else {
                                    "conf-profile"
                                })
                                .into(),
                            ),
                            ..CfnInstanceProfile::new(vec![if v == Variant::Update(0) {
                                other
                            } else {
                                role
                            }])
                        },
                    );
                }
                s
            },
            updates: &[&["Roles"]],
            replace: Some("InstanceProfileName"),
            stranger: Stranger::SameInputs,
        },
        Case {
            type_name: "AWS::SecretsManager::Secret",
            label: "",
            target: "secret",
            build: |v| {
                let mut s = stack("conf-secret");
                if v != Variant::Without {
                    s.add(
                        "secret",
                        CfnSecret {
                            name: Some(
                                (if v == Variant::Replace {
                                    "conf-secret-2"
                                } else {
                                    "conf-secret"
                                })
                                .into(),
                            ),
                            description: Some(
                                (if v == Variant::Update(0) {
                                    "api key, again"
                                } else {
                                    "api key"
                                })
                                .into(),
                            ),
                            generate_secret_string: Some(
                                GenerateSecretString {
                                    password_length: Some(
                                        (if v == Variant::Update(1) { 40 } else { 32 }).into(),
                                    ),
                                    exclude_characters: Some("\"@/\\".into()),
                                    secret_string_template: Some(r#"{"username":"app"}"#.into()),
                                    generate_string_key: Some("password".into()),
                                    ..GenerateSecretString::default()
                                }
                                .into(),
                            ),
                            ..CfnSecret::default()
                        },
                    );
                }
                s
            },
            updates: &[&["Description"], &["GenerateSecretString"]],
            replace: Some("Name"),
            stranger: Stranger::SameInputs,
        },
    ]
}
