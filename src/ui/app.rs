//! Page state and its reducer. Every change goes through an [`Action`]; the view
//! components only render [`State`] and dispatch actions.

use std::rc::Rc;

use yew::prelude::*;

use std::cell::RefCell;

use gloo::timers::callback::Interval;

use super::controls::Controls;
use super::diagram::{snapshot, Diagram};
use super::editor::Editor;
use super::inspector::{selected_pods, Inspector};
use super::terminal::Terminal;
use super::view::{self, Sel, UiAction, UiState};
use crate::manifest::{self, DocError};
use crate::scenario::{Step, World};

/// The lesson's starting manifest: the nginx Deployment and its ClusterIP Service.
pub const DEFAULT_MANIFEST: &str = crate::scenario::lessons::NGINX;

/// One problem found in the manifest, with the 1-based line when known.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub message: String,
    pub line: Option<usize>,
}

/// One command run in the terminal and what it printed.
#[derive(Debug, Clone, PartialEq)]
pub struct TermEntry {
    /// `$` at the top, `/ #` inside a pod.
    pub prompt: String,
    pub line: String,
    pub output: String,
}

/// Everything the page shows. The [`World`] is shared behind an `Rc<RefCell>` so a
/// tick does not copy the cluster; `version` changes whenever the world does.
#[derive(Debug, Clone)]
pub struct State {
    /// The editor's text (never discarded, even when it does not parse).
    pub text: String,
    /// The problems of the last Apply.
    pub problems: Vec<Problem>,
    /// The result lines of the last Apply (`deployment.apps/nginx created`, ...).
    pub applied: Vec<String>,
    /// The simulated cluster and terminal.
    pub world: Rc<RefCell<World>>,
    /// Bumped on every change of `world`.
    pub version: u64,
    /// The terminal's history.
    pub term: Vec<TermEntry>,
    /// View-state: selection, pod menu, inspector tab, in-pod shell, clock, filter.
    pub ui: UiState,
    /// The scenario log, undo, notices, share link and lesson progress (`share`).
    pub work: super::share::Work,
}

impl PartialEq for State {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.world, &other.world)
            && self.version == other.version
            && self.text == other.text
            && self.problems == other.problems
            && self.applied == other.applied
            && self.term == other.term
            && self.ui == other.ui
            && self.work == other.work
    }
}

/// What can happen on the page.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// The learner changed the editor's text.
    Edit(String),
    /// The learner pressed Apply: `kubectl apply -f -` with the text.
    Apply,
    /// The clock: advance the cluster by this many milliseconds.
    Tick(i64),
    /// Kill a pod in the default namespace.
    Kill(String),
    /// Run a terminal command line.
    Command(String),
    /// Selection, menus, clock, settings, traffic, terminal lines (see [`UiAction`]).
    Ui(UiAction),
    /// Share, Undo, Reset, Export, lessons, links (see [`super::share::WorkAction`]).
    Work(super::share::WorkAction),
    /// Two frames after the first: the starting cluster's controllers and clock run
    /// ([`World::finish_start`]; any other action that changes the world runs them first).
    Start,
}

impl State {
    /// A page showing `text`, already applied.
    pub fn with_text(text: &str) -> Self {
        let mut state = State {
            text: text.to_string(),
            problems: Vec::new(),
            applied: Vec::new(),
            world: Rc::new(RefCell::new(super::live::world(1))),
            version: 0,
            term: Vec::new(),
            ui: UiState::default(),
            work: Default::default(),
        };
        state.apply();
        state
    }

    pub(crate) fn run(&mut self, step: &Step) -> String {
        self.run_with_code(step).0
    }

    /// [`State::run`], also returning the step's exit code.
    fn run_with_code(&mut self, step: &Step) -> (String, i32) {
        let (result, flows) = {
            let mut world = self.world.borrow_mut();
            let result = world.run(step);
            (result, std::mem::take(&mut world.flows))
        };
        self.version += 1;
        if !flows.is_empty() {
            self.ui.packets = view::Packets {
                seq: self.version,
                flows: Rc::new(flows),
            };
        }
        let output = result.output.combined();
        super::share::record(self, step, &output);
        (output, result.code)
    }

    fn apply(&mut self) {
        let text = self.text.clone();
        let (out, code) = self.run_with_code(&Step::Apply { text });
        // `kubectl apply` reports every document that does not parse and then exits 1, so
        // a clean apply has no problems to mark: only a failed one parses the text again
        // for the problems' lines.
        self.problems.clear();
        if code != 0 {
            for doc in manifest::parse(&self.text, "STDIN") {
                if let Err(err) = doc.result {
                    self.problems.push(problem(err, doc.start_line));
                }
            }
        }
        self.applied = out
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(str::to_string)
            .collect();
    }
}

fn problem(err: DocError, start_line: usize) -> Problem {
    let (message, line) = match err {
        DocError::Syntax { message, line } => (message, line),
        DocError::Client { message, line } => (manifest::validated(message, "STDIN"), line),
        DocError::UnknownFields { fields, line, .. } => {
            (format!("unknown field(s): {}", fields.join(", ")), line)
        }
        DocError::Decode { message, line, .. } => (message, line),
    };
    Problem {
        message,
        line: line.or(Some(start_line)),
    }
}

impl Default for State {
    /// The lesson's starting manifest in the editor and an empty cluster, still starting
    /// ([`World::starting`]: the first frame does not wait for the controllers; the page
    /// dispatches [`Action::Start`] after it).
    fn default() -> Self {
        State {
            text: DEFAULT_MANIFEST.to_string(),
            problems: Vec::new(),
            applied: Vec::new(),
            world: Rc::new(RefCell::new(super::live::starting_world(1))),
            version: 0,
            term: Vec::new(),
            ui: UiState::default(),
            work: Default::default(),
        }
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        // A paused clock's tick changes nothing: no copy of the state.
        if matches!(action, Action::Tick(_)) && self.ui.paused {
            return self;
        }
        if action == Action::Start && !self.world.borrow().start_pending() {
            return self;
        }
        let mut next = (*self).clone();
        // A starting world's controllers and clock run before anything else happens to it.
        if next.world.borrow_mut().finish_start() {
            next.version += 1;
        }
        match action {
            Action::Start => {}
            Action::Edit(text) => next.text = text,
            Action::Apply => next.apply(),
            Action::Tick(ms) => {
                next.run(&Step::Advance {
                    ms: ms * i64::from(next.ui.speed),
                });
            }
            Action::Kill(name) => {
                next.run(&Step::KillPod {
                    namespace: "default".into(),
                    name,
                });
                next.ui.menu = false;
            }
            Action::Command(line) => {
                let output = next.run(&Step::Command { line: line.clone() });
                next.term.push(TermEntry {
                    prompt: "$".into(),
                    line,
                    output,
                });
                super::live::after_command(&mut next);
            }
            Action::Ui(a) => view::reduce(&mut next, a),
            Action::Work(a) => super::share::reduce(&mut next, a),
        }
        // A running `get -w` / `logs -f` prints what this action changed.
        super::live::pump(&mut next);
        Rc::new(next)
    }
}

/// WebAssembly compiles each function when it first runs (V8: lazily, then optimised in
/// the background once hot), and a first Apply of a manifest would pay for the parser,
/// the API server, the controllers, the kubelet and the diagram's snapshot at once. After
/// the first frame is painted, the page applies the starting manifest once to a COPY of
/// the world and lets it run a few seconds, then drops the copy: the page's own world
/// and state are untouched (the learner's first Apply is the first step the page runs).
fn warm_up(world: &World) {
    let mut scratch = world.clone();
    scratch.run(&Step::Apply {
        text: DEFAULT_MANIFEST.to_string(),
    });
    scratch.run(&Step::Advance { ms: 3_000 });
    let _ = snapshot(&scratch, "default");
}

/// How many frames [`Action::Start`] waits (before `share::START_FRAMES`' start-up work).
const START_AFTER_FRAMES: u32 = 2;

/// The clock's period and the simulated time each tick advances.
const TICK_MS: u32 = 500;

/// The inspector's kubectl output follows every change of the store, and at least every
/// this many simulated milliseconds (ages and event times move on).
const INSPECTOR_REFRESH_MS: i64 = 5_000;

/// The page: editor on the left, diagram on the right, terminal below.
#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(super::share::initial_state);
    super::share::use_work(&state);
    {
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            let interval = Interval::new(TICK_MS, move || {
                dispatcher.dispatch(Action::Tick(i64::from(TICK_MS)))
            });
            move || drop(interval)
        });
    }
    {
        let world = state.world.clone();
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| {
            // The first frame shows the cluster as installed; the frame after it is painted
            // too before the controllers and clock run (`Action::Start`), then the warm-up.
            super::after_frames(START_AFTER_FRAMES, move || {
                dispatcher.dispatch(Action::Start)
            });
            super::after_frames(super::share::START_FRAMES, move || warm_up(&world.borrow()));
        });
    }
    // The callbacks are made once (the dispatcher never changes), so the children's props
    // stay equal across clock ticks and they skip rendering when what they show is the same.
    let on_input = use_memo((), {
        let state = state.dispatcher();
        move |_| Callback::from(move |text: String| state.dispatch(Action::Edit(text)))
    });
    let on_apply = use_memo((), {
        let state = state.dispatcher();
        move |_| Callback::from(move |()| state.dispatch(Action::Apply))
    });
    let dispatch = use_memo((), {
        let state = state.dispatcher();
        move |_| Callback::from(move |a: Action| state.dispatch(a))
    });
    let (on_input, on_apply, dispatch) = (
        (*on_input).clone(),
        (*on_apply).clone(),
        (*dispatch).clone(),
    );
    let ui = &state.ui;
    // What the diagram draws depends on the store only: recomputed when an object changed
    // (its revision), the world was replaced or the filter changed, not on idle ticks.
    let world_id = Rc::as_ptr(&state.world) as usize;
    let rev = state.world.borrow().cluster.store.revision();
    let snap = use_memo((world_id, rev, ui.namespace.clone()), {
        let world = state.world.clone();
        move |(_, _, ns)| snapshot(&world.borrow(), ns)
    });
    let highlight = use_memo((world_id, rev, ui.sel.clone()), {
        let world = state.world.clone();
        move |(_, _, sel)| match sel {
            Some(Sel::Service { namespace, name }) => {
                selected_pods(&world.borrow(), namespace, name)
            }
            _ => Default::default(),
        }
    });
    let highlight = (*highlight).clone();
    let world = state.world.borrow();
    let pods: Vec<(String, String)> = snap
        .nodes
        .iter()
        .flat_map(|n| n.pods.iter())
        .filter(|p| p.ip.is_some())
        .map(|p| (p.namespace.clone(), p.name.clone()))
        .collect();
    let replicas = match &ui.sel {
        Some(Sel::Deployment { namespace, name }) => snap
            .deployments
            .iter()
            .find(|d| &d.namespace == namespace && &d.name == name)
            .map(|d| d.replicas),
        _ => None,
    };
    let (now, load_balancer, proxy_mode) = (
        world.cluster.now,
        world.cluster.settings.load_balancer_controller,
        world.cluster.settings.proxy_mode,
    );
    drop(world);
    html! {
        <div class="kp-app">
            <header class="kp-header">
                <h1>{ "kubeplay" }</h1>
                <Controls paused={ui.paused} speed={ui.speed} {now} {load_balancer} {proxy_mode}
                          namespace={ui.namespace.clone()} namespaces={snap.namespaces.clone()}
                          dispatch={dispatch.clone()} />
                { super::share::bar(&state, &dispatch) }
            </header>
            { super::share::notices(&state, &dispatch) }
            { super::lessons::panel(&state, &dispatch) }
            <main class="kp-main">
                <Editor text={state.text.clone()} problems={state.problems.clone()}
                        applied={state.applied.clone()} {on_input} {on_apply} />
                <Diagram snapshot={snap} selected={ui.sel.clone()} menu={ui.menu} {highlight}
                         hits={ui.hits.clone()} packets={ui.packets.clone()} dispatch={dispatch.clone()} />
                <Terminal entries={state.term.clone()} prompt={view::prompt(ui, &state.world.borrow())} dispatch={dispatch.clone()} world={state.world.clone()}
                          streaming={super::live::streaming(&state)} />
                <Inspector world={state.world.clone()} rev={(rev, state.work.scenario.steps.len())}
                           clock={now / INSPECTOR_REFRESH_MS} sel={ui.sel.clone()}
                           tab={ui.tab} traffic={ui.traffic.clone()} {pods} {replicas} {dispatch} />
            </main>
        </div>
    }
}
