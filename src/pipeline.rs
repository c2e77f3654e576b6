//! One recording through every stage: hash, open, voice activity, transcribe, detect, plan,
//! write, and the receipt that records it.
//!
//! Fails closed, and alone: whatever goes wrong inside one recording's stages (a bad header, a
//! decoder that panics, a full disk, a file that changes while it is read) gives that
//! recording a `failed` row naming the file, the stage and the cause, and no output; any
//! earlier output of ours at its paths is removed, and the batch goes on.

use crate::asr::transcribe::{Model, TranscribeError};
use crate::audio::encode::{self, LossyAs};
use crate::audio::recording::Recording;
use crate::audio::redact::Fill;
use crate::audio::vad::{self, Region};
use crate::batch::audit::{
    FileRow, Receipt, RedactionRow, StageTimes, Status, TranscriptRow, SCHEMA_VERSION,
};
use crate::batch::discover::Input;
use crate::batch::fsio::HashingWriter;
use crate::batch::state::State;
use crate::names::escaped;
use crate::plan::{plan, Layout};
use crate::policy::Policy;
use crate::types::{CallTranscript, ChannelTranscript, Finding, Kind, Role, Span};
use crate::units::{frame_to_ms, Frame, Ms};
use crate::{detect, transcript};
use sha2::{Digest, Sha256};
use std::cell::Cell;
use std::collections::HashSet;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// What every recording in a run shares.
pub struct RunContext<'a> {
    pub model: &'a Model,
    /// The model for the second listen before publishing; None when verification is off.
    pub verify_model: Option<&'a Model>,
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
    /// (input id, audio output path) of every recording earlier runs redacted. The audit
    /// names only the audio output; the transcript beside it was written in the same step,
    /// so an input that redacted to this same audio path owns its transcript path too.
    pub our_inputs: HashSet<(String, String)>,
    pub tool_version: String,
    pub host: String,
    pub user: String,
}

/// How one recording ended.
#[derive(Debug)]
pub enum Outcome {
    Done(Box<Receipt>),
    /// Already redacted with the same input, model and policy.
    Skipped,
    /// Stopped by a signal: nothing written, nothing recorded; the next run does it.
    Interrupted,
}

/// The stages, as the audit's `stage` column names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Input,
    Decode,
    Vad,
    Transcribe,
    Detect,
    Write,
    Verify,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Input => "input",
            Stage::Decode => "decode",
            Stage::Vad => "vad",
            Stage::Transcribe => "transcribe",
            Stage::Detect => "detect",
            Stage::Write => "write",
            Stage::Verify => "verify",
        }
    }
}

/// Why a recording failed: the stage, and a cause that names the file (never a word of what
/// was said in it).
#[derive(Debug)]
pub struct Failure {
    pub stage: &'static str,
    pub cause: String,
    /// Stopped by a signal rather than failed.
    pub interrupted: bool,
}

impl Failure {
    fn at(stage: Stage, cause: impl std::fmt::Display) -> Failure {
        Failure {
            stage: stage.as_str(),
            cause: cause.to_string(),
            interrupted: false,
        }
    }
}

/// The sha256 of a file, answering `stop` between megabytes so a signal during the hashing
/// of a huge input is honoured within moments.
pub fn sha256_file(path: &Path, stop: &AtomicBool) -> std::io::Result<String> {
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        if stop.load(Ordering::Relaxed) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::Interrupted,
                "stopped by a signal",
            ));
        }
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex::encode(h.finalize()))
}

/// The pending-marker key for an input: a hash of its name.
pub fn input_key(input: &Input) -> String {
    hex::encode(&Sha256::digest(input.id.as_bytes())[..16])
}

/// Everything detection and planning learned about a recording, for `inspect` and the writer.
pub struct Analysis {
    pub call: CallTranscript,
    pub voiced: Vec<Vec<Region>>,
    pub findings: Vec<Finding>,
    pub spans: Vec<Span>,
}

/// Transcribes, detects and plans: the read-only half of the pipeline. `name` is the file's
/// escaped name, for errors and warnings; `regions` its channels' voice activity.
#[allow(clippy::too_many_arguments)]
pub fn analyse(
    name: &str,
    rec: &Recording,
    voiced: Vec<Vec<Region>>,
    model: &Model,
    policy: &Policy,
    threads: usize,
    stop: &Arc<AtomicBool>,
    times: &mut StageTimes,
) -> Result<Analysis, Failure> {
    let t = Instant::now();
    let n = rec.channel_count() as usize;
    let mut call = CallTranscript::default();
    let mut unreliable = Vec::new();
    for (c, regions) in voiced.iter().enumerate() {
        let got = model
            .transcribe(rec.channel(c as u16), regions, threads, stop)
            .map_err(|e| Failure {
                interrupted: matches!(e, TranscribeError::Aborted),
                ..Failure::at(Stage::Transcribe, format!("{name}: channel {c}: {e}"))
            })?;
        times.asr.add(&got.cost);
        unreliable.extend(got.unreliable.into_iter().map(|r| (c as u16, r)));
        let role = Role::of_channel(n, c);
        call.channels.push(ChannelTranscript {
            channel: c as u16,
            role,
            words: got.words,
        });
    }
    times.asr_ms += t.elapsed().as_millis() as u64;
    let t = Instant::now();
    let voiced_flat = crate::audio::vad::flatten(&voiced);
    let mut findings = detect::detect(&call, &voiced_flat, &policy.detect, policy);
    // What whisper could not transcribe without looping is muted whole: unknown speech in a
    // call is treated like a number nobody could place.
    for (c, (start, end)) in unreliable {
        let why = "transcript unreliable (repetition loop): muting the stretch";
        tracing::warn!(file = %name, channel = c, start_ms = start.0, end_ms = end.0, "{why}");
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
        rate: rec.spec.sample_rate,
        frames: rec.frames(),
        channels: n as u16,
        voiced: &voiced,
    };
    let spans = plan(&findings, &layout, policy);
    times.detect_ms += t.elapsed().as_millis() as u64;
    Ok(Analysis {
        call,
        voiced,
        findings,
        spans,
    })
}

/// Opens a recording and runs the voice-activity pass over it, checking that the bytes that
/// pass read are the bytes that were hashed.
pub fn open_and_listen(
    name: &str,
    path: &Path,
    policy: &Policy,
    input_sha256: Option<&str>,
    times: &mut StageTimes,
    stage: &Cell<Stage>,
) -> Result<(Recording, Vec<Vec<Region>>), Failure> {
    stage.set(Stage::Decode);
    let t = Instant::now();
    let rec = Recording::open(path, &policy.limits, input_sha256)
        .map_err(|e| Failure::at(Stage::Decode, e))?;
    times.decode_ms += t.elapsed().as_millis() as u64;
    stage.set(Stage::Vad);
    let t = Instant::now();
    let (voiced, scanned) = vad::analyse(&rec).map_err(|e| Failure::at(Stage::Vad, e))?;
    if let (Some(expected), Some(got)) = (input_sha256, scanned) {
        if got != expected {
            return Err(Failure::at(Stage::Vad, changed(name, expected, &got)));
        }
    }
    times.vad_ms += t.elapsed().as_millis() as u64;
    Ok((rec, voiced))
}

fn changed(name: &str, expected: &str, got: &str) -> String {
    format!(
        "{name}: the file changed while it was being read (sha256 {expected} before, {got} \
         now): not publishing audio that may not be what was transcribed"
    )
}

/// Takes one recording through the whole pipeline and writes its receipt. `is_done` says
/// whether a recording with this content hash is already redacted with this model and policy.
pub fn process(ctx: &RunContext, input: &Input, is_done: &dyn Fn(&str) -> bool) -> Outcome {
    let started = Instant::now();
    // Whole seconds: `elapsed_ms` carries the duration, and a start time's milliseconds only
    // add digit runs to the audit that an outside leak scan can mistake for part of a card
    // number ("03:02:40.071" reads as 4007100... beside a PAN holding 400710).
    let started_at = chrono::Utc::now().timestamp() * 1000;
    let key = input_key(input);
    let name = escaped(&input.path);
    let mut times = StageTimes::default();
    let mut row = new_row(ctx, input, started_at);

    let t = Instant::now();
    let sha = if !input.clashes_with.is_empty() {
        Err(Failure::at(
            Stage::Input,
            format!(
                "{name}: its output name clashes with {} (the same name, ignoring case and \
                 extension); rename one of them",
                input.clashes_with.join(", ")
            ),
        ))
    } else {
        sha256_file(&input.path, &ctx.stop).map_err(|e| Failure {
            interrupted: e.kind() == std::io::ErrorKind::Interrupted,
            ..Failure::at(Stage::Input, format!("{name}: cannot read: {e}"))
        })
    };
    times.hash_ms = t.elapsed().as_millis() as u64;
    let result = match sha {
        Ok(sha) => {
            if !ctx.force && is_done(&sha) {
                tracing::debug!(file = %input.id, "already redacted with this model and policy");
                return Outcome::Skipped;
            }
            row.input_sha256 = sha;
            row.file_id = file_id(&ctx.run_id, &input.id, &row.input_sha256);
            let stage = Cell::new(Stage::Decode);
            let run = std::panic::AssertUnwindSafe(|| {
                run_stages(ctx, input, &key, &mut row, &mut times, &stage)
            });
            // The last net, not the first: headers are checked before any decoder sees them,
            // but a panic anywhere in one recording's stages must fail that recording alone.
            match std::panic::catch_unwind(run) {
                Ok(r) => r,
                Err(payload) => Err(Failure {
                    stage: "panic",
                    cause: format!(
                        "{name}: panicked in the {} stage: {}",
                        stage.get().as_str(),
                        panic_message(&payload)
                    ),
                    interrupted: false,
                }),
            }
        }
        Err(f) => Err(f),
    };
    row.elapsed_ms = started.elapsed().as_millis() as u64;
    row.timings = times;
    let receipt = match result {
        Ok((redactions, transcripts)) => {
            row.status = Status::Redacted;
            Receipt {
                file: row,
                redactions,
                transcripts,
            }
        }
        Err(f) if f.interrupted || ctx.stop.load(Ordering::Relaxed) => return Outcome::Interrupted,
        Err(f) => {
            // Fail closed: whatever output of ours sits at this recording's paths no longer
            // matches it, and must not be mistaken for its redacted version. A clash is the
            // exception: the output there belongs to the other recording.
            if input.clashes_with.is_empty() {
                remove_our_outputs(ctx, input, &key);
            }
            row.status = Status::Failed;
            row.stage = Some(f.stage.to_string());
            row.error = Some(f.cause);
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
        tracing::error!(file = %input.id, error = %e, "cannot record the result");
        return Outcome::Interrupted;
    }
    if receipt.file.status == Status::Redacted {
        ctx.state.clear_pending(&key);
    }
    Outcome::Done(Box::new(receipt))
}

fn panic_message(payload: &Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

fn file_id(run_id: &str, id: &str, sha: &str) -> String {
    hex::encode(&Sha256::digest(format!("{run_id}\0{id}\0{sha}").as_bytes())[..16])
}

fn new_row(ctx: &RunContext, input: &Input, started_at: i64) -> FileRow {
    FileRow {
        file_id: file_id(&ctx.run_id, &input.id, ""),
        run_id: ctx.run_id.clone(),
        schema_version: SCHEMA_VERSION,
        shard: ctx.shard.clone(),
        input_path: input.id.clone(),
        input_sha256: String::new(),
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
        stage: None,
        timings: StageTimes::default(),
        verified: "off".into(),
        verify_findings: 0,
    }
}

/// Whether the file at `rel` (one of `input`'s outputs) was written by callredact, so that it
/// may be replaced or removed.
fn ours(ctx: &RunContext, input: &Input, key: &str, rel: &Path) -> bool {
    let audio = input.audio_out.to_string_lossy().into_owned();
    ctx.state.is_pending(key)
        || ctx
            .our_outputs
            .contains(&rel.to_string_lossy().into_owned())
        || (rel == input.text_out && ctx.our_inputs.contains(&(input.id.clone(), audio)))
}

fn remove_our_outputs(ctx: &RunContext, input: &Input, key: &str) {
    for rel in [&input.audio_out, &input.text_out] {
        if ours(ctx, input, key, rel) {
            let _ = std::fs::remove_file(ctx.out.join(rel));
        }
    }
}

type Rows = (Vec<RedactionRow>, Vec<TranscriptRow>);

fn run_stages(
    ctx: &RunContext,
    input: &Input,
    key: &str,
    row: &mut FileRow,
    times: &mut StageTimes,
    stage: &Cell<Stage>,
) -> Result<Rows, Failure> {
    let name = escaped(&input.path);
    let (rec, voiced) = open_and_listen(
        &name,
        &input.path,
        ctx.policy,
        Some(&row.input_sha256),
        times,
        stage,
    )?;
    let spec = rec.spec.clone();
    row.codec = Some(spec.codec.clone());
    row.sample_rate = Some(spec.sample_rate);
    row.channels = Some(spec.channels);
    row.duration_ms = Some(frame_to_ms(Frame(rec.frames()), spec.sample_rate).0);

    stage.set(Stage::Transcribe);
    let analysis = analyse(
        &name,
        &rec,
        voiced,
        ctx.model,
        ctx.policy,
        ctx.threads,
        &ctx.stop,
        times,
    )?;
    if ctx.stop.load(Ordering::Relaxed) {
        return Err(Failure {
            interrupted: true,
            ..Failure::at(Stage::Transcribe, "interrupted")
        });
    }
    stage.set(Stage::Write);
    let t = Instant::now();
    let rows = write_outputs(ctx, input, key, &name, &rec, &analysis, row, times, stage)?;
    times.write_ms += t.elapsed().as_millis() as u64;
    times.write_ms = times.write_ms.saturating_sub(times.verify_ms);
    Ok(rows)
}

/// Writes the redacted audio, then the transcript, each through the staging folder, and
/// builds the audit rows. With verification on, the audio is listened to again in its temp
/// file and published only if no sensitive digits are still audible.
#[allow(clippy::too_many_arguments)]
fn write_outputs(
    ctx: &RunContext,
    input: &Input,
    key: &str,
    name: &str,
    rec: &Recording,
    analysis: &Analysis,
    row: &mut FileRow,
    times: &mut StageTimes,
    stage: &Cell<Stage>,
) -> Result<Rows, Failure> {
    let fail = |cause: String| Failure::at(Stage::Write, cause);
    let output = encode::choose(rec, ctx.lossy_as);
    if output.extension() != input.extension {
        return Err(fail(format!(
            "{name}: decoded as {} but its output was named .{} from its first bytes: \
             refusing to guess",
            output.describe(),
            input.extension
        )));
    }
    row.output_format = Some(output.describe());
    let audio_path = ctx.out.join(&input.audio_out);
    let text_path = ctx.out.join(&input.text_out);
    for (rel, path) in [
        (&input.audio_out, &audio_path),
        (&input.text_out, &text_path),
    ] {
        if std::fs::symlink_metadata(path).is_ok() && !ctx.force && !ours(ctx, input, key, rel) {
            return Err(fail(format!(
                "{}: exists and was not written by callredact; pass --force to overwrite",
                escaped(path)
            )));
        }
    }
    ctx.state
        .mark_pending(key)
        .map_err(|e| fail(format!("{name}: {e}")))?;

    let fill = Fill::from_policy(ctx.policy, rec.spec.sample_rate);
    let out_err = |e: &dyn std::fmt::Display| fail(format!("{}: {e}", escaped(&audio_path)));
    let mut file = ctx
        .state
        .staging
        .create(&audio_path)
        .map_err(|e| out_err(&e))?;
    let (written, copied) = {
        let mut w = HashingWriter::new(BufWriter::with_capacity(1 << 20, file.file()));
        let copied = encode::write(rec, &output, &analysis.spans, &fill, &mut w)
            .and_then(|c| w.flush().map(|_| c).map_err(Into::into));
        (w.sha256(), copied)
    };
    let copied = copied.map_err(|e| out_err(&e))?;
    // The writer read the input once more as it copied: it must still be the file that was
    // hashed and transcribed, or the temp file is dropped unpublished.
    if let Some(got) = copied {
        if got != row.input_sha256 {
            return Err(fail(changed(name, &row.input_sha256, &got)));
        }
    }
    if let Some(model) = ctx.verify_model {
        stage.set(Stage::Verify);
        let t = Instant::now();
        file.file().sync_all().map_err(|e| out_err(&e))?;
        let p = ctx.policy;
        let heard = crate::verify::listen_again(
            file.temp_path(),
            model,
            (&p.limits, &p.detect, &p.verify),
            ctx.threads,
            &ctx.stop,
        );
        times.verify_ms += t.elapsed().as_millis() as u64;
        let heard = heard.map_err(|e| Failure::at(Stage::Verify, format!("{name}: {e}")))?;
        row.verify_findings = heard.len() as u32;
        if !heard.is_empty() {
            row.verified = "failed".into();
            let what: Vec<String> = heard.iter().take(5).map(|a| a.to_string()).collect();
            let more = heard.len().saturating_sub(5);
            return Err(Failure::at(
                Stage::Verify,
                format!(
                    "{name}: not published: the second listen found {}{}",
                    what.join("; "),
                    if more > 0 {
                        format!("; and {more} more")
                    } else {
                        String::new()
                    }
                ),
            ));
        }
        row.verified = "passed".into();
        stage.set(Stage::Write);
    }
    file.commit().map_err(|e| out_err(&e))?;
    row.output_path = Some(input.audio_out.to_string_lossy().into_owned());
    row.output_sha256 = Some(written);

    // The transcript is written after the audio: an existing transcript never describes
    // audio that is not on disk.
    let rate = rec.spec.sample_rate;
    let channels = transcript::redact(&analysis.call, &analysis.findings, &analysis.spans, rate);
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
    let text = serde_json::to_string_pretty(&json).unwrap_or_default();
    ctx.state
        .staging
        .write_atomic(&text_path, text.as_bytes())
        .map_err(|e| fail(format!("{}: {e}", escaped(&text_path))))?;

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
