//! Prometheus text-format metrics for node_exporter's textfile collector, written atomically at
//! the end of a run.

use crate::batch::fsio;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

#[derive(Clone, Debug, Default)]
pub struct RunMetrics {
    pub redacted: u64,
    pub skipped: u64,
    pub failed: u64,
    pub interrupted: u64,
    pub audio_seconds: f64,
    pub muted_seconds_by_kind: BTreeMap<String, f64>,
    pub duration_seconds: f64,
    /// Unix seconds of this run's end when it succeeded.
    pub success_at: Option<i64>,
}

const LAST_SUCCESS: &str = "callredact_last_success_timestamp_seconds";

/// One metric's HELP and TYPE lines.
fn header(s: &mut String, name: &str, help: &str) {
    let _ = writeln!(s, "# HELP {name} {help}\n# TYPE {name} gauge");
}

pub fn render(m: &RunMetrics, previous_success: Option<i64>) -> String {
    let mut s = String::new();
    header(
        &mut s,
        "callredact_files",
        "Recordings in the last run, by outcome.",
    );
    for (status, n) in [
        ("redacted", m.redacted),
        ("skipped", m.skipped),
        ("failed", m.failed),
        ("interrupted", m.interrupted),
    ] {
        let _ = writeln!(s, "callredact_files{{status=\"{status}\"}} {n}");
    }
    header(
        &mut s,
        "callredact_audio_seconds",
        "Audio redacted in the last run.",
    );
    let _ = writeln!(s, "callredact_audio_seconds {:.3}", m.audio_seconds);
    let help = "Audio muted in the last run, by kind of finding.";
    header(&mut s, "callredact_muted_seconds", help);
    for (k, v) in &m.muted_seconds_by_kind {
        let _ = writeln!(s, "callredact_muted_seconds{{kind=\"{k}\"}} {v:.3}");
    }
    header(
        &mut s,
        "callredact_run_duration_seconds",
        "Wall time of the last run.",
    );
    let _ = writeln!(
        s,
        "callredact_run_duration_seconds {:.3}",
        m.duration_seconds
    );
    if let Some(t) = m.success_at.or(previous_success) {
        let help = "End of the last run in which no recording failed.";
        header(&mut s, LAST_SUCCESS, help);
        let _ = writeln!(s, "{LAST_SUCCESS} {t}");
    }
    s
}

/// Writes the metrics, carrying the last success time over from the previous file when this
/// run failed: an alert on "no success for 26 hours" must keep its clock.
pub fn write(path: &Path, m: &RunMetrics) -> std::io::Result<()> {
    let previous = std::fs::read_to_string(path).ok().and_then(|t| {
        t.lines()
            .find(|l| l.starts_with(LAST_SUCCESS))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
    });
    fsio::write_atomic_beside(path, render(m, previous).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_run_keeps_the_previous_success_time() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("m.prom");
        write(
            &p,
            &RunMetrics {
                redacted: 2,
                success_at: Some(100),
                ..Default::default()
            },
        )
        .unwrap();
        write(
            &p,
            &RunMetrics {
                failed: 1,
                ..Default::default()
            },
        )
        .unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(
            text.contains("callredact_last_success_timestamp_seconds 100"),
            "{text}"
        );
        assert!(text.contains("callredact_files{status=\"failed\"} 1"));
    }
}
