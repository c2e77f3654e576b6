//! The tests score with `../shared/tools/score_redaction.py` where it exists and with the copy
//! in `tools/` where it does not (a clone on its own, as on a fresh machine). The copy once fell
//! behind: it glued the digits of a hex hash into one run, so an audit's `output_sha256` read as
//! a leaked phone number in a fresh clone only. Where both exist, they must be the same file.

use std::path::Path;

#[test]
fn the_scorer_copy_matches_the_shared_scorer() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shared = root.join("../shared/tools/score_redaction.py");
    let Ok(reference) = std::fs::read(&shared) else {
        eprintln!("no {}: nothing to compare", shared.display());
        return;
    };
    let copy = std::fs::read(root.join("tools/score_redaction.py")).expect("tools/ copy");
    assert!(
        copy == reference,
        "tools/score_redaction.py differs from {}: copy it over",
        shared.display()
    );
}
