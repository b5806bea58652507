//! Output writers against files produced by kubectl.1.33 (tests/data/manifest/README.md).

use super::output::{to_json, to_yaml};

fn check(json: &str, yaml: &str) {
    let v: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
    assert_eq!(to_json(&v), json);
    let got = to_yaml(&v);
    if got != yaml {
        for (i, (a, b)) in got.lines().zip(yaml.lines()).enumerate() {
            assert_eq!(a, b, "line {}", i + 1);
        }
        assert_eq!(got, yaml);
    }
}

#[test]
fn deployment_matches_kubectl() {
    check(
        include_str!("../../tests/data/manifest/deploy.json"),
        include_str!("../../tests/data/manifest/deploy.yaml"),
    );
}

#[test]
fn service_matches_kubectl() {
    check(
        include_str!("../../tests/data/manifest/svc.json"),
        include_str!("../../tests/data/manifest/svc.yaml"),
    );
}

#[test]
fn string_styles_match_kubectl() {
    check(
        include_str!("../../tests/data/manifest/strings.json"),
        include_str!("../../tests/data/manifest/strings.yaml"),
    );
}
