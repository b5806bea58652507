//! Export: the scenario as one YAML file for a real cluster. The manifests the learner
//! applied (in order), and at the top, as comments, the kubectl commands that
//! reproduce the scenario on kind or minikube.

use super::log::Scenario;
use super::world::{Setting, Step, TrafficSource};
use crate::cluster::ProxyMode;

/// The file `kubeplay.yaml`: comments with the commands, then every applied manifest.
pub fn export_yaml(s: &Scenario) -> String {
    let mut out = String::from(
        "# Exported from kubeplay, a Kubernetes Services playground.\n\
         #\n\
         # Run this on a real cluster:\n\
         #   kind create cluster --name kubeplay      (or: minikube start)\n\
         #   kubectl apply -f kubeplay.yaml\n\
         #\n\
         # The scenario, step by step (pod names and IPs differ on a real cluster):\n",
    );
    let mut manifests: Vec<&str> = Vec::new();
    let mut n = 0;
    for step in &s.steps {
        n += 1;
        let line = match step {
            Step::Apply { text } => {
                if !manifests.contains(&text.as_str()) {
                    manifests.push(text);
                }
                "kubectl apply -f kubeplay.yaml".to_string()
            }
            Step::Command { line } => line.lines().next().unwrap_or("").to_string(),
            Step::KillPod { namespace, name } => {
                format!("kubectl delete pod {name} -n {namespace} --wait=false")
            }
            Step::Scale {
                namespace,
                name,
                replicas,
            } => format!("kubectl scale deployment {name} -n {namespace} --replicas={replicas}"),
            Step::Setting(Setting::LoadBalancerController(true)) => {
                "# load balancers: install MetalLB on kind, or run `minikube tunnel`".to_string()
            }
            Step::Setting(Setting::LoadBalancerController(false)) => {
                "# load balancers: off (the default on kind and minikube)".to_string()
            }
            Step::Setting(Setting::ProxyMode(m)) => format!(
                "# kube-proxy mode: {} (kind: networking.kubeProxyMode in the cluster config)",
                match m {
                    ProxyMode::Iptables => "iptables",
                    ProxyMode::Ipvs => "ipvs",
                    ProxyMode::Nftables => "nftables",
                }
            ),
            Step::SendTraffic {
                from,
                namespace,
                service,
                count,
            } => match from {
                TrafficSource::Pod {
                    namespace: pns,
                    name,
                } => format!(
                    "kubectl exec {name} -n {pns} -- sh -c 'for i in $(seq {count}); do wget -qO- http://{service}.{namespace}; done'"
                ),
                TrafficSource::Outside => format!(
                    "# send {count} requests to Service {service} from your machine (its NodePort or external IP)"
                ),
            },
            Step::Advance { .. } => {
                n -= 1;
                continue;
            }
        };
        out.push_str(&format!("#   {n:>2}. {line}\n"));
    }
    if n == 0 {
        out.push_str("#   (nothing yet)\n");
    }
    let mut docs = Vec::new();
    for text in manifests {
        let t = text.trim();
        let t = t.strip_prefix("---").unwrap_or(t).trim_start_matches('\n');
        if !t.trim().is_empty() {
            docs.push(t.trim_end().to_string());
        }
    }
    if docs.is_empty() {
        if let Some(editor) = s.editor.as_deref().filter(|e| !e.trim().is_empty()) {
            out.push_str("# Nothing was applied yet; this is the editor's text:\n");
            docs.push(editor.trim_end().to_string());
        }
    }
    for d in docs {
        out.push_str("---\n");
        out.push_str(&d);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::lessons::NGINX;

    #[test]
    fn export_has_manifests_and_commands() {
        let mut s = Scenario::new(1);
        s.push(Step::Apply { text: NGINX.into() });
        s.push(Step::Advance { ms: 3000 });
        s.push(Step::Command {
            line: "kubectl get pods".into(),
        });
        s.push(Step::Apply { text: NGINX.into() });
        s.push(Step::Setting(Setting::LoadBalancerController(true)));
        let y = export_yaml(&s);
        assert!(y.contains("kind create cluster"));
        assert!(y.contains("#    1. kubectl apply -f kubeplay.yaml\n#    2. kubectl get pods\n"));
        assert!(y.contains("MetalLB"));
        assert_eq!(y.matches("kind: Deployment").count(), 1, "{y}");
        // Every document parses as a manifest again.
        let docs = crate::manifest::parse(&y, "kubeplay.yaml");
        assert_eq!(docs.len(), 2);
        assert!(docs.iter().all(|d| d.result.is_ok()));
    }
}
