//! Pure text tools with busybox 1.36 behaviour and messages: functions of
//! (argv, stdin) -> (stdout, stderr, exit code). No filesystem: file operands are
//! read through a caller-supplied reader.

use std::collections::BTreeSet;

/// Maximum bytes a tool produces; more is cut with an error line.
const MAX_TOOL_OUTPUT: usize = 4 << 20;
/// Maximum lines `seq` prints.
const MAX_SEQ: u64 = 1_000_000;

/// (stdout, stderr, exit code)
pub type ToolResult = (String, String, i32);

/// Names handled by [`run_tool`].
pub const TOOLS: &[&str] = &[
    "seq", "sort", "uniq", "wc", "head", "tail", "grep", "egrep", "fgrep", "cut", "tr", "cat",
    "base64", "tee", "echo", "printf", "test", "[", "true", "false", "basename", "dirname", "sed",
    "awk",
];

/// Runs a text tool on stdin (file operands fail with "No such file or directory").
/// None when `argv[0]` is not a text tool.
pub fn run_tool(argv: &[String], stdin: &str) -> Option<ToolResult> {
    run_tool_with_files(argv, stdin, &mut |_| {
        Err("No such file or directory".to_string())
    })
}

/// Like [`run_tool`], reading file operands through `read` (Err holds the reason,
/// e.g. `No such file or directory`).
pub fn run_tool_with_files(
    argv: &[String],
    stdin: &str,
    read: &mut dyn FnMut(&str) -> Result<String, String>,
) -> Option<ToolResult> {
    let name = argv.first()?.as_str();
    let name = name.rsplit('/').next().unwrap_or(name);
    let args = &argv[1..];
    let mut r = match name {
        "seq" => seq(args),
        "sort" => sort(args, stdin, read),
        "uniq" => uniq(args, stdin, read),
        "wc" => wc(args, stdin, read),
        "head" => head_tail(true, args, stdin, read),
        "tail" => head_tail(false, args, stdin, read),
        "grep" => grep(args, stdin, read, 0),
        "egrep" => grep(args, stdin, read, 1),
        "fgrep" => grep(args, stdin, read, 2),
        "cut" => cut(args, stdin, read),
        "sed" => sed(args, stdin, read),
        "awk" => awk(args, stdin, read),
        "tr" => tr(args, stdin),
        "cat" => cat(args, stdin, read),
        "base64" => base64(args, stdin, read),
        "tee" => (stdin.to_string(), String::new(), 0),
        "echo" => (echo(args), String::new(), 0),
        "printf" => {
            if args.is_empty() {
                usage("printf")
            } else {
                let mut out = String::new();
                let mut err = String::new();
                let mut st = 0;
                for c in printf(&args[0], &args[1..]) {
                    match c {
                        PrintfChunk::Text(t) => out.push_str(&t),
                        PrintfChunk::BadNumber(n) => {
                            st = 1;
                            err.push_str(&format!("printf: invalid number '{n}'\n"));
                        }
                    }
                }
                (out, err, st)
            }
        }
        "test" | "[" => match test(args, name == "[") {
            Ok(b) => (String::new(), String::new(), if b { 0 } else { 1 }),
            Err(TestError::MissingBracket) => (String::new(), "[: missing ]\n".to_string(), 2),
            Err(TestError::BadNumber(n)) => {
                (String::new(), format!("{name}: {n}: bad number\n"), 2)
            }
            Err(TestError::Syntax(t)) => {
                (String::new(), format!("{name}: {t}: unknown operand\n"), 2)
            }
        },
        "true" => (String::new(), String::new(), 0),
        "false" => (String::new(), String::new(), 1),
        "basename" => match args.first() {
            None => usage("basename"),
            Some(p) => {
                let t = p.trim_end_matches('/');
                let mut b = if t.is_empty() && !p.is_empty() {
                    "/"
                } else {
                    t.rsplit('/').next().unwrap_or(t)
                }
                .to_string();
                if let Some(suf) = args.get(1) {
                    if b.len() > suf.len() && b.ends_with(suf.as_str()) {
                        b.truncate(b.len() - suf.len());
                    }
                }
                (format!("{b}\n"), String::new(), 0)
            }
        },
        "dirname" => match args.first() {
            None => usage("dirname"),
            Some(p) => {
                let t = p.trim_end_matches('/');
                let d = match t.rfind('/') {
                    None => ".".to_string(),
                    Some(_) if t.is_empty() => "/".to_string(),
                    Some(i) => {
                        let d = t[..i].trim_end_matches('/');
                        if d.is_empty() {
                            "/".to_string()
                        } else {
                            d.to_string()
                        }
                    }
                };
                (format!("{d}\n"), String::new(), 0)
            }
        },
        _ => return None,
    };
    if r.0.len() > MAX_TOOL_OUTPUT {
        let mut cut = MAX_TOOL_OUTPUT;
        while cut > 0 && !r.0.is_char_boundary(cut) {
            cut -= 1;
        }
        r.0.truncate(cut);
        r.1.push_str(&format!(
            "{name}: output truncated: more than {MAX_TOOL_OUTPUT} bytes\n"
        ));
    }
    Some(r)
}

const VERSION_LINE: &str = "BusyBox v1.36.1 (2024-06-10 07:11:47 UTC) multi-call binary.";

fn usage_text(name: &str) -> &'static str {
    match name {
        "seq" => "Usage: seq [-w] [-s SEP] [FIRST [INC]] LAST\n\nPrint numbers from FIRST to LAST, in steps of INC.\nFIRST, INC default to 1.\n\n\t-w\tPad to last with leading zeros\n\t-s SEP\tString separator\n",
        "grep" => "Usage: grep [-HhnlLoqvsrRiwFEz] [-m N] [-A|B|C N] { PATTERN | -e PATTERN... | -f FILE... } [FILE]...\n\nSearch for PATTERN in FILEs (or stdin)\n",
        "cut" => "Usage: cut [OPTIONS] [FILE]...\n\nPrint selected fields from FILEs to stdout\n",
        "tr" => "Usage: tr [-cds] STRING1 [STRING2]\n\nTranslate, squeeze, or delete characters from stdin, writing to stdout\n\n\t-c\tTake complement of STRING1\n\t-d\tDelete input characters coded STRING1\n\t-s\tSqueeze multiple output characters of STRING2 into one character\n",
        "sort" => "Usage: sort [-nrugMcszbdfiokt] [-o FILE] [-k START[.OFS][OPTS][,END[.OFS][OPTS]] [-t CHAR] [FILE]...\n\nSort lines of text\n",
        "uniq" => "Usage: uniq [-cduiz] [-f,s,w N] [FILE [OUTFILE]]\n\nDiscard duplicate lines\n",
        "wc" => "Usage: wc [-cmlwL] [FILE]...\n\nCount lines, words, and bytes for FILEs (or stdin)\n",
        "head" => "Usage: head [OPTIONS] [FILE]...\n\nPrint first 10 lines of FILEs (or stdin).\n",
        "tail" => "Usage: tail [OPTIONS] [FILE]...\n\nPrint last 10 lines of FILEs (or stdin).\n",
        "printf" => "Usage: printf FORMAT [ARG]...\n\nFormat and print ARG(s) according to FORMAT (a-la C printf)\n",
        "basename" => "Usage: basename FILE [SUFFIX]\n\nStrip directory path and SUFFIX from FILE\n",
        "dirname" => "Usage: dirname FILENAME\n\nStrip non-directory suffix from FILENAME\n",
        "base64" => "Usage: base64 [-d] [-w COL] [FILE]\n\nBase64 encode or decode FILE to standard output\n",
        "sed" => "Usage: sed [-i[SFX]] [-nrE] [-f FILE]... [-e CMD]... [FILE]...\nor: sed [-i[SFX]] [-nrE] CMD [FILE]...\n\nEdit FILEs (or stdin)\n",
        "awk" => "Usage: awk [OPTIONS] [AWK_PROGRAM] [FILE]...\n",
        _ => "",
    }
}

fn usage(name: &str) -> ToolResult {
    (
        String::new(),
        format!("{VERSION_LINE}\n\n{}", usage_text(name)),
        1,
    )
}

fn bad_option(name: &str, opt: char) -> ToolResult {
    let (o, e, st) = usage(name);
    (o, format!("{name}: invalid option -- '{opt}'\n{e}"), st)
}

fn needs_arg(name: &str, opt: char) -> ToolResult {
    let (o, e, st) = usage(name);
    (
        o,
        format!("{name}: option requires an argument -- '{opt}'\n{e}"),
        st,
    )
}

fn fail(msg: String) -> ToolResult {
    (String::new(), format!("{msg}\n"), 1)
}

/// getopt-style parsing: options with arguments listed in `with_arg`; returns
/// (flags with their arguments in order, operands). `numeric_opt` accepts `-N`.
struct Opts {
    flags: Vec<(char, Option<String>)>,
    operands: Vec<String>,
}

impl Opts {
    fn has(&self, c: char) -> bool {
        self.flags.iter().any(|(f, _)| *f == c)
    }
    fn last(&self, c: char) -> Option<&str> {
        self.flags
            .iter()
            .rev()
            .find(|(f, _)| *f == c)
            .and_then(|(_, a)| a.as_deref())
    }
    fn all(&self, c: char) -> Vec<&str> {
        self.flags
            .iter()
            .filter(|(f, _)| *f == c)
            .filter_map(|(_, a)| a.as_deref())
            .collect()
    }
}

fn getopt(
    name: &str,
    args: &[String],
    valid: &str,
    with_arg: &str,
    numeric: bool,
) -> Result<Opts, ToolResult> {
    let mut flags = Vec::new();
    let mut operands = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        i += 1;
        if a == "--" {
            operands.extend(args[i..].iter().cloned());
            break;
        }
        if a.len() < 2 || !a.starts_with('-') {
            operands.push(a.clone());
            continue;
        }
        let body: Vec<char> = a[1..].chars().collect();
        if numeric && body.iter().all(|c| c.is_ascii_digit()) {
            flags.push(('n', Some(body.iter().collect())));
            continue;
        }
        let mut j = 0;
        while j < body.len() {
            let c = body[j];
            j += 1;
            if with_arg.contains(c) {
                let v: String = body[j..].iter().collect();
                let v = if v.is_empty() {
                    match args.get(i) {
                        Some(n) => {
                            i += 1;
                            n.clone()
                        }
                        None => return Err(needs_arg(name, c)),
                    }
                } else {
                    v
                };
                flags.push((c, Some(v)));
                break;
            } else if valid.contains(c) {
                flags.push((c, None));
            } else {
                return Err(bad_option(name, c));
            }
        }
    }
    Ok(Opts { flags, operands })
}

/// Reads the operands (or stdin when there are none / for `-`): (name, text) pairs,
/// with error messages for unreadable files.
fn inputs(
    name: &str,
    operands: &[String],
    stdin: &str,
    read: &mut dyn FnMut(&str) -> Result<String, String>,
    err: &mut String,
) -> Vec<(String, String)> {
    if operands.is_empty() {
        return vec![("-".to_string(), stdin.to_string())];
    }
    let mut v = Vec::new();
    for f in operands {
        if f == "-" {
            v.push((f.clone(), stdin.to_string()));
            continue;
        }
        match read(f) {
            Ok(t) => v.push((f.clone(), t)),
            Err(reason) => {
                if name == "cat" {
                    err.push_str(&format!("cat: can't open '{f}': {reason}\n"));
                } else {
                    err.push_str(&format!("{name}: {f}: {reason}\n"));
                }
            }
        }
    }
    v
}

fn lines_of(text: &str) -> Vec<&str> {
    let t = text.strip_suffix('\n').unwrap_or(text);
    if text.is_empty() {
        Vec::new()
    } else {
        t.split('\n').collect()
    }
}

// ---------------------------------------------------------------- echo / printf / test

/// busybox/bash `echo`: options -n, -e, -E (combinable); escapes only with -e.
pub fn echo(args: &[String]) -> String {
    let mut newline = true;
    let mut escapes = false;
    let mut i = 0;
    while let Some(a) = args.get(i) {
        if a.len() >= 2 && a.starts_with('-') && a[1..].chars().all(|c| "neE".contains(c)) {
            for c in a[1..].chars() {
                match c {
                    'n' => newline = false,
                    'e' => escapes = true,
                    _ => escapes = false,
                }
            }
            i += 1;
        } else {
            break;
        }
    }
    let mut out = String::new();
    for (k, a) in args[i..].iter().enumerate() {
        if k > 0 {
            out.push(' ');
        }
        if escapes {
            let (s, stop) = unescape(a, true);
            out.push_str(&s);
            if stop {
                return out;
            }
        } else {
            out.push_str(a);
        }
    }
    if newline {
        out.push('\n');
    }
    out
}

/// Backslash escapes of echo -e / printf; returns (text, saw `\c`).
fn unescape(s: &str, echo_octal: bool) -> (String, bool) {
    let c: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < c.len() {
        if c[i] != '\\' || i + 1 >= c.len() {
            out.push(c[i]);
            i += 1;
            continue;
        }
        i += 1;
        match c[i] {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'a' => out.push('\x07'),
            'b' => out.push('\x08'),
            'f' => out.push('\x0c'),
            'v' => out.push('\x0b'),
            'e' => out.push('\x1b'),
            '\\' => out.push('\\'),
            'c' => return (out, true),
            'x' => {
                let mut v = 0u32;
                let mut n = 0;
                while n < 2 && i + 1 < c.len() && c[i + 1].is_ascii_hexdigit() {
                    i += 1;
                    v = v * 16 + c[i].to_digit(16).unwrap_or(0);
                    n += 1;
                }
                if n == 0 {
                    out.push_str("\\x");
                } else {
                    out.push(char::from_u32(v).unwrap_or('?'));
                }
            }
            d if d.is_digit(8) || (echo_octal && d == '0') => {
                let mut v = 0u32;
                let mut n = 0;
                let max = if d == '0' && echo_octal { 4 } else { 3 };
                i -= 1;
                while n < max && i + 1 < c.len() && c[i + 1].is_digit(8) {
                    i += 1;
                    v = v * 8 + c[i].to_digit(8).unwrap_or(0);
                    n += 1;
                }
                out.push(char::from_u32(v & 0xff).unwrap_or('?'));
            }
            other => {
                out.push('\\');
                out.push(other);
            }
        }
        i += 1;
    }
    (out, false)
}

/// A piece of printf output: text, or an argument that is not a valid number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrintfChunk {
    Text(String),
    BadNumber(String),
}

/// busybox printf: %s %b %c %d %i %u %x %X %o %f %e %g %%, flags `-+ 0#`, width,
/// precision; the format is reused while arguments remain.
pub fn printf(format: &str, args: &[String]) -> Vec<PrintfChunk> {
    let mut chunks = Vec::new();
    let mut text = String::new();
    let f: Vec<char> = format.chars().collect();
    let mut ai = 0;
    let mut rounds = 0;
    loop {
        rounds += 1;
        let mut used_arg = false;
        let mut i = 0;
        while i < f.len() {
            let ch = f[i];
            if ch == '\\' {
                let mut j = i + 1;
                while j < f.len() && j < i + 4 && (j == i + 1 || f[j].is_digit(8)) {
                    if j == i + 1 && !f[j].is_digit(8) && f[j] != 'x' {
                        j += 1;
                        break;
                    }
                    j += 1;
                }
                if j == i + 1 {
                    j += 1;
                }
                let j = j.min(f.len());
                let esc: String = f[i..j].iter().collect();
                let (s, stop) = unescape(&esc, false);
                text.push_str(&s);
                if stop {
                    chunks.push(PrintfChunk::Text(text));
                    return chunks;
                }
                i = j;
                continue;
            }
            if ch != '%' {
                text.push(ch);
                i += 1;
                continue;
            }
            if f.get(i + 1) == Some(&'%') {
                text.push('%');
                i += 2;
                continue;
            }
            // %[flags][width][.prec]conv
            let mut j = i + 1;
            let mut flags = String::new();
            while j < f.len() && "-+ 0#".contains(f[j]) {
                flags.push(f[j]);
                j += 1;
            }
            let mut width = String::new();
            while j < f.len() && (f[j].is_ascii_digit() || f[j] == '*') {
                width.push(f[j]);
                j += 1;
            }
            let mut prec: Option<String> = None;
            if j < f.len() && f[j] == '.' {
                j += 1;
                let mut p = String::new();
                while j < f.len() && (f[j].is_ascii_digit() || f[j] == '*') {
                    p.push(f[j]);
                    j += 1;
                }
                prec = Some(p);
            }
            while j < f.len() && "lhLqjzt".contains(f[j]) {
                j += 1;
            }
            let Some(&conv) = f.get(j) else {
                text.extend(&f[i..]);
                break;
            };
            i = j + 1;
            let mut next_arg = |used: &mut bool| -> Option<String> {
                *used = true;
                let a = args.get(ai).cloned();
                if a.is_some() {
                    ai += 1;
                }
                a
            };
            let w: usize = if width == "*" {
                next_arg(&mut used_arg)
                    .and_then(|a| a.parse().ok())
                    .unwrap_or(0)
            } else {
                width.parse().unwrap_or(0)
            }
            .min(10_000);
            let p: Option<usize> = match prec.as_deref() {
                Some("*") => next_arg(&mut used_arg).and_then(|a| a.parse().ok()),
                Some(p) => Some(p.parse().unwrap_or(0)),
                None => None,
            }
            .map(|p: usize| p.min(10_000));
            let left = flags.contains('-');
            let zero = flags.contains('0') && !left;
            let arg = next_arg(&mut used_arg);
            let body = match conv {
                's' | 'b' => {
                    let mut s = arg.unwrap_or_default();
                    if conv == 'b' {
                        let (u, stop) = unescape(&s, true);
                        s = u;
                        if stop {
                            text.push_str(&s);
                            chunks.push(PrintfChunk::Text(text));
                            return chunks;
                        }
                    }
                    if let Some(p) = p {
                        s = s.chars().take(p).collect();
                    }
                    pad(&s, w, left, false)
                }
                'c' => pad(
                    &arg.unwrap_or_default().chars().take(1).collect::<String>(),
                    w,
                    left,
                    false,
                ),
                'd' | 'i' | 'u' | 'x' | 'X' | 'o' => {
                    let a = arg.unwrap_or_default();
                    let v = match parse_num(&a) {
                        Some(v) => v,
                        None => {
                            if !text.is_empty() {
                                chunks.push(PrintfChunk::Text(std::mem::take(&mut text)));
                            }
                            chunks.push(PrintfChunk::BadNumber(a.clone()));
                            0
                        }
                    };
                    let mut digits = match conv {
                        'x' => format!("{:x}", v.unsigned_abs()),
                        'X' => format!("{:X}", v.unsigned_abs()),
                        'o' => format!("{:o}", v.unsigned_abs()),
                        _ => v.unsigned_abs().to_string(),
                    };
                    if let Some(p) = p {
                        while digits.len() < p {
                            digits.insert(0, '0');
                        }
                    }
                    let sign = if v < 0 && "di".contains(conv) {
                        "-"
                    } else if flags.contains('+') && "di".contains(conv) {
                        "+"
                    } else if flags.contains(' ') && "di".contains(conv) {
                        " "
                    } else {
                        ""
                    };
                    let digits = if v < 0 && !"di".contains(conv) {
                        match conv {
                            'x' => format!("{:x}", v as u64),
                            'X' => format!("{:X}", v as u64),
                            'o' => format!("{:o}", v as u64),
                            _ => (v as u64).to_string(),
                        }
                    } else {
                        digits
                    };
                    pad_num(sign, &digits, w, left, zero && p.is_none())
                }
                'f' | 'e' | 'g' | 'E' | 'G' | 'F' => {
                    let a = arg.unwrap_or_default();
                    let v: f64 = if a.is_empty() {
                        0.0
                    } else {
                        match a.trim().parse() {
                            Ok(v) => v,
                            Err(_) => {
                                if !text.is_empty() {
                                    chunks.push(PrintfChunk::Text(std::mem::take(&mut text)));
                                }
                                chunks.push(PrintfChunk::BadNumber(a.clone()));
                                0.0
                            }
                        }
                    };
                    let p = p.unwrap_or(6);
                    let s = match conv {
                        'e' | 'E' => {
                            let s = format!("{:.*e}", p, v.abs());
                            // Rust prints 1.5e0; C prints 1.5e+00
                            let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
                            let e: i32 = e.parse().unwrap_or(0);
                            let s = format!("{m}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs());
                            if conv == 'E' {
                                s.to_uppercase()
                            } else {
                                s
                            }
                        }
                        'g' | 'G' => {
                            let s = format!("{}", v.abs());
                            s
                        }
                        _ => format!("{:.*}", p, v.abs()),
                    };
                    let sign = if v < 0.0 {
                        "-"
                    } else if flags.contains('+') {
                        "+"
                    } else {
                        ""
                    };
                    pad_num(sign, &s, w, left, zero)
                }
                other => {
                    // unknown conversion: busybox prints an error and stops
                    chunks.push(PrintfChunk::Text(std::mem::take(&mut text)));
                    chunks.push(PrintfChunk::Text(String::new()));
                    let _ = other;
                    return chunks;
                }
            };
            text.push_str(&body);
            if text.len() > MAX_TOOL_OUTPUT {
                chunks.push(PrintfChunk::Text(text));
                return chunks;
            }
        }
        if !used_arg || ai >= args.len() || rounds > 100_000 {
            break;
        }
    }
    if !text.is_empty() {
        chunks.push(PrintfChunk::Text(text));
    }
    chunks
}

fn pad(s: &str, w: usize, left: bool, _zero: bool) -> String {
    let n = s.chars().count();
    if n >= w {
        return s.to_string();
    }
    let fill = " ".repeat(w - n);
    if left {
        format!("{s}{fill}")
    } else {
        format!("{fill}{s}")
    }
}

fn pad_num(sign: &str, digits: &str, w: usize, left: bool, zero: bool) -> String {
    let n = sign.len() + digits.len();
    if n >= w {
        return format!("{sign}{digits}");
    }
    if left {
        format!("{sign}{digits}{}", " ".repeat(w - n))
    } else if zero {
        format!("{sign}{}{digits}", "0".repeat(w - n))
    } else {
        format!("{}{sign}{digits}", " ".repeat(w - n))
    }
}

/// A printf integer argument: decimal, 0x hex, 0 octal, or 'c (character code).
fn parse_num(a: &str) -> Option<i64> {
    if let Some(rest) = a.strip_prefix('\'').or_else(|| a.strip_prefix('"')) {
        return Some(rest.chars().next().map(|c| c as i64).unwrap_or(0));
    }
    let t = a.trim_start();
    let (neg, t) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    if t.is_empty() {
        return None;
    }
    let v = if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        u64::from_str_radix(h, 16).ok()? as i64
    } else if t.len() > 1 && t.starts_with('0') {
        u64::from_str_radix(&t[1..], 8).ok()? as i64
    } else {
        t.parse::<u64>().ok()? as i64
    };
    Some(if neg { v.wrapping_neg() } else { v })
}

/// Why `test` failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TestError {
    /// `[` without `]`.
    MissingBracket,
    /// An integer operand that is not a number.
    BadNumber(String),
    /// Anything else; the offending word.
    Syntax(String),
}

/// `test` / `[`: -z -n -e -f -d (no files: false), = == != < >, -eq -ne -lt -le -gt -ge,
/// ! -a -o and parentheses.
pub fn test(args: &[String], bracket: bool) -> Result<bool, TestError> {
    let args: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
    let args = if bracket {
        match args.split_last() {
            Some((&"]", rest)) => rest.to_vec(),
            _ => return Err(TestError::MissingBracket),
        }
    } else {
        args
    };
    if args.is_empty() {
        return Ok(false);
    }
    let mut p = TestParser {
        a: &args,
        pos: 0,
        depth: 0,
    };
    let v = p.or()?;
    if p.pos < args.len() {
        return Err(TestError::Syntax(args[p.pos].to_string()));
    }
    Ok(v)
}

struct TestParser<'a> {
    a: &'a [&'a str],
    pos: usize,
    depth: usize,
}

fn test_int(s: &str) -> Result<i64, TestError> {
    s.trim()
        .parse::<i64>()
        .map_err(|_| TestError::BadNumber(s.to_string()))
}

impl TestParser<'_> {
    fn or(&mut self) -> Result<bool, TestError> {
        let mut v = self.and()?;
        while self.a.get(self.pos) == Some(&"-o") {
            self.pos += 1;
            let r = self.and()?;
            v = v || r;
        }
        Ok(v)
    }

    fn and(&mut self) -> Result<bool, TestError> {
        let mut v = self.not()?;
        while self.a.get(self.pos) == Some(&"-a") {
            self.pos += 1;
            let r = self.not()?;
            v = v && r;
        }
        Ok(v)
    }

    fn not(&mut self) -> Result<bool, TestError> {
        self.depth += 1;
        if self.depth > 64 {
            return Err(TestError::Syntax("(".to_string()));
        }
        let r = if self.a.get(self.pos) == Some(&"!") && self.pos + 1 < self.a.len() {
            self.pos += 1;
            self.not().map(|v| !v)
        } else {
            self.primary()
        };
        self.depth -= 1;
        r
    }

    fn primary(&mut self) -> Result<bool, TestError> {
        let a = self.a;
        let Some(&first) = a.get(self.pos) else {
            return Err(TestError::Syntax(String::new()));
        };
        // binary operator?
        if let (Some(&op), Some(&rhs)) = (a.get(self.pos + 1), a.get(self.pos + 2)) {
            let r = match op {
                "=" | "==" => Some(Ok(first == rhs)),
                "!=" => Some(Ok(first != rhs)),
                "<" => Some(Ok(first < rhs)),
                ">" => Some(Ok(first > rhs)),
                "-eq" | "-ne" | "-lt" | "-le" | "-gt" | "-ge" => {
                    let x = test_int(first)?;
                    let y = test_int(rhs)?;
                    Some(Ok(match op {
                        "-eq" => x == y,
                        "-ne" => x != y,
                        "-lt" => x < y,
                        "-le" => x <= y,
                        "-gt" => x > y,
                        _ => x >= y,
                    }))
                }
                _ => None,
            };
            if let Some(r) = r {
                self.pos += 3;
                return r;
            }
        }
        if first == "(" {
            self.pos += 1;
            let v = self.or()?;
            if a.get(self.pos) != Some(&")") {
                return Err(TestError::Syntax(
                    a.get(self.pos).unwrap_or(&")").to_string(),
                ));
            }
            self.pos += 1;
            return Ok(v);
        }
        if first.len() == 2 && first.starts_with('-') && a.get(self.pos + 1).is_some() {
            let arg = a[self.pos + 1];
            let r = match first {
                "-z" => Some(arg.is_empty()),
                "-n" => Some(!arg.is_empty()),
                "-e" | "-f" | "-d" | "-r" | "-w" | "-x" | "-s" | "-L" | "-h" | "-p" | "-S"
                | "-b" | "-c" => Some(false),
                "-t" => Some(false),
                _ => None,
            };
            if let Some(r) = r {
                self.pos += 2;
                return Ok(r);
            }
        }
        self.pos += 1;
        Ok(!first.is_empty())
    }
}

// ---------------------------------------------------------------- seq

fn seq(args: &[String]) -> ToolResult {
    let mut sep = "\n".to_string();
    let mut wide = false;
    let mut nums: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        i += 1;
        if nums.is_empty() && a.starts_with('-') && a.len() > 1 {
            // negative numbers are operands
            if a[1..].starts_with(|c: char| c.is_ascii_digit() || c == '.') {
                nums.push(a);
                continue;
            }
            let mut chars = a[1..].chars();
            while let Some(c) = chars.next() {
                match c {
                    'w' => wide = true,
                    's' => {
                        let rest: String = chars.collect();
                        if rest.is_empty() {
                            match args.get(i) {
                                Some(s) => {
                                    sep = s.clone();
                                    i += 1;
                                }
                                None => return needs_arg("seq", 's'),
                            }
                        } else {
                            sep = rest;
                        }
                        break;
                    }
                    c => return bad_option("seq", c),
                }
            }
            continue;
        }
        nums.push(a);
    }
    if nums.is_empty() || nums.len() > 3 {
        return usage("seq");
    }
    let mut vals = Vec::new();
    let mut prec = 0usize;
    for (k, n) in nums.iter().enumerate() {
        let v: f64 = match n.trim().parse() {
            Ok(v) => v,
            Err(_) => return fail(format!("seq: invalid number '{n}'")),
        };
        if !v.is_finite() {
            return fail(format!("seq: invalid number '{n}'"));
        }
        // precision comes from FIRST and INC
        if k + 1 < nums.len() || nums.len() == 1 {
            if let Some(d) = n.find('.') {
                prec = prec.max(n.len() - d - 1);
            }
        }
        vals.push(v);
    }
    let (first, inc, last) = match vals.as_slice() {
        [l] => (1.0, 1.0, *l),
        [f, l] => (*f, 1.0, *l),
        [f, i, l] => (*f, *i, *l),
        _ => return usage("seq"),
    };
    if nums.len() == 1 {
        prec = 0;
    }
    if inc == 0.0 {
        // busybox loops forever; we print nothing more than the cap
    }
    let width = if wide {
        let a = format!("{:.*}", prec, first).len();
        let b = format!("{:.*}", prec, last).len();
        a.max(b)
    } else {
        0
    };
    let mut out = String::new();
    let mut n: u64 = 0;
    let mut v = first;
    let mut err = String::new();
    while if inc >= 0.0 { v <= last } else { v >= last } {
        if n >= MAX_SEQ {
            err = format!("seq: output truncated after {MAX_SEQ} numbers\n");
            break;
        }
        if n > 0 {
            out.push_str(&sep);
        }
        let s = format!("{:.*}", prec, v);
        if wide && s.len() < width {
            if let Some(rest) = s.strip_prefix('-') {
                out.push('-');
                out.push_str(&"0".repeat(width - s.len()));
                out.push_str(rest);
            } else {
                out.push_str(&"0".repeat(width - s.len()));
                out.push_str(&s);
            }
        } else {
            out.push_str(&s);
        }
        n += 1;
        v = first + n as f64 * inc;
    }
    if n > 0 {
        out.push('\n');
    }
    let st = if err.is_empty() { 0 } else { 1 };
    (out, err, st)
}

// ---------------------------------------------------------------- sort / uniq

#[derive(Clone, Debug, Default)]
struct KeySpec {
    start_field: usize,
    start_char: usize,
    end_field: usize, // 0 = end of line
    end_char: usize,
    numeric: bool,
    reverse: bool,
    fold: bool,
    blanks: bool,
}

fn parse_key(s: &str) -> Option<KeySpec> {
    let mut k = KeySpec::default();
    let (start, end) = match s.split_once(',') {
        Some((a, b)) => (a, Some(b)),
        None => (s, None),
    };
    let parse_pos = |p: &str, k: &mut KeySpec| -> Option<(usize, usize)> {
        let digits_end = p
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(p.len());
        let (pos, opts) = p.split_at(digits_end);
        for c in opts.chars() {
            match c {
                'n' => k.numeric = true,
                'r' => k.reverse = true,
                'f' => k.fold = true,
                'b' => k.blanks = true,
                'g' | 'M' | 'd' | 'i' | 'h' | 'V' => {}
                _ => return None,
            }
        }
        let (f, c) = match pos.split_once('.') {
            Some((f, c)) => (f.parse().ok()?, c.parse().ok()?),
            None => (pos.parse().ok()?, 0),
        };
        Some((f, c))
    };
    let (f, c) = parse_pos(start, &mut k)?;
    if f == 0 {
        return None;
    }
    k.start_field = f;
    k.start_char = c;
    if let Some(e) = end {
        let (f, c) = parse_pos(e, &mut k)?;
        k.end_field = f;
        k.end_char = c;
    }
    Some(k)
}

/// The fields of a line: with a separator, split on it; otherwise each field is
/// its leading blanks plus the non-blank run (POSIX sort).
fn key_text<'a>(line: &'a str, k: &KeySpec, sep: Option<char>) -> &'a str {
    let bounds: Vec<(usize, usize)> = match sep {
        Some(s) => {
            let mut v = Vec::new();
            let mut start = 0;
            for (i, c) in line.char_indices() {
                if c == s {
                    v.push((start, i));
                    start = i + c.len_utf8();
                }
            }
            v.push((start, line.len()));
            v
        }
        None => {
            let mut v = Vec::new();
            let b = line.as_bytes();
            let mut i = 0;
            while i < b.len() {
                let st = i;
                while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
                    i += 1;
                }
                while i < b.len() && b[i] != b' ' && b[i] != b'\t' {
                    i += 1;
                }
                v.push((st, i));
            }
            v
        }
    };
    let Some(&(fs, fe)) = bounds.get(k.start_field - 1) else {
        return "";
    };
    let mut start = fs;
    let field = &line[fs..fe];
    let skip_blank = if k.blanks || sep.is_none() && k.start_char > 0 {
        field.len() - field.trim_start().len()
    } else {
        0
    };
    if k.start_char > 0 {
        start = (fs + skip_blank + k.start_char - 1).min(fe);
    }
    let end = if k.end_field == 0 {
        line.len()
    } else {
        match bounds.get(k.end_field - 1) {
            Some(&(es, ee)) => {
                if k.end_char > 0 {
                    (es + k.end_char).min(ee)
                } else {
                    ee
                }
            }
            None => line.len(),
        }
    };
    let start = floor_boundary(line, start);
    let end = floor_boundary(line, end.max(start));
    &line[start..end]
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Leading number of a string as sort -n reads it (blanks, sign, digits, decimal point).
fn numeric_prefix(s: &str) -> f64 {
    let t = s.trim_start();
    let mut end = 0;
    let b = t.as_bytes();
    if end < b.len() && (b[end] == b'-' || b[end] == b'+') {
        end += 1;
    }
    while end < b.len() && b[end].is_ascii_digit() {
        end += 1;
    }
    if end < b.len() && b[end] == b'.' {
        end += 1;
        while end < b.len() && b[end].is_ascii_digit() {
            end += 1;
        }
    }
    t[..end].parse().unwrap_or(0.0)
}

fn sort(
    args: &[String],
    stdin: &str,
    read: &mut dyn FnMut(&str) -> Result<String, String>,
) -> ToolResult {
    let o = match getopt("sort", args, "nrufbsgMcdizVhR", "ktoT", false) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let mut err = String::new();
    let mut keys = Vec::new();
    for k in o.all('k') {
        match parse_key(k) {
            Some(k) => keys.push(k),
            None => return fail(format!("sort: bad field specification '{k}'")),
        }
    }
    let sep = match o.last('t') {
        Some(t) => {
            let mut c = t.chars();
            match (c.next(), c.next()) {
                (Some(ch), None) => Some(ch),
                _ => return fail("sort: bad -t parameter".to_string()),
            }
        }
        None => None,
    };
    let numeric = o.has('n') || o.has('g') || o.has('h');
    let reverse = o.has('r');
    let fold = o.has('f');
    let unique = o.has('u');
    let stable = o.has('s');
    let mut lines: Vec<String> = Vec::new();
    for (_, text) in inputs("sort", &o.operands, stdin, read, &mut err) {
        lines.extend(lines_of(&text).into_iter().map(|s| s.to_string()));
    }
    let cmp_key = |a: &str, b: &str, numeric: bool, fold: bool| -> std::cmp::Ordering {
        if numeric {
            numeric_prefix(a)
                .partial_cmp(&numeric_prefix(b))
                .unwrap_or(std::cmp::Ordering::Equal)
        } else if fold {
            a.to_uppercase().cmp(&b.to_uppercase())
        } else {
            a.cmp(b)
        }
    };
    let compare = |a: &String, b: &String| -> std::cmp::Ordering {
        let mut ord = std::cmp::Ordering::Equal;
        if keys.is_empty() {
            ord = cmp_key(a, b, numeric, fold);
        } else {
            for k in &keys {
                let ka = key_text(a, k, sep);
                let kb = key_text(b, k, sep);
                let (ka, kb) = if k.blanks {
                    (ka.trim_start(), kb.trim_start())
                } else {
                    (ka, kb)
                };
                let mut o2 = cmp_key(ka, kb, numeric || k.numeric, fold || k.fold);
                if k.reverse {
                    o2 = o2.reverse();
                }
                if o2 != std::cmp::Ordering::Equal {
                    ord = o2;
                    break;
                }
            }
        }
        if ord == std::cmp::Ordering::Equal && !stable && !unique {
            ord = a.cmp(b);
        }
        if reverse {
            ord.reverse()
        } else {
            ord
        }
    };
    crate::sort::sort_by(&mut lines, compare);
    if unique {
        lines.dedup_by(|b, a| compare(a, b) == std::cmp::Ordering::Equal);
    }
    let mut out = String::new();
    for l in &lines {
        out.push_str(l);
        out.push('\n');
    }
    let st = if err.is_empty() { 0 } else { 2 };
    (out, err, st)
}

fn uniq(
    args: &[String],
    stdin: &str,
    read: &mut dyn FnMut(&str) -> Result<String, String>,
) -> ToolResult {
    let o = match getopt("uniq", args, "cduiz", "fsw", false) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let skip_fields: usize = o.last('f').and_then(|v| v.parse().ok()).unwrap_or(0);
    let skip_chars: usize = o.last('s').and_then(|v| v.parse().ok()).unwrap_or(0);
    let max_chars: Option<usize> = o.last('w').and_then(|v| v.parse().ok());
    let ignore_case = o.has('i');
    let mut err = String::new();
    let ins = inputs(
        "uniq",
        &o.operands[..o.operands.len().min(1)],
        stdin,
        read,
        &mut err,
    );
    if !err.is_empty() {
        return (String::new(), err, 1);
    }
    let text = ins.into_iter().next().map(|(_, t)| t).unwrap_or_default();
    let key = |l: &str| -> String {
        let mut s = l;
        for _ in 0..skip_fields {
            s = s.trim_start_matches([' ', '\t']);
            s = s.trim_start_matches(|c| c != ' ' && c != '\t');
        }
        let s: String = s.chars().skip(skip_chars).collect();
        let s: String = match max_chars {
            Some(w) => s.chars().take(w).collect(),
            None => s,
        };
        if ignore_case {
            s.to_lowercase()
        } else {
            s
        }
    };
    let mut groups: Vec<(usize, &str)> = Vec::new();
    let mut last_key: Option<String> = None;
    for l in lines_of(&text) {
        let k = key(l);
        match (&last_key, groups.last_mut()) {
            (Some(lk), Some(g)) if *lk == k => g.0 += 1,
            _ => {
                groups.push((1, l));
                last_key = Some(k);
            }
        }
    }
    let mut out = String::new();
    for (n, l) in groups {
        if (o.has('d') && n < 2) || (o.has('u') && n > 1) {
            continue;
        }
        if o.has('c') {
            out.push_str(&format!("{n:7} {l}\n"));
        } else {
            out.push_str(l);
            out.push('\n');
        }
    }
    (out, String::new(), 0)
}

// ---------------------------------------------------------------- wc / head / tail / cat

fn wc(
    args: &[String],
    stdin: &str,
    read: &mut dyn FnMut(&str) -> Result<String, String>,
) -> ToolResult {
    let o = match getopt("wc", args, "cmlwL", "", false) {
        Ok(o) => o,
        Err(e) => return e,
    };
    // order of columns: lines, words, chars/bytes, max line length
    let mut which = [o.has('l'), o.has('w'), o.has('c') || o.has('m'), o.has('L')];
    if !which.iter().any(|b| *b) {
        which = [true, true, true, false];
    }
    let nopts = which.iter().filter(|b| **b).count();
    let mut err = String::new();
    let ins = inputs("wc", &o.operands, stdin, read, &mut err);
    let mut out = String::new();
    let mut total = [0usize; 4];
    let from_stdin = o.operands.is_empty();
    let single = nopts == 1 && (from_stdin || o.operands.len() == 1);
    let nfiles = ins.len();
    let print = |counts: [usize; 4], name: Option<&str>, out: &mut String| {
        let mut first = true;
        for i in 0..4 {
            if which[i] {
                if single {
                    out.push_str(&counts[i].to_string());
                } else if first {
                    out.push_str(&format!("{:9}", counts[i]));
                } else {
                    out.push_str(&format!(" {:9}", counts[i]));
                }
                first = false;
            }
        }
        if let Some(n) = name {
            out.push(' ');
            out.push_str(n);
        }
        out.push('\n');
    };
    for (name, text) in &ins {
        let c = [
            text.matches('\n').count(),
            text.split_whitespace().count(),
            if o.has('m') {
                text.chars().count()
            } else {
                text.len()
            },
            text.split('\n')
                .map(|l| l.chars().count())
                .max()
                .unwrap_or(0),
        ];
        for i in 0..3 {
            total[i] += c[i];
        }
        total[3] = total[3].max(c[3]);
        print(c, if from_stdin { None } else { Some(name) }, &mut out);
    }
    if nfiles > 1 {
        print(total, Some("total"), &mut out);
    }
    let st = if err.is_empty() { 0 } else { 1 };
    (out, err, st)
}

fn head_tail(
    head: bool,
    args: &[String],
    stdin: &str,
    read: &mut dyn FnMut(&str) -> Result<String, String>,
) -> ToolResult {
    let name = if head { "head" } else { "tail" };
    let o = match getopt(name, args, "qvfF", "nc", true) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let mut err = String::new();
    // count: (from_start for tail "+N", n); head "-N" means all but last N
    let (spec, bytes) = match (o.last('n'), o.last('c')) {
        (_, Some(c))
            if o.flags
                .iter()
                .rev()
                .find(|(f, _)| *f == 'n' || *f == 'c')
                .map(|f| f.0)
                == Some('c') =>
        {
            (c, true)
        }
        (Some(n), _) => (n, false),
        _ => ("10", false),
    };
    let (plus, minus, num) = {
        let (plus, rest) = match spec.strip_prefix('+') {
            Some(r) => (true, r),
            None => (false, spec),
        };
        let (minus, rest) = match rest.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, rest),
        };
        match parse_suffixed(rest) {
            Some(n) => (plus, minus, n),
            None => return fail(format!("{name}: invalid number '{spec}'")),
        }
    };
    let ins = inputs(name, &o.operands, stdin, read, &mut err);
    let multi = ins.len() > 1 && !o.has('q') || o.has('v');
    let mut out = String::new();
    for (k, (fname, text)) in ins.iter().enumerate() {
        if multi {
            if k > 0 {
                out.push('\n');
            }
            let label = if fname == "-" {
                "standard input"
            } else {
                fname
            };
            out.push_str(&format!("==> {label} <==\n"));
        }
        if bytes {
            let b = text.as_bytes();
            let n = num.min(b.len());
            let slice = if head {
                if minus {
                    &b[..b.len() - n]
                } else {
                    &b[..n]
                }
            } else if plus {
                &b[num.saturating_sub(1).min(b.len())..]
            } else {
                &b[b.len() - n..]
            };
            out.push_str(&String::from_utf8_lossy(slice));
            continue;
        }
        // keep line terminators
        let ls: Vec<&str> = text.split_inclusive('\n').collect();
        let n = num.min(ls.len());
        let sel: &[&str] = if head {
            if minus {
                &ls[..ls.len() - n]
            } else {
                &ls[..n]
            }
        } else if plus {
            &ls[num.saturating_sub(1).min(ls.len())..]
        } else {
            &ls[ls.len() - n..]
        };
        for l in sel {
            out.push_str(l);
        }
    }
    let st = if err.is_empty() { 0 } else { 1 };
    (out, err, st)
}

fn parse_suffixed(s: &str) -> Option<usize> {
    let (num, mult) = if let Some(n) = s.strip_suffix("kB") {
        (n, 1000)
    } else if let Some(n) = s.strip_suffix('k') {
        (n, 1024)
    } else if let Some(n) = s.strip_suffix('b') {
        (n, 512)
    } else if let Some(n) = s.strip_suffix('m') {
        (n, 1024 * 1024)
    } else {
        (s, 1)
    };
    num.parse::<usize>().ok().map(|n| n.saturating_mul(mult))
}

fn cat(
    args: &[String],
    stdin: &str,
    read: &mut dyn FnMut(&str) -> Result<String, String>,
) -> ToolResult {
    let o = match getopt("cat", args, "nbvteAu", "", false) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let mut err = String::new();
    let mut out = String::new();
    let mut lineno = 0;
    for (_, text) in inputs("cat", &o.operands, stdin, read, &mut err) {
        if o.has('n') || o.has('b') {
            for l in text.split_inclusive('\n') {
                if o.has('b') && (l == "\n") {
                    out.push_str(l);
                    continue;
                }
                lineno += 1;
                out.push_str(&format!("{lineno:6}\t{l}"));
            }
        } else {
            out.push_str(&text);
        }
    }
    let st = if err.is_empty() { 0 } else { 1 };
    (out, err, st)
}

fn base64(
    args: &[String],
    stdin: &str,
    read: &mut dyn FnMut(&str) -> Result<String, String>,
) -> ToolResult {
    use base64::Engine;
    let o = match getopt("base64", args, "d", "w", false) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let mut err = String::new();
    let ins = inputs(
        "base64",
        &o.operands[..o.operands.len().min(1)],
        stdin,
        read,
        &mut err,
    );
    if !err.is_empty() {
        return (String::new(), err, 1);
    }
    let text = ins.into_iter().next().map(|(_, t)| t).unwrap_or_default();
    let engine = base64::engine::general_purpose::STANDARD;
    if o.has('d') {
        let clean: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        match engine.decode(clean.as_bytes()) {
            Ok(b) => (String::from_utf8_lossy(&b).into_owned(), String::new(), 0),
            Err(_) => (String::new(), "base64: invalid input\n".to_string(), 1),
        }
    } else {
        let wrap: usize = o.last('w').and_then(|w| w.parse().ok()).unwrap_or(76);
        let enc = engine.encode(text.as_bytes());
        let mut out = String::new();
        if wrap == 0 {
            out.push_str(&enc);
        } else {
            let b = enc.as_bytes();
            for chunk in b.chunks(wrap) {
                out.push_str(&String::from_utf8_lossy(chunk));
                out.push('\n');
            }
            if b.is_empty() {
                return (String::new(), String::new(), 0);
            }
            return (out, String::new(), 0);
        }
        out.push('\n');
        (out, String::new(), 0)
    }
}

// ---------------------------------------------------------------- cut / tr

/// A cut list: ranges (1-based, inclusive; end None = to the end).
fn parse_list(s: &str) -> Result<Vec<(usize, Option<usize>)>, String> {
    let mut v = Vec::new();
    for part in s.split(',') {
        let bad = || format!("cut: invalid number '{part}'");
        let (a, b) = match part.split_once('-') {
            Some((a, b)) => (a, Some(b)),
            None => (part, None),
        };
        let start = if a.is_empty() {
            1
        } else {
            a.parse::<usize>().map_err(|_| bad())?
        };
        let end = match b {
            None => Some(start),
            Some("") => None,
            Some(b) => Some(b.parse::<usize>().map_err(|_| bad())?),
        };
        if start == 0 {
            return Err("cut: fields and positions are numbered from 1".to_string());
        }
        v.push((start, end));
    }
    Ok(v)
}

fn in_list(list: &[(usize, Option<usize>)], i: usize) -> bool {
    list.iter()
        .any(|(s, e)| i >= *s && e.map(|e| i <= e).unwrap_or(true))
}

fn cut(
    args: &[String],
    stdin: &str,
    read: &mut dyn FnMut(&str) -> Result<String, String>,
) -> ToolResult {
    let o = match getopt("cut", args, "snz", "bcfdO", false) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let mode = o
        .flags
        .iter()
        .rev()
        .find(|(f, _)| "bcf".contains(*f))
        .map(|(f, a)| (*f, a.clone().unwrap_or_default()));
    let Some((mode, list)) = mode else {
        return fail("cut: expected a list of bytes, characters, or fields".to_string());
    };
    let list = match parse_list(&list) {
        Ok(l) => l,
        Err(e) => return fail(e),
    };
    let delim = o.last('d').unwrap_or("\t");
    let mut dc = delim.chars();
    let delim = match (dc.next(), dc.next()) {
        (Some(c), None) => c,
        (None, _) => '\0',
        _ => return fail("cut: the delimiter must be a single character".to_string()),
    };
    let mut err = String::new();
    let mut out = String::new();
    for (_, text) in inputs("cut", &o.operands, stdin, read, &mut err) {
        for line in lines_of(&text) {
            if mode == 'f' {
                if !line.contains(delim) {
                    if !o.has('s') {
                        out.push_str(line);
                        out.push('\n');
                    }
                    continue;
                }
                let sel: Vec<&str> = line
                    .split(delim)
                    .enumerate()
                    .filter(|(i, _)| in_list(&list, i + 1))
                    .map(|(_, f)| f)
                    .collect();
                out.push_str(&sel.join(&delim.to_string()));
            } else {
                let s: String = line
                    .chars()
                    .enumerate()
                    .filter(|(i, _)| in_list(&list, i + 1))
                    .map(|(_, c)| c)
                    .collect();
                out.push_str(&s);
            }
            out.push('\n');
        }
    }
    let st = if err.is_empty() { 0 } else { 1 };
    (out, err, st)
}

/// Expands a tr set: ranges a-z, escapes, [:classes:].
fn tr_set(s: &str) -> Vec<char> {
    let (s, _) = unescape(s, false);
    let c: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        if c[i] == '[' && c.get(i + 1) == Some(&':') {
            let rest: String = c[i..].iter().collect();
            if let Some(end) = rest.find(":]") {
                let class = &rest[2..end];
                let f = class_fn(class);
                if let Some(f) = f {
                    for b in 0u8..128 {
                        if f(b as char) {
                            out.push(b as char);
                        }
                    }
                    i += rest[..end + 2].chars().count();
                    continue;
                }
            }
        }
        if i + 2 < c.len() && c[i + 1] == '-' {
            let (a, b) = (c[i] as u32, c[i + 2] as u32);
            if a <= b && b - a < 65536 {
                for x in a..=b {
                    if let Some(ch) = char::from_u32(x) {
                        out.push(ch);
                    }
                }
            }
            i += 3;
            continue;
        }
        out.push(c[i]);
        i += 1;
    }
    out
}

fn tr(args: &[String], stdin: &str) -> ToolResult {
    let o = match getopt("tr", args, "cdsCt", "", false) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let complement = o.has('c') || o.has('C');
    let delete = o.has('d');
    let squeeze = o.has('s');
    let Some(s1) = o.operands.first() else {
        return usage("tr");
    };
    let set1: BTreeSet<char> = crate::sort::collect_set(tr_set(s1));
    let list1 = tr_set(s1);
    let set2 = o.operands.get(1).map(|s| tr_set(s)).unwrap_or_default();
    if !delete && !squeeze && o.operands.len() < 2 {
        return usage("tr");
    }
    let in1 = |c: char| set1.contains(&c) != complement;
    let mut out = String::new();
    let mut last: Option<char> = None;
    let squeeze_set: BTreeSet<char> = if delete || o.operands.len() < 2 {
        set1.clone()
    } else {
        crate::sort::collect_set(set2.iter().copied())
    };
    for ch in stdin.chars() {
        let mapped = if delete {
            if in1(ch) {
                continue;
            }
            ch
        } else if o.operands.len() >= 2 && in1(ch) {
            if complement {
                set2.last().copied().unwrap_or(ch)
            } else {
                let idx = list1.iter().rposition(|c| *c == ch).unwrap_or(0);
                set2.get(idx).or(set2.last()).copied().unwrap_or(ch)
            }
        } else {
            ch
        };
        if squeeze {
            let in_sq = if delete || o.operands.len() < 2 {
                squeeze_set.contains(&mapped) != (complement && !delete)
            } else {
                squeeze_set.contains(&mapped)
            };
            if in_sq && last == Some(mapped) {
                continue;
            }
        }
        last = Some(mapped);
        out.push(mapped);
    }
    (out, String::new(), 0)
}

fn class_fn(name: &str) -> Option<fn(char) -> bool> {
    Some(match name {
        "alpha" => |c: char| c.is_ascii_alphabetic(),
        "digit" => |c: char| c.is_ascii_digit(),
        "alnum" => |c: char| c.is_ascii_alphanumeric(),
        "upper" => |c: char| c.is_ascii_uppercase(),
        "lower" => |c: char| c.is_ascii_lowercase(),
        "space" => |c: char| c.is_ascii_whitespace() || c == '\x0b',
        "blank" => |c: char| c == ' ' || c == '\t',
        "punct" => |c: char| c.is_ascii_punctuation(),
        "xdigit" => |c: char| c.is_ascii_hexdigit(),
        "print" => |c: char| (' '..='~').contains(&c),
        "graph" => |c: char| ('!'..='~').contains(&c),
        "cntrl" => |c: char| c.is_ascii_control(),
        _ => return None,
    })
}

// ---------------------------------------------------------------- grep

fn grep(
    args: &[String],
    stdin: &str,
    read: &mut dyn FnMut(&str) -> Result<String, String>,
    variant: u8,
) -> ToolResult {
    let o = match getopt("grep", args, "HhnlLoqvsrRiwFExcz", "mABCef", false) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let mut operands = o.operands.clone();
    let mut patterns: Vec<String> = o.all('e').iter().map(|s| s.to_string()).collect();
    if patterns.is_empty() {
        if operands.is_empty() {
            return usage("grep");
        }
        patterns.push(operands.remove(0));
    }
    // a pattern with newlines is several patterns
    let patterns: Vec<String> = patterns
        .iter()
        .flat_map(|p| p.split('\n').map(|s| s.to_string()).collect::<Vec<_>>())
        .collect();
    let fixed = o.has('F') || variant == 2;
    let extended = o.has('E') || variant == 1;
    let icase = o.has('i');
    let mut regexes = Vec::new();
    for p in &patterns {
        let r = if fixed {
            Regex::literal(p, icase)
        } else {
            match Regex::new(p, extended, icase) {
                Ok(r) => r,
                Err(BadRegex) => return (String::new(), format!("grep: bad regex '{p}'\n"), 2),
            }
        };
        regexes.push(r);
    }
    let max: Option<usize> = match o.last('m') {
        Some(m) => match m.parse() {
            Ok(n) => Some(n),
            Err(_) => return (String::new(), format!("grep: invalid number '{m}'\n"), 2),
        },
        None => None,
    };
    // -A/-B/-C: lines of context around each match, groups apart separated by `--`.
    let context = |flag: char| -> Result<usize, ToolResult> {
        match o.last(flag).or_else(|| o.last('C')) {
            None => Ok(0),
            Some(n) => n.parse().map_err(|_| {
                (
                    String::new(),
                    format!("grep: {n}: invalid context length argument\n"),
                    2,
                )
            }),
        }
    };
    let (after, before) = match (context('A'), context('B')) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    let with_context = (after > 0 || before > 0)
        && !(o.has('o') || o.has('c') || o.has('l') || o.has('L') || o.has('q'));
    let mut any_group = false;
    let mut err = String::new();
    let ins = inputs("grep", &operands, stdin, read, &mut err);
    if o.has('s') {
        err.clear();
    }
    let show_name = (operands.len() > 1 || o.has('H')) && !o.has('h');
    let mut out = String::new();
    let mut any = false;
    let whole_line = o.has('x');
    let word = o.has('w');
    let invert = o.has('v');
    for (fname, text) in &ins {
        let label = if fname == "-" {
            "(standard input)"
        } else {
            fname.as_str()
        };
        let mut count = 0usize;
        let all_lines = lines_of(text);
        let mut pending_after = 0usize;
        let mut last_printed: Option<usize> = None;
        // `name:` / `12:` before a matching line, `name-` / `12-` before context.
        let line_prefix = |ln: usize, sep: char| {
            let mut p = String::new();
            if show_name {
                p.push_str(label);
                p.push(sep);
            }
            if o.has('n') {
                p.push_str(&(ln + 1).to_string());
                p.push(sep);
            }
            p
        };
        let ctx_prefix = |ln: usize| line_prefix(ln, '-');
        for (ln, line) in all_lines.iter().copied().enumerate() {
            if max.is_some_and(|m| count >= m) {
                // grep -m still prints the trailing context of the last match.
                if with_context && pending_after > 0 {
                    out.push_str(&ctx_prefix(ln));
                    out.push_str(line);
                    out.push('\n');
                    pending_after -= 1;
                    continue;
                }
                break;
            }
            let spans: Vec<(usize, usize)> = if whole_line || word || o.has('o') {
                let mut v = Vec::new();
                for r in &regexes {
                    v.extend(r.find_all(line));
                }
                crate::sort::sort(&mut v);
                if whole_line {
                    v.retain(|(s, e)| *s == 0 && *e == line.len());
                }
                if word {
                    let wc = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
                    v.retain(|(s, e)| {
                        !wc(line[..*s].chars().next_back()) && !wc(line[*e..].chars().next())
                    });
                }
                v
            } else {
                Vec::new()
            };
            let matched = if whole_line || word {
                // whole-line / word matches need a full check: try all start points
                if whole_line {
                    regexes.iter().any(|r| r.matches_whole(line))
                } else {
                    !spans.is_empty()
                }
            } else {
                regexes.iter().any(|r| r.is_match(line))
            };
            if matched == invert {
                if with_context && pending_after > 0 {
                    out.push_str(&ctx_prefix(ln));
                    out.push_str(line);
                    out.push('\n');
                    pending_after -= 1;
                    last_printed = Some(ln);
                }
                continue;
            }
            count += 1;
            any = true;
            if o.has('q') {
                return (String::new(), String::new(), 0);
            }
            if o.has('c') || o.has('l') || o.has('L') {
                continue;
            }
            let prefix = line_prefix(ln, ':');
            if o.has('o') && !invert {
                // non-overlapping, leftmost, non-empty
                let mut pos = 0;
                for (s, e) in spans {
                    if s >= pos && e > s {
                        out.push_str(&prefix);
                        out.push_str(&line[s..e]);
                        out.push('\n');
                        pos = e;
                    }
                }
            } else if !o.has('o') {
                if with_context {
                    let first = ln
                        .saturating_sub(before)
                        .max(last_printed.map_or(0, |l| l + 1));
                    let adjacent = last_printed.is_some_and(|l| l + 1 >= first);
                    if any_group && !adjacent {
                        out.push_str("--\n");
                    }
                    for (cl, ctx_line) in all_lines.iter().enumerate().take(ln).skip(first) {
                        out.push_str(&ctx_prefix(cl));
                        out.push_str(ctx_line);
                        out.push('\n');
                    }
                    any_group = true;
                    last_printed = Some(ln);
                    pending_after = after;
                }
                out.push_str(&prefix);
                out.push_str(line);
                out.push('\n');
            }
            if out.len() > MAX_TOOL_OUTPUT {
                break;
            }
        }
        if o.has('c') {
            if show_name {
                out.push_str(&format!("{label}:{count}\n"));
            } else {
                out.push_str(&format!("{count}\n"));
            }
        }
        if o.has('l') && count > 0 {
            out.push_str(&format!("{label}\n"));
        }
        if o.has('L') && count == 0 {
            out.push_str(&format!("{label}\n"));
        }
    }
    if o.has('q') {
        return (
            String::new(),
            String::new(),
            if err.is_empty() { 1 } else { 2 },
        );
    }
    let st = if !err.is_empty() {
        2
    } else if any {
        0
    } else {
        1
    };
    (out, err, st)
}

// ---------------------------------------------------------------- sed (s, d, p)

/// One sed command: an optional address (line number or /regex/), then `s/re/repl/flags`,
/// `d` or `p`.
struct SedCmd {
    addr: Option<SedAddr>,
    op: SedOp,
}

enum SedAddr {
    Line(usize),
    Re(Regex),
}

enum SedOp {
    Subst {
        re: Regex,
        repl: String,
        global: bool,
        print: bool,
    },
    Delete,
    Print,
}

fn sed_parse(script: &str, ere: bool) -> Result<Vec<SedCmd>, String> {
    let chars: Vec<char> = script.chars().collect();
    let mut i = 0;
    let mut cmds = Vec::new();
    // text up to an unescaped `delim`; `\delim` stands for the delimiter itself
    let delimited = |i: &mut usize, delim: char| -> Result<String, String> {
        let mut s = String::new();
        while *i < chars.len() && chars[*i] != delim {
            if chars[*i] == '\\' && *i + 1 < chars.len() {
                if chars[*i + 1] != delim {
                    s.push('\\');
                }
                s.push(chars[*i + 1]);
                *i += 2;
                continue;
            }
            s.push(chars[*i]);
            *i += 1;
        }
        if *i >= chars.len() {
            return Err("unterminated `s' command".to_string());
        }
        *i += 1;
        Ok(s)
    };
    while i < chars.len() {
        while i < chars.len() && (chars[i].is_whitespace() || chars[i] == ';') {
            i += 1;
        }
        if i >= chars.len() {
            break;
        }
        let mut addr = None;
        if chars[i].is_ascii_digit() {
            let mut n = 0usize;
            while i < chars.len() && chars[i].is_ascii_digit() {
                n = n
                    .saturating_mul(10)
                    .saturating_add(chars[i] as usize - '0' as usize);
                i += 1;
            }
            addr = Some(SedAddr::Line(n));
        } else if chars[i] == '/' {
            i += 1;
            let re = delimited(&mut i, '/')?;
            addr = Some(SedAddr::Re(
                Regex::new(&re, ere, false).map_err(|_| format!("bad regex '{re}'"))?,
            ));
        }
        let Some(&c) = chars.get(i) else {
            return Err("missing command".into());
        };
        i += 1;
        let op = match c {
            's' => {
                let Some(&delim) = chars.get(i) else {
                    return Err("unterminated `s' command".into());
                };
                i += 1;
                let re = delimited(&mut i, delim)?;
                let repl = delimited(&mut i, delim)?;
                let (mut global, mut print) = (false, false);
                while let Some(&f) = chars.get(i) {
                    match f {
                        'g' => global = true,
                        'p' => print = true,
                        _ => break,
                    }
                    i += 1;
                }
                SedOp::Subst {
                    re: Regex::new(&re, ere, false).map_err(|_| format!("bad regex '{re}'"))?,
                    repl,
                    global,
                    print,
                }
            }
            'd' => SedOp::Delete,
            'p' => SedOp::Print,
            other => return Err(format!("unsupported command {other}")),
        };
        cmds.push(SedCmd { addr, op });
    }
    Ok(cmds)
}

/// The replacement text for one match: `&` is the match, `\&` and `\\` literal.
fn sed_replacement(repl: &str, matched: &str) -> String {
    let mut out = String::new();
    let mut it = repl.chars();
    while let Some(c) = it.next() {
        match c {
            '&' => out.push_str(matched),
            '\\' => match it.next() {
                Some('n') => out.push('\n'),
                Some(x) => out.push(x),
                None => out.push('\\'),
            },
            _ => out.push(c),
        }
    }
    out
}

/// sed with `s/RE/REPL/[gp]`, `d`, `p`, a line-number or /RE/ address, `-n`, `-e`, `-E`.
fn sed(
    args: &[String],
    stdin: &str,
    read: &mut dyn FnMut(&str) -> Result<String, String>,
) -> ToolResult {
    let mut quiet = false;
    let mut ere = false;
    let mut scripts: Vec<String> = Vec::new();
    let mut files = Vec::new();
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "-n" => quiet = true,
            "-E" | "-r" => ere = true,
            "-e" => {
                i += 1;
                match args.get(i) {
                    Some(s) => scripts.push(s.clone()),
                    None => return usage("sed"),
                }
            }
            a if a.starts_with('-') && a.len() > 1 => {
                for c in a[1..].chars() {
                    match c {
                        'n' => quiet = true,
                        'E' | 'r' => ere = true,
                        _ => return bad_option("sed", c),
                    }
                }
            }
            a => {
                if scripts.is_empty() && files.is_empty() {
                    scripts.push(a.to_string());
                } else {
                    files.push(a.to_string());
                }
            }
        }
        i += 1;
    }
    if scripts.is_empty() {
        return usage("sed");
    }
    let cmds = match sed_parse(&scripts.join("\n"), ere) {
        Ok(c) => c,
        Err(e) => {
            return (
                String::new(),
                format!("sed: -e expression #1, char 0: {e}\n"),
                1,
            )
        }
    };
    let mut err = String::new();
    let ins = inputs("sed", &files, stdin, read, &mut err);
    let mut out = String::new();
    let mut n = 0usize;
    for (_, text) in &ins {
        for line in lines_of(text) {
            n += 1;
            let mut cur = line.to_string();
            let mut deleted = false;
            for cmd in &cmds {
                let hit = match &cmd.addr {
                    None => true,
                    Some(SedAddr::Line(l)) => *l == n,
                    Some(SedAddr::Re(r)) => r.is_match(&cur),
                };
                if !hit {
                    continue;
                }
                match &cmd.op {
                    SedOp::Delete => {
                        deleted = true;
                        break;
                    }
                    SedOp::Print => {
                        out.push_str(&cur);
                        out.push('\n');
                    }
                    SedOp::Subst {
                        re,
                        repl,
                        global,
                        print,
                    } => {
                        let spans = re.find_all(&cur);
                        if spans.is_empty() {
                            continue;
                        }
                        let mut s = String::new();
                        let mut pos = 0;
                        for (a, b) in spans.iter().take(if *global { usize::MAX } else { 1 }) {
                            s.push_str(&cur[pos..*a]);
                            s.push_str(&sed_replacement(repl, &cur[*a..*b]));
                            pos = *b;
                        }
                        s.push_str(&cur[pos..]);
                        cur = s;
                        if *print {
                            out.push_str(&cur);
                            out.push('\n');
                        }
                    }
                }
            }
            if !deleted && !quiet {
                out.push_str(&cur);
                out.push('\n');
            }
            if out.len() > MAX_TOOL_OUTPUT {
                return (out, err, 4);
            }
        }
    }
    let st = i32::from(!err.is_empty()) * 2;
    (out, err, st)
}

// ---------------------------------------------------------------- awk (print one-liners)

/// A value in an awk one-liner.
#[derive(Clone)]
enum AwkTerm {
    Field(Box<AwkTerm>),
    Nf,
    Nr,
    Num(f64),
    Str(String),
    Sub(Box<AwkTerm>, f64),
}

struct AwkRule {
    pattern: AwkPattern,
    /// Expressions of `print a, b` (each a concatenation); None: print $0.
    print: Option<Vec<Vec<AwkTerm>>>,
}

enum AwkPattern {
    Always,
    Begin,
    End,
    Re(Regex),
    Cmp(Vec<AwkTerm>, String, Vec<AwkTerm>),
    Truthy(Vec<AwkTerm>),
}

struct AwkLexer {
    c: Vec<char>,
    i: usize,
}

impl AwkLexer {
    fn ws(&mut self) {
        while self.i < self.c.len() && (self.c[self.i] == ' ' || self.c[self.i] == '\t') {
            self.i += 1;
        }
    }
    fn peek(&mut self) -> Option<char> {
        self.ws();
        self.c.get(self.i).copied()
    }
    fn eat(&mut self, s: &str) -> bool {
        self.ws();
        let n = s.chars().count();
        if self.c.len() >= self.i + n && self.c[self.i..self.i + n].iter().copied().eq(s.chars()) {
            self.i += n;
            return true;
        }
        false
    }
    fn ident(&mut self) -> Option<String> {
        self.ws();
        let start = self.i;
        while self.i < self.c.len()
            && (self.c[self.i].is_ascii_alphanumeric() || self.c[self.i] == '_')
        {
            self.i += 1;
        }
        (self.i > start).then(|| self.c[start..self.i].iter().collect())
    }
    fn term(&mut self) -> Result<AwkTerm, ()> {
        let base = match self.peek() {
            Some('$') => {
                self.i += 1;
                let inner = if self.peek() == Some('(') {
                    self.i += 1;
                    let t = self.term()?;
                    if !self.eat(")") {
                        return Err(());
                    }
                    t
                } else {
                    self.term()?
                };
                AwkTerm::Field(Box::new(inner))
            }
            Some('"') => {
                self.i += 1;
                let mut s = String::new();
                while self.i < self.c.len() && self.c[self.i] != '"' {
                    if self.c[self.i] == '\\' && self.i + 1 < self.c.len() {
                        self.i += 1;
                        s.push(match self.c[self.i] {
                            'n' => '\n',
                            't' => '\t',
                            x => x,
                        });
                    } else {
                        s.push(self.c[self.i]);
                    }
                    self.i += 1;
                }
                if self.i >= self.c.len() {
                    return Err(());
                }
                self.i += 1;
                AwkTerm::Str(s)
            }
            Some(c) if c.is_ascii_digit() => {
                let start = self.i;
                while self.i < self.c.len()
                    && (self.c[self.i].is_ascii_digit() || self.c[self.i] == '.')
                {
                    self.i += 1;
                }
                let s: String = self.c[start..self.i].iter().collect();
                AwkTerm::Num(s.parse().map_err(|_| ())?)
            }
            _ => match self.ident().as_deref() {
                Some("NF") => AwkTerm::Nf,
                Some("NR") => AwkTerm::Nr,
                _ => return Err(()),
            },
        };
        // `NF-1` inside $( ... )
        if self.peek() == Some('-') {
            let save = self.i;
            self.i += 1;
            if let Some(c) = self.peek().filter(|c| c.is_ascii_digit()) {
                let _ = c;
                if let AwkTerm::Num(n) = self.term()? {
                    return Ok(AwkTerm::Sub(Box::new(base), n));
                }
            }
            self.i = save;
        }
        Ok(base)
    }
    /// Terms side by side (awk string concatenation).
    fn concat(&mut self) -> Result<Vec<AwkTerm>, ()> {
        let mut v = vec![self.term()?];
        while matches!(self.peek(), Some('$' | '"'))
            || self.peek().is_some_and(|c| c.is_ascii_alphanumeric())
        {
            let save = self.i;
            match self.term() {
                Ok(t) => v.push(t),
                Err(()) => {
                    self.i = save;
                    break;
                }
            }
        }
        Ok(v)
    }
}

fn awk_parse(prog: &str) -> Result<Vec<AwkRule>, ()> {
    let mut lx = AwkLexer {
        c: prog.chars().collect(),
        i: 0,
    };
    let mut rules = Vec::new();
    loop {
        while matches!(lx.peek(), Some(';' | '\n')) {
            lx.i += 1;
        }
        if lx.peek().is_none() {
            break;
        }
        let pattern = if lx.peek() == Some('{') {
            AwkPattern::Always
        } else if lx.eat("BEGIN") {
            AwkPattern::Begin
        } else if lx.eat("END") {
            AwkPattern::End
        } else if lx.peek() == Some('/') {
            lx.i += 1;
            let mut re = String::new();
            while lx.i < lx.c.len() && lx.c[lx.i] != '/' {
                if lx.c[lx.i] == '\\' && lx.i + 1 < lx.c.len() {
                    re.push('\\');
                    lx.i += 1;
                }
                re.push(lx.c[lx.i]);
                lx.i += 1;
            }
            if lx.i >= lx.c.len() {
                return Err(());
            }
            lx.i += 1;
            AwkPattern::Re(Regex::new(&re, true, false).map_err(|_| ())?)
        } else {
            let left = lx.concat()?;
            let mut op = None;
            for o in ["==", "!=", ">=", "<=", ">", "<"] {
                if lx.eat(o) {
                    op = Some(o.to_string());
                    break;
                }
            }
            match op {
                Some(o) => AwkPattern::Cmp(left, o, lx.concat()?),
                None => AwkPattern::Truthy(left),
            }
        };
        let print = if lx.eat("{") {
            let mut exprs = None;
            if lx.eat("print") {
                let mut v = Vec::new();
                if !matches!(lx.peek(), Some('}' | ';')) {
                    v.push(lx.concat()?);
                    while lx.eat(",") {
                        v.push(lx.concat()?);
                    }
                }
                exprs = Some(v).filter(|v| !v.is_empty());
            } else if lx.peek() != Some('}') {
                return Err(());
            }
            let _ = lx.eat(";");
            if !lx.eat("}") {
                return Err(());
            }
            exprs
        } else {
            None
        };
        rules.push(AwkRule { pattern, print });
    }
    Ok(rules)
}

fn awk_num(s: &str) -> f64 {
    let t = s.trim_start();
    let end = t
        .char_indices()
        .take_while(|(i, c)| {
            c.is_ascii_digit() || *c == '.' || (*i == 0 && (*c == '-' || *c == '+'))
        })
        .last()
        .map_or(0, |(i, c)| i + c.len_utf8());
    t[..end].parse().unwrap_or(0.0)
}

fn awk_fmt(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// awk one-liners: `[-F SEP] '[PATTERN] {print EXPR, ...}'` with $N, $NF, $(NF-1), NF, NR,
/// strings and numbers, patterns /RE/, comparisons, BEGIN and END.
fn awk(
    args: &[String],
    stdin: &str,
    read: &mut dyn FnMut(&str) -> Result<String, String>,
) -> ToolResult {
    let mut sep: Option<String> = None;
    let mut prog: Option<String> = None;
    let mut files = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "-F" {
            i += 1;
            sep = args.get(i).cloned();
        } else if let Some(s) = a.strip_prefix("-F") {
            sep = Some(s.to_string());
        } else if prog.is_none() {
            prog = Some(a.clone());
        } else {
            files.push(a.clone());
        }
        i += 1;
    }
    let Some(prog) = prog else {
        return usage("awk");
    };
    let Ok(rules) = awk_parse(&prog) else {
        return (
            String::new(),
            "awk: cmd. line:1: Unexpected token\n".into(),
            1,
        );
    };
    let mut err = String::new();
    let ins = inputs("awk", &files, stdin, read, &mut err);
    let mut out = String::new();
    let mut nr = 0usize;
    let eval = |terms: &[AwkTerm], fields: &[&str], line: &str, nr: usize| -> String {
        fn one(t: &AwkTerm, fields: &[&str], line: &str, nr: usize) -> String {
            match t {
                AwkTerm::Nf => fields.len().to_string(),
                AwkTerm::Nr => nr.to_string(),
                AwkTerm::Num(n) => awk_fmt(*n),
                AwkTerm::Str(s) => s.clone(),
                AwkTerm::Sub(a, n) => awk_fmt(awk_num(&one(a, fields, line, nr)) - n),
                AwkTerm::Field(inner) => {
                    let k = awk_num(&one(inner, fields, line, nr));
                    if k < 1.0 {
                        line.to_string()
                    } else {
                        fields
                            .get(k as usize - 1)
                            .map(|s| s.to_string())
                            .unwrap_or_default()
                    }
                }
            }
        }
        terms.iter().map(|t| one(t, fields, line, nr)).collect()
    };
    let run = |rule: &AwkRule, fields: &[&str], line: &str, nr: usize, out: &mut String| {
        match &rule.print {
            None => out.push_str(line),
            Some(exprs) => {
                let parts: Vec<String> = exprs.iter().map(|e| eval(e, fields, line, nr)).collect();
                out.push_str(&parts.join(" "));
            }
        }
        out.push('\n');
    };
    for rule in rules
        .iter()
        .filter(|r| matches!(r.pattern, AwkPattern::Begin))
    {
        run(rule, &[], "", 0, &mut out);
    }
    let mut last_fields: Vec<String> = Vec::new();
    let mut last_line = String::new();
    for (_, text) in &ins {
        for line in lines_of(text) {
            nr += 1;
            let fields: Vec<&str> = match sep.as_deref() {
                None | Some(" ") => line.split_whitespace().collect(),
                Some(s) if s.len() == 1 => line.split(s).collect(),
                Some(s) => match Regex::new(s, true, false) {
                    Ok(r) => {
                        let mut v = Vec::new();
                        let mut pos = 0;
                        for (a, b) in r.find_all(line) {
                            v.push(&line[pos..a]);
                            pos = b;
                        }
                        v.push(&line[pos..]);
                        v
                    }
                    Err(_) => vec![line],
                },
            };
            for rule in &rules {
                let hit = match &rule.pattern {
                    AwkPattern::Always => true,
                    AwkPattern::Begin | AwkPattern::End => false,
                    AwkPattern::Re(r) => r.is_match(line),
                    AwkPattern::Truthy(t) => {
                        let v = eval(t, &fields, line, nr);
                        !v.is_empty() && v != "0"
                    }
                    AwkPattern::Cmp(l, op, r) => {
                        let (a, b) = (eval(l, &fields, line, nr), eval(r, &fields, line, nr));
                        let numeric =
                            |s: &str| !s.trim().is_empty() && s.trim().parse::<f64>().is_ok();
                        let ord = if numeric(&a) && numeric(&b) {
                            awk_num(&a)
                                .partial_cmp(&awk_num(&b))
                                .unwrap_or(std::cmp::Ordering::Equal)
                        } else {
                            a.cmp(&b)
                        };
                        match op.as_str() {
                            "==" => ord.is_eq(),
                            "!=" => !ord.is_eq(),
                            ">" => ord.is_gt(),
                            "<" => ord.is_lt(),
                            ">=" => ord.is_ge(),
                            _ => ord.is_le(),
                        }
                    }
                };
                if hit {
                    run(rule, &fields, line, nr, &mut out);
                }
            }
            last_fields = fields.iter().map(|s| s.to_string()).collect();
            last_line = line.to_string();
            if out.len() > MAX_TOOL_OUTPUT {
                return (out, err, 2);
            }
        }
    }
    let lf: Vec<&str> = last_fields.iter().map(String::as_str).collect();
    for rule in rules
        .iter()
        .filter(|r| matches!(r.pattern, AwkPattern::End))
    {
        run(rule, &lf, &last_line, nr, &mut out);
    }
    let st = i32::from(!err.is_empty()) * 2;
    (out, err, st)
}

// ---------------------------------------------------------------- regex

/// Program size limit (after expanding `{m,n}`).
const MAX_PROG: usize = 20_000;

#[derive(Clone, Debug)]
enum Node {
    Char(char),
    Any,
    Class(Vec<(char, char)>, bool),
    Start,
    End,
    Concat(Vec<Node>),
    Alt(Vec<Node>),
    Repeat(Box<Node>, usize, Option<usize>),
    Empty,
}

#[derive(Clone, Debug)]
enum Inst {
    Char(char),
    Any,
    Class(usize),
    Start,
    End,
    Split(usize, usize),
    Jmp(usize),
    Match,
}

/// A pattern that does not compile (grep prints `bad regex`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadRegex;

/// A POSIX-style regular expression (BRE or ERE) run by a Thompson NFA
/// simulation: time linear in the text for a fixed pattern.
#[derive(Clone, Debug)]
pub struct Regex {
    prog: Vec<Inst>,
    classes: Vec<(Vec<(char, char)>, bool)>,
    icase: bool,
}

struct RegexParser {
    c: Vec<char>,
    pos: usize,
    ere: bool,
    depth: usize,
}

impl RegexParser {
    fn peek(&self) -> Option<char> {
        self.c.get(self.pos).copied()
    }

    fn at_bre(&self, s: &str) -> bool {
        !self.ere
            && self.peek() == Some('\\')
            && self.c.get(self.pos + 1).map(|c| c.to_string()).as_deref() == Some(s)
    }

    fn alt(&mut self) -> Result<Node, BadRegex> {
        self.depth += 1;
        if self.depth > 64 {
            return Err(BadRegex);
        }
        let mut alts = vec![self.concat()?];
        loop {
            if self.ere && self.peek() == Some('|') {
                self.pos += 1;
            } else if self.at_bre("|") {
                self.pos += 2;
            } else {
                break;
            }
            alts.push(self.concat()?);
        }
        self.depth -= 1;
        Ok(if alts.len() == 1 {
            alts.pop().unwrap_or(Node::Empty)
        } else {
            Node::Alt(alts)
        })
    }

    fn concat(&mut self) -> Result<Node, BadRegex> {
        let mut items: Vec<Node> = Vec::new();
        let start = self.pos;
        while let Some(ch) = self.peek() {
            if self.ere && (ch == '|' || ch == ')') {
                if ch == ')' && self.depth <= 1 {
                    // unmatched ')' in ERE is literal
                    self.pos += 1;
                    items.push(Node::Char(')'));
                    continue;
                }
                break;
            }
            if self.at_bre("|") || self.at_bre(")") {
                break;
            }
            let atom_start = self.pos;
            let atom = match ch {
                '^' if self.ere || self.pos == start => {
                    self.pos += 1;
                    Node::Start
                }
                '$' if self.ere || self.is_bre_end() => {
                    self.pos += 1;
                    Node::End
                }
                '.' => {
                    self.pos += 1;
                    Node::Any
                }
                '[' => self.bracket()?,
                '*' if self.pos == start
                    || (!self.ere
                        && matches!(items.last(), Some(Node::Start))
                        && items.len() == 1) =>
                {
                    self.pos += 1;
                    if self.ere {
                        continue;
                    }
                    Node::Char('*')
                }
                '+' | '?' | '{' if self.ere && self.pos == start => {
                    self.pos += 1;
                    if ch == '{' {
                        Node::Char('{')
                    } else {
                        continue;
                    }
                }
                '(' if self.ere => {
                    self.pos += 1;
                    let n = self.alt()?;
                    if self.peek() != Some(')') {
                        return Err(BadRegex);
                    }
                    self.pos += 1;
                    n
                }
                '\\' => {
                    self.pos += 1;
                    let Some(e) = self.peek() else {
                        return Err(BadRegex);
                    };
                    self.pos += 1;
                    if !self.ere && e == '(' {
                        let n = self.alt()?;
                        if !self.at_bre(")") {
                            return Err(BadRegex);
                        }
                        self.pos += 2;
                        n
                    } else if !self.ere && e == '{' {
                        return Err(BadRegex);
                    } else {
                        match e {
                            'n' => Node::Char('\n'),
                            't' => Node::Char('\t'),
                            'w' => Node::Class(
                                vec![('a', 'z'), ('A', 'Z'), ('0', '9'), ('_', '_')],
                                false,
                            ),
                            'W' => Node::Class(
                                vec![('a', 'z'), ('A', 'Z'), ('0', '9'), ('_', '_')],
                                true,
                            ),
                            's' => Node::Class(vec![(' ', ' '), ('\t', '\r')], false),
                            'S' => Node::Class(vec![(' ', ' '), ('\t', '\r')], true),
                            c if c.is_ascii_digit() => return Err(BadRegex),
                            c => Node::Char(c),
                        }
                    }
                }
                c => {
                    self.pos += 1;
                    Node::Char(c)
                }
            };
            let _ = atom_start;
            let atom = self.quantifiers(atom)?;
            items.push(atom);
        }
        Ok(match items.len() {
            0 => Node::Empty,
            1 => items.pop().unwrap_or(Node::Empty),
            _ => Node::Concat(items),
        })
    }

    fn is_bre_end(&self) -> bool {
        let n = self.pos + 1;
        n >= self.c.len()
            || (self.c.get(n) == Some(&'\\') && matches!(self.c.get(n + 1), Some(')') | Some('|')))
    }

    fn quantifiers(&mut self, mut atom: Node) -> Result<Node, BadRegex> {
        loop {
            let (min, max) = match self.peek() {
                Some('*') => {
                    self.pos += 1;
                    (0, None)
                }
                Some('+') if self.ere => {
                    self.pos += 1;
                    (1, None)
                }
                Some('?') if self.ere => {
                    self.pos += 1;
                    (0, Some(1))
                }
                Some('\\') if self.at_bre("+") => {
                    self.pos += 2;
                    (1, None)
                }
                Some('\\') if self.at_bre("?") => {
                    self.pos += 2;
                    (0, Some(1))
                }
                Some('{') if self.ere => {
                    self.pos += 1;
                    self.interval()?
                }
                Some('\\') if self.at_bre("{") => {
                    self.pos += 2;
                    self.interval()?
                }
                _ => return Ok(atom),
            };
            atom = Node::Repeat(Box::new(atom), min, max);
        }
    }

    fn interval(&mut self) -> Result<(usize, Option<usize>), BadRegex> {
        let num = |p: &mut RegexParser| -> Option<usize> {
            let st = p.pos;
            while p.peek().is_some_and(|c| c.is_ascii_digit()) {
                p.pos += 1;
            }
            let s: String = p.c[st..p.pos].iter().collect();
            s.parse().ok()
        };
        let min = num(self).ok_or(BadRegex)?;
        let max = if self.peek() == Some(',') {
            self.pos += 1;
            num(self)
        } else {
            Some(min)
        };
        if self.ere {
            if self.peek() != Some('}') {
                return Err(BadRegex);
            }
            self.pos += 1;
        } else {
            if !self.at_bre("}") {
                return Err(BadRegex);
            }
            self.pos += 2;
        }
        if max.is_some_and(|m| m < min) || min > 1000 || max.is_some_and(|m| m > 1000) {
            return Err(BadRegex);
        }
        Ok((min, max))
    }

    fn bracket(&mut self) -> Result<Node, BadRegex> {
        self.pos += 1; // [
        let mut neg = false;
        if self.peek() == Some('^') {
            neg = true;
            self.pos += 1;
        }
        let mut ranges = Vec::new();
        let mut first = true;
        loop {
            let Some(ch) = self.peek() else {
                return Err(BadRegex);
            };
            if ch == ']' && !first {
                self.pos += 1;
                break;
            }
            first = false;
            if ch == '[' && matches!(self.c.get(self.pos + 1), Some(':') | Some('=') | Some('.')) {
                let kind = self.c[self.pos + 1];
                let rest: String = self.c[self.pos + 2..].iter().collect();
                let close = format!("{kind}]");
                let end = rest.find(&close).ok_or(BadRegex)?;
                let name = &rest[..end];
                self.pos += 2 + name.chars().count() + 2;
                if kind == ':' {
                    let f = class_fn(name).ok_or(BadRegex)?;
                    for b in 0u8..128 {
                        if f(b as char) {
                            ranges.push((b as char, b as char));
                        }
                    }
                } else {
                    for c in name.chars() {
                        ranges.push((c, c));
                    }
                }
                continue;
            }
            self.pos += 1;
            if self.peek() == Some('-') && self.c.get(self.pos + 1).is_some_and(|c| *c != ']') {
                let hi = self.c[self.pos + 1];
                self.pos += 2;
                if hi < ch {
                    return Err(BadRegex);
                }
                ranges.push((ch, hi));
            } else {
                ranges.push((ch, ch));
            }
        }
        Ok(Node::Class(ranges, neg))
    }
}

impl Regex {
    /// Compiles a BRE (`ere` false) or ERE pattern.
    pub fn new(pattern: &str, ere: bool, icase: bool) -> Result<Regex, BadRegex> {
        let mut p = RegexParser {
            c: pattern.chars().collect(),
            pos: 0,
            ere,
            depth: 0,
        };
        let node = p.alt()?;
        if p.pos < p.c.len() {
            return Err(BadRegex);
        }
        let mut r = Regex {
            prog: Vec::new(),
            classes: Vec::new(),
            icase,
        };
        r.compile(&node, 0)?;
        r.prog.push(Inst::Match);
        Ok(r)
    }

    /// A regex matching `s` literally.
    pub fn literal(s: &str, icase: bool) -> Regex {
        let mut prog: Vec<Inst> = s
            .chars()
            .map(|c| Inst::Char(if icase { lower(c) } else { c }))
            .collect();
        prog.push(Inst::Match);
        Regex {
            prog,
            classes: Vec::new(),
            icase,
        }
    }

    fn compile(&mut self, n: &Node, depth: usize) -> Result<(), BadRegex> {
        if self.prog.len() > MAX_PROG || depth > 200 {
            return Err(BadRegex);
        }
        match n {
            Node::Char(c) => self
                .prog
                .push(Inst::Char(if self.icase { lower(*c) } else { *c })),
            Node::Any => self.prog.push(Inst::Any),
            Node::Class(r, neg) => {
                self.classes.push((r.clone(), *neg));
                self.prog.push(Inst::Class(self.classes.len() - 1));
            }
            Node::Start => self.prog.push(Inst::Start),
            Node::End => self.prog.push(Inst::End),
            Node::Empty => {}
            Node::Concat(v) => {
                for x in v {
                    self.compile(x, depth + 1)?;
                }
            }
            Node::Alt(v) => {
                // split L1, next ; L1: a ; jmp end ; next: split ...
                let mut jumps = Vec::new();
                for (i, x) in v.iter().enumerate() {
                    if i + 1 < v.len() {
                        let split = self.prog.len();
                        self.prog.push(Inst::Split(split + 1, 0));
                        self.compile(x, depth + 1)?;
                        jumps.push(self.prog.len());
                        self.prog.push(Inst::Jmp(0));
                        let next = self.prog.len();
                        self.prog[split] = Inst::Split(split + 1, next);
                    } else {
                        self.compile(x, depth + 1)?;
                    }
                }
                let end = self.prog.len();
                for j in jumps {
                    self.prog[j] = Inst::Jmp(end);
                }
            }
            Node::Repeat(x, min, max) => {
                for _ in 0..*min {
                    self.compile(x, depth + 1)?;
                    if self.prog.len() > MAX_PROG {
                        return Err(BadRegex);
                    }
                }
                match max {
                    None => {
                        // L: split body, end ; body ; jmp L
                        let l = self.prog.len();
                        self.prog.push(Inst::Split(l + 1, 0));
                        self.compile(x, depth + 1)?;
                        self.prog.push(Inst::Jmp(l));
                        let end = self.prog.len();
                        self.prog[l] = Inst::Split(l + 1, end);
                    }
                    Some(m) => {
                        let mut splits = Vec::new();
                        for _ in *min..*m {
                            splits.push(self.prog.len());
                            self.prog.push(Inst::Split(0, 0));
                            self.compile(x, depth + 1)?;
                            if self.prog.len() > MAX_PROG {
                                return Err(BadRegex);
                            }
                        }
                        let end = self.prog.len();
                        for s in splits {
                            self.prog[s] = Inst::Split(s + 1, end);
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn class_match(&self, idx: usize, c: char) -> bool {
        let Some((ranges, neg)) = self.classes.get(idx) else {
            return false;
        };
        let hit = |c: char| ranges.iter().any(|(a, b)| *a <= c && c <= *b);
        let m = if self.icase {
            hit(c) || hit(lower(c)) || hit(upper(c))
        } else {
            hit(c)
        };
        m != *neg
    }

    /// Adds thread `pc` (following splits/jumps/assertions) to `list`.
    fn add(&self, list: &mut Vec<usize>, seen: &mut [bool], pc: usize, at: usize, len: usize) {
        let mut stack = vec![pc];
        while let Some(pc) = stack.pop() {
            if pc >= self.prog.len() || seen[pc] {
                continue;
            }
            seen[pc] = true;
            match self.prog[pc] {
                Inst::Jmp(t) => stack.push(t),
                Inst::Split(a, b) => {
                    stack.push(b);
                    stack.push(a);
                }
                Inst::Start => {
                    if at == 0 {
                        stack.push(pc + 1)
                    }
                }
                Inst::End => {
                    if at == len {
                        stack.push(pc + 1)
                    }
                }
                _ => list.push(pc),
            }
        }
    }

    /// Runs the NFA from `start` (anchored there, unless `floating`, where a new thread
    /// starts at every position); returns the end of the longest match found from the
    /// earliest... (anchored) or whether any match exists (floating).
    fn run(&self, text: &[char], start: usize, floating: bool) -> Option<usize> {
        let n = self.prog.len();
        let len = text.len();
        let mut clist = Vec::new();
        let mut nlist = Vec::new();
        let mut seen = vec![false; n];
        self.add(&mut clist, &mut seen, 0, start, len);
        let mut last = None;
        let mut i = start;
        loop {
            if clist.iter().any(|&pc| matches!(self.prog[pc], Inst::Match)) {
                last = Some(i);
                if floating {
                    return last;
                }
            }
            if i >= len {
                break;
            }
            let c = if self.icase { lower(text[i]) } else { text[i] };
            seen.iter_mut().for_each(|s| *s = false);
            nlist.clear();
            for &pc in &clist {
                let ok = match self.prog[pc] {
                    Inst::Char(x) => x == c,
                    Inst::Any => true,
                    Inst::Class(k) => self.class_match(k, text[i]),
                    _ => false,
                };
                if ok {
                    self.add(&mut nlist, &mut seen, pc + 1, i + 1, len);
                }
            }
            if floating {
                self.add(&mut nlist, &mut seen, 0, i + 1, len);
            }
            std::mem::swap(&mut clist, &mut nlist);
            i += 1;
            if clist.is_empty() && !floating {
                break;
            }
        }
        last
    }

    /// Whether the regex matches anywhere in `line`.
    pub fn is_match(&self, line: &str) -> bool {
        let text: Vec<char> = line.chars().collect();
        self.run(&text, 0, true).is_some()
    }

    /// Whether the regex matches all of `line`.
    pub fn matches_whole(&self, line: &str) -> bool {
        let text: Vec<char> = line.chars().collect();
        self.run(&text, 0, false) == Some(text.len())
    }

    /// Leftmost-longest non-overlapping matches as byte ranges (empty matches skipped).
    pub fn find_all(&self, line: &str) -> Vec<(usize, usize)> {
        let text: Vec<char> = line.chars().collect();
        let offs: Vec<usize> = line
            .char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(line.len()))
            .collect();
        let mut v = Vec::new();
        let mut s = 0;
        let mut work = 0usize;
        if self.run(&text, 0, true).is_none() {
            return v;
        }
        while s <= text.len() {
            work += text.len() - s + 1;
            if work > 5_000_000 {
                break;
            }
            match self.run(&text, s, false) {
                Some(e) if e > s => {
                    v.push((offs[s], offs[e]));
                    s = e;
                }
                _ => s += 1,
            }
        }
        v
    }
}

fn lower(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

fn upper(c: char) -> char {
    c.to_uppercase().next().unwrap_or(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(cmd: &[&str], stdin: &str) -> ToolResult {
        let argv: Vec<String> = cmd.iter().map(|s| s.to_string()).collect();
        run_tool(&argv, stdin).expect("a text tool")
    }

    const SAMPLE: &str = "x1 a\nb a,3\nb a,3\n10 c,1\n\n";

    #[test]
    fn not_a_tool() {
        assert!(run_tool(&["kubectl".to_string()], "").is_none());
        assert!(run_tool(&[], "").is_none());
    }

    /// Outputs checked against busybox 1.35 (Debian) on the same input.
    #[test]
    fn busybox_outputs() {
        let cases: &[(&[&str], &str, &str)] = &[
            (&["seq", "3"], "", "1\n2\n3\n"),
            (&["seq", "2", "4"], "", "2\n3\n4\n"),
            (&["seq", "10", "-3", "1"], "", "10\n7\n4\n1\n"),
            (&["seq", "5", "1"], "", ""),
            (&["seq", "1", "0.5", "2"], "", "1.0\n1.5\n2.0\n"),
            (&["seq", "0", "0.1", "0.3"], "", "0.0\n0.1\n0.2\n"),
            (&["seq", "1.5", "3"], "", "1.5\n2.5\n"),
            (&["seq", "-w", "8", "10"], "", "08\n09\n10\n"),
            (&["seq", "-s,", "3"], "", "1,2,3\n"),
            (
                &["seq", "-s", ":", "-w", "1", "10"],
                "",
                "01:02:03:04:05:06:07:08:09:10\n",
            ),
            (
                &["uniq", "-c"],
                SAMPLE,
                "      1 x1 a\n      2 b a,3\n      1 10 c,1\n      1 \n",
            ),
            (&["uniq", "-d"], SAMPLE, "b a,3\n"),
            (&["uniq", "-u"], SAMPLE, "x1 a\n10 c,1\n\n"),
            (&["uniq"], "a\na\nb\na\n", "a\nb\na\n"),
            (&["wc"], "a b\nc\n", "        2         3         6\n"),
            (&["wc", "-l"], "a b\nc\n", "2\n"),
            (&["wc", "-lw"], "a b\nc\n", "        2         3\n"),
            (&["wc", "-c"], "a\n\n", "3\n"),
            (&["wc", "-w"], "", "0\n"),
            (&["sort"], "b\na\nc\n", "a\nb\nc\n"),
            (&["sort", "-r"], "b\na\n", "b\na\n"),
            (&["sort", "-u"], SAMPLE, "\n10 c,1\nb a,3\nx1 a\n"),
            (&["sort", "-n"], SAMPLE, "\nb a,3\nb a,3\nx1 a\n10 c,1\n"),
            (&["sort", "-rn"], SAMPLE, "10 c,1\nx1 a\nb a,3\nb a,3\n\n"),
            (
                &["sort", "-t,", "-k2,2n"],
                SAMPLE,
                "\nx1 a\n10 c,1\nb a,3\nb a,3\n",
            ),
            (
                &["sort", "-k2", "-n"],
                "b 2\na 10\nc 1\n",
                "c 1\nb 2\na 10\n",
            ),
            (&["head", "-n", "2"], SAMPLE, "x1 a\nb a,3\n"),
            (&["head", "-2"], SAMPLE, "x1 a\nb a,3\n"),
            (
                &["head", "-n", "-1"],
                SAMPLE,
                "x1 a\nb a,3\nb a,3\n10 c,1\n",
            ),
            (&["head", "-c", "3"], SAMPLE, "x1 "),
            (&["tail", "-n", "2"], SAMPLE, "10 c,1\n\n"),
            (&["tail", "-2"], SAMPLE, "10 c,1\n\n"),
            (&["tail", "-n", "+2"], SAMPLE, "b a,3\nb a,3\n10 c,1\n\n"),
            (&["tail", "-n", "1"], "no newline", "no newline"),
            (&["grep", "a"], SAMPLE, "x1 a\nb a,3\nb a,3\n"),
            (&["grep", "-v", "a"], SAMPLE, "10 c,1\n\n"),
            (&["grep", "-c", "a"], SAMPLE, "3\n"),
            (&["grep", "-n", "a"], SAMPLE, "1:x1 a\n2:b a,3\n3:b a,3\n"),
            (&["grep", "-i", "A"], SAMPLE, "x1 a\nb a,3\nb a,3\n"),
            (
                &["grep", "-E", "a|c"],
                SAMPLE,
                "x1 a\nb a,3\nb a,3\n10 c,1\n",
            ),
            (&["grep", "a\\|c"], SAMPLE, "x1 a\nb a,3\nb a,3\n10 c,1\n"),
            (&["grep", "-e", "x", "-e", "c"], SAMPLE, "x1 a\n10 c,1\n"),
            (&["grep", "-o", "[0-9]*"], SAMPLE, "1\n3\n3\n10\n1\n"),
            (&["grep", "-o", "-E", "[a-z]+"], "abc def\n", "abc\ndef\n"),
            (&["grep", "-x", "x1"], SAMPLE, ""),
            (&["grep", "-x", "x1 a"], SAMPLE, "x1 a\n"),
            (&["grep", "-w", "a"], SAMPLE, "x1 a\nb a,3\nb a,3\n"),
            (&["grep", "-w", "b"], "ab\nb c\n", "b c\n"),
            (&["grep", "-F", "a.b"], "a.b\naxb\n", "a.b\n"),
            (&["grep", "a.b"], "a.b\naxb\n", "a.b\naxb\n"),
            (&["grep", "^b.*3$"], SAMPLE, "b a,3\nb a,3\n"),
            (&["grep", "-E", "^[0-9]{2} "], SAMPLE, "10 c,1\n"),
            (&["grep", "[[:digit:]]\\{2\\}"], SAMPLE, "10 c,1\n"),
            (&["grep", "-E", "(ab)+c"], "ababc\nac\n", "ababc\n"),
            (
                &["grep", "-E", "colou?r"],
                "color\ncolour\ncolr\n",
                "color\ncolour\n",
            ),
            (&["grep", "[^a-z]"], "abc\nab1\n", "ab1\n"),
            (&["grep", "-E", "*a"], SAMPLE, "x1 a\nb a,3\nb a,3\n"),
            (&["grep", "-m", "1", "a"], SAMPLE, "x1 a\n"),
            (&["cut", "-d,", "-f2"], SAMPLE, "x1 a\n3\n3\n1\n\n"),
            (&["cut", "-d,", "-f2", "-s"], SAMPLE, "3\n3\n1\n"),
            (&["cut", "-c1-2"], SAMPLE, "x1\nb \nb \n10\n\n"),
            (&["cut", "-c2-"], "abc\n", "bc\n"),
            (&["cut", "-b1,3"], "abc\n", "ac\n"),
            (&["cut", "-f2"], "a\tb\n", "b\n"),
            (&["cut", "-d", " ", "-f", "1,3"], "a b c d\n", "a c\n"),
            (&["tr", "a-z", "A-Z"], "abc\n", "ABC\n"),
            (&["tr", "abc", "x"], "abc\n", "xxx\n"),
            (&["tr", "-d", "a"], "banana\n", "bnn\n"),
            (&["tr", "-s", " "], "a  b   c\n", "a b c\n"),
            (&["tr", "-c", "l", "x"], "hello\n", "xxllxx"),
            (&["tr", "-dc", "l\\n"], "hello\n", "ll\n"),
            (&["tr", "[:lower:]", "[:upper:]"], "hi\n", "HI\n"),
            (&["tr", "\\n", " "], "a\nb\n", "a b "),
            (&["cat"], "as is", "as is"),
            (&["cat", "-n"], "a\nb\n", "     1\ta\n     2\tb\n"),
            (&["base64"], "hi\n", "aGkK\n"),
            (&["base64", "-d"], "aGkK\n", "hi\n"),
            (&["echo", "-n", "a", "b"], "", "a b"),
            (&["echo", "-e", "a\\tb\\c", "x"], "", "a\tb"),
            (&["echo", "-x"], "", "-x\n"),
            (
                &["printf", "%s-%d|%5s|%-3d|\\n", "a", "12", "b", "3"],
                "",
                "a-12|    b|3  |\n",
            ),
            (
                &["printf", "%x %o %c %%\\n", "255", "8", "hello"],
                "",
                "ff 10 h %\n",
            ),
            (&["printf", "%.2f\\n", "3.14159"], "", "3.14\n"),
            (&["basename", "/a/b/c.txt", ".txt"], "", "c\n"),
            (&["dirname", "/a/b/c"], "", "/a/b\n"),
            (&["dirname", "c"], "", ".\n"),
            (&["tee"], "x\n", "x\n"),
        ];
        for (cmd, stdin, want) in cases {
            let (o, e, st) = t(cmd, stdin);
            assert_eq!(o, *want, "{cmd:?}");
            assert_eq!(e, "", "{cmd:?}");
            let want_st = if cmd[0] == "grep" && want.is_empty() {
                1
            } else {
                0
            };
            assert_eq!(st, want_st, "{cmd:?}");
        }
    }

    /// Outputs checked against mawk 1.3.4 and GNU sed 4.9 (Debian 12) on the same input.
    #[test]
    fn awk_and_sed_one_liners() {
        let text = "NAME STATUS\nn1 Ready\nn2 NotReady\n";
        let cases: &[(&[&str], &str)] = &[
            (&["awk", "NR>1 {print $1}"], "n1\nn2\n"),
            (&["awk", "$2==\"Ready\""], "n1 Ready\n"),
            (&["awk", "/Not/ {print NR\": \"$0}"], "3: n2 NotReady\n"),
            (&["awk", "END{print NR}"], "3\n"),
            (&["sed", "-n", "/Ready/p"], "n1 Ready\nn2 NotReady\n"),
            (&["sed", "2d"], "NAME STATUS\nn2 NotReady\n"),
            (&["sed", "s/e/E/g"], "NAME STATUS\nn1 REady\nn2 NotREady\n"),
        ];
        for (cmd, want) in cases {
            assert_eq!(t(cmd, text).0, *want, "{cmd:?}");
        }
        assert_eq!(
            t(&["awk", "-F:", "{print $NF, $(NF-1), NF}"], "a:b:c\n").0,
            "c b 3\n"
        );
    }

    /// Outputs checked against GNU grep 3.8 (Debian 12) on the same input.
    #[test]
    fn grep_context_lines() {
        let text = "a\nb\nc\nd\ne\nf\ng\na\nx\n";
        let cases: &[(&[&str], &str)] = &[
            (&["grep", "-A1", "-n", "a"], "1:a\n2-b\n--\n8:a\n9-x\n"),
            (
                &["grep", "-B2", "-e", "d", "-e", "x"],
                "b\nc\nd\n--\ng\na\nx\n",
            ),
            (&["grep", "-C1", "-e", "b", "-e", "c"], "a\nb\nc\nd\n"),
            (&["grep", "-m1", "-A2", "a"], "a\nb\nc\n"),
            (&["grep", "-c", "-A1", "a"], "2\n"),
        ];
        for (cmd, want) in cases {
            assert_eq!(t(cmd, text).0, *want, "{cmd:?}");
        }
        let (_, err, st) = t(&["grep", "-A", "x", "a"], text);
        assert_eq!(
            (err.as_str(), st),
            ("grep: x: invalid context length argument\n", 2)
        );
    }

    #[test]
    fn exit_codes_and_errors() {
        let cases: &[(&[&str], &str, &str, i32)] = &[
            (&["grep", "-q", "a"], "a\n", "", 0),
            (&["grep", "-q", "z"], "a\n", "", 1),
            (&["grep", "-E", "a("], "a\n", "grep: bad regex 'a('\n", 2),
            (&["grep", "\\("], "a\n", "grep: bad regex '\\('\n", 2),
            (
                &["grep", "a", "/nofile"],
                "",
                "grep: /nofile: No such file or directory\n",
                2,
            ),
            (
                &["head", "-n", "abc"],
                "",
                "head: invalid number 'abc'\n",
                1,
            ),
            (&["tail", "-n", "x"], "", "tail: invalid number 'x'\n", 1),
            (&["cut", "-f", "a"], "", "cut: invalid number 'a'\n", 1),
            (
                &["cut", "-d,"],
                "",
                "cut: expected a list of bytes, characters, or fields\n",
                1,
            ),
            (
                &["cat", "/nofile"],
                "",
                "cat: can't open '/nofile': No such file or directory\n",
                1,
            ),
            (
                &["wc", "-l", "nofile"],
                "",
                "wc: nofile: No such file or directory\n",
                1,
            ),
            (
                &["sort", "x"],
                "",
                "sort: x: No such file or directory\n",
                2,
            ),
            (&["seq", "a"], "", "seq: invalid number 'a'\n", 1),
            (&["test", "1", "-eq", "a"], "", "test: a: bad number\n", 2),
            (&["[", "a", "=", "a"], "", "[: missing ]\n", 2),
            (&["false"], "", "", 1),
        ];
        for (cmd, stdin, err, st) in cases {
            let r = t(cmd, stdin);
            assert_eq!(r.1, *err, "{cmd:?}");
            assert_eq!(r.2, *st, "{cmd:?}");
        }
        let (o, e, st) = t(&["wc", "-x"], "");
        assert_eq!(o, "");
        assert!(
            e.starts_with("wc: invalid option -- 'x'\nBusyBox v1.36.1"),
            "{e}"
        );
        assert!(e.contains("Usage: wc [-cmlwL] [FILE]..."));
        assert_eq!(st, 1);
        let (_, e, st) = t(&["seq"], "");
        assert!(e.contains("Usage: seq [-w] [-s SEP] [FIRST [INC]] LAST"));
        assert_eq!(st, 1);
    }

    #[test]
    fn files_through_reader() {
        let mut read = |p: &str| -> Result<String, String> {
            match p {
                "/etc/hosts" => Ok("127.0.0.1 localhost\n10.244.1.5 debug\n".to_string()),
                _ => Err("No such file or directory".to_string()),
            }
        };
        let argv = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let r = run_tool_with_files(&argv(&["grep", "debug", "/etc/hosts"]), "", &mut read);
        assert_eq!(
            r,
            Some(("10.244.1.5 debug\n".to_string(), String::new(), 0))
        );
        let r = run_tool_with_files(&argv(&["wc", "-l", "/etc/hosts"]), "", &mut read);
        assert_eq!(r.unwrap().0, "2 /etc/hosts\n");
        let r = run_tool_with_files(
            &argv(&["wc", "-l", "/etc/hosts", "/etc/hosts"]),
            "",
            &mut read,
        );
        assert_eq!(
            r.unwrap().0,
            "        2 /etc/hosts\n        2 /etc/hosts\n        4 total\n"
        );
        let r = run_tool_with_files(
            &argv(&["grep", "local", "/etc/hosts", "-"]),
            "localx\n",
            &mut read,
        );
        assert_eq!(
            r.unwrap().0,
            "/etc/hosts:127.0.0.1 localhost\n(standard input):localx\n"
        );
        let r = run_tool_with_files(
            &argv(&["head", "-n", "1", "/etc/hosts", "/etc/hosts"]),
            "",
            &mut read,
        );
        assert_eq!(
            r.unwrap().0,
            "==> /etc/hosts <==\n127.0.0.1 localhost\n\n==> /etc/hosts <==\n127.0.0.1 localhost\n"
        );
    }

    #[test]
    fn test_builtin() {
        let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(test(&s(&["-z", ""]), false), Ok(true));
        assert_eq!(test(&s(&["-n", ""]), false), Ok(false));
        assert_eq!(test(&s(&["abc"]), false), Ok(true));
        assert_eq!(test(&s(&[""]), false), Ok(false));
        assert_eq!(test(&s(&[]), false), Ok(false));
        assert_eq!(test(&s(&["!", "a", "=", "b"]), false), Ok(true));
        assert_eq!(test(&s(&["2", "-lt", "10"]), false), Ok(true));
        assert_eq!(
            test(
                &s(&["(", "1", "-eq", "1", ")", "-o", "x", "=", "y", "]"]),
                true
            ),
            Ok(true)
        );
        assert_eq!(test(&s(&["-f", "/etc/hosts"]), false), Ok(false));
    }

    #[test]
    fn regex_is_linear_and_bounded() {
        // classic exponential-backtracking pattern
        let r = Regex::new("(a*)*b", true, false).unwrap();
        let text = "a".repeat(5000);
        assert!(!r.is_match(&text));
        assert!(Regex::new(&"(".repeat(100), true, false).is_err());
        assert!(Regex::new("a{1000}{1000}", true, false).is_err());
        assert!(Regex::new("[z-a]", true, false).is_err());
        assert!(Regex::new("[abc", false, false).is_err());
        let r = Regex::new("x*", false, false).unwrap();
        assert!(r.find_all(&"y".repeat(3000)).is_empty());
        let (o, _, _) = t(&["seq", "1", "0", "5"], "");
        assert!(o.len() <= MAX_TOOL_OUTPUT);
        let (o, e, st) = t(&["seq", "100000000"], "");
        assert!(o.len() <= MAX_TOOL_OUTPUT);
        assert!(!e.is_empty());
        assert_eq!(st, 1);
        let (o, _, _) = t(&["printf", "%99999999d", "1"], "");
        assert!(o.len() <= 20_000);
    }
}

#[cfg(test)]
mod fuzz {
    use super::*;

    /// Deterministic fuzzing of every tool with odd arguments and input.
    #[test]
    fn tools_never_panic() {
        const ARGS: &[&str] = &[
            "-n",
            "-c",
            "-k",
            "2",
            "-t",
            ",",
            "-d",
            "-f",
            "1-",
            "-1",
            "+0",
            "0",
            "-s",
            "[",
            "]",
            "\\",
            "\\x",
            "%",
            "%*d",
            "%.*s",
            "%-",
            "a-",
            "-z",
            "(",
            "*",
            "a{2,1}",
            "[:alpha:]",
            "é",
            "-E",
            "-o",
            "-w",
            "-x",
            "-i",
            "-v",
            "^",
            "$",
            "a|",
            "\\(",
            "1.5",
            "-w",
            "x\\c",
            "%b",
            "-e",
            "'",
            "9999999999999999999999",
            "-r",
            "-u",
            "-b1-",
        ];
        const INPUTS: &[&str] = &["", "\n", "a b\n\tc\n", "é,ü\nx", "1\n10\n2\n", ",,,\n"];
        let mut state: u64 = 0x9E3779B97F4A7C15;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..4000 {
            let tool = TOOLS[(next() % TOOLS.len() as u64) as usize];
            let mut argv = vec![tool.to_string()];
            for _ in 0..(next() % 5) {
                argv.push(ARGS[(next() % ARGS.len() as u64) as usize].to_string());
            }
            let input = INPUTS[(next() % INPUTS.len() as u64) as usize];
            let _ = run_tool(&argv, input);
        }
    }
}
