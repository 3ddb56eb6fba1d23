//! Token counting with the model's encoding (tiktoken), the context budget, and cost.
//!
//! The tokenizer is loaded lazily on first use — never on the path to the first question —
//! and shared (`*_singleton`). Models tiktoken does not know (local models) are counted with
//! `o200k_base`, an approximation that errs on the safe side for budgeting. Where the
//! endpoint reports usage, its figures win.

use serde::{Deserialize, Serialize};
use tiktoken_rs::CoreBPE;

fn bpe(model: &str) -> &'static CoreBPE {
    tiktoken_rs::tokenizer::get_tokenizer(model)
        .and_then(|t| tiktoken_rs::bpe_for_tokenizer(t).ok())
        .unwrap_or_else(tiktoken_rs::o200k_base_singleton)
}

/// Loads the tokenizer in the background so the first grade does not wait for it: a blocking
/// task on the grading service's runtime ([`super::service`]), not a thread of its own.
pub fn warm_up(model: &str) {
    let model = model.to_string();
    super::service::handle().spawn_blocking(move || bpe(&model).encode_ordinary("warm up").len());
}

/// Tokens of `text` for `model`.
pub fn count(model: &str, text: &str) -> usize {
    bpe(model).encode_ordinary(text).len()
}

/// The context window: the configured size, else what tiktoken knows of the model, else 4,096
/// (a common size for local servers).
pub fn context_size(model: &str, configured: Option<u32>) -> usize {
    configured.map(|c| c as usize).or_else(|| tiktoken_rs::model::get_context_size(model)).unwrap_or(4096)
}

/// `text` cut to at most `max` tokens, and whether it was cut.
pub fn truncate(model: &str, text: &str, max: usize) -> (String, bool) {
    let b = bpe(model);
    let tokens = b.encode_ordinary(text);
    if tokens.len() <= max {
        return (text.to_string(), false);
    }
    let kept = b.decode(&tokens[..max]).unwrap_or_default();
    (kept, true)
}

/// Price of a model per million tokens, from the config file's `[llm.prices."MODEL"]`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Price {
    pub input_per_mtok: f64,
    pub output_per_mtok: f64,
}

impl Price {
    pub fn cost(&self, prompt: u64, completion: u64) -> f64 {
        (prompt as f64 * self.input_per_mtok + completion as f64 * self.output_per_mtok) / 1e6
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_truncates_with_the_models_encoding() {
        let n = count("gpt-4o", "The GIL is a mutex.");
        assert!((4..=8).contains(&n), "{n}");
        let long = "word ".repeat(500);
        let (cut, was_cut) = truncate("gpt-4o", &long, 50);
        assert!(was_cut);
        assert_eq!(count("gpt-4o", &cut), 50);
        assert_eq!(truncate("gpt-4o", "short", 50), ("short".to_string(), false));
        assert_eq!(context_size("some-local-model", None), 4096);
        assert_eq!(context_size("x", Some(8192)), 8192);
    }

    #[test]
    fn cost_from_a_price_table() {
        let p = Price { input_per_mtok: 0.15, output_per_mtok: 0.60 };
        assert!((p.cost(1_000_000, 500_000) - 0.45).abs() < 1e-9);
    }
}
