//! [`MachineImage`]: the image instances boot, by id or looked up at deploy.

use crate::Val;
use crate::lookup::ssm_parameter;
use crate::stack::Stack;

/// The public SSM parameter AWS keeps pointing at the newest Amazon Linux 2023 (x86-64).
pub const AL2023_X86_64: &str =
    "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";
/// The same for Graviton (arm64).
pub const AL2023_ARM64: &str =
    "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64";

/// Which AMI instances boot.
///
/// ```
/// use stratus_core::compute::{LaunchTemplate, MachineImage};
/// use stratus_core::prelude::*;
///
/// let mut stack = Stack::new("prod", Environment::region("us-east-1"));
/// LaunchTemplate::builder("lt")
///     .machine_image(MachineImage::latest_amazon_linux_2023())
///     .build(&mut stack);
/// let template = stratus_core::synth::template(&stack);
/// // In CloudFormation the lookup is a parameter that CloudFormation resolves.
/// let parameter = &template["Parameters"]["SsmAmiAmazonLinuxLatestAl2023AmiKernelDefaultX8664"];
/// assert_eq!(parameter["Type"], "AWS::SSM::Parameter::Value<String>");
/// assert!(stack.validate().is_ok());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MachineImage {
    /// A fixed AMI id.
    Id(String),
    /// The AMI an SSM parameter names, read at deploy and recorded in state; each refresh
    /// reads it again, so a newer image shows in the next plan.
    SsmParameter(String),
}

impl MachineImage {
    /// A fixed AMI id, `ami-` and 8 or 17 hex digits.
    pub fn id(ami: impl Into<String>) -> Self {
        MachineImage::Id(ami.into())
    }

    /// The newest Amazon Linux 2023 for x86-64, from AWS's public SSM parameter.
    pub fn latest_amazon_linux_2023() -> Self {
        MachineImage::SsmParameter(AL2023_X86_64.into())
    }

    /// The newest Amazon Linux 2023 for arm64 (Graviton instance types).
    pub fn latest_amazon_linux_2023_arm64() -> Self {
        MachineImage::SsmParameter(AL2023_ARM64.into())
    }

    /// The AMI id held in an SSM parameter of yours (a golden image pipeline's output).
    pub fn from_ssm_parameter(name: impl Into<String>) -> Self {
        MachineImage::SsmParameter(name.into())
    }

    /// The image id as a property value: the literal, or the lookup's value (the lookup is
    /// added to the stack once per parameter).
    pub(crate) fn resolve(&self, stack: &mut Stack) -> Val<String> {
        match self {
            MachineImage::Id(ami) => ami.as_str().into(),
            MachineImage::SsmParameter(name) => ssm_parameter(stack, name).into(),
        }
    }
}
