//! Scores detection and planning on captured transcripts (see the `capture` example) against
//! a truth file, as `tests/replay_calls.rs` does, and prints the kind table, the per-rule cost
//! table, every miss and, with `--why`, every finding that muted non-sensitive speech beside
//! the truth's words there: the loop for tuning a rule on the `dev` split in a second.
//! It prints the calls' words: use it on synthetic calls only.
//!
//! With `--speech`, every stretch of non-sensitive speech that was muted, one per line (muted
//! ms, call, channel, the truth's speaker and words, the rules whose findings reach it), to be
//! sorted and counted by class.
//!
//! With `--call NAME`, every finding in the calls whose name contains NAME (kind, channel,
//! times, detector and rule), to see which rule took or missed a value.
//!
//! cargo run --release --example replay -- CAPTURE.jsonl TRUTH.json [--policy P]
//!     [--why|--speech|--call NAME]
use callredact::detect::eval;
use callredact::policy::Policy;
use std::path::Path;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |f: &str| args.iter().position(|a| a == f);
    let policy = match flag("--policy") {
        Some(i) => Policy::load(Path::new(&args[i + 1])).unwrap_or_else(|e| panic!("{e}")),
        None => Policy::builtin(),
    };
    let cases = eval::load(Path::new(&args[0])).unwrap_or_else(|e| panic!("{e}"));
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&args[1]).expect("truth")).expect("json");
    if let Some(i) = flag("--call") {
        for case in cases
            .iter()
            .filter(|c| c.name.contains(args[i + 1].as_str()))
        {
            println!("{}", case.name);
            for f in case.detect(&policy.detect, &policy) {
                println!(
                    "  {:?} ch{} {}-{} {}/{}",
                    f.kind,
                    f.channel.unwrap_or(0),
                    f.start.0,
                    f.end.0,
                    f.detector,
                    f.rule
                );
            }
        }
        return;
    }
    let s = callredact::score::score(&cases, &truth, &policy, false);
    println!("{}\n\n{}", s.table(), s.rule_table());
    println!("missed:\n{}", s.missed.join("\n"));
    if flag("--speech").is_some() {
        for (call, ch, t0, t1, m) in &s.muted_speech {
            let t = truth[call]["speech"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|t| (t["start"].as_f64().unwrap_or(0.0) * 1000.0).round() as u64 == t0.0);
            let rules: Vec<String> = s
                .overmuted
                .iter()
                .filter(|o| &o.call == call && o.channel.unwrap_or(0) == *ch)
                .filter(|o| o.start.0 < t1.0 + 1000 && o.end.0 + 1000 > t0.0)
                .map(|o| o.rule.clone())
                .collect();
            println!(
                "{m}\t{call}\tch{ch}\t{}\t{}\t{}\t{}",
                t1.0 - t0.0,
                t.map(|t| t["speaker"].as_str().unwrap_or("?"))
                    .unwrap_or("?"),
                t.map(|t| t["text"].to_string()).unwrap_or_default(),
                rules.join(",")
            );
        }
        return;
    }
    if flag("--why").is_none() {
        return;
    }
    let mut over = s.overmuted.clone();
    over.sort_by_key(|o| std::cmp::Reverse(o.over_ms));
    for o in over {
        let ch = o.channel.unwrap_or(0);
        let case = cases.iter().find(|c| c.name == o.call).expect("case");
        let heard: Vec<&str> = case
            .channels
            .get(ch as usize)
            .map(|c| {
                c.words
                    .iter()
                    .filter(|(_, s, e)| *e > o.start.0 && *s < o.end.0)
                    .map(|(t, _, _)| t.as_str())
                    .collect()
            })
            .unwrap_or_default();
        // The truth's own speech around the finding, a second either side.
        let said: Vec<String> = ["speech", "spans"]
            .iter()
            .flat_map(|k| truth[&o.call][k].as_array().cloned().unwrap_or_default())
            .filter(|t| {
                let ms = |v: &serde_json::Value| (v.as_f64().unwrap_or(0.0) * 1000.0) as u64;
                t["channel"].as_u64().unwrap_or(0) == ch as u64
                    && ms(&t["end"]) + 1000 > o.start.0
                    && ms(&t["start"]) < o.end.0 + 1000
            })
            .map(|t| format!("{}:{}", t["kind"].as_str().unwrap_or("speech"), t["text"]))
            .collect();
        println!(
            "\n{} {}/{} {} ch{ch} {}-{} ms over {} ms\n  heard: {}\n  truth: {}",
            o.call,
            o.detector,
            o.rule,
            o.kind,
            o.start.0,
            o.end.0,
            o.over_ms,
            heard.join(" "),
            said.join(" | ")
        );
    }
}
