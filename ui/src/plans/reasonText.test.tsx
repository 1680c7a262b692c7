import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { render } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { PlanCheck } from "../bindings/PlanCheck";
import type { PlanFailure } from "../bindings/PlanFailure";
import type { PlanPeerReport } from "../bindings/PlanPeerReport";
import type { PlanPreviewStatus } from "../bindings/PlanPreviewStatus";
import { i18n } from "../i18n";
import english from "../i18n/locales/en/plans.json";
import chinese from "../i18n/locales/zh-CN/plans.json";
import { VerdictTag } from "./parts";
import {
  ccServerWarnings,
  checkDetail,
  failureFix,
  failureText,
  openStepError,
  reasonText,
} from "./reasonText";

const holdsPeer: PlanPreviewStatus = {
  status: "blocked",
  code: "consoleHoldsPeer",
  params: { console: "eu-west", peer: "Org1 Peer 2 (eu)" },
  reason: 'console "eu-west" already holds a peer named "Org1 Peer 2 (eu)"',
};

const present: PlanPreviewStatus = {
  status: "already_done",
  code: "presentAs",
  params: { console: "eu-west", id: "org1ca" },
  detail: 'present in "eu-west" as org1ca',
};

/** The engine's reason for a create step of an organization an import-only console cannot
 * create: the console's verdict quoted as the cause. */
const cannotCreate: PlanPreviewStatus = {
  status: "blocked",
  code: "orgCannotBeCreated",
  params: {
    cause:
      'console "Frankfurt": Connected, but this console is import-only: it cannot create peers, only import them. Create the redundant peers in a console that has a deployer; use this one for imports.',
    causeCode: "consoleVerdict",
    "cause.console": "Frankfurt",
    "cause.verdict": "import_only",
    "cause.sentence":
      "Connected, but this console is import-only: it cannot create peers, only import them.",
    "cause.fix":
      "Create the redundant peers in a console that has a deployer; use this one for imports.",
  },
  reason:
    'the organization cannot be created: console "Frankfurt": Connected, but this console is import-only: it cannot create peers, only import them. Create the redundant peers in a console that has a deployer; use this one for imports.',
};

const shown = (verdict: PlanPreviewStatus) =>
  render(<VerdictTag verdict={verdict} />).container.textContent;

async function inChinese(body: () => void) {
  await i18n.changeLanguage("zh-CN");
  try {
    body();
  } finally {
    await i18n.changeLanguage("en");
  }
}

describe("reasons of the plan preview", () => {
  it("show a blocked and an already-done step in English as the engine words them", () => {
    expect(shown(holdsPeer)).toBe(
      "Blocked" + 'console "eu-west" already holds a peer named "Org1 Peer 2 (eu)"',
    );
    expect(shown(present)).toBe('Already done present in "eu-west" as org1ca');
    expect(shown(cannotCreate)).toBe(
      "Blocked" +
        'the organization cannot be created: console "Frankfurt": Connected, but this console is import-only: it cannot create peers, only import them. Create the redundant peers in a console that has a deployer; use this one for imports.',
    );
  });

  it("word them in Chinese, names and ids as they are", async () => {
    await inChinese(() => {
      expect(shown(holdsPeer)).toBe("受阻控制台“eu-west”中已有名为“Org1 Peer 2 (eu)”的对等节点");
      expect(shown(present)).toBe("已完成 已在“eu-west”中，ID 为 org1ca");
      expect(shown(cannotCreate)).toBe(
        "受阻无法创建该组织：控制台“Frankfurt”：已连接，但此控制台仅支持导入：它无法创建对等节点，只能导入。 请在具有部署程序的控制台中创建冗余对等节点；此控制台用于导入。",
      );
    });
  });

  it("word a check's finding, and keep another error's own words after its sentence", async () => {
    const quota: PlanCheck = {
      name: 'component quota of console "eu-west"',
      label: { code: "consoleQuota", params: { console: "eu-west" } },
      ok: true,
      code: "componentQuota",
      params: { now: "3", total: "7", limit: "75" },
      detail: "3 components now, 7 after the plan (the console's default limit is 75)",
    };
    const message = "Fabric CA: cannot reach https://ca.example.com:7054: connection refused";
    const unreachable = { message, errorCode: "ca_unreachable" };
    expect(checkDetail(quota)).toBe(quota.detail);
    expect(reasonText("error", unreachable, message)).toBe(message);
    await inChinese(() => {
      expect(checkDetail(quota)).toBe(
        "现有 3 个组件，执行计划后为 7 个（控制台的默认上限为 75 个）",
      );
      expect(reasonText("error", unreachable, message)).toBe(`无法访问证书颁发机构（${message}）`);
      expect(
        reasonText(
          "noPackageFor",
          { chaincodes: "basic, marbles", channels: "mychannel" },
          'no region-1 peer of the plan has a package for "basic", "marbles" used on mychannel',
        ),
      ).toBe("计划中区域 1 的对等节点都没有通道 mychannel 所用的“basic”、“marbles”的链码包");
      const failed = '"Org1 Peer 2": peer 127.0.0.1:7051: connection refused';
      expect(
        reasonText(
          "channelNotJoined",
          {
            channel: "mychannel",
            answers: `"Org1 Peer 1" has not joined it; ${failed}`,
            notJoined: "Org1 Peer 1",
            failed,
          },
          "English",
        ),
      ).toBe(
        `计划中区域 1 的对等节点都未加入通道 mychannel（“Org1 Peer 1”未加入；${failed}）：请先加入一个，或从计划中删除通道 mychannel`,
      );
    });
  });

  it("name the certificates a present CA differs in by their words and JSON paths", async () => {
    const fields =
      "TLS certificate (msp.component.tls_cert), root certificates (msp.ca.root_certs)";
    const detail = `present in "eu-west" as org1ca with other certificates (${fields}); the console's edit route does not change a CA's`;
    const stale: PlanPreviewStatus = {
      status: "already_done",
      code: "presentWithOtherCerts",
      params: {
        console: "eu-west",
        id: "org1ca",
        fields,
        paths: "msp.component.tls_cert, msp.ca.root_certs",
      },
      detail,
    };
    expect(shown(stale)).toBe(`Already done ${detail}`);
    await inChinese(() => {
      expect(shown(stale)).toBe(
        `已完成 已在“eu-west”中，ID 为 org1ca，但证书不同（${i18n.t("consoles:report.field.tlsCert")}（msp.component.tls_cert）、${i18n.t("consoles:report.field.rootCerts")}（msp.ca.root_certs））；控制台的编辑接口无法更改证书颁发机构的证书`,
      );
    });
  });

  it("word why a run stopped and what to do", async () => {
    const duplicates: PlanFailure = {
      step: "eu-west/create/org1peer2",
      code: "blocked",
      reason: "duplicatePeers",
      params: { console: "eu-west", count: "2", peer: "Org1 Peer 2 (eu)" },
      message:
        'console "eu-west" holds 2 peers named "Org1 Peer 2 (eu)"; remove the extra ones first',
      fix: "Resolve the conflict on the console or CA named in the message, then resume the plan.",
      resumable: false,
    };
    const message = 'console "eu-west": The console did not answer in time.';
    const timeout: PlanFailure = {
      step: "eu-west/import-ca",
      code: "console_timeout",
      reason: "error",
      params: { message, errorCode: "console_timeout" },
      message,
      fix: "The engine's own fix.",
      resumable: true,
    };
    expect([failureText(duplicates), failureFix(duplicates)]).toEqual([
      duplicates.message,
      duplicates.fix,
    ]);
    expect(failureFix(timeout)).toBe("The engine's own fix.");
    await inChinese(() => {
      expect([failureText(duplicates), failureFix(duplicates)]).toEqual([
        "控制台“eu-west”中有 2 个名为“Org1 Peer 2 (eu)”的对等节点；请先删除多余的对等节点",
        "请在消息中提到的控制台或证书颁发机构上解决冲突，然后继续运行计划。",
      ]);
      expect(failureText(timeout)).toBe(
        `${i18n.t("errors:console_timeout.sentence").replace(/。$/, "")}（${message}）`,
      );
      expect(failureFix(timeout)).toBe(i18n.t("errors:console_timeout.fix"));
    });
  });

  it("fall back to the engine's English words for a code the catalog lacks", async () => {
    await inChinese(() => {
      expect(reasonText("somethingNew", { id: "x" }, "something new about x")).toBe(
        "something new about x",
      );
    });
  });

  it("word a chaincode server in one region once per package, or keep a report's English", async () => {
    const english =
      "asset_1.0:ab12 is a chaincode-as-a-service package: every peer that installs it calls the one chaincode server at cc.us-south:9999, which runs in one region; a peer in another region needs a route to it, or a chaincode server and a package of its own";
    const peer = (ccaas: PlanPeerReport["ccaas"]): PlanPeerReport => ({
      display_name: "Org1 Peer 2 (eu)",
      enroll_id: "org1-eu-peer2",
      component_id: null,
      api_url: null,
      operations_url: null,
      running: true,
      imported_into: [],
      channels: [],
      package_ids: ["asset_1.0:ab12"],
      warnings: [english],
      ccaas,
    });
    const server = [{ package_id: "asset_1.0:ab12", address: "cc.us-south:9999" }];
    const two = [peer(server), peer(server)];
    expect(ccServerWarnings(two)).toEqual([english]);
    expect(ccServerWarnings([peer([]), peer([])])).toEqual([english]);
    await inChinese(() => {
      const [said, ...more] = ccServerWarnings(two);
      expect(more).toEqual([]);
      expect(said).toContain("asset_1.0:ab12 是链码即服务");
      expect(said).toContain("cc.us-south:9999");
      expect(
        ccServerWarnings([peer([{ package_id: "asset_1.0:ab12", address: null }])])[0],
      ).toContain("connection.json 中的地址");
    });
  });

  it("have a sentence in both catalogs for every code the engine sends", () => {
    const binding = readFileSync(
      resolve(import.meta.dirname, "../bindings/PlanReasonCode.ts"),
      "utf8",
    );
    const codes = [...binding.matchAll(/"(\w+)"/g)].map((m) => m[1] as string);
    expect(codes.length).toBeGreaterThan(50);
    for (const code of codes) {
      expect(Object.hasOwn(english.reason, code), code).toBe(true);
      expect(Object.hasOwn(chinese.reason, code), code).toBe(true);
    }
  });
});

describe("a report's open step", () => {
  const noApiUrl = 'the peer record "org1peer0" has no api_url';
  it("words its last error from the journaled reason, or says the stored words of an older journal", async () => {
    const journaled = {
      error: noApiUrl,
      reason: "peerRecordNoApiUrl" as const,
      params: { id: "org1peer0" },
    };
    const older = { error: noApiUrl, reason: null, params: {} };
    expect(openStepError(journaled)).toBe(noApiUrl);
    await inChinese(() => {
      expect(openStepError(journaled)).toBe("对等节点记录“org1peer0”没有 api_url");
      expect(openStepError(older)).toBe(noApiUrl);
    });
  });
});
