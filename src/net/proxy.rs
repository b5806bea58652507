//! kube-proxy's rules: where a packet to an address, port and protocol lands (a
//! Service's virtual IP with the endpoints of the matching service port, a node port,
//! a node, a pod, the pretend internet, nowhere). Computed from the store as kube-proxy
//! programs its rules - when Services or EndpointSlices change, not per packet: the
//! answers are kept in [`Rules`] for one store revision and proxy mode, so a million
//! connections through one Service look at its EndpointSlices once.

use std::collections::BTreeMap;
use std::sync::Arc;

use k8s_openapi::api::core::v1::{Node, Service, ServicePort};
use k8s_openapi::api::discovery::v1::EndpointSlice;

use super::apps::PodApps;
use super::Proto;
use crate::api::Object;
use crate::cluster::{Cluster, Key, ProxyMode};

/// Where a destination address lands (what `classify` found, without the port).
pub(super) enum Target<'a> {
    ClusterIp(&'a Object, &'a Service),
    LoadBalancer(&'a Object, &'a Service),
    ExternalIp(&'a Object, &'a Service),
    Node(String),
    Pod(Key),
    Internet(String),
    Nowhere,
}

pub(super) fn classify<'a>(c: &'a Cluster, ip: &str) -> Target<'a> {
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

fn internal_ip(n: &Node) -> Option<&str> {
    n.status
        .as_ref()?
        .addresses
        .as_ref()?
        .iter()
        .find(|a| a.type_ == "InternalIP")
        .map(|a| a.address.as_str())
}

/// Node name for a node InternalIP.
pub fn node_by_ip(c: &Cluster, ip: &str) -> Option<String> {
    c.store.list("Node").find_map(|o| match o {
        Object::Node(n) if internal_ip(n) == Some(ip) => Some(o.name().to_string()),
        _ => None,
    })
}

/// The pod that currently owns an IP (not hostNetwork pods, whose IP is the node's):
/// the first in key order, found through the store's pod-IP index.
pub fn pod_by_ip(c: &Cluster, ip: &str) -> Option<Key> {
    c.store.pods_with_ip(ip).find_map(|o| match o {
        Object::Pod(p)
            if super::pod_ip(p) == Some(ip)
                && p.spec.as_ref().and_then(|s| s.host_network) != Some(true) =>
        {
            Some(Key::of(o))
        }
        _ => None,
    })
}

fn port_label(svc: &str, p: &ServicePort) -> String {
    match p.name.as_deref() {
        Some(n) if !n.is_empty() => format!("{svc}:{n}"),
        _ => svc.to_string(),
    }
}

fn svc_chain(mode: ProxyMode, label: &str, sp: &ServicePort) -> String {
    // kube-proxy's KUBE-SVC chain name (proxier.go servicePortPolicyClusterChain), the
    // one `iptables-save` on a node shows.
    let proto = sp.protocol.as_deref().unwrap_or("TCP").to_ascii_lowercase();
    let hash = super::iptables::chain_hash(&format!("{label}{proto}"));
    match mode {
        ProxyMode::Iptables => format!("KUBE-SVC-{hash}"),
        ProxyMode::Nftables => format!("service-{hash}-{}", label.replace(['/', ':'], "/")),
        ProxyMode::Ipvs => format!("ipvs {}", label),
    }
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
            .unwrap_or(super::DEFAULT_AFFINITY_SECONDS),
    )
}

/// An endpoint kube-proxy programmed for a service port.
#[derive(Debug)]
pub(super) struct ProxyEp {
    pub ip: Arc<str>,
    pub port: i32,
    /// `ip:port`, as the trace and the affinity table show it.
    pub addr: Arc<str>,
    pub node: Option<Arc<str>>,
    /// Who has the address: the target pod if it still exists, else the pod or node
    /// that owns the IP.
    pub dest: Dest,
}

#[derive(Debug)]
pub(super) enum Dest {
    Pod(Arc<Key>, PodApps),
    Node(String),
    Nowhere,
}

fn dest(c: &Cluster, ip: &str, target: Option<Key>) -> Dest {
    let pod = match target {
        Some(k) if c.store.contains(&k) => Some(k),
        _ => pod_by_ip(c, ip),
    };
    let pod = pod.and_then(|k| match c.store.get(&k) {
        Some(Object::Pod(p)) => Some((k, PodApps::of(p))),
        _ => None,
    });
    match pod {
        Some((k, apps)) => Dest::Pod(Arc::new(k), apps),
        None => node_by_ip(c, ip).map_or(Dest::Nowhere, Dest::Node),
    }
}

/// The rules of one service port reached through one kind of address.
#[derive(Debug)]
pub(super) struct Rule {
    pub service: Arc<Key>,
    /// `namespace/name`: the key of the ipvs and affinity tables.
    pub svc: String,
    pub port_name: String,
    /// `namespace/name[:port]`, as kube-proxy comments its rules.
    pub label: String,
    pub chain: Arc<str>,
    pub comment: Arc<str>,
    pub affinity: Option<i64>,
    /// internalTrafficPolicy / externalTrafficPolicy Local.
    pub internal_local: bool,
    pub external_local: bool,
    /// Ready endpoints, or if none is ready the serving-and-terminating ones
    /// (pkg/proxy/topology.go CategorizeEndpoints), in store order.
    pub eps: Vec<ProxyEp>,
}

/// Where a packet to (address, port, protocol) lands.
#[derive(Debug)]
pub(super) enum Landing {
    /// A Service's ClusterIP; `None`: no service port matches.
    ClusterIp(Option<Rule>),
    /// A Service's external IP or load-balancer address.
    External(Option<Rule>),
    /// A node's address, with the NodePort Service on that port if there is one.
    Node(Arc<str>, Option<Rule>),
    /// A pod, and the node it runs on.
    Pod(Key, Option<Arc<str>>),
    Internet(String),
    Nowhere,
}

fn service_port(s: &Service, port: i32, proto: Proto) -> Option<&ServicePort> {
    s.spec
        .as_ref()?
        .ports
        .as_ref()?
        .iter()
        .find(|p| p.port == port && proto.matches(p.protocol.as_deref()))
}

fn rule(c: &Cluster, o: &Object, s: &Service, sp: &ServicePort, how: Entry) -> Rule {
    let svc = format!("{}/{}", o.namespace(), o.name());
    let label = port_label(&svc, sp);
    let (chain, comment) = match how {
        Entry::ClusterIp => (
            svc_chain(c.settings.proxy_mode, &label, sp),
            format!("{label} cluster IP"),
        ),
        Entry::External => (
            svc_chain(c.settings.proxy_mode, &label, sp),
            format!("{label} external IP"),
        ),
        Entry::NodePort(port) => ("KUBE-NODEPORTS".into(), format!("{label} node port {port}")),
    };
    let policy = |p: Option<&String>| p.map(String::as_str) == Some("Local");
    let spec = s.spec.as_ref();
    Rule {
        service: Arc::new(Key::of(o)),
        port_name: sp.name.clone().unwrap_or_default(),
        chain: chain.into(),
        comment: comment.into(),
        affinity: affinity_seconds(s),
        internal_local: policy(spec.and_then(|x| x.internal_traffic_policy.as_ref())),
        external_local: policy(spec.and_then(|x| x.external_traffic_policy.as_ref())),
        eps: endpoints(c, o.namespace(), o.name(), sp),
        svc,
        label,
    }
}

#[derive(Clone, Copy)]
enum Entry {
    ClusterIp,
    External,
    NodePort(i32),
}

/// The EndpointSlices of a Service, by their `kubernetes.io/service-name` label (how
/// kube-proxy and CoreDNS find them, hand-written and mirrored slices included).
pub fn service_slices<'a>(
    c: &'a Cluster,
    ns: &str,
    svc: &'a str,
) -> impl Iterator<Item = &'a EndpointSlice> + 'a {
    c.store
        .list_ns("EndpointSlice", ns)
        .filter_map(move |o| match o {
            Object::EndpointSlice(sl)
                if sl
                    .metadata
                    .labels
                    .as_ref()
                    .and_then(|l| l.get("kubernetes.io/service-name"))
                    .is_some_and(|n| n == svc) =>
            {
                Some(&**sl)
            }
            _ => None,
        })
}

/// The port a slice gives a service port: the slice port of the same name and protocol.
pub(super) fn slice_port(sl: &EndpointSlice, sp: &ServicePort) -> Option<i32> {
    let pname = sp.name.as_deref().unwrap_or("");
    let sproto = sp.protocol.as_deref().unwrap_or("TCP");
    sl.ports.iter().flatten().find_map(|p| {
        (p.name.as_deref().unwrap_or("") == pname
            && p.protocol.as_deref().unwrap_or("TCP") == sproto)
            .then_some(p.port)
            .flatten()
    })
}

/// The endpoints kube-proxy programs for one service port, from the Service's
/// EndpointSlices (by their `kubernetes.io/service-name` label, as kube-proxy finds them).
fn endpoints(c: &Cluster, ns: &str, name: &str, sp: &ServicePort) -> Vec<ProxyEp> {
    let mut ready = Vec::new();
    let mut fallback = Vec::new();
    for sl in service_slices(c, ns, name) {
        let Some(port) = slice_port(sl, sp) else {
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
            let to = if is_ready {
                &mut ready
            } else if serving && terminating {
                &mut fallback
            } else {
                continue;
            };
            let target = e
                .target_ref
                .as_ref()
                .filter(|r| r.kind.as_deref() == Some("Pod"))
                .map(|r| {
                    Key::new(
                        "Pod",
                        r.namespace.as_deref().unwrap_or(ns),
                        r.name.as_deref().unwrap_or(""),
                    )
                });
            to.push(ProxyEp {
                ip: Arc::from(ip.as_str()),
                port,
                addr: format!("{ip}:{port}").into(),
                node: e.node_name.as_deref().map(Arc::from),
                dest: dest(c, ip, target),
            });
        }
    }
    if ready.is_empty() {
        fallback
    } else {
        ready
    }
}

fn land(c: &Cluster, ip: &str, port: i32, proto: Proto) -> Landing {
    match classify(c, ip) {
        Target::ClusterIp(o, s) => Landing::ClusterIp(
            service_port(s, port, proto).map(|sp| rule(c, o, s, sp, Entry::ClusterIp)),
        ),
        Target::ExternalIp(o, s) | Target::LoadBalancer(o, s) => Landing::External(
            service_port(s, port, proto).map(|sp| rule(c, o, s, sp, Entry::External)),
        ),
        Target::Node(node) => {
            let node_port = c.store.list("Service").find_map(|o| {
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
                Some(rule(c, o, s, sp, Entry::NodePort(port)))
            });
            Landing::Node(node.into(), node_port)
        }
        Target::Pod(k) => {
            let node = match c.store.get(&k) {
                Some(Object::Pod(p)) => super::pod_node(p).map(Arc::from),
                _ => None,
            };
            Landing::Pod(k, node)
        }
        Target::Internet(host) => Landing::Internet(host),
        Target::Nowhere => Landing::Nowhere,
    }
}

/// The most destinations (or sources) [`Rules`] remembers before it starts over.
const MAX_REMEMBERED: usize = 1024;

/// The landings computed at one store revision and proxy mode, by destination
/// address, port and protocol, and the addresses of the pods that sent. Derived from
/// the store: a copied cluster starts empty, and it takes no part in comparing clusters.
#[derive(Default)]
pub struct Rules {
    at: Option<(u64, ProxyMode)>,
    by_dest: BTreeMap<Arc<str>, Vec<(i32, Proto, Arc<Landing>)>>,
    sources: BTreeMap<Key, Addr>,
    len: usize,
}

impl Clone for Rules {
    fn clone(&self) -> Self {
        Rules::default()
    }
}

impl PartialEq for Rules {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for Rules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Rules({} remembered)", self.len)
    }
}

/// The rules, emptied if the store or the proxy mode changed since they were computed.
fn current(c: &mut Cluster) -> &mut Rules {
    let at = (c.store.revision(), c.settings.proxy_mode);
    let rules = &mut c.net.rules;
    if rules.at != Some(at) || rules.len >= MAX_REMEMBERED {
        *rules = Rules {
            at: Some(at),
            ..Rules::default()
        };
    }
    rules
}

/// Where a packet to `ip:port/proto` lands under the current rules, with the address
/// as the rules hold it.
pub(super) fn landing(
    c: &mut Cluster,
    ip: &str,
    port: i32,
    proto: Proto,
) -> (Arc<str>, Arc<Landing>) {
    let known = current(c).by_dest.get_key_value(ip);
    if let Some((ip, found)) = known {
        if let Some((_, _, l)) = found.iter().find(|(p, pr, _)| *p == port && *pr == proto) {
            return (Arc::clone(ip), Arc::clone(l));
        }
    }
    let l = Arc::new(land(c, ip, port, proto));
    let rules = &mut c.net.rules;
    let ip = match rules.by_dest.get_key_value(ip) {
        Some((known, _)) => Arc::clone(known),
        None => Arc::from(ip),
    };
    rules
        .by_dest
        .entry(Arc::clone(&ip))
        .or_default()
        .push((port, proto, Arc::clone(&l)));
    rules.len += 1;
    (ip, l)
}

/// A pod's address and node.
type Addr = (Arc<str>, Option<Arc<str>>);

/// `source_addr` of a pod, remembered like the landings.
pub(super) fn pod_source(c: &mut Cluster, key: &Key) -> Addr {
    if let Some(addr) = current(c).sources.get(key) {
        return addr.clone();
    }
    let (ip, node) = super::source_addr(c, &super::Source::Pod(key.clone()));
    let addr: Addr = (ip.into(), node.map(Arc::from));
    let rules = &mut c.net.rules;
    rules.sources.insert(key.clone(), addr.clone());
    rules.len += 1;
    addr
}
