//! AWS-managed CloudFront policies, by name. Their ids are fixed by AWS, so no lookup call is
//! needed (some APIs and emulators lack `GetCachePolicy`).

/// Managed cache policies: name → id.
const CACHE_POLICIES: &[(&str, &str)] = &[
    ("CachingOptimized", "658327ea-f89d-4fab-a63d-7e88639e58f6"),
    ("CachingDisabled", "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"),
    (
        "CachingOptimizedForUncompressedObjects",
        "b2884449-e4de-46a7-ac36-70bc7f1ddd6d",
    ),
    (
        "Elemental-MediaPackage",
        "08627262-05a9-4f76-9ded-b50ca2e3a84f",
    ),
    ("Amplify", "2e54312d-136d-493c-8eb9-b001f22f67d2"),
];

/// Managed origin request policies: name → id.
const ORIGIN_REQUEST_POLICIES: &[(&str, &str)] = &[
    ("AllViewer", "216adef6-5c7f-47e4-b989-5492eafa07d3"),
    (
        "AllViewerExceptHostHeader",
        "b689b0a8-53d0-40ab-baf2-68738e2966ac",
    ),
    (
        "AllViewerAndCloudFrontHeaders-2022-06",
        "33f36d7e-f396-46d9-90e0-52428a34d9dc",
    ),
    ("CORS-CustomOrigin", "59781a5b-3903-41f3-afcb-af62929ccde1"),
    ("CORS-S3Origin", "88a5eaf4-2fd4-4709-b370-b4c650ea3fcf"),
    (
        "UserAgentRefererHeaders",
        "acba4595-bd28-49b8-b9fe-13317c0390fa",
    ),
];

/// A cache policy: managed (by name) or custom (by id).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CachePolicy {
    name: String,
    id: Option<String>,
}

impl CachePolicy {
    /// Managed `CachingDisabled`: every request goes to the origin.
    pub fn caching_disabled() -> Self {
        Self::managed("CachingDisabled")
    }

    /// Managed `CachingOptimized`.
    pub fn caching_optimized() -> Self {
        Self::managed("CachingOptimized")
    }

    /// A managed policy by name; an unknown name is reported by validation with the names
    /// available.
    pub fn managed(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            id: lookup(CACHE_POLICIES, name),
        }
    }

    /// A policy of your own, by id.
    pub fn custom(id: impl Into<String>) -> Self {
        let id = id.into();
        Self {
            name: id.clone(),
            id: Some(id),
        }
    }

    /// The policy id, if the name is known.
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    pub(crate) fn unknown(&self) -> Option<String> {
        self.id
            .is_none()
            .then(|| unknown_message("cache policy", &self.name, CACHE_POLICIES))
    }
}

/// An origin request policy: managed (by name) or custom (by id).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OriginRequestPolicy {
    name: String,
    id: Option<String>,
}

impl OriginRequestPolicy {
    /// Managed `AllViewer`: forwards every header, cookie and query string.
    pub fn all_viewer() -> Self {
        Self::managed("AllViewer")
    }

    /// A managed policy by name.
    pub fn managed(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            id: lookup(ORIGIN_REQUEST_POLICIES, name),
        }
    }

    /// A policy of your own, by id.
    pub fn custom(id: impl Into<String>) -> Self {
        let id = id.into();
        Self {
            name: id.clone(),
            id: Some(id),
        }
    }

    /// The policy id, if the name is known.
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    pub(crate) fn unknown(&self) -> Option<String> {
        self.id
            .is_none()
            .then(|| unknown_message("origin request policy", &self.name, ORIGIN_REQUEST_POLICIES))
    }
}

fn lookup(table: &[(&str, &str)], name: &str) -> Option<String> {
    table
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, id)| (*id).to_owned())
}

fn unknown_message(what: &str, name: &str, table: &[(&str, &str)]) -> String {
    let close = table.iter().find(|(n, _)| n.eq_ignore_ascii_case(name));
    let names: Vec<&str> = table.iter().map(|(n, _)| *n).collect();
    match close {
        Some((n, _)) => format!("unknown managed {what} {name:?}; did you mean {n:?}?"),
        None => format!(
            "unknown managed {what} {name:?}; available: {}",
            names.join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn managed_ids_by_name() {
        assert_eq!(
            CachePolicy::caching_disabled().id(),
            Some("4135ea2d-6df8-44a3-9df3-4b5a84be39ad")
        );
        assert_eq!(
            OriginRequestPolicy::all_viewer().id(),
            Some("216adef6-5c7f-47e4-b989-5492eafa07d3")
        );
        let err = CachePolicy::managed("cachingdisabled").unknown().unwrap();
        assert!(err.contains("did you mean \"CachingDisabled\""), "{err}");
        assert!(
            CachePolicy::managed("Nope")
                .unknown()
                .unwrap()
                .contains("available: CachingOptimized")
        );
    }
}
