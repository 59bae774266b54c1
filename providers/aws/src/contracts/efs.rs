//! EFS: file systems and their mount targets.

use stratus_core::deploy::{Compare, Identity, PropertySpec, TypeContract};

static FILE_SYSTEM_PROPERTIES: [PropertySpec; 4] = [
    PropertySpec::create_only("Encrypted"),
    PropertySpec::create_only("PerformanceMode"),
    PropertySpec::updatable("ThroughputMode").resets_to(r#""bursting""#),
    PropertySpec::updatable("FileSystemTags")
        .compared(Compare::Tags)
        .resets_to("[]"),
];

/// `AWS::EFS::FileSystem`.
pub(crate) static FILE_SYSTEM: TypeContract = TypeContract::new(
    "AWS::EFS::FileSystem",
    Identity::Generated,
    &FILE_SYSTEM_PROPERTIES,
);

static MOUNT_TARGET_PROPERTIES: [PropertySpec; 3] = [
    PropertySpec::create_only("FileSystemId"),
    PropertySpec::create_only("SubnetId"),
    PropertySpec::updatable("SecurityGroups").compared(Compare::Unordered),
];

/// `AWS::EFS::MountTarget`.
pub(crate) static MOUNT_TARGET: TypeContract = TypeContract::new(
    "AWS::EFS::MountTarget",
    Identity::Child {
        parent: "FileSystemId",
        key: &["FileSystemId", "SubnetId"],
    },
    &MOUNT_TARGET_PROPERTIES,
);
