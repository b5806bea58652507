//! The kubelet: a pod bound to a node is created (ContainerCreating), its image pulled
//! (or not), its containers started; readiness probes run on their period; processes
//! that exit are restarted with back-off; deletion honours the grace period and whether
//! the process stops on SIGTERM. All of it on the simulated clock.

use std::sync::Arc;

use k8s_openapi::api::core::v1::{
    ContainerState, ContainerStateRunning, ContainerStateTerminated, ContainerStateWaiting,
    ContainerStatus, HostIP, Pod, PodCondition, PodIP, PodSpec, PodStatus,
};

use super::images;
use super::{Cluster, Key, Millis, Timer};
use crate::api::Object;

#[derive(Debug, Clone, PartialEq, Default)]
pub enum Stage {
    /// Sandbox and containers being created (the next init container, while
    /// `PodRuntime::inits_done` has not reached their count).
    #[default]
    Creating,
    /// An init container runs (the one `PodRuntime::inits_done` counts up to); `timed`:
    /// its exit is a `Timer::Pod` (else its script ends it, or nothing does).
    Initializing {
        timed: bool,
    },
    /// The image cannot be pulled; `attempt` counts pulls.
    PullFailing {
        attempt: u32,
        backing_off: bool,
    },
    Running,
    /// The container exited and waits out its restart back-off.
    CrashBackOff,
    /// The container exited at `exited` and shows so; next the status shows it
    /// waiting in CrashLoopBackOff.
    BackOffShown {
        exited: Millis,
    },
    /// The container's process is not in its image: the runtime's start failed at `at`,
    /// which the next sync's status shows (see [`start_error`]).
    StartFailed {
        at: Millis,
    },
    /// restartPolicy Never/OnFailure and the container finished.
    Finished,
    Terminating {
        kill_at: Millis,
    },
    /// The containers have stopped and the pod shows its terminal phase; at `at` the
    /// kubelet's final delete (grace period 0) goes out and the pod is removed.
    Stopped {
        at: Millis,
    },
}

/// What the kubelet keeps in memory about one pod.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PodRuntime {
    pub stage: Stage,
    pub restarts: i32,
    pub ready: bool,
    pub probe_successes: i32,
    pub probe_failures: i32,
    pub started_at: Option<Millis>,
    /// How the main process of a run-to-completion container ended (see `one_shot`).
    pub exit_code: i32,
    /// Service links captured when the containers started (only Services existing then).
    /// Shared between pods started while the same Services existed (a Service per
    /// Deployment makes this hundreds of variables per pod).
    pub env: std::sync::Arc<Vec<(String, String)>>,
    /// Containers whose command waits with `sleep`, as far as they have run.
    pub scripts: Vec<ScriptRun>,
    /// Liveness probe failures in a row, and when the next probe is due.
    pub liveness_failures: i32,
    pub next_liveness: Option<Millis>,
    /// How many init containers have completed (they run one at a time, in order).
    pub inits_done: usize,
    /// The status of a start no one saw: the containers exit before the PLEG's next
    /// relist (1 s), so the kubelet's first status write after the start already shows
    /// them terminated (see `quiet_exit`). `container_exited` starts from it.
    pub unseen_start: Option<Box<k8s_openapi::api::core::v1::PodStatus>>,
}

/// A container's timed command in progress (see [`super::script`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ScriptRun {
    container: String,
    /// The container's start, which the plan's offsets count from.
    start: Millis,
    plan: super::script::Plan,
    /// How many of the plan's parts have run.
    done: usize,
    /// When an endless loop's body runs next.
    next_loop: Millis,
}

impl ScriptRun {
    /// A container's timed command starting `now`; an endless loop's first round is
    /// due after what runs before it.
    fn new(container: &str, plan: super::script::Plan, now: Millis) -> ScriptRun {
        let next_loop = match &plan.end {
            super::script::End::Repeat { start, .. } => now.saturating_add(*start),
            _ => now,
        };
        ScriptRun {
            container: container.to_string(),
            start: now,
            plan,
            done: 0,
            next_loop,
        }
    }
}

/// The stored pod, shared: drop it before `Store::update_pod`, or that copies the pod.
fn pod_of(c: &Cluster, key: &Key) -> Option<Arc<Pod>> {
    match c.store.get(key) {
        Some(Object::Pod(p)) => Some(p.clone()),
        _ => None,
    }
}

fn condition(
    type_: &str,
    status: bool,
    at: &k8s_openapi::apimachinery::pkg::apis::meta::v1::Time,
) -> PodCondition {
    PodCondition {
        type_: type_.into(),
        status: if status { "True" } else { "False" }.into(),
        last_transition_time: Some(at.clone()),
        ..Default::default()
    }
}

/// Keeps a condition's lastTransitionTime when its status did not change.
fn set_condition(conds: &mut Vec<PodCondition>, new: PodCondition) {
    if let Some(old) = conds.iter_mut().find(|c| c.type_ == new.type_) {
        if old.status != new.status || old.reason != new.reason {
            *old = new;
        }
    } else {
        conds.push(new);
    }
}

pub fn node_ip(c: &Cluster, node: &str) -> Option<String> {
    match c.get("Node", "", node) {
        Some(Object::Node(n)) => n
            .status
            .as_ref()?
            .addresses
            .as_ref()?
            .iter()
            .find(|a| a.type_ == "InternalIP")
            .map(|a| a.address.clone()),
        _ => None,
    }
}

/// The node's pod range as host-local IPAM canonicalizes it (containernetworking/plugins
/// `plugins/ipam/host-local/backend/allocator/range.go`): the gateway and RangeStart are
/// the network's first address, RangeEnd the last before the broadcast address. The
/// three as `u32` addresses: (gateway = start, end).
fn node_pod_range(c: &Cluster, node: &str) -> Option<(u32, u32)> {
    let Some(Object::Node(n)) = c.get("Node", "", node) else {
        return None;
    };
    let cidr = n.spec.as_ref()?.pod_cidr.as_deref()?;
    let (net, len) = cidr.split_once('/')?;
    let net = super::alloc::parse_ipv4(net)?;
    let len: u32 = len.parse().ok()?;
    // range.go: "Network %s too small to allocate from" below a /30.
    if len > 30 {
        return None;
    }
    let mask = u32::MAX.checked_shl(32 - len).unwrap_or(0);
    let net = net & mask;
    Some((net + 1, (net | !mask) - 1))
}

/// Called once the scheduler (or a manifest's nodeName) bound the pod to a node.
pub fn pod_bound(c: &mut Cluster, key: &Key) {
    let Some(pod) = pod_of(c, key) else {
        return;
    };
    let node = pod
        .spec
        .as_ref()
        .and_then(|s| s.node_name.clone())
        .unwrap_or_default();
    drop(pod);
    let now = c.now_time();
    let host_ip = node_ip(c, &node);
    c.store.update_pod(key, |spec, status| {
        let cts = spec.as_ref().map_or(&[][..], |s| &s.containers[..]);
        let status = status.get_or_insert_with(Default::default);
        status.phase = Some("Pending".into());
        status.host_ip = host_ip.clone();
        status.host_ips = host_ip.map(|ip| vec![HostIP { ip }]);
        status.start_time = Some(now.clone());
        let mut conds = status.conditions.take().unwrap_or_default();
        set_condition(
            &mut conds,
            condition("PodReadyToStartContainers", false, &now),
        );
        let inits = spec.as_ref().and_then(|s| s.init_containers.as_deref());
        let inits = inits.unwrap_or_default();
        set_condition(&mut conds, initialized(inits, &now));
        // GenerateContainersReadyCondition: the sidecars, then the app containers.
        let unready = inits.iter().filter(|ct| is_sidecar(ct)).chain(cts);
        set_ready(&mut conds, false, &now, unready);
        set_condition(&mut conds, condition("PodScheduled", true, &now));
        status.conditions = Some(order_conditions(conds));
        // kubelet convertToAPIContainerStatuses: a pod with init containers shows every
        // container waiting in PodInitializing (printPod: `Init:0/N`).
        let waiting = if inits.is_empty() {
            "ContainerCreating"
        } else {
            "PodInitializing"
        };
        if !inits.is_empty() {
            status.init_container_statuses = Some(
                inits
                    .iter()
                    .map(|ct| waiting_status(ct, waiting, None, 0))
                    .collect(),
            );
        }
        status.container_statuses = Some(
            cts.iter()
                .map(|ct| waiting_status(ct, waiting, None, 0))
                .collect(),
        );
    });
    c.pods.insert(key.clone(), PodRuntime::default());
    let delay = 1000 + c.rand_below(1000) as Millis;
    c.schedule(c.now + delay, Timer::Pod(key.clone()));
}

fn order_conditions(mut conds: Vec<PodCondition>) -> Vec<PodCondition> {
    let rank = |t: &str| match t {
        "PodReadyToStartContainers" => 0,
        "Initialized" => 1,
        "Ready" => 2,
        "ContainersReady" => 3,
        "PodScheduled" => 4,
        _ => 5,
    };
    crate::sort::sort_by_key(&mut conds, |c| rank(&c.type_));
    conds
}

/// The Initialized condition while the init containers (all, from a fresh start) have
/// to run: False with the names of those not yet completed (status.go
/// GeneratePodInitializedCondition); True when there are none.
fn initialized(
    pending: &[k8s_openapi::api::core::v1::Container],
    now: &k8s_openapi::apimachinery::pkg::apis::meta::v1::Time,
) -> PodCondition {
    let mut cond = condition("Initialized", pending.is_empty(), now);
    if !pending.is_empty() {
        let names: Vec<&str> = pending.iter().map(|c| c.name.as_str()).collect();
        cond.reason = Some("ContainersNotInitialized".into());
        cond.message = Some(format!(
            "containers with incomplete status: [{}]",
            names.join(" ")
        ));
    }
    cond
}

fn waiting_status(
    ct: &k8s_openapi::api::core::v1::Container,
    reason: &str,
    message: Option<String>,
    restarts: i32,
) -> ContainerStatus {
    ContainerStatus {
        name: ct.name.clone(),
        image: ct.image.clone().unwrap_or_default(),
        image_id: String::new(),
        ready: false,
        restart_count: restarts,
        started: Some(false),
        state: Some(ContainerState {
            waiting: Some(ContainerStateWaiting {
                reason: Some(reason.into()),
                message,
            }),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// Whether the container's main process stops on SIGTERM. `sleep`/`sh` as PID 1 ignore it.
/// PID 1 is `command[0]`; without a command, `args[0]` in an image without an
/// entrypoint (busybox, alpine, httpd: their CMD is replaced) or whose entrypoint
/// script ends in `exec "$@"` (nginx's docker-entrypoint.sh, curlimages/curl's
/// entrypoint.sh for a program it has); agnhost's entrypoint is agnhost itself.
pub fn exits_on_sigterm(ct: &k8s_openapi::api::core::v1::Container) -> bool {
    let image = ct.image.as_deref().unwrap_or("");
    let profile = images::profile(image);
    // nginxdemos/hello has nginx's entrypoint.
    let execs_args = profile.exits_without_command
        || matches!(images::image_repo(image), "nginx" | "httpd" | "curl")
        || args_replace_cmd(image)
        || images::demo(image) == Some(images::Demo::NginxHello);
    let pid1 = match (ct.command.as_ref(), ct.args.as_ref()) {
        (Some(cmd), _) if !cmd.is_empty() => cmd.first(),
        (_, Some(args)) if execs_args => args.first(),
        _ => None,
    };
    match pid1 {
        Some(prog) => {
            let base = prog.rsplit('/').next().unwrap_or(prog);
            !matches!(base, "sleep" | "sh" | "bash" | "ash" | "zsh" | "tail")
        }
        None => profile.exits_on_sigterm,
    }
}

/// The command line of a container whose main process is a client that runs to
/// completion (`kubectl run client --restart=Never -- wget -qO- http://nginx`): the
/// kubelet runs it through the in-pod tools when the container starts, its output is
/// the container's log and its exit status the container's. `echo` keeps its own
/// model (`net::apps::startup_log`). Scripts that wait or loop are left running.
pub fn one_shot(ct: &k8s_openapi::api::core::v1::Container) -> Option<Vec<String>> {
    let argv = argv_of(ct);
    finite_argv(&argv).then_some(argv)
}

/// Whether a command line ends by itself: a one-shot tool, a finite `sh -c` script, or
/// either run by `chroot ROOT` (a node-debugging pod's `chroot /host iptables-save`).
fn finite_argv(argv: &[String]) -> bool {
    let Some(first) = argv.first() else {
        return false;
    };
    let base = first.rsplit('/').next().unwrap_or(first);
    match base {
        "sh" | "ash" | "bash" => {
            argv.get(1).map(String::as_str) == Some("-c")
                && argv.get(2).is_some_and(|script| finite_script(script))
        }
        "chroot" => argv.len() > 2 && finite_argv(&argv[2..]),
        _ => ONE_SHOT_TOOLS.contains(&base),
    }
}

/// The container's command line: command, then args.
fn argv_of(ct: &k8s_openapi::api::core::v1::Container) -> Vec<String> {
    ct.command
        .iter()
        .flatten()
        .chain(ct.args.iter().flatten())
        .cloned()
        .collect()
}

/// Starts the timed commands of a pod's containers (those that wait with `sleep`; see
/// [`super::script`]): what is due at once runs now, the rest on [`Timer::Script`].
fn start_scripts(c: &mut Cluster, key: &Key) {
    let Some(pod) = pod_of(c, key) else { return };
    let now = c.now;
    let runs: Vec<ScriptRun> = pod
        .spec
        .iter()
        .flat_map(|s| s.containers.iter())
        .filter(|ct| ct.stdin != Some(true) && one_shot(ct).is_none())
        .filter_map(|ct| {
            let plan = super::script::plan(&argv_of(ct), finite_script)?;
            Some(ScriptRun::new(&ct.name, plan, now))
        })
        .collect();
    drop(pod);
    let any = !runs.is_empty();
    update_rt(c, key, |r| r.scripts = runs);
    if any {
        script_tick(c, key);
    }
}

/// Runs the parts of a pod's timed commands that are due (their output goes to the
/// log), and ends the container when every container's command has finished.
pub fn script_tick(c: &mut Cluster, key: &Key) {
    use super::script::End;
    let Some(rt) = c.pods.get(key) else { return };
    let initializing = matches!(rt.stage, Stage::Initializing { .. });
    if !(rt.stage == Stage::Running || initializing) || rt.scripts.is_empty() {
        return;
    }
    let mut runs = rt.scripts.clone();
    let mut status = rt.exit_code;
    let mut next: Option<Millis> = None;
    let mut all_ended = true;
    let run_part = |c: &mut Cluster, container: &str, text: &str| {
        let argv = ["sh".to_string(), "-c".to_string(), text.to_string()];
        let (out, code) = crate::term::pod::exec_in_pod(c, key, container, &argv, "", false);
        append_log(c, key, &out.combined());
        code
    };
    for run in &mut runs {
        while let Some((offset, text)) = run.plan.parts.get(run.done) {
            let due = run.start.saturating_add(*offset);
            if due > c.now {
                next = Some(next.map_or(due, |n| n.min(due)));
                break;
            }
            status = run_part(c, &run.container, text);
            run.done += 1;
        }
        let parts_left = run.done < run.plan.parts.len();
        let end = run.plan.end.clone();
        match &end {
            End::ExitAt(at) => {
                let due = run.start.saturating_add(*at);
                if parts_left || due > c.now {
                    all_ended = false;
                    if !parts_left {
                        next = Some(next.map_or(due, |n| n.min(due)));
                    }
                }
            }
            End::Repeat {
                period,
                body,
                until,
                ..
            } => {
                if parts_left {
                    all_ended = false;
                    continue;
                }
                // The timer fires at each run, so this catches up at most a few.
                let mut rounds = 0;
                let mut looping = true;
                while looping && run.next_loop <= c.now && rounds < 100 {
                    if let Some(u) = until {
                        if run_part(c, &run.container, &u.cond) == 0 {
                            // The loop is over: what follows it runs and the process exits.
                            status = if u.after.is_empty() {
                                0
                            } else {
                                run_part(c, &run.container, &u.after)
                            };
                            run.plan.end = End::ExitAt(c.now.saturating_sub(run.start));
                            looping = false;
                            break;
                        }
                    }
                    run_part(c, &run.container, body);
                    run.next_loop = run.next_loop.saturating_add(*period);
                    rounds += 1;
                }
                if looping {
                    all_ended = false;
                    next = Some(next.map_or(run.next_loop, |n| n.min(run.next_loop)));
                }
            }
            End::Never => all_ended = false,
        }
    }
    let timed = runs.len();
    update_rt(c, key, |r| {
        r.scripts = runs;
        r.exit_code = status;
    });
    if initializing && all_ended {
        return init_exited(c, key);
    }
    let Some(pod) = pod_of(c, key) else { return };
    // A container running something else (a server) keeps the pod running.
    let containers = pod.spec.as_ref().map_or(0, |s| {
        s.containers
            .iter()
            .filter(|ct| ct.stdin != Some(true))
            .count()
    });
    if all_ended && timed == containers {
        let Some(rt) = c.pods.get(key).cloned() else {
            return;
        };
        return container_exited(c, key, Arc::unwrap_or_clone(pod), rt);
    }
    if let Some(at) = next {
        c.schedule(at, Timer::Script(key.clone()));
    }
}

/// The most log text kept per pod from run-to-completion commands.
const MAX_LOG_BYTES: usize = 1 << 20;

/// Clients and tools that end by themselves.
const ONE_SHOT_TOOLS: &[&str] = &[
    "wget",
    "curl",
    "nslookup",
    "cat",
    "ls",
    "env",
    "printenv",
    "hostname",
    "date",
    "uname",
    "id",
    "whoami",
    "true",
    "false",
    "iptables-save",
    "iptables",
];

/// Whether every command of a `sh -c` script is a one-shot tool or plain shell (no
/// servers, waits or loops that may not end).
fn finite_script(script: &str) -> bool {
    const SHELL: &[&str] = &[
        "echo", "printf", "seq", "for", "do", "done", "in", "if", "then", "else", "fi", "grep",
        "wc", "sort", "uniq", "head", "tr", "cut", "test", "[", "exit", "set", "export",
    ];
    script
        .split([';', '&', '|', '\n', '(', ')', '`'])
        .filter_map(|segment| segment.split_whitespace().next())
        .filter(|word| !word.starts_with('$') && !word.contains('='))
        .all(|word| {
            let base = word.rsplit('/').next().unwrap_or(word);
            ONE_SHOT_TOOLS.contains(&base) || SHELL.contains(&base)
        })
}

/// Runs the containers' run-to-completion commands (see [`one_shot`]) now that the
/// pod has its IP: their output becomes the log, their status the exit code.
fn run_one_shots(c: &mut Cluster, key: &Key) {
    let Some(pod) = pod_of(c, key) else { return };
    let runs: Vec<(String, Vec<String>)> = pod
        .spec
        .iter()
        .flat_map(|s| s.containers.iter())
        // `kubectl run -i` attaches and runs the command itself (`stdin: true`).
        .filter(|ct| ct.stdin != Some(true))
        .filter_map(|ct| Some((ct.name.clone(), one_shot(ct)?)))
        .collect();
    // dash's exit status for a command it cannot find (see `entrypoint_exec_error`).
    let mut status = if pod
        .spec
        .iter()
        .flat_map(|s| s.containers.iter())
        .any(|ct| entrypoint_exec_error(ct).is_some())
    {
        127
    } else {
        0
    };
    drop(pod);
    for (name, argv) in runs {
        let (out, code) = crate::term::pod::exec_in_pod(c, key, &name, &argv, "", false);
        append_log(c, key, &out.combined());
        if code != 0 {
            status = code;
        }
    }
    update_rt(c, key, |r| r.exit_code = status);
}

/// Appends what a container printed to its log, keeping the newest [`MAX_LOG_BYTES`]:
/// a crash-looping client logs on every run, and the kubelet rotates container logs
/// (it keeps 10 MiB; a browser tab less).
fn append_log(c: &mut Cluster, key: &Key, text: &str) {
    let log = c.net.logs.entry(key.clone()).or_default();
    log.extend(text.lines().map(|l| (c.now, l.to_string())));
    let mut bytes: usize = log.iter().map(|(_, l)| l.len() + 1).sum();
    let mut drop = 0;
    while bytes > MAX_LOG_BYTES && drop < log.len() {
        bytes -= log[drop].1.len() + 1;
        drop += 1;
    }
    log.drain(..drop);
}

/// How an attached run (`kubectl run -i`) of a run-to-completion command ended: what
/// it printed is the container's log, and the container ends with its status when its
/// exit falls due.
pub fn finish_attached(c: &mut Cluster, key: &Key, code: i32, printed: &str) {
    let runs_to_completion = pod_of(c, key).is_some_and(|p| {
        p.spec
            .as_ref()
            .is_some_and(|s| s.containers.iter().any(|ct| one_shot(ct).is_some()))
    });
    if runs_to_completion {
        append_log(c, key, printed);
    }
    update_rt(c, key, |r| r.exit_code = code);
}

/// An attached shell ended (`kubectl debug node/NAME -it`, whose pod restarts
/// nothing): the container's process exits with the shell's status.
pub fn end_attached(c: &mut Cluster, key: &Key, code: i32) {
    if c.pods.get(key).map(|r| &r.stage) != Some(&Stage::Running) {
        return;
    }
    let Some(pod) = pod_of(c, key) else { return };
    update_rt(c, key, |r| r.exit_code = code);
    let Some(rt) = c.pods.get(key).cloned() else {
        return;
    };
    container_exited(c, key, Arc::unwrap_or_clone(pod), rt);
}

/// What dash prints when the official nginx image's entrypoint cannot run the
/// container's args: docker-entrypoint.sh ends in `exec "$@"` (its line 47), so args
/// that do not start nginx are exec'd, and a program the image lacks ends the
/// container at once, status 127.
pub fn entrypoint_exec_error(ct: &k8s_openapi::api::core::v1::Container) -> Option<String> {
    let image = ct.image.as_deref().unwrap_or("");
    if ct.command.as_ref().is_some_and(|c| !c.is_empty())
        || images::image_repo(image) != "nginx"
        || image.contains("alpine")
    {
        return None;
    }
    let prog = ct.args.as_ref()?.first()?;
    if prog == "nginx"
        || prog == "nginx-debug"
        || !crate::term::pod::image_lacks_program(image, prog)
    {
        return None;
    }
    Some(format!(
        "/docker-entrypoint.sh: 47: exec: {prog}: not found"
    ))
}

/// Whether the container's process ends by itself right after starting.
pub fn exits_at_once(ct: &k8s_openapi::api::core::v1::Container) -> bool {
    if one_shot(ct).is_some() || entrypoint_exec_error(ct).is_some() {
        return true;
    }
    let image = ct.image.as_deref().unwrap_or("");
    let has_cmd = ct.command.as_ref().is_some_and(|c| !c.is_empty())
        || ct.args.as_ref().is_some_and(|a| !a.is_empty());
    if has_cmd {
        let first = ct
            .command
            .as_ref()
            .and_then(|c| c.first())
            .or_else(|| ct.args.as_ref().and_then(|a| a.first()))
            .map(String::as_str)
            .unwrap_or("");
        let base = first.rsplit('/').next().unwrap_or(first);
        // The clients and tools of `one_shot` are handled above.
        return matches!(base, "echo" | "exit");
    }
    // The image's own shell waits for input while its stdin is kept open (`-i`: kubectl
    // run -i, kubectl debug node/NAME -it).
    if ct.stdin == Some(true) {
        return false;
    }
    images::profile(image).exits_without_command
}

/// Whether a container ends before anyone can see it run: it exits at once and is not
/// a network client (those keep their running status while they talk: the in-pod
/// tools read the pod's IP from its status). The kubelet writes the status it had
/// before a start (kubelet.go SyncPod: generateAPIPodStatus, then the runtime's
/// SyncPod) and learns of the start from the PLEG's relist every second; a process
/// gone by then is reported terminated, never running.
fn quiet_exit(ct: &k8s_openapi::api::core::v1::Container) -> bool {
    const NETWORK: &[&str] = &["wget", "curl", "nslookup"];
    exits_at_once(ct)
        && ct.stdin != Some(true)
        && !one_shot(ct).is_some_and(|argv| {
            argv.iter().any(|a| {
                a.split(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '/'))
                    .any(|w| NETWORK.contains(&w.rsplit('/').next().unwrap_or(w)))
            })
        })
}

fn pod_image_pull_fails(pod: &Pod) -> Option<String> {
    pod.spec.as_ref()?.containers.iter().find_map(|ct| {
        let image = ct.image.clone().unwrap_or_default();
        images::profile(&image).pull_fails.then_some(image)
    })
}

/// The kubelet's work for one pod at the current instant.
pub fn wake(c: &mut Cluster, key: &Key) {
    let Some(rt) = c.pods.get(key).cloned() else {
        return;
    };
    let Some(pod) = pod_of(c, key) else {
        c.pods.remove(key);
        return;
    };
    match rt.stage {
        Stage::Terminating { kill_at } => {
            if c.now >= kill_at {
                if containers_stopped(c, key, &pod) {
                    // The status update and the final delete are writes a watch sees
                    // one after the other (timers fall on whole seconds: the next one).
                    let at = c.now + 1;
                    update_rt(c, key, |r| r.stage = Stage::Stopped { at });
                    c.schedule(at, Timer::Pod(key.clone()));
                } else {
                    drop(pod);
                    c.remove_object(key);
                }
            }
        }
        Stage::Stopped { at } => {
            if c.now >= at {
                // The kubelet's DELETE with grace period 0 updates the pod, then it goes.
                let mut pod = pod;
                Arc::make_mut(&mut pod)
                    .metadata
                    .deletion_grace_period_seconds = Some(0);
                c.store.put(Object::Pod(pod));
                c.remove_object(key);
            }
        }
        Stage::Creating if pod_range_exhausted(c, &pod) => sandbox_failed(c, key, pod),
        Stage::Creating if rt.inits_done < init_count(&pod) => start_init(c, key, pod, rt),
        Stage::Initializing { timed: true } if current_is_sidecar(&pod, &rt) => {
            drop(pod);
            sidecar_started(c, key)
        }
        Stage::Initializing { timed: true } => init_exited(c, key),
        Stage::Initializing { .. } => {}
        Stage::CrashBackOff if rt.inits_done < init_count(&pod) => start_init(c, key, pod, rt),
        Stage::Creating => match never_pulled_image(c, &pod) {
            Some(image) => never_pull_failed(c, key, Arc::unwrap_or_clone(pod), image),
            None => match pod_image_pull_fails(&pod) {
                Some(image) => pull_failed(c, key, Arc::unwrap_or_clone(pod), rt, image, 1),
                None => match container_config_error(c, &pod) {
                    Some(error) => config_failed(c, key, Arc::unwrap_or_clone(pod), error),
                    None => start_containers(c, key, pod, rt),
                },
            },
        },
        Stage::PullFailing {
            attempt,
            backing_off,
        } => {
            let image = pod_image_pull_fails(&pod).unwrap_or_default();
            if backing_off {
                pull_failed(c, key, Arc::unwrap_or_clone(pod), rt, image, attempt + 1);
            } else {
                // ErrImagePull shown for a moment, then the back-off.
                let mut pod = Arc::unwrap_or_clone(pod);
                let msg = format!("Back-off pulling image \"{image}\"");
                set_waiting_all(&mut pod, "ImagePullBackOff", Some(msg.clone()), 0);
                let obj = Object::from(pod);
                let node = node_of(&obj);
                c.record_event(&obj, "Normal", "BackOff", &msg, "kubelet", node.as_deref());
                // startContainer's FailedToCreateContainer for ErrImagePullBackOff.
                c.record_event(
                    &obj,
                    "Warning",
                    "Failed",
                    "Error: ImagePullBackOff",
                    "kubelet",
                    node.as_deref(),
                );
                c.store.put(obj);
                let backoff = backoff_after(i64::from(attempt));
                update_rt(c, key, |r| {
                    r.stage = Stage::PullFailing {
                        attempt,
                        backing_off: true,
                    }
                });
                c.schedule(c.now + backoff, Timer::Pod(key.clone()));
            }
        }
        Stage::Running => running_tick(c, key, Arc::unwrap_or_clone(pod), rt),
        Stage::CrashBackOff => start_containers(c, key, pod, rt),
        Stage::BackOffShown { exited } => {
            show_backoff(c, key, Arc::unwrap_or_clone(pod), rt, exited)
        }
        Stage::StartFailed { at } => show_start_failure(c, key, Arc::unwrap_or_clone(pod), rt, at),
        Stage::Finished => {}
    }
}

fn init_count(pod: &Pod) -> usize {
    pod.spec
        .as_ref()
        .and_then(|s| s.init_containers.as_ref())
        .map_or(0, Vec::len)
}

/// Starts the next init container (kuberuntime computePodActions: one at a time, in
/// order, each only after the one before exited 0). It runs like a main container's
/// command: a client to completion, a timed script (an `until` loop waits for its
/// condition), an image that exits at once, or something that never ends.
fn start_init(c: &mut Cluster, key: &Key, pod: Arc<Pod>, rt: PodRuntime) {
    let index = rt.inits_done;
    let Some(ct) = pod
        .spec
        .as_ref()
        .and_then(|s| s.init_containers.as_ref())
        .and_then(|v| v.get(index))
        .cloned()
    else {
        return;
    };
    let restarts = rt.restarts + i32::from(rt.stage == Stage::CrashBackOff);
    let mut pod = Arc::unwrap_or_clone(pod);
    sandbox_up(c, &mut pod);
    let now = c.now_time();
    let seed = c.now ^ super::store::KeyLike::parts_hash(key) as Millis;
    let status = pod.status.get_or_insert_with(Default::default);
    if let Some(cs) = status
        .init_container_statuses
        .as_mut()
        .and_then(|v| v.get_mut(index))
    {
        let last_state = match &cs.state {
            Some(st) if st.terminated.is_some() => Some(st.clone()),
            _ => cs.last_state.clone(),
        };
        *cs = ContainerStatus {
            restart_count: restarts,
            last_state,
            // prober_manager UpdatePodStatus: a started sidecar without a readiness
            // probe is ready.
            ready: is_sidecar(&ct) && ct.readiness_probe.is_none(),
            ..running_status(&ct, 1000 + index as u64, &now, seed)
        };
    }
    let obj = Object::from(pod);
    let node = node_of(&obj);
    // Like the app containers: every start goes through EnsureImageExists.
    let images = images_to_ensure(std::slice::from_ref(&ct));
    ensure_images(c, &obj, &images, node.as_deref(), seed as u64);
    let name = &ct.name;
    let created = format!("Created container: {name}");
    c.record_event(
        &obj,
        "Normal",
        "Created",
        &created,
        "kubelet",
        node.as_deref(),
    );
    let started = format!("Started container {name}");
    c.record_event(
        &obj,
        "Normal",
        "Started",
        &started,
        "kubelet",
        node.as_deref(),
    );
    c.store.put(obj);
    if is_sidecar(&ct) {
        // A sidecar keeps running; the kubelet's next sync (after the PLEG sees it
        // started) goes on to the next container (computeInitContainerActions).
        let now_ms = c.now;
        update_rt(c, key, |r| {
            r.stage = Stage::Initializing { timed: true };
            r.started_at = Some(now_ms);
            r.scripts = Vec::new();
        });
        c.schedule(c.now + 1000, Timer::Pod(key.clone()));
        return;
    }
    let plan = super::script::plan(&argv_of(&ct), finite_script);
    let timed = one_shot(&ct).is_some() || (plan.is_none() && exits_at_once(&ct));
    let now_ms = c.now;
    update_rt(c, key, |r| {
        r.stage = Stage::Initializing { timed };
        r.restarts = restarts;
        r.started_at = Some(now_ms);
        r.exit_code = 0;
        r.scripts = Vec::new();
    });
    if let Some(argv) = one_shot(&ct) {
        let (out, code) = crate::term::pod::exec_in_pod(c, key, name, &argv, "", false);
        append_log(c, key, &out.combined());
        update_rt(c, key, |r| r.exit_code = code);
    }
    if timed {
        c.schedule(c.now + 1000, Timer::Pod(key.clone()));
    } else if let Some(plan) = plan {
        let run = ScriptRun::new(&ct.name, plan, c.now);
        update_rt(c, key, |r| r.scripts = vec![run]);
        script_tick(c, key);
    }
}

/// A restartable init container (`restartPolicy: Always`, a sidecar): it starts in
/// its turn among the init containers and keeps running beside the app containers.
pub fn is_sidecar(ct: &k8s_openapi::api::core::v1::Container) -> bool {
    ct.restart_policy.as_deref() == Some("Always")
}

fn current_is_sidecar(pod: &Pod, rt: &PodRuntime) -> bool {
    pod.spec
        .as_ref()
        .and_then(|s| s.init_containers.as_ref())
        .and_then(|v| v.get(rt.inits_done))
        .is_some_and(is_sidecar)
}

/// The sidecar the kubelet started is running (no startup probe: started at once): it
/// counts as initialized (GeneratePodInitializedCondition) and the next init container,
/// or the app containers, start in this sync.
fn sidecar_started(c: &mut Cluster, key: &Key) {
    let Some(pod) = pod_of(c, key) else { return };
    let inits = pod
        .spec
        .as_ref()
        .and_then(|s| s.init_containers.clone())
        .unwrap_or_default();
    drop(pod);
    let done = c.pods.get(key).map_or(0, |r| r.inits_done) + 1;
    let now = c.now_time();
    c.store.update_pod(key, |_, status| {
        let status = status.get_or_insert_with(Default::default);
        let mut conds = status.conditions.take().unwrap_or_default();
        let pending: Vec<_> = inits.get(done..).unwrap_or_default().to_vec();
        set_condition(&mut conds, initialized(&pending, &now));
        status.conditions = Some(order_conditions(conds));
    });
    update_rt(c, key, |r| {
        r.stage = Stage::Creating;
        r.inits_done = done;
        r.restarts = 0;
        r.started_at = None;
    });
    wake(c, key);
}

/// The running init container exited with the runtime's `exit_code`: the next one
/// starts (or the app containers, once all completed, the pod showing PodInitializing
/// meanwhile); a failure restarts it with the back-off of any container
/// (`Init:Error`, then `Init:CrashLoopBackOff`), or fails the pod under restartPolicy
/// Never.
fn init_exited(c: &mut Cluster, key: &Key) {
    let (Some(rt), Some(pod)) = (c.pods.get(key).cloned(), pod_of(c, key)) else {
        return;
    };
    let index = rt.inits_done;
    let inits = pod
        .spec
        .as_ref()
        .and_then(|s| s.init_containers.clone())
        .unwrap_or_default();
    let Some(ct) = inits.get(index) else { return };
    let never = pod.spec.as_ref().and_then(|s| s.restart_policy.as_deref()) == Some("Never");
    let now = c.now_time();
    let code = rt.exit_code;
    let mut pod = Arc::unwrap_or_clone(pod);
    let uid = pod.metadata.uid.clone().unwrap_or_default();
    let status = pod.status.get_or_insert_with(Default::default);
    let Some(cs) = status
        .init_container_statuses
        .as_mut()
        .and_then(|v| v.get_mut(index))
    else {
        return;
    };
    let terminated = ContainerState {
        terminated: Some(ContainerStateTerminated {
            exit_code: code,
            reason: Some(if code == 0 { "Completed" } else { "Error" }.into()),
            started_at: rt.started_at.map(|t| c.time(t)),
            finished_at: Some(now.clone()),
            container_id: cs.container_id.clone(),
            ..Default::default()
        }),
        ..Default::default()
    };
    cs.started = Some(false);
    // A restart after the first exit waits out the back-off (as `container_exited`).
    let backoff =
        (rt.restarts > 0 && code != 0 && !never).then(|| backoff_after(rt.restarts.into()));
    match backoff {
        Some(ms) => {
            cs.last_state = Some(terminated);
            cs.state = Some(ContainerState {
                waiting: Some(ContainerStateWaiting {
                    reason: Some("CrashLoopBackOff".into()),
                    message: Some(backoff_waiting_message(ms, &ct.name, key, &uid)),
                }),
                ..Default::default()
            });
        }
        None => {
            cs.ready = code == 0;
            cs.state = Some(terminated);
        }
    }
    let mut conds = status.conditions.take().unwrap_or_default();
    let done = index + usize::from(code == 0);
    set_condition(&mut conds, initialized(&inits[done..], &now));
    if code != 0 && never {
        status.phase = Some("Failed".into());
    }
    status.conditions = Some(order_conditions(conds));
    let obj = Object::from(pod);
    if backoff.is_some() {
        let node = node_of(&obj);
        let msg = backoff_event_message(&ct.name, key, &uid);
        c.record_event(&obj, "Warning", "BackOff", &msg, "kubelet", node.as_deref());
    }
    c.store.put(obj);
    let stage = match (code, never) {
        (0, _) => Stage::Creating,
        (_, true) => Stage::Finished,
        _ => Stage::CrashBackOff,
    };
    let next = match (&stage, backoff) {
        (Stage::Finished, _) => None,
        (_, Some(ms)) => Some(ms),
        _ => Some(1000),
    };
    update_rt(c, key, |r| {
        r.stage = stage;
        r.inits_done = done;
        r.scripts = Vec::new();
        if code == 0 {
            // The next container counts its own restarts and starts afresh.
            r.restarts = 0;
            r.started_at = None;
        }
    });
    if let Some(ms) = next {
        c.schedule(c.now + ms, Timer::Pod(key.clone()));
    }
}

fn node_of(obj: &Object) -> Option<String> {
    match obj {
        Object::Pod(p) => p.spec.as_ref()?.node_name.clone(),
        _ => None,
    }
}

fn update_rt(c: &mut Cluster, key: &Key, f: impl FnOnce(&mut PodRuntime)) {
    if let Some(r) = c.pods.get_mut(key) {
        f(r);
    }
}

fn set_waiting_all(pod: &mut Pod, reason: &str, message: Option<String>, restarts: i32) {
    let cts: Vec<_> = pod
        .spec
        .as_ref()
        .map(|s| s.containers.clone())
        .unwrap_or_default();
    let status = pod.status.get_or_insert_with(Default::default);
    status.container_statuses = Some(
        cts.iter()
            .map(|ct| waiting_status(ct, reason, message.clone(), restarts))
            .collect(),
    );
}

fn pull_failed(
    c: &mut Cluster,
    key: &Key,
    mut pod: Pod,
    _rt: PodRuntime,
    image: String,
    attempt: u32,
) {
    // The normalized reference (docker reference.ParseNormalizedNamed): Docker Hub unless
    // the first path part names a registry host.
    let reference = match image.split_once('/') {
        None => format!("docker.io/library/{image}"),
        Some((host, _)) if host.contains(['.', ':']) || host == "localhost" => image.clone(),
        Some(_) => format!("docker.io/{image}"),
    };
    let reference = if reference
        .rsplit('/')
        .next()
        .is_some_and(|l| l.contains(':'))
    {
        reference
    } else {
        format!("{reference}:latest")
    };
    // The CRI error as the kubelet receives it (a gRPC status): containerd's resolver
    // answers "<ref>: not found" (errdefs.ErrNotFound, code NotFound) for a missing tag and
    // "pull access denied ..." (code Unknown) for a repository that does not exist.
    let (code, cause) = if images::profile(&image).tag_missing {
        ("NotFound", format!("{reference}: not found"))
    } else {
        ("Unknown", "pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed".to_string())
    };
    let detail = format!(
        "rpc error: code = {code} desc = failed to pull and unpack image \"{reference}\": failed to resolve reference \"{reference}\": {cause}"
    );
    // A pod stuck on its image has an IP and is a not-ready endpoint.
    sandbox_up(c, &mut pod);
    set_waiting_all(&mut pod, "ErrImagePull", Some(detail.clone()), 0);
    let obj = Object::from(pod);
    let node = node_of(&obj);
    c.record_event(
        &obj,
        "Normal",
        "Pulling",
        &format!("Pulling image \"{image}\""),
        "kubelet",
        node.as_deref(),
    );
    c.record_event(
        &obj,
        "Warning",
        "Failed",
        &format!("Failed to pull image \"{image}\": {detail}"),
        "kubelet",
        node.as_deref(),
    );
    c.record_event(
        &obj,
        "Warning",
        "Failed",
        "Error: ErrImagePull",
        "kubelet",
        node.as_deref(),
    );
    c.store.put(obj);
    update_rt(c, key, |r| {
        r.stage = Stage::PullFailing {
            attempt,
            backing_off: false,
        }
    });
    c.schedule(c.now + 1500, Timer::Pod(key.clone()));
}

/// kubelet_pods.go `makeEnvironmentVariables`: the first ConfigMap or Secret a
/// container's envFrom or env needs (not marked optional) that is missing, or a key
/// missing from one, as the error the kubelet reports for the container.
fn container_config_error(c: &Cluster, pod: &Pod) -> Option<String> {
    let ns = pod.metadata.namespace.as_deref().unwrap_or("default");
    // Whether the object exists, and whether its `data` has the key.
    let lookup = |kind: &str, name: &str, key: &str| match c.store.get_parts(kind, ns, name) {
        None => None,
        Some(Object::Generic(g)) => Some(g.data_entries().any(|(k, _)| k == key)),
        Some(_) => Some(false),
    };
    // The kubelet's object cache names the resource in the singular.
    let missing = |kind: &str, name: &str| format!("{} \"{name}\" not found", kind.to_lowercase());
    let containers = pod.spec.as_ref().map_or(&[][..], |s| &s.containers[..]);
    for ct in containers {
        for source in ct.env_from.iter().flatten() {
            let (kind, name, optional) = match (&source.config_map_ref, &source.secret_ref) {
                (Some(r), _) => ("ConfigMap", r.name.as_str(), r.optional),
                (None, Some(r)) => ("Secret", r.name.as_str(), r.optional),
                _ => continue,
            };
            if optional != Some(true) && lookup(kind, name, "").is_none() {
                return Some(missing(kind, name));
            }
        }
        for env in ct.env.iter().flatten() {
            let Some(vf) = &env.value_from else { continue };
            let (kind, name, key, optional) = match (&vf.config_map_key_ref, &vf.secret_key_ref) {
                (Some(r), _) => ("ConfigMap", r.name.as_str(), r.key.as_str(), r.optional),
                (None, Some(r)) => ("Secret", r.name.as_str(), r.key.as_str(), r.optional),
                _ => continue,
            };
            if optional == Some(true) {
                continue;
            }
            match lookup(kind, name, key) {
                None => return Some(missing(kind, name)),
                Some(false) => {
                    return Some(format!("couldn't find key {key} in {kind} {ns}/{name}"));
                }
                Some(true) => {}
            }
        }
    }
    None
}

/// A container whose environment cannot be made: the sandbox (and IP) exists, the
/// container waits in CreateContainerConfigError, and the pod worker tries again after
/// its back-off (kubelet `backOffPeriod`, 10 s), so a ConfigMap created later is picked up.
fn config_failed(c: &mut Cluster, key: &Key, mut pod: Pod, error: String) {
    sandbox_up(c, &mut pod);
    set_waiting_all(
        &mut pod,
        "CreateContainerConfigError",
        Some(error.clone()),
        0,
    );
    let images = images_to_ensure(pod.spec.as_ref().map_or(&[][..], |s| &s.containers[..]));
    let obj = Object::from(pod);
    let node = node_of(&obj);
    ensure_images(
        c,
        &obj,
        &images,
        node.as_deref(),
        super::store::KeyLike::parts_hash(key),
    );
    c.record_event(
        &obj,
        "Warning",
        "Failed",
        &format!("Error: {error}"),
        "kubelet",
        node.as_deref(),
    );
    c.store.put(obj);
    c.schedule(c.now + 10_000, Timer::Pod(key.clone()));
}

/// The sandbox (and its IP) exists before any container is made (kubelet SyncPod:
/// createPodSandbox, then pull and start containers), whatever then fails: the pod
/// has an IP and `generatePodReadyToStartContainersCondition` is True.
fn sandbox_up(c: &mut Cluster, pod: &mut Pod) {
    let has_ip = pod
        .status
        .as_ref()
        .and_then(|s| s.pod_ip.as_ref())
        .is_some();
    let ip = if has_ip { None } else { next_pod_ip(c, pod) };
    let now = c.now_time();
    let status = pod.status.get_or_insert_with(Default::default);
    if let Some(ip) = ip {
        status.pod_ip = Some(ip.clone());
        status.pod_ips = Some(vec![PodIP { ip }]);
    }
    let mut conds = status.conditions.take().unwrap_or_default();
    set_condition(
        &mut conds,
        condition("PodReadyToStartContainers", true, &now),
    );
    status.conditions = Some(order_conditions(conds));
}

/// The kubelet's `Pulled` event for an image the node already has.
fn image_present(c: &mut Cluster, pod: &Object, image: &str, node: Option<&str>) {
    let message = format!("Container image \"{image}\" already present on machine");
    c.record_event(pod, "Normal", "Pulled", &message, "kubelet", node);
}

/// Each container's image and whether its imagePullPolicy is Always (None: Never).
fn images_to_ensure(cts: &[k8s_openapi::api::core::v1::Container]) -> Vec<(String, Option<bool>)> {
    cts.iter()
        .map(|ct| {
            let policy = match ct.image_pull_policy.as_deref() {
                Some("Always") => Some(true),
                Some("Never") => None,
                _ => Some(false),
            };
            (ct.image.clone().unwrap_or_default(), policy)
        })
        .collect()
}

/// Whether `node` holds `image` now: kind's preloaded system images, or one a start
/// there has finished pulling.
fn node_holds(c: &Cluster, node: Option<&str>, image: &str) -> bool {
    images::preloaded(image)
        || node
            .and_then(|n| c.node_images.get(n))
            .and_then(|held| held.get(image))
            .is_some_and(|&done| done <= c.now)
}

/// The first container image the pod's node lacks under imagePullPolicy Never: the
/// kubelet never pulls it (image_manager.go shouldPullImage), so its start fails with
/// ErrImageNeverPull. A real kind node gets such an image from `kind load docker-image`,
/// which the playground does not have: only preloaded or already pulled images are there.
fn never_pulled_image(c: &Cluster, pod: &Pod) -> Option<String> {
    let spec = pod.spec.as_ref()?;
    let node = spec.node_name.as_deref();
    spec.containers.iter().find_map(|ct| {
        let image = ct.image.as_deref().unwrap_or_default();
        let never = ct.image_pull_policy.as_deref() == Some("Never");
        (never && !node_holds(c, node, image)).then(|| image.to_string())
    })
}

/// The start of a pod whose Never-policy image is missing (image_manager.go
/// EnsureImageExists, then kuberuntime_container.go startContainer): an ErrImageNeverPull
/// warning "Container image %q is not present with pull policy of Never", a `Failed`
/// "Error: ErrImageNeverPull", the containers waiting with that reason and message, and
/// the pod worker's retry 10 s later.
fn never_pull_failed(c: &mut Cluster, key: &Key, mut pod: Pod, image: String) {
    sandbox_up(c, &mut pod);
    let msg = format!("Container image \"{image}\" is not present with pull policy of Never");
    set_waiting_all(&mut pod, "ErrImageNeverPull", Some(msg.clone()), 0);
    let obj = Object::from(pod);
    let node = node_of(&obj);
    let node = node.as_deref();
    c.record_event(&obj, "Warning", "ErrImageNeverPull", &msg, "kubelet", node);
    c.record_event(
        &obj,
        "Warning",
        "Failed",
        "Error: ErrImageNeverPull",
        "kubelet",
        node,
    );
    c.store.put(obj);
    c.schedule(c.now + 10_000, Timer::Pod(key.clone()));
}

/// The image events before containers are created (image_manager.go EnsureImageExists):
/// a pull for policy Always; else "already present" when the node holds the image - kind's
/// preloaded system images, or one an earlier start there pulled - and a pull otherwise.
/// A start while that first pull is still running pulls too, as the kubelet only finds
/// an image present once a pull has ended.
fn ensure_images(
    c: &mut Cluster,
    pod: &Object,
    images: &[(String, Option<bool>)],
    node: Option<&str>,
    seed: u64,
) {
    for (image, always) in images {
        // Never: the image is there (`never_pulled_image` stopped the start otherwise).
        if *always != Some(true) && (always.is_none() || node_holds(c, node, image)) {
            image_present(c, pod, image, node);
            continue;
        }
        let took = image_pulled(c, pod, image, node, seed);
        if let Some(n) = node {
            let done = c.now + took;
            let held = c.node_images.entry(n.to_string()).or_default();
            let at = held.entry(image.clone()).or_insert(done);
            *at = (*at).min(done);
        }
    }
}
/// The kubelet's events for a pull (pkg/kubelet/images/image_manager.go): on every
/// container start for imagePullPolicy Always, however often the node has had the image,
/// and on a node's first start of any other image. The duration (returned, in ms) is
/// Go's `Duration.String` of whole milliseconds, derived from `seed`; the pull happens
/// within the start's usual delay (the playground's registry is quick).
fn image_pulled(
    c: &mut Cluster,
    pod: &Object,
    image: &str,
    node: Option<&str>,
    seed: u64,
) -> Millis {
    let pulling = format!("Pulling image \"{image}\"");
    c.record_event(pod, "Normal", "Pulling", &pulling, "kubelet", node);
    let took_ms = 350 + (seed % 1150) as Millis;
    let took = go_duration(took_ms);
    let size = images::size_bytes(image);
    let message = format!(
        "Successfully pulled image \"{image}\" in {took} ({took} including waiting). Image size: {size} bytes."
    );
    c.record_event(pod, "Normal", "Pulled", &message, "kubelet", node);
    took_ms
}

/// Go's `time.Duration.String` for a whole number of milliseconds under an hour:
/// `532ms`, `1s`, `1.04s`, `1.039s`, `5m0s`.
fn go_duration(ms: Millis) -> String {
    if (0..1000).contains(&ms) {
        return if ms == 0 {
            "0s".into()
        } else {
            format!("{ms}ms")
        };
    }
    let fraction = format!("{:03}", ms % 1000);
    let fraction = fraction.trim_end_matches('0');
    let (minutes, seconds) = (ms / 60_000, ms / 1000 % 60);
    let seconds = if fraction.is_empty() {
        format!("{seconds}s")
    } else {
        format!("{seconds}.{fraction}s")
    };
    if minutes > 0 {
        format!("{minutes}m{seconds}")
    } else {
        seconds
    }
}

fn next_pod_ip(c: &mut Cluster, pod: &Pod) -> Option<String> {
    let spec = pod.spec.as_ref()?;
    let node = spec.node_name.clone()?;
    if spec.host_network == Some(true) {
        return node_ip(c, &node);
    }
    let range = node_pod_range(c, &node)?;
    let ip = free_pod_ip(c, &node, range)?;
    c.next_pod_ip.insert(node, ip);
    Some(super::alloc::ip_to_string(ip))
}

/// The address host-local IPAM hands the next sandbox on `node` (allocator.go `Get`
/// with its RangeIter): round robin from the last reserved address + 1, wrapping from
/// RangeEnd to RangeStart, skipping the gateway and every address still reserved - one
/// a pod on this node holds until its sandbox goes (a finished pod's sandbox is gone,
/// so its address may be handed out again while its status still shows it) within the
/// node's `(start, end)` range ([`node_pod_range`]). None when the range is exhausted.
fn free_pod_ip(c: &Cluster, node: &str, (start, end): (u32, u32)) -> Option<u32> {
    let gateway = start;
    let last = c
        .next_pod_ip
        .get(node)
        .copied()
        .filter(|ip| (start..=end).contains(ip));
    let first = match last {
        Some(ip) if ip < end => ip + 1,
        _ => start,
    };
    let mut ip = first;
    loop {
        if ip != gateway && !pod_ip_reserved(c, node, ip) {
            return Some(ip);
        }
        ip = if ip >= end { start } else { ip + 1 };
        if ip == first {
            return None;
        }
    }
}

/// Whether a pod on `node` whose sandbox still exists (bound there, not finished) has
/// this address.
fn pod_ip_reserved(c: &Cluster, node: &str, ip: u32) -> bool {
    let ip = super::alloc::ip_to_string(ip);
    c.store.pods_with_ip(&ip).any(|o| match o {
        Object::Pod(p) => {
            p.spec.as_ref().and_then(|s| s.node_name.as_deref()) == Some(node)
                && !super::resources::is_finished(p)
        }
        _ => false,
    })
}

/// The pod needs a sandbox (it has no IP and is not on the host's network) and its
/// node's pod range has no address left.
fn pod_range_exhausted(c: &Cluster, pod: &Pod) -> bool {
    let Some(spec) = pod.spec.as_ref() else {
        return false;
    };
    let Some(node) = spec.node_name.as_deref() else {
        return false;
    };
    let has_ip = pod
        .status
        .as_ref()
        .and_then(|s| s.pod_ip.as_ref())
        .is_some();
    !has_ip
        && spec.host_network != Some(true)
        && node_pod_range(c, node).is_some_and(|range| free_pod_ip(c, node, range).is_none())
}

/// kuberuntime_manager.go SyncPod: createPodSandbox failed, so no container is made and
/// the pod stays ContainerCreating; the pod worker tries again after its back-off
/// (pod_workers.go, kubelet.go `backOffPeriod`, 10 s). The message is the CRI error as
/// the kubelet records it ("Failed to create pod sandbox: %v"): containerd's
/// "failed to setup network for sandbox %q: %w" around libcni's "plugin %s failed (add):
/// %w" (api.go `pluginDescription`: kindnet's ptp entry has no name of its own), around
/// host-local's "failed to allocate for range %d: %v" and allocator.go's "no IP
/// addresses available in range set: %s" (RangeSet.String: `start-end`, the gateway's
/// address included).
fn sandbox_failed(c: &mut Cluster, key: &Key, pod: Arc<Pod>) {
    let node = pod.spec.as_ref().and_then(|s| s.node_name.clone());
    let range = node
        .as_deref()
        .and_then(|n| node_pod_range(c, n))
        .map(|(start, end)| {
            format!(
                "{}-{}",
                super::alloc::ip_to_string(start),
                super::alloc::ip_to_string(end)
            )
        })
        .unwrap_or_default();
    let mut id = String::with_capacity(64);
    super::store::push_digest(
        &mut id,
        (c.now as u64) ^ super::store::KeyLike::parts_hash(key).rotate_left(17),
    );
    let message = format!(
        "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox \"{id}\": plugin type=\"ptp\" failed (add): failed to allocate for range 0: no IP addresses available in range set: {range}"
    );
    let obj = Object::Pod(pod);
    c.record_event(
        &obj,
        "Warning",
        "FailedCreatePodSandBox",
        &message,
        "kubelet",
        node.as_deref(),
    );
    c.schedule(c.now + 10_000, Timer::Pod(key.clone()));
}

/// Demo images whose CMD runs the server without an entrypoint, so args replace it:
/// hello-app (CMD ["/hello-app"]), node-hello (CMD node server.js) and echoserver 1.4
/// (nginx-slim's CMD).
fn args_replace_cmd(image: &str) -> bool {
    match images::demo(image) {
        Some(images::Demo::HelloApp | images::Demo::NodeHello) => true,
        Some(images::Demo::EchoServer) => images::echoserver_1_4(&images::parse_image(image).1),
        _ => false,
    }
}

/// What the runtime says when a container's process is not in its image (one the
/// playground models, `term::pod::image_lacks_program`): runc's init looks the program
/// up before the container runs (exec.LookPath), so containerd's task creation fails
/// (internal/cri/server/container_start.go "failed to create containerd task: %w";
/// runc 1.2+ "error during container init: %w"; the shim's gRPC code as ": unknown").
/// The process is `command[0]`, or `args[0]` in an image without an entrypoint (its
/// CMD is a shell); an image's entrypoint runs the args itself.
pub fn start_error(ct: &k8s_openapi::api::core::v1::Container) -> Option<String> {
    let image = ct.image.as_deref().unwrap_or("");
    let prog = match (
        ct.command.as_ref().and_then(|c| c.first()),
        ct.args.as_ref().and_then(|a| a.first()),
    ) {
        (Some(cmd), _) => cmd,
        (None, Some(arg))
            if images::profile(image).exits_without_command || args_replace_cmd(image) =>
        {
            arg
        }
        _ => return None,
    };
    if !crate::term::pod::image_lacks_program(image, prog) {
        return None;
    }
    // Go's exec.Error: a path is stat'ed, a bare name searched for in $PATH.
    let why = if prog.contains('/') {
        format!("stat {prog}: no such file or directory")
    } else {
        "executable file not found in $PATH".to_string()
    };
    Some(format!(
        "failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: exec: {prog:?}: {why}: unknown"
    ))
}

/// A pod's only container whose process its image lacks, with the runtime's error.
fn failing_start(pod: &Pod) -> Option<(k8s_openapi::api::core::v1::Container, String)> {
    match pod.spec.as_ref().map(|s| &s.containers[..]) {
        Some([ct]) => start_error(ct).map(|e| (ct.clone(), e)),
        _ => None,
    }
}

/// The kubelet's start of a container whose process is not in its image
/// (kuberuntime_container.go startContainer): the image is ensured and the container
/// created, then StartContainer fails: a `Failed` event "Error: <runtime error>" and
/// RunContainerError in the reason cache. The status written before the start still
/// shows it being created; the PLEG's next relist finds it exited (`StartFailed`).
fn start_failed(
    c: &mut Cluster,
    key: &Key,
    pod: Arc<Pod>,
    rt: PodRuntime,
    name: &str,
    error: &str,
) {
    let restarts = if matches!(rt.stage, Stage::CrashBackOff) {
        rt.restarts + 1
    } else {
        rt.restarts
    };
    let cts = pod.spec.as_ref().map_or(&[][..], |s| &s.containers[..]);
    let images = images_to_ensure(cts);
    let node = pod.spec.as_ref().and_then(|s| s.node_name.clone());
    let obj = Object::Pod(pod);
    let pod_seed = super::store::KeyLike::parts_hash(key);
    let pull_seed = pod_seed ^ u64::from(restarts as u32).wrapping_mul(0x9E37_79B9);
    ensure_images(c, &obj, &images, node.as_deref(), pull_seed);
    record_start(c, &obj, node.as_deref(), name, Some(error));
    drop(obj);
    let at = c.now;
    update_rt(c, key, |r| {
        r.stage = Stage::StartFailed { at };
        r.restarts = restarts;
        r.ready = false;
        r.started_at = None;
    });
    c.schedule(c.now + 1000, Timer::Pod(key.clone()));
}

/// The kubelet's events for one container start (kuberuntime_container.go
/// startContainer): `Created`, then `Started`, or `Failed` with the runtime's error.
fn record_start(
    c: &mut Cluster,
    obj: &Object,
    node: Option<&str>,
    name: &str,
    error: Option<&str>,
) {
    let created = format!("Created container: {name}");
    c.record_event(obj, "Normal", "Created", &created, "kubelet", node);
    match error {
        None => {
            let started = format!("Started container {name}");
            c.record_event(obj, "Normal", "Started", &started, "kubelet", node);
        }
        Some(error) => {
            let failed = format!("Error: {error}");
            c.record_event(obj, "Warning", "Failed", &failed, "kubelet", node);
        }
    }
}

/// The sync after a failed start (kubelet_pods.go convertToAPIContainerStatuses): the
/// runtime reports the container exited with containerd's StartError (exit code 128,
/// the error as its message, never started: startedAt is the Unix epoch). Under
/// restartPolicy Never that is its state and the pod has failed; otherwise the reason
/// cache shows it waiting in RunContainerError with that exit as its last state, and the
/// same sync starts it again (no back-off entry yet) or the next shows CrashLoopBackOff.
fn show_start_failure(c: &mut Cluster, key: &Key, mut pod: Pod, rt: PodRuntime, at: Millis) {
    let Some((ct, error)) = failing_start(&pod) else {
        return;
    };
    sandbox_up(c, &mut pod);
    let now = c.now_time();
    let policy = pod
        .spec
        .as_ref()
        .and_then(|s| s.restart_policy.clone())
        .unwrap_or_else(|| "Always".into());
    let seed = at ^ super::store::KeyLike::parts_hash(key) as Millis;
    let created = running_status(&ct, 1, &now, seed);
    let terminated = ContainerState {
        terminated: Some(ContainerStateTerminated {
            exit_code: 128,
            reason: Some("StartError".into()),
            message: Some(error.clone()),
            started_at: Some(k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(
                k8s_openapi::jiff::Timestamp::UNIX_EPOCH,
            )),
            finished_at: Some(c.time(at)),
            container_id: created.container_id.clone(),
            ..Default::default()
        }),
        ..Default::default()
    };
    let never = policy == "Never";
    let status = pod.status.get_or_insert_with(Default::default);
    status.phase = Some(if never { "Failed" } else { "Running" }.into());
    status.container_statuses = Some(vec![ContainerStatus {
        ready: false,
        started: Some(false),
        restart_count: rt.restarts,
        state: Some(if never {
            terminated.clone()
        } else {
            ContainerState {
                waiting: Some(ContainerStateWaiting {
                    reason: Some("RunContainerError".into()),
                    message: Some(error),
                }),
                ..Default::default()
            }
        }),
        last_state: (!never).then_some(terminated),
        ..created
    }]);
    let mut conds = status.conditions.take().unwrap_or_default();
    set_ready(&mut conds, false, &now, std::slice::from_ref(&ct));
    status.conditions = Some(order_conditions(conds));
    c.store.put(Object::from(pod));
    if never {
        update_rt(c, key, |r| r.stage = Stage::Finished);
    } else if rt.restarts == 0 {
        // doBackOff finds no entry for the container yet: started again at once.
        update_rt(c, key, |r| r.stage = Stage::CrashBackOff);
        if let Some(p) = pod_of(c, key) {
            let rt = c.pods.get(key).cloned().unwrap_or_default();
            start_containers(c, key, p, rt);
        }
    } else {
        update_rt(c, key, |r| r.stage = Stage::BackOffShown { exited: at });
        c.schedule(c.now + 1000, Timer::Pod(key.clone()));
    }
}

fn start_containers(c: &mut Cluster, key: &Key, pod: Arc<Pod>, rt: PodRuntime) {
    if let Some((ct, error)) = failing_start(&pod) {
        return start_failed(c, key, pod, rt, &ct.name, &error);
    }
    let now = c.now_time();
    let now_ms = c.now;
    let first_start = rt.started_at.is_none() && rt.restarts == 0;
    let restarts = if matches!(rt.stage, Stage::CrashBackOff) {
        rt.restarts + 1
    } else {
        rt.restarts
    };
    let ip = if pod
        .status
        .as_ref()
        .and_then(|s| s.pod_ip.as_ref())
        .is_none()
    {
        next_pod_ip(c, &pod)
    } else {
        None
    };
    let cts = pod.spec.as_ref().map_or(&[][..], |s| &s.containers[..]);
    let has_readiness = cts.iter().any(|ct| ct.readiness_probe.is_some());
    let exits = cts.iter().any(exits_at_once);
    let quiet = exits && cts.iter().all(|ct| !exits_at_once(ct) || quiet_exit(ct));
    let readiness_delay = cts
        .iter()
        .filter_map(|ct| ct.readiness_probe.as_ref())
        .map(|p| p.initial_delay_seconds.unwrap_or(0) as Millis * 1000)
        .min()
        .unwrap_or(0);
    // The prober's first liveness probe waits out initialDelaySeconds.
    let liveness_delay = cts
        .iter()
        .filter_map(|ct| ct.liveness_probe.as_ref())
        .map(|p| (p.initial_delay_seconds.unwrap_or(0) as Millis * 1000).max(1000))
        .min();
    let started: Vec<String> = cts.iter().map(|ct| ct.name.clone()).collect();
    let images = images_to_ensure(cts);
    let env = shared_service_env(c, key.namespace.as_str(), &pod);
    let node = pod.spec.as_ref().and_then(|s| s.node_name.clone());
    // The events come first and name the pod as it is stored before this write.
    let obj = Object::Pod(pod);
    let pod_seed = super::store::KeyLike::parts_hash(key);
    // Every container start, restarts included, goes through EnsureImageExists.
    let pull_seed = pod_seed ^ u64::from(restarts as u32).wrapping_mul(0x9E37_79B9);
    for (i, name) in started.iter().enumerate() {
        ensure_images(
            c,
            &obj,
            &images[i..=i],
            node.as_deref(),
            pull_seed.rotate_left(8 * i as u32),
        );
        record_start(c, &obj, node.as_deref(), name, None);
    }
    drop(obj);
    let all_ready = !has_readiness;
    let pod_seed = pod_seed as Millis;
    let apply_start = |spec: &Option<PodSpec>, status: &mut Option<PodStatus>| {
        let cts = spec.as_ref().map_or(&[][..], |s| &s.containers[..]);
        let status = status.get_or_insert_with(Default::default);
        if let Some(ip) = ip {
            status.pod_ip = Some(ip.clone());
            status.pod_ips = Some(vec![PodIP { ip }]);
        }
        // A container that exited (and is shown so) makes that state the last one.
        let last_states: Vec<Option<ContainerState>> = status
            .container_statuses
            .as_ref()
            .map(|v| {
                v.iter()
                    .map(|s| match &s.state {
                        Some(st) if st.terminated.is_some() => Some(st.clone()),
                        _ => s.last_state.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        status.phase = Some("Running".into());
        status.container_statuses = Some(
            cts.iter()
                .enumerate()
                .map(|(i, ct)| ContainerStatus {
                    ready: ct.readiness_probe.is_none(),
                    restart_count: restarts,
                    last_state: last_states.get(i).cloned().flatten(),
                    ..running_status(ct, i as u64 + 1, &now, now_ms ^ pod_seed)
                })
                .collect(),
        );
        let mut conds = status.conditions.take().unwrap_or_default();
        set_condition(
            &mut conds,
            condition("PodReadyToStartContainers", true, &now),
        );
        set_ready(&mut conds, all_ready, &now, cts);
        status.conditions = Some(order_conditions(conds));
    };
    let unseen = if quiet {
        // Not written: the exit is what the next status shows.
        pod_of(c, key).map(|p| {
            let mut status = p.status.clone();
            apply_start(&p.spec, &mut status);
            Box::new(status.unwrap_or_default())
        })
    } else {
        c.store
            .update_pod(key, |spec, status| apply_start(spec, status));
        None
    };
    update_rt(c, key, |r| {
        r.unseen_start = unseen;
        r.stage = Stage::Running;
        r.restarts = restarts;
        r.ready = all_ready;
        r.probe_failures = 0;
        r.probe_successes = 0;
        r.started_at = Some(now_ms);
        r.liveness_failures = 0;
        r.next_liveness = None;
        if first_start {
            r.env = env;
        }
    });
    run_one_shots(c, key);
    start_scripts(c, key);
    if let Some(delay) = liveness_delay {
        next_liveness_probe(c, key, now_ms + delay);
    }
    if exits {
        c.schedule(c.now + 1000, Timer::Pod(key.clone()));
    } else if has_readiness {
        c.schedule(c.now + readiness_delay.max(500), Timer::Pod(key.clone()));
    }
}

/// A container that has just started: its image as containerd reports it, and ids
/// (`seed` and `n`, the container's place, make a new container id for every start).
fn running_status(
    ct: &k8s_openapi::api::core::v1::Container,
    n: u64,
    now: &k8s_openapi::apimachinery::pkg::apis::meta::v1::Time,
    seed: Millis,
) -> ContainerStatus {
    let full = full_image(ct.image.as_deref().unwrap_or(""));
    // `{repo}@sha256:{digest}`: one digest per image reference.
    let repo = full.split(':').next().unwrap_or("");
    let mut image_id = String::with_capacity(repo.len() + 72);
    image_id.push_str(repo);
    image_id.push_str("@sha256:");
    let mut h = super::store::FastHasher::default();
    std::hash::Hasher::write(&mut h, full.as_bytes());
    super::store::push_digest(&mut image_id, std::hash::Hasher::finish(&h));
    let mut container_id = String::with_capacity(77);
    container_id.push_str("containerd://");
    super::store::push_digest(
        &mut container_id,
        n.wrapping_mul(0x9e37_79b9_7f4a_7c15u64) ^ seed as u64,
    );
    ContainerStatus {
        name: ct.name.clone(),
        image: if ct.image.is_some() {
            full
        } else {
            String::new()
        },
        image_id,
        container_id: Some(container_id),
        started: Some(true),
        state: Some(ContainerState {
            running: Some(ContainerStateRunning {
                started_at: Some(now.clone()),
            }),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// `nginx:1.27` -> `docker.io/library/nginx:1.27`, as containerd reports it.
fn full_image(image: &str) -> String {
    let with_tag = if image
        .rsplit('/')
        .next()
        .is_some_and(|l| l.contains(':') || l.contains('@'))
    {
        image.to_string()
    } else {
        format!("{image}:latest")
    };
    let first = with_tag.split('/').next().unwrap_or("");
    if !with_tag.contains('/') {
        format!("docker.io/library/{with_tag}")
    } else if first.contains('.') || first.contains(':') || first == "localhost" {
        with_tag
    } else {
        format!("docker.io/{with_tag}")
    }
}

fn set_ready<'a>(
    conds: &mut Vec<PodCondition>,
    ready: bool,
    now: &k8s_openapi::apimachinery::pkg::apis::meta::v1::Time,
    cts: impl IntoIterator<Item = &'a k8s_openapi::api::core::v1::Container>,
) {
    let mut r = condition("Ready", ready, now);
    if !ready {
        r.reason = Some("ContainersNotReady".into());
        let mut message = String::from("containers with unready status: [");
        for (i, ct) in cts.into_iter().enumerate() {
            if i > 0 {
                message.push(' ');
            }
            message.push_str(&ct.name);
        }
        message.push(']');
        r.message = Some(message);
    }
    let mut cr = r.clone();
    cr.type_ = "ContainersReady".into();
    set_condition(conds, r);
    set_condition(conds, cr);
}

fn running_tick(c: &mut Cluster, key: &Key, mut pod: Pod, rt: PodRuntime) {
    let cts: Vec<_> = pod
        .spec
        .as_ref()
        .map(|s| s.containers.clone())
        .unwrap_or_default();
    if cts.iter().any(exits_at_once) {
        return container_exited(c, key, pod, rt);
    }
    // Readiness probes (the first container with a probe decides its own readiness; pod = all).
    let mut all_pass = true;
    let mut failure = None;
    let mut period = 10;
    for ct in &cts {
        if let Some(probe) = &ct.readiness_probe {
            period = probe.period_seconds.unwrap_or(10).max(1);
            if let Err(e) = (c.prober)(c, &pod, ct, probe) {
                all_pass = false;
                failure = Some(e);
            }
        }
    }
    let success_threshold = cts
        .iter()
        .filter_map(|c| c.readiness_probe.as_ref())
        .map(|p| p.success_threshold.unwrap_or(1))
        .max()
        .unwrap_or(1);
    let failure_threshold = cts
        .iter()
        .filter_map(|c| c.readiness_probe.as_ref())
        .map(|p| p.failure_threshold.unwrap_or(3))
        .max()
        .unwrap_or(3);
    let mut r = rt.clone();
    if all_pass {
        r.probe_successes += 1;
        r.probe_failures = 0;
        if !r.ready && r.probe_successes >= success_threshold {
            r.ready = true;
        }
    } else {
        r.probe_failures += 1;
        r.probe_successes = 0;
        if r.ready && r.probe_failures >= failure_threshold {
            r.ready = false;
        }
    }
    if let Some(msg) = &failure {
        let obj = Object::from(pod.clone());
        let node = node_of(&obj);
        c.record_event(
            &obj,
            "Warning",
            "Unhealthy",
            &format!("Readiness probe failed: {msg}"),
            "kubelet",
            node.as_deref(),
        );
    }
    if r.ready != rt.ready {
        let now = c.now_time();
        let status = pod.status.get_or_insert_with(Default::default);
        if let Some(css) = status.container_statuses.as_mut() {
            for cs in css {
                cs.ready = r.ready;
            }
        }
        let mut conds = status.conditions.take().unwrap_or_default();
        set_ready(&mut conds, r.ready, &now, &cts);
        status.conditions = Some(order_conditions(conds));
        c.store.put(Object::from(pod));
    }
    c.pods.insert(key.clone(), r);
    c.schedule(c.now + period as Millis * 1000, Timer::Pod(key.clone()));
}

/// Sets the pod's next liveness probe (timers fall on whole seconds; a probe timer at
/// another time belongs to a container that has since been restarted).
fn next_liveness_probe(c: &mut Cluster, key: &Key, at: Millis) {
    let at = c.schedule(at, Timer::Liveness(key.clone()));
    update_rt(c, key, |r| r.next_liveness = Some(at));
}

/// The prober's liveness worker: a failed probe is an `Unhealthy` event; after
/// failureThreshold failures in a row the kubelet kills the container
/// (kuberuntime_manager.go computePodActions: "Container X failed liveness probe, will
/// be restarted") and it is restarted as after any exit, back-off included.
pub fn liveness_tick(c: &mut Cluster, key: &Key) {
    let Some(rt) = c.pods.get(key).cloned() else {
        return;
    };
    if rt.stage != Stage::Running || rt.next_liveness != Some(c.now) {
        return;
    }
    let Some(pod) = pod_of(c, key) else { return };
    // The first container with a liveness probe (the pod has one in the lessons).
    let Some(ct) = pod
        .spec
        .iter()
        .flat_map(|s| s.containers.iter())
        .find(|ct| ct.liveness_probe.is_some())
        .cloned()
    else {
        return;
    };
    let Some(probe) = ct.liveness_probe.clone() else {
        return;
    };
    let name = ct.name.clone();
    let period = probe.period_seconds.unwrap_or(10).max(1) as Millis * 1000;
    let threshold = probe.failure_threshold.unwrap_or(3).max(1);
    let result = (c.prober)(c, &pod, &ct, &probe);
    let obj = Object::Pod(pod);
    let node = node_of(&obj);
    let failures = match result {
        Ok(()) => 0,
        Err(msg) => {
            c.record_event(
                &obj,
                "Warning",
                "Unhealthy",
                &format!("Liveness probe failed: {msg}"),
                "kubelet",
                node.as_deref(),
            );
            rt.liveness_failures + 1
        }
    };
    update_rt(c, key, |r| r.liveness_failures = failures);
    if failures < threshold {
        drop(obj);
        next_liveness_probe(c, key, c.now + period);
        return;
    }
    c.record_event(
        &obj,
        "Normal",
        "Killing",
        &format!("Container {name} failed liveness probe, will be restarted"),
        "kubelet",
        node.as_deref(),
    );
    let Object::Pod(pod) = obj else { return };
    // SIGTERM ends nginx with status 0; a process that ignores it is killed (137).
    let code = if exits_on_sigterm(&ct) { 0 } else { 137 };
    update_rt(c, key, |r| {
        r.exit_code = code;
        r.next_liveness = None;
    });
    let Some(rt) = c.pods.get(key).cloned() else {
        return;
    };
    container_exited(c, key, Arc::unwrap_or_clone(pod), rt);
}

fn container_exited(c: &mut Cluster, key: &Key, mut pod: Pod, rt: PodRuntime) {
    let now = c.now_time();
    // A start no status showed: this write is the first to report it.
    let quiet = rt.unseen_start.is_some();
    if let Some(status) = rt.unseen_start.clone() {
        pod.status = Some(*status);
    }
    let policy = pod
        .spec
        .as_ref()
        .and_then(|s| s.restart_policy.clone())
        .unwrap_or_else(|| "Always".into());
    let started = rt.started_at.map(|t| c.time(t));
    let failed = rt.exit_code != 0;
    let terminated = ContainerState {
        terminated: Some(ContainerStateTerminated {
            exit_code: rt.exit_code,
            reason: Some(if failed { "Error" } else { "Completed" }.into()),
            started_at: started,
            finished_at: Some(now.clone()),
            ..Default::default()
        }),
        ..Default::default()
    };
    let cts: Vec<_> = pod
        .spec
        .as_ref()
        .map(|s| s.containers.clone())
        .unwrap_or_default();
    let status = pod.status.get_or_insert_with(Default::default);
    let mut conds = status.conditions.take().unwrap_or_default();
    set_condition(
        &mut conds,
        condition("PodReadyToStartContainers", true, &now),
    );
    set_ready(&mut conds, false, &now, &cts);
    status.conditions = Some(order_conditions(conds));
    let restarts_container = policy == "Always" || (policy == "OnFailure" && failed);
    if restarts_container {
        // The PLEG reports the container dead and the kubelet's next status shows it
        // terminated (`0/1 Error`, RESTARTS counting the runs before this one), the
        // one before it as the last state.
        for cs in status.container_statuses.iter_mut().flatten() {
            let mut state = terminated.clone();
            if let Some(t) = state.terminated.as_mut() {
                t.container_id = cs.container_id.clone();
            }
            cs.state = Some(state);
            cs.ready = false;
            cs.started = Some(false);
            cs.restart_count = rt.restarts;
        }
        c.store.put(Object::from(pod));
        update_rt(c, key, |r| {
            r.unseen_start = None;
            r.stage = Stage::CrashBackOff;
            r.ready = false;
        });
        if rt.restarts == 0 {
            // kuberuntime_manager.go doBackOff: the first exit finds no back-off entry
            // for the container (IsInBackOffSince is false), so the same sync restarts
            // it; a start that shows would be seen at the next relist.
            if quiet {
                if let Some(p) = pod_of(c, key) {
                    let rt = c.pods.get(key).cloned().unwrap_or_default();
                    start_containers(c, key, p, rt);
                }
            } else {
                c.schedule(c.now + 1000, Timer::Pod(key.clone()));
            }
        } else {
            // In back-off the sync ends with ErrCrashLoopBackOff in the reason cache,
            // which the next status shows as the waiting reason (convertToAPIContainerStatuses).
            let exited = now_ms_of(c);
            update_rt(c, key, |r| r.stage = Stage::BackOffShown { exited });
            c.schedule(c.now + 1000, Timer::Pod(key.clone()));
        }
    } else {
        status.phase = Some(if failed { "Failed" } else { "Succeeded" }.into());
        // The container that ran keeps its ids (describe shows them for a finished one).
        let ran = status.container_statuses.take().unwrap_or_default();
        status.container_statuses = Some(
            cts.iter()
                .map(|ct| {
                    let before = ran.iter().find(|s| s.name == ct.name);
                    ContainerStatus {
                        state: Some(terminated.clone()),
                        container_id: before.and_then(|s| s.container_id.clone()),
                        image_id: before.map(|s| s.image_id.clone()).unwrap_or_default(),
                        ..waiting_status(ct, "", None, rt.restarts)
                    }
                })
                .collect(),
        );
        c.store.put(Object::from(pod));
        update_rt(c, key, |r| {
            r.unseen_start = None;
            r.stage = Stage::Finished;
            r.ready = false;
        });
    }
}

fn now_ms_of(c: &Cluster) -> Millis {
    c.now
}

/// A second after a crashed container was reported terminated: the status now shows
/// it waiting in CrashLoopBackOff (the previous run as its last state) until the
/// back-off, counted from its exit (flowcontrol.Backoff IsInBackOffSince with the
/// container's finishedAt), lets the kubelet start it again.
fn show_backoff(c: &mut Cluster, key: &Key, mut pod: Pod, rt: PodRuntime, exited: Millis) {
    let backoff = backoff_after(rt.restarts.into());
    let cts: Vec<_> = pod
        .spec
        .as_ref()
        .map(|s| s.containers.clone())
        .unwrap_or_default();
    let uid = pod.metadata.uid.clone().unwrap_or_default();
    let status = pod.status.get_or_insert_with(Default::default);
    let before = status.container_statuses.take().unwrap_or_default();
    status.container_statuses = Some(
        cts.iter()
            .map(|ct| {
                let was = before.iter().find(|s| s.name == ct.name);
                ContainerStatus {
                    // The exit, which a failed start's status already shows as the last
                    // state (waiting in RunContainerError).
                    last_state: was.and_then(|s| match &s.state {
                        Some(st) if st.terminated.is_some() => Some(st.clone()),
                        _ => s.last_state.clone(),
                    }),
                    state: Some(ContainerState {
                        waiting: Some(ContainerStateWaiting {
                            reason: Some("CrashLoopBackOff".into()),
                            message: Some(backoff_waiting_message(backoff, &ct.name, key, &uid)),
                        }),
                        ..Default::default()
                    }),
                    // The dead container's ids stay (the status is built from it).
                    container_id: was.and_then(|s| s.container_id.clone()),
                    image_id: was.map(|s| s.image_id.clone()).unwrap_or_default(),
                    ..waiting_status(ct, "CrashLoopBackOff", None, rt.restarts)
                }
            })
            .collect(),
    );
    let obj = Object::from(pod);
    let node = node_of(&obj);
    c.record_event(
        &obj,
        "Warning",
        "BackOff",
        &backoff_event_message(
            cts.first().map(|c| c.name.as_str()).unwrap_or(""),
            key,
            &uid,
        ),
        "kubelet",
        node.as_deref(),
    );
    c.store.put(obj);
    update_rt(c, key, |r| r.stage = Stage::CrashBackOff);
    c.schedule(exited + backoff, Timer::Pod(key.clone()));
}

/// flowcontrol.Backoff as the kubelet keys it per container: 10 s after the first
/// failure that backs off, doubling with each one after it, at most 5 min.
fn backoff_after(failures: i64) -> Millis {
    (10_000i64 << (failures - 1).clamp(0, 5)).min(300_000)
}

/// The container's waiting message while it backs off (kuberuntime doBackOff).
fn backoff_waiting_message(backoff: Millis, container: &str, key: &Key, uid: &str) -> String {
    format!(
        "back-off {} restarting failed container={container} pod={}_{}({uid})",
        go_duration(backoff),
        key.name,
        key.namespace
    )
}

/// The kubelet's BackOff event for a container waiting out its back-off.
fn backoff_event_message(container: &str, key: &Key, uid: &str) -> String {
    format!(
        "Back-off restarting failed container {container} in pod {}_{}({uid})",
        key.name, key.namespace
    )
}

/// The containers of a pod being deleted have stopped: since 1.27 the kubelet reports
/// the pod in a terminal phase before it deletes it (getPhase with podIsTerminal), so a
/// watch sees `0/1 Completed` (or `Error` after SIGKILL) instead of `Terminating`
/// (printers.go printPod); then come the final delete (grace period 0) and the removal.
/// Gives whether there were running containers (else the pod just goes).
fn containers_stopped(c: &mut Cluster, key: &Key, pod: &Pod) -> bool {
    let statuses = pod
        .status
        .as_ref()
        .and_then(|s| s.container_statuses.as_ref());
    let was_running = statuses.is_some_and(|v| {
        v.iter()
            .any(|s| s.state.as_ref().is_some_and(|st| st.running.is_some()))
    });
    if !was_running {
        return false;
    }
    let cts = pod.spec.as_ref().map_or(&[][..], |s| &s.containers[..]);
    // A process that ignores SIGTERM is killed after the grace period (128 + 9).
    let code = if cts.iter().all(exits_on_sigterm) {
        0
    } else {
        137
    };
    let now = c.now_time();
    c.store.update_pod(key, |spec, status| {
        let cts = spec.as_ref().map_or(&[][..], |s| &s.containers[..]);
        let status = status.get_or_insert_with(Default::default);
        status.phase = Some(if code == 0 { "Succeeded" } else { "Failed" }.into());
        for cs in status.container_statuses.iter_mut().flatten() {
            stop(cs, code, &now);
        }
        // The sidecars stop after them: SIGTERM, or SIGKILL at the grace period's end.
        let inits = spec.iter().flat_map(|s| s.init_containers.iter().flatten());
        for (ct, cs) in inits.zip(status.init_container_statuses.iter_mut().flatten()) {
            if cs.state.as_ref().is_some_and(|st| st.running.is_some()) {
                stop(cs, if exits_on_sigterm(ct) { 0 } else { 137 }, &now);
            }
        }
        let mut conds = status.conditions.take().unwrap_or_default();
        set_ready(&mut conds, false, &now, cts);
        status.conditions = Some(order_conditions(conds));
    });
    true
}

/// A container of a pod being deleted has stopped with `code`.
fn stop(
    cs: &mut ContainerStatus,
    code: i32,
    now: &k8s_openapi::apimachinery::pkg::apis::meta::v1::Time,
) {
    let started = cs
        .state
        .as_ref()
        .and_then(|st| st.running.as_ref())
        .and_then(|r| r.started_at.clone());
    cs.ready = false;
    cs.started = Some(false);
    cs.state = Some(ContainerState {
        terminated: Some(ContainerStateTerminated {
            exit_code: code,
            reason: Some(if code == 0 { "Completed" } else { "Error" }.into()),
            started_at: started,
            finished_at: Some(now.clone()),
            container_id: cs.container_id.clone(),
            ..Default::default()
        }),
        ..Default::default()
    });
}

/// Whether any sidecar of the pod is running.
fn sidecars_running(pod: &Pod) -> bool {
    pod.status
        .iter()
        .flat_map(|s| s.init_container_statuses.iter().flatten())
        .any(|cs| cs.state.as_ref().is_some_and(|st| st.running.is_some()))
}

/// Deletion began: SIGTERM now, SIGKILL after the grace period.
pub fn begin_termination(c: &mut Cluster, key: &Key, grace: i64) {
    let Some(pod) = pod_of(c, key) else { return };
    let running = matches!(c.pods.get(key).map(|r| &r.stage), Some(Stage::Running));
    let cts: Vec<_> = pod
        .spec
        .as_ref()
        .map(|s| s.containers.clone())
        .unwrap_or_default();
    // killContainersWithSyncResult: the app containers first, then the sidecars in
    // reverse order; the pod goes when the last has stopped.
    let sidecars: Vec<_> = pod
        .spec
        .iter()
        .flat_map(|s| s.init_containers.iter().flatten())
        .filter(|ct| is_sidecar(ct))
        .rev()
        .cloned()
        .collect();
    let sidecars = if sidecars_running(&pod) {
        sidecars
    } else {
        Vec::new()
    };
    let prompt = cts.iter().chain(&sidecars).all(exits_on_sigterm);
    let kill_at = if !running {
        c.now + 500
    } else if prompt {
        c.now + 500 + c.rand_below(500) as Millis
    } else {
        c.now.saturating_add(grace.saturating_mul(1000))
    };
    let obj = Object::from(pod);
    let node = node_of(&obj);
    if running {
        for ct in cts.iter().chain(&sidecars) {
            c.record_event(
                &obj,
                "Normal",
                "Killing",
                &format!("Stopping container {}", ct.name),
                "kubelet",
                node.as_deref(),
            );
        }
    }
    c.unschedule_pod(key);
    let rt = c.pods.entry(key.clone()).or_default();
    rt.stage = Stage::Terminating { kill_at };
    c.schedule(kill_at, Timer::Pod(key.clone()));
}

/// `{SVC}_SERVICE_HOST`, `{SVC}_PORT_80_TCP`, ... for Services that exist when the pod starts
/// (kubelet `getServiceEnvVarMap`, docker-links style), plus the `kubernetes` Service.
/// [`service_env`], reused while no Service changed since the last pod in `ns` started.
fn shared_service_env(
    c: &mut Cluster,
    ns: &str,
    pod: &Pod,
) -> std::sync::Arc<Vec<(String, String)>> {
    let links = pod.spec.as_ref().and_then(|s| s.enable_service_links) != Some(false);
    let stamp = (ns.to_string(), links, c.store.service_writes());
    if let Some((at, env)) = &c.env_cache {
        if *at == stamp {
            return env.clone();
        }
    }
    let env = std::sync::Arc::new(service_env(c, ns, pod));
    c.env_cache = Some((stamp, env.clone()));
    env
}

fn service_env(c: &Cluster, ns: &str, pod: &Pod) -> Vec<(String, String)> {
    if pod.spec.as_ref().and_then(|s| s.enable_service_links) == Some(false) {
        // The master service's variables are always present.
    }
    let links = pod.spec.as_ref().and_then(|s| s.enable_service_links) != Some(false);
    let mut out = Vec::new();
    for obj in c.store.list("Service") {
        let Object::Service(svc) = obj else { continue };
        let sns = obj.namespace();
        let is_master = sns == "default" && obj.name() == "kubernetes";
        if !(is_master || (links && sns == ns)) {
            continue;
        }
        let Some(spec) = &svc.spec else { continue };
        let ip = spec.cluster_ip.clone().unwrap_or_default();
        if ip.is_empty() || ip == "None" {
            continue;
        }
        let prefix = obj.name().to_ascii_uppercase().replace('-', "_");
        let ports = spec.ports.clone().unwrap_or_default();
        let Some(first) = ports.first() else { continue };
        out.push((format!("{prefix}_SERVICE_HOST"), ip.clone()));
        out.push((format!("{prefix}_SERVICE_PORT"), first.port.to_string()));
        for p in &ports {
            if let Some(name) = &p.name {
                if !name.is_empty() {
                    out.push((
                        format!(
                            "{prefix}_SERVICE_PORT_{}",
                            name.to_ascii_uppercase().replace('-', "_")
                        ),
                        p.port.to_string(),
                    ));
                }
            }
        }
        let proto = first.protocol.clone().unwrap_or_else(|| "TCP".into());
        out.push((
            format!("{prefix}_PORT"),
            format!("{}://{ip}:{}", proto.to_ascii_lowercase(), first.port),
        ));
        for p in &ports {
            let proto = p.protocol.clone().unwrap_or_else(|| "TCP".into());
            let base = format!("{prefix}_PORT_{}_{}", p.port, proto);
            out.push((
                base.clone(),
                format!("{}://{ip}:{}", proto.to_ascii_lowercase(), p.port),
            ));
            out.push((format!("{base}_PROTO"), proto.to_ascii_lowercase()));
            out.push((format!("{base}_PORT"), p.port.to_string()));
            out.push((format!("{base}_ADDR"), ip.clone()));
        }
    }
    out
}

impl Cluster {
    /// The environment a container sees: service links, then the container's own `env`.
    pub fn container_env(&self, key: &Key) -> Vec<(String, String)> {
        self.pods
            .get(key)
            .map(|r| r.env.to_vec())
            .unwrap_or_default()
    }

    pub fn pod_runtime(&self, key: &Key) -> Option<&PodRuntime> {
        self.pods.get(key)
    }
}

/// An ephemeral container as the container it is (`corev1.Container(ec.EphemeralContainerCommon)`):
/// the same fields, without `targetContainerName`.
pub fn ephemeral_as_container(
    ec: &k8s_openapi::api::core::v1::EphemeralContainer,
) -> k8s_openapi::api::core::v1::Container {
    let ec = ec.clone();
    k8s_openapi::api::core::v1::Container {
        args: ec.args,
        command: ec.command,
        env: ec.env,
        env_from: ec.env_from,
        image: ec.image,
        image_pull_policy: ec.image_pull_policy,
        lifecycle: ec.lifecycle,
        liveness_probe: ec.liveness_probe,
        name: ec.name,
        ports: ec.ports,
        readiness_probe: ec.readiness_probe,
        resize_policy: ec.resize_policy,
        resources: ec.resources,
        restart_policy: ec.restart_policy,
        security_context: ec.security_context,
        startup_probe: ec.startup_probe,
        stdin: ec.stdin,
        stdin_once: ec.stdin_once,
        termination_message_path: ec.termination_message_path,
        termination_message_policy: ec.termination_message_policy,
        tty: ec.tty,
        volume_devices: ec.volume_devices,
        volume_mounts: ec.volume_mounts,
        working_dir: ec.working_dir,
    }
}

/// An ephemeral container `kubectl debug` added to a running pod (the `ephemeralcontainers`
/// subresource): the kubelet's next sync starts it like any container - its image
/// events, `Created` and `Started` - and reports it in `ephemeralContainerStatuses`,
/// never ready and never restarted (kuberuntime's ephemeral container start).
pub fn start_ephemeral(c: &mut Cluster, key: &Key, name: &str) {
    let Some(pod) = pod_of(c, key) else { return };
    let Some(ec) = pod
        .spec
        .as_ref()
        .and_then(|s| s.ephemeral_containers.as_ref())
        .and_then(|v| v.iter().find(|e| e.name == name))
    else {
        return;
    };
    let ct = ephemeral_as_container(ec);
    let node = pod.spec.as_ref().and_then(|s| s.node_name.clone());
    let n = pod.spec.as_ref().map_or(0, |s| {
        s.containers.len() + s.ephemeral_containers.as_ref().map_or(0, Vec::len)
    }) as u64;
    let obj = Object::Pod(pod);
    let seed = super::store::KeyLike::parts_hash(key) ^ n;
    ensure_images(
        c,
        &obj,
        &images_to_ensure(std::slice::from_ref(&ct)),
        node.as_deref(),
        seed,
    );
    record_start(c, &obj, node.as_deref(), name, None);
    drop(obj);
    let now = c.now_time();
    let status = ContainerStatus {
        started: None,
        ..running_status(&ct, n, &now, c.now ^ seed as Millis)
    };
    c.store.update_pod(key, |_, st| {
        let st = st.get_or_insert_with(Default::default);
        let v = st.ephemeral_container_statuses.get_or_insert_with(Vec::new);
        v.retain(|s| s.name != status.name);
        v.push(status);
    });
}

/// An ephemeral container's process has ended (its attached session closed, or it had
/// nothing to read): it is never restarted, its status stays terminated (reason
/// Completed for exit code 0, else Error).
/// Whether the pod's ephemeral container `name` is running.
/// Whether a pod's own containers are running (the kubelet has started them and they
/// have not exited).
pub fn main_running(c: &Cluster, key: &Key) -> bool {
    c.pods
        .get(key)
        .is_some_and(|r| matches!(r.stage, Stage::Running))
        && pod_of(c, key).is_some()
}

pub fn ephemeral_running(c: &Cluster, key: &Key, name: &str) -> bool {
    pod_of(c, key).is_some_and(|p| {
        p.status
            .iter()
            .flat_map(|s| s.ephemeral_container_statuses.iter().flatten())
            .any(|s| s.name == name && s.state.as_ref().is_some_and(|st| st.running.is_some()))
    })
}

/// The main container's process, a shell the learner was attached to (`kubectl run -it
/// ... -- sh` in the page), ended with `code`: the container exits, and its pod's
/// restart policy decides what follows, as for any exit.
pub fn end_attached_process(c: &mut Cluster, key: &Key, code: i32) {
    let Some(rt) = c.pods.get(key).cloned() else {
        return;
    };
    if !matches!(rt.stage, Stage::Running) {
        return;
    }
    let Some(pod) = pod_of(c, key) else {
        return;
    };
    update_rt(c, key, |r| r.exit_code = code);
    let Some(rt) = c.pods.get(key).cloned() else {
        return;
    };
    container_exited(c, key, Arc::unwrap_or_clone(pod), rt);
}

pub fn end_ephemeral(c: &mut Cluster, key: &Key, name: &str, code: i32) {
    let now = c.now_time();
    c.store.update_pod(key, |_, st| {
        let Some(s) = st
            .as_mut()
            .and_then(|st| st.ephemeral_container_statuses.as_mut())
            .and_then(|v| v.iter_mut().find(|s| s.name == name))
        else {
            return;
        };
        let started_at = s
            .state
            .as_ref()
            .and_then(|st| st.running.as_ref())
            .and_then(|r| r.started_at.clone());
        let container_id = s.container_id.clone();
        s.state = Some(ContainerState {
            terminated: Some(ContainerStateTerminated {
                container_id,
                exit_code: code,
                finished_at: Some(now),
                reason: Some(if code == 0 { "Completed" } else { "Error" }.into()),
                started_at,
                ..Default::default()
            }),
            ..Default::default()
        });
    });
}

#[cfg(test)]
mod tests {
    use super::{backoff_after, go_duration};

    #[test]
    fn durations_print_as_go_durations() {
        // time.Duration.String: milliseconds below a second, else seconds with the
        // trailing zeros of the fraction dropped, minutes before them.
        assert_eq!(go_duration(350), "350ms");
        assert_eq!(go_duration(1000), "1s");
        assert_eq!(go_duration(1040), "1.04s");
        assert_eq!(go_duration(1039), "1.039s");
        assert_eq!(go_duration(10_000), "10s");
        assert_eq!(go_duration(300_000), "5m0s");
        assert_eq!(go_duration(160_000), "2m40s");
    }

    #[test]
    fn back_off_doubles_from_ten_seconds_to_five_minutes() {
        let steps: Vec<_> = (1..=7).map(backoff_after).collect();
        assert_eq!(
            steps,
            [10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]
        );
    }
}
