import { emit } from "@tauri-apps/api/event";
import { mockWindows } from "@tauri-apps/api/mocks";
import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { App } from "../App";
import type { ImportReport } from "../bindings/ImportReport";
import type { LibraryItem } from "../bindings/LibraryItem";
import { resetReadyForTests } from "../ready";
import { libraryItem, mockBackend } from "../test/ipc";

beforeEach(() => resetReadyForTests());

const ORG2_PEER = libraryItem({ id: "p2", kind: "peer", displayName: "Org2 Peer0" });

/** A backend whose import adds Org2 Peer0 to the library; `*.bundle` files are bundles. */
function importingBackend(report: ImportReport | null, shouldMockEvents = true) {
  const library: LibraryItem[] = [];
  const calls = mockBackend({
    shouldMockEvents,
    extra: (cmd, args) => {
      if (cmd === "library_list") return [...library];
      if (cmd === "bundle_detect") {
        return (args as { paths: string[] }).paths.filter((p) => p.endsWith(".bundle"));
      }
      if (cmd === "library_import_dialog" || cmd === "library_import_paths") {
        if (report) library.push(ORG2_PEER);
        return report;
      }
      return undefined;
    },
  });
  return calls;
}

const REPORT: ImportReport = {
  files: [
    {
      file: "Org2 Peer0_peer.json",
      status: "accepted",
      findings: [],
      artifacts: [{ id: "p2", kind: "peer", displayName: "Org2 Peer0", new: true }],
    },
  ],
};

describe("Import panels", () => {
  it("Import peer: the console's Add peer panel; Add file imports and shows the report", async () => {
    const user = userEvent.setup();
    const calls = importingBackend(REPORT);
    window.location.hash = "#/nodes";
    render(<App />);
    await user.click(await screen.findByRole("button", { name: /Import peer/ }));
    const panel = await waitFor(() => {
      const el = document.getElementById("import-peer-panel");
      if (!el) throw new Error("no panel yet");
      return el;
    });
    const p = within(panel);
    expect(p.getByRole("heading", { name: "Add peer" })).toBeInTheDocument();
    expect(p.getByText("JSON information")).toBeInTheDocument();
    expect(p.getByRole("button", { name: "Cancel" })).toBeEnabled();
    // As in the console, the footer's submit waits for a file.
    expect(p.getAllByRole("button", { name: "Add peer" }).at(-1)).toBeDisabled();

    await user.click(p.getByRole("button", { name: "Add file" }));
    const report = await p.findByTestId("import-report");
    expect(within(report).getAllByTestId("import-file")[0]).toHaveAttribute(
      "data-status",
      "accepted",
    );
    expect(calls.filter((c) => c.cmd === "library_list")).toHaveLength(2);
    expect(await screen.findByRole("article", { name: "Org2 Peer0" })).toBeInTheDocument();
    await user.click(p.getByRole("button", { name: "Done" }));
    await waitFor(() => expect(document.getElementById("import-peer-panel")).toBeNull());
  });

  it("a cancelled dialog (null) changes nothing", async () => {
    const user = userEvent.setup();
    const calls = importingBackend(null);
    window.location.hash = "#/organizations";
    render(<App />);
    await user.click(await screen.findByRole("button", { name: /Import MSP definition/ }));
    const panel = await waitFor(() => {
      const el = document.getElementById("import-msp-panel");
      if (!el) throw new Error("no panel yet");
      return el;
    });
    await user.click(within(panel).getByRole("button", { name: "Add file" }));
    await waitFor(() => expect(calls.some((c) => c.cmd === "library_import_dialog")).toBe(true));
    expect(within(panel).queryByTestId("import-report")).toBeNull();
    expect(calls.filter((c) => c.cmd === "library_list")).toHaveLength(1);
  });

  it("Add identity: Upload JSON selected, Manual entry disabled", async () => {
    const user = userEvent.setup();
    importingBackend(null);
    window.location.hash = "#/wallet";
    render(<App />);
    await user.click(await screen.findByRole("button", { name: /Add identity/ }));
    const panel = await waitFor(() => {
      const el = document.getElementById("import-identity-panel");
      if (!el) throw new Error("no panel yet");
      return el;
    });
    const p = within(panel);
    expect(p.getByRole("button", { name: "Manual entry" })).toBeDisabled();
    expect(p.getByRole("button", { name: "Upload JSON" })).toHaveAttribute("aria-pressed", "true");
    expect(p.getByText("Coming in a later release")).toBeInTheDocument();
    expect(p.getByRole("button", { name: "Add file" })).toBeEnabled();
  });

  it("drag and drop: overlay while hovering, then the report of the dropped paths", async () => {
    mockWindows("main");
    const calls = importingBackend(REPORT, true);
    window.location.hash = "#/nodes";
    render(<App />);
    await screen.findByRole("heading", { level: 1, name: "Nodes" });
    const paths = ["/tmp/Org2 Peer0_peer.json", "/tmp/readme.txt"];
    await waitFor(async () => {
      await act(() => emit("tauri://drag-enter", { paths, position: { x: 10, y: 10 } }));
      expect(screen.getByTestId("drop-overlay")).toHaveTextContent(
        "Drop console files to import them",
      );
    });
    expect(screen.getByTestId("drop-overlay")).toHaveTextContent("2 files");
    await act(() => emit("tauri://drag-leave", null));
    expect(screen.queryByTestId("drop-overlay")).toBeNull();
    await act(() => emit("tauri://drag-enter", { paths, position: { x: 10, y: 10 } }));
    await act(() => emit("tauri://drag-drop", { paths, position: { x: 10, y: 10 } }));
    expect(screen.queryByTestId("drop-overlay")).toBeNull();
    const report = await screen.findByTestId("import-report");
    expect(within(report).getAllByTestId("import-file")).toHaveLength(1);
    expect(calls.find((c) => c.cmd === "library_import_paths")?.args).toEqual({ paths });
    expect(await screen.findByRole("article", { name: "Org2 Peer0" })).toBeInTheDocument();
    expect(
      within(document.getElementById("import-report-panel") as HTMLElement).getByRole("heading", {
        name: "Import report",
      }),
    ).toBeInTheDocument();
  });

  it("drag and drop: a bundle opens in Bundles → Receive, the other files are imported", async () => {
    mockWindows("main");
    const calls = importingBackend(REPORT, true);
    window.location.hash = "#/nodes";
    render(<App />);
    await screen.findByRole("heading", { level: 1, name: "Nodes" });
    const bundle = "/tmp/for eu-de.bundle";
    const paths = ["/tmp/Org2 Peer0_peer.json", bundle];
    await waitFor(async () => {
      await act(() => emit("tauri://drag-enter", { paths, position: { x: 10, y: 10 } }));
      expect(screen.getByTestId("drop-overlay")).toHaveTextContent("a bundle opens in Bundles");
    });
    await act(() => emit("tauri://drag-drop", { paths, position: { x: 10, y: 10 } }));
    await waitFor(() =>
      expect(window.location.hash).toBe(`#/bundles/receive/${encodeURIComponent(bundle)}`),
    );
    expect(calls.find((c) => c.cmd === "bundle_detect")?.args).toEqual({ paths });
    await waitFor(() =>
      expect(calls.find((c) => c.cmd === "library_import_paths")?.args).toEqual({
        paths: ["/tmp/Org2 Peer0_peer.json"],
      }),
    );
  });
});
