//! The callredact command line: flags, exit codes, logging and signals; the pipeline lives in
//! the library.
//!
//! Exit codes: 0 every recording redacted or already done; 1 some recording failed or the run
//! was stopped by a signal; 2 bad usage or set-up (no model, unreadable policy, locked output).

use anyhow::Context;
use callredact::audio::encode::LossyAs;
use callredact::batch::discover::{Root, Shard};
use callredact::batch::{self, Options};
use callredact::policy::{Policy, DEFAULT_POLICY_TOML};
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "callredact",
    version,
    about = "Mute spoken card data and personal details in call recordings"
)]
struct Cli {
    /// Log format on stderr.
    #[arg(long, value_enum, default_value_t = LogFormat::Text, global = true)]
    log_format: LogFormat,
    /// More log detail (-v: per-file debug events).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Redact every recording under the inputs into --out.
    Run(RunArgs),
    /// Show what would be muted in one recording, and why (values masked), without writing.
    Inspect {
        file: PathBuf,
        /// A whisper.cpp ggml model file (default: see `run --help`).
        #[arg(long)]
        model: Option<PathBuf>,
        #[arg(long)]
        policy: Option<PathBuf>,
        #[arg(long, default_value_t = default_threads())]
        threads: usize,
    },
    /// Write OUT/report/: a static review page per call and an index, from the audit and the
    /// redacted outputs only. Opens offline, from file:// or any static file server.
    Report {
        /// An output folder of `callredact run`.
        out: PathBuf,
    },
    /// Print the default policy (TOML), to start your own from.
    Policy,
    /// Manage Whisper model files.
    Model {
        #[command(subcommand)]
        command: ModelCommand,
    },
}

#[derive(clap::Args)]
struct RunArgs {
    /// Files or folders of recordings, walked recursively. Outputs keep each one's label: a
    /// folder's own name, a file's folder's name, or LABEL=PATH to choose it.
    #[arg(required = true, value_parser = parse_root)]
    inputs: Vec<Root>,
    /// Output folder: redacted/, transcripts/ and audit/ are created inside it.
    #[arg(short, long)]
    out: PathBuf,
    /// A whisper.cpp ggml model file. Default: $CALLREDACT_MODEL, then
    /// ~/.local/share/callredact/models/ggml-tiny.en.bin, then the checkout's models/.
    #[arg(long)]
    model: Option<PathBuf>,
    /// Policy file (TOML); the built-in default when absent.
    #[arg(long)]
    policy: Option<PathBuf>,
    /// Recordings processed at once.
    #[arg(short, long)]
    jobs: Option<usize>,
    /// Whisper threads per recording.
    #[arg(long)]
    threads: Option<usize>,
    /// Take only shard K of N (K from 0), by a stable hash of each file's relative path.
    #[arg(long, value_parser = Shard::parse)]
    shard: Option<Shard>,
    /// Redo recordings already redacted with the same input, model and policy, and overwrite
    /// outputs not written by callredact.
    #[arg(long)]
    force: bool,
    /// Output format for lossy inputs (MP3, OGG, M4A).
    #[arg(long, value_enum, default_value_t = LossyAs::Wav)]
    lossy_format: LossyAs,
    /// Follow symbolic links inside the input folders (never out of them).
    #[arg(long)]
    follow_symlinks: bool,
    /// Write Prometheus text-format metrics here at the end of the run.
    #[arg(long)]
    metrics_file: Option<PathBuf>,
    /// No progress bar, even on a terminal.
    #[arg(long)]
    no_progress: bool,
    /// Listen to each redacted recording again before publishing it, and fail it closed if a
    /// card number, security code or long run of digits is still audible (also [verify] in
    /// the policy).
    #[arg(long)]
    verify: bool,
    /// A second model for the verification (base, for a second opinion); implies --verify.
    #[arg(long)]
    verify_model: Option<PathBuf>,
    /// At the end of the run, write OUT/report/ as `callredact report OUT` does.
    #[arg(long)]
    report: bool,
}

#[derive(Subcommand)]
enum ModelCommand {
    /// Convert a CTranslate2 (faster-whisper) model directory to whisper.cpp's ggml format.
    Import {
        /// Directory holding model.bin, config.json and vocabulary.txt.
        ct2_dir: PathBuf,
        /// The ggml file to write.
        #[arg(short, long)]
        out: PathBuf,
        /// Store the big matrices in one of ggml's block formats, as whisper.cpp's `quantize`
        /// does: smaller and faster on CPU. Without it they are f16.
        #[arg(long, value_enum)]
        quantize: Option<Quantize>,
    },
}

fn parse_root(arg: &str) -> Result<Root, String> {
    Root::parse(arg).map_err(|e| e.to_string())
}

#[derive(Clone, Copy, ValueEnum)]
enum Quantize {
    #[value(name = "q8_0")]
    Q8_0,
    #[value(name = "q5_1")]
    Q5_1,
}

fn default_threads() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    init_logging(cli.log_format, cli.verbose);
    // A panic is caught per recording and recorded as its failure; this hook only keeps it to
    // one log line (no backtrace on stderr between the batch's lines).
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        tracing::error!(at = %at, "panic: {}", panic_text(info.payload()));
    }));
    match try_main(cli) {
        Ok(code) => code,
        Err(err) => {
            tracing::error!("{err:#}");
            ExitCode::from(2)
        }
    }
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

fn init_logging(format: LogFormat, verbose: u8) {
    let level = match verbose {
        0 => tracing::Level::INFO,
        _ => tracing::Level::DEBUG,
    };
    let builder = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(level)
        .with_target(false);
    match format {
        LogFormat::Json => builder.json().flatten_event(true).init(),
        LogFormat::Text => builder
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .init(),
    }
}

fn load_policy(path: &Option<PathBuf>) -> anyhow::Result<Policy> {
    Ok(match path {
        Some(p) => Policy::load(p)?,
        None => Policy::builtin(),
    })
}

fn try_main(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Model {
            command:
                ModelCommand::Import {
                    ct2_dir,
                    out,
                    quantize,
                },
        } => {
            use callredact::asr::model::{import_with, Weights};
            let weights = match quantize {
                None => Weights::F16,
                Some(Quantize::Q8_0) => Weights::Q8_0,
                Some(Quantize::Q5_1) => Weights::Q5_1,
            };
            let report = import_with(&ct2_dir, &out, weights)
                .with_context(|| format!("importing {}", ct2_dir.display()))?;
            println!("wrote {}: {report}", out.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Policy => {
            print!("{DEFAULT_POLICY_TOML}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Inspect {
            file,
            model,
            policy,
            threads,
        } => inspect(file, model, policy, threads),
        Command::Run(args) => run(args),
        Command::Report { out } => {
            report(&out)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Writes the review pages for `out` and says where they are.
fn report(out: &std::path::Path) -> anyhow::Result<()> {
    let w = callredact::report::write(out).context("writing the report")?;
    println!(
        "report: {} ({} calls, {} pages{})",
        w.index.display(),
        w.calls,
        w.pages,
        if w.no_waveform > 0 {
            format!(", {} without a waveform", w.no_waveform)
        } else {
            String::new()
        }
    );
    Ok(())
}

fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    let policy = load_policy(&args.policy)?;
    batch::check_out_dir(&args.out).map_err(anyhow::Error::msg)?;
    let model = callredact::asr::locate::model_path(args.model.as_deref())?;
    let verify_model = match (&args.verify_model, args.verify || policy.verify.enabled) {
        (Some(p), _) => Some(callredact::asr::locate::model_path(Some(p))?),
        (None, true) => Some(model.clone()),
        (None, false) => None,
    };
    let cores = default_threads();
    // Whisper scales sub-linearly with threads, so on a many-core box several recordings at
    // once beat one recording on every core; two threads each is the measured sweet spot.
    let jobs = args.jobs.unwrap_or((cores / 2).max(1));
    let threads = args.threads.unwrap_or((cores / jobs).max(1));
    let stop = Arc::new(AtomicBool::new(false));
    {
        let stop = Arc::clone(&stop);
        // SIGINT/SIGTERM: stop taking recordings, abort whisper in flight, drop unfinished
        // outputs, write the audit for what finished, exit 1. A second signal kills at once.
        let _ = ctrlc::set_handler(move || {
            if stop.swap(true, Ordering::SeqCst) {
                // Exiting at once skips every Drop: take the half-written temp files first.
                callredact::batch::fsio::remove_staging();
                std::process::exit(130);
            }
            eprintln!("callredact: stopping: finishing the audit for completed recordings");
        });
    }
    let opts = Options {
        inputs: args.inputs,
        out: args.out,
        model_path: model,
        verify_model,
        policy,
        jobs,
        threads_per_job: threads,
        shard: args.shard.unwrap_or(Shard::ALL),
        force: args.force,
        lossy_as: args.lossy_format,
        follow_symlinks: args.follow_symlinks,
        progress: !args.no_progress,
        stop: Arc::clone(&stop),
    };
    let summary = batch::run(&opts)?;
    if let Some(p) = &args.metrics_file {
        callredact::batch::metrics::write(p, &summary.metrics)
            .with_context(|| format!("{}: cannot write metrics", p.display()))?;
    }
    for (file, err) in &summary.failures {
        tracing::error!(file = %file, error = %err, "not redacted");
    }
    tracing::info!(run_id = %summary.run_id, "{}", summary.line());
    println!("{}", summary.line());
    // After the audit is written, so the report shows this run; a run stopped by a signal
    // still gets one, as it still gets its metrics.
    if args.report {
        report(&opts.out)?;
    }
    Ok(if summary.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Shows findings by kind, channel, time and rule: never the words themselves.
fn inspect(
    file: PathBuf,
    model: Option<PathBuf>,
    policy: Option<PathBuf>,
    threads: usize,
) -> anyhow::Result<ExitCode> {
    use callredact::pipeline::{analyse, open_and_listen, Stage};
    let policy = load_policy(&policy)?;
    let model = callredact::asr::locate::model_path(model.as_deref())?;
    let model = callredact::asr::transcribe::Model::load(&model)?;
    let name = callredact::names::escaped(&file);
    let stop = Arc::new(AtomicBool::new(false));
    let mut times = Default::default();
    let stage = std::cell::Cell::new(Stage::Decode);
    let found = open_and_listen(&name, &file, &policy, None, &mut times, &stage).and_then(
        |(rec, voiced)| {
            analyse(
                &name, &rec, voiced, &model, &policy, threads, &stop, &mut times,
            )
            .map(|a| (rec, a))
        },
    );
    let (rec, a) = match found {
        Ok(x) => x,
        Err(e) => {
            tracing::error!(stage = e.stage, "{}", e.cause);
            return Ok(ExitCode::from(1));
        }
    };
    let spec = &rec.spec;
    println!(
        "{name}: {} {} Hz x{} {:.1} s",
        spec.codec,
        spec.sample_rate,
        spec.channels,
        rec.frames() as f64 / spec.sample_rate as f64
    );
    for (c, ch) in a.call.channels.iter().enumerate() {
        let voiced: u64 = a.voiced[c].iter().map(|r| r.end.0 - r.start.0).sum();
        println!(
            "  channel {c} ({:?}): {} words, {:.1} s voiced",
            ch.role,
            ch.words.len(),
            voiced as f64 / 1000.0
        );
    }
    println!("findings:");
    for f in &a.findings {
        let ch = f
            .channel
            .map(|c| c.to_string())
            .unwrap_or_else(|| "-".into());
        println!(
            "  {:<15} ch {ch} {:>8.2}-{:<8.2} conf {:.2}  {} ({})",
            f.kind.as_str(),
            f.start.seconds(),
            f.end.seconds(),
            f.confidence,
            f.detector,
            f.rule
        );
    }
    println!("muted:");
    for s in &a.spans {
        let r = spec.sample_rate as f64;
        let kinds: Vec<&str> = s.kinds.iter().map(|k| k.as_str()).collect();
        println!(
            "  {:>8.2}-{:<8.2} channels {:?} {}",
            s.start.0 as f64 / r,
            s.end.0 as f64 / r,
            s.channels,
            kinds.join(",")
        );
    }
    let transcript =
        callredact::transcript::redact(&a.call, &a.findings, &a.spans, spec.sample_rate);
    println!("transcript (redacted):");
    for ch in transcript {
        for seg in ch.segments {
            println!(
                "  [{}] {:>7.2} {}",
                ch.channel,
                seg.start_ms as f64 / 1000.0,
                seg.text
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
