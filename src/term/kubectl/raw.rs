//! The API server's own HTTP paths, as `kubectl proxy` (then `curl localhost:8001/...`)
//! and `kubectl get --raw PATH` reach them: reads of objects and lists, the `proxy`
//! subresource of Services and pods (the API server dials an endpoint itself), and
//! `/healthz`, `/livez`, `/readyz`, `/version`. Errors are `metav1.Status` bodies.

use crate::api::Object;
use crate::cluster::{Cluster, Key};
use crate::manifest::output;
use crate::net::apps::{self, HttpRequest, HttpResponse};
use crate::net::{self, Outcome, Proto, Source};
use serde_json::{json, Value};

/// The node the API server runs on (its source address when it dials a pod).
const API_SERVER_NODE: &str = "kubeplay-control-plane";

/// Serves one GET of `path` (with any query). `pretty`: the API server indents JSON for
/// clients whose User-Agent starts with curl, Wget or Mozilla/5.0 (apiserver
/// negotiation isPrettyPrint), or with `?pretty=true`; kubectl gets it compact.
pub fn serve(c: &mut Cluster, path: &str, user_agent: &str) -> HttpResponse {
    let (path_only, query) = path.split_once('?').unwrap_or((path, ""));
    let pretty = match query.split('&').find_map(|kv| kv.strip_prefix("pretty=")) {
        Some(v) => matches!(v, "true" | "1" | "t" | "T" | "TRUE" | "True"),
        None => ["curl", "Wget", "Mozilla/5.0"]
            .iter()
            .any(|p| user_agent.starts_with(p)),
    };
    let segs: Vec<&str> = path_only.trim_start_matches('/').split('/').collect();
    match segs.as_slice() {
        ["healthz" | "livez" | "readyz"] => text(c, 200, "ok"),
        ["version"] => {
            let body = version(pretty);
            response(c, 200, "application/json", body)
        }
        ["api" | "apis", rest @ ..] => {
            let (group_version, rest) = match (segs[0], rest) {
                ("api", [v, rest @ ..]) => (v.to_string(), rest),
                ("apis", [g, v, rest @ ..]) => (format!("{g}/{v}"), rest),
                _ => return not_found_path(c, pretty),
            };
            resource(c, &group_version, rest, query, pretty)
        }
        _ => not_found_path(c, pretty),
    }
}

/// `/api/v1/...` or `/apis/GROUP/VERSION/...` after the group and version.
fn resource(c: &mut Cluster, gv: &str, rest: &[&str], query: &str, pretty: bool) -> HttpResponse {
    let (ns, rest) = match rest {
        ["namespaces", ns, more @ ..] if !more.is_empty() => (Some(*ns), more),
        _ => (None, rest),
    };
    let (plural, name, sub) = match rest {
        [plural] => (*plural, None, &[][..]),
        [plural, name, sub @ ..] => (*plural, Some(*name), sub),
        _ => return not_found_path(c, pretty),
    };
    let Some(rt) = crate::api::kinds::RESOURCE_TYPES
        .iter()
        .find(|t| t.plural == plural && t.api_version() == gv)
    else {
        return not_found_path(c, pretty);
    };
    if rt.namespaced != ns.is_some() && name.is_some() {
        return not_found_path(c, pretty);
    }
    let Some(name) = name else {
        return list(c, rt, ns, pretty);
    };
    // The proxy subresource's id may carry a scheme and a port (`http:web:80`).
    let id = name;
    let name = match sub.first() {
        Some(&"proxy") => split_scheme_name_port(id).0,
        _ => id.to_string(),
    };
    let key = Key::new(rt.kind, ns.unwrap_or(""), &name);
    let Some(obj) = c.store.get(&key).cloned() else {
        let plural = rt.qualified_plural();
        let message = format!("{plural} \"{name}\" not found");
        let details = Details {
            name: &name,
            kind: rt.plural,
        };
        return status(c, 404, "NotFound", &message, Some(details), pretty);
    };
    match sub {
        [] => json_resp(c, 200, &obj.to_read_json(), pretty),
        ["proxy", tail @ ..] => {
            let mut path = format!("/{}", tail.join("/"));
            if !query.is_empty() {
                path = format!("{path}?{query}");
            }
            match (&obj, tail.is_empty()) {
                // proxy handler: a bare `.../proxy` is redirected to `.../proxy/`.
                (_, true) => redirect(c, ns.unwrap_or(""), rt.plural, id),
                (Object::Service(_), _) => service_proxy(c, &obj, id, &path, pretty),
                (Object::Pod(_), _) => pod_proxy(c, &obj, id, &path, pretty),
                _ => not_found_path(c, pretty),
            }
        }
        _ => not_found_path(c, pretty),
    }
}

/// A list as the API serves it: `KindList`, the store's revision, items without their
/// own kind and apiVersion.
fn list(
    c: &mut Cluster,
    rt: &crate::api::kinds::ResourceType,
    ns: Option<&str>,
    pretty: bool,
) -> HttpResponse {
    let items: Vec<Value> = match ns {
        Some(ns) => c.store.list_ns(rt.kind, ns).map(item_json).collect(),
        None => c.store.list(rt.kind).map(item_json).collect(),
    };
    let body = json!({
        "kind": format!("{}List", rt.kind),
        "apiVersion": rt.api_version(),
        "metadata": {"resourceVersion": c.store.revision().to_string()},
        "items": items,
    });
    json_resp(c, 200, &body, pretty)
}

fn item_json(obj: &Object) -> Value {
    let mut v = obj.to_read_json();
    if let Value::Object(m) = &mut v {
        m.remove("kind");
        m.remove("apiVersion");
    }
    v
}

/// registry/core/service/storage ResourceLocation: `[scheme:]name[:port]`, a port
/// number is mapped to the Service port's name, then a random ready address of a random
/// Endpoints subset carrying a port of that name (unnamed when none was given).
fn service_proxy(
    c: &mut Cluster,
    svc: &Object,
    id: &str,
    path: &str,
    pretty: bool,
) -> HttpResponse {
    let Object::Service(s) = svc else {
        return not_found_path(c, pretty);
    };
    let (name, mut port) = split_scheme_name_port(id);
    let ns = svc.namespace().to_string();
    if let Ok(number) = port.parse::<i32>() {
        let ports = s.spec.as_ref().and_then(|sp| sp.ports.as_ref());
        match ports.into_iter().flatten().find(|p| p.port == number) {
            Some(p) => port = p.name.clone().unwrap_or_default(),
            None => {
                let msg = format!("no service port {number} found for service \"{name}\"");
                return status(c, 503, "ServiceUnavailable", &msg, None, pretty);
            }
        }
    }
    let no_endpoints = format!("no endpoints available for service \"{name}\"");
    let Some(Object::Endpoints(eps)) = c.store.get(&Key::new("Endpoints", &ns, &name)).cloned()
    else {
        return status(c, 503, "ServiceUnavailable", &no_endpoints, None, pretty);
    };
    let subsets = eps.subsets.clone().unwrap_or_default();
    if subsets.is_empty() {
        return status(c, 503, "ServiceUnavailable", &no_endpoints, None, pretty);
    }
    let seed = c.rand_below(subsets.len() as u64) as usize;
    for i in 0..subsets.len() {
        let ss = &subsets[(seed + i) % subsets.len()];
        let addrs = ss.addresses.as_deref().unwrap_or_default();
        if addrs.is_empty() {
            continue;
        }
        let ports = ss.ports.as_deref().unwrap_or_default();
        if let Some(p) = ports
            .iter()
            .find(|p| p.name.as_deref().unwrap_or("") == port)
        {
            let at = c.rand_below(addrs.len() as u64) as usize;
            let ip = addrs[at].ip.clone();
            return dial(c, &ip, p.port, path, pretty);
        }
    }
    status(c, 503, "ServiceUnavailable", &no_endpoints, None, pretty)
}

/// registry/core/pod ResourceLocation: the pod's IP and the given port, else the first
/// container port the pod declares (`kubectl run --port=8080`), else none: HTTP's 80.
fn pod_proxy(c: &mut Cluster, pod: &Object, id: &str, path: &str, pretty: bool) -> HttpResponse {
    let Object::Pod(p) = pod else {
        return not_found_path(c, pretty);
    };
    let (_, port) = split_scheme_name_port(id);
    let Some(ip) = net::pod_ip(p).map(str::to_string) else {
        return status(c, 400, "BadRequest", "address not allowed", None, pretty);
    };
    let declared = p
        .spec
        .iter()
        .flat_map(|s| &s.containers)
        .find_map(|ct| ct.ports.as_ref()?.first().map(|cp| cp.container_port));
    let port = if port.is_empty() {
        declared.unwrap_or(80)
    } else {
        port.parse().unwrap_or(80)
    };
    dial(c, &ip, port, path, pretty)
}

/// The API server connects from its node and proxies the answer; a failed dial is
/// proxy.ErrorResponder's 503 "error trying to reach service: ...".
fn dial(c: &mut Cluster, ip: &str, port: i32, path: &str, pretty: bool) -> HttpResponse {
    let src = Source::Node(API_SERVER_NODE.to_string());
    let conn = net::connect(c, &src, ip, port, Proto::Tcp);
    let err = match conn.outcome {
        Outcome::Connected(peer) => {
            let req = HttpRequest::get(
                path,
                format!("{ip}:{port}"),
                "Go-http-client/1.1",
                ("Accept-Encoding", "gzip"),
            );
            return apps::http(c, &peer, &req);
        }
        Outcome::TimedOut => format!("dial tcp {ip}:{port}: i/o timeout"),
        _ => format!("dial tcp {ip}:{port}: connect: connection refused"),
    };
    let msg = format!("error trying to reach service: {err}");
    status(c, 503, "ServiceUnavailable", &msg, None, pretty)
}

/// utilnet.SplitSchemeNamePort: `name`, `name:port`, `scheme:name:port`.
fn split_scheme_name_port(id: &str) -> (String, String) {
    let parts: Vec<&str> = id.split(':').collect();
    match parts.as_slice() {
        [name] => (name.to_string(), String::new()),
        [name, port] => (name.to_string(), port.to_string()),
        [_, name, port] => (name.to_string(), port.to_string()),
        _ => (id.to_string(), String::new()),
    }
}

fn redirect(c: &mut Cluster, ns: &str, plural: &str, name: &str) -> HttpResponse {
    let prefix = if ns.is_empty() {
        String::new()
    } else {
        format!("/namespaces/{ns}")
    };
    let location = format!("/api/v1{prefix}/{plural}/{name}/proxy/");
    let mut r = text(
        c,
        301,
        &format!("<a href=\"{location}\">Moved Permanently</a>.\n\n"),
    );
    r.headers
        .iter_mut()
        .filter(|(k, _)| k == "Content-Type")
        .for_each(|(_, v)| *v = "text/html; charset=utf-8".into());
    r.headers.push(("Location".into(), location));
    r
}

/// version.Info in its field order.
fn version(pretty: bool) -> String {
    let fields = [
        ("major", "1"),
        ("minor", "33"),
        ("emulationMajor", "1"),
        ("emulationMinor", "33"),
        ("minCompatibilityMajor", "1"),
        ("minCompatibilityMinor", "32"),
        ("gitVersion", "v1.33.1"),
        ("gitCommit", "8adc0f041b8e7ad1d30e29cc59c6ae7a15e19828"),
        ("gitTreeState", "clean"),
        ("buildDate", "2025-05-15T08:27:33Z"),
        ("goVersion", "go1.24.2"),
        ("compiler", "gc"),
        ("platform", "linux/amd64"),
    ];
    let fields: Vec<(&str, String)> = fields.iter().map(|(k, v)| (*k, quoted(v))).collect();
    ordered(&fields, 0, pretty) + "\n"
}

fn not_found_path(c: &mut Cluster, pretty: bool) -> HttpResponse {
    let msg = "the server could not find the requested resource";
    status(
        c,
        404,
        "NotFound",
        msg,
        Some(Details { name: "", kind: "" }),
        pretty,
    )
}

/// metav1.StatusDetails (empty fields are omitted).
struct Details<'a> {
    name: &'a str,
    kind: &'a str,
}

/// A `metav1.Status` failure, fields in the struct's order.
fn status(
    c: &mut Cluster,
    code: u16,
    reason: &str,
    message: &str,
    details: Option<Details>,
    pretty: bool,
) -> HttpResponse {
    let mut fields = vec![
        ("kind", quoted("Status")),
        ("apiVersion", quoted("v1")),
        ("metadata", "{}".to_string()),
        ("status", quoted("Failure")),
        ("message", quoted(message)),
        ("reason", quoted(reason)),
    ];
    if let Some(d) = details {
        let inner: Vec<(&str, String)> = [("name", d.name), ("kind", d.kind)]
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (k, quoted(v)))
            .collect();
        fields.push(("details", ordered(&inner, 1, pretty)));
    }
    fields.push(("code", code.to_string()));
    let body = ordered(&fields, 0, pretty) + "\n";
    response(c, code, "application/json", body)
}

fn quoted(s: &str) -> String {
    Value::from(s).to_string()
}

/// A JSON object of already-encoded values, in the given order: json.Indent's layout
/// (two spaces a level) or Go's compact form.
fn ordered(fields: &[(&str, String)], depth: usize, pretty: bool) -> String {
    if fields.is_empty() {
        return "{}".into();
    }
    let (open, sep, colon, close) = if pretty {
        let pad = "  ".repeat(depth + 1);
        (
            format!("{{\n{pad}"),
            format!(",\n{pad}"),
            ": ",
            format!("\n{}}}", "  ".repeat(depth)),
        )
    } else {
        ("{".to_string(), ",".to_string(), ":", "}".to_string())
    };
    let parts: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{}{colon}{v}", quoted(k)))
        .collect();
    format!("{open}{}{close}", parts.join(&sep))
}

fn json_resp(c: &mut Cluster, code: u16, body: &Value, pretty: bool) -> HttpResponse {
    let text = output::to_json_api(body, pretty);
    response(c, code, "application/json", text)
}

fn text(c: &mut Cluster, code: u16, body: &str) -> HttpResponse {
    response(c, code, "text/plain; charset=utf-8", body.to_string())
}

fn response(c: &mut Cluster, code: u16, content_type: &str, body: String) -> HttpResponse {
    // Random like the API server's; drawn from the cluster's RNG, not the store's uid
    // counter (a read must not change the store).
    let audit = format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        c.rand_below(1 << 32),
        c.rand_below(1 << 16),
        c.rand_below(1 << 12),
        0x8000 | c.rand_below(1 << 14),
        c.rand_below(1 << 48)
    );
    HttpResponse {
        version: "HTTP/1.1",
        status: code,
        reason: apps::reason(code),
        headers: vec![
            ("Audit-Id".into(), audit),
            ("Cache-Control".into(), "no-cache, private".into()),
            ("Content-Type".into(), content_type.into()),
            ("Date".into(), apps::http_date(c.now)),
            ("Content-Length".into(), body.len().to_string()),
        ],
        body,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::term::Terminal;

    fn apply_text(c: &mut Cluster, text: &str) {
        let (out, code) = Terminal::new().run(c, &format!("kubectl apply -f - <<EOF\n{text}EOF"));
        assert_eq!(code, 0, "{}", out.combined());
    }

    fn curl(c: &mut Cluster, path: &str) -> HttpResponse {
        serve(c, path, "curl/8.11.1")
    }

    #[test]
    fn reads_leave_the_store_as_it_was() {
        let mut c = Cluster::new(2);
        let before = c.store.clone();
        curl(&mut c, "/api/v1/namespaces/default/services/kubernetes");
        curl(&mut c, "/api/v1/namespaces/default/services/nope");
        assert!(c.store == before);
    }

    #[test]
    fn service_proxy_reaches_an_endpoint_or_says_why_not() {
        let mut c = Cluster::new(2);
        let r = curl(&mut c, "/api/v1/namespaces/default/services/web/proxy/");
        assert_eq!(r.status, 404);
        assert!(
            r.body
                .contains("\"message\": \"services \\\"web\\\" not found\""),
            "{}",
            r.body
        );
        apply_text(
            &mut c,
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n",
        );
        let r = curl(&mut c, "/api/v1/namespaces/default/services/web/proxy/");
        assert_eq!(r.status, 503);
        assert!(
            r.body
                .contains("no endpoints available for service \\\"web\\\""),
            "{}",
            r.body
        );
        apply_text(
            &mut c,
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels:\n    app: web\nspec:\n  containers:\n  - name: web\n    image: nginx:1.27\n",
        );
        c.advance(10_000);
        let r = curl(&mut c, "/api/v1/namespaces/default/services/web:80/proxy/");
        assert_eq!(r.status, 200);
        assert!(r.body.contains("Welcome to nginx!"));
        let r = curl(&mut c, "/api/v1/namespaces/default/services/web:81/proxy/");
        assert!(r.body.contains("no service port 81 found"), "{}", r.body);
        // kubectl (not curl) gets compact JSON.
        let r = serve(
            &mut c,
            "/api/v1/namespaces/default/services/web",
            "kubectl/v1.33.1",
        );
        assert!(
            r.body
                .starts_with("{\"kind\":\"Service\",\"apiVersion\":\"v1\",\"metadata\":{"),
            "{}",
            r.body
        );
        assert_eq!(serve(&mut c, "/healthz", "curl").body, "ok");
    }
}
