//! The offline grader: scores an answer against the question's key points and reference
//! answer with lexical matching. Deterministic, no network.
//!
//! HELPER-OWNED: implemented by the offline-grader work item.

use super::{Grade, Grader, GraderInfo};
use crate::bank::Question;

pub struct OfflineGrader {}

impl OfflineGrader {
    /// Builds a grader knowing every question of the bank (to detect copied references).
    pub fn new(_bank: &[Question]) -> OfflineGrader {
        OfflineGrader {}
    }
}

impl Grader for OfflineGrader {
    fn info(&self) -> GraderInfo {
        GraderInfo {
            kind: "offline".into(),
            model: None,
            version: "0".into(),
        }
    }

    fn grade(&self, _question: &Question, _answer: &str) -> Grade {
        Grade::pending(self.info(), "not implemented")
    }
}
