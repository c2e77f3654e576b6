//! The audit: `files`, `redactions` and `transcripts` tables as Parquet part files under
//! `<out>/audit/<table>/`, which DuckDB, pandas/pyarrow and Spark read as one table each with a
//! glob. Rows carry kinds, times, confidences and hashes, never the sensitive text.

use crate::asr::transcribe::AsrCost;
use crate::batch::fsio::Staging;
use arrow_array::builder::{
    Float32Builder, StringBuilder, TimestampMillisecondBuilder, UInt16Builder, UInt32Builder,
    UInt64Builder,
};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, TimeUnit};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Bumped when a column changes meaning or is removed; adding a column keeps it.
pub const SCHEMA_VERSION: u32 = 2;

#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("{path}: {cause}")]
    Parquet { path: String, cause: String },
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Redacted,
    Failed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Redacted => "redacted",
            Status::Failed => "failed",
        }
    }
}

/// One row per recording per run that processed it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FileRow {
    /// Unique per (run, input): the key that makes consolidation idempotent.
    pub file_id: String,
    pub run_id: String,
    pub schema_version: u32,
    pub shard: String,
    pub input_path: String,
    pub input_sha256: String,
    pub output_path: Option<String>,
    pub output_sha256: Option<String>,
    pub status: Status,
    pub error: Option<String>,
    pub codec: Option<String>,
    pub output_format: Option<String>,
    pub sample_rate: Option<u32>,
    pub channels: Option<u16>,
    pub duration_ms: Option<u64>,
    pub redacted_ms: u64,
    pub findings: u32,
    pub model: String,
    pub model_sha256: String,
    pub policy_sha256: String,
    pub tool_version: String,
    pub host: String,
    pub user: String,
    /// Milliseconds since the Unix epoch, UTC.
    pub started_at: i64,
    pub elapsed_ms: u64,
    /// The stage a failed recording failed in: `input` (names, hashing), `decode`, `vad`,
    /// `transcribe`, `detect`, `write`, or `panic` when the last net caught one.
    #[serde(default)]
    pub stage: Option<String>,
    /// Where the recording's time went, per stage.
    #[serde(default)]
    pub timings: StageTimes,
    /// The second listen: `passed`, `failed`, or `off`.
    #[serde(default = "verify_off")]
    pub verified: String,
    /// What the second listen still heard (0 when it passed or was off).
    #[serde(default)]
    pub verify_findings: u32,
}

fn verify_off() -> String {
    "off".into()
}

/// Wall milliseconds per stage of one recording (columns `<stage>_ms` of the files table).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StageTimes {
    /// Hashing the input (before anything else reads it).
    pub hash_ms: u64,
    /// Opening and parsing; for compressed formats, the opening pass that decodes the whole
    /// file once (to learn its length and hash its samples).
    pub decode_ms: u64,
    /// The voice-activity pass over every channel (for WAV also the pass that hashes).
    pub vad_ms: u64,
    /// Transcription: resampling, whisper's encoder and decoder, alignment, retries.
    pub asr_ms: u64,
    /// Detection and planning.
    pub detect_ms: u64,
    /// Writing and syncing the redacted audio and transcript.
    pub write_ms: u64,
    /// The second listen to the redacted audio, when on.
    pub verify_ms: u64,
    /// Parts of `asr_ms` (the first listen only): reading and resampling chunks, whisper's
    /// mel, encoder and decoder, DTW word alignment, and, overlapping those, the whisper calls
    /// that decoded dropped or looping speech again.
    pub asr: AsrCost,
}

impl StageTimes {
    pub fn add(&mut self, o: &StageTimes) {
        self.hash_ms += o.hash_ms;
        self.decode_ms += o.decode_ms;
        self.vad_ms += o.vad_ms;
        self.asr_ms += o.asr_ms;
        self.detect_ms += o.detect_ms;
        self.write_ms += o.write_ms;
        self.verify_ms += o.verify_ms;
        self.asr.add(&o.asr);
    }

    /// "hash 0.1 s, decode 0.2 s, ..., asr 55.0 s (97.1%)": each stage's seconds, and the
    /// share of all stages that is not transcription.
    pub fn line(&self) -> String {
        let all = self.hash_ms
            + self.decode_ms
            + self.vad_ms
            + self.asr_ms
            + self.detect_ms
            + self.write_ms;
        let s = |ms: u64| ms as f64 / 1000.0;
        let asr = self.asr_ms + self.verify_ms;
        let outside = 100.0 * (all - asr) as f64 / all.max(1) as f64;
        format!(
            "hash {:.1} s, decode {:.1} s, vad {:.1} s, asr {:.1} s (audio {:.1} s, mel {:.1} s, \
             encoder {:.1} s in {} passes, decoder {:.1} s, dtw {:.1} s; retries {:.1} s), \
             detect {:.1} s, write {:.1} s, verify {:.1} s ({outside:.1}% outside asr and verify)",
            s(self.hash_ms),
            s(self.decode_ms),
            s(self.vad_ms),
            s(self.asr_ms),
            s(self.asr.audio_ms),
            s(self.asr.mel_ms),
            s(self.asr.encode_ms),
            self.asr.encoder_passes,
            s(self.asr.decode_ms),
            s(self.asr.dtw_ms),
            s(self.asr.retry_ms),
            s(self.detect_ms),
            s(self.write_ms),
            s(self.verify_ms)
        )
    }
}

/// One row per finding: what was found, where, how sure, by which detector and rule, and the
/// stretch of audio that was actually muted for it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RedactionRow {
    pub file_id: String,
    pub run_id: String,
    pub input_path: String,
    pub input_sha256: String,
    pub channel: Option<u16>,
    pub kind: String,
    pub start_ms: u64,
    pub end_ms: u64,
    pub muted_start_ms: u64,
    pub muted_end_ms: u64,
    pub confidence: f32,
    pub detector: String,
    pub rule: String,
    pub policy_sha256: String,
}

/// One row per redacted transcript segment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TranscriptRow {
    pub file_id: String,
    pub run_id: String,
    pub input_path: String,
    pub input_sha256: String,
    pub channel: u16,
    pub segment: u32,
    pub start_ms: u64,
    pub end_ms: u64,
    pub text: String,
}

/// Everything one processed recording adds to the audit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Receipt {
    pub file: FileRow,
    pub redactions: Vec<RedactionRow>,
    pub transcripts: Vec<TranscriptRow>,
}

/// One Arrow column from a closure over the rows.
macro_rules! col {
    ($rows:expr, $builder:ty, $f:expr) => {{
        let mut b = <$builder>::new();
        for r in $rows {
            b.append_option($f(r));
        }
        Arc::new(b.finish()) as ArrayRef
    }};
}

fn s(name: &str, nullable: bool) -> Field {
    Field::new(name, DataType::Utf8, nullable)
}

fn files_batch(rows: &[&FileRow]) -> Result<RecordBatch, arrow_schema::ArrowError> {
    let ts = {
        let mut b = TimestampMillisecondBuilder::new().with_timezone("UTC");
        for r in rows {
            b.append_value(r.started_at);
        }
        Arc::new(b.finish()) as ArrayRef
    };
    let schema = Schema::new(vec![
        s("file_id", false),
        s("run_id", false),
        Field::new("schema_version", DataType::UInt32, false),
        s("shard", false),
        s("input_path", false),
        s("input_sha256", false),
        s("output_path", true),
        s("output_sha256", true),
        s("status", false),
        s("error", true),
        s("codec", true),
        s("output_format", true),
        Field::new("sample_rate", DataType::UInt32, true),
        Field::new("channels", DataType::UInt16, true),
        Field::new("duration_ms", DataType::UInt64, true),
        Field::new("redacted_ms", DataType::UInt64, false),
        Field::new("findings", DataType::UInt32, false),
        s("model", false),
        s("model_sha256", false),
        s("policy_sha256", false),
        s("tool_version", false),
        s("host", false),
        s("user", false),
        Field::new(
            "started_at",
            DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into())),
            false,
        ),
        Field::new("elapsed_ms", DataType::UInt64, false),
        s("stage", true),
        Field::new("hash_ms", DataType::UInt64, false),
        Field::new("decode_ms", DataType::UInt64, false),
        Field::new("vad_ms", DataType::UInt64, false),
        Field::new("asr_ms", DataType::UInt64, false),
        Field::new("detect_ms", DataType::UInt64, false),
        Field::new("write_ms", DataType::UInt64, false),
        Field::new("verify_ms", DataType::UInt64, false),
        s("verified", false),
        Field::new("verify_findings", DataType::UInt32, false),
        Field::new("asr_audio_ms", DataType::UInt64, false),
        Field::new("asr_mel_ms", DataType::UInt64, false),
        Field::new("asr_encode_ms", DataType::UInt64, false),
        Field::new("asr_decode_ms", DataType::UInt64, false),
        Field::new("asr_dtw_ms", DataType::UInt64, false),
        Field::new("asr_retry_ms", DataType::UInt64, false),
        Field::new("encoder_passes", DataType::UInt64, false),
    ]);
    RecordBatch::try_new(
        Arc::new(schema),
        vec![
            col!(rows, StringBuilder, |r: &&FileRow| Some(r.file_id.clone())),
            col!(rows, StringBuilder, |r: &&FileRow| Some(r.run_id.clone())),
            col!(rows, UInt32Builder, |r: &&FileRow| Some(r.schema_version)),
            col!(rows, StringBuilder, |r: &&FileRow| Some(r.shard.clone())),
            col!(rows, StringBuilder, |r: &&FileRow| Some(
                r.input_path.clone()
            )),
            col!(rows, StringBuilder, |r: &&FileRow| Some(
                r.input_sha256.clone()
            )),
            col!(rows, StringBuilder, |r: &&FileRow| r.output_path.clone()),
            col!(rows, StringBuilder, |r: &&FileRow| r.output_sha256.clone()),
            col!(rows, StringBuilder, |r: &&FileRow| Some(r.status.as_str())),
            col!(rows, StringBuilder, |r: &&FileRow| r.error.clone()),
            col!(rows, StringBuilder, |r: &&FileRow| r.codec.clone()),
            col!(rows, StringBuilder, |r: &&FileRow| r.output_format.clone()),
            col!(rows, UInt32Builder, |r: &&FileRow| r.sample_rate),
            col!(rows, UInt16Builder, |r: &&FileRow| r.channels),
            col!(rows, UInt64Builder, |r: &&FileRow| r.duration_ms),
            col!(rows, UInt64Builder, |r: &&FileRow| Some(r.redacted_ms)),
            col!(rows, UInt32Builder, |r: &&FileRow| Some(r.findings)),
            col!(rows, StringBuilder, |r: &&FileRow| Some(r.model.clone())),
            col!(rows, StringBuilder, |r: &&FileRow| Some(
                r.model_sha256.clone()
            )),
            col!(rows, StringBuilder, |r: &&FileRow| Some(
                r.policy_sha256.clone()
            )),
            col!(rows, StringBuilder, |r: &&FileRow| Some(
                r.tool_version.clone()
            )),
            col!(rows, StringBuilder, |r: &&FileRow| Some(r.host.clone())),
            col!(rows, StringBuilder, |r: &&FileRow| Some(r.user.clone())),
            ts,
            col!(rows, UInt64Builder, |r: &&FileRow| Some(r.elapsed_ms)),
            col!(rows, StringBuilder, |r: &&FileRow| r.stage.clone()),
            col!(rows, UInt64Builder, |r: &&FileRow| Some(r.timings.hash_ms)),
            col!(rows, UInt64Builder, |r: &&FileRow| Some(
                r.timings.decode_ms
            )),
            col!(rows, UInt64Builder, |r: &&FileRow| Some(r.timings.vad_ms)),
            col!(rows, UInt64Builder, |r: &&FileRow| Some(r.timings.asr_ms)),
            col!(rows, UInt64Builder, |r: &&FileRow| Some(
                r.timings.detect_ms
            )),
            col!(rows, UInt64Builder, |r: &&FileRow| Some(r.timings.write_ms)),
            col!(rows, UInt64Builder, |r: &&FileRow| Some(
                r.timings.verify_ms
            )),
            col!(rows, StringBuilder, |r: &&FileRow| Some(r.verified.clone())),
            col!(rows, UInt32Builder, |r: &&FileRow| Some(r.verify_findings)),
            col!(rows, UInt64Builder, |r: &&FileRow| Some(
                r.timings.asr.audio_ms
            )),
            col!(rows, UInt64Builder, |r: &&FileRow| Some(
                r.timings.asr.mel_ms
            )),
            col!(rows, UInt64Builder, |r: &&FileRow| Some(
                r.timings.asr.encode_ms
            )),
            col!(rows, UInt64Builder, |r: &&FileRow| Some(
                r.timings.asr.decode_ms
            )),
            col!(rows, UInt64Builder, |r: &&FileRow| Some(
                r.timings.asr.dtw_ms
            )),
            col!(rows, UInt64Builder, |r: &&FileRow| Some(
                r.timings.asr.retry_ms
            )),
            col!(rows, UInt64Builder, |r: &&FileRow| Some(
                r.timings.asr.encoder_passes
            )),
        ],
    )
}

fn redactions_batch(rows: &[&RedactionRow]) -> Result<RecordBatch, arrow_schema::ArrowError> {
    let schema = Schema::new(vec![
        s("file_id", false),
        s("run_id", false),
        s("input_path", false),
        s("input_sha256", false),
        Field::new("channel", DataType::UInt16, true),
        s("kind", false),
        Field::new("start_ms", DataType::UInt64, false),
        Field::new("end_ms", DataType::UInt64, false),
        Field::new("muted_start_ms", DataType::UInt64, false),
        Field::new("muted_end_ms", DataType::UInt64, false),
        Field::new("confidence", DataType::Float32, false),
        s("detector", false),
        s("rule", false),
        s("policy_sha256", false),
    ]);
    RecordBatch::try_new(
        Arc::new(schema),
        vec![
            col!(rows, StringBuilder, |r: &&RedactionRow| Some(
                r.file_id.clone()
            )),
            col!(rows, StringBuilder, |r: &&RedactionRow| Some(
                r.run_id.clone()
            )),
            col!(rows, StringBuilder, |r: &&RedactionRow| Some(
                r.input_path.clone()
            )),
            col!(rows, StringBuilder, |r: &&RedactionRow| Some(
                r.input_sha256.clone()
            )),
            col!(rows, UInt16Builder, |r: &&RedactionRow| r.channel),
            col!(rows, StringBuilder, |r: &&RedactionRow| Some(
                r.kind.clone()
            )),
            col!(rows, UInt64Builder, |r: &&RedactionRow| Some(r.start_ms)),
            col!(rows, UInt64Builder, |r: &&RedactionRow| Some(r.end_ms)),
            col!(rows, UInt64Builder, |r: &&RedactionRow| Some(
                r.muted_start_ms
            )),
            col!(rows, UInt64Builder, |r: &&RedactionRow| Some(
                r.muted_end_ms
            )),
            col!(rows, Float32Builder, |r: &&RedactionRow| Some(r.confidence)),
            col!(rows, StringBuilder, |r: &&RedactionRow| Some(
                r.detector.clone()
            )),
            col!(rows, StringBuilder, |r: &&RedactionRow| Some(
                r.rule.clone()
            )),
            col!(rows, StringBuilder, |r: &&RedactionRow| Some(
                r.policy_sha256.clone()
            )),
        ],
    )
}

fn transcripts_batch(rows: &[&TranscriptRow]) -> Result<RecordBatch, arrow_schema::ArrowError> {
    let schema = Schema::new(vec![
        s("file_id", false),
        s("run_id", false),
        s("input_path", false),
        s("input_sha256", false),
        Field::new("channel", DataType::UInt16, false),
        Field::new("segment", DataType::UInt32, false),
        Field::new("start_ms", DataType::UInt64, false),
        Field::new("end_ms", DataType::UInt64, false),
        s("text", false),
    ]);
    RecordBatch::try_new(
        Arc::new(schema),
        vec![
            col!(rows, StringBuilder, |r: &&TranscriptRow| Some(
                r.file_id.clone()
            )),
            col!(rows, StringBuilder, |r: &&TranscriptRow| Some(
                r.run_id.clone()
            )),
            col!(rows, StringBuilder, |r: &&TranscriptRow| Some(
                r.input_path.clone()
            )),
            col!(rows, StringBuilder, |r: &&TranscriptRow| Some(
                r.input_sha256.clone()
            )),
            col!(rows, UInt16Builder, |r: &&TranscriptRow| Some(r.channel)),
            col!(rows, UInt32Builder, |r: &&TranscriptRow| Some(r.segment)),
            col!(rows, UInt64Builder, |r: &&TranscriptRow| Some(r.start_ms)),
            col!(rows, UInt64Builder, |r: &&TranscriptRow| Some(r.end_ms)),
            col!(rows, StringBuilder, |r: &&TranscriptRow| Some(
                r.text.clone()
            )),
        ],
    )
}

fn write_part(staging: &Staging, path: &Path, batch: RecordBatch) -> Result<(), AuditError> {
    let perr = |e: &dyn std::fmt::Display| AuditError::Parquet {
        path: crate::names::escaped(path),
        cause: e.to_string(),
    };
    let ioerr = |source| AuditError::Io {
        path: crate::names::escaped(path),
        source,
    };
    let mut f = staging.create(path).map_err(ioerr)?;
    {
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .build();
        let mut w =
            ArrowWriter::try_new(f.file(), batch.schema(), Some(props)).map_err(|e| perr(&e))?;
        w.write(&batch).map_err(|e| perr(&e))?;
        w.close().map_err(|e| perr(&e))?;
    }
    f.commit().map_err(ioerr)
}

/// The audit dataset under `<out>/audit`.
pub struct Dataset {
    pub root: PathBuf,
}

pub const TABLES: [&str; 3] = ["files", "redactions", "transcripts"];

impl Dataset {
    pub fn new(out: &Path) -> Dataset {
        Dataset {
            root: out.join("audit"),
        }
    }

    pub fn table_dir(&self, table: &str) -> PathBuf {
        self.root.join(table)
    }

    /// Every part file of a table, sorted.
    pub fn parts(&self, table: &str) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(self.table_dir(table))
            .map(|rd| {
                rd.flatten()
                    .map(|e| e.path())
                    .filter(|p| {
                        p.extension().is_some_and(|e| e == "parquet")
                            && !p
                                .file_name()
                                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
                    })
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    }

    /// Writes the receipts as one part per table, named `part-<name>.parquet`. The files
    /// table is written last: its rows are what marks receipts as consolidated, so a crash
    /// between tables leaves them to be written again rather than lost.
    pub fn write_parts(
        &self,
        staging: &Staging,
        name: &str,
        receipts: &[Receipt],
    ) -> Result<(), AuditError> {
        let file = format!("part-{name}.parquet");
        let reds: Vec<&RedactionRow> = receipts.iter().flat_map(|r| r.redactions.iter()).collect();
        let trs: Vec<&TranscriptRow> = receipts.iter().flat_map(|r| r.transcripts.iter()).collect();
        let files: Vec<&FileRow> = receipts.iter().map(|r| &r.file).collect();
        let arrow = |p: &Path, e: arrow_schema::ArrowError| AuditError::Parquet {
            path: p.display().to_string(),
            cause: e.to_string(),
        };
        let p = self.table_dir("redactions").join(&file);
        write_part(
            staging,
            &p,
            redactions_batch(&reds).map_err(|e| arrow(&p, e))?,
        )?;
        let p = self.table_dir("transcripts").join(&file);
        write_part(
            staging,
            &p,
            transcripts_batch(&trs).map_err(|e| arrow(&p, e))?,
        )?;
        let p = self.table_dir("files").join(&file);
        write_part(staging, &p, files_batch(&files).map_err(|e| arrow(&p, e))?)
    }

    /// Reads the named string columns of every `files` part.
    pub fn read_file_columns(
        &self,
        columns: &[&str],
    ) -> Result<Vec<Vec<Option<String>>>, AuditError> {
        let mut rows = Vec::new();
        for part in self.parts("files") {
            let perr = |e: &dyn std::fmt::Display| AuditError::Parquet {
                path: part.display().to_string(),
                cause: e.to_string(),
            };
            let f = std::fs::File::open(&part).map_err(|source| AuditError::Io {
                path: part.display().to_string(),
                source,
            })?;
            let reader = ParquetRecordBatchReaderBuilder::try_new(f)
                .map_err(|e| perr(&e))?
                .build()
                .map_err(|e| perr(&e))?;
            for batch in reader {
                let batch = batch.map_err(|e| perr(&e))?;
                let cols: Vec<Option<&arrow_array::StringArray>> = columns
                    .iter()
                    .map(|c| {
                        batch
                            .column_by_name(c)
                            .and_then(|a| a.as_any().downcast_ref::<arrow_array::StringArray>())
                    })
                    .collect();
                for i in 0..batch.num_rows() {
                    rows.push(
                        cols.iter()
                            .map(|c| {
                                c.and_then(|a| {
                                    if a.is_valid(i) {
                                        Some(a.value(i).to_string())
                                    } else {
                                        None
                                    }
                                })
                            })
                            .collect(),
                    );
                }
            }
        }
        Ok(rows)
    }
}

#[cfg(test)]
pub(crate) fn sample_receipt(id: &str) -> Receipt {
    let file = FileRow {
        file_id: id.into(),
        run_id: "run".into(),
        schema_version: SCHEMA_VERSION,
        shard: "0-of-1".into(),
        input_path: "a.wav".into(),
        input_sha256: "ab".into(),
        output_path: Some("redacted/a.wav".into()),
        output_sha256: Some("cd".into()),
        status: Status::Redacted,
        error: None,
        codec: Some("pcm_s16le".into()),
        output_format: Some("wav/pcm_s16le".into()),
        sample_rate: Some(8000),
        channels: Some(2),
        duration_ms: Some(1000),
        redacted_ms: 10,
        findings: 1,
        model: "m".into(),
        model_sha256: "ms".into(),
        policy_sha256: "ps".into(),
        tool_version: "0".into(),
        host: "h".into(),
        user: "u".into(),
        started_at: 1,
        elapsed_ms: 2,
        stage: None,
        timings: StageTimes::default(),
        verified: "off".into(),
        verify_findings: 0,
    };
    Receipt {
        redactions: vec![RedactionRow {
            file_id: id.into(),
            run_id: "run".into(),
            input_path: "a.wav".into(),
            input_sha256: "ab".into(),
            channel: Some(1),
            kind: "CARD_NUMBER".into(),
            start_ms: 1,
            end_ms: 2,
            muted_start_ms: 0,
            muted_end_ms: 3,
            confidence: 0.9,
            detector: "d".into(),
            rule: "r".into(),
            policy_sha256: "ps".into(),
        }],
        transcripts: vec![],
        file,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_round_trip_their_keys() {
        let d = tempfile::tempdir().unwrap();
        let ds = Dataset::new(d.path());
        let staging = Staging::open(d.path().join("tmp")).unwrap();
        ds.write_parts(
            &staging,
            "r1",
            &[sample_receipt("f1"), sample_receipt("f2")],
        )
        .unwrap();
        let rows = ds
            .read_file_columns(&["file_id", "status", "error"])
            .unwrap();
        assert_eq!(
            rows,
            vec![
                vec![Some("f1".into()), Some("redacted".into()), None],
                vec![Some("f2".into()), Some("redacted".into()), None]
            ]
        );
        assert_eq!(ds.parts("redactions").len(), 1);
        assert_eq!(ds.parts("transcripts").len(), 1);
    }
}
