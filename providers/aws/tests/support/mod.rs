//! Helpers shared by the emulator tests.

pub(crate) mod census;
