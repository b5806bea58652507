// The code each fuzz target runs, shared (via `include!`) by fuzz/fuzz_targets/*.rs
// (cargo-fuzz, nightly) and tests/fuzz_corpus.rs (stable, in `make test`), so the
// committed corpora replay exactly what the fuzzers ran.
//
// Every function takes raw bytes, turns them into text the way the page does
// (`String::from_utf8_lossy`), runs them through `World` and checks that the cluster
// is still usable. A panic, a hang (libFuzzer -timeout) or an unbounded allocation
// (-rss_limit_mb / -malloc_limit_mb) is a finding.

use kubeplay::scenario::{Step, World};

/// The default cluster plus a small app (Deployment `web` with a readiness probe,
/// Service `web`, pod `client`), settled; built once per process, cloned per input.
fn fresh_world() -> World {
    thread_local! {
        static BASE: std::cell::OnceCell<World> = const { std::cell::OnceCell::new() };
    }
    BASE.with(|base| {
        base.get_or_init(|| {
            let mut w = World::new(1);
            w.run(&Step::Apply {
                text: BASE_APP.to_string(),
            });
            w.run(&Step::Advance { ms: 30_000 });
            w
        })
        .clone()
    })
}

const BASE_APP: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports:
        - containerPort: 80
        readinessProbe:
          httpGet:
            port: 80
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
---
apiVersion: v1
kind: Pod
metadata:
  name: client
spec:
  containers:
  - name: c
    image: busybox:1.37
    command: [\"sleep\", \"infinity\"]
";

/// What must hold after any input: the default Service is there and kubectl answers.
fn check_intact(w: &mut World) {
    assert!(
        w.cluster
            .store
            .get(&kubeplay::cluster::Key::new(
                "Service",
                "default",
                "kubernetes"
            ))
            .is_some(),
        "the kubernetes Service is gone"
    );
    let r = w.command("kubectl get svc kubernetes -o name");
    assert_eq!(r.output.combined(), "service/kubernetes\n");
}

/// After commands that may delete anything: kubectl still answers.
fn still_answers(w: &mut World) {
    let r = w.command("kubectl get namespaces -o name");
    assert_eq!(r.code, 0, "{:?}", r.output);
}

/// The editor's Apply with arbitrary text, then some simulated time, the printers over
/// whatever was stored, and a normal apply afterwards.
pub fn apply_manifest(data: &[u8]) {
    let text = String::from_utf8_lossy(data).into_owned();
    let mut w = fresh_world();
    let r = w.run(&Step::Apply { text: text.clone() });
    assert!(
        r.code == 0 || !r.output.combined().is_empty(),
        "a failed apply says why"
    );
    w.run(&Step::Advance { ms: 20_000 });
    let _ = w.command("kubectl get all,cm,ep,endpointslices -A -o wide");
    let _ = w.command("kubectl describe all -A");
    let _ = w.command("kubectl get all -A -o yaml");
    // Applying the same text again goes through the update path (three-way merge).
    let _ = w.run(&Step::Apply { text });
    w.run(&Step::Advance { ms: 5_000 });
    check_intact(&mut w);
}

/// A terminal command line (any bytes; heredocs included), twice, on the default
/// cluster with the small app running; then kubectl must still answer.
pub fn run_command(data: &[u8]) {
    let line = String::from_utf8_lossy(data).into_owned();
    let mut w = fresh_world();
    let _ = w.command(&line);
    let _ = w.command(&line);
    w.run(&Step::Advance { ms: 10_000 });
    still_answers(&mut w);
}

/// A share-link fragment: decoding never panics; what decodes re-encodes to a link
/// that decodes to the same scenario.
pub fn decode_link(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(s) = kubeplay::scenario::decode_link(&text) {
        let again = kubeplay::scenario::encode_link(&s);
        let back = kubeplay::scenario::decode_link(&again).expect("a re-encoded link decodes");
        assert_eq!(back, s, "decode(encode(s)) == s");
        // The page replays what a link carries: the first steps must run too.
        let mut w = World::new(s.seed);
        for step in s.steps.iter().take(16) {
            let _ = w.run(step);
        }
        still_answers(&mut w);
    }
}
