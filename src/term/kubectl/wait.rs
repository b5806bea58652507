//! Commands that block until the cluster reaches a state (`kubectl wait`, `rollout
//! status`) fast-forward the simulated clock until it does, and the rollout verbs.

use std::collections::BTreeMap;

const CHANGE_CAUSE: &str = "kubernetes.io/change-cause";

use super::mutate::ref_name;
use super::{fail, find, list_objects, not_found, parse_targets, Args, Ctx};
use crate::api::{Object, ResourceType, Selector};
use crate::cluster::controllers::REVISION;
use crate::cluster::{Cluster, Key, Millis};
use crate::term::shell::Output;
use k8s_openapi::api::core::v1::PodTemplateSpec;

/// `30s`, `1m`, `2m30s`, `500ms`, `0` (Go durations as kubectl flags take them).
pub fn parse_duration(s: &str) -> Option<Millis> {
    if let Ok(n) = s.parse::<f64>() {
        return Some((n * 1000.0) as Millis);
    }
    let mut total = 0f64;
    let mut num = String::new();
    let mut chars = s.chars().peekable();
    while let Some(ch) = chars.next() {
        if ch.is_ascii_digit() || ch == '.' {
            num.push(ch);
            continue;
        }
        let mut unit = ch.to_string();
        if ch == 'm' && chars.peek() == Some(&'s') {
            unit.push('s');
            chars.next();
        }
        let n: f64 = num.parse().ok()?;
        num.clear();
        total += n * match unit.as_str() {
            "ms" => 0.001,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
    }
    if !num.is_empty() {
        return None;
    }
    Some((total * 1000.0) as Millis)
}

fn condition_status(obj: &Object, cond: &str) -> Option<String> {
    let v = obj.to_json();
    let conds = v.get("status")?.get("conditions")?.as_array()?;
    conds
        .iter()
        .find(|c| {
            c.get("type")
                .and_then(|t| t.as_str())
                .is_some_and(|t| t.eq_ignore_ascii_case(cond))
        })
        .and_then(|c| c.get("status")?.as_str().map(str::to_string))
}

/// A tiny JSONPath for `--for=jsonpath='{.status.phase}'=Running`.
fn jsonpath_value(obj: &Object, path: &str) -> Option<String> {
    let p = path
        .trim_matches('\'')
        .trim_start_matches('{')
        .trim_end_matches('}');
    let mut v = obj.to_json();
    for part in p.trim_start_matches('.').split('.') {
        if part.is_empty() {
            continue;
        }
        let (name, idx) = match part.split_once('[') {
            Some((n, rest)) => (n, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (part, None),
        };
        v = v.get(name)?.clone();
        if let Some(i) = idx {
            v = v.get(i)?.clone();
        }
    }
    Some(match v {
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    })
}

pub fn wait(ctx: &mut Ctx, a: &Args, out: &mut Output) -> i32 {
    let Some(for_) = a.value(&["--for"]).map(str::to_string) else {
        // kubectl 1.33: an empty condition is rejected as unrecognized.
        return fail(out, "unrecognized condition: \"\"");
    };
    let timeout = match a.value(&["--timeout"]) {
        Some(t) => match parse_duration(t) {
            Some(ms) => ms,
            None => return fail(out, &format!("invalid argument \"{t}\" for \"--timeout\" flag: time: invalid duration \"{t}\"")),
        },
        None => 30_000,
    };
    let ns = ctx.namespace(a);
    let targets = match parse_targets(a.rest(1)) {
        Ok(t) => t,
        Err(e) => return fail(out, &e),
    };
    if targets.is_empty() {
        return fail(out, "resource(s) were provided, but no name was specified");
    }
    let sel_text = a.value(&["-l", "--selector"]);
    let sel = match sel_text.map(Selector::parse).transpose() {
        Ok(s) => s,
        // The selector goes to the API server with the first list, which refuses it
        // (cli-runtime's selector visitor words the BadRequest, as for get).
        Err(e) => {
            let listed = targets
                .iter()
                .find(|t| t.name.is_none())
                .unwrap_or(&targets[0]);
            let text = sel_text.unwrap_or_default();
            out.err(&format!(
                "{}\n",
                super::get::bad_selector(listed.rt, text, "", &e)
            ));
            return 1;
        }
    };
    let all = a.has(&["--all"]);
    let mut keys: Vec<(Key, String)> = Vec::new();
    for t in &targets {
        match &t.name {
            Some(n) => {
                let key = Key::new(t.rt.kind, if t.rt.namespaced { &ns } else { "" }, n);
                match ctx.cluster.store.get(&key) {
                    Some(o) => keys.push((key, ref_name(o))),
                    None if for_ == "delete" => {}
                    None => {
                        out.err(&format!("{}\n", not_found(t.rt, n)));
                        return 1;
                    }
                }
            }
            None => {
                if sel.is_none() && !all {
                    return fail(out, "resource(s) were provided, but no name was specified");
                }
                for o in list_objects(ctx.cluster, t.rt, Some(&ns)) {
                    if sel
                        .as_ref()
                        .is_none_or(|s| s.matches(o.labels().unwrap_or(&BTreeMap::new())))
                    {
                        keys.push((Key::of(o), ref_name(o)));
                    }
                }
            }
        }
    }
    if keys.is_empty() {
        out.err("error: no matching resources found\n");
        return 1;
    }
    let check: Box<dyn Fn(&Cluster, &Key) -> bool> = if for_ == "delete" {
        Box::new(|c: &Cluster, k: &Key| !c.store.contains(k))
    } else if let Some(cond) = for_.strip_prefix("condition=") {
        let (name, want) = match cond.split_once('=') {
            Some((n, v)) => (n.to_string(), v.to_string()),
            None => (cond.to_string(), "True".to_string()),
        };
        Box::new(move |c: &Cluster, k: &Key| {
            c.store
                .get(k)
                .and_then(|o| condition_status(o, &name))
                .is_some_and(|s| s.eq_ignore_ascii_case(&want))
        })
    } else if let Some(jp) = for_.strip_prefix("jsonpath=") {
        let (path, want) = match jp.rsplit_once('=') {
            Some((p, _)) if !p.ends_with('}') && !p.ends_with("}'") => (jp.to_string(), None),
            Some((p, v)) => (p.to_string(), Some(v.to_string())),
            None => (jp.to_string(), None),
        };
        Box::new(move |c: &Cluster, k: &Key| {
            c.store
                .get(k)
                .and_then(|o| jsonpath_value(o, &path))
                .is_some_and(|v| want.as_ref().is_none_or(|w| *w == v))
        })
    } else {
        return fail(out, &format!("unrecognized condition: \"{for_}\""));
    };
    let mut code = 0;
    for (key, refn) in keys {
        let met = ctx.cluster.run_until(timeout, |c| check(c, &key));
        if !met && ctx.killed() {
            return 124;
        }
        if met {
            out.out(&format!("{refn} condition met\n"));
        } else {
            let plural = crate::api::kinds::by_kind_name(key.kind)
                .map(|t| t.qualified_plural())
                .unwrap_or_default();
            out.err(&format!(
                "error: timed out waiting for the condition on {plural}/{}\n",
                key.name
            ));
            code = 1;
        }
    }
    code
}

/// How long `rollout status` without `--timeout` (which waits for ever) runs the clock:
/// past the progress deadline (progress.go), after which a stalled rollout has failed,
/// and at least 10 minutes.
fn unbounded_status_wait(obj: &Object) -> i64 {
    let deadline = match obj {
        Object::Deployment(d) => crate::cluster::deployment_util::progress_deadline(d),
        _ => None,
    };
    let deadline_ms = deadline.map_or(0, |s| (i64::from(s) + 60) * 1000);
    deadline_ms.max(600_000)
}

/// The message kubectl's DeploymentStatusViewer prints (rollout_status.go), and whether
/// the rollout is done; a rollout past its progress deadline is an error.
fn deployment_status(obj: &Object) -> Result<(String, bool), String> {
    let Object::Deployment(d) = obj else {
        return Ok((String::new(), true));
    };
    let name = d.metadata.name.clone().unwrap_or_default();
    let spec_replicas = d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
    let st = d.status.clone().unwrap_or_default();
    if d.metadata.generation.unwrap_or(0) > st.observed_generation.unwrap_or(0) {
        return Ok((
            "Waiting for deployment spec update to be observed...\n".into(),
            false,
        ));
    }
    let timed_out = st.conditions.iter().flatten().any(|c| {
        c.type_ == "Progressing" && c.reason.as_deref() == Some("ProgressDeadlineExceeded")
    });
    if timed_out {
        return Err(format!(
            "deployment \"{name}\" exceeded its progress deadline"
        ));
    }
    let updated = st.updated_replicas.unwrap_or(0);
    let replicas = st.replicas.unwrap_or(0);
    let available = st.available_replicas.unwrap_or(0);
    let waiting = |what: String| {
        Ok((
            format!("Waiting for deployment \"{name}\" rollout to finish: {what}...\n"),
            false,
        ))
    };
    if updated < spec_replicas {
        return waiting(format!(
            "{updated} out of {spec_replicas} new replicas have been updated"
        ));
    }
    if replicas > updated {
        return waiting(format!(
            "{} old replicas are pending termination",
            replicas - updated
        ));
    }
    if available < updated {
        return waiting(format!(
            "{available} of {updated} updated replicas are available"
        ));
    }
    Ok((
        format!("deployment \"{name}\" successfully rolled out\n"),
        true,
    ))
}

/// kubectl polymorphichelpers/rollout_status.go StatefulSetStatusViewer. The API
/// server defaults updateStrategy to RollingUpdate with partition 0, so a StatefulSet
/// that set none ends in "partitioned roll out complete".
/// kubectl polymorphichelpers/rollout_status.go DaemonSetStatusViewer (DaemonSets are
/// stored as JSON).
fn daemonset_status(obj: &Object) -> Result<(String, bool), String> {
    let Object::Generic(ds) = obj else {
        return Ok((String::new(), true));
    };
    let name = ds.metadata.name.clone().unwrap_or_default();
    let status = ds.body.get("status");
    let field = |k: &str| {
        status
            .and_then(|s| s.get(k))
            .and_then(serde_json::Value::as_i64)
            .unwrap_or(0)
    };
    let strategy_type = ds
        .body
        .get("spec")
        .and_then(|s| s.get("updateStrategy"))
        .and_then(|s| s.get("type"))
        .and_then(|t| t.as_str())
        .unwrap_or("RollingUpdate");
    if strategy_type != "RollingUpdate" {
        return Err("rollout status is only available for RollingUpdate strategy type".into());
    }
    if ds.metadata.generation.unwrap_or(0) > field("observedGeneration") {
        return Ok((
            "Waiting for daemon set spec update to be observed...\n".into(),
            false,
        ));
    }
    let desired = field("desiredNumberScheduled");
    let updated = field("updatedNumberScheduled");
    if updated < desired {
        return Ok((
            format!("Waiting for daemon set \"{name}\" rollout to finish: {updated} out of {desired} new pods have been updated...\n"),
            false,
        ));
    }
    let available = field("numberAvailable");
    if available < desired {
        return Ok((
            format!("Waiting for daemon set \"{name}\" rollout to finish: {available} of {desired} updated pods are available...\n"),
            false,
        ));
    }
    Ok((
        format!("daemon set \"{name}\" successfully rolled out\n"),
        true,
    ))
}

fn statefulset_status(obj: &Object) -> Result<(String, bool), String> {
    let Object::Generic(set) = obj else {
        return Ok((String::new(), true));
    };
    let num = |v: Option<&serde_json::Value>| v.and_then(|v| v.as_i64());
    let spec = set.body.get("spec");
    let status = set.body.get("status");
    let field = |k: &str| num(status.and_then(|s| s.get(k))).unwrap_or(0);
    let strategy = spec.and_then(|s| s.get("updateStrategy"));
    let strategy_type = strategy
        .and_then(|s| s.get("type"))
        .and_then(|t| t.as_str())
        .unwrap_or("RollingUpdate");
    if strategy_type != "RollingUpdate" {
        return Err("rollout status is only available for RollingUpdate strategy type".into());
    }
    let observed = field("observedGeneration");
    if observed == 0 || set.metadata.generation.unwrap_or(0) > observed {
        return Ok((
            "Waiting for statefulset spec update to be observed...\n".into(),
            false,
        ));
    }
    let replicas = num(spec.and_then(|s| s.get("replicas"))).unwrap_or(1);
    let ready = field("readyReplicas");
    if ready < replicas {
        return Ok((
            format!("Waiting for {} pods to be ready...\n", replicas - ready),
            false,
        ));
    }
    let partition = num(strategy
        .and_then(|s| s.get("rollingUpdate"))
        .and_then(|r| r.get("partition")))
    .unwrap_or(0);
    let updated = field("updatedReplicas");
    if updated < replicas - partition {
        return Ok((format!("Waiting for partitioned roll out to finish: {updated} out of {} new pods have been updated...\n", replicas - partition), false));
    }
    Ok((
        format!("partitioned roll out complete: {updated} new pods have been updated...\n"),
        true,
    ))
}

/// The annotation `kubectl rollout restart` stamps on a pod template.
const RESTARTED_AT: &str = "kubectl.kubernetes.io/restartedAt";

/// `Kind.group` (schema.GroupKind's String), `Kind` for the core group.
fn group_kind(rt: &ResourceType) -> String {
    match rt.group {
        "" => rt.kind.to_string(),
        group => format!("{}.{group}", rt.kind),
    }
}

/// Whether kubectl's GroupKindElement.Accept has a visit method for the kind
/// (kubectl pkg/apps/kind_visitor.go).
fn kind_visitable(rt: &ResourceType) -> bool {
    matches!(
        (rt.group, rt.kind),
        (
            "apps",
            "DaemonSet" | "Deployment" | "ReplicaSet" | "StatefulSet"
        ) | ("batch", "Job" | "CronJob")
            | ("", "Pod" | "ReplicationController")
    )
}

/// The error kubectl's rollout helpers give a kind they do not handle (verified with
/// kubectl 1.33): objectpauser/objectresumer/objectrestarter (rollout_pause.go,
/// rollout_resume.go, rollout_restart.go), HistoryViewerFor and RollbackerFor, whose
/// visitor has no method for most kinds, and StatusViewerFor.
fn rollout_unsupported(sub: &str, rt: &ResourceType, name: &str) -> Option<String> {
    let apps_workload = matches!(rt.kind, "Deployment" | "StatefulSet" | "DaemonSet");
    let gk = group_kind(rt);
    match sub {
        "pause" | "resume" | "restart" if rt.kind != "Deployment" => {
            if sub == "restart" && apps_workload {
                return None;
            }
            let verb = match sub {
                "pause" => "pausing",
                "resume" => "resuming",
                _ => "restarting",
            };
            Some(format!(
                "{} \"{name}\" {verb} is not supported",
                rt.qualified_plural()
            ))
        }
        "history" | "undo" if !apps_workload => {
            let (what, helper) = match sub {
                "history" => ("history", "history viewer"),
                _ => ("rollbacker", "rollbacker"),
            };
            Some(if kind_visitable(rt) {
                format!("no {helper} has been implemented for \"{gk}\"")
            } else {
                format!(
                    "error retrieving {what} for \"{gk}\", no visitor method exists for {{{} {}}}",
                    rt.group, rt.kind
                )
            })
        }
        "status" if !apps_workload => {
            Some(format!("no status viewer has been implemented for {gk}"))
        }
        _ => None,
    }
}

pub fn rollout(ctx: &mut Ctx, a: &Args, out: &mut Output) -> i32 {
    let sub = a.rest(1).first().cloned().unwrap_or_default();
    let words = a.rest(2).to_vec();
    let ns = ctx.namespace(a);
    let targets = match parse_targets(&words) {
        Ok(t) => t,
        Err(e) => return fail(out, &e),
    };
    let Some(t) = targets.first() else {
        return fail(out, "required resource not specified");
    };
    let Some(name) = t.name.clone() else {
        return fail(out, "required resource not specified");
    };
    // The builder reads the object before any rollout helper looks at its kind.
    let Some(obj) = find(ctx.cluster, t.rt, &ns, &name).cloned() else {
        out.err(&format!("{}\n", not_found(t.rt, &name)));
        return 1;
    };
    if let Some(e) = rollout_unsupported(&sub, t.rt, &name) {
        return fail(out, &e);
    }
    let is_statefulset = t.rt.kind == "StatefulSet";
    let is_daemonset = t.rt.kind == "DaemonSet";
    if t.rt.kind != "Deployment"
        && !((is_statefulset || is_daemonset) && matches!(sub.as_str(), "status" | "restart"))
    {
        return fail(
            out,
            &format!("no status viewer has been implemented for {}", t.rt.kind),
        );
    }
    let key = Key::of(&obj);
    match sub.as_str() {
        "status" => {
            let asked = a
                .value(&["--timeout"])
                .and_then(parse_duration)
                .filter(|t| *t > 0);
            let timeout = asked.unwrap_or_else(|| unbounded_status_wait(&obj));
            let mut last = String::new();
            let deadline = ctx.cluster.now + timeout;
            loop {
                let Some(obj) = ctx.cluster.store.get(&key).cloned() else {
                    out.err(&format!("{}\n", not_found(t.rt, &name)));
                    return 1;
                };
                let status = if is_statefulset {
                    statefulset_status(&obj)
                } else if is_daemonset {
                    daemonset_status(&obj)
                } else {
                    deployment_status(&obj)
                };
                let (msg, done) = match status {
                    Ok(status) => status,
                    Err(e) => return fail(out, &e),
                };
                // rollout_status.go: with --watch=false the first status is the answer,
                // done or not, and the command succeeds.
                if done || (a.given(&["-w", "--watch"]) && !a.has(&["-w", "--watch"])) {
                    out.out(&msg);
                    return 0;
                }
                if msg != last {
                    out.out(&msg);
                    last = msg;
                }
                match ctx.cluster.next_timer() {
                    Some(next) if next <= deadline => ctx.cluster.advance_to(next),
                    _ if ctx.killed() => return 124,
                    _ => {
                        if asked.is_none() {
                            ctx.term.notice = Some(format!(
                                "Without --timeout, kubectl rollout status waits until the rollout ends; the terminal stopped waiting after {} simulated minutes.",
                                timeout / 60_000
                            ));
                        }
                        out.err("error: timed out waiting for the condition\n");
                        return 1;
                    }
                }
            }
        }
        "restart" => {
            // objectrestarter.go refuses a paused Deployment (rollout_restart.go wraps it).
            if let Object::Deployment(d) = &obj {
                if d.spec.as_ref().and_then(|s| s.paused) == Some(true) {
                    return fail(
                        out,
                        &format!(
                            "{} \"{name}\" can't restart paused deployment (run rollout resume first)",
                            t.rt.qualified_plural()
                        ),
                    );
                }
            }
            // restart.go: the restartedAt annotation on the pod template changes it, so
            // the controller rolls the pods.
            let stamp = ctx.cluster.now_time().0.to_string();
            let mut obj = obj;
            match &mut obj {
                Object::Deployment(d) => {
                    if let Some(spec) = std::sync::Arc::make_mut(d).spec.as_mut() {
                        spec.template
                            .metadata
                            .get_or_insert_with(Default::default)
                            .annotations
                            .get_or_insert_with(Default::default)
                            .insert(RESTARTED_AT.into(), stamp);
                    }
                }
                // StatefulSets are stored as JSON.
                Object::Generic(set) => {
                    let template = std::sync::Arc::make_mut(set)
                        .body
                        .get_mut("spec")
                        .and_then(|s| s.get_mut("template"))
                        .and_then(|t| t.as_object_mut());
                    if let Some(template) = template {
                        let annotations = template
                            .entry("metadata")
                            .or_insert_with(|| serde_json::json!({}))
                            .as_object_mut()
                            .map(|m| {
                                m.entry("annotations")
                                    .or_insert_with(|| serde_json::json!({}))
                            });
                        if let Some(serde_json::Value::Object(a)) = annotations {
                            a.insert(RESTARTED_AT.into(), serde_json::json!(stamp));
                        }
                    }
                }
                _ => return 1,
            }
            let refn = ref_name(&obj);
            match ctx.cluster.update(obj) {
                Ok(_) => {
                    out.out(&format!("{refn} restarted\n"));
                    0
                }
                Err(e) => {
                    out.err(&format!("{}\n", e.render(None)));
                    1
                }
            }
        }
        "history" => {
            let uid = obj.meta().uid.clone().unwrap_or_default();
            // history.go ViewHistory: revision -> that ReplicaSet's pod template, with the
            // change-cause annotation copied onto the template when there is one.
            let mut revs: Vec<(i64, PodTemplateSpec)> = ctx
                .cluster
                .store
                .list_ns("ReplicaSet", &ns)
                .filter(|o| {
                    o.meta()
                        .owner_references
                        .as_ref()
                        .is_some_and(|r| r.iter().any(|r| r.uid == uid))
                })
                .filter_map(|o| {
                    let Object::ReplicaSet(rs) = o else {
                        return None;
                    };
                    let rev = o.meta().annotations.as_ref()?.get(REVISION)?.parse().ok()?;
                    let mut t = rs.spec.as_ref()?.template.clone().unwrap_or_default();
                    if let Some(cause) = o
                        .meta()
                        .annotations
                        .as_ref()
                        .and_then(|a| a.get(CHANGE_CAUSE))
                        .filter(|c| !c.is_empty())
                    {
                        t.metadata
                            .get_or_insert_with(Default::default)
                            .annotations
                            .get_or_insert_with(Default::default)
                            .insert(CHANGE_CAUSE.into(), cause.clone());
                    }
                    Some((rev, t))
                })
                .collect();
            crate::sort::sort_by_key(&mut revs, |(r, _)| *r);
            if a.value(&["-o", "--output"]).is_some_and(|o| !o.is_empty()) {
                return history_objects(ctx, a, &uid, &ns, out);
            }
            let revision = a
                .value(&["--revision"])
                .and_then(|r| r.parse::<i64>().ok())
                .unwrap_or(0);
            // rollout_history.go Validate.
            if revision < 0 {
                return fail(
                    out,
                    &format!("revision must be a positive integer: {revision}"),
                );
            }
            let info = if revs.is_empty() {
                "No rollout history found.".to_string()
            } else if revision > 0 {
                // rollout_history.go: `NAME with revision #N` and the template as
                // DescribePodTemplate writes it, without column alignment.
                let Some((_, t)) = revs.iter().find(|(r, _)| *r == revision) else {
                    return fail(out, "unable to find the specified revision");
                };
                super::describe::pod_template_text(t)
            } else {
                let mut rows = vec![vec!["REVISION".to_string(), "CHANGE-CAUSE".to_string()]];
                for (r, t) in &revs {
                    let cause = t
                        .metadata
                        .as_ref()
                        .and_then(|m| m.annotations.as_ref())
                        .and_then(|a| a.get(CHANGE_CAUSE).cloned())
                        .unwrap_or_else(|| "<none>".into());
                    rows.push(vec![r.to_string(), cause]);
                }
                tab2(&rows)
            };
            let with_revision = if revision > 0 {
                format!("with revision #{revision}")
            } else {
                String::new()
            };
            out.out(&format!("{} {with_revision}\n{info}\n", ref_name(&obj)));
            0
        }
        "undo" => {
            let uid = obj.meta().uid.clone().unwrap_or_default();
            let Object::Deployment(mut d) = obj.clone() else {
                return 1;
            };
            let want: Option<i64> = a
                .value(&["--to-revision"])
                .and_then(|r| r.parse().ok())
                .filter(|r| *r > 0);
            let mut rss: Vec<(i64, k8s_openapi::api::apps::v1::ReplicaSet)> = ctx
                .cluster
                .store
                .list_ns("ReplicaSet", &ns)
                .filter_map(|o| match o {
                    Object::ReplicaSet(rs)
                        if rs
                            .metadata
                            .owner_references
                            .as_ref()
                            .is_some_and(|r| r.iter().any(|r| r.uid == uid)) =>
                    {
                        let rev = rs
                            .metadata
                            .annotations
                            .as_ref()?
                            .get(REVISION)?
                            .parse()
                            .ok()?;
                        Some((rev, (**rs).clone()))
                    }
                    _ => None,
                })
                .collect();
            crate::sort::sort_by_key(&mut rss, |r| r.0);
            // rollback.go deploymentRevision: --to-revision N, else the second-newest revision.
            let target = match want {
                Some(w) => rss.iter().find(|r| r.0 == w),
                None => rss.iter().rev().nth(1),
            };
            let name = obj.meta().name.clone().unwrap_or_default();
            let Some((_, rs)) = target else {
                return match want {
                    Some(w) => fail(
                        out,
                        &format!("unable to find specified revision {w} in history"),
                    ),
                    None => fail(
                        out,
                        &format!("no rollout history found for deployment \"{name}\""),
                    ),
                };
            };
            if d.spec.as_ref().and_then(|s| s.paused) == Some(true) {
                return fail(out, &format!("you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume deployment/{name}' and try again"));
            }
            let refn = ref_name(&obj);
            let dry = super::mutate::dry_run(a);
            // rollback.go Rollback: a client dry run returns the revision's template as
            // printTemplate writes it (DescribePodTemplate, unaligned) before any
            // comparison, and rollout_undo.go prints it as the operation; `-o` prints the
            // Deployment as fetched.
            if dry == Some(" (dry run)") {
                let printer = match super::mutate::obj_printer(a) {
                    Ok(p) => p,
                    Err(e) => return fail(out, &e),
                };
                let template = rs.spec.as_ref().and_then(|s| s.template.clone());
                let text = super::describe::pod_template_text(&template.unwrap_or_default());
                match printer {
                    // NamePrinter: `NAME <operation> (dry run)`.
                    super::mutate::ObjPrinter::Message => {
                        out.out(&format!("{refn} {text} (dry run)\n"))
                    }
                    p => super::mutate::print_object(&p, &refn, obj.to_read_json(), out),
                }
                return 0;
            }
            let mut template = rs
                .spec
                .as_ref()
                .and_then(|s| s.template.clone())
                .unwrap_or_default();
            if let Some(l) = template.metadata.as_mut().and_then(|m| m.labels.as_mut()) {
                l.remove(crate::cluster::controllers::POD_TEMPLATE_HASH);
            }
            let mut current_template = d
                .spec
                .as_ref()
                .map(|s| s.template.clone())
                .unwrap_or_default();
            if let Some(l) = current_template
                .metadata
                .as_mut()
                .and_then(|m| m.labels.as_mut())
            {
                l.remove(crate::cluster::controllers::POD_TEMPLATE_HASH);
            }
            // equalIgnoreHash; the message carries the --to-revision value (0 without it).
            if template == current_template {
                out.out(&format!(
                    "{refn} skipped rollback (current template already matches revision {})\n",
                    want.unwrap_or(0)
                ));
                return 0;
            }
            // The patch replaces the Deployment's annotations: its own bookkeeping ones
            // plus the ReplicaSet's other annotations (e.g. its change-cause).
            use crate::cluster::controllers::NOT_COPIED_ANNOTATIONS as SKIP;
            let mut annotations: BTreeMap<String, String> = crate::sort::collect_map(
                d.metadata
                    .annotations
                    .iter()
                    .flatten()
                    .filter(|(k, _)| SKIP.contains(&k.as_str()))
                    .map(|(k, v)| (k.clone(), v.clone())),
            );
            for (k, v) in rs.metadata.annotations.iter().flatten() {
                if !SKIP.contains(&k.as_str()) {
                    annotations.insert(k.clone(), v.clone());
                }
            }
            let dm = std::sync::Arc::make_mut(&mut d);
            dm.metadata.annotations = Some(annotations);
            if let Some(spec) = dm.spec.as_mut() {
                spec.template = template;
            }
            // A server dry run sends the patch with dryRun=All: nothing is stored.
            let result = match dry {
                Some(_) => Ok(()),
                None => ctx.cluster.update(Object::Deployment(d)).map(|_| ()),
            };
            match result {
                Ok(()) => {
                    out.out(&format!("{refn} rolled back{}\n", dry.unwrap_or("")));
                    0
                }
                Err(e) => {
                    out.err(&format!("{}\n", e.render(None)));
                    1
                }
            }
        }
        "pause" | "resume" => {
            let Object::Deployment(mut d) = obj.clone() else {
                return 1;
            };
            let pause = sub == "pause";
            let already = d.spec.as_ref().and_then(|s| s.paused).unwrap_or(false) == pause;
            let refn = ref_name(&obj);
            if already {
                // objectpauser.go / objectresumer.go, wrapped by rollout_pause.go and
                // rollout_resume.go as `error: <resource>.<group> "<name>" <err>`.
                let why = if pause {
                    "is already paused"
                } else {
                    "is not paused"
                };
                return fail(
                    out,
                    &format!("{} \"{name}\" {why}", t.rt.qualified_plural()),
                );
            }
            if let Some(s) = std::sync::Arc::make_mut(&mut d).spec.as_mut() {
                s.paused = if pause { Some(true) } else { None };
            }
            match ctx.cluster.update(Object::Deployment(d)) {
                Ok(_) => {
                    out.out(&format!(
                        "{refn} {}\n",
                        if pause { "paused" } else { "resumed" }
                    ));
                    0
                }
                Err(e) => {
                    out.err(&format!("{}\n", e.render(None)));
                    1
                }
            }
        }
        _ => fail(
            out,
            &format!("unknown command \"{sub}\" for \"kubectl rollout\""),
        ),
    }
}

/// `rollout history -o FORMAT` (rollout_history.go): the ReplicaSets themselves, one
/// per revision in order (or the one `--revision` names), through the printer; YAML
/// documents after the first start with `---` (the YAML printer counts its objects).
fn history_objects(ctx: &mut Ctx, a: &Args, uid: &str, ns: &str, out: &mut Output) -> i32 {
    let printer = match super::mutate::obj_printer(a) {
        Ok(p) => p,
        Err(e) => return fail(out, &e),
    };
    let mut revs: Vec<(i64, &Object)> = ctx
        .cluster
        .store
        .list_ns("ReplicaSet", ns)
        .filter(|o| {
            let owners = o.meta().owner_references.iter().flatten();
            owners.clone().any(|r| r.uid == uid)
        })
        .filter_map(|o| {
            let rev = o.meta().annotations.as_ref()?.get(REVISION)?;
            Some((rev.parse().ok()?, o))
        })
        .collect();
    crate::sort::sort_by_key(&mut revs, |(r, _)| *r);
    let revision = a
        .value(&["--revision"])
        .and_then(|r| r.parse::<i64>().ok())
        .unwrap_or(0);
    if revision > 0 {
        revs.retain(|(r, _)| *r == revision);
        if revs.is_empty() {
            return fail(out, "unable to find the specified revision");
        }
    }
    for (i, (_, rs)) in revs.iter().enumerate() {
        if i > 0 && matches!(printer, super::mutate::ObjPrinter::Yaml) {
            out.out("---\n");
        }
        let refn = format!("replicaset.apps/{}", rs.name());
        super::mutate::print_object(&printer, &refn, rs.to_read_json(), out);
    }
    0
}

/// kubectl's history table: tabwriter with padding 2.
fn tab2(rows: &[Vec<String>]) -> String {
    let w = rows.iter().map(|r| r[0].len()).max().unwrap_or(0) + 2;
    rows.iter()
        .map(|r| format!("{:<w$}{}\n", r[0], r[1], w = w))
        .collect()
}
