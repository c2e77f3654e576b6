//! UK phone numbers: mobiles (07...), landlines (01/02...), non-geographic (03/08...), with
//! +44 or 0044 in front. After a trigger any 6-14 digits; without one the UK shapes.

use super::scene::Scene;
use super::{value_finding, Basis, Candidate, Detector};
use crate::types::Kind;

pub(crate) struct Phone;

const NAME: &str = "digits.phone";

impl Detector for Phone {
    fn name(&self) -> &'static str {
        NAME
    }

    fn find(&self, scene: &Scene, out: &mut Vec<Candidate>) {
        for v in &scene.values {
            let n = v.run.len();
            let digits = v.run.values();
            match scene.window_of(&v.windows, Kind::Phone) {
                Some(w) if (6..=14).contains(&n) && !v.run.year_like => {
                    out.push(Candidate {
                        finding: value_finding(v, 0..n, Kind::Phone, 0.9, NAME, w.rule()),
                        basis: Basis::Context,
                    });
                }
                _ => {
                    // A homophone in front ("to 07700...") adds a stray digit: try without it.
                    let shape = uk_shape(&digits).or_else(|| digits.get(1..).and_then(uk_shape));
                    if let Some((rule, conf)) = shape {
                        out.push(Candidate {
                            finding: value_finding(v, 0..n, Kind::Phone, conf, NAME, rule.into()),
                            basis: Basis::Content,
                        });
                    }
                }
            }
        }
    }
}

/// A UK non-geographic number (03, 080, 084, 087): freephone and company lines, which no
/// person owns. An agent giving the helpline number is not giving away personal data.
pub fn is_business_number(d: &[u8]) -> bool {
    d.len() == 11
        && (d.starts_with(&[0, 3])
            || d.starts_with(&[0, 8, 0])
            || d.starts_with(&[0, 8, 4])
            || d.starts_with(&[0, 8, 7]))
}

/// The UK numbering plan's shapes of a personal number, with a confidence: exact lengths score higher than a
/// mobile one digit short or long (a dropped or doubled digit).
pub fn uk_shape(d: &[u8]) -> Option<(&'static str, f32)> {
    let n = d.len();
    let starts = |p: &[u8]| d.starts_with(p);
    if starts(&[0, 7]) && n == 11 {
        return Some(("uk_mobile", 0.85));
    }
    if (starts(&[4, 4, 7]) && n == 12) || (starts(&[0, 0, 4, 4, 7]) && n == 14) {
        return Some(("uk_mobile_intl", 0.85));
    }
    if (starts(&[0, 1]) || starts(&[0, 2])) && (10..=11).contains(&n) {
        return Some(("uk_landline", 0.75));
    }
    if (starts(&[4, 4, 1]) || starts(&[4, 4, 2]) || starts(&[4, 4, 3])) && (11..=12).contains(&n) {
        return Some(("uk_landline_intl", 0.75));
    }
    if starts(&[0, 7]) && (n == 10 || n == 12) {
        return Some(("uk_mobile_approx", 0.6));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::detect::testutil::kinds;

    #[test]
    fn double_oh_in_a_phone_number_counts() {
        assert_eq!(
            kinds(&[
                (0, "what's your mobile number", 0),
                (
                    1,
                    "oh seven seven double oh nine oh oh one two three",
                    2_500
                )
            ]),
            [(Kind::Phone, 1)]
        );
    }

    #[test]
    fn a_mobile_without_the_question_is_a_phone() {
        assert_eq!(
            kinds(&[(0, "if you need me it's 07700 900123", 0)]),
            [(Kind::Phone, 0)]
        );
        assert_eq!(
            kinds(&[(0, "send it to 07700 900123", 0)]),
            [(Kind::Phone, 0)]
        );
    }

    #[test]
    fn a_helpline_number_is_left_alone() {
        assert!(kinds(&[(0, "you can call us on 0800 123 4567 any time", 0)]).is_empty());
    }

    fn d(s: &str) -> Vec<u8> {
        s.bytes().map(|b| b - b'0').collect()
    }

    #[test]
    fn uk_numbers_have_their_shapes() {
        assert_eq!(uk_shape(&d("07700900123")).map(|s| s.0), Some("uk_mobile"));
        assert_eq!(
            uk_shape(&d("447700900123")).map(|s| s.0),
            Some("uk_mobile_intl")
        );
        assert_eq!(
            uk_shape(&d("01614960000")).map(|s| s.0),
            Some("uk_landline")
        );
        assert_eq!(uk_shape(&d("03001234567")), None);
        assert!(is_business_number(&d("08001234567")));
        assert!(!is_business_number(&d("07700900123")));
        assert_eq!(
            uk_shape(&d("0770090012")).map(|s| s.0),
            Some("uk_mobile_approx")
        );
        assert_eq!(uk_shape(&d("4539148803436467")), None);
        assert_eq!(uk_shape(&d("12345678")), None);
    }
}
