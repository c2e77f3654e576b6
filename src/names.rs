//! How a file's name is written in logs, errors and the audit: one escaped form, the same
//! everywhere. A file name is chosen by whoever made the recording, so it may hold a newline
//! (which would split a text log line and let a name forge a log entry), terminal escapes, or
//! bytes that are not UTF-8 (which a lossy conversion would turn into the same U+FFFD for two
//! different files). The escaped form is printable, on one line, and tells any two names apart.

use std::path::Path;

/// `p` with backslashes doubled, control characters as `\n`, `\t`, `\r` or `\u{..}`, and bytes
/// that are not UTF-8 as `\xNN`. Printable text, spaces and accents are kept as they are.
pub fn escaped(p: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut out = String::new();
    for chunk in p.as_os_str().as_bytes().utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                '\r' => out.push_str("\\r"),
                c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;

    #[test]
    fn plain_names_spaces_and_accents_are_unchanged() {
        assert_eq!(
            escaped(Path::new("day 1/Zoë's call.wav")),
            "day 1/Zoë's call.wav"
        );
    }

    #[test]
    fn a_newline_cannot_split_a_log_line() {
        let forged = escaped(Path::new("a.wav\n2026-12-01 INFO done file=b.wav"));
        assert!(!forged.contains('\n'));
        assert_eq!(forged, "a.wav\\n2026-12-01 INFO done file=b.wav");
        assert_eq!(escaped(Path::new("x\u{1b}[31m.wav")), "x\\u{1b}[31m.wav");
    }

    #[test]
    fn two_invalid_names_stay_two_names() {
        let a = escaped(Path::new(OsStr::from_bytes(b"a\xff.wav")));
        let b = escaped(Path::new(OsStr::from_bytes(b"a\xfe.wav")));
        assert_eq!(a, "a\\xFF.wav");
        assert_ne!(a, b);
        // A literal backslash cannot pass for an escape.
        assert_ne!(escaped(Path::new("a\\xFF.wav")), a);
    }
}
