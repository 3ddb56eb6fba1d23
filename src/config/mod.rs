//! What the user typed plus the environment, resolved once into [`Settings`].
//!
//! Precedence: flag > environment (`VIVA_BANK`, `VIVA_TRANSCRIPTS`, read by clap) > the
//! working directory's viva workspace > the user's data directory or the built-in bank.

pub mod file;
pub mod key;

use std::path::{Path, PathBuf};

use crate::bank::store::{self, Bank};
use crate::cli::Cli;
use crate::error::Result;
use crate::ui::Printer;

/// Everything a command needs to know about where things are.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The configuration file and what it holds.
    pub config_path: PathBuf,
    pub file: file::FileConfig,
    /// `--model` / `--base-url`.
    pub llm_flags: file::LlmFlags,
    /// The bank directory in use; `None` means the built-in bank.
    pub bank_dir: Option<PathBuf>,
    /// Where transcripts live.
    pub transcripts: PathBuf,
}

impl Settings {
    pub fn resolve(cli: &Cli) -> Result<Settings, file::ConfigError> {
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        let workspace = workspace(&cwd);
        let bank_dir = cli.bank.clone().or_else(|| {
            let dir = workspace.as_ref()?.join("question_bank");
            has_toml(&dir).then_some(dir)
        });
        let transcripts = cli.transcripts.clone().unwrap_or_else(|| match &workspace {
            Some(ws) => ws.join("transcripts"),
            None => directories::ProjectDirs::from("", "", "viva")
                .map(|d| d.data_dir().join("transcripts"))
                .unwrap_or_else(|| cwd.join("transcripts")),
        });
        let config_path = file::path();
        let file = file::load(&config_path)?;
        let llm = cli.llm_args();
        let llm_flags = file::LlmFlags { base_url: llm.base_url, model: llm.model };
        Ok(Settings { config_path, file, llm_flags, bank_dir, transcripts })
    }

    /// The LLM endpoint settings (flag > environment > file > default).
    pub fn llm(&self) -> Result<file::LlmSettings, file::ConfigError> {
        file::LlmSettings::resolve(&self.llm_flags, &self.file)
    }

    /// Loads the bank these settings point at.
    pub fn load_bank(&self) -> Result<Bank> {
        Ok(match &self.bank_dir {
            Some(dir) => store::load_dir(dir)?,
            None => store::load_embedded()?,
        })
    }
}

/// The nearest directory from `start` upwards that holds a `question_bank/` with bank files or
/// a `transcripts/` folder: a viva workspace.
pub fn workspace(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| has_toml(&dir.join("question_bank")) || dir.join("transcripts").is_dir())
        .map(Path::to_path_buf)
}

fn has_toml(dir: &Path) -> bool {
    std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok()).any(|e| e.path().extension().is_some_and(|x| x == "toml")))
        .unwrap_or(false)
}

/// Shared context handed to every command.
pub struct Context {
    pub settings: Settings,
    pub printer: Printer,
}
