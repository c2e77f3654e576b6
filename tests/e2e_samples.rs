//! End to end on the shipped samples, with the real model: every card number muted, outputs the
//! same shape as the inputs, no sensitive value in any output, a corrupt file reported and the
//! rest of the batch still redacted.

mod common;
use common::*;
use std::fs;

#[test]
fn samples_are_redacted_and_a_corrupt_file_fails_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let out = tmp.path().join("out");
    // The shipped samples plus two broken files a real batch meets: a truncated WAV header and
    // a text file wearing an audio extension.
    let names: Vec<String> = fs::read_dir(root().join("samples"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".json") && !n.ends_with(".md"))
        .collect();
    copy_samples(
        &input,
        &names.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    let first_wav = names
        .iter()
        .find(|n| n.ends_with(".wav"))
        .expect("a wav sample");
    let bytes = fs::read(input.join(first_wav)).unwrap();
    fs::write(input.join("zz_truncated.wav"), &bytes[..60]).unwrap();
    fs::write(
        input.join("zz_not_audio.mp3"),
        b"this is not audio at all, just text",
    )
    .unwrap();

    let o = run(&[&input], &out, &[]);
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    let stdout = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(
        o.status.code(),
        Some(1),
        "a failed file must make the exit code 1"
    );
    assert!(stdout.contains("2 failed"), "{stdout}");
    for bad in ["zz_truncated.wav", "zz_not_audio.mp3"] {
        assert!(stderr.contains(bad), "the error must name {bad}");
        let stem = bad.split('.').next().unwrap();
        for ext in ["wav", "flac"] {
            assert!(
                !out.join("redacted").join(format!("{stem}.{ext}")).exists(),
                "{bad} must get no output"
            );
        }
    }

    let truth = root().join("samples/truth.json");
    let result = score(&truth, &root().join("samples"), &out);
    let files = &result["files"];
    assert_eq!(files["missing"].as_array().unwrap().len(), 0, "{files}");
    assert_eq!(files["unreadable"].as_array().unwrap().len(), 0, "{files}");
    assert_eq!(files["mismatch"].as_array().unwrap().len(), 0, "{files}");
    assert_eq!(
        result["leaks"].as_array().unwrap().len(),
        0,
        "leaks: {}",
        result["leaks"]
    );
    assert_eq!(
        result["altered_share"].as_f64().unwrap(),
        0.0,
        "lossless samples changed outside the spans"
    );
    // The detection issue's targets, held exactly: every card-number span at least 90% muted,
    // every sensitive kind together at least 95%, over-muting of other speech at most 5%,
    // decoys at most 10%. Measured when set: 1.0, 0.952, 0.028, 0.0 (now 1.0, 0.976, 0.032, 0.0).
    // Two more missed spans (39 of 42) fail the recall target.
    let pan = result["per_kind"]["PAN"]["recall"].as_f64().unwrap();
    let (sensitive, over, decoys) = (
        result["sensitive_recall"].as_f64().unwrap(),
        result["over_mute"].as_f64().unwrap(),
        result["decoy_muted"].as_f64().unwrap(),
    );
    eprintln!(
        "PAN recall {pan}, sensitive recall {sensitive}, over-mute {over}, decoys muted {decoys}"
    );
    assert_eq!(pan, 1.0, "card numbers not muted: {}", result["missed"]);
    assert!(
        sensitive >= 0.95,
        "sensitive recall fell to {sensitive}: {}",
        result["missed"]
    );
    assert!(over <= 0.05, "over-muting rose to {over}");
    assert!(decoys <= 0.10, "decoys muted: {decoys}");

    // No sensitive value in logs either.
    let values = sensitive_values(&truth);
    for v in values.iter().filter(|v| v.len() >= 6) {
        assert!(
            !stderr.contains(v.as_str()) && !stdout.contains(v.as_str()),
            "a sensitive value reached the log"
        );
    }

    // The audit opens in pyarrow with the documented columns.
    let check = python()
        .arg("-c")
        .arg(
            r#"
import sys, pyarrow.dataset as ds
out = sys.argv[1]
files = ds.dataset(out + "/audit/files", format="parquet").to_table()
reds = ds.dataset(out + "/audit/redactions", format="parquet").to_table()
trs = ds.dataset(out + "/audit/transcripts", format="parquet").to_table()
need_f = {"run_id","input_path","input_sha256","output_path","output_sha256","status","error","codec","sample_rate","channels","duration_ms","redacted_ms","findings","model","model_sha256","policy_sha256","tool_version","started_at","elapsed_ms"}
need_r = {"run_id","input_sha256","channel","kind","start_ms","end_ms","confidence","detector"}
assert need_f <= set(files.column_names), need_f - set(files.column_names)
assert need_r <= set(reds.column_names), need_r - set(reds.column_names)
st = files.column("status").to_pylist()
assert st.count("failed") == 2 and st.count("redacted") == len(st) - 2, st
assert "CARD_NUMBER" in reds.column("kind").to_pylist()
assert trs.num_rows > 0
print("audit ok", files.num_rows, reds.num_rows, trs.num_rows)
"#,
        )
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}
