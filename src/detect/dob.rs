//! Dates of birth: any date or short digit run after a DOB trigger, and without one a full
//! date (day, month, year) whose year is a plausible birth year: "fourth of July ninety one".

use super::scene::Scene;
use super::{date_finding, value_finding, Basis, Candidate, Detector};
use crate::types::Kind;
use chrono::Datelike;

pub(crate) struct DateOfBirth;

const NAME: &str = "dates.dob";

/// The oldest caller we expect; the youngest is 16, the account-holding age.
const OLDEST_BIRTH_YEAR: u16 = 1915;
const YOUNGEST_AGE: u16 = 16;

impl Detector for DateOfBirth {
    fn name(&self) -> &'static str {
        NAME
    }

    fn find(&self, scene: &Scene, out: &mut Vec<Candidate>) {
        let this_year = chrono::Utc::now().year().clamp(2000, 9999) as u16;
        for d in &scene.dates {
            match scene.window_of(&d.windows, Kind::DateOfBirth) {
                Some(w) => {
                    out.push(Candidate {
                        finding: date_finding(d, Kind::DateOfBirth, 0.9, NAME, w.rule()),
                        basis: Basis::Context,
                    });
                }
                // In an expiry window a date is the expiry's.
                None if scene.window_of(&d.windows, Kind::ExpiryDate).is_some() => {}
                None => {
                    let date = &d.date;
                    let plausible = date.birth_year(this_year).is_some_and(|y| {
                        (OLDEST_BIRTH_YEAR..=this_year - YOUNGEST_AGE).contains(&y)
                    });
                    if date.day.is_some() && date.month.is_some() && plausible {
                        out.push(Candidate {
                            finding: date_finding(
                                d,
                                Kind::DateOfBirth,
                                0.65,
                                NAME,
                                "plausible_birth_year".into(),
                            ),
                            basis: Basis::Content,
                        });
                    }
                }
            }
        }
        for v in &scene.values {
            let Some(w) = scene.window_of(&v.windows, Kind::DateOfBirth) else {
                continue;
            };
            let n = v.run.len();
            // "fourteen oh three eighty two" (6), "14/03/1982" (8), "born in 1982" (4). Not
            // an age ("I'm 42") nor a year after "since".
            if (4..=8).contains(&n) && !v.run.year_like {
                out.push(Candidate {
                    finding: value_finding(v, 0..n, Kind::DateOfBirth, 0.85, NAME, w.rule()),
                    basis: Basis::Context,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::detect::testutil::kinds;
    use crate::types::Kind;

    #[test]
    fn fourth_of_july_ninety_one_is_a_birth_date_without_context() {
        assert_eq!(
            kinds(&[(0, "for security it's the fourth of July ninety one", 0)]),
            [(Kind::DateOfBirth, 0)]
        );
    }

    #[test]
    fn any_date_after_the_question_is_a_birth_date() {
        assert_eq!(
            kinds(&[(0, "and your date of birth", 0), (1, "14/03/82", 2_500)]),
            [(Kind::DateOfBirth, 1)]
        );
        assert_eq!(
            kinds(&[
                (0, "date of birth please", 0),
                (1, "3rd of the 4th 1990", 2_500)
            ]),
            [(Kind::DateOfBirth, 1)]
        );
        assert_eq!(
            kinds(&[
                (0, "date of birth please", 0),
                (1, "fourteen oh three eighty two", 2_500)
            ]),
            [(Kind::DateOfBirth, 1)]
        );
    }

    #[test]
    fn a_recent_date_is_not_a_birth_date() {
        assert!(kinds(&[(0, "the letter was dated the 4th of March 2024", 0)]).is_empty());
    }

    #[test]
    fn an_age_after_the_question_is_not_a_birth_date() {
        assert_eq!(
            kinds(&[
                (0, "date of birth please", 0),
                (1, "May the seventeenth 1988 I'm 42 so", 2_500)
            ]),
            [(Kind::DateOfBirth, 1)]
        );
    }
}
