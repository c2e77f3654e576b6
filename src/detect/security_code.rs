//! Card security codes (CVV/CVC, 3 or 4 digits). They only mean anything after a trigger
//! ("the three digits on the back"): three digits anywhere else are an amount, a time, a count.

use super::scene::Scene;
use super::{value_finding, Basis, Candidate, Detector};
use crate::types::Kind;

pub(crate) struct SecurityCode;

const NAME: &str = "digits.security_code";

impl Detector for SecurityCode {
    fn name(&self) -> &'static str {
        NAME
    }

    fn find(&self, scene: &Scene, out: &mut Vec<Candidate>) {
        for v in &scene.values {
            let Some(w) = scene.window_of(&v.windows, Kind::SecurityCode) else {
                continue;
            };
            let n = v.run.len();
            // Two to eight digits: a dropped or doubled digit, or the code said twice, is still
            // the code. Longer runs are a card number read again and left to the card detector.
            if (2..=8).contains(&n) && !v.run.year_like && !v.run.has_slash() {
                let conf = if (3..=4).contains(&n) { 0.9 } else { 0.7 };
                out.push(Candidate {
                    finding: value_finding(v, 0..n, Kind::SecurityCode, conf, NAME, w.rule()),
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
    fn three_digits_after_the_cvv_question_are_a_security_code() {
        assert_eq!(
            kinds(&[
                (0, "and the three digits on the back", 0),
                (1, "seven I one", 3_000)
            ]),
            [(Kind::SecurityCode, 1)]
        );
        assert_eq!(
            kinds(&[(0, "what's the security code", 0), (1, "It's 123.", 2_500)]),
            [(Kind::SecurityCode, 1)]
        );
    }

    #[test]
    fn three_digits_without_the_question_are_left_alone() {
        assert!(kinds(&[
            (0, "we have 123 branches", 0),
            (1, "okay four five six", 3_000)
        ])
        .is_empty());
    }

    #[test]
    fn a_reference_read_after_the_code_is_not_a_second_code() {
        let k = kinds(&[
            (0, "and the cvv", 0),
            (1, "one two three", 2_000),
            (0, "thanks your reference is 5 5 2 9 1", 4_000),
        ]);
        assert_eq!(k, [(Kind::SecurityCode, 1)]);
    }

    #[test]
    fn three_digits_after_the_agent_says_the_payment_is_done_are_its_reference() {
        // Mono, the customer's code garbled (the window never settled), then the agent:
        // "all done", and a reference whose announcement Whisper garbled.
        let k = kinds(&[
            (0, "and the three digits on the back", 0),
            (0, "it's one old fan", 2_500),
            (0, "lovely all done for confirmation 785", 5_000),
        ]);
        assert!(!k.contains(&(Kind::SecurityCode, 0)), "{k:?}");
        // The nearest non-example: without the agent's "all done" the same 785 is the code.
        let k = kinds(&[
            (0, "and the three digits on the back", 0),
            (0, "it's 785", 2_500),
        ]);
        assert_eq!(k, [(Kind::SecurityCode, 0)]);
    }
}
