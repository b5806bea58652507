//! The Deployment controller's helpers that follow upstream sync.go, progress.go and
//! deployment/util/deployment_util.go: conditions, status, scaling a ReplicaSet and the
//! proportional scaling of a Deployment whose rollout is in progress.

use std::sync::Arc;

use k8s_openapi::api::apps::v1::{Deployment, DeploymentCondition, DeploymentStatus, ReplicaSet};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

use super::controllers::{max_surge, max_unavailable};
use super::{Cluster, Key, Timer};
use crate::api::Object;

pub const DESIRED_REPLICAS: &str = "deployment.kubernetes.io/desired-replicas";
pub const MAX_REPLICAS: &str = "deployment.kubernetes.io/max-replicas";

const PROGRESSING: &str = "Progressing";
const AVAILABLE: &str = "Available";
pub const NEW_RS_AVAILABLE: &str = "NewReplicaSetAvailable";
const TIMED_OUT: &str = "ProgressDeadlineExceeded";
const PAUSED: &str = "DeploymentPaused";
const RESUMED: &str = "DeploymentResumed";

pub fn spec_replicas(rs: &ReplicaSet) -> i32 {
    rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(0)
}

fn available(rs: &ReplicaSet) -> i32 {
    rs.status
        .as_ref()
        .and_then(|s| s.available_replicas)
        .unwrap_or(0)
}

fn deployment_replicas(d: &Deployment) -> i32 {
    d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1)
}

fn is_rolling_update(d: &Deployment) -> bool {
    d.spec
        .as_ref()
        .and_then(|s| s.strategy.as_ref())
        .and_then(|s| s.type_.as_deref())
        != Some("Recreate")
}

/// (creation time, name): controller.ReplicaSetsByCreationTimestamp.
fn age_key(rs: &ReplicaSet) -> (Option<i64>, Option<String>) {
    (
        rs.metadata
            .creation_timestamp
            .as_ref()
            .map(Cluster::millis_of),
        rs.metadata.name.clone(),
    )
}

// ---------- conditions ----------

pub fn new_condition(
    type_: &str,
    status: &str,
    reason: &str,
    message: String,
    now: &Time,
) -> DeploymentCondition {
    DeploymentCondition {
        type_: type_.into(),
        status: status.into(),
        reason: Some(reason.into()),
        message: Some(message),
        last_transition_time: Some(now.clone()),
        last_update_time: Some(now.clone()),
    }
}

pub fn condition<'a>(
    conds: &'a [DeploymentCondition],
    type_: &str,
) -> Option<&'a DeploymentCondition> {
    conds.iter().find(|c| c.type_ == type_)
}

/// deploymentutil.SetDeploymentCondition: nothing changes when the status and reason are
/// the same; the transition time stays when only the reason changes.
pub fn set_condition(conds: &mut Vec<DeploymentCondition>, mut new: DeploymentCondition) {
    if let Some(cur) = condition(conds, &new.type_) {
        if cur.status == new.status && cur.reason == new.reason {
            return;
        }
        if cur.status == new.status {
            new.last_transition_time = cur.last_transition_time.clone();
        }
    }
    conds.retain(|c| c.type_ != new.type_);
    conds.push(new);
}

pub fn progress_deadline(d: &Deployment) -> Option<i32> {
    d.spec
        .as_ref()
        .and_then(|s| s.progress_deadline_seconds)
        .filter(|s| *s != i32::MAX)
}

/// deployment_controller.go checkPausedConditions: pausing (or resuming) sets Progressing
/// to Unknown, so the time spent paused never counts against the progress deadline; a
/// timed-out rollout keeps its condition.
pub fn check_paused_conditions(d: &Deployment, conds: &mut Vec<DeploymentCondition>, now: &Time) {
    if progress_deadline(d).is_none() {
        return;
    }
    let reason = condition(conds, PROGRESSING).and_then(|c| c.reason.as_deref());
    if reason == Some(TIMED_OUT) {
        return;
    }
    let paused_cond = reason == Some(PAUSED);
    let paused = d.spec.as_ref().and_then(|s| s.paused) == Some(true);
    if paused && !paused_cond {
        let c = new_condition(
            PROGRESSING,
            "Unknown",
            PAUSED,
            "Deployment is paused".into(),
            now,
        );
        set_condition(conds, c);
    } else if !paused && paused_cond {
        let c = new_condition(
            PROGRESSING,
            "Unknown",
            RESUMED,
            "Deployment is resumed".into(),
            now,
        );
        set_condition(conds, c);
    }
}

// ---------- status ----------

/// sync.go calculateStatus: the counts from the ReplicaSets and the Available condition.
pub fn calculate_status(
    d: &Deployment,
    all: &[Arc<ReplicaSet>],
    new_rs: Option<&ReplicaSet>,
    mut conds: Vec<DeploymentCondition>,
    now: &Time,
) -> DeploymentStatus {
    let status_of = |rs: &ReplicaSet| rs.status.clone().unwrap_or_default();
    let sum =
        |f: &dyn Fn(&ReplicaSet) -> i32| all.iter().map(|rs| f(rs)).fold(0i32, i32::saturating_add);
    let replicas = deployment_replicas(d);
    let avail = sum(&available);
    let total_replicas = sum(&|rs| rs.status.as_ref().map_or(0, |s| s.replicas));
    let ready = sum(&|rs| {
        rs.status
            .as_ref()
            .and_then(|s| s.ready_replicas)
            .unwrap_or(0)
    });
    let updated = new_rs.map_or(0, |rs| status_of(rs).replicas);
    // MaxUnavailable is 0 for Recreate.
    let min_available = replicas.saturating_sub(max_unavailable(d, replicas));
    let available_cond = if avail >= min_available {
        new_condition(
            AVAILABLE,
            "True",
            "MinimumReplicasAvailable",
            "Deployment has minimum availability.".into(),
            now,
        )
    } else {
        new_condition(
            AVAILABLE,
            "False",
            "MinimumReplicasUnavailable",
            "Deployment does not have minimum availability.".into(),
            now,
        )
    };
    set_condition(&mut conds, available_cond);
    DeploymentStatus {
        observed_generation: d.metadata.generation,
        replicas: Some(total_replicas).filter(|n| *n > 0),
        updated_replicas: Some(updated).filter(|n| *n > 0),
        ready_replicas: Some(ready).filter(|n| *n > 0),
        available_replicas: Some(avail).filter(|n| *n > 0),
        // GetReplicaCountForReplicaSets (spec.replicas) less the available, floored at 0.
        unavailable_replicas: Some((sum(&spec_replicas) - avail).max(0)).filter(|n| *n > 0),
        conditions: Some(conds),
        ..Default::default()
    }
}

/// deploymentutil.DeploymentComplete.
fn deployment_complete(d: &Deployment, st: &DeploymentStatus) -> bool {
    let replicas = deployment_replicas(d);
    st.updated_replicas.unwrap_or(0) == replicas
        && st.replicas.unwrap_or(0) == replicas
        && st.available_replicas.unwrap_or(0) == replicas
        && st.observed_generation.unwrap_or(0) >= d.metadata.generation.unwrap_or(0)
}

/// deploymentutil.DeploymentProgressing: more updated, ready or available pods, or fewer
/// old ones, than the status the controller last wrote.
fn deployment_progressing(old: &DeploymentStatus, new: &DeploymentStatus) -> bool {
    let n = |v: Option<i32>| v.unwrap_or(0);
    let old_olds = n(old.replicas) - n(old.updated_replicas);
    let new_olds = n(new.replicas) - n(new.updated_replicas);
    n(new.updated_replicas) > n(old.updated_replicas)
        || new_olds < old_olds
        || n(new.ready_replicas) > n(old.ready_replicas)
        || n(new.available_replicas) > n(old.available_replicas)
}

/// deploymentutil.DeploymentTimedOut: no progress reported for progressDeadlineSeconds.
fn deployment_timed_out(d: &Deployment, conds: &[DeploymentCondition], now: i64) -> bool {
    let Some(deadline) = progress_deadline(d) else {
        return false;
    };
    let Some(cond) = condition(conds, PROGRESSING) else {
        return false;
    };
    match cond.reason.as_deref() {
        Some(NEW_RS_AVAILABLE) => false,
        Some(TIMED_OUT) => true,
        _ => cond
            .last_update_time
            .as_ref()
            .is_some_and(|t| Cluster::millis_of(t) + i64::from(deadline) * 1000 < now),
    }
}

/// progress.go syncRolloutStatus: the Progressing condition of a rollout (none without a
/// progress deadline).
pub fn sync_rollout_conditions(
    c: &Cluster,
    d: &Deployment,
    st: &mut DeploymentStatus,
    new_rs: Option<&str>,
) {
    let mut conds = st.conditions.take().unwrap_or_default();
    if progress_deadline(d).is_some() {
        update_progressing(c, d, st, &mut conds, new_rs);
    } else {
        conds.retain(|c| c.type_ != PROGRESSING);
    }
    st.conditions = Some(conds);
}

/// The switch in syncRolloutStatus, skipped once the rollout has completed: complete,
/// progressing (every sign of progress renews lastUpdateTime), or timed out.
fn update_progressing(
    c: &Cluster,
    d: &Deployment,
    st: &DeploymentStatus,
    conds: &mut Vec<DeploymentCondition>,
    new_rs: Option<&str>,
) {
    let now = c.now_time();
    let old = d.status.clone().unwrap_or_default();
    let current = condition(conds, PROGRESSING).cloned();
    let completed = st.replicas == st.updated_replicas
        && current.as_ref().and_then(|c| c.reason.as_deref()) == Some(NEW_RS_AVAILABLE);
    if completed {
        return;
    }
    let what = |verb: &str| match new_rs {
        Some(rs) => format!("ReplicaSet \"{rs}\" {verb}."),
        None => format!(
            "Deployment \"{}\" {verb}.",
            d.metadata.name.as_deref().unwrap_or_default()
        ),
    };
    if deployment_complete(d, st) {
        let msg = what("has successfully progressed");
        set_condition(
            conds,
            new_condition(PROGRESSING, "True", NEW_RS_AVAILABLE, msg, &now),
        );
    } else if deployment_progressing(&old, st) {
        let msg = what("is progressing");
        let mut cond = new_condition(PROGRESSING, "True", "ReplicaSetUpdated", msg, &now);
        if let Some(cur) = current.filter(|c| c.status == "True") {
            cond.last_transition_time = cur.last_transition_time;
        }
        conds.retain(|c| c.type_ != PROGRESSING);
        conds.push(cond);
    } else if deployment_timed_out(d, conds, c.now) {
        let msg = what("has timed out progressing");
        set_condition(
            conds,
            new_condition(PROGRESSING, "False", TIMED_OUT, msg, &now),
        );
    }
}

/// progress.go requeueStuckDeployment: a rollout that shows no progress is looked at
/// again when its deadline passes (a second after, as upstream adds one).
pub fn requeue_stuck_deployment(c: &mut Cluster, key: &Key, d: &Deployment, st: &DeploymentStatus) {
    let Some(deadline) = progress_deadline(d) else {
        return;
    };
    let Some(cond) = condition(st.conditions.as_deref().unwrap_or_default(), PROGRESSING) else {
        return;
    };
    if deployment_complete(d, st) || cond.reason.as_deref() == Some(TIMED_OUT) {
        return;
    }
    let Some(from) = cond.last_update_time.as_ref().map(Cluster::millis_of) else {
        return;
    };
    let at = from
        .saturating_add(i64::from(deadline) * 1000)
        .saturating_add(1000)
        .max(c.now);
    c.schedule(at, Timer::Deployment(key.clone()));
}

// ---------- scaling ----------

/// sync.go isScalingEvent: an active ReplicaSet was sized for another replica count.
pub fn is_scaling_event(d: &Deployment, rss: &[Arc<ReplicaSet>]) -> bool {
    let replicas = deployment_replicas(d);
    rss.iter().filter(|rs| spec_replicas(rs) > 0).any(|rs| {
        rs.metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get(DESIRED_REPLICAS))
            .and_then(|v| v.parse::<i32>().ok())
            .is_some_and(|desired| desired != replicas)
    })
}

/// sync.go scaleReplicaSet: the new size and the desired/max-replicas annotations in one
/// write, and the ScalingReplicaSet event when the size changed. Returns the stored copy.
pub fn scale_replicaset(
    c: &mut Cluster,
    d: &Arc<Deployment>,
    rs: &Arc<ReplicaSet>,
    new_scale: i32,
) -> Arc<ReplicaSet> {
    let replicas = deployment_replicas(d);
    let desired = replicas.to_string();
    let max = replicas.saturating_add(max_surge(d, replicas)).to_string();
    let from = spec_replicas(rs);
    let notes = rs.metadata.annotations.as_ref();
    let notes_current = notes.and_then(|a| a.get(DESIRED_REPLICAS)) == Some(&desired)
        && notes.and_then(|a| a.get(MAX_REPLICAS)) == Some(&max);
    if from == new_scale && notes_current {
        return rs.clone();
    }
    let mut copy = rs.clone();
    let m = Arc::make_mut(&mut copy);
    if let Some(s) = m.spec.as_mut() {
        s.replicas = Some(new_scale);
    }
    let ann = m.metadata.annotations.get_or_insert_with(Default::default);
    ann.insert(DESIRED_REPLICAS.into(), desired);
    ann.insert(MAX_REPLICAS.into(), max);
    let name = m.metadata.name.clone().unwrap_or_default();
    let key = Key::new(
        "ReplicaSet",
        m.metadata.namespace.as_deref().unwrap_or(""),
        &name,
    );
    write_replicaset(c, copy, rs);
    if from != new_scale {
        let verb = if new_scale > from { "up" } else { "down" };
        c.record_event(
            &Object::from(d.clone()),
            "Normal",
            "ScalingReplicaSet",
            &format!("Scaled {verb} replica set {name} from {from} to {new_scale}"),
            "deployment-controller",
            None,
        );
    }
    match c.store.get(&key) {
        Some(Object::ReplicaSet(stored)) => stored.clone(),
        _ => rs.clone(),
    }
}

/// A controller's update of a ReplicaSet, as the API server stores it: a changed spec
/// bumps metadata.generation (registry/apps/replicaset/strategy.go PrepareForUpdate).
pub fn write_replicaset(c: &mut Cluster, mut rs: Arc<ReplicaSet>, old: &ReplicaSet) {
    if rs.spec != old.spec {
        let m = Arc::make_mut(&mut rs);
        m.metadata.generation = Some(old.metadata.generation.unwrap_or(1).saturating_add(1));
    }
    c.store.put(Object::from(rs));
}

/// deploymentutil.FindActiveOrLatest: the only ReplicaSet with replicas, or the newest
/// one when none has any; `None` when several have replicas.
fn active_or_latest(
    new_rs: Option<&Arc<ReplicaSet>>,
    olds: &[Arc<ReplicaSet>],
) -> Option<Arc<ReplicaSet>> {
    let mut olds: Vec<&Arc<ReplicaSet>> = olds.iter().collect();
    crate::sort::sort_by_key(&mut olds, |rs| std::cmp::Reverse(age_key(rs)));
    let all: Vec<&Arc<ReplicaSet>> = olds.iter().copied().chain(new_rs).collect();
    let active: Vec<&&Arc<ReplicaSet>> = all.iter().filter(|rs| spec_replicas(rs) > 0).collect();
    match active.len() {
        0 => new_rs.or(olds.first().copied()).cloned(),
        1 => Some((*active[0]).clone()),
        _ => None,
    }
}

/// deploymentutil.IsSaturated: the new ReplicaSet has all the desired replicas, available.
fn is_saturated(d: &Deployment, rs: Option<&Arc<ReplicaSet>>) -> bool {
    let Some(rs) = rs else { return false };
    let replicas = deployment_replicas(d);
    let desired = rs
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(DESIRED_REPLICAS))
        .and_then(|v| v.parse::<i32>().ok());
    spec_replicas(rs) == replicas && desired == Some(replicas) && available(rs) == replicas
}

/// sync.go scale: a paused Deployment or a scaling event. One active ReplicaSet takes the
/// whole count; otherwise (a rollout in progress) the change is shared out in proportion
/// to each active ReplicaSet's size, so scaling neither hastens nor undoes the rollout.
pub fn scale(
    c: &mut Cluster,
    d: &Arc<Deployment>,
    new_rs: Option<&Arc<ReplicaSet>>,
    olds: &[Arc<ReplicaSet>],
) {
    let replicas = deployment_replicas(d);
    if new_rs.is_some() || !olds.is_empty() {
        if let Some(rs) = active_or_latest(new_rs, olds) {
            if spec_replicas(&rs) != replicas {
                scale_replicaset(c, d, &rs, replicas);
            }
            return;
        }
    }
    if is_saturated(d, new_rs) {
        for old in olds.iter().filter(|rs| spec_replicas(rs) > 0) {
            scale_replicaset(c, d, old, 0);
        }
        return;
    }
    if !is_rolling_update(d) {
        return;
    }
    let mut active: Vec<Arc<ReplicaSet>> = olds
        .iter()
        .chain(new_rs)
        .filter(|rs| spec_replicas(rs) > 0)
        .cloned()
        .collect();
    let current = active
        .iter()
        .map(|rs| spec_replicas(rs))
        .fold(0i32, i32::saturating_add);
    let allowed = if replicas > 0 {
        replicas.saturating_add(max_surge(d, replicas))
    } else {
        0
    };
    let to_add = allowed.saturating_sub(current);
    sort_for_scaling(&mut active, to_add);
    let sizes = proportional_sizes(d, &active, to_add);
    for (rs, size) in active.iter().zip(sizes) {
        scale_replicaset(c, d, rs, size);
    }
}

/// controller.ReplicaSetsBySizeNewer when scaling up (the newer of two equal sizes first),
/// ReplicaSetsBySizeOlder when scaling down (the older first); the largest first.
fn sort_for_scaling(rss: &mut [Arc<ReplicaSet>], to_add: i32) {
    crate::sort::sort_by(rss, |a, b| {
        let by_size = spec_replicas(b).cmp(&spec_replicas(a));
        let by_age = if to_add > 0 {
            age_key(b).cmp(&age_key(a))
        } else {
            age_key(a).cmp(&age_key(b))
        };
        by_size.then(by_age)
    });
}

/// The sizes sync.go scale gives the (sorted) active ReplicaSets: each its proportion
/// (GetProportion), and what rounding leaves over to the first, the largest.
fn proportional_sizes(d: &Deployment, rss: &[Arc<ReplicaSet>], to_add: i32) -> Vec<i32> {
    let mut added = 0;
    let mut sizes: Vec<i32> = rss
        .iter()
        .map(|rs| {
            let p = get_proportion(rs, d, to_add, added);
            added += p;
            spec_replicas(rs) + p
        })
        .collect();
    if let Some(first) = sizes.first_mut() {
        if to_add != 0 {
            *first = (*first + to_add - added).max(0);
        }
    }
    sizes
}

/// deploymentutil.GetProportion: the ReplicaSet's share of `to_add`, never beyond what
/// is left of it.
fn get_proportion(rs: &ReplicaSet, d: &Deployment, to_add: i32, added: i32) -> i32 {
    if spec_replicas(rs) == 0 || to_add == 0 || to_add == added {
        return 0;
    }
    let fraction = replicaset_fraction(rs, d);
    let allowed = to_add - added;
    if to_add > 0 {
        fraction.min(allowed)
    } else {
        fraction.max(allowed)
    }
}

/// deploymentutil.getReplicaSetFraction: the ReplicaSet's size scaled from the
/// max-replicas it was sized for to the Deployment's new replicas + maxSurge.
fn replicaset_fraction(rs: &ReplicaSet, d: &Deployment) -> i32 {
    let replicas = deployment_replicas(d);
    let size = spec_replicas(rs);
    if replicas == 0 {
        return -size;
    }
    let deployment_max = replicas.saturating_add(max_surge(d, replicas));
    let annotated = rs
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(MAX_REPLICAS))
        .and_then(|v| v.parse::<i32>().ok())
        .unwrap_or_else(|| d.status.as_ref().and_then(|s| s.replicas).unwrap_or(0));
    if annotated <= 0 {
        return 0;
    }
    // integer.RoundToInt32: math.Round, halves away from zero.
    let new_size = (f64::from(size) * f64::from(deployment_max) / f64::from(annotated)).round();
    (new_size as i32).saturating_sub(size)
}
