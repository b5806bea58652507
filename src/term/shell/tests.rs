use super::*;

/// A host that knows a few programs: `args` prints its argv (one per line, in
/// brackets), `cat` copies stdin, `fail N` exits N, `err MSG` writes to stderr,
/// `env NAME` prints an exported variable, `sh -c` runs a child shell, the busybox
/// text tools, and anything else is "not found" in the dialect's words.
struct TestHost {
    dialect: Dialect,
    ran: Vec<Vec<String>>,
}

impl TestHost {
    fn new(dialect: Dialect) -> TestHost {
        TestHost {
            dialect,
            ran: Vec::new(),
        }
    }
}

impl Host for TestHost {
    fn run(&mut self, argv: &[String], stdin: &str, env: &Env, out: &mut Output) -> i32 {
        self.ran.push(argv.to_vec());
        let args = &argv[1..];
        match argv[0].as_str() {
            "args" => {
                for a in args {
                    out.out(&format!("[{a}]\n"));
                }
                0
            }
            "fail" => args.first().and_then(|a| a.parse().ok()).unwrap_or(1),
            "err" => {
                out.err(&format!("{}\n", args.join(" ")));
                0
            }
            "both" => {
                out.out("o1\n");
                out.err("e1\n");
                out.out("o2\n");
                1
            }
            "env" => {
                for a in args {
                    let v = env
                        .exported_vars()
                        .into_iter()
                        .find(|(k, _)| k == a)
                        .map(|(_, v)| v)
                        .unwrap_or_else(|| "<unset>".to_string());
                    out.out(&format!("{a}={v}\n"));
                }
                0
            }
            "sh" => {
                let mut child = Shell::child_of(env, Dialect::BusyboxAsh);
                if args.first().map(|s| s.as_str()) == Some("-c") {
                    let script = args.get(1).cloned().unwrap_or_default();
                    if let Some(a0) = args.get(2) {
                        child.env.arg0 = a0.clone();
                    }
                    child.env.positional = args.iter().skip(3).cloned().collect();
                    child.run_script(&script, self, out)
                } else {
                    let mut o = Output::new();
                    let st = child.run_script_with_stdin(stdin, "", self, &mut o);
                    out.append(o);
                    st
                }
            }
            _ => match crate::term::tools::run_tool(argv, stdin) {
                Some((o, e, st)) => {
                    out.out(&o);
                    out.err(&e);
                    st
                }
                None => {
                    let dialect = if env.depth() > 0 {
                        Dialect::BusyboxAsh
                    } else {
                        self.dialect
                    };
                    match dialect {
                        Dialect::Bash => {
                            out.err(&format!("bash: {}: command not found\n", argv[0]))
                        }
                        Dialect::BusyboxAsh => out.err(&format!("sh: {}: not found\n", argv[0])),
                    }
                    127
                }
            },
        }
    }
}

fn run_d(dialect: Dialect, script: &str) -> (String, i32) {
    let mut sh = Shell::new(dialect);
    let mut host = TestHost::new(dialect);
    let mut out = Output::new();
    let st = sh.run_script(script, &mut host, &mut out);
    (out.combined(), st)
}

fn run(script: &str) -> (String, i32) {
    run_d(Dialect::Bash, script)
}

/// Outputs checked against GNU bash 5.2 on the same scripts; busybox ash has no brace
/// expansion.
#[test]
fn brace_expansion_in_bash_only() {
    let cases: &[(&str, &str)] = &[
        ("args {a,b}-{1..2}", "[a-1]\n[a-2]\n[b-1]\n[b-2]\n"),
        ("args {5..1..2} {a..c}", "[5]\n[3]\n[1]\n[a]\n[b]\n[c]\n"),
        (
            "args x{}y {1} a{b}c \"{1..2}\" '{a,b}'",
            "[x{}y]\n[{1}]\n[a{b}c]\n[{1..2}]\n[{a,b}]\n",
        ),
        ("for i in {1..3}; do args $i; done", "[1]\n[2]\n[3]\n"),
    ];
    for (script, want) in cases {
        assert_eq!(run(script).0, *want, "{script}");
    }
    assert_eq!(run_d(Dialect::BusyboxAsh, "args {1..2}").0, "[{1..2}]\n");
}

/// Outputs checked against GNU findutils xargs 4.9.
#[test]
fn xargs_runs_the_command_with_stdin_words() {
    let cases: &[(&str, &str)] = &[
        ("echo 1 2 3 | xargs -n 2 args", "[1]\n[2]\n[3]\n"),
        ("echo a b | xargs -I{} args x{}y", "[xa by]\n"),
        ("echo | xargs -r args; echo $?", "0\n"),
        ("printf 'a\\nb\\n' | xargs", "a b\n"),
    ];
    for (script, want) in cases {
        assert_eq!(run(script).0, *want, "{script}");
    }
}

#[test]
fn quoting_and_expansion() {
    let cases: &[(&str, &str)] = &[
        ("args a b", "[a]\n[b]\n"),
        ("args 'a b' \"c d\"", "[a b]\n[c d]\n"),
        ("args a\\ b", "[a b]\n"),
        ("args 'it''s'", "[its]\n"),
        ("args \"it's\"", "[it's]\n"),
        ("args 'a\"b'", "[a\"b]\n"),
        ("args \"a\\\"b\"", "[a\"b]\n"),
        ("args \"a\\$b\\\\c\\d\"", "[a$b\\c\\d]\n"),
        ("args '$HOME' \"\"", "[$HOME]\n[]\n"),
        (
            "X=1; args $X \"$X\" ${X} \"${X}y\" $Xy",
            "[1]\n[1]\n[1]\n[1y]\n",
        ),
        ("X='a  b'; args $X \"$X\"", "[a]\n[b]\n[a  b]\n"),
        ("args $UNSET \"$UNSET\"", "[]\n"),
        (
            "args $(echo hi there) \"$(echo hi there)\"",
            "[hi]\n[there]\n[hi there]\n",
        ),
        ("args \"$(echo \"inner quoted\")\"", "[inner quoted]\n"),
        ("args $(echo $(echo nested))", "[nested]\n"),
        ("args `echo back`", "[back]\n"),
        ("args \"$(printf 'a\\n\\n\\n')\"", "[a]\n"),
        ("args '$(not)' \"\\$(not)\"", "[$(not)]\n[$(not)]\n"),
        ("args a#b #comment", "[a#b]\n"),
        ("args $", "[$]\n"),
        (
            "args ${X:-def} ${X-d2}; X=; args ${X:-def} \"${X-d2}\"",
            "[def]\n[d2]\n[def]\n[]\n",
        ),
        ("X=abc; args ${#X} ${X:+alt} ${Y:+alt}", "[3]\n[alt]\n"),
        ("args $((1 + 2 * 3)) $(( (1+2)*3 ))", "[7]\n[9]\n"),
        ("N=5; args $((N - 1)) $(($N*2))", "[4]\n[10]\n"),
        ("args a\\\nb", "[ab]\n"),
        ("args \"line1\nline2\"", "[line1\nline2]\n"),
        ("args x=1", "[x=1]\n"),
        ("args *", "[*]\n"),
    ];
    for (script, want) in cases {
        let (got, st) = run(script);
        assert_eq!(got, *want, "script: {script}");
        assert_eq!(st, 0, "script: {script}");
    }
}

#[test]
fn status_and_control_flow() {
    let cases: &[(&str, &str, i32)] = &[
        ("true && echo yes || echo no", "yes\n", 0),
        ("false && echo yes || echo no", "no\n", 0),
        ("false || false && echo x", "", 1),
        ("fail 3; echo $?", "3\n", 0),
        ("fail 3 || echo $?", "3\n", 0),
        ("true && fail 4", "", 4),
        ("! true; echo $?", "1\n", 0),
        ("! fail 2", "", 0),
        ("echo a; exit 3; echo b", "a\n", 3),
        ("exit 300", "", 44),
        ("(exit 5); echo $?", "5\n", 0),
        ("X=$(exit 7); echo $?", "7\n", 0),
        ("for x in a b c; do echo $x; done", "a\nb\nc\n", 0),
        (
            "for x in 1 2 3\ndo\n  echo \"n=$x\"\ndone",
            "n=1\nn=2\nn=3\n",
            0,
        ),
        ("for x in $(seq 3); do echo $x; done", "1\n2\n3\n", 0),
        (
            "for x in a b c; do [ $x = b ] && continue; echo $x; done",
            "a\nc\n",
            0,
        ),
        (
            "for x in a b c; do [ $x = b ] && break; echo $x; done",
            "a\n",
            0,
        ),
        (
            "for i in 1 2; do for j in a b; do [ $j = b ] && continue 2; echo $i$j; done; done",
            "1a\n2a\n",
            0,
        ),
        ("for x in; do echo no; done; echo $?", "0\n", 0),
        ("if true; then echo t; else echo f; fi", "t\n", 0),
        (
            "if false; then echo t; elif true; then echo e; else echo f; fi",
            "e\n",
            0,
        ),
        ("if false; then echo t; fi; echo $?", "0\n", 0),
        ("if [ 3 -gt 2 ]; then echo big; fi", "big\n", 0),
        (
            "i=0; while [ $i -lt 3 ]; do echo $i; i=$((i+1)); done",
            "0\n1\n2\n",
            0,
        ),
        (
            "i=0; until [ $i -ge 2 ]; do i=$((i+1)); done; echo $i",
            "2\n",
            0,
        ),
        ("{ echo a; echo b; } | wc -l", "2\n", 0),
        ("X=1; (X=2; echo $X); echo $X", "2\n1\n", 0),
        ("X=1; echo hi | X=2 cat; echo $X", "hi\n1\n", 0),
        (
            "printf 'a b\\nc d\\n' | while read x y; do echo \"$y-$x\"; done",
            "b-a\nd-c\n",
            0,
        ),
        (
            "read a <<EOF\nhello world\nEOF\necho $a",
            "hello world\n",
            0,
        ),
        ("echo -n a; echo b", "ab\n", 0),
        ("echo -e 'a\\tb'", "a\tb\n", 0),
        ("printf '%s=%d\\n' a 1 b 2", "a=1\nb=2\n", 0),
        ("printf '%5s|%-3s|%03d\\n' x y 7", "    x|y  |007\n", 0),
        (
            "test -z '' && test -n x && [ a != b ] && echo ok",
            "ok\n",
            0,
        ),
        ("[ 1 -eq 1 -a 2 -eq 3 ]; echo $?", "1\n", 0),
        ("cd /; pwd", "/\n", 0),
        ("eval 'echo $((2+2))'", "4\n", 0),
        ("set -- a b c; echo $# $2 \"$@\"", "3 b a b c\n", 0),
        (": ; echo $?", "0\n", 0),
        ("echo a & echo b", "a\nb\n", 0),
    ];
    for (script, want, st) in cases {
        let (got, code) = run(script);
        assert_eq!(got, *want, "script: {script}");
        assert_eq!(code, *st, "script: {script}");
    }
}

#[test]
fn assignments_and_export() {
    let (got, _) = run("A=1; env A; export A; env A; B=2 env B; env B; export C=3; env C");
    assert_eq!(got, "A=<unset>\nA=1\nB=2\nB=<unset>\nC=3\n");
    // prefix assignment restores the old value
    let (got, _) = run("B=1; B=2 env B; echo $B");
    assert_eq!(got, "B=2\n1\n");
    let mut sh = Shell::new(Dialect::Bash);
    let mut host = TestHost::new(Dialect::Bash);
    let mut out = Output::new();
    sh.run_script("X=kept", &mut host, &mut out);
    sh.run_script("echo $X", &mut host, &mut out);
    assert_eq!(out.combined(), "kept\n");
    assert_eq!(sh.env.get("X"), Some("kept"));
}

#[test]
fn pipes_and_stderr_order() {
    let (got, st) = run("seq 5 | sort -r | head -n 2");
    assert_eq!((got.as_str(), st), ("5\n4\n", 0));
    // stderr of each stage goes straight out, in order; stdout flows on
    let mut sh = Shell::new(Dialect::Bash);
    let mut host = TestHost::new(Dialect::Bash);
    let mut out = Output::new();
    let st = sh.run_script("both | cat", &mut host, &mut out);
    assert_eq!(st, 0);
    assert_eq!(
        out.chunks,
        vec![
            (Stream::Err, "e1\n".to_string()),
            (Stream::Out, "o1\no2\n".to_string())
        ]
    );
    // without a pipe, order is kept as written
    let mut out = Output::new();
    sh.run_script("both", &mut host, &mut out);
    assert_eq!(out.combined(), "o1\ne1\no2\n");
    assert_eq!(out.stdout_text(), "o1\no2\n");
    // status of a pipeline is the last stage's
    assert_eq!(run("fail 3 | true").1, 0);
    assert_eq!(run("true | fail 3").1, 3);
    // load-balancing idiom
    let (got, _) = run("for i in $(seq 30); do echo pod-$((i % 3)); done | sort -u | wc -l");
    assert_eq!(got, "3\n");
}

#[test]
fn redirections() {
    let cases: &[(&str, &str, i32)] = &[
        ("both > /dev/null", "e1\n", 1),
        ("both 2>/dev/null", "o1\no2\n", 1),
        ("both >/dev/null 2>&1", "", 1),
        ("both 2>&1 >/dev/null", "e1\n", 1),
        ("both &>/dev/null", "", 1),
        ("both 2>&1 | wc -l", "3\n", 0),
        ("both | wc -l", "e1\n2\n", 0),
        ("echo hi >&2", "hi\n", 0),
        ("cat < /dev/null; echo x", "x\n", 0),
        ("{ echo a; err b; } 2>/dev/null", "a\n", 0),
        ("for i in 1 2; do err $i; done 2>&1 | wc -l", "2\n", 0),
    ];
    for (script, want, st) in cases {
        let (got, code) = run(script);
        assert_eq!(got, *want, "script: {script}");
        assert_eq!(code, *st, "script: {script}");
    }
    let (got, st) = run("echo x > /tmp/file; echo after");
    assert_eq!(got, "bash: /tmp/file: Read-only file system\nafter\n");
    assert_eq!(st, 0);
    let (got, st) = run_d(Dialect::BusyboxAsh, "echo x > /tmp/file");
    assert_eq!(got, "sh: can't create /tmp/file: Read-only file system\n");
    assert_eq!(st, 1);
    let (got, _) = run_d(Dialect::BusyboxAsh, "cat < /nonexist");
    assert_eq!(got, "sh: can't open /nonexist: no such file\n");
    let (got, _) = run("cat < /nonexist");
    assert_eq!(got, "bash: /nonexist: No such file or directory\n");
}

#[test]
fn heredocs() {
    let cases: &[(&str, &str)] = &[
        ("cat <<EOF\nhello\n  world\nEOF", "hello\n  world\n"),
        ("X=v; cat <<EOF\nx=$X $(echo sub) \\$X\nEOF", "x=v sub $X\n"),
        (
            "X=v; cat <<'EOF'\nx=$X $(echo sub)\nEOF",
            "x=$X $(echo sub)\n",
        ),
        ("X=v; cat <<\"EOF\"\nx=$X\nEOF", "x=$X\n"),
        ("cat <<-EOF\n\tindented\n\tEOF", "indented\n"),
        ("cat <<EOF | wc -l\na\nb\nEOF", "2\n"),
        ("cat <<A; cat <<B\n1\nA\n2\nB", "1\n2\n"),
        ("cat <<EOF\nno end", "no end\n"),
        ("cat <<EOF\n\nEOF\necho after", "\nafter\n"),
        ("cat <<EOF\nEOF", ""),
    ];
    for (script, want) in cases {
        let (got, st) = run(script);
        assert_eq!(got, *want, "script: {script:?}");
        assert_eq!(st, 0, "script: {script:?}");
    }
}

#[test]
fn transcript_style_heredoc_reaches_host_stdin() {
    let mut sh = Shell::new(Dialect::Bash);
    let mut host = TestHost::new(Dialect::Bash);
    let mut out = Output::new();
    let script = "cat - <<EOF\napiVersion: v1\nkind: Service\nmetadata:\n  name: $NAME\nEOF";
    sh.env.set("NAME", "web");
    sh.run_script(script, &mut host, &mut out);
    assert_eq!(
        out.combined(),
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n"
    );
    assert_eq!(host.ran, vec![vec!["cat".to_string(), "-".to_string()]]);
}

#[test]
fn sh_c_through_host() {
    let cases: &[(&str, &str, i32)] = &[
        ("sh -c 'echo $((1+1)); exit 3'; echo $?", "2\n3\n", 0),
        ("sh -c 'for i in 1 2; do echo $i; done | wc -l'", "2\n", 0),
        ("X=1; export Y=2; sh -c 'echo \"[$X][$Y]\"'", "[][2]\n", 0),
        ("sh -c 'echo $0 $1' zero one", "zero one\n", 0),
        ("sh -c 'nosuch'", "sh: nosuch: not found\n", 127),
        ("nosuch", "bash: nosuch: command not found\n", 127),
        ("sh -c 'a ;; b'", "sh: syntax error: unexpected \";;\"\n", 2),
        ("echo 'echo from stdin' | sh", "from stdin\n", 0),
        ("sh -c \"sh -c 'echo deep'\"", "deep\n", 0),
    ];
    for (script, want, st) in cases {
        let (got, code) = run(script);
        assert_eq!(got, *want, "script: {script}");
        assert_eq!(code, *st, "script: {script}");
    }
    // runaway recursion through the host stops
    let (got, st) = run("X='sh -c \"$X\"'; export X; sh -c \"$X\"");
    assert!(got.contains("too many nested shells"), "{got}");
    assert_ne!(st, 0);
}

#[test]
fn syntax_errors_in_both_dialects() {
    // (script, bash message, busybox message); verified against bash 5.2 (interactive)
    // and busybox 1.35 `sh -c`.
    let cases: &[(&str, &str, &str)] = &[
        (
            "a ;; b",
            "bash: syntax error near unexpected token `;;'",
            "sh: syntax error: unexpected \";;\"",
        ),
        (
            "fi",
            "bash: syntax error near unexpected token `fi'",
            "sh: syntax error: unexpected \"fi\"",
        ),
        (
            "done",
            "bash: syntax error near unexpected token `done'",
            "sh: syntax error: unexpected \"done\"",
        ),
        (
            ")",
            "bash: syntax error near unexpected token `)'",
            "sh: syntax error: unexpected \")\"",
        ),
        (
            "; echo",
            "bash: syntax error near unexpected token `;'",
            "sh: syntax error: unexpected \";\"",
        ),
        (
            "| a",
            "bash: syntax error near unexpected token `|'",
            "sh: syntax error: unexpected \"|\"",
        ),
        (
            "a && && b",
            "bash: syntax error near unexpected token `&&'",
            "sh: syntax error: unexpected \"&&\"",
        ),
        (
            "if true; then fi",
            "bash: syntax error near unexpected token `fi'",
            "sh: syntax error: unexpected \"fi\"",
        ),
        (
            "echo >\necho",
            "bash: syntax error near unexpected token `newline'",
            "sh: syntax error: unexpected newline",
        ),
        (
            "echo a |",
            "bash: syntax error: unexpected end of file",
            "sh: syntax error: unexpected end of file",
        ),
        (
            "if true; then",
            "bash: syntax error: unexpected end of file",
            "sh: syntax error: unexpected end of file (expecting \"fi\")",
        ),
        (
            "while",
            "bash: syntax error: unexpected end of file",
            "sh: syntax error: unexpected end of file (expecting \"do\")",
        ),
        (
            "{ echo a",
            "bash: syntax error: unexpected end of file",
            "sh: syntax error: unexpected end of file (expecting \"}\")",
        ),
        (
            "echo \"abc",
            "bash: unexpected EOF while looking for matching `\"'",
            "sh: syntax error: unterminated quoted string",
        ),
        (
            "echo 'abc",
            "bash: unexpected EOF while looking for matching `''",
            "sh: syntax error: unterminated quoted string",
        ),
        (
            "echo $(",
            "bash: unexpected EOF while looking for matching `)'",
            "sh: syntax error: unexpected end of file (expecting \")\")",
        ),
        (
            "echo `ab",
            "bash: unexpected EOF while looking for matching ``'",
            "sh: syntax error: EOF in backquote substitution",
        ),
        (
            "echo ${x",
            "bash: unexpected EOF while looking for matching `}'",
            "sh: syntax error: missing '}'",
        ),
        (
            "echo $(( 1 + ",
            "bash: unexpected EOF while looking for matching `)'",
            "sh: syntax error: missing '))'",
        ),
    ];
    for (script, bash, ash) in cases {
        let (got, st) = run_d(Dialect::Bash, script);
        assert_eq!(got, format!("{bash}\n"), "bash: {script:?}");
        assert_eq!(st, 2, "bash: {script:?}");
        let (got, st) = run_d(Dialect::BusyboxAsh, script);
        assert_eq!(got, format!("{ash}\n"), "ash: {script:?}");
        assert_eq!(st, 2, "ash: {script:?}");
    }
    // nothing runs when the script does not parse
    let (got, _) = run("echo first; fi");
    assert_eq!(got, "bash: syntax error near unexpected token `fi'\n");
    assert!(Shell::needs_more_input("echo 'abc"));
    assert!(Shell::needs_more_input("for x in a; do"));
    assert!(!Shell::needs_more_input("a ;; b"));
    assert!(!Shell::needs_more_input("echo ok"));
}

#[test]
fn runtime_messages() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "[ 1 -eq a ]",
            "bash: [: a: integer expression expected\n",
            "sh: a: bad number\n",
        ),
        ("[ a = b", "bash: [: missing `]'\n", "sh: missing ]\n"),
        (
            "printf '%d\\n' abc",
            "bash: printf: abc: invalid number\n0\n",
            "sh: invalid number 'abc'\n0\n",
        ),
        (
            "exit abc",
            "bash: exit: abc: numeric argument required\n",
            "sh: exit: line 1: Illegal number: abc\n",
        ),
        (
            "cd /nonexist",
            "bash: cd: /nonexist: No such file or directory\n",
            "sh: cd: line 1: can't cd to /nonexist: No such file or directory\n",
        ),
    ];
    for (script, bash, ash) in cases {
        assert_eq!(run_d(Dialect::Bash, script).0, *bash, "bash: {script}");
        assert_eq!(run_d(Dialect::BusyboxAsh, script).0, *ash, "ash: {script}");
    }
}

#[test]
fn hostile_inputs_do_not_hang_or_panic() {
    let deep_subst = format!("echo {}x{}", "$(echo ".repeat(200), ")".repeat(200));
    let deep_if = format!("{}true{}", "if true; then ".repeat(200), "; fi".repeat(200));
    let deep_group = format!("{}true{}", "{ ".repeat(500), "; }".repeat(500));
    let deep_sub = format!("{}true{}", "(".repeat(500), ")".repeat(500));
    let deep_arith = format!("echo $(({}1{}))", "(".repeat(500), ")".repeat(500));
    let deep_param = format!("echo {}x{}", "${a:-".repeat(300), "}".repeat(300));
    let scripts: Vec<String> = vec![
        deep_subst,
        deep_if,
        deep_group,
        deep_sub,
        deep_arith,
        deep_param,
        "for i in $(seq 100000); do :; done".to_string(),
        "while true; do :; done".to_string(),
        "for i in $(seq 5000); do for j in $(seq 5000); do :; done; done".to_string(),
        "x=a; while true; do x=$x$x; done".to_string(),
        "yes() { :; }".to_string(),
        "echo \"unterminated".to_string(),
        "echo ${".to_string(),
        "echo ${!x}".to_string(),
        "echo $((1/0))".to_string(),
        "echo $((".to_string(),
        "cat <<".to_string(),
        "9999999999>x".to_string(),
        ">".to_string(),
        "&&".to_string(),
        "\\".to_string(),
        "'".to_string(),
        "`".to_string(),
        "$(".to_string(),
        "\"$(\"".to_string(),
        "echo \u{1F600} ${x:-é}".to_string(),
        "seq 1 0 5 | head -1".to_string(),
        "break 0; continue x".to_string(),
        "shift 5; set -e; exec".to_string(),
        "printf '%*d' 999999999 1".to_string(),
        "printf '%s' $(seq 1000) | wc -c".to_string(),
        "for x in a; do".to_string(),
        "a=b=c; echo $a".to_string(),
        "(((".to_string(),
        "1>&".to_string(),
        "echo 2>&9".to_string(),
    ];
    for s in &scripts {
        for d in [Dialect::Bash, Dialect::BusyboxAsh] {
            let (out, _) = run_d(d, s);
            assert!(out.len() <= MAX_OUTPUT + 200, "script {s:?}");
        }
    }
    let (out, st) = run("for i in $(seq 100000); do :; done");
    assert!(out.contains("too many items"), "{out}");
    assert_eq!(st, 1);
    let (out, _) = run("while true; do :; done");
    assert!(out.contains("too many iterations"), "{out}");
    let (out, st) = run("x=a; while true; do x=$x$x; done");
    assert_eq!(out, "bash: out of memory: word longer than 1048576 bytes\n");
    assert_eq!(st, 1);
    let (out, _) = run("for i in $(seq 9000); do for j in $(seq 9000); do :; done; done");
    assert!(out.contains("too much work"), "{out}");
    let (out, st) = run("echo $((1/0))");
    assert_eq!(out, "bash: 1/0: division by 0\n");
    assert_eq!(st, 1);
    // huge output is truncated with an error, not kept
    let mut sh = Shell::new(Dialect::BusyboxAsh);
    let mut host = TestHost::new(Dialect::BusyboxAsh);
    let mut out = Output::new();
    sh.run_script(
        "x=0123456789; x=$x$x$x$x$x$x$x$x$x$x; x=$x$x$x$x$x$x$x$x$x$x; x=$x$x$x$x$x$x$x$x$x$x; for i in $(seq 5000); do echo $x; done",
        &mut host,
        &mut out,
    );
    assert!(out.is_truncated());
    assert!(out.combined().len() <= MAX_OUTPUT + 200);
}

#[test]
fn output_api() {
    let mut o = Output::new();
    o.out("a");
    o.out("b");
    o.err("c");
    o.out("d");
    assert_eq!(o.chunks.len(), 3);
    assert_eq!(o.stdout_text(), "abd");
    assert_eq!(o.stderr_text(), "c");
    assert_eq!(o.combined(), "abcd");
}

/// Deterministic fuzzing: random scripts built from shell fragments must never
/// panic, and must finish.
#[test]
fn fuzz_scripts_never_panic() {
    const FRAGS: &[&str] = &[
        "echo", " ", "a", "'", "\"", "$", "(", ")", "{", "}", "`", "\\", "|", "||", "&&", ";",
        ";;", "&", "<", ">", ">>", "2>&1", "<<", "EOF", "\n", "#", "$(", "${", "$((", "))", "x",
        "=", "for", "in", "do", "done", "if", "then", "else", "fi", "while", "seq 3", "wc -l",
        "sort", "grep a", "sh -c", "!", "-", "[", "]", "*", ":-", "}", "%", "printf", "%d", "read",
        "exit", "break", "é", "\t", "1", "0",
    ];
    let mut state: u64 = 0x2545F4914F6CDD1D;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..1500 {
        let n = (next() % 24) as usize + 1;
        let mut script = String::new();
        for _ in 0..n {
            script.push_str(FRAGS[(next() % FRAGS.len() as u64) as usize]);
        }
        let d = if next() % 2 == 0 {
            Dialect::Bash
        } else {
            Dialect::BusyboxAsh
        };
        let _ = run_d(d, &script);
        let _ = Shell::needs_more_input(&script);
    }
}
