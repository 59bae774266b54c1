//! RDS: DB subnet groups, DB instances (master password managed in Secrets Manager by RDS) and
//! read replicas.

use std::collections::BTreeMap;

use aws_sdk_rds::Client;
use aws_sdk_rds::types::Tag;
use stratus_core::deploy::{
    Attributes, CreateRequest, Created, ErrorKind, Inputs, Json, ProviderError,
};

use crate::error::{absent_if_not_found, classify, invalid};
use crate::inputs::{number, opt_bool, opt_i32, opt_string, string, string_list, tags};
use crate::names::generated;
use crate::wait::{Wait, poll};

/// The types this module handles.
pub(crate) const TYPES: &[&str] = &["AWS::RDS::DBSubnetGroup", "AWS::RDS::DBInstance"];

fn rds_tags(inputs: &Inputs, ownership: &BTreeMap<String, String>) -> Vec<Tag> {
    tags(inputs, "Tags", ownership)
        .into_iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect()
}

/// The instance's attributes once it is available.
async fn instance(
    client: &Client,
    wait: &Wait,
    identifier: &str,
) -> Result<Created, ProviderError> {
    poll(
        wait,
        "AWS::RDS::DBInstance",
        &format!("DB instance {identifier} to be available"),
        || async {
            let out = client
                .describe_db_instances()
                .db_instance_identifier(identifier)
                .send()
                .await
                .map_err(classify)?;
            let Some(db) = out.db_instances().first() else {
                return Ok(None);
            };
            if db.db_instance_status() != Some("available") {
                return Ok(None);
            }
            let text = |v: Option<&str>| Json::String(v.unwrap_or_default().to_owned());
            let mut attributes = Attributes::new();
            attributes.insert(
                "Endpoint.Address".into(),
                text(db.endpoint().and_then(|e| e.address())),
            );
            attributes.insert(
                "Endpoint.Port".into(),
                Json::String(
                    db.endpoint()
                        .and_then(aws_sdk_rds::types::Endpoint::port)
                        .unwrap_or_default()
                        .to_string(),
                ),
            );
            attributes.insert(
                "MasterUserSecret.SecretArn".into(),
                text(db.master_user_secret().and_then(|s| s.secret_arn())),
            );
            attributes.insert("DBInstanceArn".into(), text(db.db_instance_arn()));
            Ok(Some(Created {
                physical_id: identifier.to_owned(),
                attributes,
            }))
        },
    )
    .await
}

pub(crate) async fn create(
    client: &Client,
    wait: &Wait,
    request: CreateRequest<'_>,
) -> Result<Created, ProviderError> {
    let inputs = request.inputs;
    match request.type_name {
        "AWS::RDS::DBSubnetGroup" => {
            let name = opt_string(inputs, "DBSubnetGroupName").map_or_else(
                || generated(request.ownership, request.token, 255, true),
                str::to_owned,
            );
            match client
                .create_db_subnet_group()
                .db_subnet_group_name(&name)
                .db_subnet_group_description(string(inputs, "DBSubnetGroupDescription")?)
                .set_subnet_ids(Some(string_list(inputs, "SubnetIds")))
                .set_tags(Some(rds_tags(inputs, request.ownership)))
                .send()
                .await
                .map_err(classify)
            {
                Err(e) if !e.message.contains("AlreadyExists") => return Err(e),
                _ => {}
            }
            Ok(Created {
                physical_id: name,
                attributes: Attributes::new(),
            })
        }
        "AWS::RDS::DBInstance" => {
            let identifier = opt_string(inputs, "DBInstanceIdentifier").map_or_else(
                || generated(request.ownership, request.token, 63, true),
                str::to_owned,
            );
            let result = if let Some(source) = opt_string(inputs, "SourceDBInstanceIdentifier") {
                client
                    .create_db_instance_read_replica()
                    .db_instance_identifier(&identifier)
                    .source_db_instance_identifier(source)
                    .set_db_instance_class(opt_string(inputs, "DBInstanceClass").map(str::to_owned))
                    .set_vpc_security_group_ids(Some(string_list(inputs, "VPCSecurityGroups")))
                    .set_publicly_accessible(opt_bool(inputs, "PubliclyAccessible"))
                    .set_tags(Some(rds_tags(inputs, request.ownership)))
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(classify)
            } else {
                client
                    .create_db_instance()
                    .db_instance_identifier(&identifier)
                    .set_engine(opt_string(inputs, "Engine").map(str::to_owned))
                    .set_engine_version(opt_string(inputs, "EngineVersion").map(str::to_owned))
                    .db_instance_class(string(inputs, "DBInstanceClass")?)
                    .set_allocated_storage(number(inputs, "AllocatedStorage"))
                    .set_storage_type(opt_string(inputs, "StorageType").map(str::to_owned))
                    .set_multi_az(opt_bool(inputs, "MultiAZ"))
                    .set_db_name(opt_string(inputs, "DBName").map(str::to_owned))
                    .set_master_username(opt_string(inputs, "MasterUsername").map(str::to_owned))
                    .set_manage_master_user_password(opt_bool(inputs, "ManageMasterUserPassword"))
                    .set_db_subnet_group_name(
                        opt_string(inputs, "DBSubnetGroupName").map(str::to_owned),
                    )
                    .set_vpc_security_group_ids(Some(string_list(inputs, "VPCSecurityGroups")))
                    .set_publicly_accessible(opt_bool(inputs, "PubliclyAccessible"))
                    .set_backup_retention_period(opt_i32(inputs.get("BackupRetentionPeriod")))
                    .set_deletion_protection(opt_bool(inputs, "DeletionProtection"))
                    .set_storage_encrypted(opt_bool(inputs, "StorageEncrypted"))
                    .set_port(number(inputs, "Port"))
                    .set_tags(Some(rds_tags(inputs, request.ownership)))
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(classify)
            };
            match result {
                Err(e) if !e.message.contains("AlreadyExists") => return Err(e),
                _ => {}
            }
            instance(client, wait, &identifier).await
        }
        other => Err(invalid(format!("rds does not handle {other}"))),
    }
}

pub(crate) async fn update(
    client: &Client,
    wait: &Wait,
    type_name: &str,
    physical_id: &str,
    inputs: &Inputs,
    _changed: &[String],
) -> Result<Attributes, ProviderError> {
    match type_name {
        "AWS::RDS::DBSubnetGroup" => {
            client
                .modify_db_subnet_group()
                .db_subnet_group_name(physical_id)
                .set_db_subnet_group_description(
                    opt_string(inputs, "DBSubnetGroupDescription").map(str::to_owned),
                )
                .set_subnet_ids(Some(string_list(inputs, "SubnetIds")))
                .send()
                .await
                .map_err(classify)?;
            Ok(Attributes::new())
        }
        _ => {
            client
                .modify_db_instance()
                .db_instance_identifier(physical_id)
                .apply_immediately(true)
                .set_db_instance_class(opt_string(inputs, "DBInstanceClass").map(str::to_owned))
                .set_allocated_storage(number(inputs, "AllocatedStorage"))
                .set_multi_az(opt_bool(inputs, "MultiAZ"))
                .set_backup_retention_period(opt_i32(inputs.get("BackupRetentionPeriod")))
                .set_deletion_protection(opt_bool(inputs, "DeletionProtection"))
                .set_vpc_security_group_ids(Some(string_list(inputs, "VPCSecurityGroups")))
                .send()
                .await
                .map_err(classify)?;
            Ok(instance(client, wait, physical_id).await?.attributes)
        }
    }
}

pub(crate) async fn delete(
    client: &Client,
    wait: &Wait,
    type_name: &str,
    physical_id: &str,
) -> Result<(), ProviderError> {
    match type_name {
        "AWS::RDS::DBSubnetGroup" => client
            .delete_db_subnet_group()
            .db_subnet_group_name(physical_id)
            .send()
            .await
            .map(|_| ())
            .map_err(classify),
        _ => {
            client
                .delete_db_instance()
                .db_instance_identifier(physical_id)
                .skip_final_snapshot(true)
                .delete_automated_backups(true)
                .send()
                .await
                .map_err(classify)?;
            poll(
                wait,
                "AWS::RDS::DBInstance",
                &format!("DB instance {physical_id} to be deleted"),
                || async {
                    match client
                        .describe_db_instances()
                        .db_instance_identifier(physical_id)
                        .send()
                        .await
                        .map_err(classify)
                    {
                        Ok(out) => Ok(out.db_instances().is_empty().then_some(())),
                        Err(e) if e.kind == ErrorKind::NotFound => Ok(Some(())),
                        Err(e) => Err(e),
                    }
                },
            )
            .await
        }
    }
}

pub(crate) async fn read(
    client: &Client,
    type_name: &str,
    physical_id: &str,
) -> Result<Option<Attributes>, ProviderError> {
    let result = if type_name == "AWS::RDS::DBSubnetGroup" {
        client
            .describe_db_subnet_groups()
            .db_subnet_group_name(physical_id)
            .send()
            .await
            .map(|o| !o.db_subnet_groups().is_empty())
            .map_err(classify)
    } else {
        client
            .describe_db_instances()
            .db_instance_identifier(physical_id)
            .send()
            .await
            .map(|o| !o.db_instances().is_empty())
            .map_err(classify)
    };
    Ok(absent_if_not_found(result)?.and_then(|exists| exists.then(Attributes::new)))
}

pub(crate) async fn find(
    client: &Client,
    wait: &Wait,
    type_name: &str,
    token: &str,
    ownership: &BTreeMap<String, String>,
) -> Result<Option<Created>, ProviderError> {
    let (name, max) = if type_name == "AWS::RDS::DBSubnetGroup" {
        ("group", 255)
    } else {
        ("instance", 63)
    };
    let candidate = generated(ownership, token, max, true);
    match read(client, type_name, &candidate).await? {
        None => Ok(None),
        Some(_) if name == "group" => Ok(Some(Created {
            physical_id: candidate,
            attributes: Attributes::new(),
        })),
        Some(_) => instance(client, wait, &candidate).await.map(Some),
    }
}
