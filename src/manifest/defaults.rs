//! Defaulting as the API server applies it on create/update (k/k
//! `pkg/apis/core/v1/defaults.go`, `pkg/apis/apps/v1/defaults.go`; REFERENCE.md 2.2),
//! plus the few registry/admission fields every stored object shows.

use crate::api::Object;
use k8s_openapi::api::apps::v1::{
    Deployment, DeploymentStrategy, ReplicaSet, RollingUpdateDeployment,
};
use k8s_openapi::api::core::v1::{
    ClientIPConfig, Container, Namespace, NamespaceSpec, NamespaceStatus, Pod, PodSecurityContext,
    PodSpec, Probe, ResourceRequirements, Service, ServiceStatus, SessionAffinityConfig,
};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// `v1.DefaultClientIPServiceAffinitySeconds`.
pub const DEFAULT_CLIENT_IP_TIMEOUT: i32 = 10800;

/// Applies the API server's defaults in place. Idempotent.
pub fn apply_defaults(obj: &mut Object) {
    match obj {
        Object::Service(s) => service(std::sync::Arc::make_mut(s)),
        Object::Pod(p) => pod(std::sync::Arc::make_mut(p)),
        Object::Deployment(d) => deployment(std::sync::Arc::make_mut(d)),
        Object::ReplicaSet(r) => replica_set(std::sync::Arc::make_mut(r)),
        Object::Namespace(n) => namespace(std::sync::Arc::make_mut(n)),
        Object::Generic(g) if g.kind.kind == "StatefulSet" => {
            statefulset(&mut std::sync::Arc::make_mut(g).body)
        }
        Object::Generic(g) if g.kind.kind == "DaemonSet" => {
            daemonset(&mut std::sync::Arc::make_mut(g).body)
        }
        Object::Generic(g) if g.kind.kind == "Job" => {
            let g = std::sync::Arc::make_mut(g);
            job(&mut g.body);
            job_labels(&mut g.metadata, &g.body);
        }
        Object::Generic(g) if g.kind.kind == "CronJob" => {
            cronjob(&mut std::sync::Arc::make_mut(g).body)
        }
        Object::Generic(g) if g.kind.kind == "HorizontalPodAutoscaler" => {
            hpa(&mut std::sync::Arc::make_mut(g).body)
        }
        Object::Generic(g) if g.kind.kind == "Secret" => {
            secret(&mut std::sync::Arc::make_mut(g).body)
        }
        _ => {}
    }
}

/// A Secret as the API server stores it: `stringData` merged into `data`, base64-encoded
/// (its values win; k8s.io/api core/v1 conversion `Convert_v1_Secret_To_core_Secret`),
/// and `type` defaulted to `Opaque` (`SetDefaults_Secret`).
pub fn secret(body: &mut serde_json::Map<String, serde_json::Value>) {
    use base64::Engine;
    use serde_json::Value;
    if let Some(Value::Object(plain)) = body.remove("stringData") {
        let data = body
            .entry("data")
            .or_insert_with(|| Value::Object(Default::default()));
        if !data.is_object() {
            *data = Value::Object(Default::default());
        }
        if let Value::Object(data) = data {
            for (k, v) in plain {
                let text = v.as_str().unwrap_or_default();
                let encoded = base64::engine::general_purpose::STANDARD.encode(text);
                data.insert(k, Value::String(encoded));
            }
        }
    }
    let typed = body
        .get("type")
        .and_then(Value::as_str)
        .is_some_and(|t| !t.is_empty());
    if !typed {
        body.insert("type".into(), Value::String("Opaque".into()));
    }
}

/// `SetDefaults_StatefulSet` (apps/v1) on the stored JSON (StatefulSets are kept as
/// generic objects), and the pod defaults in its template.
pub fn statefulset(body: &mut serde_json::Map<String, serde_json::Value>) {
    use serde_json::json;
    let Some(spec) = json_object(body, "spec") else {
        return;
    };
    for (key, default) in [
        ("podManagementPolicy", json!("OrderedReady")),
        ("replicas", json!(1)),
        ("revisionHistoryLimit", json!(10)),
    ] {
        spec.entry(key).or_insert(default);
    }
    rolling_update_defaults(spec, &[("partition", json!(0))]);
    if let Some(retention) = json_object(spec, "persistentVolumeClaimRetentionPolicy") {
        for key in ["whenDeleted", "whenScaled"] {
            retention.entry(key).or_insert_with(|| json!("Retain"));
        }
    }
    template_defaults(spec);
}

/// `updateStrategy` of a StatefulSet or DaemonSet: type RollingUpdate when unset, and
/// then these `rollingUpdate` fields.
fn rolling_update_defaults(
    spec: &mut serde_json::Map<String, serde_json::Value>,
    fields: &[(&str, serde_json::Value)],
) {
    use serde_json::json;
    let Some(strategy) = json_object(spec, "updateStrategy") else {
        return;
    };
    strategy
        .entry("type")
        .or_insert_with(|| json!("RollingUpdate"));
    if strategy.get("type") == Some(&json!("RollingUpdate")) {
        if let Some(rolling) = json_object(strategy, "rollingUpdate") {
            for (k, v) in fields {
                rolling.entry(*k).or_insert_with(|| v.clone());
            }
        }
    }
}

/// `SetDefaults_DaemonSet` (apps/v1) on the stored JSON (DaemonSets are kept as generic
/// objects): updateStrategy RollingUpdate with maxUnavailable 1 and maxSurge 0,
/// revisionHistoryLimit 10; and the pod defaults in its template.
pub fn daemonset(body: &mut serde_json::Map<String, serde_json::Value>) {
    daemonset_spec(body);
    if let Some(spec) = json_object(body, "spec") {
        template_defaults(spec);
    }
}

/// [`daemonset`] without the pod template's defaults: the update strategy and the
/// revision history limit (for a template already written defaulted, as `bootstrap`'s).
pub fn daemonset_spec(body: &mut serde_json::Map<String, serde_json::Value>) {
    use serde_json::json;
    let Some(spec) = json_object(body, "spec") else {
        return;
    };
    rolling_update_defaults(
        spec,
        &[("maxUnavailable", json!(1)), ("maxSurge", json!(0))],
    );
    spec.entry("revisionHistoryLimit")
        .or_insert_with(|| json!(10));
}

/// The pod defaults (`SetDefaults_PodSpec`, containers) in the `template` of a workload
/// kept as JSON; a template that does not decode is left for validation.
fn template_defaults(spec: &mut serde_json::Map<String, serde_json::Value>) {
    let Some(template) = spec.get("template").cloned() else {
        return;
    };
    let Ok(mut template) =
        crate::api::object::decode::<k8s_openapi::api::core::v1::PodTemplateSpec>(template)
    else {
        return;
    };
    if let Some(pod) = template.spec.as_mut() {
        pod_spec(pod);
    }
    if let Ok(v) = serde_json::to_value(&template) {
        spec.insert("template".into(), v);
    }
}

/// `SetDefaults_Job` (batch/v1, v1.33) on the stored JSON (Jobs are kept as generic
/// objects): completions and parallelism 1 when both are unset, backoffLimit 6,
/// completionMode NonIndexed, suspend false, podReplacementPolicy TerminatingOrFailed
/// (Failed with a podFailurePolicy), manualSelector false; and the pod defaults in
/// its template.
pub fn job(body: &mut serde_json::Map<String, serde_json::Value>) {
    use serde_json::json;
    let Some(spec) = json_object(body, "spec") else {
        return;
    };
    let unset = |spec: &serde_json::Map<String, serde_json::Value>, k: &str| {
        spec.get(k).is_none_or(serde_json::Value::is_null)
    };
    if unset(spec, "completions") && unset(spec, "parallelism") {
        spec.insert("completions".into(), json!(1));
    }
    let replacement = if unset(spec, "podFailurePolicy") {
        "TerminatingOrFailed"
    } else {
        "Failed"
    };
    for (key, default) in [
        ("parallelism", json!(1)),
        ("backoffLimit", json!(6)),
        ("completionMode", json!("NonIndexed")),
        ("suspend", json!(false)),
        ("podReplacementPolicy", json!(replacement)),
        ("manualSelector", json!(false)),
    ] {
        if unset(spec, key) {
            spec.insert(key.into(), default);
        }
    }
    template_defaults(spec);
}

/// `SetDefaults_CronJob` (batch/v1, v1.33): concurrencyPolicy Allow, suspend false,
/// successfulJobsHistoryLimit 3, failedJobsHistoryLimit 1; and the pod defaults in the
/// job template's pod template (SetDefaults_Job is for Jobs, not their templates).
pub fn cronjob(body: &mut serde_json::Map<String, serde_json::Value>) {
    use serde_json::json;
    let Some(spec) = json_object(body, "spec") else {
        return;
    };
    for (key, default) in [
        ("concurrencyPolicy", json!("Allow")),
        ("suspend", json!(false)),
        ("successfulJobsHistoryLimit", json!(3)),
        ("failedJobsHistoryLimit", json!(1)),
    ] {
        if spec.get(key).is_none_or(serde_json::Value::is_null) {
            spec.insert(key.into(), default);
        }
    }
    if let Some(job_spec) = json_object(spec, "jobTemplate").and_then(|t| json_object(t, "spec")) {
        template_defaults(job_spec);
    }
}

/// The rest of `SetDefaults_Job`: a Job without labels of its own shows its pod
/// template's (the API server defaults every read, so once the selector is generated
/// the generated labels are among them).
pub fn job_labels(
    meta: &mut k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
    body: &serde_json::Map<String, serde_json::Value>,
) {
    if meta.labels.as_ref().is_some_and(|l| !l.is_empty()) {
        return;
    }
    let labels = body
        .get("spec")
        .and_then(|s| s.get("template"))
        .and_then(|t| t.get("metadata"))
        .and_then(|m| m.get("labels"))
        .and_then(serde_json::Value::as_object);
    if let Some(labels) = labels {
        meta.labels =
            Some(crate::sort::collect_map(labels.iter().filter_map(
                |(k, v)| Some((k.clone(), v.as_str()?.to_string())),
            )));
    }
}

/// The Job registry's `generateSelector` (pkg/registry/batch/job/strategy.go), run on
/// create once the Job has its uid, unless `manualSelector` is true: the pod template
/// gets `job-name`, `batch.kubernetes.io/job-name`, `controller-uid` and
/// `batch.kubernetes.io/controller-uid` (each unless already there) and the selector
/// matches `batch.kubernetes.io/controller-uid`.
pub fn job_generate_selector(
    name: &str,
    uid: &str,
    body: &mut serde_json::Map<String, serde_json::Value>,
) {
    use serde_json::{json, Value};
    let Some(spec) = json_object(body, "spec") else {
        return;
    };
    if spec.get("manualSelector") == Some(&json!(true)) {
        return;
    }
    if let Some(template) = json_object(spec, "template") {
        if let Some(meta) = json_object(template, "metadata") {
            if meta.get("labels").is_some_and(Value::is_null) {
                meta.remove("labels");
            }
            if let Some(labels) = json_object(meta, "labels") {
                for (k, v) in [
                    ("job-name", name),
                    ("batch.kubernetes.io/job-name", name),
                    ("controller-uid", uid),
                    ("batch.kubernetes.io/controller-uid", uid),
                ] {
                    labels.entry(k).or_insert_with(|| json!(v));
                }
            }
        }
    }
    if spec.get("selector").is_some_and(Value::is_null) {
        spec.remove("selector");
    }
    if let Some(selector) = json_object(spec, "selector") {
        if selector.get("matchLabels").is_some_and(Value::is_null) {
            selector.remove("matchLabels");
        }
        if let Some(ml) = json_object(selector, "matchLabels") {
            ml.entry("batch.kubernetes.io/controller-uid")
                .or_insert_with(|| json!(uid));
        }
    }
}

/// `map[key]` as an object, created empty when missing (`None` when it holds
/// something else, which validation reports).
fn json_object<'a>(
    map: &'a mut serde_json::Map<String, serde_json::Value>,
    key: &str,
) -> Option<&'a mut serde_json::Map<String, serde_json::Value>> {
    map.entry(key)
        .or_insert_with(|| serde_json::json!({}))
        .as_object_mut()
}

fn set<T>(slot: &mut Option<T>, v: T) {
    if slot.is_none() {
        *slot = Some(v);
    }
}

fn set_str(slot: &mut Option<String>, v: &str) {
    if slot.as_deref().unwrap_or("").is_empty() {
        *slot = Some(v.to_string());
    }
}

/// `SetDefaults_Service` + the IP family fields the registry fills (`initIPFamilyFields`
/// in k/k `pkg/registry/core/service/storage/alloc.go`, single-stack IPv4 cluster).
pub fn service(s: &mut Service) {
    let spec = s.spec.get_or_insert_with(Default::default);
    set_str(&mut spec.session_affinity, "None");
    if spec.session_affinity.as_deref() == Some("None") {
        spec.session_affinity_config = None;
    }
    if spec.session_affinity.as_deref() == Some("ClientIP") {
        let has_timeout = spec
            .session_affinity_config
            .as_ref()
            .and_then(|c| c.client_ip.as_ref())
            .and_then(|c| c.timeout_seconds)
            .is_some();
        if !has_timeout {
            spec.session_affinity_config = Some(SessionAffinityConfig {
                client_ip: Some(ClientIPConfig {
                    timeout_seconds: Some(DEFAULT_CLIENT_IP_TIMEOUT),
                }),
            });
        }
    }
    set_str(&mut spec.type_, "ClusterIP");
    let ty = spec.type_.clone().unwrap_or_default();
    for p in spec.ports.iter_mut().flatten() {
        set_str(&mut p.protocol, "TCP");
        let unset = match &p.target_port {
            None => true,
            Some(IntOrString::Int(0)) => true,
            Some(IntOrString::String(s)) => s.is_empty(),
            Some(_) => false,
        };
        if unset {
            p.target_port = Some(IntOrString::Int(p.port));
        }
    }
    let external = ty == "NodePort" || ty == "LoadBalancer";
    // SetDefaults_Service: every externally-accessible Service gets a traffic policy,
    // which includes a ClusterIP Service with externalIPs (apiservice.ExternallyAccessible).
    let with_external_ips =
        ty == "ClusterIP" && spec.external_ips.as_ref().is_some_and(|e| !e.is_empty());
    if external || with_external_ips {
        set_str(&mut spec.external_traffic_policy, "Cluster");
    }
    if spec.internal_traffic_policy.is_none() && (external || ty == "ClusterIP") {
        spec.internal_traffic_policy = Some("Cluster".into());
    }
    if ty == "LoadBalancer" {
        set(&mut spec.allocate_load_balancer_node_ports, true);
    }
    if ty != "ExternalName" {
        let headless = spec.cluster_ip.as_deref() == Some("None");
        let selectorless = spec.selector.as_ref().is_none_or(|m| m.is_empty());
        if spec.ip_family_policy.is_none() {
            // Headless Services without a selector default to RequireDualStack.
            let policy = if headless && selectorless {
                "RequireDualStack"
            } else {
                "SingleStack"
            };
            spec.ip_family_policy = Some(policy.into());
        }
        if spec.ip_families.as_ref().is_none_or(|f| f.is_empty()) {
            spec.ip_families = Some(vec!["IPv4".into()]);
        }
        // alloc.go initIPFamilyFields: a headless Service without a selector takes the
        // other family too unless it is SingleStack, even on a single-stack cluster.
        if headless && selectorless && spec.ip_family_policy.as_deref() != Some("SingleStack") {
            if let Some(families) = spec.ip_families.as_mut().filter(|f| f.len() == 1) {
                let other = if families[0] == "IPv6" {
                    "IPv4"
                } else {
                    "IPv6"
                };
                families.push(other.into());
            }
        }
    }
    let status = s.status.get_or_insert_with(ServiceStatus::default);
    set(&mut status.load_balancer, Default::default());
}

fn probe(p: &mut Probe) {
    set(&mut p.timeout_seconds, 1);
    set(&mut p.period_seconds, 10);
    set(&mut p.success_threshold, 1);
    set(&mut p.failure_threshold, 3);
    if let Some(h) = p.http_get.as_mut() {
        set_str(&mut h.path, "/");
        set_str(&mut h.scheme, "HTTP");
    }
}

/// `Always` for `:latest` or no tag (digests count as a tag), else `IfNotPresent`.
pub fn default_pull_policy(image: &str) -> &'static str {
    if image.contains('@') {
        return "IfNotPresent";
    }
    // The tag follows the last ':' after the last '/' (a registry port is not a tag).
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.rsplit_once(':') {
        Some((_, "latest")) | None => "Always",
        Some(_) => "IfNotPresent",
    }
}

fn container(c: &mut Container) {
    let image = c.image.clone().unwrap_or_default();
    set_str(&mut c.image_pull_policy, default_pull_policy(&image));
    set_str(&mut c.termination_message_path, "/dev/termination-log");
    set_str(&mut c.termination_message_policy, "File");
    set(&mut c.resources, ResourceRequirements::default());
    for p in c.ports.iter_mut().flatten() {
        set_str(&mut p.protocol, "TCP");
    }
    for pr in [
        c.liveness_probe.as_mut(),
        c.readiness_probe.as_mut(),
        c.startup_probe.as_mut(),
    ]
    .into_iter()
    .flatten()
    {
        probe(pr);
    }
}

/// qos.ComputePodQOS, which the API server stores in a new pod's status.qosClass:
/// BestEffort without any cpu/memory request or limit, Guaranteed when every container
/// limits both and its requests equal its limits, Burstable otherwise.
pub fn qos_class(spec: Option<&PodSpec>) -> &'static str {
    let containers = spec.into_iter().flat_map(|s| {
        s.containers
            .iter()
            .chain(s.init_containers.iter().flatten())
    });
    let mut any = false;
    let mut guaranteed = true;
    for c in containers {
        let r = c.resources.as_ref();
        use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
        let get = |m: Option<&std::collections::BTreeMap<String, Quantity>>, k: &str| {
            m.and_then(|m| m.get(k))
                .map(|q| q.0.clone())
                .filter(|q| !matches!(q.as_str(), "0" | "0m"))
        };
        let (req, lim) = (
            r.and_then(|r| r.requests.as_ref()),
            r.and_then(|r| r.limits.as_ref()),
        );
        for k in ["cpu", "memory"] {
            let (q, l) = (get(req, k), get(lim, k));
            any |= q.is_some() || l.is_some();
            match (l, q) {
                (Some(l), Some(q)) if l == q => {}
                // A request defaults to its limit.
                (Some(_), None) => {}
                _ => guaranteed = false,
            }
        }
    }
    match (any, guaranteed) {
        (false, _) => "BestEffort",
        (true, true) => "Guaranteed",
        (true, false) => "Burstable",
    }
}

/// `SetDefaults_PodSpec` and container defaults; used for pods and pod templates.
pub fn pod_spec(spec: &mut PodSpec) {
    set_str(&mut spec.dns_policy, "ClusterFirst");
    set_str(&mut spec.restart_policy, "Always");
    set(&mut spec.termination_grace_period_seconds, 30);
    set(&mut spec.security_context, PodSecurityContext::default());
    set_str(&mut spec.scheduler_name, "default-scheduler");
    set(&mut spec.enable_service_links, true);
    // SetDefaults_HostPathVolumeSource: type "" (HostPathUnset).
    for v in spec.volumes.iter_mut().flatten() {
        if let Some(hp) = v.host_path.as_mut() {
            set_str(&mut hp.type_, "");
        }
    }
    for c in spec.containers.iter_mut() {
        container(c);
    }
    for c in spec.init_containers.iter_mut().flatten() {
        container(c);
    }
}

/// Pod defaults plus what admission adds to every pod in a default cluster
/// (ServiceAccount: `serviceAccountName: default`; Priority: `priority: 0`,
/// `preemptionPolicy: PreemptLowerPriority`; DefaultTolerationSeconds: not-ready and
/// unreachable tolerations for 300 s). The projected token volume is the cluster's job.
pub fn pod(p: &mut Pod) {
    let spec = p.spec.get_or_insert_with(Default::default);
    pod_spec(spec);
    // SetDefaults_Pod (pods only, not templates): a limit without a request makes the
    // request equal to it.
    for c in spec
        .containers
        .iter_mut()
        .chain(spec.init_containers.iter_mut().flatten())
    {
        if let Some(r) = c.resources.as_mut() {
            if let Some(limits) = r.limits.clone() {
                let requests = r.requests.get_or_insert_with(Default::default);
                for (k, v) in limits {
                    requests.entry(k).or_insert(v);
                }
            }
        }
    }
    set_str(&mut spec.service_account_name, "default");
    set_str(&mut spec.service_account, "default");
    set(&mut spec.priority, 0);
    set_str(&mut spec.preemption_policy, "PreemptLowerPriority");
    let tolerations = spec.tolerations.get_or_insert_with(Vec::new);
    for key in [
        "node.kubernetes.io/not-ready",
        "node.kubernetes.io/unreachable",
    ] {
        if !tolerations.iter().any(|t| t.key.as_deref() == Some(key)) {
            tolerations.push(k8s_openapi::api::core::v1::Toleration {
                effect: Some("NoExecute".into()),
                key: Some(key.into()),
                operator: Some("Exists".into()),
                toleration_seconds: Some(300),
                value: None,
            });
        }
    }
}

/// Where the ServiceAccount admission plugin mounts the token volume.
pub const SERVICE_ACCOUNT_MOUNT: &str = "/var/run/secrets/kubernetes.io/serviceaccount";

/// The ServiceAccount admission plugin on pod create (k/k
/// `plugin/pkg/admission/serviceaccount/admission.go`, `TokenVolumeSource`): unless the
/// pod opts out with `automountServiceAccountToken: false`, it gets a projected volume
/// `kube-api-access-<5 chars>` (token for 3607 s, the `kube-root-ca.crt` CA, the
/// namespace), mounted read-only in every container that has nothing at the mount path.
/// The suffix is random in a real cluster; here it comes from the pod's uid, so it draws
/// nothing from the cluster's random numbers.
pub fn mount_service_account_token(p: &mut Pod) {
    use k8s_openapi::api::core::v1::{
        ConfigMapProjection, DownwardAPIProjection, DownwardAPIVolumeFile, KeyToPath,
        ObjectFieldSelector, ProjectedVolumeSource, ServiceAccountTokenProjection, Volume,
        VolumeMount, VolumeProjection,
    };
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let uid = p.metadata.uid.clone().unwrap_or_default();
    let Some(spec) = p.spec.as_mut() else { return };
    if spec.automount_service_account_token == Some(false) {
        return;
    }
    let h = crate::scenario::log::fnv1a(uid.as_bytes());
    let suffix: String = (0..5)
        .map(|i| ALPHABET[((h >> (i * 12)) % ALPHABET.len() as u64) as usize] as char)
        .collect();
    let name = format!("kube-api-access-{suffix}");
    let volume = Volume {
        name: name.clone(),
        projected: Some(ProjectedVolumeSource {
            default_mode: Some(420),
            sources: Some(vec![
                VolumeProjection {
                    service_account_token: Some(ServiceAccountTokenProjection {
                        path: "token".into(),
                        expiration_seconds: Some(3607),
                        audience: None,
                    }),
                    ..Default::default()
                },
                VolumeProjection {
                    config_map: Some(ConfigMapProjection {
                        name: "kube-root-ca.crt".into(),
                        items: Some(vec![KeyToPath {
                            key: "ca.crt".into(),
                            path: "ca.crt".into(),
                            mode: None,
                        }]),
                        optional: None,
                    }),
                    ..Default::default()
                },
                VolumeProjection {
                    downward_api: Some(DownwardAPIProjection {
                        items: Some(vec![DownwardAPIVolumeFile {
                            path: "namespace".into(),
                            field_ref: Some(ObjectFieldSelector {
                                api_version: Some("v1".into()),
                                field_path: "metadata.namespace".into(),
                            }),
                            ..Default::default()
                        }]),
                    }),
                    ..Default::default()
                },
            ]),
        }),
        ..Default::default()
    };
    let mut mounted = false;
    for c in spec
        .init_containers
        .iter_mut()
        .flatten()
        .chain(spec.containers.iter_mut())
    {
        let mounts = c.volume_mounts.get_or_insert_with(Vec::new);
        if mounts.iter().any(|m| m.mount_path == SERVICE_ACCOUNT_MOUNT) {
            continue;
        }
        mounts.push(VolumeMount {
            name: name.clone(),
            read_only: Some(true),
            mount_path: SERVICE_ACCOUNT_MOUNT.into(),
            ..Default::default()
        });
        mounted = true;
    }
    if mounted {
        spec.volumes.get_or_insert_with(Vec::new).push(volume);
    }
}

/// apps/v1 `SetDefaults_Deployment`.
pub fn deployment(d: &mut Deployment) {
    let spec = d.spec.get_or_insert_with(Default::default);
    set(&mut spec.replicas, 1);
    let strategy = spec
        .strategy
        .get_or_insert_with(DeploymentStrategy::default);
    set_str(&mut strategy.type_, "RollingUpdate");
    if strategy.type_.as_deref() == Some("RollingUpdate") {
        let ru = strategy
            .rolling_update
            .get_or_insert_with(RollingUpdateDeployment::default);
        set(&mut ru.max_unavailable, IntOrString::String("25%".into()));
        set(&mut ru.max_surge, IntOrString::String("25%".into()));
    }
    set(&mut spec.revision_history_limit, 10);
    set(&mut spec.progress_deadline_seconds, 600);
    if let Some(ps) = spec.template.spec.as_mut() {
        pod_spec(ps);
    }
}

/// apps/v1 `SetDefaults_ReplicaSet`.
pub fn replica_set(r: &mut ReplicaSet) {
    let spec = r.spec.get_or_insert_with(Default::default);
    set(&mut spec.replicas, 1);
    if let Some(ps) = spec.template.as_mut().and_then(|t| t.spec.as_mut()) {
        pod_spec(ps);
    }
}

/// Namespace registry: `spec.finalizers: [kubernetes]`, `status.phase: Active`.
pub fn namespace(n: &mut Namespace) {
    let spec = n.spec.get_or_insert_with(NamespaceSpec::default);
    set(&mut spec.finalizers, vec!["kubernetes".into()]);
    let status = n.status.get_or_insert_with(NamespaceStatus::default);
    set_str(&mut status.phase, "Active");
}

/// autoscaling/v2 `SetDefaults_HorizontalPodAutoscaler` on the stored JSON: minReplicas 1,
/// a CPU utilization metric of 80% when none is given (DefaultCPUUtilization), and
/// `SetDefaults_HorizontalPodAutoscalerBehavior`: each direction's rules filled from
/// GenerateHPAScaleUpRules (no stabilization, Max of 4 pods or 100% per 15 s) and
/// GenerateHPAScaleDownRules (300 s stabilization, Max of 100% per 15 s), the fields
/// the manifest sets kept (copyHPAScalingRules).
pub fn hpa(body: &mut serde_json::Map<String, serde_json::Value>) {
    use serde_json::Value;
    // Parsed from text: a json! literal of this size is kilobytes of WebAssembly.
    const BEHAVIOR: &str = r#"{"scaleUp":{"stabilizationWindowSeconds":0,"selectPolicy":"Max","policies":[{"type":"Pods","value":4,"periodSeconds":15},{"type":"Percent","value":100,"periodSeconds":15}]},"scaleDown":{"stabilizationWindowSeconds":300,"selectPolicy":"Max","policies":[{"type":"Percent","value":100,"periodSeconds":15}]}}"#;
    let Some(spec) = body
        .entry("spec")
        .or_insert_with(|| Value::Object(Default::default()))
        .as_object_mut()
    else {
        return;
    };
    spec.entry("minReplicas").or_insert(Value::from(1));
    if spec
        .get("metrics")
        .and_then(Value::as_array)
        .is_none_or(|m| m.is_empty())
    {
        spec.insert("metrics".into(), cpu_metric(&Value::from(80)));
    }
    let Some(behavior) = spec
        .entry("behavior")
        .or_insert_with(|| Value::Object(Default::default()))
        .as_object_mut()
    else {
        return;
    };
    let defaults: serde_json::Map<String, Value> =
        serde_json::from_str(BEHAVIOR).unwrap_or_default();
    for (direction, default) in defaults {
        let rules = behavior
            .entry(direction)
            .or_insert_with(|| Value::Object(Default::default()));
        if let (Some(rules), Value::Object(default)) = (rules.as_object_mut(), default) {
            for (k, v) in default {
                if rules.get(&k).is_none_or(Value::is_null) {
                    rules.insert(k, v);
                }
            }
        }
    }
}

/// The metrics list of one CPU utilization target (`averageUtilization` as given).
pub fn cpu_metric(percent: &serde_json::Value) -> serde_json::Value {
    let text = format!(
        r#"[{{"type":"Resource","resource":{{"name":"cpu","target":{{"type":"Utilization","averageUtilization":{percent}}}}}}}]"#
    );
    serde_json::from_str(&text).unwrap_or_default()
}

/// An autoscaling/v1 HPA as v2 (the v1 -> internal -> v2 conversion): apiVersion v2,
/// `targetCPUUtilizationPercentage` turned into the CPU utilization metric.
pub fn hpa_from_v1(v: &mut serde_json::Value) {
    let Some(obj) = v.as_object_mut() else {
        return;
    };
    obj.insert("apiVersion".into(), "autoscaling/v2".into());
    let Some(spec) = obj
        .get_mut("spec")
        .and_then(serde_json::Value::as_object_mut)
    else {
        return;
    };
    if let Some(p) = spec.remove("targetCPUUtilizationPercentage") {
        spec.insert("metrics".into(), cpu_metric(&p));
    }
}
