//! What a CloudFormation schema says of a resource's properties, as data: the generated types
//! (`stratus-cfn`) carry one [`ObjectSchema`] per type and per nested property type, and
//! `validate()` checks every resource of a known type against it.

/// The properties of a resource or of a nested property type.
#[derive(Debug)]
pub struct ObjectSchema {
    /// The CloudFormation name: `AWS::SQS::Queue`, or the property type's name.
    pub name: &'static str,
    /// Every property it takes.
    pub properties: &'static [PropertySchema],
    /// Properties that must be set.
    pub required: &'static [&'static str],
    /// Groups of which exactly one property must be set.
    pub required_xor: &'static [&'static [&'static str]],
    /// A property that, when set, needs the others set too.
    pub dependent_required: &'static [(&'static str, &'static [&'static str])],
    /// The schema's `oneOf`, when its alternatives only list required properties: exactly one
    /// alternative's properties must all be set.
    pub one_of: &'static [&'static [&'static str]],
    /// The schema's `anyOf`, when its alternatives only list required properties: at least one
    /// alternative's properties must all be set.
    pub any_of: &'static [&'static [&'static str]],
    /// Whether properties beyond the listed ones are allowed.
    pub open: bool,
}

/// One property, or the items of a list or a map.
#[derive(Debug)]
pub struct PropertySchema {
    /// Its name (empty for list and map items).
    pub name: &'static str,
    /// What it holds.
    pub kind: Kind,
    /// A pattern a string must match (ECMAScript syntax, as the schemas write it).
    pub pattern: Option<&'static str>,
    /// An AWS format the schema names (`AWS::EC2::VPC.Id`) and the pattern its values match.
    pub format: Option<(&'static str, &'static str)>,
    /// Bounds on a string's length.
    pub length: (Option<u64>, Option<u64>),
    /// Bounds on a number.
    pub range: (Option<f64>, Option<f64>),
    /// Bounds on a list's size.
    pub items: (Option<u64>, Option<u64>),
}

/// What a property holds.
#[derive(Debug)]
pub enum Kind {
    /// A string.
    String,
    /// An integer.
    Integer,
    /// A number.
    Number,
    /// A boolean.
    Boolean,
    /// Anything (the schema leaves it open).
    Json,
    /// One of these strings.
    Enum(&'static [&'static str]),
    /// A list of items.
    List(&'static PropertySchema),
    /// A map of string keys to values.
    Map(&'static PropertySchema),
    /// A nested property type.
    Object(&'static ObjectSchema),
}

impl ObjectSchema {
    /// The property named `name`.
    pub fn property(&self, name: &str) -> Option<&'static PropertySchema> {
        self.properties.iter().find(|p| p.name == name)
    }
}

/// A property of `kind` without limits; the generated tables chain the limits the schema sets.
pub const fn prop(name: &'static str, kind: Kind) -> PropertySchema {
    PropertySchema {
        name,
        kind,
        pattern: None,
        format: None,
        length: (None, None),
        range: (None, None),
        items: (None, None),
    }
}

impl PropertySchema {
    /// With a pattern.
    #[must_use]
    pub const fn pattern(mut self, pattern: &'static str) -> Self {
        self.pattern = Some(pattern);
        self
    }

    /// An AWS format (`AWS::EC2::VPC.Id`) and the pattern its values match.
    #[must_use]
    pub const fn format(mut self, name: &'static str, pattern: &'static str) -> Self {
        self.format = Some((name, pattern));
        self
    }

    /// With a shortest length.
    #[must_use]
    pub const fn min_length(mut self, n: u64) -> Self {
        self.length.0 = Some(n);
        self
    }

    /// With a longest length.
    #[must_use]
    pub const fn max_length(mut self, n: u64) -> Self {
        self.length.1 = Some(n);
        self
    }

    /// With a lowest value.
    #[must_use]
    pub const fn minimum(mut self, n: f64) -> Self {
        self.range.0 = Some(n);
        self
    }

    /// With a highest value.
    #[must_use]
    pub const fn maximum(mut self, n: f64) -> Self {
        self.range.1 = Some(n);
        self
    }

    /// With a fewest number of items.
    #[must_use]
    pub const fn min_items(mut self, n: u64) -> Self {
        self.items.0 = Some(n);
        self
    }

    /// With a most number of items.
    #[must_use]
    pub const fn max_items(mut self, n: u64) -> Self {
        self.items.1 = Some(n);
        self
    }
}

/// A schema pattern (ECMAScript, with Python's `\\Z` in places) in the syntax of Rust's regex
/// crates: `\\Z` is `\\z`, `\\uXXXX` is `\\x{XXXX}`.
pub fn rust_syntax(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('Z') => out.push_str("\\z"),
            Some('u') => {
                out.push_str("\\x{");
                out.extend(chars.by_ref().take(4));
                out.push('}');
            }
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}
