//! Durable, atomic file output: write a temp file in the destination folder, fsync it, rename it
//! into place, fsync the folder. A reader (or a run restarted after SIGKILL) sees either the
//! whole old state or the whole new file, never part of one.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// Temp files carry this suffix so a restarted run can sweep what a killed one left.
pub const TEMP_SUFFIX: &str = ".callredact-tmp";

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

/// A file being written; `commit` makes it appear at its destination.
pub struct AtomicFile {
    tmp: PathBuf,
    dest: PathBuf,
    file: Option<File>,
}

impl AtomicFile {
    pub fn create(dest: &Path) -> io::Result<AtomicFile> {
        let dir = dest.parent().unwrap_or(Path::new("."));
        create_dir_all(dir)?;
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = dir.join(format!(".{name}.{}{TEMP_SUFFIX}", std::process::id()));
        let file = OpenOptions::new()
            .write(true)
            .read(true)
            .create(true)
            .truncate(true)
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

    pub fn commit(mut self) -> io::Result<()> {
        let file = self.file.take().expect("commit once");
        file.sync_all()?;
        drop(file);
        fs::rename(&self.tmp, &self.dest)?;
        sync_dir(self.dest.parent().unwrap_or(Path::new(".")))
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

/// Writes `bytes` to `dest` atomically.
pub fn write_atomic(dest: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut f = AtomicFile::create(dest)?;
    f.file().write_all(bytes)?;
    f.commit()
}

/// Removes temp files directly in `dir` whose name contains `needle`.
pub fn sweep_temps_matching(dir: &Path, needle: &str) -> io::Result<usize> {
    let mut n = 0;
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(0);
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.ends_with(TEMP_SUFFIX) && name.contains(needle) {
            fs::remove_file(e.path())?;
            n += 1;
        }
    }
    Ok(n)
}

/// Removes the temp files a killed run left for one destination (`.<name>.<pid>.tmp`).
pub fn sweep_temps_for(dest: &Path) -> io::Result<usize> {
    let (Some(dir), Some(name)) = (dest.parent(), dest.file_name()) else {
        return Ok(0);
    };
    sweep_temps_matching(dir, &format!(".{}.", name.to_string_lossy()))
}

/// Removes temp files a killed run left under `dir`.
pub fn sweep_temps(dir: &Path) -> io::Result<usize> {
    let mut n = 0;
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(0);
    };
    for e in entries.flatten() {
        let p = e.path();
        let ft = e.file_type()?;
        if ft.is_dir() {
            n += sweep_temps(&p)?;
        } else if p.to_string_lossy().ends_with(TEMP_SUFFIX) {
            fs::remove_file(&p)?;
            n += 1;
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropped_without_commit_leaves_nothing() {
        let d = tempfile::tempdir().unwrap();
        let dest = d.path().join("a/b.wav");
        {
            let mut f = AtomicFile::create(&dest).unwrap();
            f.file().write_all(b"half").unwrap();
        }
        assert!(!dest.exists());
        assert_eq!(fs::read_dir(d.path().join("a")).unwrap().count(), 0);
    }

    #[test]
    fn commit_replaces_and_sets_private_mode() {
        use std::os::unix::fs::PermissionsExt;
        let d = tempfile::tempdir().unwrap();
        let dest = d.path().join("x.json");
        write_atomic(&dest, b"one").unwrap();
        write_atomic(&dest, b"two").unwrap();
        assert_eq!(fs::read(&dest).unwrap(), b"two");
        assert_eq!(
            fs::metadata(&dest).unwrap().permissions().mode() & 0o777,
            FILE_MODE
        );
    }

    #[test]
    fn sweep_finds_nested_temps() {
        let d = tempfile::tempdir().unwrap();
        fs::create_dir_all(d.path().join("x/y")).unwrap();
        fs::write(d.path().join(format!("x/y/.a.wav.1{TEMP_SUFFIX}")), b"").unwrap();
        fs::write(d.path().join("x/keep.wav"), b"").unwrap();
        assert_eq!(sweep_temps(d.path()).unwrap(), 1);
        assert!(d.path().join("x/keep.wav").exists());
    }
}
