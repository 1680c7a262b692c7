// The HA wizard's channel and chaincode choices, filled from the region-1 peer the mock build's
// Fabric network answers for (mocks/peers.ts), through the real wizard and api.ts.
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import type { PlanCreateInput } from "../bindings/PlanCreateInput";
import { PlanWizard } from "../plans/PlanWizard";
import { mockPeerBackend } from "../test/peers";

const backend = () =>
  mockPeerBackend((cmd, args) =>
    cmd === "plan_create" ? { plan: (args as { input: PlanCreateInput }).input.plan } : undefined,
  );

/** Fills the source step with Dallas' Org1 organization and the region-1 peer `peer`. */
async function source(user: ReturnType<typeof userEvent.setup>, peer: string): Promise<void> {
  render(<PlanWizard />);
  await user.type(screen.getByLabelText("Plan name"), "Org1 HA");
  const console = await screen.findByLabelText("Console of region 1");
  await waitFor(() => expect(within(console).getAllByRole("option").length).toBeGreaterThan(1));
  await user.selectOptions(console, "Dallas");
  await user.selectOptions(await screen.findByLabelText("Certificate Authority"), "org1ca");
  await user.selectOptions(screen.getByLabelText("MSP definition"), "org1msp");
  await user.click(screen.getByLabelText(new RegExp(`\\(${peer}\\)$`)));
}

/** The options of the open multi-select's menu whose text matches `name`. */
const options = (name: RegExp) =>
  within(screen.getByRole("listbox"))
    .getAllByRole("option")
    .filter((o) => name.test(o.textContent ?? ""));

describe("HA wizard: channels and chaincode from the region-1 peer", () => {
  // Two multi-selects opened and chosen from: over Vitest's 5 s default on a busy 2-core machine.
  it("offers its channels and the packages used on the chosen ones, and saves their ids", async () => {
    const user = userEvent.setup();
    const calls = backend();
    await source(user, "org1peer0");

    const channels = await screen.findByRole("combobox", { name: /Channels the new peers join/ });
    const chaincodes = screen.getByRole("combobox", { name: /Chaincode packages installed/ });
    expect(chaincodes).toBeDisabled();
    await user.click(channels);
    expect(options(/./).map((o) => o.textContent)).toEqual([
      "assets (height 5)",
      "mychannel (height 12)",
    ]);
    await user.click(options(/^mychannel/)[0] as HTMLElement);
    await user.keyboard("{Escape}");

    await waitFor(() => expect(chaincodes).toBeEnabled());
    await user.click(chaincodes);
    // Only what a definition on mychannel uses: not basic (assets), not the unused asset_0.9.
    expect(options(/./).map((o) => o.textContent?.split(" · ")[0])).toEqual([
      "asset_1.0",
      "events_1.0",
    ]);
    await user.click(options(/^asset_1\.0/)[0] as HTMLElement);
    await user.keyboard("{Escape}");

    const next = () => user.click(screen.getByRole("button", { name: "Next" }));
    await next();
    await user.click(await screen.findByLabelText(/^Frankfurt/));
    await next();
    await screen.findByLabelText("Number of peers");
    await next();
    await user.type(await screen.findByLabelText("Enroll secret"), "adminpw");
    await user.click(screen.getByRole("button", { name: "Save and preview" }));
    await waitFor(() => expect(calls.some((c) => c.cmd === "plan_create")).toBe(true));
    const created = calls.find((c) => c.cmd === "plan_create")?.args as { input: PlanCreateInput };
    expect(created.input.plan.channels).toEqual(["mychannel"]);
    expect(created.input.plan.chaincodes).toHaveLength(1);
    expect(created.input.plan.chaincodes[0]).toMatch(/^asset_1\.0:[0-9a-f]{64}$/);
    expect(calls.filter((c) => c.cmd === "peer_channels").map((c) => c.args)).toEqual([
      { peer: "Dallas/org1peer0", identity: null, tlsIdentity: null },
    ]);
  }, 15_000);

  it("says why the region-1 peer cannot be read and falls back to typed names", async () => {
    const user = userEvent.setup();
    backend();
    await source(user, "legacypeer");
    const notice = await screen.findByTestId("plan-choices-unreachable");
    expect(notice).toHaveAttribute("data-code", "fabric_unreachable");
    expect(notice).toHaveTextContent("Legacy Peer could not be read");
    expect(notice).toHaveTextContent("Connection refused");
    expect(notice).toHaveTextContent("Type the channels and package ids instead.");
    await user.type(screen.getByLabelText(/^Channels the new peers join/), "mychannel");
    expect(screen.getByLabelText(/^Channels the new peers join/)).toHaveValue("mychannel");
  });

  it("hides the choices for a new organization, which has no peer yet", async () => {
    const user = userEvent.setup();
    backend();
    render(<PlanWizard />);
    await user.click(screen.getByLabelText("New organization"));
    const console = await screen.findByLabelText("Console of region 1");
    await waitFor(() => expect(within(console).getAllByRole("option").length).toBeGreaterThan(1));
    await user.selectOptions(console, "Dallas");
    expect(await screen.findByTestId("plan-choices-new-org")).toHaveTextContent(
      "the new organization has no peer yet",
    );
    expect(screen.queryByLabelText(/Channels the new peers join/)).toBeNull();
  });
});
