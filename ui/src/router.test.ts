import { describe, expect, it } from "vitest";
import { hrefFor, routeFromHash } from "./router";

describe("router", () => {
  it("reads the route from the hash and falls back to Nodes", () => {
    expect(routeFromHash("#/wallet")).toBe("wallet");
    expect(routeFromHash("#/ha-plans")).toBe("ha-plans");
    expect(routeFromHash("#/ha-check?plan=Org1+HA")).toBe("ha-check");
    expect(routeFromHash("#/settings?x=1")).toBe("settings");
    expect(routeFromHash("")).toBe("nodes");
    expect(routeFromHash("#/nope")).toBe("nodes");
    expect(hrefFor("organizations")).toBe("#/organizations");
  });
});
