//! The controllers, each a function from the store to writes. `run_all` is called
//! by `Cluster::reconcile` until the store stops changing.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::hash::BuildHasherDefault;
use std::sync::Arc;

use k8s_openapi::api::apps::v1::{
    Deployment, DeploymentCondition, ReplicaSet, ReplicaSetSpec, ReplicaSetStatus,
};
use k8s_openapi::api::core::v1::{
    EndpointAddress, EndpointPort, Endpoints, LoadBalancerIngress, LoadBalancerStatus,
    ObjectReference, Pod, Service, ServiceStatus,
};
use k8s_openapi::api::discovery::v1::{Endpoint, EndpointConditions, EndpointSlice};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::deployment_util as du;
use super::resources;
use super::store::{FastHasher, Status};
use super::{kubelet, Cluster, Key};
use crate::api::{Object, Selector};

pub const POD_TEMPLATE_HASH: &str = "pod-template-hash";
pub const REVISION: &str = "deployment.kubernetes.io/revision";
const MANAGED_BY: &str = "endpointslice.kubernetes.io/managed-by";
const SERVICE_NAME: &str = "kubernetes.io/service-name";
/// The label the v1.33 endpoints controller puts on the Endpoints it manages (KEP-4974).
const ENDPOINTS_MANAGED_BY: &str = "endpoints.kubernetes.io/managed-by";
const ENDPOINT_CONTROLLER: &str = "endpoint-controller";
const LAST_CHANGE_TRIGGER_TIME: &str = "endpoints.kubernetes.io/last-change-trigger-time";
/// kube-controller-manager's `--max-endpoints-per-slice` default.
const MAX_ENDPOINTS_PER_SLICE: usize = 100;

/// One pass of every controller, in the order the real control plane tends to act.
/// Each controller works only on what changed (its queue in [`Work`]); the writes it
/// makes are sorted into the queues before the next one runs.
pub fn run_all(c: &mut Cluster) {
    deployments(c);
    absorb(c);
    replicasets(c);
    absorb(c);
    for key in c.work.statefulsets.take() {
        super::statefulsets::sync_statefulset(c, &key);
    }
    absorb(c);
    for key in c.work.cronjobs.take() {
        super::cronjobs::sync_cronjob(c, &key);
    }
    absorb(c);
    for key in c.work.jobs.take() {
        super::jobs::sync_job(c, &key);
    }
    absorb(c);
    for key in c.work.daemonsets.take() {
        super::daemonsets::sync_daemonset(c, &key);
    }
    absorb(c);
    garbage_collect(c);
    absorb(c);
    schedule(c);
    absorb(c);
    endpoints(c);
    absorb(c);
    if std::mem::take(&mut c.work.load_balancers) {
        load_balancers(c);
        absorb(c);
    }
    if std::mem::take(&mut c.work.namespaces) {
        namespaces(c);
        absorb(c);
    }
    if !c.work.nodes.is_empty() {
        let nodes = std::mem::take(&mut c.work.nodes);
        node_taints(c, nodes);
        absorb(c);
    }
}

// ---------- work queues ----------

/// What each controller still has to look at: the informers' work queues. Filled from
/// the store's journal by [`absorb`], so work for one change never grows with the
/// number of unrelated objects.
#[derive(Debug, Clone, Default)]
pub(crate) struct Work {
    deployments: KeyQueue,
    replicasets: KeyQueue,
    statefulsets: KeyQueue,
    jobs: KeyQueue,
    cronjobs: KeyQueue,
    daemonsets: KeyQueue,
    /// Objects whose owners may be gone.
    garbage: KeyQueue,
    /// Pods that may need a node or a kubelet.
    unbound: KeyQueue,
    /// A bound pod went away or finished, freeing node resources: the pods the
    /// NodeResourcesFit filter rejected are tried again (its queueing hint for an
    /// assigned pod's deletion is Queue).
    freed: bool,
    /// Pods the NodeResourcesFit filter turned away (what `freed` retries), so a freed
    /// node does not make the scheduler look at every pod.
    unfit: BTreeSet<Key>,
    /// Services whose EndpointSlices and Endpoints may be stale.
    services: KeyQueue,
    /// Nodes whose taints may not match `spec.unschedulable`.
    nodes: BTreeSet<String>,
    pub(crate) load_balancers: bool,
    /// A Namespace changed or something was removed: a terminating namespace may be empty now.
    namespaces: bool,
    /// Deployment uid -> (generation, pod-template-hash): a cache, not work.
    pub(crate) template_hashes: BTreeMap<String, (i64, String)>,
}

/// One controller's queue: keys are added in any order and any number of times (one
/// pod change adds its ReplicaSet again), and handed out once each, in key order, so
/// the controllers' work is deterministic. A hash set makes the repeated adds cheap.
#[derive(Debug, Clone, Default)]
pub(crate) struct KeyQueue(HashSet<Key, BuildHasherDefault<FastHasher>>);

impl KeyQueue {
    fn insert(&mut self, key: Key) {
        self.0.insert(key);
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Everything queued, in key order; the queue is left empty.
    pub(crate) fn take(&mut self) -> Vec<Key> {
        // Drained, not taken: the table keeps its room for the next round of keys.
        let mut keys: Vec<Key> = self.0.drain().collect();
        keys.sort_unstable();
        keys
    }
}

impl Extend<Key> for KeyQueue {
    fn extend<I: IntoIterator<Item = Key>>(&mut self, keys: I) {
        self.0.extend(keys);
    }
}

impl Work {
    /// A Deployment's resync at a time it asked for (`Timer::Deployment`).
    pub(crate) fn requeue_deployment(&mut self, key: Key) {
        self.deployments.insert(key);
    }

    /// A Job's resync at a time it asked for (`Timer::Job`).
    pub(crate) fn requeue_job(&mut self, key: Key) {
        self.jobs.insert(key);
    }

    /// A CronJob's resync at its next schedule time (`Timer::CronJob`).
    pub(crate) fn requeue_cronjob(&mut self, key: Key) {
        self.cronjobs.insert(key);
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.deployments.is_empty()
            && self.replicasets.is_empty()
            && self.statefulsets.is_empty()
            && self.jobs.is_empty()
            && self.cronjobs.is_empty()
            && self.daemonsets.is_empty()
            && self.garbage.is_empty()
            && self.unbound.is_empty()
            && !self.freed
            && self.services.is_empty()
            && !self.load_balancers
            && !self.namespaces
    }
}

/// Sorts the store's recent writes into the controllers' queues.
pub(crate) fn absorb(c: &mut Cluster) {
    let journal = c.store.take_journal();
    for (key, old) in &journal {
        let new = c.store.get(key);
        note_change(&c.store, &mut c.work, key, old.as_ref(), new);
    }
}

/// Queues everything, as after a restart of the controller manager.
pub(crate) fn queue_everything(c: &mut Cluster) {
    for obj in c.store.all() {
        note_change(&c.store, &mut c.work, &Key::of(obj), None, Some(obj));
    }
    c.work.load_balancers = true;
    c.work.namespaces = true;
}

/// Whether a write only changed the status (and resourceVersion): the write a
/// controller makes after syncing, which gives it nothing new to do.
fn own_status_write(old: Option<&Object>, new: Option<&Object>) -> bool {
    // Every field but resourceVersion (destructured, so a new field is not missed).
    let same_meta = |a: &ObjectMeta, b: &ObjectMeta| {
        let ObjectMeta {
            annotations,
            creation_timestamp,
            deletion_grace_period_seconds,
            deletion_timestamp,
            finalizers,
            generate_name,
            generation,
            labels,
            managed_fields,
            name,
            namespace,
            owner_references,
            resource_version: _,
            self_link,
            uid,
        } = a;
        *annotations == b.annotations
            && *creation_timestamp == b.creation_timestamp
            && *deletion_grace_period_seconds == b.deletion_grace_period_seconds
            && *deletion_timestamp == b.deletion_timestamp
            && *finalizers == b.finalizers
            && *generate_name == b.generate_name
            && *generation == b.generation
            && *labels == b.labels
            && *managed_fields == b.managed_fields
            && *name == b.name
            && *namespace == b.namespace
            && *owner_references == b.owner_references
            && *self_link == b.self_link
            && *uid == b.uid
    };
    match (old, new) {
        (Some(Object::Deployment(a)), Some(Object::Deployment(b))) => {
            a.spec == b.spec && same_meta(&a.metadata, &b.metadata)
        }
        (Some(Object::ReplicaSet(a)), Some(Object::ReplicaSet(b))) => {
            a.spec == b.spec && same_meta(&a.metadata, &b.metadata)
        }
        _ => false,
    }
}

/// Who must look again because `key` went from `old` to `new` (either may be absent).
fn note_change(
    store: &super::Store,
    work: &mut Work,
    key: &Key,
    old: Option<&Object>,
    new: Option<&Object>,
) {
    let ns = key.namespace.as_str();
    let versions = || old.into_iter().chain(new);
    let owner_key = |m: &ObjectMeta, kind: &str| {
        controller_uid(m)
            .and_then(|uid| store.key_of_uid(uid))
            .filter(|k| k.kind == kind)
            .cloned()
    };
    match key.kind {
        "Pod" => {
            for o in versions() {
                if let Some(rs) = owner_key(o.meta(), "ReplicaSet") {
                    // The Deployment too: Recreate waits for the old pods to be gone.
                    if let Some(d) = store
                        .get(&rs)
                        .and_then(|r| owner_key(r.meta(), "Deployment"))
                    {
                        work.deployments.insert(d);
                    }
                    work.replicasets.insert(rs);
                }
                work.statefulsets.extend(owner_key(o.meta(), "StatefulSet"));
                work.jobs.extend(owner_key(o.meta(), "Job"));
                work.daemonsets.extend(owner_key(o.meta(), "DaemonSet"));
                for (k, v) in o.meta().labels.iter().flatten() {
                    work.services
                        .extend(store.services_selecting(ns, k, v).cloned());
                }
            }
            let bound = |o: &Object| matches!(o, Object::Pod(p) if p.spec.as_ref().is_some_and(|s| s.node_name.is_some()));
            match new {
                None if old.is_none_or(bound) => work.freed = !work.unfit.is_empty(),
                Some(o @ Object::Pod(p)) if resources::is_finished(p) && bound(o) => {
                    work.freed = !work.unfit.is_empty()
                }
                _ => {}
            }
            if let Some(Object::Pod(p)) = new {
                if !is_terminating(&p.metadata) {
                    if controller_uid(&p.metadata).is_none() {
                        // An orphan: any ReplicaSet here may adopt it.
                        work.replicasets
                            .extend(store.list_ns("ReplicaSet", ns).map(Key::of));
                    }
                    work.unbound.insert(key.clone());
                }
            }
        }
        "ReplicaSet" => {
            if !own_status_write(old, new) {
                work.replicasets.insert(key.clone());
            }
            for o in versions() {
                work.deployments.extend(owner_key(o.meta(), "Deployment"));
            }
        }
        "Deployment" if new.is_none() => {
            // Gone: its cached template hash goes too.
            if let Some(uid) = old.and_then(|o| o.meta().uid.as_deref()) {
                work.template_hashes.remove(uid);
            }
        }
        "Deployment" if !own_status_write(old, new) => {
            work.deployments.insert(key.clone());
        }
        "StatefulSet" if new.is_some() => {
            work.statefulsets.insert(key.clone());
        }
        "Job" => {
            if new.is_some() {
                work.jobs.insert(key.clone());
            }
            for o in versions() {
                work.cronjobs.extend(owner_key(o.meta(), "CronJob"));
            }
        }
        "CronJob" if new.is_some() => {
            work.cronjobs.insert(key.clone());
        }
        "DaemonSet" if new.is_some() => {
            work.daemonsets.insert(key.clone());
        }
        "Service" => {
            work.services.insert(key.clone());
            work.load_balancers = true;
        }
        "Endpoints" => {
            work.services.insert(Key::new("Service", ns, &key.name));
        }
        "EndpointSlice" => {
            for o in versions() {
                if let Some(svc) = o.meta().labels.as_ref().and_then(|l| l.get(SERVICE_NAME)) {
                    work.services.insert(Key::new("Service", ns, svc));
                }
            }
        }
        "Node" => {
            // Room may have appeared (or gone): every unbound pod is looked at again.
            work.unbound.extend(store.list("Pod").map(Key::of));
            // A node's labels, taints or existence decide where daemon pods run.
            work.daemonsets.extend(store.list("DaemonSet").map(Key::of));
            if new.is_some() {
                work.nodes.insert(key.name.clone());
            }
        }
        _ => {}
    }
    if key.kind == "Namespace" || new.is_none() {
        work.namespaces = true;
    }
    // The garbage collector: a new owner list to check, or dependents of what went.
    if let Some(o) = new {
        if o.meta()
            .owner_references
            .as_ref()
            .is_some_and(|r| !r.is_empty())
        {
            work.garbage.insert(key.clone());
        }
    } else if let Some(uid) = old.and_then(|o| o.meta().uid.as_deref()) {
        work.garbage.extend(store.dependents(uid).cloned());
    }
}

// ---------- helpers ----------

pub fn is_pod_ready(pod: &Pod) -> bool {
    pod.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

pub fn is_terminating(obj_meta: &ObjectMeta) -> bool {
    obj_meta.deletion_timestamp.is_some()
}

fn is_terminal(pod: &Pod) -> bool {
    matches!(
        pod.status.as_ref().and_then(|s| s.phase.as_deref()),
        Some("Succeeded") | Some("Failed")
    )
}

pub(crate) fn controller_uid(m: &ObjectMeta) -> Option<&str> {
    m.owner_references
        .as_ref()?
        .iter()
        .find(|o| o.controller == Some(true))
        .map(|o| o.uid.as_str())
}

pub(crate) fn owner_ref(kind: &str, api_version: &str, m: &ObjectMeta) -> OwnerReference {
    OwnerReference {
        api_version: api_version.into(),
        kind: kind.into(),
        name: m.name.clone().unwrap_or_default(),
        uid: m.uid.clone().unwrap_or_default(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }
}

fn as_pod(o: &Object) -> Option<&Pod> {
    match o {
        Object::Pod(p) => Some(p),
        _ => None,
    }
}

/// The workload kept as JSON at `key` that a controller syncs: `None` when it is gone
/// or being deleted.
pub(crate) fn live_generic(c: &Cluster, key: &Key) -> Option<Arc<crate::api::GenericObject>> {
    match c.store.get(key) {
        Some(Object::Generic(g)) if !is_terminating(&g.metadata) => Some(g.clone()),
        _ => None,
    }
}

/// Whether a StatefulSet's or DaemonSet's `updateStrategy` (JSON) is RollingUpdate,
/// the default.
pub(crate) fn rolling_update(strategy: Option<&serde_json::Value>) -> bool {
    strategy
        .and_then(|s| s.get("type"))
        .and_then(serde_json::Value::as_str)
        .unwrap_or("RollingUpdate")
        == "RollingUpdate"
}

/// Writes `status` into a workload kept as JSON, unless it already says that.
pub(crate) fn put_status(
    c: &mut Cluster,
    obj: &crate::api::GenericObject,
    status: serde_json::Value,
) {
    if obj.body.get("status") == Some(&status) {
        return;
    }
    let mut obj = obj.clone();
    obj.body.insert("status".into(), status);
    c.store.put(Object::Generic(Arc::new(obj)));
}

/// A free name `BASE-<5 random>` for a pod made with `generateName: BASE-` (the prefix
/// cut to 58 characters, as names.SimpleNameGenerator does); gives the name and prefix.
pub(crate) fn generated_pod_name(c: &mut Cluster, ns: &str, base: &str) -> (String, String) {
    let prefix: String = format!("{base}-").chars().take(58).collect();
    let mut name = format!("{prefix}{}", c.rand_suffix(5));
    while c.get("Pod", ns, &name).is_some() {
        name = format!("{prefix}{}", c.rand_suffix(5));
    }
    (name, prefix)
}

/// A pod a controller creates from its template (controller_utils.go
/// GetPodFromTemplate, then what the API server adds on create): Pending with its QoS
/// class, the service account token volume, the pod defaults. `metadata` carries the
/// name, owner and what the controller adds; uid and creation time are filled here.
pub(crate) fn new_controlled_pod(
    c: &mut Cluster,
    metadata: ObjectMeta,
    spec: Option<k8s_openapi::api::core::v1::PodSpec>,
) -> Object {
    let qos = crate::manifest::defaults::qos_class(spec.as_ref());
    let mut pod = Pod {
        metadata: ObjectMeta {
            uid: Some(c.store.new_uid()),
            creation_timestamp: Some(c.now_time()),
            ..metadata
        },
        spec,
        status: Some(k8s_openapi::api::core::v1::PodStatus {
            phase: Some("Pending".into()),
            qos_class: Some(qos.into()),
            ..Default::default()
        }),
    };
    crate::manifest::defaults::mount_service_account_token(&mut pod);
    let mut pod = Object::from(pod);
    crate::manifest::defaults::apply_defaults(&mut pod);
    pod
}

/// Pods whose controller is the object with this uid, in key order.
pub(crate) fn controlled_pods<'a>(
    c: &'a Cluster,
    uid: &'a str,
) -> impl Iterator<Item = &'a Pod> + 'a {
    c.store
        .dependents(uid)
        .filter(|k| k.kind == "Pod")
        .filter_map(|k| c.store.get(k).and_then(as_pod))
        .filter(move |p| controller_uid(&p.metadata) == Some(uid))
}

/// Pods in `ns` that can match a selector with these equality pairs: the pods carrying
/// the rarest pair (a superset of the matches; callers still match), or every pod in
/// the namespace when there is no pair. Key order.
fn candidate_pods<'a>(
    c: &'a Cluster,
    ns: &str,
    pairs: impl Iterator<Item = (&'a String, &'a String)>,
) -> Vec<&'a Pod> {
    let mut rarest: Option<&BTreeSet<Key>> = None;
    let mut any = false;
    for (k, v) in pairs {
        any = true;
        match c.store.pods_labelled(ns, k, v) {
            None => return Vec::new(),
            Some(set) if rarest.is_none_or(|r| set.len() < r.len()) => rarest = Some(set),
            Some(_) => {}
        }
    }
    match rarest {
        Some(set) => set
            .iter()
            .filter_map(|k| c.store.get(k).and_then(as_pod))
            .collect(),
        None if any => Vec::new(),
        None => c.store.list_ns("Pod", ns).filter_map(as_pod).collect(),
    }
}

/// FNV-1a over the template's JSON, printed like `rand.SafeEncodeString` prints the
/// real hash (so it looks like `7c5ddbdf54`).
pub fn template_hash(template: &serde_json::Value) -> String {
    let text = serde_json::to_string(template).unwrap_or_default();
    let mut h: u32 = 0x811c_9dc5;
    for b in text.bytes() {
        h ^= b as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    h.to_string()
        .bytes()
        .map(|b| ALPHANUMS[b as usize % ALPHANUMS.len()] as char)
        .collect()
}

/// 25% style values against a total (`intstr.GetScaledValueFromIntOrPercent`).
fn scaled(v: Option<&IntOrString>, total: i32, round_up: bool, default: &str) -> i32 {
    let v = v.cloned().unwrap_or(IntOrString::String(default.into()));
    match v {
        IntOrString::Int(n) => n,
        IntOrString::String(s) => {
            let pct: i64 = s.trim_end_matches('%').parse().unwrap_or(25);
            let num = pct.saturating_mul(total as i64);
            (if round_up {
                num.saturating_add(99) / 100
            } else {
                num / 100
            })
            .clamp(i32::MIN as i64, i32::MAX as i64) as i32
        }
    }
}

// ---------- Deployment ----------

fn deployments(c: &mut Cluster) {
    for key in c.work.deployments.take() {
        let Some(Object::Deployment(d)) = c.store.get(&key) else {
            continue;
        };
        if is_terminating(&d.metadata) {
            continue;
        }
        sync_deployment(c, &key, d.clone());
    }
}

fn owned_replicasets(c: &Cluster, ns: &str, uid: &str) -> Vec<Arc<ReplicaSet>> {
    c.store
        .dependents(uid)
        .filter(|k| k.kind == "ReplicaSet" && k.namespace == ns)
        .filter_map(|k| match c.store.get(k) {
            Some(Object::ReplicaSet(rs)) if controller_uid(&rs.metadata) == Some(uid) => {
                Some(rs.clone())
            }
            _ => None,
        })
        .collect()
}

fn revision_of(m: &ObjectMeta) -> i64 {
    m.annotations
        .as_ref()
        .and_then(|a| a.get(REVISION))
        .and_then(|r| r.parse().ok())
        .unwrap_or(0)
}

/// Deployment annotations the deployment controller keeps off its ReplicaSets and
/// `kubectl rollout undo` keeps on the Deployment (deployment util `annotationsToSkip`).
pub const NOT_COPIED_ANNOTATIONS: [&str; 6] = [
    "kubectl.kubernetes.io/last-applied-configuration",
    REVISION,
    "deployment.kubernetes.io/revision-history",
    "deployment.kubernetes.io/desired-replicas",
    "deployment.kubernetes.io/max-replicas",
    "deprecated.deployment.rollback.to",
];

/// deployment util `copyDeploymentAnnotationsToReplicaSet`: the new ReplicaSet carries the
/// Deployment's own annotations (e.g. `kubernetes.io/change-cause`, which `kubectl rollout
/// history` shows), except last-applied-configuration and the controller's bookkeeping.
fn copy_deployment_annotations(d: &ObjectMeta, rs: &mut BTreeMap<String, String>) {
    for (k, v) in d.annotations.iter().flatten() {
        if !NOT_COPIED_ANNOTATIONS.contains(&k.as_str()) && rs.get(k) != Some(v) {
            rs.insert(k.clone(), v.clone());
        }
    }
}

/// deployment_controller.go syncDeployment: checkPausedConditions, then `sync` (sync.go)
/// for a paused Deployment or a scaling event, else the strategy's rollout.
fn sync_deployment(c: &mut Cluster, key: &Key, d: Arc<Deployment>) {
    let Some(spec) = d.spec.as_ref() else { return };
    let ns = d.metadata.namespace.clone().unwrap_or_default();
    let uid = d.metadata.uid.clone().unwrap_or_default();
    let hash = deployment_hash(c, &d, &uid);
    let rss = owned_replicasets(c, &ns, &uid);
    let max_rev = rss
        .iter()
        .map(|r| revision_of(&r.metadata))
        .max()
        .unwrap_or(0);
    let existing_new = rss
        .iter()
        .find(|rs| {
            rs.metadata
                .labels
                .as_ref()
                .and_then(|l| l.get(POD_TEMPLATE_HASH))
                == Some(&hash)
        })
        .cloned();
    let mut conds = d
        .status
        .as_ref()
        .and_then(|s| s.conditions.clone())
        .unwrap_or_default();
    du::check_paused_conditions(&d, &mut conds, &c.now_time());
    let paused = spec.paused == Some(true);
    if paused || du::is_scaling_event(&d, &rss) {
        sync_scaling(c, key, d, conds, existing_new, max_rev);
    } else {
        rollout(c, key, d, conds, existing_new, max_rev, &hash);
    }
}

/// The pod-template-hash of the Deployment's template (without the hash label itself).
/// The template only changes with the generation, so the hash is kept per generation.
fn deployment_hash(c: &mut Cluster, d: &Deployment, uid: &str) -> String {
    let generation = d.metadata.generation.unwrap_or(0);
    match c.work.template_hashes.get(uid) {
        Some((g, h)) if *g == generation => h.clone(),
        _ => {
            let template = d.spec.as_ref().map(|s| &s.template);
            let h = template_hash(&serde_json::to_value(template).unwrap_or_default());
            c.work
                .template_hashes
                .insert(uid.to_string(), (generation, h.clone()));
            h
        }
    }
}

/// The Deployment's ReplicaSets other than `new`, oldest revision first.
fn old_replicasets(
    c: &Cluster,
    d: &Deployment,
    new: Option<&Arc<ReplicaSet>>,
) -> Vec<Arc<ReplicaSet>> {
    let ns = d.metadata.namespace.as_deref().unwrap_or_default();
    let uid = d.metadata.uid.as_deref().unwrap_or_default();
    let new_uid = new.and_then(|rs| rs.metadata.uid.as_deref());
    let mut olds: Vec<Arc<ReplicaSet>> = owned_replicasets(c, ns, uid)
        .into_iter()
        .filter(|rs| rs.metadata.uid.as_deref() != new_uid)
        .collect();
    crate::sort::sort_by_key(&mut olds, |rs| revision_of(&rs.metadata));
    olds
}

/// sync.go sync: a paused Deployment or a scaling event. No new ReplicaSet is made (a
/// paused Deployment's new template waits for resume); the ReplicaSets are scaled
/// (`deployment_util::scale`) and the status counts synced, Progressing left as it is.
fn sync_scaling(
    c: &mut Cluster,
    key: &Key,
    d: Arc<Deployment>,
    conds: Vec<DeploymentCondition>,
    existing_new: Option<Arc<ReplicaSet>>,
    max_rev: i64,
) {
    let new_rs = existing_new.map(|rs| sync_new_rs_annotations(c, &d, rs, max_rev));
    let olds = old_replicasets(c, &d, new_rs.as_ref());
    du::scale(c, &d, new_rs.as_ref(), &olds);
    if d.spec.as_ref().and_then(|s| s.paused) == Some(true) {
        let olds = old_replicasets(c, &d, new_rs.as_ref());
        cleanup_deployment(c, &d, &olds);
    }
    let new_uid = new_rs.and_then(|rs| rs.metadata.uid.clone());
    write_deployment_status(c, key, d, conds, new_uid, false);
}

/// getNewReplicaSet for an existing new ReplicaSet (SetNewReplicaSetAnnotations): the
/// Deployment's own annotations, and the newest revision (a rollback to an old template
/// makes that ReplicaSet the newest). Returns the stored copy.
fn sync_new_rs_annotations(
    c: &mut Cluster,
    d: &Deployment,
    rs: Arc<ReplicaSet>,
    max_rev: i64,
) -> Arc<ReplicaSet> {
    let stale_revision = revision_of(&rs.metadata) < max_rev;
    let copied = rs.metadata.annotations.as_ref().is_some_and(|a| {
        d.metadata
            .annotations
            .iter()
            .flatten()
            .all(|(k, v)| NOT_COPIED_ANNOTATIONS.contains(&k.as_str()) || a.get(k) == Some(v))
    });
    if !stale_revision && copied {
        return rs;
    }
    let mut copy = rs.clone();
    let ann = Arc::make_mut(&mut copy)
        .metadata
        .annotations
        .get_or_insert_with(Default::default);
    copy_deployment_annotations(&d.metadata, ann);
    if stale_revision {
        ann.insert(REVISION.into(), (max_rev + 1).to_string());
    }
    let rs_key = Key::of(&Object::from(copy.clone()));
    du::write_replicaset(c, copy, &rs);
    match c.store.get(&rs_key) {
        Some(Object::ReplicaSet(stored)) => stored.clone(),
        _ => rs,
    }
}

/// getNewReplicaSet creating the new ReplicaSet: sized by NewRSNewReplicas, with the
/// desired/max-replicas annotations and the next revision; Progressing becomes
/// NewReplicaSetCreated.
fn create_new_replicaset(
    c: &mut Cluster,
    d: &Arc<Deployment>,
    conds: &mut Vec<DeploymentCondition>,
    hash: &str,
    max_rev: i64,
) -> Option<Arc<ReplicaSet>> {
    let spec = d.spec.as_ref()?;
    let ns = d.metadata.namespace.clone().unwrap_or_default();
    let name = d.metadata.name.clone().unwrap_or_default();
    let uid = d.metadata.uid.clone().unwrap_or_default();
    let replicas = spec.replicas.unwrap_or(1);
    let rs_name = format!("{name}-{hash}");
    let mut template = spec.template.clone();
    let meta = template.metadata.get_or_insert_with(Default::default);
    meta.labels
        .get_or_insert_with(Default::default)
        .insert(POD_TEMPLATE_HASH.into(), hash.to_string());
    let mut selector = spec.selector.clone();
    selector
        .match_labels
        .get_or_insert_with(Default::default)
        .insert(POD_TEMPLATE_HASH.into(), hash.to_string());
    let labels = meta.labels.clone().unwrap_or_default();
    let mut annotations = BTreeMap::new();
    annotations.insert(du::DESIRED_REPLICAS.into(), replicas.to_string());
    annotations.insert(
        du::MAX_REPLICAS.into(),
        replicas.saturating_add(max_surge(d, replicas)).to_string(),
    );
    annotations.insert(REVISION.into(), (max_rev + 1).to_string());
    copy_deployment_annotations(&d.metadata, &mut annotations);
    let olds = owned_replicasets(c, &ns, &uid);
    let initial = initial_new_replicas(d, replicas, &olds);
    let rs = ReplicaSet {
        metadata: ObjectMeta {
            name: Some(rs_name.clone()),
            namespace: Some(ns.clone()),
            labels: Some(labels),
            annotations: Some(annotations),
            owner_references: Some(vec![owner_ref("Deployment", "apps/v1", &d.metadata)]),
            uid: Some(c.store.new_uid()),
            creation_timestamp: Some(c.now_time()),
            generation: Some(1),
            ..Default::default()
        },
        spec: Some(ReplicaSetSpec {
            replicas: Some(initial),
            min_ready_seconds: spec.min_ready_seconds,
            selector,
            template: Some(template),
        }),
        status: Some(ReplicaSetStatus {
            replicas: 0,
            ..Default::default()
        }),
    };
    if initial > 0 {
        c.record_event(
            &Object::from(d.clone()),
            "Normal",
            "ScalingReplicaSet",
            &format!("Scaled up replica set {rs_name} from 0 to {initial}"),
            "deployment-controller",
            None,
        );
    }
    c.store.put(Object::from(rs));
    if du::progress_deadline(d).is_some() {
        let msg = format!("Created new replica set \"{rs_name}\"");
        let cond = du::new_condition(
            "Progressing",
            "True",
            "NewReplicaSetCreated",
            msg,
            &c.now_time(),
        );
        du::set_condition(conds, cond);
    }
    match c.store.get(&Key::new("ReplicaSet", &ns, &rs_name)) {
        Some(Object::ReplicaSet(rs)) => Some(rs.clone()),
        _ => None,
    }
}

/// rolloutRolling / rolloutRecreate: the new ReplicaSet (made if missing), the sizes the
/// strategy allows, then syncRolloutStatus.
fn rollout(
    c: &mut Cluster,
    key: &Key,
    d: Arc<Deployment>,
    mut conds: Vec<DeploymentCondition>,
    existing_new: Option<Arc<ReplicaSet>>,
    max_rev: i64,
    hash: &str,
) {
    let new_rs = match existing_new {
        Some(rs) => sync_new_rs_annotations(c, &d, rs, max_rev),
        // recreate.go rolloutRecreate: the new ReplicaSet is made only once the old ones
        // are scaled to 0 and none of their pods is left outside a terminal phase
        // (oldPodsRunning); until then only the status is synced.
        None if is_recreate(&d) && old_pods_running(c, &old_replicasets(c, &d, None)) => {
            for rs in old_replicasets(c, &d, None) {
                if du::spec_replicas(&rs) != 0 {
                    du::scale_replicaset(c, &d, &rs, 0);
                }
            }
            write_deployment_status(c, key, d, conds, None, true);
            return;
        }
        None => match create_new_replicaset(c, &d, &mut conds, hash, max_rev) {
            Some(rs) => rs,
            None => return,
        },
    };
    let olds = old_replicasets(c, &d, Some(&new_rs));
    let (desired_new, old_targets) = rollout_targets(c, &d, &new_rs, &olds);
    du::scale_replicaset(c, &d, &new_rs, desired_new);
    for (rs, target) in olds.iter().zip(old_targets) {
        if du::spec_replicas(rs) != target {
            du::scale_replicaset(c, &d, rs, target);
        }
    }
    cleanup_deployment(c, &d, &olds);
    let new_uid = new_rs.metadata.uid.clone();
    write_deployment_status(c, key, d, conds, new_uid, true);
}

fn is_recreate(d: &Deployment) -> bool {
    d.spec
        .as_ref()
        .and_then(|s| s.strategy.as_ref())
        .and_then(|s| s.type_.as_deref())
        == Some("Recreate")
}

/// recreate.go oldPodsRunning: an old ReplicaSet still wants or reports pods, or one of
/// its pods is not Succeeded or Failed (a pod being deleted reports its terminal phase
/// before it goes).
fn old_pods_running(c: &Cluster, olds: &[Arc<ReplicaSet>]) -> bool {
    olds.iter().any(|rs| {
        let reported = rs.status.as_ref().map_or(0, |s| s.replicas);
        let uid = rs.metadata.uid.as_deref().unwrap_or_default();
        du::spec_replicas(rs) > 0
            || reported > 0
            || controlled_pods(c, uid).any(|p| {
                let phase = p.status.as_ref().and_then(|s| s.phase.as_deref());
                !matches!(phase, Some("Succeeded" | "Failed"))
            })
    })
}

/// The sizes of the new and the old ReplicaSets the strategy allows now.
fn rollout_targets(
    c: &Cluster,
    d: &Deployment,
    new_rs: &ReplicaSet,
    olds: &[Arc<ReplicaSet>],
) -> (i32, Vec<i32>) {
    let replicas = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
    let rs_replicas = du::spec_replicas;
    let recreate = is_recreate(d);
    let mut old_targets: Vec<i32> = olds.iter().map(|rs| rs_replicas(rs)).collect();
    if recreate {
        old_targets.iter_mut().for_each(|t| *t = 0);
        let desired_new = if old_pods_running(c, olds) {
            du::spec_replicas(new_rs)
        } else {
            replicas
        };
        return (desired_new, old_targets);
    }
    if olds.iter().all(|rs| rs_replicas(rs) == 0) {
        return (replicas, old_targets);
    }
    let desired_new = rolling_new_replicas(d, replicas, new_rs, &old_targets);
    scale_down_olds(d, replicas, desired_new, new_rs, olds, &mut old_targets);
    (desired_new, old_targets)
}

/// rolling.go reconcileNewReplicaSet (deploymentutil.NewRSNewReplicas): surge up to
/// replicas + maxSurge pods in all, never beyond the desired replicas.
fn rolling_new_replicas(
    d: &Deployment,
    replicas: i32,
    new_rs: &ReplicaSet,
    old_targets: &[i32],
) -> i32 {
    let now_new = du::spec_replicas(new_rs);
    if now_new > replicas {
        return replicas;
    }
    if now_new == replicas {
        return now_new;
    }
    let current = old_targets
        .iter()
        .fold(now_new, |a, b| a.saturating_add(*b));
    let max_total = replicas.saturating_add(max_surge(d, replicas));
    if current >= max_total {
        return now_new;
    }
    now_new.saturating_add((max_total - current).min(replicas - now_new))
}

/// rolling.go reconcileOldReplicaSets with the new ReplicaSet's new size (upstream does
/// it in the sync its own scale-up triggers, before any pod status has changed: the same
/// numbers): old ReplicaSets shrink only within maxScaledDown = all pods - minAvailable -
/// unavailable new pods, unhealthy pods first (cleanupUnhealthyReplicas), then available
/// pods beyond minAvailable (scaleDownOldReplicaSetsForRollingUpdate), oldest first.
fn scale_down_olds(
    d: &Deployment,
    replicas: i32,
    desired_new: i32,
    new_rs: &ReplicaSet,
    olds: &[Arc<ReplicaSet>],
    old_targets: &mut [i32],
) {
    let available = |rs: &ReplicaSet| {
        rs.status
            .as_ref()
            .and_then(|s| s.available_replicas)
            .unwrap_or(0)
    };
    let old_count: i32 = old_targets.iter().fold(0, |a, b| a.saturating_add(*b));
    let all_count = old_count.saturating_add(desired_new);
    let min_available = replicas.saturating_sub(max_unavailable(d, replicas));
    let new_unavailable = desired_new.saturating_sub(available(new_rs));
    let max_scaled_down = all_count
        .saturating_sub(min_available)
        .saturating_sub(new_unavailable);
    if old_count <= 0 || max_scaled_down <= 0 {
        return;
    }
    // Oldest first (controller.ReplicaSetsByCreationTimestamp).
    let mut by_age: Vec<usize> = (0..olds.len()).collect();
    crate::sort::sort_by_key(&mut by_age, |&i| {
        let m = &olds[i].metadata;
        (
            m.creation_timestamp.as_ref().map(Cluster::millis_of),
            m.name.clone(),
        )
    });
    let mut cleaned = 0;
    for &i in &by_age {
        if cleaned >= max_scaled_down {
            break;
        }
        let unhealthy = old_targets[i] - available(&olds[i]);
        if old_targets[i] == 0 || unhealthy <= 0 {
            continue;
        }
        let cut = (max_scaled_down - cleaned).min(unhealthy);
        old_targets[i] -= cut;
        cleaned += cut;
    }
    let all_available: i32 = available(new_rs) + olds.iter().map(|rs| available(rs)).sum::<i32>();
    let to_cut = all_available - min_available;
    let mut cut_so_far = 0;
    for &i in &by_age {
        if cut_so_far >= to_cut {
            break;
        }
        if old_targets[i] == 0 {
            continue;
        }
        let cut = old_targets[i].min(to_cut - cut_so_far);
        old_targets[i] -= cut;
        cut_so_far += cut;
    }
}

/// Revision history limit: drop the oldest empty old ReplicaSets beyond the limit
/// (sync.go cleanupDeployment).
fn cleanup_deployment(c: &mut Cluster, d: &Deployment, olds: &[Arc<ReplicaSet>]) {
    let ns = d.metadata.namespace.as_deref().unwrap_or_default();
    let limit = d
        .spec
        .as_ref()
        .and_then(|s| s.revision_history_limit)
        .unwrap_or(10)
        .max(0) as usize;
    let empty_olds: Vec<&Arc<ReplicaSet>> = olds
        .iter()
        .filter(|rs| {
            du::spec_replicas(rs) == 0 && rs.status.as_ref().is_none_or(|s| s.replicas == 0)
        })
        .collect();
    if empty_olds.len() > limit {
        for rs in &empty_olds[..empty_olds.len() - limit] {
            let k = Key::new("ReplicaSet", ns, rs.metadata.name.as_deref().unwrap_or(""));
            c.remove_object(&k);
        }
    }
}

/// syncDeploymentStatus (`rollout` false) or syncRolloutStatus (true), and the
/// Deployment's revision annotation from its new ReplicaSet.
fn write_deployment_status(
    c: &mut Cluster,
    key: &Key,
    d: Arc<Deployment>,
    conds: Vec<DeploymentCondition>,
    new_uid: Option<String>,
    rollout: bool,
) {
    let ns = d.metadata.namespace.as_deref().unwrap_or_default();
    let uid = d.metadata.uid.as_deref().unwrap_or_default();
    let all = owned_replicasets(c, ns, uid);
    let new_rs = new_uid.and_then(|u| {
        all.iter()
            .find(|rs| rs.metadata.uid.as_deref() == Some(u.as_str()))
            .cloned()
    });
    let now = c.now_time();
    let mut status = du::calculate_status(&d, &all, new_rs.as_deref(), conds, &now);
    if rollout {
        let rs_name = new_rs.as_ref().and_then(|rs| rs.metadata.name.as_deref());
        du::sync_rollout_conditions(c, &d, &mut status, rs_name);
        du::requeue_stuck_deployment(c, key, &d, &status);
    }
    // kubectl lists Available before Progressing.
    if let Some(conds) = status.conditions.as_mut() {
        crate::sort::sort_by_key(conds, |c| if c.type_ == "Available" { 0 } else { 1 });
    }
    let status = Some(status);
    let rev = new_rs.as_ref().map_or(0, |rs| revision_of(&rs.metadata));
    if rev <= 0 || revision_of(&d.metadata) == rev {
        if status != d.status {
            // Only the status: written in place once this copy is gone.
            drop(d);
            c.store.set_status(key, Status::Deployment(status));
        }
        return;
    }
    let mut dep = d;
    let dep_mut = Arc::make_mut(&mut dep);
    dep_mut.status = status;
    dep_mut
        .metadata
        .annotations
        .get_or_insert_with(Default::default)
        .insert(REVISION.into(), rev.to_string());
    c.store.put(Object::from(dep));
}

/// deploymentutil.MaxUnavailable: the rolling update's maxUnavailable (rounded down),
/// 1 when it and maxSurge are both 0 (ResolveFenceposts), never more than the replicas.
pub(crate) fn max_unavailable(d: &Deployment, replicas: i32) -> i32 {
    let spec = d.spec.as_ref();
    let rolling = spec
        .and_then(|s| s.strategy.as_ref())
        .and_then(|s| s.type_.as_deref())
        != Some("Recreate");
    if !rolling || replicas == 0 {
        return 0;
    }
    let unavailable = scaled(
        spec.and_then(|s| s.strategy.as_ref())
            .and_then(|s| s.rolling_update.as_ref())
            .and_then(|r| r.max_unavailable.as_ref()),
        replicas,
        false,
        "25%",
    );
    let unavailable = if unavailable == 0 && max_surge(d, replicas) == 0 {
        1
    } else {
        unavailable
    };
    unavailable.min(replicas)
}

pub(crate) fn max_surge(d: &Deployment, replicas: i32) -> i32 {
    let spec = d.spec.as_ref();
    if spec
        .and_then(|s| s.strategy.as_ref())
        .and_then(|s| s.type_.as_deref())
        == Some("Recreate")
    {
        return 0;
    }
    scaled(
        spec.and_then(|s| s.strategy.as_ref())
            .and_then(|s| s.rolling_update.as_ref())
            .and_then(|r| r.max_surge.as_ref()),
        replicas,
        true,
        "25%",
    )
}

fn initial_new_replicas(d: &Deployment, replicas: i32, olds: &[Arc<ReplicaSet>]) -> i32 {
    let old_total: i32 = olds
        .iter()
        .map(|rs| rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(0))
        .fold(0i32, i32::saturating_add);
    if old_total == 0 {
        return replicas;
    }
    if d.spec
        .as_ref()
        .and_then(|s| s.strategy.as_ref())
        .and_then(|s| s.type_.as_deref())
        == Some("Recreate")
    {
        return 0;
    }
    let room = replicas
        .saturating_add(max_surge(d, replicas))
        .saturating_sub(old_total)
        .max(0);
    room.min(replicas)
}

// ---------- ReplicaSet ----------

fn replicasets(c: &mut Cluster) {
    for key in c.work.replicasets.take() {
        let Some(Object::ReplicaSet(rs)) = c.store.get(&key) else {
            continue;
        };
        if is_terminating(&rs.metadata) {
            continue;
        }
        sync_replicaset(c, &key, rs.clone());
    }
}

fn sync_replicaset(c: &mut Cluster, key: &Key, rs: Arc<ReplicaSet>) {
    let ns = rs.metadata.namespace.clone().unwrap_or_default();
    let uid = rs.metadata.uid.clone().unwrap_or_default();
    let Some(spec) = rs.spec.as_ref() else { return };
    let selector = Selector::from_label_selector(&spec.selector);
    let want = spec.replicas.unwrap_or(1).max(0);
    // Adopt orphans that match the selector (pod-template-hash keeps a Deployment's RS from adopting bare pods).
    let orphans: Vec<Pod> = candidate_pods(c, &ns, spec.selector.match_labels.iter().flatten())
        .into_iter()
        .filter(|p| controller_uid(&p.metadata).is_none() && !is_terminating(&p.metadata))
        .filter(|p| selector.matches(p.metadata.labels.as_ref().unwrap_or(&BTreeMap::new())))
        .cloned()
        .collect();
    for mut p in orphans {
        p.metadata
            .owner_references
            .get_or_insert_with(Default::default)
            .push(owner_ref("ReplicaSet", "apps/v1", &rs.metadata));
        c.store.put(Object::from(p));
    }
    // Release owned pods whose labels no longer match (controller_ref_manager.go
    // ClaimObject -> ReleasePod; pods being deleted are left alone).
    let strays: Vec<Pod> = controlled_pods(c, &uid)
        .filter(|p| !is_terminating(&p.metadata))
        .filter(|p| !selector.matches(p.metadata.labels.as_ref().unwrap_or(&BTreeMap::new())))
        .cloned()
        .collect();
    for mut p in strays {
        if let Some(refs) = p.metadata.owner_references.as_mut() {
            refs.retain(|r| r.uid != uid);
            if refs.is_empty() {
                p.metadata.owner_references = None;
            }
        }
        c.store.put(Object::from(p));
    }
    // The pods it counts, each with what decides which to delete first: unscheduled,
    // pending, not ready, then newest (controller.ActivePods ordering).
    let counted = |p: &&Pod| !is_terminating(&p.metadata) && !is_terminal(p);
    let have = controlled_pods(c, &uid).filter(counted).count() as i32;
    let ranked = |c: &Cluster| -> Vec<((bool, bool, bool, i64), String)> {
        controlled_pods(c, &uid)
            .filter(counted)
            .map(|p| {
                let scheduled = p.spec.as_ref().and_then(|s| s.node_name.as_ref()).is_some();
                let running = p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running");
                let created = p
                    .metadata
                    .creation_timestamp
                    .as_ref()
                    .map(Cluster::millis_of)
                    .unwrap_or(0);
                let name = p.metadata.name.clone().unwrap_or_default();
                ((scheduled, running, is_pod_ready(p), -created), name)
            })
            .collect()
    };
    if have < want {
        let rs_obj = Object::from(rs.clone());
        for _ in 0..(want - have).min(500) {
            // The store is full (a hostile replica count): stop, and say why once,
            // like a quota rejection.
            if c.store.len() >= super::store::MAX_OBJECTS {
                let said = c.store.events_about(&uid).any(|o| match o {
                    Object::Event(e) => e.reason() == Some("FailedCreate"),
                    _ => false,
                });
                if !said {
                    c.record_event(
                        &rs_obj,
                        "Warning",
                        "FailedCreate",
                        &format!("Error creating: {}", super::api_ops::STORE_FULL),
                        "replicaset-controller",
                        None,
                    );
                }
                break;
            }
            let template = spec.template.as_ref();
            let base = rs.metadata.name.clone().unwrap_or_default();
            let mut name = format!("{base}-{}", c.rand_suffix(5));
            while c.get("Pod", &ns, &name).is_some() {
                name = format!("{base}-{}", c.rand_suffix(5));
            }
            let tmeta = template.and_then(|t| t.metadata.as_ref());
            let pod = Pod {
                metadata: ObjectMeta {
                    name: Some(name.clone()),
                    generate_name: Some(format!("{base}-")),
                    namespace: Some(ns.clone()),
                    labels: tmeta.and_then(|m| m.labels.clone()),
                    annotations: tmeta.and_then(|m| m.annotations.clone()),
                    owner_references: Some(vec![owner_ref("ReplicaSet", "apps/v1", &rs.metadata)]),
                    uid: Some(c.store.new_uid()),
                    creation_timestamp: Some(c.now_time()),
                    ..Default::default()
                },
                spec: template.and_then(|t| t.spec.clone()),
                status: Some(k8s_openapi::api::core::v1::PodStatus {
                    phase: Some("Pending".into()),
                    qos_class: Some(
                        crate::manifest::defaults::qos_class(
                            template.and_then(|t| t.spec.as_ref()),
                        )
                        .into(),
                    ),
                    ..Default::default()
                }),
            };
            let mut pod = pod;
            crate::manifest::defaults::mount_service_account_token(&mut pod);
            let mut pod = Object::from(pod);
            crate::manifest::defaults::apply_defaults(&mut pod);
            c.store.put(pod);
            c.record_event(
                &rs_obj,
                "Normal",
                "SuccessfulCreate",
                &format!("Created pod: {name}"),
                "replicaset-controller",
                None,
            );
        }
    } else if have > want {
        let mut ranked = ranked(c);
        crate::sort::sort(&mut ranked);
        let rs_obj = Object::from(rs.clone());
        for (_, name) in ranked.into_iter().take((have - want) as usize) {
            c.delete_pod(&Key::new("Pod", &ns, &name), None);
            c.record_event(
                &rs_obj,
                "Normal",
                "SuccessfulDelete",
                &format!("Deleted pod: {name}"),
                "replicaset-controller",
                None,
            );
        }
    }
    // Status counts active pods.
    let active: Vec<&Pod> = controlled_pods(c, &uid)
        .filter(|p| !is_terminating(&p.metadata) && !is_terminal(p))
        .collect();
    let ready = active.iter().filter(|p| is_pod_ready(p)).count() as i32;
    let labeled = active
        .iter()
        .filter(|p| {
            spec.template
                .as_ref()
                .and_then(|t| t.metadata.as_ref())
                .and_then(|m| m.labels.as_ref())
                .is_none_or(|tl| {
                    tl.iter()
                        .all(|(k, v)| p.metadata.labels.as_ref().and_then(|l| l.get(k)) == Some(v))
                })
        })
        .count() as i32;
    let active = active.len() as i32;
    drop(rs);
    let rs2 = match c.store.get(key) {
        Some(Object::ReplicaSet(r)) => r,
        _ => return,
    };
    let status = Some(ReplicaSetStatus {
        replicas: active,
        ready_replicas: Some(ready).filter(|n| *n > 0),
        available_replicas: Some(ready).filter(|n| *n > 0),
        fully_labeled_replicas: Some(labeled).filter(|n| *n > 0),
        observed_generation: rs2.metadata.generation,
        terminating_replicas: None,
        conditions: None,
    });
    if rs2.status != status {
        c.store.set_status(key, Status::ReplicaSet(status));
    }
}

// ---------- garbage collector ----------

fn garbage_collect(c: &mut Cluster) {
    let orphans: Vec<(Key, bool)> = c
        .work
        .garbage
        .take()
        .into_iter()
        .filter_map(|k| {
            let o = c.store.get(&k)?;
            let refs = o.meta().owner_references.as_ref()?;
            let gone =
                !refs.is_empty() && refs.iter().all(|r| c.store.key_of_uid(&r.uid).is_none());
            gone.then(|| (k, o.meta().deletion_timestamp.is_some()))
        })
        .collect();
    for (k, terminating) in orphans {
        if k.kind == "Pod" {
            if !terminating {
                c.delete_pod(&k, None);
            }
        } else {
            c.remove_object(&k);
        }
    }
}

// ---------- scheduler ----------

/// The taint the node lifecycle controller keeps on cordoned nodes (TaintNodesByCondition).
pub(crate) const UNSCHEDULABLE_TAINT: &str = "node.kubernetes.io/unschedulable";

/// The node lifecycle controller's part for cordoned nodes: `spec.unschedulable` gets
/// the `node.kubernetes.io/unschedulable:NoSchedule` taint (with the time it was added),
/// and loses it on uncordon.
fn node_taints(c: &mut Cluster, names: BTreeSet<String>) {
    for name in names {
        let Some(Object::Node(node)) = c.store.get(&Key::new("Node", "", &name)) else {
            continue;
        };
        let cordoned = node.spec.as_ref().and_then(|s| s.unschedulable) == Some(true);
        let taints = node.spec.as_ref().and_then(|s| s.taints.as_ref());
        let tainted = taints.is_some_and(|ts| ts.iter().any(|t| t.key == UNSCHEDULABLE_TAINT));
        if cordoned == tainted {
            continue;
        }
        let mut node = (**node).clone();
        let spec = node.spec.get_or_insert_with(Default::default);
        let mut taints = spec.taints.take().unwrap_or_default();
        if cordoned {
            taints.push(k8s_openapi::api::core::v1::Taint {
                key: UNSCHEDULABLE_TAINT.into(),
                effect: "NoSchedule".into(),
                time_added: Some(c.now_time()),
                value: None,
            });
        } else {
            taints.retain(|t| t.key != UNSCHEDULABLE_TAINT);
        }
        spec.taints = (!taints.is_empty()).then_some(taints);
        c.store.put(Object::from(node));
    }
}

/// The NodeAffinity filter's required part (component-helpers nodeaffinity): no
/// requirement, or any one of the node selector terms matches - each of its label
/// expressions and its `metadata.name` fields.
pub(crate) fn node_affinity_matches(
    pod: &Pod,
    node_name: &str,
    labels: &BTreeMap<String, String>,
) -> bool {
    let Some(required) = pod
        .spec
        .as_ref()
        .and_then(|s| s.affinity.as_ref())
        .and_then(|a| a.node_affinity.as_ref())
        .and_then(|n| {
            n.required_during_scheduling_ignored_during_execution
                .as_ref()
        })
    else {
        return true;
    };
    let holds = |r: &k8s_openapi::api::core::v1::NodeSelectorRequirement, have: Option<&str>| {
        let values = r.values.as_deref().unwrap_or(&[]);
        let number = |s: &str| s.parse::<i64>().ok();
        match r.operator.as_str() {
            "In" => have.is_some_and(|h| values.iter().any(|v| v == h)),
            "NotIn" => have.is_none_or(|h| !values.iter().any(|v| v == h)),
            "Exists" => have.is_some(),
            "DoesNotExist" => have.is_none(),
            "Gt" | "Lt" => {
                let (Some(h), Some(v)) = (
                    have.and_then(number),
                    values.first().and_then(|v| number(v)),
                ) else {
                    return false;
                };
                if r.operator == "Gt" {
                    h > v
                } else {
                    h < v
                }
            }
            _ => false,
        }
    };
    required.node_selector_terms.iter().any(|term| {
        let exprs = term.match_expressions.as_deref().unwrap_or(&[]);
        let fields = term.match_fields.as_deref().unwrap_or(&[]);
        (!exprs.is_empty() || !fields.is_empty())
            && exprs
                .iter()
                .all(|r| holds(r, labels.get(&r.key).map(String::as_str)))
            && fields
                .iter()
                .all(|r| r.key == "metadata.name" && holds(r, Some(node_name)))
    })
}

pub(crate) fn tolerates(pod: &Pod, taint: &k8s_openapi::api::core::v1::Taint) -> bool {
    pod.spec
        .as_ref()
        .and_then(|s| s.tolerations.as_ref())
        .is_some_and(|ts| {
            ts.iter().any(|t| {
                let key_ok = match t.key.as_deref() {
                    None | Some("") => t.operator.as_deref() == Some("Exists"),
                    Some(k) => k == taint.key,
                };
                let op_ok = match t.operator.as_deref() {
                    Some("Exists") => true,
                    _ => t.value.as_deref().unwrap_or("") == taint.value.as_deref().unwrap_or(""),
                };
                let effect_ok = t
                    .effect
                    .as_deref()
                    .is_none_or(|e| e.is_empty() || e == taint.effect);
                key_ok && op_ok && effect_ok
            })
        })
}

/// Per owner uid, how many of its pods each node runs: counted once per scheduling
/// pass and kept up to date as the pass binds pods.
type Spread = BTreeMap<String, BTreeMap<String, usize>>;

/// Whether the last scheduling attempt found a node short of resources (a
/// NodeResourcesFit reason in the PodScheduled condition).
fn rejected_for_resources(p: &Pod) -> bool {
    p.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .into_iter()
        .flatten()
        .any(|c| {
            c.type_ == "PodScheduled"
                && c.status == "False"
                && c.message.as_deref().is_some_and(|m| {
                    let filters = m.split(". preemption:").next().unwrap_or("");
                    filters.contains(" Insufficient ") || filters.contains(" Too many pods")
                })
        })
}

fn schedule(c: &mut Cluster) {
    let mut spread = Spread::new();
    // Room was freed: the pods NodeResourcesFit turned away are tried again.
    let mut retried: BTreeSet<Key> = BTreeSet::new();
    if std::mem::take(&mut c.work.freed) {
        for key in std::mem::take(&mut c.work.unfit) {
            if let Some(Object::Pod(p)) = c.store.get(&key) {
                if p.spec.as_ref().is_some_and(|s| s.node_name.is_none())
                    && !is_terminating(&p.metadata)
                    && rejected_for_resources(p)
                {
                    retried.insert(key);
                }
            }
        }
        c.work.unbound.extend(retried.iter().cloned());
    }
    for key in c.work.unbound.take() {
        let Some(Object::Pod(p)) = c.store.get(&key) else {
            continue;
        };
        if is_terminating(&p.metadata) {
            continue;
        }
        match p.spec.as_ref().map(|s| s.node_name.is_some()) {
            Some(false) => {
                let retry = retried.contains(&key);
                schedule_one(c, &key, &mut spread, retry)
            }
            // Pods created with spec.nodeName set skip the scheduler but still need the kubelet.
            Some(true) if !c.pods.contains_key(&key) => kubelet::pod_bound(c, &key),
            _ => {}
        }
    }
}

fn schedule_one(c: &mut Cluster, key: &Key, spread: &mut Spread, retry: bool) {
    let Some(Object::Pod(pod)) = c.store.get(key).cloned() else {
        return;
    };
    let nodes: Vec<&k8s_openapi::api::core::v1::Node> = c
        .store
        .list("Node")
        .filter_map(|o| match o {
            Object::Node(n) => Some(&**n),
            _ => None,
        })
        .collect();
    let mut fits = Vec::new();
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    let mut untolerated = Vec::new();
    // Nodes turned away only by NodeResourcesFit (Unschedulable: preemption is tried
    // there; every other filter here is UnschedulableAndUnresolvable).
    let mut short_nodes = 0;
    let request = pod
        .spec
        .as_ref()
        .map(resources::pod_requests)
        .unwrap_or_default();
    let no_labels = BTreeMap::new();
    let node_selector = pod
        .spec
        .as_ref()
        .and_then(|s| s.node_selector.as_ref())
        .unwrap_or(&no_labels);
    // Filter plugins in the default profile's order (NodeUnschedulable, then
    // TaintToleration, then NodeAffinity); a node counts under the first that fails.
    let unschedulable_taint = k8s_openapi::api::core::v1::Taint {
        key: UNSCHEDULABLE_TAINT.into(),
        effect: "NoSchedule".into(),
        ..Default::default()
    };
    for n in &nodes {
        let nl = n.metadata.labels.as_ref().unwrap_or(&no_labels);
        if n.spec.as_ref().and_then(|s| s.unschedulable) == Some(true)
            && !tolerates(&pod, &unschedulable_taint)
        {
            *reasons
                .entry("node(s) were unschedulable".into())
                .or_default() += 1;
            continue;
        }
        if let Some(t) = n
            .spec
            .as_ref()
            .and_then(|s| s.taints.as_ref())
            .and_then(|ts| {
                ts.iter().find(|t| {
                    matches!(t.effect.as_str(), "NoSchedule" | "NoExecute") && !tolerates(&pod, t)
                })
            })
        {
            // Worded only if the pod fits nowhere: the control-plane node turns every pod away.
            untolerated.push(t);
            continue;
        }
        let node_name = n.metadata.name.as_deref().unwrap_or("");
        if !node_selector.iter().all(|(k, v)| nl.get(k) == Some(v))
            || !node_affinity_matches(&pod, node_name, nl)
        {
            *reasons
                .entry("node(s) didn't match Pod's node affinity/selector".into())
                .or_default() += 1;
            continue;
        }
        // NodeResourcesFit (fit.go fitsRequest): the pod count first, then cpu and
        // memory against allocatable minus what the bound pods request; every
        // shortfall is a reason of its own.
        let name = n.metadata.name.clone().unwrap_or_default();
        // The store keeps these totals as pods are bound, finish and go.
        let used = c.store.node_use(&name);
        let alloc = n.status.as_ref().and_then(|s| s.allocatable.as_ref());
        let free = resources::Amount::of(alloc);
        let max_pods = alloc
            .and_then(|a| a.get("pods"))
            .map_or(0, |q| resources::mem_bytes(&q.0)) as usize;
        let mut short = Vec::new();
        if used.pods + 1 > max_pods {
            short.push("Too many pods");
        }
        if request.cpu > 0 && request.cpu > free.cpu - used.requested.cpu {
            short.push("Insufficient cpu");
        }
        if request.mem > 0 && request.mem > free.mem - used.requested.mem {
            short.push("Insufficient memory");
        }
        if !short.is_empty() {
            for r in short {
                *reasons.entry(r.into()).or_default() += 1;
            }
            short_nodes += 1;
            continue;
        }
        fits.push(name);
    }
    let total = nodes.len();
    if fits.is_empty() {
        for t in untolerated {
            let value = t.value.as_deref().unwrap_or_default();
            *reasons
                .entry(format!(
                    "node(s) had untolerated taint {{{}: {value}}}",
                    t.key
                ))
                .or_default() += 1;
        }
        let obj = Object::Pod(pod.clone());
        // FitError.Error: "<count> <reason>" sorted as strings; the DefaultPreemption
        // PostFilter's own FitError follows: nodes that failed only for resources have
        // no lower-priority pods to evict ("No preemption victims found for incoming
        // pod", SelectVictimsOnNode), the rest are absent from its map ("Preemption is
        // not helpful for scheduling").
        let histogram = |reasons: &BTreeMap<String, usize>| {
            let mut parts: Vec<String> = reasons.iter().map(|(r, n)| format!("{n} {r}")).collect();
            crate::sort::sort(&mut parts);
            parts.join(", ")
        };
        let mut preemption: BTreeMap<String, usize> = BTreeMap::new();
        if short_nodes > 0 {
            preemption.insert(
                "No preemption victims found for incoming pod".into(),
                short_nodes,
            );
        }
        if total > short_nodes {
            preemption.insert(
                "Preemption is not helpful for scheduling".into(),
                total - short_nodes,
            );
        }
        let msg = format!(
            "0/{total} nodes are available: {}. preemption: 0/{total} nodes are available: {}.",
            histogram(&reasons),
            histogram(&preemption)
        );
        if short_nodes > 0 {
            c.work.unfit.insert(key.clone());
        }
        // A pod is tried again on the cluster events its rejecting plugins registered
        // for; other re-examinations here are not new attempts.
        let already = !retry
            && c.events_for(&obj)
                .iter()
                .any(|e| e.reason.as_deref() == Some("FailedScheduling"));
        if already {
            return;
        }
        c.record_event(
            &obj,
            "Warning",
            "FailedScheduling",
            &msg,
            "default-scheduler",
            None,
        );
        let prev = pod
            .status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .and_then(|cs| cs.iter().find(|c| c.type_ == "PodScheduled"));
        if prev.and_then(|c| c.message.as_deref()) == Some(msg.as_str()) {
            return;
        }
        // podutil.UpdatePodCondition: the transition time moves only with the status.
        let since = prev
            .filter(|c| c.status == "False")
            .and_then(|c| c.last_transition_time.clone())
            .unwrap_or_else(|| c.now_time());
        let mut p = pod.clone();
        let status = Arc::make_mut(&mut p)
            .status
            .get_or_insert_with(Default::default);
        status.phase = Some("Pending".into());
        status.conditions = Some(vec![k8s_openapi::api::core::v1::PodCondition {
            type_: "PodScheduled".into(),
            status: "False".into(),
            reason: Some("Unschedulable".into()),
            message: Some(msg),
            last_transition_time: Some(since),
            ..Default::default()
        }]);
        c.store.put(Object::Pod(p));
        return;
    }
    // Spread pods of the same owner (default topology spreading), then fewest pods, then random.
    let owner = controller_uid(&pod.metadata)
        .unwrap_or_default()
        .to_string();
    if !owner.is_empty() && !spread.contains_key(&owner) {
        let mut on: BTreeMap<String, usize> = BTreeMap::new();
        for p in controlled_pods(c, &owner).filter(|p| !is_terminating(&p.metadata)) {
            if let Some(n) = p.spec.as_ref().and_then(|s| s.node_name.as_ref()) {
                *on.entry(n.clone()).or_default() += 1;
            }
        }
        spread.insert(owner.clone(), on);
    }
    let siblings_on = spread.get(&owner);
    let mut best: Vec<(usize, usize, String)> = fits
        .iter()
        .map(|n| {
            let same = siblings_on.and_then(|m| m.get(n)).copied().unwrap_or(0);
            (same, c.store.active_pods_on_node(n), n.clone())
        })
        .collect();
    crate::sort::sort(&mut best);
    let top = (best[0].0, best[0].1);
    let ties: Vec<&String> = best
        .iter()
        .filter(|b| (b.0, b.1) == top)
        .map(|b| &b.2)
        .collect();
    let pick = ties[c.rand_below(ties.len() as u64) as usize].clone();
    if let Some(on) = spread.get_mut(&owner) {
        *on.entry(pick.clone()).or_default() += 1;
    }
    // The event names the pod as stored before the binding is written.
    let obj = Object::Pod(pod);
    c.record_event(
        &obj,
        "Normal",
        "Scheduled",
        &format!(
            "Successfully assigned {}/{} to {pick}",
            key.namespace, key.name
        ),
        "default-scheduler",
        None,
    );
    drop(obj);
    // The binding subresource sets the node and the PodScheduled condition in one
    // write (pod storage setPodHostAndAnnotations): a watch prints the pod Pending again.
    let now = c.now_time();
    c.store.update_pod(key, |spec, status| {
        if let Some(s) = spec.as_mut() {
            s.node_name = Some(pick);
        }
        let conds = status
            .get_or_insert_with(Default::default)
            .conditions
            .get_or_insert_with(Vec::new);
        conds.retain(|c| c.type_ != "PodScheduled");
        conds.push(k8s_openapi::api::core::v1::PodCondition {
            type_: "PodScheduled".into(),
            status: "True".into(),
            last_transition_time: Some(now),
            ..Default::default()
        });
    });
    kubelet::pod_bound(c, key);
}

// ---------- EndpointSlice and Endpoints ----------

/// A Service port resolved against one pod: (service port, target port number).
fn resolve_target(pod: &Pod, sp: &k8s_openapi::api::core::v1::ServicePort) -> Option<i32> {
    let proto = sp.protocol.clone().unwrap_or_else(|| "TCP".into());
    match sp.target_port.clone().unwrap_or(IntOrString::Int(sp.port)) {
        IntOrString::Int(n) => Some(if n == 0 { sp.port } else { n }),
        IntOrString::String(name) => {
            if let Ok(n) = name.parse::<i32>() {
                return Some(n);
            }
            pod.spec.as_ref()?.containers.iter().find_map(|ct| {
                ct.ports.as_ref()?.iter().find_map(|p| {
                    (p.name.as_deref() == Some(name.as_str())
                        && p.protocol.clone().unwrap_or_else(|| "TCP".into()) == proto)
                        .then_some(p.container_port)
                })
            })
        }
    }
}

fn endpoints(c: &mut Cluster) {
    for key in c.work.services.take() {
        let svc = match c.store.get(&key) {
            Some(Object::Service(s)) => s.clone(),
            _ => {
                // Endpoints of a deleted Service go with it (endpoints controller).
                let ep = Key::new("Endpoints", &key.namespace, &key.name);
                let managed = c.store.get(&ep).is_some_and(|o| {
                    o.meta()
                        .labels
                        .as_ref()
                        .and_then(|l| l.get(ENDPOINTS_MANAGED_BY))
                        .is_some_and(|v| v == ENDPOINT_CONTROLLER)
                });
                if managed {
                    c.remove_object(&ep);
                }
                continue;
            }
        };
        let Some(spec) = svc.spec.as_ref() else {
            continue;
        };
        if spec.type_.as_deref() == Some("ExternalName") {
            continue;
        }
        match &spec.selector {
            Some(sel) if !sel.is_empty() => sync_service_endpoints(c, &svc, sel),
            _ => mirror_endpoints(c, &svc),
        }
    }
}

struct PodEndpoint {
    ip: String,
    ready: bool,
    serving: bool,
    terminating: bool,
    node: Option<String>,
    name: String,
    uid: Option<String>,
    hostname: Option<String>,
    ports: Vec<Option<i32>>,
}

impl PodEndpoint {
    /// The pod, as an endpoint's `targetRef` names it.
    fn target_ref(&self, ns: &str) -> ObjectReference {
        ObjectReference {
            kind: Some("Pod".into()),
            name: Some(self.name.clone()),
            namespace: Some(ns.to_string()),
            uid: self.uid.clone(),
            ..Default::default()
        }
    }
}

fn sync_service_endpoints(c: &mut Cluster, svc: &Service, sel: &BTreeMap<String, String>) {
    let ns = svc.metadata.namespace.clone().unwrap_or_default();
    let name = svc.metadata.name.clone().unwrap_or_default();
    let default_spec = Default::default();
    let spec: &k8s_openapi::api::core::v1::ServiceSpec = svc.spec.as_ref().unwrap_or(&default_spec);
    let no_ports = Vec::new();
    let ports = spec.ports.as_ref().unwrap_or(&no_ports);
    let publish = spec.publish_not_ready_addresses == Some(true);
    let selector = Selector::from_map(sel);
    let mut eps: Vec<PodEndpoint> = candidate_pods(c, &ns, sel.iter())
        .into_iter()
        .filter(|p| selector.matches(p.metadata.labels.as_ref().unwrap_or(&BTreeMap::new())))
        .filter(|p| !is_terminal(p))
        .filter_map(|p| {
            let ip = p.status.as_ref()?.pod_ip.clone()?;
            let ready = is_pod_ready(p);
            let terminating = is_terminating(&p.metadata);
            let hostname = p.spec.as_ref().and_then(|s| {
                (s.subdomain.as_deref() == Some(name.as_str()))
                    .then(|| s.hostname.clone())
                    .flatten()
            });
            Some(PodEndpoint {
                ip,
                ready: publish || (ready && !terminating),
                serving: ready,
                terminating,
                node: p.spec.as_ref().and_then(|s| s.node_name.clone()),
                name: p.metadata.name.clone().unwrap_or_default(),
                uid: p.metadata.uid.clone(),
                hostname,
                ports: ports.iter().map(|sp| resolve_target(p, sp)).collect(),
            })
        })
        .collect();
    crate::sort::sort_by(&mut eps, |a, b| a.name.cmp(&b.name));

    // --- EndpointSlices: one per distinct resolved port set. ---
    let mut groups: BTreeMap<Vec<Option<i32>>, Vec<&PodEndpoint>> = BTreeMap::new();
    for e in &eps {
        groups.entry(e.ports.clone()).or_default().push(e);
    }
    let svc_uid = svc.metadata.uid.as_deref().unwrap_or_default();
    let existing: Vec<Arc<EndpointSlice>> = c
        .store
        .dependents(svc_uid)
        .filter(|k| k.kind == "EndpointSlice")
        .filter_map(|k| c.store.get(k))
        .filter_map(|o| match o {
            Object::EndpointSlice(s)
                if s.metadata.labels.as_ref().and_then(|l| l.get(SERVICE_NAME)) == Some(&name)
                    && s.metadata
                        .labels
                        .as_ref()
                        .and_then(|l| l.get(MANAGED_BY))
                        .map(String::as_str)
                        == Some("endpointslice-controller.k8s.io") =>
            {
                Some(s.clone())
            }
            _ => None,
        })
        .collect();
    let mut labels: BTreeMap<String, String> = svc.metadata.labels.clone().unwrap_or_default();
    labels.insert(SERVICE_NAME.into(), name.clone());
    labels.insert(MANAGED_BY.into(), "endpointslice-controller.k8s.io".into());
    if spec.cluster_ip.as_deref() == Some("None") {
        labels.insert("service.kubernetes.io/headless".into(), String::new());
    }
    let mut desired: Vec<(
        Option<Vec<k8s_openapi::api::discovery::v1::EndpointPort>>,
        Vec<Endpoint>,
    )> = Vec::new();
    for (port_set, members) in &groups {
        let slice_ports: Vec<k8s_openapi::api::discovery::v1::EndpointPort> = ports
            .iter()
            .zip(port_set.iter())
            .filter_map(|(sp, tp)| {
                tp.map(|n| k8s_openapi::api::discovery::v1::EndpointPort {
                    name: Some(sp.name.clone().unwrap_or_default()),
                    port: Some(n),
                    protocol: Some(sp.protocol.clone().unwrap_or_else(|| "TCP".into())),
                    app_protocol: sp.app_protocol.clone(),
                })
            })
            .collect();
        let endpoints: Vec<Endpoint> = members
            .iter()
            .map(|e| Endpoint {
                addresses: vec![e.ip.clone()],
                conditions: Some(EndpointConditions {
                    ready: Some(e.ready),
                    serving: Some(e.serving),
                    terminating: Some(e.terminating),
                }),
                hostname: e.hostname.clone(),
                node_name: e.node.clone(),
                target_ref: Some(e.target_ref(&ns)),
                ..Default::default()
            })
            .collect();
        // kube-controller-manager's --max-endpoints-per-slice (default 100): a larger
        // group spreads over several slices.
        let mut endpoints = endpoints;
        while endpoints.len() > MAX_ENDPOINTS_PER_SLICE {
            let rest = endpoints.split_off(MAX_ENDPOINTS_PER_SLICE);
            desired.push((Some(slice_ports.clone()), endpoints));
            endpoints = rest;
        }
        desired.push((Some(slice_ports), endpoints));
    }
    if desired.is_empty() {
        // The placeholder slice: no ports, no endpoints.
        desired.push((None, Vec::new()));
    }
    // The oldest slices are reused first, so the one a Service started with stays full.
    let mut reuse = existing;
    crate::sort::sort_by_key(&mut reuse, |s| {
        s.metadata
            .creation_timestamp
            .as_ref()
            .map(Cluster::millis_of)
    });
    for (slice_ports, endpoints) in desired {
        let slot = reuse
            .iter()
            .position(|s| s.ports == slice_ports)
            .or(if reuse.is_empty() { None } else { Some(0) });
        if let Some(i) = slot {
            let s = &reuse[i];
            if s.endpoints == endpoints
                && s.ports == slice_ports
                && s.metadata.labels.as_ref() == Some(&labels)
                && s.metadata
                    .annotations
                    .as_ref()
                    .is_some_and(|a| a.contains_key(LAST_CHANGE_TRIGGER_TIME))
            {
                reuse.remove(i);
                continue; // up to date: no copy, no write
            }
        }
        let mut slice = match slot {
            Some(i) => Arc::unwrap_or_clone(reuse.remove(i)),
            None => EndpointSlice {
                metadata: ObjectMeta {
                    name: Some(format!("{name}-{}", c.rand_suffix(5))),
                    generate_name: Some(format!("{name}-")),
                    namespace: Some(ns.clone()),
                    owner_references: Some(vec![owner_ref("Service", "v1", &svc.metadata)]),
                    uid: Some(c.store.new_uid()),
                    creation_timestamp: Some(c.now_time()),
                    generation: Some(1),
                    ..Default::default()
                },
                address_type: "IPv4".into(),
                endpoints: Vec::new(),
                ports: None,
            },
        };
        slice.metadata.labels = Some(labels.clone());
        let changed = slice.endpoints != endpoints || slice.ports != slice_ports;
        // reconciler.go addTriggerTimeAnnotation: every slice the controller writes
        // carries the time of the change that triggered it (as the Endpoints does).
        let annotations = slice
            .metadata
            .annotations
            .get_or_insert_with(Default::default);
        if changed || slot.is_none() || !annotations.contains_key(LAST_CHANGE_TRIGGER_TIME) {
            annotations.insert(LAST_CHANGE_TRIGGER_TIME.into(), trigger_time(c));
        }
        slice.endpoints = endpoints;
        slice.ports = slice_ports;
        if changed && slot.is_some() {
            slice.metadata.generation = Some(slice.metadata.generation.unwrap_or(1) + 1);
        }
        c.store.put(Object::from(slice));
    }
    for s in reuse {
        c.remove_object(&Key::new(
            "EndpointSlice",
            &ns,
            s.metadata.name.as_deref().unwrap_or(""),
        ));
    }

    // --- v1 Endpoints: ready and not-ready addresses, terminating dropped, repacked. ---
    let headless = spec.cluster_ip.as_deref() == Some("None");
    let mut members = Vec::new();
    for e in &eps {
        if e.terminating && !publish {
            continue;
        }
        // endpointPortFromServicePort, for each port this pod has.
        let eports: Vec<EndpointPort> = ports
            .iter()
            .zip(e.ports.iter())
            .filter_map(|(sp, tp)| {
                tp.map(|n| EndpointPort {
                    name: sp.name.clone().filter(|n| !n.is_empty()),
                    port: n,
                    protocol: Some(sp.protocol.clone().unwrap_or_else(|| "TCP".into())),
                    app_protocol: sp.app_protocol.clone(),
                })
            })
            .collect();
        // A pod with none of the Service's ports adds nothing; a headless Service
        // without ports still lists its pods' addresses.
        if eports.is_empty() && !(ports.is_empty() && headless) {
            continue;
        }
        members.push(super::repack::Member {
            address: EndpointAddress {
                ip: e.ip.clone(),
                hostname: e.hostname.clone(),
                node_name: e.node.clone(),
                target_ref: Some(e.target_ref(&ns)),
            },
            ready: e.ready,
            ports: eports,
        });
    }
    let subsets = super::repack::repack(members);
    let mut ep_labels = svc.metadata.labels.clone().unwrap_or_default();
    ep_labels.insert(ENDPOINTS_MANAGED_BY.into(), ENDPOINT_CONTROLLER.into());
    if spec.cluster_ip.as_deref() == Some("None") {
        ep_labels.insert("service.kubernetes.io/headless".into(), String::new());
    }
    let key = Key::new("Endpoints", &ns, &name);
    let mut ep = match c.store.get(&key) {
        Some(Object::Endpoints(e)) => e.clone(),
        _ => Arc::new(Endpoints {
            metadata: ObjectMeta {
                name: Some(name.clone()),
                namespace: Some(ns.clone()),
                uid: Some(c.store.new_uid()),
                creation_timestamp: Some(c.now_time()),
                ..Default::default()
            },
            subsets: None,
        }),
    };
    let labels = (!ep_labels.is_empty()).then_some(ep_labels);
    let subsets = (!subsets.is_empty()).then_some(subsets);
    let stamped = ep
        .metadata
        .annotations
        .as_ref()
        .is_some_and(|a| a.contains_key(LAST_CHANGE_TRIGGER_TIME));
    if ep.metadata.labels == labels && ep.subsets == subsets && stamped {
        return; // up to date: no copy, no write
    }
    let e = Arc::make_mut(&mut ep);
    e.metadata.labels = labels;
    let annotations = e.metadata.annotations.get_or_insert_with(Default::default);
    if e.subsets != subsets || !annotations.contains_key(LAST_CHANGE_TRIGGER_TIME) {
        annotations.insert(LAST_CHANGE_TRIGGER_TIME.into(), trigger_time(c));
    }
    e.subsets = subsets;
    c.store.put(Object::Endpoints(ep));
}

/// The `endpoints.kubernetes.io/last-change-trigger-time` value: RFC 3339 at whole
/// seconds, like the pod and Service times that trigger a change.
fn trigger_time(c: &Cluster) -> String {
    k8s_openapi::jiff::Timestamp::from_second(c.now_time().0.as_second())
        .unwrap_or_default()
        .to_string()
}

/// Selectorless Service with hand-written Endpoints: the mirroring controller copies them into slices.
fn mirror_endpoints(c: &mut Cluster, svc: &Service) {
    let ns = svc.metadata.namespace.clone().unwrap_or_default();
    let name = svc.metadata.name.clone().unwrap_or_default();
    let ep = match c.get("Endpoints", &ns, &name) {
        Some(Object::Endpoints(e)) => e.clone(),
        _ => return,
    };
    if ep
        .metadata
        .labels
        .as_ref()
        .and_then(|l| l.get("endpointslice.kubernetes.io/skip-mirror"))
        .map(String::as_str)
        == Some("true")
    {
        return;
    }
    let mut endpoints = Vec::new();
    let mut ports = None;
    for s in ep.subsets.clone().unwrap_or_default() {
        for (a, ready) in s
            .addresses
            .clone()
            .unwrap_or_default()
            .into_iter()
            .map(|a| (a, true))
            .chain(
                s.not_ready_addresses
                    .clone()
                    .unwrap_or_default()
                    .into_iter()
                    .map(|a| (a, false)),
            )
        {
            endpoints.push(Endpoint {
                addresses: vec![a.ip.clone()],
                conditions: Some(EndpointConditions {
                    ready: Some(ready),
                    ..Default::default()
                }),
                hostname: a.hostname.clone(),
                node_name: a.node_name.clone(),
                target_ref: a.target_ref.clone(),
                ..Default::default()
            });
        }
        if ports.is_none() {
            ports = s.ports.as_ref().map(|ps| {
                ps.iter()
                    .map(|p| k8s_openapi::api::discovery::v1::EndpointPort {
                        name: Some(p.name.clone().unwrap_or_default()),
                        port: Some(p.port),
                        protocol: Some(p.protocol.clone().unwrap_or_else(|| "TCP".into())),
                        app_protocol: p.app_protocol.clone(),
                    })
                    .collect()
            });
        }
    }
    let existing = c.store.list_ns("EndpointSlice", &ns).find_map(|o| match o {
        Object::EndpointSlice(s)
            if s.metadata.labels.as_ref().and_then(|l| l.get(SERVICE_NAME)) == Some(&name)
                && s.metadata
                    .labels
                    .as_ref()
                    .and_then(|l| l.get(MANAGED_BY))
                    .map(String::as_str)
                    == Some("endpointslicemirroring-controller.k8s.io") =>
        {
            Some(s.clone())
        }
        _ => None,
    });
    let mut slice = match existing {
        Some(s) => s,
        None => Arc::new(EndpointSlice {
            metadata: ObjectMeta {
                name: Some(format!("{name}-{}", c.rand_suffix(5))),
                generate_name: Some(format!("{name}-")),
                namespace: Some(ns.clone()),
                owner_references: Some(vec![owner_ref("Endpoints", "v1", &ep.metadata)]),
                uid: Some(c.store.new_uid()),
                creation_timestamp: Some(c.now_time()),
                generation: Some(1),
                ..Default::default()
            },
            address_type: "IPv4".into(),
            endpoints: Vec::new(),
            ports: None,
        }),
    };
    let mut labels = ep.metadata.labels.clone().unwrap_or_default();
    labels.insert(SERVICE_NAME.into(), name.clone());
    labels.insert(
        MANAGED_BY.into(),
        "endpointslicemirroring-controller.k8s.io".into(),
    );
    let s = Arc::make_mut(&mut slice);
    s.metadata.labels = Some(labels);
    s.endpoints = endpoints;
    s.ports = ports;
    c.store.put(Object::EndpointSlice(slice));
}

// ---------- load balancers ----------

const LB_POOL_FIRST: u32 = 200;
const LB_POOL_LAST: u32 = 250;

fn load_balancers(c: &mut Cluster) {
    // Only LoadBalancers and Services still holding an ingress IP have anything to do.
    let svcs: Vec<Service> = c
        .store
        .list("Service")
        .filter_map(|o| match o {
            Object::Service(s)
                if s.spec.as_ref().and_then(|s| s.type_.as_deref()) == Some("LoadBalancer")
                    || s.status
                        .as_ref()
                        .and_then(|st| st.load_balancer.as_ref()?.ingress.as_ref())
                        .is_some_and(|i| !i.is_empty()) =>
            {
                Some((**s).clone())
            }
            _ => None,
        })
        .collect();
    let used: BTreeSet<String> = crate::sort::collect_set(
        svcs.iter()
            .filter_map(|s| s.status.as_ref()?.load_balancer.as_ref()?.ingress.as_ref())
            .flatten()
            .filter_map(|i| i.ip.clone()),
    );
    let mut used = used;
    for mut svc in svcs {
        let is_lb = svc.spec.as_ref().and_then(|s| s.type_.as_deref()) == Some("LoadBalancer");
        let has = svc
            .status
            .as_ref()
            .and_then(|s| s.load_balancer.as_ref())
            .and_then(|l| l.ingress.as_ref())
            .is_some_and(|i| !i.is_empty());
        if is_lb && c.settings.load_balancer_controller && !has {
            let requested = svc.spec.as_ref().and_then(|s| s.load_balancer_ip.clone());
            let ip = requested.or_else(|| {
                (LB_POOL_FIRST..=LB_POOL_LAST)
                    .map(|n| format!("172.18.255.{n}"))
                    .find(|ip| !used.contains(ip))
            });
            let Some(ip) = ip else { continue };
            used.insert(ip.clone());
            svc.status = Some(ServiceStatus {
                load_balancer: Some(LoadBalancerStatus {
                    ingress: Some(vec![LoadBalancerIngress {
                        ip: Some(ip.clone()),
                        ip_mode: Some("VIP".into()),
                        ..Default::default()
                    }]),
                }),
                ..Default::default()
            });
            let obj = Object::from(svc.clone());
            c.record_event(
                &obj,
                "Normal",
                "IPAllocated",
                &format!("Assigned IP [\"{ip}\"]"),
                "metallb-controller",
                None,
            );
            c.store.put(obj);
        } else if (has && (!is_lb || !c.settings.load_balancer_controller))
            || (is_lb && svc.status.is_none())
        {
            svc.status = Some(ServiceStatus {
                load_balancer: Some(LoadBalancerStatus::default()),
                ..Default::default()
            });
            c.store.put(Object::from(svc));
        }
    }
}

// ---------- namespaces ----------

fn namespaces(c: &mut Cluster) {
    let terminating: Vec<String> = c
        .store
        .list("Namespace")
        .filter(|o| o.meta().deletion_timestamp.is_some())
        .map(|o| o.name().to_string())
        .collect();
    for ns in terminating {
        // The namespace controller deletes all content; what the kubelet records
        // while the pods terminate (events) goes too. Only pods hold the namespace
        // until their grace period ends.
        let leftovers: Vec<Key> = c
            .store
            .all()
            .filter(|o| o.namespace() == ns && !matches!(o, Object::Pod(_)))
            .map(Key::of)
            .collect();
        for k in leftovers {
            c.remove_object(&k);
        }
        if c.store.all().all(|o| o.namespace() != ns) {
            c.remove_object(&Key::new("Namespace", "", &ns));
        }
    }
    // The root-ca-cert-publisher: every active namespace holds kube-root-ca.crt, put
    // back when deleted.
    let missing: Vec<String> = c
        .store
        .list("Namespace")
        .filter(|o| o.meta().deletion_timestamp.is_none())
        .map(|o| o.name().to_string())
        .filter(|ns| {
            !c.store
                .contains(&Key::new("ConfigMap", ns, ROOT_CA_CONFIGMAP))
        })
        .collect();
    for ns in missing {
        // Bounded like every other write: a full store takes no new ConfigMap.
        if c.store.len() >= super::store::MAX_OBJECTS {
            break;
        }
        super::bootstrap::put(c, root_ca_configmap(&ns));
    }
}

/// pkg/controller/certificates/rootcacertpublisher/publisher.go `RootCACertConfigMapName`.
pub(crate) const ROOT_CA_CONFIGMAP: &str = "kube-root-ca.crt";

/// The publisher's ConfigMap: the cluster CA (a made-up certificate of the usual size:
/// nothing in the simulation verifies TLS) and its `kubernetes.io/description`.
fn root_ca_configmap(ns: &str) -> Object {
    const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut pem = String::from("-----BEGIN CERTIFICATE-----\nMIIDBTCCAe2gAwIBAgIIQ");
    let mut x: u32 = 0x6b75_6265;
    for i in 0..1_040 {
        // xorshift: the same bytes every time, no RNG draw.
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        pem.push(B64[(x % 64) as usize] as char);
        if (i + 21) % 64 == 63 {
            pem.push('\n');
        }
    }
    pem.push_str("=\n-----END CERTIFICATE-----\n");
    let mut body = serde_json::Map::new();
    body.insert("data".into(), serde_json::json!({ "ca.crt": pem }));
    let kind = crate::api::kinds::by_kind_name("ConfigMap")
        .unwrap_or(&crate::api::kinds::RESOURCE_TYPES[0]);
    Object::from(crate::api::GenericObject {
        kind,
        metadata: ObjectMeta {
            name: Some(ROOT_CA_CONFIGMAP.into()),
            namespace: Some(ns.into()),
            annotations: Some(BTreeMap::from([(
                "kubernetes.io/description".to_string(),
                "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.".to_string(),
            )])),
            ..Default::default()
        },
        body,
    })
}
