//! NUMBER: a long digit run that nothing else explains. When in doubt, mute: an account or
//! card number whose context Whisper lost looks exactly like this. Two long numbers are left
//! alone: a reference, order or confirmation number announced as one ("your reference is
//! ..."), which the caller must hear and which names no person (a card number read there is
//! still caught by its checksum), and a UK freephone or company number (0800..., 03...),
//! which agents read out on many calls. Nor is a run made mostly of round thousands as
//! Whisper writes them ("250,000, and 50,000", "20,000, 99 in total"): someone said a number
//! ("two hundred and fifty thousand", a price Whisper took for one), not digits one by one.

use super::normalise::is_round_thousands;
use super::phone::is_business_number;
use super::scene::{Scene, Value};
use super::{value_finding, Basis, Candidate, Detector};
use crate::types::{Kind, Role};

pub(crate) struct LongNumber;

const NAME: &str = "digits.number";

impl Detector for LongNumber {
    fn name(&self) -> &'static str {
        NAME
    }

    fn find(&self, scene: &Scene, out: &mut Vec<Candidate>) {
        for v in &scene.values {
            let n = v.run.len();
            if n < scene.cfg.number_min_digits.max(1)
                || (v.role == Role::Agent && !scene.cfg.number_from_agent)
                || is_business_number(&v.run.values())
                || scene.after_closer(v.channel, v.run.start())
                || mostly_round_thousands(scene, v)
            {
                continue;
            }
            out.push(Candidate {
                finding: value_finding(v, 0..n, Kind::Number, 0.5, NAME, "long_digit_run".into()),
                basis: Basis::Fallback,
            });
        }
    }
}

/// Whether most of the run's digits come from numerals written as round thousands: digits,
/// then comma groups of three, the last one "000" ("20,000", "1,250,000").
fn mostly_round_thousands(scene: &Scene, v: &Value) -> bool {
    let Some(ch) = scene.channel(v.channel) else {
        return false;
    };
    let round = v
        .run
        .digits
        .iter()
        .filter(|d| {
            ch.words
                .get(d.word)
                .is_some_and(|w| is_round_thousands(&w.text))
        })
        .count();
    2 * round >= v.run.len()
}

#[cfg(test)]
mod tests {
    use crate::detect::testutil::{found_with, kinds};
    use crate::detect::DetectConfig;
    use crate::types::Kind;

    #[test]
    fn a_long_reference_announced_as_one_is_left_audible() {
        assert!(kinds(&[
            (0, "your case reference is 5 5 0 2 9 1 3 8", 0),
            (1, "thanks", 5_000)
        ])
        .is_empty());
        // Whisper's plural for "your reference is".
        assert!(kinds(&[
            (
                0,
                "that's been through your references 5 6 3 2 3 2 9 7 1",
                0
            ),
            (1, "thanks", 6_000)
        ])
        .is_empty());
    }

    #[test]
    fn a_long_number_read_long_after_a_closer_is_still_a_number() {
        assert_eq!(
            kinds(&[
                (0, "anything else", 0),
                (1, "yes my other one is 5 5 0 2 9 1 3 8", 9_000)
            ]),
            [(Kind::Number, 1)]
        );
    }

    #[test]
    fn a_card_number_read_as_a_reference_is_still_a_card() {
        assert_eq!(
            kinds(&[(1, "the reference is 4 5 3 9 1 4 8 8 0 3 4 3 6 4 6 7", 0)]),
            [(Kind::CardNumber, 1)]
        );
    }

    #[test]
    fn round_thousands_are_a_number_said_not_digits_read() {
        assert!(kinds(&[(0, "perfect, you know. 250,000, and 50,000,", 0)]).is_empty());
    }

    #[test]
    fn digits_read_beside_a_round_number_are_still_a_number() {
        // Nearest non-example: a comma group that is not ",000" is Whisper grouping digits.
        assert_eq!(kinds(&[(1, "it's 5,502,913 8", 0)]), [(Kind::Number, 1)]);
        assert_eq!(
            kinds(&[(1, "it's 5 5 0 2 9 1 3 8 and 1,000", 0)]),
            [(Kind::Number, 1)]
        );
    }

    #[test]
    fn seven_digits_without_context_are_left_alone() {
        assert!(kinds(&[(0, "your reference is 5502913", 0)]).is_empty());
    }

    #[test]
    fn number_from_agent_can_be_switched_off() {
        let p = DetectConfig {
            number_from_agent: false,
            ..DetectConfig::default()
        };
        let said = [
            (0, "okay so that's 5 5 0 2 9 1 3 8", 0),
            (1, "thanks", 5_000),
        ];
        assert_eq!(kinds(&said), [(Kind::Number, 0)]);
        assert!(found_with(&said, &[], &p).is_empty());
    }

    #[test]
    fn the_minimum_length_comes_from_the_policy() {
        let p = DetectConfig {
            number_min_digits: 6,
            ..DetectConfig::default()
        };
        assert_eq!(found_with(&[(0, "it's 550291 ok", 0)], &[], &p).len(), 1);
    }
}
