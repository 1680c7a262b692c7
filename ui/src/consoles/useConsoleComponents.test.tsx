import { mockIPC } from "@tauri-apps/api/mocks";
import { act, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { POLL_MS } from "./logic";
import { useConsoleComponents } from "./useConsoleComponents";

function Probe(props: { name: string }) {
  const { data, error } = useConsoleComponents(props.name);
  return <p>{error ? "failed" : data ? `peers: ${data.peers.length}` : "reading"}</p>;
}

/** The fetch time and a refresh button, as the all-regions columns show them. */
function Fetched(props: { name: string }) {
  const { data, refresh } = useConsoleComponents(props.name);
  return (
    <button type="button" onClick={refresh}>
      {data ? `Fetched ${data.fetchedAt}` : "reading"}
    </button>
  );
}

afterEach(() => vi.useRealTimers());

describe("useConsoleComponents", () => {
  it("reads on mount, then every 60 s while the window is visible", async () => {
    vi.useFakeTimers();
    const calls: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd !== "console_components") throw new Error(cmd);
      calls.push(args);
      return {
        console: "Dallas",
        fetchedAt: new Date().toISOString(),
        peers: Array.from({ length: calls.length }, (_, i) => ({ id: `p${i}` })),
        cas: [],
        orderers: [],
        msps: [],
      };
    });
    render(<Probe name="Dallas" />);
    await act(() => vi.advanceTimersByTimeAsync(0));
    expect(screen.getByText("peers: 1")).toBeInTheDocument();
    await act(() => vi.advanceTimersByTimeAsync(POLL_MS - 1000));
    expect(calls).toHaveLength(1);
    await act(() => vi.advanceTimersByTimeAsync(1000));
    expect(screen.getByText("peers: 2")).toBeInTheDocument();
    expect(calls).toEqual([
      { name: "Dallas", fresh: false },
      { name: "Dallas", fresh: false },
    ]);

    // Hidden window: no polling.
    const visibility = vi.spyOn(document, "visibilityState", "get").mockReturnValue("hidden");
    await act(() => vi.advanceTimersByTimeAsync(3 * POLL_MS));
    expect(calls).toHaveLength(2);
    visibility.mockReturnValue("visible");
    await act(async () => {
      document.dispatchEvent(new Event("visibilitychange"));
      await vi.advanceTimersByTimeAsync(0);
    });
    expect(calls).toHaveLength(3);
  });

  it("refresh reads anew, past the backend's 20 s cache", async () => {
    // The backend: one answer per console, reused for 20 s unless `fresh`.
    let now = Date.parse("2025-11-27T14:00:00Z");
    let cached: { at: number; answer: unknown } | null = null;
    const calls: unknown[] = [];
    mockIPC((cmd, args) => {
      if (cmd !== "console_components") throw new Error(cmd);
      calls.push(args);
      const { fresh } = args as { name: string; fresh: boolean };
      if (!fresh && cached && now - cached.at < 20_000) return cached.answer;
      const answer = {
        console: "Dallas",
        fetchedAt: new Date(now).toISOString(),
        peers: [],
        cas: [],
        orderers: [],
        msps: [],
      };
      cached = { at: now, answer };
      return answer;
    });
    render(<Fetched name="Dallas" />);
    expect(await screen.findByText("Fetched 2025-11-27T14:00:00.000Z")).toBeInTheDocument();

    // 16 s later the refresh button asks for a fresh answer and shows it.
    now += 16_000;
    await act(async () => screen.getByRole("button").click());
    expect(await screen.findByText("Fetched 2025-11-27T14:00:16.000Z")).toBeInTheDocument();
    expect(calls).toEqual([
      { name: "Dallas", fresh: false },
      { name: "Dallas", fresh: true },
    ]);
  });

  it("keeps the error of a failed read", async () => {
    mockIPC(() => {
      throw { code: "console_unreachable", message: "connection refused", details: null };
    });
    render(<Probe name="Tokyo" />);
    expect(await screen.findByText("failed")).toBeInTheDocument();
  });
});
