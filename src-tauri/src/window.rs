//! The main window, created in `setup` with the start page's data when it is at hand.
//!
//! At startup the three requests of the first page (`app_info`, `get_settings`,
//! `library_list`) queue behind the window's own set-up on the main thread, so their answers
//! arrive well after the page's script is ready. The workspace is usually open before the
//! event loop starts, so its data rides along with the window instead, as an initialization
//! script; the page falls back to asking when it is absent.

use std::time::Duration;

use fabric_ha_core::StartupData;
use tauri::{App, WebviewWindowBuilder};

use crate::opening::Opening;

/// The label of the window declared in `tauri.conf.json` (with `create: false`).
const MAIN: &str = "main";

/// How long the window waits for the workspace before it opens without the start-up data: an
/// OS keyring waiting for the user (an unlock prompt) must not keep the window from appearing.
const STARTUP_WAIT: Duration = Duration::from_millis(150);

/// Creates the main window from its configuration.
pub fn create_main(app: &App, opening: &Opening) -> Result<(), Box<dyn std::error::Error>> {
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == MAIN)
        .ok_or("tauri.conf.json declares no window labelled \"main\"")?;
    let mut builder = WebviewWindowBuilder::from_config(app.handle(), config)?;
    if let Some(script) = startup_script(app, opening) {
        builder = builder.initialization_script(script);
    }
    builder.build()?;
    Ok(())
}

fn startup_script(app: &App, opening: &Opening) -> Option<String> {
    let workspace = match opening.within(STARTUP_WAIT) {
        Some(Ok(workspace)) => workspace,
        // The page asks, and shows the error the commands answer.
        Some(Err(_)) => return None,
        None => {
            tracing::info!("the workspace is still opening; the page will ask for its data");
            return None;
        }
    };
    match StartupData::read(&workspace).and_then(|data| data.init_script(&app_origins(app))) {
        Ok(script) => Some(script),
        Err(e) => {
            tracing::warn!(error = %e, "no start-up data for the page; it will ask for it");
            None
        }
    }
}

/// The origins the app's own pages load from: the custom protocol (its Linux/macOS and its
/// Windows/Android forms), or the dev server in a development build.
fn app_origins(app: &App) -> Vec<String> {
    if cfg!(feature = "custom-protocol") {
        [
            "tauri://localhost",
            "http://tauri.localhost",
            "https://tauri.localhost",
        ]
        .map(String::from)
        .to_vec()
    } else {
        app.config()
            .build
            .dev_url
            .iter()
            .map(|url| url.origin().ascii_serialization())
            .collect()
    }
}
