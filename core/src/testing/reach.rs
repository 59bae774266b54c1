//! Reachability assertions, computed by [`crate::topology`] from security group rules and
//! subnet placement.

use crate::net::{Connectable, Port};
use crate::topology::{
    Side, any, egress, has_public_address, ingress, member_blocks, members, public_subnets,
};

use super::Inspect;

impl Inspect<'_> {
    /// Whether some address on the internet can reach `target` on `port`: a rule admits a
    /// public address on that port, and a member of the target's group is exposed.
    pub fn internet_can_reach(&self, target: &impl Connectable, port: Port) -> bool {
        let graph = self.stack().graph();
        let group = target.security_group().id().id().node();
        let admits_public = ingress(graph, group).iter().any(|rule| {
            rule.port.covers(port)
                && matches!(rule.side, Side::Cidr(net) if has_public_address(net))
        });
        let public_subnets = public_subnets(graph);
        admits_public
            && members(graph, group)
                .iter()
                .any(|m| m.exposed && m.subnets.iter().any(|s| public_subnets.contains(s)))
    }

    /// Whether members of `from`'s group can open connections to `to` on `port`: `to`'s group
    /// admits `from`'s group (or a block holding all of `from`'s subnets), and `from`'s group
    /// lets the traffic out.
    pub fn can_reach(&self, from: &impl Connectable, to: &impl Connectable, port: Port) -> bool {
        let graph = self.stack().graph();
        let source = from.security_group().id().id().node();
        let target = to.security_group().id().id().node();
        let source_blocks = member_blocks(graph, source);
        let target_blocks = member_blocks(graph, target);
        let admits = |side: Side,
                      blocks: &[ipnet::Ipv4Net],
                      group: petgraph::stable_graph::NodeIndex| match side {
            Side::Group(g) => g == group,
            Side::Cidr(net) => !blocks.is_empty() && blocks.iter().all(|b| net.contains(b)),
        };
        let inbound = ingress(graph, target)
            .iter()
            .any(|rule| rule.port.covers(port) && admits(rule.side, &source_blocks, source));
        let outbound = egress(graph, source).iter().any(|rule| {
            rule.port.covers(port)
                && (rule.side == Side::Cidr(any()) || admits(rule.side, &target_blocks, target))
        });
        inbound && outbound
    }
}
