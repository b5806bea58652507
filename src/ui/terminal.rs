//! The terminal: an input line (Enter runs it; Up/Down walk the history; Ctrl+C
//! abandons the line or stops a streaming `get -w` / `logs -f`; Ctrl+L clears the
//! screen) and the scrolled output region. Inside a pod (menu "Shell" or
//! `kubectl exec -it POD -- sh`) the prompt is `/ #`; while a command streams there is
//! no prompt, as in a real terminal.

use web_sys::{HtmlElement, HtmlInputElement, KeyboardEvent};
use yew::prelude::*;

use super::app::{Action, TermEntry};
use super::view::UiAction;

#[derive(Properties)]
pub struct TerminalProps {
    pub entries: Vec<TermEntry>,
    /// `$` at the top, `/ #` inside a pod.
    pub prompt: String,
    pub dispatch: Callback<Action>,
    /// Read for Tab completion only (never written here).
    pub world: std::rc::Rc<std::cell::RefCell<crate::scenario::World>>,
    /// A `get -w` / `logs -f` is running: no prompt until Ctrl+C.
    #[prop_or_default]
    pub streaming: bool,
}

/// Impl PartialEq by pointer for the shared world (it changes through steps, and the
/// terminal only reads it when Tab is pressed).
fn same_world(
    a: &std::rc::Rc<std::cell::RefCell<crate::scenario::World>>,
    b: &std::rc::Rc<std::cell::RefCell<crate::scenario::World>>,
) -> bool {
    std::rc::Rc::ptr_eq(a, b)
}

/// What Tab does to `line`: one candidate replaces the last word (and adds a space);
/// several extend it to their longest common prefix.
pub fn complete_line(line: &str, candidates: &[String]) -> Option<String> {
    let start = line.rfind(char::is_whitespace).map_or(0, |i| i + 1);
    let (head, word) = line.split_at(start);
    match candidates {
        [] => None,
        [one] => Some(format!("{head}{one} ")),
        many => {
            let first = &many[0];
            let mut len = first.len();
            for c in &many[1..] {
                len = len.min(
                    first
                        .char_indices()
                        .zip(c.chars())
                        .take_while(|((_, a), b)| a == b)
                        .last()
                        .map_or(0, |((i, a), _)| i + a.len_utf8()),
                );
            }
            let prefix = &first[..len];
            (prefix.len() > word.len() && prefix.starts_with(word))
                .then(|| format!("{head}{prefix}"))
        }
    }
}

impl PartialEq for TerminalProps {
    fn eq(&self, other: &Self) -> bool {
        self.entries == other.entries
            && self.prompt == other.prompt
            && self.streaming == other.streaming
            && self.dispatch == other.dispatch
            && same_world(&self.world, &other.world)
    }
}

/// Lines typed so far (newest last) and where Up/Down is in them.
#[derive(Default)]
struct History {
    lines: Vec<String>,
    /// Index into `lines` while browsing; `lines.len()` is the fresh line.
    pos: usize,
    /// The unfinished line kept while browsing.
    draft: String,
}

#[function_component(Terminal)]
pub fn terminal(props: &TerminalProps) -> Html {
    let output_ref = use_node_ref();
    let input_ref = use_node_ref();
    let history = use_mut_ref(History::default);
    {
        let output_ref = output_ref.clone();
        let last_len = props.entries.last().map_or(0, |e| e.output.len());
        use_effect_with((props.entries.len(), last_len), move |_| {
            if let Some(el) = output_ref.cast::<HtmlElement>() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    }
    {
        // Entering or leaving a pod's shell focuses the input.
        let input_ref = input_ref.clone();
        use_effect_with(props.prompt.clone(), move |p| {
            if p != "$" {
                if let Some(el) = input_ref.cast::<HtmlElement>() {
                    let _ = el.focus();
                }
            }
        });
    }
    let onkeydown = {
        let dispatch = props.dispatch.clone();
        let history = history.clone();
        let world = props.world.clone();
        let at_top = props.prompt == "$";
        Callback::from(move |e: KeyboardEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let ctrl = e.ctrl_key() || e.meta_key();
            match e.key().as_str() {
                "Enter" => {
                    e.prevent_default();
                    let line = input.value();
                    input.set_value("");
                    let mut h = history.borrow_mut();
                    if !line.trim().is_empty() && h.lines.last() != Some(&line) {
                        h.lines.push(line.clone());
                        if h.lines.len() > 500 {
                            h.lines.remove(0);
                        }
                    }
                    h.pos = h.lines.len();
                    h.draft.clear();
                    drop(h);
                    dispatch.emit(Action::Ui(UiAction::TermLine(line)));
                }
                "ArrowUp" => {
                    e.prevent_default();
                    let mut h = history.borrow_mut();
                    if h.pos == h.lines.len() {
                        h.draft = input.value();
                    }
                    if h.pos > 0 {
                        h.pos -= 1;
                        if let Some(l) = h.lines.get(h.pos) {
                            input.set_value(l);
                        }
                    }
                }
                "ArrowDown" => {
                    e.prevent_default();
                    let mut h = history.borrow_mut();
                    if h.pos < h.lines.len() {
                        h.pos += 1;
                        let v = h
                            .lines
                            .get(h.pos)
                            .cloned()
                            .unwrap_or_else(|| h.draft.clone());
                        input.set_value(&v);
                    }
                }
                "c" | "C" if e.ctrl_key() => {
                    // Ctrl+C (not Cmd+C, which copies).
                    e.prevent_default();
                    let line = input.value();
                    input.set_value("");
                    let mut h = history.borrow_mut();
                    h.pos = h.lines.len();
                    drop(h);
                    dispatch.emit(Action::Ui(UiAction::Interrupt(line)));
                }
                "Tab" if at_top => {
                    e.prevent_default();
                    let line = input.value();
                    let candidates = match world.try_borrow() {
                        Ok(w) => crate::term::complete::complete(&w.cluster, &w.terminal, &line),
                        Err(_) => Vec::new(),
                    };
                    if let Some(new) = complete_line(&line, &candidates) {
                        input.set_value(&new);
                    }
                }
                "l" | "L" if ctrl => {
                    e.prevent_default();
                    dispatch.emit(Action::Ui(UiAction::ClearTerm));
                }
                _ => {}
            }
        })
    };
    html! {
        <section class="kp-terminal" aria-label="Terminal pane">
            <div class="kp-term-output" role="region" aria-label="Terminal output"
                 ref={output_ref} tabindex="0">
                if props.entries.is_empty() {
                    <div class="kp-term-hint">{ "Type kubectl commands, e.g. kubectl get pods -o wide. Up/Down: history, Ctrl+C: cancel the line, Ctrl+L or clear: clear the screen." }</div>
                }
                { for props.entries.iter().map(|e| html! {
                    <div class="kp-term-entry">
                        <div class="kp-term-cmd">{ format!("{} {}", e.prompt, e.line) }</div>
                        if !e.output.is_empty() {
                            <pre>{ e.output.clone() }</pre>
                        }
                    </div>
                }) }
            </div>
            <div class="kp-term-input">
                <span class="kp-prompt" aria-hidden="true">
                    { if props.streaming { String::new() } else { props.prompt.clone() } }
                </span>
                <input type="text" aria-label="Terminal" spellcheck="false" ref={input_ref}
                       autocomplete="off" autocapitalize="off" {onkeydown}
                       placeholder={ props.streaming.then_some("streaming - Ctrl+C to stop") } />
            </div>
        </section>
    }
}
