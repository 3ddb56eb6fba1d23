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
    /// How long `api_key_cmd` may run (default 30 s).
    pub api_key_cmd_timeout_secs: Option<f64>,
    pub timeout_secs: Option<f64>,
    /// The whole call's deadline, retries and waits included (default: twice `timeout_secs`).
    pub deadline_secs: Option<f64>,
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
    /// A directory of prompt overrides (`grade.system.md`, `grade.md`, `rubric.toml`).
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

/// Reads the config file and checks its values; a missing file is the empty config.
pub fn load(path: &Path) -> Result<FileConfig, ConfigError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(FileConfig::default()),
        Err(source) => return Err(ConfigError::Read { path: path.to_path_buf(), source }),
    };
    let config: FileConfig = toml::from_str(&text).map_err(|e| ConfigError::Parse {
        path: path.to_path_buf(),
        line: e.span().map_or(1, |s| text[..s.start.min(text.len())].matches('\n').count() + 1),
        message: e.message().to_string(),
    })?;
    config.check(path)?;
    Ok(config)
}

/// The bounds every number setting must keep, wherever it comes from: a value outside them is
/// refused at load with its name, never a panic, a hang or retrying for ever.
mod bounds {
    /// Seconds for one request.
    pub const TIMEOUT: (f64, f64) = (0.1, 3600.0);
    /// Seconds for a whole call, retries included.
    pub const DEADLINE: (f64, f64) = (0.1, 7200.0);
    /// Seconds of `Retry-After` honoured.
    pub const MAX_WAIT: (f64, f64) = (0.0, 3600.0);
    /// Seconds for `api_key_cmd`.
    pub const KEY_CMD: (f64, f64) = (0.1, 600.0);
    pub const TEMPERATURE: (f64, f64) = (0.0, 2.0);
    pub const BUDGET: (f64, f64) = (0.0, 1e9);
    pub const RETRIES: u32 = 10;
    pub const BACKOFF_MS: u64 = 60_000;
}

/// `value` if it is a number within `(lo, hi)` (both included).
fn within(name: &str, value: f64, (lo, hi): (f64, f64), unit: &str) -> Result<f64, ConfigError> {
    if value.is_finite() && (lo..=hi).contains(&value) {
        return Ok(value);
    }
    Err(ConfigError::BadValue {
        name: name.into(),
        value: value.to_string(),
        expected: format!("{unit} from {lo} to {hi}"),
    })
}

fn at_most<T: PartialOrd + std::fmt::Display>(name: &str, value: T, hi: T, unit: &str) -> Result<T, ConfigError> {
    if value <= hi {
        return Ok(value);
    }
    Err(ConfigError::BadValue { name: name.into(), value: value.to_string(), expected: format!("{unit} up to {hi}") })
}

impl FileConfig {
    /// Checks every value against [`bounds`]; errors name the file and the setting.
    fn check(&self, path: &Path) -> Result<(), ConfigError> {
        let l = &self.llm;
        let name = |key: &str| format!("`{key}` in `{}`", path.display());
        if let Some(v) = l.timeout_secs {
            within(&name("timeout_secs"), v, bounds::TIMEOUT, "seconds")?;
        }
        if let Some(v) = l.deadline_secs {
            within(&name("deadline_secs"), v, bounds::DEADLINE, "seconds")?;
        }
        if let Some(v) = l.api_key_cmd_timeout_secs {
            within(&name("api_key_cmd_timeout_secs"), v, bounds::KEY_CMD, "seconds")?;
        }
        if let Some(v) = l.temperature {
            within(&name("temperature"), f64::from(v), bounds::TEMPERATURE, "a number")?;
        }
        if let Some(v) = l.budget_usd {
            within(&name("budget_usd"), v, bounds::BUDGET, "US dollars")?;
        }
        if let Some(v) = l.retries {
            at_most(&name("retries"), v, bounds::RETRIES, "a whole number")?;
        }
        if l.api_key.as_deref().is_some_and(|k| k.trim().is_empty()) {
            return Err(ConfigError::BadValue {
                name: name("api_key"),
                value: String::new(),
                expected: "a key (remove the line for a server that needs none)".into(),
            });
        }
        Ok(())
    }
}

/// `url` with any `user:password@` shown as `***@`.
pub fn redact_url(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..end].rsplit_once('@') {
        Some((_, host)) => {
            let sep = if scheme.is_empty() { "" } else { "://" };
            format!("{scheme}{sep}***@{host}{}", &rest[end..])
        }
        None => url.to_string(),
    }
}

fn redacted<S: serde::Serializer>(url: &str, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&redact_url(url))
}

/// Everything the LLM grader needs, resolved.
#[derive(Debug, Clone, Serialize)]
pub struct LlmSettings {
    /// May carry credentials: show [`LlmSettings::shown_url`], never this.
    #[serde(serialize_with = "redacted")]
    pub base_url: String,
    pub model: String,
    pub api_key: Option<Secret>,
    /// Where the key came from (for `viva config show` and error hints), never the key.
    pub key_source: String,
    /// One attempt's timeout.
    #[serde(with = "secs")]
    pub timeout: Duration,
    /// The whole call's deadline, retries and waits included.
    #[serde(with = "secs")]
    pub deadline: Duration,
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
            let limit = f.api_key_cmd_timeout_secs.map_or(super::key::DEFAULT_TIMEOUT, Duration::from_secs_f64);
            (Some(super::key::from_command(cmd, limit)?), "config file `api_key_cmd`".to_string())
        } else {
            (None, "none (fine for local servers)".to_string())
        };
        // The environment's numbers are checked like the file's (see `bounds`).
        let timeout = parse_env::<f64>("VIVA_TIMEOUT", "seconds")?
            .map(|v| within("VIVA_TIMEOUT", v, bounds::TIMEOUT, "seconds"))
            .transpose()?
            .or(f.timeout_secs)
            .unwrap_or(60.0);
        let deadline = parse_env::<f64>("VIVA_DEADLINE", "seconds")?
            .map(|v| within("VIVA_DEADLINE", v, bounds::DEADLINE, "seconds"))
            .transpose()?
            .or(f.deadline_secs)
            .unwrap_or(timeout * 2.0);
        let max_wait = parse_env::<f64>("VIVA_MAX_WAIT", "seconds")?
            .map(|v| within("VIVA_MAX_WAIT", v, bounds::MAX_WAIT, "seconds"))
            .transpose()?
            .unwrap_or(30.0);
        let retries = parse_env::<u32>("VIVA_RETRIES", "a whole number")?
            .map(|v| at_most("VIVA_RETRIES", v, bounds::RETRIES, "a whole number"))
            .transpose()?;
        let temperature = parse_env::<f32>("VIVA_TEMPERATURE", "a number")?
            .map(|v| within("VIVA_TEMPERATURE", f64::from(v), bounds::TEMPERATURE, "a number").map(|_| v))
            .transpose()?;
        let budget_usd = parse_env::<f64>("VIVA_BUDGET_USD", "a number")?
            .map(|v| within("VIVA_BUDGET_USD", v, bounds::BUDGET, "US dollars"))
            .transpose()?;
        let backoff = parse_env::<u64>("VIVA_BACKOFF_MS", "milliseconds")?
            .map(|v| at_most("VIVA_BACKOFF_MS", v, bounds::BACKOFF_MS, "milliseconds"))
            .transpose()?;
        Ok(LlmSettings {
            base_url: base_url.trim_end_matches('/').to_string(),
            api_key,
            key_source,
            timeout: Duration::from_secs_f64(timeout),
            deadline: Duration::from_secs_f64(deadline),
            retries: retries.or(f.retries).unwrap_or(3),
            temperature: temperature.or(f.temperature).unwrap_or(0.0),
            max_tokens: parse_env("VIVA_MAX_TOKENS", "a whole number")?.or(f.max_tokens).unwrap_or(700),
            backoff: Duration::from_millis(backoff.unwrap_or(500)),
            max_wait: Duration::from_secs_f64(max_wait),
            prompts: env("VIVA_PROMPTS").map(PathBuf::from).or_else(|| file.prompts.clone()),
            context_tokens: parse_env("VIVA_CONTEXT_TOKENS", "a whole number")?.or(f.context_tokens),
            budget_usd: budget_usd.or(f.budget_usd),
            price: f.prices.get(&model).copied(),
            model,
        })
    }

    /// The endpoint's host, for provenance and messages (never the credentials a URL may
    /// carry).
    pub fn host(&self) -> String {
        let rest = self.base_url.split("://").nth(1).unwrap_or(&self.base_url);
        let authority = rest.split('/').next().unwrap_or(rest);
        authority.rsplit_once('@').map_or(authority, |(_, host)| host).to_string()
    }

    /// The base URL as it may be shown or stored: credentials in it (`http://user:KEY@host`,
    /// which the client still sends, as HTTP basic auth) become `***`.
    pub fn shown_url(&self) -> String {
        redact_url(&self.base_url)
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
    fn credentials_in_the_base_url_are_never_shown() {
        assert_eq!(redact_url("http://user:sk-KEY@host:8080/v1"), "http://***@host:8080/v1");
        assert_eq!(redact_url("https://api.openai.com/v1"), "https://api.openai.com/v1");
        assert_eq!(redact_url("http://a@b@host/v1?x=@"), "http://***@host/v1?x=@");
        let mut s = LlmSettings::resolve(&LlmFlags::default(), &FileConfig::default()).unwrap();
        s.base_url = "http://user:sk-KEY@127.0.0.1:9/v1".into();
        assert_eq!(s.host(), "127.0.0.1:9");
        assert!(!serde_json::to_string(&s).unwrap().contains("sk-KEY"));
    }

    #[test]
    fn numbers_out_of_bounds_in_the_file_are_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("config.toml");
        for (line, key) in [
            ("timeout_secs = inf", "timeout_secs"),
            ("timeout_secs = nan", "timeout_secs"),
            ("timeout_secs = 1e20", "timeout_secs"),
            ("timeout_secs = -1.0", "timeout_secs"),
            ("retries = 4294967295", "retries"),
            ("temperature = nan", "temperature"),
            ("api_key = \"  \"", "api_key"),
            ("api_key_cmd_timeout_secs = 0.0", "api_key_cmd_timeout_secs"),
        ] {
            std::fs::write(&p, format!("[llm]\n{line}\n")).unwrap();
            let err = load(&p).unwrap_err().to_string();
            assert!(err.contains(&format!("`{key}` in")), "{line}: {err}");
        }
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
