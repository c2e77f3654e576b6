//! Scoring detection against a labelled corpus (`tests/corpus/*.jsonl`): one JSON case per
//! line with each channel's words and the expected findings. Shared by the corpus test and the
//! bench so both count the same way. Reports name cases, kinds and times only, never word
//! texts: the corpus is full of card numbers.

use super::{detect, DetectConfig, KindFilter};
use crate::types::{CallTranscript, ChannelTranscript, Finding, Kind, Role, Voiced, Word};
use crate::units::Ms;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub name: String,
    pub channels: Vec<CaseChannel>,
    #[serde(default)]
    pub expect: Vec<Expect>,
    /// Customer terms for this case, added to the policy's.
    #[serde(default)]
    pub terms: Vec<String>,
    /// Voice-activity regions as `[channel, start_ms, end_ms]`; where whisper dropped an
    /// utterance there is a region and no words.
    #[serde(default)]
    pub voiced: Vec<(u16, u64, u64)>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseChannel {
    pub channel: u16,
    pub role: Role,
    /// `[text, start_ms, end_ms]`.
    pub words: Vec<(String, u64, u64)>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    pub kind: Kind,
    pub channel: Option<u16>,
    pub start_ms: u64,
    pub end_ms: u64,
}

impl Case {
    pub fn call(&self) -> CallTranscript {
        CallTranscript {
            channels: self
                .channels
                .iter()
                .map(|c| ChannelTranscript {
                    channel: c.channel,
                    role: c.role,
                    words: c
                        .words
                        .iter()
                        .map(|(t, s, e)| Word {
                            text: t.clone(),
                            start: Ms(*s),
                            end: Ms(*e),
                            prob: 0.9,
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    pub fn voiced(&self) -> Vec<Voiced> {
        self.voiced
            .iter()
            .map(|&(channel, s, e)| Voiced {
                channel,
                start: Ms(s),
                end: Ms(e),
            })
            .collect()
    }

    /// Runs detection with `cfg` plus this case's terms.
    pub fn detect(&self, cfg: &DetectConfig, kinds: &dyn KindFilter) -> Vec<Finding> {
        if self.terms.is_empty() {
            return detect(&self.call(), &self.voiced(), cfg, kinds);
        }
        let mut cfg = cfg.clone();
        cfg.terms.extend(self.terms.iter().cloned());
        detect(&self.call(), &self.voiced(), &cfg, kinds)
    }
}

/// Reads every case of one JSONL file. Errors name the file and line, not its content.
pub fn load(path: &Path) -> Result<Vec<Case>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|e| {
                format!(
                    "{}:{}: invalid case (column {})",
                    path.display(),
                    i + 1,
                    e.column()
                )
            })
        })
        .collect()
}

/// Kinds spoken as digits: NUMBER stands in for any of them ("mute it, kind unknown").
pub fn is_digit_kind(k: Kind) -> bool {
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

/// A finding of kind `found` counts for an expectation of kind `want`: the same kind, or NUMBER
/// for a digit kind.
pub fn compatible(want: Kind, found: Kind) -> bool {
    want == found || (found == Kind::Number && is_digit_kind(want))
}

/// How much of [s, e) the union of `spans` covers, 0..1.
fn coverage(s: u64, e: u64, spans: &mut [(u64, u64)]) -> f64 {
    if e <= s {
        return if spans.iter().any(|&(a, b)| a <= s && s <= b) {
            1.0
        } else {
            0.0
        };
    }
    spans.sort_unstable();
    let mut covered = 0;
    let mut cur = s;
    for &(a, b) in spans.iter() {
        let (a, b) = (a.max(cur), b.min(e));
        if b > a {
            covered += b - a;
            cur = b;
        }
    }
    covered as f64 / (e - s) as f64
}

/// What happened to one expectation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Covered >= 90% by findings of its own kind.
    Exact,
    /// Covered >= 90% by NUMBER findings (muted, kind unknown).
    AsNumber,
    /// Covered >= 90% by findings of some other kind (muted, wrong label).
    OtherKind,
    Missed,
}

pub const COVER: f64 = 0.9;

/// One expectation's result, for reports: case, kind, times, no text.
#[derive(Clone, Debug)]
pub struct ExpectResult {
    pub case: String,
    pub kind: Kind,
    pub channel: Option<u16>,
    pub start_ms: u64,
    pub end_ms: u64,
    pub outcome: Outcome,
}

/// One finding that matched no expectation.
#[derive(Clone, Debug)]
pub struct FalsePositive {
    pub case: String,
    pub kind: Kind,
    pub channel: Option<u16>,
    pub start_ms: u64,
    pub end_ms: u64,
    pub rule: String,
}

#[derive(Clone, Debug, Default)]
pub struct KindStats {
    pub expected: usize,
    pub exact: usize,
    pub as_number: usize,
    pub other_kind: usize,
    pub findings: usize,
    pub true_positive: usize,
}

impl KindStats {
    /// Share of expectations muted by their own kind or NUMBER.
    pub fn recall(&self) -> f64 {
        ratio(self.exact + self.as_number, self.expected)
    }

    pub fn exact_recall(&self) -> f64 {
        ratio(self.exact, self.expected)
    }

    pub fn precision(&self) -> f64 {
        ratio(self.true_positive, self.findings)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

#[derive(Clone, Debug, Default)]
pub struct Report {
    pub cases: usize,
    pub per_kind: BTreeMap<Kind, KindStats>,
    pub results: Vec<ExpectResult>,
    pub false_positives: Vec<FalsePositive>,
    /// Cases with nothing to find (decoys only) that got findings anyway.
    pub decoy_cases_with_findings: Vec<String>,
    /// Cases with nothing to find.
    pub decoy_cases: usize,
    /// Milliseconds muted (sum of finding spans) and the part of them outside every expected span.
    pub muted_ms: u64,
    pub overmuted_ms: u64,
}

impl Report {
    pub fn total(&self) -> KindStats {
        let mut t = KindStats::default();
        for s in self.per_kind.values() {
            t.expected += s.expected;
            t.exact += s.exact;
            t.as_number += s.as_number;
            t.other_kind += s.other_kind;
            t.findings += s.findings;
            t.true_positive += s.true_positive;
        }
        t
    }

    /// Scores one case's findings against its expectations.
    pub fn add(&mut self, case: &Case, findings: &[Finding]) {
        self.cases += 1;
        if case.expect.is_empty() {
            self.decoy_cases += 1;
            if !findings.is_empty() {
                self.decoy_cases_with_findings.push(case.name.clone());
            }
        }
        let same_channel = |e: &Expect, f: &Finding| {
            e.channel.is_none() || f.channel.is_none() || e.channel == f.channel
        };
        for e in &case.expect {
            let spans = |pred: &dyn Fn(Kind) -> bool| -> Vec<(u64, u64)> {
                findings
                    .iter()
                    .filter(|f| same_channel(e, f) && pred(f.kind))
                    .map(|f| (f.start.0, f.end.0))
                    .collect()
            };
            let cov =
                |pred: &dyn Fn(Kind) -> bool| coverage(e.start_ms, e.end_ms, &mut spans(pred));
            let outcome = if cov(&|k| k == e.kind) >= COVER {
                Outcome::Exact
            } else if cov(&|k| compatible(e.kind, k)) >= COVER {
                Outcome::AsNumber
            } else if cov(&|_| true) >= COVER {
                Outcome::OtherKind
            } else {
                Outcome::Missed
            };
            let s = self.per_kind.entry(e.kind).or_default();
            s.expected += 1;
            match outcome {
                Outcome::Exact => s.exact += 1,
                Outcome::AsNumber => s.as_number += 1,
                Outcome::OtherKind => s.other_kind += 1,
                Outcome::Missed => {}
            }
            self.results.push(ExpectResult {
                case: case.name.clone(),
                kind: e.kind,
                channel: e.channel,
                start_ms: e.start_ms,
                end_ms: e.end_ms,
                outcome,
            });
        }
        for f in findings {
            let overlaps =
                |e: &Expect| same_channel(e, f) && f.start.0 <= e.end_ms && e.start_ms <= f.end.0;
            let tp = case
                .expect
                .iter()
                .any(|e| overlaps(e) && compatible(e.kind, f.kind));
            let s = self.per_kind.entry(f.kind).or_default();
            s.findings += 1;
            if tp {
                s.true_positive += 1;
            } else {
                self.false_positives.push(FalsePositive {
                    case: case.name.clone(),
                    kind: f.kind,
                    channel: f.channel,
                    start_ms: f.start.0,
                    end_ms: f.end.0,
                    rule: f.rule.clone(),
                });
            }
            let len = f.end.0.saturating_sub(f.start.0);
            let mut expected: Vec<(u64, u64)> = case
                .expect
                .iter()
                .filter(|e| same_channel(e, f))
                .map(|e| (e.start_ms, e.end_ms))
                .collect();
            let inside = (coverage(f.start.0, f.end.0, &mut expected) * len as f64).round() as u64;
            self.muted_ms += len;
            self.overmuted_ms += len.saturating_sub(inside);
        }
    }

    /// The per-kind table: expected, muted by own kind, by NUMBER, by another kind, recall,
    /// findings, precision.
    pub fn table(&self) -> String {
        let mut out = format!(
            "{:<15} {:>5} {:>6} {:>6} {:>6} {:>7} {:>7} {:>6} {:>9}\n",
            "kind", "exp", "exact", "as_num", "other", "recall", "exact_r", "found", "precision"
        );
        let row = |name: &str, s: &KindStats| {
            format!(
                "{:<15} {:>5} {:>6} {:>6} {:>6} {:>7.3} {:>7.3} {:>6} {:>9.3}\n",
                name,
                s.expected,
                s.exact,
                s.as_number,
                s.other_kind,
                s.recall(),
                s.exact_recall(),
                s.findings,
                s.precision()
            )
        };
        for (k, s) in &self.per_kind {
            out.push_str(&row(k.as_str(), s));
        }
        out.push_str(&row("ALL", &self.total()));
        out.push_str(&format!(
            "decoy-only cases with findings: {} of {}\n",
            self.decoy_cases_with_findings.len(),
            self.decoy_cases
        ));
        let share = if self.muted_ms == 0 {
            0.0
        } else {
            100.0 * self.overmuted_ms as f64 / self.muted_ms as f64
        };
        out.push_str(&format!(
            "muted {:.1} s in findings, {:.1} s ({share:.1}%) outside any expected span\n",
            self.muted_ms as f64 / 1000.0,
            self.overmuted_ms as f64 / 1000.0,
        ));
        out
    }
}

/// Every `*.jsonl` under `dir`, sorted by name.
pub fn corpus_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coverage_is_the_union_of_spans() {
        assert_eq!(coverage(0, 100, &mut [(0, 50), (40, 100)]), 1.0);
        assert_eq!(coverage(0, 100, &mut [(0, 50)]), 0.5);
        assert_eq!(coverage(0, 100, &mut []), 0.0);
        assert_eq!(coverage(0, 100, &mut [(0, 30), (0, 30), (60, 90)]), 0.6);
    }

    #[test]
    fn number_stands_in_for_digit_kinds_only() {
        assert!(compatible(Kind::CardNumber, Kind::Number));
        assert!(compatible(Kind::Phone, Kind::Phone));
        assert!(!compatible(Kind::Email, Kind::Number));
        assert!(!compatible(Kind::CardNumber, Kind::SecurityCode));
    }
}
