//! callredact: finds spoken payment-card data and personal details in call recordings and mutes
//! them. The tree is the pipeline, and data flows one way through it:
//!
//! - `batch`: discover the inputs, keep the run's state and audit, run the loop;
//! - `audio`: decode, resample, voice activity, redact, encode;
//! - `asr`: transcription with whisper.cpp, and the model importer;
//! - `detect`: sensitive values in the words;
//! - `plan`: findings to muted sample ranges; `transcript`: the redacted text;
//! - `verify`: a second listen to the redacted audio before it is published;
//! - `pipeline`: one recording through every stage;
//! - `report`: the static review pages built from an output folder.

pub mod asr;
pub mod audio;
pub mod batch;
pub mod detect;
pub mod names;
pub mod pipeline;
pub mod plan;
pub mod policy;
pub mod report;
pub mod score;
pub mod transcript;
pub mod types;
pub mod units;
pub mod verify;
