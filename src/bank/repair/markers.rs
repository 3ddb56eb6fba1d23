//! Detection of leftover mojibake, independent of the repair decoder so that tests can use
//! it as a second opinion: a fixed list of telltale sequences plus a few structural patterns.
//!
//! Invariants: every marker is what a common UTF-8 lead-byte pair (or a frequent whole char)
//! looks like after mis-decoding through Windows-1252/1254, Windows-1253 or Mac Roman; a
//! marker starts with a non-ASCII char; `find_mojibake` reports the earliest hit.

use super::codepage::CodePage;

/// Telltale sequences of mojibake. Two-char entries are the mis-decoded first two bytes of
/// a UTF-8 sequence (so they catch any char of that block); longer ones are whole chars.
const MARKERS: &[&str] = &[
    // Windows-1252 / Windows-1254: E2 80.., E2 84.. ... E2 AD (punctuation, arrows, maths,
    // technical, box drawing, shapes, symbols, dingbats, stars), emoji, BOM, Latin-1.
    "â€", "â„", "â†", "â‡", "âˆ", "âŒ", "â”", "â•", "â–", "â—", "â˜", "â™", "âš", "â›", "âœ", "âž", "â\u{AD}", "â¬",
    "ðŸ", "ğŸ", "ï»¿", "Ã©", "Ã¨", "Ã—", "Â·", "Â°", "Â\u{A0}",
    // Windows-1253: the same lead pairs, and Latin-1 through it.
    "β€", "β„", "β†", "β‡", "β”", "β•", "β–", "β—", "β™", "β›", "β\u{AD}", "β¬", "Γ©", "Γ—", "Β·", "Β°", "Β²",
    // Mac Roman: frequent whole chars (the generic `‚` pattern is below), emoji, BOM.
    "‚Üí", "‚Üê", "‚Äô", "‚Äò", "‚Äî", "‚Äì", "‚Äú", "‚Äù", "‚Ä¶", "‚Ä¢", "‚úÖ", "‚ùå", "‚îÄ", "üëâ", "\u{F8FF}ü",
    "Ôªø", "√©", "√®", "√ó", "¬∑", "¬†",
];

/// The fixed telltale sequences [`find_mojibake`] looks for (it also applies patterns).
pub fn mojibake_markers() -> &'static [&'static str] {
    MARKERS
}

/// Byte offset and text of the first suspicious sequence in `text`, if any.
///
/// Besides [`mojibake_markers`] it flags: a C1 control char (U+0080..U+009F); `Ã`/`Â`
/// followed by a char in U+0080..U+00BF or by Windows-1252 punctuation; `Γ`/`Β` followed by
/// a Windows-1253 continuation char other than an accented Greek capital; `¬`, or `√` not
/// followed by a maths sign, before a Mac Roman continuation char; Mac Roman `‚` and 1253 `π`
/// followed by two continuation chars (a 3- or 4-byte sequence). A legit German low quote
/// before a plain letter (`‚Äpfel`) is not flagged.
pub fn find_mojibake(text: &str) -> Option<(usize, &str)> {
    for (at, c) in text.char_indices() {
        if c.is_ascii() {
            continue;
        }
        let rest = &text[at..];
        if let Some(m) = MARKERS.iter().find(|m| rest.starts_with(**m)) {
            return Some((at, &rest[..m.len()]));
        }
        if let Some(len) = pattern_len(rest) {
            return Some((at, rest.get(..len).unwrap_or(rest)));
        }
    }
    None
}

/// Length in bytes of a pattern match at the start of `rest`.
fn pattern_len(rest: &str) -> Option<usize> {
    let mut chars = rest.chars();
    let first = chars.next()?;
    if ('\u{80}'..='\u{9F}').contains(&first) {
        return Some(first.len_utf8());
    }
    let second = chars.next()?;
    let pair = first.len_utf8() + second.len_utf8();
    let mac = CodePage::MacRoman;
    let greek = CodePage::Windows1253;
    let hit = match first {
        'Ã' | 'Â' => ('\u{80}'..='\u{BF}').contains(&second) || "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ".contains(second),
        'Γ' | 'Β' => greek.is_continuation(second) && !"ΆΈΉΊΌΎΏ".contains(second),
        '¬' => mac.is_continuation(second),
        '√' => mac.is_continuation(second) && !"∞±≤≥∂∑∏π∫Ωµ≠ªº".contains(second),
        '‚' | '\u{F8FF}' | 'π' => {
            let cp = if first == 'π' { greek } else { mac };
            let third = chars.next();
            if cp.is_continuation(second) && third.is_some_and(|t| cp.is_continuation(t)) {
                return Some(pair + third.map_or(0, char::len_utf8));
            }
            false
        }
        _ => false,
    };
    hit.then_some(pair)
}
