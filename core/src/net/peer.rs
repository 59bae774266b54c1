//! [`Peer`]: where traffic comes from or goes to.

use ipnet::Ipv4Net;

use super::cidr::parse_cidr;
use super::security_group::SecurityGroup;

/// The other side of a security group rule.
///
/// ```
/// use stratus_core::net::Peer;
/// assert_eq!(Peer::any_ipv4().to_string(), "0.0.0.0/0");
/// // A bare address is rejected by validation with "did you mean 203.0.113.10/32?".
/// let admin = Peer::ipv4("203.0.113.10/32");
/// assert_eq!(admin.to_string(), "203.0.113.10/32");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Peer {
    /// An IPv4 block, as written (checked by validation).
    Ipv4(String),
    /// Members of a security group.
    SecurityGroup(SecurityGroup),
    /// The addresses of a managed prefix list (`pl-…`), such as CloudFront's origin-facing
    /// one.
    PrefixList(String),
}

impl Peer {
    /// Anywhere on the IPv4 internet.
    pub fn any_ipv4() -> Peer {
        Peer::Ipv4("0.0.0.0/0".into())
    }

    /// An IPv4 block such as `203.0.113.10/32`. A bare address or one with host bits set is
    /// reported by validation, with the block you probably meant.
    pub fn ipv4(cidr: impl Into<String>) -> Peer {
        Peer::Ipv4(cidr.into())
    }

    /// The addresses of a managed prefix list, by id. CloudFront's origin-facing list
    /// (`com.amazonaws.global.cloudfront.origin-facing`) lets a load balancer admit only
    /// CloudFront; its id differs by region (`pl-3b927c52` in us-east-1).
    ///
    /// ```
    /// use stratus_core::net::Peer;
    /// assert_eq!(Peer::prefix_list("pl-3b927c52").to_string(), "prefix list pl-3b927c52");
    /// ```
    pub fn prefix_list(id: impl Into<String>) -> Peer {
        Peer::PrefixList(id.into())
    }

    /// The parsed block, if this is a well-formed IPv4 peer.
    pub fn cidr(&self) -> Option<Ipv4Net> {
        match self {
            Peer::Ipv4(text) => parse_cidr(text).ok(),
            Peer::SecurityGroup(_) | Peer::PrefixList(_) => None,
        }
    }

    /// A short label for construct ids.
    pub(crate) fn label(&self, stack: &crate::Stack) -> String {
        match self {
            Peer::Ipv4(text) if text == "0.0.0.0/0" => "anywhere".into(),
            Peer::Ipv4(text) => text.replace(['.', '/'], "-"),
            Peer::SecurityGroup(sg) => stack.node(sg.id().id()).path.id().to_owned(),
            Peer::PrefixList(id) => id.clone(),
        }
    }
}

impl std::fmt::Display for Peer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Peer::Ipv4(text) => f.write_str(text),
            Peer::SecurityGroup(sg) => write!(f, "security group {}", sg.id().id()),
            Peer::PrefixList(id) => write!(f, "prefix list {id}"),
        }
    }
}

impl From<SecurityGroup> for Peer {
    fn from(sg: SecurityGroup) -> Self {
        Peer::SecurityGroup(sg)
    }
}

impl From<Ipv4Net> for Peer {
    fn from(net: Ipv4Net) -> Self {
        Peer::Ipv4(net.to_string())
    }
}
