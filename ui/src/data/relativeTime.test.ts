import { describe, expect, it } from "vitest";
import { timeUntil } from "./relativeTime";
import { identityCaText, identityTile } from "./tiles";

const now = new Date("2026-01-01T00:00:00Z");
const days = (n: number) => new Date(now.getTime() + n * 24 * 3600 * 1000);

describe("timeUntil", () => {
  it("words the time left like the console", () => {
    expect(timeUntil(days(365), now)).toBe("12 months");
    expect(timeUntil(days(30), now)).toBe("1 month");
    expect(timeUntil(days(3), now)).toBe("3 days");
    expect(timeUntil(days(3 * 365), now)).toBe("3 years");
    expect(timeUntil(days(-1), now)).toBe("expired");
  });

  it("builds identity tiles with expiration and CA", () => {
    const tile = identityTile(
      {
        id: "i",
        name: "org1admin",
        expiresAt: days(365).toISOString(),
        connectedTo: [],
        caNames: ["Org1 CA"],
      },
      now,
    );
    expect(tile.labels.map((l) => l.text)).toEqual(["Expiration: 12 months", "CA: Org1 CA"]);
    expect(tile.status).toBeUndefined();
    expect(
      identityCaText({
        id: "t",
        name: "t",
        connectedTo: [],
        caNames: ["Org1 TLS CA"],
        tlsCa: true,
      }),
    ).toBe("TLS CA: Org1 TLS CA");
  });
});
