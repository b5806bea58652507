//! `replay FILE...`: runs transcript files against a fresh simulated cluster each,
//! prints a diff for every mismatch, and ends with `N passed, N failed`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let files: Vec<String> = std::env::args().skip(1).collect();
    if files.is_empty() {
        eprintln!("usage: replay FILE...");
        return ExitCode::from(2);
    }
    let (mut passed, mut failed) = (0, 0);
    for f in &files {
        let text = match std::fs::read(f) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) => {
                println!("FAIL {f}: {e}");
                failed += 1;
                continue;
            }
        };
        let result = kubeplay::scenario::run_transcript(&text);
        if result.passed {
            println!("ok   {f}");
            passed += 1;
        } else {
            println!("FAIL {f}\n{}", result.report);
            failed += 1;
        }
    }
    println!("{passed} passed, {failed} failed");
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
