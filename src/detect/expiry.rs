//! Card expiry dates: "oh four twenty seven", "04/27", "April twenty twenty eight", "twelve
//! slash twenty six". Said after an expiry trigger, or as a month and year inside the card
//! conversation; a written MM/YY anywhere.

use super::scene::Scene;
use super::{date_finding, value_finding, Basis, Candidate, Detector};
use crate::types::Kind;

pub(crate) struct Expiry;

const NAME: &str = "dates.expiry";

/// Windows in which a month-and-year is the card's expiry.
const PAYMENT: [Kind; 3] = [Kind::ExpiryDate, Kind::CardNumber, Kind::SecurityCode];

impl Detector for Expiry {
    fn name(&self) -> &'static str {
        NAME
    }

    fn find(&self, scene: &Scene, out: &mut Vec<Candidate>) {
        for d in &scene.dates {
            let date = &d.date;
            let expiry = scene.window_of(&d.windows, Kind::ExpiryDate);
            let payment = PAYMENT.iter().find_map(|k| scene.window_of(&d.windows, *k));
            match (expiry, payment) {
                (Some(w), _) if date.month.is_some() => {
                    out.push(Candidate {
                        finding: date_finding(d, Kind::ExpiryDate, 0.9, NAME, w.rule()),
                        basis: Basis::Context,
                    });
                }
                // Inside the card conversation a month and year with no day is the expiry.
                (_, Some(w))
                    if date.day.is_none() && date.month.is_some() && date.year.is_some() =>
                {
                    out.push(Candidate {
                        finding: date_finding(d, Kind::ExpiryDate, 0.85, NAME, w.rule()),
                        basis: Basis::Context,
                    });
                }
                // A month and a card year with no day, said while a payment is being taken,
                // is the expiry even when Whisper lost the question ("it's January 2031"
                // after "and the end date?" came out as "and then, mate"). Birthdays have a
                // day and a past year; card years run a few years ahead.
                _ if date.day.is_none()
                    && date.month.is_some()
                    && date
                        .expiry_year()
                        .is_some_and(|y| (2015..=2045).contains(&y))
                    && scene.paying(date.start) =>
                {
                    out.push(Candidate {
                        finding: date_finding(d, Kind::ExpiryDate, 0.6, NAME, "month_year".into()),
                        basis: Basis::Content,
                    });
                }
                // "04/27" written by Whisper: a two-digit month and a plausible card year.
                _ if date.numeric
                    && date.day.is_none()
                    && date.year_digits == 2
                    && date.year.is_some_and(|y| (15..=45).contains(&y)) =>
                {
                    out.push(Candidate {
                        finding: date_finding(d, Kind::ExpiryDate, 0.55, NAME, "mm_yy".into()),
                        basis: Basis::Content,
                    });
                }
                _ => {}
            }
        }
        for v in &scene.values {
            let Some(w) = scene.window_of(&v.windows, Kind::ExpiryDate) else {
                continue;
            };
            let n = v.run.len();
            // "oh four twenty seven" (4), "four twenty seven" (3), "oh four twenty twenty
            // seven" (6); a dropped digit still counts.
            if (2..=6).contains(&n) {
                out.push(Candidate {
                    finding: value_finding(v, 0..n, Kind::ExpiryDate, 0.85, NAME, w.rule()),
                    basis: Basis::Context,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::detect::testutil::kinds;
    use crate::types::Kind;

    #[test]
    fn a_month_and_card_year_while_paying_is_the_expiry_without_the_question() {
        // Whisper lost "and the end date?" (it wrote "and then, mate").
        let k = kinds(&[
            (0, "i can take that card payment now and then mate", 0),
            (1, "it's january twenty thirty one", 5_000),
        ]);
        assert_eq!(k, [(Kind::ExpiryDate, 1)]);
        // The same words with no payment in sight are left alone.
        assert!(kinds(&[
            (0, "and then mate", 0),
            (1, "it's january twenty thirty one", 5_000)
        ])
        .is_empty());
    }

    #[test]
    fn oh_four_twenty_seven_after_the_expiry_question_is_an_expiry() {
        assert_eq!(
            kinds(&[
                (0, "and the expiry date", 0),
                (1, "oh four twenty seven", 2_500)
            ]),
            [(Kind::ExpiryDate, 1)]
        );
        assert_eq!(
            kinds(&[
                (0, "when does it expire", 0),
                (1, "twelve slash twenty six", 2_500)
            ]),
            [(Kind::ExpiryDate, 1)]
        );
    }

    #[test]
    fn a_month_and_year_in_the_card_conversation_is_an_expiry() {
        let k = kinds(&[
            (0, "can I take the card number", 0),
            (
                1,
                "4539 1488 0343 6467 and it's April twenty twenty eight",
                2_500,
            ),
        ]);
        assert_eq!(k, [(Kind::CardNumber, 1), (Kind::ExpiryDate, 1)]);
    }

    #[test]
    fn a_written_mm_yy_is_an_expiry_without_context() {
        assert_eq!(
            kinds(&[(0, "yeah it's 04/27 on the card", 0)]),
            [(Kind::ExpiryDate, 0)]
        );
    }

    #[test]
    fn a_month_and_year_outside_payment_is_left_alone() {
        assert!(kinds(&[(0, "I've been with you since March 2019", 0)]).is_empty());
    }
}
