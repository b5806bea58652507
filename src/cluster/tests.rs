use super::*;
use crate::api::Object;
use crate::manifest;

const NGINX: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx
spec:
  replicas: 3
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports:
        - containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: nginx
spec:
  selector:
    app: nginx
  ports:
  - port: 80
    targetPort: 80
";

pub fn apply_text(c: &mut Cluster, text: &str) -> Vec<ApplyOutcome> {
    manifest::parse(text, "STDIN")
        .into_iter()
        .map(|d| {
            let obj = d.result.expect("test manifests parse");
            c.apply(obj, "default").expect("test manifests apply").1
        })
        .collect()
}

/// A settled cluster: queueing everything again changes nothing.
pub fn assert_settled(c: &mut Cluster) {
    let before = c.store.clone();
    c.reconcile_everything();
    assert!(c.store == before);
}

fn ready_pods(c: &Cluster, ns: &str) -> Vec<String> {
    c.store
        .list_ns("Pod", ns)
        .filter_map(|o| match o {
            Object::Pod(p) if controllers::is_pod_ready(p) => Some(o.name().to_string()),
            _ => None,
        })
        .collect()
}

#[test]
fn default_cluster_is_settled() {
    let c = Cluster::new(1);
    assert_eq!(c.store.list("Node").count(), 3);
    let ns: Vec<&str> = c.store.list("Namespace").map(|o| o.name()).collect();
    assert_eq!(
        ns,
        [
            "default",
            "kube-node-lease",
            "kube-public",
            "kube-system",
            "local-path-storage"
        ]
    );
    let sys = ready_pods(&c, "kube-system");
    assert_eq!(
        sys.iter().filter(|n| n.starts_with("coredns-")).count(),
        2,
        "{sys:?}"
    );
    assert_eq!(
        sys.iter().filter(|n| n.starts_with("kube-proxy-")).count(),
        3
    );
    assert!(sys.contains(&"etcd-kubeplay-control-plane".to_string()));
    match c.get("Service", "kube-system", "kube-dns") {
        Some(Object::Service(s)) => {
            assert_eq!(
                s.spec.as_ref().unwrap().cluster_ip.as_deref(),
                Some("10.96.0.10")
            )
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn deployment_and_service_converge() {
    let mut c = Cluster::new(7);
    let out = apply_text(&mut c, NGINX);
    assert_eq!(out, [ApplyOutcome::Created, ApplyOutcome::Created]);
    c.advance(10_000);
    assert_eq!(ready_pods(&c, "default").len(), 3);
    let Some(Object::Endpoints(ep)) = c.get("Endpoints", "default", "nginx") else {
        panic!()
    };
    let addrs = ep.subsets.as_ref().unwrap()[0].addresses.as_ref().unwrap();
    assert_eq!(addrs.len(), 3);
    // Pods spread over the two workers, never on the tainted control plane.
    for o in c.store.list_ns("Pod", "default") {
        let Object::Pod(p) = o else { continue };
        let node = p.spec.as_ref().unwrap().node_name.clone().unwrap();
        assert_ne!(node, "kubeplay-control-plane");
    }
    // Re-applying the same text changes nothing.
    assert_eq!(
        apply_text(&mut c, NGINX),
        [ApplyOutcome::Unchanged, ApplyOutcome::Unchanged]
    );
}

#[test]
fn a_deleted_deployment_leaves_no_cached_template_hash() {
    let mut c = Cluster::new(7);
    let system = c.work.template_hashes.len();
    apply_text(&mut c, NGINX);
    c.advance(10_000);
    assert_eq!(c.work.template_hashes.len(), system + 1);
    c.delete("Deployment", "default", "nginx", None)
        .expect("the deployment exists");
    c.advance(10_000);
    assert_eq!(c.work.template_hashes.len(), system);
}

#[test]
fn killed_pod_is_replaced_and_endpoints_follow() {
    let mut c = Cluster::new(3);
    apply_text(&mut c, NGINX);
    c.advance(10_000);
    let victim = ready_pods(&c, "default")[0].clone();
    c.delete("Pod", "default", &victim, None).unwrap();
    c.advance(10_000);
    let now = ready_pods(&c, "default");
    assert_eq!(now.len(), 3);
    assert!(!now.contains(&victim));
}

#[test]
fn advance_is_additive() {
    let mut a = Cluster::new(11);
    let mut b = Cluster::new(11);
    apply_text(&mut a, NGINX);
    apply_text(&mut b, NGINX);
    a.advance(1234);
    a.advance(5678);
    b.advance(1234 + 5678);
    assert!(a == b);
}

#[test]
fn only_clients_that_end_run_to_completion() {
    let ct = |argv: &[&str]| k8s_openapi::api::core::v1::Container {
        name: "c".into(),
        image: Some("busybox:1.36".into()),
        args: Some(argv.iter().map(|s| s.to_string()).collect()),
        ..Default::default()
    };
    let runs = |argv: &[&str]| kubelet::one_shot(&ct(argv)).is_some();
    assert!(runs(&["wget", "-qO-", "http://nginx"]));
    assert!(runs(&[
        "/bin/sh",
        "-c",
        "for i in $(seq 3); do wget -qO- http://web; done | sort"
    ]));
    assert!(!runs(&["sleep", "3600"]));
    assert!(!runs(&["echo", "hi"]), "echo keeps its own model");
    assert!(!runs(&[
        "sh",
        "-c",
        "while true; do wget -qO- http://nginx; sleep 1; done"
    ]));
    assert!(!runs(&[
        "sh",
        "-c",
        "echo hi > /www/index.html && httpd -f -p 8080"
    ]));
    assert!(!runs(&["sh"]));
}

/// A default cluster 10 s after a busybox pod `name` (restartPolicy Never) with the
/// given command line (`args: [...]` or `command: [...]`) was applied.
fn run_client_pod(name: &str, command_line: &str) -> Cluster {
    let mut c = Cluster::new(7);
    let manifest = format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  restartPolicy: Never\n  containers:\n  - name: c\n    image: busybox:1.36\n    {command_line}\n"
    );
    apply_text(&mut c, &manifest);
    c.advance(10_000);
    c
}

#[test]
fn a_failing_client_pod_ends_failed_with_its_output_as_log() {
    let c = run_client_pod("bad", "args: [wget, -qO-, -T, '2', http://nope]");
    let Some(Object::Pod(p)) = c.get("Pod", "default", "bad") else {
        panic!("the pod exists")
    };
    let status = p.status.as_ref().expect("a status");
    assert_eq!(status.phase.as_deref(), Some("Failed"));
    let state = status
        .container_statuses
        .as_ref()
        .expect("container statuses")[0]
        .state
        .as_ref()
        .and_then(|s| s.terminated.as_ref())
        .expect("terminated");
    assert_eq!(
        (state.exit_code, state.reason.as_deref()),
        (1, Some("Error"))
    );
    let key = Key::new("Pod", "default", "bad");
    let log: Vec<&str> = c.net.logs[&key].iter().map(|(_, l)| l.as_str()).collect();
    assert_eq!(log, ["wget: bad address 'nope'"]);
}

#[test]
fn a_client_pods_log_keeps_its_newest_megabyte() {
    let c = run_client_pod("counter", "command: [sh, -c, 'seq 300000']");
    let key = Key::new("Pod", "default", "counter");
    let log = &c.net.logs[&key];
    let bytes: usize = log.iter().map(|(_, l)| l.len() + 1).sum();
    assert!(bytes <= 1 << 20, "{bytes} bytes kept");
    assert_eq!(log.last().map(|(_, l)| l.as_str()), Some("300000"));
}

#[test]
fn the_kube_proxy_configmap_names_the_proxy_mode() {
    let mut c = Cluster::new(1);
    let mode_line = |c: &Cluster| {
        let cm = c
            .store
            .get(&Key::new("ConfigMap", "kube-system", "kube-proxy"))
            .map(Object::to_json)
            .unwrap_or_default();
        let conf = cm["data"]["config.conf"].as_str().unwrap_or("").to_string();
        conf.lines()
            .find(|l| l.starts_with("mode: "))
            .unwrap_or("")
            .to_string()
    };
    assert_eq!(mode_line(&c), "mode: iptables");
    let before = c.store.revision();
    c.apply_settings();
    assert_eq!(
        c.store.revision(),
        before,
        "an unchanged mode writes nothing"
    );
    c.settings.proxy_mode = crate::cluster::ProxyMode::Ipvs;
    c.apply_settings();
    assert_eq!(mode_line(&c), "mode: ipvs");
}

fn pod_ips_on(c: &Cluster, node: &str) -> Vec<Option<String>> {
    c.store
        .list_ns("Pod", "default")
        .filter_map(|o| match o {
            Object::Pod(p)
                if p.spec.as_ref().and_then(|s| s.node_name.as_deref()) == Some(node) =>
            {
                Some(p.status.as_ref().and_then(|s| s.pod_ip.clone()))
            }
            _ => None,
        })
        .collect()
}

/// host-local IPAM (allocator.go): addresses in use are skipped, and an exhausted range
/// leaves the pod ContainerCreating with FailedCreatePodSandBox until one is released.
#[test]
fn pod_ips_skip_addresses_in_use_and_an_exhausted_range_fails_the_sandbox() {
    let mut c = Cluster::new(1);
    // .1 is the gateway: .2-.6 are the five addresses pods can have, and one of the
    // CoreDNS pods already has .2.
    bootstrap::set_pod_cidr(&mut c, "kubeplay-worker", "10.244.1.0/29");
    let pinned = NGINX
        .replace("replicas: 3", "replicas: 7")
        .replace(
            "    spec:\n      containers:",
            "    spec:\n      nodeSelector:\n        kubernetes.io/hostname: kubeplay-worker\n      containers:",
        );
    apply_text(&mut c, &pinned);
    c.advance(30_000);
    let ips = pod_ips_on(&c, "kubeplay-worker");
    assert_eq!(ips.len(), 7);
    let mut given: Vec<String> = ips.iter().flatten().cloned().collect();
    given.sort();
    assert_eq!(
        given,
        ["10.244.1.3", "10.244.1.4", "10.244.1.5", "10.244.1.6"]
    );
    assert_eq!(ready_pods(&c, "default").len(), 4);
    let failed: Vec<String> = c
        .store
        .list_ns("Event", "default")
        .filter_map(|o| match o {
            Object::Event(e) if e.event().reason.as_deref() == Some("FailedCreatePodSandBox") => {
                e.event().message.clone()
            }
            _ => None,
        })
        .collect();
    assert!(!failed.is_empty());
    for m in &failed {
        assert!(m.starts_with("Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox \""), "{m}");
        assert!(m.ends_with("\": plugin type=\"ptp\" failed (add): failed to allocate for range 0: no IP addresses available in range set: 10.244.1.1-10.244.1.6"), "{m}");
    }
    // A pod that goes releases its address; a waiting pod gets it at its next try, and
    // no two pods on the node ever share one.
    let victim = ready_pods(&c, "default")[0].clone();
    c.delete("Pod", "default", &victim, None).unwrap();
    c.advance(30_000);
    let ips = pod_ips_on(&c, "kubeplay-worker");
    let mut given: Vec<String> = ips.iter().flatten().cloned().collect();
    given.sort();
    given.dedup();
    assert_eq!(given.len(), 4);
    assert_eq!(ready_pods(&c, "default").len(), 4);
    assert!(!given.contains(&"10.244.1.2".to_string()));
}
