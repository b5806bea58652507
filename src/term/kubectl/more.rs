//! The rest of kubectl: `create configmap|secret generic`, `replace`, `auth`,
//! `api-versions`, `events`, `plugin list`, `kustomize`, `proxy`, the remaining `config`
//! subcommands, and what a command the terminal cannot carry out prints (a short error
//! here; the page says why through [`crate::term::Terminal::notice`]).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Map, Value};

use super::{fail, Args, Ctx};
use crate::api::{kinds, Object};
use crate::cluster::Key;
use crate::manifest::{self, DocError};
use crate::term::shell::Output;

/// `--from-literal` key check (`validation.IsConfigMapKey`).
fn valid_key(k: &str) -> bool {
    !k.is_empty()
        && k.len() <= 253
        && k != "."
        && k != ".."
        && !k.starts_with("..")
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// The one NAME a `create` subcommand takes (`NameFromCommandArgs`), or its usage error.
fn name_arg(a: &Args, path: &str) -> Result<String, String> {
    match a.rest(a.path_len) {
        [n] => Ok(n.clone()),
        words => Err(format!(
            "exactly one NAME is required, got {}\nSee 'kubectl {path} -h' for help and examples",
            words.len()
        )),
    }
}

/// `kubectl create configmap NAME` and `kubectl create secret generic NAME`
/// (kubectl `pkg/cmd/create/create_configmap.go`, `create_secret.go`).
pub fn create_data(ctx: &mut Ctx, a: &Args, out: &mut Output, secret: bool) -> i32 {
    let path = if secret {
        "create secret generic"
    } else {
        "create configmap"
    };
    let name = match name_arg(a, path) {
        Ok(n) => n,
        Err(e) => return fail(out, &e),
    };
    let kind = if secret { "Secret" } else { "ConfigMap" };
    // Literals first, then files, then env files (create_configmap.go/create_secret.go).
    let mut entries: Vec<(String, String)> = Vec::new();
    for lit in a.values(&["--from-literal"]) {
        let Some((k, v)) = lit.split_once('=').filter(|(k, _)| !k.is_empty()) else {
            return fail(
                out,
                &format!("invalid literal source {lit}, expected key=value"),
            );
        };
        entries.push((k.to_string(), v.to_string()));
    }
    for src in a.values(&["--from-file"]) {
        // util.ParseFileSource: `key=path`, or the path's base name as the key.
        let (key, file) = match src.split_once('=') {
            Some((k, p)) => (Some(k), p),
            None => (None, src),
        };
        let files = &ctx.term.files;
        if let Some(text) = files.get(file) {
            let base = file
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or(file);
            entries.push((key.unwrap_or(base).to_string(), text.to_string()));
        } else if files.is_dir(file) {
            if key.is_some() {
                return fail(out, "cannot give a key name for a directory path");
            }
            for abs in files.list(file).0 {
                let base = abs.rsplit('/').next().unwrap_or(&abs).to_string();
                entries.push((base, files.get(&abs).unwrap_or_default().to_string()));
            }
        } else {
            return fail(
                out,
                &format!("error reading {file}: no such file or directory"),
            );
        }
    }
    for file in a.values(&["--from-env-file"]) {
        let Some(text) = ctx.term.files.get(file) else {
            return fail(
                out,
                &format!("error reading {file}: no such file or directory"),
            );
        };
        // kubectl's env-file rules (cmd/util/env_file.go): blank lines and #comments
        // skipped, leading whitespace trimmed, KEY=VALUE, a bare KEY taken from the
        // environment (empty here).
        for line in text.lines() {
            let line = line.trim_start();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (k, v) = line.split_once('=').unwrap_or((line, ""));
            // validation.IsEnvVarName.
            let ok = k
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
                && k.chars().next().is_some_and(|c| !c.is_ascii_digit());
            if !ok {
                return fail(out, &format!("\"{k}\" is not a valid key name: a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')"));
            }
            entries.push((k.to_string(), v.to_string()));
        }
    }
    let mut data = Map::new();
    for (k, v) in entries {
        let k = k.as_str();
        if !valid_key(k) {
            return fail(out, &format!("\"{k}\" is not a valid key name for a {kind}: a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"));
        }
        if data.contains_key(k) {
            return fail(out, &format!("cannot add key \"{k}\", another key by that name already exists in Data for {kind} \"{name}\""));
        }
        let v = if secret {
            STANDARD.encode(v.as_bytes())
        } else {
            v
        };
        data.insert(k.to_string(), Value::String(v));
    }
    let mut meta = json!({ "name": name });
    if let Some(ns) = a.value(&["-n", "--namespace"]) {
        meta["namespace"] = json!(ns);
    }
    let mut v = json!({ "apiVersion": "v1", "kind": kind, "metadata": meta });
    if !data.is_empty() {
        v["data"] = Value::Object(data);
    }
    if secret {
        // The client sends a type only when asked; the API server defaults it to Opaque.
        match a.value(&["--type"]) {
            Some(t) if !t.is_empty() => v["type"] = json!(t),
            _ if super::mutate::dry_run(a) != Some(" (dry run)") => v["type"] = json!("Opaque"),
            _ => {}
        }
    }
    let Some(rt) = kinds::by_kind_name(kind) else {
        return 1;
    };
    match Object::from_json(rt, v) {
        // create_secret.go: fmt.Errorf("failed to create secret %v", err), with no colon.
        Ok(obj) if secret => {
            let wrap = Some("failed to create secret ".to_string());
            super::mutate::create_wrapping(ctx, a, out, obj, "created", wrap)
        }
        Ok(obj) => super::mutate::create_one(ctx, a, out, obj, "created"),
        Err(e) => fail(out, &e.to_string()),
    }
}

/// Go's `tls.X509KeyPair` checks of the PEM blocks (crypto/tls tls.go): a certificate
/// block in the first input, a `* PRIVATE KEY` block in the second. The DER inside is
/// not parsed, nor is the key matched to the certificate.
fn pem_pair(cert: &str, key: &str) -> Result<(), String> {
    let types = |t: &str| -> Vec<String> {
        t.split("-----BEGIN ")
            .skip(1)
            .filter_map(|r| r.split_once("-----").map(|(ty, _)| ty.to_string()))
            .collect()
    };
    let (ct, kt) = (types(cert), types(key));
    if !ct.iter().any(|t| t == "CERTIFICATE") {
        return Err(if ct.is_empty() {
            "tls: failed to find any PEM data in certificate input".into()
        } else if ct.iter().any(|t| t.ends_with("PRIVATE KEY")) {
            "tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched".into()
        } else {
            format!("tls: failed to find \"CERTIFICATE\" PEM block in certificate input after skipping PEM blocks of the following types: [{}]", ct.join(" "))
        });
    }
    if !kt
        .iter()
        .any(|t| t == "PRIVATE KEY" || t.ends_with(" PRIVATE KEY"))
    {
        return Err(if kt.is_empty() {
            "tls: failed to find any PEM data in key input".into()
        } else if kt.iter().any(|t| t == "CERTIFICATE") {
            "tls: found a certificate rather than a key in the PEM for the private key".into()
        } else {
            format!("tls: failed to find PEM block with type ending in \"PRIVATE KEY\" in key input after skipping PEM blocks of the following types: [{}]", kt.join(" "))
        });
    }
    Ok(())
}

/// `--rule`'s check (create_ingress.go ruleRegex, anchored only at the start):
/// `host/path=svcname:svcport...` with host in `[\w*.-]*`, names and ports in `[\w-]+`.
fn ingress_rule_ok(rule: &str) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let Some(slash) = rule.find('/') else {
        return false;
    };
    if !rule[..slash]
        .chars()
        .all(|c| word(c) || c == '*' || c == '.')
    {
        return false;
    }
    rule[slash..].match_indices('=').any(|(i, _)| {
        let rest = &rule[slash + i + 1..];
        let svc_len = rest.chars().take_while(|c| word(*c)).count();
        svc_len > 0
            && rest[svc_len..].starts_with(':')
            && rest[svc_len + 1..].chars().next().is_some_and(word)
    })
}

/// `buildIngressBackendSvc`: `svc:port`, the port a number when it parses as one.
fn ingress_backend(svc: &str) -> Value {
    let (name, port) = svc.split_once(':').unwrap_or((svc, ""));
    let port = match port.parse::<i32>() {
        Ok(n) => json!({ "number": n }),
        Err(_) => json!({ "name": port }),
    };
    json!({ "service": { "name": name, "port": port } })
}

/// `kubectl create ingress NAME --rule=host/path=svc:port[,tls[=secret]]`
/// (kubectl `pkg/cmd/create/create_ingress.go`): rules of one host share an entry, a
/// trailing `*` makes the path a Prefix (else Exact), `,tls[=secret]` adds a TLS entry.
/// `kubectl create job NAME --image=IMAGE [-- COMMAND [args...]]` (create_job.go
/// createJob: one container named after the Job, restartPolicy Never; `--from` makes
/// it from a CronJob's jobTemplate).
pub fn create_job(ctx: &mut Ctx, a: &Args, out: &mut Output) -> i32 {
    let image = a.value(&["--image"]).unwrap_or("");
    let from = a.value(&["--from"]).unwrap_or("");
    // Complete: NAME first, then Validate: exactly one of --image and --from.
    let name = match name_arg(a, "create job") {
        Ok(n) => n,
        Err(e) => return fail(out, &e),
    };
    if image.is_empty() == from.is_empty() {
        return fail(out, "either --image or --from must be specified");
    }
    if !from.is_empty() {
        return create_job_from(ctx, a, out, &name, from);
    }
    let mut container = Map::new();
    if !a.command.is_empty() {
        container.insert("command".into(), json!(a.command));
    }
    container.insert("image".into(), json!(image));
    container.insert("name".into(), json!(name));
    container.insert("resources".into(), json!({}));
    let spec = json!({
        "template": {
            "metadata": {},
            "spec": {
                "containers": [Value::Object(container)],
                "restartPolicy": "Never",
            },
        },
    });
    let v = job_json(a, json!({ "name": name }), spec);
    create_json(ctx, a, out, "Job", v)
}

/// `kubectl create cronjob NAME --image=IMAGE --schedule=SPEC [--restart=POLICY]
/// [-- COMMAND [args...]]` (create_cronjob.go): cobra's required-flag check first, one
/// container named after the CronJob, restartPolicy OnFailure unless `--restart` says
/// otherwise (not checked by the client), and the job template named after it too.
pub fn create_cronjob(ctx: &mut Ctx, a: &Args, out: &mut Output) -> i32 {
    let missing: Vec<String> = ["image", "schedule"]
        .into_iter()
        .filter(|f| a.value(&[&format!("--{f}")]).is_none())
        .map(|f| format!("\"{f}\""))
        .collect();
    if !missing.is_empty() {
        return fail(
            out,
            &format!("required flag(s) {} not set", missing.join(", ")),
        );
    }
    let name = match name_arg(a, "create cronjob") {
        Ok(n) => n,
        Err(e) => return fail(out, &e),
    };
    let mut container = Map::new();
    if !a.command.is_empty() {
        container.insert("command".into(), json!(a.command));
    }
    container.insert("image".into(), json!(a.value(&["--image"]).unwrap_or("")));
    container.insert("name".into(), json!(name));
    container.insert("resources".into(), json!({}));
    let restart = a
        .value(&["--restart"])
        .filter(|r| !r.is_empty())
        .unwrap_or("OnFailure");
    let mut meta = json!({ "name": name });
    if let Some(ns) = a.value(&["-n", "--namespace"]) {
        meta["namespace"] = json!(ns);
    }
    let v = json!({
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": meta,
        "spec": {
            "jobTemplate": {
                "metadata": { "name": name },
                "spec": {
                    "template": {
                        "metadata": {},
                        "spec": {
                            "containers": [Value::Object(container)],
                            "restartPolicy": restart,
                        },
                    },
                },
            },
            "schedule": a.value(&["--schedule"]).unwrap_or(""),
        },
        "status": {},
    });
    create_json(ctx, a, out, "CronJob", v)
}

/// `create job NAME --from=cronjob/CRON` (create_job.go createJobFromCronJob): the
/// CronJob's jobTemplate, annotated `cronjob.kubernetes.io/instantiate: manual` and
/// controlled by the CronJob.
fn create_job_from(ctx: &mut Ctx, a: &Args, out: &mut Output, name: &str, from: &str) -> i32 {
    if !a.command.is_empty() {
        return fail(out, "cannot specify --from and command");
    }
    let (ty, cron) = from.split_once('/').unwrap_or((from, ""));
    let Some(rt) = kinds::lookup(ty) else {
        return fail(
            out,
            &format!("the server doesn't have a resource type \"{ty}\""),
        );
    };
    if cron.is_empty() {
        // A bare TYPE lists every object of it; one CronJob alone would do.
        notice(
            ctx,
            format!("kubectl create job --from={from}: name the CronJob as --from=cronjob/NAME."),
        );
        return fail(out, "from must be an existing cronjob");
    }
    let ns = ctx.namespace(a);
    let scope = if rt.namespaced { ns.as_str() } else { "" };
    let Some(cj) = ctx.cluster.get(rt.kind, scope, cron).cloned() else {
        out.err(&format!("{}\n", super::not_found(rt, cron)));
        return 1;
    };
    if rt.kind != "CronJob" {
        // `%T` of the typed object the builder decoded.
        return fail(out, &format!("unknown object type *v1.{}", rt.kind));
    }
    let v = cj.to_json();
    let template = v.get("spec").and_then(|s| s.get("jobTemplate"));
    let tmeta = template.and_then(|t| t.get("metadata"));
    let mut annotations = Map::new();
    annotations.insert("cronjob.kubernetes.io/instantiate".into(), json!("manual"));
    if let Some(Value::Object(m)) = tmeta.and_then(|m| m.get("annotations")) {
        for (k, v) in m {
            annotations.insert(k.clone(), v.clone());
        }
    }
    let mut meta = json!({
        "name": name,
        "annotations": annotations,
        "ownerReferences": [{
            "apiVersion": "batch/v1",
            "kind": "CronJob",
            "name": cron,
            "uid": cj.meta().uid.clone().unwrap_or_default(),
            "controller": true,
        }],
    });
    if let Some(labels) = tmeta.and_then(|m| m.get("labels")).filter(|l| !l.is_null()) {
        meta["labels"] = labels.clone();
    }
    let spec = template
        .and_then(|t| t.get("spec"))
        .cloned()
        .unwrap_or(json!({}));
    let v = job_json(a, meta, spec);
    create_json(ctx, a, out, "Job", v)
}

/// The Job `create job` sends: its metadata (with `-n`'s namespace) and spec.
fn job_json(a: &Args, mut meta: Value, spec: Value) -> Value {
    if let Some(ns) = a.value(&["-n", "--namespace"]) {
        meta["namespace"] = json!(ns);
    }
    json!({
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": meta,
        "spec": spec,
        "status": {},
    })
}

/// Creates an object `kubectl create TYPE` built as JSON.
/// `kubectl autoscale TYPE NAME --max=N [--min=N] [--cpu-percent=P] [--name=X]`
/// (kubectl `pkg/cmd/autoscale/autoscale.go`): Validate's bounds, the target through the
/// builder, a kind without a scale subresource refused as the discovery scale resolver
/// refuses it, then an autoscaling/v2 HPA (createHorizontalPodAutoscalerV2: minReplicas
/// only when --min > 0, the CPU metric only when --cpu-percent >= 0) created and printed
/// as "autoscaled" ("created" for a client dry run).
fn autoscale(ctx: &mut Ctx, a: &Args, out: &mut Output) -> i32 {
    let int = |flag: &str, default: i64| -> Result<i64, String> {
        match a.value(&[flag]) {
            None => Ok(default),
            Some(v) => v.parse::<i32>().map(i64::from).map_err(|_| {
                format!("invalid argument \"{v}\" for \"{flag}\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax")
            }),
        }
    };
    let (max, min, cpu) = match (int("--max", -1), int("--min", -1), int("--cpu-percent", -1)) {
        (Ok(max), Ok(min), Ok(cpu)) => (max, min, cpu),
        (Err(e), ..) | (_, Err(e), _) | (.., Err(e)) => return fail(out, &e),
    };
    if max < 1 {
        return fail(
            out,
            &format!("--max=MAXPODS is required and must be at least 1, max: {max}"),
        );
    }
    if max < min {
        return fail(
            out,
            &format!(
                "--max=MAXPODS must be larger or equal to --min=MINPODS, max: {max}, min: {min}"
            ),
        );
    }
    let target = match super::mutate::one_target(ctx, a, a.rest(1)) {
        Ok(t) => t,
        Err(e) => {
            out.err(&format!("{e}\n"));
            return 1;
        }
    };
    let rt = target.resource_type();
    if !matches!(rt.kind, "Deployment" | "ReplicaSet" | "StatefulSet") {
        return fail(
            out,
            &format!(
                "cannot autoscale a {}: could not find scale subresource for {}/{}, Resource={} in discovery information",
                rt.kind, rt.group, rt.version, rt.plural
            ),
        );
    }
    let name = a
        .value(&["--name"])
        .filter(|n| !n.is_empty())
        .unwrap_or(target.name());
    // Built as JSON text: json! literals are large in the WebAssembly bundle.
    let quoted = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let text = format!(
        r#"{{"apiVersion":"autoscaling/v2","kind":"HorizontalPodAutoscaler","metadata":{{"name":{}}},"spec":{{"scaleTargetRef":{{"apiVersion":{},"kind":{},"name":{}}},"maxReplicas":{max}}},"status":{{"currentMetrics":null,"desiredReplicas":0}}}}"#,
        quoted(name),
        quoted(&rt.api_version()),
        quoted(rt.kind),
        quoted(target.name()),
    );
    let mut v: Value = serde_json::from_str(&text).unwrap_or_default();
    if let Some(spec) = v.get_mut("spec").and_then(Value::as_object_mut) {
        if min > 0 {
            spec.insert("minReplicas".into(), min.into());
        }
        if cpu >= 0 {
            let metrics = crate::manifest::defaults::cpu_metric(&cpu.into());
            spec.insert("metrics".into(), metrics);
        }
    }
    let Some(hpa_rt) = kinds::by_kind_name("HorizontalPodAutoscaler") else {
        return 1;
    };
    let mut obj = match Object::from_json(hpa_rt, v) {
        Ok(o) => o,
        Err(e) => return fail(out, &e.to_string()),
    };
    super::mutate::record(a, &mut obj);
    // ToPrinter("created") for a client dry run, ToPrinter("autoscaled") after the create.
    let client = matches!(
        a.value(&["--dry-run"]),
        Some("client" | "unchanged" | "1" | "t" | "T" | "TRUE" | "true" | "True")
    );
    let verb = if client { "created" } else { "autoscaled" };
    super::mutate::create_wrapping(ctx, a, out, obj, verb, None)
}

fn create_json(ctx: &mut Ctx, a: &Args, out: &mut Output, kind: &str, v: Value) -> i32 {
    let Some(rt) = kinds::by_kind_name(kind) else {
        return 1;
    };
    match Object::from_json(rt, v) {
        Ok(obj) => super::mutate::create_one(ctx, a, out, obj, "created"),
        Err(e) => fail(out, &e.to_string()),
    }
}

pub fn create_ingress(ctx: &mut Ctx, a: &Args, out: &mut Output) -> i32 {
    let name = match name_arg(a, "create ingress") {
        Ok(n) => n,
        Err(e) => return fail(out, &e),
    };
    let rules = a.values(&["--rule"]);
    let default_backend = a.value(&["--default-backend"]).unwrap_or("");
    if default_backend.is_empty() && rules.is_empty() {
        return fail(out, "not enough information provided: every ingress has to either specify a default-backend (which catches all traffic) or a list of rules (which catch specific paths)");
    }
    if let Some(bad) = rules.iter().find(|r| !ingress_rule_ok(r)) {
        return fail(out, &format!("rule {bad} is invalid and should be in format host/path=svcname:svcport[,tls[=secret]]"));
    }
    let mut annotations = Map::new();
    for an in a.values(&["--annotation"]) {
        let Some((k, v)) = an.split_once('=') else {
            return fail(
                out,
                &format!("annotation {an} is invalid and should be in format key=[value]"),
            );
        };
        annotations.insert(k.to_string(), json!(v));
    }
    if !default_backend.is_empty() && default_backend.split(':').count() != 2 {
        return fail(
            out,
            "default-backend should be in format servicename:serviceport",
        );
    }
    let mut spec = Map::new();
    if let Some(class) = a.value(&["--class"]).filter(|c| !c.is_empty()) {
        spec.insert("ingressClassName".into(), json!(class));
    }
    if !default_backend.is_empty() {
        spec.insert("defaultBackend".into(), ingress_backend(default_backend));
    }
    // buildTLSRules: each host once; rules naming the same secret share its entry.
    let mut tls: Vec<Value> = Vec::new();
    let mut tls_hosts: Vec<&str> = Vec::new();
    for rule in &rules {
        let parts: Vec<&str> = rule.split(',').collect();
        if parts.len() != 2 {
            continue;
        }
        let host = rule.split('/').next().unwrap_or("");
        let secret = parts[1].split('=').nth(1).unwrap_or("");
        if tls_hosts.contains(&host) {
            continue;
        }
        tls_hosts.push(host);
        if let Some(entry) = tls
            .iter_mut()
            .find(|t| t.get("secretName").and_then(|s| s.as_str()).unwrap_or("") == secret)
        {
            if let Some(h) = entry.get_mut("hosts").and_then(|h| h.as_array_mut()) {
                h.push(json!(host));
            } else {
                entry["hosts"] = json!([host]);
            }
            continue;
        }
        let mut entry = Map::new();
        if !host.is_empty() {
            entry.insert("hosts".into(), json!([host]));
        }
        if !secret.is_empty() {
            entry.insert("secretName".into(), json!(secret));
        }
        if !entry.is_empty() {
            tls.push(Value::Object(entry));
        }
    }
    if !tls.is_empty() {
        spec.insert("tls".into(), Value::Array(tls));
    }
    // buildIngressRules
    let mut out_rules: Vec<(String, Vec<Value>)> = Vec::new();
    for rule in &rules {
        let no_tls = rule.split(',').next().unwrap_or("");
        let (host, pathsvc) = no_tls.split_once('/').unwrap_or((no_tls, ""));
        let (path, svc) = pathsvc.split_once('=').unwrap_or((pathsvc, ""));
        let mut path = format!("/{path}");
        let mut path_type = "Exact";
        if path.ends_with('*') {
            path.pop();
            path_type = "Prefix";
        }
        let entry = json!({ "backend": ingress_backend(svc), "path": path, "pathType": path_type });
        match out_rules.iter_mut().find(|(h, _)| h == host) {
            Some((_, paths)) => paths.push(entry),
            None => out_rules.push((host.to_string(), vec![entry])),
        }
    }
    if !out_rules.is_empty() {
        let rules: Vec<Value> = out_rules
            .into_iter()
            .map(|(host, paths)| {
                let mut r = Map::new();
                if !host.is_empty() {
                    r.insert("host".into(), json!(host));
                }
                r.insert("http".into(), json!({ "paths": paths }));
                Value::Object(r)
            })
            .collect();
        spec.insert("rules".into(), Value::Array(rules));
    }
    let mut meta = json!({ "name": name });
    if !annotations.is_empty() {
        meta["annotations"] = Value::Object(annotations);
    }
    if let Some(ns) = a.value(&["-n", "--namespace"]) {
        meta["namespace"] = json!(ns);
    }
    let v = json!({
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": meta,
        "spec": Value::Object(spec),
        "status": { "loadBalancer": {} },
    });
    create_json(ctx, a, out, "Ingress", v)
}

/// `kubectl replace -f FILE`: a PUT of each object (`--force`: delete, then create).
pub fn replace(ctx: &mut Ctx, a: &Args, out: &mut Output) -> i32 {
    let files = match super::mutate::read_files(ctx, a) {
        Ok(f) => f,
        Err(e) => return super::mutate::files_failed(ctx, out, &e),
    };
    let ns = ctx.namespace(a);
    let force = a.has(&["--force"]);
    let dry = super::mutate::dry_run(a);
    let mut errors = Vec::new();
    for (source, text) in files {
        for doc in manifest::parse(&text, &source) {
            let mut obj = match doc.result {
                Ok(o) => o,
                Err(DocError::Client { message, .. }) => {
                    errors.push(super::mutate::schema_checked(message, &source, a));
                    continue;
                }
                Err(DocError::Syntax { message, .. }) | Err(DocError::Decode { message, .. }) => {
                    errors.push(message);
                    continue;
                }
                Err(DocError::UnknownFields { object, fields, .. }) => {
                    let rt = object.resource_type();
                    errors.push(format!(
                        "Error from server (BadRequest): error when replacing \"{source}\": {}",
                        manifest::strict_decoding_message(rt.kind, &rt.api_version(), &fields)
                    ));
                    continue;
                }
            };
            let rt = obj.resource_type();
            if rt.namespaced && obj.meta().namespace.is_none() {
                obj.meta_mut().namespace = Some(ns.clone());
            }
            let refn = super::mutate::ref_name(&obj);
            let key = Key::of(&obj);
            if !ctx.cluster.store.contains(&key) {
                errors.push(format!(
                    "Error from server (NotFound): error when replacing \"{source}\": {} \"{}\" not found",
                    rt.qualified_plural(),
                    obj.name()
                ));
                continue;
            }
            if let Some(suffix) = dry {
                out.out(&format!("{refn} replaced{suffix}\n"));
                continue;
            }
            let result = if force {
                let _ = ctx
                    .cluster
                    .delete(key.kind, &key.namespace, &key.name, None);
                ctx.cluster.run_until(600_000, |c| !c.store.contains(&key));
                out.out(&format!(
                    "{} \"{}\" deleted\n",
                    rt.qualified_singular(),
                    key.name
                ));
                ctx.cluster.create(obj, &ns).map(|_| ())
            } else {
                ctx.cluster.update(obj).map(|_| ())
            };
            match result {
                Ok(()) => out.out(&format!("{refn} replaced\n")),
                Err(e) => errors.push(e.render(Some(("replacing", &source)))),
            }
        }
    }
    for e in &errors {
        out.err(&format!("{e}\n"));
    }
    i32::from(!errors.is_empty())
}

/// `kubectl get -f FILE`: the objects the manifests name, as `get TYPE/NAME ...`.
pub fn get_files(ctx: &mut Ctx, a: &Args, out: &mut Output) -> i32 {
    let files = match super::mutate::read_files(ctx, a) {
        Ok(f) => f,
        Err(e) => return super::mutate::files_failed(ctx, out, &e),
    };
    let mut g = a.clone();
    g.flags.retain(|f| f.long != "filename");
    g.positional = vec!["get".into()];
    g.path_len = 1;
    for (source, text) in files {
        for doc in manifest::parse(&text, &source) {
            let obj = match doc.result {
                Ok(o) => o,
                Err(DocError::UnknownFields { object, .. }) => *object,
                // get.go's builder continues on errors and prints them as an
                // aggregate (cmdutil MultipleErrors), without `error: `.
                Err(DocError::Syntax { message, .. })
                | Err(DocError::Client { message, .. })
                | Err(DocError::Decode { message, .. }) => {
                    let message = message.strip_prefix("error: ").unwrap_or(&message);
                    out.err(&format!("{message}\n"));
                    return 1;
                }
            };
            if let Some(ns) = obj.meta().namespace.clone() {
                if !g.given(&["-n", "--namespace"]) {
                    g.flags.push(super::args::Flag {
                        long: "namespace".into(),
                        short: Some('n'),
                        value: ns,
                    });
                }
            }
            g.positional.push(format!(
                "{}/{}",
                obj.resource_type().qualified_singular(),
                obj.name()
            ));
        }
    }
    super::get::get(ctx, &g, out)
}

/// `kubectl auth can-i` / `whoami`: kind's kubeconfig user is kubeadm's admin
/// (`kubernetes-admin`, group `kubeadm:cluster-admins`), allowed everything.
pub fn auth(ctx: &mut Ctx, a: &Args, out: &mut Output) -> i32 {
    match a.path {
        "auth can-i" => {
            if a.has(&["--list"]) {
                out.out("Resources   Non-Resource URLs   Resource Names   Verbs\n*.*         []                  []               [*]\n            [*]                 []               [*]\n");
                return 0;
            }
            let words = a.rest(a.path_len);
            if words.len() != 2 && !(words.len() == 3 && words[1].contains('/')) {
                out.err("error: you must specify two arguments: verb resource or verb resource/resourceName.\nSee 'kubectl auth can-i -h' for help and examples.\n");
                return 1;
            }
            let resource = words[1].split('/').next().unwrap_or("");
            if !resource.starts_with('/') && kinds::lookup(resource).is_none() {
                out.err(&format!(
                    "Warning: the server doesn't have a resource type '{resource}'\n"
                ));
            }
            let _ = &ctx;
            out.out("yes\n");
            0
        }
        "auth whoami" => {
            out.out("ATTRIBUTE   VALUE\nUsername    kubernetes-admin\nGroups      [kubeadm:cluster-admins system:authenticated]\n");
            0
        }
        _ => other(ctx, a, out),
    }
}

/// `kubectl api-versions` on a v1.33 cluster with the default API groups (no beta APIs
/// are enabled by default), sorted as kubectl sorts them.
fn api_versions(out: &mut Output) -> i32 {
    out.out("admissionregistration.k8s.io/v1\napiextensions.k8s.io/v1\napiregistration.k8s.io/v1\napps/v1\nauthentication.k8s.io/v1\nauthorization.k8s.io/v1\nautoscaling/v1\nautoscaling/v2\nbatch/v1\ncertificates.k8s.io/v1\ncoordination.k8s.io/v1\ndiscovery.k8s.io/v1\nevents.k8s.io/v1\nflowcontrol.apiserver.k8s.io/v1\nnetworking.k8s.io/v1\nnode.k8s.io/v1\npolicy/v1\nrbac.authorization.k8s.io/v1\nscheduling.k8s.io/v1\nstorage.k8s.io/v1\nv1\n");
    0
}

/// `kubectl events` (kubectl `pkg/cmd/events/events.go`): the namespace's events, or only
/// those about `--for TYPE/NAME` (a field selector on involvedObject kind, apiVersion and
/// name) and of `--types`, oldest first, in the event printer's own table (`Kind/Name`
/// objects, unlike `get events`). Other output formats and `--watch` go through `get`.
fn events(ctx: &mut Ctx, a: &Args, out: &mut Output) -> i32 {
    use k8s_openapi::api::core::v1::Event;
    // EventsFlags.ToOptions, then Validate: what the list asks the API server for.
    let mut wanted: Vec<(&str, String)> = Vec::new();
    if let Some(target) = a.value(&["--for"]).filter(|f| !f.is_empty()) {
        let Some((resource, name)) = target.split_once('/') else {
            return fail(out, "--for must be in resource/name form");
        };
        if name.contains('/') {
            return fail(
                out,
                "arguments in resource/name form may not have more than one slash",
            );
        }
        let resource = resource.to_lowercase();
        let Some(rt) = kinds::lookup(&resource) else {
            // meta.NoResourceMatchError for a GroupVersionResource with only a resource.
            return fail(out, &format!("no matches for /, Resource={resource}"));
        };
        wanted.push(("involvedObject.kind", rt.kind.to_string()));
        wanted.push(("involvedObject.apiVersion", rt.api_version()));
        wanted.push(("involvedObject.name", name.to_string()));
    }
    // ToOptions builds the printer (PrintFlags without a table: no wide, no
    // custom-columns) before Validate looks at --types.
    let output = a.value(&["-o", "--output"]).filter(|o| !o.is_empty());
    let watch = a.has(&["-w", "--watch"]);
    let format = match output.map(event_list_format).transpose() {
        Ok(f) => f,
        Err(e) => return fail(out, &e),
    };
    let mut types: Vec<&str> = Vec::new();
    for t in a.values(&["--types"]).iter().flat_map(|v| v.split(',')) {
        let t = t.trim();
        let canonical = ["Normal", "Warning"]
            .into_iter()
            .find(|c| c.eq_ignore_ascii_case(t));
        match canonical {
            Some(c) if !types.contains(&c) => types.push(c),
            Some(_) => {}
            None => return fail(out, "valid --types are Normal or Warning"),
        }
    }
    // Every event is Normal or Warning: one type is a filter, both are none.
    if let [only] = types[..] {
        wanted.push(("type", only.to_string()));
    }
    let all_ns = a.has(&["-A", "--all-namespaces"]);
    let ns = ctx.namespace(a);
    if watch {
        let selector: Vec<String> = wanted.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let mut g = a.clone();
        g.positional = vec!["get".into(), "events".into()];
        g.path = "get";
        g.path_len = 1;
        g.flags.retain(|f| f.long != "for" && f.long != "types");
        // A watch (runWatch, with no list first) prints the current events as the API
        // server sends them, in name order, in the event printer's own form.
        let printer_flag = &super::get::EVENT_PRINTER_FLAG[2..];
        for (long, value) in [
            ("field-selector", selector.join(",")),
            (printer_flag, "true".to_string()),
        ] {
            if !value.is_empty() {
                g.flags.push(super::args::Flag {
                    long: long.into(),
                    short: None,
                    value,
                });
            }
        }
        let mut listed = Output::new();
        let code = super::get::get(ctx, &g, &mut listed);
        if listed.stderr_text().starts_with("No resources found") {
            return no_events(out, all_ns, &ns);
        }
        out.append(listed);
        return code;
    }
    let field = |e: &Event, key: &str| {
        let io = &e.involved_object;
        match key {
            "involvedObject.kind" => io.kind.clone(),
            "involvedObject.apiVersion" => io.api_version.clone(),
            "involvedObject.name" => io.name.clone(),
            _ => e.type_.clone(),
        }
        .unwrap_or_default()
    };
    let listed = if all_ns {
        ctx.cluster.store.list("Event").collect::<Vec<_>>()
    } else {
        ctx.cluster.store.list_ns("Event", &ns).collect()
    };
    let mut events: Vec<&Event> = listed
        .into_iter()
        .filter_map(|o| match o {
            Object::Event(e) => Some(e.event()),
            _ => None,
        })
        .filter(|e| wanted.iter().all(|(k, v)| field(e, k) == *v))
        .collect();
    if events.is_empty() {
        return no_events(out, all_ns, &ns);
    }
    // SortableEvents by eventTime(): series.lastObservedTime, lastTimestamp, eventTime.
    let millis = |e: &Event| {
        use crate::cluster::Cluster;
        match (&e.series, &e.last_timestamp, &e.event_time) {
            (Some(s), _, _) => s.last_observed_time.as_ref().map(Cluster::millis_of_micro),
            (None, Some(t), _) => Some(Cluster::millis_of(t)),
            (None, None, t) => t.as_ref().map(Cluster::millis_of_micro),
        }
        .unwrap_or(i64::MIN)
    };
    crate::sort::sort_by_key(&mut events, |e| millis(e));
    if let Some(format) = format {
        return print_event_list(&events, &format, out);
    }
    let now = ctx.cluster.now;
    let mut rows = Vec::new();
    if !a.has(&["--no-headers"]) {
        let mut h: Vec<String> = ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
            .map(String::from)
            .to_vec();
        if all_ns {
            h.insert(0, "NAMESPACE".into());
        }
        rows.push(h);
    }
    for e in events {
        let mut row = event_printer_row(e, now);
        if all_ns {
            row.insert(0, e.metadata.namespace.clone().unwrap_or_default());
        }
        rows.push(row);
    }
    out.out(&super::printers::table(&rows));
    0
}

/// The printer `kubectl events -o FORMAT` gets: genericclioptions PrintFlags, which has
/// no table, so `wide` and custom columns are unknown formats.
fn event_list_format(o: &str) -> Result<super::get::Format, String> {
    use super::get::Format;
    let bad = || {
        format!(
            "unable to match a printer suitable for the output format \"{o}\", allowed formats are: {}",
            super::mutate::OBJ_FORMATS
        )
    };
    match super::get::parse_format(Some(o)) {
        Ok(Format::Table { .. } | Format::Custom(_)) => Err(bad()),
        Err(_) if o.starts_with("custom-columns") => Err(bad()),
        Err(e) if e.starts_with("unable to match a printer") => Err(bad()),
        other => other,
    }
}

/// events.go Run prints the EventList it built (`kind: EventList`, apiVersion v1, empty
/// list metadata; each item given kind Event and apiVersion v1), in SortableEvents order,
/// as the typed object it is: `-o json` in struct field order. The name printer refuses
/// a typed list ("list types are not supported by name printing"), and Run ignores
/// PrintObj's error, so `-o name` prints nothing. Verified with kubectl 1.33 against a
/// fake API server.
fn print_event_list(
    events: &[&k8s_openapi::api::core::v1::Event],
    format: &super::get::Format,
    out: &mut Output,
) -> i32 {
    use super::get::Format;
    let items: Vec<serde_json::Value> = events
        .iter()
        .map(|e| Object::from((*e).clone()).to_read_json())
        .collect();
    let list = serde_json::json!({
        "kind": "EventList",
        "apiVersion": "v1",
        "metadata": {},
        "items": items,
    });
    match format {
        Format::Yaml => out.out(&crate::manifest::output::to_yaml(&list)),
        Format::Json => out.out(&crate::manifest::output::to_json_event_list(&list)),
        Format::JsonPath(t) => {
            t.print(&list, out);
        }
        Format::Name | Format::Table { .. } | Format::Custom(_) => {}
    }
    0
}

fn no_events(out: &mut Output, all_ns: bool, ns: &str) -> i32 {
    if all_ns {
        out.err("No events found.\n");
    } else {
        out.err(&format!("No events found in {ns} namespace.\n"));
    }
    0
}

/// event_printer.go getInterval: the first sighting, or "LAST (xN over FIRST)".
/// A row of `kubectl events` (event_printer.go printOneEvent): the involved object as
/// Kind/Name, as stored, unlike `get events`' lowercase resource.
pub fn event_printer_row(
    e: &k8s_openapi::api::core::v1::Event,
    now: crate::cluster::Millis,
) -> Vec<String> {
    vec![
        event_interval(e, now),
        e.type_.clone().unwrap_or_default(),
        e.reason.clone().unwrap_or_default(),
        format!(
            "{}/{}",
            e.involved_object.kind.as_deref().unwrap_or(""),
            e.involved_object.name.as_deref().unwrap_or("")
        ),
        e.message.as_deref().unwrap_or("").trim().to_string(),
    ]
}

fn event_interval(e: &k8s_openapi::api::core::v1::Event, now: crate::cluster::Millis) -> String {
    use super::printers::{human_duration, since};
    let micro = |t: &k8s_openapi::apimachinery::pkg::apis::meta::v1::MicroTime| {
        human_duration(now - crate::cluster::Cluster::millis_of_micro(t))
    };
    let first = match &e.event_time {
        Some(t) => micro(t),
        None => since(now, e.first_timestamp.as_ref()),
    };
    match (&e.series, e.count.unwrap_or(0)) {
        (Some(s), _) => format!(
            "{} (x{} over {first})",
            s.last_observed_time
                .as_ref()
                .map_or("<unknown>".into(), micro),
            s.count.unwrap_or(0)
        ),
        (None, n) if n > 1 => format!(
            "{} (x{n} over {first})",
            since(now, e.last_timestamp.as_ref())
        ),
        _ => first,
    }
}

/// The page explains what the terminal cannot do; the command prints only kubectl-like text.
fn notice(ctx: &mut Ctx, text: String) {
    ctx.term.notice = Some(text);
}

/// Every other kubectl command.
pub fn other(ctx: &mut Ctx, a: &Args, out: &mut Output) -> i32 {
    let words = a.rest(a.path_len);
    match a.path {
        "api-versions" => api_versions(out),
        "events" => events(ctx, a, out),
        "plugin list" => fail(out, "unable to find any kubectl plugins in your PATH"),
        "kustomize" => fail(out, &format!("unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '{}'", words.first().map_or("/home/learner", |d| d.as_str()))),
        "completion" => match words.first().map(String::as_str) {
            None => {
                out.err("error: Shell not specified.\nSee 'kubectl completion -h' for help and examples\n");
                1
            }
            Some(sh @ ("bash" | "zsh" | "fish" | "powershell")) => {
                notice(ctx, format!("kubectl completion {sh}: this terminal completes with the Tab key by itself; no completion script is needed."));
                0
            }
            Some(sh) => fail(out, &format!("Unsupported shell type \"{sh}\".")),
        },
        // proxy.go: serves the API server on a local port until stopped (a background
        // job here: `kubectl proxy &`, `kill %1`); curl on localhost reaches
        // `raw::serve`.
        "proxy" => {
            let port_text = a.value(&["-p", "--port"]).unwrap_or("8001");
            let addr = a.value(&["--address"]).unwrap_or("127.0.0.1");
            let Ok(port) = port_text.parse::<i32>() else {
                return fail(out, &format!("invalid argument \"{port_text}\" for \"-p, --port\" flag: strconv.ParseInt: parsing \"{port_text}\": invalid syntax"));
            };
            if ctx.term.listening(port) {
                return fail(out, &format!("listen tcp {addr}:{port}: bind: address already in use"));
            }
            out.out(&format!("Starting to serve on {addr}:{port}\n"));
            ctx.term.jobs.push(crate::term::Job::ApiProxy(port));
            0
        }
        "certificate approve" | "certificate deny" => match words.first() {
            None => fail(out, "one or more CSRs must be specified as <name> or -f <filename>"),
            Some(n) => {
                out.err(&format!("Error from server (NotFound): certificatesigningrequests.certificates.k8s.io \"{n}\" not found\n"));
                1
            }
        },
        // create_secret_tls.go: both flags first, then the certificate is read before
        // the key (the learner's files), then tls.X509KeyPair checks the PEM blocks.
        "create secret tls" => match (a.value(&["--cert"]), a.value(&["--key"])) {
            (Some(cert), Some(key)) if !cert.is_empty() => {
                let mut texts = Vec::new();
                for f in [cert, key] {
                    match ctx.term.files.get(f) {
                        Some(t) => texts.push(t.to_string()),
                        None => {
                            return fail(
                                out,
                                &format!("Cannot read file {f}, open {f}: no such file or directory"),
                            )
                        }
                    }
                }
                if let Err(e) = pem_pair(&texts[0], &texts[1]) {
                    return fail(out, &e);
                }
                notice(
                    ctx,
                    "The playground checks only that the files hold PEM blocks, not that the key matches the certificate.".into(),
                );
                let name = match name_arg(a, "create secret tls") {
                    Ok(n) => n,
                    Err(e) => return fail(out, &e),
                };
                let ns = a.value(&["-n", "--namespace"]);
                let v = json!({
                    "apiVersion": "v1",
                    "kind": "Secret",
                    "metadata": { "name": name, "namespace": ns },
                    "type": "kubernetes.io/tls",
                    "data": {
                        "tls.crt": STANDARD.encode(texts[0].as_bytes()),
                        "tls.key": STANDARD.encode(texts[1].as_bytes()),
                    },
                });
                let Some(rt) = kinds::by_kind_name("Secret") else {
                    return 1;
                };
                match Object::from_json(rt, v) {
                    Ok(obj) => super::mutate::create_one(ctx, a, out, obj, "created"),
                    Err(e) => fail(out, &e.to_string()),
                }
            }
            _ => fail(out, "key and cert must be specified"),
        },
        "cp" if words.len() < 2 => fail(out, "source and destination are required"),
        "cp" if !words.iter().take(2).any(|w| w.contains(':')) => fail(
            out,
            "one of src or dest must be a remote file specification",
        ),
        "attach" if words.is_empty() => fail(out, "at least 1 argument is required for attach"),
        // attach.go resolves its target (AttachablePodForObject) before attaching: a
        // missing pod is the API server's NotFound, as for exec.
        "attach"
            if super::exec::resolve_pod(ctx.cluster, &ctx.namespace(a), &words[0], out, false)
                .map_err(|e| out.err(&e))
                .is_err() =>
        {
            1
        }
        "autoscale" if a.value(&["--max"]).is_none() => {
            fail(out, "required flag(s) \"max\" not set")
        }
        "autoscale" if a.values(&["-f", "--filename"]).is_empty() => autoscale(ctx, a, out),
        "diff" if a.values(&["-f", "--filename"]).is_empty() => {
            out.err("error: must specify one of -f and -k\n");
            2
        }
        "diff" => super::diff::diff(ctx, a, out),
        _ => {
            notice(
                ctx,
                format!(
                    "kubectl {} is not part of this Services playground's simulation.",
                    a.path
                ),
            );
            fail(out, &format!("kubectl {}: not supported", a.path))
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::cluster::Cluster;
    use crate::term::kubectl::flagset::COMMANDS;
    use crate::term::Terminal;

    /// Invariant 6: no kubectl command, however it is typed, talks about the playground
    /// in its output; where the terminal simplifies, the page gets `Terminal::notice`.
    #[test]
    fn no_command_prints_a_playground_notice() {
        let mut c = Cluster::new(1);
        for (path, ..) in COMMANDS {
            for tail in ["", " x", " x y", " kubeplay-worker a=b:NoSchedule", " bash"] {
                let mut term = Terminal::new();
                let line = format!("kubectl {path}{tail}");
                let (out, _) = term.run(&mut c, &line);
                let text = out.combined();
                assert!(
                    !text.contains("playground") && !text.contains("simulated"),
                    "{line}: {text}"
                );
            }
        }
    }

    #[test]
    fn unsupported_commands_leave_a_page_notice() {
        let mut c = Cluster::new(1);
        let mut term = Terminal::new();
        let (out, code) = term.run(&mut c, "kubectl create role r --verb=get --resource=pods");
        assert_eq!(code, 1);
        assert!(out.combined().starts_with("error: "), "{}", out.combined());
        assert!(term.notice.is_some());
    }

    /// In the page, `kubectl run -it NAME --image=busybox -- sh` leaves the terminal in the
    /// pod's shell: lines run there until `exit`, which ends the container; `--rm` then
    /// deletes the pod, and -i's default restart policy (OnFailure) lets it succeed.
    #[test]
    fn run_it_sh_attaches_the_live_terminal_until_exit() {
        let mut c = Cluster::new(1);
        let mut term = Terminal::new();
        term.live = true;
        term.run(&mut c, "kubectl create deployment nginx --image=nginx:1.27");
        term.run(&mut c, "kubectl expose deployment nginx --port=80");
        term.run(&mut c, "kubectl rollout status deployment/nginx");
        let (out, code) = term.run(
            &mut c,
            "kubectl run -it --rm dbg --image=busybox:1.36 --restart=Never -- sh",
        );
        assert_eq!(code, 0, "{}", out.combined());
        assert_eq!(
            out.combined(),
            "If you don't see a command prompt, try pressing enter.\n"
        );
        assert!(term.attached.is_some());
        let (out, code) = term.run(&mut c, "wget -qO- nginx | grep title");
        assert_eq!(
            (out.combined().as_str(), code),
            ("<title>Welcome to nginx!</title>\n", 0)
        );
        let (out, code) = term.run(&mut c, "hostname");
        assert_eq!((out.combined().as_str(), code), ("dbg\n", 0));
        let (out, code) = term.run(&mut c, "exit");
        assert_eq!(
            (out.combined().as_str(), code),
            ("pod \"dbg\" deleted\n", 0)
        );
        assert!(term.attached.is_none());
        assert!(c
            .store
            .get(&crate::cluster::Key::new("Pod", "default", "dbg"))
            .is_none());

        // Without --rm and --restart: OnFailure, so the pod succeeds once the shell exits 0.
        term.run(&mut c, "kubectl run -it keep --image=busybox:1.36 -- sh");
        assert!(term.attached.is_some());
        let (out, _) = term.run(&mut c, "exit");
        assert_eq!(out.combined(), "");
        term.run(&mut c, "sleep 2");
        let (out, _) = term.run(
            &mut c,
            "kubectl get pod keep -o jsonpath={.spec.restartPolicy}/{.status.phase}",
        );
        assert_eq!(out.combined(), "OnFailure/Succeeded");

        // --restart=Always: attach.go's hint to come back; the container starts again.
        term.run(
            &mut c,
            "kubectl run -it again --image=busybox:1.36 --restart=Always -- sh",
        );
        let (out, _) = term.run(&mut c, "exit 3");
        assert_eq!(
            out.combined(),
            "Session ended, resume using 'kubectl attach again -c again -i -t' command when the pod is running\n"
        );
    }

    /// A program the image has but the terminal does not run is not "not found": its
    /// output is left out, and the page says so (also through a pipe and `sh -c`).
    #[test]
    fn unsimulated_programs_in_an_image_leave_a_page_notice() {
        let mut c = Cluster::new(1);
        let mut term = Terminal::new();
        term.run(
            &mut c,
            "kubectl run c --image=busybox:1.36 --restart=Never -- sleep 3600",
        );
        let (_, code) = term.run(&mut c, "kubectl wait --for=condition=ready pod/c");
        assert_eq!(code, 0);
        for line in [
            "kubectl exec c -- uptime",
            "kubectl exec c -- sh -c 'find / -name resolv.conf | head -1'",
        ] {
            term.notice = None;
            let (out, code) = term.run(&mut c, line);
            assert_eq!((out.combined().as_str(), code), ("", 0), "{line}");
            assert!(
                term.notice
                    .as_deref()
                    .is_some_and(|n| n.contains("does not simulate")),
                "{line}"
            );
        }
        term.notice = None;
        let (out, code) = term.run(&mut c, "kubectl exec c -- nosuchprogram");
        assert_eq!(code, 1);
        assert!(out
            .combined()
            .contains("executable file not found in $PATH"));
        assert!(term.notice.is_none());
    }
}
