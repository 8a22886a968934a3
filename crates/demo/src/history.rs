//! The demo calendar: clients and appointments over the coming weeks (filled in once the
//! availability engine lands).

/// How much history to generate.
#[derive(Clone, Copy, Debug)]
pub struct HistoryOptions {
    pub days: u32,
    pub target: usize,
}

/// Placeholder until the engine exists.
pub fn history() {}
