//! IAM: roles, their inline policies, instance profiles.

use stratus_core::deploy::{Compare, Identity, PropertySpec, TypeContract};

static INSTANCE_PROFILE_PROPERTIES: [PropertySpec; 2] = [
    PropertySpec::create_only("InstanceProfileName"),
    PropertySpec::updatable("Roles"),
];

/// `AWS::IAM::InstanceProfile`.
pub(crate) static INSTANCE_PROFILE: TypeContract = TypeContract::new(
    "AWS::IAM::InstanceProfile",
    Identity::Named("InstanceProfileName"),
    &INSTANCE_PROFILE_PROPERTIES,
);

static ROLE_PROPERTIES: [PropertySpec; 5] = [
    PropertySpec::create_only("RoleName"),
    PropertySpec::updatable("AssumeRolePolicyDocument").compared(Compare::Document),
    PropertySpec::updatable("ManagedPolicyArns")
        .compared(Compare::Unordered)
        .resets_to("[]"),
    PropertySpec::updatable("Description").resets_to(r#""""#),
    PropertySpec::updatable("Tags")
        .compared(Compare::Tags)
        .resets_to("[]"),
];

/// `AWS::IAM::Role`.
pub(crate) static ROLE: TypeContract = TypeContract::new(
    "AWS::IAM::Role",
    Identity::Named("RoleName"),
    &ROLE_PROPERTIES,
);

static ROLE_POLICY_PROPERTIES: [PropertySpec; 3] = [
    PropertySpec::create_only("PolicyName"),
    PropertySpec::updatable("PolicyDocument").compared(Compare::Document),
    PropertySpec::create_only("RoleName"),
];

/// `AWS::IAM::RolePolicy`.
pub(crate) static ROLE_POLICY: TypeContract = TypeContract::new(
    "AWS::IAM::RolePolicy",
    Identity::Child {
        parent: "RoleName",
        key: &["RoleName", "PolicyName"],
    },
    &ROLE_POLICY_PROPERTIES,
);
