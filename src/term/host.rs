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
            // The learner's background jobs are their port-forwards and proxies: `kill %N` (or %% / %+,
            // the latest) stops one; bash says `no such job` for any other.
            "kill" => {
                let mut code = 0;
                for spec in args
                    .iter()
                    .filter(|a| !a.starts_with('-') || a.starts_with("-%"))
                {
                    let n = match spec.as_str() {
                        "%%" | "%+" | "%" => self.term.jobs.len(),
                        s => s
                            .strip_prefix('%')
                            .and_then(|n| n.parse::<usize>().ok())
                            .unwrap_or(0),
                    };
                    if n >= 1 && n <= self.term.jobs.len() {
                        self.term.jobs.remove(n - 1);
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
            "timeout" => self.timeout(args, stdin, env, out),
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

/// GNU coreutils `timeout`'s exit status when the command could not run or the
/// arguments were wrong (EXIT_CANCELED), and when it timed out (EXIT_TIMEDOUT).
const TIMEOUT_CANCELED: i32 = 125;
const TIMEOUT_TIMED_OUT: i32 = 124;
const TIMEOUT_TRY: &str = "Try 'timeout --help' for more information.\n";

impl TopHost<'_> {
    /// `timeout [OPTION] DURATION COMMAND [ARG]...` (GNU coreutils timeout.c): runs the
    /// command with the clock stopped at the deadline; a command still running there is
    /// killed (a stream ends, a wait returns silently) and the status is 124, or 128+N
    /// with `--preserve-status` / a `-s` signal other than TERM that kills at once.
    fn timeout(&mut self, args: &[String], stdin: &str, env: &Env, out: &mut Output) -> i32 {
        let mut signal = ("TERM", 15);
        let mut preserve = false;
        let mut verbose = false;
        let mut i = 0;
        // getopt_long with "+": options end at the first operand.
        while let Some(a) = args.get(i) {
            // `--signal=KILL` and `-sKILL` carry their value in the same word.
            let (flag, inline) = match a.split_once('=') {
                Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
                _ if a.len() > 2 && (a.starts_with("-s") || a.starts_with("-k")) => {
                    (&a[..2], Some(a[2..].to_string()))
                }
                _ => (a.as_str(), None),
            };
            let value = |i: &mut usize| -> Option<String> {
                if let Some(v) = &inline {
                    return Some(v.clone());
                }
                *i += 1;
                args.get(*i).cloned()
            };
            match flag {
                "--" => {
                    i += 1;
                    break;
                }
                "-f" | "--foreground" => {}
                "-p" | "--preserve-status" => preserve = true,
                "-v" | "--verbose" => verbose = true,
                "-k" | "--kill-after" | "-s" | "--signal" => {
                    let Some(v) = value(&mut i) else {
                        let name = flag.trim_start_matches('-');
                        if flag.starts_with("--") {
                            out.err(&format!(
                                "timeout: option '--{name}' requires an argument\n{TIMEOUT_TRY}"
                            ));
                        } else {
                            out.err(&format!(
                                "timeout: option requires an argument -- '{name}'\n{TIMEOUT_TRY}"
                            ));
                        }
                        return TIMEOUT_CANCELED;
                    };
                    if flag == "-s" || flag == "--signal" {
                        match parse_signal(&v) {
                            Some(s) => signal = s,
                            None => {
                                out.err(&format!("timeout: {v}: invalid signal\n{TIMEOUT_TRY}"));
                                return TIMEOUT_CANCELED;
                            }
                        }
                    }
                }
                f if f.starts_with("--") => {
                    out.err(&format!(
                        "timeout: unrecognized option '{a}'\n{TIMEOUT_TRY}"
                    ));
                    return TIMEOUT_CANCELED;
                }
                f if f.starts_with('-') && f.len() > 1 && f.as_bytes()[1].is_ascii_alphabetic() => {
                    let c = f.chars().nth(1).unwrap_or('-');
                    out.err(&format!("timeout: invalid option -- '{c}'\n{TIMEOUT_TRY}"));
                    return TIMEOUT_CANCELED;
                }
                _ => break,
            }
            i += 1;
        }
        let rest = &args[i.min(args.len())..];
        if rest.len() < 2 {
            out.err(TIMEOUT_TRY);
            return TIMEOUT_CANCELED;
        }
        let ms = match parse_sleep(&rest[..1]) {
            Ok(ms) => ms,
            Err(_) => {
                out.err(&format!(
                    "timeout: invalid time interval '{}'\n{TIMEOUT_TRY}",
                    rest[0]
                ));
                return TIMEOUT_CANCELED;
            }
        };
        let command = &rest[1..];
        // A duration of 0 disables the timeout.
        let kill_at = (ms > 0).then(|| self.cluster.now.saturating_add(ms));
        let (saved_limit, saved_kill) = (self.cluster.clock_limit(), self.term.kill_at);
        if let Some(at) = kill_at {
            self.cluster.set_clock_limit(Some(at.min(saved_limit)));
            self.term.kill_at = Some(saved_kill.map_or(at, |k| k.min(at)));
        }
        let mut sub = Output::new();
        let code = self.run(command, stdin, env, &mut sub);
        self.cluster.set_clock_limit(Some(saved_limit));
        self.term.kill_at = saved_kill;
        let prog = &command[0];
        if code == 127 && sub.combined() == format!("bash: {prog}: command not found\n") {
            out.err(&format!(
                "timeout: failed to run command '{prog}': No such file or directory\n"
            ));
            return 127;
        }
        out.append(sub);
        match kill_at {
            Some(at) if self.cluster.now >= at => {
                if verbose {
                    out.err(&format!(
                        "timeout: sending signal {} to command '{prog}'\n",
                        signal.0
                    ));
                }
                if preserve || signal.1 == 9 {
                    128 + signal.1
                } else {
                    TIMEOUT_TIMED_OUT
                }
            }
            _ => code,
        }
    }
}

/// A signal for `timeout -s`: a name (with or without SIG) or a number.
fn parse_signal(s: &str) -> Option<(&'static str, i32)> {
    const SIGNALS: &[(&str, i32)] = &[
        ("HUP", 1),
        ("INT", 2),
        ("QUIT", 3),
        ("KILL", 9),
        ("USR1", 10),
        ("USR2", 12),
        ("ALRM", 14),
        ("TERM", 15),
    ];
    let name = s.strip_prefix("SIG").unwrap_or(s);
    SIGNALS
        .iter()
        .find(|(n, num)| n.eq_ignore_ascii_case(name) || name.parse() == Ok(*num))
        .copied()
}

const HELP: &str = "This terminal is your own machine next to the cluster.
  kubectl ...            talk to the cluster (get, describe, apply -f -, run, expose, exec, ...)
  kubectl exec -it POD -- sh   open a shell inside a pod (wget, nslookup, curl, ...)
  curl http://NODE-IP:NODEPORT reach a NodePort or LoadBalancer from outside the cluster
  sleep N                let N seconds of cluster time pass
  timeout N COMMAND      stop COMMAND (e.g. kubectl get pods -w) after N seconds
";
