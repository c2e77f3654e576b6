//! People's names: "my name is Jane Smith", "Mrs Okafor", "Sarah speaking", "it's Margaret",
//! and, when the agent has just asked for a name, the name-like words of the answer.
//!
//! Whisper capitalises proper nouns, so a capitalised word that is neither a function word nor
//! everyday vocabulary is the main evidence. Lower-case words count only after an explicit
//! trigger ("my name is") or in an answer to "can I take your name". A spelling that follows
//! ("Smith, S M I T H") is part of the name.

use super::lexicon::{is_common, is_function};
use super::tokens::{clean, ends_clause, ends_sentence, is_capitalised, is_filler, spell_word};
use super::Match;

pub const RULE_TRIGGER: &str = "name_trigger";
pub const RULE_TITLE: &str = "name_title";
pub const RULE_INTRO: &str = "name_intro";
pub const RULE_SPEAKING: &str = "name_speaking";
pub const RULE_GREETING: &str = "name_greeting";
pub const RULE_RELATION: &str = "name_relation";
pub const RULE_ANSWER: &str = "name_answer";
pub const RULE_SPELLED: &str = "name_spelled";

/// The most words a name runs to ("Mary Anne van der Berg" is five with particles).
const MAX_NAME_WORDS: usize = 4;

/// Names in one turn. `asked`: the agent just asked for a name, so this turn is the answer.
pub fn name_in_answer(words: &[&str], asked: bool) -> Vec<Match> {
    let t = Turn::new(words);
    let mut found: Vec<Match> = Vec::new();
    let mut push = |first: usize, last: usize, confidence: f32, rule: &'static str| {
        let last = t.spelled_after(last).unwrap_or(last);
        found.push(Match {
            first,
            last,
            confidence,
            rule,
        });
    };

    for i in 0..t.n() {
        // "my name is X", "surname's X", "first name is X"
        if let Some(s) = t.explicit_trigger_end(i) {
            let first_ok = |k: usize| t.alpha(k) && !t.func(k) && (t.cap(k) || !t.common(k));
            if let Some((last, _)) = t.letter_run(s) {
                // Initials then a surname ("M J Okafor"), or a spelling on its own.
                let last = t
                    .take_name(last + 1, |k| t.strong(k), |k| t.capword(k))
                    .unwrap_or(last);
                push(s, last, 0.8, RULE_SPELLED);
            } else if let Some(last) = t.take_name(s, first_ok, |k| t.capword(k) || t.loose(k)) {
                push(s, last, if t.cap(s) { 0.9 } else { 0.75 }, RULE_TRIGGER);
            } else if let Some(last) = t.spelled_after(s - 1) {
                push(s, last, 0.8, RULE_SPELLED);
            }
        }
        // "Mr Okafor", "Dr. Patel"
        if t.title(i) {
            let first_ok = |k: usize| t.alpha(k) && !t.func(k) && (t.cap(k) || !t.common(k));
            if let Some(last) = t.take_name(i + 1, first_ok, |k| t.capword(k)) {
                push(i, last, 0.85, RULE_TITLE);
            }
        }
        // "Fiona Hughes, H U G H E S": a word followed by its own spelling is a name.
        if let Some(end) = t.spelled_out(i) {
            let mut first = i;
            while first > 0
                && i - first < MAX_NAME_WORDS - 1
                && t.capword(first - 1)
                && !ends_sentence(t.w[first - 1])
                && !ends_clause(t.w[first - 1])
            {
                first -= 1;
            }
            push(first, end, 0.85, RULE_SPELLED);
        }
        // "it's Margaret", "I'm Sarah", "this is Dave"
        if let Some(s) = t.soft_trigger_end(i).filter(|&s| !t.title(s)) {
            if let Some(last) = t.take_name(s, |k| t.strong(k), |k| t.capword(k)) {
                push(s, last, if asked { 0.8 } else { 0.7 }, RULE_INTRO);
            } else if asked {
                if let Some(last) = t.take_name(s, |k| t.loose(k), |k| t.loose(k)) {
                    push(s, last, 0.65, RULE_INTRO);
                }
            }
        }
        // "Sarah Jones speaking"
        if t.c[i] == "speaking" && i > 0 && !ends_sentence(t.w[i - 1]) {
            let mut first = i;
            while first > 0
                && i - first < MAX_NAME_WORDS
                && t.capword(first - 1)
                && !ends_sentence(t.w[first - 1])
            {
                first -= 1;
            }
            if first < i && (first..i).any(|k| t.strong(k)) {
                push(first, i - 1, 0.75, RULE_SPEAKING);
            }
        }
        // "Margaret here"
        if t.c[i] == "here" && i > 0 && !ends_sentence(t.w[i - 1]) {
            let mut first = i;
            while first > 0
                && i - first < MAX_NAME_WORDS
                && t.capword(first - 1)
                && !ends_sentence(t.w[first - 1])
            {
                first -= 1;
            }
            let lead_ok = first == 0
                || t.func(first - 1)
                || t.greeting(first - 1)
                || ends_clause(t.w[first - 1]);
            if first < i && lead_ok && (first..i).any(|k| t.strong(k)) {
                push(first, i - 1, 0.6, RULE_SPEAKING);
            }
        }
        // "Is that Sarah?"
        if t.c[i] == "is" && t.word(i + 1) == "that" && t.strong(i + 2) {
            if let Some(last) = t.take_name(i + 2, |k| t.strong(k), |k| t.capword(k)) {
                if t.w[last].trim_end().ends_with('?') {
                    push(i + 2, last, 0.6, RULE_INTRO);
                }
            }
        }
        // "Thanks, Margaret", "hello Mr Okafor" (the title rule already has that one)
        if t.greeting(i) && i + 1 < t.n() && !ends_sentence(t.w[i]) && t.strong(i + 1) {
            if let Some(last) = t.take_name(i + 1, |k| t.strong(k), |k| t.capword(k)) {
                push(i + 1, last, 0.55, RULE_GREETING);
            }
        }
        // "my mum, Colette Rourke", "a lady named Sue Perkins"
        if t.relation(i) && i + 1 < t.n() && !ends_sentence(t.w[i]) && t.strong(i + 1) {
            if let Some(last) = t.take_name(i + 1, |k| t.strong(k), |k| t.capword(k)) {
                push(i + 1, last, 0.65, RULE_RELATION);
            }
        }
        // "spelled S M I T H" with no name before it
        if matches!(t.c[i].as_str(), "spelled" | "spelt" | "spelling") {
            if let Some(last) = t.spelled_after(i) {
                push(i + 1, last, 0.6, RULE_SPELLED);
            }
        }
    }

    if asked {
        // Capitalised name-like runs anywhere in the answer: "Yes, it's for Margaret Okafor."
        let mut i = 0;
        while i < t.n() {
            if t.strong(i) {
                let mut first = i;
                while first > 0
                    && (t.capword(first - 1) || t.title(first - 1))
                    && !ends_sentence(t.w[first - 1])
                {
                    first -= 1;
                }
                let last = t
                    .take_name(i, |k| t.strong(k), |k| t.capword(k))
                    .unwrap_or(i);
                push(first, last, 0.8, RULE_ANSWER);
                i = last + 1;
            } else {
                i += 1;
            }
        }
        // A bare lower-case answer: "margaret okafor", "yeah jane smith".
        let loose: Vec<usize> = (0..t.n()).filter(|&k| t.loose(k)).collect();
        let rest_is_glue =
            (0..t.n()).all(|k| t.loose(k) || t.func(k) || is_filler(&t.c[k]) || t.c[k].is_empty());
        if rest_is_glue && (1..=MAX_NAME_WORDS).contains(&loose.len()) {
            push(
                loose[0],
                *loose.last().unwrap_or(&loose[0]),
                0.6,
                RULE_ANSWER,
            );
        }
        // A spelling on its own: "S M I T H".
        let mut k = 0;
        while k < t.n() {
            match t.letter_run(k).filter(|(_, letters)| letters.len() >= 3) {
                Some((last, _)) => {
                    push(k, last, 0.7, RULE_SPELLED);
                    k = last + 1;
                }
                None => k += 1,
            }
        }
    }
    merge(found)
}

/// Overlapping or touching findings are one name; the strongest rule names it.
fn merge(mut v: Vec<Match>) -> Vec<Match> {
    v.sort_by_key(|m| (m.first, m.last));
    let mut out: Vec<Match> = Vec::new();
    for m in v {
        match out.last_mut() {
            Some(p) if m.first <= p.last + 1 => {
                p.last = p.last.max(m.last);
                if m.confidence > p.confidence {
                    p.confidence = m.confidence;
                    p.rule = m.rule;
                }
            }
            _ => out.push(m),
        }
    }
    out
}

/// A turn's words with the per-word facts the rules test.
struct Turn<'a> {
    w: &'a [&'a str],
    c: Vec<String>,
}

impl<'a> Turn<'a> {
    fn new(w: &'a [&'a str]) -> Turn<'a> {
        Turn {
            w,
            c: w.iter().map(|x| clean(x)).collect(),
        }
    }

    fn n(&self) -> usize {
        self.w.len()
    }

    fn word(&self, k: usize) -> &str {
        self.c.get(k).map(String::as_str).unwrap_or("")
    }

    fn cap(&self, k: usize) -> bool {
        self.w.get(k).is_some_and(|w| is_capitalised(w))
    }

    fn func(&self, k: usize) -> bool {
        is_function(self.word(k))
    }

    /// Everyday words, with their possessives and contractions ("someone's", "Sorry's").
    fn common(&self, k: usize) -> bool {
        let w = self.word(k);
        if is_common(w) {
            return true;
        }
        let stem = w.strip_suffix("'s").or_else(|| w.strip_suffix("\u{2019}s"));
        stem.is_some_and(|s| is_common(s) || is_function(s))
    }

    /// "my mum, Colette Rourke", "my husband Kwame": a relative's name follows.
    fn relation(&self, k: usize) -> bool {
        let w = self.word(k);
        let w = w.strip_suffix("'s").unwrap_or(w);
        matches!(
            w,
            "mum"
                | "mam"
                | "mom"
                | "mother"
                | "dad"
                | "father"
                | "husband"
                | "wife"
                | "partner"
                | "son"
                | "daughter"
                | "brother"
                | "sister"
                | "grandson"
                | "granddaughter"
                | "nan"
                | "gran"
                | "grandma"
                | "grandad"
                | "uncle"
                | "aunt"
                | "auntie"
                | "niece"
                | "nephew"
                | "neighbour"
                | "friend"
                | "carer"
                | "named"
        )
    }

    /// Letters, with the apostrophes and hyphens of O'Brien and Smith-Jones.
    fn alpha(&self, k: usize) -> bool {
        let w = self.word(k);
        w.chars().any(char::is_alphabetic)
            && w.chars()
                .all(|c| c.is_alphabetic() || matches!(c, '\'' | '-' | '\u{2019}'))
    }

    /// A capitalised word that is not everyday English: the mark of a proper noun.
    fn strong(&self, k: usize) -> bool {
        self.alpha(k)
            && self.cap(k)
            && !self.func(k)
            && !self.common(k)
            && self.word(k).chars().count() > 1
            && !self.title(k)
    }

    /// Any-case word that is not everyday English. A lower-case "-ing" word is a verb ("I'm
    /// ringing"); surnames like Fleming are still found when Whisper capitalises them.
    fn loose(&self, k: usize) -> bool {
        let w = self.word(k);
        self.alpha(k)
            && !self.func(k)
            && !self.common(k)
            && w.chars().count() > 1
            && !self.title(k)
            && (self.cap(k) || !w.ends_with("ing"))
    }

    /// Capitalised and not a function word; may be common ("June", "Brown") next to a name.
    fn capword(&self, k: usize) -> bool {
        self.alpha(k) && self.cap(k) && !self.func(k) && !self.title(k)
    }

    fn particle(&self, k: usize) -> bool {
        matches!(
            self.word(k),
            "van"
                | "von"
                | "de"
                | "der"
                | "den"
                | "da"
                | "di"
                | "du"
                | "la"
                | "le"
                | "del"
                | "della"
                | "ter"
        )
    }

    fn title(&self, k: usize) -> bool {
        match self.word(k) {
            "mr" | "mrs" | "ms" | "mx" | "dr" | "mister" | "missus" | "mrs." | "prof" => true,
            "miss" | "doctor" | "professor" | "sir" | "dame" | "lady" | "lord" => self.cap(k),
            _ => false,
        }
    }

    fn greeting(&self, k: usize) -> bool {
        match self.word(k) {
            "thanks" | "hello" | "hi" | "hiya" | "hey" | "cheers" | "bye" | "dear" | "sorry"
            | "lovely" | "perfect" | "brilliant" | "okay" | "ok" | "yes" => true,
            "you" => k > 0 && self.word(k - 1) == "thank",
            _ => false,
        }
    }

    /// The index after "my name is", "name's", "surname is", "last name was".
    fn explicit_trigger_end(&self, i: usize) -> Option<usize> {
        let s = match self.word(i) {
            "name's" | "surname's" | "names" | "name\u{2019}s" | "surname\u{2019}s" => i + 1,
            // "What name is the account under?", "which surname is it in?": asked, not
            // given; the reply is the answer.
            "name" | "surname"
                if i > 0 && matches!(self.word(i - 1), "what" | "which" | "whose") =>
            {
                return None
            }
            // "name is", and "name on the card is", "name on the account was"
            "name" | "surname" => {
                let mut j = i + 1;
                while j < self.n() && j <= i + 5 && !matches!(self.word(j), "is" | "was") {
                    if ends_sentence(self.w[j - 1]) || !(self.func(j) || self.common(j)) {
                        return None;
                    }
                    j += 1;
                }
                if !matches!(self.word(j), "is" | "was") || ends_sentence(self.w[j - 1]) {
                    return None;
                }
                j + 1
            }
            _ => return None,
        };
        // "what's your name" is the agent asking; "your name is" would be a read-back and counts.
        (s < self.n() && !ends_sentence(self.w[s - 1])).then_some(s)
    }

    /// The index after "it's", "it is", "this is", "I'm", "I am", "call me".
    fn soft_trigger_end(&self, i: usize) -> Option<usize> {
        let s = match (self.word(i), self.word(i + 1)) {
            ("it's" | "it\u{2019}s" | "i'm" | "i\u{2019}m" | "im", _) => i + 1,
            ("it" | "this" | "that", "is") | ("i", "am") | ("call", "me") => i + 2,
            ("this" | "that", "is's") => i + 2,
            ("this's" | "that's", _) => i + 1,
            _ => return None,
        };
        (s < self.n() && !ends_sentence(self.w[s - 1])).then_some(s)
    }

    /// Extends a name from `s`: the first word must pass `first_ok`, later ones `cont_ok`, with
    /// particles ("van der") between. Stops at a sentence end; a comma ends it too unless a
    /// proper noun follows ("Jane, Jane Smith").
    fn take_name(
        &self,
        s: usize,
        first_ok: impl Fn(usize) -> bool,
        cont_ok: impl Fn(usize) -> bool,
    ) -> Option<usize> {
        if s >= self.n() || !first_ok(s) {
            return None;
        }
        let mut last = s;
        let mut count = 1;
        while count < MAX_NAME_WORDS && !ends_sentence(self.w[last]) {
            let k = last + 1;
            if k >= self.n() {
                break;
            }
            if ends_clause(self.w[last]) && !self.strong(k) {
                break;
            }
            if self.particle(k) && k + 1 < self.n() && !ends_sentence(self.w[k]) && cont_ok(k + 1) {
                last = k + 1;
                count += 2;
            } else if cont_ok(k) {
                last = k;
                count += 1;
            } else {
                break;
            }
        }
        Some(last)
    }

    /// A letter-by-letter spelling right after word `last`, optionally after "spelled" or
    /// "that's": returns the spelling's last word.
    fn spelled_after(&self, last: usize) -> Option<usize> {
        self.spelling_after(last).map(|(end, _)| end)
    }

    /// The spelling after word `last` and its letters.
    fn spelling_after(&self, last: usize) -> Option<(usize, String)> {
        let mut k = last + 1;
        let mut skipped = 0;
        while k < self.n()
            && skipped < 3
            && matches!(
                self.word(k),
                "spelled"
                    | "spelt"
                    | "spelling"
                    | "that's"
                    | "thats"
                    | "that"
                    | "is"
                    | "it's"
                    | "its"
                    | "it"
                    | "as"
                    | "um"
                    | "er"
                    | "erm"
                    | "uh"
            )
        {
            k += 1;
            skipped += 1;
        }
        let (end, letters) = self.letter_run(k)?;
        (letters.len() >= 2).then_some((end, letters))
    }

    /// Word `k` is followed by its own spelling ("Hughes, H U G H E S"), allowing one
    /// misheard letter in longer names.
    fn spelled_out(&self, k: usize) -> Option<usize> {
        if !(self.alpha(k) && self.cap(k) && !self.func(k)) {
            return None;
        }
        let want: Vec<char> = self
            .word(k)
            .chars()
            .filter(|c| c.is_alphabetic())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let (end, got) = self.spelling_after(k)?;
        let got: Vec<char> = got.chars().collect();
        let wrong = want.iter().zip(&got).filter(|(a, b)| a != b).count();
        (want.len() >= 2
            && want.len() == got.len()
            && (wrong == 0 || (wrong == 1 && want.len() >= 4)))
            .then_some(end)
    }

    /// Consecutive single letters from `k` ("S M I T H", "S-M-I-T-H", "double T"): the last
    /// word and the letters. At least two strong letters, so "are you" is not one.
    fn letter_run(&self, k: usize) -> Option<(usize, String)> {
        let mut i = k;
        let mut letters = String::new();
        let mut strong = 0;
        let mut words = 0;
        let mut chained = false;
        while i < self.n() {
            let w = self.word(i);
            let (syms, width) = if matches!(w, "double" | "treble" | "triple") && i + 1 < self.n() {
                match spell_word(self.w[i + 1]) {
                    Some(s) if s.len() == 1 => (vec![s[0]; if w == "double" { 2 } else { 3 }], 2),
                    _ => break,
                }
            } else {
                // "OK" and "UK" are words, not spellings: only single letters, letter names and
                // hyphen or dot chains count.
                let raw_alnum = w.chars().filter(|c| c.is_alphanumeric()).count();
                let chain = w.contains('-') || w.contains('.');
                let multi_caps = raw_alnum > 1
                    && !chain
                    && self.w[i]
                        .chars()
                        .filter(|c| c.is_alphabetic())
                        .all(|c| c.is_uppercase());
                match spell_word(self.w[i]) {
                    Some(s) if !multi_caps && s.iter().all(|x| x.is_letter()) => {
                        chained |= chain && s.len() > 1;
                        (s, 1)
                    }
                    _ => break,
                }
            };
            letters.extend(syms.iter().filter_map(|s| s.letter).map(char::from));
            strong += syms.iter().filter(|s| !s.weak).count();
            words += 1;
            i += width;
            if ends_sentence(self.w[i - 1]) {
                break;
            }
        }
        if letters.is_empty() || strong < 2 || (words < 2 && !chained) {
            return None;
        }
        Some((i - 1, letters))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranges(text: &str, asked: bool) -> Vec<(usize, usize)> {
        let words: Vec<&str> = text.split_whitespace().collect();
        name_in_answer(&words, asked)
            .iter()
            .map(|m| (m.first, m.last))
            .collect()
    }

    #[test]
    fn my_name_is_first_and_last() {
        assert_eq!(
            ranges(
                "Hi, my name is Jane Smith and I'm calling about my bill.",
                false
            ),
            vec![(4, 5)]
        );
    }

    #[test]
    fn my_name_is_lowercase_name() {
        assert_eq!(ranges("yeah my name is jane smith", false), vec![(4, 5)]);
    }

    #[test]
    fn a_question_about_the_name_gives_none() {
        // Whisper's "What name is near County," for "what name is the account under?".
        assert!(ranges("What name is near County,", false).is_empty());
        assert!(ranges("which surname is it under?", false).is_empty());
        // The nearest non-example: the same words stating it.
        assert_eq!(ranges("the name is Chloe Ramen.", false), vec![(3, 4)]);
    }

    #[test]
    fn names_contraction() {
        assert_eq!(ranges("Name's Dave Okoro.", false), vec![(1, 2)]);
    }

    #[test]
    fn surname_is_then_spelling() {
        assert_eq!(
            ranges("and my surname is Okafor, O K A F O R.", false),
            vec![(4, 10)]
        );
    }

    #[test]
    fn name_followed_by_its_own_spelling_needs_no_trigger() {
        assert_eq!(
            ranges("Yeah, Fiona Hughes, H U G H E S, and it's", false),
            vec![(1, 8)]
        );
        assert_eq!(ranges("Kowalski, K O W A L S K I.", false), vec![(0, 8)]);
        // one misheard letter in a long name still counts
        assert_eq!(ranges("Brennan, B R E N N A M.", false), vec![(0, 7)]);
        // a spelling of something else is not a name
        assert!(ranges("Order, A B C D E.", false).is_empty());
    }

    #[test]
    fn im_ringing_is_not_a_name_even_when_asked() {
        assert_eq!(
            ranges(
                "Hi, my name's Ewan Nakamura and I'm ringing about my bill.",
                true
            ),
            vec![(3, 4)]
        );
    }

    #[test]
    fn the_names_of_taxes_and_benefits_are_not_a_persons() {
        assert!(ranges("I've got my National Insurance number here", false).is_empty());
        assert!(ranges("it's about my Universal Credit", false).is_empty());
        // Nearest non-example: a surname after "my name is" is still a name.
        assert_eq!(ranges("my name is Tax Hughes", false), vec![(3, 4)]);
    }

    #[test]
    fn spelled_after_that_is() {
        assert_eq!(ranges("It's Smith, that's S M I T H.", true), vec![(1, 7)]);
    }

    #[test]
    fn surname_spelled_without_name_word() {
        assert_eq!(ranges("my surname is S M I T H", false), vec![(3, 7)]);
    }

    #[test]
    fn hyphen_spelling_counts() {
        assert_eq!(ranges("it's Smith S-M-I-T-H", true), vec![(1, 2)]);
    }

    #[test]
    fn spelled_keyword_without_name() {
        assert_eq!(ranges("it's spelled K A U R", false), vec![(2, 5)]);
    }

    #[test]
    fn title_and_surname() {
        assert_eq!(ranges("Am I speaking to Mrs Okafor?", false), vec![(4, 5)]);
        assert_eq!(ranges("it's for Dr. Patel", false), vec![(2, 3)]);
    }

    #[test]
    fn title_with_common_surname() {
        assert_eq!(ranges("is that Mr Brown", false), vec![(2, 3)]);
    }

    #[test]
    fn miss_lowercase_is_a_verb() {
        assert!(ranges("I miss Friday payments", false).is_empty());
    }

    #[test]
    fn intro_this_is_and_im() {
        assert_eq!(
            ranges("Hello, this is Sarah from Acme.", false),
            vec![(3, 3)]
        );
        assert_eq!(ranges("I'm Priya Shah.", false), vec![(1, 2)]);
    }

    #[test]
    fn im_calling_is_not_a_name() {
        assert!(ranges("I'm calling about my bill", false).is_empty());
        assert!(ranges("I'm not sure to be honest", false).is_empty());
        assert!(ranges("I'm Calling About My Bill", false).is_empty());
    }

    #[test]
    fn its_with_everyday_word_is_not_a_name() {
        assert!(ranges("It's Tuesday today", false).is_empty());
        assert!(ranges("It's Visa, yeah.", false).is_empty());
        assert!(ranges("it's broken again", true).is_empty());
    }

    #[test]
    fn name_speaking() {
        assert_eq!(
            ranges("Good morning, Tom Hughes speaking, how can I help?", false),
            vec![(2, 3)]
        );
        assert!(ranges("Who's speaking please", false).is_empty());
    }

    #[test]
    fn name_here_and_is_that_question() {
        assert_eq!(ranges("Hi there, Margaret here", false), vec![(2, 2)]);
        assert_eq!(ranges("Is that Sarah Jones?", false), vec![(2, 3)]);
        assert!(ranges("Is that Tuesday?", false).is_empty());
        assert!(ranges("I left it in here", false).is_empty());
    }

    #[test]
    fn name_on_the_card_is() {
        assert_eq!(
            ranges("The name on the card is M J Okafor", false),
            vec![(6, 8)]
        );
        assert!(ranges("The name on the card is wrong", false).is_empty());
    }

    #[test]
    fn greeting_then_name() {
        assert_eq!(ranges("Thank you, Margaret.", false), vec![(2, 2)]);
    }

    #[test]
    fn relative_then_name() {
        assert_eq!(
            ranges(
                "I'm calling for my mum, Colette Rourke, she's had a letter",
                false
            ),
            vec![(5, 6)]
        );
        assert_eq!(ranges("it's my husband's account, Kwame's", false), vec![]);
        assert_eq!(
            ranges("a lady named Sue Perkins said so", false),
            vec![(3, 4)]
        );
    }

    #[test]
    fn possessive_of_an_everyday_word_is_not_a_name() {
        assert!(ranges("Sorry, can you hold on? Someone's at the door.", true).is_empty());
    }

    #[test]
    fn asked_bare_capitalised_answer() {
        assert_eq!(ranges("Margaret Okafor.", true), vec![(0, 1)]);
        assert_eq!(ranges("Yes, it's Margaret Okafor.", true), vec![(2, 3)]);
    }

    #[test]
    fn asked_title_and_surname_answer() {
        assert_eq!(ranges("Mrs Okafor", true), vec![(0, 1)]);
    }

    #[test]
    fn asked_lowercase_answer() {
        assert_eq!(ranges("yeah margaret okafor", true), vec![(1, 2)]);
        assert_eq!(ranges("it's margaret", true), vec![(1, 1)]);
    }

    #[test]
    fn asked_name_with_common_first_name_joins_the_surname() {
        assert_eq!(ranges("June Whitfield.", true), vec![(0, 1)]);
    }

    #[test]
    fn asked_name_inside_a_longer_answer() {
        assert_eq!(
            ranges("Yeah, the account's under my husband, Kwame Mensah.", true),
            vec![(6, 7)]
        );
    }

    #[test]
    fn asked_spelling_alone() {
        assert_eq!(ranges("S M I T H", true), vec![(0, 4)]);
    }

    #[test]
    fn particles_and_double_barrelled() {
        assert_eq!(ranges("my name is Anna van der Berg", false), vec![(3, 6)]);
        assert_eq!(ranges("my name is Lucy Smith-Jones", false), vec![(3, 4)]);
        assert_eq!(ranges("my name is Sean O'Brien.", false), vec![(3, 4)]);
    }

    #[test]
    fn name_stops_at_sentence_end() {
        assert_eq!(
            ranges("My name is Jane Smith. Can you help?", false),
            vec![(3, 4)]
        );
    }

    #[test]
    fn repeated_name_after_comma() {
        assert_eq!(ranges("my name is Jane, Jane Smith", false), vec![(3, 5)]);
    }

    #[test]
    fn my_name_is_on_the_account_is_not_a_name() {
        assert!(ranges("my name is on the account", false).is_empty());
        assert!(ranges("What's your name please?", false).is_empty());
    }

    #[test]
    fn asked_answer_without_a_name() {
        assert!(ranges("Sorry, can you say that again?", true).is_empty());
        assert!(ranges("Hold on, let me get my glasses.", true).is_empty());
        assert!(ranges("Yeah, it's the same as before.", true).is_empty());
        assert!(ranges("are you there", true).is_empty());
    }

    #[test]
    fn ordinary_sentences_without_asking() {
        for s in [
            "I'm not happy with the service at all",
            "It's been three weeks and nobody called",
            "This is the second time I've rung",
            "I paid it on Monday through Barclays",
            "OK, so the bill is about forty pounds",
            "Can I take your name please?",
        ] {
            assert!(ranges(s, false).is_empty(), "matched: {s}");
        }
    }

    #[test]
    fn ok_in_capitals_is_not_a_spelling() {
        assert_eq!(ranges("my name is Jane Smith OK", false), vec![(3, 4)]);
    }
}
