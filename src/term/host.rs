//! The learner's own machine: what the top prompt can run.

use super::kubectl;
use super::shell::{Env, Host, Output};
use super::Terminal;
use crate::cluster::Cluster;
use std::collections::{BTreeMap, BTreeSet};

/// The learner's home directory: the top prompt starts there.
pub const HOME: &str = "/home/learner";
/// At most this many files, each at most [`MAX_FILE`] bytes (manifests are limited to 1 MiB).
const MAX_FILES: usize = 200;
const MAX_FILE: usize = 1 << 20;

/// The learner's own files: what they write under their home directory or /tmp, by
/// absolute path, the directories they made, and the shell's working directory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Files {
    files: BTreeMap<String, String>,
    dirs: BTreeSet<String>,
    cwd: Option<String>,
}

impl Files {
    /// The working directory (`cd`), home at first.
    pub fn cwd(&self) -> &str {
        self.cwd.as_deref().unwrap_or(HOME)
    }

    /// `path` as an absolute, normalized path.
    pub fn abs(&self, path: &str) -> String {
        let path = match path.strip_prefix('~') {
            Some(rest) if rest.is_empty() || rest.starts_with('/') => format!("{HOME}{rest}"),
            _ => path.to_string(),
        };
        super::shell::normalize_path(self.cwd(), &path)
    }

    /// A file's contents.
    pub fn get(&self, path: &str) -> Option<&str> {
        self.files.get(&self.abs(path)).map(String::as_str)
    }

    /// Whether `path` is a directory: the system's own, or one the learner made.
    pub fn is_dir(&self, path: &str) -> bool {
        let p = self.abs(path);
        matches!(
            p.as_str(),
            "/" | "/home"
                | HOME
                | "/tmp"
                | "/etc"
                | "/usr"
                | "/usr/bin"
                | "/usr/local"
                | "/usr/local/bin"
                | "/bin"
                | "/var"
                | "/dev"
        ) || self.dirs.contains(&p)
    }

    /// The files directly in a directory (absolute paths, sorted), and its subdirectories.
    pub fn list(&self, dir: &str) -> (Vec<String>, Vec<String>) {
        let d = self.abs(dir);
        let prefix = if d == "/" { d.clone() } else { format!("{d}/") };
        let direct = |p: &&String| {
            p.strip_prefix(&prefix)
                .is_some_and(|rest| !rest.is_empty() && !rest.contains('/'))
        };
        (
            self.files.keys().filter(direct).cloned().collect(),
            self.dirs.iter().filter(direct).cloned().collect(),
        )
    }

    /// Whether the learner may create `abs` (under home or /tmp).
    fn writable(abs: &str) -> bool {
        abs.starts_with(&format!("{HOME}/")) || abs.starts_with("/tmp/")
    }

    /// The directory part of an absolute path.
    fn parent(abs: &str) -> &str {
        match abs.rfind('/') {
            Some(0) | None => "/",
            Some(i) => &abs[..i],
        }
    }

    /// Writes (or appends to) a file; Err holds the reason bash prints.
    pub fn write(&mut self, path: &str, data: &str, append: bool) -> Result<(), String> {
        let abs = self.abs(path);
        if abs == "/dev/null" {
            return Ok(());
        }
        if self.is_dir(&abs) {
            return Err("Is a directory".into());
        }
        if !self.is_dir(Self::parent(&abs)) {
            return Err("No such file or directory".into());
        }
        if !Self::writable(&abs) {
            return Err("Permission denied".into());
        }
        if self.files.len() >= MAX_FILES && !self.files.contains_key(&abs) {
            return Err("No space left on device".into());
        }
        let entry = self.files.entry(abs).or_default();
        if !append {
            entry.clear();
        }
        if entry.len() + data.len() > MAX_FILE {
            return Err("File too large".into());
        }
        entry.push_str(data);
        Ok(())
    }

    /// Reads a file; Err holds the reason.
    pub fn read(&self, path: &str) -> Result<String, String> {
        if let Some(t) = self.get(path) {
            return Ok(t.to_string());
        }
        if self.is_dir(path) {
            return Err("Is a directory".into());
        }
        Err("No such file or directory".into())
    }
}

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
    fn read_file(&mut self, path: &str) -> Result<String, String> {
        self.term.files.read(path)
    }

    fn write_file(&mut self, path: &str, data: &str, append: bool) -> Result<(), String> {
        self.term.files.write(path, data, append)
    }

    fn is_dir(&mut self, path: &str) -> bool {
        self.term.files.is_dir(path)
    }

    fn chdir(&mut self, path: &str) {
        self.term.files.cwd = Some(path.to_string());
    }

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
            "docker" => self.docker(args, stdin, out),
            "ls" => ls(&self.term.files, args, out),
            "rm" => rm(&mut self.term.files, args, out),
            "mkdir" => mkdir(&mut self.term.files, args, out),
            "touch" => {
                let mut code = 0;
                for f in args.iter().filter(|a| !a.starts_with('-')) {
                    if self.term.files.get(f).is_none() {
                        if let Err(e) = self.term.files.write(f, "", true) {
                            out.err(&format!("touch: cannot touch '{f}': {e}\n"));
                            code = 1;
                        }
                    }
                }
                code
            }
            "tee" => {
                let append = args.iter().any(|a| a == "-a" || a == "--append");
                let mut code = 0;
                for f in args.iter().filter(|a| !a.starts_with('-')) {
                    if let Err(e) = self.term.files.write(f, stdin, append) {
                        out.err(&format!("tee: {f}: {e}\n"));
                        code = 1;
                    }
                }
                out.out(stdin);
                code
            }
            _ => {
                let files = &self.term.files;
                if let Some((o, e, code)) =
                    crate::term::tools::run_tool_with_files(argv, stdin, &mut |p| files.read(p))
                {
                    out.out(&o);
                    // GNU cat words an unreadable operand as the other coreutils do.
                    let e = match prog.as_str() {
                        "cat" => e
                            .lines()
                            .map(|l| match l.strip_prefix("cat: can't open '") {
                                Some(rest) => format!("cat: {}\n", rest.replacen("': ", ": ", 1)),
                                None => format!("{l}\n"),
                            })
                            .collect(),
                        _ => e,
                    };
                    out.err(&e);
                    return code;
                }
                out.err(&format!("bash: {prog}: command not found\n"));
                127
            }
        }
    }
}

/// GNU `ls` (output not a terminal: one name a line): the operands that are files
/// first, then each directory's entries (names sorted), headed by `DIR:` when there
/// are several operands. `-a` adds `.` and `..`.
fn ls(files: &Files, args: &[String], out: &mut Output) -> i32 {
    let all = args
        .iter()
        .any(|a| a.starts_with('-') && !a.starts_with("--") && a.contains('a'));
    let ops: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let ops: Vec<&str> = if ops.is_empty() {
        vec!["."]
    } else {
        ops.iter().map(|s| s.as_str()).collect()
    };
    let mut code = 0;
    let (mut plain, mut dirs) = (Vec::new(), Vec::new());
    for op in &ops {
        if files.get(op).is_some() {
            plain.push(op.to_string());
        } else if files.is_dir(op) {
            dirs.push(*op);
        } else {
            out.err(&format!(
                "ls: cannot access '{op}': No such file or directory\n"
            ));
            code = 2;
        }
    }
    crate::sort::sort(&mut plain);
    for p in &plain {
        out.out(&format!("{p}\n"));
    }
    let headed = ops.len() > 1;
    for (i, d) in dirs.iter().enumerate() {
        if headed {
            if i > 0 || !plain.is_empty() {
                out.out("\n");
            }
            out.out(&format!("{d}:\n"));
        }
        let (f, sub) = files.list(d);
        let mut names: Vec<String> = f
            .iter()
            .chain(sub.iter())
            .filter_map(|p| p.rsplit('/').next().map(str::to_string))
            .collect();
        if all {
            names.push(".".into());
            names.push("..".into());
        }
        crate::sort::sort(&mut names);
        for n in names {
            out.out(&format!("{n}\n"));
        }
    }
    code
}

/// GNU `rm [-f] [-r] FILE...`.
fn rm(files: &mut Files, args: &[String], out: &mut Output) -> i32 {
    let force = args
        .iter()
        .any(|a| a.starts_with('-') && !a.starts_with("--") && a.contains('f'));
    let recursive = args.iter().any(|a| {
        a.starts_with('-') && !a.starts_with("--") && (a.contains('r') || a.contains('R'))
    });
    let ops: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    if ops.is_empty() && !force {
        out.err("rm: missing operand\nTry 'rm --help' for more information.\n");
        return 1;
    }
    let mut code = 0;
    for op in ops {
        let abs = files.abs(op);
        if files.files.remove(&abs).is_some() {
            continue;
        }
        if files.dirs.contains(&abs) {
            if recursive {
                let prefix = format!("{abs}/");
                files.files.retain(|k, _| !k.starts_with(&prefix));
                files.dirs.retain(|k| k != &abs && !k.starts_with(&prefix));
                continue;
            }
            out.err(&format!("rm: cannot remove '{op}': Is a directory\n"));
            code = 1;
        } else if files.is_dir(op) {
            out.err(&format!("rm: cannot remove '{op}': Permission denied\n"));
            code = 1;
        } else if !force {
            out.err(&format!(
                "rm: cannot remove '{op}': No such file or directory\n"
            ));
            code = 1;
        }
    }
    code
}

/// GNU `mkdir [-p] DIR...` (its messages quote with the UTF-8 locale's quotes).
fn mkdir(files: &mut Files, args: &[String], out: &mut Output) -> i32 {
    let parents = args.iter().any(|a| a == "-p" || a == "--parents");
    let ops: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    if ops.is_empty() {
        out.err("mkdir: missing operand\nTry 'mkdir --help' for more information.\n");
        return 1;
    }
    let mut code = 0;
    for op in ops {
        let abs = files.abs(op);
        let exists = files.is_dir(&abs) || files.files.contains_key(&abs);
        if exists {
            if !(parents && files.is_dir(&abs)) {
                out.err(&format!(
                    "mkdir: cannot create directory \u{2018}{op}\u{2019}: File exists\n"
                ));
                code = 1;
            }
            continue;
        }
        let parent = Files::parent(&abs).to_string();
        let reason = if !Files::writable(&abs) {
            Some("Permission denied")
        } else if files.dirs.len() >= MAX_FILES {
            Some("No space left on device")
        } else if !files.is_dir(&parent) && !parents {
            Some("No such file or directory")
        } else {
            None
        };
        if let Some(r) = reason {
            out.err(&format!(
                "mkdir: cannot create directory \u{2018}{op}\u{2019}: {r}\n"
            ));
            code = 1;
            continue;
        }
        // -p makes the missing parents too (only under home or /tmp).
        let mut p = abs.clone();
        while Files::writable(&p) && !files.is_dir(&p) {
            files.dirs.insert(p.clone());
            p = Files::parent(&p).to_string();
        }
    }
    code
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
    /// `docker exec [-i] [-t] NODE COMMAND...`: kind's nodes are the Docker containers
    /// `kubeplay-control-plane`, `kubeplay-worker`, ...; the command runs in the node's
    /// root (`pod::exec_on_node`). In the page's live terminal `-it` with a shell stays
    /// in the node's bash until `exit`. Other docker commands are not simulated.
    fn docker(&mut self, args: &[String], stdin: &str, out: &mut Output) -> i32 {
        if args.first().map(String::as_str) != Some("exec") {
            self.term.notice =
                Some("Only `docker exec NODE COMMAND` into the kind nodes is simulated.".into());
            return 1;
        }
        let mut i = 1;
        let (mut interactive, mut tty) = (false, false);
        while let Some(a) = args.get(i).filter(|a| a.starts_with('-')) {
            if !a.starts_with("--") {
                interactive |= a.contains('i');
                tty |= a.contains('t');
            } else if a == "--interactive" {
                interactive = true;
            } else if a == "--tty" {
                tty = true;
            }
            i += 1;
        }
        let rest = &args[i.min(args.len())..];
        if rest.len() < 2 {
            out.err("\"docker exec\" requires at least 2 arguments.\nSee 'docker exec --help'.\n\nUsage:  docker exec [OPTIONS] CONTAINER COMMAND [ARG...]\n\nExecute a command in a running container\n");
            return 1;
        }
        let node = rest[0].clone();
        if self
            .cluster
            .store
            .get(&crate::cluster::Key::new("Node", "", &node))
            .is_none()
        {
            out.err(&format!(
                "Error response from daemon: No such container: {node}\n"
            ));
            return 1;
        }
        let cmd = rest[1..].to_vec();
        if cmd.iter().any(|w| w.contains("iptables")) {
            self.term.notice = Some(crate::net::iptables::notice(
                self.cluster.settings.proxy_mode,
            ));
        }
        let shell =
            cmd.len() == 1 && matches!(cmd[0].as_str(), "sh" | "bash" | "/bin/sh" | "/bin/bash");
        if self.term.live && interactive && tty && shell {
            self.term.attached = Some(super::Attached {
                namespace: String::new(),
                pod: node,
                container: String::new(),
                chroot: false,
                session: super::Session::Docker,
            });
            return 0;
        }
        let stdin = if interactive { stdin } else { "" };
        let (o, code) = crate::term::pod::exec_on_node(self.cluster, &node, &cmd, stdin);
        out.append(o);
        code
    }

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
  docker exec NODE iptables-save   kube-proxy's rules on a node (kind nodes are containers)
  sleep N                let N seconds of cluster time pass
  timeout N COMMAND      stop COMMAND (e.g. kubectl get pods -w) after N seconds
";
