//! Property tests over random step sequences (native only: proptest does not build for wasm32).
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kubeplay::api::Object;
use kubeplay::cluster::Key;
use kubeplay::scenario::{Step, World};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    Deploy {
        name: u8,
        app: u8,
        replicas: u8,
    },
    Service {
        name: u8,
        app: u8,
        /// ClusterIP, NodePort, or a LoadBalancer with externalTrafficPolicy Local
        /// (which also takes a health check node port).
        ty: u8,
    },
    Kill {
        pick: u8,
    },
    Scale {
        name: u8,
        replicas: u8,
    },
    DeleteService {
        name: u8,
    },
    Advance {
        ms: u16,
    },
    Relabel {
        pick: u8,
        app: u8,
    },
    /// A pod no ReplicaSet owns (relabelling it starts no replacement), ready only
    /// while its /tmp/ready says yes (exec readiness probe, every second).
    Pod {
        name: u8,
        app: u8,
    },
    Ready {
        pick: u8,
        yes: bool,
    },
}

/// Names and apps come from small sets so that Services, pods and relabellings meet;
/// the weights favour the ops that change which pods a Service selects.
fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => (0..3u8, 0..2u8, 0..5u8).prop_map(|(name, app, replicas)| Op::Deploy {
            name,
            app,
            replicas
        }),
        3 => (0..3u8, 0..2u8, 0..3u8).prop_map(|(name, app, ty)| Op::Service {
            name,
            app,
            ty
        }),
        1 => any::<u8>().prop_map(|pick| Op::Kill { pick }),
        1 => (0..3u8, 0..5u8).prop_map(|(name, replicas)| Op::Scale { name, replicas }),
        1 => (0..3u8).prop_map(|name| Op::DeleteService { name }),
        3 => (0..20_000u16).prop_map(|ms| Op::Advance { ms }),
        3 => (any::<u8>(), 0..2u8).prop_map(|(pick, app)| Op::Relabel { pick, app }),
        2 => (0..3u8, 0..2u8).prop_map(|(name, app)| Op::Pod { name, app }),
        2 => (any::<u8>(), any::<bool>()).prop_map(|(pick, yes)| Op::Ready { pick, yes }),
    ]
}

fn pick_pod(world: &World, pick: u8) -> Option<String> {
    let pods: Vec<String> = world
        .cluster
        .store
        .list_ns("Pod", "default")
        .map(|o| o.name().to_string())
        .collect();
    pods.get(pick as usize % pods.len().max(1)).cloned()
}

/// Runs `op`; a clock advance runs in steps of at most a second, each checked (the
/// moments between kubelet updates: containers starting, probes flipping, pods terminating).
fn run_checked(
    world: &mut World,
    op: &Op,
    check: impl Fn(&World) -> Result<(), String>,
) -> Result<(), String> {
    match op {
        Op::Advance { ms } => {
            let mut left = i64::from(*ms);
            while left > 0 {
                let now = left.min(1000);
                world.run(&Step::Advance { ms: now });
                left -= now;
                check(world).map_err(|e| format!("after {op:?}, {left} ms before its end: {e}"))?;
            }
            Ok(())
        }
        _ => {
            let s = step(world, op);
            world.run(&s);
            check(world).map_err(|e| format!("after {op:?}: {e}"))
        }
    }
}

fn step(world: &World, op: &Op) -> Step {
    match op {
        Op::Deploy { name, app, replicas } => Step::Apply {
            text: format!(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d{name}\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app: a{app}\n      tier: d\n  template:\n    metadata:\n      labels:\n        app: a{app}\n        tier: d\n    spec:\n      containers:\n      - name: c\n        image: nginx:1.27\n        resources:\n          requests:\n            cpu: {cpu}m\n            memory: {app}1Mi\n        ports:\n        - containerPort: 80\n",
                // Requests give the scheduler's per-node totals something to add up.
                cpu = 100 + u32::from(*name) * 50,
            ),
        },
        Op::Service { name, app, ty } => Step::Apply {
            text: format!(
                "apiVersion: v1\nkind: Service\nmetadata:\n  name: s{name}\nspec:\n  type: {}\n  selector:\n    app: a{app}\n  ports:\n  - port: 80\n",
                match ty {
                    0 => "ClusterIP",
                    1 => "NodePort",
                    _ => "LoadBalancer\n  externalTrafficPolicy: Local",
                }
            ),
        },
        Op::Pod { name, app } => Step::Apply {
            text: format!(
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p{name}\n  labels:\n    app: a{app}\nspec:\n  containers:\n  - name: c\n    image: nginx:1.27\n    readinessProbe:\n      exec:\n        command: [grep, -q, yes, /tmp/ready]\n      periodSeconds: 1\n"
            ),
        },
        Op::Ready { pick, yes } => match pick_pod(world, *pick) {
            Some(name) => Step::Command {
                line: format!("kubectl exec {name} -- sh -c 'echo {} > /tmp/ready'", if *yes { "yes" } else { "no" }),
            },
            None => Step::Advance { ms: 1 },
        },
        Op::Kill { pick } => match pick_pod(world, *pick) {
            Some(name) => Step::KillPod { namespace: "default".into(), name },
            None => Step::Advance { ms: 1 },
        },
        Op::Relabel { pick, app } => match pick_pod(world, *pick) {
            Some(name) => Step::Command { line: format!("kubectl label pod {name} app=a{app} --overwrite") },
            None => Step::Advance { ms: 1 },
        },
        Op::Scale { name, replicas } => Step::Command { line: format!("kubectl scale deployment d{name} --replicas={replicas}") },
        Op::DeleteService { name } => Step::Command { line: format!("kubectl delete service s{name} --ignore-not-found") },
        Op::Advance { ms } => Step::Advance { ms: *ms as i64 },
    }
}

const MANAGED_BY: &str = "endpointslice.kubernetes.io/managed-by";
const SLICE_CONTROLLER: &str = "endpointslice-controller.k8s.io";
const SERVICE_NAME: &str = "kubernetes.io/service-name";

/// One endpoint as the EndpointSlice controller must publish it for a pod.
#[derive(Debug, Clone, PartialEq, Eq)]
struct WantEp {
    pod: String,
    node: Option<String>,
    ready: bool,
    serving: bool,
    terminating: bool,
}

fn label<'a>(
    m: &'a k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
    k: &str,
) -> Option<&'a str> {
    m.labels.as_ref()?.get(k).map(String::as_str)
}

/// Every EndpointSlice and v1 Endpoints of every Service, checked against what the
/// pods in the store say right now (brute force: every pod of the namespace against
/// the selector, no controller code): exactly the matching, non-terminal pods with an
/// IP, each once, with its pod, node and ready/serving/terminating conditions; v1
/// Endpoints with ready pods in `addresses`, unready ones in `notReadyAddresses`,
/// terminating ones left out; no controller-managed slice without its Service.
fn check_endpoints(world: &World) -> Result<(), String> {
    let c = &world.cluster;
    for o in c.store.list("EndpointSlice") {
        let m = o.meta();
        if label(m, MANAGED_BY) != Some(SLICE_CONTROLLER) {
            continue;
        }
        let svc = label(m, SERVICE_NAME).unwrap_or("");
        let selects = match c.store.get(&Key::new("Service", o.namespace(), svc)) {
            Some(Object::Service(s)) => s
                .spec
                .as_ref()
                .and_then(|sp| sp.selector.as_ref())
                .is_some_and(|sel| !sel.is_empty()),
            _ => false,
        };
        if !selects {
            return Err(format!(
                "slice {}/{} left for Service {svc:?}, which is gone or has no selector",
                o.namespace(),
                o.name()
            ));
        }
    }
    for svc in c.store.list("Service") {
        let Object::Service(s) = svc else { continue };
        let (ns, name) = (svc.namespace(), svc.name());
        let spec = s.spec.clone().unwrap_or_default();
        let Some(sel) = spec.selector.clone().filter(|sel| !sel.is_empty()) else {
            continue;
        };
        if spec.type_.as_deref() == Some("ExternalName") {
            continue;
        }
        let publish = spec.publish_not_ready_addresses == Some(true);
        let mut want: BTreeMap<String, WantEp> = BTreeMap::new();
        for p in c.store.list_ns("Pod", ns) {
            let Object::Pod(pod) = p else { continue };
            let labels = pod.metadata.labels.clone().unwrap_or_default();
            if !sel.iter().all(|(k, v)| labels.get(k) == Some(v)) {
                continue;
            }
            let status = pod.status.clone().unwrap_or_default();
            if matches!(status.phase.as_deref(), Some("Succeeded" | "Failed")) {
                continue;
            }
            let Some(ip) = status.pod_ip.clone() else {
                continue;
            };
            let pod_ready = status
                .conditions
                .iter()
                .flatten()
                .any(|c| c.type_ == "Ready" && c.status == "True");
            let terminating = pod.metadata.deletion_timestamp.is_some();
            want.insert(
                ip,
                WantEp {
                    pod: p.name().to_string(),
                    node: pod.spec.as_ref().and_then(|sp| sp.node_name.clone()),
                    ready: publish || (pod_ready && !terminating),
                    serving: pod_ready,
                    terminating,
                },
            );
        }
        // The slice ports every endpoint must carry (numeric target ports only here).
        let want_ports: Vec<(String, i32, String)> = spec
            .ports
            .iter()
            .flatten()
            .map(|sp| {
                let tp = match &sp.target_port {
                    Some(IntOrString::Int(n)) if *n != 0 => *n,
                    _ => sp.port,
                };
                (
                    sp.name.clone().unwrap_or_default(),
                    tp,
                    sp.protocol.clone().unwrap_or_else(|| "TCP".into()),
                )
            })
            .collect();
        let mut got: BTreeMap<String, WantEp> = BTreeMap::new();
        let mut slices = 0;
        for o in c.store.list_ns("EndpointSlice", ns) {
            let Object::EndpointSlice(es) = o else {
                continue;
            };
            if label(&es.metadata, SERVICE_NAME) != Some(name)
                || label(&es.metadata, MANAGED_BY) != Some(SLICE_CONTROLLER)
            {
                continue;
            }
            slices += 1;
            let ports: Vec<(String, i32, String)> = es
                .ports
                .iter()
                .flatten()
                .map(|p| {
                    (
                        p.name.clone().unwrap_or_default(),
                        p.port.unwrap_or(0),
                        p.protocol.clone().unwrap_or_default(),
                    )
                })
                .collect();
            if !es.endpoints.is_empty() && ports != want_ports {
                return Err(format!(
                    "service {ns}/{name}: slice {} has ports {ports:?}, want {want_ports:?}",
                    o.name()
                ));
            }
            for e in &es.endpoints {
                let [ip] = e.addresses.as_slice() else {
                    return Err(format!(
                        "service {ns}/{name}: endpoint with addresses {:?}",
                        e.addresses
                    ));
                };
                let cond = e.conditions.clone().unwrap_or_default();
                let (Some(ready), Some(serving), Some(terminating)) =
                    (cond.ready, cond.serving, cond.terminating)
                else {
                    return Err(format!(
                        "service {ns}/{name}: endpoint {ip} with conditions {cond:?}"
                    ));
                };
                let target = e.target_ref.clone().unwrap_or_default();
                if target.kind.as_deref() != Some("Pod") || target.namespace.as_deref() != Some(ns)
                {
                    return Err(format!(
                        "service {ns}/{name}: endpoint {ip} targets {target:?}"
                    ));
                }
                let ep = WantEp {
                    pod: target.name.unwrap_or_default(),
                    node: e.node_name.clone(),
                    ready,
                    serving,
                    terminating,
                };
                if got.insert(ip.clone(), ep).is_some() {
                    return Err(format!("service {ns}/{name}: endpoint {ip} listed twice"));
                }
            }
        }
        if slices == 0 {
            return Err(format!("service {ns}/{name} has no EndpointSlice"));
        }
        if want != got {
            return Err(format!(
                "service {ns}/{name} EndpointSlices:\n want {want:?}\n  got {got:?}"
            ));
        }
        // v1 Endpoints: terminating pods dropped (unless published), the rest split by readiness.
        let want_v1: BTreeMap<String, (String, bool)> = want
            .iter()
            .filter(|(_, w)| publish || !w.terminating)
            .map(|(ip, w)| (ip.clone(), (w.pod.clone(), w.ready)))
            .collect();
        let Some(Object::Endpoints(ep)) = c.store.get(&Key::new("Endpoints", ns, name)) else {
            return Err(format!("service {ns}/{name} has no Endpoints"));
        };
        let mut got_v1: BTreeMap<String, (String, bool)> = BTreeMap::new();
        for sub in ep.subsets.iter().flatten() {
            let both = [(&sub.addresses, true), (&sub.not_ready_addresses, false)];
            for (addrs, ready) in both {
                for a in addrs.iter().flatten() {
                    let pod = a
                        .target_ref
                        .as_ref()
                        .and_then(|t| t.name.clone())
                        .unwrap_or_default();
                    if got_v1.insert(a.ip.clone(), (pod, ready)).is_some() {
                        return Err(format!(
                            "service {ns}/{name}: Endpoints list {} twice",
                            a.ip
                        ));
                    }
                }
            }
        }
        if want_v1 != got_v1 {
            return Err(format!(
                "service {ns}/{name} Endpoints:\n want {want_v1:?}\n  got {got_v1:?}"
            ));
        }
    }
    Ok(())
}

fn check_unique_allocations(world: &World) -> Result<(), String> {
    let mut ips = BTreeSet::new();
    let mut ports = BTreeSet::new();
    for o in world.cluster.store.list("Service") {
        let Object::Service(s) = o else { continue };
        let spec = s.spec.clone().unwrap_or_default();
        if let Some(ip) = spec.cluster_ip.filter(|ip| ip != "None") {
            if !ips.insert(ip.clone()) {
                return Err(format!("ClusterIP {ip} shared"));
            }
        }
        // Ports of one Service may share a node port (same port number, two protocols);
        // these have one port each, so every node port and health check port is unique.
        let node_ports = spec
            .ports
            .unwrap_or_default()
            .into_iter()
            .filter_map(|p| p.node_port);
        for np in node_ports.chain(spec.health_check_node_port) {
            if !ports.insert(np) {
                return Err(format!("NodePort {np} shared"));
            }
        }
    }
    Ok(())
}

/// The scheduler's per-node totals, kept by the store as pods come and go, equal a
/// count made from scratch: every pod with a nodeName that is not Succeeded or Failed.
fn check_node_totals(world: &World) -> Result<(), String> {
    let store = &world.cluster.store;
    for n in store.list("Node") {
        let node = n.name();
        let (mut pods, mut cpu, mut mem) = (0usize, 0i64, 0i64);
        for o in store.list("Pod") {
            let Object::Pod(p) = o else { continue };
            let spec = p.spec.clone().unwrap_or_default();
            let phase = p.status.as_ref().and_then(|s| s.phase.clone());
            if spec.node_name.as_deref() != Some(node)
                || matches!(phase.as_deref(), Some("Succeeded" | "Failed"))
            {
                continue;
            }
            pods += 1;
            for c in spec.containers.iter() {
                let req = c.resources.as_ref().and_then(|r| r.requests.as_ref());
                cpu += req
                    .and_then(|r| r.get("cpu"))
                    .map_or(0, |q| kubeplay::cluster::resources::cpu_millis(&q.0));
                mem += req
                    .and_then(|r| r.get("memory"))
                    .map_or(0, |q| kubeplay::cluster::resources::mem_bytes(&q.0));
            }
        }
        let u = store.node_use(node);
        if (u.pods, u.requested.cpu, u.requested.mem) != (pods, cpu, mem) {
            return Err(format!(
                "node {node}: store counts {} pods, {}m, {} bytes; a scan counts {pods}, {cpu}m, {mem}",
                u.pods, u.requested.cpu, u.requested.mem
            ));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    #[test]
    fn endpoints_track_pods_and_allocations_stay_unique(ops in proptest::collection::vec(op(), 1..20)) {
        let mut world = World::new(5);
        for o in &ops {
            let checked = run_checked(&mut world, o, |w| {
                check_endpoints(w)?;
                check_node_totals(w)?;
                check_unique_allocations(w)
            });
            prop_assert!(checked.is_ok(), "{}", checked.unwrap_err());
        }
        // ReplicaSets converge: after enough time every Deployment has its replicas ready.
        world.run(&Step::Advance { ms: 60_000 });
        for o in world.cluster.store.list_ns("Deployment", "default") {
            let Object::Deployment(d) = o else { continue };
            let want = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
            let ready = d.status.as_ref().and_then(|s| s.ready_replicas).unwrap_or(0);
            prop_assert_eq!(want, ready, "{:?}", d.metadata.name);
        }
    }

    /// The controllers only look at what changed; looking at everything again must
    /// find nothing left to do.
    #[test]
    fn incremental_controllers_miss_nothing(ops in proptest::collection::vec(op(), 1..14)) {
        let mut world = World::new(7);
        for o in &ops {
            let s = step(&world, o);
            world.run(&s);
            let mut everything = world.cluster.clone();
            everything.reconcile_everything();
            prop_assert!(everything == world.cluster, "a full pass changed the cluster after {:?}", o);
        }
    }

    #[test]
    fn same_seed_and_steps_give_the_same_cluster(ops in proptest::collection::vec(op(), 1..10)) {
        let mut a = World::new(9);
        let mut b = World::new(9);
        for o in &ops {
            let s = step(&a, o);
            a.run(&s);
            b.run(&s);
        }
        prop_assert!(a.cluster == b.cluster);
    }

    #[test]
    fn advancing_a_then_b_equals_a_plus_b(x in 0..30_000i64, y in 0..30_000i64) {
        let mut a = World::new(3);
        let mut b = World::new(3);
        let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  replicas: 3\n  selector:\n    matchLabels:\n      app: a\n  template:\n    metadata:\n      labels:\n        app: a\n    spec:\n      containers:\n      - name: c\n        image: nginx:1.27\n".to_string();
        a.run(&Step::Apply { text: text.clone() });
        b.run(&Step::Apply { text });
        a.run(&Step::Advance { ms: x });
        a.run(&Step::Advance { ms: y });
        b.run(&Step::Advance { ms: x + y });
        prop_assert!(a.cluster == b.cluster);
    }
}
