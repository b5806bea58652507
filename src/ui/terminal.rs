//! The terminal: an input line (Enter runs it) and the scrolled output region.

use web_sys::{HtmlElement, HtmlInputElement, KeyboardEvent};
use yew::prelude::*;

use super::app::TermEntry;

#[derive(Properties, PartialEq)]
pub struct TerminalProps {
    pub entries: Vec<TermEntry>,
    pub on_command: Callback<String>,
}

#[function_component(Terminal)]
pub fn terminal(props: &TerminalProps) -> Html {
    let output_ref = use_node_ref();
    {
        let output_ref = output_ref.clone();
        use_effect_with(props.entries.len(), move |_| {
            if let Some(el) = output_ref.cast::<HtmlElement>() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    }
    let onkeydown = {
        let on_command = props.on_command.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" {
                e.prevent_default();
                let input: HtmlInputElement = e.target_unchecked_into();
                let line = input.value();
                input.set_value("");
                on_command.emit(line);
            }
        })
    };
    html! {
        <section class="kp-terminal">
            <div class="kp-term-output" role="region" aria-label="Terminal output"
                 ref={output_ref} tabindex="0">
                { for props.entries.iter().map(|e| html! {
                    <div class="kp-term-entry">
                        <div class="kp-term-cmd">{ format!("$ {}", e.line) }</div>
                        <pre>{ e.output.clone() }</pre>
                    </div>
                }) }
            </div>
            <div class="kp-term-input">
                <span aria-hidden="true">{ "$" }</span>
                <input type="text" aria-label="Terminal" spellcheck="false"
                       autocomplete="off" autocapitalize="off" {onkeydown} />
            </div>
        </section>
    }
}
