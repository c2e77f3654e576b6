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

pub fn render(m: &RunMetrics, previous_success: Option<i64>) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# HELP callredact_files Recordings in the last run, by outcome.\n# TYPE callredact_files gauge");
    for (status, n) in [
        ("redacted", m.redacted),
        ("skipped", m.skipped),
        ("failed", m.failed),
        ("interrupted", m.interrupted),
    ] {
        let _ = writeln!(s, "callredact_files{{status=\"{status}\"}} {n}");
    }
    let _ = writeln!(s, "# HELP callredact_audio_seconds Audio redacted in the last run.\n# TYPE callredact_audio_seconds gauge\ncallredact_audio_seconds {:.3}", m.audio_seconds);
    let _ = writeln!(s, "# HELP callredact_muted_seconds Audio muted in the last run, by kind of finding.\n# TYPE callredact_muted_seconds gauge");
    for (k, v) in &m.muted_seconds_by_kind {
        let _ = writeln!(s, "callredact_muted_seconds{{kind=\"{k}\"}} {v:.3}");
    }
    let _ = writeln!(s, "# HELP callredact_run_duration_seconds Wall time of the last run.\n# TYPE callredact_run_duration_seconds gauge\ncallredact_run_duration_seconds {:.3}", m.duration_seconds);
    if let Some(t) = m.success_at.or(previous_success) {
        let _ = writeln!(s, "# HELP {LAST_SUCCESS} End of the last run in which no recording failed.\n# TYPE {LAST_SUCCESS} gauge\n{LAST_SUCCESS} {t}");
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
    fsio::write_atomic(path, render(m, previous).as_bytes())
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
