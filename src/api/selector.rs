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

    /// Parses kubectl's `-l` syntax (apimachinery `labels.Parse`).
    pub fn parse(text: &str) -> Result<Selector, String> {
        let mut reqs = Vec::new();
        for part in split_top_level(text) {
            let p = part.trim();
            if p.is_empty() {
                continue;
            }
            reqs.push(parse_requirement(p)?);
        }
        crate::sort::sort_by(&mut reqs, |a, b| a.key().cmp(b.key()));
        Ok(Selector::All(reqs))
    }
}

fn split_top_level(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut depth = 0;
    let mut cur = String::new();
    for c in text.chars() {
        match c {
            '(' => {
                depth += 1;
                cur.push(c)
            }
            ')' => {
                depth -= 1;
                cur.push(c)
            }
            ',' if depth == 0 => parts.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    parts.push(cur);
    parts
}

fn parse_set(rest: &str) -> Option<Vec<String>> {
    let r = rest.trim();
    let inner = r.strip_prefix('(')?.strip_suffix(')')?;
    Some(
        inner
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
    )
}

const GT_LT_ERR: &str =
    "unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer";

fn parse_requirement(p: &str) -> Result<Requirement, String> {
    if let Some(k) = p.strip_prefix('!') {
        return Ok(Requirement::DoesNotExist(check_key(k.trim())?));
    }
    for (op, ctor) in [("!=", 0u8), ("==", 1), ("=", 1), (">", 2), ("<", 3)] {
        if let Some((k, v)) = p.split_once(op) {
            let k = check_key(k.trim())?;
            let v = v.trim().to_string();
            return Ok(match ctor {
                0 => Requirement::NotEquals(k, v),
                1 => Requirement::Equals(k, v),
                2 => Requirement::GreaterThan(k, v.parse().map_err(|_| GT_LT_ERR.to_string())?),
                _ => Requirement::LessThan(k, v.parse().map_err(|_| GT_LT_ERR.to_string())?),
            });
        }
    }
    let words: Vec<&str> = p.splitn(2, char::is_whitespace).collect();
    if words.len() == 2 {
        let rest = words[1].trim_start();
        if let Some(set) = rest.strip_prefix("notin") {
            let vals = parse_set(set).ok_or_else(|| bad_set(p))?;
            return Ok(Requirement::NotIn(check_key(words[0])?, vals));
        }
        if let Some(set) = rest.strip_prefix("in") {
            let vals = parse_set(set).ok_or_else(|| bad_set(p))?;
            return Ok(Requirement::In(check_key(words[0])?, vals));
        }
        return Err(format!(
            "unable to parse requirement: found '{}', expected: in, notin, =, ==, !=, gt, lt",
            rest.split_whitespace().next().unwrap_or("")
        ));
    }
    Ok(Requirement::Exists(check_key(p)?))
}

fn bad_set(p: &str) -> String {
    format!("unable to parse requirement: found '{p}', expected: '('")
}

fn check_key(k: &str) -> Result<String, String> {
    if k.is_empty() {
        return Err("unable to parse requirement: found '', expected: identifier".into());
    }
    Ok(k.to_string())
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
