//! Readiness/liveness probes answered by the simulated applications, through `connect`.
//! Messages: k/k `pkg/probe/http/http.go`, `pkg/probe/tcp/tcp.go`, `pkg/probe/exec`.

use k8s_openapi::api::core::v1::{Container, Pod, Probe};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::apps::HttpRequest;
use super::{connect, Outcome, Proto, Source};
use crate::cluster::{Cluster, Key};

fn resolve_port(ct: &Container, p: &IntOrString) -> Option<i32> {
    match p {
        IntOrString::Int(n) => Some(*n),
        IntOrString::String(s) => match s.parse::<i32>() {
            Ok(n) => Some(n),
            Err(_) => ct
                .ports
                .iter()
                .flatten()
                .find(|cp| cp.name.as_deref() == Some(s.as_str()))
                .map(|cp| cp.container_port),
        },
    }
}

/// The kubelet's prober (installed as `Cluster.prober`). `Err` is the kubelet's message.
pub fn probe(c: &mut Cluster, pod: &Pod, ct: &Container, pr: &Probe) -> Result<(), String> {
    let ns = pod.metadata.namespace.clone().unwrap_or_default();
    let name = pod.metadata.name.clone().unwrap_or_default();
    let key = Key::new("Pod", &ns, &name);
    let ip = super::pod_ip(pod).unwrap_or("").to_string();
    let node = super::pod_node(pod).unwrap_or("").to_string();
    let timeout = i64::from(pr.timeout_seconds.unwrap_or(1).max(1));
    if let Some(h) = &pr.http_get {
        let Some(port) = resolve_port(ct, &h.port) else {
            return Err(format!("unable to find port {:?}", h.port));
        };
        let host = h.host.clone().unwrap_or_else(|| ip.clone());
        let scheme = h
            .scheme
            .clone()
            .unwrap_or_else(|| "HTTP".into())
            .to_ascii_lowercase();
        let path = h.path.clone().unwrap_or_else(|| "/".into());
        let path = if path.starts_with('/') {
            path
        } else {
            format!("/{path}")
        };
        let url = format!("{scheme}://{host}:{port}{path}");
        let conn = connect(c, &Source::Node(node), &host, port, Proto::Tcp);
        return match conn.outcome {
            Outcome::Connected(peer) => {
                let req = HttpRequest::get(
                    &path,
                    format!("{host}:{port}"),
                    "kube-probe/1.33",
                    ("Accept", "*/*"),
                );
                let r = super::apps::http(c, &peer, &req);
                if (200..400).contains(&r.status) {
                    Ok(())
                } else {
                    Err(format!("HTTP probe failed with statuscode: {}", r.status))
                }
            }
            Outcome::Refused => Err(format!("Get \"{url}\": dial tcp {host}:{port}: connect: connection refused")),
            Outcome::Unreachable => Err(format!("Get \"{url}\": dial tcp {host}:{port}: connect: no route to host")),
            Outcome::TimedOut => Err(format!(
                "Get \"{url}\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)"
            )),
        };
    }
    if let Some(t) = &pr.tcp_socket {
        let Some(port) = resolve_port(ct, &t.port) else {
            return Err(format!("unable to find port {:?}", t.port));
        };
        let host = t.host.clone().unwrap_or_else(|| ip.clone());
        let conn = connect(c, &Source::Node(node), &host, port, Proto::Tcp);
        return match conn.outcome {
            Outcome::Connected(_) => Ok(()),
            Outcome::Refused => Err(format!(
                "dial tcp {host}:{port}: connect: connection refused"
            )),
            Outcome::Unreachable => {
                Err(format!("dial tcp {host}:{port}: connect: no route to host"))
            }
            Outcome::TimedOut => Err(format!("dial tcp {host}:{port}: i/o timeout")),
        };
    }
    if let Some(e) = &pr.exec {
        let argv = e.command.clone().unwrap_or_default();
        if argv.is_empty() {
            return Ok(());
        }
        let (out, code) = crate::term::pod::exec_in_pod(c, &key, &ct.name, &argv, "", false);
        let _ = timeout;
        return if code == 0 {
            Ok(())
        } else {
            Err(out.combined())
        };
    }
    if pr.grpc.is_some() {
        let conn = connect(
            c,
            &Source::Node(node),
            &ip,
            pr.grpc.as_ref().map_or(0, |g| g.port),
            Proto::Tcp,
        );
        return match conn.outcome {
            Outcome::Connected(_) => Ok(()),
            _ => Err(format!("timeout: failed to connect service \"{ip}:{}\" within {timeout}s: context deadline exceeded", pr.grpc.as_ref().map_or(0, |g| g.port))),
        };
    }
    Ok(())
}
