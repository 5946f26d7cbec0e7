//! Importers: other formats turned into `.isms` text.
//!
//! - [`oscal`]: an OSCAL catalog (JSON) into a `framework` item (`ismsc import oscal-catalog`).
//!
//! Importers are pure: they take the text of a file and return the text of a `.isms` file or
//! an error message; the command line reads and writes the files. The input is untrusted: a
//! malformed document gives an [`ImportError`], never a panic.

pub mod oscal;

/// Why an import failed; the message is ready to print.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError(pub String);

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ImportError {}
