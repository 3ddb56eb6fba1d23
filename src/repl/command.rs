//! Session commands typed at the answer prompt (`/skip`, `/time`, …): parsing and the
//! suggestion for a typo, so a mistyped command is never recorded as an answer.

use crate::session::Command;

/// What a line that starts with `/` means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    /// A command for the engine.
    Engine(Command),
    /// Open `$EDITOR` for a long answer (handled by the driver).
    Edit,
    /// Show the reference answer of the question just answered (handled by the driver).
    Reference,
    /// A progressive hint for the current question (practice).
    Hint,
    /// The last answer with what it missed, worded as additions (practice).
    Improve,
    /// The candidate's own rating of the last answer.
    Rate(String),
    /// Answer the last question again; the next answer is compared with the first.
    Retry,
    /// "I did cover X": re-check that missed point against the last answer.
    Appeal(String),
    /// Not a command we know; maybe a typo of `suggestion`.
    Unknown { typed: String, suggestion: Option<&'static str> },
}

/// Every command with its one-line help, in the order `/help` shows them.
pub const COMMANDS: &[(&str, &str)] = &[
    ("help", "show this list"),
    ("skip", "skip this question (recorded as skipped)"),
    ("repeat", "show the question again"),
    ("time", "time left on this question and in the interview"),
    ("pause", "stop the clock"),
    ("resume", "start the clock again"),
    ("edit", "write this answer in $EDITOR (for long answers and code)"),
    ("reference", "the reference answer of the question you just answered"),
    ("hint", "a hint: a nudge, then a key-point cue, then a near-answer (each lowers the best score)"),
    ("improve", "your last answer with what it missed, as additions"),
    ("rate", "rate your last answer yourself: /rate again|hard|good|easy"),
    ("retry", "answer the last question again and see what changed"),
    ("appeal", "/appeal <the point you covered>: re-check it against your last answer"),
    ("quit", "end the session now; everything answered is saved"),
];

/// Commands that give feedback or another attempt: only in `viva practice` (an interview keeps
/// its scores for the end).
pub const PRACTICE_ONLY: &[&str] = &["reference", "hint", "improve", "rate", "retry", "appeal"];

impl Parsed {
    /// The practice command's name, when this is one (`/hint`, `/retry`, …).
    pub fn practice_name(&self) -> Option<&'static str> {
        match self {
            Parsed::Reference => Some("reference"),
            Parsed::Hint => Some("hint"),
            Parsed::Improve => Some("improve"),
            Parsed::Rate(_) => Some("rate"),
            Parsed::Retry => Some("retry"),
            Parsed::Appeal(_) => Some("appeal"),
            _ => None,
        }
    }
}

/// The commands `/help` lists in a session of this kind.
pub fn listed(practice: bool) -> impl Iterator<Item = &'static (&'static str, &'static str)> {
    COMMANDS.iter().filter(move |(name, _)| practice || !PRACTICE_ONLY.contains(name))
}

/// Parses `line` if it is a command: it starts with `/` and its first word has no other `/`
/// (so an answer starting with `/usr/bin/…` stays an answer).
pub fn parse(line: &str) -> Option<Parsed> {
    let line = line.trim();
    let word = line.strip_prefix('/')?.split_whitespace().next().unwrap_or("");
    if word.contains('/') || line.contains('\n') {
        return None;
    }
    let word = word.to_ascii_lowercase();
    Some(match word.as_str() {
        "help" | "h" | "?" => Parsed::Engine(Command::Help),
        "skip" | "s" | "next" => Parsed::Engine(Command::Skip),
        "repeat" | "r" | "question" => Parsed::Engine(Command::Repeat),
        "time" | "t" => Parsed::Engine(Command::Time),
        "pause" | "p" => Parsed::Engine(Command::Pause),
        "resume" | "continue" => Parsed::Engine(Command::Resume),
        "quit" | "q" | "exit" => Parsed::Engine(Command::Quit),
        "edit" | "e" | "editor" => Parsed::Edit,
        "reference" | "ref" => Parsed::Reference,
        "hint" => Parsed::Hint,
        "improve" => Parsed::Improve,
        "retry" => Parsed::Retry,
        "appeal" => {
            Parsed::Appeal(line.split_once(char::is_whitespace).map_or("", |(_, rest)| rest).trim().to_string())
        }
        "rate" => {
            let value = line.split_whitespace().nth(1).unwrap_or("").to_ascii_lowercase();
            match value.as_str() {
                "again" | "hard" | "good" | "easy" => Parsed::Rate(value),
                _ => Parsed::Unknown { typed: format!("rate {value}"), suggestion: Some("rate") },
            }
        }
        _ => Parsed::Unknown { suggestion: suggest(&word), typed: word },
    })
}

/// Whether `line` is a command that leaves the answer being typed alone (`/time`, `/pause`,
/// `/resume`, `/help`, `/repeat`, `/edit`): typed on its own line after some text, it runs and
/// the text stays in the answer (`/edit` opens it in the editor).
pub fn is_aside(line: &str) -> bool {
    matches!(
        parse(line),
        Some(
            Parsed::Engine(Command::Time | Command::Pause | Command::Resume | Command::Help | Command::Repeat)
                | Parsed::Reference
                | Parsed::Hint
                | Parsed::Improve
                | Parsed::Rate(_)
                | Parsed::Appeal(_)
                | Parsed::Edit
        )
    )
}

/// Whether `line` is a command viva knows (not a typo, not an answer line such as `/users/{id}`).
/// On its own line after some text it is never taken as part of the answer.
pub fn is_known(line: &str) -> bool {
    parse(line).is_some_and(|p| !matches!(p, Parsed::Unknown { .. }))
}

/// The closest known command within two edits, if any.
fn suggest(word: &str) -> Option<&'static str> {
    COMMANDS.iter().map(|(name, _)| (distance(word, name), *name)).filter(|(d, _)| *d <= 2).min().map(|(_, name)| name)
}

/// Edit distance counting a swap of two neighbours as one edit (`qiut` → `quit`).
fn distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    d[0] = (0..=b.len()).collect();
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_parse_and_typos_get_suggestions() {
        assert_eq!(parse("/skip"), Some(Parsed::Engine(Command::Skip)));
        assert_eq!(parse("  /TIME "), Some(Parsed::Engine(Command::Time)));
        assert_eq!(parse("/edit"), Some(Parsed::Edit));
        assert_eq!(parse("/skpi"), Some(Parsed::Unknown { typed: "skpi".into(), suggestion: Some("skip") }));
        assert_eq!(parse("/qiut"), Some(Parsed::Unknown { typed: "qiut".into(), suggestion: Some("quit") }));
        assert_eq!(parse("/xyzzy"), Some(Parsed::Unknown { typed: "xyzzy".into(), suggestion: None }));
    }

    #[test]
    fn answers_that_merely_start_with_a_slash_are_answers() {
        assert_eq!(parse("/usr/bin/python is the interpreter"), None);
        assert_eq!(parse("the answer"), None);
    }
}
