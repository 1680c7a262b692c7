import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { NodeTile, StatusDot, type TileData } from "./NodeTile";
import { statusLabel, TILE_STATUSES } from "./status";

const peer: TileData = {
  id: "p1",
  title: "Org1 Peer0",
  subtitle: "Org1MSP",
  status: "running",
  labels: [
    { kind: "imported", text: "Imported" },
    { kind: "location", text: "-" },
  ],
};

describe("NodeTile", () => {
  it("shows title, subtitle and the labels in order", () => {
    render(<NodeTile tile={peer} />);
    const tile = screen.getByRole("article", { name: "Org1 Peer0" });
    expect(within(tile).getByRole("heading", { name: "Org1 Peer0" })).toBeInTheDocument();
    expect(within(tile).getByText("Org1MSP")).toHaveClass("fhd-tile__subtitle");
    const labels = within(tile).getAllByRole("listitem");
    expect(labels.map((l) => l.textContent)).toEqual(["Imported", "-"]);
    expect(labels[0]).toHaveClass("fhd-tile__label--imported");
    expect(labels[0]?.querySelector("svg")).not.toBeNull();
    expect(labels[1]).toHaveClass("fhd-tile__label--location");
    expect(tile).toHaveClass("fhd-tile--node");
  });

  it.each(TILE_STATUSES)("status %s: square with the console's label and class", (status) => {
    render(<NodeTile tile={{ ...peer, status }} />);
    const square = screen.getByRole("img", { name: statusLabel(status) });
    expect(square).toHaveClass("fhd-status-square", `fhd-status--${status}`);
    expect(square).toHaveAttribute("data-status", status);
  });

  it("uses the console's wording for every status", () => {
    expect(Object.fromEntries(TILE_STATUSES.map((s) => [s, statusLabel(s)]))).toEqual({
      running: "Running",
      stopped: "Stopped",
      partial: "Your ordering service may be down",
      undetectable: "Status undetectable",
      unknown: "Status unknown",
      pending: "Status pending",
    });
  });

  it("lets a detail replace the status label", () => {
    render(<NodeTile tile={{ ...peer, status: "pending", statusLabel: "podscheduled" }} />);
    expect(screen.getByRole("img", { name: "podscheduled" })).toHaveClass("fhd-status--pending");
  });

  it("has no square without a status (MSPs, identities)", () => {
    render(
      <NodeTile
        variant="msp"
        tile={{
          id: "m",
          title: "Org1 MSP",
          subtitle: "Org1MSP",
          labels: [{ kind: "nodeOu", text: "Node OU: Enabled" }],
        }}
      />,
    );
    expect(screen.queryByRole("img")).toBeNull();
    expect(screen.getByRole("article")).toHaveClass("fhd-tile--msp");
    expect(screen.getByText("Node OU: Enabled")).toBeInTheDocument();
  });

  it("marks an expiring certificate with a warning label", () => {
    render(
      <NodeTile
        tile={{ ...peer, labels: [{ kind: "certExpiration", text: "Certificate Expiration" }] }}
      />,
    );
    const label = screen.getByText("Certificate Expiration").closest("li");
    expect(label).toHaveClass("fhd-tile__label--certExpiration");
  });
});

describe("StatusDot", () => {
  it.each(TILE_STATUSES)("status %s: dot and label", (status) => {
    const { container } = render(<StatusDot status={status} />);
    expect(container).toHaveTextContent(statusLabel(status));
    expect(container.querySelector(`.fhd-status-dot--${status}`)).not.toBeNull();
  });
});
