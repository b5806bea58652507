//! Control-plane benchmarks (issue 3 point 12): settle 100 Deployments x 10 replicas
//! + 100 Services, an idle tick, and killing 100 pods.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
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

fn settled() -> World {
    let mut w = World::new(1);
    w.run(&Step::Apply {
        text: big_manifest(),
    });
    w.run(&Step::Advance { ms: 30_000 });
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
                || World::new(1),
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
criterion_main!(cluster_benches);
