//! Fuzz the zip reader with small caps: any bytes must give a report, never a panic or an
//! unbounded allocation.
#![no_main]

use fabric_ha_artifacts::{read_zip_with, ReadOptions, ZipLimits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut opts = ReadOptions::at(1_780_272_000);
    opts.zip = ZipLimits {
        max_entries: 64,
        max_entry_bytes: 1 << 20,
        max_total_bytes: 4 << 20,
        ..ZipLimits::default()
    };
    let _ = read_zip_with("fuzz.zip", data, &opts);
});
