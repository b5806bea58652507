//! Property tests over random step sequences (native only: proptest does not build for wasm32).
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};

use kubeplay::api::Object;
use kubeplay::scenario::{Step, World};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    Deploy { name: u8, app: u8, replicas: u8 },
    Service { name: u8, app: u8, node_port: bool },
    Kill { pick: u8 },
    Scale { name: u8, replicas: u8 },
    DeleteService { name: u8 },
    Advance { ms: u16 },
    Relabel { pick: u8, app: u8 },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..3u8, 0..3u8, 0..5u8).prop_map(|(name, app, replicas)| Op::Deploy {
            name,
            app,
            replicas
        }),
        (0..3u8, 0..3u8, any::<bool>()).prop_map(|(name, app, node_port)| Op::Service {
            name,
            app,
            node_port
        }),
        any::<u8>().prop_map(|pick| Op::Kill { pick }),
        (0..3u8, 0..5u8).prop_map(|(name, replicas)| Op::Scale { name, replicas }),
        (0..3u8).prop_map(|name| Op::DeleteService { name }),
        (0..20_000u16).prop_map(|ms| Op::Advance { ms }),
        (any::<u8>(), 0..3u8).prop_map(|(pick, app)| Op::Relabel { pick, app }),
    ]
}

fn step(world: &World, op: &Op) -> Step {
    match op {
        Op::Deploy { name, app, replicas } => Step::Apply {
            text: format!(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d{name}\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app: a{app}\n  template:\n    metadata:\n      labels:\n        app: a{app}\n    spec:\n      containers:\n      - name: c\n        image: nginx:1.27\n        ports:\n        - containerPort: 80\n"
            ),
        },
        Op::Service { name, app, node_port } => Step::Apply {
            text: format!(
                "apiVersion: v1\nkind: Service\nmetadata:\n  name: s{name}\nspec:\n  type: {}\n  selector:\n    app: a{app}\n  ports:\n  - port: 80\n",
                if *node_port { "NodePort" } else { "ClusterIP" }
            ),
        },
        Op::Kill { pick } => {
            let pods: Vec<String> = world.cluster.store.list_ns("Pod", "default").map(|o| o.name().to_string()).collect();
            match pods.get(*pick as usize % pods.len().max(1)) {
                Some(name) => Step::KillPod { namespace: "default".into(), name: name.clone() },
                None => Step::Advance { ms: 1 },
            }
        }
        Op::Relabel { pick, app } => {
            let pods: Vec<String> = world.cluster.store.list_ns("Pod", "default").map(|o| o.name().to_string()).collect();
            match pods.get(*pick as usize % pods.len().max(1)) {
                Some(name) => Step::Command { line: format!("kubectl label pod {name} app=a{app} --overwrite") },
                None => Step::Advance { ms: 1 },
            }
        }
        Op::Scale { name, replicas } => Step::Command { line: format!("kubectl scale deployment d{name} --replicas={replicas}") },
        Op::DeleteService { name } => Step::Command { line: format!("kubectl delete service s{name} --ignore-not-found") },
        Op::Advance { ms } => Step::Advance { ms: *ms as i64 },
    }
}

/// The expected endpoints of every Service, computed by brute force from the pods.
fn check_endpoints(world: &World) -> Result<(), String> {
    let c = &world.cluster;
    for svc in c.store.list_ns("Service", "default") {
        let Object::Service(s) = svc else { continue };
        let Some(sel) = s.spec.as_ref().and_then(|sp| sp.selector.clone()) else {
            continue;
        };
        let mut want: BTreeMap<String, (bool, bool)> = BTreeMap::new();
        for p in c.store.list_ns("Pod", "default") {
            let Object::Pod(pod) = p else { continue };
            let labels = pod.metadata.labels.clone().unwrap_or_default();
            if !sel.iter().all(|(k, v)| labels.get(k) == Some(v)) {
                continue;
            }
            let Some(ip) = pod.status.as_ref().and_then(|st| st.pod_ip.clone()) else {
                continue;
            };
            let ready = pod
                .status
                .as_ref()
                .and_then(|st| st.conditions.as_ref())
                .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True"));
            let terminating = pod.metadata.deletion_timestamp.is_some();
            want.insert(ip, (ready && !terminating, terminating));
        }
        let mut got: BTreeMap<String, (bool, bool)> = BTreeMap::new();
        for o in c.store.list_ns("EndpointSlice", "default") {
            let Object::EndpointSlice(es) = o else {
                continue;
            };
            if es
                .metadata
                .labels
                .as_ref()
                .and_then(|l| l.get("kubernetes.io/service-name"))
                != s.metadata.name.as_ref()
            {
                continue;
            }
            for e in &es.endpoints {
                let cond = e.conditions.clone().unwrap_or_default();
                for a in &e.addresses {
                    got.insert(
                        a.clone(),
                        (cond.ready == Some(true), cond.terminating == Some(true)),
                    );
                }
            }
        }
        if want != got {
            return Err(format!(
                "service {:?}: want {want:?} got {got:?}",
                s.metadata.name
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
        for p in spec.ports.unwrap_or_default() {
            if let Some(np) = p.node_port {
                if !ports.insert(np) {
                    return Err(format!("NodePort {np} shared"));
                }
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    #[test]
    fn endpoints_track_pods_and_allocations_stay_unique(ops in proptest::collection::vec(op(), 1..14)) {
        let mut world = World::new(5);
        for o in &ops {
            let s = step(&world, o);
            world.run(&s);
            prop_assert!(check_endpoints(&world).is_ok(), "{:?}", check_endpoints(&world));
            prop_assert!(check_unique_allocations(&world).is_ok(), "{:?}", check_unique_allocations(&world));
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
