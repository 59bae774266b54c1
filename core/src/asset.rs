//! [`Asset`]: a local file or directory that a deploy uploads to the account's asset bucket, as
//! CDK's file assets do.
//!
//! The content is hashed when the asset is declared; the object's key is the hash, so the same
//! content is uploaded once per account and region, whatever stack or run asks for it, and a
//! changed file is a new object (what refers to the asset is then updated). The bucket,
//! `stratus-assets-<account>-<region>`, lives outside every stack: the provider makes it on first
//! use (encrypted, versioned, private, tagged as Stratus's) and no `destroy` deletes it or the
//! objects in it.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::ValidationError;
use crate::handle::{Attr, Ref};
use crate::iam::{PolicyStatement, Role};
use crate::resource::{Resource, TagStyle};
use crate::stack::Stack;
use crate::value::{Properties, Value};

/// The resource type of a file asset in the graph and in state (not a CloudFormation type:
/// synthesis writes it into the asset manifest, and references to it as the bucket and key).
pub const ASSET_TYPE: &str = "Stratus::Asset::File";

/// The asset bucket's name before `-<account>-<region>`.
pub const ASSET_BUCKET_PREFIX: &str = "stratus-assets";

/// The tag that marks the asset bucket as Stratus's (value [`ASSET_BUCKET_TAG_VALUE`]): the
/// provider uploads into no bucket of that name without it.
pub const ASSET_BUCKET_TAG: &str = "stratus:bootstrap";

/// The value of [`ASSET_BUCKET_TAG`].
pub const ASSET_BUCKET_TAG_VALUE: &str = "assets";

/// The asset bucket of an account and region.
///
/// ```
/// assert_eq!(
///     stratus_core::asset::asset_bucket("123456789012", "us-east-1"),
///     "stratus-assets-123456789012-us-east-1"
/// );
/// ```
pub fn asset_bucket(account: &str, region: &str) -> String {
    format!("{ASSET_BUCKET_PREFIX}-{account}-{region}")
}

/// How an asset is uploaded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Packaging {
    /// A directory, zipped (entries sorted, times fixed, so equal content zips equally).
    Zip,
    /// A single file, as it is.
    File,
}

impl Packaging {
    /// The packaging of a name written by [`Packaging::as_str`].
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "zip" => Some(Packaging::Zip),
            "file" => Some(Packaging::File),
            _ => None,
        }
    }

    /// The name in properties and the manifest.
    pub fn as_str(self) -> &'static str {
        match self {
            Packaging::Zip => "zip",
            Packaging::File => "file",
        }
    }
}

/// The asset as a node of the graph: its content hash, packaging, source and object key.
#[derive(Clone, Debug)]
pub struct AssetResource {
    source_path: String,
    source_hash: String,
    packaging: Packaging,
    object_key: String,
}

impl Resource for AssetResource {
    const TYPE_NAME: &'static str = ASSET_TYPE;
    // New content is a new object: what refers to it follows.
    const REPLACE_ON: &'static [&'static str] = &["SourceHash", "Packaging", "ObjectKey"];
    const TAGS: TagStyle = TagStyle::None;

    fn properties(&self) -> Properties {
        let mut properties = Properties::new();
        properties.insert_value("ObjectKey", Value::String(self.object_key.clone()));
        properties.insert_value("Packaging", Value::String(self.packaging.as_str().into()));
        properties.insert_value("SourceHash", Value::String(self.source_hash.clone()));
        properties.insert_value("SourcePath", Value::String(self.source_path.clone()));
        properties
    }
}

/// A file asset: a local file or directory uploaded at deploy time.
///
/// ```
/// use stratus_core::prelude::*;
/// use stratus_core::asset::Asset;
///
/// let dir = std::env::temp_dir().join(format!("stratus-asset-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// std::fs::write(dir.join("app.py"), "print('hello')\n").unwrap();
///
/// let mut stack = Stack::new("prod", Environment::region("us-east-1"));
/// let app = Asset::directory("app", &dir, &mut stack);
/// assert_eq!(app.object_key(), format!("{}.zip", app.hash()));
/// assert!(stack.validate().is_ok());
///
/// // Equal content, equal hash: the upload is skipped when the object exists.
/// let mut other = Stack::new("other", Environment::region("us-east-1"));
/// assert_eq!(Asset::directory("app", &dir, &mut other).hash(), app.hash());
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Asset {
    id: Ref<AssetResource>,
    hash: String,
    object_key: String,
}

impl Asset {
    /// A directory, uploaded as a zip of its files (hidden ones included, sorted by path).
    pub fn directory(id: &str, path: impl AsRef<Path>, stack: &mut Stack) -> Asset {
        Self::declare(id, path.as_ref(), Packaging::Zip, stack)
    }

    /// A single file, uploaded as it is (its extension kept on the object's key).
    pub fn file(id: &str, path: impl AsRef<Path>, stack: &mut Stack) -> Asset {
        Self::declare(id, path.as_ref(), Packaging::File, stack)
    }

    fn declare(id: &str, source: &Path, packaging: Packaging, stack: &mut Stack) -> Asset {
        let path = stack.claim(&stack.path().clone(), id);
        let hash = match source_hash(source, packaging) {
            Ok(hash) => hash,
            Err(problem) => {
                stack.report(ValidationError::InvalidValue {
                    path: path.clone(),
                    problem: format!("asset {}: {problem}", source.display()),
                    fix: match packaging {
                        Packaging::Zip => "give the path of an existing directory".into(),
                        Packaging::File => "give the path of an existing file".into(),
                    },
                });
                String::new()
            }
        };
        let object_key = match (packaging, source.extension().and_then(|e| e.to_str())) {
            (Packaging::Zip, _) => format!("{hash}.zip"),
            (Packaging::File, Some(extension)) => format!("{hash}.{extension}"),
            (Packaging::File, None) => hash.clone(),
        };
        let id = stack.add_at(
            path,
            AssetResource {
                source_path: source.display().to_string(),
                source_hash: hash.clone(),
                packaging,
                object_key: object_key.clone(),
            },
        );
        Asset {
            id,
            hash,
            object_key,
        }
    }

    /// The node in the graph.
    pub fn id(&self) -> Ref<AssetResource> {
        self.id
    }

    /// The SHA-256 of the content, hex.
    pub fn hash(&self) -> &str {
        &self.hash
    }

    /// The object's key in the asset bucket (known when declared).
    pub fn object_key(&self) -> &str {
        &self.object_key
    }

    /// `s3://<bucket>/<key>`, known at deploy.
    pub fn s3_url(&self) -> Attr<String> {
        self.id.attr("S3Url")
    }

    /// The asset bucket's name, known at deploy.
    pub fn bucket_name(&self) -> Attr<String> {
        self.id.attr("Bucket")
    }

    /// The object's key as an attribute (for properties that take the bucket and key).
    pub fn key(&self) -> Attr<String> {
        self.id.attr("Key")
    }

    /// The object's ARN, known at deploy.
    pub fn object_arn(&self) -> Attr<String> {
        self.id.attr("ObjectArn")
    }

    /// Lets `role` read this asset (and nothing else in the bucket).
    pub fn grant_read(&self, stack: &mut Stack, role: Role) {
        let policy = format!("read-asset-{}", &self.hash[..self.hash.len().min(12)]);
        role.add_to_policy(
            stack,
            &policy,
            [PolicyStatement::allow()
                .actions(["s3:GetObject"])
                .resource(self.object_arn())],
        );
    }
}

/// How a template writes a reference to an asset (`Ref` when `attribute` is `None`): the bucket
/// from the account and region CloudFormation deploys in, the key as declared.
pub(crate) fn template_value(
    properties: &Properties,
    attribute: Option<&str>,
) -> serde_json::Value {
    let key = property(properties, "ObjectKey");
    let bucket = template_bucket();
    let sub = |text: String| serde_json::json!({ "Fn::Sub": text });
    match attribute {
        Some("Bucket") => sub(bucket),
        Some("Key") => serde_json::Value::String(key.to_owned()),
        Some("ObjectArn") => sub(format!("arn:${{AWS::Partition}}:s3:::{bucket}/{key}")),
        _ => sub(format!("s3://{bucket}/{key}")),
    }
}

/// The asset bucket as a template names it: account and region left for `Fn::Sub`.
fn template_bucket() -> String {
    asset_bucket("${AWS::AccountId}", "${AWS::Region}")
}

/// A string property of an asset node (empty when missing).
fn property<'a>(properties: &'a Properties, name: &str) -> &'a str {
    properties
        .get(name)
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// One asset of a stack as the asset manifest lists it (`<stack>.assets.json`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ManifestEntry {
    /// The construct path.
    pub path: String,
    /// The SHA-256 of the content.
    pub hash: String,
    /// `zip` or `file`.
    pub packaging: String,
    /// The local source.
    pub source: String,
    /// The bucket, with the account and region to fill in.
    pub bucket: String,
    /// The object's key.
    pub key: String,
}

/// The assets of a stack, for the asset manifest, in declaration order.
pub fn manifest(stack: &Stack) -> Vec<ManifestEntry> {
    let text = |node: &crate::graph::Node, name: &str| property(&node.properties, name).to_owned();
    stack
        .graph()
        .nodes()
        .filter(|(_, node)| node.type_name == ASSET_TYPE)
        .map(|(_, node)| ManifestEntry {
            path: node.path.to_string(),
            hash: text(node, "SourceHash"),
            packaging: text(node, "Packaging"),
            source: text(node, "SourcePath"),
            bucket: template_bucket(),
            key: text(node, "ObjectKey"),
        })
        .collect()
}

/// The SHA-256 of a file's bytes, or of a directory's files: each relative path (`/`-separated,
/// sorted), whether it is executable, its length and its bytes. Hex.
///
/// # Errors
/// A message saying what is wrong with the source (missing, not a directory…).
pub fn source_hash(source: &Path, packaging: Packaging) -> Result<String, String> {
    let metadata = fs::metadata(source).map_err(|e| describe(&e))?;
    let mut hasher = Sha256::new();
    match packaging {
        Packaging::File => {
            if !metadata.is_file() {
                return Err("is not a file".into());
            }
            hasher.update(fs::read(source).map_err(|e| describe(&e))?);
        }
        Packaging::Zip => {
            if !metadata.is_dir() {
                return Err("is not a directory".into());
            }
            let files = directory_files(source).map_err(|e| describe(&e))?;
            if files.is_empty() {
                return Err("is an empty directory".into());
            }
            for (relative, absolute) in files {
                let bytes = fs::read(&absolute).map_err(|e| describe(&e))?;
                hasher.update(relative.as_bytes());
                hasher.update([0, u8::from(is_executable(&absolute))]);
                hasher.update((bytes.len() as u64).to_le_bytes());
                hasher.update(&bytes);
            }
        }
    }
    let mut hex = String::with_capacity(64);
    for byte in hasher.finalize() {
        let _ = write!(hex, "{byte:02x}");
    }
    Ok(hex)
}

/// A directory's files, recursively: (`/`-separated relative path, path), sorted by the first.
/// Symbolic links are followed.
///
/// # Errors
/// When a directory or file cannot be read.
pub fn directory_files(root: &Path) -> io::Result<Vec<(String, PathBuf)>> {
    let mut files = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir)? {
            let path = entry?.path();
            if fs::metadata(&path)?.is_dir() {
                pending.push(path);
            } else {
                let relative = path
                    .strip_prefix(root)
                    .map_err(io::Error::other)?
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                files.push((relative, path));
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Whether a file is executable by its owner (kept in the zip, so scripts stay runnable).
pub fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o100 != 0)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        false
    }
}

fn describe(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::NotFound => "does not exist".into(),
        _ => format!("cannot be read ({error})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stack::Environment;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("stratus-asset-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("static")).unwrap();
        fs::write(dir.join("app.py"), "print(1)\n").unwrap();
        fs::write(dir.join("static/site.css"), "body {}\n").unwrap();
        dir
    }

    #[test]
    fn the_hash_follows_content_and_names_not_times() {
        let dir = temp_dir("hash");
        let first = source_hash(&dir, Packaging::Zip).unwrap();
        fs::write(dir.join("app.py"), "print(1)\n").unwrap();
        assert_eq!(source_hash(&dir, Packaging::Zip).unwrap(), first);
        fs::write(dir.join("app.py"), "print(2)\n").unwrap();
        let changed = source_hash(&dir, Packaging::Zip).unwrap();
        assert_ne!(changed, first);
        fs::rename(dir.join("static/site.css"), dir.join("static/main.css")).unwrap();
        assert_ne!(source_hash(&dir, Packaging::Zip).unwrap(), changed);
        assert_eq!(first.len(), 64);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_missing_source_is_a_validation_error_naming_the_construct() {
        let mut stack = Stack::new("prod", Environment::region("us-east-1"));
        Asset::directory("app", "/nonexistent/stratus-asset", &mut stack);
        Asset::file("conf", std::env::temp_dir(), &mut stack);
        let errors = stack.validate().unwrap_err().to_string();
        assert!(errors.contains("prod/app"), "{errors}");
        assert!(errors.contains("does not exist"), "{errors}");
        assert!(errors.contains("prod/conf"), "{errors}");
        assert!(errors.contains("is not a file"), "{errors}");
    }

    #[test]
    fn a_file_keeps_its_extension_on_the_key() {
        let dir = temp_dir("file");
        let mut stack = Stack::new("prod", Environment::region("us-east-1"));
        let asset = Asset::file("script", dir.join("app.py"), &mut stack);
        assert_eq!(asset.object_key(), format!("{}.py", asset.hash()));
        fs::remove_dir_all(&dir).unwrap();
    }
}
