//! Simulated applications, keyed by image: what a container listens on and how it
//! answers HTTP. Sources: nginx `docs/html/index.html` and
//! `src/http/ngx_http_special_response.c`; k/k `test/images/agnhost/netexec/netexec.go`;
//! hashicorp/http-echo `main.go`; traefik/whoami `app.go`; httpd `htdocs/index.html`.

use k8s_openapi::api::core::v1::{Container, Pod};

use super::{Peer, PeerKind, Proto};
use crate::cluster::images::image_repo;
use crate::cluster::kubelet::Stage;
use crate::cluster::{Cluster, Key, Millis, EPOCH_SECONDS};

pub const NGINX_VERSION: &str = "1.27.5";

/// nginx's welcome page (nginx `docs/html/index.html`, 615 bytes; REFERENCE.md 9.1).
pub const NGINX_WELCOME: &str = "<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href=\"http://nginx.org/\">nginx.org</a>.<br/>
Commercial support is available at
<a href=\"http://nginx.com/\">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
";

pub const HTTPD_WORKS: &str = "<html><body><h1>It works!</h1></body></html>\n";

const HTTPD_404: &str = "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>\n<p>The requested URL was not found on this server.</p>\n</body></html>\n";

const EXAMPLE_PAGE: &str = "<!doctype html>\n<html>\n<head>\n    <title>Example Domain</title>\n</head>\n<body>\n<div>\n    <h1>Example Domain</h1>\n    <p>This domain is for use in illustrative examples in documents. You may use this\n    domain in literature without prior coordination or asking for permission.</p>\n    <p><a href=\"https://www.iana.org/domains/example\">More information...</a></p>\n</div>\n</body>\n</html>\n";

/// What a container runs, as far as the network is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum App {
    Nginx,
    Httpd,
    /// agnhost netexec with its HTTP and UDP ports.
    Netexec {
        http: i32,
        udp: Option<i32>,
    },
    /// agnhost serve-hostname, or the standalone `registry.k8s.io/serve_hostname` of the
    /// "Debug Services" page (k/k test/images/serve-hostname): HTTP on 9376, answering
    /// with the pod's hostname. agnhost logs through klog, the standalone one through
    /// Go's `log`.
    ServeHostname {
        port: i32,
        klog: bool,
    },
    HttpEcho {
        text: String,
        port: i32,
    },
    Whoami {
        port: i32,
    },
    /// The Kubernetes Basics tutorial's Node.js app (`kubernetes-bootcamp`, its
    /// `server.js`): HTTP on 8080, answering with its hostname and version `v`.
    Bootcamp {
        v: u8,
    },
    /// gcr.io/google-samples/hello-app: `Version: {version}` on $PORT (8080).
    HelloApp {
        port: i32,
        version: &'static str,
    },
    /// registry.k8s.io/echoserver on 8080; `old`: 1.4's `CLIENT VALUES:` page.
    EchoServer {
        old: bool,
    },
    /// kicbase/echo-server on $PORT (8080).
    KicbaseEcho {
        port: i32,
    },
    /// nginxdemos/hello's `plain-text` tags on 80. (The other tags serve an HTML page
    /// with two inline PNGs, which the playground does not carry.)
    NginxHello,
    /// gcr.io/google-samples/node-hello: "Hello Kubernetes!" on $PORT (8080).
    NodeHello {
        port: i32,
    },
    CoreDns,
    ApiServer,
}

impl App {
    pub fn listens(&self, port: i32, proto: Proto) -> bool {
        match (self, proto) {
            (App::Nginx | App::Httpd, Proto::Tcp) => port == 80,
            (App::Netexec { http, .. }, Proto::Tcp) => port == *http,
            (App::Netexec { udp, .. }, Proto::Udp) => Some(port) == *udp,
            (App::ServeHostname { port: p, .. }, Proto::Tcp) => port == *p,
            (App::HttpEcho { port: p, .. }, Proto::Tcp) => port == *p,
            (App::Whoami { port: p }, Proto::Tcp) => port == *p,
            (App::Bootcamp { .. }, Proto::Tcp) => port == 8080,
            (
                App::HelloApp { port: p, .. }
                | App::KicbaseEcho { port: p }
                | App::NodeHello { port: p },
                Proto::Tcp,
            ) => port == *p,
            // 1.10 also listens for TLS on 8443.
            (App::EchoServer { old }, Proto::Tcp) => port == 8080 || (port == 8443 && !old),
            (App::NginxHello, Proto::Tcp) => port == 80,
            (App::CoreDns, Proto::Udp) => port == 53,
            (App::CoreDns, Proto::Tcp) => matches!(port, 53 | 8080 | 8181 | 9153),
            (App::ApiServer, Proto::Tcp) => port == 6443,
            _ => false,
        }
    }
}

fn flag_value<'a>(words: &[&'a str], names: &[&str]) -> Option<&'a str> {
    for (i, w) in words.iter().enumerate() {
        for n in names {
            if let Some(v) = w.strip_prefix(n).and_then(|r| r.strip_prefix('=')) {
                return Some(v);
            }
            if w == n {
                return words.get(i + 1).copied();
            }
        }
    }
    None
}

/// The app a container runs, from its image, command and args.
pub fn app_of(ct: &Container) -> Option<App> {
    let image = ct.image.as_deref().unwrap_or("");
    let repo = image_repo(image);
    let cmd: &[String] = ct.command.as_deref().unwrap_or_default();
    let args: &[String] = ct.args.as_deref().unwrap_or_default();
    let words: Vec<&str> = cmd.iter().chain(args).map(String::as_str).collect();
    fn first_base<'a>(w: &[&'a str]) -> &'a str {
        w.first()
            .map(|s| s.rsplit('/').next().unwrap_or(s))
            .unwrap_or_default()
    }
    let cmd_base = first_base(&words[..cmd.len()]);
    let args_base = first_base(&words[cmd.len()..]);
    // docker-entrypoint.sh execs the args: nginx runs only when they start it.
    let nginx_runs = || {
        let args_run_nginx = args.is_empty() || matches!(args_base, "nginx" | "nginx-debug");
        if cmd.is_empty() || cmd_base == "docker-entrypoint.sh" {
            args_run_nginx
        } else {
            cmd_base == "nginx"
        }
    };
    // `PORT` set in the container's env (hello-app, echo-server); the images' own is 8080.
    let env_port = || {
        ct.env
            .iter()
            .flatten()
            .find(|e| e.name == "PORT")
            .and_then(|e| e.value.as_deref())
            .map_or(Some(8080), |v| v.parse().ok())
    };
    // The image's own program runs: no command (an entrypoint, or a CMD that args do not
    // replace unless they name it), or a command naming it.
    let runs = |prog: &str, args_replace_cmd: bool| {
        if cmd.is_empty() {
            !args_replace_cmd || args.is_empty() || args_base == prog
        } else {
            cmd_base == prog
        }
    };
    if let Some(demo) = crate::cluster::images::demo(image) {
        use crate::cluster::images::Demo;
        let tag = crate::cluster::images::parse_image(image).1;
        return match demo {
            Demo::HelloApp => runs("hello-app", true).then(|| App::HelloApp {
                port: env_port().unwrap_or(0),
                version: if tag.starts_with('2') {
                    "2.0.0"
                } else {
                    "1.0.0"
                },
            }),
            Demo::EchoServer => {
                let old = crate::cluster::images::echoserver_1_4(&tag);
                let prog = if old { "nginx" } else { "run.sh" };
                (runs(prog, old) || cmd_base == "nginx").then_some(App::EchoServer { old })
            }
            Demo::KicbaseEcho => runs("echo-server", false).then(|| App::KicbaseEcho {
                port: env_port().unwrap_or(0),
            }),
            Demo::NginxHello => {
                (nginx_runs() && tag.contains("plain-text")).then_some(App::NginxHello)
            }
            Demo::NodeHello => runs("node", true).then(|| App::NodeHello {
                port: env_port().unwrap_or(0),
            }),
        };
    }
    match repo {
        "nginx" => nginx_runs().then_some(App::Nginx),
        "httpd" => (cmd.is_empty() || cmd_base.starts_with("httpd")).then_some(App::Httpd),
        "agnhost" => {
            let w = if first_base(&words) == "agnhost" {
                &words[1..]
            } else {
                &words[..]
            };
            match w.first().copied() {
                Some("netexec") => {
                    let http = flag_value(w, &["--http-port", "-http-port"])
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(8080);
                    let udp = flag_value(w, &["--udp-port", "-udp-port"])
                        .and_then(|v| v.parse::<i32>().ok())
                        .unwrap_or(8081);
                    Some(App::Netexec {
                        http,
                        udp: (udp > 0).then_some(udp),
                    })
                }
                Some("serve-hostname") => Some(App::ServeHostname {
                    port: flag_value(w, &["--port", "-port"])
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(9376),
                    klog: true,
                }),
                _ => None,
            }
        }
        "serve_hostname" => {
            if !cmd.is_empty() && cmd_base != "serve_hostname" && cmd_base != "serve-hostname" {
                return None;
            }
            // Its flags are Go `flag` ones: -port N, --port=N.
            let port = flag_value(&words, &["-port", "--port"])
                .and_then(|v| v.parse().ok())
                .unwrap_or(9376);
            Some(App::ServeHostname { port, klog: false })
        }
        "http-echo" => {
            if !cmd.is_empty() && cmd_base != "http-echo" {
                return None;
            }
            let text = flag_value(&words, &["-text", "--text"])
                .unwrap_or_default()
                .to_string();
            let listen = flag_value(&words, &["-listen", "--listen"]).unwrap_or(":5678");
            let port = listen
                .rsplit(':')
                .next()
                .and_then(|p| p.parse().ok())
                .unwrap_or(5678);
            Some(App::HttpEcho { text, port })
        }
        "whoami" => {
            if !cmd.is_empty() && cmd_base != "whoami" {
                return None;
            }
            let env_port = ct
                .env
                .iter()
                .flatten()
                .find(|e| e.name == "WHOAMI_PORT_NUMBER")
                .and_then(|e| e.value.as_deref())
                .and_then(|v| v.parse().ok());
            let port = flag_value(&words, &["--port", "-port"])
                .and_then(|v| v.parse().ok())
                .or(env_port)
                .unwrap_or(80);
            Some(App::Whoami { port })
        }
        // The image's CMD is `node server.js`; a command or args replace it.
        "kubernetes-bootcamp" => (words.is_empty() || words == ["node", "server.js"]).then(|| {
            let tag = image.rsplit_once(':').map_or("", |(_, t)| t);
            App::Bootcamp {
                v: if tag == "v2" { 2 } else { 1 },
            }
        }),
        "coredns" => Some(App::CoreDns),
        "kube-apiserver" => Some(App::ApiServer),
        _ => None,
    }
}

/// The app listening on `port/proto` in a running pod, with its container.
pub fn listening(c: &Cluster, key: &Key, pod: &Pod, port: i32, proto: Proto) -> Option<App> {
    let cts = pod.spec.as_ref().map_or(&[][..], |s| &s.containers[..]);
    let stage = &c.pod_runtime(key)?.stage;
    // Processes that stop on SIGTERM are gone; the others keep serving until killed.
    let stops = || cts.iter().all(crate::cluster::kubelet::exits_on_sigterm);
    if !serving(stage, stops) {
        return None;
    }
    cts.iter().find_map(|ct| {
        let app = app_of(ct)?;
        app.listens(port, proto).then_some(app)
    })
}

/// Whether a pod's processes run in this kubelet stage (`stops`: all of them stop on SIGTERM).
fn serving(stage: &Stage, stops: impl FnOnce() -> bool) -> bool {
    match stage {
        Stage::Running => true,
        Stage::Terminating { .. } => !stops(),
        _ => false,
    }
}

/// What a pod's containers serve, read from its spec once (kube-proxy's rules keep it
/// with each endpoint); whether they run is the kubelet's to say at connection time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodApps {
    apps: Vec<App>,
    stop_on_sigterm: bool,
}

impl PodApps {
    pub fn of(pod: &Pod) -> PodApps {
        let cts = pod.spec.as_ref().map_or(&[][..], |s| &s.containers[..]);
        PodApps {
            apps: cts.iter().filter_map(app_of).collect(),
            stop_on_sigterm: cts.iter().all(crate::cluster::kubelet::exits_on_sigterm),
        }
    }

    /// [`listening`] for the pod these apps were read from.
    pub fn listening(&self, c: &Cluster, key: &Key, port: i32, proto: Proto) -> Option<&App> {
        let stage = &c.pod_runtime(key)?.stage;
        if !serving(stage, || self.stop_on_sigterm) {
            return None;
        }
        self.apps.iter().find(|a| a.listens(port, proto))
    }
}

/// What a UDP server sends back for one datagram, or None when it stays silent. agnhost
/// netexec's UDP server (netexec.go `startUDPServer`) reads at most 2048 bytes, trims and
/// lowercases them, answers `hostname` with the hostname, `echo TEXT` with TEXT and
/// `clientip` with the client's address and port, and only logs anything else.
pub fn udp_answer(c: &mut Cluster, peer: &Peer, data: &[u8]) -> Option<String> {
    let PeerKind::Pod(key) = &peer.kind else {
        return None;
    };
    let Some(crate::api::Object::Pod(pod)) = c.store.get(key).cloned() else {
        return None;
    };
    let Some(App::Netexec { .. }) = listening(c, key, &pod, peer.port, Proto::Udp) else {
        return None;
    };
    let text = String::from_utf8_lossy(&data[..data.len().min(2048)])
        .trim()
        .to_lowercase();
    let mut client = || format!("{}:{}", peer.client_ip, 32768 + c.rand_below(28231));
    let (answer, logged) = if text == "hostname" {
        let name = hostname_of(&pod, key);
        (Some(name), "Sending udp hostName response".to_string())
    } else if let Some(rest) = text.strip_prefix("echo ") {
        let to = client();
        (
            Some(rest.to_string()),
            format!("Echoing {rest} to UDP client {to}"),
        )
    } else if text == "clientip" {
        let to = client();
        (
            Some(to.clone()),
            format!("Sending clientip back to UDP client {to}"),
        )
    } else if text.is_empty() {
        return None;
    } else {
        let from = client();
        (
            None,
            format!("Unknown UDP command received from {from}: {text}"),
        )
    };
    let line = format!("I{}       1 log.go:245] {logged}", klog_time(c.now));
    c.net
        .logs
        .entry(key.clone())
        .or_default()
        .push((c.now, line));
    answer
}

/// An HTTP request as a client sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: String,
    /// Path with query (`/echo?msg=hi`).
    pub path: String,
    /// Host header as sent.
    pub host: String,
    pub user_agent: String,
    /// Further headers, in the order sent.
    pub headers: Vec<(String, String)>,
    /// The request line's protocol (`HTTP/1.1`, or `HTTP/1.0` from a raw request).
    pub proto: &'static str,
}

impl HttpRequest {
    /// A GET from a program rather than a learner's tool (kubelet probes, the API
    /// server's proxy): Host is the dialled `ip:port`.
    pub fn get(path: &str, host: String, user_agent: &str, header: (&str, &str)) -> HttpRequest {
        HttpRequest {
            method: "GET".into(),
            path: path.to_string(),
            host,
            user_agent: user_agent.into(),
            headers: vec![(header.0.into(), header.1.into())],
            proto: "HTTP/1.1",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// `HTTP/1.1`
    pub version: &'static str,
    pub status: u16,
    pub reason: &'static str,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl HttpResponse {
    pub fn status_line(&self) -> String {
        format!("{} {} {}", self.version, self.status, self.reason)
    }
}

pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        412 => "Precondition Failed",
        417 => "Expectation Failed",
        418 => "I'm a teapot",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// `Thu, 01 Jan 2026 00:06:01 GMT`
pub fn http_date(at: Millis) -> String {
    let (y, mo, d, h, mi, s, wd) = civil(at);
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    let _ = y;
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} GMT",
        DAYS[wd],
        d,
        MONTHS[mo - 1],
        y,
        h,
        mi,
        s
    )
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// (year, month, day, hour, minute, second, weekday index from Thursday 1970-01-01).
pub fn civil(at: Millis) -> (i64, usize, i64, i64, i64, i64, usize) {
    let secs = EPOCH_SECONDS + at.div_euclid(1000);
    let days = secs.div_euclid(86400);
    let rem = secs.rem_euclid(86400);
    // Howard Hinnant's days_from_civil inverse.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    (
        y,
        m as usize,
        d,
        rem / 3600,
        (rem / 60) % 60,
        rem % 60,
        days.rem_euclid(7) as usize,
    )
}

/// nginx `$time_local`: `01/Jan/2026:00:06:01 +0000`.
fn time_local(at: Millis) -> String {
    let (y, mo, d, h, mi, s, _) = civil(at);
    format!("{d:02}/{}/{y}:{h:02}:{mi:02}:{s:02} +0000", MONTHS[mo - 1])
}

/// nginx error-log time: `2026/01/01 00:05:03`.
fn nginx_time(at: Millis) -> String {
    let (y, mo, d, h, mi, s, _) = civil(at);
    format!("{y}/{mo:02}/{d:02} {h:02}:{mi:02}:{s:02}")
}

/// klog header time: `I0101 00:05:03.000000`.
fn klog_time(at: Millis) -> String {
    let (_, mo, d, h, mi, s, _) = civil(at);
    format!(
        "{mo:02}{d:02} {h:02}:{mi:02}:{s:02}.{:06}",
        at.rem_euclid(1000) * 1000
    )
}

fn hostname_of(pod: &Pod, key: &Key) -> String {
    pod.spec
        .as_ref()
        .and_then(|s| s.hostname.clone())
        .unwrap_or_else(|| key.name.chars().take(63).collect())
}

fn resp(status: u16, server: Option<&str>, ctype: &str, body: String, now: Millis) -> HttpResponse {
    let mut headers = Vec::new();
    if let Some(s) = server {
        headers.push(("Server".to_string(), s.to_string()));
    }
    headers.push(("Date".into(), http_date(now)));
    headers.push(("Content-Type".into(), ctype.to_string()));
    headers.push(("Content-Length".into(), body.len().to_string()));
    HttpResponse {
        version: "HTTP/1.1",
        status,
        reason: reason(status),
        headers,
        body,
    }
}

/// The Content-Type nginx's mime.types gives a served file.
fn nginx_mime(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, e)| e) {
        Some("html" | "htm" | "shtml") => "text/html",
        Some("txt") => "text/plain",
        Some("css") => "text/css",
        Some("js") => "application/javascript",
        Some("json") => "application/json",
        Some("xml") => "text/xml",
        _ => "application/octet-stream",
    }
}

fn nginx_error_page(status: u16) -> String {
    format!(
        "<html>\r\n<head><title>{status} {r}</title></head>\r\n<body>\r\n<center><h1>{status} {r}</h1></center>\r\n<hr><center>nginx/{NGINX_VERSION}</center>\r\n</body>\r\n</html>\r\n",
        r = reason(status)
    )
}

fn query_param(path: &str, key: &str) -> Option<String> {
    let q = path.split_once('?')?.1;
    q.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        (k == key).then(|| percent_decode(v))
    })
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                let h = std::str::from_utf8(&b[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match h {
                    Some(v) => {
                        out.push(v);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            x => {
                out.push(x);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Answers an HTTP request on an established connection. Records access-log lines
/// (nginx) in the cluster's data-plane state.
pub fn http(c: &mut Cluster, peer: &Peer, req: &HttpRequest) -> HttpResponse {
    let now = c.now;
    let path_only = req.path.split('?').next().unwrap_or("/").to_string();
    match &peer.kind {
        PeerKind::Internet(host) => {
            let mut r = resp(200, None, "text/html", EXAMPLE_PAGE.to_string(), now);
            if host != "example.com" && host != "www.example.com" {
                r.body = format!("<html><body>{host}</body></html>\n");
                r.headers.retain(|(k, _)| k != "Content-Length");
                r.headers
                    .push(("Content-Length".into(), r.body.len().to_string()));
            }
            r
        }
        PeerKind::ApiServer => {
            // Go's TLS server answering plain HTTP (crypto/tls, net/http server.go).
            HttpResponse {
                version: "HTTP/1.0",
                status: 400,
                reason: "Bad Request",
                headers: Vec::new(),
                body: "Client sent an HTTP request to an HTTPS server.\n".into(),
            }
        }
        PeerKind::Pod(key) => {
            let Some(crate::api::Object::Pod(pod)) = c.store.get(key).cloned() else {
                return resp(503, None, "text/plain", String::new(), now);
            };
            let Some(app) = listening(c, key, &pod, peer.port, Proto::Tcp) else {
                return resp(503, None, "text/plain", String::new(), now);
            };
            let head = req.method == "HEAD";
            let mut r = match app {
                App::Nginx => {
                    let server = format!("nginx/{NGINX_VERSION}");
                    // A file written into the docroot inside the pod (`kubectl exec POD --
                    // sh -c 'echo ... > /usr/share/nginx/html/index.html'`) is what nginx
                    // serves from then on; a directory path serves its index.html.
                    let doc = if path_only.ends_with('/') {
                        format!("{path_only}index.html")
                    } else {
                        path_only.clone()
                    };
                    let written = c
                        .net
                        .files
                        .get(&(key.clone(), format!("/usr/share/nginx/html{doc}")))
                        .cloned();
                    let mut r = if req.method != "GET" && req.method != "HEAD" {
                        resp(405, Some(&server), "text/html", nginx_error_page(405), now)
                    } else if let Some(body) = written {
                        let len = body.len();
                        let mut r = resp(200, Some(&server), nginx_mime(&doc), body, now);
                        r.headers.push(("Last-Modified".into(), http_date(now)));
                        r.headers.push(("Connection".into(), "keep-alive".into()));
                        // ngx_http_set_etag: "<mtime hex>-<size hex>".
                        r.headers.push((
                            "ETag".into(),
                            format!("\"{:x}-{len:x}\"", now.div_euclid(1000)),
                        ));
                        r.headers.push(("Accept-Ranges".into(), "bytes".into()));
                        r
                    } else if path_only == "/" || path_only == "/index.html" {
                        let mut r = resp(200, Some(&server), "text/html", NGINX_WELCOME.to_string(), now);
                        r.headers.push(("Last-Modified".into(), "Wed, 16 Apr 2025 12:01:11 GMT".into()));
                        r.headers.push(("Connection".into(), "keep-alive".into()));
                        r.headers.push(("ETag".into(), "\"67ff9c07-267\"".into()));
                        r.headers.push(("Accept-Ranges".into(), "bytes".into()));
                        r
                    } else {
                        resp(404, Some(&server), "text/html", nginx_error_page(404), now)
                    };
                    let sent = if head { 0 } else { r.body.len() };
                    // log_format main: an absent User-Agent is "-".
                    let ua = if req.user_agent.is_empty() { "-" } else { &req.user_agent };
                    let line = format!(
                        "{} - - [{}] \"{} {} {}\" {} {} \"-\" \"{}\" \"-\"",
                        peer.client_ip,
                        time_local(now),
                        req.method,
                        req.path,
                        req.proto,
                        r.status,
                        sent,
                        ua
                    );
                    c.net.logs.entry(key.clone()).or_default().push((now, line));
                    if r.status == 404 {
                        let err = format!(
                            "{} [error] 29#29: *{} open() \"/usr/share/nginx/html{}\" failed (2: No such file or directory), client: {}, server: localhost, request: \"{} {} {}\", host: \"{}\"",
                            nginx_time(now),
                            c.net.logs.get(key).map_or(1, Vec::len),
                            path_only,
                            peer.client_ip,
                            req.method,
                            req.path,
                            req.proto,
                            req.host
                        );
                        if let Some(v) = c.net.logs.get_mut(key) {
                            let last = v.pop();
                            v.push((now, err));
                            if let Some(l) = last {
                                v.push(l);
                            }
                        }
                    }
                    r.headers.retain(|(k, _)| k != "Connection" || r.status == 200);
                    r
                }
                App::Httpd => {
                    if path_only == "/" || path_only == "/index.html" {
                        resp(200, Some("Apache/2.4.65 (Unix)"), "text/html", HTTPD_WORKS.into(), now)
                    } else {
                        resp(404, Some("Apache/2.4.65 (Unix)"), "text/html; charset=iso-8859-1", HTTPD_404.into(), now)
                    }
                }
                App::Netexec { .. } => {
                    let client = format!("{}:{}", peer.client_ip, 32768 + c.rand_below(28231));
                    let param = |k: &str| query_param(&req.path, k).unwrap_or_default();
                    // Go's r.Header: every request header but Host, canonical keys.
                    let mut headers: Vec<(String, String)> = req.headers.clone();
                    if !req.user_agent.is_empty() {
                        headers.push(("User-Agent".into(), req.user_agent.clone()));
                    }
                    let header = |k: &str| {
                        headers
                            .iter()
                            .find(|(h, _)| h.eq_ignore_ascii_case(k))
                            .map(|(_, v)| v.clone())
                            .unwrap_or_default()
                    };
                    // netexec.go addRoutes on http.ServeMux: "/" also answers every path
                    // no other pattern matches. Each handler log.Printf's its request.
                    let (logged, status, body) = match path_only.as_str() {
                        "/hostname" | "/hostName" => (format!("GET {path_only}"), 200, hostname_of(&pod, key)),
                        "/clientip" => ("GET /clientip".into(), 200, client),
                        "/echo" => {
                            let (msg, code) = (param("msg"), param("code"));
                            let status = if code.is_empty() { Ok(200) } else { code.parse::<u16>().map_err(|_| ()) };
                            match status {
                                Ok(st) => (format!("GET /echo?msg={msg}&code={code}"), st, msg),
                                Err(()) => (
                                    format!("GET /echo?msg={msg}&code={code}"),
                                    200,
                                    format!("argument 'code' must be an integer or empty, got {code:?}\n"),
                                ),
                            }
                        }
                        "/healthz" => ("GET /healthz".into(), 200, String::new()),
                        "/header" => match param("key") {
                            k if !k.is_empty() => (format!("GET /header?key={k}"), 200, header(&k)),
                            _ => {
                                let mut sorted = headers.clone();
                                crate::sort::sort_by(&mut sorted, |a, b| a.0.cmp(&b.0));
                                let fields: Vec<String> = sorted
                                    .iter()
                                    .map(|(k, v)| format!("{}:[{}]", serde_json::Value::from(k.as_str()), serde_json::Value::from(v.as_str())))
                                    .collect();
                                ("GET /header".into(), 200, format!("{{{}}}", fields.join(",")))
                            }
                        },
                        _ => {
                            let started = pod
                                .status
                                .as_ref()
                                .and_then(|st| st.container_statuses.as_ref())
                                .and_then(|cs| cs.iter().find_map(|s| s.state.as_ref()?.running.as_ref()?.started_at.as_ref()))
                                .map_or(now, Cluster::millis_of);
                            let sub_ms = c.rand_below(1_000_000);
                            ("GET /".into(), 200, format!("NOW: {}", go_now(now, started, sub_ms)))
                        }
                    };
                    let line = format!("I{}       1 log.go:245] {logged}", klog_time(now));
                    c.net.logs.entry(key.clone()).or_default().push((now, line));
                    let mut r = resp(status, None, "text/plain; charset=utf-8", body, now);
                    // net/http sniffs a Content-Type only from a body it was given.
                    if r.body.is_empty() {
                        r.headers.retain(|(k, _)| k != "Content-Type");
                    }
                    r
                }
                App::ServeHostname { .. } => resp(200, None, "text/plain; charset=utf-8", hostname_of(&pod, key), now),
                App::HttpEcho { text, .. } => {
                    if path_only == "/health" {
                        resp(200, None, "application/json", "{\"status\":\"ok\"}".into(), now)
                    } else {
                        let mut r = resp(200, None, "text/plain; charset=utf-8", format!("{text}\n"), now);
                        r.headers.insert(0, ("X-App-Name".into(), "http-echo".into()));
                        r.headers.insert(1, ("X-App-Version".into(), "1.0.0".into()));
                        r
                    }
                }
                App::Whoami { .. } => {
                    let ip = super::pod_ip(&pod).unwrap_or("").to_string();
                    let mut b = String::new();
                    b.push_str(&format!("Hostname: {}\n", hostname_of(&pod, key)));
                    b.push_str("IP: 127.0.0.1\nIP: ::1\n");
                    b.push_str(&format!("IP: {ip}\n"));
                    b.push_str(&format!("IP: {}\n", link_local(&ip)));
                    b.push_str(&format!("RemoteAddr: {}:{}\n", peer.client_ip, 32768 + c.rand_below(28231)));
                    b.push_str(&format!("{} {} HTTP/1.1\r\n", req.method, req.path));
                    b.push_str(&format!("Host: {}\r\n", req.host));
                    b.push_str(&format!("User-Agent: {}\r\n", req.user_agent));
                    let mut hs = req.headers.clone();
                    crate::sort::sort_by(&mut hs, |a, b| a.0.cmp(&b.0));
                    for (k, v) in hs {
                        b.push_str(&format!("{k}: {v}\r\n"));
                    }
                    b.push_str("\r\n");
                    resp(200, None, "text/plain; charset=utf-8", b, now)
                }
                App::Bootcamp { v } => {
                    // server.js: every request, any method and path, gets the same
                    // answer, and logs its count and the app's uptime.
                    let host = hostname_of(&pod, key);
                    let since = container_started(&pod).unwrap_or(now);
                    let started = bootcamp_start(since, &host);
                    let count = c.net.logs.get(key).map_or(0, |v| {
                        v.iter().filter(|(t, l)| *t >= since && l.starts_with("Running On: ")).count()
                    }) + 1;
                    // The simulated clock can fall within node's start-up: the request
                    // is then served as it starts listening.
                    let at = now.max(started);
                    let line = format!(
                        "Running On: {host} | Total Requests: {count} | App Uptime: {} seconds | Log Time: {}",
                        js_seconds(at - started),
                        js_iso(at)
                    );
                    c.net.logs.entry(key.clone()).or_default().push((now, line));
                    // Node's http module: the handler's Content-Type, then Date, and a
                    // body written in parts goes chunked on a kept-alive connection.
                    HttpResponse {
                        version: "HTTP/1.1",
                        status: 200,
                        reason: "OK",
                        headers: vec![
                            ("Content-Type".into(), "text/plain".into()),
                            ("Date".into(), http_date(now)),
                            ("Connection".into(), "keep-alive".into()),
                            ("Transfer-Encoding".into(), "chunked".into()),
                        ],
                        body: format!("Hello Kubernetes bootcamp! | Running on: {host} | v={v}\n"),
                    }
                }
                App::HelloApp { version, .. } => {
                    // quickstarts/hello-app main.go hello(): log.Printf, then three lines.
                    let line = format!("{} Serving request: {path_only}", nginx_time(now));
                    c.net.logs.entry(key.clone()).or_default().push((now, line));
                    let body = format!(
                        "Hello, world!\nVersion: {version}\nHostname: {}\n",
                        hostname_of(&pod, key)
                    );
                    go_resp(None, body, now)
                }
                App::EchoServer { .. } if peer.port == 8443 => {
                    // Plain HTTP to the `ssl` listener: ngx_http_error_497_page (nginx
                    // 1.13's pages still had bgcolor), before any lua runs (so nginx's
                    // own Server header), not kept alive, logged in `combined`.
                    let body = "<html>\r\n<head><title>400 The plain HTTP request was sent to HTTPS port</title></head>\r\n<body bgcolor=\"white\">\r\n<center><h1>400 Bad Request</h1></center>\r\n<center>The plain HTTP request was sent to HTTPS port</center>\r\n<hr><center>nginx/1.13.3</center>\r\n</body>\r\n</html>\r\n";
                    let mut r = resp(400, Some("nginx/1.13.3"), "text/html", body.into(), now);
                    r.headers.push(("Connection".into(), "close".into()));
                    let line = access_line(peer, req, now, 400, if head { 0 } else { body.len() }, false);
                    c.net.logs.entry(key.clone()).or_default().push((now, line));
                    r
                }
                App::EchoServer { old } => {
                    let ct = pod
                        .spec
                        .as_ref()
                        .and_then(|s| s.containers.iter().find(|ct| app_of(ct).as_ref() == Some(&app)));
                    let env = ct.map_or_else(Vec::new, |ct| crate::term::pod::container_env(c, key, &pod, ct, false));
                    let body = echoserver_page(old, peer, req, &env);
                    let server = if old { "nginx/1.10.0" } else { "echoserver" };
                    nginx_dynamic(c, key, peer, req, server, "text/plain", body, &[], false)
                }
                App::KicbaseEcho { .. } => {
                    let port = 32768 + c.rand_below(28231);
                    let line = format!("{}:{port} | {} {}", peer.client_ip, req.method, req.path);
                    c.net.logs.entry(key.clone()).or_default().push((now, line));
                    // serveHTTP of the jmalloc/echo-server version it forks: the request
                    // line as proto, method, URL (later versions: method, URL, proto).
                    let mut b = format!(
                        "Request served by {}\n\n{} {} {}\n\nHost: {}\n",
                        hostname_of(&pod, key),
                        req.proto,
                        req.method,
                        req.path,
                        req.host
                    );
                    for (k, v) in go_headers(req) {
                        b.push_str(&format!("{k}: {v}\n"));
                    }
                    go_resp(Some("text/plain"), b, now)
                }
                App::NginxHello => {
                    // hello-plain-text.conf: `return 200 '...'` with `expires -1`.
                    let id: String = (0..4).map(|_| format!("{:08x}", c.rand_below(1 << 32))).collect();
                    let body = format!(
                        "Server address: {}:{}\nServer name: {}\nDate: {}\nURI: {}\nRequest ID: {id}\n",
                        peer.ip,
                        peer.port,
                        hostname_of(&pod, key),
                        time_local(now),
                        req.path
                    );
                    // ngx_http_set_expires: a negative time is now plus that, "no-cache".
                    let server = format!("nginx/{NGINX_VERSION}");
                    let expires = http_date(now - 1000);
                    let expires = [("Expires", expires.as_str()), ("Cache-Control", "no-cache")];
                    nginx_dynamic(c, key, peer, req, &server, "text/plain", body, &expires, true)
                }
                App::NodeHello { .. } => {
                    // server.js: res.writeHead(200) sends the head at once, so Node
                    // chunks the body to an HTTP/1.1 client (_http_outgoing.js
                    // _storeHeader: Date, Connection, Transfer-Encoding; no type).
                    let mut r = resp(200, None, "", "Hello Kubernetes!".into(), now);
                    r.headers.retain(|(k, _)| k == "Date");
                    let close = req.headers.iter().any(|(k, v)| k.eq_ignore_ascii_case("connection") && v.eq_ignore_ascii_case("close"));
                    let keepalive = !close && req.proto == "HTTP/1.1";
                    r.headers.push(("Connection".into(), if keepalive { "keep-alive" } else { "close" }.into()));
                    if req.proto == "HTTP/1.1" {
                        r.headers.push(("Transfer-Encoding".into(), "chunked".into()));
                    }
                    r
                }
                App::CoreDns => match path_only.as_str() {
                    "/health" => resp(200, None, "text/plain; charset=utf-8", "OK".into(), now),
                    "/ready" => resp(200, None, "text/plain; charset=utf-8", "OK".into(), now),
                    "/metrics" => resp(200, None, "text/plain; version=0.0.4", "# HELP coredns_build_info A metric with a constant '1' value labeled by version, revision, and goversion from which CoreDNS was built.\n# TYPE coredns_build_info gauge\ncoredns_build_info{goversion=\"go1.23.3\",revision=\"51e11f1\",version=\"1.12.0\"} 1\n".into(), now),
                    _ => resp(404, None, "text/plain; charset=utf-8", "404 page not found\n".into(), now),
                },
                App::ApiServer => HttpResponse {
                    version: "HTTP/1.0",
                    status: 400,
                    reason: "Bad Request",
                    headers: Vec::new(),
                    body: "Client sent an HTTP request to an HTTPS server.\n".into(),
                },
            };
            if head {
                r.body.clear();
            }
            r
        }
    }
}

/// When the first running container of a pod started (its status's `startedAt`).
fn container_started(pod: &Pod) -> Option<Millis> {
    pod.status
        .as_ref()
        .and_then(|st| st.container_statuses.as_ref())
        .and_then(|cs| {
            cs.iter()
                .find_map(|s| s.state.as_ref()?.running.as_ref()?.started_at.as_ref())
        })
        .map(Cluster::millis_of)
}

/// The bootcamp's `startTime` (`new Date()` in its listen callback): the container's
/// start plus the moment node 6 takes to load server.js, a stable 20-119 ms from
/// the hostname (the status's startedAt has whole seconds only).
fn bootcamp_start(started: Millis, host: &str) -> Millis {
    started + 20 + (crate::scenario::log::fnv1a(host.as_bytes()) % 100) as Millis
}

/// How node's console.log prints a Date: `Date.prototype.toISOString`.
pub(crate) fn js_iso(at: Millis) -> String {
    let (y, mo, d, h, mi, s, _) = civil(at);
    format!(
        "{y}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{:03}Z",
        at.rem_euclid(1000)
    )
}

/// `ms / 1000` as JavaScript prints the number: no trailing zeros (`7.98`, `8`).
pub(crate) fn js_seconds(ms: Millis) -> String {
    let s = format!("{}.{:03}", ms / 1000, ms % 1000);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A Go net/http answer: the handler's Content-Type first when it set one, then
/// Date and Content-Length, then a sniffed Content-Type (server.go extraHeader.Write).
fn go_resp(handler_type: Option<&str>, body: String, now: Millis) -> HttpResponse {
    let mut r = resp(200, None, "", body, now);
    r.headers.retain(|(k, _)| k != "Content-Type");
    match handler_type {
        Some(t) => r.headers.insert(0, ("Content-Type".into(), t.into())),
        None => r
            .headers
            .push(("Content-Type".into(), "text/plain; charset=utf-8".into())),
    }
    r
}

/// A request's headers as Go's `r.Header` holds them: every header but Host, keys in
/// canonical form (textproto.CanonicalMIMEHeaderKey), sorted by key.
fn go_headers(req: &HttpRequest) -> Vec<(String, String)> {
    let mut hs: Vec<(String, String)> = req
        .headers
        .iter()
        .map(|(k, v)| {
            let valid = k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
            let key = if valid {
                let mut upper = true;
                k.chars()
                    .map(|ch| {
                        let out = if upper {
                            ch.to_ascii_uppercase()
                        } else {
                            ch.to_ascii_lowercase()
                        };
                        upper = ch == '-';
                        out
                    })
                    .collect()
            } else {
                k.clone()
            };
            (key, v.clone())
        })
        .collect();
    if !req.user_agent.is_empty() {
        hs.push(("User-Agent".into(), req.user_agent.clone()));
    }
    crate::sort::sort_by(&mut hs, |a, b| a.0.cmp(&b.0));
    hs
}

/// lua-resty-template's `{{ }}` escaping (and echoserver 1.4's copy of it).
fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

/// The echoserver page: 1.10's template (ingress-nginx images/echoheaders nginx.conf,
/// lua-resty-template drops the newline after each `{% %}` tag) or 1.4's `ngx.say`
/// lines (kubernetes/contrib ingress/echoheaders nginx.conf). `env` is the container's
/// environment, which nginx's `env` directives pass to the lua code.
fn echoserver_page(old: bool, peer: &Peer, req: &HttpRequest, env: &[(String, String)]) -> String {
    let e = html_escape;
    let getenv = |k: &str| env.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let query = req.path.split_once('?').map(|(_, q)| q);
    // ngx.req.http_version() is a number: LuaJIT prints 1.0 as "1".
    let version = if req.proto == "HTTP/1.0" { "1" } else { "1.1" };
    // $host: the Host header, lowercased, without its port; else the server_name.
    let host = match req.host.rsplit_once(':') {
        Some((h, p))
            if !h.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) && !h.ends_with(':') =>
        {
            h
        }
        _ => req.host.as_str(),
    };
    let host = if host.is_empty() {
        "_".to_string()
    } else {
        host.to_ascii_lowercase()
    };
    let uri = format!("http://{host}:8080{}", req.path);
    // ngx.req.get_headers(): lowercased names, sorted by the lua code.
    let mut headers: Vec<(String, String)> = Vec::new();
    if !req.host.is_empty() {
        headers.push(("host".into(), req.host.clone()));
    }
    if !req.user_agent.is_empty() {
        headers.push(("user-agent".into(), req.user_agent.clone()));
    }
    for (k, v) in &req.headers {
        let k = k.to_ascii_lowercase();
        if !headers.iter().any(|(h, _)| *h == k) {
            headers.push((k, v.clone()));
        }
    }
    crate::sort::sort_by(&mut headers, |a, b| a.0.cmp(&b.0));
    let mut b = String::new();
    if old {
        b.push_str(&format!(
            "CLIENT VALUES:\nclient_address={}\ncommand={}\nreal path={}\nquery={}\nrequest_version={version}\nrequest_uri={}\n\nSERVER VALUES:\nserver_version=nginx: 1.10.0 - lua: 10001\n\nHEADERS RECEIVED:\n",
            peer.client_ip,
            e(&req.method),
            e(&req.path),
            query.map_or_else(|| "nil".to_string(), e),
            e(&uri)
        ));
        for (k, v) in &headers {
            b.push_str(&format!("{k}={}\n", e(v)));
        }
        b.push_str("BODY:\n-no body in request-");
        return b;
    }
    b.push_str(&format!(
        "\n\nHostname: {}\n\nPod Information:\n",
        e(getenv("HOSTNAME").unwrap_or("N/A"))
    ));
    match getenv("POD_NAME") {
        Some(name) => b.push_str(&format!(
            "\tnode name:\t{}\n\tpod name:\t{}\n\tpod namespace:\t{}\n\tpod IP:\t{}\n",
            e(getenv("NODE_NAME").unwrap_or("N/A")),
            e(name),
            e(getenv("POD_NAMESPACE").unwrap_or("N/A")),
            e(getenv("POD_IP").unwrap_or("N/A"))
        )),
        None => b.push_str("\t-no pod information available-\n"),
    }
    b.push_str(&format!(
        "\nServer values:\n\tserver_version=nginx: 1.13.3 - lua: 10008\n\nRequest Information:\n\tclient_address={}\n\tmethod={}\n\treal path={}\n\tquery={}\n\trequest_version={version}\n\trequest_scheme=http\n\trequest_uri={}\n\nRequest Headers:\n",
        e(&peer.client_ip),
        e(&req.method),
        e(&req.path),
        e(query.unwrap_or("")),
        e(&uri)
    ));
    for (k, v) in &headers {
        b.push_str(&format!("\t{}={}\n", e(k), e(v)));
    }
    b.push_str("\nRequest Body:\n\t-no body in request-\n\n");
    b
}

/// An answer nginx builds itself, with its access-log line. `main_format`: a `return`
/// (its Content-Length known) logged in the official images' `main` format
/// (`"$http_x_forwarded_for"` last); else lua content (echoserver), which nginx sends
/// chunked to an HTTP/1.1 client, in one chunk whose framing `$body_bytes_sent` counts,
/// logged in nginx's built-in `combined` format.
#[allow(clippy::too_many_arguments)]
fn nginx_dynamic(
    c: &mut Cluster,
    key: &Key,
    peer: &Peer,
    req: &HttpRequest,
    server: &str,
    ctype: &str,
    body: String,
    extra: &[(&str, &str)],
    main_format: bool,
) -> HttpResponse {
    let now = c.now;
    let header = |k: &str| {
        req.headers
            .iter()
            .find(|(h, _)| h.eq_ignore_ascii_case(k))
            .map(|(_, v)| v.as_str())
    };
    let keepalive = match req.proto {
        "HTTP/1.1" => header("connection").is_none_or(|v| !v.eq_ignore_ascii_case("close")),
        _ => header("connection").is_some_and(|v| v.eq_ignore_ascii_case("keep-alive")),
    };
    let chunked = !main_format && req.proto == "HTTP/1.1";
    let mut r = resp(200, Some(server), ctype, body, now);
    let len = r.body.len();
    let sent = if req.method == "HEAD" {
        0
    } else if chunked {
        format!("{len:x}").len() + len + 9
    } else {
        len
    };
    if !main_format {
        r.headers.retain(|(k, _)| k != "Content-Length");
        if chunked {
            r.headers
                .push(("Transfer-Encoding".into(), "chunked".into()));
        }
    }
    let connection = if keepalive { "keep-alive" } else { "close" };
    r.headers.push(("Connection".into(), connection.into()));
    for (k, v) in extra {
        r.headers.push((k.to_string(), v.to_string()));
    }
    let line = access_line(peer, req, now, 200, sent, main_format);
    c.net.logs.entry(key.clone()).or_default().push((now, line));
    r
}

/// An nginx access-log line in the built-in `combined` format, or (`main_format`) the
/// official images' `main`, which adds `"$http_x_forwarded_for"`; an empty field is "-".
fn access_line(
    peer: &Peer,
    req: &HttpRequest,
    now: Millis,
    status: u16,
    sent: usize,
    main_format: bool,
) -> String {
    let header = |k: &str| {
        req.headers
            .iter()
            .find(|(h, _)| h.eq_ignore_ascii_case(k))
            .map(|(_, v)| v.as_str())
    };
    let dash = |v: Option<&str>| v.filter(|v| !v.is_empty()).unwrap_or("-").to_string();
    let mut line = format!(
        "{} - - [{}] \"{} {} {}\" {status} {sent} \"{}\" \"{}\"",
        peer.client_ip,
        time_local(now),
        req.method,
        req.path,
        req.proto,
        dash(header("referer")),
        dash(Some(&req.user_agent))
    );
    if main_format {
        line.push_str(&format!(" \"{}\"", dash(header("x-forwarded-for"))));
    }
    line
}

fn link_local(ip: &str) -> String {
    let parts: Vec<u32> = ip.split('.').filter_map(|p| p.parse().ok()).collect();
    if parts.len() != 4 {
        return "fe80::1".into();
    }
    format!(
        "fe80::{:x}:{:x}ff:fe{:02x}:{:02x}{:02x}",
        0x4c00 + parts[1],
        parts[2],
        parts[3],
        parts[2] & 0xff,
        parts[3] & 0xff
    )
}

/// Go's `time.Time.String()` of a `time.Now()` in UTC: nanoseconds with trailing zeros
/// trimmed, then the monotonic reading ` m=+S.NNNNNNNNN` (seconds since the process
/// started), e.g. `2026-01-01 00:06:01.123456789 +0000 UTC m=+61.123456789`. `sub_ms_ns`
/// supplies the nanoseconds below the simulated clock's millisecond.
fn go_now(at: Millis, started: Millis, sub_ms_ns: u64) -> String {
    let (y, mo, d, h, mi, s, _) = civil(at);
    let nanos = at.rem_euclid(1000) as u64 * 1_000_000 + sub_ms_ns;
    let frac = if nanos == 0 {
        String::new()
    } else {
        format!(".{nanos:09}").trim_end_matches('0').to_string()
    };
    let since = (at - started).max(0) as u64 * 1_000_000 + sub_ms_ns;
    format!(
        "{y}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}{frac} +0000 UTC m=+{}.{:09}",
        since / 1_000_000_000,
        since % 1_000_000_000
    )
}

/// What a container printed when it started (before any request), as `kubectl logs` shows it.
pub fn startup_log(ct: &Container, started: Millis) -> Vec<String> {
    startup_log_on(ct, started, "")
}

/// [`startup_log`] of a container in the pod whose hostname is `host`.
pub fn startup_log_on(ct: &Container, started: Millis, host: &str) -> Vec<String> {
    // A container that only runs `echo WORDS` (`kubectl run hello --image=alpine -- echo
    // hi`) logs its words once per run.
    let argv: Vec<&String> = ct
        .command
        .iter()
        .flatten()
        .chain(ct.args.iter().flatten())
        .collect();
    if let Some(error) = crate::cluster::kubelet::entrypoint_exec_error(ct) {
        return vec![error];
    }
    if let Some((first, rest)) = argv.split_first() {
        if first.rsplit('/').next() == Some("echo") {
            let words: Vec<&str> = rest.iter().map(|s| s.as_str()).collect();
            return vec![words.join(" ")];
        }
    }
    let Some(app) = app_of(ct) else {
        return Vec::new();
    };
    let t = nginx_time(started);
    match app {
        App::Nginx | App::NginxHello => {
            // nginxdemos/hello removes conf.d/default.conf (NGINX-Demos nginx-hello
            // Dockerfile) and is nginx:mainline-alpine.
            let demo = app != App::Nginx;
            let ipv6: &[&str] = if demo {
                &["10-listen-on-ipv6-by-default.sh: info: /etc/nginx/conf.d/default.conf is not a file or does not exist"]
            } else {
                &[
                    "10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf",
                    "10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf",
                ]
            };
            let mut v: Vec<String> = [
                "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
                "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
                "/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
            ]
            .iter()
            .chain(ipv6)
            .chain(&[
                "/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh",
                "/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh",
                "/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh",
                "/docker-entrypoint.sh: Configuration complete; ready for start up",
            ])
            .map(|s| s.to_string())
            .collect();
            let gcc = if demo {
                "built by gcc 14.2.0 (Alpine 14.2.0) "
            } else {
                "built by gcc 12.2.0 (Debian 12.2.0-14) "
            };
            for l in [
                "using the \"epoll\" event method".to_string(),
                format!("nginx/{NGINX_VERSION}"),
                gcc.into(),
                format!("OS: Linux {}", crate::cluster::bootstrap::NODE_KERNEL),
                "getrlimit(RLIMIT_NOFILE): 1048576:1048576".into(),
                "start worker processes".into(),
                "start worker process 29".into(),
                "start worker process 30".into(),
            ] {
                v.push(format!("{t} [notice] 1#1: {l}"));
            }
            v
        }
        App::Netexec { http, udp } => {
            let mut v = vec![format!("I{}       1 log.go:245] Started HTTP server on port {http}", klog_time(started))];
            if let Some(u) = udp {
                v.push(format!("I{}       1 log.go:245] Started UDP server on port  {u}", klog_time(started)));
            }
            v
        }
        App::ServeHostname { port, klog: true } => vec![format!("I{}       1 log.go:245] Serving on port {port}.", klog_time(started))],
        // Go's log.Printf with the default flags: `2006/01/02 15:04:05 `.
        App::ServeHostname { port, klog: false } => vec![format!("{t} Serving on port {port}.")],
        App::HttpEcho { port, .. } => vec![format!("{t} [INFO] server is listening on :{port}")],
        App::Whoami { port } => vec![format!("{t} Starting up on port {port}")],
        // server.js: console.log("...Started At:", startTime, "| Running On: ", host, "\n")
        // joins its arguments with spaces, and the "\n" argument ends in an empty line.
        App::Bootcamp { .. } => vec![
            format!(
                "Kubernetes Bootcamp App Started At: {} | Running On:  {host} ",
                js_iso(bootcamp_start(started, host))
            ),
            String::new(),
        ],
        // Go's log.Printf (quickstarts/hello-app main.go).
        App::HelloApp { port, .. } => vec![format!("{t} Server listening on port {port}")],
        // cmd/echo-server/main.go: fmt.Printf.
        App::KicbaseEcho { port } => vec![format!("Echo server listening on port {port}.")],
        // nginx as PID 1 says nothing at start.
        App::EchoServer { old: true } => Vec::new(),
        // run.sh: openssl's key generation (its progress dots and pluses on stderr),
        // then nginx in the foreground.
        App::EchoServer { old: false } => {
            let h = crate::scenario::log::fnv1a(&started.to_le_bytes());
            let dots = |n: u64| format!("{}+++", ".".repeat(2 + (n % 90) as usize));
            vec![
                "Generating self-signed cert".into(),
                "Generating a 2048 bit RSA private key".into(),
                dots(h),
                dots(h >> 16),
                "writing new private key to '/certs/privateKey.key'".into(),
                "-----".into(),
                "Starting nginx".into(),
            ]
        }
        App::Httpd => vec![
            "AH00558: httpd: Could not reliably determine the server's fully qualified domain name, using 10.244.1.2. Set the 'ServerName' directive globally to suppress this message".into(),
        ],
        App::CoreDns => vec![
            ".:53".into(),
            "[INFO] plugin/reload: Running configuration SHA512 = 1b226df79860026c6a52e67daa10d7f0d57ec5b023288ec00c5e05f93523c894564e15b91770d3a07ae1cfbe861d15b37d4a0027e69c546ab112970993a3b03b".into(),
            "CoreDNS-1.12.0".into(),
            "linux/amd64, go1.23.3, 51e11f1".into(),
        ],
        // server.js prints nothing.
        App::ApiServer | App::NodeHello { .. } => Vec::new(),
    }
}

/// What a server sends back on a TCP connection that carried `data` and was then
/// half-closed by the client (busybox `nc` shuts its write side at the end of stdin):
/// the raw response, status line, headers and body, or nothing when the request never
/// ended (the server reads the end of the stream and closes). Request parsing follows
/// nginx's `ngx_http_parse_request_line` / Go's `net/http` readRequest: a request line
/// `METHOD URI HTTP/x.y`, then header lines up to an empty line (CRLF or bare LF).
pub fn raw_http(c: &mut Cluster, peer: &Peer, data: &str) -> String {
    let go = match &peer.kind {
        PeerKind::Pod(key) => match c.store.get(key).cloned() {
            Some(crate::api::Object::Pod(pod)) => {
                match listening(c, key, &pod, peer.port, Proto::Tcp) {
                    Some(App::Nginx | App::Httpd | App::EchoServer { .. } | App::NginxHello) => {
                        false
                    }
                    Some(_) => true,
                    None => return String::new(),
                }
            }
            _ => return String::new(),
        },
        PeerKind::Internet(_) => false,
        // A TLS listener: any plain request gets Go's crypto/tls answer.
        PeerKind::ApiServer => true,
    };
    // Both servers skip empty lines before the request line.
    let text = data.trim_start_matches(['\r', '\n']);
    let first = text.split('\n').next().unwrap_or("");
    let request_line = first.trim_end_matches('\r');
    let parts: Vec<&str> = request_line.split(' ').filter(|w| !w.is_empty()).collect();
    let proto = match parts.get(2).copied() {
        Some("HTTP/1.1") => Some("HTTP/1.1"),
        Some("HTTP/1.0") => Some("HTTP/1.0"),
        _ => None,
    };
    let method_ok = parts
        .first()
        .is_some_and(|m| m.bytes().all(|b| b.is_ascii_uppercase()));
    let line_ok = proto.is_some() && method_ok && parts.len() == 3;
    let end = [
        text.find("\r\n\r\n"),
        text.find("\n\n"),
        text.find("\n\r\n"),
    ]
    .into_iter()
    .flatten()
    .min();
    let now = c.now;
    let bad = |c: &mut Cluster| {
        if go {
            go_bad_request(None)
        } else {
            nginx_bad_request(now, peer, c, None)
        }
    };
    let Some(end) = end else {
        // nginx rejects a request line as soon as it reads a byte that cannot belong
        // there; Go (and nginx with a line that may still be right) waits for more,
        // reads the end of the stream and closes without a word.
        let complete = text.contains('\n');
        return if !go && ((complete && !line_ok) || (!complete && !method_ok)) {
            bad(c)
        } else {
            String::new()
        };
    };
    let lines = text[..end]
        .split('\n')
        .skip(1)
        .map(|l| l.trim_end_matches('\r'));
    let mut host = None;
    let mut user_agent = String::new();
    let mut headers = Vec::new();
    let mut bad_header = false;
    for l in lines {
        match l.split_once(':') {
            Some((k, v)) if !k.is_empty() && !k.contains(' ') => {
                let v = v.trim().to_string();
                if k.eq_ignore_ascii_case("host") {
                    host = Some(v);
                } else if k.eq_ignore_ascii_case("user-agent") {
                    user_agent = v;
                } else {
                    headers.push((k.to_string(), v));
                }
            }
            _ => bad_header = true,
        }
    }
    let (Some(proto), true, false) = (proto, line_ok, bad_header) else {
        return bad(c);
    };
    let connection = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("connection"))
        .map(|(_, v)| v.to_ascii_lowercase());
    let keepalive = match proto {
        "HTTP/1.1" => connection.as_deref() != Some("close"),
        _ => connection.as_deref() == Some("keep-alive"),
    };
    if proto == "HTTP/1.1" && host.is_none() {
        return if go {
            go_bad_request(Some("missing required Host header"))
        } else {
            let req = HttpRequest {
                method: parts[0].to_string(),
                path: parts[1].to_string(),
                host: String::new(),
                user_agent,
                headers,
                proto,
            };
            nginx_bad_request(now, peer, c, Some(&req))
        };
    }
    let req = HttpRequest {
        method: parts[0].to_string(),
        path: parts[1].to_string(),
        host: host.unwrap_or_default(),
        user_agent,
        headers,
        proto,
    };
    let r = http(c, peer, &req);
    let mut headers: Vec<(String, String)> = r
        .headers
        .iter()
        .filter(|(k, _)| k != "Connection")
        .cloned()
        .collect();
    if r.version == "HTTP/1.0" && r.headers.is_empty() {
        // crypto/tls's reply to plain HTTP: no headers at all.
    } else if go {
        // net/http writes the handler's headers (sorted), then Date, Content-Length,
        // Content-Type and Connection (server.go extraHeader.Write); it answers in the
        // request's protocol and says "Connection: close" only to an HTTP/1.1 client
        // that asked for it.
        let pos = |k: &str| headers.iter().position(|(h, _)| h == k);
        let sniffed = pos("Content-Type") > pos("Date");
        let fixed: &[&str] = if sniffed {
            &["Date", "Content-Length", "Content-Type"]
        } else {
            &["Date", "Content-Length"]
        };
        let mut own: Vec<(String, String)> = headers
            .iter()
            .filter(|(k, _)| !fixed.contains(&k.as_str()))
            .cloned()
            .collect();
        crate::sort::sort_by(&mut own, |a, b| a.0.cmp(&b.0));
        for f in fixed {
            if let Some(h) = headers.iter().find(|(k, _)| k == *f) {
                own.push(h.clone());
            }
        }
        if proto == "HTTP/1.1" && !keepalive {
            own.push(("Connection".into(), "close".into()));
        }
        headers = own;
    } else if let Some(at) = r.headers.iter().position(|(k, _)| k == "Connection") {
        // The server placed it (nginx after Last-Modified or Transfer-Encoding, Node
        // before Transfer-Encoding).
        let value = if keepalive { "keep-alive" } else { "close" };
        headers.insert(at, ("Connection".into(), value.into()));
    } else {
        // ngx_http_header_filter: Connection after Last-Modified (before the ETag and
        // Accept-Ranges the static module adds).
        let at = headers
            .iter()
            .position(|(k, _)| k == "Last-Modified")
            .map_or_else(
                || {
                    headers
                        .iter()
                        .position(|(k, _)| k == "Content-Length" || k == "Transfer-Encoding")
                        .map_or(headers.len(), |i| i + 1)
                },
                |i| i + 1,
            );
        let value = if keepalive { "keep-alive" } else { "close" };
        headers.insert(at, ("Connection".into(), value.into()));
    }
    let version = if go && r.version == "HTTP/1.1" {
        proto
    } else {
        r.version
    };
    let mut s = format!("{version} {} {}\r\n", r.status, r.reason);
    for (k, v) in &headers {
        s.push_str(&format!("{k}: {v}\r\n"));
    }
    s.push_str("\r\n");
    if headers.iter().any(|(k, _)| k == "Transfer-Encoding") && parts[0] != "HEAD" {
        // One chunk, then the last (nginx's chunked filter).
        if !r.body.is_empty() {
            s.push_str(&format!("{:x}\r\n{}\r\n", r.body.len(), r.body));
        }
        s.push_str("0\r\n\r\n");
    } else {
        s.push_str(&r.body);
    }
    s
}

/// Go net/http's answer to a request it cannot read (server.go `c.serve`): a status
/// error names its reason in the status line and body, anything else is a bare 400.
fn go_bad_request(why: Option<&str>) -> String {
    const HEADERS: &str =
        "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n";
    match why {
        Some(w) => format!("HTTP/1.1 400 Bad Request: {w}{HEADERS}400 Bad Request: {w}"),
        None => format!("HTTP/1.1 400 Bad Request{HEADERS}400 Bad Request"),
    }
}

/// nginx's 400 (ngx_http_special_response.c; a bad request is never kept alive). A
/// request that was read far enough to be logged (`req`) gets its access-log line.
fn nginx_bad_request(
    now: Millis,
    peer: &Peer,
    c: &mut Cluster,
    req: Option<&HttpRequest>,
) -> String {
    let body = nginx_error_page(400);
    if let (Some(req), PeerKind::Pod(key)) = (req, &peer.kind) {
        let ua = if req.user_agent.is_empty() {
            "-"
        } else {
            &req.user_agent
        };
        let line = format!(
            "{} - - [{}] \"{} {} {}\" 400 {} \"-\" \"{ua}\" \"-\"",
            peer.client_ip,
            time_local(now),
            req.method,
            req.path,
            req.proto,
            body.len()
        );
        c.net.logs.entry(key.clone()).or_default().push((now, line));
    }
    format!(
        "HTTP/1.1 400 Bad Request\r\nServer: nginx/{NGINX_VERSION}\r\nDate: {}\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        http_date(now),
        body.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ct(image: &str, command: &[&str], args: &[&str], env: &[(&str, &str)]) -> Container {
        let strs = |v: &[&str]| (!v.is_empty()).then(|| v.iter().map(|s| s.to_string()).collect());
        Container {
            name: "c".into(),
            image: Some(image.into()),
            command: strs(command),
            args: strs(args),
            env: (!env.is_empty()).then(|| {
                env.iter()
                    .map(|(k, v)| k8s_openapi::api::core::v1::EnvVar {
                        name: k.to_string(),
                        value: Some(v.to_string()),
                        ..Default::default()
                    })
                    .collect()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn tutorial_demo_images_serve_their_apps() {
        let app = |image: &str| app_of(&ct(image, &[], &[], &[]));
        assert_eq!(
            app("us-docker.pkg.dev/google-samples/containers/gke/hello-app:2.0"),
            Some(App::HelloApp {
                port: 8080,
                version: "2.0.0"
            })
        );
        assert_eq!(
            app_of(&ct(
                "gcr.io/google-samples/hello-app:1.0",
                &[],
                &[],
                &[("PORT", "9090")]
            )),
            Some(App::HelloApp {
                port: 9090,
                version: "1.0.0"
            })
        );
        assert_eq!(
            app("registry.k8s.io/echoserver:1.10"),
            Some(App::EchoServer { old: false })
        );
        assert_eq!(
            app("k8s.gcr.io/echoserver:1.4"),
            Some(App::EchoServer { old: true })
        );
        assert_eq!(
            app("kicbase/echo-server:1.0"),
            Some(App::KicbaseEcho { port: 8080 })
        );
        assert_eq!(
            app("gcr.io/google-samples/node-hello:1.0"),
            Some(App::NodeHello { port: 8080 })
        );
        assert_eq!(
            app("docker.io/nginxdemos/hello:plain-text"),
            Some(App::NginxHello)
        );
        // jmalloc's own image prints another page; someone else's "hello" is not NGINX's.
        assert_eq!(app("jmalloc/echo-server"), None);
        assert_eq!(app("example/hello:plain-text"), None);
        // A command that replaces the server, or args that replace hello-app's CMD.
        assert_eq!(
            app_of(&ct(
                "gcr.io/google-samples/hello-app:1.0",
                &[],
                &["sleep", "1"],
                &[]
            )),
            None
        );
        assert_eq!(
            app_of(&ct("kicbase/echo-server:1.0", &["sleep"], &["1"], &[])),
            None
        );
        assert!(App::EchoServer { old: false }.listens(8080, Proto::Tcp));
        assert!(!App::NginxHello.listens(8080, Proto::Tcp));
        // The HTML page of the other tags is not modelled.
        assert_eq!(app("nginxdemos/hello"), None);
        assert_eq!(
            app("nginxdemos/hello:0.4-plain-text"),
            Some(App::NginxHello)
        );
    }

    fn get(path: &str, host: &str, ua: &str, headers: &[(&str, &str)]) -> HttpRequest {
        HttpRequest {
            method: "GET".into(),
            path: path.into(),
            host: host.into(),
            user_agent: ua.into(),
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            proto: "HTTP/1.1",
        }
    }

    fn peer(client: &str) -> Peer {
        Peer {
            kind: PeerKind::ApiServer,
            ip: "10.244.1.2".into(),
            port: 8080,
            client_ip: client.into(),
        }
    }

    #[test]
    fn echoserver_1_10_page_is_the_template_output() {
        // A published curl 7.64.1 request through a port-forward (127.0.0.1), whose
        // access-log line says 416 bytes: this 404-byte page in one chunk
        // ("194\r\n" ... "\r\n0\r\n\r\n").
        let req = get("/", "localhost:8080", "curl/7.64.1", &[("Accept", "*/*")]);
        let env = [("HOSTNAME".to_string(), "echoserver".to_string())];
        let page = echoserver_page(false, &peer("127.0.0.1"), &req, &env);
        assert_eq!(
            page,
            "\n\nHostname: echoserver\n\nPod Information:\n\t-no pod information available-\n\nServer values:\n\tserver_version=nginx: 1.13.3 - lua: 10008\n\nRequest Information:\n\tclient_address=127.0.0.1\n\tmethod=GET\n\treal path=/\n\tquery=\n\trequest_version=1.1\n\trequest_scheme=http\n\trequest_uri=http://localhost:8080/\n\nRequest Headers:\n\taccept=*/*\n\thost=localhost:8080\n\tuser-agent=curl/7.64.1\n\nRequest Body:\n\t-no body in request-\n\n"
        );
        assert_eq!(format!("{:x}", page.len()).len() + page.len() + 9, 416);
    }

    #[test]
    fn echoserver_1_4_page_has_the_old_sections() {
        let req = get(
            "/",
            "192.168.64.2:32363",
            "curl/7.51.0",
            &[("Accept", "*/*")],
        );
        let page = echoserver_page(true, &peer("172.17.0.1"), &req, &[]);
        assert_eq!(
            page,
            "CLIENT VALUES:\nclient_address=172.17.0.1\ncommand=GET\nreal path=/\nquery=nil\nrequest_version=1.1\nrequest_uri=http://192.168.64.2:8080/\n\nSERVER VALUES:\nserver_version=nginx: 1.10.0 - lua: 10001\n\nHEADERS RECEIVED:\naccept=*/*\nhost=192.168.64.2:32363\nuser-agent=curl/7.51.0\nBODY:\n-no body in request-"
        );
    }

    #[test]
    fn go_headers_are_canonical_and_sorted() {
        let req = get(
            "/",
            "h",
            "curl/8.11.1",
            &[("x-trace-id", "7"), ("Accept", "*/*"), ("bad key", "v")],
        );
        let keys: Vec<String> = go_headers(&req).into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["Accept", "User-Agent", "X-Trace-Id", "bad key"]);
        // The published kicbase/echo-server answer: handler's Content-Type first.
        let r = go_resp(Some("text/plain"), "x".into(), 0);
        let names: Vec<&str> = r.headers.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, ["Content-Type", "Date", "Content-Length"]);
        let r = go_resp(None, "x".into(), 0);
        let names: Vec<&str> = r.headers.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, ["Date", "Content-Length", "Content-Type"]);
    }
}
