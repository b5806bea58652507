//! Node maintenance and metrics: `kubectl cordon`, `uncordon`, `drain` (kubectl
//! `pkg/cmd/drain/drain.go`, `pkg/drain/filters.go`) and `kubectl top` (kind runs no
//! metrics-server, so `pkg/cmd/top` stops at `Metrics API not available`), and `taint`.

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
        std::sync::Arc::make_mut(&mut node)
            .spec
            .get_or_insert_with(Default::default)
            .unschedulable = desired.then_some(true);
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

/// A `KEY[=VALUE]:EFFECT` argument (kubectl `pkg/cmd/taint/utils.go` parseTaint).
fn parse_taint(spec: &str) -> Result<(String, String, String), String> {
    let parts: Vec<&str> = spec.split(':').collect();
    let (kv, effect) = match parts.as_slice() {
        [k] => (*k, ""),
        [kv, e] => {
            if !matches!(*e, "NoSchedule" | "PreferNoSchedule" | "NoExecute") {
                return Err(format!(
                    "invalid taint effect: {e}, unsupported taint effect"
                ));
            }
            (*kv, *e)
        }
        _ => return Err(format!("invalid taint spec: {spec}")),
    };
    // Without an effect the whole word is the key (so `a=b` fails the key check).
    let (key, value) = match kv.split('=').collect::<Vec<_>>().as_slice() {
        _ if parts.len() == 1 => (kv.to_string(), String::new()),
        [k] => (k.to_string(), String::new()),
        [k, v] => (k.to_string(), v.to_string()),
        _ => return Err(format!("invalid taint spec: {spec}")),
    };
    let name = key.rsplit('/').next().unwrap_or("");
    let ok = !name.is_empty()
        && name.len() <= 63
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric());
    if !ok {
        return Err(format!("invalid taint spec: {spec}, name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"));
    }
    Ok((key, value, effect.to_string()))
}

/// `kubectl taint nodes NODE KEY=VALUE:EFFECT ... | KEY[:EFFECT]-` (kubectl
/// `pkg/cmd/taint/taint.go`: Complete, validateFlags, updateTaints, reorganizeTaints).
pub fn taint(ctx: &mut Ctx, a: &Args, out: &mut Output) -> i32 {
    use k8s_openapi::api::core::v1::Taint;
    let usage = |out: &mut Output, msg: &str| {
        out.err(&format!(
            "error: {msg}\nSee 'kubectl taint -h' for help and examples\n"
        ));
        1
    };
    let mut resources: Vec<&String> = Vec::new();
    let mut specs: Vec<&String> = Vec::new();
    for w in a.rest(1) {
        let is_taint = w.contains('=') || w.contains(':') || w.ends_with('-');
        if is_taint || !specs.is_empty() {
            if !is_taint {
                return fail(
                    out,
                    &format!("all resources must be specified before taint changes: {w}"),
                );
            }
            specs.push(w);
        } else {
            resources.push(w);
        }
    }
    if specs.is_empty() {
        return fail(out, "at least one taint update is required");
    }
    let mut add: Vec<Taint> = Vec::new();
    let mut remove: Vec<(String, String)> = Vec::new();
    for s in &specs {
        if let Some(r) = s.strip_suffix('-') {
            match parse_taint(r) {
                Ok((k, _, e)) => remove.push((k, e)),
                Err(e) => return usage(out, &e),
            }
        } else {
            match parse_taint(s) {
                Ok((_, _, e)) if e.is_empty() => {
                    return usage(out, &format!("invalid taint spec: {s}"))
                }
                Ok((key, value, effect)) => add.push(Taint {
                    key,
                    value: (!value.is_empty()).then_some(value),
                    effect,
                    time_added: None,
                }),
                Err(e) => return usage(out, &e),
            }
        }
    }
    let both: Vec<String> = add
        .iter()
        .filter(|t| remove.iter().any(|(k, _)| *k == t.key))
        // taint.go validateFlags names the removed taint, which has no value.
        .map(|t| format!("{}=", t.key))
        .collect();
    if !both.is_empty() {
        return fail(
            out,
            &format!(
                "can not both modify and remove the following taint(s) in the same command: {}",
                both.join(", ")
            ),
        );
    }
    // `nodes NAME...` or `node/NAME`.
    let mut names: Vec<String> = Vec::new();
    let mut kind_given = false;
    for w in &resources {
        let (t, n) = match w.split_once('/') {
            Some((t, n)) => (t, Some(n)),
            None if !kind_given => (w.as_str(), None),
            None => ("node", Some(w.as_str())),
        };
        if !matches!(t, "node" | "nodes" | "no") {
            return fail(
                out,
                &format!("invalid resource type {t}, only node types are supported"),
            );
        }
        match n {
            Some(n) => names.push(n.to_string()),
            None => kind_given = true,
        }
    }
    if names.is_empty() {
        return usage(
            out,
            "at least one resource name must be specified since 'all' parameter is not set",
        );
    }
    let overwrite = a.has(&["--overwrite"]);
    for name in names {
        let Some(Object::Node(mut node)) =
            ctx.cluster.store.get(&Key::new("Node", "", &name)).cloned()
        else {
            out.err(&format!(
                "Error from server (NotFound): nodes \"{name}\" not found\n"
            ));
            return 1;
        };
        let old: Vec<Taint> = node
            .spec
            .as_ref()
            .and_then(|s| s.taints.clone())
            .unwrap_or_default();
        let same = |x: &Taint, y: &Taint| x.key == y.key && x.effect == y.effect;
        if !overwrite {
            let exists: Vec<&str> = add
                .iter()
                .filter(|t| old.iter().any(|o| same(o, t)))
                .map(|t| t.key.as_str())
                .collect();
            if !exists.is_empty() {
                return fail(out, &format!("node {name} already has {} taint(s) with same effect(s) and --overwrite is false", exists.join(",")));
            }
        }
        let mut new = add.clone();
        for o in &old {
            if !new.iter().any(|t| same(t, o)) {
                new.push(o.clone());
            }
        }
        let added = old.len() != new.len();
        let mut deleted = false;
        for (k, e) in &remove {
            let before = new.len();
            new.retain(|t| !(t.key == *k && (e.is_empty() || t.effect == *e)));
            if new.len() == before {
                let shown = if e.is_empty() {
                    k.clone()
                } else {
                    format!("{k}:{e}")
                };
                return fail(out, &format!("taint \"{shown}\" not found"));
            }
            deleted = true;
        }
        let op = if (added && deleted) || overwrite {
            "modified"
        } else if added {
            "tainted"
        } else {
            "untainted"
        };
        std::sync::Arc::make_mut(&mut node)
            .spec
            .get_or_insert_with(Default::default)
            .taints = (!new.is_empty()).then_some(new);
        let dry = dry_suffix(a);
        if dry.is_empty() {
            if let Err(e) = ctx.cluster.update(Object::Node(node)) {
                out.err(&format!("{}\n", e.render(None)));
                return 1;
            }
        }
        out.out(&format!("node/{name} {op}{dry}\n"));
    }
    0
}
