// The peer panel through the real app and api.ts, the backend answered by the mock build's
// consoles and Fabric network (mocks/consoles.ts, mocks/peers.ts).
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it } from "vitest";
import { App } from "../App";
import { resetReadyForTests } from "../ready";
import { libraryItem } from "../test/ipc";
import { mockPeerBackend } from "../test/peers";

beforeEach(() => {
  resetReadyForTests();
});

const backend = mockPeerBackend;

async function openPeer(name: string): Promise<HTMLElement> {
  window.location.hash = "#/consoles/c/Dallas";
  render(<App />);
  await userEvent.click(await screen.findByRole("button", { name: `Show details of ${name}` }));
  return screen.findByTestId("peer-panel");
}

const channelRow = (panel: HTMLElement, channel: string) =>
  panel.querySelector<HTMLElement>(`[data-testid="peer-channel"][data-channel="${channel}"]`);

/** Fills and sends "Join channel…" for mychannel. */
async function joinMychannel(user: ReturnType<typeof userEvent.setup>, panel: HTMLElement) {
  await user.click(within(panel).getByRole("button", { name: "Join channel…" }));
  await user.type(await screen.findByLabelText("Channel name"), "mychannel");
  await user.click(screen.getByRole("button", { name: "Join channel" }));
}

/** The join of Org1 Peer1 to mychannel the panel sends, presenting `tlsIdentity`. */
const joinOfPeer1 = (tlsIdentity: string | null) => ({
  input: {
    peer: "Dallas/org1peer1",
    channel: "mychannel",
    from: null,
    identity: null,
    tlsIdentity,
  },
});

describe("Peer panel", () => {
  it("shows the channels with heights, anchor peers and the installed chaincode", async () => {
    const calls = backend();
    const panel = await openPeer("Org1 Peer0");
    await waitFor(() => expect(channelRow(panel, "mychannel")).not.toBeNull());
    expect(channelRow(panel, "mychannel")?.dataset.height).toBe("12");
    expect(channelRow(panel, "assets")?.dataset.height).toBe("5");
    const mychannel = channelRow(panel, "mychannel") as HTMLElement;
    expect(await within(mychannel).findByTestId("peer-is-anchor")).toHaveTextContent("Anchor peer");
    expect(within(mychannel).getByTestId("peer-anchors")).toHaveTextContent("127.0.0.1:7051");
    const packages = await within(panel).findAllByTestId("peer-package");
    expect(packages.map((p) => p.dataset.package?.split(":")[0])).toEqual([
      "asset_0.9",
      "asset_1.0",
      "basic_1.0",
      "events_1.0",
    ]);
    for (const p of packages) expect(p.dataset.package).toMatch(/^[\w.]+:[0-9a-f]{64}$/);
    expect(packages[1]).toHaveTextContent("mychannel: asset 1.0");
    expect(packages[0]).toHaveTextContent("Not used by a chaincode definition");
    expect(within(panel).getByTestId("peer-signed-by")).toHaveTextContent("Signed by org1admin");
    expect(calls.find((c) => c.cmd === "peer_channels")?.args).toEqual({
      peer: "Dallas/org1peer0",
      identity: null,
      tlsIdentity: null,
    });
  });

  it("presents the chosen client TLS identity on every read and on a join", async () => {
    const user = userEvent.setup();
    const org1tls = libraryItem({ id: "lib-org1tls", kind: "identity", displayName: "org1tls" });
    const calls = backend((cmd) => (cmd === "library_list" ? [org1tls] : undefined));
    const panel = await openPeer("Org1 Peer1");
    expect(await within(panel).findByText(/^No channels\./)).toBeInTheDocument();
    const tls = within(panel).getByLabelText("Client TLS identity");
    await waitFor(() =>
      expect(within(tls).getByRole("option", { name: "org1tls" })).toBeInTheDocument(),
    );
    await user.selectOptions(tls, "lib-org1tls");
    // The panel reads the peer again, presenting the identity's TLS certificate.
    await waitFor(() =>
      expect(calls.filter((c) => c.cmd === "peer_channels").map((c) => c.args)).toContainEqual({
        peer: "Dallas/org1peer1",
        identity: null,
        tlsIdentity: "lib-org1tls",
      }),
    );
    expect(calls.filter((c) => c.cmd === "peer_chaincodes").at(-1)?.args).toEqual({
      peer: "Dallas/org1peer1",
      identity: null,
      tlsIdentity: "lib-org1tls",
    });
    await joinMychannel(user, panel);
    await screen.findByTestId("peer-notice", {}, { timeout: 5000 });
    expect(calls.find((c) => c.cmd === "peer_join")?.args).toEqual(joinOfPeer1("lib-org1tls"));
  }, 20_000);

  // Three forms filled in turn: over Vitest's 5 s default on a busy 2-core machine.
  it("joins a channel with the catch-up shown, installs from another peer, makes it an anchor peer", async () => {
    const user = userEvent.setup();
    const calls = backend();
    const panel = await openPeer("Org1 Peer1");
    expect(await within(panel).findByText(/^No channels\./)).toBeInTheDocument();

    await joinMychannel(user, panel);
    const bar = await screen.findByTestId("peer-join-progress");
    expect(bar).toHaveTextContent(/Catching up: block \d+ of 12/);
    const notice = await screen.findByTestId("peer-notice", {}, { timeout: 5000 });
    expect(notice).toHaveTextContent(
      "Org1 Peer1 joined mychannel with block 0 from Org1 Peer0 (height 12, caught up).",
    );
    await waitFor(() => expect(channelRow(panel, "mychannel")?.dataset.height).toBe("12"));
    expect(calls.find((c) => c.cmd === "peer_join")?.args).toEqual(joinOfPeer1(null));

    await user.click(within(panel).getByRole("button", { name: "Install chaincode…" }));
    const source = await screen.findByLabelText("Peer to copy from");
    await waitFor(() =>
      expect(within(source).getByRole("option", { name: /Org1 Peer0/ })).toBeInTheDocument(),
    );
    await user.selectOptions(source, "Dallas/org1peer0");
    const packageSelect = await screen.findByLabelText("Package");
    const asset = within(packageSelect).getByRole("option", { name: /^asset_1\.0:/ });
    await user.selectOptions(packageSelect, asset);
    await user.click(screen.getByRole("button", { name: "Install" }));
    expect(await screen.findByTestId("peer-notice")).toHaveTextContent(
      /Installed asset_1\.0:[0-9a-f]{64} on Org1 Peer1 \(copied from Org1 Peer0\)\./,
    );
    const installed = await within(panel).findAllByTestId("peer-package");
    expect(installed.map((p) => p.dataset.package?.split(":")[0])).toEqual(["asset_1.0"]);
    const install = calls.find((c) => c.cmd === "peer_install")?.args as {
      input: { from: { peer: { peer: string; packageId: string } } };
    };
    expect(install.input.from.peer.peer).toBe("Dallas/org1peer0");
    expect(install.input.from.peer.packageId).toMatch(/^asset_1\.0:[0-9a-f]{64}$/);

    const row = channelRow(panel, "mychannel") as HTMLElement;
    await user.click(
      await within(row).findByRole("button", {
        name: "Make Org1 Peer1 an anchor peer of mychannel",
      }),
    );
    expect(await within(row).findByTestId("peer-is-anchor")).toBeInTheDocument();
    expect(within(row).getByTestId("peer-anchors")).toHaveTextContent(
      "127.0.0.1:7051, 127.0.0.1:7151",
    );
    expect(screen.getByTestId("peer-notice")).toHaveTextContent(
      "Org1 Peer1 is now an anchor peer of Org1MSP in mychannel",
    );
  }, 20_000);

  it("shows the core's message and the fix when the peer cannot be reached", async () => {
    backend();
    const panel = await openPeer("Legacy Peer");
    const errors = await within(panel).findAllByTestId("peer-error");
    const first = errors[0] as HTMLElement;
    expect(first.dataset.code).toBe("fabric_unreachable");
    expect(first).toHaveTextContent(
      "The channels could not be read: The peer or orderer could not be reached.",
    );
    expect(within(first).getByTestId("peer-error-fix")).toHaveTextContent(
      "Check that the node runs and that its API address is reachable",
    );
    expect(within(first).getByTestId("peer-error-detail")).toHaveTextContent(
      /Legacy Peer \(127\.0\.0\.1:7251 cscc\.GetChannels\), signed by wallet identity "org1admin": .*Connection refused/,
    );
    expect(within(panel).getByTestId("peer-signed-by")).toHaveTextContent("Signed by org1admin");
  });
});
