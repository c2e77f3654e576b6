//! Detection over every labelled corpus in `tests/corpus/*.jsonl`, with the shipped policy
//! (plus each case's terms). No card number may go unmuted; recall and precision must stay
//! above floors set from honest measurements. Failure messages name the case, kind and times,
//! never word texts: the corpus is full of card numbers.

use callredact::detect::eval::{self, Outcome, Report};
use callredact::policy::Policy;
use callredact::types::Kind;
use std::path::PathBuf;
use std::sync::OnceLock;

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

/// Every case of every corpus file, scored once for all the tests below.
fn report() -> &'static Report {
    static REPORT: OnceLock<Report> = OnceLock::new();
    REPORT.get_or_init(|| {
        let policy = Policy::builtin();
        let mut report = Report::default();
        for file in eval::corpus_files(&corpus_dir()) {
            for case in eval::load(&file).unwrap_or_else(|e| panic!("{e}")) {
                let findings = case.detect(&policy);
                report.add(&case, &findings);
            }
        }
        eprintln!("{}", report.table());
        report
    })
}

#[test]
fn the_numbers_corpus_is_large_and_well_formed() {
    let cases = eval::load(&corpus_dir().join("numbers.jsonl")).unwrap_or_else(|e| panic!("{e}"));
    assert!(cases.len() >= 200, "{} cases", cases.len());
    let negatives = cases.iter().filter(|c| c.expect.is_empty()).count();
    assert!(negatives * 5 >= cases.len(), "decoy-only cases: {negatives} of {}", cases.len());
    let mut names: Vec<&str> = cases.iter().map(|c| c.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), cases.len(), "case names must be unique");
}

#[test]
fn every_card_number_is_muted_as_a_card_or_a_number() {
    let r = report();
    let missed: Vec<String> = r
        .results
        .iter()
        .filter(|x| x.kind == Kind::CardNumber && !matches!(x.outcome, Outcome::Exact | Outcome::AsNumber))
        .map(|x| format!("{} {} ch {:?} {}-{} ms: {:?}", x.case, x.kind, x.channel, x.start_ms, x.end_ms, x.outcome))
        .collect();
    assert!(missed.is_empty(), "card numbers not muted:\n{}", missed.join("\n"));
}

#[test]
fn recall_and_precision_stay_above_their_floors() {
    let r = report();
    let total = r.total();
    let mut problems = Vec::new();
    // Floors: a little under what the detector measured when they were set (see README), so
    // a regression fails while noise from an added corpus case does not.
    if total.recall() < 0.95 {
        problems.push(format!("overall recall {:.3} < 0.95", total.recall()));
    }
    if total.exact_recall() < 0.90 {
        problems.push(format!("overall kind-exact recall {:.3} < 0.90", total.exact_recall()));
    }
    if total.precision() < 0.90 {
        problems.push(format!("overall precision {:.3} < 0.90", total.precision()));
    }
    for (kind, floor) in [(Kind::SecurityCode, 0.9), (Kind::ExpiryDate, 0.9), (Kind::SortCode, 0.9), (Kind::AccountNumber, 0.9), (Kind::Phone, 0.9), (Kind::DateOfBirth, 0.85)] {
        if let Some(s) = r.per_kind.get(&kind) {
            if s.recall() < floor {
                problems.push(format!("{kind} recall {:.3} < {floor}", s.recall()));
            }
        }
    }
    if !problems.is_empty() {
        let missed: Vec<String> = r
            .results
            .iter()
            .filter(|x| x.outcome != Outcome::Exact)
            .map(|x| format!("  {} {} ch {:?} {}-{} ms: {:?}", x.case, x.kind, x.channel, x.start_ms, x.end_ms, x.outcome))
            .collect();
        let fps: Vec<String> = r
            .false_positives
            .iter()
            .map(|f| format!("  {} {} ch {:?} {}-{} ms ({})", f.case, f.kind, f.channel, f.start_ms, f.end_ms, f.rule))
            .collect();
        panic!("{}\nnot exact:\n{}\nfalse positives:\n{}", problems.join("\n"), missed.join("\n"), fps.join("\n"));
    }
}

#[test]
fn decoy_only_cases_are_mostly_left_alone() {
    let r = report();
    let fp_cases: std::collections::BTreeSet<&str> = r.false_positives.iter().filter(|f| f.case.starts_with("negative_")).map(|f| f.case.as_str()).collect();
    assert!(fp_cases.len() <= 2, "decoy-only cases with findings: {fp_cases:?}");
}
