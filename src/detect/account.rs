//! UK bank account numbers: eight digits (six to ten allowing for old formats and misheard
//! digits) after an account trigger, or right after a sort code.

use super::scene::Scene;
use super::{value_finding, Basis, Candidate, Detector};
use crate::types::Kind;

pub(crate) struct Account;

const NAME: &str = "digits.account";

impl Detector for Account {
    fn name(&self) -> &'static str {
        NAME
    }

    fn find(&self, scene: &Scene, out: &mut Vec<Candidate>) {
        for v in &scene.values {
            let n = v.run.len();
            let account = scene.window_of(&v.windows, Kind::AccountNumber);
            let sort = scene.window_of(&v.windows, Kind::SortCode);
            let (w, range, conf) = match (account, sort) {
                (Some(w), _) if (6..=10).contains(&n) => (w, 0..n, if n == 8 { 0.95 } else { 0.8 }),
                // The account number often follows the sort code before anyone asks for it.
                (None, Some(w)) if (8..=10).contains(&n) => (w, 0..n, 0.75),
                (Some(w), _) | (None, Some(w)) if n == 14 => (w, 6..14, 0.8),
                _ => continue,
            };
            if v.run.year_like {
                continue;
            }
            out.push(Candidate {
                finding: value_finding(v, range, Kind::AccountNumber, conf, NAME, w.rule()),
                basis: Basis::Context,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::detect::testutil::kinds;
    use crate::types::Kind;

    #[test]
    fn eight_digits_after_the_account_question_are_an_account_number() {
        assert_eq!(
            kinds(&[
                (0, "and the account number", 0),
                (1, "three one double four five six nine two", 2_500)
            ]),
            [(Kind::AccountNumber, 1)]
        );
    }

    #[test]
    fn the_account_number_right_after_the_sort_code_counts() {
        let k = kinds(&[
            (0, "what's the sort code", 0),
            (1, "40 12 76", 2_500),
            (1, "12345678", 5_000),
        ]);
        assert_eq!(k, [(Kind::SortCode, 1), (Kind::AccountNumber, 1)]);
    }
}
