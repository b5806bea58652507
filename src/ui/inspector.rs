//! The inspector: what the selected object is. `kubectl describe` / `get -o yaml` /
//! `logs` output comes from running the command on a CLONE of the world (read-only:
//! the real world changes only through steps). A selected Service also explains,
//! pod by pod, why each pod of its namespace is or is not one of its endpoints, and
//! offers "Send traffic"; a Deployment offers "Scale down" / "Scale up".

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use yew::prelude::*;

use super::app::Action;
use super::view::{Sel, Tab, UiAction};
use crate::api::Object;
use crate::cluster::controllers::is_pod_ready;
use crate::cluster::Key;
use crate::scenario::{TrafficSource, World};

/// Why one pod is, or is not, an endpoint of a Service.
#[derive(Debug, Clone, PartialEq)]
pub struct PodVerdict {
    pub pod: String,
    /// The selector matches the pod's labels.
    pub selected: bool,
    /// Selected and ready: it receives traffic.
    pub serving: bool,
    pub reasons: Vec<String>,
}

/// The Service's selector as `k=v` strings (empty: no selector).
pub fn selector(world: &World, ns: &str, name: &str) -> Vec<(String, String)> {
    match world.cluster.store.get(&Key::new("Service", ns, name)) {
        Some(Object::Service(s)) => s
            .spec
            .as_ref()
            .and_then(|sp| sp.selector.clone())
            .map(|m| m.into_iter().collect())
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// For every pod in the Service's namespace: selected or not, label by label, and
/// ready or not (readiness probe, start-up, termination, named target port).
pub fn explain(world: &World, ns: &str, name: &str) -> Vec<PodVerdict> {
    let store = &world.cluster.store;
    let Some(Object::Service(svc)) = store.get(&Key::new("Service", ns, name)) else {
        return Vec::new();
    };
    let spec = svc.spec.clone().unwrap_or_default();
    let sel: Vec<(String, String)> = spec
        .selector
        .clone()
        .map(|m| m.into_iter().collect())
        .unwrap_or_default();
    let named_ports: Vec<(i32, String)> = spec
        .ports
        .iter()
        .flatten()
        .filter_map(|p| match &p.target_port {
            Some(IntOrString::String(s)) => Some((p.port, s.clone())),
            _ => None,
        })
        .collect();
    let now = world.cluster.now;
    let mut out = Vec::new();
    for obj in store.list_ns("Pod", ns) {
        let Object::Pod(p) = obj else { continue };
        let pod = p.metadata.name.clone().unwrap_or_default();
        let labels = p.metadata.labels.clone().unwrap_or_default();
        let mut reasons = Vec::new();
        if sel.is_empty() {
            reasons.push("the Service has no selector: its endpoints are managed by hand".into());
        }
        for (k, v) in &sel {
            match labels.get(k) {
                None => reasons.push(format!("no label `{k}` (the selector needs `{k}={v}`)")),
                Some(pv) if pv != v => reasons.push(format!("`{k}={pv}` is not `{k}={v}`")),
                Some(_) => {}
            }
        }
        let selected = reasons.is_empty();
        let mut serving = selected;
        if selected {
            let status = crate::term::kubectl::printers::pod_row(p, now, false)
                .get(2)
                .cloned()
                .unwrap_or_default();
            if p.metadata.deletion_timestamp.is_some() {
                serving = false;
                reasons.push("terminating: removed from the ready endpoints".into());
            } else if !is_pod_ready(p) {
                serving = false;
                let probe = p
                    .spec
                    .as_ref()
                    .is_some_and(|s| s.containers.iter().any(|c| c.readiness_probe.is_some()));
                if status == "Running" && probe {
                    reasons.push("not ready: readiness probe failing".into());
                } else {
                    reasons.push(format!("not ready: {status}"));
                }
            }
            for (port, pname) in &named_ports {
                let has = p.spec.as_ref().is_some_and(|s| {
                    s.containers.iter().any(|c| {
                        c.ports
                            .iter()
                            .flatten()
                            .any(|cp| cp.name.as_deref() == Some(pname.as_str()))
                    })
                });
                if !has {
                    serving = false;
                    reasons.push(format!(
                        "no container port named `{pname}` (targetPort of port {port})"
                    ));
                }
            }
        }
        out.push(PodVerdict {
            pod,
            selected,
            serving,
            reasons,
        });
    }
    out
}

/// The pods (namespace/name) a Service selects.
pub fn selected_pods(world: &World, ns: &str, name: &str) -> BTreeSet<String> {
    crate::sort::collect_set(
        explain(world, ns, name)
            .into_iter()
            .filter(|v| v.selected)
            .map(|v| format!("{ns}/{}", v.pod)),
    )
}

/// The kubectl command the inspector shows for a selection and tab.
pub fn command_for(sel: &Sel, tab: Tab) -> String {
    let (kind, ns, name) = match sel {
        Sel::Pod { namespace, name } => ("pod", Some(namespace), name),
        Sel::Service { namespace, name } => ("service", Some(namespace), name),
        Sel::Deployment { namespace, name } => ("deployment", Some(namespace), name),
        Sel::Node { name } => ("node", None, name),
    };
    let ns = ns.map(|n| format!(" -n {n}")).unwrap_or_default();
    match tab {
        Tab::Describe => format!("kubectl describe {kind} {name}{ns}"),
        Tab::Yaml => format!("kubectl get {kind} {name}{ns} -o yaml"),
        Tab::Logs => format!("kubectl logs {name}{ns}"),
    }
}

/// Runs a read-only command on a clone of the world, at the learner's own prompt even
/// while the terminal is attached to a shell in a pod.
fn read_only(world: &Rc<RefCell<World>>, cmd: &str) -> String {
    let mut clone = world.borrow().clone();
    clone.terminal.attached = None;
    clone.command(cmd).output.combined()
}

#[derive(Properties)]
pub struct InspectorProps {
    pub world: Rc<RefCell<World>>,
    /// The store's revision and the number of steps other than clock advances: the
    /// output is recomputed when an object changed or a step ran (traffic adds log lines) ...
    pub rev: (u64, usize),
    /// ... or when the simulated clock passed into a new refresh period.
    pub clock: i64,
    pub sel: Option<Sel>,
    pub tab: Tab,
    /// The last "send traffic" summary.
    pub traffic: Vec<String>,
    /// Pods that can send traffic (namespace, name).
    pub pods: Vec<(String, String)>,
    /// Deployment replicas (spec) when a Deployment is selected.
    pub replicas: Option<i32>,
    pub dispatch: Callback<Action>,
}

impl PartialEq for InspectorProps {
    fn eq(&self, o: &Self) -> bool {
        Rc::ptr_eq(&self.world, &o.world)
            && self.rev == o.rev
            && self.clock == o.clock
            && self.sel == o.sel
            && self.tab == o.tab
            && self.traffic == o.traffic
            && self.pods == o.pods
            && self.replicas == o.replicas
            && self.dispatch == o.dispatch
    }
}

#[function_component(Inspector)]
pub fn inspector(props: &InspectorProps) -> Html {
    let source = use_state(|| "outside".to_string());
    let text = {
        let world = props.world.clone();
        let world_id = Rc::as_ptr(&props.world) as usize;
        use_memo(
            (
                world_id,
                props.rev,
                props.clock,
                props.sel.clone(),
                props.tab,
            ),
            move |(_, _, _, sel, tab)| {
                sel.as_ref().map(|s| {
                    let cmd = command_for(s, *tab);
                    let out = read_only(&world, &cmd);
                    (cmd, out)
                })
            },
        )
    };
    let Some(sel) = props.sel.clone() else {
        return html! {
            <section class="kp-inspector" aria-label="Inspector">
                <h2>{ "Inspector" }</h2>
                <p class="kp-muted">{ "Select a pod, Service, Deployment or node in the diagram to see its details here. Click a pod for its menu (Kill, View YAML, Logs, Shell)." }</p>
            </section>
        };
    };
    let dispatch = props.dispatch.clone();
    let tab_button = |tab: Tab, label: &'static str| {
        let dispatch = dispatch.clone();
        let onclick =
            Callback::from(move |_: MouseEvent| dispatch.emit(Action::Ui(UiAction::Tab(tab))));
        html! {
            <button type="button" role="tab" aria-selected={(props.tab == tab).to_string()}
                    class={classes!("kp-tab", (props.tab == tab).then_some("kp-tab-on"))} {onclick}>
                { label }
            </button>
        }
    };
    let (title, is_pod) = match &sel {
        Sel::Pod { name, .. } => (format!("Pod {name}"), true),
        Sel::Service { name, .. } => (format!("Service {name}"), false),
        Sel::Deployment { name, .. } => (format!("Deployment {name}"), false),
        Sel::Node { name } => (format!("Node {name}"), false),
    };
    let close = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.emit(Action::Ui(UiAction::Select(None))))
    };

    let extra = match &sel {
        Sel::Service { namespace, name } => {
            let world = props.world.borrow();
            let sel_labels = selector(&world, namespace, name);
            let verdicts = explain(&world, namespace, name);
            drop(world);
            let onchange = {
                let source = source.clone();
                Callback::from(move |e: Event| {
                    let value = super::controls::select_value(&e);
                    if let Some(v) = value {
                        source.set(v);
                    }
                })
            };
            let send = {
                let dispatch = dispatch.clone();
                let source = source.clone();
                let (ns, svc) = (namespace.clone(), name.clone());
                Callback::from(move |_: MouseEvent| {
                    let from = match source.split_once('/') {
                        Some((pns, pod)) if *source != "outside" => TrafficSource::Pod {
                            namespace: pns.to_string(),
                            name: pod.to_string(),
                        },
                        _ => TrafficSource::Outside,
                    };
                    dispatch.emit(Action::Ui(UiAction::SendTraffic {
                        from,
                        namespace: ns.clone(),
                        service: svc.clone(),
                        count: 10,
                    }))
                })
            };
            html! {
                <>
                <div class="kp-selector">
                    <span class="kp-muted">{ "Selector: " }</span>
                    if sel_labels.is_empty() {
                        <span>{ "none" }</span>
                    }
                    { for sel_labels.iter().map(|(k, v)| html! { <code class="kp-chip">{ format!("{k}={v}") }</code> }) }
                </div>
                <ul class="kp-verdicts" aria-label="Pods and this Service">
                    { for verdicts.iter().map(|v| {
                        let (class, head) = if v.serving {
                            ("kp-verdict-ok", "endpoint, ready")
                        } else if v.selected {
                            ("kp-verdict-warn", "selected, not serving")
                        } else {
                            ("kp-verdict-no", "not selected")
                        };
                        html! {
                            <li class={class}>
                                <strong>{ v.pod.clone() }</strong>{ format!(": {head}") }
                                if !v.reasons.is_empty() {
                                    { format!(" - {}", v.reasons.join("; ")) }
                                }
                            </li>
                        }
                    }) }
                    if verdicts.is_empty() {
                        <li class="kp-muted">{ format!("no pods in namespace {namespace}") }</li>
                    }
                </ul>
                <div class="kp-traffic">
                    <label>{ "From " }
                        <select aria-label="Traffic source" {onchange}>
                            <option value="outside" selected={*source == "outside"}>{ "outside the cluster" }</option>
                            { for props.pods.iter().map(|(ns, p)| {
                                let v = format!("{ns}/{p}");
                                html! { <option value={v.clone()} selected={*source == v}>{ format!("pod {p}") }</option> }
                            }) }
                        </select>
                    </label>
                    <button type="button" class="kp-btn" onclick={send}>{ "Send traffic" }</button>
                    if !props.traffic.is_empty() {
                        <p class="kp-traffic-result" role="status">{ format!("10 requests: {}", props.traffic.join(", ")) }</p>
                    }
                </div>
                </>
            }
        }
        Sel::Pod { namespace, name } => {
            let world = props.world.borrow();
            let services: Vec<(String, PodVerdict)> = world
                .cluster
                .store
                .list_ns("Service", namespace)
                .filter_map(|o| {
                    let svc = o.name().to_string();
                    let v = explain(&world, namespace, &svc)
                        .into_iter()
                        .find(|v| v.pod == *name && v.selected)?;
                    Some((svc, v))
                })
                .collect();
            drop(world);
            html! {
                <p class="kp-selected-by">
                    <span class="kp-muted">{ "Selected by: " }</span>
                    if services.is_empty() {
                        { "no Service" }
                    }
                    { for services.iter().map(|(svc, v)| html! {
                        <code class="kp-chip">
                            { format!("svc/{svc} ({})", if v.serving { "ready endpoint".to_string() } else { v.reasons.join("; ") }) }
                        </code>
                    }) }
                </p>
            }
        }
        Sel::Deployment { .. } => html! {
            <p class="kp-muted">{ format!("replicas: {} (use Scale down / Scale up beside the Deployment above the diagram)", props.replicas.unwrap_or(1)) }</p>
        },
        _ => html! {},
    };

    html! {
        <section class="kp-inspector" aria-label="Inspector">
            <div class="kp-inspector-head">
                <h2>{ title }</h2>
                <button type="button" class="kp-btn-quiet" aria-label="Close inspector" onclick={close}>{ "×" }</button>
            </div>
            { extra }
            <div class="kp-tabs" role="tablist" aria-label="Views">
                { tab_button(Tab::Describe, "Describe") }
                { tab_button(Tab::Yaml, "YAML") }
                if is_pod {
                    { tab_button(Tab::Logs, "Logs") }
                }
            </div>
            if let Some((cmd, out)) = (*text).clone() {
                <div class="kp-inspector-out" role="region" aria-label="Inspector output" tabindex="0">
                    <div class="kp-term-cmd">{ format!("$ {cmd}") }</div>
                    <pre>{ if out.is_empty() { "(no output)".to_string() } else { out } }</pre>
                </div>
            }
        </section>
    }
}
