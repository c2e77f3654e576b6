//! Import of a tiny synthetic CTranslate2 model (width 8, two layers each side), read back
//! byte by byte, and the ways a bad model directory must fail.

use super::ct2::{self, DType};
use super::ggml::{self, read};
use super::*;
use std::path::PathBuf;

const D: usize = 8;
const HEADS: f32 = 2.0;
const LAYERS: usize = 2;
const N_MELS: usize = 80;
const A_CTX: usize = 6;
const T_CTX: usize = 4;

type Var = (String, Vec<usize>, DType, Vec<f32>);
/// A change that spoils a good model.
type Edit = Box<dyn Fn(&mut Vec<Var>)>;

/// Distinct values per variable, all exact in f16 (multiples of 1/1024 in [-1, 1)), so a
/// value read back identifies where it came from.
fn values(seed: usize, n: usize) -> Vec<f32> {
    (0..n)
        .map(|k| ((seed * 7919 + k * 13) % 2047) as f32 / 1024.0 - 1.0)
        .collect()
}

fn model_vars(n_vocab: usize) -> Vec<Var> {
    model_vars_of_width(n_vocab, D)
}

/// The model at width `d`: 8 for the layout tests, a multiple of 32 for quantised imports.
fn model_vars_of_width(n_vocab: usize, d: usize) -> Vec<Var> {
    let mut v: Vec<Var> = Vec::new();
    let mut add = |name: String, shape: Vec<usize>| {
        let n = shape.iter().product();
        let seed = v.len() + 1;
        v.push((name, shape, DType::F16, values(seed, n)));
    };
    let linear = |add: &mut dyn FnMut(String, Vec<usize>), p: String, rows: usize, cols: usize| {
        add(format!("{p}/weight"), vec![rows, cols]);
        add(format!("{p}/bias"), vec![rows]);
    };
    let norm = |add: &mut dyn FnMut(String, Vec<usize>), p: String| {
        add(format!("{p}/gamma"), vec![d]);
        add(format!("{p}/beta"), vec![d]);
    };
    add("encoder/conv1/weight".into(), vec![d, N_MELS, 3]);
    add("encoder/conv1/bias".into(), vec![d]);
    add("encoder/conv2/weight".into(), vec![d, d, 3]);
    add("encoder/conv2/bias".into(), vec![d]);
    add(
        "encoder/position_encodings/encodings".into(),
        vec![A_CTX, d],
    );
    for i in 0..LAYERS {
        let p = format!("encoder/layer_{i}");
        linear(&mut add, format!("{p}/self_attention/linear_0"), 3 * d, d);
        linear(&mut add, format!("{p}/self_attention/linear_1"), d, d);
        norm(&mut add, format!("{p}/self_attention/layer_norm"));
        linear(&mut add, format!("{p}/ffn/linear_0"), 4 * d, d);
        linear(&mut add, format!("{p}/ffn/linear_1"), d, 4 * d);
        norm(&mut add, format!("{p}/ffn/layer_norm"));
    }
    norm(&mut add, "encoder/layer_norm".into());
    add("decoder/embeddings/weight".into(), vec![n_vocab, d]);
    add(
        "decoder/position_encodings/encodings".into(),
        vec![T_CTX, d],
    );
    for i in 0..LAYERS {
        let p = format!("decoder/layer_{i}");
        linear(&mut add, format!("{p}/self_attention/linear_0"), 3 * d, d);
        linear(&mut add, format!("{p}/self_attention/linear_1"), d, d);
        norm(&mut add, format!("{p}/self_attention/layer_norm"));
        linear(&mut add, format!("{p}/attention/linear_0"), d, d);
        linear(&mut add, format!("{p}/attention/linear_1"), 2 * d, d);
        linear(&mut add, format!("{p}/attention/linear_2"), d, d);
        norm(&mut add, format!("{p}/attention/layer_norm"));
        linear(&mut add, format!("{p}/ffn/linear_0"), 4 * d, d);
        linear(&mut add, format!("{p}/ffn/linear_1"), d, 4 * d);
        norm(&mut add, format!("{p}/ffn/layer_norm"));
    }
    norm(&mut add, "decoder/layer_norm".into());
    v.push(("encoder/num_heads".into(), vec![], DType::I16, vec![HEADS]));
    v.push(("decoder/num_heads".into(), vec![], DType::I16, vec![HEADS]));
    v.push(("decoder/activation".into(), vec![], DType::I8, vec![3.0]));
    v
}

/// vocabulary.txt in GPT-2's byte-to-unicode form, `<|endoftext|>` at `eot`.
fn vocabulary(n_vocab: usize, eot: usize) -> String {
    let mut lines: Vec<String> = (0..eot).map(|i| format!("t{i}")).collect();
    lines[0] = "!".into();
    lines[1] = "Ġthe".into();
    lines[2] = "Ã©".into();
    lines[3] = String::new();
    lines.push("<|endoftext|>".into());
    while lines.len() < n_vocab {
        lines.push(format!("<|special{}|>", lines.len()));
    }
    lines.join("\n") + "\n"
}

struct Fixture {
    _dir: tempfile::TempDir,
    ct2: PathBuf,
    out: PathBuf,
}

fn fixture(vars: &[Var], vocab: &str) -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let ct2 = dir.path().join("ct2");
    std::fs::create_dir(&ct2).expect("mkdir");
    std::fs::write(
        ct2.join("model.bin"),
        ct2::write(
            vars,
            &[("decoder/projection/weight", "decoder/embeddings/weight")],
        ),
    )
    .expect("write model");
    std::fs::write(ct2.join("vocabulary.txt"), vocab).expect("write vocab");
    let out = dir.path().join("out").join("ggml-test.bin");
    Fixture {
        _dir: dir,
        ct2,
        out,
    }
}

fn english() -> Fixture {
    fixture(&model_vars(51864), &vocabulary(51864, 50256))
}

fn source<'a>(vars: &'a [Var], name: &str) -> &'a [f32] {
    &vars
        .iter()
        .find(|v| v.0 == name)
        .unwrap_or_else(|| panic!("no {name}"))
        .3
}

#[test]
fn writes_whisper_cpp_layout() {
    let f = english();
    let report = import(&f.ct2, &f.out).expect("import");
    let bytes = std::fs::read(&f.out).expect("output");
    let g = read::parse(&bytes);

    assert_eq!(g.magic, ggml::MAGIC);
    assert_eq!(&bytes[..4], b"lmgg", "magic is written little-endian");
    assert_eq!(
        g.hparams,
        [51864, A_CTX as i32, 8, 2, 2, T_CTX as i32, 8, 2, 2, 80, 1]
    );
    assert_eq!((g.n_mel, g.n_fft), (80, 201));
    assert_eq!(g.filters, mel::filterbank(16000.0, 400, 80));
    assert_eq!(g.vocab.len(), 50256);
    assert_eq!(
        &g.vocab[..4],
        &[
            b"!".to_vec(),
            b" the".to_vec(),
            vec![0xC3, 0xA9],
            Vec::new()
        ]
    );
    assert_eq!(
        (report.vocab, report.n_vocab, report.tensors),
        (50256, 51864, g.tensors.len())
    );

    let names: Vec<&str> = g.tensors.iter().map(|t| t.name.as_str()).collect();
    // conv 4 + pe 1 + encoder 15 per layer + ln_post 2 + embeddings 2 + decoder 24 per layer + ln 2
    assert_eq!(
        names.len(),
        4 + 1 + 15 * LAYERS + 2 + 2 + 24 * LAYERS + 2,
        "{names:?}"
    );
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "duplicate tensor names");
    assert!(
        !names.iter().any(|n| n.contains("key.bias")),
        "whisper.cpp has no key bias"
    );
    for want in [
        "encoder.blocks.1.attn.query.bias",
        "encoder.blocks.1.mlp_ln.weight",
        "decoder.blocks.1.cross_attn.value.bias",
        "decoder.blocks.0.cross_attn_ln.bias",
        "decoder.blocks.0.mlp.2.weight",
        "encoder.ln_post.bias",
        "decoder.ln.weight",
    ] {
        assert!(names.contains(&want), "missing {want}");
    }

    let t = |name: &str| {
        g.tensors
            .iter()
            .find(|t| t.name == name)
            .unwrap_or_else(|| panic!("no tensor {name}"))
    };
    // (name, ggml dims innermost first, type)
    for (name, ne, ttype) in [
        ("encoder.conv1.weight", vec![3, 80, 8], 1),
        ("encoder.conv1.bias", vec![1, 8], 0),
        ("encoder.conv2.weight", vec![3, 8, 8], 1),
        ("encoder.positional_embedding", vec![8, A_CTX as i32], 0),
        ("encoder.blocks.0.attn.query.weight", vec![8, 8], 1),
        ("encoder.blocks.0.attn.key.weight", vec![8, 8], 1),
        ("encoder.blocks.0.attn.value.bias", vec![8], 0),
        ("encoder.blocks.0.mlp.0.weight", vec![8, 32], 1),
        ("encoder.blocks.0.mlp.0.bias", vec![32], 0),
        ("encoder.blocks.0.mlp.2.weight", vec![32, 8], 1),
        ("encoder.blocks.0.attn_ln.weight", vec![8], 0),
        ("decoder.token_embedding.weight", vec![8, 51864], 1),
        ("decoder.positional_embedding", vec![8, T_CTX as i32], 0),
        ("decoder.blocks.1.cross_attn.key.weight", vec![8, 8], 1),
    ] {
        assert_eq!((&t(name).ne, t(name).ttype), (&ne, ttype), "{name}");
    }

    // The fused projections split by rows, in order q, k, v (self) and k, v (cross).
    let vars = model_vars(51864);
    let qkv_w = source(&vars, "encoder/layer_1/self_attention/linear_0/weight");
    let qkv_b = source(&vars, "encoder/layer_1/self_attention/linear_0/bias");
    for (i, part) in ["query", "key", "value"].iter().enumerate() {
        assert_eq!(
            t(&format!("encoder.blocks.1.attn.{part}.weight")).data,
            qkv_w[i * D * D..(i + 1) * D * D],
            "{part}"
        );
    }
    assert_eq!(t("encoder.blocks.1.attn.query.bias").data, qkv_b[..D]);
    assert_eq!(t("encoder.blocks.1.attn.value.bias").data, qkv_b[2 * D..]);
    let kv_w = source(&vars, "decoder/layer_0/attention/linear_1/weight");
    let kv_b = source(&vars, "decoder/layer_0/attention/linear_1/bias");
    assert_eq!(
        t("decoder.blocks.0.cross_attn.key.weight").data,
        kv_w[..D * D]
    );
    assert_eq!(
        t("decoder.blocks.0.cross_attn.value.weight").data,
        kv_w[D * D..]
    );
    assert_eq!(t("decoder.blocks.0.cross_attn.value.bias").data, kv_b[D..]);
    assert_eq!(
        t("decoder.blocks.0.cross_attn.query.weight").data,
        source(&vars, "decoder/layer_0/attention/linear_0/weight")
    );
    assert_eq!(
        t("decoder.blocks.1.cross_attn.out.bias").data,
        source(&vars, "decoder/layer_1/attention/linear_2/bias")
    );
    assert_eq!(
        t("encoder.ln_post.weight").data,
        source(&vars, "encoder/layer_norm/gamma")
    );
    assert_eq!(
        t("decoder.ln.bias").data,
        source(&vars, "decoder/layer_norm/beta")
    );
    assert_eq!(
        t("encoder.conv1.weight").data,
        source(&vars, "encoder/conv1/weight")
    );
    assert_eq!(
        t("decoder.token_embedding.weight").data,
        source(&vars, "decoder/embeddings/weight")
    );
}

#[test]
fn output_is_deterministic_and_hashed() {
    let f = english();
    let a = import(&f.ct2, &f.out).expect("first import");
    let first = std::fs::read(&f.out).expect("output");
    let b = import(&f.ct2, &f.out).expect("second import");
    assert_eq!(std::fs::read(&f.out).expect("output"), first);
    assert_eq!(a.sha256, b.sha256);
    assert_eq!(a.sha256, hex::encode(Sha256::digest(&first)));
    // Nothing but the output is left beside it.
    let dir = f.out.parent().expect("parent");
    let entries: Vec<_> = std::fs::read_dir(dir)
        .expect("read dir")
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(entries, vec![f.out.file_name().expect("name").to_owned()]);
}

#[test]
fn multilingual_vocabulary_sizes_shift_end_of_text() {
    let vars = model_vars(51865);
    let f = fixture(&vars, &vocabulary(51865, 50257));
    let r = import(&f.ct2, &f.out).expect("multilingual import");
    assert_eq!((r.n_vocab, r.vocab), (51865, 50257));
    assert!(r.to_string().contains("multilingual"), "{r}");
    let f = fixture(&vars, &vocabulary(51865, 50256));
    let e = import(&f.ct2, &f.out).unwrap_err().to_string();
    assert!(
        e.contains("vocabulary.txt") && e.contains("expects 50257"),
        "{e}"
    );
}

fn format_error(f: &Fixture) -> (String, String) {
    match import(&f.ct2, &f.out) {
        Err(ModelError::Format { path, message }) => {
            assert!(!f.out.exists(), "a failed import must not leave an output");
            (path, message)
        }
        other => panic!("expected a format error, got {other:?}"),
    }
}

#[test]
fn missing_files_are_io_errors_naming_the_file() {
    let f = english();
    std::fs::remove_file(f.ct2.join("vocabulary.txt")).expect("rm");
    match import(&f.ct2, &f.out) {
        Err(e @ ModelError::Io { .. }) => assert!(e.to_string().contains("vocabulary.txt"), "{e}"),
        other => panic!("{other:?}"),
    }
    std::fs::remove_file(f.ct2.join("model.bin")).expect("rm");
    match import(&f.ct2, &f.out) {
        Err(e @ ModelError::Io { .. }) => assert!(e.to_string().contains("model.bin"), "{e}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn truncated_or_garbage_model_is_a_format_error() {
    let f = english();
    let full = std::fs::read(f.ct2.join("model.bin")).expect("read");
    for len in [0, 3, 20, full.len() / 3, full.len() - 1] {
        std::fs::write(f.ct2.join("model.bin"), &full[..len]).expect("write");
        let (path, message) = format_error(&f);
        assert!(path.ends_with("model.bin"), "{path}: {message}");
    }
    std::fs::write(
        f.ct2.join("model.bin"),
        b"PK\x03\x04 this is a zip, not a model",
    )
    .expect("write");
    let (path, _) = format_error(&f);
    assert!(path.ends_with("model.bin"));
}

#[test]
fn bad_models_name_the_problem() {
    let vocab = vocabulary(51864, 50256);
    let cases: Vec<(Edit, &str)> = vec![
        (
            Box::new(|v| v.retain(|x| x.0 != "decoder/layer_1/ffn/layer_norm/beta")),
            "missing variable decoder/layer_1/ffn/layer_norm/beta",
        ),
        (
            Box::new(|v| v.retain(|x| x.0 != "encoder/conv1/weight")),
            "missing variable encoder/conv1/weight",
        ),
        (
            Box::new(|v| {
                let x = v
                    .iter_mut()
                    .find(|x| x.0 == "encoder/layer_0/ffn/linear_0/weight")
                    .expect("var");
                x.1 = vec![3 * D, D];
                x.3.truncate(3 * D * D);
            }),
            "encoder/layer_0/ffn/linear_0/weight has shape [24, 8], expected [32, 8]",
        ),
        (
            Box::new(|v| {
                let x = v
                    .iter_mut()
                    .find(|x| x.0 == "decoder/layer_0/self_attention/linear_1/weight")
                    .expect("var");
                x.2 = DType::I8;
                x.3.iter_mut().for_each(|y| *y = 1.0);
            }),
            "quantised",
        ),
        (
            Box::new(|v| {
                let x = v
                    .iter_mut()
                    .find(|x| x.0 == "encoder/num_heads")
                    .expect("var");
                x.3 = vec![3.0];
            }),
            "does not divide",
        ),
    ];
    for (edit, want) in cases {
        let mut vars = model_vars(51864);
        edit(&mut vars);
        let f = fixture(&vars, &vocab);
        let (path, message) = format_error(&f);
        assert!(path.ends_with("model.bin"), "{path}");
        assert!(message.contains(want), "{message} lacks {want}");
    }
}

#[test]
fn vocabulary_must_match_the_model() {
    let vars = model_vars(51864);
    let f = fixture(&vars, &vocabulary(51863, 50256));
    let (path, message) = format_error(&f);
    assert!(
        path.ends_with("vocabulary.txt") && message.contains("51864 rows"),
        "{path}: {message}"
    );
    let f = fixture(&vars, "a\nb\n");
    let (path, message) = format_error(&f);
    assert!(
        path.ends_with("vocabulary.txt") && message.contains("endoftext"),
        "{path}: {message}"
    );
}

#[test]
fn a_failed_import_keeps_the_existing_output() {
    let f = english();
    std::fs::create_dir_all(f.out.parent().expect("parent")).expect("mkdir");
    std::fs::write(&f.out, b"previous model").expect("write");
    std::fs::write(f.ct2.join("model.bin"), b"garbage").expect("write");
    assert!(import(&f.ct2, &f.out).is_err());
    assert_eq!(std::fs::read(&f.out).expect("read"), b"previous model");
}

/// The tensor table of a file: where the header (magic, hparams, filterbank, vocabulary) ends.
fn header_len(g: &read::File) -> usize {
    4 + 11 * 4 + 8 + g.filters.len() * 4 + 4 + g.vocab.iter().map(|t| 4 + t.len()).sum::<usize>()
}

#[test]
fn quantised_imports_store_what_whisper_cpp_quantize_would() {
    const W: usize = 64;
    let vars = model_vars_of_width(51864, W);
    let f = fixture(&vars, &vocabulary(51864, 50256));
    let f16_report = import(&f.ct2, &f.out).expect("f16 import");
    assert_eq!(f16_report.weights, Weights::F16);
    let f16_bytes = std::fs::read(&f.out).expect("f16 output");
    let base = read::parse(&f16_bytes);
    assert_eq!(base.hparams[10], 1, "f16 keeps the bare ftype 1");

    for (weights, ftype, ttype, encode) in [
        (
            Weights::Q8_0,
            2007,
            8,
            quant::q8_0_block as fn(&[f32; quant::QK], &mut Vec<u8>),
        ),
        (Weights::Q5_1, 2009, 7, quant::q5_1_block),
    ] {
        let r = import_with(&f.ct2, &f.out, weights).expect("quantised import");
        assert_eq!(r.weights, weights);
        assert!(r.to_string().contains(weights.name()), "{r}");
        let bytes = std::fs::read(&f.out).expect("output");
        assert_eq!(r.sha256, hex::encode(Sha256::digest(&bytes)));
        let g = read::parse(&bytes);

        // Only ftype changes in the header: GGML_QNT_VERSION 2 * 1000 + ggml_ftype.
        let mut hp = base.hparams;
        hp[10] = ftype;
        assert_eq!(g.hparams, hp, "{weights}");
        let h = header_len(&g);
        assert_eq!(h, header_len(&base));
        assert_eq!(bytes[..40], f16_bytes[..40]);
        assert_eq!(
            bytes[48..h],
            f16_bytes[48..h],
            "filterbank and vocabulary unchanged"
        );

        assert_eq!(g.tensors.len(), base.tensors.len());
        let mut quantised = 0;
        for (q, b) in g.tensors.iter().zip(&base.tensors) {
            assert_eq!(
                (&q.name, &q.ne),
                (&b.name, &b.ne),
                "same tensors, same order"
            );
            let skipped = NOT_QUANTISED.contains(&q.name.as_str());
            if b.ne.len() == 2 && !skipped {
                quantised += 1;
                assert_eq!(q.ttype, ttype, "{weights} {}", q.name);
                // The blocks are the encoder's, over the source values in file order.
                let mut want = Vec::new();
                for c in b.data.chunks_exact(quant::QK) {
                    encode(c.try_into().expect("block"), &mut want);
                }
                assert!(q.raw == want, "{weights} {}: blocks differ", q.name);
            } else {
                // Convolution kernels stay f16, vectors and the skipped 2-D tensors f32.
                assert_eq!((q.ttype, &q.raw), (b.ttype, &b.raw), "{}", q.name);
            }
        }
        // Per layer: 6 encoder matrices, 10 decoder ones; and the token embedding.
        assert_eq!(quantised, 6 * LAYERS + 10 * LAYERS + 1, "{weights}");
        for name in [
            "encoder.conv1.weight",
            "encoder.conv2.weight",
            "encoder.conv1.bias",
            "encoder.positional_embedding",
            "decoder.positional_embedding",
        ] {
            let t = g.tensors.iter().find(|t| t.name == name).expect("tensor");
            assert_ne!(t.ttype, ttype, "{name} must not be quantised");
        }
        let te = g
            .tensors
            .iter()
            .find(|t| t.name == "decoder.token_embedding.weight")
            .expect("token embedding");
        assert_eq!(
            te.ttype, ttype,
            "whisper.cpp allocates the token embedding in wtype"
        );
    }
}

#[test]
fn quantised_values_stay_close_to_the_source() {
    const W: usize = 32;
    let vars = model_vars_of_width(51864, W);
    let f = fixture(&vars, &vocabulary(51864, 50256));
    let src = source(&vars, "encoder/layer_1/ffn/linear_1/weight");
    // The source values lie in [-1, 1): half a q8_0 step is at most 1/254, of q5_1 1/31.
    for (weights, bound) in [(Weights::Q8_0, 1.0 / 254.0), (Weights::Q5_1, 1.0 / 31.0)] {
        import_with(&f.ct2, &f.out, weights).expect("import");
        let g = read::parse(&std::fs::read(&f.out).expect("output"));
        let t = g
            .tensors
            .iter()
            .find(|t| t.name == "encoder.blocks.1.mlp.2.weight")
            .expect("tensor");
        assert_eq!(t.ne, vec![4 * W as i32, W as i32]);
        assert_eq!(t.data.len(), src.len());
        let worst = t
            .data
            .iter()
            .zip(src)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0f32, f32::max);
        assert!(worst <= bound + 1e-6, "{weights}: error {worst} > {bound}");
        assert!(
            worst > 0.0,
            "{weights}: nothing was rounded, so nothing was tested"
        );
    }
}

#[test]
fn quantised_import_refuses_rows_that_do_not_fill_blocks() {
    // Width 8: every matrix row is a quarter of a block. ggml would assert; we name the tensor.
    let f = english();
    for weights in [Weights::Q8_0, Weights::Q5_1] {
        match import_with(&f.ct2, &f.out, weights) {
            Err(ModelError::Format { path, message }) => {
                assert!(path.ends_with("model.bin"), "{path}");
                assert!(
                    message.contains("rows of 8 values") && message.contains(weights.name()),
                    "{message}"
                );
            }
            other => panic!("expected a format error, got {other:?}"),
        }
        assert!(!f.out.exists(), "a refused import must not leave an output");
    }
    // The same model imports as f16.
    import_with(&f.ct2, &f.out, Weights::F16).expect("f16 import");
}
