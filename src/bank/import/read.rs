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
    #[error("`{}` is not a regular file (a device, pipe or socket); save the document to a file first", .0.display())]
    NotRegular(PathBuf),
}

/// Why [`read_regular`] read nothing.
#[derive(Debug)]
pub enum RegularReadError {
    Io(std::io::Error),
    Directory,
    /// A device, FIFO or socket.
    NotRegular,
    /// At least this many bytes, over the limit.
    TooLarge(u64),
}

/// Reads a regular file of at most `max` bytes. A device, FIFO or socket is refused without
/// waiting on it (opened non-blocking, checked with `fstat`), and the bytes are counted as they
/// are read, so a file that grows or lies about its size cannot exceed `max` either.
pub fn read_regular(path: &Path, max: u64) -> Result<Vec<u8>, RegularReadError> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(RegularReadError::Io)?;
    let meta = file.metadata().map_err(RegularReadError::Io)?;
    if meta.is_dir() {
        return Err(RegularReadError::Directory);
    }
    if !meta.is_file() {
        return Err(RegularReadError::NotRegular);
    }
    if meta.len() > max {
        return Err(RegularReadError::TooLarge(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max + 1).read_to_end(&mut bytes).map_err(RegularReadError::Io)?;
    if bytes.len() as u64 > max {
        return Err(RegularReadError::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Reads, checks and repairs a document.
pub fn read_document(path: &Path) -> Result<String, ImportError> {
    let bytes = read_regular(path, MAX_BYTES).map_err(|e| {
        let path = path.to_path_buf();
        match e {
            RegularReadError::Io(source) if source.kind() == std::io::ErrorKind::NotFound => ImportError::Missing(path),
            RegularReadError::Io(source) => ImportError::Read { path, source },
            RegularReadError::Directory => ImportError::Directory(path),
            RegularReadError::NotRegular => ImportError::NotRegular(path),
            RegularReadError::TooLarge(size) => ImportError::TooLarge { path, size },
        }
    })?;
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
