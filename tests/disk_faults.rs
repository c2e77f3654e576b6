//! Disk and permission faults, with the real binary and model: a full output volume, a
//! read-only output folder, an input that cannot be read, an input that changes while it is
//! read. Each gets a named error, nothing half-written or looking redacted, inputs untouched,
//! and a rerun after the fault is cleared finishes the batch.
//!
//! The volumes are small tmpfs mounts (these tests run as root, as CI does here).

mod common;
use common::*;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

struct Mount(PathBuf);

impl Mount {
    fn tmpfs(at: &Path, size: &str) -> Mount {
        fs::create_dir_all(at).unwrap();
        let st = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0755"),
                "tmpfs",
            ])
            .arg(at)
            .status()
            .expect("mount");
        assert!(
            st.success(),
            "mounting a tmpfs needs root (CI runs as root)"
        );
        Mount(at.to_path_buf())
    }

    fn remount(&self, opts: &str) {
        let st = Command::new("mount")
            .args(["-o", &format!("remount,{opts}")])
            .arg(&self.0)
            .status()
            .unwrap();
        assert!(st.success());
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

fn sha(p: &Path) -> String {
    callredact::pipeline::sha256_file(p, &std::sync::atomic::AtomicBool::new(false)).unwrap()
}

/// (input_path, status, output_path, output_sha256, error) of every files row.
fn rows(out: &Path) -> Vec<Vec<String>> {
    let o = python()
        .arg("-c")
        .arg(
            "import sys, pyarrow.dataset as ds\n\
             t = ds.dataset(sys.argv[1] + '/audit/files', format='parquet').to_table()\n\
             for r in t.select(['input_path','status','output_path','output_sha256','error'])\
             .to_pylist(): print('\\t'.join(str(r[k]) for k in r))",
        )
        .arg(out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut v: Vec<Vec<String>> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| l.split('\t').map(String::from).collect())
        .collect();
    v.sort();
    v
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut v = Vec::new();
    for e in fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            v.extend(files_under(&p));
        } else {
            v.push(p);
        }
    }
    v
}

/// Every audio file under `redacted/` has a `redacted` row with its sha256, and no temp
/// file or pending marker is left: nothing half-written, nothing looking redacted that is not.
fn nothing_half_made(out: &Path) {
    let rows = rows(out);
    for f in files_under(&out.join("redacted")) {
        let rel = f.strip_prefix(out).unwrap().to_string_lossy().into_owned();
        let s = sha(&f);
        assert!(
            rows.iter()
                .any(|r| r[1] == "redacted" && r[2] == rel && r[3] == s),
            "{rel} is in redacted/ without a matching redacted row"
        );
    }
    let staging = files_under(&out.join(".callredact/tmp"));
    assert!(staging.is_empty(), "temp files left: {staging:?}");
}

fn copy_inputs(dir: &Path, names: &[&str]) -> Vec<(PathBuf, String)> {
    copy_samples(dir, names);
    names
        .iter()
        .map(|n| {
            let p = dir.join(n);
            let s = sha(&p);
            (p, s)
        })
        .collect()
}

fn inputs_untouched(inputs: &[(PathBuf, String)]) {
    for (p, s) in inputs {
        assert_eq!(&sha(p), s, "{} changed", p.display());
    }
}

const NAMES: [&str; 3] = [
    "volunteered_amex_alaw.wav",
    "motor_claim_mulaw.wav",
    "card_split_across_turns.wav",
];

#[test]
fn a_full_output_volume_fails_by_name_and_a_rerun_finishes() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let inputs = copy_inputs(&input, &NAMES);
    let vol = Mount::tmpfs(&tmp.path().join("vol"), "4m");
    let out = vol.0.join("out");
    // Leave about 1 MB: the smallest call fits, the others do not.
    let filler = vol.0.join("filler");
    fs::write(&filler, vec![0u8; 3 * 1024 * 1024]).unwrap();
    let o = run(&[&input], &out, &["--jobs", "1"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("No space left on device"), "{stderr}");
    let failed: Vec<Vec<String>> = rows(&out)
        .into_iter()
        .filter(|r| r[1] == "failed")
        .collect();
    assert!(!failed.is_empty());
    for r in &failed {
        assert!(r[4].contains("No space left"), "{r:?}");
        assert!(
            r[4].contains(r[0].trim_start_matches("in/")),
            "the error names the file: {r:?}"
        );
    }
    nothing_half_made(&out);
    inputs_untouched(&inputs);

    fs::remove_file(&filler).unwrap();
    vol.remount("size=64m");
    let again = run(&[&input], &out, &["--jobs", "1"]);
    assert_eq!(
        again.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&again.stdout)
    );
    let redacted: Vec<String> = rows(&out)
        .into_iter()
        .filter(|r| r[1] == "redacted")
        .map(|r| r[0].clone())
        .collect();
    let mut want: Vec<String> = NAMES.iter().map(|n| format!("in/{n}")).collect();
    want.sort();
    let mut got = redacted.clone();
    got.sort();
    assert_eq!(got, want, "every recording redacted exactly once");
    nothing_half_made(&out);
    inputs_untouched(&inputs);
}

#[test]
fn a_read_only_output_folder_is_a_named_set_up_error_and_a_rerun_finishes() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let inputs = copy_inputs(&input, &NAMES[..1]);
    let vol = Mount::tmpfs(&tmp.path().join("vol"), "16m");
    let out = vol.0.join("out");
    fs::create_dir_all(&out).unwrap();
    vol.remount("ro");
    let o = run(&[&input], &out, &[]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "a folder we cannot write is a set-up error"
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("Read-only file system"), "{stderr}");
    assert!(
        stderr.contains(&out.display().to_string()),
        "the error names the folder: {stderr}"
    );
    vol.remount("rw");
    let again = run(&[&input], &out, &[]);
    assert_eq!(again.status.code(), Some(0));
    nothing_half_made(&out);
    inputs_untouched(&inputs);
}

#[test]
fn an_unreadable_input_fails_by_name_and_the_rest_are_redacted() {
    // Root reads every file whatever its mode, so the run is made as nobody.
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path();
    let input = base.join("in");
    let inputs = copy_inputs(&input, &NAMES[..2]);
    let secret = &inputs[1].0;
    fs::copy(model(), base.join("model.bin")).unwrap();
    let out = base.join("out");
    fs::create_dir_all(&out).unwrap();
    use std::os::unix::fs::PermissionsExt;
    for p in [base, &input] {
        fs::set_permissions(p, fs::Permissions::from_mode(0o755)).unwrap();
    }
    for (p, _) in &inputs {
        fs::set_permissions(p, fs::Permissions::from_mode(0o644)).unwrap();
    }
    fs::set_permissions(base.join("model.bin"), fs::Permissions::from_mode(0o644)).unwrap();
    fs::set_permissions(secret, fs::Permissions::from_mode(0o000)).unwrap();
    let chown = Command::new("chown")
        .args(["-R", "65534:65534"])
        .arg(&out)
        .status()
        .unwrap();
    assert!(chown.success());
    let as_nobody = |out: &Path| {
        Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(env!("CARGO_BIN_EXE_callredact"))
            .args(["run", "--no-progress", "--model"])
            .arg(base.join("model.bin"))
            .arg(&input)
            .arg("--out")
            .arg(out)
            .env("HOME", "/nonexistent")
            .output()
            .unwrap()
    };
    let o = as_nobody(&out);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("Permission denied"), "{stderr}");
    let rows = rows(&out);
    let bad = rows
        .iter()
        .find(|r| r[0] == "in/motor_claim_mulaw.wav")
        .unwrap();
    assert_eq!(bad[1], "failed");
    assert!(bad[4].contains("motor_claim_mulaw.wav") && bad[4].contains("Permission denied"));
    assert!(rows
        .iter()
        .any(|r| r[0] == "in/volunteered_amex_alaw.wav" && r[1] == "redacted"));

    fs::set_permissions(secret, fs::Permissions::from_mode(0o644)).unwrap();
    let again = as_nobody(&out);
    assert_eq!(
        again.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    nothing_half_made(&out);
    inputs_untouched(&inputs);
}

#[test]
fn an_input_that_changes_while_it_is_read_is_not_published() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    copy_samples(&input, &NAMES[..1]);
    let victim = input.join(NAMES[0]);
    let out = tmp.path().join("out");
    // A recorder still writing: a counter rewritten in place inside the data chunk every
    // millisecond, so no two reads of the file see the same bytes.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (stop, victim) = (stop.clone(), victim.clone());
        std::thread::spawn(move || {
            use std::os::unix::fs::FileExt;
            let f = fs::OpenOptions::new().write(true).open(&victim).unwrap();
            let mut n: u32 = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                n = n.wrapping_add(1);
                f.write_all_at(&n.to_le_bytes(), 4_000).unwrap();
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
        })
    };
    let o = run(&[&input], &out, &[]);
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    writer.join().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let r = rows(&out);
    assert_eq!(r.len(), 1);
    assert_eq!(r[0][1], "failed");
    assert!(
        r[0][4].contains("changed while it was being read"),
        "{:?}",
        r[0]
    );
    assert!(!out.join("redacted/in").join(NAMES[0]).exists());
    nothing_half_made(&out);
    let again = run(&[&input], &out, &[]);
    assert_eq!(again.status.code(), Some(0));
}
