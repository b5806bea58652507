//! What a container's command does over time when it waits with `sleep` (busybox
//! `sleep 5`, `sh -c 'echo start; sleep 3600'`, the docs' `while true; do ...; sleep 5;
//! done` loops): the parts between the sleeps, when each is due, and when the main
//! process ends. The kubelet runs each part through the in-pod tools when it falls due
//! (`kubelet::script_tick`). Commands without a sleep are `kubelet::one_shot`'s.

use super::Millis;

/// The condition of an `until` loop and what runs after the loop.
#[derive(Debug, Clone, PartialEq)]
pub struct Until {
    pub cond: String,
    pub after: String,
}

/// A command laid out on the clock, offsets from the container's start.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// Shell text to run and when (consecutive commands between two sleeps are one part).
    pub parts: Vec<(Millis, String)>,
    pub end: End,
}

#[derive(Debug, Clone, PartialEq)]
pub enum End {
    /// The main process exits after its last part.
    ExitAt(Millis),
    /// `while true; do BODY; sleep N; done`: BODY first at `start`, then every `period`.
    /// With `until`, `until COND; do BODY; sleep N; done; AFTER`: each round runs COND
    /// first, and once it succeeds AFTER runs and the process exits (the init-container
    /// pattern `until nslookup myservice; do echo waiting; sleep 2; done`).
    Repeat {
        start: Millis,
        period: Millis,
        body: String,
        until: Option<Until>,
    },
    /// `sleep infinity`: it never ends.
    Never,
}

/// The plan for a container's command line, or `None` when it has no sleep or does
/// something this model cannot time (then the container just runs, or
/// `kubelet::one_shot` handles it).
pub fn plan(argv: &[String], finite: impl Fn(&str) -> bool) -> Option<Plan> {
    let base = |w: &str| w.rsplit('/').next().unwrap_or(w).to_string();
    let first = base(argv.first()?);
    match first.as_str() {
        "sleep" => {
            let end = match sleep_ms(argv.get(1)?)? {
                Some(ms) => End::ExitAt(ms),
                None => End::Never,
            };
            Some(Plan {
                parts: Vec::new(),
                end,
            })
        }
        "sh" | "ash" | "bash" if argv.get(1).map(String::as_str) == Some("-c") => {
            script_plan(argv.get(2)?, &finite)
        }
        _ => None,
    }
}

/// busybox `sleep` (FEATURE_FANCY_SLEEP, FLOAT_DURATION): `N`, `N.N`, suffixes s m h d,
/// several arguments added up; `inf`/`infinity` for ever (`Some(None)`).
fn sleep_ms(arg: &str) -> Option<Option<Millis>> {
    if arg.eq_ignore_ascii_case("inf") || arg.eq_ignore_ascii_case("infinity") {
        return Some(None);
    }
    let (number, unit) = match arg.strip_suffix(['s', 'm', 'h', 'd']) {
        Some(n) => (n, arg.chars().last().unwrap_or('s')),
        None => (arg, 's'),
    };
    let seconds: f64 = number
        .parse()
        .ok()
        .filter(|s: &f64| s.is_finite() && *s >= 0.0)?;
    let scale = match unit {
        'm' => 60.0,
        'h' => 3600.0,
        'd' => 86400.0,
        _ => 1.0,
    };
    // Beyond a year is for ever as far as a playground is concerned.
    let ms = seconds * scale * 1000.0;
    Some((ms < 365.0 * 86_400_000.0).then_some(ms as Millis))
}

/// Splits a script into its top-level commands at `;`, `&&`, `||` and newlines,
/// outside quotes.
fn statements(script: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut chars = script.chars().peekable();
    while let Some(ch) = chars.next() {
        match (quote, ch) {
            (Some(q), c) if c == q => {
                quote = None;
                cur.push(c);
            }
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some(ch);
                cur.push(ch);
            }
            (None, ';' | '\n') => out.push(std::mem::take(&mut cur)),
            (None, '&' | '|') if chars.peek() == Some(&ch) => {
                chars.next();
                out.push(std::mem::take(&mut cur));
            }
            (None, c) => cur.push(c),
        }
    }
    out.push(cur);
    out.into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// The sleep a statement is, if it is one: `Some(Some(ms))`, or `Some(None)` for ever.
fn as_sleep(statement: &str) -> Option<Option<Millis>> {
    let mut words = statement.split_whitespace();
    let word = words.next()?;
    if word.rsplit('/').next() != Some("sleep") {
        return None;
    }
    let mut total: Millis = 0;
    let mut any = false;
    for arg in words {
        any = true;
        match sleep_ms(arg)? {
            Some(ms) => total = total.saturating_add(ms),
            None => return Some(None),
        }
    }
    any.then_some(Some(total))
}

fn script_plan(script: &str, finite: &dyn Fn(&str) -> bool) -> Option<Plan> {
    let stmts = statements(script);
    if !stmts.iter().any(|s| as_sleep(s).is_some()) {
        return None;
    }
    let mut parts: Vec<(Millis, String)> = Vec::new();
    let mut at: Millis = 0;
    let mut i = 0;
    let push = |parts: &mut Vec<(Millis, String)>, at: Millis, stmt: &str| match parts.last_mut() {
        Some((t, text)) if *t == at => {
            text.push_str("; ");
            text.push_str(stmt);
        }
        _ => parts.push((at, stmt.to_string())),
    };
    while i < stmts.len() {
        let stmt = &stmts[i];
        if let Some(sleep) = as_sleep(stmt) {
            match sleep {
                Some(ms) => at = at.saturating_add(ms),
                None => {
                    return Some(Plan {
                        parts,
                        end: End::Never,
                    })
                }
            }
        } else if let Some((word, cond)) = stmt
            .split_once(' ')
            .filter(|(w, _)| *w == "while" || *w == "until")
        {
            let cond = cond.trim();
            // `while` only when endless (`while true`, `while :`, `while [ 1 ]`); `until`
            // with a condition the tools can run.
            let until = if word == "until" {
                if !finite(cond) {
                    return None;
                }
                Some(cond.to_string())
            } else if matches!(cond, "true" | ":" | "[ 1 ]" | "[ true ]") {
                None
            } else {
                return None;
            };
            let body_first = stmts.get(i + 1)?.strip_prefix("do ")?;
            let close = stmts[i + 1..].iter().position(|s| s == "done")? + i + 1;
            let mut body = Vec::new();
            let mut period: Millis = 0;
            for s in
                std::iter::once(body_first).chain(stmts[i + 2..close].iter().map(String::as_str))
            {
                match as_sleep(s) {
                    Some(Some(ms)) => period = period.saturating_add(ms),
                    Some(None) => return None,
                    None if finite(s) => body.push(s),
                    None => return None,
                }
            }
            // A loop that never sleeps would spin: not a script to model.
            if period == 0 {
                return None;
            }
            let until = match until {
                Some(cond) => {
                    let after = &stmts[close + 1..];
                    if after.iter().any(|s| as_sleep(s).is_some() || !finite(s)) {
                        return None;
                    }
                    Some(Until {
                        cond,
                        after: after.join("; "),
                    })
                }
                None => None,
            };
            return Some(Plan {
                parts,
                end: End::Repeat {
                    start: at,
                    period,
                    body: body.join("; "),
                    until,
                },
            });
        } else if finite(stmt) {
            push(&mut parts, at, stmt);
        } else {
            return None;
        }
        i += 1;
    }
    Some(Plan {
        parts,
        end: End::ExitAt(at),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }
    fn any(_: &str) -> bool {
        true
    }

    #[test]
    fn plain_sleep_exits_after_its_time() {
        let p = plan(&argv(&["sleep", "5"]), any).unwrap();
        assert_eq!(p.end, End::ExitAt(5000));
        assert_eq!(
            plan(&argv(&["sleep", "1m"]), any).unwrap().end,
            End::ExitAt(60_000)
        );
        assert_eq!(
            plan(&argv(&["sleep", "infinity"]), any).unwrap().end,
            End::Never
        );
        assert_eq!(plan(&argv(&["sleep", "x"]), any), None);
        // Hostile durations: far beyond a year is for ever, NaN is not a sleep.
        let p = plan(&argv(&["sh", "-c", "echo a; sleep 1e308; echo b"]), any).unwrap();
        assert_eq!((p.parts.len(), p.end), (1, End::Never));
        assert_eq!(plan(&argv(&["sh", "-c", "sleep nan"]), any), None);
    }

    #[test]
    fn parts_fall_between_the_sleeps() {
        let p = plan(
            &argv(&["sh", "-c", "echo start; sleep 3; echo 'a; b' && sleep 2"]),
            any,
        )
        .unwrap();
        assert_eq!(
            p.parts,
            vec![
                (0, "echo start".to_string()),
                (3000, "echo 'a; b'".to_string())
            ]
        );
        assert_eq!(p.end, End::ExitAt(5000));
    }

    #[test]
    fn an_endless_loop_repeats_its_body() {
        let p = plan(
            &argv(&[
                "sh",
                "-c",
                "echo hi; while true; do echo tick; sleep 5; done",
            ]),
            any,
        )
        .unwrap();
        assert_eq!(p.parts, vec![(0, "echo hi".to_string())]);
        assert_eq!(
            p.end,
            End::Repeat {
                start: 0,
                period: 5000,
                body: "echo tick".into(),
                until: None,
            }
        );
        let p = plan(
            &argv(&[
                "sh",
                "-c",
                "until nslookup db; do echo waiting for db; sleep 2; done; echo up",
            ]),
            any,
        )
        .unwrap();
        assert_eq!(
            p.end,
            End::Repeat {
                start: 0,
                period: 2000,
                body: "echo waiting for db".into(),
                until: Some(Until {
                    cond: "nslookup db".into(),
                    after: "echo up".into()
                }),
            }
        );
        // No sleep in the loop, or a condition that may end: not modelled.
        assert_eq!(
            plan(
                &argv(&["sh", "-c", "while true; do echo x; done; sleep 1"]),
                any
            ),
            None
        );
        assert_eq!(
            plan(
                &argv(&["sh", "-c", "while [ -f /x ]; do sleep 1; done"]),
                any
            ),
            None
        );
        // A command the model cannot time.
        assert_eq!(
            plan(&argv(&["sh", "-c", "nginx; sleep 1"]), |s| s != "nginx"),
            None
        );
    }
}
