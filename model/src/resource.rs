//! The L1 resource model: one struct per AWS resource type.

use crate::value::Properties;

/// How a resource type takes tags in CloudFormation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TagStyle {
    /// A list of `{Key, Value}` under the named property (most types).
    List(&'static str),
    /// Auto Scaling's `{Key, Value, PropagateAtLaunch}` list under the named property.
    AutoScaling(&'static str),
    /// A map of key to value under the named property (`AWS::SSM::Parameter`, many newer
    /// types).
    Map(&'static str),
    /// The type takes no tags.
    None,
}

/// An L1 resource: maps 1:1 to an AWS resource type.
///
/// Derive it: reference fields (`Ref<T>`, `Attr<T>`) become graph edges automatically because
/// the stack walks the [`Properties`] for references.
///
/// ```
/// use stratus_macros::Resource;
/// use stratus_model::Resource as _;
///
/// // Users write `#[derive(stratus::Resource)]`; `crate` names where the model lives.
/// #[derive(Resource)]
/// #[resource(type = "AWS::S3::Bucket", crate = "stratus_model")]
/// struct Bucket {
///     #[resource(replace)]
///     bucket_name: Option<String>,
/// }
///
/// assert_eq!(Bucket::TYPE_NAME, "AWS::S3::Bucket");
/// assert_eq!(Bucket::REPLACE_ON, ["BucketName"]);
/// let props = Bucket { bucket_name: Some("logs".into()) }.properties();
/// assert_eq!(props.get("BucketName").and_then(|v| v.as_str()), Some("logs"));
/// ```
pub trait Resource {
    /// The CloudFormation type name, e.g. `AWS::EC2::VPC`.
    const TYPE_NAME: &'static str;
    /// Properties whose change replaces the resource instead of updating it.
    const REPLACE_ON: &'static [&'static str];
    /// How the type takes tags.
    const TAGS: TagStyle;

    /// The properties, keyed by CloudFormation name, unset options left out.
    fn properties(&self) -> Properties;
}
