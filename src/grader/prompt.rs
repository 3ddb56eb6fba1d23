//! Prompt templates and the rubric: embedded in the binary from `prompts/`, overridable by a
//! user's prompt directory (same file names). A bad override is an error naming the file, not
//! a silent fallback. Every grade records the hashes of the prompt and rubric it used.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

const SYSTEM: &str = include_str!("../../prompts/grade.system.md");
const USER: &str = include_str!("../../prompts/grade.md");
const REPAIR: &str = include_str!("../../prompts/repair.md");
const RUBRIC: &str = include_str!("../../prompts/rubric.toml");
const FOLLOWUP: &str = include_str!("../../prompts/followup.md");
const IMPROVE: &str = include_str!("../../prompts/improve.md");
const RECHECK: &str = include_str!("../../prompts/recheck.md");
const KEYPOINTS: &str = include_str!("../../prompts/keypoints.md");

/// One rubric criterion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Criterion {
    pub id: String,
    pub max: u32,
    pub description: String,
    #[serde(default)]
    pub levels: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct RubricFile {
    criterion: Vec<Criterion>,
}

#[derive(Debug, thiserror::Error)]
pub enum PromptError {
    #[error("cannot read prompt file `{}`: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("rubric `{name}` is not valid: {message}")]
    Rubric { name: String, message: String },
    #[error("prompt template `{name}` is not valid: {message}")]
    Template { name: String, message: String },
}

/// The templates and rubric in use, with their hashes.
#[derive(Debug, Clone)]
pub struct Prompts {
    pub system: String,
    pub user: String,
    pub repair: String,
    pub followup: String,
    pub improve: String,
    pub recheck: String,
    /// The request for an answer key (`viva bank keypoints`); not part of `prompt_hash`, which
    /// names the grading prompts.
    pub keypoints: String,
    pub criteria: Vec<Criterion>,
    /// First 12 hex digits of SHA-256 over the three templates.
    pub prompt_hash: String,
    pub rubric_hash: String,
}

fn hash(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0]);
    }
    h.finalize().iter().take(6).map(|b| format!("{b:02x}")).collect()
}

impl Prompts {
    /// The embedded prompts, each replaced by `dir/<name>` when that file exists.
    pub fn load(dir: Option<&Path>) -> Result<Prompts, PromptError> {
        let read = |name: &str, default: &str| -> Result<(String, String), PromptError> {
            match dir.map(|d| d.join(name)).filter(|p| p.exists()) {
                Some(path) => std::fs::read_to_string(&path)
                    .map(|t| (t, path.display().to_string()))
                    .map_err(|source| PromptError::Read { path, source }),
                None => Ok((default.to_string(), format!("prompts/{name} (built in)"))),
            }
        };
        let (system, _) = read("grade.system.md", SYSTEM)?;
        let (user, user_name) = read("grade.md", USER)?;
        let (repair, _) = read("repair.md", REPAIR)?;
        let (followup, _) = read("followup.md", FOLLOWUP)?;
        let (improve, _) = read("improve.md", IMPROVE)?;
        let (recheck, _) = read("recheck.md", RECHECK)?;
        let (keypoints, keypoints_name) = read("keypoints.md", KEYPOINTS)?;
        let (rubric, rubric_name) = read("rubric.toml", RUBRIC)?;
        let criteria = toml::from_str::<RubricFile>(&rubric)
            .map_err(|e| PromptError::Rubric { name: rubric_name.clone(), message: e.to_string() })?
            .criterion;
        let total: u32 = criteria.iter().map(|c| c.max).sum();
        if criteria.is_empty() || total != 10 {
            return Err(PromptError::Rubric {
                name: rubric_name,
                message: format!("criteria maxima must add up to 10 (they add up to {total})"),
            });
        }
        // The score function knows these three: coverage from the verdicts, depth and clarity
        // from the model.
        let mut ids: Vec<&str> = criteria.iter().map(|c| c.id.as_str()).collect();
        ids.sort_unstable();
        if ids != ["clarity", "coverage", "depth"] {
            return Err(PromptError::Rubric {
                name: rubric_name,
                message: format!("the criteria must be `coverage`, `depth` and `clarity` (found: {})", ids.join(", ")),
            });
        }
        let mut env = minijinja::Environment::new();
        env.add_template("user", &user)
            .map_err(|e| PromptError::Template { name: user_name, message: e.to_string() })?;
        env.add_template("keypoints", &keypoints)
            .map_err(|e| PromptError::Template { name: keypoints_name, message: e.to_string() })?;
        Ok(Prompts {
            prompt_hash: hash(&[&system, &user, &repair, &followup, &improve, &recheck]),
            rubric_hash: hash(&[&rubric]),
            system,
            user,
            repair,
            followup,
            improve,
            recheck,
            keypoints,
            criteria,
        })
    }

    /// The criteria the model judges (every one but `coverage`, which viva computes).
    pub fn judged(&self) -> Vec<Criterion> {
        self.criteria.iter().filter(|c| c.id != "coverage").cloned().collect()
    }

    /// The user message for one grading request.
    pub fn render_user(&self, ctx: &GradeContext) -> Result<String, PromptError> {
        let env = minijinja::Environment::new();
        env.render_str(&self.user, minijinja::Value::from(minijinja::value::Serde(ctx)))
            .map_err(|e| PromptError::Template { name: "grade.md".into(), message: e.to_string() })
    }

    /// The follow-up question request.
    pub fn render_followup(&self, ctx: &FollowUpContext) -> Result<String, PromptError> {
        let env = minijinja::Environment::new();
        env.render_str(&self.followup, minijinja::Value::from(minijinja::value::Serde(ctx)))
            .map_err(|e| PromptError::Template { name: "followup.md".into(), message: e.to_string() })
    }

    /// The request for a minimal edit of an answer (`/improve`); same context as a follow-up.
    pub fn render_improve(&self, ctx: &FollowUpContext) -> Result<String, PromptError> {
        let env = minijinja::Environment::new();
        env.render_str(&self.improve, minijinja::Value::from(minijinja::value::Serde(ctx)))
            .map_err(|e| PromptError::Template { name: "improve.md".into(), message: e.to_string() })
    }

    /// The appeal re-check: one key point against the answer alone (the argument is not sent).
    pub fn render_recheck(&self, point: &str, marker: &str, answer: &str) -> String {
        let env = minijinja::Environment::new();
        env.render_str(&self.recheck, minijinja::context! { point => point, marker => marker, answer => answer })
            .unwrap_or_else(|_| self.recheck.clone())
    }

    /// The request for one entry's answer key.
    pub fn render_keypoints(&self, ctx: &KeypointsContext) -> Result<String, PromptError> {
        let env = minijinja::Environment::new();
        env.render_str(&self.keypoints, minijinja::Value::from(minijinja::value::Serde(ctx)))
            .map_err(|e| PromptError::Template { name: "keypoints.md".into(), message: e.to_string() })
    }

    /// The follow-up message asking for a corrected reply.
    pub fn render_repair(&self, problem: &str) -> String {
        let env = minijinja::Environment::new();
        env.render_str(&self.repair, minijinja::context! { problem => problem }).unwrap_or_else(|_| self.repair.clone())
    }
}

/// What the answer-key template (`keypoints.md`) sees.
#[derive(Debug, Serialize)]
pub struct KeypointsContext<'a> {
    pub question: &'a str,
    pub code: Option<&'a str>,
    pub reference: &'a str,
}

/// What the follow-up template sees.
#[derive(Debug, Serialize)]
pub struct FollowUpContext<'a> {
    pub question: &'a str,
    pub reference: &'a str,
    pub missed: &'a [String],
    pub marker: &'a str,
    pub answer: &'a str,
}

/// What the user template sees.
#[derive(Debug, Serialize)]
pub struct GradeContext<'a> {
    pub question: &'a str,
    pub code: Option<&'a str>,
    pub reference: &'a str,
    pub key_points: &'a [String],
    /// The entry's known misconceptions, numbered in the prompt.
    pub misconceptions: &'a [String],
    /// The criteria the model judges (see [`Prompts::judged`]).
    pub criteria: &'a [Criterion],
    pub marker: &'a str,
    pub answer: &'a str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_prompts_render_with_the_answer_fenced() {
        let p = Prompts::load(None).unwrap();
        assert_eq!(p.criteria.iter().map(|c| c.max).sum::<u32>(), 10);
        let text = p
            .render_user(&GradeContext {
                question: "What is the GIL?",
                code: None,
                reference: "A mutex.",
                key_points: &["The GIL is a mutex".to_string()],
                misconceptions: &["The GIL makes threads parallel".to_string()],
                criteria: &p.judged(),
                marker: "<<<ANSWER-1234>>>",
                answer: "It is a lock.",
            })
            .unwrap();
        assert!(text.contains("1. The GIL is a mutex"), "{text}");
        assert!(text.contains("1. The GIL makes threads parallel"), "{text}");
        assert!(text.contains("<<<ANSWER-1234>>>\nIt is a lock.\n<<<ANSWER-1234>>>"), "{text}");
        assert!(text.contains("`depth` (0–2)") && !text.contains("`coverage`"), "{text}");
    }

    #[test]
    fn an_override_changes_the_hash_and_a_bad_rubric_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let base = Prompts::load(None).unwrap();
        std::fs::write(dir.path().join("grade.system.md"), "Grade strictly.").unwrap();
        let custom = Prompts::load(Some(dir.path())).unwrap();
        assert_ne!(custom.prompt_hash, base.prompt_hash);
        assert_eq!(custom.rubric_hash, base.rubric_hash);
        std::fs::write(dir.path().join("rubric.toml"), "[[criterion]]\nid = \"x\"\nmax = 3\ndescription = \"d\"\n")
            .unwrap();
        let err = Prompts::load(Some(dir.path())).unwrap_err().to_string();
        assert!(err.contains("rubric.toml") && err.contains("add up to 10"), "{err}");
        std::fs::write(dir.path().join("rubric.toml"), "[[criterion]]\nid = \"x\"\nmax = 10\ndescription = \"d\"\n")
            .unwrap();
        let err = Prompts::load(Some(dir.path())).unwrap_err().to_string();
        assert!(err.contains("`coverage`, `depth` and `clarity`"), "{err}");
    }
}
