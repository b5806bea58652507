//! `kubectl debug POD --image=IMAGE`: an ephemeral container added to a running pod
//! (staging/src/k8s.io/kubectl/pkg/cmd/debug/debug.go, debugByEphemeralContainer), which
//! the kubelet starts in the pod's namespaces; `-i` attaches to it as `kubectl run -i`
//! does; `kubectl debug node/NAME` creates a node-debugging pod (`debug_node`).
//! `--copy-to` is not simulated.

use k8s_openapi::api::core::v1::{EphemeralContainer, ResourceRequirements};

use super::{fail, not_found, Args, Ctx};
use crate::api::{kinds, Object};
use crate::cluster::Key;
use crate::term::shell::Output;

pub fn debug(ctx: &mut Ctx, a: &Args, out: &mut Output) -> i32 {
    let image = a.value(&["--image"]).unwrap_or("").to_string();
    let copy_to = a.value(&["--copy-to"]).unwrap_or("");
    let interactive = a.has(&["-i", "--stdin"]);
    let tty = a.has(&["-t", "--tty"]);
    let quiet = a.has(&["-q", "--quiet"]);
    // Complete: --attach defaults to -i.
    let attach = if a.given(&["--attach"]) {
        a.has(&["--attach"])
    } else {
        interactive
    };
    let container = a.value(&["-c", "--container"]).unwrap_or("").to_string();
    // Validate, in its order.
    if attach && a.given(&["--attach"]) && image.is_empty() && container.is_empty() {
        return fail(out, "you must specify --container or create a new container using --image in order to attach.");
    }
    if copy_to.is_empty() {
        if a.has(&["--replace"]) {
            return fail(out, "--replace may only be used with --copy-to.");
        }
        if a.has(&["--same-node"]) {
            return fail(out, "--same-node may only be used with --copy-to.");
        }
        if !a.values(&["--set-image"]).is_empty() {
            return fail(out, "--set-image may only be used with --copy-to.");
        }
        if image.is_empty() {
            return fail(out, "you must specify --image when not using --copy-to.");
        }
    }
    let targets = a.rest(1).to_vec();
    if targets.is_empty() && a.values(&["-f", "--filename"]).is_empty() {
        return fail(out, "NAME or filename is required for debug");
    }
    let policy = a.value(&["--image-pull-policy"]).unwrap_or("");
    if !matches!(policy, "" | "Always" | "IfNotPresent" | "Never") {
        return fail(out, &format!("invalid image pull policy: {policy}"));
    }
    let target = a.value(&["--target"]).unwrap_or("").to_string();
    if !target.is_empty() {
        if !copy_to.is_empty() {
            return fail(
                out,
                "--target is incompatible with --copy-to. Use --share-processes instead.",
            );
        }
        if !quiet {
            out.out(&format!("Targeting container \"{target}\". If you don't see processes from this container it may be because the container runtime doesn't support this feature.\n"));
        }
    }
    if tty && !interactive {
        return fail(
            out,
            "-i/--stdin is required for containers with -t/--tty=true",
        );
    }
    let profile = a.value(&["--profile"]).unwrap_or("legacy");
    if profile == "legacy" {
        out.err("--profile=legacy is deprecated and will be removed in the future. It is recommended to explicitly specify a profile, for example \"--profile=general\".\n");
    }
    if !matches!(
        profile,
        "legacy" | "general" | "baseline" | "netadmin" | "restricted" | "sysadmin"
    ) {
        return fail(out, &format!("unknown profile: {profile}"));
    }
    if !copy_to.is_empty() || a.given(&["-f", "--filename"]) {
        return unsimulated(ctx, out, "kubectl debug --copy-to and -f are");
    }
    let ns = ctx.namespace(a);
    for t in &targets {
        let (ty, name) = t.split_once('/').unwrap_or(("pod", t));
        let Some(rt) = kinds::lookup(ty) else {
            return fail(
                out,
                &format!("the server doesn't have a resource type \"{ty}\""),
            );
        };
        if rt.kind == "Node" {
            let opts = NodeDebug {
                image: &image,
                policy,
                container: &container,
                interactive,
                tty,
                attach,
                quiet,
                profile,
            };
            let code = debug_node(ctx, a, out, name, &ns, &opts);
            if code != 0 {
                return code;
            }
            continue;
        }
        if rt.kind != "Pod" {
            return unsimulated(ctx, out, "kubectl debug of objects other than pods is");
        }
        let key = Key::new("Pod", &ns, name);
        let pod = match ctx.cluster.store.get(&key) {
            Some(Object::Pod(p)) => p.clone(),
            _ => {
                out.err(&format!("{}\n", not_found(rt, name)));
                return 1;
            }
        };
        let spec = pod.spec.clone().unwrap_or_default();
        let used = |n: &str| {
            spec.containers.iter().any(|c| c.name == n)
                || spec.init_containers.iter().flatten().any(|c| c.name == n)
                || spec
                    .ephemeral_containers
                    .iter()
                    .flatten()
                    .any(|c| c.name == n)
        };
        // computeDebugContainerName: debugger-<utilrand.String(5)>, not yet used.
        let cname = if container.is_empty() {
            let mut cn = String::new();
            while cn.is_empty() || used(&cn) {
                cn = format!("debugger-{}", ctx.cluster.rand_suffix(5));
            }
            if !quiet {
                out.out(&format!("Defaulting debug container name to {cn}.\n"));
            }
            cn
        } else {
            container.clone()
        };
        // The API server's validation of the ephemeralcontainers update
        // (validation.go validateEphemeralContainers: names unique among all containers).
        let index = spec.ephemeral_containers.as_ref().map_or(0, Vec::len);
        if spec.containers.iter().any(|c| c.name == cname)
            || spec
                .init_containers
                .iter()
                .flatten()
                .any(|c| c.name == cname)
        {
            out.err(&format!("The Pod \"{name}\" is invalid: spec.ephemeralContainers[{index}].name: Duplicate value: \"{cname}\"\n"));
            return 1;
        }
        if spec
            .ephemeral_containers
            .iter()
            .flatten()
            .any(|c| c.name == cname)
        {
            return unsimulated(ctx, out, "Changing an existing ephemeral container is");
        }
        let env = super::mutate::env_flags(a);
        let policy = if policy.is_empty() {
            crate::manifest::defaults::default_pull_policy(&image)
        } else {
            policy
        };
        let args = (!a.command.is_empty()).then(|| a.command.clone());
        let args_only = a.has(&["--arguments-only"]);
        let ec = EphemeralContainer {
            name: cname.clone(),
            image: Some(image.clone()),
            image_pull_policy: Some(policy.to_string()),
            env: (!env.is_empty()).then_some(env),
            command: if args_only { None } else { args.clone() },
            args: if args_only { args } else { None },
            stdin: interactive.then_some(true),
            tty: tty.then_some(true),
            target_container_name: (!target.is_empty()).then(|| target.clone()),
            termination_message_path: Some("/dev/termination-log".into()),
            termination_message_policy: Some("File".into()),
            resources: Some(ResourceRequirements::default()),
            ..Default::default()
        };
        let running = pod.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running");
        ctx.cluster.store.update_pod(&key, |spec, _| {
            spec.get_or_insert_with(Default::default)
                .ephemeral_containers
                .get_or_insert_with(Vec::new)
                .push(ec);
        });
        // The kubelet starts it at its next sync; a pod that is not running never starts
        // it, and an attaching kubectl waits (without a timeout).
        if !running {
            if attach {
                ctx.cluster.run_until(300_000, |_| false);
            }
            continue;
        }
        ctx.cluster.run_until(1000, |_| false);
        crate::cluster::kubelet::start_ephemeral(ctx.cluster, &key, &cname);
        // A process that ends by itself with nothing attached (a shell without stdin,
        // a one-shot client) ends the container.
        if !attach {
            let ends = match ctx.cluster.store.get(&key) {
                Some(Object::Pod(p)) => p
                    .spec
                    .iter()
                    .flat_map(|s| s.ephemeral_containers.iter().flatten())
                    .find(|e| e.name == cname)
                    .map(crate::cluster::kubelet::ephemeral_as_container)
                    .is_some_and(|ct| {
                        ct.stdin != Some(true) && crate::cluster::kubelet::exits_at_once(&ct)
                    }),
                _ => false,
            };
            if ends {
                crate::cluster::kubelet::end_ephemeral(ctx.cluster, &key, &cname, 0);
            }
            continue;
        }
        // attach.go Run: SetupTTY (raw only when stdin is a terminal: in a transcript
        // without a heredoc, and in the page), the hint whether or not there is a TTY
        // (checked with the real 1.33 client), the session, then reattachMessage.
        let terminal = ctx.stdin.is_empty();
        let raw = tty && terminal;
        if tty && !terminal && !quiet {
            out.err("Unable to use a TTY - input is not a terminal or the right kind of file\n");
        }
        if !quiet {
            out.err("If you don't see a command prompt, try pressing enter.\n");
        }
        // Without a command the image's own: a shell for the busybox-like images.
        let cmd = if !a.command.is_empty() {
            a.command.clone()
        } else if crate::term::pod::image_has_program(&image, "sh") {
            vec!["sh".to_string()]
        } else {
            Vec::new()
        };
        let shell = super::is_interactive_shell(&cmd);
        if ctx.term.live && raw && shell {
            // The page's terminal stays in the container's shell until `exit`.
            ctx.term.attached = Some(crate::term::Attached {
                namespace: ns.clone(),
                pod: name.to_string(),
                container: cname.clone(),
                chroot: false,
                session: crate::term::Session::Debug,
            });
            return 0;
        }
        if !cmd.is_empty() {
            let stdin = if interactive {
                ctx.stdin.to_string()
            } else {
                String::new()
            };
            let (o, code) =
                crate::term::pod::exec_in_pod(ctx.cluster, &key, &cname, &cmd, &stdin, raw);
            out.append(o);
            crate::cluster::kubelet::end_ephemeral(ctx.cluster, &key, &cname, code);
        }
        if raw && interactive && !quiet {
            out.out(&format!("Session ended, the ephemeral container will not be restarted but may be reattached using 'kubectl attach {name} -c {cname} -i -t' if it is still running\n"));
        }
    }
    0
}

struct NodeDebug<'a> {
    image: &'a str,
    policy: &'a str,
    container: &'a str,
    interactive: bool,
    tty: bool,
    attach: bool,
    quiet: bool,
    profile: &'a str,
}

/// `kubectl debug node/NAME`: debug.go visitNode - generateNodeDebugPod's pod
/// `node-debugger-NAME-xxxxx` (container `debugger`, nodeName set, restartPolicy
/// Never, a toleration of everything), shaped by the profile (profiles.go: legacy,
/// general and sysadmin mount the node's `/` at `/host` and use the host's network,
/// PID and IPC namespaces; netadmin only the namespaces; sysadmin makes the container
/// privileged, netadmin adds NET_ADMIN and NET_RAW), created; then with `-i`
/// handleAttachPod attaches once the container runs. The pod is left behind.
fn debug_node(
    ctx: &mut Ctx,
    a: &Args,
    out: &mut Output,
    node: &str,
    ns: &str,
    o: &NodeDebug,
) -> i32 {
    use k8s_openapi::api::core::v1::{
        Capabilities, Container, HostPathVolumeSource, Pod, PodSpec, SecurityContext, Toleration,
        Volume, VolumeMount,
    };
    let rt = kinds::lookup("node");
    if ctx.cluster.store.get(&Key::new("Node", "", node)).is_none() {
        if let Some(rt) = rt {
            out.err(&format!("{}\n", not_found(rt, node)));
        }
        return 1;
    }
    let cn = if o.container.is_empty() {
        "debugger".to_string()
    } else {
        o.container.to_string()
    };
    let pn = format!("node-debugger-{node}-{}", ctx.cluster.rand_suffix(5));
    if !o.quiet {
        out.out(&format!(
            "Creating debugging pod {pn} with container {cn} on node {node}.\n"
        ));
    }
    let env = super::mutate::env_flags(a);
    let args = (!a.command.is_empty()).then(|| a.command.clone());
    let args_only = a.has(&["--arguments-only"]);
    let mut ct = Container {
        name: cn.clone(),
        image: Some(o.image.to_string()),
        image_pull_policy: (!o.policy.is_empty()).then(|| o.policy.to_string()),
        env: (!env.is_empty()).then_some(env),
        stdin: o.interactive.then_some(true),
        tty: o.tty.then_some(true),
        termination_message_policy: Some("File".into()),
        command: if args_only { None } else { args.clone() },
        args: if args_only { args } else { None },
        ..Default::default()
    };
    let mut spec = PodSpec {
        node_name: Some(node.to_string()),
        restart_policy: Some("Never".into()),
        tolerations: Some(vec![Toleration {
            operator: Some("Exists".into()),
            ..Default::default()
        }]),
        ..Default::default()
    };
    let mount_root = matches!(o.profile, "legacy" | "general" | "sysadmin");
    let host_ns = matches!(o.profile, "legacy" | "general" | "sysadmin" | "netadmin");
    match o.profile {
        "sysadmin" => {
            ct.security_context = Some(SecurityContext {
                privileged: Some(true),
                ..Default::default()
            })
        }
        "netadmin" => {
            ct.security_context = Some(SecurityContext {
                capabilities: Some(Capabilities {
                    add: Some(vec!["NET_ADMIN".into(), "NET_RAW".into()]),
                    ..Default::default()
                }),
                ..Default::default()
            })
        }
        "restricted" => {
            ct.security_context = Some(SecurityContext {
                run_as_non_root: Some(true),
                allow_privilege_escalation: Some(false),
                capabilities: Some(Capabilities {
                    drop: Some(vec!["ALL".into()]),
                    ..Default::default()
                }),
                seccomp_profile: Some(k8s_openapi::api::core::v1::SeccompProfile {
                    type_: "RuntimeDefault".into(),
                    ..Default::default()
                }),
                ..Default::default()
            })
        }
        _ => {}
    }
    if mount_root {
        spec.volumes = Some(vec![Volume {
            name: "host-root".into(),
            host_path: Some(HostPathVolumeSource {
                path: "/".into(),
                ..Default::default()
            }),
            ..Default::default()
        }]);
        ct.volume_mounts = Some(vec![VolumeMount {
            mount_path: "/host".into(),
            name: "host-root".into(),
            ..Default::default()
        }]);
    }
    if host_ns {
        spec.host_network = Some(true);
        spec.host_pid = Some(true);
        spec.host_ipc = Some(true);
    }
    spec.containers = vec![ct];
    let pod = Pod {
        metadata: k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta {
            name: Some(pn.clone()),
            ..Default::default()
        },
        spec: Some(spec),
        ..Default::default()
    };
    if let Err(e) = ctx.cluster.create(Object::from(pod), ns) {
        out.err(&format!("{}\n", e.render(None)));
        return 1;
    }
    if !o.attach {
        return 0;
    }
    // waitForContainer: until the container runs or has ended.
    let key = Key::new("Pod", ns, &pn);
    ctx.cluster.run_until(300_000, |c| match c.store.get(&key) {
        Some(Object::Pod(p)) => {
            p.status.as_ref().and_then(|s| s.phase.as_deref()) != Some("Pending")
        }
        _ => true,
    });
    let terminal = ctx.stdin.is_empty();
    let raw = o.tty && terminal;
    if o.tty && !terminal && !o.quiet {
        out.err("Unable to use a TTY - input is not a terminal or the right kind of file\n");
    }
    if !o.quiet {
        out.err("If you don't see a command prompt, try pressing enter.\n");
    }
    let cmd = if !a.command.is_empty() {
        a.command.clone()
    } else if crate::term::pod::image_has_program(o.image, "sh") {
        vec!["sh".to_string()]
    } else {
        Vec::new()
    };
    if cmd.iter().any(|w| w.contains("iptables")) {
        ctx.term.notice = Some(crate::net::iptables::notice(
            ctx.cluster.settings.proxy_mode,
        ));
    }
    let shell = super::is_interactive_shell(&cmd);
    if ctx.term.live && raw && shell {
        ctx.term.attached = Some(crate::term::Attached {
            namespace: ns.to_string(),
            pod: pn,
            container: cn,
            chroot: false,
            session: crate::term::Session::NodeDebug,
        });
        return 0;
    }
    if !cmd.is_empty() {
        let stdin = if o.interactive {
            ctx.stdin.to_string()
        } else {
            String::new()
        };
        let (o, code) = crate::term::pod::exec_in_pod(ctx.cluster, &key, &cn, &cmd, &stdin, raw);
        out.append(o);
        crate::cluster::kubelet::end_attached(ctx.cluster, &key, code);
    }
    0
}

fn unsimulated(ctx: &mut Ctx, out: &mut Output, what: &str) -> i32 {
    ctx.term.notice = Some(format!(
        "{what} not part of this Services playground's simulation."
    ));
    fail(out, "kubectl debug: not supported")
}
