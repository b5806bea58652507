//! kubectl v1.33, as far as a Services lesson needs it, printing what the real
//! client prints (REFERENCE.md sections 1 and 8).

pub mod args;
pub mod debug;
pub mod describe;
pub mod diff;
pub mod exec;
pub mod explain;
pub mod expose;
pub mod flagset;
pub mod get;
mod group_help;
pub mod more;
pub mod mutate;
pub mod nodes;
pub mod printers;
pub mod raw;
pub mod stream;
pub mod wait;

use super::shell::Output;
use super::Terminal;
use crate::api::{kinds, Object, ResourceType};
use crate::cluster::{Cluster, Key};
pub use args::Args;
pub use mutate::end_run_session;

/// Whether a container command is a bare shell, which an attached terminal types into
/// (`kubectl run -it ... -- sh`, `kubectl debug -it`).
fn is_interactive_shell(cmd: &[String]) -> bool {
    matches!(
        cmd.iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .as_slice(),
        ["sh" | "/bin/sh" | "ash" | "/bin/ash" | "bash" | "/bin/bash"]
    )
}

/// Everything a kubectl command works with.
pub struct Ctx<'a> {
    pub cluster: &'a mut Cluster,
    pub term: &'a mut Terminal,
    pub stdin: &'a str,
}

impl Ctx<'_> {
    /// Whether `timeout` has ended the command: its deadline has come. A blocking
    /// command then returns at once, printing nothing more (it was killed).
    pub fn killed(&self) -> bool {
        self.term.kill_at.is_some_and(|t| self.cluster.now >= t)
    }

    /// `-n NS`, else the context's namespace.
    pub fn namespace(&self, a: &Args) -> String {
        a.value(&["-n", "--namespace"])
            .map(str::to_string)
            .unwrap_or_else(|| self.term.namespace.clone())
    }
}

/// Writes a kubectl-side error (`error: ...`) and returns exit code 1.
pub fn fail(out: &mut Output, msg: &str) -> i32 {
    out.err(&format!("error: {msg}\n"));
    1
}

pub fn run(ctx: &mut Ctx, argv: &[String], out: &mut Output) -> i32 {
    let code = run_command(ctx, argv, out);
    // A full store fails writes as a full etcd does; the page says why.
    if code != 0 && ctx.cluster.store.len() >= crate::cluster::store::MAX_OBJECTS {
        ctx.term.notice = Some(format!(
            "The simulated cluster holds at most {} objects and is full: writes fail the way a real API server fails when etcd is out of space. Delete something (kubectl delete deployment ...) to make room.",
            crate::cluster::store::MAX_OBJECTS
        ));
    }
    code
}

fn run_command(ctx: &mut Ctx, argv: &[String], out: &mut Output) -> i32 {
    // `kubectl help [COMMAND...]` (cobra's help command) is `kubectl COMMAND --help`.
    if argv.first().map(String::as_str) == Some("help") {
        let mut rest = argv[1..].to_vec();
        rest.push("--help".into());
        return run_command(ctx, &rest, out);
    }
    let a = match Args::parse(argv) {
        Ok(a) => a,
        Err(e) => {
            // diff.go's flag error function: a usage error, exit 2 (1 means "differs").
            if let args::ParseError::Flag { msg, cmd } = &e {
                if cmd == "kubectl diff" {
                    out.err(&format!(
                        "error: {msg}\nSee 'kubectl diff -h' for help and examples\n"
                    ));
                    return 2;
                }
            }
            out.err(&e.render());
            return 1;
        }
    };
    out.err(&a.deprecation_notices());
    let cmd = a.cmd();
    if a.has(&["-h", "--help"]) {
        out.out(&if a.path.is_empty() {
            USAGE.to_string()
        } else if let Some((text, ..)) = group_help::group_help(a.path) {
            text.to_string()
        } else {
            cmd.help()
        });
        return 0;
    }
    let Some(verb) = a.positional.first().cloned() else {
        out.out(USAGE);
        return 0;
    };
    // Commands that only group subcommands (cmdutil.DefaultSubCommandRun).
    if matches!(
        a.path,
        "rollout"
            | "config"
            | "set"
            | "create service"
            | "create secret"
            | "top"
            | "auth"
            | "certificate"
            | "plugin"
    ) {
        let words = a.rest(a.path_len);
        if !words.is_empty() {
            return fail(
                out,
                &format!(
                    "unknown command \"{}\"\nSee '{} -h' for help and examples",
                    words.join(" "),
                    cmd.full_name()
                ),
            );
        }
        if let Some((text, to_stderr, code)) = group_help::group_help(a.path) {
            if to_stderr {
                out.err(text);
            } else {
                out.out(text);
            }
            return code;
        }
        out.out(&cmd.help());
        return 1;
    }
    // clientcmd checks --request-timeout when it builds the client (not for `config`).
    if verb != "config" {
        if let Err(e) = get::request_timeout(&a) {
            return fail(out, &e);
        }
    }
    match verb.as_str() {
        "get" => get::get(ctx, &a, out),
        "describe" => describe::describe(ctx, &a, out),
        "apply" => mutate::apply(ctx, &a, out),
        "create" => mutate::create(ctx, &a, out),
        "delete" => mutate::delete(ctx, &a, out),
        "run" => mutate::run(ctx, &a, out),
        "expose" => expose::expose(ctx, &a, out),
        "scale" => mutate::scale(ctx, &a, out),
        "label" => mutate::label(ctx, &a, out, "labels"),
        "annotate" => mutate::label(ctx, &a, out, "annotations"),
        "patch" => mutate::patch(ctx, &a, out),
        "set" => mutate::set(ctx, &a, out),
        "edit" => mutate::edit(ctx, &a, out),
        "rollout" => wait::rollout(ctx, &a, out),
        "wait" => wait::wait(ctx, &a, out),
        "exec" => exec::exec(ctx, &a, out),
        "logs" => exec::logs(ctx, &a, out),
        "port-forward" => exec::port_forward(ctx, &a, out),
        "config" => mutate::config(ctx, &a, out),
        "version" => {
            // kubectl `pkg/cmd/version/version.go` Validate.
            if !matches!(a.value(&["-o", "--output"]), None | Some("yaml" | "json")) {
                return fail(out, "--output must be 'yaml' or 'json'");
            }
            out.out("Client Version: v1.33.1\nKustomize Version: v5.6.0\n");
            if !a.has(&["--client"]) {
                out.out("Server Version: v1.33.1\n");
            }
            0
        }
        "cluster-info" => {
            out.out("\u{1b}[0;32mKubernetes control plane\u{1b}[0m is running at \u{1b}[0;33mhttps://127.0.0.1:6443\u{1b}[0m\n\u{1b}[0;32mCoreDNS\u{1b}[0m is running at \u{1b}[0;33mhttps://127.0.0.1:6443/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\u{1b}[0m\n\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n");
            0
        }
        "api-resources" => get::api_resources(ctx, &a, out),
        "explain" => explain::explain(ctx, &a, out),
        "top" => nodes::top(ctx, &a, out),
        "cordon" => nodes::cordon(ctx, &a, out, true),
        "uncordon" => nodes::cordon(ctx, &a, out, false),
        "drain" => nodes::drain(ctx, &a, out),
        "taint" => nodes::taint(ctx, &a, out),
        "replace" => more::replace(ctx, &a, out),
        "auth" => more::auth(ctx, &a, out),
        "debug" => debug::debug(ctx, &a, out),
        _ => more::other(ctx, &a, out),
    }
}

const USAGE: &str = "kubectl controls the Kubernetes cluster manager.\n\n Find more information at: https://kubernetes.io/docs/reference/kubectl/\n\nBasic Commands (Beginner):\n  create          Create a resource from a file or from stdin\n  expose          Take a replication controller, service, deployment or pod and expose it as a new Kubernetes service\n  run             Run a particular image on the cluster\n  set             Set specific features on objects\n\nBasic Commands (Intermediate):\n  explain         Get documentation for a resource\n  get             Display one or many resources\n  edit            Edit a resource on the server\n  delete          Delete resources by file names, stdin, resources and names, or by resources and label selector\n\nDeploy Commands:\n  rollout         Manage the rollout of a resource\n  scale           Set a new size for a deployment, replica set, or replication controller\n  autoscale       Auto-scale a deployment, replica set, stateful set, or replication controller\n\nCluster Management Commands:\n  certificate     Modify certificate resources\n  cluster-info    Display cluster information\n  top             Display resource (CPU/memory) usage\n  cordon          Mark node as unschedulable\n  uncordon        Mark node as schedulable\n  drain           Drain node in preparation for maintenance\n  taint           Update the taints on one or more nodes\n\nTroubleshooting and Debugging Commands:\n  describe        Show details of a specific resource or group of resources\n  logs            Print the logs for a container in a pod\n  attach          Attach to a running container\n  exec            Execute a command in a container\n  port-forward    Forward one or more local ports to a pod\n  proxy           Run a proxy to the Kubernetes API server\n  cp              Copy files and directories to and from containers\n  auth            Inspect authorization\n  debug           Create debugging sessions for troubleshooting workloads and nodes\n  events          List events\n\nAdvanced Commands:\n  diff            Diff the live version against a would-be applied version\n  apply           Apply a configuration to a resource by file name or stdin\n  patch           Update fields of a resource\n  replace         Replace a resource by file name or stdin\n  wait            Experimental: Wait for a specific condition on one or many resources\n  kustomize       Build a kustomization target from a directory or URL\n\nSettings Commands:\n  label           Update the labels on a resource\n  annotate        Update the annotations on a resource\n  completion      Output shell completion code for the specified shell (bash, zsh, fish, or powershell)\n\nSubcommands provided by plugins:\n\nOther Commands:\n  api-resources   Print the supported API resources on the server\n  api-versions    Print the supported API versions on the server, in the form of \"group/version\"\n  config          Modify kubeconfig files\n  plugin          Provides utilities for interacting with plugins\n  version         Print the client and server version information\n\nUsage:\n  kubectl [flags] [options]\n\nUse \"kubectl <command> --help\" for more information about a given command.\nUse \"kubectl options\" for a list of global command-line options (applies to all commands).\n";

/// One resolved target of a command: a resource type and, optionally, a name.
#[derive(Debug, Clone)]
pub struct Target {
    pub rt: &'static ResourceType,
    pub name: Option<String>,
}

/// Parses `TYPE`, `TYPE NAME...`, `TYPE/NAME ...`, `TYPE1,TYPE2` (and `all`) the way kubectl's
/// resource builder does. Errors are kubectl's (`the server doesn't have a resource type "svcs"`).
pub fn parse_targets(words: &[String]) -> Result<Vec<Target>, String> {
    let mut out = Vec::new();
    if words.is_empty() {
        return Ok(out);
    }
    if words.iter().any(|w| w.contains('/')) {
        for w in words {
            let Some((t, n)) = w.split_once('/') else {
                return Err("there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'".into());
            };
            let rt = lookup_type(t)?;
            out.push(Target {
                rt,
                name: Some(n.to_string()),
            });
        }
        return Ok(out);
    }
    let types: Vec<&'static ResourceType> = expand_types(&words[0])?;
    let names = &words[1..];
    if names.is_empty() {
        for rt in types {
            out.push(Target { rt, name: None });
        }
    } else {
        for rt in &types {
            for n in names {
                out.push(Target {
                    rt,
                    name: Some(n.clone()),
                });
            }
        }
    }
    Ok(out)
}

fn lookup_type(t: &str) -> Result<&'static ResourceType, String> {
    kinds::lookup(t).ok_or_else(|| format!("the server doesn't have a resource type \"{t}\""))
}

/// `deploy,svc` and `all` (pods, services, daemonsets, deployments, replicasets, statefulsets,
/// horizontalpodautoscalers, cronjobs, jobs: the `all` category in discovery order, batch/v1
/// listing cronjobs first).
pub fn expand_types(spec: &str) -> Result<Vec<&'static ResourceType>, String> {
    let mut v = Vec::new();
    for t in spec.split(',').filter(|s| !s.is_empty()) {
        if t == "all" {
            for k in [
                "Pod",
                "Service",
                "DaemonSet",
                "Deployment",
                "ReplicaSet",
                "StatefulSet",
                "HorizontalPodAutoscaler",
                "CronJob",
                "Job",
            ] {
                if let Some(rt) = kinds::by_kind_name(k) {
                    v.push(rt);
                }
            }
        } else {
            v.push(lookup_type(t)?);
        }
    }
    Ok(v)
}

/// Objects of a type in a namespace ("" = all namespaces for namespaced types).
pub fn list_objects<'a>(
    c: &'a Cluster,
    rt: &'static ResourceType,
    ns: Option<&str>,
) -> Vec<&'a Object> {
    let all: Vec<&Object> = c.store.list(rt.kind).collect();
    match (rt.namespaced, ns) {
        (true, Some(ns)) => all.into_iter().filter(|o| o.namespace() == ns).collect(),
        _ => all,
    }
}

pub fn find<'a>(
    c: &'a Cluster,
    rt: &'static ResourceType,
    ns: &str,
    name: &str,
) -> Option<&'a Object> {
    let ns = if rt.namespaced { ns } else { "" };
    c.store.get(&Key::new(rt.kind, ns, name))
}

/// `Error from server (NotFound): pods "x" not found`.
pub fn not_found(rt: &ResourceType, name: &str) -> String {
    format!(
        "Error from server (NotFound): {} \"{name}\" not found",
        rt.qualified_plural()
    )
}

/// The deprecation warning the v1.33 API server attaches to every v1 Endpoints read or write.
pub const ENDPOINTS_WARNING: &str =
    "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n";
