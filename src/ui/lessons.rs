//! The "Lessons" menu and the lesson panel: guidance, what to do, and the checks,
//! turning green live as the learner's steps make them true.

use wasm_bindgen::JsValue;
use yew::prelude::*;

use super::app::{Action, State};
use super::share::WorkAction;
use super::view::UiAction;
use crate::scenario::lessons::{self, Do, LESSONS};

/// `<select aria-label="Lessons">`: picking one loads it (Undo brings the work back).
pub fn menu(state: &State, dispatch: &Callback<Action>) -> Html {
    let onchange = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let id = e
                .target()
                .and_then(|t| js_sys::Reflect::get(&t, &JsValue::from_str("value")).ok())
                .and_then(|v| v.as_string())
                .unwrap_or_default();
            if !id.is_empty() {
                dispatch.emit(Action::Work(WorkAction::LoadLesson(id)));
            }
        })
    };
    let current = state.work.lesson.unwrap_or("");
    html! {
        <select class="kp-lessons" aria-label="Lessons" {onchange}>
            <option value="" selected={current.is_empty()}>{ "Lessons..." }</option>
            { for LESSONS.iter().map(|l| html! {
                <option value={l.id} selected={current == l.id}>{ l.title }</option>
            }) }
        </select>
    }
}

/// The panel of the lesson being followed (nothing when none is).
pub fn panel(state: &State, dispatch: &Callback<Action>) -> Html {
    let Some(lesson) = state.work.lesson.and_then(lessons::find) else {
        return html! {};
    };
    let close = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.emit(Action::Work(WorkAction::CloseLesson)))
    };
    let hints = lessons::selector_hints(&state.world.borrow());
    let lb_on = state
        .world
        .borrow()
        .cluster
        .settings
        .load_balancer_controller;
    let todo = lesson.todo.iter().map(|(label, d)| {
        let detail = match d {
            Do::Command(line) => html! { <code class="kp-lesson-cmd">{ *line }</code> },
            Do::LoadBalancerOn => {
                let dispatch = dispatch.clone();
                let onclick = Callback::from(move |_: MouseEvent| {
                    dispatch.emit(Action::Ui(UiAction::LoadBalancer(true)))
                });
                html! {
                    <button class="kp-btn kp-btn-inline" {onclick} disabled={lb_on}>
                        { "Turn on the load-balancer controller" }
                    </button>
                }
            }
            Do::Apply(text) => {
                let dispatch = dispatch.clone();
                let onclick = Callback::from(move |_: MouseEvent| {
                    dispatch.emit(Action::Edit((*text).to_string()))
                });
                let current = state.text == *text;
                html! {
                    <button class="kp-btn kp-btn-inline" {onclick} disabled={current}
                            title="Put this step's manifest into the editor">
                        { if current { "(in the editor)" } else { "Use this manifest" } }
                    </button>
                }
            }
            Do::Wait(_) => html! {},
        };
        html! { <li>{ *label }{ " " }{ detail }</li> }
    });
    let checks = lesson.checks.iter().enumerate().map(|(i, c)| {
        let ok = state.work.progress.passed(lesson, i);
        let class = if ok {
            "kp-check kp-check-pass"
        } else {
            "kp-check"
        };
        let label = format!("{}: {}", c.label, if ok { "passed" } else { "not yet" });
        html! {
            <li {class} aria-label={label} data-passed={ok.to_string()}>
                <span class="kp-check-mark" aria-hidden="true">{ if ok { "\u{2714}" } else { "\u{25cb}" } }</span>
                { c.label }
            </li>
        }
    });
    html! {
        <section class="kp-lesson" aria-label="Lesson">
            <div class="kp-lesson-head">
                <h2>{ lesson.title }</h2>
                <button class="kp-btn kp-btn-inline" onclick={close}>{ "Close lesson" }</button>
            </div>
            { for lesson.guidance.iter().map(|p| html! { <p>{ *p }</p> }) }
            <ol class="kp-lesson-todo">{ for todo }</ol>
            <ul class="kp-checks" aria-label="Checks">{ for checks }</ul>
            { for hints.iter().map(|h| html! { <p class="kp-hint">{ h.clone() }</p> }) }
        </section>
    }
}
