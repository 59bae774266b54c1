//! A monthly cost estimate, per resource and in total, from the stack's own declaration, as
//! Infracost gives for Terraform: instance types × counts (min and max as a range), hours of
//! gateways and load balancers, database classes × Multi-AZ plus storage, and usage-dependent
//! lines (NAT data, EFS, CloudFront, WAF requests, logs) with their assumptions stated. The
//! prices are data in the crate ([`PriceBook`]) with their date, region and source; a type or
//! class the book does not have is reported as not estimated, never guessed.
//!
//! ```
//! use stratus_core::cost;
//! use stratus_core::prelude::*;
//!
//! let mut stack = Stack::new("prod", Environment::region("us-east-1"));
//! Vpc::builder("vpc").max_azs(2).nat_gateways(1).build(&mut stack);
//! let estimate = cost::estimate(&stack);
//! // One NAT gateway: 730 hours at $0.045, 100 GB at $0.045 (assumed), and its address.
//! assert_eq!(format!("{:.2}", estimate.total_monthly_usd), "41.00");
//! assert!(estimate.lines.iter().any(|l| !l.assumptions.is_empty()));
//! ```

mod model;
mod prices;
mod resources;

pub use prices::PriceBook;

use crate::deploy::State;
use crate::stack::Stack;
use resources::Resources;

/// The usage the usage-dependent lines assume; each line states the figure it used.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Usage {
    /// GB a NAT gateway processes a month.
    pub nat_gb: f64,
    /// Average capacity units of a load balancer.
    pub load_balancer_lcu: f64,
    /// GB stored in a file system.
    pub efs_gb: f64,
    /// GB CloudFront serves a month.
    pub cloudfront_gb: f64,
    /// Millions of HTTPS requests CloudFront serves a month.
    pub cloudfront_million_requests: f64,
    /// Millions of requests a web ACL inspects a month.
    pub waf_million_requests: f64,
    /// GB stored in a bucket.
    pub s3_gb: f64,
    /// GB of flow logs delivered a month.
    pub flow_logs_gb: f64,
}

impl Default for Usage {
    fn default() -> Self {
        Self {
            nat_gb: 100.0,
            load_balancer_lcu: 1.0,
            efs_gb: 10.0,
            cloudfront_gb: 100.0,
            cloudfront_million_requests: 1.0,
            waf_million_requests: 1.0,
            s3_gb: 10.0,
            flow_logs_gb: 10.0,
        }
    }
}

/// The estimate of one resource.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct CostLine {
    /// Its construct path.
    pub path: String,
    /// Its logical id.
    pub logical_id: String,
    /// Its CloudFormation type.
    #[serde(rename = "type")]
    pub type_name: String,
    /// USD a month (at the desired count for a group).
    pub monthly_usd: f64,
    /// USD a month at the group's maximum, when it scales.
    pub max_monthly_usd: Option<f64>,
    /// What the figure is made of.
    pub description: String,
    /// The usage it assumes.
    pub assumptions: Vec<String>,
    /// Why it could not be estimated (its figure is then 0 and left out of the total).
    pub unknown: Option<String>,
}

/// A stack's estimate: one line per billed resource, the total, and the price book's
/// provenance.
#[derive(Clone, Debug, serde::Serialize)]
pub struct CostEstimate {
    /// The stack.
    pub stack: String,
    /// Always "estimate".
    pub label: &'static str,
    /// USD a month, at desired counts.
    pub total_monthly_usd: f64,
    /// USD a month with every group at its maximum.
    pub max_total_monthly_usd: f64,
    /// The billed resources, largest first; free types are left out.
    pub lines: Vec<CostLine>,
    /// How many resources cost nothing by themselves.
    pub free_resources: usize,
    /// The price book used.
    pub prices: &'static PriceBook,
    /// The usage assumed.
    pub usage: Usage,
    /// Set when the stack's region is not the price book's.
    pub region_note: Option<String>,
}

impl CostEstimate {
    /// The lines that could not be estimated.
    pub fn unknown(&self) -> impl Iterator<Item = &CostLine> {
        self.lines.iter().filter(|l| l.unknown.is_some())
    }
}

/// The estimate of what `stack` declares, with the built-in prices and default usage.
pub fn estimate(stack: &Stack) -> CostEstimate {
    estimate_with(stack, &Usage::default())
}

/// The estimate of what `stack` declares, with this usage.
pub fn estimate_with(stack: &Stack, usage: &Usage) -> CostEstimate {
    let mut estimate = price(stack.name(), &Resources::of_stack(stack), usage);
    let book = PriceBook::builtin();
    if let Some(region) = stack.env().region.as_deref()
        && region != book.region
    {
        estimate.region_note = Some(format!(
            "the stack is in {region}; the prices are {}'s",
            book.region
        ));
    }
    estimate
}

/// The estimate of what `state` records as deployed (for the difference a plan makes).
pub fn estimate_state(state: &State, usage: &Usage) -> CostEstimate {
    price(&state.stack, &Resources::of_state(state), usage)
}

fn price(stack: &str, resources: &Resources, usage: &Usage) -> CostEstimate {
    let book = PriceBook::builtin();
    let mut lines = Vec::new();
    let mut free_resources = 0;
    for resource in resources.by_id.values() {
        match model::line(book, usage, resources, resource) {
            Some(line) => lines.push(line),
            None => free_resources += 1,
        }
    }
    lines.sort_by(|a, b| {
        b.monthly_usd
            .total_cmp(&a.monthly_usd)
            .then_with(|| a.path.cmp(&b.path))
    });
    let total_monthly_usd = lines.iter().map(|l| l.monthly_usd).sum();
    let max_total_monthly_usd = lines
        .iter()
        .map(|l| l.max_monthly_usd.unwrap_or(l.monthly_usd))
        .sum();
    CostEstimate {
        stack: stack.to_owned(),
        label: "estimate",
        total_monthly_usd,
        max_total_monthly_usd,
        lines,
        free_resources,
        prices: book,
        usage: usage.clone(),
        region_note: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_price_book_parses_and_says_where_it_comes_from() {
        let book = PriceBook::builtin();
        assert_eq!(book.label, "estimate");
        assert_eq!(book.region, "us-east-1");
        assert!(!book.source.is_empty() && !book.as_of.is_empty());
        assert_eq!(book.ec2_hourly("t3.xlarge"), Some(0.1664));
        assert_eq!(book.rds_hourly("mariadb", "db.t3.medium"), Some(0.068));
        assert_eq!(book.ec2_hourly("x9.imaginary"), None);
    }
}
