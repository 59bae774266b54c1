//! L1 resources: one struct per AWS resource type, 1:1 with CloudFormation, derived with
//! `#[derive(Resource)]`. L2 constructs emit these with safe defaults; use them directly for
//! anything the L2 constructs do not cover.

pub mod acm;
pub mod autoscaling;
pub mod cloudfront;
pub mod ec2;
pub mod efs;
pub mod elbv2;
pub mod iam;
pub mod rds;
pub mod route53;
pub mod secretsmanager;
