//! Hostile-input catalogue (issue 8): what strangers paste into the editor, type into
//! the terminal or put into a share link. Every case asserts a clear, kubectl-style
//! error (or the behaviour a real cluster shows) AND an intact cluster: the default
//! cluster's objects are all still there and a later ordinary apply still works.
//! Everything goes through `World`, the one way in the page uses too.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use kubeplay::cluster::Key;
use kubeplay::scenario::{Step, StepResult, World};

/// Generous: a debug build on a busy 2-core machine. A hang shows up as minutes.
const SLOW: Duration = Duration::from_secs(30);
/// For a step that creates or deletes the store's limit of objects (~20,000 pods): a
/// few seconds in a release build, a minute or more in a debug build.
const HEAVY: Duration = Duration::from_secs(300);

struct Case {
    world: World,
    baseline: BTreeSet<Key>,
    limit: Duration,
}

impl Case {
    fn new() -> Case {
        let world = World::new(1);
        let baseline = world.cluster.store.all().map(Key::of).collect();
        Case {
            world,
            baseline,
            limit: SLOW,
        }
    }

    /// A case whose steps move thousands of objects.
    fn heavy() -> Case {
        Case {
            limit: HEAVY,
            ..Case::new()
        }
    }

    fn apply(&mut self, text: impl Into<String>) -> StepResult {
        let text = text.into();
        let start = Instant::now();
        let r = self.world.run(&Step::Apply { text });
        assert!(
            start.elapsed() < self.limit,
            "apply took {:?}",
            start.elapsed()
        );
        r
    }

    fn command(&mut self, line: &str) -> StepResult {
        let start = Instant::now();
        let r = self.world.command(line);
        assert!(
            start.elapsed() < self.limit,
            "`{}` took {:?}",
            short(line),
            start.elapsed()
        );
        r
    }

    /// Applies `text` and expects a failure whose output contains `needle`.
    fn rejects(&mut self, text: impl Into<String>, needle: &str) -> String {
        let r = self.apply(text);
        let out = r.output.combined();
        assert_ne!(r.code, 0, "expected an error, got: {}", short(&out));
        assert!(
            out.contains(needle),
            "expected {needle:?} in: {}",
            short(&out)
        );
        out
    }

    /// Every object of the default cluster is still there; the clock still runs; an
    /// ordinary apply and kubectl still work.
    fn assert_intact(&mut self) {
        for key in &self.baseline {
            assert!(
                self.world.cluster.store.get(key).is_some(),
                "default object {key:?} is gone"
            );
        }
        self.world.run(&Step::Advance { ms: 5_000 });
        let r = self.apply(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: still-works\ndata:\n  a: b\n",
        );
        let out = r.output.combined();
        assert_eq!(
            r.code,
            0,
            "a normal apply fails afterwards: {}",
            short(&out)
        );
        assert!(
            out.contains("configmap/still-works created")
                || out.contains("configmap/still-works unchanged"),
            "{out}"
        );
        let r = self.command("kubectl get svc kubernetes -o name");
        assert_eq!(r.output.combined(), "service/kubernetes\n");
        let r = self.command("kubectl get pods -n kube-system --no-headers | wc -l");
        assert_ne!(r.output.stdout_text().trim(), "0");
    }
}

fn short(s: &str) -> String {
    if s.len() <= 400 {
        s.to_string()
    } else {
        let mut cut = 400;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        format!("{}... ({} bytes)", &s[..cut], s.len())
    }
}

const CM: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n";

fn deployment(extra_spec: &str, pod_spec: &str) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n{extra_spec}  selector:\n    matchLabels:\n      app: d\n  template:\n    metadata:\n      labels:\n        app: d\n    spec:\n{pod_spec}      containers:\n      - name: c\n        image: nginx\n"
    )
}

fn pod_with_probe(field: &str, value: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx\n    readinessProbe:\n      httpGet:\n        port: 80\n      {field}: {value}\n"
    )
}

fn service(port: &str, target: &str, node_port: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  type: NodePort\n  selector:\n    app: x\n  ports:\n  - port: {port}\n    targetPort: {target}\n    nodePort: {node_port}\n"
    )
}

// ---------- YAML structure ----------

#[test]
fn billion_laughs_alias_bomb() {
    let mut c = Case::new();
    let mut bomb = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for (prev, name) in ["a", "b", "c", "d", "e", "f", "g", "h"]
        .iter()
        .zip(["b", "c", "d", "e", "f", "g", "h", "i"])
    {
        let refs = vec![format!("*{prev}"); 9].join(",");
        bomb.push_str(&format!("{name}: &{name} [{refs}]\n"));
    }
    c.rejects(
        bomb.clone(),
        "error: error parsing STDIN: error converting YAML to JSON: yaml: ",
    );
    // The same bomb inside a real object.
    let inside = format!("{CM}data:\n  {}", bomb.replace('\n', "\n  "));
    c.rejects(inside, "error parsing STDIN");
    c.assert_intact();
}

#[test]
fn nesting_100_levels_block_flow_and_json() {
    let mut c = Case::new();
    let mut block = format!("{CM}  annotations:\n");
    for i in 0..100 {
        block.push_str(&"  ".repeat(i + 2));
        block.push_str("a:\n");
    }
    c.rejects(
        block,
        "json: cannot unmarshal object into Go struct field ObjectMeta.metadata.annotations of type string",
    );
    let flow = format!("{}{}", "[".repeat(100), "]".repeat(100));
    c.rejects(flow.clone(), "invalid object to validate");
    let flow_in_svc = format!(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n  - port: 80\n  selector: {}x{}\n",
        "{a: ".repeat(100),
        "}".repeat(100)
    );
    c.rejects(
        flow_in_svc,
        "json: cannot unmarshal object into Go struct field ServiceSpec.spec.selector of type string",
    );
    // 100 levels in an unknown field of a JSON object: strict decoding names the field.
    let json = format!(
        "{{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{{\"name\":\"deep\"}},\"x\":{}1{}}}",
        "{\"a\":".repeat(100),
        "}".repeat(100)
    );
    let r = c.apply(json);
    assert!(r.output.combined().contains("configmap/deep"), "{:?}", r);
    // 10,000 levels: a clear error instead of a stack overflow.
    let deep = format!("{CM}data: {}x{}\n", "[".repeat(10_000), "]".repeat(10_000));
    c.rejects(deep, "error");
    let deep_json = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    c.rejects(deep_json, "error");
    // A JSON patch body goes through Go's scanner first: 200,000 levels get its
    // "exceeded max depth", not a stack overflow.
    let deep_patch = format!(
        "kubectl patch svc kubernetes -p '{{\"a\":{}'",
        "[".repeat(200_000)
    );
    let r = c.command(&deep_patch);
    assert_ne!(r.code, 0);
    assert!(
        r.output.combined().contains("exceeded max depth"),
        "{}",
        short(&r.output.combined())
    );
    c.assert_intact();
}

#[test]
fn five_megabyte_paste() {
    let mut c = Case::new();
    c.rejects(
        "a".repeat(5 << 20),
        "error: the input is 5242880 bytes; the playground accepts at most 1 MiB (1048576 bytes) per apply",
    );
    let mut big = format!("{CM}data:\n  big: \"");
    big.push_str(&"x".repeat(5 << 20));
    big.push_str("\"\n");
    c.rejects(big, "the playground accepts at most 1 MiB");
    c.assert_intact();
}

#[test]
fn ten_thousand_documents() {
    let mut c = Case::new();
    let mut docs = String::new();
    for i in 0..10_000 {
        docs.push_str(&format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{i}\n---\n"
        ));
    }
    c.rejects(
        docs,
        "error: the input has more than 2000 documents; the playground accepts at most 2000 per apply",
    );
    // Nothing of the rejected input was created.
    assert!(c.world.cluster.get("ConfigMap", "default", "c0").is_none());
    // 10,000 empty documents are no documents, as with kubectl ("no objects passed to apply").
    let r = c.apply("---\n".repeat(10_000));
    assert!(r.output.combined().len() < 200, "{:?}", r);
    // A kind: List with 10,000 items counts its items.
    let mut list = String::from("apiVersion: v1\nkind: List\nitems:\n");
    for i in 0..10_000 {
        list.push_str(&format!(
            "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: l{i}\n"
        ));
    }
    c.rejects(list, "more than 2000 documents");
    c.assert_intact();
}

#[test]
fn binary_and_invalid_utf8() {
    let mut c = Case::new();
    // What the page does with a binary file dropped into the editor.
    let bytes: Vec<u8> = (0..65_536u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    c.rejects(
        text,
        "error: error parsing STDIN: error converting YAML to JSON: yaml: ",
    );
    let invalid = String::from_utf8_lossy(
        b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \xff\xfe\xc3\x28\n",
    )
    .into_owned();
    c.rejects(invalid, "is invalid: metadata.name: Invalid value");
    // A BOM-only document, lone continuation bytes, and a PNG header.
    let png = String::from_utf8_lossy(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR").into_owned();
    c.rejects(png, "error");
    c.assert_intact();
}

#[test]
fn nul_bytes() {
    let mut c = Case::new();
    c.rejects(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\0b\n",
        "yaml: control characters are not allowed",
    );
    c.rejects(
        "\0".repeat(1000),
        "yaml: control characters are not allowed",
    );
    c.rejects(
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\0\"}}",
        "error",
    );
    // NUL in a quoted YAML escape reaches validation.
    c.rejects(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \"a\\0b\"\n",
        "metadata.name: Invalid value",
    );
    c.assert_intact();
}

// ---------- names, labels, HTML ----------

#[test]
fn very_long_names_and_labels() {
    let mut c = Case::new();
    let long = "a".repeat(300);
    c.rejects(
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {long}\n"),
        "metadata.name: Invalid value: \"aaaa",
    );
    let out = c.rejects(
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n  labels:\n    {long}: {long}\n"),
        "name part must be no more than 63 characters",
    );
    assert!(out.contains("must be no more than 63 characters"), "{out}");
    // A Service name is a DNS label: 64 characters are one too many.
    let out = c.rejects(
        format!(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: {}\nspec:\n  ports:\n  - port: 80\n",
            "s".repeat(64)
        ),
        "must be no more than 63 characters",
    );
    assert!(out.contains("The Service \"ssss"), "{out}");
    // A 1 MB-ish name and a label value of 100 KB.
    c.rejects(
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {}\n",
            "n".repeat(900_000)
        ),
        "metadata.name: Invalid value",
    );
    c.rejects(
        format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n  labels:\n    a: {}\n",
            "v".repeat(100_000)
        ),
        "must be no more than 63 characters",
    );
    // kubectl with long names and selectors.
    let r = c.command(&format!("kubectl get pod {}", "p".repeat(10_000)));
    assert_ne!(r.code, 0);
    assert!(
        r.output.combined().contains("not found"),
        "{}",
        short(&r.output.combined())
    );
    let r = c.command(&format!(
        "kubectl get pods -l {}={}",
        "k".repeat(300),
        "v".repeat(300)
    ));
    assert!(!r.output.combined().is_empty());
    let r = c.command(&format!(
        "kubectl create deployment {} --image=nginx",
        "d".repeat(300)
    ));
    assert_ne!(r.code, 0, "{}", short(&r.output.combined()));
    c.assert_intact();
}

#[test]
fn names_with_html_and_script() {
    let mut c = Case::new();
    let out = c.rejects(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \"<script>alert(1)</script>\"\n",
        "metadata.name: Invalid value: \"<script>alert(1)</script>\": a lowercase RFC 1123 subdomain",
    );
    assert!(
        out.starts_with("The ConfigMap \"<script>alert(1)</script>\" is invalid"),
        "{out}"
    );
    c.rejects(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n  labels:\n    \"<img src=x onerror=alert(1)>\": x\n",
        "metadata.labels: Invalid value",
    );
    // Label values, annotations and data may hold HTML: they are just text.
    let r = c.apply("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: html\n  annotations:\n    a: \"<script>alert(1)</script>\"\ndata:\n  x: \"</textarea><script>alert(1)</script>\"\n");
    assert_eq!(r.code, 0, "{:?}", r);
    let r = c.command("kubectl get configmap html -o jsonpath='{.data.x}'");
    assert_eq!(r.output.combined(), "</textarea><script>alert(1)</script>");
    let r = c.command("kubectl get pod '<script>'");
    assert!(r.output.combined().contains("not found"), "{:?}", r);
    c.assert_intact();
}

// ---------- numbers ----------

#[test]
fn replicas_negative_huge_and_not_integers() {
    let mut c = Case::new();
    c.rejects(
        deployment("  replicas: -1\n", ""),
        "The Deployment \"d\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0",
    );
    for v in [
        "2147483648",
        "99999999999",
        "1e300",
        "1.5",
        "\"3\"",
        "-9223372036854775809",
    ] {
        c.rejects(
            deployment(&format!("  replicas: {v}\n"), ""),
            "cannot be handled as a Deployment: json: cannot unmarshal",
        );
    }
    c.assert_intact();
}

// The playground creates the pods, bounded by MAX_OBJECTS: no panic, no unbounded
// growth, and scaling back down deletes ~20,000 pods in linear time (events about the
// ReplicaSet are rate-limited as client-go's spam filter does, so finding a repeat
// does not scan thousands of them).
#[test]
fn replicas_int32_max_is_accepted_and_bounded() {
    let mut c = Case::heavy();
    // A real API server accepts 2147483647 replicas; the playground must neither overflow
    // nor create pods without bound.
    let r = c.apply(deployment("  replicas: 2147483647\n", ""));
    assert_eq!(r.code, 0, "{:?}", r);
    c.world.run(&Step::Advance { ms: 60_000 });
    assert!(c.world.cluster.store.len() <= kubeplay::cluster::store::MAX_OBJECTS + 100);
    let r = c.command("kubectl scale deployment d --replicas=2147483647");
    assert_eq!(r.code, 0, "{:?}", r);
    let r = c.command("kubectl scale deployment d --replicas=1");
    assert_eq!(r.output.combined(), "deployment.apps/d scaled\n");
    c.world.run(&Step::Advance { ms: 60_000 });
    let r = c.command("kubectl get deployment d -o jsonpath='{.spec.replicas}'");
    assert_eq!(r.output.combined(), "1");
    // Scale arguments that are not int32.
    for v in ["-1", "2147483648", "abc", "99999999999999999999"] {
        let r = c.command(&format!("kubectl scale deployment d --replicas={v}"));
        assert_ne!(r.code, 0, "--replicas={v}: {:?}", r);
    }
    c.assert_intact();
}

#[test]
fn grace_periods_and_probe_periods() {
    let mut c = Case::new();
    // Negative grace periods are accepted by the API server (pods get 1 s).
    let r = c.apply(deployment(
        "",
        "      terminationGracePeriodSeconds: -9223372036854775808\n",
    ));
    assert_eq!(r.code, 0, "{:?}", r);
    c.world.run(&Step::Advance { ms: 10_000 });
    let r = c.command("kubectl delete deployment d");
    assert_eq!(r.code, 0, "{:?}", r);
    for v in ["9223372036854775808", "18446744073709551616", "1e30"] {
        c.rejects(
            deployment("", &format!("      terminationGracePeriodSeconds: {v}\n")),
            "cannot unmarshal",
        );
    }
    // The largest int64 grace period is valid: deleting a pod must not overflow the clock.
    let r = c.apply(deployment(
        "  replicas: 2\n",
        "      terminationGracePeriodSeconds: 9223372036854775807\n",
    ));
    assert_eq!(r.code, 0, "{:?}", r);
    c.world.run(&Step::Advance { ms: 10_000 });
    let r = c.command("kubectl delete pods -l app=d --wait=false");
    assert_eq!(r.code, 0, "{:?}", r);
    c.world.run(&Step::Advance { ms: 10_000 });
    let r = c.command("kubectl get pods -l app=d");
    assert_eq!(r.code, 0, "{:?}", r);
    let r = c.command("kubectl delete deployment d --grace-period=9223372036854775807");
    assert!(
        r.code == 0 || r.output.combined().contains("error"),
        "{:?}",
        r
    );
    let r = c.command("kubectl delete pods --all --grace-period=-5 --wait=false");
    assert!(!r.output.combined().is_empty());
    for field in [
        "periodSeconds",
        "timeoutSeconds",
        "initialDelaySeconds",
        "failureThreshold",
        "successThreshold",
    ] {
        // Known gap: the API server rejects negative probe fields ("must be greater than
        // or equal to 0"); the playground does not validate probes yet. It must not break.
        c.command("kubectl delete pod p --grace-period=0 --force");
        let _ = c.apply(pod_with_probe(field, "-1"));
        c.world.run(&Step::Advance { ms: 30_000 });
        c.rejects(
            pod_with_probe(field, "2147483648"),
            "cannot unmarshal number",
        );
        c.rejects(pod_with_probe(field, "\"10\""), "cannot unmarshal string");
    }
    // int32 max period and delay: valid, the pod starts, the clock goes on.
    for field in ["periodSeconds", "timeoutSeconds", "initialDelaySeconds"] {
        c.command("kubectl delete pod p --grace-period=0 --force");
        let r = c.apply(pod_with_probe(field, "2147483647"));
        assert_eq!(r.code, 0, "{field}: {:?}", r);
        c.world.run(&Step::Advance { ms: 30_000 });
        let r = c.command("sleep 1d");
        assert_eq!(r.code, 0);
    }
    c.assert_intact();
}

#[test]
fn ports_negative_huge_and_strings() {
    let mut c = Case::new();
    for v in ["-1", "0", "65536"] {
        let out = c.rejects(service(v, "80", "30080"), "The Service \"s\" is invalid");
        assert!(out.contains("spec.ports[0].port: Invalid value"), "{out}");
    }
    for v in [
        "2147483648",
        "99999999999",
        "\"80\"",
        "\"http\"",
        "1.5",
        "-9223372036854775809",
    ] {
        c.rejects(
            service(v, "80", "30080"),
            "Service in version \"v1\" cannot be handled as a Service: json: cannot unmarshal",
        );
    }
    // (`targetPort: ""` is valid: it defaults to the port.)
    for v in ["-1", "70000", "2147483647", "\"-a-\"", "\"0\""] {
        c.rejects(service("80", v, "30080"), "targetPort");
    }
    for v in ["-1", "1", "65536", "2147483647"] {
        c.rejects(service("80", "80", v), "nodePort");
    }
    for v in ["\"30080\"", "2147483648"] {
        c.rejects(service("80", "80", v), "cannot unmarshal");
    }
    // containerPort / hostPort.
    for v in ["-1", "0", "65536", "2147483647"] {
        c.rejects(
            format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx\n    ports:\n    - containerPort: {v}\n"),
            "containerPort",
        );
    }
    c.rejects(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx\n    ports:\n    - containerPort: \"80\"\n",
        "cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32",
    );
    // kubectl flags that take ports.
    for line in [
        "kubectl create service clusterip x --tcp=99999999:80",
        "kubectl create service nodeport x --tcp=80:80 --node-port=-1",
        "kubectl expose deployment nope --port=-1",
        "kubectl port-forward svc/kubernetes 99999999:443",
    ] {
        let r = c.command(line);
        assert_ne!(r.code, 0, "{line}: {:?}", r);
        assert!(!r.output.stderr_text().is_empty(), "{line}: {:?}", r);
    }
    c.assert_intact();
}

// ---------- empty and duplicate ----------

#[test]
fn empty_documents() {
    let mut c = Case::new();
    for text in [
        "",
        "\n",
        "---",
        "---\n---\n",
        "# only a comment\n",
        "   \n\t\n",
        "null",
        "~",
        "{}",
    ] {
        let r = c.apply(text);
        let out = r.output.combined();
        assert!(out.len() < 300, "{text:?}: {out}");
        // "{}" is an object without kind: kubectl's error.
        if text == "{}" {
            assert!(
                out.contains("apiVersion not set") || out.contains("kind not set"),
                "{out}"
            );
        }
    }
    c.rejects("---\napiVersion: v1\n---\n", "kind not set");
    c.rejects("[]", "error");
    c.rejects("- a\n- b\n", "error");
    c.rejects("\"just a string\"", "error");
    c.assert_intact();
}

#[test]
fn duplicate_keys() {
    let mut c = Case::new();
    // go-yaml v2 (non-strict, as kubectl uses it) keeps the last value of a duplicated
    // key: verified with kubectl.1.33 `label --local -f -` (`name: a` / `name: b` -> b).
    let r = c.apply("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n");
    assert_eq!(r.output.combined(), "configmap/b created\n");
    let r = c.apply("apiVersion: v1\nkind: ConfigMap\nkind: Secret\nmetadata:\n  name: a\n");
    assert_eq!(r.output.combined(), "secret/a created\n");
    // JSON with duplicate keys: Go's decoder keeps the last one.
    let r = c.apply("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\",\"name\":\"dup\"}}");
    let out = r.output.combined();
    assert!(
        out.contains("configmap/dup created") || r.code != 0,
        "{out}"
    );
    c.assert_intact();
}

// ---------- command lines ----------

#[test]
fn hostile_command_lines() {
    let mut c = Case::new();
    let cases: Vec<(String, &str)> = vec![
        (
            format!("echo {}x{}", "$(echo ".repeat(200), ")".repeat(200)),
            "",
        ),
        (
            format!("echo {}x{}", "$( ".repeat(5000), ")".repeat(5000)),
            "",
        ),
        (format!("echo {}", "`echo ".repeat(100)), ""),
        (
            format!("{}echo x{}", "( ".repeat(5000), ")".repeat(5000)),
            "",
        ),
        ("{ ".repeat(5000), ""),
        (
            "for i in $(seq 1 100000); do echo $i; done | wc -l".into(),
            "too many",
        ),
        ("while true; do :; done".into(), ""),
        ("seq 1 100000000 | wc -l".into(), ""),
        ("echo 'abc".into(), "unexpected EOF"),
        ("echo \"abc $(".into(), ""),
        ("cat <<EOF\nnever ends".into(), ""),
        ("f() { f; }; f".into(), ""),
        ("x=$(printf '%0100000d' 0); echo ${#x}".into(), ""),
        ("yes | head -n 5".into(), ""),
        (
            "echo $((1/0)) $((9223372036854775807+1)) $((-9223372036854775807-1 / -1))".into(),
            "",
        ),
        (
            "echo $(( 1 << 64 )) $(( 2 ** 63 )) $(( 2 ** -1 ))".into(),
            "",
        ),
        ("sleep 99999999".into(), ""),
        ("sleep 1e308 inf nan -1".into(), ""),
        ("kubectl get pods --watch".into(), ""),
        (
            "kubectl wait --for=condition=Ready pod/nope --timeout=99999999h".into(),
            "",
        ),
        ("kubectl logs -f nope".into(), ""),
        (
            "kubectl get pods -o jsonpath='{range .items[*]}{range .items[*]}{end}{end}'".into(),
            "",
        ),
        ("kubectl get pods -o jsonpath='{..}'".into(), ""),
        ("kubectl get pods -o 'custom-columns=A:{{{{{{{'".into(), ""),
        ("kubectl get pods --sort-by='{[[[[['".into(), ""),
        ("kubectl get pods -l 'a in (((('".into(), ""),
        ("kubectl get pods --field-selector='a!=!=!='".into(), ""),
    ];
    for (line, needle) in cases {
        let r = c.command(&line);
        let out = r.output.combined();
        assert!(
            out.contains(needle),
            "`{}`: expected {needle:?} in {}",
            short(&line),
            short(&out)
        );
        assert!(out.len() <= kubeplay::term::shell::MAX_OUTPUT + 200);
    }
    // kubectl with 10,000 arguments: one error per missing object, bounded output.
    let args: String = (0..10_000).map(|i| format!(" a{i}")).collect();
    for verb in ["get pod", "delete pod", "describe pod", "label pod", "get"] {
        let r = c.command(&format!("kubectl {verb}{args}"));
        assert_ne!(r.code, 0);
        assert!(r.output.combined().contains("a9999") || r.output.combined().contains("error"));
    }
    let r = c.command(&format!("kubectl get pods {}", "-o yaml ".repeat(10_000)));
    assert_eq!(r.code, 0, "{}", short(&r.output.combined()));
    // A 1 MiB and a 2 MiB command line.
    let r = c.command(&format!("echo {}", "a".repeat(1 << 20)));
    assert!(r.output.combined().len() <= (1 << 20) + 100);
    let r = c.command(&format!("echo {}", "a".repeat(2 << 20)));
    assert_ne!(r.code, 0);
    c.assert_intact();
}

/// The pod network tools and kubectl diff read the learner's arguments and stdin: odd
/// options, huge counts, a megabyte sent through nc, diffs of huge or broken manifests.
#[test]
fn pod_network_tools_and_diff_with_odd_input() {
    let mut c = Case::new();
    for line in [
        "kubectl create deployment web --image=nginx:1.27",
        "kubectl expose deployment web --port=80",
        "kubectl run debug --image=alpine --restart=Never -- sleep 3600",
        "kubectl wait --for=condition=Ready pod/debug",
        "kubectl rollout status deployment/web",
    ] {
        assert_eq!(c.command(line).code, 0, "{line}");
    }
    let big = "A".repeat(1 << 20);
    let lines: Vec<String> = vec![
        format!("kubectl exec debug -- sh -c 'printf \"{big}\" | nc -w 1 web 80'"),
        "kubectl exec debug -- sh -c 'printf \"GET / HTTP/1.1\\r\\n\\r\\n\\0\\377\" | nc web 80'".into(),
        "kubectl exec debug -- sh -c 'printf \"\\r\\n\\r\\n\\r\\n\" | nc web 80'".into(),
        "kubectl exec debug -- nc -w -5 web 80".into(),
        "kubectl exec debug -- nc -w 99999999999999999999 web 80".into(),
        "kubectl exec debug -- nc -zv web 0".into(),
        "kubectl exec debug -- nc -zv web 99999999".into(),
        "kubectl exec debug -- nc -vvvvvvvvvv web -1".into(),
        format!("kubectl exec debug -- getent hosts {}", "a.".repeat(5000)),
        "kubectl exec debug -- getent ahosts '' ''".into(),
        "kubectl exec debug -- getent".into(),
        "kubectl exec debug -- traceroute -m 0 web".into(),
        "kubectl exec debug -- traceroute -m 99999999 -q 99999999 -w 99999999 web".into(),
        "kubectl exec debug -- traceroute -q -1 web".into(),
        "kubectl exec debug -- traceroute 999.999.999.999".into(),
        "kubectl exec debug -- netstat -tulnpar -x -y -z".into(),
        "kubectl exec debug -- route add default gw 1.2.3.4".into(),
        format!("kubectl exec debug -- ifconfig {}", "e".repeat(10_000)),
        "kubectl diff -f /nonexistent".into(),
        "kubectl diff -f - <<EOF\n: : :\n[\nEOF".into(),
        format!(
            "kubectl diff -f - <<EOF\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n{}EOF",
            (0..5000).map(|i| format!("  k{i}: v{i}\n")).collect::<String>()
        ),
    ];
    for line in &lines {
        let r = c.command(line);
        assert!(
            r.output.combined().len() <= kubeplay::term::shell::MAX_OUTPUT + 200,
            "`{}` printed {} bytes",
            short(line),
            r.output.combined().len()
        );
    }
    // The tools still answer sensibly afterwards: garbage before a request is nginx's 400,
    // and a new object diffs against nothing (exit 1: differences).
    let r = c.command("kubectl exec debug -- sh -c 'printf \"\\r\\n\\r\\n\\r\\n\" | nc web 80'");
    assert!(r.output.combined().starts_with("HTTP/1.1 400 Bad Request"));
    let r = c.command(lines.last().map(String::as_str).unwrap_or_default());
    assert_eq!(r.code, 1, "{}", short(&r.output.combined()));
    c.assert_intact();
}

#[test]
fn sleep_far_in_the_future_with_busy_pods() {
    let mut c = Case::new();
    // Pods with 1 s readiness probes and a crash-looping pod: a day of simulated time
    // must stay fast (the clock fast-forwards).
    let r = c.apply(format!(
        "{}---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: crash\nspec:\n  containers:\n  - name: c\n    image: busybox\n    command: [\"false\"]\n",
        deployment(
            "  replicas: 5\n",
            ""
        )
        .replace(
            "        image: nginx\n",
            "        image: nginx\n        readinessProbe:\n          httpGet:\n            port: 80\n          periodSeconds: 1\n"
        )
    ));
    assert_eq!(r.code, 0, "{:?}", r);
    let r = c.command("sleep 99999999");
    assert_eq!(r.code, 0);
    let r = c.command("sleep 99999999d");
    assert_eq!(r.code, 0);
    c.world.run(&Step::Advance { ms: 600_000 });
    c.world.run(&Step::Advance { ms: i64::MIN });
    // Traffic counts from a share link are bounded.
    let r = c.world.run(&Step::SendTraffic {
        from: kubeplay::scenario::TrafficSource::Outside,
        namespace: "default".into(),
        service: "kubernetes".into(),
        count: u32::MAX,
    });
    assert!(r.output.combined().len() < 1000, "{:?}", r);
    let r = c.command("kubectl get pods");
    assert_eq!(r.code, 0, "{:?}", r);
    c.assert_intact();
}

// Moves as many objects as `replicas_int32_max_is_accepted_and_bounded`.
#[test]
fn store_limit_is_a_clear_error() {
    let mut c = Case::heavy();
    // 2,000 Deployments x 10 replicas cannot all fit into MAX_OBJECTS.
    let mut docs = String::new();
    for i in 0..1000 {
        docs.push_str(&format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d{i}\nspec:\n  replicas: 30\n  selector:\n    matchLabels:\n      app: d{i}\n  template:\n    metadata:\n      labels:\n        app: d{i}\n    spec:\n      containers:\n      - name: c\n        image: nginx\n---\n"
        ));
    }
    let _ = c.apply(docs);
    c.world.run(&Step::Advance { ms: 10_000 });
    assert!(c.world.cluster.store.len() <= kubeplay::cluster::store::MAX_OBJECTS + 100);
    let r = c.apply("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: one-more\n");
    if r.code != 0 {
        // kubectl prints what the API server says when etcd is full; the page (not the
        // tool output) says why.
        let out = r.output.combined();
        assert!(
            out.contains("Error from server: error when creating \"STDIN\": etcdserver: mvcc: database space exceeded"),
            "{:?}",
            r
        );
        assert!(!out.to_lowercase().contains("playground"), "{out}");
        let notice = c.world.terminal.notice.clone().unwrap_or_default();
        assert!(notice.contains("at most 20000 objects"), "{notice:?}");
    }
    let r = c.command("kubectl delete deployments --all");
    assert_eq!(r.code, 0);
    c.world.run(&Step::Advance { ms: 120_000 });
    c.assert_intact();
}
