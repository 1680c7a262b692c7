//! A wrapper type for secrets (private keys, enrollment secrets, API
//! secrets, passphrases) used throughout Fabric HA Desktop.
//!
//! [`Sensitive<T>`] makes the careless paths safe:
//!
//! * `Debug` and `Display` print exactly `<redacted>`, so a secret never
//!   ends up in a log line or a panic message by accident.
//! * `Serialize` always fails, so a secret can never be sent over IPC,
//!   written into JSON or persisted in clear text by accident.
//! * The wrapped value is zeroized when the wrapper is dropped.
//! * The only way to read the value is [`Sensitive::expose`], which makes
//!   every use easy to find in review (`grep expose`).
//!
//! `Deserialize` *is* implemented: secrets legitimately arrive from the UI
//! or from files. Note that intermediate buffers owned by the deserializer
//! (for example the input JSON string) are outside this type's control.
//!
//! ```
//! use fabric_ha_sensitive::Sensitive;
//!
//! let secret = Sensitive::from(String::from("hunter2"));
//! assert_eq!(format!("{secret:?}"), "<redacted>");
//! assert_eq!(secret.to_string(), "<redacted>");
//! assert!(serde_json::to_string(&secret).is_err());
//! assert_eq!(secret.expose(), "hunter2");
//! ```

use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// The text printed by `Debug` and `Display` in place of a secret.
pub const REDACTED: &str = "<redacted>";

/// The error message returned by the `Serialize` implementation.
pub const SERIALIZE_REFUSED: &str = "refusing to serialize a secret";

/// A secret value: redacted when formatted, never serializable, zeroized
/// on drop.
///
/// Read it with [`Sensitive::expose`]; there is intentionally no way to
/// move the value back out.
pub struct Sensitive<T: Zeroize>(T);

impl<T: Zeroize> Sensitive<T> {
    /// Wraps `value` as a secret.
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// Borrows the secret value.
    ///
    /// This is the only way to read a secret; keep the borrow short and do
    /// not copy the value into types that are not zeroized.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T: Zeroize> Drop for Sensitive<T> {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl<T: Zeroize> ZeroizeOnDrop for Sensitive<T> {}

impl<T: Zeroize + Clone> Clone for Sensitive<T> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<T: Zeroize> fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl<T: Zeroize> fmt::Display for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// Compares the byte representations in constant time (for equal
/// lengths; the length itself is not hidden).
impl<T: Zeroize + AsRef<[u8]>> PartialEq for Sensitive<T> {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_ref().ct_eq(other.0.as_ref()).into()
    }
}

impl<T: Zeroize + AsRef<[u8]>> Eq for Sensitive<T> {}

/// Always fails with [`SERIALIZE_REFUSED`]: secrets must never reach JSON,
/// IPC payloads or logs.
impl<T: Zeroize> Serialize for Sensitive<T> {
    fn serialize<S: Serializer>(&self, _serializer: S) -> Result<S::Ok, S::Error> {
        Err(serde::ser::Error::custom(SERIALIZE_REFUSED))
    }
}

impl<'de, T: Zeroize + Deserialize<'de>> Deserialize<'de> for Sensitive<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(Self)
    }
}

impl<T: Zeroize> From<T> for Sensitive<T> {
    fn from(value: T) -> Self {
        Self(value)
    }
}

impl From<&str> for Sensitive<String> {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

/// Secret bytes: `Sensitive<Bytes>`, for buffers of any size (keys, identity files, zips,
/// bundles).
pub type SecretBytes = Sensitive<Bytes>;

/// A byte buffer whose zeroize fills the whole allocation in one pass behind `zeroize`'s
/// optimization barrier. `Vec<u8>`'s own `Zeroize` goes element by element with a barrier per
/// byte: 6–10 ms for a 25 MB bundle, against well under a millisecond this way. Reads as a
/// `[u8]`.
#[derive(Clone, Default)]
pub struct Bytes(Vec<u8>);

impl Bytes {
    /// An empty buffer with room for `capacity` bytes.
    pub fn with_capacity(capacity: usize) -> Bytes {
        Bytes(Vec::with_capacity(capacity))
    }

    /// The bytes, as a slice.
    pub fn as_slice(&self) -> &[u8] {
        &self.0
    }

    /// How many bytes fit without a new allocation.
    pub fn capacity(&self) -> usize {
        self.0.capacity()
    }

    /// Appends as much of `data` as fits in the allocation, and says how much that was. It never
    /// reallocates: a reallocation would leave a copy of the secret behind in freed memory.
    pub fn append_within_capacity(&mut self, data: &[u8]) -> usize {
        let n = data.len().min(self.0.capacity() - self.0.len());
        self.0.extend_from_slice(&data[..n]);
        n
    }
}

impl Deref for Bytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl From<Vec<u8>> for Bytes {
    fn from(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }
}

impl From<Vec<u8>> for Sensitive<Bytes> {
    fn from(bytes: Vec<u8>) -> Self {
        Self(Bytes(bytes))
    }
}

impl Zeroize for Bytes {
    fn zeroize(&mut self) {
        self.0.spare_capacity_mut().zeroize();
        self.0.as_mut_slice().zeroize();
        self.0.clear();
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const CANARY: &str = "canary-7f3a9c-do-not-leak";

    #[derive(Debug, Deserialize, Serialize)]
    struct Credentials {
        user: String,
        secret: Sensitive<String>,
    }

    #[test]
    fn debug_and_display_are_redacted() {
        let s = Sensitive::from(CANARY.to_owned());
        assert_eq!(format!("{s:?}"), "<redacted>");
        assert_eq!(format!("{s:#?}"), "<redacted>");
        assert_eq!(format!("{s}"), "<redacted>");
        assert_eq!(s.to_string(), "<redacted>");
    }

    #[test]
    fn bytes_are_redacted_too() {
        let s = Sensitive::new(vec![0xde_u8, 0xad, 0xbe, 0xef]);
        assert_eq!(format!("{s:?}"), "<redacted>");
        let k = Sensitive::new([7u8; 32]);
        assert_eq!(format!("{k:?}"), "<redacted>");
    }

    #[test]
    fn serialize_always_fails() {
        let s = Sensitive::from(CANARY.to_owned());
        let err = serde_json::to_string(&s).unwrap_err();
        assert!(err.to_string().contains(SERIALIZE_REFUSED), "{err}");
        let err = serde_json::to_vec(&Sensitive::new(vec![1u8, 2, 3])).unwrap_err();
        assert!(err.to_string().contains(SERIALIZE_REFUSED), "{err}");
    }

    #[test]
    fn serializing_a_containing_struct_fails() {
        let c = Credentials {
            user: "admin".into(),
            secret: CANARY.into(),
        };
        let err = serde_json::to_string(&c).unwrap_err();
        assert!(!err.to_string().contains(CANARY));
        assert!(serde_json::to_value(&c).is_err());
    }

    #[test]
    fn debug_of_containing_struct_has_no_secret() {
        let c = Credentials {
            user: "admin".into(),
            secret: CANARY.into(),
        };
        let dbg = format!("{c:?}");
        let pretty = format!("{c:#?}");
        assert!(!dbg.contains(CANARY), "{dbg}");
        assert!(!pretty.contains(CANARY), "{pretty}");
        assert!(dbg.contains("<redacted>"), "{dbg}");
        assert!(dbg.contains("admin"), "{dbg}");
    }

    #[test]
    fn deserialize_string_and_bytes() {
        let c: Credentials =
            serde_json::from_str(&format!(r#"{{"user":"admin","secret":"{CANARY}"}}"#)).unwrap();
        assert_eq!(c.secret.expose(), CANARY);

        let b: Sensitive<Vec<u8>> = serde_json::from_str("[1,2,3]").unwrap();
        assert_eq!(b.expose(), &vec![1u8, 2, 3]);

        let s: Sensitive<String> = serde_json::from_str(r#""x""#).unwrap();
        assert_eq!(s.expose(), "x");

        assert!(serde_json::from_str::<Sensitive<String>>("42").is_err());
    }

    #[test]
    fn clone_and_constant_time_eq() {
        let a = Sensitive::from(CANARY.to_owned());
        let b = a.clone();
        assert_eq!(a, b);
        assert_eq!(b.expose(), CANARY);
        assert_ne!(a, Sensitive::from("other"));
        assert_ne!(a, Sensitive::from(""));
        assert_eq!(Sensitive::new([1u8; 32]), Sensitive::new([1u8; 32]));
        assert_ne!(Sensitive::new(vec![1u8]), Sensitive::new(vec![2u8]));
    }

    #[test]
    fn from_conversions() {
        let a: Sensitive<String> = String::from("p").into();
        let b: Sensitive<String> = "p".into();
        assert_eq!(a, b);
        let v: Sensitive<Vec<u8>> = vec![9u8].into();
        assert_eq!(v.expose(), &[9u8]);
    }

    #[test]
    fn bytes_zeroize_the_whole_allocation_and_read_as_a_slice() {
        let mut b = Bytes::with_capacity(32);
        assert_eq!(b.append_within_capacity(CANARY.as_bytes()), CANARY.len());
        assert_eq!(
            b.append_within_capacity(CANARY.as_bytes()),
            32 - CANARY.len()
        );
        let at = b.as_ptr();
        assert_eq!(b.capacity(), 32, "never grown");
        assert_eq!(&b[..CANARY.len()], CANARY.as_bytes());
        assert_eq!(b.as_slice().len(), 32);
        b.zeroize();
        assert!(b.is_empty());
        // Cleared in place: the allocation the bytes were in is kept (and was zeroed).
        assert_eq!((b.as_ptr(), b.capacity()), (at, 32));

        let secret = SecretBytes::from(CANARY.as_bytes().to_vec());
        assert_eq!(format!("{secret:?}"), REDACTED);
        assert!(serde_json::to_vec(&secret).is_err());
        assert_eq!(secret, SecretBytes::from(CANARY.as_bytes().to_vec()));
    }

    /// A value whose drop can be observed, to check zeroize-on-drop.
    struct Probe<'a>(&'a std::cell::Cell<bool>);

    impl Zeroize for Probe<'_> {
        fn zeroize(&mut self) {
            self.0.set(true);
        }
    }

    #[test]
    fn zeroizes_on_drop() {
        let zeroized = std::cell::Cell::new(false);
        let s = Sensitive::new(Probe(&zeroized));
        assert!(!s.expose().0.get());
        drop(s);
        assert!(zeroized.get());
    }
}
