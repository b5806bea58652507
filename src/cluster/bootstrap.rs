//! The default cluster a fresh page shows (DESIGN.md "The default cluster"): a
//! kind-like cluster `kubeplay` with one control-plane node and two workers.

use std::collections::BTreeMap;
use std::sync::Arc;

use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec};
use k8s_openapi::api::core::v1::{
    Container, ContainerPort, EndpointAddress, EndpointPort, EndpointSubset, Endpoints,
    HTTPGetAction, Namespace, NamespaceSpec, NamespaceStatus, Node, NodeAddress, NodeCondition,
    NodeSpec, NodeStatus, NodeSystemInfo, Pod, PodSpec, PodTemplateSpec, Probe,
    ResourceRequirements, Service, ServicePort, ServiceSpec, Taint, Toleration,
};
use k8s_openapi::api::discovery::v1::{Endpoint, EndpointConditions, EndpointSlice};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta, OwnerReference};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::api_ops::meta;
use super::Cluster;
use crate::api::{kinds, GenericObject, Object};

/// The nodes' kernel (`uname -r`): the node's kernelVersion, `uname -a` in a container
/// and nginx's "OS: Linux ..." start-up line all show the host's one kernel.
pub const NODE_KERNEL: &str = "6.8.0-1021-azure";
/// `uname -v` of that kernel.
pub const NODE_KERNEL_BUILD: &str = "#25-Ubuntu SMP Wed Jan 15 20:45:09 UTC 2025";

pub const CLUSTER_NAME: &str = "kubeplay";
pub const KUBERNETES_VERSION: &str = "v1.33.1";
pub const APISERVER_IP: &str = "172.18.0.2";

/// (name, internal IP, pod CIDR, control plane)
pub const NODES: &[(&str, &str, &str, bool)] = &[
    (
        "kubeplay-control-plane",
        "172.18.0.2",
        "10.244.0.0/24",
        true,
    ),
    ("kubeplay-worker", "172.18.0.3", "10.244.1.0/24", false),
    ("kubeplay-worker2", "172.18.0.4", "10.244.2.0/24", false),
];

fn labels(pairs: &[(&str, &str)]) -> Option<BTreeMap<String, String>> {
    Some(crate::sort::collect_map(
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())),
    ))
}

pub(crate) fn put(c: &mut Cluster, mut obj: Object) {
    let uid = c.store.new_uid();
    let now = c.now_time();
    let m = obj.meta_mut();
    m.uid = Some(uid);
    m.creation_timestamp = Some(now);
    if matches!(obj, Object::Deployment(_)) {
        obj.meta_mut().generation = Some(1);
    }
    c.store.put(obj);
}

pub fn node(name: &str, ip: &str, cidr: &str, control_plane: bool) -> Node {
    let mut l = vec![
        ("beta.kubernetes.io/arch", "amd64"),
        ("beta.kubernetes.io/os", "linux"),
        ("kubernetes.io/arch", "amd64"),
        ("kubernetes.io/hostname", name),
        ("kubernetes.io/os", "linux"),
    ];
    if control_plane {
        l.push(("node-role.kubernetes.io/control-plane", ""));
        l.push((
            "node.kubernetes.io/exclude-from-external-load-balancers",
            "",
        ));
    }
    let q = |s: &str| Quantity(s.to_string());
    let resources: BTreeMap<String, Quantity> = crate::sort::collect_map(
        [
            ("cpu", q("2")),
            ("ephemeral-storage", q("263112772Ki")),
            ("hugepages-2Mi", q("0")),
            ("memory", q("8129300Ki")),
            ("pods", q("110")),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v)),
    );
    Node {
        metadata: ObjectMeta {
            name: Some(name.to_string()),
            labels: labels(&l),
            annotations: labels(&[
                (
                    "kubeadm.alpha.kubernetes.io/cri-socket",
                    "unix:///run/containerd/containerd.sock",
                ),
                ("node.alpha.kubernetes.io/ttl", "0"),
                (
                    "volumes.kubernetes.io/controller-managed-attach-detach",
                    "true",
                ),
            ]),
            ..Default::default()
        },
        spec: Some(NodeSpec {
            pod_cidr: Some(cidr.to_string()),
            pod_cidrs: Some(vec![cidr.to_string()]),
            provider_id: Some(format!("kind://docker/{CLUSTER_NAME}/{name}")),
            taints: control_plane.then(|| {
                vec![Taint {
                    effect: "NoSchedule".into(),
                    key: "node-role.kubernetes.io/control-plane".into(),
                    ..Default::default()
                }]
            }),
            ..Default::default()
        }),
        status: Some(NodeStatus {
            addresses: Some(vec![
                NodeAddress {
                    address: ip.to_string(),
                    type_: "InternalIP".into(),
                },
                NodeAddress {
                    address: name.to_string(),
                    type_: "Hostname".into(),
                },
            ]),
            allocatable: Some(resources.clone()),
            capacity: Some(resources),
            conditions: Some(vec![
                cond(
                    "MemoryPressure",
                    "False",
                    "KubeletHasSufficientMemory",
                    "kubelet has sufficient memory available",
                ),
                cond(
                    "DiskPressure",
                    "False",
                    "KubeletHasNoDiskPressure",
                    "kubelet has no disk pressure",
                ),
                cond(
                    "PIDPressure",
                    "False",
                    "KubeletHasSufficientPID",
                    "kubelet has sufficient PID available",
                ),
                cond(
                    "Ready",
                    "True",
                    "KubeletReady",
                    "kubelet is posting ready status",
                ),
            ]),
            node_info: Some(NodeSystemInfo {
                architecture: "amd64".into(),
                boot_id: format!("{:08x}-0000-4000-8000-000000000000", ip.len()),
                container_runtime_version: "containerd://2.1.1".into(),
                kernel_version: NODE_KERNEL.into(),
                kube_proxy_version: String::new(),
                kubelet_version: KUBERNETES_VERSION.into(),
                machine_id: format!("{:032x}", name.len()),
                operating_system: "linux".into(),
                os_image: "Debian GNU/Linux 12 (bookworm)".into(),
                system_uuid: format!("{:08x}-0000-4000-8000-000000000001", name.len()),
                ..Default::default()
            }),
            ..Default::default()
        }),
    }
}

/// A kubelet started with `--max-pods=N`: the node's capacity and allocatable `pods`.
/// Not reachable from the page (nodes are read-only there); the benchmarks use it to
/// fit 1,000 pods on the default cluster's two workers, 110 each by default.
pub fn set_max_pods(c: &mut Cluster, node: &str, pods: u32) {
    change_node(c, node, |n| {
        let status = n.status.get_or_insert_with(Default::default);
        for list in [&mut status.capacity, &mut status.allocatable] {
            list.get_or_insert_with(Default::default)
                .insert("pods".into(), Quantity(pods.to_string()));
        }
    });
}

/// A node allocated a bigger pod range (`spec.podCIDR`/`podCIDRs`), as if the
/// controller-manager ran with a smaller `--node-cidr-mask-size`. The default /24 holds
/// 253 pods (host-local keeps the first address for the gateway); the benchmarks, which
/// put 500 pods on each worker, give the workers a /22 each. Not reachable from the page.
pub fn set_pod_cidr(c: &mut Cluster, node: &str, cidr: &str) {
    change_node(c, node, |n| {
        let spec = n.spec.get_or_insert_with(Default::default);
        spec.pod_cidr = Some(cidr.to_string());
        spec.pod_cidrs = Some(vec![cidr.to_string()]);
    });
}

/// Writes back the node `f` changed (nothing if there is no such node).
fn change_node(c: &mut Cluster, node: &str, f: impl FnOnce(&mut Node)) {
    let Some(Object::Node(mut n)) = c.store.get_parts("Node", "", node).cloned() else {
        return;
    };
    f(Arc::make_mut(&mut n));
    c.store.put(Object::Node(n));
}

fn cond(type_: &str, status: &str, reason: &str, message: &str) -> NodeCondition {
    NodeCondition {
        type_: type_.into(),
        status: status.into(),
        reason: Some(reason.into()),
        message: Some(message.into()),
        ..Default::default()
    }
}

fn namespace(name: &str) -> Namespace {
    Namespace {
        metadata: ObjectMeta {
            name: Some(name.to_string()),
            labels: labels(&[("kubernetes.io/metadata.name", name)]),
            ..Default::default()
        },
        spec: Some(NamespaceSpec {
            finalizers: Some(vec!["kubernetes".into()]),
        }),
        status: Some(NamespaceStatus {
            phase: Some("Active".into()),
            ..Default::default()
        }),
    }
}

fn container(name: &str, image: &str, command: &[&str]) -> Container {
    Container {
        name: name.into(),
        image: Some(image.into()),
        command: if command.is_empty() {
            None
        } else {
            Some(command.iter().map(|s| s.to_string()).collect())
        },
        ..Default::default()
    }
}

/// `resources` with the given requests and limits (`[(name, quantity)]`).
fn resources(requests: &[(&str, &str)], limits: &[(&str, &str)]) -> Option<ResourceRequirements> {
    let list = |l: &[(&str, &str)]| {
        (!l.is_empty()).then(|| {
            crate::sort::collect_map(
                l.iter()
                    .map(|(k, v)| (k.to_string(), Quantity(v.to_string()))),
            )
        })
    };
    Some(ResourceRequirements {
        requests: list(requests),
        limits: list(limits),
        ..Default::default()
    })
}

/// A static or DaemonSet pod pinned to a node, on the host network.
fn host_pod(
    name: &str,
    ns: &str,
    node: &str,
    c: Container,
    pod_labels: &[(&str, &str)],
    owner: Option<OwnerReference>,
) -> Pod {
    Pod {
        metadata: ObjectMeta {
            name: Some(name.to_string()),
            namespace: Some(ns.to_string()),
            labels: labels(pod_labels),
            owner_references: owner.map(|o| vec![o]),
            ..Default::default()
        },
        spec: Some(PodSpec {
            containers: vec![c],
            node_name: Some(node.to_string()),
            host_network: Some(true),
            priority_class_name: Some("system-node-critical".into()),
            tolerations: Some(vec![Toleration {
                operator: Some("Exists".into()),
                ..Default::default()
            }]),
            ..Default::default()
        }),
        status: None,
    }
}

pub fn install(c: &mut Cluster) {
    for ns in [
        "default",
        "kube-node-lease",
        "kube-public",
        "kube-system",
        "local-path-storage",
    ] {
        put(c, Object::from(namespace(ns)));
    }
    for (name, ip, cidr, cp) in NODES {
        put(c, Object::from(node(name, ip, cidr, *cp)));
    }
    let cidr = kinds::by_kind_name("ServiceCIDR").unwrap_or(&kinds::RESOURCE_TYPES[0]);
    let mut body = serde_json::Map::new();
    body.insert(
        "spec".into(),
        serde_json::json!({"cidrs": [super::SERVICE_CIDR]}),
    );
    body.insert(
        "status".into(),
        serde_json::json!({"conditions": [{"type": "Ready", "status": "True", "reason": "", "message": "Kubernetes Service CIDR is ready", "lastTransitionTime": null}]}),
    );
    put(
        c,
        Object::from(GenericObject {
            kind: cidr,
            metadata: ObjectMeta {
                name: Some("kubernetes".into()),
                ..Default::default()
            },
            body,
        }),
    );

    // default/kubernetes: selectorless, endpoints maintained by the API server.
    let _ = c.alloc.allocate_ip(Some("10.96.0.1"), &mut |n| n / 2);
    let _ = c
        .alloc
        .allocate_ip(Some(super::DNS_SERVICE_IP), &mut |n| n / 2);
    for obj in kubernetes_service_objects() {
        put(c, obj);
    }

    // kube-system/kube-dns in front of the CoreDNS Deployment (kubeadm's manifests).
    let mut dns = Object::from(Service {
        metadata: ObjectMeta {
            name: Some("kube-dns".into()),
            namespace: Some("kube-system".into()),
            labels: labels(&[
                ("k8s-app", "kube-dns"),
                ("kubernetes.io/cluster-service", "true"),
                ("kubernetes.io/name", "CoreDNS"),
            ]),
            annotations: labels(&[
                ("prometheus.io/port", "9153"),
                ("prometheus.io/scrape", "true"),
            ]),
            ..Default::default()
        },
        spec: Some(ServiceSpec {
            cluster_ip: Some(super::DNS_SERVICE_IP.into()),
            cluster_ips: Some(vec![super::DNS_SERVICE_IP.into()]),
            selector: labels(&[("k8s-app", "kube-dns")]),
            ports: Some(vec![
                svc_port("dns", 53, "UDP"),
                svc_port("dns-tcp", 53, "TCP"),
                svc_port("metrics", 9153, "TCP"),
            ]),
            ..Default::default()
        }),
        status: None,
    });
    crate::manifest::defaults::apply_defaults(&mut dns);
    put(c, dns);

    let mut coredns = container("coredns", "registry.k8s.io/coredns/coredns:v1.12.0", &[]);
    coredns.args = Some(vec!["-conf".into(), "/etc/coredns/Corefile".into()]);
    // kubeadm's CoreDNS Deployment (cmd/kubeadm/app/phases/addons/dns/manifests.go).
    coredns.resources = resources(
        &[("cpu", "100m"), ("memory", "70Mi")],
        &[("memory", "170Mi")],
    );
    coredns.ports = Some(vec![
        cport("dns", 53, "UDP"),
        cport("dns-tcp", 53, "TCP"),
        cport("metrics", 9153, "TCP"),
    ]);
    coredns.readiness_probe = Some(Probe {
        http_get: Some(HTTPGetAction {
            path: Some("/ready".into()),
            port: IntOrString::Int(8181),
            scheme: Some("HTTP".into()),
            ..Default::default()
        }),
        period_seconds: Some(10),
        ..Default::default()
    });
    let mut dep = Object::from(Deployment {
        metadata: ObjectMeta {
            labels: labels(&[("k8s-app", "kube-dns")]),
            ..meta("coredns", "kube-system")
        },
        spec: Some(DeploymentSpec {
            replicas: Some(2),
            selector: LabelSelector {
                match_labels: labels(&[("k8s-app", "kube-dns")]),
                ..Default::default()
            },
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: labels(&[("k8s-app", "kube-dns")]),
                    ..Default::default()
                }),
                spec: Some(PodSpec {
                    containers: vec![coredns],
                    dns_policy: Some("Default".into()),
                    priority_class_name: Some("system-cluster-critical".into()),
                    node_selector: labels(&[("kubernetes.io/os", "linux")]),
                    tolerations: Some(vec![
                        Toleration {
                            key: Some("CriticalAddonsOnly".into()),
                            operator: Some("Exists".into()),
                            ..Default::default()
                        },
                        Toleration {
                            effect: Some("NoSchedule".into()),
                            key: Some("node-role.kubernetes.io/control-plane".into()),
                            ..Default::default()
                        },
                    ]),
                    ..Default::default()
                }),
            },
            ..Default::default()
        }),
        status: None,
    });
    crate::manifest::defaults::apply_defaults(&mut dep);
    put(c, dep);

    let mut lpp = Object::from(Deployment {
        metadata: meta("local-path-provisioner", "local-path-storage"),
        spec: Some(DeploymentSpec {
            replicas: Some(1),
            selector: LabelSelector {
                match_labels: labels(&[("app", "local-path-provisioner")]),
                ..Default::default()
            },
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: labels(&[("app", "local-path-provisioner")]),
                    ..Default::default()
                }),
                spec: Some(PodSpec {
                    containers: vec![container(
                        "local-path-provisioner",
                        "docker.io/kindest/local-path-provisioner:v20250214-acbabc1a",
                        &["local-path-provisioner", "--debug", "start"],
                    )],
                    node_selector: labels(&[("kubernetes.io/os", "linux")]),
                    tolerations: Some(vec![Toleration {
                        effect: Some("NoSchedule".into()),
                        key: Some("node-role.kubernetes.io/control-plane".into()),
                        operator: Some("Equal".into()),
                        ..Default::default()
                    }]),
                    ..Default::default()
                }),
            },
            ..Default::default()
        }),
        status: None,
    });
    crate::manifest::defaults::apply_defaults(&mut lpp);
    put(c, lpp);

    // Static pods on the control plane.
    let cp = NODES[0].0;
    for (component, image) in [
        ("etcd", "registry.k8s.io/etcd:3.5.21-0"),
        ("kube-apiserver", "registry.k8s.io/kube-apiserver:v1.33.1"),
        (
            "kube-controller-manager",
            "registry.k8s.io/kube-controller-manager:v1.33.1",
        ),
        ("kube-scheduler", "registry.k8s.io/kube-scheduler:v1.33.1"),
    ] {
        // kubeadm's static pods request CPU (controlplane/manifests.go
        // ComponentResources: 250m, 200m, 100m); etcd also memory (etcd/local.go).
        let mut ctr = container(component, image, &[component]);
        ctr.resources = match component {
            "etcd" => resources(&[("cpu", "100m"), ("memory", "100Mi")], &[]),
            "kube-apiserver" => resources(&[("cpu", "250m")], &[]),
            "kube-controller-manager" => resources(&[("cpu", "200m")], &[]),
            _ => resources(&[("cpu", "100m")], &[]),
        };
        let mut p = Object::from(host_pod(
            &format!("{component}-{cp}"),
            "kube-system",
            cp,
            ctr,
            &[("component", component), ("tier", "control-plane")],
            None,
        ));
        crate::manifest::defaults::apply_defaults(&mut p);
        put(c, p);
    }
    // DaemonSets kube-proxy and kindnet, one pod per node (the DaemonSet controller,
    // `daemonsets`, keeps them so). (name, container, image, label, the pod template's
    // nodeSelector): kind's kindnet manifest runs container kindnet-cni on every node;
    // kubeadm's kube-proxy selects kubernetes.io/os=linux. Both tolerate every taint
    // (`tolerations: [{operator: Exists}]`), so they run on the control-plane node too.
    for (ds, ctr, image, label, node_selector) in [
        (
            "kindnet",
            "kindnet-cni",
            "docker.io/kindest/kindnetd:v20250512-df8de77b",
            ("app", "kindnet"),
            serde_json::Value::Null,
        ),
        (
            "kube-proxy",
            "kube-proxy",
            "registry.k8s.io/kube-proxy:v1.33.1",
            ("k8s-app", "kube-proxy"),
            serde_json::json!({"kubernetes.io/os": "linux"}),
        ),
    ] {
        let rt = kinds::by_kind_name("DaemonSet").unwrap_or(&kinds::RESOURCE_TYPES[0]);
        let mut body = serde_json::Map::new();
        // kind's kindnet manifest requests and limits 100m / 50Mi; kube-proxy sets none.
        let kindnet_resources = serde_json::json!({"requests": {"cpu": "100m", "memory": "50Mi"}, "limits": {"cpu": "100m", "memory": "50Mi"}});
        // The template as the API server's defaulting leaves it, written out: defaulting a
        // template decodes it as a typed PodTemplateSpec, and the page's first frame (which
        // paints this installed cluster) would wait for those large decoders to compile.
        // A test checks that `defaults::daemonset` finds nothing to add.
        let mut ctr_json = serde_json::json!({
            "image": image,
            "imagePullPolicy": "IfNotPresent",
            "name": ctr,
            "resources": {},
            "terminationMessagePath": "/dev/termination-log",
            "terminationMessagePolicy": "File",
        });
        if ds == "kindnet" {
            ctr_json["resources"] = kindnet_resources;
        }
        let mut pod_spec = serde_json::json!({
            "containers": [ctr_json],
            "dnsPolicy": "ClusterFirst",
            "enableServiceLinks": true,
            "hostNetwork": true,
            "restartPolicy": "Always",
            "schedulerName": "default-scheduler",
            "securityContext": {},
            "terminationGracePeriodSeconds": 30,
            "tolerations": [{"operator": "Exists"}],
        });
        if let (Some(m), false) = (pod_spec.as_object_mut(), node_selector.is_null()) {
            m.insert("nodeSelector".into(), node_selector);
        }
        body.insert(
            "spec".into(),
            serde_json::json!({
                "selector": {"matchLabels": {label.0: label.1}},
                "template": {"metadata": {"labels": {label.0: label.1}}, "spec": pod_spec}
            }),
        );
        crate::manifest::defaults::daemonset_spec(&mut body);
        let revision = body
            .get("spec")
            .and_then(|s| s.get("template"))
            .map(super::controllers::template_hash)
            .unwrap_or_default();
        let uid = c.store.new_uid();
        let ds_obj = Object::from(GenericObject {
            kind: rt,
            metadata: ObjectMeta {
                labels: labels(&[label]),
                annotations: labels(&[(super::api_ops::DS_TEMPLATE_GENERATION, "1")]),
                uid: Some(uid.clone()),
                creation_timestamp: Some(c.now_time()),
                generation: Some(1),
                ..meta(ds, "kube-system")
            },
            body,
        });
        c.store.put(ds_obj);
        for (node_name, _, _, _) in NODES {
            let name = format!("{ds}-{}", c.rand_suffix(5));
            let owner = OwnerReference {
                api_version: "apps/v1".into(),
                kind: "DaemonSet".into(),
                name: ds.into(),
                uid: uid.clone(),
                controller: Some(true),
                block_owner_deletion: Some(true),
            };
            let mut pod_ctr = container(ctr, image, &[ds]);
            if ds == "kindnet" {
                pod_ctr.resources = resources(
                    &[("cpu", "100m"), ("memory", "50Mi")],
                    &[("cpu", "100m"), ("memory", "50Mi")],
                );
            }
            let mut p = Object::from(host_pod(
                &name,
                "kube-system",
                node_name,
                pod_ctr,
                &[
                    label,
                    ("controller-revision-hash", &revision),
                    ("pod-template-generation", "1"),
                ],
                Some(owner),
            ));
            crate::manifest::defaults::apply_defaults(&mut p);
            put(c, p);
        }
    }
    put(c, coredns_configmap());
    put(c, kube_proxy_configmap(c.settings.proxy_mode));
    // Pods created here start through the kubelet like any other.
    let keys: Vec<super::Key> = c.store.list("Pod").map(super::Key::of).collect();
    for k in keys {
        super::kubelet::pod_bound(c, &k);
    }
}

/// kube-system/coredns: the Corefile kubeadm installs (REFERENCE.md section 6; k/k
/// `cmd/kubeadm/app/phases/addons/dns/manifests.go`), which the DNS model follows.
fn coredns_configmap() -> Object {
    const COREFILE: &str = ".:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30 {
       disable success cluster.local
       disable denial cluster.local
    }
    loop
    reload
    loadbalance
}
";
    let mut body = serde_json::Map::new();
    body.insert("data".into(), serde_json::json!({ "Corefile": COREFILE }));
    let kind = kinds::by_kind_name("ConfigMap").unwrap_or(&kinds::RESOURCE_TYPES[0]);
    Object::from(GenericObject {
        kind,
        metadata: meta("coredns", "kube-system"),
        body,
    })
}

/// kube-system/kube-proxy: the KubeProxyConfiguration kubeadm writes (kind's values:
/// cluster CIDR 10.244.0.0/16, `conntrack.maxPerCore: 0`, `iptables.minSyncPeriod: 1s`)
/// and the in-cluster kubeconfig. Its `mode` follows the playground's kube-proxy setting
/// (as if the ConfigMap were edited and the kube-proxy pods restarted).
pub(crate) fn kube_proxy_configmap(mode: super::ProxyMode) -> Object {
    let config = format!(
        "apiVersion: kubeproxy.config.k8s.io/v1alpha1
bindAddress: 0.0.0.0
bindAddressHardFail: false
clientConnection:
  acceptContentTypes: \"\"
  burst: 0
  contentType: \"\"
  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf
  qps: 0
clusterCIDR: 10.244.0.0/16
configSyncPeriod: 0s
conntrack:
  maxPerCore: 0
  min: null
  tcpBeLiberal: false
  tcpCloseWaitTimeout: null
  tcpEstablishedTimeout: null
  udpStreamTimeout: 0s
  udpTimeout: 0s
detectLocal:
  bridgeInterface: \"\"
  interfaceNamePrefix: \"\"
detectLocalMode: \"\"
enableProfiling: false
healthzBindAddress: \"\"
hostnameOverride: \"\"
iptables:
  localhostNodePorts: null
  masqueradeAll: false
  masqueradeBit: null
  minSyncPeriod: 1s
  syncPeriod: 0s
ipvs:
  excludeCIDRs: null
  minSyncPeriod: 0s
  scheduler: \"\"
  strictARP: false
  syncPeriod: 0s
  tcpFinTimeout: 0s
  tcpTimeout: 0s
  udpTimeout: 0s
kind: KubeProxyConfiguration
logging:
  flushFrequency: 0
  options:
    json:
      infoBufferSize: \"0\"
    text:
      infoBufferSize: \"0\"
  verbosity: 0
metricsBindAddress: \"\"
mode: {}
nftables:
  masqueradeAll: false
  masqueradeBit: null
  minSyncPeriod: 0s
  syncPeriod: 0s
nodePortAddresses: null
oomScoreAdj: null
portRange: \"\"
showHiddenMetricsForVersion: \"\"
winkernel:
  enableDSR: false
  forwardHealthCheckVip: false
  networkName: \"\"
  rootHnsEndpointName: \"\"
  sourceVip: \"\"",
        mode.as_str()
    );
    const KUBECONFIG: &str = "apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt
    server: https://kubeplay-control-plane:6443
  name: default
contexts:
- context:
    cluster: default
    namespace: default
    user: default
  name: default
current-context: default
users:
- name: default
  user:
    tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token";
    let mut body = serde_json::Map::new();
    body.insert(
        "data".into(),
        serde_json::json!({ "config.conf": config, "kubeconfig.conf": KUBECONFIG }),
    );
    let kind = kinds::by_kind_name("ConfigMap").unwrap_or(&kinds::RESOURCE_TYPES[0]);
    let mut metadata = meta("kube-proxy", "kube-system");
    metadata.labels = Some([("app".to_string(), "kube-proxy".to_string())].into());
    Object::from(GenericObject {
        kind,
        metadata,
        body,
    })
}

fn svc_port(name: &str, port: i32, proto: &str) -> ServicePort {
    ServicePort {
        name: Some(name.into()),
        port,
        protocol: Some(proto.into()),
        target_port: Some(IntOrString::Int(port)),
        ..Default::default()
    }
}

fn cport(name: &str, port: i32, proto: &str) -> ContainerPort {
    ContainerPort {
        name: Some(name.into()),
        container_port: port,
        protocol: Some(proto.into()),
        ..Default::default()
    }
}

/// default/kubernetes, its Endpoints and its EndpointSlice as the API server writes them:
/// a selectorless Service on 10.96.0.1 whose endpoint is the API server itself.
fn kubernetes_service_objects() -> [Object; 3] {
    let mut svc = Service {
        metadata: ObjectMeta {
            name: Some("kubernetes".into()),
            namespace: Some("default".into()),
            labels: labels(&[("component", "apiserver"), ("provider", "kubernetes")]),
            ..Default::default()
        },
        spec: Some(ServiceSpec {
            cluster_ip: Some("10.96.0.1".into()),
            cluster_ips: Some(vec!["10.96.0.1".into()]),
            ports: Some(vec![ServicePort {
                name: Some("https".into()),
                port: 443,
                protocol: Some("TCP".into()),
                target_port: Some(IntOrString::Int(6443)),
                ..Default::default()
            }]),
            ..Default::default()
        }),
        status: None,
    };
    let mut o = Object::from(svc.clone());
    crate::manifest::defaults::apply_defaults(&mut o);
    if let Object::Service(s) = o {
        svc = std::sync::Arc::unwrap_or_clone(s);
    }
    [
        Object::from(svc),
        Object::from(Endpoints {
            metadata: ObjectMeta {
                labels: labels(&[("endpointslice.kubernetes.io/skip-mirror", "true")]),
                ..meta("kubernetes", "default")
            },
            subsets: Some(vec![EndpointSubset {
                addresses: Some(vec![EndpointAddress {
                    ip: APISERVER_IP.into(),
                    ..Default::default()
                }]),
                ports: Some(vec![EndpointPort {
                    name: Some("https".into()),
                    port: 6443,
                    protocol: Some("TCP".into()),
                    ..Default::default()
                }]),
                ..Default::default()
            }]),
        }),
        Object::from(EndpointSlice {
            metadata: ObjectMeta {
                labels: labels(&[("kubernetes.io/service-name", "kubernetes")]),
                ..meta("kubernetes", "default")
            },
            address_type: "IPv4".into(),
            endpoints: vec![Endpoint {
                addresses: vec![APISERVER_IP.into()],
                conditions: Some(EndpointConditions {
                    ready: Some(true),
                    ..Default::default()
                }),
                ..Default::default()
            }],
            ports: Some(vec![k8s_openapi::api::discovery::v1::EndpointPort {
                name: Some("https".into()),
                port: Some(6443),
                protocol: Some("TCP".into()),
                ..Default::default()
            }]),
        }),
    ]
}

/// The API server's kubernetes-service controller (pkg/controlplane/controller/
/// kubernetesservice) runs every 10 s (the endpoint reconciler interval) and puts back
/// whichever of the three objects was deleted, the Service on 10.96.0.1 again.
pub(crate) fn ensure_kubernetes_service(c: &mut Cluster) {
    for obj in kubernetes_service_objects() {
        let key = super::Key::of(&obj);
        if c.store.get(&key).is_some() {
            continue;
        }
        if matches!(obj, Object::Service(_))
            && c.alloc
                .allocate_ip(Some("10.96.0.1"), &mut |n| n / 2)
                .is_err()
        {
            continue;
        }
        put(c, obj);
    }
}

#[cfg(test)]
mod tests {
    use crate::api::object::Object;

    /// `install` writes the system DaemonSets' templates already defaulted (so the first
    /// frame does not decode them): defaulting them again must change nothing.
    #[test]
    fn system_daemonsets_are_written_defaulted() {
        let c = crate::cluster::Cluster::installed(1);
        let mut seen = 0;
        for o in c.store.list("DaemonSet") {
            let Object::Generic(g) = o else { continue };
            let mut again = g.body.clone();
            crate::manifest::defaults::daemonset(&mut again);
            assert_eq!(again, g.body, "{}", o.name());
            seen += 1;
        }
        assert_eq!(seen, 2, "kindnet and kube-proxy");
    }
}
