//! Compute: launch templates, auto scaling groups, instances, user data.

mod auto_scaling;
mod instance;
mod launch_template;
mod machine_image;
mod user_data;

pub use auto_scaling::{AutoScalingGroup, AutoScalingGroupBuilder};
pub use instance::{Instance, InstanceBuilder};
pub use launch_template::{LaunchTemplate, LaunchTemplateBuilder};
pub use machine_image::{AL2023_ARM64, AL2023_X86_64, MachineImage};
pub use user_data::{MAX_USER_DATA_BYTES, UserData};
