//! The StatefulSet controller (k/k `pkg/controller/statefulset`): pods with stable names
//! `NAME-0` .. `NAME-(N-1)`, each with `hostname` = its name and `subdomain` =
//! `spec.serviceName`, so the governing headless Service gives each pod its own DNS
//! name (`web-0.nginx.default.svc.cluster.local`). With the default `OrderedReady`
//! policy a pod is created only when every lower ordinal is Running and Ready, and
//! scaling down removes the highest ordinal first, one at a time; `Parallel` does not
//! wait. A deleted pod comes back under the same name once the old one is gone.
//!
//! StatefulSets are stored as [`GenericObject`]s: the controller reads the fields it
//! needs from the JSON body and writes `status` back into it.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Pod, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde_json::{json, Value};

use super::controllers::{
    controlled_pods, is_pod_ready, is_terminating, new_controlled_pod, owner_ref, template_hash,
};
use super::{Cluster, Key};
use crate::api::Object;

/// A hostile replica count is cut to this many pods (a real cluster would make them all).
const MAX_PODS: i64 = 500;

/// The StatefulSet's own name and ordinal of one of its pods (`web-3` -> 3).
fn ordinal(set_name: &str, pod_name: &str) -> Option<i64> {
    pod_name
        .strip_prefix(set_name)?
        .strip_prefix('-')?
        .parse()
        .ok()
}

/// One pass of the controller over the StatefulSet at `key`: create, scale down or roll
/// at most what its policy allows now, then write its status.
pub(crate) fn sync_statefulset(c: &mut Cluster, key: &Key) {
    let Some(set) = super::controllers::live_generic(c, key) else {
        return;
    };
    let ns = key.namespace.clone();
    let name = key.name.clone();
    let uid = set.metadata.uid.clone().unwrap_or_default();
    let spec = set.body.get("spec").unwrap_or(&Value::Null);
    let replicas = spec
        .get("replicas")
        .and_then(Value::as_i64)
        .unwrap_or(1)
        .clamp(0, MAX_PODS);
    let parallel = spec.get("podManagementPolicy").and_then(Value::as_str) == Some("Parallel");
    let service_name = spec
        .get("serviceName")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    let template_json = spec.get("template").unwrap_or(&Value::Null);
    // Through the crate's one decoder: no new deserializer instances in the bundle.
    let Ok(template) = crate::api::object::decode::<PodTemplateSpec>(template_json.clone()) else {
        return;
    };
    let revision = format!("{name}-{}", template_hash(template_json));

    // The pods it owns, by ordinal: whether terminating, whether Running and Ready, and
    // the revision it was made from.
    let pods: BTreeMap<i64, PodState> =
        crate::sort::collect_map(controlled_pods(c, &uid).filter_map(|p| {
            let n = ordinal(&name, p.metadata.name.as_deref()?)?;
            Some((
                n,
                PodState {
                    terminating: is_terminating(&p.metadata),
                    ready: is_pod_ready(p),
                    revision: pod_revision(p).map(str::to_string),
                },
            ))
        }));
    let mut acted = false;
    let set_obj = Object::Generic(set.clone());

    // Create what is missing, lowest ordinal first.
    for n in 0..replicas {
        match pods.get(&n) {
            // OrderedReady waits for each pod to be Running and Ready (and for a
            // deleted one to be gone) before it touches the next.
            Some(pod) => {
                if !parallel && (pod.terminating || !pod.ready) {
                    break;
                }
            }
            None => {
                if c.store.len() >= super::store::MAX_OBJECTS {
                    break;
                }
                let pod_name = format!("{name}-{n}");
                let pod = new_pod(
                    c,
                    &set.metadata,
                    &template,
                    &pod_name,
                    n,
                    &revision,
                    service_name.as_deref(),
                );
                c.store.put(pod);
                acted = true;
                c.record_event(
                    &set_obj,
                    "Normal",
                    "SuccessfulCreate",
                    &format!("create Pod {pod_name} in StatefulSet {name} successful"),
                    "statefulset-controller",
                    None,
                );
                if !parallel {
                    break;
                }
            }
        }
    }

    // Scale down from the highest ordinal: OrderedReady one at a time, after the
    // previous one is gone.
    let extra: Vec<(i64, bool)> = pods
        .iter()
        .rev()
        .filter(|(n, _)| **n >= replicas)
        .map(|(n, pod)| (*n, pod.terminating))
        .collect();
    if parallel || !extra.iter().any(|(_, terminating)| *terminating) {
        for (n, terminating) in extra {
            if terminating {
                continue;
            }
            delete_for(c, &set_obj, &ns, &name, n);
            acted = true;
            if !parallel {
                break;
            }
        }
    }

    // RollingUpdate (the default): once every pod is there, Running and Ready, the
    // highest ordinal (down to the partition) not made from the current template is
    // deleted; the creation above brings it back from the new template next time.
    let strategy = spec.get("updateStrategy");
    let rolling = super::controllers::rolling_update(strategy);
    let partition = strategy
        .and_then(|s| s.get("rollingUpdate"))
        .and_then(|r| r.get("partition"))
        .and_then(Value::as_i64)
        .unwrap_or(0)
        .max(0);
    let settled = (0..replicas).all(|n| pods.get(&n).is_some_and(|p| !p.terminating && p.ready))
        && !pods.values().any(|p| p.terminating);
    if rolling && settled && !acted {
        let outdated = (partition..replicas).rev().find(|n| {
            pods.get(n)
                .is_some_and(|p| p.revision.as_deref() != Some(&revision))
        });
        if let Some(n) = outdated {
            delete_for(c, &set_obj, &ns, &name, n);
        }
    }

    write_status(c, key, &uid, &revision);
}

/// What the controller needs to know of one of its pods.
struct PodState {
    terminating: bool,
    ready: bool,
    revision: Option<String>,
}

/// The `controller-revision-hash` label: the revision a pod was made from.
fn pod_revision(p: &Pod) -> Option<&str> {
    p.metadata
        .labels
        .as_ref()?
        .get("controller-revision-hash")
        .map(String::as_str)
}

/// Deletes pod `n` of the set, with stateful_pod_control.go's event.
fn delete_for(c: &mut Cluster, set_obj: &Object, ns: &str, name: &str, n: i64) {
    let pod_name = format!("{name}-{n}");
    c.delete_pod(&Key::new("Pod", ns, &pod_name), None);
    c.record_event(
        set_obj,
        "Normal",
        "SuccessfulDelete",
        &format!("delete Pod {pod_name} in StatefulSet {name} successful"),
        "statefulset-controller",
        None,
    );
}

/// The pod for one ordinal: the template, plus the identity the controller adds
/// (stateful_set_utils.go newStatefulSetPod / initIdentity / updateIdentity).
fn new_pod(
    c: &mut Cluster,
    set: &ObjectMeta,
    template: &PodTemplateSpec,
    pod_name: &str,
    n: i64,
    revision: &str,
    service_name: Option<&str>,
) -> Object {
    let tmeta = template.metadata.as_ref();
    let mut labels = tmeta.and_then(|m| m.labels.clone()).unwrap_or_default();
    labels.insert("apps.kubernetes.io/pod-index".into(), n.to_string());
    labels.insert("controller-revision-hash".into(), revision.to_string());
    labels.insert(
        "statefulset.kubernetes.io/pod-name".into(),
        pod_name.to_string(),
    );
    let mut spec = template.spec.clone().unwrap_or_default();
    spec.hostname = Some(pod_name.to_string());
    spec.subdomain = service_name.map(str::to_string);
    let metadata = ObjectMeta {
        name: Some(pod_name.to_string()),
        namespace: set.namespace.clone(),
        labels: Some(labels),
        annotations: tmeta.and_then(|m| m.annotations.clone()),
        owner_references: Some(vec![owner_ref("StatefulSet", "apps/v1", set)]),
        ..Default::default()
    };
    new_controlled_pod(c, metadata, Some(spec))
}

/// status as the controller writes it (v1.33 fields; zero counts are left out, as
/// their `omitempty` tags do, except `replicas`, `availableReplicas` and `collisionCount`).
fn write_status(c: &mut Cluster, key: &Key, uid: &str, revision: &str) {
    let active: Vec<&Pod> = controlled_pods(c, uid)
        .filter(|p| !is_terminating(&p.metadata))
        .collect();
    let replicas = active.len() as i64;
    let ready = active.iter().filter(|p| is_pod_ready(p)).count() as i64;
    let at = |rev: &str| {
        active
            .iter()
            .filter(|p| pod_revision(p) == Some(rev))
            .count() as i64
    };
    let updated = at(revision);
    let Some(Object::Generic(set)) = c.store.get(key) else {
        return;
    };
    // The current revision stays the old one until every pod is at the update revision.
    let stored_current = set
        .body
        .get("status")
        .and_then(|s| s.get("currentRevision"))
        .and_then(Value::as_str)
        .filter(|_| updated < replicas)
        .unwrap_or(revision)
        .to_string();
    let current = at(&stored_current);
    // Keys in the order the API server's JSON has them (alphabetical).
    let mut status = serde_json::Map::new();
    // apps/v1 StatefulSetStatus: availableReplicas has no omitempty, the others do.
    status.insert("availableReplicas".into(), json!(ready));
    status.insert("collisionCount".into(), json!(0));
    put_count(&mut status, "currentReplicas", current);
    status.insert("currentRevision".into(), json!(stored_current));
    if let Some(g) = set.metadata.generation {
        status.insert("observedGeneration".into(), json!(g));
    }
    put_count(&mut status, "readyReplicas", ready);
    status.insert("replicas".into(), json!(replicas));
    status.insert("updateRevision".into(), json!(revision));
    put_count(&mut status, "updatedReplicas", updated);
    let set = set.clone();
    super::controllers::put_status(c, &set, Value::Object(status));
}

/// An `omitempty` count: written only when it is not zero.
fn put_count(status: &mut serde_json::Map<String, Value>, key: &str, n: i64) {
    if n > 0 {
        status.insert(key.into(), json!(n));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals_come_from_the_set_name() {
        assert_eq!(ordinal("web", "web-0"), Some(0));
        assert_eq!(ordinal("web", "web-12"), Some(12));
        assert_eq!(ordinal("web", "web2-1"), None);
        assert_eq!(ordinal("web", "web-x"), None);
    }
}
