//! Checking the answer keys of a bank's files: every key point and misconception is a claim an
//! interviewer can check ([`crate::bank::keycheck`]), each entry has 1–6 points and at most 4
//! misconceptions; with `strict`, a reviewed entry has two points or more (one for a one-fact
//! question) and a misconception. Every problem carries the file and line of the claim.
//!
//! Separate from loading on purpose: an imperfect answer key never stops an interview, it is
//! reported by `viva bank validate`.

use serde::Serialize;

use super::{FileIn, LineIndex, Problem};
use crate::bank::keycheck;

/// An answer-key problem: where, in which entry, and whether a person had reviewed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyProblem {
    pub file: String,
    pub line: usize,
    pub id: String,
    pub reviewed: bool,
    pub message: String,
}

impl KeyProblem {
    pub fn problem(&self) -> Problem {
        Problem { file: self.file.clone(), line: self.line, message: format!("{}: {}", self.id, self.message) }
    }
}

/// The answer-key problems of one topic file's text. A file that does not parse has none here
/// (its structural problems come from [`super::parse_file`]).
pub fn check_file(name: &str, text: &str, strict: bool) -> Vec<KeyProblem> {
    let lines = LineIndex::new(text);
    let line_of = |offset: usize| lines.line_of(offset);
    let Ok(file) = toml::from_str::<FileIn>(text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for entry in &file.question {
        let e = entry.get_ref();
        let Some(id) = &e.id else { continue };
        let entry_line = line_of(id.span().start);
        let mut push = |line: usize, message: String| {
            out.push(KeyProblem {
                file: name.to_string(),
                line,
                id: id.get_ref().clone(),
                reviewed: e.reviewed,
                message,
            });
        };
        for (what, claims) in [("key point", &e.key_points), ("misconception", &e.misconceptions)] {
            for claim in claims {
                let line = line_of(claim.span().start);
                let c = claim.get_ref();
                if let Some(fault) = keycheck::fault(&c.text) {
                    push(line, format!("{what} \"{}\" {fault}", short(&c.text)));
                }
                for alt in &c.alternatives {
                    if let Some(fault) = keycheck::alternative_fault(alt) {
                        push(line, format!("alternative wording \"{}\" {fault}", short(alt)));
                    }
                }
            }
        }
        let line = e.key_points.first().map_or(entry_line, |k| line_of(k.span().start));
        let one_fact = keycheck::one_fact(e.answer.as_deref());
        for message in keycheck::entry_faults(
            e.key_points.len(),
            e.misconceptions.len(),
            e.answer.as_deref().is_some_and(|a| !a.trim().is_empty()),
            e.reviewed,
            one_fact,
            strict,
        ) {
            push(line, message);
        }
    }
    out
}

fn short(text: &str) -> String {
    const MAX: usize = 70;
    let t = text.trim();
    if t.chars().count() <= MAX { t.to_string() } else { format!("{}…", t.chars().take(MAX).collect::<String>()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"topic = "databases"

[[question]]
id = "databases/transactions"
difficulty = "medium"
question = "How do you handle database transactions in FastAPI?"
source = "a.md:3"
answer = "Open a session per request, commit at the end, roll back on failure."
key_points = [
    "Open one database session per request, usually through a dependency.",
    "from contextlib import contextmanager",
    { text = "Roll back the transaction when the request fails.", alternatives = ["import x"] },
]
misconceptions = ["Need async drivers for databases (e.g."]
reviewed = true

[[question]]
id = "databases/acid"
difficulty = "easy"
question = "What is ACID?"
source = "a.md:9"
answer = "ACID names four guarantees of a transaction. Each one is kept even on a crash."
key_points = ["ACID stands for atomicity, consistency, isolation and durability."]
reviewed = true
"#;

    #[test]
    fn each_bad_claim_is_named_with_its_own_line() {
        let problems = check_file("databases.toml", FILE, false);
        let shown: Vec<String> = problems.iter().map(|p| p.problem().to_string()).collect();
        assert_eq!(
            shown,
            [
                "databases.toml:11: databases/transactions: key point \"from contextlib import contextmanager\" is an import line, not a claim",
                "databases.toml:12: databases/transactions: alternative wording \"import x\" is an import line, not a claim",
                "databases.toml:14: databases/transactions: misconception \"Need async drivers for databases (e.g.\" is a sentence cut short at an abbreviation (`e.g.`, `i.e.`)",
            ]
        );
        assert!(problems.iter().all(|p| p.reviewed));
    }

    #[test]
    fn strict_asks_reviewed_entries_for_two_points_and_a_misconception() {
        let strict = check_file("databases.toml", FILE, true);
        let acid: Vec<&str> = strict.iter().filter(|p| p.id == "databases/acid").map(|p| p.message.as_str()).collect();
        assert_eq!(acid.len(), 2, "{acid:?}");
        assert!(acid[0].starts_with("reviewed with one key point"), "{acid:?}");
        assert!(acid[1].starts_with("reviewed with no misconception"), "{acid:?}");
        assert_eq!(strict.iter().find(|p| p.id == "databases/acid").map(|p| p.line), Some(23));
    }
}
