//! A call's page: one timeline per channel (the redacted audio's waveform, with every muted
//! stretch shaded and labelled), a player for the redacted file whose playhead moves along the
//! timelines, the findings, and the redacted transcript beside them. Clicking a finding, a
//! stretch or a transcript line seeks the player there.
//!
//! One `.muted-region` element is drawn per `redactions` row of the call, not per merged muted
//! stretch: each row has its own kind, detector, rule and confidence to label, and a QA listener
//! checks rows against the audit one by one. Rows the planner merged into one stretch share its
//! muted times and draw stacked on it.

use super::data::{Call, Redaction};
use super::html::{clock, clock_tenths, esc, kind_color, page, status_class, utc};
use super::peaks::{base64, Waveform};
use std::fmt::Write;

const SCRIPT: &str = include_str!("assets/call.js");

/// The height of one channel's lane on the timeline, in CSS pixels.
const LANE_PX: u32 = 84;
/// Label rows in a lane; overlapping stretches beyond this share rows again.
const LABEL_ROWS: usize = 4;

/// Renders the page for `call`. `wave` is its redacted audio's peaks, or why they could not be
/// read; `audio_url` the redacted file relative to the page, when there is one to play.
pub fn render(call: &Call, wave: &Result<Waveform, String>, audio_url: Option<&str>) -> String {
    let wave_ok = wave.as_ref().ok().filter(|w| !w.channels.is_empty());
    let duration_ms = call
        .duration_ms
        .or_else(|| wave_ok.map(|w| w.frames * 1000 / u64::from(w.sample_rate.max(1))))
        .or_else(|| call.redactions.iter().map(|r| r.muted_end_ms).max())
        .or_else(|| call.segments.iter().map(|s| s.end_ms).max())
        .unwrap_or(0)
        .max(1);
    let lanes = wave_ok
        .map(|w| w.channels.len())
        .or(call.channels.map(usize::from))
        .unwrap_or_else(|| {
            let chans = call.redactions.iter().filter_map(|r| r.channel);
            let chans = chans.chain(call.segments.iter().map(|s| s.channel));
            chans.max().map_or(1, |c| c as usize + 1)
        })
        .max(1);
    let pct = |ms: u64| ms.min(duration_ms) as f64 * 100.0 / duration_ms as f64;

    let mut b = String::new();
    let _ = writeln!(
        b,
        "<header class=\"top\"><a class=\"back\" href=\"../index.html\">&larr; All calls</a>\
         <h1 id=\"call-name\">{}</h1><p class=\"meta\"><span class=\"st st-{}\">{}</span> \
         &middot; {} &middot; {} &middot; processed {} UTC</p></header>",
        esc(&call.input_path),
        status_class(&call.status),
        esc(&call.status),
        clock(duration_ms),
        esc(&format_line(call)),
        esc(&utc(call.started_at)),
    );
    b.push_str("<main class=\"call\">\n<section class=\"listen\">\n");
    let _ = writeln!(
        b,
        "<p class=\"stats\"><b>{:.1} s</b> muted of {} ({:.1}%) &middot; <b>{}</b> findings</p>",
        call.redacted_ms as f64 / 1000.0,
        clock(duration_ms),
        call.muted_share() * 100.0,
        call.redactions.len(),
    );
    if let Err(e) = wave {
        let _ = writeln!(
            b,
            "<p class=\"warn\">The waveform is missing: the redacted audio could not be read \
             ({}).</p>",
            esc(e)
        );
    }
    if let Some(e) = &call.error {
        let _ = writeln!(b, "<p class=\"warn\">{}</p>", esc(e));
    }

    let _ = writeln!(
        b,
        "<div class=\"timeline\" id=\"timeline\" style=\"height:{}px\" title=\"Click to play from \
         here\">",
        LANE_PX as usize * lanes
    );
    for c in 0..lanes {
        let _ = writeln!(
            b,
            "<div class=\"lane\" data-channel=\"{c}\" style=\"top:{}px;height:{LANE_PX}px\">\
             <canvas></canvas><span class=\"lane-label\">channel {c}{}</span></div>",
            c as u32 * LANE_PX,
            role(lanes, c)
                .map(|r| format!(" &middot; {r}"))
                .unwrap_or_default(),
        );
    }
    let slots = label_slots(&call.redactions, lanes);
    for (i, r) in call.redactions.iter().enumerate() {
        let (top, height) = match r.channel {
            Some(c) if (c as usize) < lanes => (u32::from(c) * LANE_PX, LANE_PX),
            _ => (0, LANE_PX * lanes as u32),
        };
        let left = pct(r.muted_start_ms);
        let width = pct(r.muted_end_ms) - left;
        let label = describe(r);
        let _ = writeln!(
            b,
            "<button type=\"button\" class=\"muted-region\" data-i=\"{i}\" data-kind=\"{kind}\" \
             data-channel=\"{ch}\" data-muted-start-ms=\"{ms}\" data-muted-end-ms=\"{me}\" \
             data-detector=\"{det}\" data-rule=\"{rule}\" data-confidence=\"{conf}\" \
             style=\"left:{left:.2}%;width:{width:.2}%;top:{top}px;height:{height}px;--c:{color};\
             --slot:{slot}\" title=\"{label}\" aria-label=\"{label}\"><span class=\"lbl\">{kind}</span></button>",
            kind = esc(&r.kind),
            ch = r.channel.map(|c| c.to_string()).unwrap_or_else(|| "all".into()),
            ms = r.muted_start_ms,
            me = r.muted_end_ms,
            det = esc(&r.detector),
            rule = esc(&r.rule),
            conf = confidence(r.confidence),
            color = kind_color(&r.kind),
            slot = slots[i],
            label = esc(&label),
        );
    }
    b.push_str("<div class=\"playhead\" id=\"playhead\"></div>\n</div>\n<div class=\"axis\">");
    for t in ticks(duration_ms) {
        let _ = write!(
            b,
            "<span class=\"tick\" style=\"left:{:.2}%\">{}</span>",
            pct(t),
            clock(t)
        );
    }
    b.push_str("</div>\n<p class=\"now\" id=\"now\">Play, or point at a muted stretch, to see why it was muted.</p>\n");
    match audio_url {
        Some(u) => {
            let _ = writeln!(
                b,
                "<audio id=\"player\" controls preload=\"metadata\" src=\"{}\"></audio>",
                esc(u)
            );
        }
        None => b.push_str(
            "<p class=\"warn\">No redacted file is recorded for this call, so there is nothing \
             to play.</p>\n",
        ),
    }

    let _ = write!(
        b,
        "<h2>Findings ({})</h2>\n<table class=\"findings\"><thead><tr><th>Muted</th>\
         <th class=\"num\">Length</th><th>Channel</th><th>Kind</th><th>Detector</th><th>Rule</th>\
         <th class=\"num\">Confidence</th></tr></thead><tbody>\n",
        call.redactions.len()
    );
    for (i, r) in call.redactions.iter().enumerate() {
        let _ = writeln!(
            b,
            "<tr class=\"finding\" data-i=\"{i}\" data-seek-ms=\"{ms}\" title=\"Play from just \
             before this stretch\"><td class=\"when\">{} &ndash; {}</td><td class=\"num\">{:.1} s</td>\
             <td>{}</td><td><span class=\"chip\" style=\"--c:{}\">{}</span></td><td class=\"code\">{}</td>\
             <td class=\"code\">{}</td><td class=\"num\">{}</td></tr>",
            clock_tenths(r.muted_start_ms),
            clock_tenths(r.muted_end_ms),
            (r.muted_end_ms - r.muted_start_ms) as f64 / 1000.0,
            r.channel.map(|c| c.to_string()).unwrap_or_else(|| "all".into()),
            kind_color(&r.kind),
            esc(&r.kind),
            esc(&r.detector),
            esc(&r.rule),
            confidence(r.confidence),
            ms = r.muted_start_ms,
        );
    }
    if call.redactions.is_empty() {
        b.push_str(
            "<tr><td colspan=\"7\" class=\"note\">Nothing was muted in this call.</td></tr>\n",
        );
    }
    b.push_str("</tbody></table>\n</section>\n");

    let _ = write!(
        b,
        "<section class=\"transcript\"><h2>Transcript (redacted)</h2>\n<ol class=\"segments\" \
         id=\"segments\">\n"
    );
    for s in &call.segments {
        let _ = writeln!(
            b,
            "<li class=\"seg\" data-start-ms=\"{}\" data-end-ms=\"{}\" data-channel=\"{}\">\
             <span class=\"t\">{}</span><span class=\"who\">{}</span><span class=\"text\">{}</span></li>",
            s.start_ms,
            s.end_ms,
            s.channel,
            clock_tenths(s.start_ms),
            esc(&role(lanes, s.channel as usize)
                .map(str::to_string)
                .unwrap_or_else(|| format!("channel {}", s.channel))),
            tagged(&s.text),
        );
    }
    if call.segments.is_empty() {
        b.push_str("<li class=\"note\">The audit holds no transcript for this call.</li>\n");
    }
    b.push_str("</ol>\n</section>\n</main>\n");

    let data = serde_json::json!({
        "dur": duration_ms,
        "lanes": wave_ok
            .map(|w| w.channels.iter().map(|c| base64(c)).collect::<Vec<_>>())
            .unwrap_or_default(),
    });
    page(
        &format!("{} - callredact report", call.input_path),
        &b,
        Some(("call-data", &data)),
        SCRIPT,
    )
}

/// Who speaks on a channel, by the recorder convention the pipeline uses: in stereo the agent
/// is on channel 0 and the customer on channel 1; a mono call is both.
fn role(lanes: usize, c: usize) -> Option<&'static str> {
    match (lanes, c) {
        (2, 0) => Some("agent"),
        (2, 1) => Some("customer"),
        (1, 0) => Some("agent and customer"),
        _ => None,
    }
}

fn format_line(c: &Call) -> String {
    let mut v = Vec::new();
    if let Some(f) = &c.output_format {
        v.push(f.clone());
    }
    if let Some(r) = c.sample_rate {
        v.push(format!("{r} Hz"));
    }
    if let Some(n) = c.channels {
        v.push(if n == 1 {
            "mono".into()
        } else {
            format!("{n} channels")
        });
    }
    v.join(", ")
}

fn confidence(c: f64) -> String {
    if c.is_finite() {
        format!("{c:.2}")
    } else {
        "?".into()
    }
}

/// Everything the audit says about a row, for its tooltip and the "now" line.
fn describe(r: &Redaction) -> String {
    format!(
        "{} · {} · {} · confidence {} · muted {}–{} on {}",
        r.kind,
        r.detector,
        r.rule,
        confidence(r.confidence),
        clock_tenths(r.muted_start_ms),
        clock_tenths(r.muted_end_ms),
        r.channel
            .map(|c| format!("channel {c}"))
            .unwrap_or_else(|| "every channel".into()),
    )
}

/// The label row of each region, so that labels of overlapping stretches in one lane stack
/// rather than print over each other. Whole-call rows (and rows on a channel the timeline has
/// no lane for) share one group, drawn over every lane.
fn label_slots(rows: &[Redaction], lanes: usize) -> Vec<usize> {
    let group = |r: &Redaction| match r.channel {
        Some(c) if (c as usize) < lanes => c as usize,
        _ => lanes,
    };
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by_key(|&i| {
        (
            group(&rows[i]),
            rows[i].muted_start_ms,
            rows[i].muted_end_ms,
        )
    });
    let mut slots = vec![0; rows.len()];
    let mut ends: Vec<Vec<u64>> = vec![Vec::new(); lanes + 1];
    for i in order {
        let r = &rows[i];
        let e = &mut ends[group(r)];
        let slot = match e.iter().position(|&end| end <= r.muted_start_ms) {
            Some(s) => s,
            None => {
                e.push(0);
                e.len() - 1
            }
        };
        e[slot] = r.muted_end_ms;
        slots[i] = slot % LABEL_ROWS;
    }
    slots
}

/// Tick times for the axis: the smallest round step that gives at most a dozen ticks.
fn ticks(duration_ms: u64) -> Vec<u64> {
    const STEPS_S: [u64; 13] = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];
    let step = STEPS_S
        .iter()
        .map(|s| s * 1000)
        .find(|s| duration_ms / s <= 12)
        .unwrap_or(7_200_000);
    (0..=duration_ms / step).map(|k| k * step).collect()
}

/// A redacted line with its `[KIND]` tags set off, so a reader sees at a glance where the
/// muting fell. Everything is escaped; only the wrapping markup is ours.
fn tagged(text: &str) -> String {
    let mut o = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let close = after.find(']');
        let tag = close
            .map(|c| &after[..c])
            .filter(|t| !t.is_empty() && t.chars().all(|c| c.is_ascii_uppercase() || c == '_'));
        match (tag, close) {
            (Some(t), Some(c)) => {
                o.push_str(&esc(&rest[..open]));
                let _ = write!(
                    o,
                    "<mark class=\"tag\" style=\"--c:{}\">[{}]</mark>",
                    kind_color(t),
                    esc(t)
                );
                rest = &after[c + 1..];
            }
            _ => {
                o.push_str(&esc(&rest[..=open]));
                rest = after;
            }
        }
    }
    o.push_str(&esc(rest));
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::data::Segment;

    fn red(channel: Option<u16>, s: u64, e: u64, kind: &str) -> Redaction {
        Redaction {
            channel,
            kind: kind.into(),
            start_ms: s,
            end_ms: e,
            muted_start_ms: s,
            muted_end_ms: e,
            confidence: 0.8,
            detector: "digits.card".into(),
            rule: "trigger:card_number".into(),
        }
    }

    fn call() -> Call {
        Call {
            file_id: "f1".into(),
            run_id: "r".into(),
            input_path: "q/a<b>.wav".into(),
            output_path: Some("redacted/q/a<b>.wav".into()),
            status: "redacted".into(),
            error: None,
            output_format: Some("wav/pcm_s16le".into()),
            sample_rate: Some(8000),
            channels: Some(2),
            duration_ms: Some(60_000),
            redacted_ms: 9000,
            started_at: 0,
            redactions: vec![
                red(Some(1), 10_000, 16_000, "CARD_NUMBER"),
                red(Some(1), 10_000, 16_000, "NUMBER"),
                red(None, 30_000, 33_000, "PERSON_NAME"),
            ],
            segments: vec![Segment {
                channel: 1,
                start_ms: 9000,
                end_ms: 17_000,
                text: "it's [CARD_NUMBER] <b>thanks</b> [not a tag] [".into(),
            }],
        }
    }

    fn wave() -> Result<Waveform, String> {
        Ok(Waveform {
            sample_rate: 8000,
            frames: 480_000,
            channels: vec![vec![0, 1], vec![-1, 0]],
        })
    }

    #[test]
    fn one_region_per_audit_row_placed_on_its_lane() {
        let html = render(&call(), &wave(), Some("../../redacted/q/a%3Cb%3E.wav"));
        assert_eq!(html.matches("class=\"muted-region\"").count(), 3);
        assert!(html.contains("left:16.67%;width:10.00%;top:84px;height:84px;"));
        // The two rows merged on one stretch stack their labels; the whole-call row spans
        // both lanes.
        assert!(html.contains("--slot:0\" title=\"CARD_NUMBER"));
        assert!(html.contains("--slot:1\" title=\"NUMBER"));
        assert!(html.contains("left:50.00%;width:5.00%;top:0px;height:168px;"));
        assert!(html.contains("data-channel=\"all\""));
    }

    #[test]
    fn transcript_text_is_escaped_and_tags_marked() {
        let html = render(&call(), &wave(), None);
        assert!(html.contains(
            "it&#39;s <mark class=\"tag\" style=\"--c:#d62728\">[CARD_NUMBER]</mark> \
             &lt;b&gt;thanks&lt;/b&gt; [not a tag] ["
        ));
        assert!(html.contains("<h1 id=\"call-name\">q/a&lt;b&gt;.wav</h1>"));
        assert!(html.contains("nothing to play"));
        assert!(!html.contains("<audio"));
    }

    #[test]
    fn unreadable_audio_still_gives_a_page_with_its_regions() {
        let html = render(
            &call(),
            &Err("x.wav: truncated".into()),
            Some("../../x.wav"),
        );
        assert!(html.contains("could not be read (x.wav: truncated)"));
        assert_eq!(html.matches("class=\"muted-region\"").count(), 3);
        assert!(html.contains("class=\"lane\" data-channel=\"1\""));
    }

    /// The longest run of digits joined only by spaces and `.,/()+-`, the way leak scanners
    /// (`score_redaction.py`) read text for card numbers, after dropping `YYYY-MM-DD HH:MM`
    /// dates, which every audit output holds too.
    fn longest_digit_run(html: &str) -> usize {
        let c: Vec<char> = html.chars().collect();
        let mut kept = String::new();
        let mut i = 0;
        while i < c.len() {
            let date = i + 16 <= c.len()
                && c[i..i + 16].iter().enumerate().all(|(k, ch)| match k {
                    4 | 7 => *ch == '-',
                    10 => *ch == ' ',
                    13 => *ch == ':',
                    _ => ch.is_ascii_digit(),
                });
            if date {
                kept.push('|');
                i += 16;
            } else {
                kept.push(c[i]);
                i += 1;
            }
        }
        let (mut best, mut run) = (0, 0);
        for ch in kept.chars() {
            if ch.is_ascii_digit() {
                run += 1;
                best = best.max(run);
            } else if !(ch.is_whitespace() || ".,/()+-".contains(ch)) {
                run = 0;
            }
        }
        best
    }

    #[test]
    fn a_page_holds_no_digit_run_a_scanner_could_take_for_a_card() {
        // Loud, varied peaks: the worst case for an encoding of them.
        let mut x = 12345u32;
        let mut noise = || {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (x >> 16) as i8
        };
        let wave = Ok(Waveform {
            sample_rate: 8000,
            frames: 480_000,
            channels: (0..2)
                .map(|_| {
                    (0..2 * super::super::peaks::BUCKETS)
                        .map(|_| noise())
                        .collect()
                })
                .collect(),
        });
        let mut c = call();
        c.redactions = (0..40)
            .map(|k| {
                red(
                    Some(k % 2),
                    1234 * k as u64,
                    1234 * k as u64 + 987,
                    "NUMBER",
                )
            })
            .collect();
        let html = render(&c, &wave, Some("../../redacted/x.wav"));
        assert!(longest_digit_run(&html) < 6, "{html}");
        assert_eq!(longest_digit_run("a 4539-1488 0343 b"), 12);
        assert_eq!(longest_digit_run("at 2026-12-01 22:04 UTC"), 0);
    }

    #[test]
    fn ticks_are_round_and_few() {
        assert_eq!(
            ticks(58_000),
            (0..=11).map(|k| k * 5000).collect::<Vec<_>>()
        );
        assert_eq!(
            ticks(65_000),
            (0..=6).map(|k| k * 10_000).collect::<Vec<_>>()
        );
        assert_eq!(ticks(7_200_000).len(), 13);
        assert_eq!(ticks(1), vec![0]);
    }
}
