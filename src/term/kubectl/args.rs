//! kubectl's command-line parsing (cobra/pflag rules): `--flag=value`, `--flag value`,
//! `-n ns`, `-nns`, `-oyaml`, combined boolean shorthands (`-it`), and `--` ending flags.

/// Flags that take a value. Everything else starting with `-` is boolean.
const VALUE_FLAGS: &[&str] = &[
    "-n",
    "--namespace",
    "-o",
    "--output",
    "-l",
    "--selector",
    "-f",
    "--filename",
    "-c",
    "--container",
    "-L",
    "--label-columns",
    "--sort-by",
    "--field-selector",
    "--for",
    "--timeout",
    "--replicas",
    "--image",
    "--port",
    "--target-port",
    "--type",
    "--name",
    "--protocol",
    "--labels",
    "--env",
    "--restart",
    "--grace-period",
    "-p",
    "--patch",
    "--to-revision",
    "--tcp",
    "--node-port",
    "--cluster-ip",
    "--request-timeout",
    "--current-replicas",
    "--overrides",
    "--external-name",
    "--selector",
    "--dry-run",
    "--tail",
    "--since",
    "--field-manager",
    "--cascade",
    "--address",
    "--context",
    "--session-affinity",
    "--load-balancer-ip",
    "--external-ip",
    "--current",
    "--image-pull-policy",
    "--pod-running-timeout",
    "--kubeconfig",
    "--validate",
    "--revision",
    "--command-timeout",
];

/// Flags whose value is optional when written without `=` (`--dry-run` alone means client).
const OPTIONAL_VALUE: &[&str] = &["--dry-run", "--validate"];

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Args {
    /// Words that are not flags (the verb first).
    pub positional: Vec<String>,
    /// Flags in order; value None for booleans.
    pub flags: Vec<(String, Option<String>)>,
    /// Everything after `--`.
    pub command: Vec<String>,
    pub has_dashdash: bool,
}

impl Args {
    pub fn parse(argv: &[String]) -> Result<Args, String> {
        let mut a = Args::default();
        let mut i = 0;
        while i < argv.len() {
            let w = &argv[i];
            if w == "--" {
                a.has_dashdash = true;
                a.command = argv[i + 1..].to_vec();
                break;
            }
            if let Some(long) = w.strip_prefix("--") {
                if let Some((k, v)) = long.split_once('=') {
                    a.flags.push((format!("--{k}"), Some(v.to_string())));
                } else {
                    let name = format!("--{long}");
                    if OPTIONAL_VALUE.contains(&name.as_str()) {
                        a.flags.push((name, None));
                    } else if VALUE_FLAGS.contains(&name.as_str()) {
                        let Some(v) = argv.get(i + 1) else {
                            return Err(format!("flag needs an argument: --{long}"));
                        };
                        a.flags.push((name, Some(v.clone())));
                        i += 1;
                    } else {
                        a.flags.push((name, None));
                    }
                }
            } else if w.len() > 1
                && w.starts_with('-')
                && !w[1..].starts_with(|c: char| c.is_ascii_digit())
            {
                let body = &w[1..];
                let first = format!(
                    "-{}",
                    &body[..body.chars().next().map_or(1, char::len_utf8)]
                );
                if VALUE_FLAGS.contains(&first.as_str()) {
                    let rest = &body[first.len() - 1..];
                    let rest = rest.strip_prefix('=').unwrap_or(rest);
                    if !rest.is_empty() {
                        a.flags.push((first, Some(rest.to_string())));
                    } else {
                        let Some(v) = argv.get(i + 1) else {
                            return Err(format!(
                                "flag needs an argument: '{}' in {w}",
                                &first[1..]
                            ));
                        };
                        a.flags.push((first, Some(v.clone())));
                        i += 1;
                    }
                } else {
                    // Combined boolean shorthands: -it, -A, -w.
                    for ch in body.chars() {
                        a.flags.push((format!("-{ch}"), None));
                    }
                }
            } else {
                a.positional.push(w.clone());
            }
            i += 1;
        }
        Ok(a)
    }

    /// The last value of any of the given spellings (`-n`, `--namespace`).
    pub fn value(&self, names: &[&str]) -> Option<&str> {
        self.flags
            .iter()
            .rev()
            .find(|(k, v)| names.contains(&k.as_str()) && v.is_some())
            .and_then(|(_, v)| v.as_deref())
    }

    /// Every value of a repeatable flag (`-f a -f b`, `--env A=1 --env B=2`).
    pub fn values(&self, names: &[&str]) -> Vec<&str> {
        self.flags
            .iter()
            .filter(|(k, _)| names.contains(&k.as_str()))
            .filter_map(|(_, v)| v.as_deref())
            .collect()
    }

    /// A boolean flag: present without a value, or `=true`.
    pub fn has(&self, names: &[&str]) -> bool {
        self.flags
            .iter()
            .any(|(k, v)| names.contains(&k.as_str()) && v.as_deref().is_none_or(|v| v != "false"))
    }

    /// Positional words after the verb (and after a sub-verb when `skip` is 2).
    pub fn rest(&self, skip: usize) -> &[String] {
        self.positional.get(skip..).unwrap_or(&[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Args {
        Args::parse(&s.split_whitespace().map(String::from).collect::<Vec<_>>()).unwrap()
    }

    #[test]
    fn flags_and_positionals() {
        let a = p("get pods -n kube-system -owide -l app=nginx --show-labels");
        assert_eq!(a.positional, ["get", "pods"]);
        assert_eq!(a.value(&["-n", "--namespace"]), Some("kube-system"));
        assert_eq!(a.value(&["-o", "--output"]), Some("wide"));
        assert_eq!(a.value(&["-l", "--selector"]), Some("app=nginx"));
        assert!(a.has(&["--show-labels"]));
        let a = p("exec -it debug -- wget -qO- http://nginx");
        assert!(a.has(&["-i"]) && a.has(&["-t"]));
        assert_eq!(a.positional, ["exec", "debug"]);
        assert_eq!(a.command, ["wget", "-qO-", "http://nginx"]);
        let a = p("get svc --namespace=default -A");
        assert_eq!(a.value(&["-n", "--namespace"]), Some("default"));
        assert!(a.has(&["-A", "--all-namespaces"]));
    }
}
