import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  englishLeftovers,
  ipcCallsOf,
  overflowing,
  panelOpen,
  screenshot,
  serveMockApp,
  switchLanguage,
} from "./harness";

const { open } = serveMockApp();
const callsOf = ipcCallsOf;

const userIds = (page: Page) =>
  page
    .locator('[data-testid="ca-users"] tbody tr')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-user")));

/** Opens Org1 CA from its tile on the Nodes page. */
async function openOrg1Ca(page: Page): Promise<void> {
  await page.locator('#cas article[aria-label="Org1 CA"]').click();
  await expect.poll(() => page.url()).toMatch(/#\/nodes\/ca\/lib-ca-org1$/);
  await expect.poll(() => page.locator("h1").textContent()).toBe("Org1 CA");
}

async function associateAdmin(page: Page): Promise<void> {
  await page.locator("#ca-associate-open").click();
  const panel = page.locator("#ca-associate-panel");
  await panelOpen(panel);
  await panel.locator("#ca-associate-enrollId").fill("admin");
  await panel.locator("#ca-associate-secret").fill("adminpw");
  expect(await panel.locator("#ca-associate-walletName").inputValue()).toBe("Org1 CA Admin");
  await panel.locator("#ca-associate-submit").click();
  await expect.poll(() => panel.count()).toBe(0);
  await expect
    .poll(() => page.locator("#ca-associated").getAttribute("data-identity"))
    .toBe("Org1 CA Admin");
}

async function registerPeer(page: Page, id: string): Promise<Locator> {
  await page.locator("#ca-register-open").click();
  const panel = page.locator("#ca-register-panel");
  await panelOpen(panel);
  await panel.locator("#ca-register-enrollId").fill(id);
  await panel.locator("#ca-register-type").selectOption("peer");
  await panel.locator("#ca-register-submit").click();
  return panel;
}

describe("Side panels", () => {
  // Carbon scrolls a focused element of a scrolling modal body to its centre when focus moves;
  // a button near the bottom then moved between the mouse going down and up, and the first
  // click was lost. The panel's body scrolls in a box of its own (SidePanel.tsx).
  it("a button low in a scrolled panel takes the first click while a field above has focus", async () => {
    const { page, errors } = await open("?library=demo#/nodes");
    await page.setViewportSize({ width: 1440, height: 560 });
    await openOrg1Ca(page);
    await associateAdmin(page);
    await page.locator("#ca-register-open").click();
    const panel = page.locator("#ca-register-panel");
    await panelOpen(panel);
    const add = panel.locator("#ca-register-add-attribute");
    const rows = panel.getByTestId("ca-attribute");
    for (let i = 0; i < 3; i += 1) await add.click();
    await expect.poll(() => rows.count()).toBe(3);
    // The button at the bottom of the visible part, a field at the top focused, as a user
    // who typed the enroll id and then reaches for "Add attribute".
    await panel
      .locator("#ca-register-enrollId")
      .evaluate((input) => (input as HTMLInputElement).focus({ preventScroll: true }));
    await add.evaluate((b) => b.scrollIntoView({ block: "end" }));
    const box = await add.boundingBox();
    if (!box) throw new Error("the Add attribute button is not on screen");
    expect(box.y + box.height).toBeLessThanOrEqual(560);
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => rows.count()).toBe(4);
    expect(errors).toEqual([]);
  });
});

describe("CA detail page", () => {
  it("associates the admin, registers a peer, lists it and enrolls it into the wallet", async () => {
    const { page, errors } = await open("?library=demo#/nodes");
    await openOrg1Ca(page);
    await expect.poll(() => page.locator('[data-fact="ca-name"] dd').textContent()).toBe("ca");
    expect(await page.locator('[data-fact="tlsca-name"] dd').textContent()).toBe("tlsca");
    expect(await page.locator('[data-fact="url"] dd').textContent()).toBe("https://127.0.0.1:7054");
    // No registrar yet: no users call, Register disabled.
    expect(await page.getByText("Associate an identity to see the users").isVisible()).toBe(true);
    expect(await page.locator("#ca-register-open").isDisabled()).toBe(true);
    expect(await callsOf(page, "ca_identities")).toEqual([]);

    await associateAdmin(page);
    expect((await callsOf(page, "ca_associate")).map((c) => c.args)).toEqual([
      {
        ca: "lib-ca-org1",
        how: {
          kind: "enroll",
          enrollId: "admin",
          enrollSecret: "adminpw",
          walletName: "Org1 CA Admin",
        },
      },
    ]);
    await expect.poll(() => userIds(page)).toEqual(["admin"]);

    const panel = await registerPeer(page, "peer1");
    await expect.poll(() => panel.getByTestId("ca-registered").isVisible()).toBe(true);
    const secret = (await panel.locator("#ca-secret-value").textContent()) ?? "";
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await panel.getByText("it is not shown again", { exact: false }).isVisible()).toBe(true);
    expect(await panel.locator("#ca-secret-copy").isVisible()).toBe(true);
    const [register] = (await callsOf(page, "ca_register")).map((c) => c.args);
    expect(register).toEqual({
      input: {
        target: { ca: "lib-ca-org1", caName: null, tlsCert: null },
        registrar: null,
        enrollId: "peer1",
        identityType: "peer",
        enrollSecret: secret,
        maxEnrollments: null,
        affiliation: null,
        attributes: [],
      },
    });
    await expect.poll(() => userIds(page)).toEqual(["admin", "peer1"]);
    expect(await page.locator('[data-user="peer1"] td').allTextContents()).toEqual([
      "peer1",
      "peer",
      "",
      "Unlimited",
    ]);

    // Enroll into the wallet from the done panel: the kept secret is used.
    await panel.locator("#ca-register-enroll").click();
    const enroll = page.locator("#ca-enroll-panel");
    await panelOpen(enroll);
    expect(await enroll.locator("#ca-enroll-enrollId").inputValue()).toBe("peer1");
    await enroll.locator("#ca-enroll-walletName").fill("Org1 Peer1");
    await enroll.locator("#ca-enroll-submit").click();
    await expect.poll(() => enroll.count()).toBe(0);
    await expect
      .poll(() => page.getByText("Enrolled Org1 Peer1 into the wallet").isVisible())
      .toBe(true);
    expect((await callsOf(page, "ca_enroll")).map((c) => c.args)).toEqual([
      {
        input: {
          target: { ca: "lib-ca-org1", caName: null, tlsCert: null },
          enrollId: "peer1",
          enrollSecret: null,
          walletName: "Org1 Peer1",
          hosts: [],
        },
      },
    ]);
    // Reopening "Register user" shows an empty form: the secret is gone.
    await page.locator("#ca-register-open").click();
    const again = page.locator("#ca-register-panel");
    await panelOpen(again);
    expect(await again.locator("#ca-secret-value").count()).toBe(0);
    expect(await again.locator("#ca-register-enrollId").inputValue()).toBe("");
    await again.getByRole("button", { name: "Cancel" }).click();
    await expect.poll(() => again.count()).toBe(0);
    // The toasts would cover the page in the screenshot.
    const closers = page.locator(".fhd-toasts button[aria-label]");
    while ((await closers.count()) > 0) await closers.first().click();
    await screenshot(page, "ca-detail");

    await page.locator('a[href="#/wallet"]').first().click();
    await expect
      .poll(() => page.locator("#identities article h3").allTextContents())
      .toEqual(expect.arrayContaining(["Org1 CA Admin", "Org1 Peer1"]));
    expect(errors).toEqual([]);
  });

  it("shows the CA's sentence and fix when the id is already registered", async () => {
    const { page, errors } = await open("?library=demo#/nodes/ca/lib-ca-org1");
    await expect.poll(() => page.locator("h1").textContent()).toBe("Org1 CA");
    await associateAdmin(page);
    const first = await registerPeer(page, "peer1");
    await expect.poll(() => first.getByTestId("ca-registered").isVisible()).toBe(true);
    await first.locator("#ca-register-close").click();
    await expect.poll(() => first.count()).toBe(0);

    const panel = await registerPeer(page, "peer1");
    const error = panel.getByTestId("ca-error");
    await expect.poll(() => error.getAttribute("data-code")).toBe("ca_already_registered");
    const text = await error.textContent();
    expect(text).toContain("This enroll ID is already registered at the Certificate Authority.");
    expect(text).toContain("Choose another enroll ID");
    expect(text).toContain("Identity 'peer1' is already registered");
    expect(await panel.locator("#ca-secret-value").count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it("lists the TLS CA's users as an identity enrolled there", async () => {
    const { page, errors } = await open("?library=demo#/nodes/ca/lib-ca-org1");
    await expect.poll(() => page.locator("h1").textContent()).toBe("Org1 CA");
    await associateAdmin(page);
    await page.locator("#ca-tab-tlsca").click();
    // The enrollment CA's admin is not the TLS CA's: the CA refuses it.
    const error = page.getByTestId("ca-error");
    await expect.poll(() => error.getAttribute("data-code")).toBe("ca_authentication_failure");

    // Enroll the TLS CA's admin into the wallet and list as it.
    await page.locator("#ca-enroll-open").click();
    const enroll = page.locator("#ca-enroll-panel");
    await panelOpen(enroll);
    await enroll.locator("#ca-enroll-enrollId").fill("admin");
    await enroll.locator("#ca-enroll-secret").fill("adminpw");
    await enroll.locator("#ca-enroll-walletName").fill("Org1 TLS CA Admin");
    await enroll.locator("#ca-enroll-submit").click();
    await expect.poll(() => enroll.count()).toBe(0);
    await expect
      .poll(() => page.locator("#ca-tls-registrar option").allTextContents())
      .toContain("Org1 TLS CA Admin");
    const tlsAdmin = await page
      .locator("#ca-tls-registrar option", { hasText: "Org1 TLS CA Admin" })
      .getAttribute("value");
    await page.locator("#ca-tls-registrar").selectOption(tlsAdmin ?? "");
    await expect.poll(() => userIds(page)).toEqual(["admin"]);
    const calls = (await callsOf(page, "ca_identities")).map((c) => c.args);
    expect(calls.at(-1)).toEqual({
      target: { ca: "lib-ca-org1", caName: "tlsca", tlsCert: null },
      registrar: tlsAdmin,
    });
    expect(errors).toEqual([]);
  });
});

describe("CA detail page in Chinese", () => {
  it("associate, register and the users in zh-CN: the console's terms, nothing English left, panels fit", async () => {
    const { page, errors } = await open("?library=demo#/nodes/ca/lib-ca-org1");
    try {
      await switchLanguage(page, "zh-CN");
      await expect.poll(() => page.locator("h1").textContent()).toBe("Org1 CA");
      expect(await page.locator("#ca-card-title").textContent()).toBe("证书颁发机构（CA）");
      expect(await page.locator('[role="tab"]').allTextContents()).toEqual([
        "证书颁发机构",
        "TLS 证书颁发机构",
      ]);

      await page.locator("#ca-associate-open").click();
      const associate = page.locator("#ca-associate-panel");
      await panelOpen(associate);
      expect(await associate.textContent()).toContain("登记 ID 和密码");
      expect(await overflowing(page, "#ca-associate-panel .cds--modal-container")).toEqual([]);
      await associate.locator("#ca-associate-enrollId").fill("admin");
      await associate.locator("#ca-associate-secret").fill("adminpw");
      await associate.locator("#ca-associate-submit").click();
      await expect.poll(() => associate.count()).toBe(0);

      // The register form with an attribute row (name, value, remove) fits the panel.
      await page.locator("#ca-register-open").click();
      const form = page.locator("#ca-register-panel");
      await panelOpen(form);
      // Carbon's modal centres a newly focused element in a scrolling panel: focused first, the
      // button does not move away between the press and the release of the click.
      await form.locator("#ca-register-add-attribute").focus();
      await form.locator("#ca-register-add-attribute").click();
      await expect.poll(() => form.getByTestId("ca-attribute").count()).toBe(1);
      expect(await form.locator("legend").allTextContents()).toEqual(["登记密码", "属性（可选）"]);
      expect(await overflowing(page, "#ca-register-panel .cds--modal-container")).toEqual([]);
      await form.getByRole("button", { name: "移除属性 1" }).click();
      await form.getByRole("button", { name: "取消" }).click();
      await expect.poll(() => form.count()).toBe(0);

      const panel = await registerPeer(page, "peer1");
      await expect
        .poll(() => panel.getByTestId("ca-registered").textContent())
        .toContain("peer1 已在 Org1 CA 中注册");
      expect(await panel.locator("#ca-secret-copy").textContent()).toBe("复制");
      expect(await overflowing(page, "#ca-register-panel .cds--modal-container")).toEqual([]);
      await panel.locator("#ca-register-close").click();
      await expect.poll(() => panel.count()).toBe(0);
      await expect.poll(() => userIds(page)).toContain("peer1");
      expect(await page.locator('[data-testid="ca-users"] th').allTextContents()).toEqual([
        "登记 ID",
        "类型",
        "隶属关系",
        "最大登记次数",
      ]);
      const names = ["Org1 CA", "Org1 CA Admin", "TLS", "API URL", "Fabric CA", "CA", "ID"];
      const texts = "h1, h2, dt, th, button, [role=tab]";
      expect(await englishLeftovers(page, ".fhd-ca-page", texts, names)).toEqual([]);
      expect(await overflowing(page, ".fhd-ca-card, .fhd-ca-actions, .fhd-ca-tabs")).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await switchLanguage(page, "en");
    }
  });
});
