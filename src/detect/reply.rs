//! The customer's reply to a question the transcript could not place. Whisper garbles the
//! agent's questions as badly as the answers ("what your thought code" for "what's your sort
//! code", "and your arrest" for "and your address"), so no trigger opens a window, and the
//! reply is lost unless its content alone gives it away. In a stereo call, a customer's reply
//! to the agent is muted whole, by voice activity, as NUMBER when the agent's question spoke
//! of a number or a code, or when the reply says three digits or more: contact-centre
//! customers say digits to an agent to give their details, far more often than for anything
//! else. Questions about years, times and amounts are left alone, and so is any question with
//! a trigger or closing phrase in it: the window detectors judge those.

use super::answer::{before_tail_stretch, past_lead_in_stretch, stereo_reply};
use super::context::{is_acknowledgement, Window};
use super::normalise::clean;
use super::scene::{ChannelScene, Scene};
use super::utterance::{word_digits, PRICE_WORDS};
use super::{Basis, Candidate, Detector};
use crate::types::{Finding, Kind, Role};
use crate::units::Ms;

pub(crate) struct DigitReply;

const NAME: &str = "context.digit_reply";

/// Digits a reply must say when the question did not ask for a number.
const MIN_DIGITS: usize = 3;
/// How long after the question a reply is looked for, at most.
const REPLY_WINDOW_MS: u64 = 30_000;
/// Words in a question that ask for a number or code.
const ASKS_NUMBER: &[&str] = &["number", "numbers", "code", "digits", "digit"];
/// Words in a question whose answer is a number nobody needs muted (a year, a time, an amount),
/// that opens the call ("how can I help?"), or that makes small talk ("how's your day going?",
/// "how's the weather?"): its reply is a story, whose house numbers and dates are the
/// neighbour's and the parcel's.
const HARMLESS: &[&str] = &[
    "help", "year", "years", "time", "when", "long", "many", "much", "price", "cost", "costs",
    "pounds", "minutes", "hours", "days", "o'clock", "how's", "going", "weather", "weekend",
];

/// How many of the turn's last words are taken for its question.
const QUESTION_WORDS: usize = 6;
/// Words that make a sentence about a number a request for it ("what's your ... code",
/// "read me the number"), not a mention of one ("customer code with ...").
const ASKING: &[&str] = &[
    "what", "what's", "whats", "which", "can", "could", "may", "your", "please", "tell", "give",
    "read",
];

/// Digits each word of a reply says: the normaliser's reading (prices, times, years and
/// ordinals say none), or, for a word of letters and digits mixed ("3c", "L2"), its digits:
/// half-heard postcode and phone groups.
fn reply_digits(ch: &ChannelScene) -> Vec<usize> {
    let read = word_digits(ch);
    ch.words
        .iter()
        .zip(read)
        .map(|(w, n)| {
            let c = clean(&w.text);
            let ordinal = ["st", "nd", "rd", "th"].iter().any(|s| {
                c.strip_suffix(s)
                    .is_some_and(|d| !d.is_empty() && d.chars().all(|x| x.is_ascii_digit()))
            });
            let mixed = c.chars().any(|x| x.is_ascii_digit())
                && c.chars().any(|x| x.is_ascii_alphabetic())
                && !ordinal;
            if n == 0 && mixed {
                c.chars().filter(char::is_ascii_digit).count()
            } else {
                n
            }
        })
        .collect()
}

impl Detector for DigitReply {
    fn name(&self) -> &'static str {
        NAME
    }

    fn find(&self, scene: &Scene, out: &mut Vec<Candidate>) {
        // Per customer, once: their voiced stretches and the digits each word says.
        let customers: Vec<_> = scene
            .channels
            .iter()
            .filter(|c| c.role == Role::Customer)
            .map(|c| (c, scene.regions(c.channel), reply_digits(c)))
            .collect();
        for agent in scene.channels.iter().filter(|c| c.role == Role::Agent) {
            // The first exchange is the reason for the call ("I'd like to pay, I owe about
            // 250"), not an answer to a question about the customer.
            for &(a, b) in agent.turns.iter().skip(1) {
                // A broken transcript's words need not be in time order, nor its turns.
                if a > b || b >= agent.words.len() {
                    continue;
                }
                let words = &agent.words[a..=b];
                // The question is the end of the turn: "it's forty two pounds a month. What's
                // your sort code?" asks for a sort code, not an amount.
                // Its last sentence only: "how's your day? And what's your thought code?"
                // asks for a code, whatever small talk came before.
                let tail = &words[words.len().saturating_sub(QUESTION_WORDS)..];
                let from = tail[..tail.len() - 1]
                    .iter()
                    .rposition(|w| w.text.trim_end().ends_with(['?', '.', '!']))
                    .map_or(0, |k| k + 1);
                let question: Vec<String> = tail[from..].iter().map(|w| clean(&w.text)).collect();
                if words.iter().all(|w| is_acknowledgement(&w.text))
                    || agent.masked[a..=b].iter().any(|&m| m)
                    || question.iter().any(|w| HARMLESS.contains(&w.as_str()))
                {
                    continue;
                }
                // A request: a question mark, a word that asks, or a follow-up "And ...?".
                let asks = words[words.len() - 1].text.ends_with('?')
                    || question.iter().any(|w| ASKING.contains(&w.as_str()))
                    || clean(&words[0].text) == "and";
                if !asks {
                    continue;
                }
                let asks_number = question.iter().any(|w| ASKS_NUMBER.contains(&w.as_str()));
                let end = words[words.len() - 1].end.max(words[words.len() - 1].start);
                for (ch, regions, digits) in &customers {
                    let question = Window {
                        kind: Kind::Number,
                        open: words[0].start,
                        trigger_end: end,
                        asked_at: words[words.len() - 1].start,
                        close: end + Ms(REPLY_WINDOW_MS),
                        answering: vec![ch.channel],
                    };
                    let Some((s, e)) = stereo_reply(scene, &question, ch.channel, regions) else {
                        continue;
                    };
                    let inside = || {
                        ch.words
                            .iter()
                            .enumerate()
                            .filter(|(_, w)| w.start >= s && w.start < e)
                    };
                    let n: usize = inside().map(|(i, _)| digits[i]).sum();
                    // "I can pay 30 now and 30 next week": amounts, however many.
                    let price = n <= 4
                        && inside().any(|(_, w)| {
                            w.text.contains('£') || PRICE_WORDS.contains(&clean(&w.text).as_str())
                        });
                    if asks_number || (n >= MIN_DIGITS && !price) {
                        let start = past_lead_in_stretch(ch, regions, s, e);
                        let end = before_tail_stretch(ch, regions, start, e);
                        out.push(Candidate {
                            finding: Finding {
                                kind: Kind::Number,
                                channel: Some(ch.channel),
                                start,
                                end,
                                confidence: 0.4,
                                detector: NAME,
                                rule: "digit_reply".into(),
                                words: None,
                            },
                            basis: Basis::Fallback,
                        });
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::detect::testutil::{found_with, voiced as v};
    use crate::detect::DetectConfig;
    use crate::types::{Kind, Voiced};

    /// (start, end) of the replies this detector muted.
    fn replies(utterances: &[(u16, &str, u64)], voiced: &[Voiced]) -> Vec<(u64, u64)> {
        found_with(utterances, voiced, &DetectConfig::default())
            .iter()
            .filter(|f| f.rule == "digit_reply")
            .map(|f| (f.start.0, f.end.0))
            .collect()
    }

    /// An opening exchange, then the question and reply under test at 10 s.
    fn call_with<'a>(question: &'a str, reply: &'a str) -> ([(u16, &'a str, u64); 4], [Voiced; 4]) {
        (
            [
                (0, "hello how can I help", 0),
                (1, "hi I want to change my details", 2_200),
                (0, question, 10_000),
                (1, reply, 13_000),
            ],
            [
                v(0, 0, 2_000),
                v(1, 2_100, 5_000),
                v(0, 9_900, 12_500),
                v(1, 12_900, 15_500),
            ],
        )
    }

    #[test]
    fn a_reply_to_a_garbled_request_for_a_code_is_muted() {
        let (u, vo) = call_with("this is what your thought code", "to go in for");
        assert_eq!(replies(&u, &vo), [(12_900, 15_500)]);
    }

    #[test]
    fn a_reply_saying_digits_to_a_follow_up_question_is_muted() {
        let (u, vo) = call_with("and your arrest", "14 occasion avenue L2");
        assert_eq!(replies(&u, &vo), [(12_900, 15_500)]);
        // Nearest non-example of small talk: "how" asking for a way to reach the customer.
        let (u, vo) = call_with("how do we find you?", "14 occasion avenue L2");
        assert_eq!(replies(&u, &vo), [(12_900, 15_500)]);
        let (u, vo) = call_with("how's your day? And your arrest?", "14 occasion avenue L2");
        assert_eq!(replies(&u, &vo), [(12_900, 15_500)]);
    }

    #[test]
    fn the_opening_request_and_harmless_questions_are_left_alone() {
        // The first exchange states the reason for the call.
        let u = [
            (0, "hello what can I do for you", 0),
            (1, "my son is 15 and my daughter 12", 2_200),
        ];
        assert!(replies(&u, &[v(0, 0, 2_000), v(1, 2_100, 5_000)]).is_empty());
        let (u, vo) = call_with("and what year is the car", "it's 29th in 4c");
        assert!(replies(&u, &vo).is_empty());
        let (u, vo) = call_with("can you pay it today", "I can pay 30 now and 30 next week");
        assert!(replies(&u, &vo).is_empty());
        let (u, vo) = call_with(
            "how's your day going?",
            "the parcel went to number 85 in 10",
        );
        assert!(replies(&u, &vo).is_empty());
        // A statement is not a question, and a reply with few digits gives nothing away.
        let (u, vo) = call_with("there's a fee for paper bills", "I've got 3 of 4 here");
        assert!(replies(&u, &vo).is_empty());
        let (u, vo) = call_with("and your address", "it's the 1 on the corner");
        assert!(replies(&u, &vo).is_empty());
    }

    #[test]
    fn a_question_with_a_trigger_is_left_to_the_window_detectors() {
        let (u, vo) = call_with("and your postcode please", "S W 1 A 1 A A");
        let f = found_with(&u, &vo, &DetectConfig::default());
        assert!(f.iter().all(|f| f.rule != "digit_reply"));
        assert!(f.iter().any(|f| f.kind == Kind::Postcode));
    }
}
