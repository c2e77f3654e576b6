//! NUMBER: a long digit run that nothing else explains. When in doubt, mute: an account or
//! card number whose context Whisper lost looks exactly like this. A case reference of that
//! length read out by the agent is muted too (it costs QA a reference the CRM already holds).
//! A UK freephone or company number (0800..., 03...) is the one long number left alone: no
//! person owns it, and agents read the helpline number out on many calls.

use super::phone::is_business_number;
use super::scene::Scene;
use super::{value_finding, Basis, Candidate, Detector};
use crate::types::{Kind, Role};

pub(crate) struct LongNumber;

const NAME: &str = "digits.number";

impl Detector for LongNumber {
    fn name(&self) -> &'static str {
        NAME
    }

    fn find(&self, scene: &Scene, out: &mut Vec<Candidate>) {
        for v in &scene.values {
            let n = v.run.len();
            if n < scene.cfg.number_min_digits.max(1) || (v.role == Role::Agent && !scene.cfg.number_from_agent) || is_business_number(&v.run.values()) {
                continue;
            }
            out.push(Candidate { finding: value_finding(v, 0..n, Kind::Number, 0.5, NAME, "long_digit_run".into()), basis: Basis::Fallback });
        }
    }
}
