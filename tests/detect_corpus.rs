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
                let findings = case.detect(&policy.detect, &policy);
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
    assert!(
        negatives * 5 >= cases.len(),
        "decoy-only cases: {negatives} of {}",
        cases.len()
    );
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
        .filter(|x| {
            x.kind == Kind::CardNumber && !matches!(x.outcome, Outcome::Exact | Outcome::AsNumber)
        })
        .map(|x| {
            format!(
                "{} {} ch {:?} {}-{} ms: {:?}",
                x.case, x.kind, x.channel, x.start_ms, x.end_ms, x.outcome
            )
        })
        .collect();
    assert!(
        missed.is_empty(),
        "card numbers not muted:\n{}",
        missed.join("\n")
    );
}

#[test]
fn recall_and_precision_stay_above_their_floors() {
    let r = report();
    let total = r.total();
    let mut problems = Vec::new();
    // Floors sit a little under what was measured when they were set (recall 0.997, kind-exact
    // recall 0.997, precision 0.998 over 675 cases; 0.986 / 0.907 on 77 cases written after
    // tuning and measured once), so a regression fails and one awkward new case does not.
    let floors = [
        ("recall", total.recall(), 0.97),
        ("kind-exact recall", total.exact_recall(), 0.95),
        ("precision", total.precision(), 0.95),
    ];
    for (what, got, floor) in floors {
        if got < floor {
            problems.push(format!("overall {what} {got:.3} < {floor}"));
        }
    }
    let digit_kinds = [
        Kind::SecurityCode,
        Kind::ExpiryDate,
        Kind::SortCode,
        Kind::AccountNumber,
        Kind::Phone,
        Kind::DateOfBirth,
        Kind::Number,
    ];
    let text_kinds = [
        Kind::Email,
        Kind::Postcode,
        Kind::NiNumber,
        Kind::PersonName,
        Kind::Address,
        Kind::Term,
    ];
    for (kind, floor) in digit_kinds
        .iter()
        .map(|k| (*k, 0.9))
        .chain(text_kinds.iter().map(|k| (*k, 0.85)))
    {
        if let Some(s) = r.per_kind.get(&kind) {
            if s.recall() < floor {
                problems.push(format!("{kind} recall {:.3} < {floor}", s.recall()));
            }
            if s.precision() < floor {
                problems.push(format!("{kind} precision {:.3} < {floor}", s.precision()));
            }
        }
    }
    if !problems.is_empty() {
        let missed: Vec<String> = r
            .results
            .iter()
            .filter(|x| x.outcome != Outcome::Exact)
            .map(|x| {
                format!(
                    "  {} {} ch {:?} {}-{} ms: {:?}",
                    x.case, x.kind, x.channel, x.start_ms, x.end_ms, x.outcome
                )
            })
            .collect();
        let fps: Vec<String> = r
            .false_positives
            .iter()
            .map(|f| {
                format!(
                    "  {} {} ch {:?} {}-{} ms ({})",
                    f.case, f.kind, f.channel, f.start_ms, f.end_ms, f.rule
                )
            })
            .collect();
        panic!(
            "{}\nnot exact:\n{}\nfalse positives:\n{}",
            problems.join("\n"),
            missed.join("\n"),
            fps.join("\n")
        );
    }
}

#[test]
fn decoy_only_cases_are_left_alone() {
    let r = report();
    // Prices, times, queue positions, years, durations, short references: at most one decoy
    // case in fifty may draw a finding.
    assert!(
        r.decoy_cases_with_findings.len() * 50 <= r.decoy_cases,
        "decoy-only cases with findings: {:?} of {}",
        r.decoy_cases_with_findings,
        r.decoy_cases
    );
}
