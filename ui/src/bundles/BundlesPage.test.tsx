import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { NotificationsProvider } from "../components/Notifications";
import { LibraryProvider } from "../data/WorkspaceData";
import {
  MOCK_BUNDLE_PASSPHRASE,
  MOCK_BUNDLES,
  MOCK_CHANGED_ENTRY,
  MockBundles,
} from "../mocks/bundles";
import { MockConsoles } from "../mocks/consoles";
import { MockLibrary } from "../mocks/library";
import { MockPlans } from "../mocks/plans";
import BundlesPage from "../pages/BundlesPage";
import { libraryItem, mockBackend } from "../test/ipc";
import { bundlesHref } from "./route";

const ORG1_CA = libraryItem({
  id: "lib-ca-org1",
  kind: "ca",
  displayName: "Org1 CA",
  apiUrl: "https://127.0.0.1:7054",
});

/** The page over the browser build's mock backend (consoles, plans and bundles); a built
 * bundle comes back with `createWarnings`. */
function renderPage(hash: string, createWarnings: string[] = []) {
  const library = new MockLibrary([ORG1_CA]);
  const consoles = new MockConsoles(library);
  const bundles = new MockBundles(library, consoles, new MockPlans(consoles));
  const calls = mockBackend({
    library: [ORG1_CA],
    extra: (cmd, args) => {
      const a = args as never;
      switch (cmd) {
        case "console_list":
          return consoles.list();
        case "plan_list":
          return [];
        case "bundle_signing_key":
          return bundles.signingKey();
        case "bundle_create":
          return { ...bundles.create((a as { input: never }).input), warnings: createWarnings };
        case "bundle_inspect":
          return bundles.inspect((a as { path: string }).path, (a as { key: never }).key);
        case "bundle_verify":
          return bundles.verify((a as { path: string }).path, (a as { key: never }).key);
        default:
          return undefined;
      }
    },
  });
  window.location.hash = hash;
  render(
    <NotificationsProvider>
      <LibraryProvider initial={[ORG1_CA]}>
        <BundlesPage />
      </LibraryProvider>
    </NotificationsProvider>,
  );
  return calls;
}

/** Types into a field in one change event (as a paste would). */
const fill = (field: HTMLElement, value: string) => fireEvent.change(field, { target: { value } });

describe("the Bundles page", () => {
  it("builds: checks the form first, sends the passphrase once, then forgets it", async () => {
    const user = userEvent.setup();
    const calls = renderPage(bundlesHref({ view: "build" }));
    await user.selectOptions(
      await screen.findByLabelText("The console the bundle is for"),
      "Frankfurt",
    );
    await user.click(screen.getByLabelText("Org1 CA"));
    fill(screen.getByLabelText("Passphrase"), MOCK_BUNDLE_PASSPHRASE);
    fill(screen.getByLabelText("Passphrase again"), "something else");
    await user.click(screen.getByRole("button", { name: "Save bundle…" }));
    expect(await screen.findByText("The passphrases differ.")).toBeInTheDocument();
    expect(calls.some((c) => c.cmd === "bundle_create")).toBe(false);

    fill(screen.getByLabelText("Passphrase again"), MOCK_BUNDLE_PASSPHRASE);
    await user.click(screen.getByRole("button", { name: "Save bundle…" }));
    const written = await screen.findByTestId("bundle-written");
    expect(within(written).getByText("/home/operator/Downloads/Frankfurt.bundle")).toBeVisible();
    expect(within(written).queryByText("Before you hand it over")).toBeNull();
    expect(calls.filter((c) => c.cmd === "bundle_create").map((c) => c.args)).toEqual([
      {
        input: {
          target: "Frankfurt",
          contents: { artifacts: ["lib-ca-org1"] },
          protection: { kind: "passphrase", passphrase: MOCK_BUNDLE_PASSPHRASE },
          includeIdentities: false,
          sign: true,
        },
      },
    ]);
    expect(screen.getByLabelText("Passphrase")).toHaveValue("");
    expect(screen.getByLabelText("Passphrase again")).toHaveValue("");
  });

  it("shows the warnings of a built bundle with the result", async () => {
    const user = userEvent.setup();
    const warning =
      "console/bulk-import.zip has 1300000 bytes, more than the 1048576 (1 MiB) the console's Settings → Bulk data management → Import takes";
    renderPage(bundlesHref({ view: "build" }), [warning]);
    await user.selectOptions(
      await screen.findByLabelText("The console the bundle is for"),
      "Frankfurt",
    );
    await user.click(screen.getByLabelText("Org1 CA"));
    fill(screen.getByLabelText("Passphrase"), MOCK_BUNDLE_PASSPHRASE);
    fill(screen.getByLabelText("Passphrase again"), MOCK_BUNDLE_PASSPHRASE);
    await user.click(screen.getByRole("button", { name: "Save bundle…" }));
    const written = await screen.findByTestId("bundle-written");
    expect(within(written).getByText("Before you hand it over")).toBeVisible();
    expect(within(written).getByText(warning)).toBeVisible();
  });

  it("receives: asks for the key, says a wrong one is wrong, and names the changed file", async () => {
    const user = userEvent.setup();
    renderPage(bundlesHref({ view: "receive", file: MOCK_BUNDLES.changed }));
    const passphrase = await screen.findByLabelText("Bundle passphrase");
    fill(passphrase, "not it");
    await user.click(screen.getByRole("button", { name: "Open" }));
    const keyError = await screen.findByTestId("bundle-key-error");
    expect(keyError).toHaveAttribute("data-code", "bundle_wrong_key");
    expect(keyError).toHaveTextContent(
      "The passphrase or identity file does not open this bundle.",
    );

    fill(passphrase, MOCK_BUNDLE_PASSPHRASE);
    await user.click(screen.getByRole("button", { name: "Open" }));
    const facts = await screen.findByTestId("bundle-facts");
    expect(within(facts).getByText("Frankfurt (https://127.0.0.1:3002)")).toBeInTheDocument();
    expect(screen.getByTestId("bundle-signer")).toHaveAttribute("data-valid", "true");
    expect(screen.getAllByTestId("bundle-component")).toHaveLength(3);

    await user.click(screen.getByRole("button", { name: "Verify" }));
    const verifyError = await screen.findByTestId("bundle-verify-error");
    expect(verifyError).toHaveTextContent(
      "A file in the bundle was changed after the bundle was made.",
    );
    await waitFor(() =>
      expect(
        screen
          .getAllByTestId("bundle-file-row")
          .filter((r) => r.getAttribute("data-check") === "failed")
          .map((r) => r.getAttribute("data-path")),
      ).toEqual([MOCK_CHANGED_ENTRY]),
    );
  });
});
