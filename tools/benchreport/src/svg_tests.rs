//! Tests of the SVG chart: well-formed XML (parsed with roxmltree), one bar per operation and mode, labels, escaping.

use super::*;
use crate::parse::parse_console;

fn two_modes() -> Report {
    let text = "\
bench: op=null_syscall mode=micro n=9 min=409 mean=409.00 max=409 sd=0.00 desc=null syscall <sys_info> & \"x\"
bench: op=null_syscall mode=mono n=9 min=300 mean=300.50 max=301 sd=0.50 desc=null syscall
bench: op=insmod_hello mode=micro n=9 min=200000 mean=220800.29 max=228567 sd=4380.58 desc=insmod hello
bench: skip op=ipc_same_space mode=micro reason=one thread per task
";
    parse_console(text).unwrap().report
}

fn bars<'a>(doc: &'a roxmltree::Document) -> Vec<roxmltree::Node<'a, 'a>> {
    doc.descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("x") == Some("340"))
        .collect()
}

#[test]
fn is_well_formed_svg_on_white() {
    let svg = to_svg(&two_modes());
    let doc = roxmltree::Document::parse(&svg).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );
    let background = root.children().find(|n| n.is_element()).unwrap();
    assert_eq!(background.attribute("fill"), Some("#ffffff"));
}

#[test]
fn one_bar_per_measured_operation_and_mode_with_its_value() {
    let report = two_modes();
    let svg = to_svg(&report);
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let bars = bars(&doc);
    assert_eq!(bars.len(), report.results.len());
    // Colours by mode: micro blue, mono orange.
    let titles: Vec<String> = bars
        .iter()
        .map(|b| {
            b.first_element_child()
                .and_then(|t| t.text())
                .unwrap_or("")
                .to_string()
        })
        .collect();
    assert!(
        titles[0].starts_with("null_syscall micro: mean 409.00"),
        "{titles:?}"
    );
    assert_eq!(bars[0].attribute("fill"), Some(COLOURS[0]));
    assert_eq!(bars[1].attribute("fill"), Some(COLOURS[1]));
    let texts: Vec<&str> = doc.descendants().filter_map(|n| n.text()).collect();
    for label in ["409", "301", "220,800"] {
        assert!(texts.contains(&label), "no value label {label}: {texts:?}");
    }
    // The description, escaped on the way in, reads back as written.
    assert!(
        texts.contains(&"null syscall <sys_info> & \"x\""),
        "{texts:?}"
    );
    assert!(texts.iter().any(|t| t.contains("micro: not measured")));
}

#[test]
fn longer_means_draw_longer_bars_on_a_log_axis() {
    let svg = to_svg(&two_modes());
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let width = |i: usize| -> f64 { bars(&doc)[i].attribute("width").unwrap().parse().unwrap() };
    assert!(width(1) < width(0) && width(0) < width(2));
    // Decades from 100 to 1M: the axis labels are there.
    let texts: Vec<&str> = doc.descendants().filter_map(|n| n.text()).collect();
    for label in ["100", "1k", "10k", "100k", "1M"] {
        assert!(texts.contains(&label), "no axis label {label}");
    }
}

#[test]
fn an_empty_report_still_draws() {
    let svg = to_svg(&Report::default());
    assert!(roxmltree::Document::parse(&svg).is_ok());
}

#[test]
fn escape_covers_markup_and_control_characters() {
    assert_eq!(escape("a<b>&\"'\u{1}"), "a&lt;b&gt;&amp;&quot;&apos; ");
    assert_eq!(decade_label(2), "100");
    assert_eq!(decade_label(4), "10k");
    assert_eq!(decade_label(6), "1M");
    assert_eq!(value_label(789.0), "789");
    assert_eq!(value_label(8882.34), "8,882");
    assert_eq!(value_label(2.5), "2.50");
}
