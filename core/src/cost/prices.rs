//! The price book: `prices.json`, compiled into the crate, with its date, region and source.

use std::collections::BTreeMap;
use std::sync::OnceLock;

/// On-demand prices of one region, as data. Every figure is USD.
#[derive(Clone, Debug, serde::Deserialize, serde::Serialize)]
pub struct PriceBook {
    /// Always "estimate": these are not quotes.
    pub label: String,
    /// The region the prices are for.
    pub region: String,
    /// The currency.
    pub currency: String,
    /// When the figures were entered.
    pub as_of: String,
    /// Where they come from.
    pub source: String,
    /// Hours in the month the estimate is for.
    pub hours_per_month: f64,
    #[serde(skip_serializing)]
    pub(super) ec2_hourly: BTreeMap<String, f64>,
    #[serde(skip_serializing)]
    pub(super) rds_single_az_hourly: BTreeMap<String, BTreeMap<String, f64>>,
    #[serde(skip_serializing)]
    pub(super) rds_engine_prices: BTreeMap<String, String>,
    #[serde(skip_serializing)]
    pub(super) rds_storage_gb_month: BTreeMap<String, f64>,
    #[serde(skip_serializing)]
    pub(super) ebs_gb_month: BTreeMap<String, f64>,
    #[serde(skip_serializing)]
    pub(super) nat_gateway_hour: f64,
    #[serde(skip_serializing)]
    pub(super) nat_gateway_gb: f64,
    #[serde(skip_serializing)]
    pub(super) alb_hour: f64,
    #[serde(skip_serializing)]
    pub(super) alb_lcu_hour: f64,
    #[serde(skip_serializing)]
    pub(super) nlb_hour: f64,
    #[serde(skip_serializing)]
    pub(super) nlb_lcu_hour: f64,
    #[serde(skip_serializing)]
    pub(super) public_ipv4_hour: f64,
    #[serde(skip_serializing)]
    pub(super) efs_standard_gb_month: f64,
    #[serde(skip_serializing)]
    pub(super) s3_standard_gb_month: f64,
    #[serde(skip_serializing)]
    pub(super) cloudfront_gb: f64,
    #[serde(skip_serializing)]
    pub(super) cloudfront_https_per_10k: f64,
    #[serde(skip_serializing)]
    pub(super) route53_zone_month: f64,
    #[serde(skip_serializing)]
    pub(super) secret_month: f64,
    #[serde(skip_serializing)]
    pub(super) waf_acl_month: f64,
    #[serde(skip_serializing)]
    pub(super) waf_rule_month: f64,
    #[serde(skip_serializing)]
    pub(super) waf_per_million_requests: f64,
    #[serde(skip_serializing)]
    pub(super) vended_logs_s3_gb: f64,
    #[serde(skip_serializing)]
    pub(super) vended_logs_cloudwatch_gb: f64,
}

impl PriceBook {
    /// The book compiled into the crate (us-east-1).
    ///
    /// # Panics
    /// Never in a released build: `prices.json` is parsed by the crate's tests.
    pub fn builtin() -> &'static PriceBook {
        static BOOK: OnceLock<PriceBook> = OnceLock::new();
        BOOK.get_or_init(|| {
            serde_json::from_str(include_str!("prices.json"))
                .expect("prices.json is checked by the tests")
        })
    }

    /// The hourly price of an EC2 instance type (Linux, on demand), if the book has it.
    pub fn ec2_hourly(&self, instance_type: &str) -> Option<f64> {
        self.ec2_hourly.get(instance_type).copied()
    }

    /// The Single-AZ hourly price of an RDS class for an engine, if the book has it.
    pub fn rds_hourly(&self, engine: &str, class: &str) -> Option<f64> {
        let table = self.rds_engine_prices.get(engine)?;
        self.rds_single_az_hourly.get(table)?.get(class).copied()
    }

    /// A month of something billed by the hour.
    pub(super) fn month(&self, hourly: f64) -> f64 {
        hourly * self.hours_per_month
    }

    /// A month of one public IPv4 address.
    pub(super) fn ipv4_month(&self) -> f64 {
        self.month(self.public_ipv4_hour)
    }

    /// A GB-month of EBS of a volume type (gp3 when unknown).
    pub(super) fn ebs(&self, volume_type: &str) -> f64 {
        self.ebs_gb_month
            .get(volume_type)
            .or_else(|| self.ebs_gb_month.get("gp3"))
            .copied()
            .unwrap_or_default()
    }

    /// A GB-month of RDS storage of a type (gp3 when unknown), Single-AZ.
    pub(super) fn rds_storage(&self, storage_type: &str) -> f64 {
        self.rds_storage_gb_month
            .get(storage_type)
            .or_else(|| self.rds_storage_gb_month.get("gp3"))
            .copied()
            .unwrap_or_default()
    }
}
