//! Context: trigger phrases ("long number on the front", "security code", "date of birth"),
//! found with aho-corasick over a channel's cleaned lower-case words, open a window of their
//! kind over the speech that follows. Inside a window a digit run is that kind even when
//! Whisper dropped or merged digits; a window closes after its configured length, when another
//! kind's trigger is said, or shortly after a complete value was given.

use super::config::DetectConfig;
use super::normalise::clean;
use crate::types::{Kind, Role, Word};
use crate::units::Ms;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

/// The phrases that ship with the tool, per kind. A policy adds to these (`[detect.triggers]`).
/// Words in a trigger are never digits: "three digits on the back" says no digit.
pub const BUILTIN_TRIGGERS: &[(Kind, &[&str])] = &[
    (
        Kind::CardNumber,
        &[
            "card number",
            "card no",
            "long number",
            "long card number",
            "number on the card",
            "number on the front",
            "numbers on the front",
            "digits on the front",
            "front of the card",
            "front of your card",
            "across the front",
            "sixteen digit",
            "16 digit",
            "sixteen digits",
            "16 digits",
            "card details",
            "pay by card",
            "pay with card",
            "paying by card",
            "debit card number",
            "credit card number",
            "card's number",
            "number on your card",
            "number on your debit card",
            "number on your credit card",
            "number on the debit card",
            "numbers on your card",
            "digits on the card",
            "digits on your card",
            "read the card",
            "card out",
            "digits across",
            "across the middle",
            "take payment",
            "take a payment",
            // A garbled question still tends to keep "card": its reply is card data.
            "take the card",
            "take your card",
            "card you want to use",
            "card you'd like to use",
            "last four digits",
            "last 4 digits",
            "first four digits",
            "first 4 digits",
            "card ending",
            // In a call, what is "on the front" is the card's number (or an Amex's four-digit
            // code): Whisper often keeps only that much of the question.
            "on the front",
        ],
    ),
    (
        Kind::SecurityCode,
        &[
            "security code",
            "security number",
            "security digits",
            "cvv",
            "cvv2",
            "cvc",
            "cv2",
            "c v v",
            "c v c",
            "cv two",
            "three digits on the back",
            "3 digits on the back",
            "three digit code",
            "3 digit code",
            "digits on the back",
            "number on the back",
            "numbers on the back",
            "back of the card",
            "back of your card",
            "last three digits",
            "last 3 digits",
            "card verification",
            "verification code",
            "three digit number",
            "3 digit number",
            "by the signature",
            "signature strip",
            "on the reverse",
            "code on the back",
            // "three" is often heard as "free"; "digit code" survives when the number does not.
            "digit code",
            "digits code",
            "free digit",
            "free digits",
            "free digit code",
            "three digit",
            "3 digit",
            "three digits",
            "3 digits",
            "on the back",
            // Not "at the back": of the queue, the back door.
            "from the back",
        ],
    ),
    (
        Kind::ExpiryDate,
        &[
            "expiry",
            "expiry date",
            "expiration",
            "expiration date",
            "expires",
            "expire",
            "expiring",
            "valid until",
            "valid to",
            "valid thru",
            "valid through",
            "end date",
            "exp date",
            "valid from",
            "does it run out",
            "expiry on it",
            // What the expiry is made of, asked for when the word itself was lost.
            "month and year",
            "month and the year",
        ],
    ),
    (
        Kind::SortCode,
        &[
            "sort code",
            "sortcode",
            "sort codes",
            "short code",
            "sort number",
        ],
    ),
    (
        Kind::AccountNumber,
        &[
            "account number",
            "account no",
            "account num",
            "bank account",
            "account details",
            "account is",
            "account numbers",
        ],
    ),
    (
        Kind::Phone,
        &[
            "phone number",
            "mobile number",
            "contact number",
            "telephone number",
            "telephone",
            "landline",
            "land line",
            "number to call",
            "call you back on",
            "reach you on",
            "contact you on",
            "best number",
            "mobile is",
            "mobile's",
            "phone is",
            "text you on",
            "text me on",
            "ring you on",
            "ring me on",
            "call me on",
        ],
    ),
    (
        Kind::DateOfBirth,
        &[
            "date of birth",
            "birth date",
            "birthdate",
            "birthday",
            "born on",
            "born in",
            "were you born",
            "d o b",
            "dob",
            "your age",
            // Whisper keeps "birth" when it mishears the rest ("your mate on birth").
            "birth",
        ],
    ),
    (
        Kind::Postcode,
        &[
            "postcode",
            "post code",
            "postal code",
            "zip code",
            "post codes",
        ],
    ),
    (
        Kind::Email,
        &[
            "email address",
            "e mail address",
            "email",
            "e mail",
            "emails",
            "mail address",
        ],
    ),
    (
        Kind::NiNumber,
        &[
            "national insurance",
            "ni number",
            "n i number",
            "insurance number",
            "nino",
        ],
    ),
    (
        Kind::PersonName,
        &[
            "your name",
            "full name",
            "name on the card",
            "name on card",
            "who am i speaking to",
            "who i'm speaking to",
            "who i am speaking to",
            "first name",
            "surname",
            "last name",
            "spell that",
            "spell your",
            "name please",
            "your name please",
            "cardholder's name",
            "card holder's name",
            "cardholder name",
            "name of the cardholder",
            "maiden name",
            "name",
            "holder's name",
            "account holder",
            "speaking with",
            "who am i speaking",
            "who's calling",
            "who is calling",
        ],
    ),
    (
        Kind::Address,
        &[
            "first line of your address",
            "first line of the address",
            "first line of address",
            "your address",
            "the address",
            "home address",
            "billing address",
            "house number",
            "street name",
            "address line",
            "live at",
            "registered address",
            "new address",
            "postal address",
            "street address",
            "house name",
            "which street",
            "what street",
            // Asking where someone lives asks for the address.
            "where do you live",
            "where you live",
            "where are you living",
            "where do you stay",
            "whereabouts do you live",
            "where are you based",
        ],
    ),
];

/// Phrases that change the subject to a number that is not sensitive: they end any open window
/// and open none. Without them, a payment reference read out right after the security code
/// would be taken for a second code. A policy adds to these (`[detect] closing_phrases`).
pub const BUILTIN_CLOSERS: &[&str] = &[
    "reference",
    "references",
    "reference number",
    "ref number",
    "reference is",
    "order number",
    "case number",
    "ticket number",
    "confirmation number",
    "booking reference",
    "transaction number",
    "extension",
    "press",
    "option",
    "in the queue",
    "caller number",
    "invoice number",
    "anything else",
    "gone through",
    // The agent saying the payment is over: what is read out next is its reference.
    "all done",
    "been processed",
    "been taken",
    "was successful",
];

/// A trigger phrase said on one channel. `kind` None: a closing phrase.
#[derive(Clone, Debug, PartialEq)]
pub struct Trigger {
    pub kind: Option<Kind>,
    pub channel: u16,
    pub role: Role,
    pub first: usize,
    pub last: usize,
    pub start: Ms,
    pub end: Ms,
    /// When the trigger's last word started: Whisper's end times at an utterance's edge run
    /// late into the pause (and the reply), its start times less so.
    pub last_start: Ms,
    /// The trigger's sentence ends in a question mark: it asks for the value.
    pub asks: bool,
}

/// A stretch of the call in which values of `kind` are expected.
#[derive(Clone, Debug, PartialEq)]
pub struct Window {
    pub kind: Kind,
    /// When the trigger started: answers are matched from here, because Whisper's times at
    /// utterance edges are off by up to a second.
    pub open: Ms,
    pub trigger_end: Ms,
    /// When the last trigger word started (see `Trigger::last_start`).
    pub asked_at: Ms,
    pub close: Ms,
    /// Channels expected to answer: in stereo, the customer when the agent asked; the speaker
    /// itself when it named its own value ("my card number is...") or in mono.
    pub answering: Vec<u16>,
}

impl Window {
    pub fn contains(&self, t: Ms) -> bool {
        self.open <= t && t < self.close
    }

    /// "trigger:card_number": the rule recorded in the audit.
    pub fn rule(&self) -> String {
        format!("trigger:{}", self.kind.as_str().to_lowercase())
    }
}

/// Lower-case, punctuation-free form of a phrase or a word for matching: hyphens, dots and
/// slashes become spaces ("e-mail", "d.o.b").
fn for_matching(s: &str) -> String {
    let c = clean(s).replace(['-', '.', '/', '_'], " ");
    c.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Small words Whisper often swaps ("date on birth", "number in the front"): a phrase of two
/// or more other words also matches with these ignored on both sides.
const LOOSE_SKIP: &[&str] = &[
    "of", "on", "the", "a", "an", "your", "my", "in", "for", "to", "at", "is", "please", "that",
    "this",
];

/// `phrase` without its small words, if that leaves two or more words and removed any.
fn loose_form(phrase: &str) -> Option<String> {
    let all: Vec<&str> = phrase.split(' ').collect();
    let kept: Vec<&str> = all
        .iter()
        .copied()
        .filter(|w| !LOOSE_SKIP.contains(w))
        .collect();
    (kept.len() >= 2 && kept.len() < all.len()).then(|| kept.join(" "))
}

/// One automaton over phrases, with the kind of each.
struct Phrases {
    ac: Option<AhoCorasick>,
    kinds: Vec<Option<Kind>>,
}

impl Phrases {
    fn new(list: Vec<(Option<Kind>, String)>) -> Phrases {
        let (kinds, phrases): (Vec<_>, Vec<_>) = list.into_iter().unzip();
        // Standard semantics and overlapping search: the longest phrase at a word boundary is
        // chosen below, which leftmost-longest alone cannot do once boundaries filter matches.
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(&phrases)
            .ok();
        Phrases { ac, kinds }
    }

    /// Matches at word boundaries in the words' text (each word as `for_matching` gives it,
    /// `skip` ones left out), as (kind, first word, last word).
    fn hits(&self, words: &[Word], skip: &[&str]) -> Vec<(Option<Kind>, usize, usize)> {
        let Some(ac) = &self.ac else {
            return Vec::new();
        };
        let mut text = String::new();
        // owner[i] = the word that byte i of `text` came from.
        let mut owner: Vec<usize> = Vec::new();
        for (i, w) in words.iter().enumerate() {
            let m = for_matching(&w.text);
            if m.is_empty() || skip.contains(&m.as_str()) {
                continue;
            }
            if !text.is_empty() {
                text.push(' ');
                owner.push(i);
            }
            text.push_str(&m);
            owner.extend(std::iter::repeat_n(i, m.len()));
        }
        let bytes = text.as_bytes();
        ac.find_overlapping_iter(&text)
            .filter(|m| {
                (m.start() == 0 || bytes[m.start() - 1] == b' ')
                    && (m.end() == bytes.len() || bytes[m.end()] == b' ')
            })
            .map(|m| {
                (
                    self.kinds[m.pattern().as_usize()],
                    owner[m.start()],
                    owner[m.end() - 1],
                )
            })
            .collect()
    }
}

/// All trigger and closing phrases (built in plus the policy's), compiled once per call: as
/// written, and in their loose form (see `LOOSE_SKIP`).
pub struct TriggerSet {
    exact: Phrases,
    loose: Phrases,
    /// One-word triggers of six letters or more, for near misses ("postco", "expirey").
    words: Vec<(Option<Kind>, String)>,
}

/// Whether `heard` is a near miss for the trigger word `word`: a clipped ending ("postco" for
/// "postcode") or one or two letters wrong in a long word.
fn near_miss(heard: &str, word: &str) -> bool {
    if heard.len() < 5 || heard == word {
        return false;
    }
    let clipped = word.starts_with(heard) && heard.len() * 4 >= word.len() * 3;
    clipped || strsim::normalized_damerau_levenshtein(heard, word) >= 0.8
}

/// Whether `heard`, after "post", is the second half of "postcode" Whisper split off and
/// misheard: a short word with the same hard first sound ("post good", "post called", "post,
/// come", "post COVID"), not the post itself ("the post office", "by post", "post it").
fn split_code(heard: &str) -> bool {
    // What follows the post itself as often: "the post came", "my post got lost", "a post
    // card", "the post costs".
    const ABOUT_THE_POST: &[&str] = &[
        "came", "comes", "come", "got", "gets", "goes", "gone", "going", "can", "could", "card",
        "cards", "cost", "costs", "go",
    ];
    let h = for_matching(heard);
    let first = h.split(' ').next().unwrap_or("");
    first.starts_with(['c', 'g', 'k'])
        && (3..=6).contains(&first.len())
        && !ABOUT_THE_POST.contains(&first)
}

impl TriggerSet {
    pub fn new(cfg: &DetectConfig) -> TriggerSet {
        let mut exact = Vec::new();
        let mut loose = Vec::new();
        let extra = cfg
            .triggers
            .iter()
            .flat_map(|(k, v)| v.iter().map(move |p| (Some(*k), p.as_str())));
        let builtin = BUILTIN_TRIGGERS
            .iter()
            .flat_map(|(k, v)| v.iter().map(move |p| (Some(*k), *p)));
        let closers = BUILTIN_CLOSERS
            .iter()
            .copied()
            .chain(cfg.closing_phrases.iter().map(String::as_str))
            .map(|p| (None, p));
        for (k, p) in builtin.chain(extra).chain(closers) {
            let p = for_matching(p);
            if p.is_empty() {
                continue;
            }
            if let Some(l) = loose_form(&p) {
                loose.push((k, l));
            }
            exact.push((k, p));
        }
        let words = exact
            .iter()
            .filter(|(k, p)| k.is_some() && !p.contains(' ') && p.len() >= 6)
            .cloned()
            .collect();
        TriggerSet {
            exact: Phrases::new(exact),
            loose: Phrases::new(loose),
            words,
        }
    }

    /// Trigger phrases in one channel's words, as (kind, first word, last word), not
    /// overlapping, left to right; kind None for a closing phrase. With `near`, a word that is
    /// a near miss for a one-word trigger counts too: for the asking side, whose question
    /// Whisper half-heard; the answering side's garbled values would trip it.
    pub fn find(&self, words: &[Word], near: bool) -> Vec<(Option<Kind>, usize, usize)> {
        let mut hits = self.exact.hits(words, &[]);
        hits.extend(self.loose.hits(words, LOOSE_SKIP));
        if near {
            for (i, w) in words.iter().enumerate() {
                let heard = for_matching(&w.text);
                // Whisper spells the sound "ex" as the letter: "X-Piry", "X-pirin".
                let heard = match heard.strip_prefix('x') {
                    Some(rest) if !rest.trim().is_empty() => format!("ex{}", rest.replace(' ', "")),
                    _ => heard,
                };
                if let Some((k, _)) = self.words.iter().find(|(_, t)| near_miss(&heard, t)) {
                    hits.push((*k, i, i));
                }
                if heard == "post" && words.get(i + 1).is_some_and(|n| split_code(&n.text)) {
                    hits.push((Some(Kind::Postcode), i, i + 1));
                }
            }
        }
        hits.sort_by_key(|&(_, a, b)| (a, std::cmp::Reverse(b)));
        let mut out: Vec<(Option<Kind>, usize, usize)> = Vec::new();
        for (k, a, b) in hits {
            if let Some(last) = out.last_mut() {
                if a <= last.2 {
                    // Overlapping phrases of one kind ("long number" + "number on the front")
                    // are one trigger spanning both; another kind's phrase inside it is ignored.
                    if last.0 == k {
                        last.2 = last.2.max(b);
                    }
                    continue;
                }
            }
            out.push((k, a, b));
        }
        out
    }
}

/// Windows from every channel's triggers, in time order. A window closes after its length, or
/// where a closing phrase or a later trigger of another kind starts; a trigger said within
/// `stack_ms` of it does not close it, because one question can ask for several things ("your
/// name and postcode", "the card number and expiry"), so those windows overlap. Consecutive
/// triggers of one kind make one window.
pub fn windows(triggers: &[Trigger], cfg: &DetectConfig, channels: &[u16]) -> Vec<Window> {
    let mut triggers = triggers.to_vec();
    triggers.sort_by_key(|t| (t.start, t.end));
    let mut out: Vec<Window> = Vec::new();
    for (i, t) in triggers.iter().enumerate() {
        let Some(kind) = t.kind else { continue };
        let mut close = t.end + Ms(cfg.window_ms(kind));
        let stacked_until = t.end + Ms(cfg.stack_ms);
        if let Some(next) = triggers[i + 1..]
            .iter()
            .find(|n| n.kind != t.kind && (n.kind.is_none() || n.start > stacked_until))
        {
            close = close.min(next.start.max(t.end));
        }
        // Only a stereo call has an agent channel; elsewhere the speaker answers itself.
        let answering: Vec<u16> = match t.role {
            Role::Agent => channels
                .iter()
                .copied()
                .filter(|c| *c != t.channel)
                .collect(),
            _ => vec![t.channel],
        };
        if let Some(last) = out
            .iter_mut()
            .rev()
            .find(|w| w.kind == kind)
            .filter(|w| t.start <= w.close)
        {
            last.close = last.close.max(close);
            // The question asked again, or still being asked ("the card number? The long
            // number on the front."), moves where the reply is looked for, as does the
            // customer naming the value they are about to give ("Long number: 4539 ...").
            // The agent naming the kind later in a statement (reading the e-mail back) does
            // not, or the reply given before it would be lost.
            if t.asks || t.role != Role::Agent || t.start <= last.trigger_end + Ms(cfg.stack_ms) {
                last.trigger_end = last.trigger_end.max(t.end);
                last.asked_at = last.asked_at.max(t.last_start);
            }
            for c in answering {
                if !last.answering.contains(&c) {
                    last.answering.push(c);
                }
            }
            continue;
        }
        out.push(Window {
            kind,
            open: t.start,
            trigger_end: t.end,
            asked_at: t.last_start,
            close,
            answering,
        });
    }
    out
}

/// Words said between two parts of one value without ending it: the other speaker's "yes",
/// "go on", "okay", "got that"; a customer's "sorry", "hang on".
pub const ACKNOWLEDGEMENTS: &[&str] = &[
    "yes",
    "yeah",
    "yep",
    "yup",
    "ok",
    "okay",
    "go",
    "on",
    "right",
    "mhm",
    "mm",
    "mmhmm",
    "mm-hmm",
    "mm-hm",
    "mmhm",
    "m-hm",
    "hm",
    "uh-huh",
    "uhhuh",
    "aha",
    "got",
    "it",
    "that",
    "sure",
    "thanks",
    "thank",
    "you",
    "great",
    "lovely",
    "perfect",
    "next",
    "and",
    "then",
    "carry",
    "continue",
    "alright",
    "cool",
    "fine",
    "good",
    "so",
    "hang",
    "one",
    "sec",
    "second",
    "bear",
    "with",
    "me",
    "sorry",
    "the",
    "rest",
    "please",
    "ahead",
    "cheers",
    "brilliant",
    "ta",
    "yes,",
    "correct",
    "that's",
    "it's",
    "thats",
    "its",
    "is",
    "hmm",
    "um",
    "uh",
    "er",
    "erm",
    "ah",
    "oh",
    "just",
    "a",
    "moment",
    "wait",
    "let",
    "see",
];

/// Whether a word thanks someone ("thanks", "lovely"): a value just given has been taken, and
/// what follows is something else (in mono, usually the agent's next line).
pub fn is_thanks(text: &str) -> bool {
    matches!(
        clean(text).as_str(),
        "thanks" | "thank" | "cheers" | "lovely" | "perfect" | "brilliant" | "great"
    )
}

/// Whether a word is one of `ACKNOWLEDGEMENTS` or a filler.
pub fn is_acknowledgement(text: &str) -> bool {
    let c = clean(text);
    c.is_empty()
        || ACKNOWLEDGEMENTS.contains(&c.as_str())
        || super::normalise::FILLERS.contains(&c.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<Word> {
        text.split_whitespace()
            .enumerate()
            .map(|(i, w)| Word {
                text: w.to_string(),
                start: Ms(i as u64 * 500),
                end: Ms(i as u64 * 500 + 400),
                prob: 0.9,
            })
            .collect()
    }

    fn found(text: &str) -> Vec<(Kind, usize, usize)> {
        TriggerSet::new(&DetectConfig::default())
            .find(&words(text), true)
            .into_iter()
            .filter_map(|(k, a, b)| Some((k?, a, b)))
            .collect()
    }

    #[test]
    fn long_number_on_the_front_is_a_card_trigger() {
        assert_eq!(
            found("Can I take the long number on the front, please?"),
            [(Kind::CardNumber, 4, 8)]
        );
    }

    #[test]
    fn asking_where_someone_lives_asks_for_the_address() {
        assert_eq!(
            found("And whereabouts do you live?"),
            [(Kind::Address, 1, 4)]
        );
        assert_eq!(
            found("Can you tell me where you live"),
            [(Kind::Address, 4, 6)]
        );
        // Nearest non-examples: living somewhere said, not asked for; a place, not a home.
        assert!(found("I live in Leeds now").is_empty());
        assert!(found("where do you want it delivered").is_empty());
    }

    #[test]
    fn triggers_match_case_and_punctuation_blind() {
        assert_eq!(found("And the CVV?"), [(Kind::SecurityCode, 2, 2)]);
        assert_eq!(found("your E-mail address"), [(Kind::Email, 1, 2)]);
        assert_eq!(found("Sort-code?"), [(Kind::SortCode, 0, 0)]);
    }

    #[test]
    fn the_longest_phrase_wins() {
        assert_eq!(found("and the email address"), [(Kind::Email, 2, 3)]);
        assert_eq!(
            found("the three digits on the back"),
            [(Kind::SecurityCode, 1, 5)]
        );
    }

    #[test]
    fn what_a_garbled_question_keeps_still_asks() {
        // "And as it's an American Express, the four digit code on the front."
        assert_eq!(
            found("and it's an American express before you get going on the front"),
            [(Kind::CardNumber, 9, 11)]
        );
        assert_eq!(
            found("and the code on the back"),
            [(Kind::SecurityCode, 2, 5)]
        );
        assert_eq!(found("and your mate on birth"), [(Kind::DateOfBirth, 4, 4)]);
    }

    #[test]
    fn a_swapped_small_word_still_matches() {
        assert_eq!(
            found("and your date on birth please"),
            [(Kind::DateOfBirth, 2, 4)]
        );
        assert_eq!(
            found("the long number in front"),
            [(Kind::CardNumber, 1, 4)]
        );
        // A phrase that is one word once small words go keeps its exact form only.
        assert!(found("my phone broke").is_empty());
    }

    #[test]
    fn a_half_heard_trigger_word_still_matches() {
        assert_eq!(found("thanks and the postco"), [(Kind::Postcode, 3, 3)]);
        assert_eq!(found("and the expirey"), [(Kind::ExpiryDate, 2, 2)]);
        assert!(found("the post office").is_empty());
    }

    #[test]
    fn postcode_split_in_two_and_misheard_is_a_postcode_trigger() {
        assert_eq!(
            found("what's the post good there?"),
            [(Kind::Postcode, 2, 3)]
        );
        assert_eq!(found("and your post, called."), [(Kind::Postcode, 2, 3)]);
        assert_eq!(found("the post COVID-19"), [(Kind::Postcode, 1, 2)]);
        // Nearest non-examples: the post itself.
        assert!(found("it went to the post office").is_empty());
        assert!(found("I'll send it by post and it arrives").is_empty());
        assert!(found("can you post it to me").is_empty());
        assert!(found("my post got lost again").is_empty());
        assert!(found("has the post come yet?").is_empty());
    }

    #[test]
    fn expiry_spelled_with_the_letter_x_is_an_expiry_trigger() {
        assert_eq!(found("And the X-Piry date?"), [(Kind::ExpiryDate, 2, 2)]);
        assert_eq!(found("and the X-pirin, please"), [(Kind::ExpiryDate, 2, 2)]);
        // Nearest non-examples: other words that start with the letter.
        assert!(found("I had an X-ray done").is_empty());
        assert!(found("it's on the Xbox account").is_empty());
    }

    #[test]
    fn what_makes_up_a_card_detail_asks_for_it() {
        assert_eq!(
            found("Can I have the month and year on it?"),
            [(Kind::ExpiryDate, 4, 6)]
        );
        assert_eq!(
            found("And the 3 digits on the Mac."),
            [(Kind::SecurityCode, 2, 3)]
        );
        assert_eq!(
            found("the free ticket from the back"),
            [(Kind::SecurityCode, 3, 5)]
        );
        // Nearest non-examples: a length of time, a place at the back.
        assert!(found("it takes a month or a year").is_empty());
        assert!(found("you're at the back of the line").is_empty());
    }

    #[test]
    fn triggers_need_whole_words() {
        assert!(found("discovery expiryish").is_empty());
        assert!(found("recovery").is_empty());
    }

    #[test]
    fn policy_phrases_are_added() {
        let mut cfg = DetectConfig::default();
        cfg.triggers
            .insert(Kind::CardNumber, vec!["the big number".into()]);
        assert_eq!(
            TriggerSet::new(&cfg).find(&words("read me the big number"), true),
            [(Some(Kind::CardNumber), 2, 4)]
        );
    }

    fn trig(kind: Kind, channel: u16, start: u64) -> Trigger {
        Trigger {
            kind: Some(kind),
            channel,
            role: if channel == 0 {
                Role::Agent
            } else {
                Role::Customer
            },
            first: 0,
            last: 0,
            start: Ms(start),
            end: Ms(start + 1000),
            last_start: Ms(start + 600),
            asks: true,
        }
    }

    #[test]
    fn a_window_closes_at_the_next_other_trigger() {
        let cfg = DetectConfig::default();
        let w = windows(
            &[
                trig(Kind::CardNumber, 0, 0),
                trig(Kind::ExpiryDate, 0, 10_000),
            ],
            &cfg,
            &[0, 1],
        );
        assert_eq!(w.len(), 2);
        assert_eq!(w[0].close, Ms(10_000));
        assert_eq!(w[0].answering, [1]);
        assert_eq!(w[1].close, Ms(11_000 + cfg.window_ms(Kind::ExpiryDate)));
    }

    #[test]
    fn a_closing_phrase_ends_the_window_and_opens_none() {
        let cfg = DetectConfig::default();
        let closer = Trigger {
            kind: None,
            ..trig(Kind::CardNumber, 0, 8_000)
        };
        let w = windows(&[trig(Kind::SecurityCode, 0, 0), closer], &cfg, &[0, 1]);
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].close, Ms(8_000));
        let t = TriggerSet::new(&cfg).find(&words("and your reference number is"), true);
        assert_eq!(t, [(None, 2, 3)]);
    }

    #[test]
    fn one_question_asking_for_two_things_opens_both() {
        let cfg = DetectConfig::default();
        let w = windows(
            &[trig(Kind::PersonName, 0, 0), trig(Kind::Postcode, 0, 1_500)],
            &cfg,
            &[0, 1],
        );
        assert_eq!(w.len(), 2);
        assert_eq!(w[0].close, Ms(1_000 + cfg.window_ms(Kind::PersonName)));
        assert!(w[0].contains(Ms(5_000)) && w[1].contains(Ms(5_000)));
    }

    #[test]
    fn a_window_closes_after_its_length() {
        let cfg = DetectConfig::default();
        let w = windows(&[trig(Kind::SecurityCode, 0, 0)], &cfg, &[0, 1]);
        assert_eq!(w[0].close, Ms(1000 + cfg.window_ms(Kind::SecurityCode)));
    }

    #[test]
    fn repeated_triggers_of_one_kind_make_one_window() {
        let cfg = DetectConfig::default();
        let w = windows(
            &[
                trig(Kind::CardNumber, 0, 0),
                trig(Kind::CardNumber, 1, 3000),
            ],
            &cfg,
            &[0, 1],
        );
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].answering, [1]);
    }

    #[test]
    fn the_agent_naming_the_kind_after_the_reply_keeps_the_reply() {
        // "And your email address?" ... the reply ... "Just to confirm, the email is ...":
        // the read-back's mention does not move where the reply is looked for.
        let cfg = DetectConfig::default();
        let read_back = Trigger {
            asks: false,
            ..trig(Kind::Email, 0, 12_000)
        };
        let w = windows(&[trig(Kind::Email, 0, 0), read_back], &cfg, &[0, 1]);
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].asked_at, Ms(600));
        // The nearest non-examples: the question asked again, and the customer naming what
        // they are about to give ("Long number: 4539 ..."), each move it.
        let w = windows(
            &[trig(Kind::Email, 0, 0), trig(Kind::Email, 0, 12_000)],
            &cfg,
            &[0, 1],
        );
        assert_eq!(w[0].asked_at, Ms(12_600));
        let own = Trigger {
            asks: false,
            ..trig(Kind::Email, 1, 12_000)
        };
        let w = windows(&[trig(Kind::Email, 0, 0), own], &cfg, &[0, 1]);
        assert_eq!(w[0].asked_at, Ms(12_600));
    }

    #[test]
    fn a_customer_naming_their_own_value_answers_themselves() {
        let cfg = DetectConfig::default();
        let w = windows(&[trig(Kind::CardNumber, 1, 0)], &cfg, &[0, 1]);
        assert_eq!(w[0].answering, [1]);
    }

    #[test]
    fn acknowledgements_are_recognised() {
        assert!(is_acknowledgement("Yes."));
        assert!(is_acknowledgement("Okay,"));
        assert!(!is_acknowledgement("expiry"));
    }
}
