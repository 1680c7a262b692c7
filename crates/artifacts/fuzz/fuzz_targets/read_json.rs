//! Fuzz the JSON reader: any bytes must give a report, never a panic; accepted artifacts must
//! export and re-read.
#![no_main]

use fabric_ha_artifacts::{export_json, read_json_with, ReadOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let opts = ReadOptions::at(1_780_272_000);
    let report = read_json_with("fuzz.json", data, &opts);
    for artifact in &report.accepted {
        let bytes = export_json(artifact);
        let again = read_json_with("again.json", &bytes, &opts);
        let _ = again.is_ok();
        let _ = fabric_ha_artifacts::import_bodies(artifact);
    }
});
