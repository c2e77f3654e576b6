//! Audio in and out: decoding to per-channel samples, resampling for Whisper, voice activity,
//! the redaction envelope, and writing the redacted recording.

pub mod decode;
pub mod encode;
pub mod limits;
pub mod mp4;
pub mod recording;
pub mod redact;
pub mod resample;
pub mod vad;
pub mod wav;
