//! The module graph has no cycles: data flows one way through the pipeline, and a leaf module
//! never reaches back into the stage that uses it. Reads `src/` as text: every `crate::` and
//! `super::` path outside `#[cfg(test)]` is an edge from the file's module to the deepest
//! module the path names.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// `src/detect/mod.rs` -> ["detect"], `src/audio/wav.rs` -> ["audio", "wav"], `src/lib.rs` -> [].
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .iter()
        .map(|s| s.to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The paths a file names with `crate::` or `super::`, as module paths from the crate root.
fn references(module: &[String], text: &str) -> Vec<Vec<String>> {
    let code = text.split("#[cfg(test)]").next().unwrap_or("");
    let mut out = Vec::new();
    for (i, _) in code.match_indices("::") {
        let head_start = code[..i]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .map_or(0, |k| k + 1);
        let head = &code[head_start..i];
        let mut base: Vec<String> = match head {
            "crate" => Vec::new(),
            "super" if !module.is_empty() => module[..module.len() - 1].to_vec(),
            _ => continue,
        };
        // The segments after the head: `a::b::c` up to the first non-identifier.
        let rest = &code[i + 2..];
        for seg in rest.split("::") {
            let ident: String = seg
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if ident.is_empty() {
                break;
            }
            base.push(ident.clone());
            if ident.len() != seg.len() {
                break;
            }
        }
        out.push(base);
    }
    out
}

#[test]
fn the_module_graph_has_no_cycles() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let modules: BTreeMap<Vec<String>, String> = files
        .iter()
        .map(|f| (module_of(&src, f), std::fs::read_to_string(f).unwrap()))
        .collect();
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for (m, text) in &modules {
        for path in references(m, text) {
            // The deepest prefix of the path that is a module of ours.
            let Some(target) = (1..=path.len())
                .rev()
                .map(|k| path[..k].to_vec())
                .find(|p| modules.contains_key(p))
            else {
                continue;
            };
            // A module using its own parent's items (`super::Candidate`) is the tree, not a
            // cycle; only edges between modules that do not contain each other count.
            if target != *m && !m.starts_with(&target) && !target.starts_with(m) {
                edges.entry(m.clone()).or_default().insert(target);
            }
        }
    }
    // A cycle exists when some module reaches itself; report every such module and its path.
    let mut cycles = Vec::new();
    for start in edges.keys() {
        let mut stack = vec![(start.clone(), vec![start.clone()])];
        let mut seen = BTreeSet::new();
        while let Some((at, path)) = stack.pop() {
            for next in edges.get(&at).into_iter().flatten() {
                if next == start {
                    cycles.push(
                        path.iter()
                            .chain([next])
                            .map(|m| m.join("::"))
                            .collect::<Vec<_>>()
                            .join(" -> "),
                    );
                } else if seen.insert(next.clone()) {
                    let mut p = path.clone();
                    p.push(next.clone());
                    stack.push((next.clone(), p));
                }
            }
        }
    }
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

#[test]
fn the_checker_sees_a_cycle() {
    // The test above must be able to fail: two modules naming each other are a cycle.
    let a = references(
        &["detect".into(), "card".into()],
        "use super::scene::Scene;",
    );
    assert_eq!(
        a,
        [vec!["detect".to_string(), "scene".into(), "Scene".into()]]
    );
    let b = references(
        &["detect".into()],
        "use crate::policy::Policy;\n#[cfg(test)]\nuse crate::x::Y;",
    );
    assert_eq!(b, [vec!["policy".to_string(), "Policy".into()]]);
}
