//! What Stratus knows about AWS regions without asking AWS: their availability zones.
//!
//! Zone names map to different physical zones per account, but the *set* of names offered in a
//! region is what a template may use. Regions not listed here need explicit zones
//! (`Vpc::builder(..).azs([...])`).

/// The availability zones of a region, or `None` for a region not in the table.
pub fn availability_zones(region: &str) -> Option<&'static [&'static str]> {
    Some(match region {
        "us-east-1" => &[
            "us-east-1a",
            "us-east-1b",
            "us-east-1c",
            "us-east-1d",
            "us-east-1e",
            "us-east-1f",
        ],
        "us-east-2" => &["us-east-2a", "us-east-2b", "us-east-2c"],
        "us-west-1" => &["us-west-1a", "us-west-1c"],
        "us-west-2" => &["us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"],
        "ca-central-1" => &["ca-central-1a", "ca-central-1b", "ca-central-1d"],
        "eu-west-1" => &["eu-west-1a", "eu-west-1b", "eu-west-1c"],
        "eu-west-2" => &["eu-west-2a", "eu-west-2b", "eu-west-2c"],
        "eu-west-3" => &["eu-west-3a", "eu-west-3b", "eu-west-3c"],
        "eu-central-1" => &["eu-central-1a", "eu-central-1b", "eu-central-1c"],
        "eu-north-1" => &["eu-north-1a", "eu-north-1b", "eu-north-1c"],
        "ap-northeast-1" => &["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"],
        "ap-northeast-2" => &[
            "ap-northeast-2a",
            "ap-northeast-2b",
            "ap-northeast-2c",
            "ap-northeast-2d",
        ],
        "ap-south-1" => &["ap-south-1a", "ap-south-1b", "ap-south-1c"],
        "ap-southeast-1" => &["ap-southeast-1a", "ap-southeast-1b", "ap-southeast-1c"],
        "ap-southeast-2" => &["ap-southeast-2a", "ap-southeast-2b", "ap-southeast-2c"],
        "sa-east-1" => &["sa-east-1a", "sa-east-1b", "sa-east-1c"],
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn zones_belong_to_their_region() {
        for region in ["us-east-1", "eu-west-1", "us-west-1"] {
            let zones = super::availability_zones(region).unwrap();
            assert!(zones.iter().all(|z| z.starts_with(region)));
        }
        assert_eq!(super::availability_zones("us-east-1").unwrap().len(), 6);
        assert!(super::availability_zones("xx-nowhere-1").is_none());
    }
}
