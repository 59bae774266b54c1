//! [`Stack`]: the unit of deployment. It owns the resource graph, the stack-wide tags, the
//! outputs, and the problems builders found, which [`Stack::validate`] reports together with
//! the whole-graph checks.

use std::collections::BTreeMap;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::error::{ValidationError, ValidationErrors};
use crate::graph::{EdgeKind, Node, ResourceGraph};
use crate::handle::{Ref, ResourceId, StackId};
use crate::path::{ConstructPath, check_id};
use crate::removal::RemovalPolicy;
use crate::resource::{Resource, TagStyle};
use crate::value::{Properties, ToValue, Value};

/// Where a stack deploys: an account and a region. Either may be left open until deploy.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Environment {
    /// The 12-digit account id.
    pub account: Option<String>,
    /// The region, e.g. `us-east-1`.
    pub region: Option<String>,
}

impl Environment {
    /// An account and a region.
    pub fn aws(account: impl Into<String>, region: impl Into<String>) -> Self {
        Self {
            account: Some(account.into()),
            region: Some(region.into()),
        }
    }

    /// A region, the account taken from the credentials at deploy.
    pub fn region(region: impl Into<String>) -> Self {
        Self {
            account: None,
            region: Some(region.into()),
        }
    }
}

/// A stack output: a value printed after deploy and readable from state.
#[derive(Clone, Debug)]
pub struct Output {
    /// Its id (alphanumeric, as CloudFormation requires).
    pub id: String,
    /// The value, often a deploy-time attribute.
    pub value: Value,
    /// What it is.
    pub description: Option<String>,
}

/// Options of one security group that the connections API needs.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SecurityGroupInfo {
    pub(crate) allow_all_outbound: bool,
}

/// A stack: resources deployed together, in one account and region.
///
/// ```
/// use stratus_core::prelude::*;
///
/// let mut stack = Stack::new("prod", Environment::aws("123456789012", "us-east-1"));
/// stack.tag("Environment", "prod");
/// let vpc = Vpc::builder("vpc").cidr("10.0.0.0/16").max_azs(2).build(&mut stack);
/// assert_eq!(vpc.public_subnets().len(), 2);
/// stack.validate().unwrap();
/// ```
#[derive(Debug)]
pub struct Stack {
    id: StackId,
    path: ConstructPath,
    env: Environment,
    tags: BTreeMap<String, String>,
    graph: ResourceGraph,
    claimed: HashSet<ConstructPath>,
    errors: Vec<ValidationError>,
    outputs: Vec<Output>,
    pub(crate) security_groups: HashMap<ResourceId, SecurityGroupInfo>,
    /// The internet gateway attachment each public subnet reaches the internet through: what
    /// maps a public address there depends on it, so that it is made after the attachment and
    /// deleted before it (AWS refuses to detach a gateway while public addresses are mapped;
    /// CloudFormation's `DependsOn` documentation, "When a `DependsOn` attribute is required").
    pub(crate) internet_attachments: HashMap<ResourceId, ResourceId>,
    /// The mount targets of each file system: what mounts it at boot (a launch template whose
    /// user data names it) depends on them, or an instance may boot before it can mount.
    pub(crate) mount_targets: HashMap<ResourceId, Vec<ResourceId>>,
    suppressions: Vec<crate::lint::Suppression>,
}

impl Stack {
    /// A new, empty stack. An invalid name is reported by [`Stack::validate`].
    pub fn new(name: &str, env: Environment) -> Self {
        let path = ConstructPath::root(name);
        let mut errors = Vec::new();
        if let Err(reason) = check_id(name) {
            errors.push(ValidationError::InvalidId {
                path: path.clone(),
                reason,
            });
        } else if name.len() > 128 {
            errors.push(ValidationError::NameTooLong {
                path: path.clone(),
                what: "stack name",
                value: name.to_owned(),
                len: name.len(),
                max: 128,
            });
        }
        Self {
            id: StackId::next(),
            path,
            env,
            tags: BTreeMap::new(),
            graph: ResourceGraph::default(),
            claimed: HashSet::default(),
            errors,
            outputs: Vec::new(),
            security_groups: HashMap::default(),
            internet_attachments: HashMap::default(),
            mount_targets: HashMap::default(),
            suppressions: Vec::new(),
        }
    }

    /// The stack's name.
    pub fn name(&self) -> &str {
        self.path.as_str()
    }

    /// The stack's path (its name).
    pub fn path(&self) -> &ConstructPath {
        &self.path
    }

    /// Where it deploys.
    pub fn env(&self) -> &Environment {
        &self.env
    }

    /// This stack's process-unique id.
    pub fn id(&self) -> StackId {
        self.id
    }

    /// Adds a tag to every taggable resource of the stack.
    pub fn tag(&mut self, key: impl Into<String>, value: impl Into<String>) -> &mut Self {
        self.tags.insert(key.into(), value.into());
        self
    }

    /// The stack-wide tags.
    pub fn tags(&self) -> &BTreeMap<String, String> {
        &self.tags
    }

    /// The resource graph.
    pub fn graph(&self) -> &ResourceGraph {
        &self.graph
    }

    /// The declared outputs.
    pub fn outputs(&self) -> &[Output] {
        &self.outputs
    }

    /// The graph node of a resource of this stack.
    ///
    /// # Panics
    /// If the id belongs to another stack.
    pub fn node(&self, id: ResourceId) -> &Node {
        assert_eq!(id.stack(), self.id, "resource id of another stack");
        self.graph.node(id.node())
    }

    /// Accepts the lint findings of `rule` at `path` and under it, for `reason`, which every
    /// lint report shows; the suppression travels with the stack, so `lint`, `deploy` and
    /// `cargo test` all see it. `path` is relative to the stack (`"alb"`, `"vpc/public-a"`)
    /// or absolute (`"prod/alb"`); the stack's own name covers the whole stack. An empty
    /// reason is reported as an error finding, a suppression that matches nothing as a
    /// warning.
    ///
    /// ```
    /// use stratus_core::lint::Linter;
    /// use stratus_core::prelude::*;
    ///
    /// let mut stack = Stack::new("prod", Environment::region("us-east-1"));
    /// let vpc = Vpc::builder("vpc").build(&mut stack);
    /// stack.suppress("vpc", "STRATUS-NO-FLOW-LOGS", "a sandbox: nothing to audit");
    /// let report = Linter::with_builtin_rules().run(&stack);
    /// let finding = report.findings.iter().find(|f| f.rule == "STRATUS-NO-FLOW-LOGS").unwrap();
    /// assert_eq!(finding.suppressed.as_deref(), Some("a sandbox: nothing to audit"));
    /// ```
    pub fn suppress(&mut self, path: &str, rule: &str, reason: &str) -> &mut Self {
        let name = self.name();
        let absolute = if path == name || path.starts_with(&format!("{name}/")) {
            path.to_owned()
        } else {
            format!("{name}/{}", path.trim_start_matches('/'))
        };
        self.suppressions
            .push(crate::lint::Suppression::new(absolute, rule, reason));
        self
    }

    /// The lint suppressions this stack carries.
    pub fn suppressions(&self) -> &[crate::lint::Suppression] {
        &self.suppressions
    }

    /// Adds an L1 resource at the top of the stack; its references become edges.
    ///
    /// ```
    /// use stratus_core::prelude::*;
    /// use stratus_cfn::ec2::{CfnInternetGateway, CfnVpc, CfnVpcGatewayAttachment};
    ///
    /// let mut stack = Stack::new("net", Environment::region("eu-west-1"));
    /// let vpc = stack.add("vpc", CfnVpc { cidr_block: Some("10.1.0.0/16".into()), ..Default::default() });
    /// let igw = stack.add("igw", CfnInternetGateway::default());
    /// let attach = stack.add("attach", CfnVpcGatewayAttachment {
    ///     internet_gateway_id: Some(igw.into()),
    ///     ..CfnVpcGatewayAttachment::new(vpc)
    /// });
    /// assert_eq!(stack.graph().dependencies(attach.id().node()).len(), 2);
    /// ```
    pub fn add<R: Resource>(&mut self, id: &str, resource: R) -> Ref<R> {
        let path = self.claim(&self.path.clone(), id);
        self.add_at(path, resource)
    }

    /// Adds an L1 resource under a construct's path (for L2 and L3 constructs).
    pub fn add_child<R: Resource>(
        &mut self,
        parent: &ConstructPath,
        id: &str,
        resource: R,
    ) -> Ref<R> {
        let path = self.claim(parent, id);
        self.add_at(path, resource)
    }

    /// Whether a construct path is taken.
    pub fn is_claimed(&self, path: &ConstructPath) -> bool {
        self.claimed.contains(path)
    }

    /// Claims a construct path below `parent`, reporting an invalid or duplicate id. Always
    /// returns a usable path so that building can go on and every error is collected.
    pub fn claim(&mut self, parent: &ConstructPath, id: &str) -> ConstructPath {
        let mut path = parent.child(id);
        if let Err(reason) = check_id(id) {
            self.errors.push(ValidationError::InvalidId {
                path: path.clone(),
                reason,
            });
        }
        if self.claimed.contains(&path) {
            self.errors
                .push(ValidationError::DuplicateId { path: path.clone() });
            let mut n = 2;
            while self.claimed.contains(&parent.child(&format!("{id}~{n}"))) {
                n += 1;
            }
            path = parent.child(&format!("{id}~{n}"));
        }
        self.claimed.insert(path.clone());
        path
    }

    /// Adds a resource at a claimed path.
    pub(crate) fn add_at<R: Resource>(&mut self, path: ConstructPath, resource: R) -> Ref<R> {
        let id = self.add_node_at(
            path,
            R::TYPE_NAME,
            resource.properties(),
            R::REPLACE_ON,
            R::TAGS,
        );
        Ref::new(id)
    }

    /// Claims `id` at the top of the stack and adds a node of the given type there.
    pub(crate) fn add_node(
        &mut self,
        id: &str,
        type_name: &'static str,
        properties: Properties,
        replace_on: &'static [&'static str],
        tag_style: TagStyle,
    ) -> ResourceId {
        let path = self.claim(&self.path.clone(), id);
        self.add_node_at(path, type_name, properties, replace_on, tag_style)
    }

    /// Adds a node at a claimed path; its references become edges.
    fn add_node_at(
        &mut self,
        path: ConstructPath,
        type_name: &'static str,
        properties: Properties,
        replace_on: &'static [&'static str],
        tag_style: TagStyle,
    ) -> ResourceId {
        let references = properties.references();
        let removal = RemovalPolicy::default_for(type_name, |p| properties.get(p).is_some());
        let index = self.graph.add(Node {
            logical_id: path.logical_id(),
            path: path.clone(),
            type_name,
            properties,
            replace_on,
            tag_style,
            tags: BTreeMap::new(),
            removal,
        });
        let mut foreign = false;
        for target in references {
            if target.stack() == self.id {
                self.graph.depend(index, target.node(), EdgeKind::Reference);
            } else {
                foreign = true;
            }
        }
        if foreign {
            self.errors.push(ValidationError::ForeignReference { path });
        }
        ResourceId::new(self.id, index)
    }

    /// The graph, to change a node (escape hatches).
    pub(crate) fn graph_mut(&mut self) -> &mut ResourceGraph {
        &mut self.graph
    }

    /// Makes `dependent`, which maps public addresses in `subnets`, depend on the internet
    /// gateway attachment of each (made after it, deleted before it).
    pub(crate) fn depend_on_internet(
        &mut self,
        dependent: ResourceId,
        subnets: impl IntoIterator<Item = ResourceId>,
    ) {
        let attachments: std::collections::BTreeSet<ResourceId> = subnets
            .into_iter()
            .filter_map(|s| self.internet_attachments.get(&s).copied())
            .collect();
        for attachment in attachments {
            self.add_dependency(dependent, attachment);
        }
    }

    /// Declares that `dependent` must be created after `dependency` although no property refers
    /// to it (becomes `DependsOn`).
    pub fn add_dependency(&mut self, dependent: ResourceId, dependency: ResourceId) {
        if dependent.stack() != self.id || dependency.stack() != self.id {
            let path = self.path.clone();
            self.errors.push(ValidationError::ForeignReference { path });
            return;
        }
        self.graph
            .depend(dependent.node(), dependency.node(), EdgeKind::Explicit);
    }

    /// Sets a tag on one resource (e.g. its `Name`).
    pub fn tag_resource(
        &mut self,
        id: ResourceId,
        key: impl Into<String>,
        value: impl Into<String>,
    ) {
        if id.stack() == self.id {
            self.graph
                .node_mut(id.node())
                .tags
                .insert(key.into(), value.into());
        }
    }

    /// Sets what deleting or replacing a resource does to it (`DeletionPolicy` and
    /// `UpdateReplacePolicy` in CloudFormation; honoured by the deploy engine). Defaults: a
    /// database keeps a final snapshot (a read replica is destroyed), a file system is retained,
    /// the rest is destroyed.
    ///
    /// ```
    /// use stratus_core::prelude::*;
    /// use stratus_core::removal::RemovalPolicy;
    /// use stratus_cfn::ec2::CfnVpc;
    /// let mut stack = Stack::new("prod", Environment::region("us-east-1"));
    /// let vpc = stack.add("vpc", CfnVpc { cidr_block: Some("10.0.0.0/16".into()), ..Default::default() });
    /// stack.set_removal_policy(vpc.id(), RemovalPolicy::Retain);
    /// assert_eq!(stack.node(vpc.id()).removal, RemovalPolicy::Retain);
    /// ```
    pub fn set_removal_policy(&mut self, id: ResourceId, policy: RemovalPolicy) {
        if id.stack() == self.id {
            self.graph.node_mut(id.node()).removal = policy;
        } else {
            let path = self.path.clone();
            self.errors.push(ValidationError::ForeignReference { path });
        }
    }

    /// Declares a stack output, e.g. a load balancer's DNS name.
    pub fn output(&mut self, id: &str, value: impl ToValue, description: &str) {
        let value = value.to_value();
        let path = self.path.child(&format!("output-{id}"));
        if id.is_empty() || id.len() > 255 || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
            self.errors.push(ValidationError::InvalidValue {
                path: path.clone(),
                problem: format!("output id {id:?} is not 1-255 letters and digits"),
                fix: "name outputs like `LoadBalancerDns`".into(),
            });
        }
        if self.outputs.iter().any(|o| o.id == id) {
            self.errors.push(ValidationError::Duplicate {
                path: path.clone(),
                what: format!("output {id}"),
            });
        }
        if value.references().iter().any(|r| r.stack() != self.id) {
            self.errors.push(ValidationError::ForeignReference { path });
        }
        let description = (!description.is_empty()).then(|| description.to_owned());
        self.outputs.push(Output {
            id: id.to_owned(),
            value,
            description,
        });
    }

    /// Records a problem found while building; reported by [`Stack::validate`].
    pub fn report(&mut self, error: ValidationError) {
        self.errors.push(error);
    }

    /// Reports a name longer than `max`.
    pub(crate) fn check_name_len(
        &mut self,
        path: &ConstructPath,
        what: &'static str,
        value: &str,
        max: usize,
    ) {
        let len = value.chars().count();
        if len > max {
            self.errors.push(ValidationError::NameTooLong {
                path: path.clone(),
                what,
                value: value.to_owned(),
                len,
                max,
            });
        }
    }

    /// Problems recorded while building, before whole-graph checks.
    pub(crate) fn recorded_errors(&self) -> &[ValidationError] {
        &self.errors
    }

    /// Checks the whole stack and returns every problem found, each naming its construct path.
    ///
    /// # Errors
    /// All [`ValidationError`]s found, in the order found.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let errors = crate::validate::stack(self);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ValidationErrors(errors))
        }
    }
}
