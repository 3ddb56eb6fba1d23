//! The crash-safe transcript store: `<dir>/<id>.json`, rewritten after every answer with
//! write-then-rename and fsync (file, then directory), so a crash, `kill -9` or a closed
//! terminal leaves either the previous or the new file, never a torn one.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::Transcript;

#[derive(Debug, thiserror::Error)]
pub enum TranscriptError {
    #[error("cannot save transcript `{}`: {source}", path.display())]
    Write { path: PathBuf, source: std::io::Error },
    #[error("cannot read transcript `{}`: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("transcript `{}` is not valid: {source}", path.display())]
    Parse { path: PathBuf, source: serde_json::Error },
    #[error("no session `{id}` in `{}`", dir.display())]
    NotFound { id: String, dir: PathBuf },
    #[error("no unfinished session in `{}`", .0.display())]
    NothingToResume(PathBuf),
}

impl TranscriptError {
    pub fn hint(&self) -> Option<String> {
        match self {
            TranscriptError::NotFound { .. } => {
                Some("session ids are the file names in the transcripts folder, without `.json`".into())
            }
            TranscriptError::NothingToResume(_) => Some("start a new one with `viva interview`".into()),
            TranscriptError::Write { .. } => {
                Some("check the folder is writable, or choose another with `--transcripts DIR`".into())
            }
            _ => None,
        }
    }
}

/// Writes `bytes` to `path` atomically and durably: temp file in the same directory, fsync,
/// rename over the target, fsync the directory.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)?;
        std::fs::File::open(dir)?.sync_all()
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// The folder of transcripts.
#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
}

impl Store {
    pub fn new(dir: impl Into<PathBuf>) -> Store {
        Store { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.json"))
    }

    /// Saves the transcript durably (see the module doc).
    pub fn save(&self, t: &Transcript) -> Result<PathBuf, TranscriptError> {
        let path = self.path(&t.id);
        let err = |source| TranscriptError::Write { path: path.clone(), source };
        std::fs::create_dir_all(&self.dir).map_err(err)?;
        let json = serde_json::to_vec_pretty(t).map_err(|e| err(std::io::Error::other(e)))?;
        write_atomic(&path, &json).map_err(err)?;
        Ok(path)
    }

    /// Writes a companion file (e.g. the Markdown rendering) beside the JSON.
    pub fn save_beside(&self, id: &str, ext: &str, text: &str) -> Result<PathBuf, TranscriptError> {
        let path = self.dir.join(format!("{id}.{ext}"));
        write_atomic(&path, text.as_bytes()).map_err(|source| TranscriptError::Write { path: path.clone(), source })?;
        Ok(path)
    }

    pub fn load(&self, id: &str) -> Result<Transcript, TranscriptError> {
        let path = self.path(id);
        let bytes = std::fs::read(&path).map_err(|source| match source.kind() {
            std::io::ErrorKind::NotFound => TranscriptError::NotFound { id: id.to_string(), dir: self.dir.clone() },
            _ => TranscriptError::Read { path: path.clone(), source },
        })?;
        serde_json::from_slice(&bytes).map_err(|source| TranscriptError::Parse { path, source })
    }

    /// Every session id in the folder, oldest first (ids sort by time).
    pub fn ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = std::fs::read_dir(&self.dir)
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .filter_map(|e| {
                        let name = e.file_name().to_string_lossy().into_owned();
                        (!name.starts_with('.')).then(|| name.strip_suffix(".json").map(str::to_string)).flatten()
                    })
                    .collect()
            })
            .unwrap_or_default();
        ids.sort();
        ids
    }

    /// The newest session that has not finished.
    pub fn latest_unfinished(&self) -> Result<Transcript, TranscriptError> {
        self.ids()
            .iter()
            .rev()
            .filter_map(|id| self.load(id).ok())
            .find(|t| !t.is_finished())
            .ok_or_else(|| TranscriptError::NothingToResume(self.dir.clone()))
    }
}
