// Waits on a console's rate limit, said at once and counted down: whenever a console answers
// 429 and a request waits out its Retry-After, a notice names the console and the request and
// shows the seconds left until it is sent again (the CLI prints the same on stderr).
import { InlineNotification } from "@carbon/react";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { onRateLimit } from "../api";
import type { RateLimitNotice } from "../bindings/RateLimitNotice";
import "./ratelimit.scss";

/** Whole seconds from `now` to `untilMs`, rounded up; 0 once it has passed. */
export function secondsLeft(untilMs: number, now: number): number {
  return Math.max(0, Math.ceil((untilMs - now) / 1000));
}

export function RateLimitNotices() {
  const { t } = useTranslation("ratelimit");
  const [waits, setWaits] = useState<RateLimitNotice[]>([]);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    let unlisten: (() => void) | undefined;
    let live = true;
    onRateLimit((notice) => {
      setNow(Date.now());
      setWaits((all) => [...all.filter((w) => w.console !== notice.console), notice]);
    })
      .then((stop) => {
        if (live) unlisten = stop;
        else stop();
      })
      // Without the event channel (a test page without Tauri) there is nothing to count down.
      .catch(() => {});
    return () => {
      live = false;
      unlisten?.();
    };
  }, []);
  const counting = waits.filter((w) => secondsLeft(w.untilMs, now) > 0);
  useEffect(() => {
    if (counting.length === 0) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [counting.length]);
  if (counting.length === 0) return null;
  return (
    <div className="fhd-rate-limits" role="status" aria-live="polite">
      {counting.map((w) => (
        <InlineNotification
          key={w.console}
          kind="info"
          lowContrast
          hideCloseButton
          title={t("title", { console: w.console })}
          subtitle={t("left", {
            count: secondsLeft(w.untilMs, now),
            request: w.request,
          })}
          data-testid={`rate-limit-${w.console}`}
        />
      ))}
    </div>
  );
}
