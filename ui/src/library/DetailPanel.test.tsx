import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { App } from "../App";
import { resetReadyForTests } from "../ready";
import { libraryItem, mockBackend } from "../test/ipc";

const IDENTITY = libraryItem({
  id: "i1",
  kind: "identity",
  displayName: "org1admin",
  issuingCas: ["Org1 CA"],
  administers: ["Org1MSP"],
  source: "FOC.zip!/Wallet/org1admin_identity.json",
});
const PEER = libraryItem({
  id: "p1",
  kind: "peer",
  displayName: "Org1 Peer0",
  mspId: "Org1MSP",
  apiUrl: "grpcs://127.0.0.1:7051",
});

beforeEach(() => resetReadyForTests());

const panel = () => document.getElementById("library-detail-panel") as HTMLElement;
const modal = (id: string) => document.getElementById(id) as HTMLElement;

describe("Detail panel", () => {
  it("shows what the file says, and exports an identity only after the confirmation", async () => {
    const user = userEvent.setup();
    const calls = mockBackend({
      library: [IDENTITY, PEER],
      extra: (cmd) =>
        cmd === "library_export_dialog" ? "/home/me/Downloads/FOC.export.zip" : undefined,
    });
    window.location.hash = "#/wallet";
    render(<App />);
    await user.click(await screen.findByRole("button", { name: "Show details of org1admin" }));
    await waitFor(() => expect(panel()).not.toBeNull());
    const details = within(panel());
    expect(details.getByRole("heading", { name: "org1admin" })).toBeInTheDocument();
    expect(panel().querySelector('[data-fact="issued-by"] dd')).toHaveTextContent("Org1 CA");
    expect(panel().querySelector('[data-fact="administers"] dd')).toHaveTextContent("Org1MSP");
    expect(panel().querySelector('[data-fact="source"] dd')).toHaveTextContent(
      "FOC.zip!/Wallet/org1admin_identity.json",
    );
    expect(details.getByText(/^Imported from FOC\.zip on /)).toBeInTheDocument();

    await user.click(details.getByRole("button", { name: "Export" }));
    await waitFor(() => expect(modal("export-identity-modal")).not.toBeNull());
    const confirm = within(modal("export-identity-modal"));
    expect(confirm.getByText("Important")).toBeInTheDocument();
    expect(
      confirm.getByText(
        "The exported file contains the identity's private key. Anyone with the file can act as this identity.",
      ),
    ).toBeInTheDocument();
    const exportButton = confirm.getByRole("button", { name: "Export" });
    expect(exportButton).toBeDisabled();
    expect(calls.some((c) => c.cmd === "library_export_dialog")).toBe(false);

    await user.click(confirm.getByLabelText("I understand that the private key leaves the app"));
    expect(exportButton).toBeEnabled();
    await user.click(exportButton);
    await waitFor(() =>
      expect(calls.find((c) => c.cmd === "library_export_dialog")?.args).toEqual({
        ids: ["i1"],
        includePrivateKeys: true,
        format: "auto",
      }),
    );
    expect(await screen.findByText("Exported to /home/me/Downloads/FOC.export.zip")).toBeVisible();
    expect(document.getElementById("export-identity-modal")).toBeNull();
  });

  it("exports a peer right away, without private keys", async () => {
    const user = userEvent.setup();
    const calls = mockBackend({
      library: [PEER],
      extra: (cmd) => (cmd === "library_export_dialog" ? null : undefined),
    });
    window.location.hash = "#/nodes";
    render(<App />);
    await user.click(await screen.findByRole("button", { name: "Show details of Org1 Peer0" }));
    await waitFor(() => expect(panel()).not.toBeNull());
    expect(
      within(panel()).getByText(/status appears once a console that runs it is connected/),
    ).toBeInTheDocument();
    await user.click(within(panel()).getByRole("button", { name: "Export" }));
    await waitFor(() =>
      expect(calls.find((c) => c.cmd === "library_export_dialog")?.args).toEqual({
        ids: ["p1"],
        includePrivateKeys: false,
        format: "auto",
      }),
    );
    // Cancelled save dialog (null): no toast, the panel stays.
    expect(screen.queryByText(/^Exported to/)).toBeNull();
    expect(panel()).not.toBeNull();
  });

  it("removes after confirming, then reloads the library and the tile is gone", async () => {
    const user = userEvent.setup();
    const calls = mockBackend({ library: [IDENTITY, PEER] });
    window.location.hash = "#/nodes";
    render(<App />);
    await user.click(await screen.findByRole("button", { name: "Show details of Org1 Peer0" }));
    await waitFor(() => expect(panel()).not.toBeNull());
    await user.click(within(panel()).getByRole("button", { name: "Remove" }));
    await waitFor(() => expect(modal("remove-item-modal")).not.toBeNull());
    const confirm = within(modal("remove-item-modal"));
    expect(confirm.getByText("Remove Org1 Peer0?")).toBeInTheDocument();
    expect(calls.some((c) => c.cmd === "library_remove")).toBe(false);
    await user.click(confirm.getByRole("button", { name: "Remove" }));

    await waitFor(() =>
      expect(calls.find((c) => c.cmd === "library_remove")?.args).toEqual({ ids: ["p1"] }),
    );
    await waitFor(() => expect(calls.filter((c) => c.cmd === "library_list")).toHaveLength(2));
    await waitFor(() => expect(screen.queryByRole("article", { name: "Org1 Peer0" })).toBeNull());
    expect(await screen.findByText("Removed Org1 Peer0")).toBeVisible();
    expect(screen.getByText("No peers yet")).toBeInTheDocument();
    expect(document.getElementById("library-detail-panel")).toBeNull();
  });

  it("shows a failed export as a toast with the human sentence", async () => {
    const user = userEvent.setup();
    mockBackend({
      library: [PEER],
      extra: (cmd) => {
        if (cmd === "library_export_dialog") {
          throw { code: "Storage", message: "disk full", details: null };
        }
        return undefined;
      },
    });
    window.location.hash = "#/nodes";
    render(<App />);
    await user.click(await screen.findByRole("button", { name: "Show details of Org1 Peer0" }));
    await waitFor(() => expect(panel()).not.toBeNull());
    await user.click(within(panel()).getByRole("button", { name: "Export" }));
    expect(
      await screen.findByText(
        "Org1 Peer0 could not be exported: The workspace database could not be read or written.",
      ),
    ).toBeInTheDocument();
  });
});
