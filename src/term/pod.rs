//! Programs inside a pod (busybox-style tools, curl where the image has it) and curl on
//! the learner's machine. Every packet goes through `net::connect`, every name through
//! `dns`. Output follows the real tools: busybox 1.36 `networking/wget.c`,
//! `networking/nslookup.c`, `networking/ping.c`; curl 8.11 (`lib/connect.c`,
//! `lib/multi.c`, `lib/strerror.c`, `src/tool_writeout.c`).

use k8s_openapi::api::core::v1::{Container, Pod};

use super::shell::{Dialect, Env, Host, Output, Shell};
use super::Terminal;
use crate::api::Object;
use crate::cluster::images::{parse_image, profile, Demo};
use crate::cluster::{Cluster, Key};
use crate::dns::{self, RType, Rcode, ResolvConf};
use crate::net::apps::{HttpRequest, HttpResponse};
use crate::net::{self, Hop, Outcome, Proto, Source};

mod nettools;

pub const CURL_VERSION: &str = "8.11.1";

/// The curl an image ships: the nginx image (debian:bookworm-slim, whose Dockerfile
/// installs Debian's `curl` package) has bookworm's curl 7.88.1; every other image
/// with curl, and the learner's machine, curl 8.11.1 (TRANSCRIPTS.md).
pub fn curl_version(image: &str) -> &'static str {
    let repo = crate::cluster::images::image_repo(image);
    if repo == "nginx" {
        "7.88.1"
    } else if repo == "kubernetes-bootcamp" {
        // node:6.3.1 is buildpack-deps:jessie, with jessie's curl.
        "7.38.0"
    } else if repo == "node-hello" {
        // node:4 is Debian jessie: its curl package.
        "7.38.0"
    } else {
        CURL_VERSION
    }
}

/// Whether this curl predates 8.x's wording: lib/strerror.c said "Couldn't connect to
/// server" for CURLE_COULDNT_CONNECT until 8.9, and the verbose trace had no "Host
/// ... was resolved" / "IPv4:" lines (added in 8.5), "using HTTP/1.x" or "Request
/// completely sent off", and named the connection "(#0)" after "Connected to".
fn curl_7(version: &str) -> bool {
    version.starts_with("7.")
}

/// curl before 7.73 (jessie's 7.38.0 in the bootcamp image): a failed connect was
/// "Failed to connect to HOST port N: " and the socket error's strerror, without the
/// "after N ms" of later versions.
fn curl_jessie(version: &str) -> bool {
    version == "7.38.0"
}
const PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// Which userland an image ships.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Userland {
    /// busybox applets (alpine, busybox, curlimages/curl, agnhost).
    Busybox,
    /// Debian: dash as sh, coreutils, no wget/nslookup/ping (nginx, httpd).
    Debian,
    /// A single static binary, nothing else (http-echo, whoami, pause, coredns).
    Distroless,
}

fn userland(image: &str) -> Userland {
    let p = profile(image);
    if p.has_busybox {
        Userland::Busybox
    } else if p.has_shell {
        Userland::Debian
    } else {
        Userland::Distroless
    }
}

/// The programs an image has (besides the shell).
fn has_program(image: &str, prog: &str) -> bool {
    let prog = prog.rsplit('/').next().unwrap_or(prog);
    let p = profile(image);
    let (repo, _) = parse_image(image);
    let demo = crate::cluster::images::demo(image);
    match userland(image) {
        Userland::Busybox => {
            matches!(
                prog,
                "sh" | "ash"
                    | "wget"
                    | "nslookup"
                    | "ping"
                    | "nc"
                    | "ip"
                    | "ifconfig"
                    | "cat"
                    | "hostname"
                    | "printenv"
                    | "env"
                    | "sleep"
                    | "ls"
                    | "echo"
                    | "date"
                    | "uname"
                    | "id"
                    | "whoami"
                    | "true"
                    | "false"
                    | "seq"
                    | "sort"
                    | "uniq"
                    | "wc"
                    | "head"
                    | "tail"
                    | "grep"
                    | "egrep"
                    | "fgrep"
                    | "cut"
                    | "sed"
                    | "awk"
                    | "tr"
                    | "base64"
                    | "tee"
                    | "printf"
                    | "test"
                    | "["
                    | "basename"
                    | "dirname"
                    | "pwd"
                    | "traceroute"
                    | "netstat"
                    | "route"
                    | "ps"
            ) || (prog == "curl" && p.has_curl)
                || (prog == "agnhost" && repo == "agnhost")
                || (prog == "nginx" && demo == Some(Demo::NginxHello))
                || (prog == "apk" && repo == "alpine")
                // musl-utils, in the alpine-based images (not the busybox image).
                || (prog == "getent" && !matches!(repo.as_str(), "busybox" | "busyboxplus"))
                // netshoot (its Dockerfile's `apk add`): bash, zsh (its CMD) and
                // bind-tools, whose nslookup comes before busybox's.
                || (matches!(prog, "bash" | "zsh") && repo == "netshoot")
                || (matches!(prog, "dig" | "host") && has_bind_tools(image))
        }
        Userland::Debian => {
            matches!(
                prog,
                "sh" | "bash"
                    | "dash"
                    | "cat"
                    | "hostname"
                    | "printenv"
                    | "env"
                    | "sleep"
                    | "ls"
                    | "echo"
                    | "date"
                    | "uname"
                    | "id"
                    | "whoami"
                    | "true"
                    | "false"
                    | "seq"
                    | "sort"
                    | "uniq"
                    | "wc"
                    | "head"
                    | "tail"
                    | "grep"
                    | "egrep"
                    | "fgrep"
                    | "cut"
                    | "sed"
                    | "awk"
                    | "tr"
                    | "base64"
                    | "tee"
                    | "printf"
                    | "test"
                    | "["
                    | "basename"
                    | "dirname"
                    | "pwd"
            ) || (prog == "curl" && p.has_curl)
                || (prog == "nginx" && repo == "nginx")
                || (matches!(prog, "node" | "npm") && repo == "kubernetes-bootcamp")
                || (matches!(prog, "nslookup" | "dig" | "host") && has_bind_tools(image))
                || (prog == "httpd" && repo == "httpd")
                // echoserver: nginx, run.sh and the openssl it runs.
                || (matches!(prog, "nginx" | "run.sh" | "openssl") && demo == Some(Demo::EchoServer))
                || (matches!(prog, "node" | "npm") && demo == Some(Demo::NodeHello))
        }
        Userland::Distroless => {
            matches!(
                (repo.as_str(), prog),
                ("http-echo", "http-echo") | ("whoami", "whoami") | ("coredns", "coredns")
            ) || (prog == "hello-app" && demo == Some(Demo::HelloApp))
                || (prog == "echo-server" && demo == Some(Demo::KicbaseEcho))
        }
    }
}

/// The clock as `date` prints it (`Thu Jan  1 00:05:00 UTC 2026`); `zero_pad` gives the
/// day two digits, as dig's WHEN line (strftime `%d`) has it.
pub(crate) fn unix_date(now: crate::cluster::Millis, zero_pad: bool) -> String {
    let (y, mo, d, h, mi, s, wd) = net::apps::civil(now);
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let day = if zero_pad {
        format!("{d:02}")
    } else {
        format!("{d:2}")
    };
    format!(
        "{} {} {day} {h:02}:{mi:02}:{s:02} UTC {y}",
        DAYS[wd],
        MONTHS[mo - 1]
    )
}

/// The images with BIND's nslookup, dig and host: the DNS debugging images (Debian with
/// bind9's dnsutils) and netshoot (Alpine's bind-tools).
fn has_bind_tools(image: &str) -> bool {
    matches!(
        crate::cluster::images::image_repo(image),
        "jessie-dnsutils" | "dnsutils" | "netshoot"
    )
}

/// Whether `apk add` put `prog` (a bare name or a path) into the pod's container.
pub fn apk_installed(c: &Cluster, pod: &Key, prog: &str) -> bool {
    let name = prog.rsplit('/').next().unwrap_or(prog);
    c.net
        .files
        .contains_key(&(pod.clone(), format!("/usr/bin/{name}")))
}

/// Whether `prog` (a bare name or a path) exists in the image.
pub fn image_has_program(image: &str, prog: &str) -> bool {
    has_program(image, prog)
}

/// Programs the userlands have that the terminal does not run: alpine's and the busybox
/// image's other applets, and Debian's coreutils, findutils and the like (nginx's
/// entrypoint script included). A container may be started with one of them.
const BUSYBOX_OTHERS: &str = "arch base32 bc blkid busybox bunzip2 bzcat bzip2 cal chgrp chmod chown chroot cksum clear cmp comm cp cpio crond crontab dd df diff dmesg dnsdomainname dos2unix du expand expr factor fallocate find flock fold free fsync fuser getopt gunzip gzip halt hd hexdump hostid httpd iostat ipcalc kill killall less link ln logger login ls lsof md5sum mkdir mkfifo mknod mktemp more mount mountpoint mv nice nl nohup nproc nsenter od passwd paste pgrep pidof ping6 pkill pmap poweroff pstree readlink realpath reboot renice reset rev rm rmdir run-parts setsid sha1sum sha256sum sha512sum shred shuf split stat strings stty su sum sync sysctl tac tar telnet time timeout top touch traceroute6 tree truncate tty udhcpc umount unlink unshare unzip uptime usleep uudecode uuencode vi watch which xargs xxd yes zcat";
const DEBIAN_OTHERS: &str = "apachectl apt apt-get b2sum base32 chgrp chmod chown chroot cksum comm cp csplit dd df dir dircolors docker-entrypoint.sh dpkg du expand expr factor find fmt fold gunzip gzip hostid httpd-foreground install join kill link ln logname ls md5sum mkdir mkfifo mknod mktemp mount mv nginx-debug nice nl nohup nproc numfmt od paste perl pr readlink realpath rm rmdir sha1sum sha256sum sha512sum shred shuf split stat stty su sum sync tac tar timeout touch truncate tty umount unexpand unlink vdir which xargs yes zcat";

/// Whether the image certainly lacks `prog`, so a container whose process it would be
/// fails to start: the image is one whose contents the playground models (netshoot
/// carries too many tools to say, the system images are left alone), and `prog` is
/// neither a program the terminal runs there nor another of its userland's programs.
pub fn image_lacks_program(image: &str, prog: &str) -> bool {
    let base = prog.rsplit('/').next().unwrap_or(prog);
    modelled_image(image) && !has_program(image, base) && !other_program(image, base)
}

/// Whether the playground knows this image's contents (netshoot carries too many tools
/// to say; the system images and unknown ones are left alone).
fn modelled_image(image: &str) -> bool {
    let modelled = matches!(
        crate::cluster::images::image_repo(image),
        "busybox"
            | "busyboxplus"
            | "alpine"
            | "curl"
            | "agnhost"
            | "nginx"
            | "httpd"
            | "ubuntu"
            | "debian"
            | "jessie-dnsutils"
            | "dnsutils"
            | "http-echo"
            | "whoami"
            | "kubernetes-bootcamp"
    ) || crate::cluster::images::demo(image).is_some();
    modelled && !profile(image).pull_fails
}

/// Whether `base` is one of the programs the image's userland has that the terminal does
/// not run.
fn other_program(image: &str, base: &str) -> bool {
    let others = match userland(image) {
        Userland::Busybox => BUSYBOX_OTHERS,
        Userland::Debian => DEBIAN_OTHERS,
        Userland::Distroless => "",
    };
    others.split(' ').any(|w| w == base)
}

/// A program a modelled image has but the terminal does not run (`uptime`, `df`, `find`):
/// running it must not claim it is missing.
pub fn unsimulated_program(image: &str, prog: &str) -> bool {
    let base = prog.rsplit('/').next().unwrap_or(prog);
    modelled_image(image) && !has_program(image, base) && other_program(image, base)
}

fn get_pod(c: &Cluster, key: &Key) -> Option<Pod> {
    match c.store.get(key) {
        Some(Object::Pod(p)) => Some((**p).clone()),
        _ => None,
    }
}

/// The pod's hostname (`spec.hostname` or the pod name, cut to 63 characters; a
/// hostNetwork pod has its node's, which kind names after the node).
pub fn pod_hostname(pod: &Pod) -> String {
    if let Some(node) = pod
        .spec
        .as_ref()
        .filter(|s| s.host_network == Some(true))
        .and_then(|s| s.node_name.clone())
    {
        return node;
    }
    pod.spec
        .as_ref()
        .and_then(|s| s.hostname.clone())
        .unwrap_or_else(|| {
            pod.metadata
                .name
                .clone()
                .unwrap_or_default()
                .chars()
                .take(63)
                .collect()
        })
}

/// The environment of a container: image defaults, HOSTNAME, the spec's `env`, the
/// service links captured at start, HOME (what `env` prints; order as containerd builds it).
pub fn container_env(
    c: &Cluster,
    key: &Key,
    pod: &Pod,
    ct: &Container,
    tty: bool,
) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = vec![
        ("PATH".into(), PATH.into()),
        ("HOSTNAME".into(), pod_hostname(pod)),
    ];
    if tty {
        v.push(("TERM".into(), "xterm".into()));
    }
    let (repo, _) = parse_image(ct.image.as_deref().unwrap_or(""));
    if repo == "nginx" {
        for (k, val) in [
            ("NGINX_VERSION", net::apps::NGINX_VERSION),
            ("NJS_VERSION", "0.8.10"),
            ("NJS_RELEASE", "1~bookworm"),
            ("PKG_RELEASE", "1~bookworm"),
            ("DYNPKG_RELEASE", "1~bookworm"),
        ] {
            v.push((k.into(), val.into()));
        }
    }
    if repo == "curl" {
        v.push(("CURL_CA_BUNDLE".into(), "/cacert.pem".into()));
    }
    if repo == "kubernetes-bootcamp" {
        // The node:6.3.1 image's ENV lines (the tutorial's `kubectl exec -- env`).
        v.push(("NPM_CONFIG_LOGLEVEL".into(), "info".into()));
        v.push(("NODE_VERSION".into(), "6.3.1".into()));
    }
    let status = pod.status.clone().unwrap_or_default();
    let ns = pod.metadata.namespace.as_deref().unwrap_or("default");
    // A ConfigMap's or Secret's data (a Secret's decoded from base64), by name.
    let data_of = |kind: &str, name: &str| -> Vec<(String, String)> {
        let Some(crate::api::Object::Generic(g)) = c.store.get_parts(kind, ns, name) else {
            return Vec::new();
        };
        g.data_entries()
            .map(|(k, text)| {
                let value = if kind == "Secret" {
                    use base64::Engine;
                    base64::engine::general_purpose::STANDARD
                        .decode(text)
                        .map(|b| String::from_utf8_lossy(&b).into_owned())
                        .unwrap_or_default()
                } else {
                    text.to_string()
                };
                (k.to_string(), value)
            })
            .collect()
    };
    // kubelet makeEnvironmentVariables: envFrom first (with its prefix), then env.
    for source in ct.env_from.iter().flatten() {
        let (kind, name) = match (&source.config_map_ref, &source.secret_ref) {
            (Some(r), _) => ("ConfigMap", r.name.as_str()),
            (None, Some(r)) => ("Secret", r.name.as_str()),
            _ => continue,
        };
        let prefix = source.prefix.as_deref().unwrap_or("");
        for (k, val) in data_of(kind, name) {
            let k = format!("{prefix}{k}");
            v.retain(|(x, _)| *x != k);
            v.push((k, val));
        }
    }
    for e in ct.env.iter().flatten() {
        let key_ref = e.value_from.as_ref().and_then(|vf| {
            match (&vf.config_map_key_ref, &vf.secret_key_ref) {
                (Some(r), _) => Some(("ConfigMap", r.name.as_str(), r.key.as_str())),
                (None, Some(r)) => Some(("Secret", r.name.as_str(), r.key.as_str())),
                _ => None,
            }
        });
        let val = if let Some(val) = &e.value {
            val.clone()
        } else if let Some((kind, name, key)) = key_ref {
            data_of(kind, name)
                .into_iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v)
                .unwrap_or_default()
        } else if let Some(f) = e.value_from.as_ref().and_then(|vf| vf.field_ref.as_ref()) {
            match f.field_path.as_str() {
                "status.podIP" => status.pod_ip.clone().unwrap_or_default(),
                "status.hostIP" => status.host_ip.clone().unwrap_or_default(),
                "metadata.name" => pod.metadata.name.clone().unwrap_or_default(),
                "metadata.namespace" => pod.metadata.namespace.clone().unwrap_or_default(),
                "spec.nodeName" => pod
                    .spec
                    .as_ref()
                    .and_then(|s| s.node_name.clone())
                    .unwrap_or_default(),
                "spec.serviceAccountName" => pod
                    .spec
                    .as_ref()
                    .and_then(|s| s.service_account_name.clone())
                    .unwrap_or_else(|| "default".into()),
                "metadata.uid" => pod.metadata.uid.clone().unwrap_or_default(),
                _ => String::new(),
            }
        } else {
            String::new()
        };
        v.retain(|(k, _)| *k != e.name);
        v.push((e.name.clone(), val));
    }
    for (k, val) in c.container_env(key) {
        if !v.iter().any(|(x, _)| *x == k) {
            v.push((k, val));
        }
    }
    v.push(("HOME".into(), "/root".into()));
    v
}

/// /etc/hosts as the kubelet writes it (pkg/kubelet/kubelet_pods.go `managedHostsFileContent`).
pub fn hosts_file(pod: &Pod) -> String {
    let mut s = String::from("# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n");
    let host = pod_hostname(pod);
    let ip = net::pod_ip(pod).unwrap_or("");
    let sub = pod.spec.as_ref().and_then(|s| s.subdomain.clone());
    let ns = pod.metadata.namespace.clone().unwrap_or_default();
    match sub {
        Some(sub) if !sub.is_empty() => {
            s.push_str(&format!(
                "{ip}\t{host}.{sub}.{ns}.svc.cluster.local\t{host}\n"
            ));
        }
        _ => s.push_str(&format!("{ip}\t{host}\n")),
    }
    let aliases = pod
        .spec
        .as_ref()
        .and_then(|s| s.host_aliases.clone())
        .unwrap_or_default();
    if !aliases.is_empty() {
        s.push_str("\n# Entries added by HostAliases.\n");
        for a in aliases {
            s.push_str(&format!(
                "{}\t{}\n",
                a.ip,
                a.hostnames.unwrap_or_default().join("\t")
            ));
        }
    }
    s
}

fn hosts_entries(pod: &Pod) -> Vec<(String, Vec<String>)> {
    hosts_file(pod)
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let mut it = l.split_whitespace();
            let ip = it.next()?.to_string();
            Some((ip, it.map(str::to_string).collect()))
        })
        .collect()
}

/// Runs `cmd` in a pod's container (`None` = the first) and appends its output
/// (for `kubectl run -i`). Returns the exit code.
pub fn run_in_pod(
    c: &mut Cluster,
    term: &mut Terminal,
    key: &Key,
    container: Option<&str>,
    cmd: &[String],
    stdin: &str,
    out: &mut Output,
) -> i32 {
    let _ = term;
    let Some(pod) = get_pod(c, key) else { return 1 };
    let name = match container {
        Some(n) => n.to_string(),
        None => match pod.spec.as_ref().and_then(|s| s.containers.first()) {
            Some(ct) => ct.name.clone(),
            None => return 1,
        },
    };
    let (o, code) = exec_in_pod(c, key, &name, cmd, stdin, false);
    out.append(o);
    code
}

/// Runs `argv` in a pod's container, as `kubectl exec` and exec probes do.
/// The pod must exist; the caller checks that it runs.
pub fn exec_in_pod(
    c: &mut Cluster,
    key: &Key,
    container: &str,
    argv: &[String],
    stdin: &str,
    tty: bool,
) -> (Output, i32) {
    let mut out = Output::new();
    let Some(pod) = get_pod(c, key) else {
        return (out, 1);
    };
    let Some(ct) = pod.spec.as_ref().and_then(|s| {
        let mut all = s
            .containers
            .iter()
            .chain(s.init_containers.iter().flatten());
        all.find(|x| x.name == container).cloned().or_else(|| {
            // An ephemeral container (`kubectl debug`).
            let ec = s
                .ephemeral_containers
                .iter()
                .flatten()
                .find(|e| e.name == container)?;
            Some(crate::cluster::kubelet::ephemeral_as_container(ec))
        })
    }) else {
        return (out, 1);
    };
    let envv = container_env(c, key, &pod, &ct, tty);
    let image = ct.image.clone().unwrap_or_default();
    let host_root = mounts_host_root(&pod, container);
    let mut host = PodHost {
        cluster: c,
        pod: key.clone(),
        image,
        env_order: envv.iter().map(|(k, _)| k.clone()).collect(),
        host_root,
        node_root: None,
    };
    let mut env = Env::new();
    for (k, v) in &envv {
        env.set_exported(k, v);
    }
    let code = host.run(argv, stdin, &env, &mut out);
    (out, code)
}

/// The bootcamp image's `/server.js`, as `cat server.js` shows it in the Kubernetes
/// Basics tutorial (the image's WORKDIR is `/`); the v2 image answers `v=2`.
fn bootcamp_server_js(image: &str) -> String {
    let v = if image.ends_with(":v2") { "2" } else { "1" };
    format!(
        r#"var http = require('http');
var requests=0;
var podname= process.env.HOSTNAME;
var startTime;
var host;
var handleRequest = function(request, response) {{
  response.setHeader('Content-Type', 'text/plain');
  response.writeHead(200);
  response.write("Hello Kubernetes bootcamp! | Running on: ");
  response.write(host);
  response.end(" | v={v}\n");
  console.log("Running On:" ,host, "| Total Requests:", ++requests,"| App Uptime:", (new Date() - startTime)/1000 , "seconds", "| Log Time:",new Date());
}}
var www = http.createServer(handleRequest);
www.listen(8080,function () {{
    startTime = new Date();;
    host = process.env.HOSTNAME;
    console.log ("Kubernetes Bootcamp App Started At:",startTime, "| Running On: " ,host, "\n" );
}});
"#
    )
}

/// Runs `argv` on a node as `docker exec NODE ...` does (kind's nodes are containers
/// named after them): in the node image's root, as root.
pub fn exec_on_node(c: &mut Cluster, node: &str, argv: &[String], stdin: &str) -> (Output, i32) {
    let mut out = Output::new();
    let mut host = PodHost {
        cluster: c,
        pod: Key::new("Node", "", node),
        image: String::new(),
        env_order: Vec::new(),
        host_root: None,
        node_root: Some(node.to_string()),
    };
    let mut env = Env::new();
    env.set_exported(
        "PATH",
        "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    );
    env.set_exported("HOSTNAME", node);
    env.set_exported("HOME", "/root");
    let code = host.run(argv, stdin, &env, &mut out);
    (out, code)
}

/// The shell-and-tools world inside one container.
pub struct PodHost<'a> {
    pub cluster: &'a mut Cluster,
    pub pod: Key,
    pub image: String,
    env_order: Vec<String>,
    /// The node whose root filesystem the container mounts at `/host` (a hostPath
    /// volume of `/`, as `kubectl debug node/NAME` mounts it).
    host_root: Option<String>,
    /// After `chroot /host`: the node (kind's node image, Debian) is the root.
    node_root: Option<String>,
}

/// One of the text tools (`term::tools`), its status; None when it is not one. `gnu`:
/// GNU coreutils (Debian) names a missing file without busybox's "can't open '...'".
fn run_tool(
    prog: &str,
    args: &[String],
    stdin: &str,
    reader: &mut dyn FnMut(&str) -> Result<String, String>,
    gnu: bool,
    out: &mut Output,
) -> Option<i32> {
    let argv: Vec<String> = std::iter::once(prog.to_string())
        .chain(args.iter().cloned())
        .collect();
    let (o, e, code) = super::tools::run_tool_with_files(&argv, stdin, reader)?;
    out.out(&o);
    if gnu && prog == "cat" {
        for line in e.lines() {
            let gnu = line
                .strip_prefix("cat: can't open '")
                .and_then(|r| r.split_once("': "))
                .map(|(f, why)| format!("cat: {f}: {why}"));
            out.err(&format!("{}\n", gnu.as_deref().unwrap_or(line)));
        }
    } else {
        out.err(&e);
    }
    Some(code)
}

/// The node whose `/` a container mounts at `/host` through a hostPath volume.
fn mounts_host_root(pod: &Pod, container: &str) -> Option<String> {
    let spec = pod.spec.as_ref()?;
    let ct = spec.containers.iter().find(|c| c.name == container)?;
    let mount = ct
        .volume_mounts
        .iter()
        .flatten()
        .find(|m| m.mount_path.trim_end_matches('/') == "/host")?;
    let vol = spec
        .volumes
        .iter()
        .flatten()
        .find(|v| v.name == mount.name)?;
    (vol.host_path.as_ref()?.path == "/").then(|| spec.node_name.clone())?
}

/// The nginx image's `/etc/nginx/conf.d/default.conf` (nginx packaging's default.conf
/// with the `listen [::]:80;` line the image's 10-listen-on-ipv6-by-default.sh adds).
const NGINX_DEFAULT_CONF: &str = r#"server {
    listen       80;
    listen  [::]:80;
    server_name  localhost;

    #access_log  /var/log/nginx/host.access.log  main;

    location / {
        root   /usr/share/nginx/html;
        index  index.html index.htm;
    }

    #error_page  404              /404.html;

    # redirect server error pages to the static page /50x.html
    #
    error_page   500 502 503 504  /50x.html;
    location = /50x.html {
        root   /usr/share/nginx/html;
    }

    # proxy the PHP scripts to Apache listening on 127.0.0.1:80
    #
    #location ~ \.php$ {
    #    proxy_pass   http://127.0.0.1;
    #}

    # pass the PHP scripts to FastCGI server listening on 127.0.0.1:9000
    #
    #location ~ \.php$ {
    #    root           html;
    #    fastcgi_pass   127.0.0.1:9000;
    #    fastcgi_index  index.php;
    #    fastcgi_param  SCRIPT_FILENAME  /scripts$fastcgi_script_name;
    #    include        fastcgi_params;
    #}

    # deny access to .htaccess files, if Apache's document root
    # concurs with nginx's one
    #
    #location ~ /\.ht {
    #    deny  all;
    #}
}
"#;

/// strerror's text for the errno a network client reports, by the image's C library:
/// glibc and uClibc say "Connection timed out" and "No route to host", musl "Operation
/// timed out" and "Host is unreachable". The busybox image is glibc unless its tag names
/// another libc (docker-library/busybox has made glibc the default variant since 1.34.1;
/// the older default, uClibc, words these two as glibc does); busyboxplus is uClibc; the
/// other busybox userlands here are alpine's (musl).
fn strerror(image: &str, errno: Errno) -> &'static str {
    let (repo, tag) = parse_image(image);
    let glibc_like = match repo.as_str() {
        "busybox" => !tag.contains("musl"),
        "busyboxplus" => true,
        _ => false,
    };
    match (errno, glibc_like) {
        (Errno::TimedOut, true) => "Connection timed out",
        (Errno::TimedOut, false) => "Operation timed out",
        (Errno::HostUnreachable, true) => "No route to host",
        (Errno::HostUnreachable, false) => "Host is unreachable",
    }
}

/// The errnos whose wording differs between C libraries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Errno {
    TimedOut,
    HostUnreachable,
}

impl PodHost<'_> {
    fn pod(&self) -> Option<Pod> {
        get_pod(self.cluster, &self.pod)
    }

    fn ul(&self) -> Userland {
        userland(&self.image)
    }

    /// Whether `apk add` put `prog` into this container.
    fn installed(&self, prog: &str) -> bool {
        apk_installed(self.cluster, &self.pod, prog)
    }

    /// alpine's `apk` (apk-tools 2.14 of alpine 3.22): `update`, and `add` of curl, the
    /// client learners install to test a Service. The package index is fetched when the
    /// container has none yet, or always with `--no-cache`.
    fn apk(&mut self, args: &[String], out: &mut Output) -> i32 {
        const REPOS: [&str; 2] = [
            "https://dl-cdn.alpinelinux.org/alpine/v3.22/main",
            "https://dl-cdn.alpinelinux.org/alpine/v3.22/community",
        ];
        // alpine:3.22's own packages, and what curl brings (its dependency closure).
        const BASE_PACKAGES: usize = 16;
        const CURL: [(&str, &str); 9] = [
            ("brotli-libs", "1.1.0-r2"),
            ("c-ares", "1.34.5-r0"),
            ("libunistring", "1.3-r0"),
            ("libidn2", "2.3.7-r0"),
            ("nghttp2-libs", "1.65.0-r0"),
            ("libpsl", "0.21.5-r3"),
            ("zstd-libs", "1.5.7-r0"),
            ("libcurl", "8.14.1-r1"),
            ("curl", "8.14.1-r1"),
        ];
        const INDEX: &str = "/var/cache/apk/APKINDEX";
        let quiet = args.iter().any(|a| a == "-q" || a == "--quiet");
        let no_cache = args.iter().any(|a| a == "--no-cache");
        let refresh = args
            .iter()
            .any(|a| matches!(a.as_str(), "-U" | "--update-cache" | "--update"));
        let words: Vec<&str> = args
            .iter()
            .map(String::as_str)
            .filter(|a| !a.starts_with('-'))
            .collect();
        const USAGE: &str = "apk-tools 2.14.9, compiled for x86_64.\n\nusage: apk [<OPTIONS>...] COMMAND [<ARGUMENTS>...]\n";
        let Some((&applet, packages)) = words.split_first() else {
            out.err(USAGE);
            return 1;
        };
        let key = |path: &str| (self.pod.clone(), path.to_string());
        let has_index = self.cluster.net.files.contains_key(&key(INDEX));
        let fetch = |out: &mut Output| {
            if !quiet {
                for repo in REPOS {
                    out.out(&format!("fetch {repo}/x86_64/APKINDEX.tar.gz\n"));
                }
            }
        };
        let with_curl = self.installed("curl");
        match applet {
            "update" => {
                fetch(out);
                self.cluster.net.files.insert(key(INDEX), String::new());
                if !quiet {
                    out.out(&format!("v3.22.1-95-g1b5ba1b1a6d [{}]\n", REPOS[0]));
                    out.out(&format!("v3.22.1-94-g2d6a0a6ab15 [{}]\n", REPOS[1]));
                    out.out("OK: 26324 distinct packages available\n");
                }
                0
            }
            "add" => {
                if packages.is_empty() {
                    out.err("ERROR: apk add: Missing argument\n");
                    return 1;
                }
                if no_cache || refresh || !has_index {
                    fetch(out);
                }
                if !no_cache {
                    self.cluster.net.files.insert(key(INDEX), String::new());
                }
                let unknown: Vec<&str> =
                    packages.iter().copied().filter(|p| *p != "curl").collect();
                if !unknown.is_empty() {
                    out.err("ERROR: unable to select packages:\n");
                    for p in unknown {
                        out.err(&format!(
                            "  {p} (no such package):\n    required by: world[{p}]\n"
                        ));
                    }
                    return 1;
                }
                if !with_curl {
                    if !quiet {
                        for (i, (name, version)) in CURL.iter().enumerate() {
                            out.out(&format!(
                                "({}/{}) Installing {name} ({version})\n",
                                i + 1,
                                CURL.len()
                            ));
                        }
                        out.out("Executing busybox-1.37.0-r18.trigger\n");
                    }
                    self.cluster
                        .net
                        .files
                        .insert(key("/usr/bin/curl"), String::new());
                }
                let count = BASE_PACKAGES + CURL.len();
                if !quiet {
                    out.out(&format!("OK: 12 MiB in {count} packages\n"));
                }
                0
            }
            _ => {
                out.err(USAGE);
                1
            }
        }
    }

    /// busybox `ps` (procps/ps.c, the desktop build's default `-o pid,user,time,args`):
    /// the container's main process as PID 1, then `ps` itself, which `kubectl exec`
    /// started in the container's PID namespace (containerd's first exec is PID 7).
    fn ps(&self, out: &mut Output) -> i32 {
        let Some(pod) = self.pod() else { return 1 };
        let container = pod.spec.as_ref().and_then(|s| {
            s.containers
                .iter()
                .find(|c| c.image.as_deref() == Some(self.image.as_str()))
        });
        let argv: Vec<String> = container
            .map(|c| {
                c.command
                    .iter()
                    .flatten()
                    .chain(c.args.iter().flatten())
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        let main = if argv.is_empty() {
            "/bin/sh".to_string()
        } else {
            argv.join(" ")
        };
        out.out("PID   USER     TIME  COMMAND\n");
        out.out(&format!("{:>5} {:<8} {:>5} {main}\n", 1, "root", "0:00"));
        out.out(&format!("{:>5} {:<8} {:>5} ps\n", 7, "root", "0:00"));
        0
    }

    fn read(&self, path: &str) -> Result<String, String> {
        let owned = abs_path(path);
        let path = owned.as_str();
        let pod = self
            .pod()
            .ok_or_else(|| "No such file or directory".to_string())?;
        if let Some(written) = self
            .cluster
            .net
            .files
            .get(&(self.pod.clone(), path.to_string()))
        {
            return Ok(written.clone());
        }
        match path {
            "/etc/resolv.conf" => Ok(ResolvConf::for_namespace(&self.pod.namespace).render()),
            "/etc/hosts" => Ok(hosts_file(&pod)),
            "/etc/hostname" => Ok(format!("{}\n", pod_hostname(&pod))),
            // The busybox images have no os-release; the others of this userland are
            // alpine-based.
            "/etc/os-release" | "/etc/alpine-release"
                if matches!(parse_image(&self.image).0.as_str(), "busybox" | "busyboxplus") =>
            {
                Err("No such file or directory".into())
            }
            "/etc/alpine-release" if self.ul() == Userland::Busybox => Ok("3.22.1\n".into()),
            // node:6.3.1's buildpack-deps:jessie (base-files of Debian 8).
            "/etc/os-release" if parse_image(&self.image).0 == "kubernetes-bootcamp" => Ok("PRETTY_NAME=\"Debian GNU/Linux 8 (jessie)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"8\"\nVERSION=\"8 (jessie)\"\nID=debian\nHOME_URL=\"http://www.debian.org/\"\nSUPPORT_URL=\"http://www.debian.org/support\"\nBUG_REPORT_URL=\"https://bugs.debian.org/\"\n".into()),
            "/etc/os-release" => Ok(match self.ul() {
                Userland::Busybox => "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.22.1\nPRETTY_NAME=\"Alpine Linux v3.22\"\nHOME_URL=\"https://alpinelinux.org/\"\nBUG_REPORT_URL=\"https://gitlab.alpinelinux.org/alpine/aports/-/issues\"\n".into(),
                _ => "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\nHOME_URL=\"https://www.debian.org/\"\nSUPPORT_URL=\"https://www.debian.org/support\"\nBUG_REPORT_URL=\"https://bugs.debian.org/\"\n".into(),
            }),
            "/usr/share/nginx/html/index.html" if parse_image(&self.image).0 == "nginx" => {
                Ok(net::apps::NGINX_WELCOME.to_string())
            }
            "/etc/nginx/conf.d/default.conf" if parse_image(&self.image).0 == "nginx" => {
                Ok(NGINX_DEFAULT_CONF.to_string())
            }
            "/server.js" if parse_image(&self.image).0 == "kubernetes-bootcamp" => {
                Ok(bootcamp_server_js(&self.image))
            }
            _ => self
                .cluster
                .net
                .files
                .get(&(self.pod.clone(), path.to_string()))
                .cloned()
                .ok_or_else(|| "No such file or directory".to_string()),
        }
    }

    fn source(&self) -> Source {
        Source::Pod(self.pod.clone())
    }

    fn not_found(&self, prog: &str, out: &mut Output) -> i32 {
        match self.ul() {
            Userland::Debian => out.err(&format!("sh: 1: {prog}: not found\n")),
            _ => out.err(&format!("sh: {prog}: not found\n")),
        }
        127
    }

    fn print_env(&self, env: &Env, names: &[String], out: &mut Output) -> i32 {
        if names.is_empty() {
            let vars = env.exported_vars();
            for k in &self.env_order {
                if let Some((_, v)) = vars.iter().find(|(x, _)| x == k) {
                    out.out(&format!("{k}={v}\n"));
                }
            }
            for (k, v) in &vars {
                if !self.env_order.contains(k) {
                    out.out(&format!("{k}={v}\n"));
                }
            }
            return 0;
        }
        let mut code = 0;
        for n in names {
            match env.get(n).filter(|_| env.is_exported(n)) {
                Some(v) => out.out(&format!("{v}\n")),
                None => code = 1,
            }
        }
        code
    }

    /// busybox `chroot NEWROOT [PROG ARGS]` (coreutils/chroot.c): only into the node's
    /// root a node-debugging pod mounts at `/host`; without PROG, `$SHELL` or `/bin/sh -i`.
    fn chroot(&mut self, args: &[String], stdin: &str, env: &Env, out: &mut Output) -> i32 {
        let Some(root) = args.first() else {
            out.err("BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.\n\nUsage: chroot NEWROOT [PROG ARGS]\n\nRun PROG with root directory set to NEWROOT\n");
            return 1;
        };
        let node = match (&self.host_root, root.trim_end_matches('/')) {
            (Some(node), "/host") => node.clone(),
            _ => {
                out.err(&format!(
                    "chroot: can't change root directory to '{root}': No such file or directory\n"
                ));
                return 1;
            }
        };
        let mut argv: Vec<String> = args[1..].to_vec();
        if argv.is_empty() {
            argv = vec![
                env.get("SHELL").unwrap_or("/bin/sh").to_string(),
                "-i".into(),
            ];
        }
        self.node_root = Some(node);
        let code = self.run(&argv, stdin, env, out);
        self.node_root = None;
        code
    }

    /// A program of kind's node image (Debian bookworm: dash as `/bin/sh`, bash,
    /// iptables 1.8.9 over nf_tables) run after `chroot /host`.
    fn node_program(
        &mut self,
        node: &str,
        prog: &str,
        args: &[String],
        stdin: &str,
        env: &Env,
        out: &mut Output,
    ) -> i32 {
        match prog {
            "sh" | "dash" | "bash" => self.shell(args, stdin, env, out),
            "iptables-save" => {
                let mut table: Option<String> = None;
                let mut i = 0;
                while i < args.len() {
                    let a = &args[i];
                    if a == "-t" || a == "--table" {
                        table = args.get(i + 1).cloned();
                        i += 1;
                    } else if let Some(t) = a
                        .strip_prefix("--table=")
                        .or_else(|| a.strip_prefix("-t").filter(|t| !t.is_empty()))
                    {
                        table = Some(t.to_string());
                    }
                    i += 1;
                }
                let stamp = unix_date(self.cluster.now, false).replace(" UTC ", " ");
                match net::iptables::save(self.cluster, node, table.as_deref(), &stamp) {
                    Some(text) => {
                        out.out(&text);
                        0
                    }
                    None => {
                        out.err(&format!(
                            "iptables-save v1.8.9 (nf_tables): table '{}' does not exist\n",
                            table.unwrap_or_default()
                        ));
                        1
                    }
                }
            }
            "iptables" => self.iptables(node, args, out),
            "hostname" => {
                out.out(&format!("{node}\n"));
                0
            }
            "whoami" => {
                out.out("root\n");
                0
            }
            "printenv" => self.print_env(env, args, out),
            _ => {
                let mut reader = |p: &str| match p {
                    "/etc/hostname" => Ok(format!("{node}\n")),
                    _ => Err("No such file or directory".to_string()),
                };
                run_tool(prog, args, stdin, &mut reader, true, out).unwrap_or_else(|| {
                    out.err(&format!("sh: 1: {prog}: not found\n"));
                    127
                })
            }
        }
    }

    /// `iptables [-t TABLE] -S [CHAIN]` on a node (net::iptables::list_rules); the
    /// other commands are not simulated.
    fn iptables(&mut self, node: &str, args: &[String], out: &mut Output) -> i32 {
        let mut table = "filter".to_string();
        let mut list: Option<Option<String>> = None;
        let mut i = 0;
        while i < args.len() {
            match args[i].as_str() {
                "-t" | "--table" => {
                    table = args.get(i + 1).cloned().unwrap_or_default();
                    i += 1;
                }
                "-S" | "--list-rules" => {
                    let chain = args.get(i + 1).filter(|a| !a.starts_with('-')).cloned();
                    if chain.is_some() {
                        i += 1;
                    }
                    list = Some(chain);
                }
                _ => {}
            }
            i += 1;
        }
        let Some(chain) = list else {
            // Nothing to show here; the page says what is there instead.
            return 1;
        };
        match net::iptables::list_rules(self.cluster, node, &table, chain.as_deref()) {
            Some(Ok(text)) => {
                out.out(&text);
                0
            }
            Some(Err(())) => {
                out.err("iptables: No chain/target/match by that name.\n");
                1
            }
            None => {
                out.err(&format!(
                    "iptables v1.8.9 (nf_tables): table '{table}' does not exist\n"
                ));
                3
            }
        }
    }

    fn shell(&mut self, args: &[String], stdin: &str, env: &Env, out: &mut Output) -> i32 {
        let mut sh = Shell::child_of(env, Dialect::BusyboxAsh);
        let mut i = 0;
        let mut script: Option<String> = None;
        while i < args.len() {
            let a = &args[i];
            if a == "-c" {
                let Some(s) = args.get(i + 1) else {
                    out.err("sh: -c requires an argument\n");
                    return 2;
                };
                script = Some(s.clone());
                i += 2;
                break;
            } else if a.starts_with('-') && a.len() > 1 {
                i += 1;
            } else {
                break;
            }
        }
        match script {
            Some(s) => {
                let rest = &args[i.min(args.len())..];
                if let Some(a0) = rest.first() {
                    sh.env.arg0 = a0.clone();
                    sh.env.positional = rest[1..].to_vec();
                } else {
                    sh.env.arg0 = "sh".into();
                }
                sh.run_script_with_stdin(&s, stdin, self, out)
            }
            None => {
                if let Some(file) = args.get(i) {
                    match self.read(file) {
                        Ok(text) => sh.run_script_with_stdin(&text, "", self, out),
                        Err(_) => {
                            out.err(&format!(
                                "sh: can't open '{file}': No such file or directory\n"
                            ));
                            2
                        }
                    }
                } else {
                    // Commands from stdin (`kubectl exec -i POD -- sh <<EOF`).
                    sh.run_script_with_stdin(stdin, "", self, out)
                }
            }
        }
    }
}

impl Host for PodHost<'_> {
    fn run(&mut self, argv: &[String], stdin: &str, env: &Env, out: &mut Output) -> i32 {
        let Some(prog0) = argv.first() else { return 0 };
        let prog = prog0.rsplit('/').next().unwrap_or(prog0).to_string();
        let args = &argv[1..];
        if let Some(node) = self.node_root.clone() {
            return self.node_program(&node, &prog, args, stdin, env, out);
        }
        if prog == "chroot" && self.ul() != Userland::Distroless {
            return self.chroot(args, stdin, env, out);
        }
        if !has_program(&self.image, &prog) && !self.installed(&prog) {
            if unsimulated_program(&self.image, &prog) {
                // Invariant 6: the page says what is left out, the output stays empty.
                out.notice = Some(format!(
                    "`{prog}` is in this image, but this Services playground does not simulate it: its output is left out."
                ));
                return 0;
            }
            return self.not_found(prog0, out);
        }
        match prog.as_str() {
            "sh" | "ash" | "bash" | "dash" | "zsh" => self.shell(args, stdin, env, out),
            "wget" => wget(self, args, out),
            "nslookup" if has_bind_tools(&self.image) => super::bind::nslookup(self, args, out),
            "nslookup" => nslookup(self, args, out),
            "dig" => super::bind::dig(self, args, out),
            "host" => super::bind::host(self, args, out),
            "curl" => {
                let src = self.source();
                let pod = self.pod();
                // The container has a terminal only under `kubectl exec -t` (TERM is set then).
                let tty = env.get("TERM").is_some() && !out.piped;
                curl(
                    self.cluster,
                    &src,
                    pod.as_ref(),
                    &self.pod.namespace.clone(),
                    None,
                    tty,
                    curl_version(&self.image),
                    args,
                    out,
                )
            }
            "ps" => self.ps(out),
            "apk" => self.apk(args, out),
            "ping" => ping(self, args, out),
            "nc" => nettools::nc(self, args, stdin, out),
            "getent" => nettools::getent(self, args, out),
            "netstat" => nettools::netstat(self, args, out),
            "route" => nettools::route(self, args, out),
            "ifconfig" => nettools::ifconfig(self, args, out),
            "traceroute" => nettools::traceroute(self, args, out),
            "ip" => nettools::ip(self, args, out),
            "hostname" => {
                let Some(pod) = self.pod() else { return 1 };
                // -f/-d: the canonical name of the hostname's /etc/hosts line (busybox
                // xgethostbyname's h_name, Debian getaddrinfo AI_CANONNAME): the first
                // name, `host.subdomain.ns.svc.cluster.local` for a pod with a subdomain.
                let host = pod_hostname(&pod);
                let fqdn = hosts_file(&pod)
                    .lines()
                    .find(|l| l.split('\t').skip(1).any(|n| n == host))
                    .and_then(|l| l.split('\t').nth(1))
                    .unwrap_or(&host)
                    .to_string();
                match args.first().map(String::as_str) {
                    Some("-i") => out.out(&format!("{}\n", net::pod_ip(&pod).unwrap_or(""))),
                    Some("-f" | "--fqdn" | "--long") => out.out(&format!("{fqdn}\n")),
                    Some("-d" | "--domain") => {
                        if let Some((_, d)) = fqdn.split_once('.') {
                            out.out(&format!("{d}\n"));
                        }
                    }
                    Some("-s" | "--short") => {
                        out.out(&format!("{}\n", host.split('.').next().unwrap_or("")))
                    }
                    _ => out.out(&format!("{host}\n")),
                }
                0
            }
            "printenv" => self.print_env(env, args, out),
            "env" => {
                if args.is_empty() {
                    self.print_env(env, &[], out)
                } else {
                    // env VAR=x cmd ...
                    let mut e = env.clone();
                    let mut i = 0;
                    while i < args.len() && args[i].contains('=') && !args[i].starts_with('=') {
                        if let Some((k, v)) = args[i].split_once('=') {
                            e.set_exported(k, v);
                        }
                        i += 1;
                    }
                    if i >= args.len() {
                        return self.print_env(&e, &[], out);
                    }
                    self.run(&args[i..], stdin, &e, out)
                }
            }
            "sleep" => match crate::term::host::parse_sleep(args) {
                Ok(ms) => {
                    self.cluster.advance(ms);
                    0
                }
                Err(_) => {
                    out.err(&format!(
                        "sleep: invalid number '{}'\n",
                        args.first().map(String::as_str).unwrap_or("")
                    ));
                    1
                }
            },
            "whoami" => {
                out.out("root\n");
                0
            }
            "id" => {
                out.out("uid=0(root) gid=0(root) groups=0(root),1(bin),2(daemon),3(sys),4(adm),6(disk),10(wheel),11(floppy),20(dialout),26(tape),27(video)\n");
                0
            }
            "uname" => {
                if args.iter().any(|a| a == "-a") {
                    let host = self.pod().map(|p| pod_hostname(&p)).unwrap_or_default();
                    out.out(&format!(
                        "Linux {host} {} {} x86_64 Linux\n",
                        crate::cluster::bootstrap::NODE_KERNEL,
                        crate::cluster::bootstrap::NODE_KERNEL_BUILD
                    ));
                } else {
                    out.out("Linux\n");
                }
                0
            }
            "date" => {
                out.out(&format!("{}\n", unix_date(self.cluster.now, false)));
                0
            }
            "ls" => {
                let path = args
                    .iter()
                    .find(|a| !a.starts_with('-'))
                    .cloned()
                    .unwrap_or_else(|| "/".into());
                let listing = match path.trim_end_matches('/') {
                    "" if parse_image(&self.image).0 == "kubernetes-bootcamp" => {
                        "bin\nboot\ncore\ndev\netc\nhome\nlib\nlib64\nmedia\nmnt\nopt\nproc\nroot\nrun\nsbin\nserver.js\nsrv\nsys\ntmp\nusr\nvar\n".to_string()
                    }
                    "" => "bin\ndev\netc\nhome\nlib\nmedia\nmnt\nopt\nproc\nroot\nrun\nsbin\nsrv\nsys\ntmp\nusr\nvar\n".to_string(),
                    "/etc" => "hostname\nhosts\nos-release\nresolv.conf\n".to_string(),
                    // The nginx image's docroot, plus what was written into it.
                    "/usr/share/nginx/html" if parse_image(&self.image).0 == "nginx" => {
                        let mut names = vec!["50x.html".to_string(), "index.html".to_string()];
                        for (k, p) in self.cluster.net.files.keys() {
                            if let Some(n) = p.strip_prefix("/usr/share/nginx/html/") {
                                if *k == self.pod && !n.contains('/') && !names.iter().any(|x| x == n) {
                                    names.push(n.to_string());
                                }
                            }
                        }
                        crate::sort::sort(&mut names);
                        names.iter().map(|n| format!("{n}\n")).collect()
                    }
                    _ => {
                        let files: Vec<String> = self
                            .cluster
                            .net
                            .files
                            .keys()
                            .filter(|(k, p)| *k == self.pod && p.starts_with(&format!("{}/", path.trim_end_matches('/'))))
                            .map(|(_, p)| p.rsplit('/').next().unwrap_or("").to_string())
                            .collect();
                        if files.is_empty() && self.read(&path).is_err() && path != "/tmp" {
                            // GNU ls (Debian images) exits 2 for a missing operand.
                            if self.ul() == Userland::Debian {
                                out.err(&format!(
                                    "ls: cannot access '{path}': No such file or directory\n"
                                ));
                                return 2;
                            }
                            out.err(&format!("ls: {path}: No such file or directory\n"));
                            return 1;
                        }
                        if files.is_empty() && self.read(&path).is_ok() {
                            format!("{path}\n")
                        } else {
                            files.iter().map(|f| format!("{f}\n")).collect()
                        }
                    }
                };
                out.out(&listing);
                0
            }
            // nginx's own flags (src/core/nginx.c): -v prints the version, -t checks the
            // configuration; both write to stderr.
            "nginx" if args.first().map(String::as_str) == Some("-v") => {
                out.err(&format!(
                    "nginx version: nginx/{}\n",
                    net::apps::NGINX_VERSION
                ));
                0
            }
            "nginx" if args.first().map(String::as_str) == Some("-t") => {
                out.err("nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\nnginx: configuration file /etc/nginx/nginx.conf test is successful\n");
                0
            }
            // The bootcamp image's node 6.3.1 (and the npm it ships, 3.10.3).
            "node" | "npm"
                if matches!(args.first().map(String::as_str), Some("-v" | "--version")) =>
            {
                out.out(if prog == "node" {
                    "v6.3.1\n"
                } else {
                    "3.10.3\n"
                });
                0
            }
            "agnhost" | "nginx" | "httpd" | "http-echo" | "coredns" | "node" | "npm" => {
                // Running a second server process is out of scope; print its usage-free exit.
                0
            }
            "pwd" => {
                out.out(&format!("{}\n", env.get("PWD").unwrap_or("/")));
                0
            }
            _ => {
                let gnu = self.ul() == Userland::Debian;
                let mut reader = |p: &str| self.read(p);
                match run_tool(&prog, args, stdin, &mut reader, gnu, out) {
                    Some(code) => code,
                    None => self.not_found(prog0, out),
                }
            }
        }
    }

    fn read_file(&mut self, path: &str) -> Result<String, String> {
        self.read(path)
    }

    fn write_file(&mut self, path: &str, data: &str, append: bool) -> Result<(), String> {
        if path == "/dev/null" {
            return Ok(());
        }
        if path.starts_with("/proc/") || path.starts_with("/sys/") {
            return Err("Permission denied".into());
        }
        let k = (self.pod.clone(), abs_path(path));
        let files = &mut self.cluster.net.files;
        if files.len() > 1000 && !files.contains_key(&k) {
            return Err("No space left on device".into());
        }
        let entry = files.entry(k).or_default();
        if !append {
            entry.clear();
        }
        if entry.len() + data.len() > 1 << 20 {
            return Err("No space left on device".into());
        }
        entry.push_str(data);
        Ok(())
    }

    fn is_dir(&mut self, path: &str) -> bool {
        matches!(
            path.trim_end_matches('/'),
            "" | "/tmp" | "/etc" | "/root" | "/usr" | "/var" | "/bin" | "/home"
        )
    }
}

// ------------------------------------------------------------------ URL and resolving

struct Url {
    scheme: String,
    /// host as written, with `:port` if written.
    host_port: String,
    host: String,
    port: i32,
    path: String,
}

fn parse_url(u: &str) -> Option<Url> {
    let (scheme, rest) = match u.split_once("://") {
        Some((s, r)) => (s.to_ascii_lowercase(), r),
        None => ("http".to_string(), u),
    };
    let (hp, path) = match rest.find(['/', '?']) {
        Some(i) if rest.as_bytes()[i] == b'/' => (&rest[..i], rest[i..].to_string()),
        Some(i) => (&rest[..i], format!("/{}", &rest[i..])),
        None => (rest, "/".to_string()),
    };
    let hp = hp.rsplit('@').next().unwrap_or(hp);
    let default_port = match scheme.as_str() {
        "https" => 443,
        "ftp" => 21,
        _ => 80,
    };
    let (host, port) = match hp.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') || h.ends_with(']') => {
            (h.to_string(), p.parse::<i32>().ok()?)
        }
        _ => (hp.to_string(), default_port),
    };
    let path = path.split('#').next().unwrap_or("/").to_string();
    Some(Url {
        scheme,
        host_port: hp.to_string(),
        host,
        port,
        path,
    })
}

/// Resolves `name` from inside a pod the way its programs do (`/etc/hosts`, then the
/// resolv.conf search list through kube-dns over the data plane): the addresses, or
/// `None` when the name does not resolve or the nameserver does not answer. The page's
/// "send traffic" from a pod uses it, as `wget http://SERVICE.NAMESPACE` would.
pub fn resolve_from_pod(c: &mut Cluster, pod: &Key, name: &str) -> Option<Vec<String>> {
    let p = match c.store.get(pod) {
        Some(Object::Pod(p)) => Some((**p).clone()),
        _ => None,
    };
    let mut trace = Vec::new();
    resolve_in_pod(
        c,
        &Source::Pod(pod.clone()),
        p.as_ref(),
        &pod.namespace,
        name,
        &mut trace,
    )
    .ok()
}

/// Resolves a name the way a musl program in the pod does; None = not found.
/// Also sends the DNS traffic through the data plane (to kube-dns).
fn resolve_in_pod(
    c: &mut Cluster,
    src: &Source,
    pod: Option<&Pod>,
    ns: &str,
    name: &str,
    trace: &mut Vec<Hop>,
) -> Result<Vec<String>, ResolveError> {
    if dns::is_ipv4(name) {
        return Ok(vec![name.to_string()]);
    }
    let hosts = pod.map(hosts_entries).unwrap_or_default();
    let lname = name.to_ascii_lowercase();
    if let Some((ip, _)) = hosts
        .iter()
        .find(|(ip, ns)| dns::is_ipv4(ip) && ns.iter().any(|n| n.eq_ignore_ascii_case(&lname)))
    {
        return Ok(vec![ip.clone()]);
    }
    let rc = ResolvConf::for_namespace(ns);
    if !dns_reachable(c, src, &rc, trace) {
        return Err(ResolveError::Timeout);
    }
    let mut asked = Vec::new();
    let r = dns::resolve_musl(c, &rc, &hosts, name, &mut asked);
    for a in asked {
        let hop = Hop::Dns {
            name: a.name,
            qtype: a.qtype.as_str().into(),
            answer: if a.reply.rcode == Rcode::NoError {
                a.reply.addresses().join(",")
            } else {
                a.reply.rcode.as_str().into()
            },
        };
        net::note_dns(c, hop.clone());
        trace.push(hop);
    }
    r.ok_or(ResolveError::NotFound)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ResolveError {
    NotFound,
    Timeout,
}

/// Whether the pod's nameserver answers (kube-dns through the data plane).
fn dns_reachable(c: &mut Cluster, src: &Source, rc: &ResolvConf, trace: &mut Vec<Hop>) -> bool {
    let conn = net::connect(c, src, &rc.nameserver, 53, Proto::Udp);
    let ok = matches!(conn.outcome, Outcome::Connected(_));
    if !ok {
        trace.extend(conn.trace);
    }
    ok
}

// ------------------------------------------------------------------ wget

/// busybox wget's progress line at 100% (libbb/progress.c, 80-column default width).
fn wget_progress(name: &str, size: usize) -> String {
    let shown: String = name.chars().take(20).collect();
    let sz = if size < 100_000 {
        format!("{size:>6}")
    } else {
        format!("{:>5}k", size / 1024)
    };
    format!("{shown:<20} 100% |********************************|{sz}  0:00:00 ETA\n")
}

fn wget(h: &mut PodHost, args: &[String], out: &mut Output) -> i32 {
    let mut quiet = false;
    let mut out_name: Option<String> = None;
    let mut timeout: i64 = 900;
    let mut spider = false;
    let mut server_resp = false;
    let mut ua = "Wget".to_string();
    let mut urls = Vec::new();
    let mut headers: Vec<(String, String)> = Vec::new();
    let mut post: Option<String> = None;
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        let take = |i: &mut usize| -> Option<String> {
            *i += 1;
            args.get(*i).cloned()
        };
        if let Some(long) = a.strip_prefix("--") {
            let (k, v) = match long.split_once('=') {
                Some((k, v)) => (k.to_string(), Some(v.to_string())),
                None => (long.to_string(), None),
            };
            let needs = matches!(
                k.as_str(),
                "output-document"
                    | "timeout"
                    | "user-agent"
                    | "header"
                    | "post-data"
                    | "tries"
                    | "output-file"
                    | "directory-prefix"
            );
            let val = if needs {
                v.or_else(|| take(&mut i))
            } else {
                None
            };
            match k.as_str() {
                "quiet" => quiet = true,
                "spider" => spider = true,
                "server-response" => server_resp = true,
                "output-document" => out_name = val,
                "timeout" => timeout = val.and_then(|v| v.parse().ok()).unwrap_or(900),
                "user-agent" => ua = val.unwrap_or_default(),
                "header" => {
                    if let Some((hk, hv)) = val.unwrap_or_default().split_once(':') {
                        headers.push((hk.trim().to_string(), hv.trim().to_string()));
                    }
                }
                "post-data" => post = val,
                _ => {}
            }
        } else if a.len() > 1 && a.starts_with('-') {
            let chars: Vec<char> = a[1..].chars().collect();
            let mut j = 0;
            while j < chars.len() {
                let ch = chars[j];
                let rest: String = chars[j + 1..].iter().collect();
                let val = |i: &mut usize| {
                    if rest.is_empty() {
                        take(i)
                    } else {
                        Some(rest.clone())
                    }
                };
                match ch {
                    'q' => quiet = true,
                    'S' => server_resp = true,
                    'c' | 's' => {}
                    'O' | 'T' | 'U' | 'o' | 'P' | 'Y' | 't' => {
                        let v = val(&mut i);
                        match ch {
                            'O' => out_name = v,
                            'T' => match v.as_deref().map(str::parse::<i64>) {
                                Some(Ok(n)) if n >= 0 => timeout = n,
                                _ => {
                                    out.err(&format!(
                                        "wget: invalid number '{}'\n",
                                        v.unwrap_or_default()
                                    ));
                                    return 1;
                                }
                            },
                            'U' => ua = v.unwrap_or_default(),
                            _ => {}
                        }
                        break;
                    }
                    _ => {
                        out.err(&format!("wget: unrecognized option '{a}'\n"));
                        out.err(WGET_USAGE);
                        return 1;
                    }
                }
                j += 1;
            }
        } else {
            urls.push(a.clone());
        }
        i += 1;
    }
    if urls.is_empty() {
        out.err(WGET_USAGE);
        return 1;
    }
    let mut code = 0;
    for u in urls {
        code = wget_one(
            h,
            &u,
            quiet,
            out_name.as_deref(),
            timeout,
            spider,
            server_resp,
            &ua,
            &headers,
            post.as_deref(),
            out,
        );
        if code != 0 {
            return code;
        }
    }
    code
}

const WGET_USAGE: &str = "BusyBox v1.37.0 (2025-01-17 18:12:01 UTC) multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n\t[--post-data STR | --post-file FILE] [-Y on/off]\n\t[--no-check-certificate] [-P DIR] [-U AGENT] [-T SEC] URL...\n\nRetrieve files via HTTP or FTP\n\n\t--spider\tOnly check URL existence: $? is 0 if exists\n\t--header STR\tAdd STR (of form 'header: value') to headers\n\t--post-data STR\tSend STR using POST method\n\t--post-file FILE\tSend FILE using POST method\n\t--no-check-certificate\tDon't validate the server's certificate\n\t-c\t\tContinue retrieval of aborted transfer\n\t-q\t\tQuiet\n\t-P DIR\t\tSave to DIR (default .)\n\t-S    \t\tShow server response\n\t-T SEC\t\tNetwork read timeout is SEC seconds\n\t-O FILE\t\tSave to FILE ('-' for stdout)\n\t-o LOGFILE\tLog messages to FILE\n\t-U STR\t\tUse STR for User-Agent header\n\t-Y on/off\tUse proxy\n";

#[allow(clippy::too_many_arguments)]
fn wget_one(
    h: &mut PodHost,
    url: &str,
    quiet: bool,
    out_name: Option<&str>,
    timeout: i64,
    spider: bool,
    server_resp: bool,
    ua: &str,
    headers: &[(String, String)],
    post: Option<&str>,
    out: &mut Output,
) -> i32 {
    let Some(u) = parse_url(url) else {
        out.err(&format!("wget: bad address '{url}'\n"));
        return 1;
    };
    if u.scheme != "http" && u.scheme != "https" && u.scheme != "ftp" {
        out.err(&format!("wget: not an http or ftp url: {url}\n"));
        return 1;
    }
    let src = h.source();
    let pod = h.pod();
    let ns = h.pod.namespace.clone();
    let mut trace = Vec::new();
    let ips = match resolve_in_pod(h.cluster, &src, pod.as_ref(), &ns, &u.host, &mut trace) {
        Ok(ips) => ips,
        Err(ResolveError::NotFound) => {
            out.err(&format!("wget: bad address '{}'\n", u.host_port));
            return 1;
        }
        Err(ResolveError::Timeout) => {
            h.cluster.advance(10_000);
            out.err(&format!("wget: bad address '{}'\n", u.host_port));
            return 1;
        }
    };
    let ip = ips.first().cloned().unwrap_or_default();
    if !quiet {
        out.err(&format!(
            "Connecting to {} ({}:{})\n",
            u.host_port, ip, u.port
        ));
    }
    let conn = net::connect(h.cluster, &src, &ip, u.port, Proto::Tcp);
    let peer = match conn.outcome {
        Outcome::Connected(p) => p,
        Outcome::Refused => {
            out.err(&format!(
                "wget: can't connect to remote host ({ip}): Connection refused\n"
            ));
            return 1;
        }
        Outcome::Unreachable => {
            out.err(&format!(
                "wget: can't connect to remote host ({ip}): {}\n",
                strerror(&h.image, Errno::HostUnreachable)
            ));
            return 1;
        }
        Outcome::TimedOut => {
            h.cluster.advance(timeout.saturating_mul(1000));
            out.err("wget: download timed out\n");
            return 1;
        }
    };
    if u.scheme == "https" {
        // TLS to the simulated servers is not modelled: nothing here serves HTTPS.
        out.err("wget: TLS error from peer (alert code 80): 80\nwget: error getting response: Connection reset by peer\n");
        return 1;
    }
    let req = HttpRequest {
        method: if post.is_some() {
            "POST".into()
        } else {
            "GET".into()
        },
        path: u.path.clone(),
        host: u.host_port.clone(),
        user_agent: ua.to_string(),
        // networking/wget.c asks the server to close ("Connection: close") before the
        // --header ones.
        headers: std::iter::once(("Connection".to_string(), "close".to_string()))
            .chain(headers.iter().cloned())
            .collect(),
        proto: "HTTP/1.1",
    };
    let resp = net::apps::http(h.cluster, &peer, &req);
    if server_resp {
        out.err(&format!("  {}\n", resp.status_line()));
        for (k, v) in &resp.headers {
            out.err(&format!("  {k}: {v}\n"));
        }
    }
    let ok = matches!(resp.status, 200..=204 | 300..=303 | 307 | 308);
    if !ok {
        out.err(&format!(
            "wget: server returned error: {}\n",
            resp.status_line()
        ));
        return 1;
    }
    if spider {
        if !quiet {
            out.err("remote file exists\n");
        }
        return 0;
    }
    let fname = match out_name {
        Some(n) => n.to_string(),
        None => {
            let p = u.path.split('?').next().unwrap_or("/");
            let last = p.rsplit('/').next().unwrap_or("");
            if last.is_empty() {
                "index.html".to_string()
            } else {
                last.to_string()
            }
        }
    };
    let to_stdout = fname == "-";
    if !quiet {
        if to_stdout {
            out.err("writing to stdout\n");
        } else {
            out.err(&format!("saving to '{fname}'\n"));
        }
    }
    if to_stdout {
        out.out(&resp.body);
    } else {
        if out_name.is_none() && h.read(&abs_path(&fname)).is_ok() {
            out.err(&format!("wget: can't open '{fname}': File exists\n"));
            return 1;
        }
        if let Err(e) = h.write_file(&abs_path(&fname), &resp.body, false) {
            out.err(&format!("wget: can't open '{fname}': {e}\n"));
            return 1;
        }
    }
    if !quiet {
        let shown = if to_stdout {
            "-".to_string()
        } else {
            fname.rsplit('/').next().unwrap_or(&fname).to_string()
        };
        out.err(&wget_progress(&shown, resp.body.len()));
        if to_stdout {
            out.err("written to stdout\n");
        } else {
            out.err(&format!("'{fname}' saved\n"));
        }
    }
    0
}

fn abs_path(p: &str) -> String {
    let p = p.trim_start_matches("./");
    if p.starts_with('/') {
        p.to_string()
    } else {
        format!("/{p}")
    }
}

// ------------------------------------------------------------------ nslookup

fn nslookup(h: &mut PodHost, args: &[String], out: &mut Output) -> i32 {
    if legacy_nslookup(&h.image) {
        return nslookup_legacy(h, args, out);
    }
    let mut types = Vec::new();
    let mut rest: Vec<&String> = Vec::new();
    for a in args {
        if let Some(opt) = a.strip_prefix('-').filter(|_| rest.is_empty()) {
            let (k, v) = opt.split_once('=').unwrap_or((opt, ""));
            match k {
                "type" | "querytype" | "query" | "q" | "ty" => match RType::parse(v) {
                    Some(t) => types.push(t),
                    None => {
                        out.err(&format!("nslookup: invalid query type \"{v}\"\n"));
                        return 1;
                    }
                },
                "debug" | "port" | "retry" | "t" | "timeout" => {}
                _ => {
                    out.err(NSLOOKUP_USAGE);
                    return 1;
                }
            }
        } else {
            rest.push(a);
        }
    }
    let Some(name) = rest.first().map(|s| s.to_string()) else {
        out.err(NSLOOKUP_USAGE);
        return 1;
    };
    if rest.len() > 2 {
        out.err(NSLOOKUP_USAGE);
        return 1;
    }
    let (rc, reachable) = nameserver(h, rest.get(1).copied());
    if !reachable {
        // default timeout 5 s
        h.cluster.advance(5_000);
        out.out(";; connection timed out; no servers could be reached\n\n");
        return 1;
    }
    let queries = dns::nslookup_queries(&rc, &name, &types);
    out.out(&format!(
        "Server:\t\t{}\nAddress:\t{}:53\n\n",
        rc.nameserver, rc.nameserver
    ));
    let mut code = 0;
    for (qname, t) in queries {
        let reply = super::bind::ask(h, &qname, t);
        if reply.rcode != Rcode::NoError {
            code = 1;
        }
        out.out(&dns::nslookup_format(&qname, &reply));
    }
    code
}

impl PodHost<'_> {
    /// See [`nameserver`].
    pub(crate) fn nameserver(&mut self, server: Option<&String>) -> (ResolvConf, bool) {
        nameserver(self, server)
    }
}

/// The pod's resolv.conf, with the nameserver given on the command line if any, and
/// whether that nameserver answers on UDP 53 through the data plane.
fn nameserver(h: &mut PodHost, server: Option<&String>) -> (ResolvConf, bool) {
    let mut rc = ResolvConf::for_namespace(&h.pod.namespace);
    if let Some(server) = server {
        rc.nameserver = server.to_string();
    }
    let src = h.source();
    let conn = net::connect(h.cluster, &src, &rc.nameserver.clone(), 53, Proto::Udp);
    (rc, matches!(conn.outcome, Outcome::Connected(_)))
}

/// busybox up to 1.28 (`busybox:1.28`, the image Kubernetes' DNS guides long used, and
/// `radial/busyboxplus`) still had the old nslookup applet, which resolves through libc
/// (search list included) and names each address by a reverse lookup; 1.29 replaced it
/// with the resolver of its own that [`nslookup`] models.
fn legacy_nslookup(image: &str) -> bool {
    let (repo, tag) = parse_image(image);
    match repo.as_str() {
        "busyboxplus" => true,
        "busybox" => {
            let mut parts = tag.split(['.', '-']);
            let major = parts.next().and_then(|p| p.parse::<u32>().ok());
            let minor = parts.next().and_then(|p| p.parse::<u32>().ok());
            matches!((major, minor), (Some(1), Some(m)) if m <= 28)
        }
        _ => false,
    }
}

/// The old applet (busybox 1.28 networking/nslookup.c): `print_host` prints
/// `printf("%-10s %s\n", header, host)`, then `Address N: IP NAME` per address, NAME
/// from a PTR lookup (left out when there is none); the server first, then a blank line,
/// then the host. A failed lookup is `bb_error_msg("can't resolve '%s'")` and status 1.
/// Any option, or more than two arguments, prints the usage.
fn nslookup_legacy(h: &mut PodHost, args: &[String], out: &mut Output) -> i32 {
    if args.is_empty() || args[0].starts_with('-') || args.len() > 2 {
        out.err(NSLOOKUP_LEGACY_USAGE);
        return 1;
    }
    let (rc, reachable) = nameserver(h, args.get(1));
    let reverse = |c: &mut Cluster, ip: &str| -> Option<String> {
        if !reachable {
            return None;
        }
        let p: Vec<&str> = ip.split('.').collect();
        let [a, b, cc, d] = p.as_slice() else {
            return None;
        };
        let reply = dns::query(c, &format!("{d}.{cc}.{b}.{a}.in-addr.arpa"), RType::Ptr);
        reply.answers.iter().find_map(|r| match &r.data {
            dns::RData::Ptr(name) => Some(name.trim_end_matches('.').to_string()),
            _ => None,
        })
    };
    let print_host = |header: &str, host: &str, ips: &[String], c: &mut Cluster| -> String {
        let mut text = format!("{header:<10} {host}\n");
        for (i, ip) in ips.iter().enumerate() {
            match reverse(c, ip) {
                Some(name) => text.push_str(&format!("Address {}: {ip} {name}\n", i + 1)),
                None => text.push_str(&format!("Address {}: {ip}\n", i + 1)),
            }
        }
        text
    };
    let server = rc.nameserver.clone();
    if !reachable {
        // Each of the reverse and forward lookups waits out libc's 5 s x 2 tries.
        h.cluster.advance(10_000);
    }
    let head = print_host("Server:", &server, std::slice::from_ref(&server), h.cluster);
    out.out(&format!("{head}\n"));
    let name = args[0].clone();
    let src = h.source();
    let pod = h.pod();
    let ns = h.pod.namespace.clone();
    let mut trace = Vec::new();
    match resolve_in_pod(h.cluster, &src, pod.as_ref(), &ns, &name, &mut trace) {
        Ok(ips) if !ips.is_empty() => {
            let text = print_host("Name:", &name, &ips, h.cluster);
            out.out(&text);
            0
        }
        _ => {
            out.err(&format!("nslookup: can't resolve '{name}'\n"));
            1
        }
    }
}

const NSLOOKUP_LEGACY_USAGE: &str = "BusyBox v1.28.4 (2018-05-22 17:00:17 UTC) multi-call binary.\n\nUsage: nslookup [HOST] [SERVER]\n\nQuery the nameserver for the IP address of the given HOST\noptionally using a specified DNS server\n";

const NSLOOKUP_USAGE: &str = "BusyBox v1.37.0 (2025-01-17 18:12:01 UTC) multi-call binary.\n\nUsage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n\nQuery DNS about HOST\n\nQUERY_TYPE: soa,ns,a,aaaa,cname,mx,txt,ptr,srv,any\n";

// ------------------------------------------------------------------ ping / nc / ip

fn ping(h: &mut PodHost, args: &[String], out: &mut Output) -> i32 {
    // busybox ping.c: -c COUNT, -w DEADLINE (seconds until ping exits, checked each
    // time a packet is due: the packet due at the deadline is counted as transmitted
    // but not sent), -W TIMEOUT (seconds to wait after the last of COUNT packets when
    // nothing answered, default 10). Without -c or -w ping runs until Ctrl+C: the
    // terminal cannot interrupt it, so it stops after 4 as if interrupted.
    let mut count: Option<u32> = None;
    let mut deadline: Option<u32> = None;
    let mut timeout: u32 = 10;
    let mut quiet = false;
    let mut target = None;
    let number = |v: Option<&str>| v.and_then(|v| v.parse::<u32>().ok()).map(|n| n.min(100));
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        match a.as_str() {
            "-c" | "-w" | "-W" => {
                i += 1;
                let v = number(args.get(i).map(String::as_str));
                match a.as_str() {
                    "-c" => count = v.or(Some(1)),
                    "-w" => deadline = v,
                    _ => timeout = v.unwrap_or(10),
                }
            }
            "-q" => quiet = true,
            "-4" => {}
            s if s.starts_with("-c") => count = number(Some(&s[2..])).or(Some(1)),
            s if s.starts_with("-w") => deadline = number(Some(&s[2..])),
            s if s.starts_with("-W") => timeout = number(Some(&s[2..])).unwrap_or(10),
            _ => target = Some(a.clone()),
        }
        i += 1;
    }
    let Some(t) = target else {
        out.err("BusyBox v1.37.0 (2025-01-17 18:12:01 UTC) multi-call binary.\n\nUsage: ping [OPTIONS] HOST\n");
        return 1;
    };
    let src = h.source();
    let pod = h.pod();
    let ns = h.pod.namespace.clone();
    let mut trace = Vec::new();
    let ip = match resolve_in_pod(h.cluster, &src, pod.as_ref(), &ns, &t, &mut trace) {
        Ok(v) => v.first().cloned().unwrap_or_default(),
        Err(_) => {
            out.err(&format!("ping: bad address '{t}'\n"));
            return 1;
        }
    };
    out.out(&format!("PING {t} ({ip}): 56 data bytes\n"));
    let reply_ttl = net::ping(h.cluster, &src, &ip);
    // The deadline ends the run when it comes before the last counted packet.
    // `-c 0` is no count at all (pingcount 0: ping until stopped).
    let count = count.filter(|&c| c > 0);
    let cut_by_deadline = deadline.filter(|&d| count.is_none_or(|c| c > d));
    let sent = match cut_by_deadline {
        Some(d) => d,
        None => count.unwrap_or(4),
    };
    let transmitted = sent + u32::from(cut_by_deadline.is_some());
    let mut stats = format!("\n--- {t} ping statistics ---\n{transmitted} packets transmitted, ");
    let Some(ttl) = reply_ttl else {
        let waited = match cut_by_deadline {
            Some(d) => d,
            None => sent.saturating_sub(1) + timeout,
        };
        h.cluster.advance(i64::from(waited) * 1000);
        stats.push_str("0 packets received, 100% packet loss\n");
        out.out(&stats);
        return 1;
    };
    let mut times = Vec::new();
    for seq in 0..sent {
        let t_us = 40 + h.cluster.rand_below(120);
        times.push(t_us);
        if !quiet {
            out.out(&format!(
                "64 bytes from {ip}: seq={seq} ttl={ttl} time=0.{t_us:03} ms\n"
            ));
        }
        if seq + 1 < transmitted {
            h.cluster.advance(1000);
        }
    }
    let min = times.iter().min().copied().unwrap_or(0);
    let max = times.iter().max().copied().unwrap_or(0);
    let avg = times.iter().sum::<u64>() / times.len().max(1) as u64;
    let loss = ((transmitted - sent) * 100)
        .checked_div(transmitted)
        .unwrap_or(0);
    stats.push_str(&format!("{sent} packets received, {loss}% packet loss\n"));
    if sent > 0 {
        stats.push_str(&format!(
            "round-trip min/avg/max = 0.{min:03}/0.{avg:03}/0.{max:03} ms\n"
        ));
    }
    out.out(&stats);
    // "exit with 1 -- 'failure'" when nothing came back, or a deadline cut -c short.
    i32::from(sent == 0 || (cut_by_deadline.is_some() && count.is_some()))
}

// ------------------------------------------------------------------ curl

/// How a port-forward maps a local port: (namespace, pod, pod port).
struct CurlOpts {
    silent: bool,
    show_error: bool,
    verbose: bool,
    no_meter: bool,
    head: bool,
    include: bool,
    fail: bool,
    output: Option<String>,
    write_out: Option<String>,
    max_time: Option<f64>,
    connect_timeout: Option<f64>,
    method: Option<String>,
    headers: Vec<(String, String)>,
    data: Option<String>,
    user_agent: String,
    urls: Vec<String>,
    /// Which curl runs (see [`curl_version`]).
    version: &'static str,
}

fn parse_secs(v: Option<&String>) -> Option<f64> {
    v.and_then(|s| s.parse::<f64>().ok())
        .filter(|x| x.is_finite() && *x >= 0.0)
}

fn curl_opts(args: &[String], version: &'static str, out: &mut Output) -> Result<CurlOpts, i32> {
    let mut o = CurlOpts {
        silent: false,
        show_error: false,
        verbose: false,
        no_meter: false,
        head: false,
        include: false,
        fail: false,
        output: None,
        write_out: None,
        max_time: None,
        connect_timeout: None,
        method: None,
        headers: Vec::new(),
        data: None,
        user_agent: format!("curl/{version}"),
        urls: Vec::new(),
        version,
    };
    let mut i = 0;
    while i < args.len() {
        let a = args[i].clone();
        let mut next = |i: &mut usize| -> Result<String, i32> {
            *i += 1;
            args.get(*i).cloned().ok_or_else(|| {
                out.err(&format!("curl: option {a}: requires parameter\ncurl: try 'curl --help' or 'curl --manual' for more information\n"));
                2
            })
        };
        match a.as_str() {
            "-s" | "--silent" => o.silent = true,
            "-S" | "--show-error" => o.show_error = true,
            "-v" | "--verbose" => o.verbose = true,
            "-I" | "--head" => o.head = true,
            "-i" | "--include" => o.include = true,
            "-f" | "--fail" => o.fail = true,
            "--no-progress-meter" => o.no_meter = true,
            "-L" | "--location" | "-k" | "--insecure" | "-4" | "--ipv4" => {}
            "-o" | "--output" => o.output = Some(next(&mut i)?),
            "-w" | "--write-out" => o.write_out = Some(next(&mut i)?),
            "-m" | "--max-time" => {
                let v = next(&mut i)?;
                o.max_time = parse_secs(Some(&v));
            }
            "--connect-timeout" => {
                let v = next(&mut i)?;
                o.connect_timeout = parse_secs(Some(&v));
            }
            "-X" | "--request" => o.method = Some(next(&mut i)?),
            "-H" | "--header" => {
                let v = next(&mut i)?;
                if let Some((k, val)) = v.split_once(':') {
                    o.headers
                        .push((k.trim().to_string(), val.trim().to_string()));
                }
            }
            "-A" | "--user-agent" => o.user_agent = next(&mut i)?,
            "-d" | "--data" | "--data-raw" => o.data = Some(next(&mut i)?),
            s if s.starts_with("--") => {
                out.err(&format!("curl: option {s}: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information\n"));
                return Err(2);
            }
            s if s.starts_with('-') && s.len() > 1 => {
                // combined short flags: -sS, -sv, -so file
                let chars: Vec<char> = s[1..].chars().collect();
                for (j, ch) in chars.iter().enumerate() {
                    match ch {
                        's' => o.silent = true,
                        'S' => o.show_error = true,
                        'v' => o.verbose = true,
                        'I' => o.head = true,
                        'i' => o.include = true,
                        'f' => o.fail = true,
                        'L' | 'k' | '4' => {}
                        'o' | 'w' | 'm' | 'X' | 'H' | 'A' | 'd' => {
                            let rest: String = chars[j + 1..].iter().collect();
                            let v = if rest.is_empty() { next(&mut i)? } else { rest };
                            match ch {
                                'o' => o.output = Some(v),
                                'w' => o.write_out = Some(v),
                                'm' => o.max_time = parse_secs(Some(&v)),
                                'X' => o.method = Some(v),
                                'H' => {
                                    if let Some((k, val)) = v.split_once(':') {
                                        o.headers
                                            .push((k.trim().to_string(), val.trim().to_string()));
                                    }
                                }
                                'A' => o.user_agent = v,
                                _ => o.data = Some(v),
                            }
                            break;
                        }
                        _ => {
                            out.err(&format!("curl: option -{ch}: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information\n"));
                            return Err(2);
                        }
                    }
                }
            }
            _ => o.urls.push(a.clone()),
        }
        i += 1;
    }
    Ok(o)
}

/// curl. `pod` is the pod it runs in (None on the learner's machine, where `term`
/// supplies port-forwards); `tty` whether its stdout is a terminal.
#[allow(clippy::too_many_arguments)]
pub fn curl(
    c: &mut Cluster,
    src: &Source,
    pod: Option<&Pod>,
    ns: &str,
    term: Option<&Terminal>,
    tty: bool,
    version: &'static str,
    args: &[String],
    out: &mut Output,
) -> i32 {
    let o = match curl_opts(args, version, out) {
        Ok(o) => o,
        Err(code) => return code,
    };
    if o.urls.is_empty() {
        out.err("curl: no URL specified\ncurl: try 'curl --help' or 'curl --manual' for more information\n");
        return 2;
    }
    let mut code = 0;
    for url in &o.urls {
        code = curl_one(c, src, pod, ns, term, tty, &o, url, out);
    }
    code
}

/// RFC 6761 names curl resolves itself (lib/hostip.c: "localhost" and names ending
/// in ".localhost").
fn is_curl_localhost(host: &str) -> bool {
    let h = host.strip_suffix('.').unwrap_or(host);
    h == "localhost" || h.ends_with(".localhost")
}

fn curl_err(o: &CurlOpts, out: &mut Output, code: i32, msg: &str) -> i32 {
    // lib/sendf.c Curl_failf: with -v the error is also a "* " line of the trace, and
    // the connection's end follows it (8.x "Closing connection", 7.x with its number).
    if o.verbose && matches!(code, 6 | 7 | 22 | 28) {
        let closing = if curl_7(o.version) {
            "* Closing connection 0\n"
        } else {
            "* Closing connection\n"
        };
        out.err(&format!("* {msg}\n{closing}"));
    }
    if !o.silent || o.show_error {
        out.err(&format!("curl: ({code}) {msg}\n"));
    }
    code
}

/// curl's progress meter (lib/progress.c), on stderr: shown unless `-s` or
/// `--no-progress-meter`, or when the body goes to a terminal. Each update starts with
/// `\r`, so a terminal shows the last one; only that is written here.
struct Meter {
    on: bool,
    start: i64,
}

const METER_HEAD: &str = "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n                                 Dload  Upload   Total   Spent    Left  Speed\n";

impl Meter {
    /// The meter's line after `ms` milliseconds, `got` of `size` bytes received
    /// (`size` from Content-Length; unknown sizes count what arrived as the total).
    fn line(ms: i64, size: Option<usize>, got: usize) -> String {
        let got = got as i64;
        let total = size.map_or(got, |s| s as i64);
        let pct = |cur: i64, of: i64| match of {
            0 => 0,
            of if of > 10_000 => cur / (of / 100),
            of => cur * 100 / of,
        };
        let speed = got * 1000 / ms.max(1);
        let spent = ms / 1000;
        format!(
            "{:>3} {}  {:>3} {}    0     0  {}      0 --:--:-- {} --:--:-- {}",
            pct(got, total),
            max5(total),
            size.map_or(0, |s| pct(got, s as i64)),
            max5(got),
            max5(speed),
            time2str(spent),
            max5(speed)
        )
    }

    /// The last update when the transfer fails: no newline, so curl's error message
    /// follows on the same line.
    fn fail(&self, now: i64, out: &mut Output, size: Option<usize>) {
        if self.on {
            out.err(&Meter::line(now - self.start, size, 0));
        }
    }

    fn done(&self, now: i64, out: &mut Output, size: Option<usize>, got: usize) {
        if self.on {
            out.err(&format!("{}\n", Meter::line(now - self.start, size, got)));
        }
    }
}

/// lib/progress.c `max5data`: a byte count in at most five columns.
fn max5(n: i64) -> String {
    const K: i64 = 1024;
    if n < 100_000 {
        format!("{n:>5}")
    } else if n < 10_000 * K {
        format!("{:>4}k", n / K)
    } else if n < 100 * K * K {
        format!("{:>2}.{}M", n / (K * K), n % (K * K) / (K * K / 10))
    } else {
        format!("{:>4}M", n / (K * K))
    }
}

/// lib/progress.c `time2str`: `H:MM:SS` in eight columns, `--:--:--` for none.
fn time2str(secs: i64) -> String {
    if secs <= 0 {
        return "--:--:--".into();
    }
    format!("{:>2}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
}

#[allow(clippy::too_many_arguments)]
fn curl_one(
    c: &mut Cluster,
    src: &Source,
    pod: Option<&Pod>,
    ns: &str,
    term: Option<&Terminal>,
    tty: bool,
    o: &CurlOpts,
    url: &str,
    out: &mut Output,
) -> i32 {
    let Some(u) = parse_url(url) else {
        return curl_err(o, out, 3, "URL rejected: Malformed input to a URL function");
    };
    if !matches!(u.scheme.as_str(), "http" | "https") {
        return curl_err(
            o,
            out,
            1,
            &format!("Protocol \"{}\" not supported", u.scheme),
        );
    }
    let start = c.now;
    let to_stdout = matches!(o.output.as_deref(), None | Some("-"));
    let meter = Meter {
        on: !(o.silent || o.no_meter || (to_stdout && tty)),
        start,
    };
    if meter.on {
        out.err(METER_HEAD);
        if o.verbose {
            // The first update is drawn before the name is resolved; -v lines follow it.
            out.err(&Meter::line(0, None, 0));
        }
    }
    let mut trace = Vec::new();
    let outside = matches!(src, Source::Outside);
    let host_l = u.host.to_ascii_lowercase();
    let local = host_l == "localhost" || host_l == "127.0.0.1" || host_l == "[::1]";
    // `kubectl proxy` listening there answers for the API server (kubectl/raw.rs).
    let api_proxy = outside && local && term.is_some_and(|t| t.api_proxy(u.port));
    // Where the TCP connection goes.
    let (ip, conn_src, dest_port) = if api_proxy {
        ("127.0.0.1".to_string(), Source::Outside, u.port)
    } else if outside {
        if local {
            match term.and_then(|t| t.forwarded(u.port)) {
                Some((fns, fpod, fport)) => {
                    // The running port-forward reports each connection on the terminal
                    // (client-go tools/portforward handleConnection), outside any pipe.
                    out.err(&format!("Handling connection for {}\n", u.port));
                    let k = Key::new("Pod", &fns, &fpod);
                    let pip = get_pod(c, &k).and_then(|p| net::pod_ip(&p).map(str::to_string));
                    match pip {
                        // kubectl port-forward connects to the pod's localhost port.
                        Some(_) => ("127.0.0.1".to_string(), Source::Pod(k), fport),
                        None => {
                            meter.fail(c.now, out, None);
                            return curl_err(o, out, 52, "Empty reply from server");
                        }
                    }
                }
                None => {
                    let ms = 0;
                    meter.fail(c.now, out, None);
                    return curl_err(o, out, 7, &format!("Failed to connect to {} port {} after {ms} ms: Could not connect to server", u.host, u.port));
                }
            }
        } else if dns::is_ipv4(&u.host) {
            (u.host.clone(), Source::Outside, u.port)
        } else {
            // The learner's resolver knows the public internet only.
            let r = dns::query(c, &u.host, RType::A);
            match r.addresses().first() {
                Some(ip) if !u.host.ends_with(".cluster.local") => {
                    (ip.clone(), Source::Outside, u.port)
                }
                _ => {
                    meter.fail(c.now, out, None);
                    return curl_err(o, out, 6, &format!("Could not resolve host: {}", u.host));
                }
            }
        }
    } else if is_curl_localhost(&host_l) {
        // lib/hostip.c get_localhost: curl answers "localhost" itself with ::1 and then
        // 127.0.0.1, and tries IPv6 first; the pod's loopback has both.
        ("::1".to_string(), src.clone(), u.port)
    } else {
        match resolve_in_pod(c, src, pod, ns, &u.host, &mut trace) {
            Ok(ips) => (
                ips.first().cloned().unwrap_or_default(),
                src.clone(),
                u.port,
            ),
            Err(ResolveError::NotFound) => {
                meter.fail(c.now, out, None);
                return curl_err(o, out, 6, &format!("Could not resolve host: {}", u.host));
            }
            Err(ResolveError::Timeout) => {
                c.advance(10_000);
                meter.fail(c.now, out, None);
                return curl_err(o, out, 6, &format!("Could not resolve host: {}", u.host));
            }
        }
    };
    if o.verbose {
        // 8.x brackets an IPv6 address in "Trying"; 7.88 printed it bare.
        let shown = if ip.contains(':') && !curl_7(o.version) {
            format!("[{ip}]")
        } else {
            ip.clone()
        };
        if !curl_7(o.version) {
            let (v6, v4) = if ip == "::1" {
                ("::1", "127.0.0.1".to_string())
            } else {
                ("(none)", ip.clone())
            };
            out.err(&format!(
                "* Host {}:{} was resolved.\n* IPv6: {v6}\n* IPv4: {v4}\n",
                u.host, u.port
            ));
        }
        out.err(&format!("*   Trying {shown}:{}...\n", u.port));
    }
    let conn = if api_proxy {
        None
    } else {
        Some(net::connect(c, &conn_src, &ip, dest_port, Proto::Tcp))
    };
    let peer = match conn.map(|c| c.outcome) {
        None => None,
        Some(Outcome::Connected(p)) => Some(p),
        Some(outcome @ (Outcome::Refused | Outcome::Unreachable)) => {
            let ms = c.now - start + 1 + c.rand_below(3) as i64;
            if o.verbose {
                // The happy eyeballer's attempts, one per address ("localhost" is ::1,
                // then 127.0.0.1); 8.x names the local end of each socket.
                let tries: &[&str] = if ip == "::1" {
                    &["::1", "127.0.0.1"]
                } else {
                    &[ip.as_str()]
                };
                for (n, addr) in tries.iter().enumerate() {
                    if n > 0 {
                        out.err(&format!("*   Trying {addr}:{}...\n", u.port));
                    }
                    if curl_7(o.version) {
                        out.err(&format!(
                            "* connect to {addr} port {} failed: Connection refused\n",
                            u.port
                        ));
                    } else {
                        let local = if addr.starts_with("127.") || *addr == "::1" {
                            addr.to_string()
                        } else {
                            net::source_addr(c, src).0
                        };
                        out.err(&format!(
                            "* connect to {addr} port {} from {local} port {} failed: Connection refused\n",
                            u.port,
                            30000 + c.rand_below(30000)
                        ));
                    }
                }
            }
            meter.fail(c.now, out, None);
            let why = if curl_7(o.version) {
                "Couldn't connect to server"
            } else {
                "Could not connect to server"
            };
            let msg = if curl_jessie(o.version) {
                let errno = match outcome {
                    Outcome::Unreachable => "No route to host",
                    _ => "Connection refused",
                };
                format!("Failed to connect to {} port {}: {errno}", u.host, u.port)
            } else {
                format!(
                    "Failed to connect to {} port {} after {ms} ms: {why}",
                    u.host, u.port
                )
            };
            let code = curl_err(o, out, 7, &msg);
            write_out(o, out, 0, &ip, code, url, 0);
            return code;
        }
        Some(Outcome::TimedOut) => {
            let limit = match (o.connect_timeout, o.max_time) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            let code = match limit {
                Some(secs) => {
                    let ms = (secs * 1000.0) as i64;
                    c.advance(ms);
                    let shown = c.now - start + 1 + c.rand_below(2) as i64;
                    meter.fail(c.now, out, None);
                    curl_err(
                        o,
                        out,
                        28,
                        &format!("Connection timed out after {shown} milliseconds"),
                    )
                }
                None => {
                    // Linux gives up after tcp_syn_retries=6 (about 2 min 15 s). curl
                    // (lib/connect.c) words the eyeballer's CURLE_COULDNT_CONNECT, then
                    // returns 28 because the socket's errno was ETIMEDOUT.
                    // The same strerror text as a refused connection: curl >= 8.9 says
                    // "Could not", 7.x and <= 8.8 "Couldn't".
                    let ms = 134_000 + c.rand_below(1000) as i64;
                    c.advance(ms);
                    meter.fail(c.now, out, None);
                    let why = if curl_7(o.version) {
                        "Couldn't connect to server"
                    } else {
                        "Could not connect to server"
                    };
                    let msg = if curl_jessie(o.version) {
                        format!(
                            "Failed to connect to {} port {}: Connection timed out",
                            u.host, u.port
                        )
                    } else {
                        format!(
                            "Failed to connect to {} port {} after {ms} ms: {why}",
                            u.host, u.port
                        )
                    };
                    curl_err(o, out, 28, &msg)
                }
            };
            write_out(o, out, 0, &ip, code, url, 0);
            return code;
        }
    };
    if o.verbose {
        if curl_7(o.version) {
            out.err(&format!(
                "* Connected to {} ({ip}) port {} (#0)\n",
                u.host, u.port
            ));
        } else {
            out.err(&format!(
                "* Connected to {} ({ip}) port {} \n* using HTTP/1.x\n",
                u.host, u.port
            ));
        }
    }
    if u.scheme == "https" {
        meter.fail(c.now, out, None);
        let code = curl_err(
            o,
            out,
            35,
            "OpenSSL/3.3.2: error:0A00010B:SSL routines::wrong version number",
        );
        write_out(o, out, 0, &ip, code, url, 0);
        return code;
    }
    let method = o.method.clone().unwrap_or_else(|| {
        if o.head {
            "HEAD".into()
        } else if o.data.is_some() {
            "POST".into()
        } else {
            "GET".into()
        }
    });
    let mut headers = vec![("Accept".to_string(), "*/*".to_string())];
    headers.extend(o.headers.iter().cloned());
    let req = HttpRequest {
        method: method.clone(),
        path: u.path.clone(),
        host: if u.port == 80 && !u.host_port.contains(':') {
            u.host.clone()
        } else {
            u.host_port.clone()
        },
        user_agent: o.user_agent.clone(),
        headers: headers.clone(),
        proto: "HTTP/1.1",
    };
    if o.verbose {
        out.err(&format!(
            "> {method} {} HTTP/1.1\n> Host: {}\n> User-Agent: {}\n",
            u.path, req.host, req.user_agent
        ));
        for (k, v) in &headers {
            out.err(&format!("> {k}: {v}\n"));
        }
        out.err(if curl_7(o.version) {
            "> \n"
        } else {
            "> \n* Request completely sent off\n"
        });
    }
    let resp: HttpResponse = match &peer {
        Some(peer) => net::apps::http(c, peer, &req),
        None => crate::term::kubectl::raw::serve(c, &u.path, &req.user_agent),
    };
    let head_text = {
        let mut s = format!("{}\r\n", resp.status_line());
        for (k, v) in &resp.headers {
            s.push_str(&format!("{k}: {v}\r\n"));
        }
        s.push_str("\r\n");
        s
    };
    if o.verbose {
        out.err(&format!("< {}\n", resp.status_line()));
        for (k, v) in &resp.headers {
            out.err(&format!("< {k}: {v}\n"));
        }
        out.err("< \n");
    }
    let size = resp
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok());
    if o.fail && resp.status >= 400 {
        meter.fail(c.now, out, size);
        let code = curl_err(
            o,
            out,
            22,
            &format!("The requested URL returned error: {}", resp.status),
        );
        write_out(o, out, resp.status, &ip, code, url, 0);
        return code;
    }
    let mut body = String::new();
    if o.head || o.include {
        body.push_str(&head_text);
    }
    if !o.head {
        body.push_str(&resp.body);
    }
    // tool_cb_dbg.c: -v notes the body as `{ [N bytes data]` unless it goes to a
    // terminal (it never does inside `kubectl exec` without -t: stdout is a pipe there).
    let shown_on_terminal = to_stdout && tty;
    if o.verbose && !resp.body.is_empty() && !o.head && !shown_on_terminal {
        out.err(&format!("{{ [{} bytes data]\n", resp.body.len()));
    }
    // The meter's last update goes out while the transfer ends; the body, buffered on
    // a pipe, when curl exits.
    let got = if o.head { 0 } else { resp.body.len() };
    meter.done(c.now, out, size, got);
    let intact = format!("* Connection #0 to host {} left intact\n", u.host);
    if o.verbose && !tty {
        // stdout is a pipe: the body waits in its buffer until curl exits.
        out.err(&intact);
    }
    match o.output.as_deref() {
        None | Some("-") => out.out(&body),
        Some("/dev/null") => {}
        Some(path) => {
            if let Some(p) = pod {
                let k = Key::new(
                    "Pod",
                    p.metadata.namespace.as_deref().unwrap_or(""),
                    p.metadata.name.as_deref().unwrap_or(""),
                );
                c.net.files.insert((k, abs_path(path)), body.clone());
            }
        }
    }
    if o.verbose && tty {
        out.err(&intact);
    }
    write_out(o, out, resp.status, &ip, 0, url, got);
    0
}

#[allow(clippy::too_many_arguments)]
fn write_out(
    o: &CurlOpts,
    out: &mut Output,
    status: u16,
    ip: &str,
    exit: i32,
    url: &str,
    downloaded: usize,
) {
    let Some(fmt) = &o.write_out else { return };
    let mut s = String::new();
    let mut rest = fmt.as_str();
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("%{") {
            if let Some(end) = r.find('}') {
                let var = &r[..end];
                let val = match var {
                    "http_code" | "response_code" => format!("{status:03}"),
                    "remote_ip" => {
                        if status == 0 && exit != 0 {
                            String::new()
                        } else {
                            ip.to_string()
                        }
                    }
                    "exitcode" => exit.to_string(),
                    "url_effective" | "url" => url.to_string(),
                    "time_total" | "time_connect" | "time_namelookup" => "0.003000".into(),
                    "size_download" => downloaded.to_string(),
                    _ => String::new(),
                };
                s.push_str(&val);
                rest = &r[end + 1..];
                continue;
            }
        }
        if let Some(r) = rest.strip_prefix("\\n") {
            s.push('\n');
            rest = r;
            continue;
        }
        if let Some(r) = rest.strip_prefix("\\t") {
            s.push('\t');
            rest = r;
            continue;
        }
        if let Some(r) = rest.strip_prefix("%%") {
            s.push('%');
            rest = r;
            continue;
        }
        let ch = rest.chars().next().unwrap_or(' ');
        s.push(ch);
        rest = &rest[ch.len_utf8()..];
    }
    out.out(&s);
}

/// `curl` typed at the top prompt: the learner's machine reaches node IPs, NodePorts,
/// LoadBalancer IPs and port-forwarded localhost ports.
pub fn curl_from_outside(
    cluster: &mut Cluster,
    term: &mut Terminal,
    args: &[String],
    env: &Env,
    out: &mut Output,
) -> i32 {
    let _ = env;
    let ns = term.namespace.clone();
    // The learner's own terminal.
    curl(
        cluster,
        &Source::Outside,
        None,
        &ns,
        Some(term),
        !out.piped,
        CURL_VERSION,
        args,
        out,
    )
}
