//! What can stop a report from being written. A call whose audio cannot be read is not an
//! error here: its page says so, and the rest of the report is still useful.

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("{path}: no audit here (no Parquet parts under audit/files); is this a callredact output folder?")]
    NoAudit { path: String },
    #[error("{path}: {cause}")]
    Audit { path: String, cause: String },
    #[error("cannot start worker threads: {0}")]
    Threads(String),
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}
