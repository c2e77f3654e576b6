//! Matchers for sensitive values spoken as words rather than digits: e-mail addresses, postcodes,
//! National Insurance numbers, names, address lines and customer term lists. Each works on one
//! turn's word texts and returns word-index ranges; the detection framework adds times, channels
//! and context windows.

/// An inclusive range of word indices in the slice a matcher was given.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Match {
    pub first: usize,
    pub last: usize,
    pub confidence: f32,
    pub rule: &'static str,
}
