//! Redaction: the gain each sample gets (1 outside spans, 0 inside, short ramps at the edges)
//! and, in tone mode, the tone that replaces the speech.

use crate::policy::{Mode, Policy};
use crate::types::Span;

/// How a span is filled, resolved from the policy for one sample rate.
#[derive(Clone, Copy, Debug)]
pub struct Fill {
    pub mode: Mode,
    pub fade_frames: u64,
    pub tone_step: f32,
    pub tone_amp: f32,
}

impl Fill {
    pub fn from_policy(policy: &Policy, rate: u32) -> Fill {
        Fill {
            mode: policy.redact.mode,
            fade_frames: (policy.redact.fade_ms * rate as u64 / 1000).max(1),
            tone_step: 2.0 * std::f32::consts::PI * policy.redact.tone_hz / rate as f32,
            tone_amp: 10f32.powf(policy.redact.tone_dbfs / 20.0),
        }
    }

    /// Gain of the original at `frame` inside `span`: the fades sit inside the span, so the
    /// padded span's middle is exactly zero and nothing outside it changes.
    pub fn gain(&self, span: &Span, frame: u64) -> f32 {
        let from_start = frame - span.start.0;
        let to_end = span.end.0 - 1 - frame;
        let edge = from_start.min(to_end);
        if edge >= self.fade_frames {
            0.0
        } else {
            // Raised cosine: no corner in the envelope, so no click.
            let x = (edge + 1) as f32 / (self.fade_frames + 1) as f32;
            0.5 * (1.0 + (std::f32::consts::PI * x).cos())
        }
    }

    /// The redacted value of sample `x` at `frame` inside `span`.
    pub fn apply(&self, span: &Span, frame: u64, x: f32) -> f32 {
        let g = self.gain(span, frame);
        match self.mode {
            Mode::Mute => x * g,
            Mode::Tone => x * g + (1.0 - g) * self.tone_amp * (self.tone_step * frame as f32).sin(),
        }
    }
}

/// Redacts in place planar audio (one Vec per channel).
pub fn redact_planar(channels: &mut [Vec<f32>], spans: &[Span], fill: &Fill) {
    mute_block(channels, 0, spans, fill);
}

/// Redacts in place a block of planar audio whose first frame is frame `start` of the
/// recording: writers mute block by block as they write, so an unmuted span is never on disk.
pub fn mute_block(block: &mut [Vec<f32>], start: u64, spans: &[Span], fill: &Fill) {
    let len = block.iter().map(|c| c.len()).max().unwrap_or(0) as u64;
    let end = start + len;
    for span in spans.iter().filter(|s| s.start.0 < end && s.end.0 > start) {
        for &c in &span.channels {
            let Some(ch) = block.get_mut(c as usize) else {
                continue;
            };
            let stop = span.end.0.min(start + ch.len() as u64);
            for f in span.start.0.max(start)..stop {
                let i = (f - start) as usize;
                ch[i] = fill.apply(span, f, ch[i]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::Frame;

    fn span(a: u64, b: u64, channels: Vec<u16>) -> Span {
        Span {
            start: Frame(a),
            end: Frame(b),
            channels,
            kinds: vec![],
        }
    }

    fn mute(fade: u64) -> Fill {
        Fill {
            mode: Mode::Mute,
            fade_frames: fade,
            tone_step: 0.0,
            tone_amp: 0.0,
        }
    }

    #[test]
    fn outside_spans_is_untouched_bit_for_bit() {
        let orig: Vec<f32> = (0..1000).map(|i| (i as f32 * 0.37).sin()).collect();
        let mut ch = vec![orig.clone()];
        redact_planar(&mut ch, &[span(100, 200, vec![0])], &mute(10));
        assert_eq!(&ch[0][..100], &orig[..100]);
        assert_eq!(&ch[0][200..], &orig[200..]);
        assert!(ch[0][110..190].iter().all(|x| *x == 0.0));
    }

    #[test]
    fn fades_ramp_monotonically_and_never_amplify() {
        let f = mute(8);
        let s = span(0, 100, vec![0]);
        let gains: Vec<f32> = (0..10).map(|i| f.gain(&s, i)).collect();
        assert!(gains.windows(2).all(|w| w[1] <= w[0]), "{gains:?}");
        assert!(gains.iter().all(|g| (0.0..1.0).contains(g)));
        assert_eq!(f.gain(&s, 8), 0.0);
        assert!(f.gain(&s, 99) > 0.0 && f.gain(&s, 99) < 1.0);
    }

    #[test]
    fn only_the_spans_channels_change() {
        let mut ch = vec![vec![0.5f32; 100], vec![0.5f32; 100]];
        redact_planar(&mut ch, &[span(10, 90, vec![1])], &mute(1));
        assert!(ch[0].iter().all(|x| *x == 0.5));
        assert_eq!(ch[1][50], 0.0);
    }

    #[test]
    fn tone_mode_replaces_speech_with_a_quiet_tone() {
        let p = crate::policy::Policy {
            redact: crate::policy::RedactPolicy {
                mode: Mode::Tone,
                ..Default::default()
            },
            ..Default::default()
        };
        let fill = Fill::from_policy(&p, 8000);
        let mut ch = vec![vec![0.9f32; 8000]];
        redact_planar(&mut ch, &[span(0, 8000, vec![0])], &fill);
        let peak = ch[0][1000..7000].iter().fold(0f32, |m, x| m.max(x.abs()));
        assert!(peak > 0.01 && peak < 0.04, "{peak}");
    }

    #[test]
    fn a_span_past_the_end_is_clipped_not_a_panic() {
        let mut ch = vec![vec![1.0f32; 10]];
        redact_planar(&mut ch, &[span(5, 50, vec![0, 3])], &mute(1));
        assert_eq!(ch[0][9], ch[0][9]);
    }

    #[test]
    fn muting_block_by_block_equals_muting_the_whole() {
        let orig: Vec<f32> = (0..1000).map(|i| (i as f32 * 0.37).sin()).collect();
        let spans = [span(95, 205, vec![0]), span(300, 1000, vec![0, 1])];
        let mut whole = vec![orig.clone(), orig.clone()];
        redact_planar(&mut whole, &spans, &mute(7));
        for block in [1usize, 64, 100, 333] {
            let mut joined = vec![Vec::new(), Vec::new()];
            for (k, piece) in orig.chunks(block).enumerate() {
                let mut b = vec![piece.to_vec(), piece.to_vec()];
                mute_block(&mut b, (k * block) as u64, &spans, &mute(7));
                joined[0].extend_from_slice(&b[0]);
                joined[1].extend_from_slice(&b[1]);
            }
            assert_eq!(joined, whole, "block {block}");
        }
    }
}
