// The start page's data, handed to the page with the window (src-tauri/src/window.rs) so the
// first page renders without waiting for IPC. Absent when the workspace was not open in time,
// in the browser tests and in the mock build: the app then asks the backend as usual.
import type { StartupData } from "./bindings/StartupData";

declare global {
  interface Window {
    __FHD_STARTUP__?: StartupData;
  }
}

/** Takes the handed-over data: once, and only on the page's first load (a reload runs the
 * window's start-up script again, with data read when the window was created). */
export function takeStartupData(): StartupData | undefined {
  const data = window.__FHD_STARTUP__;
  delete window.__FHD_STARTUP__;
  if (data === undefined) return undefined;
  const [navigation] = performance.getEntriesByType("navigation") as PerformanceNavigationTiming[];
  return navigation?.type === "reload" ? undefined : data;
}
