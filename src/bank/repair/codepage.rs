//! The three legacy code pages mojibake is undone through (Mac Roman, Windows-1254,
//! Windows-1253), as char→byte tables built once from `encoding_rs`'s decoders.
//!
//! Invariants: a table maps every non-ASCII char a code page decodes to its single byte
//! (single-byte decoders are injective, so the map is a function); ASCII maps to itself.
//! `dropped` lists the bytes a legacy mis-decoder could not map (undefined in the vendor
//! code page: `encoding_rs` decodes them to a C1 control or refuses them), which such a
//! decoder usually dropped or turned into U+FFFD — or, when sloppy, decoded as Windows-1252
//! does; the table maps those Windows-1252 chars to their byte as well.

use std::sync::OnceLock;

use encoding_rs::{Encoding, MACINTOSH, WINDOWS_1252, WINDOWS_1253, WINDOWS_1254};

/// A legacy code page UTF-8 may have been mis-decoded through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodePage {
    MacRoman,
    Windows1254,
    Windows1253,
}

/// Every code page, in the fixed tie-breaking order.
pub const ALL: [CodePage; 3] = [CodePage::MacRoman, CodePage::Windows1254, CodePage::Windows1253];

/// The reverse table of one code page.
struct Table {
    /// `(char, byte)` for bytes 0x80..=0xFF, sorted by char.
    by_char: Vec<(char, u8)>,
    /// Bytes undefined in the vendor code page, ascending.
    dropped: Vec<u8>,
}

impl CodePage {
    /// Position in [`ALL`].
    pub fn index(self) -> usize {
        match self {
            CodePage::MacRoman => 0,
            CodePage::Windows1254 => 1,
            CodePage::Windows1253 => 2,
        }
    }

    fn encoding(self) -> &'static Encoding {
        match self {
            CodePage::MacRoman => MACINTOSH,
            CodePage::Windows1254 => WINDOWS_1254,
            CodePage::Windows1253 => WINDOWS_1253,
        }
    }

    fn table(self) -> &'static Table {
        static TABLES: [OnceLock<Table>; 3] = [OnceLock::new(), OnceLock::new(), OnceLock::new()];
        TABLES[self.index()].get_or_init(|| build(self.encoding()))
    }

    /// The byte this code page encodes `c` to, if it can.
    pub fn byte_of(self, c: char) -> Option<u8> {
        if c.is_ascii() {
            return u8::try_from(c).ok();
        }
        let table = &self.table().by_char;
        table.binary_search_by_key(&c, |&(k, _)| k).ok().map(|i| table[i].1)
    }

    /// Whether `c` encodes to a UTF-8 continuation byte (0x80..=0xBF) in this code page.
    pub fn is_continuation(self, c: char) -> bool {
        self.byte_of(c).is_some_and(|b| (0x80..=0xBF).contains(&b))
    }

    /// Bytes a mis-decoder through this code page may have dropped (ascending).
    pub fn dropped(self) -> &'static [u8] {
        &self.table().dropped
    }
}

fn build(encoding: &'static Encoding) -> Table {
    let mut by_char = Vec::with_capacity(128);
    let mut dropped = Vec::new();
    for byte in 0x80..=0xFFu8 {
        let input = [byte];
        let decoded = encoding.decode_without_bom_handling_and_without_replacement(&input);
        let mut chars = decoded.as_deref().unwrap_or("").chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => {
                if ('\u{80}'..='\u{9F}').contains(&c) {
                    dropped.push(byte);
                }
                by_char.push((c, byte));
            }
            _ => dropped.push(byte),
        }
    }
    // "Sloppy" mis-decoders fall back to Windows-1252 for bytes their code page leaves
    // undefined (seed 003 shows `œ`, 1252's 0x9C, inside 1253 mojibake): map those too.
    for &byte in &dropped {
        let input = [byte];
        let decoded = WINDOWS_1252.decode_without_bom_handling_and_without_replacement(&input);
        let mut chars = decoded.as_deref().unwrap_or("").chars();
        if let (Some(c), None) = (chars.next(), chars.next())
            && !('\u{80}'..='\u{9F}').contains(&c)
            && !by_char.iter().any(|&(k, _)| k == c)
        {
            by_char.push((c, byte));
        }
    }
    by_char.sort_unstable();
    Table { by_char, dropped }
}
