//! The callredact command line: flags, exit codes and progress; the pipeline lives in the library.

use anyhow::Context;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "callredact", version, about = "Mute spoken card data and personal details in call recordings")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Manage Whisper model files.
    Model {
        #[command(subcommand)]
        command: ModelCommand,
    },
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
    },
}

fn main() -> ExitCode {
    match try_main() {
        Ok(code) => code,
        Err(err) => {
            eprintln!("callredact: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn try_main() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    match cli.command {
        Command::Model { command: ModelCommand::Import { ct2_dir, out } } => {
            let report = callredact::model::import(&ct2_dir, &out)
                .with_context(|| format!("importing {}", ct2_dir.display()))?;
            println!("wrote {}: {report}", out.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}
