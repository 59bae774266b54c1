//! Bad input, fuzzed with proptest (cargo-fuzz needs a nightly toolchain): the public builders
//! fed arbitrary construct ids, names, CIDRs, ports, peers, tags, instance types, database
//! identifiers and user data; the parsers fed arbitrary and mangled state files, journals,
//! saved plans, S3 locations and command lines. Nothing panics; every rejection names what was
//! wrong (the construct path, the file and what does not parse, the argument).
//!
//! Cases per property: `PROPTEST_CASES` (CI: the default below; RELIABILITY.md records a run
//! at 100 000).

use proptest::prelude::*;
use stratus::deploy::{LocalBackend, SavedPlan, StateBackend, StateError, parse_s3_location};
use stratus::net::parse_cidr;
use stratus::prelude::*;
use stratus::synth::template_json;

/// Cases per property unless `PROPTEST_CASES` says otherwise.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Any text, biased towards what breaks parsers: empty, long, control characters, unicode,
/// and near-valid identifiers.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[a-z][a-z0-9-]{0,12}",
        2 => "\\PC{0,40}",
        1 => "[ -~]{0,300}",
        1 => Just(String::new()),
        1 => "[a-zA-Z0-9_.:/=+@ -]{1,300}",
        1 => "aws:[a-z]{0,10}",
    ]
}

/// CIDR-like text: valid, near-valid (octets and masks out of range, missing parts) and junk.
fn cidr() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (0u16..=300, 0u16..=300, 0u16..=300, 0u16..=300, 0u8..=40)
            .prop_map(|(a, b, c, d, m)| format!("{a}.{b}.{c}.{d}/{m}")),
        2 => (0u8..=255, 16u8..=28).prop_map(|(b, m)| format!("10.{b}.0.0/{m}")),
        1 => "[0-9./]{0,20}",
        1 => text(),
    ]
}

fn port() -> impl Strategy<Value = Port> {
    prop_oneof![
        any::<u16>().prop_map(Port::tcp),
        any::<u16>().prop_map(Port::udp),
        (any::<u16>(), any::<u16>()).prop_map(|(a, b)| Port::tcp_range(a, b)),
        (any::<u16>(), any::<u16>()).prop_map(|(a, b)| Port::udp_range(a, b)),
        Just(Port::all_traffic()),
    ]
}

/// One arbitrary declaration of a small stack.
#[derive(Debug, Clone)]
struct Declaration {
    vpc_id: String,
    vpc_name: String,
    vpc_cidr: String,
    zones: usize,
    nat: usize,
    masks: Vec<u8>,
    group_ids: Vec<String>,
    group_name: String,
    description: String,
    peers: Vec<(String, Port)>,
    tags: Vec<(String, String)>,
    instance_type: String,
    image: String,
    script: String,
    vars: Vec<(String, String)>,
    db_identifier: String,
}

fn declaration() -> impl Strategy<Value = Declaration> {
    (
        (text(), text(), cidr(), 0usize..8, 0usize..5),
        (
            prop::collection::vec(0u8..=40, 0..4),
            prop::collection::vec(text(), 1..4),
            text(),
            text(),
        ),
        (
            prop::collection::vec((cidr(), port()), 0..4),
            prop::collection::vec((text(), text()), 0..4),
        ),
        (
            text(),
            text(),
            "\\PC{0,200}",
            prop::collection::vec((text(), text()), 0..4),
            text(),
        ),
    )
        .prop_map(
            |(
                (vpc_id, vpc_name, vpc_cidr, zones, nat),
                (masks, group_ids, group_name, description),
                (peers, tags),
                (instance_type, image, script, vars, db_identifier),
            )| Declaration {
                vpc_id,
                vpc_name,
                vpc_cidr,
                zones,
                nat,
                masks,
                group_ids,
                group_name,
                description,
                peers,
                tags,
                instance_type,
                image,
                script,
                vars,
                db_identifier,
            },
        )
}

/// Declares it all through the public builders.
fn declare(d: &Declaration) -> Stack {
    let mut stack = Stack::new("prod", Environment::region("us-east-1"));
    for (key, value) in &d.tags {
        stack.tag(key.clone(), value.clone());
    }
    let groups: Vec<SubnetGroup> = d
        .masks
        .iter()
        .enumerate()
        .map(|(i, &mask)| {
            let group = if i % 2 == 0 {
                SubnetGroup::public(format!("public{i}"))
            } else {
                SubnetGroup::private_with_egress(format!("private{i}"))
            };
            group.mask(mask)
        })
        .collect();
    let vpc = Vpc::builder(&d.vpc_id)
        .name(d.vpc_name.clone())
        .cidr(d.vpc_cidr.clone())
        .max_azs(d.zones)
        .nat_gateways(d.nat)
        .subnet_groups(groups)
        .build(&mut stack);
    let mut first = None;
    for id in &d.group_ids {
        let group = SecurityGroup::builder(id, &vpc)
            .name(d.group_name.clone())
            .description(d.description.clone())
            .build(&mut stack);
        for (peer, port) in &d.peers {
            stack.allow(Peer::ipv4(peer.clone()), &group, *port);
        }
        first.get_or_insert(group);
    }
    if let (Some(subnet), Some(group)) = (vpc.public_subnets().first(), first) {
        let mut user_data = stratus::compute::UserData::from_script(d.script.clone());
        for (name, value) in &d.vars {
            user_data = user_data.var(name.clone(), value.clone());
        }
        stratus::compute::Instance::builder("host", *subnet)
            .image_id(d.image.clone())
            .instance_type(d.instance_type.clone())
            .security_group(group)
            .user_data(user_data)
            .build(&mut stack);
        stratus::database::Database::mysql("db", &vpc)
            .identifier(d.db_identifier.clone())
            .build(&mut stack);
    }
    stack
}

proptest! {
    #![proptest_config(config())]

    /// Any declaration validates without panicking; a valid one synthesizes to JSON; every
    /// error names a construct path of the stack.
    #[test]
    fn builders_never_panic_and_every_error_names_its_construct(d in declaration()) {
        let stack = declare(&d);
        match stack.validate() {
            Ok(()) => {
                let template = template_json(&stack);
                prop_assert!(serde_json::from_str::<serde_json::Value>(&template).is_ok());
            }
            Err(errors) => {
                prop_assert!(!errors.0.is_empty());
                for error in errors.iter() {
                    let message = error.to_string();
                    prop_assert!(
                        message.starts_with("prod"),
                        "an error that names no construct: {message}"
                    );
                    prop_assert!(message.len() > "prod/".len() + 10, "a terse error: {message}");
                }
            }
        }
    }

    /// CIDR text: parsed or refused with a message, never a panic.
    #[test]
    fn cidr_text_is_parsed_or_refused_with_a_reason(text in cidr()) {
        match parse_cidr(&text) {
            Ok(net) => prop_assert!(net.prefix_len() <= 32),
            Err(message) => prop_assert!(!message.is_empty()),
        }
    }

    /// S3 state locations: a bucket and a key, or nothing.
    #[test]
    fn s3_locations_are_parsed_or_refused(location in text(), stack in text()) {
        if let Some((bucket, key)) = parse_s3_location(&location, &stack) {
            prop_assert!(!bucket.is_empty());
            prop_assert!(key.ends_with(".state.json"));
        }
    }

    /// Saved plan files: arbitrary bytes are refused with a reason. (This once asserted only
    /// inside `if let Err`, so it could not fail.)
    #[test]
    fn saved_plans_from_arbitrary_bytes_are_refused(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let parsed = serde_json::from_slice::<Vec<SavedPlan>>(&bytes);
        prop_assert!(parsed.is_err(), "{} arbitrary bytes read as a plan", bytes.len());
        prop_assert!(!parsed.unwrap_err().to_string().is_empty());
    }

    /// A saved plan file cut short anywhere is refused, never read as a smaller plan.
    #[test]
    fn a_saved_plan_cut_short_is_refused(cut in 0usize..10_000) {
        let whole = valid_saved_plans();
        let cut = cut % whole.len();
        let parsed = serde_json::from_slice::<Vec<SavedPlan>>(&whole[..cut]);
        prop_assert!(parsed.is_err(), "the first {cut} of {} bytes read as a plan", whole.len());
    }
}

/// A valid saved plan file, as `plan --out` writes it (one plan per stack).
fn valid_saved_plans() -> Vec<u8> {
    let mut stack = Stack::new("s", Environment::region("us-east-1"));
    Vpc::builder("vpc").max_azs(2).build(&mut stack);
    let plan = stratus::deploy::plan(&stack, &stratus::deploy::State::empty("s")).unwrap();
    let saved = SavedPlan {
        format: stratus::deploy::SAVED_PLAN_FORMAT,
        stack: "s".into(),
        state: "0".repeat(64),
        template: "1".repeat(64),
        refresh: true,
        plan,
    };
    let bytes = serde_json::to_vec_pretty(&[saved]).unwrap();
    assert!(serde_json::from_slice::<Vec<SavedPlan>>(&bytes).is_ok());
    bytes
}

/// A valid state file to mangle: what a deploy of a small stack records.
fn valid_state() -> Vec<u8> {
    let json = serde_json::json!({
        "version": 1,
        "stack": "s",
        "serial": 3,
        "resources": {
            "Vpc": {
                "type_name": "AWS::EC2::VPC",
                "physical_id": "vpc-0123",
                "inputs": {"CidrBlock": "10.0.0.0/16"},
                "attributes": {"VpcId": "vpc-0123"},
                "depends_on": [],
                "ownership": {"stratus:stack": "s"},
                "token": "stratus-00-1",
            }
        },
        "retired": [],
        "outputs": {}
    });
    serde_json::to_vec_pretty(&json).unwrap()
}

/// A mangling of a valid file: truncated, a byte flipped, bytes inserted.
#[derive(Debug, Clone)]
enum Mangle {
    Truncate(usize),
    Flip(usize, u8),
    Insert(usize, Vec<u8>),
}

fn mangle() -> impl Strategy<Value = Mangle> {
    prop_oneof![
        any::<usize>().prop_map(Mangle::Truncate),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mangle::Flip(i, b)),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(i, b)| Mangle::Insert(i, b)),
    ]
}

fn apply(mangle: &Mangle, bytes: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    match mangle {
        Mangle::Truncate(at) => out.truncate(at % (bytes.len() + 1)),
        Mangle::Flip(at, byte) => {
            let i = at % bytes.len();
            out[i] ^= byte | 1;
        }
        Mangle::Insert(at, extra) => {
            let i = at % (bytes.len() + 1);
            out.splice(i..i, extra.iter().copied());
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: config().cases / 4, ..config() })]

    /// A mangled state file loads (the damage was harmless) or is refused naming the file and
    /// saying what does not parse and how to go on; never an empty state in its place.
    #[test]
    fn a_mangled_state_file_is_loaded_or_refused_with_the_way_forward(m in mangle()) {
        let dir = tempfile::tempdir().unwrap();
        let bytes = apply(&m, &valid_state());
        std::fs::write(dir.path().join("s.state.json"), &bytes).unwrap();
        match LocalBackend::new(dir.path(), "s").load_sync() {
            Ok(Some(_)) => {}
            Ok(None) => prop_assert!(false, "a state file that exists loaded as none"),
            Err(StateError::Corrupt { location, message }) => {
                prop_assert!(location.contains("s.state.json"), "{location}");
                prop_assert!(message.contains("Nothing was changed"), "{message}");
                prop_assert!(message.contains("copy of your own"), "{message}");
            }
            Err(other) => prop_assert!(false, "unexpected {other}"),
        }
    }

    /// Arbitrary journal lines: the entries read, or the damaged line named; a torn last line
    /// is an entry that never happened.
    #[test]
    fn arbitrary_journal_lines_are_read_or_the_damaged_line_named(
        lines in prop::collection::vec(prop_oneof![
            3 => Just("{\"entry\":\"failed\",\"seq\":1,\"message\":\"x\"}".to_owned()),
            1 => "\\PC{0,60}",
        ], 0..6)
    ) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("s.journal.jsonl"), lines.join("\n")).unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        match runtime.block_on(LocalBackend::new(dir.path(), "s").journal()) {
            Ok(entries) => prop_assert!(entries.len() <= lines.len()),
            Err(StateError::Corrupt { location, message }) => {
                prop_assert!(location.contains("s.journal.jsonl"));
                prop_assert!(message.contains("does not parse"), "{message}");
            }
            Err(other) => prop_assert!(false, "unexpected {other}"),
        }
    }

    /// Arbitrary command lines: a usage error (exit 2) or a run, never a panic.
    #[test]
    fn arbitrary_command_lines_are_refused_or_run(
        // Verbs that only read (no `synth`, no `--out`, no `-o`: they write where told).
        args in prop::collection::vec(prop_oneof![
            Just("plan".to_owned()), Just("validate".to_owned()), Just("list".to_owned()),
            Just("--json".to_owned()), Just("--stack".to_owned()), Just("--state".to_owned()),
            Just("--detailed-exitcode".to_owned()), Just("prod".to_owned()),
            "[a-z-]{0,12}".prop_filter("no writing flags", |a| !matches!(a.as_str(), "synth" | "--out" | "-o" | "graph")),
        ], 0..5)
    ) {
        let mut app = App::new();
        let mut stack = Stack::new("prod", Environment::region("us-east-1"));
        Vpc::builder("vpc").max_azs(1).nat_gateways(0).build(&mut stack);
        app.add_stack(stack);
        let mut argv = vec!["app".to_owned()];
        argv.extend(args.iter().cloned());
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = stratus::cli::run_from(&app, None, argv, &mut out, &mut err);
        if code != 0 {
            prop_assert!(!err.is_empty() || !out.is_empty(), "a refusal says why: {args:?}");
        }
    }
}
