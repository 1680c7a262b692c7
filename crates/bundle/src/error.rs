//! Why a bundle cannot be built, opened or verified. Every variant names the bundle file and,
//! where there is one, the entry inside it.

/// Everything that can go wrong with a bundle.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    /// The passphrase or the identities given do not open the bundle.
    #[error("{file}: the passphrase or key does not open this bundle")]
    WrongKey {
        /// The bundle file.
        file: String,
    },
    /// The bundle is encrypted and no passphrase or identity was given.
    #[error("{file}: the bundle is encrypted; give its passphrase or an identity file")]
    KeyNeeded {
        /// The bundle file.
        file: String,
    },
    /// The file ends early or its bytes are damaged.
    #[error("{file}: the bundle is truncated or damaged ({reason})")]
    Damaged {
        /// The bundle file.
        file: String,
        /// What the reader found.
        reason: String,
    },
    /// The file is not a bundle of this app (or of a newer format).
    #[error("{file}: not a Fabric HA bundle ({reason})")]
    NotABundle {
        /// The bundle file.
        file: String,
        /// Why.
        reason: String,
    },
    /// An entry whose name or type could escape the folder it is read into.
    #[error("{file}: entry {entry:?} refused: {reason}")]
    UnsafeEntry {
        /// The bundle file.
        file: String,
        /// The entry name as stored.
        entry: String,
        /// Why (path traversal, absolute path, link, folder, duplicate).
        reason: String,
    },
    /// An entry, or the whole bundle, is larger than the caps allow.
    #[error("{file}: {entry} is larger than the cap of {limit} bytes")]
    TooLarge {
        /// The bundle file.
        file: String,
        /// The entry (or `the bundle`).
        entry: String,
        /// The cap in bytes.
        limit: u64,
    },
    /// More entries than the cap allows.
    #[error("{file}: more than {limit} entries")]
    TooManyEntries {
        /// The bundle file.
        file: String,
        /// The cap.
        limit: usize,
    },
    /// The manifest is missing or unreadable.
    #[error("{file}: manifest.json: {reason}")]
    Manifest {
        /// The bundle file.
        file: String,
        /// Why.
        reason: String,
    },
    /// An entry the manifest does not list.
    #[error("{file}: entry {entry:?} is not listed in the manifest")]
    Unlisted {
        /// The bundle file.
        file: String,
        /// The entry.
        entry: String,
    },
    /// An entry the manifest lists is not in the bundle.
    #[error("{file}: entry {entry:?} is listed in the manifest but missing")]
    Missing {
        /// The bundle file.
        file: String,
        /// The entry.
        entry: String,
    },
    /// An entry's size differs from the manifest's.
    #[error("{file}: entry {entry:?} has {actual} bytes, the manifest says {expected}")]
    SizeMismatch {
        /// The bundle file.
        file: String,
        /// The entry.
        entry: String,
        /// Size in the manifest.
        expected: u64,
        /// Size in the bundle.
        actual: u64,
    },
    /// An entry's SHA-256 differs from the manifest's: it was changed after the bundle was made.
    #[error("{file}: entry {entry:?} does not match its SHA-256 in the manifest (changed after the bundle was made)")]
    HashMismatch {
        /// The bundle file.
        file: String,
        /// The entry.
        entry: String,
    },
    /// The signature is missing, malformed, from another key or does not match the manifest.
    #[error("{file}: manifest.sig: {reason}")]
    Signature {
        /// The bundle file.
        file: String,
        /// Why.
        reason: String,
    },
    /// The bundle was made for another console.
    #[error("{file}: this bundle is for console {bundle_for:?}, not for {target:?}")]
    WrongConsole {
        /// The bundle file.
        file: String,
        /// The target console in the manifest.
        bundle_for: String,
        /// The console it was to be applied to.
        target: String,
    },
    /// The bundle cannot be built as asked.
    #[error("{field}: {reason}")]
    Invalid {
        /// Which input.
        field: String,
        /// Why.
        reason: String,
    },
    /// Reading or writing a file failed.
    #[error("{path}: {reason}")]
    Io {
        /// The file.
        path: String,
        /// The OS error.
        reason: String,
    },
}
