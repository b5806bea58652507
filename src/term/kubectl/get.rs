//! kubectl get and api-resources (kubectl `pkg/cmd/get/get.go`, cli-runtime printers).

use std::collections::BTreeMap;

use super::printers::{self, jsonpath, TabWriter};
use super::{
    fail, find, list_objects, not_found, parse_targets, Args, Ctx, Target, ENDPOINTS_WARNING,
};
use crate::api::selector::format_labels;
use crate::api::{kinds, Object, ResourceType, Selector};
use crate::cluster::{Cluster, Key, Millis};
use crate::manifest::output;
use crate::term::shell::Output;

/// `kubectl get` without a type (get.go `Complete`, cmdutil.UsageErrorf).
const NEED_TYPE: &str = "You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples\n";

/// The output formats `kubectl get` accepts (kubectl 1.33 `get -o foo`).
const FORMATS: &str = "custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml";

/// How objects are printed.
#[derive(Debug, Clone)]
pub enum Format {
    Table { wide: bool },
    Name,
    Yaml,
    Json,
    JsonPath(jsonpath::Template),
    Custom(Vec<(String, jsonpath::Template)>),
}

/// Parses `-o`.
pub fn parse_format(o: Option<&str>) -> Result<Format, String> {
    let Some(o) = o else {
        return Ok(Format::Table { wide: false });
    };
    let bad = || {
        format!("unable to match a printer suitable for the output format \"{o}\", allowed formats are: {FORMATS}")
    };
    Ok(match o {
        "" => Format::Table { wide: false },
        "wide" => Format::Table { wide: true },
        "name" => Format::Name,
        "yaml" => Format::Yaml,
        "json" => Format::Json,
        "jsonpath" | "jsonpath-as-json" | "template" | "go-template" => {
            return Err(super::mutate::TEMPLATE_MISSING.into())
        }
        "custom-columns" => {
            return Err("custom-columns format specified but no custom columns given".into())
        }
        _ => {
            if let Some(t) = o
                .strip_prefix("go-template=")
                .or_else(|| o.strip_prefix("template="))
            {
                let expr = go_template_as_jsonpath(t)
                    .map_err(|e| format!("error parsing template {t}, template: output:1: {e}"))?;
                let t = jsonpath::Template::parse(&expr)
                    .map_err(|e| format!("error parsing template {t}, {e}"))?;
                Format::JsonPath(t.go_style())
            } else if let Some(t) = o.strip_prefix("jsonpath=") {
                let t = jsonpath::Template::parse(t)
                    .map_err(|e| format!("error parsing jsonpath {t}, {e}"))?;
                Format::JsonPath(t)
            } else if let Some(spec) = o.strip_prefix("custom-columns=") {
                if spec.is_empty() {
                    return Err(
                        "custom-columns format specified but no custom columns given".into(),
                    );
                }
                let mut cols = Vec::new();
                for part in spec.split(',') {
                    let Some((h, p)) = part.split_once(':') else {
                        return Err(format!("unexpected custom-columns spec: {part}, expected <header>:<json-path-expr>"));
                    };
                    let expr = jsonpath::relaxed(p)?;
                    let t = jsonpath::Template::parse(&expr)
                        .map_err(|e| format!("error parsing jsonpath {expr}, {e}"))?;
                    cols.push((h.to_string(), t));
                }
                Format::Custom(cols)
            } else {
                return Err(bad());
            }
        }
    })
}

/// The part of Go's text/template that `-o go-template=` one-liners use, as the
/// equivalent jsonpath template: `{{.a.b}}`, `{{(index .a 0).b}}`, `{{index .a "k"}}`,
/// `{{range .items}}...{{end}}`, `{{"\n"}}`, `{{.}}` and `{{- -}}` trim markers
/// (e.g. the Services tutorial's `{{(index .spec.ports 0).nodePort}}`). Err is Go's
/// parse error text for what it cannot translate.
fn go_template_as_jsonpath(t: &str) -> Result<String, String> {
    // `.a.b` or `(index .a N).b` or `index .a "k"`: the jsonpath of the value.
    fn operand(e: &str) -> Result<String, String> {
        let e = e.trim();
        if e == "." {
            return Ok("@".into());
        }
        if let Some(rest) = e.strip_prefix("(index ") {
            let (inner, after) = rest
                .split_once(')')
                .ok_or_else(|| "unclosed left paren".to_string())?;
            let base = operand(&format!("index {inner}"))?;
            return Ok(format!("{base}{}", after.trim()));
        }
        if let Some(rest) = e.strip_prefix("index ") {
            let mut words = rest.split_whitespace();
            let mut path = operand(words.next().unwrap_or(""))?;
            for w in words {
                if let Some(k) = w.strip_prefix('"').and_then(|w| w.strip_suffix('"')) {
                    path.push_str(&format!("['{k}']"));
                } else if w.parse::<i64>().is_ok() {
                    path.push_str(&format!("[{w}]"));
                } else {
                    return Err(format!("unexpected \"{w}\" in index"));
                }
            }
            return Ok(path);
        }
        if e.starts_with('.') && !e.contains(char::is_whitespace) {
            return Ok(e.to_string());
        }
        let word = e.split_whitespace().next().unwrap_or(e);
        Err(format!("function \"{word}\" not defined"))
    }
    let mut out = String::new();
    let mut rest = t;
    let mut trim_next = false;
    while let Some(start) = rest.find("{{") {
        let mut text = &rest[..start];
        if trim_next {
            text = text.trim_start();
        }
        let Some(len) = rest[start + 2..].find("}}") else {
            return Err("unclosed action".into());
        };
        let mut action = &rest[start + 2..start + 2 + len];
        if let Some(a) = action.strip_prefix('-') {
            text = text.trim_end();
            action = a;
        }
        trim_next = false;
        if let Some(a) = action.strip_suffix('-') {
            trim_next = true;
            action = a;
        }
        out.push_str(text);
        let action = action.trim();
        if action == "end" {
            out.push_str("{end}");
        } else if let Some(r) = action.strip_prefix("range ") {
            out.push_str(&format!("{{range {}[*]}}", operand(r)?));
        } else if action.starts_with('"') {
            out.push_str(&format!("{{{action}}}"));
        } else {
            out.push_str(&format!("{{{}}}", operand(action)?));
        }
        rest = &rest[start + 2 + len + 2..];
    }
    out.push_str(if trim_next { rest.trim_start() } else { rest });
    Ok(out)
}

/// `-o name` / mutation messages: `deployment.apps/nginx`, `service/nginx`.
pub fn kind_prefix(rt: &ResourceType) -> String {
    if rt.group.is_empty() {
        rt.kind.to_lowercase()
    } else {
        format!("{}.{}", rt.kind.to_lowercase(), rt.group)
    }
}

/// cli-runtime `resource.MultipleTypesRequested`.
fn multiple_types_requested(words: &[String]) -> bool {
    if words.len() == 1 && words[0] == "all" {
        return true;
    }
    let mut kinds: Vec<&str> = Vec::new();
    for w in words {
        match w.split_once('/') {
            Some((t, _)) => {
                if !kinds.contains(&t) {
                    kinds.push(t);
                }
            }
            None => {
                if w.contains(',') && w.split(',').filter(|s| !s.is_empty()).count() > 1 {
                    return true;
                }
            }
        }
    }
    kinds.len() > 1
}

/// `GroupVersionResource.String()`: `/v1, Resource=pods`.
/// A list the API server refused for its selector, as cli-runtime's selector visitor
/// rewrites the BadRequest (`pkg/resource/selector.go`).
pub fn bad_selector(rt: &ResourceType, label: &str, field: &str, msg: &str) -> String {
    format!(
        "Error from server (BadRequest): Unable to find \"{}\" that match label selector \"{label}\", field selector \"{field}\": {msg}",
        gvr(rt)
    )
}

fn gvr(rt: &ResourceType) -> String {
    format!("{}/{}, Resource={}", rt.group, rt.version, rt.plural)
}

/// One `--field-selector` term.
#[derive(Debug, Clone)]
pub struct FieldReq {
    pub key: String,
    pub negate: bool,
    pub value: String,
}

/// apimachinery `fields.ParseSelector`.
pub fn parse_field_selector(s: &str) -> Result<Vec<FieldReq>, String> {
    let mut v = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (key, negate, value) = if let Some((k, val)) = part.split_once("!=") {
            (k, true, val)
        } else if let Some((k, val)) = part.split_once("==") {
            (k, false, val)
        } else if let Some((k, val)) = part.split_once('=') {
            (k, false, val)
        } else {
            return Err(format!(
                "invalid selector: '{s}'; can't understand '{part}'"
            ));
        };
        v.push(FieldReq {
            key: key.trim().to_string(),
            negate,
            value: value.to_string(),
        });
    }
    Ok(v)
}

/// The value of a field label the API server supports for field selectors, or None.
fn field_value(obj: &Object, key: &str) -> Option<String> {
    let j = || obj.to_json();
    let s = |v: &serde_json::Value| match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let path = |p: &[&str]| {
        let v = j();
        let mut cur = &v;
        for k in p {
            match cur.get(*k) {
                Some(x) => cur = x,
                None => return String::new(),
            }
        }
        s(cur)
    };
    match key {
        "metadata.name" => return Some(obj.name().to_string()),
        "metadata.namespace" => return Some(obj.namespace().to_string()),
        _ => {}
    }
    let supported: &[&str] = match obj.kind() {
        "Pod" => &[
            "spec.nodeName",
            "spec.restartPolicy",
            "spec.schedulerName",
            "spec.serviceAccountName",
            "spec.hostNetwork",
            "status.phase",
            "status.podIP",
            "status.nominatedNodeName",
        ],
        "Node" => &["spec.unschedulable"],
        "Namespace" => &["status.phase"],
        "Service" => &["spec.clusterIP", "spec.type"],
        "ReplicaSet" => &["status.replicas"],
        "Event" => &[
            "involvedObject.kind",
            "involvedObject.namespace",
            "involvedObject.name",
            "involvedObject.uid",
            "involvedObject.apiVersion",
            "involvedObject.resourceVersion",
            "involvedObject.fieldPath",
            "reason",
            "reportingComponent",
            "source",
            "type",
        ],
        _ => &[],
    };
    if !supported.contains(&key) {
        return None;
    }
    Some(match key {
        "spec.hostNetwork" => {
            let v = path(&["spec", "hostNetwork"]);
            if v.is_empty() {
                "false".into()
            } else {
                v
            }
        }
        "spec.unschedulable" => {
            let v = path(&["spec", "unschedulable"]);
            if v.is_empty() {
                "false".into()
            } else {
                v
            }
        }
        "source" => path(&["source", "component"]),
        _ => path(&key.split('.').collect::<Vec<_>>()),
    })
}

/// Options shared by the table printers.
#[derive(Debug, Clone, Default)]
pub struct TableOpts {
    pub wide: bool,
    pub with_namespace: bool,
    pub with_kind: bool,
    pub no_headers: bool,
    pub show_labels: bool,
    pub label_columns: Vec<String>,
    /// Events in `kubectl events`' own form (its watch goes through `get -w`).
    pub event_printer: bool,
}

/// Set only by `kubectl events --watch` (no user can type a flag that starts so).
pub const EVENT_PRINTER_FLAG: &str = "--\u{0}events-printer";

/// Header cells for a table of `rt`.
pub fn header_cells(rt: &ResourceType, o: &TableOpts) -> Vec<String> {
    let mut h: Vec<String> = printers::headers(rt.kind, o.wide)
        .into_iter()
        .map(String::from)
        .collect();
    if o.with_namespace {
        h.insert(0, "NAMESPACE".into());
    }
    for l in &o.label_columns {
        h.push(l.rsplit('/').next().unwrap_or(l).to_uppercase());
    }
    if o.show_labels {
        h.push("LABELS".into());
    }
    h
}

/// Row cells for `obj`, decorated as the table printer decorates them.
pub fn row_cells(obj: &Object, now: Millis, o: &TableOpts) -> Vec<String> {
    let mut cells = match obj {
        Object::Event(e) if o.event_printer => super::more::event_printer_row(e.event(), now),
        _ => printers::row(obj, now, o.wide),
    };
    if o.with_kind && obj.kind() != "Event" {
        if let Some(c) = cells.first_mut() {
            *c = format!("{}/{}", kind_prefix(obj.resource_type()), c);
        }
    }
    if o.with_namespace {
        cells.insert(0, obj.namespace().to_string());
    }
    for l in &o.label_columns {
        cells.push(
            obj.labels()
                .and_then(|m| m.get(l))
                .cloned()
                .unwrap_or_default(),
        );
    }
    if o.show_labels {
        cells.push(format_labels(obj.labels()));
    }
    cells
}

fn line(cells: &[String]) -> String {
    format!("{}\n", cells.join("\t"))
}

/// The API List kubectl builds for `-o yaml|json` of several objects.
pub fn list_json(objs: &[Object]) -> serde_json::Value {
    serde_json::json!({
        "apiVersion": "v1",
        "items": objs.iter().map(Object::to_read_json).collect::<Vec<_>>(),
        "kind": "List",
        "metadata": {"resourceVersion": ""},
    })
}

/// `kubectl get --raw PATH` (get.go Validate, then RawGet): the API server's answer as
/// sent (kubectl's user agent gets compact JSON); an error status is printed from the
/// Status it carries.
fn raw_get(ctx: &mut Ctx, a: &Args, words: &[String], path: &str, out: &mut Output) -> i32 {
    let filters = a.has(&["-w", "--watch", "--watch-only", "-l", "--selector"])
        || a.value(&["-o", "--output"]).is_some_and(|o| !o.is_empty());
    if filters {
        return fail(out, "--raw may not be specified with other flags that filter the server request or alter the output");
    }
    if !words.is_empty() {
        return fail(out, "arguments may not be passed when --raw is specified");
    }
    let r = super::raw::serve(
        ctx.cluster,
        path,
        "kubectl/v1.33.1 (linux/amd64) kubernetes/8adc0f0",
    );
    if r.status < 400 {
        out.out(&r.body);
        return 0;
    }
    let status: serde_json::Value = serde_json::from_str(&r.body).unwrap_or_default();
    let reason = status["reason"].as_str().unwrap_or("Unknown");
    let message = status["message"].as_str().unwrap_or("unknown");
    out.err(&format!("Error from server ({reason}): {message}\n"));
    1
}

/// Parses `--request-timeout` as clientcmd `ParseTimeout` does: a bare integer is
/// seconds, anything else a Go duration (`5s`, `1m`, `500ms`).
fn parse_timeout(s: &str) -> Option<Millis> {
    if s.is_empty() {
        return Some(0);
    }
    if let Ok(n) = s.parse::<i64>() {
        return Some(n.saturating_mul(1000));
    }
    super::args::parse_go_duration(s).ok()
}

/// What a list request selects.
#[derive(Debug, Clone)]
struct Filter {
    label: Option<Selector>,
    fields: Vec<FieldReq>,
}

impl Filter {
    /// Whether `obj` passes; Err(field) when a field label is not supported.
    fn check(&self, obj: &Object) -> Result<bool, String> {
        if let Some(sel) = &self.label {
            let empty = BTreeMap::new();
            if !sel.matches(obj.labels().unwrap_or(&empty)) {
                return Ok(false);
            }
        }
        for f in &self.fields {
            let Some(v) = field_value(obj, &f.key) else {
                return Err(f.key.clone());
            };
            if (v == f.value) == f.negate {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

fn list_matching(
    c: &Cluster,
    rt: &'static ResourceType,
    ns: Option<&str>,
    filter: &Filter,
) -> Result<Vec<Object>, String> {
    let mut v = Vec::new();
    for o in list_objects(c, rt, ns) {
        if filter.check(o)? {
            v.push(o.clone());
        }
    }
    // A field label is checked even when nothing is listed.
    if v.is_empty() {
        for f in &filter.fields {
            let probe = Object::from_json(rt, serde_json::json!({"metadata": {}}));
            if let Ok(p) = probe {
                if field_value(&p, &f.key).is_none() {
                    return Err(f.key.clone());
                }
            }
        }
    }
    Ok(v)
}

/// The components the API server checks for `componentstatuses` (storage_core.go
/// `serversToValidate`: one etcd storage config in a kind cluster), in the order they
/// usually answer - the list is gathered from goroutines, so a real cluster's order
/// varies.
const COMPONENTS: [&str; 3] = ["scheduler", "controller-manager", "etcd-0"];

/// `kubectl get componentstatuses [NAME]`: the deprecated API's warning, then each
/// component healthy with the body of its health check, `ok` (componentstatus
/// validator.go; printers.go printComponentStatus: NAME STATUS MESSAGE ERROR).
fn component_statuses(name: Option<&str>, no_headers: bool, out: &mut Output) -> i32 {
    out.err("Warning: v1 ComponentStatus is deprecated in v1.19+\n");
    let mut text = String::new();
    if !no_headers {
        text.push_str("NAME\tSTATUS\tMESSAGE\tERROR\n");
    }
    for c in COMPONENTS.iter().filter(|c| name.is_none_or(|n| n == **c)) {
        text.push_str(&format!("{c}\tHealthy\tok\t\n"));
    }
    out.out(&TabWriter::kubectl().format(&text));
    0
}

pub fn get(ctx: &mut Ctx, a: &Args, out: &mut Output) -> i32 {
    let words = a.rest(1).to_vec();
    if let Some(path) = a.value(&["--raw"]) {
        return raw_get(ctx, a, &words, path, out);
    }
    if words.is_empty() {
        if !a.values(&["-f", "--filename"]).is_empty() {
            return super::more::get_files(ctx, a, out);
        }
        if a.has(&["-w", "--watch", "--watch-only"]) {
            // The watch path checks its builder first (kubectl 1.33 `get -w`).
            out.err(&format!("{}\n", super::mutate::NO_RESOURCES));
            return 1;
        }
        out.err(NEED_TYPE);
        return 1;
    }
    let targets = match parse_targets(&words) {
        Ok(t) => t,
        Err(e) => return fail(out, &e),
    };
    // `-o jsonpath --template=T` is `-o jsonpath=T` (likewise go-template, template).
    let output = match (a.value(&["-o", "--output"]), a.value(&["--template"])) {
        (Some(o @ ("jsonpath" | "jsonpath-as-json" | "go-template" | "template")), Some(t)) => {
            Some(format!("{o}={t}"))
        }
        (o, _) => o.map(str::to_string),
    };
    let format = match parse_format(output.as_deref()) {
        Ok(f) => f,
        Err(e) => return fail(out, &e),
    };
    let label_text = a.value(&["-l", "--selector"]).map(str::to_string);
    let field_text = a.value(&["--field-selector"]).map(str::to_string);
    if (label_text.is_some() || field_text.is_some()) && targets.iter().any(|t| t.name.is_some()) {
        return fail(out, "name cannot be provided when a selector is specified");
    }
    let all_ns = a.has(&["-A", "--all-namespaces"]);
    let ns = ctx.namespace(a);
    let sort_by = match a.value(&["--sort-by"]).map(jsonpath::relaxed) {
        Some(Ok(e)) if !e.is_empty() => match jsonpath::Template::parse(&e) {
            Ok(t) => Some((t, e)),
            Err(err) => return fail(out, &format!("error parsing jsonpath {e}, {err}")),
        },
        Some(Err(e)) => return fail(out, &e),
        _ => None,
    };
    let opts = TableOpts {
        wide: matches!(format, Format::Table { wide: true }),
        with_namespace: all_ns,
        with_kind: multiple_types_requested(&words),
        no_headers: a.has(&["--no-headers"]),
        show_labels: a.has(&["--show-labels"]),
        event_printer: a.has(&[EVENT_PRINTER_FLAG]),
        label_columns: a
            .values(&["-L", "--label-columns"])
            .iter()
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect(),
    };
    let selector_err = |rt: &ResourceType, msg: &str| {
        bad_selector(
            rt,
            label_text.as_deref().unwrap_or(""),
            field_text.as_deref().unwrap_or(""),
            msg,
        )
    };
    let label = match label_text.as_deref().map(Selector::parse) {
        Some(Ok(s)) => Some(s),
        Some(Err(e)) => {
            let rt = targets
                .first()
                .map(|t| t.rt)
                .unwrap_or(&kinds::RESOURCE_TYPES[0]);
            out.err(&format!("{}\n", selector_err(rt, &e)));
            return 1;
        }
        None => None,
    };
    let fields = match field_text.as_deref().map(parse_field_selector) {
        Some(Ok(f)) => f,
        Some(Err(e)) => {
            let rt = targets
                .first()
                .map(|t| t.rt)
                .unwrap_or(&kinds::RESOURCE_TYPES[0]);
            out.err(&format!("{}\n", selector_err(rt, &e)));
            return 1;
        }
        None => Vec::new(),
    };
    let filter = Filter { label, fields };

    if targets.iter().any(|t| t.rt.kind == "Endpoints") {
        out.err(ENDPOINTS_WARNING);
    }
    if let ([t], Format::Table { .. }) = (targets.as_slice(), &format) {
        let known = t.name.as_deref().is_none_or(|n| COMPONENTS.contains(&n));
        if t.rt.kind == "ComponentStatus" && known && !a.has(&["-w", "--watch", "--watch-only"]) {
            return component_statuses(t.name.as_deref(), opts.no_headers, out);
        }
    }

    if a.has(&["-w", "--watch", "--watch-only"]) {
        return watch(
            ctx,
            a,
            out,
            &targets,
            filter,
            &opts,
            if all_ns { None } else { Some(ns.as_str()) },
            format,
        );
    }

    // Fetch everything first (the builder's Infos), then print.
    let mut objs: Vec<Object> = Vec::new();
    let mut errs: Vec<String> = Vec::new();
    for t in &targets {
        match &t.name {
            Some(n) => match find(ctx.cluster, t.rt, &ns, n) {
                Some(o) => objs.push(o.clone()),
                None => errs.push(not_found(t.rt, n)),
            },
            None => {
                let scope = if all_ns { None } else { Some(ns.as_str()) };
                match list_matching(ctx.cluster, t.rt, scope, &filter) {
                    Ok(v) => objs.extend(v),
                    Err(field) => errs.push(selector_err(
                        t.rt,
                        &format!("field label not supported: {field}"),
                    )),
                }
            }
        }
    }
    if let Some((t, expr)) = &sort_by {
        if let Err(e) = sort_objects(&mut objs, t, expr) {
            return fail(out, &e);
        }
    }
    let now = ctx.cluster.now;
    let single = targets.len() == 1 && targets[0].name.is_some() && label_text.is_none();

    match &format {
        Format::Table { .. } => {
            let mut written = false;
            let mut i = 0;
            while i < objs.len() {
                let rt = objs[i].resource_type();
                let mut j = i;
                while j < objs.len() && objs[j].resource_type() == rt {
                    j += 1;
                }
                let o = TableOpts {
                    with_namespace: opts.with_namespace && rt.namespaced,
                    ..opts.clone()
                };
                let mut text = String::new();
                if !o.no_headers {
                    text.push_str(&line(&header_cells(rt, &o)));
                }
                for obj in &objs[i..j] {
                    text.push_str(&line(&row_cells(obj, now, &o)));
                }
                if written && !o.no_headers {
                    out.out("\n");
                }
                out.out(&TabWriter::kubectl().format(&text));
                written = true;
                i = j;
            }
            for e in &errs {
                out.err(&format!("{e}\n"));
            }
            if !written && errs.is_empty() {
                if all_ns {
                    out.err("No resources found\n");
                } else {
                    out.err(&format!("No resources found in {ns} namespace.\n"));
                }
            }
        }
        _ => {
            if single && !errs.is_empty() {
                for e in &errs {
                    out.err(&format!("{e}\n"));
                }
                return 1;
            }
            let data = if single && objs.len() == 1 {
                objs[0].to_read_json()
            } else {
                list_json(&objs)
            };
            match &format {
                Format::Name => {
                    for o in &objs {
                        out.out(&format!(
                            "{}/{}\n",
                            kind_prefix(o.resource_type()),
                            o.name()
                        ));
                    }
                }
                Format::Yaml => out.out(&output::to_yaml(&data)),
                Format::Json => out.out(&output::to_json(&data)),
                Format::JsonPath(t) => {
                    if !t.print(&data, out) {
                        return 1;
                    }
                }
                Format::Custom(cols) => {
                    if !custom_columns(cols, &data, opts.no_headers, out) {
                        return 1;
                    }
                }
                Format::Table { .. } => {}
            }
            for e in &errs {
                out.err(&format!("{e}\n"));
            }
        }
    }
    if errs.is_empty() {
        0
    } else {
        1
    }
}

/// cli-runtime `CustomColumnsPrinter`: every cell tab-terminated, `<none>` for no value,
/// each value as Go's `fmt.Sprint` prints it (`[map[ip:10.244.1.3]]` for `.status.podIPs`).
/// A cell whose path fails (an array index out of range) ends the table there: the rows
/// before it print, then `error: ...` (printOneObject returns the jsonpath error).
pub fn custom_columns(
    cols: &[(String, jsonpath::Template)],
    data: &serde_json::Value,
    no_headers: bool,
    out: &mut Output,
) -> bool {
    let items: Vec<&serde_json::Value> = match data.get("kind").and_then(|k| k.as_str()) {
        Some("List") => data
            .get("items")
            .and_then(|i| i.as_array())
            .map(|a| a.iter().collect())
            .unwrap_or_default(),
        _ => vec![data],
    };
    let mut text = String::new();
    if !no_headers {
        for (h, _) in cols {
            text.push_str(h);
            text.push('\t');
        }
        text.push('\n');
    }
    let mut failed = None;
    'rows: for item in items {
        let mut row = String::new();
        for (_, t) in cols {
            let vals = match t.values(item) {
                Ok(v) => v,
                Err(e) => {
                    failed = Some(e);
                    break 'rows;
                }
            };
            if vals.is_empty() {
                row.push_str("<none>");
            } else {
                let cells: Vec<String> = vals.iter().map(jsonpath::sprint).collect();
                row.push_str(&cells.join(","));
            }
            row.push('\t');
        }
        text.push_str(&row);
        text.push('\n');
    }
    out.out(&TabWriter::kubectl().format(&text));
    match failed {
        Some(e) => {
            out.err(&format!("error: {e}\n"));
            false
        }
        None => true,
    }
}

/// kubectl `RuntimeSort`: missing values first, numbers numerically, strings in natural order.
/// An error is the jsonpath's (an array index out of range), or sorter.go SortObjects'
/// when no object has the field (`expr` is the relaxed expression, `{.metadata.x}`).
pub fn sort_objects(objs: &mut [Object], t: &jsonpath::Template, expr: &str) -> Result<(), String> {
    let less = |a: &Option<serde_json::Value>, b: &Option<serde_json::Value>| -> bool {
        match (a, b) {
            (None, _) => true,
            (_, None) => false,
            (Some(x), Some(y)) => match (x, y) {
                (serde_json::Value::Number(p), serde_json::Value::Number(q)) => {
                    p.as_f64().unwrap_or(0.0) < q.as_f64().unwrap_or(0.0)
                }
                (serde_json::Value::Bool(p), serde_json::Value::Bool(q)) => !p & q,
                _ => printers::natural_less(&jsonpath::text(x), &jsonpath::text(y)),
            },
        }
    };
    let mut keyed: Vec<(Option<serde_json::Value>, Object)> = Vec::with_capacity(objs.len());
    for o in objs.iter() {
        keyed.push((t.values(&o.to_json())?.into_iter().next(), o.clone()));
    }
    if !keyed.is_empty() && keyed.iter().all(|(v, _)| v.is_none()) {
        return Err(format!(
            "couldn't find any field with path \"{expr}\" in the list of objects"
        ));
    }
    crate::sort::sort_by(&mut keyed, |a, b| {
        if a.0.is_none() && b.0.is_none() {
            std::cmp::Ordering::Equal
        } else if less(&a.0, &b.0) {
            std::cmp::Ordering::Less
        } else if less(&b.0, &a.0) {
            std::cmp::Ordering::Greater
        } else {
            std::cmp::Ordering::Equal
        }
    });
    for (slot, (_, o)) in objs.iter_mut().zip(keyed) {
        *slot = o;
    }
    Ok(())
}

/// `kubectl get -w`: the current table, then a row per change. In `replay` and transcripts
/// it returns when `--request-timeout` (default 5 s of simulated time here, since a
/// transcript cannot stream) runs out; in the page (`Terminal::live`) it becomes the
/// terminal's running [`super::stream::Stream`] until Ctrl+C.
#[allow(clippy::too_many_arguments)]
fn watch(
    ctx: &mut Ctx,
    a: &Args,
    out: &mut Output,
    targets: &[Target],
    filter: Filter,
    opts: &TableOpts,
    ns_scope: Option<&str>,
    format: Format,
) -> i32 {
    let Some(rt) = targets.first().map(|t| t.rt) else {
        return 0;
    };
    if targets.iter().any(|t| t.rt != rt) {
        return fail(out, "you may only specify a single resource type");
    }
    let mut w = Watcher {
        rt,
        names: targets.iter().filter_map(|t| t.name.clone()).collect(),
        ns: ns_scope.unwrap_or("").to_string(),
        all_namespaces: ns_scope.is_none(),
        filter,
        opts: TableOpts {
            with_namespace: opts.with_namespace && rt.namespaced,
            with_kind: false,
            ..opts.clone()
        },
        format,
        tw: TabWriter::kubectl(),
        seen: BTreeMap::new(),
        headed: false,
    };
    let initial = match w.current(ctx.cluster) {
        Ok(v) => v,
        Err(field) => {
            out.err(&format!(
                "Error from server (BadRequest): Unable to find \"{}\" that match label selector \"\", field selector \"\": field label not supported: {field}\n",
                gvr(rt)
            ));
            return 1;
        }
    };
    if !w.names.is_empty() && initial.is_empty() {
        for n in &w.names {
            out.err(&format!("{}\n", not_found(rt, n)));
        }
        return 1;
    }
    // --watch-only: "Watch for changes to the requested object(s), without
    // listing/getting first" (get.go watch: the first list is not printed).
    if !a.has(&["--watch-only"]) {
        w.print(&initial, true, ctx.cluster.now, out);
    }
    w.seen = crate::sort::collect_map(initial.into_iter().map(|o| (Key::of(&o), o)));
    super::stream::start(ctx, a, super::stream::Stream::Watch(Box::new(w)), out)
}

/// `--request-timeout` (a global flag) in milliseconds: None when not given or `0`.
pub fn request_timeout(a: &Args) -> Result<Option<Millis>, String> {
    match a.value(&["--request-timeout"]) {
        None => Ok(None),
        Some(v) => parse_timeout(v).map(Some).ok_or_else(|| {
            "Invalid timeout value. Timeout must be a single integer in seconds, or an integer followed by a corresponding time unit (e.g. 1s | 2m | 3h)".to_string()
        }),
    }
}

/// A running `kubectl get -w`: what it lists and the objects it has printed.
#[derive(Debug, Clone)]
pub struct Watcher {
    rt: &'static ResourceType,
    names: Vec<String>,
    ns: String,
    all_namespaces: bool,
    filter: Filter,
    opts: TableOpts,
    format: Format,
    /// One tabwriter for the whole watch: later rows keep the first table's columns.
    tw: TabWriter,
    seen: BTreeMap<Key, Object>,
    /// Whether the header has been printed.
    headed: bool,
}

impl Watcher {
    fn current(&self, c: &Cluster) -> Result<Vec<Object>, String> {
        if self.names.is_empty() {
            let scope = (!self.all_namespaces).then_some(self.ns.as_str());
            list_matching(c, self.rt, scope, &self.filter)
        } else {
            Ok(self
                .names
                .iter()
                .filter_map(|n| find(c, self.rt, &self.ns, n).cloned())
                .collect())
        }
    }

    /// Prints objects; the table header (and custom-columns header) goes before the first
    /// row the watch prints, so an empty list prints nothing at all (kubectl 1.33
    /// `get pods -w` with no pods, verified against the real client).
    /// `list`: the first list, flushed once; each later row is an event, flushed alone
    /// (the header goes with the first event under --watch-only).
    fn print(&mut self, objs: &[Object], list: bool, now: Millis, out: &mut Output) {
        if objs.is_empty() {
            return;
        }
        let header = !self.headed;
        self.headed = true;
        let (rt, o) = (self.rt, &self.opts);
        match &self.format {
            Format::Name => {
                for obj in objs {
                    out.out(&format!("{}/{}\n", kind_prefix(rt), obj.name()));
                }
            }
            Format::Yaml => {
                for obj in objs {
                    out.out(&format!("---\n{}", output::to_yaml(&obj.to_read_json())));
                }
            }
            Format::Json => {
                for obj in objs {
                    out.out(&output::to_json(&obj.to_read_json()));
                }
            }
            Format::JsonPath(t) => {
                for obj in objs {
                    t.print(&obj.to_read_json(), out);
                }
            }
            Format::Custom(cols) => {
                for (i, obj) in objs.iter().enumerate() {
                    custom_columns(
                        cols,
                        &obj.to_read_json(),
                        !header || i > 0 || o.no_headers,
                        out,
                    );
                }
            }
            Format::Table { .. } if o.event_printer => {
                // events.go runWatch prints and flushes every watch event alone (the
                // header goes with the first), through a tabwriter that keeps no widths.
                for (i, obj) in objs.iter().enumerate() {
                    let mut text = String::new();
                    if header && i == 0 && !o.no_headers {
                        text.push_str(&line(&header_cells(rt, o)));
                    }
                    text.push_str(&line(&row_cells(obj, now, o)));
                    out.out(&TabWriter::kubectl().format(&text));
                }
            }
            Format::Table { .. } => {
                // get.go flushes the tabwriter once after the first list and once per
                // watch event; RememberWidths lets a column only grow between flushes.
                let mut text = String::new();
                if header && !o.no_headers {
                    text.push_str(&line(&header_cells(rt, o)));
                }
                for obj in objs {
                    text.push_str(&line(&row_cells(obj, now, o)));
                    if !list {
                        out.out(&self.tw.format(&std::mem::take(&mut text)));
                    }
                }
                if !text.is_empty() {
                    out.out(&self.tw.format(&text));
                }
            }
        }
    }

    /// Prints a row for every write to an object (or its removal) since the last call.
    pub fn poll(&mut self, c: &Cluster, out: &mut Output) {
        let cur = self.current(c).unwrap_or_default();
        let rv = |o: &Object| {
            o.resource_version()
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0)
        };
        // The versions written in between, each an event of its own (the scheduler's
        // binding and the kubelet's first status each print a row: Pending, Pending,
        // ContainerCreating); the store keeps them while the watch runs.
        let mut between: BTreeMap<Key, Vec<&Object>> = BTreeMap::new();
        for v in c.store.versions() {
            if v.kind() == self.rt.kind {
                between.entry(Key::of(v)).or_default().push(v);
            }
        }
        let mut changed: Vec<Object> = Vec::new();
        let mut live: BTreeMap<Key, Object> = BTreeMap::new();
        for obj in cur {
            let k = Key::of(&obj);
            let printed = self.seen.get(&k).map(rv);
            let now_rv = rv(&obj);
            if printed != Some(now_rv) {
                let after = printed.unwrap_or(0);
                let earlier = between.get(&k).into_iter().flatten();
                changed.extend(
                    earlier
                        .filter(|v| rv(v) > after && rv(v) < now_rv)
                        .map(|v| (*v).clone()),
                );
                changed.push(obj.clone());
            }
            live.insert(k, obj);
        }
        // Events arrive in resourceVersion order; deletions (whose version we do not keep)
        // after the changes of this poll.
        crate::sort::sort_by_key(&mut changed, rv);
        for (k, old) in &self.seen {
            if !live.contains_key(k) {
                changed.push(old.clone());
            }
        }
        if !changed.is_empty() {
            self.print(&changed, false, c.now, out);
        }
        self.seen = live;
    }
}

pub fn api_resources(ctx: &mut Ctx, a: &Args, out: &mut Output) -> i32 {
    let _ = &ctx;
    let namespaced = a.value(&["--namespaced"]).map(|v| v == "true");
    let group = a.value(&["--api-group"]);
    let format = a.value(&["-o", "--output"]);
    // (plural, short names, group, apiVersion, namespaced, kind)
    let mut rts: Vec<(&str, String, &str, String, bool, &str)> = kinds::RESOURCE_TYPES
        .iter()
        .map(|r| {
            (
                r.plural,
                r.short_names.join(","),
                r.group,
                r.api_version(),
                r.namespaced,
                r.kind,
            )
        })
        .chain(
            kinds::DISCOVERY_ONLY
                .iter()
                .map(|(kind, plural, short, gv, ns)| {
                    let group = gv.rsplit_once('/').map_or("", |(g, _)| g);
                    (
                        *plural,
                        short.to_string(),
                        group,
                        gv.to_string(),
                        *ns,
                        *kind,
                    )
                }),
        )
        .filter(|r| namespaced.is_none_or(|n| r.4 == n))
        .filter(|r| group.is_none_or(|g| r.2 == g))
        .collect();
    // api-resources.go sorts (stably) by group; discovery lists resources by name.
    crate::sort::sort_by(&mut rts, |x, y| x.2.cmp(y.2).then(x.0.cmp(y.0)));
    match format {
        Some("name") => {
            for r in rts {
                if r.2.is_empty() {
                    out.out(&format!("{}\n", r.0));
                } else {
                    out.out(&format!("{}.{}\n", r.0, r.2));
                }
            }
            return 0;
        }
        None | Some("wide") => {}
        Some(f) => {
            return fail(out, &format!("--output {f} is not available"));
        }
    }
    let mut text = String::new();
    if !a.has(&["--no-headers"]) {
        text.push_str("NAME\tSHORTNAMES\tAPIVERSION\tNAMESPACED\tKIND\n");
    }
    for (plural, short, _, gv, ns, kind) in rts {
        text.push_str(&format!("{plural}\t{short}\t{gv}\t{ns}\t{kind}\n"));
    }
    out.out(&TabWriter::kubectl().format(&text));
    0
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::scenario::transcript::matches;
    use crate::term::Terminal;

    const NGINX: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx
spec:
  replicas: 3
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports:
        - containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: nginx
spec:
  selector:
    app: nginx
  ports:
  - port: 80
    targetPort: 80
";

    pub(crate) fn cluster_with(text: &str) -> Cluster {
        let mut c = Cluster::new(7);
        for d in crate::manifest::parse(text, "STDIN") {
            if let Ok(obj) = d.result {
                let _ = c.apply(obj, "default");
            }
        }
        c.advance(30_000);
        c
    }

    pub(crate) fn run(c: &mut Cluster, line: &str) -> (String, i32) {
        let mut term = Terminal::new();
        let argv: Vec<String> = shell_words(line);
        let a = Args::parse(&argv).unwrap_or_default();
        let mut ctx = Ctx {
            cluster: c,
            term: &mut term,
            stdin: "",
        };
        let mut out = Output::new();
        let code = if argv.first().map(String::as_str) == Some("describe") {
            super::super::describe::describe(&mut ctx, &a, &mut out)
        } else if argv.first().map(String::as_str) == Some("api-resources") {
            api_resources(&mut ctx, &a, &mut out)
        } else {
            get(&mut ctx, &a, &mut out)
        };
        (out.combined(), code)
    }

    fn shell_words(s: &str) -> Vec<String> {
        let mut v = Vec::new();
        let mut cur = String::new();
        let mut q: Option<char> = None;
        let mut any = false;
        for c in s.chars() {
            match q {
                Some(x) if c == x => q = None,
                Some(_) => cur.push(c),
                None if c == '\'' || c == '"' => {
                    q = Some(c);
                    any = true
                }
                None if c == ' ' => {
                    if !cur.is_empty() || any {
                        v.push(std::mem::take(&mut cur));
                    }
                    any = false;
                }
                None => cur.push(c),
            }
        }
        if !cur.is_empty() || any {
            v.push(cur);
        }
        v
    }

    fn expect(c: &mut Cluster, line: &str, expected: &str) {
        let (out, _) = run(c, line);
        let lines: Vec<String> = expected.lines().map(String::from).collect();
        assert!(
            matches(&lines, &out),
            "{line}\n--- expected\n{expected}\n--- actual\n{out}"
        );
    }

    #[test]
    fn transcript_01_get_blocks() {
        // /work/shared/transcripts/01-clusterip-basics.txt
        let mut c = cluster_with(NGINX);
        expect(&mut c, "get deployment nginx", "NAME    READY   UP-TO-DATE   AVAILABLE   AGE\nnginx   3/3     3            3           [..]");
        expect(
            &mut c,
            "get replicasets",
            "NAME[..]DESIRED   CURRENT   READY   AGE\nnginx-[..]3         3         3       [..]",
        );
        expect(
            &mut c,
            "get pods -l app=nginx",
            "NAME[..]READY   STATUS    RESTARTS   AGE\nnginx-[..]1/1     Running   0          [..]\nnginx-[..]1/1     Running   0          [..]\nnginx-[..]1/1     Running   0          [..]",
        );
        expect(
            &mut c,
            "get svc",
            "NAME         TYPE        CLUSTER-IP[..]EXTERNAL-IP   PORT(S)   AGE\nkubernetes   ClusterIP   10.96.0.1[..]<none>        443/TCP   [..]\nnginx        ClusterIP   10.[..]<none>        80/TCP    [..]",
        );
        expect(
            &mut c,
            "get svc nginx -o wide",
            "NAME    TYPE        CLUSTER-IP[..]EXTERNAL-IP   PORT(S)   AGE[..]SELECTOR\nnginx   ClusterIP   10.[..]<none>        80/TCP    [..]app=nginx",
        );
        expect(
            &mut c,
            "get endpoints nginx",
            "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\nNAME    ENDPOINTS[..]AGE\nnginx   [..]:80,[..]:80,[..]:80   [..]",
        );
        expect(
            &mut c,
            "get endpointslices -l kubernetes.io/service-name=nginx",
            "NAME          ADDRESSTYPE   PORTS   ENDPOINTS[..]AGE\nnginx-[..]   IPv4          80      [..],[..],[..]   [..]",
        );
    }

    #[test]
    fn not_found_and_empty() {
        let mut c = Cluster::new(1);
        let (o, code) = run(&mut c, "get pods x");
        assert_eq!(
            (o.as_str(), code),
            ("Error from server (NotFound): pods \"x\" not found\n", 1)
        );
        let (o, _) = run(&mut c, "get deploy x");
        assert_eq!(
            o,
            "Error from server (NotFound): deployments.apps \"x\" not found\n"
        );
        let (o, code) = run(&mut c, "get pods");
        assert_eq!(
            (o.as_str(), code),
            ("No resources found in default namespace.\n", 0)
        );
        let (o, _) = run(&mut c, "get pods -n foo");
        assert_eq!(o, "No resources found in foo namespace.\n");
        let (o, code) = run(&mut c, "get");
        assert!(o.starts_with("You must specify the type of resource to get.") && code == 1);
        let (o, _) = run(&mut c, "get svcs");
        assert_eq!(
            o,
            "error: the server doesn't have a resource type \"svcs\"\n"
        );
        let (o, _) = run(&mut c, "get svc kubernetes nope");
        assert!(
            o.starts_with("NAME         TYPE")
                && o.ends_with("Error from server (NotFound): services \"nope\" not found\n"),
            "{o}"
        );
    }

    #[test]
    fn get_all_on_fresh_cluster() {
        // A fresh cluster's default namespace holds only the kubernetes Service.
        let mut c = Cluster::new(1);
        expect(
            &mut c,
            "get all",
            "NAME                 TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\nservice/kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP   [..]",
        );
        let mut c = cluster_with(NGINX);
        let (o, _) = run(&mut c, "get deploy,svc");
        assert!(
            o.contains("deployment.apps/nginx   3/3")
                && o.contains("\n\nNAME ")
                && o.contains("service/nginx "),
            "{o}"
        );
    }

    #[test]
    fn output_formats() {
        let mut c = cluster_with(NGINX);
        let (o, _) = run(&mut c, "get svc -o name");
        assert_eq!(o, "service/kubernetes\nservice/nginx\n");
        let (o, _) = run(&mut c, "get deploy -o name");
        assert_eq!(o, "deployment.apps/nginx\n");
        let (o, _) = run(&mut c, "get svc kubernetes -o jsonpath={.spec.clusterIP}");
        assert_eq!(o, "10.96.0.1");
        let (o, _) = run(&mut c, "get svc -o jsonpath={.items[*].metadata.name}");
        assert_eq!(o, "kubernetes nginx");
        let (o, _) = run(
            &mut c,
            "get svc -o custom-columns=NAME:.metadata.name,IP:.spec.clusterIP,X:.spec.nope",
        );
        assert!(
            o.starts_with("NAME         IP")
                && o.contains("kubernetes   10.96.0.1 ")
                && o.contains("<none>"),
            "{o}"
        );
        let (o, _) = run(&mut c, "get svc kubernetes -o yaml");
        assert!(o.starts_with("apiVersion: v1\nkind: Service\n"), "{o}");
        let (o, _) = run(&mut c, "get svc -o yaml");
        assert!(
            o.starts_with("apiVersion: v1\nitems:\n- apiVersion: v1\n")
                && o.ends_with("kind: List\nmetadata:\n  resourceVersion: \"\"\n"),
            "{o}"
        );
        let (o, _) = run(&mut c, "get pods -o yaml -l app=none");
        assert_eq!(
            o,
            "apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: \"\"\n"
        );
        let (o, _) = run(&mut c, "get svc -o foo");
        assert!(o.starts_with(
            "error: unable to match a printer suitable for the output format \"foo\""
        ));
    }

    #[test]
    fn flags() {
        let mut c = cluster_with(NGINX);
        let (o, _) = run(&mut c, "get svc --show-labels");
        assert!(o.lines().next().unwrap_or("").ends_with("   LABELS"), "{o}");
        assert!(o.contains("component=apiserver,provider=kubernetes"), "{o}");
        let (o, _) = run(&mut c, "get pods -L app --no-headers");
        assert!(o.lines().all(|l| l.trim_end().ends_with("nginx")), "{o}");
        let (o, _) = run(&mut c, "get svc -A");
        assert!(o.starts_with("NAMESPACE     NAME         TYPE"), "{o}");
        let (o, _) = run(
            &mut c,
            "get pods --field-selector status.phase=Running -o name",
        );
        assert_eq!(o.lines().count(), 3);
        let (o, _) = run(&mut c, "get pods --field-selector foo=bar");
        assert_eq!(o, "Error from server (BadRequest): Unable to find \"/v1, Resource=pods\" that match label selector \"\", field selector \"foo=bar\": field label not supported: foo\n");
        let (o, _) = run(
            &mut c,
            "get pods --sort-by=.status.podIP -o jsonpath={.items[*].status.podIP}",
        );
        let ips: Vec<&str> = o.split(' ').collect();
        let mut sorted = ips.clone();
        crate::sort::sort_by(&mut sorted, |a, b| {
            if printers::natural_less(a, b) {
                std::cmp::Ordering::Less
            } else {
                std::cmp::Ordering::Greater
            }
        });
        assert_eq!(ips, sorted);
        let (o, _) = run(&mut c, "get nodes");
        assert!(
            o.contains("kubeplay-control-plane   Ready    control-plane")
                && o.contains("kubeplay-worker          Ready    <none>"),
            "{o}"
        );
        let (o, _) = run(&mut c, "get ns");
        assert!(
            o.starts_with("NAME ") && o.contains("default   ") && o.contains("Active"),
            "{o}"
        );
        let (o, _) = run(&mut c, "get servicecidrs");
        assert!(o.contains("kubernetes   10.96.0.0/12"), "{o}");
    }

    #[test]
    fn watch_prints_changes() {
        let mut c = cluster_with(NGINX);
        let pod = c
            .store
            .list_ns("Pod", "default")
            .next()
            .map(|o| o.name().to_string())
            .unwrap_or_default();
        let _ = c.delete("Pod", "default", &pod, None);
        let (o, code) = run(&mut c, "get pods -w --request-timeout=10s");
        assert_eq!(code, 0);
        assert!(o.lines().count() > 4, "{o}");
    }

    #[test]
    fn go_templates_become_jsonpath() {
        for (go, jp) in [
            ("{{.spec.clusterIP}}", "{.spec.clusterIP}"),
            (
                "{{(index .spec.ports 0).nodePort}}",
                "{.spec.ports[0].nodePort}",
            ),
            (
                "{{index .metadata.labels \"app\"}}",
                "{.metadata.labels['app']}",
            ),
            (
                "{{range .items}}{{.metadata.name}}{{\"\\n\"}}{{end}}",
                "{range .items[*]}{.metadata.name}{\"\\n\"}{end}",
            ),
            ("a {{- .x -}} b", "a{.x}b"),
            ("{{.}}", "{@}"),
        ] {
            assert_eq!(go_template_as_jsonpath(go).as_deref(), Ok(jp), "{go}");
        }
        assert_eq!(
            go_template_as_jsonpath("{{.a").unwrap_err(),
            "unclosed action"
        );
        assert_eq!(
            go_template_as_jsonpath("{{len .a}}").unwrap_err(),
            "function \"len\" not defined"
        );
    }

    #[test]
    fn api_resources_table() {
        let mut c = Cluster::new(1);
        let (o, _) = run(&mut c, "api-resources");
        assert!(
            o.starts_with("NAME                                SHORTNAMES   APIVERSION                        NAMESPACED   KIND\n"),
            "{o}"
        );
        let line = |name: &str| {
            o.lines()
                .find(|l| l.starts_with(name))
                .unwrap_or("")
                .to_string()
        };
        assert_eq!(line("services "), "services                            svc          v1                                true         Service");
        assert_eq!(line("deployments "), "deployments                         deploy       apps/v1                           true         Deployment");
        assert_eq!(line("leases "), "leases                                           coordination.k8s.io/v1            true         Lease");
    }
}
