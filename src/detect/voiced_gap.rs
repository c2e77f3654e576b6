//! Voiced audio that no word covers, inside a card or security-code window. Whisper drops
//! short utterances and once skipped ten seconds of speech: what the customer said there after
//! being asked for the card is treated as card data, not as silence.

use super::scene::{is_number_word, Scene};
use super::{Basis, Candidate, Detector};
use crate::types::Finding;
use crate::units::Ms;

pub(crate) struct VoicedGap;

const NAME: &str = "context.voiced_gap";
/// Whisper's alignment places words up to this much after the audio that said them: the
/// start of a stretch before its first word's time is that word, not a dropped one.
const ALIGN_LATE_MS: u64 = 500;

impl Detector for VoicedGap {
    fn name(&self) -> &'static str {
        NAME
    }

    fn find(&self, scene: &Scene, out: &mut Vec<Candidate>) {
        let min = scene.cfg.voiced_gap_min_ms;
        let bridge = scene.cfg.run_gap_ms;
        for w in scene
            .windows
            .iter()
            .filter(|w| scene.cfg.voiced_gap_kinds.contains(&w.kind))
        {
            for &c in &w.answering {
                let Some(ch) = scene.channel(c) else { continue };
                let mut pieces: Vec<(Ms, Ms)> = Vec::new();
                for v in scene.voiced.iter().filter(|v| v.channel == c) {
                    // From the end of the question: the question itself is the agent's, or
                    // (in mono) covered by its own words.
                    let (s, e) = (v.start.max(w.trigger_end), v.end.min(w.close));
                    if e > s {
                        pieces.extend(
                            uncovered(
                                ch.words
                                    .iter()
                                    .map(|w| (w.start.saturating_sub(Ms(ALIGN_LATE_MS)), w.end)),
                                s,
                                e,
                            )
                            .into_iter()
                            .filter(|(a, b)| b.0 - a.0 >= min),
                        );
                    }
                }
                pieces.sort();
                for (gs, ge) in close_ranks(pieces, ch.words, bridge) {
                    out.push(Candidate {
                        finding: Finding {
                            kind: w.kind,
                            channel: Some(c),
                            start: gs,
                            end: ge,
                            confidence: 0.5,
                            detector: NAME,
                            rule: "voiced_gap".into(),
                            words: None,
                        },
                        basis: Basis::Context,
                    });
                }
            }
        }
    }
}

/// Dropped digits come in groups with pauses between: pieces less than `bridge` apart with no
/// word between them are one piece, and a piece reaches back (or forward) to a number word said
/// within `bridge` of it, so a value half transcribed and half dropped is muted as one stretch.
fn close_ranks(pieces: Vec<(Ms, Ms)>, words: &[crate::types::Word], bridge: u64) -> Vec<(Ms, Ms)> {
    let mut out: Vec<(Ms, Ms)> = Vec::new();
    for (s, e) in pieces {
        if let Some(last) = out.last_mut() {
            let word_between = words.iter().any(|w| w.start >= last.1 && w.start < s);
            if s.0.saturating_sub(last.1 .0) <= bridge && !word_between {
                last.1 = last.1.max(e);
                continue;
            }
        }
        out.push((s, e));
    }
    for p in &mut out {
        if let Some(w) = words.iter().rev().find(|w| w.end <= p.0) {
            if p.0 .0 - w.end.0 <= bridge && is_number_word(&w.text) {
                p.0 = w.end;
            }
        }
        if let Some(w) = words.iter().find(|w| w.start >= p.1) {
            if w.start.0 - p.1 .0 <= bridge && is_number_word(&w.text) {
                p.1 = w.start;
            }
        }
    }
    out
}

/// The parts of [s, e) that no (start, end) interval covers.
fn uncovered(words: impl Iterator<Item = (Ms, Ms)>, s: Ms, e: Ms) -> Vec<(Ms, Ms)> {
    let mut spans: Vec<(Ms, Ms)> = words.filter(|(a, b)| *a < e && *b > s).collect();
    spans.sort();
    let mut out = Vec::new();
    let mut cur = s;
    for (a, b) in spans {
        if a > cur {
            out.push((cur, a.min(e)));
        }
        cur = cur.max(b);
        if cur >= e {
            break;
        }
    }
    if cur < e {
        out.push((cur, e));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Word;

    fn word(text: &str, s: u64, e: u64) -> Word {
        Word {
            text: text.into(),
            start: Ms(s),
            end: Ms(e),
            prob: 0.9,
        }
    }

    #[test]
    fn dropped_groups_close_ranks_and_reach_the_digits_before() {
        let words = [word("Okay,", 0, 300), word("4539", 1_000, 2_000)];
        let pieces = vec![(Ms(2_600), Ms(3_600)), (Ms(4_200), Ms(5_200))];
        assert_eq!(close_ranks(pieces, &words, 2_000), [(Ms(2_000), Ms(5_200))]);
    }

    use crate::detect::testutil::found_with;
    use crate::detect::DetectConfig;
    use crate::types::{Kind, Voiced};

    fn voiced(channel: u16, s: u64, e: u64) -> Voiced {
        Voiced {
            channel,
            start: Ms(s),
            end: Ms(e),
        }
    }

    #[test]
    fn voiced_audio_no_word_covers_in_a_card_window_is_muted() {
        let f = found_with(
            &[
                (0, "can I take the long number on the front", 0),
                (1, "okay", 3_500),
            ],
            &[voiced(1, 4_000, 9_000)],
            &DetectConfig::default(),
        );
        // The reply detector (`answer`) claims the same stretch as the customer's reply; one of
        // the two keeps it, as card data, by time rather than by words.
        assert_eq!(f.len(), 1);
        assert_eq!(
            (f[0].kind, f[0].channel, f[0].start, f[0].end, f[0].words),
            (Kind::CardNumber, Some(1), Ms(4_000), Ms(9_000), None)
        );
    }

    #[test]
    fn voiced_audio_outside_a_payment_window_is_left_alone() {
        let f = found_with(
            &[(0, "how can I help", 0), (1, "hello", 3_000)],
            &[voiced(1, 4_000, 9_000)],
            &DetectConfig::default(),
        );
        assert!(f.is_empty());
    }

    #[test]
    fn the_agents_own_uncovered_voice_is_not_a_gap() {
        let f = found_with(
            &[
                (0, "can I take the long number on the front", 0),
                (1, "okay", 3_500),
            ],
            &[voiced(0, 4_000, 9_000)],
            &DetectConfig::default(),
        );
        assert!(f.is_empty());
    }

    #[test]
    fn a_word_between_keeps_pieces_apart() {
        let words = [word("hang", 3_700, 3_900)];
        let pieces = vec![(Ms(2_600), Ms(3_600)), (Ms(4_200), Ms(5_200))];
        assert_eq!(close_ranks(pieces, &words, 2_000).len(), 2);
    }

    #[test]
    fn uncovered_leaves_the_gaps_between_words() {
        let words = [(Ms(100), Ms(200)), (Ms(400), Ms(500))];
        assert_eq!(
            uncovered(words.into_iter(), Ms(0), Ms(1000)),
            [(Ms(0), Ms(100)), (Ms(200), Ms(400)), (Ms(500), Ms(1000))]
        );
        assert_eq!(
            uncovered(std::iter::empty(), Ms(0), Ms(10)),
            [(Ms(0), Ms(10))]
        );
        assert!(uncovered([(Ms(0), Ms(2000))].into_iter(), Ms(10), Ms(20)).is_empty());
    }
}
