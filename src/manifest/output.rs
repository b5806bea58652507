//! kubectl-style `-o yaml` (sigs.k8s.io/yaml over go-yaml v2) and `-o json`
//! (`json.MarshalIndent` with 4 spaces) writers over `serde_json::Value`.
//!
//! Both sort map keys (unstructured objects are Go maps). The YAML writer follows
//! go-yaml v2's emitter: plain scalars where the YAML 1.1 resolver would read them back
//! as strings, otherwise double quotes; single quotes where a plain scalar is not allowed
//! (leading space, `: `, ...); literal blocks (`|`, `|-`, `|+`) for multi-line strings;
//! long plain and quoted scalars folded at column 80; sequences not indented under their key.

use serde_json::Value;

const BEST_WIDTH: usize = 80;

/// `kubectl get -o yaml` text for one object (ends with a newline).
pub fn to_yaml(v: &Value) -> String {
    let mut w = Yaml { out: String::new() };
    match v {
        Value::Object(m) if !m.is_empty() => w.mapping(v, 0, false),
        Value::Array(a) if !a.is_empty() => w.sequence(v, 0),
        other => {
            let mut s = String::new();
            scalar_inline(other, 0, 0, true, &mut s);
            w.out.push_str(&s);
            w.out.push('\n');
        }
    }
    w.out
}

/// `kubectl get -o json` text for one object (ends with a newline).
pub fn to_json(v: &Value) -> String {
    let mut out = String::new();
    json_value(v, 0, &mut out, &|_: &str, k: &str| (0, k.to_string()));
    out.push('\n');
    out
}

/// `-o json` of a typed object (kubectl `create ... --dry-run=client -o json`, `run`):
/// `json.Marshal` of a Go struct writes fields in declaration order, not sorted. The
/// order of the fields those objects use, from k8s.io/api `core/v1/types.go`,
/// `apps/v1/types.go` and apimachinery `meta/v1/types.go`; other keys follow, sorted.
pub fn to_json_typed(v: &Value) -> String {
    typed_json(v, 4)
}

/// What the API server sends: typed objects in declaration order, indented by two
/// spaces when it pretty-prints (json.Indent) or compact, with json.Encoder's newline.
pub fn to_json_api(v: &Value, pretty: bool) -> String {
    typed_json(v, if pretty { 2 } else { 0 })
}

fn typed_json(v: &Value, step: usize) -> String {
    // kind, apiVersion, metadata; then ObjectMeta's fields in Go order (gojson's
    // table); then the fields of the other kinds this prints.
    const HEAD: &[&str] = &["kind", "apiVersion", "metadata"];
    const ORDER: &[&str] = &[
        "replicas",
        "matchLabels",
        "matchExpressions",
        "image",
        "command",
        "args",
        "workingDir",
        "ports",
        "envFrom",
        "env",
        "resources",
        "selector",
        "clusterIP",
        "clusterIPs",
        "template",
        "strategy",
        "type",
        "externalIPs",
        "sessionAffinity",
        "loadBalancerIP",
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
        "volumes",
        "initContainers",
        "containers",
        "restartPolicy",
        "terminationGracePeriodSeconds",
        "dnsPolicy",
        "hostPort",
        "containerPort",
        "protocol",
        "appProtocol",
        "port",
        "targetPort",
        "nodePort",
        "value",
        "valueFrom",
        "imagePullPolicy",
        "stdin",
        "stdinOnce",
        "tty",
        "spec",
        "status",
        "loadBalancer",
        "phase",
    ];
    let meta = super::gojson::OBJECT_META_FIELDS;
    let rank = |_: &str, k: &str| {
        let at = |list: &[&str]| list.iter().position(|o| *o == k);
        let position = at(HEAD)
            .or_else(|| at(meta).map(|i| HEAD.len() + i))
            .or_else(|| at(ORDER).map(|i| HEAD.len() + meta.len() + i))
            .unwrap_or(HEAD.len() + meta.len() + ORDER.len());
        (position, k.to_string())
    };
    let mut out = String::new();
    json_indented(v, 0, step, "", &mut out, &rank);
    out.push('\n');
    out
}

/// `-o json` of the typed core/v1 EventList `kubectl events` prints (events.go builds
/// it and cli-runtime's JSONPrinter marshals it): struct fields in declaration order
/// (k8s.io/api `core/v1/types.go` Event, ObjectReference, EventSource, EventSeries;
/// apimachinery ObjectMeta), at every level by the field that holds them.
pub fn to_json_event_list(v: &Value) -> String {
    const LIST: &[&str] = &["kind", "apiVersion", "metadata", "items"];
    const EVENT: &[&str] = &[
        "kind",
        "apiVersion",
        "metadata",
        "involvedObject",
        "reason",
        "message",
        "source",
        "firstTimestamp",
        "lastTimestamp",
        "count",
        "type",
        "eventTime",
        "series",
        "action",
        "related",
        "reportingComponent",
        "reportingInstance",
    ];
    const REFERENCE: &[&str] = &[
        "kind",
        "namespace",
        "name",
        "uid",
        "apiVersion",
        "resourceVersion",
        "fieldPath",
    ];
    const SOURCE: &[&str] = &["component", "host"];
    const SERIES: &[&str] = &["count", "lastObservedTime"];
    let rank = |parent: &str, k: &str| {
        let order = match parent {
            "" => LIST,
            "items" => EVENT,
            "metadata" => super::gojson::OBJECT_META_FIELDS,
            "involvedObject" | "related" => REFERENCE,
            "source" => SOURCE,
            "series" => SERIES,
            _ => &[],
        };
        (
            order.iter().position(|o| *o == k).unwrap_or(order.len()),
            k.to_string(),
        )
    };
    let mut out = String::new();
    json_indented(v, 0, 4, "", &mut out, &rank);
    out.push('\n');
    out
}

// ------------------------------------------------------------------ JSON

/// A key's place among its siblings, given the key that holds them (`""` at the top;
/// an array's elements are held by the array's key).
type Rank<'a> = &'a dyn Fn(&str, &str) -> (usize, String);

fn json_value(v: &Value, depth: usize, out: &mut String, rank: Rank) {
    json_indented(v, depth, 4, "", out, rank)
}

/// JSON with `step` spaces per level, or on one line without spaces when `step` is 0
/// (Go's json.Marshal).
fn json_indented(v: &Value, depth: usize, step: usize, parent: &str, out: &mut String, rank: Rank) {
    let newline = |out: &mut String, level: usize| {
        if step > 0 {
            out.push('\n');
            pad(out, level * step);
        }
    };
    match v {
        Value::Object(m) if m.is_empty() => out.push_str("{}"),
        Value::Array(a) if a.is_empty() => out.push_str("[]"),
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            crate::sort::sort_by_key(&mut keys, |k| rank(parent, k));
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                newline(out, depth + 1);
                json_string(k, out);
                out.push_str(if step > 0 { ": " } else { ":" });
                if let Some(x) = m.get(*k) {
                    json_indented(x, depth + 1, step, k, out, rank);
                }
                if i + 1 < keys.len() {
                    out.push(',');
                }
            }
            newline(out, depth);
            out.push('}');
        }
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                newline(out, depth + 1);
                json_indented(x, depth + 1, step, parent, out, rank);
                if i + 1 < a.len() {
                    out.push(',');
                }
            }
            newline(out, depth);
            out.push(']');
        }
        Value::String(s) => json_string(s, out),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Null => out.push_str("null"),
    }
}

fn pad(out: &mut String, n: usize) {
    for _ in 0..n {
        out.push(' ');
    }
}

/// Go `encoding/json` string escaping (HTML-safe: `<`, `>`, `&` as `\u003c`...; Go >= 1.22
/// writes `\b` and `\f`). Verified against kubectl.1.33 `-o json` on `<&>`.
pub(crate) fn json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

// ------------------------------------------------------------------ YAML

struct Yaml {
    out: String,
}

fn is_empty_collection(v: &Value) -> bool {
    matches!(v, Value::Object(m) if m.is_empty()) || matches!(v, Value::Array(a) if a.is_empty())
}

fn col(out: &str) -> usize {
    out.rsplit('\n').next().map_or(0, |l| l.chars().count())
}

impl Yaml {
    /// Writes the entries of a mapping at `indent`. When `inline_first` the first key goes
    /// on the current line (after `- `).
    fn mapping(&mut self, v: &Value, indent: usize, inline_first: bool) {
        let Value::Object(m) = v else { return };
        let mut keys: Vec<&String> = m.keys().collect();
        crate::sort::sort(&mut keys);
        for (i, k) in keys.iter().enumerate() {
            if !(i == 0 && inline_first) {
                pad(&mut self.out, indent);
            }
            let key = key_scalar(k);
            self.out.push_str(&key);
            self.out.push(':');
            let Some(val) = m.get(*k) else { continue };
            self.value_after_key(val, indent);
        }
    }

    fn value_after_key(&mut self, val: &Value, indent: usize) {
        match val {
            Value::Object(_) if !is_empty_collection(val) => {
                self.out.push('\n');
                self.mapping(val, indent + 2, false);
            }
            Value::Array(_) if !is_empty_collection(val) => {
                self.out.push('\n');
                self.sequence(val, indent);
            }
            _ => {
                self.out.push(' ');
                let c = col(&self.out);
                let mut s = String::new();
                scalar_inline(val, c, indent + 2, true, &mut s);
                self.out.push_str(&s);
                self.out.push('\n');
            }
        }
    }

    fn sequence(&mut self, v: &Value, indent: usize) {
        let Value::Array(a) = v else { return };
        for item in a {
            pad(&mut self.out, indent);
            self.out.push_str("- ");
            self.item(item, indent);
        }
    }

    fn item(&mut self, item: &Value, indent: usize) {
        match item {
            Value::Object(_) if !is_empty_collection(item) => self.mapping(item, indent + 2, true),
            Value::Array(a) if !a.is_empty() => {
                // Nested sequence: `- - a` then `  - b`.
                for (i, x) in a.iter().enumerate() {
                    if i > 0 {
                        pad(&mut self.out, indent + 2);
                    }
                    self.out.push_str("- ");
                    self.item(x, indent + 2);
                }
            }
            _ => {
                let c = col(&self.out);
                let mut s = String::new();
                scalar_inline(item, c, indent + 2, true, &mut s);
                self.out.push_str(&s);
                self.out.push('\n');
            }
        }
    }
}

/// Renders a scalar (or empty collection) starting at column `column`; continuation
/// lines (folding, block scalars) are indented by `indent`. No trailing newline.
fn scalar_inline(v: &Value, column: usize, indent: usize, allow_breaks: bool, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::Object(_) => out.push_str("{}"),
        Value::Array(_) => out.push_str("[]"),
        Value::String(s) => string_scalar(s, column, indent, allow_breaks, false, out),
    }
}

fn key_scalar(k: &str) -> String {
    let mut s = String::new();
    string_scalar(k, 0, 0, false, true, &mut s);
    s
}

#[derive(Clone, Copy, PartialEq)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

/// libyaml `yaml_emitter_analyze_scalar`, reduced to what the block context needs.
struct Analysis {
    multiline: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

fn is_printable(c: char) -> bool {
    let u = c as u32;
    u == 0x0A
        || (0x20..=0x7E).contains(&u)
        || u == 0x85
        || (0xA0..=0xD7FF).contains(&u)
        || (0xE000..=0xFFFD).contains(&u) && u != 0xFEFF
        || (0x10000..=0x10FFFF).contains(&u)
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blankz(c: Option<char>) -> bool {
    match c {
        None => true,
        Some(c) => c == ' ' || c == '\t' || c == '\0' || is_break(c),
    }
}

fn analyze(s: &str) -> Analysis {
    if s.is_empty() {
        return Analysis {
            multiline: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let chars: Vec<char> = s.chars().collect();
    let mut block_indicators = false;
    let mut special = false;
    let mut line_breaks = false;
    let (mut leading_space, mut leading_break) = (false, false);
    let (mut trailing_space, mut trailing_break) = (false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut previous_space, mut previous_break) = (false, false);
    if s.starts_with("---") || s.starts_with("...") {
        block_indicators = true;
    }
    let mut preceded_by_ws = true;
    let n = chars.len();
    for (i, &c) in chars.iter().enumerate() {
        let followed_by_ws = is_blankz(chars.get(i + 1).copied());
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => block_indicators = true,
                '?' | ':' if followed_by_ws => block_indicators = true,
                '-' if followed_by_ws => block_indicators = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_by_ws => block_indicators = true,
                '#' if preceded_by_ws => block_indicators = true,
                _ => {}
            }
        }
        if !is_printable(c) {
            special = true;
        }
        if is_break(c) {
            line_breaks = true;
        }
        if c == ' ' {
            if i == 0 {
                leading_space = true;
            }
            if i + 1 == n {
                trailing_space = true;
            }
            if previous_break {
                break_space = true;
            }
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            if i == 0 {
                leading_break = true;
            }
            if i + 1 == n {
                trailing_break = true;
            }
            if previous_space {
                space_break = true;
            }
            previous_break = true;
            previous_space = false;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_ws = is_blankz(Some(c));
    }
    let mut a = Analysis {
        multiline: line_breaks,
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.block_plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
        a.block_allowed = false;
    }
    if line_breaks {
        a.block_plain_allowed = false;
    }
    if block_indicators {
        a.block_plain_allowed = false;
    }
    a
}

/// go-yaml v2 `resolve`: would this plain scalar read back as something other than a
/// string (null, bool, int, float, timestamp, base-60 float)?
pub fn resolves_to_non_string(s: &str) -> bool {
    const SPECIAL: &[&str] = &[
        "", "~", "null", "Null", "NULL", "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
        "true", "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF",
        ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan",
        ".NaN", ".NAN",
    ];
    if SPECIAL.contains(&s) {
        return true;
    }
    let Some(first) = s.chars().next() else {
        return true;
    };
    if !(first.is_ascii_digit() || first == '+' || first == '-' || first == '.') {
        return false;
    }
    let plain: String = s.chars().filter(|c| *c != '_').collect();
    is_go_int(&plain) || is_yaml_float(&plain) || is_base60_float(s) || is_timestamp(s)
}

fn is_go_int(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    if body.is_empty() {
        return false;
    }
    let lower = body.to_ascii_lowercase();
    if let Some(h) = lower.strip_prefix("0x") {
        return !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit());
    }
    if let Some(b) = lower.strip_prefix("0b") {
        return !b.is_empty() && b.chars().all(|c| c == '0' || c == '1');
    }
    if let Some(o) = lower.strip_prefix("0o") {
        return !o.is_empty() && o.chars().all(|c| ('0'..='7').contains(&c));
    }
    if body.len() > 1 && body.starts_with('0') {
        return body.chars().all(|c| ('0'..='7').contains(&c));
    }
    body.chars().all(|c| c.is_ascii_digit())
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn is_yaml_float(s: &str) -> bool {
    let b = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (mant, exp) = match b.find(['e', 'E']) {
        Some(i) => (b.get(..i).unwrap_or(""), Some(b.get(i + 1..).unwrap_or(""))),
        None => (b, None),
    };
    let mant_ok = if let Some(frac) = mant.strip_prefix('.') {
        !frac.is_empty() && frac.chars().all(|c| c.is_ascii_digit())
    } else {
        let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
        !int.is_empty()
            && int.chars().all(|c| c.is_ascii_digit())
            && frac.chars().all(|c| c.is_ascii_digit())
    };
    let exp_ok = match exp {
        None => true,
        Some(e) => {
            let e = e.strip_prefix(['+', '-']).unwrap_or(e);
            !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
        }
    };
    mant_ok && exp_ok
}

/// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`
fn is_base60_float(s: &str) -> bool {
    let b = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (main, frac) = b.split_once('.').unwrap_or((b, ""));
    if !frac.chars().all(|c| c.is_ascii_digit() || c == '_') {
        return false;
    }
    let mut parts = main.split(':');
    let Some(head) = parts.next() else {
        return false;
    };
    if !head.starts_with(|c: char| c.is_ascii_digit())
        || !head.chars().all(|c| c.is_ascii_digit() || c == '_')
    {
        return false;
    }
    let rest: Vec<&str> = parts.collect();
    !rest.is_empty()
        && rest.iter().all(|p| {
            let b = p.as_bytes();
            match b {
                [d] => d.is_ascii_digit(),
                [a, d] => (b'0'..=b'5').contains(a) && d.is_ascii_digit(),
                _ => false,
            }
        })
}

/// go-yaml v2 timestamp formats: `2006-1-2`, `2006-1-2T15:4:5.999999999Z07:00`,
/// `2006-1-2t15:4:5...`, `2006-1-2 15:4:5.999999999`.
fn is_timestamp(s: &str) -> bool {
    let date_end = s.find(['T', 't', ' ']).unwrap_or(s.len());
    let date = s.get(..date_end).unwrap_or("");
    let parts: Vec<&str> = date.split('-').collect();
    let date_ok = matches!(parts.as_slice(), [y, m, d]
        if y.len() == 4 && y.chars().all(|c| c.is_ascii_digit())
            && (1..=2).contains(&m.len()) && m.chars().all(|c| c.is_ascii_digit())
            && (1..=2).contains(&d.len()) && d.chars().all(|c| c.is_ascii_digit()));
    if !date_ok {
        return false;
    }
    let Some(time) = s.get(date_end + 1..) else {
        return true;
    };
    // A loose check of `15:4:5[.frac][Z|+07:00]`.
    let t: Vec<&str> = time.splitn(3, ':').collect();
    matches!(t.as_slice(), [h, m, rest]
        if (1..=2).contains(&h.len()) && h.chars().all(|c| c.is_ascii_digit())
            && (1..=2).contains(&m.len()) && m.chars().all(|c| c.is_ascii_digit())
            && rest.chars().next().is_some_and(|c| c.is_ascii_digit()))
}

fn string_scalar(
    s: &str,
    column: usize,
    indent: usize,
    allow_breaks: bool,
    simple_key: bool,
    out: &mut String,
) {
    let a = analyze(s);
    // go-yaml v2 encoder: multi-line -> literal; resolves as string -> plain; else double.
    // `<<` is emitted plain (verified with kubectl.1.33).
    let mut style = if s.contains('\n') {
        Style::Literal
    } else if s == "<<" || !resolves_to_non_string(s) {
        Style::Plain
    } else {
        Style::Double
    };
    // libyaml `yaml_emitter_select_scalar_style` (block context).
    if style == Style::Plain && (!a.block_plain_allowed || (s.is_empty() && simple_key)) {
        style = Style::Single;
    }
    if style == Style::Single && !a.single_quoted_allowed {
        style = Style::Double;
    }
    if style == Style::Literal && (!a.block_allowed || simple_key) {
        style = Style::Double;
    }
    if simple_key && a.multiline {
        style = Style::Double;
    }
    match style {
        Style::Plain => write_plain(s, column, indent, allow_breaks, out),
        Style::Single => write_single(s, column, indent, allow_breaks, out),
        Style::Double => write_double(s, column, indent, allow_breaks, out),
        Style::Literal => write_literal(s, indent, out),
    }
}

fn newline_indent(out: &mut String, indent: usize, column: &mut usize) {
    out.push('\n');
    pad(out, indent);
    *column = indent;
}

fn write_plain(s: &str, column: usize, indent: usize, allow_breaks: bool, out: &mut String) {
    let mut col = column;
    let chars: Vec<char> = s.chars().collect();
    let mut spaces = false;
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let next_space = chars.get(i + 1) == Some(&' ');
            if allow_breaks && !spaces && col > BEST_WIDTH && !next_space {
                newline_indent(out, indent, &mut col);
            } else {
                out.push(c);
                col += 1;
            }
            spaces = true;
        } else {
            out.push(c);
            col += 1;
            spaces = false;
        }
    }
}

fn write_single(s: &str, column: usize, indent: usize, allow_breaks: bool, out: &mut String) {
    out.push('\'');
    let mut col = column + 1;
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    let mut spaces = false;
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let next_space = chars.get(i + 1) == Some(&' ');
            if allow_breaks && !spaces && col > BEST_WIDTH && i != 0 && i + 1 != n && !next_space {
                newline_indent(out, indent, &mut col);
            } else {
                out.push(c);
                col += 1;
            }
            spaces = true;
        } else {
            if c == '\'' {
                out.push('\'');
                col += 1;
            }
            out.push(c);
            col += 1;
            spaces = false;
        }
    }
    out.push('\'');
}

fn write_double(s: &str, column: usize, indent: usize, allow_breaks: bool, out: &mut String) {
    out.push('"');
    let mut col = column + 1;
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    let mut spaces = false;
    for (i, &c) in chars.iter().enumerate() {
        let esc: Option<String> = match c {
            '\0' => Some("\\0".into()),
            '\u{7}' => Some("\\a".into()),
            '\u{8}' => Some("\\b".into()),
            '\t' => Some("\\t".into()),
            '\n' => Some("\\n".into()),
            '\u{b}' => Some("\\v".into()),
            '\u{c}' => Some("\\f".into()),
            '\r' => Some("\\r".into()),
            '\u{1b}' => Some("\\e".into()),
            '"' => Some("\\\"".into()),
            '\\' => Some("\\\\".into()),
            '\u{85}' => Some("\\N".into()),
            '\u{a0}' => Some("\\_".into()),
            '\u{2028}' => Some("\\L".into()),
            '\u{2029}' => Some("\\P".into()),
            c if !is_printable(c) || c == '\u{feff}' => {
                let u = c as u32;
                Some(if u <= 0xFF {
                    format!("\\x{u:02X}")
                } else if u <= 0xFFFF {
                    format!("\\u{u:04X}")
                } else {
                    format!("\\U{u:08X}")
                })
            }
            _ => None,
        };
        if let Some(e) = esc {
            col += e.len();
            out.push_str(&e);
            spaces = false;
        } else if c == ' ' {
            if allow_breaks && !spaces && col > BEST_WIDTH && i != 0 && i + 1 != n {
                newline_indent(out, indent, &mut col);
                if chars.get(i + 1) == Some(&' ') {
                    out.push('\\');
                    col += 1;
                }
            } else {
                out.push(' ');
                col += 1;
            }
            spaces = true;
        } else {
            out.push(c);
            col += 1;
            spaces = false;
        }
    }
    out.push('"');
}

/// Literal block scalar: `|` with chomping (`-` no final break, `+` several) and an
/// indentation indicator when the text starts with a space or a break.
fn write_literal(s: &str, indent: usize, out: &mut String) {
    out.push('|');
    if s.starts_with(' ') || s.starts_with('\n') {
        out.push('2');
    }
    if !s.ends_with('\n') {
        out.push('-');
    } else if s.len() == 1 || s.ends_with("\n\n") {
        out.push('+');
    }
    let body = s.strip_suffix('\n').unwrap_or(s);
    for line in body.split('\n') {
        out.push('\n');
        if !line.is_empty() {
            pad(out, indent);
            out.push_str(line);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolver_matches_go_yaml_v2() {
        // Quoted in kubectl.1.33 `create configmap ... -o yaml` output (see tests/data/manifest).
        for s in [
            "9153",
            "on",
            "",
            "null",
            "1.5",
            "~",
            "0x1F",
            "1e3",
            "n",
            "Yes",
            ".5",
            "1:20",
            "2024-01-02",
        ] {
            assert!(resolves_to_non_string(s), "{s:?}");
        }
        for s in ["x", "nginx", "a,b", "x#y", "-", "80-8080", "10.96.0.1"] {
            assert!(!resolves_to_non_string(s), "{s:?}");
        }
    }
}
