//! Text kinds: e-mail addresses, postcodes, National Insurance numbers, names, address lines
//! and customer terms. The matchers in `matchers` find them in one stretch of words; this
//! detector chooses the stretches (turns, cut after any trigger phrase so a question is never
//! matched as its own answer) and adds context: a name is only looked for as an answer when
//! the other side just asked for it, and a match inside its own kind's window is surer.

use super::context::is_acknowledgement;
use super::matchers::{
    self, Match, TermList, RULE_GREETING, RULE_INTRO, RULE_SPEAKING, RULE_TITLE,
};
use super::normalise::clean;
use super::scene::{ChannelScene, Scene};
use super::{Basis, Candidate, Detector};
use crate::types::{Finding, Kind, Role, WordRange};
use crate::units::Ms;

pub(crate) struct TextKinds;

/// One text kind and how its matcher is called on a stretch of word texts. `asked` is true
/// when the other side just asked for this kind (used by the name matcher).
struct TextKind {
    kind: Kind,
    detector: &'static str,
    matcher: fn(&[&str], bool) -> Vec<Match>,
}

const TEXT_KINDS: &[TextKind] = &[
    TextKind {
        kind: Kind::Email,
        detector: "text.email",
        matcher: |w, _| matchers::emails(w),
    },
    TextKind {
        kind: Kind::Postcode,
        detector: "text.postcode",
        matcher: |w, _| matchers::postcodes(w),
    },
    TextKind {
        kind: Kind::NiNumber,
        detector: "text.ni_number",
        matcher: |w, _| matchers::ni_numbers(w),
    },
    TextKind {
        kind: Kind::PersonName,
        detector: "text.person_name",
        matcher: matchers::name_in_answer,
    },
    TextKind {
        kind: Kind::Address,
        detector: "text.address",
        matcher: |w, _| matchers::address_lines(w),
    },
];

impl Detector for TextKinds {
    fn name(&self) -> &'static str {
        "text"
    }

    fn find(&self, scene: &Scene, out: &mut Vec<Candidate>) {
        // Built once per call: a long term list compiles into one automaton.
        let terms = (!scene.terms.is_empty()).then(|| TermList::new(&scene.terms));
        let stretches = stretches(scene);
        for (si, st) in stretches.iter().enumerate() {
            let Some(ch) = scene.channel(st.channel) else {
                continue;
            };
            let words = &ch.words[st.first..=st.last];
            let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
            let open = scene.windows_at(words[0].start);
            let mut found: Vec<(Kind, &'static str, Match)> = Vec::new();
            for tk in TEXT_KINDS {
                let asked = tk.kind == Kind::PersonName && was_asked(scene, &stretches, si, &open);
                found.extend(
                    (tk.matcher)(&texts, asked)
                        .into_iter()
                        .map(|m| (tk.kind, tk.detector, m)),
                );
            }
            if let Some(t) = &terms {
                found.extend(
                    t.find(&texts)
                        .into_iter()
                        .map(|m| (Kind::Term, "text.term", m)),
                );
            }
            for (kind, detector, m) in found {
                if m.first > m.last || m.last >= words.len() {
                    continue;
                }
                // A first name the agent says back right after asking ("...your full name?
                // Thanks, David.") is courtesy, not the customer's details; a full name said
                // back is muted, as any name given in answer is.
                let asked = was_asked(scene, &stretches, si, &open)
                    && (ch.role != Role::Agent || m.last > m.first);
                if kind == Kind::PersonName
                    && ((!asked && agents_own_name(ch.role, words[m.first].start, m.rule))
                        || introduces_self(ch, st.first + m.first))
                {
                    continue;
                }
                let in_window = scene.window_of(&open, kind);
                // Letters and digits announced as a reference ("your confirmation number is
                // RE511575") are the reference, however much they look like an NI number.
                if kind == Kind::NiNumber
                    && in_window.is_none()
                    && scene.after_closer(st.channel, words[m.first].start)
                {
                    continue;
                }
                let finding = Finding {
                    kind,
                    channel: Some(st.channel),
                    start: words[m.first].start,
                    end: words[m.last].end.max(words[m.first].start),
                    confidence: (m.confidence + if in_window.is_some() { 0.1 } else { 0.0 })
                        .clamp(0.0, 1.0),
                    detector,
                    rule: in_window
                        .map(|w| w.rule())
                        .unwrap_or_else(|| m.rule.to_string()),
                    words: Some(WordRange {
                        channel: st.channel,
                        first: st.first + m.first,
                        last: st.first + m.last,
                    }),
                };
                let basis = if in_window.is_some() {
                    Basis::Context
                } else {
                    Basis::Content
                };
                out.push(Candidate { finding, basis });
            }
        }
    }
}

/// The agent's name is not the customer's personal data, and muting every greeting ("Northgate
/// Energy, Laura speaking") costs QA the opening of every call. On the agent's channel a
/// self-introduction ("this is Laura", "Laura speaking") is the agent's own name; in mono, so
/// is one in the call's first seconds, greeting included ("Hi, Laura speaking"). The agent
/// saying the customer's name with a title ("Thanks, Mr Haddad") is still muted, and so is any
/// name given in answer to "who's calling?".
fn agents_own_name(role: Role, start: Ms, rule: &str) -> bool {
    const OPENING_MS: u64 = 8_000;
    match role {
        // A customer's name from the agent needs a title ("Mr Haddad"): garbled agent speech
        // yields capitalised non-names ("with MSC King", "Parzo") more often than the agent
        // names the customer, and each costs a muted stretch of the agent's voice.
        Role::Agent => rule != RULE_TITLE,
        Role::Mixed => {
            start.0 < OPENING_MS
                && [RULE_SPEAKING, RULE_INTRO, RULE_GREETING, RULE_TITLE].contains(&rule)
        }
        Role::Customer => false,
    }
}

/// Whether the name at word `at` follows the agent's own "my name's" or "this is": the agent
/// introducing themselves ("my name's Peter, what can I do for you today?"), which the bare
/// "name" trigger would otherwise take for a name given in answer. In mono only in the call's
/// opening seconds, where the agent speaks first; a customer's "my name is" stays muted.
fn introduces_self(ch: &ChannelScene, at: usize) -> bool {
    const OPENING_MS: u64 = 10_000;
    let opening = ch.words.get(at).is_some_and(|w| w.start.0 < OPENING_MS);
    if !(ch.role == Role::Agent || (ch.role == Role::Mixed && opening)) {
        return false;
    }
    let before: Vec<String> = ch.words[at.saturating_sub(3)..at]
        .iter()
        .map(|w| clean(&w.text))
        .collect();
    before
        .windows(2)
        .any(|p| (p[0] == "my" && p[1].starts_with("name")) || (p[0] == "this" && p[1] == "is"))
}

/// A run of one channel's words handed to the matchers as one piece of speech.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stretch {
    channel: u16,
    first: usize,
    last: usize,
    /// The stretch ends with a trigger phrase (it was cut there).
    ends_in_trigger: bool,
}

/// Each channel's turns, cut after every trigger phrase said in them ("can I take your name
/// please John Smith" in mono is the question, then the answer), then rejoined where a value
/// was only interrupted by the other side's "yep" ("Y O three one ... yep ... seven E T").
/// Sorted by start time across channels.
fn stretches(scene: &Scene) -> Vec<Stretch> {
    let mut all = Vec::new();
    for ch in &scene.channels {
        let mut cuts: Vec<usize> = scene
            .triggers
            .iter()
            .filter(|t| t.channel == ch.channel)
            .map(|t| t.last)
            .collect();
        cuts.sort_unstable();
        let mut pieces: Vec<Stretch> = Vec::new();
        for &(a, b) in &ch.turns {
            let mut start = a;
            for &c in cuts.iter().filter(|&&c| a <= c && c <= b) {
                if c >= start {
                    pieces.push(Stretch {
                        channel: ch.channel,
                        first: start,
                        last: c,
                        ends_in_trigger: true,
                    });
                    start = c + 1;
                }
            }
            if start <= b {
                pieces.push(Stretch {
                    channel: ch.channel,
                    first: start,
                    last: b,
                    ends_in_trigger: false,
                });
            }
        }
        let mut joined: Vec<Stretch> = Vec::new();
        for p in pieces {
            if let Some(prev) = joined.last_mut() {
                let (from, to) = (ch.words[prev.last].end, ch.words[p.first].start);
                let only_acks = scene
                    .channels
                    .iter()
                    .filter(|o| o.channel != ch.channel)
                    .all(|o| {
                        o.words
                            .iter()
                            .filter(|w| w.start >= from && w.start < to)
                            .all(|w| is_acknowledgement(&w.text))
                    });
                if !prev.ends_in_trigger
                    && to.0.saturating_sub(from.0) <= scene.cfg.join_gap_ms
                    && only_acks
                    && prev.last + 1 == p.first
                {
                    prev.last = p.last;
                    prev.ends_in_trigger = p.ends_in_trigger;
                    continue;
                }
            }
            joined.push(p);
        }
        all.extend(joined);
    }
    let start = |s: &Stretch| {
        scene
            .channel(s.channel)
            .map(|c| c.words[s.first].start)
            .unwrap_or_default()
    };
    all.sort_by_key(|s| (start(s), s.channel));
    all
}

/// Whether stretch `i` answers a request for a name: a name window is open at its start and
/// the request came just before: in the other side's last real turn, earlier in the speaker's
/// own turn ("it's in the name of, um, Kwame Ahmed"), or, in mono, in the turn before.
fn was_asked(scene: &Scene, stretches: &[Stretch], i: usize, open: &[usize]) -> bool {
    if scene.window_of(open, Kind::PersonName).is_none() {
        return false;
    }
    let st = stretches[i];
    // The name triggers `channel` ended in words from..=to.
    let asks = |channel: u16, from: usize, to: usize| {
        scene.triggers.iter().filter(move |t| {
            t.kind == Some(Kind::PersonName)
                && t.channel == channel
                && from <= t.last
                && t.last <= to
        })
    };
    let Some(ch) = scene.channel(st.channel) else {
        return false;
    };
    let start = ch.words[st.first].start;
    // The speaker's own turn, up to this stretch ("it's in the name of, um, Kwame Ahmed").
    // In stereo, the agent's words after its own "what name is", before the customer has
    // made a sound, are the rest of the question ("the account under?", garbled "near
    // County"); once the customer has spoken (though Whisper heard none of it), a name is
    // the reply said back.
    if let Some(&(a, _)) = ch
        .turns
        .iter()
        .find(|(a, b)| *a <= st.first && st.first <= *b)
    {
        let still_asking = |t: &crate::detect::context::Trigger| {
            ch.role == Role::Agent && !scene.others_voiced(st.channel, t.end, start)
        };
        if a < st.first && asks(st.channel, a, st.first - 1).any(|t| !still_asking(t)) {
            return true;
        }
    }
    // The last turn before this one that was not only "yes"/"okay": another channel's, or in
    // mono the channel's own.
    let mono = scene.channels.len() == 1;
    let mut previous: Option<(Ms, u16, usize, usize)> = None;
    for other in scene
        .channels
        .iter()
        .filter(|o| mono || o.channel != st.channel)
    {
        for &(a, b) in &other.turns {
            let t0 = other.words[a].start;
            let real = other.words[a..=b]
                .iter()
                .any(|w| !is_acknowledgement(&w.text));
            if t0 < start
                && b < other.words.len()
                && real
                && !(other.channel == st.channel && b >= st.first)
                && previous.is_none_or(|p| t0 > p.0)
            {
                previous = Some((t0, other.channel, a, b));
            }
        }
    }
    previous.is_some_and(|(_, c, a, b)| asks(c, a, b).next().is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::config::DetectConfig;
    use crate::detect::testutil::call;

    #[test]
    fn the_agent_saying_my_names_is_not_a_customers_name() {
        use crate::detect::testutil::kinds;
        let greeting = "hi there parcelwise my name's peter what can i do for you today";
        assert!(kinds(&[(0, greeting, 0), (1, "hello", 5_000)]).is_empty());
        // Mono, at the start of the call: the agent speaks first.
        assert!(kinds(&[(0, greeting, 0)]).is_empty());
        // The customer's own "my name's" is muted.
        assert_eq!(
            kinds(&[(0, "hello", 0), (1, "hi my name's peter smith", 2_000)]),
            [(Kind::PersonName, 1)]
        );
    }

    fn spans(scene: &Scene) -> Vec<(u16, usize, usize)> {
        stretches(scene)
            .iter()
            .map(|s| (s.channel, s.first, s.last))
            .collect()
    }

    #[test]
    fn a_question_and_its_answer_in_mono_are_separate_stretches() {
        let cfg = DetectConfig::default();
        let c = call(&[(0, "can I take your full name please John Smith", 0)]);
        let s = Scene::build(&c, &[], &cfg, Vec::new());
        // "full name" and "name please" overlap: one trigger up to "please".
        assert_eq!(spans(&s), [(0, 0, 6), (0, 7, 8)]);
    }

    #[test]
    fn an_answer_interrupted_by_yep_is_one_stretch() {
        let cfg = DetectConfig::default();
        let c = call(&[
            (0, "what's the postcode", 0),
            (1, "Y O three one", 2_000),
            (0, "yep", 4_600),
            (1, "seven E T", 6_000),
        ]);
        let s = Scene::build(&c, &[], &cfg, Vec::new());
        assert_eq!(spans(&s), [(0, 0, 2), (1, 0, 6), (0, 3, 3)]);
    }

    #[test]
    fn the_agent_repeating_the_customers_first_name_is_not_muted() {
        use crate::detect::testutil::{found_with, kinds};
        use crate::types::Voiced;
        // One agent turn: the question, then the first name said back.
        let k = kinds(&[
            (0, "can I take your full name thanks David", 0),
            (1, "yes", 4_000),
        ]);
        assert!(!k.contains(&(Kind::PersonName, 0)), "{k:?}");
        // The full name said back is the customer's details: here the customer's reply,
        // voiced between the agent's two lines, was lost to Whisper, so the agent's turn runs
        // on from the question.
        let voiced = |channel, s, e| Voiced {
            channel,
            start: Ms(s),
            end: Ms(e),
        };
        let found = found_with(
            &[
                (0, "can I take your full name", 0),
                (0, "thanks David McAllister", 3_000),
                (1, "yes", 6_000),
            ],
            &[
                voiced(0, 0, 2_300),
                voiced(1, 2_400, 2_900),
                voiced(0, 3_000, 4_100),
                voiced(1, 6_000, 6_300),
            ],
            &DetectConfig::default(),
        );
        let k: Vec<(Kind, u16)> = found
            .iter()
            .map(|f| (f.kind, f.channel.unwrap_or(u16::MAX)))
            .collect();
        assert!(k.contains(&(Kind::PersonName, 0)), "{k:?}");
    }

    #[test]
    fn the_rest_of_the_agents_name_question_is_not_a_name() {
        use crate::detect::testutil::kinds;
        // Whisper's "What name is near County," for "what name is the account under?": in
        // stereo the agent's own words after asking are the question, the reply is the
        // customer's.
        let k = kinds(&[
            (0, "what name is near County", 0),
            (1, "it's Chloe Ramen", 3_000),
        ]);
        assert_eq!(k, [(Kind::PersonName, 1)]);
    }

    #[test]
    fn a_name_counts_as_asked_only_right_after_the_question() {
        let cfg = DetectConfig::default();
        let c = call(&[
            (0, "who am I speaking to", 0),
            (1, "yeah it's Jo Bloggs", 2_500),
            (0, "and how can I help", 5_000),
            (1, "my son Sam", 7_500),
        ]);
        let s = Scene::build(&c, &[], &cfg, Vec::new());
        let st = stretches(&s);
        let asked: Vec<bool> = (0..st.len())
            .map(|i| {
                was_asked(
                    &s,
                    &st,
                    i,
                    &s.windows_at(s.channels[st[i].channel as usize].words[st[i].first].start),
                )
            })
            .collect();
        let customer: Vec<bool> = st
            .iter()
            .zip(&asked)
            .filter(|(x, _)| x.channel == 1)
            .map(|(_, a)| *a)
            .collect();
        assert_eq!(customer, [true, false]);
    }
}
