//! Card-number arithmetic shared by the card detector and the scene that joins runs said in
//! parts: the Luhn checksum, the Luhn-valid stretch of a digit run, and issuer ranges. A leaf:
//! it knows digits, not words, windows or findings.

/// The Luhn checksum: the last digit makes the weighted sum a multiple of ten.
pub fn luhn(digits: &[u8]) -> bool {
    if digits.is_empty() {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = d as u32;
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

/// A stretch of 12-19 digits that passes Luhn: the whole run, or the run less one or two stray
/// digits in front ("to 4539..." puts a homophone before the number; a leading "oh" never
/// changes Luhn). A trimmed stretch, or a 12-digit one, must also fit an issuer range: one
/// random number in ten passes Luhn, and every extra stretch tried is another chance.
pub fn luhn_span(digits: &[u8]) -> Option<std::ops::Range<usize>> {
    let n = digits.len();
    (0..=2usize).filter(|&front| front < n).find_map(|front| {
        let s = &digits[front..];
        let ok = (12..=19).contains(&s.len())
            && luhn(s)
            && (issuer(s).is_some() || (front == 0 && s.len() >= 13));
        ok.then_some(front..n)
    })
}

/// The card scheme whose issuer range and length the digits fit, if any.
pub fn issuer(d: &[u8]) -> Option<&'static str> {
    let n = d.len();
    let prefix = |k: usize| -> u32 { d.iter().take(k).fold(0u32, |a, x| a * 10 + *x as u32) };
    if n < 12 {
        return None;
    }
    let p1 = prefix(1);
    let p2 = prefix(2);
    let p3 = prefix(3);
    let p4 = prefix(4);
    let p6 = prefix(6);
    if p1 == 4 && matches!(n, 13 | 16 | 19) {
        return Some("visa");
    }
    if ((51..=55).contains(&p2) || (2221..=2720).contains(&p4)) && n == 16 {
        return Some("mastercard");
    }
    if (p2 == 34 || p2 == 37) && n == 15 {
        return Some("amex");
    }
    if (p4 == 6011 || (644..=649).contains(&p3) || p2 == 65) && (16..=19).contains(&n) {
        return Some("discover");
    }
    if (3528..=3589).contains(&p4) && (16..=19).contains(&n) {
        return Some("jcb");
    }
    if ((300..=305).contains(&p3) || p2 == 36 || p2 == 38 || p2 == 39) && (14..=19).contains(&n) {
        return Some("diners");
    }
    if p2 == 62 && (16..=19).contains(&n) {
        return Some("unionpay");
    }
    if (p2 == 50 || (56..=69).contains(&p2) || (675900..=675999).contains(&p6))
        && (12..=19).contains(&n)
    {
        return Some("maestro");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Vec<u8> {
        s.bytes().map(|b| b - b'0').collect()
    }

    #[test]
    fn luhn_accepts_valid_numbers_and_rejects_one_wrong_digit() {
        assert!(luhn(&d("4539148803436467")));
        assert!(!luhn(&d("4539148803436468")));
        assert!(luhn(&d("378282246310005")));
        assert!(!luhn(&[]));
    }

    #[test]
    fn issuer_ranges_need_a_card_length() {
        assert_eq!(issuer(&d("4539148803436467")), Some("visa"));
        assert_eq!(issuer(&d("5555555555554444")), Some("mastercard"));
        assert_eq!(issuer(&d("2223003122003222")), Some("mastercard"));
        assert_eq!(issuer(&d("378282246310005")), Some("amex"));
        assert_eq!(issuer(&d("6011111111111117")), Some("discover"));
        assert_eq!(issuer(&d("447700900123")), None);
        assert_eq!(issuer(&d("4539")), None);
    }

    #[test]
    fn a_stray_digit_in_front_does_not_hide_a_valid_card() {
        assert_eq!(luhn_span(&d("24539148803436467")), Some(1..17));
        assert_eq!(luhn_span(&d("4539148803436467")), Some(0..16));
        assert_eq!(luhn_span(&d("1234")), None);
    }
}
