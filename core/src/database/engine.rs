//! Database engines as types, so a replica's engine, a database's default port and its allowed
//! versions follow from the type.

mod sealed {
    pub trait Sealed {}
}

/// An RDS engine.
pub trait Engine: sealed::Sealed + Copy + std::fmt::Debug + 'static {
    /// The engine name RDS uses (`mysql`).
    const NAME: &'static str;
    /// Its display name (`MySQL`).
    const DISPLAY: &'static str;
    /// The port it listens on by default.
    const PORT: u16;
    /// Major versions RDS offers (a version is accepted when it starts with one of these).
    const MAJOR_VERSIONS: &'static [&'static str];
    /// The version used when none is given: a full minor version, as CloudFormation linters
    /// require (RDS itself also accepts a major version).
    const DEFAULT_VERSION: &'static str;
    /// The master user name used when none is given.
    const DEFAULT_USERNAME: &'static str;
    /// Longest initial database name.
    const MAX_DB_NAME: usize;
}

/// MySQL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MySql;
/// PostgreSQL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Postgres;
/// MariaDB.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MariaDb;

impl sealed::Sealed for MySql {}
impl sealed::Sealed for Postgres {}
impl sealed::Sealed for MariaDb {}

impl Engine for MySql {
    const NAME: &'static str = "mysql";
    const DISPLAY: &'static str = "MySQL";
    const PORT: u16 = 3306;
    const MAJOR_VERSIONS: &'static [&'static str] = &["8.0", "8.4"];
    const DEFAULT_VERSION: &'static str = "8.4.9";
    const DEFAULT_USERNAME: &'static str = "admin";
    const MAX_DB_NAME: usize = 64;
}

impl Engine for Postgres {
    const NAME: &'static str = "postgres";
    const DISPLAY: &'static str = "PostgreSQL";
    const PORT: u16 = 5432;
    const MAJOR_VERSIONS: &'static [&'static str] = &["13", "14", "15", "16", "17", "18"];
    const DEFAULT_VERSION: &'static str = "17.9";
    const DEFAULT_USERNAME: &'static str = "postgres";
    const MAX_DB_NAME: usize = 63;
}

impl Engine for MariaDb {
    const NAME: &'static str = "mariadb";
    const DISPLAY: &'static str = "MariaDB";
    const PORT: u16 = 3306;
    const MAJOR_VERSIONS: &'static [&'static str] = &["10.5", "10.6", "10.11", "11.4", "11.8"];
    const DEFAULT_VERSION: &'static str = "11.4.10";
    const DEFAULT_USERNAME: &'static str = "admin";
    const MAX_DB_NAME: usize = 64;
}

/// Whether `version` belongs to one of `E`'s major versions (`8.0` or `8.0.35` for `8.0`).
pub(crate) fn version_allowed<E: Engine>(version: &str) -> bool {
    E::MAJOR_VERSIONS.iter().any(|major| {
        version == *major
            || version
                .strip_prefix(major)
                .is_some_and(|rest| rest.starts_with('.'))
    })
}

/// The engine whose default port `port` is, if it is another engine's.
pub(crate) fn port_owner<E: Engine>(port: u16) -> Option<&'static str> {
    let owners = [
        (MySql::PORT, MySql::DISPLAY),
        (Postgres::PORT, Postgres::DISPLAY),
    ];
    owners
        .into_iter()
        .find(|(p, _)| *p == port && *p != E::PORT)
        .map(|(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert!(version_allowed::<MySql>("8.0"));
        assert!(version_allowed::<MySql>("8.0.35"));
        assert!(!version_allowed::<MySql>("8.01"));
        assert!(!version_allowed::<MySql>("16.2"));
        assert!(version_allowed::<Postgres>("16.2"));
        assert!(!version_allowed::<Postgres>("8.0"));
    }

    #[test]
    fn ports() {
        assert_eq!(port_owner::<MySql>(5432), Some("PostgreSQL"));
        assert_eq!(port_owner::<Postgres>(3306), Some("MySQL"));
        assert_eq!(port_owner::<MySql>(3306), None);
        assert_eq!(port_owner::<MySql>(13306), None);
    }
}
