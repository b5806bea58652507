//! Commands that change the cluster: apply, create, delete, run, expose, scale,
//! label/annotate, patch, set image, config. Output and errors as kubectl v1.33
//! prints them (REFERENCE.md sections 1 and 8).

use std::collections::BTreeMap;
use std::sync::Arc;

use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec};
use k8s_openapi::api::core::v1::{
    Container, ContainerPort, EnvVar, Namespace, Pod, PodSpec, PodTemplateSpec, Service,
    ServicePort, ServiceSpec,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde_json::Value;

use super::{fail, find, not_found, parse_targets, Args, Ctx, ENDPOINTS_WARNING};
use crate::api::{kinds, Object, ResourceType, Selector};
use crate::cluster::smp::strategic_merge;
use crate::cluster::{ApiError, ApplyOutcome, Cluster, Key};
use crate::manifest::{self, DocError};
use crate::term::shell::Output;

const MISSING_ANNOTATION: &str = "Warning: resource {res} is missing the kubectl.kubernetes.io/last-applied-configuration annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.\n";

/// `deployment.apps/nginx`
pub fn ref_name(obj: &Object) -> String {
    format!(
        "{}/{}",
        obj.resource_type().qualified_singular(),
        obj.name()
    )
}

/// Why `-f` inputs could not be read, printed by [`files_failed`].
pub(super) enum FilesError {
    /// kubectl's `error: ...` line.
    Usage(String),
    /// A download that could not connect: kubectl prints the connection error alone.
    Connect(String),
}

/// Prints a [`FilesError`] as kubectl does; the exit code. A download also gets the
/// page's notice, which says what to do instead.
pub(super) fn files_failed(ctx: &mut Ctx, out: &mut Output, e: &FilesError) -> i32 {
    match e {
        FilesError::Usage(msg) => fail(out, msg),
        FilesError::Connect(msg) => {
            ctx.term.notice = Some(
                "The playground has no internet: paste the manifest into the editor, or into kubectl apply -f - <<EOF.".into(),
            );
            out.err(&format!("{msg}\n"));
            1
        }
    }
}

/// Reads `-f` inputs: `-` (stdin), or the learner's files and directories.
pub(super) fn read_files<'a>(ctx: &Ctx<'a>, a: &Args) -> Result<Vec<(String, String)>, FilesError> {
    let files = a.values(&["-f", "--filename"]);
    if files.is_empty() {
        return Err(FilesError::Usage("must specify one of -f and -k".into()));
    }
    let mut v = Vec::new();
    for f in files {
        if f == "-" {
            v.push(("STDIN".to_string(), ctx.stdin.to_string()));
        } else if let Some(host) = url_host(f) {
            // cli-runtime's builder fetches http(s) URLs; the page has no internet, so
            // the lookup fails as it does on a machine without DNS (kubectl prints a
            // connection error this way).
            return Err(FilesError::Connect(format!(
                "Unable to connect to the server: dial tcp: lookup {host}: no such host"
            )));
        } else if let Some(text) = ctx.term.files.get(f) {
            v.push((f.to_string(), text.to_string()));
        } else if ctx.term.files.is_dir(f) {
            // cli-runtime's FileVisitorForSTDIN/ExpandPathsToFileVisitors: the directory's
            // .json, .yaml and .yml files, by name, each named by the path as joined.
            let (names, _) = ctx.term.files.list(f);
            let before = v.len();
            for abs in names {
                let base = abs.rsplit('/').next().unwrap_or(&abs);
                if [".json", ".yaml", ".yml"].iter().any(|e| base.ends_with(e)) {
                    let text = ctx.term.files.get(&abs).unwrap_or_default().to_string();
                    let shown = super::super::shell::normalize_path("/", &format!("{f}/{base}"));
                    // filepath.Join keeps a relative path relative.
                    let shown = if f.starts_with('/') {
                        shown
                    } else {
                        shown.trim_start_matches('/').to_string()
                    };
                    v.push((shown, text));
                }
            }
            if v.len() == before {
                return Err(FilesError::Usage(format!(
                    "error reading [{f}]: recognized file extensions are [.json .yaml .yml]"
                )));
            }
        } else {
            return Err(FilesError::Usage(format!(
                "the path \"{f}\" does not exist"
            )));
        }
    }
    Ok(v)
}

/// The host of an `http://` or `https://` filename, which kubectl downloads.
fn url_host(f: &str) -> Option<&str> {
    let rest = f
        .strip_prefix("https://")
        .or_else(|| f.strip_prefix("http://"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host = authority.rsplit('@').next().unwrap_or(authority);
    Some(host.split(':').next().unwrap_or(host))
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Apply,
    Create,
}

/// The ` (dry run)` suffix of `--dry-run=client|server` (cmdutil.GetDryRunStrategy; the
/// value was checked by [`dry_run_check`]).
/// The `--env K=V` flags of `kubectl run` and `kubectl debug` as container environment.
pub(super) fn env_flags(a: &Args) -> Vec<EnvVar> {
    a.values(&["--env"])
        .iter()
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| EnvVar {
            name: k.into(),
            value: Some(v.into()),
            ..Default::default()
        })
        .collect()
}

pub(super) fn dry_run(a: &Args) -> Option<&'static str> {
    match a.value(&["--dry-run"])? {
        "server" => Some(" (server dry run)"),
        "none" | "false" | "False" | "FALSE" | "f" | "F" | "0" => None,
        _ => Some(" (dry run)"),
    }
}

/// The namespace check kubectl does before sending: an object's own namespace must
/// match an explicit `-n`.
pub(super) fn namespace_conflict(obj: &Object, a: &Args) -> Option<String> {
    let explicit = a.value(&["-n", "--namespace"])?;
    let own = obj.meta().namespace.as_deref()?;
    (obj.resource_type().namespaced && own != explicit).then(|| {
        format!("error: the namespace from the provided object \"{own}\" does not match the namespace \"{explicit}\". You must pass '--namespace={own}' to perform this operation.")
    })
}

fn apply_or_create(ctx: &mut Ctx, a: &Args, out: &mut Output, mode: Mode) -> i32 {
    let files = match read_files(ctx, a) {
        Ok(f) => f,
        Err(e) => return files_failed(ctx, out, &e),
    };
    let ns = ctx.namespace(a);
    let suffix = dry_run(a);
    let printer = match obj_printer(a) {
        Ok(p) => p,
        Err(e) => return fail(out, &e),
    };
    let mut sandbox;
    let cluster: &mut Cluster = if suffix.is_some() {
        sandbox = ctx.cluster.clone();
        &mut sandbox
    } else {
        ctx.cluster
    };
    let mut errors: Vec<String> = Vec::new();
    let mut warned_endpoints = false;
    let mut printed = 0;
    let mut documents = 0;
    for (source, text) in files {
        for doc in manifest::parse(&text, &source) {
            documents += 1;
            let obj = match doc.result {
                Ok(o) => o,
                Err(DocError::Syntax { message, .. }) => {
                    errors.push(message);
                    continue;
                }
                Err(DocError::Client { message, .. }) => {
                    errors.push(schema_checked(message, &source, a));
                    continue;
                }
                Err(DocError::UnknownFields { object, fields, .. }) => {
                    let rt = object.resource_type();
                    errors.push(format!(
                        "Error from server (BadRequest): error when creating \"{source}\": {}",
                        manifest::strict_decoding_message(rt.kind, &rt.api_version(), &fields)
                    ));
                    continue;
                }
                Err(DocError::Decode { message, .. }) => {
                    errors.push(format!("Error from server (BadRequest): error when creating \"{source}\": {message}"));
                    continue;
                }
            };
            if let Some(e) = namespace_conflict(&obj, a) {
                errors.push(e);
                continue;
            }
            if obj.kind() == "Endpoints" && !warned_endpoints {
                out.err(ENDPOINTS_WARNING);
                warned_endpoints = true;
            }
            if obj.kind() == "Node" {
                let name = obj.name().to_string();
                errors.push(format!("Error from server (Forbidden): error when creating \"{source}\": nodes \"{name}\" is forbidden: this cluster's nodes are fixed"));
                ctx.term.notice = Some("The cluster's three nodes are fixed: a Node cannot be created from a manifest here.".into());
                continue;
            }
            if obj.kind() == "Job"
                && obj.to_json().pointer("/spec/completionMode")
                    == Some(&serde_json::json!("Indexed"))
            {
                ctx.term.notice = Some(
                    "Indexed Jobs are stored but not run here: only NonIndexed Jobs (the default) get pods.".into(),
                );
            }
            // Only a CronJob is encoded for this: encoding every applied object makes
            // the big encoders hot, and the browser compiles them again mid-Apply.
            let zone = match &obj {
                Object::Generic(g) if g.kind.kind == "CronJob" => {
                    g.body.get("spec").and_then(|s| s.get("timeZone")).cloned()
                }
                _ => None,
            };
            if let Some(z) = zone.as_ref().and_then(serde_json::Value::as_str) {
                if !z.is_empty() && crate::cluster::cronjobs::offset_of(z).is_none() {
                    ctx.term.notice = Some(format!(
                        "CronJob time zone {z}: schedules here run in UTC or a fixed Etc/GMT offset, so this one is read as UTC."
                    ));
                }
            }
            // apply.go / create.go record the command line in the object sent (for apply
            // also in the last-applied configuration built from it).
            let mut obj = obj;
            record(a, &mut obj);
            let refn = ref_name(&obj);
            let input = obj.to_json();
            // apply.go warns before it sends the patch (so also when the patch fails,
            // and whatever -o says), but not on a client-side dry run.
            if matches!(mode, Mode::Apply) && suffix != Some(" (dry run)") {
                let obj_ns = obj.meta().namespace.clone().unwrap_or_else(|| ns.clone());
                let lacks =
                    find(cluster, obj.resource_type(), &obj_ns, obj.name()).is_some_and(|live| {
                        live.meta()
                            .annotations
                            .as_ref()
                            .is_none_or(|m| !m.contains_key(crate::cluster::api_ops::LAST_APPLIED))
                    });
                if lacks {
                    let res = format!(
                        "{}/{}",
                        refn.split('/').next().map(plural_of).unwrap_or_default(),
                        refn.split('/').nth(1).unwrap_or("")
                    );
                    out.err(&MISSING_ANNOTATION.replace("{res}", &res));
                }
            }
            let result = match mode {
                Mode::Apply => cluster.apply(obj, &ns),
                Mode::Create => cluster
                    .create(obj, &ns)
                    .map(|stored| (stored, ApplyOutcome::Created, false)),
            };
            match result {
                Ok((stored, outcome, _)) if !matches!(printer, ObjPrinter::Message) => {
                    let json = match suffix {
                        Some(" (dry run)") if outcome == ApplyOutcome::Created => {
                            client_object(input, &stored)
                        }
                        Some(_) if outcome == ApplyOutcome::Created => not_stored(stored.to_json()),
                        _ if outcome == ApplyOutcome::Created => with_status(stored.to_json()),
                        _ => stored.to_json(),
                    };
                    // cli-runtime YAMLPrinter separates documents with `---`.
                    if printed > 0 && matches!(printer, ObjPrinter::Yaml) {
                        out.out("---\n");
                    }
                    printed += 1;
                    print_object(&printer, &refn, json, out);
                }
                Ok((_, outcome, _)) => {
                    out.out(&format!(
                        "{refn} {}{}\n",
                        outcome.as_str(),
                        suffix.unwrap_or("")
                    ));
                }
                Err(e) => {
                    let verb = "creating";
                    errors.push(e.render(Some((verb, &source))));
                }
            }
        }
    }
    // apply.go / create.go: an input with no objects at all (empty, only comments or
    // `---`, an empty List).
    if documents == 0 {
        let verb = if matches!(mode, Mode::Apply) {
            "apply"
        } else {
            "create"
        };
        return fail(out, &format!("no objects passed to {verb}"));
    }
    for e in &errors {
        out.err(&format!("{e}\n"));
    }
    i32::from(!errors.is_empty())
}

/// kubectl's schema validation (`--validate` strict, true or warn: the default) looks
/// at each document before it is decoded: one that is not a map is "invalid object to
/// validate" (`pkg/validation` getObjectKind), not the decoder's unmarshal error that
/// commands without validation print (verified with kubectl.1.33 apply and create).
pub(super) fn schema_checked(message: String, source: &str, a: &Args) -> String {
    let unvalidated = matches!(a.value(&["--validate"]), Some("false" | "ignore"));
    if unvalidated {
        return message;
    }
    let message = manifest::validated(message, source);
    let decoder = format!("error: unable to decode \"{source}\": json: cannot unmarshal ");
    if message.starts_with(&decoder)
        && message.ends_with(" into Go value of type unstructured.detector")
    {
        return format!("error: error validating \"{source}\": error validating data: invalid object to validate; if you choose to ignore these errors, turn validation off with --validate=false");
    }
    message
}

/// `deployment.apps` -> `deployments.apps` for warnings that name the resource.
fn plural_of(singular_qualified: &str) -> String {
    let (s, g) = singular_qualified
        .split_once('.')
        .unwrap_or((singular_qualified, ""));
    match kinds::RESOURCE_TYPES.iter().find(|t| t.singular == s) {
        Some(t) if g.is_empty() => t.plural.to_string(),
        Some(t) => format!("{}.{g}", t.plural),
        None => s.to_string(),
    }
}

pub fn apply(ctx: &mut Ctx, a: &Args, out: &mut Output) -> i32 {
    apply_or_create(ctx, a, out, Mode::Apply)
}

/// The namespace a `create` subcommand writes into the object: only one given with
/// `-n` (`ToRawKubeConfigLoader().Namespace()` reports it as enforced), so a
/// `--dry-run=client -o yaml` shows it.
fn enforced_namespace(a: &Args) -> Option<String> {
    a.value(&["-n", "--namespace"]).map(str::to_string)
}

fn labels_of(pairs: &[(&str, &str)]) -> Option<BTreeMap<String, String>> {
    Some(crate::sort::collect_map(
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())),
    ))
}

/// create_deployment.go `buildPodSpec`: the image's last path segment without tag or
/// digest (`nginx:1.27` -> `nginx`); `sanitizeAndUniquify` turns `_` and `.` into `-`
/// and then adds a random suffix (`registry.k8s.io/serve_hostname` -> `serve-hostname-x7k2p`).
fn container_name_from_image(image: &str, cluster: &mut crate::cluster::Cluster) -> String {
    let name = crate::cluster::images::image_repo(image);
    if name.contains(['_', '.']) {
        format!(
            "{}-{}",
            name.replace(['_', '.'], "-"),
            cluster.rand_suffix(5)
        )
    } else {
        name.to_string()
    }
}

/// The printer `-o` selects for a command that makes one object (cli-runtime
/// `PrintFlags`: no table printer, so `wide` is refused too).
pub(super) enum ObjPrinter {
    /// `kind/name created`.
    Message,
    Name,
    Yaml,
    Json,
    JsonPath(super::printers::jsonpath::Template),
}

/// cli-runtime `JSONPathPrintFlags`/`GoTemplatePrintFlags` given no template.
pub const TEMPLATE_MISSING: &str = "template format specified but no template given";

/// The output formats of `PrintFlags` without a table (kubectl 1.33 `create ... -o foo`).
pub(super) const OBJ_FORMATS: &str = "go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml";

pub(super) fn obj_printer(a: &Args) -> Result<ObjPrinter, String> {
    let Some(o) = a.value(&["-o", "--output"]) else {
        return Ok(ObjPrinter::Message);
    };
    Ok(match o {
        "" => ObjPrinter::Message,
        "name" => ObjPrinter::Name,
        "yaml" => ObjPrinter::Yaml,
        "json" => ObjPrinter::Json,
        "jsonpath" | "jsonpath-as-json" | "template" | "go-template" => {
            return Err(TEMPLATE_MISSING.into())
        }
        _ => match o.strip_prefix("jsonpath=") {
            Some(t) => ObjPrinter::JsonPath(
                super::printers::jsonpath::Template::parse(t)
                    .map_err(|e| format!("error parsing jsonpath {t}, {e}"))?,
            ),
            None => {
                return Err(format!("unable to match a printer suitable for the output format \"{o}\", allowed formats are: {OBJ_FORMATS}"))
            }
        },
    })
}

/// What `apply`/`create -f` with `--dry-run=client` prints for a new object: the object
/// as read, with the namespace the builder set and (apply) the last-applied annotation.
fn client_object(mut input: Value, stored: &Object) -> Value {
    let ns = stored.meta().namespace.clone();
    let last = stored
        .meta()
        .annotations
        .as_ref()
        .and_then(|m| m.get("kubectl.kubernetes.io/last-applied-configuration"))
        .cloned();
    if let Some(meta) = input.get_mut("metadata").and_then(Value::as_object_mut) {
        if let Some(ns) = ns {
            meta.entry("namespace").or_insert(Value::String(ns));
        }
        if let Some(last) = last {
            let ann = meta
                .entry("annotations")
                .or_insert_with(|| serde_json::json!({}));
            if let Some(ann) = ann.as_object_mut() {
                ann.insert(
                    "kubectl.kubernetes.io/last-applied-configuration".into(),
                    Value::String(last),
                );
            }
        }
    }
    input
}

/// An object printed by `-o name|yaml|json|jsonpath=`.
pub(super) fn print_object(printer: &ObjPrinter, refn: &str, json: Value, out: &mut Output) {
    match printer {
        ObjPrinter::Message | ObjPrinter::Name => out.out(&format!("{refn}\n")),
        ObjPrinter::Yaml => out.out(&manifest::output::to_yaml(&json)),
        ObjPrinter::Json => out.out(&manifest::output::to_json_typed(&json)),
        ObjPrinter::JsonPath(t) => {
            t.print(&json, out);
        }
    }
}

/// `--dry-run`: Ok(None) to really write, Ok(Some(suffix)) for a dry run; deprecated
/// spellings print klog's warning (cmdutil `GetDryRunStrategy`, `helpers.go`).
fn dry_run_check(c: &Cluster, a: &Args, out: &mut Output) -> Result<Option<&'static str>, String> {
    let Some(v) = a.value(&["--dry-run"]) else {
        return Ok(None);
    };
    let warn = |out: &mut Output, line: u32, msg: &str| {
        let t = c.time(c.now).0;
        out.err(&format!(
            "W{}.{:06} {:>7} helpers.go:{line}] {msg}\n",
            t.strftime("%m%d %H:%M:%S"),
            c.now.rem_euclid(1000) * 1000,
            12345
        ));
    };
    match v {
        "client" => Ok(Some(" (dry run)")),
        "server" => Ok(Some(" (server dry run)")),
        "none" => Ok(None),
        "unchanged" => {
            warn(
                out,
                703,
                "--dry-run is deprecated and can be replaced with --dry-run=client.",
            );
            Ok(Some(" (dry run)"))
        }
        "1" | "t" | "T" | "TRUE" | "true" | "True" => {
            warn(out, 717, &format!("--dry-run={v} is deprecated (boolean value) and can be replaced with --dry-run=client."));
            Ok(Some(" (dry run)"))
        }
        "0" | "f" | "F" | "FALSE" | "false" | "False" => {
            warn(out, 720, &format!("--dry-run={v} is deprecated (boolean value) and can be replaced with --dry-run=none."));
            Ok(None)
        }
        _ => Err(format!(
            "Invalid dry-run value ({v}). Must be \"none\", \"server\", or \"client\"."
        )),
    }
}

/// A create the API server answered without storing it (server dry run:
/// DryRunnableStorage.Create copies the object back without going to etcd), so it has a
/// uid and creationTimestamp but no resourceVersion.
pub(super) fn not_stored(json: Value) -> Value {
    let mut json = with_status(json);
    if let Some(meta) = json.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.remove("resourceVersion");
    }
    json
}

/// A workload the API server has just created has no status yet, which Go encodes
/// as `status: {}` (a struct field without a pointer).
pub(super) fn with_status(mut json: Value) -> Value {
    let workload = matches!(
        json.get("kind").and_then(Value::as_str),
        Some("Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" | "Job" | "CronJob")
    );
    if let (true, Some(obj)) = (workload, json.as_object_mut()) {
        obj.entry("status")
            .or_insert_with(|| Value::Object(Default::default()));
    }
    json
}

/// A write as kubectl's update commands send it: `--dry-run=client` sends nothing,
/// `--dry-run=server` runs it against a copy of the cluster (so the API server's
/// validation still answers) and keeps nothing. Gives whether the object changed and
/// the suffix kubectl's message printer adds.
fn update_unless_dry(
    ctx: &mut Ctx,
    dry: Option<&'static str>,
    obj: Object,
) -> Result<(bool, &'static str), ApiError> {
    match dry {
        Some(suffix @ " (dry run)") => {
            let stored = ctx.cluster.store.get(&Key::of(&obj));
            Ok((stored != Some(&obj), suffix))
        }
        Some(suffix) => Ok((ctx.cluster.clone().update(obj)?.1, suffix)),
        None => Ok((ctx.cluster.update(obj)?.1, "")),
    }
}

/// The JSON a typed object made on the client marshals to: Go writes struct fields
/// without `omitempty` even when empty (`creationTimestamp: null`, `resources: {}`,
/// `strategy: {}`, `status: {}`), as kubectl 1.33 `--dry-run=client -o yaml` shows.
pub(super) fn client_json(obj: &Object) -> Value {
    let mut v = obj.to_json();
    fn meta(m: &mut Value) {
        if let Some(o) = m.as_object_mut() {
            o.entry("creationTimestamp").or_insert(Value::Null);
        }
    }
    fn pod_spec(spec: &mut Value) {
        if let Some(cs) = spec.get_mut("containers").and_then(Value::as_array_mut) {
            for c in cs {
                if let Some(o) = c.as_object_mut() {
                    o.entry("resources")
                        .or_insert_with(|| serde_json::json!({}));
                }
            }
        }
    }
    let kind = obj.kind();
    let Some(root) = v.as_object_mut() else {
        return v;
    };
    meta(
        root.entry("metadata")
            .or_insert_with(|| serde_json::json!({})),
    );
    match kind {
        // create_cronjob.go's CronJob: both templates' ObjectMeta are structs.
        "CronJob" => {
            if let Some(jt) = root
                .get_mut("spec")
                .and_then(|s| s.get_mut("jobTemplate"))
                .and_then(Value::as_object_mut)
            {
                meta(
                    jt.entry("metadata")
                        .or_insert_with(|| serde_json::json!({})),
                );
                if let Some(t) = jt
                    .get_mut("spec")
                    .and_then(|s| s.get_mut("template"))
                    .and_then(Value::as_object_mut)
                {
                    meta(t.entry("metadata").or_insert_with(|| serde_json::json!({})));
                }
            }
            root.entry("status")
                .or_insert_with(|| serde_json::json!({}));
        }
        // create_job.go's Job: the template's ObjectMeta and status are structs.
        "Job" => {
            if let Some(t) = root
                .get_mut("spec")
                .and_then(|s| s.get_mut("template"))
                .and_then(Value::as_object_mut)
            {
                meta(t.entry("metadata").or_insert_with(|| serde_json::json!({})));
                if let Some(ps) = t.get_mut("spec") {
                    pod_spec(ps);
                }
            }
            root.entry("status")
                .or_insert_with(|| serde_json::json!({}));
        }
        "Deployment" => {
            if let Some(spec) = root.get_mut("spec").and_then(Value::as_object_mut) {
                spec.entry("strategy")
                    .or_insert_with(|| serde_json::json!({}));
                if let Some(t) = spec.get_mut("template").and_then(Value::as_object_mut) {
                    meta(t.entry("metadata").or_insert_with(|| serde_json::json!({})));
                    if let Some(ps) = t.get_mut("spec") {
                        pod_spec(ps);
                    }
                }
            }
            root.entry("status")
                .or_insert_with(|| serde_json::json!({}));
        }
        "Pod" => {
            if let Some(ps) = root.get_mut("spec") {
                pod_spec(ps);
            }
            root.entry("status")
                .or_insert_with(|| serde_json::json!({}));
        }
        "Service" => {
            root.entry("status")
                .or_insert_with(|| serde_json::json!({"loadBalancer": {}}));
        }
        "Namespace" => {
            root.entry("spec").or_insert_with(|| serde_json::json!({}));
            root.entry("status")
                .or_insert_with(|| serde_json::json!({}));
        }
        _ => {}
    }
    v
}

/// Writes a newly made object and prints `kind/name created` (or the object, with `-o`).
pub(super) fn create_one(
    ctx: &mut Ctx,
    a: &Args,
    out: &mut Output,
    obj: Object,
    verb: &str,
) -> i32 {
    let wrap = create_failure_noun(&obj).map(|n| format!("failed to create {n}: "));
    create_wrapping(ctx, a, out, obj, verb, wrap)
}

/// `create_one` for a command that puts `wrap` before the server's error message
/// (`fmt.Errorf("failed to create ...%v", err)`), or prints the error as kubectl does.
pub(super) fn create_wrapping(
    ctx: &mut Ctx,
    a: &Args,
    out: &mut Output,
    obj: Object,
    verb: &str,
    wrap: Option<String>,
) -> i32 {
    let ns = ctx.namespace(a);
    let refn = ref_name(&obj);
    let printer = match obj_printer(a) {
        Ok(p) => p,
        Err(e) => return fail(out, &e),
    };
    let dry = match dry_run_check(ctx.cluster, a, out) {
        Ok(d) => d,
        Err(e) => return fail(out, &e),
    };
    let print = |json: Value, suffix: &str, out: &mut Output| match &printer {
        ObjPrinter::Message => out.out(&format!("{refn} {verb}{suffix}\n")),
        ObjPrinter::Name => out.out(&format!("{refn}\n")),
        ObjPrinter::Yaml => out.out(&manifest::output::to_yaml(&json)),
        ObjPrinter::Json => out.out(&manifest::output::to_json_typed(&json)),
        ObjPrinter::JsonPath(t) => {
            t.print(&json, out);
        }
    };
    if dry == Some(" (dry run)") {
        print(client_json(&obj), " (dry run)", out);
        return 0;
    }
    let mut sandbox;
    let cluster: &mut Cluster = if dry.is_some() {
        sandbox = ctx.cluster.clone();
        &mut sandbox
    } else {
        ctx.cluster
    };
    match cluster.create(obj, &ns) {
        Ok(created) => {
            let json = match dry {
                Some(_) => not_stored(created.to_json()),
                None => with_status(created.to_json()),
            };
            print(json, dry.unwrap_or(""), out);
            0
        }
        Err(e) => {
            match wrap {
                Some(prefix) => out.err(&format!("error: {prefix}{}\n", e.message())),
                None => out.err(&format!("{}\n", e.render(None))),
            }
            1
        }
    }
}

/// The `kubectl create <subcommand>`s that wrap the server's error in their own
/// (`fmt.Errorf("failed to create deployment: %v", err)` in create_deployment.go and
/// its siblings; namespace passes it on as it is; service and secret wrap with their own
/// words through `create_wrapping`, as expose and run, which make these kinds too, do not).
fn create_failure_noun(obj: &Object) -> Option<&'static str> {
    Some(match obj.kind() {
        "Deployment" => "deployment",
        "ConfigMap" => "configmap",
        "Ingress" => "ingress",
        "ServiceAccount" => "serviceaccount",
        "ResourceQuota" => "quota",
        "Job" => "job",
        "CronJob" => "cronjob",
        "PriorityClass" => "priorityclass",
        "PodDisruptionBudget" => "poddisruptionbudgets",
        "RoleBinding" => "rolebinding",
        "ClusterRoleBinding" => "clusterrolebinding",
        _ => return None,
    })
}

pub fn create(ctx: &mut Ctx, a: &Args, out: &mut Output) -> i32 {
    if !a.values(&["-f", "--filename"]).is_empty() {
        return apply_or_create(ctx, a, out, Mode::Create);
    }
    let rest = a.rest(1);
    let what = rest.first().map(String::as_str).unwrap_or("");
    match what {
        "namespace" | "ns" => {
            let name = match one_name(&rest[1..], "create namespace") {
                Ok(n) => n,
                Err(e) => return fail(out, &e),
            };
            let obj = Object::from(Namespace {
                metadata: ObjectMeta {
                    name: Some(name.clone()),
                    ..Default::default()
                },
                ..Default::default()
            });
            create_one(ctx, a, out, obj, "created")
        }
        "deployment" | "deploy" => {
            // cobra checks the required --image flag before the command looks at NAME.
            let images = a.values(&["--image"]);
            if images.is_empty() {
                return fail(out, "required flag(s) \"image\" not set");
            }
            let name = match one_name(&rest[1..], "create deployment") {
                Ok(n) => n,
                Err(e) => return fail(out, &e),
            };
            let replicas: i32 = match a.value(&["--replicas", "-r"]).map(str::parse).transpose() {
                Ok(r) => r.unwrap_or(1),
                Err(_) => return fail(out, "invalid argument for --replicas"),
            };
            let port: Option<i32> = a.value(&["--port"]).and_then(|p| p.parse().ok());
            let labels = labels_of(&[("app", name)]);
            let containers = images
                .iter()
                .map(|img| Container {
                    name: container_name_from_image(img, ctx.cluster),
                    image: Some(img.to_string()),
                    ports: port.map(|p| {
                        vec![ContainerPort {
                            container_port: p,
                            ..Default::default()
                        }]
                    }),
                    command: (!a.command.is_empty()).then(|| a.command.clone()),
                    ..Default::default()
                })
                .collect();
            let obj = Object::from(Deployment {
                metadata: ObjectMeta {
                    name: Some(name.clone()),
                    labels: labels.clone(),
                    namespace: enforced_namespace(a),
                    ..Default::default()
                },
                spec: Some(DeploymentSpec {
                    replicas: Some(replicas),
                    selector: LabelSelector {
                        match_labels: labels.clone(),
                        ..Default::default()
                    },
                    template: PodTemplateSpec {
                        metadata: Some(ObjectMeta {
                            labels,
                            ..Default::default()
                        }),
                        spec: Some(PodSpec {
                            containers,
                            ..Default::default()
                        }),
                    },
                    ..Default::default()
                }),
                status: None,
            });
            create_one(ctx, a, out, obj, "created")
        }
        "service" | "svc" => create_service(ctx, a, out, rest),
        "configmap" | "cm" => super::more::create_data(ctx, a, out, false),
        "ingress" | "ing" => super::more::create_ingress(ctx, a, out),
        "job" => super::more::create_job(ctx, a, out),
        "cronjob" | "cj" => super::more::create_cronjob(ctx, a, out),
        "secret" if a.path == "create secret generic" => {
            super::more::create_data(ctx, a, out, true)
        }
        "" => fail(out, "must specify one of -f and -k"),
        _ => super::more::other(ctx, a, out),
    }
}

/// The NAME of `kubectl create TYPE NAME` (cmdutil `NameFromCommandArgs`, a usage error
/// naming the subcommand; verified with kubectl 1.33).
fn one_name<'a>(words: &'a [String], path: &str) -> Result<&'a String, String> {
    match words {
        [name] => Ok(name),
        _ => Err(format!(
            "exactly one NAME is required, got {}\nSee 'kubectl {path} -h' for help and examples",
            words.len()
        )),
    }
}

/// One `--tcp` spec `PORT[:TARGET[:...]]` (kubectl `create_service.go` `parsePorts`: split at
/// every `:`, the first part through `strconv.ParseUint(_, 10, 16)`, the second, if any, by
/// `strconv.Atoi` as a port number or else as an IANA port name; further parts are ignored).
fn parse_tcp(spec: &str) -> Result<(i32, IntOrString), String> {
    let mut parts = spec.split(':');
    let p = parts.next().unwrap_or_default();
    // ParseUint takes digits only (no sign); too many digits is a range error too.
    let port = match p.parse::<u64>() {
        Ok(n) if n <= 65535 && !p.starts_with('+') => n as i32,
        _ if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
            return Err(format!(
                "strconv.ParseUint: parsing \"{p}\": value out of range"
            ))
        }
        _ => {
            return Err(format!(
                "strconv.ParseUint: parsing \"{p}\": invalid syntax"
            ))
        }
    };
    let Some(t) = parts.next() else {
        return Ok((port, IntOrString::Int(port)));
    };
    if let Ok(n) = t.parse::<i64>() {
        if !(1..=65535).contains(&n) {
            return Err("must be between 1 and 65535, inclusive".into());
        }
        return Ok((port, IntOrString::Int(n as i32)));
    }
    let errs = manifest::validate::port_name(t);
    if !errs.is_empty() {
        return Err(errs.join(","));
    }
    Ok((port, IntOrString::String(t.to_string())))
}

fn create_service(ctx: &mut Ctx, a: &Args, out: &mut Output, rest: &[String]) -> i32 {
    let ty = match rest.get(1).map(String::as_str) {
        Some("clusterip") => "ClusterIP",
        Some("nodeport") => "NodePort",
        Some("loadbalancer") => "LoadBalancer",
        Some("externalname") => "ExternalName",
        _ => return fail(out, "Create a service using a specified subcommand."),
    };
    // cobra checks the command's required flags before kubectl looks at NAME.
    if ty == "ExternalName" && a.value(&["--external-name"]).is_none() {
        return fail(out, "required flag(s) \"external-name\" not set");
    }
    let path = format!("create service {}", ty.to_lowercase());
    let name = match one_name(rest.get(2..).unwrap_or(&[]), &path) {
        Ok(n) => n,
        Err(e) => return fail(out, &e),
    };
    // pflag's StringSlice: an empty value adds no element.
    let specs: Vec<&str> = a
        .values(&["--tcp"])
        .into_iter()
        .filter(|s| !s.is_empty())
        .flat_map(|s| s.split(','))
        .collect();
    // ServiceOptions.Validate runs before any --tcp spec is parsed.
    if ty != "ExternalName" && specs.is_empty() && a.value(&["--clusterip"]) != Some("None") {
        return fail(out, "at least one tcp port specifier must be provided");
    }
    let external_name = a.value(&["--external-name"]).unwrap_or_default();
    if ty == "ExternalName" && !crate::api::names::dns1123_subdomain(external_name).is_empty() {
        return fail(
            out,
            &format!("invalid service external name {external_name}"),
        );
    }
    let mut ports = Vec::new();
    for pair in specs {
        let (port, target) = match parse_tcp(pair) {
            Ok(v) => v,
            Err(e) => return fail(out, &e),
        };
        ports.push(ServicePort {
            // create_service.go: the name is the spec with `:` replaced by `-`.
            name: Some(pair.replace(':', "-")),
            port,
            protocol: Some("TCP".into()),
            target_port: Some(target),
            node_port: a
                .value(&["--node-port"])
                .and_then(|n| n.parse().ok())
                .filter(|n| *n != 0),
            ..Default::default()
        });
    }
    let labels = labels_of(&[("app", name)]);
    let obj = Object::from(Service {
        metadata: ObjectMeta {
            name: Some(name.clone()),
            labels: labels.clone(),
            namespace: enforced_namespace(a),
            ..Default::default()
        },
        spec: Some(ServiceSpec {
            type_: Some(ty.into()),
            // Every subcommand, externalname included, sets selector app=<name>
            // (kubectl 1.33 `create service externalname --dry-run=client -o yaml`).
            selector: labels,
            ports: (!ports.is_empty()).then_some(ports),
            external_name: a.value(&["--external-name"]).map(str::to_string),
            cluster_ip: a.value(&["--clusterip"]).map(str::to_string),
            ..Default::default()
        }),
        status: None,
    });
    // create_service.go Run: fmt.Errorf("failed to create %s service: %v", o.Type, err).
    let wrap = Some(format!("failed to create {ty} service: "));
    create_wrapping(ctx, a, out, obj, "created", wrap)
}

pub fn run(ctx: &mut Ctx, a: &Args, out: &mut Output) -> i32 {
    let Some(name) = a.rest(1).first().cloned() else {
        return fail(
            out,
            "NAME is required for run\nSee 'kubectl run -h' for help and examples",
        );
    };
    let Some(image) = a.value(&["--image"]).map(str::to_string) else {
        return fail(out, "required flag(s) \"image\" not set");
    };
    // generateversioned BasicPod: an empty --labels is the default `run=NAME` too.
    let labels: BTreeMap<String, String> =
        match a.value(&["--labels", "-l"]).filter(|l| !l.is_empty()) {
            Some(l) => {
                let mut m = BTreeMap::new();
                for kv in l.split(',') {
                    // kubectl run `generate.ParseLabels`: exactly one `=`, a key before it.
                    let parts: Vec<&str> = kv.split('=').collect();
                    let [k, v] = parts[..] else {
                        return fail(out, &format!("unexpected label spec: {kv}"));
                    };
                    if k.is_empty() {
                        return fail(out, "unexpected empty label key");
                    }
                    m.insert(k.to_string(), v.to_string());
                }
                m
            }
            None => crate::sort::collect_map([("run".to_string(), name.clone())]),
        };
    // kubectl run: the env pairs and the port are parsed before anything is sent.
    for kv in a.values(&["--env"]) {
        if !kv.contains('=') {
            return fail(out, &format!("invalid env: {kv}"));
        }
    }
    let port: Option<i32> = match a.value(&["--port"]).map(go_atoi_int32).transpose() {
        Ok(p) => p,
        Err(e) => return fail(out, &e),
    };
    let expose = a.has(&["--expose"]);
    if expose && port.is_none() {
        return fail(
            out,
            "--port must be set when exposing a service\nSee 'kubectl run -h' for help and examples",
        );
    }
    // run.go getRestartPolicy: without --restart, OnFailure for -i/--stdin, else Always.
    let stdin_flag = a.has(&["-i", "--stdin"]);
    let default_restart = if stdin_flag { "OnFailure" } else { "Always" };
    let restart = a
        .value(&["--restart"])
        .unwrap_or(default_restart)
        .to_string();
    if !matches!(restart.as_str(), "Always" | "OnFailure" | "Never") {
        return fail(
            out,
            &format!(
                "invalid restart policy: {restart}\nSee 'kubectl run -h' for help and examples"
            ),
        );
    }
    // run.go verifyImagePullPolicy; the generator sets the container's imagePullPolicy.
    let pull_policy = a.value(&["--image-pull-policy"]).filter(|p| !p.is_empty());
    if let Some(p) = pull_policy {
        if !matches!(p, "Always" | "IfNotPresent" | "Never") {
            return fail(out, &format!("invalid image pull policy: {p}"));
        }
    }
    // run.go: --rm deletes the pod after an attached session; without one it is refused.
    if a.has(&["--rm"]) && !a.has(&["-i", "--stdin", "--attach"]) {
        return fail(
            out,
            "--rm should only be used for attached containers\nSee 'kubectl run -h' for help and examples",
        );
    }
    let mut cmd = a.command.clone();
    if a.has_dashdash && cmd.is_empty() {
        cmd = Vec::new();
    }
    // Positional words after NAME are arguments too (`kubectl run x --image=busybox sleep 10`).
    cmd.splice(0..0, a.rest(2).iter().cloned());
    let use_command = a.has(&["--command"]);
    let env = env_flags(a);
    let container = Container {
        name: name.clone(),
        image: Some(image),
        image_pull_policy: pull_policy.map(str::to_string),
        args: (!cmd.is_empty() && !use_command).then(|| cmd.clone()),
        command: (!cmd.is_empty() && use_command).then(|| cmd.clone()),
        ports: port.map(|p| {
            vec![ContainerPort {
                container_port: p,
                ..Default::default()
            }]
        }),
        env: (!env.is_empty()).then_some(env),
        stdin: a.has(&["-i", "--stdin"]).then_some(true),
        tty: a.has(&["-t", "--tty"]).then_some(true),
        ..Default::default()
    };
    let service = port
        .filter(|_| expose)
        .map(|p| exposed_service(&name, p, a.value(&["--labels", "-l"]), &labels));
    let pod = Object::from(Pod {
        metadata: ObjectMeta {
            name: Some(name.clone()),
            labels: Some(labels),
            ..Default::default()
        },
        spec: Some(PodSpec {
            containers: vec![container],
            restart_policy: Some(restart.clone()),
            // Set by kubectl's pod generator itself (`kubectl run --dry-run=client -o yaml`).
            dns_policy: Some("ClusterFirst".into()),
            ..Default::default()
        }),
        status: None,
    });
    let pod = match a.value(&["--overrides"]) {
        Some(overrides) => match override_object(&pod, overrides, a.value(&["--override-type"])) {
            Ok(o) => o,
            Err(e) => return fail(out, &e),
        },
        None => pod,
    };
    // run.go createGeneratedObject records the command line after the overrides.
    let mut pod = pod;
    record(a, &mut pod);
    let interactive = a.has(&["-i", "--stdin"]) || a.has(&["--attach"]);
    let service = match (service, interactive) {
        (Some(service), false) => return run_and_expose(ctx, a, out, pod, service),
        (service, true) => service,
        (None, false) => return create_one(ctx, a, out, pod, "created"),
    };
    // `kubectl run -i [--rm] ... -- cmd`: start the pod, attach, stream its output, clean up.
    let ns = ctx.namespace(a);
    if let Err(e) = ctx.cluster.create(pod, &ns) {
        out.err(&format!("{}\n", e.render(None)));
        return 1;
    }
    // run.go creates (and prints) the --expose Service before it attaches, and --rm
    // deletes it after the pod.
    let mut exposed = false;
    if let Some(service) = service {
        exposed = create_one(ctx, a, out, service, "created") == 0;
    }
    let key = Key::new("Pod", &ns, &name);
    let started = ctx.cluster.run_until(300_000, |c| match c.store.get(&key) {
        Some(Object::Pod(p)) => {
            p.status.as_ref().and_then(|s| s.phase.as_deref()) != Some("Pending")
        }
        _ => true,
    });
    // A container whose process its image lacks never starts (kubelet::start_error).
    // run.go handleAttachPod waits for the pod to be running and ready: a failed pod is
    // not attached to but its log printed (there is none), and under restart policy
    // Always or OnFailure the pod never gets ready, so the wait (--pod-running-timeout,
    // 1m0s) runs out.
    let start_error = start_error_of(ctx.cluster, &key);
    if let Some((_, waiting)) = &start_error {
        if *waiting {
            ctx.cluster.run_until(60_000, |_| false);
            if a.has(&["--rm"]) {
                let _ = ctx.cluster.delete("Pod", &ns, &name, None);
                ctx.cluster
                    .run_until(600_000, |c| c.store.get(&key).is_none());
                out.out(&format!("pod \"{name}\" deleted\n"));
            }
            return fail(out, "timed out waiting for the condition");
        }
    }
    if a.has(&["-t", "--tty"]) && start_error.is_none() {
        out.err("If you don't see a command prompt, try pressing enter.\n");
    }
    // In the page, `-it ... -- sh` leaves the terminal in the container's shell until
    // `exit` (attach.go with a raw terminal); `end_run_session` finishes the command then.
    let shell = super::is_interactive_shell(&cmd);
    let raw = a.has(&["-t", "--tty"]) && stdin_flag && ctx.stdin.is_empty();
    if ctx.term.live && raw && shell && started && start_error.is_none() {
        ctx.term.attached = Some(crate::term::Attached {
            namespace: ns.clone(),
            pod: name.clone(),
            container: name.clone(),
            chroot: false,
            session: crate::term::Session::Run {
                restart: restart.clone(),
                rm: a.has(&["--rm"]),
                exposed,
            },
        });
        return 0;
    }
    let mut code = 0;
    if start_error.is_some() {
        code = 128;
    } else if started && !cmd.is_empty() {
        let stdin = ctx.stdin.to_string();
        let mut attached = Output::new();
        code = crate::term::pod::run_in_pod(
            ctx.cluster,
            ctx.term,
            &key,
            None,
            &cmd,
            &stdin,
            &mut attached,
        );
        crate::cluster::kubelet::finish_attached(ctx.cluster, &key, code, &attached.combined());
        out.append(attached);
    }
    // run.go under OnFailure waits (--pod-running-timeout, 1m0s) for the pod to succeed.
    // A failed command that is not a shell (a shell starts again on its closed stdin and
    // ends 0) fails again on each restart, so the wait runs out, after --rm's delete.
    let timed_out = restart == "OnFailure"
        && start_error.is_none()
        && code != 0
        && !super::is_interactive_shell(&cmd);
    if timed_out {
        ctx.cluster.run_until(60_000, |_| false);
    }
    if a.has(&["--rm"]) {
        let _ = ctx.cluster.delete("Pod", &ns, &name, None);
        ctx.cluster
            .run_until(600_000, |c| c.store.get(&key).is_none());
        out.out(&format!("pod \"{name}\" deleted\n"));
        if exposed && ctx.cluster.delete("Service", &ns, &name, None).is_ok() {
            out.out(&format!("service \"{name}\" deleted\n"));
        }
    }
    // run.go: with restart policy Never/OnFailure kubectl waits for the pod to finish and
    // exits with its container's code, naming the pod; with Always it does not wait.
    // Under OnFailure a failed container starts again with its stdin already closed
    // (stdinOnce), so it ends at once and the pod succeeds: run.go returns nil.
    if timed_out {
        return fail(out, "timed out waiting for the condition");
    }
    if restart == "Always" || (restart == "OnFailure" && start_error.is_none()) {
        return 0;
    }
    match start_error {
        // run.go: "pod %s/%s terminated (%s)\n%s" with the container's reason and message.
        Some((message, _)) => out.err(&format!(
            "pod {ns}/{name} terminated (StartError)\n{message}\n"
        )),
        None if code != 0 => out.err(&format!("pod {ns}/{name} terminated (Error)\n")),
        None => {}
    }
    code
}

/// The end of a `kubectl run -it NAME ... -- sh` session in the page (`exit [code]`): the
/// shell's exit ends the container, then run.go finishes as after any attach: attach.go's
/// reattach hint under restart policy Always, `--rm`'s deletes, and under Never a failed
/// pod's error with the container's code.
pub fn end_run_session(
    cluster: &mut crate::cluster::Cluster,
    at: &crate::term::Attached,
    restart: &str,
    rm: bool,
    exposed: bool,
    code: i32,
    out: &mut Output,
) -> i32 {
    let key = Key::new("Pod", &at.namespace, &at.pod);
    crate::cluster::kubelet::end_attached_process(cluster, &key, code);
    if restart == "Always" {
        out.out(&format!(
            "Session ended, resume using 'kubectl attach {} -c {} -i -t' command when the pod is running\n",
            at.pod, at.container
        ));
    }
    if rm {
        let _ = cluster.delete("Pod", &at.namespace, &at.pod, None);
        cluster.run_until(600_000, |c| c.store.get(&key).is_none());
        out.out(&format!("pod \"{}\" deleted\n", at.pod));
        if exposed
            && cluster
                .delete("Service", &at.namespace, &at.pod, None)
                .is_ok()
        {
            out.out(&format!("service \"{}\" deleted\n", at.pod));
        }
    }
    if restart == "Never" && code != 0 {
        out.err(&format!(
            "pod {}/{} terminated (Error)\n",
            at.namespace, at.pod
        ));
        return code;
    }
    0
}

/// The runtime's error for a `kubectl run` pod whose container could not start, and
/// whether it waits to be started again (restart policy Always or OnFailure) rather
/// than having failed (Never).
fn start_error_of(cluster: &crate::cluster::Cluster, key: &Key) -> Option<(String, bool)> {
    let Some(Object::Pod(pod)) = cluster.store.get(key) else {
        return None;
    };
    let cs = pod.status.as_ref()?.container_statuses.as_ref()?.first()?;
    let start_error = |st: Option<&k8s_openapi::api::core::v1::ContainerState>| {
        st.and_then(|st| st.terminated.as_ref())
            .filter(|t| t.reason.as_deref() == Some("StartError"))
            .map(|t| t.message.clone().unwrap_or_default())
    };
    match start_error(cs.state.as_ref()) {
        Some(message) => Some((message, false)),
        None => cs
            .state
            .as_ref()
            .is_some_and(|st| st.waiting.is_some())
            .then(|| start_error(cs.last_state.as_ref()))
            .flatten()
            .map(|message| (message, true)),
    }
}

/// The Service `kubectl run --expose` creates (run.go generateService with the
/// "service/v2" generator): selected by the pod's labels, one unnamed TCP port whose
/// target is the same port, labelled only when `--labels` was given.
fn exposed_service(
    name: &str,
    port: i32,
    labels_flag: Option<&str>,
    pod_labels: &BTreeMap<String, String>,
) -> Object {
    Object::from(Service {
        metadata: ObjectMeta {
            name: Some(name.to_string()),
            labels: labels_flag
                .filter(|l| !l.is_empty())
                .map(|_| pod_labels.clone()),
            ..Default::default()
        },
        spec: Some(ServiceSpec {
            selector: Some(pod_labels.clone()),
            ports: Some(vec![ServicePort {
                port,
                protocol: Some("TCP".into()),
                target_port: Some(IntOrString::Int(port)),
                ..Default::default()
            }]),
            ..Default::default()
        }),
        status: None,
    })
}

/// `kubectl run --expose`: the pod is created first, then the Service, which is
/// printed at once; the pod is printed last, and a failed Service is reported after it.
/// With `-o yaml` run.go's generateService writes its own `---` after the Service and
/// the shared YAML printer writes another before the pod, its second object.
fn run_and_expose(ctx: &mut Ctx, a: &Args, out: &mut Output, pod: Object, service: Object) -> i32 {
    let mut pod_out = Output::new();
    if create_one(ctx, a, &mut pod_out, pod, "created") != 0 {
        out.append(pod_out);
        return 1;
    }
    let mut svc_out = Output::new();
    let svc_code = create_one(ctx, a, &mut svc_out, service, "created");
    if svc_code == 0 {
        out.append(svc_out);
        if a.value(&["-o", "--output"]) == Some("yaml") {
            out.out("---\n---\n");
        }
        out.append(pod_out);
        0
    } else {
        out.append(pod_out);
        out.append(svc_out);
        svc_code
    }
}

/// kubectl delete: by name, `TYPE/NAME`, `-f -`, `-l`, `--all`.
pub fn delete(ctx: &mut Ctx, a: &Args, out: &mut Output) -> i32 {
    let ns = ctx.namespace(a);
    let all_ns = a.has(&["-A", "--all-namespaces"]);
    let ignore = a.has(&["--ignore-not-found"]);
    let force = a.has(&["--force"]);
    // delete.go Validate.
    if a.has(&["--now"]) && a.value(&["--grace-period"]).is_some() {
        return fail(out, "--now and --grace-period cannot be specified together");
    }
    if a.has(&["--all"]) && a.value(&["-l", "--selector"]).is_some() {
        return fail(
            out,
            "setting 'all' parameter but found a non empty selector. ",
        );
    }
    let grace: Option<i64> = if a.has(&["--now"]) {
        Some(1)
    } else {
        a.value(&["--grace-period"])
            .and_then(|g| g.parse::<i64>().ok())
            .filter(|g| *g >= 0)
    };
    let grace = if force && grace.is_none() {
        Some(0)
    } else {
        grace
    };
    let wait = a.value(&["--wait"]).is_none_or(|w| w != "false");
    // cmdutil.GetCascadingStrategy: orphan leaves the dependents, ownerless.
    let orphan = match a.value(&["--cascade"]).unwrap_or("background") {
        "background" | "foreground" => false,
        "orphan" => true,
        value => match value.parse::<bool>() {
            Ok(b) => {
                let replacement = if b { "background" } else { "orphan" };
                out.err(&format!("warning: --cascade={value} is deprecated (boolean value) and can be replaced with --cascade={replacement}.\n"));
                !b
            }
            Err(_) => {
                return fail(
                    out,
                    &format!("invalid cascade value ({value}). Must be \"background\", \"foreground\", or \"orphan\""),
                )
            }
        },
    };
    let mut targets: Vec<(Key, String)> = Vec::new(); // key, ref for messages
    let mut errors: Vec<String> = Vec::new();
    // Every request for v1 Endpoints, a failed one too, carries the deprecation warning;
    // kubectl prints each distinct warning once per command.
    let mut endpoints_warned = false;
    let mut from_file = false;
    if !a.values(&["-f", "--filename"]).is_empty() {
        from_file = true;
        let files = match read_files(ctx, a) {
            Ok(f) => f,
            Err(e) => return files_failed(ctx, out, &e),
        };
        let mut documents = 0;
        for (source, text) in files {
            for doc in manifest::parse(&text, &source) {
                documents += 1;
                match doc.result {
                    Ok(obj) => {
                        let rt = obj.resource_type();
                        let ons = if rt.namespaced {
                            obj.meta().namespace.clone().unwrap_or_else(|| ns.clone())
                        } else {
                            String::new()
                        };
                        let key = Key::new(rt.kind, &ons, obj.name());
                        if ctx.cluster.store.contains(&key) {
                            targets.push((key, source.clone()));
                        } else if !ignore {
                            errors.push(format!(
                                "Error from server (NotFound): error when deleting \"{source}\": {} \"{}\" not found",
                                rt.qualified_plural(),
                                obj.name()
                            ));
                        }
                    }
                    Err(DocError::Syntax { message, .. })
                    | Err(DocError::Client { message, .. }) => errors.push(message),
                    Err(DocError::UnknownFields { object, .. }) => {
                        let rt = object.resource_type();
                        let ons = object
                            .meta()
                            .namespace
                            .clone()
                            .unwrap_or_else(|| ns.clone());
                        let key = Key::new(
                            rt.kind,
                            if rt.namespaced { &ons } else { "" },
                            object.name(),
                        );
                        if ctx.cluster.store.contains(&key) {
                            targets.push((key, source.clone()));
                        }
                    }
                    Err(DocError::Decode { message, .. }) => errors.push(message),
                }
            }
        }
        if documents == 0 {
            out.out("No resources found\n");
            return 0;
        }
    } else {
        let words = a.rest(1);
        let selector = a.value(&["-l", "--selector"]);
        let all = a.has(&["--all"]);
        let parsed = match parse_targets(words) {
            Ok(t) => t,
            Err(e) => return fail(out, &e),
        };
        if parsed.is_empty() {
            return fail(out, "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
        }
        let sel = match selector.map(Selector::parse).transpose() {
            Ok(s) => s,
            Err(e) => {
                let Some(t) = parsed.first() else {
                    return fail(out, &e);
                };
                let text = selector.unwrap_or("");
                out.err(&format!(
                    "{}\n",
                    super::get::bad_selector(t.rt, text, "", &e)
                ));
                return 1;
            }
        };
        for t in &parsed {
            match &t.name {
                Some(name) => {
                    let key = Key::new(t.rt.kind, if t.rt.namespaced { &ns } else { "" }, name);
                    if ctx.cluster.store.contains(&key) {
                        targets.push((key, String::new()));
                    } else if !ignore {
                        if t.rt.kind == "Endpoints" && !endpoints_warned {
                            out.err(ENDPOINTS_WARNING);
                            endpoints_warned = true;
                        }
                        errors.push(not_found(t.rt, name));
                    }
                }
                None => {
                    if sel.is_none() && !all {
                        return fail(out, "resource(s) were provided, but no name was specified");
                    }
                    let found: Vec<Key> = super::list_objects(
                        ctx.cluster,
                        t.rt,
                        if all_ns { None } else { Some(&ns) },
                    )
                    .into_iter()
                    .filter(|o| {
                        sel.as_ref()
                            .is_none_or(|s| s.matches(o.labels().unwrap_or(&BTreeMap::new())))
                    })
                    .filter(|o| {
                        !(t.rt.kind == "Service"
                            && o.name() == "kubernetes"
                            && o.namespace() == "default"
                            && sel.is_some())
                    })
                    .map(Key::of)
                    .collect();
                    targets.extend(found.into_iter().map(|k| (k, String::new())));
                }
            }
        }
        // delete.go DeleteResult: a name counts as found without a GET (RequireObject
        // false), a selector or --all by what it lists; none found is said on stdout,
        // without a namespace, --ignore-not-found or not.
        if targets.is_empty() && errors.is_empty() && parsed.iter().all(|t| t.name.is_none()) {
            out.out("No resources found\n");
            return 0;
        }
    }
    let _ = from_file;
    if force && grace == Some(0) {
        out.err("Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n");
    }
    let mut deleted = Vec::new();
    let dry = match dry_run_check(ctx.cluster, a, out) {
        Ok(d) => d,
        Err(e) => return fail(out, &e),
    };
    // delete.go PrintObj: the operation, then the dry-run strategy.
    let word = if force && grace == Some(0) {
        "force deleted"
    } else {
        "deleted"
    };
    for (key, _) in &targets {
        let rt = kinds::by_kind_name(key.kind).unwrap_or(&kinds::RESOURCE_TYPES[0]);
        if rt.kind == "Endpoints" && !endpoints_warned {
            out.err(ENDPOINTS_WARNING);
            endpoints_warned = true;
        }
        let line = format!(
            "{} \"{}\" {word}{}\n",
            rt.qualified_singular(),
            key.name,
            dry.unwrap_or("")
        );
        if dry.is_some() {
            out.out(&line);
            continue;
        }
        let uid = ctx
            .cluster
            .store
            .get(key)
            .and_then(|o| o.meta().uid.clone());
        if let (true, Some(uid)) = (orphan, uid.as_deref()) {
            // The garbage collector's orphan finalizer: dependents lose this owner first.
            ctx.cluster.orphan_dependents(uid);
        }
        match ctx
            .cluster
            .delete_request(key.kind, &key.namespace, &key.name, grace)
        {
            Ok(_) => {
                out.out(&line);
                deleted.push((key.clone(), uid));
            }
            Err(ApiError::NotFound { .. }) if ignore => {}
            Err(e) => errors.push(e.render(None)),
        }
    }
    ctx.cluster.reconcile();
    if wait {
        // Gone means this uid is gone (kubectl's wait.IsDeleted): a controller may
        // already have created a new object under the same name.
        ctx.cluster.run_until(600_000, |c| {
            deleted.iter().all(|(k, uid)| {
                c.store
                    .get(k)
                    .is_none_or(|o| o.meta().uid.is_some() && o.meta().uid != *uid)
            })
        });
    }
    for e in &errors {
        out.err(&format!("{e}\n"));
    }
    i32::from(!errors.is_empty())
}

pub const NO_RESOURCES: &str = "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'";

/// Finds the single object a command names (`TYPE NAME` or `TYPE/NAME`).
pub(super) fn one_target(ctx: &Ctx, a: &Args, words: &[String]) -> Result<Object, String> {
    let ns = ctx.namespace(a);
    if words.is_empty() {
        // cli-runtime builder: no resource arguments at all (kubectl 1.33 expose/scale/set).
        return Err(NO_RESOURCES.to_string());
    }
    let targets = parse_targets(words).map_err(|e| format!("error: {e}"))?;
    let t = targets
        .first()
        .ok_or_else(|| "error: you must specify the type of resource to act on".to_string())?;
    let name = t
        .name
        .clone()
        .ok_or_else(|| "error: resource(s) were provided, but no name was specified".to_string())?;
    find(ctx.cluster, t.rt, &ns, &name)
        .cloned()
        .ok_or_else(|| not_found(t.rt, &name))
}

pub fn scale(ctx: &mut Ctx, a: &Args, out: &mut Output) -> i32 {
    let Some(replicas) = a.value(&["--replicas"]) else {
        return fail(out, "required flag(s) \"replicas\" not set");
    };
    let Ok(replicas) = replicas.parse::<i32>() else {
        return fail(out, &format!("invalid argument \"{replicas}\" for \"--replicas\" flag: strconv.ParseInt: parsing \"{replicas}\": invalid syntax"));
    };
    if replicas < 0 {
        return fail(
            out,
            "The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0",
        );
    }
    // scale.go Validate: -1 means no precondition.
    let current = match a
        .value(&["--current-replicas"])
        .map(str::parse::<i64>)
        .transpose()
    {
        Ok(c) => c.unwrap_or(-1),
        Err(_) => return fail(out, "invalid argument for --current-replicas"),
    };
    if current < -1 {
        return fail(
            out,
            "The --current-replicas must specify an integer of -1 or greater",
        );
    }
    let obj = match one_target(ctx, a, a.rest(1)) {
        Ok(o) => o,
        Err(e) => {
            out.err(&format!("{e}\n"));
            return 1;
        }
    };
    // pkg/scale ScalePrecondition: the size must still be what the caller saw.
    let actual = match &obj {
        Object::Deployment(d) => d.spec.as_ref().and_then(|s| s.replicas),
        Object::ReplicaSet(r) => r.spec.as_ref().and_then(|s| s.replicas),
        _ => None,
    };
    if let (true, Some(actual)) = (current >= 0, actual) {
        if i64::from(actual) != current {
            return fail(
                out,
                &format!("Expected replicas to be {current}, was {actual}"),
            );
        }
    }
    let dry = match dry_run_check(ctx.cluster, a, out) {
        Ok(d) => d,
        Err(e) => return fail(out, &e),
    };
    let refn = ref_name(&obj);
    let mut obj = obj;
    if !crate::cluster::hpa::set_replicas(&mut obj, replicas) {
        return fail(out, &format!("cannot scale a {}", obj.kind()));
    }
    // scale.go: with --record, a merge patch of the change-cause annotation.
    record(a, &mut obj);
    match update_unless_dry(ctx, dry, obj) {
        Ok((_, suffix)) => {
            out.out(&format!("{refn} scaled{suffix}\n"));
            0
        }
        Err(e) => {
            out.err(&format!("{}\n", e.render(None)));
            1
        }
    }
}

/// kubectl label / annotate: `k=v` sets, `k-` removes; existing keys need --overwrite.
pub fn label(ctx: &mut Ctx, a: &Args, out: &mut Output, field: &str) -> i32 {
    let words = a.rest(1);
    let (targets_words, changes): (Vec<String>, Vec<String>) = words
        .iter()
        .cloned()
        .partition(|w| !(w.contains('=') || w.ends_with('-')));
    if targets_words.is_empty() {
        // label.go and annotate.go check the resources before the updates (kubectl 1.33).
        return fail(
            out,
            "one or more resources must be specified as <resource> <name> or <resource>/<name>",
        );
    }
    if changes.is_empty() {
        return fail(
            out,
            &format!(
                "at least one {} update is required",
                if field == "labels" {
                    "label"
                } else {
                    "annotation"
                }
            ),
        );
    }
    if field == "labels" {
        if let Err(e) = check_label_changes(&changes) {
            return fail(out, &e);
        }
    }
    let ns = ctx.namespace(a);
    let targets = match parse_targets(&targets_words) {
        Ok(t) => t,
        Err(e) => return fail(out, &e),
    };
    let mut objects = Vec::new();
    let sel_text = a.value(&["-l", "--selector"]);
    let sel = match sel_text.map(Selector::parse).transpose() {
        Ok(s) => s,
        Err(e) => {
            if let Some(t) = targets.first() {
                let text = sel_text.unwrap_or("");
                out.err(&format!(
                    "{}\n",
                    super::get::bad_selector(t.rt, text, "", &e)
                ));
                return 1;
            }
            return fail(out, &e);
        }
    };
    for t in &targets {
        match &t.name {
            Some(n) => match find(ctx.cluster, t.rt, &ns, n) {
                Some(o) => objects.push(o.clone()),
                None => {
                    out.err(&format!("{}\n", not_found(t.rt, n)));
                    return 1;
                }
            },
            None => objects.extend(
                super::list_objects(ctx.cluster, t.rt, Some(&ns))
                    .into_iter()
                    .filter(|o| {
                        sel.as_ref()
                            .is_none_or(|s| s.matches(o.labels().unwrap_or(&BTreeMap::new())))
                    })
                    .cloned(),
            ),
        }
    }
    let dry = match dry_run_check(ctx.cluster, a, out) {
        Ok(d) => d,
        Err(e) => return fail(out, &e),
    };
    let printer = match obj_printer(a) {
        Ok(p) => p,
        Err(e) => return fail(out, &e),
    };
    let overwrite = a.has(&["--overwrite"]);
    // label.go visits every object (ContinueOnError): an object whose keys exist with
    // other values is an aggregate of one error per key, and the others go on.
    let mut failed: Vec<Vec<String>> = Vec::new();
    let (done, not_done) = if field == "labels" {
        ("labeled", "not labeled")
    } else {
        ("annotated", "annotated")
    };
    for mut obj in objects {
        let refn = ref_name(&obj);
        // label.go RunLabel (not on a client dry run): removing a label the object
        // does not have is said, and is no change.
        if field == "labels" && dry != Some(" (dry run)") {
            for k in changes.iter().filter_map(|c| c.strip_suffix('-')) {
                if !obj.labels().is_some_and(|l| l.contains_key(k)) {
                    out.out(&format!("label {k:?} not found.\n"));
                }
            }
        }
        let old_len = obj.to_json().to_string().len();
        let map = if field == "labels" {
            obj.meta_mut().labels.get_or_insert_with(Default::default)
        } else {
            obj.meta_mut()
                .annotations
                .get_or_insert_with(Default::default)
        };
        let before = map.clone();
        let clashes: Vec<String> = changes
            .iter()
            .filter_map(|ch| ch.split_once('='))
            .filter_map(|(k, v)| match map.get(k) {
                Some(old) if old != v && !overwrite => Some(if field == "labels" {
                    format!("'{k}' already has a value ({old}), and --overwrite is false")
                } else {
                    format!("'{k}' already has a value ({old})")
                }),
                _ => None,
            })
            .collect();
        if !clashes.is_empty() {
            // annotate.go validateNoAnnotationOverwrites: one error naming every key.
            failed.push(if field == "labels" {
                clashes
            } else {
                vec![format!(
                    "--overwrite is false but found the following declared annotation(s): {}",
                    clashes.join("; ")
                )]
            });
            continue;
        }
        for ch in &changes {
            if let Some((k, v)) = ch.split_once('=') {
                map.insert(k.to_string(), v.to_string());
            } else if let Some(k) = ch.strip_suffix('-') {
                map.remove(k);
            }
        }
        let changed = *map != before;
        if map.is_empty() {
            if field == "labels" {
                obj.meta_mut().labels = None;
            } else {
                obj.meta_mut().annotations = None;
            }
        }
        // label.go prints the object it changed locally (info.Object), not the
        // server's answer, whatever the dry-run mode.
        let shown = (!matches!(printer, ObjPrinter::Message)).then(|| obj.to_read_json());
        // annotate.go always prints "annotated".
        if !changed && field == "labels" {
            match shown {
                Some(json) => print_object(&printer, &refn, json, out),
                None => out.out(&format!("{refn} {not_done}{}\n", dry.unwrap_or(""))),
            }
            continue;
        }
        // kubectl 1.33 label.go updateDataChangeMsg: without --overwrite, an object
        // whose JSON got shorter was "unlabeled".
        let done = if field == "labels" && !overwrite && obj.to_json().to_string().len() < old_len {
            "unlabeled"
        } else {
            done
        };
        // label.go / annotate.go record the command line in the object they patch from.
        let mut obj = obj;
        record(a, &mut obj);
        match update_unless_dry(ctx, dry, obj) {
            Ok((_, suffix)) => match shown {
                Some(json) => print_object(&printer, &refn, json, out),
                None => out.out(&format!("{refn} {done}{suffix}\n")),
            },
            Err(e) => {
                out.err(&format!("{}\n", e.render(None)));
                return 1;
            }
        }
    }
    // cmdutil checkErr: an aggregate of one error is that error ("error: " added);
    // MultipleErrors prints each of several bare, a nested aggregate as `[a, b]`.
    match failed.as_slice() {
        [] => 0,
        [one] if one.len() == 1 => fail(out, &one[0]),
        [one] => {
            for e in one {
                out.err(&format!("{e}\n"));
            }
            1
        }
        many => {
            for errs in many {
                match errs.as_slice() {
                    [e] => out.err(&format!("{e}\n")),
                    _ => out.err(&format!("[{}]\n", errs.join(", "))),
                }
            }
            1
        }
    }
}

/// label.go parseLabels: `k=v` splits into exactly two parts and the value must be a
/// valid label value; a key cannot be both set and removed.
fn check_label_changes(changes: &[String]) -> Result<(), String> {
    let mut set = Vec::new();
    for spec in changes {
        if spec.contains('=') {
            let parts: Vec<&str> = spec.split('=').collect();
            let [key, value] = parts.as_slice() else {
                return Err(format!("invalid label spec: {spec}"));
            };
            let errs = crate::api::names::label_value(value);
            if !errs.is_empty() {
                return Err(format!("invalid label value: {spec:?}: {}", errs.join(";")));
            }
            set.push(*key);
        }
    }
    let removes_a_set_key = changes
        .iter()
        .filter_map(|c| c.strip_suffix('-'))
        .any(|k| set.contains(&k));
    if removes_a_set_key {
        return Err("can not both modify and remove a label in the same command".into());
    }
    Ok(())
}

/// cmdutil `Overrider.Apply` (`kubectl run --overrides`): the generated object patched
/// with inline JSON, as a merge patch unless `--override-type` says json or strategic.
pub(super) fn override_object(
    obj: &Object,
    overrides: &str,
    ty: Option<&str>,
) -> Result<Object, String> {
    let ty = ty.unwrap_or("merge");
    // Text that is not JSON: jsonpatch.MergePatch's and strategicpatch's own errors
    // (verified with kubectl 1.33).
    let patch: Value = serde_json::from_str(overrides).map_err(|e| match ty {
        "merge" => "Invalid JSON Patch".to_string(),
        "strategic" => "invalid JSON document".to_string(),
        _ => e.to_string(),
    })?;
    let current = obj.to_json();
    let patched = match ty {
        "json" => json_patch(&current, &patch)?,
        "merge" => {
            let mut v = current;
            merge_patch(&mut v, &patch);
            v
        }
        "strategic" => strategic_merge(&current, &patch)?,
        other => return Err(format!("invalid override type: {other}")),
    };
    Object::from_json(obj.resource_type(), patched).map_err(|e| e.to_string())
}

/// kubectl patch: strategic merge (default), merge, or json patch.
pub fn patch(ctx: &mut Ctx, a: &Args, out: &mut Output) -> i32 {
    let printer = match obj_printer(a) {
        Ok(p) => p,
        Err(e) => return fail(out, &e),
    };
    let Some(text) = a.value(&["-p", "--patch"]).filter(|t| !t.is_empty()) else {
        return fail(
            out,
            "must specify --patch or --patch-file containing the contents of the patch",
        );
    };
    let ty = a.value(&["--type"]).unwrap_or("strategic");
    if !matches!(ty, "json" | "merge" | "strategic") {
        return fail(
            out,
            &format!("--type must be one of [json merge strategic], not \"{ty}\""),
        );
    }
    // patch.go RunPatch: apimachinery yaml.ToJSON before anything is fetched. Text that
    // starts with `{` counts as JSON and is sent as it is, so the server's JSON decoder
    // (or, in a client-side dry run, the patch library) reports its syntax errors.
    let parsed: Result<Value, String> = if text.trim_start().starts_with('{') {
        match crate::manifest::gojson::syntax_error(text) {
            Some(e) => Err(e),
            None => serde_json::from_str(text).map_err(|e| e.to_string()),
        }
    } else {
        match crate::manifest::yaml_to_json(text) {
            Ok(v) => Ok(v),
            Err(e) => {
                let q = crate::manifest::gofmt::quote(text);
                return fail(out, &format!("unable to parse {q}: {e}"));
            }
        }
    };
    let obj = match one_target(ctx, a, a.rest(1)) {
        Ok(o) => o,
        Err(e) => {
            out.err(&format!("{e}\n"));
            return 1;
        }
    };
    let client_side = matches!(
        a.value(&["--dry-run"]),
        Some("client" | "unchanged" | "1" | "t" | "T" | "TRUE" | "true" | "True")
    );
    let patch = match parsed {
        Ok(v) => v,
        // Client side: strategicpatch's ErrBadJSONDoc, json-patch's ErrBadJSONPatch, or
        // DecodePatch's own error. Server side (handlers/patch.go, fieldValidation Warn
        // when kubectl sends none): kjson.UnmarshalStrict's error as a BadRequest.
        Err(e) if client_side => {
            return fail(
                out,
                match ty {
                    "strategic" => "invalid JSON document",
                    "merge" => "Invalid JSON Patch",
                    _ => &e,
                },
            )
        }
        Err(e) => {
            let prefix = if ty == "strategic" {
                ""
            } else {
                "error decoding patch: "
            };
            out.err(&format!("Error from server (BadRequest): {prefix}{e}\n"));
            return 1;
        }
    };
    let refn = ref_name(&obj);
    let current = obj.to_json();
    let merged = match ty {
        "json" => match json_patch_on_server(&current, &patch, client_side) {
            Ok(v) => v,
            Err(e) => {
                out.err(&format!("{e}\n"));
                return 1;
            }
        },
        // The server's StrategicMergeMapPatch; its errors are not API statuses, so the
        // API server answers 500 with the bare message (ErrorToAPIStatus) and kubectl
        // prints `Error from server: ...`; a client-side dry run prints `error: ...`.
        "strategic" => match strategic_merge(&current, &patch) {
            Ok(v) => v,
            Err(e) if client_side => return fail(out, &e),
            Err(e) => {
                out.err(&format!("Error from server: {e}\n"));
                return 1;
            }
        },
        _ => {
            let mut v = current.clone();
            merge_patch(&mut v, &patch);
            v
        }
    };
    // Fields the type does not have: the server decodes with fieldValidation Warn and
    // answers with one warning per field (handlers/patch.go addStrictDecodingWarnings).
    let mut unknown = Vec::new();
    let client_json = merged.clone();
    let decoded = Object::from_json_reporting(obj.resource_type(), merged, &mut |p| {
        unknown.push(crate::manifest::ignored_path(&p.to_string()));
    });
    if !client_side {
        for f in &unknown {
            out.err(&format!("Warning: unknown field \"{f}\"\n"));
        }
    }
    let new_obj = match decoded {
        Ok(o) => o,
        Err(e) => {
            out.err(&format!("Error from server (BadRequest): {e}\n"));
            return 1;
        }
    };
    let dry = match dry_run_check(ctx.cluster, a, out) {
        Ok(d) => d,
        Err(e) => return fail(out, &e),
    };
    // patch.go's ToPrinter sets the operation after PrintFlagsWithDryRunStrategy put
    // the dry-run suffix into it, so a dry run prints the bare "patched"; a client-side
    // one prints the object it patched itself (no server defaults).
    // patch.go: with --record, the change-cause goes in a second merge patch.
    let mut new_obj = new_obj;
    record(a, &mut new_obj);
    let key = Key::of(&new_obj);
    let sent = new_obj.to_json();
    match update_unless_dry(ctx, dry, new_obj) {
        Ok((changed, _)) => {
            if !matches!(printer, ObjPrinter::Message) {
                let json = match ctx.cluster.store.get(&key) {
                    Some(o) if dry.is_none() => o.to_read_json(),
                    _ if client_side => client_json,
                    _ => sent,
                };
                print_object(&printer, &refn, json, out);
            } else {
                // Client side, patch.go compares the patched JSON with the original.
                let same = if client_side {
                    client_json == current
                } else {
                    !changed
                };
                out.out(&format!(
                    "{refn} patched{}\n",
                    if same { " (no change)" } else { "" }
                ));
            }
            0
        }
        Err(e) => {
            out.err(&format!("{}\n", e.render(None)));
            1
        }
    }
}

/// RFC 7386 JSON merge patch.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    if let Value::Object(p) = patch {
        if !target.is_object() {
            *target = Value::Object(Default::default());
        }
        if let Value::Object(t) = target {
            for (k, v) in p {
                if v.is_null() {
                    t.remove(k);
                } else {
                    merge_patch(t.entry(k.clone()).or_insert(Value::Null), v);
                }
            }
        }
    } else {
        *target = patch.clone();
    }
}

/// A JSON patch as the API server applies it (apiserver handlers/patch.go applyJSPatch):
/// a body that is not a list fails the strict decode into `[]jsonPatchOp` that the
/// default fieldValidation (Warn) runs first (400, "error decoding patch: "); a patch that does not apply is a
/// 422 built by `errors.NewGenericServerResponse(422, "", GroupResource{}, "", err, 0,
/// false)`, which keeps only the generic message and drops the json-patch error
/// (kubernetes/kubernetes#79210), so kubectl prints an invalid request without details.
/// With `--dry-run=client` kubectl applies the patch itself (patch.go getPatchedJSON)
/// and prints the library's error, `doc is missing key` rewritten as
/// `Object to be patched is missing field (...)`.
fn json_patch_on_server(doc: &Value, ops: &Value, client: bool) -> Result<Value, String> {
    let go_type = match ops {
        Value::Object(_) => Some("object"),
        Value::String(_) => Some("string"),
        Value::Number(_) => Some("number"),
        Value::Bool(_) => Some("bool"),
        Value::Array(_) | Value::Null => None,
    };
    if let Some(t) = go_type {
        let e = "json: cannot unmarshal";
        return Err(if client {
            format!("error: {e} {t} into Go value of type jsonpatch.Patch")
        } else {
            format!("Error from server (BadRequest): error decoding patch: {e} {t} into Go value of type []handlers.jsonPatchOp")
        });
    }
    if ops.is_null() {
        return Ok(doc.clone());
    }
    json_patch(doc, ops).map_err(|e| {
        if !client {
            return "The request is invalid: the server rejected our request due to an error in our request"
                .to_string();
        }
        match e.find("doc is missing key").and_then(|_| e.find("key:")) {
            Some(ix) => format!("error: Object to be patched is missing field ({})", &e[ix + 5..]),
            None => format!("error: {e}"),
        }
    })
}

/// RFC 6902 JSON patch as gopkg.in/evanphx/json-patch.v4 (v4.12.0, what kubectl and
/// the API server of v1.33 use) applies it, with its error texts (pkg/errors `Wrapf`:
/// "<message>: <cause>").
fn json_patch(doc: &Value, ops: &Value) -> Result<Value, String> {
    const MISSING: &str = "missing value";
    const INVALID_INDEX: &str = "invalid index referenced";
    let mut doc = doc.clone();
    let Some(ops) = ops.as_array() else {
        return Err("json patch must be a list of operations".into());
    };
    // Operation.Path / From: a missing field is ErrMissing.
    let field = |op: &Value, name: &str| -> Result<String, String> {
        match op.get(name) {
            Some(Value::String(s)) => Ok(s.clone()),
            Some(Value::Null) | None => Err(format!(
                "operation{} missing {name} field: {MISSING}",
                if name == "path" { "" } else { "," }
            )),
            Some(other) => Err(format!(
                "json: cannot unmarshal {} into Go value of type string",
                match other {
                    Value::Number(_) => "number",
                    Value::Bool(_) => "bool",
                    Value::Array(_) => "array",
                    _ => "object",
                }
            )),
        }
    };
    for op in ops {
        let kind = match op.get("op") {
            Some(Value::String(k)) => k.as_str(),
            _ => "unknown",
        };
        // Operation.value: absent is no node; `"value": null` decodes to a nil raw.
        let value = op.get("value").cloned();
        match kind {
            "add" => {
                let path = field(op, "path")
                    .map_err(|_| format!("add operation failed to decode path: {MISSING}"))?;
                let Some((con, key)) = find_object(&mut doc, &path) else {
                    return Err(format!(
                        "add operation does not apply: doc is missing path: \"{path}\": {MISSING}"
                    ));
                };
                container_add(con, &key, value.unwrap_or(Value::Null))
                    .map_err(|e| format!("error in add for path: '{path}': {e}"))?;
            }
            "remove" => {
                let path = field(op, "path")
                    .map_err(|_| format!("remove operation failed to decode path: {MISSING}"))?;
                let Some((con, key)) = find_object(&mut doc, &path) else {
                    return Err(format!(
                        "remove operation does not apply: doc is missing path: \"{path}\": {MISSING}"
                    ));
                };
                container_remove(con, &key)
                    .map_err(|e| format!("error in remove for path: '{path}': {e}"))?;
            }
            "replace" => {
                let path = field(op, "path")
                    .map_err(|e| format!("replace operation failed to decode path: {e}"))?;
                let Some((con, key)) = find_object(&mut doc, &path) else {
                    return Err(format!(
                        "replace operation does not apply: doc is missing path: {path}: {MISSING}"
                    ));
                };
                // partialDoc.get never fails: a missing key is simply set.
                if container_get(con, &key).is_err() {
                    return Err(format!(
                        "replace operation does not apply: doc is missing key: {path}: {MISSING}"
                    ));
                }
                let v = value.unwrap_or(Value::Null);
                match con {
                    Value::Object(m) => {
                        m.insert(key, v);
                    }
                    Value::Array(a) => {
                        if let Some(slot) = key.parse::<usize>().ok().and_then(|i| a.get_mut(i)) {
                            *slot = v;
                        }
                    }
                    _ => {}
                }
            }
            "move" => {
                let from = field(op, "from")
                    .map_err(|e| format!("move operation failed to decode from: {e}"))?;
                let Some((con, key)) = find_object(&mut doc, &from) else {
                    return Err(format!(
                        "move operation does not apply: doc is missing from path: {from}: {MISSING}"
                    ));
                };
                let val = container_get(con, &key)
                    .map_err(|e| format!("error in move for path: '{key}': {e}"))?
                    .cloned()
                    .unwrap_or(Value::Null);
                container_remove(con, &key)
                    .map_err(|e| format!("error in move for path: '{key}': {e}"))?;
                let path = field(op, "path")
                    .map_err(|e| format!("move operation failed to decode path: {e}"))?;
                let Some((con, key)) = find_object(&mut doc, &path) else {
                    return Err(format!(
                        "move operation does not apply: doc is missing destination path: {path}: {MISSING}"
                    ));
                };
                container_add(con, &key, val)
                    .map_err(|e| format!("error in move for path: '{path}': {e}"))?;
            }
            "test" => {
                let path = field(op, "path")
                    .map_err(|e| format!("test operation failed to decode path: {e}"))?;
                let Some((con, key)) = find_object(&mut doc, &path) else {
                    return Err(format!(
                        "test operation does not apply: is missing path: {path}: {MISSING}"
                    ));
                };
                let failed = || format!("testing value {path} failed: test failed");
                let val = container_get(con, &key)
                    .map_err(|e| format!("error in test for path: '{path}': {e}"))?
                    .filter(|v| !v.is_null());
                match (val, &value) {
                    // A missing (or null) value passes only against `"value": null`.
                    (None, Some(Value::Null)) => {}
                    (None, _) | (Some(_), None) => return Err(failed()),
                    (Some(v), Some(want)) => {
                        if !lazy_equal(v, want) {
                            return Err(failed());
                        }
                    }
                }
            }
            "copy" => {
                let from = field(op, "from")
                    .map_err(|e| format!("copy operation failed to decode from: {e}"))?;
                let Some((con, key)) = find_object(&mut doc, &from) else {
                    return Err(format!(
                        "copy operation does not apply: doc is missing from path: {from}: {MISSING}"
                    ));
                };
                let val = container_get(con, &key)
                    .map_err(|e| format!("error in copy for from: '{from}': {e}"))?
                    .cloned()
                    .unwrap_or(Value::Null);
                let path = field(op, "path")
                    .map_err(|_| format!("copy operation failed to decode path: {MISSING}"))?;
                let Some((con, key)) = find_object(&mut doc, &path) else {
                    return Err(format!(
                        "copy operation does not apply: doc is missing destination path: {path}: {MISSING}"
                    ));
                };
                container_add(con, &key, val)
                    .map_err(|e| format!("error while adding value during copy: {e}"))?;
            }
            other => return Err(format!("Unexpected kind: {other}")),
        }
    }
    // An index past the end or a bad index, as partialArray reports it.
    fn index(a: &[Value], key: &str, extra: usize) -> Result<usize, String> {
        let i: i64 = key
            .parse()
            .map_err(|_| format!("strconv.Atoi: parsing {key:?}: invalid syntax"))?;
        let len = (a.len() + extra) as i64;
        if i >= len || i < -len {
            return Err(format!(
                "Unable to access invalid index: {i}: {INVALID_INDEX}"
            ));
        }
        Ok(if i < 0 {
            (i + len) as usize
        } else {
            i as usize
        })
    }
    fn container_get<'a>(con: &'a Value, key: &str) -> Result<Option<&'a Value>, String> {
        match con {
            Value::Object(m) => Ok(m.get(key)),
            Value::Array(a) => {
                let i: i64 = key
                    .parse()
                    .map_err(|_| format!("strconv.Atoi: parsing {key:?}: invalid syntax"))?;
                if i < 0 || i >= a.len() as i64 {
                    return Err(format!(
                        "Unable to access invalid index: {i}: {INVALID_INDEX}"
                    ));
                }
                Ok(a.get(i as usize))
            }
            _ => Ok(None),
        }
    }
    fn container_add(con: &mut Value, key: &str, val: Value) -> Result<(), String> {
        match con {
            Value::Object(m) => {
                m.insert(key.to_string(), val);
                Ok(())
            }
            Value::Array(a) if key == "-" => {
                a.push(val);
                Ok(())
            }
            Value::Array(a) => {
                let i = index(a, key, 1).map_err(|e| {
                    if e.starts_with("strconv") {
                        format!("value was not a proper array index: '{key}': {e}")
                    } else {
                        e
                    }
                })?;
                a.insert(i, val);
                Ok(())
            }
            _ => Ok(()),
        }
    }
    fn container_remove(con: &mut Value, key: &str) -> Result<(), String> {
        match con {
            Value::Object(m) => m
                .remove(key)
                .map(|_| ())
                .ok_or_else(|| format!("Unable to remove nonexistent key: {key}: {MISSING}")),
            Value::Array(a) => {
                let i = index(a, key, 0)?;
                a.remove(i);
                Ok(())
            }
            _ => Ok(()),
        }
    }
    Ok(doc)
}

/// findObject: the container that holds the pointer's last token, and that token
/// (`~1` and `~0` decoded); None where the path does not lead to an object or array.
fn find_object<'a>(doc: &'a mut Value, path: &str) -> Option<(&'a mut Value, String)> {
    let split: Vec<&str> = path.split('/').collect();
    if split.len() < 2 {
        return None;
    }
    let decode = |s: &str| s.replace("~1", "/").replace("~0", "~");
    let mut cur = doc;
    for part in &split[1..split.len() - 1] {
        let part = decode(part);
        cur = match cur {
            Value::Object(m) => m.get_mut(&part)?,
            Value::Array(a) => {
                let i: usize = part.parse().ok()?;
                a.get_mut(i)?
            }
            _ => return None,
        };
        if !(cur.is_object() || cur.is_array()) {
            return None;
        }
    }
    Some((cur, decode(split[split.len() - 1])))
}

/// lazyNode.equal: JSON equality, except that an object equals any object holding at
/// least its keys with equal values (only the document side's keys are compared).
fn lazy_equal(have: &Value, want: &Value) -> bool {
    match (have, want) {
        (Value::Object(h), Value::Object(w)) => h.iter().all(|(k, v)| match w.get(k) {
            Some(x) => (v.is_null() && x.is_null()) || lazy_equal(v, x),
            None => false,
        }),
        (Value::Array(h), Value::Array(w)) => {
            h.len() == w.len() && h.iter().zip(w).all(|(a, b)| lazy_equal(a, b))
        }
        (Value::Object(_) | Value::Array(_), _) | (_, Value::Object(_) | Value::Array(_)) => false,
        (a, b) => a == b,
    }
}

/// `kubectl set image deployment/nginx nginx=nginx:1.28`.
pub fn set(ctx: &mut Ctx, a: &Args, out: &mut Output) -> i32 {
    let rest = a.rest(1);
    if rest.first().map(String::as_str) == Some("selector") {
        return set_selector(ctx, a, &rest[1..], out);
    }
    if rest.first().map(String::as_str) == Some("env") {
        return set_env(ctx, a, &rest[1..], out);
    }
    if rest.first().map(String::as_str) == Some("resources") {
        return set_resources(ctx, a, &rest[1..], out);
    }
    if rest.first().map(String::as_str) != Some("image") {
        return super::more::other(ctx, a, out);
    }
    let words = &rest[1..];
    let (target_words, pairs): (Vec<String>, Vec<String>) =
        words.iter().cloned().partition(|w| !w.contains('='));
    let obj = match one_target(ctx, a, &target_words) {
        Ok(o) => o,
        Err(e) => {
            out.err(&format!("{e}\n"));
            return 1;
        }
    };
    let refn = ref_name(&obj);
    let before = obj.clone();
    let mut obj = obj;
    let set = match &mut obj {
        Object::Deployment(d) => set_images(
            Arc::make_mut(d)
                .spec
                .as_mut()
                .and_then(|s| s.template.spec.as_mut())
                .map(|s| &mut s.containers),
            &pairs,
        ),
        Object::ReplicaSet(r) => set_images(
            Arc::make_mut(r)
                .spec
                .as_mut()
                .and_then(|s| s.template.as_mut())
                .and_then(|t| t.spec.as_mut())
                .map(|s| &mut s.containers),
            &pairs,
        ),
        Object::Pod(p) => set_images(
            Arc::make_mut(p).spec.as_mut().map(|s| &mut s.containers),
            &pairs,
        ),
        Object::Generic(g) if matches!(g.kind.kind, "StatefulSet" | "DaemonSet") => {
            set_statefulset_images(Arc::make_mut(g), &pairs)
        }
        Object::Generic(g) if matches!(g.kind.kind, "Job" | "CronJob") => {
            Err("this resource has no containers".into())
        }
        other => Err(no_pod_template(other)),
    };
    if let Err(e) = set {
        return fail(out, &e);
    }
    // set_image.go records the command line in the object the patch is computed from.
    record(a, &mut obj);
    // set_image.go: an empty patch (the images were already those) is skipped silently.
    if obj == before {
        return 0;
    }
    let dry = match dry_run_check(ctx.cluster, a, out) {
        Ok(d) => d,
        Err(e) => return fail(out, &e),
    };
    match update_unless_dry(ctx, dry, obj) {
        Ok((_, suffix)) => {
            out.out(&format!("{refn} image updated{suffix}\n"));
            0
        }
        Err(e) => {
            out.err(&format!("{}\n", e.render(None)));
            1
        }
    }
}

/// RecordFlags' ChangeCauseRecorder: with `--record` the command line becomes the
/// object's `kubernetes.io/change-cause` annotation, which the Deployment controller
/// copies to the new ReplicaSet and `rollout history` shows as CHANGE-CAUSE.
pub(super) fn record(a: &Args, obj: &mut Object) {
    if let Some(cause) = a.change_cause() {
        obj.meta_mut()
            .annotations
            .get_or_insert_with(Default::default)
            .insert("kubernetes.io/change-cause".into(), cause);
    }
}

/// Where polymorphichelpers UpdatePodSpecForObjectFn finds a kind's pod spec in its JSON.
fn pod_spec_path(kind: &str) -> Option<&'static [&'static str]> {
    match kind {
        "Pod" => Some(&["spec"]),
        "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" | "Job" => {
            Some(&["spec", "template", "spec"])
        }
        "CronJob" => Some(&["spec", "jobTemplate", "spec", "template", "spec"]),
        _ => None,
    }
}

/// polymorphichelpers UpdatePodSpecForObjectFn's error for an object without a pod
/// template, named by Info.ObjectName() and Go's %T (`*v1.Service`).
fn no_pod_template(obj: &Object) -> String {
    let rt = obj.resource_type();
    format!(
        "{}/{} the object is not a pod or does not have a pod template: *{}.{}",
        rt.plural,
        obj.name(),
        rt.version,
        rt.kind
    )
}

/// `kubectl set env RESOURCE/NAME KEY=VALUE ... KEY-` (kubectl `pkg/cmd/set/set_env.go`,
/// `envutil.ParseEnv`): sets and removes variables in the pod template's containers
/// (`-c` picks them by glob), or prints them with `--list`. A change to a workload's
/// template starts a rollout like any other; an unchanged object prints nothing.
fn set_env(ctx: &mut Ctx, a: &Args, words: &[String], out: &mut Output) -> i32 {
    // envutil.SplitEnvironmentFromResources: resources first, then the changes.
    let is_env = |w: &String| w.contains('=') || w.ends_with('-');
    let split = words.iter().position(is_env).unwrap_or(words.len());
    let (targets, changes) = words.split_at(split);
    if changes.iter().any(|w| !is_env(w)) {
        return fail(
            out,
            &format!(
                "all resources must be specified before environment changes: {}",
                words.join(" ")
            ),
        );
    }
    if targets.is_empty() {
        return fail(
            out,
            "one or more resources must be specified as <resource> <name> or <resource>/<name>",
        );
    }
    let list = a.has(&["--list"]);
    if list && a.given(&["-o", "--output"]) {
        return fail(out, "--list and --output may not be specified together");
    }
    let from = a.value(&["--from"]).filter(|f| !f.is_empty());
    let keys: Vec<&str> = a
        .values(&["--keys"])
        .into_iter()
        .flat_map(|k| k.split(','))
        .collect();
    if !keys.is_empty() && from.is_none() {
        return fail(
            out,
            "when specifying --keys, a configmap or secret must be provided with --from",
        );
    }
    // envutil.ParseEnv over --env values, then the positional changes.
    let mut set: Vec<(String, serde_json::Value)> = Vec::new();
    let mut remove: Vec<String> = Vec::new();
    let specs = a.values(&["-e", "--env"]).into_iter().map(str::to_string);
    for spec in specs.chain(changes.iter().cloned()) {
        if let Some((name, value)) = spec.split_once('=') {
            let errs = crate::api::names::env_var_name(name);
            if !errs.is_empty() {
                return fail(
                    out,
                    &format!("{name:?} is not a valid key name: {}", errs.join(";")),
                );
            }
            set.push((
                name.to_string(),
                serde_json::json!({"name": name, "value": value}),
            ));
        } else if let Some(name) = spec.strip_suffix('-') {
            remove.push(name.to_string());
        } else {
            return fail(out, &format!("unknown environment variable: {spec}"));
        }
    }
    if remove.iter().any(|r| set.iter().any(|(n, _)| n == r)) {
        return fail(
            out,
            "can not both modify and remove the same environment variable in the same command",
        );
    }
    // --from: every key (or the --keys) of a ConfigMap or Secret, as a reference.
    if let Some(from) = from {
        let source = match one_target(ctx, a, &[from.to_string()]) {
            Ok(o) => o,
            Err(e) => {
                out.err(&format!("{e}\n"));
                return 1;
            }
        };
        let (reference, field) = match source.kind() {
            "ConfigMap" => ("configMapKeyRef", "data"),
            "Secret" => ("secretKeyRef", "data"),
            _ => return fail(out, "unsupported resource specified in --from"),
        };
        let body = source.to_json();
        let data = body.get(field).and_then(|d| d.as_object());
        for key in data.into_iter().flat_map(|d| d.keys()) {
            if !keys.is_empty() && !keys.contains(&key.as_str()) {
                continue;
            }
            // keyToEnvName: invalid characters become '_', then upper case.
            let name: String = key
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '_' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect::<String>()
                .to_uppercase();
            if name != *key {
                out.err(&format!("Warning: key {key} transferred to {name}\n"));
            }
            let var = serde_json::json!({
                "name": name,
                "valueFrom": {reference: {"name": source.name(), "key": key}},
            });
            set.push((name, var));
        }
    }
    if let Some(prefix) = a.value(&["--prefix"]).filter(|p| !p.is_empty()) {
        for (name, var) in &mut set {
            *name = format!("{prefix}{name}");
            var["name"] = serde_json::json!(name);
        }
    }
    let obj = match one_target(ctx, a, targets) {
        Ok(o) => o,
        Err(e) => {
            out.err(&format!("{e}\n"));
            return 1;
        }
    };
    let selector = a.value(&["-c", "--containers"]).unwrap_or("*").to_string();
    let overwrite = a.value(&["--overwrite"]) != Some("false");
    let rt = obj.resource_type();
    let mut body = obj.to_json();
    let Some(spec_path) = pod_spec_path(rt.kind) else {
        return fail(out, &no_pod_template(&obj));
    };
    let pod_spec = spec_path.iter().try_fold(&mut body, |v, k| v.get_mut(*k));
    let mut listing = String::new();
    let mut matched = 0;
    if let Some(pod_spec) = pod_spec {
        for field in ["containers", "initContainers"] {
            let Some(containers) = pod_spec.get_mut(field).and_then(|c| c.as_array_mut()) else {
                continue;
            };
            for c in containers {
                let name = c
                    .get("name")
                    .and_then(|n| n.as_str())
                    .unwrap_or("")
                    .to_string();
                if !glob_match(&selector, &name) {
                    continue;
                }
                matched += 1;
                let existing: Vec<serde_json::Value> = c
                    .get("env")
                    .and_then(|e| e.as_array())
                    .cloned()
                    .unwrap_or_default();
                let var_name = |e: &serde_json::Value| {
                    e.get("name")
                        .and_then(|n| n.as_str())
                        .unwrap_or("")
                        .to_string()
                };
                if !overwrite {
                    for (n, var) in &set {
                        let current = existing.iter().find(|e| var_name(e) == *n);
                        let value_of = |e: &serde_json::Value| {
                            e.get("value")
                                .and_then(|v| v.as_str())
                                .unwrap_or("")
                                .to_string()
                        };
                        let current_value = current.map(value_of).unwrap_or_default();
                        if current.is_some() && current_value != value_of(var) {
                            // Info.ObjectName(): the plural resource, not the group.
                            return fail(
                                out,
                                &format!(
                                    "{}/{} '{n}' already has a value ({current_value}), and --overwrite is false",
                                    rt.plural,
                                    obj.name()
                                ),
                            );
                        }
                    }
                }
                // set_env.go updateEnv: replaced in place, removed, new ones appended.
                let mut covered: Vec<String> = remove.clone();
                let mut env = Vec::new();
                for e in existing {
                    let n = var_name(&e);
                    if covered.contains(&n) {
                        continue;
                    }
                    match set.iter().find(|(k, _)| *k == n) {
                        Some((_, var)) => {
                            covered.push(n);
                            env.push(var.clone());
                        }
                        None => env.push(e),
                    }
                }
                for (k, var) in &set {
                    if !covered.contains(k) {
                        covered.push(k.clone());
                        env.push(var.clone());
                    }
                }
                if list {
                    listing.push_str(&format!("# {} {}, container {name}\n", rt.kind, obj.name()));
                    for e in &env {
                        match e.get("valueFrom") {
                            None => listing.push_str(&format!(
                                "{}={}\n",
                                var_name(e),
                                e.get("value").and_then(|v| v.as_str()).unwrap_or("")
                            )),
                            Some(from) => listing.push_str(&format!(
                                "# {} from {}\n",
                                var_name(e),
                                env_ref_string(from)
                            )),
                        }
                    }
                }
                if let Some(c) = c.as_object_mut() {
                    if env.is_empty() {
                        c.remove("env");
                    } else {
                        c.insert("env".into(), serde_json::Value::Array(env));
                    }
                }
            }
        }
    }
    if matched == 0 {
        out.err(&format!(
            "Warning: {}/{} does not have any containers matching \"{selector}\"\n",
            rt.kind,
            obj.name()
        ));
    }
    if list {
        out.out(&listing);
        return 0;
    }
    if body == obj.to_json() {
        return 0;
    }
    if set.is_empty() && changes.is_empty() {
        return fail(out, "at least one environment variable must be provided");
    }
    let updated = match Object::from_json(rt, body) {
        Ok(o) => o,
        Err(e) => return fail(out, &format!("{} {e}", ref_name(&obj))),
    };
    let dry = match dry_run_check(ctx.cluster, a, out) {
        Ok(d) => d,
        Err(e) => return fail(out, &e),
    };
    match update_unless_dry(ctx, dry, updated) {
        Ok((_, suffix)) => {
            out.out(&format!("{} env updated{suffix}\n", ref_name(&obj)));
            0
        }
        Err(e) => fail(
            out,
            &format!(
                "failed to patch env update to pod template: {}",
                e.message()
            ),
        ),
    }
}

/// `kubectl set resources TYPE NAME --limits=cpu=200m,memory=512Mi --requests=...`
/// (kubectl `pkg/cmd/set/set_resources.go`): the amounts (generateversioned
/// HandleResourceRequirementsV1, limits first) go into every container of the pod
/// template `-c` selects by glob, app containers then init containers; a changed template
/// rolls a workload out, an unchanged object prints nothing.
fn set_resources(ctx: &mut Ctx, a: &Args, words: &[String], out: &mut Output) -> i32 {
    let printer = match obj_printer(a) {
        Ok(p) => p,
        Err(e) => return fail(out, &e),
    };
    if a.has(&["--local"]) {
        if !words.is_empty() {
            // resource.LocalResourceError
            return fail(out, "you must specify resources by --filename when --local is set.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'");
        }
        return super::more::other(ctx, a, out);
    }
    // Complete resolves the objects before Validate looks at the flags.
    let obj = match one_target(ctx, a, words) {
        Ok(o) => o,
        Err(e) => {
            out.err(&format!("{e}\n"));
            return 1;
        }
    };
    if a.has(&["--all"])
        && a.value(&["-l", "--selector"])
            .is_some_and(|l| !l.is_empty())
    {
        return fail(out, "cannot set --all and --selector at the same time");
    }
    let lists = [
        ("limits", a.value(&["--limits"]).unwrap_or("")),
        ("requests", a.value(&["--requests"]).unwrap_or("")),
    ];
    if lists.iter().all(|(_, v)| v.is_empty()) {
        return fail(
            out,
            "you must specify an update to requests or limits (in the form of --requests/--limits)",
        );
    }
    // populateResourceListV1: NAME=QUANTITY pairs, each quantity parsed.
    let mut amounts: Vec<(&str, Vec<(&str, String)>)> = Vec::new();
    for (list, spec) in lists.into_iter().filter(|(_, v)| !v.is_empty()) {
        let mut parsed: Vec<(&str, String)> = Vec::new();
        for stmt in spec.split(',') {
            let mut parts = stmt.split('=');
            let (Some(name), Some(q), None) = (parts.next(), parts.next(), parts.next()) else {
                return fail(
                    out,
                    &format!("Invalid argument syntax {stmt}, expected <resource>=<value>"),
                );
            };
            let q = match crate::cluster::resources::canonical_quantity(q) {
                Ok(q) => q,
                Err(e) => return fail(out, e),
            };
            // A ResourceList is a map: a repeated name keeps its last amount.
            parsed.retain(|(n, _)| *n != name);
            parsed.push((name, q));
        }
        amounts.push((list, parsed));
    }
    let rt = obj.resource_type();
    let mut body = obj.to_json();
    let Some(spec_path) = pod_spec_path(rt.kind) else {
        return fail(out, &no_pod_template(&obj));
    };
    let selector = a.value(&["-c", "--containers"]).unwrap_or("*").to_string();
    let mut matched = false;
    if let Some(pod_spec) = spec_path.iter().try_fold(&mut body, |v, k| v.get_mut(*k)) {
        for field in ["containers", "initContainers"] {
            let Some(containers) = pod_spec.get_mut(field).and_then(Value::as_array_mut) else {
                continue;
            };
            for c in containers {
                let name = c.get("name").and_then(Value::as_str).unwrap_or("");
                if !glob_match(&selector, name) {
                    continue;
                }
                matched = true;
                let Some(c) = c.as_object_mut() else { continue };
                let r = c
                    .entry("resources")
                    .or_insert_with(|| serde_json::json!({}));
                for (list, parsed) in &amounts {
                    let Some(r) = r.as_object_mut() else { continue };
                    let l = r.entry(*list).or_insert_with(|| serde_json::json!({}));
                    if let Some(l) = l.as_object_mut() {
                        for (n, q) in parsed {
                            l.insert(n.to_string(), Value::String(q.clone()));
                        }
                    }
                }
            }
        }
    }
    if !matched {
        return fail(out, &format!("unable to find container named {selector}"));
    }
    let refn = ref_name(&obj);
    let mut updated = match Object::from_json(rt, body) {
        Ok(o) => o,
        Err(e) => return fail(out, &format!("{refn} {e}")),
    };
    record(a, &mut updated);
    if updated.to_json() == obj.to_json() {
        return 0;
    }
    let dry = match dry_run_check(ctx.cluster, a, out) {
        Ok(d) => d,
        Err(e) => return fail(out, &e),
    };
    let shown = match (&printer, dry) {
        (ObjPrinter::Message, _) => None,
        (_, Some(" (dry run)")) => Some(updated.to_read_json()),
        _ => None,
    };
    match update_unless_dry(ctx, dry, updated) {
        Ok((_, suffix)) => {
            match shown {
                Some(json) => print_object(&printer, &refn, json, out),
                None if matches!(printer, ObjPrinter::Message) => {
                    out.out(&format!("{refn} resource requirements updated{suffix}\n"))
                }
                None => {
                    let key = Key::of(&obj);
                    let json = ctx.cluster.store.get(&key).map(Object::to_read_json);
                    print_object(&printer, &refn, json.unwrap_or(Value::Null), out);
                }
            }
            0
        }
        Err(e) => fail(
            out,
            &format!(
                "failed to patch resources update to pod template {}",
                e.message()
            ),
        ),
    }
}

/// Go's `filepath.Match` for container names (`-c 'web*'`): `*` any run, `?` one character.
fn glob_match(pattern: &str, name: &str) -> bool {
    let (p, n): (Vec<char>, Vec<char>) = (pattern.chars().collect(), name.chars().collect());
    // Iterative wildcard matching with one backtrack point for the last `*`.
    let (mut i, mut j, mut star, mut mark) = (0, 0, None, 0);
    while j < n.len() {
        if i < p.len() && (p[i] == '?' || p[i] == n[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some(i);
            mark = j;
            i += 1;
        } else if let Some(s) = star {
            i = s + 1;
            mark += 1;
            j = mark;
        } else {
            return false;
        }
    }
    p[i..].iter().all(|c| *c == '*')
}

/// envutil.GetEnvVarRefString: how `set env --list` names a variable's source.
fn env_ref_string(from: &serde_json::Value) -> String {
    let s = |v: &serde_json::Value, k: &str| {
        v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string()
    };
    if let Some(r) = from.get("configMapKeyRef") {
        format!("configmap {}, key {}", s(r, "name"), s(r, "key"))
    } else if let Some(r) = from.get("secretKeyRef") {
        format!("secret {}, key {}", s(r, "name"), s(r, "key"))
    } else if let Some(r) = from.get("fieldRef") {
        format!("field path {}", s(r, "fieldPath"))
    } else if let Some(r) = from.get("resourceFieldRef") {
        let container = s(r, "containerName");
        let prefix = if container.is_empty() {
            String::new()
        } else {
            format!("{container}/")
        };
        format!("resource field {prefix}{}", s(r, "resource"))
    } else {
        "invalid valueFrom".into()
    }
}

/// `set image`'s `NAME=IMAGE` pairs (`*` for every container) on typed containers.
fn set_images(containers: Option<&mut Vec<Container>>, pairs: &[String]) -> Result<(), String> {
    let Some(containers) = containers else {
        return Err("this resource has no containers".into());
    };
    for (cname, image) in pairs.iter().filter_map(|p| p.split_once('=')) {
        let mut hit = false;
        for c in containers.iter_mut() {
            if cname == "*" || c.name == cname {
                c.image = Some(image.to_string());
                hit = true;
            }
        }
        if !hit {
            return Err(format!("unable to find container named \"{cname}\""));
        }
    }
    Ok(())
}

/// `set image` on a StatefulSet or DaemonSet, which are stored as JSON: `NAME=IMAGE` pairs (`*` for
/// every container) applied to `spec.template.spec.containers`.
fn set_statefulset_images(
    set: &mut crate::api::GenericObject,
    pairs: &[String],
) -> Result<(), String> {
    let Some(containers) = set
        .body
        .get_mut("spec")
        .and_then(|s| s.get_mut("template"))
        .and_then(|t| t.get_mut("spec"))
        .and_then(|s| s.get_mut("containers"))
        .and_then(|c| c.as_array_mut())
    else {
        return Err("this resource has no containers".into());
    };
    for (cname, image) in pairs.iter().filter_map(|p| p.split_once('=')) {
        let mut hit = false;
        for c in containers.iter_mut() {
            let name_matches = c.get("name").and_then(|n| n.as_str()) == Some(cname);
            if let (true, Some(c)) = (cname == "*" || name_matches, c.as_object_mut()) {
                c.insert("image".into(), serde_json::json!(image));
                hit = true;
            }
        }
        if !hit {
            return Err(format!("unable to find container named \"{cname}\""));
        }
    }
    Ok(())
}

/// `kubectl set selector TYPE NAME EXPRESSIONS` (kubectl `pkg/cmd/set/set_selector.go`):
/// the last word is parsed as a label selector (`metav1.ParseToLabelSelector`) and
/// replaces a Service's whole `spec.selector`; other kinds cannot have it set.
fn set_selector(ctx: &mut Ctx, a: &Args, words: &[String], out: &mut Output) -> i32 {
    use crate::api::selector::Requirement;
    let printer = match obj_printer(a) {
        Ok(p) => p,
        Err(e) => return fail(out, &e),
    };
    let Some((expr, target_words)) = words.split_last() else {
        return fail(out, "one selector is required");
    };
    let reqs = match Selector::parse(expr) {
        Ok(Selector::All(r)) => r,
        Ok(Selector::Nothing) => Vec::new(),
        Err(e) => {
            return fail(
                out,
                &format!("couldn't parse the selector string \"{expr}\": {e}"),
            )
        }
    };
    let mut map = BTreeMap::new();
    let mut expressions = Vec::new();
    for r in reqs {
        match r {
            Requirement::Equals(k, v) => {
                map.insert(k, v);
            }
            Requirement::NotEquals(k, v) => expressions.push(format!("{{{k} NotIn [{v}]}}")),
            Requirement::In(k, vs) => expressions.push(format!("{{{k} In [{}]}}", vs.join(" "))),
            Requirement::NotIn(k, vs) => {
                expressions.push(format!("{{{k} NotIn [{}]}}", vs.join(" ")))
            }
            Requirement::Exists(k) => expressions.push(format!("{{{k} Exists []}}")),
            Requirement::DoesNotExist(k) => {
                expressions.push(format!("{{{k} DoesNotExist []}}"))
            }
            Requirement::GreaterThan(k, _) | Requirement::LessThan(k, _) => {
                return fail(
                    out,
                    &format!("couldn't parse the selector string \"{expr}\": {k:?} is not a valid label selector operator"),
                )
            }
        }
    }
    let obj = match one_target(ctx, a, target_words) {
        Ok(o) => o,
        Err(e) => {
            out.err(&format!("{e}\n"));
            return 1;
        }
    };
    let refn = ref_name(&obj);
    let Object::Service(mut svc) = obj else {
        return fail(out, "setting a selector is only supported for Services");
    };
    if !expressions.is_empty() {
        return fail(
            out,
            &format!(
                "match expression [{}] not supported on this object",
                expressions.join(" ")
            ),
        );
    }
    if let Some(spec) = Arc::make_mut(&mut svc).spec.as_mut() {
        spec.selector = (!map.is_empty()).then_some(map);
    }
    let dry = match dry_run_check(ctx.cluster, a, out) {
        Ok(d) => d,
        Err(e) => return fail(out, &e),
    };
    let obj = Object::Service(svc);
    let shown = (!matches!(printer, ObjPrinter::Message)).then(|| obj.to_read_json());
    match update_unless_dry(ctx, dry, obj) {
        Ok((_, suffix)) => {
            match shown {
                Some(json) => print_object(&printer, &refn, json, out),
                None => out.out(&format!("{refn} selector updated{suffix}\n")),
            }
            0
        }
        Err(e) => {
            out.err(&format!("{}\n", e.render(None)));
            1
        }
    }
}

pub const CONTEXT: &str = "kind-kubeplay";

pub fn config(ctx: &mut Ctx, a: &Args, out: &mut Output) -> i32 {
    let rest = a.rest(1);
    match rest.first().map(String::as_str) {
        Some("current-context") => {
            out.out(&format!("{CONTEXT}\n"));
            0
        }
        Some("set-context") => {
            if let Some(ns) = a.value(&["--namespace", "-n"]) {
                ctx.term.namespace = ns.to_string();
            }
            out.out(&format!("Context \"{CONTEXT}\" modified.\n"));
            0
        }
        Some("get-clusters") | Some("get-users") => {
            out.out(&format!("NAME\n{CONTEXT}\n"));
            0
        }
        Some("use-context") => match rest.get(1).map(String::as_str) {
            Some(CONTEXT) => {
                out.out(&format!("Switched to context \"{CONTEXT}\".\n"));
                0
            }
            Some(n) => fail(out, &format!("no context exists with the name: \"{n}\"")),
            None => fail(
                out,
                "Unexpected args: []\nSee 'kubectl config use-context -h' for help and examples",
            ),
        },
        Some("get-contexts") => {
            // kind's kubeconfig names no namespace until `set-context --namespace`
            // (the same rule as `config view` below).
            let ns = if ctx.term.namespace == "default" {
                ""
            } else {
                ctx.term.namespace.as_str()
            };
            out.out(&format!(
                "CURRENT   NAME            CLUSTER         AUTHINFO        NAMESPACE\n*         {CONTEXT}   {CONTEXT}   {CONTEXT}   {ns}\n"
            ));
            0
        }
        Some("view") => {
            if let Err(e) = obj_printer(a) {
                return fail(out, &e);
            }
            let ns_line = if ctx.term.namespace == "default" {
                String::new()
            } else {
                format!("    namespace: {}\n", ctx.term.namespace)
            };
            out.out(&format!(
                "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: DATA+OMITTED\n    server: https://127.0.0.1:6443\n  name: {CONTEXT}\ncontexts:\n- context:\n    cluster: {CONTEXT}\n{ns_line}    user: {CONTEXT}\n  name: {CONTEXT}\ncurrent-context: {CONTEXT}\nkind: Config\npreferences: {{}}\nusers:\n- name: {CONTEXT}\n  user:\n    client-certificate-data: DATA+OMITTED\n    client-key-data: DATA+OMITTED\n"
            ));
            0
        }
        _ => fail(out, "unknown config subcommand; try current-context, set-context --current --namespace=NS, get-contexts, view"),
    }
}

#[allow(dead_code)]
fn _unused(_: &ResourceType) {}

/// `kubectl edit TYPE NAME`: the object's YAML as `kubectl get -o yaml` prints it. In the
/// page (`Terminal::live`) it goes to the manifest editor (`Terminal::edit`), where Apply
/// sends it back; elsewhere no editor runs, so kubectl sees the file unchanged and prints
/// `Edit cancelled, no changes made.` (kubectl `pkg/cmd/util/editor/editoptions.go`).
pub fn edit(ctx: &mut Ctx, a: &Args, out: &mut Output) -> i32 {
    let words = a.rest(1);
    if words.is_empty() && a.values(&["-f", "--filename"]).is_empty() {
        out.err(&format!("{NO_RESOURCES}\n"));
        return 1;
    }
    let mut argv: Vec<String> = vec!["get".into()];
    argv.extend(words.iter().cloned());
    if let Some(ns) = a.value(&["-n", "--namespace"]) {
        argv.push(format!("--namespace={ns}"));
    }
    argv.extend(["-o".to_string(), "yaml".to_string()]);
    let get_args = match Args::parse(&argv) {
        Ok(g) => g,
        Err(e) => {
            out.err(&e.render());
            return 1;
        }
    };
    let mut yaml = Output::new();
    let code = super::get::get(ctx, &get_args, &mut yaml);
    if code != 0 {
        out.append(yaml);
        return code;
    }
    let mut text = String::new();
    for (stream, chunk) in yaml.chunks {
        match stream {
            crate::term::shell::Stream::Out => text.push_str(&chunk),
            crate::term::shell::Stream::Err => out.err(&chunk),
        }
    }
    if ctx.term.live {
        ctx.term.edit = Some(text);
    } else {
        out.err("Edit cancelled, no changes made.\n");
    }
    0
}

/// Go's `int32(strconv.Atoi(text))`, as kubectl run and expose read `--port`: the
/// error text is strconv's, and a number past int32 wraps as Go's conversion does.
pub(super) fn go_atoi_int32(text: &str) -> Result<i32, String> {
    use std::num::IntErrorKind;
    match text.parse::<i64>() {
        Ok(n) => Ok(n as i32),
        Err(e) => Err(match e.kind() {
            IntErrorKind::PosOverflow | IntErrorKind::NegOverflow => {
                format!("strconv.Atoi: parsing \"{text}\": value out of range")
            }
            _ => format!("strconv.Atoi: parsing \"{text}\": invalid syntax"),
        }),
    }
}
