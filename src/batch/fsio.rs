//! Durable, atomic file output: write a temp file, fsync it, rename it into place, fsync the
//! folder. A reader (or a run restarted after SIGKILL) sees either the whole old state or the
//! whole new file, never part of one.
//!
//! Under `--out`, every temp file lives in one staging folder per shard,
//! `<out>/.callredact/tmp/<shard>/`, never beside the published files: a half-written file is
//! never in `redacted/`, where `rsync -a` or a QA listener would find it. The staging folder is
//! on the same file system as the outputs, so the final rename is atomic, and it is emptied
//! whenever a run starts (under the shard's lock) and by the second Ctrl-C.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// Temp files that older versions wrote beside their destination carried this suffix.
pub const LEGACY_TEMP_SUFFIX: &str = ".callredact-tmp";

/// Mode for every file we create: redacted calls are still personal data, so owner read/write
/// and group read, nothing for others.
pub const FILE_MODE: u32 = 0o640;
pub const DIR_MODE: u32 = 0o750;

pub fn create_dir_all(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    fs::DirBuilder::new()
        .recursive(true)
        .mode(DIR_MODE)
        .create(dir)
}

/// Takes group write and every permission for others off an existing folder: an `--out`
/// made 0777 by hand would let anyone read the redacted calls or plant files among them.
pub fn tighten_dir(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = fs::metadata(dir)?.permissions().mode() & 0o7777;
    if mode & !DIR_MODE != 0 {
        fs::set_permissions(dir, fs::Permissions::from_mode(mode & DIR_MODE))?;
    }
    Ok(())
}

/// Staging folders of this process, for `remove_staging` at the second signal.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// The folder temp files are written in before they are renamed into place.
pub struct Staging {
    dir: PathBuf,
    next: AtomicU64,
}

impl Staging {
    /// Opens `dir` and empties it. The caller must hold the lock that makes `dir` this run's
    /// alone: whatever is in it was left by a run that died.
    pub fn open(dir: PathBuf) -> io::Result<Staging> {
        create_dir_all(&dir)?;
        for e in fs::read_dir(&dir)?.flatten() {
            let p = e.path();
            if e.file_type()?.is_dir() {
                fs::remove_dir_all(&p)?;
            } else {
                fs::remove_file(&p)?;
            }
        }
        if let Ok(mut live) = LIVE.lock() {
            live.push(dir.clone());
        }
        Ok(Staging {
            dir,
            next: AtomicU64::new(0),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// A new temp file for `dest`. Its name is unique to this process and call (pid and a
    /// counter), and it is created with O_EXCL and O_NOFOLLOW: a file or link planted under
    /// that name makes the call fail rather than be written through. The staging folder is
    /// never created here: once the second Ctrl-C removed it, no temp file can appear again.
    pub fn create(&self, dest: &Path) -> io::Result<AtomicFile> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let tmp = self.dir.join(format!("{}-{n}.part", std::process::id()));
        let file = OpenOptions::new()
            .write(true)
            .read(true)
            .create_new(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .mode(FILE_MODE)
            .open(&tmp)?;
        Ok(AtomicFile {
            tmp,
            dest: dest.to_path_buf(),
            file: Some(file),
        })
    }

    /// Writes `bytes` to `dest` atomically.
    pub fn write_atomic(&self, dest: &Path, bytes: &[u8]) -> io::Result<()> {
        let mut f = self.create(dest)?;
        f.file().write_all(bytes)?;
        f.commit()
    }
}

/// Removes every staging folder of this process and what is in it: the second Ctrl-C exits at
/// once, skipping every `Drop`, and must leave no temp file behind. A file a worker still has
/// open is unlinked with its folder and vanishes when the process exits.
pub fn remove_staging() {
    let dirs = LIVE.lock().map(|l| l.clone()).unwrap_or_default();
    for d in dirs {
        let _ = fs::remove_dir_all(d);
    }
}

/// A file being written; `commit` makes it appear at its destination.
pub struct AtomicFile {
    tmp: PathBuf,
    dest: PathBuf,
    file: Option<File>,
}

impl AtomicFile {
    /// A temp file beside `dest`, for files outside any `--out` (a model, a metrics file).
    pub fn beside(dest: &Path) -> io::Result<AtomicFile> {
        let dir = dest.parent().unwrap_or(Path::new("."));
        create_dir_all(dir)?;
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
        let file = OpenOptions::new()
            .write(true)
            .read(true)
            .create(true)
            .truncate(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .mode(FILE_MODE)
            .open(&tmp)?;
        Ok(AtomicFile {
            tmp,
            dest: dest.to_path_buf(),
            file: Some(file),
        })
    }

    pub fn file(&mut self) -> &mut File {
        self.file.as_mut().expect("file is open until commit")
    }

    /// Where the file is being written, before `commit` moves it: for reading it back.
    pub fn temp_path(&self) -> &Path {
        &self.tmp
    }

    /// fsyncs the file, renames it to its destination (creating the destination's folder),
    /// and fsyncs that folder.
    pub fn commit(mut self) -> io::Result<()> {
        let file = self.file.take().expect("commit once");
        file.sync_all()?;
        drop(file);
        let dir = self.dest.parent().unwrap_or(Path::new("."));
        let done = create_dir_all(dir)
            .and_then(|_| fs::rename(&self.tmp, &self.dest))
            .and_then(|_| sync_dir(dir));
        if done.is_err() {
            let _ = fs::remove_file(&self.tmp);
        }
        done
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.file.is_some() {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

pub fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Writes `bytes` to `dest` atomically, through a temp file beside it.
pub fn write_atomic_beside(dest: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut f = AtomicFile::beside(dest)?;
    f.file().write_all(bytes)?;
    f.commit()
}

/// Whether `name` is exactly a temp file name that versions before the staging folder wrote
/// beside their destination: `.<name>.<pid>.callredact-tmp`.
pub fn is_legacy_temp(name: &str) -> bool {
    let Some(rest) = name.strip_suffix(LEGACY_TEMP_SUFFIX) else {
        return false;
    };
    let Some((stem, pid)) = rest.rsplit_once('.') else {
        return false;
    };
    stem.len() > 1
        && stem.starts_with('.')
        && !pid.is_empty()
        && pid.bytes().all(|b| b.is_ascii_digit())
}

/// Removes, under `dir`, the temp files older versions left beside their destinations (full
/// copies of a call, some of them unmuted). Matches the exact name pattern, nothing else.
pub fn sweep_legacy_temps(dir: &Path) -> io::Result<usize> {
    let mut n = 0;
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(0);
    };
    for e in entries.flatten() {
        let p = e.path();
        let ft = e.file_type()?;
        if ft.is_dir() {
            n += sweep_legacy_temps(&p)?;
        } else if is_legacy_temp(&e.file_name().to_string_lossy()) {
            fs::remove_file(&p)?;
            n += 1;
        }
    }
    Ok(n)
}

/// Wraps a writer and hashes what goes through it, so the output's sha256 is known without
/// reading the file back.
pub struct HashingWriter<W> {
    pub inner: W,
    hash: sha2::Sha256,
}

impl<W: Write> HashingWriter<W> {
    pub fn new(inner: W) -> Self {
        use sha2::Digest;
        HashingWriter {
            inner,
            hash: sha2::Sha256::new(),
        }
    }

    pub fn sha256(self) -> String {
        use sha2::Digest;
        hex::encode(self.hash.finalize())
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        use sha2::Digest;
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropped_without_commit_leaves_nothing() {
        let d = tempfile::tempdir().unwrap();
        let staging = Staging::open(d.path().join("tmp")).unwrap();
        let dest = d.path().join("a/b.wav");
        {
            let mut f = staging.create(&dest).unwrap();
            f.file().write_all(b"half").unwrap();
        }
        assert!(!dest.exists());
        assert_eq!(fs::read_dir(staging.dir()).unwrap().count(), 0);
    }

    #[test]
    fn commit_replaces_and_sets_private_mode() {
        use std::os::unix::fs::PermissionsExt;
        let d = tempfile::tempdir().unwrap();
        let staging = Staging::open(d.path().join("tmp")).unwrap();
        let dest = d.path().join("x/y.json");
        staging.write_atomic(&dest, b"one").unwrap();
        staging.write_atomic(&dest, b"two").unwrap();
        assert_eq!(fs::read(&dest).unwrap(), b"two");
        assert_eq!(
            fs::metadata(&dest).unwrap().permissions().mode() & 0o777,
            FILE_MODE
        );
        assert_eq!(fs::read_dir(staging.dir()).unwrap().count(), 0);
    }

    #[test]
    fn opening_the_staging_folder_empties_it() {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path().join("tmp");
        fs::create_dir_all(dir.join("old")).unwrap();
        fs::write(dir.join("123-0.part"), b"left by a killed run").unwrap();
        let s = Staging::open(dir.clone()).unwrap();
        assert_eq!(fs::read_dir(s.dir()).unwrap().count(), 0);
    }

    #[test]
    fn a_planted_temp_name_is_not_written_through() {
        let d = tempfile::tempdir().unwrap();
        let s = Staging::open(d.path().join("tmp")).unwrap();
        let target = d.path().join("victim");
        fs::write(&target, b"keep").unwrap();
        let planted = s.dir().join(format!("{}-0.part", std::process::id()));
        std::os::unix::fs::symlink(&target, &planted).unwrap();
        assert!(s.create(&d.path().join("out.wav")).is_err());
        assert_eq!(fs::read(&target).unwrap(), b"keep");
    }

    #[test]
    fn legacy_temp_names_match_exactly() {
        assert!(is_legacy_temp(".a.wav.1234.callredact-tmp"));
        assert!(is_legacy_temp(".b.a.wav.77.callredact-tmp"));
        assert!(!is_legacy_temp("a.wav.1234.callredact-tmp"));
        assert!(!is_legacy_temp(".a.wav.x12.callredact-tmp"));
        assert!(!is_legacy_temp(".a.wav.callredact-tmp.wav"));
        assert!(!is_legacy_temp("call.wav"));
    }

    #[test]
    fn legacy_sweep_finds_nested_temps_and_nothing_else() {
        let d = tempfile::tempdir().unwrap();
        fs::create_dir_all(d.path().join("x/y")).unwrap();
        fs::write(d.path().join("x/y/.a.wav.1.callredact-tmp"), b"").unwrap();
        fs::write(d.path().join("x/keep.wav"), b"").unwrap();
        fs::write(d.path().join("x/.keep.callredact-tmp"), b"").unwrap();
        assert_eq!(sweep_legacy_temps(d.path()).unwrap(), 1);
        assert!(d.path().join("x/keep.wav").exists());
        assert!(d.path().join("x/.keep.callredact-tmp").exists());
    }

    #[test]
    fn an_open_folder_is_tightened() {
        use std::os::unix::fs::PermissionsExt;
        let d = tempfile::tempdir().unwrap();
        let out = d.path().join("out");
        fs::create_dir(&out).unwrap();
        fs::set_permissions(&out, fs::Permissions::from_mode(0o777)).unwrap();
        tighten_dir(&out).unwrap();
        assert_eq!(
            fs::metadata(&out).unwrap().permissions().mode() & 0o777,
            0o750
        );
    }
}
