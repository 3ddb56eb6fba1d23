//! A small builder for running `viva` in a temporary workspace.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_viva");

/// A temporary directory with a transcripts folder, used as the working directory.
pub struct Workspace {
    pub dir: tempfile::TempDir,
}

impl Workspace {
    pub fn new() -> Workspace {
        Workspace { dir: tempfile::tempdir().expect("tempdir") }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn transcripts(&self) -> PathBuf {
        self.path().join("transcripts")
    }

    /// `viva ARGS` in this workspace, built-in bank, no colour.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.args(args)
            .current_dir(self.path())
            .env("VIVA_TRANSCRIPTS", self.transcripts())
            .env_remove("VIVA_BANK")
            .env_remove("OPENAI_API_KEY")
            .env_remove("OPENAI_BASE_URL")
            .env_remove("OPENAI_API_BASE")
            .env_remove("VIVA_GRADER")
            .env_remove("COLUMNS")
            .env("VIVA_CONFIG", self.path().join("no-config.toml"))
            .env("NO_COLOR", "1");
        cmd
    }

    /// Runs `viva ARGS` with `stdin` piped in.
    pub fn run(&self, args: &[&str], stdin: &str) -> Output {
        run_cmd(self.cmd(args), stdin)
    }

    /// Every transcript (JSON) in the workspace.
    pub fn transcripts_json(&self) -> Vec<serde_json::Value> {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(self.transcripts())
            .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        paths.retain(|p| p.extension().is_some_and(|x| x == "json"));
        paths.sort();
        paths.iter().map(|p| serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()).collect()
    }
}

/// Runs a prepared command with `stdin` piped in.
pub fn run_cmd(mut cmd: Command, stdin: &str) -> Output {
    let mut child =
        cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn viva");
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().expect("wait for viva")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Asserts the command succeeded, showing its output otherwise.
pub fn ok(out: &Output) -> (String, String) {
    let (o, e) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "exit {:?}\nstdout:\n{o}\nstderr:\n{e}", out.status);
    (o, e)
}
