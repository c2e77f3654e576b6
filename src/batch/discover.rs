//! Discovery: walks the inputs, keeps audio files (by content, not only by name), in a stable
//! order, and takes this shard's share.

use sha2::{Digest, Sha256};
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    #[error("{path}: cannot read input: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{out}: the output folder is inside the input {input}: outputs would be read back as inputs")]
    OutInsideInput { out: String, input: String },
    #[error("{input}: the input is inside the output folder {out}")]
    InputInsideOut { out: String, input: String },
}

const AUDIO_EXTENSIONS: &[&str] = &[
    "wav", "wave", "flac", "mp3", "ogg", "oga", "m4a", "mp4", "aac", "caf", "mka", "mkv", "webm",
    "aiff", "aif",
];

/// One recording to process.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    pub path: PathBuf,
    /// Path relative to the input root it was found under; the output mirrors it.
    pub rel: PathBuf,
    /// The output file's path relative to the output's audio folder.
    pub out_rel: PathBuf,
}

/// Which share of the inputs this process takes: `index` of `count`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    pub const ALL: Shard = Shard { index: 0, count: 1 };

    pub fn parse(s: &str) -> Result<Shard, String> {
        let (k, n) = s.split_once('/').ok_or("expected K/N, e.g. 0/4")?;
        let index: u32 = k
            .trim()
            .parse()
            .map_err(|_| format!("bad shard index {k:?}"))?;
        let count: u32 = n
            .trim()
            .parse()
            .map_err(|_| format!("bad shard count {n:?}"))?;
        if count == 0 || index >= count {
            return Err(format!("shard {index}/{count}: need 0 <= K < N"));
        }
        Ok(Shard { index, count })
    }

    /// Stable across machines, runs and input order: a hash of the path relative to its root.
    pub fn takes(&self, rel: &Path) -> bool {
        if self.count == 1 {
            return true;
        }
        let h = Sha256::digest(rel.to_string_lossy().as_bytes());
        let v = u64::from_be_bytes(h[..8].try_into().expect("8 bytes"));
        v % self.count as u64 == self.index as u64
    }

    pub fn label(&self) -> String {
        format!("{}-of-{}", self.index, self.count)
    }
}

/// True when the first bytes say audio: RIFF/WAVE, FLAC, Ogg, MP3 (ID3 or frame sync),
/// MP4/M4A, CAF, AIFF, Matroska/WebM.
pub fn looks_like_audio(head: &[u8]) -> bool {
    let at = |i: usize, m: &[u8]| head.len() >= i + m.len() && &head[i..i + m.len()] == m;
    at(0, b"RIFF") && at(8, b"WAVE")
        || at(0, b"RF64")
        || at(0, b"fLaC")
        || at(0, b"OggS")
        || at(0, b"ID3")
        || (head.len() >= 2 && head[0] == 0xFF && head[1] & 0xE0 == 0xE0)
        || at(4, b"ftyp")
        || at(0, b"caff")
        || at(0, b"FORM") && (at(8, b"AIFF") || at(8, b"AIFC"))
        || at(0, &[0x1A, 0x45, 0xDF, 0xA3])
}

fn has_audio_extension(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .map(|e| AUDIO_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        .unwrap_or(false)
}

/// A file is taken when its content looks like audio, or its name says audio (then decoding
/// reports what is wrong with it, rather than the file silently vanishing from the batch).
fn is_candidate(p: &Path) -> bool {
    if has_audio_extension(p) {
        return true;
    }
    let mut head = [0u8; 12];
    let n = fs::File::open(p)
        .and_then(|mut f| f.read(&mut head))
        .unwrap_or(0);
    looks_like_audio(&head[..n])
}

/// Every audio file under `inputs`, sorted, with its output path; `out` is never walked.
pub fn discover(
    inputs: &[PathBuf],
    out: &Path,
    follow_symlinks: bool,
) -> Result<Vec<Input>, DiscoverError> {
    let out_abs = fs::canonicalize(out).unwrap_or_else(|_| out.to_path_buf());
    let mut found: Vec<Input> = Vec::new();
    for root in inputs {
        let root_abs = fs::canonicalize(root).map_err(|source| DiscoverError::Read {
            path: root.display().to_string(),
            source,
        })?;
        if root_abs.is_dir() && out_abs.starts_with(&root_abs) {
            return Err(DiscoverError::OutInsideInput {
                out: out.display().to_string(),
                input: root.display().to_string(),
            });
        }
        if root_abs.starts_with(&out_abs) {
            return Err(DiscoverError::InputInsideOut {
                out: out.display().to_string(),
                input: root.display().to_string(),
            });
        }
        if root_abs.is_file() {
            let name = PathBuf::from(root.file_name().unwrap_or_default());
            found.push(Input {
                path: root.clone(),
                rel: name.clone(),
                out_rel: name,
            });
            continue;
        }
        let mut files = Vec::new();
        walk(root, &root_abs, follow_symlinks, &mut files)?;
        files.sort();
        for p in files {
            let rel = p.strip_prefix(root).unwrap_or(&p).to_path_buf();
            found.push(Input {
                path: p,
                out_rel: rel.clone(),
                rel,
            });
        }
    }
    assign_output_names(&mut found);
    Ok(found)
}

fn walk(
    dir: &Path,
    root_abs: &Path,
    follow: bool,
    out: &mut Vec<PathBuf>,
) -> Result<(), DiscoverError> {
    let entries = fs::read_dir(dir).map_err(|source| DiscoverError::Read {
        path: dir.display().to_string(),
        source,
    })?;
    for e in entries {
        let e = e.map_err(|source| DiscoverError::Read {
            path: dir.display().to_string(),
            source,
        })?;
        let p = e.path();
        let name = e.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue; // hidden files and our own temp files
        }
        let ft = e.file_type().map_err(|source| DiscoverError::Read {
            path: p.display().to_string(),
            source,
        })?;
        let (is_dir, is_file) = if ft.is_symlink() {
            if !follow {
                continue;
            }
            // Followed links must still resolve inside the input tree: a link to /etc is not
            // a recording we were asked to process.
            match fs::canonicalize(&p) {
                Ok(t) if t.starts_with(root_abs) => (t.is_dir(), t.is_file()),
                _ => continue,
            }
        } else {
            (ft.is_dir(), ft.is_file())
        };
        if is_dir {
            walk(&p, root_abs, follow, out)?;
        } else if is_file && is_candidate(&p) {
            out.push(p);
        }
    }
    Ok(())
}

/// The output is named after the input with the output's extension decided later; here we only
/// make sure two inputs (`a.mp3`, `a.wav`) can never claim the same output stem.
fn assign_output_names(inputs: &mut [Input]) {
    use std::collections::HashMap;
    let mut stems: HashMap<PathBuf, usize> = HashMap::new();
    for i in inputs.iter() {
        *stems.entry(i.rel.with_extension("")).or_default() += 1;
    }
    for i in inputs.iter_mut() {
        if stems[&i.rel.with_extension("")] > 1 {
            // Keep the source extension in the name: "a.mp3" -> "a.mp3.<ext>".
            let mut name = i.rel.file_name().unwrap_or_default().to_os_string();
            name.push(".x");
            i.out_rel = i.rel.with_file_name(name);
        } else {
            i.out_rel = i.rel.with_extension("x");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_the_inputs() {
        let paths: Vec<PathBuf> = (0..300)
            .map(|i| PathBuf::from(format!("d/{i}.wav")))
            .collect();
        let mut counts = [0usize; 3];
        for p in &paths {
            let owners: Vec<u32> = (0..3)
                .filter(|k| {
                    Shard {
                        index: *k,
                        count: 3,
                    }
                    .takes(p)
                })
                .collect();
            assert_eq!(owners.len(), 1);
            counts[owners[0] as usize] += 1;
        }
        assert!(counts.iter().all(|c| *c > 60), "{counts:?}");
    }

    #[test]
    fn shard_parsing_rejects_nonsense() {
        assert_eq!(Shard::parse("1/3").unwrap(), Shard { index: 1, count: 3 });
        assert!(Shard::parse("3/3").is_err());
        assert!(Shard::parse("0/0").is_err());
        assert!(Shard::parse("x").is_err());
    }

    #[test]
    fn probes_by_content() {
        assert!(looks_like_audio(b"RIFF\0\0\0\0WAVEfmt "));
        assert!(looks_like_audio(b"fLaC\0\0\0\x22"));
        assert!(looks_like_audio(b"ID3\x04"));
        assert!(looks_like_audio(b"\0\0\0\x20ftypM4A "));
        assert!(!looks_like_audio(b"{\"a\": 1}"));
        assert!(!looks_like_audio(b""));
    }

    #[test]
    fn walks_sorted_skips_hidden_and_non_audio_and_names_collisions() {
        let d = tempfile::tempdir().unwrap();
        let inp = d.path().join("in");
        fs::create_dir_all(inp.join("b")).unwrap();
        fs::write(inp.join("b/z.wav"), b"RIFF\0\0\0\0WAVE").unwrap();
        fs::write(inp.join("a.mp3"), b"ID3").unwrap();
        fs::write(inp.join("a.wav"), b"RIFF\0\0\0\0WAVE").unwrap();
        fs::write(inp.join("noext"), b"fLaC").unwrap();
        fs::write(inp.join("notes.txt"), b"hello").unwrap();
        fs::write(inp.join(".hidden.wav"), b"RIFF").unwrap();
        let found = discover(std::slice::from_ref(&inp), &d.path().join("out"), false).unwrap();
        let rels: Vec<_> = found
            .iter()
            .map(|i| i.rel.to_string_lossy().into_owned())
            .collect();
        assert_eq!(rels, ["a.mp3", "a.wav", "b/z.wav", "noext"]);
        assert_eq!(found[0].out_rel, PathBuf::from("a.mp3.x"));
        assert_eq!(found[2].out_rel, PathBuf::from("b/z.x"));
    }

    #[test]
    fn refuses_output_inside_input() {
        let d = tempfile::tempdir().unwrap();
        fs::create_dir_all(d.path().join("in/out")).unwrap();
        let err = discover(&[d.path().join("in")], &d.path().join("in/out"), false).unwrap_err();
        assert!(matches!(err, DiscoverError::OutInsideInput { .. }));
    }
}
