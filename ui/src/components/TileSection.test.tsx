import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { NodeItem } from "../data/model";
import { nodeTile, PEER_COLUMNS } from "../data/tiles";
import { comingLater } from "./ActionButton";
import { TileSection } from "./TileSection";

const ORGS = ["Alpha", "Bravo", "Charlie", "Delta"];
const peers: NodeItem[] = Array.from({ length: 20 }, (_, i) => ({
  id: `p${i}`,
  displayName: `${ORGS[i % 4]} Peer${i}`,
  mspId: `${ORGS[i % 4]}MSP`,
  location: "-",
  url: `grpcs://127.0.0.1:${7051 + i}`,
  status: "running",
  imported: true,
}));

function renderPeers(items: NodeItem[], pageSize = 15) {
  return render(
    <TileSection
      id="peers"
      title="Peers"
      info="About peers"
      items={items}
      itemKey={(p) => p.id}
      toTile={nodeTile}
      columns={PEER_COLUMNS}
      actions={comingLater("Import peer")}
      emptyTitle="No peers yet"
      emptyHint="Import a peer's JSON file."
      defaultPageSize={pageSize}
    />,
  );
}

const tiles = () => screen.queryAllByRole("article");

describe("TileSection", () => {
  it("shows one page of tiles and pages through the rest", async () => {
    const user = userEvent.setup();
    renderPeers(peers);
    expect(screen.getByRole("heading", { level: 2, name: "Peers" })).toBeInTheDocument();
    expect(tiles()).toHaveLength(15);
    expect(screen.getByText("1 - 15 of 20 Items")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Next page" }));
    expect(tiles()).toHaveLength(5);
    expect(screen.getByText("16 - 20 of 20 Items")).toBeInTheDocument();
    expect(tiles()[0]).toHaveAccessibleName("Delta Peer15");
  });

  it("filters the tiles in grid view", async () => {
    const user = userEvent.setup();
    renderPeers(peers);
    await user.type(screen.getByRole("searchbox"), "charlie");
    expect(tiles()).toHaveLength(5);
    expect(tiles().every((t) => t.textContent?.includes("Charlie"))).toBe(true);
    expect(screen.getByText("1 - 5 of 5 Items")).toBeInTheDocument();
    await user.clear(screen.getByRole("searchbox"));
    await user.type(screen.getByRole("searchbox"), "nothing-like-this");
    expect(tiles()).toHaveLength(0);
    expect(screen.getByText("No matches")).toBeInTheDocument();
  });

  it("switches to a table with the console's columns, and filters it", async () => {
    const user = userEvent.setup();
    renderPeers(peers.slice(0, 8));
    await user.click(screen.getByRole("tab", { name: "List view" }));
    const table = await screen.findByRole("table");
    const headers = within(table)
      .getAllByRole("columnheader")
      .map((h) => h.textContent);
    expect(headers).toEqual(["Display name", "MSP ID", "Location", "URL", "Status"]);
    expect(within(table).getAllByRole("row")).toHaveLength(1 + 8);
    expect(within(table).getAllByText("Running")).toHaveLength(8);
    await user.type(screen.getByPlaceholderText("Filter table"), "bravo");
    expect(within(table).getAllByRole("row")).toHaveLength(1 + 2);
  });

  it("shows the empty state and a disabled button that says why", () => {
    renderPeers([]);
    expect(screen.getByText("No peers yet")).toBeInTheDocument();
    expect(screen.getByText("Import a peer's JSON file.")).toBeInTheDocument();
    expect(screen.queryByRole("searchbox")).toBeNull();
    expect(screen.queryByRole("button", { name: "Next page" })).toBeNull();
    const button = screen.getByRole("button", { name: /Import peer/ });
    expect(button).toBeDisabled();
    expect(screen.getByText("Coming in a later release")).toBeInTheDocument();
  });

  it("opens an item from its tile or its list row, when it has details", async () => {
    const user = userEvent.setup();
    const opened = vi.fn();
    render(
      <TileSection
        id="peers"
        title="Peers"
        info="About peers"
        items={peers.slice(0, 3)}
        itemKey={(p) => p.id}
        toTile={nodeTile}
        columns={PEER_COLUMNS}
        actions={[]}
        emptyTitle="No peers yet"
        emptyHint="-"
        onOpen={(p) => (p.id === "p2" ? undefined : () => opened(p.id))}
      />,
    );
    await user.click(screen.getByRole("button", { name: "Show details of Alpha Peer0" }));
    expect(opened).toHaveBeenLastCalledWith("p0");
    // An item without details has no open button.
    expect(screen.queryByRole("button", { name: "Show details of Charlie Peer2" })).toBeNull();

    await user.click(screen.getByRole("tab", { name: "List view" }));
    const table = await screen.findByRole("table");
    await user.click(within(table).getByText("grpcs://127.0.0.1:7052"));
    expect(opened).toHaveBeenLastCalledWith("p1");
    // Keyboard: the first cell is a button.
    within(table).getByRole("button", { name: "Alpha Peer0" }).focus();
    await user.keyboard("{Enter}");
    expect(opened).toHaveBeenLastCalledWith("p0");
    expect(opened).toHaveBeenCalledTimes(3);
  });
});
