//! `callredact report OUT`: a static review site for QA teams, written to `OUT/report/`.
//! `index.html` summarises the batch and lists every call; `calls/<page>.html` shows one call's
//! timelines, player, findings and transcript.
//!
//! The pages are built only from what is already redacted: the audit (`files`, `redactions`,
//! `transcripts`, whose text is the redacted transcript), and the redacted audio, which is
//! decoded for its waveform and linked for the player by a relative path. No input is read.
//! Every page is self-contained (inline script and style, no network), so it opens from
//! `file://` or any static file server.

mod call;
mod data;
mod error;
mod html;
mod index;
mod peaks;

pub use error::ReportError;

use crate::batch::fsio;
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Decoding for waveforms holds a whole call in memory; a few at once is plenty on any box.
const MAX_THREADS: usize = 4;

/// What `write` produced.
#[derive(Debug)]
pub struct Written {
    pub index: PathBuf,
    /// Calls in the index (the latest attempt at each input).
    pub calls: usize,
    /// Call pages written.
    pub pages: usize,
    /// Pages whose redacted audio could not be read, so they have no waveform.
    pub no_waveform: usize,
}

/// Writes the report for the output folder `out` into `out/report/`, replacing any earlier
/// one. Pages of calls no longer in the audit's latest rows are removed.
pub fn write(out: &Path) -> Result<Written, ReportError> {
    let calls = data::load(out)?;
    let dir = out.join("report");
    let pages_dir = dir.join("calls");
    let io = |p: &Path| {
        let path = p.display().to_string();
        move |source| ReportError::Io { path, source }
    };
    fsio::create_dir_all(&pages_dir).map_err(io(&pages_dir))?;
    let names = page_names(&calls);

    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(MAX_THREADS);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| ReportError::Threads(e.to_string()))?;
    let results: Vec<Result<bool, ReportError>> = pool.install(|| {
        calls
            .par_iter()
            .filter_map(|c| names.get(&c.file_id).map(|n| (c, n)))
            .map(|(c, name)| {
                let rel = c.output_path.as_deref().unwrap_or("");
                // Pages sit two folders below `out` (report/calls/).
                let url = html::url_to(rel, 2);
                let wave = match &url {
                    Some(_) => peaks::load(&out.join(rel)),
                    None => Err(format!(
                        "the audit's output path {rel:?} is not inside the output folder"
                    )),
                };
                if let Err(e) = &wave {
                    tracing::warn!(file = %c.input_path, error = %e, "report: no waveform");
                }
                let page = call::render(c, &wave, url.as_deref());
                let dest = pages_dir.join(name);
                fsio::write_atomic_beside(&dest, page.as_bytes()).map_err(io(&dest))?;
                Ok(wave.is_err())
            })
            .collect()
    });
    let mut no_waveform = 0;
    for r in results {
        no_waveform += usize::from(r?);
    }
    remove_stale_pages(&pages_dir, &names);

    let links: HashMap<String, String> = names
        .iter()
        .map(|(id, n)| {
            (
                id.clone(),
                format!("calls/{}", html::url_to(n, 0).unwrap_or_default()),
            )
        })
        .collect();
    let meta = index::Meta {
        folder: out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| out.display().to_string()),
        // Whole seconds, as in the audit: no chance digit runs in a page the leak scan reads.
        generated_at: chrono::Utc::now().timestamp() * 1000,
    };
    let index_path = dir.join("index.html");
    fsio::write_atomic_beside(&index_path, index::render(&calls, &links, &meta).as_bytes())
        .map_err(io(&index_path))?;
    Ok(Written {
        index: index_path,
        calls: calls.len(),
        pages: names.len(),
        no_waveform,
    })
}

/// A page file name per call that has redacted audio, unique and safe whatever the audit
/// holds: the `file_id` when it is a plain token, else a hash of it. Uniqueness is checked
/// without regard to case, for case-insensitive file systems.
fn page_names(calls: &[data::Call]) -> HashMap<String, String> {
    let mut used = HashSet::new();
    let mut names = HashMap::new();
    for c in calls.iter().filter(|c| c.output_path.is_some()) {
        let id = &c.file_id;
        let plain = !id.is_empty()
            && id.len() <= 64
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        let base = if plain {
            id.clone()
        } else {
            format!("id-{}", &hex::encode(Sha256::digest(id.as_bytes()))[..32])
        };
        let mut name = format!("{base}.html");
        let mut k = 2;
        while !used.insert(name.to_ascii_lowercase()) {
            name = format!("{base}-{k}.html");
            k += 1;
        }
        names.insert(id.clone(), name);
    }
    names
}

/// Removes pages an earlier report wrote for calls that are no longer listed (a later attempt
/// failed, or has a new `file_id`), so no page outlives its row in the index.
fn remove_stale_pages(dir: &Path, names: &HashMap<String, String>) {
    let keep: HashSet<&str> = names.values().map(String::as_str).collect();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.ends_with(".html") && !keep.contains(name.as_str()) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

#[cfg(test)]
mod tests;
