//! The interpreter: runs a parsed script against a [`Host`].

use super::lexer::{heredoc_word, ParamOp, Part, Word};
use super::parser::{
    parse_script, AndOr, Command, Compound, List, Pipeline, Redir, RedirKind, Simple,
};
use super::{Dialect, Host, Output, Shell, Stream, MAX_DEPTH, MAX_LOOP};
use crate::term::tools::{self, PrintfChunk, TestError};

/// Longest word an expansion may produce.
const MAX_WORD: usize = 1 << 20;

/// Nested shells (`sh -c` inside `sh -c` ...) allowed.
const MAX_SHELL_DEPTH: usize = 16;

pub(super) fn run_script(
    sh: &mut Shell,
    text: &str,
    stdin: &str,
    host: &mut dyn Host,
    out: &mut Output,
) -> i32 {
    let name = sh.dialect.name();
    if sh.env.depth > MAX_SHELL_DEPTH {
        out.err(&format!("{name}: too many nested shells\n"));
        sh.env.last_status = 2;
        return 2;
    }
    let list = match parse_script(text) {
        Ok(l) => l,
        Err(e) => {
            out.err(&format!("{}\n", e.message(sh.dialect)));
            let st = e.status(sh.dialect);
            sh.env.last_status = st;
            return st;
        }
    };
    let mut input = Input::new(stdin);
    let mut ex = Exec {
        sh,
        host,
        depth: 0,
        loops: 0,
        aborted: false,
        cmdsub_status: None,
    };
    ex.list(&list, &mut input, out);
    ex.sh.env.last_status
}

/// A command's standard input, with a read position shared by `read` calls.
pub(super) struct Input {
    text: String,
    pos: usize,
}

impl Input {
    fn new(s: &str) -> Input {
        Input {
            text: s.to_string(),
            pos: 0,
        }
    }

    fn rest(&self) -> &str {
        self.text.get(self.pos..).unwrap_or("")
    }

    /// Reads one line (without its newline); None at end of input.
    fn read_line(&mut self) -> Option<String> {
        let rest = self.rest();
        if rest.is_empty() {
            return None;
        }
        let (line, used) = match rest.find('\n') {
            Some(i) => (rest[..i].to_string(), i + 1),
            None => (rest.to_string(), rest.len()),
        };
        self.pos += used;
        Some(line)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Flow {
    Next,
    Exit,
    Break(u32),
    Continue(u32),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target {
    Out,
    Err,
    Null,
    File(usize),
}

struct Exec<'a> {
    sh: &'a mut Shell,
    host: &'a mut dyn Host,
    depth: usize,
    loops: u32,
    aborted: bool,
    cmdsub_status: Option<i32>,
}

fn is_name(s: &str) -> bool {
    let mut ch = s.chars();
    matches!(ch.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && ch.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn is_ifs(c: char) -> bool {
    c == ' ' || c == '\t' || c == '\n'
}

/// A failed expansion (`${x?}`, bad arithmetic, aborted work); the message is printed already.
struct ExpandFailed;

impl Exec<'_> {
    fn name(&self) -> &'static str {
        self.sh.dialect.name()
    }

    fn ash(&self) -> bool {
        self.sh.dialect == Dialect::BusyboxAsh
    }

    fn set_status(&mut self, st: i32) {
        self.sh.env.last_status = st;
    }

    /// Charges work; on exhaustion prints one error and aborts the script.
    fn charge(&mut self, n: u64, out: &mut Output) -> bool {
        if self.aborted {
            return false;
        }
        if !self.sh.env.charge(n) || self.sh.env.budget_left() == 0 {
            self.aborted = true;
            out.err(&format!(
                "{}: script stopped: too much work (more than {} steps)\n",
                self.name(),
                super::MAX_STEPS
            ));
            self.set_status(2);
            return false;
        }
        true
    }

    fn list(&mut self, l: &List, input: &mut Input, out: &mut Output) -> Flow {
        for ao in &l.items {
            let f = self.and_or(ao, input, out);
            if f != Flow::Next {
                return f;
            }
            if self.aborted {
                return Flow::Exit;
            }
        }
        Flow::Next
    }

    fn and_or(&mut self, ao: &AndOr, input: &mut Input, out: &mut Output) -> Flow {
        let f = self.pipeline(&ao.first, input, out);
        if f != Flow::Next {
            return f;
        }
        for (and, p) in &ao.rest {
            let ok = self.sh.env.last_status == 0;
            if ok == *and {
                let f = self.pipeline(p, input, out);
                if f != Flow::Next {
                    return f;
                }
            }
        }
        Flow::Next
    }

    fn pipeline(&mut self, p: &Pipeline, input: &mut Input, out: &mut Output) -> Flow {
        let flow = if p.cmds.len() == 1 {
            self.command(&p.cmds[0], input, out)
        } else {
            let n = p.cmds.len();
            let mut data: Option<String> = None;
            for (i, c) in p.cmds.iter().enumerate() {
                if self.aborted {
                    return Flow::Exit;
                }
                // every stage of a multi-command pipeline runs in a subshell
                let saved = self.sh.env.clone();
                let saved_loops = std::mem::replace(&mut self.loops, 0);
                let mut stage_in = match data.take() {
                    Some(d) => Input::new(&d),
                    None => Input {
                        text: input.rest().to_string(),
                        pos: 0,
                    },
                };
                if i + 1 == n {
                    self.command(c, &mut stage_in, out);
                } else {
                    let mut cap = Output::piped();
                    self.command(c, &mut stage_in, &mut cap);
                    if cap.notice.is_some() {
                        out.notice = cap.notice.take();
                    }
                    let mut s = String::new();
                    for (st, t) in cap.chunks {
                        match st {
                            Stream::Out => s.push_str(&t),
                            Stream::Err => out.err(&t),
                        }
                    }
                    if !self.charge(s.len() as u64 / 1024, out) {
                        return Flow::Exit;
                    }
                    data = Some(s);
                }
                let st = self.sh.env.last_status;
                self.sh.env = saved;
                self.loops = saved_loops;
                self.sh.env.last_status = st;
            }
            Flow::Next
        };
        if p.bang && flow == Flow::Next {
            let st = self.sh.env.last_status;
            self.set_status(if st == 0 { 1 } else { 0 });
        }
        flow
    }

    fn command(&mut self, c: &Command, input: &mut Input, out: &mut Output) -> Flow {
        match c {
            Command::Simple(s) => self.simple(s, input, out),
            Command::Compound(comp, redirs) => {
                if self.depth >= MAX_DEPTH {
                    out.err(&format!("{}: nesting too deep\n", self.name()));
                    self.set_status(2);
                    return Flow::Exit;
                }
                self.depth += 1;
                let f =
                    self.with_redirs(redirs, input, out, |ex, inp, o| ex.compound(comp, inp, o));
                self.depth -= 1;
                f
            }
        }
    }

    fn compound(&mut self, c: &Compound, input: &mut Input, out: &mut Output) -> Flow {
        match c {
            Compound::Group(l) => self.list(l, input, out),
            Compound::Subshell(l) => {
                let saved = self.sh.env.clone();
                let saved_loops = std::mem::replace(&mut self.loops, 0);
                let f = self.list(l, input, out);
                let st = self.sh.env.last_status;
                self.sh.env = saved;
                self.loops = saved_loops;
                self.set_status(st);
                let _ = f;
                if self.aborted {
                    Flow::Exit
                } else {
                    Flow::Next
                }
            }
            Compound::If { arms, else_ } => {
                for (cond, body) in arms {
                    let f = self.list(cond, input, out);
                    if f != Flow::Next {
                        return f;
                    }
                    if self.sh.env.last_status == 0 {
                        return self.list(body, input, out);
                    }
                }
                match else_ {
                    Some(b) => self.list(b, input, out),
                    None => {
                        self.set_status(0);
                        Flow::Next
                    }
                }
            }
            Compound::For { var, items, body } => {
                let values: Vec<String> = match items {
                    None => self.sh.env.positional.clone(),
                    Some(words) => {
                        let mut v = Vec::new();
                        for w in words {
                            match self.expand_fields(w, out) {
                                Ok(f) => v.extend(f),
                                Err(ExpandFailed) => {
                                    self.set_status(1);
                                    return if self.aborted { Flow::Exit } else { Flow::Next };
                                }
                            }
                            if v.len() > MAX_LOOP {
                                break;
                            }
                        }
                        v
                    }
                };
                if values.len() > MAX_LOOP {
                    out.err(&format!(
                        "{}: for: too many items (more than {MAX_LOOP})\n",
                        self.name()
                    ));
                    self.set_status(1);
                    return Flow::Next;
                }
                self.set_status(0);
                self.loops += 1;
                let mut flow = Flow::Next;
                for v in values {
                    self.sh.env.set(var, &v);
                    match self.list(body, input, out) {
                        Flow::Next => {}
                        Flow::Exit => {
                            flow = Flow::Exit;
                            break;
                        }
                        Flow::Break(n) => {
                            if n > 1 {
                                flow = Flow::Break(n - 1);
                            }
                            break;
                        }
                        Flow::Continue(n) => {
                            if n > 1 {
                                flow = Flow::Continue(n - 1);
                                break;
                            }
                        }
                    }
                }
                self.loops -= 1;
                flow
            }
            Compound::While { until, cond, body } => {
                self.loops += 1;
                let mut flow = Flow::Next;
                let mut status = 0;
                let mut iterations = 0usize;
                loop {
                    let f = self.list(cond, input, out);
                    if f != Flow::Next {
                        flow = f;
                        break;
                    }
                    if (self.sh.env.last_status == 0) == *until {
                        break;
                    }
                    iterations += 1;
                    if iterations > MAX_LOOP {
                        out.err(&format!(
                            "{}: while: too many iterations (more than {MAX_LOOP})\n",
                            self.name()
                        ));
                        status = 1;
                        break;
                    }
                    match self.list(body, input, out) {
                        Flow::Next => {}
                        Flow::Exit => {
                            flow = Flow::Exit;
                            break;
                        }
                        Flow::Break(n) => {
                            if n > 1 {
                                flow = Flow::Break(n - 1);
                            }
                            break;
                        }
                        Flow::Continue(n) => {
                            if n > 1 {
                                flow = Flow::Continue(n - 1);
                                break;
                            }
                        }
                    }
                    status = self.sh.env.last_status;
                }
                self.loops -= 1;
                if flow == Flow::Next {
                    self.set_status(status);
                }
                flow
            }
        }
    }

    /// Runs `f` with the redirections applied.
    fn with_redirs(
        &mut self,
        redirs: &[Redir],
        input: &mut Input,
        out: &mut Output,
        f: impl FnOnce(&mut Self, &mut Input, &mut Output) -> Flow,
    ) -> Flow {
        if redirs.is_empty() {
            return f(self, input, out);
        }
        let mut fds = [Target::Out, Target::Out, Target::Err];
        let mut files: Vec<(String, String)> = Vec::new();
        let mut new_in: Option<Input> = None;
        let name = self.name();
        for r in redirs {
            let fd = r.fd as usize;
            let word = match &r.kind {
                RedirKind::Out { target, .. }
                | RedirKind::In(target)
                | RedirKind::Dup(target)
                | RedirKind::Both { target, .. } => target,
                RedirKind::HereDoc(body) => body,
            };
            let text = match self.expand(word, false, out) {
                Ok(v) => v.join(" "),
                Err(ExpandFailed) => {
                    self.set_status(1);
                    return if self.aborted { Flow::Exit } else { Flow::Next };
                }
            };
            match &r.kind {
                RedirKind::HereDoc(_) => {
                    if fd == 0 {
                        new_in = Some(Input::new(&text));
                    }
                }
                RedirKind::In(_) => {
                    let data = if text == "/dev/null" {
                        Ok(String::new())
                    } else {
                        self.host.read_file(&text)
                    };
                    match data {
                        Ok(d) => {
                            if fd == 0 {
                                new_in = Some(Input::new(&d));
                            }
                        }
                        Err(reason) => {
                            let msg = if self.ash() {
                                let reason = if reason == "No such file or directory" {
                                    "no such file".to_string()
                                } else {
                                    reason
                                };
                                format!("sh: can't open {text}: {reason}\n")
                            } else {
                                format!("bash: {text}: {reason}\n")
                            };
                            out.err(&msg);
                            self.set_status(1);
                            return Flow::Next;
                        }
                    }
                }
                RedirKind::Dup(_) => {
                    let t = match text.as_str() {
                        "0" => Some(Target::Null),
                        "1" => Some(fds[1]),
                        "2" => Some(fds[2]),
                        "-" => Some(Target::Null),
                        _ => None,
                    };
                    match t {
                        Some(t) if fd == 1 || fd == 2 => fds[fd] = t,
                        Some(_) => {}
                        None => {
                            out.err(&format!("{name}: {text}: Bad file descriptor\n"));
                            self.set_status(1);
                            return Flow::Next;
                        }
                    }
                }
                RedirKind::Out { append, .. } | RedirKind::Both { append, .. } => {
                    let both = matches!(r.kind, RedirKind::Both { .. });
                    let t = match text.as_str() {
                        "/dev/null" => Target::Null,
                        "/dev/stdout" => fds[1],
                        "/dev/stderr" => fds[2],
                        path => match self.host.write_file(path, "", *append) {
                            Ok(()) => {
                                files.push((path.to_string(), String::new()));
                                Target::File(files.len() - 1)
                            }
                            Err(reason) => {
                                let msg = if self.ash() {
                                    let reason = if reason == "No such file or directory" {
                                        "nonexistent directory".to_string()
                                    } else {
                                        reason
                                    };
                                    format!("sh: can't create {path}: {reason}\n")
                                } else {
                                    format!("bash: {path}: {reason}\n")
                                };
                                out.err(&msg);
                                self.set_status(1);
                                return Flow::Next;
                            }
                        },
                    };
                    if both {
                        fds[1] = t;
                        fds[2] = t;
                    } else if fd == 1 || fd == 2 {
                        fds[fd] = t;
                    }
                }
            }
        }
        let mut inp_holder;
        let inp: &mut Input = match new_in {
            Some(i) => {
                inp_holder = i;
                &mut inp_holder
            }
            None => input,
        };
        if fds[1] == Target::Out && fds[2] == Target::Err && files.is_empty() {
            return f(self, inp, out);
        }
        let mut cap = Output::new();
        cap.piped = out.piped || fds[1] != Target::Out;
        let flow = f(self, inp, &mut cap);
        if cap.notice.is_some() {
            out.notice = cap.notice.take();
        }
        for (st, text) in cap.chunks {
            let t = match st {
                Stream::Out => fds[1],
                Stream::Err => fds[2],
            };
            match t {
                Target::Out => out.out(&text),
                Target::Err => out.err(&text),
                Target::Null => {}
                Target::File(i) => {
                    if let Some((_, buf)) = files.get_mut(i) {
                        buf.push_str(&text);
                    }
                }
            }
        }
        for (path, data) in files {
            if !data.is_empty() {
                let _ = self.host.write_file(&path, &data, true);
            }
        }
        flow
    }

    fn simple(&mut self, s: &Simple, input: &mut Input, out: &mut Output) -> Flow {
        if !self.charge(1, out) {
            return Flow::Exit;
        }
        self.cmdsub_status = None;
        let mut argv = Vec::new();
        for w in &s.words {
            match self.expand_fields(w, out) {
                Ok(f) => argv.extend(f),
                Err(ExpandFailed) => {
                    self.set_status(1);
                    return if self.aborted { Flow::Exit } else { Flow::Next };
                }
            }
        }
        let mut assigns = Vec::new();
        for (name, w) in &s.assigns {
            match self.expand(w, false, out) {
                Ok(v) => assigns.push((name.clone(), v.join(""))),
                Err(ExpandFailed) => {
                    self.set_status(1);
                    return if self.aborted { Flow::Exit } else { Flow::Next };
                }
            }
        }
        if argv.is_empty() {
            for (n, v) in &assigns {
                self.sh.env.set(n, v);
            }
            let st = self.cmdsub_status.unwrap_or(0);
            let f = self.with_redirs(&s.redirs, input, out, |_, _, _| Flow::Next);
            if f == Flow::Next && self.sh.env.last_status != 1 || s.redirs.is_empty() {
                self.set_status(st);
            }
            return f;
        }
        // prefix assignments: exported for this command only
        let mut saved = Vec::new();
        for (n, v) in &assigns {
            saved.push((
                n.clone(),
                self.sh.env.get(n).map(|s| s.to_string()),
                self.sh.env.is_exported(n),
            ));
            self.sh.env.set_exported(n, v);
        }
        let flow = self.with_redirs(&s.redirs, input, out, |ex, inp, o| {
            ex.run_argv(&argv, inp, o)
        });
        for (n, old, exported) in saved.into_iter().rev() {
            match old {
                Some(v) => {
                    self.sh.env.set(&n, &v);
                    if !exported {
                        self.sh.env.exported.remove(&n);
                    }
                }
                None => self.sh.env.unset(&n),
            }
        }
        flow
    }

    fn run_argv(&mut self, argv: &[String], input: &mut Input, out: &mut Output) -> Flow {
        let Some(cmd) = argv.first() else {
            return Flow::Next;
        };
        let args = &argv[1..];
        let name = self.name();
        let st = match cmd.as_str() {
            ":" | "true" => 0,
            "false" => 1,
            "exit" => {
                let st = match args.first() {
                    None => self.sh.env.last_status,
                    Some(a) => match a.trim().parse::<i64>() {
                        Ok(n) => (n & 255) as i32,
                        Err(_) => {
                            if self.ash() {
                                out.err(&format!("sh: exit: line 1: Illegal number: {a}\n"));
                            } else {
                                out.err(&format!("bash: exit: {a}: numeric argument required\n"));
                            }
                            2
                        }
                    },
                };
                self.set_status(st);
                return Flow::Exit;
            }
            "break" | "continue" => {
                let n = match args.first().map(|a| a.parse::<u32>()) {
                    None => 1,
                    Some(Ok(n)) if n >= 1 => n,
                    Some(_) => {
                        out.err(&format!(
                            "{name}: {cmd}: {}: loop count out of range\n",
                            args.first().map(|s| s.as_str()).unwrap_or("")
                        ));
                        self.set_status(1);
                        return Flow::Next;
                    }
                };
                if self.loops == 0 {
                    if !self.ash() {
                        out.err(&format!(
                            "bash: {cmd}: only meaningful in a `for', `while', or `until' loop\n"
                        ));
                    }
                    self.set_status(0);
                    return Flow::Next;
                }
                self.set_status(0);
                let n = n.min(self.loops);
                return if cmd == "break" {
                    Flow::Break(n)
                } else {
                    Flow::Continue(n)
                };
            }
            "export" | "readonly" => self.export(args, out),
            "unset" => {
                for a in args.iter().filter(|a| !a.starts_with('-')) {
                    self.sh.env.unset(a);
                }
                0
            }
            "cd" => self.cd(args, out),
            "pwd" => {
                let pwd = self.sh.env.get("PWD").unwrap_or("/").to_string();
                out.out(&format!("{pwd}\n"));
                0
            }
            "echo" => {
                out.out(&tools::echo(args));
                0
            }
            "printf" => {
                if args.is_empty() {
                    if self.ash() {
                        out.err("printf: usage: printf FORMAT [ARGUMENT...]\n");
                    } else {
                        out.err("bash: printf: usage: printf [-v var] format [arguments]\n");
                    }
                    2
                } else {
                    let mut st = 0;
                    for ch in tools::printf(&args[0], &args[1..]) {
                        match ch {
                            PrintfChunk::Text(t) => out.out(&t),
                            PrintfChunk::BadNumber(n) => {
                                st = 1;
                                if self.ash() {
                                    out.err(&format!("sh: invalid number '{n}'\n"));
                                } else {
                                    out.err(&format!("bash: printf: {n}: invalid number\n"));
                                }
                            }
                        }
                    }
                    st
                }
            }
            "test" | "[" => {
                let bracket = cmd == "[";
                match tools::test(args, bracket) {
                    Ok(true) => 0,
                    Ok(false) => 1,
                    Err(e) => {
                        let msg = match (e, self.ash()) {
                            (TestError::MissingBracket, true) => "sh: missing ]".to_string(),
                            (TestError::MissingBracket, false) => {
                                "bash: [: missing `]'".to_string()
                            }
                            (TestError::BadNumber(n), true) => format!("sh: {n}: bad number"),
                            (TestError::BadNumber(n), false) => {
                                format!("bash: {cmd}: {n}: integer expression expected")
                            }
                            (TestError::Syntax(t), true) => format!("sh: {t}: unknown operand"),
                            (TestError::Syntax(t), false) => {
                                format!("bash: {cmd}: {t}: unary operator expected")
                            }
                        };
                        out.err(&format!("{msg}\n"));
                        2
                    }
                }
            }
            "read" => self.read(args, input),
            "eval" => {
                let src = args.join(" ");
                return self.eval(&src, input, out);
            }
            "set" => {
                if let Some(pos) = args.iter().position(|a| a == "--") {
                    self.sh.env.positional = args[pos + 1..].to_vec();
                } else if args.is_empty() {
                    let vars: Vec<String> = self
                        .sh
                        .env
                        .vars()
                        .map(|(k, v)| format!("{k}='{}'\n", v.replace('\'', "'\\''")))
                        .collect();
                    for v in vars {
                        out.out(&v);
                    }
                } else if !args[0].starts_with('-') && !args[0].starts_with('+') {
                    self.sh.env.positional = args.to_vec();
                }
                0
            }
            "shift" => {
                let n = args
                    .first()
                    .and_then(|a| a.parse::<usize>().ok())
                    .unwrap_or(1);
                if n > self.sh.env.positional.len() {
                    1
                } else {
                    self.sh.env.positional.drain(..n);
                    0
                }
            }
            "exec" if !args.is_empty() => {
                let f = self.run_argv(args, input, out);
                return if f == Flow::Next { Flow::Exit } else { f };
            }
            "exec" => 0,
            "xargs" => self.xargs(args, input.rest(), out),
            _ => {
                let st = self.host.run(argv, input.rest(), &self.sh.env, out);
                self.set_status(st);
                return Flow::Next;
            }
        };
        self.set_status(st);
        Flow::Next
    }

    /// xargs (GNU and busybox alike for these options): runs COMMAND (default echo) with
    /// the blank-separated words of stdin appended, `-n N` at a time, or once per line
    /// with `-I STR` replaced; with no input it runs once unless `-r`. Exit status 123
    /// when an invocation failed.
    fn xargs(&mut self, args: &[String], stdin: &str, out: &mut Output) -> i32 {
        let (mut per, mut repl, mut no_empty) = (None::<usize>, None::<String>, false);
        let mut i = 0;
        while let Some(a) = args.get(i) {
            match a.as_str() {
                "-n" | "-I" | "-L" => {
                    let Some(v) = args.get(i + 1) else {
                        out.err(&format!(
                            "xargs: option requires an argument -- '{}'\n",
                            &a[1..]
                        ));
                        return 1;
                    };
                    if a == "-I" {
                        repl = Some(v.clone());
                    } else {
                        per = v.parse().ok().filter(|n| *n > 0);
                    }
                    i += 2;
                }
                "-r" | "--no-run-if-empty" => {
                    no_empty = true;
                    i += 1;
                }
                _ if a.starts_with("-n") && a.len() > 2 => {
                    per = a[2..].parse().ok().filter(|n| *n > 0);
                    i += 1;
                }
                _ if a.starts_with("-I") && a.len() > 2 => {
                    repl = Some(a[2..].to_string());
                    i += 1;
                }
                _ => break,
            }
        }
        let mut cmd: Vec<String> = args[i..].to_vec();
        if cmd.is_empty() {
            cmd.push("echo".into());
        }
        let batches: Vec<Vec<String>> = if let Some(r) = &repl {
            stdin
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| {
                    cmd.iter()
                        .map(|c| c.replace(r.as_str(), l.trim()))
                        .collect()
                })
                .collect()
        } else {
            let words: Vec<String> = stdin.split_whitespace().map(str::to_string).collect();
            if words.is_empty() {
                if no_empty {
                    Vec::new()
                } else {
                    vec![cmd.clone()]
                }
            } else {
                words
                    .chunks(per.unwrap_or(usize::MAX).min(words.len()))
                    .map(|c| cmd.iter().cloned().chain(c.iter().cloned()).collect())
                    .collect()
            }
        };
        let mut st = 0;
        for argv in batches {
            if !self.charge(1, out) {
                return 1;
            }
            let code = self.host.run(&argv, "", &self.sh.env, out);
            if code == 127 {
                return 127;
            }
            if code != 0 {
                st = 123;
            }
        }
        st
    }

    fn export(&mut self, args: &[String], out: &mut Output) -> i32 {
        let names: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
        if names.is_empty() {
            let lines: Vec<String> = self
                .sh
                .env
                .exported_vars()
                .into_iter()
                .map(|(k, v)| {
                    if self.ash() {
                        format!("export {k}='{}'\n", v.replace('\'', "'\"'\"'"))
                    } else {
                        format!(
                            "declare -x {k}=\"{}\"\n",
                            v.replace('\\', "\\\\")
                                .replace('"', "\\\"")
                                .replace('$', "\\$")
                        )
                    }
                })
                .collect();
            for l in lines {
                out.out(&l);
            }
            return 0;
        }
        let mut st = 0;
        for a in names {
            let (n, v) = match a.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (a.as_str(), None),
            };
            if !is_name(n) {
                if self.ash() {
                    out.err(&format!("sh: export: line 1: {n}: bad variable name\n"));
                    st = 2;
                } else {
                    out.err(&format!("bash: export: `{a}': not a valid identifier\n"));
                    st = 1;
                }
                continue;
            }
            if let Some(v) = v {
                self.sh.env.set(n, v);
            }
            self.sh.env.export(n);
        }
        st
    }

    fn cd(&mut self, args: &[String], out: &mut Output) -> i32 {
        let pwd = self.sh.env.get("PWD").unwrap_or("/").to_string();
        let target = match args.first().map(|s| s.as_str()) {
            None | Some("~") => self.sh.env.get("HOME").unwrap_or("/").to_string(),
            Some("-") => {
                let old = self.sh.env.get("OLDPWD").unwrap_or("").to_string();
                if old.is_empty() {
                    out.err(&format!("{}: cd: OLDPWD not set\n", self.name()));
                    return 1;
                }
                out.out(&format!("{old}\n"));
                old
            }
            Some(t) => t.to_string(),
        };
        let path = normalize_path(&pwd, &target);
        if !self.host.is_dir(&path) {
            if self.ash() {
                out.err(&format!(
                    "sh: cd: line 1: can't cd to {target}: No such file or directory\n"
                ));
                return 2;
            }
            out.err(&format!("bash: cd: {target}: No such file or directory\n"));
            return 1;
        }
        self.sh.env.set("OLDPWD", &pwd);
        self.host.chdir(&path);
        self.sh.env.set("PWD", &path);
        0
    }

    fn read(&mut self, args: &[String], input: &mut Input) -> i32 {
        let raw = args.iter().any(|a| a == "-r");
        let mut names: Vec<&str> = args
            .iter()
            .filter(|a| !a.starts_with('-'))
            .map(|s| s.as_str())
            .collect();
        if names.is_empty() {
            names.push("REPLY");
        }
        let mut line = String::new();
        let mut got = false;
        while let Some(l) = input.read_line() {
            got = true;
            if !raw && l.ends_with('\\') {
                line.push_str(&l[..l.len() - 1]);
                continue;
            }
            line.push_str(&l);
            break;
        }
        if !raw {
            let mut s = String::new();
            let mut it = line.chars();
            while let Some(c) = it.next() {
                if c == '\\' {
                    if let Some(n) = it.next() {
                        s.push(n);
                    }
                } else {
                    s.push(c);
                }
            }
            line = s;
        }
        let mut rest = line.trim_start_matches(is_ifs);
        for (i, n) in names.iter().enumerate() {
            if i + 1 == names.len() {
                let v = if *n == "REPLY" && names.len() == 1 {
                    line.as_str()
                } else {
                    rest.trim_end_matches(is_ifs)
                };
                self.sh.env.set(n, v);
            } else {
                let end = rest.find(is_ifs).unwrap_or(rest.len());
                self.sh.env.set(n, &rest[..end]);
                rest = rest[end..].trim_start_matches(is_ifs);
            }
        }
        if got {
            0
        } else {
            1
        }
    }

    fn eval(&mut self, src: &str, input: &mut Input, out: &mut Output) -> Flow {
        if self.depth >= MAX_DEPTH {
            out.err(&format!("{}: nesting too deep\n", self.name()));
            self.set_status(2);
            return Flow::Exit;
        }
        match parse_script(src) {
            Ok(l) => {
                self.depth += 1;
                let f = self.list(&l, input, out);
                self.depth -= 1;
                f
            }
            Err(e) => {
                out.err(&format!("{}\n", e.message(self.sh.dialect)));
                self.set_status(e.status(self.sh.dialect));
                Flow::Next
            }
        }
    }

    /// `$(...)`: runs `src` in a subshell and returns its stdout minus trailing newlines.
    fn command_subst(&mut self, src: &str, out: &mut Output) -> Result<String, ExpandFailed> {
        if self.depth >= MAX_DEPTH {
            out.err(&format!("{}: nesting too deep\n", self.name()));
            return Err(ExpandFailed);
        }
        let list = match parse_script(src) {
            Ok(l) => l,
            Err(e) => {
                out.err(&format!("{}\n", e.message(self.sh.dialect)));
                self.cmdsub_status = Some(e.status(self.sh.dialect));
                return Ok(String::new());
            }
        };
        let env_size: usize = self.sh.env.vars.values().map(|v| v.len() + 16).sum();
        if !self.charge(1 + env_size as u64 / 1024, out) {
            return Err(ExpandFailed);
        }
        let saved = self.sh.env.clone();
        let saved_loops = std::mem::replace(&mut self.loops, 0);
        let saved_sub = self.cmdsub_status;
        self.depth += 1;
        let mut cap = Output::piped();
        let mut inp = Input::new("");
        self.list(&list, &mut inp, &mut cap);
        if cap.notice.is_some() {
            out.notice = cap.notice.take();
        }
        self.depth -= 1;
        let st = self.sh.env.last_status;
        self.sh.env = saved;
        self.loops = saved_loops;
        self.cmdsub_status = saved_sub;
        let mut s = String::new();
        for (stream, t) in cap.chunks {
            match stream {
                Stream::Out => s.push_str(&t),
                Stream::Err => out.err(&t),
            }
        }
        if self.aborted {
            return Err(ExpandFailed);
        }
        self.cmdsub_status = Some(st);
        self.sh.env.last_status = st;
        let trimmed = s.trim_end_matches('\n').len();
        s.truncate(trimmed);
        Ok(s)
    }

    fn param(&self, name: &str) -> Option<String> {
        let env = &self.sh.env;
        match name {
            "?" => Some(env.last_status.to_string()),
            "#" => Some(env.positional.len().to_string()),
            "$" => Some("1".to_string()),
            "!" | "-" => Some(String::new()),
            "0" => Some(if env.arg0.is_empty() {
                self.name().to_string()
            } else {
                env.arg0.clone()
            }),
            "@" | "*" => Some(env.positional.join(" ")),
            n if n.chars().all(|c| c.is_ascii_digit()) => n
                .parse::<usize>()
                .ok()
                .and_then(|i| env.positional.get(i.wrapping_sub(1)).cloned()),
            n => env.get(n).map(|s| s.to_string()),
        }
    }

    /// A command or `for` word's fields: bash first does brace expansion (`{1..3}`,
    /// `{a,b}`; busybox ash has none), then each word expands as usual.
    fn expand_fields(&mut self, w: &Word, out: &mut Output) -> Result<Vec<String>, ExpandFailed> {
        if self.ash() {
            return self.expand(w, true, out);
        }
        let words = brace_expand(w);
        let mut fields = Vec::new();
        for w in &words {
            fields.extend(self.expand(w, true, out)?);
        }
        Ok(fields)
    }

    /// Expands a word into fields (`split`: unquoted expansions are split on blanks,
    /// and a word that expands to nothing unquoted yields no field).
    fn expand(
        &mut self,
        w: &Word,
        split: bool,
        out: &mut Output,
    ) -> Result<Vec<String>, ExpandFailed> {
        let mut fields: Vec<String> = Vec::new();
        let mut cur = String::new();
        let mut has = false;
        for part in &w.parts {
            let (value, quoted) = match part {
                Part::Lit(s) => {
                    cur.push_str(s);
                    has |= !s.is_empty();
                    continue;
                }
                Part::Quoted(s) => {
                    cur.push_str(s);
                    has = true;
                    continue;
                }
                Part::Param {
                    name,
                    op: ParamOp::Plain,
                    quoted: true,
                } if name == "@" && split => {
                    let pos = self.sh.env.positional.clone();
                    for (i, p) in pos.iter().enumerate() {
                        if i > 0 {
                            fields.push(std::mem::take(&mut cur));
                        }
                        cur.push_str(p);
                        has = true;
                    }
                    continue;
                }
                Part::Param { name, op, quoted } => (self.expand_param(name, op, out)?, *quoted),
                Part::CmdSub { src, quoted } => (self.command_subst(src, out)?, *quoted),
                Part::Arith { src, quoted } => (self.arith(src, out)?, *quoted),
            };
            if !self.charge(value.len() as u64 / 1024, out) {
                return Err(ExpandFailed);
            }
            if cur.len() + value.len() > MAX_WORD {
                out.err(&format!(
                    "{}: out of memory: word longer than {MAX_WORD} bytes\n",
                    self.name()
                ));
                self.aborted = true;
                self.set_status(2);
                return Err(ExpandFailed);
            }
            if quoted || !split {
                cur.push_str(&value);
                has |= quoted || !value.is_empty();
            } else {
                let mut first = true;
                for piece in value.split(is_ifs) {
                    if !first && has {
                        fields.push(std::mem::take(&mut cur));
                        has = false;
                    }
                    first = false;
                    if !piece.is_empty() {
                        cur.push_str(piece);
                        has = true;
                    }
                }
            }
        }
        if has || (!split && fields.is_empty()) {
            fields.push(cur);
        }
        Ok(fields)
    }

    fn expand_param(
        &mut self,
        name: &str,
        op: &ParamOp,
        out: &mut Output,
    ) -> Result<String, ExpandFailed> {
        let val = self.param(name);
        let null = |v: &Option<String>, colon: bool| match v {
            None => true,
            Some(s) => colon && s.is_empty(),
        };
        Ok(match op {
            ParamOp::Plain => val.unwrap_or_default(),
            ParamOp::Length => val.unwrap_or_default().chars().count().to_string(),
            ParamOp::Default(colon, w) => {
                if null(&val, *colon) {
                    self.expand(w, false, out)?.join("")
                } else {
                    val.unwrap_or_default()
                }
            }
            ParamOp::Assign(colon, w) => {
                if null(&val, *colon) {
                    let v = self.expand(w, false, out)?.join("");
                    if is_name(name) {
                        self.sh.env.set(name, &v);
                    }
                    v
                } else {
                    val.unwrap_or_default()
                }
            }
            ParamOp::Alt(colon, w) => {
                if null(&val, *colon) {
                    String::new()
                } else {
                    self.expand(w, false, out)?.join("")
                }
            }
            ParamOp::Error(colon, w) => {
                if null(&val, *colon) {
                    let msg = self.expand(w, false, out)?.join("");
                    let msg = if msg.is_empty() {
                        if *colon {
                            "parameter null or not set".to_string()
                        } else {
                            "parameter not set".to_string()
                        }
                    } else {
                        msg
                    };
                    out.err(&format!("{}: {name}: {msg}\n", self.name()));
                    return Err(ExpandFailed);
                } else {
                    val.unwrap_or_default()
                }
            }
        })
    }

    fn arith(&mut self, src: &str, out: &mut Output) -> Result<String, ExpandFailed> {
        let text = match heredoc_word(src) {
            Ok(w) => self.expand(&w, false, out)?.join(""),
            Err(e) => {
                out.err(&format!("{}\n", e.message(self.sh.dialect)));
                return Err(ExpandFailed);
            }
        };
        let env = &self.sh.env;
        match arith_eval(&text, &|n| env.get(n).map(|s| s.to_string())) {
            Ok(v) => Ok(v.to_string()),
            Err(e) => {
                let msg = match (self.ash(), e) {
                    (true, ArithError::DivZero) => "sh: divide by zero".to_string(),
                    (true, ArithError::Syntax) => "sh: arithmetic syntax error".to_string(),
                    (false, ArithError::DivZero) => {
                        format!("bash: {}: division by 0", text.trim())
                    }
                    (false, ArithError::Syntax) => {
                        format!("bash: {}: syntax error in expression", text.trim())
                    }
                };
                out.err(&format!("{msg}\n"));
                Err(ExpandFailed)
            }
        }
    }
}

pub(crate) fn normalize_path(pwd: &str, target: &str) -> String {
    let joined = if target.starts_with('/') {
        target.to_string()
    } else {
        format!("{pwd}/{target}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for p in joined.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("/{}", parts.join("/"))
}

#[derive(Debug, PartialEq, Eq)]
pub(super) enum ArithError {
    Syntax,
    DivZero,
}

/// Evaluates a shell arithmetic expression (integers; + - * / % comparisons,
/// && || ! and parentheses; names read variables).
pub(super) fn arith_eval(s: &str, var: &dyn Fn(&str) -> Option<String>) -> Result<i64, ArithError> {
    let toks = arith_tokens(s, var)?;
    let mut p = ArithParser {
        toks,
        pos: 0,
        depth: 0,
    };
    let v = p.expr(0)?;
    if p.pos != p.toks.len() {
        return Err(ArithError::Syntax);
    }
    Ok(v)
}

#[derive(Clone, Debug, PartialEq)]
enum ATok {
    Num(i64),
    Op(&'static str),
}

fn arith_tokens(s: &str, var: &dyn Fn(&str) -> Option<String>) -> Result<Vec<ATok>, ArithError> {
    let c: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    const OPS: [&str; 19] = [
        "<=", ">=", "==", "!=", "&&", "||", "<<", ">>", "+", "-", "*", "/", "%", "<", ">", "(",
        ")", "!", "~",
    ];
    while i < c.len() {
        let ch = c[i];
        if ch.is_whitespace() {
            i += 1;
        } else if ch.is_ascii_digit() {
            let st = i;
            while i < c.len() && c[i].is_ascii_alphanumeric() {
                i += 1;
            }
            let t: String = c[st..i].iter().collect();
            out.push(ATok::Num(parse_int(&t).ok_or(ArithError::Syntax)?));
        } else if ch.is_ascii_alphabetic() || ch == '_' {
            let st = i;
            while i < c.len() && (c[i].is_ascii_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            let name: String = c[st..i].iter().collect();
            let v = var(&name).unwrap_or_default();
            let v = v.trim();
            out.push(ATok::Num(if v.is_empty() {
                0
            } else {
                parse_int(v).ok_or(ArithError::Syntax)?
            }));
        } else {
            let rest: String = c[i..(i + 2).min(c.len())].iter().collect();
            let op = OPS
                .iter()
                .find(|o| rest.starts_with(**o))
                .ok_or(ArithError::Syntax)?;
            i += op.len();
            out.push(ATok::Op(op));
        }
    }
    Ok(out)
}

fn parse_int(t: &str) -> Option<i64> {
    let (neg, t) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t),
    };
    let v = if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        i64::from_str_radix(h, 16).ok()?
    } else if t.len() > 1 && t.starts_with('0') {
        i64::from_str_radix(&t[1..], 8).ok()?
    } else {
        t.parse::<i64>().ok()?
    };
    Some(if neg { v.wrapping_neg() } else { v })
}

struct ArithParser {
    toks: Vec<ATok>,
    pos: usize,
    depth: usize,
}

fn binop_prec(op: &str) -> Option<u8> {
    Some(match op {
        "||" => 1,
        "&&" => 2,
        "==" | "!=" => 3,
        "<" | ">" | "<=" | ">=" => 4,
        "<<" | ">>" => 5,
        "+" | "-" => 6,
        "*" | "/" | "%" => 7,
        _ => return None,
    })
}

impl ArithParser {
    fn expr(&mut self, min: u8) -> Result<i64, ArithError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ArithError::Syntax);
        }
        let mut lhs = self.unary()?;
        while let Some(ATok::Op(op)) = self.toks.get(self.pos).cloned() {
            let Some(prec) = binop_prec(op) else { break };
            if prec < min {
                break;
            }
            self.pos += 1;
            let rhs = self.expr(prec + 1)?;
            lhs = match op {
                "||" => ((lhs != 0) || (rhs != 0)) as i64,
                "&&" => ((lhs != 0) && (rhs != 0)) as i64,
                "==" => (lhs == rhs) as i64,
                "!=" => (lhs != rhs) as i64,
                "<" => (lhs < rhs) as i64,
                ">" => (lhs > rhs) as i64,
                "<=" => (lhs <= rhs) as i64,
                ">=" => (lhs >= rhs) as i64,
                "<<" => lhs.wrapping_shl(rhs as u32),
                ">>" => lhs.wrapping_shr(rhs as u32),
                "+" => lhs.wrapping_add(rhs),
                "-" => lhs.wrapping_sub(rhs),
                "*" => lhs.wrapping_mul(rhs),
                "/" | "%" => {
                    if rhs == 0 {
                        return Err(ArithError::DivZero);
                    }
                    if op == "/" {
                        lhs.wrapping_div(rhs)
                    } else {
                        lhs.wrapping_rem(rhs)
                    }
                }
                _ => return Err(ArithError::Syntax),
            };
        }
        self.depth -= 1;
        Ok(lhs)
    }

    fn unary(&mut self) -> Result<i64, ArithError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ArithError::Syntax);
        }
        let t = self.toks.get(self.pos).cloned().ok_or(ArithError::Syntax)?;
        self.pos += 1;
        let v = match t {
            ATok::Num(n) => n,
            ATok::Op("-") => self.unary()?.wrapping_neg(),
            ATok::Op("+") => self.unary()?,
            ATok::Op("!") => (self.unary()? == 0) as i64,
            ATok::Op("~") => !self.unary()?,
            ATok::Op("(") => {
                let v = self.expr(0)?;
                if self.toks.get(self.pos) != Some(&ATok::Op(")")) {
                    return Err(ArithError::Syntax);
                }
                self.pos += 1;
                v
            }
            _ => return Err(ArithError::Syntax),
        };
        self.depth -= 1;
        Ok(v)
    }
}

/// Most words a brace expansion may produce (bash has no limit; this bounds the work).
const MAX_BRACE_WORDS: usize = 10_000;

/// bash brace expansion of the first unquoted `{...}` group that lies inside one literal
/// part: `{a..b}` (integers or single letters, optional `..step`) or `{x,y,...}`;
/// the results are expanded again for later groups. A word without a valid group is
/// returned as it is. (bash expands braces in the raw text, so `$X{1,2}` becomes `$X1
/// $X2`; here a group right after an expansion keeps the expansion's name.)
fn brace_expand(w: &Word) -> Vec<Word> {
    for (i, part) in w.parts.iter().enumerate() {
        let Part::Lit(text) = part else { continue };
        let Some((pre, alts, post)) = brace_group(text) else {
            continue;
        };
        let mut words = Vec::new();
        for alt in alts {
            let mut parts = w.parts[..i].to_vec();
            parts.push(Part::Lit(format!("{pre}{alt}{post}")));
            parts.extend(w.parts[i + 1..].iter().cloned());
            let next = Word {
                parts,
                raw: w.raw.clone(),
            };
            for expanded in brace_expand(&next) {
                if words.len() >= MAX_BRACE_WORDS {
                    return words;
                }
                words.push(expanded);
            }
        }
        return words;
    }
    vec![w.clone()]
}

/// The first valid brace group in `text`: the text before it, its alternatives, the text
/// after it.
fn brace_group(text: &str) -> Option<(String, Vec<String>, String)> {
    let bytes = text.as_bytes();
    let mut start = 0;
    while let Some(off) = text[start..].find('{') {
        let open = start + off;
        // the matching close brace (nested groups stay inside one alternative)
        let mut depth = 0usize;
        let mut close = None;
        for (j, &b) in bytes.iter().enumerate().skip(open) {
            match b {
                b'{' => depth += 1,
                b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        close = Some(j);
                        break;
                    }
                }
                _ => {}
            }
        }
        let close = close?;
        let inner = &text[open + 1..close];
        if let Some(alts) = brace_sequence(inner).or_else(|| brace_list(inner)) {
            return Some((
                text[..open].to_string(),
                alts,
                text[close + 1..].to_string(),
            ));
        }
        start = open + 1;
    }
    None
}

/// `a,b,c` at the top level (at least one comma).
fn brace_list(inner: &str) -> Option<Vec<String>> {
    let mut alts = Vec::new();
    let mut depth = 0usize;
    let mut cur = String::new();
    for c in inner.chars() {
        match c {
            '{' => {
                depth += 1;
                cur.push(c);
            }
            '}' => {
                depth = depth.saturating_sub(1);
                cur.push(c);
            }
            ',' if depth == 0 => alts.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    if alts.is_empty() {
        return None;
    }
    alts.push(cur);
    Some(alts)
}

/// `1..5`, `5..1`, `0..10..2`, `a..e`.
fn brace_sequence(inner: &str) -> Option<Vec<String>> {
    let parts: Vec<&str> = inner.split("..").collect();
    if !(2..=3).contains(&parts.len()) {
        return None;
    }
    let step: i64 = match parts.get(2) {
        Some(s) => s.parse::<i64>().ok()?.checked_abs()?.max(1),
        None => 1,
    };
    if let (Ok(a), Ok(b)) = (parts[0].parse::<i64>(), parts[1].parse::<i64>()) {
        let n = (a.abs_diff(b) / step.unsigned_abs()).saturating_add(1);
        if n > MAX_BRACE_WORDS as u64 {
            return None;
        }
        let up = a <= b;
        return Some(
            (0..n as i64)
                .map(|k| if up { a + k * step } else { a - k * step }.to_string())
                .collect(),
        );
    }
    let (a, b) = (parts[0], parts[1]);
    let (ca, cb) = (a.chars().next()?, b.chars().next()?);
    if a.chars().count() != 1
        || b.chars().count() != 1
        || !ca.is_ascii_alphabetic()
        || !cb.is_ascii_alphabetic()
    {
        return None;
    }
    let (x, y) = (ca as i64, cb as i64);
    let up = x <= y;
    let n = x.abs_diff(y) / step.unsigned_abs() + 1;
    Some(
        (0..n as i64)
            .filter_map(|k| char::from_u32(if up { x + k * step } else { x - k * step } as u32))
            .map(|c| c.to_string())
            .collect(),
    )
}
