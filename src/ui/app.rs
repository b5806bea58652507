//! Page state and its reducer. Every change goes through an [`Action`]; the view
//! components only render [`State`] and dispatch actions.

use std::rc::Rc;

use yew::prelude::*;

use super::diagram::Diagram;
use super::editor::Editor;
use crate::manifest::{self, DocError};

/// The lesson's starting manifest: the nginx Deployment and its ClusterIP Service.
pub const DEFAULT_MANIFEST: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  replicas: 3
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports:
        - containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: nginx
spec:
  selector:
    app: nginx
  ports:
  - port: 80
    targetPort: 80
";

/// One parsed object as the diagram draws it.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    pub kind: String,
    pub name: String,
}

/// One problem found in the manifest, with the 1-based line when known.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub message: String,
    pub line: Option<usize>,
}

/// Everything the page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    /// The editor's text (never discarded, even when it does not parse).
    pub text: String,
    /// The objects of the last Apply.
    pub shapes: Vec<Shape>,
    /// The problems of the last Apply.
    pub problems: Vec<Problem>,
}

/// What can happen on the page.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// The learner changed the editor's text.
    Edit(String),
    /// The learner pressed Apply: parse the text.
    Apply,
}

impl State {
    /// A page showing `text`, already applied.
    pub fn with_text(text: &str) -> Self {
        let mut state = State {
            text: text.to_string(),
            shapes: Vec::new(),
            problems: Vec::new(),
        };
        state.apply();
        state
    }

    fn apply(&mut self) {
        self.shapes.clear();
        self.problems.clear();
        for doc in manifest::parse(&self.text, "STDIN") {
            match doc.result {
                Ok(obj) => self.shapes.push(Shape {
                    kind: obj.kind().to_string(),
                    name: obj.name().to_string(),
                }),
                Err(err) => self.problems.push(problem(err, doc.start_line)),
            }
        }
    }
}

fn problem(err: DocError, start_line: usize) -> Problem {
    let (message, line) = match err {
        DocError::Syntax { message, line } | DocError::Client { message, line } => (message, line),
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
    fn default() -> Self {
        State::with_text(DEFAULT_MANIFEST)
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Edit(text) => next.text = text,
            Action::Apply => next.apply(),
        }
        Rc::new(next)
    }
}

/// The page: editor on the left, diagram on the right.
#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(State::default);
    let on_input = {
        let state = state.dispatcher();
        Callback::from(move |text: String| state.dispatch(Action::Edit(text)))
    };
    let on_apply = {
        let state = state.dispatcher();
        Callback::from(move |()| state.dispatch(Action::Apply))
    };
    html! {
        <div class="kp-app">
            <header class="kp-header"><h1>{ "kubeplay" }</h1></header>
            <main class="kp-main">
                <Editor text={state.text.clone()} problems={state.problems.clone()} {on_input} {on_apply} />
                <Diagram shapes={state.shapes.clone()} />
            </main>
        </div>
    }
}
