//! The one table of handlers: every resource type stratus-aws manages, by service feature.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use crate::handler::Handler;

/// Every handler compiled in, in service order.
pub(crate) fn handlers() -> impl Iterator<Item = &'static dyn Handler> {
    let services: &[&[&'static dyn Handler]] = &[
        #[cfg(feature = "ec2")]
        crate::ec2::HANDLERS,
        #[cfg(feature = "autoscaling")]
        crate::autoscaling::HANDLERS,
        #[cfg(feature = "elb")]
        crate::elb::HANDLERS,
        #[cfg(feature = "efs")]
        crate::efs::HANDLERS,
        #[cfg(feature = "rds")]
        crate::rds::HANDLERS,
        #[cfg(feature = "iam")]
        crate::iam::HANDLERS,
        #[cfg(feature = "secretsmanager")]
        crate::secrets::HANDLERS,
        #[cfg(feature = "route53")]
        crate::route53::HANDLERS,
        #[cfg(feature = "acm")]
        crate::acm::HANDLERS,
        #[cfg(feature = "cloudfront")]
        crate::cloudfront::HANDLERS,
        #[cfg(feature = "s3")]
        crate::assets::HANDLERS,
        crate::lookup::HANDLERS,
    ];
    services
        .iter()
        .flat_map(|s| s.iter())
        .copied()
        .collect::<Vec<_>>()
        .into_iter()
}

/// The handler of a type.
pub(crate) fn handler(type_name: &str) -> Option<&'static dyn Handler> {
    static TABLE: OnceLock<BTreeMap<&'static str, &'static dyn Handler>> = OnceLock::new();
    TABLE
        .get_or_init(|| handlers().map(|h| (h.contract().type_name, h)).collect())
        .get(type_name)
        .copied()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    #[test]
    fn every_type_has_one_handler() {
        let names: Vec<&str> = super::handlers().map(|h| h.contract().type_name).collect();
        let unique: BTreeSet<&str> = names.iter().copied().collect();
        assert_eq!(names.len(), unique.len(), "{names:?}");
        assert!(unique.contains("AWS::EC2::VPC"));
    }

    /// The SDK-free table (what an in-process cloud reads) and the handlers (what runs) hold
    /// the same contracts, type for type.
    #[test]
    fn the_contract_table_is_what_the_handlers_return() {
        let handled: Vec<&str> = super::handlers().map(|h| h.contract().type_name).collect();
        let tabled: Vec<&str> = crate::contracts::ALL.iter().map(|c| c.type_name).collect();
        assert_eq!(
            handled.iter().collect::<BTreeSet<_>>(),
            tabled.iter().collect::<BTreeSet<_>>()
        );
        // Each handler returns the tabled static itself, so every field (the validation
        // included) is the same.
        for handler in super::handlers() {
            let contract = handler.contract();
            let tabled = crate::contracts::ALL
                .iter()
                .find(|c| c.type_name == contract.type_name)
                .expect("tabled");
            assert!(std::ptr::eq(contract, *tabled), "{}", contract.type_name);
        }
    }
}
