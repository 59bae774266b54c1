//! `Stratus::Asset::File`: a file asset in the account's asset bucket
//! (`stratus-assets-<account>-<region>`), as CDK's bootstrap bucket holds its assets.
//!
//! The bucket is outside every stack: made on first use (encrypted with S3-managed keys,
//! versioned, public access blocked) and marked Stratus's by the tag `stratus:bootstrap=assets`,
//! put on last, so a tagged bucket is a finished one. An untagged bucket of that name is adopted
//! only when it is empty and this account's (an interrupted bootstrap); any other is refused.
//! Objects are keyed by content hash: an object that exists with the declared hash is not
//! uploaded again, and no stack's destroy deletes one (other stacks may use it).

use std::collections::HashMap;
use std::io::{Cursor, Write};
use std::path::Path;

use async_trait::async_trait;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{
    BucketLocationConstraint, BucketVersioningStatus, CreateBucketConfiguration,
    PublicAccessBlockConfiguration, ServerSideEncryption, ServerSideEncryptionByDefault,
    ServerSideEncryptionConfiguration, ServerSideEncryptionRule, Tag, Tagging,
    VersioningConfiguration,
};
use stratus_core::asset::{
    ASSET_BUCKET_TAG, ASSET_BUCKET_TAG_VALUE, Packaging, asset_bucket, directory_files,
    is_executable, source_hash,
};
use stratus_core::deploy::{
    Attributes, CreateRequest, Created, DeleteRequest, FindRequest, Inputs, Json, Live,
    ProviderError, TypeContract, UpdateRequest,
};
use tracing::info;

use crate::contracts;
use crate::error::{absent_if_not_found, classify, invalid};
use crate::handler::{Context, Handler, read_back};
use crate::inputs::string;

/// Object metadata naming the content's hash and packaging (`x-amz-meta-…`).
const HASH_METADATA: &str = "stratus-hash";
const PACKAGING_METADATA: &str = "stratus-packaging";

pub(crate) struct FileAsset;

/// The handlers of this module.
pub(crate) const HANDLERS: &[&dyn Handler] = &[&FileAsset];

/// The account and its asset bucket, the bucket made or finished on first use (once per
/// provider).
async fn bucket(cx: &Context) -> Result<&(String, String), ProviderError> {
    cx.asset_bucket_ready
        .get_or_try_init(|| bootstrap(cx))
        .await?;
    account_and_bucket(cx).await
}

/// The account the credentials belong to and the bucket's name there (asked once).
async fn account_and_bucket(cx: &Context) -> Result<&(String, String), ProviderError> {
    cx.asset_account
        .get_or_try_init(|| async {
            let identity = cx
                .sts
                .get_caller_identity()
                .send()
                .await
                .map_err(classify)?;
            let account = identity
                .account()
                .ok_or_else(|| invalid("STS named no account"))?
                .to_owned();
            let region = cx
                .region
                .as_deref()
                .ok_or_else(|| invalid("no region is configured: set AWS_REGION"))?;
            Ok((account.clone(), asset_bucket(&account, region)))
        })
        .await
}

async fn bootstrap(cx: &Context) -> Result<(), ProviderError> {
    let (account, name) = account_and_bucket(cx).await?.clone();
    let region = cx.region.clone().unwrap_or_default();
    let exists = cx
        .s3
        .head_bucket()
        .bucket(&name)
        .expected_bucket_owner(&account)
        .send()
        .await
        .map_err(classify);
    if absent_if_not_found(exists)?.is_some() {
        let tags = bucket_tags(cx, &name, &account).await?;
        if tags.get(ASSET_BUCKET_TAG).map(String::as_str) == Some(ASSET_BUCKET_TAG_VALUE) {
            return Ok(());
        }
        let listed = cx
            .s3
            .list_objects_v2()
            .bucket(&name)
            .expected_bucket_owner(&account)
            .max_keys(1)
            .send()
            .await
            .map_err(classify)?;
        if listed.key_count().unwrap_or(0) > 0 {
            // Not AlreadyExists: there is nothing to rename or import, the bucket is the
            // account's one asset bucket.
            return Err(invalid(format!(
                "the S3 bucket {name} holds objects and has no \
                 {ASSET_BUCKET_TAG}={ASSET_BUCKET_TAG_VALUE} tag: it is not Stratus's asset \
                 bucket, and Stratus uploads assets only into the bucket it made; move its \
                 objects away and delete it, or tag it if it is Stratus's"
            )));
        }
        info!(bucket = %name, "finishing the asset bucket an interrupted bootstrap made");
    } else {
        info!(bucket = %name, "making the asset bucket");
        let location = (region != "us-east-1").then(|| {
            CreateBucketConfiguration::builder()
                .location_constraint(BucketLocationConstraint::from(region.as_str()))
                .build()
        });
        cx.s3
            .create_bucket()
            .bucket(&name)
            .set_create_bucket_configuration(location)
            .send()
            .await
            .map_err(classify)?;
    }
    configure(cx, &name, &account).await
}

/// Encryption, versioning, no public access, then the tag that says it is finished.
async fn configure(cx: &Context, name: &str, account: &str) -> Result<(), ProviderError> {
    let sse = ServerSideEncryptionByDefault::builder()
        .sse_algorithm(ServerSideEncryption::Aes256)
        .build()
        .map_err(|e| invalid(e.to_string()))?;
    let encryption = ServerSideEncryptionConfiguration::builder()
        .rules(
            ServerSideEncryptionRule::builder()
                .apply_server_side_encryption_by_default(sse)
                .build(),
        )
        .build()
        .map_err(|e| invalid(e.to_string()))?;
    cx.s3
        .put_bucket_encryption()
        .bucket(name)
        .expected_bucket_owner(account)
        .server_side_encryption_configuration(encryption)
        .send()
        .await
        .map_err(classify)?;
    cx.s3
        .put_bucket_versioning()
        .bucket(name)
        .expected_bucket_owner(account)
        .versioning_configuration(
            VersioningConfiguration::builder()
                .status(BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .map_err(classify)?;
    cx.s3
        .put_public_access_block()
        .bucket(name)
        .expected_bucket_owner(account)
        .public_access_block_configuration(
            PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .block_public_policy(true)
                .ignore_public_acls(true)
                .restrict_public_buckets(true)
                .build(),
        )
        .send()
        .await
        .map_err(classify)?;
    let tag = Tag::builder()
        .key(ASSET_BUCKET_TAG)
        .value(ASSET_BUCKET_TAG_VALUE)
        .build()
        .map_err(|e| invalid(e.to_string()))?;
    let tagging = Tagging::builder()
        .tag_set(tag)
        .build()
        .map_err(|e| invalid(e.to_string()))?;
    cx.s3
        .put_bucket_tagging()
        .bucket(name)
        .expected_bucket_owner(account)
        .tagging(tagging)
        .send()
        .await
        .map_err(classify)?;
    Ok(())
}

/// A bucket's tags (none when it has no tag set).
async fn bucket_tags(
    cx: &Context,
    name: &str,
    account: &str,
) -> Result<HashMap<String, String>, ProviderError> {
    let out = cx
        .s3
        .get_bucket_tagging()
        .bucket(name)
        .expected_bucket_owner(account)
        .send()
        .await
        .map_err(classify);
    // `NoSuchTagSet`: a bucket without tags.
    Ok(absent_if_not_found(out)?
        .map(|o| {
            o.tag_set()
                .iter()
                .map(|t| (t.key().to_owned(), t.value().to_owned()))
                .collect()
        })
        .unwrap_or_default())
}

/// The object's URL, its physical id.
fn url(bucket: &str, key: &str) -> String {
    format!("s3://{bucket}/{key}")
}

/// The bucket and key of a physical id.
fn parse(physical_id: &str) -> Result<(&str, &str), ProviderError> {
    physical_id
        .strip_prefix("s3://")
        .and_then(|rest| rest.split_once('/'))
        .ok_or_else(|| invalid(format!("{physical_id} is not an s3:// URL")))
}

/// The content to upload, checked against the declared hash (a source edited since the stack
/// was declared would be uploaded under the wrong key).
fn package(inputs: &Inputs) -> Result<Vec<u8>, ProviderError> {
    let source = Path::new(string(inputs, "SourcePath")?);
    let packaging = Packaging::parse(string(inputs, "Packaging")?)
        .ok_or_else(|| invalid("Packaging is zip or file"))?;
    let declared = string(inputs, "SourceHash")?;
    let now = source_hash(source, packaging)
        .map_err(|problem| invalid(format!("asset {}: {problem}", source.display())))?;
    if now != declared {
        return Err(invalid(format!(
            "asset {} changed since the stack was declared (hash {now}, declared {declared}): \
             run the deploy again",
            source.display()
        )));
    }
    match packaging {
        Packaging::File => std::fs::read(source).map_err(|e| invalid(e.to_string())),
        Packaging::Zip => zip_directory(source).map_err(|e| invalid(e.to_string())),
    }
}

/// A zip of a directory's files: entries sorted, times fixed, modes kept, so that the same
/// content always gives the same bytes.
fn zip_directory(root: &Path) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (relative, path) in directory_files(root)? {
        let mode = if is_executable(&path) { 0o755 } else { 0o644 };
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::default())
            .unix_permissions(mode);
        writer.start_file(relative, options)?;
        writer.write_all(&std::fs::read(&path)?)?;
    }
    Ok(writer.finish()?.into_inner())
}

/// Uploads the content unless an object with its hash is there already.
async fn upload_if_missing(
    cx: &Context,
    bucket: &str,
    account: &str,
    inputs: &Inputs,
) -> Result<(), ProviderError> {
    let key = string(inputs, "ObjectKey")?;
    let hash = string(inputs, "SourceHash")?;
    let live = head(cx, bucket, account, key).await?;
    if live.is_some_and(|m| m.get(HASH_METADATA).map(String::as_str) == Some(hash)) {
        info!(bucket, key, "asset unchanged: not uploaded");
        return Ok(());
    }
    let body = package(inputs)?;
    info!(bucket, key, bytes = body.len(), "uploading asset");
    cx.s3
        .put_object()
        .bucket(bucket)
        .key(key)
        .expected_bucket_owner(account)
        .server_side_encryption(ServerSideEncryption::Aes256)
        .metadata(HASH_METADATA, hash)
        .metadata(PACKAGING_METADATA, string(inputs, "Packaging")?)
        .body(ByteStream::from(body))
        .send()
        .await
        .map_err(classify)?;
    Ok(())
}

/// The object's metadata; `None` when there is no such object.
async fn head(
    cx: &Context,
    bucket: &str,
    account: &str,
    key: &str,
) -> Result<Option<HashMap<String, String>>, ProviderError> {
    let out = cx
        .s3
        .head_object()
        .bucket(bucket)
        .key(key)
        .expected_bucket_owner(account)
        .send()
        .await
        .map_err(classify);
    Ok(absent_if_not_found(out)?.map(|o| o.metadata().cloned().unwrap_or_default()))
}

fn attributes(bucket: &str, key: &str, partition: &str) -> Attributes {
    [
        ("Bucket", Json::from(bucket)),
        ("Key", Json::from(key)),
        ("S3Url", Json::from(url(bucket, key))),
        (
            "ObjectArn",
            Json::from(format!("arn:{partition}:s3:::{bucket}/{key}")),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// The partition of a region (`aws-cn`, `aws-us-gov`, else `aws`).
fn partition(region: Option<&str>) -> &'static str {
    match region {
        Some(r) if r.starts_with("cn-") => "aws-cn",
        Some(r) if r.starts_with("us-gov-") => "aws-us-gov",
        _ => "aws",
    }
}

#[async_trait]
impl Handler for FileAsset {
    fn contract(&self) -> &'static TypeContract {
        &contracts::assets::FILE_ASSET
    }

    async fn create(
        &self,
        cx: &Context,
        request: CreateRequest<'_>,
    ) -> Result<Created, ProviderError> {
        let (account, bucket) = bucket(cx).await?;
        upload_if_missing(cx, bucket, account, request.inputs).await?;
        let physical_id = url(bucket, string(request.inputs, "ObjectKey")?);
        read_back(self, cx, &physical_id).await
    }

    async fn read(&self, cx: &Context, physical_id: &str) -> Result<Option<Live>, ProviderError> {
        let (bucket_name, key) = parse(physical_id)?;
        let (account, _) = account_and_bucket(cx).await?;
        let Some(metadata) = head(cx, bucket_name, account, key).await? else {
            return Ok(None);
        };
        let mut properties = Inputs::new();
        properties.insert("ObjectKey".into(), Json::from(key));
        for (property, name) in [
            ("SourceHash", HASH_METADATA),
            ("Packaging", PACKAGING_METADATA),
        ] {
            if let Some(value) = metadata.get(name) {
                properties.insert(property.into(), Json::from(value.as_str()));
            }
        }
        Ok(Some(Live {
            properties,
            attributes: attributes(bucket_name, key, partition(cx.region.as_deref())),
        }))
    }

    async fn update(
        &self,
        cx: &Context,
        request: UpdateRequest<'_>,
    ) -> Result<Attributes, ProviderError> {
        // Only the source moved: the object stays, or is uploaded again if it went missing.
        let (account, bucket) = bucket(cx).await?;
        upload_if_missing(cx, bucket, account, request.inputs).await?;
        Ok(read_back(self, cx, request.physical_id).await?.attributes)
    }

    async fn delete(&self, _: &Context, _: DeleteRequest<'_>) -> Result<(), ProviderError> {
        // Assets are shared by content and kept in the asset bucket: forgetting is all.
        Ok(())
    }

    async fn find(
        &self,
        cx: &Context,
        request: FindRequest<'_>,
    ) -> Result<Option<Created>, ProviderError> {
        let (_, bucket) = account_and_bucket(cx).await?;
        let physical_id = url(bucket, string(request.inputs, "ObjectKey")?);
        Ok(self.read(cx, &physical_id).await?.map(|live| Created {
            physical_id,
            attributes: live.attributes,
        }))
    }
}
