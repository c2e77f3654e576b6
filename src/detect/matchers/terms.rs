//! Customer-supplied terms (project names, product codes, people) matched as whole words,
//! ASCII case-insensitively, across word boundaries, ignoring punctuation.
//!
//! Both the terms and the turn are reduced to the same form: words split at punctuation other
//! than apostrophes, apostrophes dropped, joined by single spaces and padded with a space at
//! each end. A term then matches only at word boundaries, and "Acme-Corp", "acme corp" and
//! "Acme, Corp." all meet.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::Match;

pub const RULE: &str = "term_list";

/// A compiled term list. Cheap to query; build once per policy.
#[derive(Clone, Debug)]
pub struct TermList {
    ac: Option<AhoCorasick>,
}

impl TermList {
    /// Terms that are empty after normalising are ignored.
    pub fn new(terms: &[String]) -> TermList {
        let patterns: Vec<String> = terms
            .iter()
            .map(|t| normalise_pieces(std::iter::once(t.as_str())).0)
            .filter(|p| !p.trim().is_empty())
            .collect();
        if patterns.is_empty() {
            return TermList { ac: None };
        }
        let ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .ok();
        TermList { ac }
    }

    pub fn is_empty(&self) -> bool {
        self.ac.is_none()
    }

    /// Every term occurrence in the turn, leftmost first, longest first where two overlap.
    pub fn find(&self, words: &[&str]) -> Vec<Match> {
        let Some(ac) = &self.ac else {
            return Vec::new();
        };
        let (hay, owner) = normalise_pieces(words.iter().copied());
        let mut hits: Vec<(usize, usize)> = ac
            .find_overlapping_iter(hay.as_str())
            .filter_map(|m| {
                // The pattern's padding spaces are shared with neighbours; the word a match
                // covers is the owner of its first and last non-space byte.
                let first = owner[m.start() + 1]?;
                let last = owner[m.end() - 2]?;
                Some((first, last))
            })
            .collect();
        hits.sort_by_key(|&(f, l)| (f, std::cmp::Reverse(l)));
        let mut out: Vec<Match> = Vec::new();
        for (first, last) in hits {
            if out.last().is_some_and(|p| first <= p.last) {
                continue;
            }
            out.push(Match {
                first,
                last,
                confidence: 0.95,
                rule: RULE,
            });
        }
        out
    }
}

/// The normalised text of some words, and for each of its bytes the index of the word it came
/// from (None for the separating spaces).
fn normalise_pieces<'a>(words: impl Iterator<Item = &'a str>) -> (String, Vec<Option<usize>>) {
    let mut text = String::from(" ");
    let mut owner = vec![None];
    for (i, w) in words.enumerate() {
        for piece in w.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '\u{2019}')) {
            let kept: String = piece.chars().filter(|c| c.is_alphanumeric()).collect();
            if kept.is_empty() {
                continue;
            }
            for ch in kept.chars() {
                let lower = ch.to_ascii_lowercase();
                text.push(lower);
                owner.extend(std::iter::repeat_n(Some(i), lower.len_utf8()));
            }
            text.push(' ');
            owner.push(None);
        }
    }
    (text, owner)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(terms: &[&str]) -> TermList {
        TermList::new(&terms.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    }

    fn ranges(l: &TermList, text: &str) -> Vec<(usize, usize)> {
        let words: Vec<&str> = text.split_whitespace().collect();
        l.find(&words).iter().map(|m| (m.first, m.last)).collect()
    }

    #[test]
    fn single_word_term_case_insensitive() {
        let l = list(&["Falcon"]);
        assert_eq!(ranges(&l, "about project FALCON, yes"), vec![(2, 2)]);
    }

    #[test]
    fn whole_words_only() {
        let l = list(&["ann"]);
        assert!(ranges(&l, "I spoke to Joanne and Annie").is_empty());
        assert_eq!(ranges(&l, "I spoke to Ann."), vec![(3, 3)]);
    }

    #[test]
    fn multi_word_term_across_words_and_punctuation() {
        let l = list(&["Acme Corp"]);
        assert_eq!(ranges(&l, "it's Acme, Corp. calling"), vec![(1, 2)]);
        assert_eq!(ranges(&l, "it's Acme-Corp calling"), vec![(1, 1)]);
    }

    #[test]
    fn hyphenated_term_meets_spaced_words() {
        let l = list(&["acme-corp"]);
        assert_eq!(ranges(&l, "from acme corp"), vec![(1, 2)]);
    }

    #[test]
    fn apostrophes_are_ignored() {
        let l = list(&["O'Brien"]);
        assert_eq!(ranges(&l, "Mr OBrien"), vec![(1, 1)]);
        assert_eq!(ranges(&l, "Mr O\u{2019}Brien."), vec![(1, 1)]);
    }

    #[test]
    fn adjacent_repeats_are_both_found() {
        let l = list(&["ann"]);
        assert_eq!(ranges(&l, "ann ann"), vec![(0, 0), (1, 1)]);
    }

    #[test]
    fn longest_of_overlapping_terms_wins() {
        let l = list(&["red", "red kite", "kite"]);
        assert_eq!(ranges(&l, "the red kite project"), vec![(1, 2)]);
    }

    #[test]
    fn empty_and_punctuation_only_terms_are_ignored() {
        let l = list(&["", "  ", "--"]);
        assert!(l.is_empty());
        assert!(ranges(&l, "anything at all").is_empty());
    }

    #[test]
    fn non_ascii_terms_match_exactly() {
        let l = list(&["Zoë"]);
        assert_eq!(ranges(&l, "it's zoë here"), vec![(1, 1)]);
    }

    #[test]
    fn no_terms_no_matches() {
        let l = TermList::new(&[]);
        assert!(ranges(&l, "project falcon").is_empty());
    }
}
