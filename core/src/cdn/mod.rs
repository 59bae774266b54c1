//! CloudFront: distributions in front of a load balancer or a custom origin, with managed
//! cache and origin request policies by name.

mod distribution;
mod policies;

pub use distribution::{
    Distribution, DistributionBuilder, Origin, OriginProtocolPolicy, ViewerProtocolPolicy,
};
pub use policies::{CachePolicy, OriginRequestPolicy};
