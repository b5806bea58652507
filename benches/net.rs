//! Throughput of the data plane through the same `connect()` the terminal uses (trace
//! included): 1,000,000 connections through a Service with 100 endpoints, and
//! 1,000,000 DNS lookups. Run: `cargo bench --bench net`.

use std::time::Instant;

use criterion::{criterion_group, criterion_main, Criterion};
use kubeplay::cluster::{Cluster, Key};
use kubeplay::net::{connect, Proto, Source};
use kubeplay::term::Terminal;

fn cluster_with_100() -> (Cluster, String) {
    let mut c = Cluster::new(1);
    let mut t = Terminal::new();
    let script = "kubectl create deployment web --image=registry.k8s.io/e2e-test-images/agnhost:2.39 --replicas=100 -- /agnhost netexec --http-port=8080\nkubectl expose deployment web --port=80 --target-port=8080\nkubectl run debug --image=alpine --restart=Never -- sleep 3600\n";
    let _ = t.run(&mut c, script);
    c.advance(120_000);
    let ip = match c.get("Service", "default", "web") {
        Some(kubeplay::api::Object::Service(s)) => s
            .spec
            .as_ref()
            .and_then(|x| x.cluster_ip.clone())
            .unwrap_or_default(),
        _ => String::new(),
    };
    (c, ip)
}

fn million(c: &mut Criterion) {
    let (mut cl, ip) = cluster_with_100();
    let src = Source::Pod(Key::new("Pod", "default", "debug"));
    let start = Instant::now();
    let mut ok = 0u64;
    for _ in 0..1_000_000 {
        let conn = connect(&mut cl, &src, &ip, 80, Proto::Tcp);
        ok += u64::from(matches!(conn.outcome, kubeplay::net::Outcome::Connected(_)));
    }
    eprintln!(
        "1,000,000 connections (100 endpoints): {:?}, {ok} connected",
        start.elapsed()
    );
    let start = Instant::now();
    let mut found = 0u64;
    for i in 0..1_000_000u32 {
        let name = if i % 2 == 0 {
            "web.default.svc.cluster.local"
        } else {
            "nope.default.svc.cluster.local"
        };
        found += kubeplay::dns::query(&cl, name, kubeplay::dns::RType::A)
            .answers
            .len() as u64;
    }
    eprintln!(
        "1,000,000 DNS lookups: {:?}, {found} answers",
        start.elapsed()
    );
    c.bench_function("connect 100 endpoints", |b| {
        b.iter(|| connect(&mut cl, &src, &ip, 80, Proto::Tcp))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = million
}
criterion_main!(benches);
