//! DNS and TLS: Route 53 hosted zones, alias records, ACM certificates with DNS validation.

mod certificate;
mod hosted_zone;
mod record;

pub use certificate::{Certificate, CertificateBuilder};
pub use hosted_zone::HostedZone;
pub use record::{AliasRecord, AliasTarget};

/// Whether `name` is `domain` or a name below it (`app.example.com` in `example.com`).
pub(crate) fn within(name: &str, domain: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let domain = domain.trim_end_matches('.').to_ascii_lowercase();
    name == domain || name.ends_with(&format!(".{domain}"))
}

/// Checks a domain name: labels of 1–63 letters, digits and hyphens (a leading `*` label
/// allowed), 253 characters in all. Returns what is wrong.
pub(crate) fn check_domain(name: &str) -> Option<String> {
    let name = name.trim_end_matches('.');
    if name.is_empty() || name.len() > 253 {
        return Some(format!("{name:?} is not 1 to 253 characters"));
    }
    let labels: Vec<&str> = name.split('.').collect();
    if labels.len() < 2 {
        return Some(format!("{name:?} has no parent domain"));
    }
    for (i, label) in labels.iter().enumerate() {
        let wildcard = i == 0 && *label == "*";
        let ok = wildcard
            || (!label.is_empty()
                && label.len() <= 63
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-'));
        if !ok {
            return Some(format!(
                "label {label:?} of {name:?} is not 1 to 63 letters, digits and inner hyphens"
            ));
        }
    }
    None
}

/// Whether a certificate for `domain` (maybe `*.x`) covers `name`.
pub(crate) fn covers(domain: &str, name: &str) -> bool {
    let domain = domain.to_ascii_lowercase();
    let name = name.to_ascii_lowercase();
    match domain.strip_prefix("*.") {
        Some(parent) => name.split_once('.').is_some_and(|(_, rest)| rest == parent),
        None => domain == name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains() {
        assert!(within("app.example.com", "example.com"));
        assert!(within("example.com.", "example.com"));
        assert!(!within("badexample.com", "example.com"));
        assert!(check_domain("app.example.com").is_none());
        assert!(check_domain("*.example.com").is_none());
        assert!(check_domain("-bad.example.com").is_some());
        assert!(check_domain("localhost").is_some());
        assert!(covers("*.example.com", "app.example.com"));
        assert!(!covers("*.example.com", "a.b.example.com"));
        assert!(covers("app.example.com", "APP.example.com"));
    }
}
