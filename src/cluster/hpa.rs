//! The horizontal pod autoscaler controller (k/k `pkg/controller/podautoscaler/horizontal.go`,
//! `reconcileAutoscaler`), for HorizontalPodAutoscalers kept as autoscaling/v2 JSON.
//!
//! Its work queue hands every HPA back once a sync period (15 s; the queue's fixed-interval
//! rate limiter, also for the first look after the create), which `Timer::Hpa` models. The
//! cluster has no metrics server, so every metrics call fails the way it fails on a real
//! cluster without one; what the controller does before it looks at metrics is simulated
//! fully: the scale target through its scale subresource, a replica count outside
//! [minReplicas, maxReplicas] brought inside (SuccessfulRescale, as `kubectl scale` would),
//! a target at zero replicas left alone (ScalingDisabled).

use serde_json::{json, Map, Value};
use std::sync::Arc;

use super::{Cluster, Key, Millis, Timer};
use crate::api::Object;

/// kube-controller-manager's `--horizontal-pod-autoscaler-sync-period` default.
pub(crate) const SYNC_PERIOD: Millis = 15_000;
const COMPONENT: &str = "horizontal-pod-autoscaler";
/// What the resource metrics client answers when metrics.k8s.io is not served
/// (metrics/client.go GetResourceMetric wrapping the discovery NotFound).
const NO_METRICS_API: &str = "unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)";

/// The first sync of a new HPA, one period after its create.
pub(crate) fn schedule_first(c: &mut Cluster, obj: &Object) {
    if let (true, Some(uid)) = (
        obj.kind() == "HorizontalPodAutoscaler",
        obj.meta().uid.clone(),
    ) {
        let at = c.now + SYNC_PERIOD;
        c.schedule(at, Timer::Hpa(Key::of(obj), uid));
    }
}

/// `Timer::Hpa`: the HPA (this very object, not one made again under its name) is
/// reconciled and comes back a period later while it exists.
pub(crate) fn tick(c: &mut Cluster, key: Key, uid: String) {
    let Some(hpa) = super::controllers::live_generic(c, &key) else {
        return;
    };
    if hpa.metadata.uid.as_deref() != Some(uid.as_str()) {
        return;
    }
    reconcile(c, &hpa);
    let at = c.now + SYNC_PERIOD;
    c.schedule(at, Timer::Hpa(key, uid));
}

/// The scale subresource of a target: its kind's plural and current spec.replicas, or
/// the error the API server and REST mapper give for it.
fn scale_of(c: &Cluster, ns: &str, target: &Value) -> Result<(Key, i64), String> {
    let s = |k: &str| target.get(k).and_then(Value::as_str).unwrap_or("");
    let (kind, name) = (s("kind"), s("name"));
    let group = s("apiVersion").rsplit_once('/').map_or("", |(g, _)| g);
    let plural = match (group, kind) {
        ("apps", "Deployment") => "deployments",
        ("apps", "ReplicaSet") => "replicasets",
        ("apps", "StatefulSet") => "statefulsets",
        _ => return Err(format!("no matches for kind {kind:?} in group {group:?}")),
    };
    let kind: &'static str = match plural {
        "deployments" => "Deployment",
        "replicasets" => "ReplicaSet",
        _ => "StatefulSet",
    };
    let obj = c
        .get(kind, ns, name)
        .ok_or_else(|| format!("{plural}/scale.apps {name:?} not found"))?;
    let replicas = obj
        .to_json()
        .pointer("/spec/replicas")
        .and_then(Value::as_i64)
        .unwrap_or(1);
    Ok((Key::of(obj), replicas))
}

/// setCondition: the condition of that type updated in place (its transition time
/// only when the status changes), or appended.
fn set_condition(
    conditions: &mut Vec<Value>,
    now: &Value,
    ty: &str,
    status: &str,
    reason: &str,
    message: &str,
) {
    let i = match conditions.iter().position(|c| c["type"] == ty) {
        Some(i) => i,
        None => {
            conditions.push(json!({"type": ty}));
            conditions.len() - 1
        }
    };
    let c = &mut conditions[i];
    if c["status"] != status {
        c["lastTransitionTime"] = now.clone();
    }
    c["status"] = json!(status);
    c["reason"] = json!(reason);
    c["message"] = json!(message);
}

/// horizontal.go reconcileAutoscaler, up to where the metrics are read.
fn reconcile(c: &mut Cluster, hpa: &Arc<crate::api::GenericObject>) {
    let obj = Object::Generic(hpa.clone());
    let ns = obj.namespace().to_string();
    let spec = hpa.body.get("spec").cloned().unwrap_or(Value::Null);
    let old_status = match hpa.body.get("status") {
        Some(s @ Value::Object(_)) => s.clone(),
        _ => json!({}),
    };
    let mut conditions: Vec<Value> = old_status
        .get("conditions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|c| c.is_object())
        .cloned()
        .collect();
    let now = serde_json::to_value(c.now_time()).unwrap_or(Value::Null);
    let num = |v: &Value, k: &str| v.get(k).and_then(Value::as_i64);
    // A status as setStatus writes it (currentMetrics has no omitempty).
    let status =
        |current: i64, desired: i64, metrics: Value, conditions: &[Value], last: Option<&Value>| {
            let mut s = Map::new();
            if let Some(t) = last {
                s.insert("lastScaleTime".into(), t.clone());
            }
            if current != 0 {
                s.insert("currentReplicas".into(), json!(current));
            }
            s.insert("desiredReplicas".into(), json!(desired));
            s.insert("currentMetrics".into(), metrics);
            if !conditions.is_empty() {
                s.insert("conditions".into(), json!(conditions));
            }
            Value::Object(s)
        };
    let (target, current) =
        match scale_of(c, &ns, spec.get("scaleTargetRef").unwrap_or(&Value::Null)) {
            Ok(t) => t,
            Err(e) => {
                c.record_event(&obj, "Warning", "FailedGetScale", &e, COMPONENT, None);
                let msg =
                    format!("the HPA controller was unable to get the target's current scale: {e}");
                set_condition(
                    &mut conditions,
                    &now,
                    "AbleToScale",
                    "False",
                    "FailedGetScale",
                    &msg,
                );
                let mut s = old_status.clone();
                s["conditions"] = json!(conditions);
                super::controllers::put_status(c, hpa, s);
                return;
            }
        };
    let able = "the HPA controller was able to get the target's current scale";
    set_condition(
        &mut conditions,
        &now,
        "AbleToScale",
        "True",
        "SucceededGetScale",
        able,
    );
    let min = num(&spec, "minReplicas").unwrap_or(1);
    let max = num(&spec, "maxReplicas").unwrap_or(0);
    let old_desired = num(&old_status, "desiredReplicas").unwrap_or(0);
    let last_scale = old_status.get("lastScaleTime");
    let (desired, reason) = if current == 0 && min != 0 {
        set_condition(
            &mut conditions,
            &now,
            "ScalingActive",
            "False",
            "ScalingDisabled",
            "scaling is disabled since the replica count of the target is zero",
        );
        let s = status(current, current, Value::Null, &conditions, last_scale);
        super::controllers::put_status(c, hpa, s);
        return;
    } else if current > max {
        (max, "Current number of replicas above Spec.MaxReplicas")
    } else if current < min {
        (min, "Current number of replicas below Spec.MinReplicas")
    } else {
        // computeReplicasForMetrics: every metric fails without a metrics API.
        let metrics = spec
            .get("metrics")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        // The first invalid metric's (reason, error, condition error).
        // Only Resource metrics are modelled; with none, the status just records the scale.
        let mut first: Option<(&str, String, String)> = None;
        for (outer, inner) in metrics.iter().filter_map(metric_error) {
            let reason = "FailedGetResourceMetric";
            c.record_event(&obj, "Warning", reason, &inner, COMPONENT, None);
            first.get_or_insert((reason, outer, inner));
        }
        let Some((reason, outer, inner)) = first else {
            let s = status(current, old_desired, Value::Null, &conditions, last_scale);
            super::controllers::put_status(c, hpa, s);
            return;
        };
        set_condition(
            &mut conditions,
            &now,
            "ScalingActive",
            "False",
            reason,
            &format!("the HPA was unable to compute the replica count: {inner}"),
        );
        let blank = vec![json!({"type": ""}); metrics.len()];
        let s = status(current, old_desired, json!(blank), &conditions, last_scale);
        super::controllers::put_status(c, hpa, s);
        let n = metrics.len();
        let msg = format!("invalid metrics ({n} invalid out of {n}), first error is: {outer}");
        c.record_event(
            &obj,
            "Warning",
            "FailedComputeMetricsReplicas",
            &msg,
            COMPONENT,
            None,
        );
        return;
    };
    // Scales().Update on the target's scale subresource: an update of spec.replicas.
    let Some(mut scaled) = c.store.get(&target).cloned() else {
        return;
    };
    if !set_replicas(&mut scaled, desired as i32) {
        return;
    }
    if let Err(e) = c.update_then(scaled, false) {
        let e = e.message();
        c.record_event(
            &obj,
            "Warning",
            "FailedRescale",
            &format!("New size: {desired}; reason: {reason}; error: {e}"),
            COMPONENT,
            None,
        );
        return;
    }
    let able = format!("the HPA controller was able to update the target scale to {desired}");
    set_condition(
        &mut conditions,
        &now,
        "AbleToScale",
        "True",
        "SucceededRescale",
        &able,
    );
    c.record_event(
        &obj,
        "Normal",
        "SuccessfulRescale",
        &format!("New size: {desired}; reason: {reason}"),
        COMPONENT,
        None,
    );
    let s = status(current, desired, Value::Null, &conditions, Some(&now));
    super::controllers::put_status(c, hpa, s);
}

/// The scale subresource's write: `spec.replicas` of a Deployment, ReplicaSet or
/// StatefulSet (kept as JSON); false for another kind. `kubectl scale` writes through it too.
pub(crate) fn set_replicas(obj: &mut Object, n: i32) -> bool {
    match obj {
        Object::Deployment(d) => {
            Arc::make_mut(d)
                .spec
                .get_or_insert_with(Default::default)
                .replicas = Some(n)
        }
        Object::ReplicaSet(r) => {
            Arc::make_mut(r)
                .spec
                .get_or_insert_with(Default::default)
                .replicas = Some(n)
        }
        Object::Generic(g) if g.kind.kind == "StatefulSet" => {
            let body = &mut Arc::make_mut(g).body;
            let spec = body.entry("spec").or_insert_with(|| json!({}));
            if let Some(spec) = spec.as_object_mut() {
                spec.insert("replicas".into(), json!(n));
            }
        }
        _ => return false,
    }
    true
}

/// What computeReplicasForMetric fails with for a Resource metric without a metrics API:
/// (the error it returns, the error its FailedGetResourceMetric condition and event
/// carry); None for the other metric types, which are not modelled.
fn metric_error(m: &Value) -> Option<(String, String)> {
    let s = |p: &str| m.pointer(p).and_then(Value::as_str).unwrap_or("");
    if s("/type") != "Resource" {
        return None;
    }
    let name = s("/resource/name");
    let what = if m.pointer("/resource/target/averageValue").is_some() {
        "usage"
    } else {
        "utilization"
    };
    let inner = format!(
        "failed to get {name} {what}: unable to get metrics for resource {name}: {NO_METRICS_API}"
    );
    Some((
        format!("failed to get {name} resource metric value: {inner}"),
        inner,
    ))
}

#[cfg(test)]
mod tests {
    use crate::cluster::tests::apply_text as apply;
    use crate::cluster::Cluster;

    const HPA: &str = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: web\n  minReplicas: 2\n  maxReplicas: 3\n";

    fn deployment(replicas: i32) -> String {
        format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n")
    }

    fn replicas(c: &Cluster) -> i64 {
        c.get("Deployment", "default", "web")
            .and_then(|d| {
                d.to_json()
                    .pointer("/spec/replicas")
                    .and_then(|r| r.as_i64())
            })
            .unwrap_or(-1)
    }

    fn status(c: &Cluster) -> serde_json::Value {
        c.get("HorizontalPodAutoscaler", "default", "web")
            .map(|h| h.to_json()["status"].clone())
            .unwrap_or_default()
    }

    /// Above maxReplicas: scaled down to it one sync period after the create, not before.
    #[test]
    fn replicas_above_max_are_scaled_to_max_after_one_period() {
        let mut c = Cluster::new(1);
        apply(&mut c, &deployment(5));
        c.advance(10_000);
        apply(&mut c, HPA);
        c.advance(14_000);
        assert_eq!(replicas(&c), 5);
        c.advance(1_000);
        assert_eq!(replicas(&c), 3);
        let s = status(&c);
        assert_eq!(s["currentReplicas"], 5);
        assert_eq!(s["desiredReplicas"], 3);
        assert_eq!(s["conditions"][0]["reason"], "SucceededRescale");
        // In range now: the metrics fail, nothing is scaled.
        c.advance(15_000);
        assert_eq!(replicas(&c), 3);
        let s = status(&c);
        assert_eq!(s["conditions"][0]["reason"], "SucceededGetScale");
        assert_eq!(s["conditions"][1]["reason"], "FailedGetResourceMetric");
        assert_eq!(s["currentMetrics"], serde_json::json!([{"type": ""}]));
        assert_eq!(s["desiredReplicas"], 3);
    }

    #[test]
    fn replicas_below_min_are_scaled_up_and_a_deleted_hpa_stops() {
        let mut c = Cluster::new(1);
        apply(&mut c, &deployment(1));
        apply(&mut c, HPA);
        c.advance(15_000);
        assert_eq!(replicas(&c), 2);
        c.delete("HorizontalPodAutoscaler", "default", "web", None)
            .expect("delete");
        c.advance(15_000);
        assert!(!c
            .timers
            .values()
            .flatten()
            .any(|t| matches!(t, crate::cluster::Timer::Hpa(..))));
    }

    /// A metric type the controller does not model records no ScalingActive condition
    /// (rather than one without a reason).
    #[test]
    fn unmodelled_metric_types_leave_scaling_active_unset() {
        let mut c = Cluster::new(1);
        apply(&mut c, &deployment(2));
        let pods = HPA.replace(
            "  maxReplicas: 3\n",
            "  maxReplicas: 3\n  metrics:\n  - type: Pods\n    pods:\n      metric:\n        name: rps\n      target:\n        type: AverageValue\n        averageValue: \"10\"\n",
        );
        apply(&mut c, &pods);
        c.advance(15_000);
        let s = status(&c);
        assert_eq!(s["conditions"].as_array().map(Vec::len), Some(1));
        assert_eq!(s["currentReplicas"], 2);
        assert_eq!(replicas(&c), 2);
    }

    #[test]
    fn a_missing_target_fails_get_scale() {
        let mut c = Cluster::new(1);
        apply(&mut c, HPA);
        c.advance(15_000);
        let s = status(&c);
        assert_eq!(s["conditions"][0]["status"], "False");
        assert_eq!(
            s["conditions"][0]["message"],
            "the HPA controller was unable to get the target's current scale: deployments/scale.apps \"web\" not found"
        );
    }
}
