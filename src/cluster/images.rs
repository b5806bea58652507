//! What the kubelet needs to know about an image: can it be pulled, what does its
//! process do (serve, exit at once, ignore SIGTERM), which tools are inside. The
//! data plane (`net::apps`) answers requests for the images that serve something.

/// How a container built from an image behaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageProfile {
    /// The playground knows this image and models it faithfully.
    pub known: bool,
    /// The registry would refuse the pull (a near-miss of a known name, or a tag the
    /// known repository does not have).
    pub pull_fails: bool,
    /// The repository exists but not this tag (`nginx:1.161`): containerd's "not found".
    pub tag_missing: bool,
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

/// The repository path of an image without registry-default prefixes, tag or digest:
/// `docker.io/kicbase/echo-server:1.0` -> `kicbase/echo-server`.
pub fn image_path(image: &str) -> &str {
    let no_digest = image.split('@').next().unwrap_or(image);
    let slash = no_digest.rfind('/').map_or(0, |i| i + 1);
    let no_tag = match no_digest[slash..].find(':') {
        Some(i) => &no_digest[..slash + i],
        None => no_digest,
    };
    let no_registry = no_tag.strip_prefix("docker.io/").unwrap_or(no_tag);
    no_registry.strip_prefix("library/").unwrap_or(no_registry)
}

/// The demo servers of the official tutorials, which the playground serves as the real
/// images do (`net::apps`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Demo {
    /// gcr.io/google-samples/hello-app (GoogleCloudPlatform/kubernetes-engine-samples
    /// quickstarts/hello-app): a static Go binary on distroless, no shell.
    HelloApp,
    /// registry.k8s.io/echoserver (kubernetes/ingress-nginx images/echoheaders, 1.4 from
    /// kubernetes/contrib ingress/echoheaders): nginx with lua on a Debian-like base.
    EchoServer,
    /// kicbase/echo-server (minikube's fork of jmalloc/echo-server): `FROM scratch`.
    KicbaseEcho,
    /// nginxdemos/hello (nginxinc/NGINX-Demos nginx-hello): nginx:mainline-alpine.
    NginxHello,
    /// gcr.io/google-samples/node-hello (nodejs-docs-samples containerengine/hello-world):
    /// `FROM node:4`, Debian jessie with curl, `CMD node server.js` in shell form.
    NodeHello,
}

/// Which tutorial demo server an image is, if any.
pub fn demo(image: &str) -> Option<Demo> {
    match image_repo(image) {
        "hello-app" => return Some(Demo::HelloApp),
        "echoserver" => return Some(Demo::EchoServer),
        "node-hello" => return Some(Demo::NodeHello),
        _ => {}
    }
    match image_path(image) {
        "kicbase/echo-server" => Some(Demo::KicbaseEcho),
        "nginxdemos/hello" => Some(Demo::NginxHello),
        _ => None,
    }
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
    "jessie-dnsutils",
    "dnsutils",
    "serve_hostname",
    "hello-app",
    "echoserver",
    "echo-server",
    "node-hello",
    "kubernetes-bootcamp",
];

/// The Kubernetes Basics tutorial's images and the tags their registries have:
/// google-samples has only v1 (the tutorial's failed rollout pulls v10), jocatalin's
/// Docker Hub copy v1 and v2; the old tutorial's k8s-minikube repository is gone.
const BOOTCAMP_TAGS: &[(&str, &[&str])] = &[
    ("gcr.io/google-samples/kubernetes-bootcamp", &["v1"]),
    ("docker.io/jocatalin/kubernetes-bootcamp", &["v1", "v2"]),
    ("jocatalin/kubernetes-bootcamp", &["v1", "v2"]),
    ("gcr.io/k8s-minikube/kubernetes-bootcamp", &[]),
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

/// The shape of an official repository's published tags: words (`latest`), a major
/// version with a range of minors and at most `max_patch` patch releases (`None`: no patch
/// part), and variant suffixes (`1.27-alpine`, `stable-alpine-perl`, `1.27-alpine3.20`).
struct TagSet {
    repo: &'static str,
    words: &'static [&'static str],
    major: u32,
    minors: std::ops::RangeInclusive<u32>,
    max_patch: Option<u32>,
    variants: &'static [&'static str],
}

const TAG_SETS: &[TagSet] = &[
    // docker-library/nginx: 1.7 to 1.29.
    TagSet {
        repo: "nginx",
        words: &["latest", "stable", "mainline", "1"],
        major: 1,
        minors: 7..=29,
        max_patch: Some(15),
        variants: &["alpine", "perl", "slim", "bookworm", "otel"],
    },
    // docker-library/busybox: 1.21 to 1.37 and the libc variants.
    TagSet {
        repo: "busybox",
        words: &["latest", "stable", "unstable", "1"],
        major: 1,
        minors: 21..=37,
        max_patch: Some(5),
        variants: &["musl", "glibc", "uclibc"],
    },
    // docker-library/alpine: 3.x up to 3.22.
    TagSet {
        repo: "alpine",
        words: &["latest", "edge", "3"],
        major: 3,
        minors: 0..=22,
        max_patch: Some(20),
        variants: &[],
    },
    // registry.k8s.io/e2e-test-images/agnhost: 2.x.
    TagSet {
        repo: "agnhost",
        words: &[],
        major: 2,
        minors: 0..=56,
        max_patch: None,
        variants: &[],
    },
];

/// Whether a known repository has `tag`, judged by its [`TagSet`]. Repositories the
/// playground does not model in detail accept every tag.
fn tag_exists(repo: &str, tag: &str) -> bool {
    let Some(set) = TAG_SETS.iter().find(|s| s.repo == repo) else {
        return true;
    };
    // `1.27`, `1.27.5`: (major, minor, patch) if the text is a dotted version.
    let version = |v: &str| -> Option<(u32, u32, Option<u32>)> {
        let mut parts = v.split('.');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next()?.parse().ok()?;
        let patch = match parts.next() {
            Some(p) => Some(p.parse().ok()?),
            None => None,
        };
        parts.next().is_none().then_some((major, minor, patch))
    };
    let (base, variant) = tag.split_once('-').unwrap_or((tag, ""));
    let base_ok = set.words.contains(&base)
        || set.variants.contains(&base)
        || version(base).is_some_and(|(major, minor, patch)| {
            major == set.major
                && set.minors.contains(&minor)
                && match (patch, set.max_patch) {
                    (None, _) => true,
                    (Some(p), Some(max)) => p <= max,
                    (Some(_), None) => false,
                }
        });
    let variant_ok = variant.is_empty()
        || variant.split('-').all(|part| {
            set.variants.contains(&part)
                || (set.variants.contains(&"alpine")
                    && part
                        .strip_prefix("alpine")
                        .is_some_and(|v| version(v).is_some()))
        });
    base_ok && variant_ok
}

/// Whether kind's node image ships `image` (its own components: the control plane's,
/// kube-proxy, kindnetd, CoreDNS, pause, local-path-provisioner and its helper), so no
/// node pulls it; any other image is pulled by the first container start on a node.
pub fn preloaded(image: &str) -> bool {
    matches!(
        image_repo(image),
        "pause"
            | "coredns"
            | "etcd"
            | "kube-apiserver"
            | "kube-controller-manager"
            | "kube-scheduler"
            | "kube-proxy"
            | "kindnetd"
            | "local-path-provisioner"
            | "local-path-helper"
    )
}

/// The size containerd reports for a pulled image (compressed layers, linux/amd64), as
/// the kubelet's "Image size: N bytes." prints it: close to the real images' sizes for
/// the ones the playground knows; other images get a stable size from their name.
pub fn size_bytes(image: &str) -> u64 {
    let (repo, tag) = parse_image(image);
    let alpine_variant = tag.contains("alpine");
    match repo.as_str() {
        "nginx" if alpine_variant => 21_541_329,
        "nginx" => 72_223_946,
        "httpd" => 58_174_520,
        "busybox" => 2_155_577,
        "busyboxplus" => 4_981_377,
        "alpine" => 3_653_068,
        "curl" => 10_240_513,
        "agnhost" => 51_364_212,
        "http-echo" => 3_556_198,
        "whoami" => 3_248_615,
        "netshoot" => 209_734_583,
        "ubuntu" => 29_754_290,
        "debian" => 48_494_272,
        "jessie-dnsutils" | "dnsutils" => 112_491_584,
        // A kubelet's "Image size: 83642968 bytes." for v1.
        "kubernetes-bootcamp" => 83_642_968,
        _ => {
            let h = crate::scenario::log::fnv1a(image.as_bytes());
            20_000_000 + h % 80_000_000
        }
    }
}

/// echoserver up to 1.4 (kubernetes/contrib ingress/echoheaders) prints the old
/// `CLIENT VALUES:` page and runs nginx as PID 1; 1.10 (ingress-nginx
/// images/echoheaders) the `Hostname:` template, started by run.sh.
pub fn echoserver_1_4(tag: &str) -> bool {
    let mut parts = tag.split('.');
    matches!(
        (parts.next(), parts.next().and_then(|m| m.parse::<u32>().ok())),
        (Some("1"), Some(m)) if m <= 4
    )
}

pub fn profile(image: &str) -> ImageProfile {
    let (repo, tag) = parse_image(image);
    let known = KNOWN.contains(&repo.as_str());
    // Only the official repositories have the tag sets `tag_exists` knows
    // (`bitnami/nginx` is someone else's).
    let official = match image.split(['@', ':']).next().unwrap_or(image) {
        "registry.k8s.io/e2e-test-images/agnhost" => true,
        path => ["", "library/", "docker.io/library/"]
            .iter()
            .any(|prefix| path.strip_prefix(prefix) == Some(repo.as_str())),
    };
    let path = image.split(['@', ':']).next().unwrap_or(image);
    let tag_missing = match BOOTCAMP_TAGS.iter().find(|(p, _)| *p == path) {
        Some((_, tags)) => !tags.contains(&tag.as_str()),
        None => known && official && !tag_exists(&repo, &tag),
    };
    // A near-miss of a known image (`ngnix`, `nginix`) does not exist in the registry.
    let pull_fails = tag_missing
        || !known
            && KNOWN
                .iter()
                .any(|k| k.len() >= 4 && distance(&repo, k) <= 2 && distance(&repo, k) > 0);
    // Their default command is a shell, which ends at once on the empty stdin of a
    // container without `stdin: true` (netshoot's CMD is zsh) and, as PID 1, ignores
    // SIGTERM.
    let demo = demo(image);
    let busybox_like = matches!(
        repo.as_str(),
        "busybox"
            | "busyboxplus"
            | "alpine"
            | "ubuntu"
            | "debian"
            | "jessie-dnsutils"
            | "dnsutils"
            | "netshoot"
    );
    ImageProfile {
        known,
        pull_fails,
        tag_missing,
        exits_without_command: busybox_like,
        // The bootcamp's node (PID 1) has no SIGTERM handler: it waits for the kill.
        // echoserver 1.10's entrypoint is run.sh, a bash script that starts nginx as its
        // child: bash as PID 1 ignores SIGTERM (1.4 runs nginx itself); node-hello's
        // shell-form CMD leaves jessie's dash as PID 1.
        exits_on_sigterm: !busybox_like
            && repo != "kubernetes-bootcamp"
            && (demo != Some(Demo::EchoServer) || echoserver_1_4(&tag))
            && demo != Some(Demo::NodeHello),
        // nginx and httpd are Debian-based: a shell and (nginx) curl, but no busybox applets.
        // nginxdemos/hello is nginx:mainline-alpine.
        has_busybox: matches!(
            repo.as_str(),
            "busybox" | "busyboxplus" | "alpine" | "agnhost" | "curl" | "netshoot"
        ) || demo == Some(Demo::NginxHello),
        // radial/busyboxplus:curl, from the Kubernetes Services tutorial, adds curl.
        // The bootcamp is node:6.3.1, on buildpack-deps:jessie (bash, curl).
        has_curl: matches!(
            repo.as_str(),
            "curl" | "netshoot" | "nginx" | "busyboxplus" | "kubernetes-bootcamp"
        ) || matches!(demo, Some(Demo::NginxHello | Demo::NodeHello)),
        // hello-app is distroless, kicbase/echo-server `FROM scratch`.
        has_shell: !matches!(repo.as_str(), "http-echo" | "whoami" | "pause" | "coredns")
            && !matches!(demo, Some(Demo::HelloApp | Demo::KicbaseEcho)),
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
    fn tags_a_known_repository_does_not_have_fail_to_pull() {
        // The Deployments page's failed rollout: nginx:1.161 does not exist.
        for missing in [
            "nginx:1.161",
            "nginx:doesnotexist",
            "busybox:1.99",
            "alpine:4.1",
        ] {
            let p = profile(missing);
            assert!(p.pull_fails && p.tag_missing, "{missing}");
        }
        for present in [
            "nginx",
            "nginx:1.14.2",
            "nginx:1",
            "nginx:1.27-alpine",
            "nginx:stable-alpine-perl",
            "nginx:1.27.3-alpine3.20",
            "busybox:1.28",
            "busybox:1.36.1-musl",
            "alpine:3.22",
            "registry.k8s.io/e2e-test-images/agnhost:2.39",
            "curlimages/curl:8.10.1",
            "mycompany/shop-frontend:v3",
        ] {
            assert!(!profile(present).pull_fails, "{present}");
        }
        assert!(!profile("ngnix:1.27").tag_missing);
        assert!(!profile("bitnami/nginx:nope").pull_fails);
        assert!(profile("docker.io/library/nginx:1.161").tag_missing);
    }

    #[test]
    fn the_bootcamp_repositories_have_their_own_tags() {
        // Kubernetes Basics: v1 from google-samples, v2 from jocatalin, and the failed
        // rollout's v10 ("not found").
        for (image, missing) in [
            ("gcr.io/google-samples/kubernetes-bootcamp:v1", false),
            ("docker.io/jocatalin/kubernetes-bootcamp:v2", false),
            ("jocatalin/kubernetes-bootcamp:v1", false),
            ("gcr.io/google-samples/kubernetes-bootcamp:v10", true),
            ("gcr.io/google-samples/kubernetes-bootcamp:v2", true),
            ("gcr.io/k8s-minikube/kubernetes-bootcamp:v1", true),
        ] {
            let p = profile(image);
            assert_eq!((p.tag_missing, p.pull_fails), (missing, missing), "{image}");
        }
        let p = profile("gcr.io/google-samples/kubernetes-bootcamp:v1");
        assert!(p.known && p.has_shell && p.has_curl && !p.has_busybox && !p.exits_on_sigterm);
    }

    #[test]
    fn tutorial_demo_images() {
        assert_eq!(
            demo("gcr.io/google-samples/hello-app:1.0"),
            Some(Demo::HelloApp)
        );
        assert_eq!(
            demo("us-docker.pkg.dev/google-samples/containers/gke/hello-app:2.0"),
            Some(Demo::HelloApp)
        );
        assert_eq!(
            demo("registry.k8s.io/echoserver:1.10"),
            Some(Demo::EchoServer)
        );
        assert_eq!(
            demo("docker.io/kicbase/echo-server:1.0"),
            Some(Demo::KicbaseEcho)
        );
        assert_eq!(demo("nginxdemos/hello:plain-text"), Some(Demo::NginxHello));
        assert_eq!(demo("hello-world"), None);
        assert_eq!(
            image_path("docker.io/library/nginx:1.27@sha256:ab"),
            "nginx"
        );
        assert_eq!(image_path("localhost:5000/a/b:1"), "localhost:5000/a/b");
        // Distroless and scratch: no shell; nginx:alpine: busybox; nginx-slim: a shell.
        let hello = profile("gcr.io/google-samples/hello-app:1.0");
        assert!(!hello.has_shell && !hello.pull_fails && hello.exits_on_sigterm);
        assert!(!profile("kicbase/echo-server:1.0").has_shell);
        let demo_nginx = profile("nginxdemos/hello:plain-text");
        assert!(demo_nginx.has_busybox && demo_nginx.has_shell);
        let echo = profile("registry.k8s.io/echoserver:1.10");
        assert!(echo.has_shell && !echo.has_busybox && !echo.has_curl);
        // run.sh (bash, PID 1) ignores SIGTERM; 1.4 runs nginx itself.
        assert!(!echo.exits_on_sigterm);
        assert!(profile("k8s.gcr.io/echoserver:1.4").exits_on_sigterm);
        // node:4 (Debian jessie, curl); sh -c "node server.js" as PID 1.
        let node = profile("gcr.io/google-samples/node-hello:1.0");
        assert_eq!(
            demo("gcr.io/google-samples/node-hello:1.0"),
            Some(Demo::NodeHello)
        );
        assert!(node.has_shell && node.has_curl && !node.has_busybox && !node.exits_on_sigterm);
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
