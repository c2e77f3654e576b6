//! Mutation fuzzing of everything that reads an untrusted recording: open (our WAV parser,
//! FLAC's header check, symphonia), the voice-activity pass, and the WAV writer. Real files of
//! every supported format are mutated (bit flips, truncations, extreme values written over
//! header fields) thousands of times with a fixed seed; no panic may escape, and whatever
//! opens must be writable or refused with an error.
//!
//! `FUZZ_ITERATIONS` and `FUZZ_SEED` make it longer or different: `scripts/fuzz.sh` runs it
//! for minutes with a new seed each time. Each crash found becomes a named regression test in
//! `regressions` below.

use callredact::audio::encode;
use callredact::audio::limits::Limits;
use callredact::audio::recording::Recording;
use callredact::audio::redact::Fill;
use callredact::audio::vad;
use callredact::policy::Policy;
use callredact::types::Span;
use callredact::units::Frame;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Small real files of every format the tool reads, written by sox and ffmpeg.
fn seeds(dir: &Path) -> Vec<PathBuf> {
    let src = dir.join("src.wav");
    let st = Command::new("sox")
        .args(["-n", "-r", "8000", "-c", "2", "-b", "16"])
        .arg(&src)
        .args(["synth", "0.4", "sine", "300", "sine", "500", "vol", "0.5"])
        .status()
        .expect("sox (scripts/setup.sh installs it)");
    assert!(st.success());
    let mut out = vec![src.clone()];
    for (name, args) in [
        ("ulaw.wav", vec!["-e", "u-law"]),
        ("alaw.wav", vec!["-e", "a-law", "-c", "1"]),
        ("s24.wav", vec!["-b", "24"]),
        ("f32.wav", vec!["-e", "floating-point", "-b", "32"]),
        ("u8.wav", vec!["-e", "unsigned-integer", "-b", "8"]),
        ("ima.wav", vec!["-e", "ima-adpcm", "-c", "1"]),
        ("x.flac", vec![]),
        ("x.mp3", vec![]),
        ("x.ogg", vec![]),
    ] {
        let p = dir.join(name);
        let st = Command::new("sox")
            .arg(&src)
            .args(&args)
            .arg(&p)
            .status()
            .unwrap();
        assert!(st.success(), "{name}");
        out.push(p);
    }
    let m4a = dir.join("x.m4a");
    let st = Command::new("ffmpeg")
        .args(["-loglevel", "error", "-y", "-i"])
        .arg(&src)
        .args(["-c:a", "aac", "-b:a", "32k"])
        .arg(&m4a)
        .status()
        .expect("ffmpeg");
    assert!(st.success());
    out.push(m4a);
    out
}

/// xorshift64: fixed seed, same mutations every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mutate(bytes: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut b = bytes.to_vec();
    // Headers are where parsers go wrong: most mutations land in the first 256 bytes.
    let at = |rng: &mut Rng, len: usize| {
        if rng.below(4) == 0 {
            rng.below(len)
        } else {
            rng.below(len.min(256))
        }
    };
    match rng.below(5) {
        0 => {
            for _ in 0..1 + rng.below(8) {
                let i = at(rng, b.len());
                b[i] ^= 1 << rng.below(8);
            }
        }
        1 => b.truncate(rng.below(b.len())),
        2 => {
            let extremes = [
                0u32,
                1,
                0x7FFF_FFFF,
                0x8000_0000,
                0xFFFF_FFFF,
                0xFFFF,
                0x1_0000,
            ];
            let i = at(rng, b.len().saturating_sub(4)) & !1;
            let v = extremes[rng.below(extremes.len())].to_le_bytes();
            let n = (b.len() - i).min(4);
            b[i..i + n].copy_from_slice(&v[..n]);
        }
        3 => {
            // A chunk of the file copied over another part of it.
            let len = 1 + rng.below(64);
            let from = rng.below(b.len().saturating_sub(len));
            let to = at(rng, b.len().saturating_sub(len));
            let piece = b[from..from + len.min(b.len() - from)].to_vec();
            let end = (to + piece.len()).min(b.len());
            b[to..end].copy_from_slice(&piece[..end - to]);
        }
        _ => {
            let i = at(rng, b.len());
            let extra: Vec<u8> = (0..rng.below(32)).map(|_| rng.next() as u8).collect();
            b.splice(i..i, extra);
        }
    }
    b
}

/// Everything a batch does with an untrusted file, short of transcribing it.
fn exercise(path: &Path) -> Result<(), String> {
    let limits = Limits::default();
    let rec = Recording::open(path, &limits, None).map_err(|e| e.to_string())?;
    let (voiced, _) = vad::analyse(&rec).map_err(|e| e.to_string())?;
    assert_eq!(voiced.len(), rec.channel_count() as usize);
    let output = encode::choose(&rec, encode::LossyAs::Wav);
    let fill = Fill::from_policy(&Policy::builtin(), rec.spec.sample_rate);
    let spans = [Span {
        start: Frame(rec.frames() / 4),
        end: Frame(rec.frames() / 2),
        channels: (0..rec.channel_count()).collect(),
        kinds: vec![],
    }];
    let mut sink = Vec::new();
    encode::write(&rec, &output, &spans, &fill, &mut sink).map_err(|e| e.to_string())?;
    Ok(())
}

#[test]
fn mutated_headers_and_frames_never_panic() {
    let iterations: usize = std::env::var("FUZZ_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3000);
    let seed: u64 = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5EED_CA11);
    let tmp = tempfile::tempdir().unwrap();
    let seeds: Vec<(PathBuf, Vec<u8>)> = seeds(tmp.path())
        .into_iter()
        .map(|p| {
            let b = std::fs::read(&p).unwrap();
            (p, b)
        })
        .collect();
    // Panics inside symphonia are caught and turned into errors; the hook would still print
    // each one, thousands of times. Keep the output to the summary.
    std::panic::set_hook(Box::new(|_| {}));
    let mut rng = Rng(seed.max(1));
    let (mut opened, mut refused, mut caught, mut escaped) = (0, 0, 0, Vec::new());
    for i in 0..iterations {
        let (src, bytes) = &seeds[i % seeds.len()];
        let m = mutate(bytes, &mut rng);
        let p = tmp
            .path()
            .join(format!("m.{}", src.extension().unwrap().to_string_lossy()));
        std::fs::write(&p, &m).unwrap();
        match std::panic::catch_unwind(|| exercise(&p)) {
            Ok(Ok(())) => opened += 1,
            Ok(Err(e)) => {
                refused += 1;
                caught += e.contains("the decoder panicked") as usize;
            }
            Err(_) => {
                let keep = tmp.path().join(format!("crash-{i}"));
                std::fs::copy(&p, &keep).unwrap();
                escaped.push(format!("iteration {i} from {}", src.display()));
            }
        }
    }
    let _ = std::panic::take_hook();
    eprintln!(
        "fuzz: seed {seed}, {iterations} mutations: {opened} opened and written, {refused} refused \
         ({caught} of them decoder panics caught per file), {} panics escaped",
        escaped.len()
    );
    assert!(escaped.is_empty(), "panics escaped: {escaped:?}");
    assert!(
        opened > iterations / 20,
        "too few mutations opened to test the writer"
    );
    assert!(
        refused > iterations / 20,
        "too few mutations refused to test the checks"
    );
}

/// One test per crash the fuzzer found, named after its cause.
mod regressions {
    use super::*;
    use callredact::audio::wav::build::{fmt, riff};

    #[test]
    fn a_wav_whose_fmt_says_0_hz_is_refused_before_symphonia_divides_by_it() {
        // symphonia 0.5.5 panics in TimeBase::new on this header (issue 11).
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("z.wav");
        std::fs::write(
            &p,
            riff(&[(b"fmt ", fmt(1, 1, 0, 16)), (b"data", vec![0; 64])]),
        )
        .unwrap();
        let e = exercise(&p).unwrap_err();
        assert!(e.contains("0 Hz"), "{e}");
    }

    #[test]
    fn an_m4a_whose_sample_table_claims_4g_entries_is_refused_unread() {
        // symphonia 0.5.5 reserves entry_count x 12 bytes for `stsc` before reading it: this
        // asked for 64 GiB and aborted the process, the whole batch with it (found by the
        // seeded run above on a machine that does not overcommit memory).
        let d = tempfile::tempdir().unwrap();
        let m4a = seeds(d.path())
            .into_iter()
            .find(|p| p.extension().is_some_and(|e| e == "m4a"))
            .expect("an m4a seed");
        let mut bytes = std::fs::read(&m4a).unwrap();
        let at = bytes
            .windows(4)
            .position(|w| w == b"stsc")
            .expect("an stsc box");
        // After the type: version and flags (4 bytes), then the entry count.
        bytes[at + 8..at + 12].copy_from_slice(&u32::MAX.to_be_bytes());
        let p = d.path().join("z.m4a");
        std::fs::write(&p, bytes).unwrap();
        let e = exercise(&p).unwrap_err();
        assert!(e.contains("'stsc' claims 4294967295 entries"), "{e}");
    }

    #[test]
    fn an_adpcm_wav_with_zero_channels_and_frames_is_refused() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("z.wav");
        let mut f = fmt(0x11, 0, 8000, 4);
        f.extend_from_slice(&[2, 0, 0, 0]);
        std::fs::write(&p, riff(&[(b"fmt ", f), (b"data", vec![])])).unwrap();
        assert!(exercise(&p).is_err());
    }
}
