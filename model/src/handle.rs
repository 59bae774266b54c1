//! Typed handles: [`Ref<T>`] names a resource in a stack, [`Attr<T>`] one of its deploy-time
//! attributes. Both are `Copy` and carry the id of the stack that made them, so a handle cannot
//! dangle and a handle from another stack is reported instead of silently misused.

use std::fmt;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicU32, Ordering};

use petgraph::stable_graph::NodeIndex;

/// Identifies one stack in this process.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StackId(u32);

impl StackId {
    /// A new stack id, unique in this process. Used by `Stack::new`.
    #[doc(hidden)]
    pub fn next() -> Self {
        static NEXT: AtomicU32 = AtomicU32::new(1);
        Self(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

/// An untyped resource id: the stack it belongs to and its node in that stack's graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResourceId {
    stack: StackId,
    node: NodeIndex,
}

impl ResourceId {
    /// The id of `node` in `stack`. Only the stack makes one.
    #[doc(hidden)]
    pub fn new(stack: StackId, node: NodeIndex) -> Self {
        Self { stack, node }
    }

    /// The graph node of this resource.
    pub fn node(self) -> NodeIndex {
        self.node
    }

    /// The stack this resource belongs to.
    pub fn stack(self) -> StackId {
        self.stack
    }
}

impl fmt::Display for ResourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.node.index())
    }
}

/// A typed handle to a resource. `T` is the L1 resource type or an L2 marker (e.g.
/// `Subnet<Public>`), so a handle of the wrong kind does not type-check where a specific kind is
/// required.
pub struct Ref<T> {
    id: ResourceId,
    _kind: PhantomData<fn() -> T>,
}

impl<T> Ref<T> {
    /// A handle to `id`. Only the stack that owns `id` makes one.
    #[doc(hidden)]
    pub fn new(id: ResourceId) -> Self {
        Self {
            id,
            _kind: PhantomData,
        }
    }

    /// The untyped id.
    pub fn id(self) -> ResourceId {
        self.id
    }

    /// A deploy-time attribute of this resource by its CloudFormation name. Typed accessors
    /// (`dns_name()`, `group_id()`) are preferred where a construct offers them.
    pub fn attr<A>(self, name: &'static str) -> Attr<A> {
        Attr::new(self.id, name)
    }
}

impl<T> Clone for Ref<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Ref<T> {}
impl<T> PartialEq for Ref<T> {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}
impl<T> Eq for Ref<T> {}
impl<T> std::hash::Hash for Ref<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.id.hash(state);
    }
}
impl<T> fmt::Debug for Ref<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ref<{}>({})", std::any::type_name::<T>(), self.id)
    }
}

/// A value known only after deploy, e.g. a load balancer's DNS name. Using it in a property adds
/// a dependency edge; it becomes `Fn::GetAtt` in CloudFormation and a real value in the engine.
pub struct Attr<T> {
    resource: ResourceId,
    name: &'static str,
    _type: PhantomData<fn() -> T>,
}

impl<T> Attr<T> {
    /// The attribute `name` of `resource`.
    #[doc(hidden)]
    pub fn new(resource: ResourceId, name: &'static str) -> Self {
        Self {
            resource,
            name,
            _type: PhantomData,
        }
    }

    /// The resource the attribute belongs to.
    pub fn resource(self) -> ResourceId {
        self.resource
    }

    /// The attribute's CloudFormation name, e.g. `DNSName`.
    pub fn name(self) -> &'static str {
        self.name
    }
}

impl<T> Clone for Attr<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Attr<T> {}
impl<T> PartialEq for Attr<T> {
    fn eq(&self, other: &Self) -> bool {
        self.resource == other.resource && self.name == other.name
    }
}
impl<T> fmt::Debug for Attr<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Attr({}.{})", self.resource, self.name)
    }
}

impl<T> From<Ref<T>> for ResourceId {
    fn from(r: Ref<T>) -> Self {
        r.id
    }
}
