//! Label selectors: the Service's equality map, the workload `LabelSelector`
//! (matchLabels + matchExpressions) and kubectl's `-l` string syntax, all as one enum
//! of requirements so that matching is written once.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

pub type Labels = BTreeMap<String, String>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Requirement {
    Equals(String, String),
    NotEquals(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    DoesNotExist(String),
    GreaterThan(String, i64),
    LessThan(String, i64),
}

impl Requirement {
    pub fn matches(&self, labels: &Labels) -> bool {
        match self {
            Requirement::Equals(k, v) => labels.get(k) == Some(v),
            Requirement::NotEquals(k, v) => labels.get(k) != Some(v),
            Requirement::In(k, vs) => labels.get(k).is_some_and(|l| vs.contains(l)),
            Requirement::NotIn(k, vs) => !labels.get(k).is_some_and(|l| vs.contains(l)),
            Requirement::Exists(k) => labels.contains_key(k),
            Requirement::DoesNotExist(k) => !labels.contains_key(k),
            Requirement::GreaterThan(k, n) => labels
                .get(k)
                .and_then(|v| v.parse::<i64>().ok())
                .is_some_and(|v| v > *n),
            Requirement::LessThan(k, n) => labels
                .get(k)
                .and_then(|v| v.parse::<i64>().ok())
                .is_some_and(|v| v < *n),
        }
    }
    fn key(&self) -> &str {
        match self {
            Requirement::Equals(k, _)
            | Requirement::NotEquals(k, _)
            | Requirement::In(k, _)
            | Requirement::NotIn(k, _)
            | Requirement::Exists(k)
            | Requirement::DoesNotExist(k)
            | Requirement::GreaterThan(k, _)
            | Requirement::LessThan(k, _) => k,
        }
    }
}

/// A conjunction of requirements. `Nothing` matches no object (a workload without a
/// selector); an empty `All` matches everything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    Nothing,
    All(Vec<Requirement>),
}

impl Selector {
    pub fn everything() -> Self {
        Selector::All(Vec::new())
    }

    /// A Service selector: a plain equality map.
    pub fn from_map(map: &Labels) -> Self {
        Selector::All(
            map.iter()
                .map(|(k, v)| Requirement::Equals(k.clone(), v.clone()))
                .collect(),
        )
    }

    /// A workload selector. Unknown operators select nothing (validation rejects them first).
    pub fn from_label_selector(sel: &LabelSelector) -> Self {
        let mut reqs = Vec::new();
        for (k, v) in sel.match_labels.iter().flatten() {
            reqs.push(Requirement::Equals(k.clone(), v.clone()));
        }
        for e in sel.match_expressions.iter().flatten() {
            let vals = e.values.clone().unwrap_or_default();
            reqs.push(match e.operator.as_str() {
                "In" => Requirement::In(e.key.clone(), vals),
                "NotIn" => Requirement::NotIn(e.key.clone(), vals),
                "Exists" => Requirement::Exists(e.key.clone()),
                "DoesNotExist" => Requirement::DoesNotExist(e.key.clone()),
                _ => return Selector::Nothing,
            });
        }
        Selector::All(reqs)
    }

    pub fn matches(&self, labels: &Labels) -> bool {
        match self {
            Selector::Nothing => false,
            Selector::All(reqs) => reqs.iter().all(|r| r.matches(labels)),
        }
    }

    pub fn is_empty(&self) -> bool {
        matches!(self, Selector::All(r) if r.is_empty())
    }

    /// Parses kubectl's `-l` syntax the way the API server does (apimachinery
    /// `pkg/labels/selector.go`: `Lexer`, `Parser`, `NewRequirement`), with its error texts.
    pub fn parse(text: &str) -> Result<Selector, String> {
        let mut p = Parser {
            toks: lex(text),
            pos: 0,
        };
        let mut reqs = p.parse()?;
        crate::sort::sort_by(&mut reqs, |a, b| a.key().cmp(b.key()));
        Ok(Selector::All(reqs))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok {
    Error,
    End,
    ClosedPar,
    Comma,
    DoesNotExist,
    DoubleEquals,
    Equals,
    GreaterThan,
    Identifier,
    In,
    LessThan,
    NotEquals,
    NotIn,
    OpenPar,
}

fn symbol(s: &str) -> Option<Tok> {
    Some(match s {
        ")" => Tok::ClosedPar,
        "," => Tok::Comma,
        "!" => Tok::DoesNotExist,
        "==" => Tok::DoubleEquals,
        "=" => Tok::Equals,
        ">" => Tok::GreaterThan,
        "<" => Tok::LessThan,
        "!=" => Tok::NotEquals,
        "(" => Tok::OpenPar,
        _ => return None,
    })
}

fn is_special(c: char) -> bool {
    matches!(c, '=' | '!' | '(' | ')' | ',' | '>' | '<')
}

/// `Lexer.Lex` over the whole text, ending with `End`.
fn lex(text: &str) -> Vec<(Tok, String)> {
    let mut toks = Vec::new();
    let mut rest = text;
    loop {
        rest = rest.trim_start_matches([' ', '\t', '\r', '\n']);
        let Some(c) = rest.chars().next() else {
            toks.push((Tok::End, String::new()));
            return toks;
        };
        if is_special(c) {
            // the longest symbol: `==` and `!=` before `=` and `!`
            let two = rest.get(..2).and_then(|t| symbol(t).map(|k| (k, t)));
            let (tok, lit) = two.unwrap_or((symbol(&rest[..1]).unwrap_or(Tok::Error), &rest[..1]));
            toks.push((tok, lit.to_string()));
            rest = &rest[lit.len()..];
        } else {
            let end = rest
                .find(|c: char| is_special(c) || matches!(c, ' ' | '\t' | '\r' | '\n'))
                .unwrap_or(rest.len());
            let word = &rest[..end];
            let tok = match word {
                "in" => Tok::In,
                "notin" => Tok::NotIn,
                _ => Tok::Identifier,
            };
            toks.push((tok, word.to_string()));
            rest = &rest[end..];
        }
    }
}

struct Parser {
    toks: Vec<(Tok, String)>,
    pos: usize,
}

/// The selector operators `parseOperator` names when it finds none.
const BINARY_OPS: &str = "in, notin, =, ==, !=, gt, lt";

impl Parser {
    /// The next token; in a value position `in` and `notin` are identifiers.
    fn lookahead(&self, values: bool) -> (Tok, String) {
        let (t, l) = self
            .toks
            .get(self.pos)
            .cloned()
            .unwrap_or((Tok::End, String::new()));
        match t {
            Tok::In | Tok::NotIn if values => (Tok::Identifier, l),
            _ => (t, l),
        }
    }

    fn consume(&mut self, values: bool) -> (Tok, String) {
        let t = self.lookahead(values);
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
        t
    }

    fn parse(&mut self) -> Result<Vec<Requirement>, String> {
        let mut reqs = Vec::new();
        loop {
            let (tok, lit) = self.lookahead(true);
            match tok {
                Tok::Identifier | Tok::DoesNotExist => {
                    let r = self
                        .requirement()
                        .map_err(|e| format!("unable to parse requirement: {e}"))?;
                    reqs.push(r);
                    let (t, l) = self.consume(true);
                    match t {
                        Tok::End => return Ok(reqs),
                        Tok::Comma => {
                            let (t2, l2) = self.lookahead(true);
                            if !matches!(t2, Tok::Identifier | Tok::DoesNotExist) {
                                return Err(format!(
                                    "found '{l2}', expected: identifier after ','"
                                ));
                            }
                        }
                        _ => return Err(format!("found '{l}', expected: ',' or 'end of string'")),
                    }
                }
                Tok::End => return Ok(reqs),
                _ => {
                    return Err(format!(
                        "found '{lit}', expected: !, identifier, or 'end of string'"
                    ))
                }
            }
        }
    }

    fn requirement(&mut self) -> Result<Requirement, String> {
        // parseKeyAndInferOperator
        let (mut tok, mut key) = self.consume(true);
        let not = tok == Tok::DoesNotExist;
        if not {
            (tok, key) = self.consume(true);
        }
        if tok != Tok::Identifier {
            return Err(format!("found '{key}', expected: identifier"));
        }
        let errs = crate::api::names::qualified_name(&key);
        if !errs.is_empty() {
            // validateLabelKey(literal, p.path) with no path: field.Error prints `<nil>`.
            return Err(format!(
                "<nil>: Invalid value: {}: {}",
                go_quote(&key),
                errs.join("; ")
            ));
        }
        let (next, _) = self.lookahead(true);
        if not {
            return Ok(Requirement::DoesNotExist(key));
        }
        if matches!(next, Tok::End | Tok::Comma) {
            return Ok(Requirement::Exists(key));
        }
        // parseOperator
        let (op, lit) = self.consume(false);
        let values = match op {
            Tok::In | Tok::NotIn => self.values()?,
            Tok::Equals | Tok::DoubleEquals | Tok::NotEquals | Tok::GreaterThan | Tok::LessThan => {
                self.exact_value()?
            }
            _ => return Err(format!("found '{lit}', expected: {BINARY_OPS}")),
        };
        // NewRequirement's checks, aggregated
        let mut errs: Vec<String> = Vec::new();
        if matches!(op, Tok::GreaterThan | Tok::LessThan) {
            for (i, v) in values.iter().enumerate() {
                if v.parse::<i64>().is_err() {
                    errs.push(format!("values[{i}]: Invalid value: {}: for 'Gt', 'Lt' operators, the value must be an integer", go_quote(v)));
                }
            }
        }
        for (i, v) in values.iter().enumerate() {
            let bad = crate::api::names::label_value(v);
            if !bad.is_empty() {
                errs.push(format!(
                    "values[{i}][{key}]: Invalid value: {}: {}",
                    go_quote(v),
                    bad.join("; ")
                ));
            }
        }
        errs.dedup();
        match errs.len() {
            0 => {}
            1 => return Err(errs.remove(0)),
            _ => return Err(format!("[{}]", errs.join(", "))),
        }
        let one = || values.first().cloned().unwrap_or_default();
        Ok(match op {
            Tok::In => Requirement::In(key, values),
            Tok::NotIn => Requirement::NotIn(key, values),
            Tok::NotEquals => Requirement::NotEquals(key, one()),
            Tok::GreaterThan => Requirement::GreaterThan(key, one().parse().unwrap_or(0)),
            Tok::LessThan => Requirement::LessThan(key, one().parse().unwrap_or(0)),
            _ => Requirement::Equals(key, one()),
        })
    }

    /// `parseValues`: `(a,b)` as a sorted set.
    fn values(&mut self) -> Result<Vec<String>, String> {
        let (tok, lit) = self.consume(true);
        if tok != Tok::OpenPar {
            return Err(format!("found '{lit}' expected: '('"));
        }
        let (tok, lit) = self.lookahead(true);
        let mut set = match tok {
            Tok::Identifier | Tok::Comma => {
                let s = self.identifiers()?;
                if self.consume(true).0 != Tok::ClosedPar {
                    return Err(format!("found '{lit}', expected: ')'"));
                }
                s
            }
            Tok::ClosedPar => {
                self.consume(true);
                vec![String::new()]
            }
            _ => return Err(format!("found '{lit}', expected: ',', ')' or identifier")),
        };
        crate::sort::sort(&mut set);
        set.dedup();
        Ok(set)
    }

    /// `parseIdentifiersList`
    fn identifiers(&mut self) -> Result<Vec<String>, String> {
        let mut s = Vec::new();
        loop {
            let (tok, lit) = self.consume(true);
            match tok {
                Tok::Identifier => {
                    s.push(lit);
                    let (t2, l2) = self.lookahead(true);
                    match t2 {
                        Tok::Comma => continue,
                        Tok::ClosedPar => return Ok(s),
                        _ => return Err(format!("found '{l2}', expected: ',' or ')'")),
                    }
                }
                Tok::Comma => {
                    if s.is_empty() {
                        s.push(String::new());
                    }
                    match self.lookahead(true).0 {
                        Tok::ClosedPar => {
                            s.push(String::new());
                            return Ok(s);
                        }
                        Tok::Comma => s.push(String::new()),
                        _ => {}
                    }
                }
                _ => return Err(format!("found '{lit}', expected: ',', or identifier")),
            }
        }
    }

    /// `parseExactValue`
    fn exact_value(&mut self) -> Result<Vec<String>, String> {
        if matches!(self.lookahead(true).0, Tok::End | Tok::Comma) {
            return Ok(vec![String::new()]);
        }
        match self.consume(true) {
            (Tok::Identifier, lit) => Ok(vec![lit]),
            (_, lit) => Err(format!("found '{lit}', expected: identifier")),
        }
    }
}

/// Go's `%q` for the plain strings a selector holds.
fn go_quote(s: &str) -> String {
    format!("{s:?}")
}

/// `labels.FormatLabels`: sorted `k=v,k2=v2`, `<none>` when empty.
pub fn format_labels(labels: Option<&Labels>) -> String {
    match labels {
        Some(l) if !l.is_empty() => l
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(","),
        _ => "<none>".into(),
    }
}

/// `metav1.LabelSelector` printed the way `LabelSelectorAsSelector(..).String()` prints it.
pub fn format_label_selector(sel: Option<&LabelSelector>) -> String {
    let Some(sel) = sel else {
        return "<none>".into();
    };
    let mut parts: Vec<(String, String)> = Vec::new();
    for (k, v) in sel.match_labels.iter().flatten() {
        parts.push((k.clone(), format!("{k}={v}")));
    }
    for e in sel.match_expressions.iter().flatten() {
        let mut vals = e.values.clone().unwrap_or_default();
        crate::sort::sort(&mut vals);
        let s = match e.operator.as_str() {
            "In" => format!("{} in ({})", e.key, vals.join(",")),
            "NotIn" => format!("{} notin ({})", e.key, vals.join(",")),
            "Exists" => e.key.clone(),
            "DoesNotExist" => format!("!{}", e.key),
            _ => continue,
        };
        parts.push((e.key.clone(), s));
    }
    if parts.is_empty() {
        return "<none>".into();
    }
    crate::sort::sort(&mut parts);
    parts.into_iter().map(|p| p.1).collect::<Vec<_>>().join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn parses_kubectl_syntax() {
        let l = labels(&[("app", "nginx"), ("tier", "web"), ("n", "5")]);
        for (sel, expect) in [
            ("app=nginx", true),
            ("app==nginx", true),
            ("app!=nginx", false),
            ("app=ngnix", false),
            ("app in (nginx,db)", true),
            ("app notin (nginx)", false),
            ("tier", true),
            ("!tier", false),
            ("missing!=x", true),
            ("n>4", true),
            ("n<5", false),
            ("app=nginx,tier=web", true),
            ("app in (a, b),tier", false),
        ] {
            assert_eq!(Selector::parse(sel).unwrap().matches(&l), expect, "{sel}");
        }
    }

    #[test]
    fn parse_errors_are_the_api_servers() {
        for (sel, err) in [
            ("a=b c", "found 'c', expected: ',' or 'end of string'"),
            (
                "a in (b",
                "unable to parse requirement: found '', expected: ',' or ')'",
            ),
            (
                "a in b",
                "unable to parse requirement: found 'b' expected: '('",
            ),
            (
                "a b",
                "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt",
            ),
            (
                "=x",
                "found '=', expected: !, identifier, or 'end of string'",
            ),
            ("a,", "found '', expected: identifier after ','"),
            ("!a=b", "found '=', expected: ',' or 'end of string'"),
        ] {
            assert_eq!(Selector::parse(sel).err().as_deref(), Some(err), "{sel}");
        }
        let l = labels(&[("in", "x"), ("k", "")]);
        assert!(Selector::parse("in in (in,x)").unwrap().matches(&l));
        assert!(Selector::parse("k in (,a)").unwrap().matches(&l));
        assert!(Selector::parse("k=").unwrap().matches(&l));
    }

    #[test]
    fn nothing_matches_nothing() {
        assert!(!Selector::Nothing.matches(&Labels::new()));
        assert!(Selector::everything().matches(&Labels::new()));
    }

    #[test]
    fn formats() {
        assert_eq!(
            format_labels(Some(&labels(&[("b", "2"), ("a", "1")]))),
            "a=1,b=2"
        );
        assert_eq!(format_labels(None), "<none>");
    }
}
