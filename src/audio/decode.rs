//! Decoding the formats this project does not parse itself (FLAC, MP3, Ogg Vorbis, M4A/AAC,
//! ADPCM in WAV) with symphonia: a `Stream` gives a source's samples a packet at a time, in
//! order, so that no pass over a recording holds the call (`recording` decodes the file again
//! for each pass and checks that every pass gave the same samples). `decode_bytes` decodes a
//! whole file held in memory, for tests and tools.
//!
//! symphonia is a parser of untrusted input and has panicked on hostile headers (a WAV `fmt `
//! chunk saying 0 Hz divides by zero in `TimeBase::new`). Headers are checked here before it
//! sees them where we can read them (FLAC's STREAMINFO; WAV goes through `wav::parse` first),
//! its track parameters are checked before a decoder is made, and any panic left is caught and
//! becomes a decode error for that one file.

use super::limits::Limits;
use sha2::{Digest, Sha256};
use std::io::{Cursor, Read, Seek, SeekFrom};
use symphonia::core::audio::SampleBuffer;
use symphonia::core::codecs::{Decoder, DecoderOptions, CODEC_TYPE_NULL};
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::{FormatOptions, FormatReader};
use symphonia::core::io::{MediaSource, MediaSourceStream};
use symphonia::core::meta::MetadataOptions;
use symphonia::core::probe::Hint;

#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("{path}: cannot read: {source}")]
    Open {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: not a recognised audio file ({cause})")]
    NotAudio { path: String, cause: String },
    #[error("{path}: unsupported codec: {cause}")]
    Unsupported { path: String, cause: String },
    #[error("{path}: corrupt audio: {cause}")]
    Corrupt { path: String, cause: String },
    #[error("{path}: truncated: header promises {expected} frames, file holds {got}")]
    Truncated {
        path: String,
        expected: u64,
        got: u64,
    },
    #[error("{path}: no audio samples")]
    Empty { path: String },
    #[error("{path}: over the policy's limits: {cause}")]
    Limit { path: String, cause: String },
    #[error(
        "{path}: the file changed while it was being read (sha256 {expected} before, {got} now): \
         not redacting audio that may not be what was hashed"
    )]
    Changed {
        path: String,
        expected: String,
        got: String,
    },
    #[error(
        "{path}: decoding the file again gave other samples than before ({cause}): not muting \
         audio that may not be what was transcribed"
    )]
    Unstable { path: String, cause: String },
}

/// What the input was, as far as the output writer needs to know.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceSpec {
    /// Short codec name, e.g. "pcm_s16le", "pcm_mulaw", "flac", "mp3", "adpcm_ima_wav".
    pub codec: String,
    pub sample_rate: u32,
    pub channels: u16,
    /// Bits per coded sample where the codec has them (PCM, FLAC).
    pub bits_per_sample: Option<u32>,
}

impl SourceSpec {
    pub fn is_lossy(&self) -> bool {
        matches!(
            self.codec.as_str(),
            "mp3" | "mp2" | "mp1" | "aac" | "vorbis" | "opus"
        ) || self.codec.starts_with("adpcm")
    }
}

/// A whole decoded recording: one Vec per channel, all the same length.
#[derive(Clone, Debug)]
pub struct Decoded {
    pub spec: SourceSpec,
    pub channels: Vec<Vec<f32>>,
}

impl Decoded {
    pub fn frames(&self) -> u64 {
        self.channels.first().map(|c| c.len() as u64).unwrap_or(0)
    }
}

/// Checks a FLAC stream's STREAMINFO before symphonia reads it: rate, channels, bits and the
/// declared length against the limits. `bytes` starts with "fLaC".
pub fn check_flac_header(bytes: &[u8], limits: &Limits) -> Result<(), String> {
    // "fLaC", then a metadata block header (1 byte type, 3 bytes length) that must be
    // STREAMINFO (type 0, 34 bytes): min/max block (2+2), min/max frame (3+3), then 20 bits of
    // rate, 3 of channels-1, 5 of bits-1 and 36 of total samples.
    if bytes.len() < 42 || bytes[4] & 0x7F != 0 {
        return Err("FLAC stream without a STREAMINFO block".into());
    }
    let si = &bytes[8..42];
    let rate = (si[10] as u32) << 12 | (si[11] as u32) << 4 | (si[12] as u32) >> 4;
    let channels = ((si[12] >> 1) & 0x07) as u16 + 1;
    let bits = (((si[12] & 1) << 4) | (si[13] >> 4)) as u32 + 1;
    let total = ((si[13] & 0x0F) as u64) << 32
        | u32::from_be_bytes([si[14], si[15], si[16], si[17]]) as u64;
    if rate == 0 {
        return Err("FLAC sample rate 0 Hz".into());
    }
    if !(4..=32).contains(&bits) {
        return Err(format!("FLAC with {bits} bits per sample"));
    }
    limits.check_format(rate, channels)?;
    // 0 means "unknown"; the decode loop enforces the limit as it goes.
    if total > 0 {
        limits.check_duration(total, rate)?;
        limits.check_memory(total, channels)?;
    }
    Ok(())
}

/// What a whole pass over a stream decoded.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    pub spec: SourceSpec,
    pub frames: u64,
    /// sha256 of every decoded sample (interleaved f32, little-endian, in decoding order): two
    /// passes that agree on it gave the same samples, whatever block sizes their readers took.
    pub samples_sha256: String,
}

/// One decoded packet: `samples` interleaved, `channels` to a frame.
pub struct Packet<'a> {
    pub channels: usize,
    pub samples: &'a [f32],
}

/// A source being decoded, one packet at a time. Any decode error fails the file: skipping a
/// bad packet would shift every later time and leave the mutes in the wrong place.
pub struct Stream {
    /// Shared, not owned: each packet's call into symphonia is guarded with it.
    path: std::sync::Arc<str>,
    limits: Limits,
    format: Box<dyn FormatReader>,
    decoder: Box<dyn Decoder>,
    track_id: u32,
    codec: String,
    bits_per_sample: Option<u32>,
    expected_frames: Option<u64>,
    sample_rate: Option<u32>,
    /// 0 until the first packet says.
    channels: usize,
    buf: Option<SampleBuffer<f32>>,
    /// Samples of the last packet `next` gave are `buf`'s first `filled`.
    filled: usize,
    frames: u64,
    digest: Sha256,
    /// The last packet's samples as bytes, hashed in one call rather than one a sample.
    bytes: Vec<u8>,
    ended: bool,
}

impl Stream {
    /// Probes `source` and makes its decoder. `ext` is the file's extension, a hint for the
    /// probe; `path` only names the file in errors.
    pub fn open(
        source: Box<dyn MediaSource>,
        ext: Option<&str>,
        path: &str,
        limits: &Limits,
    ) -> Result<Stream, DecodeError> {
        guard(path, || Self::open_inner(source, ext, path, limits))
    }

    fn open_inner(
        mut source: Box<dyn MediaSource>,
        ext: Option<&str>,
        path: &str,
        limits: &Limits,
    ) -> Result<Stream, DecodeError> {
        let p = || path.to_string();
        let limit = |cause: String| DecodeError::Limit { path: p(), cause };
        let io = |source| DecodeError::Open { path: p(), source };
        let mut head = Vec::with_capacity(42);
        (&mut source).take(42).read_to_end(&mut head).map_err(io)?;
        source.seek(SeekFrom::Start(0)).map_err(io)?;
        if head.starts_with(b"fLaC") {
            check_flac_header(&head, limits)
                .map_err(|cause| DecodeError::Corrupt { path: p(), cause })?;
        }
        if super::mp4::is_mp4(&head) {
            let len = source.seek(SeekFrom::End(0)).map_err(io)?;
            super::mp4::check_boxes(&mut source, len)
                .map_err(|cause| DecodeError::Corrupt { path: p(), cause })?;
            source.seek(SeekFrom::Start(0)).map_err(io)?;
        }
        let mss = MediaSourceStream::new(source, Default::default());
        let mut hint = Hint::new();
        if let Some(ext) = ext {
            hint.with_extension(ext);
        }
        // Gapless trims encoder delay and padding, so MP3/AAC outputs keep the input's length.
        let fmt_opts = FormatOptions {
            enable_gapless: true,
            ..Default::default()
        };
        let probed = symphonia::default::get_probe()
            .format(&hint, mss, &fmt_opts, &MetadataOptions::default())
            .map_err(|e| DecodeError::NotAudio {
                path: p(),
                cause: e.to_string(),
            })?;
        let format = probed.format;
        let track = format
            .tracks()
            .iter()
            .find(|t| t.codec_params.codec != CODEC_TYPE_NULL)
            .ok_or_else(|| DecodeError::NotAudio {
                path: p(),
                cause: "no audio track".into(),
            })?
            .clone();
        let params = &track.codec_params;
        if let Some(rate) = params.sample_rate {
            let channels = params.channels.map(|c| c.count() as u16).unwrap_or(1);
            limits.check_format(rate, channels).map_err(limit)?;
            if let Some(n) = params.n_frames {
                limits.check_duration(n, rate).map_err(limit)?;
                limits.check_memory(n, channels).map_err(limit)?;
            }
        }
        let registry = symphonia::default::get_codecs();
        let codec = registry
            .get_codec(params.codec)
            .map(|d| d.short_name.to_string())
            .unwrap_or_else(|| format!("{:?}", params.codec));
        let decoder = registry
            .make(params, &DecoderOptions::default())
            .map_err(|e| DecodeError::Unsupported {
                path: p(),
                cause: e.to_string(),
            })?;
        Ok(Stream {
            path: path.into(),
            limits: limits.clone(),
            format,
            decoder,
            track_id: track.id,
            codec,
            bits_per_sample: params.bits_per_sample,
            expected_frames: params.n_frames,
            sample_rate: params.sample_rate,
            channels: 0,
            buf: None,
            filled: 0,
            frames: 0,
            digest: Sha256::new(),
            bytes: Vec::new(),
            ended: false,
        })
    }

    /// The next packet's samples; `None` at the end.
    pub fn next_packet(&mut self) -> Result<Option<Packet<'_>>, DecodeError> {
        if self.ended {
            return Ok(None);
        }
        let path = std::sync::Arc::clone(&self.path);
        let more = guard(&path, || self.next_inner());
        match more {
            Ok(true) => Ok(self.buf.as_ref().map(|b| Packet {
                channels: self.channels,
                samples: &b.samples()[..self.filled],
            })),
            Ok(false) => {
                self.ended = true;
                Ok(None)
            }
            Err(e) => {
                // A decoder that failed (or panicked) is in no state to be asked again.
                self.ended = true;
                Err(e)
            }
        }
    }

    fn next_inner(&mut self) -> Result<bool, DecodeError> {
        let p = || self.path.to_string();
        let corrupt = |e: SymError| DecodeError::Corrupt {
            path: self.path.to_string(),
            cause: e.to_string(),
        };
        loop {
            let packet = match self.format.next_packet() {
                Ok(packet) => packet,
                // symphonia reports the end of a stream as an unexpected EOF.
                Err(SymError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                    return Ok(false)
                }
                Err(SymError::ResetRequired) => return Ok(false),
                Err(e) => return Err(corrupt(e)),
            };
            if packet.track_id() != self.track_id {
                continue;
            }
            let decoded = match self.decoder.decode(&packet) {
                Ok(d) => d,
                Err(SymError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                    return Ok(false)
                }
                Err(e) => return Err(corrupt(e)),
            };
            let spec = *decoded.spec();
            let n_ch = spec.channels.count();
            let limit = |cause: String| DecodeError::Limit { path: p(), cause };
            if self.channels == 0 {
                if spec.rate == 0 || n_ch == 0 {
                    return Err(DecodeError::Corrupt {
                        path: p(),
                        cause: format!("{n_ch} channels at {} Hz", spec.rate),
                    });
                }
                self.limits
                    .check_format(spec.rate, n_ch as u16)
                    .map_err(limit)?;
                self.channels = n_ch;
                self.sample_rate = Some(spec.rate);
            } else if self.channels != n_ch {
                return Err(DecodeError::Corrupt {
                    path: p(),
                    cause: format!("channel count changed from {} to {n_ch}", self.channels),
                });
            }
            let frames = decoded.frames();
            if frames == 0 {
                continue;
            }
            let sb = match &mut self.buf {
                Some(b) if b.capacity() >= decoded.capacity() => b,
                _ => self
                    .buf
                    .insert(SampleBuffer::<f32>::new(decoded.capacity() as u64, spec)),
            };
            sb.copy_interleaved_ref(decoded);
            self.filled = frames * n_ch;
            self.bytes.clear();
            for s in &sb.samples()[..self.filled] {
                self.bytes.extend_from_slice(&s.to_le_bytes());
            }
            self.digest.update(&self.bytes);
            self.frames += frames as u64;
            // A stream that never says how long it is is held to the limits as it decodes,
            // so a hostile or endless file cannot take the night's time.
            self.limits
                .check_duration(self.frames, spec.rate)
                .map_err(limit)?;
            self.limits
                .check_memory(self.frames, n_ch as u16)
                .map_err(limit)?;
            return Ok(true);
        }
    }

    /// Frames decoded so far.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// Ends a pass that read every packet: what it decoded, or why the stream is refused.
    pub fn finish(self) -> Result<Summary, DecodeError> {
        let p = || self.path.to_string();
        let got = self.frames;
        if got == 0 {
            return Err(DecodeError::Empty { path: p() });
        }
        // A lossless stream shorter than its header says lost its tail; lossy decoders
        // legitimately differ from the header by their padding, so only PCM-like codecs are
        // held to it.
        if let Some(expected) = self.expected_frames {
            let lossless = self.codec.starts_with("pcm") || self.codec == "flac";
            if lossless && got < expected {
                return Err(DecodeError::Truncated {
                    path: p(),
                    expected,
                    got,
                });
            }
        }
        let sample_rate =
            self.sample_rate
                .filter(|r| *r > 0)
                .ok_or_else(|| DecodeError::Corrupt {
                    path: p(),
                    cause: "no sample rate".into(),
                })?;
        Ok(Summary {
            spec: SourceSpec {
                codec: self.codec,
                sample_rate,
                channels: self.channels as u16,
                bits_per_sample: self.bits_per_sample,
            },
            frames: got,
            samples_sha256: hex::encode(self.digest.finalize()),
        })
    }
}

/// Runs one call into symphonia, turning a panic into a decode error for this one file.
fn guard<T>(path: &str, f: impl FnOnce() -> Result<T, DecodeError>) -> Result<T, DecodeError> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            Err(DecodeError::Corrupt {
                path: path.to_string(),
                cause: format!("the decoder panicked ({what})"),
            })
        }
    }
}

/// Decodes `bytes` (a whole file) completely into memory.
pub fn decode_bytes(
    bytes: Vec<u8>,
    ext: Option<&str>,
    path: &str,
    limits: &Limits,
) -> Result<Decoded, DecodeError> {
    let mut s = Stream::open(Box::new(Cursor::new(bytes)), ext, path, limits)?;
    let mut channels: Vec<Vec<f32>> = Vec::new();
    while let Some(Packet {
        channels: n,
        samples,
    }) = s.next_packet()?
    {
        if channels.is_empty() {
            channels = vec![Vec::new(); n];
        }
        for (i, x) in samples.iter().enumerate() {
            channels[i % n].push(*x);
        }
    }
    let summary = s.finish()?;
    Ok(Decoded {
        spec: summary.spec,
        channels,
    })
}
