//! Redacted transcripts: each channel's words grouped into segments at pauses, with every
//! finding's words replaced by its `[KIND]` tag.

use crate::types::Span;
use crate::types::{CallTranscript, Finding, Kind, Role};
use crate::units::{frame_to_ms, Ms};
use serde::Serialize;

/// A pause this long between words starts a new segment.
const SEGMENT_GAP_MS: u64 = 800;
/// A word holding this many digits that no detector claimed is still masked: it is a number
/// someone read out, and the transcript is no place to keep it.
const STRAY_DIGITS: usize = 4;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Segment {
    pub start_ms: u64,
    pub end_ms: u64,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChannelText {
    pub channel: u16,
    pub role: Role,
    pub segments: Vec<Segment>,
}

/// Builds the redacted transcript. A word is masked when a finding on its channel covers it
/// (by word index, or by time for findings without words), or when it falls inside a muted
/// span: what the listener cannot hear, the reader must not read.
pub fn redact(
    call: &CallTranscript,
    findings: &[Finding],
    spans: &[Span],
    rate: u32,
) -> Vec<ChannelText> {
    let muted: Vec<(Ms, Ms, Kind, &[u16])> = spans
        .iter()
        .map(|s| {
            (
                frame_to_ms(s.start, rate),
                frame_to_ms(s.end, rate),
                s.kinds.first().copied().unwrap_or(Kind::Number),
                s.channels.as_slice(),
            )
        })
        .collect();
    call.channels
        .iter()
        .map(|ch| {
            let tags: Vec<Option<Kind>> = ch
                .words
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    let by_finding = findings.iter().find(|f| match (f.words, f.channel) {
                        (Some(r), _) => r.channel == ch.channel && r.first <= i && i <= r.last,
                        (None, c) => {
                            c.is_none_or(|c| c == ch.channel) && w.start < f.end && f.start < w.end
                        }
                    });
                    if let Some(f) = by_finding {
                        return Some(f.kind);
                    }
                    let mid = Ms((w.start.0 + w.end.0) / 2);
                    if let Some(m) = muted.iter().find(|(s, e, _, chans)| {
                        chans.contains(&ch.channel) && *s <= mid && mid < *e
                    }) {
                        return Some(m.2);
                    }
                    if w.text.chars().filter(|c| c.is_ascii_digit()).count() >= STRAY_DIGITS {
                        return Some(Kind::Number);
                    }
                    None
                })
                .collect();
            let mut segments: Vec<Segment> = Vec::new();
            let mut last_tag: Option<Kind> = None;
            let mut last_end = Ms(0);
            for (w, tag) in ch.words.iter().zip(&tags) {
                let new_segment =
                    segments.is_empty() || w.start.0.saturating_sub(last_end.0) >= SEGMENT_GAP_MS;
                if new_segment {
                    segments.push(Segment {
                        start_ms: w.start.0,
                        end_ms: w.end.0,
                        text: String::new(),
                    });
                    last_tag = None;
                }
                let seg = segments.last_mut().expect("pushed above");
                seg.end_ms = seg.end_ms.max(w.end.0);
                match tag {
                    // Consecutive words of one kind collapse into a single tag.
                    Some(k) if last_tag == Some(*k) => {}
                    Some(k) => {
                        push_word(&mut seg.text, &k.tag());
                        last_tag = Some(*k);
                    }
                    None => {
                        push_word(&mut seg.text, &w.text);
                        last_tag = None;
                    }
                }
                last_end = w.end;
            }
            ChannelText {
                channel: ch.channel,
                role: ch.role,
                segments,
            }
        })
        .collect()
}

fn push_word(text: &mut String, w: &str) {
    if !text.is_empty() {
        text.push(' ');
    }
    text.push_str(w);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{ChannelTranscript, Word, WordRange};

    fn w(text: &str, s: u64, e: u64) -> Word {
        Word {
            text: text.into(),
            start: Ms(s),
            end: Ms(e),
            prob: 0.9,
        }
    }

    fn call() -> CallTranscript {
        CallTranscript {
            channels: vec![ChannelTranscript {
                channel: 1,
                role: Role::Customer,
                words: vec![
                    w("It's", 0, 200),
                    w("4539", 200, 600),
                    w("1488", 600, 900),
                    w("thanks", 1000, 1200),
                    w("bye", 5000, 5200),
                ],
            }],
        }
    }

    #[test]
    fn finding_words_become_one_tag() {
        let f = Finding {
            kind: Kind::CardNumber,
            channel: Some(1),
            start: Ms(200),
            end: Ms(900),
            confidence: 1.0,
            detector: "t",
            rule: "t".into(),
            words: Some(WordRange {
                channel: 1,
                first: 1,
                last: 2,
            }),
        };
        let out = redact(&call(), &[f], &[], 8000);
        let texts: Vec<_> = out[0].segments.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts, ["It's [CARD_NUMBER] thanks", "bye"]);
    }

    #[test]
    fn stray_long_numerals_are_masked_even_without_a_finding() {
        let out = redact(&call(), &[], &[], 8000);
        assert_eq!(out[0].segments[0].text, "It's [NUMBER] thanks");
    }

    #[test]
    fn words_inside_a_muted_span_are_masked() {
        let span = Span {
            start: crate::units::Frame(7600),
            end: crate::units::Frame(10_000),
            channels: vec![0, 1],
            kinds: vec![Kind::Phone],
        };
        let out = redact(&call(), &[], &[span], 8000);
        assert_eq!(out[0].segments[0].text, "It's [NUMBER] [PHONE]");
    }
}
