import { mockIPC } from "@tauri-apps/api/mocks";
import { act, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { POLL_MS } from "./logic";
import { useConsoleComponents } from "./useConsoleComponents";

function Probe(props: { name: string }) {
  const { data, error } = useConsoleComponents(props.name);
  return <p>{error ? "failed" : data ? `peers: ${data.peers.length}` : "reading"}</p>;
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
    expect(calls).toEqual([{ name: "Dallas" }, { name: "Dallas" }]);

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

  it("keeps the error of a failed read", async () => {
    mockIPC(() => {
      throw { code: "console_unreachable", message: "connection refused", details: null };
    });
    render(<Probe name="Tokyo" />);
    expect(await screen.findByText("failed")).toBeInTheDocument();
  });
});
