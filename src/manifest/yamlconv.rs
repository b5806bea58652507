//! YAML text -> `serde_json::Value` the way sigs.k8s.io/yaml (go-yaml v2 + YAMLToJSON)
//! converts it: duplicate keys keep the last value, non-string keys are stringified,
//! `<<` merge keys are expanded, and plain scalars resolve with YAML 1.1's rules, so
//! `yes`/`no`/`on`/`off`/`y`/`n` are booleans (verified with kubectl.1.33: a label value
//! `yes` fails to decode as a bool, `publishNotReadyAddresses: on` is true). Errors are
//! rendered as go-yaml prints them.

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::fmt;

/// Converts one YAML document read with `serde_yaml::Deserializer::from_str(src)` to JSON.
/// `src` is that text: a plain scalar arrives as a slice of it, which tells it apart
/// from a quoted one (`"yes"` stays a string).
pub(crate) fn to_json<'de, D: Deserializer<'de>>(d: D, src: &str) -> Result<Value, D::Error> {
    GoSeed { src }.deserialize(d)
}

#[derive(Clone, Copy)]
struct GoSeed<'s> {
    src: &'s str,
}

impl<'de> DeserializeSeed<'de> for GoSeed<'_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(GoVisitor { src: self.src })
    }
}

#[derive(Clone, Copy)]
struct GoVisitor<'s> {
    src: &'s str,
}

/// go-yaml v2 `resolve.go`: the YAML 1.1 booleans that YAML 1.2 (serde_yaml) reads as
/// strings. (`true`/`false` in their three spellings are booleans in both.)
pub(crate) fn yaml11_bool(s: &str) -> Option<bool> {
    match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => Some(true),
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => Some(false),
        _ => None,
    }
}

fn float(f: f64) -> Value {
    Number::from_f64(f)
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

pub(crate) fn key_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Null => Some("null".to_string()),
        _ => None,
    }
}

impl<'de> Visitor<'de> for GoVisitor<'_> {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(float(v))
    }
    // Integers beyond int64/uint64: go-yaml v2 reads them as float64 (kubectl.1.33
    // `label --local` turns `replicas: -9223372036854775809` into -9223372036854776000).
    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(float(v as f64))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(float(v as f64))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    // serde_yaml hands plain and (escape-free) quoted scalars over as slices of the text;
    // a quoted one has its quote right before it.
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Value, E> {
        let start = (v.as_ptr() as usize).wrapping_sub(self.src.as_ptr() as usize);
        let plain = start <= self.src.len()
            && !matches!(
                start
                    .checked_sub(1)
                    .and_then(|i| self.src.as_bytes().get(i)),
                Some(b'"' | b'\'')
            );
        match yaml11_bool(v).filter(|_| plain) {
            Some(b) => Ok(Value::Bool(b)),
            None => Ok(Value::String(v.to_string())),
        }
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        let seed = GoSeed { src: self.src };
        while let Some(v) = seq.next_element_seed(seed)? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        let mut merges: Vec<Value> = Vec::new();
        let seed = GoSeed { src: self.src };
        while let Some(k) = map.next_key_seed(seed)? {
            let v = map.next_value_seed(seed)?;
            let Some(key) = key_string(&k) else {
                return Err(de::Error::custom("invalid map key"));
            };
            if key == "<<" {
                merges.push(v);
                continue;
            }
            // go-yaml v2 (non-strict) keeps the last value of a duplicated key;
            // verified with kubectl.1.33 `label --local -f -` on `name: a` / `name: b`.
            out.insert(key, v);
        }
        for m in merges {
            let list = match m {
                Value::Array(items) => items,
                other => vec![other],
            };
            for item in list {
                if let Value::Object(src) = item {
                    for (k, v) in src {
                        out.entry(k).or_insert(v);
                    }
                } else {
                    return Err(de::Error::custom(
                        "map merge requires map or sequence of maps as the value",
                    ));
                }
            }
        }
        Ok(Value::Object(out))
    }
    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        // A custom tag (`!foo bar`): go-yaml ignores unknown local tags and keeps the value.
        use de::VariantAccess;
        let (_tag, variant): (String, _) = data.variant()?;
        variant.newtype_variant_seed(GoSeed { src: self.src })
    }
}

/// A YAML error the way go-yaml v2 prints it (without the `yaml: ` prefix handling
/// done by the caller): `line N: problem` or just `problem`, plus the 1-based line
/// in the document where it happened (for the page).
pub(crate) struct YamlError {
    pub message: String,
    pub doc_line: Option<usize>,
}

/// libyaml scanner problems: go-yaml adds one to the 0-based line for these.
const SCANNER_PROBLEMS: &[&str] = &[
    "block sequence entries are not allowed in this context",
    "could not find expected ':'",
    "could not find expected directive name",
    "did not find expected '!'",
    "did not find expected comment or line break",
    "did not find expected digit or '.' character",
    "did not find expected version number",
    "did not find expected whitespace or line break",
    "did not find the expected '>'",
    "found a tab character that violates indentation",
    "found a tab character where an indentation space is expected",
    "found an indentation indicator equal to 0",
    "found character that cannot start any token",
    "found extremely long version number",
    "found unexpected ':'",
    "found unexpected document indicator",
    "found unexpected end of stream",
    "found unexpected non-alphabetical character",
    "found unknown directive name",
    "mapping keys are not allowed in this context",
    "mapping values are not allowed in this context",
];

/// Renders a serde_yaml error as go-yaml v2 would (`yaml: line N: ...`).
///
/// go-yaml's `parser.fail()`: when the problem mark's 0-based line is not 0, it prints
/// that line, plus one for scanner errors; otherwise no line at all (verified with
/// kubectl.1.33: `a: b: c` prints `yaml: mapping values are not allowed in this context`).
pub(crate) fn go_yaml_error(e: &serde_yaml::Error, text: &str) -> YamlError {
    let display = e.to_string();
    let loc_line = e.location().map(|l| l.line());
    let cut = |s: &str| -> String {
        let mut end = s.len();
        for pat in [" at line ", " at position ", ", while "] {
            if let Some(i) = s.find(pat) {
                end = end.min(i);
            }
        }
        s.get(..end).unwrap_or(s).to_string()
    };
    let problem = cut(&display);
    let context = display
        .find(", while ")
        .and_then(|i| display.get(i + 2..))
        .map(cut)
        .unwrap_or_default();
    let scanner = context.starts_with("while scanning") || SCANNER_PROBLEMS.contains(&&*problem);
    let problem = match problem.as_str() {
        // serde_yaml's own wording for an alias to an undefined anchor.
        // go-yaml: `unknown anchor 'x' referenced` (verified with kubectl.1.33).
        p if p.starts_with("unknown anchor") => {
            let name = e
                .location()
                .and_then(|l| {
                    text.lines()
                        .nth(l.line().saturating_sub(1))
                        .map(|s| (s, l.column()))
                })
                .and_then(|(line, col)| line.get(col.saturating_sub(1)..))
                .and_then(|rest| rest.strip_prefix('*'))
                .map(|rest| {
                    rest.chars()
                        .take_while(|c| !c.is_whitespace() && !",[]{}".contains(*c))
                        .collect::<String>()
                })
                .unwrap_or_default();
            format!("unknown anchor '{name}' referenced")
        }
        _ => problem,
    };
    let line0 = loc_line.map(|l| l.saturating_sub(1)).unwrap_or(0);
    let message = if line0 != 0 {
        let n = if scanner { line0 + 1 } else { line0 };
        format!("line {n}: {problem}")
    } else {
        problem
    };
    YamlError {
        message,
        doc_line: loc_line,
    }
}
