//! Discovery: walks the inputs, keeps audio files (by content, not only by name), in a stable
//! order, names each one's outputs, and takes this shard's share.
//!
//! Every input comes from a root (a folder or a file named on the command line), and its
//! outputs keep that root's label: `run day1 day2` writes `redacted/day1/call.wav` and
//! `redacted/day2/call.wav`, never one over the other. Output names are checked for clashes,
//! case-folded, before any work: two inputs that would write one file both fail by name.

use crate::audio::encode::{extension_for, LossyAs};
use crate::names::escaped;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::io::Read;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    #[error("{path}: cannot read input: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error(
        "{out}: the output folder is inside the input {input}: outputs would be read back as inputs"
    )]
    OutInsideInput { out: String, input: String },
    #[error("{input}: the input is inside the output folder {out}")]
    InputInsideOut { out: String, input: String },
    #[error("{label:?} is the label of two inputs ({a} and {b}); name them: LABEL=PATH")]
    SameLabel { label: String, a: String, b: String },
    #[error("{0:?} is not a usable input label (letters, digits, '.', '_' and '-' only)")]
    BadLabel(String),
    #[error("stopped by a signal during discovery")]
    Interrupted,
}

const AUDIO_EXTENSIONS: &[&str] = &[
    "wav", "wave", "flac", "mp3", "ogg", "oga", "m4a", "mp4", "aac", "caf", "mka", "mkv", "webm",
    "aiff", "aif",
];

/// An input named on the command line: a folder or a file, and the label its outputs keep.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Root {
    pub label: String,
    pub path: PathBuf,
}

impl Root {
    /// `PATH`, or `LABEL=PATH` to choose the label. Without one, a folder is labelled by its
    /// own name and a file by its folder's, so a recording gets the same output path whether
    /// it is given alone or found in its folder.
    pub fn parse(arg: &str) -> Result<Root, DiscoverError> {
        if let Some((label, path)) = arg.split_once('=') {
            // A path that exists as written is a path, even with a '=' in it.
            if !Path::new(arg).exists() && !label.is_empty() {
                check_label(label)?;
                return Ok(Root {
                    label: label.to_string(),
                    path: PathBuf::from(path),
                });
            }
        }
        let path = PathBuf::from(arg);
        let label = default_label(&path);
        Ok(Root { label, path })
    }
}

fn check_label(label: &str) -> Result<(), DiscoverError> {
    let ok = !label.is_empty()
        && label != "."
        && label != ".."
        && label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(DiscoverError::BadLabel(label.to_string()))
    }
}

fn default_label(path: &Path) -> String {
    let abs = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let dir = if abs.is_file() {
        abs.parent().map(Path::to_path_buf).unwrap_or_default()
    } else {
        abs
    };
    dir.file_name()
        .map(|n| escaped(Path::new(n)))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "root".into())
}

/// One recording to process.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    pub path: PathBuf,
    /// Path relative to its root.
    pub rel: PathBuf,
    /// The recording's name everywhere: the root's label and the relative path, escaped
    /// (`day1/queue 2/call.wav`). It is the audit's `input_path`.
    pub id: String,
    /// The redacted audio, relative to `--out`: `redacted/<label>/<rel>` with the output's
    /// extension.
    pub audio_out: PathBuf,
    /// The redacted transcript, relative to `--out`: `transcripts/<label>/<rel>.json`.
    pub text_out: PathBuf,
    /// The output extension, decided from the file's first bytes.
    pub extension: &'static str,
    /// The other inputs whose outputs would have the same name as this one's, if any: then
    /// this one fails by name and writes nothing.
    pub clashes_with: Vec<String>,
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

    /// Stable across machines, runs and input order: a hash of the recording's name.
    pub fn takes(&self, id: &str) -> bool {
        if self.count == 1 {
            return true;
        }
        let h = Sha256::digest(id.as_bytes());
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

fn head(p: &Path) -> Vec<u8> {
    let mut head = [0u8; 12];
    let n = fs::File::open(p)
        .and_then(|mut f| f.read(&mut head))
        .unwrap_or(0);
    head[..n].to_vec()
}

/// The canonical form of `p`, or of its nearest existing ancestor with the rest appended: the
/// output folder may not exist yet when it is checked against the inputs.
fn canonical_or_planned(p: &Path) -> PathBuf {
    if let Ok(c) = fs::canonicalize(p) {
        return c;
    }
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    let mut rest = Vec::new();
    let mut at = abs.as_path();
    loop {
        if let Ok(c) = fs::canonicalize(at) {
            let mut out = c;
            for r in rest.iter().rev() {
                out.push(r);
            }
            return out;
        }
        match (at.parent(), at.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                at = parent;
            }
            _ => return abs,
        }
    }
}

/// Refuses an output folder inside an input folder, or an input inside the output, and two
/// roots with one label. Touches nothing: it runs before the output folder is made or locked.
pub fn check_roots(roots: &[Root], out: &Path) -> Result<(), DiscoverError> {
    let out_abs = canonical_or_planned(out);
    let mut labels: BTreeMap<&str, &Path> = BTreeMap::new();
    for root in roots {
        let root_abs = fs::canonicalize(&root.path).map_err(|source| DiscoverError::Read {
            path: escaped(&root.path),
            source,
        })?;
        if root_abs.is_dir() && out_abs.starts_with(&root_abs) {
            return Err(DiscoverError::OutInsideInput {
                out: escaped(out),
                input: escaped(&root.path),
            });
        }
        if root_abs.starts_with(&out_abs) {
            return Err(DiscoverError::InputInsideOut {
                out: escaped(out),
                input: escaped(&root.path),
            });
        }
        if root_abs.is_dir() {
            if let Some(other) = labels.insert(&root.label, &root.path) {
                return Err(DiscoverError::SameLabel {
                    label: root.label.clone(),
                    a: escaped(other),
                    b: escaped(&root.path),
                });
            }
        }
    }
    Ok(())
}

/// Every audio file under `roots`, sorted, with its output names; `out` is never walked.
/// Answers `stop` between entries, so SIGTERM ends even a huge walk within moments.
pub fn discover(
    roots: &[Root],
    out: &Path,
    follow_symlinks: bool,
    lossy_as: LossyAs,
    stop: &AtomicBool,
) -> Result<Vec<Input>, DiscoverError> {
    check_roots(roots, out)?;
    let out_abs = canonical_or_planned(out);
    let mut found: Vec<Input> = Vec::new();
    for root in roots {
        let root_abs = fs::canonicalize(&root.path).map_err(|source| DiscoverError::Read {
            path: escaped(&root.path),
            source,
        })?;
        if root_abs.is_file() {
            let name = PathBuf::from(root.path.file_name().unwrap_or_default());
            found.push(input(root, root.path.clone(), name, lossy_as));
            continue;
        }
        let mut files = Vec::new();
        let mut walk = Walk {
            root_abs: &root_abs,
            out_abs: &out_abs,
            follow: follow_symlinks,
            stop,
            seen: HashSet::new(),
        };
        walk.dir(&root.path, &mut files)?;
        files.sort();
        for p in files {
            let rel = p.strip_prefix(&root.path).unwrap_or(&p).to_path_buf();
            found.push(input(root, p, rel, lossy_as));
        }
    }
    mark_clashes(&mut found);
    Ok(found)
}

fn input(root: &Root, path: PathBuf, rel: PathBuf, lossy_as: LossyAs) -> Input {
    let extension = extension_for(&head(&path), lossy_as);
    let labelled = Path::new(&root.label).join(&rel);
    let mut text = labelled.clone().into_os_string();
    text.push(".json");
    Input {
        id: format!("{}/{}", root.label, escaped(&rel)),
        audio_out: Path::new("redacted").join(labelled.with_extension(extension)),
        text_out: Path::new("transcripts").join(text),
        extension,
        clashes_with: Vec::new(),
        path,
        rel,
    }
}

/// Marks every input whose audio or transcript name another input also claims, compared
/// case-folded: on a case-insensitive volume (SMB, macOS) `A.wav` and `a.wav` are one file.
fn mark_clashes(inputs: &mut [Input]) {
    let fold = |p: &Path| escaped(p).to_lowercase();
    let mut claims: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, inp) in inputs.iter().enumerate() {
        claims.entry(fold(&inp.audio_out)).or_default().push(i);
        claims.entry(fold(&inp.text_out)).or_default().push(i);
    }
    let ids: Vec<String> = inputs.iter().map(|i| i.id.clone()).collect();
    for owners in claims.values().filter(|o| o.len() > 1) {
        for &i in owners {
            for &j in owners.iter().filter(|&&j| j != i) {
                if !inputs[i].clashes_with.contains(&ids[j]) {
                    inputs[i].clashes_with.push(ids[j].clone());
                }
            }
        }
    }
}

struct Walk<'a> {
    root_abs: &'a Path,
    out_abs: &'a Path,
    follow: bool,
    stop: &'a AtomicBool,
    /// Folders already walked, by device and inode: a link loop is walked once.
    seen: HashSet<(u64, u64)>,
}

impl Walk<'_> {
    fn dir(&mut self, dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), DiscoverError> {
        let read = |source| DiscoverError::Read {
            path: escaped(dir),
            source,
        };
        let meta = fs::metadata(dir).map_err(read)?;
        if !self.seen.insert((meta.dev(), meta.ino())) {
            return Ok(());
        }
        let entries = fs::read_dir(dir).map_err(read)?;
        for e in entries {
            if self.stop.load(Ordering::Relaxed) {
                return Err(DiscoverError::Interrupted);
            }
            let e = e.map_err(read)?;
            let p = e.path();
            if e.file_name().as_encoded_bytes().starts_with(b".") {
                continue; // hidden files, our own state, editors' droppings
            }
            let ft = e.file_type().map_err(|source| DiscoverError::Read {
                path: escaped(&p),
                source,
            })?;
            let (is_dir, is_file) = if ft.is_symlink() {
                if !self.follow {
                    continue;
                }
                // Followed links must still resolve inside the input tree, and never into
                // the output: a link to /etc is not a recording we were asked to process.
                match fs::canonicalize(&p) {
                    Ok(t) if t.starts_with(self.root_abs) && !t.starts_with(self.out_abs) => {
                        (t.is_dir(), t.is_file())
                    }
                    _ => continue,
                }
            } else {
                (ft.is_dir(), ft.is_file())
            };
            if is_dir {
                if fs::canonicalize(&p).is_ok_and(|t| t.starts_with(self.out_abs)) {
                    continue;
                }
                self.dir(&p, out)?;
            } else if is_file && is_candidate(&p) {
                out.push(p);
            }
        }
        Ok(())
    }
}

/// A file is taken when its content looks like audio, or its name says audio (then decoding
/// reports what is wrong with it, rather than the file silently vanishing from the batch).
fn is_candidate(p: &Path) -> bool {
    has_audio_extension(p) || looks_like_audio(&head(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn discover_in(roots: &[PathBuf], out: &Path) -> Vec<Input> {
        let roots: Vec<Root> = roots
            .iter()
            .map(|r| Root::parse(r.to_str().unwrap()).unwrap())
            .collect();
        discover(&roots, out, false, LossyAs::Wav, &AtomicBool::new(false)).unwrap()
    }

    #[test]
    fn shards_partition_the_inputs() {
        let ids: Vec<String> = (0..300).map(|i| format!("d/{i}.wav")).collect();
        let mut counts = [0usize; 3];
        for id in &ids {
            let owners: Vec<u32> = (0..3)
                .filter(|k| {
                    Shard {
                        index: *k,
                        count: 3,
                    }
                    .takes(id)
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
    fn walks_sorted_skipping_hidden_and_non_audio_with_labelled_names() {
        let d = tempfile::tempdir().unwrap();
        let inp = d.path().join("day1");
        fs::create_dir_all(inp.join("b")).unwrap();
        fs::write(inp.join("b/z.wav"), b"RIFF\0\0\0\0WAVE").unwrap();
        fs::write(inp.join("a.mp3"), b"ID3").unwrap();
        fs::write(inp.join("noext"), b"fLaC").unwrap();
        fs::write(inp.join("notes.txt"), b"hello").unwrap();
        fs::write(inp.join(".hidden.wav"), b"RIFF").unwrap();
        let found = discover_in(std::slice::from_ref(&inp), &d.path().join("out"));
        let ids: Vec<_> = found.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["day1/a.mp3", "day1/b/z.wav", "day1/noext"]);
        assert_eq!(found[0].audio_out, PathBuf::from("redacted/day1/a.wav"));
        assert_eq!(
            found[0].text_out,
            PathBuf::from("transcripts/day1/a.mp3.json")
        );
        assert_eq!(found[1].audio_out, PathBuf::from("redacted/day1/b/z.wav"));
        assert_eq!(
            found[2].audio_out,
            PathBuf::from("redacted/day1/noext.flac")
        );
        assert!(found.iter().all(|i| i.clashes_with.is_empty()));
    }

    #[test]
    fn two_roots_holding_the_same_name_write_two_outputs() {
        let d = tempfile::tempdir().unwrap();
        for day in ["day1", "day2"] {
            fs::create_dir_all(d.path().join(day)).unwrap();
            fs::write(d.path().join(day).join("call.wav"), b"RIFF\0\0\0\0WAVE").unwrap();
        }
        let found = discover_in(
            &[d.path().join("day1"), d.path().join("day2")],
            &d.path().join("o"),
        );
        let outs: Vec<_> = found.iter().map(|i| i.audio_out.clone()).collect();
        assert_eq!(
            outs,
            [
                PathBuf::from("redacted/day1/call.wav"),
                PathBuf::from("redacted/day2/call.wav")
            ]
        );
        assert_ne!(found[0].id, found[1].id);
    }

    #[test]
    fn two_roots_with_one_label_are_refused_before_any_work() {
        let d = tempfile::tempdir().unwrap();
        for p in ["a/day1", "b/day1"] {
            fs::create_dir_all(d.path().join(p)).unwrap();
        }
        let roots = [
            Root::parse(d.path().join("a/day1").to_str().unwrap()).unwrap(),
            Root::parse(d.path().join("b/day1").to_str().unwrap()).unwrap(),
        ];
        let e = check_roots(&roots, &d.path().join("o")).unwrap_err();
        assert!(matches!(e, DiscoverError::SameLabel { .. }), "{e}");
        assert!(!d.path().join("o").exists());
        // Named on the command line, they are two roots.
        let arg = |l: &str, p: &str| format!("{l}={}", d.path().join(p).display());
        let roots = [
            Root::parse(&arg("east", "a/day1")).unwrap(),
            Root::parse(&arg("west", "b/day1")).unwrap(),
        ];
        assert!(check_roots(&roots, &d.path().join("o")).is_ok());
        assert!(Root::parse("../x=/tmp").is_err());
    }

    #[test]
    fn names_that_clash_across_extensions_and_case_fail_together() {
        let d = tempfile::tempdir().unwrap();
        let inp = d.path().join("in");
        fs::create_dir_all(&inp).unwrap();
        fs::write(inp.join("a.mp3"), b"ID3").unwrap(); // -> a.wav
        fs::write(inp.join("a.wav"), b"RIFF\0\0\0\0WAVE").unwrap(); // -> a.wav
        fs::write(inp.join("B.wav"), b"RIFF\0\0\0\0WAVE").unwrap();
        fs::write(inp.join("b.wav"), b"RIFF\0\0\0\0WAVE").unwrap();
        fs::write(inp.join("c.wav"), b"RIFF\0\0\0\0WAVE").unwrap();
        let found = discover_in(std::slice::from_ref(&inp), &d.path().join("out"));
        let by_id = |id: &str| found.iter().find(|i| i.id == id).unwrap();
        assert_eq!(by_id("in/a.mp3").clashes_with, ["in/a.wav"]);
        assert_eq!(by_id("in/a.wav").clashes_with, ["in/a.mp3"]);
        assert_eq!(by_id("in/B.wav").clashes_with, ["in/b.wav"]);
        assert_eq!(by_id("in/b.wav").clashes_with, ["in/B.wav"]);
        assert!(by_id("in/c.wav").clashes_with.is_empty());
    }

    #[test]
    fn a_self_linked_folder_is_walked_once() {
        let d = tempfile::tempdir().unwrap();
        let inp = d.path().join("in");
        fs::create_dir_all(inp.join("sub")).unwrap();
        fs::write(inp.join("sub/x.wav"), b"RIFF\0\0\0\0WAVE").unwrap();
        std::os::unix::fs::symlink(&inp, inp.join("sub/loop1")).unwrap();
        std::os::unix::fs::symlink(&inp, inp.join("sub/loop2")).unwrap();
        let roots = [Root::parse(inp.to_str().unwrap()).unwrap()];
        let found = discover(
            &roots,
            &d.path().join("out"),
            true,
            LossyAs::Wav,
            &AtomicBool::new(false),
        )
        .unwrap();
        assert_eq!(found.len(), 1);
    }

    #[test]
    fn a_stop_signal_ends_discovery() {
        let d = tempfile::tempdir().unwrap();
        let inp = d.path().join("in");
        fs::create_dir_all(&inp).unwrap();
        fs::write(inp.join("x.wav"), b"RIFF\0\0\0\0WAVE").unwrap();
        let roots = [Root::parse(inp.to_str().unwrap()).unwrap()];
        let e = discover(
            &roots,
            &d.path().join("o"),
            false,
            LossyAs::Wav,
            &AtomicBool::new(true),
        );
        assert!(matches!(e, Err(DiscoverError::Interrupted)));
    }

    #[test]
    fn refuses_output_inside_input() {
        let d = tempfile::tempdir().unwrap();
        fs::create_dir_all(d.path().join("in")).unwrap();
        let roots = [Root::parse(d.path().join("in").to_str().unwrap()).unwrap()];
        let err = check_roots(&roots, &d.path().join("in/out/not/yet")).unwrap_err();
        assert!(matches!(err, DiscoverError::OutInsideInput { .. }));
        assert!(!d.path().join("in/out").exists());
    }

    #[test]
    fn a_file_root_is_labelled_by_its_folder() {
        let d = tempfile::tempdir().unwrap();
        fs::create_dir_all(d.path().join("day7")).unwrap();
        let f = d.path().join("day7/call.wav");
        fs::write(&f, b"RIFF\0\0\0\0WAVE").unwrap();
        let found = discover_in(&[f], &d.path().join("o"));
        assert_eq!(found[0].id, "day7/call.wav");
        assert_eq!(found[0].audio_out, PathBuf::from("redacted/day7/call.wav"));
    }
}
