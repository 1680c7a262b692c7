// Reports the first paint exactly as the app does: after the next animation frame, once the
// frame is painted.
requestAnimationFrame(() => {
  setTimeout(() => {
    window.__TAURI__.core.invoke("ui_ready");
  }, 0);
});
