//! Making text from transcripts safe to show. Answers, feedback and anything else read from a
//! transcript may hold terminal escapes (OSC 52 writes the clipboard, CSI 2J clears the screen,
//! CR and BS overwrite what was printed) or HTML (`<script>`); neither may reach a terminal or a
//! Markdown viewer as it is.
//!
//! Invariant: [`terminal`] output holds no control character but newline and tab, and no bidi
//! override; each one removed is shown escaped (`\x1b`, `\r`, `\u{202e}`), so nothing is hidden.

use std::borrow::Cow;

use serde::Serialize;
use serde::de::DeserializeOwned;

/// Whether `c` must not reach a terminal as it is.
fn unsafe_for_terminal(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

/// `text` with every control character (but newline and tab) and bidi control shown escaped.
pub fn terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(unsafe_for_terminal) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\r' => out.push_str("\\r"),
            c if unsafe_for_terminal(c) && (c as u32) < 0x100 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if unsafe_for_terminal(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// `text` safe for a terminal (see [`terminal`]) and inert as HTML: `&`, `<` and `>` become
/// entities, so a Markdown viewer shows `<script>` instead of running it, and a spreadsheet or
/// web tool importing a CSV gets no markup.
pub fn document(text: &str) -> Cow<'_, str> {
    let safe = terminal(text);
    if !safe.contains(['&', '<', '>']) {
        return safe;
    }
    Cow::Owned(safe.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;"))
}

/// A copy of `value` with `clean` applied to every string in it (whatever the type's fields:
/// it goes through its JSON form). Falls back to an unchanged copy if the cleaned form no
/// longer reads as `T`.
pub fn strings<T: Serialize + DeserializeOwned + Clone>(value: &T, clean: fn(&str) -> Cow<'_, str>) -> T {
    fn walk(v: &mut serde_json::Value, clean: fn(&str) -> Cow<'_, str>) {
        match v {
            serde_json::Value::String(s) => {
                if let Cow::Owned(c) = clean(s) {
                    *s = c;
                }
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(|v| walk(v, clean)),
            serde_json::Value::Object(o) => o.values_mut().for_each(|v| walk(v, clean)),
            _ => {}
        }
    }
    let Ok(mut json) = serde_json::to_value(value) else { return value.clone() };
    walk(&mut json, clean);
    serde_json::from_value(json).unwrap_or_else(|_| value.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_reach_the_terminal_only_as_visible_text() {
        let answer = "ok\x1b]52;c;aGk=\x07 \x1b]0;title\x07\x1b[2J\rover\x08\u{9b}31m \u{202e}evil\nnext\tline";
        let shown = terminal(answer);
        assert!(!shown.chars().any(unsafe_for_terminal), "{shown:?}");
        assert_eq!(
            shown,
            "ok\\x1b]52;c;aGk=\\x07 \\x1b]0;title\\x07\\x1b[2J\\rover\\x08\\x9b31m \\u{202e}evil\nnext\tline"
        );
        assert!(matches!(terminal("plain text, é ü 中"), Cow::Borrowed(_)));
    }

    #[test]
    fn documents_neutralise_html() {
        assert_eq!(document("<script>alert(1)</script> & a<b"), "&lt;script&gt;alert(1)&lt;/script&gt; &amp; a&lt;b");
        assert_eq!(document("\x1b[2J<b>"), "\\x1b[2J&lt;b&gt;");
    }

    #[test]
    fn every_string_of_a_value_is_cleaned() {
        let v = serde_json::json!({"a": ["<x>", {"b": "\x1b"}], "n": 3});
        assert_eq!(strings(&v, document), serde_json::json!({"a": ["&lt;x&gt;", {"b": "\\x1b"}], "n": 3}));
    }
}
