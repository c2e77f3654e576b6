//! `callredact report` end to end: the real binary over the shortest samples and one broken
//! file, then the pages opened in headless Chromium (Debian's `chromium`, which
//! `scripts/setup.sh` installs). The test reads the DOM Chromium dumps after the pages' scripts
//! have run, and checks it against the audit as pyarrow reads it, not as the report reads it.
//!
//! A call page draws one `.muted-region` per `redactions` row of the call (not per merged muted
//! stretch; see `src/report/call.rs`), so its count must equal the audit's row count.

mod common;
use common::*;
use std::collections::HashMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";
/// A name that needs escaping in every place it is written: text, attributes, JSON, URLs.
const BROKEN: &str = "broken <b>\"odd\" & 'name'.wav";

/// The `n` shortest audio samples, to keep the run quick.
fn small_samples(n: usize) -> Vec<String> {
    let mut v: Vec<(u64, String)> = fs::read_dir(root().join("samples"))
        .unwrap()
        .flatten()
        .map(|e| {
            (
                e.metadata().unwrap().len(),
                e.file_name().to_string_lossy().into_owned(),
            )
        })
        .filter(|(_, n)| !n.ends_with(".json") && !n.ends_with(".md"))
        .collect();
    v.sort();
    v.into_iter().take(n).map(|(_, n)| n).collect()
}

/// A `file://` URL for an absolute path.
fn file_url(p: &Path) -> String {
    let mut o = String::from("file://");
    for b in p.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            o.push(b as char);
        } else {
            o.push_str(&format!("%{b:02X}"));
        }
    }
    o
}

/// The DOM of `page` after its scripts ran, as headless Chromium serialises it. A missing
/// Chromium fails the test: it is part of the set-up, not optional.
fn dom(page: &Path) -> String {
    assert!(
        Path::new(CHROMIUM).is_file(),
        "{CHROMIUM} is missing: run ./scripts/setup.sh (it installs Debian's chromium), \
         or apt-get install chromium"
    );
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(file_url(page))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        stdout.read_to_string(&mut s).map(|_| s)
    });
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!(
                "chromium did not finish rendering {} in 120 s",
                page.display()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let html = reader.join().unwrap().expect("chromium output");
    assert!(
        status.success(),
        "chromium failed on {}: {status}",
        page.display()
    );
    html
}

/// Reverses the serialiser's escaping of text and attribute values.
fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

/// The start tags `<tag ...>` in `html` whose class attribute is exactly `class`.
fn tags<'a>(html: &'a str, tag: &str, class: &str) -> Vec<&'a str> {
    let open = format!("<{tag} ");
    html.match_indices(&open)
        .map(|(i, _)| &html[i..i + html[i..].find('>').unwrap() + 1])
        .filter(|t| t.contains(&format!(" class=\"{class}\"")))
        .collect()
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let i = tag.find(&key)? + key.len();
    Some(unescape(&tag[i..i + tag[i..].find('"')?]))
}

/// The attributes of `<body>`, where the pages record that their scripts finished (`data-ok`),
/// the errors they met (`data-errors`), and the player's state (`data-audio`).
fn body(html: &str) -> String {
    let i = html.find("<body").expect("a body");
    html[i..i + html[i..].find('>').unwrap()].to_string()
}

fn assert_scripts_ran(html: &str, what: &str) {
    let b = body(html);
    assert!(
        !b.contains("data-errors="),
        "{what}: script errors: {:?}",
        attr(&b, "data-errors")
    );
    assert!(
        b.contains("data-ok=\"1\""),
        "{what}: its script did not finish: {b}"
    );
}

/// What the audit says, read with pyarrow: the files rows, and per file_id the number of
/// redactions and transcript rows.
struct Audit {
    files: Vec<HashMap<String, Option<String>>>,
    spans: HashMap<String, usize>,
    segments: HashMap<String, usize>,
}

fn audit(out: &Path) -> Audit {
    let py = r#"
import sys, json, collections, pyarrow.dataset as ds
out = sys.argv[1]
t = lambda name: ds.dataset(out + '/audit/' + name, format='parquet').to_table()
files = [{k: r[k] for k in ('file_id', 'input_path', 'status', 'error')} for r in t('files').to_pylist()]
count = lambda name: collections.Counter(t(name).column('file_id').to_pylist())
print(json.dumps({'files': files, 'spans': count('redactions'), 'segments': count('transcripts')}))
"#;
    let o = python().arg("-c").arg(py).arg(out).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let counts = |k: &str| -> HashMap<String, usize> {
        v[k].as_object()
            .unwrap()
            .iter()
            .map(|(id, n)| (id.clone(), n.as_u64().unwrap() as usize))
            .collect()
    };
    Audit {
        files: v["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r.as_object()
                    .unwrap()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.as_str().map(str::to_string)))
                    .collect()
            })
            .collect(),
        spans: counts("spans"),
        segments: counts("segments"),
    }
}

fn html_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            html_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "html") {
            out.push(p);
        }
    }
}

#[test]
fn report_renders_in_chromium_lists_every_call_and_shows_each_span() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let out = tmp.path().join("out");
    let names = small_samples(3);
    copy_samples(
        &input,
        &names.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    fs::write(input.join(BROKEN), b"RIFF....WAVEjunk").unwrap();

    // `run --report` writes the report at the end of the run...
    let o = run(&[&input], &out, &["--report"]);
    assert_eq!(o.status.code(), Some(1), "the broken file fails the run");
    let said = String::from_utf8_lossy(&o.stdout);
    assert!(said.contains("report: "), "{said}");
    assert!(out.join("report/index.html").is_file());
    // ...and `report OUT` writes the same from the audit alone.
    fs::remove_dir_all(out.join("report")).unwrap();
    let o = bin().arg("report").arg(&out).output().unwrap();
    eprintln!("{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(o.status.code(), Some(0));
    let said = String::from_utf8_lossy(&o.stdout).into_owned();
    println!("{said}");
    assert!(said.contains("(4 calls, 3 pages)"), "{said}");

    let audit = audit(&out);
    assert_eq!(audit.files.len(), names.len() + 1);

    // The index: every call listed once, the failed one with the audit's reason.
    let index = dom(&out.join("report/index.html"));
    assert_scripts_ran(&index, "index.html");
    let rows = tags(&index, "tr", "call");
    let listed: HashMap<String, &str> = rows
        .iter()
        .map(|t| (attr(t, "data-name").unwrap(), *t))
        .collect();
    assert_eq!(
        rows.len(),
        audit.files.len(),
        "one row per call: {listed:?}"
    );
    let mut pages = Vec::new();
    for f in &audit.files {
        let name = f["input_path"].clone().unwrap();
        let row = listed
            .get(&name)
            .unwrap_or_else(|| panic!("{name} is not listed in the index"));
        assert_eq!(attr(row, "data-status"), f["status"], "{name}");
        assert_eq!(attr(row, "data-file-id"), f["file_id"], "{name}");
        if f["status"].as_deref() == Some("redacted") {
            let page = attr(row, "data-page").expect("a redacted call links its page");
            pages.push((f["file_id"].clone().unwrap(), name, page));
        } else {
            assert_eq!(
                attr(row, "data-page"),
                None,
                "{name}: a failed call has no page"
            );
        }
    }
    let failed = tags(&index, "tr", "failed");
    assert_eq!(failed.len(), 1, "the summary lists the one failure");
    // Calls are named by their input id: the root folder's label, then the path under it.
    assert_eq!(attr(failed[0], "data-name"), Some(format!("in/{BROKEN}")));
    let reason = audit
        .files
        .iter()
        .find(|f| f["status"].as_deref() == Some("failed"))
        .and_then(|f| f["error"].clone())
        .expect("the audit has a reason");
    let shown = index
        .split("<td class=\"reason\">")
        .nth(1)
        .and_then(|s| s.split("</td>").next())
        .map(unescape)
        .expect("the failed row shows a reason");
    assert_eq!(shown, reason);
    println!(
        "index: {} calls listed, failed one shown with: {shown}",
        rows.len()
    );

    // Each call page: its scripts ran, its player loaded the redacted file by its relative
    // path, and it shows one muted region per audit row and one line per transcript row.
    for (file_id, name, page) in &pages {
        let html = dom(&out.join("report").join(page));
        assert_scripts_ran(&html, page);
        let b = body(&html);
        // A media element delays the load event until its metadata is in (or it failed), and
        // --dump-dom waits for the load event, so this state is settled, not a race.
        assert_eq!(
            attr(&b, "data-audio").as_deref(),
            Some("ready"),
            "{name}: the player did not load the redacted file"
        );
        let regions = html.matches("class=\"muted-region").count();
        let want = audit.spans.get(file_id).copied().unwrap_or(0);
        assert_eq!(regions, want, "{name}: muted regions vs audit rows");
        assert_eq!(attr(&b, "data-regions"), Some(want.to_string()));
        let lines = tags(&html, "li", "seg").len();
        let segs = audit.segments.get(file_id).copied().unwrap_or(0);
        assert_eq!(lines, segs, "{name}: transcript lines vs audit rows");
        assert!(html.contains(&format!("<h1 id=\"call-name\">{name}</h1>")));
        println!("{name}: {regions} muted regions = {want} audit rows, {lines} transcript lines");
    }
    assert_eq!(pages.len(), names.len());

    // No sensitive value, masked or not, in any page: the scorer scans .html outputs, and a
    // direct scan checks the same for the values of the calls that were run.
    let score = score(&root().join("samples/truth.json"), &input, &out);
    assert_eq!(
        score["leaks"],
        serde_json::json!([]),
        "leaks: {}",
        score["leaks"]
    );
    let mut htmls = Vec::new();
    html_files(&out.join("report"), &mut htmls);
    assert_eq!(htmls.len(), pages.len() + 1);
    let truth: serde_json::Value =
        serde_json::from_slice(&fs::read(root().join("samples/truth.json")).unwrap()).unwrap();
    for p in &htmls {
        let text: String = fs::read_to_string(p)
            .unwrap()
            .to_lowercase()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '@' || *c == '.')
            .collect();
        for n in &names {
            for s in truth[n]["spans"].as_array().unwrap() {
                let v = s["value"].as_str().unwrap();
                let v: String = v
                    .to_lowercase()
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric() || *c == '@' || *c == '.')
                    .collect();
                if s["kind"] != "DECOY" && v.len() >= 6 {
                    assert!(
                        !text.contains(&v),
                        "{}: holds a {} value",
                        p.display(),
                        s["kind"]
                    );
                }
            }
        }
    }
    println!("no sensitive value in {} pages", htmls.len());
}
