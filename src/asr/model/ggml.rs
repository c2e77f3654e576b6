//! Writer for whisper.cpp's ggml model file: magic, hyper-parameters, mel filterbank,
//! vocabulary, then tensors with their dimensions innermost first.

use super::quant;
use std::io::{self, Write};

pub const MAGIC: u32 = 0x6767_6d6c;

/// whisper.cpp's hyper-parameters, in file order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hparams {
    pub n_vocab: i32,
    pub n_audio_ctx: i32,
    pub n_audio_state: i32,
    pub n_audio_head: i32,
    pub n_audio_layer: i32,
    pub n_text_ctx: i32,
    pub n_text_state: i32,
    pub n_text_head: i32,
    pub n_text_layer: i32,
    pub n_mels: i32,
    /// 1: the big matrices (and the convolutions) are f16. A quantised file holds
    /// `GGML_QNT_VERSION * GGML_QNT_VERSION_FACTOR + ggml_ftype` (2007 for q8_0).
    pub ftype: i32,
}

impl Hparams {
    fn values(&self) -> [i32; 11] {
        [
            self.n_vocab,
            self.n_audio_ctx,
            self.n_audio_state,
            self.n_audio_head,
            self.n_audio_layer,
            self.n_text_ctx,
            self.n_text_state,
            self.n_text_head,
            self.n_text_layer,
            self.n_mels,
            self.ftype,
        ]
    }
}

/// How a tensor is stored; the codes are ggml's type ids (`enum ggml_type` in `ggml.h`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Store {
    F32 = 0,
    F16 = 1,
    Q5_1 = 7,
    Q8_0 = 8,
}

impl Store {
    /// Values per block: the innermost dimension must be a multiple of it.
    pub fn block_len(self) -> usize {
        match self {
            Store::F32 | Store::F16 => 1,
            Store::Q5_1 | Store::Q8_0 => quant::QK,
        }
    }
}

/// One tensor to write. `shape` is row-major (outermost first), as PyTorch gives it.
#[derive(Debug)]
pub struct Out<'a> {
    pub name: String,
    pub shape: Vec<usize>,
    pub data: &'a [f32],
    pub store: Store,
}

fn i32le(w: &mut impl Write, v: i32) -> io::Result<()> {
    w.write_all(&v.to_le_bytes())
}

fn count(n: usize) -> io::Result<i32> {
    i32::try_from(n).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{n} does not fit the format's i32"),
        )
    })
}

/// Magic, hparams, the `n_mel x n_fft` filterbank and the regular tokens' bytes.
pub fn write_header(
    w: &mut impl Write,
    h: &Hparams,
    filters: &[f32],
    n_fft: usize,
    vocab: &[Vec<u8>],
) -> io::Result<()> {
    w.write_all(&MAGIC.to_le_bytes())?;
    for v in h.values() {
        i32le(w, v)?;
    }
    i32le(w, count(filters.len() / n_fft.max(1))?)?;
    i32le(w, count(n_fft)?)?;
    for v in filters {
        w.write_all(&v.to_le_bytes())?;
    }
    i32le(w, count(vocab.len())?)?;
    for t in vocab {
        i32le(w, count(t.len())?)?;
        w.write_all(t)?;
    }
    Ok(())
}

pub fn write_tensor(w: &mut impl Write, t: &Out) -> io::Result<()> {
    i32le(w, count(t.shape.len())?)?;
    i32le(w, count(t.name.len())?)?;
    i32le(w, t.store as i32)?;
    // ggml lists dimensions innermost first: the reverse of the row-major shape.
    for d in t.shape.iter().rev() {
        i32le(w, count(*d)?)?;
    }
    w.write_all(t.name.as_bytes())?;
    // Converted in chunks: one write per value is slow even through a BufWriter, and one
    // buffer for the whole token embedding is needless memory.
    let mut buf = Vec::with_capacity(64 * 1024);
    if t.data.len() % t.store.block_len() != 0 {
        // The importer checks the shapes first; this keeps a bad call from writing a torn block.
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "{}: {} values do not fill whole blocks",
                t.name,
                t.data.len()
            ),
        ));
    }
    for chunk in t.data.chunks(16 * 1024) {
        buf.clear();
        match t.store {
            Store::F32 => chunk
                .iter()
                .for_each(|v| buf.extend_from_slice(&v.to_le_bytes())),
            Store::F16 => chunk
                .iter()
                .for_each(|v| buf.extend_from_slice(&half::f16::from_f32(*v).to_le_bytes())),
            // 16 Ki is a multiple of the block length, so no block straddles two chunks.
            Store::Q8_0 => chunk
                .chunks_exact(quant::QK)
                .for_each(|c| quant::q8_0_block(block(c), &mut buf)),
            Store::Q5_1 => chunk
                .chunks_exact(quant::QK)
                .for_each(|c| quant::q5_1_block(block(c), &mut buf)),
        }
        w.write_all(&buf)?;
    }
    Ok(())
}

fn block(c: &[f32]) -> &[f32; quant::QK] {
    c.try_into().expect("chunks_exact gives whole blocks")
}

/// A ggml file read back, for the tests to check what was written.
#[cfg(test)]
pub mod read {
    use super::quant::{q5_1_decode, q8_0_decode, Q5_1_BLOCK_BYTES, Q8_0_BLOCK_BYTES, QK};

    pub struct File {
        pub magic: u32,
        pub hparams: [i32; 11],
        pub n_mel: i32,
        pub n_fft: i32,
        pub filters: Vec<f32>,
        pub vocab: Vec<Vec<u8>>,
        pub tensors: Vec<Tensor>,
    }

    pub struct Tensor {
        pub name: String,
        /// Innermost first, as in the file.
        pub ne: Vec<i32>,
        pub ttype: i32,
        /// The values, dequantised for the block formats.
        pub data: Vec<f32>,
        /// The stored bytes.
        pub raw: Vec<u8>,
    }

    struct Cur<'a>(&'a [u8], usize);

    impl Cur<'_> {
        fn bytes(&mut self, n: usize) -> &[u8] {
            let s = &self.0[self.1..self.1 + n];
            self.1 += n;
            s
        }
        fn i32(&mut self) -> i32 {
            i32::from_le_bytes(self.bytes(4).try_into().expect("4 bytes"))
        }
        fn f32(&mut self) -> f32 {
            f32::from_le_bytes(self.bytes(4).try_into().expect("4 bytes"))
        }
    }

    /// Panics on a malformed file: test code only.
    pub fn parse(b: &[u8]) -> File {
        let mut c = Cur(b, 0);
        let magic = c.i32() as u32;
        let mut hparams = [0; 11];
        for h in hparams.iter_mut() {
            *h = c.i32();
        }
        let (n_mel, n_fft) = (c.i32(), c.i32());
        let filters = (0..n_mel * n_fft).map(|_| c.f32()).collect();
        let n_vocab = c.i32();
        let vocab = (0..n_vocab)
            .map(|_| {
                let n = c.i32() as usize;
                c.bytes(n).to_vec()
            })
            .collect();
        let mut tensors = Vec::new();
        while c.1 < b.len() {
            let (n_dims, name_len, ttype) = (c.i32(), c.i32() as usize, c.i32());
            let ne: Vec<i32> = (0..n_dims).map(|_| c.i32()).collect();
            let name = String::from_utf8(c.bytes(name_len).to_vec()).expect("utf-8 name");
            let n = ne.iter().product::<i32>() as usize;
            let nbytes = match ttype {
                0 => n * 4,
                1 => n * 2,
                7 => n / QK * Q5_1_BLOCK_BYTES,
                8 => n / QK * Q8_0_BLOCK_BYTES,
                t => panic!("tensor {name}: type {t}"),
            };
            let raw = c.bytes(nbytes).to_vec();
            let data = match ttype {
                0 => raw
                    .chunks_exact(4)
                    .map(|b| f32::from_le_bytes(b.try_into().expect("4 bytes")))
                    .collect(),
                1 => raw
                    .chunks_exact(2)
                    .map(|b| half::f16::from_le_bytes([b[0], b[1]]).to_f32())
                    .collect(),
                7 => raw
                    .chunks_exact(Q5_1_BLOCK_BYTES)
                    .flat_map(q5_1_decode)
                    .collect(),
                _ => raw
                    .chunks_exact(Q8_0_BLOCK_BYTES)
                    .flat_map(q8_0_decode)
                    .collect(),
            };
            tensors.push(Tensor {
                name,
                ne,
                ttype,
                data,
                raw,
            });
        }
        File {
            magic,
            hparams,
            n_mel,
            n_fft,
            filters,
            vocab,
            tensors,
        }
    }
}
