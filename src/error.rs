//! The one error type the commands return; only [`crate::run`] turns it into a report
//! (`error: …` / `hint: …`) and an exit status.

use crate::bank::import::ImportError;
use crate::bank::store::BankError;
use crate::transcript::TranscriptError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Bank(#[from] BankError),
    #[error(transparent)]
    Import(#[from] ImportError),
    #[error(transparent)]
    Transcript(#[from] TranscriptError),
    #[error(transparent)]
    Config(#[from] crate::config::file::ConfigError),
    #[error(transparent)]
    Prompt(#[from] crate::grader::prompt::PromptError),
    #[error(transparent)]
    Llm(#[from] crate::grader::llm::CallError),
    /// Bad input from the user, with what to do about it.
    #[error("{message}")]
    Usage { message: String, hint: Option<String> },
    #[error("{context}: {source}")]
    Io { context: String, source: std::io::Error },
    /// Output that could not be produced (a bug, reported rather than printed as nothing).
    #[error("cannot render {what}: {message}")]
    Render { what: &'static str, message: String },
}

impl Error {
    pub fn usage(message: impl Into<String>, hint: impl Into<String>) -> Error {
        Error::Usage { message: message.into(), hint: Some(hint.into()) }
    }

    /// What the user can do about it, if we know.
    pub fn hint(&self) -> Option<String> {
        match self {
            Error::Bank(e) => e.hint(),
            Error::Transcript(e) => e.hint(),
            Error::Usage { hint, .. } => hint.clone(),
            Error::Config(_) => Some("`viva config path` shows the file; `viva config show` what was resolved".into()),
            Error::Prompt(_) => Some("fix the prompt override, or remove it to use the built-in prompts".into()),
            Error::Import(_) | Error::Io { .. } | Error::Llm(_) | Error::Render { .. } => None,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
