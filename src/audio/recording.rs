//! An opened recording: its spec, and its samples, read through one parse of the file.
//!
//! WAV, the telephony format, is parsed here (`wav::parse`) and read in place: voice activity,
//! transcription and the writer all read the data chunk through that one layout, so the
//! samples that are transcribed and the bytes that are muted are the same by construction, and
//! memory does not grow with the call. symphonia never sees a WAV whose encoding we read
//! ourselves; a second parser could disagree about where the samples are (symphonia 0.5.5 does,
//! on a `fmt ` chunk whose cbSize runs past it, and reads a decoy `data` chunk hidden in `junk`).
//! Other formats are decoded into memory by symphonia from bytes read once and hashed.

use super::decode::{self, DecodeError, Decoded, SourceSpec};
use super::limits::Limits;
use super::wav::{self, Layout};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{self, Read};
use std::os::unix::fs::FileExt;
use std::path::Path;

/// Frames read per block by a whole-recording pass: a second of 8 kHz audio, small enough
/// that memory never depends on the call's length.
const SCAN_BLOCK: u64 = 8_192;

pub struct Recording {
    pub spec: SourceSpec,
    frames: u64,
    body: Body,
}

enum Body {
    /// Read in place from the file through its one parsed layout.
    Wav {
        file: File,
        layout: Layout,
        file_len: u64,
    },
    /// Decoded into memory (compressed formats, ADPCM in WAV).
    Memory { channels: Vec<Vec<f32>> },
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
        let mut file = File::open(path).map_err(open_err)?;
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
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(open_err)?;
        check_sha(path, &bytes, expected_sha256)?;
        let ext = path.extension().and_then(|e| e.to_str());
        let d = decode::decode_bytes(bytes, ext, &p(), limits)?;
        Ok(Self::from_decoded(d))
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
        let mut bytes = vec![0u8; file_len as usize];
        file.read_exact_at(&mut bytes, 0)
            .map_err(|source| DecodeError::Open { path: p(), source })?;
        check_sha(path, &bytes, expected_sha256)?;
        let d = decode::decode_bytes(bytes, Some("wav"), &p(), limits)?;
        let got = d.frames();
        // The last block may be short; anything else means symphonia read other bytes.
        if got > expected || got + per_block < expected || d.spec.channels != fmt.channels {
            return Err(DecodeError::Corrupt {
                path: p(),
                cause: format!(
                    "the decoder read {got} frames of {} channels where the header holds \
                     {expected} of {}: refusing a file two parsers read differently",
                    d.spec.channels, fmt.channels
                ),
            });
        }
        Ok(Self::from_decoded(d))
    }

    /// A recording already in memory (tests, tools, and formats decoded by symphonia).
    pub fn from_decoded(d: Decoded) -> Recording {
        Recording {
            frames: d.frames(),
            spec: d.spec,
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
            Body::Memory { .. } => None,
        }
    }

    /// The decoded channels, when the recording is in memory.
    pub fn in_memory(&self) -> Option<&[Vec<f32>]> {
        match &self.body {
            Body::Memory { channels } => Some(channels),
            Body::Wav { .. } => None,
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
        }
    }

    /// One pass over the whole recording, block by block: `f` gets each block's samples, one
    /// slice per channel, in order. For a WAV every byte of the file is read and hashed on the
    /// way, and the hash is returned, so the caller can check the file is the one it hashed.
    pub fn scan(&self, mut f: impl FnMut(&[&[f32]])) -> io::Result<Option<String>> {
        match &self.body {
            Body::Memory { channels } => {
                let n = self.frames as usize;
                let mut a = 0;
                while a < n {
                    let b = (a + SCAN_BLOCK as usize).min(n);
                    let block: Vec<&[f32]> = channels.iter().map(|c| &c[a..b]).collect();
                    f(&block);
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
                file.read_exact_at(&mut head, 0)?;
                h.update(&head);
                let ba = layout.block_align as u64;
                let mut bytes = Vec::new();
                let mut planar: Vec<Vec<f32>> = vec![Vec::new(); layout.channels as usize];
                let mut a = 0;
                while a < self.frames {
                    let b = (a + SCAN_BLOCK).min(self.frames);
                    bytes.resize(((b - a) * ba) as usize, 0);
                    file.read_exact_at(&mut bytes, layout.data_offset + a * ba)?;
                    h.update(&bytes);
                    planar.iter_mut().for_each(Vec::clear);
                    layout.decode_into(&bytes, &mut planar);
                    let block: Vec<&[f32]> = planar.iter().map(Vec::as_slice).collect();
                    f(&block);
                    a = b;
                }
                let tail_from = layout.data_offset + self.frames * ba;
                let mut tail = vec![0u8; (*file_len - tail_from) as usize];
                file.read_exact_at(&mut tail, tail_from)?;
                h.update(&tail);
                Ok(Some(hex::encode(h.finalize())))
            }
        }
    }
}

fn check_sha(path: &Path, bytes: &[u8], expected: Option<&str>) -> Result<(), DecodeError> {
    let Some(expected) = expected else {
        return Ok(());
    };
    let got = hex::encode(Sha256::digest(bytes));
    if got != expected {
        return Err(DecodeError::Changed {
            path: crate::names::escaped(path),
            expected: expected.to_string(),
            got,
        });
    }
    Ok(())
}
