import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { App } from "../App";
import type { ArtifactKind } from "../bindings/ArtifactKind";
import { resetReadyForTests } from "../ready";
import { libraryItem, mockBackend } from "../test/ipc";
import { bulkExportRequest } from "./BulkExportPanel";

const LIBRARY = [
  libraryItem({ id: "ca1", kind: "ca", displayName: "Org1 CA" }),
  libraryItem({ id: "p1", kind: "peer", displayName: "Org1 Peer0" }),
  libraryItem({ id: "p2", kind: "peer", displayName: "Org1 Peer1" }),
  libraryItem({ id: "os1", kind: "orderer", displayName: "Ordering Service", nodes: 3 }),
  libraryItem({ id: "m1", kind: "msp", displayName: "Org1 MSP" }),
  libraryItem({ id: "i1", kind: "identity", displayName: "org1admin" }),
];

beforeEach(() => resetReadyForTests());

const panel = () => document.getElementById("bulk-export-panel") as HTMLElement;

describe("bulkExportRequest", () => {
  const of = (...kinds: ArtifactKind[]) => bulkExportRequest(LIBRARY, new Set(kinds));

  it("lists the ids of the ticked kinds", () => {
    expect(of("ca", "orderer", "peer", "msp")).toEqual({
      ids: ["ca1", "p1", "p2", "os1", "m1"],
      includePrivateKeys: false,
      empty: false,
    });
    expect(of("peer")).toMatchObject({ ids: ["p1", "p2"], includePrivateKeys: false });
    expect(of("peer", "identity")).toMatchObject({
      ids: ["p1", "p2", "i1"],
      includePrivateKeys: true,
    });
  });

  it("asks for everything ([]) when every kind is ticked, and knows when nothing matches", () => {
    expect(of("ca", "orderer", "peer", "msp", "identity")).toEqual({
      ids: [],
      includePrivateKeys: true,
      empty: false,
    });
    expect(of()).toMatchObject({ ids: [], empty: true });
    expect(bulkExportRequest([], new Set(["peer"]))).toMatchObject({ empty: true });
  });
});

describe("Bulk export panel", () => {
  it("opens from Settings with four kinds ticked; Identities adds the warning", async () => {
    const user = userEvent.setup();
    const calls = mockBackend({
      library: LIBRARY,
      extra: (cmd) =>
        cmd === "library_export_dialog" ? "/home/me/FOC.11_27_2025-14_30.zip" : undefined,
    });
    window.location.hash = "#/settings";
    render(<App />);
    await user.click(await screen.findByRole("button", { name: "Export" }));
    await waitFor(() => expect(panel()).not.toBeNull());
    const p = within(panel());
    expect(p.getByRole("heading", { name: "Export" })).toBeInTheDocument();
    for (const label of ["Certificate Authorities", "Ordering services", "Peers", "MSPs"]) {
      expect(p.getByLabelText(label)).toBeChecked();
    }
    expect(p.getByLabelText("Identities")).not.toBeChecked();
    expect(p.queryByText("Important")).toBeNull();

    await user.click(p.getByLabelText("Peers"));
    await user.click(p.getByLabelText("Identities"));
    expect(p.getByText("Important")).toBeInTheDocument();
    expect(p.getByText(/Exported identities will include the private key/)).toBeInTheDocument();

    await user.click(p.getByRole("button", { name: "Export" }));
    await waitFor(() =>
      expect(calls.find((c) => c.cmd === "library_export_dialog")?.args).toEqual({
        ids: ["ca1", "os1", "m1", "i1"],
        includePrivateKeys: true,
        format: "zip",
      }),
    );
    expect(await screen.findByText("Exported to /home/me/FOC.11_27_2025-14_30.zip")).toBeVisible();
    await waitFor(() => expect(document.getElementById("bulk-export-panel")).toBeNull());
  });

  it("cannot export when nothing of the ticked kinds is in the library", async () => {
    const user = userEvent.setup();
    mockBackend({ library: [] });
    window.location.hash = "#/settings";
    render(<App />);
    await user.click(await screen.findByRole("button", { name: "Export" }));
    await waitFor(() => expect(panel()).not.toBeNull());
    expect(within(panel()).getByRole("button", { name: "Export" })).toBeDisabled();
    expect(within(panel()).getByText(/Nothing to export/)).toBeInTheDocument();
  });
});
