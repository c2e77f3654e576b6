//! Decoding: any supported container/codec to per-channel f32 at the native rate, with the
//! source's spec kept so the output can be written in the same encoding.

use std::fs::File;
use std::path::Path;
use symphonia::core::audio::SampleBuffer;
use symphonia::core::codecs::{DecoderOptions, CODEC_TYPE_NULL};
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::FormatOptions;
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;
use symphonia::core::probe::Hint;

#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("{path}: cannot open: {source}")]
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
}

/// What the input was, as far as the output writer needs to know.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceSpec {
    /// Short codec name from symphonia, e.g. "pcm_s16le", "pcm_mulaw", "flac", "mp3".
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
        )
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

/// Decodes `path` completely. Any decode error fails the file: skipping a bad packet would shift
/// every later time and leave the mutes in the wrong place.
pub fn decode(path: &Path) -> Result<Decoded, DecodeError> {
    let p = || path.display().to_string();
    let file = File::open(path).map_err(|source| DecodeError::Open { path: p(), source })?;
    let mss = MediaSourceStream::new(Box::new(file), Default::default());
    let mut hint = Hint::new();
    if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
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
    let mut format = probed.format;
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
    let registry = symphonia::default::get_codecs();
    let codec = registry
        .get_codec(params.codec)
        .map(|d| d.short_name.to_string())
        .unwrap_or_else(|| format!("{:?}", params.codec));
    let mut decoder = registry
        .make(params, &DecoderOptions::default())
        .map_err(|e| DecodeError::Unsupported {
            path: p(),
            cause: e.to_string(),
        })?;
    let expected_frames = params.n_frames;
    let mut sample_rate = params.sample_rate;
    let mut channels: Vec<Vec<f32>> = Vec::new();
    let mut buf: Option<SampleBuffer<f32>> = None;

    loop {
        let packet = match format.next_packet() {
            Ok(packet) => packet,
            // symphonia reports the end of a stream as an unexpected EOF.
            Err(SymError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(SymError::ResetRequired) => break,
            Err(e) => {
                return Err(DecodeError::Corrupt {
                    path: p(),
                    cause: e.to_string(),
                })
            }
        };
        if packet.track_id() != track.id {
            continue;
        }
        let decoded = match decoder.decode(&packet) {
            Ok(d) => d,
            Err(SymError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => break,
            Err(e) => {
                return Err(DecodeError::Corrupt {
                    path: p(),
                    cause: e.to_string(),
                })
            }
        };
        let spec = *decoded.spec();
        let n_ch = spec.channels.count();
        if channels.is_empty() {
            channels = vec![Vec::new(); n_ch];
            sample_rate = Some(spec.rate);
        } else if channels.len() != n_ch {
            return Err(DecodeError::Corrupt {
                path: p(),
                cause: format!("channel count changed from {} to {n_ch}", channels.len()),
            });
        }
        let frames = decoded.frames();
        if frames == 0 {
            continue;
        }
        let sb = match &mut buf {
            Some(b) if b.capacity() >= decoded.capacity() => b,
            _ => buf.insert(SampleBuffer::<f32>::new(decoded.capacity() as u64, spec)),
        };
        sb.copy_interleaved_ref(decoded);
        for (i, s) in sb.samples().iter().enumerate() {
            channels[i % n_ch].push(*s);
        }
    }

    let got = channels.first().map(|c| c.len() as u64).unwrap_or(0);
    if got == 0 {
        return Err(DecodeError::Empty { path: p() });
    }
    // A lossless stream shorter than its header says lost its tail; lossy decoders legitimately
    // differ from the header by their padding, so only PCM-like codecs are held to it.
    if let Some(expected) = expected_frames {
        let lossless = codec.starts_with("pcm") || codec == "flac";
        if lossless && got < expected {
            return Err(DecodeError::Truncated {
                path: p(),
                expected,
                got,
            });
        }
    }
    let sample_rate = sample_rate
        .filter(|r| *r > 0)
        .ok_or_else(|| DecodeError::Corrupt {
            path: p(),
            cause: "no sample rate".into(),
        })?;
    Ok(Decoded {
        spec: SourceSpec {
            codec,
            sample_rate,
            channels: channels.len() as u16,
            bits_per_sample: params.bits_per_sample,
        },
        channels,
    })
}
