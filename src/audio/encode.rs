//! Writing the redacted audio: WAV in stays WAV in its own encoding (a copy muted as it is
//! written), FLAC in gives FLAC out, lossy inputs come out as 16-bit WAV or, on request, FLAC.
//! Every writer mutes before it writes: no unmuted sample of a span ever reaches the output.

use crate::audio::recording::Recording;
use crate::audio::redact::{mute_block, Fill};
use crate::audio::wav;
use crate::types::Span;
use sha2::{Digest, Sha256};
use std::io::Write;

#[derive(Debug, thiserror::Error)]
pub enum EncodeError {
    #[error("cannot write output: {0}")]
    Io(#[from] std::io::Error),
    #[error("WAV: {0}")]
    Wav(#[from] wav::WavError),
    #[error("audio too long for a WAV file")]
    TooLong,
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
    /// A byte copy of the input WAV with the spans muted.
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

/// The output extension for a file whose first bytes are `head`, decided before any work so
/// that output names can be checked for clashes up front. It must agree with `choose`, which
/// decides from the decoded recording (the pipeline checks that it does): both go by content.
pub fn extension_for(head: &[u8], lossy_as: LossyAs) -> &'static str {
    if head.len() >= 12 && &head[0..4] == b"RIFF" && &head[8..12] == b"WAVE" {
        "wav"
    } else if head.starts_with(b"fLaC") {
        "flac"
    } else {
        match lossy_as {
            LossyAs::Wav => "wav",
            LossyAs::Flac => "flac",
        }
    }
}

/// Chooses the output for an opened recording.
pub fn choose(rec: &Recording, lossy_as: LossyAs) -> Output {
    if let Some((_, layout, _)) = rec.wav() {
        return Output::WavCopy(*layout);
    }
    let codec = rec.spec.codec.as_str();
    if codec == "flac" {
        let bits = rec.spec.bits_per_sample.unwrap_or(16).clamp(8, 24);
        return Output::Flac { bits };
    }
    // ADPCM in WAV: a WAV in gives a WAV out, in plain PCM.
    if codec.starts_with("adpcm") {
        return Output::Pcm16Wav;
    }
    match lossy_as {
        LossyAs::Wav => Output::Pcm16Wav,
        LossyAs::Flac => Output::Flac { bits: 16 },
    }
}

/// Writes the redacted recording to `out`, muting as it writes. For a WAV read in place it
/// returns the sha256 of every input byte it copied, for the caller to compare with the hash
/// of the file it transcribed.
pub fn write(
    rec: &Recording,
    output: &Output,
    spans: &[Span],
    fill: &Fill,
    out: &mut impl Write,
) -> Result<Option<String>, EncodeError> {
    match (output, rec.wav(), rec.in_memory()) {
        (Output::WavCopy(layout), Some((file, _, file_len)), _) => {
            let mut h = Sha256::new();
            wav::copy_redacted(file, layout, file_len, spans, fill, out, &mut |b| {
                h.update(b)
            })?;
            Ok(Some(hex::encode(h.finalize())))
        }
        (Output::Pcm16Wav, _, Some(channels)) => {
            write_pcm16(out, channels, rec.spec.sample_rate, spans, fill)?;
            Ok(None)
        }
        (Output::Flac { bits }, _, Some(channels)) => {
            let bytes = flac_bytes(channels, *bits, rec.spec.sample_rate, spans, fill)?;
            out.write_all(&bytes)?;
            out.flush()?;
            Ok(None)
        }
        _ => Err(EncodeError::Io(std::io::Error::other(
            "output format does not fit the recording",
        ))),
    }
}

/// Frames muted and written per block by the in-memory writers.
const BLOCK: usize = 16_384;

/// Calls `f` with each block of `channels` (copied, then muted) and the block's first frame.
fn muted_blocks(
    channels: &[Vec<f32>],
    spans: &[Span],
    fill: &Fill,
    mut f: impl FnMut(&[Vec<f32>]) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let frames = channels.first().map(|c| c.len()).unwrap_or(0);
    let mut block: Vec<Vec<f32>> = vec![Vec::with_capacity(BLOCK); channels.len()];
    let mut a = 0;
    while a < frames {
        let b = (a + BLOCK).min(frames);
        for (dst, src) in block.iter_mut().zip(channels) {
            dst.clear();
            dst.extend_from_slice(&src[a..b]);
        }
        mute_block(&mut block, a as u64, spans, fill);
        f(&block)?;
        a = b;
    }
    Ok(())
}

/// Writes planar f32 audio, muted, as a new 16-bit PCM WAV (for lossy inputs).
fn write_pcm16(
    out: &mut impl Write,
    channels: &[Vec<f32>],
    rate: u32,
    spans: &[Span],
    fill: &Fill,
) -> Result<(), EncodeError> {
    let n_ch = channels.len() as u16;
    let frames = channels.first().map(|c| c.len()).unwrap_or(0);
    let data_len = frames as u64 * n_ch as u64 * 2;
    if data_len > u32::MAX as u64 - 36 {
        return Err(EncodeError::TooLong);
    }
    let mut h = Vec::with_capacity(44);
    h.extend_from_slice(b"RIFF");
    h.extend_from_slice(&(36 + data_len as u32).to_le_bytes());
    h.extend_from_slice(b"WAVEfmt ");
    h.extend_from_slice(&16u32.to_le_bytes());
    h.extend_from_slice(&1u16.to_le_bytes());
    h.extend_from_slice(&n_ch.to_le_bytes());
    h.extend_from_slice(&rate.to_le_bytes());
    h.extend_from_slice(&(rate * n_ch as u32 * 2).to_le_bytes());
    h.extend_from_slice(&(n_ch * 2).to_le_bytes());
    h.extend_from_slice(&16u16.to_le_bytes());
    h.extend_from_slice(b"data");
    h.extend_from_slice(&(data_len as u32).to_le_bytes());
    out.write_all(&h)?;
    let mut bytes = Vec::with_capacity(BLOCK * n_ch as usize * 2);
    muted_blocks(channels, spans, fill, |block| {
        bytes.clear();
        for i in 0..block[0].len() {
            for c in block {
                // Lossy sources have no "original" integer to preserve: round to nearest.
                let v = (c[i] * 32768.0).round().clamp(-32768.0, 32767.0) as i16;
                bytes.extend_from_slice(&v.to_le_bytes());
            }
        }
        out.write_all(&bytes)
    })?;
    out.flush()?;
    Ok(())
}

fn flac_bytes(
    channels: &[Vec<f32>],
    bits: u32,
    rate: u32,
    spans: &[Span],
    fill: &Fill,
) -> Result<Vec<u8>, EncodeError> {
    use flacenc::component::BitRepr;
    use flacenc::error::Verify;
    let scale = (1i64 << (bits - 1)) as f64;
    let (lo, hi) = (-scale, scale - 1.0);
    let frames = channels.first().map(|c| c.len()).unwrap_or(0);
    let mut interleaved = Vec::with_capacity(frames * channels.len());
    muted_blocks(channels, spans, fill, |block| {
        for i in 0..block[0].len() {
            for c in block {
                // Truncation towards zero matches the WAV path: a decoded integer sample
                // comes back exactly, and a faded one never grows.
                interleaved.push((c[i] as f64 * scale).trunc().clamp(lo, hi) as i32);
            }
        }
        Ok(())
    })?;
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
        let fill = Fill::from_policy(&crate::policy::Policy::builtin(), 8000);
        let bytes = flac_bytes(&ch, 16, 8000, &[], &fill).unwrap();
        assert!(bytes.len() > 100, "{}", bytes.len());
        assert_eq!(&bytes[..4], b"fLaC");
        let limits = crate::audio::limits::Limits::default();
        let back = crate::audio::decode::decode_bytes(bytes, None, "x.flac", &limits).unwrap();
        assert_eq!(back.channels[0], ch[0]);
    }
}
