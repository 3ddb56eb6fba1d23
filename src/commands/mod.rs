//! One module per subcommand; each exposes `run(args, &Context)`. The `Command` enum only
//! dispatches.

pub mod bank;
pub mod calibrate;
pub mod config;
pub mod doctor;
pub mod export;
pub mod interview;
pub mod regrade;
pub mod review;

use crate::cli::Command;
use crate::config::Context;
use crate::error::Result;

pub fn dispatch(command: Command, ctx: &Context) -> Result<()> {
    match command {
        Command::Interview(args) => interview::run(args, ctx),
        Command::Practice(args) => interview::practice(args, ctx),
        Command::Resume(args) => interview::resume(args, ctx),
        Command::Bank(cmd) => bank::run(cmd, ctx),
        Command::Config(cmd) => config::run(cmd, ctx),
        Command::Review(args) => review::run(args, ctx),
        Command::Export(args) => export::run(args, ctx),
        Command::Report(args) => review::report(args, ctx),
        Command::Due(args) => review::due(args, ctx),
        Command::Regrade(args) => regrade::run(args, ctx),
        Command::Calibrate(args) => calibrate::run(args, ctx),
        Command::Doctor(args) => doctor::run(args.json, ctx),
    }
}

/// Shows long text through `$PAGER` (default `less -R`) when stdout is a terminal; prints it otherwise.
pub fn page(printer: &crate::ui::Printer, text: &str) {
    use std::io::{IsTerminal, Write};
    if std::io::stdout().is_terminal() {
        let pager = std::env::var("PAGER").unwrap_or_else(|_| "less -R".into());
        let mut parts = pager.split_whitespace();
        if let Some(program) = parts.next()
            && let Ok(mut child) =
                std::process::Command::new(program).args(parts).stdin(std::process::Stdio::piped()).spawn()
        {
            if let Some(mut stdin) = child.stdin.take() {
                let _ = stdin.write_all(text.as_bytes());
            }
            let _ = child.wait();
            return;
        }
    }
    printer.out(text);
}
