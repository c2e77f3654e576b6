//! Replays detection and planning over captured transcripts (see the `capture` example) and
//! prints each case's muted spans in milliseconds as JSON, for `scripts/score_spans.py` to
//! score against `samples/truth.json` the way the audio scorer does, in a second.
//!
//! cargo run --release --example replay -- captured.jsonl [policy.toml] > spans.json
use callredact::audio::vad::Region;
use callredact::detect::eval;
use callredact::plan::{plan, Layout};
use callredact::policy::Policy;
use callredact::units::Ms;
use std::path::Path;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let policy = match args.get(1) {
        Some(p) => Policy::load(Path::new(p)).unwrap_or_else(|e| panic!("{e}")),
        None => Policy::builtin(),
    };
    let mut out = serde_json::Map::new();
    for case in eval::load(Path::new(&args[0])).unwrap_or_else(|e| panic!("{e}")) {
        let findings = case.detect(&policy.detect, &policy);
        let n = case.channels.len() as u16;
        let mut voiced: Vec<Vec<Region>> = vec![Vec::new(); n as usize];
        for &(c, s, e) in &case.voiced {
            voiced[c as usize].push(Region {
                start: Ms(s),
                end: Ms(e),
            });
        }
        let end = case
            .voiced
            .iter()
            .map(|v| v.2)
            .chain(
                case.channels
                    .iter()
                    .flat_map(|c| c.words.iter().map(|w| w.2)),
            )
            .max()
            .unwrap_or(0);
        // At 1000 Hz a frame is a millisecond.
        let layout = Layout {
            rate: 1000,
            frames: end + 5_000,
            channels: n,
            voiced: &voiced,
        };
        let spans: Vec<_> = plan(&findings, &layout, &policy)
            .iter()
            .map(|s| {
                serde_json::json!([
                    s.start.0,
                    s.end.0,
                    s.channels,
                    s.kinds.iter().map(|k| k.to_string()).collect::<Vec<_>>()
                ])
            })
            .collect();
        let found: Vec<_> = findings
            .iter()
            .map(|f| {
                serde_json::json!([
                    f.kind.to_string(),
                    f.channel,
                    f.start.0,
                    f.end.0,
                    f.rule,
                    f.detector
                ])
            })
            .collect();
        out.insert(
            case.name.clone(),
            serde_json::json!({"spans": spans, "findings": found}),
        );
    }
    println!("{}", serde_json::Value::Object(out));
}
