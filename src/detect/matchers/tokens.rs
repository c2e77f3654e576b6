//! Word cleanup and reading of spoken letters and digits ("S W one A", "double Q", "twelve"),
//! shared by the matchers that validate a shape (postcodes, NI numbers, spelled names).
//!
//! Whisper writes the same sound many ways: "C", "see", "sea"; "0", "oh", "O"; "2", "two", "to".
//! Each word becomes zero or more symbols; a symbol may be a letter, a digit or both ("oh"), and
//! is flagged weak when the word is also everyday English ("to", "for", "are", "you"), so a
//! matcher can refuse a value made mostly of ordinary words.

/// Lowercase ASCII, edge punctuation trimmed; inner marks kept ("jane.doe@x.com", "o'brien").
/// A word that is nothing but punctuation ("." or "@") is kept as it stands.
pub fn clean(word: &str) -> String {
    let t = word.trim_matches(|c: char| !c.is_alphanumeric() && c != '@');
    let t = if t.is_empty() { word.trim() } else { t };
    t.to_ascii_lowercase()
}

/// The first letter is upper case: Whisper's strongest hint that a word is a proper noun.
pub fn is_capitalised(word: &str) -> bool {
    word.chars()
        .find(|c| c.is_alphanumeric())
        .is_some_and(|c| c.is_uppercase())
}

/// The word closes a sentence ("Smith." "really?"); a value rarely continues past it.
pub fn ends_sentence(word: &str) -> bool {
    matches!(word.trim_end().chars().last(), Some('.' | '?' | '!'))
}

/// The word carries a comma, semicolon or colon: a spoken pause.
pub fn ends_clause(word: &str) -> bool {
    matches!(word.trim_end().chars().last(), Some(',' | ';' | ':'))
}

/// One spoken character of a value. `letter` is an upper-case ASCII letter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sym {
    pub letter: Option<u8>,
    pub digit: Option<u8>,
    /// The word is also ordinary English ("to", "are", "a"), so alone it proves little.
    pub weak: bool,
}

impl Sym {
    pub const fn letter(l: u8, weak: bool) -> Sym {
        Sym {
            letter: Some(l),
            digit: None,
            weak,
        }
    }
    pub const fn digit(d: u8, weak: bool) -> Sym {
        Sym {
            letter: None,
            digit: Some(d),
            weak,
        }
    }
    pub fn is_letter(self) -> bool {
        self.letter.is_some()
    }
    pub fn is_digit(self) -> bool {
        self.digit.is_some()
    }
}

/// Letter names and their sound-alike spellings. The bool marks words that are also everyday
/// English, so they are weak evidence.
fn letter_name(w: &str) -> Option<(u8, bool)> {
    Some(match w {
        "ay" | "eh" => (b'A', true),
        "bee" => (b'B', false),
        "be" => (b'B', true),
        "cee" => (b'C', false),
        "see" | "sea" => (b'C', true),
        "dee" => (b'D', false),
        "ee" => (b'E', false),
        "eff" | "ef" => (b'F', false),
        "gee" | "jee" => (b'G', false),
        "aitch" | "haitch" => (b'H', false),
        "eye" => (b'I', true),
        "jay" => (b'J', false),
        "kay" => (b'K', false),
        "el" | "ell" | "elle" => (b'L', false),
        "em" => (b'M', false),
        "en" => (b'N', false),
        "pee" => (b'P', false),
        "pea" => (b'P', true),
        "queue" | "cue" | "kew" | "kyu" => (b'Q', false),
        "ar" | "arr" => (b'R', false),
        "are" => (b'R', true),
        "es" | "ess" => (b'S', false),
        "tee" => (b'T', false),
        "tea" => (b'T', true),
        "you" | "yu" => (b'U', true),
        "vee" => (b'V', false),
        "double-u" | "doubleyou" | "double-you" | "dubya" => (b'W', false),
        "ex" => (b'X', false),
        "wye" => (b'Y', false),
        "why" => (b'Y', true),
        "zed" | "zee" => (b'Z', false),
        _ => return nato(w).map(|l| (l, false)),
    })
}

fn nato(w: &str) -> Option<u8> {
    Some(match w {
        "alpha" | "alfa" => b'A',
        "bravo" => b'B',
        "charlie" => b'C',
        "delta" => b'D',
        "echo" => b'E',
        "foxtrot" => b'F',
        "golf" => b'G',
        "hotel" => b'H',
        "india" => b'I',
        "juliet" | "juliett" => b'J',
        "kilo" => b'K',
        "lima" => b'L',
        "mike" => b'M',
        "november" => b'N',
        "oscar" => b'O',
        "papa" => b'P',
        "quebec" => b'Q',
        "romeo" => b'R',
        "sierra" => b'S',
        "tango" => b'T',
        "uniform" => b'U',
        "victor" => b'V',
        "whiskey" | "whisky" => b'W',
        "x-ray" | "xray" => b'X',
        "yankee" => b'Y',
        "zulu" => b'Z',
        _ => return None,
    })
}

/// A single spoken digit; the bool marks homophones of everyday words.
pub fn digit_word(w: &str) -> Option<(u8, bool)> {
    Some(match w {
        "zero" | "nought" | "naught" => (0, false),
        "one" => (1, false),
        "two" => (2, false),
        "to" | "too" => (2, true),
        "three" => (3, false),
        "four" => (4, false),
        "for" | "fore" => (4, true),
        "five" => (5, false),
        "six" => (6, false),
        "seven" => (7, false),
        "eight" => (8, false),
        "ate" => (8, true),
        "nine" | "niner" => (9, false),
        _ => return None,
    })
}

/// Ten to nineteen.
fn teen_word(w: &str) -> Option<u8> {
    Some(match w {
        "ten" => 10,
        "eleven" => 11,
        "twelve" => 12,
        "thirteen" => 13,
        "fourteen" => 14,
        "fifteen" => 15,
        "sixteen" => 16,
        "seventeen" => 17,
        "eighteen" => 18,
        "nineteen" => 19,
        _ => return None,
    })
}

/// Twenty, thirty ... ninety, as the tens digit.
pub fn tens_word(w: &str) -> Option<u8> {
    Some(match w {
        "twenty" => 2,
        "thirty" => 3,
        "forty" | "fourty" => 4,
        "fifty" => 5,
        "sixty" => 6,
        "seventy" => 7,
        "eighty" => 8,
        "ninety" => 9,
        _ => return None,
    })
}

/// The value of a number said in words, up to 999: "fourteen", "twenty two", "one hundred and
/// five", "twenty-two". Returns the value and the index of its last word, starting at `i`.
pub fn number_words(words: &[&str], i: usize) -> Option<(u32, usize)> {
    let c = |k: usize| words.get(k).map(|w| clean(w));
    let small = |k: usize| -> Option<(u32, usize)> {
        let w = c(k)?;
        if let Some((a, b)) = w.split_once('-') {
            return Some((tens_word(a)? as u32 * 10 + unit(b)? as u32, k));
        }
        if let Some(t) = tens_word(&w) {
            if let Some(u) = c(k + 1).as_deref().and_then(unit) {
                return Some((t as u32 * 10 + u as u32, k + 1));
            }
            return Some((t as u32 * 10, k));
        }
        if let Some(t) = teen_word(&w) {
            return Some((t as u32, k));
        }
        unit(&w).map(|u| (u as u32, k))
    };
    let first = c(i)?;
    let (mut v, mut last) = if first == "a" && c(i + 1).as_deref() == Some("hundred") {
        (1, i)
    } else {
        small(i)?
    };
    if v < 10 && c(last + 1).as_deref() == Some("hundred") {
        v *= 100;
        last += 1;
        let mut k = last + 1;
        if c(k).as_deref() == Some("and") {
            k += 1;
        }
        if let Some((r, l)) = small(k).filter(|(r, _)| *r < 100) {
            v += r;
            last = l;
        }
    }
    Some((v, last))
}

/// Only the unambiguous digit words: "twenty to" is a time, not 22.
fn unit(w: &str) -> Option<u8> {
    digit_word(w)
        .filter(|(d, weak)| !weak && *d > 0)
        .map(|(d, _)| d)
}

/// The symbols one word says on its own, or None when the word is not a letter or digit.
pub fn spell_word(raw: &str) -> Option<Vec<Sym>> {
    let w = clean(raw);
    if w.is_empty() || w.len() > 16 {
        return None;
    }
    if let Some(s) = spell_clean(&w, raw) {
        return Some(s);
    }
    // "S-M-I-T-H", "S.W.", "twenty-two": pieces joined by hyphens or dots.
    let sep = if w.contains('-') {
        '-'
    } else if w.contains('.') {
        '.'
    } else {
        return None;
    };
    let parts: Vec<&str> = w.split(sep).filter(|p| !p.is_empty()).collect();
    if parts.len() < 2 {
        return None;
    }
    if sep == '-' && parts.len() == 2 {
        if let (Some(t), Some(u)) = (tens_word(parts[0]), unit(parts[1])) {
            return Some(vec![Sym::digit(t, false), Sym::digit(u, false)]);
        }
    }
    // Dotted pieces must be single characters, or "jane.doe" would read as letters.
    if sep == '.' && parts.iter().any(|p| p.chars().count() != 1) {
        return None;
    }
    let mut out = Vec::new();
    for p in parts {
        out.extend(spell_clean(p, p)?);
    }
    Some(out)
}

fn spell_clean(w: &str, raw: &str) -> Option<Vec<Sym>> {
    let b = w.as_bytes();
    if b.len() == 1 {
        let c = b[0];
        return Some(vec![match c {
            b'o' => Sym {
                letter: Some(b'O'),
                digit: Some(0),
                weak: false,
            },
            // Whisper writes the spelled letter "A" in capitals and the article in lower case;
            // "I" is always a capital, so it stays weak.
            b'a'..=b'z' => {
                let weak = match c {
                    b'a' => !raw.contains('A'),
                    b'i' => true,
                    _ => false,
                };
                Sym::letter(c.to_ascii_uppercase(), weak)
            }
            b'0'..=b'9' => Sym::digit(c - b'0', false),
            _ => return None,
        }]);
    }
    if w == "oh" {
        return Some(vec![Sym {
            letter: Some(b'O'),
            digit: Some(0),
            weak: true,
        }]);
    }
    if let Some((d, weak)) = digit_word(w) {
        return Some(vec![Sym::digit(d, weak)]);
    }
    if let Some((l, weak)) = letter_name(w) {
        return Some(vec![Sym::letter(l, weak)]);
    }
    if let Some(t) = teen_word(w) {
        return Some(vec![Sym::digit(t / 10, false), Sym::digit(t % 10, false)]);
    }
    if let Some(t) = tens_word(w) {
        return Some(vec![Sym::digit(t, false), Sym::digit(0, false)]);
    }
    if !b.iter().all(u8::is_ascii_alphanumeric) || b.len() > 12 {
        return None;
    }
    let has_digit = b.iter().any(u8::is_ascii_digit);
    let raw_letters: Vec<char> = raw.chars().filter(|c| c.is_alphanumeric()).collect();
    // "SW", "QQ", "EC": a short all-capitals word is letters said one by one.
    let caps = !has_digit
        && (2..=3).contains(&b.len())
        && raw_letters.iter().all(|c| c.is_ascii_uppercase());
    if !has_digit && !caps {
        return None;
    }
    Some(
        b.iter()
            .map(|&c| {
                if c.is_ascii_digit() {
                    Sym::digit(c - b'0', false)
                } else {
                    Sym::letter(c.to_ascii_uppercase(), false)
                }
            })
            .collect(),
    )
}

/// Hesitations inside a spelled value; they neither add symbols nor end the value.
pub fn is_filler(w: &str) -> bool {
    matches!(
        w,
        "um" | "umm" | "uh" | "uhm" | "er" | "erm" | "ah" | "hmm" | "mm"
    )
}

/// A stretch of words read as symbols. `syms` is None for a word that is not a symbol (it ends a
/// run) and empty for a filler (it does not).
#[derive(Clone, Debug, PartialEq)]
pub struct Unit {
    pub first: usize,
    pub last: usize,
    pub syms: Option<Vec<Sym>>,
}

/// Reads a turn as units: "double Q" and "twenty two" are one unit over two words.
pub fn units(words: &[&str]) -> Vec<Unit> {
    let mut out = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        let w = clean(words[i]);
        if is_filler(&w) {
            out.push(Unit {
                first: i,
                last: i,
                syms: Some(Vec::new()),
            });
            i += 1;
            continue;
        }
        let times = match w.as_str() {
            "double" => 2,
            "treble" | "triple" => 3,
            _ => 0,
        };
        if times > 0 {
            if let Some(next) = words.get(i + 1) {
                let nw = clean(next);
                if nw == "you" {
                    out.push(Unit {
                        first: i,
                        last: i + 1,
                        syms: Some(vec![Sym::letter(b'W', false)]),
                    });
                    i += 2;
                    continue;
                }
                if let Some(s) = spell_word(next) {
                    let mut syms = vec![s[0]; times];
                    syms.extend_from_slice(&s[1..]);
                    for s in &mut syms {
                        s.weak = false;
                    }
                    out.push(Unit {
                        first: i,
                        last: i + 1,
                        syms: Some(syms),
                    });
                    i += 2;
                    continue;
                }
            }
        }
        if let Some(t) = tens_word(&w) {
            if let Some(u) = words.get(i + 1).and_then(|n| unit(&clean(n))) {
                out.push(Unit {
                    first: i,
                    last: i + 1,
                    syms: Some(vec![Sym::digit(t, false), Sym::digit(u, false)]),
                });
                i += 2;
                continue;
            }
        }
        out.push(Unit {
            first: i,
            last: i,
            syms: spell_word(words[i]),
        });
        i += 1;
    }
    out
}

/// Finds values of a fixed shape in a turn. `accept` is given the symbols of a candidate span
/// and returns its confidence when the shape fits. The leftmost start wins, then the longest
/// span; a leading weak word ("a B33 8TH") is dropped when the value fits without it.
pub fn scan_shapes(
    words: &[&str],
    max_syms: usize,
    accept: impl Fn(&[Sym]) -> Option<f32>,
    rule: &'static str,
) -> Vec<super::Match> {
    let us = units(words);
    let best_from = |s: usize| -> Option<(usize, f32)> {
        let mut syms: Vec<Sym> = Vec::new();
        let mut best = None;
        for (e, u) in us.iter().enumerate().skip(s) {
            let Some(more) = &u.syms else { break };
            syms.extend_from_slice(more);
            if syms.len() > max_syms {
                break;
            }
            if more.is_empty() {
                continue;
            }
            if let Some(c) = accept(&syms) {
                best = Some((e, c));
            }
        }
        best
    };
    let starts = |s: usize| us[s].syms.as_ref().is_some_and(|v| !v.is_empty());
    let mut out = Vec::new();
    let mut s = 0;
    while s < us.len() {
        if !starts(s) {
            s += 1;
            continue;
        }
        let Some((mut e, mut conf)) = best_from(s) else {
            s += 1;
            continue;
        };
        let mut start = s;
        // Only the words most often said as glue before a value ("it's a B33 8TH"); "see" or
        // "are" leading a value are more likely its letters.
        // A capital "A" is the spelled letter ("A B one zero ..."), so only the lower-case
        // article counts as glue.
        let lead = words[us[s].first];
        let lead_glue = us[s].first == us[s].last
            && !lead.contains('A')
            && matches!(
                clean(lead).as_str(),
                "a" | "i" | "to" | "too" | "for" | "be" | "oh"
            );
        if lead_glue && s + 1 < us.len() && starts(s + 1) {
            if let Some((e2, c2)) = best_from(s + 1).filter(|(e2, _)| *e2 >= e) {
                start = s + 1;
                e = e2;
                conf = c2;
            }
        }
        out.push(super::Match {
            first: us[start].first,
            last: us[e].last,
            confidence: conf,
            rule,
        });
        s = e + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letters(s: &[Sym]) -> String {
        s.iter()
            .map(|x| match (x.letter, x.digit) {
                (Some(l), None) => l as char,
                (None, Some(d)) => (b'0' + d) as char,
                _ => '?',
            })
            .collect()
    }

    fn spelled(words: &[&str]) -> String {
        units(words)
            .iter()
            .map(|u| u.syms.as_ref().map(|s| letters(s)).unwrap_or("|".into()))
            .collect()
    }

    #[test]
    fn clean_trims_edge_punctuation_and_lowercases() {
        assert_eq!(clean("Smith."), "smith");
        assert_eq!(clean("jane,"), "jane");
        assert_eq!(clean("\"Okay?\""), "okay");
        assert_eq!(clean("jane.doe@example.com."), "jane.doe@example.com");
        assert_eq!(clean("O'Brien"), "o'brien");
        assert_eq!(clean("."), ".");
        assert_eq!(clean("@"), "@");
        assert_eq!(clean(""), "");
    }

    #[test]
    fn capitalisation_ignores_leading_quotes() {
        assert!(is_capitalised("\"Margaret"));
        assert!(!is_capitalised("margaret"));
        assert!(!is_capitalised("..."));
    }

    #[test]
    fn letters_digits_and_homophones_are_read() {
        assert_eq!(spelled(&["S", "W", "one", "A"]), "SW1A");
        assert_eq!(spelled(&["see", "why", "are", "you"]), "CYRU");
        assert_eq!(spelled(&["to", "for", "ate"]), "248");
        assert_eq!(spelled(&["S.", "W,", "1A"]), "SW1A");
        assert_eq!(spelled(&["sierra", "whiskey", "one"]), "SW1");
        assert_eq!(spelled(&["SW1A", "1AA"]), "SW1A1AA");
    }

    #[test]
    fn capital_a_is_a_letter_and_lowercase_a_an_article() {
        assert!(!spell_word("A").unwrap()[0].weak);
        assert!(spell_word("a").unwrap()[0].weak);
        assert!(spell_word("I").unwrap()[0].weak);
    }

    #[test]
    fn oh_is_either_letter_or_digit() {
        let u = units(&["oh"]);
        let s = u[0].syms.as_ref().unwrap()[0];
        assert!(s.is_letter() && s.is_digit() && s.weak);
    }

    #[test]
    fn double_and_treble_repeat_the_next_symbol() {
        assert_eq!(spelled(&["double", "Q"]), "QQ");
        assert_eq!(spelled(&["treble", "four"]), "444");
        assert_eq!(spelled(&["double", "you"]), "W");
        let u = units(&["double", "Q"]);
        assert_eq!((u[0].first, u[0].last), (0, 1));
    }

    #[test]
    fn pairs_and_teens_become_two_digits() {
        assert_eq!(
            spelled(&["twelve", "thirty", "four", "fifty", "six"]),
            "123456"
        );
        assert_eq!(spelled(&["twenty"]), "20");
        assert_eq!(spelled(&["twenty-two"]), "22");
        // "twenty to" is a time, so "to" is not folded into the number.
        assert_eq!(spelled(&["twenty", "to"]), "202");
    }

    #[test]
    fn ordinary_words_are_not_symbols() {
        assert_eq!(spelled(&["the", "bill", "is", "high"]), "||||");
        // lower-case short words are not read as initials; capitals are.
        assert_eq!(spelled(&["sw", "SW"]), "|SW");
    }

    #[test]
    fn hyphen_and_dot_spellings_split_into_letters() {
        assert_eq!(spelled(&["S-M-I-T-H"]), "SMITH");
        assert_eq!(spelled(&["S.M.I.T.H."]), "SMITH");
        assert_eq!(spelled(&["jane.doe"]), "|");
    }

    #[test]
    fn fillers_do_not_break_a_run() {
        let u = units(&["S", "um", "W"]);
        assert_eq!(u[1].syms, Some(Vec::new()));
    }

    #[test]
    fn number_words_read_house_numbers() {
        assert_eq!(number_words(&["fourteen"], 0), Some((14, 0)));
        assert_eq!(number_words(&["twenty", "two", "b"], 0), Some((22, 1)));
        assert_eq!(
            number_words(&["one", "hundred", "and", "five"], 0),
            Some((105, 3))
        );
        assert_eq!(number_words(&["a", "hundred"], 0), Some((100, 1)));
        assert_eq!(number_words(&["twenty-two"], 0), Some((22, 0)));
        assert_eq!(number_words(&["acacia"], 0), None);
        assert_eq!(number_words(&[], 0), None);
    }
}
