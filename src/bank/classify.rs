//! Topic classification and difficulty estimation for bank entries.
//!
//! HELPER-OWNED: implemented by the classify/dedupe/distil work item.

use super::Difficulty;

/// The topic slug (one of [`super::TOPICS`]) for a question.
pub fn topic_for(_question: &str, _answer: Option<&str>, _section: Option<&str>) -> &'static str {
    "core-python"
}

/// An estimated difficulty when the source marks none.
pub fn estimate_difficulty(_question: &str, _answer: Option<&str>) -> Difficulty {
    Difficulty::Medium
}
