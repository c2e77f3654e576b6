//! Voice activity: an energy detector on one channel at its own sample rate. It finds the pauses that span edges snap
//! to, the voiced audio that whisper left without words, and the places to cut long calls.
//!
//! Energy, not a neural VAD: call audio is close-miked and the question is only "is anyone
//! talking on this channel", which an adaptive threshold answers within a frame or two.

use crate::units::Ms;

const FRAME_MS: u64 = 20;
/// Nothing quieter than this is speech, however quiet the line.
const ABS_FLOOR_DB: f32 = -50.0;
/// Speech stands this far above the channel's noise floor.
const ABOVE_NOISE_DB: f32 = 12.0;
/// Gaps shorter than this are inside a word or between words of one phrase.
const BRIDGE_MS: u64 = 200;
/// Bursts shorter than this are clicks.
const MIN_VOICED_MS: u64 = 60;

/// A voiced stretch of one channel, in milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Region {
    pub start: Ms,
    pub end: Ms,
}

/// Frame energies of one channel, fed a block at a time: a whole-call pass keeps 4 bytes per
/// 20 ms frame (1.4 MB for two hours), never the samples.
pub struct Meter {
    rate: u32,
    frame: usize,
    /// Sum of squares and sample count of the frame being filled.
    acc: f64,
    filled: usize,
    samples: u64,
    dbs: Vec<f32>,
}

impl Meter {
    pub fn new(rate: u32) -> Meter {
        Meter {
            rate,
            frame: ((rate as u64 * FRAME_MS) / 1000).max(1) as usize,
            acc: 0.0,
            filled: 0,
            samples: 0,
            dbs: Vec::new(),
        }
    }

    pub fn push(&mut self, samples: &[f32]) {
        self.samples += samples.len() as u64;
        for s in samples {
            // Summed in order, one sample at a time: the same f64 whatever the block sizes.
            self.acc += (*s as f64) * (*s as f64);
            self.filled += 1;
            if self.filled == self.frame {
                self.close_frame();
            }
        }
    }

    fn close_frame(&mut self) {
        let e = self.acc / self.filled.max(1) as f64;
        self.dbs.push((10.0 * (e + 1e-12).log10()) as f32);
        self.acc = 0.0;
        self.filled = 0;
    }

    /// The voiced regions of everything pushed.
    pub fn regions(mut self) -> Vec<Region> {
        if self.filled > 0 {
            self.close_frame(); // the last, partial frame counts as a frame of its own
        }
        regions_from(&self.dbs, self.frame, self.rate, self.samples)
    }
}

/// Voiced regions of one channel at `rate` Hz, in time order, non-overlapping. Runs at the
/// source rate so a long call needs no 16 kHz copy of the whole channel.
pub fn voiced_regions(samples: &[f32], rate: u32) -> Vec<Region> {
    let mut m = Meter::new(rate);
    m.push(samples);
    m.regions()
}

fn regions_from(dbs: &[f32], frame: usize, rate: u32, samples: u64) -> Vec<Region> {
    let at = |i: usize| Ms((i as u64 * frame as u64 * 1000) / rate.max(1) as u64);
    if dbs.is_empty() {
        return Vec::new();
    }
    // The 10th percentile of frame energy is the line's noise floor: calls are mostly speech
    // and pauses, and a tenth of any call is pause.
    let mut sorted = dbs.to_vec();
    sorted.sort_by(|a, b| a.total_cmp(b));
    let floor = sorted[sorted.len() / 10];
    let threshold = (floor + ABOVE_NOISE_DB).max(ABS_FLOOR_DB);

    let mut regions: Vec<Region> = Vec::new();
    let mut open: Option<Ms> = None;
    for (i, db) in dbs.iter().enumerate() {
        let t = at(i);
        match (open, *db >= threshold) {
            (None, true) => open = Some(t),
            (Some(s), false) => {
                push_bridged(&mut regions, Region { start: s, end: t });
                open = None;
            }
            _ => {}
        }
    }
    if let Some(s) = open {
        let end = Ms((samples * 1000) / rate.max(1) as u64);
        push_bridged(&mut regions, Region { start: s, end });
    }
    regions.retain(|r| r.end.0 - r.start.0 >= MIN_VOICED_MS);
    regions
}

/// Voice activity of every channel of a recording, in one pass over it. Returns the regions
/// per channel and, for a file read from disk, the sha256 of every byte the pass read.
pub fn analyse(
    rec: &crate::audio::recording::Recording,
) -> Result<(Vec<Vec<Region>>, Option<String>), crate::audio::decode::DecodeError> {
    let rate = rec.spec.sample_rate;
    let mut meters: Vec<Meter> = (0..rec.channel_count()).map(|_| Meter::new(rate)).collect();
    let sha = rec.scan(|block| {
        for (m, ch) in meters.iter_mut().zip(block) {
            m.push(ch);
        }
    })?;
    Ok((meters.into_iter().map(Meter::regions).collect(), sha))
}

fn push_bridged(regions: &mut Vec<Region>, r: Region) {
    if let Some(last) = regions.last_mut() {
        if r.start.0.saturating_sub(last.end.0) < BRIDGE_MS {
            last.end = r.end;
            return;
        }
    }
    regions.push(r);
}

/// Moves `start` back to the start of the voiced region it falls in (or that ends just before
/// it), but no further than `max`: whisper's word times run up to a second late or early at
/// utterance edges, and the pause before a value is where it really starts.
pub fn snap_start(regions: &[Region], start: Ms, max: Ms) -> Ms {
    let limit = start.saturating_sub(max);
    regions
        .iter()
        .filter(|r| r.start <= start && r.end.0 + BRIDGE_MS >= start.0)
        .map(|r| r.start.max(limit))
        .min()
        .unwrap_or(start)
}

/// Moves `end` forward to the end of the voiced region it falls in (or that starts just after
/// it), but no further than `max`.
pub fn snap_end(regions: &[Region], end: Ms, max: Ms) -> Ms {
    let limit = end + max;
    regions
        .iter()
        .filter(|r| r.end >= end && r.start.0 <= end.0 + BRIDGE_MS)
        .map(|r| r.end.min(limit))
        .max()
        .unwrap_or(end)
}

/// Per-channel regions as the detectors take them: one list, each region tagged with its
/// channel.
pub fn flatten(voiced: &[Vec<Region>]) -> Vec<crate::types::Voiced> {
    voiced
        .iter()
        .enumerate()
        .flat_map(|(c, rs)| {
            rs.iter().map(move |r| crate::types::Voiced {
                channel: c as u16,
                start: r.start,
                end: r.end,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signal_at(rate: u32, parts: &[(f32, f32)]) -> Vec<f32> {
        // (seconds, amplitude): a 300 Hz tone at that amplitude, 0 = silence.
        let mut out = Vec::new();
        for (secs, amp) in parts {
            let n = (secs * rate as f32) as usize;
            let step = 2.0 * std::f32::consts::PI * 300.0 / rate as f32;
            out.extend((0..n).map(|i| (i as f32 * step).sin() * amp));
        }
        out
    }

    fn signal(parts: &[(f32, f32)]) -> Vec<f32> {
        signal_at(16000, parts)
    }

    #[test]
    fn times_are_right_at_telephony_and_odd_rates() {
        for rate in [8000, 11025, 44100] {
            let x = signal_at(rate, &[(1.0, 0.0), (1.0, 0.3), (1.0, 0.0)]);
            let r = voiced_regions(&x, rate);
            assert_eq!(r.len(), 1, "{rate}: {r:?}");
            assert!(
                (r[0].start.0 as i64 - 1000).abs() <= 21 && (r[0].end.0 as i64 - 2000).abs() <= 21,
                "{rate}: {r:?}"
            );
        }
    }

    #[test]
    fn finds_two_utterances_separated_by_a_pause() {
        let x = signal(&[(1.0, 0.0), (1.0, 0.3), (0.5, 0.0), (0.8, 0.3), (1.0, 0.0)]);
        let r = voiced_regions(&x, 16000);
        assert_eq!(r.len(), 2, "{r:?}");
        assert!((r[0].start.0 as i64 - 1000).abs() <= 20);
        assert!((r[0].end.0 as i64 - 2000).abs() <= 20);
        assert!((r[1].start.0 as i64 - 2500).abs() <= 20);
    }

    #[test]
    fn short_gaps_are_bridged_and_clicks_dropped() {
        let x = signal(&[
            (0.5, 0.0),
            (0.5, 0.3),
            (0.1, 0.0),
            (0.5, 0.3),
            (0.5, 0.0),
            (0.02, 0.5),
            (1.0, 0.0),
        ]);
        let r = voiced_regions(&x, 16000);
        assert_eq!(r.len(), 1, "{r:?}");
    }

    #[test]
    fn silence_and_empty_have_no_voice() {
        assert!(voiced_regions(&[], 16000).is_empty());
        assert!(voiced_regions(&vec![0.0; 16000], 16000).is_empty());
        assert!(voiced_regions(&signal(&[(2.0, 0.001)]), 16000).is_empty());
    }

    #[test]
    fn snapping_moves_outwards_only_and_within_limit() {
        let r = [Region {
            start: Ms(1000),
            end: Ms(3000),
        }];
        assert_eq!(snap_start(&r, Ms(1800), Ms(600)), Ms(1200));
        assert_eq!(snap_start(&r, Ms(1300), Ms(600)), Ms(1000));
        assert_eq!(snap_end(&r, Ms(2800), Ms(600)), Ms(3000));
        assert_eq!(snap_end(&r, Ms(1500), Ms(600)), Ms(2100));
        // Outside any region: unchanged.
        assert_eq!(snap_start(&r, Ms(5000), Ms(600)), Ms(5000));
        assert_eq!(snap_end(&r, Ms(500), Ms(600)), Ms(500));
    }

    #[test]
    fn blocks_of_any_size_give_the_same_regions_as_one_slice() {
        let x = signal_at(
            8000,
            &[(0.7, 0.0), (1.3, 0.3), (0.4, 0.0), (0.9, 0.2), (0.33, 0.0)],
        );
        let whole = voiced_regions(&x, 8000);
        for block in [1, 7, 160, 161, 4096] {
            let mut m = Meter::new(8000);
            for c in x.chunks(block) {
                m.push(c);
            }
            assert_eq!(m.regions(), whole, "block {block}");
        }
    }
}
