//! The page's terminal is live: `kubectl get -w` and `kubectl logs -f` keep printing
//! until Ctrl+C, and `kubectl edit` opens the object's YAML in the editor. The streams
//! themselves are `term::kubectl::stream` (pure, tested natively); this module only moves
//! their output into the terminal's entries and the edited YAML into the editor.

use super::app::{State, TermEntry};
use crate::scenario::World;

/// A world whose terminal is the page's live one.
pub fn world(seed: u64) -> World {
    let mut w = starting_world(seed);
    w.finish_start();
    w
}

/// [`world`] in two halves ([`World::starting`]): the default objects installed, the
/// controllers and the clock to run after the first frame (`app::Action::Start`).
pub fn starting_world(seed: u64) -> World {
    let mut w = World::starting(seed);
    w.terminal.live = true;
    w
}

/// Whether a streaming command is running (the terminal shows no prompt then).
pub fn streaming(state: &State) -> bool {
    state.world.borrow().terminal.stream.is_some()
}

/// After a command line: YAML `kubectl edit` asked for goes into the editor, and what the
/// terminal could not do is said in the page's notice line (never in the output).
pub fn after_command(state: &mut State) {
    let notice = state.world.borrow_mut().terminal.notice.take();
    if let Some(text) = notice {
        state.work.notice = Some(super::share::Notice {
            level: super::share::Level::Info,
            text,
            digest: None,
        });
    }
    let edit = state.world.borrow_mut().terminal.edit.take();
    if let Some(yaml) = edit {
        state.text = yaml;
        state.problems.clear();
        state.applied = vec![
            "kubectl edit: the object's YAML is in the editor. Change it and press Apply.".into(),
        ];
    }
}

/// Appends what the running stream printed since the last call to the terminal.
pub fn pump(state: &mut State) {
    let text = {
        let mut world = state.world.borrow_mut();
        let World {
            cluster, terminal, ..
        } = &mut *world;
        terminal.poll_stream(cluster)
    };
    if text.is_empty() {
        return;
    }
    match state.term.last_mut() {
        Some(entry) => entry.output.push_str(&text),
        None => state.term.push(TermEntry {
            prompt: String::new(),
            line: String::new(),
            output: text,
        }),
    }
}

/// Ctrl+C while a stream runs: it stops and the terminal shows `^C` after its output.
/// False when nothing was streaming.
pub fn interrupt(state: &mut State) -> bool {
    if !state.world.borrow_mut().terminal.interrupt() {
        return false;
    }
    if let Some(entry) = state.term.last_mut() {
        if !entry.output.is_empty() && !entry.output.ends_with('\n') {
            entry.output.push('\n');
        }
        entry.output.push_str("^C");
    }
    true
}
