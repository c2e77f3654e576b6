//! E-mail addresses, spoken ("jane dot doe at example dot co dot uk", "j doe 82 at gmail dot
//! com") or written ("jane.doe@example.com").
//!
//! The anchor is "at" (or "@"), and it only counts when what follows reads as a domain: labels
//! joined by "dot" ending in a known top-level domain, or a known mail provider ("at gmail").
//! That keeps "I'm at home" and "look at the bill" out. The local part runs back from "at" to
//! the start of the turn or the first ordinary word ("is", "it's", "email").

use super::lexicon::{is_common, is_function};
use super::tokens::{clean, ends_sentence};
use super::Match;

pub const RULE_SPOKEN: &str = "email_spoken";
pub const RULE_WRITTEN: &str = "email_written";

/// The longest local part, in words, read back from "at".
const MAX_LOCAL_WORDS: usize = 8;
/// The longest local part, in words, when it is spelled letter by letter.
const MAX_SPELLED_LOCAL: usize = 30;
/// The most domain labels after "at" ("mail dot example dot co dot uk" is four).
const MAX_LABELS: usize = 5;

/// Every e-mail address in the turn, leftmost first.
pub fn emails(words: &[&str]) -> Vec<Match> {
    let mut out: Vec<Match> = Vec::new();
    for a in 0..words.len() {
        if out.last().is_some_and(|m| m.last >= a) {
            continue;
        }
        if let Some(m) = email_at(words, a) {
            out.push(m);
        }
    }
    out
}

/// The e-mail whose "at" is word `a`, if there is one.
fn email_at(words: &[&str], a: usize) -> Option<Match> {
    let w = clean(words[a]);
    let (left, right) = if w == "at" || w == "@" {
        ("", "")
    } else if let Some((l, r)) = w.split_once('@') {
        (l, r)
    } else {
        return None;
    };
    let domain = domain_after(words, a, right)?;
    let first = match local_start(words, a) {
        Some(f) => f,
        None if !left.is_empty() => a,
        None => return None,
    };
    let written = first == a && domain.last == a && !left.is_empty();
    let confidence = match (written, domain.tld, domain.provider) {
        (true, true, _) => 0.97,
        (_, true, true) => 0.95,
        (_, true, false) => 0.85,
        _ => 0.6,
    };
    Some(Match {
        first,
        last: domain.last,
        confidence,
        rule: if written { RULE_WRITTEN } else { RULE_SPOKEN },
    })
}

struct Domain {
    last: usize,
    tld: bool,
    provider: bool,
}

/// One piece of what follows "at": a label, or the dot between labels (`Dot(true)` for
/// mishearings such as "dog" that only count when a top-level domain follows).
#[derive(Clone, Debug, PartialEq)]
enum Piece {
    Label(String),
    Dot { doubtful: bool },
}

/// Pieces of the words after "at", each with the index of the word it came from. `first` is
/// what followed "@" inside the "at" word itself.
fn pieces(words: &[&str], a: usize, first: &str) -> Vec<(Piece, usize)> {
    let mut out = Vec::new();
    push_pieces(&mut out, first, a);
    let mut skip_next = false;
    for (i, raw) in words.iter().enumerate().skip(a + 1).take(MAX_LABELS * 3) {
        if std::mem::take(&mut skip_next) {
            continue;
        }
        let w = clean(raw);
        match w.as_str() {
            // "full stop" is how some callers say the dot.
            "full" if words.get(i + 1).is_some_and(|n| clean(n) == "stop") => {
                out.push((Piece::Dot { doubtful: false }, i + 1));
                skip_next = true;
            }
            "dot" | "." => out.push((Piece::Dot { doubtful: false }, i)),
            "dog" | "dots" | "point" | "period" => out.push((Piece::Dot { doubtful: true }, i)),
            "dotcom" => {
                out.push((Piece::Dot { doubtful: false }, i));
                out.push((Piece::Label("com".into()), i));
            }
            _ => {
                // ".com" keeps its leading dot through cleaning only if we look at the raw word.
                if raw.trim_start().starts_with('.') && !w.starts_with('.') {
                    out.push((Piece::Dot { doubtful: false }, i));
                }
                // A label spelled letter by letter ("E X A M P L E dot C O M") is one label:
                // a letter right after a spelled letter joins it.
                let letter = w.len() == 1 && w.chars().all(|c| c.is_ascii_alphabetic());
                let spelled_before = i > a + 1 && spelled_letter(words[i - 1]);
                match out.last_mut() {
                    Some((Piece::Label(l), at)) if letter && spelled_before && *at + 1 == i => {
                        l.push_str(&w);
                        *at = i;
                    }
                    _ => {
                        if !push_pieces(&mut out, &w, i) {
                            break;
                        }
                    }
                }
            }
        }
        // A spelled letter's full stop ("E. X. A. M.") is how Whisper writes a spelling.
        if ends_sentence(raw)
            && !spelled_letter(raw)
            && !raw.trim_end().ends_with("..")
            && w != "."
            && w != "dot"
        {
            // A sentence end closes the address ("... dot com. Thanks").
            out.push((Piece::Label(String::new()), i));
            break;
        }
    }
    out
}

/// One letter said alone, as in a spelling ("E", "x.").
fn spelled_letter(raw: &str) -> bool {
    let w = clean(raw);
    w.len() == 1 && w.chars().all(|c| c.is_ascii_alphabetic())
}

/// Splits "gmail.com" into label, dot, label. Returns false for a word that cannot be part of
/// a domain (it ends the address).
fn push_pieces(out: &mut Vec<(Piece, usize)>, w: &str, i: usize) -> bool {
    if w.is_empty() {
        return true;
    }
    if !w
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
    {
        return false;
    }
    for (k, part) in w.split('.').enumerate() {
        if k > 0 {
            out.push((Piece::Dot { doubtful: false }, i));
        }
        if !part.is_empty() {
            out.push((Piece::Label(part.to_string()), i));
        }
    }
    true
}

fn domain_after(words: &[&str], a: usize, first: &str) -> Option<Domain> {
    let ps = pieces(words, a, first);
    let mut k = 0;
    let mut labels: Vec<String> = Vec::new();
    let mut last_word = a;
    let mut best: Option<Domain> = None;
    let mut provider = false;
    while k < ps.len() && labels.len() < MAX_LABELS {
        // A label: one word, or two when together they name a provider ("hot mail") or when
        // a dot follows the pair ("my company dot com").
        let Some((Piece::Label(l1), i1)) = ps.get(k).cloned() else {
            break;
        };
        if l1.is_empty() {
            break;
        }
        let mut label = l1.clone();
        let mut end = i1;
        let mut next = k + 1;
        if let Some((Piece::Label(l2), i2)) = ps.get(k + 1).cloned() {
            let joined = format!("{l1}{l2}");
            let dot_after = matches!(ps.get(k + 2), Some((Piece::Dot { .. }, _)));
            if !l2.is_empty()
                && (is_provider(&joined) || (dot_after && labels.is_empty() && !is_stop(&l2)))
            {
                label = joined;
                end = i2;
                next = k + 2;
            }
        }
        if labels.is_empty() {
            if is_stop(&label) && !is_provider(&label) {
                return None;
            }
            provider = is_provider(&label);
        }
        labels.push(label);
        last_word = end;
        if labels.len() >= 2 && is_tld(labels.last().map(String::as_str).unwrap_or("")) {
            best = Some(Domain {
                last: last_word,
                tld: true,
                provider,
            });
        }
        match ps.get(next) {
            Some((Piece::Dot { doubtful }, _)) => {
                let tld_next = matches!(ps.get(next + 1), Some((Piece::Label(l), _)) if is_tld(l));
                if *doubtful && !tld_next {
                    break;
                }
                k = next + 1;
            }
            _ => break,
        }
    }
    if best.is_some() {
        return best;
    }
    // "at gmail" with no top-level domain: only a provider name vouches for it, and only the
    // unambiguous ones ("at sky" is a workplace as often as a mailbox).
    let l = labels.first()?;
    if labels.len() == 1
        && is_provider(l)
        && !matches!(l.as_str(), "sky" | "live" | "me" | "mac" | "virgin")
    {
        return Some(Domain {
            last: last_word,
            tld: false,
            provider: true,
        });
    }
    None
}

/// Where the local part starts: walk back from "at" over words that are not ordinary English.
fn local_start(words: &[&str], a: usize) -> Option<usize> {
    let mut first = None;
    let mut k = a;
    // A spelled letter ("F O R S Y T H") is a piece of one word, not a word of its own.
    let mut said = 0;
    while k > 0 && said < MAX_LOCAL_WORDS && a - k < MAX_SPELLED_LOCAL {
        let raw = words[k - 1];
        said += usize::from(!spelled_letter(raw));
        let w = clean(raw);
        let stop = is_stop(&w)
            || raw.trim_end().ends_with(['?', '!', ':'])
            || (ends_sentence(raw) && w.len() > 1 && w != "dot");
        if stop {
            // Mailbox names that are also English ("info", "hello at acme dot com").
            if first.is_none() && is_mailbox_word(&w) {
                first = Some(k - 1);
            }
            break;
        }
        first = Some(k - 1);
        k -= 1;
    }
    first
}

/// Words that end a local part or cannot start a domain. Spoken separators and letters are
/// not stops even when they are English ("dot", "a").
fn is_stop(w: &str) -> bool {
    if matches!(
        w,
        "dot" | "underscore" | "dash" | "hyphen" | "a" | "numbers" | "number"
    ) {
        return false;
    }
    if w.chars().all(|c| c.is_ascii_digit()) {
        return false;
    }
    is_function(w)
        || is_common(w)
        || matches!(
            w,
            "email" | "e-mail" | "address" | "mail" | "reach" | "contact" | "send"
        )
}

fn is_mailbox_word(w: &str) -> bool {
    matches!(
        w,
        "info"
            | "hello"
            | "sales"
            | "admin"
            | "contact"
            | "accounts"
            | "office"
            | "enquiries"
            | "support"
            | "mail"
            | "team"
            | "billing"
            | "help"
            | "home"
            | "post"
    )
}

fn is_provider(w: &str) -> bool {
    matches!(
        w,
        "gmail"
            | "googlemail"
            | "hotmail"
            | "outlook"
            | "yahoo"
            | "icloud"
            | "btinternet"
            | "sky"
            | "aol"
            | "live"
            | "msn"
            | "me"
            | "mac"
            | "protonmail"
            | "proton"
            | "virginmedia"
            | "virgin"
            | "talktalk"
            | "ntlworld"
            | "blueyonder"
            | "tiscali"
            | "btopenworld"
            | "ymail"
            | "gmx"
            | "zoho"
            | "mail"
    )
}

fn is_tld(w: &str) -> bool {
    matches!(
        w,
        "com"
            | "co"
            | "uk"
            | "org"
            | "net"
            | "ie"
            | "io"
            | "info"
            | "biz"
            | "eu"
            | "edu"
            | "gov"
            | "ac"
            | "me"
            | "tv"
            | "us"
            | "de"
            | "fr"
            | "scot"
            | "wales"
            | "cymru"
            | "london"
            | "nhs"
            | "ltd"
            | "plc"
            | "online"
            | "app"
            | "dev"
            | "ai"
            | "ca"
            | "au"
            | "nz"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranges(text: &str) -> Vec<(usize, usize)> {
        let words: Vec<&str> = text.split_whitespace().collect();
        emails(&words).iter().map(|m| (m.first, m.last)).collect()
    }

    #[test]
    fn email_spoken_with_dots_and_co_uk() {
        assert_eq!(
            ranges("it's jane dot doe at example dot co dot uk"),
            vec![(1, 9)]
        );
    }

    #[test]
    fn email_with_initial_and_digits_at_provider() {
        assert_eq!(
            ranges("yeah so it's j doe 82 at gmail dot com"),
            vec![(3, 9)]
        );
    }

    #[test]
    fn email_with_underscore() {
        assert_eq!(
            ranges("jane underscore doe at hotmail dot co dot uk"),
            vec![(0, 8)]
        );
    }

    #[test]
    fn email_written_form_is_one_word() {
        let words = ["my", "email", "is", "jane.doe@example.com."];
        let m = emails(&words);
        assert_eq!((m[0].first, m[0].last, m[0].rule), (3, 3, RULE_WRITTEN));
        assert!(m[0].confidence > 0.9);
    }

    #[test]
    fn email_starts_after_my_email_is() {
        assert_eq!(
            ranges("My email address is jsmith at outlook dot com."),
            vec![(4, 8)]
        );
    }

    #[test]
    fn at_sign_and_dotted_domain() {
        assert_eq!(ranges("it's jane @ gmail.com"), vec![(1, 3)]);
        assert_eq!(ranges("it's jane doe@gmail.com thanks"), vec![(1, 2)]);
        assert_eq!(ranges("jane at gmail .com"), vec![(0, 3)]);
    }

    #[test]
    fn dot_written_as_punctuation() {
        assert_eq!(ranges("sam at example . org"), vec![(0, 4)]);
        assert_eq!(ranges("sam at example dotcom"), vec![(0, 3)]);
    }

    #[test]
    fn full_stop_for_dot() {
        assert_eq!(ranges("jane dot doe at gmail full stop com"), vec![(0, 7)]);
    }

    #[test]
    fn dot_misheard_as_dog_before_a_tld() {
        assert_eq!(ranges("it's pete at yahoo dog com"), vec![(1, 5)]);
    }

    #[test]
    fn provider_split_into_two_words() {
        assert_eq!(ranges("it's pete at hot mail dot co dot uk"), vec![(1, 8)]);
        assert_eq!(ranges("pete at bt internet dot com"), vec![(0, 5)]);
    }

    #[test]
    fn known_provider_without_tld_is_low_confidence() {
        let w = ["it's", "jane", "smith", "at", "gmail"];
        let m = emails(&w);
        assert_eq!((m[0].first, m[0].last), (1, 4));
        assert!(m[0].confidence < 0.7);
    }

    #[test]
    fn mixed_case_and_trailing_punctuation() {
        assert_eq!(ranges("Jane, Doe at Gmail dot Com."), vec![(0, 5)]);
    }

    #[test]
    fn sentence_end_closes_the_address() {
        assert_eq!(
            ranges("bob at example dot com. Dot com is right"),
            vec![(0, 4)]
        );
    }

    #[test]
    fn mailbox_word_that_is_english() {
        assert_eq!(ranges("it's hello at acme dot co dot uk"), vec![(1, 7)]);
    }

    #[test]
    fn two_ats_take_the_one_with_a_domain() {
        assert_eq!(
            ranges("send it to me at jane dot doe at gmail dot com"),
            vec![(5, 11)]
        );
    }

    #[test]
    fn multi_word_company_label() {
        assert_eq!(
            ranges("it's accounts at smith builders dot co dot uk"),
            vec![(1, 8)]
        );
    }

    #[test]
    fn a_domain_spelled_letter_by_letter_is_one_label_each() {
        assert_eq!(
            ranges("and it's F O R S Y T H dot V at E X A M P L E dot C O M okay"),
            [(2, 22)]
        );
        assert_eq!(
            ranges("it's j. doe at E. X. A. M. P. L. E. dot com"),
            [(1, 12)]
        );
        // The nearest non-example: letters after "at" that spell no domain ("at A and B").
        assert!(ranges("we're at A and E").is_empty());
    }

    #[test]
    fn at_home_is_not_an_email() {
        assert!(ranges("I'm at home at the moment").is_empty());
    }

    #[test]
    fn look_at_the_bill_is_not_an_email() {
        assert!(ranges("can you look at the bill dot com").is_empty());
        assert!(ranges("look at the bill").is_empty());
    }

    #[test]
    fn at_work_at_sky_is_not_an_email() {
        assert!(ranges("she works at sky").is_empty());
        assert!(ranges("I'm at Virgin now").is_empty());
    }

    #[test]
    fn times_and_prices_with_dot_are_not_emails() {
        assert!(ranges("see you at 5 dot 30").is_empty());
        assert!(ranges("it's at 4.99 a month").is_empty());
    }

    #[test]
    fn website_without_at_is_not_an_email() {
        assert!(ranges("go to www dot example dot com").is_empty());
    }

    #[test]
    fn domain_without_local_part_is_not_an_email() {
        assert!(ranges("we're at example dot com").is_empty());
        assert!(ranges("at gmail dot com").is_empty());
    }
}
