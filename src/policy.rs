//! The redaction policy: which kinds are found, how spans are padded and muted, and on which
//! channels. Read from TOML; unknown keys are refused so a typo cannot silently switch a kind off.

use crate::audio::limits::Limits;
use crate::detect::{DetectConfig, KindFilter};
use crate::types::Kind;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;

/// The policy that ships with the tool; `callredact policy` prints it.
pub const DEFAULT_POLICY_TOML: &str = include_str!("../policy/default.toml");

#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("{path}: cannot read policy file: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: invalid policy: {message}")]
    Parse { path: String, message: String },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Silence with short fades.
    Mute,
    /// A quiet tone, so a listener hears that something was removed.
    Tone,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChannelPolicy {
    /// Mute every channel over a span: cross-talk and echo carry the customer's voice into the
    /// agent's channel.
    All,
    /// Mute only the channel that spoke the value.
    Speaker,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RedactPolicy {
    pub mode: Mode,
    pub channels: ChannelPolicy,
    /// Fade in and out at each span edge, so the cut makes no click.
    pub fade_ms: u64,
    /// Padding added on both sides of every span, unless the kind sets its own.
    pub pad_ms: u64,
    /// Move span edges outwards to the nearest pause in the speaker's channel, at most this far.
    pub snap_max_ms: u64,
    pub tone_hz: f32,
    pub tone_dbfs: f32,
}

impl Default for RedactPolicy {
    fn default() -> Self {
        RedactPolicy {
            mode: Mode::Mute,
            channels: ChannelPolicy::All,
            fade_ms: 5,
            pad_ms: 250,
            snap_max_ms: 600,
            tone_hz: 1000.0,
            tone_dbfs: -30.0,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct KindPolicy {
    pub enabled: bool,
    /// Overrides `redact.pad_ms` for this kind.
    pub pad_ms: Option<u64>,
    /// Overrides `redact.snap_max_ms` for this kind.
    pub snap_max_ms: Option<u64>,
}

impl Default for KindPolicy {
    fn default() -> Self {
        KindPolicy {
            enabled: true,
            pad_ms: None,
            snap_max_ms: None,
        }
    }
}

/// The `[verify]` section: the second listen before publishing (see `verify`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct VerifyPolicy {
    /// Verify every recording before it is published (`run --verify` turns it on too).
    pub enabled: bool,
    /// A run of this many digits still audible fails the recording, whatever it is: see the
    /// README for the false-alarm rates that chose it.
    pub min_digits: usize,
}

impl Default for VerifyPolicy {
    fn default() -> Self {
        VerifyPolicy {
            enabled: false,
            min_digits: 8,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Policy {
    pub version: u32,
    pub redact: RedactPolicy,
    /// Keyed by kind name as in the audit (`CARD_NUMBER`, `EMAIL`, ...). A kind not listed is on.
    pub kinds: BTreeMap<Kind, KindPolicy>,
    pub detect: DetectConfig,
    /// What a recording may claim before it is refused (duration, channels, rate, memory).
    pub limits: Limits,
    /// The second listen before publishing.
    pub verify: VerifyPolicy,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            version: 1,
            redact: RedactPolicy::default(),
            kinds: BTreeMap::new(),
            detect: DetectConfig::default(),
            limits: Limits::default(),
            verify: VerifyPolicy::default(),
        }
    }
}

impl KindFilter for Policy {
    fn enabled(&self, kind: Kind) -> bool {
        Policy::enabled(self, kind)
    }
}

impl Policy {
    /// The shipped default policy.
    pub fn builtin() -> Policy {
        Policy::from_toml(DEFAULT_POLICY_TOML, "<builtin>").expect("the shipped policy parses")
    }

    pub fn from_toml(text: &str, origin: &str) -> Result<Policy, PolicyError> {
        toml::from_str(text).map_err(|e| PolicyError::Parse {
            path: origin.to_string(),
            message: e.message().to_string(),
        })
    }

    pub fn load(path: &Path) -> Result<Policy, PolicyError> {
        let text = std::fs::read_to_string(path).map_err(|source| PolicyError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Policy::from_toml(&text, &path.display().to_string())
    }

    pub fn enabled(&self, kind: Kind) -> bool {
        self.kinds.get(&kind).map(|k| k.enabled).unwrap_or(true)
    }

    pub fn pad_ms(&self, kind: Kind) -> u64 {
        self.kinds
            .get(&kind)
            .and_then(|k| k.pad_ms)
            .unwrap_or(self.redact.pad_ms)
    }

    pub fn snap_max_ms(&self, kind: Kind) -> u64 {
        self.kinds
            .get(&kind)
            .and_then(|k| k.snap_max_ms)
            .unwrap_or(self.redact.snap_max_ms)
    }

    /// Hash of the policy's meaning, not its text: the parsed policy re-serialised, so that
    /// comments and key order do not force a re-run of a finished batch.
    pub fn sha256(&self) -> String {
        let canonical = toml::to_string(self).expect("a parsed policy serialises");
        hex::encode(Sha256::digest(canonical.as_bytes()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_default_parses_and_matches_code_defaults_where_unset() {
        let p = Policy::builtin();
        assert_eq!(p.version, 1);
        assert!(Kind::ALL.iter().all(|k| p.enabled(*k)));
        assert_eq!(p.limits, Limits::default());
        assert_eq!(p.verify, VerifyPolicy::default());
    }

    #[test]
    fn unknown_keys_are_refused() {
        let err = Policy::from_toml("[redact]\nmood = \"mute\"\n", "x.toml").unwrap_err();
        assert!(err.to_string().contains("x.toml"), "{err}");
        assert!(Policy::from_toml("[kinds.CARD_NUMBR]\nenabled = false\n", "x").is_err());
    }

    #[test]
    fn kinds_can_be_switched_off_and_padded() {
        let p = Policy::from_toml(
            "[kinds.EMAIL]\nenabled = false\n[kinds.CARD_NUMBER]\npad_ms = 400\n",
            "x",
        )
        .unwrap();
        assert!(!p.enabled(Kind::Email));
        assert_eq!(p.pad_ms(Kind::CardNumber), 400);
        assert_eq!(p.pad_ms(Kind::Phone), p.redact.pad_ms);
    }

    #[test]
    fn hash_ignores_comments_but_not_meaning() {
        let a = Policy::from_toml("# hi\n[redact]\npad_ms = 100\n", "a").unwrap();
        let b = Policy::from_toml("[redact]\npad_ms = 100 # same\n", "b").unwrap();
        let c = Policy::from_toml("[redact]\npad_ms = 101\n", "c").unwrap();
        assert_eq!(a.sha256(), b.sha256());
        assert_ne!(a.sha256(), c.sha256());
    }

    #[test]
    fn shipped_policy_detect_section_equals_the_defaults() {
        assert_eq!(Policy::builtin().detect, DetectConfig::default());
    }

    #[test]
    fn an_empty_section_is_the_defaults() {
        let p = Policy::from_toml("[detect]\n", "x").unwrap();
        assert_eq!(p.detect, DetectConfig::default());
    }

    #[test]
    fn unknown_detect_keys_are_refused() {
        assert!(Policy::from_toml("[detect]\nnumber_min_digit = 6\n", "x").is_err());
        assert!(Policy::from_toml("[detect.window_ms]\nCARD = 1\n", "x").is_err());
    }

    #[test]
    fn a_policy_can_add_triggers_and_override_one_window() {
        let p = Policy::from_toml("[detect.window_ms]\nCARD_NUMBER = 45000\n[detect.triggers]\nSORT_CODE = [\"bank code\"]\n", "x").unwrap();
        assert_eq!(p.detect.window_ms(Kind::CardNumber), 45_000);
        // Kinds the policy did not list keep their built-in length.
        assert_eq!(p.detect.window_ms(Kind::SecurityCode), 15_000);
        assert_eq!(p.detect.triggers[&Kind::SortCode], ["bank code"]);
    }

    #[test]
    fn policy_hash_still_serialises_with_the_detect_tables() {
        let p = Policy::from_toml("[detect]\nterms = [\"Project Falcon\"]\n[detect.triggers]\nSORT_CODE = [\"bank code\"]\n", "x").unwrap();
        assert_eq!(p.sha256().len(), 64);
        assert_ne!(p.sha256(), Policy::builtin().sha256());
    }
}
