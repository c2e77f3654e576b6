//! The payment phase. Once a customer has read out card data (or a long number Whisper could
//! not place, which on a garbled call is usually the card) in a stereo call, the replies that
//! follow are the rest of it (expiry date, security code, the cardholder's name) far more often
//! than anything else, and Whisper garbles the agent's questions as badly as the answers ("the
//! next part" for "the expiry"). PCI DSS practice is to stop recording for the whole payment;
//! this mutes, for `PHASE_MS` after card data, each reply of the customer to the agent, until
//! the agent changes the subject with a closing phrase ("reference number", "anything else").

use super::answer::{before_tail_stretch, past_lead_in_stretch};
use super::normalise::clean;
use super::scene::Scene;
use crate::types::{Finding, Kind, Role};
use crate::units::Ms;

const NAME: &str = "context.payment_phase";
/// How long after the customer's card data their replies are still taken as card data.
const PHASE_MS: u64 = 25_000;
/// Customer speech closer than this to the previous stretch is one reply.
const REPLY_GAP_MS: u64 = 1_200;

/// The agent reading back what the customer just said is the same value again, and Whisper
/// garbles a read-back as freely as the reading ("so, ask for a free noise, 1 4 8 8, O3"):
/// the agent's speech that starts within `READBACK_MS` of the customer's digits, up to the
/// customer's next words, is muted as the same kind when it says three digits or more.
const READBACK_MS: u64 = 4_000;
const READBACK_DIGITS: usize = 3;

fn read_backs(scene: &Scene, findings: &[Finding]) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::new();
    let agents: Vec<_> = scene
        .channels
        .iter()
        .filter(|a| a.role == Role::Agent)
        .map(|a| (a, super::utterance::word_digits(a)))
        .collect();
    for f in findings.iter().filter(|f| {
        matches!(
            f.kind,
            Kind::CardNumber | Kind::Number | Kind::AccountNumber | Kind::SortCode | Kind::Phone
        )
    }) {
        let Some(c) = f.channel else { continue };
        if scene.channel(c).map(|ch| ch.role) != Some(Role::Customer) {
            continue;
        }
        // Each stretch of the customer's inside the finding may be followed by a read-back.
        let customer = scene.regions(c);
        for &(_, said_end) in customer.iter().filter(|r| r.1 > f.start && r.0 < f.end) {
            let next_customer = customer
                .iter()
                .map(|r| r.0)
                .find(|s| *s > said_end)
                .unwrap_or(Ms(u64::MAX));
            for (agent, digits) in &agents {
                let regions: Vec<(Ms, Ms)> = scene
                    .regions(agent.channel)
                    .into_iter()
                    .filter(|r| r.0 >= said_end.saturating_sub(Ms(500)) && r.0 < next_customer)
                    .collect();
                let Some(&(first, _)) = regions.first() else {
                    continue;
                };
                if first.0 > said_end.0 + READBACK_MS
                    || out
                        .iter()
                        .any(|o| o.channel == Some(agent.channel) && o.start == first)
                {
                    continue;
                }
                let mut end = regions.iter().map(|r| r.1).max().unwrap_or(first);
                // A trigger or closing phrase ("your reference is", "and the expiry") starts
                // something else: what follows it is not the read-back.
                if let Some(t) = scene
                    .triggers
                    .iter()
                    .filter(|t| t.channel == agent.channel && t.start > first && t.start < end)
                    .map(|t| t.start)
                    .min()
                {
                    end = t;
                }
                if scene.triggers.iter().any(|t| {
                    t.channel == agent.channel
                        && t.kind.is_none()
                        && t.start <= first
                        && t.end > first
                }) {
                    continue;
                }
                // A price the agent quotes ("29.99", "£5") is not a read-back; a garbled
                // read-back ("0.30") still counts.
                let price = |t: &str| {
                    let t = t.trim_end_matches(['.', ',', '?', '!']);
                    t.contains('£')
                        || t.split_once('.').is_some_and(|(a, b)| {
                            !a.is_empty()
                                && !a.starts_with('0')
                                && a.chars().all(|c| c.is_ascii_digit())
                                && b.len() == 2
                                && b.chars().all(|c| c.is_ascii_digit())
                        })
                };
                let said: Vec<_> = agent
                    .words
                    .iter()
                    .enumerate()
                    .filter(|(i, w)| {
                        w.start >= first && w.start < end && !price(&w.text) && digits[*i] > 0
                    })
                    .map(|(i, w)| (digits[i], w.start, w.end))
                    .collect();
                let n: usize = said.iter().map(|d| d.0).sum();
                if n >= READBACK_DIGITS {
                    // The voiced stretches that say the digits, from the first to the last:
                    // the agent's "thanks" and questions in other stretches stay audible,
                    // while the garbled edge of a group said in the same breath is muted.
                    let a = said.first().map_or(first, |d| d.1);
                    let b = said.last().map_or(end, |d| d.2);
                    let (a, b) = (
                        regions
                            .iter()
                            .find(|r| r.0 <= a && a <= r.1)
                            .map_or(a, |r| r.0.max(first)),
                        regions
                            .iter()
                            .find(|r| r.0 <= b && b <= r.1)
                            .map_or(b, |r| r.1.min(end)),
                    );
                    out.push(Finding {
                        kind: f.kind,
                        channel: Some(agent.channel),
                        start: a,
                        end: b.max(a),
                        confidence: 0.4,
                        detector: NAME,
                        rule: "read_back".into(),
                        words: None,
                    });
                }
            }
        }
    }
    out
}

pub(crate) fn extend(scene: &Scene, findings: &mut Vec<Finding>) {
    let backs = read_backs(scene, findings);
    findings.extend(backs);
    let customers: Vec<u16> = scene
        .channels
        .iter()
        .filter(|c| c.role == Role::Customer)
        .map(|c| c.channel)
        .collect();
    if customers.is_empty() || scene.channels.len() < 2 {
        return;
    }
    let mut added = Vec::new();
    for &c in &customers {
        let card_ends: Vec<Ms> = findings
            .iter()
            .filter(|f| {
                f.channel == Some(c)
                    && (matches!(f.kind, Kind::CardNumber | Kind::SecurityCode)
                        || (f.kind == Kind::Number && scene.paying(f.start)))
            })
            .map(|f| f.end)
            .collect();
        let regions = scene.regions(c);
        for end in card_ends {
            let phase_end = end + Ms(PHASE_MS);
            // The agent moving on to other business ends the phase early.
            let closed = scene
                .triggers
                .iter()
                .filter(|t| {
                    t.kind.is_none() && t.channel != c && t.start > end && t.start < phase_end
                })
                .map(|t| t.start)
                .min();
            let phase_end = closed.map_or(phase_end, |t| t.min(phase_end));
            let mut reply: Option<(Ms, Ms)> = None;
            for &(s, e) in regions.iter().filter(|(s, _)| *s >= end && *s < phase_end) {
                // A reply follows the agent's speech; one started right after the card data
                // without the agent in between is still the card reading, already muted.
                let agent_between = |a: Ms, b: Ms| scene.others_voiced(c, a, b);
                match reply {
                    Some((rs, re)) if s.0 <= re.0 + REPLY_GAP_MS && !agent_between(re, s) => {
                        reply = Some((rs, e))
                    }
                    _ => {
                        if let Some(r) = reply.take() {
                            added.push(r);
                        }
                        let prev_end = regions
                            .iter()
                            .rev()
                            .find(|r| r.1 <= s)
                            .map(|r| r.1)
                            .unwrap_or(end);
                        if agent_between(prev_end.max(end), s) {
                            reply = Some((s, e));
                        }
                    }
                }
            }
            added.extend(reply);
        }
        let ch = scene.channel(c);
        for (s, e) in added.drain(..) {
            // "My email is ...": a stretch of lead-in words before the reply is not card data.
            let s = ch.map_or(s, |ch| past_lead_in_stretch(ch, &regions, s, e));
            let e = ch.map_or(e, |ch| before_tail_stretch(ch, &regions, s, e));
            let covered = findings
                .iter()
                .any(|f| f.channel == Some(c) && f.start <= s && f.end >= e);
            if !covered && !only_assent(scene, c, s, e) {
                findings.push(Finding {
                    kind: Kind::CardNumber,
                    channel: Some(c),
                    start: s,
                    end: e,
                    confidence: 0.4,
                    detector: NAME,
                    rule: "payment_phase".into(),
                    words: None,
                });
            }
        }
    }
}

/// Whether everything Whisper heard in [s, e) is assent ("Correct.", "Yes, that's right"): the
/// customer confirming a read-back says no digits. A reply with no words, or any other word,
/// is card data. Deliberately narrower than the acknowledgements that join a value's groups:
/// "so fine" there is "oh five nine" here.
fn only_assent(scene: &Scene, c: u16, s: Ms, e: Ms) -> bool {
    const ASSENT: &[&str] = &[
        "yes", "yeah", "yep", "correct", "that's", "thats", "right", "it", "is", "no", "thank",
        "thanks", "you", "okay", "ok", "great", "lovely", "perfect", "cheers",
    ];
    let Some(ch) = scene.channel(c) else {
        return false;
    };
    let mut words = ch
        .words
        .iter()
        .filter(|w| w.start >= s && w.start < e)
        .map(|w| clean(&w.text))
        .peekable();
    words.peek().is_some() && words.all(|w| ASSENT.contains(&w.as_str()))
}

#[cfg(test)]
mod tests {
    use crate::detect::testutil::{found_with, voiced as v};
    use crate::detect::DetectConfig;
    use crate::types::Kind;

    #[test]
    fn a_garbled_reply_after_the_card_number_is_muted_as_card_data() {
        let u = [
            (0, "what's the long number on the front", 0),
            (1, "4539 1488 0343 6467", 3_000),
            (0, "thank you and the next part", 6_000),
            (1, "well flashed when fid thick", 8_500),
            (0, "and your reference number is nine", 12_000),
            (1, "lovely thanks very much", 16_000),
        ];
        let voiced = [
            v(0, 0, 2_700),
            v(1, 2_900, 4_700),
            v(0, 5_900, 8_000),
            v(1, 8_400, 10_300),
            v(0, 11_900, 14_500),
            v(1, 15_900, 17_500),
        ];
        let f = found_with(&u, &voiced, &DetectConfig::default());
        let phase: Vec<(u64, u64)> = f
            .iter()
            .filter(|f| f.detector == super::NAME)
            .map(|f| (f.start.0, f.end.0))
            .collect();
        assert_eq!(phase, [(8_400, 10_300)]);
        assert!(f
            .iter()
            .filter(|f| f.kind == Kind::CardNumber)
            .all(|f| f.channel == Some(1)));
    }
}
