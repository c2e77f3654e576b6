//! A second listen before publishing: the redacted audio, still in its temp file, is
//! transcribed again and the digit detectors run over what is still audible. A card number, a
//! security code, or any run of `min_digits` or more digits still heard fails the recording
//! closed: it is not published, and its error names the channel and the times, never the
//! digits, so that a person can `inspect` it.
//!
//! Only detectors that read digits off the words count here. The rules that rest on voice
//! activity and turn-taking ("the reply to the card question is card data") would fire on the
//! redacted call itself: there the agent's question is audible and the customer's next audible
//! words, after the muted reply, are not card data.

use crate::asr::transcribe::Model;
use crate::audio::limits::Limits;
use crate::audio::recording::Recording;
use crate::audio::vad;
use crate::detect::{self, normalise::digit_runs, DetectConfig, KindFilter};
use crate::policy::VerifyPolicy;
use crate::types::{CallTranscript, ChannelTranscript, Kind, Role};
use crate::units::Ms;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// What the second listen heard still audible: kinds and times only.
#[derive(Clone, Debug, PartialEq)]
pub struct Audible {
    pub channel: u16,
    pub start: Ms,
    pub end: Ms,
    pub what: &'static str,
}

impl std::fmt::Display for Audible {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} still audible on channel {} at {:.2}-{:.2} s",
            self.what,
            self.channel,
            self.start.seconds(),
            self.end.seconds()
        )
    }
}

/// Only the kinds verification looks for.
struct DigitKinds;

impl KindFilter for DigitKinds {
    fn enabled(&self, kind: Kind) -> bool {
        matches!(kind, Kind::CardNumber | Kind::SecurityCode)
    }
}

/// Listens to the redacted file at `path` again. Returns what is still audible (empty: it
/// passed), or an error if the file cannot be read back.
pub fn listen_again(
    path: &Path,
    model: &Model,
    settings: (&Limits, &DetectConfig, &VerifyPolicy),
    threads: usize,
    stop: &Arc<AtomicBool>,
) -> Result<Vec<Audible>, String> {
    let (limits, cfg, v) = settings;
    let rec = Recording::open(path, limits, None).map_err(|e| e.to_string())?;
    let (voiced, _) = vad::analyse(&rec).map_err(|e| e.to_string())?;
    let n = rec.channel_count() as usize;
    let mut call = CallTranscript::default();
    for (c, regions) in voiced.iter().enumerate() {
        let t = model
            .transcribe(rec.channel(c as u16), regions, threads, stop)
            .map_err(|e| e.to_string())?;
        let role = Role::of_channel(n, c);
        call.channels.push(ChannelTranscript {
            channel: c as u16,
            role,
            words: t.words,
        });
    }
    Ok(audible(&call, &voiced, cfg, v))
}

/// The sensitive digits a transcript of redacted audio still holds.
pub fn audible(
    call: &CallTranscript,
    voiced: &[Vec<vad::Region>],
    cfg: &DetectConfig,
    v: &VerifyPolicy,
) -> Vec<Audible> {
    let flat = vad::flatten(voiced);
    let mut out: Vec<Audible> = detect::detect(call, &flat, cfg, &DigitKinds)
        .into_iter()
        .filter(|f| f.detector.starts_with("digits."))
        .map(|f| Audible {
            channel: f.channel.unwrap_or(0),
            start: f.start,
            end: f.end,
            what: if f.kind == Kind::CardNumber {
                "a card number"
            } else {
                "a security code"
            },
        })
        .collect();
    let gap = Ms(cfg.run_gap_ms);
    for ch in &call.channels {
        for run in digit_runs(&ch.words, gap) {
            if run.len() >= v.min_digits && !run.year_like {
                let (start, end) = (run.start(), run.end());
                if !out
                    .iter()
                    .any(|a| a.channel == ch.channel && a.start <= end && start <= a.end)
                {
                    out.push(Audible {
                        channel: ch.channel,
                        start,
                        end,
                        what: "a run of digits",
                    });
                }
            }
        }
    }
    out.sort_by_key(|a| (a.start, a.channel));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Word;

    fn call(words: &[(&str, u64)]) -> CallTranscript {
        CallTranscript {
            channels: vec![ChannelTranscript {
                channel: 0,
                role: Role::Mixed,
                words: words
                    .iter()
                    .map(|(t, s)| Word {
                        text: t.to_string(),
                        start: Ms(*s),
                        end: Ms(s + 300),
                        prob: 0.9,
                    })
                    .collect(),
            }],
        }
    }

    #[test]
    fn an_audible_card_number_fails_and_is_named_by_time_not_digits() {
        let c = call(&[
            ("my", 0),
            ("card", 400),
            ("is", 800),
            ("4539", 1200),
            ("1488", 1600),
            ("0343", 2000),
            ("6467", 2400),
        ]);
        let a = audible(
            &c,
            &[vec![]],
            &DetectConfig::default(),
            &VerifyPolicy::default(),
        );
        assert_eq!(a.len(), 1, "{a:?}");
        let msg = a[0].to_string();
        assert!(
            msg.contains("card number") && msg.contains("channel 0"),
            "{msg}"
        );
        assert!(!msg.contains("4539"), "{msg}");
    }

    #[test]
    fn a_long_digit_run_fails_and_amounts_years_and_short_numbers_pass() {
        let long = call(&[
            ("it's", 0),
            ("5", 400),
            ("5", 800),
            ("0", 1200),
            ("2", 1600),
            ("9", 2000),
            ("1", 2400),
            ("3", 2800),
            ("8", 3200),
        ]);
        assert_eq!(
            audible(
                &long,
                &[vec![]],
                &DetectConfig::default(),
                &VerifyPolicy::default()
            )[0]
            .what,
            "a run of digits"
        );
        let fine = call(&[
            ("that's", 0),
            ("£29.99", 400),
            ("since", 800),
            ("2019", 1200),
            ("you're", 1600),
            ("number", 2000),
            ("3", 2400),
        ]);
        assert!(audible(
            &fine,
            &[vec![]],
            &DetectConfig::default(),
            &VerifyPolicy::default()
        )
        .is_empty());
    }
}
