//! Card security codes (CVV/CVC, 3 or 4 digits). They only mean anything after a trigger
//! ("the three digits on the back"): three digits anywhere else are an amount, a time, a count.

use super::scene::Scene;
use super::{value_finding, Basis, Candidate, Detector};
use crate::types::Kind;

pub(crate) struct SecurityCode;

const NAME: &str = "digits.security_code";

impl Detector for SecurityCode {
    fn name(&self) -> &'static str {
        NAME
    }

    fn find(&self, scene: &Scene, out: &mut Vec<Candidate>) {
        for v in &scene.values {
            let Some(w) = scene.window_of(&v.windows, Kind::SecurityCode) else { continue };
            let n = v.run.len();
            // Two to eight digits: a dropped or doubled digit, or the code said twice, is still
            // the code. Longer runs are a card number read again and left to the card detector.
            if (2..=8).contains(&n) && !v.run.year_like && !v.run.has_slash() {
                let conf = if (3..=4).contains(&n) { 0.9 } else { 0.7 };
                out.push(Candidate { finding: value_finding(v, 0..n, Kind::SecurityCode, conf, NAME, w.rule()), basis: Basis::Context });
            }
        }
    }
}
