//! The data plane: a kube-proxy model built from Services and EndpointSlices
//! (REFERENCE.md section 5), `connect()` through which every packet the playground
//! sends goes (terminal tools, probes, "send traffic"), and the simulated applications
//! keyed by image (`apps`).
//!
//! `connect` returns an [`Outcome`] and a trace of [`Hop`]s the diagram animates.
//! Randomness (iptables/nftables endpoint choice) comes from the cluster RNG only.

pub mod apps;
pub mod iptables;
pub mod probe;
mod proxy;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use k8s_openapi::api::core::v1::Pod;

use crate::api::Object;
use crate::cluster::{kubelet, Cluster, Key, Millis, ProxyMode};

pub use probe::probe;
use proxy::{Dest, Landing, ProxyEp, Rule, Target};

/// The learner's machine as seen by the cluster (the docker bridge gateway on kind).
pub const OUTSIDE_IP: &str = "172.18.0.1";

/// Default `sessionAffinityConfig.clientIP.timeoutSeconds` (v1.DefaultClientIPServiceAffinitySeconds).
pub const DEFAULT_AFFINITY_SECONDS: i64 = 10800;

/// Data-plane state kept beside the store: what kube-proxy and the applications keep
/// in memory (ipvs round-robin counters, ClientIP affinity, access logs, files written in pods).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NetState {
    /// ipvs round-robin position per (service namespace/name, port name).
    pub ipvs_next: BTreeMap<(String, String), u64>,
    /// ClientIP affinity: (service namespace/name, port name, client IP) -> (endpoint IP:port, last used).
    pub affinity: BTreeMap<(String, String, String), (String, Millis)>,
    /// Lines an application wrote to its log after starting (nginx access log...), per pod.
    pub logs: BTreeMap<Key, Vec<(Millis, String)>>,
    /// Files written inside pods (`wget -O file`, `echo > /tmp/x`): (pod, path) -> contents.
    pub files: BTreeMap<(Key, String), String>,
    /// While a step runs (`World::run`): the connections it makes from pods and from
    /// outside the cluster, for the page to animate; the kubelet's probes are left out.
    /// `None`: not recording. At most [`MAX_FLOWS`] per step.
    pub flows: Option<Vec<Flow>>,
    /// kube-proxy's rules as of the last connection (see `proxy`).
    pub rules: proxy::Rules,
}

/// The most connections one step records for the page (the rest still happen).
pub const MAX_FLOWS: usize = 200;

/// One connection as the page animates it: where it came from and its hop trace
/// (DNS questions a resolver asked over it are appended as [`Hop::Dns`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flow {
    pub from: Source,
    pub port: i32,
    pub proto: Proto,
    pub outcome: Outcome,
    pub trace: Vec<Hop>,
}

impl Flow {
    /// The Service whose kube-proxy rule carried the connection.
    pub fn service(&self) -> Option<&Key> {
        self.trace.iter().find_map(|h| match h {
            Hop::Rule { service, .. } => Some(&**service),
            _ => None,
        })
    }

    /// The pod that received the connection.
    pub fn pod(&self) -> Option<&Key> {
        self.trace.iter().find_map(|h| match h {
            Hop::Deliver { pod, .. } => pod.as_deref(),
            _ => None,
        })
    }

    /// A DNS query (to port 53).
    pub fn is_dns(&self) -> bool {
        self.port == 53 && matches!(self.proto, Proto::Udp | Proto::Tcp)
    }

    /// The names asked over this connection, in order.
    pub fn dns_names(&self) -> impl Iterator<Item = &str> {
        self.trace.iter().filter_map(|h| match h {
            Hop::Dns { name, .. } => Some(name.as_str()),
            _ => None,
        })
    }
}

/// Adds a DNS question and its answer to the last recorded connection (the resolver's
/// query to its nameserver), when a step is recording.
pub fn note_dns(c: &mut Cluster, hop: Hop) {
    if let Some(flow) = c.net.flows.as_mut().and_then(|f| f.last_mut()) {
        if flow.is_dns() && matches!(hop, Hop::Dns { .. }) {
            flow.trace.push(hop);
        }
    }
}

/// Where a connection starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A pod (its network namespace).
    Pod(Key),
    /// A node's own network namespace (kubelet probes, hostNetwork pods).
    Node(String),
    /// The learner's machine, outside the cluster.
    Outside,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proto {
    Tcp,
    Udp,
    Sctp,
}

impl Proto {
    pub fn as_str(self) -> &'static str {
        match self {
            Proto::Tcp => "TCP",
            Proto::Udp => "UDP",
            Proto::Sctp => "SCTP",
        }
    }
    fn matches(self, s: Option<&str>) -> bool {
        s.unwrap_or("TCP").eq_ignore_ascii_case(self.as_str())
    }
}

/// Who answered a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeerKind {
    /// A container in a pod (the app is looked up by image through `apps`).
    Pod(Key),
    /// A host on the pretend internet (example.com ...).
    Internet(String),
    /// The API server on the control-plane node.
    ApiServer,
}

/// The far end of an established connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peer {
    pub kind: PeerKind,
    /// Address and port the packet was finally delivered to (after DNAT).
    pub ip: String,
    pub port: i32,
    /// Source address the server sees (after SNAT, if any).
    pub client_ip: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Connected(Peer),
    /// RST / ICMP port unreachable / kube-proxy REJECT.
    Refused,
    /// Packets dropped or routed nowhere: the client waits for its timeout.
    TimedOut,
    /// ICMP host unreachable.
    Unreachable,
}

/// One step of a packet's path, for the diagram. Addresses and names are shared with
/// kube-proxy's rules (`Arc`), so recording a hop copies no text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hop {
    /// The packet leaves the source.
    Send {
        from_ip: Arc<str>,
        to_ip: Arc<str>,
        port: i32,
        proto: &'static str,
    },
    /// A DNS question and its answer (added by resolvers).
    Dns {
        name: String,
        qtype: String,
        answer: String,
    },
    /// A kube-proxy rule matched (iptables chain / ipvs virtual server / nft map), with its
    /// comment and the Service (namespace/name) it belongs to.
    Rule {
        chain: Arc<str>,
        comment: Arc<str>,
        service: Arc<Key>,
    },
    /// The endpoint chosen among `of` candidates.
    Pick {
        endpoint: Arc<str>,
        of: usize,
        how: &'static str,
    },
    Dnat {
        to_ip: Arc<str>,
        to_port: i32,
    },
    Snat {
        to_ip: Arc<str>,
    },
    /// The packet crosses into a node (routing between nodes).
    Node {
        name: Arc<str>,
    },
    /// Delivered to a pod or host.
    Deliver {
        ip: Arc<str>,
        port: i32,
        pod: Option<Arc<Key>>,
    },
    /// Nothing matched / dropped.
    Drop {
        reason: String,
    },
    /// Actively refused.
    Reject {
        reason: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    pub outcome: Outcome,
    pub trace: Vec<Hop>,
}

// ---------------------------------------------------------------- helpers

fn pod_of<'a>(c: &'a Cluster, key: &Key) -> Option<&'a Pod> {
    match c.store.get(key) {
        Some(Object::Pod(p)) => Some(p),
        _ => None,
    }
}

pub fn pod_ip(p: &Pod) -> Option<&str> {
    p.status.as_ref()?.pod_ip.as_deref()
}

pub fn pod_node(p: &Pod) -> Option<&str> {
    p.spec.as_ref()?.node_name.as_deref()
}

/// The IP a source sends from, and the node it sits on.
pub fn source_addr(c: &Cluster, src: &Source) -> (String, Option<String>) {
    match src {
        Source::Pod(k) => match pod_of(c, k) {
            Some(p) => (
                pod_ip(p).unwrap_or("").to_string(),
                pod_node(p).map(str::to_string),
            ),
            None => (String::new(), None),
        },
        Source::Node(n) => (kubelet::node_ip(c, n).unwrap_or_default(), Some(n.clone())),
        Source::Outside => (OUTSIDE_IP.to_string(), None),
    }
}

pub use proxy::{node_by_ip, pod_by_ip, service_slices};

/// Picks one endpoint among the rule's endpoints (those on node `only`, if given) the
/// way the proxy mode does, honouring ClientIP affinity.
fn pick<'r>(
    c: &mut Cluster,
    rule: &'r Rule,
    only: Option<Option<&str>>,
    client: &str,
    trace: &mut Vec<Hop>,
) -> Option<&'r ProxyEp> {
    let candidates = || {
        rule.eps
            .iter()
            .filter(move |e| only.is_none_or(|n| e.node.as_deref() == n))
    };
    let n = match only {
        None => rule.eps.len(),
        Some(_) => candidates().count(),
    };
    if n == 0 {
        return None;
    }
    let akey = rule
        .affinity
        .map(|_| (rule.svc.clone(), rule.port_name.clone(), client.to_string()));
    if let (Some(secs), Some(akey)) = (rule.affinity, &akey) {
        if let Some((ep, last)) = c.net.affinity.get(akey) {
            if c.now - *last <= secs * 1000 {
                if let Some(e) = candidates().find(|e| *e.addr == **ep) {
                    c.net
                        .affinity
                        .insert(akey.clone(), (e.addr.to_string(), c.now));
                    trace.push(Hop::Pick {
                        endpoint: e.addr.clone(),
                        of: n,
                        how: "session affinity (ClientIP)",
                    });
                    return Some(e);
                }
            }
        }
    }
    let (i, how) = match c.settings.proxy_mode {
        ProxyMode::Iptables => (c.rand_below(n as u64) as usize, "iptables statistic random"),
        ProxyMode::Nftables => (c.rand_below(n as u64) as usize, "nftables numgen random"),
        ProxyMode::Ipvs => {
            let k = (rule.svc.clone(), rule.port_name.clone());
            let next = c.net.ipvs_next.entry(k).or_insert(0);
            let i = (*next % n as u64) as usize;
            *next = next.wrapping_add(1);
            (i, "ipvs round-robin")
        }
    };
    let i = i.min(n - 1);
    let e = match only {
        None => rule.eps.get(i),
        Some(_) => candidates().nth(i),
    }?;
    if let Some(akey) = akey {
        c.net.affinity.insert(akey, (e.addr.to_string(), c.now));
    }
    trace.push(Hop::Pick {
        endpoint: e.addr.clone(),
        of: n,
        how,
    });
    Some(e)
}

// ---------------------------------------------------------------- connect

/// Sends one new connection from `src` to `dest_ip:port` and follows it through the
/// kube-proxy rules to whoever answers. This is the single way traffic moves in the
/// playground: terminal tools, readiness probes and the page's "send traffic" use it.
pub fn connect(
    c: &mut Cluster,
    src: &Source,
    dest_ip: &str,
    port: i32,
    proto: Proto,
) -> Connection {
    let mut trace = Vec::with_capacity(8);
    let (src_ip, src_node) = match src {
        Source::Pod(k) => proxy::pod_source(c, k),
        _ => {
            let (ip, node) = source_addr(c, src);
            (Arc::from(ip), node.map(Arc::from))
        }
    };
    // Loopback inside a pod reaches the pod itself; anything else follows the rules.
    let loopback = dest_ip.starts_with("127.") || dest_ip == "::1" || dest_ip == "localhost";
    let (to_ip, landing) = if loopback {
        (Arc::from(dest_ip), None)
    } else {
        let (to_ip, landing) = proxy::landing(c, dest_ip, port, proto);
        (to_ip, Some(landing))
    };
    trace.push(Hop::Send {
        from_ip: Arc::clone(&src_ip),
        to_ip,
        port,
        proto: proto.as_str(),
    });
    let from = From {
        src,
        ip: &src_ip,
        node: src_node.as_deref(),
    };
    let outcome = match landing {
        None => loopback_route(c, src, dest_ip, port, proto, &mut trace),
        Some(landing) => route(c, &from, &landing, dest_ip, port, proto, &mut trace),
    };
    if !matches!(src, Source::Node(_)) {
        if let Some(flows) = c.net.flows.as_mut().filter(|f| f.len() < MAX_FLOWS) {
            flows.push(Flow {
                from: src.clone(),
                port,
                proto,
                outcome: outcome.clone(),
                trace: trace.clone(),
            });
        }
    }
    Connection { outcome, trace }
}

/// Where a connection comes from: the source, its address and its node.
struct From<'a> {
    src: &'a Source,
    ip: &'a str,
    node: Option<&'a str>,
}

/// A connection to a loopback address (`127.x`, `::1`) stays in the pod's network
/// namespace: the server sees it come from that same loopback address (an nginx
/// access log line starts `127.0.0.1 - -` or `::1 - -`).
fn loopback_route(
    c: &mut Cluster,
    src: &Source,
    dest_ip: &str,
    port: i32,
    proto: Proto,
    trace: &mut Vec<Hop>,
) -> Outcome {
    let lo = if dest_ip == "localhost" {
        "127.0.0.1"
    } else {
        dest_ip
    };
    match src {
        Source::Pod(k) => deliver_pod(c, k.clone(), lo, port, proto, lo, trace),
        Source::Node(n) => deliver_node(c, n, port, proto, "127.0.0.1", trace),
        Source::Outside => {
            trace.push(Hop::Reject {
                reason: "nothing listens on the learner's machine".into(),
            });
            Outcome::Refused
        }
    }
}

fn route(
    c: &mut Cluster,
    from: &From<'_>,
    landing: &Landing,
    dest_ip: &str,
    port: i32,
    proto: Proto,
    trace: &mut Vec<Hop>,
) -> Outcome {
    let (src_ip, src_node) = (from.ip, from.node);
    let outside = matches!(from.src, Source::Outside);
    match landing {
        Landing::ClusterIp(rule) => {
            if outside {
                // The service CIDR is not routed outside the cluster.
                trace.push(Hop::Drop {
                    reason: "no route to the service CIDR from outside the cluster".into(),
                });
                return Outcome::TimedOut;
            }
            let Some(rule) = rule else {
                trace.push(Hop::Drop {
                    reason: format!("no kube-proxy rule for {dest_ip}:{port}/{}; the ClusterIP is not a real host", proto.as_str()),
                });
                return Outcome::TimedOut;
            };
            if !rule_matched(rule, trace) {
                return Outcome::Refused;
            }
            let only = rule.internal_local.then_some(src_node);
            if let Some(node) = only {
                if !rule.eps.iter().any(|e| e.node.as_deref() == node) {
                    trace.push(Hop::Drop {
                        reason: format!("{} has no local endpoints", rule.label),
                    });
                    return Outcome::TimedOut;
                }
            }
            via_endpoints(c, rule, only, src_ip, src_node, src_ip, proto, trace)
        }
        Landing::External(rule) => {
            let Some(rule) = rule else {
                trace.push(Hop::Drop {
                    reason: format!("nothing listens on {dest_ip}:{port}"),
                });
                return Outcome::TimedOut;
            };
            if !rule_matched(rule, trace) {
                return Outcome::Refused;
            }
            if outside {
                external_entry(c, rule, None, proto, trace)
            } else {
                // Pod/node-originated traffic to an external IP short-circuits to the cluster chain.
                via_endpoints(c, rule, None, src_ip, src_node, src_ip, proto, trace)
            }
        }
        Landing::Node(node, rule) => {
            trace.push(Hop::Node {
                name: Arc::clone(node),
            });
            match rule {
                Some(rule) => {
                    if !rule_matched(rule, trace) {
                        return Outcome::Refused;
                    }
                    external_entry(c, rule, Some(node), proto, trace)
                }
                None => deliver_node(c, node, port, proto, dest_ip, trace),
            }
        }
        Landing::Pod(k, node) => {
            if outside {
                trace.push(Hop::Drop {
                    reason: "pod IPs are not routed outside the cluster".into(),
                });
                return Outcome::TimedOut;
            }
            if let Some(n) = node {
                if Some(&**n) != src_node {
                    trace.push(Hop::Node {
                        name: Arc::clone(n),
                    });
                }
            }
            deliver_pod(c, k.clone(), src_ip, port, proto, dest_ip, trace)
        }
        Landing::Internet(host) => {
            if matches!(port, 80 | 443) && proto == Proto::Tcp {
                trace.push(Hop::Deliver {
                    ip: Arc::from(dest_ip),
                    port,
                    pod: None,
                });
                Outcome::Connected(Peer {
                    kind: PeerKind::Internet(host.clone()),
                    ip: dest_ip.to_string(),
                    port,
                    client_ip: src_ip.to_string(),
                })
            } else {
                trace.push(Hop::Drop {
                    reason: format!("{host} does not answer on port {port}"),
                });
                Outcome::TimedOut
            }
        }
        Landing::Nowhere => {
            trace.push(Hop::Drop {
                reason: format!("no host has the address {dest_ip}"),
            });
            Outcome::TimedOut
        }
    }
}

/// The service port's rule matched: its hop, then a REJECT if it has no endpoints
/// (returns whether it has any).
fn rule_matched(rule: &Rule, trace: &mut Vec<Hop>) -> bool {
    trace.push(Hop::Rule {
        chain: Arc::clone(&rule.chain),
        comment: Arc::clone(&rule.comment),
        service: Arc::clone(&rule.service),
    });
    if rule.eps.is_empty() {
        trace.push(Hop::Reject {
            reason: format!("{} has no endpoints", rule.label),
        });
    }
    !rule.eps.is_empty()
}

/// Traffic entering through a node port or an external/LB address from outside.
fn external_entry(
    c: &mut Cluster,
    rule: &Rule,
    node: Option<&str>,
    proto: Proto,
    trace: &mut Vec<Hop>,
) -> Outcome {
    let etp_local = rule.external_local;
    // For a LoadBalancer IP, the load balancer (MetalLB L2) hands traffic to one node:
    // with ETP Local only nodes with a local endpoint attract it.
    let node = match node {
        Some(n) => n.to_string(),
        None => {
            let first = if etp_local {
                rule.eps.iter().filter_map(|e| e.node.as_deref()).min()
            } else {
                c.store.list("Node").map(|o| o.name()).next()
            };
            let Some(first) = first.map(str::to_string) else {
                trace.push(Hop::Drop {
                    reason: "no node announces the address".into(),
                });
                return Outcome::TimedOut;
            };
            trace.push(Hop::Node {
                name: Arc::from(first.as_str()),
            });
            first
        }
    };
    let client_ip = OUTSIDE_IP;
    if etp_local {
        if !rule
            .eps
            .iter()
            .any(|e| e.node.as_deref() == Some(node.as_str()))
        {
            trace.push(Hop::Drop {
                reason: format!("{} has no local endpoints on {node}", rule.label),
            });
            return Outcome::TimedOut;
        }
        let only = Some(Some(node.as_str()));
        via_endpoints(
            c,
            rule,
            only,
            client_ip,
            Some(&node),
            client_ip,
            proto,
            trace,
        )
    } else {
        let node_ip = kubelet::node_ip(c, &node).unwrap_or_default();
        trace.push(Hop::Snat {
            to_ip: Arc::from(node_ip.as_str()),
        });
        via_endpoints(
            c,
            rule,
            None,
            client_ip,
            Some(&node),
            &node_ip,
            proto,
            trace,
        )
    }
}

/// Chooses an endpoint (among those on node `only`, if given), DNATs to it and
/// delivers. `affinity_ip` is the source address the affinity table is keyed by;
/// `seen_ip` the source the pod will see.
#[allow(clippy::too_many_arguments)]
fn via_endpoints(
    c: &mut Cluster,
    rule: &Rule,
    only: Option<Option<&str>>,
    affinity_ip: &str,
    from_node: Option<&str>,
    seen_ip: &str,
    proto: Proto,
    trace: &mut Vec<Hop>,
) -> Outcome {
    let Some(ep) = pick(c, rule, only, affinity_ip, trace) else {
        return Outcome::Refused;
    };
    trace.push(Hop::Dnat {
        to_ip: Arc::clone(&ep.ip),
        to_port: ep.port,
    });
    let mut seen = Cow::Borrowed(seen_ip);
    // Hairpin: a pod reaching itself through its Service is masqueraded (kube-proxy's
    // KUBE-SEP rule marks a packet whose source is the endpoint). MASQUERADE takes the
    // address of the interface the packet leaves by: the node's end of the pod's veth,
    // which kindnet's ptp plugin gives the range's gateway address (ptp.go
    // setupHostVeth: x.y.z.1), as the pod's route table shows it.
    if *ep.ip == *seen_ip && ep.node.is_some() {
        if let Some((net, _)) = ep.ip.rsplit_once('.') {
            seen = Cow::Owned(format!("{net}.1"));
        }
        trace.push(Hop::Snat {
            to_ip: Arc::from(&*seen),
        });
    }
    if let Some(n) = ep.node.as_ref().filter(|n| Some(&***n) != from_node) {
        trace.push(Hop::Node {
            name: Arc::clone(n),
        });
    }
    match &ep.dest {
        Dest::Pod(k, apps) => {
            trace.push(Hop::Deliver {
                ip: Arc::clone(&ep.ip),
                port: ep.port,
                pod: Some(Arc::clone(k)),
            });
            if apps.listening(c, k, ep.port, proto).is_some() {
                Outcome::Connected(Peer {
                    kind: PeerKind::Pod(Key::clone(k)),
                    ip: ep.ip.to_string(),
                    port: ep.port,
                    client_ip: seen.into_owned(),
                })
            } else {
                refused(&ep.ip, ep.port, proto, trace)
            }
        }
        Dest::Node(n) => deliver_node(c, n, ep.port, proto, &ep.ip, trace),
        Dest::Nowhere => {
            trace.push(Hop::Drop {
                reason: format!("no host has the address {}", ep.ip),
            });
            Outcome::TimedOut
        }
    }
}

fn refused(ip: &str, port: i32, proto: Proto, trace: &mut Vec<Hop>) -> Outcome {
    trace.push(Hop::Reject {
        reason: format!("nothing listens on {ip}:{port}/{}", proto.as_str()),
    });
    Outcome::Refused
}

fn deliver_pod(
    c: &mut Cluster,
    k: Key,
    seen: &str,
    port: i32,
    proto: Proto,
    ip: &str,
    trace: &mut Vec<Hop>,
) -> Outcome {
    trace.push(Hop::Deliver {
        ip: Arc::from(ip),
        port,
        pod: Some(Arc::new(k.clone())),
    });
    let Some(pod) = pod_of(c, &k) else {
        trace.push(Hop::Drop {
            reason: "the pod is gone".into(),
        });
        return Outcome::TimedOut;
    };
    if apps::listening(c, &k, pod, port, proto).is_some() {
        Outcome::Connected(Peer {
            kind: PeerKind::Pod(k),
            ip: ip.to_string(),
            port,
            client_ip: seen.to_string(),
        })
    } else {
        refused(ip, port, proto, trace)
    }
}

fn deliver_node(
    c: &mut Cluster,
    node: &str,
    port: i32,
    proto: Proto,
    ip: &str,
    trace: &mut Vec<Hop>,
) -> Outcome {
    trace.push(Hop::Deliver {
        ip: Arc::from(ip),
        port,
        pod: None,
    });
    // hostNetwork pods on that node listen on the node's address.
    let host_pods: Vec<Key> = c
        .store
        .list("Pod")
        .filter_map(|o| match o {
            Object::Pod(p)
                if pod_node(p) == Some(node)
                    && p.spec.as_ref().and_then(|s| s.host_network) == Some(true) =>
            {
                Some(Key::of(o))
            }
            _ => None,
        })
        .collect();
    for k in host_pods {
        if let Some(p) = pod_of(c, &k) {
            if apps::listening(c, &k, p, port, proto).is_some() {
                let kind = if k.name.starts_with("kube-apiserver") {
                    PeerKind::ApiServer
                } else {
                    PeerKind::Pod(k)
                };
                return Outcome::Connected(Peer {
                    kind,
                    ip: ip.to_string(),
                    port,
                    client_ip: String::new(),
                });
            }
        }
    }
    trace.push(Hop::Reject {
        reason: format!("nothing listens on {ip}:{port}"),
    });
    Outcome::Refused
}

/// Whether an ICMP echo to `dest_ip` from `src` gets a reply. ClusterIPs answer only in
/// ipvs mode (bound to kube-ipvs0 on every node); pod and node IPs answer; outside
/// sources reach node and load-balancer IPs only.
/// Whether an ICMP echo to `dest_ip` is answered, and if so the TTL its reply arrives
/// with: 64 from whoever answers, one less for each node that forwards it on the way
/// back (kindnet routes every pod's traffic through its node, so a pod answering costs
/// its node's hop, and a reply reaching a pod from anywhere but its own node costs the
/// pod's node's hop).
pub fn ping(c: &Cluster, src: &Source, dest_ip: &str) -> Option<u8> {
    if dest_ip.starts_with("127.") {
        return Some(64);
    }
    let outside = matches!(src, Source::Outside);
    let node_of = |k: &Key| {
        pod_of(c, k)
            .and_then(|p| p.spec.as_ref())
            .and_then(|s| s.node_name.clone())
    };
    let src_node = match src {
        Source::Pod(k) => node_of(k),
        Source::Node(n) => Some(n.clone()),
        Source::Outside => None,
    };
    let ipvs = c.settings.proxy_mode == ProxyMode::Ipvs;
    // Who answers: (their node, whether it is a pod).
    let answerer = match proxy::classify(c, dest_ip) {
        // IPVS binds every Service IP to kube-ipvs0 on each node: the source's node answers.
        Target::ClusterIp(..) if !outside && ipvs => (src_node.clone(), false),
        Target::ExternalIp(..) if ipvs => (src_node.clone(), false),
        Target::LoadBalancer(..) | Target::Internet(_) => (None, false),
        Target::Node(n) => (Some(n), false),
        Target::Pod(k) if !outside && pod_of(c, &k).is_some() => (node_of(&k), true),
        _ => return None,
    };
    let (node, is_pod) = answerer;
    let forwarded_by_src_node = matches!(src, Source::Pod(_)) && node != src_node;
    Some(64 - u8::from(is_pod) - u8::from(forwarded_by_src_node))
}

#[cfg(test)]
pub(crate) mod tests;
