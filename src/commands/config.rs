//! `viva config path` and `viva config show`: where the configuration lives and what viva
//! resolved from flags, environment, file and defaults. The API key is never shown.

use serde_json::json;

use crate::cli::ConfigCommand;
use crate::config::Context;
use crate::error::Result;

pub fn run(cmd: ConfigCommand, ctx: &Context) -> Result<()> {
    let p = &ctx.printer;
    match cmd {
        ConfigCommand::Path => p.out(ctx.settings.config_path.display().to_string()),
        ConfigCommand::Show(args) => {
            let llm = ctx.settings.llm()?;
            let view = json!({
                "config_file": ctx.settings.config_path.display().to_string(),
                "config_file_exists": ctx.settings.config_path.exists(),
                "grader": std::env::var("VIVA_GRADER").ok().or_else(|| ctx.settings.file.grader.clone()).unwrap_or_else(|| "offline".into()),
                "bank": ctx.settings.bank_dir.as_ref().map_or("built-in".to_string(), |d| d.display().to_string()),
                "transcripts": ctx.settings.transcripts.display().to_string(),
                "llm": {
                    "base_url": llm.base_url, "model": llm.model,
                    "api_key": if llm.api_key.is_some() { "*** (set)" } else { "(not set)" },
                    "api_key_source": llm.key_source,
                    "timeout_secs": llm.timeout.as_secs_f64(), "retries": llm.retries,
                    "temperature": llm.temperature, "max_tokens": llm.max_tokens,
                    "prompts": llm.prompts.as_ref().map(|d| d.display().to_string()),
                },
            });
            if args.json {
                p.json(&view);
            } else {
                p.out(toml::to_string_pretty(&view).unwrap_or_default());
            }
        }
    }
    Ok(())
}
