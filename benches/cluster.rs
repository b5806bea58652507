//! Control-plane benchmarks (issue 3 point 12): settle 100 Deployments x 10 replicas
//! + 100 Services, an idle tick, and killing 100 pods.

use criterion::{criterion_group, BatchSize, Criterion};
use kubeplay::api::Object;
use kubeplay::cluster::bootstrap::{set_max_pods, set_pod_cidr};
use kubeplay::scenario::{Step, World};

fn big_manifest() -> String {
    let mut text = String::new();
    for i in 0..100 {
        text.push_str(&format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app{i}\nspec:\n  replicas: 10\n  selector:\n    matchLabels:\n      app: app{i}\n  template:\n    metadata:\n      labels:\n        app: app{i}\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n        ports:\n        - containerPort: 80\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: app{i}\nspec:\n  selector:\n    app: app{i}\n  ports:\n  - port: 80\n---\n"
        ));
    }
    text
}

/// The default cluster with room for the benchmark's 1,000 pods: its two workers' kubelets
/// as if started with --max-pods=600 (the default, 110, would leave most pods Pending
/// with "Too many pods", and the benchmark would measure less work), and a /22 pod range
/// each, as the default /24 has 253 addresses.
fn roomy_world() -> World {
    let mut w = World::new(1);
    for (node, cidr) in [
        ("kubeplay-worker", "10.244.4.0/22"),
        ("kubeplay-worker2", "10.244.8.0/22"),
    ] {
        set_max_pods(&mut w.cluster, node, 600);
        set_pod_cidr(&mut w.cluster, node, cidr);
    }
    w
}

fn ready_pods(w: &World) -> usize {
    w.cluster
        .store
        .list_ns("Pod", "default")
        .filter(|o| match o {
            Object::Pod(p) => p
                .status
                .as_ref()
                .and_then(|s| s.conditions.as_ref())
                .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True")),
            _ => false,
        })
        .count()
}

fn settled() -> World {
    let mut w = roomy_world();
    w.run(&Step::Apply {
        text: big_manifest(),
    });
    w.run(&Step::Advance { ms: 30_000 });
    // What is measured is the settling of every pod: a change that left pods Pending
    // would make the figures look better while measuring less.
    assert_eq!(
        ready_pods(&w),
        1000,
        "every benchmark pod is Ready after 30 s"
    );
    w
}

fn benches(c: &mut Criterion) {
    let text = big_manifest();
    let mut g = c.benchmark_group("cluster");
    g.sample_size(10);
    g.bench_function(
        "apply 100 deployments x 10 + 100 services and settle",
        |b| {
            b.iter_batched(
                roomy_world,
                |mut w| {
                    w.run(&Step::Apply { text: text.clone() });
                    w.run(&Step::Advance { ms: 30_000 });
                    w
                },
                BatchSize::LargeInput,
            )
        },
    );
    let base = settled();
    g.bench_function("idle tick (1 s) on the settled cluster", |b| {
        b.iter_batched(
            || base.clone(),
            |mut w| {
                w.run(&Step::Advance { ms: 1_000 });
                w
            },
            BatchSize::LargeInput,
        )
    });
    g.bench_function("kill 100 pods and settle", |b| {
        b.iter_batched(
            || base.clone(),
            |mut w| {
                let victims: Vec<String> = w
                    .cluster
                    .store
                    .list_ns("Pod", "default")
                    .take(100)
                    .map(|o| o.name().to_string())
                    .collect();
                for name in victims {
                    w.run(&Step::KillPod {
                        namespace: "default".into(),
                        name,
                    });
                }
                w.run(&Step::Advance { ms: 30_000 });
                w
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group!(cluster_benches, benches);
fn main() {
    kubeplay::keep_freed_memory();
    cluster_benches();
    Criterion::default().configure_from_args().final_summary();
}
