import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { App } from "../App";
import { MockConsoles } from "../mocks/consoles";
import { MockLibrary } from "../mocks/library";
import { resetReadyForTests } from "../ready";
import { mockBackend } from "../test/ipc";
import { formatTime } from "./logic";

beforeEach(() => {
  resetReadyForTests();
});

describe("All regions", () => {
  it("a column's refresh button fetches anew 16 s after the last fetch", async () => {
    const user = userEvent.setup();
    const consoles = new MockConsoles(new MockLibrary([]));
    // The backend reuses a console's answer for 20 s unless asked for a fresh one.
    const start = Date.parse("2025-11-27T14:00:00Z");
    let now = start;
    const cache = new Map<string, { at: number; answer: unknown }>();
    const calls = mockBackend({
      extra: (cmd, args) => {
        if (cmd === "console_list") return consoles.list();
        if (cmd !== "console_components") return undefined;
        const { name, fresh } = args as { name: string; fresh: boolean };
        const hit = cache.get(name);
        if (!fresh && hit && now - hit.at < 20_000) return hit.answer;
        const answer = { ...consoles.components(name), fetchedAt: new Date(now).toISOString() };
        cache.set(name, { at: now, answer });
        return answer;
      },
    });
    window.location.hash = "#/consoles/regions";
    render(<App />);

    const dallas = await screen.findByRole("region", { name: "Dallas" });
    const before = `Fetched ${formatTime(new Date(start).toISOString())}`;
    expect(await within(dallas).findByText(before)).toBeInTheDocument();

    now = start + 16_000;
    await user.click(within(dallas).getByRole("button", { name: "Refresh Dallas" }));
    const after = `Fetched ${formatTime(new Date(now).toISOString())}`;
    expect(await within(dallas).findByText(after)).toBeInTheDocument();
    const reads = calls
      .filter((c) => c.cmd === "console_components")
      .map((c) => c.args as { name: string; fresh: boolean })
      .filter((a) => a.name === "Dallas");
    expect(reads.at(-1)).toEqual({ name: "Dallas", fresh: true });
    expect(reads.filter((a) => a.fresh)).toHaveLength(1);
  });
});
