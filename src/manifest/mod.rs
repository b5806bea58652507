//! Text -> objects + diagnostics: multi-document YAML and JSON, `kind: List`,
//! strict unknown-field detection, defaulting, validation with the API server's
//! messages, and kubectl-style YAML/JSON output.

use crate::api::{kinds, GenericObject, Object};
use serde_json::Value;

mod decode;
pub mod defaults;
mod fastyaml;
pub mod gofmt;
pub mod gojson;
pub mod output;
pub mod validate;
mod yamlconv;

pub use decode::ignored_path;

/// Largest text `parse` accepts (issue 3, point 10).
pub const MAX_TEXT_BYTES: usize = 1024 * 1024;
/// Most documents (after `kind: List` flattening) `parse` accepts.
pub const MAX_DOCUMENTS: usize = 2000;

/// Why one document could not become an object. The message is exactly what kubectl
/// prints (without the trailing newline); `line` is a 1-based line in the whole text
/// where the page should mark the error, when known.
#[derive(Debug, Clone, PartialEq)]
pub enum DocError {
    /// YAML/JSON syntax error: kubectl stops at this document.
    Syntax {
        message: String,
        line: Option<usize>,
    },
    /// Client-side problems kubectl reports for this document (kind/apiVersion not set,
    /// no mapping for the kind, undecodable metadata). kubectl reports them and goes on
    /// with the other documents. Also used for the playground's input limits.
    Client {
        message: String,
        line: Option<usize>,
    },
    /// The object decodes but carries fields its schema lacks: the API server rejects it
    /// with a strict decoding error (BadRequest). `fields` are paths like `spec.ports[0].targetport`.
    /// Format with [`strict_decoding_message`].
    UnknownFields {
        object: Box<Object>,
        fields: Vec<String>,
        line: Option<usize>,
    },
    /// The document decodes into the kind's schema but a value has the wrong type
    /// (BadRequest from the server). `message` is the whole server message, e.g.
    /// `Service in version "v1" cannot be handled as a Service: json: cannot unmarshal
    /// string into Go struct field ServicePort.spec.ports.port of type int32`, i.e. what
    /// kubectl prints after `error when creating "STDIN": `.
    Decode {
        kind: String,
        name: String,
        namespace: String,
        message: String,
        line: Option<usize>,
    },
}

impl DocError {
    /// The 1-based line in the whole text to mark, when known.
    pub fn line(&self) -> Option<usize> {
        match self {
            DocError::Syntax { line, .. }
            | DocError::Client { line, .. }
            | DocError::UnknownFields { line, .. }
            | DocError::Decode { line, .. } => *line,
        }
    }
}

/// One document of the input, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// 1-based line where the document starts in the whole text.
    pub start_line: usize,
    pub result: Result<Object, DocError>,
}

/// The server's strict decoding message, the part kubectl prints after
/// `error when creating "STDIN": ` (REFERENCE.md section 1):
/// `Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.ports[0].targetport"`.
pub fn strict_decoding_message(kind: &str, api_version: &str, fields: &[String]) -> String {
    let list: Vec<String> = fields
        .iter()
        .map(|f| format!("unknown field \"{f}\""))
        .collect();
    format!(
        "{} cannot be handled as a {kind}: strict decoding error: {}",
        handled_prefix(kind, api_version),
        list.join(", ")
    )
}

fn handled_prefix(kind: &str, api_version: &str) -> String {
    format!("{kind} in version \"{}\"", version_of(api_version))
}

/// `apps/v1` -> `v1` (the server names the version without the group).
fn version_of(api_version: &str) -> &str {
    api_version.rsplit('/').next().unwrap_or(api_version)
}

/// One chunk of text between kubectl's `---` separators.
struct Chunk<'a> {
    text: &'a str,
    /// 1-based line of the chunk's first line in the whole text.
    first_line: usize,
}

/// Splits like apimachinery's `YAMLReader.Read`: a line starting with `---` ends a
/// document; only spaces or a comment may follow it. Empty chunks are dropped.
fn split_yaml(text: &str) -> Result<Vec<Chunk<'_>>, (String, usize)> {
    let mut chunks = Vec::new();
    let mut start: Option<(usize, usize)> = None; // byte offset, line
    let mut offset = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let lineno = i + 1;
        if let Some(rest) = line.strip_prefix("---") {
            let trimmed = rest.trim();
            if !trimmed.is_empty() && !trimmed.starts_with('#') {
                return Err((
                    format!("invalid Yaml document separator: {trimmed}"),
                    lineno,
                ));
            }
            if let Some((s, l)) = start.take() {
                chunks.push(Chunk {
                    text: text.get(s..offset).unwrap_or(""),
                    first_line: l,
                });
            }
        } else if start.is_none() {
            start = Some((offset, lineno));
        }
        offset += line.len();
    }
    if let Some((s, l)) = start {
        chunks.push(Chunk {
            text: text.get(s..).unwrap_or(""),
            first_line: l,
        });
    }
    Ok(chunks)
}

fn line_of_offset(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    1 + text
        .as_bytes()
        .iter()
        .take(end)
        .filter(|b| **b == b'\n')
        .count()
}

/// Decoded top-level values with their start lines, or a syntax error after them.
struct Raw {
    values: Vec<(usize, Value)>,
    error: Option<DocError>,
}

fn syntax(source: &str, detail: &str, line: Option<usize>) -> DocError {
    DocError::Syntax {
        message: format!("error: error parsing {source}: {detail}"),
        line,
    }
}

fn read_json_stream(text: &str, source: &str) -> Raw {
    let mut values = Vec::new();
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    let mut last = 0;
    loop {
        let before = last;
        match stream.next() {
            None => break,
            Some(Ok(v)) => {
                last = stream.byte_offset();
                let skipped = text
                    .get(before..)
                    .map(|s| s.len() - s.trim_start().len())
                    .unwrap_or(0);
                values.push((line_of_offset(text, before + skipped), v));
            }
            Some(Err(e)) => {
                let line = Some(e.line());
                let detail = if e.is_eof() {
                    // Verified with kubectl.1.33 (`label --local -f -`) on a truncated object.
                    "unexpected EOF".to_string()
                } else {
                    // Go's encoding/json SyntaxError: offset just past the bad byte.
                    let off = offset_of(text, e.line(), e.column());
                    let c = text
                        .get(off..)
                        .and_then(|s| s.chars().next())
                        .unwrap_or(' ');
                    let m = e.to_string();
                    let ctx = if m.contains("key must be a string") {
                        "looking for beginning of object key string"
                    } else if m.contains("expected `,` or `}`") {
                        "after object key:value pair"
                    } else if m.contains("expected `,` or `]`") {
                        "after array element"
                    } else if m.contains("expected `:`") {
                        "after object key"
                    } else {
                        "looking for beginning of value"
                    };
                    format!("json: offset {}: invalid character '{c}' {ctx}", off + 1)
                };
                return Raw {
                    values,
                    error: Some(syntax(source, &detail, line)),
                };
            }
        }
    }
    Raw {
        values,
        error: None,
    }
}

fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut off = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            return off + column.saturating_sub(1);
        }
        off += l.len();
    }
    off
}

fn read_yaml(text: &str, source: &str) -> Raw {
    let mut values = Vec::new();
    let chunks = match split_yaml(text) {
        Ok(c) => c,
        Err((detail, line)) => {
            return Raw {
                values,
                error: Some(syntax(source, &detail, Some(line))),
            }
        }
    };
    for chunk in chunks {
        // Plain block YAML has a quick reader; everything else (and every error) is
        // serde_yaml's through `yamlconv`, which reads it as go-yaml does.
        let read = match fastyaml::read(chunk.text) {
            Some(v) => Ok(v),
            None => {
                // go-yaml decodes only the first document of a chunk.
                let first = serde_yaml::Deserializer::from_str(chunk.text).next();
                let Some(de) = first else { continue };
                yamlconv::to_json(de, chunk.text)
            }
        };
        match read {
            Ok(Value::Null) => continue,
            Ok(v) => values.push((chunk.first_line, v)),
            Err(e) => {
                let ye = yamlconv::go_yaml_error(&e, chunk.text);
                let line = ye
                    .doc_line
                    .map(|l| chunk.first_line + l.saturating_sub(1))
                    .or(Some(chunk.first_line));
                let detail = format!("error converting YAML to JSON: yaml: {}", ye.message);
                return Raw {
                    values,
                    error: Some(syntax(source, &detail, line)),
                };
            }
        }
    }
    Raw {
        values,
        error: None,
    }
}

/// Splits and decodes `text`. Documents after a syntax error are not returned (kubectl
/// stops there). `source` is how kubectl names the input in errors (`STDIN`, a file name).
/// Never panics; over [`MAX_TEXT_BYTES`] or [`MAX_DOCUMENTS`] it returns a single
/// `DocError::Client` and nothing else.
pub fn parse(text: &str, source: &str) -> Vec<Document> {
    if text.len() > MAX_TEXT_BYTES {
        return vec![limit_error(format!(
            "error: the input is {} bytes; the playground accepts at most 1 MiB ({MAX_TEXT_BYTES} bytes) per apply",
            text.len()
        ))];
    }
    // apimachinery `YAMLOrJSONDecoder`: a stream whose first non-space byte is `{` is JSON.
    let raw = if text.trim_start().starts_with('{') {
        read_json_stream(text, source)
    } else {
        read_yaml(text, source)
    };
    let mut docs = Vec::new();
    for (line, v) in raw.values {
        flatten(v, line, source, &mut docs);
        if docs.len() > MAX_DOCUMENTS {
            break;
        }
    }
    if docs.len() > MAX_DOCUMENTS {
        return vec![limit_error(format!(
            "error: the input has more than {MAX_DOCUMENTS} documents; the playground accepts at most {MAX_DOCUMENTS} per apply"
        ))];
    }
    if let Some(e) = raw.error {
        let line = e.line().unwrap_or(1);
        docs.push(Document {
            start_line: line,
            result: Err(e),
        });
    }
    docs
}

fn limit_error(message: String) -> Document {
    Document {
        start_line: 1,
        result: Err(DocError::Client {
            message,
            line: None,
        }),
    }
}

fn flatten(v: Value, line: usize, source: &str, out: &mut Vec<Document>) {
    if out.len() > MAX_DOCUMENTS {
        return;
    }
    // kubectl flattens `kind: List` (and any `*List` with items).
    let is_list = v
        .get("kind")
        .and_then(Value::as_str)
        .is_some_and(|k| k.ends_with("List"))
        && v.get("items").is_some_and(Value::is_array);
    if is_list {
        if let Some(Value::Array(items)) = v.get("items") {
            for item in items.clone() {
                flatten(item, line, source, out);
            }
        }
        return;
    }
    out.push(Document {
        start_line: line,
        result: decode_object(v, source, line),
    });
}

fn client(message: String, line: usize) -> DocError {
    DocError::Client {
        message,
        line: Some(line),
    }
}

fn str_field<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    let mut cur = v;
    for p in path {
        match cur.get(p) {
            Some(x) => cur = x,
            None => return "",
        }
    }
    cur.as_str().unwrap_or("")
}

const KIND_MISSING: &str = "Object 'Kind' is missing in '";

fn validation_message(source: &str, what: &str) -> String {
    format!("error: error validating \"{source}\": error validating data: {what}; if you choose to ignore these errors, turn validation off with --validate=false")
}

/// kubectl `pkg/validation` getObjectKind: what is wrong with apiVersion and kind
/// (both problems collected), if anything.
fn unset_type_fields(map: &serde_json::Map<String, Value>) -> Option<String> {
    let mut missing = Vec::new();
    match map.get("apiVersion") {
        None | Some(Value::Null) => missing.push("apiVersion not set"),
        Some(Value::String(_)) => {}
        Some(_) => missing.push("apiVersion isn't string type"),
    }
    match map.get("kind") {
        None | Some(Value::Null) => missing.push("kind not set"),
        Some(Value::String(_)) => {}
        Some(_) => missing.push("kind isn't string type"),
    }
    match missing.as_slice() {
        [] => None,
        [one] => Some(one.to_string()),
        _ => Some(format!("[{}]", missing.join(", "))),
    }
}

/// A document error as a command that validates its input (`--validate` true, strict
/// or warn: apply, create, replace) words it: schema validation looks at a document
/// before the decoder, so a missing kind is "kind not set", not the decoder's error.
pub fn validated(message: String, source: &str) -> String {
    let decoder = format!("error: unable to decode \"{source}\": {KIND_MISSING}");
    let doc = message
        .strip_prefix(&decoder)
        .and_then(|rest| rest.strip_suffix('\''))
        .and_then(|json| serde_json::from_str::<Value>(json).ok());
    match doc
        .as_ref()
        .and_then(Value::as_object)
        .map(unset_type_fields)
    {
        Some(Some(what)) => validation_message(source, &what),
        _ => message,
    }
}

/// Decodes one object (not a List) into its typed form.
/// sigs.k8s.io/yaml `YAMLToJSON` of one document (its first): the value, or go-yaml's
/// error (`yaml: line 1: did not find expected ',' or ']'`).
pub fn yaml_to_json(text: &str) -> Result<Value, String> {
    let Some(de) = serde_yaml::Deserializer::from_str(text).next() else {
        return Ok(Value::Null);
    };
    yamlconv::to_json(de, text)
        .map_err(|e| format!("yaml: {}", yamlconv::go_yaml_error(&e, text).message))
}

pub fn decode_object(v: Value, source: &str, line: usize) -> Result<Object, DocError> {
    let Value::Object(map) = &v else {
        // Verified with kubectl.1.33 `label --local -f -` on `hello` and `- a`.
        let t = match v {
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Bool(_) => "bool",
            _ => "number",
        };
        return Err(client(
            format!("error: unable to decode \"{source}\": json: cannot unmarshal {t} into Go value of type unstructured.detector"),
            line,
        ));
    };
    // Without a kind the decoder (apimachinery's unstructured JSON scheme) gives up
    // with the document as Go marshals it (keys sorted); kubectl commands that validate
    // (apply, create, replace) say what schema validation says instead: `validated`.
    // Verified with kubectl.1.33 delete -f, apply --validate=false -f and diff -f.
    if map
        .get("kind")
        .is_none_or(|k| k.as_str().is_none_or(str::is_empty))
        && map
            .get("apiVersion")
            .is_none_or(|v| v.is_string() || v.is_null())
    {
        return Err(client(
            format!(
                "error: unable to decode \"{source}\": {KIND_MISSING}{}'",
                gojson::marshal(&v)
            ),
            line,
        ));
    }
    if let Some(what) = unset_type_fields(map) {
        return Err(client(validation_message(source, &what), line));
    }
    let kind = str_field(&v, &["kind"]).to_string();
    let api_version = str_field(&v, &["apiVersion"]).to_string();
    // Metadata is decoded client-side into ObjectMeta (verified with kubectl.1.33:
    // `error: unable to decode "STDIN": json: cannot unmarshal number into Go struct
    // field ObjectMeta.metadata.name of type string`).
    if let Some(meta) = map.get("metadata") {
        let check = |m: &Value| -> Option<String> {
            crate::api::object::decode::<k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta>(
                m.clone()
            )
            .err()
            .map(|e| e.to_string())
        };
        if let Some(err) = check(meta) {
            let wrapped = serde_json::json!({ "metadata": meta });
            let check_wrapped = |w: &Value| -> Option<String> {
                match w.get("metadata") {
                    Some(m) => check(m),
                    None => None,
                }
            };
            let msg = decode::go_type_error("ObjectMeta", &wrapped, &check_wrapped, &err);
            return Err(client(
                format!("error: unable to decode \"{source}\": {msg}"),
                line,
            ));
        }
    }
    let name = str_field(&v, &["metadata", "name"]).to_string();
    let namespace = str_field(&v, &["metadata", "namespace"]).to_string();
    // autoscaling/v1 is served too: its HPA is converted to the v2 the store keeps
    // (Convert_v1_HorizontalPodAutoscalerSpec: targetCPUUtilizationPercentage becomes
    // the CPU utilization metric; the v2 defaults do the rest).
    let mut v = v;
    let t = match (kind.as_str(), api_version.as_str()) {
        ("HorizontalPodAutoscaler", "autoscaling/v1") => {
            defaults::hpa_from_v1(&mut v);
            kinds::by_kind(&kind, "autoscaling/v2")
        }
        _ => kinds::by_kind(&kind, &api_version),
    };
    let Some(t) = t else {
        // cli-runtime mapper.go + apimachinery meta/errors.go (REFERENCE.md section 1).
        return Err(client(
            format!("error: resource mapping not found for name: \"{name}\" namespace: \"{namespace}\" from \"{source}\": no matches for kind \"{kind}\" in version \"{api_version}\"\nensure CRDs are installed first"),
            line,
        ));
    };
    decode::prefill(t.kind, &mut v);
    let decode_err = |message: String| DocError::Decode {
        kind: kind.clone(),
        name: name.clone(),
        namespace: namespace.clone(),
        message: format!(
            "{} cannot be handled as a {kind}: {message}",
            handled_prefix(&kind, &api_version)
        ),
        line: Some(line),
    };
    // The typed kinds: decoded into their k8s-openapi types by `Object::from_json`.
    let (obj, unknown) = match t.kind {
        "Deployment" | "ReplicaSet" | "Service" | "Pod" | "Namespace" | "Node" | "Endpoints"
        | "Event" | "EndpointSlice" => match decode::strict_object(t, &v) {
            Ok(decoded) => decoded,
            Err(e) => {
                let check = |x: &Value| {
                    crate::api::Object::from_json(t, x.clone())
                        .err()
                        .map(|e| e.to_string())
                };
                return Err(decode_err(decode::go_type_error(&kind, &v, &check, &e)));
            }
        },
        _ => {
            // A Job is kept as JSON but read strictly as the API server's typed Job is,
            // so a typo or a wrong type is refused as for the typed kinds.
            let mut unknown = vec![];
            if t.kind == "Job" {
                type Job = k8s_openapi::api::batch::v1::Job;
                match decode::strict::<Job>(v.clone()) {
                    Ok((_, u)) => unknown = u,
                    Err(e) => {
                        let check = |x: &Value| {
                            crate::api::object::decode::<Job>(x.clone())
                                .err()
                                .map(|e| e.to_string())
                        };
                        return Err(decode_err(decode::go_type_error(&kind, &v, &check, &e)));
                    }
                }
            }
            if t.kind == "CronJob" {
                unknown = cronjob_unknown_fields(&v).map_err(decode_err)?;
            }
            let mut body = match v {
                Value::Object(m) => m,
                _ => serde_json::Map::new(),
            };
            let meta = body.remove("metadata").unwrap_or(Value::Null);
            body.remove("apiVersion");
            body.remove("kind");
            let metadata = if meta.is_null() {
                Default::default()
            } else {
                crate::api::object::decode(meta).unwrap_or_default()
            };
            (
                Object::from(GenericObject {
                    kind: t,
                    metadata,
                    body,
                }),
                unknown,
            )
        }
    };
    if !unknown.is_empty() {
        return Err(DocError::UnknownFields {
            object: Box::new(obj),
            fields: unknown,
            line: Some(line),
        });
    }
    Ok(obj)
}

/// The unknown fields of a CronJob, as the API server's strict decoding finds them: its
/// own fields by name, and its job template read as the typed Job is (sharing that
/// decoder rather than adding one for the CronJob types). `Err` is encoding/json's type
/// error for a value of the wrong type (batch/v1 CronJobSpec's fields, or the job
/// template's, with the path from the CronJob).
fn cronjob_unknown_fields(v: &Value) -> Result<Vec<String>, String> {
    const TOP: &[&str] = &["apiVersion", "kind", "metadata", "spec", "status"];
    const SPEC: &[&str] = &[
        "schedule",
        "timeZone",
        "startingDeadlineSeconds",
        "concurrencyPolicy",
        "suspend",
        "jobTemplate",
        "successfulJobsHistoryLimit",
        "failedJobsHistoryLimit",
    ];
    let mut unknown = Vec::new();
    let mut extra = |m: Option<&Value>, known: &[&str], path: &str| {
        for k in m
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(k, _)| k)
        {
            if !known.contains(&k.as_str()) {
                unknown.push(format!("{path}{k}"));
            }
        }
    };
    extra(Some(v), TOP, "");
    let spec = v.get("spec");
    extra(spec, SPEC, "spec.");
    for (field, ty) in [
        ("schedule", "string"),
        ("timeZone", "string"),
        ("startingDeadlineSeconds", "int64"),
        ("concurrencyPolicy", "v1.ConcurrencyPolicy"),
        ("suspend", "bool"),
        ("jobTemplate", "v1.JobTemplateSpec"),
        ("successfulJobsHistoryLimit", "int32"),
        ("failedJobsHistoryLimit", "int32"),
    ] {
        let Some(x) = spec.and_then(|s| s.get(field)).filter(|x| !x.is_null()) else {
            continue;
        };
        let fits = match ty {
            "int64" => x.is_i64(),
            "int32" => x.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
            "bool" => x.is_boolean(),
            "v1.JobTemplateSpec" => x.is_object(),
            _ => x.is_string(),
        };
        if !fits {
            let value = match x {
                Value::Number(n) if ty.starts_with("int") => format!("number {n}"),
                _ => decode::json_type(Some(x)),
            };
            return Err(format!(
                "json: cannot unmarshal {value} into Go struct field CronJobSpec.spec.{field} of type {ty}"
            ));
        }
    }
    let template = spec.and_then(|s| s.get("jobTemplate"));
    extra(template, &["metadata", "spec"], "spec.jobTemplate.");
    if let Some(t) = template.filter(|t| t.is_object()) {
        let mut job = serde_json::Map::new();
        for k in ["metadata", "spec"] {
            if let Some(x) = t.get(k) {
                job.insert(k.into(), x.clone());
            }
        }
        type Job = k8s_openapi::api::batch::v1::Job;
        let job = Value::Object(job);
        match decode::strict::<Job>(job.clone()) {
            Ok((_, u)) => unknown.extend(u.into_iter().map(|p| format!("spec.jobTemplate.{p}"))),
            Err(e) => {
                let check = |x: &Value| decode::strict::<Job>(x.clone()).err();
                let msg = decode::go_type_error("Job", &job, &check, &e);
                // The Job's field path, from the CronJob: under spec.jobTemplate.
                const AT: &str = "Go struct field ";
                return Err(match msg.find(AT) {
                    Some(i) => match msg[i + AT.len()..].find('.') {
                        Some(dot) => {
                            let cut = i + AT.len() + dot + 1;
                            format!("{}spec.jobTemplate.{}", &msg[..cut], &msg[cut..])
                        }
                        None => msg,
                    },
                    None => msg,
                });
            }
        }
    }
    Ok(unknown)
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod output_tests;

#[cfg(test)]
mod validate_tests;
