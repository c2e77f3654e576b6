//! The index page: the batch summary (files by status, the failures and their reasons, audio
//! hours, muted minutes per kind) and a table of every call. The table's rows travel as JSON
//! and the page's script pages, sorts and filters them, so a batch of 10,000 calls is a few
//! megabytes of data and fifty table rows at a time, not 10,000 DOM rows to lay out.

use super::data::Call;
use super::html::{esc, kind_color, page, status_class, utc};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

const SCRIPT: &str = include_str!("assets/index.js");

/// The summary lists this many failures by name; the rest are one filter away in the table.
const FAILED_LISTED: usize = 100;

/// What the index header says about where the report came from.
pub struct Meta {
    /// The output folder's name, for the title.
    pub folder: String,
    pub generated_at: i64,
}

/// Renders the index. `pages` maps a call's `file_id` to its page, relative to the index.
pub fn render(calls: &[Call], pages: &HashMap<String, String>, meta: &Meta) -> String {
    let mut by_status: BTreeMap<&str, usize> = BTreeMap::new();
    let mut muted_by_kind: BTreeMap<&str, (u64, usize)> = BTreeMap::new();
    let (mut audio_ms, mut muted_ms, mut findings) = (0u64, 0u64, 0usize);
    for c in calls {
        *by_status.entry(c.status.as_str()).or_default() += 1;
        audio_ms += c.duration_ms.unwrap_or(0);
        muted_ms += c.redacted_ms;
        findings += c.redactions.len();
        for r in &c.redactions {
            let e = muted_by_kind.entry(r.kind.as_str()).or_default();
            e.0 += r.muted_end_ms - r.muted_start_ms;
            e.1 += 1;
        }
    }
    let failed: Vec<&Call> = calls.iter().filter(|c| c.status == "failed").collect();

    let mut b = String::new();
    let _ = write!(
        b,
        "<header class=\"top\"><h1>Redacted calls <span class=\"folder\">{}</span></h1>\
         <p class=\"meta\">Built from the audit, the redacted audio and the redacted transcripts \
         only &middot; generated {} UTC</p></header>\n<main class=\"index\">\n",
        esc(&meta.folder),
        esc(&utc(meta.generated_at)),
    );

    b.push_str("<section class=\"cards\">\n");
    let _ = write!(
        b,
        "<div class=\"card\"><b id=\"n-calls\">{}</b><span>calls</span></div>",
        calls.len()
    );
    let _ = write!(
        b,
        "<div class=\"card\"><b>{:.2}</b><span>hours of audio</span></div>",
        audio_ms as f64 / 3_600_000.0
    );
    let _ = write!(
        b,
        "<div class=\"card\"><b>{:.1}</b><span>minutes muted ({:.1}%)</span></div>",
        muted_ms as f64 / 60_000.0,
        if audio_ms > 0 {
            muted_ms as f64 * 100.0 / audio_ms as f64
        } else {
            0.0
        }
    );
    let _ = write!(
        b,
        "<div class=\"card\"><b>{findings}</b><span>findings</span></div>"
    );
    let _ = write!(
        b,
        "<div class=\"card{}\"><b>{}</b><span>failed</span></div>\n</section>\n",
        if failed.is_empty() { "" } else { " bad" },
        failed.len()
    );

    b.push_str("<section class=\"panels\">\n<div class=\"panel\"><h2>Files by status</h2><ul class=\"statuses\">");
    for (s, n) in &by_status {
        let _ = write!(
            b,
            "<li class=\"status-count\" data-status=\"{0}\"><span class=\"st st-{1}\">{0}</span> <b>{n}</b></li>",
            esc(s),
            status_class(s),
        );
    }
    b.push_str("</ul></div>\n<div class=\"panel wide\"><h2>Muted minutes per kind</h2>\n");
    b.push_str(&kind_chart(&muted_by_kind));
    b.push_str(
        "<p class=\"note\">Summed per finding, as the audit's query does: a stretch muted \
         for two findings counts twice.</p></div>\n</section>\n",
    );

    if !failed.is_empty() {
        let _ = write!(
            b,
            "<section class=\"panel failed-list\"><h2>Failed ({})</h2><p class=\"note\">No \
             output was written for these: the audit keeps the reason.</p>\n<table><thead><tr>\
             <th>Call</th><th>Reason</th><th>Processed</th></tr></thead><tbody>\n",
            failed.len()
        );
        for c in failed.iter().take(FAILED_LISTED) {
            let _ = writeln!(
                b,
                "<tr class=\"failed\" data-name=\"{0}\"><td class=\"name\">{0}</td>\
                 <td class=\"reason\">{1}</td><td class=\"when\">{2}</td></tr>",
                esc(&c.input_path),
                esc(c.error.as_deref().unwrap_or("(no reason recorded)")),
                esc(&utc(c.started_at)),
            );
        }
        b.push_str("</tbody></table>\n");
        if failed.len() > FAILED_LISTED {
            let _ = write!(
                b,
                "<p class=\"note\">&hellip; and {} more: choose status <i>failed</i> in the table \
                 below.</p>",
                failed.len() - FAILED_LISTED
            );
        }
        b.push_str("</section>\n");
    }

    b.push_str(
        "<section class=\"panel calls\"><h2>Calls</h2>\n<div class=\"controls\">\
         <label>Kind <select id=\"f-kind\"><option value=\"\">any</option>",
    );
    for k in muted_by_kind.keys() {
        let _ = write!(b, "<option value=\"{0}\">{0}</option>", esc(k));
    }
    b.push_str(
        "</select></label><label>Status <select id=\"f-status\"><option value=\"\">any</option>",
    );
    for s in by_status.keys() {
        let _ = write!(b, "<option value=\"{0}\">{0}</option>", esc(s));
    }
    b.push_str(
        "</select></label><label>Name <input id=\"f-q\" type=\"search\" placeholder=\"part of a \
         file name\"></label><label>Rows <select id=\"f-size\"><option>25</option>\
         <option selected>50</option><option>100</option><option>250</option></select></label>\
         <span id=\"count\" class=\"note\"></span></div>\n\
         <table id=\"calls\"><thead><tr>\
         <th data-sort=\"name\">Call</th><th data-sort=\"st\">Status</th>\
         <th data-sort=\"dur\" class=\"num\">Duration</th><th data-sort=\"share\">Muted share</th>\
         <th data-sort=\"n\" class=\"num\">Findings</th><th>Kinds, or why it failed</th>\
         <th data-sort=\"at\">Processed (UTC)</th></tr></thead><tbody id=\"rows\"></tbody></table>\n\
         <div class=\"pager\"><button id=\"prev\" type=\"button\">&lsaquo; Previous</button>\
         <span id=\"pageinfo\"></span><button id=\"next\" type=\"button\">Next &rsaquo;</button>\
         </div>\n<noscript><p class=\"note\">The table needs JavaScript; the summary above does \
         not.</p></noscript>\n</section>\n</main>\n",
    );

    let rows: Vec<serde_json::Value> = calls
        .iter()
        .map(|c| {
            let mut kinds: BTreeMap<&str, u64> = BTreeMap::new();
            for r in &c.redactions {
                *kinds.entry(r.kind.as_str()).or_default() += r.muted_end_ms - r.muted_start_ms;
            }
            serde_json::json!({
                "id": c.file_id,
                "name": c.input_path,
                "st": c.status,
                "err": c.error,
                "dur": c.duration_ms,
                "muted": c.redacted_ms,
                "share": (c.muted_share() * 1000.0).round() / 1000.0,
                "n": c.redactions.len(),
                "k": kinds,
                "page": pages.get(&c.file_id),
                "at": utc(c.started_at),
            })
        })
        .collect();
    let colors: BTreeMap<&str, &str> = muted_by_kind.keys().map(|k| (*k, kind_color(k))).collect();
    let data = serde_json::json!({"rows": rows, "colors": colors});
    page(
        &format!("callredact report: {}", meta.folder),
        &b,
        Some(("calls-data", &data)),
        SCRIPT,
    )
}

/// Horizontal bars, one per kind, longest first, as inline SVG: it needs no script and no
/// library, and prints.
fn kind_chart(by_kind: &BTreeMap<&str, (u64, usize)>) -> String {
    if by_kind.is_empty() {
        return "<p class=\"note\">Nothing was muted.</p>".into();
    }
    let mut v: Vec<(&str, u64, usize)> = by_kind.iter().map(|(k, (ms, n))| (*k, *ms, *n)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let max = v.iter().map(|x| x.1).max().unwrap_or(1).max(1) as f64;
    let (row, label_w, bar_w) = (22.0, 150.0, 330.0);
    let h = row * v.len() as f64;
    // No viewBox: its four numbers in a row would read as one long digit run to a leak
    // scanner; the chart is drawn at its own size instead.
    let mut o = format!(
        "<svg class=\"chart\" role=\"img\" aria-label=\"Muted minutes per kind\" \
         width=\"{}\" height=\"{h}\">",
        label_w + bar_w + 130.0,
    );
    for (i, (k, ms, n)) in v.iter().enumerate() {
        let y = i as f64 * row;
        let w = (*ms as f64 / max * bar_w).max(1.0);
        let _ = write!(
            o,
            "<g class=\"bar\" data-kind=\"{kind}\"><text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\">{kind}</text>\
             <rect x=\"{label_w}\" y=\"{ry}\" width=\"{w:.1}\" height=\"{rh}\" rx=\"2\" fill=\"{c}\"></rect>\
             <text x=\"{vx:.1}\" y=\"{ty}\" class=\"val\">{min:.2} min &middot; {n}</text></g>",
            kind = esc(k),
            lx = label_w - 8.0,
            ty = y + 15.0,
            ry = y + 4.0,
            rh = row - 8.0,
            c = kind_color(k),
            vx = label_w + w + 6.0,
            min = *ms as f64 / 60_000.0,
        );
    }
    o.push_str("</svg>");
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::data::Redaction;

    pub(crate) fn call(i: usize, status: &str) -> Call {
        let kinds: &[&str] = if status == "failed" {
            &[]
        } else {
            &["CARD_NUMBER", "SECURITY_CODE", "PERSON_NAME"]
        };
        Call {
            file_id: format!("{i:032x}"),
            run_id: "r1".into(),
            input_path: format!("2026-11-28/queue-{}/call-{i:05}.wav", i % 7),
            output_path: Some(format!("redacted/2026-11-28/call-{i:05}.wav")),
            status: status.into(),
            error: (status == "failed").then(|| format!("call-{i:05}.wav: truncated")),
            output_format: Some("wav/pcm_s16le".into()),
            sample_rate: Some(8000),
            channels: Some(2),
            duration_ms: Some(180_000 + i as u64),
            redacted_ms: (i as u64 * 37) % 20_000,
            started_at: 1_764_000_000_000 + i as i64,
            redactions: kinds
                .iter()
                .enumerate()
                .map(|(k, kind)| Redaction {
                    channel: Some(1),
                    kind: kind.to_string(),
                    start_ms: 10_000 * k as u64,
                    end_ms: 10_000 * k as u64 + 3000,
                    muted_start_ms: 10_000 * k as u64,
                    muted_end_ms: 10_000 * k as u64 + 3500,
                    confidence: 0.8,
                    detector: "digits.card".into(),
                    rule: "trigger:card_number".into(),
                })
                .collect(),
            segments: vec![],
        }
    }

    fn meta() -> Meta {
        Meta {
            folder: "out".into(),
            generated_at: 0,
        }
    }

    #[test]
    fn ten_thousand_calls_are_data_not_rows() {
        let calls: Vec<Call> = (0..10_000)
            .map(|i| call(i, if i % 97 == 0 { "failed" } else { "redacted" }))
            .collect();
        let pages = calls
            .iter()
            .map(|c| (c.file_id.clone(), format!("calls/{}.html", c.file_id)))
            .collect();
        let html = render(&calls, &pages, &meta());
        // About 300 bytes of JSON a call: sane for a browser to parse in well under a second.
        assert!(html.len() < 5_000_000, "index is {} bytes", html.len());
        // The static rows are the failures listed in the summary, capped; the table is built
        // a page at a time by the script.
        assert_eq!(html.matches("<tr class=\"failed\"").count(), FAILED_LISTED);
        assert!(html.matches("<tr").count() < FAILED_LISTED + 10);
        assert!(html.contains("and 4 more"), "104 failures, 100 listed");
        assert_eq!(html.matches("\"id\":").count(), 10_000);
    }

    #[test]
    fn names_and_reasons_are_escaped_everywhere() {
        let mut c = call(1, "redacted");
        c.status = "failed".into();
        c.input_path = "a<script>alert(1)</script>\"\n'.wav".into();
        c.error = Some("a<script>x</script>: not audio".into());
        c.redactions[0].kind = "<b>".into();
        let html = render(&[c], &HashMap::new(), &meta());
        assert!(!html.contains("<script>alert"), "{html}");
        assert!(!html.contains("<script>x"));
        assert!(html.contains("<option value=\"&lt;b&gt;\">&lt;b&gt;</option>"));
        assert!(!html.contains("<b></"));
        assert!(html.contains("a&lt;script&gt;alert(1)&lt;/script&gt;&quot;\u{240a}&#39;.wav"));
        // In the JSON, the same name can close no element either.
        assert!(html.contains("a\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"));
    }

    #[test]
    fn summary_counts_statuses_and_minutes_per_kind() {
        let calls = vec![call(1, "redacted"), call(2, "redacted"), call(3, "failed")];
        let html = render(&calls, &HashMap::new(), &meta());
        assert!(html.contains(
            "data-status=\"redacted\"><span class=\"st st-redacted\">redacted</span> <b>2</b>"
        ));
        assert!(html.contains(
            "data-status=\"failed\"><span class=\"st st-failed\">failed</span> <b>1</b>"
        ));
        // Two redacted calls with one 3.5 s CARD_NUMBER stretch each; the failed one has none.
        assert!(html.contains("0.12 min &middot; 2"), "{html}");
        assert!(html.contains("call-00003.wav: truncated"));
    }
}
