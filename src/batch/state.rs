//! Batch state kept in the output folder, so a run can be killed at any moment and started
//! again: a lock (one run per output folder), per-recording receipts written once the outputs
//! are durable, and the audit dataset they are folded into.
//!
//! Ordering, per recording: pending marker -> audio -> transcript JSON -> receipt -> (at the end
//! of the run) audit parts -> receipt removed. A crash anywhere leaves either a receipt (folded
//! in by the next run) or no receipt (the recording is redone, overwriting its own output).

use crate::batch::audit::{Dataset, Receipt, Status};
use crate::batch::fsio::{self, Staging};
use std::collections::HashSet;
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("{path}: another callredact run (pid {pid}) is using this output folder")]
    Locked { path: String, pid: String },
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: unreadable receipt: {cause}")]
    Receipt { path: String, cause: String },
    #[error("audit: {0}")]
    Audit(#[from] crate::batch::audit::AuditError),
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> StateError + '_ {
    move |source| StateError::Io {
        path: crate::names::escaped(path),
        source,
    }
}

/// Holds the output folder's locks until dropped. flock, not a pid file: the kernel drops it
/// when the process dies however it dies, so a stale lock from a killed run cannot exist.
pub struct Lock {
    _files: Vec<File>,
}

pub struct State {
    pub dir: PathBuf,
    pub dataset: Dataset,
    /// Where this shard's temp files are written (`.callredact/tmp/<shard>/`).
    pub staging: Staging,
    /// This run's shard label: receipts and part files are kept per shard, so the shards of
    /// one batch can share an output folder without touching each other's work in flight.
    shard: String,
}

/// Takes an flock on `path`, or says who holds it.
fn flock(path: &Path, op: libc::c_int, out: &Path) -> Result<File, StateError> {
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(fsio::FILE_MODE)
        .open(path)
        .map_err(io_err(path))?;
    // SAFETY: flock on a valid open descriptor; no memory is shared.
    let rc = unsafe { libc::flock(file.as_raw_fd(), op | libc::LOCK_NB) };
    if rc != 0 {
        let mut pid = String::new();
        let _ = file.read_to_string(&mut pid);
        return Err(StateError::Locked {
            path: out.display().to_string(),
            pid: pid.trim().to_string(),
        });
    }
    if op == libc::LOCK_EX {
        file.set_len(0).map_err(io_err(path))?;
        write!(file, "{}", std::process::id()).map_err(io_err(path))?;
    }
    Ok(file)
}

/// The identity of a finished piece of work: same input content, model and policy.
pub type DoneKey = (String, String, String, String);

impl State {
    /// Opens the state of `out` for one shard. An unsharded run holds the folder exclusively;
    /// the shards of a sharded batch each hold their own shard and share the folder.
    pub fn open(out: &Path, shard: &str, sharded: bool) -> Result<(State, Lock), StateError> {
        let dir = out.join(".callredact");
        for d in [dir.join("receipts").join(shard), dir.join("pending")] {
            fsio::create_dir_all(&d).map_err(io_err(&d))?;
        }
        let folder = flock(
            &dir.join("lock"),
            if sharded {
                libc::LOCK_SH
            } else {
                libc::LOCK_EX
            },
            out,
        )?;
        let own = flock(&dir.join(format!("lock-{shard}")), libc::LOCK_EX, out)?;
        // An unsharded run holds the whole folder, so every shard's staging is garbage now;
        // a shard holds only its own.
        let tmp = dir.join("tmp");
        if !sharded {
            let _ = std::fs::remove_dir_all(&tmp);
        }
        let staging_dir = tmp.join(shard);
        let staging = Staging::open(staging_dir.clone()).map_err(io_err(&staging_dir))?;
        let state = State {
            dataset: Dataset::new(out),
            dir,
            staging,
            shard: shard.to_string(),
        };
        // Versions before the staging folder left temp files beside their destinations,
        // unmuted copies of a call among them: remove any that remain, by exact name.
        for sub in ["redacted", "transcripts", "audit", ".callredact"] {
            let _ = fsio::sweep_legacy_temps(&out.join(sub));
        }
        Ok((
            state,
            Lock {
                _files: vec![folder, own],
            },
        ))
    }

    fn receipt_path(&self, file_id: &str) -> PathBuf {
        self.dir
            .join("receipts")
            .join(&self.shard)
            .join(format!("{file_id}.json"))
    }

    /// Marks that the output at `out_rel` is being written by us, so a rerun after a crash may
    /// overwrite it; an existing output without a marker or an audit row is someone else's.
    pub fn mark_pending(&self, key: &str) -> Result<(), StateError> {
        let p = self.dir.join("pending").join(key);
        self.staging.write_atomic(&p, b"").map_err(io_err(&p))
    }

    pub fn is_pending(&self, key: &str) -> bool {
        self.dir.join("pending").join(key).exists()
    }

    pub fn clear_pending(&self, key: &str) {
        let _ = fs::remove_file(self.dir.join("pending").join(key));
    }

    pub fn write_receipt(&self, r: &Receipt) -> Result<(), StateError> {
        let p = self.receipt_path(&r.file.file_id);
        let json = serde_json::to_vec(r).map_err(|e| StateError::Receipt {
            path: p.display().to_string(),
            cause: e.to_string(),
        })?;
        self.staging.write_atomic(&p, &json).map_err(io_err(&p))
    }

    pub fn receipts(&self) -> Result<Vec<Receipt>, StateError> {
        let dir = self.dir.join("receipts").join(&self.shard);
        let mut paths: Vec<PathBuf> = fs::read_dir(&dir)
            .map_err(io_err(&dir))?
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        paths.sort();
        paths
            .iter()
            .map(|p| {
                let bytes = fs::read(p).map_err(io_err(p))?;
                serde_json::from_slice(&bytes).map_err(|e| StateError::Receipt {
                    path: p.display().to_string(),
                    cause: e.to_string(),
                })
            })
            .collect()
    }

    /// Folds receipts into the audit dataset as one new part, skipping any whose file_id a part
    /// already holds (written before a crash that came ahead of the receipt's removal), then
    /// removes the receipts. Returns how many rows were added.
    pub fn consolidate(&self, part_name: &str) -> Result<usize, StateError> {
        let receipts = self.receipts()?;
        if receipts.is_empty() {
            return Ok(0);
        }
        let present: HashSet<String> = self
            .dataset
            .read_file_columns(&["file_id"])?
            .into_iter()
            .filter_map(|r| r.into_iter().next().flatten())
            .collect();
        let fresh: Vec<Receipt> = receipts
            .iter()
            .filter(|r| !present.contains(&r.file.file_id))
            .cloned()
            .collect();
        if !fresh.is_empty() {
            self.dataset.write_parts(&self.staging, part_name, &fresh)?;
        }
        for r in &receipts {
            let p = self.receipt_path(&r.file.file_id);
            fs::remove_file(&p).map_err(io_err(&p))?;
        }
        fsio::sync_dir(&self.dir.join("receipts").join(&self.shard)).map_err(io_err(&self.dir))?;
        Ok(fresh.len())
    }

    /// Work already done: redacted rows from the audit and from receipts not yet folded in,
    /// as (input_path, input_sha256, model_sha256, policy_sha256) with their output paths.
    pub fn done(&self) -> Result<Vec<(DoneKey, String)>, StateError> {
        let mut out = Vec::new();
        for row in self.dataset.read_file_columns(&[
            "status",
            "input_path",
            "input_sha256",
            "model_sha256",
            "policy_sha256",
            "output_path",
        ])? {
            if let [Some(status), Some(a), Some(b), Some(c), Some(d), Some(o)] = &row[..] {
                if status == Status::Redacted.as_str() {
                    out.push(((a.clone(), b.clone(), c.clone(), d.clone()), o.clone()));
                }
            }
        }
        for r in self.receipts()? {
            let f = r.file;
            if let (Status::Redacted, Some(o)) = (f.status, f.output_path) {
                out.push((
                    (
                        f.input_path,
                        f.input_sha256,
                        f.model_sha256,
                        f.policy_sha256,
                    ),
                    o,
                ));
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::audit::sample_receipt;

    #[test]
    fn a_second_run_on_the_same_folder_is_refused_until_the_first_ends() {
        let d = tempfile::tempdir().unwrap();
        let (_s, lock) = State::open(d.path(), "0-of-1", false).unwrap();
        assert!(matches!(
            State::open(d.path(), "0-of-1", false),
            Err(StateError::Locked { .. })
        ));
        assert!(matches!(
            State::open(d.path(), "0-of-2", true),
            Err(StateError::Locked { .. })
        ));
        drop(lock);
        assert!(State::open(d.path(), "0-of-1", false).is_ok());
    }

    #[test]
    fn shards_share_a_folder_but_not_a_shard() {
        let d = tempfile::tempdir().unwrap();
        let (_a, _la) = State::open(d.path(), "0-of-2", true).unwrap();
        let (_b, _lb) = State::open(d.path(), "1-of-2", true).unwrap();
        assert!(matches!(
            State::open(d.path(), "1-of-2", true),
            Err(StateError::Locked { .. })
        ));
        assert!(matches!(
            State::open(d.path(), "0-of-1", false),
            Err(StateError::Locked { .. })
        ));
    }

    #[test]
    fn consolidation_is_idempotent_across_a_crash_before_receipt_removal() {
        let d = tempfile::tempdir().unwrap();
        let (s, _l) = State::open(d.path(), "0-of-1", false).unwrap();
        s.write_receipt(&sample_receipt("f1")).unwrap();
        // Simulate: the part was written, then the process died before removing the receipt.
        s.dataset
            .write_parts(&s.staging, "crashed", &[sample_receipt("f1")])
            .unwrap();
        s.write_receipt(&sample_receipt("f2")).unwrap();
        assert_eq!(s.consolidate("next").unwrap(), 1);
        let ids = s.dataset.read_file_columns(&["file_id"]).unwrap();
        assert_eq!(ids.len(), 2);
        assert!(s.receipts().unwrap().is_empty());
        assert_eq!(s.consolidate("again").unwrap(), 0);
    }

    #[test]
    fn done_reads_both_audit_and_receipts() {
        let d = tempfile::tempdir().unwrap();
        let (s, _l) = State::open(d.path(), "0-of-1", false).unwrap();
        s.dataset
            .write_parts(&s.staging, "p", &[sample_receipt("f1")])
            .unwrap();
        let mut r = sample_receipt("f2");
        r.file.input_path = "b.wav".into();
        s.write_receipt(&r).unwrap();
        let done = s.done().unwrap();
        assert_eq!(done.len(), 2);
    }
}
