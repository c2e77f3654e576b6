//! The mel filterbank whisper.cpp reads from the model file: Slaney mel scale with Slaney
//! (unit-area) normalisation, the same arithmetic as
//! `librosa.filters.mel(sr=16000, n_fft=400, n_mels=80)` that OpenAI's `mel_filters.npz` holds.

const F_SP: f64 = 200.0 / 3.0;
const MIN_LOG_HZ: f64 = 1000.0;
const MIN_LOG_MEL: f64 = MIN_LOG_HZ / F_SP;

fn logstep() -> f64 {
    6.4f64.ln() / 27.0
}

fn hz_to_mel(f: f64) -> f64 {
    if f >= MIN_LOG_HZ {
        MIN_LOG_MEL + (f / MIN_LOG_HZ).ln() / logstep()
    } else {
        f / F_SP
    }
}

fn mel_to_hz(m: f64) -> f64 {
    if m >= MIN_LOG_MEL {
        MIN_LOG_HZ * (logstep() * (m - MIN_LOG_MEL)).exp()
    } else {
        F_SP * m
    }
}

/// `n_mels` rows of `n_fft / 2 + 1` weights, row-major.
///
/// The order of operations follows librosa and numpy (`linspace` as `i * step + start`, the
/// triangle stored as f32 before the normalising multiply). Checked once against librosa's code
/// run with numpy: every value of the 80- and 128-band tables matched bit for bit, except that
/// numpy's first value is -0.0 where ours is 0.0.
pub fn filterbank(sr: f64, n_fft: usize, n_mels: usize) -> Vec<f32> {
    let n_bins = n_fft / 2 + 1;
    if n_mels == 0 || n_fft == 0 {
        return Vec::new();
    }
    let fft_freqs: Vec<f64> = (0..n_bins)
        .map(|i| i as f64 * (sr / n_fft as f64))
        .collect();
    let (lo, hi) = (hz_to_mel(0.0), hz_to_mel(sr / 2.0));
    let n_pts = n_mels + 2;
    let step = (hi - lo) / (n_pts - 1) as f64;
    let mel_f: Vec<f64> = (0..n_pts)
        .map(|i| {
            if i == n_pts - 1 {
                hi
            } else {
                i as f64 * step + lo
            }
        })
        .map(mel_to_hz)
        .collect();
    let mut w = vec![0f32; n_mels * n_bins];
    for i in 0..n_mels {
        let enorm = 2.0 / (mel_f[i + 2] - mel_f[i]);
        let (d0, d1) = (mel_f[i + 1] - mel_f[i], mel_f[i + 2] - mel_f[i + 1]);
        for (j, f) in fft_freqs.iter().enumerate() {
            let lower = -(mel_f[i] - f) / d0;
            let upper = (mel_f[i + 2] - f) / d1;
            let tri = lower.min(upper).max(0.0) as f32;
            w[i * n_bins + j] = (tri as f64 * enorm) as f32;
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    const BINS: usize = 201;

    #[test]
    fn matches_librosa_bit_for_bit_at_reference_points() {
        // Computed once with numpy from librosa 0.10's filters.mel source (float32 output):
        // (row, bin, f32 bits).
        let reference = [
            (0, 1, 1019980964u32),
            (0, 2, 0),
            (1, 2, 1018912149),
            (39, 43, 970052865),
            (79, 199, 971720554),
            (79, 200, 0),
        ];
        let w = filterbank(16000.0, 400, 80);
        assert_eq!(w.len(), 80 * BINS);
        for (i, j, bits) in reference {
            assert_eq!(
                w[i * BINS + j].to_bits(),
                bits,
                "row {i} bin {j}: {}",
                w[i * BINS + j]
            );
        }
        // Whole-table checksum from the same computation.
        let sum: f64 = w.iter().map(|v| *v as f64).sum();
        assert!((sum - 1.999_024_152_755_737_3).abs() < 1e-5, "{sum}");
    }

    #[test]
    fn each_filter_is_one_triangle_with_slaney_area() {
        let w = filterbank(16000.0, 400, 80);
        let mut last_peak = 0;
        for i in 0..80 {
            let row = &w[i * BINS..(i + 1) * BINS];
            let nz: Vec<usize> = (0..BINS).filter(|j| row[*j] > 0.0).collect();
            assert!(!nz.is_empty(), "row {i} empty");
            assert_eq!(
                nz[nz.len() - 1] - nz[0] + 1,
                nz.len(),
                "row {i} not contiguous"
            );
            let peak = (0..BINS).fold(0, |best, j| if row[j] > row[best] { j } else { best });
            // Rises to its peak then falls: one triangle.
            assert!(
                row[nz[0]..=peak].windows(2).all(|p| p[0] <= p[1]),
                "row {i} not rising"
            );
            assert!(
                row[peak..=nz[nz.len() - 1]]
                    .windows(2)
                    .all(|p| p[0] >= p[1]),
                "row {i} not falling"
            );
            assert!(peak >= last_peak, "row {i} peak moved down");
            last_peak = peak;
            // Slaney normalisation makes each triangle's area in Hz about 1 (bins are 40 Hz
            // apart); the narrow low filters are sampled too coarsely for the sum to show it.
            let area: f32 = row.iter().sum::<f32>() * 40.0;
            assert!(i < 10 || (area - 1.0).abs() < 0.1, "row {i} area {area}");
        }
    }

    #[test]
    fn other_sizes_have_their_shape() {
        assert_eq!(filterbank(16000.0, 400, 128).len(), 128 * BINS);
        assert!(filterbank(16000.0, 400, 0).is_empty());
    }
}
