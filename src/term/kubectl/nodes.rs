//! Node maintenance and metrics: `kubectl cordon`, `uncordon`, `drain` (kubectl
//! `pkg/cmd/drain/drain.go`, `pkg/drain/filters.go`) and `kubectl top` (kind runs no
//! metrics-server, so `pkg/cmd/top` stops at `Metrics API not available`).

use std::collections::BTreeMap;

use super::{fail, Args, Ctx};
use crate::api::{Object, Selector};
use crate::cluster::{Cluster, Key};
use crate::term::shell::Output;

/// `kubectl top pod|node`: the metrics.k8s.io group is not served without metrics-server
/// (`SupportedMetricsAPIVersionAvailable` fails before anything is listed).
pub fn top(_ctx: &mut Ctx, a: &Args, out: &mut Output) -> i32 {
    if let Some(s) = a.value(&["--sort-by"]) {
        if s != "cpu" && s != "memory" {
            return fail(out, "--sort-by accepts only cpu or memory");
        }
    }
    fail(out, "Metrics API not available")
}

/// The nodes a cordon/uncordon/drain names (`NODE...` or `-l`), or kubectl's error text.
fn nodes(c: &Cluster, a: &Args, verb: &str) -> Result<Vec<String>, String> {
    let words = a.rest(1);
    let selector = a.value(&["-l", "--selector"]);
    if words.is_empty() && selector.is_none() {
        return Err(format!(
            "error: USAGE: {verb} NODE [flags]\nSee 'kubectl {verb} -h' for help and examples"
        ));
    }
    if !words.is_empty() && selector.is_some() {
        return Err("error: cannot specify both a node name and a --selector option".to_string());
    }
    if let Some(sel) = selector {
        let sel = Selector::parse(sel).map_err(|e| format!("error: {e}"))?;
        let empty = BTreeMap::new();
        return Ok(c
            .store
            .list("Node")
            .filter(|n| sel.matches(n.labels().unwrap_or(&empty)))
            .map(|n| n.name().to_string())
            .collect());
    }
    let mut v = Vec::new();
    for w in words {
        let name = match w.split_once('/') {
            Some(("node" | "nodes" | "no", n)) => n,
            Some((t, _)) => {
                return Err(format!(
                    "error: the server doesn't have a resource type \"{t}\""
                ))
            }
            None => w.as_str(),
        };
        if c.store.get(&Key::new("Node", "", name)).is_none() {
            return Err(format!(
                "Error from server (NotFound): nodes \"{name}\" not found"
            ));
        }
        v.push(name.to_string());
    }
    Ok(v)
}

/// `--dry-run` suffix for the name printer.
fn dry_suffix(a: &Args) -> &'static str {
    match a.value(&["--dry-run"]) {
        Some("client" | "unchanged" | "true") => " (dry run)",
        Some("server") => " (server dry run)",
        _ => "",
    }
}

/// Sets `spec.unschedulable` and prints `node/NAME cordoned` (or `already cordoned`).
fn set_unschedulable(c: &mut Cluster, name: &str, desired: bool, dry: &str, out: &mut Output) {
    let Some(Object::Node(node)) = c.store.get(&Key::new("Node", "", name)).cloned() else {
        return;
    };
    let current = node.spec.as_ref().and_then(|s| s.unschedulable) == Some(true);
    let word = if desired { "cordoned" } else { "uncordoned" };
    if current == desired {
        out.out(&format!("node/{name} already {word}\n"));
        return;
    }
    if dry.is_empty() {
        let mut node = node;
        node.spec.get_or_insert_with(Default::default).unschedulable = desired.then_some(true);
        if let Err(e) = c.update(Object::Node(node)) {
            out.err(&format!(
                "error: unable to {} node \"{name}\": {}\n",
                word.trim_end_matches("ed"),
                e.render(None)
            ));
            return;
        }
    }
    out.out(&format!("node/{name} {word}{dry}\n"));
}

pub fn cordon(ctx: &mut Ctx, a: &Args, out: &mut Output, desired: bool) -> i32 {
    let verb = if desired { "cordon" } else { "uncordon" };
    let names = match nodes(ctx.cluster, a, verb) {
        Ok(n) => n,
        Err(e) => {
            out.err(&format!("{e}\n"));
            return 1;
        }
    };
    let dry = dry_suffix(a);
    for n in names {
        set_unschedulable(ctx.cluster, &n, desired, dry, out);
    }
    0
}

/// What drain does with one pod (`pkg/drain/filters.go`, filters in their order).
enum Verdict {
    Delete,
    Skip,
    Warn(&'static str),
    Error(&'static str),
}

fn verdict(c: &Cluster, pod: &Object, a: &Args) -> Verdict {
    let Object::Pod(p) = pod else {
        return Verdict::Skip;
    };
    let finished = matches!(
        p.status.as_ref().and_then(|s| s.phase.as_deref()),
        Some("Succeeded" | "Failed")
    );
    let controller = p
        .metadata
        .owner_references
        .iter()
        .flatten()
        .find(|o| o.controller == Some(true));
    if let Some(o) = controller.filter(|o| o.kind == "DaemonSet") {
        if !finished {
            let ds = Key::new("DaemonSet", pod.namespace(), &o.name);
            if c.store.get(&ds).is_some() {
                if !a.has(&["--ignore-daemonsets"]) {
                    return Verdict::Error(
                        "cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore)",
                    );
                }
                return Verdict::Warn("ignoring DaemonSet-managed Pods");
            }
        }
    }
    // Mirror pods (the control plane's static pods) cannot be deleted through the API.
    let mirror = p
        .metadata
        .annotations
        .as_ref()
        .is_some_and(|m| m.contains_key("kubernetes.io/config.mirror"))
        || (controller.is_none()
            && pod.namespace() == "kube-system"
            && pod.labels().and_then(|l| l.get("tier")).map(String::as_str)
                == Some("control-plane"));
    if mirror {
        return Verdict::Skip;
    }
    let emptydir = p
        .spec
        .as_ref()
        .and_then(|s| s.volumes.as_ref())
        .is_some_and(|vs| vs.iter().any(|v| v.empty_dir.is_some()));
    let mut warn = None;
    if emptydir && !finished {
        if !a.has(&["--delete-emptydir-data"]) {
            return Verdict::Error(
                "cannot delete Pods with local storage (use --delete-emptydir-data to override)",
            );
        }
        warn = Some("deleting Pods with local storage");
    }
    if controller.is_none() && !finished {
        if !a.has(&["--force"]) {
            return Verdict::Error(
                "cannot delete Pods that declare no controller (use --force to override)",
            );
        }
        warn = Some("deleting Pods that declare no controller");
    }
    match warn {
        Some(w) => Verdict::Warn(w),
        None => Verdict::Delete,
    }
}

/// `pods` grouped by message, as `PodDeleteList.errors()`/`Warnings()` join them.
fn grouped(items: &[(&'static str, String)]) -> Vec<String> {
    let mut by: Vec<(&str, Vec<&str>)> = Vec::new();
    for (msg, pod) in items {
        match by.iter_mut().find(|(m, _)| m == msg) {
            Some((_, v)) => v.push(pod),
            None => by.push((msg, vec![pod])),
        }
    }
    by.into_iter()
        .map(|(m, pods)| format!("{m}: {}", pods.join(", ")))
        .collect()
}

pub fn drain(ctx: &mut Ctx, a: &Args, out: &mut Output) -> i32 {
    let names = match nodes(ctx.cluster, a, "drain") {
        Ok(n) => n,
        Err(e) => {
            out.err(&format!("{e}\n"));
            return 1;
        }
    };
    let pod_selector = match a.value(&["--pod-selector"]).map(Selector::parse) {
        Some(Ok(s)) => Some(s),
        Some(Err(_)) => {
            return fail(
                out,
                "--pod-selector=<pod_selector> must be a valid label selector",
            )
        }
        None => None,
    };
    let dry = dry_suffix(a);
    let grace: Option<i64> = a
        .value(&["--grace-period"])
        .and_then(|g| g.parse::<i64>().ok())
        .filter(|g| *g >= 0);
    for n in &names {
        set_unschedulable(ctx.cluster, n, true, dry, out);
    }
    let empty = BTreeMap::new();
    let mut fatal: Vec<String> = Vec::new();
    let mut pending: Vec<String> = Vec::new();
    for node in &names {
        let pods: Vec<Object> = ctx
            .cluster
            .store
            .list("Pod")
            .filter(|p| match p {
                Object::Pod(p) => {
                    p.spec.as_ref().and_then(|s| s.node_name.as_deref()) == Some(node.as_str())
                }
                _ => false,
            })
            .filter(|p| {
                pod_selector
                    .as_ref()
                    .is_none_or(|s| s.matches(p.labels().unwrap_or(&empty)))
            })
            .cloned()
            .collect();
        let mut to_delete: Vec<Key> = Vec::new();
        let mut warnings = Vec::new();
        let mut errors = Vec::new();
        for p in &pods {
            let id = format!("{}/{}", p.namespace(), p.name());
            match verdict(ctx.cluster, p, a) {
                Verdict::Delete => to_delete.push(Key::of(p)),
                Verdict::Skip => {}
                Verdict::Warn(w) => {
                    warnings.push((w, id));
                    if w != "ignoring DaemonSet-managed Pods" {
                        to_delete.push(Key::of(p));
                    }
                }
                Verdict::Error(e) => errors.push((e, id)),
            }
        }
        if !errors.is_empty() {
            let errs = grouped(&errors);
            let joined = if errs.len() == 1 {
                errs[0].clone()
            } else {
                format!("[{}]", errs.join(", "))
            };
            out.err(&format!(
                "error: unable to drain node \"{node}\" due to error: {joined}, continuing command...\n"
            ));
            pending.push(node.clone());
            fatal.extend(errs);
            continue;
        }
        let warnings = grouped(&warnings);
        if !warnings.is_empty() {
            out.err(&format!("Warning: {}\n", warnings.join("; ")));
        }
        if !dry.is_empty() {
            for k in &to_delete {
                out.out(&format!("evicting pod {}/{}{dry}\n", k.namespace, k.name));
            }
            out.out(&format!("node/{node} drained{dry}\n"));
            continue;
        }
        // Eviction: a graceful delete of each pod, then kubectl waits until each is gone.
        for k in &to_delete {
            out.out(&format!("evicting pod {}/{}\n", k.namespace, k.name));
        }
        for k in &to_delete {
            ctx.cluster.delete_pod(k, grace);
        }
        ctx.cluster.reconcile();
        let mut left = to_delete;
        while !left.is_empty() {
            ctx.cluster
                .run_until(600_000, |c| left.iter().any(|k| !c.store.contains(k)));
            let (gone, still): (Vec<Key>, Vec<Key>) = left
                .into_iter()
                .partition(|k| !ctx.cluster.store.contains(k));
            if gone.is_empty() {
                break;
            }
            for k in &gone {
                out.out(&format!("pod/{} evicted\n", k.name));
            }
            left = still;
        }
        out.out(&format!("node/{node} drained\n"));
    }
    if !pending.is_empty() {
        out.err("There are pending nodes to be drained:\n");
        for n in &pending {
            out.err(&format!(" {n}\n"));
        }
        // cmdutil.CheckErr prints an aggregate without the `error: ` prefix.
        for e in &fatal {
            out.err(&format!("{e}\n"));
        }
        return 1;
    }
    0
}
