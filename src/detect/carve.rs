//! What a speaker says inside a finding that is not the value stays audible: a correction
//! between two readings ("...7 7 8 0, wait, sorry, that's wrong, it's 5 1 5 1 ..."), the
//! agent's cue before a read-back ("Just to confirm,") and the checking question after it
//! ("...5 7 6 5, have I got that right?"). The readings and the read-back are sensitive; a
//! finding stretched over them (a card's reach, a reply muted by voice activity) muted the
//! words around them too, a second or two of ordinary speech on every corrected or checked
//! value. So is the next question, in mono ("...1963. | Can you tell me the house number and
//! street? | It's 64..."). A voiced stretch inside a finding that says nothing but such a
//! phrase is cut out of it: a correction or a question anywhere (the finding becomes two), a
//! cue only at the finding's start, a
//! check only at its end (between two groups of one reading it is the agent saying "right"
//! while the customer reads on). Only whole stretches, and only ones whose every word belongs
//! to such a phrase, so a garbled group (odd words, digits, "the", "for") is never taken for
//! one.

use super::confirm::{only_checking_question, only_read_back_cue};
use super::normalise::{clean, is_correction};
use super::scene::{says_a_number, ChannelScene, Scene};
use crate::types::Finding;
use crate::units::Ms;

/// Words a correction phrase is made of besides the correction words themselves: "no, hang
/// on, it's", "sorry, no, I mean", "scratch that, let me start again", "my mistake, I read it
/// wrong". None is a digit's homophone but "on", which is only taken with a correction word in
/// the same phrase.
const GLUE: &[&str] = &[
    "no", "that's", "thats", "it's", "its", "it", "is", "on", "i", "i've", "mean", "meant", "that",
    "let", "me", "start", "again", "over", "try", "hold", "just", "not", "right", "my", "read",
    "said", "got",
];

/// Words that take back what was said, besides the normaliser's (`is_correction`), which
/// also end a digit run: "my mistake", "scratch that", "correction".
const TAKES_BACK: &[&str] = &["mistake", "scratch", "correction"];

fn corrects(w: &str) -> bool {
    is_correction(w) || TAKES_BACK.contains(&w)
}

/// What a voiced stretch says (its cleaned words): nothing Whisper wrote, a correction
/// phrase's words only (how many, and whether one is a correction word), or anything else.
enum Said {
    Nothing,
    Correction { words: usize, corrects: bool },
    Other,
}

fn said(words: &[String]) -> Said {
    if words.is_empty() {
        Said::Nothing
    } else if words
        .iter()
        .all(|w| corrects(w) || GLUE.contains(&w.as_str()))
    {
        Said::Correction {
            words: words.len(),
            corrects: words.iter().any(|w| corrects(w)),
        }
    } else {
        Said::Other
    }
}

/// What each of `regions` is to a finding (`Cut`). A correction phrase is a run of stretches
/// that say only its words (a stretch Whisper wrote nothing for counts only between two that
/// did: at the edge it may be a group Whisper dropped), two words or more in all, one of them
/// a correction word.
/// Whisper splits "Wait, | sorry. | That's wrong." over several short stretches.
fn marks(ch: &ChannelScene, regions: &[(Ms, Ms)]) -> Vec<Cut> {
    let words: Vec<Vec<String>> = regions
        .iter()
        .map(|r| ch.said(r.0, r.1).map(|w| clean(&w.text)).collect())
        .collect();
    let said: Vec<Said> = words.iter().map(|w| said(w)).collect();
    // A checking question in a stretch of its own ("Have I got that right?"): the customer is
    // asked to confirm what came before, and the question gives nothing.
    let mut cut: Vec<Cut> = words
        .iter()
        .zip(regions)
        .map(|(w, r)| {
            if only_checking_question(w) {
                Cut::Check
            } else if only_read_back_cue(w) {
                Cut::Cue
            } else if asks_for_a_value(ch, *r) {
                Cut::Question
            } else {
                Cut::Keep
            }
        })
        .collect();
    let mut i = 0;
    while i < said.len() {
        if !matches!(said[i], Said::Correction { .. }) {
            i += 1;
            continue;
        }
        // From this worded stretch, over correction and wordless stretches, to the last
        // worded one.
        let mut j = i;
        let mut last = i;
        while j + 1 < said.len() && !matches!(said[j + 1], Said::Other) {
            j += 1;
            if matches!(said[j], Said::Correction { .. }) {
                last = j;
            }
        }
        let (mut words, mut corrects) = (0, false);
        for s in &said[i..=last] {
            if let Said::Correction {
                words: n,
                corrects: c,
            } = s
            {
                words += n;
                corrects |= c;
            }
        }
        if words >= 2 && corrects {
            cut[i..=last].iter_mut().for_each(|c| *c = Cut::Correction);
        }
        i = last + 1;
    }
    cut
}

/// What a voiced stretch is to a finding over it.
#[derive(Clone, Copy, PartialEq)]
enum Cut {
    Keep,
    /// A correction phrase: cut out wherever it falls, between two readings too.
    Correction,
    /// A checking question: cut only at the finding's end. Between two groups of one
    /// reading it is the agent saying "right" while the customer reads on, and the reading
    /// stays one.
    Check,
    /// A read-back cue ("Just to confirm,"): cut only at the finding's start.
    Cue,
    /// The next question ("And the end date on the card?"): cut out wherever it falls.
    Question,
}

/// Whether the voiced stretch `r` is a question asking for a value and nothing else: it holds
/// a trigger phrase, ends in a question mark, and says no number outside the trigger's own
/// words ("the 3 digits on the back?"). In mono the agent's next question follows the reply
/// with hardly a pause, and a reply muted by voice activity, or a card's reach, ran over it.
/// A reply said in the same breath ("the expiry? oh four twenty seven") does not end the
/// stretch in a question mark, and keeps it.
fn asks_for_a_value(ch: &ChannelScene, r: (Ms, Ms)) -> bool {
    let inside: Vec<usize> = ch.said_at(r.0, r.1).collect();
    let Some(&last) = inside.last() else {
        return false;
    };
    inside.iter().any(|&i| ch.masked[i])
        && ch.words[last].text.trim_end().ends_with('?')
        && inside
            .iter()
            .all(|&i| ch.masked[i] || !says_a_number(&ch.words[i].text))
}

/// A voiced stretch, and what it says.
type Marked = ((Ms, Ms), Cut);

pub(crate) fn carve(scene: &Scene, findings: &mut Vec<Finding>) {
    // A phrase may reach past a finding: it is read over the whole channel, once.
    let marked: Vec<(u16, Vec<Marked>)> = scene
        .channels
        .iter()
        .map(|ch| {
            let regions = scene.regions(ch.channel);
            let cut = marks(ch, &regions);
            (ch.channel, regions.into_iter().zip(cut).collect())
        })
        .collect();
    let mut out = Vec::with_capacity(findings.len());
    for f in findings.drain(..) {
        let Some((_, marked)) = marked.iter().find(|m| Some(m.0) == f.channel) else {
            out.push(f);
            continue;
        };
        let inside: Vec<Marked> = marked
            .iter()
            .filter(|(r, _)| r.1 > f.start && r.0 < f.end)
            .copied()
            .collect();
        let cut: Vec<bool> = (0..inside.len())
            .map(|k| match inside[k].1 {
                Cut::Keep => false,
                Cut::Correction | Cut::Question => true,
                Cut::Check => inside[k + 1..].iter().all(|x| x.1 != Cut::Keep),
                Cut::Cue => inside[..k].iter().all(|x| x.1 != Cut::Keep),
            })
            .collect();
        // A finding over nothing but a correction was made for a reason of its own: kept.
        if !cut.iter().any(|x| *x) || cut.iter().all(|x| *x) {
            out.push(f);
            continue;
        }
        let inside: Vec<((Ms, Ms), bool)> = inside.iter().map(|x| x.0).zip(cut).collect();
        // The runs of stretches between the cut ones, each a finding of its own.
        for run in inside.split(|(_, cut)| *cut).filter(|run| !run.is_empty()) {
            let mut piece = f.clone();
            piece.start = f.start.max(run[0].0 .0);
            piece.end = f.end.min(run[run.len() - 1].0 .1);
            // Word ranges name the words a value was read from; a piece holds only some.
            piece.words = None;
            out.push(piece);
        }
    }
    *findings = out;
}

#[cfg(test)]
mod tests {
    use crate::detect::testutil::found_with;
    use crate::detect::DetectConfig;
    use crate::types::{Kind, Voiced};
    use crate::units::Ms;

    /// Voice activity on channel 0.
    fn v(s: u64, e: u64) -> Voiced {
        crate::detect::testutil::voiced(0, s, e)
    }

    fn cards(u: &[(u16, &str, u64)], voiced: &[Voiced]) -> Vec<(Ms, Ms)> {
        found_with(u, voiced, &DetectConfig::default())
            .iter()
            .filter(|f| f.kind == Kind::CardNumber)
            .map(|f| (f.start, f.end))
            .collect()
    }

    #[test]
    fn a_correction_between_two_readings_of_a_card_stays_audible() {
        let u = [
            (0, "the long number on the card please", 0),
            (0, "5 1 5 1 0 4 7 1 8 4 4 2 7 7 8 0", 3_000),
            (0, "wait sorry that's wrong it's", 10_000),
            (0, "5 1 5 1 0 4 7 1 8 4 4 2 7 7 8 1", 12_200),
        ];
        let voiced = [
            v(0, 2_700),
            v(2_900, 9_500),
            v(9_900, 11_900),
            v(12_100, 18_700),
        ];
        let c = cards(&u, &voiced);
        // Both readings muted, the correction between them not.
        assert!(
            c.iter().any(|s| s.0 <= Ms(3_000) && s.1 >= Ms(9_300)),
            "{c:?}"
        );
        assert!(
            c.iter().any(|s| s.0 <= Ms(12_200) && s.1 >= Ms(18_300)),
            "{c:?}"
        );
        assert!(
            !c.iter().any(|s| s.0 < Ms(11_500) && s.1 > Ms(10_500)),
            "{c:?}"
        );
    }

    #[test]
    fn a_correction_whisper_split_over_short_stretches_stays_audible() {
        // "Wait, | (a stretch Whisper wrote nothing for) | sorry. | That's wrong."
        let u = [
            (0, "and the security code", 0),
            (0, "3 8 8", 2_500),
            (0, "wait", 4_600),
            (0, "sorry", 5_600),
            (0, "that's wrong it's", 6_200),
            (0, "5 8 8", 8_000),
        ];
        let voiced = [
            v(0, 1_800),
            v(2_400, 3_900),
            v(4_500, 4_900),
            v(5_100, 5_300),
            v(5_500, 5_900),
            v(6_100, 7_300),
            v(7_900, 9_300),
        ];
        let codes: Vec<(Ms, Ms)> = found_with(&u, &voiced, &DetectConfig::default())
            .iter()
            .filter(|f| f.kind == Kind::SecurityCode)
            .map(|f| (f.start, f.end))
            .collect();
        assert!(
            codes.iter().any(|s| s.0 <= Ms(2_500) && s.1 >= Ms(3_700)),
            "{codes:?}"
        );
        assert!(
            codes.iter().any(|s| s.0 <= Ms(8_000) && s.1 >= Ms(9_000)),
            "{codes:?}"
        );
        assert!(
            !codes.iter().any(|s| s.0 < Ms(7_000) && s.1 > Ms(4_700)),
            "{codes:?}"
        );
    }

    /// `carve` alone, on one finding over [start, end) of channel 0.
    fn carved(u: &[(u16, &str, u64)], voiced: &[Voiced], start: u64, end: u64) -> Vec<(Ms, Ms)> {
        let call = crate::detect::testutil::call(u);
        let cfg = DetectConfig::default();
        let scene = crate::detect::scene::Scene::build(&call, voiced, &cfg, Vec::new());
        let mut f = vec![crate::types::Finding {
            kind: Kind::CardNumber,
            channel: Some(0),
            start: Ms(start),
            end: Ms(end),
            confidence: 0.5,
            detector: "test",
            rule: "test".into(),
            words: None,
        }];
        super::carve(&scene, &mut f);
        f.iter().map(|f| (f.start, f.end)).collect()
    }

    #[test]
    fn the_next_question_in_its_own_breath_stays_audible() {
        // Mono: a date of birth, the agent's next question, the address, under one finding.
        let u = [
            (0, "on august 8, 1963.", 0),
            (0, "can you tell me the house number and street?", 2_000),
            (0, "it's 64 high street", 6_000),
        ];
        let voiced = [v(0, 1_800), v(1_950, 5_600), v(5_900, 7_500)];
        assert_eq!(
            carved(&u, &voiced, 0, 7_500),
            [(Ms(0), Ms(1_800)), (Ms(5_900), Ms(7_500))]
        );
        // The nearest non-examples: the reply in the question's breath, and a question
        // that says a number outside its trigger ("the 3rd?"), stay muted.
        for q in [
            "the house number and street? sixty for",
            "and the house number, the 3rd?",
        ] {
            let u = [(0, "on august 8, 1963.", 0), (0, q, 2_000)];
            assert_eq!(carved(&u, &voiced[..2], 0, 5_600), [(Ms(0), Ms(5_600))]);
        }
    }

    #[test]
    fn the_check_after_a_read_back_stays_audible() {
        // The agent's read-back, then "have I got that" in a stretch of its own (Whisper
        // dropped "right?"), both under one finding: it ends before the question.
        let u = [
            (0, "so that's 4 5 3 9 1 4 8 8", 0),
            (0, "have i got that", 4_000),
        ];
        let voiced = [v(0, 3_500), v(3_900, 5_600)];
        assert_eq!(carved(&u, &voiced, 0, 5_600), [(Ms(0), Ms(3_500))]);
        // The nearest non-example: the stretch says a digit as well, and stays muted.
        let u = [
            (0, "so that's 4 5 3 9 1 4 8 8", 0),
            (0, "have i got 6 7", 4_000),
        ];
        assert_eq!(carved(&u, &voiced, 0, 5_600), [(Ms(0), Ms(5_600))]);
    }

    #[test]
    fn the_cue_before_a_read_back_stays_audible() {
        let voiced = [v(0, 1_600), v(1_900, 5_300)];
        let u = [(0, "just to confirm", 0), (0, "4 5 3 9 1 4 8 8", 2_000)];
        assert_eq!(carved(&u, &voiced, 0, 5_300), [(Ms(1_900), Ms(5_300))]);
        // The nearest non-example: the same words after the digits are not cut from the
        // read-back's middle or end as a cue is only where a read-back starts.
        let voiced = [v(0, 1_600), v(1_900, 3_300), v(3_700, 5_300)];
        let u = [
            (0, "4 5 3 9", 0),
            (0, "so that's", 2_000),
            (0, "1 4 8 8", 3_800),
        ];
        assert_eq!(carved(&u, &voiced, 0, 5_300), [(Ms(0), Ms(5_300))]);
    }

    #[test]
    fn a_check_between_two_groups_of_one_reading_does_not_split_it() {
        // Mono: "5 0 1 8 | right, is that right | 5 4 4 8": the agent checks a group while
        // the customer reads on; only a check at the end is cut.
        let u = [
            (0, "5 0 1 8", 0),
            (0, "is that right", 2_000),
            (0, "5 4 4 8", 4_000),
        ];
        let voiced = [v(0, 1_600), v(1_900, 3_300), v(3_900, 5_600)];
        assert_eq!(carved(&u, &voiced, 0, 5_600), [(Ms(0), Ms(5_600))]);
    }

    #[test]
    fn a_stretch_with_a_garbled_group_inside_a_reading_stays_muted() {
        // The nearest non-example: "sorry" with words that may be a group ("the for").
        let u = [
            (0, "the long number on the card please", 0),
            (0, "5 1 5 1 0 4 7 1", 3_000),
            (0, "sorry the for", 7_000),
            (0, "8 4 4 2 7 7 8 0", 9_000),
        ];
        let voiced = [
            v(0, 2_700),
            v(2_900, 6_500),
            v(6_900, 8_500),
            v(8_900, 12_500),
        ];
        let c = cards(&u, &voiced);
        assert!(
            c.iter().any(|s| s.0 <= Ms(7_000) && s.1 >= Ms(8_000)),
            "{c:?}"
        );
    }
}
