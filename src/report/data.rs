//! What a report is built from, read from the audit: the latest `files` row per input, and that
//! row's `redactions` and `transcripts` rows. Columns are found by name and read whatever their
//! integer or string width, so columns other engineers add, and type changes that keep the
//! meaning, do not break the report.

use super::error::ReportError;
use crate::batch::audit::Dataset;
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, Int8Type, TimestampMicrosecondType,
    TimestampMillisecondType, TimestampNanosecondType, TimestampSecondType, UInt16Type, UInt32Type,
    UInt64Type, UInt8Type,
};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, TimeUnit};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use std::collections::HashMap;
use std::path::Path;

/// One call as its latest attempt left it.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    pub file_id: String,
    pub run_id: String,
    pub input_path: String,
    /// The redacted audio, relative to the output folder; None when the attempt failed.
    pub output_path: Option<String>,
    pub status: String,
    pub error: Option<String>,
    pub output_format: Option<String>,
    pub sample_rate: Option<u32>,
    pub channels: Option<u16>,
    pub duration_ms: Option<u64>,
    pub redacted_ms: u64,
    /// Milliseconds since the Unix epoch, UTC.
    pub started_at: i64,
    pub redactions: Vec<Redaction>,
    pub segments: Vec<Segment>,
}

impl Call {
    /// Muted time over the call's length, 0..1; 0 where the length is unknown.
    pub fn muted_share(&self) -> f64 {
        match self.duration_ms {
            Some(d) if d > 0 => self.redacted_ms as f64 / d as f64,
            _ => 0.0,
        }
    }
}

/// One `redactions` row: a finding and the stretch that was muted for it.
#[derive(Clone, Debug, PartialEq)]
pub struct Redaction {
    /// None: the whole call (every channel).
    pub channel: Option<u16>,
    pub kind: String,
    pub start_ms: u64,
    pub end_ms: u64,
    pub muted_start_ms: u64,
    pub muted_end_ms: u64,
    pub confidence: f64,
    pub detector: String,
    pub rule: String,
}

/// One redacted transcript segment.
#[derive(Clone, Debug, PartialEq)]
pub struct Segment {
    pub channel: u16,
    pub start_ms: u64,
    pub end_ms: u64,
    pub text: String,
}

/// Every call in the audit under `out`, by input path: the latest attempt at each, with its
/// findings in time order and its transcript in time order across channels.
pub fn load(out: &Path) -> Result<Vec<Call>, ReportError> {
    let ds = Dataset::new(out);
    if ds.parts("files").is_empty() {
        return Err(ReportError::NoAudit {
            path: out.display().to_string(),
        });
    }
    let mut latest: HashMap<String, Call> = HashMap::new();
    for_each_batch(&ds, "files", |b| {
        let c = Cols::new(b);
        let (id, input, status) = (c.req("file_id")?, c.req("input_path")?, c.req("status")?);
        let (run, outp, err) = (c.get("run_id"), c.get("output_path"), c.get("error"));
        let fmt = c.get("output_format");
        let (rate, chans, dur) = (
            c.get("sample_rate"),
            c.get("channels"),
            c.get("duration_ms"),
        );
        let (red, at) = (c.get("redacted_ms"), c.get("started_at"));
        for i in 0..b.num_rows() {
            let (Some(file_id), Some(input_path), Some(status)) =
                (text(id, i), text(input, i), text(status, i))
            else {
                continue;
            };
            let call = Call {
                file_id,
                run_id: run.and_then(|a| text(a, i)).unwrap_or_default(),
                input_path,
                output_path: outp.and_then(|a| text(a, i)),
                status,
                error: err.and_then(|a| text(a, i)),
                output_format: fmt.and_then(|a| text(a, i)),
                sample_rate: rate.and_then(|a| uint(a, i)).map(|v| v as u32),
                channels: chans.and_then(|a| uint(a, i)).map(|v| v as u16),
                duration_ms: dur.and_then(|a| uint(a, i)),
                redacted_ms: red.and_then(|a| uint(a, i)).unwrap_or(0),
                started_at: at.and_then(|a| millis(a, i)).unwrap_or(0),
                redactions: Vec::new(),
                segments: Vec::new(),
            };
            if latest
                .get(&call.input_path)
                .is_none_or(|old| newer(&call, old))
            {
                latest.insert(call.input_path.clone(), call);
            }
        }
        Ok(())
    })?;
    let mut calls: Vec<Call> = latest.into_values().collect();
    calls.sort_by(|a, b| a.input_path.cmp(&b.input_path));
    let index: HashMap<String, usize> = calls
        .iter()
        .enumerate()
        .map(|(i, c)| (c.file_id.clone(), i))
        .collect();

    for_each_batch(&ds, "redactions", |b| {
        let c = Cols::new(b);
        let (id, kind) = (c.req("file_id")?, c.req("kind")?);
        let (ms, me) = (c.req("muted_start_ms")?, c.req("muted_end_ms")?);
        let (s, e, ch) = (c.get("start_ms"), c.get("end_ms"), c.get("channel"));
        let (conf, det, rule) = (c.get("confidence"), c.get("detector"), c.get("rule"));
        for i in 0..b.num_rows() {
            let Some(&k) = text(id, i).and_then(|f| index.get(&f)) else {
                continue;
            };
            let (Some(muted_start_ms), Some(muted_end_ms)) = (uint(ms, i), uint(me, i)) else {
                continue;
            };
            calls[k].redactions.push(Redaction {
                channel: ch.and_then(|a| uint(a, i)).map(|v| v as u16),
                kind: text(kind, i).unwrap_or_default(),
                start_ms: s.and_then(|a| uint(a, i)).unwrap_or(muted_start_ms),
                end_ms: e.and_then(|a| uint(a, i)).unwrap_or(muted_end_ms),
                muted_start_ms,
                muted_end_ms: muted_end_ms.max(muted_start_ms),
                confidence: conf.and_then(|a| float(a, i)).unwrap_or(f64::NAN),
                detector: det.and_then(|a| text(a, i)).unwrap_or_default(),
                rule: rule.and_then(|a| text(a, i)).unwrap_or_default(),
            });
        }
        Ok(())
    })?;

    let mut order: HashMap<usize, Vec<(u64, u16, u64, Segment)>> = HashMap::new();
    for_each_batch(&ds, "transcripts", |b| {
        let c = Cols::new(b);
        let (id, ch, s, t) = (
            c.req("file_id")?,
            c.req("channel")?,
            c.req("start_ms")?,
            c.req("text")?,
        );
        let (e, seg) = (c.get("end_ms"), c.get("segment"));
        for i in 0..b.num_rows() {
            let Some(&k) = text(id, i).and_then(|f| index.get(&f)) else {
                continue;
            };
            let (Some(channel), Some(start_ms)) = (uint(ch, i), uint(s, i)) else {
                continue;
            };
            let segment = Segment {
                channel: channel as u16,
                start_ms,
                end_ms: e.and_then(|a| uint(a, i)).unwrap_or(start_ms),
                text: text(t, i).unwrap_or_default(),
            };
            let n = seg.and_then(|a| uint(a, i)).unwrap_or(0);
            order
                .entry(k)
                .or_default()
                .push((start_ms, channel as u16, n, segment));
        }
        Ok(())
    })?;
    for (k, mut v) in order {
        v.sort_by_key(|(s, c, n, _)| (*s, *c, *n));
        calls[k].segments = v.into_iter().map(|(.., seg)| seg).collect();
    }
    for c in &mut calls {
        c.redactions.sort_by(|a, b| {
            (a.muted_start_ms, a.channel, a.start_ms, &a.kind).cmp(&(
                b.muted_start_ms,
                b.channel,
                b.start_ms,
                &b.kind,
            ))
        });
    }
    Ok(calls)
}

/// The later attempt of two at one input, as the README's "latest attempt" query orders them:
/// by start time, then (for a tie) by run and file id, so the choice never depends on the order
/// the parts are read in.
fn newer(a: &Call, b: &Call) -> bool {
    (a.started_at, &a.run_id, &a.file_id) > (b.started_at, &b.run_id, &b.file_id)
}

/// Calls `f` with every record batch of every part of `table`. A table with no parts is
/// empty, not an error: an audit written before the table existed still makes a report.
fn for_each_batch(
    ds: &Dataset,
    table: &str,
    mut f: impl FnMut(&RecordBatch) -> Result<(), String>,
) -> Result<(), ReportError> {
    for part in ds.parts(table) {
        let err = |cause: String| ReportError::Audit {
            path: part.display().to_string(),
            cause,
        };
        let file = std::fs::File::open(&part).map_err(|source| ReportError::Io {
            path: part.display().to_string(),
            source,
        })?;
        let reader = ParquetRecordBatchReaderBuilder::try_new(file)
            .and_then(|b| b.build())
            .map_err(|e| err(e.to_string()))?;
        for batch in reader {
            let batch = batch.map_err(|e| err(e.to_string()))?;
            f(&batch).map_err(err)?;
        }
    }
    Ok(())
}

/// A batch's columns by name.
struct Cols<'a>(&'a RecordBatch);

impl<'a> Cols<'a> {
    fn new(b: &'a RecordBatch) -> Self {
        Cols(b)
    }

    fn get(&self, name: &str) -> Option<&'a ArrayRef> {
        self.0.column_by_name(name)
    }

    fn req(&self, name: &str) -> Result<&'a ArrayRef, String> {
        self.get(name)
            .ok_or_else(|| format!("the audit has no column {name}"))
    }
}

fn text(a: &ArrayRef, i: usize) -> Option<String> {
    if a.is_null(i) {
        return None;
    }
    match a.data_type() {
        DataType::Utf8 => Some(a.as_string::<i32>().value(i).to_string()),
        DataType::LargeUtf8 => Some(a.as_string::<i64>().value(i).to_string()),
        DataType::Utf8View => Some(a.as_string_view().value(i).to_string()),
        _ => None,
    }
}

fn int(a: &ArrayRef, i: usize) -> Option<i128> {
    if a.is_null(i) {
        return None;
    }
    macro_rules! p {
        ($t:ty) => {
            a.as_primitive::<$t>().value(i) as i128
        };
    }
    Some(match a.data_type() {
        DataType::UInt8 => p!(UInt8Type),
        DataType::UInt16 => p!(UInt16Type),
        DataType::UInt32 => p!(UInt32Type),
        DataType::UInt64 => p!(UInt64Type),
        DataType::Int8 => p!(Int8Type),
        DataType::Int16 => p!(Int16Type),
        DataType::Int32 => p!(Int32Type),
        DataType::Int64 => p!(Int64Type),
        _ => return None,
    })
}

fn uint(a: &ArrayRef, i: usize) -> Option<u64> {
    int(a, i).and_then(|v| u64::try_from(v).ok())
}

fn float(a: &ArrayRef, i: usize) -> Option<f64> {
    if a.is_null(i) {
        return None;
    }
    match a.data_type() {
        DataType::Float32 => Some(a.as_primitive::<Float32Type>().value(i) as f64),
        DataType::Float64 => Some(a.as_primitive::<Float64Type>().value(i)),
        _ => int(a, i).map(|v| v as f64),
    }
}

/// A timestamp column in any unit, or plain integer milliseconds, as Unix milliseconds.
fn millis(a: &ArrayRef, i: usize) -> Option<i64> {
    if a.is_null(i) {
        return None;
    }
    Some(match a.data_type() {
        DataType::Timestamp(TimeUnit::Second, _) => {
            a.as_primitive::<TimestampSecondType>().value(i) * 1000
        }
        DataType::Timestamp(TimeUnit::Millisecond, _) => {
            a.as_primitive::<TimestampMillisecondType>().value(i)
        }
        DataType::Timestamp(TimeUnit::Microsecond, _) => {
            a.as_primitive::<TimestampMicrosecondType>().value(i) / 1000
        }
        DataType::Timestamp(TimeUnit::Nanosecond, _) => {
            a.as_primitive::<TimestampNanosecondType>().value(i) / 1_000_000
        }
        _ => i64::try_from(int(a, i)?).ok()?,
    })
}
