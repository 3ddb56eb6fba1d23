//! Session ids: how new ones are made, and how one typed on the command line is checked and
//! resolved (`latest`, a whole id, or a unique prefix).
//!
//! Invariants: a resolved id is a single file name in the transcripts folder (no separators,
//! no `..`, no leading dot), so a path built from it never leaves the folder. Uniqueness of new
//! ids is not left to the clock: [`super::Store::create`] creates the file exclusively and
//! moves on to the next candidate when the name is taken.

use chrono::{DateTime, Utc};

/// A new session id: sortable by time to the millisecond (`20261123-101500-123a`). Two
/// sessions started in the same millisecond get the same candidate; the store then adds `-2`,
/// `-3`, … (see [`candidates`]).
pub fn new_id(now: DateTime<Utc>) -> String {
    let nanos = now.timestamp_subsec_nanos();
    format!("{}-{:03}{:x}", now.format("%Y%m%d-%H%M%S"), nanos / 1_000_000, (nanos / 62_500) % 16)
}

/// The names tried, in order, for a session whose first choice is `id`: `id`, `id-2`, `id-3`, …
/// (each still sorts after `id`, so "newest last" holds).
pub fn candidates(id: &str) -> impl Iterator<Item = String> + '_ {
    std::iter::once(id.to_string()).chain((2..).map(move |n| format!("{id}-{n}")))
}

/// Why a session id given by the user cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("`{id}` is not a session id: {why}")]
    Invalid { id: String, why: &'static str },
    #[error("no session `{0}`")]
    NotFound(String),
    #[error("`{prefix}` matches {} sessions: {}", .matches.len(), list(.matches))]
    Ambiguous { prefix: String, matches: Vec<String> },
    #[error("there are no sessions yet")]
    Empty,
}

fn list(ids: &[String]) -> String {
    let shown: Vec<&str> = ids.iter().take(5).map(String::as_str).collect();
    let more =
        if ids.len() > shown.len() { format!(", … ({} more)", ids.len() - shown.len()) } else { String::new() };
    format!("{}{more}", shown.join(", "))
}

/// Checks that `id` can only name a file directly inside the transcripts folder.
pub fn validate(id: &str) -> Result<(), IdError> {
    let bad = |why| Err(IdError::Invalid { id: id.to_string(), why });
    if id.is_empty() {
        return bad("it is empty");
    }
    if id.len() > 200 {
        return bad("it is longer than 200 bytes");
    }
    if id.contains(['/', '\\']) {
        return bad("it holds a path separator; give the id alone, without a folder");
    }
    if id.starts_with('.') {
        return bad("it starts with a dot");
    }
    if id.chars().any(char::is_control) {
        return bad("it holds a control character");
    }
    Ok(())
}

/// Resolves what the user typed against the ids in the folder (oldest first): `latest` is the
/// newest session, a whole id is itself (a trailing `.json` is ignored), and otherwise the one
/// id that starts with it.
pub fn resolve(arg: &str, ids: &[String]) -> Result<String, IdError> {
    let arg = arg.trim();
    if arg == "latest" {
        return ids.last().cloned().ok_or(IdError::Empty);
    }
    let arg = arg.strip_suffix(".json").unwrap_or(arg);
    validate(arg)?;
    if ids.iter().any(|id| id == arg) {
        return Ok(arg.to_string());
    }
    let matches: Vec<String> = ids.iter().filter(|id| id.starts_with(arg)).cloned().collect();
    match matches.len() {
        0 => Err(IdError::NotFound(arg.to_string())),
        1 => Ok(matches.into_iter().next().unwrap_or_default()),
        _ => Err(IdError::Ambiguous { prefix: arg.to_string(), matches }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids() -> Vec<String> {
        ["20261110-090000-0000", "20261113-090000-0001", "20261113-093000-0002"].map(String::from).to_vec()
    }

    #[test]
    fn latest_whole_ids_and_unique_prefixes_resolve() {
        assert_eq!(resolve("latest", &ids()).unwrap(), "20261113-093000-0002");
        assert_eq!(resolve("20261110-090000-0000", &ids()).unwrap(), "20261110-090000-0000");
        assert_eq!(resolve("20261110-090000-0000.json", &ids()).unwrap(), "20261110-090000-0000");
        assert_eq!(resolve("20261110", &ids()).unwrap(), "20261110-090000-0000");
        assert_eq!(resolve("20261113-09300", &ids()).unwrap(), "20261113-093000-0002");
        assert_eq!(resolve("latest", &[]), Err(IdError::Empty));
    }

    #[test]
    fn ambiguous_and_unknown_prefixes_say_so() {
        let err = resolve("20261113", &ids()).unwrap_err();
        assert!(matches!(&err, IdError::Ambiguous { matches, .. } if matches.len() == 2), "{err}");
        assert!(err.to_string().contains("20261113-090000-0001, 20261113-093000-0002"), "{err}");
        assert_eq!(resolve("2027", &ids()), Err(IdError::NotFound("2027".into())));
    }

    #[test]
    fn ids_that_could_leave_the_folder_are_refused() {
        for bad in ["../outside/x", "..", "a/b", "a\\b", ".hidden", "", "a\u{1b}]52;c;x", "/etc/passwd"] {
            assert!(
                matches!(resolve(bad, &ids()), Err(IdError::Invalid { .. }) | Err(IdError::NotFound(_))),
                "{bad:?}"
            );
            assert!(validate(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn candidates_keep_the_first_choice_then_count_up() {
        let c: Vec<String> = candidates("20261110-090000-0000").take(3).collect();
        assert_eq!(c, ["20261110-090000-0000", "20261110-090000-0000-2", "20261110-090000-0000-3"]);
    }
}
