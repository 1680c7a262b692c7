//! Native file dialogs (GTK, Cocoa, Win32 through `rfd`), and the scripted stand-in the
//! WebDriver tests build with `--features e2e` — a WebDriver session cannot click inside a
//! native dialog.

use std::path::PathBuf;

/// Shows the open dialog for console files (several at once; JSON and zip filters).
#[cfg(not(feature = "e2e"))]
pub async fn pick_console_files() -> Option<Vec<PathBuf>> {
    rfd::AsyncFileDialog::new()
        .set_title("Import console files")
        .add_filter("Console files (JSON, bulk zip)", &["json", "zip"])
        .add_filter("JSON", &["json"])
        .add_filter("Bulk export zip", &["zip"])
        .pick_files()
        .await
        .map(|files| files.into_iter().map(|f| f.path().to_path_buf()).collect())
}

/// Shows the open dialog for one offline bundle (no filter: bundles are recognised by content,
/// whatever their name).
#[cfg(not(feature = "e2e"))]
pub async fn pick_bundle() -> Option<PathBuf> {
    rfd::AsyncFileDialog::new()
        .set_title("Open bundle")
        .pick_file()
        .await
        .map(|f| f.path().to_path_buf())
}

/// Shows the open dialog for an age identity file (`AGE-SECRET-KEY-1…` lines; any name).
#[cfg(not(feature = "e2e"))]
pub async fn pick_identity() -> Option<PathBuf> {
    rfd::AsyncFileDialog::new()
        .set_title("Choose the age identity file")
        .pick_file()
        .await
        .map(|f| f.path().to_path_buf())
}

/// Shows the open dialog for one chaincode package (`.tar.gz`, as `peer lifecycle chaincode
/// package` writes it; the content is checked when it is installed).
#[cfg(not(feature = "e2e"))]
pub async fn pick_package() -> Option<PathBuf> {
    rfd::AsyncFileDialog::new()
        .set_title("Choose a chaincode package")
        .add_filter("Chaincode package (.tar.gz)", &["gz", "tgz"])
        .pick_file()
        .await
        .map(|f| f.path().to_path_buf())
}

/// Shows the save dialog with the proposed file name (its extension as the filter).
#[cfg(not(feature = "e2e"))]
pub async fn save_as(proposed: &str) -> Option<PathBuf> {
    let extension = std::path::Path::new(proposed)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("json");
    rfd::AsyncFileDialog::new()
        .set_title("Export")
        .set_file_name(proposed)
        .add_filter(extension, &[extension])
        .save_file()
        .await
        .map(|f| f.path().to_path_buf())
}

/// Test builds: the answers come from the JSON file named by `FABRIC_HA_E2E_DIALOGS`
/// (`{"pick": ["/abs/a.json"], "pickBundle": "/abs/b.bundle", "pickIdentity": "/abs/key.txt",
/// "pickPackage": "/abs/cc.tar.gz", "saveDir": "/abs/dir"}`), read at each call so a test can
/// change them between clicks. No file, or no key: the user "cancelled".
#[cfg(feature = "e2e")]
fn script() -> serde_json::Value {
    std::env::var_os("FABRIC_HA_E2E_DIALOGS")
        .and_then(|p| std::fs::read(p).ok())
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

/// Test builds: the scripted answer to the open dialog.
#[cfg(feature = "e2e")]
pub async fn pick_console_files() -> Option<Vec<PathBuf>> {
    let pick = script().get("pick")?.as_array()?.clone();
    Some(
        pick.iter()
            .filter_map(|p| p.as_str().map(PathBuf::from))
            .collect(),
    )
}

/// Test builds: the scripted answer to the bundle open dialog.
#[cfg(feature = "e2e")]
pub async fn pick_bundle() -> Option<PathBuf> {
    Some(PathBuf::from(script().get("pickBundle")?.as_str()?))
}

/// Test builds: the scripted answer to the identity file open dialog.
#[cfg(feature = "e2e")]
pub async fn pick_identity() -> Option<PathBuf> {
    Some(PathBuf::from(script().get("pickIdentity")?.as_str()?))
}

/// Test builds: the scripted answer to the chaincode package open dialog.
#[cfg(feature = "e2e")]
pub async fn pick_package() -> Option<PathBuf> {
    Some(PathBuf::from(script().get("pickPackage")?.as_str()?))
}

/// Test builds: the scripted answer to the save dialog (the proposed name in `saveDir`).
#[cfg(feature = "e2e")]
pub async fn save_as(proposed: &str) -> Option<PathBuf> {
    Some(PathBuf::from(script().get("saveDir")?.as_str()?).join(proposed))
}
