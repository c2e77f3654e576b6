//! `run --verify`, the second listen before publishing, with the real binary and model: it
//! records a verification for every file, passes correctly redacted calls, and fails closed a
//! call whose card number was left audible on purpose (a policy with card detection off).

mod common;
use common::*;
use std::fs;
use std::path::Path;

const CALLS: [&str; 2] = ["volunteered_amex_alaw.wav", "energy_bill_payment.wav"];

fn rows(out: &Path) -> Vec<serde_json::Value> {
    let o = python()
        .arg("-c")
        .arg(
            "import sys, json, pyarrow.dataset as ds\n\
             t = ds.dataset(sys.argv[1] + '/audit/files', format='parquet').to_table()\n\
             print(json.dumps(t.select(['input_path','status','stage','error','verified',\
             'verify_findings','verify_ms']).to_pylist()))",
        )
        .arg(out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn verification_passes_redacted_calls_and_fails_an_audible_card_closed() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    copy_samples(&input, &CALLS);

    let out = tmp.path().join("out");
    let o = run(&[&input], &out, &["--verify"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    for r in rows(&out) {
        assert_eq!(r["status"], "redacted", "{r}");
        assert_eq!(r["verified"], "passed", "{r}");
    }

    // Card and long-number detection off: the card number stays audible (with only card
    // detection off, the NUMBER rules still mute these two), and the second listen must hear it.
    let weak = tmp.path().join("weak.toml");
    fs::write(
        &weak,
        "[kinds.CARD_NUMBER]\nenabled = false\n\n[kinds.NUMBER]\nenabled = false\n",
    )
    .unwrap();
    let out2 = tmp.path().join("out2");
    let o = run(
        &[&input],
        &out2,
        &["--verify", "--policy", weak.to_str().unwrap()],
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "an audible card number must fail the run"
    );
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    for r in rows(&out2) {
        assert_eq!(r["status"], "failed", "{r}");
        assert_eq!(r["stage"], "verify");
        assert_eq!(r["verified"], "failed");
        let err = r["error"].as_str().unwrap();
        assert!(err.contains("still audible on channel"), "{err}");
    }
    // Not published: no audio, no transcript.
    assert!(
        !out2.join("redacted/in").exists()
            || fs::read_dir(out2.join("redacted/in")).unwrap().count() == 0
    );
    // The error names times, never the digits.
    for v in sensitive_values(&root().join("samples/truth.json")) {
        let digits: String = v.chars().filter(|c| c.is_ascii_digit()).collect();
        if digits.len() >= 6 {
            let d: String = stderr.chars().filter(|c| c.is_ascii_digit()).collect();
            assert!(!d.contains(&digits), "a card number reached the log");
        }
    }
}
