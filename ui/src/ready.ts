// `ui_ready` tells the backend when the first real frame is on screen; startup time is measured
// by it, so it must be sent exactly once, after that frame was painted.
import { useLayoutEffect } from "react";
import { uiReady } from "./api";

let sent = false;
let painted: () => void = () => {};
let painting = newFirstFrame();

function newFirstFrame(): Promise<void> {
  return new Promise((resolve) => {
    painted = resolve;
  });
}

/** Resolves once the first frame is on screen (and `ui_ready` sent): work that can wait for
 * it (resuming interrupted plans) starts then. */
export function firstFrame(): Promise<void> {
  return painting;
}

/** Sends `ui_ready` once per page load, after the next frame has been painted. */
export function reportReady(): void {
  if (sent) return;
  sent = true;
  performance.mark("fhd:commit");
  // rAF runs just before the paint; the timeout lands right after it.
  requestAnimationFrame(() => {
    performance.mark("fhd:frame");
    setTimeout(() => {
      uiReady(performance.now()).catch(() => {
        // Nothing to show the user: startup measurement is the backend's concern only.
      });
      // The Carbon styles the start page does not need (modals, forms, tables, toasts).
      void import("./styles/deferred.scss");
      painted();
    }, 0);
  });
}

/** Renders nothing; reports readiness once the content around it has committed. Place it
 * inside the same Suspense boundary as the first real content.
 *
 * A layout effect runs in the same task as the DOM commit, before the browser renders, so the
 * animation frame it asks for is the one that paints this content: the moment the bare window
 * of `bench/startup` reports too. (A passive effect may run after that paint, and its frame
 * would then be the second one, which WebKit holds back until its first composite is done.) */
export function ReadyMarker(): null {
  useLayoutEffect(() => {
    reportReady();
  }, []);
  return null;
}

/** For tests: forget that `ui_ready` was sent. */
export function resetReadyForTests(): void {
  sent = false;
  painting = newFirstFrame();
}
