//! Whisper model files: import a CTranslate2 model directory into whisper.cpp's ggml format.

use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("{path}: {message}")]
    Format { path: String, message: String },
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
}

/// What an import wrote.
#[derive(Debug, Clone)]
pub struct ImportReport {
    pub tensors: usize,
    pub vocab: usize,
    pub sha256: String,
}

impl std::fmt::Display for ImportReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} tensors, {} tokens, sha256 {}", self.tensors, self.vocab, self.sha256)
    }
}

/// Converts the CTranslate2 Whisper model in `ct2_dir` to a ggml file at `out`, atomically.
pub fn import(_ct2_dir: &Path, _out: &Path) -> Result<ImportReport, ModelError> {
    unimplemented!("model import")
}
