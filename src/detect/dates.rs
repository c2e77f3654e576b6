//! Dates as people say them and Whisper writes them: "the fourteenth of March nineteen eighty
//! two", "fourth of July ninety one", "3rd of the 4th 1990", "March the 14th", "April twenty
//! twenty eight", "14/03/82", "04/27", "twelve slash twenty six". Expiry and date-of-birth
//! detection both start here.

use super::normalise::{clean, DigitRun, Item, ItemKind, Sep};
use crate::types::Word;
use crate::units::Ms;

/// A date expression in one channel, with the words it covers. Fields are what was said; a
/// two-digit year stays two digits (`year_digits == 2`) for the caller to read in its context.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateExpr {
    pub first_word: usize,
    pub last_word: usize,
    pub start: Ms,
    pub end: Ms,
    pub day: Option<u8>,
    pub month: Option<u8>,
    pub year: Option<u16>,
    pub year_digits: u8,
    /// Written or read out as numbers with slashes rather than with a month name or ordinal.
    pub numeric: bool,
}

impl DateExpr {
    /// The year read as a birth year: "82" is 1982, "05" is 2005.
    pub fn birth_year(&self, this_year: u16) -> Option<u16> {
        let y = self.year?;
        Some(match self.year_digits {
            2 if y + 2000 <= this_year => 2000 + y,
            2 => 1900 + y,
            _ => y,
        })
    }

    /// The year read as a card expiry: "27" is 2027.
    pub fn expiry_year(&self) -> Option<u16> {
        let y = self.year?;
        Some(if self.year_digits == 2 { 2000 + y } else { y })
    }
}

fn word_is(words: &[Word], it: &Item, w: &str) -> bool {
    it.first == it.last && words.get(it.first).is_some_and(|x| clean(&x.text) == w)
}

fn num(it: &Item) -> Option<(u64, usize)> {
    match &it.kind {
        ItemKind::Num { value, digits, .. } => Some((*value, digits.len())),
        _ => None,
    }
}

/// A day of the month: an ordinal, or a plain number up to 31 said as one item.
fn day_at(items: &[Item], k: usize) -> Option<u8> {
    match items.get(k).map(|i| &i.kind) {
        Some(ItemKind::Ordinal(d)) if (1..=31).contains(d) => Some(*d),
        Some(ItemKind::Num { value, digits, .. })
            if digits.len() <= 2 && (1..=31).contains(value) =>
        {
            Some(*value as u8)
        }
        _ => None,
    }
}

/// Skips "the", "of" and fillers between the parts of a date.
fn skip_glue(items: &[Item], words: &[Word], mut k: usize) -> usize {
    while let Some(it) = items.get(k) {
        if it.kind == ItemKind::Filler || word_is(words, it, "the") || word_is(words, it, "of") {
            k += 1;
        } else {
            break;
        }
    }
    k
}

/// A year at `items[k..]`: "1982", "nineteen eighty two", "twenty oh five", "two thousand and
/// five", "ninety one", "'82". Returns (year, digits, index after).
fn year_at(items: &[Item], k: usize) -> Option<(u16, u8, usize)> {
    let (v, n) = num(items.get(k)?)?;
    if n == 4 && (1900..=2099).contains(&v) {
        return Some((v as u16, 4, k + 1));
    }
    if n == 2 && (v == 19 || v == 20) {
        // "nineteen eighty two", "twenty oh five": two more digits in one or two items.
        let mut tail = Vec::new();
        let mut j = k + 1;
        while tail.len() < 2 {
            match items.get(j).and_then(num) {
                Some((tv, tn)) if tail.len() + tn <= 2 => {
                    if tn == 2 {
                        tail.extend([tv / 10, tv % 10]);
                    } else {
                        tail.push(tv);
                    }
                    j += 1;
                }
                _ => break,
            }
        }
        if tail.len() == 2 {
            return Some(((v * 100 + tail[0] * 10 + tail[1]) as u16, 4, j));
        }
    }
    if n == 2 {
        return Some((v as u16, 2, k + 1));
    }
    None
}

fn expr(
    items: &[Item],
    a: usize,
    b: usize,
    day: Option<u8>,
    month: Option<u8>,
    year: Option<(u16, u8)>,
) -> DateExpr {
    DateExpr {
        first_word: items[a].first,
        last_word: items[b].last,
        start: items[a].start,
        end: items[b].end,
        day,
        month,
        year: year.map(|y| y.0),
        year_digits: year.map(|y| y.1).unwrap_or(0),
        numeric: false,
    }
}

/// Every spoken date in one channel's items, left to right, not overlapping.
pub(crate) fn spoken_dates(items: &[Item], words: &[Word]) -> Vec<DateExpr> {
    let mut out = Vec::new();
    let mut k = 0;
    while k < items.len() {
        if let Some((d, next)) = parse_at(items, words, k) {
            out.push(d);
            k = next.max(k + 1);
        } else {
            k += 1;
        }
    }
    out
}

fn parse_at(items: &[Item], words: &[Word], k: usize) -> Option<(DateExpr, usize)> {
    match &items[k].kind {
        ItemKind::Month(m) => {
            // "March the fourteenth 1982", "March 14th", "April twenty twenty eight".
            let j = skip_glue(items, words, k + 1);
            if let Some((y, n, after)) = year_at(items, j).filter(|(_, n, _)| *n == 4) {
                return Some((
                    expr(items, k, after - 1, None, Some(*m), Some((y, n))),
                    after,
                ));
            }
            if let Some(day) = day_at(items, j) {
                let y = year_at(items, skip_glue(items, words, j + 1));
                let last = y.map(|(_, _, a)| a - 1).unwrap_or(j);
                return Some((
                    expr(
                        items,
                        k,
                        last,
                        Some(day),
                        Some(*m),
                        y.map(|(y, n, _)| (y, n)),
                    ),
                    last + 1,
                ));
            }
            // "April 28": a two-digit year after a month is how expiry dates are read.
            if let Some((y, n, after)) = year_at(items, j) {
                return Some((
                    expr(items, k, after - 1, None, Some(*m), Some((y, n))),
                    after,
                ));
            }
            None
        }
        ItemKind::Ordinal(_) | ItemKind::Num { .. } => {
            // "the fourteenth of March 1982", "14 March", "3rd of the 4th 1990".
            let day = day_at(items, k)?;
            let j = skip_glue(items, words, k + 1);
            let month = match items.get(j).map(|i| &i.kind) {
                Some(ItemKind::Month(m)) => *m,
                Some(ItemKind::Ordinal(m))
                    if matches!(items[k].kind, ItemKind::Ordinal(_)) && (1..=12).contains(m) =>
                {
                    *m
                }
                _ => return None,
            };
            let y = year_at(items, skip_glue(items, words, j + 1));
            let last = y.map(|(_, _, a)| a - 1).unwrap_or(j);
            Some((
                expr(
                    items,
                    k,
                    last,
                    Some(day),
                    Some(month),
                    y.map(|(y, n, _)| (y, n)),
                ),
                last + 1,
            ))
        }
        _ => None,
    }
}

/// A date written with slashes (or a 4-digit year after dashes): "14/03/82", "14/03/1982",
/// "3/4/90", "04/27", "12/2026", "twelve slash twenty six". None for runs that are not dates.
pub fn numeric_date(run: &DigitRun) -> Option<DateExpr> {
    let lens = run.piece_lens();
    let dashed_full =
        lens.len() == 3 && lens[2] == 4 && run.pieces[1..].iter().all(|p| p.sep == Sep::Dash);
    if !run.has_slash() && !dashed_full {
        return None;
    }
    let v = run.values();
    let mut groups = Vec::new();
    let mut at = 0;
    for l in &lens {
        let g = &v[at..at + l];
        groups.push((g.iter().fold(0u32, |a, d| a * 10 + *d as u32), *l));
        at += l;
    }
    let base = DateExpr {
        first_word: run.first_word(),
        last_word: run.last_word(),
        start: run.start(),
        end: run.end(),
        day: None,
        month: None,
        year: None,
        year_digits: 0,
        numeric: true,
    };
    let year = |(y, l): (u32, usize)| -> Option<(u16, u8)> {
        match l {
            2 => Some((y as u16, 2)),
            4 if (1900..=2099).contains(&y) => Some((y as u16, 4)),
            _ => None,
        }
    };
    match groups.as_slice() {
        [(d, dl), (m, ml), y]
            if *dl <= 2 && *ml <= 2 && (1..=31).contains(d) && (1..=12).contains(m) =>
        {
            let (y, n) = year(*y)?;
            Some(DateExpr {
                day: Some(*d as u8),
                month: Some(*m as u8),
                year: Some(y),
                year_digits: n,
                ..base
            })
        }
        [(m, ml), y] if *ml <= 2 && (1..=12).contains(m) => {
            let (y, n) = year(*y)?;
            Some(DateExpr {
                month: Some(*m as u8),
                year: Some(y),
                year_digits: n,
                ..base
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::normalise::{digit_runs, items};
    use super::*;

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

    fn spoken(text: &str) -> Vec<(Option<u8>, Option<u8>, Option<u16>)> {
        let w = words(text);
        let it = items(&w, &vec![false; w.len()], Ms(2000));
        spoken_dates(&it, &w)
            .iter()
            .map(|d| (d.day, d.month, d.year))
            .collect()
    }

    #[test]
    fn ordinal_of_month_and_spoken_year() {
        assert_eq!(
            spoken("the fourteenth of March nineteen eighty two"),
            [(Some(14), Some(3), Some(1982))]
        );
        assert_eq!(
            spoken("fourth of July ninety one"),
            [(Some(4), Some(7), Some(91))]
        );
        assert_eq!(spoken("14th March 1982"), [(Some(14), Some(3), Some(1982))]);
        assert_eq!(
            spoken("twenty-first of June twenty oh five"),
            [(Some(21), Some(6), Some(2005))]
        );
    }

    #[test]
    fn ordinal_of_the_ordinal_is_day_and_month() {
        assert_eq!(
            spoken("3rd of the 4th 1990"),
            [(Some(3), Some(4), Some(1990))]
        );
    }

    #[test]
    fn month_first_forms() {
        assert_eq!(spoken("March the fourteenth"), [(Some(14), Some(3), None)]);
        assert_eq!(
            spoken("April twenty twenty eight"),
            [(None, Some(4), Some(2028))]
        );
        assert_eq!(spoken("April 2028"), [(None, Some(4), Some(2028))]);
    }

    #[test]
    fn date_span_covers_its_words() {
        let w = words("born on the fourteenth of March nineteen eighty two thanks");
        let it = items(&w, &vec![false; w.len()], Ms(2000));
        let d = &spoken_dates(&it, &w)[0];
        assert_eq!((d.first_word, d.last_word), (3, 8));
    }

    #[test]
    fn slash_numerals_are_dates() {
        let r = &digit_runs(&words("14/03/82"), Ms(2000))[0];
        let d = numeric_date(r).unwrap();
        assert_eq!(
            (d.day, d.month, d.year, d.year_digits),
            (Some(14), Some(3), Some(82), 2)
        );
        let r = &digit_runs(&words("04/27"), Ms(2000))[0];
        let d = numeric_date(r).unwrap();
        assert_eq!(
            (d.day, d.month, d.expiry_year()),
            (None, Some(4), Some(2027))
        );
        let r = &digit_runs(&words("twelve slash twenty six"), Ms(2000))[0];
        assert_eq!(numeric_date(r).unwrap().month, Some(12));
    }

    #[test]
    fn sort_code_dashes_are_not_a_date() {
        let r = &digit_runs(&words("40-12-76"), Ms(2000))[0];
        assert!(numeric_date(r).is_none());
        let r = &digit_runs(&words("14-03-1982"), Ms(2000))[0];
        assert_eq!(numeric_date(r).unwrap().year, Some(1982));
    }

    #[test]
    fn two_digit_birth_years_read_back_a_century_when_in_the_future() {
        let d = DateExpr {
            first_word: 0,
            last_word: 0,
            start: Ms(0),
            end: Ms(0),
            day: None,
            month: None,
            year: Some(82),
            year_digits: 2,
            numeric: true,
        };
        assert_eq!(d.birth_year(2026), Some(1982));
        let d = DateExpr { year: Some(5), ..d };
        assert_eq!(d.birth_year(2026), Some(2005));
    }

    #[test]
    fn plain_numbers_are_not_dates() {
        assert!(spoken("four five three nine").is_empty());
        assert!(spoken("you're number three in the queue").is_empty());
    }
}
