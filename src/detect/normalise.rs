//! Spoken-number normaliser: turns one channel's words into runs of digits, each digit tied to
//! the word that said it and to that word's time.
//!
//! Three layers, each small enough to test alone:
//! 1. `lex` classifies one word (or one piece of a hyphenated word): a numeral, a number word,
//!    a homophone that may be a digit ("for", "to", "I"), a filler, a month, an ordinal...
//! 2. `items` parses the lexemes into numbers ("forty five" is one item with two digits, "nine
//!    hundred" one item with three), drops numbers that are really prices, times or durations,
//!    and decides which homophones are digits by their neighbours.
//! 3. `digit_runs` joins adjacent number items into runs; fillers ("um", "sorry", "that's")
//!    do not break a run, any other word or a long pause does.
//!
//! Dates (month names, ordinals) are left as items for `dates` to parse.

use crate::types::Word;
use crate::units::Ms;

/// One digit, with the word that said it (index into the channel's words) and its time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Digit {
    pub value: u8,
    pub word: usize,
    pub start: Ms,
    pub end: Ms,
}

/// What stood before a piece of a run: how the speaker (or Whisper) grouped the digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sep {
    /// The first piece, or a piece right after another word with nothing between.
    Join,
    Dash,
    Slash,
    Comma,
    Dot,
    /// A filler word ("um", "sorry") stood between.
    Filler,
    /// The run was joined across a pause or another speaker's acknowledgement.
    Turn,
}

/// A group of digits as spoken or written: "forty five" is one piece of 2, "4539-1488" two
/// pieces of 4, "four five" two pieces of 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Piece {
    pub len: usize,
    pub sep: Sep,
}

/// Digits said one after another with nothing but fillers and short pauses between.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DigitRun {
    pub digits: Vec<Digit>,
    pub pieces: Vec<Piece>,
    /// The whole run is one four-digit year right after "since", "in", "from"...: not a value.
    pub year_like: bool,
}

impl DigitRun {
    pub fn len(&self) -> usize {
        self.digits.len()
    }

    pub fn is_empty(&self) -> bool {
        self.digits.is_empty()
    }

    /// Index of the first word that contributed a digit (runs are never empty).
    pub fn first_word(&self) -> usize {
        self.digits.first().map(|d| d.word).unwrap_or(0)
    }

    pub fn last_word(&self) -> usize {
        self.digits.iter().map(|d| d.word).max().unwrap_or(0)
    }

    pub fn start(&self) -> Ms {
        self.digits
            .iter()
            .map(|d| d.start)
            .min()
            .unwrap_or(Ms::ZERO)
    }

    pub fn end(&self) -> Ms {
        self.digits.iter().map(|d| d.end).max().unwrap_or(Ms::ZERO)
    }

    /// The digits as a string of ASCII digits (never logged: it is the sensitive value).
    pub fn digit_string(&self) -> String {
        self.digits
            .iter()
            .map(|d| char::from(b'0' + d.value))
            .collect()
    }

    pub fn values(&self) -> Vec<u8> {
        self.digits.iter().map(|d| d.value).collect()
    }

    /// Written with slashes, "04/27" or "twelve slash twenty six": a date, not a number.
    pub fn has_slash(&self) -> bool {
        self.pieces.iter().any(|p| p.sep == Sep::Slash)
    }

    pub fn piece_lens(&self) -> Vec<usize> {
        self.pieces.iter().map(|p| p.len).collect()
    }
}

/// Every digit run in one channel's words. `max_gap` is the longest pause allowed between two
/// digits of one run.
pub fn digit_runs(words: &[Word], max_gap: Ms) -> Vec<DigitRun> {
    let items = items(words, &vec![false; words.len()], max_gap);
    runs_from_items(&items, max_gap)
}

// ---------------------------------------------------------------------------------------------
// Layer 1: lexing one word.

/// Why a numeral is not a string of digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NotDigits {
    /// "£29.99", "99p", "15%".
    Amount,
    /// "29.99", "0.30": money or a measure, or digits Whisper wrote with a dot ("oh three oh").
    Decimal(u8),
    /// "9:30", "2pm".
    Time,
    /// Letters and digits mixed: a reference, a postcode piece.
    Alnum,
}

/// Words whose meaning next to a number turns it into something that is not a digit string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Marker {
    /// "minutes", "people", "times": "ten minutes" is a duration.
    Quantity,
    /// "pounds", "pence", "quid": "twenty nine pounds ninety nine" is a price.
    Currency,
    /// "half", "quarter": "half five" is a time.
    TimeBefore,
    /// "o'clock", "am", "pm": "five o'clock".
    TimeAfter,
    /// "past", "till", "until": times on both sides ("nine till five", "ten past two").
    TimeBetween,
    /// "since", "in", "from": a year follows.
    YearPrep,
    /// "point": "two point five" is a decimal.
    Point,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Lex {
    /// Digits as Whisper writes them, split into groups at separators.
    Numeral(Vec<(Vec<u8>, Sep)>),
    NotDigits(NotDigits),
    /// zero..nine, always a digit.
    Unit(u8),
    /// A word that is a digit only among other digits: "oh", "for", "to", "won", "ate", "I".
    Weak(u8),
    Teen(u8),
    Tens(u8),
    Hundred,
    Thousand,
    /// "a", which counts only in "a hundred".
    A,
    /// "double" (2) or "triple"/"treble" (3).
    Mult(u8),
    Ordinal(u8),
    Month(u8),
    /// "slash", "dash": a spoken separator between digit groups.
    SepWord(Sep),
    Filler,
    Marker(Marker),
    Other,
}

const UNITS: [&str; 10] = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
];
const TEENS: [&str; 10] = [
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const TENS: [&str; 8] = [
    "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];
const ORDINALS: [&str; 20] = [
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
    "twentieth",
];
const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Words said between digits that do not end the number: hesitations and the little phrases
/// people put between groups. Kept short on purpose: every word here can glue two unrelated
/// numbers together.
pub(crate) const FILLERS: &[&str] = &[
    "um", "umm", "uh", "uhh", "uhm", "er", "erm", "err", "ah", "hmm", "mm", "sorry", "that's",
    "thats", "it's", "its", "and", "yes", "yeah", "yep", "is", "then", "space",
];

/// Words that take back what was just said ("3 8 8, wait, sorry, it's 5 8 8"): a value ends
/// before them, and the one after starts after them, so the correction stays audible. Not
/// "no", which Whisper writes for "oh"; "sorry" alone is also a filler inside a reading.
const CORRECTIONS: &[&str] = &["sorry", "wait", "hang", "wrong", "actually", "oops"];

/// A word that takes back what was just said.
pub(crate) fn is_correction(text: &str) -> bool {
    CORRECTIONS.contains(&clean(text).as_str())
}

/// Lower-cases a word and strips the punctuation Whisper hangs on it, keeping what sits inside
/// (the dash in "4539-1488", the apostrophe in "that's").
pub(crate) fn clean(text: &str) -> String {
    let lower = text.to_lowercase();
    lower
        .trim_matches(|c: char| {
            !(c.is_alphanumeric() || c == '£' || c == '$' || c == '€' || c == '+' || c == '%')
        })
        .replace('’', "'")
}

/// Splits a cleaned word into the parts to lex: "forty-five" is two words, "4539-1488" one
/// numeral.
pub(crate) fn parts(cleaned: &str) -> Vec<&str> {
    let has_letters = cleaned.chars().any(|c| c.is_alphabetic());
    let has_digits = cleaned.chars().any(|c| c.is_ascii_digit());
    if has_letters && !has_digits && cleaned.contains('-') {
        cleaned.split('-').filter(|p| !p.is_empty()).collect()
    } else {
        vec![cleaned]
    }
}

pub(crate) fn lex(part: &str) -> Lex {
    if part.is_empty() {
        return Lex::Other;
    }
    if part.chars().any(|c| c.is_ascii_digit()) {
        return lex_numeral(part);
    }
    if let Some(d) = UNITS.iter().position(|u| *u == part) {
        return Lex::Unit(d as u8);
    }
    if let Some(d) = TEENS.iter().position(|u| *u == part) {
        return Lex::Teen(10 + d as u8);
    }
    if let Some(d) = TENS.iter().position(|u| *u == part) {
        return Lex::Tens(20 + 10 * d as u8);
    }
    if let Some(d) = ORDINALS.iter().position(|u| *u == part) {
        return Lex::Ordinal(1 + d as u8);
    }
    if let Some(m) = month_number(part) {
        return Lex::Month(m);
    }
    match part {
        "nought" | "nil" | "niner" => Lex::Unit(if part == "niner" { 9 } else { 0 }),
        "oh" | "o" => Lex::Weak(0),
        "won" => Lex::Weak(1),
        "to" | "too" => Lex::Weak(2),
        // Common mishearings of "three" and "five": digits only next to real digits.
        "free" | "tree" => Lex::Weak(3),
        "fife" => Lex::Weak(5),
        "for" | "fore" => Lex::Weak(4),
        "ate" => Lex::Weak(8),
        "i" => Lex::Weak(9),
        "hundred" => Lex::Hundred,
        "thousand" => Lex::Thousand,
        "a" => Lex::A,
        "double" => Lex::Mult(2),
        "triple" | "treble" => Lex::Mult(3),
        "thirtieth" => Lex::Ordinal(30),
        "slash" | "stroke" => Lex::SepWord(Sep::Slash),
        "dash" | "hyphen" => Lex::SepWord(Sep::Dash),
        "point" => Lex::Marker(Marker::Point),
        "pounds" | "pound" | "quid" | "pence" | "p" | "euros" | "euro" | "dollars" | "dollar"
        | "cents" | "percent" | "grand" => Lex::Marker(Marker::Currency),
        "minutes" | "minute" | "mins" | "min" | "hours" | "hour" | "hrs" | "seconds"
        | "second's" | "secs" | "sec" | "moment" | "days" | "day" | "weeks" | "week" | "months"
        | "month" | "years" | "year" | "yrs" | "times" | "people" | "items" | "calls"
        | "working" | "percentage" | "per" | "x" | "kg" | "miles" | "gb" | "mb" | "digits"
        | "digit" | "numbers" | "characters" | "letters" => Lex::Marker(Marker::Quantity),
        "half" | "quarter" => Lex::Marker(Marker::TimeBefore),
        "o'clock" | "oclock" | "am" | "pm" | "a.m" | "p.m" | "ish" => {
            Lex::Marker(Marker::TimeAfter)
        }
        "past" | "till" | "til" | "until" | "'til" => Lex::Marker(Marker::TimeBetween),
        "since" | "in" | "from" | "before" | "after" | "during" => Lex::Marker(Marker::YearPrep),
        _ if FILLERS.contains(&part) => Lex::Filler,
        _ => Lex::Other,
    }
}

/// A numeral written as round thousands: one to three digits, then comma groups of three,
/// the last "000" ("20,000", "1,250,000"). Whisper writes a number someone said that way
/// ("two hundred and fifty thousand", or a price it took for one); nobody reading a value
/// digit by digit is written so.
pub(crate) fn is_round_thousands(text: &str) -> bool {
    let t = text.trim_end_matches(|c: char| !c.is_ascii_digit());
    let mut groups = t.split(',');
    let head = groups.next().unwrap_or("");
    let rest: Vec<&str> = groups.collect();
    (1..=3).contains(&head.len())
        && head.chars().all(|c| c.is_ascii_digit())
        && rest
            .iter()
            .all(|g| g.len() == 3 && g.chars().all(|c| c.is_ascii_digit()))
        && rest.last() == Some(&"000")
}

pub(crate) fn month_number(part: &str) -> Option<u8> {
    if let Some(m) = MONTHS.iter().position(|m| *m == part) {
        return Some(m as u8 + 1);
    }
    let m = match part {
        "jan" => 1,
        "feb" => 2,
        "mar" => 3,
        "apr" => 4,
        "jun" => 6,
        "jul" => 7,
        "aug" => 8,
        "sep" | "sept" => 9,
        "oct" => 10,
        "nov" => 11,
        "dec" => 12,
        _ => return None,
    };
    Some(m)
}

/// A digit string in which Whisper wrote "oh" as the letter O, one piece between separators
/// ("2-7-2-O-5-1-8-3", "07.O1"): the digits with the O as a zero. Only when every piece is digits
/// or a lone O and two pieces or more are digits, so a code ("O2", "A-1", "B12-4") stays letters.
fn oh_as_letter(p: &str) -> Option<String> {
    let seps = ['-', '–', '.', ','];
    let pieces: Vec<&str> = p.split(seps).collect();
    let ohs = pieces.iter().filter(|q| **q == "o").count();
    let numerals = pieces
        .iter()
        .filter(|q| !q.is_empty() && q.chars().all(|c| c.is_ascii_digit()))
        .count();
    (ohs > 0 && numerals >= 2 && ohs + numerals == pieces.len())
        .then(|| p.chars().map(|c| if c == 'o' { '0' } else { c }).collect())
}

/// A word holding digits: "4539", "4539-1488", "4,539", "0343 6467" (one word), "+44",
/// "14/03/82", "14th", "£29.99", "9:30".
fn lex_numeral(part: &str) -> Lex {
    let p = part.trim_start_matches('+');
    if p.starts_with(['£', '$', '€']) || p.ends_with('%') {
        return Lex::NotDigits(NotDigits::Amount);
    }
    if p.contains(':') {
        return Lex::NotDigits(NotDigits::Time);
    }
    if let Some(digits) = oh_as_letter(p) {
        return lex_numeral(&digits);
    }
    let letters: String = p.chars().filter(|c| c.is_alphabetic()).collect();
    if !letters.is_empty() {
        let digits: String = p.chars().take_while(|c| c.is_ascii_digit()).collect();
        let tail = &p[digits.len()..];
        return match tail {
            "st" | "nd" | "rd" | "th" => match digits.parse::<u32>() {
                Ok(n) if (1..=31).contains(&n) => Lex::Ordinal(n as u8),
                _ => Lex::NotDigits(NotDigits::Alnum),
            },
            "am" | "pm" | "a.m" | "p.m" => Lex::NotDigits(NotDigits::Time),
            "p" => Lex::NotDigits(NotDigits::Amount),
            _ => Lex::NotDigits(NotDigits::Alnum),
        };
    }
    // A decimal with one or two places is money or a measure ("29.99", "2.5"); a dot between
    // longer groups is Whisper grouping a number ("4539.1488").
    if let Some((a, b)) = p.split_once('.') {
        if !b.contains('.')
            && !a.is_empty()
            && (1..=2).contains(&b.len())
            && b.chars().all(|c| c.is_ascii_digit())
        {
            let n = p.chars().filter(|c| c.is_ascii_digit()).count();
            return Lex::NotDigits(NotDigits::Decimal(n.min(255) as u8));
        }
    }
    let mut groups: Vec<(Vec<u8>, Sep)> = Vec::new();
    let mut cur: Vec<u8> = Vec::new();
    let mut sep = Sep::Join;
    for c in p.chars() {
        if let Some(d) = c.to_digit(10) {
            cur.push(d as u8);
            continue;
        }
        let s = match c {
            '-' | '–' => Sep::Dash,
            '/' | '\\' => Sep::Slash,
            ',' => Sep::Comma,
            '.' => Sep::Dot,
            ' ' => Sep::Join,
            _ => return Lex::NotDigits(NotDigits::Alnum),
        };
        if !cur.is_empty() {
            groups.push((std::mem::take(&mut cur), sep));
        }
        sep = s;
    }
    if !cur.is_empty() {
        groups.push((cur, sep));
    }
    if groups.is_empty() {
        Lex::Other
    } else {
        Lex::Numeral(groups)
    }
}

// ---------------------------------------------------------------------------------------------
// Layer 2: items.

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum ItemKind {
    /// A number: its digits and pieces, and its value where it fits in a u64 (for dates).
    Num {
        digits: Vec<Digit>,
        pieces: Vec<Piece>,
        value: u64,
        year_like: bool,
    },
    /// A homophone not yet known to be a digit.
    Weak(u8, Digit),
    Ordinal(u8),
    Month(u8),
    Sep(Sep),
    Filler,
    /// A decimal numeral ("0.30"): not digits of a value, but digit-like to `dense`.
    Decimal(u8),
    /// Anything that ends a run; a marker keeps its meaning for the checks after parsing.
    Break(Option<Marker>),
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Item {
    pub kind: ItemKind,
    pub first: usize,
    pub last: usize,
    pub start: Ms,
    pub end: Ms,
    /// The word ended with a comma or full stop ("Oh,"): a pause in writing.
    pub punct_after: bool,
}

/// One lexeme with the word it came from and its share of that word's time.
#[derive(Clone, Debug)]
struct Tok {
    lex: Lex,
    word: usize,
    start: Ms,
    end: Ms,
    punct_after: bool,
}

fn tokens(words: &[Word], masked: &[bool]) -> Vec<Tok> {
    let mut out = Vec::with_capacity(words.len());
    for (i, w) in words.iter().enumerate() {
        let punct_after = w.text.trim_end().ends_with([',', '.', '!', '?', ';']);
        if masked.get(i).copied().unwrap_or(false) {
            out.push(Tok {
                lex: Lex::Other,
                word: i,
                start: w.start,
                end: w.end,
                punct_after,
            });
            continue;
        }
        let cleaned = clean(&w.text);
        let ps = parts(&cleaned);
        let n = ps.len().max(1) as u64;
        let (s, e) = (w.start.0, w.end.0.max(w.start.0));
        for (k, p) in ps.iter().enumerate() {
            let k = k as u64;
            out.push(Tok {
                lex: lex(p),
                word: i,
                start: Ms(s + (e - s) * k / n),
                end: Ms(s + (e - s) * (k + 1) / n),
                punct_after: punct_after && k + 1 == n,
            });
        }
    }
    out
}

fn digit(value: u8, t: &Tok) -> Digit {
    Digit {
        value,
        word: t.word,
        start: t.start,
        end: t.end,
    }
}

/// Digits of a numeral, times spread evenly over the word: Whisper gives one time for "4539".
fn numeral_digits(groups: &[(Vec<u8>, Sep)], t: &Tok) -> (Vec<Digit>, Vec<Piece>) {
    let total: u64 = groups.iter().map(|g| g.0.len() as u64).sum::<u64>().max(1);
    let (s, e) = (t.start.0, t.end.0);
    let mut digits = Vec::new();
    let mut pieces = Vec::new();
    let mut k = 0u64;
    for (g, sep) in groups {
        for &v in g {
            digits.push(Digit {
                value: v,
                word: t.word,
                start: Ms(s + (e - s) * k / total),
                end: Ms(s + (e - s) * (k + 1) / total),
            });
            k += 1;
        }
        pieces.push(Piece {
            len: g.len(),
            sep: *sep,
        });
    }
    (digits, pieces)
}

fn value_of(digits: &[Digit]) -> u64 {
    digits.iter().fold(0u64, |acc, d| {
        acc.saturating_mul(10).saturating_add(d.value as u64)
    })
}

/// Parses "forty five", "nineteen", "nine hundred and twelve", "two thousand and five" from
/// `toks[i..]`. Returns the digits (each tied to its word; the zeros a multiplier implies
/// belong to "hundred"/"thousand") and the index after the number.
fn cardinal(toks: &[Tok], i: usize) -> Option<(Vec<Digit>, usize)> {
    let (head, mut j) = below_thousand(toks, i)?;
    if let Some(t) = toks.get(j).filter(|t| t.lex == Lex::Thousand) {
        let thousand = t.clone();
        j += 1;
        let mut digits = head;
        let (tail, k) = after_and(toks, j)
            .and_then(|j2| below_thousand(toks, j2))
            .unwrap_or((Vec::new(), j));
        j = k;
        for _ in tail.len()..3 {
            digits.push(digit(0, &thousand));
        }
        digits.extend(tail);
        return Some((digits, j));
    }
    Some((head, j))
}

/// Skips an "and" that joins parts of one number ("hundred and twelve"), only when a number
/// word follows it.
fn after_and(toks: &[Tok], j: usize) -> Option<usize> {
    match toks.get(j) {
        Some(t)
            if t.lex == Lex::Filler
                && matches!(
                    toks.get(j + 1).map(|t| &t.lex),
                    Some(Lex::Unit(_) | Lex::Teen(_) | Lex::Tens(_))
                ) =>
        {
            Some(j + 1)
        }
        Some(t) if matches!(t.lex, Lex::Unit(_) | Lex::Teen(_) | Lex::Tens(_)) => Some(j),
        _ => None,
    }
}

fn below_thousand(toks: &[Tok], i: usize) -> Option<(Vec<Digit>, usize)> {
    let t = toks.get(i)?;
    let next_is_hundred = toks.get(i + 1).is_some_and(|n| n.lex == Lex::Hundred);
    let (lead, j) = match t.lex {
        Lex::A if next_is_hundred => (vec![digit(1, t)], i + 1),
        Lex::Unit(d) if next_is_hundred && d > 0 => (vec![digit(d, t)], i + 1),
        Lex::Teen(n) if next_is_hundred => (vec![digit(n / 10, t), digit(n % 10, t)], i + 1),
        Lex::Hundred => (vec![digit(1, t)], i),
        _ => return tens_part(toks, i),
    };
    let hundred = &toks[j];
    let mut digits = lead;
    let (tail, k) = after_and(toks, j + 1)
        .and_then(|j2| tens_part(toks, j2))
        .unwrap_or((Vec::new(), j + 1));
    for _ in tail.len()..2 {
        digits.push(digit(0, hundred));
    }
    digits.extend(tail);
    Some((digits, k))
}

fn tens_part(toks: &[Tok], i: usize) -> Option<(Vec<Digit>, usize)> {
    let t = toks.get(i)?;
    match t.lex {
        Lex::Unit(d) => Some((vec![digit(d, t)], i + 1)),
        Lex::Teen(n) => Some((vec![digit(n / 10, t), digit(n % 10, t)], i + 1)),
        Lex::Tens(n) => match toks.get(i + 1) {
            Some(u) if matches!(u.lex, Lex::Unit(d) if d > 0) => {
                let Lex::Unit(d) = u.lex else { return None };
                Some((vec![digit(n / 10, t), digit(d, u)], i + 2))
            }
            _ => Some((vec![digit(n / 10, t), digit(0, t)], i + 1)),
        },
        _ => None,
    }
}

/// Words to items, with prices, times and durations turned into breaks and homophones resolved.
/// `masked` words (trigger phrases such as "three digits on the back") are never digits.
pub(crate) fn items(words: &[Word], masked: &[bool], max_gap: Ms) -> Vec<Item> {
    let toks = tokens(words, masked);
    let mut out: Vec<Item> = Vec::with_capacity(toks.len());
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        let item = |kind: ItemKind, last: &Tok| Item {
            kind,
            first: t.word,
            last: last.word,
            start: t.start,
            end: last.end,
            punct_after: last.punct_after,
        };
        match &t.lex {
            Lex::Numeral(groups) => {
                let (digits, pieces) = numeral_digits(groups, t);
                let value = value_of(&digits);
                out.push(item(
                    ItemKind::Num {
                        digits,
                        pieces,
                        value,
                        year_like: false,
                    },
                    t,
                ));
                i += 1;
            }
            Lex::Mult(n) => {
                // "double five", "triple 7", "double oh": the first copy belongs to the
                // multiplier word so the run starts where the speaker started.
                let next = toks.get(i + 1);
                let d = next.and_then(|u| match &u.lex {
                    Lex::Unit(d) | Lex::Weak(d) => Some(*d),
                    Lex::Numeral(g) if g.len() == 1 && g[0].0.len() == 1 => Some(g[0].0[0]),
                    _ => None,
                });
                match (d, next) {
                    (Some(d), Some(u)) => {
                        let mut digits = vec![digit(d, t)];
                        for _ in 1..*n {
                            digits.push(digit(d, u));
                        }
                        let pieces = vec![Piece {
                            len: digits.len(),
                            sep: Sep::Join,
                        }];
                        let value = value_of(&digits);
                        out.push(item(
                            ItemKind::Num {
                                digits,
                                pieces,
                                value,
                                year_like: false,
                            },
                            u,
                        ));
                        i += 2;
                    }
                    _ => {
                        out.push(item(ItemKind::Break(None), t));
                        i += 1;
                    }
                }
            }
            Lex::Unit(_) | Lex::Teen(_) | Lex::Tens(_) | Lex::Hundred | Lex::A => {
                // "twenty first" is an ordinal, not "20" then "first".
                if let (Lex::Tens(n), Some(Lex::Ordinal(o))) =
                    (&t.lex, toks.get(i + 1).map(|n| &n.lex))
                {
                    if *o < 10 {
                        let last = &toks[i + 1];
                        out.push(item(ItemKind::Ordinal(n + o), last));
                        i += 2;
                        continue;
                    }
                }
                match cardinal(&toks, i) {
                    Some((digits, j)) if j > i => {
                        let last = &toks[j - 1];
                        let pieces = vec![Piece {
                            len: digits.len(),
                            sep: Sep::Join,
                        }];
                        let value = value_of(&digits);
                        out.push(item(
                            ItemKind::Num {
                                digits,
                                pieces,
                                value,
                                year_like: false,
                            },
                            last,
                        ));
                        i = j;
                    }
                    _ => {
                        out.push(item(ItemKind::Break(None), t));
                        i += 1;
                    }
                }
            }
            Lex::Weak(d) => {
                out.push(item(ItemKind::Weak(*d, digit(*d, t)), t));
                i += 1;
            }
            Lex::Ordinal(n) => {
                out.push(item(ItemKind::Ordinal(*n), t));
                i += 1;
            }
            Lex::Month(m) => {
                out.push(item(ItemKind::Month(*m), t));
                i += 1;
            }
            Lex::SepWord(s) => {
                out.push(item(ItemKind::Sep(*s), t));
                i += 1;
            }
            Lex::Filler => {
                out.push(item(ItemKind::Filler, t));
                i += 1;
            }
            Lex::Marker(m) => {
                out.push(item(ItemKind::Break(Some(*m)), t));
                i += 1;
            }
            Lex::NotDigits(NotDigits::Decimal(n)) => {
                out.push(item(ItemKind::Decimal(*n), t));
                i += 1;
            }
            Lex::NotDigits(_) | Lex::Thousand | Lex::Other => {
                out.push(item(ItemKind::Break(None), t));
                i += 1;
            }
        }
    }
    mark_quantities(&mut out);
    resolve_weak(&mut out, max_gap);
    out
}

fn marker(it: Option<&Item>) -> Option<Marker> {
    match it.map(|i| &i.kind) {
        Some(ItemKind::Break(m)) => *m,
        _ => None,
    }
}

/// Numbers that are prices, times, durations or years stop being digits: "ten minutes",
/// "twenty nine pounds ninety nine", "half five", "nine till five", "since 2019".
fn mark_quantities(items: &mut [Item]) {
    let n = items.len();
    for k in 0..n {
        let ItemKind::Num { digits, .. } = &items[k].kind else {
            continue;
        };
        let value = value_of(digits);
        let len = digits.len();
        // "one second": "second" after a digit said on its own is the unit, not an ordinal
        // ("twenty second" was joined into one ordinal already, and "...5 3 9 second" ends
        // a reading).
        let alone = k == 0 || !matches!(items[k - 1].kind, ItemKind::Num { .. });
        let after = match items.get(k + 1).map(|i| &i.kind) {
            Some(ItemKind::Ordinal(2)) if len == 1 && alone => Some(Marker::Quantity),
            _ => marker(items.get(k + 1)),
        };
        // Look back over homophones: "quarter to three".
        let mut b = k;
        while b > 0 && matches!(items[b - 1].kind, ItemKind::Weak(..)) {
            b -= 1;
        }
        let before = if b > 0 {
            marker(items.get(b - 1))
        } else {
            None
        };
        let not_digits = matches!(
            after,
            Some(
                Marker::Quantity
                    | Marker::Currency
                    | Marker::TimeAfter
                    | Marker::TimeBetween
                    | Marker::Point
            )
        ) || matches!(
            before,
            Some(Marker::Currency | Marker::TimeBefore | Marker::TimeBetween | Marker::Point)
        );
        if not_digits {
            items[k].kind = ItemKind::Break(None);
            continue;
        }
        if len == 4 && (1900..=2099).contains(&value) && before == Some(Marker::YearPrep) {
            if let ItemKind::Num { year_like, .. } = &mut items[k].kind {
                *year_like = true;
            }
        }
    }
}

fn is_strong(it: &Item) -> bool {
    matches!(
        it.kind,
        ItemKind::Num {
            year_like: false,
            ..
        }
    )
}

/// A homophone is a digit when a real digit stands next to it within `max_gap`, skipping
/// fillers: "for five three nine" is 4539, "a card for my son" is not. "I" needs digits on
/// both sides (or digits before and the end of the utterance after): it is the commonest word
/// in speech.
fn resolve_weak(items: &mut [Item], max_gap: Ms) {
    for _ in 0..4 {
        let mut changed = false;
        for k in 0..items.len() {
            let ItemKind::Weak(d, dig) = items[k].kind.clone() else {
                continue;
            };
            let near = |j: usize, k: usize| -> bool {
                let (a, b) = if j < k {
                    (&items[j], &items[k])
                } else {
                    (&items[k], &items[j])
                };
                b.start.0.saturating_sub(a.end.0) <= max_gap.0
            };
            let prev = (0..k).rev().find(|&j| items[j].kind != ItemKind::Filler);
            let next = (k + 1..items.len()).find(|&j| items[j].kind != ItemKind::Filler);
            let prev_strong = prev.is_some_and(|j| is_strong(&items[j]) && near(j, k));
            let next_strong = next.is_some_and(|j| is_strong(&items[j]) && near(j, k));
            let utterance_ends = match next {
                None => true,
                Some(j) => !near(k, j),
            };
            let is_year = |j: Option<usize>| {
                j.is_some_and(|j| matches!(&items[j].kind, ItemKind::Num { digits, value, .. } if digits.len() == 4 && (1900..=2099).contains(value)))
            };
            let yes = match d {
                9 => prev_strong && (next_strong || utterance_ends),
                // "from 2001 to 2005" is a range of years, not 200122005.
                2 if is_year(prev) && is_year(next) => false,
                // "Oh, right, 4539..." is an interjection: a written pause after it and no
                // digit before it.
                0 if items[k].punct_after && !prev_strong => false,
                _ => prev_strong || next_strong,
            };
            if yes {
                items[k].kind = ItemKind::Num {
                    digits: vec![dig],
                    pieces: vec![Piece {
                        len: 1,
                        sep: Sep::Join,
                    }],
                    value: d as u64,
                    year_like: false,
                };
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    // Homophones left unresolved stay `Weak`: they end runs like any other word, and `dense`
    // still counts them as digit-like.
}

// ---------------------------------------------------------------------------------------------
// Layer 3: runs.

pub(crate) fn runs_from_items(items: &[Item], max_gap: Ms) -> Vec<DigitRun> {
    let mut runs = Vec::new();
    let mut cur: Option<DigitRun> = None;
    let mut pending = Sep::Join;
    for it in items {
        match &it.kind {
            ItemKind::Num {
                digits,
                pieces,
                year_like,
                ..
            } => {
                if let Some(r) = &cur {
                    if it.start.0.saturating_sub(r.end().0) > max_gap.0 {
                        runs.extend(cur.take());
                    }
                }
                let r = cur.get_or_insert_with(|| DigitRun {
                    digits: Vec::new(),
                    pieces: Vec::new(),
                    year_like: *year_like,
                });
                let first_piece = r.pieces.is_empty();
                if !first_piece {
                    r.year_like = false;
                }
                r.digits.extend_from_slice(digits);
                for (k, p) in pieces.iter().enumerate() {
                    let sep = if k == 0 {
                        if first_piece {
                            Sep::Join
                        } else if p.sep != Sep::Join {
                            p.sep
                        } else {
                            pending
                        }
                    } else {
                        p.sep
                    };
                    r.pieces.push(Piece { len: p.len, sep });
                }
                pending = Sep::Join;
            }
            ItemKind::Sep(s) => pending = *s,
            ItemKind::Filler => {
                if pending == Sep::Join {
                    pending = Sep::Filler;
                }
            }
            _ => {
                runs.extend(cur.take());
                pending = Sep::Join;
            }
        }
    }
    runs.extend(cur);
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Words 500 ms apart, 400 ms long.
    fn words(text: &str) -> Vec<Word> {
        text.split_whitespace()
            .enumerate()
            .map(|(i, w)| Word {
                text: w.to_string(),
                start: Ms(i as u64 * 500),
                end: Ms(i as u64 * 500 + 400),
                prob: 0.9,
            })
            .collect()
    }

    fn runs(text: &str) -> Vec<String> {
        digit_runs(&words(text), Ms(2000))
            .iter()
            .map(|r| r.digit_string())
            .collect()
    }

    #[test]
    fn single_digits_make_one_run() {
        assert_eq!(runs("four five three nine"), ["4539"]);
    }

    #[test]
    fn oh_zero_nought_and_nil_are_zero() {
        assert_eq!(runs("oh seven zero nought nil"), ["07000"]);
        assert_eq!(runs("o four"), ["04"]);
    }

    #[test]
    fn an_oh_written_as_the_letter_inside_a_digit_string_is_zero() {
        assert_eq!(runs("2-7-2-O-5-1-8-3."), ["27205183"]);
        assert_eq!(runs("44-O-7"), ["4407"]);
    }

    #[test]
    fn a_code_with_the_letter_o_stays_letters() {
        assert!(runs("O2").is_empty());
        assert!(runs("O-2").is_empty());
        assert!(runs("A-1-2").is_empty());
        assert!(runs("5-o'clock").is_empty());
    }

    #[test]
    fn double_five_counts_as_two_digits() {
        assert_eq!(runs("four double five six"), ["4556"]);
    }

    #[test]
    fn triple_seven_counts_as_three_digits() {
        assert_eq!(runs("triple seven one"), ["7771"]);
        assert_eq!(runs("double oh seven"), ["007"]);
    }

    #[test]
    fn double_digits_map_to_both_words() {
        let r = &digit_runs(&words("double five"), Ms(2000))[0];
        assert_eq!(r.digits.iter().map(|d| d.word).collect::<Vec<_>>(), [0, 1]);
    }

    #[test]
    fn tens_and_units_pair_up() {
        assert_eq!(runs("forty five thirty nine"), ["4539"]);
        assert_eq!(runs("nineteen eighty two"), ["1982"]);
        assert_eq!(runs("forty twelve seventy six"), ["401276"]);
        assert_eq!(runs("twenty twenty eight"), ["2028"]);
        assert_eq!(runs("forty-five thirty-nine"), ["4539"]);
    }

    #[test]
    fn round_thousands_are_told_from_grouped_digits() {
        assert!(is_round_thousands("1,250,000."));
        assert!(is_round_thousands("20,000,"));
        assert!(!is_round_thousands("4,539"));
        assert!(!is_round_thousands("4000"));
    }

    #[test]
    fn hundred_and_thousand_expand_with_zeros() {
        assert_eq!(runs("nine hundred"), ["900"]);
        assert_eq!(runs("nine hundred and twelve"), ["912"]);
        assert_eq!(runs("a hundred"), ["100"]);
        assert_eq!(runs("one two three hundred"), ["12300"]);
        assert_eq!(runs("two thousand and five"), ["2005"]);
        assert_eq!(runs("nineteen hundred and ninety"), ["1990"]);
    }

    #[test]
    fn hundred_zeros_belong_to_the_hundred_word() {
        let r = &digit_runs(&words("nine hundred"), Ms(2000))[0];
        assert_eq!(
            r.digits.iter().map(|d| d.word).collect::<Vec<_>>(),
            [0, 1, 1]
        );
    }

    #[test]
    fn numerals_as_whisper_writes_them() {
        assert_eq!(runs("4539-1488"), ["45391488"]);
        assert_eq!(runs("4,539"), ["4539"]);
        assert_eq!(runs("0343 6467"), ["03436467"]);
        assert_eq!(runs("4539. 1488,"), ["45391488"]);
        assert_eq!(runs("4539, 148"), ["4539148"]);
        assert_eq!(runs("+44 7700"), ["447700"]);
    }

    #[test]
    fn numeral_digits_share_the_word_time_evenly() {
        let w = vec![Word {
            text: "4539".into(),
            start: Ms(1000),
            end: Ms(1400),
            prob: 1.0,
        }];
        let r = &digit_runs(&w, Ms(2000))[0];
        let times: Vec<(u64, u64)> = r.digits.iter().map(|d| (d.start.0, d.end.0)).collect();
        assert_eq!(
            times,
            [(1000, 1100), (1100, 1200), (1200, 1300), (1300, 1400)]
        );
    }

    #[test]
    fn words_and_numerals_mix() {
        assert_eq!(runs("4539 one four eight eight"), ["45391488"]);
    }

    #[test]
    fn homophones_count_only_next_to_digits() {
        assert_eq!(runs("for five three nine"), ["4539"]);
        assert_eq!(runs("five to two"), ["522"]);
        assert_eq!(runs("five ate one"), ["581"]);
        assert_eq!(runs("I bought it for my son"), Vec::<String>::new());
        assert_eq!(runs("I went to the shop"), Vec::<String>::new());
    }

    #[test]
    fn to_between_two_years_is_a_range() {
        assert_eq!(runs("from 2001 to 2005"), ["2001", "2005"]);
        assert_eq!(
            runs("two thousand and one to two thousand and five"),
            ["2001", "2005"]
        );
    }

    #[test]
    fn i_is_nine_only_inside_a_run() {
        assert_eq!(runs("four five three I one four"), ["453914"]);
        assert_eq!(runs("I think it's four"), ["4"]);
    }

    #[test]
    fn fillers_do_not_break_a_run() {
        assert_eq!(
            runs("four five um three nine sorry one that's two yes three and four yeah five"),
            ["453912345"]
        );
    }

    #[test]
    fn other_words_break_a_run() {
        assert_eq!(runs("four five then the six seven"), ["45", "67"]);
    }

    #[test]
    fn a_long_pause_breaks_a_run() {
        let mut w = words("four five six seven");
        for x in &mut w[2..] {
            x.start = x.start + Ms(5000);
            x.end = x.end + Ms(5000);
        }
        assert_eq!(
            digit_runs(&w, Ms(2000))
                .iter()
                .map(|r| r.digit_string())
                .collect::<Vec<_>>(),
            ["45", "67"]
        );
    }

    #[test]
    fn prices_are_not_digits() {
        assert!(runs("that's twenty nine pounds ninety nine").is_empty());
        assert!(runs("£29.99").is_empty());
        assert!(runs("29.99").is_empty());
        assert!(runs("0.30").is_empty());
        assert!(runs("99p").is_empty());
    }

    #[test]
    fn times_and_durations_are_not_digits() {
        assert!(runs("nine till half five").is_empty());
        assert!(runs("half past two").is_empty());
        assert!(runs("quarter to three").is_empty());
        assert!(runs("about ten minutes").is_empty());
        assert!(runs("9:30").is_empty());
        assert!(runs("2pm").is_empty());
    }

    #[test]
    fn a_count_of_digits_is_not_a_digit() {
        // "the 3 digits on the back", "the last four numbers": the question, not the value.
        assert!(runs("the 3 digits on the back").is_empty());
        assert!(runs("the last four numbers please").is_empty());
        // Its nearest non-example: the digits said after it are digits.
        assert_eq!(runs("the last four digits are 5 6 7 8"), ["5678"]);
    }

    #[test]
    fn one_second_is_a_wait_not_a_digit() {
        // The stall before a card is read: "sorry, one second", "bear with me one sec".
        assert_eq!(runs("sorry one second 4 5 3 9"), ["4539"]);
        assert!(runs("one sec").is_empty());
        assert!(runs("just one moment").is_empty());
        // Its nearest non-example: an ordinal after a tens word is one date ordinal, and
        // digits before "second" that are not a lone digit stay digits.
        assert_eq!(runs("4 5 3 9 second"), ["4539"]);
    }

    #[test]
    fn a_year_after_since_is_marked() {
        let r = digit_runs(&words("since 2019"), Ms(2000));
        assert!(r[0].year_like);
        let r = digit_runs(&words("4539 1488"), Ms(2000));
        assert!(!r[0].year_like);
    }

    #[test]
    fn slashes_are_kept_as_separators() {
        let r = &digit_runs(&words("04/27"), Ms(2000))[0];
        assert!(r.has_slash());
        assert_eq!(r.piece_lens(), [2, 2]);
        let r = &digit_runs(&words("twelve slash twenty six"), Ms(2000))[0];
        assert!(r.has_slash());
        assert_eq!(r.digit_string(), "1226");
    }

    #[test]
    fn ordinals_and_references_are_not_digits() {
        assert!(runs("the 14th").is_empty());
        assert!(runs("ABC123").is_empty());
    }

    #[test]
    fn empty_and_odd_input_does_not_panic() {
        assert!(runs("").is_empty());
        assert!(runs("- / , . £ +").is_empty());
        let w = vec![Word {
            text: "99999999999999999999999999999".into(),
            start: Ms(5),
            end: Ms(1),
            prob: 0.0,
        }];
        assert_eq!(digit_runs(&w, Ms(0))[0].len(), 29);
    }
}
