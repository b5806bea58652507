//! Tests for `parse`; expected strings come from REFERENCE.md or kubectl.1.33 (named per case).

use super::*;

fn unescape(s: &str) -> String {
    s.replace("\\n", "\n").replace("\\t", "\t")
}

fn last_error(docs: &[Document]) -> String {
    match docs.last().map(|d| &d.result) {
        Some(Err(DocError::Syntax { message, .. }))
        | Some(Err(DocError::Client { message, .. })) => message.clone(),
        other => format!("no syntax/client error: {other:?}"),
    }
}

/// Every case in tests/data/manifest/yaml_errors.txt (stderr of kubectl.1.33).
#[test]
fn yaml_and_json_errors_match_kubectl() {
    let data = include_str!("../../tests/data/manifest/yaml_errors.txt");
    let mut failures = Vec::new();
    let mut n = 0;
    for block in data.split("### input\n").skip(1) {
        let Some((input, expect)) = block.split_once("### expect\n") else {
            continue;
        };
        let input = unescape(input.trim_end_matches('\n'));
        let expect = expect.trim_end_matches('\n');
        let got = last_error(&parse(&input, "STDIN"));
        n += 1;
        if got != expect {
            failures.push(format!("input {input:?}\n  want {expect}\n  got  {got}"));
        }
    }
    assert!(n >= 20);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

const SVC: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n";

#[test]
fn documents_before_a_syntax_error_are_returned_with_absolute_lines() {
    let text = format!("{SVC}---\n{SVC}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  - x\n---\n{SVC}");
    let docs = parse(&text, "STDIN");
    assert_eq!(docs.len(), 3);
    assert_eq!(docs[0].start_line, 1);
    assert_eq!(docs[1].start_line, 11);
    assert!(docs[0].result.is_ok() && docs[1].result.is_ok());
    match &docs[2].result {
        Err(DocError::Syntax { message, line }) => {
            // kubectl counts from the broken document (REFERENCE.md section 10).
            assert_eq!(
                message,
                "error: error parsing STDIN: error converting YAML to JSON: yaml: line 4: did not find expected key"
            );
            assert_eq!(*line, Some(25));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn lists_json_streams_and_empty_documents() {
    let list = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata:\n    name: a\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: b\n";
    let docs = parse(&format!("---\n# nothing\n---\n{list}---\n"), "STDIN");
    let kinds: Vec<&str> = docs
        .iter()
        .map(|d| d.result.as_ref().map(|o| o.kind()).unwrap_or("err"))
        .collect();
    assert_eq!(kinds, ["Service", "Pod"]);
    let json = "{\"kind\": \"Service\", \"apiVersion\": \"v1\", \"metadata\": {\"name\": \"a\"}}\n{\"kind\": \"ConfigMap\", \"apiVersion\": \"v1\", \"metadata\": {\"name\": \"b\"}, \"data\": {\"x\": \"1\"}}";
    let docs = parse(json, "STDIN");
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[1].start_line, 2);
    assert!(matches!(&docs[1].result, Ok(Object::Generic(g)) if g.kind.kind == "ConfigMap"));
}

#[test]
fn duplicate_keys_keep_the_last_value() {
    // kubectl.1.33 `label --local -f -` prints `name: b` for this input.
    let docs = parse("apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  name: b\nspec:\n  ports:\n  - port: 80\n", "STDIN");
    assert_eq!(
        docs[0].result.as_ref().map(|o| o.name().to_string()),
        Ok("b".to_string())
    );
}

#[test]
fn plain_yes_no_on_off_are_yaml_1_1_booleans() {
    // kubectl.1.33 `apply -f -`: `publishNotReadyAddresses: on` / `off` decode as booleans,
    // a label value `yes` fails with "cannot unmarshal bool ... labels of type string".
    for (word, want) in [
        ("on", true),
        ("yes", true),
        ("Y", true),
        ("off", false),
        ("No", false),
    ] {
        let text = format!("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  publishNotReadyAddresses: {word}\n  ports:\n  - port: 80\n");
        let docs = parse(&text, "STDIN");
        match docs.first().map(|d| &d.result) {
            Some(Ok(crate::api::Object::Service(s))) => assert_eq!(
                s.spec.as_ref().and_then(|s| s.publish_not_ready_addresses),
                Some(want),
                "{word}"
            ),
            other => panic!("{word}: {other:?}"),
        }
    }
    let docs = parse("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels:\n    enabled: yes\nspec:\n  ports:\n  - port: 80\n", "STDIN");
    assert_eq!(
        last_error(&docs),
        "error: unable to decode \"STDIN\": json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.labels of type string"
    );
    // Quoted, they stay strings.
    let docs = parse("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  labels:\n    a: \"yes\"\n    b: 'off'\nspec:\n  ports:\n  - port: 80\n", "STDIN");
    assert!(docs[0].result.is_ok(), "{docs:?}");
}

#[test]
fn unknown_kind_and_missing_kind() {
    // REFERENCE.md section 1.
    let docs = parse(
        "apiVersion: v1\nkind: Servce\nmetadata:\n  name: web\n",
        "STDIN",
    );
    assert_eq!(last_error(&docs), "error: resource mapping not found for name: \"web\" namespace: \"\" from \"STDIN\": no matches for kind \"Servce\" in version \"v1\"\nensure CRDs are installed first");
    let docs = parse(
        "apiVersion: v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: dev\n",
        "STDIN",
    );
    assert_eq!(last_error(&docs), "error: resource mapping not found for name: \"web\" namespace: \"dev\" from \"STDIN\": no matches for kind \"Deployment\" in version \"v1\"\nensure CRDs are installed first");
    // The decoder's error; commands that validate word it as validation does
    // (kubectl.1.33 delete -f and apply -f).
    let docs = parse("apiVersion: v1\nmetadata:\n  name: web\n", "STDIN");
    assert_eq!(last_error(&docs), "error: unable to decode \"STDIN\": Object 'Kind' is missing in '{\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"web\"}}'");
    assert_eq!(validated(last_error(&docs), "STDIN"), "error: error validating \"STDIN\": error validating data: kind not set; if you choose to ignore these errors, turn validation off with --validate=false");
    let docs = parse("kind: Service\nmetadata:\n  name: web\n", "STDIN");
    assert_eq!(last_error(&docs), "error: error validating \"STDIN\": error validating data: apiVersion not set; if you choose to ignore these errors, turn validation off with --validate=false");
}

#[test]
fn unknown_fields_give_the_strict_decoding_error() {
    let docs = parse("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 80\n    targetport: 8080\n", "STDIN");
    let Some(Err(DocError::UnknownFields { fields, object, .. })) = docs.first().map(|d| &d.result)
    else {
        panic!("{docs:?}");
    };
    assert_eq!(object.name(), "web");
    // REFERENCE.md section 1.
    assert_eq!(
        strict_decoding_message("Service", "v1", fields),
        "Service in version \"v1\" cannot be handled as a Service: strict decoding error: unknown field \"spec.ports[0].targetport\""
    );
    assert_eq!(
        strict_decoding_message("Deployment", "apps/v1", &["spec.replica".into(), "spec.foo".into()]),
        "Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.replica\", unknown field \"spec.foo\""
    );
}

#[test]
fn wrong_types_give_go_json_errors() {
    let docs = parse("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: \"80\"\n", "STDIN");
    match docs.first().map(|d| &d.result) {
        Some(Err(DocError::Decode { message, name, .. })) => {
            assert_eq!(name, "web");
            // Format from the task brief (API server json error) [not run against a server].
            assert_eq!(message, "Service in version \"v1\" cannot be handled as a Service: json: cannot unmarshal string into Go struct field ServicePort.spec.ports.port of type int32");
        }
        other => panic!("{other:?}"),
    }
    // IntOrString accepts both.
    let docs = parse("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 80\n    targetPort: \"8080\"\n", "STDIN");
    assert!(docs[0].result.is_ok(), "{docs:?}");
}

#[test]
fn missing_required_fields_reach_validation() {
    let docs = parse("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - image: nginx\n", "STDIN");
    assert!(docs[0].result.is_ok(), "{docs:?}");
}

#[test]
fn limits_and_hostile_input_never_panic() {
    let big = "a".repeat(MAX_TEXT_BYTES + 1);
    let docs = parse(&big, "STDIN");
    assert_eq!(docs.len(), 1);
    assert!(matches!(&docs[0].result, Err(DocError::Client { .. })));
    let many =
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n".repeat(MAX_DOCUMENTS + 1);
    let docs = parse(&many, "STDIN");
    assert_eq!(docs.len(), 1);
    assert!(matches!(&docs[0].result, Err(DocError::Client { .. })));
    let items =
        "- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n".repeat(MAX_DOCUMENTS + 1);
    let docs = parse(
        &format!("apiVersion: v1\nkind: List\nitems:\n{items}"),
        "STDIN",
    );
    assert_eq!(docs.len(), 1);
    // Billion laughs.
    let bomb = "a: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\ni: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n";
    let docs = parse(bomb, "STDIN");
    assert!(
        matches!(
            &docs.last().map(|d| &d.result),
            Some(Err(DocError::Syntax { .. }))
        ),
        "{docs:?}"
    );
    for depth in [100, 200, 5000] {
        let nested = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
        let _ = parse(&format!("a: {nested}\n"), "STDIN");
        let nested = format!("{}1{}", "{\"a\":".repeat(depth), "}".repeat(depth));
        let _ = parse(&nested, "STDIN");
    }
    for s in [
        "\0",
        "a: \0\n",
        "\u{feff}kind: x",
        "\u{fffd}\u{fffd}: [",
        "---",
        "...",
        "- - - -",
        "{",
        "}",
        "[",
        ":",
        "? a\n: b",
        "!!binary zz",
        "%YAML 1.1\n---\na: 1",
        "a: !custom x\n",
        "apiVersion: v1\nkind: Service\nmetadata: []\n",
        "apiVersion: v1\nkind: Service\nspec: 5\n",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  ports: {a: 1}\n",
    ] {
        let _ = parse(s, "STDIN");
    }
}
