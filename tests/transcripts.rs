//! Every `tests/transcripts/*.txt` is one test: replayed against a fresh cluster,
//! each command's output must match what a real v1.33 cluster prints.

use std::path::Path;

fn run(name: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/transcripts")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let result = kubeplay::scenario::run_transcript(&text);
    assert!(result.passed, "{name}\n{}", result.report);
}

/// Files not yet listed below still run, here, so a new transcript is never skipped.
#[test]
fn unlisted_transcripts() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/transcripts");
    let listed = include_str!("transcripts.rs");
    let mut failures = String::new();
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("transcripts dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".txt") && !listed.contains(&format!("\"{n}\"")))
        .collect();
    names.sort();
    for name in names {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/transcripts")
            .join(&name);
        let text = std::fs::read_to_string(&path).expect("readable transcript");
        let result = kubeplay::scenario::run_transcript(&text);
        if !result.passed {
            failures.push_str(&format!("{name}\n{}\n", result.report));
        }
    }
    assert!(failures.is_empty(), "{failures}");
}

macro_rules! transcripts {
    ($($test:ident => $file:expr,)*) => {$(
        #[test]
        fn $test() {
            run($file);
        }
    )*};
}

transcripts! {
    t01_clusterip_basics => "01-clusterip-basics.txt",
    t02_dns_and_wget_from_pod => "02-dns-and-wget-from-pod.txt",
}
