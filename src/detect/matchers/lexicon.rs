//! Word lists the matchers share: function words that never belong to a value, common words that
//! are unlikely to be names, street suffixes and house names.
//!
//! The lists are deliberately plain English call-centre vocabulary. A name that is also a common
//! word ("Will", "Bill", "May") is missed unless a trigger ("my name is") or a title vouches for
//! it; the opposite choice would mark every capitalised sentence start as a name.

use std::collections::HashSet;
use std::sync::OnceLock;

/// Words that glue a sentence together. They end a name, an e-mail local part or a street name.
#[rustfmt::skip]
const FUNCTION: &[&str] = &[
    "a", "about", "above", "actually", "after", "again", "against", "ah", "all", "also", "am", "an",
    "and", "any", "anyway", "are", "aren't", "as", "at", "aye", "back", "basically", "be",
    "because", "been", "before", "being", "below", "between", "both", "but", "by", "bye", "can",
    "can't", "cannot", "cheers", "could", "couldn't", "did", "didn't", "do", "does", "doesn't",
    "doing", "don't", "down", "during", "each", "eh", "either", "er", "erm", "even", "ever",
    "every", "few", "for", "from", "further", "goodbye", "had", "hadn't", "has", "hasn't", "have",
    "haven't", "having", "he", "he'd", "he'll", "he's", "hello", "her", "here", "here's", "hers",
    "herself", "hey", "hi", "him", "himself", "his", "hiya", "hmm", "how", "how's", "however", "i",
    "i'd", "i'll", "i'm", "i've", "if", "im", "in", "into", "is", "isn't", "it", "it'd", "it'll",
    "it's", "its", "itself", "just", "let's", "like", "maybe", "me", "might", "mine", "mm", "more",
    "most", "much", "must", "mustn't", "my", "myself", "neither", "no", "nope", "nor", "not", "now",
    "of", "off", "oh", "ok", "okay", "on", "once", "only", "onto", "or", "other", "ought", "our",
    "ours", "ourselves", "out", "over", "own", "please", "pretty", "quite", "rather", "really",
    "right", "same", "shall", "shan't", "she", "she'd", "she'll", "she's", "should", "shouldn't",
    "so", "some", "sorry", "still", "such", "sure", "than", "thank", "thanks", "that", "that'll",
    "that's", "thats", "the", "their", "theirs", "them", "themselves", "then", "there", "there's",
    "theres", "these", "they", "they'd", "they'll", "they're", "they've", "this", "those", "though",
    "through", "to", "too", "uh", "uhm", "um", "umm", "under", "until", "up", "upon", "us", "very",
    "was", "wasn't", "we", "we'd", "we'll", "we're", "we've", "well", "were", "weren't", "what",
    "what's", "whats", "when", "where", "where's", "whether", "which", "while", "who", "who's",
    "whom", "whose", "why", "will", "with", "within", "without", "won't", "would", "wouldn't",
    "yeah", "yep", "yes", "yet", "you", "you'd", "you'll", "you're", "you've", "your", "yours",
    "yourself", "yup",
    "gonna", "wanna", "gotta", "kinda", "sorta", "dunno",
];

/// Everyday words that Whisper may capitalise (sentence starts, brands, places) but that are not
/// people's names in a call. Surnames that are also trades or colours (Baker, Brown) are left out.
#[rustfmt::skip]
const COMMON: &[&str] = &[
    // call-centre vocabulary
    "account", "accounts", "address", "advisor", "adviser", "agent", "amount", "answer", "apply",
    "application", "appointment", "arrears", "balance", "bank", "banking", "bill", "billing",
    "bills", "booking", "branch", "broadband", "calling", "call", "called", "calls", "cancel",
    "cancellation", "card", "cards", "case", "charge", "charged", "charges", "check", "checking",
    "claim", "company", "complaint", "confirm", "confirmed", "contract", "cost", "credit",
    "customer", "customers", "date", "debit", "deal", "delivery", "department", "deposit",
    "details", "direct", "email", "e-mail", "emails", "energy", "electric", "electricity",
    "enquiry", "fee", "fees", "form", "gas", "help", "helpline", "insurance", "internet", "invoice",
    "issue", "letter", "line", "loan", "mail", "manager", "meter", "mobile", "money", "mortgage",
    "name", "names", "number", "numbers", "offer", "online", "order", "package", "parcel",
    "password", "pay", "paying", "payment", "payments", "pence", "phone", "phoned", "plan",
    "policy", "post", "postcode", "pound", "pounds", "price", "problem", "problems", "query",
    "question", "questions", "rate", "reading", "reference", "refund", "renewal", "security",
    "service", "services", "statement", "supplier", "surname", "switch", "tariff", "team",
    "telephone", "text", "ticket", "transfer", "usage", "water", "website", "first", "last", "full",
    "middle", "title", "initial", "initials",
    // tax, benefits and government, named on every such call ("my National Insurance number")
    "national", "tax", "taxes", "benefit", "benefits", "pension", "pensions", "universal",
    "allowance", "assessment", "revenue", "hmrc", "dvla", "nhs", "government", "department's",
    // verbs and verb forms
    "add", "added", "agree", "answered", "arrive", "arrived", "ask", "asked", "asking", "bear",
    "become", "begin", "believe", "bought", "bring", "brought", "buy", "calling", "came", "care",
    "change", "changed", "checked", "choose", "come", "comes", "coming", "connect", "continue",
    "cut", "deal", "decide", "did", "died", "do", "done", "drop", "eat", "email", "emailed", "end",
    "ended", "explain", "expect", "feel", "fill", "find", "finish", "fix", "fixed", "follow",
    "forget", "forgot", "found", "gave", "get", "gets", "getting", "give", "given", "go", "goes",
    "going", "gone", "got", "guess", "happen", "happened", "hang", "hear", "heard", "hold",
    "holding", "hope", "keep", "kept", "know", "known", "leave", "left", "let", "listen", "live",
    "lived", "living", "look", "looking", "lose", "lost", "love", "made", "make", "making", "mean",
    "meant", "meet", "mind", "miss", "missed", "move", "moved", "moving", "need", "needed", "needs",
    "note", "noted", "open", "opened", "owe", "paid", "pass", "phone", "pick", "placed", "press",
    "print", "process", "put", "read", "receive", "received", "record", "recorded", "remember",
    "repeat", "reply", "ring", "rang", "run", "said", "saw", "say", "saying", "says", "see", "seen",
    "sell", "send", "sending", "sent", "set", "show", "sign", "signed", "sort", "sorted", "speak",
    "speaking", "spell", "spelled", "spelling", "spelt", "spend", "spent", "spoke", "spoken",
    "start", "started", "stay", "stop", "stopped", "suppose", "take", "taken", "taking", "talk",
    "talking", "tell", "telling", "think", "thinking", "thought", "told", "took", "tried", "try",
    "trying", "turn", "understand", "update", "updated", "use", "used", "using", "verify", "wait",
    "waited", "waiting", "want", "wanted", "wants", "went", "work", "worked", "working", "works",
    "write", "wrong", "wrote",
    // adjectives, adverbs, everyday nouns
    "able", "afraid", "ago", "alright", "already", "always", "another", "anything", "around",
    "away", "awful", "bad", "best", "better", "big", "bit", "brilliant", "busy", "certain", "clear",
    "close", "correct", "currently", "day", "days", "definitely", "different", "done", "early",
    "easy", "else", "enough", "everything", "exactly", "excellent", "fair", "fantastic", "far",
    "fine", "free", "good", "great", "half", "happy", "hard", "high", "home", "hour", "hours",
    "house", "important", "instead", "kind", "late", "later", "least", "less", "little", "long",
    "lot", "lots", "lovely", "low", "lucky", "main", "minute", "minutes", "moment", "month",
    "months", "morning", "afternoon", "evening", "night", "never", "new", "next", "nice", "nothing",
    "often", "old", "perfect", "person", "place", "point", "possible", "probably", "quick",
    "quickly", "ready", "reason", "second", "seconds", "sir", "madam", "small", "something",
    "sometimes", "soon", "sound", "sounds", "special", "straight", "super", "thing", "things",
    "time", "times", "today", "tomorrow", "tonight", "total", "true", "week", "weekend", "weeks",
    "whole", "year", "years", "yesterday", "brother", "sister", "mother", "father", "mum", "dad",
    "husband", "wife", "son", "daughter", "partner", "friend", "family", "kids", "children",
    "people", "dogs", "car", "van", "office", "shop", "store", "school", "work", "job", "town",
    "city", "country", "street", "road", "way", "door", "room", "floor", "flat", "side", "end",
    "front", "top", "bottom", "world", "life", "hand", "head", "eye", "eyes", "letter", "message",
    "voicemail", "system", "computer", "app", "screen", "button", "menu", "option", "options",
    "digit", "digits", "code", "pin", "expiry", "sort", "long", "short", "hundred", "thousand",
    "million", "mister", "missus", "miss", "doctor", "thank",
    // days and months
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
    "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "christmas", "easter",
    // brands, banks and places a caller names when asked something else
    "visa", "mastercard", "amex", "maestro", "paypal", "barclays", "barclaycard", "lloyds",
    "natwest", "santander", "halifax", "hsbc", "nationwide", "monzo", "starling", "revolut", "tsb",
    "metro", "virgin", "sky", "bt", "talktalk", "vodafone", "ee", "three", "o2", "tesco",
    "sainsbury's", "asda", "amazon", "google", "apple", "microsoft", "royal", "british", "english",
    "scottish", "welsh", "irish", "uk", "england", "scotland", "wales", "ireland", "britain",
    "london", "manchester", "birmingham", "leeds", "glasgow", "liverpool", "bristol", "edinburgh",
    "cardiff", "belfast", "european", "octopus", "ovo", "edf", "eon", "e.on", "npower",
    "scottishpower",
    // conversational
    "absolutely", "anyway", "apologies", "bless", "course", "dear", "fine", "god", "gosh",
    "honestly", "indeed", "lord", "mate", "nah", "no-one", "nobody", "oops", "pardon", "sorry",
    "ta", "totally", "wow", "literally", "hang", "goodness", "unfortunately", "obviously",
    "apparently", "hopefully", "luckily", "thankfully", "seriously", "fortunately", "hold",
    "glasses", "joint", "spouse", "landlord", "tenant", "council", "student", "business",
    "personal", "private", "limited", "ltd", "plc", "husband's", "wife's", "mum's", "dad's",
    "partner's", "mother's", "father's", "late", "deceased", "estate", "executor", "power",
    "attorney", "behalf", "myself", "sorry", "pardon", "repeat", "again", "spelling", "same",
    "mister", "madam", "sir", "ma'am", "love", "darling", "hun", "pet", "guys", "everyone",
    "somebody", "someone", "anyone", "anybody", "everybody", "nothing", "none", "broken",
    "complicated", "difficult", "weird", "strange", "ridiculous", "terrible", "horrible",
    "frustrating", "annoying", "urgent", "simple", "unclear", "confusing", "gone", "fine", "wrong",
    "outrageous", "disgusting", "unacceptable", "crazy", "mad", "silly",
    // spoken digits and numbers
    "zero", "one", "two", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
    "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];

/// Street types that end a first line of address, spoken or abbreviated.
#[rustfmt::skip]
const STREET_SUFFIX: &[&str] = &[
    "street", "st", "road", "rd", "avenue", "ave", "av", "lane", "ln", "close", "cl", "drive", "dr",
    "way", "crescent", "cres", "place", "pl", "grove", "gardens", "gdns", "court", "ct", "terrace",
    "terr", "square", "sq", "hill", "park", "mews", "row", "walk", "rise", "green", "parade",
    "boulevard", "view", "vale", "wharf", "yard", "gate", "chase", "meadow", "meadows", "fields",
    "croft", "brow", "wynd", "circus", "embankment", "quay", "approach", "esplanade", "promenade",
    "hollow", "heights", "path", "broadway",
];

/// Lowercase words that commonly name streets; allowed in a lowercase street name even though
/// they are everyday words ("fourteen high street").
#[rustfmt::skip]
const STREET_NAME_WORDS: &[&str] = &[
    "high", "church", "station", "park", "main", "mill", "school", "london", "new", "north",
    "south", "east", "west", "green", "market", "queen's", "queens", "king's", "kings", "victoria",
    "manor", "chapel", "bridge", "castle", "water", "orchard", "old", "farm", "chestnut", "oak",
    "elm", "ash", "beech", "cedar", "willow", "birch", "maple", "rose", "meadow", "spring",
    "grange", "hall", "windmill", "garden", "forest", "brook", "river", "lake", "hill", "view",
    "york", "albert", "george", "richmond", "st", "saint", "mary's", "front", "back", "long",
    "short", "little", "great", "upper", "lower", "broad", "well", "field", "cross", "abbey",
    "priory", "chapel", "vicarage", "rectory", "the",
];

/// Nouns that make a house name ("the old rectory", "rose cottage").
#[rustfmt::skip]
const HOUSE_NOUN: &[&str] = &[
    "cottage", "house", "farm", "farmhouse", "rectory", "vicarage", "lodge", "barn", "mill",
    "manor", "hall", "grange", "croft", "villa", "bungalow", "cottages", "chapel", "oast", "coach",
    "stables", "granary", "mansion", "retreat", "orchard",
];

fn set(
    cell: &'static OnceLock<HashSet<&'static str>>,
    words: &[&'static str],
) -> &'static HashSet<&'static str> {
    cell.get_or_init(|| words.iter().copied().collect())
}

/// `w` must already be cleaned (lowercase, edge punctuation trimmed).
pub fn is_function(w: &str) -> bool {
    static S: OnceLock<HashSet<&'static str>> = OnceLock::new();
    set(&S, FUNCTION).contains(normalise_apostrophe(w).as_ref())
}

pub fn is_common(w: &str) -> bool {
    static S: OnceLock<HashSet<&'static str>> = OnceLock::new();
    set(&S, COMMON).contains(normalise_apostrophe(w).as_ref())
}

pub fn is_street_suffix(w: &str) -> bool {
    static S: OnceLock<HashSet<&'static str>> = OnceLock::new();
    set(&S, STREET_SUFFIX).contains(w)
}

pub fn is_street_name_word(w: &str) -> bool {
    static S: OnceLock<HashSet<&'static str>> = OnceLock::new();
    set(&S, STREET_NAME_WORDS).contains(normalise_apostrophe(w).as_ref())
}

pub fn is_house_noun(w: &str) -> bool {
    static S: OnceLock<HashSet<&'static str>> = OnceLock::new();
    set(&S, HOUSE_NOUN).contains(w)
}

/// Whisper writes both the straight and the curly apostrophe.
fn normalise_apostrophe(w: &str) -> std::borrow::Cow<'_, str> {
    if w.contains('\u{2019}') {
        std::borrow::Cow::Owned(w.replace('\u{2019}', "'"))
    } else {
        std::borrow::Cow::Borrowed(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_lowercase_so_lookups_of_cleaned_words_work() {
        for list in [
            FUNCTION,
            COMMON,
            STREET_SUFFIX,
            STREET_NAME_WORDS,
            HOUSE_NOUN,
        ] {
            for w in list {
                assert_eq!(*w, w.to_ascii_lowercase(), "list entry not lowercase: {w}");
            }
        }
    }

    #[test]
    fn curly_apostrophe_is_the_same_word() {
        assert!(is_function("it\u{2019}s"));
        assert!(is_function("it's"));
    }

    #[test]
    fn names_are_not_common_words() {
        for n in [
            "margaret", "okafor", "smith", "baker", "brown", "jane", "patel",
        ] {
            assert!(!is_common(n) && !is_function(n), "{n}");
        }
    }
}
