//! Defaulting and validation; every expected message is quoted from REFERENCE.md (section named).

use super::defaults::apply_defaults;
use super::validate::{format_invalid, validate, validate_update, Cause};
use super::*;

fn obj(yaml: &str) -> Object {
    let docs = parse(yaml, "STDIN");
    match docs.into_iter().next().map(|d| d.result) {
        Some(Ok(mut o)) => {
            apply_defaults(&mut o);
            o
        }
        other => panic!("{other:?}"),
    }
}

fn lines(causes: &[Cause]) -> Vec<String> {
    causes
        .iter()
        .map(|c| format!("{}: {}", c.field, c.body))
        .collect()
}

fn svc(spec: &str) -> Object {
    obj(&format!(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n{spec}"
    ))
}

#[test]
fn service_defaults() {
    let Object::Service(s) =
        svc("  type: NodePort\n  selector: {app: web}\n  ports:\n  - port: 80\n")
    else {
        panic!()
    };
    let spec = s.spec.clone().unwrap_or_default();
    let p = &spec.ports.unwrap_or_default()[0];
    assert_eq!(p.protocol.as_deref(), Some("TCP"));
    assert_eq!(
        p.target_port,
        Some(k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(80))
    );
    assert_eq!(spec.session_affinity.as_deref(), Some("None"));
    assert_eq!(spec.external_traffic_policy.as_deref(), Some("Cluster"));
    assert_eq!(spec.internal_traffic_policy.as_deref(), Some("Cluster"));
    assert_eq!(spec.ip_family_policy.as_deref(), Some("SingleStack"));
    let Object::Service(s) = svc("  sessionAffinity: ClientIP\n  ports:\n  - port: 80\n") else {
        panic!()
    };
    let t = s
        .spec
        .clone()
        .and_then(|s| s.session_affinity_config)
        .and_then(|c| c.client_ip)
        .and_then(|c| c.timeout_seconds);
    assert_eq!(t, Some(10800));
}

#[test]
fn deployment_and_pod_defaults() {
    let Object::Deployment(d) = obj("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: nginx\n        readinessProbe:\n          httpGet: {port: 80}\n") else {
        panic!()
    };
    let spec = d.spec.clone().unwrap_or_default();
    assert_eq!(spec.replicas, Some(1));
    assert_eq!(spec.revision_history_limit, Some(10));
    assert_eq!(spec.progress_deadline_seconds, Some(600));
    let ps = spec.template.spec.unwrap_or_default();
    assert_eq!(ps.termination_grace_period_seconds, Some(30));
    assert_eq!(ps.restart_policy.as_deref(), Some("Always"));
    let c = &ps.containers[0];
    assert_eq!(c.image_pull_policy.as_deref(), Some("Always"));
    let probe = c.readiness_probe.clone().unwrap_or_default();
    assert_eq!(
        (
            probe.period_seconds,
            probe.timeout_seconds,
            probe.failure_threshold
        ),
        (Some(10), Some(1), Some(3))
    );
    assert_eq!(defaults::default_pull_policy("nginx:1.27"), "IfNotPresent");
    assert_eq!(
        defaults::default_pull_policy("localhost:5000/nginx"),
        "Always"
    );
}

#[test]
fn service_messages_from_reference_2_2() {
    let cases: &[(&str, &[&str])] = &[
        ("  ports: []\n", &["spec.ports: Required value"]),
        ("  ports:\n  - port: 80\n  - port: 81\n    name: b\n", &["spec.ports[0].name: Required value"]),
        ("  ports:\n  - port: 70000\n    targetPort: 80\n", &["spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive"]),
        ("  ports:\n  - port: 80\n    protocol: HTTP\n", &["spec.ports[0].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\""]),
        ("  ports:\n  - port: 80\n    targetPort: 99999\n", &["spec.ports[0].targetPort: Invalid value: 99999: must be between 1 and 65535, inclusive"]),
        ("  ports:\n  - port: 80\n    name: a\n  - port: 81\n    name: a\n", &["spec.ports[1].name: Duplicate value: \"a\""]),
        ("  ports:\n  - port: 80\n    name: a\n  - port: 80\n    name: b\n", &["spec.ports[1]: Duplicate value: core.ServicePort{Name:\"\", Protocol:\"TCP\", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}"]),
        ("  ports:\n  - port: 80\n    nodePort: 30080\n", &["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]),
        ("  type: NodePort\n  clusterIP: None\n  ports:\n  - port: 80\n", &["spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services"]),
        ("  type: ExternalName\n", &["spec.externalName: Required value"]),
        ("  type: ExternalName\n  externalName: db_example\n", &["spec.externalName: Invalid value: \"db_example\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"]),
        ("  type: Internal\n  ports:\n  - port: 80\n", &["spec.type: Unsupported value: \"Internal\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\""]),
        ("  sessionAffinity: Sticky\n  ports:\n  - port: 80\n", &["spec.sessionAffinity: Unsupported value: \"Sticky\": supported values: \"ClientIP\", \"None\""]),
        ("  externalTrafficPolicy: Local\n  ports:\n  - port: 80\n", &["spec.externalTrafficPolicy: Invalid value: \"Local\": may only be set for externally-accessible services"]),
        ("  selector:\n    app: web/v1\n  ports:\n  - port: 80\n", &["spec.selector: Invalid value: \"web/v1\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"]),
        ("  ports:\n  - port: 80\n    name: HTTP\n", &["spec.ports[0].name: Invalid value: \"HTTP\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"]),
    ];
    for (spec, want) in cases {
        let got = lines(&validate(&svc(spec)));
        assert_eq!(&got, want, "spec:\n{spec}");
    }
    let bad_name = obj("apiVersion: v1\nkind: Service\nmetadata:\n  name: My_Service\nspec:\n  ports:\n  - port: 80\n");
    assert_eq!(lines(&validate(&bad_name)), ["metadata.name: Invalid value: \"My_Service\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"]);
}

#[test]
fn cluster_ip_is_immutable() {
    let old = svc("  clusterIP: 10.96.100.100\n  ports:\n  - port: 80\n");
    let new = svc("  clusterIP: 10.96.100.101\n  ports:\n  - port: 80\n");
    // REFERENCE.md 2.3.
    assert_eq!(lines(&validate_update(&old, &new)), ["spec.clusterIPs[0]: Invalid value: []string{\"10.96.100.101\"}: may not change once set"]);
    let omitted = svc("  ports:\n  - port: 80\n");
    assert!(validate_update(&old, &omitted).is_empty());
}

fn deploy(selector: &str, labels: &str) -> Object {
    obj(&format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n{selector}  template:\n    metadata:\n      labels: {labels}\n    spec:\n      containers:\n      - name: web\n        image: nginx\n"))
}

#[test]
fn deployment_selectors_from_reference_3() {
    assert_eq!(
        lines(&validate(&deploy("", "{app: web}"))),
        ["spec.selector: Required value", "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`"]
    );
    assert_eq!(
        lines(&validate(&deploy("  selector:\n    matchLabels: {app: web}\n", "{app: webapp}"))),
        ["spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"webapp\"}: `selector` does not match template `labels`"]
    );
    let exprs = lines(&validate(&deploy("  selector:\n    matchExpressions:\n    - {key: app, operator: In}\n    - {key: app, operator: Exists, values: [a]}\n    - {key: app, operator: Foo}\n", "{app: web}")));
    assert_eq!(&exprs[..3], [
        "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
        "spec.selector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
        "spec.selector.matchExpressions[2].operator: Invalid value: \"Foo\": not a valid selector operator",
    ]);
    let old = deploy("  selector:\n    matchLabels: {app: web}\n", "{app: web}");
    let new = deploy("  selector:\n    matchLabels: {app: web2}\n", "{app: web2}");
    assert_eq!(lines(&validate_update(&old, &new)), ["spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"web2\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"]);
}

#[test]
fn pod_rules() {
    let pod = obj("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  restartPolicy: Sometimes\n  containers:\n  - name: a\n  - name: a\n    image: x\n    ports:\n    - containerPort: 70000\n");
    assert_eq!(lines(&validate(&pod)), [
        "spec.containers[0].image: Required value",
        "spec.containers[1].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
        "spec.containers[1].name: Duplicate value: \"a\"",
        "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"",
    ]);
    let empty = obj("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec: {}\n");
    assert_eq!(
        lines(&validate(&empty)),
        ["spec.containers: Required value"]
    );
}

#[test]
fn invalid_formats_from_reference_1() {
    let one = [Cause {
        field: "spec.ports".into(),
        body: "Required value".into(),
    }];
    assert_eq!(
        format_invalid("Service", "web", &one),
        "The Service \"web\" is invalid: spec.ports: Required value"
    );
    let two = [
        one[0].clone(),
        Cause {
            field: "spec.type".into(),
            body: "Required value".into(),
        },
        one[0].clone(),
    ];
    assert_eq!(
        format_invalid("Service", "web", &two),
        "The Service \"web\" is invalid: \n* spec.ports: Required value\n* spec.type: Required value"
    );
}
