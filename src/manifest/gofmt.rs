//! Go `%#v` / `%q` renderings used inside API validation errors (Kubernetes v1.33,
//! REFERENCE.md section 0: non-scalar values print with Go's `%#v`).

use k8s_openapi::api::core::v1::ServicePort;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use std::collections::BTreeMap;

/// Go's `%q` for a string (strconv.Quote): escapes `"`, `\`, control characters;
/// printable Unicode stays as is.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Go's `%#v` of a value decoded into `interface{}`: `map[string]interface {}{"k":v}`
/// (keys sorted), `[]interface {}{...}`, `interface {}(nil)`, floats as `%g`.
pub fn unstructured(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "interface {}(nil)".into(),
        serde_json::Value::Bool(b) => b.to_string(),
        serde_json::Value::String(s) => quote(s),
        serde_json::Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() => go_float(f),
            _ => n.to_string(),
        },
        serde_json::Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(unstructured).collect();
            format!("[]interface {{}}{{{}}}", parts.join(", "))
        }
        // serde_json's map (no preserve_order) iterates keys sorted, as Go prints them.
        serde_json::Value::Object(m) => {
            let parts: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{}:{}", quote(k), unstructured(v)))
                .collect();
            format!("map[string]interface {{}}{{{}}}", parts.join(", "))
        }
    }
}

/// Go's shortest `%g` of a float64: an exponent below -4 or from 6 up is written
/// `1.5e+07`.
fn go_float(f: f64) -> String {
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if (-4..6).contains(&exp) {
        return f.to_string();
    }
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{mantissa}e{sign}{:02}", exp.abs())
}

/// `map[string]string{"app":"web", "tier":"db"}` (keys sorted, as Go's fmt prints maps);
/// `map[string]string(nil)` for a nil map, `map[string]string{}` for an empty one.
pub fn string_map(m: Option<&BTreeMap<String, String>>) -> String {
    match m {
        None => "map[string]string(nil)".to_string(),
        Some(m) => {
            let items: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{}:{}", quote(k), quote(v)))
                .collect();
            format!("map[string]string{{{}}}", items.join(", "))
        }
    }
}

/// `[]string{"10.96.0.5"}` / `[]string(nil)`.
pub fn string_slice(v: Option<&[String]>) -> String {
    match v {
        None => "[]string(nil)".to_string(),
        Some(v) => {
            let items: Vec<String> = v.iter().map(|s| quote(s)).collect();
            format!("[]string{{{}}}", items.join(", "))
        }
    }
}

/// `v1.LabelSelector{MatchLabels:map[string]string{"app":"web2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}`
/// (REFERENCE.md section 3).
pub fn label_selector(s: &LabelSelector) -> String {
    let exprs = match &s.match_expressions {
        None => "[]v1.LabelSelectorRequirement(nil)".to_string(),
        Some(list) => {
            let items: Vec<String> = list
                .iter()
                .map(|r| {
                    format!(
                        "v1.LabelSelectorRequirement{{Key:{}, Operator:{}, Values:{}}}",
                        quote(&r.key),
                        quote(&r.operator),
                        string_slice(r.values.as_deref())
                    )
                })
                .collect();
            format!("[]v1.LabelSelectorRequirement{{{}}}", items.join(", "))
        }
    };
    format!(
        "v1.LabelSelector{{MatchLabels:{}, MatchExpressions:{}}}",
        string_map(s.match_labels.as_ref()),
        exprs
    )
}

/// `intstr.IntOrString{Type:0, IntVal:8080, StrVal:""}`.
pub fn int_or_string(v: Option<&IntOrString>) -> String {
    match v {
        None => "intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}".to_string(),
        Some(IntOrString::Int(i)) => {
            format!("intstr.IntOrString{{Type:0, IntVal:{i}, StrVal:\"\"}}")
        }
        Some(IntOrString::String(s)) => {
            format!(
                "intstr.IntOrString{{Type:1, IntVal:0, StrVal:{}}}",
                quote(s)
            )
        }
    }
}

/// The internal `core.ServicePort` as printed in a `Duplicate value` error (REFERENCE.md 2.2):
/// `core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{...}, NodePort:0}`.
pub fn service_port(p: &ServicePort) -> String {
    let app = match &p.app_protocol {
        None => "(*string)(nil)".to_string(),
        // Go prints the pointer address for a non-nil *string; there is no stable form.
        Some(_) => "(*string)(0xc000000000)".to_string(),
    };
    format!(
        "core.ServicePort{{Name:{}, Protocol:{}, AppProtocol:{app}, Port:{}, TargetPort:{}, NodePort:{}}}",
        quote(p.name.as_deref().unwrap_or("")),
        quote(p.protocol.as_deref().unwrap_or("")),
        p.port,
        int_or_string(p.target_port.as_ref()),
        p.node_port.unwrap_or(0)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_reference_section_0_and_3() {
        let m: BTreeMap<String, String> = [("app".to_string(), "web".to_string())].into();
        // REFERENCE.md section 0.
        assert_eq!(string_map(Some(&m)), r#"map[string]string{"app":"web"}"#);
        assert_eq!(
            string_slice(Some(&["10.96.0.5".to_string()])),
            r#"[]string{"10.96.0.5"}"#
        );
        // REFERENCE.md section 3.
        assert_eq!(
            label_selector(&LabelSelector::default()),
            "v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}"
        );
        let m2: BTreeMap<String, String> = [("app".to_string(), "web2".to_string())].into();
        assert_eq!(
            label_selector(&LabelSelector {
                match_labels: Some(m2),
                match_expressions: None
            }),
            r#"v1.LabelSelector{MatchLabels:map[string]string{"app":"web2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}"#
        );
        // REFERENCE.md section 2.2 (duplicate port; the key carries protocol + port only).
        let p = ServicePort {
            port: 80,
            protocol: Some("TCP".into()),
            ..Default::default()
        };
        assert_eq!(
            service_port(&p),
            r#"core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}"#
        );
    }
}
