//! A small, deterministic POSIX-like shell: no real processes, no filesystem.
//!
//! The shell parses a script (quoting, `$VAR`, `$(...)`, pipes, `&&`, `||`,
//! `for`/`while`/`if`, heredocs, redirections to `/dev/null`) and runs every
//! simple command that is not a shell builtin through a [`Host`], which decides
//! what programs exist. The same interpreter serves the learner's top prompt
//! ([`Dialect::Bash`]) and the shell inside a pod ([`Dialect::BusyboxAsh`]);
//! the dialect only changes the wording of the shell's own messages.

mod interp;
pub(crate) use interp::normalize_path;
mod lexer;
mod parser;

#[cfg(test)]
mod tests;

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

/// Maximum bytes kept in one [`Output`]; the rest is dropped with an error.
pub const MAX_OUTPUT: usize = 4 << 20;
/// Maximum nesting of compound commands, `$(...)` and nested shells.
pub const MAX_DEPTH: usize = 64;
/// Maximum iterations of a single `for`/`while`/`until` loop.
pub const MAX_LOOP: usize = 10_000;
/// Work budget (commands run plus bytes expanded / 1024) of one top-level script.
pub const MAX_STEPS: u64 = 200_000;
/// Maximum size of a script text.
pub const MAX_SCRIPT: usize = 1 << 20;

/// Which stream a chunk of output was written to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    Out,
    Err,
}

/// What a command printed: stdout and stderr chunks in write order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Output {
    pub chunks: Vec<(Stream, String)>,
    len: usize,
    truncated: bool,
    /// stdout goes to a pipe, a file or `$(...)`, not to the terminal (curl's progress
    /// meter depends on it).
    pub piped: bool,
    /// What the page should tell the learner about a simplification in a program that ran
    /// (never part of the output; `Terminal::run` moves it to `Terminal::notice`).
    pub notice: Option<String>,
}

impl Output {
    pub fn new() -> Output {
        Output::default()
    }

    /// Collects what a command writes whose stdout is not the terminal.
    pub fn piped() -> Output {
        Output {
            piped: true,
            ..Output::default()
        }
    }

    /// Appends to stdout.
    pub fn out(&mut self, s: &str) {
        self.write(Stream::Out, s);
    }

    /// Appends to stderr.
    pub fn err(&mut self, s: &str) {
        self.write(Stream::Err, s);
    }

    /// Appends to the given stream (consecutive writes to one stream are merged).
    /// Output beyond [`MAX_OUTPUT`] bytes is dropped, with one error line.
    pub fn write(&mut self, stream: Stream, s: &str) {
        if s.is_empty() || self.truncated {
            return;
        }
        let room = MAX_OUTPUT.saturating_sub(self.len);
        let s = if s.len() > room {
            self.truncated = true;
            let mut cut = room;
            while cut > 0 && !s.is_char_boundary(cut) {
                cut -= 1;
            }
            &s[..cut]
        } else {
            s
        };
        self.len += s.len();
        match self.chunks.last_mut() {
            Some((st, text)) if *st == stream => text.push_str(s),
            _ => {
                if !s.is_empty() {
                    self.chunks.push((stream, s.to_string()))
                }
            }
        }
        if self.truncated {
            self.chunks.push((
                Stream::Err,
                format!("\noutput truncated: more than {} bytes\n", MAX_OUTPUT),
            ));
        }
    }

    /// True once output was dropped because of [`MAX_OUTPUT`].
    pub fn is_truncated(&self) -> bool {
        self.truncated
    }

    /// Everything written to stdout.
    pub fn stdout_text(&self) -> String {
        self.stream_text(Stream::Out)
    }

    /// Everything written to stderr.
    pub fn stderr_text(&self) -> String {
        self.stream_text(Stream::Err)
    }

    fn stream_text(&self, stream: Stream) -> String {
        self.chunks
            .iter()
            .filter(|(s, _)| *s == stream)
            .map(|(_, t)| t.as_str())
            .collect()
    }

    /// Stdout and stderr interleaved in write order (what a terminal shows).
    pub fn combined(&self) -> String {
        self.chunks.iter().map(|(_, t)| t.as_str()).collect()
    }

    /// Appends all chunks of `other` in order.
    pub fn append(&mut self, other: Output) {
        for (st, text) in other.chunks {
            self.write(st, &text);
        }
        if other.notice.is_some() {
            self.notice = other.notice;
        }
    }
}

/// Which shell's messages to print.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Dialect {
    /// GNU bash 5, interactive, at the learner's top prompt.
    #[default]
    Bash,
    /// busybox ash (`sh`) inside a pod.
    BusyboxAsh,
}

impl Dialect {
    /// The prefix of the shell's own error messages (`bash` or `sh`).
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Bash => "bash",
            Dialect::BusyboxAsh => "sh",
        }
    }
}

/// Shell variables, exported names, `$?` and positional parameters.
#[derive(Clone, Debug)]
pub struct Env {
    vars: BTreeMap<String, String>,
    exported: BTreeSet<String>,
    /// `$?`: exit status of the last command.
    pub last_status: i32,
    /// `$0`.
    pub arg0: String,
    /// `$1`, `$2`, ...
    pub positional: Vec<String>,
    depth: usize,
    budget: Rc<Cell<u64>>,
}

impl Default for Env {
    fn default() -> Env {
        Env {
            vars: BTreeMap::new(),
            exported: BTreeSet::new(),
            last_status: 0,
            arg0: String::new(),
            positional: Vec::new(),
            depth: 0,
            budget: Rc::new(Cell::new(MAX_STEPS)),
        }
    }
}

impl Env {
    pub fn new() -> Env {
        Env::default()
    }

    /// Value of a shell variable (exported or not).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(|s| s.as_str())
    }

    /// Sets a shell variable (keeps its exported flag).
    pub fn set(&mut self, name: &str, value: &str) {
        self.vars.insert(name.to_string(), value.to_string());
    }

    /// Marks a variable as exported (it need not have a value yet).
    pub fn export(&mut self, name: &str) {
        self.exported.insert(name.to_string());
    }

    /// Sets and exports a variable.
    pub fn set_exported(&mut self, name: &str, value: &str) {
        self.set(name, value);
        self.export(name);
    }

    /// Removes a variable.
    pub fn unset(&mut self, name: &str) {
        self.vars.remove(name);
        self.exported.remove(name);
    }

    pub fn is_exported(&self, name: &str) -> bool {
        self.exported.contains(name)
    }

    /// All variables, sorted by name.
    pub fn vars(&self) -> impl Iterator<Item = (&str, &str)> {
        self.vars.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Exported variables with a value, sorted by name (the environment a program sees).
    pub fn exported_vars(&self) -> Vec<(String, String)> {
        self.exported
            .iter()
            .filter_map(|k| self.vars.get(k).map(|v| (k.clone(), v.clone())))
            .collect()
    }

    /// How many shells deep this environment is (0 at the top).
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// The environment for a child shell (`sh -c`): exported variables only,
    /// one level deeper, sharing this environment's work budget.
    pub fn child(&self) -> Env {
        let mut e = Env {
            depth: self.depth + 1,
            budget: self.budget.clone(),
            ..Env::default()
        };
        for (k, v) in self.exported_vars() {
            e.set_exported(&k, &v);
        }
        e
    }

    /// Charges `n` units of work; false when the budget is exhausted.
    pub(crate) fn charge(&self, n: u64) -> bool {
        let left = self.budget.get();
        if left < n {
            self.budget.set(0);
            false
        } else {
            self.budget.set(left - n);
            true
        }
    }

    pub(crate) fn budget_left(&self) -> u64 {
        self.budget.get()
    }

    pub(crate) fn reset_budget(&mut self) {
        self.budget = Rc::new(Cell::new(MAX_STEPS));
    }
}

/// What the shell calls to run a program (a simple command that is not a builtin).
pub trait Host {
    /// Runs `argv` (never empty) with the given stdin; writes to `out`; returns the exit code.
    /// Unknown programs are the host's to report (exit 127).
    fn run(&mut self, argv: &[String], stdin: &str, env: &Env, out: &mut Output) -> i32;

    /// Contents of a file for `< path`; `Err(reason)` when it cannot be read.
    fn read_file(&mut self, path: &str) -> Result<String, String> {
        let _ = path;
        Err("No such file or directory".to_string())
    }

    /// Writes a file for `> path` / `>> path`; `Err(reason)` when it cannot be written.
    fn write_file(&mut self, path: &str, data: &str, append: bool) -> Result<(), String> {
        let _ = (path, data, append);
        Err("Read-only file system".to_string())
    }

    /// Whether `path` is an existing directory (for `cd` and `test -d`).
    fn is_dir(&mut self, path: &str) -> bool {
        path == "/"
    }

    /// `cd` moved the shell to `path` (absolute), where relative paths now point.
    fn chdir(&mut self, path: &str) {
        let _ = path;
    }
}

/// A shell session: variables persist across [`Shell::run_script`] calls.
#[derive(Clone, Debug, Default)]
pub struct Shell {
    pub env: Env,
    pub dialect: Dialect,
}

impl Shell {
    pub fn new(dialect: Dialect) -> Shell {
        Shell {
            env: Env::new(),
            dialect,
        }
    }

    /// A shell for `sh -c` / `sh < script` started from a command running in `parent`.
    pub fn child_of(parent: &Env, dialect: Dialect) -> Shell {
        Shell {
            env: parent.child(),
            dialect,
        }
    }

    /// Parses and runs `text` (several lines, heredoc bodies included).
    /// Returns the exit status (also left in `$?`). Syntax errors print the
    /// dialect's message and return 2.
    pub fn run_script(&mut self, text: &str, host: &mut dyn Host, out: &mut Output) -> i32 {
        self.run_script_with_stdin(text, "", host, out)
    }

    /// Like [`Shell::run_script`], with `stdin` as the script's standard input.
    pub fn run_script_with_stdin(
        &mut self,
        text: &str,
        stdin: &str,
        host: &mut dyn Host,
        out: &mut Output,
    ) -> i32 {
        if self.env.depth == 0 {
            self.env.reset_budget();
        }
        interp::run_script(self, text, stdin, host, out)
    }

    /// Checks `text` for syntax errors without running it; `Err` holds the message
    /// this dialect prints (without trailing newline).
    pub fn check_syntax(&self, text: &str) -> Result<(), String> {
        match parser::parse_script(text) {
            Ok(_) => Ok(()),
            Err(e) => Err(e.message(self.dialect)),
        }
    }

    /// True when `text` is incomplete (open quote, `if` without `fi`, `|` at the end, ...),
    /// so an interactive terminal should read a continuation line.
    pub fn needs_more_input(text: &str) -> bool {
        matches!(parser::parse_script(text), Err(e) if e.is_eof())
    }
}
