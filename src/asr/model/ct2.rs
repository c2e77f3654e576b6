//! Reader for CTranslate2's `model.bin` (format version 6): a spec name, then named variables
//! with rank, shape, dtype and raw little-endian data, then aliases.

use super::ModelError;
use std::collections::BTreeMap;

/// Storage type of a variable in model.bin, by its code there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DType {
    F32,
    I8,
    I16,
    I32,
    F16,
    BF16,
}

impl DType {
    fn from_code(code: u8) -> Option<DType> {
        Some(match code {
            0 => DType::F32,
            1 => DType::I8,
            2 => DType::I16,
            3 => DType::I32,
            4 => DType::F16,
            5 => DType::BF16,
            _ => return None,
        })
    }

    fn width(self) -> usize {
        match self {
            DType::I8 => 1,
            DType::I16 | DType::F16 | DType::BF16 => 2,
            DType::F32 | DType::I32 => 4,
        }
    }

    pub fn is_float(self) -> bool {
        matches!(self, DType::F32 | DType::F16 | DType::BF16)
    }
}

/// One variable with its values widened to f32 (scalars included), shape row-major.
#[derive(Clone, Debug, PartialEq)]
pub struct Tensor {
    pub shape: Vec<usize>,
    pub dtype: DType,
    pub data: Vec<f32>,
}

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
    path: &'a str,
}

impl<'a> Reader<'a> {
    fn err(&self, what: &str) -> ModelError {
        ModelError::Format {
            path: self.path.to_string(),
            message: format!("{what} (at byte {})", self.pos),
        }
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], ModelError> {
        let end = match self.pos.checked_add(n) {
            Some(end) if end <= self.b.len() => end,
            _ => {
                return Err(self.err(&format!(
                    "truncated: wanted {n} more bytes, file has {}",
                    self.b.len() - self.pos
                )))
            }
        };
        let s = &self.b[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], ModelError> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }

    fn u8(&mut self) -> Result<u8, ModelError> {
        Ok(self.array::<1>()?[0])
    }

    fn u16(&mut self) -> Result<u16, ModelError> {
        Ok(u16::from_le_bytes(self.array()?))
    }

    fn u32(&mut self) -> Result<u32, ModelError> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    /// A u16-length string whose bytes end with a NUL.
    fn string(&mut self) -> Result<String, ModelError> {
        let n = self.u16()? as usize;
        let s = self.take(n)?;
        let s = s.strip_suffix(&[0]).unwrap_or(s);
        String::from_utf8(s.to_vec()).map_err(|_| self.err("a name is not UTF-8"))
    }
}

fn widen(dtype: DType, raw: &[u8]) -> Vec<f32> {
    match dtype {
        DType::F32 => raw
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect(),
        DType::I8 => raw.iter().map(|v| *v as i8 as f32).collect(),
        DType::I16 => raw
            .chunks_exact(2)
            .map(|c| i16::from_le_bytes([c[0], c[1]]) as f32)
            .collect(),
        DType::I32 => raw
            .chunks_exact(4)
            .map(|c| i32::from_le_bytes([c[0], c[1], c[2], c[3]]) as f32)
            .collect(),
        DType::F16 => raw
            .chunks_exact(2)
            .map(|c| half::f16::from_le_bytes([c[0], c[1]]).to_f32())
            .collect(),
        DType::BF16 => raw
            .chunks_exact(2)
            .map(|c| half::bf16::from_le_bytes([c[0], c[1]]).to_f32())
            .collect(),
    }
}

/// Parses a whole model.bin into its variables by name. `path` only names the file in errors.
pub fn parse(bytes: &[u8], path: &str) -> Result<BTreeMap<String, Tensor>, ModelError> {
    let mut r = Reader {
        b: bytes,
        pos: 0,
        path,
    };
    let version = r.u32()?;
    if version != 6 {
        return Err(r.err(&format!(
            "not a CTranslate2 model.bin of format version 6 (found version {version})"
        )));
    }
    let spec = r.string()?;
    if !spec.starts_with("Whisper") {
        return Err(r.err(&format!("not a Whisper model (spec {spec:?})")));
    }
    let _revision = r.u32()?;
    let n = r.u32()?;
    let mut vars = BTreeMap::new();
    for _ in 0..n {
        let name = r.string()?;
        let rank = r.u8()? as usize;
        let mut shape = Vec::with_capacity(rank);
        for _ in 0..rank {
            shape.push(r.u32()? as usize);
        }
        let code = r.u8()?;
        let dtype = DType::from_code(code)
            .ok_or_else(|| r.err(&format!("variable {name}: unknown dtype {code}")))?;
        let n_bytes = r.u32()? as usize;
        let count = shape.iter().try_fold(1usize, |acc, d| acc.checked_mul(*d));
        if count.and_then(|c| c.checked_mul(dtype.width())) != Some(n_bytes) {
            return Err(r.err(&format!(
                "variable {name}: {n_bytes} bytes do not fit shape {shape:?} of {dtype:?}"
            )));
        }
        let raw = r.take(n_bytes)?;
        if vars
            .insert(
                name.clone(),
                Tensor {
                    shape,
                    dtype,
                    data: widen(dtype, raw),
                },
            )
            .is_some()
        {
            return Err(r.err(&format!("variable {name} appears twice")));
        }
    }
    // Aliases (the output projection shares the token embedding) need nothing from us, since
    // whisper.cpp ties the two itself; reading them still proves the file is whole.
    let n_aliases = r.u32()?;
    for _ in 0..n_aliases {
        let (alias, target) = (r.string()?, r.string()?);
        if !vars.contains_key(&target) {
            return Err(r.err(&format!("alias {alias} names a missing variable {target}")));
        }
    }
    if r.pos != bytes.len() {
        return Err(r.err(&format!(
            "{} unexpected bytes after the last alias",
            bytes.len() - r.pos
        )));
    }
    Ok(vars)
}

/// Builds a model.bin: the tests' way to make a tiny model without Python. Floats are written
/// as `dtype` (F32 or F16), integers as given; aliases are (alias, target) pairs.
#[cfg(test)]
pub fn write(vars: &[(String, Vec<usize>, DType, Vec<f32>)], aliases: &[(&str, &str)]) -> Vec<u8> {
    let mut b = Vec::new();
    let s = |b: &mut Vec<u8>, t: &str| {
        b.extend_from_slice(&((t.len() + 1) as u16).to_le_bytes());
        b.extend_from_slice(t.as_bytes());
        b.push(0);
    };
    b.extend_from_slice(&6u32.to_le_bytes());
    s(&mut b, "WhisperSpec");
    b.extend_from_slice(&3u32.to_le_bytes());
    b.extend_from_slice(&(vars.len() as u32).to_le_bytes());
    for (name, shape, dtype, data) in vars {
        s(&mut b, name);
        b.push(shape.len() as u8);
        for d in shape {
            b.extend_from_slice(&(*d as u32).to_le_bytes());
        }
        let code = [
            DType::F32,
            DType::I8,
            DType::I16,
            DType::I32,
            DType::F16,
            DType::BF16,
        ]
        .iter()
        .position(|d| d == dtype)
        .unwrap_or(0);
        b.push(code as u8);
        b.extend_from_slice(&((data.len() * dtype.width()) as u32).to_le_bytes());
        for v in data {
            match dtype {
                DType::F32 => b.extend_from_slice(&v.to_le_bytes()),
                DType::F16 => b.extend_from_slice(&half::f16::from_f32(*v).to_le_bytes()),
                DType::BF16 => b.extend_from_slice(&half::bf16::from_f32(*v).to_le_bytes()),
                DType::I8 => b.push(*v as i8 as u8),
                DType::I16 => b.extend_from_slice(&(*v as i16).to_le_bytes()),
                DType::I32 => b.extend_from_slice(&(*v as i32).to_le_bytes()),
            }
        }
    }
    b.extend_from_slice(&(aliases.len() as u32).to_le_bytes());
    for (alias, target) in aliases {
        s(&mut b, alias);
        s(&mut b, target);
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<u8> {
        write(
            &[
                (
                    "a/weight".into(),
                    vec![2, 3],
                    DType::F16,
                    vec![0.5, -1.0, 2.0, 0.25, 0.0, 65504.0],
                ),
                ("a/bias".into(), vec![2], DType::F32, vec![1.5, -2.5]),
                ("b/bf".into(), vec![1], DType::BF16, vec![3.0]),
                ("encoder/num_heads".into(), vec![], DType::I16, vec![6.0]),
                ("decoder/activation".into(), vec![], DType::I8, vec![3.0]),
            ],
            &[("a/alias", "a/weight")],
        )
    }

    #[test]
    fn reads_what_was_written() {
        let vars = parse(&sample(), "model.bin").expect("valid model");
        assert_eq!(vars.len(), 5);
        let w = &vars["a/weight"];
        assert_eq!(
            (w.shape.as_slice(), w.dtype),
            (&[2usize, 3][..], DType::F16)
        );
        assert_eq!(w.data, vec![0.5, -1.0, 2.0, 0.25, 0.0, 65504.0]);
        assert_eq!(vars["a/bias"].data, vec![1.5, -2.5]);
        assert_eq!(vars["b/bf"].data, vec![3.0]);
        assert_eq!(
            (
                vars["encoder/num_heads"].shape.len(),
                vars["encoder/num_heads"].data[0]
            ),
            (0, 6.0)
        );
        assert_eq!(vars["decoder/activation"].dtype, DType::I8);
    }

    #[test]
    fn every_truncation_is_a_format_error() {
        let full = sample();
        for len in 0..full.len() {
            match parse(&full[..len], "model.bin") {
                Err(ModelError::Format { path, .. }) => assert_eq!(path, "model.bin"),
                other => panic!("prefix of {len} bytes: {other:?}"),
            }
        }
        let mut longer = full.clone();
        longer.push(0);
        assert!(matches!(
            parse(&longer, "m"),
            Err(ModelError::Format { .. })
        ));
    }

    #[test]
    fn garbage_and_corruption_are_format_errors() {
        let garbage: Vec<u8> = (0..4096u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        assert!(matches!(
            parse(&garbage, "m"),
            Err(ModelError::Format { .. })
        ));
        let mut wrong_version = sample();
        wrong_version[0] = 5;
        let e = parse(&wrong_version, "m").unwrap_err().to_string();
        assert!(e.contains("version 5"), "{e}");
        // Every single-byte corruption either still parses or is a Format error: never a panic.
        let full = sample();
        for i in 0..full.len() {
            for v in [0u8, 0xFF, 0x7F] {
                let mut bad = full.clone();
                bad[i] = v;
                if let Err(e) = parse(&bad, "m") {
                    assert!(matches!(e, ModelError::Format { .. }), "{e}");
                }
            }
        }
    }

    #[test]
    fn huge_shapes_do_not_overflow() {
        let mut b = Vec::new();
        b.extend_from_slice(&6u32.to_le_bytes());
        b.extend_from_slice(&12u16.to_le_bytes());
        b.extend_from_slice(b"WhisperSpec\0");
        b.extend_from_slice(&3u32.to_le_bytes());
        b.extend_from_slice(&1u32.to_le_bytes());
        b.extend_from_slice(&2u16.to_le_bytes());
        b.extend_from_slice(b"x\0");
        b.push(4);
        for _ in 0..4 {
            b.extend_from_slice(&u32::MAX.to_le_bytes());
        }
        b.push(0);
        b.extend_from_slice(&16u32.to_le_bytes());
        b.extend_from_slice(&[0; 16]);
        b.extend_from_slice(&0u32.to_le_bytes());
        let e = parse(&b, "m").unwrap_err().to_string();
        assert!(e.contains("do not fit shape"), "{e}");
    }
}
