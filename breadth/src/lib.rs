//! A sample resource of any generated CloudFormation type, its required properties filled from
//! the type's schema table: the value the breadth test declares for each of them.

use std::collections::BTreeMap;

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use stratus_model::schema::{Kind, ObjectSchema, PropertySchema, rust_syntax};
use stratus_model::value::Value;

/// The required properties of `schema` (and, for each `requiredXor` group, its first member;
/// for `oneOf` and `anyOf`, the first alternative's; for each property set, the ones it depends
/// on), each with a sample value.
pub fn required_properties(schema: &ObjectSchema) -> BTreeMap<String, Value> {
    properties(schema, schema.name)
}

/// [`required_properties`] of an object inside a resource of type `resource`.
fn properties(schema: &ObjectSchema, resource: &str) -> BTreeMap<String, Value> {
    let mut names: Vec<&str> = schema.required.to_vec();
    for group in schema.required_xor {
        if !group.iter().any(|name| names.contains(name)) {
            names.extend(group.first());
        }
    }
    for alternatives in [schema.one_of, schema.any_of] {
        if let Some(first) = alternatives.first() {
            names.extend(
                first
                    .iter()
                    .filter(|n| !names.contains(n))
                    .copied()
                    .collect::<Vec<_>>(),
            );
        }
    }
    let mut i = 0;
    while i < names.len() {
        for (name, needs) in schema.dependent_required {
            if *name == names[i] {
                for need in *needs {
                    if !names.contains(need) {
                        names.push(need);
                    }
                }
            }
        }
        i += 1;
    }
    names
        .into_iter()
        .filter_map(|name| {
            let property = schema.property(name)?;
            Some((name.to_owned(), sample(property, name, resource)))
        })
        .collect()
}

/// A value of `property` that satisfies its kind, enum, pattern, length, range and list size.
fn sample(property: &PropertySchema, seed: &str, resource: &str) -> Value {
    match &property.kind {
        // Stratus checks CIDR blocks itself, whatever the schema's pattern.
        Kind::String if property.name.contains("Cidr") => Value::String("10.0.0.0/16".into()),
        Kind::String => Value::String(string(property, seed)),
        Kind::Integer => Value::Int(integer(property)),
        Kind::Number => Value::Float(integer(property) as f64),
        Kind::Boolean => Value::Bool(true),
        Kind::Json if seed.ends_with("PolicyDocument") => policy_document(seed, resource),
        Kind::Json => Value::Map(BTreeMap::new()),
        Kind::Enum(values) => Value::String(values.first().copied().unwrap_or("").to_owned()),
        Kind::List(item) => {
            let count = property.items.0.unwrap_or(1).max(1);
            Value::List(
                (0..count)
                    .map(|n| sample(item, &format!("{seed}{n}"), resource))
                    .collect(),
            )
        }
        Kind::Map(item) => Value::Map(BTreeMap::from([(
            "key".to_owned(),
            sample(item, seed, resource),
        )])),
        Kind::Object(object) => Value::Map(properties(object, resource)),
    }
}

/// The smallest integer in the property's range, at least 1 when the range allows it.
fn integer(property: &PropertySchema) -> i64 {
    let (low, high) = property.range;
    let mut n = low.map_or(1.0, |l| l.ceil().max(1.0_f64.min(high.unwrap_or(1.0))));
    if let Some(h) = high {
        n = n.min(h.floor());
    }
    n as i64
}

/// A string matching the property's pattern (when the pattern can be generated from) within
/// its length limits, the same for the same seed.
fn string(property: &PropertySchema, seed: &str) -> String {
    let (min, max) = property.length;
    let fit = |text: String| -> Option<String> {
        let len = text.chars().count() as u64;
        (min.is_none_or(|m| len >= m) && max.is_none_or(|m| len <= m)).then_some(text)
    };
    // A readable value first: `stratus` cut or padded to the length limits.
    let wanted = (min.unwrap_or(1).max(7)).min(max.unwrap_or(u64::MAX)) as usize;
    // Items of one list differ: `stratus`, `stratus1`, … (by the seed's trailing number).
    let digits: String = seed
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect();
    let index: String = digits.chars().rev().collect();
    let word = match index.as_str() {
        "" | "0" => "stratus".to_owned(),
        n => format!("stratus{n}"),
    };
    let plain: String = word
        .chars()
        .cycle()
        .take(wanted.max(word.len().min(max.unwrap_or(u64::MAX) as usize)))
        .collect();
    let matches = |pattern: &str, text: &str| {
        regex::Regex::new(&rust_pattern(pattern)).is_ok_and(|re| re.is_match(text))
    };
    // A typical value of the format, when it has one.
    if let Some(example) = property.format.and_then(|(name, _)| format_example(name))
        && property.pattern.is_none_or(|p| matches(p, example))
    {
        return example.to_owned();
    }
    // Every pattern the value must match: the schema's own and its AWS format's.
    let patterns: Vec<&str> = property
        .pattern
        .into_iter()
        .chain(property.format.map(|(_, pattern)| pattern))
        .collect();
    let matches_all = |text: &str| patterns.iter().all(|p| matches(p, text));
    if matches_all(&plain) {
        return plain;
    }
    // Draw from each pattern (the format's first: the stricter), keep what matches them all.
    patterns
        .iter()
        .rev()
        .find_map(|pattern| {
            from_pattern(pattern, seed, |text| fit(text).filter(|t| matches_all(t)))
        })
        .unwrap_or(plain)
}

/// Deterministic draws from the pattern, the first that fits.
fn from_pattern(
    pattern: &str,
    seed: &str,
    fit: impl Fn(String) -> Option<String>,
) -> Option<String> {
    let mut seed_bytes = [7u8; 32];
    for (slot, byte) in seed_bytes.iter_mut().zip(seed.bytes()) {
        *slot ^= byte;
    }
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    let rust = rust_pattern(pattern);
    // Short repetitions first, longer ones for patterns with a minimum length.
    [3, 12, 32].into_iter().find_map(|most| {
        let strategy = proptest::string::string_regex(&printable(&rust, most)).ok()?;
        (0..32).find_map(|_| {
            let text = strategy.new_tree(&mut runner).ok()?.current();
            // YAML-safe text only: cfn-lint reads templates as YAML, which refuses control
            // characters.
            if text.chars().any(char::is_control) {
                return None;
            }
            fit(text)
        })
    })
}

/// `pattern` ready for the generator: no anchors (a draw is the whole string), `.` outside
/// classes drawn from printable ASCII and negated classes cut down to it (`[^:]` →
/// `[ -~&&[^:]]`), `+` and `*` at most `most` times. What matches it matches the pattern.
fn printable(pattern: &str, most: u32) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars().peekable();
    // For each open class, whether it is a negated one at the top.
    let mut open: Vec<bool> = Vec::new();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('z') if open.is_empty() => {}
                Some('S') if open.is_empty() => out.push_str("[!-~]"),
                Some(next) => {
                    out.push(c);
                    out.push(next);
                }
                None => out.push(c),
            },
            '[' if open.is_empty() && chars.peek() == Some(&'^') => {
                out.push_str("[ -~&&[");
                open.push(true);
            }
            '[' => {
                out.push(c);
                open.push(false);
            }
            ']' if !open.is_empty() && !out.ends_with('[') && !out.ends_with("[^") => {
                out.push_str(if open.pop() == Some(true) { "]]" } else { "]" });
            }
            '^' | '$' if open.is_empty() => {}
            '.' if open.is_empty() => out.push_str("[ -~]"),
            // Short repetitions: long draws break length limits.
            '+' if open.is_empty() => out.push_str(&format!("{{1,{most}}}")),
            '*' if open.is_empty() => out.push_str(&format!("{{0,{most}}}")),
            _ => out.push(c),
        }
    }
    out
}

/// A schema pattern in the syntax of Rust's `regex` ([`rust_syntax`]), with `\\d`, `\\w`, `\\s`
/// meaning ASCII as in ECMA-262: the `regex` crate and the generator read them as Unicode.
pub fn rust_pattern(pattern: &str) -> String {
    let rust = rust_syntax(pattern);
    let mut out = String::with_capacity(rust.len());
    let mut chars = rust.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('d') => out.push_str("[0-9]"),
            Some('/') => out.push('/'),
            Some('w') => out.push_str("[0-9A-Za-z_]"),
            Some('s') => out.push_str("[\\t\\n\\x0B\\x0C\\r ]"),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// An IAM policy document: a trust policy for `AssumeRolePolicyDocument`, a resource policy
/// for the bucket, topic and queue policies, an identity policy otherwise (cfn-lint reads all
/// three).
fn policy_document(property: &str, resource: &str) -> Value {
    let statement = |principal: &str, action: &str, target: &str| {
        format!(
            r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", {principal}
                "Action": "{action}", "Resource": "{target}"}}]}}"#
        )
    };
    let account = r#""Principal": {"AWS": "arn:aws:iam::123456789012:root"},"#;
    let text = match (property, resource) {
        ("AssumeRolePolicyDocument", _) => r#"{"Version": "2012-10-17", "Statement": [{"Effect":
            "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}"#
            .to_owned(),
        (_, "AWS::S3::BucketPolicy") => {
            statement(account, "s3:GetObject", "arn:aws:s3:::stratus/*")
        }
        (_, "AWS::SNS::TopicPolicy") => statement(
            account,
            "sns:Publish",
            "arn:aws:sns:us-east-1:123456789012:stratus",
        ),
        (_, "AWS::SQS::QueuePolicy") => statement(
            account,
            "sqs:SendMessage",
            "arn:aws:sqs:us-east-1:123456789012:stratus",
        ),
        _ => statement("", "s3:GetObject", "*"),
    };
    stratus_core::escape::json(&serde_json::from_str(&text).expect("a valid document"))
}

/// A typical value of an AWS format.
fn format_example(format: &str) -> Option<&'static str> {
    Some(match format {
        "date-time" => "2026-01-01T00:00:00Z",
        "AWS::ACM::Certificate.Arn" => {
            "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012"
        }
        "AWS::EC2::Image.Id" => "ami-0abcdef1234567890",
        "AWS::EC2::SecurityGroup.Id" => "sg-0123456789abcdef0",
        "AWS::EC2::Subnet.Id" => "subnet-0123456789abcdef0",
        "AWS::EC2::VPC.Id" => "vpc-0123456789abcdef0",
        "AWS::IAM::Role.Arn" => "arn:aws:iam::123456789012:role/stratus",
        "AWS::KMS::Key.Arn" => {
            "arn:aws:kms:us-east-1:123456789012:key/12345678-1234-1234-1234-123456789012"
        }
        "AWS::KMS::Key.Id" => "12345678-1234-1234-1234-123456789012",
        "AWS::Lambda::Function.Arn" => "arn:aws:lambda:us-east-1:123456789012:function:stratus",
        "AWS::SNS::Topic.Arn" => "arn:aws:sns:us-east-1:123456789012:stratus",
        _ => return None,
    })
}
