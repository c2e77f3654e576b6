//! Precision per rule on the corpus captures (`tests/calls/`): for each split, the kind table
//! and, for every detector and rule, the findings it made, the non-sensitive speech (and
//! decoys) its own spans muted, and the sensitive spans only it recalled. The table to decide a
//! rule by (issue 14); no timing. Tune on `dev`, read `test` only to report.
//!
//! cargo bench --bench rule_precision [-- dev|test]
use callredact::detect::eval;
use callredact::policy::Policy;
use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/calls");
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a == "dev" || a == "test")
        .collect();
    for split in ["dev", "test"] {
        if !only.is_empty() && !only.iter().any(|s| s == split) {
            continue;
        }
        let truth: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(root.join(format!("{split}.truth.json"))).expect("truth"),
        )
        .expect("truth parses");
        let cases = eval::load(&root.join(format!("{split}.tiny-en.jsonl")))
            .unwrap_or_else(|e| panic!("{e}"));
        let s = callredact::score::score(&cases, &truth, &Policy::builtin(), false);
        println!("## {split}\n\n{}\n\n{}", s.table(), s.rule_table());
    }
}
