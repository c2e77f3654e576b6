//! Time units: milliseconds for words, findings and the audit; sample frames at a given rate for
//! audio. Conversions live here and nowhere else, so a frame count is never read as milliseconds.

use serde::{Deserialize, Serialize};

/// Milliseconds from the start of a recording.
///
/// u64 because a frame index at 48 kHz times 1000 overflows u32 after 25 hours, and an audit
/// row must never wrap.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Ms(pub u64);

impl Ms {
    pub const ZERO: Ms = Ms(0);

    pub fn saturating_sub(self, other: Ms) -> Ms {
        Ms(self.0.saturating_sub(other.0))
    }

    pub fn seconds(self) -> f64 {
        self.0 as f64 / 1000.0
    }
}

impl std::ops::Add for Ms {
    type Output = Ms;
    fn add(self, rhs: Ms) -> Ms {
        Ms(self.0.saturating_add(rhs.0))
    }
}

/// A sample frame index (one sample per channel) at some sample rate.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Frame(pub u64);

/// The frame at which `ms` starts, rounded down: a span's start must never move later.
pub fn frame_floor(ms: Ms, rate: u32) -> Frame {
    // u128: ms * rate overflows u64 only past ~12 million years at 48 kHz, but costs nothing.
    Frame(((ms.0 as u128 * rate as u128) / 1000) as u64)
}

/// The first frame at or after `ms`, rounded up: a span's end must never move earlier.
pub fn frame_ceil(ms: Ms, rate: u32) -> Frame {
    Frame(((ms.0 as u128 * rate as u128).div_ceil(1000)) as u64)
}

/// The time at which frame `f` starts, rounded down.
pub fn frame_to_ms(f: Frame, rate: u32) -> Ms {
    Ms(((f.0 as u128 * 1000) / rate.max(1) as u128) as u64)
}

/// Whisper reports times in centiseconds.
pub fn from_centis(cs: i64) -> Ms {
    Ms((cs.max(0) as u64) * 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floor_and_ceil_bracket_the_instant() {
        assert_eq!(frame_floor(Ms(1), 8000), Frame(8));
        assert_eq!(frame_ceil(Ms(1), 8000), Frame(8));
        assert_eq!(frame_floor(Ms(1), 44100), Frame(44));
        assert_eq!(frame_ceil(Ms(1), 44100), Frame(45));
        assert_eq!(frame_floor(Ms::ZERO, 16000), Frame(0));
    }

    #[test]
    fn frame_to_ms_rounds_down() {
        assert_eq!(frame_to_ms(Frame(44099), 44100), Ms(999));
        assert_eq!(frame_to_ms(Frame(44100), 44100), Ms(1000));
        assert_eq!(
            frame_to_ms(Frame(u64::MAX / 1000), 8000),
            Ms(u64::MAX / 1000 / 8)
        );
    }

    #[test]
    fn huge_times_do_not_overflow() {
        let f = frame_ceil(Ms(u64::MAX / 48_000), 48_000);
        assert!(f.0 > 0);
    }

    #[test]
    fn centiseconds_clamp_negative_to_zero() {
        assert_eq!(from_centis(-3), Ms(0));
        assert_eq!(from_centis(123), Ms(1230));
    }
}
