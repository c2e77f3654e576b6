//! What a recording may claim before it is refused: the policy's `[limits]`. They bound the
//! cost of a hostile or broken file (a header claiming 4 GB, a stream that never ends) and of
//! a real one far outside what a contact centre records, so that one file can never take the
//! machine's memory or the night's time from the rest of the batch.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// The longest recording taken, in seconds (default 4 hours). Longer ones fail before any
    /// decoding: a call is rarely over an hour, and a 10-hour file is more likely a recorder
    /// left running than a call.
    pub max_duration_s: u64,
    /// The most channels (default 8). Telephony is mono or stereo; conference bridges may
    /// record a channel per leg.
    pub max_channels: u16,
    /// Sample rates outside this range are refused (default 4 kHz to 192 kHz): below it there
    /// is no speech band to transcribe, above it no recorder we know of.
    pub min_sample_rate: u32,
    pub max_sample_rate: u32,
    /// The most audio one compressed recording (FLAC, MP3, Ogg, M4A, ADPCM WAV) may decode
    /// to, in MiB of f32 samples (default 2048). Such a recording is decoded a block at a time
    /// on each pass and never held whole, so since issue 13 this bounds the time a pass takes,
    /// not memory; the name and the unit stay so that existing policies keep their meaning.
    pub max_decoded_mib: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_duration_s: 4 * 3600,
            max_channels: 8,
            min_sample_rate: 4_000,
            max_sample_rate: 192_000,
            max_decoded_mib: 2048,
        }
    }
}

impl Limits {
    pub fn check_format(&self, rate: u32, channels: u16) -> Result<(), String> {
        if channels == 0 || channels > self.max_channels {
            return Err(format!(
                "{channels} channels (limits.max_channels is {})",
                self.max_channels
            ));
        }
        if rate < self.min_sample_rate || rate > self.max_sample_rate {
            return Err(format!(
                "sample rate {rate} Hz (limits allow {} to {} Hz)",
                self.min_sample_rate, self.max_sample_rate
            ));
        }
        Ok(())
    }

    pub fn check_duration(&self, frames: u64, rate: u32) -> Result<(), String> {
        let secs = frames / rate.max(1) as u64;
        if secs > self.max_duration_s {
            return Err(format!(
                "{secs} s of audio (limits.max_duration_s is {})",
                self.max_duration_s
            ));
        }
        Ok(())
    }

    /// Decoded f32 samples for `frames` frames of `channels` channels, against
    /// `max_decoded_mib`.
    pub fn check_memory(&self, frames: u64, channels: u16) -> Result<(), String> {
        let mib = frames.saturating_mul(channels as u64).saturating_mul(4) >> 20;
        if mib > self.max_decoded_mib {
            return Err(format!(
                "decoding would take {mib} MiB (limits.max_decoded_mib is {})",
                self.max_decoded_mib
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn telephony_passes_and_nonsense_is_named() {
        let l = Limits::default();
        assert!(l.check_format(8_000, 2).is_ok());
        assert!(l.check_format(48_000, 1).is_ok());
        assert!(l.check_format(0, 1).unwrap_err().contains("0 Hz"));
        assert!(l.check_format(8_000, 0).unwrap_err().contains("0 channels"));
        assert!(l
            .check_format(8_000, 9)
            .unwrap_err()
            .contains("max_channels"));
        assert!(l.check_format(1_000_000, 1).is_err());
    }

    #[test]
    fn ten_hours_is_over_the_default_and_two_is_not() {
        let l = Limits::default();
        assert!(l.check_duration(2 * 3600 * 8_000, 8_000).is_ok());
        assert!(l.check_duration(10 * 3600 * 8_000, 8_000).is_err());
        assert!(l.check_memory(4 * 3600 * 48_000, 2).is_err());
        assert!(l.check_memory(3600 * 8_000, 2).is_ok());
        // No overflow, whatever a header claims.
        assert!(l.check_memory(u64::MAX, u16::MAX).is_err());
        assert!(l.check_duration(u64::MAX, 1).is_err());
    }
}
