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
async fn app_mounts_with_editor_button_and_shapes() {
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

    let shapes = root.query_selector_all("svg g[role='img']").unwrap();
    let labels: Vec<String> = (0..shapes.length())
        .filter_map(|i| {
            shapes.item(i).and_then(|n| {
                wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(n)
                    .ok()
                    .and_then(|e| e.get_attribute("aria-label"))
            })
        })
        .collect();
    assert_eq!(labels, ["Deployment nginx", "Service nginx"]);
}

#[wasm_bindgen_test]
fn reducer_keeps_text_and_reports_syntax_error_line() {
    let state = std::rc::Rc::new(State::with_text(DEFAULT_MANIFEST));
    let bad = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n data: [\n";
    let state = state.reduce(Action::Edit(bad.to_string()));
    let state = state.reduce(Action::Apply);
    assert_eq!(state.text, bad);
    assert!(state.shapes.is_empty(), "{:?}", state.shapes);
    assert!(state.problems[0].line.is_some(), "{:?}", state.problems);
}
