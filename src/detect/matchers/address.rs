//! First lines of address: a house number, one to three street-name words and a street type
//! ("fourteen Acacia Avenue", "22b Baker Street", "flat 3, 45 High Road"), or a named house
//! before the street ("the old rectory, church lane", at lower confidence).
//!
//! The number must stand directly before the street name: "waiting twenty minutes on the high
//! street" names a street but gives no address, and "a ten minute drive" is not one either.

use super::lexicon::{
    is_common, is_function, is_house_noun, is_street_name_word, is_street_suffix,
};
use super::tokens::{clean, ends_clause, ends_sentence, is_capitalised, number_words};
use super::Match;

pub const RULE_NUMBERED: &str = "address_numbered";
pub const RULE_NAMED_HOUSE: &str = "address_named_house";

/// The most words in a street name before its type ("Upper Church Hill Road" has three).
const MAX_NAME_WORDS: usize = 3;

/// Every first line of address in the turn, leftmost first.
pub fn address_lines(words: &[&str]) -> Vec<Match> {
    let c: Vec<String> = words.iter().map(|w| clean(w)).collect();
    let mut out: Vec<Match> = Vec::new();
    for s in 1..words.len() {
        if !is_street_suffix(&c[s]) {
            continue;
        }
        let Some(m) = line_ending_at(words, &c, s) else {
            continue;
        };
        match out.last_mut() {
            // "Park Road" gives a line ending at "Park" and one at "Road": keep the longer.
            Some(p) if m.first <= p.last => {
                if m.last > p.last {
                    p.first = p.first.min(m.first);
                    p.last = m.last;
                    p.confidence = p.confidence.max(m.confidence);
                }
            }
            _ => out.push(m),
        }
    }
    out
}

/// The address line whose street type is word `s`.
fn line_ending_at(words: &[&str], c: &[String], s: usize) -> Option<Match> {
    // The street-name words before the type, nearest first.
    let mut names = 0;
    while names < MAX_NAME_WORDS && s > names {
        let k = s - 1 - names;
        if !street_word(words[k], &c[k]) || (ends_sentence(words[k]) && c[k] != "st") {
            break;
        }
        names += 1;
        if ends_clause(words[k]) && k + 1 < s {
            // "Leeds, Acacia" is not one street name; a comma may only follow the number.
            names -= 1;
            break;
        }
    }
    // Prefer the longest name with a house number right before it.
    for j in (1..=names).rev() {
        let ns = s - j;
        if ns == 0 {
            continue;
        }
        if let Some(start) = house_number_start(words, c, ns - 1) {
            let start = prefix_start(words, c, start);
            let capitalised = (ns..s).all(|k| is_capitalised(words[k]));
            let conf = if capitalised { 0.85 } else { 0.75 };
            return Some(Match {
                first: start,
                last: s,
                confidence: conf,
                rule: RULE_NUMBERED,
            });
        }
    }
    // "14 The Avenue"
    if s >= 2 && c[s - 1] == "the" {
        if let Some(start) = house_number_start(words, c, s - 2) {
            let start = prefix_start(words, c, start);
            return Some(Match {
                first: start,
                last: s,
                confidence: 0.8,
                rule: RULE_NUMBERED,
            });
        }
    }
    // "The Old Rectory, Church Lane"
    if names > 0 && s - names > 0 {
        if let Some(start) = house_name_start(words, c, s - names - 1) {
            return Some(Match {
                first: start,
                last: s,
                confidence: 0.5,
                rule: RULE_NAMED_HOUSE,
            });
        }
    }
    None
}

/// A word that can be part of a street name: not glue, not a number; lower-case everyday
/// words only when streets are commonly named after them ("high", "church").
fn street_word(raw: &str, w: &str) -> bool {
    let alpha = w.chars().any(char::is_alphabetic)
        && w.chars()
            .all(|c| c.is_alphabetic() || matches!(c, '\'' | '-' | '\u{2019}' | '.'));
    if !alpha || is_function(w) || number_words(&[w], 0).is_some() {
        return false;
    }
    is_capitalised(raw) || !is_common(w) || is_street_name_word(w)
}

/// Where a house number ending at word `k` starts: "14", "22b", "22-24", "fourteen", "twenty
/// two", "one hundred and five", or any of them followed by a single letter ("22 b").
fn house_number_start(words: &[&str], c: &[String], k: usize) -> Option<usize> {
    if numeral(&c[k]) {
        return Some(k);
    }
    if let Some(start) = number_word_start(words, k) {
        return Some(start);
    }
    // "22 b", "twenty two b": a house letter said on its own.
    let single_letter =
        c[k].len() == 1 && c[k].as_bytes()[0].is_ascii_alphabetic() && c[k] != "a" && c[k] != "i";
    if single_letter && k > 0 {
        if numeral(&c[k - 1]) {
            return Some(k - 1);
        }
        return number_word_start(words, k - 1);
    }
    None
}

/// "14", "22b", "1A", "22-24", "7." but not "1999" as a house number would be unusual enough to
/// doubt; four digits are still allowed (long rural roads).
fn numeral(w: &str) -> bool {
    let (a, b) = w.split_once('-').unwrap_or((w, ""));
    let ok = |p: &str| {
        let digits = p.bytes().take_while(u8::is_ascii_digit).count();
        (1..=4).contains(&digits)
            && p.len() - digits <= 1
            && p.bytes().skip(digits).all(|b| b.is_ascii_alphabetic())
    };
    ok(a) && (b.is_empty() || ok(b))
}

/// The first word of a spelled-out number whose last word is `k`.
fn number_word_start(words: &[&str], k: usize) -> Option<usize> {
    (k.saturating_sub(4)..=k)
        .find(|&j| number_words(words, j).is_some_and(|(v, last)| last == k && v > 0))
}

/// Extends a line back over "flat 3," or "apartment 12b" and a named house before it.
fn prefix_start(words: &[&str], c: &[String], start: usize) -> usize {
    let flat_word = |w: &str| {
        matches!(
            w,
            "flat" | "apartment" | "apt" | "unit" | "suite" | "maisonette"
        )
    };
    if start >= 1 && flat_word(&c[start - 1]) {
        return start - 1;
    }
    if start >= 2 {
        if let Some(fs) = house_number_start(words, c, start - 1) {
            if fs >= 1 && flat_word(&c[fs - 1]) {
                return fs - 1;
            }
        }
    }
    if start >= 1 {
        if let Some(h) = house_name_start(words, c, start - 1) {
            return h;
        }
    }
    start
}

/// A house name ending at word `k` with a comma: up to three words, one of them a house noun
/// ("The Old Rectory,", "Rose Cottage,").
fn house_name_start(words: &[&str], c: &[String], k: usize) -> Option<usize> {
    if !ends_clause(words[k]) {
        return None;
    }
    let mut first = k + 1;
    let mut noun = false;
    while first > 0 && k + 1 - first < 3 {
        let j = first - 1;
        let alpha = c[j].chars().all(|ch| ch.is_alphabetic() || ch == '\'');
        if !alpha
            || c[j].is_empty()
            || is_function(&c[j])
            || (j < k && (ends_clause(words[j]) || ends_sentence(words[j])))
        {
            break;
        }
        noun |= is_house_noun(&c[j]);
        first = j;
    }
    if !noun || first > k {
        return None;
    }
    if first > 0 && c[first - 1] == "the" {
        first -= 1;
    }
    Some(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranges(text: &str) -> Vec<(usize, usize)> {
        let words: Vec<&str> = text.split_whitespace().collect();
        address_lines(&words)
            .iter()
            .map(|m| (m.first, m.last))
            .collect()
    }

    #[test]
    fn number_in_words_and_capitalised_street() {
        assert_eq!(ranges("it's fourteen Acacia Avenue"), vec![(1, 3)]);
    }

    #[test]
    fn numeral_with_letter() {
        assert_eq!(ranges("22b Baker Street, London"), vec![(0, 2)]);
        assert_eq!(ranges("I'm at 1A Mill Lane."), vec![(2, 4)]);
    }

    #[test]
    fn house_letter_as_separate_word() {
        assert_eq!(ranges("twenty two b baker street"), vec![(0, 4)]);
        assert_eq!(ranges("22 B Baker Street"), vec![(0, 3)]);
    }

    #[test]
    fn flat_prefix_is_included() {
        assert_eq!(ranges("flat 3, 45 High Road"), vec![(0, 4)]);
        assert_eq!(ranges("it's flat three, Acacia Court"), vec![(1, 4)]);
    }

    #[test]
    fn lowercase_street_words() {
        assert_eq!(ranges("yeah 7 church lane"), vec![(1, 3)]);
        assert_eq!(ranges("fourteen high street"), vec![(0, 2)]);
    }

    #[test]
    fn abbreviated_suffix() {
        assert_eq!(ranges("22b Baker St."), vec![(0, 2)]);
        assert_eq!(ranges("9 Elm Rd, Leeds"), vec![(0, 2)]);
    }

    #[test]
    fn saint_inside_a_street_name() {
        assert_eq!(ranges("14 St Mary's Road"), vec![(0, 3)]);
    }

    #[test]
    fn suffix_word_that_is_also_a_name_word() {
        assert_eq!(ranges("12 Park Road"), vec![(0, 2)]);
        assert_eq!(ranges("3 Church Hill Road"), vec![(0, 3)]);
    }

    #[test]
    fn the_avenue() {
        assert_eq!(ranges("number 14 The Avenue"), vec![(1, 3)]);
    }

    #[test]
    fn hundreds_in_words() {
        assert_eq!(ranges("one hundred and five London Road"), vec![(0, 5)]);
    }

    #[test]
    fn named_house_and_street_is_lower_confidence() {
        let w: Vec<&str> = "the old rectory, church lane".split(' ').collect();
        let m = address_lines(&w);
        assert_eq!((m[0].first, m[0].last), (0, 4));
        assert!(m[0].confidence < 0.6);
    }

    #[test]
    fn named_house_before_numbered_street() {
        assert_eq!(ranges("Rose Cottage, 14 Mill Lane"), vec![(0, 4)]);
    }

    #[test]
    fn waiting_on_the_high_street_is_not_an_address() {
        assert!(ranges("I've been waiting twenty minutes on the high street").is_empty());
    }

    #[test]
    fn minutes_walk_and_drive_are_not_addresses() {
        assert!(ranges("it's a 2 minute walk from the station").is_empty());
        assert!(ranges("about a ten minute drive away").is_empty());
        assert!(ranges("there's one way to do it").is_empty());
    }

    #[test]
    fn street_without_number_is_not_an_address() {
        assert!(ranges("I went down Oxford Street yesterday").is_empty());
        assert!(ranges("I paid 20 pounds on Oxford Street").is_empty());
    }

    #[test]
    fn sentence_break_between_number_and_street() {
        assert!(ranges("I called 3 times. Park Lane branch said no").is_empty());
    }

    #[test]
    fn other_sentences_do_not_match() {
        for s in [
            "we live 5 doors down the road",
            "turn left at 2 Park",
            "the bill went up 10 pounds this week",
            "I have to drive 30 miles every day",
            "can you close the account",
        ] {
            assert!(ranges(s).is_empty(), "matched: {s}");
        }
    }
}
