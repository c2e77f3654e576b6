//! Matchers for sensitive values spoken as words rather than digits: e-mail addresses, postcodes,
//! National Insurance numbers, names, address lines and customer term lists. Each works on one
//! turn's word texts and returns word-index ranges; the detection framework adds times, channels
//! and context windows.
//!
//! Words arrive as Whisper wrote them: mixed case, punctuation attached ("Smith.", "jane,"),
//! numerals ("14", "1A") and sound-alikes for letters ("see" for C). Every matcher is pure and
//! total: any input, however odd, gives a (possibly empty) list and never panics.

mod address;
mod email;
mod lexicon;
mod name;
mod ni;
mod postcode;
mod terms;
mod tokens;

pub use address::address_lines;
pub use email::emails;
pub use name::{name_in_answer, RULE_GREETING, RULE_INTRO, RULE_SPEAKING, RULE_TITLE};
pub use ni::ni_numbers;
pub use postcode::postcodes;
pub use terms::TermList;

/// An inclusive range of word indices in the slice a matcher was given.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Match {
    pub first: usize,
    pub last: usize,
    pub confidence: f32,
    pub rule: &'static str,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(words: &[&str], terms: &TermList) -> Vec<Match> {
        let mut v = emails(words);
        v.extend(postcodes(words));
        v.extend(ni_numbers(words));
        v.extend(name_in_answer(words, false));
        v.extend(name_in_answer(words, true));
        v.extend(address_lines(words));
        v.extend(terms.find(words));
        v
    }

    /// A small deterministic generator, so the fuzz cases are the same on every run.
    struct Lcg(u64);
    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            self.0 >> 33
        }
        fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
            xs[(self.next() as usize) % xs.len()]
        }
    }

    const VOCAB: &[&str] = &[
        "",
        " ",
        ".",
        ",",
        "@",
        "at",
        "@@",
        "dot",
        "dog",
        ".com",
        "com.",
        "co",
        "uk",
        "gmail",
        "a",
        "I",
        "S",
        "W",
        "one",
        "1A",
        "SW1A",
        "1AA",
        "double",
        "triple",
        "twenty",
        "two",
        "hundred",
        "and",
        "Q",
        "QQ",
        "12",
        "34",
        "56",
        "C",
        "my",
        "name",
        "is",
        "name's",
        "Mr",
        "Mrs.",
        "Smith",
        "spelled",
        "that's",
        "S-M-I-T-H",
        "-",
        "--",
        "'",
        "\u{2019}",
        "it\u{2019}s",
        "Zoë",
        "ß",
        "İ",
        "\u{0301}",
        "😀",
        "x@y",
        "@.",
        ".@",
        "a@",
        "@b",
        "flat",
        "3,",
        "street",
        "Street",
        "St.",
        "the",
        "rectory,",
        "Cottage,",
        "speaking",
        "thank",
        "you",
        "Margaret",
        "um",
        "9999999999999999999999",
        "a-b-c",
        "...",
        "S.",
        "oh",
        "double-u",
        "x-ray",
        "sierra",
        "1-",
        "-1",
        "22-24",
        "'s",
        "mr.",
        "surname",
        "Okafor,",
    ];

    #[test]
    fn matchers_never_panic_and_stay_in_bounds_on_arbitrary_words() {
        let terms = TermList::new(&[
            "falcon".into(),
            "Acme Corp".into(),
            "ß".into(),
            "😀".into(),
            "".into(),
        ]);
        let mut rng = Lcg(7);
        for _ in 0..3000 {
            let n = (rng.next() % 14) as usize;
            let words: Vec<&str> = (0..n).map(|_| rng.pick(VOCAB)).collect();
            for m in all(&words, &terms) {
                assert!(m.first <= m.last && m.last < words.len(), "bad range {m:?}");
                assert!((0.0..=1.0).contains(&m.confidence));
            }
        }
    }

    #[test]
    fn matchers_never_panic_on_random_bytes() {
        let terms = TermList::new(&["falcon".into()]);
        let mut rng = Lcg(11);
        for _ in 0..2000 {
            let n = (rng.next() % 10) as usize;
            let owned: Vec<String> = (0..n)
                .map(|_| {
                    let len = (rng.next() % 8) as usize;
                    let bytes: Vec<u8> = (0..len).map(|_| (rng.next() % 256) as u8).collect();
                    String::from_utf8_lossy(&bytes).into_owned()
                })
                .collect();
            let words: Vec<&str> = owned.iter().map(String::as_str).collect();
            for m in all(&words, &terms) {
                assert!(m.first <= m.last && m.last < words.len());
            }
        }
    }

    /// The corpus is shared with the framework's end-to-end checks; here each kind's matcher runs
    /// alone on naive turns (split at pauses), so the numbers bound what the framework can reach.
    #[test]
    fn corpus_is_well_formed_and_matchers_find_its_values() {
        use serde_json::Value;
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus/text_kinds.jsonl");
        let text = std::fs::read_to_string(path).expect("corpus file");
        let kinds = [
            "EMAIL",
            "POSTCODE",
            "NI_NUMBER",
            "PERSON_NAME",
            "ADDRESS",
            "TERM",
        ];
        let (mut expected, mut overlapped, mut exact, mut false_pos, mut cases) = (0, 0, 0, 0, 0);
        let mut per_kind = std::collections::BTreeMap::<String, (u32, u32)>::new();
        for (ln, line) in text.lines().enumerate() {
            cases += 1;
            let case: Value =
                serde_json::from_str(line).unwrap_or_else(|e| panic!("line {}: {e}", ln + 1));
            let name = case["name"].as_str().expect("name");
            let terms: Vec<String> = case["terms"].as_array().map_or(Vec::new(), |a| {
                a.iter()
                    .map(|t| t.as_str().expect("term").to_string())
                    .collect()
            });
            let term_list = TermList::new(&terms);
            // (channel, start, end, text) for every word; then turns split at pauses.
            // (channel, words as (start, end, text), spoken by the agent)
            type Turn = (u64, Vec<(u64, u64, String)>, bool);
            let mut turns: Vec<Turn> = Vec::new();
            for ch in case["channels"].as_array().expect("channels") {
                let channel = ch["channel"].as_u64().expect("channel");
                let role = ch["role"].as_str().expect("role");
                assert!(
                    ["agent", "customer", "mixed"].contains(&role),
                    "{name}: role {role}"
                );
                let mut prev_end = 0;
                for w in ch["words"].as_array().expect("words") {
                    let (t, s, e) = (
                        w[0].as_str().expect("text"),
                        w[1].as_u64().expect("start"),
                        w[2].as_u64().expect("end"),
                    );
                    assert!(
                        s < e && s >= prev_end && !t.is_empty(),
                        "{name}: word times"
                    );
                    assert!((150..=800).contains(&(e - s)), "{name}: word length");
                    if turns.last().is_none_or(|(c, ws, _)| {
                        *c != channel || s - ws.last().map_or(0, |x| x.1) >= 450
                    }) {
                        turns.push((channel, Vec::new(), role == "agent"));
                    }
                    turns
                        .last_mut()
                        .expect("turn")
                        .1
                        .push((s, e, t.to_string()));
                    prev_end = e;
                }
            }
            turns.sort_by_key(|t| t.1[0].0);
            let mut found: Vec<(&str, u64, u64, u64)> = Vec::new();
            for (i, (channel, ws, agent)) in turns.iter().enumerate() {
                let words: Vec<&str> = ws.iter().map(|w| w.2.as_str()).collect();
                let asked = !agent && i > 0 && {
                    let prev: String = turns[i - 1]
                        .1
                        .iter()
                        .map(|w| w.2.to_lowercase() + " ")
                        .collect();
                    ["name", "who am i", "who's calling", "spell"]
                        .iter()
                        .any(|q| prev.contains(q))
                };
                let mut add = |kind, ms: Vec<Match>| {
                    for m in ms {
                        found.push((kind, *channel, ws[m.first].0, ws[m.last].1));
                    }
                };
                add("EMAIL", emails(&words));
                add("POSTCODE", postcodes(&words));
                add("NI_NUMBER", ni_numbers(&words));
                add("PERSON_NAME", name_in_answer(&words, asked));
                add("ADDRESS", address_lines(&words));
                add("TERM", term_list.find(&words));
            }
            let expect = case["expect"].as_array().expect("expect");
            if expect.is_empty() {
                false_pos += found.len();
                for f in &found {
                    eprintln!("  match in negative case {name}: {}", f.0);
                }
            }
            for e in expect {
                let kind = e["kind"].as_str().expect("kind");
                assert!(kinds.contains(&kind), "{name}: kind {kind}");
                let (c, s, en) = (
                    e["channel"].as_u64().expect("ch"),
                    e["start_ms"].as_u64().expect("s"),
                    e["end_ms"].as_u64().expect("e"),
                );
                assert!(s < en, "{name}: expect times");
                expected += 1;
                let hit = found
                    .iter()
                    .filter(|f| f.0 == kind && f.1 == c && f.2 < en && s < f.3);
                let entry = per_kind.entry(kind.to_string()).or_default();
                entry.0 += 1;
                if hit.clone().next().is_some() {
                    overlapped += 1;
                    entry.1 += 1;
                } else {
                    eprintln!("  missed {kind} in {name}");
                }
                if hit.clone().any(|f| f.2 <= s && f.3 >= en) {
                    exact += 1;
                }
            }
        }
        eprintln!("corpus: {cases} cases, {expected} values, {overlapped} overlapped, {exact} fully covered, {false_pos} matches in negative cases");
        for (k, (n, hit)) in &per_kind {
            eprintln!("  {k}: {hit}/{n}");
        }
        assert!(cases >= 120);
        assert!(overlapped * 100 >= expected * 85, "recall fell below 85%");
        assert!(false_pos <= 3, "too many matches in negative cases");
    }

    #[test]
    fn empty_turn_has_no_matches() {
        assert!(all(&[], &TermList::new(&[])).is_empty());
    }
}
