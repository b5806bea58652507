//! kubectl exec, logs and port-forward (the data-plane side lives in `term::pod`).
//! Messages: kubectl `pkg/cmd/exec/exec.go`, `pkg/cmd/logs/logs.go`,
//! `pkg/cmd/portforward/portforward.go`, `pkg/cmd/util/podcmd`; client-go
//! `tools/remotecommand`; kubelet/containerd exec errors (REFERENCE.md section 10).

use k8s_openapi::api::core::v1::{Container, ContainerPort, Pod, Service, ServicePort};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::{fail, not_found, Args, Ctx};
use crate::api::{kinds, Object, Selector};
use crate::cluster::kubelet::Stage;
use crate::cluster::{Cluster, Key};
use crate::term::pod::exec_in_pod;
use crate::term::shell::Output;

/// Resolves `POD` or `TYPE/NAME` to a pod, the way kubectl's `AttachablePodForObject` does
/// (or, for `logs`, `LogsForObject`, which announces its pick among several).
/// Err is the full stderr text (ending in a newline) and the exit code.
pub(super) fn resolve_pod(
    c: &Cluster,
    ns: &str,
    target: &str,
    out: &mut Output,
    logs: bool,
) -> Result<Pod, String> {
    let (ty, name) = match target.split_once('/') {
        Some((t, n)) => (t, n),
        None => ("pod", target),
    };
    let Some(rt) = kinds::lookup(ty) else {
        return Err(format!(
            "error: the server doesn't have a resource type \"{ty}\"\n"
        ));
    };
    let Some(obj) = c.store.get(&Key::new(
        rt.kind,
        if rt.namespaced { ns } else { "" },
        name,
    )) else {
        return Err(format!("{}\n", not_found(rt, name)));
    };
    match obj {
        Object::Pod(p) => Ok((**p).clone()),
        _ => {
            // polymorphichelpers SelectorsForObject; `%T` of the typed object is `*v1.Kind`.
            let sel = selector_of(obj).ok_or_else(|| {
                let why = if rt.kind == "Service" {
                    format!("invalid service '{name}': Service is defined without a selector")
                } else {
                    format!("selector for *v1.{} not implemented", rt.kind)
                };
                let verb = if logs {
                    "get the logs from"
                } else {
                    "attach to"
                };
                format!("error: cannot {verb} *v1.{}: {why}\n", rt.kind)
            })?;
            let mut pods: Vec<&Pod> = c
                .store
                .list_ns("Pod", ns)
                .filter_map(|o| match o {
                    Object::Pod(p)
                        if p.metadata.labels.as_ref().is_some_and(|l| sel.matches(l)) =>
                    {
                        Some(&**p)
                    }
                    _ => None,
                })
                .collect();
            if logs {
                // podutils.ByLogging: assigned first; Running (and any phase it does not
                // rank, Succeeded and Failed too) before Unknown before Pending; ready
                // first, the longest ready first; more restarts first; older first.
                crate::sort::sort_by_key(&mut pods, |p| {
                    let st = p.status.as_ref();
                    let phase = match st.and_then(|s| s.phase.as_deref()) {
                        Some("Unknown") => 1,
                        Some("Pending") => 2,
                        _ => 0,
                    };
                    let ready = crate::cluster::controllers::is_pod_ready(p);
                    let ready_since = st
                        .and_then(|s| s.conditions.as_ref())
                        .into_iter()
                        .flatten()
                        .find(|c| c.type_ == "Ready")
                        .and_then(|c| c.last_transition_time.as_ref())
                        .map(Cluster::millis_of)
                        .filter(|_| ready);
                    let restarts = st
                        .and_then(|s| s.container_statuses.as_ref())
                        .into_iter()
                        .flatten()
                        .map(|c| c.restart_count)
                        .max()
                        .unwrap_or(0);
                    (
                        p.spec.as_ref().and_then(|s| s.node_name.as_ref()).is_none(),
                        phase,
                        !ready,
                        ready_since.unwrap_or(i64::MAX),
                        -i64::from(restarts),
                        p.metadata
                            .creation_timestamp
                            .as_ref()
                            .map_or(i64::MAX, Cluster::millis_of),
                    )
                });
            } else {
                // ActivePods ordering: running and ready first, then by name.
                crate::sort::sort_by_key(&mut pods, |p| {
                    (
                        p.metadata.deletion_timestamp.is_some(),
                        p.status.as_ref().and_then(|s| s.phase.as_deref()) != Some("Running"),
                        !crate::cluster::controllers::is_pod_ready(p),
                        p.metadata.name.clone(),
                    )
                });
            }
            match pods.first() {
                Some(p) => {
                    if logs && pods.len() > 1 {
                        out.err(&format!(
                            "Found {} pods, using pod/{}\n",
                            pods.len(),
                            p.metadata.name.clone().unwrap_or_default()
                        ));
                    }
                    Ok((*p).clone())
                }
                None => Err("error: timed out waiting for the condition\n".into()),
            }
        }
    }
}

fn selector_of(obj: &Object) -> Option<Selector> {
    let v = obj.to_json();
    let spec = v.get("spec")?;
    if obj.kind() == "Service" {
        let m = spec.get("selector")?.as_object()?;
        let s: Vec<String> = m
            .iter()
            .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
            .collect();
        return Selector::parse(&s.join(",")).ok();
    }
    let sel = spec.get("selector")?;
    let ml = sel
        .get("matchLabels")
        .and_then(|m| m.as_object())
        .or_else(|| sel.as_object())?;
    let s: Vec<String> = ml
        .iter()
        .filter(|(k, _)| *k != "matchExpressions" && *k != "matchLabels")
        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
        .collect();
    Selector::parse(&s.join(",")).ok()
}

fn containers(p: &Pod) -> Vec<Container> {
    p.spec
        .as_ref()
        .map(|s| s.containers.clone())
        .unwrap_or_default()
}

/// The container kubectl picks: `-c`, else the default-container annotation, else the first
/// (printing `Defaulted container "a" out of: a, b` when there are several).
fn pick_container(p: &Pod, a: &Args, out: &mut Output) -> Option<String> {
    if let Some(c) = a.value(&["-c", "--container"]) {
        return Some(c.to_string());
    }
    let cts = containers(p);
    if let Some(d) = p
        .metadata
        .annotations
        .as_ref()
        .and_then(|an| an.get("kubectl.kubernetes.io/default-container"))
    {
        if cts.iter().any(|c| &c.name == d) {
            return Some(d.clone());
        }
    }
    let first = cts.first()?.name.clone();
    // podcmd.FindOrDefaultContainerByName names init containers too (AllContainerNames).
    let inits = p
        .spec
        .iter()
        .flat_map(|s| s.init_containers.iter().flatten());
    let inits: Vec<String> = inits.map(|c| format!("{} (init)", c.name)).collect();
    if (cts.len() > 1 || !inits.is_empty()) && !a.has(&["-q", "--quiet"]) {
        let mut names: Vec<String> = cts.iter().map(|c| c.name.clone()).collect();
        names.extend(inits);
        out.err(&format!(
            "Defaulted container \"{first}\" out of: {}\n",
            names.join(", ")
        ));
    }
    Some(first)
}

fn key_of(p: &Pod) -> Key {
    Key::new(
        "Pod",
        p.metadata.namespace.as_deref().unwrap_or(""),
        p.metadata.name.as_deref().unwrap_or(""),
    )
}

fn phase(p: &Pod) -> &str {
    p.status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or("Pending")
}

fn container_running(c: &Cluster, key: &Key) -> bool {
    matches!(
        c.pod_runtime(key).map(|r| &r.stage),
        Some(Stage::Running) | Some(Stage::Terminating { .. })
    ) && c
        .store
        .get(key)
        .is_some_and(|o| matches!(o, Object::Pod(p) if p.status.as_ref().and_then(|s| s.container_statuses.as_ref()).is_some_and(|cs| cs.iter().any(|s| s.state.as_ref().and_then(|st| st.running.as_ref()).is_some()))))
}

/// An init (sidecar) or ephemeral container by name, and whether its status says it runs.
fn other_container(p: &Pod, name: &str) -> Option<(Container, bool)> {
    let spec = p.spec.as_ref()?;
    let status = p.status.as_ref();
    let runs = |statuses: Option<&Vec<k8s_openapi::api::core::v1::ContainerStatus>>| {
        statuses
            .into_iter()
            .flatten()
            .any(|s| s.name == name && s.state.as_ref().is_some_and(|st| st.running.is_some()))
    };
    if let Some(c) = spec
        .init_containers
        .iter()
        .flatten()
        .find(|c| c.name == name)
    {
        return Some((
            c.clone(),
            runs(status.and_then(|s| s.init_container_statuses.as_ref())),
        ));
    }
    let ec = spec
        .ephemeral_containers
        .iter()
        .flatten()
        .find(|e| e.name == name)?;
    Some((
        crate::cluster::kubelet::ephemeral_as_container(ec),
        runs(status.and_then(|s| s.ephemeral_container_statuses.as_ref())),
    ))
}

fn exec_id(c: &mut Cluster) -> String {
    (0..8).map(|_| format!("{:08x}", c.rand_u32())).collect()
}

pub fn exec(ctx: &mut Ctx, a: &Args, out: &mut Output) -> i32 {
    let ns = ctx.namespace(a);
    let rest = a.rest(1);
    if a.value(&["-f", "--filename"]).is_none() && rest.is_empty() {
        return fail(out, "pod, type/name or --filename must be specified");
    }
    if !a.has_dashdash && rest.len() > 1 {
        return fail(
            out,
            "exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\nSee 'kubectl exec -h' for help and examples",
        );
    }
    if a.command.is_empty() {
        return fail(
            out,
            "you must specify at least one command for the container",
        );
    }
    let target = rest[0].clone();
    let pod = match resolve_pod(ctx.cluster, &ns, &target, out, false) {
        Ok(p) => p,
        Err(e) => {
            out.err(&e);
            return 1;
        }
    };
    let ph = phase(&pod).to_string();
    if ph == "Succeeded" || ph == "Failed" {
        return fail(
            out,
            &format!("cannot exec into a container in a completed pod; current phase is {ph}"),
        );
    }
    let Some(cname) = pick_container(&pod, a, out) else {
        return fail(out, "pod has no containers");
    };
    let key = key_of(&pod);
    // The kubelet's GetExec finds the container among the pod's running ones (app,
    // sidecar or ephemeral); one that has ended is "not found".
    let Some((ct, running)) = containers(&pod)
        .into_iter()
        .find(|c| c.name == cname)
        .map(|c| (c, container_running(ctx.cluster, &key)))
        .or_else(|| other_container(&pod, &cname))
    else {
        // The API server's exec subresource (pkg/registry/core/pod strategy.go
        // validateContainer) turns away a container the pod's spec does not have,
        // before any kubelet sees the request.
        let name = pod.metadata.name.as_deref().unwrap_or_default();
        out.err(&format!(
            "Error from server (BadRequest): container {cname} is not valid for pod {name}\n"
        ));
        return 1;
    };
    if !running {
        return fail(
            out,
            &format!("unable to upgrade connection: container not found (\"{cname}\")"),
        );
    }
    let stdin_flag = a.has(&["-i", "--stdin"]);
    let tty = a.has(&["-t", "--tty"]);
    let stdin = if stdin_flag {
        ctx.stdin.to_string()
    } else {
        String::new()
    };
    if tty && stdin_flag && !ctx.stdin.is_empty() {
        out.err("Unable to use a TTY - input is not a terminal or the right kind of file\n");
    }
    // The program must exist in the image (containerd's exec error otherwise).
    let prog = a.command[0].clone();
    let image = ct.image.clone().unwrap_or_default();
    if !program_exists(ctx.cluster, &key, &image, &prog) {
        let id = exec_id(ctx.cluster);
        return fail(
            out,
            &format!(
                "Internal error occurred: error executing command in container: failed to exec in container: failed to start exec \"{id}\": OCI runtime exec failed: exec failed: unable to start container process: exec: \"{prog}\": executable file not found in $PATH: unknown"
            ),
        );
    }
    let (o, code) = exec_in_pod(
        ctx.cluster,
        &key,
        &cname,
        &a.command,
        &stdin,
        tty && stdin_flag && ctx.stdin.is_empty(),
    );
    out.append(o);
    if code != 0 {
        out.err(&format!("command terminated with exit code {code}\n"));
    }
    if crate::cluster::images::image_repo(&image) == "kubernetes-bootcamp" {
        let line = a.command.join(" ");
        // jocatalin's v2 bootcamp image does not publish its source: the terminal shows
        // v1's server.js answering v=2.
        if image.ends_with(":v2") && line.contains("server.js") {
            ctx.term.notice = Some("This is the v1 image's server.js with \"v=2\": the source of jocatalin/kubernetes-bootcamp:v2 is not published, so the playground shows what it answers, not necessarily its exact file.".into());
        }
        // Its curl is jessie's 7.38.0, whose -v trace the terminal words as 7.88's.
        if line.contains("curl") && (line.contains(" -v") || line.contains("--verbose")) {
            ctx.term.notice = Some("The bootcamp image's curl is 7.38.0; the playground prints its -v trace as curl 7.88 words it, which differs in a few lines.".into());
        }
    }
    code
}

/// Whether `prog` can be exec'd directly in the container (absolute paths included).
fn program_exists(cluster: &crate::cluster::Cluster, pod: &Key, image: &str, prog: &str) -> bool {
    crate::term::pod::image_has_program(image, prog)
        || crate::term::pod::unsimulated_program(image, prog)
        || crate::term::pod::apk_installed(cluster, pod, prog)
}

// ------------------------------------------------------------------ logs

pub fn logs(ctx: &mut Ctx, a: &Args, out: &mut Output) -> i32 {
    const USAGE: &str = "expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples";
    let ns = ctx.namespace(a);
    let rest = a.rest(1);
    let selector = a.value(&["-l", "--selector"]).filter(|s| !s.is_empty());
    // logs.go Complete: a selector takes no POD argument, and then lists pods.
    if let Some(sel_text) = selector {
        if rest.len() == 1 {
            return fail(out, "only a selector (-l) or a POD name is allowed\nSee 'kubectl logs -h' for help and examples");
        }
        if rest.len() > 2 {
            return fail(out, USAGE);
        }
        let sel = match Selector::parse(sel_text) {
            Ok(s) => s,
            Err(e) => {
                out.err(&format!("Error from server (BadRequest): Unable to find \"/v1, Resource=pods\" that match label selector \"{sel_text}\", field selector \"\": {e}\n"));
                return 1;
            }
        };
        let pods: Vec<Pod> = ctx
            .cluster
            .store
            .list_ns("Pod", &ns)
            .filter_map(|o| match o {
                Object::Pod(p)
                    if sel.matches(p.metadata.labels.as_ref().unwrap_or(&Default::default())) =>
                {
                    Some((**p).clone())
                }
                _ => None,
            })
            .collect();
        if pods.is_empty() {
            out.err(&format!("No resources found in {ns} namespace.\n"));
            return 0;
        }
        let container = rest.get(1).cloned();
        let mut followers = Vec::new();
        for pod in &pods {
            // LogsForObject builds every request first; the first error ends the command.
            match pod_log(pod, container.clone(), a, out) {
                Ok(f) => followers.push(f),
                Err(code) => return code,
            }
        }
        // logs.go ToLogOptions: with a selector, --tail defaults to 10.
        let tail = if a.given(&["--tail"]) {
            tail_of(a)
        } else {
            Some(10)
        };
        let follow = a.has(&["-f", "--follow"]);
        let max: usize = a
            .value(&["--max-log-requests"])
            .and_then(|v| v.parse().ok())
            .unwrap_or(5);
        if follow && followers.len() > 1 && followers.len() > max {
            return fail(out, &format!("you are attempting to follow {} log streams, but maximum allowed concurrency is {max}, use --max-log-requests to increase the limit", followers.len()));
        }
        // The real client walks a Go map of requests (an unspecified order); pods print in
        // name order here.
        for f in &mut followers {
            f.print_tail(ctx.cluster, tail, out);
        }
        if !follow {
            return 0;
        }
        return super::stream::start(ctx, a, super::stream::Stream::ManyLogs(followers), out);
    }
    let Some(target) = rest.first().cloned() else {
        return fail(out, USAGE);
    };
    let pod = match resolve_pod(ctx.cluster, &ns, &target, out, true) {
        Ok(p) => p,
        Err(e) => {
            out.err(&e);
            return 1;
        }
    };
    let mut f = match pod_log(&pod, rest.get(1).cloned(), a, out) {
        Ok(f) => f,
        Err(code) => return code,
    };
    f.print_tail(ctx.cluster, tail_of(a), out);
    if !a.has(&["-f", "--follow"]) {
        return 0;
    }
    super::stream::start(ctx, a, super::stream::Stream::Logs(Box::new(f)), out)
}

/// `--tail`: pflag already checked it is an integer; -1 (or any negative) means all.
fn tail_of(a: &Args) -> Option<usize> {
    a.value(&["--tail"])
        .and_then(|t| usize::try_from(t.parse::<i64>().unwrap_or(-1)).ok())
}

/// The log request for one pod's container (`-c`, an explicit CONTAINER argument, or the
/// default one): a follower positioned at the container instance that runs now. Err is
/// the exit code after the error is printed.
fn pod_log(
    pod: &Pod,
    container: Option<String>,
    a: &Args,
    out: &mut Output,
) -> Result<LogFollower, i32> {
    let cname = match container {
        Some(c) => c,
        None => match pick_container(pod, a, out) {
            Some(c) => c,
            None => return Err(fail(out, "pod has no containers")),
        },
    };
    let pname = pod.metadata.name.clone().unwrap_or_default();
    let mut cts = containers(pod);
    cts.extend(
        pod.spec
            .iter()
            .flat_map(|s| s.init_containers.iter().flatten().cloned()),
    );
    let Some(ct) = cts.iter().find(|c| c.name == cname).cloned() else {
        out.err(&format!(
            "error: container {cname} is not valid for pod {pname}\n"
        ));
        return Err(1);
    };
    let status = pod.status.as_ref().and_then(|s| {
        let all = s.container_statuses.iter().flatten();
        all.chain(s.init_container_statuses.iter().flatten())
            .find(|s| s.name == cname)
            .cloned()
    });
    // kubelet validateContainerLogStatus: which instance's log a request reads.
    let state = status
        .as_ref()
        .and_then(|s| s.state.clone())
        .unwrap_or_default();
    let last = status
        .as_ref()
        .and_then(|s| s.last_state.as_ref())
        .and_then(|st| st.terminated.clone())
        .filter(|t| t.started_at.is_some());
    let bad = |out: &mut Output, why: &str| {
        out.err(&format!("Error from server (BadRequest): {why}\n"));
        Err(1)
    };
    let (started, until_ms) = if a.has(&["-p", "--previous"]) {
        match &last {
            Some(t) => (
                t.started_at.clone(),
                t.finished_at.as_ref().map(Cluster::millis_of),
            ),
            None => {
                return bad(
                    out,
                    &format!(
                        "previous terminated container \"{cname}\" in pod \"{pname}\" not found"
                    ),
                )
            }
        }
    } else if let Some(r) = &state.running {
        (r.started_at.clone(), None)
    } else if let Some(t) = state.terminated.as_ref().filter(|t| t.started_at.is_some()) {
        (
            t.started_at.clone(),
            t.finished_at.as_ref().map(Cluster::millis_of),
        )
    } else if let Some(t) = &last {
        // Waiting to restart (CrashLoopBackOff): the instance that last ran.
        (
            t.started_at.clone(),
            t.finished_at.as_ref().map(Cluster::millis_of),
        )
    } else {
        (None, None)
    };
    let Some(started) = started else {
        let reason = state
            .waiting
            .as_ref()
            .and_then(|w| w.reason.clone())
            .unwrap_or_else(|| "ContainerCreating".into());
        let reason = match reason.as_str() {
            "ErrImagePull" => "image can't be pulled".to_string(),
            "ImagePullBackOff" => "trying and failing to pull image".to_string(),
            r => r.to_string(),
        };
        return bad(
            out,
            &format!("container \"{cname}\" in pod \"{pname}\" is waiting to start: {reason}"),
        );
    };
    // logs.go addPrefixIfNeeded: `[pod/NAME/CONTAINER] ` before every line.
    let prefix = a
        .has(&["--prefix"])
        .then(|| format!("[pod/{pname}/{cname}] "));
    Ok(LogFollower {
        key: key_of(pod),
        container: ct,
        started_ms: Cluster::millis_of(&started),
        until_ms,
        printed: 0,
        timestamps: a.has(&["--timestamps"]),
        prefix,
    })
}

/// One container instance's log lines: its startup lines, then what it logged since
/// (until it finished, for an earlier instance).
fn container_log(
    c: &Cluster,
    key: &Key,
    ct: &Container,
    started_ms: i64,
    until_ms: Option<i64>,
) -> Vec<(i64, String)> {
    // A container that never started (StartError) reports the Unix epoch as its start
    // and has logged nothing.
    if started_ms < 0 {
        return Vec::new();
    }
    let host = match c.store.get(key) {
        Some(Object::Pod(p)) => crate::term::pod::pod_hostname(p),
        _ => String::new(),
    };
    let mut lines: Vec<(i64, String)> = crate::net::apps::startup_log_on(ct, started_ms, &host)
        .into_iter()
        .map(|l| (started_ms, l))
        .collect();
    if let Some(v) = c.net.logs.get(key) {
        lines.extend(
            v.iter()
                .filter(|(t, _)| *t >= started_ms && until_ms.is_none_or(|u| *t <= u))
                .cloned(),
        );
    }
    lines
}

/// A running `kubectl logs -f`: the container instance it follows and how many of its
/// lines are already printed.
#[derive(Debug, Clone)]
pub struct LogFollower {
    key: Key,
    container: Container,
    started_ms: i64,
    /// When the instance finished, for `--previous`.
    until_ms: Option<i64>,
    printed: usize,
    timestamps: bool,
    prefix: Option<String>,
}

impl LogFollower {
    fn print(&self, c: &Cluster, lines: &[(i64, String)], out: &mut Output) {
        let prefix = self.prefix.as_deref().unwrap_or("");
        for (t, l) in lines {
            if self.timestamps {
                let ts = c.time(*t);
                out.out(&format!(
                    "{prefix}{} {l}\n",
                    // RFC3339NanoFixed (kuberuntime logs.go timeFormatOut): 9 digits.
                    ts.0.strftime("%Y-%m-%dT%H:%M:%S.%9fZ")
                ));
            } else {
                out.out(&format!("{prefix}{l}\n"));
            }
        }
    }

    /// Prints the last `tail` lines so far (all when None) and marks everything so far
    /// as printed, as the first response of a log request does.
    fn print_tail(&mut self, c: &Cluster, tail: Option<usize>, out: &mut Output) {
        let mut lines = container_log(
            c,
            &self.key,
            &self.container,
            self.started_ms,
            self.until_ms,
        );
        self.printed = lines.len();
        if let Some(n) = tail {
            if lines.len() > n {
                lines.drain(..lines.len() - n);
            }
        }
        self.print(c, &lines, out);
    }

    /// Prints the lines logged since the last call; true when the stream has ended (the
    /// container stopped or restarted, or the pod is gone), as `kubectl logs -f` returns then.
    pub fn poll(&mut self, c: &Cluster, out: &mut Output) -> bool {
        let lines = container_log(
            c,
            &self.key,
            &self.container,
            self.started_ms,
            self.until_ms,
        );
        if let Some(new) = lines.get(self.printed..) {
            self.print(c, new, out);
        }
        self.printed = self.printed.max(lines.len());
        let Some(Object::Pod(pod)) = c.store.get(&self.key) else {
            return true;
        };
        let running_since = pod
            .status
            .as_ref()
            .and_then(|s| s.container_statuses.as_ref())
            .and_then(|cs| cs.iter().find(|s| s.name == self.container.name))
            .and_then(|s| s.state.as_ref())
            .and_then(|st| st.running.as_ref())
            .and_then(|r| r.started_at.as_ref())
            .map(Cluster::millis_of);
        running_since != Some(self.started_ms)
    }
}

// ------------------------------------------------------------------ port-forward

pub fn port_forward(ctx: &mut Ctx, a: &Args, out: &mut Output) -> i32 {
    let ns = ctx.namespace(a);
    let rest = a.rest(1);
    if rest.len() < 2 {
        return fail(out, "TYPE/NAME and list of ports are required for port-forward\nSee 'kubectl port-forward -h' for help and examples");
    }
    let target = rest[0].clone();
    let pod = match resolve_pod(ctx.cluster, &ns, &target, out, false) {
        Ok(p) => p,
        Err(e) => {
            out.err(&e);
            return 1;
        }
    };
    let svc = match target.split_once('/') {
        Some((t, n)) if kinds::lookup(t).is_some_and(|rt| rt.kind == "Service") => {
            match ctx.cluster.get("Service", &ns, n) {
                Some(Object::Service(s)) => Some(s.clone()),
                _ => None,
            }
        }
        _ => None,
    };
    // portforward.go Complete: UDP-only ports refused, names turned into numbers.
    let specs = &rest[1..];
    let translated = match &svc {
        Some(s) => {
            check_udp_in_service(specs, s).and_then(|_| translate_service_ports(specs, s, &pod))
        }
        None => check_udp_in_pod(specs, &pod).and_then(|_| convert_pod_named_ports(specs, &pod)),
    };
    let translated = match translated {
        Ok(t) => t,
        Err(e) => return fail(out, &e),
    };
    let mut pairs = Vec::new();
    for spec in &translated {
        let (local, remote) = split_port(spec);
        let Ok(remote_n) = remote.parse::<i32>() else {
            return fail(out, &format!("Error parsing remote port number: strconv.ParseUint: parsing \"{remote}\": invalid syntax"));
        };
        let local_n = if local.is_empty() {
            32768 + ctx.cluster.rand_below(28231) as i32
        } else {
            match local.parse::<i32>() {
                Ok(n) => n,
                Err(_) => return fail(out, &format!("Error parsing local port number: strconv.ParseUint: parsing \"{local}\": invalid syntax")),
            }
        };
        pairs.push((local_n, remote_n));
    }
    let ph = phase(&pod).to_string();
    if ph != "Running" {
        return fail(
            out,
            &format!("unable to forward port because pod is not running. Current status={ph}"),
        );
    }
    let pname = pod.metadata.name.clone().unwrap_or_default();
    for (l, r) in &pairs {
        if ctx.term.listening(*l) {
            out.err(&format!("Unable to listen on port {l}: Listeners failed to create with the following errors: [unable to create listener: Error listen tcp4 127.0.0.1:{l}: bind: address already in use unable to create listener: Error listen tcp6 [::1]:{l}: bind: address already in use]\n"));
            return fail(
                out,
                &format!("unable to listen on any of the requested ports: [{{{l} {r}}}]"),
            );
        }
    }
    let mut job = Vec::new();
    for (l, r) in pairs {
        out.out(&format!(
            "Forwarding from 127.0.0.1:{l} -> {r}\nForwarding from [::1]:{l} -> {r}\n"
        ));
        job.push((l, ns.clone(), pname.clone(), r));
    }
    ctx.term.jobs.push(crate::term::Job::PortForward(job));
    0
}

/// portforward.go splitPort: `[LOCAL:]REMOTE`; anything but one colon is the first part twice.
fn split_port(spec: &str) -> (&str, &str) {
    let parts: Vec<&str> = spec.split(':').collect();
    match parts[..] {
        [local, remote] => (local, remote),
        _ => (parts[0], parts[0]),
    }
}

/// `LOCAL:REMOTE`, or just the port when both are the same.
fn join_port(local: &str, remote: &str) -> String {
    if local == remote {
        remote.to_string()
    } else {
        format!("{local}:{remote}")
    }
}

fn service_name(svc: &Service) -> &str {
    svc.metadata.name.as_deref().unwrap_or("")
}

fn service_ports(svc: &Service) -> impl Iterator<Item = &ServicePort> {
    svc.spec.iter().flat_map(|s| s.ports.iter().flatten())
}

fn container_ports(pod: &Pod) -> impl Iterator<Item = &ContainerPort> {
    pod.spec
        .iter()
        .flat_map(|s| {
            s.containers
                .iter()
                .chain(s.init_containers.iter().flatten())
        })
        .flat_map(|c| c.ports.iter().flatten())
}

/// util.LookupServicePortNumberByName.
fn service_port_by_name(svc: &Service, name: &str) -> Result<i32, String> {
    service_ports(svc)
        .find(|p| p.name.as_deref().unwrap_or("") == name)
        .map(|p| p.port)
        .ok_or_else(|| {
            format!(
                "Service '{}' does not have a named port '{name}'",
                service_name(svc)
            )
        })
}

/// util.LookupContainerPortNumberByName (containers, then init containers).
fn container_port_by_name(pod: &Pod, name: &str) -> Result<i32, String> {
    container_ports(pod)
        .find(|p| p.name.as_deref().unwrap_or("") == name)
        .map(|p| p.container_port)
        .ok_or_else(|| {
            let pod_name = pod.metadata.name.as_deref().unwrap_or("");
            format!("Pod '{pod_name}' does not have a named port '{name}'")
        })
}

/// util.LookupContainerPortNumberByServicePort: the port's targetPort in the pod; a
/// headless Service (clusterIP None) has no port translation at all.
fn container_port_by_service_port(svc: &Service, pod: &Pod, port: i32) -> Result<i32, String> {
    if svc.spec.as_ref().and_then(|s| s.cluster_ip.as_deref()) == Some("None") {
        return Ok(port);
    }
    let Some(sp) = service_ports(svc).find(|p| p.port == port) else {
        return Err(format!(
            "Service {} does not have a service port {port}",
            service_name(svc)
        ));
    };
    match &sp.target_port {
        Some(IntOrString::Int(n)) if *n != 0 => Ok(*n),
        Some(IntOrString::String(name)) => container_port_by_name(pod, name),
        _ => Ok(sp.port),
    }
}

/// The number a REMOTE names: itself, or the named port `by_name` finds.
fn remote_number(
    remote: &str,
    by_name: impl Fn(&str) -> Result<i32, String>,
) -> Result<i32, String> {
    match remote.parse::<i32>() {
        Ok(n) => Ok(n),
        Err(_) => by_name(remote),
    }
}

/// portforward.go checkUDPPorts: a port served over UDP only cannot be forwarded.
fn check_udp_ports(
    ports: &[(i32, Option<String>)],
    specs: &[String],
    by_name: impl Fn(&str) -> Result<i32, String>,
) -> Result<(), String> {
    let has = |n: i32, proto: &str| {
        ports
            .iter()
            .any(|(p, pr)| *p == n && pr.as_deref() == Some(proto))
    };
    for spec in specs {
        let (_, remote) = split_port(spec);
        let n = remote_number(remote, &by_name)?;
        if has(n, "UDP") && !has(n, "TCP") {
            return Err(format!("UDP protocol is not supported for {remote}"));
        }
    }
    Ok(())
}

fn check_udp_in_service(specs: &[String], svc: &Service) -> Result<(), String> {
    let ports: Vec<_> = service_ports(svc)
        .map(|p| (p.port, p.protocol.clone()))
        .collect();
    check_udp_ports(&ports, specs, |name| service_port_by_name(svc, name))
}

fn check_udp_in_pod(specs: &[String], pod: &Pod) -> Result<(), String> {
    // Only the containers' ports, as checkUDPPortInPod reads them.
    let ports = pod
        .spec
        .iter()
        .flat_map(|s| s.containers.iter())
        .flat_map(|c| c.ports.iter().flatten())
        .map(|p| (p.container_port, p.protocol.clone()))
        .collect::<Vec<_>>();
    check_udp_ports(&ports, specs, |name| container_port_by_name(pod, name))
}

/// portforward.go translateServicePortToTargetPort: a Service port (number or name)
/// becomes the pod port its targetPort names; a bare name listens on the Service port.
fn translate_service_ports(
    specs: &[String],
    svc: &Service,
    pod: &Pod,
) -> Result<Vec<String>, String> {
    let mut translated = Vec::new();
    for spec in specs {
        let (local, remote) = split_port(spec);
        let mut local = local.to_string();
        let port = match remote.parse::<i32>() {
            Ok(n) => n,
            Err(_) => {
                let n = service_port_by_name(svc, remote)?;
                if local == remote {
                    local = n.to_string();
                }
                n
            }
        };
        let target = container_port_by_service_port(svc, pod, port)?;
        translated.push(join_port(&local, &target.to_string()));
    }
    Ok(translated)
}

/// portforward.go convertPodNamedPortToNumber: a container port name becomes its number.
fn convert_pod_named_ports(specs: &[String], pod: &Pod) -> Result<Vec<String>, String> {
    let mut converted = Vec::new();
    for spec in specs {
        let (local, remote) = split_port(spec);
        if remote.is_empty() {
            return Err("remote port cannot be empty".into());
        }
        let number = match remote.parse::<i32>() {
            Ok(_) => remote.to_string(),
            Err(_) => container_port_by_name(pod, remote)?.to_string(),
        };
        converted.push(if local == remote {
            number
        } else {
            format!("{local}:{number}")
        });
    }
    Ok(converted)
}
