//! The ways found to put an audible card number in the output folder, or under a redacted
//! call's name, each tried against the real binary and model (issue: "No unredacted byte
//! reaches the output folder"). One test per attack, named after it.

mod common;
use callredact::audio::wav::build::{fmt, riff};
use common::*;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The (fmt body, data body) of a shipped WAV sample, through our own parser.
fn sample_chunks(name: &str) -> (Vec<u8>, Vec<u8>) {
    let bytes = fs::read(root().join("samples").join(name)).unwrap();
    let mut cur = std::io::Cursor::new(&bytes);
    let h = callredact::audio::wav::parse(&mut cur, bytes.len() as u64).unwrap();
    let f = &h.format;
    let mut fmt_body = fmt(f.tag, f.channels, f.sample_rate, f.bits);
    fmt_body.truncate(16);
    let a = h.data_offset as usize;
    (fmt_body, bytes[a..a + h.data_len as usize].to_vec())
}

/// Scores one crafted recording against the shipped truth for the sample it was made from.
fn score_one(name: &str, input_dir: &Path, out: &Path) -> serde_json::Value {
    let all: serde_json::Value =
        serde_json::from_slice(&fs::read(root().join("samples/truth.json")).unwrap()).unwrap();
    let truth = out.with_extension("truth.json");
    fs::write(&truth, serde_json::json!({ name: all[name] }).to_string()).unwrap();
    score(&truth, input_dir, out)
}

fn rows(out: &Path, columns: &str) -> Vec<String> {
    let o = python()
        .arg("-c")
        .arg(format!(
            "import sys, pyarrow.dataset as ds\n\
             t = ds.dataset(sys.argv[1] + '/audit/files', format='parquet').to_table()\n\
             for r in zip(*[t.column(c).to_pylist() for c in '{columns}'.split(',')]): \
             print('\\t'.join(str(x) for x in r))"
        ))
        .arg(out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut v: Vec<String> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(String::from)
        .collect();
    v.sort();
    v
}

#[test]
fn a_cbsize_that_overruns_the_fmt_chunk_cannot_hide_the_call_behind_a_decoy() {
    // symphonia 0.5.5 trusts cbSize and skips 8 bytes past this 18-byte fmt chunk, landing
    // on a silent decoy data chunk inside `junk`; players play the real one, with the card.
    let name = "volunteered_amex_alaw.wav";
    let (mut fmt18, call) = sample_chunks(name);
    fmt18.extend_from_slice(&8u16.to_le_bytes());
    let mut junk = b"data".to_vec();
    junk.extend_from_slice(&8000u32.to_le_bytes());
    junk.extend_from_slice(&[0xD5; 8000]); // one second of A-law silence
    let crafted = riff(&[(b"fmt ", fmt18), (b"junk", junk), (b"data", call)]);
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    fs::create_dir_all(&input).unwrap();
    fs::write(input.join(name), &crafted).unwrap();
    let out = tmp.path().join("out");
    let o = run(&[&input], &out, &[]);
    assert_eq!(o.status.code(), Some(0));
    let redacted = fs::read(out.join("redacted/in").join(name)).unwrap();
    assert_ne!(
        redacted, crafted,
        "the output must not be the input untouched"
    );
    let r = score_one(name, &input, &out);
    assert_eq!(r["per_kind"]["PAN"]["recall"], 1.0, "{}", r["missed"]);
    assert_eq!(r["altered_share"], 0.0);
}

#[test]
fn an_odd_sized_list_chunk_cannot_shift_the_mutes_off_the_card() {
    // A reader that skips two pad bytes after an odd-sized chunk where RIFF says one would
    // read every sample one byte late; the mutes would land on audio nobody transcribed.
    let name = "card_split_across_turns.wav";
    let (fmt16, call) = sample_chunks(name);
    let crafted = riff(&[
        (b"fmt ", fmt16),
        (b"LIST", b"INFOISFT\x05\0\0\0abcd\0".to_vec()), // 17 bytes: odd
        (b"data", call),
    ]);
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    fs::create_dir_all(&input).unwrap();
    fs::write(input.join(name), &crafted).unwrap();
    let out = tmp.path().join("out");
    let o = run(&[&input], &out, &[]);
    assert_eq!(o.status.code(), Some(0));
    let r = score_one(name, &input, &out);
    assert_eq!(r["per_kind"]["PAN"]["recall"], 1.0, "{}", r["missed"]);
    assert_eq!(r["altered_share"], 0.0);
}

#[test]
fn two_roots_holding_the_same_name_keep_two_outputs_and_two_rows() {
    let tmp = tempfile::tempdir().unwrap();
    let (day1, day2) = (tmp.path().join("day1"), tmp.path().join("day2"));
    fs::create_dir_all(&day1).unwrap();
    fs::create_dir_all(&day2).unwrap();
    fs::copy(
        root().join("samples/volunteered_amex_alaw.wav"),
        day1.join("call.wav"),
    )
    .unwrap();
    fs::copy(
        root().join("samples/motor_claim_mulaw.wav"),
        day2.join("call.wav"),
    )
    .unwrap();
    let out = tmp.path().join("out");
    let o = run(&[&day1, &day2], &out, &[]);
    assert_eq!(o.status.code(), Some(0));
    let a = fs::read(out.join("redacted/day1/call.wav")).unwrap();
    let b = fs::read(out.join("redacted/day2/call.wav")).unwrap();
    assert_ne!(a, b);
    let rows = rows(&out, "input_path,output_path,status");
    assert_eq!(
        rows,
        [
            "day1/call.wav\tredacted/day1/call.wav\tredacted",
            "day2/call.wav\tredacted/day2/call.wav\tredacted"
        ]
    );
}

#[test]
fn names_that_clash_across_extensions_and_case_fail_by_name_and_write_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    fs::create_dir_all(&input).unwrap();
    let s = root().join("samples");
    fs::copy(s.join("volunteered_amex_alaw.wav"), input.join("a.wav")).unwrap();
    fs::copy(s.join("subscription_renewal.mp3"), input.join("a.mp3")).unwrap();
    fs::copy(s.join("motor_claim_mulaw.wav"), input.join("B.wav")).unwrap();
    fs::copy(s.join("motor_claim_mulaw.wav"), input.join("b.wav")).unwrap();
    fs::write(input.join("c.wav"), b"RIFF....WAVEjunk").unwrap();
    let out = tmp.path().join("out");
    let o = run(&[&input], &out, &[]);
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    for n in ["in/a.wav", "in/a.mp3", "in/B.wav", "in/b.wav"] {
        assert!(stderr.contains(n), "the error must name {n}");
    }
    let produced: Vec<PathBuf> = fs::read_dir(out.join("redacted/in"))
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    assert!(
        produced.is_empty(),
        "no clashing file may be written: {produced:?}"
    );
    let rows = rows(&out, "input_path,status,stage");
    assert_eq!(rows.len(), 5);
    for r in &rows[..4] {
        assert!(r.ends_with("failed\tinput"), "{r}");
    }
}

#[test]
fn a_self_linked_folder_is_walked_once_under_follow_symlinks() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    fs::create_dir_all(input.join("q")).unwrap();
    fs::copy(
        root().join("samples/volunteered_amex_alaw.wav"),
        input.join("q/call.wav"),
    )
    .unwrap();
    std::os::unix::fs::symlink(&input, input.join("q/again")).unwrap();
    std::os::unix::fs::symlink(&input, input.join("q/and_again")).unwrap();
    let out = tmp.path().join("out");
    let o = run(&[&input], &out, &["--follow-symlinks"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("1 redacted"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}

#[test]
fn sigterm_during_discovery_stops_the_run_promptly() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    // A tree big enough that walking it takes a while: 40,000 files in 200 folders.
    for d in 0..200 {
        let dir = input.join(format!("d{d:03}"));
        fs::create_dir_all(&dir).unwrap();
        for f in 0..200 {
            fs::write(dir.join(format!("n{f:03}.txt")), b"x").unwrap();
        }
    }
    let out = tmp.path().join("out");
    let mut child = bin()
        .args(["run", "--no-progress", "--model"])
        .arg(model())
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Once the run holds its lock it is past set-up and walking the tree.
    let lock = out.join(".callredact/lock-0-of-1");
    let deadline = Instant::now() + Duration::from_secs(60);
    while !lock.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
    let sent = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if sent.elapsed() > Duration::from_secs(30) {
            child.kill().ok();
            panic!("still running 30 s after SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    eprintln!("exited {:?} after SIGTERM", sent.elapsed());
    assert_eq!(status.code(), Some(1), "a stopped run exits 1");
    let mut stdout = String::new();
    use std::io::Read;
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    assert!(stdout.contains("interrupted"), "{stdout}");
}
