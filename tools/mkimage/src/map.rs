//! System.map in Linux's `nm -n` format: `ffffff8000080000 T _start`, one symbol a line, by address.

use crate::elf::{Class, KernelSymbol};

/// The `nm` type letter: T/R/D/B/A by section, W for weak, lowercase for local symbols.
pub fn type_letter(symbol: &KernelSymbol) -> char {
    if symbol.weak {
        return 'W';
    }
    let letter = match symbol.class {
        Class::Text => 'T',
        Class::ReadOnly => 'R',
        Class::Data => 'D',
        Class::Bss => 'B',
        Class::Absolute => 'A',
    };
    if symbol.local {
        letter.to_ascii_lowercase()
    } else {
        letter
    }
}

/// Formats the whole map: sorted by address, then name, so the output is reproducible.
pub fn format(symbols: &[KernelSymbol]) -> String {
    let mut sorted: Vec<&KernelSymbol> = symbols.iter().collect();
    sorted.sort_by(|a, b| a.addr.cmp(&b.addr).then_with(|| a.name.cmp(&b.name)));
    let mut out = String::with_capacity(sorted.len() * 64);
    for symbol in sorted {
        // A control character in a name would split the line: show it as '?'.
        let name: String = symbol
            .name
            .chars()
            .map(|c| if c.is_control() { '?' } else { c })
            .collect();
        out.push_str(&format!(
            "{:016x} {} {}\n",
            symbol.addr,
            type_letter(symbol),
            name
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::elf::Kind;

    fn symbol(addr: u64, name: &str, class: Class, local: bool) -> KernelSymbol {
        KernelSymbol {
            addr,
            size_bytes: 0,
            name: name.to_string(),
            class,
            local,
            weak: false,
            kind: Kind::Label,
        }
    }

    #[test]
    fn letters_follow_nm() {
        let cases = [
            (Class::Text, false, 'T'),
            (Class::Text, true, 't'),
            (Class::ReadOnly, false, 'R'),
            (Class::ReadOnly, true, 'r'),
            (Class::Data, false, 'D'),
            (Class::Data, true, 'd'),
            (Class::Bss, false, 'B'),
            (Class::Bss, true, 'b'),
            (Class::Absolute, false, 'A'),
        ];
        for (class, local, letter) in cases {
            assert_eq!(
                type_letter(&symbol(0, "x", class, local)),
                letter,
                "{class:?} local={local}"
            );
        }
        let mut weak = symbol(0, "w", Class::Text, false);
        weak.weak = true;
        assert_eq!(type_letter(&weak), 'W');
    }

    #[test]
    fn map_is_sorted_and_padded_to_sixteen_digits() {
        let symbols = [
            symbol(0xffff_ff80_0008_1000, "kernel::main", Class::Text, false),
            symbol(0x80000, "_start", Class::Text, false),
            symbol(0xffff_ff80_0008_1000, "alias", Class::Text, true),
            symbol(0x10, "BAD\nNAME", Class::Absolute, false),
        ];
        assert_eq!(
            format(&symbols),
            "0000000000000010 A BAD?NAME\n\
             0000000000080000 T _start\n\
             ffffff8000081000 t alias\n\
             ffffff8000081000 T kernel::main\n"
        );
    }

    #[test]
    fn empty_symbol_list_gives_an_empty_map() {
        assert_eq!(format(&[]), "");
    }
}
