//! Number readings Whisper garbled: digit words with junk between them ("three, nine, row
//! nine, so many, ten, and nine, four, six"). No run is long enough on its own, but a stretch
//! of speech that is mostly digits and holds a long number's worth of them is someone reading
//! a number out. Muted as the open window's kind, else as NUMBER.

use super::context::{is_acknowledgement, is_thanks};
use super::normalise::{Item, ItemKind};
use super::scene::Scene;
use super::{Basis, Candidate, Detector};
use crate::types::{Finding, Kind, Word, WordRange};
use crate::units::Ms;

pub(crate) struct DenseDigits;

const NAME: &str = "digits.dense";

/// Junk words allowed between two digit-like words of one stretch.
const MAX_JUNK_BETWEEN: usize = 3;

/// Windows whose kind a dense stretch takes: the long-number kinds.
const LONG_KINDS: [Kind; 4] = [
    Kind::CardNumber,
    Kind::Phone,
    Kind::AccountNumber,
    Kind::SortCode,
];

impl Detector for DenseDigits {
    fn name(&self) -> &'static str {
        NAME
    }

    fn find(&self, scene: &Scene, out: &mut Vec<Candidate>) {
        let min_digits = scene.cfg.number_min_digits.max(1);
        for ch in &scene.channels {
            for c in clusters(&ch.items, ch.words, &ch.masked, Ms(scene.cfg.run_gap_ms)) {
                // Mostly digits: at least two digits for every junk word. No junk at all is a
                // plain run, which the other detectors have seen.
                // A cluster holding a long clean run is that run plus stragglers ("...6467, it's
                // flat 4"): the run is judged on its own, and the stragglers are not part of it.
                if c.digits < min_digits
                    || c.digits < 2 * c.junk
                    || c.junk == 0
                    || c.longest_clean >= min_digits
                {
                    continue;
                }
                let (first, last) = (ch.items[c.first].first, ch.items[c.last].last);
                let (start, end) = (ch.items[c.first].start, ch.items[c.last].end);
                let windows = scene.windows_at(start);
                let window = LONG_KINDS
                    .iter()
                    .find_map(|k| scene.window_of(&windows, *k));
                let (kind, confidence, rule, basis) = match window {
                    Some(w) => (w.kind, 0.6, w.rule(), Basis::Context),
                    None => (
                        Kind::Number,
                        0.45,
                        "dense_digits".to_string(),
                        Basis::Fallback,
                    ),
                };
                let finding = Finding {
                    kind,
                    channel: Some(ch.channel),
                    start,
                    end: end.max(start),
                    confidence,
                    detector: NAME,
                    rule,
                    words: Some(WordRange {
                        channel: ch.channel,
                        first,
                        last,
                    }),
                };
                out.push(Candidate { finding, basis });
            }
        }
    }
}

/// A stretch of items from one digit-like item to another.
#[derive(Debug, PartialEq)]
struct Cluster {
    first: usize,
    last: usize,
    digits: usize,
    junk: usize,
    /// The most digits said without junk between: a plain run the other detectors judged.
    longest_clean: usize,
}

/// How many digits an item says, if it is digit-like: a number or a decimal numeral. A
/// number that reads as a year ("in the summer of 2018") is not.
fn digit_count(it: &Item) -> Option<usize> {
    match &it.kind {
        ItemKind::Num {
            digits,
            value,
            year_like: false,
            ..
        } if !(digits.len() == 4 && (1900..=2099).contains(value)) => Some(digits.len()),
        ItemKind::Decimal(n) => Some(*n as usize),
        _ => None,
    }
}

/// Words that are neither digits nor junk: fillers, "so"/"okay", a year, and a homophone that
/// found no digit beside it ("I", "for", "to" are the commonest words in speech).
fn neutral(it: &Item, words: &[Word]) -> bool {
    matches!(
        it.kind,
        ItemKind::Filler | ItemKind::Weak(..) | ItemKind::Num { .. }
    ) || words
        .get(it.first)
        .is_some_and(|w| is_acknowledgement(&w.text))
}

/// Maximal stretches of digit-like items with at most `MAX_JUNK_BETWEEN` other words and no
/// pause longer than `max_gap` between neighbours. `neutral` words count as neither; a
/// trigger phrase ("and the expiry?") or thanks ends the stretch: what follows it is another
/// value.
fn clusters(items: &[Item], words: &[Word], masked: &[bool], max_gap: Ms) -> Vec<Cluster> {
    let mut out = Vec::new();
    let mut cur: Option<Cluster> = None;
    let mut junk_run = 0;
    let mut clean = 0;
    for (i, it) in items.iter().enumerate() {
        // A real pause ends the stretch, whatever stands either side of it.
        // So do a trigger phrase and thanks ("...5 9 1 7, thanks. And the expiry? Oh nine"):
        // what follows is another value.
        let thanks = words.get(it.first).is_some_and(|w| is_thanks(&w.text));
        if (i > 0 && it.start.0.saturating_sub(items[i - 1].end.0) > max_gap.0)
            || masked.get(it.first).copied().unwrap_or(false)
            || thanks
        {
            out.extend(cur.take());
            junk_run = 0;
        }
        if let Some(n) = digit_count(it) {
            let joins = cur.is_some() && junk_run <= MAX_JUNK_BETWEEN;
            if joins {
                if let Some(c) = cur.as_mut() {
                    c.last = i;
                    c.digits += n;
                    c.junk += junk_run;
                    clean = if junk_run == 0 { clean + n } else { n };
                    c.longest_clean = c.longest_clean.max(clean);
                }
            } else {
                out.extend(cur.take());
                clean = n;
                cur = Some(Cluster {
                    first: i,
                    last: i,
                    digits: n,
                    junk: 0,
                    longest_clean: n,
                });
            }
            junk_run = 0;
        } else if !neutral(it, words) {
            junk_run += 1;
        }
    }
    out.extend(cur);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::normalise::items;
    use crate::detect::testutil::kinds;

    fn words(text: &str) -> Vec<Word> {
        text.split_whitespace()
            .enumerate()
            .map(|(i, t)| Word {
                text: t.into(),
                start: Ms(i as u64 * 400),
                end: Ms(i as u64 * 400 + 300),
                prob: 0.9,
            })
            .collect()
    }

    #[test]
    fn thanks_ends_a_cluster() {
        let w = words(
            "two eight one row five nine thanks and the next pirate oh nine slash twenty nine",
        );
        let c = clusters(
            &items(&w, &vec![false; w.len()], Ms(2_000)),
            &w,
            &vec![false; w.len()],
            Ms(2_000),
        );
        assert_eq!(c.len(), 2, "{c:?}");
    }

    #[test]
    fn digits_with_junk_between_form_one_cluster() {
        let w = words("three nine three nine nine row nine so many so do no 10 and nine four six");
        let c = clusters(
            &items(&w, &vec![false; w.len()], Ms(2_000)),
            &w,
            &vec![false; w.len()],
            Ms(2_000),
        );
        assert_eq!(c.len(), 1);
        assert_eq!((c[0].digits, c[0].junk, c[0].longest_clean), (11, 4, 5));
    }

    #[test]
    fn a_garbled_number_reading_is_muted() {
        let k = kinds(&[(
            0,
            "it's three nine three nine nine row nine so many so do no 10 and nine four six thanks",
            0,
        )]);
        assert_eq!(k, [(Kind::Number, 0)]);
    }

    #[test]
    fn a_clean_run_with_stragglers_is_left_to_the_run_detectors() {
        let k = kinds(&[
            (0, "can I take the card number", 0),
            (
                1,
                "4539 1488 0343 6467 it's flat 4 on the second floor",
                3_000,
            ),
        ]);
        let f = crate::detect::testutil::found_with(
            &[
                (0, "can I take the card number", 0),
                (
                    1,
                    "4539 1488 0343 6467 it's flat 4 on the second floor",
                    3_000,
                ),
            ],
            &[],
            &crate::detect::DetectConfig::default(),
        );
        assert_eq!(k, [(Kind::CardNumber, 1)]);
        assert_eq!(f[0].end, Ms(4_500));
    }

    #[test]
    fn ordinary_talk_with_a_few_numbers_is_left_alone() {
        assert!(kinds(&[(
            0,
            "I've got two kids one is five and the other is eight and we moved here in 2019",
            0
        )])
        .is_empty());
        assert!(kinds(&[(
            0,
            "it was twenty nine pounds for two and forty quid for three of them",
            0
        )])
        .is_empty());
        assert!(kinds(&[(
            1,
            "it started in the summer of 2018. I can pay 30 now and 30 next week",
            0
        )])
        .is_empty());
    }
}
