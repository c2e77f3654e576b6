//! Every input format the tool promises, written by the test with sox/ffmpeg: decoded to the
//! right rate, channel count and length; written back in the same encoding (or the documented
//! one for lossy inputs); bit-identical outside the muted spans for PCM, G.711 and FLAC.

use callredact::audio::encode::{self, LossyAs, Output};
use callredact::audio::limits::Limits;
use callredact::audio::recording::Recording;
use callredact::audio::redact::Fill;
use callredact::policy::Policy;
use callredact::types::Span;
use callredact::units::Frame;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A 3 s test signal: a 440 Hz tone on the left, 660 Hz on the right (or the left alone).
fn make_source(dir: &Path, rate: u32, channels: u16) -> PathBuf {
    let p = dir.join(format!("src-{rate}-{channels}.wav"));
    let synth = if channels == 2 {
        vec!["synth", "3", "sine", "440", "sine", "660"]
    } else {
        vec!["synth", "3", "sine", "440"]
    };
    let st = Command::new("sox")
        .args([
            "-n",
            "-r",
            &rate.to_string(),
            "-c",
            &channels.to_string(),
            "-b",
            "16",
        ])
        .arg(&p)
        .args(&synth)
        .args(["vol", "0.5"])
        .status()
        .expect("sox is installed (scripts/setup.sh)");
    assert!(st.success());
    p
}

fn sox(src: &Path, dst: &Path, args: &[&str]) {
    let st = Command::new("sox")
        .arg(src)
        .args(args)
        .arg(dst)
        .status()
        .unwrap();
    assert!(st.success(), "sox {args:?} -> {}", dst.display());
}

/// Redacts 1.0..2.0 s on every channel and writes the output next to the input.
fn redact(input: &Path, lossy_as: LossyAs) -> (PathBuf, Output, u64, u32) {
    let d = open(input);
    let rate = d.spec.sample_rate;
    let frames = d.frames();
    let out_kind = encode::choose(&d, lossy_as);
    let spans = vec![Span {
        start: Frame(rate as u64),
        end: Frame(2 * rate as u64),
        channels: (0..d.spec.channels).collect(),
        kinds: vec![],
    }];
    let fill = Fill::from_policy(&Policy::default(), rate);
    let out = input.with_extension(format!("out.{}", out_kind.extension()));
    let mut f = std::fs::File::options()
        .create(true)
        .write(true)
        .read(true)
        .truncate(true)
        .open(&out)
        .unwrap();
    encode::write(&d, &out_kind, &spans, &fill, &mut f).unwrap();
    (out, out_kind, frames, rate)
}

fn open(p: &Path) -> Recording {
    Recording::open(p, &Limits::default(), None).unwrap_or_else(|e| panic!("{e}"))
}

/// Every channel's samples.
fn channels(r: &Recording) -> Vec<Vec<f32>> {
    (0..r.channel_count())
        .map(|c| r.read(c, 0, r.frames()).unwrap())
        .collect()
}

/// Decodes both and checks shape, bit-exactness outside 1..2 s and silence inside.
fn check(input: &Path, out: &Path, exact: bool) {
    let (a, b) = (open(input), open(out));
    assert_eq!(b.spec.sample_rate, a.spec.sample_rate, "{}", out.display());
    assert_eq!(b.spec.channels, a.spec.channels);
    assert_eq!(
        b.frames(),
        a.frames(),
        "length to the sample: {}",
        out.display()
    );
    let r = a.spec.sample_rate as usize;
    for (ca, cb) in channels(&a).iter().zip(&channels(&b)) {
        if exact {
            assert_eq!(&ca[..r], &cb[..r], "before the span: {}", out.display());
            assert_eq!(
                &ca[2 * r..],
                &cb[2 * r..],
                "after the span: {}",
                out.display()
            );
        }
        let fade = r / 100;
        let inside = cb[r + fade..2 * r - fade]
            .iter()
            .fold(0f32, |m, x| m.max(x.abs()));
        assert!(
            inside < 1e-3,
            "{}: span not muted ({inside})",
            out.display()
        );
    }
}

#[test]
fn wav_encodings_stay_themselves_and_bit_exact_outside_spans() {
    let d = tempfile::tempdir().unwrap();
    for (rate, ch) in [(8000, 2), (8000, 1), (16000, 1), (44100, 2)] {
        let src = make_source(d.path(), rate, ch);
        for (name, args, enc) in [
            ("u8", vec!["-e", "unsigned-integer", "-b", "8"], "pcm_u8"),
            ("s16", vec!["-e", "signed-integer", "-b", "16"], "pcm_s16le"),
            ("s24", vec!["-e", "signed-integer", "-b", "24"], "pcm_s24le"),
            ("s32", vec!["-e", "signed-integer", "-b", "32"], "pcm_s32le"),
            ("f32", vec!["-e", "floating-point", "-b", "32"], "pcm_f32le"),
            ("ulaw", vec!["-e", "u-law"], "pcm_mulaw"),
            ("alaw", vec!["-e", "a-law"], "pcm_alaw"),
        ] {
            let input = d.path().join(format!("{name}-{rate}-{ch}.wav"));
            sox(&src, &input, &args);
            let (out, kind, _, _) = redact(&input, LossyAs::Wav);
            assert_eq!(kind.describe(), format!("wav/{enc}"), "{}", input.display());
            check(&input, &out, true);
            // The header and every byte outside the span are the input's own bytes.
            let (a, b) = (std::fs::read(&input).unwrap(), std::fs::read(&out).unwrap());
            assert_eq!(a.len(), b.len());
            let rec = open(&input);
            let (_, layout, _) = rec.wav().expect("a WAV is read in place");
            let start = layout.data_offset as usize + rate as usize * layout.block_align as usize;
            assert_eq!(&a[..start], &b[..start], "{name}: bytes before the span");
        }
    }
}

#[test]
fn flac_in_gives_flac_out_bit_exact() {
    let d = tempfile::tempdir().unwrap();
    for (rate, ch, bits) in [(8000, 2, "16"), (16000, 1, "16"), (48000, 2, "24")] {
        let src = make_source(d.path(), rate, ch);
        let input = d.path().join(format!("c-{rate}-{ch}-{bits}.flac"));
        sox(&src, &input, &["-b", bits]);
        let (out, kind, _, _) = redact(&input, LossyAs::Wav);
        assert_eq!(kind.extension(), "flac");
        check(&input, &out, true);
    }
}

#[test]
fn lossy_inputs_come_out_as_pcm16_wav_or_flac_with_the_same_shape() {
    let d = tempfile::tempdir().unwrap();
    let src = make_source(d.path(), 16000, 1);
    let src8 = make_source(d.path(), 8000, 2);
    let mp3 = d.path().join("m.mp3");
    sox(&src, &mp3, &[]);
    let ogg = d.path().join("o.ogg");
    sox(&src8, &ogg, &[]);
    let m4a = d.path().join("a.m4a");
    let st = Command::new("ffmpeg")
        .args(["-loglevel", "error", "-y", "-i"])
        .arg(&src)
        .args(["-c:a", "aac", "-b:a", "64k"])
        .arg(&m4a)
        .status()
        .expect("ffmpeg");
    assert!(st.success());
    for input in [&mp3, &ogg, &m4a] {
        let (out, kind, _, _) = redact(input, LossyAs::Wav);
        assert_eq!(kind.describe(), "wav/pcm_s16le", "{}", input.display());
        let (a, b) = (open(input), open(&out));
        assert_eq!(
            (b.spec.sample_rate, b.spec.channels, b.frames()),
            (a.spec.sample_rate, a.spec.channels, a.frames()),
            "{}",
            input.display()
        );
        check(input, &out, false);
        let (out, kind, _, _) = redact(input, LossyAs::Flac);
        assert_eq!(kind.extension(), "flac");
        check(input, &out, false);
    }
}

#[test]
fn broken_inputs_fail_with_the_file_and_the_cause() {
    let d = tempfile::tempdir().unwrap();
    let src = make_source(d.path(), 8000, 1);
    let bytes = std::fs::read(&src).unwrap();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.wav", vec![], ""),
        ("text.wav", b"hello, this is not audio".to_vec(), ""),
        ("header-only.wav", bytes[..44].to_vec(), ""),
        (
            "truncated.wav",
            bytes[..bytes.len() / 2].to_vec(),
            "truncated",
        ),
    ];
    for (name, data, cause) in cases {
        let p = d.path().join(name);
        std::fs::write(&p, &data).unwrap();
        let err = Recording::open(&p, &Limits::default(), None)
            .err()
            .expect(name)
            .to_string();
        assert!(err.contains(name), "{err}");
        assert!(err.contains(cause), "{err}");
    }
}
