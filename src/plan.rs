//! Planning: findings in milliseconds become merged, padded sample ranges at the source rate,
//! each with the channels it mutes.

use crate::audio::vad::{snap_end, snap_start, Region};
use crate::policy::{ChannelPolicy, Policy};
use crate::types::{Finding, Kind, Span};
use crate::units::{frame_ceil, frame_floor, Frame, Ms};

/// Everything `plan` needs to know about the recording.
pub struct Layout<'a> {
    pub rate: u32,
    pub frames: u64,
    pub channels: u16,
    /// Voiced regions per channel, indexed by channel.
    pub voiced: &'a [Vec<Region>],
}

/// Turns findings into spans: snap each edge outwards to the speaker's nearest pause, pad by
/// the kind's padding, convert to frames (start rounded down, end up), clamp to the recording,
/// then merge, channel by channel, what overlaps or touches. On any one channel the spans are
/// disjoint; spans on different channels may overlap in time.
///
/// With the "all" channel policy the speaker's channel is muted over the whole finding, and
/// the other channels only while the speaker is voiced in it (padded): cross-talk and echo leak
/// the speaker's voice only while they speak, and a long finding (a card number read in
/// groups, with the agent saying "yes, go on" between them) must not silence the agent's own
/// words between the groups.
pub fn plan(findings: &[Finding], layout: &Layout, policy: &Policy) -> Vec<Span> {
    let n = layout.channels as usize;
    // Per channel: (start, end, kind) in frames.
    let mut per: Vec<Vec<(Frame, Frame, Kind)>> = vec![Vec::new(); n];
    for f in findings {
        let speaker = f.channel.filter(|c| (*c as usize) < n);
        let snap_max = Ms(policy.snap_max_ms(f.kind));
        let (start, end) = match speaker.and_then(|c| layout.voiced.get(c as usize)) {
            Some(regions) => (
                snap_start(regions, f.start, snap_max),
                snap_end(regions, f.end, snap_max),
            ),
            None => {
                // Unknown speaker: snap in every channel and take the widest.
                let s = layout
                    .voiced
                    .iter()
                    .map(|r| snap_start(r, f.start, snap_max))
                    .min();
                let e = layout
                    .voiced
                    .iter()
                    .map(|r| snap_end(r, f.end, snap_max))
                    .max();
                (s.unwrap_or(f.start), e.unwrap_or(f.end))
            }
        };
        // A detector that got its times crossed still gets its start muted.
        let end = end.max(start);
        let pad = Ms(policy.pad_ms(f.kind));
        let frames = |s: Ms, e: Ms| {
            (
                frame_floor(s.saturating_sub(pad), layout.rate),
                frame_ceil(e + pad, layout.rate),
            )
        };
        let whole = frames(start, end);
        match (policy.redact.channels, speaker) {
            (ChannelPolicy::Speaker, Some(c)) => per[c as usize].push((whole.0, whole.1, f.kind)),
            (ChannelPolicy::All, Some(c)) => {
                per[c as usize].push((whole.0, whole.1, f.kind));
                let voiced = layout
                    .voiced
                    .get(c as usize)
                    .map(Vec::as_slice)
                    .unwrap_or(&[]);
                // Without voice activity for the speaker there is nothing to narrow it by.
                let pieces: Vec<(Frame, Frame)> = if voiced.is_empty() {
                    vec![whole]
                } else {
                    voiced
                        .iter()
                        .filter(|r| r.end > start && r.start < end)
                        .map(|r| frames(r.start.max(start), r.end.min(end)))
                        .collect()
                };
                for (_, list) in per.iter_mut().enumerate().filter(|(o, _)| *o != c as usize) {
                    list.extend(pieces.iter().map(|p| (p.0, p.1, f.kind)));
                }
            }
            (_, None) => per
                .iter_mut()
                .for_each(|list| list.push((whole.0, whole.1, f.kind))),
        }
    }
    let mut spans: Vec<Span> = Vec::new();
    for (c, mut list) in per.into_iter().enumerate() {
        list.sort_by_key(|x| (x.0, x.1));
        for (s, e, kind) in list {
            let (s, e) = (Frame(s.0.min(layout.frames)), Frame(e.0.min(layout.frames)));
            if e <= s {
                continue;
            }
            match spans.iter_mut().rev().find(|x| x.channels == [c as u16]) {
                Some(last) if s <= last.end => {
                    last.end = last.end.max(e);
                    if !last.kinds.contains(&kind) {
                        last.kinds.push(kind);
                        last.kinds.sort();
                    }
                }
                _ => spans.push(Span {
                    start: s,
                    end: e,
                    channels: vec![c as u16],
                    kinds: vec![kind],
                }),
            }
        }
    }
    // The same range on several channels is one span.
    spans.sort_by(|a, b| (a.start, a.end, &a.kinds).cmp(&(b.start, b.end, &b.kinds)));
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for s in spans {
        match out.last_mut() {
            Some(last) if (last.start, last.end, &last.kinds) == (s.start, s.end, &s.kinds) => {
                last.channels.extend(s.channels);
                last.channels.sort_unstable();
            }
            _ => out.push(s),
        }
    }
    out
}

/// Total muted time, counting a moment muted on several channels once.
pub fn muted_frames(spans: &[Span]) -> u64 {
    let mut r: Vec<(u64, u64)> = spans.iter().map(|s| (s.start.0, s.end.0)).collect();
    r.sort_unstable();
    let (mut total, mut cur) = (0u64, 0u64);
    for (s, e) in r {
        let s = s.max(cur);
        if e > s {
            total += e - s;
            cur = e;
        }
    }
    total
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
        let layout = Layout {
            rate: 8000,
            frames: 80_000,
            channels: 2,
            voiced: &voiced,
        };
        let spans = plan(
            &[finding(Kind::Phone, Some(1), 2000, 3000)],
            &layout,
            &policy(100, ChannelPolicy::All),
        );
        // No voice activity known for the speaker: every channel over the whole finding.
        assert_eq!(
            spans,
            vec![Span {
                start: Frame(15_200),
                end: Frame(24_800),
                channels: vec![0, 1],
                kinds: vec![Kind::Phone]
            }]
        );
    }

    #[test]
    fn speaker_policy_mutes_only_the_speaker() {
        let voiced = vec![vec![], vec![]];
        let layout = Layout {
            rate: 8000,
            frames: 80_000,
            channels: 2,
            voiced: &voiced,
        };
        let spans = plan(
            &[finding(Kind::Phone, Some(1), 2000, 3000)],
            &layout,
            &policy(0, ChannelPolicy::Speaker),
        );
        assert_eq!(spans[0].channels, vec![1]);
        // Unknown speaker still mutes everything.
        let spans = plan(
            &[finding(Kind::Phone, None, 2000, 3000)],
            &layout,
            &policy(0, ChannelPolicy::Speaker),
        );
        assert_eq!(spans[0].channels, vec![0, 1]);
    }

    #[test]
    fn overlapping_and_touching_spans_merge() {
        let voiced = vec![vec![]];
        let layout = Layout {
            rate: 1000,
            frames: 100_000,
            channels: 1,
            voiced: &voiced,
        };
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
        let voiced = vec![vec![Region {
            start: Ms(1500),
            end: Ms(4000),
        }]];
        let layout = Layout {
            rate: 1000,
            frames: 100_000,
            channels: 1,
            voiced: &voiced,
        };
        let spans = plan(
            &[finding(Kind::CardNumber, Some(0), 1800, 3700)],
            &layout,
            &policy(50, ChannelPolicy::All),
        );
        assert_eq!((spans[0].start, spans[0].end), (Frame(1450), Frame(4050)));
    }

    #[test]
    fn other_channels_are_muted_only_while_the_speaker_is_voiced() {
        // The customer (1) read a card in two groups; the agent (0) spoke between them.
        let voiced = vec![
            vec![Region {
                start: Ms(3000),
                end: Ms(4000),
            }],
            vec![
                Region {
                    start: Ms(1000),
                    end: Ms(2500),
                },
                Region {
                    start: Ms(4500),
                    end: Ms(6000),
                },
            ],
        ];
        let layout = Layout {
            rate: 1000,
            frames: 100_000,
            channels: 2,
            voiced: &voiced,
        };
        let spans = plan(
            &[finding(Kind::CardNumber, Some(1), 1000, 6000)],
            &layout,
            &policy(100, ChannelPolicy::All),
        );
        let on = |c: u16| {
            spans
                .iter()
                .filter(|s| s.channels.contains(&c))
                .map(|s| (s.start.0, s.end.0))
                .collect::<Vec<_>>()
        };
        assert_eq!(on(1), [(900, 6100)]);
        assert_eq!(on(0), [(900, 2600), (4400, 6100)]);
        assert_eq!(muted_frames(&spans), 5200);
    }

    #[test]
    fn spans_are_clamped_to_the_recording() {
        let voiced = vec![vec![]];
        let layout = Layout {
            rate: 8000,
            frames: 8000,
            channels: 1,
            voiced: &voiced,
        };
        let spans = plan(
            &[finding(Kind::Phone, Some(0), 0, 5000)],
            &layout,
            &policy(300, ChannelPolicy::All),
        );
        assert_eq!((spans[0].start, spans[0].end), (Frame(0), Frame(8000)));
        let spans = plan(
            &[finding(Kind::Phone, Some(0), 9000, 9500)],
            &layout,
            &policy(0, ChannelPolicy::All),
        );
        assert!(spans.is_empty());
    }
}
