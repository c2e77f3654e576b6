//! One recording through every stage: decode, prepare, transcribe, detect, plan, redact, write,
//! and the receipt that records it. Fails closed: a recording that cannot be taken through every
//! stage gets a failed row and no output, and any earlier output of ours at its path is removed.

use crate::asr::transcribe::{Model, TranscribeError};
use crate::audio::decode::{decode, Decoded};
use crate::audio::encode::{self, LossyAs};
use crate::audio::redact::Fill;
use crate::audio::vad::{voiced_regions, Region};
use crate::batch::audit::{FileRow, Receipt, RedactionRow, Status, TranscriptRow, SCHEMA_VERSION};
use crate::batch::discover::Input;
use crate::batch::fsio::{self, AtomicFile};
use crate::batch::state::State;
use crate::plan::{plan, Layout, Span};
use crate::policy::Policy;
use crate::types::{CallTranscript, ChannelTranscript, Finding, Kind, Role, Voiced};
use crate::units::{frame_to_ms, Frame, Ms};
use crate::{detect, transcript};
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// What every recording in a run shares.
pub struct RunContext<'a> {
    pub model: &'a Model,
    pub model_name: String,
    pub model_sha256: String,
    pub policy: &'a Policy,
    pub policy_sha256: String,
    pub run_id: String,
    pub shard: String,
    pub out: PathBuf,
    pub lossy_as: LossyAs,
    pub threads: usize,
    pub force: bool,
    pub stop: Arc<AtomicBool>,
    pub state: &'a State,
    /// Output paths (relative to `out`) that earlier runs of ours wrote.
    pub our_outputs: HashSet<String>,
    pub tool_version: String,
    pub host: String,
    pub user: String,
}

/// How one recording ended.
#[derive(Debug)]
pub enum Outcome {
    Done(Box<Receipt>),
    /// Stopped by a signal: nothing written, nothing recorded; the next run does it.
    Interrupted,
}

#[derive(Debug, thiserror::Error)]
enum StageError {
    #[error("{0}")]
    Decode(#[from] crate::audio::decode::DecodeError),
    #[error("{path}: {source}")]
    Transcribe {
        path: String,
        source: TranscribeError,
    },
    #[error("{path}: {source}")]
    Encode {
        path: String,
        source: encode::EncodeError,
    },
    #[error("{path}: {cause}")]
    Output { path: String, cause: String },
}

pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex::encode(h.finalize()))
}

/// The output paths for an input, relative to `out`.
pub fn output_paths(input: &Input, ext: &str) -> (PathBuf, PathBuf) {
    let audio = Path::new("redacted").join(input.out_rel.with_extension(ext));
    let text = Path::new("transcripts").join(input.out_rel.with_extension("json"));
    (audio, text)
}

/// The pending-marker key for an input: a hash of its relative path.
pub fn input_key(input: &Input) -> String {
    hex::encode(&Sha256::digest(input.rel.to_string_lossy().as_bytes())[..16])
}

/// Everything detection and planning learned about a recording, for `inspect` and the writer.
pub struct Analysis {
    pub call: CallTranscript,
    pub voiced: Vec<Vec<Region>>,
    pub findings: Vec<Finding>,
    pub spans: Vec<Span>,
}

/// Transcribes, detects and plans: the read-only half of the pipeline.
pub fn analyse(
    path: &Path,
    decoded: &Decoded,
    model: &Model,
    policy: &Policy,
    threads: usize,
    stop: &Arc<AtomicBool>,
) -> Result<Analysis, String> {
    let p = path.display().to_string();
    let n = decoded.channels.len();
    let mut call = CallTranscript::default();
    let mut voiced = Vec::with_capacity(n);
    let mut voiced_flat = Vec::new();
    let mut unreliable = Vec::new();
    for (c, samples) in decoded.channels.iter().enumerate() {
        let rate = decoded.spec.sample_rate;
        let regions = voiced_regions(samples, rate);
        let t = model
            .transcribe(samples, rate, &regions, threads, stop)
            .map_err(|source| {
                StageError::Transcribe {
                    path: p.clone(),
                    source,
                }
                .to_string()
            })?;
        let words = t.words;
        unreliable.extend(t.unreliable.into_iter().map(|r| (c as u16, r)));
        let role = match (n, c) {
            (2, 0) => Role::Agent,
            (2, 1) => Role::Customer,
            _ => Role::Mixed,
        };
        voiced_flat.extend(regions.iter().map(|r| Voiced {
            channel: c as u16,
            start: r.start,
            end: r.end,
        }));
        call.channels.push(ChannelTranscript {
            channel: c as u16,
            role,
            words,
        });
        voiced.push(regions);
    }
    let mut findings = detect::detect(&call, &voiced_flat, &policy.detect, policy);
    // What whisper could not transcribe without looping is muted whole: unknown speech in a
    // call is treated like a number nobody could place.
    for (c, (start, end)) in unreliable {
        let why = "transcript unreliable (repetition loop): muting the stretch";
        tracing::warn!(file = %p, channel = c, start_ms = start.0, end_ms = end.0, "{why}");
        findings.push(Finding {
            kind: Kind::Number,
            channel: Some(c),
            start,
            end,
            confidence: 0.3,
            detector: "transcribe.unreliable",
            rule: "unreliable_transcript".into(),
            words: None,
        });
    }
    findings.sort_by_key(|f| (f.start, f.channel, f.kind, f.end));
    let layout = Layout {
        rate: decoded.spec.sample_rate,
        frames: decoded.frames(),
        channels: n as u16,
        voiced: &voiced,
    };
    let spans = plan(&findings, &layout, policy);
    Ok(Analysis {
        call,
        voiced,
        findings,
        spans,
    })
}

/// Takes one recording through the whole pipeline and writes its receipt.
pub fn process(ctx: &RunContext, input: &Input, input_sha256: &str) -> Outcome {
    let started = Instant::now();
    let started_at = chrono::Utc::now().timestamp_millis();
    let key = input_key(input);
    let mut row = FileRow {
        file_id: hex::encode(
            &Sha256::digest(
                format!("{}\0{}\0{}", ctx.run_id, input.rel.display(), input_sha256).as_bytes(),
            )[..16],
        ),
        run_id: ctx.run_id.clone(),
        schema_version: SCHEMA_VERSION,
        shard: ctx.shard.clone(),
        input_path: input.rel.to_string_lossy().into_owned(),
        input_sha256: input_sha256.to_string(),
        output_path: None,
        output_sha256: None,
        status: Status::Failed,
        error: None,
        codec: None,
        output_format: None,
        sample_rate: None,
        channels: None,
        duration_ms: None,
        redacted_ms: 0,
        findings: 0,
        model: ctx.model_name.clone(),
        model_sha256: ctx.model_sha256.clone(),
        policy_sha256: ctx.policy_sha256.clone(),
        tool_version: ctx.tool_version.clone(),
        host: ctx.host.clone(),
        user: ctx.user.clone(),
        started_at,
        elapsed_ms: 0,
    };
    let result = run_stages(ctx, input, &key, &mut row);
    row.elapsed_ms = started.elapsed().as_millis() as u64;
    let receipt = match result {
        Ok((redactions, transcripts)) => {
            row.status = Status::Redacted;
            Receipt {
                file: row,
                redactions,
                transcripts,
            }
        }
        Err(_) if ctx.stop.load(Ordering::Relaxed) => return Outcome::Interrupted,
        Err(e) => {
            // Fail closed: whatever output of ours sits at this recording's paths no longer
            // matches it, and must not be mistaken for its redacted version.
            remove_our_outputs(ctx, input, &key);
            row.status = Status::Failed;
            row.error = Some(e);
            row.output_path = None;
            row.output_sha256 = None;
            Receipt {
                file: row,
                redactions: vec![],
                transcripts: vec![],
            }
        }
    };
    if let Err(e) = ctx.state.write_receipt(&receipt) {
        tracing::error!(file = %input.rel.display(), error = %e, "cannot record the result");
        return Outcome::Interrupted;
    }
    if receipt.file.status == Status::Redacted {
        ctx.state.clear_pending(&key);
    }
    Outcome::Done(Box::new(receipt))
}

fn remove_our_outputs(ctx: &RunContext, input: &Input, key: &str) {
    for ext in ["wav", "flac"] {
        let (audio, text) = output_paths(input, ext);
        for rel in [audio, text] {
            let ours = ctx
                .our_outputs
                .contains(&rel.to_string_lossy().into_owned())
                || ctx.state.is_pending(key);
            if ours {
                let _ = std::fs::remove_file(ctx.out.join(&rel));
            }
        }
    }
}

type Rows = (Vec<RedactionRow>, Vec<TranscriptRow>);

fn run_stages(
    ctx: &RunContext,
    input: &Input,
    key: &str,
    row: &mut FileRow,
) -> Result<Rows, String> {
    let p = input.path.display().to_string();
    let mut decoded = decode(&input.path).map_err(|e| e.to_string())?;
    let spec = decoded.spec.clone();
    row.codec = Some(spec.codec.clone());
    row.sample_rate = Some(spec.sample_rate);
    row.channels = Some(spec.channels);
    row.duration_ms = Some(frame_to_ms(Frame(decoded.frames()), spec.sample_rate).0);

    let analysis = analyse(
        &input.path,
        &decoded,
        ctx.model,
        ctx.policy,
        ctx.threads,
        &ctx.stop,
    )?;
    if ctx.stop.load(Ordering::Relaxed) {
        return Err("interrupted".into());
    }
    let output = encode::choose(&input.path, &decoded, ctx.lossy_as).map_err(|source| {
        StageError::Encode {
            path: p.clone(),
            source,
        }
        .to_string()
    })?;
    row.output_format = Some(output.describe());
    let (audio_rel, text_rel) = output_paths(input, output.extension());
    let audio_path = ctx.out.join(&audio_rel);
    let ours = ctx.force
        || ctx.state.is_pending(key)
        || ctx
            .our_outputs
            .contains(&audio_rel.to_string_lossy().into_owned());
    if audio_path.exists() && !ours {
        return Err(StageError::Output {
            path: audio_path.display().to_string(),
            cause: "exists and was not written by callredact; pass --force to overwrite".into(),
        }
        .to_string());
    }
    ctx.state.mark_pending(key).map_err(|e| e.to_string())?;
    // What a run killed while writing this recording left behind.
    let _ = fsio::sweep_temps_for(&audio_path);

    let fill = Fill::from_policy(ctx.policy, spec.sample_rate);
    let io = |e: std::io::Error| {
        StageError::Output {
            path: audio_path.display().to_string(),
            cause: e.to_string(),
        }
        .to_string()
    };
    let mut file = AtomicFile::create(&audio_path).map_err(io)?;
    encode::write(
        &input.path,
        &output,
        &mut decoded,
        &analysis.spans,
        &fill,
        file.file(),
    )
    .map_err(|source| {
        StageError::Encode {
            path: p.clone(),
            source,
        }
        .to_string()
    })?;
    drop(decoded);
    file.commit().map_err(io)?;
    row.output_path = Some(audio_rel.to_string_lossy().into_owned());
    row.output_sha256 = Some(sha256_file(&audio_path).map_err(io)?);

    // The transcript is written after the audio: an existing transcript never describes audio
    // that is not on disk.
    let channels = transcript::redact(
        &analysis.call,
        &analysis.findings,
        &analysis.spans,
        spec.sample_rate,
    );
    let json = serde_json::json!({
        "input_path": row.input_path,
        "input_sha256": row.input_sha256,
        "output_path": row.output_path,
        "duration_ms": row.duration_ms,
        "channels": channels,
        "redactions": analysis.findings.iter().map(|f| serde_json::json!({
            "kind": f.kind.as_str(), "channel": f.channel, "start_ms": f.start.0, "end_ms": f.end.0,
        })).collect::<Vec<_>>(),
    });
    let text_path = ctx.out.join(&text_rel);
    fsio::write_atomic(
        &text_path,
        serde_json::to_string_pretty(&json)
            .unwrap_or_default()
            .as_bytes(),
    )
    .map_err(|e| {
        StageError::Output {
            path: text_path.display().to_string(),
            cause: e.to_string(),
        }
        .to_string()
    })?;

    let rate = spec.sample_rate;
    row.redacted_ms = frame_to_ms(Frame(crate::plan::muted_frames(&analysis.spans)), rate).0;
    row.findings = analysis.findings.len() as u32;
    let redactions = analysis
        .findings
        .iter()
        .map(|f| {
            let (ms, me) = muted_range(&analysis.spans, f, rate);
            RedactionRow {
                file_id: row.file_id.clone(),
                run_id: row.run_id.clone(),
                input_path: row.input_path.clone(),
                input_sha256: row.input_sha256.clone(),
                channel: f.channel,
                kind: f.kind.as_str().to_string(),
                start_ms: f.start.0,
                end_ms: f.end.0,
                muted_start_ms: ms.0,
                muted_end_ms: me.0,
                confidence: f.confidence,
                detector: f.detector.to_string(),
                rule: f.rule.clone(),
                policy_sha256: row.policy_sha256.clone(),
            }
        })
        .collect();
    let mut transcripts = Vec::new();
    for ch in &channels {
        for (i, s) in ch.segments.iter().enumerate() {
            transcripts.push(TranscriptRow {
                file_id: row.file_id.clone(),
                run_id: row.run_id.clone(),
                input_path: row.input_path.clone(),
                input_sha256: row.input_sha256.clone(),
                channel: ch.channel,
                segment: i as u32,
                start_ms: s.start_ms,
                end_ms: s.end_ms,
                text: s.text.clone(),
            });
        }
    }
    Ok((redactions, transcripts))
}

/// The muted stretch that covers a finding on its speaker's channel (the span it was merged
/// into).
fn muted_range(spans: &[Span], f: &Finding, rate: u32) -> (Ms, Ms) {
    spans
        .iter()
        .filter(|s| f.channel.is_none_or(|c| s.channels.contains(&c)))
        .map(|s| (frame_to_ms(s.start, rate), frame_to_ms(s.end, rate)))
        .find(|(s, e)| *s <= f.end && f.start <= *e)
        .unwrap_or((f.start, f.end))
}
