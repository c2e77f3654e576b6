//! Property tests for the spoken-number normaliser: any digit string, said in any mixture of the
//! styles people use and Whisper writes (single digits, "oh"/"zero"/"nought", "double five",
//! "triple seven", "forty five", numerals, grouped numerals, homophones, fillers), comes back as
//! the same digits, each tied to the word that said it. And detection never panics on any input.

use callredact::detect::detect;
use callredact::detect::normalise::digit_runs;
use callredact::policy::Policy;
use callredact::types::{CallTranscript, ChannelTranscript, Role, Voiced, Word};
use callredact::units::Ms;
use proptest::prelude::*;

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
const ZEROS: [&str; 3] = ["zero", "nought", "nil"];
const FILLERS: [&str; 8] = ["um", "uh", "sorry", "that's", "it's", "and", "yes", "yeah"];

/// How one chunk of the digit string is said.
#[derive(Clone, Copy, Debug)]
enum Style {
    /// One word per digit, with "double"/"triple" for repeats when `mult`.
    Single { zero: usize, mult: bool },
    /// A two-digit chunk as a number: "forty five", "forty-five", "twelve", "forty".
    Pair { hyphen: bool },
    /// Digits as Whisper writes them: "4539", "4539,", "4539.".
    Numeral { punct: usize },
    /// Several groups in one word: "4539-1488", "45,39".
    Grouped { sep: usize },
}

/// A rendered word and, for each digit it says, nothing: digits are recorded separately.
struct Rendered {
    words: Vec<String>,
    /// For every digit of the input, the index of the word that says it.
    owner: Vec<usize>,
    /// Whether the word is a plain digit word a homophone may replace ("four", "two", "nine").
    strong: Vec<bool>,
}

impl Rendered {
    fn push(&mut self, w: String, strong: bool) -> usize {
        self.words.push(w);
        self.strong.push(strong);
        self.words.len() - 1
    }
}

fn render(digits: &[u8], chunks: &[(usize, Style, Option<usize>)]) -> Rendered {
    let mut r = Rendered {
        words: Vec::new(),
        owner: Vec::new(),
        strong: Vec::new(),
    };
    let mut at = 0;
    // Whether the last word said is a bare tens word ("forty"): a unit word right after it
    // would make "forty five", so the next chunk must not start with one.
    let mut after_tens = false;
    for &(len, style, filler) in chunks {
        if at >= digits.len() {
            break;
        }
        let end = (at + len).min(digits.len());
        let chunk = &digits[at..end];
        let style = match style {
            Style::Pair { .. } if chunk.len() != 2 || chunk[0] == 0 => Style::Numeral { punct: 0 },
            Style::Grouped { .. } if chunk.len() < 2 => Style::Numeral { punct: 0 },
            Style::Single { .. } if after_tens && chunk[0] != 0 => Style::Numeral { punct: 0 },
            s => s,
        };
        after_tens = false;
        match style {
            Style::Single { zero, mult } => {
                let mut i = 0;
                while i < chunk.len() {
                    let d = chunk[i] as usize;
                    // "oh" is only a digit beside another digit: the homophone pass puts it in.
                    let word = |d: usize| {
                        if d == 0 {
                            ZEROS[zero % ZEROS.len()].to_string()
                        } else {
                            UNITS[d].to_string()
                        }
                    };
                    let run = chunk[i..].iter().take_while(|&&x| x as usize == d).count();
                    if mult && run >= 3 {
                        let m = r.push("triple".into(), false);
                        let w = r.push(word(d), false);
                        r.owner.extend([m, w, w]);
                        i += 3;
                    } else if mult && run == 2 {
                        let m = r.push("double".into(), false);
                        let w = r.push(word(d), false);
                        r.owner.extend([m, w]);
                        i += 2;
                    } else {
                        let w = r.push(word(d), true);
                        r.owner.push(w);
                        i += 1;
                    }
                }
            }
            Style::Pair { hyphen } => {
                let (a, b) = (chunk[0] as usize, chunk[1] as usize);
                if a == 1 {
                    let w = r.push(TEENS[b].into(), false);
                    r.owner.extend([w, w]);
                } else if b == 0 {
                    let w = r.push(TENS[a - 2].into(), false);
                    r.owner.extend([w, w]);
                    after_tens = true;
                } else if hyphen {
                    let w = r.push(format!("{}-{}", TENS[a - 2], UNITS[b]), false);
                    r.owner.extend([w, w]);
                } else {
                    let t = r.push(TENS[a - 2].into(), false);
                    let u = r.push(UNITS[b].into(), false);
                    r.owner.extend([t, u]);
                }
            }
            Style::Numeral { punct } => {
                let text: String = chunk.iter().map(|d| char::from(b'0' + d)).collect();
                let w = r.push(format!("{text}{}", ["", ",", "."][punct % 3]), false);
                r.owner.extend(std::iter::repeat_n(w, chunk.len()));
            }
            Style::Grouped { sep } => {
                let mid = chunk.len() / 2;
                let s: String = chunk[..mid].iter().map(|d| char::from(b'0' + d)).collect();
                let t: String = chunk[mid..].iter().map(|d| char::from(b'0' + d)).collect();
                // A dot before one or two digits would read as pence: only dashes and commas.
                let w = r.push(format!("{s}{}{t}", ["-", ","][sep % 2]), false);
                r.owner.extend(std::iter::repeat_n(w, chunk.len()));
            }
        }
        if let Some(f) = filler {
            if end < digits.len() {
                r.push(FILLERS[f % FILLERS.len()].into(), false);
            }
        }
        at = end;
    }
    r
}

/// Replaces some plain "zero"/"four"/"two"/"nine" words by the sound-alikes people say and
/// Whisper writes ("oh", "for", "to", "I"), only where a digit word that stays a plain digit
/// stands next to it (as the normaliser requires).
fn homophones(r: &mut Rendered, picks: &[bool]) {
    let digitish = |w: &str| {
        w.chars().any(|c| c.is_ascii_digit())
            || UNITS.contains(&w)
            || TEENS.contains(&w)
            || TENS.contains(&w)
    };
    let n = r.words.len();
    let mut swapped = vec![false; n];
    for i in 0..n {
        if !r.strong[i] || !picks.get(i).copied().unwrap_or(false) {
            continue;
        }
        let anchor = |j: usize| !swapped[j] && digitish(&r.words[j]);
        let prev = i.checked_sub(1).filter(|&j| anchor(j));
        let next = (i + 1 < n).then_some(i + 1).filter(|&j| anchor(j));
        let replacement = match r.words[i].as_str() {
            "zero" if prev.or(next).is_some() => "oh",
            "four" if prev.or(next).is_some() => "for",
            "two" if prev.or(next).is_some() => "to",
            "nine" if prev.is_some() && next.is_some() => "I",
            _ => continue,
        };
        r.words[i] = replacement.into();
        swapped[i] = true;
    }
}

fn style() -> impl Strategy<Value = Style> {
    prop_oneof![
        (0..4usize, any::<bool>()).prop_map(|(zero, mult)| Style::Single { zero, mult }),
        any::<bool>().prop_map(|hyphen| Style::Pair { hyphen }),
        (0..3usize).prop_map(|punct| Style::Numeral { punct }),
        (0..2usize).prop_map(|sep| Style::Grouped { sep }),
    ]
}

/// A digit string; how to cut it into chunks (length, style, filler after); which plain digit
/// words to swap for homophones; whether to capitalise the first word.
type Spoken = (Vec<u8>, Vec<(usize, Style, Option<usize>)>, Vec<bool>, bool);

fn spoken() -> impl Strategy<Value = Spoken> {
    (
        prop::collection::vec(0u8..10, 1..20),
        prop::collection::vec(
            (1usize..5, style(), prop::option::weighted(0.3, 0..8usize)),
            20,
        ),
        prop::collection::vec(prop::bool::weighted(0.3), 60),
        any::<bool>(),
    )
}

fn words(texts: &[String], capitalise: bool) -> Vec<Word> {
    texts
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let t = if capitalise && i == 0 && t.is_ascii() && !t.is_empty() {
                t[..1].to_uppercase() + &t[1..]
            } else {
                t.clone()
            };
            Word {
                text: t,
                start: Ms(1_000 + i as u64 * 400),
                end: Ms(1_000 + i as u64 * 400 + 300),
                prob: 0.9,
            }
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    fn every_spoken_style_round_trips_to_the_same_digits((digits, chunks, picks, capitalise) in spoken()) {
        let mut r = render(&digits, &chunks);
        homophones(&mut r, &picks);
        let w = words(&r.words, capitalise);
        let runs = digit_runs(&w, Ms(2_000));
        prop_assert_eq!(runs.len(), 1, "one run expected");
        prop_assert_eq!(runs[0].values(), digits.clone());
        let owners: Vec<usize> = runs[0].digits.iter().map(|d| d.word).collect();
        prop_assert_eq!(owners, r.owner.clone());
    }

    #[test]
    fn each_digit_keeps_a_time_inside_its_word((digits, chunks, picks, _c) in spoken()) {
        let mut r = render(&digits, &chunks);
        homophones(&mut r, &picks);
        let w = words(&r.words, false);
        for run in digit_runs(&w, Ms(2_000)) {
            for d in &run.digits {
                let word = &w[d.word];
                prop_assert!(word.start <= d.start && d.start <= d.end && d.end <= word.end);
            }
        }
    }

    #[test]
    fn detection_never_panics_on_arbitrary_words(
        texts in prop::collection::vec(prop_oneof![
            "[a-zA-Z0-9£$.,'/+:%-]{0,12}",
            Just("double".to_string()), Just("oh".to_string()), Just("card number".to_string()),
            Just("hundred".to_string()), Just("I".to_string()), Just("for".to_string()),
            Just("CVV".to_string()), Just("expiry".to_string()), Just("99999999999999999999999".to_string()),
            Just("".to_string()), Just("😀".to_string()), Just("\u{0301}".to_string()),
        ], 0..60),
        times in prop::collection::vec((0u64..100_000, 0u64..3_000), 60),
        voiced in prop::collection::vec((0u16..3, 0u64..100_000, 0u64..5_000), 0..8),
        stereo in any::<bool>(),
    ) {
        let mut chans: Vec<ChannelTranscript> = Vec::new();
        let n = if stereo { 2 } else { 1 };
        for c in 0..n {
            let ws: Vec<Word> = texts.iter().enumerate().filter(|(i, _)| i % n == c).map(|(i, t)| {
                // Times in no particular order, some ending before they start: detection must
                // cope with whatever a broken transcript gives it.
                let (s, d) = times[i % times.len()];
                Word { text: t.clone(), start: Ms(s), end: Ms(if d % 7 == 0 { s.saturating_sub(d) } else { s + d }), prob: 0.5 }
            }).collect();
            let role = match (stereo, c) { (true, 0) => Role::Agent, (true, _) => Role::Customer, _ => Role::Mixed };
            chans.push(ChannelTranscript { channel: c as u16, role, words: ws });
        }
        let v: Vec<Voiced> = voiced.iter().map(|&(c, s, d)| Voiced { channel: c, start: Ms(s), end: Ms(s + d) }).collect();
        let findings = detect(&CallTranscript { channels: chans }, &v, &Policy::builtin().detect, &Policy::builtin());
        for f in &findings {
            prop_assert!(f.start <= f.end);
            prop_assert!((0.0..=1.0).contains(&f.confidence));
        }
        prop_assert!(findings.windows(2).all(|p| p[0].start <= p[1].start));
    }
}
