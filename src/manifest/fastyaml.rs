//! A quick reader for the plain block YAML nearly every manifest is written in: block
//! mappings and sequences, plain and one-line quoted scalars, comments. It answers
//! `None` for anything else - flow collections other than `[]`/`{}`, block scalars,
//! anchors, tags, multi-line scalars, tabs, numbers other than plain decimal integers,
//! duplicate keys, anything malformed - and the caller then reads the document with
//! serde_yaml and `yamlconv`, which also word every syntax error as go-yaml does.
//!
//! Why: libyaml's event stream plus the conversion cost ~115K instructions for a
//! 25-line Deployment, 10% of the settle benchmark; this reader does it in a tenth.
//! What it returns must equal what `yamlconv` returns for the same text: the unit tests
//! and a property test compare the two on every document they both read.

use super::yamlconv::{key_string, yaml11_bool};
use serde_json::{Map, Value};

/// Deepest nesting read here; serde_yaml stops at 128 with its own error.
const MAX_DEPTH: usize = 64;

#[derive(Clone, Copy)]
struct Line<'a> {
    indent: usize,
    content: &'a str,
}

/// One document's text as [`super::split_yaml`] cuts it, read into JSON, or `None`
/// when the text is outside the subset (or empty: the slow path knows what that means).
pub(crate) fn read(src: &str) -> Option<Value> {
    let mut lines = Vec::new();
    // libyaml refuses non-printable characters ("control characters are not allowed");
    // tabs and carriage returns are left to it too.
    if !src.chars().all(|c| c == '\n' || printable(c)) {
        return None;
    }
    for raw in src.split('\n') {
        let content = raw.trim_start_matches(' ');
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let indent = raw.len() - content.len();
        if indent == 0 && (content.starts_with("---") || content.starts_with("...")) {
            return None;
        }
        if content.starts_with('%') {
            return None;
        }
        lines.push(Line { indent, content });
    }
    let first = lines.first()?;
    if first.indent != 0 || is_item(first.content) {
        return None;
    }
    let mut reader = Reader { lines, pos: 0 };
    let value = reader.mapping(0, 0)?;
    // Everything must have been read: a line left over is outside the subset.
    (reader.pos == reader.lines.len()).then_some(value)
}

/// libyaml's `IS_PRINTABLE`, less tab and carriage return, and less the byte-order mark.
fn printable(c: char) -> bool {
    matches!(c, ' '..='~' | '\u{85}' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
        && c != '\u{FEFF}'
}

struct Reader<'a> {
    lines: Vec<Line<'a>>,
    pos: usize,
}

/// `- x` or a lone `-`: a block sequence entry.
fn is_item(content: &str) -> bool {
    content == "-" || content.starts_with("- ")
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<Line<'a>> {
        self.lines.get(self.pos).copied()
    }

    /// The node starting at the current line, whose indentation is `indent`.
    fn node(&mut self, indent: usize, depth: usize) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        if is_item(self.peek()?.content) {
            self.sequence(indent, depth)
        } else {
            self.mapping(indent, depth)
        }
    }

    fn mapping(&mut self, indent: usize, depth: usize) -> Option<Value> {
        let mut out = Map::new();
        while let Some(line) = self.peek() {
            if line.indent < indent {
                break;
            }
            if line.indent > indent || is_item(line.content) {
                return None;
            }
            let content = line.content;
            let colon = key_end(content)?;
            let key = content.get(..colon)?;
            if key.starts_with(|c: char| INDICATORS.contains(c))
                || key.ends_with(' ')
                || key == "<<"
            {
                return None;
            }
            let key = key_string(&plain(key)?)?;
            let rest = content.get(colon + 1..)?.trim_start_matches(' ');
            self.pos += 1;
            let value = if rest.is_empty() || rest.starts_with('#') {
                self.nested(indent, true, depth)?
            } else {
                self.end_of_scalar(indent)?;
                scalar(rest)?
            };
            if out.insert(key, value).is_some() {
                return None; // a duplicate key: the slow path knows go-yaml's rule
            }
        }
        Some(Value::Object(out))
    }

    fn sequence(&mut self, indent: usize, depth: usize) -> Option<Value> {
        let mut out = Vec::new();
        while let Some(line) = self.peek() {
            if line.indent < indent {
                break;
            }
            if line.indent > indent {
                return None;
            }
            if !is_item(line.content) {
                break; // the next key of the mapping this sequence is a value in
            }
            let after = line.content.get(1..)?;
            let rest = after.trim_start_matches(' ');
            if rest.is_empty() || rest.starts_with('#') {
                self.pos += 1;
                out.push(self.nested(indent, false, depth)?);
                continue;
            }
            if is_item(rest) {
                return None; // `- - x`
            }
            if key_end(rest).is_some() {
                // `- key: value`: a mapping whose keys line up after the dash.
                let inner = indent + 1 + (after.len() - rest.len());
                if let Some(line) = self.lines.get_mut(self.pos) {
                    line.indent = inner;
                    line.content = rest;
                }
                out.push(self.mapping(inner, depth + 1)?);
            } else {
                self.pos += 1;
                self.end_of_scalar(indent)?;
                out.push(scalar(rest)?);
            }
        }
        Some(Value::Array(out))
    }

    /// The value of a key (or entry) with nothing after it on its line: a deeper block,
    /// a sequence at the key's own indentation (mappings only), or null.
    fn nested(&mut self, indent: usize, in_mapping: bool, depth: usize) -> Option<Value> {
        match self.peek() {
            Some(next) if next.indent > indent => {
                let inner = next.indent;
                self.node(inner, depth + 1)
            }
            Some(next) if in_mapping && next.indent == indent && is_item(next.content) => {
                self.sequence(indent, depth + 1)
            }
            _ => Some(Value::Null),
        }
    }

    /// A scalar ends its line; a deeper line after it would continue it (a multi-line
    /// plain scalar) or be an error: both are the slow path's.
    fn end_of_scalar(&self, indent: usize) -> Option<()> {
        match self.peek() {
            Some(next) if next.indent > indent => None,
            _ => Some(()),
        }
    }
}

/// Characters that cannot start a plain scalar here (YAML's indicators).
const INDICATORS: &str = "-?:,[]{}#&*!|>'\"%@`";

/// The byte offset of the `:` that ends a plain key (`key: v` or `key:` at the end).
fn key_end(content: &str) -> Option<usize> {
    if content.starts_with(['"', '\'', '[', '{', '?', '&', '*', '!']) {
        return None;
    }
    let bytes = content.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'#' && i > 0 && bytes[i - 1] == b' ' {
            return None; // a comment before any `: `
        }
        if bytes[i] == b':' && (i + 1 == bytes.len() || bytes[i + 1] == b' ') {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// A scalar value written on one line after `key: ` or `- `.
fn scalar(text: &str) -> Option<Value> {
    match text.as_bytes().first()? {
        b'"' => double_quoted(text),
        b'\'' => single_quoted(text),
        b'[' | b'{' => {
            let (flow, rest) = text.split_at(2.min(text.len()));
            if (flow == "[]" || flow == "{}") && only_comment(rest) {
                Some(if flow == "[]" {
                    Value::Array(Vec::new())
                } else {
                    Value::Object(Map::new())
                })
            } else {
                None
            }
        }
        b'-' | b'?' | b':' if text.as_bytes().get(1).is_none_or(|b| *b == b' ') => None,
        b'-' => plain_value(text),
        c if INDICATORS.as_bytes().contains(c) => None,
        _ => plain_value(text),
    }
}

/// What may follow a quoted scalar or `[]` on its line: spaces, then maybe a comment.
fn only_comment(rest: &str) -> bool {
    let t = rest.trim_start_matches(' ');
    t.is_empty() || (t.starts_with('#') && t.len() < rest.len())
}

fn plain_value(text: &str) -> Option<Value> {
    let end = text.find(" #").unwrap_or(text.len());
    let value = text.get(..end)?.trim_end_matches(' ');
    if value.contains(": ") || value.ends_with(':') {
        return None;
    }
    plain(value)
}

/// A plain scalar resolved as go-yaml v2 + serde_yaml resolve it in `yamlconv`: nulls,
/// YAML 1.1 and 1.2 booleans, decimal integers; anything else number-like is left to
/// the slow path.
fn plain(s: &str) -> Option<Value> {
    match s {
        "~" | "null" | "Null" | "NULL" => return Some(Value::Null),
        "true" | "True" | "TRUE" => return Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Value::Bool(false)),
        _ => {}
    }
    if let Some(b) = yaml11_bool(s) {
        return Some(Value::Bool(b));
    }
    let first = *s.as_bytes().first()?;
    let second = s.as_bytes().get(1).copied().unwrap_or(b' ');
    let number_like = first.is_ascii_digit()
        || matches!(first, b'+' | b'.')
        || (first == b'-' && (second.is_ascii_digit() || second == b'.'));
    if number_like {
        let digits = s.strip_prefix('-').unwrap_or(s);
        let decimal = !digits.is_empty()
            && digits.len() <= 18
            && digits.bytes().all(|b| b.is_ascii_digit())
            && (digits == "0" || !digits.starts_with('0'))
            && !(s.starts_with('-') && digits == "0");
        return if decimal {
            s.parse::<i64>().ok().map(Value::from)
        } else {
            None
        };
    }
    Some(Value::String(s.to_string()))
}

fn double_quoted(text: &str) -> Option<Value> {
    let mut out = String::new();
    let mut chars = text.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => {
                return only_comment(text.get(i + 1..)?).then_some(Value::String(out));
            }
            '\\' => out.push(match chars.next()?.1 {
                '\\' => '\\',
                '"' => '"',
                '/' => '/',
                'n' => '\n',
                't' => '\t',
                _ => return None,
            }),
            c => out.push(c),
        }
    }
    None // the string goes on to the next line
}

fn single_quoted(text: &str) -> Option<Value> {
    let mut out = String::new();
    let mut chars = text.char_indices().skip(1).peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\'' {
            if chars.peek().is_some_and(|(_, n)| *n == '\'') {
                chars.next();
                out.push('\'');
                continue;
            }
            return only_comment(text.get(i + 1..)?).then_some(Value::String(out));
        }
        out.push(c);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The slow path's reading of one document, as `read_yaml` does it.
    fn slow(src: &str) -> Option<Value> {
        let de = serde_yaml::Deserializer::from_str(src).next()?;
        super::super::yamlconv::to_json(de, src).ok()
    }

    /// Every document the fast reader reads, it reads as the slow path does.
    fn same(src: &str) -> bool {
        match read(src) {
            Some(v) => {
                assert_eq!(
                    Some(&v),
                    slow(src).as_ref(),
                    "fast and slow differ on:\n{src}"
                );
                true
            }
            None => false,
        }
    }

    #[test]
    fn reads_a_deployment_as_serde_yaml_does() {
        let src = "apiVersion: apps/v1\nkind: Deployment   # a comment\nmetadata:\n  name: web\n  labels: {}\n  annotations:\n    note: \"a \\\"quoted\\\" # not a comment\"\n    other: 'it''s'\nspec:\n  replicas: 3\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n        args: []\n        ports:\n        -   containerPort: 80\n            name: http\n        - containerPort: 443\n      -\n        name: side\n        command:\n          - sleep\n          - \"3600\"\n      nodeSelector:\n";
        assert!(same(src));
    }

    #[test]
    fn resolves_scalars_as_go_yaml_does() {
        for v in [
            "yes",
            "no",
            "on",
            "Off",
            "y",
            "N",
            "true",
            "False",
            "null",
            "~",
            "0",
            "7",
            "-12",
            "123456789012345678",
            "nginx",
            "a#b",
            "x,y",
            "it's",
            "-c",
            "=x",
            "a:b",
        ] {
            assert!(same(&format!("k: {v}\n")), "{v}");
            assert!(same(&format!("{v}: k\n")) || v.starts_with('-'), "key {v}");
            assert!(same(&format!("k:\n- {v}\n")), "item {v}");
        }
    }

    #[test]
    fn leaves_everything_else_to_the_slow_path() {
        for src in [
            "k: 1.5\n",
            "k: 007\n",
            "k: -0\n",
            "k: 0x1F\n",
            "k: .inf\n",
            "k: 10.96.0.10\n",
            "k: [a, b]\n",
            "k: {a: b}\n",
            "k: |\n  text\n",
            "k: &a x\nj: *a\n",
            "k: !!str 5\n",
            "k: a\n  continued\n",
            "k: a: b\n",
            "k: \"unterminated\n",
            "k:\tv\n",
            "k: v\r\n",
            "k: a\u{0}b\n",
            "k: a\u{7f}\n",
            "\u{feff}k: v\n",
            "k: a\nk: b\n",
            "<<: {a: b}\n",
            "- a\n",
            "  k: v\n",
            "k: v\n j: w\n",
            "k:\n- - a\n",
            "\"quoted key\": v\n",
            "k: \"\\u0041\"\n",
            "",
            "# only a comment\n",
        ] {
            assert_eq!(read(src), None, "{src:?}");
        }
    }

    /// Data-driven: every manifest in the transcripts' heredocs (ours and the shared
    /// examples), document by document. Most are read quickly, all the same way.
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn transcript_manifests_read_the_same_both_ways() {
        let root = env!("CARGO_MANIFEST_DIR");
        let mut fast = 0;
        let mut total = 0;
        for dir in [
            format!("{root}/tests/transcripts"),
            format!("{root}/../shared/transcripts"),
        ] {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
                for body in heredocs(&text) {
                    let Ok(chunks) = super::super::split_yaml(&body) else {
                        continue;
                    };
                    for chunk in chunks {
                        total += 1;
                        if same(chunk.text) {
                            fast += 1;
                        }
                    }
                }
            }
        }
        assert!(
            total > 100 && fast * 10 > total * 8,
            "{fast} of {total} read quickly"
        );
    }

    /// The bodies of `<<EOF`-style heredocs in a transcript.
    fn heredocs(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut lines = text.lines();
        while let Some(line) = lines.next() {
            let Some(at) = line.find("<<") else { continue };
            let word: String = line[at + 2..]
                .trim_start_matches(['-', ' '])
                .trim_matches(['\'', '"'])
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if word.is_empty() {
                continue;
            }
            // A debugging shell's input (`kubectl debug ... <<EOF`) is no manifest.
            let shell_input = line.contains("kubectl debug ");
            let mut body = String::new();
            for l in lines.by_ref() {
                if l.trim() == word {
                    break;
                }
                body.push_str(l);
                body.push('\n');
            }
            if !shell_input {
                out.push(body);
            }
        }
        out
    }

    #[cfg(not(target_arch = "wasm32"))]
    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// Scalars the fast reader reads itself.
        const SIMPLE: &[&str] = &[
            "nginx",
            "nginx:1.27",
            "80",
            "0",
            "-3",
            "yes",
            "off",
            "y",
            "true",
            "null",
            "~",
            "'quoted'",
            "\"dq \\\" x\"",
            "a # comment",
            "a#b",
            "[]",
            "{}",
            "-c",
            "it's",
            "http://x",
            "'a''b'",
            "\"\"",
            "''",
        ];
        /// Scalars it leaves to serde_yaml.
        const TRICKY: &[&str] = &["1.5", "007", "0x10", "[a]", "-", "a: b", "&x y", "|"];

        fn scalar(tricky: bool) -> impl Strategy<Value = String> {
            let mut pool = SIMPLE.to_vec();
            if tricky {
                pool.extend_from_slice(TRICKY);
            }
            prop::sample::select(pool).prop_map(str::to_string)
        }

        fn key() -> impl Strategy<Value = String> {
            prop::sample::select(vec![
                "app", "name", "yes", "1", "a.b/c", "x-y", "port", "on",
            ])
            .prop_map(str::to_string)
        }

        #[derive(Debug, Clone)]
        enum Node {
            Scalar(String),
            Map(Vec<(String, Node)>),
            Seq(Vec<Node>),
        }

        fn node(tricky: bool) -> impl Strategy<Value = Node> {
            scalar(tricky)
                .prop_map(Node::Scalar)
                .prop_recursive(4, 24, 4, |inner| {
                    prop_oneof![
                        prop::collection::vec((key(), inner.clone()), 1..4).prop_map(Node::Map),
                        prop::collection::vec(inner, 1..4).prop_map(Node::Seq),
                    ]
                })
        }

        /// Block YAML for `node` as the value of a key at `indent`; `compact` writes a
        /// mapping in a sequence entry on the dash's line, `same_column` a sequence under
        /// a key at the key's own column.
        fn write(out: &mut String, node: &Node, indent: usize, compact: bool, same_column: bool) {
            let pad = " ".repeat(indent);
            match node {
                Node::Scalar(s) => {
                    out.push(' ');
                    out.push_str(s);
                    out.push('\n');
                }
                Node::Map(entries) => {
                    out.push('\n');
                    for (k, v) in entries {
                        out.push_str(&format!("{pad}{k}:"));
                        let inner = if same_column && matches!(v, Node::Seq(_)) {
                            indent
                        } else {
                            indent + 2
                        };
                        write(out, v, inner, compact, same_column);
                    }
                }
                Node::Seq(items) => {
                    out.push('\n');
                    for item in items {
                        match item {
                            Node::Map(entries) if compact => {
                                for (i, (k, v)) in entries.iter().enumerate() {
                                    let lead = if i == 0 {
                                        format!("{pad}- ")
                                    } else {
                                        format!("{pad}  ")
                                    };
                                    out.push_str(&format!("{lead}{k}:"));
                                    let inner = if same_column && matches!(v, Node::Seq(_)) {
                                        indent + 2
                                    } else {
                                        indent + 4
                                    };
                                    write(out, v, inner, compact, same_column);
                                }
                            }
                            other => {
                                out.push_str(&format!("{pad}-"));
                                write(out, other, indent + 2, compact, same_column);
                            }
                        }
                    }
                }
            }
        }

        /// The document for `entries` at the top level.
        fn render(entries: Vec<(String, Node)>, compact: bool, same_column: bool) -> String {
            let mut src = String::new();
            write(&mut src, &Node::Map(entries), 0, compact, same_column);
            src.trim_start_matches('\n').to_string()
        }

        /// No mapping repeats a key (as resolved: `yes` and `on` are both `true`).
        fn unique_keys(node: &Node) -> bool {
            match node {
                Node::Scalar(_) => true,
                Node::Seq(items) => items.iter().all(unique_keys),
                Node::Map(entries) => {
                    let mut keys: Vec<Option<String>> = entries
                        .iter()
                        .map(|(k, _)| plain(k).as_ref().and_then(key_string))
                        .collect();
                    crate::sort::sort(&mut keys);
                    keys.windows(2).all(|w| w[0] != w[1])
                        && entries.iter().all(|(_, v)| unique_keys(v))
                }
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]
            #[test]
            fn fast_reads_agree_with_serde_yaml(
                entries in prop::collection::vec((key(), node(true)), 1..5),
                compact: bool,
                same_column: bool,
            ) {
                // `same` asserts equality whenever the fast reader answers.
                same(&render(entries, compact, same_column));
            }

            #[test]
            fn plain_block_yaml_is_read_quickly(
                entries in prop::collection::vec((key(), node(false)), 1..5),
                compact: bool,
                same_column: bool,
            ) {
                // Duplicate keys are the slow path's, by design.
                let unique = unique_keys(&Node::Map(entries.clone()));
                let src = render(entries, compact, same_column);
                if unique {
                    prop_assert!(same(&src), "not read quickly:\n{}", src);
                }
            }
        }
    }

    #[test]
    fn sequences_of_mappings_keep_their_columns() {
        assert!(same("a:\n- b: 1\n  c: 2\n- d: 3\ne: f\n"));
        assert!(same("a:\n  - b: 1\n    c:\n      - x\n  - d: 3\n"));
        assert!(same("a:\n-\n  b: 1\n- \n"));
        assert_eq!(read("a:\n- b: 1\n   c: 2\n"), None);
    }
}
