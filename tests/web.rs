//! Browser tests (wasm-bindgen-test in headless Chromium):
//! `cargo test --target wasm32-unknown-unknown --test web` (`make test` runs it).
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use kubeplay::ui::app::{Action, State, DEFAULT_MANIFEST};
use wasm_bindgen_test::*;
use yew::platform::time::sleep;
use yew::Reducible;

wasm_bindgen_test_configure!(run_in_browser);

fn fresh_root() -> web_sys::Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    root
}

#[wasm_bindgen_test]
async fn app_mounts_with_editor_apply_and_terminal() {
    let root = fresh_root();
    let _app = kubeplay::ui::mount(root.clone());
    sleep(Duration::from_millis(50)).await;

    let area = root
        .query_selector("textarea")
        .unwrap()
        .expect("the manifest textarea is rendered");
    let id = area.id();
    let label = root
        .query_selector(&format!("label[for='{id}']"))
        .unwrap()
        .expect("the textarea has a label");
    assert_eq!(label.text_content().unwrap(), "Manifest");

    let buttons = root.query_selector_all("button").unwrap();
    let names: Vec<String> = (0..buttons.length())
        .filter_map(|i| buttons.item(i).and_then(|b| b.text_content()))
        .collect();
    assert!(names.iter().any(|n| n == "Apply"), "buttons: {names:?}");

    let terminal = root
        .query_selector("[aria-label='Terminal']")
        .unwrap()
        .expect("the terminal input is rendered");
    assert_eq!(terminal.tag_name().to_lowercase(), "input");
}

#[wasm_bindgen_test]
fn reducer_keeps_text_and_reports_syntax_error_line() {
    let state = std::rc::Rc::new(State::with_text(DEFAULT_MANIFEST));
    let bad = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n data: [\n";
    let state = state.reduce(Action::Edit(bad.to_string()));
    let state = state.reduce(Action::Apply);
    assert_eq!(state.text, bad);
    assert!(state.problems[0].line.is_some(), "{:?}", state.problems);
}

#[wasm_bindgen_test]
fn applying_the_lesson_creates_both_objects() {
    let state = std::rc::Rc::new(State::with_text(DEFAULT_MANIFEST));
    let state = state.reduce(Action::Apply);
    // `created` on a fresh world, `unchanged` when this page's world already holds them.
    assert_eq!(state.applied.len(), 2, "{:?}", state.problems);
    assert!(
        state.applied[0].starts_with("deployment.apps/nginx "),
        "{:?}",
        state.applied
    );
    assert!(
        state.applied[1].starts_with("service/nginx "),
        "{:?}",
        state.applied
    );
    assert!(state.problems.is_empty(), "{:?}", state.problems);
}

/// The page's state starts half-started (the first frame paints the installed cluster);
/// `Action::Start`, or any action that runs a step, completes it: the world is then
/// `World::new`'s, and a second Start changes nothing.
#[wasm_bindgen_test]
fn start_completes_the_starting_world() {
    use kubeplay::scenario::World;
    let state = std::rc::Rc::new(State::default());
    assert!(state.world.borrow().start_pending());
    assert_eq!(state.world.borrow().cluster.now, 0);
    let started = state.clone().reduce(Action::Start);
    assert!(!started.world.borrow().start_pending());
    assert!(started.version > state.version);
    assert!(started.world.borrow().cluster == World::new(1).cluster);
    let again = started.clone().reduce(Action::Start);
    assert!(
        std::rc::Rc::ptr_eq(&again, &started),
        "a second Start is a no-op"
    );
    assert!(
        started.work.scenario.steps.is_empty(),
        "Start is not a recorded step"
    );

    // An Apply before Start: the controllers and clock run first, then the Apply.
    let applied = std::rc::Rc::new(State::default()).reduce(Action::Apply);
    assert!(!applied.world.borrow().start_pending());
    assert_eq!(applied.applied.len(), 2, "{:?}", applied.applied);
    let mut fresh = World::new(1);
    fresh.run(&kubeplay::scenario::Step::Apply {
        text: DEFAULT_MANIFEST.to_string(),
    });
    assert!(applied.world.borrow().cluster == fresh.cluster);
}

fn ready(state: std::rc::Rc<State>) -> std::rc::Rc<State> {
    // Ten seconds of simulated time: the nginx pods start and become endpoints.
    (0..20).fold(state, |s, _| s.reduce(Action::Tick(500)))
}

#[wasm_bindgen_test]
fn view_actions_go_through_steps() {
    use kubeplay::scenario::TrafficSource;
    use kubeplay::ui::view::{Sel, UiAction};

    let state = ready(std::rc::Rc::new(State::with_text(DEFAULT_MANIFEST)));
    // Scale up: the Deployment asks for 4 replicas.
    let state = state.reduce(Action::Ui(UiAction::Scale {
        namespace: "default".into(),
        name: "nginx".into(),
        replicas: 4,
    }));
    let snap = kubeplay::ui::diagram::snapshot(&state.world.borrow(), "default");
    assert_eq!(snap.deployments[0].replicas, 4);
    assert_eq!(snap.namespaces[0], "default");

    // Send traffic from a pod to the ClusterIP Service: every request lands on a pod.
    let state = ready(state);
    let from = snap
        .nodes
        .iter()
        .flat_map(|n| n.pods.iter())
        .find(|p| p.ready)
        .map(|p| p.name.clone())
        .expect("a ready pod");
    let state = state.reduce(Action::Ui(UiAction::Select(Some(Sel::Service {
        namespace: "default".into(),
        name: "nginx".into(),
    }))));
    let state = state.reduce(Action::Ui(UiAction::SendTraffic {
        from: TrafficSource::Pod {
            namespace: "default".into(),
            name: from,
        },
        namespace: "default".into(),
        service: "nginx".into(),
        count: 10,
    }));
    assert_eq!(
        state.ui.hits.values().sum::<u32>(),
        10,
        "{:?}",
        state.ui.traffic
    );

    // From outside, a ClusterIP Service is not reachable: said so, no hits added.
    let state = state.reduce(Action::Ui(UiAction::SendTraffic {
        from: TrafficSource::Outside,
        namespace: "default".into(),
        service: "nginx".into(),
        count: 10,
    }));
    assert!(
        state.ui.traffic.iter().any(|l| l.contains("not reachable")),
        "{:?}",
        state.ui.traffic
    );

    // Speeds are 1x, 4x, 16x (issue 6); anything else is ignored.
    let state = state.reduce(Action::Ui(UiAction::Speed(16)));
    assert_eq!(state.ui.speed, 16);
    let state = state.reduce(Action::Ui(UiAction::Speed(5)));
    assert_eq!(state.ui.speed, 16);
    let now = state.world.borrow().cluster.now;
    let state = state.reduce(Action::Tick(500));
    assert_eq!(state.world.borrow().cluster.now, now + 8000);
    let state = state.reduce(Action::Ui(UiAction::Speed(1)));

    // Pause stops the clock; the in-pod shell runs lines through kubectl exec.
    let state = state.reduce(Action::Ui(UiAction::Pause(true)));
    let now = state.world.borrow().cluster.now;
    let state = state.reduce(Action::Tick(500));
    assert_eq!(state.world.borrow().cluster.now, now);
    let pod = kubeplay::ui::diagram::snapshot(&state.world.borrow(), "default")
        .nodes
        .iter()
        .flat_map(|n| n.pods.iter())
        .find(|p| p.ready)
        .map(|p| p.name.clone())
        .expect("a ready pod");
    let state = state.reduce(Action::Ui(UiAction::TermLine(format!(
        "kubectl exec -it {pod} -- sh"
    ))));
    assert!(state.ui.shell.is_some());
    let state = state.reduce(Action::Ui(UiAction::TermLine("hostname".into())));
    let last = state.term.last().expect("an entry");
    assert_eq!(last.prompt, "/ #");
    assert_eq!(last.output.trim(), pod);
    let state = state.reduce(Action::Ui(UiAction::TermLine("exit".into())));
    assert!(state.ui.shell.is_none());
    let state = state.reduce(Action::Ui(UiAction::TermLine("clear".into())));
    assert!(state.term.is_empty());
}

#[wasm_bindgen_test]
fn tab_completes_one_candidate_and_extends_common_prefixes() {
    use kubeplay::ui::terminal::complete_line;
    let one = vec!["pods".to_string()];
    assert_eq!(
        complete_line("kubectl get po", &one).as_deref(),
        Some("kubectl get pods ")
    );
    let many = vec![
        "nginx-7c5dd-abcde".to_string(),
        "nginx-7c5dd-fghij".to_string(),
    ];
    assert_eq!(
        complete_line("kubectl exec ng", &many).as_deref(),
        Some("kubectl exec nginx-7c5dd-")
    );
    assert_eq!(complete_line("kubectl exec nginx-7c5dd-", &many), None);
    assert_eq!(complete_line("kubectl get po", &[]), None);
}

#[wasm_bindgen_test]
fn service_label_counts_ready_addresses_that_are_not_pods() {
    // Issue 6: "N counts distinct ready endpoint addresses". The kubernetes Service's
    // one endpoint is the API server (172.18.0.3:6443, REFERENCE.md's default cluster),
    // which is not a pod but is a ready address all the same.
    let state = std::rc::Rc::new(State::with_text(DEFAULT_MANIFEST));
    let snap = kubeplay::ui::diagram::snapshot(&state.world.borrow(), "default");
    let kubernetes = snap
        .services
        .iter()
        .find(|s| s.name == "kubernetes")
        .expect("the kubernetes Service");
    assert_eq!(
        kubeplay::ui::diagram::service_label(kubernetes),
        "Service kubernetes, ClusterIP 10.96.0.1, 443/TCP, 1 ready endpoint"
    );
    assert!(kubernetes.endpoints.is_empty(), "no pod to draw a line to");
}
