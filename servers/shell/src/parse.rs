//! `parse`: splits a command line into words and at most one output redirection.
//!
//! The rules are a small subset of the POSIX shell's:
//!
//! - Words are separated by ASCII whitespace.
//! - `'...'` keeps everything up to the next `'` as it is.
//! - `"..."` does too, except that `\"` and `\\` stand for `"` and `\`
//!   (any other backslash is kept).
//! - Outside quotes `\c` stands for `c`, whatever `c` is.
//! - Quotes join with what is next to them (`a'b c'd` is the word `ab cd`),
//!   and `''` is an empty word.
//! - An unquoted `#` at the start of a word starts a comment to the end of the line.
//! - An unquoted `>` or `>>` ends the word before it and makes the next word
//!   the file that output goes to (`>` truncates, `>>` appends): `> f`,
//!   `>f` and `echo hi>f` all redirect.
//! - There are no variables, globs, pipes or `;`: `$`, `*`, `|`, `<`, `;`
//!   and `&` are ordinary characters.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// Where a command's output goes instead of the terminal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redirect {
    /// The file, as written (not resolved against the working directory).
    pub path: String,
    /// `>>`: append to the file; `>`: truncate it first.
    pub append: bool,
}

/// A parsed command line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Command {
    /// The words, quotes and escapes removed; empty for a blank or comment-only line.
    pub words: Vec<String>,
    /// The output redirection, if the line had one.
    pub redirect: Option<Redirect>,
}

/// Why a command line did not parse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParseError {
    /// A `'` or `"` was not closed.
    UnterminatedQuote,
    /// The line ended with a lone `\`.
    TrailingBackslash,
    /// `>` or `>>` was not followed by a (non-empty) file name.
    MissingRedirectPath,
    /// The line had two or more redirections.
    MoreThanOneRedirect,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ParseError::UnterminatedQuote => "unterminated quote",
            ParseError::TrailingBackslash => "backslash at end of line",
            ParseError::MissingRedirectPath => "missing file name after >",
            ParseError::MoreThanOneRedirect => "more than one redirection",
        })
    }
}

impl core::error::Error for ParseError {}

/// One piece of a command line.
#[derive(Debug, PartialEq, Eq)]
enum Token {
    Word(String),
    /// `>` (false) or `>>` (true).
    Redirect {
        append: bool,
    },
}

/// Splits `line` into words and an optional redirection (see the module doc for the rules).
pub fn parse(line: &str) -> Result<Command, ParseError> {
    let mut command = Command::default();
    let mut tokens = tokenize(line)?.into_iter();
    while let Some(token) = tokens.next() {
        match token {
            Token::Word(word) => command.words.push(word),
            Token::Redirect { append } => {
                let path = match tokens.next() {
                    Some(Token::Word(path)) if !path.is_empty() => path,
                    _ => return Err(ParseError::MissingRedirectPath),
                };
                if command.redirect.is_some() {
                    return Err(ParseError::MoreThanOneRedirect);
                }
                command.redirect = Some(Redirect { path, append });
            }
        }
    }
    Ok(command)
}

/// Splits `line` into words and redirection operators.
fn tokenize(line: &str) -> Result<Vec<Token>, ParseError> {
    let mut tokens = Vec::new();
    // The word being built; `Some` once any character (or a pair of quotes) started it.
    let mut word: Option<String> = None;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_ascii_whitespace() => tokens.extend(word.take().map(Token::Word)),
            '#' if word.is_none() => break,
            '>' => {
                tokens.extend(word.take().map(Token::Word));
                let append = chars.next_if_eq(&'>').is_some();
                tokens.push(Token::Redirect { append });
            }
            '\\' => {
                let escaped = chars.next().ok_or(ParseError::TrailingBackslash)?;
                word.get_or_insert_with(String::new).push(escaped);
            }
            '\'' => {
                let word = word.get_or_insert_with(String::new);
                loop {
                    match chars.next().ok_or(ParseError::UnterminatedQuote)? {
                        '\'' => break,
                        c => word.push(c),
                    }
                }
            }
            '"' => {
                let word = word.get_or_insert_with(String::new);
                loop {
                    match chars.next().ok_or(ParseError::UnterminatedQuote)? {
                        '"' => break,
                        '\\' => match chars.next_if(|c| matches!(c, '"' | '\\')) {
                            Some(c) => word.push(c),
                            None => word.push('\\'),
                        },
                        c => word.push(c),
                    }
                }
            }
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    tokens.extend(word.map(Token::Word));
    Ok(tokens)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn words(line: &str) -> Vec<String> {
        let command = parse(line).unwrap();
        assert_eq!(command.redirect, None, "{line:?}");
        command.words
    }

    fn redirect(path: &str, append: bool) -> Option<Redirect> {
        Some(Redirect {
            path: String::from(path),
            append,
        })
    }

    #[test]
    fn empty_and_blank_lines_have_no_words() {
        for line in [
            "",
            "   ",
            "\t \t",
            "# just a comment",
            "   # indented comment",
        ] {
            assert_eq!(parse(line), Ok(Command::default()), "{line:?}");
        }
    }

    #[test]
    fn whitespace_separates_words() {
        assert_eq!(words("ls"), ["ls"]);
        assert_eq!(words("  ls   -l\t/dev  "), ["ls", "-l", "/dev"]);
    }

    #[test]
    fn single_quotes_keep_everything() {
        assert_eq!(
            words(r#"echo 'a  b' '\n' '"' '#x'"#),
            ["echo", "a  b", "\\n", "\"", "#x"]
        );
    }

    #[test]
    fn double_quotes_escape_only_quote_and_backslash() {
        assert_eq!(
            words(r#"echo "a 'b' c" "x\"y" "p\\q" "\n""#),
            ["echo", "a 'b' c", "x\"y", "p\\q", "\\n"]
        );
    }

    #[test]
    fn quotes_join_with_neighbours_and_can_be_empty() {
        assert_eq!(words(r#"a'b c'd"#), ["ab cd"]);
        assert_eq!(words(r#"x"" '' """#), ["x", "", ""]);
    }

    #[test]
    fn backslash_escapes_the_next_character() {
        assert_eq!(words(r"a\ b \#c \\ \> \'"), ["a b", "#c", "\\", ">", "'"]);
    }

    #[test]
    fn hash_inside_a_word_is_not_a_comment() {
        assert_eq!(words("echo a#b # comment 'unterminated"), ["echo", "a#b"]);
        assert_eq!(words("echo #"), ["echo"]);
    }

    #[test]
    fn non_ascii_words_pass_through() {
        assert_eq!(words("echo héllo 'wörld'"), ["echo", "héllo", "wörld"]);
    }

    #[test]
    fn redirections_in_every_spelling() {
        let cases = [
            ("echo hi > out", vec!["echo", "hi"], "out", false),
            ("echo hi >out", vec!["echo", "hi"], "out", false),
            ("echo hi>out", vec!["echo", "hi"], "out", false),
            ("echo hi >> log", vec!["echo", "hi"], "log", true),
            ("echo hi>>log", vec!["echo", "hi"], "log", true),
            ("> f echo hi", vec!["echo", "hi"], "f", false),
            ("echo > 'a b' c", vec!["echo", "c"], "a b", false),
            ("echo hi > f # note", vec!["echo", "hi"], "f", false),
        ];
        for (line, want_words, path, append) in cases {
            let command = parse(line).unwrap();
            assert_eq!(command.words, want_words, "{line:?}");
            assert_eq!(command.redirect, redirect(path, append), "{line:?}");
        }
    }

    #[test]
    fn quoted_or_escaped_gt_is_a_word() {
        assert_eq!(words(r#"echo '>' ">>" \>x"#), ["echo", ">", ">>", ">x"]);
    }

    #[test]
    fn errors() {
        let cases = [
            ("echo 'abc", ParseError::UnterminatedQuote),
            ("echo \"abc", ParseError::UnterminatedQuote),
            ("echo \"a\\\"", ParseError::UnterminatedQuote),
            ("echo abc\\", ParseError::TrailingBackslash),
            ("echo hi >", ParseError::MissingRedirectPath),
            ("echo hi >>   ", ParseError::MissingRedirectPath),
            ("echo hi > # comment", ParseError::MissingRedirectPath),
            ("echo hi > > f", ParseError::MissingRedirectPath),
            ("echo hi >>> f", ParseError::MissingRedirectPath),
            ("echo hi > ''", ParseError::MissingRedirectPath),
            ("echo > a > b", ParseError::MoreThanOneRedirect),
            ("echo >> a >b", ParseError::MoreThanOneRedirect),
        ];
        for (line, error) in cases {
            assert_eq!(parse(line), Err(error), "{line:?}");
        }
    }

    #[test]
    fn error_messages() {
        use alloc::string::ToString;
        assert_eq!(
            ParseError::UnterminatedQuote.to_string(),
            "unterminated quote"
        );
        assert_eq!(
            ParseError::MissingRedirectPath.to_string(),
            "missing file name after >"
        );
        assert_eq!(
            ParseError::MoreThanOneRedirect.to_string(),
            "more than one redirection"
        );
        assert_eq!(
            ParseError::TrailingBackslash.to_string(),
            "backslash at end of line"
        );
    }
}
