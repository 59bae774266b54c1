//! EFS: file systems (idempotent by creation token) and mount targets.

mod file_system;
mod mount_target;

use crate::handler::Handler;

/// The EFS handlers.
pub(crate) const HANDLERS: &[&dyn Handler] =
    &[&file_system::FileSystem, &mount_target::MountTarget];
