//! The bench image, booted as `make bench` boots it but with a few runs per operation: every operation is measured and the report is well-formed. No figure is checked: benchmarks are not tests.

use std::time::Duration;

use benchreport::json::{from_json, to_json};
use benchreport::parse::parse_console;
use benchreport::svg::to_svg;
use systest::{image, monolithic, BootOptions, Failure, Qemu};

/// bench-quick.img runs in a few seconds; this leaves room for a slow host.
const RUN_TIMEOUT: Duration = Duration::from_secs(120);

/// Every operation ubench measures in the microkernel build.
const OPS: [&str; 29] = [
    "null_syscall",
    "ipc_round_trip_0w",
    "ipc_round_trip_4w",
    "ipc_round_trip_64b",
    "ipc_round_trip_1k",
    "ipc_round_trip_4k",
    "ipc_round_trip_0w_typed",
    "ipc_call_oneway_0w",
    "ipc_reply_oneway_0w",
    "ipc_call_oneway_4w",
    "ipc_reply_oneway_4w",
    "ipc_call_oneway_64b",
    "ipc_reply_oneway_64b",
    "ipc_call_oneway_1k",
    "ipc_reply_oneway_1k",
    "ipc_call_oneway_4k",
    "ipc_reply_oneway_4k",
    "ntfn_signal_wake",
    "ntfn_round_trip",
    "yield",
    "fs_read_4k",
    "fs_write_4k",
    "gpio_write",
    "gpio_read_level",
    "uart_write_64b",
    "insmod_hello",
    "rmmod_hello",
    "insmod_gpio",
    "rmmod_gpio",
];

/// The QEMU flags of `make bench` (BENCH_QEMU_ARGS in the Makefile) that `BootOptions` has no field for.
fn bench_options() -> BootOptions {
    BootOptions {
        semihosting: true,
        extra_args: ["-icount", "shift=0,sleep=off", "-serial", "null"]
            .map(String::from)
            .to_vec(),
        ..BootOptions::default()
    }
}

#[test]
fn the_bench_image_measures_every_operation_and_reports_well_formed_json() -> Result<(), Failure> {
    let mut qemu = Qemu::boot(&image("bench-quick.img")?, bench_options())?;
    let (code, transcript) = qemu.wait_exit(RUN_TIMEOUT)?;
    if code != 0 {
        return Err(qemu.fail(format!("ubench exited with {code}, expected 0")));
    }
    let parsed =
        parse_console(&transcript).map_err(|e| qemu.fail(format!("ubench's output: {e}")))?;
    let problems = parsed.problems();
    if !problems.is_empty() {
        return Err(qemu.fail(format!("the report has problems: {problems:?}")));
    }
    let report = parsed.report;
    // The quick image's init.args reached ubench.
    let settings = &report.runs[0].settings;
    if settings.get("iterations") != Some(&20) || settings.get("module_iterations") != Some(&3) {
        return Err(qemu.fail(format!(
            "ubench ran with {settings:?}, not bench-quick.args"
        )));
    }
    // The JSON as benchreport writes it parses back (serde_json) to the same report.
    let json = to_json(&report);
    match from_json(&json) {
        Ok(back) if back == report => {}
        Ok(_) => return Err(qemu.fail(format!("the JSON reads back different:\n{json}"))),
        Err(e) => return Err(qemu.fail(format!("the JSON is not well-formed: {e}\n{json}"))),
    }
    // ubench names the build it ran in: the kernel says whether it has servers built in.
    let mode = if monolithic() { "mono" } else { "micro" };
    for op in OPS {
        let Some(r) = report.get(op, mode) else {
            return Err(qemu.fail(format!("{op} was not measured")));
        };
        if r.n == 0 || !(r.min as f64 <= r.mean && r.mean <= r.max as f64) {
            return Err(qemu.fail(format!(
                "{op}: n > 0 and min <= mean <= max do not hold: {r:?}"
            )));
        }
    }
    if report.results.len() != OPS.len() {
        let extra: Vec<&str> = report
            .results
            .iter()
            .map(|r| r.op.as_str())
            .filter(|op| !OPS.contains(op))
            .collect();
        return Err(qemu.fail(format!("operations this test does not know: {extra:?}")));
    }
    // Same-address-space IPC is said to be impossible, not faked.
    if !report.skipped.iter().any(|n| n.op == "ipc_same_space") {
        return Err(qemu.fail("no note that same-address-space IPC is not measured"));
    }
    let svg = to_svg(&report);
    if !(svg.starts_with("<?xml") && svg.trim_end().ends_with("</svg>")) {
        return Err(qemu.fail("the chart is not an SVG document"));
    }
    Ok(())
}
