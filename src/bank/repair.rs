//! Mojibake repair: text that was UTF-8, mis-decoded through a legacy code page (Mac Roman,
//! Windows-1254, Windows-1253) and saved again as UTF-8 — `â€”` for `—`, `ğŸŸ¡` for `🟡`,
//! `‚Üí` for `→`, `β€”` for `—`.
//!
//! Method, span by span (a page may mix correct UTF-8 with broken text): take each maximal
//! run of non-ASCII characters; for each code page, map the run's characters back to the bytes
//! that code page decodes them from, and read those bytes as UTF-8, keeping every original
//! character that is not part of a valid multi-byte sequence. The code page that turns the
//! most bytes into real characters wins; a run no code page improves is left alone, so correct
//! text (`café`, `→`, `Ελληνικά`, `İstanbul`) is untouched. Bytes a code page does not define
//! (0x9D in Windows-1254, say) were dropped by the original mis-decoding; where exactly one
//! such byte is missing from a sequence, it is restored only if that yields a common symbol
//! (❌, ❗, ➡, ┐ …).
//!
//! Limits: a legitimate run such as `Γ—` (Greek gamma + em dash) is indistinguishable from
//! mojibake of `×` and is converted; text mis-decoded twice is repaired once per call.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use encoding_rs::{Encoding, MACINTOSH, WINDOWS_1253, WINDOWS_1254};

/// One code page's reverse table: character -> the byte (≥ 0x80) it was decoded from.
struct CodePage {
    to_byte: HashMap<char, u8>,
    /// Bytes ≥ 0x80 the code page leaves undefined.
    undefined: Vec<u8>,
}

fn code_pages() -> &'static [CodePage] {
    static PAGES: OnceLock<Vec<CodePage>> = OnceLock::new();
    PAGES.get_or_init(|| [MACINTOSH, WINDOWS_1254, WINDOWS_1253].iter().map(|e| table(e)).collect())
}

fn table(encoding: &'static Encoding) -> CodePage {
    let mut to_byte = HashMap::new();
    let mut undefined = Vec::new();
    for b in 0x80..=0xFFu8 {
        match encoding.decode_without_bom_handling_and_without_replacement(&[b]) {
            Some(s) => {
                if let Some(c) = s.chars().next().filter(|c| *c != '\u{FFFD}' && !('\u{80}'..='\u{9F}').contains(c)) {
                    to_byte.insert(c, b);
                } else {
                    undefined.push(b);
                }
            }
            None => undefined.push(b),
        }
    }
    CodePage { to_byte, undefined }
}

/// Common symbols a dropped byte may be restored to.
const COMMON: &[char] = &['❌', '❗', '❓', '➡', '❤', '❄', '✅', '✔', '✖', '✨', '⚡', '⚠', '⭐', '☑', '⏱', '⏳', '┐'];

/// Returns `text` with every mojibake span decoded back to what was meant.
pub fn repair(text: &str) -> Cow<'_, str> {
    if text.is_ascii() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut last = 0;
    for (start, end) in non_ascii_runs(text) {
        let run = &text[start..end];
        if let Some(fixed) = repair_run(run) {
            out.push_str(&text[last..start]);
            out.push_str(&fixed);
            last = end;
            changed = true;
        }
    }
    if !changed {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[last..]);
    Cow::Owned(out)
}

/// Byte offset and text of the first span that looks like mojibake (that [`repair`] would change).
pub fn find_mojibake(text: &str) -> Option<(usize, &str)> {
    non_ascii_runs(text).find(|&(s, e)| repair_run(&text[s..e]).is_some()).map(|(s, e)| (s, &text[s..e]))
}

/// Maximal runs of non-ASCII characters, as byte ranges.
fn non_ascii_runs(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() && bytes[i].is_ascii() {
            i += 1;
        }
        if i >= bytes.len() {
            return None;
        }
        let start = i;
        while i < bytes.len() && !bytes[i].is_ascii() {
            i += 1;
        }
        Some((start, i))
    })
}

/// The best repair of one run, or `None` when no code page improves it.
fn repair_run(run: &str) -> Option<String> {
    let chars: Vec<char> = run.chars().collect();
    let mut best: Option<(usize, String)> = None;
    for page in code_pages() {
        let (gained, text) = decode_with(page, &chars);
        if gained > 0 && best.as_ref().is_none_or(|(g, _)| gained > *g) {
            best = Some((gained, text));
        }
    }
    best.map(|(_, text)| text)
}

/// Re-reads `chars` through `page`; returns how many source characters were consumed by
/// repaired sequences, and the resulting text.
fn decode_with(page: &CodePage, chars: &[char]) -> (usize, String) {
    let bytes: Vec<Option<u8>> = chars.iter().map(|c| page.to_byte.get(c).copied()).collect();
    let mut out = String::new();
    let mut gained = 0;
    let mut i = 0;
    while i < chars.len() {
        if let Some((c, used)) = sequence_at(page, &bytes[i..]) {
            out.push(c);
            gained += used;
            i += used;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    (gained, out)
}

fn is_continuation(b: Option<u8>) -> bool {
    b.is_some_and(|b| (0x80..=0xBF).contains(&b))
}

fn sequence_len(lead: u8) -> Option<usize> {
    match lead {
        0xC2..=0xDF => Some(2),
        0xE0..=0xEF => Some(3),
        0xF0..=0xF4 => Some(4),
        _ => None,
    }
}

/// A valid UTF-8 multi-byte character starting at `bytes[0]`, and how many source characters
/// it used; restores one dropped undefined byte when that gives a common symbol.
fn sequence_at(page: &CodePage, bytes: &[Option<u8>]) -> Option<(char, usize)> {
    let lead = bytes.first().copied().flatten()?;
    let n = sequence_len(lead)?;
    let available = bytes.iter().skip(1).take(n - 1).take_while(|b| is_continuation(**b)).count();
    if available == n - 1 {
        let seq: Vec<u8> = bytes[..n].iter().map(|b| b.unwrap_or(0)).collect();
        return std::str::from_utf8(&seq).ok().and_then(|s| s.chars().next()).map(|c| (c, n));
    }
    if available == n - 2 {
        // One byte missing: the code page had no character for it.
        let present: Vec<u8> = bytes[..n - 1].iter().map(|b| b.unwrap_or(0)).collect();
        for gap in 1..n {
            for &missing in &page.undefined {
                let mut seq = present.clone();
                seq.insert(gap, missing);
                if let Some(c) = std::str::from_utf8(&seq).ok().and_then(|s| s.chars().next())
                    && COMMON.contains(&c)
                {
                    return Some((c, n - 1));
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests;
