//! UK postcodes, written ("SW1A 1AA") or spoken letter by letter ("S W one A, one A A",
//! "sierra whiskey one A one alpha alpha"), validated by shape.
//!
//! Shape is outward code (A9, A99, AA9, AA99, A9A, AA9A) then inward code (9AA). Royal Mail's
//! letter restrictions (no C I K M O V in the inward letters, and so on) only lower confidence:
//! Whisper mishears letters, and a misheard postcode is still the caller's postcode.

use super::tokens::{scan_shapes, Sym};
use super::Match;

pub const RULE: &str = "postcode";

/// Every postcode in the turn, leftmost first.
pub fn postcodes(words: &[&str]) -> Vec<Match> {
    scan_shapes(words, 7, accept, RULE)
}

/// Outward-code patterns: L = letter, D = digit, X = letter in the last place of A9A / AA9A.
const OUTWARD: &[&[u8]] = &[b"LD", b"LDD", b"LLD", b"LLDD", b"LDX", b"LLDX"];

fn accept(syms: &[Sym]) -> Option<f32> {
    if !(5..=7).contains(&syms.len()) {
        return None;
    }
    let (out, inw) = syms.split_at(syms.len() - 3);
    let pattern = OUTWARD
        .iter()
        .find(|p| p.len() == out.len() && fits(out, p))?;
    if !(inw[0].is_digit() && inw[1].is_letter() && inw[2].is_letter()) {
        return None;
    }
    let strong = syms.iter().filter(|s| !s.weak).count();
    if strong < 4 {
        return None;
    }
    let weak = syms.len() - strong;
    let mut conf = 0.92 - 0.08 * weak as f32;
    if !royal_mail_letters(out, inw, pattern) {
        conf -= 0.15;
    }
    Some(conf.max(0.4))
}

fn fits(syms: &[Sym], pattern: &[u8]) -> bool {
    syms.iter().zip(pattern).all(|(s, p)| match p {
        b'D' => s.is_digit(),
        _ => s.is_letter(),
    })
}

/// Royal Mail's letter rules: first letter not Q V X, second not I J Z, inward letters not
/// C I K M O V. The check only lowers confidence.
fn royal_mail_letters(out: &[Sym], inw: &[Sym], pattern: &[u8]) -> bool {
    let l = |s: &Sym| s.letter.unwrap_or(b'A');
    if b"QVX".contains(&l(&out[0])) {
        return false;
    }
    if pattern[1] == b'L' && b"IJZ".contains(&l(&out[1])) {
        return false;
    }
    !inw[1..].iter().any(|s| b"CIKMOV".contains(&l(s)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranges(text: &str) -> Vec<(usize, usize)> {
        let words: Vec<&str> = text.split_whitespace().collect();
        postcodes(&words)
            .iter()
            .map(|m| (m.first, m.last))
            .collect()
    }

    #[test]
    fn written_postcode_with_space() {
        assert_eq!(ranges("it's SW1A 1AA thanks"), vec![(1, 2)]);
        assert_eq!(ranges("B33 8TH."), vec![(0, 1)]);
    }

    #[test]
    fn written_postcode_without_space_and_lowercase() {
        assert_eq!(ranges("postcode sw1a1aa"), vec![(1, 1)]);
        assert_eq!(ranges("it is m11ae"), vec![(2, 2)]);
    }

    #[test]
    fn spoken_letters_and_digit_words() {
        assert_eq!(ranges("yes S W one A, one A A"), vec![(1, 7)]);
        assert_eq!(ranges("M one one A E"), vec![(0, 4)]);
        assert_eq!(ranges("it's E C two A four B X."), vec![(1, 7)]);
    }

    #[test]
    fn mixed_numerals_and_letters() {
        assert_eq!(ranges("it's B 33 8 T H"), vec![(1, 5)]);
        assert_eq!(ranges("LS6 two A B"), vec![(0, 3)]);
    }

    #[test]
    fn nato_alphabet() {
        assert_eq!(
            ranges("sierra whiskey one alpha one alpha alpha"),
            vec![(0, 6)]
        );
    }

    #[test]
    fn double_letters() {
        // L S one, one double A -> LS1 1AA
        assert_eq!(ranges("L S one one double A"), vec![(0, 5)]);
    }

    #[test]
    fn letters_transcribed_as_words() {
        // "see" for C, "are" for R, "for" for 4, "oh" for 0
        assert_eq!(ranges("it's C R oh for B D"), vec![(1, 6)]);
        assert_eq!(ranges("see are ten for B D"), vec![(0, 5)]);
    }

    #[test]
    fn hyphenated_and_dotted_outward_codes() {
        assert_eq!(ranges("S.W. 1A 1AA"), vec![(0, 2)]);
    }

    #[test]
    fn leading_article_is_not_part_of_the_postcode() {
        // "a" could be read as the letter A (AB33 8TH) but the value fits without it.
        assert_eq!(ranges("a B33 8TH"), vec![(1, 2)]);
    }

    #[test]
    fn capital_a_leading_is_the_letter() {
        // AB10 1XG: the capital A is the first letter, not an article.
        assert_eq!(ranges("A B one zero, one X G."), vec![(0, 6)]);
    }

    #[test]
    fn fillers_inside_are_skipped() {
        assert_eq!(ranges("S W one A um one A A"), vec![(0, 7)]);
    }

    #[test]
    fn two_postcodes_in_one_turn() {
        assert_eq!(ranges("from SW1A 1AA to M1 1AE"), vec![(1, 2), (4, 5)]);
    }

    #[test]
    fn trailing_punctuation_and_mixed_case() {
        assert_eq!(ranges("Sw1a 1Aa."), vec![(0, 1)]);
    }

    #[test]
    fn invalid_royal_mail_letters_lower_confidence() {
        let w = ["SW1A", "1AA"];
        let good = postcodes(&w)[0].confidence;
        let w = ["SW1A", "1CC"];
        let bad = postcodes(&w)[0].confidence;
        assert!(bad < good);
    }

    #[test]
    fn outward_code_alone_is_not_a_postcode() {
        assert!(ranges("I live in SW1A now").is_empty());
        assert!(ranges("the M1 was closed").is_empty());
    }

    #[test]
    fn ordinary_sentences_do_not_match() {
        for s in [
            "I need to pay for a bill to you",
            "are you able to see why it is for two weeks",
            "I'll be there at 2 30 on Friday",
            "my card ends 4 4 5 6",
            "a one a day for two weeks",
            "the 8th of June",
            "it's flat 4 B",
            "I want to be a member too",
        ] {
            assert!(ranges(s).is_empty(), "matched: {s}");
        }
    }

    #[test]
    fn weak_words_alone_cannot_make_a_postcode() {
        // "a 2 for a see" style runs would fit shapes if weak words counted fully.
        assert!(ranges("be to for are you").is_empty());
    }

    #[test]
    fn inward_code_needs_digit_then_two_letters() {
        assert!(ranges("SW1A A1A").is_empty());
        assert!(ranges("SW1A 11A").is_empty());
    }
}
