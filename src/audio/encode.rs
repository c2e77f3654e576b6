//! Writing the redacted audio: WAV in stays WAV in its own encoding (patched copy), FLAC in gives
//! FLAC out, lossy inputs come out as 16-bit WAV or, on request, FLAC.

use crate::audio::decode::Decoded;
use crate::audio::redact::{redact_planar, Fill};
use crate::audio::wav;
use crate::plan::Span;
use std::fs::File;
use std::io::Write;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum EncodeError {
    #[error("cannot write output: {0}")]
    Io(#[from] std::io::Error),
    #[error("WAV layout: {0}")]
    Wav(#[from] wav::WavError),
    #[error(
        "WAV data holds {wav} frames but decoding gave {decoded}: refusing to guess the timeline"
    )]
    FrameMismatch { wav: u64, decoded: u64 },
    #[error("FLAC encoder: {0}")]
    Flac(String),
}

/// What to write lossy inputs as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LossyAs {
    Wav,
    Flac,
}

/// The output's encoding, decided from the input.
#[derive(Clone, Debug, PartialEq)]
pub enum Output {
    /// A byte copy of the input WAV with the spans rewritten.
    WavCopy(wav::Layout),
    Flac {
        bits: u32,
    },
    Pcm16Wav,
}

impl Output {
    pub fn extension(&self) -> &'static str {
        match self {
            Output::WavCopy(_) | Output::Pcm16Wav => "wav",
            Output::Flac { .. } => "flac",
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Output::WavCopy(l) => format!("wav/{}", l.encoding.name()),
            Output::Flac { bits } => format!("flac/{bits}bit"),
            Output::Pcm16Wav => "wav/pcm_s16le".into(),
        }
    }
}

/// Chooses the output for an input already decoded.
pub fn choose(input: &Path, decoded: &Decoded, lossy_as: LossyAs) -> Result<Output, EncodeError> {
    let codec = decoded.spec.codec.as_str();
    if codec.starts_with("pcm") {
        let layout = wav::read_layout(input)?;
        if layout.frames() != decoded.frames() {
            return Err(EncodeError::FrameMismatch {
                wav: layout.frames(),
                decoded: decoded.frames(),
            });
        }
        return Ok(Output::WavCopy(layout));
    }
    if codec == "flac" {
        let bits = decoded.spec.bits_per_sample.unwrap_or(16).clamp(8, 24);
        return Ok(Output::Flac { bits });
    }
    Ok(match lossy_as {
        LossyAs::Wav => Output::Pcm16Wav,
        LossyAs::Flac => Output::Flac { bits: 16 },
    })
}

/// Writes the redacted recording to `out`. `decoded` is redacted in place when the output is
/// re-encoded (it is our copy, never the input).
pub fn write(
    input: &Path,
    output: &Output,
    decoded: &mut Decoded,
    spans: &[Span],
    fill: &Fill,
    out: &mut File,
) -> Result<(), EncodeError> {
    match output {
        Output::WavCopy(layout) => wav::write_redacted_copy(input, layout, out, spans, fill)?,
        Output::Pcm16Wav => {
            redact_planar(&mut decoded.channels, spans, fill);
            wav::write_pcm16(out, &decoded.channels, decoded.spec.sample_rate)?;
        }
        Output::Flac { bits } => {
            redact_planar(&mut decoded.channels, spans, fill);
            let bytes = flac_bytes(&decoded.channels, *bits, decoded.spec.sample_rate)?;
            out.write_all(&bytes)?;
        }
    }
    Ok(())
}

fn flac_bytes(channels: &[Vec<f32>], bits: u32, rate: u32) -> Result<Vec<u8>, EncodeError> {
    use flacenc::component::BitRepr;
    use flacenc::error::Verify;
    let scale = (1i64 << (bits - 1)) as f64;
    let (lo, hi) = (-scale, scale - 1.0);
    let frames = channels.first().map(|c| c.len()).unwrap_or(0);
    let mut interleaved = Vec::with_capacity(frames * channels.len());
    for i in 0..frames {
        for c in channels {
            // Truncation towards zero matches the WAV path: a decoded integer sample comes
            // back exactly, and a faded one never grows.
            interleaved.push((c[i] as f64 * scale).trunc().clamp(lo, hi) as i32);
        }
    }
    let config = flacenc::config::Encoder::default()
        .into_verified()
        .map_err(|e| EncodeError::Flac(format!("{e:?}")))?;
    let source = flacenc::source::MemSource::from_samples(
        &interleaved,
        channels.len(),
        bits as usize,
        rate as usize,
    );
    let stream = flacenc::encode_with_fixed_block_size(&config, source, config.block_size)
        .map_err(|e| EncodeError::Flac(format!("{e:?}")))?;
    let mut sink = flacenc::bitsink::ByteSink::new();
    stream
        .write(&mut sink)
        .map_err(|e| EncodeError::Flac(format!("{e:?}")))?;
    let mut bytes = sink.as_slice().to_vec();
    fix_streaminfo_min_block(&mut bytes);
    Ok(bytes)
}

/// flacenc 0.5 writes the last (short) block's size as STREAMINFO's minimum block size
/// (flacenc-rs#242); the spec excludes the last block from it, and symphonia refuses such a
/// file with "end of stream". In a fixed-block-size stream the minimum is the maximum.
fn fix_streaminfo_min_block(bytes: &mut [u8]) {
    // "fLaC", a 4-byte block header whose type (low 7 bits) is 0 = STREAMINFO, then
    // min block size (u16 BE) at 8 and max block size at 10.
    if bytes.len() >= 12 && &bytes[..4] == b"fLaC" && bytes[4] & 0x7F == 0 {
        let (min, max) = (
            u16::from_be_bytes([bytes[8], bytes[9]]),
            u16::from_be_bytes([bytes[10], bytes[11]]),
        );
        if min < max {
            bytes[8] = bytes[10];
            bytes[9] = bytes[11];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flacenc_242_short_last_block_still_decodes_exactly() {
        // https://github.com/yotarok/flacenc-rs/issues/242: 8000 samples is not a multiple
        // of the 4096 block size, so the last block is short.
        let ch: Vec<Vec<f32>> = vec![(0..8000)
            .map(|i| ((i as f32 * 0.05).sin() * 16000.0).round() / 32768.0)
            .collect()];
        let bytes = flac_bytes(&ch, 16, 8000).unwrap();
        assert!(bytes.len() > 100, "{}", bytes.len());
        assert_eq!(&bytes[..4], b"fLaC");
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("x.flac");
        std::fs::write(&p, &bytes).unwrap();
        let back = crate::audio::decode::decode(&p).unwrap();
        assert_eq!(back.channels[0], ch[0]);
    }
}
