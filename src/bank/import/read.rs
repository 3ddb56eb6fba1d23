//! Reading a document from disk: what cannot be text is refused with a clear error; what can
//! is decoded, stripped of a BOM, normalised to `\n` and repaired (mojibake).

use std::path::{Path, PathBuf};

/// Documents larger than this are refused (interview notes are kilobytes).
pub const MAX_BYTES: u64 = 20 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("`{}`: no such file", .0.display())]
    Missing(PathBuf),
    #[error("`{}` is a directory; pass the documents inside it", .0.display())]
    Directory(PathBuf),
    #[error("cannot read `{}`: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("`{}` is empty", .0.display())]
    Empty(PathBuf),
    #[error("`{}` looks binary (NUL bytes at offset {offset}), not a text document", path.display())]
    Binary { path: PathBuf, offset: usize },
    #[error("`{}` is not valid UTF-8 (line {line}, byte {offset}); save it as UTF-8 and import again", path.display())]
    NotUtf8 { path: PathBuf, line: usize, offset: usize },
    #[error("`{}` is too large ({size} bytes; the limit is {MAX_BYTES})", path.display())]
    TooLarge { path: PathBuf, size: u64 },
}

/// Reads, checks and repairs a document.
pub fn read_document(path: &Path) -> Result<String, ImportError> {
    let meta = std::fs::metadata(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => ImportError::Missing(path.to_path_buf()),
        _ => ImportError::Read { path: path.to_path_buf(), source },
    })?;
    if meta.is_dir() {
        return Err(ImportError::Directory(path.to_path_buf()));
    }
    if meta.len() > MAX_BYTES {
        return Err(ImportError::TooLarge { path: path.to_path_buf(), size: meta.len() });
    }
    let bytes = std::fs::read(path).map_err(|source| ImportError::Read { path: path.to_path_buf(), source })?;
    decode(path, &bytes)
}

/// The checks and clean-up of [`read_document`], on bytes already read.
pub fn decode(path: &Path, bytes: &[u8]) -> Result<String, ImportError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ImportError::Empty(path.to_path_buf()));
    }
    if let Some(offset) = bytes.iter().position(|b| *b == 0) {
        return Err(ImportError::Binary { path: path.to_path_buf(), offset });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        let line = bytes[..offset].iter().filter(|b| **b == b'\n').count() + 1;
        ImportError::NotUtf8 { path: path.to_path_buf(), line, offset }
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let text = if text.contains('\r') { text.replace("\r\n", "\n").replace('\r', "\n") } else { text.to_string() };
    Ok(crate::bank::repair::repair(&text).into_owned())
}
