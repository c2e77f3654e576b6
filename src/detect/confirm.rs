//! The agent confirming a value back. Agents read back what the customer just gave ("Let me
//! read that back, Rajesh Donnelly", "Just to confirm, oh seven seven...", "So that's three
//! nine eight two..."), and Whisper garbles a read-back as freely as the reading, so the words
//! after the cue are taken for the value whatever they say: from the cue to a pause, the
//! confirming question ("correct?", "is that right?") or a trigger phrase, at most
//! `MAX_MS`, muted as the kind of the value found just before.

use super::normalise::clean;
use super::scene::{says_a_number, Scene};
use crate::types::{Finding, Kind, Role};
use crate::units::Ms;

const NAME: &str = "context.confirm_back";
/// What an agent says before reading a value back.
const CUES: &[&[&str]] = &[
    &["read", "that", "back"],
    &["read", "it", "back"],
    &["repeat", "that", "back"],
    &["to", "confirm"],
    &["let", "me", "confirm"],
    &["so", "that's"],
    &["so", "thats"],
    &["i've", "got"],
    &["so", "i", "have"],
];
/// Words that end the read-back: the question asking the customer to confirm it.
const ENDS: &[&str] = &["correct", "right", "yes", "yeah"];
/// How the confirming question starts ("have I got that right?", "is that right?").
const QUESTIONS: &[&[&str]] = &[
    &["have", "i"],
    &["is", "that"],
    &["did", "i"],
    &["is", "it"],
];
/// Words that lead up to a checking question's last word: "have I got that right?", "is
/// that correct?", "did I get that right?".
const QUESTION_WORDS: &[&str] = &[
    "have", "i", "got", "get", "that", "is", "did", "am", "it", "all", "so", "that's", "thats",
];

/// Whether `words` (cleaned) are a checking question and nothing else: "have I got that
/// right", "is that correct", "did I get that", "correct". Whisper often drops or mishears the
/// last word, so a question's opening ("have I", "is that", "did I", "am I") is enough when
/// every other word is one a checking question is made of.
pub(crate) fn only_checking_question(words: &[String]) -> bool {
    let opens = QUESTIONS
        .iter()
        .chain([&["am", "i"][..]].iter())
        .any(|q| words.len() >= q.len() && q.iter().zip(words).all(|(a, b)| a == b));
    let ends = words
        .last()
        .is_some_and(|w| ENDS[..2].contains(&w.as_str()));
    // "Right." alone acknowledges; "Correct." alone may ask or answer, and gives nothing.
    (words.len() >= 2 || words == ["correct"])
        && (opens || ends)
        && words
            .iter()
            .all(|w| QUESTION_WORDS.contains(&w.as_str()) || ENDS[..2].contains(&w.as_str()))
}

/// Whether `words` (cleaned) are a read-back cue and nothing else: "just to confirm", "let me
/// read that back", "so that's", with at most a word of courtesy around it ("okay", "lovely",
/// "thanks", "just").
pub(crate) fn only_read_back_cue(words: &[String]) -> bool {
    const AROUND: &[&str] = &[
        "okay", "ok", "lovely", "thanks", "thank", "you", "just", "right", "let", "me",
    ];
    let Some((at, cue)) = (0..words.len()).find_map(|i| {
        CUES.iter()
            .find(|c| words.len() >= i + c.len() && c.iter().zip(&words[i..]).all(|(a, b)| a == b))
            .map(|c| (i, c.len()))
    }) else {
        return false;
    };
    words[..at]
        .iter()
        .chain(&words[at + cue..])
        .all(|w| AROUND.contains(&w.as_str()))
}

/// Most words a checking question's start lies before its "right?" / "correct?".
pub(crate) const QUESTION_REACH: usize = 4;

/// Where the question checking a read-back starts, when `words[k]` ends one: "right?" or
/// "correct?" written with its question mark, and the question words just before it. The
/// customer is asked to confirm what came before; the question itself gives nothing.
pub(crate) fn checking_question_start(words: &[crate::types::Word], k: usize) -> Option<usize> {
    let w = words.get(k)?;
    if !w.text.trim_end().ends_with('?') || !ENDS[..2].contains(&clean(&w.text).as_str()) {
        return None;
    }
    Some(question_opening(words, k))
}

/// Where a checking question ending at `words[k]` opens: back over at most `QUESTION_REACH`
/// question words ("have I got that" before "right").
fn question_opening(words: &[crate::types::Word], k: usize) -> usize {
    let mut first = k;
    while first > 0
        && k - first < QUESTION_REACH
        && QUESTION_WORDS.contains(&clean(&words[first - 1].text).as_str())
    {
        first -= 1;
    }
    first
}

/// A value is confirmed back only soon after it was given.
const RECENT_MS: u64 = 20_000;
/// The longest read-back: a card number read in groups.
const MAX_MS: u64 = 8_000;
/// A pause this long ends the read-back.
const PAUSE_MS: u64 = 1_000;

/// An agent reading a card back need not announce it: straight after the customer's card
/// number comes the same number again and a tag question ("four five three nine ... one two,
/// correct?"), and Whisper can garble the digits past recognition while it still writes the
/// question. So speech that starts within `CHECKED_GAP_MS` of a card number's end (stereo: on
/// the agent's side; mono: the next words), says a number, has no trigger or closing phrase,
/// no long pause, and ends within `CHECKED_MAX_MS` in a checking question is the read-back:
/// muted from its first word up to the question, which stays audible.
const CHECKED_GAP_MS: u64 = 5_000;
const CHECKED_MAX_MS: u64 = 10_000;
const CHECKED_PAUSE_MS: u64 = 1_500;

/// Where the checking question that `words[k]` ends starts, also when Whisper wrote it without
/// its question mark: "correct?" / "is that right?" as `checking_question_start` reads them,
/// "..., correct." (a tag after a comma), and "is that right." (opened by a question word).
/// "That's right." answers and asks nothing.
fn checking_tag_start(words: &[crate::types::Word], k: usize) -> Option<usize> {
    if let Some(q) = checking_question_start(words, k) {
        return Some(q);
    }
    if !ENDS[..2].contains(&clean(&words.get(k)?.text).as_str()) {
        return None;
    }
    if k > 0 && words[k - 1].text.trim_end().ends_with(',') {
        return Some(k);
    }
    let first = question_opening(words, k);
    ["is", "have", "did", "am"]
        .contains(&clean(&words[first].text).as_str())
        .then_some(first)
}

fn checked_read_backs(scene: &Scene, findings: &[Finding]) -> Vec<Finding> {
    let mono = scene.channels.len() == 1;
    let mut out = Vec::new();
    for f in findings.iter().filter(|f| f.kind == Kind::CardNumber) {
        let Some(given) = f.channel else { continue };
        for ch in scene.channels.iter().filter(|c| {
            if mono {
                c.channel == given
            } else {
                c.role == Role::Agent && c.channel != given
            }
        }) {
            // In stereo the agent may start as the customer's last digit fades.
            let from = if mono {
                f.end
            } else {
                f.end.saturating_sub(Ms(500))
            };
            let Some(first) = ch.words.iter().position(|w| w.start >= from) else {
                continue;
            };
            let begins = ch.words[first].start;
            if begins.0 > f.end.0 + CHECKED_GAP_MS {
                continue;
            }
            for k in first..ch.words.len() {
                let w = &ch.words[k];
                let paused = k > first && w.start.0 > ch.words[k - 1].end.0 + CHECKED_PAUSE_MS;
                if w.start.0 > begins.0 + CHECKED_MAX_MS
                    || paused
                    || ch.masked.get(k).copied().unwrap_or(false)
                {
                    break;
                }
                let Some(q) = checking_tag_start(ch.words, k) else {
                    continue;
                };
                let Some(number) = (first..q).find(|&i| says_a_number(&ch.words[i].text)) else {
                    break;
                };
                // The read-back is the sentence that says a number and what follows up to the
                // check: a short reply before it ("That's it.", "Yes.") stays audible.
                let start = (first..number)
                    .rev()
                    .find(|&i| ch.words[i].text.trim_end().ends_with(['.', '?', '!']))
                    .map_or(first, |i| i + 1);
                let (a, b) = (ch.words[start].start, ch.words[q - 1].end);
                // A fallback: a read-back another rule found is left to that rule's edges.
                let found = findings
                    .iter()
                    .any(|g| g.channel == Some(ch.channel) && g.start < b && a < g.end);
                if q > start + 1 && !found {
                    out.push(Finding {
                        kind: Kind::CardNumber,
                        channel: Some(ch.channel),
                        start: a,
                        end: b.max(a),
                        confidence: 0.4,
                        detector: NAME,
                        rule: "checked_read_back".into(),
                        words: None,
                    });
                }
                break;
            }
        }
    }
    out
}

pub(crate) fn extend(scene: &Scene, findings: &mut Vec<Finding>) {
    let mono = scene.channels.len() == 1;
    let mut added = checked_read_backs(scene, findings);
    for ch in scene.channels.iter().filter(|c| c.role != Role::Customer) {
        let words: Vec<String> = ch.words.iter().map(|w| clean(&w.text)).collect();
        for i in 0..words.len() {
            let Some(cue) = CUES.iter().find(|c| {
                words.len() >= i + c.len() && c.iter().zip(&words[i..]).all(|(a, b)| a == b)
            }) else {
                continue;
            };
            let first = i + cue.len();
            let Some(at) = ch.words.get(first - 1).map(|w| w.end) else {
                continue;
            };
            // The value being confirmed: the latest one given by the other side (in mono, by
            // anyone) that ended shortly before the cue.
            let Some(given) = findings
                .iter()
                .filter(|f| {
                    f.end <= at + Ms(500)
                        && f.end.0 + RECENT_MS >= at.0
                        && (mono || f.channel != Some(ch.channel))
                        && f.kind != Kind::Term
                })
                .max_by_key(|f| f.end)
            else {
                continue;
            };
            // A closing phrase since the value ("anything else?") has moved the call on: "I've
            // got everything" after it confirms nothing.
            if scene
                .triggers
                .iter()
                .any(|t| t.kind.is_none() && t.start >= given.end && t.start < at)
            {
                continue;
            }
            let mut last = None;
            for k in first..words.len() {
                let w = &ch.words[k];
                let paused = k > first && w.start.0 > ch.words[k - 1].end.0 + PAUSE_MS;
                if w.start.0 > at.0 + MAX_MS
                    || paused
                    || ENDS.contains(&words[k].as_str())
                    || QUESTIONS.iter().any(|q| {
                        q.iter().zip(&words[k..]).filter(|(a, b)| a == b).count() == q.len()
                    })
                    || ch.masked.get(k).copied().unwrap_or(false)
                {
                    break;
                }
                last = Some(k);
            }
            if let Some(last) = last {
                added.push(Finding {
                    kind: given.kind,
                    channel: Some(ch.channel),
                    start: ch.words[first].start,
                    end: ch.words[last].end.max(ch.words[first].start),
                    confidence: 0.5,
                    detector: NAME,
                    rule: "confirm_back".into(),
                    words: None,
                });
            }
        }
    }
    for a in added {
        // A read-back another rule already found is one finding, over both spans.
        match findings.iter_mut().find(|f| {
            f.channel == a.channel && f.kind == a.kind && f.start <= a.end && a.start <= f.end
        }) {
            Some(f) => {
                f.start = f.start.min(a.start);
                f.end = f.end.max(a.end);
            }
            None => findings.push(a),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::checking_question_start;
    use crate::detect::testutil::found_with;
    use crate::detect::DetectConfig;
    use crate::types::Kind;
    use crate::units::Ms;

    fn confirmed(u: &[(u16, &str, u64)]) -> Vec<(Kind, u16, Ms, Ms)> {
        found_with(u, &[], &DetectConfig::default())
            .iter()
            .filter(|f| f.detector == super::NAME)
            .map(|f| (f.kind, f.channel.unwrap_or(9), f.start, f.end))
            .collect()
    }

    #[test]
    fn a_garbled_read_back_of_a_name_is_the_name() {
        let u = [
            (0, "can i take your full name please", 0),
            (1, "rajesh donnelly", 3_000),
            (
                0,
                "let me read that back ray jazz donna lee is that right",
                5_000,
            ),
        ];
        // "ray" at 7.0 s to "lee" ending at 8.5 s; "is that right" stays audible.
        assert_eq!(confirmed(&u), [(Kind::PersonName, 0, Ms(7_000), Ms(8_500))]);
    }

    #[test]
    fn no_read_back_without_a_value_just_given() {
        let u = [
            (0, "how can i help", 0),
            (1, "i'd like to change my tariff", 3_000),
            (0, "so that's the green plan correct", 6_000),
        ];
        assert!(confirmed(&u).is_empty());
    }

    #[test]
    fn no_read_back_after_the_call_has_moved_on() {
        // The nearest non-example of a read-back: the cue's words in the customer's "no, I've
        // got everything" after the agent's "anything else?".
        let u = [
            (0, "and the end date on the card", 0),
            (0, "august 29", 2_500),
            (0, "lovely is there anything else i can help with", 5_000),
            (0, "no i've got everything thanks", 9_000),
        ];
        assert!(confirmed(&u).is_empty(), "{:?}", confirmed(&u));
    }

    #[test]
    fn the_read_back_ends_at_a_pause() {
        let u = [
            (0, "and the sort code", 0),
            (1, "four three two eight seven seven", 2_000),
            (0, "so that's four three", 5_000),
            (0, "thanks and the account number", 8_000),
        ];
        let c = confirmed(&u);
        assert_eq!(c.len(), 1);
        assert!(c[0].3 <= Ms(6_500), "{c:?}");
    }

    #[test]
    fn a_checking_question_starts_at_its_question_words() {
        let call = crate::detect::testutil::call(&[(0, "so 1 6 5 have I got that right?", 0)]);
        let w = &call.channels[0].words;
        assert_eq!(checking_question_start(w, 8), Some(4));
        let call = crate::detect::testutil::call(&[(0, "78121 correct?", 0)]);
        assert_eq!(checking_question_start(&call.channels[0].words, 1), Some(1));
    }

    fn checked(u: &[(u16, &str, u64)]) -> Vec<(u16, Ms, Ms)> {
        found_with(u, &[], &DetectConfig::default())
            .iter()
            .filter(|f| f.rule == "checked_read_back")
            .map(|f| (f.channel.unwrap_or(9), f.start, f.end))
            .collect()
    }

    #[test]
    fn a_garbled_card_read_back_ending_in_a_check_is_the_card() {
        let u = [
            (0, "go ahead with the card number", 0),
            (1, "four five three nine one four eight eight", 3_000),
            (1, "two three four five six seven eight one", 7_000),
            // The agent's read-back, heard as nonsense but for one group, then the check.
            (0, "so max 3/7 don't do it fix it hide, correct.", 11_000),
        ];
        // "so" at 11.0 s to "hide," ending at 14.5 s; "correct." stays audible.
        assert_eq!(checked(&u), [(0, Ms(11_000), Ms(14_500))]);
        // In mono the customer's "that's it." before it stays audible too.
        let u = [
            (0, "go ahead with the card number", 0),
            (0, "four five three nine one four eight eight", 3_000),
            (0, "two three four five six seven eight one", 7_000),
            (
                0,
                "that's it. so max 3/7 don't do it fix it hide, correct.",
                11_000,
            ),
        ];
        assert_eq!(checked(&u), [(0, Ms(11_800), Ms(15_300))]);
    }

    #[test]
    fn the_agent_moving_on_after_a_card_is_not_a_read_back() {
        // The nearest non-example: a thank-you and the next question, no check.
        let u = [
            (0, "go ahead with the card number", 0),
            (1, "four five three nine one four eight eight", 3_000),
            (1, "two three four five six seven eight one", 7_000),
            (0, "thank you and the expiry date is that right", 11_000),
        ];
        assert!(checked(&u).is_empty());
        // Nor is the customer's "that's right" after a card in mono.
        let u = [
            (0, "go ahead with the card number", 0),
            (0, "four five three nine one four eight eight", 3_000),
            (0, "two three four five six seven eight one", 7_000),
            (0, "yes two of them that's right", 11_000),
        ];
        assert!(checked(&u).is_empty());
    }

    #[test]
    fn a_checking_question_is_told_from_a_group_after_its_words() {
        let q = |t: &str| {
            let w: Vec<String> = t.split(' ').map(String::from).collect();
            super::only_checking_question(&w)
        };
        assert!(q("have i got that right"));
        assert!(q("have i got that"));
        assert!(q("is that correct"));
        assert!(q("correct"));
        // The nearest non-examples: digits after the opening, and "so that's" alone (the cue
        // before a read-back, not a question).
        assert!(!q("is that 4 3"));
        assert!(!q("so that's"));
        assert!(!q("that's it"));
        assert!(!q("right"));
    }

    #[test]
    fn a_read_back_cue_is_told_from_the_read_back() {
        let c = |t: &str| {
            let w: Vec<String> = t.split(' ').map(String::from).collect();
            super::only_read_back_cue(&w)
        };
        assert!(c("just to confirm"));
        assert!(c("okay let me read that back"));
        assert!(c("so that's"));
        // The nearest non-example: the cue with the value after it in the same breath.
        assert!(!c("so that's 4 5 3 9"));
        assert!(!c("so that's rajesh"));
    }

    #[test]
    fn right_without_a_question_mark_asks_nothing() {
        // The nearest non-example: "that's right" answers; it does not ask.
        let call = crate::detect::testutil::call(&[(0, "that's right", 0)]);
        assert_eq!(checking_question_start(&call.channels[0].words, 1), None);
    }
}
