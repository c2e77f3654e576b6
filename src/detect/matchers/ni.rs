//! UK National Insurance numbers: two letters, six digits, a final letter A to D, written
//! ("QQ123456C", "QQ 12 34 56 C") or spoken ("Q Q one two three four five six C", "double Q
//! twelve thirty four fifty six C").
//!
//! HMRC's prefix rules only lower confidence: QQ is the published specimen and appears in
//! training and test calls, and a misheard prefix is still the caller's number. A number with
//! no final letter is accepted at low confidence because callers often stop after the digits.

use super::tokens::{scan_shapes, Sym};
use super::Match;

pub const RULE: &str = "ni_number";

/// Every NI number in the turn, leftmost first.
pub fn ni_numbers(words: &[&str]) -> Vec<Match> {
    scan_shapes(words, 9, accept, RULE)
}

fn accept(syms: &[Sym]) -> Option<f32> {
    if !(8..=9).contains(&syms.len()) {
        return None;
    }
    if !(syms[0].is_letter() && syms[1].is_letter() && syms[2..8].iter().all(|s| s.is_digit())) {
        return None;
    }
    let strong = syms.iter().filter(|s| !s.weak).count();
    // The shape is strict enough that four clear symbols suffice; the rest may be homophones.
    if strong < 4 {
        return None;
    }
    let weak = syms.len() - strong;
    let mut conf = 0.95 - 0.05 * weak as f32;
    match syms.get(8) {
        Some(s) if s.letter.is_some_and(|l| (b'A'..=b'D').contains(&l)) => {}
        // A misheard suffix ("E" for "C") is still the caller's number.
        Some(s) if s.is_letter() => conf -= 0.25,
        Some(_) => return None,
        None => conf -= 0.3,
    }
    if !valid_prefix(syms[0].letter?, syms[1].letter?) {
        conf -= 0.1;
    }
    Some(conf.max(0.4))
}

/// HMRC never issues D F I Q U V first, D F I O Q U V second, nor BG GB KN NK NT TN ZZ.
/// QQ passes: it is the specimen prefix that trainers read out.
fn valid_prefix(a: u8, b: u8) -> bool {
    if a == b'Q' && b == b'Q' {
        return true;
    }
    if b"DFIQUV".contains(&a) || b"DFIOQUV".contains(&b) {
        return false;
    }
    !matches!(
        &[a, b],
        b"BG" | b"GB" | b"KN" | b"NK" | b"NT" | b"TN" | b"ZZ"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranges(text: &str) -> Vec<(usize, usize)> {
        let words: Vec<&str> = text.split_whitespace().collect();
        ni_numbers(&words)
            .iter()
            .map(|m| (m.first, m.last))
            .collect()
    }

    #[test]
    fn written_in_one_word() {
        assert_eq!(ranges("it's QQ123456C."), vec![(1, 1)]);
        assert_eq!(ranges("ab123456c"), vec![(0, 0)]);
    }

    #[test]
    fn written_in_groups() {
        assert_eq!(ranges("yes it's QQ 12 34 56 C"), vec![(2, 6)]);
    }

    #[test]
    fn spoken_digit_by_digit() {
        assert_eq!(ranges("Q Q one two three four five six C"), vec![(0, 8)]);
    }

    #[test]
    fn spoken_in_pairs() {
        assert_eq!(
            ranges("it's J K twelve thirty four fifty six A"),
            vec![(1, 8)]
        );
    }

    #[test]
    fn double_letter_prefix_and_double_digits() {
        assert_eq!(
            ranges("double Q one two double three four five C"),
            vec![(0, 8)]
        );
    }

    #[test]
    fn homophones_for_digits_and_letters() {
        // "oh" for 0, "for" for 4, "to" for 2, "see" for C.
        assert_eq!(ranges("A B oh one to three for five see"), vec![(0, 8)]);
    }

    #[test]
    fn trailing_punctuation_and_commas() {
        assert_eq!(ranges("QQ, 12, 34, 56, C."), vec![(0, 4)]);
    }

    #[test]
    fn missing_suffix_matches_with_lower_confidence() {
        let w: Vec<&str> = "QQ 12 34 56".split(' ').collect();
        let m = ni_numbers(&w);
        assert_eq!((m[0].first, m[0].last), (0, 3));
        let full: Vec<&str> = "QQ 12 34 56 C".split(' ').collect();
        assert!(m[0].confidence < ni_numbers(&full)[0].confidence);
    }

    #[test]
    fn suffix_beyond_d_lowers_confidence() {
        let odd = ni_numbers(&["QQ", "12", "34", "56", "X"]);
        assert_eq!((odd[0].first, odd[0].last), (0, 4));
        assert!(odd[0].confidence < ni_numbers(&["QQ", "12", "34", "56", "C"])[0].confidence);
    }

    #[test]
    fn digit_in_suffix_place_is_not_part_of_it() {
        assert_eq!(ranges("QQ 12 34 56 7"), vec![(0, 3)]);
    }

    #[test]
    fn invalid_prefix_lowers_confidence() {
        let a = ni_numbers(&["AB123456C"])[0].confidence;
        let b = ni_numbers(&["DF123456C"])[0].confidence;
        assert!(b < a);
    }

    #[test]
    fn too_few_digits_do_not_match() {
        assert!(ranges("Q Q one two three four five C").is_empty());
    }

    #[test]
    fn card_numbers_and_sentences_do_not_match() {
        for s in [
            "4111 1111 1111 1111",
            "I paid 123456 last month",
            "my sort code is 12 34 56",
            "can you confirm your national insurance number please",
            "I have to go for a bit",
        ] {
            assert!(ranges(s).is_empty(), "matched: {s}");
        }
    }
}
