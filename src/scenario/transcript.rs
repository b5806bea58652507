//! Transcript files: a terminal session written as `$ command` lines followed by
//! the output a real cluster prints (format: TRANSCRIPTS.md in the shared docs).
//!
//! [`parse`] splits a file into entries, [`matches`] compares one command's actual
//! output with its expected block (`[..]` within a line, `...` for whole lines,
//! trailing whitespace and trailing blank lines ignored), [`diff`] explains a
//! mismatch, and [`run_file`] does all of it for a file.

/// One command of a transcript with the output expected from it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// 1-based line number of the `$ ` line.
    pub line_no: usize,
    /// The command line without `$ `; for a heredoc, followed by the body lines
    /// and the delimiter line, joined with `\n` (ready for `Shell::run_script`).
    pub command: String,
    /// Expected output lines (trailing blank lines removed).
    pub expected: Vec<String>,
}

/// The outcome of [`run_file`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileResult {
    /// True when every entry matched.
    pub passed: bool,
    /// For each mismatch: line number, command and a diff. Empty when passed.
    pub report: String,
    /// Number of entries run.
    pub entries: usize,
    /// Number of entries that did not match.
    pub failed: usize,
}

/// The line-ending wildcard: `[..]` matches any characters within a line.
const WILDCARD: &str = "[..]";
/// A line consisting of exactly `...` matches zero or more whole lines.
const ELLIPSIS: &str = "...";

fn is_comment(line: &str) -> bool {
    line.starts_with("# ") || line == "#"
}

fn is_blank(line: &str) -> bool {
    line.trim().is_empty()
}

/// The heredoc delimiter if `cmd` ends with `<<WORD`, `<<-WORD`, `<<'WORD'` or `<<"WORD"`:
/// (delimiter, strip leading tabs).
fn heredoc_delimiter(cmd: &str) -> Option<(String, bool)> {
    let t = cmd.trim_end();
    let idx = t.rfind("<<")?;
    let mut rest = &t[idx + 2..];
    let strip = rest.starts_with('-');
    if strip {
        rest = &rest[1..];
    }
    let rest = rest.trim_start();
    let word = if let Some(r) = rest.strip_prefix('\'') {
        r.strip_suffix('\'')?
    } else if let Some(r) = rest.strip_prefix('"') {
        r.strip_suffix('"')?
    } else {
        rest.strip_prefix('\\').unwrap_or(rest)
    };
    if word.is_empty()
        || !word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
    {
        return None;
    }
    Some((word.to_string(), strip))
}

/// Splits a transcript into entries (TRANSCRIPTS.md §2).
pub fn parse(text: &str) -> Vec<Entry> {
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let mut entries: Vec<Entry> = Vec::new();
    let mut cur: Option<Entry> = None;
    // previous line kind, for the comment rule
    let mut prev_blank = true; // top of file counts as "after a blank line"
    let mut prev_comment = false;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if let Some(cmd) = line.strip_prefix("$ ") {
            if let Some(e) = cur.take() {
                entries.push(finish(e));
            }
            let mut command = cmd.to_string();
            let line_no = i + 1;
            i += 1;
            if let Some((delim, strip)) = heredoc_delimiter(cmd) {
                while i < lines.len() {
                    let body = lines[i];
                    command.push('\n');
                    command.push_str(body);
                    i += 1;
                    let cmp = if strip {
                        body.trim_start_matches('\t')
                    } else {
                        body
                    };
                    if cmp == delim {
                        break;
                    }
                }
            }
            cur = Some(Entry {
                line_no,
                command,
                expected: Vec::new(),
            });
            prev_blank = false;
            prev_comment = false;
            continue;
        }
        if is_comment(line) && (prev_blank || prev_comment || cur.is_none()) {
            // a comment; if it follows a blank line inside an entry's output, that blank
            // line was a separator: drop it.
            if let Some(e) = cur.take() {
                entries.push(finish(e));
            }
            prev_comment = true;
            prev_blank = false;
            i += 1;
            continue;
        }
        if let Some(e) = cur.as_mut() {
            e.expected.push(line.to_string());
        }
        prev_blank = is_blank(line);
        prev_comment = false;
        i += 1;
    }
    if let Some(e) = cur.take() {
        entries.push(finish(e));
    }
    entries
}

fn finish(mut e: Entry) -> Entry {
    while e.expected.last().is_some_and(|l| is_blank(l)) {
        e.expected.pop();
    }
    e
}

/// Lines of an actual output: a missing final newline is supplied, trailing
/// whitespace and trailing blank lines are dropped.
fn actual_lines(actual: &str) -> Vec<&str> {
    let body = actual.strip_suffix('\n').unwrap_or(actual);
    let mut v: Vec<&str> = if actual.is_empty() {
        Vec::new()
    } else {
        body.split('\n').map(|l| l.trim_end()).collect()
    };
    while v.last().is_some_and(|l| l.is_empty()) {
        v.pop();
    }
    v
}

fn expected_lines(expected: &[String]) -> Vec<&str> {
    let mut v: Vec<&str> = expected.iter().map(|l| l.trim_end()).collect();
    while v.last().is_some_and(|l| l.is_empty()) {
        v.pop();
    }
    v
}

/// Whether one expected line (with `[..]` wildcards) matches one actual line.
/// Both are compared without trailing whitespace. Linear in the line length
/// times the number of wildcards (leftmost search of each literal piece).
pub fn line_matches(pattern: &str, actual: &str) -> bool {
    let pattern = pattern.trim_end();
    let actual = actual.trim_end();
    if !pattern.contains(WILDCARD) {
        return pattern == actual;
    }
    let pieces: Vec<&str> = pattern.split(WILDCARD).collect();
    let (Some(first), Some(last)) = (pieces.first(), pieces.last()) else {
        return pattern == actual;
    };
    if !actual.starts_with(first) {
        return false;
    }
    let mut pos = first.len();
    if actual.len() < pos + last.len() {
        return false;
    }
    let end_limit = actual.len() - last.len();
    for mid in &pieces[1..pieces.len() - 1] {
        if mid.is_empty() {
            continue;
        }
        let Some(window) = actual.get(pos..end_limit) else {
            return false;
        };
        match window.find(mid) {
            Some(off) => pos += off + mid.len(),
            None => return false,
        }
    }
    pos <= end_limit && actual.ends_with(last)
}

/// Whether `actual` (what the terminal showed) matches the expected block.
/// `...` lines match any number of lines; the DP keeps one row per expected line,
/// so the cost is O(expected x actual) line comparisons, never exponential.
pub fn matches(expected: &[String], actual: &str) -> bool {
    let pat = expected_lines(expected);
    let act = actual_lines(actual);
    let (p, a) = (pat.len(), act.len());
    // next[j]: pat[i+1..] matches act[j..]
    let mut next = vec![false; a + 1];
    next[a] = true; // empty pattern matches empty rest
    for i in (0..p).rev() {
        let mut row = vec![false; a + 1];
        if pat[i] == ELLIPSIS {
            // row[j] = next[j] || row[j+1]
            row[a] = next[a];
            for j in (0..a).rev() {
                row[j] = next[j] || row[j + 1];
            }
        } else {
            for j in (0..a).rev() {
                row[j] = next[j + 1] && line_matches(pat[i], act[j]);
            }
        }
        next = row;
    }
    next[0]
}

/// A unified-style diff between the expected block and the actual output:
/// ` ` lines match, `-` lines were expected, `+` lines were printed.
pub fn diff(expected: &[String], actual: &str) -> String {
    let pat = expected_lines(expected);
    let act = actual_lines(actual);
    let (p, a) = (pat.len(), act.len());
    let mut out = String::from("--- expected\n+++ actual\n");
    if p.saturating_mul(a) > 4_000_000 {
        for l in &pat {
            out.push_str(&format!("-{l}\n"));
        }
        for l in &act {
            out.push_str(&format!("+{l}\n"));
        }
        return out;
    }
    // LCS where a pattern line "matches" an actual line; `...` matches any run of lines.
    // score[i][j] = best number of aligned lines for pat[i..], act[j..]
    let w = a + 1;
    let mut score = vec![0u32; (p + 1) * w];
    for i in (0..p).rev() {
        for j in (0..=a).rev() {
            let mut best = score[(i + 1) * w + j];
            if j < a {
                best = best.max(score[i * w + j + 1]);
                if pat[i] != ELLIPSIS && line_matches(pat[i], act[j]) {
                    best = best.max(1 + score[(i + 1) * w + j + 1]);
                }
            }
            score[i * w + j] = best;
        }
    }
    let (mut i, mut j) = (0, 0);
    while i < p || j < a {
        if i < p && j < a {
            let here = score[i * w + j];
            if pat[i] != ELLIPSIS
                && line_matches(pat[i], act[j])
                && here == 1 + score[(i + 1) * w + j + 1]
            {
                out.push_str(&format!(" {}\n", act[j]));
                i += 1;
                j += 1;
                continue;
            }
            if pat[i] == ELLIPSIS && here == score[i * w + j + 1] {
                // a line absorbed by `...`
                out.push_str(&format!(" {}\n", act[j]));
                j += 1;
                continue;
            }
            if here == score[(i + 1) * w + j] {
                if pat[i] != ELLIPSIS {
                    out.push_str(&format!("-{}\n", pat[i]));
                }
                i += 1;
            } else {
                out.push_str(&format!("+{}\n", act[j]));
                j += 1;
            }
        } else if i < p {
            if pat[i] != ELLIPSIS {
                out.push_str(&format!("-{}\n", pat[i]));
            }
            i += 1;
        } else {
            out.push_str(&format!("+{}\n", act[j]));
            j += 1;
        }
    }
    out
}

/// Runs every entry through `runner` (which executes the command and returns what
/// the terminal showed) and compares.
pub fn run_file(text: &str, runner: &mut dyn FnMut(&str) -> String) -> FileResult {
    let entries = parse(text);
    let mut report = String::new();
    let mut failed = 0;
    for e in &entries {
        let actual = runner(&e.command);
        if !matches(&e.expected, &actual) {
            failed += 1;
            let first = e.command.lines().next().unwrap_or("");
            report.push_str(&format!(
                "line {}: $ {}\n{}\n",
                e.line_no,
                first,
                diff(&e.expected, &actual)
            ));
        }
    }
    FileResult {
        passed: failed == 0,
        report,
        entries: entries.len(),
        failed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    const EX1: &str = include_str!("../../tests/data/shell/01-clusterip-basics.txt");
    const EX2: &str = include_str!("../../tests/data/shell/02-dns-and-wget-from-pod.txt");

    #[test]
    fn parses_example_one() {
        let e = parse(EX1);
        assert_eq!(e.len(), 10);
        assert_eq!(e[0].line_no, 5);
        assert!(e[0]
            .command
            .starts_with("kubectl apply -f - <<EOF\napiVersion: apps/v1\n"));
        assert!(e[0].command.ends_with("    targetPort: 80\nEOF"));
        assert_eq!(
            e[0].expected,
            s(&["deployment.apps/nginx created", "service/nginx created"])
        );
        assert_eq!(e[1].command, "kubectl rollout status deployment/nginx");
        assert_eq!(e[1].expected[0], "...");
        let last = e.last().unwrap();
        assert_eq!(last.command, "kubectl describe svc nginx");
        assert_eq!(last.expected.len(), 16);
        assert_eq!(last.expected[15], "Events:                   <none>");
    }

    #[test]
    fn parses_example_two_with_separators() {
        let e = parse(EX2);
        assert_eq!(e.len(), 13);
        let resolv = e
            .iter()
            .find(|x| x.command.contains("resolv.conf"))
            .unwrap();
        // the blank line before the comment is a separator, not output
        assert_eq!(resolv.expected.len(), 3);
        let missing = e
            .iter()
            .find(|x| x.command.contains("missing.html"))
            .unwrap();
        assert_eq!(
            missing.expected,
            s(&[
                "wget: server returned error: HTTP/1.1 404 Not Found",
                "command terminated with exit code 1"
            ])
        );
        // a blank line inside output (nginx page) is kept
        let page = &e[4];
        assert_eq!(
            page.command,
            "kubectl exec debug -- wget -qO- -T 2 http://nginx"
        );
        assert!(page.expected.iter().any(|l| l.is_empty()));
        assert_eq!(page.expected.last().unwrap(), "</html>");
        assert_eq!(e.last().unwrap().expected, s(&["10.96.0.1"]));
    }

    #[test]
    fn grammar_details() {
        let t = "# c1\n# c2\n$ a\n$ b\nout\n\n\n$ c <<'END'\nx\n  END\nEND\nres\t1  \n\n# sep\n$ d\n\n\n";
        let e = parse(t);
        assert_eq!(e.len(), 4);
        assert!(e[0].expected.is_empty());
        assert_eq!(e[1].expected, s(&["out"]));
        assert_eq!(e[2].command, "c <<'END'\nx\n  END\nEND");
        assert_eq!(e[2].expected, s(&["res\t1  "]));
        assert!(e[3].expected.is_empty());
        // "# " right after output is output, not a comment
        let e = parse("$ a\nx\n# not a comment\n");
        assert_eq!(e[0].expected, s(&["x", "# not a comment"]));
        // <<- strips tabs when looking for the delimiter
        let e = parse("$ cat <<-EOF\n\tx\n\tEOF\ny\n");
        assert_eq!(e[0].command, "cat <<-EOF\n\tx\n\tEOF");
        assert_eq!(e[0].expected, s(&["y"]));
    }

    #[test]
    fn matching_table() {
        let cases: &[(&[&str], &str, bool)] = &[
            (&[], "", true),
            (&[], "\n\n", true),
            (&[], "x\n", false),
            (&["a"], "a", true),
            (&["a"], "a\n", true),
            (&["a  "], "a\n", true),
            (&["a"], "a   \n\n\n", true),
            (&["a", ""], "a\n", true),
            (&["a"], "b\n", false),
            (&["a", "b"], "a\n", false),
            (&["a"], "a\nb\n", false),
            (&["a\tb"], "a\tb\n", true),
            (&["a\tb"], "a    b\n", false),
            (&["a  b"], "a b\n", false),
            (&["x[..]"], "x\n", true),
            (&["x[..]"], "xyz\n", true),
            (&["[..]z"], "xyz\n", true),
            (&["[..]"], "\n", false),
            (&["[..]"], "", false),
            (&["a[..]b[..]c"], "a1b2c\n", true),
            (&["a[..]b[..]c"], "abc\n", true),
            (&["a[..]b[..]c"], "acb\n", false),
            (&["ab[..]ba"], "aba\n", false),
            (&["ab[..]ba"], "abba\n", true),
            (&["10.[..]:80,[..]:80"], "10.0.0.1:80,10.0.0.2:80\n", true),
            (&["nginx-[..]   IPv4"], "nginx-abcde   IPv4\n", true),
            (&["nginx-[..]   IPv4"], "nginx-abcde  IPv4\n", false),
            (&["[..]"], "a\nb\n", false),
            (&["..."], "", true),
            (&["..."], "a\nb\nc\n", true),
            (&["...", "done"], "a\nb\ndone\n", true),
            (&["...", "done"], "done\n", true),
            (&["...", "done"], "a\ndone\nb\n", false),
            (&["start", "..."], "start\nx\ny\n", true),
            (&["start", "..."], "x\nstart\n", false),
            (&["a", "...", "z"], "a\nz\n", true),
            (&["a", "...", "z"], "a\n1\n2\nz\n", true),
            (&["a", "...", "z"], "a\n1\n2\n", false),
            (&["a", "...", "m", "...", "z"], "a\nm\n1\nz\n", true),
            (&["a", "...", "m", "...", "z"], "a\n1\nz\n", false),
            (&["...", "x[..]"], "q\nxx\n", true),
            (&["x", "..."], "y\n", false),
        ];
        for (exp, act, want) in cases {
            let exp = s(exp);
            assert_eq!(
                matches(&exp, act),
                *want,
                "expected {exp:?} vs actual {act:?}"
            );
        }
    }

    #[test]
    fn matching_is_not_exponential() {
        let exp: Vec<String> = std::iter::repeat_n("...".to_string(), 200)
            .chain(std::iter::once("never".to_string()))
            .collect();
        let actual = "x\n".repeat(2000);
        assert!(!matches(&exp, &actual));
        let pat = format!("{}b", "a[..]".repeat(500));
        assert!(!line_matches(&pat, &"a".repeat(5000)));
        assert!(line_matches(&pat, &format!("{}b", "a".repeat(5000))));
    }

    #[test]
    fn diff_shows_changes() {
        let exp = s(&["NAME   READY", "nginx  1/1", "end"]);
        let d = diff(&exp, "NAME   READY\nnginx  0/1\nend\n");
        assert_eq!(
            d,
            "--- expected\n+++ actual\n NAME   READY\n-nginx  1/1\n+nginx  0/1\n end\n"
        );
        // lines absorbed by `...` are context; a missing last line is shown
        let exp = s(&["start", "...", "done"]);
        let d = diff(&exp, "start\nwaiting\nwaiting\n");
        assert_eq!(
            d,
            "--- expected\n+++ actual\n start\n waiting\n waiting\n-done\n"
        );
        let exp = s(&["a[..]", "b"]);
        let d = diff(&exp, "a1\nc\n");
        assert_eq!(d, "--- expected\n+++ actual\n a1\n-b\n+c\n");
        let d = diff(&s(&["a"]), "");
        assert_eq!(d, "--- expected\n+++ actual\n-a\n");
    }

    #[test]
    fn run_file_reports_mismatches() {
        let t = "# t\n$ echo a\na\n$ echo b\nc\n$ true\n";
        let mut runner = |cmd: &str| -> String {
            match cmd {
                "echo a" => "a\n".to_string(),
                "echo b" => "b\n".to_string(),
                _ => String::new(),
            }
        };
        let r = run_file(t, &mut runner);
        assert!(!r.passed);
        assert_eq!(r.entries, 3);
        assert_eq!(r.failed, 1);
        assert_eq!(
            r.report,
            "line 4: $ echo b\n--- expected\n+++ actual\n-c\n+b\n\n"
        );
        let r = run_file("$ echo a\na\n", &mut runner);
        assert!(r.passed);
        assert!(r.report.is_empty());
    }
}
