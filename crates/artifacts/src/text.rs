//! The text encoding of a console file: UTF-8 (the console's), with or without a byte-order
//! mark, or UTF-16 as some Windows editors save it (with a byte-order mark, or without one and
//! recognised by the zero bytes of JSON's first ASCII characters, as RFC 4627 §3 describes).

use std::borrow::Cow;

use crate::report::{FindingCode, Problem};

/// A UTF-16 byte order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Utf16 {
    /// Little-endian (byte-order mark `FF FE`; what Windows calls "Unicode").
    Le,
    /// Big-endian (byte-order mark `FE FF`).
    Be,
}

impl Utf16 {
    fn name(self) -> &'static str {
        match self {
            Utf16::Le => "UTF-16 LE",
            Utf16::Be => "UTF-16 BE",
        }
    }

    fn unit(self, pair: [u8; 2]) -> u16 {
        match self {
            Utf16::Le => u16::from_le_bytes(pair),
            Utf16::Be => u16::from_be_bytes(pair),
        }
    }
}

/// The encoding found at offset 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Encoding {
    /// UTF-8 without a byte-order mark: the bytes are used as they are.
    Utf8,
    /// UTF-8 after a byte-order mark (`EF BB BF`).
    Utf8Bom,
    /// UTF-16 with (`bom`) or without a byte-order mark.
    Utf16 { order: Utf16, bom: bool },
}

impl Encoding {
    /// The encoding of `bytes`, from their first bytes.
    pub(crate) fn sniff(bytes: &[u8]) -> Encoding {
        match bytes {
            [0xEF, 0xBB, 0xBF, ..] => Encoding::Utf8Bom,
            [0xFF, 0xFE, ..] => Encoding::Utf16 {
                order: Utf16::Le,
                bom: true,
            },
            [0xFE, 0xFF, ..] => Encoding::Utf16 {
                order: Utf16::Be,
                bom: true,
            },
            // JSON text in UTF-8 never holds a zero byte (a NUL must be escaped), so a zero
            // next to an ASCII character in the first two bytes is UTF-16 (UTF-32, where the
            // first two or last two of four bytes are zero, is left to the JSON error).
            [0, b, ..] if b.is_ascii() && *b != 0 => Encoding::Utf16 {
                order: Utf16::Be,
                bom: false,
            },
            [a, 0, rest @ ..] if a.is_ascii() && *a != 0 && !matches!(rest, [0, 0, ..]) => {
                Encoding::Utf16 {
                    order: Utf16::Le,
                    bom: false,
                }
            }
            _ => Encoding::Utf8,
        }
    }
}

/// `bytes` as UTF-8 JSON text, and the warning to report when they were not plain UTF-8; or the
/// error when UTF-16 cannot be decoded. `limit` is the largest decoded text wanted: bigger input
/// is returned undecoded for the size check to refuse.
pub(crate) fn to_utf8(
    bytes: &[u8],
    limit: usize,
) -> Result<(Cow<'_, [u8]>, Option<Problem>), Problem> {
    match Encoding::sniff(bytes) {
        Encoding::Utf8 => Ok((Cow::Borrowed(bytes), None)),
        Encoding::Utf8Bom => Ok((
            Cow::Borrowed(&bytes[3..]),
            Some(Problem::new(
                FindingCode::Utf8Bom,
                &[],
                "file starts with a UTF-8 byte-order mark; it was ignored",
            )),
        )),
        // Every UTF-16 unit gives at least one UTF-8 byte: too long either way.
        Encoding::Utf16 { .. } if bytes.len() / 2 > limit => Ok((Cow::Borrowed(bytes), None)),
        Encoding::Utf16 { order, bom } => {
            let start = if bom { 2 } else { 0 };
            let text = decode_utf16(&bytes[start..], start, order)?;
            let (code, how) = if bom {
                (FindingCode::Utf16Decoded, "with a byte-order mark")
            } else {
                (
                    FindingCode::Utf16DecodedNoBom,
                    "without a byte-order mark, recognised by its zero bytes",
                )
            };
            Ok((
                Cow::Owned(text.into_bytes()),
                Some(Problem::new(
                    code,
                    &[("encoding", order.name())],
                    format!(
                        "file is encoded as {} ({how}); it was decoded, but the console reads UTF-8: save it as UTF-8",
                        order.name()
                    ),
                )),
            ))
        }
    }
}

/// Decodes UTF-16 units; `offset` is the position of `bytes` in the file, for the messages.
fn decode_utf16(bytes: &[u8], offset: usize, order: Utf16) -> Result<String, Problem> {
    let fix = "save the file as UTF-8 (in Notepad: Save as, Encoding UTF-8)";
    if bytes.len() % 2 == 1 {
        let last = (offset + bytes.len() - 1).to_string();
        return Err(Problem::new(
            FindingCode::Utf16OddLength,
            &[("encoding", order.name()), ("offset", &last)],
            format!(
                "file looks like {} but has an odd number of bytes: the last byte, at byte offset {last}, is half a character; {fix}",
                order.name()
            ),
        ));
    }
    let units = bytes
        .chunks_exact(2)
        .map(|pair| order.unit([pair[0], pair[1]]));
    let mut text = String::with_capacity(bytes.len() / 2);
    let mut at = offset;
    for decoded in char::decode_utf16(units) {
        match decoded {
            Ok(c) => {
                text.push(c);
                at += 2 * c.len_utf16();
            }
            Err(e) => {
                let unit = format!("0x{:04X}", e.unpaired_surrogate());
                return Err(Problem::new(
                    FindingCode::Utf16Surrogate,
                    &[
                        ("encoding", order.name()),
                        ("unit", &unit),
                        ("offset", &at.to_string()),
                    ],
                    format!(
                        "file looks like {} but is not valid {}: unpaired surrogate {unit} at byte offset {at}; {fix}",
                        order.name(),
                        order.name()
                    ),
                ));
            }
        }
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn le(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    fn be(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(u16::to_be_bytes).collect()
    }

    #[test]
    fn sniffs_utf16_with_and_without_bom() {
        let doc = "{\"a\": \"é😀\"}";
        let mut with_le = vec![0xFF, 0xFE];
        with_le.extend(le(doc));
        let mut with_be = vec![0xFE, 0xFF];
        with_be.extend(be(doc));
        for (bytes, order, bom) in [
            (with_le, Utf16::Le, true),
            (with_be, Utf16::Be, true),
            (le(doc), Utf16::Le, false),
            (be(doc), Utf16::Be, false),
        ] {
            assert_eq!(Encoding::sniff(&bytes), Encoding::Utf16 { order, bom });
            let (text, warning) = to_utf8(&bytes, 1 << 20).unwrap();
            assert_eq!(text.as_ref(), doc.as_bytes());
            let warning = warning.unwrap();
            assert_eq!(warning.params["encoding"], order.name());
            assert!(warning.message.contains(order.name()), "{warning}");
            assert!(warning.message.contains("save it as UTF-8"), "{warning}");
        }
    }

    #[test]
    fn utf8_stays_borrowed() {
        assert_eq!(Encoding::sniff(b"{}"), Encoding::Utf8);
        assert_eq!(Encoding::sniff(b""), Encoding::Utf8);
        assert_eq!(Encoding::sniff(b"\xEF\xBB\xBF{}"), Encoding::Utf8Bom);
        // UTF-32 is not taken for UTF-16.
        assert_eq!(Encoding::sniff(b"{\0\0\0"), Encoding::Utf8);
        assert_eq!(Encoding::sniff(b"\0\0\0{"), Encoding::Utf8);
        let (text, warning) = to_utf8(b"{}", 10).unwrap();
        assert!(matches!(text, Cow::Borrowed(b"{}")));
        assert!(warning.is_none());
    }

    #[test]
    fn broken_utf16_names_the_encoding_and_the_offset() {
        let mut odd = vec![0xFF, 0xFE];
        odd.extend(le("{}"));
        odd.push(b'\n');
        let e = to_utf8(&odd, 1 << 20).unwrap_err();
        assert_eq!(e.code, FindingCode::Utf16OddLength);
        assert_eq!(e.params["offset"], "6");
        let e = e.message;
        assert!(e.contains("UTF-16 LE"), "{e}");
        assert!(e.contains("byte offset 6"), "{e}");
        assert!(e.contains("save the file as UTF-8"), "{e}");

        // "{" then a lone high surrogate then "}" in big-endian, without a BOM.
        let lone = [0x00, b'{', 0xD8, 0x3D, 0x00, b'}'];
        let e = to_utf8(&lone, 1 << 20).unwrap_err();
        assert_eq!(e.code, FindingCode::Utf16Surrogate);
        assert_eq!(e.params["unit"], "0xD83D");
        let e = e.message;
        assert!(e.contains("UTF-16 BE"), "{e}");
        assert!(
            e.contains("unpaired surrogate 0xD83D at byte offset 2"),
            "{e}"
        );
    }

    #[test]
    fn oversized_utf16_is_left_for_the_size_check() {
        let bytes = le("{\"a\": 1}");
        let (text, warning) = to_utf8(&bytes, 3).unwrap();
        assert_eq!(text.as_ref(), bytes.as_slice());
        assert!(warning.is_none());
    }
}
