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
