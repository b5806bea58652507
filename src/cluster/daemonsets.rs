//! The DaemonSet controller (k/k `pkg/controller/daemon`): one pod on every node the
//! pod template may run on - its nodeSelector matches the node's labels and every
//! NoSchedule/NoExecute taint is tolerated, counting the tolerations the controller
//! adds to every daemon pod (`util.AddOrUpdateDaemonPodTolerations`: not-ready and
//! unreachable NoExecute; disk-, memory-, pid-pressure and unschedulable NoSchedule;
//! network-unavailable for hostNetwork pods), so a cordoned node keeps its daemon pod
//! and kind's control-plane node, tainted NoSchedule, gets one only if the template
//! tolerates that taint. A daemon pod is pinned to its node by a required node affinity
//! on `metadata.name` (`ReplaceDaemonSetPodNodeNameNodeAffinity`), which the scheduler
//! honours. Pods on nodes that should not run one, failed pods and extra pods are
//! deleted. RollingUpdate (the default) replaces the pods of an older template at most
//! maxUnavailable at a time (unavailable old pods first); OnDelete waits for the pods
//! to be deleted.
//!
//! DaemonSets are stored as [`GenericObject`]s: the controller reads the fields it
//! needs from the JSON body and writes `status` back into it.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    Affinity, Node, NodeAffinity, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, Pod,
    PodTemplateSpec, Toleration,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde_json::{json, Map, Value};

use super::api_ops::DS_TEMPLATE_GENERATION;
use super::controllers::{
    controlled_pods, is_pod_ready, is_terminating, new_controlled_pod, owner_ref, template_hash,
    tolerates,
};
use super::{Cluster, Key};
use crate::api::Object;

const COMPONENT: &str = "daemonset-controller";
/// The labels a daemon pod carries besides the template's.
const REVISION_LABEL: &str = "controller-revision-hash";
const GENERATION_LABEL: &str = "pod-template-generation";

/// What one sync knows of one of the DaemonSet's pods.
struct DaemonPod {
    key: Key,
    name: String,
    node: Option<String>,
    terminating: bool,
    failed: bool,
    ready: bool,
    updated: bool,
    created: String,
}

/// The tolerations every daemon pod gets (daemon/util AddOrUpdateDaemonPodTolerations),
/// in that order.
fn daemon_tolerations(host_network: bool) -> Vec<Toleration> {
    let t = |key: &str, effect: &str| Toleration {
        key: Some(key.into()),
        operator: Some("Exists".into()),
        effect: Some(effect.into()),
        ..Default::default()
    };
    let mut v = vec![
        t("node.kubernetes.io/not-ready", "NoExecute"),
        t("node.kubernetes.io/unreachable", "NoExecute"),
        t("node.kubernetes.io/disk-pressure", "NoSchedule"),
        t("node.kubernetes.io/memory-pressure", "NoSchedule"),
        t("node.kubernetes.io/pid-pressure", "NoSchedule"),
        t("node.kubernetes.io/unschedulable", "NoSchedule"),
    ];
    if host_network {
        v.push(t("node.kubernetes.io/network-unavailable", "NoSchedule"));
    }
    v
}

/// The pod spec the controller makes for `node` from the template: the template's
/// tolerations plus the daemon ones (each added unless one with the same key and
/// effect is there), and the node affinity on the node's name.
fn daemon_pod_spec(template: &PodTemplateSpec, node: &str) -> k8s_openapi::api::core::v1::PodSpec {
    let mut spec = template.spec.clone().unwrap_or_default();
    let mut tolerations = spec.tolerations.take().unwrap_or_default();
    for t in daemon_tolerations(spec.host_network == Some(true)) {
        let same = |o: &Toleration| o.key == t.key && o.effect == t.effect;
        match tolerations.iter_mut().find(|o| same(o)) {
            Some(o) => *o = t,
            None => tolerations.push(t),
        }
    }
    spec.tolerations = Some(tolerations);
    let term = NodeSelectorTerm {
        match_fields: Some(vec![NodeSelectorRequirement {
            key: "metadata.name".into(),
            operator: "In".into(),
            values: Some(vec![node.to_string()]),
        }]),
        ..Default::default()
    };
    let affinity = spec.affinity.get_or_insert_with(Affinity::default);
    let node_affinity = affinity
        .node_affinity
        .get_or_insert_with(NodeAffinity::default);
    node_affinity.required_during_scheduling_ignored_during_execution = Some(NodeSelector {
        node_selector_terms: vec![term],
    });
    spec
}

/// NodeShouldRunDaemonPod: the template's nodeSelector and required node affinity
/// match, and every NoSchedule/NoExecute taint is tolerated.
fn should_run(node: &Node, probe: &Pod) -> bool {
    let no_labels = BTreeMap::new();
    let labels = node.metadata.labels.as_ref().unwrap_or(&no_labels);
    let spec = probe.spec.as_ref();
    let selector_ok = spec
        .and_then(|s| s.node_selector.as_ref())
        .into_iter()
        .flatten()
        .all(|(k, v)| labels.get(k) == Some(v));
    let node_name = node.metadata.name.as_deref().unwrap_or("");
    selector_ok
        && super::controllers::node_affinity_matches(probe, node_name, labels)
        && node
            .spec
            .as_ref()
            .and_then(|s| s.taints.as_ref())
            .into_iter()
            .flatten()
            .filter(|t| matches!(t.effect.as_str(), "NoSchedule" | "NoExecute"))
            .all(|t| tolerates(probe, t))
}

/// The node a daemon pod is for: where it is bound, else the node its affinity names.
fn pod_node(p: &Pod) -> Option<String> {
    let spec = p.spec.as_ref()?;
    if let Some(n) = &spec.node_name {
        return Some(n.clone());
    }
    spec.affinity
        .as_ref()?
        .node_affinity
        .as_ref()?
        .required_during_scheduling_ignored_during_execution
        .as_ref()?
        .node_selector_terms
        .iter()
        .flat_map(|t| t.match_fields.iter().flatten())
        .find(|r| r.key == "metadata.name" && r.operator == "In")
        .and_then(|r| r.values.as_ref()?.first().cloned())
}

/// An int or a percentage of `total` (intstr.GetScaledValueFromIntOrPercent, rounding
/// up as the DaemonSet controller does).
fn scaled(v: Option<&Value>, total: i64) -> i64 {
    match v {
        Some(Value::Number(n)) => n.as_i64().unwrap_or(1),
        Some(Value::String(s)) => {
            let pct: i64 = s.trim_end_matches('%').parse().unwrap_or(0);
            (pct.saturating_mul(total) + 99) / 100
        }
        _ => 1,
    }
}

/// One pass of the controller over the DaemonSet at `key` (syncDaemonSet /
/// manage / rollingUpdate / updateDaemonSetStatus).
pub(crate) fn sync_daemonset(c: &mut Cluster, key: &Key) {
    let Some(ds) = super::controllers::live_generic(c, key) else {
        return;
    };
    let uid = ds.metadata.uid.clone().unwrap_or_default();
    let spec = ds.body.get("spec").cloned().unwrap_or(Value::Null);
    let template_json = spec.get("template").cloned().unwrap_or(Value::Null);
    let Ok(template) = crate::api::object::decode::<PodTemplateSpec>(template_json.clone()) else {
        return;
    };
    let hash = template_hash(&template_json);
    let generation = ds
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(DS_TEMPLATE_GENERATION))
        .cloned()
        .unwrap_or_else(|| "1".into());
    let ds_obj = Object::Generic(ds.clone());
    // A pod as the template makes it, for the node checks (its tolerations include the
    // daemon ones).
    let mut probe_spec = daemon_pod_spec(&template, "");
    probe_spec.affinity = template.spec.as_ref().and_then(|s| s.affinity.clone());
    let probe = Pod {
        spec: Some(probe_spec),
        ..Default::default()
    };
    let nodes: Vec<(String, bool)> = c
        .store
        .list("Node")
        .filter_map(|o| match o {
            Object::Node(n) => Some((n.metadata.name.clone()?, should_run(n, &probe))),
            _ => None,
        })
        .collect();
    let pods: Vec<DaemonPod> = controlled_pods(c, &uid)
        .map(|p| {
            let labels = p.metadata.labels.as_ref();
            let label = |k: &str| labels.and_then(|l| l.get(k)).map(String::as_str);
            DaemonPod {
                key: Key::new(
                    "Pod",
                    p.metadata.namespace.as_deref().unwrap_or_default(),
                    p.metadata.name.as_deref().unwrap_or_default(),
                ),
                name: p.metadata.name.clone().unwrap_or_default(),
                node: pod_node(p),
                terminating: is_terminating(&p.metadata),
                failed: p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Failed"),
                ready: is_pod_ready(p),
                // util.IsPodUpdated: the template generation or the revision hash.
                updated: label(GENERATION_LABEL) == Some(generation.as_str())
                    || label(REVISION_LABEL) == Some(hash.as_str()),
                created: p
                    .metadata
                    .creation_timestamp
                    .as_ref()
                    .map(|t| t.0.to_string())
                    .unwrap_or_default(),
            }
        })
        .collect();
    let mut by_node: BTreeMap<&str, Vec<&DaemonPod>> = BTreeMap::new();
    for p in &pods {
        if let Some(n) = &p.node {
            by_node.entry(n.as_str()).or_default().push(p);
        }
    }

    // manage: what to create and what to delete.
    let mut create: Vec<&str> = Vec::new();
    let mut delete: Vec<&DaemonPod> = Vec::new();
    let mut failed_events: Vec<(String, String)> = Vec::new();
    for (node, run) in &nodes {
        let mut here: Vec<&DaemonPod> = by_node.get(node.as_str()).cloned().unwrap_or_default();
        if !run {
            delete.extend(here.into_iter().filter(|p| !p.terminating));
            continue;
        }
        // Failed daemon pods are killed (and replaced once gone).
        for p in here.iter().filter(|p| p.failed && !p.terminating) {
            failed_events.push((p.name.clone(), node.clone()));
            delete.push(p);
        }
        here.retain(|p| !p.failed && !p.terminating);
        let gone_soon = by_node
            .get(node.as_str())
            .is_some_and(|v| v.iter().any(|p| p.terminating || p.failed));
        match here.len() {
            0 if !gone_soon => create.push(node),
            0 => {}
            1 => {}
            _ => {
                // The oldest stays.
                crate::sort::sort_by_key(&mut here, |p| (p.created.clone(), p.name.clone()));
                delete.extend(here.into_iter().skip(1));
            }
        }
    }
    // Pods whose node is gone (or never named one).
    delete.extend(pods.iter().filter(|p| {
        !p.terminating
            && p.node
                .as_deref()
                .is_none_or(|n| !nodes.iter().any(|(name, _)| name == n))
    }));

    // rollingUpdate (maxSurge 0): old pods that are not available go at once, then old
    // available ones while fewer than maxUnavailable nodes lack an available pod.
    let strategy = spec.get("updateStrategy");
    let rolling = super::controllers::rolling_update(strategy);
    if rolling && create.is_empty() && delete.is_empty() {
        let desired = nodes.iter().filter(|(_, run)| *run).count() as i64;
        let max_unavailable = scaled(
            strategy
                .and_then(|s| s.get("rollingUpdate"))
                .and_then(|r| r.get("maxUnavailable")),
            desired,
        )
        .max(1);
        let mut unavailable = 0;
        let mut old_available: Vec<&DaemonPod> = Vec::new();
        for (node, run) in &nodes {
            if !run {
                continue;
            }
            let here = by_node.get(node.as_str()).cloned().unwrap_or_default();
            let Some(p) = here.iter().find(|p| !p.terminating) else {
                unavailable += 1;
                continue;
            };
            if !p.ready {
                unavailable += 1;
                if !p.updated {
                    delete.push(p);
                }
            } else if !p.updated {
                old_available.push(p);
            }
        }
        for p in old_available {
            if unavailable >= max_unavailable {
                break;
            }
            delete.push(p);
            unavailable += 1;
        }
    }

    for (pod, node) in failed_events {
        c.record_event(
            &ds_obj,
            "Warning",
            "FailedDaemonPod",
            &format!(
                "Found failed daemon pod {}/{pod} on node {node}, will try to kill it",
                key.namespace
            ),
            COMPONENT,
            None,
        );
    }
    let mut seen = std::collections::BTreeSet::new();
    for p in delete {
        if !seen.insert(p.key.clone()) {
            continue;
        }
        c.delete_pod(&p.key, None);
        c.record_event(
            &ds_obj,
            "Normal",
            "SuccessfulDelete",
            &format!("Deleted pod: {}", p.name),
            COMPONENT,
            None,
        );
    }
    for node in create {
        if c.store.len() >= super::store::MAX_OBJECTS {
            break;
        }
        let name = new_pod(c, &ds.metadata, &template, node, &hash, &generation);
        c.record_event(
            &ds_obj,
            "Normal",
            "SuccessfulCreate",
            &format!("Created pod: {name}"),
            COMPONENT,
            None,
        );
    }
    write_status(c, key, &uid, &hash, &generation, &nodes);
}

/// One daemon pod for `node` (GetPodFromTemplate plus the node affinity, tolerations
/// and the revision labels). Returns its name.
fn new_pod(
    c: &mut Cluster,
    ds: &ObjectMeta,
    template: &PodTemplateSpec,
    node: &str,
    hash: &str,
    generation: &str,
) -> String {
    let ns = ds.namespace.clone().unwrap_or_default();
    let base = ds.name.clone().unwrap_or_default();
    let (name, prefix) = super::controllers::generated_pod_name(c, &ns, &base);
    let tmeta = template.metadata.as_ref();
    let mut labels = tmeta.and_then(|m| m.labels.clone()).unwrap_or_default();
    labels.insert(REVISION_LABEL.into(), hash.into());
    labels.insert(GENERATION_LABEL.into(), generation.into());
    let metadata = ObjectMeta {
        name: Some(name.clone()),
        generate_name: Some(prefix),
        namespace: Some(ns),
        labels: Some(labels),
        annotations: tmeta.and_then(|m| m.annotations.clone()),
        owner_references: Some(vec![owner_ref("DaemonSet", "apps/v1", ds)]),
        ..Default::default()
    };
    let pod = new_controlled_pod(c, metadata, Some(daemon_pod_spec(template, node)));
    c.store.put(pod);
    name
}

/// updateDaemonSetStatus: the counts per node (apps/v1 DaemonSetStatus: the first four
/// always written, the rest `omitempty`).
fn write_status(
    c: &mut Cluster,
    key: &Key,
    uid: &str,
    hash: &str,
    generation: &str,
    nodes: &[(String, bool)],
) {
    let mut per_node: BTreeMap<String, (bool, bool)> = BTreeMap::new();
    for p in controlled_pods(c, uid).filter(|p| !is_terminating(&p.metadata)) {
        let Some(node) = pod_node(p) else {
            continue;
        };
        let labels = p.metadata.labels.as_ref();
        let label = |k: &str| labels.and_then(|l| l.get(k)).map(String::as_str);
        let updated =
            label(GENERATION_LABEL) == Some(generation) || label(REVISION_LABEL) == Some(hash);
        let e = per_node.entry(node).or_insert((false, false));
        e.0 |= is_pod_ready(p);
        e.1 |= updated;
    }
    let mut desired = 0;
    let mut current = 0;
    let mut misscheduled = 0;
    let mut ready = 0;
    let mut updated = 0;
    for (node, run) in nodes {
        let pod = per_node.get(node);
        if *run {
            desired += 1;
            if let Some((r, u)) = pod {
                current += 1;
                ready += i64::from(*r);
                updated += i64::from(*u);
            }
        } else if pod.is_some() {
            misscheduled += 1;
        }
    }
    let Some(Object::Generic(ds)) = c.store.get(key) else {
        return;
    };
    let mut status = Map::new();
    status.insert("currentNumberScheduled".into(), json!(current));
    status.insert("desiredNumberScheduled".into(), json!(desired));
    if ready > 0 {
        status.insert("numberAvailable".into(), json!(ready));
    }
    status.insert("numberMisscheduled".into(), json!(misscheduled));
    status.insert("numberReady".into(), json!(ready));
    if desired > ready {
        status.insert("numberUnavailable".into(), json!(desired - ready));
    }
    if let Some(g) = ds.metadata.generation {
        status.insert("observedGeneration".into(), json!(g));
    }
    if updated > 0 {
        status.insert("updatedNumberScheduled".into(), json!(updated));
    }
    let ds = ds.clone();
    super::controllers::put_status(c, &ds, Value::Object(status));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::tests::apply_text;

    fn ds(name: &str, image: &str, tolerations: &str) -> String {
        format!(
            "apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: {name}
spec:
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
    spec:
{tolerations}      containers:
      - name: c
        image: {image}
"
        )
    }

    fn pods_of(c: &Cluster, ns: &str, app_label: (&str, &str)) -> Vec<Pod> {
        c.store
            .list_ns("Pod", ns)
            .filter_map(|o| match o {
                Object::Pod(p)
                    if p.metadata.labels.as_ref().and_then(|l| l.get(app_label.0))
                        == Some(&app_label.1.to_string())
                        && !is_terminating(&p.metadata) =>
                {
                    Some((**p).clone())
                }
                _ => None,
            })
            .collect()
    }

    fn nodes_of(pods: &[Pod]) -> Vec<String> {
        let mut v: Vec<String> = pods.iter().filter_map(pod_node).collect();
        crate::sort::sort(&mut v);
        v
    }

    fn status(c: &Cluster, ns: &str, name: &str, k: &str) -> i64 {
        match c.get("DaemonSet", ns, name) {
            Some(Object::Generic(g)) => g
                .body
                .get("status")
                .and_then(|s| s.get(k))
                .and_then(Value::as_i64)
                .unwrap_or(0),
            _ => -1,
        }
    }

    #[test]
    fn one_pod_per_node_it_may_run_on() {
        let mut c = Cluster::new(1);
        apply_text(&mut c, &ds("agent", "nginx:1.27", ""));
        // The control-plane node's NoSchedule taint is not tolerated.
        let pods = pods_of(&c, "default", ("app", "agent"));
        assert_eq!(nodes_of(&pods), ["kubeplay-worker", "kubeplay-worker2"]);
        let tolerations = pods[0].spec.as_ref().and_then(|s| s.tolerations.clone());
        assert_eq!(tolerations.map(|t| t.len()), Some(6));
        assert_eq!(status(&c, "default", "agent", "desiredNumberScheduled"), 2);
        c.advance(10_000);
        assert_eq!(status(&c, "default", "agent", "numberAvailable"), 2);
        crate::cluster::tests::assert_settled(&mut c);

        apply_text(
            &mut c,
            &ds(
                "all",
                "nginx:1.27",
                "      tolerations:\n      - key: node-role.kubernetes.io/control-plane\n        operator: Exists\n        effect: NoSchedule\n",
            ),
        );
        let pods = pods_of(&c, "default", ("app", "all"));
        assert_eq!(
            nodes_of(&pods),
            [
                "kubeplay-control-plane",
                "kubeplay-worker",
                "kubeplay-worker2"
            ]
        );
    }

    #[test]
    fn a_new_template_rolls_one_node_at_a_time() {
        let mut c = Cluster::new(1);
        apply_text(&mut c, &ds("agent", "nginx:1.27", ""));
        c.advance(10_000);
        apply_text(&mut c, &ds("agent", "nginx:1.28", ""));
        // maxUnavailable 1: one old pod goes first.
        let images = |c: &Cluster| {
            let mut v: Vec<String> = pods_of(c, "default", ("app", "agent"))
                .iter()
                .filter_map(|p| p.spec.as_ref()?.containers.first()?.image.clone())
                .collect();
            crate::sort::sort(&mut v);
            v
        };
        assert_eq!(images(&c), ["nginx:1.27"]);
        c.advance(60_000);
        assert_eq!(images(&c), ["nginx:1.28", "nginx:1.28"]);
        assert_eq!(status(&c, "default", "agent", "updatedNumberScheduled"), 2);
        assert_eq!(status(&c, "default", "agent", "observedGeneration"), 2);
    }

    #[test]
    fn the_system_daemon_sets_are_kept_on_every_node() {
        let mut c = Cluster::new(1);
        for name in ["kindnet", "kube-proxy"] {
            assert_eq!(status(&c, "kube-system", name, "desiredNumberScheduled"), 3);
            assert_eq!(status(&c, "kube-system", name, "numberReady"), 3);
            assert_eq!(status(&c, "kube-system", name, "updatedNumberScheduled"), 3);
        }
        let victim = pods_of(&c, "kube-system", ("k8s-app", "kube-proxy"))[0].clone();
        let name = victim.metadata.name.clone().unwrap_or_default();
        c.delete_pod(&Key::new("Pod", "kube-system", &name), None);
        c.advance(60_000);
        let pods = pods_of(&c, "kube-system", ("k8s-app", "kube-proxy"));
        assert_eq!(pods.len(), 3);
        assert!(pods
            .iter()
            .all(|p| p.metadata.name.as_deref() != Some(name.as_str())));
    }
}
