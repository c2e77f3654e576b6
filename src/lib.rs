//! callredact: finds spoken payment-card data and personal details in call recordings and mutes
//! them. One module per pipeline stage; `pipeline` wires them for one recording and `batch` for
//! a folder.

pub mod detect;
pub mod model;
pub mod policy;
pub mod types;
pub mod units;
pub mod decode;
pub mod encode;
pub mod fsio;
pub mod plan;
pub mod redact;
pub mod resample;
pub mod transcribe;
pub mod vad;
pub mod wav;
pub mod audit;
pub mod discover;
pub mod state;
pub mod transcript;
pub mod pipeline;
pub mod batch;
pub mod metrics;
