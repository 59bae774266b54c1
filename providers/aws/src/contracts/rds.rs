//! RDS: subnet groups, instances and read replicas.

use stratus_core::deploy::{Compare, Identity, Inputs, Json, PropertySpec, TypeContract};

static DB_INSTANCE_PROPERTIES: [PropertySpec; 19] = [
    // RDS stores identifiers in lower case.
    PropertySpec::create_only("DBInstanceIdentifier").compared(Compare::IgnoreCase),
    PropertySpec::create_only("Engine"),
    // Automatic minor version upgrades move the live version on.
    PropertySpec::updatable("EngineVersion").compared(Compare::MinorUpgrades),
    PropertySpec::updatable("DBInstanceClass"),
    PropertySpec::updatable("AllocatedStorage"),
    PropertySpec::updatable("StorageType"),
    // No one default: a read replica takes its source's backups and zones unless it declares them.
    PropertySpec::updatable("MultiAZ"),
    PropertySpec::create_only("DBName"),
    PropertySpec::create_only("MasterUsername"),
    PropertySpec::create_only("ManageMasterUserPassword"),
    PropertySpec::create_only("DBSubnetGroupName").compared(Compare::IgnoreCase),
    PropertySpec::updatable("VPCSecurityGroups").compared(Compare::Unordered),
    PropertySpec::updatable("PubliclyAccessible"),
    PropertySpec::updatable("BackupRetentionPeriod"),
    PropertySpec::updatable("DeletionProtection").resets_to("false"),
    PropertySpec::create_only("StorageEncrypted"),
    PropertySpec::create_only("Port"),
    PropertySpec::create_only("SourceDBInstanceIdentifier").compared(Compare::IgnoreCase),
    PropertySpec::updatable("Tags")
        .compared(Compare::Tags)
        .resets_to("[]"),
];

fn managed_password_only(inputs: &Inputs) -> Result<(), String> {
    match inputs
        .get("ManageMasterUserPassword")
        .and_then(Json::as_bool)
    {
        Some(false) => Err(
            "ManageMasterUserPassword false: stratus-aws creates databases whose master password \
             RDS keeps in Secrets Manager only"
                .into(),
        ),
        _ => Ok(()),
    }
}

/// `AWS::RDS::DBInstance`.
pub(crate) static DB_INSTANCE: TypeContract = TypeContract::new(
    "AWS::RDS::DBInstance",
    Identity::Named("DBInstanceIdentifier"),
    &DB_INSTANCE_PROPERTIES,
)
.with_snapshot()
.with_validation(managed_password_only);

static DB_SUBNET_GROUP_PROPERTIES: [PropertySpec; 4] = [
    PropertySpec::create_only("DBSubnetGroupName").compared(Compare::IgnoreCase),
    PropertySpec::updatable("DBSubnetGroupDescription"),
    PropertySpec::updatable("SubnetIds").compared(Compare::Unordered),
    PropertySpec::updatable("Tags")
        .compared(Compare::Tags)
        .resets_to("[]"),
];

/// `AWS::RDS::DBSubnetGroup`.
pub(crate) static DB_SUBNET_GROUP: TypeContract = TypeContract::new(
    "AWS::RDS::DBSubnetGroup",
    Identity::Named("DBSubnetGroupName"),
    &DB_SUBNET_GROUP_PROPERTIES,
);
