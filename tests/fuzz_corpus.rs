//! Replays the committed fuzz corpora (fuzz/corpus/<target>/*) on stable, through the
//! very functions the cargo-fuzz targets run (fuzz/harness.rs), so every input a
//! fuzzer ever kept (or crashed on, once fixed and added) stays a regression test.
//! Fuzzing itself needs nightly: `make fuzz TARGET=apply_manifest` (see the Makefile).

use std::path::{Path, PathBuf};

include!("../fuzz/harness.rs");

fn corpus(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no corpus in {}", dir.display());
    files
}

fn replay(target: &str, run: fn(&[u8])) {
    for path in corpus(target) {
        let data = std::fs::read(&path).unwrap();
        let name = path.display().to_string();
        if let Err(e) = std::panic::catch_unwind(|| run(&data)) {
            std::panic::resume_unwind(Box::new(format!("{name}: {e:?}")));
        }
    }
}

#[test]
fn apply_manifest_corpus() {
    replay("apply_manifest", apply_manifest);
}

#[test]
fn run_command_corpus() {
    replay("run_command", run_command);
}

#[test]
fn decode_link_corpus() {
    replay("decode_link", decode_link);
}

/// Writes the decode_link seeds: real links from `encode_link` plus damaged ones.
/// `cargo test --test fuzz_corpus -- --ignored write_decode_link_seeds`
#[test]
#[ignore]
fn write_decode_link_seeds() {
    use kubeplay::scenario::{encode_link, Scenario, Setting, TrafficSource};
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/decode_link");
    std::fs::create_dir_all(&dir).unwrap();
    let mut links = Vec::new();
    let mut s = Scenario::new(1);
    links.push(encode_link(&s));
    s.push(Step::Apply {
        text: BASE_APP.to_string(),
    });
    s.push(Step::Advance { ms: 30_000 });
    links.push(encode_link(&s));
    s.push(Step::Command {
        line: "kubectl get pods -o wide".into(),
    });
    s.push(Step::Scale {
        namespace: "default".into(),
        name: "web".into(),
        replicas: 5,
    });
    s.push(Step::KillPod {
        namespace: "default".into(),
        name: "client".into(),
    });
    s.push(Step::Setting(Setting::LoadBalancerController(true)));
    s.push(Step::SendTraffic {
        from: TrafficSource::Outside,
        namespace: "default".into(),
        service: "web".into(),
        count: 100,
    });
    s.push(Step::SendTraffic {
        from: TrafficSource::Pod {
            namespace: "default".into(),
            name: "client".into(),
        },
        namespace: "default".into(),
        service: "web".into(),
        count: 10,
    });
    s.editor = Some("<script>alert(1)</script>".into());
    links.push(encode_link(&s));
    s.lesson = Some("clusterip".into());
    let full = encode_link(&s);
    links.push(full.clone());
    links.push(format!("https://example.invalid/#{full}"));
    links.push(full[..full.len() / 2].to_string());
    links.push(full.replacen('A', "B", 1));
    links.push(format!("{full}=="));
    links.push("s9.AAAA".into());
    links.push("#s1.".into());
    links.push("s1.!!!!".into());
    links.push(String::new());
    for (i, l) in links.iter().enumerate() {
        std::fs::write(dir.join(format!("seed-{i:02}")), l).unwrap();
    }
}
