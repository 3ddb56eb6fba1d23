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

/// Writes a command's product to `path` (`-o FILE`). Never into the transcripts folder, and
/// never over an existing file unless `force` (or `replaceable` says the file is an earlier
/// product of the same command, like the report written by the last `viva report`): the check
/// and the write are one step (the file is created exclusively), so nothing slips in between.
pub fn write_output(
    path: &std::path::Path,
    bytes: &[u8],
    force: bool,
    transcripts: &std::path::Path,
    replaceable: impl Fn(&[u8]) -> bool,
) -> Result<()> {
    use crate::error::Error;
    use crate::transcript::store;
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    if let (Ok(folder), Ok(transcripts)) = (folder.canonicalize(), transcripts.canonicalize())
        && folder.starts_with(&transcripts)
    {
        return Err(Error::usage(
            format!("`{}` is inside the transcripts folder `{}`", path.display(), transcripts.display()),
            "viva keeps only sessions there; write the file somewhere else",
        ));
    }
    let io = |source| Error::Io { context: format!("cannot write `{}`", path.display()), source };
    let earlier = |path: &std::path::Path| {
        use std::io::Read;
        let mut head = Vec::new();
        std::fs::File::open(path).and_then(|f| f.take(4096).read_to_end(&mut head)).is_ok() && replaceable(&head)
    };
    if force || (path.is_file() && earlier(path)) {
        return store::write_atomic(path, bytes).map_err(io);
    }
    match store::write_new(path, bytes) {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(Error::usage(
            format!("`{}` already exists", path.display()),
            "pass `--force` to replace it, or choose another file with `-o`",
        )),
        other => other.map_err(io),
    }
}
