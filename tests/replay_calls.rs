//! Detection and planning on what the shipped pipeline transcribed of the generated corpus
//! (`corpus/README.md`): `tests/calls/SPLIT.tiny-en.jsonl`, captured by
//! `scripts/corpus/capture.sh`, scored against the corpus truth (`tests/calls/SPLIT.truth.json`,
//! times and kinds only) in milliseconds, without the model. The floors sit a little under what
//! was measured, so a change to a rule that costs recall or mutes more fails here. Detection was
//! tuned on `dev` only; `test` is the held-back check. Re-capture when transcription changes.
//! Messages name files, kinds and times, never values.
//!
//! These are regression floors, not the targets: issue 14's targets (card numbers 1.0, every
//! kind 0.95, over-muting 0.05, decoys 0.10) are not met on this corpus yet. Measured on
//! 2026-12-04 (tiny.en captured with whisper.cpp's llamafile kernels on), after that day's
//! second session: dev PAN 0.980, sensitive 0.824, over-muting 0.0795, decoys 0.049; test PAN
//! 0.952, sensitive 0.755, over-muting 0.1280, decoys 0.088; dev_readback PAN 0.957,
//! sensitive 0.842, over-muting 0.1143, decoys 0.035; test_readback PAN 0.933, sensitive
//! 0.737, over-muting 0.1608, decoys 0.138; base on test (captured before the kernels
//! changed) PAN 0.929, sensitive 0.786, over-muting 0.1293, decoys 0.095. The over-muting
//! floors of test, base and test_readback were raised that day (0.126 -> 0.129, 0.126 ->
//! 0.130, 0.154 -> 0.161) with recall gained for each step (README, "On the generated
//! corpus").

use callredact::detect::eval;
use callredact::policy::Policy;
use callredact::score::Score;
use std::path::Path;

fn score(split: &str, model: &str) -> Score {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/calls");
    let truth: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join(format!("{split}.truth.json"))).expect("truth"),
    )
    .expect("truth parses");
    let cases =
        eval::load(&root.join(format!("{split}.{model}.jsonl"))).unwrap_or_else(|e| panic!("{e}"));
    let s = callredact::score::score(&cases, &truth, &Policy::builtin(), false);
    assert_eq!(
        s.calls,
        cases.len(),
        "every captured call has a truth entry"
    );
    eprintln!(
        "{split} ({model})\n{}\n{}\n{}",
        s.table(),
        s.rule_table(),
        s.missed.join("\n")
    );
    s
}

struct Floors {
    calls: usize,
    pan: f64,
    sensitive: f64,
    over: f64,
    decoys: f64,
}

fn check(split: &str, f: Floors) {
    check_model(split, "tiny-en", f)
}

fn check_model(split: &str, model: &str, f: Floors) {
    let s = score(split, model);
    assert!(s.calls >= f.calls, "{split}: {} calls captured", s.calls);
    let pan_missed: Vec<&String> = s.missed.iter().filter(|m| m.contains(" PAN ")).collect();
    assert!(
        s.recall("PAN") >= f.pan,
        "{split}: card numbers not muted:\n{pan_missed:?}"
    );
    assert!(
        s.sensitive_recall() >= f.sensitive,
        "{split}: sensitive recall {:.3}",
        s.sensitive_recall()
    );
    assert!(
        s.over_mute() <= f.over,
        "{split}: over-muting {:.4}",
        s.over_mute()
    );
    assert!(
        s.recall("DECOY") <= f.decoys,
        "{split}: decoys muted {:.3}",
        s.recall("DECOY")
    );
}

#[test]
fn dev_calls() {
    check(
        "dev",
        Floors {
            calls: 110,
            pan: 0.97,
            sensitive: 0.82,
            over: 0.080,
            decoys: 0.05,
        },
    );
}

#[test]
fn test_calls() {
    check(
        "test",
        Floors {
            calls: 90,
            pan: 0.95,
            sensitive: 0.75,
            over: 0.129,
            decoys: 0.10,
        },
    );
}

/// What Whisper base made of the test part (`tests/calls/test.base.jsonl`): base is not the
/// default (README, "Which model"), but a rule that only holds on tiny.en's words is fitted to
/// one model's mistakes, and base's transcripts caught such a rule on the samples once.
#[test]
fn test_calls_base() {
    check_model(
        "test",
        "base",
        Floors {
            calls: 90,
            pan: 0.92,
            sensitive: 0.78,
            over: 0.130,
            decoys: 0.10,
        },
    );
}

/// Card payments in which the agent always reads the card back (`corpus/README.md`, "Read-back
/// parts"): dev and test hold two card read-backs each, too few to hold a read-back rule to.
/// Tuned on, with dev. The checked read-back rule (`confirm::checked_read_backs`) took PAN
/// 0.935 -> 0.957 here for over-muting 0.1317 -> 0.1335 (the garbled read-back it mutes runs
/// past the card's own audio), before the over-muting work of the same day took it to 0.1224.
#[test]
fn dev_readback_calls() {
    check(
        "dev_readback",
        Floors {
            calls: 24,
            pan: 0.95,
            sensitive: 0.84,
            over: 0.115,
            decoys: 0.04,
        },
    );
}

/// The held-back read-back part (test's phrase bank and recorded speaker): never tuned on.
#[test]
fn test_readback_calls() {
    check(
        "test_readback",
        Floors {
            calls: 24,
            pan: 0.93,
            sensitive: 0.73,
            over: 0.161,
            decoys: 0.14,
        },
    );
}
