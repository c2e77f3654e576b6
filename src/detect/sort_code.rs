//! UK bank sort codes: six digits, "40-12-76" or "forty twelve seventy six". After a trigger
//! any five to seven digits; without one only the written dd-dd-dd shape.

use super::normalise::Sep;
use super::scene::Scene;
use super::{value_finding, Basis, Candidate, Detector};
use crate::types::Kind;

pub(crate) struct SortCode;

const NAME: &str = "digits.sort_code";

impl Detector for SortCode {
    fn name(&self) -> &'static str {
        NAME
    }

    fn find(&self, scene: &Scene, out: &mut Vec<Candidate>) {
        for v in &scene.values {
            let n = v.run.len();
            let sort = scene.window_of(&v.windows, Kind::SortCode);
            let bank = sort.or_else(|| scene.window_of(&v.windows, Kind::AccountNumber));
            match (sort, bank) {
                (Some(w), _) if (5..=7).contains(&n) && !v.run.year_like => {
                    let conf = if n == 6 { 0.95 } else { 0.8 };
                    out.push(Candidate { finding: value_finding(v, 0..n, Kind::SortCode, conf, NAME, w.rule()), basis: Basis::Context });
                }
                // Sort code and account number in one breath: 6 + 8 digits.
                (_, Some(w)) if n == 14 => {
                    out.push(Candidate { finding: value_finding(v, 0..6, Kind::SortCode, 0.8, NAME, w.rule()), basis: Basis::Context });
                }
                _ if is_written_sort_code(v.run.piece_lens().as_slice(), &v.run.pieces.iter().map(|p| p.sep).collect::<Vec<_>>()) => {
                    out.push(Candidate { finding: value_finding(v, 0..n, Kind::SortCode, 0.6, NAME, "dd-dd-dd".into()), basis: Basis::Content });
                }
                _ => {}
            }
        }
    }
}

/// "40-12-76": three pairs joined by dashes, as Whisper writes a sort code.
fn is_written_sort_code(lens: &[usize], seps: &[Sep]) -> bool {
    lens == [2, 2, 2] && seps[1..].iter().all(|s| *s == Sep::Dash)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_dashed_pairs_are_a_written_sort_code() {
        assert!(is_written_sort_code(&[2, 2, 2], &[Sep::Join, Sep::Dash, Sep::Dash]));
        assert!(!is_written_sort_code(&[2, 2, 2], &[Sep::Join, Sep::Slash, Sep::Slash]));
        assert!(!is_written_sort_code(&[2, 2], &[Sep::Join, Sep::Dash]));
    }
}
