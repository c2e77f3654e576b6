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

use callredact::detect::eval;
use callredact::policy::Policy;
use callredact::score::Score;
use std::path::Path;

fn score(capture: &str) -> Score {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let truth: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("samples/truth.json")).expect("truth.json"),
    )
    .expect("truth.json parses");
    let cases = eval::load(&root.join(capture)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        cases.len(),
        truth.as_object().map_or(0, |o| o.len()),
        "one case per sample"
    );
    callredact::score::score(&cases, &truth, &Policy::builtin(), true)
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
