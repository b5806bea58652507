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

pub mod app;
pub mod controls;
pub mod diagram;
pub mod editor;
pub mod inspector;
pub mod lessons;
pub mod share;
pub mod terminal;
pub mod view;

pub use app::App;

/// Mounts the app into `root` (tests mount it into a detached or fresh `<div>`).
pub fn mount(root: web_sys::Element) -> yew::AppHandle<App> {
    yew::Renderer::<App>::with_root(root).render()
}

/// Starts the page: mounts the app into `#app`, or into `<body>` when there is none.
pub fn start() {
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
