//! viva: a mock-interview simulator for the terminal.
//!
//! Modules, one per domain:
//! - [`bank`]: the question bank (model, importers, mojibake repair, dedupe, on-disk format);
//! - [`session`]: the interview as a pure state machine;
//! - [`grader`]: the `Grader` trait, the offline and the LLM grader;
//! - [`calibrate`]: agreement of a grader with an expert on a labelled set;
//! - [`transcript`]: crash-safe transcripts and their renderings;
//! - [`repl`]: the terminal driver of the session;
//! - [`ui`]: the one printer all output goes through;
//! - [`cli`], [`config`] and [`commands`]: arguments, resolved settings, one module per subcommand.

pub mod bank;
pub mod calibrate;
pub mod cli;
pub mod commands;
pub mod config;
pub mod error;
pub mod grader;
pub mod repl;
pub mod review;
pub mod session;
pub mod transcript;
pub mod ui;
pub mod words;

use clap::Parser;

/// Runs viva with the given command line; returns the process exit status.
pub fn run<I, T>(args: I) -> std::process::ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match cli::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return std::process::ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let printer = ui::Printer::new(cli.color);
    let settings = match config::Settings::resolve(&cli) {
        Ok(s) => s,
        Err(e) => {
            printer.error(&e.to_string(), Some("fix the file named above, or point `VIVA_CONFIG` at another one"));
            return std::process::ExitCode::FAILURE;
        }
    };
    let ctx = config::Context { settings, printer };
    match commands::dispatch(cli.command, &ctx) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            ctx.printer.error(&e.to_string(), e.hint().as_deref());
            std::process::ExitCode::FAILURE
        }
    }
}
