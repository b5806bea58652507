//! The diagram: each Node as a region with its pods inside, each Service of the
//! shown namespace(s) as a box with a line to every endpoint pod, NodePort badges on
//! the nodes, and a client "outside the cluster" for NodePort / LoadBalancer Services.
//! The SVG scales to its panel (viewBox, width 100%).

use std::collections::{BTreeMap, BTreeSet};

use web_sys::KeyboardEvent;
use yew::prelude::*;

use super::app::Action;
use super::view::{Packets, Sel, UiAction};
use crate::api::Object;
use crate::cluster::controllers::is_pod_ready;
use crate::scenario::World;
use crate::term::kubectl::printers::pod_row;

const GAP: i32 = 16;
const NODE_W: i32 = 212;
const NODE_HEAD: i32 = 46;
const NODE_FOOT: i32 = 26;
pub(crate) const POD_W: i32 = 192;
pub(crate) const POD_H: i32 = 44;
const POD_GAP: i32 = 8;
pub(crate) const SVC_W: i32 = 236;
pub(crate) const SVC_H: i32 = 84;
const LINK_GAP: i32 = 64;
const CLIENT_H: i32 = 44;
const CLIENT_GAP: i32 = 36;
const DNS_W: i32 = 150;
/// Baselines and left edge of the text inside a pod and a Service box (box coordinates).
const POD_TEXT_X: i32 = 12;
const POD_LINES_Y: [i32; 2] = [18, 36];
const SVC_TEXT_X: i32 = 10;
const SVC_LINES_Y: [i32; 4] = [20, 38, 55, 72];
const CLIENT_LINES_DY: [i32; 2] = [18, 35];

/// The numbers inside pod and Service boxes, the same for every box: `ui::intern_common`
/// interns them (with the box sizes) so they cross to JS as cached strings.
pub(crate) fn box_numbers() -> Vec<i32> {
    let client_y = SVC_H + CLIENT_GAP;
    let mut n = vec![POD_W, POD_H, SVC_W, SVC_H, CLIENT_H, POD_TEXT_X, SVC_TEXT_X];
    n.extend(POD_LINES_Y);
    n.extend(SVC_LINES_Y);
    n.extend([SVC_W / 2, client_y]);
    n.extend(CLIENT_LINES_DY.map(|dy| client_y + dy));
    n
}
/// Services per row at least (more when the node row is wider): many Services wrap into
/// rows instead of one row the SVG scales down until its text is unreadable (and costly to
/// lay out: the browser shapes every label at a tiny scaled font size).
const SVC_COLS: i32 = 4;
/// The space between two rows of Services.
const SVC_ROW_GAP: i32 = 40;
const DNS_H: i32 = 48;
/// Packet animation: one hop (source -> Service, Service -> pod), a DNS question, the
/// gap between requests of a batch, and the most packets one batch draws.
const HOP_MS: u32 = 350;
const DNS_MS: u32 = 300;
const STAGGER_MS: u32 = 250;
const MAX_PACKETS: usize = 60;
const UNSCHEDULED: &str = "(unscheduled)";

/// One pod as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct PodView {
    pub namespace: String,
    pub name: String,
    pub status: String,
    pub ready: bool,
    pub ip: Option<String>,
    pub node: String,
    /// The owning workload (Deployment name for ReplicaSet pods), for the tint.
    pub owner: String,
}

impl PodView {
    /// `namespace/name`, unique across namespaces.
    pub fn key(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }
}

/// One node region as drawn, with its pods sorted by name.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeView {
    pub name: String,
    pub ready: bool,
    pub ip: String,
    pub pods: Vec<PodView>,
}

/// One endpoint of a Service: the pod it targets and whether it is ready.
#[derive(Debug, Clone, PartialEq)]
pub struct EndpointView {
    pub pod: String,
    pub ready: bool,
    pub terminating: bool,
}

/// One Service box as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceView {
    pub namespace: String,
    pub name: String,
    pub type_: String,
    pub cluster_ip: String,
    /// As `kubectl get svc` prints PORT(S).
    pub ports: String,
    /// `port -> targetPort` per port, with the nodePort.
    pub port_map: String,
    pub node_ports: Vec<i32>,
    /// LoadBalancer: the external IP or `<pending>`.
    pub external: Option<String>,
    /// ExternalName: the external host.
    pub external_name: Option<String>,
    pub endpoints: Vec<EndpointView>,
    /// Distinct ready addresses over all the Service's slices, pods or not (the
    /// API server's address behind `kubernetes` counts too).
    pub ready_addresses: usize,
}

impl ServiceView {
    pub fn ready_count(&self) -> usize {
        self.ready_addresses
    }

    pub fn dns(&self) -> String {
        format!("{}.{}.svc.cluster.local", self.name, self.namespace)
    }

    fn headless(&self) -> bool {
        self.cluster_ip == "None"
    }
}

/// One Deployment, for the scale buttons.
#[derive(Debug, Clone, PartialEq)]
pub struct DeploymentView {
    pub namespace: String,
    pub name: String,
    pub replicas: i32,
    pub ready: i32,
}

/// What the diagram draws, read from the world.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Snapshot {
    pub nodes: Vec<NodeView>,
    pub services: Vec<ServiceView>,
    pub deployments: Vec<DeploymentView>,
    /// Every namespace, `default` first.
    pub namespaces: Vec<String>,
    /// The ClusterIP of `kube-system/kube-dns`, for the CoreDNS marker.
    pub dns_ip: Option<String>,
}

fn in_ns(filter: &str, ns: &str) -> bool {
    filter == "all" || filter == ns
}

/// Reads the nodes, the pods, Services and Deployments of namespace `ns` (or `all`).
pub fn snapshot(world: &World, ns: &str) -> Snapshot {
    let store = &world.cluster.store;
    let now = world.cluster.now;
    let mut nodes: BTreeMap<String, NodeView> = BTreeMap::new();
    for obj in store.list("Node") {
        if let Object::Node(n) = obj {
            let name = n.metadata.name.clone().unwrap_or_default();
            let status = n.status.as_ref();
            let ready = status
                .and_then(|s| s.conditions.as_ref())
                .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True"));
            let ip = status
                .and_then(|s| s.addresses.as_ref())
                .and_then(|a| a.iter().find(|a| a.type_ == "InternalIP"))
                .map(|a| a.address.clone())
                .unwrap_or_default();
            nodes.insert(
                name.clone(),
                NodeView {
                    name,
                    ready,
                    ip,
                    pods: Vec::new(),
                },
            );
        }
    }
    for obj in store.list("Pod") {
        let Object::Pod(p) = obj else { continue };
        let pns = p.metadata.namespace.clone().unwrap_or_default();
        if !in_ns(ns, &pns) {
            continue;
        }
        let row = pod_row(p, now, false);
        let status = row.get(2).cloned().unwrap_or_default();
        let node = p
            .spec
            .as_ref()
            .and_then(|s| s.node_name.clone())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| UNSCHEDULED.to_string());
        let owner = p
            .metadata
            .owner_references
            .as_ref()
            .and_then(|o| o.first())
            .map(|o| {
                if o.kind == "ReplicaSet" {
                    o.name
                        .rsplit_once('-')
                        .map_or(o.name.clone(), |(d, _)| d.to_string())
                } else {
                    o.name.clone()
                }
            })
            .unwrap_or_default();
        let view = PodView {
            namespace: pns,
            name: p.metadata.name.clone().unwrap_or_default(),
            status,
            ready: is_pod_ready(p),
            ip: p
                .status
                .as_ref()
                .and_then(|s| s.pod_ip.clone())
                .filter(|ip| !ip.is_empty()),
            node: node.clone(),
            owner,
        };
        nodes
            .entry(node.clone())
            .or_insert_with(|| NodeView {
                name: node,
                ready: false,
                ip: String::new(),
                pods: Vec::new(),
            })
            .pods
            .push(view);
    }
    let mut nodes: Vec<NodeView> = nodes.into_values().collect();
    for n in &mut nodes {
        crate::sort::sort_by(&mut n.pods, |a, b| {
            (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name))
        });
    }

    // Endpoints per Service key (namespace/name), pods by key.
    let mut endpoints: BTreeMap<String, Vec<EndpointView>> = BTreeMap::new();
    let mut ready_addresses: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    for obj in store.list("EndpointSlice") {
        let Object::EndpointSlice(es) = obj else {
            continue;
        };
        let ens = es.metadata.namespace.clone().unwrap_or_default();
        if !in_ns(ns, &ens) {
            continue;
        }
        let Some(svc) = es
            .metadata
            .labels
            .as_ref()
            .and_then(|l| l.get("kubernetes.io/service-name"))
        else {
            continue;
        };
        let service_key = format!("{ens}/{svc}");
        let ready_set = ready_addresses.entry(service_key.clone()).or_default();
        for ep in &es.endpoints {
            // As the EndpointSlice API says: a missing ready condition means ready.
            if ep.conditions.as_ref().and_then(|c| c.ready).unwrap_or(true) {
                if let Some(address) = ep.addresses.first() {
                    ready_set.insert(address.as_str());
                }
            }
        }
        let list = endpoints.entry(service_key).or_default();
        for ep in &es.endpoints {
            let Some(pod) = ep
                .target_ref
                .as_ref()
                .filter(|r| r.kind.as_deref().is_none_or(|k| k == "Pod"))
                .and_then(|r| r.name.clone())
            else {
                continue;
            };
            let cond = ep.conditions.as_ref();
            let ready = cond.and_then(|c| c.ready).unwrap_or(true);
            let terminating = cond.and_then(|c| c.terminating).unwrap_or(false);
            list.push(EndpointView {
                pod: format!("{ens}/{pod}"),
                ready,
                terminating,
            });
        }
    }
    let mut services = Vec::new();
    for obj in store.list("Service") {
        let Object::Service(s) = obj else { continue };
        let sns = s.metadata.namespace.clone().unwrap_or_default();
        if !in_ns(ns, &sns) {
            continue;
        }
        let name = s.metadata.name.clone().unwrap_or_default();
        let spec = s.spec.as_ref();
        let ps = spec.and_then(|sp| sp.ports.clone()).unwrap_or_default();
        let ports = ps
            .iter()
            .map(|p| {
                let proto = p.protocol.as_deref().unwrap_or("TCP");
                match p.node_port {
                    Some(np) => format!("{}:{np}/{proto}", p.port),
                    None => format!("{}/{proto}", p.port),
                }
            })
            .collect::<Vec<_>>()
            .join(",");
        let port_map = ps
            .iter()
            .map(|p| {
                let target = match &p.target_port {
                    Some(k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(i)) => {
                        i.to_string()
                    }
                    Some(k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::String(s)) => {
                        s.clone()
                    }
                    None => p.port.to_string(),
                };
                match p.node_port {
                    Some(np) => format!("{}→{target} (node {np})", p.port),
                    None => format!("{}→{target}", p.port),
                }
            })
            .collect::<Vec<_>>()
            .join(", ");
        let type_ = spec
            .and_then(|sp| sp.type_.clone())
            .unwrap_or_else(|| "ClusterIP".into());
        let external = (type_ == "LoadBalancer").then(|| {
            s.status
                .as_ref()
                .and_then(|st| st.load_balancer.as_ref())
                .and_then(|lb| lb.ingress.as_ref())
                .and_then(|i| i.first())
                .and_then(|i| i.ip.clone().or_else(|| i.hostname.clone()))
                .unwrap_or_else(|| "<pending>".into())
        });
        let external_name = (type_ == "ExternalName").then(|| {
            spec.and_then(|sp| sp.external_name.clone())
                .unwrap_or_default()
        });
        let service_key = format!("{sns}/{name}");
        services.push(ServiceView {
            endpoints: endpoints.remove(&service_key).unwrap_or_default(),
            ready_addresses: ready_addresses.get(&service_key).map_or(0, BTreeSet::len),
            namespace: sns,
            name,
            cluster_ip: spec
                .and_then(|sp| sp.cluster_ip.clone())
                .filter(|ip| !ip.is_empty())
                .unwrap_or_else(|| {
                    if type_ == "ExternalName" {
                        "<none>".into()
                    } else {
                        "None".into()
                    }
                }),
            type_,
            ports: if ports.is_empty() {
                "<none>".into()
            } else {
                ports
            },
            port_map,
            node_ports: ps.iter().filter_map(|p| p.node_port).collect(),
            external,
            external_name,
        });
    }
    crate::sort::sort_by(&mut services, |a, b| {
        (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name))
    });

    let mut deployments = Vec::new();
    for obj in store.list("Deployment") {
        let Object::Deployment(d) = obj else { continue };
        let dns = d.metadata.namespace.clone().unwrap_or_default();
        if !in_ns(ns, &dns) {
            continue;
        }
        deployments.push(DeploymentView {
            namespace: dns,
            name: d.metadata.name.clone().unwrap_or_default(),
            replicas: d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1),
            ready: d
                .status
                .as_ref()
                .and_then(|s| s.ready_replicas)
                .unwrap_or(0),
        });
    }
    crate::sort::sort_by(&mut deployments, |a, b| {
        (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name))
    });

    let mut namespaces: Vec<String> = store
        .list("Namespace")
        .map(|o| o.name().to_string())
        .filter(|n| n != "default")
        .collect();
    crate::sort::sort(&mut namespaces);
    namespaces.insert(0, "default".into());
    let dns_ip = match store.get(&crate::cluster::Key::new(
        "Service",
        "kube-system",
        "kube-dns",
    )) {
        Some(Object::Service(s)) => s.spec.as_ref().and_then(|sp| sp.cluster_ip.clone()),
        _ => None,
    };
    Snapshot {
        nodes,
        services,
        deployments,
        namespaces,
        dns_ip,
    }
}

#[derive(Properties, PartialEq)]
pub struct DiagramProps {
    pub snapshot: std::rc::Rc<Snapshot>,
    pub selected: Option<Sel>,
    /// The pod menu is open for the selected pod.
    pub menu: bool,
    /// Pods (namespace/name) the selected Service selects.
    pub highlight: BTreeSet<String>,
    /// "Send traffic" hits per pod (namespace/name).
    pub hits: BTreeMap<String, u32>,
    /// The last step's connections, animated along their traces.
    pub packets: Packets,
    pub dispatch: Callback<Action>,
}

/// The CSS class for a pod's colour.
fn pod_class(p: &PodView) -> &'static str {
    match p.status.as_str() {
        "Running" if p.ready => "kp-pod-ready",
        "Running" => "kp-pod-notready",
        "Terminating" => "kp-pod-terminating",
        "Pending" | "ContainerCreating" | "PodInitializing" => "kp-pod-pending",
        s if s.starts_with("Init:") => "kp-pod-pending",
        "Completed" | "Succeeded" => "kp-pod-notready",
        _ => "kp-pod-failed",
    }
}

pub fn pod_label(p: &PodView) -> String {
    let node = if p.node == UNSCHEDULED {
        "not scheduled".to_string()
    } else {
        format!("node {}", p.node)
    };
    format!(
        "Pod {}, {}, {}, {}, {node}",
        p.name,
        p.status,
        if p.ready { "Ready" } else { "Not ready" },
        p.ip.as_deref().unwrap_or("no IP"),
    )
}

pub fn service_label(s: &ServiceView) -> String {
    if let Some(host) = &s.external_name {
        return format!("Service {}, ExternalName {host}", s.name);
    }
    let n = s.ready_count();
    let mut label = format!(
        "Service {}, {} {}, {}, {n} ready endpoint{}",
        s.name,
        s.type_,
        s.cluster_ip,
        s.ports,
        if n == 1 { "" } else { "s" }
    );
    if let Some(ext) = &s.external {
        label.push_str(&format!(", external {ext}"));
    }
    label
}

fn short(name: &str, max: usize) -> String {
    let n = name.chars().count();
    if n <= max {
        name.to_string()
    } else {
        let tail: String = name.chars().skip(n - (max - 1)).collect();
        format!("…{tail}")
    }
}

/// A stable tint (0..6) per owner name.
fn tint(owner: &str) -> u32 {
    if owner.is_empty() {
        return 6;
    }
    owner.bytes().fold(2166136261u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(16777619)
    }) % 6
}

fn key_handler(dispatch: &Callback<Action>, sel: Sel, kill: bool) -> Callback<KeyboardEvent> {
    let dispatch = dispatch.clone();
    Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
        "Delete" if kill => {
            e.prevent_default();
            if let Sel::Pod { namespace, name } = &sel {
                dispatch.emit(Action::Ui(UiAction::Kill {
                    namespace: namespace.clone(),
                    name: name.clone(),
                }));
            }
        }
        "Enter" | " " => {
            e.prevent_default();
            dispatch.emit(Action::Ui(UiAction::Select(Some(sel.clone()))));
        }
        "Escape" => dispatch.emit(Action::Ui(UiAction::Select(None))),
        _ => {}
    })
}

/// Where things are drawn, for the packets.
struct Layout<'a> {
    /// Top-left corner of each pod (namespace/name).
    pod_pos: &'a BTreeMap<String, (i32, i32)>,
    /// Top-left corner of each Service box (namespace/name) and whether it has a client box.
    services: BTreeMap<String, (i32, i32, bool)>,
    /// Centre of the CoreDNS marker, when drawn.
    dns: Option<(i32, i32)>,
}

/// One animated packet: its path (source, middle, end), timing, and what tests read.
#[derive(Debug, Clone, PartialEq)]
struct PacketView {
    points: [(i32, i32); 3],
    delay_ms: u32,
    dur_ms: u32,
    dns: bool,
    /// Connected (not refused, timed out or unreachable).
    ok: bool,
    /// The source pod's name, or `outside`.
    from: String,
    /// The pod that answered.
    pod: Option<String>,
    /// The Service (namespace/name) whose rule carried it.
    service: Option<String>,
    /// DNS names asked (space-separated).
    names: Option<String>,
}

/// The packets of one batch of connections, in order: each request starts
/// `STAGGER_MS` after the previous one, and a connection that follows a DNS question
/// from the same source starts when the answer is back (DNS -> virtual IP -> pod).
fn packet_views(flows: &[crate::net::Flow], l: &Layout) -> Vec<PacketView> {
    use crate::net::{Outcome, Source};
    let key = |k: &crate::cluster::Key| format!("{}/{}", k.namespace, k.name);
    let pod_centre = |k: &crate::cluster::Key| {
        l.pod_pos
            .get(&key(k))
            .map(|&(x, y)| (x + POD_W / 2, y + POD_H / 2))
    };
    let svc_centre = |k: &str| {
        l.services
            .get(k)
            .map(|&(x, y, _)| (x + SVC_W / 2, y + SVC_H / 2))
    };
    let mid = |a: (i32, i32), b: (i32, i32)| ((a.0 + b.0) / 2, (a.1 + b.1) / 2);
    let mut out = Vec::new();
    let (mut start, mut answered): (u32, Option<(u32, &Source)>) = (0, None);
    for f in flows.iter().take(MAX_PACKETS) {
        let service = f.service().map(key);
        let dns = f.is_dns();
        let from = match &f.from {
            Source::Pod(k) => pod_centre(k),
            Source::Outside => service.as_deref().and_then(|s| {
                let &(x, y, client) = l.services.get(s)?;
                Some(if client {
                    (x + SVC_W / 2, y + SVC_H + CLIENT_GAP + CLIENT_H / 2)
                } else {
                    (x + SVC_W / 2, y + SVC_H + CLIENT_GAP / 2)
                })
            }),
            Source::Node(_) => None,
        };
        let (middle, end) = if dns {
            let target = svc_centre("kube-system/kube-dns").or(l.dns);
            (None, target)
        } else {
            let middle = service.as_deref().and_then(svc_centre);
            let end = f.pod().and_then(pod_centre).or(middle);
            (middle, end)
        };
        let Some(end) = end else { continue };
        let from_pt = from.or(middle).unwrap_or(end);
        let points = [from_pt, middle.unwrap_or_else(|| mid(from_pt, end)), end];
        let (delay_ms, dur_ms) = if dns {
            if answered.is_some() {
                start += STAGGER_MS;
            }
            answered = Some((start + DNS_MS, &f.from));
            (start, DNS_MS)
        } else {
            let delay = match answered.take() {
                Some((t, src)) if *src == f.from => t,
                _ => start,
            };
            start += STAGGER_MS;
            (delay, if middle.is_some() { 2 * HOP_MS } else { HOP_MS })
        };
        out.push(PacketView {
            points,
            delay_ms,
            dur_ms,
            dns,
            ok: matches!(f.outcome, Outcome::Connected(_)),
            from: match &f.from {
                Source::Pod(k) => k.name.clone(),
                Source::Outside => "outside".into(),
                Source::Node(n) => n.clone(),
            },
            pod: f.pod().map(|k| k.name.clone()),
            service,
            names: dns.then(|| f.dns_names().collect::<Vec<_>>().join(" ")),
        });
    }
    out
}

/// One box's lines of text: one SVG `<text>` with a `<tspan>` per line (class, baseline,
/// text), all starting at `x`. Chromium lays out each `<text>` on its own, so a box costs
/// one text layout rather than one per line.
fn text_lines<const N: usize>(x: i32, lines: [(&'static str, i32, String); N]) -> Html {
    let x = x.to_string();
    html! {
        <text>
            { for lines.into_iter().map(|(class, y, text)| html! {
                <tspan {class} x={x.clone()} y={y.to_string()}>{ text }</tspan>
            }) }
        </text>
    }
}

fn click_handler(dispatch: &Callback<Action>, sel: Sel) -> Callback<MouseEvent> {
    let dispatch = dispatch.clone();
    Callback::from(move |_: MouseEvent| {
        dispatch.emit(Action::Ui(UiAction::Select(Some(sel.clone()))))
    })
}

#[function_component(Diagram)]
pub fn diagram(props: &DiagramProps) -> Html {
    {
        // Opening a pod's menu moves the focus to its first item ("Kill").
        let open = props.menu.then(|| props.selected.clone());
        use_effect_with(open, |open| {
            if open.is_some() {
                let button = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.query_selector(".kp-pod-menu button").ok().flatten())
                    .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok());
                if let Some(b) = button {
                    let _ = b.focus();
                }
            }
        });
    }
    let snap = &props.snapshot;
    let max_pods = snap.nodes.iter().map(|n| n.pods.len()).max().unwrap_or(0) as i32;
    let all_node_ports: BTreeSet<i32> = crate::sort::collect_set(
        snap.services
            .iter()
            .flat_map(|s| s.node_ports.iter().copied()),
    );
    let foot = if all_node_ports.is_empty() {
        0
    } else {
        NODE_FOOT
    };
    let node_h = NODE_HEAD + max_pods.max(1) * (POD_H + POD_GAP) + foot;
    let n_nodes = snap.nodes.len().max(1) as i32;
    let n_svcs = snap.services.len() as i32;
    // CoreDNS, where DNS questions go, beside the Services (unless kube-dns is drawn).
    let dns_drawn = snap
        .services
        .iter()
        .any(|s| s.namespace == "kube-system" && s.name == "kube-dns");
    let dns_marker = snap.dns_ip.clone().filter(|_| n_svcs > 0 && !dns_drawn);
    let marker_w = if dns_marker.is_some() { DNS_W + GAP } else { 0 };
    let nodes_w = GAP + n_nodes * (NODE_W + GAP);
    let cols = ((nodes_w - GAP) / (SVC_W + GAP))
        .max(SVC_COLS)
        .min(n_svcs.max(1));
    let rows = (n_svcs + cols - 1) / cols;
    let width = nodes_w.max(GAP + cols * (SVC_W + GAP) + marker_w);
    let svc_y = GAP + node_h + LINK_GAP;
    let has_clients = snap
        .services
        .iter()
        .any(|s| !s.node_ports.is_empty() || s.external.is_some() || s.external_name.is_some());
    // One row of Services: the box, and the client box under it when any has one.
    let row_h = SVC_H
        + if has_clients {
            CLIENT_GAP + CLIENT_H
        } else {
            0
        };
    // The top-left corner of the i-th Service box.
    let svc_at = |i: usize| {
        let i = i as i32;
        (
            GAP + (i % cols) * (SVC_W + GAP),
            svc_y + (i / cols) * (row_h + SVC_ROW_GAP),
        )
    };
    let height = if n_svcs == 0 {
        GAP + node_h + GAP
    } else {
        svc_y + rows * (row_h + SVC_ROW_GAP) - SVC_ROW_GAP + GAP
    };
    let sel_pod = match &props.selected {
        Some(Sel::Pod { namespace, name }) => Some(format!("{namespace}/{name}")),
        _ => None,
    };
    let sel_svc = match &props.selected {
        Some(Sel::Service { namespace, name }) => Some(format!("{namespace}/{name}")),
        _ => None,
    };

    // Where each pod is drawn (its top-left corner).
    let mut pod_pos: BTreeMap<String, (i32, i32)> = BTreeMap::new();
    for (i, n) in snap.nodes.iter().enumerate() {
        let nx = GAP + i as i32 * (NODE_W + GAP);
        for (j, p) in n.pods.iter().enumerate() {
            let px = nx + (NODE_W - POD_W) / 2;
            let py = GAP + NODE_HEAD + j as i32 * (POD_H + POD_GAP);
            pod_pos.insert(p.key(), (px, py));
        }
    }

    let layout = Layout {
        pod_pos: &pod_pos,
        services: crate::sort::collect_map(snap.services.iter().enumerate().map(|(i, s)| {
            let client =
                !s.node_ports.is_empty() || s.external.is_some() || s.external_name.is_some();
            let (x, y) = svc_at(i);
            (format!("{}/{}", s.namespace, s.name), (x, y, client))
        })),
        dns: dns_marker
            .as_ref()
            .map(|_| (GAP + cols * (SVC_W + GAP) + DNS_W / 2, svc_y + SVC_H / 2)),
    };
    let packets = packet_views(&props.packets.flows, &layout);
    let seq = props.packets.seq;
    let dns_box = dns_marker.as_ref().map(|ip| {
        let x = GAP + cols * (SVC_W + GAP);
        let y = svc_y + (SVC_H - DNS_H) / 2;
        html! {
            <g key="coredns" class="kp-dns" role="img"
               aria-label={format!("CoreDNS, answers DNS for the cluster at Service kube-system/kube-dns {ip}")}>
                <rect x={x.to_string()} y={y.to_string()} width={DNS_W.to_string()}
                      height={DNS_H.to_string()} rx="8" />
                { text_lines(x + 10, [
                    ("kp-dns-title", y + 19, "CoreDNS".to_string()),
                    ("kp-dns-info", y + 37, format!("kube-dns {ip}")),
                ]) }
            </g>
        }
    });
    // The packets of the last step, one CSS animation each (transform + opacity only).
    // A packet that reaches its end gets `data-arrived` (for tests; no re-render).
    let on_arrive = Callback::from(|e: web_sys::AnimationEvent| {
        if e.animation_name().starts_with("kp-pkt") {
            if let Some(el) = e
                .target()
                .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            {
                let _ = el.set_attribute("data-arrived", "true");
            }
        }
    });
    let packet_layer = html! {
        <g key="packets" class="kp-packets" aria-hidden="true" onanimationend={on_arrive}>
            { for packets.iter().enumerate().map(|(i, p)| {
                let [(x0, y0), (x1, y1), (x2, y2)] = p.points;
                let style = format!(
                    "--x0:{x0}px;--y0:{y0}px;--x1:{x1}px;--y1:{y1}px;--x2:{x2}px;--y2:{y2}px;animation-duration:{}ms;animation-delay:{}ms",
                    p.dur_ms, p.delay_ms
                );
                let class = classes!(
                    "kp-packet",
                    if p.dns { "kp-packet-dns" } else { "kp-packet-req" },
                    (!p.ok).then_some("kp-packet-fail")
                );
                let ring = format!("animation-delay:{}ms", p.delay_ms + p.dur_ms.saturating_sub(60));
                html! {
                    <>
                    <circle key={format!("{seq}-{i}")} {class} r={if p.dns { "5" } else { "7" }} cx="0" cy="0"
                            data-kind={if p.dns { "dns" } else { "request" }}
                            data-from={p.from.clone()} data-pod={p.pod.clone()}
                            data-service={p.service.clone()} data-dns={p.names.clone()}
                            {style} />
                    <circle key={format!("{seq}-{i}r")}
                            class={if p.dns { "kp-arrive kp-arrive-dns" } else if p.ok { "kp-arrive" } else { "kp-arrive kp-arrive-fail" }}
                            r="14" cx={x2.to_string()} cy={y2.to_string()} style={ring} />
                    </>
                }
            }) }
        </g>
    };

    let total_hits: u32 = props.hits.values().sum();
    let links = snap.services.iter().enumerate().flat_map(|(i, s)| {
        let (sx, sy) = svc_at(i);
        let sx = sx + SVC_W / 2;
        let skey = format!("{}/{}", s.namespace, s.name);
        let active = sel_svc.as_deref() == Some(skey.as_str());
        s.endpoints
            .iter()
            .filter_map(|e| {
                let (px, py) = *pod_pos.get(&e.pod)?;
                let mut class = if e.terminating {
                    "kp-link kp-link-terminating".to_string()
                } else if e.ready {
                    "kp-link kp-link-ready".to_string()
                } else {
                    "kp-link kp-link-notready".to_string()
                };
                // A new "send traffic" remounts the links that carried it, replaying the pulse.
                let mut key = format!("{skey}>{}", e.pod);
                if active {
                    class.push_str(" kp-link-active");
                    if props.hits.contains_key(&e.pod) {
                        class.push_str(" kp-link-pulse");
                        key.push_str(&format!("#{total_hits}"));
                    }
                }
                Some(html! {
                    <line {key} class={class}
                          x1={sx.to_string()} y1={sy.to_string()}
                          x2={(px + POD_W / 2).to_string()} y2={(py + POD_H).to_string()} />
                })
            })
            .collect::<Vec<_>>()
    });

    let nodes = snap.nodes.iter().enumerate().map(|(i, n)| {
        let nx = GAP + i as i32 * (NODE_W + GAP);
        let label = format!(
            "Node {}, {}, {}",
            n.name,
            if n.ready { "Ready" } else { "NotReady" },
            if n.ip.is_empty() {
                "no IP"
            } else {
                n.ip.as_str()
            }
        );
        let sel = Sel::Node {
            name: n.name.clone(),
        };
        let onclick = click_handler(&props.dispatch, sel.clone());
        let onkeydown = key_handler(&props.dispatch, sel, false);
        let badges = if n.name == UNSCHEDULED {
            Vec::new()
        } else {
            all_node_ports.iter().copied().collect::<Vec<_>>()
        };
        let by = GAP + node_h - NODE_FOOT + 4;
        html! {
            <g class="kp-node" role="button" tabindex="0" aria-label={label}
               key={n.name.clone()} {onclick} {onkeydown}>
                <rect x={nx.to_string()} y={GAP.to_string()} width={NODE_W.to_string()}
                      height={node_h.to_string()} rx="10" />
                { text_lines(nx + 10, [
                    ("kp-node-title", GAP + 19, short(&n.name, 24)),
                    ("kp-node-ip", GAP + 36, if n.ip.is_empty() { "no IP".to_string() } else { n.ip.clone() }),
                ]) }
                { for badges.iter().enumerate().map(|(k, np)| {
                    let bx = nx + 10 + k as i32 * 64;
                    html! {
                        <g class="kp-nodeport" key={np.to_string()}>
                            <rect x={bx.to_string()} y={by.to_string()} width="58" height="18" rx="9" />
                            <text x={(bx + 29).to_string()} y={(by + 13).to_string()} text-anchor="middle">
                                { format!(":{np}") }
                            </text>
                        </g>
                    }
                }) }
            </g>
        }
    });

    let pods = snap.nodes.iter().flat_map(|n| n.pods.iter()).map(|p| {
        let key = p.key();
        let (px, py) = pod_pos.get(&key).copied().unwrap_or((0, 0));
        let sel = Sel::Pod {
            namespace: p.namespace.clone(),
            name: p.name.clone(),
        };
        let onclick = click_handler(&props.dispatch, sel.clone());
        let onkeydown = key_handler(&props.dispatch, sel, true);
        let mut class = format!("kp-pod {} kp-tint-{}", pod_class(p), tint(&p.owner));
        if sel_pod.as_deref() == Some(key.as_str()) {
            class.push_str(" kp-selected");
        }
        if sel_svc.is_some() {
            if props.highlight.contains(&key) {
                class.push_str(" kp-highlight");
            } else {
                class.push_str(" kp-dim");
            }
        }
        let hits = props.hits.get(&key).copied();
        // Placed by the group's transform, so every attribute inside is one of a few
        // constant strings (interned: they cross to JS without being decoded again) and a
        // pod that moves changes one attribute. The inner group carries the appear
        // animation, whose CSS transform would otherwise replace the placement.
        html! {
            <g class={class} role="button" tabindex="0" aria-label={pod_label(p)}
               key={key.clone()} transform={format!("translate({px} {py})")} {onclick} {onkeydown}>
                <g class="kp-pod-in">
                    <rect class="kp-pod-box" width={POD_W.to_string()} height={POD_H.to_string()} rx="6" />
                    <rect class="kp-pod-tint" width="6" height={POD_H.to_string()} rx="3" />
                    { text_lines(POD_TEXT_X, [
                        ("kp-pod-name", POD_LINES_Y[0], short(&p.name, 23)),
                        ("kp-pod-info", POD_LINES_Y[1], format!(
                            "{} · {}{}",
                            p.ip.as_deref().unwrap_or("no IP"),
                            p.status,
                            if p.status == "Running" && !p.ready { " · not ready" } else { "" }
                        )),
                    ]) }
                    if let Some(h) = hits {
                        <g class="kp-hits" key={format!("hits{h}")} aria-label={format!("{h} hits")}>
                            <rect x={(POD_W - 40).to_string()} y={(POD_H - 21).to_string()}
                                  width="34" height="17" rx="8.5" />
                            <text x={(POD_W - 23).to_string()} y={(POD_H - 8).to_string()}
                                  text-anchor="middle">{ h.to_string() }</text>
                        </g>
                    }
                </g>
            </g>
        }
    });

    let services = snap.services.iter().enumerate().map(|(i, s)| {
        let (sx, svc_y) = svc_at(i);
        let key = format!("{}/{}", s.namespace, s.name);
        let sel = Sel::Service {
            namespace: s.namespace.clone(),
            name: s.name.clone(),
        };
        let onclick = click_handler(&props.dispatch, sel.clone());
        let onkeydown = key_handler(&props.dispatch, sel, false);
        let mut class = "kp-svc".to_string();
        if sel_svc.as_deref() == Some(key.as_str()) {
            class.push_str(" kp-selected");
        }
        let ip_line = if let Some(host) = &s.external_name {
            format!("ExternalName → {}", short(host, 22))
        } else if s.headless() {
            "None · headless, no virtual IP".to_string()
        } else {
            format!("{} {}", s.type_, s.cluster_ip)
        };
        let port_line = if s.port_map.is_empty() {
            "no ports".to_string()
        } else {
            short(&s.port_map, 34)
        };
        let client = if !s.node_ports.is_empty() || s.external.is_some() {
            let text = match &s.external {
                Some(ext) => format!("external {ext}"),
                None => format!(
                    "any node IP :{}",
                    s.node_ports
                        .iter()
                        .map(i32::to_string)
                        .collect::<Vec<_>>()
                        .join(", :")
                ),
            };
            Some(("outside the cluster", text))
        } else {
            s.external_name
                .as_ref()
                .map(|h| ("external host (DNS CNAME)", short(h, 30)))
        };
        // Placed by the group's transform, as pods are: constant attributes inside.
        let client_y = SVC_H + CLIENT_GAP;
        html! {
            <g class={class} role="button" tabindex="0" aria-label={service_label(s)}
               key={key.clone()} transform={format!("translate({sx} {svc_y})")} {onclick} {onkeydown}>
                <rect class="kp-svc-box" width={SVC_W.to_string()} height={SVC_H.to_string()} rx="8" />
                { text_lines(SVC_TEXT_X, [
                    ("kp-svc-name", SVC_LINES_Y[0], format!("svc/{}", short(&s.name, 24))),
                    ("kp-svc-info", SVC_LINES_Y[1], ip_line),
                    ("kp-svc-info", SVC_LINES_Y[2], port_line),
                    ("kp-svc-dns", SVC_LINES_Y[3], short(&s.dns(), 34)),
                ]) }
                if let Some((title, text)) = client {
                    <g class="kp-client">
                        <line class="kp-client-link" x1={(SVC_W / 2).to_string()} y1={client_y.to_string()}
                              x2={(SVC_W / 2).to_string()} y2={SVC_H.to_string()} />
                        <rect y={client_y.to_string()} width={SVC_W.to_string()}
                              height={CLIENT_H.to_string()} rx="8" />
                        { text_lines(SVC_TEXT_X, [
                            ("kp-client-title", client_y + CLIENT_LINES_DY[0], title.to_string()),
                            ("kp-client-info", client_y + CLIENT_LINES_DY[1], text),
                        ]) }
                    </g>
                }
            </g>
        }
    });

    let menu = match (&props.selected, props.menu) {
        (Some(Sel::Pod { namespace, name }), true) => {
            pod_pos
                .get(&format!("{namespace}/{name}"))
                .map(|&(px, py)| {
                    let act = |a: UiAction| {
                        let dispatch = props.dispatch.clone();
                        Callback::from(move |_: MouseEvent| dispatch.emit(Action::Ui(a.clone())))
                    };
                    let (ns, n) = (namespace.clone(), name.clone());
                    let left = f64::from(px + POD_W - 24) * 100.0 / f64::from(width.max(1));
                    let top = f64::from(py + POD_H - 6) * 100.0 / f64::from(height.max(1));
                    let style = format!("left: {left:.2}%; top: {top:.2}%;");
                    let onkeydown = {
                        let dispatch = props.dispatch.clone();
                        Callback::from(move |e: KeyboardEvent| {
                            if e.key() == "Escape" {
                                dispatch.emit(Action::Ui(UiAction::CloseMenu));
                            }
                        })
                    };
                    html! {
                        <div key="menu" class="kp-pod-menu" role="group" aria-label={format!("Actions for pod {name}")} {style} {onkeydown}>
                            <button type="button" onclick={act(UiAction::Kill { namespace: ns.clone(), name: n.clone() })}>{ "Kill" }</button>
                            <button type="button" onclick={act(UiAction::PodView { namespace: ns.clone(), name: n.clone(), tab: super::view::Tab::Yaml })}>{ "View YAML" }</button>
                            <button type="button" onclick={act(UiAction::PodView { namespace: ns.clone(), name: n.clone(), tab: super::view::Tab::Logs })}>{ "Logs" }</button>
                            <button type="button" onclick={act(UiAction::Shell { namespace: ns.clone(), name: n.clone() })}>{ "Shell" }</button>
                            <button type="button" onclick={act(UiAction::CloseMenu)}>{ "Close" }</button>
                        </div>
                    }
                })
        }
        _ => None,
    };

    let workloads = snap.deployments.iter().map(|d| {
        let scale = |replicas: i32| {
            let dispatch = props.dispatch.clone();
            let (ns, n) = (d.namespace.clone(), d.name.clone());
            Callback::from(move |_: MouseEvent| {
                dispatch.emit(Action::Ui(UiAction::Scale {
                    namespace: ns.clone(),
                    name: n.clone(),
                    replicas,
                }))
            })
        };
        let select = {
            let dispatch = props.dispatch.clone();
            let sel = Sel::Deployment {
                namespace: d.namespace.clone(),
                name: d.name.clone(),
            };
            Callback::from(move |_: MouseEvent| dispatch.emit(Action::Ui(UiAction::Select(Some(sel.clone())))))
        };
        let selected = matches!(&props.selected,
            Some(Sel::Deployment { namespace, name }) if *namespace == d.namespace && *name == d.name);
        html! {
            <li class={classes!("kp-deploy", selected.then_some("kp-selected"), format!("kp-tint-{}", tint(&d.name)))}
                key={format!("{}/{}", d.namespace, d.name)}>
                <button type="button" class="kp-deploy-name" onclick={select}
                        aria-label={format!("Deployment {}, {}/{} ready", d.name, d.ready, d.replicas)}>
                    <span class="kp-swatch" aria-hidden="true" />
                    { format!("deploy/{} ", d.name) }<span class="kp-muted">{ format!("{}/{}", d.ready, d.replicas) }</span>
                </button>
                <button type="button" class="kp-btn-small" aria-label="Scale down"
                        title={format!("kubectl scale deployment {} --replicas={}", d.name, (d.replicas - 1).max(0))}
                        disabled={d.replicas <= 0} onclick={scale((d.replicas - 1).max(0))}>{ "−" }</button>
                <button type="button" class="kp-btn-small" aria-label="Scale up"
                        title={format!("kubectl scale deployment {} --replicas={}", d.name, d.replicas + 1)}
                        onclick={scale(d.replicas + 1)}>{ "+" }</button>
            </li>
        }
    });
    let empty = snap
        .services
        .iter()
        .all(|s| s.namespace != "default" || s.name == "kubernetes")
        && snap.nodes.iter().all(|n| n.pods.is_empty());

    html! {
        <section class="kp-diagram" aria-label="Cluster diagram">
            if !snap.deployments.is_empty() {
                <ul class="kp-workloads" aria-label="Deployments">{ for workloads }</ul>
            }
            <div class="kp-canvas" style={format!("max-width: {}px;", width * 3 / 2)}>
                // Keyed: yew reconciles unkeyed siblings from the end, so the menu
                // appearing after the drawing would otherwise re-create the whole SVG.
                <svg key="drawing" role="group" aria-label="Cluster" preserveAspectRatio="xMinYMin meet"
                     viewBox={format!("0 0 {width} {height}")}
                     style={format!("aspect-ratio: {width} / {height};")}>
                    { for links }
                    { for nodes }
                    { for pods }
                    { for services }
                    { for dns_box }
                    { packet_layer }
                </svg>
                { for menu }
            </div>
            if empty {
                <p class="kp-empty">{ "No pods yet: press Apply to create the manifest's objects." }</p>
            }
        </section>
    }
}
