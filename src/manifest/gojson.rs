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
    write_value(&mut out, Some(""), v);
    out
}

/// `v` as Go marshals a `map[string]interface{}`: every map's keys sorted (as
/// serde_json's map keeps them).
pub fn marshal(v: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, None, v);
    out
}

/// `key`: the value's key in its parent, for the struct field order; None for maps.
fn write_value(out: &mut String, key: Option<&str>, v: &Value) {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            if let Some(order) = key.and_then(struct_fields) {
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
                write_value(out, key.map(|_| k.as_str()), &m[k.as_str()]);
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

/// The syntax error Go's encoding/json scanner (`checkValid`, scanner.go) reports for
/// `text`, or `None` when it is one valid JSON value: `unexpected end of JSON input`,
/// `invalid character 'x' looking for beginning of value` and the like.
pub fn syntax_error(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let mut s = Scan { b, i: 0 };
    let r = s.value().and_then(|()| {
        s.ws();
        match s.peek() {
            None => Ok(()),
            Some(c) => Err(invalid(c, "after top-level value")),
        }
    });
    r.err()
}

const EOF: &str = "unexpected end of JSON input";

/// scanner.go `quoteChar`.
fn invalid(c: u8, context: &str) -> String {
    let q = match c {
        b'\'' => "'\\''".to_string(),
        b'"' => "'\"'".to_string(),
        b'\n' => "'\\n'".to_string(),
        b'\r' => "'\\r'".to_string(),
        b'\t' => "'\\t'".to_string(),
        0..=0x1f | 0x7f => format!("'\\x{c:02x}'"),
        0x80..=0x9f => format!("'\\u{:04x}'", c),
        _ => format!("'{}'", char::from(c)),
    };
    format!("invalid character {q} {context}")
}

struct Scan<'a> {
    b: &'a [u8],
    i: usize,
}

impl Scan<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    fn next(&mut self) -> Result<u8, String> {
        let c = self.peek().ok_or(EOF)?;
        self.i += 1;
        Ok(c)
    }
    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }
    /// One value. Go's scanner keeps its nesting on a stack (parseState) rather than
    /// recursing, and so does this: hostile nesting cannot exhaust the call stack (1 MiB
    /// in wasm). Like Go it refuses more than 10000 levels (maxNestingDepth).
    fn value(&mut self) -> Result<(), String> {
        const MAX_NESTING_DEPTH: usize = 10_000;
        // The containers open around the current position: `{` or `[`.
        let mut open: Vec<u8> = Vec::new();
        loop {
            self.ws();
            match self.next()? {
                c @ (b'{' | b'[') => {
                    if open.len() >= MAX_NESTING_DEPTH {
                        return Err(invalid(c, "exceeded max depth"));
                    }
                    let close = if c == b'{' { b'}' } else { b']' };
                    if !self.empty(close) {
                        open.push(c);
                        if c == b'{' {
                            self.key()?;
                        }
                        continue;
                    }
                }
                b'"' => self.string()?,
                b'-' => match self.next()? {
                    c @ b'0'..=b'9' => self.number(c)?,
                    c => return Err(invalid(c, "in numeric literal")),
                },
                c @ b'0'..=b'9' => self.number(c)?,
                b't' => self.literal("true")?,
                b'f' => self.literal("false")?,
                b'n' => self.literal("null")?,
                c => return Err(invalid(c, "looking for beginning of value")),
            }
            // A value ended: close the containers it ends, or go on to the next element.
            loop {
                let Some(&container) = open.last() else {
                    return Ok(());
                };
                self.ws();
                match (container, self.next()?) {
                    (b'{', b',') => {
                        self.ws();
                        self.key()?;
                        break;
                    }
                    (b'{', b'}') | (b'[', b']') => {
                        open.pop();
                    }
                    (b'{', c) => return Err(invalid(c, "after object key:value pair")),
                    (_, b',') => break,
                    (_, c) => return Err(invalid(c, "after array element")),
                }
            }
        }
    }
    /// After an opening bracket: whether the container closes at once.
    fn empty(&mut self, close: u8) -> bool {
        self.ws();
        let shut = self.peek() == Some(close);
        if shut {
            self.i += 1;
        }
        shut
    }
    /// An object key and its colon.
    fn key(&mut self) -> Result<(), String> {
        match self.next()? {
            b'"' => self.string()?,
            c => return Err(invalid(c, "looking for beginning of object key string")),
        }
        self.ws();
        match self.next()? {
            b':' => Ok(()),
            c => Err(invalid(c, "after object key")),
        }
    }
    fn string(&mut self) -> Result<(), String> {
        loop {
            match self.next()? {
                b'"' => return Ok(()),
                b'\\' => match self.next()? {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {}
                    b'u' => {
                        for _ in 0..4 {
                            let c = self.next()?;
                            if !c.is_ascii_hexdigit() {
                                return Err(invalid(c, "in \\u hexadecimal character escape"));
                            }
                        }
                    }
                    c => return Err(invalid(c, "in string escape code")),
                },
                c if c < 0x20 => return Err(invalid(c, "in string literal")),
                _ => {}
            }
        }
    }
    /// A number whose first digit is `first`; ends before the first byte that cannot
    /// continue it (the caller judges that byte).
    fn number(&mut self, first: u8) -> Result<(), String> {
        if first != b'0' {
            while matches!(self.peek(), Some(b'0'..=b'9')) {
                self.i += 1;
            }
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            match self.next()? {
                b'0'..=b'9' => {}
                c => return Err(invalid(c, "after decimal point in numeric literal")),
            }
            while matches!(self.peek(), Some(b'0'..=b'9')) {
                self.i += 1;
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            let mut c = self.next()?;
            if c == b'+' || c == b'-' {
                c = self.next()?;
            }
            if !c.is_ascii_digit() {
                return Err(invalid(c, "in exponent of numeric literal"));
            }
            while matches!(self.peek(), Some(b'0'..=b'9')) {
                self.i += 1;
            }
        }
        Ok(())
    }
    fn literal(&mut self, word: &str) -> Result<(), String> {
        for expect in word.bytes().skip(1) {
            let c = self.next()?;
            if c != expect {
                return Err(invalid(
                    c,
                    &format!("in literal {word} (expecting '{}')", char::from(expect)),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn go_json_syntax_errors() {
        use super::syntax_error;
        assert_eq!(syntax_error(r#"{"a":[1,2]}"#), None);
        assert_eq!(
            syntax_error(r#"{"a":1"#).as_deref(),
            Some("unexpected end of JSON input")
        );
        assert_eq!(
            syntax_error("{a:1}").as_deref(),
            Some("invalid character 'a' looking for beginning of object key string")
        );
        assert_eq!(
            syntax_error(r#"{"a":1}}"#).as_deref(),
            Some("invalid character '}' after top-level value")
        );
        assert_eq!(
            syntax_error(r#"{"a":tru}"#).as_deref(),
            Some("invalid character '}' in literal true (expecting 'e')")
        );
        assert_eq!(
            syntax_error(r#"{"a" 1}"#).as_deref(),
            Some("invalid character '1' after object key")
        );
        assert_eq!(
            syntax_error(r#"{"a":[{},[],{"b":[1,{"c":null}]}],"d":-1.5e3}"#),
            None
        );
        assert_eq!(
            syntax_error(r#"{"a":[1}"#).as_deref(),
            Some("invalid character '}' after array element")
        );
        assert_eq!(
            syntax_error(r#"{"a":{"b":1]}"#).as_deref(),
            Some("invalid character ']' after object key:value pair")
        );
        assert_eq!(
            syntax_error(r#"{"a":1,}"#).as_deref(),
            Some("invalid character '}' looking for beginning of object key string")
        );
    }

    /// Hostile nesting neither recurses nor passes: Go's scanner.go stops at
    /// maxNestingDepth (10000) with "exceeded max depth"; 10000 levels still scan.
    #[test]
    fn nesting_is_bounded_without_recursion() {
        use super::syntax_error;
        let deep = format!("{{\"a\":{}", "[".repeat(200_000));
        assert_eq!(
            syntax_error(&deep).as_deref(),
            Some("invalid character '[' exceeded max depth")
        );
        let ok = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert_eq!(syntax_error(&ok), None);
        let over = format!("{}{}", "[".repeat(10_001), "]".repeat(10_001));
        assert!(syntax_error(&over).is_some_and(|e| e.ends_with("exceeded max depth")));
    }

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
