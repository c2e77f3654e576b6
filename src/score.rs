//! Scoring detection and planning on captured transcripts against a truth file, the way
//! `score_redaction.py` scores audio but on time intervals: a sensitive span counts as muted
//! when 90% of it is (a decoy when half of it is), and over-muting is the muted share of the
//! truth's other speech. It runs in a second, without the model, so detection can be tuned on
//! what Whisper really wrote (`examples/capture.rs`), and it says which rule did what: for every
//! detector and rule, the non-sensitive speech it muted and the sensitive spans only it caught.
//! Reports name files, kinds, rules and times, never values.

use crate::audio::vad::Region;
use crate::detect::eval::Case;
use crate::plan::{plan, Layout};
use crate::policy::Policy;
use crate::types::{Finding, Span};
use crate::units::Ms;
use std::collections::BTreeMap;

/// What one rule cost and bought, summed over a corpus.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RuleCost {
    /// Findings it made.
    pub findings: usize,
    /// Milliseconds of non-sensitive speech (and decoys) its own spans muted.
    pub over_ms: u64,
    /// Sensitive spans recalled with it and not recalled without it.
    pub only_spans: usize,
    /// Which kinds those spans were, with counts.
    pub only_kinds: BTreeMap<String, usize>,
}

/// One finding that muted what it should not have.
#[derive(Clone, Debug)]
pub struct Overmute {
    pub call: String,
    pub detector: String,
    pub rule: String,
    pub kind: String,
    pub channel: Option<u16>,
    /// The finding's own times, before planning widened them.
    pub start: Ms,
    pub end: Ms,
    /// Non-sensitive speech and decoys its planned span muted.
    pub over_ms: u64,
}

#[derive(Clone, Debug, Default)]
pub struct Score {
    /// kind -> (spans, recalled)
    pub per_kind: BTreeMap<String, (usize, usize)>,
    pub over_speech_ms: u64,
    pub over_muted_ms: u64,
    /// "file KIND chN t0-t1 ms muted N%" for each miss (and each decoy muted).
    pub missed: Vec<String>,
    /// (detector, rule) -> cost.
    pub rules: BTreeMap<(String, String), RuleCost>,
    /// Every finding whose own span muted non-sensitive speech or a decoy, for tuning.
    pub overmuted: Vec<Overmute>,
    /// Each stretch of the truth's non-sensitive speech that was muted at all:
    /// (call, channel, start, end, muted ms), in the truth's order.
    pub muted_speech: Vec<(String, u16, Ms, Ms, u64)>,
    pub calls: usize,
}

impl Score {
    pub fn recall(&self, kind: &str) -> f64 {
        let (n, r) = self.per_kind.get(kind).copied().unwrap_or((0, 0));
        r as f64 / n.max(1) as f64
    }

    pub fn sensitive_recall(&self) -> f64 {
        let (n, r) = self
            .per_kind
            .iter()
            .filter(|(k, _)| *k != "DECOY")
            .fold((0, 0), |a, (_, v)| (a.0 + v.0, a.1 + v.1));
        r as f64 / n.max(1) as f64
    }

    pub fn over_mute(&self) -> f64 {
        self.over_muted_ms as f64 / self.over_speech_ms.max(1) as f64
    }

    /// The scorer's headline line.
    pub fn line(&self) -> String {
        format!(
            "{} calls: PAN {:.3}, sensitive {:.3}, over-muting {:.4}, decoys {:.3}",
            self.calls,
            self.recall("PAN"),
            self.sensitive_recall(),
            self.over_mute(),
            self.recall("DECOY")
        )
    }

    pub fn table(&self) -> String {
        let mut s = format!("{:12}{:>6}{:>8}\n", "kind", "spans", "recall");
        for (k, (n, r)) in &self.per_kind {
            s += &format!("{k:12}{n:6}{:8.3}\n", *r as f64 / (*n).max(1) as f64);
        }
        s + &self.line()
    }

    /// Every rule, most over-muting first: findings, non-sensitive seconds muted (and that
    /// share of the speech scored), and the sensitive spans only it caught.
    pub fn rule_table(&self) -> String {
        let mut rows: Vec<_> = self.rules.iter().collect();
        rows.sort_by(|a, b| b.1.over_ms.cmp(&a.1.over_ms).then(a.0.cmp(b.0)));
        let mut s = format!(
            "{:28}{:34}{:>9}{:>11}{:>9}  {}\n",
            "detector", "rule", "findings", "over s", "over %", "spans only it caught"
        );
        for ((d, r), c) in rows {
            let only: Vec<String> = c
                .only_kinds
                .iter()
                .map(|(k, n)| format!("{k} {n}"))
                .collect();
            s += &format!(
                "{d:28}{r:34}{:>9}{:>11.1}{:>9.2}  {} {}\n",
                c.findings,
                c.over_ms as f64 / 1000.0,
                100.0 * c.over_ms as f64 / self.over_speech_ms.max(1) as f64,
                c.only_spans,
                if only.is_empty() {
                    String::new()
                } else {
                    format!("({})", only.join(", "))
                }
            );
        }
        s
    }
}

/// A truth entry's time in milliseconds.
fn ms(v: &serde_json::Value) -> u64 {
    (v.as_f64().unwrap_or(0.0) * 1000.0).round() as u64
}

fn muted_ms(spans: &[Span], channel: u16, t0: u64, t1: u64) -> u64 {
    spans
        .iter()
        .filter(|s| s.channels.contains(&channel))
        .map(|s| s.end.0.min(t1).saturating_sub(s.start.0.max(t0)))
        .sum()
}

/// Plans `findings` on a millisecond timeline (at 1000 Hz a frame is a millisecond).
fn spans_of(findings: &[Finding], voiced: &[Vec<Region>], policy: &Policy) -> Vec<Span> {
    let layout = Layout {
        rate: 1000,
        frames: u64::MAX / 2,
        channels: voiced.len() as u16,
        voiced,
    };
    plan(findings, &layout, policy)
}

/// The (detector, rule) a finding is charged to. Rules that carry a trigger's name are
/// grouped by their family ("trigger:card_number" stays, "answer:email" stays): the names
/// are the audit's.
fn rule_key(f: &Finding) -> (String, String) {
    (f.detector.to_string(), f.rule.clone())
}

/// Scores every case that has a truth entry. Cases without one are skipped; a truth entry
/// without a case counts as nothing muted only when `require_all` is set.
pub fn score(
    cases: &[Case],
    truth: &serde_json::Value,
    policy: &Policy,
    require_all: bool,
) -> Score {
    let mut out = Score::default();
    let names: Vec<&str> = cases.iter().map(|c| c.name.as_str()).collect();
    if require_all {
        for name in truth.as_object().into_iter().flat_map(|o| o.keys()) {
            assert!(
                names.contains(&name.as_str()),
                "{name} has no captured case"
            );
        }
    }
    for case in cases {
        let rec = &truth[&case.name];
        if !rec.is_object() {
            continue;
        }
        out.calls += 1;
        let findings = case.detect(&policy.detect, policy);
        let mut voiced: Vec<Vec<Region>> = vec![Vec::new(); case.channels.len()];
        for &(c, s, e) in &case.voiced {
            if let Some(v) = voiced.get_mut(c as usize) {
                v.push(Region {
                    start: Ms(s),
                    end: Ms(e),
                });
            }
        }
        let spans = spans_of(&findings, &voiced, policy);
        let sensitive: Vec<(String, u16, u64, u64)> = rec["spans"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|s| {
                let kind = s["kind"].as_str().unwrap_or("?").to_string();
                (
                    kind,
                    s["channel"].as_u64().unwrap_or(0) as u16,
                    ms(&s["start"]),
                    ms(&s["end"]),
                )
            })
            .collect();
        let other: Vec<(u16, u64, u64)> = rec["speech"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|s| {
                (
                    s["channel"].as_u64().unwrap_or(0) as u16,
                    ms(&s["start"]),
                    ms(&s["end"]),
                )
            })
            .collect();
        let recalled = |spans: &[Span], (kind, ch, t0, t1): &(String, u16, u64, u64)| {
            let frac = muted_ms(spans, *ch, *t0, *t1) as f64 / (t1 - t0).max(1) as f64;
            (frac >= if kind == "DECOY" { 0.5 } else { 0.9 }, frac)
        };
        let hits: Vec<bool> = sensitive.iter().map(|s| recalled(&spans, s).0).collect();
        for (s, &hit) in sensitive.iter().zip(&hits) {
            let e = out.per_kind.entry(s.0.clone()).or_default();
            e.0 += 1;
            e.1 += hit as usize;
            if hit == (s.0 == "DECOY") {
                out.missed.push(format!(
                    "{} {} ch{} {}-{} ms muted {:.0}%",
                    case.name,
                    s.0,
                    s.1,
                    s.2,
                    s.3,
                    100.0 * recalled(&spans, s).1
                ));
            }
        }
        for &(ch, t0, t1) in &other {
            let m = muted_ms(&spans, ch, t0, t1);
            out.over_speech_ms += t1 - t0;
            out.over_muted_ms += m;
            if m > 0 {
                out.muted_speech
                    .push((case.name.clone(), ch, Ms(t0), Ms(t1), m));
            }
        }
        for f in &findings {
            let own = spans_of(std::slice::from_ref(f), &voiced, policy);
            let over: u64 = other
                .iter()
                .map(|&(ch, t0, t1)| muted_ms(&own, ch, t0, t1))
                .chain(
                    sensitive
                        .iter()
                        .filter(|s| s.0 == "DECOY")
                        .map(|s| muted_ms(&own, s.1, s.2, s.3)),
                )
                .sum();
            if over > 0 {
                out.overmuted.push(Overmute {
                    call: case.name.clone(),
                    detector: f.detector.to_string(),
                    rule: f.rule.clone(),
                    kind: format!("{:?}", f.kind),
                    channel: f.channel,
                    start: f.start,
                    end: f.end,
                    over_ms: over,
                });
            }
        }
        // Each rule's own cost, and the spans that need it.
        let mut keys: Vec<(String, String)> = findings.iter().map(rule_key).collect();
        keys.sort();
        keys.dedup();
        for key in keys {
            let own: Vec<Finding> = findings
                .iter()
                .filter(|f| rule_key(f) == key)
                .cloned()
                .collect();
            let rest: Vec<Finding> = findings
                .iter()
                .filter(|f| rule_key(f) != key)
                .cloned()
                .collect();
            let own_spans = spans_of(&own, &voiced, policy);
            let rest_spans = spans_of(&rest, &voiced, policy);
            let c = out.rules.entry(key).or_default();
            c.findings += own.len();
            for &(ch, t0, t1) in &other {
                c.over_ms += muted_ms(&own_spans, ch, t0, t1);
            }
            for (s, &hit) in sensitive.iter().zip(&hits) {
                if s.0 == "DECOY" {
                    c.over_ms += muted_ms(&own_spans, s.1, s.2, s.3);
                } else if hit && !recalled(&rest_spans, s).0 {
                    c.only_spans += 1;
                    *c.only_kinds.entry(s.0.clone()).or_default() += 1;
                }
            }
        }
    }
    out
}
