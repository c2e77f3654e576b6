//! Where the Whisper model is found, so that `callredact run` works from any folder: the
//! `--model` flag, then `CALLREDACT_MODEL`, then the user's data folder, then the `models/`
//! folder of the checkout the binary was built from (`cargo install --path .` keeps that path).

use std::path::{Path, PathBuf};

/// The model file name the scripts fetch and convert.
pub const DEFAULT_MODEL_FILE: &str = "ggml-tiny.en.bin";

#[derive(Debug, thiserror::Error)]
#[error("no Whisper model found; looked in {}: run ./scripts/fetch-model.sh, or pass --model", .looked.join(", "))]
pub struct NotFound {
    pub looked: Vec<String>,
}

/// The places looked in, in order, for the default model.
pub fn candidates() -> Vec<PathBuf> {
    let mut v = Vec::new();
    if let Some(p) = std::env::var_os("CALLREDACT_MODEL").filter(|p| !p.is_empty()) {
        v.push(PathBuf::from(p));
    }
    let data = std::env::var_os("XDG_DATA_HOME")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".local/share")));
    if let Some(d) = data {
        v.push(d.join("callredact/models").join(DEFAULT_MODEL_FILE));
    }
    v.push(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("models")
            .join(DEFAULT_MODEL_FILE),
    );
    v
}

/// The model to load: `explicit` when given (it must exist; there is no silent fallback from
/// a path the operator named), else the first candidate that is a file.
pub fn model_path(explicit: Option<&Path>) -> Result<PathBuf, NotFound> {
    if let Some(p) = explicit {
        return if p.is_file() {
            Ok(p.to_path_buf())
        } else {
            Err(NotFound {
                looked: vec![format!("{} (--model)", crate::names::escaped(p))],
            })
        };
    }
    let c = candidates();
    c.iter()
        .find(|p| p.is_file())
        .cloned()
        .ok_or_else(|| NotFound {
            looked: c.iter().map(|p| crate::names::escaped(p)).collect(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_named_model_that_is_missing_is_not_replaced_by_another() {
        let e = model_path(Some(Path::new("/nonexistent/m.bin"))).unwrap_err();
        assert_eq!(e.looked, ["/nonexistent/m.bin (--model)"]);
        let msg = e.to_string();
        assert_eq!(msg.matches("/nonexistent/m.bin").count(), 1, "{msg}");
    }

    #[test]
    fn the_checkout_models_folder_is_always_a_candidate() {
        let c = candidates();
        assert!(c.last().unwrap().ends_with("models/ggml-tiny.en.bin"));
        assert!(c.last().unwrap().is_absolute());
    }
}
