//! [`LaunchTemplate`]: what instances are launched with.

use std::collections::BTreeMap;

use crate::error::ValidationError;
use crate::handle::Ref;
use crate::iam::InstanceProfile;
use crate::net::SecurityGroup;
use crate::path::ConstructPath;
use crate::stack::Stack;
use crate::value::Value;
use stratus_cfn::autoscaling::auto_scaling_group::LaunchTemplateSpecification as GroupLaunchTemplate;
use stratus_cfn::ec2::instance::LaunchTemplateSpecification as InstanceLaunchTemplate;
use stratus_cfn::ec2::launch_template::{
    BlockDeviceMapping, Ebs, IamInstanceProfile, LaunchTemplateData, MetadataOptions, Tag,
    TagSpecification,
};
use stratus_cfn::ec2::{CfnLaunchTemplate, CfnLaunchTemplateAttributes as _};
use stratus_model::Val;

use super::machine_image::MachineImage;
use super::user_data::{MAX_USER_DATA_BYTES, UserData};

/// A handle to a launch template.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LaunchTemplate {
    id: Ref<CfnLaunchTemplate>,
    security_groups: [Option<SecurityGroup>; 4],
}

impl LaunchTemplate {
    /// Starts a launch template.
    ///
    /// Defaults: IMDSv2 required (hop limit 1); no instance profile; no user data; launched
    /// instances and volumes tagged with the stack's tags and the template's own.
    ///
    /// ```
    /// use stratus_core::prelude::*;
    /// use stratus_core::compute::{LaunchTemplate, UserData};
    /// let mut stack = Stack::new("prod", Environment::region("us-east-1"));
    /// let vpc = Vpc::builder("vpc").build(&mut stack);
    /// let sg = SecurityGroup::builder("app-sg", &vpc).build(&mut stack);
    /// let lt = LaunchTemplate::builder("app-lt")
    ///     .image_id("ami-0abcdef1234567890")
    ///     .instance_type("t3.xlarge")
    ///     .security_group(sg)
    ///     .user_data(UserData::from_script("#!/bin/bash\n"))
    ///     .build(&mut stack);
    /// stack.validate().unwrap();
    /// ```
    pub fn builder(id: &str) -> LaunchTemplateBuilder {
        LaunchTemplateBuilder {
            id: id.to_owned(),
            name: None,
            image: None,
            instance_type: "t3.micro".into(),
            instance_level: false,
            security_groups: Vec::new(),
            profile: None,
            user_data: None,
            require_imdsv2: true,
            tags: BTreeMap::new(),
            key_name: None,
            encrypted_root_gib: None,
            parent: None,
        }
    }

    /// The L1 template.
    pub fn id(self) -> Ref<CfnLaunchTemplate> {
        self.id
    }

    /// Its latest version, for groups and instances that launch from it.
    pub fn latest(self) -> LaunchTemplateVersion {
        LaunchTemplateVersion { template: self.id }
    }

    /// The security groups its instances get.
    pub fn security_groups(self) -> impl Iterator<Item = SecurityGroup> {
        self.security_groups.into_iter().flatten()
    }
}

/// The latest version of a launch template, as the auto scaling group's and the instance's
/// `LaunchTemplate` property name it (two property types of the same shape).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LaunchTemplateVersion {
    template: Ref<CfnLaunchTemplate>,
}

/// Instances mount what their user data names at boot: the template waits for the mount
/// targets of every file system it refers to (and goes before them).
fn wait_for_mount_targets(stack: &mut Stack, template: crate::handle::ResourceId) {
    let mounts: Vec<_> = stack
        .graph()
        .dependencies(template.node())
        .into_iter()
        .filter_map(|(dependency, _)| {
            stack
                .mount_targets
                .get(&crate::handle::ResourceId::new(
                    template.stack(),
                    dependency,
                ))
                .cloned()
        })
        .flatten()
        .collect();
    for target in mounts {
        stack.add_dependency(template, target);
    }
}

impl From<LaunchTemplateVersion> for GroupLaunchTemplate {
    fn from(latest: LaunchTemplateVersion) -> Self {
        GroupLaunchTemplate {
            launch_template_id: Some(latest.template.into()),
            ..GroupLaunchTemplate::new(latest.template.latest_version_number())
        }
    }
}

impl From<LaunchTemplateVersion> for InstanceLaunchTemplate {
    fn from(latest: LaunchTemplateVersion) -> Self {
        InstanceLaunchTemplate {
            launch_template_id: Some(latest.template.into()),
            version: Some(latest.template.latest_version_number().into()),
            ..InstanceLaunchTemplate::default()
        }
    }
}

/// Builds a [`LaunchTemplate`].
#[must_use = "call .build(&mut stack) to add the launch template"]
#[derive(Clone, Debug)]
pub struct LaunchTemplateBuilder {
    id: String,
    name: Option<String>,
    image: Option<MachineImage>,
    instance_type: String,
    instance_level: bool,
    security_groups: Vec<SecurityGroup>,
    profile: Option<InstanceProfile>,
    user_data: Option<UserData>,
    require_imdsv2: bool,
    tags: BTreeMap<String, String>,
    key_name: Option<String>,
    encrypted_root_gib: Option<u32>,
    parent: Option<ConstructPath>,
}

impl LaunchTemplateBuilder {
    /// The template name (at most 128 characters).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The AMI id, `ami-` and 8 or 17 hex digits (this or [`Self::machine_image`] is
    /// required).
    pub fn image_id(mut self, ami: impl Into<String>) -> Self {
        self.image = Some(MachineImage::id(ami));
        self
    }

    /// The image, by id or looked up at deploy
    /// ([`MachineImage::latest_amazon_linux_2023`]).
    pub fn machine_image(mut self, image: MachineImage) -> Self {
        self.image = Some(image);
        self
    }

    /// The instance type (default `t3.micro`).
    pub fn instance_type(mut self, instance_type: impl Into<String>) -> Self {
        self.instance_type = instance_type.into();
        self
    }

    /// Adds a security group (at most 4 per template here; AWS allows 5 per interface).
    pub fn security_group(mut self, sg: SecurityGroup) -> Self {
        self.security_groups.push(sg);
        self
    }

    /// The instance profile (the role instances act as).
    pub fn instance_profile(mut self, profile: InstanceProfile) -> Self {
        self.profile = Some(profile);
        self
    }

    /// The boot script.
    pub fn user_data(mut self, user_data: UserData) -> Self {
        self.user_data = Some(user_data);
        self
    }

    /// Whether IMDSv2 tokens are required (default `true`; IMDSv1 leaks credentials to SSRF).
    pub fn require_imdsv2(mut self, required: bool) -> Self {
        self.require_imdsv2 = required;
        self
    }

    /// Tags launched instances and volumes with this tag, besides the stack's.
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.tags.insert(key.into(), value.into());
        self
    }

    /// An EC2 key pair for SSH (prefer Session Manager).
    pub fn key_name(mut self, key: impl Into<String>) -> Self {
        self.key_name = Some(key.into());
        self
    }

    /// An encrypted gp3 root volume of `gib` GiB (device `/dev/xvda`, Amazon Linux's), deleted
    /// with the instance. Without it the root volume follows the image and the account's
    /// default encryption.
    pub fn encrypted_root_volume(mut self, gib: u32) -> Self {
        self.encrypted_root_gib = Some(gib);
        self
    }

    pub(crate) fn under(mut self, parent: ConstructPath) -> Self {
        self.parent = Some(parent);
        self
    }

    /// For an instance of its own: the image and type go on the instance, not the template.
    pub(crate) fn for_one_instance(mut self) -> Self {
        self.instance_level = true;
        self
    }

    /// The AMI and instance type set so far.
    pub(crate) fn image_and_type(&self) -> (Option<MachineImage>, String) {
        (self.image.clone(), self.instance_type.clone())
    }

    /// Adds the template.
    pub fn build(self, stack: &mut Stack) -> LaunchTemplate {
        let parent = self.parent.clone().unwrap_or_else(|| stack.path().clone());
        let path = stack.claim(&parent, &self.id);
        self.check(stack, &path);
        // Only the template's own tags: stack tags reach instances as their own tags (an
        // instance's `Tags`, a group's tags with `PropagateAtLaunch`), so that a stack tag change
        // is a tag update, never a new template version that replaces instances or rolls a
        // group.
        let tag_list: Vec<Tag> = self.tags.iter().map(|(k, v)| Tag::new(k, v)).collect();
        let tag_specifications = (!tag_list.is_empty()).then(|| {
            ["instance", "volume"]
                .into_iter()
                .map(|resource_type| TagSpecification {
                    resource_type: Some(resource_type.into()),
                    tags: Some(tag_list.clone().into()),
                })
                .collect::<Vec<_>>()
                .into()
        });
        let data = LaunchTemplateData {
            // An instance of its own names its image and type itself, so that a new type
            // changes the instance in place instead of making a new template version.
            image_id: if self.instance_level {
                None
            } else {
                Some(
                    self.image
                        .as_ref()
                        .map_or_else(|| String::new().into(), |image| image.resolve(stack)),
                )
            },
            instance_type: (!self.instance_level).then(|| self.instance_type.as_str().into()),
            security_group_ids: Some(
                self.security_groups
                    .iter()
                    .map(|sg| sg.group_id())
                    .collect::<Vec<_>>()
                    .into(),
            ),
            iam_instance_profile: self.profile.map(|p| {
                IamInstanceProfile {
                    arn: Some(p.arn().into()),
                    ..IamInstanceProfile::default()
                }
                .into()
            }),
            user_data: self
                .user_data
                .as_ref()
                .map(|ud| Val::unchecked(Value::Base64(Box::new(ud.rendered())))),
            metadata_options: Some(
                MetadataOptions {
                    http_tokens: Some(
                        if self.require_imdsv2 {
                            "required"
                        } else {
                            "optional"
                        }
                        .into(),
                    ),
                    http_endpoint: Some("enabled".into()),
                    http_put_response_hop_limit: Some(1.into()),
                    ..MetadataOptions::default()
                }
                .into(),
            ),
            tag_specifications,
            key_name: self.key_name.clone().map(Into::into),
            block_device_mappings: self.encrypted_root_gib.map(|gib| {
                vec![BlockDeviceMapping {
                    device_name: Some("/dev/xvda".into()),
                    ebs: Some(
                        Ebs {
                            encrypted: Some(true.into()),
                            delete_on_termination: Some(true.into()),
                            volume_size: Some(i64::from(gib).into()),
                            volume_type: Some("gp3".into()),
                            ..Ebs::default()
                        }
                        .into(),
                    ),
                    ..BlockDeviceMapping::default()
                }]
                .into()
            }),
            ..LaunchTemplateData::default()
        };
        let id = stack.add_at(
            path,
            CfnLaunchTemplate {
                launch_template_name: self.name.clone().map(Into::into),
                ..CfnLaunchTemplate::new(data)
            },
        );
        wait_for_mount_targets(stack, id.id());
        let mut security_groups = [None; 4];
        for (slot, sg) in security_groups.iter_mut().zip(&self.security_groups) {
            *slot = Some(*sg);
        }
        LaunchTemplate {
            id,
            security_groups,
        }
    }

    fn check(&self, stack: &mut Stack, path: &ConstructPath) {
        if let Some(name) = &self.name {
            stack.check_name_len(path, "launch template name", name, 128);
        }
        match &self.image {
            None => stack.report(ValidationError::InvalidValue {
                path: path.clone(),
                problem: "no AMI".into(),
                fix: "set .image_id(\"ami-...\") or \
                      .machine_image(MachineImage::latest_amazon_linux_2023())"
                    .into(),
            }),
            Some(MachineImage::Id(ami)) if !is_ami_id(ami) => stack.report(ValidationError::InvalidValue {
                path: path.clone(),
                problem: format!("{ami:?} is not an AMI id"),
                fix: "AMI ids are ami- followed by 8 or 17 hex digits, e.g. ami-0abcdef1234567890"
                    .into(),
            }),
            Some(_) => {}
        }
        if !is_instance_type(&self.instance_type) {
            stack.report(ValidationError::InvalidValue {
                path: path.clone(),
                problem: format!("{:?} is not an instance type", self.instance_type),
                fix: "write family.size, e.g. t3.xlarge".into(),
            });
        }
        if self.security_groups.len() > 4 {
            stack.report(ValidationError::InvalidValue {
                path: path.clone(),
                problem: format!("{} security groups", self.security_groups.len()),
                fix: "use at most 4 security groups per launch template".into(),
            });
        }
        if let Some(ud) = &self.user_data {
            if let Some(error) = ud.read_error() {
                stack.report(ValidationError::InvalidValue {
                    path: path.clone(),
                    problem: error.to_owned(),
                    fix: "check the path (relative paths are from the working directory; consider include_str!)".into(),
                });
            }
            for name in ud.unfilled() {
                stack.report(ValidationError::InvalidValue {
                    path: path.clone(),
                    problem: format!("user data placeholder {{{{{name}}}}} has no value"),
                    fix: format!("call .var(\"{name}\", ..) on the user data"),
                });
            }
            if ud.len() > MAX_USER_DATA_BYTES {
                stack.report(ValidationError::InvalidValue {
                    path: path.clone(),
                    problem: format!(
                        "user data is {} bytes; AWS allows {MAX_USER_DATA_BYTES} before base64",
                        ud.len()
                    ),
                    fix: "move the bulk of the script to S3 or an AMI and fetch it at boot".into(),
                });
            }
        }
    }
}

pub(crate) fn is_ami_id(ami: &str) -> bool {
    ami.strip_prefix("ami-").is_some_and(|hex| {
        (hex.len() == 8 || hex.len() == 17) && hex.chars().all(|c| c.is_ascii_hexdigit())
    })
}

pub(crate) fn is_instance_type(t: &str) -> bool {
    t.split_once('.').is_some_and(|(family, size)| {
        !family.is_empty()
            && !size.is_empty()
            && t.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ami_and_instance_type_formats() {
        assert!(is_ami_id("ami-0abcdef1234567890"));
        assert!(is_ami_id("ami-12345678"));
        assert!(!is_ami_id("ami-xyz"));
        assert!(!is_ami_id("0abcdef1234567890"));
        assert!(is_instance_type("t3.xlarge"));
        assert!(is_instance_type("m7g.metal-48xl"));
        assert!(!is_instance_type("large"));
    }
}
