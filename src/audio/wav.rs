//! WAV in, WAV out in the same encoding. The output is a byte copy of the input with only the
//! redacted frames rewritten, so headers, metadata chunks and every sample outside a span stay
//! bit-identical, for PCM of any width, IEEE float, G.711 µ-law and A-law alike.

use crate::audio::redact::Fill;
use crate::plan::Span;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum WavError {
    #[error("{0}")]
    Io(#[from] io::Error),
    #[error("not a RIFF/WAVE file")]
    NotWav,
    #[error("no {0} chunk")]
    Missing(&'static str),
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

/// Where the samples are in a WAV file.
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
    pub fn frames(&self) -> u64 {
        self.data_len / self.block_align.max(1) as u64
    }
}

/// Reads the RIFF chunk list up to the data chunk.
pub fn read_layout(path: &Path) -> Result<Layout, WavError> {
    let mut f = File::open(path)?;
    let file_len = f.metadata()?.len();
    let mut hdr = [0u8; 12];
    f.read_exact(&mut hdr).map_err(|_| WavError::NotWav)?;
    if &hdr[0..4] != b"RIFF" || &hdr[8..12] != b"WAVE" {
        return Err(WavError::NotWav);
    }
    let mut fmt: Option<(u16, u16, u32, u16, u16)> = None;
    let mut pos = 12u64;
    loop {
        let mut ch = [0u8; 8];
        if f.read_exact(&mut ch).is_err() {
            return Err(WavError::Missing(if fmt.is_some() {
                "data"
            } else {
                "fmt"
            }));
        }
        let size = u32::from_le_bytes([ch[4], ch[5], ch[6], ch[7]]) as u64;
        let body = pos + 8;
        match &ch[0..4] {
            b"fmt " => {
                let mut b = vec![0u8; size.min(64) as usize];
                f.read_exact(&mut b).map_err(|_| WavError::Missing("fmt"))?;
                if b.len() < 16 {
                    return Err(WavError::Missing("fmt"));
                }
                let mut tag = u16::from_le_bytes([b[0], b[1]]);
                let channels = u16::from_le_bytes([b[2], b[3]]);
                let rate = u32::from_le_bytes([b[4], b[5], b[6], b[7]]);
                let align = u16::from_le_bytes([b[12], b[13]]);
                let bits = u16::from_le_bytes([b[14], b[15]]);
                if tag == 0xFFFE && b.len() >= 26 {
                    tag = u16::from_le_bytes([b[24], b[25]]); // WAVE_FORMAT_EXTENSIBLE sub-format
                }
                fmt = Some((tag, channels, rate, align, bits));
            }
            b"data" => {
                let (tag, channels, sample_rate, block_align, bits) =
                    fmt.ok_or(WavError::Missing("fmt"))?;
                let encoding = match (tag, bits) {
                    (1, 8) => Encoding::PcmU8,
                    (1, 16) => Encoding::PcmS16,
                    (1, 24) => Encoding::PcmS24,
                    (1, 32) => Encoding::PcmS32,
                    (3, 32) => Encoding::Float32,
                    (3, 64) => Encoding::Float64,
                    (7, 8) => Encoding::MuLaw,
                    (6, 8) => Encoding::ALaw,
                    _ => return Err(WavError::Unsupported { tag, bits }),
                };
                if block_align as usize != encoding.bytes() * channels as usize || channels == 0 {
                    return Err(WavError::Unsupported { tag, bits });
                }
                // Streaming recorders leave the size at 0 or 0xFFFFFFFF: the data runs to the end.
                let data_len = if size == 0 || body + size > file_len {
                    file_len - body
                } else {
                    size
                };
                return Ok(Layout {
                    encoding,
                    channels,
                    sample_rate,
                    block_align,
                    data_offset: body,
                    data_len,
                });
            }
            _ => {}
        }
        pos = body + size + (size & 1); // chunks are padded to even length
        f.seek(SeekFrom::Start(pos))?;
    }
}

/// Copies `input` to `out` and redacts `spans` in the copy.
pub fn write_redacted_copy(
    input: &Path,
    layout: &Layout,
    out: &mut File,
    spans: &[Span],
    fill: &Fill,
) -> Result<(), WavError> {
    let mut src = File::open(input)?;
    out.set_len(0)?;
    out.seek(SeekFrom::Start(0))?;
    io::copy(&mut src, out)?;
    let bs = layout.encoding.bytes();
    let ba = layout.block_align as usize;
    let frames = layout.frames();
    // A span is patched in blocks so memory stays small however long the span is.
    const BLOCK: u64 = 65_536;
    let mut buf = Vec::new();
    for span in spans {
        let end = span.end.0.min(frames);
        let mut a = span.start.0;
        while a < end {
            let b = (a + BLOCK).min(end);
            let off = layout.data_offset + a * ba as u64;
            buf.resize(((b - a) as usize) * ba, 0);
            out.seek(SeekFrom::Start(off))?;
            out.read_exact(&mut buf)?;
            for (i, frame) in buf.chunks_exact_mut(ba).enumerate() {
                let f = a + i as u64;
                for &c in &span.channels {
                    let s = &mut frame[c as usize * bs..(c as usize + 1) * bs];
                    let x = layout.encoding.decode(s);
                    layout.encoding.encode(fill.apply(span, f, x), s);
                }
            }
            out.seek(SeekFrom::Start(off))?;
            out.write_all(&buf)?;
            a = b;
        }
    }
    Ok(())
}

/// Writes planar f32 audio as a new 16-bit PCM WAV (for lossy inputs).
pub fn write_pcm16(out: &mut impl Write, channels: &[Vec<f32>], rate: u32) -> io::Result<()> {
    let n_ch = channels.len() as u16;
    let frames = channels.first().map(|c| c.len()).unwrap_or(0);
    let data_len = frames as u64 * n_ch as u64 * 2;
    if data_len > u32::MAX as u64 - 36 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "audio too long for a WAV file",
        ));
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
    let mut w = io::BufWriter::new(out);
    for i in 0..frames {
        for c in channels {
            // Lossy sources have no "original" integer to preserve: round to nearest.
            let v = (c[i] * 32768.0).round().clamp(-32768.0, 32767.0) as i16;
            w.write_all(&v.to_le_bytes())?;
        }
    }
    w.flush()
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

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(matches!(read_layout(&p), Err(WavError::NotWav)));
    }
}
