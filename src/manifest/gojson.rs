//! JSON as Go's encoding/json writes a typed object (kubectl encoding a Service it
//! built, as in the last-applied annotation of `kubectl expose --save-config`):
//! struct fields in their Go declaration order, map keys sorted, `<`, `>` and `&`
//! escaped as `\u003c` and the like. Field orders are those of k8s.io/api core/v1
//! and apimachinery meta/v1 types.go; keys not listed follow, sorted.

use serde_json::Value;

/// Field order of the Go struct a key's value decodes into; `None` for maps.
/// meta/v1 ObjectMeta, in Go struct field order (encoding/json writes fields so).
pub(crate) const OBJECT_META_FIELDS: &[&str] = &[
    "name",
    "generateName",
    "namespace",
    "selfLink",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "labels",
    "annotations",
    "ownerReferences",
    "finalizers",
    "managedFields",
];

fn struct_fields(key: &str) -> Option<&'static [&'static str]> {
    Some(match key {
        "" => &["kind", "apiVersion", "metadata", "spec", "status"],
        "metadata" => OBJECT_META_FIELDS,
        // core/v1 ServiceSpec.
        "spec" => &[
            "ports",
            "selector",
            "clusterIP",
            "clusterIPs",
            "type",
            "externalIPs",
            "sessionAffinity",
            "loadBalancerIP",
            "loadBalancerSourceRanges",
            "externalName",
            "externalTrafficPolicy",
            "healthCheckNodePort",
            "publishNotReadyAddresses",
            "sessionAffinityConfig",
            "ipFamilies",
            "ipFamilyPolicy",
            "allocateLoadBalancerNodePorts",
            "loadBalancerClass",
            "internalTrafficPolicy",
            "trafficDistribution",
        ],
        // core/v1 ServicePort.
        "ports" => &[
            "name",
            "protocol",
            "appProtocol",
            "port",
            "targetPort",
            "nodePort",
        ],
        "status" => &["loadBalancer", "conditions"],
        "sessionAffinityConfig" => &["clientIP"],
        _ => return None,
    })
}

/// `v` (the value of `key` in its parent; "" for the root) as Go marshals it.
pub fn typed_json(v: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, "", v);
    out
}

fn write_value(out: &mut String, key: &str, v: &Value) {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            if let Some(order) = struct_fields(key) {
                let rank = |k: &str| order.iter().position(|f| *f == k).unwrap_or(order.len());
                crate::sort::sort_by_key(&mut keys, |k| rank(k));
            }
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                super::output::json_string(k, out);
                out.push(':');
                write_value(out, k, &m[k.as_str()]);
            }
            out.push('}');
        }
        // The items of a list decode into the struct its key names (`ports`).
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, key, item);
            }
            out.push(']');
        }
        Value::String(s) => super::output::json_string(s, out),
        other => out.push_str(&other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::typed_json;

    #[test]
    fn service_fields_in_go_order() {
        // The annotation kubectl 1.33 `expose deployment web --port=80 --save-config`
        // sent (captured from the real client's POST body).
        let v = serde_json::json!({
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"labels": {"app": "web"}, "name": "web", "creationTimestamp": null},
            "spec": {"selector": {"app": "web"}, "ports": [{"targetPort": 80, "port": 80, "protocol": "TCP"}]},
            "status": {"loadBalancer": {}}
        });
        assert_eq!(
            typed_json(&v),
            r#"{"kind":"Service","apiVersion":"v1","metadata":{"name":"web","creationTimestamp":null,"labels":{"app":"web"}},"spec":{"ports":[{"protocol":"TCP","port":80,"targetPort":80}],"selector":{"app":"web"}},"status":{"loadBalancer":{}}}"#
        );
    }

    #[test]
    fn html_characters_escaped() {
        assert_eq!(
            typed_json(&serde_json::json!("a<b&c")),
            r#""a\u003cb\u0026c""#
        );
    }
}
