//! The answer key's unit: a [`Claim`], one self-contained sentence an interviewer checks (a key
//! point) or a wrong claim candidates voice (a misconception), with accepted alternative wordings.
//!
//! On disk and in `--json` a claim is a plain string when it has no alternatives, and a table
//! `{ text = "...", alternatives = ["...", ...] }` (text first) when it has some; both forms may be
//! mixed in one list.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One claim of an answer key.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Claim {
    /// The claim as the answer key states it.
    pub text: String,
    /// Other wordings a grader accepts for the same claim.
    pub alternatives: Vec<String>,
}

impl Claim {
    pub fn new(text: impl Into<String>) -> Claim {
        Claim { text: text.into(), alternatives: Vec::new() }
    }

    /// The text, then each alternative wording.
    pub fn wordings(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.text.as_str()).chain(self.alternatives.iter().map(String::as_str))
    }
}

impl From<&str> for Claim {
    fn from(text: &str) -> Claim {
        Claim::new(text)
    }
}

impl From<String> for Claim {
    fn from(text: String) -> Claim {
        Claim::new(text)
    }
}

impl std::fmt::Display for Claim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl PartialEq<str> for Claim {
    fn eq(&self, other: &str) -> bool {
        self.text == other
    }
}

impl PartialEq<&str> for Claim {
    fn eq(&self, other: &&str) -> bool {
        self.text == *other
    }
}

impl PartialEq<String> for Claim {
    fn eq(&self, other: &String) -> bool {
        &self.text == other
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum ClaimIn {
    Text(String),
    Table {
        text: String,
        #[serde(default)]
        alternatives: Vec<String>,
    },
}

impl<'de> Deserialize<'de> for Claim {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Claim, D::Error> {
        Ok(match ClaimIn::deserialize(d)? {
            ClaimIn::Text(text) => Claim::new(text),
            ClaimIn::Table { text, alternatives } => Claim { text, alternatives },
        })
    }
}

#[derive(Serialize)]
struct ClaimOut<'a> {
    text: &'a str,
    alternatives: &'a [String],
}

impl Serialize for Claim {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.alternatives.is_empty() {
            s.serialize_str(&self.text)
        } else {
            ClaimOut { text: &self.text, alternatives: &self.alternatives }.serialize(s)
        }
    }
}

/// The texts of a list of claims.
pub fn texts(claims: &[Claim]) -> Vec<String> {
    claims.iter().map(|c| c.text.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_claim_reads_as_a_string_or_a_table_and_writes_back_the_same_way() {
        #[derive(Deserialize, Serialize)]
        struct Doc {
            points: Vec<Claim>,
        }
        let doc: Doc =
            toml::from_str("points = [\"plain\", { text = \"with\", alternatives = [\"other words\"] }]").unwrap();
        assert_eq!(doc.points[0], Claim::new("plain"));
        assert_eq!(doc.points[1].wordings().collect::<Vec<_>>(), ["with", "other words"]);
        let json = serde_json::to_string(&doc).unwrap();
        assert_eq!(json, r#"{"points":["plain",{"text":"with","alternatives":["other words"]}]}"#);
    }
}
