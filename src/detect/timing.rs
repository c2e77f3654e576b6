//! Word times checked against voice activity before any rule reads them. Whisper's alignment
//! gives the last word before a pause an end at the next word's start: "1982." from 24.4 s to
//! 29.8 s, over five seconds of silence and the other side's whole question. A finding ending
//! on such a word mutes everything up to the next speech, and a trigger ending on one keeps
//! its turn open. A word's end is cut back to the end of the voiced stretch it was said in,
//! and a word placed in the pause after it ("thanks." 90 ms after its stretch) is moved back.

use crate::types::{CallTranscript, Voiced, Word};
use crate::units::Ms;
use std::borrow::Cow;

/// A word starting this soon after a stretch ends was said in it, its start placed late.
const LATE_START_MS: u64 = 700;
/// A word starting this soon before a stretch begins was said in it: voice activity finds an
/// onset a frame or two after the word's first sound, and the pause before it is not where
/// the word was said.
const ONSET_LAG_MS: u64 = 50;
/// How long a word moved back to its stretch's end is taken to last.
const MIN_WORD_MS: u64 = 80;

/// The call with every word's end cut to where its voiced stretch ends, and a word placed in
/// the pause after its stretch moved back to that stretch's end. Unchanged, and not copied,
/// when there is no voice activity to go by.
pub(crate) fn clamp_word_ends<'a>(
    call: &'a CallTranscript,
    voiced: &[Voiced],
) -> Cow<'a, CallTranscript> {
    if voiced.is_empty() {
        return Cow::Borrowed(call);
    }
    let mut out = call.clone();
    for ch in &mut out.channels {
        let mut regions: Vec<(Ms, Ms)> = voiced
            .iter()
            .filter(|v| v.channel == ch.channel)
            .map(|v| (v.start, v.end))
            .collect();
        if regions.is_empty() {
            continue;
        }
        regions.sort();
        let next_starts: Vec<Option<Ms>> = (0..ch.words.len())
            .map(|i| ch.words.get(i + 1).map(|n| n.start))
            .collect();
        for (w, next) in ch.words.iter_mut().zip(next_starts) {
            if let Some((from, to)) = stretch_of(&regions, w.start) {
                if w.start > to {
                    // Placed in the pause after the stretch it was said in: moved back into
                    // it, so that every rule that places words by their start agrees.
                    w.start = to.saturating_sub(Ms(MIN_WORD_MS)).max(from);
                }
                let to = whole_number_end(&regions, w, to, next);
                // Voice activity's edges are measured, the alignment's are not: planning pads
                // and snaps the cut end to the pause anyway.
                w.end = w.end.min(to).max(w.start);
            }
        }
    }
    Cow::Owned(out)
}

/// A pause this short between stretches is one between groups of a number being read.
const GROUP_PAUSE_MS: u64 = 1_000;
/// The longest one digit of a number takes to say, slowly.
const DIGIT_MS: u64 = 700;

/// Where a word may end that Whisper wrote as one whole number ("0113-496-0712", "QK-086241"):
/// it was said group by group over several voiced stretches, so it ends with the last of them
/// that is chained to its own by short pauses and starts before the next word's stretch, within
/// the time its digits take to say. Any other word ends with its own stretch, `to`.
fn whole_number_end(regions: &[(Ms, Ms)], w: &Word, to: Ms, next: Option<Ms>) -> Ms {
    let digits = w.text.chars().filter(char::is_ascii_digit).count() as u64;
    if digits < 4 || w.end <= to {
        return to;
    }
    let next_stretch = next
        .and_then(|t| stretch_of(regions, t))
        .map_or(Ms(u64::MAX), |r| r.0);
    let limit = w.end.min(next_stretch).min(w.start + Ms(digits * DIGIT_MS));
    let mut end = to;
    for &(s, e) in regions.iter().filter(|r| r.0 >= to) {
        if s.0 > end.0 + GROUP_PAUSE_MS || s >= limit {
            break;
        }
        end = e.min(limit);
    }
    end
}

/// The voiced stretch a word starting at `t` belongs to: the one containing `t`;
/// for a word placed in a pause, the one just before when the word starts soon after it
/// (alignment is late) or nearer to it than to the next one, else the next one. None for a
/// word long after the last stretch.
fn stretch_of(regions: &[(Ms, Ms)], t: Ms) -> Option<(Ms, Ms)> {
    let i = regions.partition_point(|r| r.1 < t);
    let next = regions.get(i).copied();
    if let Some(r) = next.filter(|r| r.0 <= t) {
        return Some(r);
    }
    if let Some(n) = next.filter(|n| n.0 .0 <= t.0 + ONSET_LAG_MS) {
        return Some(n);
    }
    match i.checked_sub(1).map(|k| regions[k]) {
        Some(prev)
            if t.0 <= prev.1 .0 + LATE_START_MS
                || next.is_some_and(|n| t.0 - prev.1 .0 < n.0 .0 - t.0) =>
        {
            Some(prev)
        }
        _ => next,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{ChannelTranscript, Role, Word};

    fn call(words: &[(u64, u64)]) -> CallTranscript {
        let words = words
            .iter()
            .map(|&(s, e)| Word {
                text: "x".into(),
                start: Ms(s),
                end: Ms(e),
                prob: 0.9,
            })
            .collect();
        CallTranscript {
            channels: vec![ChannelTranscript {
                channel: 0,
                role: Role::Mixed,
                words,
            }],
        }
    }

    fn ends(c: &CallTranscript) -> Vec<u64> {
        c.channels[0].words.iter().map(|w| w.end.0).collect()
    }

    fn spans(c: &CallTranscript) -> Vec<(u64, u64)> {
        c.channels[0]
            .words
            .iter()
            .map(|w| (w.start.0, w.end.0))
            .collect()
    }

    fn v(s: u64, e: u64) -> Voiced {
        Voiced {
            channel: 0,
            start: Ms(s),
            end: Ms(e),
        }
    }

    #[test]
    fn a_word_stretched_over_a_pause_ends_with_its_stretch() {
        let c = call(&[(1_000, 1_400), (1_400, 9_000), (9_100, 9_500)]);
        let out = clamp_word_ends(&c, &[v(900, 2_000), v(9_000, 10_000)]);
        assert_eq!(ends(&out), [1_400, 2_000, 9_500]);
    }

    #[test]
    fn a_late_word_after_its_stretch_is_moved_back_into_it() {
        // Starts 500 ms after its stretch ended: it was said at the stretch's end.
        let c = call(&[(2_500, 8_000)]);
        assert_eq!(
            spans(&clamp_word_ends(&c, &[v(900, 2_000), v(9_000, 10_000)])),
            [(1_920, 2_000)]
        );
    }

    #[test]
    fn a_word_at_the_onset_of_the_next_stretch_belongs_to_it() {
        // 530 ms after one stretch, 10 ms before the next: voice activity found the next
        // stretch's onset a frame late; the word was said there, not in the pause.
        let c = call(&[(2_530, 3_000)]);
        let vad = [v(900, 2_000), v(2_540, 4_000)];
        assert_eq!(spans(&clamp_word_ends(&c, &vad)), [(2_530, 3_000)]);
        // Its nearest non-example: 100 ms before the onset and soon after the last stretch,
        // it is a late start in the stretch before.
        let c = call(&[(2_440, 3_000)]);
        assert_eq!(spans(&clamp_word_ends(&c, &vad)), [(1_920, 2_000)]);
    }

    #[test]
    fn a_word_in_a_long_pause_belongs_to_the_nearer_stretch() {
        let c = call(&[(4_000, 9_800)]);
        assert_eq!(
            spans(&clamp_word_ends(&c, &[v(900, 2_000), v(9_000, 10_000)])),
            [(1_920, 2_000)]
        );
    }

    #[test]
    fn a_word_well_before_a_stretch_belongs_to_the_next() {
        let c = call(&[(7_000, 9_800), (7_000, 12_000)]);
        assert_eq!(
            ends(&clamp_word_ends(&c, &[v(900, 2_000), v(9_000, 10_000)])),
            [9_800, 10_000]
        );
    }

    #[test]
    fn a_number_written_as_one_word_ends_with_its_last_group() {
        // "0113-496-0712," read in three groups, then "correct?" placed late after them.
        let mut c = call(&[(22_090, 26_870), (26_870, 27_000)]);
        c.channels[0].words[0].text = "0113-496-0712,".into();
        let vad = [
            v(21_600, 22_580),
            v(23_240, 24_160),
            v(24_820, 25_860),
            v(26_120, 26_380),
        ];
        assert_eq!(ends(&clamp_word_ends(&c, &vad))[0], 25_860);
        // Nearest non-examples: a word, and a short number, end with their own stretch.
        for text in ["thanks", "25,"] {
            c.channels[0].words[0].text = text.into();
            assert_eq!(ends(&clamp_word_ends(&c, &vad))[0], 22_580);
        }
    }

    #[test]
    fn without_voice_activity_nothing_changes() {
        let c = call(&[(0, 50_000)]);
        assert!(matches!(clamp_word_ends(&c, &[]), Cow::Borrowed(_)));
        // Words after the last stretch, or on a channel with none, keep their times.
        let other = [Voiced {
            channel: 1,
            ..v(0, 10)
        }];
        assert_eq!(ends(&clamp_word_ends(&c, &other)), [50_000]);
        assert_eq!(
            ends(&clamp_word_ends(&call(&[(20_000, 30_000)]), &[v(0, 1_000)])),
            [30_000]
        );
    }
}
