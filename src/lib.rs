//! viva: a mock-interview simulator for the terminal.
//!
//! Modules, one per domain:
//! - [`bank`]: the question bank (model, importers, mojibake repair, dedupe, on-disk format);
//! - [`session`]: the interview as a pure state machine;
//! - [`grader`]: the `Grader` trait, the offline grader;
//! - [`transcript`]: crash-safe transcripts and their renderings;
//! - [`repl`]: the terminal driver of the session;
//! - [`ui`]: the one printer all output goes through;
//! - [`cli`] and [`commands`]: argument definitions and one module per subcommand.

pub mod bank;
pub mod grader;
pub mod session;

/// Runs viva with the given command line; returns the process exit status.
pub fn run<I, T>(_args: I) -> std::process::ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    std::process::ExitCode::SUCCESS
}
