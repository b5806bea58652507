//! The manifest editor: a labelled textarea with line numbers (lines with a problem
//! are marked), the Apply button (or Ctrl/Cmd+Enter), the result of each apply and
//! the problems of the last Apply (in a `role="alert"` element).

use std::collections::BTreeMap;

use web_sys::{HtmlElement, HtmlTextAreaElement, KeyboardEvent};
use yew::prelude::*;

use super::app::Problem;

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    pub text: String,
    pub problems: Vec<Problem>,
    /// The result lines of the last Apply.
    pub applied: Vec<String>,
    pub on_input: Callback<String>,
    pub on_apply: Callback<()>,
}

#[function_component(Editor)]
pub fn editor(props: &EditorProps) -> Html {
    let oninput = {
        let on_input = props.on_input.clone();
        Callback::from(move |e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            on_input.emit(area.value());
        })
    };
    let onclick = {
        let on_apply = props.on_apply.clone();
        Callback::from(move |_: MouseEvent| on_apply.emit(()))
    };
    let onkeydown = {
        let on_apply = props.on_apply.clone();
        let on_input = props.on_input.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" && (e.ctrl_key() || e.meta_key()) {
                e.prevent_default();
                let area: HtmlTextAreaElement = e.target_unchecked_into();
                on_input.emit(area.value());
                on_apply.emit(());
            }
        })
    };
    let gutter_ref = use_node_ref();
    let onscroll = {
        let gutter_ref = gutter_ref.clone();
        Callback::from(move |e: Event| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            if let Some(g) = gutter_ref.cast::<HtmlElement>() {
                g.set_scroll_top(area.scroll_top());
            }
        })
    };
    let bad_lines: BTreeMap<usize, String> = crate::sort::collect_map(
        props
            .problems
            .iter()
            .filter_map(|p| p.line.map(|l| (l, p.message.clone()))),
    );
    let n_lines = props.text.lines().count().max(1) + usize::from(props.text.ends_with('\n'));
    let has_problems = !props.problems.is_empty();
    html! {
        <section class="kp-editor">
            <label for="kp-manifest">{ "Manifest" }</label>
            <div class="kp-code">
                <div class="kp-gutter" aria-hidden="true" ref={gutter_ref}>
                    <Gutter {n_lines} {bad_lines} />
                </div>
                <textarea
                    id="kp-manifest"
                    spellcheck="false"
                    wrap="off"
                    rows="24"
                    value={props.text.clone()}
                    aria-invalid={has_problems.to_string()}
                    aria-describedby={has_problems.then_some("kp-problems")}
                    {oninput}
                    {onkeydown}
                    {onscroll}
                />
            </div>
            <div class="kp-actions">
                <button type="button" {onclick}>{ "Apply" }</button>
                <span class="kp-kbd">{ "or Ctrl+Enter" }</span>
            </div>
            if !props.applied.is_empty() {
                <ul class="kp-applied" aria-label="Apply results">
                    { for props.applied.iter().map(|l| {
                        let class = if l.starts_with("error") || l.starts_with("Error") || l.contains(" is invalid") {
                            "kp-applied-error"
                        } else if l.ends_with(" unchanged") {
                            "kp-applied-same"
                        } else {
                            "kp-applied-ok"
                        };
                        html! { <li class={class}>{ l.clone() }</li> }
                    }) }
                </ul>
            }
            if has_problems {
                <div id="kp-problems" class="kp-problems" role="alert">
                    { for props.problems.iter().map(|p| html! {
                        <p class="kp-problem">
                            if let Some(line) = p.line {
                                <span class="kp-line">{ format!("line {line}: ") }</span>
                            }
                            <span class="kp-message">{ p.message.clone() }</span>
                        </p>
                    }) }
                </div>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct GutterProps {
    n_lines: usize,
    /// The problem per 1-based line.
    bad_lines: BTreeMap<usize, String>,
}

/// The line numbers: their own component, so that an Apply or a keystroke that keeps the
/// line count and the problems does not rebuild them. All numbers are one text node (one
/// layout object, where one box per line made a 1,000-line manifest 2,000 objects for the
/// browser to lay out on every Apply); a line with a problem gets a marker laid over its
/// number, placed by its index (`--line`, style.css).
#[function_component(Gutter)]
fn gutter(props: &GutterProps) -> Html {
    let numbers = line_numbers(props.n_lines);
    html! {
        <>
            <div class="kp-gutter-lines">{ numbers }</div>
            { for props.bad_lines.iter().map(|(i, msg)| html! {
                <div class="kp-gutter-bad" style={format!("--line: {}", i.saturating_sub(1))} title={msg.clone()}>
                    { format!("▸{i}") }
                </div>
            }) }
        </>
    }
}

/// "1\n2\n...\nn": the gutter's text.
fn line_numbers(n: usize) -> String {
    let mut text = String::with_capacity(n * 5);
    for i in 1..=n {
        if i > 1 {
            text.push('\n');
        }
        text.push_str(&i.to_string());
    }
    text
}
