//! Transcript files (see TRANSCRIPTS.md).
