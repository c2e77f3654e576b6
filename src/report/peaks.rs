//! Waveform peaks of the redacted audio: per channel, the minimum and maximum sample of each of
//! a few thousand equal stretches, which is all a timeline a few thousand pixels wide can show.

use std::path::Path;

/// Stretches per channel: about two per pixel of a wide screen's timeline.
pub const BUCKETS: usize = 2000;

/// A call's peaks, scaled together so that the channels' levels compare.
#[derive(Clone, Debug, PartialEq)]
pub struct Waveform {
    pub sample_rate: u32,
    pub frames: u64,
    /// Per channel, `[min0, max0, min1, max1, ...]` in -127..=127.
    pub channels: Vec<Vec<i8>>,
}

/// Decodes the redacted file at `path` and reduces it to peaks.
pub fn load(path: &Path) -> Result<Waveform, String> {
    let (rate, channels) = decode_channels(path)?;
    Ok(from_samples(rate, &channels, BUCKETS))
}

/// The one place the report reads audio: the redacted file through the same reader a batch
/// uses (a WAV in place, other formats decoded), channel by channel.
fn decode_channels(path: &Path) -> Result<(u32, Vec<Vec<f32>>), String> {
    let limits = crate::audio::limits::Limits::default();
    let rec =
        crate::audio::recording::Recording::open(path, &limits, None).map_err(|e| e.to_string())?;
    let channels = (0..rec.channel_count())
        .map(|c| rec.read(c, 0, rec.frames()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?;
    Ok((rec.spec.sample_rate, channels))
}

/// Peaks of every channel, normalised to the loudest sample in the call: a quiet telephone
/// line would otherwise draw as a flat line, and muted stretches must stand out against
/// speech, not against full scale.
pub fn from_samples(sample_rate: u32, channels: &[Vec<f32>], buckets: usize) -> Waveform {
    let loudest = channels.iter().flat_map(|c| c.iter()).fold(0f32, |m, &x| {
        if x.is_finite() {
            m.max(x.abs())
        } else {
            m
        }
    });
    let scale = if loudest > 0.0 { 127.0 / loudest } else { 0.0 };
    Waveform {
        sample_rate,
        frames: channels.first().map_or(0, |c| c.len() as u64),
        channels: channels.iter().map(|c| peaks(c, buckets, scale)).collect(),
    }
}

/// `[min, max]` per stretch, times `scale`. A call shorter than `buckets` samples gets one
/// stretch per sample.
fn peaks(samples: &[f32], buckets: usize, scale: f32) -> Vec<i8> {
    let n = samples.len();
    let b = buckets.min(n);
    let q = |x: f32| (x * scale).round().clamp(-127.0, 127.0) as i8;
    let mut out = Vec::with_capacity(b * 2);
    for k in 0..b {
        let chunk = &samples[k * n / b..(k + 1) * n / b];
        let (lo, hi) = chunk
            .iter()
            .filter(|x| x.is_finite())
            .fold((0f32, 0f32), |(lo, hi), &x| (lo.min(x), hi.max(x)));
        out.push(q(lo));
        out.push(q(hi));
    }
    out
}

/// Peaks for the page: base64 of the bytes. A decimal JSON array would be one long run of
/// digits and commas, which leak scanners (ours too) read as a number that may be a card's,
/// and which matches a real card number's six-digit window often enough to raise false alarms.
/// It is also three times the size.
pub fn base64(v: &[i8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut o = String::with_capacity(v.len().div_ceil(3) * 4);
    for c in v.chunks(3) {
        let b = [
            c[0] as u8,
            c.get(1).map_or(0, |&x| x as u8),
            c.get(2).map_or(0, |&x| x as u8),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= c.len() {
                o.push(A[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                o.push('=');
            }
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_stretch_keeps_its_extremes() {
        let s = [0.0, 0.5, -0.25, 0.0, 0.0, 0.0, -1.0, 0.25];
        assert_eq!(peaks(&s, 4, 127.0), vec![0, 64, -32, 0, 0, 0, -127, 32]);
    }

    #[test]
    fn channels_share_one_scale() {
        let w = from_samples(8000, &[vec![0.1, -0.1], vec![0.2, 0.0]], 2);
        assert_eq!(w.channels, vec![vec![0, 64, -64, 0], vec![0, 127, 0, 0]]);
        assert_eq!(w.frames, 2);
    }

    #[test]
    fn silence_and_empty_audio_draw_flat() {
        let w = from_samples(8000, &[vec![0.0; 10]], 4);
        assert_eq!(w.channels, vec![vec![0; 8]]);
        let w = from_samples(8000, &[vec![]], 4);
        assert_eq!(w.channels, vec![Vec::<i8>::new()]);
        assert_eq!(w.frames, 0);
    }

    #[test]
    fn base64_is_the_standard_alphabet_with_padding() {
        assert_eq!(base64(&[]), "");
        assert_eq!(base64(&[0x4d, 0x61, 0x6e]), "TWFu");
        assert_eq!(base64(&[0x4d, 0x61]), "TWE=");
        assert_eq!(base64(&[0x4d]), "TQ==");
        assert_eq!(base64(&[-1, -127, 127]), "/4F/");
    }

    #[test]
    fn long_audio_is_reduced_to_the_bucket_count() {
        let s: Vec<f32> = (0..10_007).map(|i| (i as f32 * 0.01).sin()).collect();
        let w = from_samples(8000, &[s], 2000);
        assert_eq!(w.channels[0].len(), 4000);
        assert!(w.channels[0].contains(&127));
    }
}
