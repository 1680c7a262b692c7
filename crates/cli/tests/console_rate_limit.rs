//! A console's rate limit while the CLI imports: the wait is said at once (the console's name,
//! the seconds left, the request) while the command still runs, and counted down; every
//! component still arrives once.
#![allow(clippy::unwrap_used, missing_docs)]

mod support;

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use fabric_ha_testbed::console::{TestConsole, TestConsoleConfig};

fn corpus(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/corpus/artifacts")
        .join(file)
}

#[test]
fn an_import_held_by_the_rate_limit_says_so_at_once_and_counts_down() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    // Two writes per two-second window: the third import waits for the next window.
    let tc = TestConsole::start_blocking(TestConsoleConfig {
        rate_limit_per_min: 2,
        rate_limit_window: Duration::from_secs(2),
        ..TestConsoleConfig::default()
    })
    .unwrap();
    support::add_console(&ws, tmp.path(), "east", &tc, tc.writer_key());

    let files: Vec<String> = ["good/ca-v3.json", "good/msp-v3.json", "good/peer-v3.json"]
        .iter()
        .map(|f| corpus(f).display().to_string())
        .collect();
    let mut args = vec!["console", "import", "east"];
    args.extend(files.iter().map(String::as_str));
    let mut child = support::command(&ws, &args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap()).lines();
    // The first line about the wait arrives while the command still waits.
    let said = stderr
        .by_ref()
        .map(Result::unwrap)
        .find(|l| l.contains("is rate limiting"))
        .unwrap_or_else(|| panic!("no rate-limit line: {:?}", child.wait()));
    assert!(
        child.try_wait().unwrap().is_none(),
        "said only after the command ended: {said}"
    );
    assert!(
        said.starts_with(&format!("console east ({})", tc.url())),
        "{said}"
    );
    let seconds: u64 = said
        .split("waiting ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no seconds in {said:?}"));
    assert!((1..=2).contains(&seconds), "{said}");
    assert!(
        said.contains("before sending POST /ak/api/v3/components/"),
        "{said}"
    );
    let rest: Vec<String> = stderr.map(Result::unwrap).collect();
    let status = child.wait().unwrap();
    let mut stdout = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut stdout).unwrap();
    assert!(status.success(), "{stdout}\n{rest:?}");

    // Every component arrived, once.
    let records = tc.components();
    for kind in ["fabric-ca", "msp", "fabric-peer"] {
        assert_eq!(
            records.iter().filter(|r| r["type"] == kind).count(),
            1,
            "{kind}: {records:#?}"
        );
    }
}
