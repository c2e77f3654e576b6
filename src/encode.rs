//! Writing the redacted audio: WAV in stays WAV in its own encoding (patched copy), FLAC in gives
//! FLAC out, lossy inputs come out as 16-bit WAV or, on request, FLAC.

use crate::decode::Decoded;
use crate::plan::Span;
use crate::redact::{redact_planar, Fill};
use crate::wav;
use std::fs::File;
use std::io::Write;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum EncodeError {
    #[error("cannot write output: {0}")]
    Io(#[from] std::io::Error),
    #[error("WAV layout: {0}")]
    Wav(#[from] wav::WavError),
    #[error("WAV data holds {wav} frames but decoding gave {decoded}: refusing to guess the timeline")]
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
    Flac { bits: u32 },
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
            return Err(EncodeError::FrameMismatch { wav: layout.frames(), decoded: decoded.frames() });
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
pub fn write(input: &Path, output: &Output, decoded: &mut Decoded, spans: &[Span], fill: &Fill, out: &mut File) -> Result<(), EncodeError> {
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
    let source = flacenc::source::MemSource::from_samples(&interleaved, channels.len(), bits as usize, rate as usize);
    let stream = flacenc::encode_with_fixed_block_size(&config, source, config.block_size)
        .map_err(|e| EncodeError::Flac(format!("{e:?}")))?;
    let mut sink = flacenc::bitsink::ByteSink::new();
    stream.write(&mut sink).map_err(|e| EncodeError::Flac(format!("{e:?}")))?;
    Ok(sink.as_slice().to_vec())
}
