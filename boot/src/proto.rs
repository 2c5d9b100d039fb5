//! The chainload wire protocol, shared by the loader and `micaload`: header, CRC-32 and the loader's reply lines.
//!
//! The host sends a 12-byte [`Header`] (magic `MICA`, size and CRC-32, both
//! u32 little-endian) and then the image's bytes. The loader speaks in text
//! lines (`mica-loader: ...` and CR LF), each a [`Reply`], so a person on a
//! plain terminal can follow the conversation and a program can parse it.
//! docs/chainload.md walks through a session.

use core::fmt;

/// The first four bytes of every header.
pub const MAGIC: [u8; 4] = *b"MICA";
/// Header length on the wire: magic, size, CRC-32.
pub const HEADER_BYTES: usize = 12;
/// Where the loader writes the image and jumps to (the firmware's load address).
pub const LOAD_ADDR: usize = 0x8_0000;
/// Where the loader runs from once it has copied itself out of the image's way.
pub const LOADER_ADDR: usize = 0x200_0000;
/// The largest image that fits between [`LOAD_ADDR`] and the loader.
pub const MAX_IMAGE_BYTES: u32 = (LOADER_ADDR - LOAD_ADDR) as u32;
/// The serial line's speed (8 data bits, no parity, 1 stop bit).
pub const BAUD: u32 = 115_200;
/// How long the loader waits for the next byte of a header or image before giving up on it.
pub const BYTE_TIMEOUT_MS: u32 = 2_000;
/// Every loader line starts with this.
pub const PREFIX: &str = "mica-loader: ";

/// Whether `byte`, received while the loader waits for a header, asks it to say again
/// that it is ready (Enter on a terminal; what `micaload` sends when it connects).
pub const fn is_poke(byte: u8) -> bool {
    byte == b'\r' || byte == b'\n'
}

/// What precedes an image: its size and CRC-32.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    /// The image's length.
    pub size_bytes: u32,
    /// CRC-32 of the image ([`crc32`]).
    pub crc: u32,
}

impl Header {
    /// The header for `image`; `None` if it is longer than a u32 can say.
    pub fn for_image(image: &[u8]) -> Option<Header> {
        let size_bytes = u32::try_from(image.len()).ok()?;
        Some(Header {
            size_bytes,
            crc: crc32(image),
        })
    }

    /// The header as sent on the wire.
    pub fn encode(&self) -> [u8; HEADER_BYTES] {
        let mut out = [0; HEADER_BYTES];
        out[..4].copy_from_slice(&MAGIC);
        out[4..8].copy_from_slice(&self.size_bytes.to_le_bytes());
        out[8..].copy_from_slice(&self.crc.to_le_bytes());
        out
    }

    /// The header in `bytes`; `None` if they do not start with [`MAGIC`].
    pub fn decode(bytes: &[u8; HEADER_BYTES]) -> Option<Header> {
        let word = |at: usize| {
            u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
        };
        (bytes[..4] == MAGIC).then(|| Header {
            size_bytes: word(4),
            crc: word(8),
        })
    }

    /// Whether the loader can take this image into `room_bytes`; the refusal to send if not.
    pub fn check(&self, room_bytes: u32) -> Result<(), Reply> {
        if self.size_bytes == 0 || self.size_bytes > room_bytes {
            return Err(Reply::Refused {
                size_bytes: self.size_bytes,
                max_bytes: room_bytes,
            });
        }
        Ok(())
    }
}

/// The CRC-32 of zlib, Ethernet and PNG (ISO-HDLC), from the `crc` crate.
static CRC: crc::Crc<u32> = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC);

/// A running CRC-32 (IEEE, the one zlib and Ethernet use), fed a byte at a time.
#[derive(Clone)]
pub struct Crc32 {
    digest: crc::Digest<'static, u32>,
}

impl Crc32 {
    /// The CRC of no bytes yet.
    pub const fn new() -> Crc32 {
        Crc32 {
            digest: CRC.digest(),
        }
    }

    /// Adds one byte.
    #[inline]
    pub fn push(&mut self, byte: u8) {
        self.digest.update(&[byte]);
    }

    /// Adds `bytes`.
    pub fn update(&mut self, bytes: &[u8]) {
        self.digest.update(bytes);
    }

    /// The CRC of every byte added.
    pub fn finish(&self) -> u32 {
        self.digest.clone().finalize()
    }
}

impl core::fmt::Debug for Crc32 {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Crc32({:#010x})", self.finish())
    }
}

impl Default for Crc32 {
    fn default() -> Self {
        Crc32::new()
    }
}

/// CRC-32 of `bytes` (IEEE, as zlib's `crc32`).
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = Crc32::new();
    crc.update(bytes);
    crc.finish()
}

/// One line the loader sends (after [`PREFIX`], before CR LF).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reply {
    /// The banner: the loader is up; images of at most `max_bytes` fit.
    Ready {
        /// The largest image accepted.
        max_bytes: u32,
    },
    /// The request token: the loader waits for a header now.
    Request,
    /// The header was accepted: send the image's bytes.
    Receiving {
        /// The size from the header.
        size_bytes: u32,
    },
    /// The header's size is zero or too large; a [`Reply::Request`] follows.
    Refused {
        /// The size from the header.
        size_bytes: u32,
        /// The largest image accepted.
        max_bytes: u32,
    },
    /// The header stopped part way; a [`Reply::Request`] follows.
    HeaderTimeout,
    /// The image stopped part way; a [`Reply::Request`] follows.
    Timeout {
        /// Bytes received before the line went quiet.
        received_bytes: u32,
        /// The size from the header.
        size_bytes: u32,
    },
    /// The image arrived whole but its CRC is wrong; a [`Reply::Request`] follows.
    BadCrc {
        /// The CRC from the header.
        expected: u32,
        /// The CRC of the bytes received.
        got: u32,
    },
    /// The image is good: the loader jumps to it after this line.
    Booting {
        /// The image's size.
        size_bytes: u32,
    },
}

const REQUEST_TEXT: &str = "waiting for image";
const HEADER_TIMEOUT_TEXT: &str = "timeout in the header; send again";

impl fmt::Display for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(PREFIX)?;
        match *self {
            Reply::Ready { max_bytes } => {
                write!(f, "ready, up to {max_bytes} bytes at {LOAD_ADDR:#x}")
            }
            Reply::Request => f.write_str(REQUEST_TEXT),
            Reply::Receiving { size_bytes } => write!(f, "receiving {size_bytes} bytes"),
            Reply::Refused {
                size_bytes,
                max_bytes,
            } => write!(
                f,
                "refused {size_bytes} bytes: an image must be 1 to {max_bytes} bytes; send again"
            ),
            Reply::HeaderTimeout => f.write_str(HEADER_TIMEOUT_TEXT),
            Reply::Timeout {
                received_bytes,
                size_bytes,
            } => write!(
                f,
                "timeout after {received_bytes} of {size_bytes} bytes; send again"
            ),
            Reply::BadCrc { expected, got } => write!(
                f,
                "bad CRC (expected {expected:#010x}, got {got:#010x}); send again"
            ),
            Reply::Booting { size_bytes } => write!(f, "booting {size_bytes} bytes"),
        }
    }
}

impl Reply {
    /// The reply in `line` (anything before [`PREFIX`], and the line ending, are
    /// ignored); `None` if it holds none.
    pub fn parse(line: &str) -> Option<Reply> {
        let (_, text) = line.split_once(PREFIX)?;
        let text = text.trim_end_matches(['\r', '\n']);
        if text == REQUEST_TEXT {
            return Some(Reply::Request);
        }
        if text == HEADER_TIMEOUT_TEXT {
            return Some(Reply::HeaderTimeout);
        }
        if let Some(rest) = text.strip_prefix("ready, up to ") {
            let max_bytes = rest.strip_suffix(" bytes at 0x80000")?;
            return Some(Reply::Ready {
                max_bytes: max_bytes.parse().ok()?,
            });
        }
        if let Some(size) = strip_around(text, "receiving ", " bytes") {
            return Some(Reply::Receiving {
                size_bytes: size.parse().ok()?,
            });
        }
        if let Some(size) = strip_around(text, "booting ", " bytes") {
            return Some(Reply::Booting {
                size_bytes: size.parse().ok()?,
            });
        }
        if let Some(rest) = strip_around(text, "refused ", " bytes; send again") {
            let (size, max) = rest.split_once(" bytes: an image must be 1 to ")?;
            return Some(Reply::Refused {
                size_bytes: size.parse().ok()?,
                max_bytes: max.parse().ok()?,
            });
        }
        if let Some(rest) = strip_around(text, "timeout after ", " bytes; send again") {
            let (received, size) = rest.split_once(" of ")?;
            return Some(Reply::Timeout {
                received_bytes: received.parse().ok()?,
                size_bytes: size.parse().ok()?,
            });
        }
        if let Some(rest) = strip_around(text, "bad CRC (expected ", "); send again") {
            let (expected, got) = rest.split_once(", got ")?;
            return Some(Reply::BadCrc {
                expected: parse_hex(expected)?,
                got: parse_hex(got)?,
            });
        }
        None
    }
}

/// `text` without `prefix` and `suffix`, if it has both.
fn strip_around<'a>(text: &'a str, prefix: &str, suffix: &str) -> Option<&'a str> {
    text.strip_prefix(prefix)?.strip_suffix(suffix)
}

/// A `0x`-prefixed hexadecimal u32.
fn parse_hex(text: &str) -> Option<u32> {
    u32::from_str_radix(text.strip_prefix("0x")?, 16).ok()
}

#[cfg(test)]
#[path = "proto_tests.rs"]
mod tests;
