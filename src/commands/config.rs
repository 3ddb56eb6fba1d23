//! `viva config path` and `viva config show`: where the configuration lives and what viva
//! resolved from flags, environment, file and defaults. The API key is never shown.

use serde::Serialize;

use crate::cli::ConfigCommand;
use crate::config::Context;
use crate::error::{Error, Result};

/// What `config show` prints; settings that are not set are left out (TOML has no null).
#[derive(Debug, Serialize)]
struct View {
    config_file: String,
    config_file_exists: bool,
    grader: String,
    bank: String,
    transcripts: String,
    llm: LlmView,
}

#[derive(Debug, Serialize)]
struct LlmView {
    base_url: String,
    model: String,
    api_key: &'static str,
    api_key_source: String,
    timeout_secs: f64,
    deadline_secs: f64,
    retries: u32,
    temperature: f32,
    max_tokens: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    prompts: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    context_tokens: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    budget_usd: Option<f64>,
}

pub fn run(cmd: ConfigCommand, ctx: &Context) -> Result<()> {
    let p = &ctx.printer;
    match cmd {
        ConfigCommand::Path => p.out(ctx.settings.config_path.display().to_string()),
        ConfigCommand::Show(args) => {
            let llm = ctx.settings.llm()?;
            let base_url = llm.shown_url();
            let view = View {
                config_file: ctx.settings.config_path.display().to_string(),
                config_file_exists: ctx.settings.config_path.exists(),
                grader: std::env::var("VIVA_GRADER")
                    .ok()
                    .or_else(|| ctx.settings.file.grader.clone())
                    .unwrap_or_else(|| "offline".into()),
                bank: ctx.settings.bank_dir.as_ref().map_or("built-in".to_string(), |d| d.display().to_string()),
                transcripts: ctx.settings.transcripts.display().to_string(),
                llm: LlmView {
                    api_key: if llm.api_key.is_some() { "*** (set)" } else { "(not set)" },
                    api_key_source: llm.key_source,
                    timeout_secs: llm.timeout.as_secs_f64(),
                    deadline_secs: llm.deadline.as_secs_f64(),
                    retries: llm.retries,
                    temperature: llm.temperature,
                    max_tokens: llm.max_tokens,
                    prompts: llm.prompts.as_ref().map(|d| d.display().to_string()),
                    context_tokens: llm.context_tokens,
                    budget_usd: llm.budget_usd,
                    base_url,
                    model: llm.model,
                },
            };
            if args.json {
                p.json(&view);
            } else {
                let text = toml::to_string_pretty(&view)
                    .map_err(|e| Error::Render { what: "the settings as TOML", message: e.to_string() })?;
                p.out(text.trim_end());
            }
        }
    }
    Ok(())
}
