//! `AWS::RDS::DBInstance`, a primary or a read replica: unique by identifier (derived from the
//! token when none is declared), tagged with the stack's ownership; a database of the same
//! identifier that is not this intent's is refused, never adopted. Most settings change in
//! place (applied immediately); deleting keeps a final snapshot when the removal policy says so
//! (automated backups go with the instance, as with CloudFormation).

use std::collections::BTreeMap;

use async_trait::async_trait;
use aws_sdk_rds::types::DbInstance;
use stratus_core::deploy::{
    Attributes, CreateRequest, Created, DeleteRequest, ErrorKind, FindRequest, Inputs, Json, Live,
    ProviderError, TypeContract, UpdateRequest,
};

use super::{sdk_tags, sync_tags, tags_of};
use crate::contracts;
use crate::error::{absent_if_not_found as absent, classify};
use crate::handler::{Context, Handler, read_back};
use crate::inputs::{number, opt_bool, opt_i32, opt_string, string, string_list};
use crate::names::generated;
use crate::ownership;
use crate::wait::poll;

pub(super) struct Instance;

fn identifier_of(inputs: &Inputs, ownership: &BTreeMap<String, String>, token: &str) -> String {
    opt_string(inputs, "DBInstanceIdentifier")
        .map_or_else(|| generated(ownership, token, 63, true), str::to_owned)
}

async fn describe(cx: &Context, id: &str) -> Result<Option<DbInstance>, ProviderError> {
    let out = cx
        .rds
        .describe_db_instances()
        .db_instance_identifier(id)
        .send()
        .await;
    Ok(absent(out.map_err(classify))?.and_then(|o| o.db_instances().first().cloned()))
}

/// Statuses an instance passes through on its way to `available` (Terraform's
/// `waitDBInstanceAvailable` pending list, `internal/service/rds/instance.go`); any other is
/// a failure that no wait ends (`failed`, `incompatible-*`, `storage-full`,
/// `inaccessible-encryption-credentials`…).
const PASSING: &[&str] = &[
    "backing-up",
    "configuring-enhanced-monitoring",
    "configuring-iam-database-auth",
    "configuring-log-exports",
    "creating",
    "maintenance",
    "modifying",
    "moving-to-vpc",
    "rebooting",
    "renaming",
    "resetting-master-credentials",
    "starting",
    "stopping",
    "storage-config-upgrade",
    "storage-initialization",
    "storage-optimization",
    "upgrading",
];

/// Whether a modification applied immediately is still pending.
fn modification_pending(db: &aws_sdk_rds::types::DbInstance) -> bool {
    db.pending_modified_values().is_some_and(|p| {
        p.db_instance_class().is_some()
            || p.allocated_storage().is_some()
            || p.multi_az().is_some()
            || p.engine_version().is_some()
            || p.storage_type().is_some()
            || p.backup_retention_period().is_some()
    })
}

/// Waits until the instance is `available` with no modification pending: right after
/// `ModifyDBInstance` the status is still `available` for a moment, and a failed status ends the
/// wait at once, naming it.
async fn wait_available(cx: &Context, id: &str) -> Result<(), ProviderError> {
    poll(
        &cx.wait,
        "AWS::RDS::DBInstance",
        &format!("DB instance {id} to be available"),
        || async {
            let Some(db) = describe(cx, id).await? else {
                return Ok(None);
            };
            let status = db.db_instance_status().unwrap_or_default();
            if status == "available" {
                return Ok((!modification_pending(&db)).then_some(()));
            }
            if PASSING.contains(&status) {
                return Ok(None);
            }
            Err(ProviderError::new(
                ErrorKind::Other,
                format!(
                    "DB instance {id} is {status}, from which it does not become available by \
                     waiting; see its events in the RDS console"
                ),
            ))
        },
    )
    .await
}

async fn create_call(
    cx: &Context,
    request: &CreateRequest<'_>,
    id: &str,
) -> Result<(), ProviderError> {
    let inputs = request.inputs;
    let tags = sdk_tags(&ownership::desired(inputs, "Tags", request.ownership));
    if let Some(source) = opt_string(inputs, "SourceDBInstanceIdentifier") {
        cx.rds
            .create_db_instance_read_replica()
            .db_instance_identifier(id)
            .source_db_instance_identifier(source)
            .set_db_instance_class(opt_string(inputs, "DBInstanceClass").map(str::to_owned))
            .set_vpc_security_group_ids(Some(string_list(inputs, "VPCSecurityGroups")))
            .set_publicly_accessible(opt_bool(inputs, "PubliclyAccessible"))
            .set_storage_type(opt_string(inputs, "StorageType").map(str::to_owned))
            .set_multi_az(opt_bool(inputs, "MultiAZ"))
            .set_deletion_protection(opt_bool(inputs, "DeletionProtection"))
            .set_tags(Some(tags))
            .send()
            .await
            .map(|_| ())
            .map_err(classify)
    } else {
        cx.rds
            .create_db_instance()
            .db_instance_identifier(id)
            .set_engine(opt_string(inputs, "Engine").map(str::to_owned))
            .set_engine_version(opt_string(inputs, "EngineVersion").map(str::to_owned))
            .db_instance_class(string(inputs, "DBInstanceClass")?)
            .set_allocated_storage(number(inputs, "AllocatedStorage"))
            .set_storage_type(opt_string(inputs, "StorageType").map(str::to_owned))
            .set_multi_az(opt_bool(inputs, "MultiAZ"))
            .set_db_name(opt_string(inputs, "DBName").map(str::to_owned))
            .set_master_username(opt_string(inputs, "MasterUsername").map(str::to_owned))
            .set_manage_master_user_password(opt_bool(inputs, "ManageMasterUserPassword"))
            .set_db_subnet_group_name(opt_string(inputs, "DBSubnetGroupName").map(str::to_owned))
            .set_vpc_security_group_ids(Some(string_list(inputs, "VPCSecurityGroups")))
            .set_publicly_accessible(opt_bool(inputs, "PubliclyAccessible"))
            .set_backup_retention_period(opt_i32(inputs.get("BackupRetentionPeriod")))
            .set_deletion_protection(opt_bool(inputs, "DeletionProtection"))
            .set_storage_encrypted(opt_bool(inputs, "StorageEncrypted"))
            .set_port(number(inputs, "Port"))
            .set_tags(Some(tags))
            .send()
            .await
            .map(|_| ())
            .map_err(classify)
    }
}

fn live_properties(db: &DbInstance) -> Inputs {
    let mut properties = Inputs::new();
    let mut text = |key: &str, value: Option<&str>| {
        if let Some(value) = value {
            properties.insert(key.to_owned(), Json::from(value));
        }
    };
    text("DBInstanceIdentifier", db.db_instance_identifier());
    text("Engine", db.engine());
    text("EngineVersion", db.engine_version());
    text("DBInstanceClass", db.db_instance_class());
    text("StorageType", db.storage_type());
    text("DBName", db.db_name());
    text("MasterUsername", db.master_username());
    text(
        "DBSubnetGroupName",
        db.db_subnet_group().and_then(|g| g.db_subnet_group_name()),
    );
    text(
        "SourceDBInstanceIdentifier",
        db.read_replica_source_db_instance_identifier(),
    );
    let mut put = |key: &str, value: Option<Json>| {
        if let Some(value) = value {
            properties.insert(key.to_owned(), value);
        }
    };
    put(
        "AllocatedStorage",
        db.allocated_storage().map(|s| Json::from(s.to_string())),
    );
    put("MultiAZ", db.multi_az().map(Json::Bool));
    put(
        "ManageMasterUserPassword",
        Some(Json::Bool(db.master_user_secret().is_some())),
    );
    put(
        "VPCSecurityGroups",
        Some(Json::from(
            db.vpc_security_groups()
                .iter()
                .filter_map(|g| g.vpc_security_group_id().map(str::to_owned))
                .collect::<Vec<_>>(),
        )),
    );
    put(
        "PubliclyAccessible",
        db.publicly_accessible().map(Json::Bool),
    );
    put(
        "BackupRetentionPeriod",
        db.backup_retention_period().map(Json::from),
    );
    put(
        "DeletionProtection",
        db.deletion_protection().map(Json::Bool),
    );
    put("StorageEncrypted", db.storage_encrypted().map(Json::Bool));
    put(
        "Port",
        db.endpoint()
            .and_then(aws_sdk_rds::types::Endpoint::port)
            .or(db.db_instance_port())
            .map(|p| Json::from(p.to_string())),
    );
    put(
        "Tags",
        Some(ownership::as_property(&tags_of(db.tag_list()))),
    );
    properties
}

fn live_attributes(db: &DbInstance) -> Attributes {
    let text = |v: Option<&str>| Json::from(v.unwrap_or_default());
    [
        (
            "Endpoint.Address",
            text(db.endpoint().and_then(|e| e.address())),
        ),
        (
            "Endpoint.Port",
            Json::from(
                db.endpoint()
                    .and_then(aws_sdk_rds::types::Endpoint::port)
                    .unwrap_or_default()
                    .to_string(),
            ),
        ),
        (
            "MasterUserSecret.SecretArn",
            text(db.master_user_secret().and_then(|s| s.secret_arn())),
        ),
        ("DBInstanceArn", text(db.db_instance_arn())),
        ("DbiResourceId", text(db.dbi_resource_id())),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

#[async_trait]
impl Handler for Instance {
    fn contract(&self) -> &'static TypeContract {
        &contracts::rds::DB_INSTANCE
    }

    async fn create(
        &self,
        cx: &Context,
        request: CreateRequest<'_>,
    ) -> Result<Created, ProviderError> {
        let id = identifier_of(request.inputs, request.ownership, request.token);
        if request.resume.is_none() {
            match describe(cx, &id).await? {
                Some(existing) => {
                    let tags = tags_of(existing.tag_list());
                    if !ownership::made_by(&tags, request.token) {
                        return Err(ownership::refuse(&request, &id, &tags));
                    }
                }
                None => create_call(cx, &request, &id).await?,
            }
        }
        wait_available(cx, &id).await?;
        read_back(self, cx, &id).await
    }

    async fn read(&self, cx: &Context, physical_id: &str) -> Result<Option<Live>, ProviderError> {
        Ok(describe(cx, physical_id)
            .await?
            .filter(|db| db.db_instance_status() != Some("deleting"))
            .map(|db| Live {
                properties: live_properties(&db),
                attributes: live_attributes(&db),
            }))
    }

    async fn update(
        &self,
        cx: &Context,
        request: UpdateRequest<'_>,
    ) -> Result<Attributes, ProviderError> {
        let id = request.physical_id;
        let inputs = request.inputs;
        let changed = |p: &str| request.changed.iter().any(|c| c == p);
        let modifies = [
            "EngineVersion",
            "DBInstanceClass",
            "AllocatedStorage",
            "StorageType",
            "MultiAZ",
            "VPCSecurityGroups",
            "PubliclyAccessible",
            "BackupRetentionPeriod",
            "DeletionProtection",
        ];
        if modifies.iter().any(|p| changed(p)) {
            cx.rds
                .modify_db_instance()
                .db_instance_identifier(id)
                .apply_immediately(true)
                .set_engine_version(
                    opt_string(inputs, "EngineVersion")
                        .filter(|_| changed("EngineVersion"))
                        .map(str::to_owned),
                )
                .set_db_instance_class(
                    opt_string(inputs, "DBInstanceClass")
                        .filter(|_| changed("DBInstanceClass"))
                        .map(str::to_owned),
                )
                .set_allocated_storage(
                    number(inputs, "AllocatedStorage").filter(|_| changed("AllocatedStorage")),
                )
                .set_storage_type(
                    opt_string(inputs, "StorageType")
                        .filter(|_| changed("StorageType"))
                        .map(str::to_owned),
                )
                .set_multi_az(opt_bool(inputs, "MultiAZ").filter(|_| changed("MultiAZ")))
                .set_vpc_security_group_ids(
                    changed("VPCSecurityGroups").then(|| string_list(inputs, "VPCSecurityGroups")),
                )
                .set_publicly_accessible(
                    opt_bool(inputs, "PubliclyAccessible")
                        .filter(|_| changed("PubliclyAccessible")),
                )
                .set_backup_retention_period(
                    opt_i32(inputs.get("BackupRetentionPeriod"))
                        .filter(|_| changed("BackupRetentionPeriod")),
                )
                .set_deletion_protection(
                    opt_bool(inputs, "DeletionProtection")
                        .filter(|_| changed("DeletionProtection")),
                )
                .send()
                .await
                .map_err(classify)?;
        }
        if changed("Tags") {
            let arn = describe(cx, id)
                .await?
                .and_then(|db| db.db_instance_arn().map(str::to_owned))
                .unwrap_or_default();
            sync_tags(&cx.rds, &arn, &request).await?;
        }
        wait_available(cx, id).await?;
        Ok(read_back(self, cx, id).await?.attributes)
    }

    async fn delete(&self, cx: &Context, request: DeleteRequest<'_>) -> Result<(), ProviderError> {
        let id = request.physical_id;
        let Some(db) = describe(cx, id).await? else {
            return Ok(());
        };
        if db.db_instance_status() != Some("deleting") {
            let call = cx.rds.delete_db_instance().db_instance_identifier(id);
            let call = match request.snapshot {
                // The data stays in the final snapshot; automated backups go with the
                // instance, as CloudFormation's `DeletionPolicy: Snapshot` does, so that what
                // is kept is exactly what destroy lists.
                Some(snapshot) => call
                    .final_db_snapshot_identifier(snapshot)
                    .delete_automated_backups(true),
                None => call
                    .skip_final_snapshot(true)
                    .delete_automated_backups(true),
            };
            let result = call.send().await.map_err(classify);
            absent(result)?;
        }
        poll(
            &cx.wait,
            "AWS::RDS::DBInstance",
            &format!("DB instance {id} to be deleted"),
            || async { Ok(describe(cx, id).await?.is_none().then_some(())) },
        )
        .await
    }

    async fn find(
        &self,
        cx: &Context,
        request: FindRequest<'_>,
    ) -> Result<Option<Created>, ProviderError> {
        let id = identifier_of(request.inputs, request.ownership, request.token);
        match describe(cx, &id).await? {
            Some(db) if ownership::made_by(&tags_of(db.tag_list()), request.token) => {
                Ok(Some(Created {
                    physical_id: id,
                    attributes: live_attributes(&db),
                }))
            }
            _ => Ok(None),
        }
    }
}
