//! HTML output helpers: escaping for text and attributes, JSON that is safe inside a script
//! element, relative URLs to output files, and the shell every report page shares.

use std::fmt::Write;

/// Escapes `s` for HTML text and for quoted attribute values alike. Control characters (a
/// newline in a file name, say) are shown as their Unicode control pictures, so a reader sees
/// that the name holds one instead of the line silently breaking or vanishing.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            '\u{0}'..='\u{1f}' => o.push(char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}')),
            '\u{7f}' => o.push('\u{2421}'),
            c => o.push(c),
        }
    }
    o
}

/// JSON for a `<script type="application/json">` element. `<`, `>` and `&` are written as
/// `\u` escapes, which JSON reads back as the same characters, so no string in the data (a
/// file name holding `</script>`) can end the element early.
pub fn json_script(v: &serde_json::Value) -> String {
    let s = serde_json::to_string(v).unwrap_or_else(|_| "null".into());
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => o.push_str("\\u003c"),
            '>' => o.push_str("\\u003e"),
            '&' => o.push_str("\\u0026"),
            c => o.push(c),
        }
    }
    o
}

/// A relative URL for `rel`, a path relative to the output folder, as seen from a page
/// `depth` folders below it. None for a path that is absolute or climbs out (`..`): the page
/// only ever links to files inside the output folder.
pub fn url_to(rel: &str, depth: usize) -> Option<String> {
    if rel.is_empty() || rel.starts_with('/') {
        return None;
    }
    let mut o = "../".repeat(depth);
    let mut first = true;
    for seg in rel.split('/') {
        match seg {
            ".." => return None,
            "" | "." => continue,
            seg => {
                if !first {
                    o.push('/');
                }
                first = false;
                for b in seg.bytes() {
                    if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                        o.push(b as char);
                    } else {
                        let _ = write!(o, "%{b:02X}");
                    }
                }
            }
        }
    }
    (!first).then_some(o)
}

/// `m:ss`, or `h:mm:ss` from an hour up.
pub fn clock(ms: u64) -> String {
    let s = ms / 1000;
    let (h, m, s) = (s / 3600, s / 60 % 60, s % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// `m:ss.t`: finding and transcript times, where a tenth of a second helps a listener.
pub fn clock_tenths(ms: u64) -> String {
    format!("{}.{}", clock(ms), ms / 100 % 10)
}

/// A colour per kind, the same on every page. Kinds this build does not know (a newer
/// detector's) get one from a spare set by a stable hash, so they still read as distinct.
pub fn kind_color(kind: &str) -> &'static str {
    const KNOWN: [(&str, &str); 14] = [
        ("CARD_NUMBER", "#d62728"),
        ("SECURITY_CODE", "#ff7f0e"),
        ("EXPIRY_DATE", "#e377c2"),
        ("SORT_CODE", "#8c564b"),
        ("ACCOUNT_NUMBER", "#9467bd"),
        ("NI_NUMBER", "#17becf"),
        ("PHONE", "#2ca02c"),
        ("EMAIL", "#1f77b4"),
        ("POSTCODE", "#bcbd22"),
        ("DATE_OF_BIRTH", "#7f7f7f"),
        ("PERSON_NAME", "#393b79"),
        ("ADDRESS", "#637939"),
        ("TERM", "#8c6d31"),
        ("NUMBER", "#843c39"),
    ];
    const SPARE: [&str; 6] = [
        "#7b4173", "#3182bd", "#e6550d", "#31a354", "#756bb1", "#636363",
    ];
    KNOWN
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, c)| *c)
        .unwrap_or_else(|| {
            let h = kind
                .bytes()
                .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(b as u32));
            SPARE[h as usize % SPARE.len()]
        })
}

/// A CSS class for a status word: only known words, so no audit value reaches a class name.
pub fn status_class(s: &str) -> &'static str {
    match s {
        "redacted" => "redacted",
        "failed" => "failed",
        _ => "other",
    }
}

/// `YYYY-MM-DD HH:MM` in UTC.
pub fn utc(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

const CSS: &str = include_str!("assets/report.css");

/// Records script errors on `<body>` for the headless-browser test (and for anyone opening the
/// developer tools); it runs first so that it sees errors in everything after it.
const ERROR_HOOK: &str = "window.onerror=function(m,s,l){var b=document.body;\
b.dataset.errors=(b.dataset.errors||'')+m+' (line '+l+')\\n';};\
window.addEventListener('unhandledrejection',function(e){var b=document.body;\
b.dataset.errors=(b.dataset.errors||'')+'unhandled rejection: '+e.reason+'\\n';});";

/// A whole page. Its content security policy allows inline script and style, and media from
/// the page's own origin or local files (the redacted audio), and nothing else: no request to
/// any other host, no fetch, no frame, no font or image download, so even a mistake in a
/// template cannot make a page reach the network.
pub fn page(
    title: &str,
    body: &str,
    data: Option<(&str, &serde_json::Value)>,
    script: &str,
) -> String {
    let mut o = String::with_capacity(body.len() + CSS.len() + script.len() + 1024);
    o.push_str("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    o.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    o.push_str(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; \
         media-src 'self' file:; base-uri 'none'; form-action 'none'\">\n",
    );
    o.push_str("<meta name=\"referrer\" content=\"no-referrer\">\n");
    let _ = writeln!(o, "<title>{}</title>", esc(title));
    let _ = writeln!(o, "<style>\n{CSS}</style>\n</head>\n<body>");
    let _ = writeln!(o, "<script>{ERROR_HOOK}</script>");
    o.push_str(body);
    if let Some((id, v)) = data {
        let _ = writeln!(
            o,
            "<script type=\"application/json\" id=\"{}\">{}</script>",
            esc(id),
            json_script(v)
        );
    }
    let _ = writeln!(o, "<script>\n{script}</script>\n</body>\n</html>");
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_quotes_and_controls_are_escaped() {
        assert_eq!(
            esc("a<b>&\"c\"'d'\ne\u{7f}"),
            "a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39;\u{240a}e\u{2421}"
        );
        assert_eq!(esc("caf\u{e9} \u{fffd}.wav"), "caf\u{e9} \u{fffd}.wav");
    }

    #[test]
    fn json_cannot_close_its_script_element() {
        let v = serde_json::json!({"name": "</script><script>alert(1)</script>&"});
        let s = json_script(&v);
        assert!(
            !s.contains('<') && !s.contains('>') && !s.contains('&'),
            "{s}"
        );
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn urls_are_relative_encoded_and_stay_inside_the_output() {
        assert_eq!(
            url_to("redacted/a b/c#1?.wav", 2).as_deref(),
            Some("../../redacted/a%20b/c%231%3F.wav")
        );
        assert_eq!(
            url_to("redacted/caf\u{e9}.wav", 1).as_deref(),
            Some("../redacted/caf%C3%A9.wav")
        );
        assert_eq!(url_to("redacted/../../etc/passwd", 2), None);
        assert_eq!(url_to("/etc/passwd", 2), None);
        assert_eq!(url_to("", 2), None);
        assert_eq!(url_to("./", 2), None);
    }

    #[test]
    fn clocks_switch_to_hours_at_an_hour() {
        assert_eq!(clock(0), "0:00");
        assert_eq!(clock(59_999), "0:59");
        assert_eq!(clock(3_599_999), "59:59");
        assert_eq!(clock(3_600_000), "1:00:00");
        assert_eq!(clock_tenths(61_250), "1:01.2");
    }

    #[test]
    fn unknown_kinds_get_a_stable_colour() {
        assert_eq!(kind_color("CARD_NUMBER"), "#d62728");
        assert_eq!(kind_color("IBAN"), kind_color("IBAN"));
    }
}
