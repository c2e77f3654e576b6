//! SIGKILL at random moments while a redacted WAV is written: afterwards, no file anywhere
//! under `--out`, dotfiles and the staging folder included, holds the card window's original
//! bytes. The writer mutes as it copies, so there is no moment at which they are on disk.
//!
//! The writer runs in a child process (this test binary, re-run with an environment variable
//! set), so that the kill is a real SIGKILL of the process doing the write. A control run with
//! a copy-then-patch writer, the design this replaced, shows the scan finds such a leak.

use callredact::audio::encode;
use callredact::audio::limits::Limits;
use callredact::audio::recording::Recording;
use callredact::audio::redact::Fill;
use callredact::audio::wav::build::{fmt, riff};
use callredact::batch::fsio::Staging;
use callredact::policy::Policy;
use callredact::types::Span;
use callredact::units::Frame;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const RATE: u32 = 8000;
/// 40 minutes of mono PCM16: about 38 MB, long enough for a write to be caught mid-way.
const FRAMES: u64 = 40 * 60 * RATE as u64;
/// The "card window", in frames.
const SPAN: (u64, u64) = (10 * 60 * RATE as u64, 30 * 60 * RATE as u64);

fn make_input(path: &Path) -> Vec<u8> {
    // Noise from a fixed LCG: every window of it is unique, so finding its bytes means
    // finding that window.
    let mut x: u32 = 12345;
    let mut data = Vec::with_capacity(FRAMES as usize * 2);
    for _ in 0..FRAMES {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        data.extend_from_slice(&((x >> 16) as i16 / 4).to_le_bytes());
    }
    let f = riff(&[(b"fmt ", fmt(1, 1, RATE, 16)), (b"data", data)]);
    std::fs::write(path, &f).unwrap();
    f
}

/// Bytes from the middle of the card window, as the input holds them.
fn needles(input: &[u8]) -> Vec<Vec<u8>> {
    let data_offset = 44;
    [0.1, 0.5, 0.9]
        .iter()
        .map(|q| {
            let frame = SPAN.0 + ((SPAN.1 - SPAN.0) as f64 * q) as u64;
            let at = data_offset + frame as usize * 2;
            input[at..at + 64].to_vec()
        })
        .collect()
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut v = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                v.extend(files_under(&p));
            } else {
                v.push(p);
            }
        }
    }
    v
}

/// Every file under `out` that holds any of the needles.
fn leaks(out: &Path, needles: &[Vec<u8>]) -> Vec<PathBuf> {
    files_under(out)
        .into_iter()
        .filter(|p| {
            let bytes = std::fs::read(p).unwrap_or_default();
            needles
                .iter()
                .any(|n| bytes.windows(n.len()).any(|w| w == n.as_slice()))
        })
        .collect()
}

/// The child's side: write the redacted copy the way the pipeline does (or, for the control,
/// the old way), then exit.
#[test]
fn child_writer() {
    let Ok(mode) = std::env::var("CALLREDACT_TEST_CHILD") else {
        return; // run as a normal test: nothing to do
    };
    let input = PathBuf::from(std::env::var("CALLREDACT_TEST_INPUT").unwrap());
    let out = PathBuf::from(std::env::var("CALLREDACT_TEST_OUT").unwrap());
    let staging = Staging::open(out.join(".callredact/tmp/0-of-1")).unwrap();
    let dest = out.join("redacted/in/call.wav");
    let span = Span {
        start: Frame(SPAN.0),
        end: Frame(SPAN.1),
        channels: vec![0],
        kinds: vec![],
    };
    let mut file = staging.create(&dest).unwrap();
    if mode == "naive" {
        // Copy first, patch after: for a moment the whole card window is on disk unmuted.
        let mut src = std::fs::File::open(&input).unwrap();
        std::io::copy(&mut src, file.file()).unwrap();
        file.file().sync_all().unwrap();
        std::thread::sleep(Duration::from_secs(3));
        return;
    }
    let rec = Recording::open(&input, &Limits::default(), None).unwrap();
    let output = encode::choose(&rec, encode::LossyAs::Wav);
    let fill = Fill::from_policy(&Policy::builtin(), RATE);
    {
        let mut w = BufWriter::with_capacity(1 << 20, file.file());
        encode::write(&rec, &output, &[span], &fill, &mut w).unwrap();
        w.flush().unwrap();
    }
    file.commit().unwrap();
}

fn spawn_child(mode: &str, input: &Path, out: &Path) -> std::process::Child {
    Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_writer", "--nocapture", "--test-threads=1"])
        .env("CALLREDACT_TEST_CHILD", mode)
        .env("CALLREDACT_TEST_INPUT", input)
        .env("CALLREDACT_TEST_OUT", out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

#[test]
fn sigkill_at_any_moment_of_the_write_leaves_no_unmuted_card_bytes_under_out() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("call.wav");
    let needles = needles(&make_input(&input));
    // How long an unkilled write takes here, to spread the kills over it.
    let out = tmp.path().join("timing");
    let t = std::time::Instant::now();
    assert!(spawn_child("mute", &input, &out).wait().unwrap().success());
    let whole = t.elapsed();
    assert!(leaks(&out, &needles).is_empty(), "a completed write leaked");
    // A fixed seed: the same kill moments every run.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut killed_mid_write = 0;
    for i in 0..20 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let delay = whole.mul_f64((x % 1000) as f64 / 1000.0);
        let out = tmp.path().join(format!("out{i}"));
        let mut child = spawn_child("mute", &input, &out);
        std::thread::sleep(delay);
        child.kill().ok(); // SIGKILL
        let status = child.wait().unwrap();
        if !status.success() {
            killed_mid_write += 1;
        }
        let found = leaks(&out, &needles);
        assert!(
            found.is_empty(),
            "kill {i} after {delay:?} left card bytes in {found:?}"
        );
    }
    eprintln!("{killed_mid_write} of 20 kills landed before the write finished ({whole:?})");
    assert!(
        killed_mid_write >= 5,
        "too few kills landed mid-write to show anything"
    );
}

#[test]
fn the_scan_finds_the_card_bytes_a_copy_then_patch_writer_leaves() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("call.wav");
    let needles = needles(&make_input(&input));
    let out = tmp.path().join("out");
    let mut child = spawn_child("naive", &input, &out);
    // The copy is done well within this; the patch would come after the pause.
    let staging = out.join(".callredact/tmp/0-of-1");
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while std::time::Instant::now() < deadline
        && files_under(&staging)
            .iter()
            .all(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0) < 30_000_000)
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(200));
    child.kill().ok();
    child.wait().unwrap();
    assert!(
        !leaks(&out, &needles).is_empty(),
        "the scan must see an unmuted copy"
    );
}
