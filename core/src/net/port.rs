//! [`Port`]: a protocol and a port range, with constants for well-known services.

use std::fmt;

/// An IP protocol of a security group rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Protocol {
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
    /// Every protocol (`-1`).
    All,
}

/// Traffic a rule allows: a protocol and an inclusive port range.
///
/// ```
/// use stratus_core::net::Port;
/// assert_eq!(Port::MYSQL, Port::tcp(3306));
/// assert_eq!(Port::tcp_range(8000, 8080).to_string(), "tcp 8000-8080");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Port {
    protocol: Protocol,
    from: u16,
    to: u16,
}

impl Port {
    /// SSH, TCP 22.
    pub const SSH: Port = Port::tcp(22);
    /// HTTP, TCP 80.
    pub const HTTP: Port = Port::tcp(80);
    /// HTTPS, TCP 443.
    pub const HTTPS: Port = Port::tcp(443);
    /// MySQL and MariaDB, TCP 3306.
    pub const MYSQL: Port = Port::tcp(3306);
    /// PostgreSQL, TCP 5432.
    pub const POSTGRES: Port = Port::tcp(5432);
    /// NFS (EFS), TCP 2049.
    pub const NFS: Port = Port::tcp(2049);
    /// Redis, TCP 6379.
    pub const REDIS: Port = Port::tcp(6379);

    /// One TCP port.
    pub const fn tcp(port: u16) -> Port {
        Port {
            protocol: Protocol::Tcp,
            from: port,
            to: port,
        }
    }

    /// An inclusive TCP range. A reversed range is reported by validation.
    pub const fn tcp_range(from: u16, to: u16) -> Port {
        Port {
            protocol: Protocol::Tcp,
            from,
            to,
        }
    }

    /// One UDP port.
    pub const fn udp(port: u16) -> Port {
        Port {
            protocol: Protocol::Udp,
            from: port,
            to: port,
        }
    }

    /// An inclusive UDP range. A reversed range is reported by validation.
    pub const fn udp_range(from: u16, to: u16) -> Port {
        Port {
            protocol: Protocol::Udp,
            from,
            to,
        }
    }

    /// Every TCP port.
    pub const fn all_tcp() -> Port {
        Port::tcp_range(0, 65535)
    }

    /// All traffic, every protocol.
    pub const fn all_traffic() -> Port {
        Port {
            protocol: Protocol::All,
            from: 0,
            to: 65535,
        }
    }

    /// The protocol.
    pub fn protocol(self) -> Protocol {
        self.protocol
    }

    /// The first port.
    pub fn from_port(self) -> u16 {
        self.from
    }

    /// The last port.
    pub fn to_port(self) -> u16 {
        self.to
    }

    /// Whether the range is well-formed (start ≤ end).
    pub fn is_valid(self) -> bool {
        self.from <= self.to
    }

    /// Whether this rule's traffic includes `other`'s.
    pub fn covers(self, other: Port) -> bool {
        (self.protocol == Protocol::All || self.protocol == other.protocol)
            && self.from <= other.from
            && other.to <= self.to
    }

    /// CloudFormation's `IpProtocol`.
    pub fn ip_protocol(self) -> &'static str {
        match self.protocol {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
            Protocol::All => "-1",
        }
    }

    /// CloudFormation's `FromPort`/`ToPort` (absent for all traffic).
    pub(crate) fn cfn_range(self) -> (Option<i32>, Option<i32>) {
        match self.protocol {
            Protocol::All => (None, None),
            _ => (Some(i32::from(self.from)), Some(i32::from(self.to))),
        }
    }

    /// A short label for construct ids, e.g. `tcp-3306`, `tcp-8000-8080`, `all`.
    pub(crate) fn label(self) -> String {
        match self.protocol {
            Protocol::All => "all".into(),
            _ if self.from == self.to => format!("{}-{}", self.ip_protocol(), self.from),
            _ => format!("{}-{}-{}", self.ip_protocol(), self.from, self.to),
        }
    }
}

impl fmt::Display for Port {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.protocol {
            Protocol::All => f.write_str("all traffic"),
            _ if self.from == self.to => write!(f, "{} {}", self.ip_protocol(), self.from),
            _ => write!(f, "{} {}-{}", self.ip_protocol(), self.from, self.to),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coverage() {
        assert!(Port::all_traffic().covers(Port::MYSQL));
        assert!(Port::all_tcp().covers(Port::HTTP));
        assert!(!Port::all_tcp().covers(Port::udp(53)));
        assert!(Port::tcp_range(80, 90).covers(Port::tcp(85)));
        assert!(!Port::HTTP.covers(Port::HTTPS));
    }

    #[test]
    fn labels_and_validity() {
        assert_eq!(Port::MYSQL.label(), "tcp-3306");
        assert_eq!(Port::all_traffic().label(), "all");
        assert!(!Port::tcp_range(90, 80).is_valid());
        assert_eq!(Port::all_traffic().cfn_range(), (None, None));
    }
}
