//! Writes the committed corpus under `tests/corpus/artifacts/{good,bad}/` (reproducible: the
//! same bytes every run).
//!
//! `cargo run -p fabric-ha-artifacts --example make-corpus --features testdata`

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus/artifacts");
    let (good, bad) = fabric_ha_artifacts::testdata::corpus();
    for (dir, files) in [("good", good), ("bad", bad)] {
        let dir = root.join(dir);
        if dir.exists() {
            for entry in std::fs::read_dir(&dir)? {
                let path = entry?.path();
                if path.extension().is_some_and(|e| e == "json" || e == "zip") {
                    std::fs::remove_file(path)?;
                }
            }
        }
        std::fs::create_dir_all(&dir)?;
        for (name, bytes) in &files {
            std::fs::write(dir.join(name), bytes)?;
        }
        println!("{}: {} files", dir.display(), files.len());
    }
    Ok(())
}
