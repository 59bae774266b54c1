//! L1 resources: one struct per AWS resource type, 1:1 with CloudFormation, derived with
//! `#[derive(Resource)]`. L2 constructs ([`crate::net`]) emit these with safe defaults; use them
//! directly for anything the L2 constructs do not cover.

pub mod ec2;
