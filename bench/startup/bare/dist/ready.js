// Reports the first paint the same way the app does: after the next animation frame.
requestAnimationFrame(() => {
  window.__TAURI__.core.invoke("ui_ready");
});
