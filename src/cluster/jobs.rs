//! The Job controller (k/k `pkg/controller/job/job_controller.go`, v1.33 defaults: the
//! JobPodReplacementPolicy and JobManagedBy gates on, so terminating pods are counted
//! and the terminal conditions wait for them), for NonIndexed Jobs: pods
//! `NAME-<5 random>` made from the template with the `batch.kubernetes.io/job-tracking`
//! finalizer, at most `parallelism` at a time and no more than the completions still
//! missing; a finished pod is counted once (its finalizer removed) into `succeeded` or
//! `failed`; a failed pod is replaced after the controller's exponential back-off
//! (10 s, doubled per failure since the last success, at most 10 minutes, counted from
//! the last failure); `failed > backoffLimit` (or, under restartPolicy OnFailure,
//! container restarts reaching it) fails the Job with FailureTarget then Failed
//! (BackoffLimitExceeded), `activeDeadlineSeconds` with DeadlineExceeded; enough
//! successes complete it with SuccessCriteriaMet then Complete (CompletionsReached).
//! `suspend: true` deletes the active pods and sets the Suspended condition; a finished
//! Job with `ttlSecondsAfterFinished` is deleted once that time has passed.
//!
//! Jobs are stored as [`GenericObject`]s: the controller reads the fields it needs from
//! the JSON body and writes `status` back into it. The back-off record the real
//! controller keeps in memory is recomputed from the Job's pods, which it never deletes.

use std::sync::Arc;

use k8s_openapi::api::core::v1::{Pod, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};
use serde_json::{json, Map, Value};

use super::controllers::{
    controlled_pods, is_pod_ready, is_terminating, new_controlled_pod, owner_ref,
};
use super::{Cluster, Key, Millis, Timer};
use crate::api::{GenericObject, Object};

/// The finalizer the controller puts on its pods and removes once it counted them.
pub const TRACKING_FINALIZER: &str = "batch.kubernetes.io/job-tracking";
/// `DefaultJobPodFailureBackOff` and `MaxJobPodFailureBackOff`.
const BACKOFF: Millis = 10_000;
const MAX_BACKOFF: Millis = 600_000;
/// `MaxPodCreateDeletePerSync`.
const MAX_PER_SYNC: i64 = 500;
/// A hostile parallelism is cut to this many active pods (a real cluster would make
/// them all, 500 a sync), as the StatefulSet controller cuts replicas.
const MAX_ACTIVE: i64 = 500;
const COMPONENT: &str = "job-controller";
const BACKOFF_MESSAGE: &str = "Job has reached the specified backoff limit";
const DEADLINE_MESSAGE: &str = "Job was active longer than specified deadline";
const COMPLETIONS_MESSAGE: &str = "Reached expected number of succeeded pods";

/// What one sync knows of one of the Job's pods.
struct PodInfo {
    key: Key,
    name: String,
    phase: String,
    terminating: bool,
    ready: bool,
    tracked: bool,
    finished_at: Millis,
    restarts: i64,
}

impl PodInfo {
    fn of(p: &Pod) -> PodInfo {
        let status = p.status.as_ref();
        PodInfo {
            key: Key::new(
                "Pod",
                p.metadata.namespace.as_deref().unwrap_or_default(),
                p.metadata.name.as_deref().unwrap_or_default(),
            ),
            name: p.metadata.name.clone().unwrap_or_default(),
            phase: status
                .and_then(|s| s.phase.clone())
                .unwrap_or_else(|| "Pending".into()),
            terminating: is_terminating(&p.metadata),
            ready: is_pod_ready(p),
            tracked: p
                .metadata
                .finalizers
                .iter()
                .flatten()
                .any(|f| f == TRACKING_FINALIZER),
            finished_at: finished_time(p),
            restarts: status
                .into_iter()
                .flat_map(|s| {
                    s.container_statuses
                        .iter()
                        .flatten()
                        .chain(s.init_container_statuses.iter().flatten())
                })
                .map(|cs| i64::from(cs.restart_count))
                .sum(),
        }
    }

    fn terminal(&self) -> bool {
        matches!(self.phase.as_str(), "Succeeded" | "Failed")
    }

    /// `controller.FilterActivePods`: not finished and not being deleted.
    fn active(&self) -> bool {
        !self.terminal() && !self.terminating
    }

    /// `isPodFailed` under podReplacementPolicy TerminatingOrFailed (`only_failed`:
    /// Failed, which counts only the Failed phase).
    fn failed(&self, only_failed: bool) -> bool {
        self.phase == "Failed" || (!only_failed && self.terminating && self.phase != "Succeeded")
    }
}

/// backoff_utils.go getFinishedTime: the last container's finish if every container
/// finished, else when Ready turned False, else the deletion time less the grace
/// period, else the creation time.
fn finished_time(p: &Pod) -> Millis {
    let status = p.status.as_ref();
    let statuses = status
        .and_then(|s| s.container_statuses.as_deref())
        .unwrap_or(&[]);
    let finishes: Option<Vec<Millis>> = statuses
        .iter()
        .map(|cs| {
            cs.state
                .as_ref()?
                .terminated
                .as_ref()?
                .finished_at
                .as_ref()
                .map(Cluster::millis_of)
        })
        .collect();
    if let Some(latest) = finishes.and_then(|f| f.into_iter().max()) {
        return latest;
    }
    let not_ready = status
        .and_then(|s| s.conditions.as_ref())
        .into_iter()
        .flatten()
        .find(|c| c.type_ == "Ready" && c.status == "False")
        .and_then(|c| c.last_transition_time.as_ref());
    if let Some(t) = not_ready {
        return Cluster::millis_of(t);
    }
    if let Some(t) = &p.metadata.deletion_timestamp {
        let grace = p.metadata.deletion_grace_period_seconds.unwrap_or(0);
        return Cluster::millis_of(t) - grace.saturating_mul(1000);
    }
    p.metadata
        .creation_timestamp
        .as_ref()
        .map_or(0, Cluster::millis_of)
}

/// `getRemainingTimeForFailuresCount`'s delay: 10 s doubled per failure after the
/// first, at most 10 minutes.
fn backoff_for(failures: i64) -> Millis {
    let mut d = BACKOFF;
    for _ in 1..failures {
        d = d.saturating_mul(2);
        if d >= MAX_BACKOFF {
            return MAX_BACKOFF;
        }
    }
    d
}

/// Whether the Job status has a condition of type `ty` with status True (also read by the
/// CronJob controller and `kubectl get jobs`).
pub(crate) fn condition_true(status: &Map<String, Value>, ty: &str) -> bool {
    find_condition(status, ty).is_some_and(|c| c.get("status") == Some(&json!("True")))
}

fn find_condition<'a>(status: &'a Map<String, Value>, ty: &str) -> Option<&'a Value> {
    status
        .get("conditions")?
        .as_array()?
        .iter()
        .find(|c| c.get("type").and_then(Value::as_str) == Some(ty))
}

/// The job's spec fields as the controller reads them (defaulted by the API server).
fn spec_i64(spec: &Value, key: &str) -> Option<i64> {
    spec.get(key).and_then(Value::as_i64)
}

/// One pass of the controller over the Job at `key` (syncJob).
pub(crate) fn sync_job(c: &mut Cluster, key: &Key) {
    let Some(job) = super::controllers::live_generic(c, key) else {
        return;
    };
    let old_status = match job.body.get("status") {
        Some(Value::Object(m)) => m.clone(),
        _ => Map::new(),
    };
    // util.IsJobFinished: nothing more to do, but for the TTL-after-finished controller.
    if condition_true(&old_status, "Complete") || condition_true(&old_status, "Failed") {
        ttl_after_finished(c, key, &job, &old_status);
        return;
    }
    let spec = job.body.get("spec").cloned().unwrap_or(Value::Null);
    if spec.get("completionMode").and_then(Value::as_str) == Some("Indexed") {
        // Indexed Jobs are not simulated: the page says so when one is applied
        // (`term::kubectl::mutate`).
        return;
    }
    let uid = job.metadata.uid.clone().unwrap_or_default();
    let job_obj = Object::Generic(job.clone());
    let now = c.now;
    let now_json = time_json(c, now);

    let only_failed = spec.get("podReplacementPolicy").and_then(Value::as_str) == Some("Failed");
    let backoff_limit = spec_i64(&spec, "backoffLimit").unwrap_or(6).max(0);
    let completions = spec_i64(&spec, "completions").map(|n| n.clamp(0, i32::MAX as i64));
    let parallelism = spec_i64(&spec, "parallelism")
        .unwrap_or(1)
        .clamp(0, MAX_ACTIVE);
    let suspended = spec.get("suspend") == Some(&json!(true));
    let on_failure = spec
        .get("template")
        .and_then(|t| t.get("spec"))
        .and_then(|s| s.get("restartPolicy"))
        .and_then(Value::as_str)
        == Some("OnFailure");

    let pods: Vec<PodInfo> = controlled_pods(c, &uid).map(PodInfo::of).collect();
    let active_pods: Vec<&PodInfo> = pods.iter().filter(|p| p.active()).collect();
    let mut active = active_pods.len() as i64;
    let mut ready = active_pods.iter().filter(|p| p.ready).count() as i64;
    // controller.CountTerminatingPods.
    let mut terminating = pods
        .iter()
        .filter(|p| p.terminating && !p.terminal())
        .count() as i64;
    let counted = |k: &str| old_status.get(k).and_then(Value::as_i64).unwrap_or(0);
    let new_succeeded = pods
        .iter()
        .filter(|p| p.tracked && p.phase == "Succeeded")
        .count() as i64;
    let new_failed = pods
        .iter()
        .filter(|p| p.tracked && p.failed(only_failed))
        .count() as i64;
    let succeeded = counted("succeeded") + new_succeeded;
    let failed = counted("failed") + new_failed;

    let mut status = old_status.clone();
    let mut conditions: Vec<Value> = status
        .get("conditions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if !status.contains_key("startTime") && !suspended {
        status.insert("startTime".into(), now_json.clone());
    }
    let start = status
        .get("startTime")
        .and_then(|t| serde_json::from_value::<Time>(t.clone()).ok())
        .map(|t| Cluster::millis_of(&t));

    // The finishing condition: (type, reason, message).
    let mut finished: Option<(&str, &str, &str)> = None;
    if find_condition(&old_status, "SuccessCriteriaMet").is_some() {
        finished = Some((
            "SuccessCriteriaMet",
            "CompletionsReached",
            COMPLETIONS_MESSAGE,
        ));
    } else if let Some(target) = find_condition(&old_status, "FailureTarget")
        .filter(|c| c.get("status") == Some(&json!("True")))
    {
        let reason = target.get("reason").and_then(Value::as_str).unwrap_or("");
        finished = Some(match reason {
            "DeadlineExceeded" => ("FailureTarget", "DeadlineExceeded", DEADLINE_MESSAGE),
            _ => ("FailureTarget", "BackoffLimitExceeded", BACKOFF_MESSAGE),
        });
    } else {
        let restarts: i64 = pods
            .iter()
            .filter(|p| matches!(p.phase.as_str(), "Running" | "Pending"))
            .map(|p| p.restarts)
            .sum();
        let past_on_failure = on_failure
            && if backoff_limit == 0 {
                restarts > 0
            } else {
                restarts >= backoff_limit
            };
        let deadline = spec_i64(&spec, "activeDeadlineSeconds").filter(|_| !suspended);
        if failed > backoff_limit || past_on_failure {
            finished = Some(("FailureTarget", "BackoffLimitExceeded", BACKOFF_MESSAGE));
        } else if let (Some(d), Some(start)) = (deadline, start) {
            let at = start.saturating_add(d.saturating_mul(1000));
            if now >= at {
                finished = Some(("FailureTarget", "DeadlineExceeded", DEADLINE_MESSAGE));
            } else {
                c.schedule(at, Timer::Job(key.clone()));
            }
        }
    }

    if finished.is_some_and(|f| f.0 == "FailureTarget") {
        // deleteActivePods: the Job failed, its running pods go.
        for p in &active_pods {
            c.delete_pod(&p.key, None);
            record_delete(c, &job_obj, &p.name);
        }
        terminating += active;
        ready = 0;
        active = 0;
    } else if finished.is_none() {
        let (a, r, t) = manage(
            c,
            key,
            &job,
            &pods,
            &active_pods,
            ManageArgs {
                completions,
                parallelism,
                succeeded,
                suspended,
                only_failed,
                terminating,
            },
        );
        active = a;
        ready -= r;
        terminating += t;
        let complete = match completions {
            None => succeeded > 0 && active == 0,
            Some(n) => succeeded >= n && active == 0,
        };
        if complete {
            finished = Some((
                "SuccessCriteriaMet",
                "CompletionsReached",
                COMPLETIONS_MESSAGE,
            ));
        } else {
            suspend_condition(
                c,
                &job_obj,
                &mut conditions,
                &mut status,
                suspended,
                &now_json,
            );
        }
    }

    // trackJobStatusAndRemoveFinalizers: every finished (or, once the Job is finished,
    // every) pod still carrying the finalizer is counted and loses it.
    let mut succeeded_total = counted("succeeded");
    let mut failed_total = counted("failed");
    for p in &pods {
        if !p.tracked {
            continue;
        }
        let considered_failed = p.failed(only_failed);
        if !(finished.is_some() || p.phase == "Succeeded" || considered_failed) {
            continue;
        }
        if p.phase == "Succeeded" {
            succeeded_total += 1;
        } else if considered_failed || finished.is_some_and(|f| f.0 == "FailureTarget") {
            failed_total += 1;
        }
        remove_finalizer(c, &p.key);
    }
    let mut done_event = None;
    if let Some((ty, reason, message)) = finished {
        if !conditions
            .iter()
            .any(|c| c.get("type").and_then(Value::as_str) == Some(ty))
        {
            conditions.push(condition(ty, reason, message, &now_json));
        }
        let final_type = if ty == "FailureTarget" {
            "Failed"
        } else {
            "Complete"
        };
        // enactJobFinished: only once no pod is left terminating.
        if terminating == 0 {
            conditions.push(condition(final_type, reason, message, &now_json));
            if final_type == "Complete" {
                status.insert("completionTime".into(), now_json.clone());
                done_event = Some(("Normal", "Completed", "Job completed"));
            } else {
                done_event = Some(("Warning", reason, message));
            }
        }
    }

    if !conditions.is_empty() {
        status.insert("conditions".into(), Value::Array(conditions));
    }
    put_count(&mut status, "active", active);
    put_count(&mut status, "succeeded", succeeded_total);
    put_count(&mut status, "failed", failed_total);
    status.insert("ready".into(), json!(ready.max(0)));
    status.insert("terminating".into(), json!(terminating));
    status.insert("uncountedTerminatedPods".into(), json!({}));
    super::controllers::put_status(c, &job, Value::Object(status));
    if let Some((ty, reason, message)) = done_event {
        let obj = c.store.get(key).cloned().unwrap_or(job_obj);
        c.record_event(&obj, ty, reason, message, COMPONENT, None);
    }
}

/// The TTL-after-finished controller (pkg/controller/ttlafterfinished): a finished Job
/// with `ttlSecondsAfterFinished` is deleted that long after its Complete or Failed
/// condition's lastTransitionTime (with foreground propagation: its pods go with it).
fn ttl_after_finished(
    c: &mut Cluster,
    key: &Key,
    job: &GenericObject,
    status: &Map<String, Value>,
) {
    let Some(ttl) = job
        .body
        .get("spec")
        .and_then(|s| s.get("ttlSecondsAfterFinished"))
        .and_then(Value::as_i64)
    else {
        return;
    };
    let finished_at = ["Complete", "Failed"]
        .into_iter()
        .filter_map(|ty| find_condition(status, ty))
        .find(|c| c.get("status") == Some(&json!("True")))
        .and_then(|c| c.get("lastTransitionTime"))
        .and_then(|t| serde_json::from_value::<Time>(t.clone()).ok())
        .map(|t| Cluster::millis_of(&t));
    let Some(finished_at) = finished_at else {
        return;
    };
    let expire = finished_at.saturating_add(ttl.max(0).saturating_mul(1000));
    if c.now < expire {
        c.schedule(expire, Timer::Job(key.clone()));
        return;
    }
    let uid = job.metadata.uid.clone().unwrap_or_default();
    let pods: Vec<Key> = controlled_pods(c, &uid)
        .filter_map(|p| {
            Some(Key::new(
                "Pod",
                p.metadata.namespace.as_deref()?,
                p.metadata.name.as_deref()?,
            ))
        })
        .collect();
    for pod in pods {
        c.delete_pod(&pod, None);
    }
    let _ = c.delete_request("Job", &key.namespace, &key.name, None);
}

/// manageJob's inputs beyond the pods.
struct ManageArgs {
    completions: Option<i64>,
    parallelism: i64,
    succeeded: i64,
    suspended: bool,
    only_failed: bool,
    terminating: i64,
}

/// manageJob: deletes what a suspended Job or too many pods leave over, else creates
/// what is missing once the back-off allows. Returns the active count, the ready pods
/// deleted and the pods set terminating.
fn manage(
    c: &mut Cluster,
    key: &Key,
    job: &Arc<GenericObject>,
    pods: &[PodInfo],
    active_pods: &[&PodInfo],
    m: ManageArgs,
) -> (i64, i64, i64) {
    let job_obj = Object::Generic(job.clone());
    let mut active = active_pods.len() as i64;
    let want = if m.suspended {
        0
    } else {
        match m.completions {
            None if m.succeeded > 0 => active,
            None => m.parallelism,
            Some(n) => (n - m.succeeded).min(m.parallelism).max(0),
        }
    };
    if active > want {
        // activePodsForRemoval: not ready before ready, unscheduled before scheduled,
        // pending before running (by name within each).
        let mut order: Vec<&PodInfo> = active_pods.to_vec();
        crate::sort::sort_by_key(&mut order, |p| {
            (p.ready, p.phase == "Running", p.name.clone())
        });
        let gone: Vec<&PodInfo> = order
            .into_iter()
            .take((active - want).min(MAX_PER_SYNC) as usize)
            .collect();
        let ready_gone = gone.iter().filter(|p| p.ready).count() as i64;
        for p in &gone {
            c.delete_pod(&p.key, None);
            record_delete(c, &job_obj, &p.name);
        }
        let n = gone.len() as i64;
        return (active - n, ready_gone, n);
    }
    let terminating = if m.only_failed { m.terminating } else { 0 };
    let diff = (want - terminating - active).min(MAX_PER_SYNC);
    if diff <= 0 {
        return (active, 0, 0);
    }
    // The back-off record: failures since the last success, and the last failure.
    let last_success = pods
        .iter()
        .filter(|p| p.phase == "Succeeded")
        .map(|p| p.finished_at)
        .max();
    let failures: Vec<Millis> = pods
        .iter()
        .filter(|p| p.failed(m.only_failed))
        .map(|p| p.finished_at)
        .filter(|t| last_success.is_none_or(|s| *t > s))
        .collect();
    if let Some(last) = failures.iter().max() {
        let at = last.saturating_add(backoff_for(failures.len() as i64));
        if at > c.now {
            c.schedule(at, Timer::Job(key.clone()));
            // manageJob reports no active pods while it waits.
            return (0, 0, 0);
        }
    }
    let Ok(template) = crate::api::object::decode::<PodTemplateSpec>(
        job.body
            .get("spec")
            .and_then(|s| s.get("template"))
            .cloned()
            .unwrap_or(Value::Null),
    ) else {
        return (active, 0, 0);
    };
    for _ in 0..diff {
        if c.store.len() >= super::store::MAX_OBJECTS {
            break;
        }
        let pod_name = new_pod(c, &job.metadata, &template);
        active += 1;
        c.record_event(
            &job_obj,
            "Normal",
            "SuccessfulCreate",
            &format!("Created pod: {pod_name}"),
            COMPONENT,
            None,
        );
    }
    (active, 0, 0)
}

/// The Suspended condition (`ensureJobConditionStatus`) with its event; resuming
/// restarts the clock of `startTime`.
fn suspend_condition(
    c: &mut Cluster,
    job_obj: &Object,
    conditions: &mut Vec<Value>,
    status: &mut Map<String, Value>,
    suspended: bool,
    now_json: &Value,
) {
    let existing = conditions
        .iter_mut()
        .find(|c| c.get("type").and_then(Value::as_str) == Some("Suspended"));
    let (want, reason, message, event) = if suspended {
        ("True", "JobSuspended", "Job suspended", "Suspended")
    } else {
        ("False", "JobResumed", "Job resumed", "Resumed")
    };
    match existing {
        Some(cond) => {
            if cond.get("status") == Some(&json!(want)) {
                return;
            }
            let mut fresh = condition("Suspended", reason, message, now_json);
            fresh["status"] = json!(want);
            *cond = fresh;
        }
        None if suspended => conditions.push(condition("Suspended", reason, message, now_json)),
        None => return,
    }
    if !suspended {
        status.insert("startTime".into(), now_json.clone());
    }
    c.record_event(job_obj, "Normal", event, message, COMPONENT, None);
}

/// A JobCondition as newCondition builds it (keys in the API server's JSON order).
fn condition(ty: &str, reason: &str, message: &str, now: &Value) -> Value {
    json!({
        "lastProbeTime": now,
        "lastTransitionTime": now,
        "message": message,
        "reason": reason,
        "status": "True",
        "type": ty,
    })
}

fn time_json(c: &Cluster, at: Millis) -> Value {
    serde_json::to_value(c.time(at)).unwrap_or(Value::Null)
}

/// An `omitempty` count: written only when it is not zero.
fn put_count(status: &mut Map<String, Value>, key: &str, n: i64) {
    if n > 0 {
        status.insert(key.into(), json!(n));
    } else {
        status.remove(key);
    }
}

/// The pod controller's delete event (controller_utils.go DeletePod).
fn record_delete(c: &mut Cluster, job_obj: &Object, pod: &str) {
    c.record_event(
        job_obj,
        "Normal",
        "SuccessfulDelete",
        &format!("Deleted pod: {pod}"),
        COMPONENT,
        None,
    );
}

/// The tracking finalizer's removal (a JSON patch of the pod's finalizers).
fn remove_finalizer(c: &mut Cluster, key: &Key) {
    let Some(Object::Pod(pod)) = c.store.get(key) else {
        return;
    };
    let mut pod = pod.clone();
    let meta = &mut Arc::make_mut(&mut pod).metadata;
    if let Some(f) = meta.finalizers.as_mut() {
        f.retain(|f| f != TRACKING_FINALIZER);
        if f.is_empty() {
            meta.finalizers = None;
        }
    }
    c.store.put(Object::Pod(pod));
}

/// One pod from the template (controller_utils.go GetPodFromTemplate, with the
/// tracking finalizer and `generateName: JOBNAME-`). Returns its name.
fn new_pod(c: &mut Cluster, job: &ObjectMeta, template: &PodTemplateSpec) -> String {
    let ns = job.namespace.clone().unwrap_or_default();
    let base = job.name.clone().unwrap_or_default();
    // names.SimpleNameGenerator: the prefix cut to 58 characters.
    let (name, prefix) = super::controllers::generated_pod_name(c, &ns, &base);
    let tmeta = template.metadata.as_ref();
    let mut finalizers = tmeta.and_then(|m| m.finalizers.clone()).unwrap_or_default();
    if !finalizers.iter().any(|f| f == TRACKING_FINALIZER) {
        finalizers.push(TRACKING_FINALIZER.into());
    }
    let metadata = ObjectMeta {
        name: Some(name.clone()),
        generate_name: Some(prefix),
        namespace: Some(ns),
        labels: tmeta.and_then(|m| m.labels.clone()),
        annotations: tmeta.and_then(|m| m.annotations.clone()),
        finalizers: Some(finalizers),
        owner_references: Some(vec![owner_ref("Job", "batch/v1", job)]),
        ..Default::default()
    };
    let pod = new_controlled_pod(c, metadata, template.spec.clone());
    c.store.put(pod);
    name
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::cluster::tests::apply_text;

    pub(crate) fn job(name: &str, command: &str, extra: &str) -> String {
        format!(
            "apiVersion: batch/v1
kind: Job
metadata:
  name: {name}
spec:
{extra}  template:
    spec:
      containers:
      - name: c
        image: busybox:1.36
        command: {command}
      restartPolicy: Never
"
        )
    }

    fn status(c: &Cluster, name: &str) -> Value {
        match c.get("Job", "default", name) {
            Some(Object::Generic(g)) => g.body.get("status").cloned().unwrap_or(Value::Null),
            _ => Value::Null,
        }
    }

    fn condition_types(c: &Cluster, name: &str) -> Vec<String> {
        status(c, name)
            .get("conditions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|c| c.get("type")?.as_str().map(str::to_string))
            .collect()
    }

    fn pods_of(c: &Cluster, name: &str) -> Vec<Pod> {
        c.store
            .list_ns("Pod", "default")
            .filter_map(|o| match o {
                Object::Pod(p)
                    if p.metadata.labels.as_ref().and_then(|l| l.get("job-name"))
                        == Some(&name.to_string()) =>
                {
                    Some((**p).clone())
                }
                _ => None,
            })
            .collect()
    }

    #[test]
    fn backoff_doubles_up_to_ten_minutes() {
        assert_eq!(backoff_for(1), 10_000);
        assert_eq!(backoff_for(2), 20_000);
        assert_eq!(backoff_for(3), 40_000);
        assert_eq!(backoff_for(6), 320_000);
        assert_eq!(backoff_for(7), 600_000);
        assert_eq!(backoff_for(40), 600_000);
    }

    #[test]
    fn a_job_runs_one_pod_to_completion() {
        let mut c = Cluster::new(1);
        apply_text(&mut c, &job("hello", "[\"echo\", \"hi\"]", ""));
        let pods = pods_of(&c, "hello");
        assert_eq!(pods.len(), 1);
        let pod = &pods[0];
        assert!(pod
            .metadata
            .name
            .as_deref()
            .unwrap_or("")
            .starts_with("hello-"));
        assert_eq!(
            pod.metadata.name.as_deref().map(str::len),
            Some("hello-".len() + 5)
        );
        assert_eq!(
            pod.metadata.finalizers.as_deref(),
            Some(&[TRACKING_FINALIZER.to_string()][..])
        );
        let owner = &pod.metadata.owner_references.as_ref().unwrap()[0];
        assert_eq!(
            (
                owner.kind.as_str(),
                owner.controller,
                owner.block_owner_deletion
            ),
            ("Job", Some(true), Some(true))
        );
        assert_eq!(status(&c, "hello")["active"], json!(1));
        c.advance(10_000);
        let st = status(&c, "hello");
        assert_eq!(st["succeeded"], json!(1));
        assert!(st.get("active").is_none());
        assert!(st.get("completionTime").is_some());
        assert_eq!(st["uncountedTerminatedPods"], json!({}));
        assert_eq!(
            condition_types(&c, "hello"),
            ["SuccessCriteriaMet", "Complete"]
        );
        // Counted: the finalizer is gone, and the pod is kept.
        let pods = pods_of(&c, "hello");
        assert_eq!(pods.len(), 1);
        assert!(pods[0].metadata.finalizers.is_none());
        assert_eq!(
            pods[0].status.as_ref().and_then(|s| s.phase.as_deref()),
            Some("Succeeded")
        );
        // Settled: looking again changes nothing.
        crate::cluster::tests::assert_settled(&mut c);
    }

    #[test]
    fn failed_pods_are_replaced_with_back_off_until_the_limit() {
        let mut c = Cluster::new(1);
        apply_text(
            &mut c,
            &job("bad", "[\"sh\", \"-c\", \"exit 1\"]", "  backoffLimit: 2\n"),
        );
        // The first pod fails within seconds; its replacement waits 10 s after that.
        c.advance(5_000);
        assert_eq!(pods_of(&c, "bad").len(), 1);
        assert_eq!(status(&c, "bad")["failed"], json!(1));
        c.advance(10_000);
        assert_eq!(pods_of(&c, "bad").len(), 2);
        // The second waits 20 s.
        c.advance(15_000);
        assert_eq!(pods_of(&c, "bad").len(), 2);
        c.advance(10_000);
        assert_eq!(pods_of(&c, "bad").len(), 3);
        c.advance(10_000);
        let st = status(&c, "bad");
        assert_eq!(st["failed"], json!(3));
        assert_eq!(condition_types(&c, "bad"), ["FailureTarget", "Failed"]);
        let failed = st["conditions"][1].clone();
        assert_eq!(failed["reason"], json!("BackoffLimitExceeded"));
        assert_eq!(failed["message"], json!(BACKOFF_MESSAGE));
        // No more pods after that.
        c.advance(600_000);
        assert_eq!(pods_of(&c, "bad").len(), 3);
    }

    #[test]
    fn parallel_completions_and_suspend() {
        let mut c = Cluster::new(1);
        apply_text(
            &mut c,
            &job(
                "par",
                "[\"sleep\", \"5\"]",
                "  completions: 3\n  parallelism: 2\n",
            ),
        );
        assert_eq!(pods_of(&c, "par").len(), 2);
        c.advance(30_000);
        assert_eq!(status(&c, "par")["succeeded"], json!(3));
        assert_eq!(pods_of(&c, "par").len(), 3);

        apply_text(
            &mut c,
            &job("held", "[\"sleep\", \"5\"]", "  suspend: true\n"),
        );
        assert!(pods_of(&c, "held").is_empty());
        assert_eq!(condition_types(&c, "held"), ["Suspended"]);
        assert!(status(&c, "held").get("startTime").is_none());
    }

    #[test]
    fn a_finished_job_with_a_ttl_is_deleted_with_its_pods() {
        let mut c = Cluster::new(1);
        apply_text(
            &mut c,
            &job(
                "brief",
                "[\"echo\", \"hi\"]",
                "  ttlSecondsAfterFinished: 30\n",
            ),
        );
        c.advance(10_000);
        assert_eq!(
            condition_types(&c, "brief"),
            ["SuccessCriteriaMet", "Complete"]
        );
        c.advance(20_000);
        assert!(c.get("Job", "default", "brief").is_some());
        c.advance(15_000);
        assert!(c.get("Job", "default", "brief").is_none());
        assert!(pods_of(&c, "brief").is_empty());
    }

    #[test]
    fn job_validation_wants_a_restart_policy_it_can_run() {
        let mut c = Cluster::new(1);
        let text =
            job("x", "[\"true\"]", "").replace("restartPolicy: Never", "restartPolicy: Always");
        let obj = crate::manifest::parse(&text, "STDIN")
            .into_iter()
            .next()
            .and_then(|d| d.result.ok())
            .expect("parses");
        let err = c.apply(obj, "default").expect_err("invalid");
        assert!(format!("{err:?}").contains("restartPolicy"), "{err:?}");
    }
}
