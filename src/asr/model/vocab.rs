//! Token vocabulary: CTranslate2's `vocabulary.txt` lists tokens in id order in GPT-2's
//! byte-to-unicode form (every byte shown as a printable character, so that any token fits on
//! one line); whisper.cpp wants each token's raw bytes.

use std::collections::HashMap;

/// GPT-2's `bytes_to_unicode` table: bytes that are printable Latin-1 stand for themselves,
/// the other 68 take U+0100 onwards in byte order.
fn byte_to_char() -> [char; 256] {
    let printable = |b: u32| {
        (0x21..=0x7E).contains(&b) || (0xA1..=0xAC).contains(&b) || (0xAE..=0xFF).contains(&b)
    };
    let mut table = ['\0'; 256];
    let mut next = 0x100;
    for (b, slot) in table.iter_mut().enumerate() {
        let code = if printable(b as u32) {
            b as u32
        } else {
            next += 1;
            next - 1
        };
        // Every code here is below U+0144, so always a valid char.
        *slot = char::from_u32(code).unwrap_or('\0');
    }
    table
}

/// The inverse table, from a vocabulary character to its byte.
pub fn char_to_byte() -> HashMap<char, u8> {
    byte_to_char()
        .iter()
        .enumerate()
        .map(|(b, c)| (*c, b as u8))
        .collect()
}

/// One vocabulary line as token bytes; None if a character is outside the table.
pub fn token_bytes(line: &str, table: &HashMap<char, u8>) -> Option<Vec<u8>> {
    line.chars().map(|c| table.get(&c).copied()).collect()
}

/// What vocabulary.txt holds, as the converter needs it.
#[derive(Debug)]
pub struct Vocabulary {
    /// Bytes of the regular tokens: ids below `<|endoftext|>`, the only ones whisper.cpp reads
    /// from the file (it names the special tokens itself).
    pub regular: Vec<Vec<u8>>,
    /// All tokens, special ones included: must equal the embedding's row count.
    pub total: usize,
}

/// Parses vocabulary.txt's text. Token 50256 of the multilingual vocabulary is an empty string,
/// so empty lines count; only the newline ending the last line is not a token.
pub fn parse(text: &str) -> Result<Vocabulary, String> {
    let table = char_to_byte();
    let body = text.strip_suffix('\n').unwrap_or(text);
    let lines: Vec<&str> = if body.is_empty() {
        Vec::new()
    } else {
        body.split('\n').collect()
    };
    let eot = lines
        .iter()
        .position(|l| *l == "<|endoftext|>")
        .ok_or("no <|endoftext|> token")?;
    let regular = lines[..eot]
        .iter()
        .enumerate()
        .map(|(i, l)| {
            token_bytes(l, &table).ok_or_else(|| {
                format!("token {i} ({l:?}) has a character outside GPT-2's byte table")
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Vocabulary {
        regular,
        total: lines.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_round_trips() {
        let forward = byte_to_char();
        let back = char_to_byte();
        assert_eq!(back.len(), 256, "characters must be distinct");
        for b in 0..=255u8 {
            assert_eq!(back[&forward[b as usize]], b);
        }
        // Known points of GPT-2's table.
        assert_eq!(forward[b' ' as usize], 'Ġ'); // U+0120: the space that starts a word
        assert_eq!(forward[b'\n' as usize], 'Ċ');
        assert_eq!(forward[0], 'Ā');
        assert_eq!(forward[0xAD], 'Ń'); // soft hyphen: the last non-printable byte
        assert_eq!(forward[b'!' as usize], '!');
        assert_eq!(forward[0xE9], 'é');
    }

    #[test]
    fn multibyte_tokens_decode_to_utf8_bytes() {
        let t = char_to_byte();
        // "é" as UTF-8 is C3 A9, which GPT-2 writes as "Ã©".
        assert_eq!(token_bytes("Ã©", &t), Some(vec![0xC3, 0xA9]));
        assert_eq!(token_bytes("ĠHello", &t), Some(b" Hello".to_vec()));
        assert_eq!(token_bytes("€", &t), None);
    }

    #[test]
    fn regular_tokens_stop_at_end_of_text() {
        let v = parse("!\nĠthe\n\nĊ\n<|endoftext|>\n<|startoftranscript|>\n").expect("valid");
        assert_eq!(
            v.regular,
            vec![b"!".to_vec(), b" the".to_vec(), Vec::new(), b"\n".to_vec()]
        );
        assert_eq!(v.total, 6);
        assert!(parse("a\nb").is_err());
        assert!(parse("").is_err());
        assert!(parse("a\n€\n<|endoftext|>").is_err());
    }
}
