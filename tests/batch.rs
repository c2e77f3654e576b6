//! Nightly-batch behaviour with the real binary and model: resume, idempotence, crash safety,
//! locking, sharding, and the audit queries the README promises.

mod common;
use common::*;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The `n` shortest audio samples, to keep these runs quick.
fn small_samples(n: usize) -> Vec<String> {
    let mut v: Vec<(u64, String)> = fs::read_dir(root().join("samples"))
        .unwrap()
        .flatten()
        .filter(|e| {
            !e.file_name().to_string_lossy().ends_with(".json")
                && !e.file_name().to_string_lossy().ends_with(".md")
        })
        .map(|e| {
            (
                e.metadata().unwrap().len(),
                e.file_name().to_string_lossy().into_owned(),
            )
        })
        .collect();
    v.sort();
    v.into_iter().take(n).map(|(_, n)| n).collect()
}

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Rows of the files table as (input_path, status), via pyarrow.
fn file_rows(out: &Path) -> Vec<(String, String)> {
    let o = python()
        .arg("-c")
        .arg("import sys, pyarrow.dataset as ds\nt = ds.dataset(sys.argv[1] + '/audit/files', format='parquet').to_table()\nfor p, s in zip(t.column('input_path').to_pylist(), t.column('status').to_pylist()): print(p + '\\t' + s)")
        .arg(out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut rows: Vec<(String, String)> = stdout(&o)
        .lines()
        .map(|l| {
            let (a, b) = l.split_once('\t').unwrap();
            (a.to_string(), b.to_string())
        })
        .collect();
    rows.sort();
    rows
}

fn no_temp_files(dir: &Path) {
    for e in fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            no_temp_files(&p);
        } else {
            assert!(
                !p.to_string_lossy().ends_with(".callredact-tmp"),
                "half-written file left: {}",
                p.display()
            );
        }
    }
}

#[test]
fn second_run_skips_and_changed_policy_redoes() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let out = tmp.path().join("out");
    let names = small_samples(2);
    copy_samples(
        &input,
        &names.iter().map(String::as_str).collect::<Vec<_>>(),
    );

    let first = run(&[&input], &out, &[]);
    assert_eq!(first.status.code(), Some(0));
    assert!(
        stdout(&first).contains("2 redacted, 0 skipped"),
        "{}",
        stdout(&first)
    );

    let again = run(&[&input], &out, &[]);
    assert_eq!(again.status.code(), Some(0));
    assert!(
        stdout(&again).contains("0 redacted, 2 skipped"),
        "{}",
        stdout(&again)
    );

    let policy = tmp.path().join("policy.toml");
    fs::write(&policy, "[redact]\npad_ms = 300\n").unwrap();
    let changed = run(&[&input], &out, &["--policy", policy.to_str().unwrap()]);
    assert_eq!(changed.status.code(), Some(0));
    assert!(
        stdout(&changed).contains("2 redacted, 0 skipped"),
        "{}",
        stdout(&changed)
    );

    let forced = run(
        &[&input],
        &out,
        &["--policy", policy.to_str().unwrap(), "--force"],
    );
    assert!(
        stdout(&forced).contains("2 redacted"),
        "{}",
        stdout(&forced)
    );
    assert_eq!(file_rows(&out).len(), 6);
}

#[test]
fn killed_run_resumes_with_every_file_redacted_exactly_once() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let out = tmp.path().join("out");
    let names = small_samples(3);
    copy_samples(
        &input,
        &names.iter().map(String::as_str).collect::<Vec<_>>(),
    );

    // Kill the real binary with SIGKILL once it has finished at least one recording but not
    // all of them: the worst moment, with receipts written and no audit part yet.
    let mut child = bin()
        .args([
            "run",
            "--no-progress",
            "--jobs",
            "1",
            "--threads",
            "2",
            "--model",
        ])
        .arg(model())
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let receipts = out.join(".callredact/receipts/0-of-1");
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        let n = fs::read_dir(&receipts).map(|d| d.count()).unwrap_or(0);
        if n >= 1 || Instant::now() > deadline {
            break;
        }
        if let Ok(Some(_)) = child.try_wait() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    let rerun = run(&[&input], &out, &[]);
    assert_eq!(rerun.status.code(), Some(0), "{}", stdout(&rerun));
    let rows = file_rows(&out);
    let mut paths: Vec<&str> = rows
        .iter()
        .map(|(p, s)| {
            assert_eq!(s, "redacted");
            p.as_str()
        })
        .collect();
    paths.dedup();
    assert_eq!(rows.len(), 3, "each file exactly once: {rows:?}");
    assert_eq!(paths.len(), 3);
    no_temp_files(&out);
    assert_eq!(fs::read_dir(&receipts).unwrap().count(), 0);
    // Every output is a complete, readable file.
    for n in &names {
        let stem = Path::new(n)
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let found = ["wav", "flac"]
            .iter()
            .map(|e| out.join("redacted/in").join(format!("{stem}.{e}")))
            .find(|p| p.exists());
        let p = found.unwrap_or_else(|| panic!("no output for {n}"));
        let limits = callredact::audio::limits::Limits::default();
        callredact::audio::recording::Recording::open(&p, &limits, None).expect("output decodes");
    }
}

#[test]
fn a_concurrent_run_on_the_same_output_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let out = tmp.path().join("out");
    copy_samples(
        &input,
        &small_samples(2)
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    let mut first = bin()
        .args(["run", "--no-progress", "--model"])
        .arg(model())
        .arg(&input)
        .arg("--out")
        .arg(&out)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let lock = out.join(".callredact/lock-0-of-1");
    let deadline = Instant::now() + Duration::from_secs(60);
    while fs::read_to_string(&lock)
        .map(|s| s.trim() != first.id().to_string())
        .unwrap_or(true)
        && Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    let second = run(&[&input], &out, &[]);
    let still_running = first.try_wait().unwrap().is_none();
    first.kill().ok();
    first.wait().unwrap();
    assert!(
        still_running,
        "the first run ended before the second started; the test proves nothing"
    );
    assert_eq!(second.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&second.stderr).contains("another callredact run"));
}

#[test]
fn shards_cover_every_file_once_and_the_readme_queries_run() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let out = tmp.path().join("out");
    let names = small_samples(4);
    copy_samples(
        &input,
        &names.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    fs::write(input.join("broken.wav"), b"RIFF....WAVEjunk").unwrap();
    let mut total = 0;
    for k in 0..3 {
        let o = run(
            &[&input],
            &out,
            &["--shard", &format!("{k}/3"), "--log-format", "json"],
        );
        // Every JSON log line parses.
        for line in String::from_utf8_lossy(&o.stderr)
            .lines()
            .filter(|l| l.starts_with('{'))
        {
            serde_json::from_str::<serde_json::Value>(line).expect("json log line");
        }
        total += 1;
    }
    assert_eq!(total, 3);
    let rows = file_rows(&out);
    let mut paths: Vec<&str> = rows.iter().map(|(p, _)| p.as_str()).collect();
    paths.sort();
    // Input ids are `<root label>/<path under the root>`; the label is the folder's name.
    let mut expected: Vec<String> = names.iter().map(|n| format!("in/{n}")).collect();
    expected.push("in/broken.wav".into());
    expected.sort();
    assert_eq!(
        paths,
        expected.iter().map(String::as_str).collect::<Vec<_>>()
    );
    // An unsharded run after the shards sees all of their work.
    let all = run(&[&input], &out, &[]);
    assert!(
        stdout(&all).contains("0 redacted, 4 skipped, 1 failed"),
        "{}",
        stdout(&all)
    );

    // The README's DuckDB queries, as written there, against this audit.
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    let queries: Vec<String> = readme
        .split("```sql")
        .skip(1)
        .map(|b| b.split("```").next().unwrap().trim().to_string())
        .collect();
    assert!(
        queries.len() >= 3,
        "README has {} sql blocks",
        queries.len()
    );
    for q in &queries {
        let q = q.replace("/redacted/2026-11-28", out.to_str().unwrap());
        let o = python()
            .arg("-c")
            .arg("import sys, duckdb; print(duckdb.sql(sys.argv[1]).fetchall())")
            .arg(&q)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "query failed:\n{q}\n{}",
            String::from_utf8_lossy(&o.stderr)
        );
        eprintln!("{}", stdout(&o));
    }
}

#[test]
fn metrics_and_json_logs_carry_no_sensitive_values() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let out = tmp.path().join("out");
    copy_samples(
        &input,
        &small_samples(2)
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    let metrics = tmp.path().join("m.prom");
    let o = run(
        &[&input],
        &out,
        &[
            "--log-format",
            "json",
            "--metrics-file",
            metrics.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0));
    let m = fs::read_to_string(&metrics).unwrap();
    assert!(m.contains("callredact_files{status=\"redacted\"} 2"), "{m}");
    assert!(m.contains("callredact_last_success_timestamp_seconds"));
    let logs = String::from_utf8_lossy(&o.stderr).into_owned();
    let mut texts = vec![m, logs];
    for e in walk(&out) {
        if e.extension().is_some_and(|x| x == "json") {
            texts.push(fs::read_to_string(&e).unwrap());
        }
    }
    for v in sensitive_values(&root().join("samples/truth.json")) {
        let digits: String = v.chars().filter(|c| c.is_ascii_digit()).collect();
        for t in &texts {
            if digits.len() >= 6 {
                let d: String = t
                    .chars()
                    .filter(|c| c.is_ascii_digit() || *c == '\n')
                    .collect();
                assert!(!d.contains(&digits), "a sensitive number reached an output");
            } else if digits.is_empty() && v.len() >= 6 {
                assert!(
                    !t.to_lowercase().contains(&v),
                    "a sensitive text value reached an output"
                );
            }
        }
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut v = Vec::new();
    for e in fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            v.extend(walk(&p));
        } else {
            v.push(p);
        }
    }
    v
}
