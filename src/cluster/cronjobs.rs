//! The CronJob controller (k/k `pkg/controller/cronjob/cronjob_controllerv2.go` and
//! `utils.go`, v1.33) and the cron schedules it reads (robfig/cron v3's standard
//! parser: five fields - minute, hour, day of month, month, day of week - with lists,
//! ranges, steps, `*`/`?`, month and weekday names, and the `@yearly`, `@annually`,
//! `@monthly`, `@weekly`, `@daily`, `@midnight`, `@hourly` and `@every D` descriptors).
//!
//! At each scheduled time the controller creates the Job `NAME-<scheduled time in
//! minutes since the Unix epoch>` from `spec.jobTemplate` (getJobFromTemplate2: the
//! template's labels and annotations, the `batch.kubernetes.io/cronjob-scheduled-timestamp`
//! annotation, a controller owner reference), honouring `concurrencyPolicy` (Allow,
//! Forbid: JobAlreadyActive; Replace: the active Jobs deleted first), `suspend` and
//! `startingDeadlineSeconds` (MissSchedule). Finished Jobs leave `status.active`
//! (SawCompletedJob), a successful one sets `lastSuccessfulTime`, and the oldest
//! finished Jobs beyond `successfulJobsHistoryLimit`/`failedJobsHistoryLimit` are
//! deleted (cleanupFinishedJobs). A sync ends by asking for the next schedule time
//! (`Timer::CronJob`), so an idle CronJob costs nothing between its times.
//!
//! CronJobs are stored as [`GenericObject`]s; `status` is written back into the JSON.
//! Schedules are computed in UTC, or in the fixed offset of `timeZone` when it names
//! one (`UTC`, `Etc/UTC`, `GMT`, `Etc/GMT±N`); other zones are read as UTC.

use std::sync::Arc;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde_json::{json, Map, Value};

use super::controllers::{controller_uid, live_generic, owner_ref, put_status};
use super::{Cluster, Key, Timer, EPOCH_SECONDS};
use crate::api::{GenericObject, Object};

const COMPONENT: &str = "cronjob-controller";
/// batchv1.CronJobScheduledTimestampAnnotation (CronJobsScheduledAnnotation, beta and on in v1.33).
pub const SCHEDULED_ANNOTATION: &str = "batch.kubernetes.io/cronjob-scheduled-timestamp";

// ------------------------------------------------------------------ schedules

/// A parsed schedule: bit sets per field as robfig/cron's SpecSchedule keeps them
/// (bit 63 marks a field given as `*`/`?`), or a constant delay (`@every`).
#[derive(Debug, Clone, PartialEq)]
pub enum Schedule {
    Spec {
        minute: u64,
        hour: u64,
        dom: u64,
        month: u64,
        dow: u64,
    },
    Every(i64),
}

const STAR: u64 = 1 << 63;

struct Bounds {
    min: u32,
    max: u32,
    names: &'static [&'static str],
}

const MINUTES: Bounds = Bounds {
    min: 0,
    max: 59,
    names: &[],
};
const HOURS: Bounds = Bounds {
    min: 0,
    max: 23,
    names: &[],
};
const DOM: Bounds = Bounds {
    min: 1,
    max: 31,
    names: &[],
};
const MONTHS: Bounds = Bounds {
    min: 1,
    max: 12,
    names: &[
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ],
};
const DOW: Bounds = Bounds {
    min: 0,
    max: 6,
    names: &["sun", "mon", "tue", "wed", "thu", "fri", "sat"],
};

fn bits(min: u32, max: u32, step: u32) -> u64 {
    if step == 1 {
        return !(u64::MAX << (max + 1)) & (u64::MAX << min);
    }
    (min..=max)
        .step_by(step as usize)
        .fold(0, |b, i| b | (1 << i))
}

fn all(b: &Bounds) -> u64 {
    bits(b.min, b.max, 1) | STAR
}

/// strconv.Atoi with robfig's wording (`mustParseInt`).
fn parse_int(expr: &str) -> Result<u64, String> {
    let digits = expr.strip_prefix(['+', '-']).unwrap_or(expr);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "failed to parse int from {expr}: strconv.Atoi: parsing {expr:?}: invalid syntax"
        ));
    }
    let n: i64 = expr.parse().map_err(|_| {
        format!(
            "failed to parse int from {expr}: strconv.Atoi: parsing {expr:?}: value out of range"
        )
    })?;
    if n < 0 {
        return Err(format!("negative number ({n}) not allowed: {expr}"));
    }
    Ok(n as u64)
}

fn int_or_name(expr: &str, b: &Bounds) -> Result<u64, String> {
    let lower = expr.to_ascii_lowercase();
    if let Some(i) = b.names.iter().position(|n| *n == lower) {
        return Ok(i as u64 + u64::from(b.min));
    }
    parse_int(expr)
}

/// getRange: `*`, `?`, `N`, `N-M`, each with an optional `/STEP` (`N/STEP` is `N-max/STEP`).
fn range(expr: &str, b: &Bounds) -> Result<u64, String> {
    let (min, max) = (u64::from(b.min), u64::from(b.max));
    let range_and_step: Vec<&str> = expr.split('/').collect();
    let low_high: Vec<&str> = range_and_step[0].split('-').collect();
    let single = low_high.len() == 1;
    let (start, mut end, mut extra);
    if low_high[0] == "*" || low_high[0] == "?" {
        (start, end, extra) = (min, max, STAR);
    } else {
        start = int_or_name(low_high[0], b)?;
        extra = 0;
        end = match low_high.len() {
            1 => start,
            2 => int_or_name(low_high[1], b)?,
            _ => return Err(format!("too many hyphens: {expr}")),
        };
    }
    let step = match range_and_step.len() {
        1 => 1,
        2 => {
            let step = parse_int(range_and_step[1])?;
            if single {
                end = max;
            }
            if step > 1 {
                extra = 0;
            }
            step
        }
        _ => return Err(format!("too many slashes: {expr}")),
    };
    if start < min {
        return Err(format!(
            "beginning of range ({start}) below minimum ({min}): {expr}"
        ));
    }
    if end > max {
        return Err(format!(
            "end of range ({end}) above maximum ({max}): {expr}"
        ));
    }
    if start > end {
        return Err(format!(
            "beginning of range ({start}) beyond end of range ({end}): {expr}"
        ));
    }
    if step == 0 {
        return Err(format!("step of range should be a positive number: {expr}"));
    }
    // Every bound is below 64 here; a step past the range's width takes the start alone.
    Ok(bits(start as u32, end as u32, step.min(64) as u32) | extra)
}

fn field(text: &str, b: &Bounds) -> Result<u64, String> {
    text.split(',')
        .filter(|r| !r.is_empty())
        .try_fold(0, |acc, r| Ok(acc | range(r, b)?))
}

/// Go's time.ParseDuration (`@every 1h30m`, `@every 1.5m`), in milliseconds.
fn duration_ms(s: &str) -> Result<i64, String> {
    let invalid = || format!("time: invalid duration {s:?}");
    let (neg, mut rest) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(invalid());
    }
    let digits = |t: &str| t.bytes().take_while(u8::is_ascii_digit).count();
    let mut total: i64 = 0;
    while !rest.is_empty() {
        let int_len = digits(rest);
        let int: i64 = match int_len {
            0 => 0,
            _ => rest[..int_len].parse().map_err(|_| invalid())?,
        };
        rest = &rest[int_len..];
        let mut frac = "";
        if let Some(r) = rest.strip_prefix('.') {
            let n = digits(r);
            frac = &r[..n];
            rest = &r[n..];
        }
        if int_len == 0 && frac.is_empty() {
            return Err(invalid());
        }
        let u_len = rest
            .char_indices()
            .find(|(_, c)| c.is_ascii_digit() || *c == '.')
            .map_or(rest.len(), |(i, _)| i);
        let unit = &rest[..u_len];
        let ns: i64 = match unit {
            "" => return Err(format!("time: missing unit in duration {s:?}")),
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => return Err(format!("time: unknown unit {unit:?} in duration {s:?}")),
        };
        let mut part = int.saturating_mul(ns);
        let mut scale = ns;
        for d in frac.bytes().take(18) {
            scale /= 10;
            part = part.saturating_add(i64::from(d - b'0') * scale);
        }
        total = total.saturating_add(part);
        rest = &rest[u_len..];
    }
    Ok(if neg { -total } else { total } / 1_000_000)
}

/// cron.ParseStandard: the error texts are robfig/cron v3's.
pub fn parse(spec: &str) -> Result<Schedule, String> {
    if spec.is_empty() {
        return Err("empty spec string".into());
    }
    let mut spec = spec;
    if spec.starts_with("TZ=") || spec.starts_with("CRON_TZ=") {
        let eq = spec.find('=').unwrap_or(0);
        let Some(sp) = spec.find(' ') else {
            return Err(format!(
                "provided bad location {}: unknown time zone {}",
                &spec[eq + 1..],
                &spec[eq + 1..]
            ));
        };
        let zone = &spec[eq + 1..sp];
        if offset_of(zone).is_none() {
            return Err(format!(
                "provided bad location {zone}: unknown time zone {zone}"
            ));
        }
        spec = spec[sp..].trim();
    }
    if spec.starts_with('@') {
        let s = |minute, hour, dom, month, dow| Schedule::Spec {
            minute,
            hour,
            dom,
            month,
            dow,
        };
        return Ok(match spec {
            "@yearly" | "@annually" => s(1, 1, 1 << 1, 1 << 1, all(&DOW)),
            "@monthly" => s(1, 1, 1 << 1, all(&MONTHS), all(&DOW)),
            "@weekly" => s(1, 1, all(&DOM), all(&MONTHS), 1),
            "@daily" | "@midnight" => s(1, 1, all(&DOM), all(&MONTHS), all(&DOW)),
            "@hourly" => s(1, all(&HOURS), all(&DOM), all(&MONTHS), all(&DOW)),
            _ => match spec.strip_prefix("@every ") {
                Some(d) => {
                    let ms = duration_ms(d)
                        .map_err(|e| format!("failed to parse duration {spec}: {e}"))?;
                    // cron.Every: at least a second, whole seconds.
                    Schedule::Every((ms.max(1000) / 1000) * 1000)
                }
                None => return Err(format!("unrecognized descriptor: {spec}")),
            },
        });
    }
    let fields: Vec<&str> = spec.split_whitespace().collect();
    if fields.len() != 5 {
        return Err(format!(
            "expected exactly 5 fields, found {}: [{}]",
            fields.len(),
            fields.join(" ")
        ));
    }
    Ok(Schedule::Spec {
        minute: field(fields[0], &MINUTES)?,
        hour: field(fields[1], &HOURS)?,
        dom: field(fields[2], &DOM)?,
        month: field(fields[3], &MONTHS)?,
        dow: field(fields[4], &DOW)?,
    })
}

/// The fixed offset (seconds east of UTC) of the zones the schedule understands; `None`
/// for a zone name it cannot place (the controller then reads the schedule as UTC).
pub fn offset_of(zone: &str) -> Option<i64> {
    match zone {
        "UTC" | "Etc/UTC" | "GMT" | "Etc/GMT" | "Etc/Universal" | "Etc/Zulu" | "Universal"
        | "Zulu" | "UCT" | "Etc/UCT" => Some(0),
        _ => {
            let n: i64 = zone.strip_prefix("Etc/GMT")?.parse().ok()?;
            // POSIX style: Etc/GMT+5 is five hours west of Greenwich.
            (-14..=12).contains(&n).then_some(-n * 3600)
        }
    }
}

/// A civil time (proleptic Gregorian, UTC): year, month, day, hour, minute, second, weekday.
struct Civil {
    y: i64,
    mo: u32,
    d: u32,
    h: u32,
    mi: u32,
    s: u32,
    wd: u32,
}

fn civil(t: i64) -> Civil {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400) as u32;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let mo = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(mo <= 2);
    Civil {
        y,
        mo,
        d,
        h: secs / 3600,
        mi: secs / 60 % 60,
        s: secs % 60,
        wd: (days + 4).rem_euclid(7) as u32,
    }
}

/// Seconds since the Unix epoch of a civil time (days past the month's end roll over,
/// as Go's time.Date normalizes them).
fn unix(y: i64, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> i64 {
    let (y, m) = (y - i64::from(mo <= 2), i64::from(mo));
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    days * 86_400 + i64::from(h) * 3600 + i64::from(mi) * 60 + i64::from(s)
}

fn has(set: u64, i: u32) -> bool {
    set & (1 << i) != 0
}

impl Schedule {
    /// The first time after `t` (Unix seconds) the schedule fires, `offset` seconds east
    /// of UTC (SpecSchedule.Next, which gives up five years on); `None` when it never does.
    pub fn next(&self, t: i64, offset: i64) -> Option<i64> {
        let (minute, hour, dom, month, dow) = match *self {
            Schedule::Every(ms) => return Some(t + ms / 1000),
            Schedule::Spec {
                minute,
                hour,
                dom,
                month,
                dow,
            } => (minute, hour, dom, month, dow),
        };
        let day_matches = |c: &Civil| {
            let (d, w) = (has(dom, c.d), has(dow, c.wd));
            if dom & STAR != 0 || dow & STAR != 0 {
                d && w
            } else {
                d || w
            }
        };
        // Local time as seconds; the seconds field is always 0.
        let mut t = t + offset + 1;
        let limit = civil(t).y + 5;
        let mut added = false;
        'wrap: loop {
            if civil(t).y > limit {
                return None;
            }
            loop {
                let c = civil(t);
                if has(month, c.mo) {
                    break;
                }
                if !added {
                    added = true;
                    t = unix(c.y, c.mo, 1, 0, 0, 0);
                }
                let c = civil(t);
                t = if c.mo == 12 {
                    unix(c.y + 1, 1, c.d, c.h, c.mi, c.s)
                } else {
                    unix(c.y, c.mo + 1, c.d, c.h, c.mi, c.s)
                };
                if civil(t).mo == 1 {
                    continue 'wrap;
                }
            }
            loop {
                let c = civil(t);
                if day_matches(&c) {
                    break;
                }
                if !added {
                    added = true;
                    t = unix(c.y, c.mo, c.d, 0, 0, 0);
                }
                t += 86_400;
                if civil(t).d == 1 {
                    continue 'wrap;
                }
            }
            loop {
                let c = civil(t);
                if has(hour, c.h) {
                    break;
                }
                if !added {
                    added = true;
                    t -= t.rem_euclid(3600);
                }
                t += 3600;
                if civil(t).h == 0 {
                    continue 'wrap;
                }
            }
            loop {
                let c = civil(t);
                if has(minute, c.mi) {
                    break;
                }
                if !added {
                    added = true;
                    t -= t.rem_euclid(60);
                }
                t += 60;
                if civil(t).mi == 0 {
                    continue 'wrap;
                }
            }
            if civil(t).s != 0 {
                // Only second 0 is in the set: on to the next whole minute.
                t += 60 - t.rem_euclid(60);
                continue 'wrap;
            }
            return Some(t - offset);
        }
    }
}

/// Go's `time.RFC1123Z` of Unix seconds in UTC (`Mon, 02 Jan 2006 15:04:05 +0000`).
pub fn rfc1123z(t: i64) -> String {
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let c = civil(t);
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} +0000",
        DAYS[c.wd as usize],
        c.d,
        MONTHS[c.mo as usize - 1],
        c.y,
        c.h,
        c.mi,
        c.s
    )
}

/// RFC 3339 of Unix seconds at `offset` seconds east of UTC, as Go formats it
/// (`Z` for UTC, else `+hh:mm`).
fn rfc3339(t: i64, offset: i64) -> String {
    let c = civil(t + offset);
    let zone = if offset == 0 {
        "Z".to_string()
    } else {
        let sign = if offset < 0 { '-' } else { '+' };
        let a = offset.abs();
        format!("{sign}{:02}:{:02}", a / 3600, a / 60 % 60)
    };
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{zone}",
        c.y, c.mo, c.d, c.h, c.mi, c.s
    )
}

// ------------------------------------------------------------------ controller

/// mostRecentScheduleTime: the latest schedule time in (earliest, now], if any, and
/// how many times were missed since `earliest`; `Err` when the schedule never fires.
fn most_recent(
    sched: &Schedule,
    offset: i64,
    earliest: i64,
    now: i64,
) -> Result<(Option<i64>, i64), String> {
    let never = || "time difference between two schedules is less than 1 second".to_string();
    let Some(t1) = sched.next(earliest, offset) else {
        return Err(never());
    };
    if now < t1 {
        return Ok((None, 0));
    }
    let Some(t2) = sched.next(t1, offset) else {
        return Err(never());
    };
    if now < t2 {
        return Ok((Some(t1), 0));
    }
    let between = t2 - t1;
    if between < 1 {
        return Err(never());
    }
    let missed = (now - t1) / between + 1;
    let mut t = t1 + (missed - 2) * between;
    let mut recent = None;
    while let Some(n) = sched.next(t, offset).filter(|n| *n <= now) {
        recent = Some(n);
        t = n;
    }
    Ok((recent, missed))
}

/// What the controller knows of one of its Jobs.
struct JobInfo {
    name: String,
    uid: String,
    finished: Option<&'static str>,
    start: Option<String>,
    completion: Option<Value>,
}

fn job_info(g: &GenericObject) -> JobInfo {
    let status = g.body.get("status");
    let cond_true = |ty: &str| {
        status
            .and_then(Value::as_object)
            .is_some_and(|s| crate::cluster::jobs::condition_true(s, ty))
    };
    let finished = if cond_true("Complete") {
        Some("Complete")
    } else if cond_true("Failed") {
        Some("Failed")
    } else {
        None
    };
    JobInfo {
        name: g.metadata.name.clone().unwrap_or_default(),
        uid: g.metadata.uid.clone().unwrap_or_default(),
        finished,
        start: status
            .and_then(|s| s.get("startTime"))
            .and_then(Value::as_str)
            .map(str::to_string),
        completion: status.and_then(|s| s.get("completionTime")).cloned(),
    }
}

fn event(c: &mut Cluster, cj: &Object, type_: &str, reason: &str, message: &str) {
    c.record_event(cj, type_, reason, message, COMPONENT, None);
}

fn active_uids(status: &Map<String, Value>) -> Vec<(String, String)> {
    status
        .get("active")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|r| {
            let s = |k: &str| r.get(k).and_then(Value::as_str).unwrap_or("").to_string();
            (s("uid"), s("name"))
        })
        .collect()
}

fn remove_active(status: &mut Map<String, Value>, uid: &str) {
    if let Some(Value::Array(a)) = status.get_mut("active") {
        a.retain(|r| r.get("uid").and_then(Value::as_str) != Some(uid));
        if a.is_empty() {
            status.remove("active");
        }
    }
}

/// deleteJob: the Job goes (background propagation: the garbage collector takes its
/// pods), and so does its place in `status.active`.
fn delete_job(
    c: &mut Cluster,
    cj: &Object,
    status: &mut Map<String, Value>,
    ns: &str,
    job: &JobInfo,
) {
    if c.delete_request("Job", ns, &job.name, None).is_ok() {
        remove_active(status, &job.uid);
        event(
            c,
            cj,
            "Normal",
            "SuccessfulDelete",
            &format!("Deleted job {}", job.name),
        );
    }
}

/// One pass of the controller over the CronJob at `key` (sync: cleanupFinishedJobs,
/// then syncCronJob, then the status update and the requeue at the next schedule time).
pub(crate) fn sync_cronjob(c: &mut Cluster, key: &Key) {
    let Some(cj) = live_generic(c, key) else {
        return;
    };
    let ns = key.namespace.to_string();
    let uid = cj.metadata.uid.clone().unwrap_or_default();
    let cj_obj = Object::Generic(cj.clone());
    let spec = cj.body.get("spec").cloned().unwrap_or(Value::Null);
    let mut status = match cj.body.get("status") {
        Some(Value::Object(m)) => m.clone(),
        _ => Map::new(),
    };
    let jobs: Vec<JobInfo> = c
        .store
        .dependents(&uid)
        .filter(|k| k.kind == "Job")
        .filter_map(|k| match c.store.get(k) {
            Some(Object::Generic(g)) if controller_uid(&g.metadata) == Some(uid.as_str()) => {
                Some(job_info(g))
            }
            _ => None,
        })
        .collect();

    // cleanupFinishedJobs: the oldest finished Jobs past the history limits.
    for (state, limit_key) in [
        ("Complete", "successfulJobsHistoryLimit"),
        ("Failed", "failedJobsHistoryLimit"),
    ] {
        let Some(limit) = spec.get(limit_key).and_then(Value::as_i64) else {
            continue;
        };
        let mut done: Vec<&JobInfo> = jobs.iter().filter(|j| j.finished == Some(state)).collect();
        let extra = done.len() as i64 - limit.max(0);
        if extra <= 0 {
            continue;
        }
        // byJobStartTime: by start time (none last), then by name.
        crate::sort::sort_by_key(&mut done, |j| {
            (j.start.is_none(), j.start.clone(), j.name.clone())
        });
        for j in done.into_iter().take(extra as usize) {
            delete_job(c, &cj_obj, &mut status, &ns, j);
        }
    }

    // syncCronJob: what the Jobs say.
    let active = active_uids(&status);
    for j in &jobs {
        let found = active.iter().any(|(u, _)| *u == j.uid);
        match j.finished {
            None if !found => event(
                c,
                &cj_obj,
                "Warning",
                "UnexpectedJob",
                &format!(
                    "Saw a job that the controller did not create or forgot: {}",
                    j.name
                ),
            ),
            None => {}
            Some(cond) => {
                if found {
                    remove_active(&mut status, &j.uid);
                    event(
                        c,
                        &cj_obj,
                        "Normal",
                        "SawCompletedJob",
                        &format!("Saw completed job: {}, condition: {cond}", j.name),
                    );
                }
                if cond == "Complete" {
                    if let Some(t) = &j.completion {
                        let later = match status.get("lastSuccessfulTime").and_then(Value::as_str) {
                            None => true,
                            Some(last) => t.as_str().is_some_and(|t| t > last),
                        };
                        if later {
                            status.insert("lastSuccessfulTime".into(), t.clone());
                        }
                    }
                }
            }
        }
    }
    for (u, name) in active_uids(&status) {
        if !jobs.iter().any(|j| j.uid == u) && c.get("Job", &ns, &name).is_none() {
            event(
                c,
                &cj_obj,
                "Normal",
                "MissingJob",
                &format!("Active job went missing: {name}"),
            );
            remove_active(&mut status, &u);
        }
    }
    let next = schedule_next(c, &cj, &cj_obj, &spec, &mut status);
    put_status(c, &cj, Value::Object(status));
    if let Some(at) = next {
        let at_ms = (at - EPOCH_SECONDS).saturating_mul(1000);
        if at_ms > c.now {
            c.schedule(at_ms, Timer::CronJob(key.clone()));
        }
    }
}

/// The scheduling half of syncCronJob: creates the Job due now, if any. Gives the next
/// time to look again (Unix seconds), `None` when suspended or unschedulable.
fn schedule_next(
    c: &mut Cluster,
    cj: &Arc<GenericObject>,
    cj_obj: &Object,
    spec: &Value,
    status: &mut Map<String, Value>,
) -> Option<i64> {
    let str_of = |k: &str| spec.get(k).and_then(Value::as_str);
    if spec.get("suspend") == Some(&json!(true)) {
        return None;
    }
    let schedule = str_of("schedule").unwrap_or("");
    if schedule.contains("TZ") {
        event(
            c,
            cj_obj,
            "Warning",
            "UnsupportedSchedule",
            &format!("CRON_TZ or TZ used in schedule {schedule:?} is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details"),
        );
    }
    let sched = match parse(schedule) {
        Ok(s) => s,
        Err(e) => {
            event(
                c,
                cj_obj,
                "Warning",
                "UnparseableSchedule",
                &format!("unparseable schedule: {schedule:?} : {e}"),
            );
            return None;
        }
    };
    let zone = if schedule.starts_with("TZ=") || schedule.starts_with("CRON_TZ=") {
        schedule.split(['=', ' ']).nth(1)
    } else {
        str_of("timeZone")
    };
    let offset = zone.and_then(offset_of).unwrap_or(0);
    let now = EPOCH_SECONDS + c.now.div_euclid(1000);
    let created = cj.metadata.creation_timestamp.as_ref().map_or(now, |t| {
        EPOCH_SECONDS + Cluster::millis_of(t).div_euclid(1000)
    });
    let last = status
        .get("lastScheduleTime")
        .and_then(|t| serde_json::from_value(t.clone()).ok())
        .map(|t| EPOCH_SECONDS + Cluster::millis_of(&t).div_euclid(1000));
    let base = last.unwrap_or(created);
    let deadline = spec.get("startingDeadlineSeconds").and_then(Value::as_i64);
    // nextScheduleTimeDuration: after the most recent time (without the deadline), or
    // after `now` when times were missed and none is left.
    let requeue = || -> Option<i64> {
        match most_recent(&sched, offset, base, now) {
            Err(_) => sched.next(now, offset),
            Ok((Some(t), _)) => sched.next(t, offset),
            Ok((None, 0)) => sched.next(base, offset),
            Ok((None, _)) => sched.next(now, offset),
        }
    };
    let earliest = match deadline {
        Some(d) => base.max(now - d),
        None => base,
    };
    let scheduled = match most_recent(&sched, offset, earliest, now) {
        Err(e) => {
            event(
                c,
                cj_obj,
                "Warning",
                "InvalidSchedule",
                &format!("invalid schedule: {schedule} : {e}"),
            );
            return None;
        }
        Ok((None, _)) => return requeue(),
        Ok((Some(t), missed)) => {
            if missed > 100 {
                event(c, cj_obj, "Warning", "TooManyMissedTimes", "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew");
            }
            t
        }
    };
    if deadline.is_some_and(|d| scheduled + d < now) {
        event(
            c,
            cj_obj,
            "Warning",
            "MissSchedule",
            &format!(
                "Missed scheduled time to start a job: {}",
                rfc1123z(scheduled)
            ),
        );
        return requeue();
    }
    let name = format!(
        "{}-{}",
        cj.metadata.name.as_deref().unwrap_or(""),
        scheduled / 60
    );
    if active_uids(status).iter().any(|(_, n)| *n == name) || last == Some(scheduled) {
        return requeue();
    }
    let ns = cj.metadata.namespace.clone().unwrap_or_default();
    match str_of("concurrencyPolicy") {
        Some("Forbid") if !active_uids(status).is_empty() => {
            event(
                c,
                cj_obj,
                "Normal",
                "JobAlreadyActive",
                "Not starting job because prior execution is running and concurrency policy is Forbid",
            );
            return requeue();
        }
        Some("Replace") => {
            for (u, n) in active_uids(status) {
                let job = JobInfo {
                    name: n,
                    uid: u,
                    finished: None,
                    start: None,
                    completion: None,
                };
                delete_job(c, cj_obj, status, &ns, &job);
            }
        }
        _ => {}
    }
    let job = job_from_template(cj, &name, scheduled, offset);
    let created = match c.create_request(job, &ns) {
        Ok(j) => j,
        Err(super::ApiError::AlreadyExists { .. }) => match c.get("Job", &ns, &name) {
            Some(j) if controller_uid(j.meta()) == cj.metadata.uid.as_deref() => j.clone(),
            _ => return None,
        },
        Err(e) => {
            event(
                c,
                cj_obj,
                "Warning",
                "FailedCreate",
                &format!("Error creating job: {}", e.message()),
            );
            return None;
        }
    };
    if active_uids(status)
        .iter()
        .any(|(u, _)| Some(u.as_str()) == created.meta().uid.as_deref())
    {
        return None;
    }
    event(
        c,
        cj_obj,
        "Normal",
        "SuccessfulCreate",
        &format!("Created job {name}"),
    );
    let m = created.meta();
    let reference = json!({
        "apiVersion": "batch/v1",
        "kind": "Job",
        "name": name,
        "namespace": ns,
        "resourceVersion": m.resource_version.clone().unwrap_or_default(),
        "uid": m.uid.clone().unwrap_or_default(),
    });
    match status.get_mut("active") {
        Some(Value::Array(a)) => a.push(reference),
        _ => {
            status.insert("active".into(), json!([reference]));
        }
    }
    status.insert(
        "lastScheduleTime".into(),
        serde_json::to_value(c.time((scheduled - EPOCH_SECONDS) * 1000)).unwrap_or(Value::Null),
    );
    sched.next(scheduled, offset)
}

/// getJobFromTemplate2: the template's labels and annotations, the scheduled-time
/// annotation, the controller reference; the spec copied.
fn job_from_template(cj: &GenericObject, name: &str, scheduled: i64, offset: i64) -> Object {
    let template = cj.body.get("spec").and_then(|s| s.get("jobTemplate"));
    let tmeta: ObjectMeta = template
        .and_then(|t| t.get("metadata"))
        .and_then(|m| crate::api::object::decode(m.clone()).ok())
        .unwrap_or_default();
    let mut annotations = tmeta.annotations.unwrap_or_default();
    annotations.insert(SCHEDULED_ANNOTATION.into(), rfc3339(scheduled, offset));
    let metadata = ObjectMeta {
        name: Some(name.to_string()),
        namespace: cj.metadata.namespace.clone(),
        labels: tmeta.labels.filter(|l| !l.is_empty()),
        annotations: Some(annotations),
        owner_references: Some(vec![owner_ref("CronJob", "batch/v1", &cj.metadata)]),
        ..Default::default()
    };
    let mut body = Map::new();
    body.insert(
        "spec".into(),
        template
            .and_then(|t| t.get("spec"))
            .cloned()
            .unwrap_or(json!({})),
    );
    let kind =
        crate::api::kinds::by_kind_name("Job").unwrap_or(&crate::api::kinds::RESOURCE_TYPES[0]);
    Object::from(GenericObject {
        kind,
        metadata,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-01-01T00:00:00Z, a Thursday.
    const JAN1: i64 = EPOCH_SECONDS;

    fn next(spec: &str, t: i64) -> Option<i64> {
        parse(spec).expect("parses").next(t, 0)
    }

    #[test]
    fn civil_round_trips() {
        for t in [0, JAN1, JAN1 + 86_399, 951_782_400, 4_107_542_400] {
            let c = civil(t);
            assert_eq!(unix(c.y, c.mo, c.d, c.h, c.mi, c.s), t);
        }
        let c = civil(JAN1);
        assert_eq!((c.y, c.mo, c.d, c.wd), (2026, 1, 1, 4));
        assert_eq!(rfc1123z(JAN1 + 61), "Thu, 01 Jan 2026 00:01:01 +0000");
        assert_eq!(rfc3339(JAN1, 0), "2026-01-01T00:00:00Z");
        assert_eq!(rfc3339(JAN1, -5 * 3600), "2025-12-31T19:00:00-05:00");
    }

    #[test]
    fn next_times() {
        assert_eq!(next("*/1 * * * *", JAN1), Some(JAN1 + 60));
        assert_eq!(next("* * * * *", JAN1 + 30), Some(JAN1 + 60));
        assert_eq!(next("*/5 * * * *", JAN1 + 61), Some(JAN1 + 300));
        assert_eq!(next("0 * * * *", JAN1), Some(JAN1 + 3600));
        assert_eq!(next("@hourly", JAN1 + 5), Some(JAN1 + 3600));
        assert_eq!(next("@daily", JAN1), Some(JAN1 + 86_400));
        // Mondays: 2026-01-05.
        assert_eq!(
            next("30 6 * * mon", JAN1),
            Some(JAN1 + 4 * 86_400 + 6 * 3600 + 1800)
        );
        assert_eq!(next("@weekly", JAN1), Some(JAN1 + 3 * 86_400));
        assert_eq!(next("0 0 1 feb *", JAN1), Some(JAN1 + 31 * 86_400));
        assert_eq!(next("@yearly", JAN1), Some(unix(2027, 1, 1, 0, 0, 0)));
        // Day of month or day of week when both are restricted: the 15th or a Sunday.
        assert_eq!(next("0 0 15 * sun", JAN1), Some(unix(2026, 1, 4, 0, 0, 0)));
        assert_eq!(next("0 0 15 * *", JAN1), Some(unix(2026, 1, 15, 0, 0, 0)));
        // Lists and ranges with steps.
        assert_eq!(next("10,20 * * * *", JAN1 + 600), Some(JAN1 + 1200));
        assert_eq!(
            next("0 9-17/4 * * *", JAN1 + 9 * 3600),
            Some(JAN1 + 13 * 3600)
        );
        assert_eq!(next("5/20 * * * *", JAN1 + 300), Some(JAN1 + 1500));
        // Never: February 31st.
        assert_eq!(next("0 0 31 2 *", JAN1), None);
        assert_eq!(next("@every 90s", JAN1), Some(JAN1 + 90));
        // Etc/GMT+5 is UTC-5: midnight there is 05:00 UTC.
        assert_eq!(
            parse("0 0 * * *").unwrap().next(JAN1, -5 * 3600),
            Some(JAN1 + 5 * 3600)
        );
    }

    #[test]
    fn parse_errors_use_robfig_wording() {
        let err = |s: &str| parse(s).expect_err(s);
        assert_eq!(err(""), "empty spec string");
        assert_eq!(err("bad"), "expected exactly 5 fields, found 1: [bad]");
        assert_eq!(
            err("* * * *"),
            "expected exactly 5 fields, found 4: [* * * *]"
        );
        assert_eq!(
            err("60 * * * *"),
            "end of range (60) above maximum (59): 60"
        );
        assert_eq!(
            err("* * 0 * *"),
            "beginning of range (0) below minimum (1): 0"
        );
        assert_eq!(
            err("5-1 * * * *"),
            "beginning of range (5) beyond end of range (1): 5-1"
        );
        assert_eq!(
            err("*/0 * * * *"),
            "step of range should be a positive number: */0"
        );
        assert_eq!(
            err("x * * * *"),
            "failed to parse int from x: strconv.Atoi: parsing \"x\": invalid syntax"
        );
        assert_eq!(err("1-2-3 * * * *"), "too many hyphens: 1-2-3");
        assert_eq!(err("1/2/3 * * * *"), "too many slashes: 1/2/3");
        assert_eq!(err("@fortnightly"), "unrecognized descriptor: @fortnightly");
        assert_eq!(
            err("@every 5"),
            "failed to parse duration @every 5: time: missing unit in duration \"5\""
        );
        assert_eq!(
            err("4294967296 * * * *"),
            "end of range (4294967296) above maximum (59): 4294967296"
        );
        assert_eq!(
            err("-5 * * * *"),
            "failed to parse int from : strconv.Atoi: parsing \"\": invalid syntax"
        );
        assert_eq!(
            err("@every 1d"),
            "failed to parse duration @every 1d: time: unknown unit \"d\" in duration \"1d\""
        );
        assert_eq!(parse("@every 1.5m"), Ok(Schedule::Every(90_000)));
        assert_eq!(parse("@every -5s"), Ok(Schedule::Every(1000)));
        // Steps wider than the field take the start alone, on every target width.
        assert_eq!(next("5/4294967296 * * * *", JAN1), Some(JAN1 + 300));
        for hostile in [
            "TZ=",
            "TZ=Mars/Olympus 0 * * * *",
            ",,,,",
            "* * * * ,",
            "0-0/0 * * * *",
        ] {
            let _ = parse(hostile);
        }
        assert!(parse("0 0 * JAN-mar Mon-fri").is_ok());
        assert!(parse("0 0 ? * *").is_ok());
    }

    /// A CronJob running every minute whose job template is the Job tests' Job.
    fn cronjob(name: &str, extra: &str, command: &str) -> String {
        let job = crate::cluster::jobs::tests::job(name, command, "");
        let job_spec: String = job
            .split_once("spec:\n")
            .map_or("", |(_, s)| s)
            .lines()
            .map(|l| format!("    {l}\n"))
            .collect();
        format!(
            "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: {name}\nspec:\n  schedule: \"* * * * *\"\n{extra}  jobTemplate:\n    spec:\n{job_spec}"
        )
    }

    fn job_names(c: &Cluster) -> Vec<String> {
        c.store
            .list_ns("Job", "default")
            .map(|o| o.name().to_string())
            .collect()
    }

    #[test]
    fn jobs_are_made_each_minute_and_the_history_is_kept_short() {
        let mut c = Cluster::new(1);
        crate::cluster::tests::apply_text(
            &mut c,
            &cronjob("tick", "  successfulJobsHistoryLimit: 2\n", "[\"true\"]"),
        );
        assert!(job_names(&c).is_empty());
        // The next whole minute after the start (00:05:00) is 00:06:00.
        let minute = (EPOCH_SECONDS + c.now / 1000) / 60 + 1;
        c.advance_to((minute * 60 - EPOCH_SECONDS) * 1000 + 30_000);
        assert_eq!(job_names(&c), [format!("tick-{minute}")]);
        let job = c.get("Job", "default", &format!("tick-{minute}")).cloned();
        let meta = job.as_ref().map(Object::meta).cloned().unwrap_or_default();
        assert_eq!(
            meta.annotations
                .as_ref()
                .and_then(|a| a.get(SCHEDULED_ANNOTATION))
                .map(String::as_str),
            Some(rfc3339(minute * 60, 0).as_str())
        );
        let owner = &meta.owner_references.unwrap_or_default()[0];
        assert_eq!(
            (owner.kind.as_str(), owner.controller),
            ("CronJob", Some(true))
        );
        // Three more minutes: four Jobs made, the two oldest deleted.
        c.advance(180_000);
        let want: Vec<String> = (minute + 2..=minute + 3)
            .map(|m| format!("tick-{m}"))
            .collect();
        assert_eq!(job_names(&c), want);
        // Settled: looking again changes nothing.
        crate::cluster::tests::assert_settled(&mut c);
    }

    #[test]
    fn forbid_skips_while_a_job_runs_and_replace_swaps_it() {
        let mut c = Cluster::new(1);
        crate::cluster::tests::apply_text(
            &mut c,
            &cronjob(
                "one",
                "  concurrencyPolicy: Forbid\n",
                "[\"sleep\", \"300\"]",
            ),
        );
        c.advance(150_000);
        assert_eq!(job_names(&c).len(), 1);
        crate::cluster::tests::apply_text(
            &mut c,
            &cronjob(
                "one",
                "  concurrencyPolicy: Replace\n",
                "[\"sleep\", \"300\"]",
            ),
        );
        c.advance(60_000);
        // The first Job was replaced by the next minute's.
        let names = job_names(&c);
        assert_eq!(names.len(), 1, "{names:?}");
        let status = match c.get("CronJob", "default", "one") {
            Some(Object::Generic(g)) => g.body.get("status").cloned().unwrap_or(Value::Null),
            _ => Value::Null,
        };
        assert_eq!(status["active"][0]["name"], json!(names[0]));
    }

    #[test]
    fn most_recent_counts_missed_times() {
        let s = parse("*/1 * * * *").unwrap();
        assert_eq!(most_recent(&s, 0, JAN1 + 5, JAN1 + 59), Ok((None, 0)));
        assert_eq!(
            most_recent(&s, 0, JAN1 + 5, JAN1 + 60),
            Ok((Some(JAN1 + 60), 0))
        );
        assert_eq!(
            most_recent(&s, 0, JAN1, JAN1 + 185),
            Ok((Some(JAN1 + 180), 3))
        );
        let never = parse("0 0 31 2 *").unwrap();
        assert!(most_recent(&never, 0, JAN1, JAN1 + 60).is_err());
    }
}
