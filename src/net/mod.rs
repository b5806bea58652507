//! The data plane: a kube-proxy model built from Services and EndpointSlices
//! (REFERENCE.md section 5), `connect()` through which every packet the playground
//! sends goes (terminal tools, probes, "send traffic"), and the simulated applications
//! keyed by image (`apps`).
//!
//! `connect` returns an [`Outcome`] and a trace of [`Hop`]s the diagram animates.
//! Randomness (iptables/nftables endpoint choice) comes from the cluster RNG only.

pub mod apps;
pub mod probe;

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Pod, Service, ServicePort};
use k8s_openapi::api::discovery::v1::EndpointSlice;

use crate::api::Object;
use crate::cluster::{kubelet, Cluster, Key, Millis, ProxyMode};

pub use probe::probe;

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
            Hop::Rule { service, .. } => Some(service),
            _ => None,
        })
    }

    /// The pod that received the connection.
    pub fn pod(&self) -> Option<&Key> {
        self.trace.iter().find_map(|h| match h {
            Hop::Deliver { pod, .. } => pod.as_ref(),
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

/// One step of a packet's path, for the diagram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hop {
    /// The packet leaves the source.
    Send {
        from_ip: String,
        to_ip: String,
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
        chain: String,
        comment: String,
        service: Key,
    },
    /// The endpoint chosen among `of` candidates.
    Pick {
        endpoint: String,
        of: usize,
        how: &'static str,
    },
    Dnat {
        to_ip: String,
        to_port: i32,
    },
    Snat {
        to_ip: String,
    },
    /// The packet crosses into a node (routing between nodes).
    Node {
        name: String,
    },
    /// Delivered to a pod or host.
    Deliver {
        ip: String,
        port: i32,
        pod: Option<Key>,
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

/// Node name for a node InternalIP.
pub fn node_by_ip(c: &Cluster, ip: &str) -> Option<String> {
    c.store.list("Node").find_map(|o| {
        let name = o.name().to_string();
        (kubelet::node_ip(c, &name).as_deref() == Some(ip)).then_some(name)
    })
}

/// The pod that currently owns an IP (not hostNetwork pods, whose IP is the node's).
pub fn pod_by_ip(c: &Cluster, ip: &str) -> Option<Key> {
    c.store.list("Pod").find_map(|o| match o {
        Object::Pod(p)
            if pod_ip(p) == Some(ip)
                && p.spec.as_ref().and_then(|s| s.host_network) != Some(true) =>
        {
            Some(Key::of(o))
        }
        _ => None,
    })
}

fn svc_id(o: &Object) -> String {
    format!("{}/{}", o.namespace(), o.name())
}

fn port_label(svc: &str, p: &ServicePort) -> String {
    match p.name.as_deref() {
        Some(n) if !n.is_empty() => format!("{svc}:{n}"),
        _ => svc.to_string(),
    }
}

/// Where a destination address lands.
enum Target<'a> {
    ClusterIp(&'a Object, &'a Service),
    LoadBalancer(&'a Object, &'a Service),
    ExternalIp(&'a Object, &'a Service),
    Node(String),
    Pod(Key),
    Internet(String),
    Nowhere,
}

fn classify<'a>(c: &'a Cluster, ip: &str) -> Target<'a> {
    for o in c.store.list("Service") {
        let Object::Service(s) = o else { continue };
        let Some(spec) = &s.spec else { continue };
        let mut cips = spec.cluster_ips.iter().flatten().map(String::as_str);
        if ip != "None" && (spec.cluster_ip.as_deref() == Some(ip) || cips.any(|x| x == ip)) {
            return Target::ClusterIp(o, s);
        }
        if spec.external_ips.iter().flatten().any(|x| x == ip) {
            return Target::ExternalIp(o, s);
        }
        let lb = s
            .status
            .as_ref()
            .and_then(|st| st.load_balancer.as_ref())
            .and_then(|lb| lb.ingress.as_ref());
        if spec.type_.as_deref() == Some("LoadBalancer")
            && lb.is_some_and(|ing| ing.iter().any(|i| i.ip.as_deref() == Some(ip)))
        {
            return Target::LoadBalancer(o, s);
        }
    }
    if let Some(n) = node_by_ip(c, ip) {
        return Target::Node(n);
    }
    if let Some(k) = pod_by_ip(c, ip) {
        return Target::Pod(k);
    }
    if let Some(host) = crate::dns::internet_host_by_ip(ip) {
        return Target::Internet(host.to_string());
    }
    Target::Nowhere
}

/// A usable endpoint of a service port, borrowed from its EndpointSlice.
#[derive(Debug, Clone, Copy)]
struct Ep<'a> {
    ip: &'a str,
    port: i32,
    node: Option<&'a str>,
    /// (namespace, name) of the target pod.
    pod: Option<(&'a str, &'a str)>,
}

impl Ep<'_> {
    fn to_owned(self) -> OwnedEp {
        OwnedEp {
            ip: self.ip.to_string(),
            port: self.port,
            node: self.node.map(str::to_string),
            pod: self.pod.map(|(ns, n)| Key::new("Pod", ns, n)),
        }
    }
}

#[derive(Debug, Clone)]
struct OwnedEp {
    ip: String,
    port: i32,
    node: Option<String>,
    pod: Option<Key>,
}

/// Endpoints kube-proxy would program for one service port: ready ones, or if none is
/// ready, the serving-and-terminating ones (pkg/proxy/topology.go CategorizeEndpoints).
/// Calls `f` for each usable endpoint in store order, without allocating; returns how
/// many there were.
fn for_each_endpoint(
    c: &Cluster,
    svc_obj: &Object,
    sp: &ServicePort,
    mut f: impl FnMut(usize, Ep<'_>),
) -> usize {
    let ns = svc_obj.namespace();
    let name = svc_obj.name();
    let pname = sp.name.as_deref().unwrap_or("");
    let sproto = sp.protocol.as_deref().unwrap_or("TCP");
    // First pass: are any ready? (kube-proxy falls back only when none is.)
    let mut any_ready = false;
    for_each_raw(c, ns, name, pname, sproto, |_, ready, _| any_ready |= ready);
    let mut n = 0;
    for_each_raw(c, ns, name, pname, sproto, |ep, ready, fallback| {
        if (any_ready && ready) || (!any_ready && fallback) {
            f(n, ep);
            n += 1;
        }
    });
    n
}

fn for_each_raw<'a>(
    c: &'a Cluster,
    ns: &'a str,
    name: &str,
    pname: &str,
    sproto: &str,
    mut f: impl FnMut(Ep<'a>, bool, bool),
) {
    for o in c.store.list_ns("EndpointSlice", ns) {
        let Object::EndpointSlice(sl) = o else {
            continue;
        };
        if !slice_belongs(sl, name) {
            continue;
        }
        let Some(port) = sl.ports.iter().flatten().find_map(|p| {
            (p.name.as_deref().unwrap_or("") == pname
                && p.protocol.as_deref().unwrap_or("TCP") == sproto)
                .then_some(p.port)
                .flatten()
        }) else {
            continue;
        };
        for e in &sl.endpoints {
            let Some(ip) = e.addresses.first() else {
                continue;
            };
            let cond = e.conditions.as_ref();
            let is_ready = cond.and_then(|c| c.ready).unwrap_or(true);
            let serving = cond.and_then(|c| c.serving).unwrap_or(is_ready);
            let terminating = cond.and_then(|c| c.terminating).unwrap_or(false);
            let ep = Ep {
                ip,
                port,
                node: e.node_name.as_deref(),
                pod: e
                    .target_ref
                    .as_ref()
                    .filter(|r| r.kind.as_deref() == Some("Pod"))
                    .map(|r| {
                        (
                            r.namespace.as_deref().unwrap_or(ns),
                            r.name.as_deref().unwrap_or(""),
                        )
                    }),
            };
            f(ep, is_ready, serving && terminating);
        }
    }
}

/// The endpoints as owned values (small services, tests, the diagram).
fn endpoints_for(c: &Cluster, svc_obj: &Object, sp: &ServicePort) -> Vec<OwnedEp> {
    let mut v = Vec::new();
    for_each_endpoint(c, svc_obj, sp, |_, e| v.push(e.to_owned()));
    v
}

fn slice_belongs(sl: &EndpointSlice, svc: &str) -> bool {
    sl.metadata
        .labels
        .as_ref()
        .and_then(|l| l.get("kubernetes.io/service-name"))
        .is_some_and(|n| n == svc)
}

/// The ClientIP affinity timeout of a Service, if it has ClientIP affinity.
fn affinity_seconds(s: &Service) -> Option<i64> {
    let spec = s.spec.as_ref()?;
    if spec.session_affinity.as_deref() != Some("ClientIP") {
        return None;
    }
    Some(
        spec.session_affinity_config
            .as_ref()
            .and_then(|a| a.client_ip.as_ref())
            .and_then(|ci| ci.timeout_seconds)
            .map(i64::from)
            .unwrap_or(DEFAULT_AFFINITY_SECONDS),
    )
}

/// Picks one endpoint the way the proxy mode does, honouring ClientIP affinity.
fn pick(
    c: &mut Cluster,
    svc: &str,
    sp_name: &str,
    affinity: Option<i64>,
    client: &str,
    eps: &[OwnedEp],
    trace: &mut Vec<Hop>,
) -> Option<usize> {
    if eps.is_empty() {
        return None;
    }
    let akey = (svc.to_string(), sp_name.to_string(), client.to_string());
    if let Some(secs) = affinity {
        if let Some((ep, last)) = c.net.affinity.get(&akey) {
            if c.now - *last <= secs * 1000 {
                if let Some(i) = eps
                    .iter()
                    .position(|e| format!("{}:{}", e.ip, e.port) == *ep)
                {
                    c.net.affinity.insert(akey, (ep.clone(), c.now));
                    trace.push(Hop::Pick {
                        endpoint: format!("{}:{}", eps[i].ip, eps[i].port),
                        of: eps.len(),
                        how: "session affinity (ClientIP)",
                    });
                    return Some(i);
                }
            }
        }
    }
    let n = eps.len();
    let (i, how) = match c.settings.proxy_mode {
        ProxyMode::Iptables => (c.rand_below(n as u64) as usize, "iptables statistic random"),
        ProxyMode::Nftables => (c.rand_below(n as u64) as usize, "nftables numgen random"),
        ProxyMode::Ipvs => {
            let k = (svc.to_string(), sp_name.to_string());
            let next = c.net.ipvs_next.entry(k).or_insert(0);
            let i = (*next % n as u64) as usize;
            *next = next.wrapping_add(1);
            (i, "ipvs round-robin")
        }
    };
    let i = i.min(n - 1);
    if affinity.is_some() {
        c.net
            .affinity
            .insert(akey, (format!("{}:{}", eps[i].ip, eps[i].port), c.now));
    }
    trace.push(Hop::Pick {
        endpoint: format!("{}:{}", eps[i].ip, eps[i].port),
        of: n,
        how,
    });
    Some(i)
}

fn svc_chain(mode: ProxyMode, svc: &str, sp: &ServicePort) -> String {
    // A stable, kube-proxy-shaped chain name (the real one is a base32 SHA-256 prefix).
    let label = port_label(svc, sp);
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in label.bytes().chain(
        sp.protocol
            .as_deref()
            .unwrap_or("TCP")
            .to_ascii_lowercase()
            .bytes(),
    ) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    const B32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let suffix: String = (0..16)
        .map(|i| B32[((h >> (i * 4)) & 31) as usize] as char)
        .collect();
    match mode {
        ProxyMode::Iptables => format!("KUBE-SVC-{suffix}"),
        ProxyMode::Nftables => format!("service-{suffix}-{}", label.replace(['/', ':'], "/")),
        ProxyMode::Ipvs => format!("ipvs {}", label),
    }
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
    let mut trace = Vec::new();
    let (src_ip, src_node) = source_addr(c, src);
    trace.push(Hop::Send {
        from_ip: src_ip.clone(),
        to_ip: dest_ip.to_string(),
        port,
        proto: proto.as_str(),
    });
    let outcome = route(
        c,
        src,
        &src_ip,
        src_node.as_deref(),
        dest_ip,
        port,
        proto,
        &mut trace,
    );
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

#[allow(clippy::too_many_arguments)]
fn route(
    c: &mut Cluster,
    src: &Source,
    src_ip: &str,
    src_node: Option<&str>,
    dest_ip: &str,
    port: i32,
    proto: Proto,
    trace: &mut Vec<Hop>,
) -> Outcome {
    // Loopback inside a pod reaches the pod itself.
    if dest_ip.starts_with("127.") || dest_ip == "::1" || dest_ip == "localhost" {
        return match src {
            Source::Pod(k) => deliver_pod(c, k.clone(), src_ip, port, proto, "127.0.0.1", trace),
            Source::Node(n) => deliver_node(c, n, port, proto, "127.0.0.1", trace),
            Source::Outside => {
                trace.push(Hop::Reject {
                    reason: "nothing listens on the learner's machine".into(),
                });
                Outcome::Refused
            }
        };
    }
    let outside = matches!(src, Source::Outside);
    match classify(c, dest_ip) {
        Target::ClusterIp(o, s) => {
            if outside {
                // The service CIDR is not routed outside the cluster.
                trace.push(Hop::Drop {
                    reason: "no route to the service CIDR from outside the cluster".into(),
                });
                return Outcome::TimedOut;
            }
            let svc = svc_id(o);
            let Some(sp) = s
                .spec
                .as_ref()
                .and_then(|sp| sp.ports.as_ref())
                .and_then(|ps| {
                    ps.iter()
                        .find(|p| p.port == port && proto.matches(p.protocol.as_deref()))
                })
                .cloned()
            else {
                trace.push(Hop::Drop {
                    reason: format!("no kube-proxy rule for {dest_ip}:{port}/{}; the ClusterIP is not a real host", proto.as_str()),
                });
                return Outcome::TimedOut;
            };
            let o = o.clone();
            let s = s.clone();
            let local_only = s
                .spec
                .as_ref()
                .and_then(|sp| sp.internal_traffic_policy.as_deref())
                == Some("Local");
            trace.push(Hop::Rule {
                chain: svc_chain(c.settings.proxy_mode, &svc, &sp),
                comment: format!("{} cluster IP", port_label(&svc, &sp)),
                service: Key::of(&o),
            });
            let mut eps = endpoints_for(c, &o, &sp);
            if eps.is_empty() {
                trace.push(Hop::Reject {
                    reason: format!("{} has no endpoints", port_label(&svc, &sp)),
                });
                return Outcome::Refused;
            }
            if local_only {
                eps.retain(|e| e.node.as_deref() == src_node);
                if eps.is_empty() {
                    trace.push(Hop::Drop {
                        reason: format!("{} has no local endpoints", port_label(&svc, &sp)),
                    });
                    return Outcome::TimedOut;
                }
            }
            via_endpoints(
                c, &s, &svc, &sp, src_ip, src_node, src_ip, eps, proto, trace,
            )
        }
        Target::ExternalIp(o, s) | Target::LoadBalancer(o, s) => {
            let svc = svc_id(o);
            let Some(sp) = s
                .spec
                .as_ref()
                .and_then(|sp| sp.ports.as_ref())
                .and_then(|ps| {
                    ps.iter()
                        .find(|p| p.port == port && proto.matches(p.protocol.as_deref()))
                })
                .cloned()
            else {
                trace.push(Hop::Drop {
                    reason: format!("nothing listens on {dest_ip}:{port}"),
                });
                return Outcome::TimedOut;
            };
            let o = o.clone();
            let s = s.clone();
            trace.push(Hop::Rule {
                chain: svc_chain(c.settings.proxy_mode, &svc, &sp),
                comment: format!("{} external IP", port_label(&svc, &sp)),
                service: Key::of(&o),
            });
            let eps = endpoints_for(c, &o, &sp);
            if eps.is_empty() {
                trace.push(Hop::Reject {
                    reason: format!("{} has no endpoints", port_label(&svc, &sp)),
                });
                return Outcome::Refused;
            }
            if outside {
                external_entry(c, &s, &svc, &sp, None, eps, proto, trace)
            } else {
                // Pod/node-originated traffic to an external IP short-circuits to the cluster chain.
                via_endpoints(
                    c, &s, &svc, &sp, src_ip, src_node, src_ip, eps, proto, trace,
                )
            }
        }
        Target::Node(node) => {
            trace.push(Hop::Node { name: node.clone() });
            // A NodePort?
            let found = c.store.list("Service").find_map(|o| {
                let Object::Service(s) = o else { return None };
                let spec = s.spec.as_ref()?;
                if !matches!(
                    spec.type_.as_deref(),
                    Some("NodePort") | Some("LoadBalancer")
                ) {
                    return None;
                }
                let sp =
                    spec.ports.as_ref()?.iter().find(|p| {
                        p.node_port == Some(port) && proto.matches(p.protocol.as_deref())
                    })?;
                Some((o.clone(), s.clone(), sp.clone()))
            });
            match found {
                Some((o, s, sp)) => {
                    let svc = svc_id(&o);
                    trace.push(Hop::Rule {
                        chain: "KUBE-NODEPORTS".into(),
                        comment: format!("{} node port {port}", port_label(&svc, &sp)),
                        service: Key::of(&o),
                    });
                    let eps = endpoints_for(c, &o, &sp);
                    if eps.is_empty() {
                        trace.push(Hop::Reject {
                            reason: format!("{} has no endpoints", port_label(&svc, &sp)),
                        });
                        return Outcome::Refused;
                    }
                    let from_pod_same_node = src_node == Some(node.as_str()) && !outside;
                    let _ = from_pod_same_node;
                    external_entry(c, &s, &svc, &sp, Some(&node), eps, proto, trace)
                }
                None => deliver_node(c, &node, port, proto, dest_ip, trace),
            }
        }
        Target::Pod(k) => {
            if outside {
                trace.push(Hop::Drop {
                    reason: "pod IPs are not routed outside the cluster".into(),
                });
                return Outcome::TimedOut;
            }
            if let Some(n) = pod_of(c, &k).and_then(pod_node) {
                if Some(n) != src_node {
                    trace.push(Hop::Node {
                        name: n.to_string(),
                    });
                }
            }
            deliver_pod(c, k, src_ip, port, proto, dest_ip, trace)
        }
        Target::Internet(host) => {
            if matches!(port, 80 | 443) && proto == Proto::Tcp {
                trace.push(Hop::Deliver {
                    ip: dest_ip.to_string(),
                    port,
                    pod: None,
                });
                Outcome::Connected(Peer {
                    kind: PeerKind::Internet(host),
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
        Target::Nowhere => {
            trace.push(Hop::Drop {
                reason: format!("no host has the address {dest_ip}"),
            });
            Outcome::TimedOut
        }
    }
}

/// Traffic entering through a node port or an external/LB address from outside.
#[allow(clippy::too_many_arguments)]
fn external_entry(
    c: &mut Cluster,
    s: &Service,
    svc: &str,
    sp: &ServicePort,
    node: Option<&str>,
    mut eps: Vec<OwnedEp>,
    proto: Proto,
    trace: &mut Vec<Hop>,
) -> Outcome {
    let etp_local = s
        .spec
        .as_ref()
        .and_then(|x| x.external_traffic_policy.as_deref())
        == Some("Local");
    // For a LoadBalancer IP, the load balancer (MetalLB L2) hands traffic to one node:
    // with ETP Local only nodes with a local endpoint attract it.
    let node = match node {
        Some(n) => n.to_string(),
        None => {
            let nodes: Vec<String> = if etp_local {
                let mut v: Vec<String> = eps.iter().filter_map(|e| e.node.clone()).collect();
                v.sort();
                v.dedup();
                v
            } else {
                c.store.list("Node").map(|o| o.name().to_string()).collect()
            };
            let Some(first) = nodes.first().cloned() else {
                trace.push(Hop::Drop {
                    reason: "no node announces the address".into(),
                });
                return Outcome::TimedOut;
            };
            trace.push(Hop::Node {
                name: first.clone(),
            });
            first
        }
    };
    let (client_ip, _) = (OUTSIDE_IP.to_string(), ());
    if etp_local {
        eps.retain(|e| e.node.as_deref() == Some(node.as_str()));
        if eps.is_empty() {
            trace.push(Hop::Drop {
                reason: format!("{} has no local endpoints on {node}", port_label(svc, sp)),
            });
            return Outcome::TimedOut;
        }
        via_endpoints(
            c,
            s,
            svc,
            sp,
            &client_ip,
            Some(&node),
            &client_ip,
            eps,
            proto,
            trace,
        )
    } else {
        let node_ip = kubelet::node_ip(c, &node).unwrap_or_default();
        trace.push(Hop::Snat {
            to_ip: node_ip.clone(),
        });
        via_endpoints(
            c,
            s,
            svc,
            sp,
            &client_ip,
            Some(&node),
            &node_ip,
            eps,
            proto,
            trace,
        )
    }
}

/// Chooses an endpoint, DNATs to it and delivers. `affinity_ip` is the source address
/// the affinity table is keyed by; `seen_ip` the source the pod will see.
#[allow(clippy::too_many_arguments)]
fn via_endpoints(
    c: &mut Cluster,
    s: &Service,
    svc: &str,
    sp: &ServicePort,
    affinity_ip: &str,
    from_node: Option<&str>,
    seen_ip: &str,
    eps: Vec<OwnedEp>,
    proto: Proto,
    trace: &mut Vec<Hop>,
) -> Outcome {
    let pname = sp.name.clone().unwrap_or_default();
    let Some(i) = pick(
        c,
        svc,
        &pname,
        affinity_seconds(s),
        affinity_ip,
        &eps,
        trace,
    ) else {
        return Outcome::Refused;
    };
    let ep = eps[i].clone();
    trace.push(Hop::Dnat {
        to_ip: ep.ip.clone(),
        to_port: ep.port,
    });
    let mut seen = seen_ip.to_string();
    // Hairpin: a pod reaching itself through its Service is masqueraded.
    if ep.ip == seen_ip {
        if let Some(n) = &ep.node {
            seen = kubelet::node_ip(c, n).unwrap_or(seen);
            trace.push(Hop::Snat {
                to_ip: seen.clone(),
            });
        }
    }
    if ep.node.is_some() && ep.node.as_deref() != from_node {
        trace.push(Hop::Node {
            name: ep.node.clone().unwrap_or_default(),
        });
    }
    match ep
        .pod
        .clone()
        .filter(|k| c.store.contains(k))
        .or_else(|| pod_by_ip(c, &ep.ip))
    {
        Some(k) => deliver_pod(c, k, &seen, ep.port, proto, &ep.ip, trace),
        None => match node_by_ip(c, &ep.ip) {
            Some(n) => deliver_node(c, &n, ep.port, proto, &ep.ip, trace),
            None => {
                trace.push(Hop::Drop {
                    reason: format!("no host has the address {}", ep.ip),
                });
                Outcome::TimedOut
            }
        },
    }
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
        ip: ip.to_string(),
        port,
        pod: Some(k.clone()),
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
        trace.push(Hop::Reject {
            reason: format!("nothing listens on {ip}:{port}/{}", proto.as_str()),
        });
        Outcome::Refused
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
        ip: ip.to_string(),
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
pub fn ping(c: &Cluster, src: &Source, dest_ip: &str) -> bool {
    if dest_ip.starts_with("127.") {
        return true;
    }
    let outside = matches!(src, Source::Outside);
    match classify(c, dest_ip) {
        Target::ClusterIp(..) => !outside && c.settings.proxy_mode == ProxyMode::Ipvs,
        Target::ExternalIp(..) => c.settings.proxy_mode == ProxyMode::Ipvs,
        Target::LoadBalancer(..) => true,
        Target::Node(_) => true,
        Target::Pod(k) => !outside && pod_of(c, &k).is_some(),
        Target::Internet(_) => true,
        Target::Nowhere => false,
    }
}

#[cfg(test)]
pub(crate) mod tests;
