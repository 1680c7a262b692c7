//! Standard Tauri build for the bare window.

fn main() {
    tauri_build::build();
}
