//! Detection and planning over what Whisper really wrote for `samples/`, scored against
//! `samples/truth.json` the way `tools/score_redaction.py` scores the audio, on time
//! intervals: a span counts as muted when 90% of it is (a decoy when half of it is), and
//! over-muting is the muted share of the truth's other speech.
//!
//! The transcripts in `tests/replay/` were captured from the real pipeline (`cargo run
//! --release --example capture -- models/ggml-tiny.en.bin samples/...`), so this runs the
//! detectors on real recognition errors in a second, without the model. The end-to-end test
//! (`tests/e2e_samples.rs`) checks the same targets on the real audio. Re-capture when the
//! transcription stage changes. Messages name files, kinds and times, never values.

use callredact::audio::vad::Region;
use callredact::detect::eval;
use callredact::plan::{plan, Layout};
use callredact::policy::Policy;
use callredact::types::Span;
use callredact::units::Ms;
use std::collections::BTreeMap;
use std::path::Path;

struct Score {
    /// kind -> (spans, recalled)
    per_kind: BTreeMap<String, (usize, usize)>,
    over_speech_ms: u64,
    over_muted_ms: u64,
    missed: Vec<String>,
}

impl Score {
    fn recall(&self, kind: &str) -> f64 {
        let (n, r) = self.per_kind.get(kind).copied().unwrap_or((0, 0));
        r as f64 / n.max(1) as f64
    }

    fn sensitive_recall(&self) -> f64 {
        let (n, r) = self
            .per_kind
            .iter()
            .filter(|(k, _)| *k != "DECOY")
            .fold((0, 0), |a, (_, v)| (a.0 + v.0, a.1 + v.1));
        r as f64 / n.max(1) as f64
    }

    fn over_mute(&self) -> f64 {
        self.over_muted_ms as f64 / self.over_speech_ms.max(1) as f64
    }

    fn table(&self) -> String {
        let mut s = format!("{:12}{:>6}{:>8}\n", "kind", "spans", "recall");
        for (k, (n, r)) in &self.per_kind {
            s += &format!("{k:12}{n:6}{:8.2}\n", *r as f64 / *n as f64);
        }
        s + &format!(
            "sensitive_recall {:.3} over_mute {:.3} decoy_muted {:.3}",
            self.sensitive_recall(),
            self.over_mute(),
            self.recall("DECOY")
        )
    }
}

fn muted_ms(spans: &[Span], channel: u16, t0: u64, t1: u64) -> u64 {
    spans
        .iter()
        .filter(|s| s.channels.contains(&channel))
        .map(|s| s.end.0.min(t1).saturating_sub(s.start.0.max(t0)))
        .sum()
}

fn score(capture: &str) -> Score {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let truth: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("samples/truth.json")).expect("truth.json"),
    )
    .expect("truth.json parses");
    let policy = Policy::builtin();
    let mut out = Score {
        per_kind: BTreeMap::new(),
        over_speech_ms: 0,
        over_muted_ms: 0,
        missed: Vec::new(),
    };
    let cases = eval::load(&root.join(capture)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        cases.len(),
        truth.as_object().map(|o| o.len()).unwrap_or(0),
        "one captured case per sample"
    );
    for case in cases {
        let rec = &truth[&case.name];
        assert!(rec.is_object(), "{} is not in truth.json", case.name);
        let findings = case.detect(&policy.detect, &policy);
        let mut voiced: Vec<Vec<Region>> = vec![Vec::new(); case.channels.len()];
        for &(c, s, e) in &case.voiced {
            voiced[c as usize].push(Region {
                start: Ms(s),
                end: Ms(e),
            });
        }
        // At 1000 Hz a frame is a millisecond.
        let layout = Layout {
            rate: 1000,
            frames: u64::MAX / 2,
            channels: case.channels.len() as u16,
            voiced: &voiced,
        };
        let spans = plan(&findings, &layout, &policy);
        let ms = |v: &serde_json::Value| (v.as_f64().unwrap_or(0.0) * 1000.0).round() as u64;
        for s in rec["spans"].as_array().into_iter().flatten() {
            let kind = s["kind"].as_str().unwrap_or("?").to_string();
            let ch = s["channel"].as_u64().unwrap_or(0) as u16;
            let (t0, t1) = (ms(&s["start"]), ms(&s["end"]));
            let frac = muted_ms(&spans, ch, t0, t1) as f64 / (t1 - t0).max(1) as f64;
            let decoy = kind == "DECOY";
            let hit = frac >= if decoy { 0.5 } else { 0.9 };
            let e = out.per_kind.entry(kind.clone()).or_default();
            e.0 += 1;
            e.1 += hit as usize;
            if hit == decoy {
                out.missed.push(format!(
                    "{} {kind} ch{ch} {t0}-{t1} ms muted {:.0}%",
                    case.name,
                    frac * 100.0
                ));
            }
        }
        for s in rec["speech"].as_array().into_iter().flatten() {
            let ch = s["channel"].as_u64().unwrap_or(0) as u16;
            let (t0, t1) = (ms(&s["start"]), ms(&s["end"]));
            out.over_speech_ms += t1 - t0;
            out.over_muted_ms += muted_ms(&spans, ch, t0, t1);
        }
    }
    out
}

/// The default model's transcripts: every card number muted, and the other targets held at
/// floors set a little under what was measured (sensitive recall 0.976, over-muting 0.030,
/// decoys 0.0), so a regression fails: two more missed spans fail the recall floor.
#[test]
fn tiny_en_transcripts_of_the_samples() {
    let s = score("tests/replay/samples.tiny-en.jsonl");
    eprintln!("{}\n{}", s.table(), s.missed.join("\n"));
    assert_eq!(
        s.recall("PAN"),
        1.0,
        "card numbers not muted:\n{}",
        s.missed
            .iter()
            .filter(|m| m.contains(" PAN "))
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(
        s.sensitive_recall() >= 0.95,
        "sensitive recall {:.3}",
        s.sensitive_recall()
    );
    assert!(s.over_mute() <= 0.04, "over-muting {:.3}", s.over_mute());
    assert!(
        s.recall("DECOY") <= 0.10,
        "decoys muted {:.3}",
        s.recall("DECOY")
    );
}

/// Whisper base writes different errors into the same calls: a second, independent check that
/// the rules are not fitted to one model's mistakes.
#[test]
fn base_transcripts_of_the_samples() {
    let s = score("tests/replay/samples.base.jsonl");
    eprintln!("{}\n{}", s.table(), s.missed.join("\n"));
    assert_eq!(
        s.recall("PAN"),
        1.0,
        "card numbers not muted:\n{}",
        s.missed
            .iter()
            .filter(|m| m.contains(" PAN "))
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    // Measured: sensitive recall 0.976, over-muting 0.052, decoys 0.143.
    assert!(
        s.sensitive_recall() >= 0.95,
        "sensitive recall {:.3}",
        s.sensitive_recall()
    );
    assert!(s.over_mute() <= 0.065, "over-muting {:.3}", s.over_mute());
}
