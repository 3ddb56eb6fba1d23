//! One-line question/answer tables ("Quick Revision — One-Liners"): a Markdown table whose header
//! names a question column and an answer column (`| # | Question | Answer |`, `| Q | A |`), or
//! whose first text column is mostly questions ending in `?`. Each row is one question with its
//! answer; other tables (comparisons inside an answer) are left alone.

use std::collections::HashMap;

/// Cells of a table row, trimmed; `None` for a line that is not a row.
fn cells(line: &str) -> Option<Vec<String>> {
    let t = line.trim();
    let inner = t.strip_prefix('|')?;
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    Some(split_cells(inner).into_iter().map(|c| c.trim().to_string()).collect())
}

/// Splits at `|` outside backticks (`X | None` in a code span is one cell).
fn split_cells(inner: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_code = false;
    for (i, c) in inner.char_indices() {
        match c {
            '`' => in_code = !in_code,
            '|' if !in_code => {
                out.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&inner[start..]);
    out
}

fn is_separator(line: &str) -> bool {
    cells(line)
        .is_some_and(|c| !c.is_empty() && c.iter().all(|x| !x.is_empty() && x.chars().all(|ch| "-: ".contains(ch))))
}

/// The question and answer of each row of every question/answer table in `lines`, by line index.
pub fn rows(lines: &[&str]) -> HashMap<usize, (String, String)> {
    let mut out = HashMap::new();
    let mut i = 0;
    while i + 1 < lines.len() {
        let Some(header) = cells(lines[i]).filter(|_| is_separator(lines[i + 1])) else {
            i += 1;
            continue;
        };
        let end = (i + 2..lines.len()).find(|&j| cells(lines[j]).is_none()).unwrap_or(lines.len());
        let body: Vec<(usize, Vec<String>)> = (i + 2..end).filter_map(|j| Some((j, cells(lines[j])?))).collect();
        if let Some((q, a)) = columns(&header, &body) {
            for (j, row) in &body {
                if let (Some(question), Some(answer)) = (row.get(q), row.get(a))
                    && !question.is_empty()
                    && !answer.is_empty()
                {
                    out.insert(*j, (question.clone(), answer.clone()));
                }
            }
        }
        i = end;
    }
    out
}

/// The question and answer columns: named in the header, or the first text column whose cells
/// are mostly questions and the column after it.
fn columns(header: &[String], body: &[(usize, Vec<String>)]) -> Option<(usize, usize)> {
    let named = |names: &[&str]| header.iter().position(|h| names.contains(&h.to_lowercase().trim_matches('*')));
    if let (Some(q), Some(a)) = (named(&["question", "questions", "q"]), named(&["answer", "answers", "a", "ans"])) {
        return Some((q, a));
    }
    if body.len() < 2 {
        return None;
    }
    let numbering = |c: &str| c.is_empty() || c.chars().all(|ch| ch.is_ascii_digit() || ch == '#' || ch == '.');
    let q = (0..header.len()).find(|&c| !body.iter().all(|(_, r)| r.get(c).is_none_or(|x| numbering(x))))?;
    let asked = body.iter().filter(|(_, r)| r.get(q).is_some_and(|x| x.ends_with('?'))).count();
    (asked * 10 >= body.len() * 6 && q + 1 < header.len()).then_some((q, q + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_named_question_and_answer_table_gives_its_rows() {
        let text = "| # | Question | Answer |\n|---|----------|--------|\n| 1 | What is GIL? | One thread at a time in CPython |\n| 2 | Type hint for optional? | `Optional[X]` or `X | None` |\n\nAfter.";
        let lines: Vec<&str> = text.lines().collect();
        let rows = rows(&lines);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[&2], ("What is GIL?".to_string(), "One thread at a time in CPython".to_string()));
        assert_eq!(rows[&3].1, "`Optional[X]` or `X | None`");
    }

    #[test]
    fn an_unnamed_table_of_questions_counts_and_a_comparison_table_does_not() {
        let qa = "| Term | Meaning |\n|-|-|\n| What is a wheel? | A built distribution |\n| What is an sdist? | A source archive |";
        assert_eq!(rows(&qa.lines().collect::<Vec<_>>()).len(), 2);
        let comparison =
            "| | Threads | Processes |\n|-|-|-|\n| Memory | Shared | Separate |\n| GIL | Limited | Bypassed |";
        assert!(rows(&comparison.lines().collect::<Vec<_>>()).is_empty());
    }
}
