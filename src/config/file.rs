//! The configuration file (`viva config path` shows where: the XDG config directory, or
//! `VIVA_CONFIG`) and the LLM endpoint settings resolved from flag > environment > file >
//! default. The API key comes from `OPENAI_API_KEY`, the file's `api_key`, or the output of
//! its `api_key_cmd`; it is held in a [`Secret`] that never prints.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// An API key: shown as `***` everywhere (Debug, Display, Serialize).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }
    /// The key itself, for the Authorization header only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

impl Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str("***")
    }
}

/// The `[llm]` table of the config file; every field optional.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct LlmFile {
    pub base_url: Option<String>,
    pub model: Option<String>,
    #[serde(skip_serializing)]
    pub api_key: Option<String>,
    pub api_key_cmd: Option<String>,
    pub timeout_secs: Option<f64>,
    pub retries: Option<u32>,
    pub temperature: Option<f32>,
    pub max_tokens: Option<u32>,
    /// The model's context window in tokens (default: what tiktoken knows, else 4096).
    pub context_tokens: Option<u32>,
    /// Stop spending once a session's estimated cost reaches this many USD.
    pub budget_usd: Option<f64>,
    /// Prices per model: `[llm.prices."gpt-4o-mini"] input_per_mtok = 0.15, output_per_mtok = 0.6`.
    pub prices: std::collections::BTreeMap<String, crate::grader::tokens::Price>,
}

/// The whole config file.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct FileConfig {
    /// Default grader: `offline` or `llm`.
    pub grader: Option<String>,
    /// A directory of prompt overrides (`grade.system.md`, `grade.user.md`, `rubric.toml`).
    pub prompts: Option<PathBuf>,
    pub llm: LlmFile,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config `{}`: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("config `{}` line {line}: {message}", path.display())]
    Parse { path: PathBuf, line: usize, message: String },
    #[error("`api_key_cmd` failed: {0}")]
    KeyCommand(String),
    #[error("{name} must be {expected}, not `{value}`")]
    BadValue { name: String, value: String, expected: String },
}

/// Where the config file lives.
pub fn path() -> PathBuf {
    if let Some(p) = std::env::var_os("VIVA_CONFIG") {
        return PathBuf::from(p);
    }
    directories::ProjectDirs::from("", "", "viva")
        .map(|d| d.config_dir().join("config.toml"))
        .unwrap_or_else(|| PathBuf::from("viva.toml"))
}

/// Reads the config file; a missing file is the empty config.
pub fn load(path: &Path) -> Result<FileConfig, ConfigError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(FileConfig::default()),
        Err(source) => return Err(ConfigError::Read { path: path.to_path_buf(), source }),
    };
    toml::from_str(&text).map_err(|e| ConfigError::Parse {
        path: path.to_path_buf(),
        line: e.span().map_or(1, |s| text[..s.start.min(text.len())].matches('\n').count() + 1),
        message: e.message().to_string(),
    })
}

/// Everything the LLM grader needs, resolved.
#[derive(Debug, Clone, Serialize)]
pub struct LlmSettings {
    pub base_url: String,
    pub model: String,
    pub api_key: Option<Secret>,
    /// Where the key came from (for `viva config show` and error hints), never the key.
    pub key_source: String,
    #[serde(with = "secs")]
    pub timeout: Duration,
    pub retries: u32,
    pub temperature: f32,
    pub max_tokens: u32,
    /// First back-off delay; doubled each retry, jittered, capped at 8 s.
    #[serde(with = "secs")]
    pub backoff: Duration,
    /// The longest `Retry-After` honoured.
    #[serde(with = "secs")]
    pub max_wait: Duration,
    pub prompts: Option<PathBuf>,
    pub context_tokens: Option<u32>,
    pub budget_usd: Option<f64>,
    /// The price of the model in use, if the config has one.
    pub price: Option<crate::grader::tokens::Price>,
}

mod secs {
    pub fn serialize<S: serde::Serializer>(d: &std::time::Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(d.as_secs_f64())
    }
}

/// Flags that override the environment and the file.
#[derive(Debug, Clone, Default)]
pub struct LlmFlags {
    pub base_url: Option<String>,
    pub model: Option<String>,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn parse_env<T: std::str::FromStr>(name: &str, expected: &str) -> Result<Option<T>, ConfigError> {
    env(name)
        .map(|v| {
            v.trim().parse().map_err(|_| ConfigError::BadValue {
                name: name.into(),
                value: v,
                expected: expected.into(),
            })
        })
        .transpose()
}

impl LlmSettings {
    pub fn resolve(flags: &LlmFlags, file: &FileConfig) -> Result<LlmSettings, ConfigError> {
        let f = &file.llm;
        let base_url = flags
            .base_url
            .clone()
            .or_else(|| env("OPENAI_BASE_URL"))
            .or_else(|| env("OPENAI_API_BASE"))
            .or_else(|| f.base_url.clone())
            .unwrap_or_else(|| "https://api.openai.com/v1".into());
        let model = flags
            .model
            .clone()
            .or_else(|| env("VIVA_MODEL"))
            .or_else(|| f.model.clone())
            .unwrap_or_else(|| "gpt-4o-mini".into());
        let (api_key, key_source) = if let Some(k) = env("OPENAI_API_KEY") {
            (Some(Secret::new(k.trim())), "OPENAI_API_KEY".to_string())
        } else if let Some(k) = &f.api_key {
            (Some(Secret::new(k.trim())), "config file `api_key`".to_string())
        } else if let Some(cmd) = &f.api_key_cmd {
            let out = std::process::Command::new("sh")
                .arg("-c")
                .arg(cmd)
                .output()
                .map_err(|e| ConfigError::KeyCommand(format!("cannot run it: {e}")))?;
            if !out.status.success() {
                return Err(ConfigError::KeyCommand(format!("it exited with {}", out.status)));
            }
            (Some(Secret::new(String::from_utf8_lossy(&out.stdout).trim())), "config file `api_key_cmd`".to_string())
        } else {
            (None, "none (fine for local servers)".to_string())
        };
        let timeout = parse_env::<f64>("VIVA_TIMEOUT", "seconds")?.or(f.timeout_secs).unwrap_or(60.0);
        Ok(LlmSettings {
            base_url: base_url.trim_end_matches('/').to_string(),
            api_key,
            key_source,
            timeout: Duration::from_secs_f64(timeout.max(0.1)),
            retries: parse_env("VIVA_RETRIES", "a whole number")?.or(f.retries).unwrap_or(3),
            temperature: parse_env("VIVA_TEMPERATURE", "a number")?.or(f.temperature).unwrap_or(0.0),
            max_tokens: parse_env("VIVA_MAX_TOKENS", "a whole number")?.or(f.max_tokens).unwrap_or(700),
            backoff: Duration::from_millis(parse_env("VIVA_BACKOFF_MS", "milliseconds")?.unwrap_or(500)),
            max_wait: Duration::from_secs_f64(parse_env("VIVA_MAX_WAIT", "seconds")?.unwrap_or(30.0)),
            prompts: env("VIVA_PROMPTS").map(PathBuf::from).or_else(|| file.prompts.clone()),
            context_tokens: parse_env("VIVA_CONTEXT_TOKENS", "a whole number")?.or(f.context_tokens),
            budget_usd: parse_env("VIVA_BUDGET_USD", "a number")?.or(f.budget_usd),
            price: f.prices.get(&model).copied(),
            model,
        })
    }

    /// The endpoint's host, for provenance and messages.
    pub fn host(&self) -> String {
        let rest = self.base_url.split("://").nth(1).unwrap_or(&self.base_url);
        rest.split('/').next().unwrap_or(rest).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_never_prints() {
        let s = Secret::new("sk-very-secret");
        assert_eq!(format!("{s:?}"), "***");
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"***\"");
    }

    #[test]
    fn a_bad_config_file_names_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("config.toml");
        std::fs::write(&p, "grader = \"llm\"\n[llm]\nmodle = \"x\"\n").unwrap();
        let err = load(&p).unwrap_err().to_string();
        assert!(err.contains("line 3") && err.contains("modle"), "{err}");
        assert!(load(&dir.path().join("absent.toml")).unwrap().grader.is_none());
    }
}
