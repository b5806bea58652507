//! What the API server does with a write: defaulting, allocation, validation,
//! bookkeeping, and kubectl apply's three-way merge. Every change a learner makes goes
//! through these functions, whichever way it arrives (editor, terminal, share link).

use std::collections::BTreeSet;
use std::sync::Arc;

use k8s_openapi::api::core::v1::{Service, ServiceSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde_json::Value;

pub use super::smp::three_way;
use super::{Cluster, Key, Millis};
use crate::api::{kinds, Object};
use crate::manifest::defaults::apply_defaults;
use crate::manifest::validate::needs_health_check;
use crate::manifest::validate::{format_invalid, validate, validate_update, Cause};

pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// An error the API server returns, printed the way kubectl prints it.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    Invalid {
        kind: String,
        name: String,
        causes: Vec<Cause>,
    },
    /// `resource` is the qualified plural (`deployments.apps`).
    NotFound {
        resource: String,
        name: String,
    },
    AlreadyExists {
        resource: String,
        name: String,
    },
    BadRequest(String),
    Forbidden(String),
    /// `errors.NewInternalError`: "Internal error occurred: ...".
    Internal(String),
    /// The store's own object limit.
    TooManyObjects,
}

impl ApiError {
    /// kubectl's rendering; `context` is `("creating", "STDIN")` when kubectl read a file.
    pub fn render(&self, context: Option<(&str, &str)>) -> String {
        let src = |msg: String| match context {
            Some((verb, source)) => format!("error when {verb} \"{source}\": {msg}"),
            None => msg,
        };
        match self {
            ApiError::Invalid { kind, name, causes } => format_invalid(kind, name, causes),
            ApiError::NotFound { resource, name } => format!(
                "Error from server (NotFound): {}",
                src(format!("{resource} \"{name}\" not found"))
            ),
            ApiError::AlreadyExists { resource, name } => format!(
                "Error from server (AlreadyExists): {}",
                src(format!("{resource} \"{name}\" already exists"))
            ),
            ApiError::BadRequest(m) => {
                format!("Error from server (BadRequest): {}", src(m.clone()))
            }
            ApiError::Forbidden(m) => format!("Error from server (Forbidden): {}", src(m.clone())),
            ApiError::Internal(m) => format!(
                "Error from server (InternalError): {}",
                src(format!("Internal error occurred: {m}"))
            ),
            // What a real API server answers when etcd is out of space (its quota
            // alarm); the page says that the simulated store holds MAX_OBJECTS.
            ApiError::TooManyObjects => {
                format!("Error from server: {}", src(STORE_FULL.to_string()))
            }
        }
    }
}

impl ApiError {
    /// The status message alone (`err.Error()` in client-go), as kubectl prints it when
    /// it wraps the error in its own text (`failed to patch ...: <message>`).
    pub fn message(&self) -> String {
        match self {
            ApiError::Invalid { kind, name, causes } => {
                // apierrors.NewInvalid: the group-qualified kind and the aggregate of the
                // causes (one as is, several as `[a, b]`); kubectl reformats it only when
                // it prints the Status itself.
                let qualified = match kinds::by_kind_name(kind) {
                    Some(rt) if !rt.group.is_empty() => format!("{kind}.{}", rt.group),
                    _ => kind.clone(),
                };
                let mut lines: Vec<String> = Vec::new();
                for c in causes {
                    let line = format!("{}: {}", c.field, c.body);
                    if !lines.contains(&line) {
                        lines.push(line);
                    }
                }
                let head = format!("{qualified} {name:?} is invalid");
                match lines.as_slice() {
                    [] => head,
                    [one] => format!("{head}: {one}"),
                    many => format!("{head}: [{}]", many.join(", ")),
                }
            }
            ApiError::NotFound { resource, name } => format!("{resource} \"{name}\" not found"),
            ApiError::AlreadyExists { resource, name } => {
                format!("{resource} \"{name}\" already exists")
            }
            ApiError::BadRequest(m) | ApiError::Forbidden(m) => m.clone(),
            ApiError::Internal(m) => format!("Internal error occurred: {m}"),
            ApiError::TooManyObjects => STORE_FULL.to_string(),
        }
    }
}

/// etcd's NOSPACE error text, as the API server passes it on.
pub const STORE_FULL: &str = "etcdserver: mvcc: database space exceeded";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplyOutcome {
    Created,
    Configured,
    Unchanged,
}

impl ApplyOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            ApplyOutcome::Created => "created",
            ApplyOutcome::Configured => "configured",
            ApplyOutcome::Unchanged => "unchanged",
        }
    }
}

fn invalid(obj: &Object, causes: Vec<Cause>) -> ApiError {
    ApiError::Invalid {
        kind: obj.kind().to_string(),
        name: obj.name().to_string(),
        causes,
    }
}

fn cause(field: &str, body: String) -> Cause {
    Cause {
        field: field.to_string(),
        body,
    }
}

impl Cluster {
    pub fn get(&self, kind: &'static str, namespace: &str, name: &str) -> Option<&Object> {
        self.store.get_parts(kind, namespace, name)
    }

    fn not_found(rt: &'static kinds::ResourceType, name: &str) -> ApiError {
        ApiError::NotFound {
            resource: rt.qualified_plural(),
            name: name.to_string(),
        }
    }

    /// Fills the namespace of a namespaced object and checks that it exists.
    fn place(&self, obj: &mut Object, default_ns: &str) -> Result<(), ApiError> {
        let rt = obj.resource_type();
        if rt.namespaced {
            if obj.namespace().is_empty() {
                obj.meta_mut().namespace = Some(default_ns.to_string());
            }
            let ns = obj.namespace().to_string();
            match self.get("Namespace", "", &ns) {
                None => {
                    return Err(ApiError::NotFound {
                        resource: "namespaces".into(),
                        name: ns,
                    })
                }
                Some(n) if n.meta().deletion_timestamp.is_some() => {
                    return Err(ApiError::Forbidden(format!(
                        "{} \"{}\" is forbidden: unable to create new content in namespace {ns} because it is being terminated",
                        rt.qualified_plural(),
                        obj.name()
                    )))
                }
                _ => {}
            }
        } else {
            obj.meta_mut().namespace = None;
        }
        Ok(())
    }

    /// POST: creates an object (kubectl create, run, expose, and apply of a new object).
    pub fn create(&mut self, obj: Object, default_ns: &str) -> Result<Object, ApiError> {
        let created = self.create_request(obj, default_ns)?;
        self.reconcile();
        Ok(created)
    }

    /// [`Cluster::create`] without letting the controllers react: a controller's own
    /// create, whose status write comes first (as [`Cluster::delete_request`]).
    pub(crate) fn create_request(
        &mut self,
        mut obj: Object,
        default_ns: &str,
    ) -> Result<Object, ApiError> {
        self.place(&mut obj, default_ns)?;
        if obj.name().is_empty() {
            if let Some(prefix) = obj.meta().generate_name.clone() {
                let name = format!("{prefix}{}", self.rand_suffix(5));
                obj.meta_mut().name = Some(name);
            }
        }
        if self.store.len() >= super::store::MAX_OBJECTS {
            return Err(ApiError::TooManyObjects);
        }
        let key = Key::of(&obj);
        if self.store.contains(&key) {
            return Err(ApiError::AlreadyExists {
                resource: obj.resource_type().qualified_plural(),
                name: obj.name().to_string(),
            });
        }
        apply_defaults(&mut obj);
        // The Service allocator runs before validation (BeginCreate), so its errors come alone.
        if let Object::Service(svc) = &mut obj {
            let svc = Arc::make_mut(svc);
            svc.status = Some(empty_lb_status());
            if let Err(c) = check_ip_families(svc).and_then(|_| self.allocate_service(svc, None)) {
                return Err(invalid(&obj, vec![c]));
            }
            // alloc.go txnAllocNodePorts: the health check port comes after the node ports.
            if needs_health_check(svc) {
                if let Err(e) = self.allocate_health_check_port(svc) {
                    // The requested health check port belongs to someone else: keep it.
                    if let Some(spec) = svc.spec.as_mut() {
                        spec.health_check_node_port = None;
                    }
                    self.release_service(svc);
                    return Err(e);
                }
            }
        }
        // The Job registry generates its selector from the uid before validation
        // (PrepareForCreate; the uid is filled in first).
        let mut uid = None;
        if let Object::Generic(g) = &mut obj {
            if g.kind.kind == "Job" {
                let id = self.store.new_uid();
                let g = Arc::make_mut(g);
                let name = g.metadata.name.clone().unwrap_or_default();
                crate::manifest::defaults::job_generate_selector(&name, &id, &mut g.body);
                crate::manifest::defaults::job_labels(&mut g.metadata, &g.body);
                g.metadata.uid = Some(id.clone());
                uid = Some(id);
            }
        }
        let causes = validate(&obj);
        if !causes.is_empty() {
            if let Object::Service(svc) = &obj {
                self.release_service(svc);
            }
            return Err(invalid(&obj, causes));
        }
        let now = self.now_time();
        let uid = uid.unwrap_or_else(|| self.store.new_uid());
        let meta = obj.meta_mut();
        meta.uid = Some(uid);
        meta.creation_timestamp = Some(now);
        meta.generate_name = meta.generate_name.take();
        if matches!(obj, Object::Deployment(_) | Object::ReplicaSet(_))
            || is_controlled_generic(&obj)
        {
            obj.meta_mut().generation = Some(1);
        }
        if obj.kind() == "DaemonSet" {
            obj.meta_mut()
                .annotations
                .get_or_insert_with(Default::default)
                .insert(DS_TEMPLATE_GENERATION.into(), "1".into());
        }
        // The HPA registry's PrepareForCreate clears the status; as v2 encodes it.
        if let Object::Generic(g) = &mut obj {
            if g.kind.kind == "HorizontalPodAutoscaler" {
                let status = serde_json::json!({"currentMetrics": null, "desiredReplicas": 0});
                Arc::make_mut(g).body.insert("status".into(), status);
            }
        }
        if let Object::Pod(pod) = &mut obj {
            crate::manifest::defaults::mount_service_account_token(Arc::make_mut(pod));
            let qos = crate::manifest::defaults::qos_class(pod.spec.as_ref());
            Arc::make_mut(pod).status = Some(k8s_openapi::api::core::v1::PodStatus {
                phase: Some("Pending".into()),
                qos_class: Some(qos.into()),
                ..Default::default()
            });
        }
        super::hpa::schedule_first(self, &obj);
        self.store.put(obj.clone());
        // The response is the object as created, before any controller reacts to it.
        Ok(self.store.get(&key).cloned().unwrap_or(obj))
    }

    /// PUT: replaces an existing object, keeping what the server owns (status, uid, ...).
    pub fn update(&mut self, obj: Object) -> Result<(Object, bool), ApiError> {
        self.update_then(obj, true)
    }

    /// An update, then the controllers' reaction unless `reconcile` is false (a dry
    /// run answers with the object as written, before any controller sees it).
    pub(crate) fn update_then(
        &mut self,
        mut obj: Object,
        reconcile: bool,
    ) -> Result<(Object, bool), ApiError> {
        let key = Key::of(&obj);
        let Some(old) = self.store.get(&key).cloned() else {
            return Err(Self::not_found(obj.resource_type(), obj.name()));
        };
        apply_defaults(&mut obj);
        {
            let om = old.meta();
            let m = obj.meta_mut();
            m.uid = om.uid.clone();
            m.creation_timestamp = om.creation_timestamp.clone();
            m.resource_version = om.resource_version.clone();
            m.generation = om.generation;
            m.deletion_timestamp = om.deletion_timestamp.clone();
            m.deletion_grace_period_seconds = om.deletion_grace_period_seconds;
            if m.owner_references.is_none() {
                m.owner_references = om.owner_references.clone();
            }
        }
        // Status belongs to the controllers.
        match (&mut obj, &old) {
            (Object::Pod(n), Object::Pod(o)) => {
                let n = Arc::make_mut(n);
                n.status = o.status.clone();
                if n.spec.as_ref().and_then(|s| s.node_name.as_ref()).is_none() {
                    if let (Some(ns), Some(os)) = (n.spec.as_mut(), o.spec.as_ref()) {
                        ns.node_name = os.node_name.clone();
                    }
                }
            }
            (Object::Deployment(n), Object::Deployment(o)) => {
                Arc::make_mut(n).status = o.status.clone()
            }
            (Object::ReplicaSet(n), Object::ReplicaSet(o)) => {
                Arc::make_mut(n).status = o.status.clone()
            }
            (Object::Node(n), Object::Node(o)) => Arc::make_mut(n).status = o.status.clone(),
            (Object::Namespace(n), Object::Namespace(o)) => {
                Arc::make_mut(n).status = o.status.clone()
            }
            (Object::Generic(n), Object::Generic(o))
                if is_controlled_generic(&old) || old.kind() == "HorizontalPodAutoscaler" =>
            {
                let body = &mut Arc::make_mut(n).body;
                match o.body.get("status") {
                    Some(status) => body.insert("status".into(), status.clone()),
                    None => body.remove("status"),
                };
            }
            _ => {}
        }
        // A health check port this update allocated, given back if the update fails.
        let mut new_health_check_port = None;
        if let (Object::Service(n), Object::Service(o)) = (&mut obj, &old) {
            let n = Arc::make_mut(n);
            n.status = o.status.clone();
            patch_allocated_values(n, o);
            // alloc.go updateHealthCheckNodePort, in BeginUpdate before validation.
            if needs_health_check(n) && !needs_health_check(o) {
                self.allocate_health_check_port(n)?;
                new_health_check_port = n.spec.as_ref().and_then(|s| s.health_check_node_port);
            }
            drop_type_dependent_fields(n, o);
            // alloc.go initIPFamilyFields, in BeginUpdate before validation.
            if let Err(c) = check_ip_families(n) {
                if let Some(p) = new_health_check_port {
                    self.alloc.release_port(p);
                }
                return Err(invalid(&Object::from(n.clone()), vec![c]));
            }
        }
        let causes = validate_update(&old, &obj);
        if !causes.is_empty() {
            if let Some(p) = new_health_check_port {
                self.alloc.release_port(p);
            }
            return Err(invalid(&obj, causes));
        }
        if let (Object::Service(n), Object::Service(o)) = (&mut obj, &old) {
            if let Err(c) = self.reallocate_service(Arc::make_mut(n), o) {
                if let Some(p) = new_health_check_port {
                    self.alloc.release_port(p);
                }
                return Err(invalid(&Object::Service(n.clone()), vec![c]));
            }
            if needs_health_check(o) && !needs_health_check(n) {
                if let Some(p) = o.spec.as_ref().and_then(|s| s.health_check_node_port) {
                    self.alloc.release_port(p);
                }
            }
        }
        // generation counts spec changes.
        if matches!(obj, Object::Deployment(_) | Object::ReplicaSet(_))
            || is_controlled_generic(&obj)
        {
            let spec_of = |o: &Object| o.to_json().get("spec").cloned();
            if spec_of(&obj) != spec_of(&old) {
                obj.meta_mut().generation = Some(old.meta().generation.unwrap_or(1) + 1);
            }
        }
        // daemonset strategy PrepareForUpdate: templateGeneration follows template changes.
        if obj.kind() == "DaemonSet" {
            let template_of = |o: &Object| o.to_json().pointer("/spec/template").cloned();
            let old_gen: i64 = old
                .meta()
                .annotations
                .as_ref()
                .and_then(|a| a.get(DS_TEMPLATE_GENERATION))
                .and_then(|g| g.parse().ok())
                .unwrap_or(1);
            let gen = if template_of(&obj) != template_of(&old) {
                old_gen + 1
            } else {
                old_gen
            };
            obj.meta_mut()
                .annotations
                .get_or_insert_with(Default::default)
                .insert(DS_TEMPLATE_GENERATION.into(), gen.to_string());
        }
        let changed = self.store.put(obj);
        if reconcile {
            self.reconcile();
        }
        let stored = self.store.get(&key).cloned().unwrap_or(old);
        Ok((stored, changed))
    }

    /// kubectl apply: create, or three-way merge of (last applied, new, live) then update.
    pub fn apply(
        &mut self,
        obj: Object,
        default_ns: &str,
    ) -> Result<(Object, ApplyOutcome, bool), ApiError> {
        self.apply_then(obj, default_ns, false)
    }

    /// What `kubectl diff` compares (diff.go InfoObject): the live object, and the
    /// API server's answer to a dry run - a create of the object as read for a new one
    /// (no last-applied annotation: diff sends it as is), else apply's patch without
    /// the annotation, answered with the object as written (same resourceVersion:
    /// nothing is stored). Run on a copy of the cluster, which it changes.
    pub fn diff_versions(
        &mut self,
        mut obj: Object,
        default_ns: &str,
    ) -> Result<(Option<Object>, Object), ApiError> {
        self.place(&mut obj, default_ns)?;
        let Some(live) = self.store.get(&Key::of(&obj)).cloned() else {
            return Ok((None, self.create(obj, default_ns)?));
        };
        let (mut merged, ..) = self.apply_then(obj, default_ns, true)?;
        merged.meta_mut().resource_version = live.meta().resource_version.clone();
        Ok((Some(live), merged))
    }

    fn apply_then(
        &mut self,
        mut obj: Object,
        default_ns: &str,
        for_diff: bool,
    ) -> Result<(Object, ApplyOutcome, bool), ApiError> {
        self.place(&mut obj, default_ns)?;
        let mut config = obj.to_json();
        strip_server_fields(&mut config);
        if let Some(m) = config
            .get_mut("metadata")
            .and_then(|m| m.get_mut("annotations"))
            .and_then(|a| a.as_object_mut())
        {
            m.remove(LAST_APPLIED);
        }
        ensure_annotations_map(&mut config);
        let annotation = format!("{}\n", serde_json::to_string(&config).unwrap_or_default());
        let key = Key::of(&obj);
        let Some(live) = self.store.get(&key).cloned() else {
            obj.meta_mut()
                .annotations
                .get_or_insert_with(Default::default)
                .insert(LAST_APPLIED.into(), annotation);
            let created = self.create(obj, default_ns)?;
            return Ok((created, ApplyOutcome::Created, false));
        };
        let missing_annotation = live
            .meta()
            .annotations
            .as_ref()
            .is_none_or(|a| !a.contains_key(LAST_APPLIED));
        let original: Option<Value> = live
            .meta()
            .annotations
            .as_ref()
            .and_then(|a| a.get(LAST_APPLIED))
            .and_then(|s| serde_json::from_str(s).ok());
        let current = live.to_json();
        let mut merged = three_way(original.as_ref(), &config, &current, "");
        if let (true, Some(meta)) = (
            for_diff,
            merged.get_mut("metadata").and_then(|m| m.as_object_mut()),
        ) {
            // diff.go builds its patch with GetModifiedConfiguration(annotate=false):
            // the last-applied annotation stays as the live object has it.
            let live_annotation = live
                .meta()
                .annotations
                .as_ref()
                .and_then(|a| a.get(LAST_APPLIED));
            if let Some(a) = meta.get_mut("annotations").and_then(|a| a.as_object_mut()) {
                match live_annotation {
                    Some(v) => a.insert(LAST_APPLIED.into(), Value::String(v.clone())),
                    None => a.remove(LAST_APPLIED),
                };
                if a.is_empty() {
                    meta.remove("annotations");
                }
            }
        } else if let Some(meta) = merged.get_mut("metadata").and_then(|m| m.as_object_mut()) {
            let ann = meta
                .entry("annotations")
                .or_insert_with(|| Value::Object(Default::default()));
            if let Some(a) = ann.as_object_mut() {
                a.insert(LAST_APPLIED.into(), Value::String(annotation));
            }
        }
        // kubectl apply.go: an empty three-way patch is "unchanged" and sends nothing;
        // any other patch is "configured", even one the server turns into a no-op (a
        // Secret's stringData, merged into data, is sent again on every apply).
        if merged == current {
            return Ok((live, ApplyOutcome::Unchanged, missing_annotation));
        }
        let new_obj = Object::from_json(live.resource_type(), merged)
            .map_err(|e| ApiError::BadRequest(e.to_string()))?;
        let (stored, _changed) = self.update_then(new_obj, !for_diff)?;
        Ok((stored, ApplyOutcome::Configured, missing_annotation))
    }

    /// DELETE. Pods terminate gracefully (the kubelet removes them); other objects go at
    /// once and the garbage collector removes what they owned.
    pub fn delete(
        &mut self,
        kind: &'static str,
        namespace: &str,
        name: &str,
        grace_seconds: Option<i64>,
    ) -> Result<Object, ApiError> {
        let result = self.delete_request(kind, namespace, name, grace_seconds);
        self.reconcile();
        result
    }

    /// What the garbage collector does for a delete with `propagationPolicy: Orphan`
    /// before the owner goes: every dependent loses its owner reference to `uid`.
    pub fn orphan_dependents(&mut self, uid: &str) {
        let dependents: Vec<Key> = self.store.dependents(uid).cloned().collect();
        for key in dependents {
            let Some(mut obj) = self.store.get(&key).cloned() else {
                continue;
            };
            let meta = obj.meta_mut();
            if let Some(refs) = meta.owner_references.as_mut() {
                refs.retain(|r| r.uid != uid);
                if refs.is_empty() {
                    meta.owner_references = None;
                }
            }
            self.store.put(obj);
        }
    }

    /// [`Cluster::delete`] without letting the controllers react: for a client that
    /// sends several DELETEs back to back (`kubectl delete all --all` removes a
    /// Deployment and then its ReplicaSet before the garbage collector gets to it).
    /// The caller runs [`Cluster::reconcile`] after the last one.
    pub fn delete_request(
        &mut self,
        kind: &'static str,
        namespace: &str,
        name: &str,
        grace_seconds: Option<i64>,
    ) -> Result<Object, ApiError> {
        let key = Key::new(kind, namespace, name);
        let Some(obj) = self.store.get(&key).cloned() else {
            let rt = kinds::by_kind_name(kind).unwrap_or(&kinds::RESOURCE_TYPES[0]);
            return Err(Self::not_found(rt, name));
        };
        match &obj {
            Object::Pod(_) => self.delete_pod(&key, grace_seconds),
            Object::Namespace(_) => {
                if matches!(
                    name,
                    "default" | "kube-system" | "kube-public" | "kube-node-lease"
                ) {
                    return Err(ApiError::Forbidden(format!(
                        "namespaces \"{name}\" is forbidden: this namespace may not be deleted"
                    )));
                }
                let now = self.now_time();
                let mut ns = obj.clone();
                ns.meta_mut().deletion_timestamp = Some(now);
                if let Object::Namespace(n) = &mut ns {
                    Arc::make_mut(n)
                        .status
                        .get_or_insert_with(Default::default)
                        .phase = Some("Terminating".into());
                }
                self.store.put(ns);
                let contents: Vec<Key> = self
                    .store
                    .all()
                    .filter(|o| o.namespace() == name)
                    .map(Key::of)
                    .collect();
                for k in contents {
                    if k.kind == "Pod" {
                        self.delete_pod(&k, None);
                    } else {
                        self.remove_object(&k);
                    }
                }
            }
            _ => self.remove_object(&key),
        }
        Ok(obj)
    }

    /// Removes an object from the store, releasing what it held.
    pub(crate) fn remove_object(&mut self, key: &Key) {
        if let Some(Object::Service(svc)) = self.store.remove(key) {
            self.release_service(&svc);
        }
        // The API server's own Service comes back at its controller's next 10 s pass.
        if key.namespace == "default"
            && key.name == "kubernetes"
            && matches!(key.kind, "Service" | "Endpoints" | "EndpointSlice")
        {
            const INTERVAL: Millis = 10_000;
            let next = (self.now / INTERVAL + 1) * INTERVAL;
            self.schedule(next, super::Timer::KubernetesService);
        }
        if key.kind == "Pod" {
            self.pods.remove(key);
            self.unschedule_pod(key);
            // What was written (or apk-installed) in its containers goes with the pod: a
            // new pod of the same name starts from its image again.
            if !self.net.files.is_empty() {
                self.net.files.retain(|(pod, _), _| pod != key);
            }
        }
    }

    /// Starts a pod's graceful termination (or removes it at once with grace 0 / not running).
    pub fn delete_pod(&mut self, key: &Key, grace_seconds: Option<i64>) {
        let Some(Object::Pod(mut pod)) = self.store.get(key).cloned() else {
            return;
        };
        if pod.metadata.deletion_timestamp.is_some() && grace_seconds != Some(0) {
            return;
        }
        let grace = grace_seconds.unwrap_or_else(|| {
            pod.spec
                .as_ref()
                .and_then(|s| s.termination_grace_period_seconds)
                .unwrap_or(30)
        });
        let scheduled = pod
            .spec
            .as_ref()
            .and_then(|s| s.node_name.as_ref())
            .is_some();
        if grace == 0 || !scheduled {
            self.remove_object(key);
            return;
        }
        let deletion_timestamp =
            Some(self.time(self.now.saturating_add(grace.saturating_mul(1000))));
        let meta = &mut Arc::make_mut(&mut pod).metadata;
        meta.deletion_timestamp = deletion_timestamp;
        meta.deletion_grace_period_seconds = Some(grace);
        self.store.put(Object::Pod(pod));
        super::kubelet::begin_termination(self, key, grace);
    }

    // ---- Service allocation ----

    /// Allocates ClusterIP(s) and node ports for a new Service, or a type change.
    fn allocate_service(&mut self, svc: &mut Service, old: Option<&Service>) -> Result<(), Cause> {
        let spec = svc.spec.get_or_insert_with(Default::default);
        let ty = spec.type_.clone().unwrap_or_else(|| "ClusterIP".into());
        let old_ip = old
            .and_then(|o| o.spec.as_ref())
            .and_then(|s| s.cluster_ip.clone())
            .filter(|ip| ip != "None" && !ip.is_empty());
        if ty != "ExternalName" && old_ip.is_none() {
            let requested = spec
                .cluster_ip
                .clone()
                .or_else(|| spec.cluster_ips.as_ref().and_then(|v| v.first().cloned()))
                .filter(|s| !s.is_empty());
            match requested.as_deref() {
                Some("None") => {
                    spec.cluster_ip = Some("None".into());
                    spec.cluster_ips = Some(vec!["None".into()]);
                }
                Some(ip) => {
                    if crate::cluster::alloc::parse_ipv4(ip).is_none() {
                        return Err(cause(
                            "spec.clusterIPs[0]",
                            format!("Invalid value: {ip:?}: must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"),
                        ));
                    }
                    let mut a = std::mem::take(&mut self.alloc);
                    let res = a.allocate_ip(Some(ip), &mut |n| n / 2);
                    self.alloc = a;
                    if let Err(e) = res {
                        return Err(cause(
                            "spec.clusterIPs",
                            format!("Invalid value: []string{{{ip:?}}}: {}", e.detail()),
                        ));
                    }
                    let spec = svc.spec.get_or_insert_with(Default::default);
                    spec.cluster_ip = Some(ip.to_string());
                    spec.cluster_ips = Some(vec![ip.to_string()]);
                }
                None => {
                    let mut a = std::mem::take(&mut self.alloc);
                    let mut r = |n| self.rand_below(n);
                    let res = a.allocate_ip(None, &mut r);
                    self.alloc = a;
                    let ip = res.map_err(|e| {
                        cause("spec.clusterIPs", format!("Internal error: {}", e.detail()))
                    })?;
                    let spec = svc.spec.get_or_insert_with(Default::default);
                    spec.cluster_ip = Some(ip.clone());
                    spec.cluster_ips = Some(vec![ip]);
                }
            }
        }
        let spec = svc.spec.get_or_insert_with(Default::default);
        if matches!(ty.as_str(), "NodePort" | "LoadBalancer")
            && spec.allocate_load_balancer_node_ports != Some(false)
        {
            let mut ports = spec.ports.clone().unwrap_or_default();
            // Same port number on two protocols shares one node port.
            let mut by_port: Vec<(i32, i32)> = Vec::new();
            for (i, p) in ports.iter_mut().enumerate() {
                let old_np = old
                    .and_then(|o| o.spec.as_ref())
                    .and_then(|s| s.ports.as_ref())
                    .and_then(|ps| {
                        ps.iter()
                            .find(|op| op.port == p.port && op.node_port.is_some())
                            .and_then(|op| op.node_port)
                    });
                if let Some(np) = p.node_port.filter(|n| *n != 0) {
                    if old_np == Some(np) {
                        continue;
                    }
                    if let Some((_, shared)) = by_port.iter().find(|(port, _)| *port == p.port) {
                        if *shared == np {
                            continue;
                        }
                    }
                    let mut a = std::mem::take(&mut self.alloc);
                    let res = a.allocate_port(Some(np), &mut |n| n / 2);
                    self.alloc = a;
                    match res {
                        Ok(_) => by_port.push((p.port, np)),
                        Err(e) => {
                            self.release_ports_of(&ports[..i]);
                            return Err(cause(
                                &format!("spec.ports[{i}].nodePort"),
                                format!("Invalid value: {np}: {}", e.detail()),
                            ));
                        }
                    }
                } else if let Some(np) = old_np {
                    p.node_port = Some(np);
                } else if let Some((_, shared)) = by_port.iter().find(|(port, _)| *port == p.port) {
                    p.node_port = Some(*shared);
                } else {
                    let mut a = std::mem::take(&mut self.alloc);
                    let mut r = |n| self.rand_below(n);
                    let res = a.allocate_port(None, &mut r);
                    self.alloc = a;
                    match res {
                        Ok(np) => {
                            p.node_port = Some(np);
                            by_port.push((p.port, np));
                        }
                        Err(e) => {
                            return Err(cause(
                                &format!("spec.ports[{i}].nodePort"),
                                format!("Internal error: {}", e.detail()),
                            ))
                        }
                    }
                }
            }
            svc.spec.get_or_insert_with(Default::default).ports = Some(ports);
        }
        Ok(())
    }

    fn release_ports_of(&mut self, ports: &[k8s_openapi::api::core::v1::ServicePort]) {
        for p in ports {
            if let Some(np) = p.node_port {
                self.alloc.release_port(np);
            }
        }
    }

    /// alloc.go `allocHealthCheckNodePort`: the requested port, or any free one.
    fn allocate_health_check_port(&mut self, svc: &mut Service) -> Result<(), ApiError> {
        let spec = svc.spec.get_or_insert_with(Default::default);
        let requested = spec.health_check_node_port.filter(|p| *p != 0);
        let mut a = std::mem::take(&mut self.alloc);
        let res = match requested {
            Some(p) => a.allocate_port(Some(p), &mut |n| n / 2),
            None => a.allocate_port(None, &mut |n| self.rand_below(n)),
        };
        self.alloc = a;
        match (res, requested) {
            (Ok(p), _) => {
                spec.health_check_node_port = Some(p);
                Ok(())
            }
            (Err(e), Some(p)) => Err(ApiError::Internal(format!(
                "failed to allocate requested HealthCheck NodePort {p}: {}",
                e.detail()
            ))),
            (Err(e), None) => Err(ApiError::Internal(format!(
                "failed to allocate a HealthCheck NodePort 0: {}",
                e.detail()
            ))),
        }
    }

    pub(crate) fn release_service(&mut self, svc: &Service) {
        if needs_health_check(svc) {
            if let Some(p) = svc.spec.as_ref().and_then(|s| s.health_check_node_port) {
                self.alloc.release_port(p);
            }
        }
        if let Some(spec) = &svc.spec {
            if let Some(ip) = &spec.cluster_ip {
                self.alloc.release_ip(ip);
            }
            if let Some(ports) = &spec.ports {
                self.release_ports_of(ports);
            }
        }
    }

    /// A Service update: type changes release or allocate addresses and ports
    /// (k/k storage `dropTypeDependentFields`, alloc.go `txnUpdateNodePorts`).
    fn reallocate_service(&mut self, new: &mut Service, old: &Service) -> Result<(), Cause> {
        let ty = |s: &Service| {
            s.spec
                .as_ref()
                .and_then(|s| s.type_.clone())
                .unwrap_or_else(|| "ClusterIP".into())
        };
        let (new_ty, old_ty) = (ty(new), ty(old));
        let spec = new.spec.get_or_insert_with(Default::default);
        if new_ty == "ExternalName" {
            if let Some(ip) = old.spec.as_ref().and_then(|s| s.cluster_ip.clone()) {
                self.alloc.release_ip(&ip);
            }
            // Validation has made sure no address or family is left to clear.
            spec.cluster_ip = None;
            spec.cluster_ips = None;
        }
        let had_ports = matches!(old_ty.as_str(), "NodePort" | "LoadBalancer");
        let wants_ports = matches!(new_ty.as_str(), "NodePort" | "LoadBalancer");
        // Release node ports no longer used.
        let old_nps: Vec<i32> = old
            .spec
            .as_ref()
            .and_then(|s| s.ports.clone())
            .unwrap_or_default()
            .iter()
            .filter_map(|p| p.node_port)
            .collect();
        if had_ports && !wants_ports {
            for np in &old_nps {
                self.alloc.release_port(*np);
            }
            if let Some(ports) = spec.ports.as_mut() {
                for p in ports {
                    p.node_port = None;
                }
            }
        }
        let old_for_alloc = if new_ty == "ExternalName" {
            None
        } else {
            Some(old)
        };
        if new_ty != "ExternalName" || wants_ports {
            self.allocate_service(new, old_for_alloc)?;
        }
        if had_ports && wants_ports {
            let keep: Vec<i32> = new
                .spec
                .as_ref()
                .and_then(|s| s.ports.clone())
                .unwrap_or_default()
                .iter()
                .filter_map(|p| p.node_port)
                .collect();
            for np in old_nps {
                if !keep.contains(&np) {
                    self.alloc.release_port(np);
                }
            }
        }
        if new_ty != "LoadBalancer" {
            new.status = Some(empty_lb_status());
        }
        Ok(())
    }

    pub fn now_millis(&self) -> Millis {
        self.now
    }
}

/// alloc.go initIPFamilyFields on this single-stack IPv4 cluster: a Service may not
/// require dual-stack or ask for IPv6, except a headless one without a selector, which
/// may have both families (defaults add them).
fn check_ip_families(svc: &Service) -> Result<(), Cause> {
    let Some(spec) = svc.spec.as_ref() else {
        return Ok(());
    };
    let headless = spec.cluster_ip.as_deref() == Some("None");
    let selectorless = spec.selector.as_ref().is_none_or(|m| m.is_empty());
    if spec.type_.as_deref() == Some("ExternalName") || (headless && selectorless) {
        return Ok(());
    }
    if spec.ip_family_policy.as_deref() == Some("RequireDualStack") {
        return Err(cause(
            "spec.ipFamilyPolicy",
            "Invalid value: \"RequireDualStack\": this cluster is not configured for dual-stack services".into(),
        ));
    }
    match spec
        .ip_families
        .iter()
        .flatten()
        .enumerate()
        .find(|(_, f)| *f == "IPv6")
    {
        Some((i, f)) => Err(cause(
            &format!("spec.ipFamilies[{i}]"),
            format!("Invalid value: {f:?}: not configured on this cluster"),
        )),
        None => Ok(()),
    }
}

/// k/k storage `dropTypeDependentFields`: an update that leaves a kind of Service behind
/// wipes the fields that kind needed, each only if the learner left it as it was (a
/// changed one is then refused by validation).
fn drop_type_dependent_fields(new: &mut Service, old: &Service) {
    let hc_before = needs_health_check(old);
    let hc_after = needs_health_check(new);
    let (Some(ns), Some(os)) = (new.spec.as_mut(), old.spec.as_ref()) else {
        return;
    };
    let ty = |s: &ServiceSpec| s.type_.clone().unwrap_or_else(|| "ClusterIP".into());
    let (new_ty, old_ty) = (ty(ns), ty(os));
    let node_ports = |t: &str| matches!(t, "NodePort" | "LoadBalancer");
    // apiservice.ExternallyAccessible: node ports, or a ClusterIP with external IPs.
    let accessible = |s: &ServiceSpec, t: &str| {
        node_ports(t)
            || (t == "ClusterIP" && s.external_ips.as_ref().is_some_and(|v| !v.is_empty()))
    };
    if old_ty != "ExternalName" && new_ty == "ExternalName" {
        let ips = |s: &ServiceSpec| s.cluster_ips.clone().unwrap_or_default();
        if ns.cluster_ip == os.cluster_ip && ips(ns) == ips(os) {
            ns.cluster_ip = None;
            ns.cluster_ips = None;
        }
        if ns.ip_families == os.ip_families {
            ns.ip_families = None;
        }
        if ns.ip_family_policy == os.ip_family_policy {
            ns.ip_family_policy = None;
        }
    }
    // sameNodePorts: no node port that the old Service did not have.
    let set = |s: &ServiceSpec| -> BTreeSet<i32> {
        crate::sort::collect_set(
            s.ports
                .iter()
                .flatten()
                .filter_map(|p| p.node_port)
                .filter(|n| *n != 0),
        )
    };
    if node_ports(&old_ty) && !node_ports(&new_ty) && set(ns).is_subset(&set(os)) {
        for p in ns.ports.iter_mut().flatten() {
            p.node_port = None;
        }
    }
    if hc_before && !hc_after && ns.health_check_node_port == os.health_check_node_port {
        ns.health_check_node_port = None;
    }
    if old_ty == "LoadBalancer" && new_ty != "LoadBalancer" {
        if ns.allocate_load_balancer_node_ports.is_some()
            && ns.allocate_load_balancer_node_ports == os.allocate_load_balancer_node_ports
        {
            ns.allocate_load_balancer_node_ports = None;
        }
        if ns.load_balancer_class == os.load_balancer_class {
            ns.load_balancer_class = None;
        }
    }
    if accessible(os, &old_ty)
        && !accessible(ns, &new_ty)
        && ns.external_traffic_policy == os.external_traffic_policy
    {
        ns.external_traffic_policy = None;
    }
}

/// Every Service carries `status: {loadBalancer: {}}` until a load balancer is assigned.
fn empty_lb_status() -> k8s_openapi::api::core::v1::ServiceStatus {
    k8s_openapi::api::core::v1::ServiceStatus {
        load_balancer: Some(Default::default()),
        ..Default::default()
    }
}

/// k/k `patchAllocatedValues`: an update that omits clusterIP or a nodePort keeps the allocated one.
fn patch_allocated_values(new: &mut Service, old: &Service) {
    let (Some(ns), Some(os)) = (new.spec.as_mut(), old.spec.as_ref()) else {
        return;
    };
    let new_ty = ns.type_.clone().unwrap_or_else(|| "ClusterIP".into());
    if new_ty != "ExternalName" {
        if ns.cluster_ip.as_deref().is_none_or(str::is_empty) {
            ns.cluster_ip = os.cluster_ip.clone();
        }
        if ns.cluster_ips.as_ref().is_none_or(|v| v.is_empty()) {
            if let Some(ip) = &ns.cluster_ip {
                ns.cluster_ips = Some(vec![ip.clone()]);
            }
        } else if let (Some(ip), Some(ips)) = (&ns.cluster_ip, ns.cluster_ips.as_mut()) {
            // normalizeClusterIPs: the singular field wins.
            if let Some(first) = ips.first_mut() {
                *first = ip.clone();
            }
        }
    }
    if needs_health_check(old)
        && new_ty == "LoadBalancer"
        && ns.external_traffic_policy.as_deref() == Some("Local")
        && ns.health_check_node_port.is_none_or(|p| p == 0)
    {
        ns.health_check_node_port = os.health_check_node_port;
    }
    if matches!(new_ty.as_str(), "NodePort" | "LoadBalancer") {
        if let (Some(nps), Some(ops)) = (ns.ports.as_mut(), os.ports.as_ref()) {
            for p in nps {
                if p.node_port.is_none_or(|n| n == 0) {
                    if let Some(op) = ops
                        .iter()
                        .find(|op| op.port == p.port && op.protocol == p.protocol)
                    {
                        p.node_port = op.node_port;
                    }
                }
            }
        }
    }
}

/// Server-owned fields that are not part of what the learner applied.
fn strip_server_fields(v: &mut Value) {
    if let Some(m) = v.as_object_mut() {
        m.remove("status");
        if let Some(meta) = m.get_mut("metadata").and_then(|x| x.as_object_mut()) {
            for k in [
                "uid",
                "resourceVersion",
                "creationTimestamp",
                "generation",
                "managedFields",
                "selfLink",
            ] {
                meta.remove(k);
            }
        }
    }
}

/// kubectl's `GetModifiedConfiguration` (pkg/util/apply.go) sets the annotations to
/// an empty, non-nil map when there are none, so the unstructured object encodes
/// `"annotations":{}` into the last-applied configuration.
fn ensure_annotations_map(v: &mut Value) {
    if let Some(meta) = v.get_mut("metadata").and_then(|m| m.as_object_mut()) {
        if !meta.get("annotations").is_some_and(Value::is_object) {
            meta.insert("annotations".into(), Value::Object(Default::default()));
        }
    }
}

/// StatefulSets, Jobs, DaemonSets and CronJobs are stored as generic objects but have a controller (and so a generation
/// and a status that belongs to it).
fn is_controlled_generic(obj: &Object) -> bool {
    matches!(obj.kind(), "StatefulSet" | "Job" | "DaemonSet" | "CronJob")
}

/// The annotation apps/v1 keeps a DaemonSet's templateGeneration in (the registry sets
/// it to 1 on create and adds one whenever the template changes).
pub const DS_TEMPLATE_GENERATION: &str = "deprecated.daemonset.template.generation";

/// A fresh ObjectMeta with name and namespace.
pub fn meta(name: &str, namespace: &str) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_string()),
        namespace: if namespace.is_empty() {
            None
        } else {
            Some(namespace.to_string())
        },
        ..Default::default()
    }
}
