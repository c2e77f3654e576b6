//! Speech recognition: transcription with whisper.cpp (`transcribe`), and the importer that
//! converts a CTranslate2 Whisper model into whisper.cpp's ggml format (`model`).

pub mod locate;
pub mod model;
pub mod transcribe;
