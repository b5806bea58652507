//! The Yew app (wasm32 only): the ONLY place that touches yew, web-sys, gloo and js-sys.
//!
//! - [`app`]: page state, the [`app::Action`]s that change it and the reducer.
//! - [`editor`]: the manifest editor (textarea + Apply).
//! - [`diagram`]: the SVG drawing of nodes, pods and Services.
//! - [`terminal`]: the terminal (input line + output region, history, in-pod shell).
//! - [`inspector`]: describe / YAML / logs of the selection; Service explanations.
//! - [`controls`]: clock, cluster settings, namespace filter.
//! - [`view`]: the view-state and its actions.
//! - [`share`]: the scenario log, share links, autosave, Reset/Undo, Export.
//! - [`lessons`]: the Lessons menu and the lesson panel with live checks.
//! - [`live`]: the live terminal: `get -w` / `logs -f` stream until Ctrl+C, `edit` opens the editor.

pub mod app;
pub mod controls;
pub mod diagram;
pub mod editor;
pub mod inspector;
pub mod lessons;
pub mod live;
pub mod share;
pub mod terminal;
pub mod view;

pub use app::App;

/// Mounts the app into `root` (tests mount it into a detached or fresh `<div>`).
/// Hands `kubectl explain` its schema once `static/boot.js` has fetched it after start-up
/// (`globalThis.kubeplayExplainSchema`); until then explain says it cannot read it yet.
pub fn install_explain_schema() {
    use crate::term::kubectl::explain;
    if explain::schema_installed() {
        return;
    }
    let global = js_sys::global();
    let key = wasm_bindgen::JsValue::from_str("kubeplayExplainSchema");
    if let Some(text) = js_sys::Reflect::get(&global, &key)
        .ok()
        .and_then(|v| v.as_string())
    {
        explain::install_schema(text);
        // The page keeps one copy: Rust's.
        let _ = js_sys::Reflect::delete_property(&global, &key);
    }
}

pub fn mount(root: web_sys::Element) -> yew::AppHandle<App> {
    yew::Renderer::<App>::with_root(root).render()
}

/// The banner a panic shows instead of a dead page (the page autosaves every step).
pub const PANIC_BANNER: &str = "Something broke - your work is saved - reload";

/// TEST-ONLY: a page opened with this URL fragment panics at startup, so the e2e test
/// (e2e/tests/panic.mjs) can check the panic banner. Nothing else uses it.
pub const TEST_PANIC_FRAGMENT: &str = "#__kubeplay_test_panic";

/// On a panic: log it and put a `role="alert"` banner with a Reload link on top of the
/// page (plain DOM, no yew: the app may be the thing that broke).
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        web_sys::console::error_1(&format!("kubeplay panicked: {info}").into());
        let body = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.body());
        if let Some(body) = body {
            let html = format!(
                "<div role=\"alert\" id=\"kubeplay-panic\" style=\"position:fixed;top:0;left:0;right:0;z-index:10000;padding:12px 16px;background:#b00020;color:#fff;font:16px/1.4 system-ui,sans-serif;text-align:center\">{PANIC_BANNER} <a href=\"\" style=\"color:#fff;font-weight:bold\">Reload</a></div>"
            );
            let _ = body.insert_adjacent_html("afterbegin", &html);
        }
    }));
}

/// Runs `f` once, after `frames` frames are painted (a timeout queued by the last of
/// `frames` chained requestAnimationFrame callbacks), or after `frames` seconds when no
/// frame comes (a hidden tab paints nothing). Start-up work (the warm-up, the first
/// autosave) waits a few frames, so it does not run between the first painted frame and
/// the next one.
pub(crate) fn after_frames<F: FnOnce() + 'static>(frames: u32, f: F) {
    use std::cell::Cell;
    use std::rc::Rc;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    type Once = Rc<Cell<Option<Box<dyn FnOnce()>>>>;
    fn run(once: Once) -> impl FnOnce() {
        move || {
            if let Some(f) = once.take() {
                f();
            }
        }
    }
    fn frame(w: &web_sys::Window, frames: u32, once: Once) {
        let next = Closure::once_into_js(move || {
            if let Some(w) = web_sys::window() {
                if frames > 1 {
                    frame(&w, frames - 1, once);
                } else {
                    let later = Closure::once_into_js(run(once));
                    let _ = w.set_timeout_with_callback(later.unchecked_ref());
                }
            }
        });
        let _ = w.request_animation_frame(next.unchecked_ref());
    }
    let Some(w) = web_sys::window() else {
        return f();
    };
    let once: Once = Rc::new(Cell::new(Some(Box::new(f))));
    let fallback = Closure::once_into_js(run(once.clone()));
    let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(
        fallback.unchecked_ref(),
        1000 * frames as i32,
    );
    frame(&w, frames, once);
}

/// What the allocator takes from the browser in one piece before the first render.
const HEAP_RESERVE: usize = 16 << 20;

/// Grows the WebAssembly memory once, while it is small, instead of page by page later:
/// every `memory.grow` is a call into the browser, and Chromium traces here showed 26-31
/// of them in an Apply of 100 documents, up to 13 ms each and 30-120 ms in all (a grow
/// in an otherwise idle page measures under 0.1 ms, so the cost is not the copy).
/// The freed block stays with the allocator (WebAssembly memory never shrinks).
fn reserve_heap() {
    let block: Vec<u8> = Vec::with_capacity(HEAP_RESERVE);
    drop(std::hint::black_box(block));
}

/// Attribute values the diagram sets again and again (element by element, on every
/// Apply), interned so each crosses to JS as a cached string rather than being decoded
/// anew (wasm-bindgen's `enable-interning`; yew interns the attribute names itself).
const COMMON_VALUES: &[&str] = &[
    "button",
    "0",
    "true",
    "false",
    "kp-pod-box",
    "kp-pod-in",
    "kp-client",
    "kp-client-link",
    "kp-client-title",
    "kp-client-info",
    "kp-pod-tint",
    "kp-pod-name",
    "kp-pod-info",
    "kp-svc-box",
    "kp-svc-name",
    "kp-svc-info",
    "kp-svc-dns",
    "kp-node-title",
    "kp-node-ip",
    "kp-link kp-link-ready",
    "kp-link kp-link-notready",
    "kp-link kp-link-terminating",
    "kp-applied-ok",
    "kp-applied-same",
    "kp-applied-error",
    "kp-btn-small",
    "kp-deploy-name",
    "kp-swatch",
    "kp-muted",
    "Scale down",
    "Scale up",
    "3",
    "6",
    "8",
    "10",
];

fn intern_common() {
    for v in COMMON_VALUES {
        wasm_bindgen::intern(v);
    }
    for n in diagram::box_numbers() {
        wasm_bindgen::intern(&n.to_string());
    }
}

/// Starts the page: mounts the app into `#app`, or into `<body>` when there is none.
pub fn start() {
    install_panic_hook();
    reserve_heap();
    intern_common();
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    if hash == TEST_PANIC_FRAGMENT {
        panic!("test-only panic requested by {TEST_PANIC_FRAGMENT}");
    }
    let root = web_sys::window().and_then(|w| w.document()).and_then(|d| {
        d.get_element_by_id("app")
            .or_else(|| d.body().map(Into::into))
    });
    match root {
        Some(root) => {
            mount(root);
        }
        None => web_sys::console::error_1(&"kubeplay: no document to mount into".into()),
    }
}
