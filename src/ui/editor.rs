//! The manifest editor: a labelled textarea, the Apply button and the problems of
//! the last Apply (in a `role="alert"` element).

use web_sys::HtmlTextAreaElement;
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
    let has_problems = !props.problems.is_empty();
    html! {
        <section class="kp-editor">
            <label for="kp-manifest">{ "Manifest" }</label>
            <textarea
                id="kp-manifest"
                spellcheck="false"
                rows="24"
                value={props.text.clone()}
                aria-invalid={has_problems.to_string()}
                aria-describedby={has_problems.then_some("kp-problems")}
                {oninput}
            />
            <div class="kp-actions">
                <button type="button" {onclick}>{ "Apply" }</button>
            </div>
            if !props.applied.is_empty() {
                <ul class="kp-applied" aria-label="Apply results">
                    { for props.applied.iter().map(|l| {
                        let class = if l.starts_with("error") || l.starts_with("Error") {
                            "kp-applied-error"
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
