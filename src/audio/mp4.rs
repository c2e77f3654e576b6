//! An MP4/M4A container's boxes checked before symphonia reads them. symphonia 0.5 sizes its
//! sample tables by the counts a file claims (`Vec::with_capacity(entry_count)` in `stsc`,
//! `stsz`, `stts`, `stco`, `co64`) and reads metadata by the length a box claims: one flipped
//! byte in a header asked for 64 GiB, and a failed allocation aborts the process, the whole
//! batch with it, where a bad file must fail alone. So every box must fit inside its parent,
//! and every table's entries inside its box, or the file is refused as corrupt, unread.

use std::io::{Read, Seek, SeekFrom};

/// Boxes whose children are boxes.
const CONTAINERS: &[&[u8; 4]] = &[
    b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts", b"dinf", b"udta", b"mvex", b"moof",
    b"traf", b"ilst", b"meta",
];

/// More boxes than any real recording holds: a file built to be walked for ever is refused.
const MAX_BOXES: usize = 100_000;

/// Whether `head` (a file's first bytes) starts an ISO base media file (MP4, M4A, MOV).
pub fn is_mp4(head: &[u8]) -> bool {
    head.len() >= 8 && matches!(&head[4..8], b"ftyp" | b"moov" | b"mdat" | b"free" | b"wide")
}

/// Checks every box of the file in `src` (`len` bytes long). The error names the box and what
/// it claims; the source's position afterwards is unspecified.
pub fn check_boxes<R: Read + Seek>(src: &mut R, len: u64) -> Result<(), String> {
    let mut walked = 0;
    walk(src, 0, len, &mut walked)
}

fn walk<R: Read + Seek>(src: &mut R, from: u64, to: u64, walked: &mut usize) -> Result<(), String> {
    let mut at = from;
    while at + 8 <= to {
        *walked += 1;
        if *walked > MAX_BOXES {
            return Err(format!("MP4 with more than {MAX_BOXES} boxes"));
        }
        let mut h = [0u8; 8];
        read_at(src, at, &mut h)?;
        let kind: [u8; 4] = [h[4], h[5], h[6], h[7]];
        let name = String::from_utf8_lossy(&kind).into_owned();
        let (size, header) = match u32::from_be_bytes([h[0], h[1], h[2], h[3]]) {
            0 => (to - at, 8),
            1 => {
                let mut large = [0u8; 8];
                read_at(src, at + 8, &mut large)?;
                (u64::from_be_bytes(large), 16)
            }
            n => (u64::from(n), 8),
        };
        // A recording cut short keeps a media box that claims more than is left: symphonia
        // decodes what is there, and nothing after it is read.
        if &kind == b"mdat" && from == 0 && size > to - at {
            return Ok(());
        }
        if size < header || size > to - at {
            return Err(format!(
                "MP4 box '{name}' claims {size} bytes, {} left in its parent",
                to - at
            ));
        }
        let body = at + header;
        let end = at + size;
        if CONTAINERS.contains(&&kind) {
            let children = children_at(src, &kind, body, end)?;
            walk(src, children, end, walked)?;
        } else if let Some(entry) = table_entry(src, &kind, body, end)? {
            check_table(src, &name, body, end, entry)?;
        }
        at = end;
    }
    Ok(())
}

/// Where a container's children start: after its header, and for `meta` after a version
/// and flags too, which MP4's `meta` has (all zero) and QuickTime's does not.
fn children_at<R: Read + Seek>(
    src: &mut R,
    kind: &[u8; 4],
    body: u64,
    end: u64,
) -> Result<u64, String> {
    if kind != b"meta" || end < body + 4 {
        return Ok(body);
    }
    let mut v = [0u8; 4];
    read_at(src, body, &mut v)?;
    Ok(if v == [0; 4] { body + 4 } else { body })
}

/// Bytes each entry of a sample table takes, and where its count is, relative to the body:
/// (count offset, entry bytes); None for a box that is no table, or a table with no entries
/// stored (a constant sample size).
fn table_entry<R: Read + Seek>(
    src: &mut R,
    kind: &[u8; 4],
    body: u64,
    end: u64,
) -> Result<Option<(u64, u64)>, String> {
    Ok(match kind {
        b"stsc" | b"elst" if end >= body + 4 => {
            // elst's version 1 entries are 20 bytes; 12 for version 0, as stsc's.
            let mut v = [0u8; 1];
            read_at(src, body, &mut v)?;
            Some((4, if kind == b"elst" && v[0] == 1 { 20 } else { 12 }))
        }
        b"stts" | b"ctts" | b"co64" => Some((4, 8)),
        b"stco" | b"stss" => Some((4, 4)),
        b"stsz" if end >= body + 8 => {
            let mut size = [0u8; 4];
            read_at(src, body + 4, &mut size)?;
            (u32::from_be_bytes(size) == 0).then_some((8, 4))
        }
        _ => None,
    })
}

fn check_table<R: Read + Seek>(
    src: &mut R,
    name: &str,
    body: u64,
    end: u64,
    (count_at, entry): (u64, u64),
) -> Result<(), String> {
    let first = body + count_at + 4;
    if first > end {
        return Err(format!("MP4 box '{name}' too short for its entry count"));
    }
    let mut c = [0u8; 4];
    read_at(src, body + count_at, &mut c)?;
    let count = u64::from(u32::from_be_bytes(c));
    if count * entry > end - first {
        return Err(format!(
            "MP4 box '{name}' claims {count} entries, room for {}",
            (end - first) / entry
        ));
    }
    Ok(())
}

fn read_at<R: Read + Seek>(src: &mut R, at: u64, buf: &mut [u8]) -> Result<(), String> {
    src.seek(SeekFrom::Start(at))
        .and_then(|_| src.read_exact(buf))
        .map_err(|e| format!("MP4 box header unreadable at byte {at}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn boxed(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut b = ((body.len() + 8) as u32).to_be_bytes().to_vec();
        b.extend_from_slice(kind);
        b.extend_from_slice(body);
        b
    }

    /// ftyp, then moov/trak/mdia/minf/stbl holding one stsc with `count` entries claimed and
    /// `held` stored.
    fn file(count: u32, held: usize) -> Vec<u8> {
        let mut stsc = vec![0u8; 4];
        stsc.extend_from_slice(&count.to_be_bytes());
        stsc.extend(std::iter::repeat_n(0u8, held * 12));
        let mut inner = boxed(b"stsc", &stsc);
        for kind in [b"stbl", b"minf", b"mdia", b"trak", b"moov"] {
            inner = boxed(kind, &inner);
        }
        let mut f = boxed(b"ftyp", b"M4A \0\0\0\0");
        f.extend(inner);
        f
    }

    fn check(bytes: &[u8]) -> Result<(), String> {
        check_boxes(&mut Cursor::new(bytes), bytes.len() as u64)
    }

    #[test]
    fn a_table_that_holds_its_entries_passes() {
        let f = file(3, 3);
        assert!(is_mp4(&f));
        assert_eq!(check(&f), Ok(()));
    }

    #[test]
    fn a_table_claiming_more_entries_than_its_box_holds_is_refused() {
        // One flipped byte in a count: symphonia would reserve 2^32 x 12 bytes for it.
        let e = check(&file(u32::MAX, 3)).unwrap_err();
        assert!(e.contains("'stsc' claims 4294967295 entries"), "{e}");
    }

    #[test]
    fn a_box_larger_than_its_parent_is_refused() {
        let mut f = file(3, 3);
        // The moov box (after ftyp's 16 bytes) claims 4 GiB.
        f[16..20].copy_from_slice(&u32::MAX.to_be_bytes());
        let e = check(&f).unwrap_err();
        assert!(e.contains("'moov' claims 4294967295 bytes"), "{e}");
        // A size below its own header is refused too, not walked for ever.
        let mut f = file(3, 3);
        f[16..20].copy_from_slice(&4u32.to_be_bytes());
        assert!(check(&f).is_err());
    }

    #[test]
    fn a_recording_cut_short_in_its_media_passes() {
        let mut f = file(3, 3);
        f.extend(boxed(b"mdat", &[0u8; 64]));
        f.truncate(f.len() - 40);
        assert_eq!(check(&f), Ok(()));
        // The nearest non-example: a table box cut short is refused.
        let f = file(3, 3);
        let cut = &f[..f.len() - 10];
        assert!(check(cut).is_err());
    }

    #[test]
    fn meta_is_walked_with_or_without_its_version_and_flags() {
        let ilst = boxed(b"ilst", &boxed(b"\xa9nam", b"\0\0\0\0data"));
        for body in [[vec![0u8; 4], ilst.clone()].concat(), ilst] {
            let mut f = boxed(b"ftyp", b"M4A \0\0\0\0");
            f.extend(boxed(b"moov", &boxed(b"udta", &boxed(b"meta", &body))));
            assert_eq!(check(&f), Ok(()));
        }
    }

    #[test]
    fn other_files_are_not_mp4() {
        assert!(!is_mp4(b"RIFF\0\0\0\0WAVEfmt "));
        assert!(!is_mp4(b"fLaC\0\0\0\x22"));
        assert!(!is_mp4(b"ID3"));
    }
}
