//! Captures how the pipeline transcribes recordings, as detection-corpus cases (JSONL on
//! stdout: name, each channel's words with times, voice-activity regions), so that detection
//! can be tuned and regression-tested against real whisper output without re-running whisper.
//! The output holds the recordings' words verbatim: use it on synthetic calls only.
//!
//! cargo run --release --example capture -- models/ggml-tiny.en.bin samples/*.wav ...
use callredact::asr::transcribe::Model;
use callredact::audio::decode::decode;
use callredact::audio::vad::voiced_regions;
use std::path::Path;
use std::sync::{atomic::AtomicBool, Arc};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let model = Model::load(Path::new(&args[0])).expect("model");
    let stop = Arc::new(AtomicBool::new(false));
    for file in &args[1..] {
        let path = Path::new(file);
        let d = decode(path).unwrap_or_else(|e| panic!("{e}"));
        let n = d.channels.len();
        let mut channels = Vec::new();
        let mut voiced = Vec::new();
        for (c, s) in d.channels.iter().enumerate() {
            let regions = voiced_regions(s, d.spec.sample_rate);
            let words = model
                .transcribe(s, d.spec.sample_rate, &regions, 2, &stop)
                .unwrap_or_else(|e| panic!("{e}"))
                .words;
            let role = match (n, c) {
                (2, 0) => "agent",
                (2, 1) => "customer",
                _ => "mixed",
            };
            let words: Vec<_> = words
                .iter()
                .map(|w| serde_json::json!([w.text, w.start.0, w.end.0]))
                .collect();
            channels.push(serde_json::json!({"channel": c, "role": role, "words": words}));
            voiced.extend(
                regions
                    .iter()
                    .map(|r| serde_json::json!([c, r.start.0, r.end.0])),
            );
        }
        let name = path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        println!(
            "{}",
            serde_json::json!({"name": name, "channels": channels, "voiced": voiced})
        );
    }
}
