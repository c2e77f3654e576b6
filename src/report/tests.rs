//! The report against a real audit written by the batch's own writer, and a real redacted file.

use super::*;
use crate::batch::audit::{sample_receipt, Dataset, Receipt, Status};
use std::fs;

fn receipt(id: &str, input: &str, started_at: i64, status: Status) -> Receipt {
    let mut r = sample_receipt(id);
    r.file.input_path = input.into();
    r.file.started_at = started_at;
    r.file.status = status;
    r.file.output_path = Some(format!("redacted/{input}"));
    for x in &mut r.redactions {
        x.input_path = input.into();
    }
    if status == Status::Failed {
        r.file.error = Some(format!("{input}: not a recognised audio file (junk)"));
        r.file.output_path = None;
        r.redactions.clear();
    }
    r
}

fn write_wav(path: &Path, channels: u16, frames: usize) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut pcm = Vec::new();
    for i in 0..frames {
        for c in 0..channels {
            let v = ((i as f32 * 0.05 * (c + 1) as f32).sin() * 8000.0) as i16;
            pcm.extend_from_slice(&v.to_le_bytes());
        }
    }
    let mut b = Vec::new();
    b.extend_from_slice(b"RIFF");
    b.extend_from_slice(&(36 + pcm.len() as u32).to_le_bytes());
    b.extend_from_slice(b"WAVEfmt ");
    b.extend_from_slice(&16u32.to_le_bytes());
    b.extend_from_slice(&1u16.to_le_bytes());
    b.extend_from_slice(&channels.to_le_bytes());
    b.extend_from_slice(&8000u32.to_le_bytes());
    b.extend_from_slice(&(8000 * 2 * channels as u32).to_le_bytes());
    b.extend_from_slice(&(2 * channels).to_le_bytes());
    b.extend_from_slice(&16u16.to_le_bytes());
    b.extend_from_slice(b"data");
    b.extend_from_slice(&(pcm.len() as u32).to_le_bytes());
    b.extend_from_slice(&pcm);
    fs::write(path, b).unwrap();
}

#[test]
fn latest_attempt_per_input_wins_with_its_own_findings() {
    let d = tempfile::tempdir().unwrap();
    let ds = Dataset::new(d.path());
    let staging = crate::batch::fsio::Staging::open(d.path().join(".tmp")).unwrap();
    // a.wav: redacted in run 1, failed in run 2 (latest). b.wav: only run 1.
    ds.write_parts(
        &staging,
        "r1",
        &[
            receipt("a1", "a.wav", 10, Status::Redacted),
            receipt("b1", "b.wav", 11, Status::Redacted),
        ],
    )
    .unwrap();
    ds.write_parts(
        &staging,
        "r2",
        &[receipt("a2", "a.wav", 20, Status::Failed)],
    )
    .unwrap();
    let calls = data::load(d.path()).unwrap();
    let got: Vec<(&str, &str, &str, usize)> = calls
        .iter()
        .map(|c| {
            (
                c.input_path.as_str(),
                c.file_id.as_str(),
                c.status.as_str(),
                c.redactions.len(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![("a.wav", "a2", "failed", 0), ("b.wav", "b1", "redacted", 1)]
    );
    let b = &calls[1];
    assert_eq!(b.duration_ms, Some(1000));
    assert_eq!(b.started_at, 11);
    assert_eq!(b.redactions[0].kind, "CARD_NUMBER");
    assert_eq!(b.redactions[0].channel, Some(1));
    assert_eq!(
        (b.redactions[0].muted_start_ms, b.redactions[0].muted_end_ms),
        (0, 3)
    );
    assert!((b.redactions[0].confidence - 0.9).abs() < 1e-6);
}

#[test]
fn extra_columns_and_other_integer_widths_are_read() {
    use arrow_array::{ArrayRef, Int64Array, RecordBatch, StringArray, TimestampMicrosecondArray};
    use std::sync::Arc;
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("audit/files");
    fs::create_dir_all(&dir).unwrap();
    let s = |v: &str| Arc::new(StringArray::from(vec![v])) as ArrayRef;
    let batch = RecordBatch::try_from_iter(vec![
        ("file_id", s("f1")),
        ("input_path", s("x.wav")),
        ("status", s("redacted")),
        ("output_path", s("redacted/x.wav")),
        ("verified", s("ok")),
        (
            "duration_ms",
            Arc::new(Int64Array::from(vec![5000])) as ArrayRef,
        ),
        (
            "stage_ms_transcribe",
            Arc::new(Int64Array::from(vec![42])) as ArrayRef,
        ),
        (
            "started_at",
            Arc::new(TimestampMicrosecondArray::from(vec![7_000_000]).with_timezone("UTC"))
                as ArrayRef,
        ),
    ])
    .unwrap();
    let f = fs::File::create(dir.join("part-x.parquet")).unwrap();
    let mut w = parquet::arrow::ArrowWriter::try_new(f, batch.schema(), None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    let calls = data::load(d.path()).unwrap();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].duration_ms, Some(5000));
    assert_eq!(calls[0].started_at, 7000);
    assert!(calls[0].redactions.is_empty() && calls[0].segments.is_empty());
}

#[test]
fn a_folder_without_an_audit_is_refused_by_name() {
    let d = tempfile::tempdir().unwrap();
    let e = write(d.path()).unwrap_err();
    assert!(matches!(e, ReportError::NoAudit { .. }));
    assert!(e.to_string().contains(&d.path().display().to_string()));
}

#[test]
fn page_names_are_unique_and_safe_whatever_the_ids() {
    let mut calls: Vec<data::Call> = Vec::new();
    let d = tempfile::tempdir().unwrap();
    let ds = Dataset::new(d.path());
    let ids = ["abc", "ABC", "../../etc/passwd", "a b<c>", ""];
    let receipts: Vec<Receipt> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| receipt(id, &format!("{i}.wav"), i as i64, Status::Redacted))
        .collect();
    ds.write_parts(
        &crate::batch::fsio::Staging::open(d.path().join(".tmp")).unwrap(),
        "r",
        &receipts,
    )
    .unwrap();
    calls.extend(data::load(d.path()).unwrap());
    let names = page_names(&calls);
    assert_eq!(names.len(), 5);
    let mut lower: Vec<String> = names.values().map(|n| n.to_ascii_lowercase()).collect();
    lower.sort();
    lower.dedup();
    assert_eq!(lower.len(), 5, "{names:?}");
    for n in names.values() {
        assert!(
            n.ends_with(".html")
                && n.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)),
            "{n}"
        );
    }
    assert_eq!(names["abc"], "abc.html");
    assert!(names["../../etc/passwd"].starts_with("id-"));
}

#[test]
fn writes_an_index_and_a_page_per_redacted_call_and_drops_stale_pages() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path();
    write_wav(&out.join("redacted/b.wav"), 2, 8000);
    let ds = Dataset::new(out);
    ds.write_parts(
        &crate::batch::fsio::Staging::open(d.path().join(".tmp")).unwrap(),
        "r1",
        &[
            receipt("b1", "b.wav", 11, Status::Redacted),
            receipt("c1", "c.wav", 12, Status::Redacted),
        ],
    )
    .unwrap();
    ds.write_parts(
        &crate::batch::fsio::Staging::open(d.path().join(".tmp")).unwrap(),
        "r2",
        &[receipt("z1", "z.wav", 13, Status::Failed)],
    )
    .unwrap();
    fs::create_dir_all(out.join("report/calls")).unwrap();
    fs::write(out.join("report/calls/old.html"), "stale").unwrap();

    let w = write(out).unwrap();
    assert_eq!(
        (w.calls, w.pages, w.no_waveform),
        (3, 2, 1),
        "c.wav has no audio on disk"
    );
    let index = fs::read_to_string(&w.index).unwrap();
    assert!(index.contains("\"page\":\"calls/b1.html\""));
    assert!(index.contains("z.wav: not a recognised audio file (junk)"));
    let page = fs::read_to_string(out.join("report/calls/b1.html")).unwrap();
    assert!(page.contains("src=\"../../redacted/b.wav\""));
    assert_eq!(page.matches("class=\"muted-region\"").count(), 1);
    // Peaks of both channels of the real file are in the page's data.
    let json = page
        .split("<script type=\"application/json\" id=\"call-data\">")
        .nth(1)
        .and_then(|s| s.split("</script>").next())
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(v["lanes"].as_array().unwrap().len(), 2);
    let b64 = v["lanes"][0].as_str().unwrap();
    assert_eq!(b64.len(), (2 * peaks::BUCKETS).div_ceil(3) * 4);
    let c = fs::read_to_string(out.join("report/calls/c1.html")).unwrap();
    assert!(c.contains("The waveform is missing"));
    assert!(!out.join("report/calls/old.html").exists());
    assert!(
        !out.join("report/calls/z1.html").exists(),
        "a failed call has no page"
    );
}
