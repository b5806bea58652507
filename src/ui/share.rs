//! Never losing work: the scenario log every step appends to, share links (`#s1.`),
//! autosave to localStorage, Reset/Undo, Export, and loading a lesson.
//!
//! `State::run` calls [`record`] after every step, so the log is complete by
//! construction; everything else here rebuilds a `State` from a scenario by replaying
//! it (`scenario::replay` semantics) and never touches the store directly.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::events::EventListener;
use gloo::storage::{LocalStorage, Storage};
use wasm_bindgen::{JsCast, JsValue};
use yew::prelude::*;

use super::app::{Action, State, TermEntry, DEFAULT_MANIFEST};
use super::view::UiState;
use crate::scenario::lessons::{self, do_step, Ctx, Progress};
use crate::scenario::{decode_link, encode_link, export, Scenario, Step, SIM_VERSION};

/// The localStorage key of the autosaved work.
const SAVE_KEY: &str = "kubeplay.work";
/// Where the work open before a share link replaced it is kept.
const BEFORE_LINK_KEY: &str = "kubeplay.work.before-link";
/// How many terminal entries autosave keeps.
const SAVED_TERM: usize = 300;
/// How many previous scenarios Undo can bring back.
const UNDO_DEPTH: usize = 30;

/// One piece of work: the scenario (with the editor text and lesson) and what the
/// terminal shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Saved {
    pub scenario: Scenario,
    pub term: Vec<TermEntry>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warn,
    Error,
}

/// A message at the top of the page.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub level: Level,
    pub text: String,
    /// The digest of the cluster a link rebuilt (for the browser test).
    pub digest: Option<String>,
}

/// The log and everything around it.
#[derive(Debug, Clone, Default)]
pub struct Work {
    /// Every step run so far (consecutive clock advances merged).
    pub scenario: Scenario,
    /// Previous pieces of work, newest last.
    /// Shared entries: recording a step copies this list of pointers, not every saved
    /// scenario in it (the state is cloned for each step; the list is copy-on-write).
    pub undo: Rc<Vec<Rc<Saved>>>,
    pub notice: Option<Notice>,
    /// The last share link made.
    pub link: Option<String>,
    /// The lesson being followed, and how far.
    pub lesson: Option<&'static str>,
    pub progress: Progress,
    /// While set, steps are recorded without an undo point each (lesson setup).
    batch: bool,
    /// Bumped on every change (cheap equality for Yew).
    pub rev: u64,
}

impl PartialEq for Work {
    fn eq(&self, other: &Self) -> bool {
        self.rev == other.rev
    }
}

/// What the work bar and lesson panel do.
#[derive(Debug, Clone, PartialEq)]
pub enum WorkAction {
    Share,
    Reset,
    Undo,
    Export,
    LoadLesson(String),
    CloseLesson,
    /// Open a `#s1.` fragment (the page was opened with it, or the hash changed).
    OpenLink(String),
    Dismiss,
}

/// Called by `State::run` after every step: append it to the log (an undo point
/// first, unless it only advances the clock) and let the lesson's checks look.
pub fn record(state: &mut State, step: &Step, output: &str) {
    if !matches!(step, Step::Advance { .. }) && !state.work.batch {
        push_undo(state);
    }
    state.work.scenario.push(step.clone());
    if let Some(lesson) = state.work.lesson.and_then(lessons::find) {
        let world = state.world.borrow();
        state.work.progress.observe(
            lesson,
            &Ctx {
                world: &world,
                step,
                output,
            },
        );
    }
    state.work.rev += 1;
}

/// The current work as a scenario with the editor text and lesson filled in.
pub fn snapshot(state: &State) -> Saved {
    let mut scenario = state.work.scenario.clone();
    scenario.editor = Some(state.text.clone());
    scenario.lesson = state.work.lesson.map(str::to_string);
    Saved {
        scenario,
        term: state.term.clone(),
    }
}

fn push_undo(state: &mut State) {
    let saved = snapshot(state);
    let undo = Rc::make_mut(&mut state.work.undo);
    undo.push(Rc::new(saved));
    if undo.len() > UNDO_DEPTH {
        undo.remove(0);
    }
}

/// Replaces the page's world, editor and terminal with a replay of `saved.scenario`.
/// `term: None` rebuilds the terminal from the commands' history (share links).
fn load(state: &mut State, scenario: &Scenario, term: Option<Vec<TermEntry>>) {
    let lesson = scenario
        .lesson
        .as_deref()
        .and_then(lessons::find)
        .map(|l| l.id);
    let mut world = super::live::world(scenario.seed);
    let mut progress = lesson
        .and_then(lessons::find)
        .map(Progress::new)
        .unwrap_or_default();
    for step in &scenario.steps {
        let out = world.run(step).output.combined();
        if let Some(l) = lesson.and_then(lessons::find) {
            progress.observe(
                l,
                &Ctx {
                    world: &world,
                    step,
                    output: &out,
                },
            );
        }
    }
    // Nothing streams and no edit is pending after a reload or undo.
    world.terminal.stream = None;
    world.terminal.edit = None;
    world.terminal.notice = None;
    state.term = term.unwrap_or_else(|| {
        world
            .history
            .iter()
            .map(|h| TermEntry {
                prompt: "$".into(),
                line: h.line.clone(),
                output: h.output.clone(),
            })
            .collect()
    });
    state.world = Rc::new(RefCell::new(world));
    state.version += 1;
    state.text = scenario
        .editor
        .clone()
        .unwrap_or_else(|| DEFAULT_MANIFEST.to_string());
    state.problems.clear();
    state.applied.clear();
    let (paused, speed) = (state.ui.paused, state.ui.speed);
    state.ui = UiState::default();
    state.ui.paused = paused;
    state.ui.speed = speed;
    let mut log = scenario.clone();
    log.editor = None;
    log.lesson = None;
    state.work.scenario = log;
    state.work.lesson = lesson;
    state.work.progress = progress;
    state.work.link = None;
    state.work.rev += 1;
}

pub fn reduce(state: &mut State, action: WorkAction) {
    state.work.rev += 1;
    match action {
        WorkAction::Dismiss => state.work.notice = None,
        WorkAction::Share => {
            let saved = snapshot(state);
            let link = format!("{}#{}", page_url(), encode_link(&saved.scenario));
            let copied = copy_to_clipboard(&link);
            let digest = state.world.borrow().digest();
            state.work.notice = Some(Notice {
                level: Level::Info,
                text: format!(
                    "Share link ({} characters){}: whoever opens it gets this cluster, editor and terminal.",
                    link.len(),
                    if copied { ", copied to the clipboard" } else { "" }
                ),
                digest: Some(digest),
            });
            state.work.link = Some(link);
        }
        WorkAction::Reset => {
            push_undo(state);
            load(state, &Scenario::default(), Some(Vec::new()));
            state.work.notice = Some(info(
                "Started over with an empty cluster. Undo brings your work back.",
            ));
        }
        WorkAction::Undo => {
            let Some(prev) = Rc::make_mut(&mut state.work.undo).pop() else {
                state.work.notice = Some(info("Nothing to undo."));
                return;
            };
            let prev = Rc::unwrap_or_clone(prev);
            load(state, &prev.scenario, Some(prev.term));
            state.work.notice = Some(info("Brought the previous scenario back."));
        }
        WorkAction::Export => {
            let saved = snapshot(state);
            let text = export::export_yaml(&saved.scenario);
            download("kubeplay.yaml", &text);
            state.work.notice = Some(info(
                "Downloaded kubeplay.yaml: the manifests, and at its top the kubectl commands that reproduce this on kind or minikube.",
            ));
        }
        WorkAction::LoadLesson(id) => {
            let Some(lesson) = lessons::find(&id) else {
                return;
            };
            push_undo(state);
            let fresh = Scenario {
                lesson: Some(lesson.id.to_string()),
                editor: Some(lesson.manifest.to_string()),
                ..Scenario::default()
            };
            load(state, &fresh, Some(Vec::new()));
            state.work.batch = true;
            for d in lesson.setup {
                let out = state.run(&do_step(d));
                if let lessons::Do::Command(line) = d {
                    state.term.push(TermEntry {
                        prompt: "$".into(),
                        line: (*line).to_string(),
                        output: out,
                    });
                }
            }
            state.work.batch = false;
            state.work.notice = Some(info(&format!(
                "Lesson loaded: {}. Undo brings your previous work back.",
                lesson.title
            )));
        }
        WorkAction::CloseLesson => {
            state.work.lesson = None;
            state.work.progress = Progress::default();
        }
        WorkAction::OpenLink(fragment) => open_link(state, &fragment),
    }
}

fn info(text: &str) -> Notice {
    Notice {
        level: Level::Info,
        text: text.to_string(),
        digest: None,
    }
}

/// Opens a share link fragment: on success the current work becomes an undo point
/// (and is kept in localStorage under its own key); on failure nothing changes.
fn open_link(state: &mut State, fragment: &str) {
    match decode_link(fragment) {
        Ok(scenario) => {
            let before = snapshot(state);
            if !before.scenario.steps.is_empty() {
                let _ = LocalStorage::set(BEFORE_LINK_KEY, to_json(&before));
                let undo = Rc::make_mut(&mut state.work.undo);
                undo.push(Rc::new(before));
            }
            load(state, &scenario, None);
            let digest = state.world.borrow().digest();
            let n = scenario.steps.len();
            let (level, text) = if scenario.version < SIM_VERSION {
                (
                    Level::Warn,
                    format!(
                        "Opened a shared scenario ({n} steps) made by an older simulation (version {}); its steps were replayed on version {SIM_VERSION}, so some details may differ from what its author saw.",
                        scenario.version
                    ),
                )
            } else if scenario.version > SIM_VERSION {
                (
                    Level::Warn,
                    format!(
                        "Opened a shared scenario ({n} steps) made by a newer simulation (version {}); it was replayed on version {SIM_VERSION}, so some details may differ.",
                        scenario.version
                    ),
                )
            } else {
                (
                    Level::Info,
                    format!(
                        "Opened a shared scenario ({n} steps). Undo brings your own work back."
                    ),
                )
            };
            state.work.notice = Some(Notice {
                level,
                text,
                digest: Some(digest),
            });
            clear_hash();
        }
        Err(e) => {
            state.work.notice = Some(Notice {
                level: Level::Error,
                text: format!("The link could not be opened. {e} Your saved work is unchanged."),
                digest: None,
            });
        }
    }
}

// ---- the page at start-up and autosave ------------------------------------------

/// The page's first state: the autosaved work, then the link in the URL if any.
pub fn initial_state() -> State {
    let mut state = State::default();
    if let Some(saved) = LocalStorage::get::<serde_json::Value>(SAVE_KEY)
        .ok()
        .and_then(|v| from_json(&v))
    {
        load(&mut state, &saved.scenario, Some(saved.term));
    }
    // The work a share link replaced stays one Undo away, across reloads too.
    if let Some(before) = LocalStorage::get::<serde_json::Value>(BEFORE_LINK_KEY)
        .ok()
        .and_then(|v| from_json(&v))
    {
        if before.scenario != snapshot(&state).scenario {
            Rc::make_mut(&mut state.work.undo).push(Rc::new(before));
        }
    }
    let hash = current_hash();
    if hash.len() > 1 {
        open_link(&mut state, &hash);
    }
    state
}

fn current_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// Saves the work whenever it changes, and opens links pasted into the address bar.
///
/// Saving (the share-link encoding of the whole scenario, JSON, localStorage) runs after
/// the page has painted, never between a step and its frame: an effect only notes the
/// newest state, and one save per frame writes it (`ui::after_frames`). Leaving the page
/// (`pagehide`) writes a save still pending.
#[hook]
pub fn use_work(state: &UseReducerHandle<State>) {
    let pending: Pending = use_mut_ref(|| None);
    let started = use_mut_ref(|| false);
    {
        let state = state.clone();
        let pending = pending.clone();
        let deps = (
            state.version,
            state.work.rev,
            state.text.clone(),
            state.term.len(),
        );
        use_effect_with(deps, move |_| {
            let idle = pending.borrow_mut().replace(state).is_none();
            // The page as it loaded (saved already, or nothing yet) is saved a few frames
            // later: the first frame does not wait for the share-link encoder.
            let frames = if std::mem::replace(&mut *started.borrow_mut(), true) {
                1
            } else {
                START_FRAMES
            };
            if idle {
                super::after_frames(frames, move || flush(&pending));
            }
        });
    }
    {
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            let listeners = web_sys::window().map(|w| {
                let hash = EventListener::new(&w, "hashchange", move |_| {
                    let hash = current_hash();
                    if hash.len() > 1 {
                        dispatcher.dispatch(Action::Work(WorkAction::OpenLink(hash)));
                    }
                });
                let hide = EventListener::new(&w, "pagehide", move |_| flush(&pending));
                (hash, hide)
            });
            move || drop(listeners)
        });
    }
}

/// How many frames the start-up's own work (the first save, `app::warm_up`) waits.
pub(crate) const START_FRAMES: u32 = 3;

/// The newest state not saved yet.
type Pending = Rc<RefCell<Option<UseReducerHandle<State>>>>;

fn flush(pending: &Pending) {
    let state = pending.borrow_mut().take();
    if let Some(state) = state {
        save(&state);
    }
}

fn save(state: &State) {
    let saved = snapshot(state);
    if LocalStorage::set(SAVE_KEY, to_json(&saved)).is_err() {
        // Over the quota: keep the scenario (the cluster and editor) at least.
        let slim = Saved {
            scenario: saved.scenario,
            term: Vec::new(),
        };
        let _ = LocalStorage::set(SAVE_KEY, to_json(&slim));
    }
}

fn to_json(saved: &Saved) -> serde_json::Value {
    let skip = saved.term.len().saturating_sub(SAVED_TERM);
    let term: Vec<serde_json::Value> = saved.term[skip..]
        .iter()
        .map(|t| serde_json::json!([t.prompt, t.line, t.output]))
        .collect();
    serde_json::json!({
        "v": 1,
        "link": encode_link(&saved.scenario),
        "term": term,
    })
}

fn from_json(v: &serde_json::Value) -> Option<Saved> {
    let scenario = decode_link(v.get("link")?.as_str()?).ok()?;
    let term = v
        .get("term")
        .and_then(|t| t.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|e| {
                    let f = |i: usize| e.get(i).and_then(|x| x.as_str()).map(str::to_string);
                    Some(TermEntry {
                        prompt: f(0)?,
                        line: f(1)?,
                        output: f(2)?,
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    Some(Saved { scenario, term })
}

// ---- browser bits ------------------------------------------------------------------

/// The page's address without the fragment.
fn page_url() -> String {
    web_sys::window()
        .map(|w| {
            let l = w.location();
            format!(
                "{}{}{}",
                l.origin().unwrap_or_default(),
                l.pathname().unwrap_or_default(),
                l.search().unwrap_or_default()
            )
        })
        .unwrap_or_default()
}

/// Drops the `#s1.` fragment from the address bar (so a reload shows the saved work,
/// not the link again) without a new history entry.
fn clear_hash() {
    let Some(w) = web_sys::window() else { return };
    let l = w.location();
    let url = format!(
        "{}{}",
        l.pathname().unwrap_or_default(),
        l.search().unwrap_or_default()
    );
    let Ok(history) = js_sys::Reflect::get(&w, &JsValue::from_str("history")) else {
        return;
    };
    let Ok(f) = js_sys::Reflect::get(&history, &JsValue::from_str("replaceState")) else {
        return;
    };
    if let Ok(f) = f.dyn_into::<js_sys::Function>() {
        let _ = f.call3(
            &history,
            &JsValue::NULL,
            &JsValue::from_str(""),
            &JsValue::from_str(&url),
        );
    }
}

/// `navigator.clipboard.writeText(text)` when the browser offers it.
fn copy_to_clipboard(text: &str) -> bool {
    let Some(w) = web_sys::window() else {
        return false;
    };
    let nav = w.navigator();
    let Ok(clip) = js_sys::Reflect::get(&nav, &JsValue::from_str("clipboard")) else {
        return false;
    };
    if clip.is_undefined() || clip.is_null() {
        return false;
    }
    let Ok(write) = js_sys::Reflect::get(&clip, &JsValue::from_str("writeText")) else {
        return false;
    };
    let Ok(f) = write.dyn_into::<js_sys::Function>() else {
        return false;
    };
    let Ok(promise) = f.call1(&clip, &JsValue::from_str(text)) else {
        return false;
    };
    // A refused permission rejects the promise: swallow it rather than log an error.
    let ignore = wasm_bindgen::closure::Closure::once_into_js(|_: JsValue| {});
    if let Ok(catch) = js_sys::Reflect::get(&promise, &JsValue::from_str("catch")) {
        if let Ok(catch) = catch.dyn_into::<js_sys::Function>() {
            let _ = catch.call1(&promise, &ignore);
        }
    }
    true
}

/// Downloads `text` as a file named `name` (a `data:` link clicked once).
fn download(name: &str, text: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(a) = doc.create_element("a") else {
        return;
    };
    let href = format!(
        "data:text/yaml;charset=utf-8,{}",
        String::from(js_sys::encode_uri_component(text))
    );
    let _ = a.set_attribute("href", &href);
    let _ = a.set_attribute("download", name);
    if let Ok(a) = a.dyn_into::<web_sys::HtmlElement>() {
        a.click();
    }
}

// ---- the view ----------------------------------------------------------------------

/// The work bar: Share (+ the link), Undo, Reset, Export and the Lessons menu.
pub fn bar(state: &State, dispatch: &Callback<Action>) -> Html {
    let on = |a: WorkAction| {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.emit(Action::Work(a.clone())))
    };
    let can_undo = !state.work.undo.is_empty();
    html! {
        <div class="kp-work" role="toolbar" aria-label="Work">
            { super::lessons::menu(state, dispatch) }
            <button class="kp-btn" onclick={on(WorkAction::Share)}
                    title="Make a link that rebuilds this cluster">{ "Share" }</button>
            <button class="kp-btn" onclick={on(WorkAction::Undo)} disabled={!can_undo}
                    title="Bring the previous scenario back">{ "Undo" }</button>
            <button class="kp-btn" onclick={on(WorkAction::Reset)}
                    title="Start over with an empty cluster">{ "Reset" }</button>
            <button class="kp-btn" onclick={on(WorkAction::Export)}
                    title="Download the manifests and the kubectl commands for a real cluster">{ "Export" }</button>
        </div>
    }
}

/// The notice line and the share link box, under the header.
pub fn notices(state: &State, dispatch: &Callback<Action>) -> Html {
    let dismiss = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.emit(Action::Work(WorkAction::Dismiss)))
    };
    let notice = state.work.notice.as_ref().map(|n| {
        let (class, role) = match n.level {
            Level::Info => ("kp-notice kp-notice-info", "status"),
            Level::Warn => ("kp-notice kp-notice-warn", "status"),
            Level::Error => ("kp-notice kp-notice-error", "alert"),
        };
        html! {
            <div {class} {role} data-digest={n.digest.clone()}>
                <span class="kp-notice-text">{ n.text.clone() }</span>
                <button class="kp-btn kp-btn-inline" onclick={dismiss.clone()}>{ "Dismiss" }</button>
            </div>
        }
    });
    let link = state.work.link.as_ref().map(|l| {
        let select = Callback::from(|e: FocusEvent| {
            if let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                input.select();
            }
        });
        html! {
            <div class="kp-share">
                <label class="kp-share-label">
                    { "Share link " }
                    <input class="kp-share-link" type="text" readonly=true aria-label="Share link"
                           value={l.clone()} onfocus={select} />
                </label>
            </div>
        }
    });
    html! { <>{ for notice }{ for link }</> }
}
