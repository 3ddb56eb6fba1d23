//! Reading one UTF-8 sequence back out of mis-decoded chars: re-encode the chars at a position
//! through one code page and check whether the bytes form one plausible multi-byte char.
//!
//! Invariants: a [`Found`] always consumes its lead char plus at least one real continuation
//! char; holes (bytes the mis-decoder dropped, or turned into U+FFFD) are filled only from
//! the code page's undefined bytes, at most one per 3-byte and two per 4-byte sequence, and
//! only into symbol/emoji blocks; among several fillings the best-ranked char wins, ties going
//! to the first in a fixed enumeration order, so the result is deterministic.

use std::cell::RefCell;
use std::collections::HashMap;

use super::codepage::CodePage;

/// One decoded sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    /// How many input chars the sequence used.
    pub consumed: usize,
    /// The char the bytes decode to.
    pub ch: char,
    /// Its UTF-8 length (2..=4).
    pub len: usize,
    /// How many of its bytes were guessed (dropped bytes filled in).
    pub holes: usize,
}

/// Chars a guessed filling prefers, most likely first: the symbols and emoji interview notes
/// actually use. Outside this list the block order of [`block_rank`] decides.
const PREFERRED: &[char] = &[
    '─', '│', '┌', '┐', '└', '┘', '├', '┤', '┬', '┴', '┼', '═', '║', '╔', '╗', '╚', '╝', '❌', '✅', '✔', '✖', '❗',
    '❓', '⚠', '⭐', '✨', '➜', '➡', '🐍', '🔍', '📝', '📌', '📚', '📦', '🔥', '🚀', '💡', '🎯', '🔒', '🔑', '🔐',
    '🧠', '🧪', '🧵', '👉', '👍', '🔹', '🔸', '🔴', '🟢', '🟡', '🟠', '🔵', '🐛', '⏱', '⏳', '⌛', '→', '←', '↔', '⇒',
    '•', '—', '–', '…', '’', '“', '”',
];

/// The UTF-8 length announced by a lead byte, for multi-byte leads only.
fn sequence_len(lead: u8) -> Option<usize> {
    match lead {
        0xC2..=0xDF => Some(2),
        0xE0..=0xEF => Some(3),
        0xF0..=0xF4 => Some(4),
        _ => None,
    }
}

/// Whether `c`, decoded from `len` bytes of which some were guessed, is something a document
/// plausibly contained (rather than bytes that merely happen to be valid UTF-8).
fn plausible(c: char, len: usize, guessed: bool) -> bool {
    let u = u32::from(c);
    match (len, guessed) {
        // Latin-1 supplement, Latin Extended-A, Greek letters, basic Cyrillic.
        (2, false) => {
            matches!(u, 0xA0..=0x17F | 0x386..=0x3CE | 0x400..=0x45F) && !matches!(u, 0x387 | 0x38B | 0x38D | 0x3A2)
        }
        // No private use, except U+F8FF: what Mac Roman decodes 0xF0 (an emoji's lead byte)
        // to, so double Mac Roman mojibake of an emoji goes through it.
        (3, false) => u == 0xF8FF || !matches!(u, 0xE000..=0xF8FF | 0xFDD0..=0xFDEF | 0xFFFE | 0xFFFF),
        (3, true) => matches!(u, 0x2000..=0x2BFF),
        (4, false) => matches!(u, 0x10000..=0x2FFFF | 0xE0000..=0xE007F),
        (4, true) => matches!(u, 0x1F000..=0x1FAFF),
        _ => false,
    }
}

/// Lower is likelier, for guessed fillings.
fn rank(c: char) -> (usize, u8) {
    let listed = PREFERRED.iter().position(|&p| p == c).unwrap_or(usize::MAX);
    (listed, block_rank(c))
}

fn block_rank(c: char) -> u8 {
    match u32::from(c) {
        0x1F300..=0x1FAFF => 0,
        0x2600..=0x27BF => 1,
        0x2500..=0x257F | 0x2190..=0x21FF => 2,
        0x2000..=0x206F => 3,
        _ => 4,
    }
}

/// Reads one sequence starting at `chars[i]` re-encoded through `cp`. `allow_holes` enables
/// filling dropped bytes. Context rules (neighbouring letters) are the caller's business.
pub fn match_at(cp: CodePage, chars: &[char], i: usize, allow_holes: bool) -> Option<Found> {
    let lead = cp.byte_of(*chars.get(i)?)?;
    let len = sequence_len(lead)?;
    // Slots after the lead: Some(byte) for a real continuation, None for an explicit U+FFFD.
    let mut slots: [Option<u8>; 3] = [None; 3];
    let mut present = 0;
    let mut real = 0;
    let mut j = i + 1;
    while present < len - 1 {
        let Some(&c) = chars.get(j) else { break };
        if c == '\u{FFFD}' && allow_holes && !cp.dropped().is_empty() {
            slots[present] = None;
        } else {
            match cp.byte_of(c) {
                Some(b @ 0x80..=0xBF) => {
                    slots[present] = Some(b);
                    real += 1;
                }
                _ => break,
            }
        }
        present += 1;
        j += 1;
    }
    if real == 0 {
        return None;
    }
    let consumed = j - i;
    let missing = len - 1 - present;
    let holes = missing + (present - real);
    if holes == 0 {
        let mut bytes = [lead, 0, 0, 0];
        for (k, slot) in slots[..len - 1].iter().enumerate() {
            bytes[k + 1] = (*slot)?;
        }
        let ch = decode_one(&bytes[..len])?;
        return plausible(ch, len, false).then_some(Found { consumed, ch, len, holes: 0 });
    }
    let max_holes = match len {
        3 => 1,
        4 => 2,
        _ => 0,
    };
    if !allow_holes || holes > max_holes {
        return None;
    }
    let ch = cached_filling(cp, lead, len, &slots[..present], missing)?;
    Some(Found { consumed, ch, len, holes })
}

/// Memoised [`best_filling`]: the same broken sequence tends to recur many times in a page.
fn cached_filling(cp: CodePage, lead: u8, len: usize, present: &[Option<u8>], missing: usize) -> Option<char> {
    // (code page, lead, length, slots present, the slots padded with None, implicit holes)
    type Key = (usize, u8, usize, usize, [Option<u8>; 3], usize);
    const MAX_ENTRIES: usize = 4096;
    thread_local! {
        static FILLS: RefCell<HashMap<Key, Option<char>>> = RefCell::new(HashMap::new());
    }
    let mut slots = [None; 3];
    for (s, p) in slots.iter_mut().zip(present) {
        *s = *p;
    }
    let key: Key = (cp.index(), lead, len, present.len(), slots, missing);
    if let Some(hit) = FILLS.with(|m| m.borrow().get(&key).copied()) {
        return hit;
    }
    let found = best_filling(cp, lead, len, present, missing);
    FILLS.with(|m| {
        let mut m = m.borrow_mut();
        if m.len() >= MAX_ENTRIES {
            m.clear();
        }
        m.insert(key, found);
    });
    found
}

/// Tries every placement of `missing` implicit holes among the slots and every assignment of
/// undefined bytes to all holes; returns the best-ranked plausible char.
fn best_filling(cp: CodePage, lead: u8, len: usize, present: &[Option<u8>], missing: usize) -> Option<char> {
    let fillers: Vec<u8> = cp.dropped().iter().copied().filter(|b| (0x80..=0xBF).contains(b)).collect();
    if fillers.is_empty() {
        return None;
    }
    let slots = len - 1;
    let mut best: Option<((usize, u8), char)> = None;
    for mask in 0u32..(1 << slots) {
        if mask.count_ones() as usize != missing {
            continue;
        }
        // The template: Some(byte) fixed, None a hole to fill.
        let mut template = [None; 3];
        let mut next = present.iter();
        for (k, t) in template[..slots].iter_mut().enumerate() {
            if mask & (1 << k) == 0 {
                *t = *next.next()?;
            }
        }
        let holes = template[..slots].iter().filter(|t| t.is_none()).count();
        let combos = fillers.len().pow(u32::try_from(holes).ok()?);
        for mut combo in 0..combos {
            let mut bytes = [lead, 0, 0, 0];
            for (k, t) in template[..slots].iter().enumerate() {
                bytes[k + 1] = match t {
                    Some(b) => *b,
                    None => {
                        let b = fillers[combo % fillers.len()];
                        combo /= fillers.len();
                        b
                    }
                };
            }
            let Some(ch) = decode_one(&bytes[..len]) else {
                continue;
            };
            if !plausible(ch, len, true) {
                continue;
            }
            let r = rank(ch);
            if best.is_none_or(|(br, _)| r < br) {
                best = Some((r, ch));
            }
        }
    }
    best.map(|(_, ch)| ch)
}

/// The single char `bytes` encode, if they are exactly one valid UTF-8 sequence.
fn decode_one(bytes: &[u8]) -> Option<char> {
    let s = std::str::from_utf8(bytes).ok()?;
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}
