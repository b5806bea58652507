//! `kubectl diff -f`: diff.go writes, for each object, the live version and the API
//! server's dry-run answer (`InfoObject.Merged`: apply's patch, or a create for a new
//! object) as YAML - managedFields dropped, a Secret's data masked - into
//! `/tmp/LIVE-<n>/` and `/tmp/MERGED-<n>/`, files named `<group>.<version>.<Kind>.
//! <namespace>.<name>`, then runs `diff -u -N` on the two directories: exit 0 when
//! nothing differs, 1 when something does, and 2 when kubectl fails (CheckDiffErr),
//! in which case no diff runs at all.

use std::collections::BTreeMap;

use serde_json::Value;

use super::mutate::{files_failed, namespace_conflict, not_stored, read_files, with_status};
use super::{Args, Ctx, ENDPOINTS_WARNING};
use crate::api::Object;
use crate::cluster::ApiError;
use crate::manifest::{self, output, DocError};
use crate::term::shell::Output;
use crate::term::unidiff;

/// CheckDiffErr: kubectl's usual error text, exit code 2.
fn diff_fail(out: &mut Output, text: &str) -> i32 {
    out.err(&format!("{text}\n"));
    2
}

pub fn diff(ctx: &mut Ctx, a: &Args, out: &mut Output) -> i32 {
    if a.has(&["--server-side"]) || a.value(&["-l", "--selector"]).is_some() {
        ctx.term.notice = Some(
            "kubectl diff here compares client-side apply without -l or --server-side.".into(),
        );
        return diff_fail(out, "error: kubectl diff: not supported");
    }
    let words = a.rest(a.path_len);
    if !words.is_empty() {
        return diff_fail(
            out,
            &format!(
                "error: Unexpected args: [{}]\nSee 'kubectl diff -h' for help and examples",
                words.join(" ")
            ),
        );
    }
    let files = match read_files(ctx, a) {
        Ok(f) => f,
        Err(e) => return files_failed(ctx, out, &e) + 1,
    };
    let ns = ctx.namespace(a);
    // File name -> (live YAML, merged YAML); the diff program walks them by name.
    let mut versions: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut warned_endpoints = false;
    for (source, text) in files {
        for doc in manifest::parse(&text, &source) {
            let obj = match doc.result {
                Ok(o) => o,
                Err(DocError::UnknownFields { object, .. }) => *object,
                Err(DocError::Syntax { message, .. } | DocError::Client { message, .. }) => {
                    return diff_fail(out, &message)
                }
                Err(DocError::Decode { message, .. }) => {
                    return diff_fail(out, &format!("Error from server (BadRequest): {message}"))
                }
            };
            if let Some(e) = namespace_conflict(&obj, a) {
                return diff_fail(out, &e);
            }
            if obj.kind() == "Endpoints" && !warned_endpoints {
                out.err(ENDPOINTS_WARNING);
                warned_endpoints = true;
            }
            let rt = obj.resource_type();
            // Each object against the cluster as it is: nothing a dry run does stays.
            let mut sandbox = ctx.cluster.clone();
            let (live, merged) = match sandbox.diff_versions(obj, &ns) {
                Ok(v) => v,
                Err(e) => {
                    let context = match &e {
                        ApiError::Invalid { .. } => None,
                        _ => Some(("patching", source.as_str())),
                    };
                    return diff_fail(out, &e.render(context));
                }
            };
            if live
                .as_ref()
                .is_some_and(|l| l.meta().deletion_timestamp.is_some())
            {
                // apply.WarnIfDeleting
                out.err(&format!(
                    "Warning: Detected changes to resource {} which is currently being deleted.\n",
                    merged.name()
                ));
            }
            let mut from = live.as_ref().map(Object::to_read_json);
            let mut to = match &live {
                Some(_) => merged.to_read_json(),
                None => not_stored(with_status(merged.to_read_json())),
            };
            if rt.kind == "Secret" {
                mask_secret(from.as_mut(), &mut to);
            }
            let name = format!(
                "{}{}.{}.{}.{}",
                if rt.group.is_empty() {
                    String::new()
                } else {
                    format!("{}.", rt.group)
                },
                rt.version,
                rt.kind,
                merged.namespace(),
                merged.name()
            );
            versions.insert(
                name,
                (
                    from.map(|v| output::to_yaml(&v)).unwrap_or_default(),
                    output::to_yaml(&to),
                ),
            );
        }
    }
    let mut differs = false;
    // ioutil.TempDir's names: the prefix and a random uint32.
    let mut rng = ctx.cluster.clone();
    let live_dir = format!("/tmp/LIVE-{}", rng.rand_u32());
    let merged_dir = format!("/tmp/MERGED-{}", rng.rand_u32());
    let t = ctx.cluster.time(ctx.cluster.now).0;
    let stamp = format!(
        "{}.{:03}{:06} +0000",
        t.strftime("%Y-%m-%d %H:%M:%S"),
        ctx.cluster.now.rem_euclid(1000),
        rng.rand_below(1_000_000)
    );
    for (name, (live, merged)) in &versions {
        let hunks = unidiff::unified(live, merged);
        if hunks.is_empty() {
            continue;
        }
        differs = true;
        let (l, m) = (format!("{live_dir}/{name}"), format!("{merged_dir}/{name}"));
        out.out(&format!(
            "diff -u -N {l} {m}\n--- {l}\t{stamp}\n+++ {m}\t{stamp}\n{hunks}"
        ));
    }
    i32::from(differs)
}

/// diff.go Masker: every value of a Secret's `data` becomes `***`, and a key whose
/// value changes `*** (before)` / `*** (after)`.
fn mask_secret(from: Option<&mut Value>, to: &mut Value) {
    let before = from
        .as_ref()
        .and_then(|f| f.get("data"))
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let after = to
        .get("data")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mask = |data: &serde_json::Map<String, Value>,
                other: &serde_json::Map<String, Value>,
                changed: &str| {
        crate::sort::collect_object(data.iter().map(|(k, v)| {
            let m = match other.get(k) {
                Some(o) if o != v => changed,
                _ => "***",
            };
            (k.clone(), Value::String(m.into()))
        }))
    };
    if let Some(f) = from.and_then(|f| f.get_mut("data")) {
        *f = Value::Object(mask(&before, &after, "*** (before)"));
    }
    if let Some(t) = to.get_mut("data") {
        *t = Value::Object(mask(&after, &before, "*** (after)"));
    }
}
