//! The `[detect]` section of the policy file: thresholds, trigger phrases, window lengths and
//! term lists. Every key is optional; unknown keys are refused, so a typo cannot quietly turn a
//! safeguard off.

use crate::types::Kind;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DetectConfig {
    /// A digit run this long with no context is muted as NUMBER: when in doubt, mute. Eight is
    /// the shortest UK account number; shorter runs are mostly amounts, times and references.
    pub number_min_digits: usize,
    /// Whether NUMBER applies to the agent's speech too (an agent reading a number back).
    pub number_from_agent: bool,
    /// The longest pause between two digits of one run. People pause between groups of a card
    /// number; Whisper's word times are off by up to a second.
    pub run_gap_ms: u64,
    /// Runs on one channel this close, with only acknowledgements ("yes", "go on") between them
    /// on any channel, are one value: a card number read in groups.
    pub join_gap_ms: u64,
    /// A pause this long ends a turn (for the text matchers).
    pub turn_gap_ms: u64,
    /// Inside a card window a run this long is card data, however garbled.
    pub card_window_min_digits: usize,
    /// Once a complete value was given in a window, the window stays open this much longer
    /// (for the read-back and corrections), then closes.
    pub settle_ms: u64,
    /// A trigger of another kind said within this long after a trigger does not close its
    /// window: the question asked for both ("your name and postcode").
    pub stack_ms: u64,
    /// Window kinds in which voiced audio that no word covers is treated as that kind.
    pub voiced_gap_kinds: Vec<Kind>,
    /// Uncovered voiced audio shorter than this is ignored (gaps between words in a phrase).
    pub voiced_gap_min_ms: u64,
    /// Window kinds in which the answering speaker's whole reply is muted by voice activity,
    /// whatever Whisper made of the words (see `detect::answer`).
    pub answer_kinds: Vec<Kind>,
    /// Customer-supplied terms to mute (TERM).
    pub terms: Vec<String>,
    /// Files of terms, one per line; `#` starts a comment. Relative paths are read from the
    /// working directory.
    pub term_files: Vec<PathBuf>,
    /// How long a trigger's window stays open, per kind. Kinds not listed keep the built-in
    /// length.
    pub window_ms: BTreeMap<Kind, u64>,
    /// Trigger phrases added to the built-in ones, per kind.
    pub triggers: BTreeMap<Kind, Vec<String>>,
    /// Phrases added to the built-in closing phrases ("reference number", "order number"): a
    /// new, non-sensitive topic that ends any open window.
    pub closing_phrases: Vec<String>,
}

/// Built-in window lengths. Long enough for a customer to find the card and read it in
/// groups; short enough that a number said minutes later is not taken for card data.
pub const BUILTIN_WINDOW_MS: &[(Kind, u64)] = &[
    (Kind::CardNumber, 30_000),
    (Kind::SecurityCode, 15_000),
    (Kind::ExpiryDate, 15_000),
    (Kind::SortCode, 20_000),
    (Kind::AccountNumber, 20_000),
    (Kind::Phone, 25_000),
    (Kind::DateOfBirth, 20_000),
    (Kind::Postcode, 15_000),
    (Kind::Email, 25_000),
    (Kind::NiNumber, 20_000),
    (Kind::PersonName, 10_000),
    (Kind::Address, 20_000),
];

impl Default for DetectConfig {
    fn default() -> Self {
        DetectConfig {
            number_min_digits: 8,
            number_from_agent: true,
            run_gap_ms: 2_000,
            join_gap_ms: 6_000,
            turn_gap_ms: 1_500,
            card_window_min_digits: 3,
            settle_ms: 6_000,
            stack_ms: 2_500,
            voiced_gap_kinds: vec![Kind::CardNumber, Kind::SecurityCode],
            voiced_gap_min_ms: 300,
            answer_kinds: vec![
                Kind::CardNumber,
                Kind::SecurityCode,
                Kind::ExpiryDate,
                Kind::SortCode,
                Kind::AccountNumber,
                Kind::NiNumber,
                Kind::DateOfBirth,
                Kind::Postcode,
                Kind::Phone,
                Kind::Email,
                Kind::PersonName,
                Kind::Address,
            ],
            terms: Vec::new(),
            term_files: Vec::new(),
            window_ms: BUILTIN_WINDOW_MS.iter().copied().collect(),
            triggers: BTreeMap::new(),
            closing_phrases: Vec::new(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TermFileError {
    #[error("{path}: cannot read term file: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
}

impl DetectConfig {
    /// The window length for `kind`: the policy's, else the built-in one, else 15 s.
    pub fn window_ms(&self, kind: Kind) -> u64 {
        self.window_ms
            .get(&kind)
            .copied()
            .or_else(|| {
                BUILTIN_WINDOW_MS
                    .iter()
                    .find(|(k, _)| *k == kind)
                    .map(|(_, v)| *v)
            })
            .unwrap_or(15_000)
    }

    /// `terms` plus every line of every `term_files` entry. Callers that load a policy should
    /// call this once at start-up so a missing file stops the run instead of silently muting
    /// nothing.
    pub fn load_terms(&self) -> Result<Vec<String>, TermFileError> {
        let mut out: Vec<String> = self
            .terms
            .iter()
            .filter(|t| !t.trim().is_empty())
            .cloned()
            .collect();
        for path in &self.term_files {
            let text = std::fs::read_to_string(path).map_err(|source| TermFileError::Read {
                path: path.display().to_string(),
                source,
            })?;
            out.extend(
                text.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty() && !l.starts_with('#'))
                    .map(String::from),
            );
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn term_files_are_read_line_by_line_without_comments() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("terms.txt");
        std::fs::write(&f, "# project names\nFalcon\n\n  Blue Heron  \n").unwrap();
        let cfg = DetectConfig {
            terms: vec!["Osprey".into()],
            term_files: vec![f],
            ..DetectConfig::default()
        };
        assert_eq!(
            cfg.load_terms().unwrap(),
            ["Osprey", "Falcon", "Blue Heron"]
        );
    }

    #[test]
    fn a_missing_term_file_is_an_error_naming_it() {
        let cfg = DetectConfig {
            term_files: vec!["/nonexistent/terms.txt".into()],
            ..DetectConfig::default()
        };
        let e = cfg.load_terms().unwrap_err().to_string();
        assert!(e.contains("/nonexistent/terms.txt"), "{e}");
    }
}
