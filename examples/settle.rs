//! The settle benchmark's work once per run, for profilers (callgrind, perf) that want a
//! plain binary rather than criterion's harness:
//!   cargo run --release --example settle -- [RUNS]   prints the best wall time of RUNS
use kubeplay::scenario::{Step, World};
use std::time::Instant;

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1);
    kubeplay::keep_freed_memory();
    let mut text = String::new();
    for i in 0..100 {
        text.push_str(&format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app{i}\nspec:\n  replicas: 10\n  selector:\n    matchLabels:\n      app: app{i}\n  template:\n    metadata:\n      labels:\n        app: app{i}\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n        ports:\n        - containerPort: 80\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: app{i}\nspec:\n  selector:\n    app: app{i}\n  ports:\n  - port: 80\n---\n"
        ));
    }
    let mut best = f64::MAX;
    for _ in 0..runs {
        let mut w = World::new(1);
        // Room for 1,000 pods, as in the criterion benchmark (benches/cluster.rs): the
        // pod count and a pod range with more than a /24's 253 addresses.
        for (node, cidr) in [
            ("kubeplay-worker", "10.244.4.0/22"),
            ("kubeplay-worker2", "10.244.8.0/22"),
        ] {
            kubeplay::cluster::bootstrap::set_max_pods(&mut w.cluster, node, 600);
            kubeplay::cluster::bootstrap::set_pod_cidr(&mut w.cluster, node, cidr);
        }
        let start = Instant::now();
        w.run(&Step::Apply { text: text.clone() });
        w.run(&Step::Advance { ms: 30_000 });
        best = best.min(start.elapsed().as_secs_f64() * 1e3);
        let ready = w
            .cluster
            .store
            .list_ns("Pod", "default")
            .filter(|o| match o {
                kubeplay::api::Object::Pod(p) => p
                    .status
                    .as_ref()
                    .and_then(|s| s.conditions.as_ref())
                    .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True")),
                _ => false,
            })
            .count();
        assert_eq!(ready, 1000, "every pod Ready after settling");
        std::hint::black_box(&w);
    }
    println!("settle: best of {runs}: {best:.1} ms");
}
