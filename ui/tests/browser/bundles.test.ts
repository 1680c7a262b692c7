import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  englishLeftovers,
  ipcCallsOf,
  overflowing,
  screenshot,
  serveMockApp,
  switchLanguage,
} from "./harness";

const { open } = serveMockApp();
const callsOf = ipcCallsOf;

// The mock's values (src/mocks/bundles.ts).
const PASSPHRASE = "carried by hand";
const CHANGED = "/home/operator/Downloads/Frankfurt-changed.bundle";
const CHANGED_ENTRY = "api/03-fabric-peer-Org1-Peer0.json";

const click = (page: Page, id: string) => page.locator(`label[for="${id}"]`).click();
const receive = (page: Page) => page.getByTestId("bundle-receive");
const fileChecks = (page: Page) =>
  page
    .getByTestId("bundle-file-row")
    .evaluateAll((rows) =>
      rows.map((r) => [r.getAttribute("data-path"), r.getAttribute("data-check")]),
    );

/** Opens the bundle in the receive view with `passphrase`; resolves once the key form answered. */
async function unlock(page: Page, passphrase: string): Promise<void> {
  await expect.poll(() => receive(page).getAttribute("data-state")).toBe("key");
  await page.locator("#bundle-key-passphrase-input").fill(passphrase);
  await page.locator("#bundle-unlock").click();
}

describe("Bundles", () => {
  it("build → open by dialog → wrong passphrase → inspect → verify → apply into a console", async () => {
    const { page, errors } = await open("?library=demo#/bundles");
    await expect.poll(() => page.getByTestId("bundle-build").isVisible()).toBe(true);

    await page.locator("#bundle-target").selectOption("Frankfurt");
    for (const id of ["lib-ca-org1", "lib-msp-org1", "lib-peer-org1-peer0"]) {
      await click(page, `bundle-artifact-${id}`);
    }
    // Identities stay out until the opt-in.
    expect(await page.locator("#bundle-artifact-lib-identity-org1admin").isDisabled()).toBe(true);

    // No encryption needs its explicit confirmation: nothing is sent without it.
    await click(page, "bundle-protection-unencrypted");
    await expect
      .poll(() => page.locator("#bundle-unencrypted-important-label").isVisible())
      .toBe(true);
    await page.locator("#bundle-save").click();
    await expect
      .poll(() => page.getByText("Confirm that the bundle may be written unencrypted.").isVisible())
      .toBe(true);
    expect(await callsOf(page, "bundle_create")).toEqual([]);

    await click(page, "bundle-protection-passphrase");
    await page.locator("#bundle-passphrase").fill(PASSPHRASE);
    await page.locator("#bundle-passphrase-confirm").fill(PASSPHRASE);
    await expect
      .poll(() => page.getByTestId("bundle-signing-key").textContent())
      .toContain("Receivers see this public key as the signer");
    await screenshot(page, "bundles-build");
    await page.locator("#bundle-save").click();
    const written = page.getByTestId("bundle-written");
    await expect
      .poll(() => written.locator(".fhd-bundle-path").textContent())
      .toBe("/home/operator/Downloads/Frankfurt.bundle");
    expect((await callsOf(page, "bundle_create")).map((c) => c.args)).toEqual([
      {
        input: {
          target: "Frankfurt",
          contents: { artifacts: ["lib-ca-org1", "lib-msp-org1", "lib-peer-org1-peer0"] },
          protection: { kind: "passphrase", passphrase: PASSPHRASE },
          includeIdentities: false,
          sign: true,
        },
      },
    ]);
    expect(await page.locator("#bundle-passphrase").inputValue()).toBe("");

    // Receive: the open dialog answers the bundle just written.
    await page.getByTestId("bundles-tab-receive").click();
    await page.locator("#bundle-open").click();
    await expect
      .poll(() => page.getByTestId("bundle-file").textContent())
      .toBe("/home/operator/Downloads/Frankfurt.bundle");
    await unlock(page, "not the passphrase");
    const keyError = page.getByTestId("bundle-key-error");
    await expect.poll(() => keyError.getAttribute("data-code")).toBe("bundle_wrong_key");
    expect(await keyError.textContent()).toContain(
      "The passphrase or identity file does not open this bundle.",
    );
    await page.locator("#bundle-key-passphrase-input").fill(PASSPHRASE);
    await page.locator("#bundle-unlock").click();
    await expect.poll(() => receive(page).getAttribute("data-state")).toBe("open");

    // Inspect: nothing applied yet; the manifest, the signer, the files with their SHA-256.
    expect(await page.locator('[data-fact="target"] dd').textContent()).toBe(
      "Frankfurt (https://127.0.0.1:3002)",
    );
    expect(await page.getByTestId("bundle-signer").getAttribute("data-valid")).toBe("true");
    expect(await page.getByTestId("bundle-component").count()).toBe(3);
    expect(await callsOf(page, "bundle_apply")).toEqual([]);

    await page.locator("#bundle-verify").click();
    await expect.poll(() => receive(page).getAttribute("data-verify")).toBe("ok");
    expect(await page.getByTestId("bundle-verified").textContent()).toMatch(
      /^All 6 files match the manifest; signed by .+\.$/,
    );
    expect((await fileChecks(page)).every(([, check]) => check === "ok")).toBe(true);
    await screenshot(page, "bundles-receive");

    // Apply into Frankfurt (the bundle's target, proposed): the CA and MSP are there already.
    expect(await page.locator("#bundle-apply-console-name").inputValue()).toBe("Frankfurt");
    await page.locator("#bundle-apply").click();
    const report = page.getByTestId("bundle-apply-report");
    await expect
      .poll(() =>
        report
          .getByTestId("console-import-item")
          .evaluateAll((items) =>
            items.map((i) => [i.getAttribute("data-name"), i.getAttribute("data-outcome")]),
          ),
      )
      .toEqual([
        ["Org1 CA", "alreadyPresent"],
        ["Org1 MSP", "alreadyPresent"],
        ["Org1 Peer0", "imported"],
      ]);
    const applied = await callsOf(page, "bundle_apply");
    expect(applied.map((c) => (c.args as { target: unknown }).target)).toEqual([
      { console: "Frankfurt" },
    ]);
    expect(errors).toEqual([]);
  });

  it("a bundle dropped on another page opens in Receive; verify names the changed file", async () => {
    const { page, errors } = await open("?library=demo#/organizations");
    const overlay = page.getByTestId("drop-overlay");
    const paths = [CHANGED];
    const position = { x: 400, y: 300 };
    // The drop listener is registered after the first frame: hover until the overlay shows.
    await expect
      .poll(async () => {
        await page.evaluate(
          ([p, pos]) => window.__emitTauriEvent("tauri://drag-enter", { paths: p, position: pos }),
          [paths, position] as const,
        );
        return overlay.isVisible();
      })
      .toBe(true);
    expect(await overlay.textContent()).toContain("a bundle opens in Bundles");
    await page.evaluate(
      ([p, pos]) => window.__emitTauriEvent("tauri://drag-drop", { paths: p, position: pos }),
      [paths, position] as const,
    );
    await expect
      .poll(() => page.evaluate(() => window.location.hash))
      .toBe(`#/bundles/receive/${encodeURIComponent(CHANGED)}`);
    expect((await callsOf(page, "bundle_detect")).map((c) => c.args)).toEqual([{ paths }]);
    expect(await callsOf(page, "library_import_paths")).toEqual([]);

    await unlock(page, PASSPHRASE);
    await expect.poll(() => receive(page).getAttribute("data-state")).toBe("open");
    await page.locator("#bundle-verify").click();
    await expect.poll(() => receive(page).getAttribute("data-verify")).toBe("failed");
    const verifyError = page.getByTestId("bundle-verify-error");
    expect(await verifyError.getAttribute("data-code")).toBe("bundle_tampered");
    expect(await verifyError.textContent()).toContain(
      "A file in the bundle was changed after the bundle was made.",
    );
    expect(await verifyError.textContent()).toContain(CHANGED_ENTRY);
    expect((await fileChecks(page)).filter(([, check]) => check === "failed")).toEqual([
      [CHANGED_ENTRY, "failed"],
    ]);
    await screenshot(page, "bundles-tampered");

    // Applying refuses it too, and changes nothing.
    await page.locator("#bundle-apply").click();
    await expect
      .poll(() => page.getByTestId("bundle-apply-error").getAttribute("data-code"))
      .toBe("bundle_tampered");
    expect(await page.getByTestId("bundle-apply-report").count()).toBe(0);
    expect(errors).toEqual([]);
  });
});

describe("Files the app was started with", () => {
  it("a bundle opened with the app from a file manager opens in Receive, past the welcome screen", async () => {
    const q = new URLSearchParams([
      ["firstRun", "1"],
      ["open", CHANGED],
    ]);
    const { page, errors } = await open(`?${q}`);
    await expect
      .poll(() => page.evaluate(() => window.location.hash))
      .toBe(`#/bundles/receive/${encodeURIComponent(CHANGED)}`);
    await expect.poll(() => receive(page).getAttribute("data-state")).toBe("key");
    expect(await page.getByText("Continue with an empty workspace").count()).toBe(0);
    expect((await callsOf(page, "launch_files")).length).toBe(1);
    expect((await callsOf(page, "bundle_detect")).map((c) => c.args)).toEqual([
      { paths: [CHANGED] },
    ]);
    expect(await callsOf(page, "library_import_paths")).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("console files opened with the app are imported into the library with a report", async () => {
    const file = "/home/operator/Downloads/Org3 CA_ca.json";
    const { page, errors } = await open(`?open=${encodeURIComponent(file)}#/nodes`);
    await expect
      .poll(async () => (await callsOf(page, "library_import_paths")).map((c) => c.args))
      .toEqual([{ paths: [file] }]);
    await expect.poll(() => page.getByText("Org3 CA_ca.json").first().isVisible()).toBe(true);
    expect(errors).toEqual([]);
  });
});

describe("Bundles in Chinese", () => {
  it("build, open, verify and apply in zh-CN: the console's terms, nothing English left, nothing overflowing", async () => {
    const { page, errors } = await open("?library=demo#/bundles");
    try {
      await switchLanguage(page, "zh-CN");
      await expect.poll(() => page.getByTestId("bundle-build").isVisible()).toBe(true);
      expect(await page.locator("#bundle-target-title").textContent()).toBe("目标控制台");
      await page.locator("#bundle-save").click();
      await expect.poll(() => page.getByText("请选择离线包的目标控制台。").isVisible()).toBe(true);
      await page.locator("#bundle-target").selectOption("Frankfurt");
      for (const id of ["lib-ca-org1", "lib-msp-org1", "lib-peer-org1-peer0"]) {
        await click(page, `bundle-artifact-${id}`);
      }
      await page.locator("#bundle-passphrase").fill(PASSPHRASE);
      await page.locator("#bundle-passphrase-confirm").fill(PASSPHRASE);
      await expect
        .poll(() => page.getByTestId("bundle-signing-key").textContent())
        .toContain("接收方将看到此公钥作为签名者");
      const names = [
        "Frankfurt",
        "Dallas",
        "Org1",
        "Org1MSP",
        "Peer0",
        "Ordering Service",
        "OrdererMSP",
        "org1admin",
        "ordereradmin",
        "age",
        "ed25519",
        "MSP",
        "HTML",
        "Markdown",
        "zip",
        "ID",
        "SHA-256",
      ];
      const texts = "h1, h2, h3, legend, label, button, th, dt, .fhd-tabs__tab";
      expect(await englishLeftovers(page, '[data-testid="bundles-page"]', texts, names)).toEqual(
        [],
      );
      expect(await overflowing(page, ".fhd-bundle-form")).toEqual([]);
      await page.locator("#bundle-save").click();
      const written = page.getByTestId("bundle-written");
      await expect.poll(() => written.locator("h2").textContent()).toBe("已保存");
      expect(await written.textContent()).toMatch(/3 个组件，共 \d+ 个文件，签名者 /);

      await page.getByTestId("bundles-tab-receive").click();
      await page.locator("#bundle-open").click();
      await unlock(page, PASSPHRASE);
      await expect.poll(() => receive(page).getAttribute("data-state")).toBe("open");
      expect(await page.locator("#bundle-inspect-title").textContent()).toBe("包含的内容");
      await page.locator("#bundle-verify").click();
      await expect.poll(() => receive(page).getAttribute("data-verify")).toBe("ok");
      expect(await page.getByTestId("bundle-verified").textContent()).toMatch(
        /^全部 6 个文件与清单一致；签名者 .+。$/,
      );
      expect(await englishLeftovers(page, '[data-testid="bundles-page"]', texts, names)).toEqual(
        [],
      );
      expect(await overflowing(page, ".fhd-bundle-form")).toEqual([]);
      await page.locator("#bundle-apply").click();
      await expect
        .poll(() => page.getByTestId("bundle-apply-report").locator(".fhd-bundle-ok").textContent())
        .toBe("Frankfurt 中 3 个组件：1 个已导入，2 个已存在，0 个被拒绝。");
      expect(errors).toEqual([]);
    } finally {
      await switchLanguage(page, "en");
    }
  });
});
