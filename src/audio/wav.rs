//! WAV in, WAV out in the same encoding. The output is a byte copy of the input with only the
//! redacted frames rewritten, so headers, metadata chunks and every sample outside a span stay
//! bit-identical, for PCM of any width, IEEE float, G.711 µ-law and A-law alike.

use crate::audio::redact::Fill;
use crate::types::Span;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};

#[derive(Debug, thiserror::Error)]
pub enum WavError {
    #[error(transparent)]
    Io(#[from] io::Error),
    #[error("not a RIFF/WAVE file")]
    NotWav,
    #[error("no {0} chunk")]
    Missing(&'static str),
    #[error("bad WAV header: {0}")]
    BadHeader(String),
    #[error(
        "the {id} chunk claims {claimed} bytes but the file holds {available} after its header"
    )]
    PastEnd {
        id: String,
        claimed: u64,
        available: u64,
    },
    #[error("unsupported WAV encoding: format tag {tag:#06x}, {bits} bits")]
    Unsupported { tag: u16, bits: u16 },
}

/// How samples are stored in the data chunk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    PcmU8,
    PcmS16,
    PcmS24,
    PcmS32,
    Float32,
    Float64,
    MuLaw,
    ALaw,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::PcmU8 => "pcm_u8",
            Encoding::PcmS16 => "pcm_s16le",
            Encoding::PcmS24 => "pcm_s24le",
            Encoding::PcmS32 => "pcm_s32le",
            Encoding::Float32 => "pcm_f32le",
            Encoding::Float64 => "pcm_f64le",
            Encoding::MuLaw => "pcm_mulaw",
            Encoding::ALaw => "pcm_alaw",
        }
    }

    pub fn bytes(self) -> usize {
        match self {
            Encoding::PcmU8 | Encoding::MuLaw | Encoding::ALaw => 1,
            Encoding::PcmS16 => 2,
            Encoding::PcmS24 => 3,
            Encoding::PcmS32 | Encoding::Float32 => 4,
            Encoding::Float64 => 8,
        }
    }

    /// Reads one sample as f32 in -1..1.
    pub fn decode(self, b: &[u8]) -> f32 {
        match self {
            Encoding::PcmU8 => (b[0] as f32 - 128.0) / 128.0,
            Encoding::PcmS16 => i16::from_le_bytes([b[0], b[1]]) as f32 / 32768.0,
            Encoding::PcmS24 => {
                (i32::from_le_bytes([0, b[0], b[1], b[2]]) >> 8) as f32 / 8_388_608.0
            }
            Encoding::PcmS32 => {
                (i32::from_le_bytes([b[0], b[1], b[2], b[3]]) as f64 / 2_147_483_648.0) as f32
            }
            Encoding::Float32 => f32::from_le_bytes([b[0], b[1], b[2], b[3]]),
            Encoding::Float64 => f64::from_le_bytes(b[..8].try_into().unwrap_or([0; 8])) as f32,
            Encoding::MuLaw => mulaw_decode(b[0]) as f32 / 32768.0,
            Encoding::ALaw => alaw_decode(b[0]) as f32 / 32768.0,
        }
    }

    /// Writes one sample. Rounds towards zero, so a faded sample never ends up louder than
    /// the original it was scaled from.
    pub fn encode(self, x: f32, out: &mut [u8]) {
        let x = x.clamp(-1.0, 1.0);
        let i16v = |x: f32| (x * 32768.0).trunc().clamp(-32768.0, 32767.0) as i16;
        match self {
            Encoding::PcmU8 => out[0] = ((x * 128.0).trunc() + 128.0).clamp(0.0, 255.0) as u8,
            Encoding::PcmS16 => out[..2].copy_from_slice(&i16v(x).to_le_bytes()),
            Encoding::PcmS24 => {
                let v = (x as f64 * 8_388_608.0)
                    .trunc()
                    .clamp(-8_388_608.0, 8_388_607.0) as i32;
                out[..3].copy_from_slice(&v.to_le_bytes()[..3]);
            }
            Encoding::PcmS32 => {
                let v = (x as f64 * 2_147_483_648.0)
                    .trunc()
                    .clamp(-2_147_483_648.0, 2_147_483_647.0) as i32;
                out[..4].copy_from_slice(&v.to_le_bytes());
            }
            Encoding::Float32 => out[..4].copy_from_slice(&x.to_le_bytes()),
            Encoding::Float64 => out[..8].copy_from_slice(&(x as f64).to_le_bytes()),
            Encoding::MuLaw => out[0] = mulaw_encode(i16v(x)),
            // A-law has no zero: its quietest codes are +8 and -8. A muted sample keeps the
            // sign of its original (x * 0.0 is -0.0 for a negative x), so silence never flips
            // a sample's sign, which a fidelity check would count as an alteration.
            Encoding::ALaw => {
                out[0] = alaw_encode(if i16v(x) == 0 && x.is_sign_negative() {
                    -1
                } else {
                    i16v(x)
                })
            }
        }
    }
}

/// The `fmt ` chunk, as far as anything here needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Format {
    /// The format tag; for WAVE_FORMAT_EXTENSIBLE, the sub-format's.
    pub tag: u16,
    pub channels: u16,
    pub sample_rate: u32,
    pub block_align: u16,
    pub bits: u16,
    /// The bytes after the 16 common ones (cbSize and the codec's extension), as the chunk's
    /// own size bounds them: never as cbSize claims.
    pub extra: Vec<u8>,
}

pub const WAVE_FORMAT_IMA_ADPCM: u16 = 0x11;
pub const WAVE_FORMAT_MS_ADPCM: u16 = 0x02;

impl Format {
    /// The sample encoding, for the encodings this module reads and writes itself.
    pub fn encoding(&self) -> Option<Encoding> {
        let e = match (self.tag, self.bits) {
            (1, 8) => Encoding::PcmU8,
            (1, 16) => Encoding::PcmS16,
            (1, 24) => Encoding::PcmS24,
            (1, 32) => Encoding::PcmS32,
            (3, 32) => Encoding::Float32,
            (3, 64) => Encoding::Float64,
            (7, 8) => Encoding::MuLaw,
            (6, 8) => Encoding::ALaw,
            _ => return None,
        };
        (self.block_align as usize == e.bytes() * self.channels as usize).then_some(e)
    }

    /// Frames per block for the ADPCM codecs, from the codec's extension (`wSamplesPerBlock`).
    pub fn adpcm_frames_per_block(&self) -> Option<u64> {
        if !matches!(self.tag, WAVE_FORMAT_IMA_ADPCM | WAVE_FORMAT_MS_ADPCM) {
            return None;
        }
        let n = u16::from_le_bytes([*self.extra.get(2)?, *self.extra.get(3)?]);
        (n > 0).then_some(n as u64)
    }
}

/// A WAV file's chunk list, read once. The samples that are transcribed are decoded through
/// this layout, and the bytes that are muted are found through it: one parse, so the two can
/// never disagree about where the audio is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    pub format: Format,
    pub data_offset: u64,
    pub data_len: u64,
    pub file_len: u64,
}

/// Where the samples are in a WAV file whose encoding this module handles.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Layout {
    pub encoding: Encoding,
    pub channels: u16,
    pub sample_rate: u32,
    pub block_align: u16,
    pub data_offset: u64,
    pub data_len: u64,
}

impl Layout {
    /// Whole frames in the data chunk. A trailing partial frame (a writer's bug) is copied as
    /// it is and never read as audio.
    pub fn frames(&self) -> u64 {
        self.data_len / self.block_align.max(1) as u64
    }

    pub fn from_header(h: &Header) -> Option<Layout> {
        let encoding = h.format.encoding()?;
        Some(Layout {
            encoding,
            channels: h.format.channels,
            sample_rate: h.format.sample_rate,
            block_align: h.format.block_align,
            data_offset: h.data_offset,
            data_len: h.data_len,
        })
    }

    /// Decodes whole frames (interleaved bytes, `n * block_align` of them) into one Vec per
    /// channel, appended to `out`.
    pub fn decode_into(&self, bytes: &[u8], out: &mut [Vec<f32>]) {
        let bs = self.encoding.bytes();
        for frame in bytes.chunks_exact(self.block_align as usize) {
            for (c, ch) in out.iter_mut().enumerate() {
                ch.push(self.encoding.decode(&frame[c * bs..(c + 1) * bs]));
            }
        }
    }
}

/// Reads the RIFF chunk list of `f` (of `file_len` bytes) from start to end. Strict where a
/// lax reader would have to guess: a chunk that runs past the end of the file, a second `fmt `
/// or `data` chunk, a zero rate, channel count or block size are refused, because any reader
/// that guessed differently (a player, another decoder) would play audio we never heard.
pub fn parse<R: Read + Seek>(f: &mut R, file_len: u64) -> Result<Header, WavError> {
    let mut hdr = [0u8; 12];
    f.seek(SeekFrom::Start(0))?;
    f.read_exact(&mut hdr).map_err(|_| WavError::NotWav)?;
    if &hdr[0..4] != b"RIFF" || &hdr[8..12] != b"WAVE" {
        return Err(WavError::NotWav);
    }
    let mut format: Option<Format> = None;
    let mut data: Option<(u64, u64)> = None;
    let mut pos = 12u64;
    // Chunks are read until fewer than a chunk header's 8 bytes remain; a few stray bytes at
    // the end (a missing final pad byte, an editor's slack) are not a chunk.
    while file_len.saturating_sub(pos) >= 8 {
        let mut ch = [0u8; 8];
        f.seek(SeekFrom::Start(pos))?;
        f.read_exact(&mut ch)?;
        let id = &ch[0..4];
        let size = u32::from_le_bytes([ch[4], ch[5], ch[6], ch[7]]) as u64;
        let body = pos + 8;
        let available = file_len - body;
        let name = || String::from_utf8_lossy(id).escape_debug().to_string();
        if size > available {
            return Err(WavError::PastEnd {
                id: name(),
                claimed: size,
                available,
            });
        }
        match id {
            b"fmt " => {
                if format.is_some() {
                    return Err(WavError::BadHeader("more than one fmt chunk".into()));
                }
                format = Some(read_format(f, size)?);
            }
            b"data" => {
                if data.is_some() {
                    return Err(WavError::BadHeader(
                        "more than one data chunk: players disagree on which one to play".into(),
                    ));
                }
                if format.is_none() {
                    return Err(WavError::Missing("fmt"));
                }
                data = Some((body, size));
            }
            _ => {}
        }
        pos = body + size + (size & 1); // chunks are padded to an even length
    }
    let format = format.ok_or(WavError::Missing("fmt"))?;
    let (data_offset, data_len) = data.ok_or(WavError::Missing("data"))?;
    Ok(Header {
        format,
        data_offset,
        data_len,
        file_len,
    })
}

fn read_format<R: Read>(f: &mut R, size: u64) -> Result<Format, WavError> {
    if !(16..=4096).contains(&size) {
        return Err(WavError::BadHeader(format!("fmt chunk of {size} bytes")));
    }
    let mut b = vec![0u8; size as usize];
    f.read_exact(&mut b)?;
    let u16_at = |i: usize| u16::from_le_bytes([b[i], b[i + 1]]);
    let mut tag = u16_at(0);
    let channels = u16_at(2);
    let sample_rate = u32::from_le_bytes([b[4], b[5], b[6], b[7]]);
    let block_align = u16_at(12);
    let bits = u16_at(14);
    if tag == 0xFFFE {
        // WAVE_FORMAT_EXTENSIBLE: the real tag is the first two bytes of the sub-format GUID.
        if b.len() < 40 {
            return Err(WavError::BadHeader(
                "extensible fmt chunk shorter than 40 bytes".into(),
            ));
        }
        tag = u16_at(24);
    }
    if channels == 0 {
        return Err(WavError::BadHeader("0 channels".into()));
    }
    if sample_rate == 0 {
        return Err(WavError::BadHeader("sample rate 0 Hz".into()));
    }
    if block_align == 0 {
        return Err(WavError::BadHeader("block size 0".into()));
    }
    Ok(Format {
        tag,
        channels,
        sample_rate,
        block_align,
        bits,
        extra: b[16..].to_vec(),
    })
}

/// Copies the WAV file `input` to `out` in one pass, muting `spans` as it copies: no byte of a
/// span ever reaches `out` unmuted, even for a moment. Everything outside the spans (headers,
/// metadata chunks, samples) is copied bit for bit. Every byte read is fed to `hash`, so the
/// caller can check that the file it muted is the file it transcribed.
pub fn copy_redacted(
    input: &File,
    layout: &Layout,
    file_len: u64,
    spans: &[Span],
    fill: &Fill,
    out: &mut impl Write,
    hash: &mut impl FnMut(&[u8]),
) -> Result<(), WavError> {
    use std::os::unix::fs::FileExt;
    fn copy(
        input: &File,
        from: u64,
        to: u64,
        out: &mut impl Write,
        hash: &mut impl FnMut(&[u8]),
    ) -> Result<(), WavError> {
        let mut buf = vec![0u8; 1 << 16];
        let mut at = from;
        while at < to {
            let n = ((to - at) as usize).min(buf.len());
            input.read_exact_at(&mut buf[..n], at)?;
            hash(&buf[..n]);
            out.write_all(&buf[..n])?;
            at += n as u64;
        }
        Ok(())
    }
    copy(input, 0, layout.data_offset, out, hash)?;
    let ba = layout.block_align as u64;
    let bs = layout.encoding.bytes();
    let frames = layout.frames();
    // Frames are muted block by block, so memory stays small however long the call is.
    const BLOCK: u64 = 16_384;
    let mut buf = Vec::new();
    let mut a = 0u64;
    while a < frames {
        let b = (a + BLOCK).min(frames);
        buf.resize(((b - a) * ba) as usize, 0);
        input.read_exact_at(&mut buf, layout.data_offset + a * ba)?;
        hash(&buf);
        for span in spans.iter().filter(|s| s.start.0 < b && s.end.0 > a) {
            for f in span.start.0.max(a)..span.end.0.min(b) {
                let frame = &mut buf[((f - a) * ba) as usize..((f - a + 1) * ba) as usize];
                for &c in &span.channels {
                    let Some(s) = frame.get_mut(c as usize * bs..(c as usize + 1) * bs) else {
                        continue;
                    };
                    let x = layout.encoding.decode(s);
                    layout.encoding.encode(fill.apply(span, f, x), s);
                }
            }
        }
        out.write_all(&buf)?;
        a = b;
    }
    // A trailing partial frame, the pad byte and any chunks after the data.
    copy(input, layout.data_offset + frames * ba, file_len, out, hash)?;
    out.flush()?;
    Ok(())
}

// G.711, as in ITU-T G.711 and every telephony stack since: 14-bit (µ-law) and 13-bit (A-law)
// linear values, carried here in the top bits of an i16.

pub fn mulaw_decode(u: u8) -> i16 {
    let u = !u;
    let t = (((u & 0x0F) as i32) << 3) + 0x84;
    let t = t << ((u & 0x70) >> 4);
    (if u & 0x80 != 0 { 0x84 - t } else { t - 0x84 }) as i16
}

pub fn mulaw_encode(x: i16) -> u8 {
    const BIAS: i32 = 0x84;
    const CLIP: i32 = 32635;
    let mut v = x as i32;
    let sign = if v < 0 { 0x80 } else { 0 };
    if v < 0 {
        v = -v;
    }
    v = v.min(CLIP) + BIAS;
    let exp = (7 - (v.leading_zeros() as i32 - 17)).clamp(0, 7);
    let mant = (v >> (exp + 3)) & 0x0F;
    !((sign | (exp << 4) | mant) as u8)
}

pub fn alaw_decode(a: u8) -> i16 {
    let a = a ^ 0x55;
    let mut t = ((a & 0x0F) as i32) << 4;
    let seg = ((a & 0x70) >> 4) as i32;
    match seg {
        0 => t += 8,
        1 => t += 0x108,
        _ => {
            t += 0x108;
            t <<= seg - 1;
        }
    }
    (if a & 0x80 != 0 { t } else { -t }) as i16
}

pub fn alaw_encode(x: i16) -> u8 {
    let mut v = x as i32;
    let mask = if v >= 0 { 0xD5 } else { 0x55 };
    if v < 0 {
        v = -v - 1;
    }
    v >>= 3;
    let seg = if v >= 0x20 {
        (32 - (v >> 5).leading_zeros() as i32).min(8)
    } else {
        0
    };
    let out = if seg >= 8 {
        0x7F
    } else {
        let mant = if seg < 1 { v >> 1 } else { v >> seg };
        (seg << 4) | (mant & 0x0F)
    };
    (out ^ mask) as u8
}

/// Builds WAV files chunk by chunk, for tests here and the crafted-file tests elsewhere.
pub mod build {
    /// A RIFF/WAVE file holding `chunks` ((id, body) in order, each padded to even length).
    pub fn riff(chunks: &[(&[u8; 4], Vec<u8>)]) -> Vec<u8> {
        let mut body = b"WAVE".to_vec();
        for (id, data) in chunks {
            body.extend_from_slice(*id);
            body.extend_from_slice(&(data.len() as u32).to_le_bytes());
            body.extend_from_slice(data);
            if data.len() % 2 == 1 {
                body.push(0);
            }
        }
        let mut out = b"RIFF".to_vec();
        out.extend_from_slice(&(body.len() as u32).to_le_bytes());
        out.extend_from_slice(&body);
        out
    }

    /// A 16-byte `fmt ` body.
    pub fn fmt(tag: u16, channels: u16, rate: u32, bits: u16) -> Vec<u8> {
        let align = channels * bits.div_ceil(8);
        let mut b = Vec::new();
        b.extend_from_slice(&tag.to_le_bytes());
        b.extend_from_slice(&channels.to_le_bytes());
        b.extend_from_slice(&rate.to_le_bytes());
        b.extend_from_slice(&(rate * align as u32).to_le_bytes());
        b.extend_from_slice(&align.to_le_bytes());
        b.extend_from_slice(&bits.to_le_bytes());
        b
    }
}

#[cfg(test)]
mod tests {
    use super::build::{fmt, riff};
    use super::*;

    fn parse_bytes(b: &[u8]) -> Result<Header, WavError> {
        parse(&mut std::io::Cursor::new(b), b.len() as u64)
    }

    #[test]
    fn the_data_chunk_is_found_past_a_cbsize_that_overruns_its_fmt_chunk() {
        // The attack on symphonia 0.5.5: an 18-byte A-law fmt chunk whose cbSize says 8. A
        // reader that trusts cbSize skips 8 bytes too many and lands in the junk chunk, on a
        // silent decoy data chunk; the chunk sizes say where the real one is.
        let mut fmt18 = fmt(6, 1, 8000, 8);
        fmt18.extend_from_slice(&8u16.to_le_bytes());
        let mut junk = b"data".to_vec();
        junk.extend_from_slice(&16u32.to_le_bytes());
        junk.extend_from_slice(&[0xD5; 16]); // A-law silence
        let call = vec![0x2Au8; 800];
        let f = riff(&[(b"fmt ", fmt18), (b"junk", junk), (b"data", call.clone())]);
        let h = parse_bytes(&f).unwrap();
        assert_eq!(h.data_len, 800);
        assert_eq!(&f[h.data_offset as usize..][..800], &call[..]);
        assert_eq!(Layout::from_header(&h).unwrap().encoding, Encoding::ALaw);
    }

    #[test]
    fn an_odd_sized_chunk_is_skipped_with_one_pad_byte() {
        let call = vec![0x10u8; 400];
        let f = riff(&[
            (b"fmt ", fmt(1, 1, 8000, 16)),
            (b"LIST", b"INFOx".to_vec()),
            (b"data", call.clone()),
        ]);
        let h = parse_bytes(&f).unwrap();
        assert_eq!(&f[h.data_offset as usize..][..400], &call[..]);
    }

    #[test]
    fn a_second_data_chunk_is_refused() {
        let f = riff(&[
            (b"fmt ", fmt(1, 1, 8000, 16)),
            (b"data", vec![0; 100]),
            (b"data", vec![1; 100]),
        ]);
        assert!(matches!(parse_bytes(&f), Err(WavError::BadHeader(m)) if m.contains("data")));
    }

    #[test]
    fn a_data_size_past_the_end_of_the_file_is_refused() {
        let mut f = riff(&[(b"fmt ", fmt(1, 1, 8000, 16)), (b"data", vec![0; 100])]);
        let at = f.len() - 100 - 4;
        for claim in [4_000_000_000u32, 0xFFFF_FFFF, 101] {
            f[at..at + 4].copy_from_slice(&claim.to_le_bytes());
            let e = parse_bytes(&f).unwrap_err();
            assert!(matches!(e, WavError::PastEnd { .. }), "{claim}: {e}");
            assert!(e.to_string().contains(&claim.to_string()), "{e}");
        }
    }

    #[test]
    fn zero_rate_zero_channels_and_zero_block_are_refused() {
        for (ch, rate, why) in [(1, 0, "0 Hz"), (0, 8000, "0 channels")] {
            let f = riff(&[(b"fmt ", fmt(1, ch, rate, 16)), (b"data", vec![0; 10])]);
            let e = parse_bytes(&f).unwrap_err().to_string();
            assert!(e.contains(why), "{e}");
        }
        let mut zero_align = fmt(1, 1, 8000, 16);
        zero_align[12] = 0;
        zero_align[13] = 0;
        let f = riff(&[(b"fmt ", zero_align), (b"data", vec![0; 10])]);
        assert!(parse_bytes(&f).unwrap_err().to_string().contains("block"));
    }

    #[test]
    fn missing_chunks_and_short_files_are_named() {
        assert!(matches!(parse_bytes(b""), Err(WavError::NotWav)));
        assert!(matches!(
            parse_bytes(b"RIFF\0\0\0\0WAVE"),
            Err(WavError::Missing("fmt"))
        ));
        let f = riff(&[(b"fmt ", fmt(1, 1, 8000, 16))]);
        assert!(matches!(parse_bytes(&f), Err(WavError::Missing("data"))));
        let f = riff(&[(b"data", vec![0; 4]), (b"fmt ", fmt(1, 1, 8000, 16))]);
        assert!(matches!(parse_bytes(&f), Err(WavError::Missing("fmt"))));
    }

    #[test]
    fn encodings_other_than_ours_are_not_given_a_layout() {
        // GSM 6.10 (0x31): parsed, but no layout: the caller refuses it by name.
        let f = riff(&[(b"fmt ", fmt(0x31, 1, 8000, 0)), (b"data", vec![0; 65])]);
        let h = parse_bytes(&f);
        match h {
            Ok(h) => assert!(Layout::from_header(&h).is_none()),
            Err(e) => assert!(e.to_string().contains("block"), "{e}"),
        }
    }

    #[test]
    fn copying_mutes_only_the_span_and_hashes_every_byte() {
        use crate::units::Frame;
        let d = tempfile::tempdir().unwrap();
        let samples: Vec<u8> = (0..2000u32)
            .flat_map(|i| ((i as i16) * 7).to_le_bytes())
            .collect();
        let f = riff(&[
            (b"fmt ", fmt(1, 1, 8000, 16)),
            (b"data", samples.clone()),
            (b"LIST", b"INFOabc".to_vec()),
        ]);
        let p = d.path().join("x.wav");
        std::fs::write(&p, &f).unwrap();
        let mut file = File::open(&p).unwrap();
        let h = parse(&mut file, f.len() as u64).unwrap();
        let layout = Layout::from_header(&h).unwrap();
        let span = Span {
            start: Frame(100),
            end: Frame(900),
            channels: vec![0],
            kinds: vec![],
        };
        let fill = Fill::from_policy(&crate::policy::Policy::builtin(), 8000);
        let mut out = Vec::new();
        let mut seen = Vec::new();
        copy_redacted(
            &file,
            &layout,
            f.len() as u64,
            &[span],
            &fill,
            &mut out,
            &mut |b| seen.extend_from_slice(b),
        )
        .unwrap();
        assert_eq!(seen, f, "every input byte is hashed, once, in order");
        assert_eq!(out.len(), f.len());
        let off = h.data_offset as usize;
        assert_eq!(&out[..off + 200], &f[..off + 200]);
        assert_eq!(&out[off + 1800..], &f[off + 1800..]);
        let fade = 2 * 40; // 5 ms at 8 kHz, two bytes a sample
        assert!(out[off + 200 + fade..off + 1800 - fade]
            .iter()
            .all(|b| *b == 0));
    }

    #[test]
    fn mulaw_round_trips_every_code() {
        for u in 0..=255u8 {
            let x = mulaw_decode(u);
            let back = mulaw_encode(x);
            assert_eq!(mulaw_decode(back), x, "code {u:#04x}");
        }
        assert_eq!(mulaw_decode(0xFF), 0);
    }

    #[test]
    fn alaw_round_trips_every_code() {
        for a in 0..=255u8 {
            let x = alaw_decode(a);
            assert_eq!(alaw_decode(alaw_encode(x)), x, "code {a:#04x}");
        }
    }

    #[test]
    fn g711_scaling_never_grows_a_sample() {
        for u in 0..=255u8 {
            let x = mulaw_decode(u) as f32 / 32768.0;
            for g in [0.9f32, 0.5, 0.1, 0.0] {
                let mut b = [0u8];
                Encoding::MuLaw.encode(x * g, &mut b);
                let y = Encoding::MuLaw.decode(&b);
                assert!(y.abs() <= x.abs() + 1e-6, "{u} {g}");
                assert!(y == 0.0 || y.signum() == x.signum());
            }
        }
    }

    #[test]
    fn muted_alaw_keeps_the_sign_of_the_original() {
        for a in 0..=255u8 {
            let x = alaw_decode(a) as f32 / 32768.0;
            let mut b = [0u8];
            Encoding::ALaw.encode(x * 0.0, &mut b);
            let y = Encoding::ALaw.decode(&b);
            assert_eq!(y.signum(), x.signum(), "code {a:#04x}");
            assert!(y.abs() <= x.abs());
        }
    }

    #[test]
    fn pcm_encodings_round_trip_exactly() {
        for enc in [
            Encoding::PcmU8,
            Encoding::PcmS16,
            Encoding::PcmS24,
            Encoding::Float32,
        ] {
            let mut b = [0u8; 8];
            for raw in [
                [0x01u8, 0x80, 0x7F, 0x00, 0, 0, 0, 0],
                [0xFF, 0xFF, 0x7F, 0x12, 0, 0, 0, 0],
                [0x00, 0x00, 0x80, 0x80, 0, 0, 0, 0],
            ] {
                let n = enc.bytes();
                let x = enc.decode(&raw[..n]);
                enc.encode(x, &mut b[..n]);
                assert_eq!(&b[..n], &raw[..n], "{enc:?}");
            }
        }
    }

    #[test]
    fn rejects_non_wav() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("x.wav");
        std::fs::write(&p, b"not a wav file at all").unwrap();
        let mut f = File::open(&p).unwrap();
        assert!(matches!(parse(&mut f, 21), Err(WavError::NotWav)));
    }
}
