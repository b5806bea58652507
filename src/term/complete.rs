//! Tab-completion candidates for the terminal: what the page offers for the last
//! word of the line. Works on the current cluster state (object names, namespaces)
//! and never changes anything.
//!
//! The rules follow what kubectl's own shell completion offers (cobra `__complete`):
//! verbs, the verb's flags, resource types, object names of the given type in the
//! current namespace (`kubectl get pods ng<Tab>`, `kubectl describe svc/<Tab>`),
//! pod names after `exec`/`logs`/`port-forward`, namespaces after `-n`; at the top
//! prompt, program names.

use super::Terminal;
use crate::api::kinds::{self, ResourceType};
use crate::cluster::Cluster;

/// Programs the top prompt runs (see `host.rs`), besides the text tools.
const PROGRAMS: &[&str] = &["clear", "curl", "help", "k", "kubectl", "sleep", "timeout"];

/// kubectl verbs the terminal implements.
pub const VERBS: &[&str] = &[
    "annotate",
    "api-resources",
    "api-versions",
    "apply",
    "auth",
    "cluster-info",
    "config",
    "cordon",
    "create",
    "delete",
    "describe",
    "drain",
    "edit",
    "events",
    "exec",
    "explain",
    "expose",
    "get",
    "label",
    "logs",
    "patch",
    "port-forward",
    "replace",
    "rollout",
    "run",
    "scale",
    "set",
    "top",
    "uncordon",
    "version",
    "wait",
];

/// Flags every kubectl verb accepts.
const GLOBAL_FLAGS: &[&str] = &[
    "--all-namespaces",
    "--help",
    "--namespace",
    "-A",
    "-h",
    "-n",
];

fn verb_flags(verb: &str) -> &'static [&'static str] {
    match verb {
        "get" => &[
            "--field-selector",
            "--label-columns",
            "--output",
            "--selector",
            "--show-labels",
            "--sort-by",
            "--watch",
            "-L",
            "-l",
            "-o",
            "-w",
        ],
        "describe" => &["--selector", "--show-events", "-l"],
        "delete" => &[
            "--all",
            "--filename",
            "--force",
            "--grace-period",
            "--ignore-not-found",
            "--selector",
            "--wait",
            "-f",
            "-l",
        ],
        "apply" => &["--dry-run", "--filename", "--output", "-f", "-o"],
        "create" => &["--dry-run", "--filename", "--output", "-f", "-o"],
        "run" => &[
            "--command",
            "--env",
            "--image",
            "--labels",
            "--port",
            "--restart",
            "--rm",
            "-i",
            "-it",
            "-t",
        ],
        "expose" => &[
            "--name",
            "--port",
            "--protocol",
            "--selector",
            "--session-affinity",
            "--target-port",
            "--type",
        ],
        "scale" => &["--replicas"],
        "label" | "annotate" => &["--all", "--overwrite", "--selector", "-l"],
        "patch" => &["--patch", "--type", "-p"],
        "exec" => &["--container", "--stdin", "--tty", "-c", "-i", "-it", "-t"],
        "logs" => &[
            "--container",
            "--follow",
            "--previous",
            "--selector",
            "--tail",
            "-c",
            "-f",
            "-l",
            "-p",
        ],
        "port-forward" => &["--address"],
        "wait" => &["--for", "--selector", "--timeout", "-l"],
        "rollout" => &["--timeout", "--to-revision"],
        "set" => &[],
        _ => &[],
    }
}

/// Subcommands for verbs that take one.
fn subcommands(verb: &str) -> &'static [&'static str] {
    match verb {
        "create" => &["configmap", "deployment", "namespace", "secret", "service"],
        "rollout" => &["history", "pause", "restart", "resume", "status", "undo"],
        "config" => &[
            "current-context",
            "get-contexts",
            "set-context",
            "use-context",
            "view",
        ],
        "set" => &["env", "image", "selector"],
        "top" => &["node", "pod"],
        "auth" => &["can-i", "whoami"],
        _ => &[],
    }
}

/// Verbs whose positional words are `TYPE [NAME...]` or `TYPE/NAME`.
fn takes_resources(verb: &str) -> bool {
    matches!(
        verb,
        "get"
            | "describe"
            | "delete"
            | "edit"
            | "label"
            | "annotate"
            | "patch"
            | "scale"
            | "expose"
            | "wait"
            | "explain"
    )
}

/// Flags whose value is the next word (so that word is not a positional).
fn takes_value(flag: &str) -> bool {
    matches!(
        flag,
        "-n" | "--namespace"
            | "-o"
            | "--output"
            | "-l"
            | "--selector"
            | "-L"
            | "--label-columns"
            | "-f"
            | "--filename"
            | "-c"
            | "--container"
            | "-p"
            | "--patch"
            | "--type"
            | "--replicas"
            | "--image"
            | "--port"
            | "--target-port"
            | "--name"
            | "--for"
            | "--timeout"
            | "--field-selector"
            | "--sort-by"
            | "--grace-period"
            | "--tail"
            | "--restart"
            | "--labels"
            | "--env"
            | "--protocol"
            | "--session-affinity"
            | "--to-revision"
    )
}

/// Candidates for the last word of `line` (the full replacement words, sorted, no
/// duplicates). An empty last word (line ends in a space) lists every candidate.
pub fn complete(cluster: &Cluster, term: &Terminal, line: &str) -> Vec<String> {
    // Only the last simple command of a pipeline or list matters.
    let cmd = line
        .rsplit(['|', ';', '&'])
        .next()
        .unwrap_or(line)
        .trim_start();
    let mut words: Vec<&str> = cmd.split_whitespace().collect();
    let current = if cmd.is_empty() || cmd.ends_with(char::is_whitespace) {
        ""
    } else {
        words.pop().unwrap_or("")
    };
    let mut out: Vec<String> = match words.first() {
        None => PROGRAMS
            .iter()
            .chain(super::tools::TOOLS.iter())
            .map(|s| s.to_string())
            .collect(),
        Some(&"kubectl") | Some(&"k") => kubectl(cluster, term, &words[1..], current),
        Some(_) => Vec::new(),
    };
    out.retain(|c| c.starts_with(current));
    crate::sort::sort(&mut out);
    out.dedup();
    out
}

fn kubectl(cluster: &Cluster, term: &Terminal, args: &[&str], current: &str) -> Vec<String> {
    // Namespace from -n / --namespace among the words so far.
    let mut namespace = term.namespace.clone();
    let mut positional: Vec<&str> = Vec::new();
    let mut after_dashdash = false;
    let mut i = 0;
    while i < args.len() {
        let w = args[i];
        if after_dashdash {
            positional.push(w);
        } else if w == "--" {
            after_dashdash = true;
        } else if let Some(ns) = w.strip_prefix("--namespace=") {
            namespace = ns.to_string();
        } else if w.starts_with('-') {
            if takes_value(w) {
                if let Some(v) = args.get(i + 1) {
                    if w == "-n" || w == "--namespace" {
                        namespace = v.to_string();
                    }
                }
                i += 1;
            }
        } else {
            positional.push(w);
        }
        i += 1;
    }
    if after_dashdash {
        // The command run inside the pod: nothing to offer.
        return Vec::new();
    }
    let prev = args.last().copied().unwrap_or("");
    if prev == "-n" || prev == "--namespace" {
        return namespaces(cluster);
    }
    if let Some(p) = current.strip_prefix("--namespace=") {
        let _ = p;
        return namespaces(cluster)
            .into_iter()
            .map(|n| format!("--namespace={n}"))
            .collect();
    }
    if takes_value(prev) {
        return match prev {
            "-o" | "--output" => ["json", "jsonpath=", "name", "wide", "yaml"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            "--type" => ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            _ => Vec::new(),
        };
    }
    let Some(verb) = positional.first().copied() else {
        if current.starts_with('-') {
            return strings(GLOBAL_FLAGS);
        }
        return strings(VERBS);
    };
    if current.starts_with('-') {
        let mut v = strings(verb_flags(verb));
        v.extend(strings(GLOBAL_FLAGS));
        return v;
    }
    let rest = &positional[1..];
    match verb {
        "exec" | "logs" | "port-forward" | "attach" => {
            if rest.is_empty() {
                return names_of("Pod", cluster, &namespace);
            }
            Vec::new()
        }
        "create" | "config" | "set" => {
            if rest.is_empty() {
                return strings(subcommands(verb));
            }
            if verb == "create" && rest == ["service"] {
                return strings(&["clusterip", "externalname", "loadbalancer", "nodeport"]);
            }
            if verb == "set" && rest.len() == 1 {
                return resource_words(cluster, &namespace, &[], current);
            }
            Vec::new()
        }
        // Node maintenance takes node names.
        "cordon" | "uncordon" | "drain" => names_of("Node", cluster, ""),
        "taint" => match rest {
            [] => strings(&["node", "nodes"]),
            [_] => names_of("Node", cluster, ""),
            _ => Vec::new(),
        },
        "top" | "auth" => match rest {
            [] => strings(subcommands(verb)),
            ["pod" | "pods" | "po"] => names_of("Pod", cluster, &namespace),
            ["node" | "nodes" | "no"] => names_of("Node", cluster, ""),
            _ => Vec::new(),
        },
        "rollout" => {
            if rest.is_empty() {
                return strings(subcommands(verb));
            }
            resource_words(cluster, &namespace, &rest[1..], current)
                .into_iter()
                .filter(|w| {
                    rest.len() > 1
                        || w.contains('/')
                        || matches!(w.as_str(), "deployment" | "deployments" | "deploy")
                })
                .collect()
        }
        v if takes_resources(v) => resource_words(cluster, &namespace, rest, current),
        _ => Vec::new(),
    }
}

/// After a resource verb: resource types first, then names of that type; `TYPE/`
/// completes to `TYPE/NAME`.
fn resource_words(cluster: &Cluster, ns: &str, rest: &[&str], current: &str) -> Vec<String> {
    if let Some((t, _)) = current.split_once('/') {
        let Some(rt) = kinds::lookup(t) else {
            return Vec::new();
        };
        return names_of(rt.kind, cluster, ns)
            .into_iter()
            .map(|n| format!("{t}/{n}"))
            .collect();
    }
    match rest.first() {
        None => type_words(),
        Some(t) if !t.contains('/') => {
            // `get pods,svc NAME` names only make sense for a single type.
            match (t.contains(','), kinds::lookup(t)) {
                (false, Some(rt)) => names_of(rt.kind, cluster, ns),
                _ => Vec::new(),
            }
        }
        // `TYPE/NAME TYPE/...`: another typed name.
        Some(_) => type_words(),
    }
}

/// Every resource type word kubectl accepts: plurals, singulars, short names.
fn type_words() -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for rt in kinds::RESOURCE_TYPES.iter() {
        push_type(&mut v, rt);
    }
    v.push("all".into());
    v
}

fn push_type(v: &mut Vec<String>, rt: &ResourceType) {
    v.push(rt.plural.to_string());
    v.push(rt.singular.to_string());
    v.extend(rt.short_names.iter().map(|s| s.to_string()));
}

/// Names of the objects of `kind` in `ns` (all of them for cluster-scoped kinds).
fn names_of(kind: &'static str, cluster: &Cluster, ns: &str) -> Vec<String> {
    let namespaced = kinds::by_kind_name(kind).is_none_or(|rt| rt.namespaced);
    cluster
        .store
        .list(kind)
        .filter(|o| !namespaced || o.namespace() == ns)
        .map(|o| o.name().to_string())
        .collect()
}

fn namespaces(cluster: &Cluster) -> Vec<String> {
    names_of("Namespace", cluster, "")
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::complete;
    use crate::scenario::World;

    fn world() -> World {
        let mut w = World::new(7);
        w.command("kubectl create deployment nginx --image=nginx:1.27 --replicas=2");
        w.command("kubectl expose deployment nginx --port=80");
        w.command("kubectl create service clusterip web --tcp=80:8080");
        w.command("kubectl create namespace other");
        w.command("kubectl run debug --image=alpine --restart=Never -- sleep 3600");
        w.command("kubectl run elsewhere -n other --image=alpine --restart=Never -- sleep 3600");
        w.command("sleep 5");
        w
    }

    fn c(w: &World, line: &str) -> Vec<String> {
        complete(&w.cluster, &w.terminal, line)
    }

    #[test]
    fn programs_at_the_top_prompt() {
        let w = World::new(1);
        assert_eq!(c(&w, "ku"), vec!["kubectl"]);
        assert!(c(&w, "").contains(&"curl".to_string()));
        assert_eq!(c(&w, "sl"), vec!["sleep"]);
        assert_eq!(c(&w, "kubectl get pods | wc -l; cur"), vec!["curl"]);
        assert!(c(&w, "nosuch").is_empty());
    }

    #[test]
    fn node_maintenance_completes_node_names() {
        let w = World::new(1);
        assert_eq!(
            c(&w, "kubectl cordon kubeplay-w"),
            ["kubeplay-worker", "kubeplay-worker2"]
        );
        assert_eq!(
            c(&w, "kubectl taint nodes kubeplay-worker2"),
            ["kubeplay-worker2"]
        );
        assert_eq!(c(&w, "kubectl top "), ["node", "pod"]);
        assert_eq!(c(&w, "kubectl dr"), ["drain"]);
    }

    #[test]
    fn verbs_and_flags() {
        let w = World::new(1);
        assert_eq!(c(&w, "kubectl ge"), vec!["get"]);
        assert_eq!(c(&w, "k des"), vec!["describe"]);
        assert_eq!(c(&w, "kubectl ex"), vec!["exec", "explain", "expose"]);
        assert!(c(&w, "kubectl ").contains(&"apply".to_string()));
        assert_eq!(c(&w, "kubectl get pods --show"), vec!["--show-labels"]);
        assert_eq!(
            c(&w, "kubectl scale deployment nginx --rep"),
            vec!["--replicas"]
        );
        assert_eq!(
            c(&w, "kubectl get pods -o "),
            vec!["json", "jsonpath=", "name", "wide", "yaml"]
        );
        assert_eq!(
            c(&w, "kubectl expose deploy nginx --type N"),
            vec!["NodePort"]
        );
        assert_eq!(c(&w, "kubectl rollout st"), vec!["status"]);
        assert_eq!(
            c(&w, "kubectl create service "),
            vec!["clusterip", "externalname", "loadbalancer", "nodeport"]
        );
    }

    #[test]
    fn resource_types() {
        let w = World::new(1);
        let v = c(&w, "kubectl get s");
        assert!(v.contains(&"svc".to_string()), "{v:?}");
        assert!(v.contains(&"services".to_string()), "{v:?}");
        assert!(v.contains(&"service".to_string()), "{v:?}");
        let v = c(&w, "kubectl describe deplo");
        assert!(v.contains(&"deployments".to_string()), "{v:?}");
        assert!(v.contains(&"deploy".to_string()), "{v:?}");
        let v = c(&w, "kubectl get endpoint");
        assert!(v.contains(&"endpoints".to_string()), "{v:?}");
        assert!(v.contains(&"endpointslices".to_string()), "{v:?}");
    }

    #[test]
    fn object_names_in_the_current_namespace() {
        let w = world();
        let pods = c(&w, "kubectl get pods ng");
        assert_eq!(pods.len(), 2, "{pods:?}");
        assert!(pods.iter().all(|p| p.starts_with("nginx-")), "{pods:?}");
        assert_eq!(
            c(&w, "kubectl get svc "),
            vec!["kubernetes", "nginx", "web"]
        );
        assert_eq!(
            c(&w, "kubectl describe svc/"),
            vec!["svc/kubernetes", "svc/nginx", "svc/web"]
        );
        assert_eq!(c(&w, "kubectl delete deployment "), vec!["nginx"]);
        assert_eq!(c(&w, "kubectl get deploy/n"), vec!["deploy/nginx"]);
        // Other namespaces' objects only with -n.
        assert!(!c(&w, "kubectl get pods ").contains(&"elsewhere".to_string()));
        assert_eq!(c(&w, "kubectl get pods -n other "), vec!["elsewhere"]);
        assert_eq!(
            c(&w, "kubectl get pods --namespace=other e"),
            vec!["elsewhere"]
        );
        assert_eq!(c(&w, "kubectl get svc -n kube-system "), vec!["kube-dns"]);
        assert!(c(&w, "kubectl get nosuchtype ").is_empty());
        // Cluster-scoped: nodes, namespaces.
        assert!(c(&w, "kubectl describe ns ").contains(&"other".to_string()));
    }

    #[test]
    fn pods_after_exec_and_logs() {
        let w = world();
        assert_eq!(c(&w, "kubectl exec de"), vec!["debug"]);
        assert_eq!(c(&w, "kubectl exec -it de"), vec!["debug"]);
        assert_eq!(c(&w, "kubectl logs deb"), vec!["debug"]);
        assert_eq!(c(&w, "kubectl exec -n other "), vec!["elsewhere"]);
        assert!(c(&w, "kubectl exec debug -- wg").is_empty());
    }

    #[test]
    fn namespaces_after_n() {
        let w = world();
        let v = c(&w, "kubectl get pods -n ");
        for ns in ["default", "kube-system", "other"] {
            assert!(v.contains(&ns.to_string()), "{v:?}");
        }
        assert_eq!(c(&w, "kubectl get pods -n ot"), vec!["other"]);
        assert_eq!(c(&w, "kubectl get pods --namespace ku").len(), 3);
        assert_eq!(
            c(&w, "kubectl get pods --namespace=ot"),
            vec!["--namespace=other"]
        );
    }

    #[test]
    fn hostile_lines_do_not_panic() {
        let w = world();
        for line in [
            "",
            " ",
            "|",
            "&&",
            "kubectl --",
            "kubectl -n",
            "kubectl get /",
            "kubectl get svc/",
            "é ü",
            "kubectl get \u{0}/x",
        ] {
            let _ = c(&w, line);
        }
    }
}
