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
    #[error(transparent)]
    Input(#[from] crate::audio::decode::DecodeError),
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

/// Writes the redacted recording to `out`, muting as it writes, in one pass over the input
/// (two for FLAC out). Returns the sha256 of the input file as that pass read it (for a
/// recording read from a file), for the caller to compare with the hash of the file it
/// transcribed; a decoded input must also decode to the samples it was transcribed from.
pub fn write(
    rec: &Recording,
    output: &Output,
    spans: &[Span],
    fill: &Fill,
    out: &mut impl Write,
) -> Result<Option<String>, EncodeError> {
    match (output, rec.wav()) {
        (Output::WavCopy(layout), Some((file, _, file_len))) => {
            let mut h = Sha256::new();
            wav::copy_redacted(file, layout, file_len, spans, fill, out, &mut |b| {
                h.update(b)
            })?;
            Ok(Some(hex::encode(h.finalize())))
        }
        (Output::Pcm16Wav, _) => write_pcm16(rec, spans, fill, out),
        (Output::Flac { bits }, _) => write_flac(rec, *bits, spans, fill, out),
        (Output::WavCopy(_), None) => Err(EncodeError::Io(std::io::Error::other(
            "output format does not fit the recording",
        ))),
    }
}

/// Calls `f` with each block of one pass over `rec`, copied, then muted.
fn muted_blocks(
    rec: &Recording,
    spans: &[Span],
    fill: &Fill,
    mut f: impl FnMut(&[Vec<f32>]) -> Result<(), EncodeError>,
) -> Result<Option<String>, EncodeError> {
    let mut block: Vec<Vec<f32>> = vec![Vec::new(); rec.channel_count() as usize];
    let mut at = 0u64;
    rec.visit(|src| {
        for (dst, s) in block.iter_mut().zip(src) {
            dst.clear();
            dst.extend_from_slice(s);
        }
        mute_block(&mut block, at, spans, fill);
        at += src.first().map_or(0, |c| c.len()) as u64;
        f(&block)
    })
}

/// Writes the recording, muted, as a new 16-bit PCM WAV (for lossy inputs).
fn write_pcm16(
    rec: &Recording,
    spans: &[Span],
    fill: &Fill,
    out: &mut impl Write,
) -> Result<Option<String>, EncodeError> {
    let n_ch = rec.channel_count();
    let rate = rec.spec.sample_rate;
    let data_len = rec.frames() * n_ch as u64 * 2;
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
    let mut bytes = Vec::new();
    // A pass that decodes another length than the header says fails in `visit`, and the
    // caller drops what was written.
    let sha = muted_blocks(rec, spans, fill, |block| {
        bytes.clear();
        for i in 0..block[0].len() {
            for c in block {
                // Lossy sources have no "original" integer to preserve: round to nearest.
                let v = (c[i] * 32768.0).round().clamp(-32768.0, 32767.0) as i16;
                bytes.extend_from_slice(&v.to_le_bytes());
            }
        }
        Ok(out.write_all(&bytes)?)
    })?;
    out.flush()?;
    Ok(sha)
}

fn flac_err(e: impl std::fmt::Debug) -> EncodeError {
    EncodeError::Flac(format!("{e:?}"))
}

/// Writes the recording, muted, as FLAC. The stream header comes first and holds the size of
/// the smallest and largest frame and the MD5 of every sample, and `out` cannot seek back to
/// it; flacenc's own driver (`encode_with_fixed_block_size`) answers that by keeping every
/// encoded frame in memory until the end, which grows with the call. Here one pass encodes
/// the frames only to measure them, and a second encodes them again and writes them: twice
/// the encoding, memory of one block. The two passes must give the same bytes.
fn write_flac(
    rec: &Recording,
    bits: u32,
    spans: &[Span],
    fill: &Fill,
    out: &mut impl Write,
) -> Result<Option<String>, EncodeError> {
    use flacenc::component::BitRepr;
    use flacenc::error::Verify;
    let config = flacenc::config::Encoder::default()
        .into_verified()
        .map_err(flac_err)?;
    let (rate, channels) = (rec.spec.sample_rate as usize, rec.channel_count() as usize);
    let mut header =
        flacenc::component::Stream::new(rate, channels, bits as usize).map_err(flac_err)?;
    header
        .stream_info_mut()
        .set_block_sizes(config.block_size, config.block_size)
        .map_err(flac_err)?;
    let mut measured = Sha256::new();
    let (md5, total, _) = encode_frames(rec, &config, bits, spans, fill, |frame, bytes| {
        header.stream_info_mut().update_frame_info(frame);
        measured.update(bytes);
        Ok(())
    })?;
    header.stream_info_mut().set_md5_digest(&md5);
    header.stream_info_mut().set_total_samples(total);
    let mut sink = flacenc::bitsink::ByteSink::new();
    header.write(&mut sink).map_err(flac_err)?;
    let mut head = sink.as_slice().to_vec();
    fix_streaminfo_min_block(&mut head);
    out.write_all(&head)?;
    let mut written = Sha256::new();
    let (_, _, sha) = encode_frames(rec, &config, bits, spans, fill, |_, bytes| {
        written.update(bytes);
        Ok(out.write_all(bytes)?)
    })?;
    if written.finalize() != measured.finalize() {
        return Err(EncodeError::Flac(
            "the second encoding gave other frames than the first: the header would not fit \
             them"
                .into(),
        ));
    }
    out.flush()?;
    Ok(sha)
}

/// Encodes one pass over `rec`, muted, into FLAC frames of the configured block size, handing
/// each frame and its bytes to `f`, as `encode_with_fixed_block_size` would make them.
/// Returns the MD5 and count of the samples encoded, and the pass's hash of the input.
fn encode_frames(
    rec: &Recording,
    config: &flacenc::error::Verified<flacenc::config::Encoder>,
    bits: u32,
    spans: &[Span],
    fill: &Fill,
    mut f: impl FnMut(&flacenc::component::Frame, &[u8]) -> Result<(), EncodeError>,
) -> Result<([u8; 16], usize, Option<String>), EncodeError> {
    use flacenc::component::BitRepr;
    use flacenc::source::Fill as _;
    let (rate, channels) = (rec.spec.sample_rate as usize, rec.channel_count() as usize);
    let block = config.block_size;
    let info =
        flacenc::component::StreamInfo::new(rate, channels, bits as usize).map_err(flac_err)?;
    let mut buf = flacenc::source::FrameBuf::with_size(channels, block).map_err(flac_err)?;
    let mut ctx = flacenc::source::Context::new(bits as usize, channels);
    let mut sink = flacenc::bitsink::ByteSink::new();
    let mut emit = |samples: &[i32]| -> Result<(), EncodeError> {
        buf.fill_interleaved(samples).map_err(flac_err)?;
        ctx.fill_interleaved(samples).map_err(flac_err)?;
        let n = ctx.current_frame_number().unwrap_or(0);
        let frame = flacenc::encode_fixed_size_frame(config, &buf, n, &info).map_err(flac_err)?;
        sink.clear();
        frame.write(&mut sink).map_err(flac_err)?;
        f(&frame, sink.as_slice())
    };
    let scale = (1i64 << (bits - 1)) as f64;
    let (lo, hi) = (-scale, scale - 1.0);
    let mut pending: Vec<i32> = Vec::with_capacity(block * channels);
    let sha = muted_blocks(rec, spans, fill, |b| {
        for i in 0..b[0].len() {
            for c in b {
                // Truncation towards zero matches the WAV path: a decoded integer sample
                // comes back exactly, and a faded one never grows.
                pending.push((c[i] as f64 * scale).trunc().clamp(lo, hi) as i32);
            }
            if pending.len() == block * channels {
                emit(&pending)?;
                pending.clear();
            }
        }
        Ok(())
    })?;
    if !pending.is_empty() {
        emit(&pending)?;
    }
    Ok((ctx.md5_digest(), ctx.total_samples(), sha))
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
    use crate::audio::decode::{decode_bytes, Decoded, SourceSpec};
    use crate::audio::limits::Limits;
    use crate::audio::recording::tests::sox_file;
    use crate::units::Frame;

    fn fill(rate: u32) -> Fill {
        Fill::from_policy(&crate::policy::Policy::builtin(), rate)
    }

    fn in_memory(channels: Vec<Vec<f32>>, rate: u32, codec: &str) -> Recording {
        let spec = SourceSpec {
            codec: codec.into(),
            sample_rate: rate,
            channels: channels.len() as u16,
            bits_per_sample: Some(16),
        };
        Recording::from_decoded(Decoded { spec, channels })
    }

    fn written(rec: &Recording, output: &Output, spans: &[Span]) -> Vec<u8> {
        let mut out = Vec::new();
        write(rec, output, spans, &fill(rec.spec.sample_rate), &mut out).unwrap();
        out
    }

    /// The FLAC writer before it streamed: the whole call muted into one interleaved copy,
    /// encoded by flacenc's own driver. The streaming writer must give the same bytes.
    fn flac_in_memory(channels: &[Vec<f32>], bits: u32, rate: u32, spans: &[Span]) -> Vec<u8> {
        use flacenc::component::BitRepr;
        use flacenc::error::Verify;
        let mut muted = channels.to_vec();
        crate::audio::redact::redact_planar(&mut muted, spans, &fill(rate));
        let scale = (1i64 << (bits - 1)) as f64;
        let mut interleaved = Vec::new();
        for i in 0..muted[0].len() {
            for c in &muted {
                interleaved.push((c[i] as f64 * scale).trunc().clamp(-scale, scale - 1.0) as i32);
            }
        }
        let config = flacenc::config::Encoder::default().into_verified().unwrap();
        let source = flacenc::source::MemSource::from_samples(
            &interleaved,
            muted.len(),
            bits as usize,
            rate as usize,
        );
        let stream =
            flacenc::encode_with_fixed_block_size(&config, source, config.block_size).unwrap();
        let mut sink = flacenc::bitsink::ByteSink::new();
        stream.write(&mut sink).unwrap();
        let mut bytes = sink.as_slice().to_vec();
        fix_streaminfo_min_block(&mut bytes);
        bytes
    }

    /// The PCM16 writer before it streamed, the same way.
    fn pcm16_in_memory(channels: &[Vec<f32>], rate: u32, spans: &[Span]) -> Vec<u8> {
        let mut muted = channels.to_vec();
        crate::audio::redact::redact_planar(&mut muted, spans, &fill(rate));
        let n = muted.len() as u16;
        let data_len = (muted[0].len() * n as usize * 2) as u32;
        let mut h = Vec::new();
        h.extend_from_slice(b"RIFF");
        h.extend_from_slice(&(36 + data_len).to_le_bytes());
        h.extend_from_slice(b"WAVEfmt ");
        h.extend_from_slice(&16u32.to_le_bytes());
        h.extend_from_slice(&1u16.to_le_bytes());
        h.extend_from_slice(&n.to_le_bytes());
        h.extend_from_slice(&rate.to_le_bytes());
        h.extend_from_slice(&(rate * n as u32 * 2).to_le_bytes());
        h.extend_from_slice(&(n * 2).to_le_bytes());
        h.extend_from_slice(&16u16.to_le_bytes());
        h.extend_from_slice(b"data");
        h.extend_from_slice(&data_len.to_le_bytes());
        for i in 0..muted[0].len() {
            for c in &muted {
                let v = (c[i] * 32768.0).round().clamp(-32768.0, 32767.0) as i16;
                h.extend_from_slice(&v.to_le_bytes());
            }
        }
        h
    }

    fn spans(rate: u64) -> Vec<Span> {
        vec![
            Span {
                start: Frame(rate),
                end: Frame(2 * rate + 123),
                channels: vec![0, 1],
                kinds: vec![],
            },
            // On one channel only, across a 4096-frame block edge.
            Span {
                start: Frame(3 * rate + 4000),
                end: Frame(3 * rate + 4200 + rate / 2),
                channels: vec![1],
                kinds: vec![],
            },
        ]
    }

    #[test]
    fn flacenc_242_short_last_block_still_decodes_exactly() {
        // https://github.com/yotarok/flacenc-rs/issues/242: 8000 samples is not a multiple
        // of the 4096 block size, so the last block is short.
        let ch: Vec<Vec<f32>> = vec![(0..8000)
            .map(|i| ((i as f32 * 0.05).sin() * 16000.0).round() / 32768.0)
            .collect()];
        let rec = in_memory(ch.clone(), 8000, "flac");
        let bytes = written(&rec, &Output::Flac { bits: 16 }, &[]);
        assert!(bytes.len() > 100, "{}", bytes.len());
        assert_eq!(&bytes[..4], b"fLaC");
        let back = decode_bytes(bytes, None, "x.flac", &Limits::default()).unwrap();
        assert_eq!(back.channels[0], ch[0]);
    }

    #[test]
    fn streamed_writers_give_the_bytes_the_in_memory_writers_gave() {
        let d = tempfile::tempdir().unwrap();
        for ext in ["flac", "mp3", "ogg"] {
            let p = sox_file(d.path(), ext, 7);
            let rec = Recording::open(&p, &Limits::default(), None).unwrap();
            let whole = decode_bytes(
                std::fs::read(&p).unwrap(),
                Some(ext),
                "x",
                &Limits::default(),
            )
            .unwrap()
            .channels;
            let spans = spans(8000);
            assert_eq!(
                written(&rec, &Output::Flac { bits: 16 }, &spans),
                flac_in_memory(&whole, 16, 8000, &spans),
                "{ext} to FLAC"
            );
            assert_eq!(
                written(&rec, &Output::Pcm16Wav, &spans),
                pcm16_in_memory(&whole, 8000, &spans),
                "{ext} to PCM16 WAV"
            );
        }
        // 24 bits, and a whole number of blocks (no short last one).
        let ch: Vec<Vec<f32>> = (0..2)
            .map(|c| {
                (0..4096 * 3)
                    .map(|i| ((i * (c + 3)) % 1000) as f32 / 2000.0 - 0.25)
                    .collect()
            })
            .collect();
        let rec = in_memory(ch.clone(), 8000, "flac");
        let spans = spans(2000);
        assert_eq!(
            written(&rec, &Output::Flac { bits: 24 }, &spans),
            flac_in_memory(&ch, 24, 8000, &spans)
        );
    }

    #[test]
    fn a_file_changed_before_the_writer_reads_it_is_not_written() {
        let d = tempfile::tempdir().unwrap();
        let p = sox_file(d.path(), "mp3", 3);
        let rec = Recording::open(&p, &Limits::default(), None).unwrap();
        crate::audio::recording::tests::flip_a_byte_at_half(&p);
        for output in [Output::Pcm16Wav, Output::Flac { bits: 16 }] {
            let mut out = Vec::new();
            let err = write(&rec, &output, &[], &fill(8000), &mut out).unwrap_err();
            let msg = err.to_string();
            assert!(matches!(err, EncodeError::Input(_)), "{msg}");
            assert!(msg.contains("changed") && msg.contains("x.mp3"), "{msg}");
        }
    }
}
