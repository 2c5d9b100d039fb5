//! The loader's side of a transfer over any byte link: announce, take a header, take the image, check it.
//!
//! Pure logic over the [`Link`] trait, so the host tests it with a scripted
//! link and `micaload`'s tests run it against the real host side; the loader
//! binary supplies a link over the PL011 polled with the generic timer.

use core::fmt::{self, Write};

use crate::proto::{is_poke, Crc32, Header, Reply, BYTE_TIMEOUT_MS, HEADER_BYTES, MAGIC};

/// A serial line as the loader uses it: polled byte input with a timeout, blocking output.
pub trait Link {
    /// The next byte received, or `None` if none came within `timeout_ms`
    /// (`None` waits as long as it takes).
    fn recv(&mut self, timeout_ms: Option<u32>) -> Option<u8>;
    /// Sends `bytes`, waiting for room as needed.
    fn send(&mut self, bytes: &[u8]);
}

/// Sends `reply` as one line (CR LF ended).
pub fn say(link: &mut impl Link, reply: Reply) {
    struct Out<'a, L: Link>(&'a mut L);
    impl<L: Link> Write for Out<'_, L> {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            self.0.send(s.as_bytes());
            Ok(())
        }
    }
    // Out never fails, so neither does the formatting.
    let _ = write!(Out(link), "{reply}\r\n");
}

/// Says the banner and the request token.
fn announce(link: &mut impl Link, room_bytes: u32) {
    say(
        link,
        Reply::Ready {
            max_bytes: room_bytes,
        },
    );
    say(link, Reply::Request);
}

/// Runs transfers until one delivers a good image into `dest`; returns its length.
///
/// Says the banner and request token first, and again for each poke; every
/// failed transfer (refused size, timeout, bad CRC) is reported in a line and
/// followed by a new request token.
pub fn receive_image(link: &mut impl Link, dest: &mut [u8]) -> usize {
    let room_bytes = u32::try_from(dest.len()).unwrap_or(u32::MAX);
    announce(link, room_bytes);
    loop {
        let failure = match read_header(link, room_bytes) {
            Err(failure) => failure,
            Ok(header) => match header.check(room_bytes) {
                Err(refusal) => refusal,
                Ok(()) => {
                    let size_bytes = header.size_bytes;
                    say(link, Reply::Receiving { size_bytes });
                    // check() bounded the size by dest.len(), so this slice is in range.
                    let image = &mut dest[..size_bytes as usize];
                    match read_image(link, image) {
                        Err(received_bytes) => Reply::Timeout {
                            received_bytes,
                            size_bytes,
                        },
                        Ok(got) if got != header.crc => Reply::BadCrc {
                            expected: header.crc,
                            got,
                        },
                        Ok(_) => {
                            say(link, Reply::Booting { size_bytes });
                            return image.len();
                        }
                    }
                }
            },
        };
        say(link, failure);
        say(link, Reply::Request);
    }
}

/// Skips bytes up to the magic (a poke on the way says the banner again), then
/// reads the rest of the header, each byte within [`BYTE_TIMEOUT_MS`].
fn read_header(link: &mut impl Link, room_bytes: u32) -> Result<Header, Reply> {
    let mut bytes = [0u8; HEADER_BYTES];
    let mut matched = 0;
    while matched < MAGIC.len() {
        // Between transfers the line may stay quiet for ever: no timeout here.
        let Some(byte) = link.recv(None) else {
            continue;
        };
        if byte == MAGIC[matched] {
            matched += 1;
        } else {
            // MAGIC's first byte occurs in it only once, so a restart is the only other match.
            matched = usize::from(byte == MAGIC[0]);
            if is_poke(byte) {
                announce(link, room_bytes);
            }
        }
    }
    bytes[..MAGIC.len()].copy_from_slice(&MAGIC);
    for slot in &mut bytes[MAGIC.len()..] {
        *slot = link
            .recv(Some(BYTE_TIMEOUT_MS))
            .ok_or(Reply::HeaderTimeout)?;
    }
    Header::decode(&bytes).ok_or(Reply::HeaderTimeout)
}

/// Fills `image` from the link, each byte within [`BYTE_TIMEOUT_MS`]; returns the
/// CRC-32 of what arrived, or how many bytes came before the line went quiet.
fn read_image(link: &mut impl Link, image: &mut [u8]) -> Result<u32, u32> {
    let mut crc = Crc32::new();
    for (i, slot) in image.iter_mut().enumerate() {
        // i < image.len() <= u32::MAX (the header's size is a u32).
        let byte = link.recv(Some(BYTE_TIMEOUT_MS)).ok_or(i as u32)?;
        *slot = byte;
        crc.push(byte);
    }
    Ok(crc.finish())
}

#[cfg(test)]
#[path = "session_tests.rs"]
mod tests;
