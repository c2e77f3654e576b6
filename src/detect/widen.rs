//! Card data reaches over the speaker's whole reading. Whisper garbles the first and last
//! groups of a number read out ("the can be brief and it's to 2, 2, 4, 6"): those words carry
//! no digits and their times are guesses, so a finding that starts at the first digit Whisper
//! did write misses the digits before it. A finding of a widened kind is stretched over the
//! speaker's voiced regions before and after it, through pauses a reader makes between groups,
//! up to a limit, and never over a region where a question or trigger phrase was said (in a
//! mono call that is the other speaker) or, in stereo, over a pause the other side spoke in.
//! What may not be a card (a security code, a `NUMBER` outside a payment) also stops at a
//! sentence Whisper heard whole, or after as many plain words as a garbled group can be: in
//! a mono call those are the question before the value and the next line after it.

use super::answer::{
    asks_question, lead_in_end, only_lead_in, only_tail, plain_words, GARBLED_WORDS,
};
use super::confirm::{checking_question_start, QUESTION_REACH};
use super::context::is_thanks;
use super::normalise::is_correction;
use super::scene::{is_digit_like, is_whole, ChannelScene, Scene};
use crate::types::{Finding, Kind, Word};
use crate::units::Ms;

/// Kinds that are stretched: the ones read as long digit strings, where a missed group is a
/// leak of card data.
const WIDENED: [Kind; 3] = [Kind::CardNumber, Kind::SecurityCode, Kind::Number];
/// The longest pause between two groups of one reading.
const GROUP_PAUSE_MS: u64 = 800;
/// How far a finding is stretched at either end, at most: most of a card number read in
/// groups, when Whisper wrote down only its first or last group.
const REACH_MS: u64 = 6_000;
/// A security code is three or four digits, said in a breath: its reach is short, or it runs
/// on into the "thanks, that's gone through" that follows it.
const CODE_REACH_MS: u64 = 1_500;
/// A `NUMBER` is a digit run nothing else explained: the digits are there, and a reach as
/// long as a card's ran over the question before it and the chat after it. Not while a card
/// payment is under way, where it may be the card with its context lost.
const NUMBER_REACH_MS: u64 = 3_000;

pub(crate) fn widen(scene: &Scene, findings: &mut [Finding]) {
    for f in findings.iter_mut().filter(|f| WIDENED.contains(&f.kind)) {
        let Some(c) = f.channel else { continue };
        let regions = scene.regions(c);
        let blocked = |a: Ms, b: Ms, gap: (Ms, Ms)| {
            said_trigger(scene, c, a, b) || scene.others_voiced(c, gap.0, gap.1)
        };
        // While a card payment is under way an unplaced long number may be the card.
        let card = match f.kind {
            Kind::CardNumber => true,
            Kind::Number => scene.paying(f.start),
            _ => false,
        };
        let reach = Ms(match f.kind {
            Kind::SecurityCode => CODE_REACH_MS,
            _ if card => REACH_MS,
            _ => NUMBER_REACH_MS,
        });
        // A card's garbled groups can be a sentence long ("me and my camera" for "nine nine
        // one"): only what may not be a card stops at the words said before and after it.
        let garbled = scene.channel(c).filter(|_| !card);
        // Measured from the words the value was read from: a finding over a whole utterance
        // starts at its first breath, before any sentence said ahead of the digits.
        let (said_from, said_to) = said(scene, f);
        // Backwards: from the start of the region the finding starts in (or from the finding's
        // start, when that is in a pause), region by region.
        // A value heard whole had no group garbled before it: the words there are its lead-in
        // ("Maco did" for "the code is"). Forwards the reach still runs, over card data that
        // may follow it unheard.
        let back = if heard_whole(scene, f) { Ms(0) } else { reach };
        let limit = f.start.saturating_sub(back);
        let mut at = f.start;
        // Where the reading starts if nothing before this breath belongs to it.
        let mut first_breath = None;
        let mut i = regions.iter().rposition(|r| r.0 <= f.start);
        if let Some(k) = i.filter(|&k| regions[k].1 >= f.start) {
            // "...the card number is 4539": the question before the value is not part of it,
            // nor is "no, hang on, it's" before a corrected one.
            if regions[k].0 >= limit
                && !said_trigger(scene, c, regions[k].0, f.start)
                && !scene
                    .channel(c)
                    .is_some_and(|ch| asks_question(ch, regions[k].0, f.start))
                && correction_in(scene, f, regions[k].0, f.start).is_none()
            {
                at = regions[k].0;
                // "Right, here we go, 4539 ...": words before the digits in the same breath
                // that are all lead-in words are not a garbled first group, unless the
                // reading began in an earlier breath ("4 3 9 ... so, 343 ...").
                first_breath = scene
                    .channel(c)
                    .and_then(|ch| lead_in_end(ch, regions[k].0, f.start));
            }
            i = k.checked_sub(1).filter(|_| at == regions[k].0);
        }
        let breath = at;
        while let Some(k) = i {
            let p = regions[k];
            if at.0 > p.1 .0 + GROUP_PAUSE_MS
                || p.0 < limit
                || blocked(p.0, p.1, (p.1, at))
                || scene
                    .channel(c)
                    .is_some_and(|ch| only_lead_in(ch, p.0, p.1))
                || thanks(scene, c, p.0, p.1)
                || scene
                    .channel(c)
                    .is_some_and(|ch| asks_question(ch, p.0, p.1))
                || correction_in(scene, f, p.0, p.1).is_some()
            {
                break;
            }
            at = p.0;
            i = k.checked_sub(1);
        }
        f.start = match first_breath {
            Some(t) if at == breath => t,
            _ => at,
        }
        .max(garbled.map_or(Ms(0), |ch| garbled_floor(ch, said_from)));
        // Forwards, the same way, but never into the question that checks the reading
        // ("... 1 6 5, have I got that right?"): it and what follows are the next line.
        let limit = f.end + reach;
        let asked = scene.channel(c).and_then(|ch| {
            // A question starts at most QUESTION_REACH words before its "right?": none after
            // these can start before the limit.
            (0..ch.words.len())
                .filter(|&k| ch.words[k].start >= f.end)
                .take_while(|&k| ch.words[k.saturating_sub(QUESTION_REACH)].start < limit)
                .find_map(|k| checking_question_start(ch.words, k))
                .map(|q| ch.words[q].start)
        });
        let limit = asked.map_or(limit, |q| q.min(limit));
        let mut at = f.end;
        let mut i = regions.iter().position(|r| r.1 >= f.end);
        if let Some(k) = i.filter(|&k| regions[k].0 <= f.end) {
            if let Some(t) = correction_in(scene, f, f.end, regions[k].1) {
                at = at.max(t);
                i = None;
            } else {
                if regions[k].1 <= limit
                    && !said_trigger(scene, c, f.end, regions[k].1)
                    && !scene
                        .channel(c)
                        .is_some_and(|ch| asks_question(ch, f.end, regions[k].1))
                {
                    at = regions[k].1;
                }
                i = Some(k + 1).filter(|_| at == regions[k].1);
            }
        }
        while let Some(k) = i.filter(|&k| k < regions.len()) {
            let n = regions[k];
            // After a reading, plain words are the next line (in mono, the other speaker's);
            // before it they may be the first group, garbled.
            if n.0 .0 > at.0 + GROUP_PAUSE_MS
                || n.1 > limit
                || blocked(n.0, n.1, (at, n.0))
                || scene
                    .channel(c)
                    .is_some_and(|ch| plain_words(ch, n.0, n.1, false))
                || thanks(scene, c, n.0, n.1)
                || scene.channel(c).is_some_and(|ch| only_tail(ch, n.0, n.1))
                || scene
                    .channel(c)
                    .is_some_and(|ch| asks_question(ch, n.0, n.1))
                || correction_in(scene, f, n.0, n.1).is_some()
            {
                break;
            }
            at = n.1;
            i = Some(k + 1);
        }
        f.end = at.min(garbled.map_or(Ms(u64::MAX), |ch| garbled_ceiling(ch, said_to)));
    }
}

/// Whether a word ends a sentence Whisper heard as words ("...make a payment."): a digit
/// with a full stop after it ("8.") is still a reading.
fn ends_sentence(w: &Word) -> bool {
    w.text.ends_with(['.', '?', '!']) && !is_digit_like(&w.text)
}

/// How far back a reading that starts at `start` can reach over the words said before it:
/// garbled groups are a few words between digits, so the reach stops after a sentence
/// Whisper heard whole ("I want to make a payment.") or after `GARBLED_WORDS` words in a
/// row without a digit. Breaths without words (speech Whisper dropped) are not limited.
fn garbled_floor(ch: &ChannelScene, start: Ms) -> Ms {
    let mut plain = 0;
    let mut floor = start;
    for w in ch.words.iter().rev().filter(|w| w.start < start) {
        if ends_sentence(w) {
            return w.end.min(floor);
        }
        plain = if is_digit_like(&w.text) { 0 } else { plain + 1 };
        floor = w.start;
        if plain >= GARBLED_WORDS {
            return floor;
        }
    }
    Ms(0)
}

/// The forward twin of `garbled_floor`. A sentence's last word may be the garbled last
/// digit ("...I'm free mate."), so it is kept and the reach ends after it.
fn garbled_ceiling(ch: &ChannelScene, end: Ms) -> Ms {
    let mut plain = 0;
    for w in ch.words.iter().filter(|w| w.start >= end) {
        plain = if is_digit_like(&w.text) { 0 } else { plain + 1 };
        if ends_sentence(w) || plain >= GARBLED_WORDS {
            return w.end;
        }
    }
    Ms(u64::MAX)
}

/// When the words a finding was read from start and end; its own times if it has none.
fn said(scene: &Scene, f: &Finding) -> (Ms, Ms) {
    let words = f.words.and_then(|r| {
        let ch = scene.channel(r.channel)?;
        Some((ch.words.get(r.first)?.start, ch.words.get(r.last)?.end))
    });
    words.unwrap_or((f.start, f.end))
}

/// Whether the digits a finding covers are a whole value of its kind (`is_whole`).
fn heard_whole(scene: &Scene, f: &Finding) -> bool {
    let Some(r) = &f.words else { return false };
    let digits: Vec<u8> = scene
        .values
        .iter()
        .filter(|v| v.channel == r.channel)
        .flat_map(|v| v.run.digits.iter())
        .filter(|d| (r.first..=r.last).contains(&d.word))
        .map(|d| d.value)
        .collect();
    is_whole(f.kind, &digits)
}

/// Whether a trigger or closing phrase was said on channel `c` with its first word in [a, b).
fn said_trigger(scene: &Scene, c: u16, a: Ms, b: Ms) -> bool {
    scene
        .triggers
        .iter()
        .any(|t| t.channel == c && t.start >= a && t.start < b)
}

/// Whether the first word said in the stretch [a, b) thanks someone: a reading before it is
/// over (in mono, the agent has taken it), and one after it is another value. Words are
/// placed up to `LATE_MS` after their audio.
/// When the finding's channel started a correction word in [a, b), if it did. Not for card
/// numbers: there a garbled first group may follow "sorry, one second", and a missed group
/// is a leak.
fn correction_in(scene: &Scene, f: &Finding, a: Ms, b: Ms) -> Option<Ms> {
    if f.kind == Kind::CardNumber {
        return None;
    }
    scene
        .channel(f.channel?)?
        .words
        .iter()
        .find(|w| w.start >= a && w.start < b && is_correction(&w.text))
        .map(|w| w.start)
}

fn thanks(scene: &Scene, c: u16, a: Ms, b: Ms) -> bool {
    const LATE_MS: u64 = 500;
    let Some(ch) = scene.channel(c) else {
        return false;
    };
    ch.words
        .iter()
        .find(|w| w.start >= a && w.start < b + Ms(LATE_MS))
        .is_some_and(|w| is_thanks(&w.text))
}

#[cfg(test)]
mod tests {
    use crate::detect::testutil::found_with;
    use crate::detect::DetectConfig;
    use crate::types::{Kind, Voiced};
    use crate::units::Ms;

    fn v(s: u64, e: u64) -> Voiced {
        Voiced {
            channel: 0,
            start: Ms(s),
            end: Ms(e),
        }
    }

    #[test]
    fn a_reading_is_muted_from_its_garbled_first_group() {
        // Mono: chat, a pause, a first group Whisper garbled, the digits it wrote.
        let u = [
            (0, "hello there my friend", 0),
            (0, "the can be brief", 2_800),
            (0, "4 5 3 9 1 4 8 8 0 3", 4_600),
        ];
        let voiced = [v(0, 1_700), v(2_700, 4_200), v(4_500, 8_600)];
        let f = found_with(&u, &voiced, &DetectConfig::default());
        let card = f
            .iter()
            .find(|f| matches!(f.kind, Kind::Number | Kind::CardNumber))
            .expect("a number");
        assert_eq!((card.start, card.end), (Ms(2_700), Ms(8_600)));
    }

    #[test]
    fn a_card_does_not_reach_over_the_next_question() {
        // Mono: the card, then the agent's next request heard as a question but garbled out
        // of every trigger ("X-tyring 8" for "expiry date").
        let u = [
            (0, "the long number on the card", 0),
            (0, "4 5 3 9 1 4 8 8 0 3 4 3 6 4 6 7", 2_500),
            (0, "can i have the x-tyring 8 month and year?", 9_500),
        ];
        let voiced = [v(0, 2_200), v(2_400, 9_000), v(9_400, 13_000)];
        let f = found_with(&u, &voiced, &DetectConfig::default());
        let card = f.iter().find(|f| f.kind == Kind::CardNumber).expect("card");
        assert!(card.end <= Ms(9_000), "{:?}", (card.start, card.end));
    }

    #[test]
    fn a_last_group_said_as_a_question_is_still_the_card() {
        // The nearest non-example: a garbled last group with a rising tone ("6 4 6 7?") is
        // digits, not a question Whisper heard as words.
        let u = [
            (0, "the long number on the card", 0),
            (0, "4 5 3 9 1 4 8 8 0 3 4 3", 2_500),
            (0, "so the 6 4 6 7?", 8_000),
        ];
        let voiced = [v(0, 2_200), v(2_400, 7_300), v(7_900, 10_500)];
        let f = found_with(&u, &voiced, &DetectConfig::default());
        let card = f.iter().find(|f| f.kind == Kind::CardNumber).expect("card");
        assert!(card.end >= Ms(10_000), "{:?}", (card.start, card.end));
    }

    #[test]
    fn a_corrected_code_does_not_reach_back_over_the_correction() {
        // Mono: "3 8 8, wait, sorry, that's wrong," then a breath, "it's 5 8 8".
        let u = [
            (0, "and the security code", 0),
            (0, "3 8 8 wait sorry that's wrong it's 5 8 8", 3_000),
        ];
        let voiced = [v(0, 1_500), v(2_900, 5_600), v(5_700, 7_400)];
        let f = found_with(&u, &voiced, &DetectConfig::default());
        let codes: Vec<_> = f.iter().filter(|f| f.kind == Kind::SecurityCode).collect();
        let spans: Vec<_> = codes.iter().map(|f| (f.start, f.end)).collect();
        assert_eq!(codes.len(), 2, "{spans:?}");
        // The pause before "it's" is 100 ms, well inside a reading's: a code's short reach
        // (and the correction, were the reach longer) keeps the second code from taking it.
        assert!(codes[1].start >= Ms(5_600), "{spans:?}");
    }

    #[test]
    fn a_number_outside_a_payment_reaches_3_s_not_6() {
        // Mono: a garbled question, "you can get me on", then the digits.
        let u = [
            (0, "okay can i take a counter counter term", 0),
            (0, "you can get me on", 3_300),
            (0, "0 7 7 0 9 0 3 9 3", 5_500),
        ];
        let voiced = [v(0, 3_100), v(3_250, 5_300), v(5_450, 9_200)];
        let f = found_with(&u, &voiced, &DetectConfig::default());
        let n: Vec<_> = f.iter().filter(|f| f.kind == Kind::Number).collect();
        assert_eq!(
            n.len(),
            1,
            "{:?}",
            f.iter().map(|f| (f.kind, f.start)).collect::<Vec<_>>()
        );
        assert!(n[0].start >= Ms(3_250), "{:?}", n[0].start);
    }

    /// (kind, start, end, rule) of every finding, for assertion messages.
    fn spans(f: &[crate::types::Finding]) -> Vec<(Kind, Ms, Ms, String)> {
        f.iter()
            .map(|f| (f.kind, f.start, f.end, f.rule.clone()))
            .collect()
    }

    /// The one `NUMBER` finding among `f`.
    fn the_number(f: &[crate::types::Finding]) -> &crate::types::Finding {
        let n: Vec<_> = f.iter().filter(|f| f.kind == Kind::Number).collect();
        assert_eq!(n.len(), 1, "{:?}", spans(f));
        n[0]
    }

    #[test]
    fn a_sentence_heard_whole_before_a_number_stays_audible() {
        // Mono, one breath: a sentence Whisper wrote whole, then digits with no context.
        let u = [(0, "I moved house last month. so 0 7 7 0 9 0 3 9 3", 0)];
        let f = found_with(&u, &[v(0, 6_000)], &DetectConfig::default());
        // "month." ends at 1_900.
        assert_eq!(the_number(&f).start, Ms(1_900), "{:?}", spans(&f));
    }

    #[test]
    fn a_few_garbled_words_before_a_number_stay_muted() {
        // The nearest non-example: the same breath, but the words before the digits are no
        // sentence, and fewer than a garbled group can be: they may be its first digits.
        let u = [(0, "so the can be 0 7 7 0 9 0 3 9 3", 0)];
        let f = found_with(&u, &[v(0, 4_000)], &DetectConfig::default());
        assert_eq!(the_number(&f).start, Ms(0), "{:?}", spans(&f));
    }

    #[test]
    fn a_sentence_heard_whole_after_a_number_stays_audible() {
        let u = [(0, "0 7 7 0 9 0 3 9 3 from the box. my parcel came late", 0)];
        let f = found_with(&u, &[v(0, 6_000)], &DetectConfig::default());
        // "box." ends at 4_700: the sentence's last word may be the last digit, garbled.
        assert_eq!(the_number(&f).end, Ms(4_700), "{:?}", spans(&f));
    }

    #[test]
    fn a_card_reaches_over_a_sentence_whisper_made_of_its_groups() {
        // The card itself is never cut at a full stop: garbled groups come out as sentences
        // ("Me and my camera." for "nine nine one").
        let u = [
            (0, "can I take the long number please", 0),
            (
                0,
                "me and my camera. 4 5 3 9 1 4 8 8 0 3 4 3 6 4 6 7",
                3_000,
            ),
        ];
        let voiced = [v(0, 2_700), v(2_900, 10_000)];
        let f = found_with(&u, &voiced, &DetectConfig::default());
        let card = f
            .iter()
            .find(|f| f.kind == Kind::CardNumber)
            .expect("the card");
        assert_eq!(card.start, Ms(2_900), "{:?}", spans(&f));
    }

    #[test]
    fn thanks_ends_the_reach_backwards() {
        // Mono: the agent thanks, asks (garbled), and the reply is a number.
        let u = [
            (0, "thanks", 3_000),
            (0, "and the next pirate", 4_000),
            (0, "oh nine two nine", 5_900),
        ];
        let voiced = [v(2_900, 3_600), v(3_900, 5_500), v(5_800, 7_400)];
        let f = found_with(&u, &voiced, &DetectConfig::default());
        assert!(
            !f.is_empty() && f.iter().all(|f| f.start >= Ms(3_900)),
            "{:?}",
            f.iter().map(|f| (f.kind, f.start)).collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_stall_before_a_reading_stays_audible() {
        // Mono: the question, "hang on, let me just get my card", then, in one breath,
        // "right, here we go" and the digits.
        let u = [
            (0, "can I take the long number please", 0),
            (0, "hang on let me just get my card", 3_000),
            (0, "right here we go 4 5 3 9 1 4 8 8 0 3 4 3 6 4 6 7", 6_200),
        ];
        let voiced = [v(0, 2_700), v(2_900, 5_800), v(6_100, 13_000)];
        let f = found_with(&u, &voiced, &DetectConfig::default());
        let card = f
            .iter()
            .find(|f| f.kind == Kind::CardNumber)
            .expect("the card");
        // "go" ends at 7_700; the first digit starts at 7_800.
        assert_eq!(
            card.start,
            Ms(7_700),
            "{:?}",
            f.iter()
                .map(|f| (f.kind, f.start, f.end, f.detector, &f.rule))
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn words_before_the_digits_that_are_not_lead_ins_are_kept_muted() {
        // The nearest non-example: "the can be brief" is a first group Whisper garbled, said
        // in the same breath as the digits it did write.
        let u = [
            (0, "can I take the long number please", 0),
            (0, "the can be brief 4 5 3 9 1 4 8 8 0 3 4 3 6 4 6 7", 3_000),
        ];
        let voiced = [v(0, 2_700), v(2_900, 10_000)];
        let f = found_with(&u, &voiced, &DetectConfig::default());
        let card = f
            .iter()
            .find(|f| f.kind == Kind::CardNumber)
            .expect("the card");
        assert_eq!(card.start, Ms(2_900), "{:?}", (card.start, card.end));
    }

    #[test]
    fn a_reading_does_not_reach_into_the_question_checking_it() {
        // Mono: the agent reads a number back, asks "have I got that right?", and the
        // customer says "that's right": neither is part of the number.
        let u = [
            (0, "so 0 7 7 0 9 0 3 9 3", 0),
            (0, "have I got that right?", 4_100),
            (0, "that's right", 6_400),
        ];
        let voiced = [v(0, 3_800), v(4_000, 6_000), v(6_300, 7_200)];
        let f = found_with(&u, &voiced, &DetectConfig::default());
        let n = f
            .iter()
            .find(|f| f.kind == Kind::Number || f.kind == Kind::Phone)
            .expect("the number");
        assert!(n.end <= Ms(3_800), "{:?}", (n.kind, n.start, n.end));
    }

    #[test]
    fn the_question_before_a_reading_is_not_part_of_it() {
        let u = [
            (0, "can I take the card number", 0),
            (0, "4 5 3 9 1 4 8 8 0 3", 2_700),
        ];
        let voiced = [v(0, 2_300), v(2_600, 6_600)];
        let f = found_with(&u, &voiced, &DetectConfig::default());
        assert!(
            f.iter().all(|f| f.start >= Ms(2_300)),
            "{:?}",
            f.iter().map(|f| (f.kind, f.start)).collect::<Vec<_>>()
        );
    }
}
