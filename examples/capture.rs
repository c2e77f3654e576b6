//! Captures how the pipeline transcribes recordings, as detection-corpus cases (JSONL on
//! stdout: name, each channel's words with times, voice-activity regions), so that detection
//! can be tuned and regression-tested against real whisper output without re-running whisper.
//! The output holds the recordings' words verbatim: use it on synthetic calls only.
//!
//! cargo run --release --example capture -- models/ggml-tiny.en.bin samples/*.wav ...
use callredact::asr::transcribe::Model;
use callredact::pipeline::{analyse, open_and_listen, Stage};
use callredact::policy::Policy;
use std::path::Path;
use std::sync::{atomic::AtomicBool, Arc};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let model = Model::load(Path::new(&args[0])).expect("model");
    let stop = Arc::new(AtomicBool::new(false));
    let policy = Policy::builtin();
    for file in &args[1..] {
        let path = Path::new(file);
        // The shipped pipeline's own stages, so a capture is what `callredact run` hears.
        let mut times = Default::default();
        let stage = std::cell::Cell::new(Stage::Decode);
        let (rec, voiced) = open_and_listen(file, path, &policy, None, &mut times, &stage)
            .unwrap_or_else(|e| panic!("{}", e.cause));
        let a = analyse(file, &rec, voiced, &model, &policy, 2, &stop, &mut times)
            .unwrap_or_else(|e| panic!("{}", e.cause));
        let n = a.call.channels.len();
        let mut channels = Vec::new();
        let mut voiced = Vec::new();
        for (c, ch) in a.call.channels.iter().enumerate() {
            let role = match (n, c) {
                (2, 0) => "agent",
                (2, 1) => "customer",
                _ => "mixed",
            };
            let words: Vec<_> = ch
                .words
                .iter()
                .map(|w| serde_json::json!([w.text, w.start.0, w.end.0]))
                .collect();
            channels.push(serde_json::json!({"channel": c, "role": role, "words": words}));
            voiced.extend(
                a.voiced[c]
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
