//! whisper.cpp 1.7 aborts the process (SIGABRT) when DTW token timing meets a segment of
//! 150 ms or less (`median_filter`'s assertion), so one recording killed the batch before its
//! audit was written, and every re-run died on it again. `tests/fixtures/dtw_short_segment.mp3`
//! (a generated corpus call: 62 s, 8 kHz stereo MP3, fake values) is one such recording;
//! `vendor/whisper-rs-sys.patch` skips DTW for those segments. Here the real model runs on
//! it, and the batch must finish with the call redacted.

mod common;
use common::{root, run};
use std::fs;

#[test]
fn a_segment_too_short_for_dtw_does_not_abort_the_batch() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    fs::create_dir_all(&input).unwrap();
    fs::copy(
        root().join("tests/fixtures/dtw_short_segment.mp3"),
        input.join("call.mp3"),
    )
    .unwrap();
    let out = tmp.path().join("out");
    let o = run(&[&input], &out, &["--threads", "2"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "whisper aborted or the call failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("1 redacted"), "{stdout}");
    assert!(out.join("redacted/in/call.wav").is_file());
}
