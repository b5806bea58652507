//! What the kubelet needs to know about an image: can it be pulled, what does its
//! process do (serve, exit at once, ignore SIGTERM), which tools are inside. The
//! data plane (`net::apps`) answers requests for the images that serve something.

/// How a container built from an image behaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageProfile {
    /// The playground knows this image and models it faithfully.
    pub known: bool,
    /// The registry would refuse the pull (a near-miss of a known name).
    pub pull_fails: bool,
    /// The process exits at once when the container has no command (busybox, alpine).
    pub exits_without_command: bool,
    /// The process stops promptly on SIGTERM (nginx, agnhost); `sleep` as PID 1 does not.
    pub exits_on_sigterm: bool,
    /// The image has a shell and busybox applets (`sh`, `wget`, `nslookup`).
    pub has_busybox: bool,
    /// The image has curl.
    pub has_curl: bool,
    /// The image has a POSIX shell (`sh`).
    pub has_shell: bool,
}

/// Splits `registry/repo:tag@digest` into the bare repository name (last path part) and tag.
pub fn parse_image(image: &str) -> (String, String) {
    let no_digest = image.split('@').next().unwrap_or(image);
    let last = no_digest.rsplit('/').next().unwrap_or(no_digest);
    match last.split_once(':') {
        Some((repo, tag)) => (repo.to_string(), tag.to_string()),
        None => (last.to_string(), "latest".to_string()),
    }
}

/// The repository part of [`parse_image`], borrowed.
pub fn image_repo(image: &str) -> &str {
    let no_digest = image.split('@').next().unwrap_or(image);
    let last = no_digest.rsplit('/').next().unwrap_or(no_digest);
    last.split_once(':').map_or(last, |(repo, _)| repo)
}

const KNOWN: &[&str] = &[
    "nginx",
    "agnhost",
    "http-echo",
    "whoami",
    "httpd",
    "busybox",
    "busyboxplus",
    "alpine",
    "curl",
    "pause",
    "coredns",
    "etcd",
    "kube-apiserver",
    "kube-controller-manager",
    "kube-scheduler",
    "kube-proxy",
    "kindnetd",
    "local-path-provisioner",
    "ubuntu",
    "debian",
    "netshoot",
];

/// Levenshtein distance, bounded to short names (image names are short; longer input is
/// compared on its first 64 characters only).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().take(64).collect();
    let b: Vec<char> = b.chars().take(64).collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

pub fn profile(image: &str) -> ImageProfile {
    let (repo, _tag) = parse_image(image);
    let known = KNOWN.contains(&repo.as_str());
    // A near-miss of a known image (`ngnix`, `nginix`) does not exist in the registry.
    let pull_fails = !known
        && KNOWN
            .iter()
            .any(|k| k.len() >= 4 && distance(&repo, k) <= 2 && distance(&repo, k) > 0);
    let busybox_like = matches!(
        repo.as_str(),
        "busybox" | "busyboxplus" | "alpine" | "ubuntu" | "debian"
    );
    ImageProfile {
        known,
        pull_fails,
        exits_without_command: busybox_like,
        exits_on_sigterm: !busybox_like,
        // nginx and httpd are Debian-based: a shell and (nginx) curl, but no busybox applets.
        has_busybox: matches!(
            repo.as_str(),
            "busybox" | "busyboxplus" | "alpine" | "agnhost" | "curl" | "netshoot"
        ),
        // radial/busyboxplus:curl, from the Kubernetes Services tutorial, adds curl.
        has_curl: matches!(repo.as_str(), "curl" | "netshoot" | "nginx" | "busyboxplus"),
        has_shell: !matches!(repo.as_str(), "http-echo" | "whoami" | "pause" | "coredns"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_misses_fail_to_pull() {
        assert!(profile("ngnix:1.27").pull_fails);
        assert!(profile("nginix").pull_fails);
        assert!(!profile("nginx:1.27").pull_fails);
        assert!(!profile("registry.k8s.io/e2e-test-images/agnhost:2.39").pull_fails);
        assert!(!profile("mycompany/shop-frontend:v3").pull_fails);
    }

    #[test]
    fn parses_names() {
        assert_eq!(
            parse_image("registry.k8s.io/e2e-test-images/agnhost:2.39"),
            ("agnhost".into(), "2.39".into())
        );
        assert_eq!(parse_image("nginx"), ("nginx".into(), "latest".into()));
    }
}
