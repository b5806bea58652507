//! Scenario log, replay, share links and lessons.

use super::lessons::{do_step, Ctx, Do, Progress, LESSONS, NGINX};
use super::link::{decode_link, encode_link, LinkError, MAX_LINK_LEN};
use super::log::{replay, Scenario, SIM_VERSION};
use super::world::{Setting, Step, TrafficSource, World};
use crate::api::Object;
use crate::cluster::ProxyMode;

/// The lesson scenario: nginx Deployment + Service applied, one pod killed.
fn lesson_scenario() -> Scenario {
    let mut s = Scenario::new(1);
    s.push(Step::Apply { text: NGINX.into() });
    for _ in 0..10 {
        s.push(Step::Advance { ms: 500 });
    }
    let world = replay(&s);
    let pod = world
        .cluster
        .store
        .list_ns("Pod", "default")
        .map(|o| o.name().to_string())
        .next()
        .unwrap_or_default();
    s.push(Step::KillPod {
        namespace: "default".into(),
        name: pod,
    });
    s.push(Step::Advance { ms: 3000 });
    s.push(Step::Command {
        line: "kubectl get pods -o wide".into(),
    });
    s.editor = Some(NGINX.into());
    s
}

fn ten_objects() -> Scenario {
    let mut s = Scenario::new(7);
    let mut text = String::new();
    for name in ["web", "api", "cart", "search", "auth"] {
        text.push_str(&format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  labels:\n    app: {name}\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: {name}\n  template:\n    metadata:\n      labels:\n        app: {name}\n        tier: backend\n    spec:\n      containers:\n      - name: {name}\n        image: nginx:1.27\n        ports:\n        - containerPort: 80\n          name: http\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  type: NodePort\n  selector:\n    app: {name}\n  ports:\n  - port: 80\n    targetPort: http\n---\n"
        ));
    }
    s.push(Step::Apply { text: text.clone() });
    s.push(Step::Advance { ms: 5000 });
    s.push(Step::Command {
        line: "kubectl get svc".into(),
    });
    s.push(Step::Scale {
        namespace: "default".into(),
        name: "web".into(),
        replicas: 4,
    });
    s.push(Step::Setting(Setting::ProxyMode(ProxyMode::Ipvs)));
    s.push(Step::Setting(Setting::LoadBalancerController(true)));
    s.push(Step::SendTraffic {
        from: TrafficSource::Outside,
        namespace: "default".into(),
        service: "web".into(),
        count: 20,
    });
    s.push(Step::Advance { ms: 12_345 });
    s.editor = Some(format!("{text}# edited\n"));
    s.lesson = Some("selectors".into());
    s
}

fn pod_facts(w: &World) -> Vec<String> {
    let mut facts = Vec::new();
    for o in w.cluster.store.all() {
        match o {
            Object::Pod(p) => facts.push(format!(
                "pod {} {:?}",
                o.name(),
                p.status.as_ref().and_then(|s| s.pod_ip.clone())
            )),
            Object::Service(s) => facts.push(format!(
                "svc {} {:?} {:?}",
                o.name(),
                s.spec.as_ref().and_then(|sp| sp.cluster_ip.clone()),
                s.spec
                    .as_ref()
                    .and_then(|sp| sp.ports.as_ref())
                    .map(|ps| ps.iter().map(|p| p.node_port).collect::<Vec<_>>())
            )),
            _ => {}
        }
    }
    facts
}

#[test]
fn consecutive_advances_merge() {
    let mut s = Scenario::new(1);
    s.push(Step::Advance { ms: 500 });
    s.push(Step::Advance { ms: 500 });
    s.push(Step::Advance { ms: 0 });
    s.push(Step::Command { line: "x".into() });
    s.push(Step::Advance { ms: 1 });
    assert_eq!(s.steps.len(), 3);
    assert_eq!(s.steps[0], Step::Advance { ms: 1000 });
    assert_eq!(s.clock(), 1001);
}

#[test]
fn replay_rebuilds_the_same_world() {
    // Run the steps live, the way the page does, and compare with a replay.
    let s = lesson_scenario();
    let mut live = World::new(s.seed);
    for _ in 0..1 {
        live.run(&Step::Apply { text: NGINX.into() });
    }
    for _ in 0..10 {
        live.run(&Step::Advance { ms: 500 });
    }
    for step in &s.steps[2..] {
        live.run(step);
    }
    let again = replay(&s);
    assert_eq!(pod_facts(&live), pod_facts(&again));
    assert_eq!(live.history, again.history);
    assert_eq!(live.digest(), again.digest());
    assert!(pod_facts(&again)
        .iter()
        .any(|f| f.starts_with("pod nginx-")));
    // And through a link.
    let decoded = decode_link(&encode_link(&s)).expect("the link opens");
    let via_link = replay(&decoded);
    assert_eq!(via_link.digest(), again.digest());
    assert_eq!(via_link.history.len(), 1);
    assert!(via_link.history[0].output.contains("Running"));
}

#[test]
fn links_round_trip() {
    for s in [Scenario::default(), lesson_scenario(), ten_objects()] {
        let link = encode_link(&s);
        assert!(link.starts_with("s1."));
        assert_eq!(decode_link(&link), Ok(s.clone()));
        assert_eq!(decode_link(&format!("#{link}")), Ok(s.clone()));
        assert_eq!(
            decode_link(&format!("https://example.org/kubeplay/#{link}")),
            Ok(s)
        );
    }
    let mut s = Scenario::new(u64::MAX);
    s.editor = Some("<script>alert(1)</script>".into());
    s.push(Step::Command {
        line: "kubectl run '<img src=x onerror=alert(1)>' --image=javascript:alert(1)".into(),
    });
    s.push(Step::Scale {
        namespace: "ns".into(),
        name: "d".into(),
        replicas: -5,
    });
    s.push(Step::SendTraffic {
        from: TrafficSource::Pod {
            namespace: "default".into(),
            name: "p".into(),
        },
        namespace: "default".into(),
        service: "s".into(),
        count: u32::MAX,
    });
    s.push(Step::Setting(Setting::ProxyMode(ProxyMode::Nftables)));
    s.push(Step::Setting(Setting::LoadBalancerController(false)));
    assert_eq!(decode_link(&encode_link(&s)), Ok(s));
}

#[test]
fn share_links_are_short() {
    let lesson = encode_link(&lesson_scenario());
    // `https://host/#` is not counted: the fragment is what we control.
    eprintln!("lesson link: {} characters", lesson.len() + 1);
    assert!(
        lesson.len() + 1 < 600,
        "lesson link is {} chars",
        lesson.len()
    );
    let ten = encode_link(&ten_objects());
    eprintln!("10-object link: {} characters", ten.len() + 1);
    assert!(
        ten.len() + 1 < 2000,
        "10-object link is {} chars",
        ten.len()
    );
}

#[test]
fn bad_links_say_what_is_wrong() {
    let good = encode_link(&lesson_scenario());
    // Truncated: cut anywhere after the prefix.
    for cut in [4, good.len() / 2, good.len() - 1, good.len() - 3] {
        let err = decode_link(&good[..cut]).expect_err("a cut link fails");
        assert!(
            matches!(err, LinkError::Truncated | LinkError::Corrupted(_)),
            "cut at {cut}: {err:?}"
        );
    }
    assert_eq!(
        decode_link(&good[..good.len() / 2]),
        Err(LinkError::Truncated)
    );
    assert_eq!(decode_link("s1."), Err(LinkError::Truncated));
    // Corrupted: a character no link has, or a changed one.
    let mut bad = good.clone();
    bad.insert(10, '*');
    assert!(matches!(decode_link(&bad), Err(LinkError::Corrupted(_))));
    for i in [5, 20, good.len() / 2, good.len() - 2] {
        let mut b: Vec<u8> = good.clone().into_bytes();
        b[i] = if b[i] == b'A' { b'B' } else { b'A' };
        let b = String::from_utf8(b).unwrap_or_default();
        assert!(decode_link(&b).is_err(), "changed at {i} still opens");
    }
    // Unknown version.
    let newer = format!("s9.{}", &good[3..]);
    let err = decode_link(&newer).expect_err("s9 is unknown");
    assert_eq!(err, LinkError::UnknownVersion("s9".into()));
    assert!(err.to_string().contains("newer kubeplay"));
    // Not a link at all.
    assert_eq!(decode_link(""), Err(LinkError::NotALink));
    assert_eq!(decode_link("#section-2"), Err(LinkError::NotALink));
    assert_eq!(decode_link("javascript:alert(1)"), Err(LinkError::NotALink));
    // Oversized.
    let long = format!("s1.{}", "A".repeat(MAX_LINK_LEN));
    assert!(matches!(decode_link(&long), Err(LinkError::TooLong { .. })));
    // A decompression bomb: 8 MiB of zeros deflate to a few KiB.
    let bomb = miniz_oxide::deflate::compress_to_vec(&vec![0u8; 8 << 20], 10);
    let bomb_link = format!(
        "s1.{}",
        base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, bomb)
    );
    assert!(bomb_link.len() < MAX_LINK_LEN);
    assert_eq!(decode_link(&bomb_link), Err(LinkError::TooBig));
    // Every error has a message a learner can read.
    for e in [
        LinkError::NotALink,
        LinkError::UnknownVersion("s9".into()),
        LinkError::TooLong { len: 70_000 },
        LinkError::TooBig,
        LinkError::Truncated,
        LinkError::Corrupted("x".into()),
        LinkError::TooManySteps,
    ] {
        assert!(e.to_string().len() > 20);
    }
}

#[test]
fn decoder_limits_steps_and_clock() {
    let mut s = Scenario::new(1);
    for i in 0..10_001 {
        s.steps.push(Step::Command {
            line: format!("echo {i}"),
        });
    }
    assert_eq!(decode_link(&encode_link(&s)), Err(LinkError::TooManySteps));
    let mut s = Scenario::new(1);
    s.push(Step::Advance {
        ms: 365 * 24 * 3600 * 1000,
    });
    assert_eq!(decode_link(&encode_link(&s)), Err(LinkError::TooManySteps));
}

#[test]
fn hostile_names_are_just_data() {
    let mut s = Scenario::new(1);
    s.push(Step::Apply {
        text: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels:\n    a: \"<script>alert(1)</script>\"\ndata:\n  k: \"javascript:alert(1)\"\n".into(),
    });
    s.push(Step::KillPod {
        namespace: "<b>".into(),
        name: "\"><script>".into(),
    });
    let back = decode_link(&encode_link(&s)).expect("opens");
    let w = replay(&back);
    assert_eq!(w.digest(), replay(&s).digest());
}

#[test]
fn older_versions_are_marked() {
    let mut s = lesson_scenario();
    s.version = SIM_VERSION.saturating_sub(1).max(1);
    let back = decode_link(&encode_link(&s)).expect("opens");
    assert_eq!(back.version, s.version);
    assert_eq!(back.is_older(), s.version < SIM_VERSION);
}

#[test]
fn digest_is_stable_for_a_fixed_scenario() {
    let d1 = replay(&lesson_scenario()).digest();
    let d2 = replay(&lesson_scenario()).digest();
    assert_eq!(d1, d2);
    assert_eq!(d1.len(), 16);
    assert_ne!(d1, World::new(1).digest());
}

/// Follows a lesson the way a learner does, looking at the world after every step.
fn follow(id: &str) -> (Progress, World) {
    let lesson = super::lessons::find(id).expect("lesson exists");
    let mut world = World::new(1);
    let mut progress = Progress::new(lesson);
    let todo: Vec<Do> = lesson.todo.iter().map(|(_, d)| *d).collect();
    for d in lesson.setup.iter().chain(todo.iter()) {
        // The page's clock keeps ticking between things the learner does.
        for step in [do_step(d), Step::Advance { ms: 1000 }] {
            let out = world.run(&step).output.combined();
            progress.observe(
                lesson,
                &Ctx {
                    world: &world,
                    step: &step,
                    output: &out,
                },
            );
        }
    }
    (progress, world)
}

#[test]
fn every_lesson_passes_when_followed() {
    assert_eq!(LESSONS.len(), 10);
    for lesson in LESSONS {
        let (progress, world) = follow(lesson.id);
        for (i, c) in lesson.checks.iter().enumerate() {
            assert!(
                progress.passed(lesson, i),
                "lesson {}: check {:?} failed (stages {:?})\nhistory: {:#?}",
                lesson.id,
                c.label,
                progress.stages,
                world.history
            );
        }
    }
}

#[test]
fn lesson_checks_start_false() {
    for lesson in LESSONS {
        let world = World::new(1);
        let mut progress = Progress::new(lesson);
        let step = Step::Advance { ms: 1000 };
        progress.observe(
            lesson,
            &Ctx {
                world: &world,
                step: &step,
                output: "",
            },
        );
        assert!(!progress.all_passed(lesson), "lesson {}", lesson.id);
        assert!(!lesson.guidance.is_empty() && !lesson.manifest.is_empty());
    }
}

#[test]
fn selector_hint_names_the_labels() {
    let lesson = super::lessons::find("selectors").expect("lesson");
    let mut w = World::new(1);
    w.run(&do_step(&lesson.todo[0].1));
    w.run(&Step::Advance { ms: 5000 });
    let hints = super::lessons::selector_hints(&w);
    assert_eq!(hints.len(), 1, "{hints:?}");
    assert!(hints[0].contains("app=ngnix") && hints[0].contains("app=nginx"));
}

/// The browser test (e2e/tests/share.mjs) opens this link in the page and compares the
/// page's digest of the replayed cluster with the native one written here. `make test`
/// runs the native tests before the browser tests, so the file always matches the
/// simulation being tested (a diff in git says links now replay differently: consider
/// bumping `SIM_VERSION`).
#[test]
fn browser_fixture_matches_native_replay() {
    let s = lesson_scenario();
    let world = replay(&s);
    let pods: Vec<String> = world
        .cluster
        .store
        .list_ns("Pod", "default")
        .map(|o| o.name().to_string())
        .collect();
    let fixture = serde_json::json!({
        "link": format!("#{}", encode_link(&s)),
        "digest": world.digest(),
        "pods": pods,
    });
    let text = format!(
        "{}\n",
        serde_json::to_string_pretty(&fixture).unwrap_or_default()
    );
    assert_eq!(
        replay(&s).digest(),
        world.digest(),
        "replay is deterministic"
    );
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/e2e/fixtures");
    let path = format!("{dir}/share-digest.json");
    if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
        let _ = std::fs::create_dir_all(dir);
        std::fs::write(&path, text).expect("write the fixture");
    }
}
