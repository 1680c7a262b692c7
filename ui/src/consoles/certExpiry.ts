// Which tiles of the all-regions view carry the console's "Certificate Expiration" label: a
// certificate of the record that ends within 30 days (the tile data), or one the certificate
// report found — a peer's served TLS certificate, which no record shows.
import { useEffect, useState } from "react";
import { certsReport } from "../api";
import type { CertEntry } from "../bindings/CertEntry";
import type { CertsReport } from "../bindings/CertsReport";
import type { ConsoleComponents } from "../bindings/ConsoleComponents";
import { expiresSoon } from "../data/library";

const KIND_TEXT: Record<CertEntry["kind"], string> = {
  peerEnrollment: "enrollment certificate",
  peerTls: "TLS certificate",
  peerServedTls: "TLS certificate it serves",
  ordererTls: "TLS certificate",
  ordererEnrollment: "enrollment certificate",
  caRoot: "CA root",
  tlsCaRoot: "TLS CA root",
  caTls: "TLS certificate",
  mspAdmin: "admin certificate",
  walletIdentity: "certificate",
};

function daysText(days: number): string {
  if (days < 0) return "has expired";
  if (days === 0) return "expires today";
  return `expires in ${days} day${days === 1 ? "" : "s"}`;
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
      out.set(place.id, `${entry.owner}: ${KIND_TEXT[entry.kind]} ${daysText(entry.daysLeft)}`);
    }
  }
  for (const node of [...components.peers, ...components.cas, ...components.orderers]) {
    if (!out.has(node.id) && expiresSoon(node.certExpiresAt, now)) {
      out.set(node.id, `${node.displayName}: a certificate of its record expires soon`);
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
