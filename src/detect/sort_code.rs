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
                    out.push(Candidate {
                        finding: value_finding(v, 0..n, Kind::SortCode, conf, NAME, w.rule()),
                        basis: Basis::Context,
                    });
                }
                // Sort code and account number in one breath: 6 + 8 digits.
                (_, Some(w)) if n == 14 => {
                    out.push(Candidate {
                        finding: value_finding(v, 0..6, Kind::SortCode, 0.8, NAME, w.rule()),
                        basis: Basis::Context,
                    });
                }
                _ if is_written_sort_code(
                    v.run.piece_lens().as_slice(),
                    &v.run.pieces.iter().map(|p| p.sep).collect::<Vec<_>>(),
                ) =>
                {
                    out.push(Candidate {
                        finding: value_finding(
                            v,
                            0..n,
                            Kind::SortCode,
                            0.6,
                            NAME,
                            "dd-dd-dd".into(),
                        ),
                        basis: Basis::Content,
                    });
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

    use crate::detect::testutil::kinds;
    use crate::types::Kind;

    #[test]
    fn forty_twelve_seventy_six_after_the_question_is_a_sort_code() {
        assert_eq!(
            kinds(&[
                (0, "what's the sort code", 0),
                (1, "forty twelve seventy six", 2_500)
            ]),
            [(Kind::SortCode, 1)]
        );
    }

    #[test]
    fn a_written_sort_code_needs_no_question() {
        assert_eq!(
            kinds(&[(0, "it's 40-12-76 I think", 0)]),
            [(Kind::SortCode, 0)]
        );
    }

    #[test]
    fn sort_code_and_account_number_in_one_breath_are_split() {
        let k = kinds(&[
            (0, "sort code and account number please", 0),
            (1, "40 12 76 12 34 56 78", 3_000),
        ]);
        assert_eq!(k, [(Kind::SortCode, 1), (Kind::AccountNumber, 1)]);
    }

    #[test]
    fn only_dashed_pairs_are_a_written_sort_code() {
        assert!(is_written_sort_code(
            &[2, 2, 2],
            &[Sep::Join, Sep::Dash, Sep::Dash]
        ));
        assert!(!is_written_sort_code(
            &[2, 2, 2],
            &[Sep::Join, Sep::Slash, Sep::Slash]
        ));
        assert!(!is_written_sort_code(&[2, 2], &[Sep::Join, Sep::Dash]));
    }
}
