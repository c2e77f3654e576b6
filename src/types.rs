//! Plain data passed between pipeline stages: words from transcription, findings from detection.

use crate::units::{Frame, Ms};
use serde::{Deserialize, Serialize};

/// One recognised word on one channel, with the times whisper gave its tokens.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Word {
    pub text: String,
    pub start: Ms,
    pub end: Ms,
    /// Mean token probability, 0..1.
    pub prob: f32,
}

/// Who speaks on a channel. Stereo call recorders put the agent on one side and the customer on
/// the other; a mono recording is both mixed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Agent,
    Customer,
    Mixed,
}

impl Role {
    /// Channel `c`'s role in a recording of `channels`: in stereo the agent is on the left and
    /// the customer on the right; anything else is mixed.
    pub fn of_channel(channels: usize, c: usize) -> Role {
        match (channels, c) {
            (2, 0) => Role::Agent,
            (2, 1) => Role::Customer,
            _ => Role::Mixed,
        }
    }
}

/// The words of one channel, in time order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChannelTranscript {
    pub channel: u16,
    pub role: Role,
    pub words: Vec<Word>,
}

/// A whole call: one entry per source channel that was transcribed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CallTranscript {
    pub channels: Vec<ChannelTranscript>,
}

/// A stretch of a channel where the voice-activity pass heard speech. Detection uses these to
/// treat voiced audio that no word covers (whisper drops utterances) as sensitive inside a
/// payment window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Voiced {
    pub channel: u16,
    pub start: Ms,
    pub end: Ms,
}

/// What a finding is. The string forms are the audit's `kind` column and the transcript tags.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Kind {
    CardNumber,
    SecurityCode,
    ExpiryDate,
    SortCode,
    AccountNumber,
    NiNumber,
    Phone,
    Email,
    Postcode,
    DateOfBirth,
    PersonName,
    Address,
    /// A customer-supplied term list entry.
    Term,
    /// A long digit run with no context: muted because, in doubt, we mute.
    Number,
}

impl Kind {
    pub const ALL: [Kind; 14] = [
        Kind::CardNumber,
        Kind::SecurityCode,
        Kind::ExpiryDate,
        Kind::SortCode,
        Kind::AccountNumber,
        Kind::NiNumber,
        Kind::Phone,
        Kind::Email,
        Kind::Postcode,
        Kind::DateOfBirth,
        Kind::PersonName,
        Kind::Address,
        Kind::Term,
        Kind::Number,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::CardNumber => "CARD_NUMBER",
            Kind::SecurityCode => "SECURITY_CODE",
            Kind::ExpiryDate => "EXPIRY_DATE",
            Kind::SortCode => "SORT_CODE",
            Kind::AccountNumber => "ACCOUNT_NUMBER",
            Kind::NiNumber => "NI_NUMBER",
            Kind::Phone => "PHONE",
            Kind::Email => "EMAIL",
            Kind::Postcode => "POSTCODE",
            Kind::DateOfBirth => "DATE_OF_BIRTH",
            Kind::PersonName => "PERSON_NAME",
            Kind::Address => "ADDRESS",
            Kind::Term => "TERM",
            Kind::Number => "NUMBER",
        }
    }

    /// The transcript tag that replaces the words of a finding.
    pub fn tag(self) -> String {
        format!("[{}]", self.as_str())
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s))
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Indices of the words a finding covers, inclusive, in one channel's word list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WordRange {
    pub channel: u16,
    pub first: usize,
    pub last: usize,
}

/// Something sensitive, located in time. Never carries the sensitive text itself.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub kind: Kind,
    /// The channel that spoke it; None where it could not be told (mixed audio) or for a whole-call rule.
    pub channel: Option<u16>,
    pub start: Ms,
    pub end: Ms,
    /// 0..1; Luhn, IIN ranges and context raise it.
    pub confidence: f32,
    /// Which detector found it, e.g. "digits.card".
    pub detector: &'static str,
    /// Why: the rule or trigger that fired, e.g. "trigger:card_number", "luhn", "voiced_gap".
    pub rule: String,
    /// The words it covers, for the redacted transcript; None for voiced gaps with no words.
    pub words: Option<WordRange>,
}

/// A range of frames to redact, end exclusive, on a set of channels: what planning hands the
/// writers.
#[derive(Clone, Debug, PartialEq)]
pub struct Span {
    pub start: Frame,
    pub end: Frame,
    /// Sorted channel indices.
    pub channels: Vec<u16>,
    /// The kinds that caused it, sorted, without repeats.
    pub kinds: Vec<Kind>,
}

impl Span {
    pub fn frames(&self) -> u64 {
        self.end.0 - self.start.0
    }
}
