//! One module per subcommand; each exposes `run(args, &Context)`. The `Command` enum only
//! dispatches.

pub mod bank;
pub mod config;
pub mod doctor;
pub mod interview;

use crate::cli::Command;
use crate::config::Context;
use crate::error::Result;

pub fn dispatch(command: Command, ctx: &Context) -> Result<()> {
    match command {
        Command::Interview(args) => interview::run(args, ctx),
        Command::Resume(args) => interview::resume(args, ctx),
        Command::Bank(cmd) => bank::run(cmd, ctx),
        Command::Config(cmd) => config::run(cmd, ctx),
        Command::Doctor(args) => doctor::run(args.json, ctx),
    }
}
