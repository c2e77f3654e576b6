//! Helpers shared by the end-to-end tests: the real binary, the real model, the shipped samples.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn model() -> PathBuf {
    let m = root().join("models/ggml-tiny.en.bin");
    assert!(
        m.is_file(),
        "{} is missing: run ./scripts/fetch-model.sh (scripts/test.sh does)",
        m.display()
    );
    m
}

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_callredact"))
}

/// Runs `callredact run` and returns its output; stderr is echoed for the test log (it carries
/// no sensitive values: that is one of the things these tests check).
pub fn run(inputs: &[&Path], out: &Path, extra: &[&str]) -> Output {
    let mut c = bin();
    c.arg("run")
        .args(inputs)
        .arg("--out")
        .arg(out)
        .arg("--model")
        .arg(model())
        .arg("--no-progress")
        .args(extra);
    let o = c.output().expect("run callredact");
    eprintln!("{}", String::from_utf8_lossy(&o.stderr));
    o
}

/// Python with numpy, pyarrow and duckdb (scripts/setup.sh puts them in .venv).
pub fn python() -> Command {
    let venv = root().join(".venv/bin/python");
    Command::new(if venv.is_file() {
        venv
    } else {
        PathBuf::from("python3")
    })
}

pub fn scorer() -> PathBuf {
    let shared = root().join("../shared/tools/score_redaction.py");
    if shared.is_file() {
        shared
    } else {
        root().join("tools/score_redaction.py")
    }
}

/// Scores `out` against the truth for `orig` and returns the scorer's JSON result.
pub fn score(truth: &Path, orig: &Path, out: &Path) -> serde_json::Value {
    let json = out.with_extension("score.json");
    let o = python()
        .arg(scorer())
        .args([
            "--truth".as_ref(),
            truth.as_os_str(),
            "--orig".as_ref(),
            orig.as_os_str(),
            "--out".as_ref(),
            out.as_os_str(),
            "--json".as_ref(),
            json.as_os_str(),
        ])
        .output()
        .expect("run the scorer");
    eprintln!("{}", String::from_utf8_lossy(&o.stdout));
    assert!(
        o.status.success(),
        "scorer failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&std::fs::read(&json).expect("scorer json")).expect("scorer json parses")
}

/// Every value in truth.json with 6 or more digits, and every text value: what must never
/// appear in any text output.
pub fn sensitive_values(truth: &Path) -> Vec<String> {
    let t: serde_json::Value = serde_json::from_slice(&std::fs::read(truth).unwrap()).unwrap();
    let mut v = Vec::new();
    for rec in t.as_object().unwrap().values() {
        for s in rec["spans"].as_array().unwrap() {
            if s["kind"] != "DECOY" {
                v.push(s["value"].as_str().unwrap().to_string());
            }
        }
    }
    v
}

/// Copies `files` from samples/ into a new folder.
pub fn copy_samples(dir: &Path, files: &[&str]) {
    std::fs::create_dir_all(dir).unwrap();
    for f in files {
        std::fs::copy(root().join("samples").join(f), dir.join(f)).unwrap();
    }
}
