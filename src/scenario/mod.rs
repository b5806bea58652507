//! See ARCHITECTURE.md.
pub mod export;
pub mod lessons;
pub mod link;
pub mod log;
pub mod transcript;
pub mod world;

pub use link::{decode_link, encode_link, LinkError};
pub use log::{replay, Scenario, SIM_VERSION};
pub use world::{HistoryEntry, Setting, Step, StepResult, TrafficSource, World};

/// The seed transcripts and replay use: a fixed one, so runs are reproducible.
pub const TRANSCRIPT_SEED: u64 = 1;

/// Runs one transcript file against a fresh world (TRANSCRIPTS.md).
pub fn run_transcript(text: &str) -> transcript::FileResult {
    let mut world = World::new(TRANSCRIPT_SEED);
    transcript::run_file(text, &mut |cmd| world.command(cmd).output.combined())
}

#[cfg(test)]
mod tests;
