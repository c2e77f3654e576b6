//! ggml's block quantisation formats, as whisper.cpp's `quantize` tool writes them.
//!
//! The encoders follow ggml's reference rows (`quantize_row_q8_0_ref`, `quantize_row_q5_1_ref`
//! in `ggml/src/ggml-quants.c`) operation for operation, in f32, so a model quantised here has
//! the same bytes as one quantised by whisper.cpp: the reference rows are the ones ggml itself
//! uses without an importance matrix, "for deterministic creation of model files".

use half::f16;

/// Values per block, for both formats (`QK8_0`, `QK5_1` in `ggml-common.h`).
pub const QK: usize = 32;

/// `block_q8_0`: an f16 scale `d`, then 32 signed bytes; value `i` is `qs[i] * d`.
pub const Q8_0_BLOCK_BYTES: usize = 2 + QK;
/// `block_q5_1`: f16 scale `d`, f16 minimum `m`, a 32-bit word `qh` holding each value's fifth
/// bit, then 16 bytes of low nibbles; value `i` is `q[i] * d + m` with `q[i]` in `0..32`.
pub const Q5_1_BLOCK_BYTES: usize = 2 + 2 + 4 + QK / 2;

/// Appends one `block_q8_0` for 32 values.
pub fn q8_0_block(x: &[f32; QK], out: &mut Vec<u8>) {
    let start = out.len();
    // ggml's MAX macro, `a > b ? a : b`, kept as is so a NaN compares the way it does there.
    let amax = x
        .iter()
        .fold(0.0f32, |a, v| if a > v.abs() { a } else { v.abs() });
    let d = amax / 127.0;
    let id = if d != 0.0 { 1.0 / d } else { 0.0 };
    out.extend_from_slice(&f16::from_f32(d).to_le_bytes());
    // roundf rounds halves away from zero, as f32::round does; |x * id| <= 127 here.
    out.extend(x.iter().map(|v| (v * id).round() as i8 as u8));
    debug_assert_eq!(out.len() - start, Q8_0_BLOCK_BYTES);
}

/// Appends one `block_q5_1` for 32 values. Element `j` of the first half and `j + 16` share
/// `qs[j]` (low and high nibble); their fifth bits go to bits `j` and `j + 16` of `qh`.
pub fn q5_1_block(x: &[f32; QK], out: &mut Vec<u8>) {
    let start = out.len();
    let (mut min, mut max) = (f32::MAX, -f32::MAX);
    for &v in x {
        if v < min {
            min = v;
        }
        if v > max {
            max = v;
        }
    }
    let d = (max - min) / 31.0;
    let id = if d != 0.0 { 1.0 / d } else { 0.0 };
    out.extend_from_slice(&f16::from_f32(d).to_le_bytes());
    out.extend_from_slice(&f16::from_f32(min).to_le_bytes());
    // The scale and minimum are rounded to f16 for storage, but the codes are computed from
    // their f32 values, as ggml does. `x - min >= 0`, so truncating `+ 0.5` rounds to nearest.
    let code = |v: f32| ((v - min) * id + 0.5) as u8;
    let mut qh = 0u32;
    let mut qs = [0u8; QK / 2];
    for j in 0..QK / 2 {
        let (lo, hi) = (code(x[j]), code(x[j + QK / 2]));
        qs[j] = (lo & 0x0F) | ((hi & 0x0F) << 4);
        qh |= u32::from((lo & 0x10) >> 4) << j;
        qh |= u32::from((hi & 0x10) >> 4) << (j + QK / 2);
    }
    out.extend_from_slice(&qh.to_le_bytes());
    out.extend_from_slice(&qs);
    debug_assert_eq!(out.len() - start, Q5_1_BLOCK_BYTES);
}

/// The 32 values a `block_q8_0` stands for (ggml's `dequantize_row_q8_0`).
#[cfg(test)]
pub fn q8_0_decode(b: &[u8]) -> [f32; QK] {
    let d = f16::from_le_bytes([b[0], b[1]]).to_f32();
    std::array::from_fn(|i| f32::from(b[2 + i] as i8) * d)
}

/// The 32 values a `block_q5_1` stands for (ggml's `dequantize_row_q5_1`).
#[cfg(test)]
pub fn q5_1_decode(b: &[u8]) -> [f32; QK] {
    let d = f16::from_le_bytes([b[0], b[1]]).to_f32();
    let m = f16::from_le_bytes([b[2], b[3]]).to_f32();
    let qh = u32::from_le_bytes([b[4], b[5], b[6], b[7]]);
    let qs = &b[8..8 + QK / 2];
    std::array::from_fn(|i| {
        let (j, nibble) = if i < QK / 2 {
            (i, qs[i] & 0x0F)
        } else {
            (i - QK / 2, qs[i - QK / 2] >> 4)
        };
        let high = ((qh >> (j + if i < QK / 2 { 0 } else { QK / 2 })) & 1) as u8;
        f32::from(nibble | (high << 4)) * d + m
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(f: impl Fn(usize) -> f32) -> [f32; QK] {
        std::array::from_fn(f)
    }

    fn q8(x: &[f32; QK]) -> Vec<u8> {
        let mut v = Vec::new();
        q8_0_block(x, &mut v);
        assert_eq!(v.len(), Q8_0_BLOCK_BYTES);
        v
    }

    fn q5(x: &[f32; QK]) -> Vec<u8> {
        let mut v = Vec::new();
        q5_1_block(x, &mut v);
        assert_eq!(v.len(), Q5_1_BLOCK_BYTES);
        v
    }

    /// A deterministic spread of values like a weight matrix's: mostly small, a few large.
    fn noise(seed: u64, n: usize) -> Vec<f32> {
        let mut s = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        (0..n)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                let u = (s >> 11) as f32 / (1u64 << 53) as f32 - 0.5;
                u * u * u * 8.0 + u * 0.1
            })
            .collect()
    }

    #[test]
    fn q8_0_bytes_for_a_simple_ramp() {
        // amax 127 gives d = 1 exactly, so every value is its own code.
        let x = block(|i| i as f32 * 8.0 - 127.0);
        let b = q8(&x);
        assert_eq!(&b[..2], &[0x00, 0x3C], "d = 1.0 as f16 (0x3C00)");
        let want: Vec<u8> = (0..QK).map(|i| (i as i32 * 8 - 127) as i8 as u8).collect();
        assert_eq!(&b[2..], &want[..]);
        assert_eq!(q8_0_decode(&b), x);
    }

    #[test]
    fn q8_0_rounds_halves_away_from_zero() {
        // d = 2, so 1, 3, -1, -3 sit exactly half-way between codes.
        let mut x = [0.0f32; QK];
        x[0] = 254.0;
        x[1..5].copy_from_slice(&[1.0, 3.0, -1.0, -3.0]);
        let b = q8(&x);
        assert_eq!(&b[..2], &f16::from_f32(2.0).to_le_bytes());
        assert_eq!(&b[2..7], &[127, 1, 2, (-1i8) as u8, (-2i8) as u8]);
    }

    #[test]
    fn zero_blocks_encode_as_zeros() {
        assert_eq!(q8(&[0.0; QK]), vec![0; Q8_0_BLOCK_BYTES]);
        assert_eq!(q5(&[0.0; QK]), vec![0; Q5_1_BLOCK_BYTES]);
        // A constant block has d = 0: every code is 0 and the value is the minimum.
        let b = q5(&[0.75; QK]);
        assert_eq!(&b[..4], &[0, 0, 0x00, 0x3A], "d = 0, m = 0.75 (0x3A00)");
        assert!(b[4..].iter().all(|&v| v == 0));
        assert_eq!(q5_1_decode(&b), [0.75; QK]);
    }

    #[test]
    fn q5_1_bytes_for_a_simple_ramp() {
        // Values 0..31 then 31..0: min 0, max 31, d = 1, codes equal to the values.
        let x = block(|i| {
            if i < 16 {
                i as f32
            } else {
                (31 - (i - 16)) as f32
            }
        });
        let b = q5(&x);
        assert_eq!(&b[..4], &[0x00, 0x3C, 0x00, 0x00], "d = 1.0, m = 0.0");
        // Fifth bits: none in the first half (0..16), all in the second (31..16).
        assert_eq!(&b[4..8], &0xFFFF_0000u32.to_le_bytes());
        let want: Vec<u8> = (0..16)
            .map(|j| (j as u8) | (((31 - j) as u8 & 0x0F) << 4))
            .collect();
        assert_eq!(&b[8..], &want[..]);
        assert_eq!(q5_1_decode(&b), x);
    }

    #[test]
    fn q5_1_fifth_bits_land_on_their_own_positions() {
        // Only element 3 (first half) and element 16 + 9 (second half) reach code 31.
        let mut x = [0.0f32; QK];
        x[3] = 31.0;
        x[16 + 9] = 31.0;
        let b = q5(&x);
        assert_eq!(
            u32::from_le_bytes([b[4], b[5], b[6], b[7]]),
            (1 << 3) | (1 << 25)
        );
        assert_eq!(b[8 + 3], 0x0F);
        assert_eq!(b[8 + 9], 0xF0);
    }

    /// The formats' own error bounds: q8_0 is within half a step of `amax / 127` (plus the
    /// scale's f16 rounding, at most 2^-11 relative, times the largest code); q5_1 within half
    /// a step of `(max - min) / 31` plus the f16 rounding of the minimum and the step.
    #[test]
    fn decoded_blocks_are_within_the_formats_error_bounds() {
        let data = noise(7, QK * 4000);
        for (k, chunk) in data.chunks_exact(QK).enumerate() {
            let x: [f32; QK] = chunk.try_into().expect("32 values");
            let amax = x.iter().fold(0.0f32, |a, v| a.max(v.abs()));
            let step = amax / 127.0;
            let bound = step * 0.5 + amax * 2f32.powi(-11) + 1e-7;
            for (i, (a, b)) in x.iter().zip(q8_0_decode(&q8(&x))).enumerate() {
                assert!(
                    (a - b).abs() <= bound,
                    "q8_0 block {k} value {i}: {a} -> {b}"
                );
            }
            let (lo, hi) = x
                .iter()
                .fold((f32::MAX, f32::MIN), |(l, h), &v| (l.min(v), h.max(v)));
            let step = (hi - lo) / 31.0;
            let bound = step * 0.5 + (hi - lo + lo.abs()) * 2f32.powi(-11) + 1e-7;
            for (i, (a, b)) in x.iter().zip(q5_1_decode(&q5(&x))).enumerate() {
                assert!(
                    (a - b).abs() <= bound,
                    "q5_1 block {k} value {i}: {a} -> {b}"
                );
            }
        }
    }

    /// ggml is linked into this crate (whisper-rs builds it), so the encoders are checked
    /// against the very code whisper.cpp would quantise with: `ggml_quantize_chunk` with no
    /// importance matrix, which calls the reference rows. whisper-rs only re-exports its raw
    /// bindings behind a feature, so the one function is declared here, as in `ggml.h`.
    mod ggml {
        use std::os::raw::{c_int, c_void};
        /// `enum ggml_type` values (`ggml.h`).
        pub const Q5_1: c_int = 7;
        pub const Q8_0: c_int = 8;
        extern "C" {
            pub fn ggml_quantize_chunk(
                ty: c_int,
                src: *const f32,
                dst: *mut c_void,
                start: i64,
                nrows: i64,
                n_per_row: i64,
                imatrix: *const f32,
            ) -> usize;
        }
    }

    fn ggml_quantize(ty: std::os::raw::c_int, x: &[f32]) -> Vec<u8> {
        let block = if ty == ggml::Q8_0 {
            Q8_0_BLOCK_BYTES
        } else {
            Q5_1_BLOCK_BYTES
        };
        let mut out = vec![0u8; x.len() / QK * block];
        // SAFETY: `x` holds one row of `x.len()` floats and `out` the bytes of `x.len() / 32`
        // blocks of `ty`; ggml writes nothing else. A null imatrix selects the reference rows.
        let n = unsafe {
            ggml::ggml_quantize_chunk(
                ty,
                x.as_ptr(),
                out.as_mut_ptr().cast(),
                0,
                1,
                x.len() as i64,
                std::ptr::null(),
            )
        };
        assert_eq!(n, out.len());
        out
    }

    fn ours(enc: fn(&[f32; QK], &mut Vec<u8>), x: &[f32]) -> Vec<u8> {
        let mut v = Vec::new();
        for c in x.chunks_exact(QK) {
            enc(c.try_into().expect("32 values"), &mut v);
        }
        v
    }

    #[test]
    fn encoders_match_ggml_byte_for_byte() {
        let mut cases = vec![noise(1, QK * 20_000), noise(2, QK * 20_000)];
        // Values exact in f16 (as a float16 model's are), subnormal scales, huge ones, ties.
        cases.push(
            noise(3, QK * 20_000)
                .into_iter()
                .map(|v| f16::from_f32(v).to_f32())
                .collect(),
        );
        cases.push(noise(4, QK * 2000).into_iter().map(|v| v * 1e-6).collect());
        cases.push(noise(5, QK * 2000).into_iter().map(|v| v * 3e4).collect());
        cases.push((0..QK * 500).map(|i| (i % 61) as f32 - 30.0).collect());
        cases.push((0..QK * 500).map(|i| ((i * 7) % 64) as f32 * 0.5).collect());
        for (n, x) in cases.iter().enumerate() {
            for (name, ty, enc) in [
                (
                    "q8_0",
                    ggml::Q8_0,
                    q8_0_block as fn(&[f32; QK], &mut Vec<u8>),
                ),
                ("q5_1", ggml::Q5_1, q5_1_block),
            ] {
                let (want, got) = (ggml_quantize(ty, x), ours(enc, x));
                if let Some(i) = want.iter().zip(&got).position(|(a, b)| a != b) {
                    panic!("{name}, case {n}: first difference at byte {i}");
                }
                assert_eq!(want.len(), got.len());
            }
        }
    }
}
