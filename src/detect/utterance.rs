//! An utterance full of number words is someone reading a number out, even when Whisper turned
//! half of it into junk ("time one triple-fendron, two-level-low" for "five one triple seven
//! two double oh"). No digit run is long enough, and the words hold no trigger, but the
//! speaker's voiced stretch that says three or more digits, and says little else, is muted
//! whole, by voice activity: the junk words' times are as unreliable as their text.

use super::answer::{before_tail_stretch, past_lead_in_stretch, past_questions};
use super::context::is_acknowledgement;
use super::normalise::{clean, is_round_thousands, lex, parts, ItemKind, Lex};
use super::scene::{ChannelScene, Scene};
use super::{Basis, Candidate, Detector};
use crate::types::{Finding, Kind, Role};
use crate::units::Ms;

pub(crate) struct NumericUtterance;

const NAME: &str = "digits.utterance";

/// Voiced stretches closer than this, with nobody else speaking between, are one utterance.
const JOIN_MS: u64 = 1_200;
/// Digits an utterance must say: four for the answering side (a card number's group; "2 for
/// 1" and "the 3rd or the 5th" say fewer), five for the agent, whose prices and times are the
/// usual decoys. Security codes are left to the windows that ask for them.
const MIN_DIGITS: usize = 4;
const MIN_DIGITS_AGENT: usize = 5;
/// Words that make a short number a price.
pub(crate) const PRICE_WORDS: &[&str] = &[
    "cost", "costs", "price", "fee", "charge", "pounds", "pound", "quid", "pence", "p", "dollars",
    "euros", "pay", "paid", "owe", "balance",
];

impl Detector for NumericUtterance {
    fn name(&self) -> &'static str {
        NAME
    }

    fn find(&self, scene: &Scene, out: &mut Vec<Candidate>) {
        for ch in &scene.channels {
            if ch.role == Role::Agent && !scene.cfg.number_from_agent {
                continue;
            }
            let digits = word_digits(ch);
            let min = if ch.role == Role::Agent {
                MIN_DIGITS_AGENT
            } else {
                MIN_DIGITS
            };
            let regions = scene.regions(ch.channel);
            for (s, e) in utterances(scene, ch, &digits) {
                let inside: Vec<usize> = ch.said_at(s, e).collect();
                let said: usize = inside.iter().map(|&i| digits[i]).sum();
                let numeric = inside.iter().filter(|&&i| digits[i] > 0).count();
                let content = inside
                    .iter()
                    .filter(|&&i| !is_acknowledgement(&ch.words[i].text))
                    .count();
                // A trigger or closing phrase ("your reference is ...") makes it someone
                // else's business: the window detectors or nobody.
                if said < min || 2 * numeric < content || inside.iter().any(|&i| ch.masked[i]) {
                    continue;
                }
                // "... your reference is | 563-232-971": read in the breath after a closing
                // phrase, it is the reference.
                if inside
                    .first()
                    .is_some_and(|&i| scene.after_closer(ch.channel, ch.words[i].start))
                {
                    continue;
                }
                // "It's 66.50.": Whisper writes an amount as pounds and pence.
                if said <= 5 && inside.iter().any(|&i| is_amount(&ch.words[i].text)) {
                    continue;
                }
                // "It costs twelve ninety nine": a price, however it was said.
                if said <= 4
                    && inside.iter().any(|&i| {
                        PRICE_WORDS.contains(&clean(&ch.words[i].text).as_str())
                            || ch.words[i].text.contains('£')
                    })
                {
                    continue;
                }
                // "Call us on 0800 ...": a company's service number (08xx, 03xx) is nobody's
                // personal data.
                if ch.role != Role::Customer && service_number(ch, &inside) {
                    continue;
                }
                let windows = scene.windows_at(s);
                let window = windows
                    .iter()
                    .rev()
                    .map(|&i| &scene.windows[i])
                    .find(|w| w.answering.contains(&ch.channel));
                let (kind, rule) = match window {
                    Some(w) => (w.kind, w.rule()),
                    None => (Kind::Number, "numeric_utterance".to_string()),
                };
                // "Okay, it's ..." said as a stretch of its own is not part of the number, nor
                // (in mono) the agent's question before it.
                let start =
                    past_lead_in_stretch(ch, &regions, past_questions(ch, &regions, s, e), e);
                let e = before_tail_stretch(ch, &regions, start, e);
                out.push(Candidate {
                    finding: Finding {
                        kind,
                        channel: Some(ch.channel),
                        start,
                        end: e,
                        confidence: 0.45,
                        detector: NAME,
                        rule,
                        words: None,
                    },
                    basis: if window.is_some() {
                        Basis::Context
                    } else {
                        Basis::Fallback
                    },
                });
            }
        }
    }
}

/// "66.50", "29.99,": one to three digits, a point, two digits, as Whisper writes an amount.
/// A security code or a card group read as "4.5.1" or "4539" is not one.
fn is_amount(text: &str) -> bool {
    let t = text.trim_end_matches(['.', ',', '?', '!']);
    let t = t.strip_prefix('£').unwrap_or(t);
    t.split_once('.').is_some_and(|(a, b)| {
        (1..=3).contains(&a.len())
            && b.len() == 2
            && a.chars().chain(b.chars()).all(|c| c.is_ascii_digit())
    })
}

/// Whether the first digits said in the words `inside` begin a UK service number (08, 03).
fn service_number(ch: &ChannelScene, inside: &[usize]) -> bool {
    let digits: String = inside
        .iter()
        .flat_map(|&i| ch.words[i].text.chars().filter(char::is_ascii_digit))
        .take(2)
        .collect();
    digits == "08" || digits == "03"
}

/// Digits each word says, as the normaliser read it in context: prices, times, years and round
/// thousands ("250,000") say none; a homophone ("for", "to") says one only next to real
/// digits; a word Whisper hyphenated out of digit names ("three-eight-one-time") says one per
/// digit name in it.
pub(crate) fn word_digits(ch: &ChannelScene) -> Vec<usize> {
    let mut d = vec![0usize; ch.words.len()];
    for it in &ch.items {
        let n = match &it.kind {
            ItemKind::Num {
                digits,
                value,
                year_like,
                ..
            } => {
                if *year_like || (digits.len() == 4 && (1900..=2099).contains(value)) {
                    0
                } else {
                    digits.len()
                }
            }
            ItemKind::Decimal(n) => *n as usize,
            _ => 0,
        };
        // A multi-word number ("forty five") spreads over its words; count it on the first.
        if let Some(x) = d.get_mut(it.first) {
            *x += n;
        }
    }
    for (i, w) in ch.words.iter().enumerate() {
        if is_round_thousands(&w.text) {
            d[i] = 0;
            continue;
        }
        if d[i] == 0 {
            let c = clean(&w.text);
            let ps = parts(&c);
            // "triple" says three digits even when the digit after it came out as junk.
            let says = |p: &str| match lex(p) {
                Lex::Unit(_) | Lex::Teen(_) | Lex::Tens(_) => 1,
                Lex::Mult(n) => n as usize,
                _ => 0,
            };
            if ps.len() > 1 || matches!(lex(&c), Lex::Mult(_)) {
                d[i] = ps.iter().map(|p| says(p)).sum();
            }
        }
    }
    d
}

/// The voiced stretches of `ch` joined into utterances: gaps under `JOIN_MS` with no other
/// channel voiced in them. In mono a short pause may be a change of speaker, so a stretch
/// stands alone unless it and the one before both say only digits (`widen` later reaches over
/// the rest of a reading).
fn utterances(scene: &Scene, ch: &ChannelScene, digits: &[usize]) -> Vec<(Ms, Ms)> {
    let mono = scene.channels.len() == 1;
    // In mono the next speaker cannot be told apart, so stretches join only when both say
    // digits and nothing else but "yes"-like words: a number read digit by digit, a breath
    // between each ("Four, | six, | seven, three, | one, | one."). An amount ("it's 66.50")
    // is not such a stretch, nor is the other side's "Okay." alone.
    let only_digits = |s: Ms, e: Ms| {
        let words: Vec<usize> = ch.said_at(s, e).collect();
        words.iter().any(|&i| digits[i] > 0)
            && words.iter().all(|&i| {
                let t = &ch.words[i].text;
                (digits[i] > 0 && !is_amount(t)) || (digits[i] == 0 && is_acknowledgement(t))
            })
    };
    let mut out: Vec<(Ms, Ms, bool)> = Vec::new();
    for (s, e) in scene.regions(ch.channel) {
        let digits_only = mono && only_digits(s, e);
        if let Some(last) = out.last_mut() {
            let close = s.0 <= last.1 .0 + JOIN_MS;
            let other = scene.others_voiced(ch.channel, last.1, s);
            if close && ((!mono && !other) || (digits_only && last.2)) {
                last.1 = last.1.max(e);
                continue;
            }
        }
        out.push((s, e, digits_only));
    }
    out.into_iter().map(|(s, e, _)| (s, e)).collect()
}

#[cfg(test)]
mod tests {
    use crate::detect::testutil::{found_with, voiced as v};
    use crate::detect::DetectConfig;
    use crate::types::{Kind, Voiced};

    fn numeric(utterances: &[(u16, &str, u64)], voiced: &[Voiced]) -> Vec<(Kind, u64, u64)> {
        found_with(utterances, voiced, &DetectConfig::default())
            .into_iter()
            .filter(|f| f.detector == super::NAME)
            .map(|f| (f.kind, f.start.0, f.end.0))
            .collect()
    }

    #[test]
    fn in_mono_a_number_read_digit_by_digit_is_one_utterance() {
        // "Four, | six, | seven, three, | one, | one.": each breath says one or two digits.
        let voiced = [
            v(0, 0, 1_000),
            v(0, 1_300, 1_600),
            v(0, 2_000, 2_400),
            v(0, 2_700, 3_500),
            v(0, 3_900, 4_300),
            v(0, 4_700, 5_000),
        ];
        let said = [
            (0, "what's the code?", 0),
            (0, "four,", 1_300),
            (0, "six,", 2_000),
            (0, "seven, three,", 2_700),
            (0, "one,", 3_900),
            (0, "one.", 4_700),
        ];
        assert_eq!(numeric(&said, &voiced), [(Kind::Number, 1_300, 5_000)]);
        // The nearest non-examples: a short code, then an amount in the next breath, or the
        // other side's "Okay," and more digits: they do not join, and none says four digits.
        let said = [
            (0, "what's the code?", 0),
            (0, "one, three,", 1_300),
            (0, "two.", 2_000),
            (0, "it's 66.50.", 2_700),
        ];
        assert!(numeric(&said, &voiced[..4]).is_empty());
        let said = [
            (0, "what's the code?", 0),
            (0, "one, three,", 1_300),
            (0, "okay,", 2_000),
            (0, "two one.", 2_700),
        ];
        assert!(numeric(&said, &voiced[..4]).is_empty());
    }

    #[test]
    fn that_s_it_after_a_reading_stays_audible() {
        // "12, 10, 97." then, after a breath, "That's it.": the customer is done.
        let voiced = [v(0, 0, 2_000), v(0, 2_300, 3_000)];
        assert_eq!(
            numeric(&[(0, "4 5 3 9 1", 0), (0, "that's it", 2_400)], &voiced),
            [(Kind::Number, 0, 2_000)]
        );
        // The nearest non-example: a last stretch with anything else in it ("that's 6 7")
        // may be the end of the number, and stays muted.
        assert_eq!(
            numeric(&[(0, "4 5 3 9 1", 0), (0, "that's 6 7", 2_400)], &voiced),
            [(Kind::Number, 0, 3_000)]
        );
        // Nor is "yes", or "you" alone: they are what Whisper writes for a short group it
        // could not make out.
        for lost in ["yes", "you"] {
            assert_eq!(
                numeric(&[(0, "4 5 3 9 1", 0), (0, lost, 2_400)], &voiced),
                [(Kind::Number, 0, 3_000)],
                "{lost}"
            );
        }
    }

    #[test]
    fn a_hedge_or_a_check_after_a_reading_stays_audible() {
        // "...9 1." then, after a breath, "I think." or "Got that?": the customer is done.
        let voiced = [v(0, 0, 2_000), v(0, 2_300, 3_000)];
        for tail in ["i think", "got that", "did you get that"] {
            assert_eq!(
                numeric(&[(0, "4 5 3 9 1", 0), (0, tail, 2_400)], &voiced),
                [(Kind::Number, 0, 2_000)],
                "{tail}"
            );
        }
        // The nearest non-example: "I" alone, or "I've got" with a digit, may be the last
        // group misheard, and stays muted.
        for lost in ["i", "i got 6 7"] {
            assert_eq!(
                numeric(&[(0, "4 5 3 9 1", 0), (0, lost, 2_400)], &voiced),
                [(Kind::Number, 0, 3_000)],
                "{lost}"
            );
        }
    }

    #[test]
    fn a_question_before_a_number_in_one_utterance_stays_audible() {
        // Stereo, the agent: a sentence heard whole (no trigger in it), and in the next
        // breath a number read out: only the number is muted.
        let voiced = [v(0, 0, 3_000), v(0, 3_300, 6_800), v(1, 7_000, 7_500)];
        let muted_from = |first: &str| {
            let u = [
                (0, first, 0),
                (0, "one nine nine seven four four two one", 3_400),
                (1, "yes", 7_000),
            ];
            found_with(&u, &voiced, &DetectConfig::default())
                .iter()
                .map(|f| f.start.0)
                .min()
        };
        assert_eq!(
            muted_from("i will leave a free ticket for you at the desk"),
            Some(3_300)
        );
        // The nearest non-example: a sentence as long, but saying a digit, is the first
        // group read with words around it, and stays muted with the rest.
        assert_eq!(
            muted_from("i will leave a free ticket 4 you at the desk"),
            Some(0)
        );
    }

    #[test]
    fn a_garbled_reading_is_muted_by_its_voiced_stretch() {
        let u = [
            (0, "how would you like to pay", 0),
            (
                1,
                "okay it's time one triple-fendron, two-level-low.",
                3_000,
            ),
        ];
        let voiced = [v(0, 0, 2_300), v(1, 2_900, 3_700), v(1, 4_100, 6_300)];
        assert_eq!(numeric(&u, &voiced), [(Kind::Number, 2_900, 6_300)]);
    }

    #[test]
    fn a_stretch_of_lead_in_words_before_a_reading_stays_audible() {
        let u = [
            (0, "how would you like to pay", 0),
            (1, "okay here we go", 3_000),
            (1, "time one triple-fendron, two-level-low.", 4_800),
        ];
        let voiced = [v(0, 0, 2_300), v(1, 2_900, 4_500), v(1, 4_700, 6_900)];
        assert_eq!(numeric(&u, &voiced), [(Kind::Number, 4_700, 6_900)]);
    }

    #[test]
    fn prices_times_and_chatter_are_not_readings() {
        let voiced = [v(0, 0, 4_000)];
        assert!(numeric(
            &[(0, "that's twenty nine pounds ninety nine a month", 0)],
            &voiced
        )
        .is_empty());
        assert!(numeric(&[(0, "we're open nine till five on weekdays", 0)], &voiced).is_empty());
        assert!(numeric(
            &[(0, "I have two cats and one dog at home you see", 0)],
            &voiced
        )
        .is_empty());
    }

    #[test]
    fn an_amount_in_pounds_and_pence_is_not_a_reading_and_a_code_is() {
        let voiced = [v(0, 0, 1_000), v(0, 1_200, 2_500)];
        assert!(numeric(&[(0, "okay", 0), (0, "it's 66.50.", 1_200)], &voiced).is_empty());
        assert_eq!(
            numeric(&[(0, "okay", 0), (0, "it's 4 5 3 9", 1_200)], &voiced),
            // From the end of the lead-in "it's", said in one breath with the digits.
            [(Kind::Number, 1_500, 2_500)]
        );
    }

    #[test]
    fn round_thousands_are_an_amount_and_grouped_digits_are_not() {
        let voiced = [v(0, 0, 1_000), v(0, 1_200, 3_500)];
        let said = |text: &'static str| numeric(&[(0, "okay", 0), (0, text, 1_200)], &voiced);
        assert!(said("perfect 250,000, and 50,000,").is_empty());
        // Nearest non-example: Whisper's comma grouping of digits read one by one.
        assert!(!said("it's 4,5,3,9").is_empty());
    }

    #[test]
    fn a_reading_in_the_breath_after_a_closing_phrase_is_the_reference() {
        // Two utterances: the reading starts 1.3 s after the lead's last word.
        let voiced = [v(0, 0, 1_900), v(0, 3_200, 5_600)];
        let said = |lead: &'static str| {
            numeric(
                &[
                    (0, lead, 0),
                    (0, "time one triple-fendron, two-level-low.", 3_200),
                ],
                &voiced,
            )
        };
        assert!(said("that's gone through your reference").is_empty());
        assert_eq!(said("okay then here we go"), [(Kind::Number, 3_200, 5_600)]);
    }
}
