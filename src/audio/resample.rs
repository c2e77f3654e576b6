//! Resampling one channel to Whisper's 16 kHz with rubato, delay-compensated so that sample i of
//! the output sits at the same instant as sample i * rate_in / 16000 of the input.

use rubato::{FftFixedIn, Resampler};

pub const WHISPER_RATE: u32 = 16_000;

#[derive(Debug, thiserror::Error)]
pub enum ResampleError {
    #[error("cannot resample from {rate} Hz: {cause}")]
    Setup { rate: u32, cause: String },
    #[error("resampling failed: {0}")]
    Process(String),
}

/// Input frames per FFT chunk: large enough to be efficient, small enough that the working
/// buffers stay a few hundred KiB whatever the call length.
const CHUNK_IN: usize = 4096;

/// Resamples `input` (one channel at `rate` Hz) to 16 kHz. The output has exactly
/// ceil(len * 16000 / rate) samples.
pub fn to_16k(input: &[f32], rate: u32) -> Result<Vec<f32>, ResampleError> {
    if rate == WHISPER_RATE || input.is_empty() {
        return Ok(input.to_vec());
    }
    let want = (input.len() as u128 * WHISPER_RATE as u128).div_ceil(rate as u128) as usize;
    let mut rs = FftFixedIn::<f32>::new(rate as usize, WHISPER_RATE as usize, CHUNK_IN, 2, 1)
        .map_err(|e| ResampleError::Setup {
            rate,
            cause: e.to_string(),
        })?;
    let delay = rs.output_delay();
    let mut out = Vec::with_capacity(want + delay + rs.output_frames_max());
    let mut outbuf = rs.output_buffer_allocate(true);
    let mut pos = 0;
    while input.len() - pos >= rs.input_frames_next() {
        let n = rs.input_frames_next();
        let (_, produced) = rs
            .process_into_buffer(&[&input[pos..pos + n]], &mut outbuf, None)
            .map_err(|e| ResampleError::Process(e.to_string()))?;
        out.extend_from_slice(&outbuf[0][..produced]);
        pos += n;
    }
    // The tail, then silence until the resampler's delay line has been flushed. An empty
    // tail (input an exact multiple of the chunk) is refused by rubato as a short buffer.
    let tail = &input[pos..];
    if !tail.is_empty() {
        let (_, produced) = rs
            .process_partial_into_buffer(Some(&[tail]), &mut outbuf, None)
            .map_err(|e| ResampleError::Process(e.to_string()))?;
        out.extend_from_slice(&outbuf[0][..produced]);
    }
    while out.len() < want + delay {
        let (_, produced) = rs
            .process_partial_into_buffer(None::<&[&[f32]]>, &mut outbuf, None)
            .map_err(|e| ResampleError::Process(e.to_string()))?;
        if produced == 0 {
            break;
        }
        out.extend_from_slice(&outbuf[0][..produced]);
    }
    out.drain(..delay.min(out.len()));
    out.resize(want, 0.0);
    Ok(out)
}

/// Mixes channels to mono by averaging, for voice-activity checks across a whole call.
pub fn mix(channels: &[Vec<f32>]) -> Vec<f32> {
    let n = channels.first().map(|c| c.len()).unwrap_or(0);
    let k = channels.len().max(1) as f32;
    (0..n)
        .map(|i| channels.iter().map(|c| c[i]).sum::<f32>() / k)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(rate: u32, hz: f32, secs: f32) -> Vec<f32> {
        (0..(rate as f32 * secs) as usize)
            .map(|i| (2.0 * std::f32::consts::PI * hz * i as f32 / rate as f32).sin() * 0.5)
            .collect()
    }

    #[test]
    fn length_is_exact_for_telephony_rates() {
        for rate in [8000, 11025, 22050, 44100, 48000] {
            let x = vec![0.1f32; rate as usize * 3 + 7];
            let y = to_16k(&x, rate).unwrap();
            let want = ((x.len() as u64 * 16000).div_ceil(rate as u64)) as usize;
            assert_eq!(y.len(), want, "rate {rate}");
        }
    }

    #[test]
    fn input_an_exact_multiple_of_the_chunk_resamples() {
        // Regression: a chunk of exactly 4096 frames left an empty tail, which rubato refused,
        // and a whole recording failed with "Insufficient buffer size 0".
        for n in [CHUNK_IN, 2 * CHUNK_IN, 3 * CHUNK_IN] {
            let x = vec![0.1f32; n];
            assert_eq!(to_16k(&x, 8000).unwrap().len(), 2 * n);
        }
    }

    #[test]
    fn sixteen_k_passes_through_untouched() {
        let x = tone(16000, 440.0, 0.5);
        assert_eq!(to_16k(&x, 16000).unwrap(), x);
    }

    #[test]
    fn a_burst_stays_at_the_same_time() {
        // A click at 1.000 s in 8 kHz audio must peak within 1 ms of 1.000 s at 16 kHz.
        let mut x = vec![0.0f32; 16000];
        for s in x.iter_mut().skip(8000).take(40) {
            *s = 0.9;
        }
        let y = to_16k(&x, 8000).unwrap();
        let first_loud = y.iter().position(|v| v.abs() > 0.3).unwrap();
        assert!(
            (first_loud as i64 - 16000).abs() <= 16,
            "burst moved to {first_loud}"
        );
    }

    #[test]
    fn empty_input_gives_empty_output() {
        assert!(to_16k(&[], 8000).unwrap().is_empty());
    }
}
