//! Planning: findings in milliseconds become merged, padded sample ranges at the source rate,
//! each with the channels it mutes.

use crate::policy::{ChannelPolicy, Policy};
use crate::types::{Finding, Kind};
use crate::units::{frame_ceil, frame_floor, Frame, Ms};
use crate::vad::{snap_end, snap_start, Region};

/// A range of frames to redact, end exclusive, on a set of channels.
#[derive(Clone, Debug, PartialEq)]
pub struct Span {
    pub start: Frame,
    pub end: Frame,
    /// Sorted channel indices.
    pub channels: Vec<u16>,
    /// The kinds that caused it, sorted, without repeats.
    pub kinds: Vec<Kind>,
}

impl Span {
    pub fn frames(&self) -> u64 {
        self.end.0 - self.start.0
    }
}

/// Everything `plan` needs to know about the recording.
pub struct Layout<'a> {
    pub rate: u32,
    pub frames: u64,
    pub channels: u16,
    /// Voiced regions per channel, indexed by channel.
    pub voiced: &'a [Vec<Region>],
}

/// Turns findings into disjoint spans: snap each edge outwards to the speaker's nearest pause,
/// pad by the kind's padding, convert to frames (start rounded down, end up), clamp to the
/// recording, then merge overlapping or touching spans.
pub fn plan(findings: &[Finding], layout: &Layout, policy: &Policy) -> Vec<Span> {
    let snap_max = Ms(policy.redact.snap_max_ms);
    let all: Vec<u16> = (0..layout.channels).collect();
    let mut spans: Vec<Span> = findings
        .iter()
        .map(|f| {
            let (start, end) = match f.channel.and_then(|c| layout.voiced.get(c as usize)) {
                Some(regions) => (snap_start(regions, f.start, snap_max), snap_end(regions, f.end, snap_max)),
                None => {
                    // Unknown speaker: snap in every channel and take the widest.
                    let s = layout.voiced.iter().map(|r| snap_start(r, f.start, snap_max)).min();
                    let e = layout.voiced.iter().map(|r| snap_end(r, f.end, snap_max)).max();
                    (s.unwrap_or(f.start), e.unwrap_or(f.end))
                }
            };
            // A detector that got its times crossed still gets its start muted.
            let end = end.max(start);
            let pad = Ms(policy.pad_ms(f.kind));
            let start = frame_floor(start.saturating_sub(pad), layout.rate);
            let end = frame_ceil(end + pad, layout.rate);
            let channels = match (policy.redact.channels, f.channel) {
                (ChannelPolicy::Speaker, Some(c)) if c < layout.channels => vec![c],
                _ => all.clone(),
            };
            Span {
                start: Frame(start.0.min(layout.frames)),
                end: Frame(end.0.min(layout.frames)),
                channels,
                kinds: vec![f.kind],
            }
        })
        .filter(|s| s.end > s.start)
        .collect();
    spans.sort_by_key(|s| (s.start, s.end));
    merge(spans)
}

fn merge(spans: Vec<Span>) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for s in spans {
        if let Some(last) = out.last_mut() {
            if s.start <= last.end {
                last.end = last.end.max(s.end);
                for c in s.channels {
                    if !last.channels.contains(&c) {
                        last.channels.push(c);
                    }
                }
                last.channels.sort_unstable();
                for k in s.kinds {
                    if !last.kinds.contains(&k) {
                        last.kinds.push(k);
                    }
                }
                last.kinds.sort();
                continue;
            }
        }
        out.push(s);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Policy;

    fn finding(kind: Kind, channel: Option<u16>, start: u64, end: u64) -> Finding {
        Finding {
            kind,
            channel,
            start: Ms(start),
            end: Ms(end),
            confidence: 1.0,
            detector: "test",
            rule: "test".into(),
            words: None,
        }
    }

    fn policy(pad: u64, channels: ChannelPolicy) -> Policy {
        let mut p = Policy::default();
        p.redact.pad_ms = pad;
        p.redact.channels = channels;
        p
    }

    #[test]
    fn pads_and_converts_to_frames_at_the_source_rate() {
        let voiced = vec![vec![], vec![]];
        let layout = Layout { rate: 8000, frames: 80_000, channels: 2, voiced: &voiced };
        let spans = plan(&[finding(Kind::Phone, Some(1), 2000, 3000)], &layout, &policy(100, ChannelPolicy::All));
        assert_eq!(spans, vec![Span { start: Frame(15_200), end: Frame(24_800), channels: vec![0, 1], kinds: vec![Kind::Phone] }]);
    }

    #[test]
    fn speaker_policy_mutes_only_the_speaker() {
        let voiced = vec![vec![], vec![]];
        let layout = Layout { rate: 8000, frames: 80_000, channels: 2, voiced: &voiced };
        let spans = plan(&[finding(Kind::Phone, Some(1), 2000, 3000)], &layout, &policy(0, ChannelPolicy::Speaker));
        assert_eq!(spans[0].channels, vec![1]);
        // Unknown speaker still mutes everything.
        let spans = plan(&[finding(Kind::Phone, None, 2000, 3000)], &layout, &policy(0, ChannelPolicy::Speaker));
        assert_eq!(spans[0].channels, vec![0, 1]);
    }

    #[test]
    fn overlapping_and_touching_spans_merge() {
        let voiced = vec![vec![]];
        let layout = Layout { rate: 1000, frames: 100_000, channels: 1, voiced: &voiced };
        let f = [
            finding(Kind::CardNumber, Some(0), 1000, 2000),
            finding(Kind::SecurityCode, Some(0), 2000, 2500),
            finding(Kind::Email, Some(0), 9000, 9100),
        ];
        let spans = plan(&f, &layout, &policy(0, ChannelPolicy::All));
        assert_eq!(spans.len(), 2);
        assert_eq!((spans[0].start, spans[0].end), (Frame(1000), Frame(2500)));
        assert_eq!(spans[0].kinds, vec![Kind::CardNumber, Kind::SecurityCode]);
    }

    #[test]
    fn edges_snap_to_the_speakers_pauses_then_pad() {
        let voiced = vec![vec![Region { start: Ms(1500), end: Ms(4000) }]];
        let layout = Layout { rate: 1000, frames: 100_000, channels: 1, voiced: &voiced };
        let spans = plan(&[finding(Kind::CardNumber, Some(0), 1800, 3700)], &layout, &policy(50, ChannelPolicy::All));
        assert_eq!((spans[0].start, spans[0].end), (Frame(1450), Frame(4050)));
    }

    #[test]
    fn spans_are_clamped_to_the_recording() {
        let voiced = vec![vec![]];
        let layout = Layout { rate: 8000, frames: 8000, channels: 1, voiced: &voiced };
        let spans = plan(&[finding(Kind::Phone, Some(0), 0, 5000)], &layout, &policy(300, ChannelPolicy::All));
        assert_eq!((spans[0].start, spans[0].end), (Frame(0), Frame(8000)));
        let spans = plan(&[finding(Kind::Phone, Some(0), 9000, 9500)], &layout, &policy(0, ChannelPolicy::All));
        assert!(spans.is_empty());
    }
}
