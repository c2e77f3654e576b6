//! The `[detect]` section of the policy file.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DetectConfig {
    /// A digit run this long with no context is muted as NUMBER.
    pub number_min_digits: usize,
}

impl Default for DetectConfig {
    fn default() -> Self {
        DetectConfig { number_min_digits: 8 }
    }
}
