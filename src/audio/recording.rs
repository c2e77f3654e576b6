//! An opened recording: its spec, and its samples, read through one parse of the file.
//!
//! WAV, the telephony format, is parsed here (`wav::parse`) and read in place: voice activity,
//! transcription and the writer all read the data chunk through that one layout, so the
//! samples that are transcribed and the bytes that are muted are the same by construction, and
//! memory does not grow with the call. symphonia never sees a WAV whose encoding we read
//! ourselves; a second parser could disagree about where the samples are (symphonia 0.5.5 does,
//! on a `fmt ` chunk whose cbSize runs past it, and reads a decoy `data` chunk hidden in `junk`).
//!
//! Other formats (and ADPCM in WAV) are decoded by symphonia, again for each pass, from the
//! file: holding the decoded call would cost 460 MB for two hours of stereo 8 kHz, and holding
//! a FLAC's bytes nearly as much. Every whole pass (the opening one, voice activity, the
//! writer) hashes the file's bytes and the decoded samples, and a pass that disagrees with the
//! opening one fails the recording: decoding is deterministic, and this proves it at run time,
//! so the samples muted are the samples transcribed. Transcription reads a channel through a
//! forward cursor that keeps the last minute decoded, so a chunk read again (a repetition loop
//! retried region by region) costs no new decode; reading further back starts from the top.

use super::decode::{self, DecodeError, Decoded, SourceSpec};
use super::limits::Limits;
use super::wav::{self, Layout};
use sha2::{Digest, Sha256};
use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// Frames read per block by a whole-recording pass: a second of 8 kHz audio, small enough
/// that memory never depends on the call's length.
const SCAN_BLOCK: u64 = 8_192;

/// Seconds of a decoded channel a transcription cursor keeps behind where it has decoded to:
/// more than a chunk's 28 s, so a chunk whose stretches span up to a minute of the call can be
/// read again from the cache. 15 MB per channel at 48 kHz.
const CURSOR_KEEP_S: u64 = 80;

pub struct Recording {
    pub spec: SourceSpec,
    frames: u64,
    /// The file's escaped name, for errors.
    name: String,
    body: Body,
}

enum Body {
    /// Read in place from the file through its one parsed layout.
    Wav {
        file: File,
        layout: Layout,
        file_len: u64,
    },
    /// Decoded again from the file for each pass (compressed formats, ADPCM in WAV).
    Stream(Box<Streamed>),
    /// Decoded into memory (tests and tools).
    Memory { channels: Vec<Vec<f32>> },
}

struct Streamed {
    file: Arc<File>,
    ext: Option<String>,
    limits: Limits,
    /// What the opening pass read: every pass after it must read the same.
    file_sha256: String,
    samples_sha256: String,
    cursors: Vec<Mutex<Cursor>>,
}

/// Where a channel's transcription has decoded to, and what of it is kept.
#[derive(Default)]
struct Cursor {
    stream: Option<decode::Stream>,
    /// Frames `stream` has decoded.
    next: u64,
    /// This channel's samples of frames `start..next`.
    kept: VecDeque<f32>,
    start: u64,
}

/// One channel of a recording, as the transcriber reads it.
#[derive(Clone, Copy)]
pub struct Channel<'a> {
    rec: &'a Recording,
    pub index: u16,
}

impl Channel<'_> {
    pub fn rate(&self) -> u32 {
        self.rec.spec.sample_rate
    }

    pub fn frames(&self) -> u64 {
        self.rec.frames
    }

    /// Samples of frames `a..b` (clamped to the recording).
    pub fn read(&self, a: u64, b: u64) -> io::Result<Vec<f32>> {
        self.rec.read(self.index, a, b)
    }
}

impl Recording {
    /// Opens `path`. `expected_sha256`, when given, is the input's hash taken before: a file
    /// whose bytes differ now is refused (it changed while the batch was reading it).
    pub fn open(
        path: &Path,
        limits: &Limits,
        expected_sha256: Option<&str>,
    ) -> Result<Recording, DecodeError> {
        let p = || crate::names::escaped(path);
        let open_err = |source| DecodeError::Open { path: p(), source };
        let file = File::open(path).map_err(open_err)?;
        let file_len = file.metadata().map_err(open_err)?.len();
        let mut head = [0u8; 12];
        let n = file.read_at(&mut head, 0).map_err(open_err)?;
        if n >= 12 && &head[0..4] == b"RIFF" && &head[8..12] == b"WAVE" {
            return Self::open_wav(path, file, file_len, limits, expected_sha256);
        }
        if n >= 4 && (&head[0..4] == b"RF64" || &head[0..4] == b"BW64") {
            return Err(DecodeError::Unsupported {
                path: p(),
                cause: "RF64/BW64 WAV is not supported".into(),
            });
        }
        let ext = path.extension().and_then(|e| e.to_str());
        Self::open_streamed(path, file, file_len, ext, limits, expected_sha256)
    }

    /// Decodes the whole file once, block by block, to learn its length and check it against
    /// the limits, and hashes its bytes and samples for the passes after.
    fn open_streamed(
        path: &Path,
        file: File,
        file_len: u64,
        ext: Option<&str>,
        limits: &Limits,
        expected_sha256: Option<&str>,
    ) -> Result<Recording, DecodeError> {
        let name = crate::names::escaped(path);
        let file = Arc::new(file);
        let (frontier, src) = HashedFile::hashing(&file, file_len);
        let decoded = decode::Stream::open(Box::new(src), ext, &name, limits).and_then(|mut s| {
            while s.next_packet()?.is_some() {}
            s.finish()
        });
        let file_sha256 =
            Frontier::finish(&frontier, &file).map_err(|source| DecodeError::Open {
                path: name.clone(),
                source,
            })?;
        // A file that changed since it was hashed is reported as changed, even where the
        // change is what made it undecodable.
        if let Some(expected) = expected_sha256.filter(|e| *e != file_sha256) {
            return Err(DecodeError::Changed {
                path: name,
                expected: expected.to_string(),
                got: file_sha256,
            });
        }
        let summary = decoded?;
        let cursors = (0..summary.spec.channels)
            .map(|_| Mutex::new(Cursor::default()))
            .collect();
        Ok(Recording {
            spec: summary.spec,
            frames: summary.frames,
            name,
            body: Body::Stream(Box::new(Streamed {
                file,
                ext: ext.map(str::to_string),
                limits: limits.clone(),
                file_sha256,
                samples_sha256: summary.samples_sha256,
                cursors,
            })),
        })
    }

    fn open_wav(
        path: &Path,
        mut file: File,
        file_len: u64,
        limits: &Limits,
        expected_sha256: Option<&str>,
    ) -> Result<Recording, DecodeError> {
        let p = || crate::names::escaped(path);
        let header = wav::parse(&mut file, file_len).map_err(|e| match e {
            wav::WavError::Io(source) => DecodeError::Open { path: p(), source },
            wav::WavError::Unsupported { .. } => DecodeError::Unsupported {
                path: p(),
                cause: e.to_string(),
            },
            wav::WavError::PastEnd { .. } => DecodeError::Corrupt {
                path: p(),
                cause: format!("truncated or damaged: {e}"),
            },
            _ => DecodeError::Corrupt {
                path: p(),
                cause: e.to_string(),
            },
        })?;
        let fmt = &header.format;
        let limit = |cause: String| DecodeError::Limit { path: p(), cause };
        limits
            .check_format(fmt.sample_rate, fmt.channels)
            .map_err(limit)?;
        if let Some(layout) = Layout::from_header(&header) {
            let frames = layout.frames();
            if frames == 0 {
                return Err(DecodeError::Empty { path: p() });
            }
            limits
                .check_duration(frames, layout.sample_rate)
                .map_err(limit)?;
            let spec = SourceSpec {
                codec: layout.encoding.name().to_string(),
                sample_rate: layout.sample_rate,
                channels: layout.channels,
                bits_per_sample: Some(8 * layout.encoding.bytes() as u32),
            };
            // The hash is checked by the passes that read the whole file (`scan`, and the
            // writer), not here: reading a two-hour call only to hash it would cost a pass.
            return Ok(Recording {
                spec,
                frames,
                name: p(),
                body: Body::Wav {
                    file,
                    layout,
                    file_len,
                },
            });
        }
        // ADPCM is the one other WAV encoding taken, decoded by symphonia. Its frame count is
        // known from our own parse, and symphonia must agree with it: where the two parsers
        // disagree about the layout, the recording is refused.
        let Some(per_block) = fmt.adpcm_frames_per_block() else {
            return Err(DecodeError::Unsupported {
                path: p(),
                cause: format!(
                    "WAV format tag {:#06x} ({} bits) is not one callredact can redact",
                    fmt.tag, fmt.bits
                ),
            });
        };
        let blocks = header.data_len / fmt.block_align as u64;
        let expected = blocks * per_block;
        limits
            .check_duration(expected, fmt.sample_rate)
            .map_err(limit)?;
        let rec = Self::open_streamed(path, file, file_len, Some("wav"), limits, expected_sha256)?;
        let got = rec.frames;
        // The last block may be short; anything else means symphonia read other bytes.
        if got > expected || got + per_block < expected || rec.spec.channels != fmt.channels {
            return Err(DecodeError::Corrupt {
                path: p(),
                cause: format!(
                    "the decoder read {got} frames of {} channels where the header holds \
                     {expected} of {}: refusing a file two parsers read differently",
                    rec.spec.channels, fmt.channels
                ),
            });
        }
        Ok(rec)
    }

    /// A recording already in memory (tests and tools).
    pub fn from_decoded(d: Decoded) -> Recording {
        Recording {
            frames: d.frames(),
            spec: d.spec,
            name: "(in memory)".into(),
            body: Body::Memory {
                channels: d.channels,
            },
        }
    }

    pub fn frames(&self) -> u64 {
        self.frames
    }

    pub fn channel_count(&self) -> u16 {
        self.spec.channels
    }

    pub fn channel(&self, index: u16) -> Channel<'_> {
        Channel { rec: self, index }
    }

    /// The WAV layout, when the recording is a WAV read in place.
    pub fn wav(&self) -> Option<(&File, &Layout, u64)> {
        match &self.body {
            Body::Wav {
                file,
                layout,
                file_len,
            } => Some((file, layout, *file_len)),
            Body::Stream(_) | Body::Memory { .. } => None,
        }
    }

    /// The decoded channels, when the recording is in memory.
    pub fn in_memory(&self) -> Option<&[Vec<f32>]> {
        match &self.body {
            Body::Memory { channels } => Some(channels),
            Body::Wav { .. } | Body::Stream(_) => None,
        }
    }

    /// Samples of channel `c` over frames `a..b`, clamped to the recording.
    pub fn read(&self, c: u16, a: u64, b: u64) -> io::Result<Vec<f32>> {
        let b = b.min(self.frames);
        let a = a.min(b);
        match &self.body {
            Body::Memory { channels } => Ok(channels
                .get(c as usize)
                .map(|ch| ch[a as usize..b as usize].to_vec())
                .unwrap_or_default()),
            Body::Wav { file, layout, .. } => {
                let ba = layout.block_align as u64;
                let mut bytes = vec![0u8; ((b - a) * ba) as usize];
                file.read_exact_at(&mut bytes, layout.data_offset + a * ba)?;
                let bs = layout.encoding.bytes();
                let off = c as usize * bs;
                Ok(bytes
                    .chunks_exact(ba as usize)
                    .map(|f| layout.encoding.decode(&f[off..off + bs]))
                    .collect())
            }
            Body::Stream(st) => {
                let Some(cursor) = st.cursors.get(c as usize) else {
                    return Ok(Vec::new());
                };
                let mut cur = cursor
                    .lock()
                    .map_err(|_| io::Error::other("a reader of this channel panicked"))?;
                self.read_streamed(st, &mut cur, c, a, b)
                    .map_err(io::Error::other)
            }
        }
    }

    /// Frames `a..b` of channel `c` through its cursor: decodes forward from where it is, or
    /// from the start of the file when `a` is behind what it kept.
    fn read_streamed(
        &self,
        st: &Streamed,
        cur: &mut Cursor,
        c: u16,
        a: u64,
        b: u64,
    ) -> Result<Vec<f32>, DecodeError> {
        if a < cur.start || (cur.stream.is_none() && cur.next < b) {
            *cur = Cursor::default();
            let src = HashedFile::plain(&st.file);
            let ext = st.ext.as_deref();
            cur.stream = Some(decode::Stream::open(
                Box::new(src),
                ext,
                &self.name,
                &st.limits,
            )?);
        }
        let keep = CURSOR_KEEP_S * self.spec.sample_rate as u64;
        while cur.next < b {
            let Some(stream) = cur.stream.as_mut() else {
                break;
            };
            let Some(packet) = stream.next_packet()? else {
                cur.stream = None;
                break;
            };
            let n = self.spec.channels as usize;
            if packet.channels != n {
                return Err(self.unstable("the channel count changed"));
            }
            let samples = packet.samples;
            cur.kept
                .extend(samples.iter().skip(c as usize).step_by(n).copied());
            cur.next += (samples.len() / n) as u64;
            // What is behind both the read and the window is never read again (without
            // starting over), so a read far into the call holds a window, not the call.
            let from = a.min(cur.next.saturating_sub(keep));
            if from > cur.start {
                let drop = ((from - cur.start) as usize).min(cur.kept.len());
                cur.kept.drain(..drop);
                cur.start += drop as u64;
            }
        }
        if cur.next < b {
            return Err(self.unstable(&format!(
                "{} frames where the first pass decoded {}",
                cur.next, self.frames
            )));
        }
        let (i, j) = ((a - cur.start) as usize, (b - cur.start) as usize);
        Ok(cur.kept.range(i..j).copied().collect())
    }

    fn unstable(&self, cause: &str) -> DecodeError {
        DecodeError::Unstable {
            path: self.name.clone(),
            cause: cause.to_string(),
        }
    }

    /// One pass over the whole recording, block by block: `f` gets each block's samples, one
    /// slice per channel, in order. Every byte of a file read in place or decoded is read and
    /// hashed on the way, and the hash is returned, so the caller can check the file is the
    /// one it hashed; a decoded file must also give the samples its opening pass gave.
    pub fn scan(&self, mut f: impl FnMut(&[&[f32]])) -> Result<Option<String>, DecodeError> {
        self.visit(|block| {
            f(block);
            Ok::<(), DecodeError>(())
        })
    }

    /// `scan`, for a caller whose work on a block can fail (the writer): its first error
    /// ends the pass.
    pub fn visit<E: From<DecodeError>>(
        &self,
        mut f: impl FnMut(&[&[f32]]) -> Result<(), E>,
    ) -> Result<Option<String>, E> {
        let io = |source| DecodeError::Open {
            path: self.name.clone(),
            source,
        };
        match &self.body {
            Body::Memory { channels } => {
                let n = self.frames as usize;
                let mut a = 0;
                while a < n {
                    let b = (a + SCAN_BLOCK as usize).min(n);
                    let block: Vec<&[f32]> = channels.iter().map(|c| &c[a..b]).collect();
                    f(&block)?;
                    a = b;
                }
                Ok(None)
            }
            Body::Wav {
                file,
                layout,
                file_len,
            } => {
                let mut h = Sha256::new();
                let mut head = vec![0u8; layout.data_offset as usize];
                file.read_exact_at(&mut head, 0).map_err(io)?;
                h.update(&head);
                let ba = layout.block_align as u64;
                let mut bytes = Vec::new();
                let mut planar: Vec<Vec<f32>> = vec![Vec::new(); layout.channels as usize];
                let mut a = 0;
                while a < self.frames {
                    let b = (a + SCAN_BLOCK).min(self.frames);
                    bytes.resize(((b - a) * ba) as usize, 0);
                    file.read_exact_at(&mut bytes, layout.data_offset + a * ba)
                        .map_err(io)?;
                    h.update(&bytes);
                    planar.iter_mut().for_each(Vec::clear);
                    layout.decode_into(&bytes, &mut planar);
                    let block: Vec<&[f32]> = planar.iter().map(Vec::as_slice).collect();
                    f(&block)?;
                    a = b;
                }
                let tail_from = layout.data_offset + self.frames * ba;
                let mut tail = vec![0u8; (*file_len - tail_from) as usize];
                file.read_exact_at(&mut tail, tail_from).map_err(io)?;
                h.update(&tail);
                Ok(Some(hex::encode(h.finalize())))
            }
            Body::Stream(st) => self.visit_streamed(st, f),
        }
    }

    fn visit_streamed<E: From<DecodeError>>(
        &self,
        st: &Streamed,
        mut f: impl FnMut(&[&[f32]]) -> Result<(), E>,
    ) -> Result<Option<String>, E> {
        let len = st
            .file
            .metadata()
            .map(|m| m.len())
            .map_err(|source| DecodeError::Open {
                path: self.name.clone(),
                source,
            })?;
        let (frontier, src) = HashedFile::hashing(&st.file, len);
        let n = self.spec.channels as usize;
        let mut planar: Vec<Vec<f32>> = vec![Vec::new(); n];
        let pass = || -> Result<decode::Summary, E> {
            let mut s =
                decode::Stream::open(Box::new(src), st.ext.as_deref(), &self.name, &st.limits)?;
            while let Some(decode::Packet { channels, samples }) = s.next_packet()? {
                if channels != n {
                    return Err(self.unstable("the channel count changed").into());
                }
                planar.iter_mut().for_each(Vec::clear);
                for (i, x) in samples.iter().enumerate() {
                    planar[i % n].push(*x);
                }
                let block: Vec<&[f32]> = planar.iter().map(Vec::as_slice).collect();
                f(&block)?;
            }
            Ok(s.finish()?)
        };
        let summary = pass();
        let sha = Frontier::finish(&frontier, &st.file).map_err(|source| DecodeError::Open {
            path: self.name.clone(),
            source,
        })?;
        if sha != st.file_sha256 {
            return Err(DecodeError::Changed {
                path: self.name.clone(),
                expected: st.file_sha256.clone(),
                got: sha,
            }
            .into());
        }
        let summary = summary?;
        if summary.frames != self.frames {
            let cause = format!("{} frames, then {}", self.frames, summary.frames);
            return Err(self.unstable(&cause).into());
        }
        if summary.spec != self.spec || summary.samples_sha256 != st.samples_sha256 {
            return Err(self.unstable("the samples' sha256 differs").into());
        }
        Ok(Some(sha))
    }
}

/// The file as symphonia reads it, positioned reads on one shared handle. A hashing one
/// hashes every byte of the file once, in file order, whatever the reader's seeks: bytes it
/// skips are read and hashed here, and the tail it never reads too, so that a pass's hash is
/// the whole file's, comparable with the hash the batch took before.
struct HashedFile {
    file: Arc<File>,
    pos: u64,
    len: u64,
    frontier: Option<Arc<Mutex<Frontier>>>,
}

/// How far into the file the hash has reached.
struct Frontier {
    sha: Sha256,
    upto: u64,
}

impl HashedFile {
    fn plain(file: &Arc<File>) -> HashedFile {
        HashedFile {
            file: Arc::clone(file),
            pos: 0,
            len: file.metadata().map(|m| m.len()).unwrap_or(0),
            frontier: None,
        }
    }

    fn hashing(file: &Arc<File>, len: u64) -> (Arc<Mutex<Frontier>>, HashedFile) {
        let frontier = Arc::new(Mutex::new(Frontier {
            sha: Sha256::new(),
            upto: 0,
        }));
        let src = HashedFile {
            file: Arc::clone(file),
            pos: 0,
            len,
            frontier: Some(Arc::clone(&frontier)),
        };
        (frontier, src)
    }
}

impl Frontier {
    /// Takes the bytes read at `pos`, hashing those past the frontier (and any gap before
    /// them) once.
    fn saw(&mut self, file: &File, pos: u64, bytes: &[u8]) -> io::Result<()> {
        let end = pos + bytes.len() as u64;
        if end <= self.upto {
            return Ok(());
        }
        if pos > self.upto {
            self.hash_to(file, Some(pos))?;
        }
        self.sha.update(&bytes[(self.upto - pos) as usize..]);
        self.upto = end;
        Ok(())
    }

    /// Hashes the file from the frontier to `to`, or to its end.
    fn hash_to(&mut self, file: &File, to: Option<u64>) -> io::Result<()> {
        let mut buf = vec![0u8; 1 << 16];
        while to.is_none_or(|t| self.upto < t) {
            let want = to.map_or(buf.len() as u64, |t| (t - self.upto).min(buf.len() as u64));
            let n = file.read_at(&mut buf[..want as usize], self.upto)?;
            if n == 0 {
                if to.is_some() {
                    return Err(io::ErrorKind::UnexpectedEof.into());
                }
                break;
            }
            self.sha.update(&buf[..n]);
            self.upto += n as u64;
        }
        Ok(())
    }

    /// The sha256 of the whole file, once the pass is over.
    fn finish(frontier: &Arc<Mutex<Frontier>>, file: &File) -> io::Result<String> {
        let mut f = frontier
            .lock()
            .map_err(|_| io::Error::other("a hashing reader panicked"))?;
        f.hash_to(file, None)?;
        Ok(hex::encode(f.sha.clone().finalize()))
    }
}

impl Read for HashedFile {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.file.read_at(buf, self.pos)?;
        if let Some(f) = &self.frontier {
            f.lock()
                .map_err(|_| io::Error::other("a hashing reader panicked"))?
                .saw(&self.file, self.pos, &buf[..n])?;
        }
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for HashedFile {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let pos = match to {
            SeekFrom::Start(p) => Some(p),
            SeekFrom::End(d) => self.len.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        self.pos = pos.ok_or_else(|| io::Error::from(io::ErrorKind::InvalidInput))?;
        Ok(self.pos)
    }
}

impl symphonia::core::io::MediaSource for HashedFile {
    fn is_seekable(&self) -> bool {
        true
    }

    fn byte_len(&self) -> Option<u64> {
        Some(self.len)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::audio::decode::decode_bytes;
    use std::path::PathBuf;
    use std::process::Command;

    /// `secs` seconds of stereo 8 kHz audio, a different sound on each channel, written by
    /// sox as `x.{ext}`.
    pub(crate) fn sox_file(dir: &Path, ext: &str, secs: u32) -> PathBuf {
        let p = dir.join(format!("x.{ext}"));
        // Only FLAC has a sample size to choose; sox warns that the lossy ones do not.
        let bits: &[&str] = if ext == "flac" { &["-b", "16"] } else { &[] };
        let st = Command::new("sox")
            .args(["-n", "-r", "8000", "-c", "2"])
            .args(bits)
            .arg(&p)
            .args(["synth", &secs.to_string(), "sine", "300-900", "pinknoise"])
            .args(["tremolo", "3", "vol", "0.4"])
            .status()
            .expect("sox is installed (scripts/setup.sh)");
        assert!(st.success(), "sox {ext}");
        p
    }

    /// Changes one byte in the middle of the file, in place (the same inode, as an editor
    /// saving over it or a recorder still writing would).
    pub(crate) fn flip_a_byte_at_half(p: &Path) {
        let f = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(p)
            .unwrap();
        let at = f.metadata().unwrap().len() / 2;
        let mut b = [0u8];
        f.read_exact_at(&mut b, at).unwrap();
        f.write_all_at(&[b[0] ^ 0x55], at).unwrap();
    }

    fn whole(p: &Path) -> Vec<Vec<f32>> {
        let ext = p.extension().and_then(|e| e.to_str());
        decode_bytes(std::fs::read(p).unwrap(), ext, "x", &Limits::default())
            .unwrap()
            .channels
    }

    fn open(p: &Path) -> Recording {
        Recording::open(p, &Limits::default(), None).unwrap()
    }

    #[test]
    fn compressed_formats_are_streamed_not_held() {
        let d = tempfile::tempdir().unwrap();
        for ext in ["mp3", "ogg", "flac"] {
            let rec = open(&sox_file(d.path(), ext, 1));
            assert!(matches!(rec.body, Body::Stream(_)), "{ext}");
            assert!(rec.in_memory().is_none() && rec.wav().is_none());
        }
    }

    #[test]
    fn streamed_reads_give_the_whole_decode_forwards_backwards_and_on_two_channels() {
        let d = tempfile::tempdir().unwrap();
        // Longer than the cursor keeps, so that a read far back starts over.
        let secs = CURSOR_KEEP_S as u32 + 40;
        for ext in ["mp3", "ogg", "flac"] {
            let p = sox_file(d.path(), ext, secs);
            let (rec, want) = (open(&p), whole(&p));
            assert_eq!(rec.frames(), want[0].len() as u64, "{ext}");
            let s = 8000u64;
            let check = |c: u16, a: u64, b: u64| {
                let got = rec.read(c, a, b).unwrap();
                let b = b.min(rec.frames());
                assert!(
                    got == want[c as usize][a as usize..b as usize],
                    "{ext}: channel {c}, frames {a}..{b}"
                );
            };
            // Chunks in time order, the two channels' reads interleaved as two workers'
            // would be, with a looping chunk's regions read again behind the cursor.
            for (a, b) in [(0, 3 * s), (5 * s, 30 * s), (31 * s + 17, 59 * s)] {
                check(0, a, b);
                check(1, a, b);
            }
            check(0, 6 * s, 9 * s);
            check(0, 20 * s + 5, 29 * s);
            check(1, 60 * s, 70 * s);
            // Far behind what the cursor keeps: decoded again from the start.
            check(0, 100 * s, 110 * s);
            check(0, s, 2 * s);
            check(0, 115 * s, u64::MAX);
            check(1, 0, 1);
            // Past the end: empty, as for a WAV.
            assert!(rec.read(0, u64::MAX - 1, u64::MAX).unwrap().is_empty());
            assert!(rec.read(7, 0, 10).unwrap().is_empty());
        }
    }

    #[test]
    fn scan_gives_the_whole_decode_and_the_file_hash() {
        let d = tempfile::tempdir().unwrap();
        for ext in ["mp3", "ogg", "flac"] {
            let p = sox_file(d.path(), ext, 5);
            let rec = open(&p);
            let mut got: Vec<Vec<f32>> = vec![Vec::new(); 2];
            let sha = rec
                .scan(|block| {
                    for (g, b) in got.iter_mut().zip(block) {
                        g.extend_from_slice(b);
                    }
                })
                .unwrap();
            assert!(got == whole(&p), "{ext}");
            let bytes = std::fs::read(&p).unwrap();
            assert_eq!(sha, Some(hex::encode(Sha256::digest(&bytes))), "{ext}");
            // And again: every pass must agree with the first.
            assert_eq!(rec.scan(|_| {}).unwrap(), sha);
        }
    }

    #[test]
    fn a_hash_taken_before_must_match_at_open() {
        let d = tempfile::tempdir().unwrap();
        let p = sox_file(d.path(), "ogg", 1);
        let sha = hex::encode(Sha256::digest(std::fs::read(&p).unwrap()));
        assert!(Recording::open(&p, &Limits::default(), Some(&sha)).is_ok());
        let wrong = "0".repeat(64);
        let err = Recording::open(&p, &Limits::default(), Some(&wrong))
            .err()
            .unwrap();
        assert!(matches!(err, DecodeError::Changed { .. }), "{err}");
        assert!(err.to_string().contains("x.ogg"), "{err}");
    }

    #[test]
    fn a_file_changed_after_opening_fails_the_next_whole_pass() {
        let d = tempfile::tempdir().unwrap();
        for ext in ["mp3", "flac"] {
            let p = sox_file(d.path(), ext, 3);
            let rec = open(&p);
            flip_a_byte_at_half(&p);
            let err = rec.scan(|_| {}).unwrap_err();
            assert!(matches!(err, DecodeError::Changed { .. }), "{ext}: {err}");
            assert!(err.to_string().contains(&format!("x.{ext}")), "{err}");
        }
    }

    #[test]
    fn a_pass_that_decodes_other_samples_fails_by_name() {
        let d = tempfile::tempdir().unwrap();
        let p = sox_file(d.path(), "mp3", 2);
        let mut rec = open(&p);
        // Stands in for a decoder that is not deterministic: the bytes are the same, the
        // samples (as the opening pass recorded them) are not.
        if let Body::Stream(st) = &mut rec.body {
            st.samples_sha256 = "0".repeat(64);
        }
        let err = rec.scan(|_| {}).unwrap_err();
        assert!(matches!(err, DecodeError::Unstable { .. }), "{err}");
        assert!(err.to_string().contains("x.mp3"), "{err}");
        let mut rec = open(&p);
        rec.frames += 1;
        let err = rec.scan(|_| {}).unwrap_err().to_string();
        assert!(err.contains("frames"), "{err}");
    }

    #[test]
    fn hashing_a_file_read_with_seeks_and_skips_covers_every_byte_once() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("bytes");
        let data: Vec<u8> = (0..200_000u32).map(|i| (i * 7 % 251) as u8).collect();
        std::fs::write(&p, &data).unwrap();
        let file = Arc::new(File::open(&p).unwrap());
        let (frontier, mut src) = HashedFile::hashing(&file, data.len() as u64);
        let mut buf = vec![0u8; 1000];
        src.read_exact(&mut buf).unwrap();
        src.seek(SeekFrom::Start(500)).unwrap(); // back: hashed already
        src.read_exact(&mut buf).unwrap();
        src.seek(SeekFrom::End(-3000)).unwrap(); // forward past unread bytes
        src.read_exact(&mut buf).unwrap();
        src.seek(SeekFrom::Current(-100_000)).unwrap();
        src.read_exact(&mut buf).unwrap();
        let got = Frontier::finish(&frontier, &file).unwrap();
        assert_eq!(got, hex::encode(Sha256::digest(&data)));
    }
}
