//! Payment card numbers (PANs, 12-19 digits). In a card window any run of a few digits is card
//! data, whatever its length or checksum: one misheard digit breaks Luhn and the other fifteen
//! are still a card number. Outside a window, Luhn (or a known issuer range at a card length)
//! is what tells a card from any other long number.

use super::normalise::clean;
use super::pan::{issuer, luhn_span};
use super::scene::{says_a_number, Scene, Value, CARD_DETAIL_WORDS};
use super::{value_finding, Basis, Candidate, Detector};
use crate::types::{Kind, Role};

pub(crate) struct Card;

const NAME: &str = "digits.card";

impl Detector for Card {
    fn name(&self) -> &'static str {
        NAME
    }

    fn find(&self, scene: &Scene, out: &mut Vec<Candidate>) {
        for v in &scene.values {
            let digits = v.run.values();
            let n = digits.len();
            let luhn = luhn_span(&digits);
            let brand = luhn
                .clone()
                .and_then(|r| issuer(&digits[r]))
                .or_else(|| issuer(&digits));
            let window = scene
                .window_of(&v.windows, Kind::CardNumber)
                .filter(|w| answers_or_reads_back(scene, w, v));
            if let Some(w) = window {
                // A date in the card window ("04/27") is the expiry, and a year ("since
                // 2019") is neither: leave both to their own detectors.
                if n >= scene.cfg.card_window_min_digits && !v.run.year_like && !v.run.has_slash() {
                    let conf = 0.8
                        + if luhn.is_some() { 0.15 } else { 0.0 }
                        + if brand.is_some() { 0.05 } else { 0.0 };
                    out.push(Candidate {
                        finding: value_finding(v, 0..n, Kind::CardNumber, conf, NAME, w.rule()),
                        basis: Basis::Context,
                    });
                    continue;
                }
            }
            if let Some(kind) = next_card_detail(scene, v) {
                out.push(Candidate {
                    finding: value_finding(v, 0..n, kind, 0.6, NAME, "card_detail".into()),
                    basis: Basis::Context,
                });
                continue;
            }
            if window.is_some() {
                continue;
            }
            if luhn.is_some() {
                let conf = 0.7 + if brand.is_some() { 0.2 } else { 0.0 };
                out.push(Candidate {
                    finding: value_finding(v, 0..n, Kind::CardNumber, conf, NAME, "luhn".into()),
                    basis: Basis::Content,
                });
            } else if brand.is_some() && !v.run.has_slash() {
                out.push(Candidate {
                    finding: value_finding(v, 0..n, Kind::CardNumber, 0.5, NAME, "iin".into()),
                    basis: Basis::Content,
                });
            }
        }
    }
}

/// Whether `v` belongs to the card window `w`: said by a side expected to answer it, or by the
/// side that asked when what the answering side said last was card digits (the read-back).
/// Otherwise digits from the agent who asked are something else read out: the amount due, an
/// order number, or a reference once the customer has moved on to the expiry ("It's January
/// 30.").
fn answers_or_reads_back(scene: &Scene, w: &super::context::Window, v: &Value) -> bool {
    if w.answering.contains(&v.channel) {
        return true;
    }
    let answered = |c: u16| c != v.channel && w.answering.contains(&c);
    let Some(last) = scene
        .values
        .iter()
        .filter(|o| answered(o.channel) && w.contains(o.run.start()))
        .filter(|o| o.run.start() < v.run.start())
        .max_by_key(|o| o.run.start())
    else {
        return false;
    };
    let date_after = scene.dates.iter().any(|d| {
        answered(d.channel) && d.date.start >= last.run.end() && d.date.start < v.run.start()
    });
    last.run.len() >= scene.cfg.card_window_min_digits && !last.run.year_like && !date_after
}

/// Words before a value that it may answer: the agent's question in a mono call.
const DETAIL_QUESTION_WORDS: usize = 8;

/// In a mono call during a payment, a short number (2-5 digits) right after words that name a
/// detail of the card ("and the date on the card?", "last three on the signature strip") is
/// that detail, though Whisper garbled the question out of every trigger ("mate on the card",
/// "three minutes on the signature trip"). Stereo calls have the payment phase for this.
/// Which detail, by the question's words: the code, the expiry, else the card itself.
fn next_card_detail(scene: &Scene, v: &Value) -> Option<Kind> {
    let ch = scene.channel(v.channel)?;
    let n = v.run.len();
    if ch.role != Role::Mixed
        || !(2..=5).contains(&n)
        || v.run.year_like
        || v.run.has_slash()
        || !scene.paying(v.run.start())
        || scene.after_closer(v.channel, v.run.start())
    {
        return None;
    }
    let first = v.run.first_word();
    let asked: Vec<String> = ch.words[first.saturating_sub(DETAIL_QUESTION_WORDS)..first]
        .iter()
        .rev()
        .take_while(|w| !says_a_number(&w.text))
        .map(|w| clean(&w.text))
        .collect();
    if !asked
        .iter()
        .any(|w| CARD_DETAIL_WORDS.contains(&w.as_str()))
    {
        return None;
    }
    let said = |set: &[&str]| asked.iter().any(|w| set.contains(&w.as_str()));
    Some(
        if said(&["security", "back", "signature", "code", "cvv", "digits"]) {
            Kind::SecurityCode
        } else if said(&[
            "expiry", "expires", "expire", "valid", "date", "end", "month",
        ]) {
            Kind::ExpiryDate
        } else {
            Kind::CardNumber
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::detect::testutil::kinds;

    #[test]
    fn a_card_read_in_groups_with_yes_between_is_one_finding() {
        let k = kinds(&[
            (0, "can I take the long number on the front", 0),
            (1, "4539 1488", 4_000),
            (0, "yes", 5_200),
            (1, "0343 6467", 6_000),
        ]);
        assert_eq!(k, [(Kind::CardNumber, 1)]);
    }

    #[test]
    fn the_agents_read_back_is_a_card_on_the_agent_channel() {
        let k = kinds(&[
            (0, "what's the card number", 0),
            (1, "4539 1488 0343 6467", 2_500),
            (0, "so that's 4539 1488 0343 6467", 5_000),
        ]);
        assert_eq!(k, [(Kind::CardNumber, 1), (Kind::CardNumber, 0)]);
    }

    #[test]
    fn the_agents_digits_after_the_customer_moved_on_are_not_the_card() {
        // The card window is still open (the card was heard short of whole, and the expiry
        // question garbled out of its trigger), but the customer's last words were the
        // expiry: the agent's digits are an order number.
        let k = kinds(&[
            (0, "what's the card number", 0),
            (1, "4539 1488 0343", 2_500),
            (0, "and what's the next time on the card", 6_000),
            (1, "it's january 30", 9_000),
            (0, "lovely that's order 653 498", 12_000),
        ]);
        assert!(!k.contains(&(Kind::CardNumber, 0)), "{k:?}");
    }

    #[test]
    fn a_garbled_card_in_the_window_still_counts() {
        assert_eq!(
            kinds(&[
                (0, "and the card number please", 0),
                (1, "4539, 148", 2_500)
            ]),
            [(Kind::CardNumber, 1)]
        );
    }

    #[test]
    fn in_mono_a_short_number_after_a_garbled_card_question_is_that_detail() {
        // Whisper's "mate on the card" and "three minutes on the signature trip": no trigger
        // survives, but the questions still name the card.
        let k = kinds(&[
            (0, "can I take the long number on the card", 0),
            (0, "4539 1488 0343 6467", 3_000),
            (0, "okay and the mate on the card", 6_000),
            (0, "ten twenty seven", 9_000),
            (
                0,
                "thank you and the last three minutes on the signature trip",
                11_000,
            ),
            (0, "six zero three", 16_000),
        ]);
        // The expiry, asked as "the mate on the card", is muted as card data.
        assert_eq!(
            k,
            [
                (Kind::CardNumber, 0),
                (Kind::CardNumber, 0),
                (Kind::SecurityCode, 0)
            ]
        );
    }

    #[test]
    fn a_short_number_after_other_talk_in_a_payment_is_left_alone() {
        // The nearest non-example: the same call, the question not about the card.
        let k = kinds(&[
            (0, "can I take the long number on the card", 0),
            (0, "4539 1488 0343 6467", 3_000),
            (0, "okay and how many people live at the house", 6_000),
            (0, "twenty seven", 9_500),
        ]);
        assert_eq!(k, [(Kind::CardNumber, 0)]);
    }

    #[test]
    fn a_price_in_the_card_window_is_not_a_card() {
        assert!(
            kinds(&[(0, "the long number on the card please it's £29.99 today", 0)]).is_empty()
        );
    }

    #[test]
    fn a_misheard_digit_outside_any_window_is_still_a_number() {
        // Luhn fails, but sixteen digits are muted all the same.
        let k = kinds(&[(0, "it's 4539 1488 0343 6468 okay", 0)]);
        assert_eq!(k.len(), 1);
        assert!(matches!(k[0].0, Kind::CardNumber | Kind::Number));
    }
}
