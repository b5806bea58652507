//! JSON value -> typed k8s-openapi object, with strict unknown-field detection
//! (serde_ignored) and Go-`encoding/json`-style type error messages.

use serde::de::DeserializeOwned;
use serde_json::Value;

/// Fields k8s-openapi requires but the API server only checks in validation: they are
/// filled with zero values before decoding so validation can report them
/// (`spec.containers[0].name: Required value`, ...). Paths use `*` for every array item.
type Filler = fn() -> Value;
const REQUIRED: &[(&str, &str, Filler)] = &[
    ("Pod", "spec.containers", || Value::Array(vec![])),
    ("Pod", "spec.containers.*.name", || Value::from("")),
    ("Pod", "spec.containers.*.ports.*.containerPort", || {
        Value::from(0)
    }),
    ("Pod", "spec.initContainers.*.name", || Value::from("")),
    ("Deployment", "spec.selector", || serde_json::json!({})),
    ("Deployment", "spec.template", || serde_json::json!({})),
    ("Deployment", "spec.template.spec.containers", || {
        Value::Array(vec![])
    }),
    ("Deployment", "spec.template.spec.containers.*.name", || {
        Value::from("")
    }),
    (
        "Deployment",
        "spec.template.spec.containers.*.ports.*.containerPort",
        || Value::from(0),
    ),
    ("Deployment", "spec.selector.matchExpressions.*.key", || {
        Value::from("")
    }),
    (
        "Deployment",
        "spec.selector.matchExpressions.*.operator",
        || Value::from(""),
    ),
    ("ReplicaSet", "spec.selector", || serde_json::json!({})),
    ("ReplicaSet", "spec.template.spec.containers", || {
        Value::Array(vec![])
    }),
    ("ReplicaSet", "spec.template.spec.containers.*.name", || {
        Value::from("")
    }),
    (
        "ReplicaSet",
        "spec.template.spec.containers.*.ports.*.containerPort",
        || Value::from(0),
    ),
    ("ReplicaSet", "spec.selector.matchExpressions.*.key", || {
        Value::from("")
    }),
    (
        "ReplicaSet",
        "spec.selector.matchExpressions.*.operator",
        || Value::from(""),
    ),
    ("Service", "spec.ports.*.port", || Value::from(0)),
];

fn fill(v: &mut Value, path: &[&str], make: fn() -> Value) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    match (v, *first) {
        (Value::Array(items), "*") => {
            for item in items {
                fill(item, rest, make);
            }
        }
        (Value::Object(m), key) => {
            if rest.is_empty() {
                if !m.contains_key(key) || m.get(key) == Some(&Value::Null) {
                    m.insert(key.to_string(), make());
                }
            } else if let Some(child) = m.get_mut(key) {
                fill(child, rest, make);
            }
        }
        _ => {}
    }
}

/// Fills the required-but-missing fields of `kind` (only where the parent exists).
pub(crate) fn prefill(kind: &str, v: &mut Value) {
    for (k, path, make) in REQUIRED {
        if *k == kind {
            let parts: Vec<&str> = path.split('.').collect();
            fill(v, &parts, *make);
        }
    }
}

/// Decodes `v` as the API server's strict decoder does: the typed value, and the paths
/// of the fields the type does not have (`spec.ports[0].targetport`), in the order the
/// decoder meets them.
pub(crate) fn strict<T: DeserializeOwned>(v: Value) -> Result<(T, Vec<String>), String> {
    let mut unknown = Vec::new();
    let r: Result<T, serde_json::Error> = crate::api::object::decode_reporting(v, &mut |p| {
        unknown.push(ignored_path(&p.to_string()));
    });
    match r {
        Ok(t) => Ok((t, unknown)),
        Err(e) => Err(e.to_string()),
    }
}

/// [`strict`] for the kinds `Object::from_json_reporting` decodes into their k8s-openapi
/// types, as an `Object`: one copy of this wrapper for all of them instead of one per type.
pub(crate) fn strict_object(
    rt: &'static crate::api::kinds::ResourceType,
    v: &Value,
) -> Result<(crate::api::Object, Vec<String>), String> {
    let mut unknown = Vec::new();
    let r = crate::api::Object::from_json_reporting(rt, v.clone(), &mut |p| {
        unknown.push(ignored_path(&p.to_string()));
    });
    match r {
        Ok(o) => Ok((o, unknown)),
        Err(e) => Err(e.to_string()),
    }
}

/// `spec.?.ports.?.0.targetport` -> `spec.ports[0].targetport`.
pub fn ignored_path(p: &str) -> String {
    let mut out = String::new();
    for seg in p.split('.') {
        if seg == "?" || seg.is_empty() {
            continue;
        }
        if seg.bytes().all(|b| b.is_ascii_digit()) {
            out.push('[');
            out.push_str(seg);
            out.push(']');
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(seg);
        }
    }
    out
}

/// Finds where decoding fails: removes children one at a time; the child whose removal
/// changes the error holds the culprit. Returns the path of JSON keys/indices.
pub(crate) fn find_culprit(
    v: &Value,
    check: &dyn Fn(&Value) -> Option<String>,
    depth: usize,
) -> Vec<Seg> {
    let Some(err) = check(v) else {
        return vec![];
    };
    let mut path = Vec::new();
    let cur = v.clone();
    let mut ptr: Vec<Seg> = Vec::new();
    for _ in 0..depth {
        let node = get(&cur, &ptr);
        let children: Vec<Seg> = match node {
            Some(Value::Object(m)) => m.keys().map(|k| Seg::Key(k.clone())).collect(),
            Some(Value::Array(a)) => (0..a.len()).map(Seg::Idx).collect(),
            _ => vec![],
        };
        let mut found = None;
        for c in children {
            let mut trial = cur.clone();
            let mut full = ptr.clone();
            full.push(c.clone());
            remove(&mut trial, &full);
            if check(&trial).as_deref() != Some(err.as_str()) {
                found = Some(c);
                break;
            }
        }
        match found {
            Some(c) => ptr.push(c),
            None => break,
        }
    }
    path.extend(ptr);
    path
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Seg {
    Key(String),
    Idx(usize),
}

pub(crate) fn get<'a>(v: &'a Value, path: &[Seg]) -> Option<&'a Value> {
    let mut cur = v;
    for s in path {
        cur = match (cur, s) {
            (Value::Object(m), Seg::Key(k)) => m.get(k)?,
            (Value::Array(a), Seg::Idx(i)) => a.get(*i)?,
            _ => return None,
        };
    }
    Some(cur)
}

fn remove(v: &mut Value, path: &[Seg]) {
    let Some((last, parent)) = path.split_last() else {
        return;
    };
    let mut cur = v;
    for s in parent {
        cur = match (cur, s) {
            (Value::Object(m), Seg::Key(k)) => match m.get_mut(k) {
                Some(x) => x,
                None => return,
            },
            (Value::Array(a), Seg::Idx(i)) => match a.get_mut(*i) {
                Some(x) => x,
                None => return,
            },
            _ => return,
        };
    }
    match (cur, last) {
        (Value::Object(m), Seg::Key(k)) => {
            m.remove(k);
        }
        (Value::Array(a), Seg::Idx(i)) if *i < a.len() => {
            a.remove(*i);
        }
        _ => {}
    }
}

/// Fields whose value is a map with free-form keys (Go reports the map field, not the key).
const MAP_FIELDS: &[&str] = &[
    "labels",
    "annotations",
    "matchLabels",
    "nodeSelector",
    "data",
    "stringData",
    "limits",
    "requests",
    "capacity",
    "allocatable",
];

/// The Go struct type held in a field, by field name (and the kind for `spec`).
fn struct_type(kind: &str, parent_chain: &[&str], field: &str) -> Option<&'static str> {
    let in_template = parent_chain.contains(&"template");
    Some(match field {
        "metadata" => "ObjectMeta",
        "spec" if in_template => "PodSpec",
        "spec" => match kind {
            "Service" => "ServiceSpec",
            "Pod" => "PodSpec",
            "Deployment" => "DeploymentSpec",
            "ReplicaSet" => "ReplicaSetSpec",
            "Namespace" => "NamespaceSpec",
            "Node" => "NodeSpec",
            "Job" => "JobSpec",
            _ => return None,
        },
        "status" => match kind {
            "Service" => "ServiceStatus",
            "Pod" => "PodStatus",
            "Deployment" => "DeploymentStatus",
            "ReplicaSet" => "ReplicaSetStatus",
            "Job" => "JobStatus",
            _ => return None,
        },
        "template" => "PodTemplateSpec",
        "ports" if kind == "Service" && !parent_chain.contains(&"containers") => "ServicePort",
        "ports" => "ContainerPort",
        "containers" | "initContainers" => "Container",
        "selector" if kind != "Service" => "LabelSelector",
        "matchExpressions" => "LabelSelectorRequirement",
        "strategy" => "DeploymentStrategy",
        "rollingUpdate" => "RollingUpdateDeployment",
        "env" => "EnvVar",
        "resources" => "ResourceRequirements",
        "readinessProbe" | "livenessProbe" | "startupProbe" => "Probe",
        "httpGet" => "HTTPGetAction",
        "tcpSocket" => "TCPSocketAction",
        "exec" => "ExecAction",
        "sessionAffinityConfig" => "SessionAffinityConfig",
        "clientIP" => "ClientIPConfig",
        "volumeMounts" => "VolumeMount",
        "volumes" => "Volume",
        "tolerations" => "Toleration",
        "ownerReferences" => "OwnerReference",
        "subsets" => "EndpointSubset",
        "addresses" if kind == "Endpoints" => "EndpointAddress",
        "endpoints" => "Endpoint",
        _ => return None,
    })
}

pub(crate) fn json_type(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(_)) => "string".into(),
        Some(Value::Number(n)) if n.is_f64() => format!("number {n}"),
        Some(Value::Number(_)) => "number".into(),
        Some(Value::Bool(_)) => "bool".into(),
        Some(Value::Array(_)) => "array".into(),
        Some(Value::Object(_)) => "object".into(),
        _ => "null".into(),
    }
}

/// Builds Go's `json: cannot unmarshal <t> into Go struct field <Struct>.<path> of type <T>`
/// for a decode failure of `v` (a `kind` object). `serde_msg` is the k8s-openapi error.
pub(crate) fn go_type_error(
    kind: &str,
    v: &Value,
    check: &dyn Fn(&Value) -> Option<String>,
    serde_msg: &str,
) -> String {
    // metav1.Time's UnmarshalJSON returns time.Parse's error as it is, without the
    // field (patches/jiff-lite ports Go's parser and its texts).
    if serde_msg.starts_with("parsing time \"") {
        return serde_msg.to_string();
    }
    let path = find_culprit(v, check, 64);
    // Walk the path: struct names, Go json path (keys only, no map keys, no indices).
    let mut struct_name = kind.to_string();
    let mut field_path: Vec<String> = Vec::new();
    let mut chain: Vec<&str> = Vec::new();
    let mut last_field = String::new();
    let mut map_elem = false;
    let mut seq_elem = false;
    for (i, s) in path.iter().enumerate() {
        match s {
            Seg::Key(k) => {
                let parent_is_map = chain.last().is_some_and(|p| {
                    MAP_FIELDS.contains(p) || (kind == "Service" && *p == "selector")
                }) && field_path.last().map(String::as_str)
                    == chain.last().copied();
                if parent_is_map && !seq_elem {
                    map_elem = true;
                    continue;
                }
                seq_elem = false;
                map_elem = false;
                // The struct that owns this field is named after the previous field.
                if i > 0 {
                    if let Some(prev) = chain.last() {
                        if let Some(t) = struct_type(kind, &chain[..chain.len() - 1], prev) {
                            struct_name = t.to_string();
                        }
                    }
                }
                field_path.push(k.clone());
                chain.push(k.as_str());
                last_field = k.clone();
            }
            Seg::Idx(_) => {
                seq_elem = true;
            }
        }
    }
    let culprit = get(v, &path);
    let expected = serde_msg
        .split_once(", expected ")
        .map(|(_, e)| e.to_string())
        .unwrap_or_default();
    let scalar = |e: &str| -> Option<&'static str> {
        Some(match e {
            x if x.starts_with("i32") => "int32",
            x if x.starts_with("i64") => "int64",
            x if x.starts_with("u32") => "uint32",
            x if x.starts_with("f64") => "float64",
            x if x.starts_with("a string") => "string",
            x if x.starts_with("a boolean") => "bool",
            _ => return None,
        })
    };
    let child_struct = struct_type(kind, &chain[..chain.len().saturating_sub(1)], &last_field);
    let go_type = if let Some(t) = scalar(&expected) {
        t.to_string()
    } else if map_elem {
        "string".to_string()
    } else if expected.contains("sequence") || expected.contains("Vec") {
        match child_struct {
            Some(t) if !seq_elem => format!("[]v1.{t}"),
            _ => "[]string".to_string(),
        }
    } else if let Some(t) = child_struct {
        format!("v1.{t}")
    } else if MAP_FIELDS.contains(&last_field.as_str()) || last_field == "selector" {
        "map[string]string".to_string()
    } else {
        expected.clone()
    };
    if field_path.is_empty() {
        return format!(
            "json: cannot unmarshal {} into Go value of type v1.{kind}",
            json_type(culprit)
        );
    }
    format!(
        "json: cannot unmarshal {} into Go struct field {}.{} of type {}",
        json_type(culprit),
        struct_name,
        field_path.join("."),
        go_type
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_fields_read_like_the_api_server() {
        assert_eq!(
            ignored_path("spec.?.ports.?.0.targetport"),
            "spec.ports[0].targetport"
        );
        // Path format: REFERENCE.md section 1 (the API server's strict decoding warnings).
        use serde_json::json;
        let rt = crate::api::kinds::by_kind("Service", "v1").unwrap();
        let input = json!({
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "web", "creationTimestamp": null, "labelz": {"a": "b"}},
            "spec": {"ports": [{"port": 80}, {"port": 81, "targetport": 8080}], "foo": 1,
                     "selector": {"app": "web"}, "clusterIP": null}
        });
        let (_, unknown) = strict_object(rt, &input).unwrap();
        assert_eq!(
            unknown,
            ["metadata.labelz", "spec.foo", "spec.ports[1].targetport"]
        );
    }
}
