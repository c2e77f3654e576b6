//! Precision and recall per kind over every corpus in `tests/corpus`, and detection speed.
//! Run with `cargo bench --bench detect_corpus`. Prints kinds and figures only, never texts.

use callredact::detect::detect;
use callredact::detect::eval::{self, Report};
use callredact::policy::Policy;
use callredact::types::{CallTranscript, ChannelTranscript, Role, Voiced, Word};
use callredact::units::Ms;
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let policy = Policy::builtin();
    let mut cases = Vec::new();
    let mut per_file = Vec::new();
    for file in eval::corpus_files(&dir) {
        match eval::load(&file) {
            Ok(c) => {
                let mut r = Report::default();
                for case in &c {
                    r.add(case, &case.detect(&policy.detect, &policy));
                }
                per_file.push((file.display().to_string(), r));
                cases.extend(c);
            }
            Err(e) => eprintln!("{e}"),
        }
    }
    // CORPUS_CASE=name prints one case's findings and expectations (kinds, times, rules).
    if let Ok(name) = std::env::var("CORPUS_CASE") {
        for case in cases.iter().filter(|c| c.name == name) {
            for e in &case.expect {
                println!(
                    "expect  {} ch {:?} {}-{}",
                    e.kind, e.channel, e.start_ms, e.end_ms
                );
            }
            for f in case.detect(&policy.detect, &policy) {
                println!(
                    "found   {} ch {:?} {}-{} conf {:.2} {} {}",
                    f.kind, f.channel, f.start.0, f.end.0, f.confidence, f.detector, f.rule
                );
            }
            for v in &case.voiced {
                println!("voiced  ch {} {}-{}", v.0, v.1, v.2);
            }
        }
        return;
    }
    for (file, r) in &per_file {
        println!("{file}: {} cases\n{}", r.cases, r.table());
    }
    let mut report = Report::default();
    for case in &cases {
        report.add(case, &case.detect(&policy.detect, &policy));
    }
    println!("all corpora: {} cases\n{}", report.cases, report.table());
    if !report.false_positives.is_empty() {
        println!("false positives (case, kind, channel, ms, rule):");
        for f in &report.false_positives {
            println!(
                "  {} {} {:?} {}-{} {}",
                f.case, f.kind, f.channel, f.start_ms, f.end_ms, f.rule
            );
        }
    }
    let misses: Vec<_> = report
        .results
        .iter()
        .filter(|r| r.outcome != eval::Outcome::Exact)
        .collect();
    if !misses.is_empty() {
        println!("not matched by their own kind (case, kind, channel, ms, outcome):");
        for r in misses {
            println!(
                "  {} {} {:?} {}-{} {:?}",
                r.case, r.kind, r.channel, r.start_ms, r.end_ms, r.outcome
            );
        }
    }

    // Speed: the whole corpus, repeated for at least two seconds.
    let started = Instant::now();
    let mut runs = 0usize;
    while started.elapsed().as_secs_f64() < 2.0 {
        for case in &cases {
            std::hint::black_box(case.detect(&policy.detect, &policy));
        }
        runs += cases.len();
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "\n{runs} cases in {secs:.2} s: {:.0} cases/s",
        runs as f64 / secs
    );

    // One long call: every stereo case laid end to end, to show detection stays linear-ish.
    let mut long = CallTranscript {
        channels: vec![
            ChannelTranscript {
                channel: 0,
                role: Role::Agent,
                words: Vec::new(),
            },
            ChannelTranscript {
                channel: 1,
                role: Role::Customer,
                words: Vec::new(),
            },
        ],
    };
    let mut voiced = Vec::new();
    let mut offset = 0u64;
    for case in cases.iter().filter(|c| c.channels.len() == 2) {
        let call = case.call();
        let mut end = 0;
        for (ch, src) in long.channels.iter_mut().zip(&call.channels) {
            for w in &src.words {
                ch.words.push(Word {
                    start: Ms(w.start.0 + offset),
                    end: Ms(w.end.0 + offset),
                    ..w.clone()
                });
                end = end.max(w.end.0);
            }
        }
        voiced.extend(case.voiced().into_iter().map(|v| Voiced {
            start: Ms(v.start.0 + offset),
            end: Ms(v.end.0 + offset),
            ..v
        }));
        offset += end + 5_000;
    }
    let words: usize = long.channels.iter().map(|c| c.words.len()).sum();
    let started = Instant::now();
    let found = std::hint::black_box(detect(&long, &voiced, &policy.detect, &policy)).len();
    println!(
        "one {:.0}-minute stereo call, {words} words: {found} findings in {:.0} ms",
        offset as f64 / 60_000.0,
        started.elapsed().as_secs_f64() * 1000.0
    );
}
