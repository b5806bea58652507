//! Strategic merge patch (apimachinery `pkg/util/strategicpatch/patch.go`) as the API
//! server applies a `kubectl patch` to a live object, and kubectl apply's three-way
//! merge computed straight to the result. Lists whose Go field carries a merge key
//! (`patchMergeKey`) merge item by item: items only the server has stay, in the order
//! `normalizeElementOrder` gives them; other lists are replaced.

use serde_json::{Map, Value};

const DIRECTIVE: &str = "$patch";
const RETAIN_KEYS: &str = "$retainKeys";
const SET_ORDER: &str = "$setElementOrder/";
const DELETE_PRIMITIVES: &str = "$deleteFromPrimitiveList/";

/// The merge key of a list field (the Go struct tags of k8s.io/api). `ports` is a
/// container's (`containerPort`) or a Service's (`port`), told apart by the items.
fn merge_key(field: &str, lists: &[&[Value]]) -> Option<&'static str> {
    match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "env"
        | "volumes"
        | "imagePullSecrets"
        | "resourceClaims" => Some("name"),
        "volumeMounts" => Some("mountPath"),
        "volumeDevices" => Some("devicePath"),
        "hostAliases" => Some("ip"),
        "topologySpreadConstraints" => Some("topologyKey"),
        "ownerReferences" => Some("uid"),
        "ports" => {
            let container = lists
                .iter()
                .flat_map(|l| l.iter())
                .any(|x| x.get("containerPort").is_some());
            Some(if container { "containerPort" } else { "port" })
        }
        _ => None,
    }
}

/// A value as Go's `%v` prints the `interface{}` it decodes to (maps with sorted keys,
/// `map[k:v]`; lists `[a b]`; strings bare; null `<nil>`), for the library's errors.
pub fn go_value(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(go_value).collect();
            format!("[{}]", parts.join(" "))
        }
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            crate::sort::sort(&mut keys);
            let parts: Vec<String> = keys
                .iter()
                .map(|k| format!("{k}:{}", go_value(&m[k.as_str()])))
                .collect();
            format!("map[{}]", parts.join(" "))
        }
    }
}

fn no_merge_key(item: &Value, key: &str) -> String {
    format!(
        "map: {} does not contain declared merge key: {key}",
        go_value(item)
    )
}

/// `StrategicMergeMapPatch(current, patch)`: the patched object, or the library's error.
pub fn strategic_merge(current: &Value, patch: &Value) -> Result<Value, String> {
    match (current, patch) {
        (Value::Object(c), Value::Object(p)) => merge_map(c.clone(), p).map(Value::Object),
        _ => Ok(patch.clone()),
    }
}

fn merge_map(
    mut original: Map<String, Value>,
    patch: &Map<String, Value>,
) -> Result<Map<String, Value>, String> {
    if let Some(d) = patch.get(DIRECTIVE) {
        return match d.as_str() {
            Some("replace") => {
                let mut p = patch.clone();
                p.remove(DIRECTIVE);
                Ok(p)
            }
            Some("delete") => Ok(Map::new()),
            _ => Err(format!(
                "unknown patch type: {} in map: {}",
                go_value(d),
                go_value(&Value::Object(patch.clone()))
            )),
        };
    }
    if let Some(Value::Array(keep)) = patch.get(RETAIN_KEYS) {
        original.retain(|k, _| keep.iter().any(|x| x.as_str() == Some(k)));
    }
    for (k, pv) in patch {
        if let Some(field) = k.strip_prefix(DELETE_PRIMITIVES) {
            if let (Some(Value::Array(list)), Value::Array(gone)) = (original.get_mut(field), pv) {
                list.retain(|x| !gone.contains(x));
            }
        }
    }
    for (k, pv) in patch {
        if k == RETAIN_KEYS || k.starts_with(SET_ORDER) || k.starts_with(DELETE_PRIMITIVES) {
            continue;
        }
        if pv.is_null() {
            original.remove(k);
            continue;
        }
        let merged = match (original.get(k), pv) {
            (Some(Value::Object(ov)), Value::Object(p)) => Value::Object(merge_map(ov.clone(), p)?),
            (Some(Value::Array(ov)), Value::Array(p)) => {
                let order = patch
                    .get(&format!("{SET_ORDER}{k}"))
                    .and_then(Value::as_array);
                Value::Array(merge_list(k, ov, p, order)?)
            }
            _ => {
                let mut v = pv.clone();
                clean(&mut v);
                v
            }
        };
        original.insert(k.clone(), merged);
    }
    Ok(original)
}

/// A value taken whole from a patch: no nulls, no directives.
fn clean(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|k, x| !x.is_null() && !k.starts_with('$'));
            m.values_mut().for_each(clean);
        }
        Value::Array(items) => {
            items.retain(|x| x.get(DIRECTIVE).is_none());
            items.iter_mut().for_each(clean);
        }
        _ => {}
    }
}

/// `mergeSlice`: `$patch: delete` items remove the server's item with their key,
/// `$patch: replace` makes the patch the list; other items merge into the server's
/// item with the same key or are appended; then `normalizeElementOrder`.
fn merge_list(
    field: &str,
    original: &[Value],
    patch: &[Value],
    order: Option<&Vec<Value>>,
) -> Result<Vec<Value>, String> {
    if original.is_empty() && patch.is_empty() {
        return Ok(Vec::new());
    }
    let maps = |l: &[Value]| l.iter().all(Value::is_object);
    if !(maps(original) && maps(patch)) {
        let scalars = |l: &[Value]| l.iter().all(|x| !x.is_object() && !x.is_array());
        if !(scalars(original) && scalars(patch)) {
            return Err(format!(
                "list element types are not identical: [{} {}]",
                go_value(&Value::Array(original.to_vec())),
                go_value(&Value::Array(patch.to_vec()))
            ));
        }
        let mut v = patch.to_vec();
        v.iter_mut().for_each(clean);
        return Ok(v);
    }
    let Some(key) = merge_key(field, &[original, patch]) else {
        let mut v = patch.to_vec();
        v.iter_mut().for_each(clean);
        return Ok(v);
    };
    let mut server: Vec<Value> = original.to_vec();
    let mut items: Vec<&Value> = Vec::new();
    let mut replace = false;
    for item in patch {
        match item.get(DIRECTIVE) {
            None => items.push(item),
            Some(d) => match d.as_str() {
                Some("delete") => {
                    let Some(id) = item.get(key) else {
                        return Err(no_merge_key(item, key));
                    };
                    server.retain(|x| x.get(key) != Some(id));
                }
                Some("replace") => replace = true,
                Some("merge") => {
                    return Err("merging lists cannot yet be specified in the patch".into())
                }
                _ => {
                    return Err(format!(
                        "unknown patch type: {} in map: {}",
                        go_value(d),
                        go_value(item)
                    ))
                }
            },
        }
    }
    if replace {
        let mut v: Vec<Value> = items.into_iter().cloned().collect();
        v.iter_mut().for_each(clean);
        return Ok(v);
    }
    let mut merged = server.clone();
    for item in &items {
        let Some(id) = item.get(key) else {
            return Err(no_merge_key(item, key));
        };
        let found = merged.iter().position(|x| x.get(key) == Some(id));
        match (found, item) {
            (Some(i), Value::Object(p)) => {
                if let Value::Object(o) = &merged[i] {
                    merged[i] = Value::Object(merge_map(o.clone(), p)?);
                }
            }
            _ => {
                let mut v = (*item).clone();
                clean(&mut v);
                merged.push(v);
            }
        }
    }
    let patch_order: Vec<&Value> = match order {
        Some(o) => o.iter().collect(),
        None => items,
    };
    Ok(normalize_order(merged, &patch_order, &server, key))
}

/// `normalizeElementOrder`: the items named in the patch in the patch's order, the
/// server-only items in the server's order, interleaved by `mergeSortedSlice`.
fn normalize_order(
    merged: Vec<Value>,
    patch_order: &[&Value],
    server_order: &[Value],
    key: &str,
) -> Vec<Value> {
    let index = |list: &[&Value], x: &Value| list.iter().position(|p| p.get(key) == x.get(key));
    let (mut named, server_only): (Vec<Value>, Vec<Value>) = merged
        .into_iter()
        .partition(|x| index(patch_order, x).is_some());
    crate::sort::sort_by_key(&mut named, |x| index(patch_order, x));
    let server_refs: Vec<&Value> = server_order.iter().collect();
    let mut out = Vec::with_capacity(named.len() + server_only.len());
    let (mut left, mut right) = (
        server_only.into_iter().peekable(),
        named.into_iter().peekable(),
    );
    loop {
        let take_left = match (left.peek(), right.peek()) {
            (None, None) => break,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (Some(l), Some(r)) => match (index(&server_refs, l), index(&server_refs, r)) {
                (Some(li), Some(ri)) => li < ri,
                _ => false,
            },
        };
        let next = if take_left { left.next() } else { right.next() };
        out.extend(next);
    }
    out
}

/// kubectl apply's three-way merge (original = last applied, modified = new config,
/// current = live), computed straight to the result the server ends with. Maps merge
/// key by key and drop what the previous apply set but the new one omits; lists with
/// a merge key merge item by item, drop the items the previous apply had and the new
/// one omits, keep items only the server has (added by `kubectl patch`, say), ordered
/// as the patch's `$setElementOrder` makes the server order them; other lists are
/// replaced.
pub fn three_way(
    original: Option<&Value>,
    modified: &Value,
    current: &Value,
    field: &str,
) -> Value {
    match (modified, current) {
        (Value::Object(m), Value::Object(c)) => {
            let mut out = c.clone();
            for (k, mv) in m {
                let ov = original.and_then(|o| o.get(k));
                let merged = match c.get(k) {
                    Some(cv) => three_way(ov, mv, cv, k),
                    None => mv.clone(),
                };
                out.insert(k.clone(), merged);
            }
            if let Some(Value::Object(o)) = original {
                for k in o.keys() {
                    if !m.contains_key(k) {
                        out.remove(k);
                    }
                }
            }
            Value::Object(out)
        }
        (Value::Array(m), Value::Array(c)) => {
            if !m.iter().chain(c).all(Value::is_object) {
                return modified.clone();
            }
            let Some(key) = merge_key(field, &[m, c]) else {
                return modified.clone();
            };
            let find = |list: &[Value], item: &Value| -> Option<usize> {
                let id = item.get(key)?;
                let proto = item.get("protocol");
                list.iter().position(|x| {
                    x.get(key) == Some(id)
                        && (proto.is_none()
                            || x.get("protocol") == proto
                            || x.get("protocol").is_none())
                })
            };
            let orig_list: &[Value] = original
                .and_then(|o| o.as_array())
                .map(Vec::as_slice)
                .unwrap_or_default();
            let mut merged: Vec<Value> = m
                .iter()
                .map(|mi| {
                    let oi = find(orig_list, mi).map(|i| &orig_list[i]);
                    match find(c, mi) {
                        Some(ci) => three_way(oi, mi, &c[ci], ""),
                        None => mi.clone(),
                    }
                })
                .collect();
            // Items only the server has, unless the previous apply had them.
            let server: Vec<Value> = c
                .iter()
                .filter(|ci| find(m, ci).is_none() && find(orig_list, ci).is_none())
                .cloned()
                .collect();
            if server.is_empty() {
                return Value::Array(merged);
            }
            let order: Vec<&Value> = m.iter().collect();
            merged.extend(server);
            Value::Array(normalize_order(merged, &order, c, key))
        }
        _ => modified.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ports_merge_by_port_and_keep_server_only_items() {
        let cur = json!({"ports": [{"port": 80}, {"port": 81}, {"port": 82}]});
        let p =
            json!({"ports": [{"port": 82, "name": "c"}, {"port": 9}, {"port": 80, "name": "a"}]});
        let got = strategic_merge(&cur, &p).unwrap_or_default();
        assert_eq!(
            got,
            json!({"ports": [{"port": 81}, {"port": 82, "name": "c"}, {"port": 9}, {"port": 80, "name": "a"}]})
        );
        let del = json!({"ports": [{"port": 81, "$patch": "delete"}]});
        let got = strategic_merge(&cur, &del).unwrap_or_default();
        assert_eq!(got, json!({"ports": [{"port": 80}, {"port": 82}]}));
        let bad = json!({"ports": [{"targetPort": 8080}]});
        assert_eq!(
            strategic_merge(&cur, &bad).err().as_deref(),
            Some("map: map[targetPort:8080] does not contain declared merge key: port")
        );
    }

    #[test]
    fn apply_keeps_items_only_the_server_has() {
        let orig = json!({"ports": [{"port": 80}]});
        let modified = json!({"ports": [{"port": 80, "name": "x"}]});
        let cur = json!({"ports": [{"port": 8080}, {"port": 80}]});
        let got = three_way(Some(&orig), &modified, &cur, "");
        assert_eq!(
            got,
            json!({"ports": [{"port": 8080}, {"port": 80, "name": "x"}]})
        );
    }
}
