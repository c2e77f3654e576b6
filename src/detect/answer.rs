//! The reply to a question is the value asked for. When the agent asks for the card number,
//! what the customer says next is the card number, however Whisper wrote it down: tiny models
//! turn synthetic and telephone digits into "triple-fendron, two-level-low". So inside a
//! window, the answering speaker's reply is muted by voice activity, not by words:
//!
//! - stereo: the customer's voiced stretches from the question on, for as long as the agent
//!   says nothing but acknowledgements ("yes", "go on") between them;
//! - mono: the speech after the question, until a pause, a new question, an agent-style
//!   "thank you", or the most a value of that kind takes to say.
//!
//! This is the fallback that makes a garbled transcript safe; the content detectors still
//! find values said without a question, and values the agent reads back.

use super::context::{is_acknowledgement, is_thanks, Window};
use super::normalise::clean;
use super::scene::{
    is_digit_like, is_number_word, is_weak_digit, says_a_number, ChannelScene, Scene,
    CARD_DETAIL_WORDS,
};
use super::{Basis, Candidate, Detector};
use crate::types::{Finding, Kind, Role, Word};
use crate::units::Ms;

pub(crate) struct Answer;

const NAME: &str = "context.answer";

/// A reply starts within this long of the question, or it is not the reply.
const FIRST_REPLY_MS: u64 = 8_000;
/// The other speaker talking this long without words Whisper caught is not a "yes".
const WORDLESS_INTERJECTION_MS: u64 = 2_000;
/// In mono, a pause this long ends the reply.
const MONO_PAUSE_MS: u64 = 1_200;

/// The longest stretch a reply of each kind is taken to last in mono, where the next speaker
/// cannot be told apart by channel: about what the slowest reading of the value takes. A name
/// is asked for with its spelling as often as not ("Ashworth, A S H W O R T H").
fn mono_reply_max(kind: Kind) -> Ms {
    Ms(match kind {
        Kind::CardNumber => 16_000,
        Kind::Phone | Kind::NiNumber | Kind::AccountNumber | Kind::Address => 8_000,
        Kind::Email => 6_000,
        Kind::SortCode
        | Kind::Postcode
        | Kind::DateOfBirth
        | Kind::ExpiryDate
        | Kind::PersonName => 5_000,
        _ => 3_000,
    })
}

/// How far Whisper's time for a reply's first digit may come after the digit was said.
const WORD_TIME_SLACK_MS: u64 = 1_000;

/// Words that start the agent's next line in a mono call, after the value was given.
/// Thanks (`is_thanks`) opens one too.
const AGENT_OPENERS: &[&str] = &["got", "and", "can", "could", "what", "would", "is", "right"];

impl Detector for Answer {
    fn name(&self) -> &'static str {
        NAME
    }

    fn find(&self, scene: &Scene, out: &mut Vec<Candidate>) {
        for w in scene
            .windows
            .iter()
            .filter(|w| scene.cfg.answer_kinds.contains(&w.kind))
        {
            if w.kind == Kind::PersonName && !asks_for_a_name(scene, w) {
                continue;
            }
            for &c in &w.answering {
                let Some(ch) = scene.channel(c) else { continue };
                let regions = scene.regions(c);
                let reply = match ch.role {
                    Role::Customer => stereo_reply(scene, w, c, &regions),
                    Role::Mixed => mono_reply(ch, w, &regions),
                    Role::Agent => None,
                };
                if let Some((start, end)) = reply {
                    // "Hang on, let me just get my card": a reply of nothing but a stall says
                    // no digits (every stretch of it has words, and they are all lead-ins);
                    // the reading comes after it, and its own detectors take it.
                    if is_digit_value(w.kind)
                        && only_lead_in(ch, start, end)
                        && regions
                            .iter()
                            .filter(|r| r.0 < end && r.1 > start)
                            .all(|r| ch.said(r.0, r.1).next().is_some())
                    {
                        continue;
                    }
                    let start = skip_lead_in(ch, &regions, w.kind, start, end);
                    let end = before_tail_stretch(ch, &regions, start, end);
                    // The answer stands in for a value Whisper garbled. Where the value was
                    // heard whole, its own finding mutes it, and the words before it ("Maco
                    // did" for "the code is") are not more of it; only their times are
                    // doubtful, by up to a second.
                    let start = match scene.whole_value_at(c, w.kind, start, end) {
                        Some(t) if !digit_like_in(ch, start, t) => {
                            start.max(t.saturating_sub(Ms(WORD_TIME_SLACK_MS))).min(end)
                        }
                        _ => start,
                    };
                    out.push(Candidate {
                        finding: Finding {
                            kind: w.kind,
                            channel: Some(c),
                            start,
                            end,
                            confidence: 0.55,
                            detector: NAME,
                            rule: format!("answer:{}", w.kind.as_str().to_lowercase()),
                            words: None,
                        },
                        basis: Basis::Context,
                    });
                }
            }
        }
    }
}

/// Whether the trigger that opened a name window asked for someone's name ("can I take your
/// name", "the name on the card", "who am I speaking to") rather than gave one ("my name is
/// Laura"): the agent introducing themselves is not a question.
fn asks_for_a_name(scene: &Scene, w: &Window) -> bool {
    const ASKING: &[&str] = &[
        "your",
        "full",
        "surname",
        "first",
        "last",
        "spell",
        "who",
        "card",
        "cardholder",
        "holder's",
        "holder",
    ];
    scene.channels.iter().any(|ch| {
        ch.words.iter().enumerate().any(|(i, x)| {
            ch.masked[i]
                && x.start >= w.open
                && x.start <= w.asked_at
                && ASKING.contains(&clean(&x.text).as_str())
        })
    })
}

/// Words a reply often starts with before the value: "Yes, it's ...", "My postcode is ...",
/// "Right, here we go ...". None of them sounds like a digit.
const LEAD_IN: &[&str] = &[
    "yes",
    "yeah",
    "yep",
    "okay",
    "ok",
    "sure",
    "it's",
    "its",
    "it",
    "is",
    "that's",
    "thats",
    "um",
    "uh",
    "er",
    "erm",
    "well",
    "right",
    "my",
    "the",
    "sorry",
    "hi",
    "hello",
    "certainly",
    "name",
    "email",
    "address",
    "postcode",
    "date",
    "birth",
    "of",
    "born",
    "on",
    "so",
    "here",
    "we",
    "go",
    "ready",
    "got",
    "let",
    "me",
    "see",
    "i've",
    "have",
    "card",
    "number",
    "long",
    "alright",
    // Stalls while the value is fetched: "hang on, let me just get my card", "bear with me".
    "hang",
    "hold",
    "just",
    "get",
    "grab",
    "find",
    "fetch",
    "bear",
    "with",
    "moment",
    "second",
    "sec",
    "minute",
    "wait",
    "now",
    "there",
    "you",
    "are",
    "where",
    // Naming the value before giving it: "the code is", "it runs out", "it expires", "I was
    // born on", "my mobile is", "the sort code is".
    "code",
    "security",
    "expiry",
    "expires",
    "runs",
    "out",
    "was",
    "mobile",
    "phone",
    "sort",
    "account",
];

/// Words that name the value a reply gives: with one of them in a stretch, "the", "on" and
/// "I" there are words of the lead-in ("the code is", "I was born on"), not misheard digits
/// or a spelling's first letter.
const NAMES_THE_VALUE: &[&str] = &[
    "code", "expiry", "expires", "runs", "born", "birth", "number", "postcode", "email", "address",
    "name", "card", "sort", "account", "mobile", "phone", "date",
];

/// Two-word stalls holding a word that alone may be a misheard digit ("on" for one) or a
/// digit itself ("one second"): as a pair they say nothing but "wait".
const STALLS: &[[&str; 2]] = &[
    ["hang", "on"],
    ["hold", "on"],
    ["one", "second"],
    ["one", "sec"],
    ["one", "moment"],
    ["one", "minute"],
    ["a", "second"],
    ["a", "sec"],
    ["a", "moment"],
    ["a", "minute"],
];

/// Lead-in words Whisper also writes for a digit it misheard ("the" for three, "on" for one,
/// "of" for oh): a stretch saying one of them may be the first group of a reading.
const SOUNDS_LIKE_A_DIGIT: &[&str] = &["the", "on", "of"];

/// Hesitations. One that opens a reply is a hesitation; one said alone after "it's" may be
/// the first group, which Whisper could not make out ("It's, | um, | 1973 38").
const FILLERS: &[&str] = &["um", "uh", "er", "erm"];

/// Whether channel `ch` said words between `a` and `b`, all of them lead-in words: a stretch
/// before a reading ("Right, here we go.") that is not part of it. A garbled first group comes
/// out as odd words ("the can be brief"), not as these; to be sure, a stretch with a word
/// that may be a misheard digit is not taken for a lead-in.
pub(crate) fn only_lead_in(ch: &ChannelScene, a: Ms, b: Ms) -> bool {
    lead_in_end(ch, a, b).is_some()
}

fn only_fillers(ch: &ChannelScene, r: &(Ms, Ms)) -> bool {
    ch.said(r.0, r.1)
        .all(|w| FILLERS.contains(&clean(&w.text).as_str()))
}

/// Whether `words` (cleaned) are all lead-in words or two-word stalls, and there is one.
fn all_lead_in(words: &[String]) -> bool {
    let named = words.iter().any(|w| NAMES_THE_VALUE.contains(&w.as_str()));
    let mut i = 0;
    while i < words.len() {
        if words
            .get(i + 1)
            .is_some_and(|next| STALLS.contains(&[words[i].as_str(), next.as_str()]))
        {
            i += 2;
            continue;
        }
        let w = words[i].as_str();
        // "I" leads in only beside a word naming the value ("I was born on"): alone it may be
        // the first letter of a spelled name or e-mail ("i dot smith").
        let lead_in = LEAD_IN.contains(&w) || (named && w == "i");
        if !lead_in || (SOUNDS_LIKE_A_DIGIT.contains(&w) && !named) {
            return false;
        }
        i += 1;
    }
    !words.is_empty()
}

/// When every word channel `ch` said from `a` up to `b` is a lead-in ("Right, here we go"
/// before the digits, in one breath), the end of the last of them; `None` when any other
/// word was said there (it may be a garbled first group) or none was.
pub(crate) fn lead_in_end(ch: &ChannelScene, a: Ms, b: Ms) -> Option<Ms> {
    let said: Vec<_> = ch.said(a, b).collect();
    let words: Vec<String> = said.iter().map(|w| clean(&w.text)).collect();
    all_lead_in(&words)
        .then(|| said.iter().map(|w| w.end).max())
        .flatten()
        .map(|e| e.min(b))
}

/// The reply's start moved past lead-in words at its beginning, to the first other word,
/// for the kinds said as words (names, e-mails, dates): their lead-in is ordinary speech QA
/// wants to hear. Digit values are trimmed only by whole voiced stretches that say nothing
/// but lead-in words: a garbled first group looks like junk words, so no word inside a
/// stretch is trusted. Whisper's alignment times run late, not early, so the first kept
/// word's time is a safe start.
fn skip_lead_in(ch: &ChannelScene, regions: &[(Ms, Ms)], kind: Kind, start: Ms, end: Ms) -> Ms {
    if is_digit_value(kind) {
        return past_lead_in_stretch(ch, regions, start, end);
    }
    let mut words = ch.said(start, end);
    match words.find(|w| !LEAD_IN.contains(&clean(&w.text).as_str())) {
        Some(first) if first.start > start => first.start,
        _ => start,
    }
}

/// Whether a question Whisper heard as words was said in [a, b): a sentence of three words
/// or more ending in "?", at most one of them a numeral or number word ("Can I have the
/// X-tyring 8 month and year?" for "the expiry date"). A reading's garbled last group comes
/// out as odd words or digits, not as a question; after a reading, a question is the next
/// line (in mono, the agent's next request), whatever it asks.
pub(crate) fn asks_question(ch: &ChannelScene, a: Ms, b: Ms) -> bool {
    let words: Vec<&Word> = ch.said(a, b).collect();
    let mut from = 0;
    for (k, w) in words.iter().enumerate() {
        let text = w.text.trim_end();
        if text.ends_with('?') && !is_digit_like(text) {
            let sentence = &words[from..=k];
            // Homophones ("the", "for", "to") do not count: a question is full of them.
            let digits = sentence.iter().filter(|w| says_a_number(&w.text)).count();
            if sentence.len() >= 3 && digits <= 1 {
                return true;
            }
        }
        if text.ends_with(['.', '?', '!']) {
            from = k + 1;
        }
    }
    false
}

/// The most words, none of them a digit, that a group Whisper garbled turns into ("the can
/// be brief" for "four five three nine"): a stretch with more is a sentence, not a reading.
pub(crate) const GARBLED_WORDS: usize = 5;

/// The start of an utterance [s, e) moved past its leading voiced stretches that are a
/// question rather than digits: a question Whisper heard as words ("...the expiry, month and
/// year?"), a stretch of more words than a garbled group has with no numeral or number word
/// in it ("I'll leave a free ticket to secure it to the code."), or one that names a detail of
/// the card and does not end on a digit ("Last 3 minutes on the signature trip."). In mono
/// they are the agent asking; the digits start in a later stretch. The last stretch is kept
/// whatever it says.
pub(crate) fn past_questions(ch: &ChannelScene, regions: &[(Ms, Ms)], s: Ms, e: Ms) -> Ms {
    let inside: Vec<&(Ms, Ms)> = regions.iter().filter(|r| r.0 >= s && r.0 < e).collect();
    let mut at = s;
    for pair in inside.windows(2) {
        let (a, b) = *pair[0];
        let words: Vec<&str> = ch.said(a, b).map(|w| w.text.as_str()).collect();
        let strong = words.iter().filter(|w| says_a_number(w)).count();
        let names_detail = words
            .iter()
            .any(|w| CARD_DETAIL_WORDS.contains(&clean(w).as_str()))
            && !words.last().is_some_and(|w| is_digit_like(w));
        if !(asks_question(ch, a, b)
            || (strong == 0 && words.len() > GARBLED_WORDS)
            || names_detail)
        {
            break;
        }
        at = pair[1].0;
    }
    at
}

/// The start of a muted stretch [start, end) of `regions` moved to its second voiced stretch
/// when the first says nothing but lead-in words ("Okay,", "My email"): used for every reply
/// or reading muted by voice activity, where no word inside a stretch is trusted.
pub(crate) fn past_lead_in_stretch(
    ch: &ChannelScene,
    regions: &[(Ms, Ms)],
    start: Ms,
    end: Ms,
) -> Ms {
    // "Hang on, let me just get my card." "Right, here we go." "4539 ...": each stretch of
    // nothing but lead-in words is skipped, up to the last stretch, which is kept whatever
    // it says.
    let inside: Vec<&(Ms, Ms)> = regions
        .iter()
        .filter(|r| r.0 >= start && r.0 < end)
        .collect();
    let mut at = start;
    for (i, pair) in inside.windows(2).enumerate() {
        if !only_lead_in(ch, pair[0].0, pair[0].1) || (i > 0 && only_fillers(ch, pair[0])) {
            break;
        }
        at = pair[1].0;
    }
    // "Right, here we go, 4539 ...": lead-ins before the first digit Whisper wrote, in one
    // breath with it, are trimmed too, to the last one's end, so that whatever Whisper
    // dropped after them stays muted.
    let first_digit = ch
        .words
        .iter()
        .find(|w| w.start >= at && w.start < end && is_digit_like(&w.text))
        .map(|w| w.start);
    first_digit
        .and_then(|t| lead_in_end(ch, at, t))
        .unwrap_or(at)
}

/// Words a speaker ends a value with, or the next line starts with: "that's it", "that's
/// all", "thanks", "I think", "got that?". None sounds like a digit. Not "yes" or "okay": a
/// short code Whisper could not make out comes out as "Yes." as often as not.
const TAIL: &[&str] = &[
    "that's",
    "thats",
    "it",
    "all",
    "everything",
    "lot",
    "thanks",
    "thank",
    "you",
    "cheers",
    "lovely",
    "great",
    "perfect",
    // Hedges and checks after a value: "I think.", "I believe", "got that?", "did you get
    // that?", "have you got that?".
    "i",
    "think",
    "believe",
    "reckon",
    "got",
    "get",
    "did",
    "have",
    "that",
];

/// The end of a muted stretch [start, end) of `regions` moved back past its last voiced
/// stretches while they say nothing but closing words ("...12, 10, 97." "That's it."): the
/// mirror of `past_lead_in_stretch`. The first stretch is kept whatever it says.
pub(crate) fn before_tail_stretch(
    ch: &ChannelScene,
    regions: &[(Ms, Ms)],
    start: Ms,
    end: Ms,
) -> Ms {
    let inside: Vec<&(Ms, Ms)> = regions
        .iter()
        .filter(|r| r.0 >= start && r.0 < end)
        .collect();
    let mut at = end;
    for pair in inside.windows(2).rev() {
        if !only_tail(ch, pair[1].0, pair[1].1) {
            break;
        }
        at = pair[0].1.min(at);
    }
    at
}

/// Closing words that say the speaker is done on their own. "it", "all" or "you" alone do not:
/// "you" is what Whisper writes for a sound it could not make out.
const TAIL_ANCHORS: &[&str] = &[
    "that's",
    "thats",
    "everything",
    "thanks",
    "thank",
    "cheers",
    "lovely",
    "great",
    "perfect",
    "think",
    "believe",
    "reckon",
    "got",
];

/// Whether channel `ch` said words in [a, b), all of them closing words, one of them an
/// anchor ("That's it.", "Thank you.").
pub(crate) fn only_tail(ch: &ChannelScene, a: Ms, b: Ms) -> bool {
    let words: Vec<String> = ch.said(a, b).map(|w| clean(&w.text)).collect();
    words.iter().all(|w| TAIL.contains(&w.as_str()))
        && words.iter().any(|w| TAIL_ANCHORS.contains(&w.as_str()))
}

/// Whether anyone but channel `c` said more than an acknowledgement (or a number read back)
/// between `a` and `b`: the agent moving on ends the customer's reply.
fn others_moved_on(scene: &Scene, c: u16, a: Ms, b: Ms) -> bool {
    scene.channels.iter().filter(|o| o.channel != c).any(|o| {
        let said = o.words.iter().enumerate().any(|(i, w)| {
            w.start >= a
                && w.start < b
                && !o.masked[i]
                && !is_acknowledgement(&w.text)
                && !is_number_word(&w.text)
        });
        let wordless = scene
            .voiced
            .iter()
            .filter(|v| v.channel == o.channel && v.start < b && v.end > a)
            .any(|v| {
                v.end.min(b).0 - v.start.max(a).0 >= WORDLESS_INTERJECTION_MS
                    && !o.words.iter().any(|w| w.start < v.end && w.end > v.start)
            });
        said || wordless
    })
}

pub(crate) fn stereo_reply(
    scene: &Scene,
    w: &Window,
    c: u16,
    regions: &[(Ms, Ms)],
) -> Option<(Ms, Ms)> {
    let mut taken: Option<(Ms, Ms)> = None;
    // The customer's own "my card number is 4539...": the value follows the trigger in the
    // same stretch, and that stretch is the reply.
    let own = scene
        .triggers
        .iter()
        .any(|t| t.channel == c && t.start == w.open && t.kind == Some(w.kind));
    if own {
        if let (Some(&(_, e)), Some(ch)) = (
            regions
                .iter()
                .find(|(s, e)| *s <= w.asked_at && *e > w.trigger_end),
            scene.channel(c),
        ) {
            if ch
                .words
                .iter()
                .any(|x| x.start > w.asked_at && x.start >= w.trigger_end && x.start < e)
            {
                taken = Some((w.trigger_end, e));
            }
        }
    }
    for &(s, e) in regions
        .iter()
        .filter(|(s, e)| *e > w.asked_at && *s >= w.open)
    {
        if s >= w.close {
            break;
        }
        match taken {
            None => {
                // The agent may go on with the question ("...the last three digits on the
                // signature strip?"), so what it says before the first reply is not checked.
                if s.0 > w.trigger_end.0 + FIRST_REPLY_MS {
                    return None;
                }
                taken = Some((s, e));
            }
            Some((ts, te)) => {
                if s.0 > te.0 + scene.cfg.join_gap_ms || others_moved_on(scene, c, te, s) {
                    break;
                }
                taken = Some((ts, e));
            }
        }
    }
    taken
}

fn mono_reply(ch: &ChannelScene, w: &Window, regions: &[(Ms, Ms)]) -> Option<(Ms, Ms)> {
    // The question's own stretch is the last one starting by the trigger's last word; the
    // reply may follow inside it ("my card number is ...") or in the stretches after.
    let q = regions.iter().rposition(|(s, _)| *s <= w.asked_at)?;
    let max = mono_reply_max(w.kind);
    let mut start: Option<Ms> = None;
    let mut end = Ms(0);
    let q_end = regions[q].1;
    if w.trigger_end < q_end
        && ch
            .words
            .iter()
            .any(|x| x.start > w.trigger_end && x.start < q_end)
        && states_value(ch, w)
    {
        start = Some(w.trigger_end);
        end = q_end;
    }
    let mut prev_end = q_end;
    for &(s, e) in &regions[q + 1..] {
        if s >= w.close
            || s.0
                > prev_end.0 + MONO_PAUSE_MS.max(if start.is_none() { FIRST_REPLY_MS } else { 0 })
        {
            break;
        }
        if let Some(st) = start {
            // After the first stretch of a digit value, plain words are the next line.
            if e.0 > st.0 + max.0
                || opens_agent_line(ch, s, e)
                || (said_in_characters(w.kind) && plain_words(ch, s, e, !is_digit_value(w.kind)))
                || (w.kind == Kind::Email && ends_in_domain(ch, st, prev_end))
            {
                break;
            }
        }
        start.get_or_insert(s);
        end = e;
        prev_end = e;
    }
    start.map(|s| (s, end))
}

/// Whether the speaker who said the trigger went on to give the value ("my sort code is forty
/// twelve", "the card number's 4539"), rather than asked for it ("what's the expiry date on
/// that card?", "and the three digit code on the back?"): "my" before the trigger, or "is"
/// or a number straight after it.
fn states_value(ch: &ChannelScene, w: &Window) -> bool {
    let before = ch
        .words
        .iter()
        .rev()
        .find(|x| x.start < w.open)
        .map(|x| clean(&x.text));
    let after = ch
        .words
        .iter()
        .find(|x| x.start > w.asked_at)
        .map(|x| x.text.as_str());
    // A preposition after the trigger is the question going on ("an email for the
    // receipt?", "a number to call you on"), though Whisper writes four and two that way too.
    let stated = |t: &str| {
        let c = clean(t);
        matches!(c.as_str(), "is" | "was" | "it's" | "its" | "are")
            || (is_number_word(t) && !matches!(c.as_str(), "for" | "to"))
            || t.chars().any(|d| d.is_ascii_digit())
    };
    before.is_some_and(|b| matches!(b.as_str(), "my" | "our"))
        || after.is_some_and(stated)
        || ch.words.iter().any(|x| {
            x.start >= w.open
                && x.start <= w.asked_at
                && clean(&x.text).ends_with("'s")
                && !matches!(
                    clean(&x.text).as_str(),
                    "what's" | "whats" | "that's" | "it's"
                )
        })
}

fn is_digit_value(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::CardNumber
            | Kind::SecurityCode
            | Kind::ExpiryDate
            | Kind::SortCode
            | Kind::AccountNumber
            | Kind::Phone
            | Kind::Number
    )
}

/// Kinds said as digits and letters one by one: after the first stretch of one, a stretch of
/// plain words is the next line, not more of the value.
fn said_in_characters(kind: Kind) -> bool {
    is_digit_value(kind) || matches!(kind, Kind::Postcode | Kind::NiNumber)
}

/// Three or more words said in [s, e), none of them digit-like ("that's all done until ...";
/// garbled digits come out as short or odd words mixed with number words and homophones: "the
/// can be brief and it's to"). With `weak_ok`, one homophone of a digit ("see you for today")
/// does not count: for values spelt out in letters and digits, whose digits Whisper writes as
/// digits, not as "for" or "to". Widening a reading forwards stops at such words too.
pub(crate) fn plain_words(ch: &ChannelScene, s: Ms, e: Ms, weak_ok: bool) -> bool {
    let words: Vec<&str> = ch.said(s, e).map(|w| w.text.as_str()).collect();
    let digit_like = words.iter().filter(|w| is_digit_like(w)).count();
    let allowed =
        usize::from(weak_ok && words.iter().filter(|w| is_weak_digit(w)).count() == digit_like);
    words.len() >= 3 && digit_like <= allowed
}

/// Whether a word said in [s, e) is or may be a digit: a numeral, a number word or a
/// homophone ("for"). Before a whole value, such a word is a first reading ("7 8 0 2 9 39,
/// scratch that, it's 7 8 0 2 2 9 3 3") or a garbled group, and stays muted.
fn digit_like_in(ch: &ChannelScene, s: Ms, e: Ms) -> bool {
    ch.said(s, e).any(|w| is_digit_like(&w.text))
}

/// Whether the last word said in [s, e) ends an e-mail address ("example dot com",
/// "not-com."): the address is complete, and what follows is the next line.
fn ends_in_domain(ch: &ChannelScene, s: Ms, e: Ms) -> bool {
    const ENDINGS: &[&str] = &["com", "net", "org", "uk", "io", "ie", "info", "biz"];
    ch.words
        .iter()
        .rev()
        .find(|w| w.start >= s && w.start < e)
        .is_some_and(|w| {
            let c = clean(&w.text);
            let last = c.rsplit(['.', '-', ' ']).next().unwrap_or("");
            ENDINGS.contains(&last)
        })
}

/// Whether the first word said in [s, e) starts an agent's line, or a trigger or closing
/// phrase is said there: the reply is over.
fn opens_agent_line(ch: &ChannelScene, s: Ms, e: Ms) -> bool {
    let mut inside = ch
        .words
        .iter()
        .enumerate()
        .filter(|(_, w)| w.start >= s && w.start < e);
    let Some((i, first)) = inside.next() else {
        return false;
    };
    ch.masked[i]
        || is_thanks(&first.text)
        || AGENT_OPENERS.contains(&clean(&first.text).as_str())
        || inside.any(|(j, _)| ch.masked[j])
}

#[cfg(test)]
mod tests {
    use crate::detect::testutil::{found_with, voiced as v};
    use crate::detect::DetectConfig;
    use crate::types::{Kind, Voiced};

    /// (start, end) of every finding of `kind`, whichever detector made it.
    fn spans_of(kind: Kind, utterances: &[(u16, &str, u64)], voiced: &[Voiced]) -> Vec<(u64, u64)> {
        found_with(utterances, voiced, &DetectConfig::default())
            .iter()
            .filter(|f| f.kind == kind)
            .map(|f| (f.start.0, f.end.0))
            .collect()
    }

    fn answers(utterances: &[(u16, &str, u64)], voiced: &[Voiced]) -> Vec<(Kind, u16, u64, u64)> {
        found_with(utterances, voiced, &DetectConfig::default())
            .into_iter()
            .filter(|f| f.detector == super::NAME)
            .map(|f| (f.kind, f.channel.unwrap_or(9), f.start.0, f.end.0))
            .collect()
    }

    #[test]
    fn a_reply_with_the_value_heard_whole_is_muted_from_just_before_it() {
        // "The code is" came out as junk words; "787" is a whole code. The words more than a
        // second before it are not muted by the answer (the code's own finding mutes 787).
        let u = [
            (0, "and the security code on the back", 0),
            (1, "maco did um well 787", 3_500),
        ];
        let voiced = [v(0, 0, 3_000), v(1, 3_400, 5_600)];
        let a = spans_of(Kind::SecurityCode, &u, &voiced);
        assert!(!a.is_empty(), "{a:?}");
        assert!(a.iter().all(|&(s, _)| s >= 4_000), "{a:?}");
    }

    #[test]
    fn a_first_reading_before_the_whole_value_stays_in_the_answer() {
        // The nearest non-example: digits before the whole value are a first reading (or a
        // garbled group), so the reply is muted from its start.
        let u = [
            (0, "and the security code on the back", 0),
            (1, "it's 78 scratch that 787", 3_500),
        ];
        let voiced = [v(0, 0, 3_000), v(1, 3_400, 5_600)];
        let a = spans_of(Kind::SecurityCode, &u, &voiced);
        assert!(a.iter().any(|&(s, _)| s <= 3_900), "{a:?}");
    }

    #[test]
    fn a_garbled_reply_to_the_card_question_is_muted_by_voice_activity() {
        // Agent asks; customer's two groups, with a "yes go on" between, come out as junk.
        let u = [
            (0, "what's the card number", 0),
            (1, "time one triple fendron", 2_000),
            (0, "yes go on", 4_500),
            (1, "number four number five", 6_000),
        ];
        let voiced = [
            v(0, 0, 1_700),
            v(1, 1_900, 3_700),
            v(0, 4_400, 5_500),
            v(1, 5_900, 7_700),
        ];
        assert_eq!(answers(&u, &voiced), [(Kind::CardNumber, 1, 1_900, 7_700)]);
    }

    #[test]
    fn a_customers_own_trigger_makes_the_rest_of_that_stretch_the_reply() {
        let u = [
            (0, "how can I help", 0),
            (1, "my card number is time one triple fendron", 2_000),
            (0, "lovely I will look that up", 6_000),
            (1, "okay thank you", 8_500),
        ];
        let voiced = [
            v(0, 0, 1_700),
            v(1, 1_900, 5_500),
            v(0, 5_900, 8_200),
            v(1, 8_400, 9_800),
        ];
        let a = answers(&u, &voiced);
        assert_eq!(a.len(), 1, "{a:?}");
        let (kind, channel, start, end) = a[0];
        assert_eq!((kind, channel, end), (Kind::CardNumber, 1, 5_500));
        assert!((2_000..=3_500).contains(&start), "{a:?}");
    }

    #[test]
    fn the_reply_ends_when_the_agent_moves_on() {
        let u = [
            (0, "and the security code", 0),
            (1, "so fine", 2_000),
            (0, "lovely where shall I send the receipt", 3_500),
            (1, "to my home please", 6_000),
        ];
        let voiced = [
            v(0, 0, 1_700),
            v(1, 1_900, 2_900),
            v(0, 3_400, 5_500),
            v(1, 5_900, 7_500),
        ];
        assert_eq!(
            answers(&u, &voiced),
            [(Kind::SecurityCode, 1, 1_900, 2_900)]
        );
    }

    #[test]
    fn no_reply_within_the_window_mutes_nothing() {
        let u = [
            (0, "what's the expiry date", 0),
            (0, "actually let me check something first", 2_000),
            (1, "hello", 14_000),
        ];
        let voiced = [v(0, 0, 1_700), v(0, 1_900, 4_500), v(1, 14_000, 15_000)];
        assert!(answers(&u, &voiced).is_empty());
    }

    #[test]
    fn in_mono_the_stretch_after_the_question_is_the_reply() {
        let u = [
            (0, "can I take your postcode", 0),
            (0, "M fourteen five", 2_200),
            (0, "thanks and anything else", 4_500),
        ];
        let voiced = [v(0, 0, 1_900), v(0, 2_100, 3_400), v(0, 4_300, 6_000)];
        // From its first word: a postcode is said in words, and planning pads and snaps it.
        assert_eq!(answers(&u, &voiced), [(Kind::Postcode, 0, 2_200, 3_400)]);
    }

    #[test]
    fn in_mono_a_name_spelled_out_is_all_reply() {
        // "fiona ashworth, a s h w o r t h", garbled, in breaths over four and a half seconds.
        let u = [
            (0, "can I take your full name", 0),
            (0, "fee on ash with a message", 2_200),
            (0, "normal you are a", 4_200),
            (0, "T-H", 6_200),
            (0, "lovely and the postcode", 9_000),
        ];
        let voiced = [
            v(0, 0, 1_900),
            v(0, 2_100, 4_000),
            v(0, 4_200, 5_800),
            v(0, 6_200, 6_600),
            v(0, 8_700, 10_000),
        ];
        assert_eq!(spans_of(Kind::PersonName, &u, &voiced), [(2_200, 6_600)]);
        // The nearest non-example: the speech after the most a spelled name takes, with no
        // pause to end it, is not the name.
        let voiced = [
            v(0, 0, 1_900),
            v(0, 2_100, 4_000),
            v(0, 4_200, 5_800),
            v(0, 6_200, 8_500),
        ];
        let names = spans_of(Kind::PersonName, &u[..4], &voiced);
        assert!(names.iter().all(|n| n.1 <= 7_100), "{names:?}");
    }

    #[test]
    fn i_leads_in_only_beside_a_word_naming_the_value() {
        let lead = |t: &str| {
            let w: Vec<String> = t.split(' ').map(String::from).collect();
            super::all_lead_in(&w)
        };
        assert!(lead("i was born on"));
        // The nearest non-example: "i" alone may be a spelling's first letter ("i dot smith").
        assert!(!lead("i"));
        assert!(!lead("i dot"));
    }

    #[test]
    fn a_lead_in_naming_the_value_stays_audible() {
        // Stereo: "the code is" in a breath of its own, then a code Whisper garbled.
        let u = [
            (0, "and the three digits on the back", 0),
            (1, "the code is", 2_500),
            (1, "sent a nine", 4_000),
        ];
        let voiced = [v(0, 0, 2_300), v(1, 2_400, 3_600), v(1, 3_900, 5_200)];
        let codes = spans_of(Kind::SecurityCode, &u, &voiced);
        assert!(
            !codes.is_empty() && codes.iter().all(|c| c.0 >= 3_900),
            "{codes:?}"
        );
        // The nearest non-example: "the" with no word naming the value may be a misheard
        // first digit ("the" for three), and its breath stays muted.
        let u = [
            (0, "and the three digits on the back", 0),
            (1, "the", 2_500),
            (1, "sent a nine", 4_000),
        ];
        let codes = spans_of(Kind::SecurityCode, &u, &voiced);
        assert!(codes.iter().any(|c| c.0 <= 2_500), "{codes:?}");
    }

    #[test]
    fn lead_in_words_of_a_spoken_reply_stay_audible() {
        let u = [
            (0, "can I take your full name", 0),
            (1, "yes it's Jane Doe", 2_000),
        ];
        let voiced = [v(0, 0, 2_300), v(1, 1_900, 3_700)];
        let names = spans_of(Kind::PersonName, &u, &voiced);
        // The reply and the name matcher agree on where the name is; "yes it's" is not in it.
        assert!(
            !names.is_empty() && names.iter().all(|n| n.0 >= 2_800 && n.1 >= 3_300),
            "{names:?}"
        );
    }

    #[test]
    fn in_mono_a_question_that_goes_on_after_its_trigger_is_not_the_value() {
        // Whisper wrote the reply as junk: only the reply rule can place it.
        let u = [
            (0, "what's the expiry date on that card", 0),
            (0, "or for twenty wait", 3_500),
        ];
        let voiced = [v(0, 0, 3_000), v(0, 3_400, 5_200)];
        assert_eq!(spans_of(Kind::ExpiryDate, &u, &voiced), [(3_400, 5_200)]);
    }

    #[test]
    fn in_mono_an_email_reply_ends_with_its_domain() {
        let u = [
            (0, "and your email address", 0),
            (0, "jane dot doe at example dot com", 2_200),
            (0, "all changed", 6_000),
        ];
        let voiced = [v(0, 0, 1_900), v(0, 2_100, 5_000), v(0, 5_600, 6_800)];
        let e = spans_of(Kind::Email, &u, &voiced);
        assert!(!e.is_empty() && e.iter().all(|e| e.1 <= 5_000), "{e:?}");
    }

    #[test]
    fn a_lead_in_stretch_before_a_reading_stays_audible() {
        let u = [
            (0, "can I take the card number", 0),
            (1, "right here we go", 2_000),
            (1, "time one triple fendron", 4_000),
        ];
        let voiced = [v(0, 0, 1_700), v(1, 1_900, 3_500), v(1, 3_900, 5_700)];
        assert_eq!(answers(&u, &voiced), [(Kind::CardNumber, 1, 3_900, 5_700)]);
    }

    #[test]
    fn in_mono_a_homophone_after_the_trigger_is_still_the_question() {
        // "for" may be a four, but "an email for the receipt?" asks; the reply is after it.
        let u = [
            (0, "can I take an email for the receipt?", 0),
            (0, "yes it's perfect not came a bank sample", 3_400),
        ];
        let voiced = [v(0, 0, 3_100), v(0, 3_300, 6_300)];
        let a = answers(&u, &voiced);
        assert!(a.iter().all(|a| a.2 >= 3_300) && !a.is_empty(), "{a:?}");
        // The nearest non-example: a number word that is nothing else states the value.
        let u = [(0, "the card number seven triple fendron", 0)];
        let a = answers(&u, &[v(0, 0, 3_000)]);
        assert!(a.iter().any(|a| a.2 <= 1_200), "{a:?}");
    }

    #[test]
    fn every_stall_stretch_before_a_reading_stays_audible() {
        let u = [
            (0, "can I take the card number", 0),
            (1, "hang on let me just get my card", 2_000),
            (1, "right here we go", 5_000),
            (1, "time one triple fendron", 7_000),
        ];
        let voiced = [
            v(0, 0, 1_700),
            v(1, 1_900, 4_700),
            v(1, 4_900, 6_600),
            v(1, 6_900, 8_700),
        ];
        assert_eq!(answers(&u, &voiced), [(Kind::CardNumber, 1, 6_900, 8_700)]);
    }

    #[test]
    fn a_stretch_of_um_may_be_a_group_whisper_lost() {
        // The nearest non-example: "um" alone after "it's" may be a group Whisper could not
        // make out, so only the "it's" before it is skipped.
        let u = [
            (0, "can I take the card number", 0),
            (1, "it's", 2_000),
            (1, "um", 3_000),
            (1, "time one triple fendron", 4_000),
        ];
        let voiced = [
            v(0, 0, 1_700),
            v(1, 1_900, 2_600),
            v(1, 2_900, 3_600),
            v(1, 3_900, 5_000),
        ];
        assert_eq!(answers(&u, &voiced), [(Kind::CardNumber, 1, 2_900, 5_000)]);
    }

    #[test]
    fn in_mono_a_value_said_after_its_own_trigger_is_muted_from_the_trigger() {
        let u = [(0, "my sort code is forty twelve", 0)];
        let voiced = [v(0, 0, 2_500)];
        let a = answers(&u, &voiced);
        assert_eq!(a.len(), 1);
        assert_eq!((a[0].0, a[0].3), (Kind::SortCode, 2_500));
        // From the end of "is", the lead-in before the first digit ("forty", at 1_600).
        assert_eq!(a[0].2, 1_500, "{a:?}");
    }
}
