//! [`Instance`]: a single EC2 instance, e.g. a bastion host.

use crate::handle::Ref;
use crate::iam::InstanceProfile;
use crate::net::SecurityGroup;
use crate::stack::Stack;
use stratus_cfn::ec2::{CfnInstance, CfnSubnet};

use super::launch_template::{LaunchTemplate, LaunchTemplateBuilder};
use super::user_data::UserData;

/// A handle to an EC2 instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Instance {
    id: Ref<CfnInstance>,
    template: LaunchTemplate,
}

impl Instance {
    /// Starts an instance in `subnet`. It launches from a launch template of its own (at
    /// `<id>/launch-template`) so that IMDSv2 is required, as `AWS::EC2::Instance` cannot say so
    /// itself. Defaults as [`LaunchTemplate::builder`].
    ///
    /// ```
    /// use stratus_core::prelude::*;
    /// use stratus_core::compute::Instance;
    /// let mut stack = Stack::new("prod", Environment::region("us-east-1"));
    /// let vpc = Vpc::builder("vpc").build(&mut stack);
    /// let bastion = Instance::builder("bastion-a", vpc.public_subnets()[0])
    ///     .image_id("ami-0abcdef1234567890")
    ///     .build(&mut stack);
    /// assert_eq!(stack.node(bastion.id().id()).type_name, "AWS::EC2::Instance");
    /// ```
    pub fn builder(id: &str, subnet: impl Into<Ref<CfnSubnet>>) -> InstanceBuilder {
        InstanceBuilder {
            id: id.to_owned(),
            subnet: subnet.into(),
            template: LaunchTemplate::builder("launch-template"),
            security_groups: Vec::new(),
        }
    }

    /// The L1 instance.
    pub fn id(self) -> Ref<CfnInstance> {
        self.id
    }

    /// The launch template it starts from.
    pub fn launch_template(self) -> LaunchTemplate {
        self.template
    }
}

/// Builds an [`Instance`].
#[must_use = "call .build(&mut stack) to add the instance"]
#[derive(Clone, Debug)]
pub struct InstanceBuilder {
    id: String,
    subnet: Ref<CfnSubnet>,
    template: LaunchTemplateBuilder,
    security_groups: Vec<SecurityGroup>,
}

impl InstanceBuilder {
    /// The AMI id (required).
    pub fn image_id(mut self, ami: impl Into<String>) -> Self {
        self.template = self.template.image_id(ami);
        self
    }

    /// The image, by id or looked up at deploy
    /// ([`MachineImage::latest_amazon_linux_2023`](super::MachineImage::latest_amazon_linux_2023)).
    pub fn machine_image(mut self, image: super::MachineImage) -> Self {
        self.template = self.template.machine_image(image);
        self
    }

    /// The instance type (default `t3.micro`).
    pub fn instance_type(mut self, instance_type: impl Into<String>) -> Self {
        self.template = self.template.instance_type(instance_type);
        self
    }

    /// Adds a security group.
    pub fn security_group(mut self, sg: SecurityGroup) -> Self {
        self.security_groups.push(sg);
        self
    }

    /// The instance profile (e.g. one with `AmazonSSMManagedInstanceCore` for Session Manager).
    pub fn instance_profile(mut self, profile: InstanceProfile) -> Self {
        self.template = self.template.instance_profile(profile);
        self
    }

    /// The boot script.
    pub fn user_data(mut self, user_data: UserData) -> Self {
        self.template = self.template.user_data(user_data);
        self
    }

    /// An encrypted gp3 root volume of `gib` GiB (see
    /// [`LaunchTemplateBuilder::encrypted_root_volume`](super::LaunchTemplateBuilder::encrypted_root_volume)).
    pub fn encrypted_root_volume(mut self, gib: u32) -> Self {
        self.template = self.template.encrypted_root_volume(gib);
        self
    }

    /// An EC2 key pair for SSH.
    pub fn key_name(mut self, key: impl Into<String>) -> Self {
        self.template = self.template.key_name(key);
        self
    }

    /// Adds the instance and its launch template.
    pub fn build(self, stack: &mut Stack) -> Instance {
        let path = stack.claim(&stack.path().clone(), &self.id);
        let (image_id, instance_type) = self.template.image_and_type();
        let template = self
            .template
            .under(path.clone())
            .for_one_instance()
            .build(stack);
        let image_id = image_id.map(|image| image.resolve(stack));
        let id = stack.add_at(
            path,
            CfnInstance {
                image_id,
                instance_type: Some(instance_type.as_str().into()),
                subnet_id: Some(self.subnet.into()),
                security_group_ids: Some(
                    self.security_groups
                        .iter()
                        .map(|sg| sg.group_id())
                        .collect::<Vec<_>>()
                        .into(),
                ),
                launch_template: Some(
                    stratus_cfn::ec2::instance::LaunchTemplateSpecification::from(
                        template.latest(),
                    )
                    .into(),
                ),
                ..CfnInstance::default()
            },
        );
        // In a public subnet it gets a public address: made after the gateway is attached,
        // terminated before it is detached.
        stack.depend_on_internet(id.id(), [self.subnet.id()]);
        Instance { id, template }
    }
}
