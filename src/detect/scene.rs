//! Everything the detectors look at, worked out once per call: each channel's items, digit
//! runs and dates, the context windows, turns, and digit values joined across pauses and the
//! other speaker's acknowledgements ("four five three nine ... yes ... one four eight eight").

use super::config::DetectConfig;
use super::context::{self, is_acknowledgement, Trigger, TriggerSet, Window};
use super::dates::{numeric_date, spoken_dates, DateExpr};
use super::normalise::{self, clean, lex, parts, DigitRun, Item, Lex, Piece, Sep};
use super::pan::{issuer, luhn};
use crate::types::{CallTranscript, Kind, Role, Voiced, Word};
use crate::units::Ms;

pub(crate) struct ChannelScene<'a> {
    pub channel: u16,
    pub role: Role,
    pub words: &'a [Word],
    /// The normaliser's items for these words (trigger phrases masked).
    pub items: Vec<Item>,
    /// Words that belong to a trigger or closing phrase.
    pub masked: Vec<bool>,
    /// Word index ranges (inclusive) of this channel's turns.
    pub turns: Vec<(usize, usize)>,
}

impl ChannelScene<'_> {
    /// The words this channel started saying in [a, b): words are placed by where they
    /// start, since Whisper's times run late, not early.
    pub fn said(&self, a: Ms, b: Ms) -> impl Iterator<Item = &Word> {
        self.said_at(a, b).map(|i| &self.words[i])
    }

    /// The indices of the words `said` gives, for rules that read a per-word table beside
    /// them (digits, trigger masks).
    pub fn said_at(&self, a: Ms, b: Ms) -> impl Iterator<Item = usize> + '_ {
        (0..self.words.len()).filter(move |&i| self.words[i].start >= a && self.words[i].start < b)
    }
}

/// A digit value on one channel: one run, or several joined.
#[derive(Clone, Debug)]
pub(crate) struct Value {
    pub channel: u16,
    pub role: Role,
    pub run: DigitRun,
    /// Indices into `Scene::windows` of the windows open where the value was said (more than
    /// one when a question asked for several things: "your name and postcode").
    pub windows: Vec<usize>,
}

/// A date expression on one channel, with its windows.
#[derive(Clone, Debug)]
pub(crate) struct DateValue {
    pub channel: u16,
    pub date: DateExpr,
    pub windows: Vec<usize>,
}

/// Words that say a payment is being taken.
const PAYMENT_WORDS: &[&str] = &[
    "card",
    "cards",
    "pay",
    "paying",
    "payment",
    "visa",
    "mastercard",
    "amex",
    "debit",
    "credit",
];
/// How far back a payment word makes a long unplaced number card data.
const PAYMENT_CONTEXT_MS: u64 = 90_000;

/// How soon after a closing phrase a number is taken for the reference it announced.
const REFERENCE_MS: u64 = 4_000;

pub(crate) struct Scene<'a> {
    pub cfg: &'a DetectConfig,
    pub channels: Vec<ChannelScene<'a>>,
    /// Every trigger phrase said, on every channel.
    pub triggers: Vec<Trigger>,
    pub windows: Vec<Window>,
    pub values: Vec<Value>,
    pub dates: Vec<DateValue>,
    pub voiced: &'a [Voiced],
    pub terms: Vec<String>,
}

impl<'a> Scene<'a> {
    pub fn build(
        call: &'a CallTranscript,
        voiced: &'a [Voiced],
        cfg: &'a DetectConfig,
        terms: Vec<String>,
    ) -> Scene<'a> {
        let trigger_set = TriggerSet::new(cfg);
        let max_gap = Ms(cfg.run_gap_ms);
        let mut triggers = Vec::new();
        let mut masks = Vec::new();
        for ch in &call.channels {
            let mut masked = vec![false; ch.words.len()];
            for (kind, first, last) in trigger_set.find(&ch.words, ch.role != Role::Customer) {
                // A customer names a value of their own only to give it ("my email is ...",
                // "the card number's 4539 ..."); "I'd like to change the email you have for
                // me" is about it, and opens no window for what they say next.
                if kind.is_some()
                    && !gives_value(&ch.words, first, last)
                    && (ch.role == Role::Customer
                        || (ch.role == Role::Mixed && asks_for_a_change(&ch.words, first, last)))
                {
                    continue;
                }
                masked[first..=last].iter_mut().for_each(|m| *m = true);
                triggers.push(Trigger {
                    kind,
                    channel: ch.channel,
                    role: ch.role,
                    first,
                    last,
                    start: ch.words[first].start,
                    end: ch.words[last].end.max(ch.words[first].start),
                    last_start: ch.words[last].start.max(ch.words[first].start),
                    asks: ends_in_question(&ch.words, last),
                });
            }
            masks.push(masked);
        }
        let channel_ids: Vec<u16> = call.channels.iter().map(|c| c.channel).collect();
        let windows = context::windows(&triggers, cfg, &channel_ids);
        let mut scene = Scene {
            cfg,
            channels: Vec::new(),
            triggers,
            windows,
            values: Vec::new(),
            dates: Vec::new(),
            voiced,
            terms,
        };

        let mut raw_runs: Vec<(u16, Role, Vec<DigitRun>)> = Vec::new();
        let mut all_items = Vec::new();
        for (ch, masked) in call.channels.iter().zip(&masks) {
            let items: Vec<Item> = normalise::items(&ch.words, masked, max_gap);
            let runs = normalise::runs_from_items(&items, max_gap);
            for d in spoken_dates(&items, &ch.words) {
                scene.dates.push(DateValue {
                    channel: ch.channel,
                    date: d,
                    windows: Vec::new(),
                });
            }
            for r in &runs {
                if let Some(d) = numeric_date(r) {
                    scene.dates.push(DateValue {
                        channel: ch.channel,
                        date: d,
                        windows: Vec::new(),
                    });
                }
            }
            raw_runs.push((ch.channel, ch.role, runs));
            all_items.push(items);
        }
        scene.channels = call
            .channels
            .iter()
            .zip(all_items)
            .zip(masks)
            .map(|((ch, items), masked)| ChannelScene {
                channel: ch.channel,
                role: ch.role,
                words: &ch.words,
                items,
                masked,
                turns: Vec::new(),
            })
            .collect();
        scene.turns();

        for (channel, role, runs) in raw_runs {
            let joined = scene.join(channel, runs);
            scene.values.extend(joined.into_iter().map(|run| Value {
                channel,
                role,
                run,
                windows: Vec::new(),
            }));
        }
        scene.values.sort_by_key(|v| (v.run.start(), v.channel));
        scene.assign_windows();
        scene.settle_windows();
        scene.assign_windows();
        scene
    }

    pub fn channel(&self, channel: u16) -> Option<&ChannelScene<'a>> {
        self.channels.iter().find(|c| c.channel == channel)
    }

    /// The voiced stretches of `channel`, in time order.
    pub fn regions(&self, channel: u16) -> Vec<(Ms, Ms)> {
        let mut r: Vec<(Ms, Ms)> = self
            .voiced
            .iter()
            .filter(|v| v.channel == channel)
            .map(|v| (v.start, v.end))
            .collect();
        r.sort();
        r
    }

    /// Whether a channel other than `channel` was voiced somewhere between `a` and `b`.
    pub fn others_voiced(&self, channel: u16, a: Ms, b: Ms) -> bool {
        self.voiced
            .iter()
            .any(|v| v.channel != channel && v.start < b && v.end > a)
    }

    /// Whether anyone spoke of paying by card in the `PAYMENT_CONTEXT_MS` before `t`: a long
    /// number Whisper could not place is taken for the card only then. In a call about bank
    /// details it is an account number, and what follows it is not card data.
    pub fn paying(&self, t: Ms) -> bool {
        let from = t.saturating_sub(Ms(PAYMENT_CONTEXT_MS));
        self.channels.iter().any(|ch| {
            ch.words.iter().any(|w| {
                w.start >= from && w.start <= t && PAYMENT_WORDS.contains(&clean(&w.text).as_str())
            })
        })
    }

    /// Whether what `channel` says at `t` is a reference: the last trigger or closing phrase
    /// it said before `t` was a closing phrase ("your reference is", "the order number is")
    /// that ended at most `REFERENCE_MS` earlier. References, order and confirmation numbers
    /// are what a caller needs to hear; a card number among them is still caught by its
    /// checksum or issuer range.
    pub fn after_closer(&self, channel: u16, t: Ms) -> bool {
        self.triggers
            .iter()
            .filter(|tr| tr.channel == channel && tr.start <= t)
            .max_by_key(|tr| tr.start)
            .is_some_and(|tr| tr.kind.is_none() && tr.end.0 + REFERENCE_MS >= t.0)
    }

    /// Indices of the windows open at `t`.
    pub fn windows_at(&self, t: Ms) -> Vec<usize> {
        (0..self.windows.len())
            .filter(|&i| self.windows[i].contains(t))
            .collect()
    }

    /// Of the windows `ids`, the latest opened of `kind`.
    pub fn window_of(&self, ids: &[usize], kind: Kind) -> Option<&Window> {
        ids.iter()
            .rev()
            .map(|&i| &self.windows[i])
            .find(|w| w.kind == kind)
    }

    /// Where `channel` began a number in [a, b) that is a whole value of `kind` (`is_whole`),
    /// if it did. Dates are not counted: a date heard whole in a window may still be left to
    /// the answer to mute ("2 12 29" is no date to the date rules).
    pub fn whole_value_at(&self, channel: u16, kind: Kind, a: Ms, b: Ms) -> Option<Ms> {
        self.values
            .iter()
            .filter(|v| v.channel == channel && is_whole(kind, &v.run.values()))
            .map(|v| v.run.start())
            .filter(|t| *t >= a && *t < b)
            .min()
    }

    /// A value belongs to the windows its first digit falls in, else those its middle falls in
    /// (an answer that began a moment before the question ended, by Whisper's clock).
    fn windows_for(&self, start: Ms, end: Ms) -> Vec<usize> {
        let w = self.windows_at(start);
        if w.is_empty() {
            self.windows_at(Ms((start.0 + end.0) / 2))
        } else {
            w
        }
    }

    fn assign_windows(&mut self) {
        let w: Vec<Vec<usize>> = self
            .values
            .iter()
            .map(|v| self.windows_for(v.run.start(), v.run.end()))
            .collect();
        for (v, w) in self.values.iter_mut().zip(w) {
            v.windows = w;
        }
        let w: Vec<Vec<usize>> = self
            .dates
            .iter()
            .map(|d| self.windows_for(d.date.start, d.date.end))
            .collect();
        for (d, w) in self.dates.iter_mut().zip(w) {
            d.windows = w;
        }
    }

    /// Once a window's value is complete (a card number of 15+ digits, a 3-4 digit code, six
    /// sort-code digits...), the window closes `settle_ms` later: the read-back and a
    /// correction still count, a reference number read out a minute later does not.
    fn settle_windows(&mut self) {
        for (wi, w) in self.windows.iter_mut().enumerate() {
            let by_digits = self
                .values
                .iter()
                .filter(|v| v.windows.contains(&wi) && is_complete(w.kind, v.run.len()))
                .map(|v| v.run.end())
                .min();
            let by_date = self
                .dates
                .iter()
                .filter(|d| d.windows.contains(&wi) && is_complete_date(w.kind, &d.date))
                .map(|d| d.date.end)
                .min();
            if let Some(end) = by_digits.into_iter().chain(by_date).min() {
                w.close = w.close.min(end + Ms(self.cfg.settle_ms)).max(w.trigger_end);
            }
        }
    }

    /// Splits each channel's words into turns: a turn ends at a pause of `turn_gap_ms` or where
    /// another channel speaks.
    fn turns(&mut self) {
        let gap = self.cfg.turn_gap_ms;
        let mut all: Vec<(Ms, usize, usize)> = Vec::new();
        for (ci, ch) in self.channels.iter().enumerate() {
            all.extend(ch.words.iter().enumerate().map(|(wi, w)| (w.start, ci, wi)));
        }
        all.sort();
        let mut open: Vec<Option<(usize, usize)>> = vec![None; self.channels.len()];
        let mut last_channel: Option<usize> = None;
        for (start, ci, wi) in all {
            let words = self.channels[ci].words;
            let breaks = match open[ci] {
                None => true,
                Some((_, last)) => {
                    last_channel != Some(ci) || start.0.saturating_sub(words[last].end.0) > gap
                }
            };
            if breaks {
                if let Some(t) = open[ci].take() {
                    self.channels[ci].turns.push(t);
                }
                open[ci] = Some((wi, wi));
            } else if let Some(t) = open[ci].as_mut() {
                t.1 = wi;
            }
            last_channel = Some(ci);
        }
        for (ci, t) in open.into_iter().enumerate() {
            if let Some(t) = t {
                self.channels[ci].turns.push(t);
            }
        }
        for ch in &mut self.channels {
            ch.turns.sort();
        }
    }

    /// Joins a channel's runs that are one value said in parts.
    fn join(&self, channel: u16, runs: Vec<DigitRun>) -> Vec<DigitRun> {
        let mut out: Vec<DigitRun> = Vec::new();
        for r in runs {
            if let Some(prev) = out.last_mut() {
                if self.continues(channel, prev, &r) {
                    prev.year_like = false;
                    prev.digits.extend_from_slice(&r.digits);
                    for (k, p) in r.pieces.iter().enumerate() {
                        prev.pieces.push(Piece {
                            len: p.len,
                            sep: if k == 0 { Sep::Turn } else { p.sep },
                        });
                    }
                    continue;
                }
            }
            out.push(r);
        }
        out
    }

    /// Whether run `b` continues value `a` on `channel`: close in time, in the same windows,
    /// and nothing between but acknowledgements or the other speaker reading digits back. More
    /// may be said between ("sorry, you cut out") when the two parts are plainly one value: a
    /// card number not yet complete in a card window, or 13-19 digits that pass Luhn in a card
    /// issuer's range.
    fn continues(&self, channel: u16, a: &DigitRun, b: &DigitRun) -> bool {
        if b.start().0.saturating_sub(a.end().0) > self.cfg.join_gap_ms {
            return false;
        }
        let windows = self.windows_for(a.start(), a.end());
        if windows != self.windows_for(b.start(), b.end()) {
            return false;
        }
        // A year or a date is a value of its own.
        if a.year_like || b.year_like || a.has_slash() || b.has_slash() {
            return false;
        }
        let mixed = self
            .channels
            .iter()
            .any(|c| c.channel == channel && c.role == Role::Mixed);
        let (mut between, mut own_talk, mut other_talk, mut corrected) = (0, 0, 0, false);
        let mut asked_next = false;
        for ch in &self.channels {
            let own = ch.channel == channel;
            let range = if own {
                (a.last_word() + 1)..b.first_word()
            } else {
                let lo = ch.words.partition_point(|w| w.start <= a.end());
                let hi = ch.words.partition_point(|w| w.start < b.start());
                lo..hi.max(lo)
            };
            for w in ch.words.get(range).unwrap_or_default() {
                between += 1;
                corrected |= own && normalise::is_correction(&w.text);
                asked_next |= own && mixed && CARD_DETAIL_WORDS.contains(&clean(&w.text).as_str());
                if is_acknowledgement(&w.text) || (!own && is_number_word(&w.text)) {
                    continue;
                }
                if own {
                    own_talk += 1;
                } else {
                    other_talk += 1;
                }
            }
        }
        let digits: Vec<u8> = a.digits.iter().chain(&b.digits).map(|d| d.value).collect();
        let is_card =
            (13..=19).contains(&digits.len()) && luhn(&digits) && issuer(&digits).is_some();
        let card_window = self.window_of(&windows, Kind::CardNumber).is_some();
        // "3 8 8, wait, sorry, it's 5 8 8": a value taken back and said again is two, so the
        // correction between them stays audible. Not where the parts may be one card number:
        // each part of a card is still muted in its window, but outside one only the whole
        // passes Luhn.
        if corrected && !is_card && !card_window {
            return false;
        }
        // In mono, "... 7 8 6. Okay, and the date on the card? 10 27": a reader does not name
        // the card in the middle of its number; the agent asking for the next detail does.
        if asked_next {
            return false;
        }
        if own_talk + other_talk == 0 {
            return between <= 12;
        }
        if own_talk + other_talk > 10 {
            return false;
        }
        // In mono the other speaker's words are on this channel too.
        let interrupted = own_talk == 0 || mixed;
        let incomplete_card = card_window && a.len() < 13 && interrupted;
        is_card || incomplete_card
    }
}

/// Words that name a detail of the card: said between two parts of a number in a mono call,
/// they are the agent asking for the next detail, not the reader pausing. Not "back" ("the
/// three on the back"): it is as often "call you back", "back in 2002".
pub(crate) const CARD_DETAIL_WORDS: &[&str] = &[
    "card",
    "expiry",
    "expires",
    "expire",
    "valid",
    "signature",
    "security",
];

/// Whether the trigger at words `first..=last` is a request to change the value rather than
/// a question for it: "I'd like to change the email you have for me." In mono the speaker is
/// unknown; the agent's "what's the new email?" that follows opens the window.
fn asks_for_a_change(words: &[Word], first: usize, last: usize) -> bool {
    const CHANGE: &[&str] = &[
        "change", "changing", "update", "updating", "amend", "correct",
    ];
    let before = words[first.saturating_sub(4)..first]
        .iter()
        .any(|w| CHANGE.contains(&clean(&w.text).as_str()));
    before && !ends_in_question(words, last)
}

/// Whether the sentence holding word `last` ends, within eight words, in a question mark: the
/// speaker asks for something there rather than saying something about it.
pub(crate) fn ends_in_question(words: &[Word], last: usize) -> bool {
    words[last..]
        .iter()
        .take(8)
        .map(|w| w.text.trim_end())
        .find(|t| t.ends_with(['.', '?', '!']))
        .is_some_and(|t| t.ends_with('?'))
}

/// Whether a customer's trigger at words `first..=last` gives the value: "my" (or "our")
/// before it, a copula ("is", "'s", "of") right after it, or digits in the next two words.
fn gives_value(words: &[Word], first: usize, last: usize) -> bool {
    const BEFORE: &[&str] = &["my", "our", "me"];
    const AFTER: &[&str] = &[
        "is", "it's", "its", "was", "are", "s", "being", "that's", "thats", "of",
    ];
    let before = first
        .checked_sub(1)
        .and_then(|i| words.get(i))
        .is_some_and(|w| BEFORE.contains(&clean(&w.text).as_str()));
    let trig_end = clean(&words[last].text);
    let next: Vec<String> = words[last + 1..]
        .iter()
        .take(2)
        .map(|w| clean(&w.text))
        .collect();
    // "the account number in 9.10 ...": Whisper's "in" for "is" still comes before digits.
    let after = trig_end.ends_with("'s")
        || next.first().is_some_and(|c| AFTER.contains(&c.as_str()))
        || next.iter().any(|c| is_digit_like(c));
    before || after || last + 1 >= words.len()
}

/// A word that says (part of) a number: the other speaker reading digits back.
pub(crate) fn is_number_word(text: &str) -> bool {
    let c = clean(text);
    parts(&c).iter().all(|p| {
        matches!(
            lex(p),
            Lex::Numeral(_)
                | Lex::Unit(_)
                | Lex::Weak(_)
                | Lex::Teen(_)
                | Lex::Tens(_)
                | Lex::Hundred
                | Lex::Mult(_)
        )
    })
}

/// Whether a word is or may be a digit: a numeral ("4539", "29.99"), a number word, or a
/// homophone of one ("for", "to").
pub(crate) fn is_digit_like(text: &str) -> bool {
    is_number_word(text) || text.chars().any(|c| c.is_ascii_digit())
}

/// A numeral or a number word, not only a homophone of a digit ("then", "for", "to"): where a
/// question's words end and a number begins.
pub(crate) fn says_a_number(text: &str) -> bool {
    text.chars().any(|c| c.is_ascii_digit()) || (is_number_word(text) && !is_weak_digit(text))
}

/// Whether a word is only a homophone of a digit ("for", "to", "then"): a digit beside real
/// ones, an ordinary word anywhere else.
pub(crate) fn is_weak_digit(text: &str) -> bool {
    parts(&clean(text))
        .iter()
        .all(|p| matches!(lex(p), Lex::Weak(_)))
}

/// Whether a date completes a value of `kind`: a full date of birth, a month and year of expiry.
fn is_complete_date(kind: Kind, d: &DateExpr) -> bool {
    match kind {
        Kind::DateOfBirth => d.day.is_some() && d.month.is_some() && d.year.is_some(),
        Kind::ExpiryDate => d.month.is_some() && d.year.is_some(),
        _ => false,
    }
}

/// Whether `digits` are a whole value of `kind`, every group heard: a card number of 15 or
/// 16 that passes Luhn in an issuer's range (a lost group leaves it short or failing the
/// check), a 3-4 digit code, six sort-code digits, eight account digits, a 10-11 digit phone
/// number. Stricter than `is_complete` for cards, where a missed group is a leak.
pub(crate) fn is_whole(kind: Kind, digits: &[u8]) -> bool {
    let n = digits.len();
    match kind {
        Kind::CardNumber => (15..=16).contains(&n) && luhn(digits) && issuer(digits).is_some(),
        Kind::SecurityCode => (3..=4).contains(&n),
        Kind::SortCode => n == 6,
        Kind::AccountNumber => n == 8,
        Kind::Phone => (10..=11).contains(&n),
        _ => false,
    }
}

/// Whether `len` digits complete a value of `kind`, so its window can settle.
fn is_complete(kind: Kind, len: usize) -> bool {
    match kind {
        Kind::CardNumber => len >= 15,
        Kind::SecurityCode => (3..=4).contains(&len),
        Kind::SortCode => len == 6,
        Kind::AccountNumber => len == 8,
        Kind::Phone => len >= 10,
        Kind::DateOfBirth => len >= 6,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::ChannelTranscript;

    pub(crate) fn ch(channel: u16, role: Role, spec: &[(&str, u64)]) -> ChannelTranscript {
        ChannelTranscript {
            channel,
            role,
            words: spec
                .iter()
                .map(|(t, s)| Word {
                    text: t.to_string(),
                    start: Ms(*s),
                    end: Ms(*s + 300),
                    prob: 0.9,
                })
                .collect(),
        }
    }

    fn seq(text: &str, from: u64) -> Vec<(&str, u64)> {
        text.split_whitespace()
            .enumerate()
            .map(|(i, w)| (w, from + i as u64 * 400))
            .collect()
    }

    #[test]
    fn in_mono_a_request_to_change_a_detail_opens_no_window() {
        let cfg = DetectConfig::default();
        let windows = |text: &str| {
            let call = CallTranscript {
                channels: vec![ch(0, Role::Mixed, &seq(text, 0))],
            };
            let s = Scene::build(&call, &[], &cfg, Vec::new());
            s.windows.iter().map(|w| w.kind).collect::<Vec<_>>()
        };
        assert!(windows("I'd like to change the email you have for me.").is_empty());
        // The nearest non-examples: the agent's question for the new one, and the customer
        // giving it, each open the window.
        assert_eq!(windows("could you update the email for us?"), [Kind::Email]);
        assert_eq!(
            windows("I'd like to change my email it's jo at example dot com"),
            [Kind::Email]
        );
    }

    #[test]
    fn groups_split_by_the_agents_yes_are_one_value() {
        let cfg = DetectConfig::default();
        let mut cust = seq("four five three nine", 10_000);
        cust.extend(seq("one four eight eight", 14_000));
        let call = CallTranscript {
            channels: vec![
                ch(0, Role::Agent, &[("Yes.", 12_200)]),
                ch(1, Role::Customer, &cust),
            ],
        };
        let s = Scene::build(&call, &[], &cfg, Vec::new());
        let v: Vec<_> = s.values.iter().filter(|v| v.channel == 1).collect();
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].run.len(), 8);
        assert_eq!(
            v[0].run
                .pieces
                .iter()
                .filter(|p| p.sep == Sep::Turn)
                .count(),
            1
        );
    }

    #[test]
    fn a_card_number_interrupted_by_the_agent_is_still_one_value() {
        let cfg = DetectConfig::default();
        let mut cust = seq("4539 1488", 4_000);
        cust.extend(seq("0343 6467", 8_000));
        let mut agent = seq("what's the card number", 0);
        agent.extend(seq("sorry you cut out there", 5_500));
        let call = CallTranscript {
            channels: vec![ch(0, Role::Agent, &agent), ch(1, Role::Customer, &cust)],
        };
        let s = Scene::build(&call, &[], &cfg, Vec::new());
        let v: Vec<_> = s.values.iter().filter(|v| v.channel == 1).collect();
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].run.len(), 16);
    }

    #[test]
    fn split_digits_that_pass_luhn_join_without_a_trigger() {
        let cfg = DetectConfig::default();
        let mut cust = seq("4539 1488", 4_000);
        cust.extend(seq("0343 6467", 8_000));
        let call = CallTranscript {
            channels: vec![
                ch(0, Role::Agent, &seq("sorry you cut out there", 5_500)),
                ch(1, Role::Customer, &cust),
            ],
        };
        let s = Scene::build(&call, &[], &cfg, Vec::new());
        assert_eq!(s.values.iter().filter(|v| v.channel == 1).count(), 1);
    }

    #[test]
    fn another_question_between_runs_keeps_them_apart() {
        let cfg = DetectConfig::default();
        let mut cust = seq("four five three nine", 10_000);
        cust.extend(seq("one four eight eight", 14_000));
        let call = CallTranscript {
            channels: vec![
                ch(0, Role::Agent, &seq("and how many people", 12_000)),
                ch(1, Role::Customer, &cust),
            ],
        };
        let s = Scene::build(&call, &[], &cfg, Vec::new());
        assert_eq!(s.values.iter().filter(|v| v.channel == 1).count(), 2);
    }

    #[test]
    fn a_value_takes_the_window_it_was_said_in() {
        let cfg = DetectConfig::default();
        let call = CallTranscript {
            channels: vec![
                ch(0, Role::Agent, &seq("what is the card number please", 0)),
                ch(1, Role::Customer, &seq("4539 1488 0343 6467", 3_000)),
            ],
        };
        let s = Scene::build(&call, &[], &cfg, Vec::new());
        assert!(s
            .window_of(&s.values[0].windows, Kind::CardNumber)
            .is_some());
        assert_eq!(s.windows[0].answering, [1]);
    }

    #[test]
    fn a_complete_value_settles_its_window() {
        let cfg = DetectConfig::default();
        let call = CallTranscript {
            channels: vec![
                ch(0, Role::Agent, &seq("and the security code", 0)),
                ch(1, Role::Customer, &seq("one two three", 2_000)),
            ],
        };
        let s = Scene::build(&call, &[], &cfg, Vec::new());
        assert_eq!(s.windows[0].close, Ms(2_800 + 300 + cfg.settle_ms));
    }

    #[test]
    fn turns_end_at_pauses_and_speaker_changes() {
        let cfg = DetectConfig::default();
        let call = CallTranscript {
            channels: vec![
                ch(
                    0,
                    Role::Agent,
                    &[("hello", 0), ("there", 400), ("name", 3_000)],
                ),
                ch(1, Role::Customer, &[("hi", 1_000), ("John", 4_000)]),
            ],
        };
        let s = Scene::build(&call, &[], &cfg, Vec::new());
        assert_eq!(s.channels[0].turns, [(0, 1), (2, 2)]);
        assert_eq!(s.channels[1].turns, [(0, 0), (1, 1)]);
    }

    #[test]
    fn a_customer_talking_about_a_value_opens_no_window_giving_one_does() {
        use crate::detect::testutil::call;
        let cfg = DetectConfig::default();
        let about = call(&[
            (0, "how can i help", 0),
            (1, "i'd like to change the email you have for me", 2_000),
        ]);
        assert!(Scene::build(&about, &[], &cfg, Vec::new())
            .windows
            .is_empty());
        for giving in [
            "my email is sam at example dot com",
            "the account number in 9 1 0 1 2",
            "it's in the name of patrick mensah",
        ] {
            let c = call(&[(0, "how can i help", 0), (1, giving, 2_000)]);
            let s = Scene::build(&c, &[], &cfg, Vec::new());
            assert_eq!(s.windows.len(), 1, "{giving}");
        }
    }
}
