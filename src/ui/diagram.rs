//! The diagram: each Node as a region with its pods inside, each Service of the
//! default namespace as a box with a line to every endpoint pod.

use std::collections::BTreeMap;

use web_sys::KeyboardEvent;
use yew::prelude::*;

use crate::api::Object;
use crate::cluster::controllers::is_pod_ready;
use crate::scenario::World;
use crate::term::kubectl::printers::pod_row;

const NS: &str = "default";
const GAP: i32 = 16;
const NODE_W: i32 = 220;
const NODE_HEAD: i32 = 34;
const POD_W: i32 = 196;
const POD_H: i32 = 44;
const POD_GAP: i32 = 8;
const SVC_W: i32 = 260;
const SVC_H: i32 = 64;
const LINK_GAP: i32 = 70;
const UNSCHEDULED: &str = "(unscheduled)";

/// One pod as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct PodView {
    pub name: String,
    pub status: String,
    pub ready: bool,
    pub ip: Option<String>,
    pub node: String,
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
}

/// One Service box as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceView {
    pub name: String,
    pub type_: String,
    pub cluster_ip: String,
    pub ports: String,
    pub endpoints: Vec<EndpointView>,
}

impl ServiceView {
    fn ready_count(&self) -> usize {
        let mut names: Vec<&str> = self
            .endpoints
            .iter()
            .filter(|e| e.ready)
            .map(|e| e.pod.as_str())
            .collect();
        names.sort_unstable();
        names.dedup();
        names.len()
    }
}

/// What the diagram draws, read from the world.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Snapshot {
    pub nodes: Vec<NodeView>,
    pub services: Vec<ServiceView>,
}

/// Reads the nodes, the default namespace's pods and Services out of `world`.
pub fn snapshot(world: &World) -> Snapshot {
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
    for obj in store.list_ns("Pod", NS) {
        if let Object::Pod(p) = obj {
            let row = pod_row(p, now, false);
            let status = row.get(2).cloned().unwrap_or_default();
            let node = p
                .spec
                .as_ref()
                .and_then(|s| s.node_name.clone())
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| UNSCHEDULED.to_string());
            let view = PodView {
                name: p.metadata.name.clone().unwrap_or_default(),
                status,
                ready: is_pod_ready(p),
                ip: p
                    .status
                    .as_ref()
                    .and_then(|s| s.pod_ip.clone())
                    .filter(|ip| !ip.is_empty()),
                node: node.clone(),
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
    }
    let mut nodes: Vec<NodeView> = nodes.into_values().collect();
    for n in &mut nodes {
        n.pods.sort_by(|a, b| a.name.cmp(&b.name));
    }

    let mut endpoints: BTreeMap<String, Vec<EndpointView>> = BTreeMap::new();
    for obj in store.list_ns("EndpointSlice", NS) {
        if let Object::EndpointSlice(es) = obj {
            let Some(svc) = es
                .metadata
                .labels
                .as_ref()
                .and_then(|l| l.get("kubernetes.io/service-name"))
            else {
                continue;
            };
            let list = endpoints.entry(svc.clone()).or_default();
            for ep in &es.endpoints {
                let Some(pod) = ep
                    .target_ref
                    .as_ref()
                    .filter(|r| r.kind.as_deref().is_none_or(|k| k == "Pod"))
                    .and_then(|r| r.name.clone())
                else {
                    continue;
                };
                let ready = ep.conditions.as_ref().and_then(|c| c.ready).unwrap_or(true);
                list.push(EndpointView { pod, ready });
            }
        }
    }
    let mut services = Vec::new();
    for obj in store.list_ns("Service", NS) {
        if let Object::Service(s) = obj {
            let name = s.metadata.name.clone().unwrap_or_default();
            let spec = s.spec.as_ref();
            let ports = spec
                .and_then(|sp| sp.ports.as_ref())
                .map(|ps| {
                    ps.iter()
                        .map(|p| {
                            let proto = p.protocol.as_deref().unwrap_or("TCP");
                            match p.node_port {
                                Some(np) => format!("{}:{np}/{proto}", p.port),
                                None => format!("{}/{proto}", p.port),
                            }
                        })
                        .collect::<Vec<_>>()
                        .join(",")
                })
                .filter(|p| !p.is_empty())
                .unwrap_or_else(|| "<none>".to_string());
            services.push(ServiceView {
                endpoints: endpoints.remove(&name).unwrap_or_default(),
                name,
                type_: spec
                    .and_then(|sp| sp.type_.clone())
                    .unwrap_or_else(|| "ClusterIP".into()),
                cluster_ip: spec
                    .and_then(|sp| sp.cluster_ip.clone())
                    .filter(|ip| !ip.is_empty())
                    .unwrap_or_else(|| "None".into()),
                ports,
            });
        }
    }
    services.sort_by(|a, b| a.name.cmp(&b.name));
    Snapshot { nodes, services }
}

#[derive(Properties, PartialEq)]
pub struct DiagramProps {
    pub snapshot: Snapshot,
    pub selected: Option<String>,
    pub on_kill: Callback<String>,
    pub on_select: Callback<Option<String>>,
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

fn pod_label(p: &PodView) -> String {
    format!(
        "Pod {}, {}, {}, {}, node {}",
        p.name,
        p.status,
        if p.ready { "Ready" } else { "Not ready" },
        p.ip.as_deref().unwrap_or("no IP"),
        p.node
    )
}

fn service_label(s: &ServiceView) -> String {
    let n = s.ready_count();
    format!(
        "Service {}, {} {}, {}, {n} ready endpoint{}",
        s.name,
        s.type_,
        s.cluster_ip,
        s.ports,
        if n == 1 { "" } else { "s" }
    )
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

#[function_component(Diagram)]
pub fn diagram(props: &DiagramProps) -> Html {
    let snap = &props.snapshot;
    let max_pods = snap.nodes.iter().map(|n| n.pods.len()).max().unwrap_or(0) as i32;
    let node_h = NODE_HEAD + max_pods * (POD_H + POD_GAP) + POD_GAP;
    let n_nodes = snap.nodes.len().max(1) as i32;
    let n_svcs = snap.services.len() as i32;
    let width = (GAP + n_nodes * (NODE_W + GAP)).max(GAP + n_svcs * (SVC_W + GAP));
    let svc_y = GAP + node_h + LINK_GAP;
    let height = if n_svcs > 0 {
        svc_y + SVC_H + GAP
    } else {
        GAP + node_h + GAP
    };

    // Where each pod is drawn (its top-left corner).
    let mut pod_pos: BTreeMap<&str, (i32, i32)> = BTreeMap::new();
    for (i, n) in snap.nodes.iter().enumerate() {
        let nx = GAP + i as i32 * (NODE_W + GAP);
        for (j, p) in n.pods.iter().enumerate() {
            let px = nx + (NODE_W - POD_W) / 2;
            let py = GAP + NODE_HEAD + j as i32 * (POD_H + POD_GAP);
            pod_pos.insert(p.name.as_str(), (px, py));
        }
    }

    let links = snap.services.iter().enumerate().flat_map(|(i, s)| {
        let sx = GAP + i as i32 * (SVC_W + GAP) + SVC_W / 2;
        s.endpoints
            .iter()
            .filter_map(|e| {
                let (px, py) = *pod_pos.get(e.pod.as_str())?;
                let class = if e.ready {
                    "kp-link kp-link-ready"
                } else {
                    "kp-link kp-link-notready"
                };
                Some(html! {
                    <line class={class} x1={sx.to_string()} y1={svc_y.to_string()}
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
        html! {
            <g class="kp-node" role="button" tabindex="0" aria-label={label}>
                <rect x={nx.to_string()} y={GAP.to_string()} width={NODE_W.to_string()}
                      height={node_h.to_string()} rx="10" />
                <text class="kp-node-title" x={(nx + 10).to_string()} y={(GAP + 22).to_string()}>
                    { format!("{} {}", short(&n.name, 16), n.ip) }
                </text>
            </g>
        }
    });

    let pods = snap.nodes.iter().flat_map(|n| n.pods.iter()).map(|p| {
        let (px, py) = pod_pos.get(p.name.as_str()).copied().unwrap_or((0, 0));
        let name = p.name.clone();
        let onclick = {
            let on_select = props.on_select.clone();
            let name = name.clone();
            Callback::from(move |_: MouseEvent| on_select.emit(Some(name.clone())))
        };
        let onkeydown = {
            let on_select = props.on_select.clone();
            let on_kill = props.on_kill.clone();
            let name = name.clone();
            Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
                "Delete" => {
                    e.prevent_default();
                    on_kill.emit(name.clone());
                }
                "Enter" | " " => {
                    e.prevent_default();
                    on_select.emit(Some(name.clone()));
                }
                "Escape" => on_select.emit(None),
                _ => {}
            })
        };
        let class = format!("kp-pod {}", pod_class(p));
        html! {
            <g class={class} role="button" tabindex="0" aria-label={pod_label(p)}
               key={p.name.clone()} {onclick} {onkeydown}>
                <rect x={px.to_string()} y={py.to_string()} width={POD_W.to_string()}
                      height={POD_H.to_string()} rx="6" />
                <text class="kp-pod-name" x={(px + 8).to_string()} y={(py + 18).to_string()}>
                    { short(&p.name, 26) }
                </text>
                <text class="kp-pod-info" x={(px + 8).to_string()} y={(py + 36).to_string()}>
                    { format!("{} · {}", p.ip.as_deref().unwrap_or("no IP"), p.status) }
                </text>
            </g>
        }
    });

    let services = snap.services.iter().enumerate().map(|(i, s)| {
        let sx = GAP + i as i32 * (SVC_W + GAP);
        html! {
            <g class="kp-svc" role="button" tabindex="0" aria-label={service_label(s)}>
                <rect x={sx.to_string()} y={svc_y.to_string()} width={SVC_W.to_string()}
                      height={SVC_H.to_string()} rx="8" />
                <text class="kp-svc-name" x={(sx + 10).to_string()} y={(svc_y + 22).to_string()}>
                    { format!("svc/{}", short(&s.name, 22)) }
                </text>
                <text class="kp-svc-info" x={(sx + 10).to_string()} y={(svc_y + 40).to_string()}>
                    { format!("{} {}", s.type_, s.cluster_ip) }
                </text>
                <text class="kp-svc-info" x={(sx + 10).to_string()} y={(svc_y + 56).to_string()}>
                    { s.ports.clone() }
                </text>
            </g>
        }
    });

    let menu = props.selected.as_ref().and_then(|sel| {
        let (px, py) = *pod_pos.get(sel.as_str())?;
        let kill = {
            let on_kill = props.on_kill.clone();
            let name = sel.clone();
            Callback::from(move |_: MouseEvent| on_kill.emit(name.clone()))
        };
        let close = {
            let on_select = props.on_select.clone();
            Callback::from(move |_: MouseEvent| on_select.emit(None))
        };
        let style = format!("left: {}px; top: {}px;", px + POD_W - 20, py + POD_H - 8);
        Some(html! {
            <div class="kp-pod-menu" role="group" aria-label={format!("Actions for pod {sel}")} {style}>
                <button type="button" onclick={kill}>{ "Kill" }</button>
                <button type="button" onclick={close}>{ "Close" }</button>
            </div>
        })
    });

    html! {
        <section class="kp-diagram">
            <div class="kp-canvas">
                <svg role="group" aria-label="Cluster"
                     viewBox={format!("0 0 {width} {height}")}
                     width={width.to_string()} height={height.to_string()}>
                    { for links }
                    { for nodes }
                    { for pods }
                    { for services }
                </svg>
                { for menu }
            </div>
            if snap.services.is_empty() && snap.nodes.iter().all(|n| n.pods.is_empty()) {
                <p class="kp-empty">{ "No pods yet: press Apply to create the manifest's objects." }</p>
            }
        </section>
    }
}
