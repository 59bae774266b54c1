//! EFS resources.

use crate::Resource;
use crate::handle::{Attr, Ref};
use crate::l1::ec2::CfnSubnet;

/// `AWS::EFS::FileSystem`.
#[derive(Resource, Clone, Debug)]
#[resource(
    type = "AWS::EFS::FileSystem",
    tags_property = "FileSystemTags",
    crate = "crate"
)]
pub struct CfnFileSystem {
    /// Encryption at rest.
    #[resource(replace)]
    pub encrypted: bool,
    /// `generalPurpose` or `maxIO`.
    #[resource(replace)]
    pub performance_mode: Option<String>,
    /// `bursting`, `elastic` or `provisioned`.
    pub throughput_mode: Option<String>,
}

/// `AWS::EFS::MountTarget`.
#[derive(Resource, Clone, Debug)]
#[resource(type = "AWS::EFS::MountTarget", tags = "none", crate = "crate")]
pub struct CfnMountTarget {
    /// The file system.
    #[resource(replace)]
    pub file_system_id: Ref<CfnFileSystem>,
    /// The subnet (one mount target per zone).
    #[resource(replace)]
    pub subnet_id: Ref<CfnSubnet>,
    /// Security group ids.
    pub security_groups: Vec<Attr<String>>,
}
