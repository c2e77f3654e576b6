//! A whole run over a folder: lock the output, fold in what a killed run left, discover, skip
//! what is done, redact the rest in parallel, write the audit, summarise.

pub mod audit;
pub mod discover;
pub mod fsio;
pub mod metrics;
pub mod state;

use crate::asr::transcribe::Model;
use crate::audio::encode::LossyAs;
use crate::batch::audit::{Receipt, StageTimes, Status};
use crate::batch::discover::{check_roots, discover, Input, Root, Shard};
use crate::batch::metrics::RunMetrics;
use crate::batch::state::State;
use crate::pipeline::{self, Outcome, RunContext};
use crate::policy::Policy;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    #[error(transparent)]
    State(#[from] crate::batch::state::StateError),
    #[error(transparent)]
    Discover(#[from] crate::batch::discover::DiscoverError),
    #[error(transparent)]
    Model(#[from] crate::asr::transcribe::TranscribeError),
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot start worker threads: {0}")]
    Threads(String),
}

pub struct Options {
    pub inputs: Vec<Root>,
    pub out: PathBuf,
    pub model_path: PathBuf,
    /// Verify each recording before publishing it, with this model (the run's own when it is
    /// the same file).
    pub verify_model: Option<PathBuf>,
    pub policy: Policy,
    pub jobs: usize,
    pub threads_per_job: usize,
    pub shard: Shard,
    pub force: bool,
    pub lossy_as: LossyAs,
    pub follow_symlinks: bool,
    pub progress: bool,
    pub stop: Arc<AtomicBool>,
}

#[derive(Debug, Default)]
pub struct Summary {
    pub run_id: String,
    pub metrics: RunMetrics,
    /// (input path, error) of each failed recording.
    pub failures: Vec<(String, String)>,
    /// Stage times of the recordings redacted, summed over recordings (and so over jobs).
    pub stages: StageTimes,
    /// Recordings that passed the second listen.
    pub verified: u64,
}

impl Summary {
    pub fn ok(&self) -> bool {
        self.metrics.failed == 0 && self.metrics.interrupted == 0
    }

    pub fn line(&self) -> String {
        let m = &self.metrics;
        let muted: f64 = m.muted_seconds_by_kind.values().sum();
        format!(
            "files: {} redacted, {} skipped, {} failed{}; audio {:.2} h; muted {:.1} min; wall {:.1} s",
            m.redacted,
            m.skipped,
            m.failed,
            if m.interrupted > 0 { format!(", {} interrupted", m.interrupted) } else { String::new() },
            m.audio_seconds / 3600.0,
            muted / 60.0,
            m.duration_seconds
        ) + &if self.verified > 0 {
            format!("; {} verified", self.verified)
        } else {
            String::new()
        } + &format!("; stages {}", self.stages.line())
    }
}

fn host() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: gethostname writes at most buf.len() bytes into our buffer.
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr() as *mut libc::c_char, buf.len()) };
    if rc != 0 {
        return "unknown".into();
    }
    let n = buf.iter().position(|b| *b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

fn user() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| {
            // SAFETY: getuid cannot fail.
            format!("uid:{}", unsafe { libc::getuid() })
        })
}

pub fn new_run_id() -> String {
    format!(
        "{}-{:05x}",
        chrono::Utc::now().format("%Y%m%dT%H%M%SZ"),
        std::process::id() & 0xFFFFF
    )
}

/// Runs a batch. Errors here are set-up errors (exit 2); per-file failures are in the summary.
pub fn run(opts: &Options) -> Result<Summary, BatchError> {
    let t0 = Instant::now();
    // Refused before any side effect: no output folder, lock or marker is made for a run
    // whose output would land inside its own input.
    check_roots(&opts.inputs, &opts.out)?;
    let io = |source| BatchError::Io {
        path: crate::names::escaped(&opts.out),
        source,
    };
    crate::batch::fsio::create_dir_all(&opts.out).map_err(io)?;
    crate::batch::fsio::tighten_dir(&opts.out).map_err(io)?;
    let shard_label = opts.shard.label();
    let (state, _lock) = State::open(&opts.out, &shard_label, opts.shard.count > 1)?;
    let run_id = new_run_id();
    let mut summary = Summary {
        run_id: run_id.clone(),
        ..Default::default()
    };

    // A run killed after finishing some recordings left their receipts: fold them in first,
    // so this run sees them as done.
    let recovered = state.consolidate(&format!("{run_id}-{shard_label}-recovered"))?;
    if recovered > 0 {
        tracing::info!(rows = recovered, "recovered results of an interrupted run");
    }

    let all = match discover(
        &opts.inputs,
        &opts.out,
        opts.follow_symlinks,
        opts.lossy_as,
        &opts.stop,
    ) {
        Ok(all) => all,
        Err(crate::batch::discover::DiscoverError::Interrupted) => {
            summary.metrics.interrupted = 1;
            summary.metrics.duration_seconds = t0.elapsed().as_secs_f64();
            return Ok(summary);
        }
        Err(e) => return Err(e.into()),
    };
    let inputs: Vec<Input> = all
        .into_iter()
        .filter(|i| opts.shard.takes(&i.id))
        .collect();
    if opts.stop.load(Ordering::Relaxed) {
        summary.metrics.interrupted = inputs.len().max(1) as u64;
        return Ok(summary);
    }
    let model = Model::load(&opts.model_path)?;
    let second = match &opts.verify_model {
        Some(p) if *p != opts.model_path => Some(Model::load(p)?),
        _ => None,
    };
    let verify_model = match (&opts.verify_model, &second) {
        (Some(_), Some(m)) => Some(m),
        (Some(_), None) => Some(&model),
        (None, _) => None,
    };
    let model_sha256 =
        pipeline::sha256_file(&opts.model_path, &opts.stop).map_err(|source| BatchError::Io {
            path: crate::names::escaped(&opts.model_path),
            source,
        })?;
    let model_name = opts
        .model_path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let policy_sha256 = opts.policy.sha256();

    let done_rows = state.done()?;
    let our_outputs: HashSet<String> = done_rows.iter().map(|(_, o)| o.clone()).collect();
    let our_inputs: HashSet<(String, String)> = done_rows
        .iter()
        .map(|((input, ..), o)| (input.clone(), o.clone()))
        .collect();
    let done: HashMap<_, String> = done_rows.into_iter().collect();

    let ctx = RunContext {
        model: &model,
        verify_model,
        model_name,
        model_sha256,
        policy: &opts.policy,
        policy_sha256,
        run_id: run_id.clone(),
        shard: shard_label.clone(),
        out: opts.out.clone(),
        lossy_as: opts.lossy_as,
        threads: opts.threads_per_job,
        force: opts.force,
        stop: Arc::clone(&opts.stop),
        state: &state,
        our_outputs,
        our_inputs,
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        host: host(),
        user: user(),
    };

    let bar = progress_bar(opts.progress, inputs.len() as u64);
    let audio_done = Mutex::new(0f64);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs.max(1))
        .build()
        .map_err(|e| BatchError::Threads(e.to_string()))?;
    let results: Vec<Outcome> = pool.install(|| {
        inputs
            .par_iter()
            .map(|input| {
                if ctx.stop.load(Ordering::Relaxed) {
                    return Outcome::Interrupted;
                }
                let is_done = |sha: &str| {
                    let key = (
                        input.id.clone(),
                        sha.to_string(),
                        ctx.model_sha256.clone(),
                        ctx.policy_sha256.clone(),
                    );
                    done.get(&key)
                        .is_some_and(|out| ctx.out.join(out).is_file())
                };
                let r = pipeline::process(&ctx, input, &is_done);
                if let Outcome::Done(rec) = &r {
                    let secs = rec.file.duration_ms.unwrap_or(0) as f64 / 1000.0;
                    let mut a = audio_done.lock().unwrap_or_else(|e| e.into_inner());
                    *a += secs;
                    let rate = *a / t0.elapsed().as_secs_f64().max(1e-3);
                    bar.set_message(format!(
                        "{:.1} audio min, {:.1}x real time",
                        *a / 60.0,
                        rate
                    ));
                    log_outcome(rec);
                }
                bar.inc(1);
                r
            })
            .collect()
    });
    bar.finish_and_clear();

    let mut by_kind: BTreeMap<String, f64> = BTreeMap::new();
    for r in results {
        match r {
            Outcome::Done(rec) => match rec.file.status {
                Status::Redacted => {
                    summary.metrics.redacted += 1;
                    summary.verified += (rec.file.verified == "passed") as u64;
                    summary.metrics.audio_seconds +=
                        rec.file.duration_ms.unwrap_or(0) as f64 / 1000.0;
                    summary.stages.add(&rec.file.timings);
                    for red in &rec.redactions {
                        *by_kind.entry(red.kind.clone()).or_default() +=
                            (red.muted_end_ms.saturating_sub(red.muted_start_ms)) as f64 / 1000.0;
                    }
                }
                Status::Failed => {
                    summary.metrics.failed += 1;
                    summary.failures.push((
                        rec.file.input_path.clone(),
                        rec.file.error.clone().unwrap_or_default(),
                    ));
                }
            },
            Outcome::Skipped => summary.metrics.skipped += 1,
            Outcome::Interrupted => summary.metrics.interrupted += 1,
        }
    }
    summary.metrics.muted_seconds_by_kind = by_kind;
    state.consolidate(&format!("{run_id}-{shard_label}"))?;
    summary.metrics.duration_seconds = t0.elapsed().as_secs_f64();
    if summary.ok() {
        summary.metrics.success_at = Some(chrono::Utc::now().timestamp());
    }
    Ok(summary)
}

fn log_outcome(rec: &Receipt) {
    let f = &rec.file;
    match f.status {
        Status::Redacted => tracing::info!(
            file = %f.input_path,
            status = "redacted",
            findings = f.findings,
            muted_ms = f.redacted_ms,
            duration_ms = f.duration_ms.unwrap_or(0),
            elapsed_ms = f.elapsed_ms,
            "done"
        ),
        Status::Failed => {
            let error = f.error.as_deref().unwrap_or("");
            tracing::error!(file = %f.input_path, status = "failed", error, "failed")
        }
    }
}

fn progress_bar(enabled: bool, len: u64) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(
        Some(len),
        if enabled && std::io::stderr().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        },
    );
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} files, {msg} (ETA {eta})",
    ) {
        bar.set_style(style);
    }
    bar
}

/// Whether `path` is a folder we may write outputs into: not inside any input.
pub fn check_out_dir(out: &Path) -> Result<(), String> {
    if out.exists() && !out.is_dir() {
        return Err(format!(
            "{}: --out exists and is not a folder",
            out.display()
        ));
    }
    Ok(())
}
