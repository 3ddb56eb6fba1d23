//! Mojibake repair: text that was UTF-8, mis-decoded through a legacy code page (Mac Roman,
//! Windows-1254, Windows-1253) and re-encoded as UTF-8. Repair works span by span, so a
//! document mixing correct UTF-8 with broken text is mended only where it is broken.
//!
//! # Method
//! 1. All-ASCII text is returned borrowed at once; so is text in which nothing changes.
//! 2. The text is cut into maximal runs of non-ASCII chars (ASCII never takes part in a
//!    multi-byte UTF-8 sequence, so it always ends a span).
//! 3. Inside a run, left to right, each code page re-encodes the chars from the current
//!    position to bytes (a table built from `encoding_rs`; a char the page cannot encode ends
//!    the attempt) and asks whether a lead byte plus its continuation bytes form one valid,
//!    *plausible* multi-byte char (see `decode::plausible`: 2-byte results only in Latin-1,
//!    Latin Extended-A, Greek letters and basic Cyrillic; no private-use or noncharacters).
//!    The longest match wins, then the one with fewer guessed bytes, then the code page that
//!    matched most often in this document, then the order Mac Roman, 1254, 1253. A char no
//!    page explains is kept as it is, so real emoji, `→`, `·`, `é` survive untouched.
//! 4. Bytes the mis-decoder dropped (undefined in 1254: 0x81 0x8D 0x8E 0x8F 0x90 0x9D 0x9E;
//!    in 1253 also 0x88 0x8A 0x8C 0x98 0x9A 0x9C 0x9F 0xAA 0xD2 0xFF) or turned into U+FFFD
//!    are guessed back — one per 3-byte, two per 4-byte sequence, at least one real
//!    continuation required — only for a code page the same text already shows at least
//!    [`MIN_EVIDENCE`] complete sequences of, and only into symbol (U+2000..U+2BFF) or emoji
//!    (U+1F000..U+1FAFF) blocks. Several fillings fit (e.g. `âŒ` is `E2 ?? 8C`: ❌ ⌌ ␌ …):
//!    a short list of likely chars decides, then the block, then the lowest bytes.
//! 5. Two-byte sequences are where legit text collides with mojibake. Plausibility already
//!    drops most (Turkish `Ç”` would be `ǔ`, Latin Extended-B); the rest is word context: a
//!    2-byte match is refused when the char before it is a kept non-ASCII letter, or the char
//!    after it is a non-ASCII letter starting no sequence itself — both mean "inside a real
//!    word", as in Greek `ΠΆΝΩ` (`ΠΆ` would be Cyrillic `Т`). A letter decoded out of a
//!    symbol lead char (Mac Roman `√π` → `ù`, `—ü` → `џ`) or out of a letter and a quote
//!    (Greek numbering `Γ’` → `Ò`) must sit inside a word: next to an ASCII letter or another
//!    decoded 2-byte char; for Greek/Cyrillic only the latter counts.
//! 6. Passes repeat until nothing changes (at most [`MAX_PASSES`]), which undoes double
//!    mojibake and makes `repair` idempotent.
//!
//! Sloppy mis-decoders write the Windows-1252 char for a byte their code page leaves
//! undefined (seed 003 has `β”œ` for `├`, 0x9C being `œ` only in 1252); the tables accept
//! those chars too. [`find_mojibake`] is an independent detector (fixed markers plus a few
//! patterns) for tests that scan repaired text.
//!
//! # Limits
//! - Legit text that happens to re-encode to valid UTF-8 is still changed: a German low quote
//!   `‚` before two Mac Roman "continuation" letters (`‚Äö` is also mojibake for `‚`), or
//!   Latin-1 pairs such as `Ã©` meant literally. Such text is vanishingly rare in prose, and
//!   `‚Äpfel` (one continuation letter, then ASCII) is left alone.
//! - Guessed bytes are guesses: an emoji whose two bytes were dropped (🐍 through 1254 leaves
//!   only `ğŸ`) is restored by the preference list, not by evidence; `“` and `”` through 1253
//!   both leave `β€`, which always becomes `“`. Once a text shows a code page's mojibake, a
//!   literal lookalike in it is taken too (`β…` is ✅ through 1253, `“π”` becomes `“🔍`).
//!   1253 mojibake that lost every continuation byte (❌ through 1253 leaves a bare `β`)
//!   cannot be recovered, nor can a dropped lead byte (0xD2 in 1253) or a dropped byte of a
//!   2-byte sequence.
//! - Idempotence holds as long as a text needs at most [`MAX_PASSES`] passes (mojibake nested
//!   four deep); each pass only shortens the text, so it always terminates.

mod codepage;
mod decode;
mod markers;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_seed;

use std::borrow::Cow;

use codepage::{ALL, CodePage};
use decode::{Found, match_at};
pub use markers::{find_mojibake, mojibake_markers};

/// Repair passes at most (double mojibake needs two; a third finds nothing).
pub const MAX_PASSES: usize = 4;

/// Complete sequences a code page needs in a text before its dropped bytes are guessed.
pub const MIN_EVIDENCE: usize = 2;

/// Returns `text` with every mojibake span decoded back to what was meant.
pub fn repair(text: &str) -> Cow<'_, str> {
    repair_counted(text).0
}

/// Like [`repair`], also returning how many sequences were replaced (over all passes).
pub fn repair_counted(text: &str) -> (Cow<'_, str>, usize) {
    if text.is_ascii() {
        return (Cow::Borrowed(text), 0);
    }
    let Some((mut current, mut total)) = repair_pass(text) else {
        return (Cow::Borrowed(text), 0);
    };
    for _ in 1..MAX_PASSES {
        match repair_pass(&current) {
            Some((next, n)) => {
                current = next;
                total += n;
            }
            None => break,
        }
    }
    (Cow::Owned(current), total)
}

/// Collects the output lazily: nothing is allocated until the first replacement.
struct Writer<'a> {
    text: &'a str,
    out: Option<String>,
    copied: usize,
    count: usize,
}

impl Writer<'_> {
    fn replace(&mut self, from: usize, to: usize, ch: char) {
        let out = self.out.get_or_insert_with(|| String::with_capacity(self.text.len()));
        out.push_str(self.text.get(self.copied..from).unwrap_or(""));
        out.push(ch);
        self.copied = to;
        self.count += 1;
    }

    fn finish(self) -> Option<(String, usize)> {
        let mut out = self.out?;
        out.push_str(self.text.get(self.copied..).unwrap_or(""));
        Some((out, self.count))
    }
}

/// One maximal run of non-ASCII chars and what surrounds it.
struct Run<'a> {
    chars: &'a [char],
    /// Byte offset of each char, plus the run's end.
    offsets: &'a [usize],
    /// Whether the ASCII char just before / after the run is a letter.
    letter_before: bool,
    letter_after: bool,
}

/// Calls `f` for every maximal non-ASCII run of at least two chars.
fn for_each_run(text: &str, mut f: impl FnMut(&Run<'_>)) {
    let bytes = text.as_bytes();
    let mut chars = Vec::new();
    let mut offsets = Vec::new();
    let mut pos = 0;
    while let Some(skip) = bytes.get(pos..).and_then(|rest| rest.iter().position(|b| !b.is_ascii())) {
        let start = pos + skip;
        let end = bytes[start..].iter().position(u8::is_ascii).map_or(bytes.len(), |n| start + n);
        pos = end;
        // Both ends sit next to ASCII bytes or at the text's ends: char boundaries.
        let Some(run) = text.get(start..end) else {
            continue;
        };
        chars.clear();
        offsets.clear();
        for (o, c) in run.char_indices() {
            chars.push(c);
            offsets.push(start + o);
        }
        offsets.push(end);
        if chars.len() >= 2 {
            f(&Run {
                chars: &chars,
                offsets: &offsets,
                letter_before: start > 0 && bytes[start - 1].is_ascii_alphabetic(),
                letter_after: bytes.get(end).is_some_and(u8::is_ascii_alphabetic),
            });
        }
    }
}

/// Complete (hole-free) sequences per code page: the evidence that gates guessing.
fn evidence(text: &str) -> [usize; 3] {
    let mut counts = [0; 3];
    for_each_run(text, |run| {
        let chars = run.chars;
        for cp in ALL {
            let mut i = 0;
            while i < chars.len() {
                match match_at(cp, chars, i, false) {
                    Some(found) => {
                        counts[cp.index()] += 1;
                        i += found.consumed;
                    }
                    None => i += 1,
                }
            }
        }
    });
    counts
}

/// One left-to-right pass; `None` when nothing changed.
fn repair_pass(text: &str) -> Option<(String, usize)> {
    let mut usage = evidence(text);
    if usage.iter().all(|&n| n == 0) {
        // Without any complete sequence only guessed ones could exist, and guessing needs them.
        return None;
    }
    let allow_holes = usage.map(|n| n >= MIN_EVIDENCE);
    let mut writer = Writer { text, out: None, copied: 0, count: 0 };
    for_each_run(text, |run| {
        let (chars, offsets) = (run.chars, run.offsets);
        let mut i = 0;
        let mut prev = Prev::Other;
        while i < chars.len() {
            match best_match(run, i, prev, &usage, allow_holes) {
                Some((cp, found)) => {
                    writer.replace(offsets[i], offsets[i + found.consumed], found.ch);
                    usage[cp.index()] += 1;
                    prev = if found.len == 2 { Prev::TwoByte } else { Prev::Other };
                    i += found.consumed;
                }
                None => {
                    prev = if chars[i].is_alphabetic() { Prev::KeptLetter } else { Prev::Other };
                    i += 1;
                }
            }
        }
    });
    writer.finish()
}

/// What came just before the current position inside a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Prev {
    /// A non-ASCII letter left as it was.
    KeptLetter,
    /// A decoded 2-byte sequence.
    TwoByte,
    /// Anything else (run start, symbols, longer decoded sequences).
    Other,
}

fn best_match(
    run: &Run<'_>,
    i: usize,
    prev: Prev,
    usage: &[usize; 3],
    allow_holes: [bool; 3],
) -> Option<(CodePage, Found)> {
    let mut best: Option<(CodePage, Found)> = None;
    for cp in ALL {
        let Some(found) = match_at(cp, run.chars, i, allow_holes[cp.index()]) else {
            continue;
        };
        if found.len == 2 && !two_byte_context_ok(run, i, &found, prev) {
            continue;
        }
        let better = match best {
            None => true,
            Some((bcp, b)) => {
                (found.consumed, std::cmp::Reverse(found.holes), usage[cp.index()])
                    > (b.consumed, std::cmp::Reverse(b.holes), usage[bcp.index()])
            }
        };
        if better {
            best = Some((cp, found));
        }
    }
    best
}

/// The word-context rules for 2-byte matches (see the module doc, point 5).
fn two_byte_context_ok(run: &Run<'_>, i: usize, found: &Found, prev: Prev) -> bool {
    if prev == Prev::KeptLetter {
        return false;
    }
    let chars = run.chars;
    let after = i + found.consumed;
    let next_starts_sequence = || ALL.iter().any(|&cp| match_at(cp, chars, after, false).is_some());
    if chars.get(after).is_some_and(|c| c.is_alphabetic()) && !next_starts_sequence() {
        return false;
    }
    // A quote after a letter is Greek numbering (`Γ’ Λυκείου` would be `Ò`) or quoting.
    let quote_after = chars.get(i + 1).is_some_and(|c| "’‘“”‚„".contains(*c));
    if (chars[i].is_alphabetic() && !quote_after) || !found.ch.is_alphabetic() {
        return true;
    }
    // A letter out of a symbol lead (Mac Roman `√π` is `ù`, `—ü` is `џ`) or out of a letter
    // and a quote (`Ã“` is `Ó`): only inside a word.
    let decoded_neighbour = prev == Prev::TwoByte || next_starts_sequence();
    if matches!(u32::from(found.ch), 0x370..=0x45F) {
        return decoded_neighbour;
    }
    let letter_before = if i == 0 { run.letter_before } else { prev == Prev::TwoByte };
    let letter_after = if after == chars.len() { run.letter_after } else { next_starts_sequence() };
    letter_before || letter_after
}
