//! Writing a bank over an existing one without touching what a person wrote: the entries named
//! in `kept` are written back as the exact text they had in their file (comments, key order,
//! inline tables and all); every other entry is rendered as `viva bank import` always renders it.

use std::collections::HashMap;

use super::{FileIn, FileOut, Question, entry_out, file_header};
use crate::bank::TOPICS;

/// Each entry's own text in a topic file, by id: from its `[[question]]` header up to the next
/// entry's header (its `[[question.variants]]` tables included), trailing blank lines removed.
/// A file that does not parse gives nothing.
pub fn entry_texts(text: &str) -> Vec<(String, String)> {
    let Ok(file) = toml::from_str::<FileIn>(text) else {
        return Vec::new();
    };
    // A table's span may start in the whitespace before its header.
    let starts: Vec<usize> = file
        .question
        .iter()
        .map(|e| {
            let start = e.span().start.min(text.len());
            start + (text[start..].len() - text[start..].trim_start().len())
        })
        .collect();
    file.question
        .iter()
        .zip(&starts)
        .enumerate()
        .filter_map(|(k, (e, &start))| {
            let id = e.get_ref().id.as_ref()?.get_ref().clone();
            let end = starts.get(k + 1).copied().unwrap_or(text.len());
            Some((id, text[start..end].trim_end().to_string()))
        })
        .collect()
}

/// One entry as [`super::render_file`] writes it, without the file's `topic` line.
pub fn render_entry(q: &Question) -> String {
    let file = FileOut { topic: &q.topic, question: vec![entry_out(q)] };
    let text = toml::to_string_pretty(&file).unwrap_or_default();
    text.find("[[question]]").map_or(text.as_str(), |at| &text[at..]).trim_end().to_string()
}

/// Renders the bank as `(file name, contents)`, one file per topic that has questions, in the
/// order given; an entry whose id is in `kept` is written as that text, unchanged.
pub fn render_keeping(questions: &[Question], kept: &HashMap<String, String>) -> Vec<(String, String)> {
    TOPICS
        .iter()
        .filter_map(|t| {
            let entries: Vec<String> = questions
                .iter()
                .filter(|q| q.topic == t.slug)
                .map(|q| kept.get(&q.id).cloned().unwrap_or_else(|| render_entry(q)))
                .collect();
            (!entries.is_empty()).then(|| {
                let text = format!("{}topic = \"{}\"\n\n{}\n", file_header(t.slug), t.slug, entries.join("\n\n"));
                (format!("{}.toml", t.slug), text)
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bank::store::{parse_files, render};

    #[test]
    fn rendering_entry_by_entry_gives_the_files_render_gives() {
        let files = crate::bank::store::embedded_files();
        let questions = parse_files(files.iter().map(|(n, t)| (n.clone(), t.as_str()))).unwrap();
        let whole = render(&questions);
        let pieces = render_keeping(&questions, &HashMap::new());
        assert_eq!(whole.len(), pieces.len());
        for ((name, a), (_, b)) in whole.iter().zip(&pieces) {
            assert!(a == b, "{name} differs");
        }
    }

    #[test]
    fn kept_entries_are_written_back_as_they_stood() {
        let text = "topic = \"typing\"\n\n[[question]]\n# a reviewer's note\nid = \"typing/a\"\ndifficulty = \"easy\"\nquestion = \"What is A?\"\nsource = \"x.md:1\"\nkey_points = [\n  { text = \"A is the first letter.\", alternatives = [\"first\"] },\n]\nreviewed = true\n\n[[question.variants]]\nquestion = \"A?\"\nsource = \"x.md:9\"\n\n\n[[question]]\nid = \"typing/b\"\ndifficulty = \"easy\"\nquestion = \"What is B?\"\nsource = \"x.md:5\"\n";
        let texts: HashMap<String, String> = entry_texts(text).into_iter().collect();
        assert_eq!(texts.len(), 2);
        assert!(texts["typing/a"].starts_with("[[question]]\n# a reviewer's note\n"), "{}", texts["typing/a"]);
        assert!(texts["typing/a"].ends_with("source = \"x.md:9\""), "{}", texts["typing/a"]);
        let (questions, problems) = crate::bank::store::parse_file("typing.toml", text);
        assert!(problems.is_empty());
        let kept: HashMap<String, String> = texts.into_iter().filter(|(id, _)| id == "typing/a").collect();
        let out = render_keeping(&questions, &kept);
        assert!(out[0].1.contains(&kept["typing/a"]), "{}", out[0].1);
        let (again, problems) = crate::bank::store::parse_file("typing.toml", &out[0].1);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(again, questions);
    }
}
