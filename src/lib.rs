//! callredact: finds spoken payment-card data and personal details in call recordings and mutes
//! them. One module per pipeline stage; `pipeline` wires them for one recording and `batch` for
//! a folder.

pub mod detect;
pub mod model;
pub mod policy;
pub mod types;
pub mod units;
