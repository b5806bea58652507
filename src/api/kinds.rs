//! The resource types the playground knows: how kubectl names them (plural, short
//! names), which API group and version serve them, and whether they are simulated.

/// One row of kubectl's discovery table (`kubectl api-resources`).
#[derive(Debug, PartialEq, Eq)]
pub struct ResourceType {
    pub kind: &'static str,
    pub plural: &'static str,
    pub singular: &'static str,
    pub short_names: &'static [&'static str],
    /// "" for the core group.
    pub group: &'static str,
    pub version: &'static str,
    pub namespaced: bool,
    /// The playground runs controllers or a data plane for this kind.
    pub simulated: bool,
}

impl ResourceType {
    /// `apps/v1`, or `v1` for the core group.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }
    /// `deployments.apps`, or `services` for the core group: how API errors name the resource.
    pub fn qualified_plural(&self) -> String {
        if self.group.is_empty() {
            self.plural.to_string()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }
    /// `deployment.apps`, or `service` for the core group: how `-o name` and mutation messages name it.
    pub fn qualified_singular(&self) -> String {
        if self.group.is_empty() {
            self.singular.to_string()
        } else {
            format!("{}.{}", self.singular, self.group)
        }
    }
}

macro_rules! rt {
    ($kind:expr, $plural:expr, $singular:expr, [$($short:expr),*], $group:expr, $version:expr, $ns:expr, $sim:expr) => {
        ResourceType { kind: $kind, plural: $plural, singular: $singular, short_names: &[$($short),*],
            group: $group, version: $version, namespaced: $ns, simulated: $sim }
    };
}

/// Sorted the way `kubectl api-resources` sorts them: core group first, then by group name.
pub static RESOURCE_TYPES: &[ResourceType] = &[
    rt!("Binding", "bindings", "binding", [], "", "v1", true, false),
    rt!(
        "ComponentStatus",
        "componentstatuses",
        "componentstatus",
        ["cs"],
        "",
        "v1",
        false,
        false
    ),
    rt!(
        "ConfigMap",
        "configmaps",
        "configmap",
        ["cm"],
        "",
        "v1",
        true,
        false
    ),
    rt!(
        "Endpoints",
        "endpoints",
        "endpoints",
        ["ep"],
        "",
        "v1",
        true,
        true
    ),
    rt!("Event", "events", "event", ["ev"], "", "v1", true, true),
    rt!(
        "LimitRange",
        "limitranges",
        "limitrange",
        ["limits"],
        "",
        "v1",
        true,
        false
    ),
    rt!(
        "Namespace",
        "namespaces",
        "namespace",
        ["ns"],
        "",
        "v1",
        false,
        true
    ),
    rt!("Node", "nodes", "node", ["no"], "", "v1", false, true),
    rt!(
        "PersistentVolumeClaim",
        "persistentvolumeclaims",
        "persistentvolumeclaim",
        ["pvc"],
        "",
        "v1",
        true,
        false
    ),
    rt!(
        "PersistentVolume",
        "persistentvolumes",
        "persistentvolume",
        ["pv"],
        "",
        "v1",
        false,
        false
    ),
    rt!("Pod", "pods", "pod", ["po"], "", "v1", true, true),
    rt!(
        "PodTemplate",
        "podtemplates",
        "podtemplate",
        [],
        "",
        "v1",
        true,
        false
    ),
    rt!(
        "ReplicationController",
        "replicationcontrollers",
        "replicationcontroller",
        ["rc"],
        "",
        "v1",
        true,
        false
    ),
    rt!(
        "ResourceQuota",
        "resourcequotas",
        "resourcequota",
        ["quota"],
        "",
        "v1",
        true,
        false
    ),
    rt!("Secret", "secrets", "secret", [], "", "v1", true, false),
    rt!(
        "ServiceAccount",
        "serviceaccounts",
        "serviceaccount",
        ["sa"],
        "",
        "v1",
        true,
        false
    ),
    rt!(
        "Service",
        "services",
        "service",
        ["svc"],
        "",
        "v1",
        true,
        true
    ),
    rt!(
        "ControllerRevision",
        "controllerrevisions",
        "controllerrevision",
        [],
        "apps",
        "v1",
        true,
        false
    ),
    rt!(
        "DaemonSet",
        "daemonsets",
        "daemonset",
        ["ds"],
        "apps",
        "v1",
        true,
        false
    ),
    rt!(
        "Deployment",
        "deployments",
        "deployment",
        ["deploy"],
        "apps",
        "v1",
        true,
        true
    ),
    rt!(
        "ReplicaSet",
        "replicasets",
        "replicaset",
        ["rs"],
        "apps",
        "v1",
        true,
        true
    ),
    rt!(
        "StatefulSet",
        "statefulsets",
        "statefulset",
        ["sts"],
        "apps",
        "v1",
        true,
        true
    ),
    rt!(
        "HorizontalPodAutoscaler",
        "horizontalpodautoscalers",
        "horizontalpodautoscaler",
        ["hpa"],
        "autoscaling",
        "v2",
        true,
        false
    ),
    rt!(
        "CronJob",
        "cronjobs",
        "cronjob",
        ["cj"],
        "batch",
        "v1",
        true,
        false
    ),
    rt!("Job", "jobs", "job", [], "batch", "v1", true, true),
    rt!(
        "EndpointSlice",
        "endpointslices",
        "endpointslice",
        [],
        "discovery.k8s.io",
        "v1",
        true,
        true
    ),
    rt!(
        "IPAddress",
        "ipaddresses",
        "ipaddress",
        ["ip"],
        "networking.k8s.io",
        "v1",
        false,
        false
    ),
    rt!(
        "IngressClass",
        "ingressclasses",
        "ingressclass",
        [],
        "networking.k8s.io",
        "v1",
        false,
        false
    ),
    rt!(
        "Ingress",
        "ingresses",
        "ingress",
        ["ing"],
        "networking.k8s.io",
        "v1",
        true,
        false
    ),
    rt!(
        "NetworkPolicy",
        "networkpolicies",
        "networkpolicy",
        ["netpol"],
        "networking.k8s.io",
        "v1",
        true,
        false
    ),
    rt!(
        "ServiceCIDR",
        "servicecidrs",
        "servicecidr",
        [],
        "networking.k8s.io",
        "v1",
        false,
        true
    ),
    rt!(
        "PodDisruptionBudget",
        "poddisruptionbudgets",
        "poddisruptionbudget",
        ["pdb"],
        "policy",
        "v1",
        true,
        false
    ),
    rt!(
        "ClusterRoleBinding",
        "clusterrolebindings",
        "clusterrolebinding",
        [],
        "rbac.authorization.k8s.io",
        "v1",
        false,
        false
    ),
    rt!(
        "ClusterRole",
        "clusterroles",
        "clusterrole",
        [],
        "rbac.authorization.k8s.io",
        "v1",
        false,
        false
    ),
    rt!(
        "RoleBinding",
        "rolebindings",
        "rolebinding",
        [],
        "rbac.authorization.k8s.io",
        "v1",
        true,
        false
    ),
    rt!(
        "Role",
        "roles",
        "role",
        [],
        "rbac.authorization.k8s.io",
        "v1",
        true,
        false
    ),
    rt!(
        "StorageClass",
        "storageclasses",
        "storageclass",
        ["sc"],
        "storage.k8s.io",
        "v1",
        false,
        false
    ),
];

/// Resources a v1.33 API server also serves (kind/kubeadm defaults: GA groups only) that
/// the playground neither stores nor simulates. Only `kubectl api-resources` lists them,
/// so its table has the real rows and column widths. (kind, plural, short names,
/// group/version, namespaced.)
#[rustfmt::skip]
pub static DISCOVERY_ONLY: &[(&str, &str, &str, &str, bool)] = &[
    ("MutatingWebhookConfiguration", "mutatingwebhookconfigurations", "", "admissionregistration.k8s.io/v1", false),
    ("ValidatingAdmissionPolicy", "validatingadmissionpolicies", "", "admissionregistration.k8s.io/v1", false),
    ("ValidatingAdmissionPolicyBinding", "validatingadmissionpolicybindings", "", "admissionregistration.k8s.io/v1", false),
    ("ValidatingWebhookConfiguration", "validatingwebhookconfigurations", "", "admissionregistration.k8s.io/v1", false),
    ("CustomResourceDefinition", "customresourcedefinitions", "crd,crds", "apiextensions.k8s.io/v1", false),
    ("APIService", "apiservices", "", "apiregistration.k8s.io/v1", false),
    ("SelfSubjectReview", "selfsubjectreviews", "", "authentication.k8s.io/v1", false),
    ("TokenReview", "tokenreviews", "", "authentication.k8s.io/v1", false),
    ("LocalSubjectAccessReview", "localsubjectaccessreviews", "", "authorization.k8s.io/v1", true),
    ("SelfSubjectAccessReview", "selfsubjectaccessreviews", "", "authorization.k8s.io/v1", false),
    ("SelfSubjectRulesReview", "selfsubjectrulesreviews", "", "authorization.k8s.io/v1", false),
    ("SubjectAccessReview", "subjectaccessreviews", "", "authorization.k8s.io/v1", false),
    ("CertificateSigningRequest", "certificatesigningrequests", "csr", "certificates.k8s.io/v1", false),
    ("Lease", "leases", "", "coordination.k8s.io/v1", true),
    ("Event", "events", "ev", "events.k8s.io/v1", true),
    ("FlowSchema", "flowschemas", "", "flowcontrol.apiserver.k8s.io/v1", false),
    ("PriorityLevelConfiguration", "prioritylevelconfigurations", "", "flowcontrol.apiserver.k8s.io/v1", false),
    ("RuntimeClass", "runtimeclasses", "", "node.k8s.io/v1", false),
    ("PriorityClass", "priorityclasses", "pc", "scheduling.k8s.io/v1", false),
    ("CSIDriver", "csidrivers", "", "storage.k8s.io/v1", false),
    ("CSINode", "csinodes", "", "storage.k8s.io/v1", false),
    ("CSIStorageCapacity", "csistoragecapacities", "", "storage.k8s.io/v1", true),
    ("VolumeAttachment", "volumeattachments", "", "storage.k8s.io/v1", false),
];

/// Finds a type by Kind and apiVersion as written in a manifest (`apps/v1`, `v1`).
pub fn by_kind(kind: &str, api_version: &str) -> Option<&'static ResourceType> {
    RESOURCE_TYPES
        .iter()
        .find(|t| t.kind == kind && t.api_version() == api_version)
}

/// Finds a type by Kind alone (first match).
pub fn by_kind_name(kind: &str) -> Option<&'static ResourceType> {
    RESOURCE_TYPES.iter().find(|t| t.kind == kind)
}

/// Resolves what a learner types after `kubectl get`: plural, singular, short name,
/// Kind (case-insensitive), optionally qualified with a group (`deployments.apps`).
pub fn lookup(name: &str) -> Option<&'static ResourceType> {
    let lower = name.to_ascii_lowercase();
    let (base, group) = match lower.split_once('.') {
        Some((b, g)) => (b.to_string(), Some(g.to_string())),
        None => (lower.clone(), None),
    };
    RESOURCE_TYPES.iter().find(|t| {
        let name_ok = t.plural == base
            || t.singular == base
            || t.short_names.contains(&base.as_str())
            || t.kind.to_ascii_lowercase() == base;
        let group_ok = match &group {
            None => true,
            Some(g) => {
                t.group == g
                    || (!t.group.is_empty() && t.group.starts_with(g.as_str()))
                    || format!("{}.{}", t.version, t.group) == *g
                    || (t.group.is_empty() && g == t.version)
            }
        };
        name_ok && group_ok
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_accepts_kubectl_spellings() {
        for s in ["svc", "service", "services", "Service", "SVC"] {
            assert_eq!(lookup(s).map(|t| t.kind), Some("Service"), "{s}");
        }
        assert_eq!(lookup("deploy").map(|t| t.kind), Some("Deployment"));
        assert_eq!(
            lookup("deployments.apps").map(|t| t.kind),
            Some("Deployment")
        );
        assert_eq!(lookup("ep").map(|t| t.kind), Some("Endpoints"));
        assert_eq!(
            lookup("endpointslice").map(|t| t.kind),
            Some("EndpointSlice")
        );
        assert_eq!(lookup("svcs"), None);
        assert_eq!(lookup("services.apps"), None);
    }

    #[test]
    fn names_for_messages() {
        let d = by_kind("Deployment", "apps/v1").unwrap();
        assert_eq!(d.qualified_plural(), "deployments.apps");
        assert_eq!(d.qualified_singular(), "deployment.apps");
        let s = by_kind("Service", "v1").unwrap();
        assert_eq!(s.qualified_plural(), "services");
        assert!(by_kind("Deployment", "v1").is_none());
    }
}
