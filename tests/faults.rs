//! The fault matrix: one batch of every kind of file a real recordings folder throws at the
//! nightly job, generated here, beside good recordings, through the real binary and model.
//! Each bad file is named in the error and the audit and gets no output; each odd but valid
//! one is redacted with the same rate, channels and length; the batch goes on and exits 1.

mod common;
use callredact::audio::limits::Limits;
use callredact::audio::recording::Recording;
use callredact::audio::wav::build::{fmt, riff};
use common::*;
use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::Command;

fn sox(args: &[&OsStr]) {
    let st = Command::new("sox").args(args).status().expect("sox");
    assert!(st.success(), "sox {args:?}");
}

/// Two seconds of speech at 16 kHz mono, from espeak-ng.
fn speech(dir: &Path) -> PathBuf {
    let raw = dir.join("speech-raw.wav");
    let st = Command::new("espeak-ng")
        .args(["-v", "en-gb", "-s", "160", "-w"])
        .arg(&raw)
        .arg("Hello, this is a short test call about my order.")
        .status()
        .expect("espeak-ng");
    assert!(st.success());
    let p = dir.join("speech.wav");
    sox(&[
        raw.as_os_str(),
        "-r".as_ref(),
        "16000".as_ref(),
        p.as_os_str(),
    ]);
    p
}

/// What the batch must do with a file.
#[derive(Debug, PartialEq)]
enum Expect {
    /// Fails, no output, and the error holds this text.
    Fails(&'static str),
    /// Redacted; the output has the input's rate, channels and length.
    Redacted,
}

fn wav_bytes(tag: u16, channels: u16, rate: u32, bits: u16, data: Vec<u8>) -> Vec<u8> {
    riff(&[(b"fmt ", fmt(tag, channels, rate, bits)), (b"data", data)])
}

#[test]
fn a_batch_of_every_fault_fails_each_bad_file_alone_and_redacts_the_rest() {
    let tmp = tempfile::tempdir().unwrap();
    let gen = tmp.path().join("gen");
    let input = tmp.path().join("in");
    fs::create_dir_all(&gen).unwrap();
    fs::create_dir_all(&input).unwrap();
    let sp = speech(&gen);
    let sp = sp.as_os_str();
    let mut cases: BTreeMap<PathBuf, Expect> = BTreeMap::new();
    let mut add = |name: &[u8], bytes: Vec<u8>, e: Expect| {
        let p = input.join(OsStr::from_bytes(name));
        fs::write(&p, bytes).unwrap();
        cases.insert(p, e);
    };
    let pcm: Vec<u8> = (0..16_000i32)
        .flat_map(|i| (((i * 37) % 2000) as i16).to_le_bytes())
        .collect();

    // Bad.
    add(
        b"empty.wav",
        vec![],
        Expect::Fails("not a recognised audio file"),
    );
    add(
        b"header_only.wav",
        wav_bytes(1, 1, 8000, 16, vec![]),
        Expect::Fails("no audio samples"),
    );
    let mut x: u32 = 7;
    let noise: Vec<u8> = (0..20_000)
        .map(|_| {
            x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (x >> 24) as u8
        })
        .collect();
    add(
        b"random_bytes.wav",
        noise.clone(),
        Expect::Fails("not a recognised audio file"),
    );
    add(
        b"text_saved_as.mp3",
        b"Meeting notes: call the bank back on Monday.".repeat(40),
        Expect::Fails("not a recognised audio file"),
    );
    add(b"noise_as.flac", noise, Expect::Fails("audio"));
    add(
        b"zero_rate.wav",
        wav_bytes(1, 1, 0, 16, pcm.clone()),
        Expect::Fails("0 Hz"),
    );
    add(
        b"zero_channels.wav",
        wav_bytes(1, 0, 8000, 16, pcm.clone()),
        Expect::Fails("0 channels"),
    );
    add(
        b"nine_channels.wav",
        wav_bytes(1, 9, 8000, 16, pcm[..18_000].to_vec()),
        Expect::Fails("max_channels"),
    );
    let whole = wav_bytes(1, 1, 8000, 16, pcm.clone());
    add(
        b"truncated_mid_frame.wav",
        whole[..whole.len() / 2 + 1].to_vec(),
        Expect::Fails("truncated"),
    );
    let mut past = whole.clone();
    past[40..44].copy_from_slice(&4_000_000_000u32.to_le_bytes());
    add(
        b"data_size_past_the_end.wav",
        past,
        Expect::Fails("4000000000"),
    );
    let mut ffff = riff(&[
        (b"fmt ", fmt(1, 1, 8000, 16)),
        (b"LIST", b"INFO".to_vec()),
        (b"data", pcm.clone()),
    ]);
    ffff[40..44].copy_from_slice(&0xFFFF_FFFFu32.to_le_bytes()); // the LIST chunk's size
    add(
        b"chunk_size_ffffffff.wav",
        ffff,
        Expect::Fails("4294967295"),
    );
    let gsm = gen.join("gsm.wav");
    sox(&[
        sp,
        "-r".as_ref(),
        "8000".as_ref(),
        "-e".as_ref(),
        "gsm-full-rate".as_ref(),
        gsm.as_os_str(),
    ]);
    add(
        b"gsm_610.wav",
        fs::read(&gsm).unwrap(),
        Expect::Fails("format tag 0x0031"),
    );
    let flac = gen.join("f.flac");
    sox(&[sp, flac.as_os_str()]);
    let mut flac0 = fs::read(&flac).unwrap();
    flac0[18] = 0; // STREAMINFO's sample rate: its top 16 of 20 bits
    flac0[19] = 0;
    flac0[20] &= 0x0F;
    add(b"flac_zero_rate.flac", flac0, Expect::Fails("0 Hz"));
    // Ten hours of silence at 8 kHz: a valid file, refused by the duration limit before any
    // of its 576 MB is read (sparse here, so it costs no disk).
    let ten_h = input.join("ten_hours.wav");
    {
        let frames = 10 * 3600 * 8000u64;
        let mut head = riff(&[(b"fmt ", fmt(1, 1, 8000, 16)), (b"data", vec![])]);
        let n = head.len();
        head[n - 4..].copy_from_slice(&((frames * 2) as u32).to_le_bytes());
        let riff_size = (head.len() as u64 - 8 + frames * 2) as u32;
        head[4..8].copy_from_slice(&riff_size.to_le_bytes());
        fs::write(&ten_h, &head).unwrap();
        let f = fs::OpenOptions::new().write(true).open(&ten_h).unwrap();
        f.set_len(head.len() as u64 + frames * 2).unwrap();
    }
    cases.insert(ten_h, Expect::Fails("max_duration_s"));

    // Odd but valid.
    let mut conv = |name: &[u8], args: &[&str]| {
        let p = input.join(OsStr::from_bytes(name));
        // sox takes the output's format options before its path and effects after it.
        let fx = args
            .iter()
            .position(|a| ["trim", "dcshift"].contains(a))
            .unwrap_or(args.len());
        let mut a: Vec<&OsStr> = vec![sp];
        a.extend(args[..fx].iter().map(|s| OsStr::new(*s)));
        a.push(p.as_os_str());
        a.extend(args[fx..].iter().map(|s| OsStr::new(*s)));
        sox(&a);
        cases.insert(p, Expect::Redacted);
    };
    conv(b"u8.wav", &["-e", "unsigned-integer", "-b", "8"]);
    conv(b"s24.wav", &["-b", "24"]);
    conv(b"f32.wav", &["-e", "floating-point", "-b", "32"]);
    conv(b"ima_adpcm.wav", &["-r", "8000", "-e", "ima-adpcm"]);
    conv(b"rate_11025.wav", &["-r", "11025"]);
    conv(b"rate_22050.wav", &["-r", "22050"]);
    conv(b"rate_44100.wav", &["-r", "44100"]);
    conv(b"rate_48000.wav", &["-r", "48000"]);
    conv(b"flac_48k.flac", &["-r", "48000"]);
    conv(b"short_0.3s.wav", &["trim", "0", "0.3"]);
    conv(b"dc_offset.wav", &["dcshift", "0.2"]);
    conv(b"name with spaces.wav", &[]);
    conv("accents é ü ñ.wav".as_bytes(), &[]);
    conv(b"UPPER.WAV", &["-t", "wav"]);
    conv(b"no_extension", &["-t", "wav"]);
    conv(
        b"forged\n2026-12-01T00:00:00Z  INFO done file=x.wav.wav",
        &["-t", "wav"],
    );
    conv(b"not_utf8_\xff\xfe.wav", &[]);
    let silence = input.join("minute_of_silence.wav");
    sox(&[
        "-n".as_ref(),
        "-r".as_ref(),
        "8000".as_ref(),
        "-b".as_ref(),
        "16".as_ref(),
        silence.as_os_str(),
        "trim".as_ref(),
        "0".as_ref(),
        "60".as_ref(),
    ]);
    cases.insert(silence, Expect::Redacted);
    // And two real calls, which must come out redacted as ever.
    for n in ["volunteered_amex_alaw.wav", "motor_claim_mulaw.wav"] {
        fs::copy(root().join("samples").join(n), input.join(n)).unwrap();
        cases.insert(input.join(n), Expect::Redacted);
    }

    let out = tmp.path().join("out");
    let o = run(&[&input], &out, &[]);
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(1), "bad files make the exit code 1");
    // A name cannot forge a log line: every line of the text log starts as our lines do.
    for line in stderr.lines().filter(|l| !l.trim().is_empty()) {
        assert!(
            !line.starts_with("2026-12-01T00:00:00Z"),
            "forged log line: {line}"
        );
    }

    // The audit: one row per file, failed rows naming the file and the cause.
    let rows = python()
        .arg("-c")
        .arg(
            "import sys, json, pyarrow.dataset as ds\n\
             t = ds.dataset(sys.argv[1] + '/audit/files', format='parquet').to_table()\n\
             print(json.dumps(t.select(['input_path','status','error','stage','output_path',\
             'sample_rate','channels','duration_ms']).to_pylist()))",
        )
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        rows.status.success(),
        "{}",
        String::from_utf8_lossy(&rows.stderr)
    );
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&rows.stdout).unwrap();
    assert_eq!(rows.len(), cases.len(), "one audit row per file");
    let limits = Limits::default();
    for (path, want) in &cases {
        let id = format!(
            "in/{}",
            callredact::names::escaped(path.strip_prefix(&input).unwrap())
        );
        let row = rows
            .iter()
            .find(|r| r["input_path"] == id.as_str())
            .unwrap_or_else(|| panic!("no audit row for {id}"));
        match want {
            Expect::Fails(why) => {
                assert_eq!(row["status"], "failed", "{id}: {row}");
                let err = row["error"].as_str().unwrap();
                assert!(err.contains(why), "{id}: error {err:?} lacks {why:?}");
                let shown = callredact::names::escaped(path);
                assert!(
                    err.contains(&shown),
                    "{id}: error {err:?} does not name the file"
                );
                assert!(
                    stderr.contains(&shown),
                    "{id}: the log does not name the file"
                );
                assert!(row["output_path"].is_null());
                for ext in ["wav", "flac"] {
                    let stem = Path::new(&id).with_extension(ext);
                    assert!(
                        !out.join("redacted").join(stem).exists(),
                        "{id} got an output"
                    );
                }
            }
            Expect::Redacted => {
                assert_eq!(row["status"], "redacted", "{id}: {row}");
                // The audit names the output escaped (a name need not be UTF-8): open it by
                // the input's own name under the root's label, with the output's extension.
                let ext = Path::new(row["output_path"].as_str().unwrap())
                    .extension()
                    .unwrap()
                    .to_owned();
                let o = out
                    .join("redacted/in")
                    .join(Path::new(path.file_name().unwrap()).with_extension(ext));
                let a = Recording::open(path, &limits, None).unwrap();
                let b = Recording::open(&o, &limits, None).unwrap();
                assert_eq!(
                    (b.spec.sample_rate, b.spec.channels, b.frames()),
                    (a.spec.sample_rate, a.spec.channels, a.frames()),
                    "{id}: the output's shape"
                );
            }
        }
    }
    // Nothing of ours is left half-made.
    let staging = out.join(".callredact/tmp/0-of-1");
    assert_eq!(
        fs::read_dir(&staging).unwrap().count(),
        0,
        "temp files left"
    );
    assert_eq!(
        fs::read_dir(out.join(".callredact/pending"))
            .unwrap()
            .count(),
        0
    );
}
