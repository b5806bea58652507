//! kubectl's command-line parsing, as cobra and pflag do it: the subcommand is found
//! first (cobra `Command.Find`: words that are not flags, skipping flag values), then the
//! words are parsed against that command's own flags plus the global ones (`flagset`,
//! generated from the real client's `--help`). Unknown flags, missing values and values
//! of the wrong type fail with pflag's wording.

use super::flagset;

/// What a flag's value is (pflag's value type, as far as the errors differ).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Bool,
    Str,
    List,
    Int,
    Duration,
    /// A string that may be written without a value (pflag NoOptDefVal).
    OptStr(&'static str),
}

/// One flag a command accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlagDef {
    pub short: Option<char>,
    pub long: &'static str,
    pub kind: Kind,
}

impl FlagDef {
    /// `-A, --all-namespaces` or `--replicas`, as pflag names a flag in errors.
    fn display(&self) -> String {
        match self.short {
            Some(c) => format!("-{c}, --{}", self.long),
            None => format!("--{}", self.long),
        }
    }
}

/// The flags of one `SHORT:LONG:KIND ...` table entry.
fn defs(spec: &'static str) -> impl Iterator<Item = FlagDef> {
    spec.split(' ').filter_map(|f| {
        let mut parts = f.splitn(3, ':');
        let short = parts.next()?.chars().next();
        let long = parts.next()?;
        let kind = match parts.next()? {
            "b" => Kind::Bool,
            "l" => Kind::List,
            "i" => Kind::Int,
            "d" => Kind::Duration,
            "o" => Kind::OptStr(match long {
                "dry-run" => "unchanged",
                "cascade" => "background",
                _ => "strict",
            }),
            _ => Kind::Str,
        };
        Some(FlagDef { short, long, kind })
    })
}

/// The commands that still take `--record` (genericclioptions RecordFlags.AddFlags, marked
/// deprecated, so `--help` does not list it and the generated table lacks it), as the
/// real 1.33 client accepts it.
const RECORD_FLAG: &[&str] = &[
    "annotate",
    "apply",
    "autoscale",
    "create",
    "edit",
    "expose",
    "label",
    "patch",
    "run",
    "scale",
    "set image",
    "set resources",
    "set selector",
    "set serviceaccount",
];

/// pflag FlagSet.Set: using a deprecated flag prints this to stderr while parsing.
const RECORD_DEPRECATED: &str =
    "Flag --record has been deprecated, --record will be removed in the future\n";

/// One kubectl command of the table: its path (`create deployment`) and flags.
#[derive(Debug, Clone, Copy)]
pub struct Command {
    pub path: &'static str,
    aliases: &'static str,
    flags: &'static str,
    pub summary: &'static str,
    pub usage: &'static str,
}

impl Command {
    fn root() -> Command {
        Command {
            path: "",
            aliases: "",
            flags: "",
            summary: "kubectl controls the Kubernetes cluster manager.",
            usage: "kubectl [flags] [options]",
        }
    }

    fn all() -> impl Iterator<Item = Command> {
        flagset::COMMANDS
            .iter()
            .map(|&(path, aliases, flags, summary, usage)| Command {
                path,
                aliases,
                flags,
                summary,
                usage,
            })
    }

    /// The child named (or aliased) `word`.
    fn child(&self, word: &str) -> Option<Command> {
        Command::all().find(|c| {
            let Some(last) = c.path.strip_prefix(self.path).map(str::trim_start) else {
                return false;
            };
            let parent = c.path[..c.path.len() - last.len()].trim_end();
            // A command is not its own child: `create configmap cm` names a ConfigMap
            // `cm`, though `cm` is the command's own alias.
            parent == self.path
                && !last.is_empty()
                && !last.contains(' ')
                && (last == word || c.aliases.split(',').any(|a| !a.is_empty() && a == word))
        })
    }

    pub fn has_children(&self) -> bool {
        let prefix = format!("{} ", self.path);
        Command::all().any(|c| {
            if self.path.is_empty() {
                !c.path.contains(' ')
            } else {
                c.path.starts_with(&prefix)
            }
        })
    }

    /// The command's own flags, then the global flags it does not shadow (pflag
    /// `AddFlagSet` skips a persistent flag whose name the command already has, and the
    /// shorthand goes with it: `config set-context -n` is unknown).
    pub fn flag_defs(&self) -> Vec<FlagDef> {
        let mut v: Vec<FlagDef> = defs(self.flags).collect();
        if RECORD_FLAG.contains(&self.path) {
            v.push(FlagDef {
                short: None,
                long: "record",
                kind: Kind::Bool,
            });
        }
        for g in defs(flagset::GLOBAL) {
            if !v.iter().any(|d| d.long == g.long) {
                v.push(g);
            }
        }
        v
    }

    /// `kubectl get`, as the `See '... --help'` hints name it.
    pub fn full_name(&self) -> String {
        if self.path.is_empty() {
            "kubectl".into()
        } else {
            format!("kubectl {}", self.path)
        }
    }

    /// What `-h`/`--help` prints: the summary and the usage line.
    pub fn help(&self) -> String {
        format!(
            "{}\n\nUsage:\n  {}\n\nUse \"kubectl options\" for a list of global command-line options (applies to all commands).\n",
            self.summary, self.usage
        )
    }
}

/// One parsed flag: its long name, shorthand and value (booleans are `true`/`false`).
#[derive(Debug, Clone, PartialEq)]
pub struct Flag {
    pub long: String,
    pub short: Option<char>,
    pub value: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Args {
    /// The command path words as typed (`create`, `deploy`), then the positional words.
    pub positional: Vec<String>,
    /// Flags in order.
    pub flags: Vec<Flag>,
    /// Everything after `--`.
    pub command: Vec<String>,
    pub has_dashdash: bool,
    /// How many leading `positional` words name the command (`create deploy` = 2).
    pub path_len: usize,
    /// The command's path in the table (`create deployment`), "" for bare `kubectl`.
    pub path: &'static str,
}

/// Why a command line could not be parsed; [`ParseError::render`] prints it as kubectl does.
#[derive(Debug, Clone, PartialEq)]
pub enum ParseError {
    /// A pflag error: printed `error: MSG` + `See 'kubectl PATH --help' for usage.`
    Flag { msg: String, cmd: String },
    /// `kubectl foo`: cobra's unknown command with suggestions.
    UnknownCommand(String),
    /// `kubectl --foo bar`: kubectl's plugin handler.
    FlagsBeforePlugin(String),
}

impl ParseError {
    pub fn render(&self) -> String {
        match self {
            ParseError::Flag { msg, cmd } => {
                format!("error: {msg}\nSee '{cmd} --help' for usage.\n")
            }
            ParseError::UnknownCommand(word) => {
                let s = suggestions(word);
                if s.is_empty() {
                    format!("error: unknown command \"{word}\" for \"kubectl\"\n")
                } else {
                    format!(
                        "error: unknown command \"{word}\" for \"kubectl\"\n\nDid you mean this?\n{}",
                        s.iter().map(|c| format!("\t{c}\n")).collect::<String>()
                    )
                }
            }
            ParseError::FlagsBeforePlugin(flag) => {
                format!("Error: flags cannot be placed before plugin name: {flag}\n")
            }
        }
    }
}

/// cobra `findSuggestions`: commands within Levenshtein distance 2 or starting with the word.
/// cobra's `SuggestionsFor` walks the commands in the order kubectl added them
/// (pkg/cmd/cmd.go: the help groups, then config, plugin, version, ...), not sorted:
/// `kubectl gett` suggests `set` before `get`.
const REGISTRATION_ORDER: &[&str] = &[
    "create",
    "expose",
    "run",
    "set",
    "explain",
    "get",
    "edit",
    "delete",
    "rollout",
    "scale",
    "autoscale",
    "certificate",
    "cluster-info",
    "top",
    "cordon",
    "uncordon",
    "drain",
    "taint",
    "describe",
    "logs",
    "attach",
    "exec",
    "port-forward",
    "proxy",
    "cp",
    "auth",
    "debug",
    "events",
    "diff",
    "apply",
    "patch",
    "replace",
    "wait",
    "kustomize",
    "label",
    "annotate",
    "completion",
    "alpha",
    "config",
    "plugin",
    "version",
    "api-versions",
    "api-resources",
    "options",
];

fn suggestions(word: &str) -> Vec<&'static str> {
    let w = word.to_lowercase();
    let rank = |name: &str| {
        REGISTRATION_ORDER
            .iter()
            .position(|n| *n == name)
            .unwrap_or(REGISTRATION_ORDER.len())
    };
    let mut names: Vec<&'static str> = Command::all()
        .filter(|c| !c.path.contains(' '))
        .map(|c| c.path)
        .filter(|name| levenshtein(&w, name) <= 2 || name.starts_with(&w))
        .collect();
    crate::sort::sort_by_key(&mut names, |n| rank(n));
    names
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j + 1] + 1).min(cur[j] + 1).min(prev[j] + cost));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// kubectl's flag-name normalization (`WordSepNormalizeFunc`: `_` reads as `-`).
fn normalize(name: &str) -> String {
    name.replace('_', "-")
}

/// cobra `stripFlags`: the words that are not flags or flag values, up to `--`.
fn strip_flags(args: &[String], defs: &[FlagDef]) -> Vec<String> {
    let no_opt_long = |n: &str| {
        defs.iter().any(|d| {
            d.long == normalize(n)
                && !matches!(d.kind, Kind::Str | Kind::List | Kind::Int | Kind::Duration)
        })
    };
    let no_opt_short = |n: &str| {
        defs.iter().any(|d| {
            d.short.map(String::from).as_deref() == Some(n)
                && !matches!(d.kind, Kind::Str | Kind::List | Kind::Int | Kind::Duration)
        })
    };
    let mut words = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let s = &args[i];
        i += 1;
        if s == "--" {
            break;
        }
        let takes_value = (s.starts_with("--") && !s.contains('=') && !no_opt_long(&s[2..]))
            || (s.starts_with('-')
                && !s.starts_with("--")
                && !s.contains('=')
                && s.chars().count() == 2
                && !no_opt_short(&s[1..]));
        if takes_value {
            if args.len() - i <= 1 {
                break;
            }
            i += 1;
        } else if !s.is_empty() && !s.starts_with('-') {
            words.push(s.clone());
        }
    }
    words
}

/// pflag's check of a value against the flag's type; Ok is the value to store.
fn check_value(def: &FlagDef, value: &str) -> Result<String, String> {
    let bad = |why: String| {
        Err(format!(
            "invalid argument \"{value}\" for \"{}\" flag: {why}",
            def.display()
        ))
    };
    match def.kind {
        Kind::Bool => match value {
            "1" | "t" | "T" | "TRUE" | "true" | "True" => Ok("true".into()),
            "0" | "f" | "F" | "FALSE" | "false" | "False" => Ok("false".into()),
            _ => bad(format!(
                "strconv.ParseBool: parsing \"{value}\": invalid syntax"
            )),
        },
        Kind::Int => match parse_go_int(value) {
            Ok(n) => Ok(n.to_string()),
            Err(e) => bad(format!("strconv.ParseInt: parsing \"{value}\": {e}")),
        },
        Kind::Duration => match parse_go_duration(value) {
            Ok(_) => Ok(value.to_string()),
            Err(e) => bad(e),
        },
        _ => Ok(value.to_string()),
    }
}

/// Go `strconv.ParseInt(s, 0, 64)`: sign, `0x`/`0o`/`0b`/leading-0 octal, `_` separators.
fn parse_go_int(s: &str) -> Result<i64, &'static str> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let lower = body.to_ascii_lowercase();
    let (radix, digits) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d.to_string())
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d.to_string())
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d.to_string())
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, lower[1..].to_string())
    } else {
        (10, lower.clone())
    };
    // Go integer-literal syntax: `_` only between digits.
    let underscores_ok =
        !digits.starts_with('_') && !digits.ends_with('_') && !digits.contains("__");
    let digits: String = digits.chars().filter(|c| *c != '_').collect();
    if digits.is_empty() || !underscores_ok || !digits.chars().all(|c| c.is_digit(radix)) {
        return Err("invalid syntax");
    }
    let mag = u128::from_str_radix(&digits, radix).map_err(|_| "value out of range")?;
    let v = if neg { -(mag as i128) } else { mag as i128 };
    i64::try_from(v).map_err(|_| "value out of range")
}

/// Go `time.ParseDuration`, in milliseconds; errors in Go's wording.
pub fn parse_go_duration(s: &str) -> Result<i64, String> {
    let quoted = format!("\"{s}\"");
    let invalid = || format!("time: invalid duration {quoted}");
    let mut rest = s;
    let neg = rest.starts_with('-');
    rest = rest.strip_prefix(['-', '+']).unwrap_or(rest);
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(invalid());
    }
    let mut total = 0f64;
    while !rest.is_empty() {
        let n_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let num = &rest[..n_end];
        if num.is_empty() || num == "." {
            return Err(invalid());
        }
        let n: f64 = num.parse().map_err(|_| invalid())?;
        rest = &rest[n_end..];
        let u_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = &rest[..u_end];
        rest = &rest[u_end..];
        let ms = match unit {
            "" => return Err(format!("time: missing unit in duration {quoted}")),
            "ns" => 1e-6,
            "us" | "µs" | "μs" => 1e-3,
            "ms" => 1.0,
            "s" => 1000.0,
            "m" => 60_000.0,
            "h" => 3_600_000.0,
            u => return Err(format!("time: unknown unit \"{u}\" in duration {quoted}")),
        };
        total += n * ms;
    }
    if total > 9.2e15 {
        return Err(invalid());
    }
    Ok(if neg { -(total as i64) } else { total as i64 })
}

impl Args {
    /// Parses a kubectl command line (without the `kubectl` word).
    pub fn parse(argv: &[String]) -> Result<Args, ParseError> {
        // cobra Find: walk down the command tree by the first non-flag word.
        let mut cmd = Command::root();
        let mut args: Vec<String> = argv.to_vec();
        let mut typed: Vec<String> = Vec::new();
        loop {
            let defs = cmd.flag_defs();
            let words = strip_flags(&args, &defs);
            let Some(next) = words.first() else { break };
            match cmd.child(next) {
                Some(child) => {
                    let dash = args.iter().position(|w| w == "--").unwrap_or(args.len());
                    if let Some(pos) = args[..dash].iter().position(|w| w == next) {
                        typed.push(args.remove(pos));
                    }
                    cmd = child;
                }
                None if cmd.path.is_empty() => {
                    // Not a command: kubectl looks for a plugin named by the leading words.
                    if args.first().is_some_and(|w| w.starts_with('-')) {
                        return Err(ParseError::FlagsBeforePlugin(args[0].clone()));
                    }
                    return Err(ParseError::UnknownCommand(next.clone()));
                }
                None => break,
            }
        }
        let mut a = Args {
            path_len: typed.len(),
            positional: typed,
            path: cmd.path,
            ..Args::default()
        };
        let defs = cmd.flag_defs();
        let fail = |msg: String| ParseError::Flag {
            msg,
            cmd: cmd.full_name(),
        };
        let mut i = 0;
        while i < args.len() {
            let s = args[i].clone();
            i += 1;
            if !s.starts_with('-') || s.len() == 1 {
                a.positional.push(s);
                continue;
            }
            if s == "--" {
                a.has_dashdash = true;
                a.command = args[i..].to_vec();
                break;
            }
            if let Some(body) = s.strip_prefix("--") {
                if body.starts_with(['-', '=']) {
                    return Err(fail(format!("bad flag syntax: {s}")));
                }
                let (name, inline) = match body.split_once('=') {
                    Some((n, v)) => (n, Some(v.to_string())),
                    None => (body, None),
                };
                let Some(def) = defs.iter().find(|d| d.long == normalize(name)) else {
                    return Err(fail(format!("unknown flag: --{name}")));
                };
                let value = match (inline, def.kind) {
                    (Some(v), _) => v,
                    (None, Kind::Bool) => "true".into(),
                    (None, Kind::OptStr(d)) => d.into(),
                    (None, _) => match args.get(i) {
                        Some(v) => {
                            i += 1;
                            v.clone()
                        }
                        None => return Err(fail(format!("flag needs an argument: {s}"))),
                    },
                };
                let value = check_value(def, &value).map_err(fail)?;
                a.flags.push(Flag {
                    long: def.long.into(),
                    short: def.short,
                    value,
                });
                continue;
            }
            // Shorthands: `-it`, `-nkube-system`, `-n=x`, `-o yaml`.
            let mut shorts: &str = &s[1..];
            while let Some(c) = shorts.chars().next() {
                let Some(def) = defs.iter().find(|d| d.short == Some(c)) else {
                    return Err(fail(format!("unknown shorthand flag: '{c}' in -{shorts}")));
                };
                let after = &shorts[c.len_utf8()..];
                let value = if let Some(v) = after.strip_prefix('=').filter(|v| !v.is_empty()) {
                    shorts = "";
                    v.to_string()
                } else if let Kind::Bool | Kind::OptStr(_) = def.kind {
                    shorts = after;
                    match def.kind {
                        Kind::OptStr(d) => d.into(),
                        _ => "true".into(),
                    }
                } else if !after.is_empty() {
                    shorts = "";
                    after.to_string()
                } else {
                    shorts = "";
                    match args.get(i) {
                        Some(v) => {
                            i += 1;
                            v.clone()
                        }
                        None => {
                            return Err(fail(format!(
                                "flag needs an argument: '{c}' in -{c}{after}"
                            )))
                        }
                    }
                };
                let value = check_value(def, &value).map_err(fail)?;
                a.flags.push(Flag {
                    long: def.long.into(),
                    short: def.short,
                    value,
                });
            }
        }
        Ok(a)
    }

    /// The command this line runs.
    pub fn cmd(&self) -> Command {
        Command::all()
            .find(|c| c.path == self.path)
            .unwrap_or_else(Command::root)
    }

    fn matches(f: &Flag, names: &[&str]) -> bool {
        names.iter().any(|n| {
            n.strip_prefix("--").is_some_and(|l| l == f.long)
                || (n.len() == 2
                    && n.starts_with('-')
                    && f.short.is_some_and(|c| n[1..].starts_with(c)))
        })
    }

    /// The last value of any of the given spellings (`-n`, `--namespace`).
    pub fn value(&self, names: &[&str]) -> Option<&str> {
        self.flags
            .iter()
            .rev()
            .find(|f| Self::matches(f, names))
            .map(|f| f.value.as_str())
    }

    /// Every value of a repeatable flag (`-f a -f b`, `--env A=1 --env B=2`).
    pub fn values(&self, names: &[&str]) -> Vec<&str> {
        self.flags
            .iter()
            .filter(|f| Self::matches(f, names))
            .map(|f| f.value.as_str())
            .collect()
    }

    /// A boolean flag set to true (the last occurrence wins).
    pub fn has(&self, names: &[&str]) -> bool {
        self.value(names).is_some_and(|v| v != "false")
    }

    /// Whether the flag was given at all (any value).
    pub fn given(&self, names: &[&str]) -> bool {
        self.value(names).is_some()
    }

    /// What pflag printed while parsing: a notice for each use of a deprecated flag.
    pub fn deprecation_notices(&self) -> String {
        self.flags
            .iter()
            .filter(|f| f.long == "record")
            .map(|_| RECORD_DEPRECATED)
            .collect()
    }

    /// With `--record` (true), the command line as RecordFlags records it in the
    /// `kubernetes.io/change-cause` annotation (parseCommandArguments): `kubectl`, the
    /// non-flag words as typed, then each flag in order as ` --NAME=VALUE`.
    pub fn change_cause(&self) -> Option<String> {
        if !self.has(&["--record"]) {
            return None;
        }
        let mut s = String::from("kubectl");
        for w in self.positional.iter().chain(&self.command) {
            s.push(' ');
            s.push_str(w);
        }
        for f in &self.flags {
            s.push_str(&format!(" --{}={}", f.long, f.value));
        }
        Some(s)
    }

    /// Positional words after the verb (and after a sub-verb when `skip` is 2).
    pub fn rest(&self, skip: usize) -> &[String] {
        self.positional.get(skip..).unwrap_or(&[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    fn p(s: &str) -> Args {
        Args::parse(&words(s)).unwrap()
    }

    fn err(s: &str) -> String {
        Args::parse(&words(s)).unwrap_err().render()
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
        let a = p("get pods --all-namespaces=false -w=0");
        assert!(!a.has(&["-A", "--all-namespaces"]) && !a.has(&["-w", "--watch"]));
        let a = p("-n kube-system get pods");
        assert_eq!(
            (a.path, a.positional.as_slice()),
            ("get", &words("get pods")[..])
        );
        let a = p("create -n x deploy web --image=nginx --dry-run");
        assert_eq!(a.path, "create deployment");
        assert_eq!(a.positional, ["create", "deploy", "web"]);
        assert_eq!(a.value(&["--dry-run"]), Some("unchanged"));
        let a = p("get pods --all_namespaces");
        assert!(a.has(&["-A"]));
    }

    /// Wording checked against kubectl v1.33.1 (`kubectl.1.33 get pods --foo`, ...).
    #[test]
    fn pflag_errors() {
        let see = "See 'kubectl get --help' for usage.\n";
        assert_eq!(
            err("get pods --foo"),
            format!("error: unknown flag: --foo\n{see}")
        );
        assert_eq!(
            err("get pods --foo=bar"),
            format!("error: unknown flag: --foo\n{see}")
        );
        assert_eq!(
            err("get pods -z"),
            format!("error: unknown shorthand flag: 'z' in -z\n{see}")
        );
        assert_eq!(
            err("get pods -zq"),
            format!("error: unknown shorthand flag: 'z' in -zq\n{see}")
        );
        assert_eq!(
            err("get pods -Az"),
            format!("error: unknown shorthand flag: 'z' in -z\n{see}")
        );
        assert_eq!(
            err("get pods -n"),
            format!("error: flag needs an argument: 'n' in -n\n{see}")
        );
        assert_eq!(
            err("get pods --namespace"),
            format!("error: flag needs an argument: --namespace\n{see}")
        );
        assert_eq!(
            err("get pods -A=foo"),
            format!("error: invalid argument \"foo\" for \"-A, --all-namespaces\" flag: strconv.ParseBool: parsing \"foo\": invalid syntax\n{see}")
        );
        assert_eq!(
            err("create deploy x --image=nginx --replicas=x"),
            "error: invalid argument \"x\" for \"-r, --replicas\" flag: strconv.ParseInt: parsing \"x\": invalid syntax\nSee 'kubectl create deployment --help' for usage.\n"
        );
        assert_eq!(
            err("config set-context --current -n foo"),
            "error: unknown shorthand flag: 'n' in -n\nSee 'kubectl config set-context --help' for usage.\n"
        );
        assert_eq!(
            err("--foo get pods"),
            "Error: flags cannot be placed before plugin name: --foo\n"
        );
        assert_eq!(
            err("foo --bar"),
            "error: unknown command \"foo\" for \"kubectl\"\n\nDid you mean this?\n\ttop\n"
        );
        assert_eq!(
            err("xyzzy"),
            "error: unknown command \"xyzzy\" for \"kubectl\"\n"
        );
    }

    #[test]
    fn go_numbers() {
        assert_eq!(parse_go_int("0x10"), Ok(16));
        assert_eq!(parse_go_int("010"), Ok(8));
        assert_eq!(parse_go_int("1_000"), Ok(1000));
        assert_eq!(parse_go_int("x"), Err("invalid syntax"));
        assert_eq!(
            parse_go_int("99999999999999999999"),
            Err("value out of range")
        );
        assert_eq!(parse_go_duration("1m30s"), Ok(90_000));
        assert_eq!(
            parse_go_duration("5"),
            Err("time: missing unit in duration \"5\"".into())
        );
        assert_eq!(
            parse_go_duration("5x"),
            Err("time: unknown unit \"x\" in duration \"5x\"".into())
        );
    }
}
