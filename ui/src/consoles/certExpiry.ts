// Which tiles of the all-regions view carry the console's "Certificate Expiration" label: a
// certificate of the record that ends within 30 days (the tile data), or one the certificate
// report found — a peer's served TLS certificate, which no record shows.
import { useEffect, useState } from "react";
import { certsReport } from "../api";
import type { CertEntry } from "../bindings/CertEntry";
import type { CertsReport } from "../bindings/CertsReport";
import type { ConsoleComponents } from "../bindings/ConsoleComponents";
import { expiresSoon } from "../data/library";
import { formatNumber, i18n } from "../i18n";

/** "Org1 Peer: TLS certificate expires in 3 days" (`consoles:certExpiry.*`). */
function expiringText(owner: string, kind: CertEntry["kind"], days: number): string {
  const what = i18n.t(`consoles:certExpiry.kind.${kind}`);
  if (days < 0) return i18n.t("consoles:certExpiry.expired", { owner, what });
  if (days === 0) return i18n.t("consoles:certExpiry.today", { owner, what });
  return i18n.t("consoles:certExpiry.inDays", { owner, what, count: days, n: formatNumber(days) });
}

/** Component id → why its tile is marked, for one console's column. */
export function expiringTiles(
  components: ConsoleComponents,
  report: CertsReport | null,
  now: Date = new Date(),
): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of report?.certs ?? []) {
    if (!entry.expiring) continue;
    for (const place of entry.seenIn) {
      if (place.console !== components.console || !place.id || out.has(place.id)) continue;
      out.set(place.id, expiringText(entry.owner, entry.kind, entry.daysLeft));
    }
  }
  for (const node of [...components.peers, ...components.cas, ...components.orderers]) {
    if (!out.has(node.id) && expiresSoon(node.certExpiresAt, now)) {
      out.set(node.id, i18n.t("consoles:certExpiry.record", { name: node.displayName }));
    }
  }
  return out;
}

/** The certificate report, read once when the view opens (it asks every console and peer);
 * null until it answers, and when it cannot be read (the tiles' own data still counts). */
export function useCertsReport(): CertsReport | null {
  const [report, setReport] = useState<CertsReport | null>(null);
  useEffect(() => {
    let live = true;
    certsReport()
      .then((r) => {
        if (live) setReport(r);
      })
      .catch(() => {});
    return () => {
      live = false;
    };
  }, []);
  return report;
}
