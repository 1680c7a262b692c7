//! A bare Tauri window: an empty page that reports its first paint, as the app does, so
//! `bench/startup` can compare the app against the cost of Tauri + WebKit alone.

use std::time::Instant;

struct Started(Instant);

/// The page has painted.
#[tauri::command]
fn ui_ready(started: tauri::State<'_, Started>) {
    println!("ready {:.1}", started.0.elapsed().as_secs_f64() * 1000.0);
}

fn main() {
    let started = Instant::now();
    if let Err(e) = tauri::Builder::default()
        .manage(Started(started))
        .invoke_handler(tauri::generate_handler![ui_ready])
        .run(tauri::generate_context!())
    {
        eprintln!("bare-window: {e}");
        std::process::exit(1);
    }
}
