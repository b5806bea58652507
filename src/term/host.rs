//! The learner's own machine: what the top prompt can run.

use super::kubectl;
use super::shell::{Env, Host, Output};
use super::Terminal;
use crate::cluster::Cluster;

pub struct TopHost<'a> {
    pub cluster: &'a mut Cluster,
    pub term: &'a mut Terminal,
}

/// `sleep` arguments: `5`, `0.5`, `2s`, `1m` (GNU sleep sums several).
pub fn parse_sleep(args: &[String]) -> Result<i64, String> {
    if args.is_empty() {
        return Err("sleep: missing operand\nTry 'sleep --help' for more information.".into());
    }
    let mut total = 0f64;
    for a in args {
        let (num, mult) = match a.chars().last() {
            Some('s') => (&a[..a.len() - 1], 1.0),
            Some('m') => (&a[..a.len() - 1], 60.0),
            Some('h') => (&a[..a.len() - 1], 3600.0),
            Some('d') => (&a[..a.len() - 1], 86400.0),
            _ => (a.as_str(), 1.0),
        };
        let n: f64 = num.parse().map_err(|_| {
            format!("sleep: invalid time interval '{a}'\nTry 'sleep --help' for more information.")
        })?;
        if !n.is_finite() || n < 0.0 {
            return Err(format!(
                "sleep: invalid time interval '{a}'\nTry 'sleep --help' for more information."
            ));
        }
        total += n * mult;
    }
    // A day of simulated time at most per sleep: the clock fast-forwards, it never hangs.
    Ok((total.min(86_400.0) * 1000.0) as i64)
}

impl Host for TopHost<'_> {
    fn run(&mut self, argv: &[String], stdin: &str, env: &Env, out: &mut Output) -> i32 {
        let Some(prog) = argv.first() else { return 0 };
        let args = &argv[1..];
        match prog.as_str() {
            "kubectl" | "k" => {
                let mut ctx = kubectl::Ctx {
                    cluster: self.cluster,
                    term: self.term,
                    stdin,
                };
                kubectl::run(&mut ctx, args, out)
            }
            "sleep" => match parse_sleep(args) {
                Ok(ms) => {
                    self.cluster.advance(ms);
                    0
                }
                Err(e) => {
                    out.err(&format!("{e}\n"));
                    1
                }
            },
            // The learner's background jobs are their port-forwards: `kill %N` (or %% / %+,
            // the latest) stops one; bash says `no such job` for any other.
            "kill" => {
                let mut code = 0;
                for spec in args
                    .iter()
                    .filter(|a| !a.starts_with('-') || a.starts_with("-%"))
                {
                    let n = match spec.as_str() {
                        "%%" | "%+" | "%" => self.term.port_forwards.len(),
                        s => s
                            .strip_prefix('%')
                            .and_then(|n| n.parse::<usize>().ok())
                            .unwrap_or(0),
                    };
                    if n >= 1 && n <= self.term.port_forwards.len() {
                        self.term.port_forwards.remove(n - 1);
                    } else if spec.starts_with('%') {
                        out.err(&format!("bash: kill: {spec}: no such job\n"));
                        code = 1;
                    } else {
                        out.err(&format!("bash: kill: ({spec}) - No such process\n"));
                        code = 1;
                    }
                }
                code
            }
            "clear" => 0,
            "help" => {
                out.out(HELP);
                0
            }
            "curl" => crate::term::pod::curl_from_outside(self.cluster, self.term, args, env, out),
            _ => {
                if let Some((o, e, code)) = crate::term::tools::run_tool(argv, stdin) {
                    out.out(&o);
                    out.err(&e);
                    return code;
                }
                out.err(&format!("bash: {prog}: command not found\n"));
                127
            }
        }
    }
}

const HELP: &str = "This terminal is your own machine next to the cluster.
  kubectl ...            talk to the cluster (get, describe, apply -f -, run, expose, exec, ...)
  kubectl exec -it POD -- sh   open a shell inside a pod (wget, nslookup, curl, ...)
  curl http://NODE-IP:NODEPORT reach a NodePort or LoadBalancer from outside the cluster
  sleep N                let N seconds of cluster time pass
";
