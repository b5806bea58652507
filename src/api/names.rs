//! Name and label rules (apimachinery `pkg/util/validation/validation.go`): what the API
//! server checks in object metadata and what `labels.Parse` checks in a `-l` selector.

const DNS1123_LABEL_ERR: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1123_SUBDOMAIN_ERR: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const DNS1035_LABEL_ERR: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const LABEL_VALUE_ERR: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const QUALIFIED_NAME_ERR: &str = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const QUALIFIED_NAME_FULL_ERR: &str = "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";

const ENV_VAR_NAME_ERR: &str = "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')";

/// `validation.IsEnvVarName` (what kubectl checks in `set env KEY=VALUE`): the format,
/// then `hasChDirPrefix`.
pub fn env_var_name(s: &str) -> Vec<String> {
    let allowed = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_');
    let b = s.as_bytes();
    let mut out = Vec::new();
    if b.is_empty() || b[0].is_ascii_digit() || !b.iter().copied().all(allowed) {
        out.push(ENV_VAR_NAME_ERR.to_string());
    }
    match s {
        "." => out.push("must not be '.'".into()),
        ".." => out.push("must not be '..'".into()),
        _ if s.starts_with("..") => out.push("must not start with '..'".into()),
        _ => {}
    }
    out
}

pub fn lower_alnum(c: u8) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

fn is_dns1123_label_fmt(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.first().copied().is_some_and(lower_alnum)
        && b.last().copied().is_some_and(lower_alnum)
        && b.iter().all(|c| lower_alnum(*c) || *c == b'-')
}

/// apimachinery's pattern for one rule: the length error, then the format error.
fn length_and_format(s: &str, max: usize, format_ok: bool, format_err: &str) -> Vec<String> {
    let mut out = Vec::new();
    if s.len() > max {
        out.push(format!("must be no more than {max} characters"));
    }
    if !format_ok {
        out.push(format_err.to_string());
    }
    out
}

pub fn dns1123_label(s: &str) -> Vec<String> {
    length_and_format(s, 63, is_dns1123_label_fmt(s), DNS1123_LABEL_ERR)
}

pub fn dns1123_subdomain(s: &str) -> Vec<String> {
    let ok = !s.is_empty() && s.split('.').all(is_dns1123_label_fmt);
    length_and_format(s, 253, ok, DNS1123_SUBDOMAIN_ERR)
}

pub fn dns1035_label(s: &str) -> Vec<String> {
    let ok = is_dns1123_label_fmt(s) && s.as_bytes().first().is_some_and(u8::is_ascii_lowercase);
    length_and_format(s, 63, ok, DNS1035_LABEL_ERR)
}

fn label_value_fmt(s: &str) -> bool {
    if s.is_empty() {
        return true;
    }
    let b = s.as_bytes();
    b.first().is_some_and(u8::is_ascii_alphanumeric)
        && b.last().is_some_and(u8::is_ascii_alphanumeric)
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

pub fn label_value(s: &str) -> Vec<String> {
    length_and_format(s, 63, label_value_fmt(s), LABEL_VALUE_ERR)
}

/// `IsQualifiedName` (label keys).
pub fn qualified_name(s: &str) -> Vec<String> {
    let parts: Vec<&str> = s.split('/').collect();
    let (prefix, name) = match parts.as_slice() {
        [n] => (None, *n),
        [p, n] => (Some(*p), *n),
        _ => return vec![QUALIFIED_NAME_FULL_ERR.to_string()],
    };
    let mut out = Vec::new();
    if let Some(p) = prefix {
        if p.is_empty() {
            out.push("prefix part must be non-empty".to_string());
        } else {
            for m in dns1123_subdomain(p) {
                out.push(format!("prefix part {m}"));
            }
        }
    }
    if name.is_empty() {
        out.push("name part must be non-empty".to_string());
    } else if name.len() > 63 {
        out.push("name part must be no more than 63 characters".to_string());
    }
    if !name.is_empty() && !label_value_fmt(name) {
        out.push(QUALIFIED_NAME_ERR.to_string());
    }
    out
}
