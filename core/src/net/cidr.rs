//! CIDR parsing with helpful errors, and deterministic, stable subnet planning.
//!
//! # Planning
//! Subnet groups are placed in declaration order. Each automatic group reserves one aligned block
//! big enough for `reserved_azs` subnets of its mask (first fit, avoiding everything placed
//! before it); the subnet of the *i*-th zone is the *i*-th sub-block. Hence:
//! - adding a zone (up to `reserved_azs`) only fills a reserved sub-block;
//! - adding a group appended after the others only uses space nobody had;
//!
//! so neither renumbers an existing subnet. Explicit CIDRs are placed where they are declared and
//! checked against what came before.

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

/// Parses `a.b.c.d/n`. The error says what is wrong and, where it can, what was meant.
///
/// ```
/// use stratus_core::net::parse_cidr;
/// assert!(parse_cidr("10.0.0.0/16").is_ok());
/// assert!(parse_cidr("203.0.113.10").unwrap_err().contains("did you mean 203.0.113.10/32?"));
/// assert!(parse_cidr("10.0.1.0/16").unwrap_err().contains("did you mean 10.0.0.0/16?"));
/// ```
pub fn parse_cidr(text: &str) -> Result<Ipv4Net, String> {
    let trimmed = text.trim();
    if let Ok(addr) = trimmed.parse::<Ipv4Addr>() {
        return Err(format!("missing prefix length; did you mean {addr}/32?"));
    }
    let net: Ipv4Net = trimmed
        .parse()
        .map_err(|_| "expected an IPv4 block such as 10.0.0.0/16".to_owned())?;
    if net.trunc() != net {
        return Err(format!("host bits are set; did you mean {}?", net.trunc()));
    }
    Ok(net)
}

/// What one subnet group asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GroupRequest {
    /// One subnet of this prefix length per zone, placed automatically.
    Mask(u8),
    /// These blocks, one per zone, in zone order.
    Explicit(Vec<Ipv4Net>),
}

/// Why a group could not be placed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlanError {
    /// No aligned free block of the needed size is left.
    Exhausted {
        /// The group.
        group: usize,
        /// The block it needed, e.g. `a /21 (8 zones × /24)`.
        needed: String,
    },
    /// The mask is not longer than the VPC's or leaves no room for the reserved zones.
    MaskTooShort {
        /// The group.
        group: usize,
        /// Its mask.
        mask: u8,
    },
    /// More zones than the reservation.
    TooManyZones {
        /// How many zones.
        zones: usize,
        /// The reservation.
        reserved: usize,
    },
    /// An explicit block outside the VPC.
    Outside {
        /// The group.
        group: usize,
        /// The block.
        cidr: Ipv4Net,
    },
    /// An explicit block overlapping one placed before.
    Overlap {
        /// The group.
        group: usize,
        /// The block.
        cidr: Ipv4Net,
        /// The block placed before that it overlaps.
        with: Ipv4Net,
    },
    /// An explicit group with fewer blocks than zones.
    MissingBlocks {
        /// The group.
        group: usize,
        /// How many given.
        given: usize,
    },
}

/// The blocks of one group, one per zone, or why it could not be placed.
pub type GroupPlan = Result<Vec<Ipv4Net>, PlanError>;

/// Plans one block per zone for each group. `reserved_azs` is rounded up to a power of two.
/// Returns one result per group, so every group's problem can be reported; a group that could not
/// be placed takes no space. Deterministic; see the module docs for why it is stable.
pub fn plan_subnets(
    vpc: Ipv4Net,
    groups: &[GroupRequest],
    zones: usize,
    reserved_azs: usize,
) -> Vec<GroupPlan> {
    let reserved = reserved_azs.max(1).next_power_of_two();
    if zones > reserved {
        return groups
            .iter()
            .map(|_| Err(PlanError::TooManyZones { zones, reserved }))
            .collect();
    }
    let mut taken: Vec<Ipv4Net> = Vec::new();
    groups
        .iter()
        .enumerate()
        .map(|(group, request)| place_group(vpc, group, request, zones, reserved, &mut taken))
        .collect()
}

fn place_group(
    vpc: Ipv4Net,
    group: usize,
    request: &GroupRequest,
    zones: usize,
    reserved: usize,
    taken: &mut Vec<Ipv4Net>,
) -> GroupPlan {
    let reserve_bits = reserved.trailing_zeros() as u8;
    {
        match request {
            GroupRequest::Explicit(blocks) => {
                if blocks.len() < zones {
                    return Err(PlanError::MissingBlocks {
                        group,
                        given: blocks.len(),
                    });
                }
                let blocks = &blocks[..zones];
                for (i, &cidr) in blocks.iter().enumerate() {
                    if !vpc.contains(&cidr) {
                        return Err(PlanError::Outside { group, cidr });
                    }
                    let mut earlier = taken.iter().chain(&blocks[..i]);
                    if let Some(with) = earlier.find(|t| overlaps(**t, cidr)) {
                        return Err(PlanError::Overlap {
                            group,
                            cidr,
                            with: *with,
                        });
                    }
                }
                taken.extend_from_slice(blocks);
                Ok(blocks.to_vec())
            }
            &GroupRequest::Mask(mask) => {
                if mask > 32 || mask < vpc.prefix_len() + reserve_bits {
                    return Err(PlanError::MaskTooShort { group, mask });
                }
                let block_len = mask - reserve_bits;
                let block = vpc
                    .subnets(block_len)
                    .expect("block_len is within vpc prefix..=32")
                    .find(|candidate| !taken.iter().any(|t| overlaps(*t, *candidate)))
                    .ok_or_else(|| PlanError::Exhausted {
                        group,
                        needed: format!("a /{block_len} ({reserved} zones × /{mask})"),
                    })?;
                taken.push(block);
                Ok(block
                    .subnets(mask)
                    .expect("mask >= block_len")
                    .take(zones)
                    .collect())
            }
        }
    }
}

/// Whether two blocks share an address.
pub fn overlaps(a: Ipv4Net, b: Ipv4Net) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn net(s: &str) -> Ipv4Net {
        s.parse().unwrap()
    }

    #[test]
    fn reference_layout() {
        let plan = plan_subnets(
            net("10.0.0.0/16"),
            &[GroupRequest::Mask(24), GroupRequest::Mask(24)],
            3,
            8,
        );
        let text: Vec<Vec<String>> = plan
            .iter()
            .map(|g| {
                g.as_ref()
                    .unwrap()
                    .iter()
                    .map(ToString::to_string)
                    .collect()
            })
            .collect();
        assert_eq!(text[0], ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"]);
        assert_eq!(text[1], ["10.0.8.0/24", "10.0.9.0/24", "10.0.10.0/24"]);
    }

    #[test]
    fn explicit_blocks_are_checked() {
        let groups = [
            GroupRequest::Mask(24),
            GroupRequest::Explicit(vec![net("10.0.0.0/24")]),
        ];
        assert_eq!(
            plan_subnets(net("10.0.0.0/16"), &groups, 1, 4)[1],
            Err(PlanError::Overlap {
                group: 1,
                cidr: net("10.0.0.0/24"),
                with: net("10.0.0.0/22")
            })
        );
        let outside = [GroupRequest::Explicit(vec![net("10.1.0.0/24")])];
        assert!(matches!(
            plan_subnets(net("10.0.0.0/16"), &outside, 1, 4)[0],
            Err(PlanError::Outside { .. })
        ));
    }

    #[test]
    fn exhaustion_is_reported() {
        let groups = [
            GroupRequest::Mask(20),
            GroupRequest::Mask(20),
            GroupRequest::Mask(20),
        ];
        let plan = plan_subnets(net("10.0.0.0/16"), &groups, 3, 8);
        assert!(plan[0].is_ok() && plan[1].is_ok());
        assert!(
            matches!(plan[2], Err(PlanError::Exhausted { group: 2, .. })),
            "{plan:?}"
        );
    }

    #[test]
    fn cidr_errors_suggest_the_fix() {
        assert!(parse_cidr("10.0.0.0/33").is_err());
        assert!(
            parse_cidr("ten")
                .unwrap_err()
                .contains("expected an IPv4 block")
        );
        assert_eq!(parse_cidr(" 10.0.0.0/8 "), Ok(net("10.0.0.0/8")));
    }

    fn arb_groups() -> impl Strategy<Value = Vec<u8>> {
        prop::collection::vec(18u8..=28, 1..5)
    }

    proptest! {
        #[test]
        fn plans_stay_inside_and_disjoint(prefix in 16u8..=22, masks in arb_groups(), zones in 1usize..=6) {
            let vpc = Ipv4Net::new(std::net::Ipv4Addr::new(10, 0, 0, 0), prefix).unwrap().trunc();
            let groups: Vec<_> = masks.iter().map(|m| GroupRequest::Mask(*m)).collect();
            let plan = plan_subnets(vpc, &groups, zones, 8);
            prop_assert_eq!(plan.len(), groups.len());
            {
                let all: Vec<Ipv4Net> = plan.iter().flatten().flatten().copied().collect();
                let placed = plan.iter().filter(|g| g.is_ok()).count();
                prop_assert_eq!(all.len(), placed * zones);
                for (i, a) in all.iter().enumerate() {
                    prop_assert!(vpc.contains(a), "{a} outside {vpc}");
                    for b in &all[i + 1..] {
                        prop_assert!(!overlaps(*a, *b), "{a} overlaps {b}");
                    }
                }
            }
        }

        #[test]
        fn adding_a_zone_or_group_renumbers_nothing(prefix in 16u8..=20, masks in arb_groups(), extra in 18u8..=28, zones in 1usize..=5) {
            let vpc = Ipv4Net::new(std::net::Ipv4Addr::new(10, 0, 0, 0), prefix).unwrap().trunc();
            let groups: Vec<_> = masks.iter().map(|m| GroupRequest::Mask(*m)).collect();
            let before = plan_subnets(vpc, &groups, zones, 8);
            let more_zones = plan_subnets(vpc, &groups, zones + 1, 8);
            for (old, new) in before.iter().zip(&more_zones) {
                if let (Ok(old), Ok(new)) = (old, new) {
                    prop_assert_eq!(&old[..], &new[..zones]);
                }
            }
            let mut with_group = groups.clone();
            with_group.push(GroupRequest::Mask(extra));
            let more_groups = plan_subnets(vpc, &with_group, zones, 8);
            prop_assert_eq!(&before[..], &more_groups[..groups.len()]);
        }
    }
}
