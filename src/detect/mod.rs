//! Detection: finds sensitive values in a call's words, with their times.
//!
//! The flow for one call:
//! 1. `context` finds trigger phrases ("long number on the front", "sort code") and opens
//!    windows of their kind over the speech that follows;
//! 2. `normalise` turns each channel's words into digit runs (spoken digits, numerals, "double
//!    five", "forty five"), each digit tied to its word; `dates` reads date expressions;
//! 3. `scene` joins runs said in parts ("4539 ... yes ... 1488") and ties every value to the
//!    window it was said in;
//! 4. every detector in `REGISTRY` (one file per kind) claims what it recognises;
//! 5. `resolve` lets the better-founded claim win where two kinds claim the same digits, and
//!    findings of one kind that overlap on one channel are merged.
//!
//! Adding a kind is adding a file with a `Detector` and one line in `REGISTRY`.

use crate::types::{CallTranscript, Finding, Kind, Voiced, WordRange};
use crate::units::Ms;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

mod account;
mod answer;
mod card;
mod carve;
mod config;
mod confirm;
pub mod context;
pub mod dates;
mod dense;
mod dob;
pub mod eval;
mod expiry;
pub mod matchers;
pub mod normalise;
mod number;
mod pan;
mod phase;
mod phone;
mod reply;
mod scene;
mod security_code;
mod sort_code;
mod text;
mod timing;
mod utterance;
mod voiced_gap;
mod widen;

pub use config::{DetectConfig, TermFileError};
use scene::{DateValue, Scene, Value};

/// What a claim rests on. Where two kinds claim the same digits, the better-founded one wins:
/// a trigger beats a pattern, a pattern beats "it is long".
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Basis {
    /// NUMBER: a long run with nothing else known.
    Fallback,
    /// The value's shape: Luhn, a UK phone prefix, "40-12-76", a plausible birth date.
    Content,
    /// A trigger phrase opened a window of this kind.
    Context,
}

/// A finding with the basis it rests on, before conflicts are resolved.
pub(crate) struct Candidate {
    pub finding: Finding,
    pub basis: Basis,
}

/// One detector per kind (or family of kinds). Detectors read the shared `Scene` and push
/// candidates; they never see each other's output.
pub(crate) trait Detector: Sync {
    /// The name recorded in the audit, e.g. "digits.card".
    fn name(&self) -> &'static str;
    fn find(&self, scene: &Scene, out: &mut Vec<Candidate>);
}

/// Every detector, in no particular order: conflicts are settled by `resolve`, not by order.
const REGISTRY: &[&dyn Detector] = &[
    &card::Card,
    &security_code::SecurityCode,
    &expiry::Expiry,
    &sort_code::SortCode,
    &account::Account,
    &phone::Phone,
    &dob::DateOfBirth,
    &number::LongNumber,
    &dense::DenseDigits,
    &text::TextKinds,
    &voiced_gap::VoicedGap,
    &answer::Answer,
    &utterance::NumericUtterance,
    &reply::DigitReply,
];

/// The names of the registered detectors, for documentation and `inspect`.
pub fn detector_names() -> Vec<&'static str> {
    REGISTRY.iter().map(|d| d.name()).collect()
}

/// Which kinds are switched on. The policy's `[kinds]` table answers it; detection never reads
/// the policy itself, so the policy depends on detection and not the other way round.
pub trait KindFilter {
    fn enabled(&self, kind: Kind) -> bool;
}

/// Every kind on: what a call is checked for when nothing is switched off.
pub struct AllKinds;

impl KindFilter for AllKinds {
    fn enabled(&self, _: Kind) -> bool {
        true
    }
}

/// Every finding in a call, in start order, for the kinds `kinds` switches on.
///
/// Conflicts are resolved before disabled kinds are dropped: a card number with CARD_NUMBER
/// switched off is not muted as NUMBER instead, which would defeat the switch.
pub fn detect(
    call: &CallTranscript,
    voiced: &[Voiced],
    cfg: &DetectConfig,
    kinds: &dyn KindFilter,
) -> Vec<Finding> {
    let call = timing::clamp_word_ends(call, voiced);
    let scene = Scene::build(&call, voiced, cfg, terms(cfg));
    let mut candidates = Vec::new();
    for d in REGISTRY {
        d.find(&scene, &mut candidates);
    }
    let mut findings: Vec<Finding> = resolve(candidates)
        .into_iter()
        .filter(|f| kinds.enabled(f.kind))
        .collect();
    findings = merge_same_kind(findings);
    widen::widen(&scene, &mut findings);
    confirm::extend(&scene, &mut findings);
    if kinds.enabled(Kind::CardNumber) {
        phase::extend(&scene, &mut findings);
    }
    carve::carve(&scene, &mut findings);
    // A broken transcript can hand any rule times that end before they start; a finding
    // always covers at least its start.
    for f in &mut findings {
        f.end = f.end.max(f.start);
    }
    findings.sort_by_key(|f| (f.start, f.channel, f.kind, f.end));
    findings
}

/// The policy's terms, with term files read once per process rather than once per call.
fn terms(cfg: &DetectConfig) -> Vec<String> {
    if cfg.term_files.is_empty() {
        return cfg
            .terms
            .iter()
            .filter(|t| !t.trim().is_empty())
            .cloned()
            .collect();
    }
    type Key = (Vec<String>, Vec<PathBuf>);
    static CACHE: OnceLock<Mutex<HashMap<Key, Vec<String>>>> = OnceLock::new();
    let key = (cfg.terms.clone(), cfg.term_files.clone());
    let cache = CACHE.get_or_init(Default::default);
    if let Some(t) = cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
        return t;
    }
    match cfg.load_terms() {
        Ok(t) => {
            if let Ok(mut c) = cache.lock() {
                c.insert(key, t.clone());
            }
            t
        }
        Err(e) => {
            // Policy loading is expected to have called `load_terms` already and stopped the
            // run; here the inline terms still apply.
            tracing::error!(error = %e, "term file unreadable; only inline terms apply");
            cfg.terms.clone()
        }
    }
}

/// Kinds read from digits; text kinds (names, e-mails) never compete with them for words.
fn is_digit_kind(k: Kind) -> bool {
    matches!(
        k,
        Kind::CardNumber
            | Kind::SecurityCode
            | Kind::ExpiryDate
            | Kind::SortCode
            | Kind::AccountNumber
            | Kind::Phone
            | Kind::DateOfBirth
            | Kind::Number
    )
}

/// Share of `f`'s words that the union of `others` covers, on the same channel.
fn covered_share<'a>(f: &Finding, others: impl Iterator<Item = &'a Finding>) -> f32 {
    let Some(a) = f.words else { return 0.0 };
    let mut spans: Vec<(usize, usize)> = others
        .filter_map(|k| k.words)
        .filter(|b| b.channel == a.channel && b.first <= a.last && a.first <= b.last)
        .map(|b| (b.first.max(a.first), b.last.min(a.last)))
        .collect();
    spans.sort_unstable();
    let (mut covered, mut next) = (0usize, a.first);
    for (lo, hi) in spans {
        let lo = lo.max(next);
        if hi >= lo {
            covered += hi - lo + 1;
            next = hi + 1;
        }
    }
    covered as f32 / (a.last - a.first + 1) as f32
}

/// Where two kinds claim (nearly) the same words, the stronger claim wins: basis first, then
/// confidence, then the longer span. A claim resting on a trigger beats any claim resting on
/// shape alone (a postcode-shaped stretch inside a National Insurance answer); between digit
/// kinds a surer claim also beats an equally founded one. NUMBER yields to every kind. The
/// losing claim's words are (mostly) muted by the winner anyway: only the label changes.
fn resolve(mut candidates: Vec<Candidate>) -> Vec<Finding> {
    let span = |f: &Finding| f.words.map(|w| w.last.saturating_sub(w.first)).unwrap_or(0);
    candidates.sort_by(|a, b| {
        b.basis
            .cmp(&a.basis)
            .then(b.finding.confidence.total_cmp(&a.finding.confidence))
            .then(span(&b.finding).cmp(&span(&a.finding)))
    });
    let mut kept: Vec<(Finding, Basis)> = Vec::with_capacity(candidates.len());
    for c in candidates {
        let f = c.finding;
        let stronger = kept.iter().filter(|(k, kb)| {
            k.kind != f.kind
                && (*kb > c.basis
                    || (is_digit_kind(f.kind) && is_digit_kind(k.kind))
                    // Spoken digits look like letters to the text matchers ("oh", "I"): a surer
                    // digit claim wins over a text claim on the same words.
                    || (is_digit_kind(k.kind) && !is_digit_kind(f.kind) && k.confidence > f.confidence))
        });
        // Several stronger claims together can cover it: a sort code and an account number
        // said in one breath, over which Luhn happened to pass.
        let dominated = covered_share(&f, stronger.map(|(k, _)| k)) >= 0.8;
        if !dominated {
            kept.push((f, c.basis));
        }
    }
    kept.into_iter().map(|(f, _)| f).collect()
}

/// Findings of one kind on one channel that overlap become one, spanning both.
fn merge_same_kind(mut findings: Vec<Finding>) -> Vec<Finding> {
    findings.sort_by_key(|f| (f.channel, f.kind, f.start, f.end));
    let mut out: Vec<Finding> = Vec::with_capacity(findings.len());
    for f in findings {
        if let Some(last) = out.last_mut() {
            if last.channel == f.channel && last.kind == f.kind && f.start <= last.end {
                last.words = match (last.words, f.words) {
                    (Some(a), Some(b)) if a.channel == b.channel => Some(WordRange {
                        channel: a.channel,
                        first: a.first.min(b.first),
                        last: a.last.max(b.last),
                    }),
                    (a, b) => a.or(b),
                };
                if f.confidence > last.confidence {
                    last.confidence = f.confidence;
                    last.detector = f.detector;
                    last.rule = f.rule;
                }
                last.end = last.end.max(f.end);
                continue;
            }
        }
        out.push(f);
    }
    out
}

/// A finding over digits `range` (indices into the value's digits) of a value.
pub(crate) fn value_finding(
    v: &Value,
    range: std::ops::Range<usize>,
    kind: Kind,
    confidence: f32,
    detector: &'static str,
    rule: String,
) -> Finding {
    let ds = &v.run.digits[range.start.min(v.run.len())..range.end.min(v.run.len())];
    let ds = if ds.is_empty() { &v.run.digits[..] } else { ds };
    let first = ds.iter().map(|d| d.word).min().unwrap_or(0);
    let last = ds.iter().map(|d| d.word).max().unwrap_or(0);
    Finding {
        kind,
        channel: Some(v.channel),
        start: ds.iter().map(|d| d.start).min().unwrap_or(Ms::ZERO),
        end: ds.iter().map(|d| d.end).max().unwrap_or(Ms::ZERO),
        confidence: confidence.clamp(0.0, 1.0),
        detector,
        rule,
        words: Some(WordRange {
            channel: v.channel,
            first,
            last,
        }),
    }
}

/// A finding over a whole date expression.
pub(crate) fn date_finding(
    d: &DateValue,
    kind: Kind,
    confidence: f32,
    detector: &'static str,
    rule: String,
) -> Finding {
    Finding {
        kind,
        channel: Some(d.channel),
        start: d.date.start,
        end: d.date.end.max(d.date.start),
        confidence: confidence.clamp(0.0, 1.0),
        detector,
        rule,
        words: Some(WordRange {
            channel: d.channel,
            first: d.date.first_word,
            last: d.date.last_word,
        }),
    }
}

/// Small calls for the detectors' behaviour tests.
#[cfg(test)]
pub(crate) mod testutil {
    use super::{AllKinds, DetectConfig};
    use crate::types::{CallTranscript, ChannelTranscript, Finding, Kind, Role, Voiced, Word};
    use crate::units::Ms;

    /// One utterance per entry: (channel, text, start ms); words 400 ms apart, 300 ms long.
    /// Two channels make a stereo call (agent 0, customer 1); one channel a mono call.
    pub fn call(utterances: &[(u16, &str, u64)]) -> CallTranscript {
        let stereo = utterances.iter().any(|u| u.0 == 1);
        let n = if stereo { 2 } else { 1 };
        let mut channels: Vec<ChannelTranscript> = (0..n)
            .map(|c| ChannelTranscript {
                channel: c,
                role: match (stereo, c) {
                    (true, 0) => Role::Agent,
                    (true, _) => Role::Customer,
                    _ => Role::Mixed,
                },
                words: Vec::new(),
            })
            .collect();
        for &(c, text, from) in utterances {
            let ws = text.split_whitespace().enumerate().map(|(i, w)| Word {
                text: w.into(),
                start: Ms(from + i as u64 * 400),
                end: Ms(from + i as u64 * 400 + 300),
                prob: 0.9,
            });
            channels[c as usize].words.extend(ws);
        }
        CallTranscript { channels }
    }

    /// Voice activity on `channel` from `s` to `e` ms.
    pub fn voiced(channel: u16, s: u64, e: u64) -> Voiced {
        Voiced {
            channel,
            start: Ms(s),
            end: Ms(e),
        }
    }

    pub fn found_with(
        utterances: &[(u16, &str, u64)],
        voiced: &[Voiced],
        cfg: &DetectConfig,
    ) -> Vec<Finding> {
        super::detect(&call(utterances), voiced, cfg, &AllKinds)
    }

    /// (kind, channel) of every finding, in order.
    pub fn kinds(utterances: &[(u16, &str, u64)]) -> Vec<(Kind, u16)> {
        found_with(utterances, &[], &DetectConfig::default())
            .iter()
            .map(|f| (f.kind, f.channel.unwrap_or(u16::MAX)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{ChannelTranscript, Role, Word};

    fn ch(channel: u16, role: Role, text: &str, from: u64) -> ChannelTranscript {
        ChannelTranscript {
            channel,
            role,
            words: text
                .split_whitespace()
                .enumerate()
                .map(|(i, w)| Word {
                    text: w.into(),
                    start: Ms(from + i as u64 * 400),
                    end: Ms(from + i as u64 * 400 + 300),
                    prob: 0.9,
                })
                .collect(),
        }
    }

    fn kinds(f: &[Finding]) -> Vec<Kind> {
        f.iter().map(|f| f.kind).collect()
    }

    fn stereo(agent: &str, customer: &str) -> CallTranscript {
        CallTranscript {
            channels: vec![
                ch(0, Role::Agent, agent, 0),
                ch(1, Role::Customer, customer, 4_000),
            ],
        }
    }

    #[test]
    fn a_card_number_after_the_question_is_found_on_the_customer_channel() {
        let call = stereo(
            "can I take the long number on the front",
            "4539 1488 0343 6467",
        );
        let f = detect(&call, &[], &DetectConfig::default(), &AllKinds);
        assert_eq!(kinds(&f), [Kind::CardNumber]);
        assert_eq!(f[0].channel, Some(1));
        assert_eq!((f[0].start, f[0].end), (Ms(4_000), Ms(5_500)));
        assert_eq!(f[0].detector, "digits.card");
        assert_eq!(f[0].rule, "trigger:card_number");
        assert_eq!(
            f[0].words,
            Some(WordRange {
                channel: 1,
                first: 0,
                last: 3
            })
        );
    }

    #[test]
    fn a_luhn_valid_card_without_context_is_still_a_card() {
        let call = CallTranscript {
            channels: vec![ch(
                0,
                Role::Mixed,
                "yeah it's 4539 1488 0343 6467 there you go",
                0,
            )],
        };
        let f = detect(&call, &[], &DetectConfig::default(), &AllKinds);
        assert_eq!(kinds(&f), [Kind::CardNumber]);
        assert_eq!(f[0].rule, "luhn");
    }

    #[test]
    fn a_long_run_without_context_is_a_number() {
        let call = CallTranscript {
            channels: vec![ch(0, Role::Mixed, "the code was 1 2 3 4 5 6 7 8 ok", 0)],
        };
        let f = detect(&call, &[], &DetectConfig::default(), &AllKinds);
        assert_eq!(kinds(&f), [Kind::Number]);
    }

    #[test]
    fn short_numbers_without_context_are_left_alone() {
        let call = CallTranscript {
            channels: vec![ch(
                0,
                Role::Mixed,
                "you're number three in the queue and it costs £29.99 since 2019",
                0,
            )],
        };
        assert!(detect(&call, &[], &DetectConfig::default(), &AllKinds).is_empty());
    }

    #[test]
    fn a_disabled_kind_is_not_muted_under_another_name() {
        let call = stereo(
            "can I take the long number on the front",
            "4539 1488 0343 6467",
        );
        struct NoCards;
        impl KindFilter for NoCards {
            fn enabled(&self, kind: Kind) -> bool {
                kind != Kind::CardNumber
            }
        }
        assert!(detect(&call, &[], &DetectConfig::default(), &NoCards).is_empty());
    }

    #[test]
    fn overlapping_findings_of_one_kind_are_merged() {
        let a = Finding {
            kind: Kind::CardNumber,
            channel: Some(1),
            start: Ms(0),
            end: Ms(100),
            confidence: 0.5,
            detector: "a",
            rule: "x".into(),
            words: None,
        };
        let b = Finding {
            start: Ms(50),
            end: Ms(200),
            confidence: 0.9,
            detector: "b",
            ..a.clone()
        };
        let m = merge_same_kind(vec![a, b]);
        assert_eq!(m.len(), 1);
        assert_eq!((m[0].start, m[0].end, m[0].detector), (Ms(0), Ms(200), "b"));
    }

    #[test]
    fn findings_come_sorted_by_start() {
        let call = CallTranscript {
            channels: vec![ch(
                0,
                Role::Mixed,
                "my sort code is 40-12-76 and my phone number is 07700 900123 thanks",
                0,
            )],
        };
        let f = detect(&call, &[], &DetectConfig::default(), &AllKinds);
        assert_eq!(kinds(&f), [Kind::SortCode, Kind::Phone]);
        assert!(f.windows(2).all(|w| w[0].start <= w[1].start));
    }

    #[test]
    fn detector_names_are_unique() {
        let mut n = detector_names();
        let len = n.len();
        n.sort_unstable();
        n.dedup();
        assert_eq!(n.len(), len);
    }

    #[test]
    fn empty_calls_find_nothing() {
        assert!(detect(
            &CallTranscript::default(),
            &[],
            &DetectConfig::default(),
            &AllKinds
        )
        .is_empty());
        let call = CallTranscript {
            channels: vec![ch(0, Role::Mixed, "", 0)],
        };
        assert!(detect(
            &call,
            &[Voiced {
                channel: 0,
                start: Ms(0),
                end: Ms(1000)
            }],
            &DetectConfig::default(),
            &AllKinds
        )
        .is_empty());
    }
}
