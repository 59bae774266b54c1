//! Random resource graphs for the engine tests: `Thing`s that refer to earlier `Thing`s.

use rand::Rng;
use rand::rngs::StdRng;
use stratus::prelude::*;

/// A test resource: `Name` updates in place, `Key` forces replacement, `Deps` are references.
#[derive(Resource, Clone, Debug)]
#[resource(type = "Test::Fake::Thing")]
pub struct Thing {
    pub name: String,
    #[resource(replace)]
    pub key: String,
    pub deps: Vec<Attr<String>>,
}

/// One node of a spec.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeSpec {
    pub id: String,
    pub name: String,
    pub key: String,
    /// Indices of earlier nodes.
    pub deps: Vec<usize>,
}

/// Builds a stack from a spec.
pub fn build(stack_name: &str, spec: &[NodeSpec]) -> Stack {
    let mut stack = Stack::new(stack_name, Environment::region("us-east-1"));
    let mut refs: Vec<Ref<Thing>> = Vec::new();
    for node in spec {
        let deps = node.deps.iter().map(|&d| refs[d].attr("Arn")).collect();
        refs.push(stack.add(
            &node.id,
            Thing {
                name: node.name.clone(),
                key: node.key.clone(),
                deps,
            },
        ));
    }
    stack
}

/// A random DAG of `min..=max` nodes.
pub fn random(rng: &mut StdRng, min: usize, max: usize, prefix: &str) -> Vec<NodeSpec> {
    let n = rng.random_range(min..=max);
    (0..n)
        .map(|i| NodeSpec {
            id: format!("{prefix}{i}"),
            name: format!("name-{}", rng.random_range(0..1000)),
            key: format!("key-{}", rng.random_range(0..1000)),
            deps: (0..i).filter(|_| rng.random_bool(0.3)).collect(),
        })
        .collect()
}

/// A changed version of a spec: some names change (updates), some keys (replacements), some
/// unreferenced nodes go, a few nodes are added.
pub fn mutate(rng: &mut StdRng, spec: &[NodeSpec]) -> Vec<NodeSpec> {
    let mut keep = vec![true; spec.len()];
    for i in (0..spec.len()).rev() {
        let referenced = spec
            .iter()
            .enumerate()
            .any(|(j, n)| keep[j] && j != i && n.deps.contains(&i));
        if !referenced && rng.random_bool(0.2) {
            keep[i] = false;
        }
    }
    let mut new_index = vec![usize::MAX; spec.len()];
    let mut out = Vec::new();
    for (i, node) in spec.iter().enumerate().filter(|(i, _)| keep[*i]) {
        new_index[i] = out.len();
        let mut node = node.clone();
        node.deps = node.deps.iter().map(|d| new_index[*d]).collect();
        if rng.random_bool(0.25) {
            node.name = format!("renamed-{}", rng.random_range(0..1000));
        }
        if rng.random_bool(0.15) {
            node.key = format!("rekeyed-{}", rng.random_range(0..1000));
        }
        out.push(node);
    }
    for extra in 0..rng.random_range(0..3) {
        let i = out.len();
        out.push(NodeSpec {
            id: format!("added{extra}"),
            name: "new".into(),
            key: "new".into(),
            deps: (0..i).filter(|_| rng.random_bool(0.3)).collect(),
        });
    }
    out
}
