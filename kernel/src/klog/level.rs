//! The eight printk log levels, numbered as in Linux (0 = most severe).

use core::fmt;
use core::str::FromStr;

/// A kernel log level; lower numbers are more severe, as in Linux's printk.
///
/// The derived ordering follows the number, so `level <= console_level`
/// means "severe enough to print".
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Level {
    /// The system is unusable (`KERN_EMERG`, 0).
    Emerg = 0,
    /// Action must be taken immediately (`KERN_ALERT`, 1).
    Alert = 1,
    /// Critical conditions (`KERN_CRIT`, 2).
    Crit = 2,
    /// Error conditions (`KERN_ERR`, 3).
    Err = 3,
    /// Warning conditions (`KERN_WARNING`, 4).
    Warning = 4,
    /// Normal but significant condition (`KERN_NOTICE`, 5).
    Notice = 5,
    /// Informational (`KERN_INFO`, 6).
    Info = 6,
    /// Debug-level messages (`KERN_DEBUG`, 7).
    Debug = 7,
}

/// The error returned when a string names no log level.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParseLevelError;

impl fmt::Display for ParseLevelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("unknown log level (expected emerg..debug or 0-7)")
    }
}

impl Level {
    /// Every level, from most to least severe.
    pub const ALL: [Level; 8] = [
        Level::Emerg,
        Level::Alert,
        Level::Crit,
        Level::Err,
        Level::Warning,
        Level::Notice,
        Level::Info,
        Level::Debug,
    ];

    /// The level numbered `n` (0-7), or `None` for a larger number.
    pub const fn from_u8(n: u8) -> Option<Level> {
        match n {
            0 => Some(Level::Emerg),
            1 => Some(Level::Alert),
            2 => Some(Level::Crit),
            3 => Some(Level::Err),
            4 => Some(Level::Warning),
            5 => Some(Level::Notice),
            6 => Some(Level::Info),
            7 => Some(Level::Debug),
            _ => None,
        }
    }

    /// The level's number, 0 (`Emerg`) to 7 (`Debug`).
    pub const fn as_u8(self) -> u8 {
        self as u8
    }

    /// The short name that `dmesg -l` accepts ("emerg" ... "debug").
    pub const fn name(self) -> &'static str {
        match self {
            Level::Emerg => "emerg",
            Level::Alert => "alert",
            Level::Crit => "crit",
            Level::Err => "err",
            Level::Warning => "warn",
            Level::Notice => "notice",
            Level::Info => "info",
            Level::Debug => "debug",
        }
    }

    /// Parses a level name (any ASCII case; "warning" and "error" too) or a digit 0-7.
    pub fn parse(s: &str) -> Result<Level, ParseLevelError> {
        if let [digit @ b'0'..=b'7'] = s.as_bytes() {
            return Level::from_u8(digit - b'0').ok_or(ParseLevelError);
        }
        const ALIASES: [(&str, Level); 2] = [("warning", Level::Warning), ("error", Level::Err)];
        Level::ALL
            .iter()
            .map(|&level| (level.name(), level))
            .chain(ALIASES)
            .find(|(name, _)| name.eq_ignore_ascii_case(s))
            .map(|(_, level)| level)
            .ok_or(ParseLevelError)
    }
}

impl FromStr for Level {
    type Err = ParseLevelError;

    fn from_str(s: &str) -> Result<Level, ParseLevelError> {
        Level::parse(s)
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

impl From<log::Level> for Level {
    fn from(level: log::Level) -> Level {
        match level {
            log::Level::Error => Level::Err,
            log::Level::Warn => Level::Warning,
            log::Level::Info => Level::Info,
            // printk has no trace level: trace folds into debug.
            log::Level::Debug | log::Level::Trace => Level::Debug,
        }
    }
}

impl From<Level> for u8 {
    fn from(level: Level) -> u8 {
        level.as_u8()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip_and_match_linux() {
        for (n, level) in Level::ALL.iter().enumerate() {
            assert_eq!(level.as_u8() as usize, n);
            assert_eq!(Level::from_u8(n as u8), Some(*level));
        }
        assert_eq!(Level::Err.as_u8(), 3);
        assert_eq!(Level::Info.as_u8(), 6);
        assert_eq!(Level::from_u8(8), None);
        assert_eq!(Level::from_u8(255), None);
    }

    #[test]
    fn names_are_dmesg_names() {
        let names: [&str; 8] = Level::ALL.map(Level::name);
        assert_eq!(
            names,
            ["emerg", "alert", "crit", "err", "warn", "notice", "info", "debug"]
        );
        assert_eq!(format!("{}", Level::Warning), "warn");
        assert_eq!(format!("[{:>6}]", Level::Err), "[   err]");
    }

    #[test]
    fn parse_accepts_names_aliases_and_digits() {
        for level in Level::ALL {
            assert_eq!(Level::parse(level.name()), Ok(level));
            assert_eq!(level.name().parse::<Level>(), Ok(level));
            let digit = [b'0' + level.as_u8()];
            assert_eq!(
                Level::parse(core::str::from_utf8(&digit).unwrap()),
                Ok(level)
            );
        }
        assert_eq!(Level::parse("warning"), Ok(Level::Warning));
        assert_eq!(Level::parse("error"), Ok(Level::Err));
        assert_eq!(Level::parse("INFO"), Ok(Level::Info));
        assert_eq!(Level::parse("Warning"), Ok(Level::Warning));
    }

    #[test]
    fn parse_rejects_everything_else() {
        for bad in [
            "", "8", "9", "07", "-1", " info", "info ", "inf", "trace", "errr", "é",
        ] {
            assert_eq!(Level::parse(bad), Err(ParseLevelError), "{bad:?}");
        }
    }

    #[test]
    fn from_log_level() {
        assert_eq!(Level::from(log::Level::Error), Level::Err);
        assert_eq!(Level::from(log::Level::Warn), Level::Warning);
        assert_eq!(Level::from(log::Level::Info), Level::Info);
        assert_eq!(Level::from(log::Level::Debug), Level::Debug);
        assert_eq!(Level::from(log::Level::Trace), Level::Debug);
    }

    #[test]
    fn ordering_means_print_when_at_most_console_level() {
        let console_level = Level::Warning;
        let printed: Vec<Level> = Level::ALL
            .into_iter()
            .filter(|&l| l <= console_level)
            .collect();
        assert_eq!(
            printed,
            [
                Level::Emerg,
                Level::Alert,
                Level::Crit,
                Level::Err,
                Level::Warning
            ]
        );
        assert!(Level::Emerg < Level::Debug);
        assert!(Level::Info > Level::Notice);
    }
}
