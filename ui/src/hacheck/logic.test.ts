import { describe, expect, it } from "vitest";
import type { ConsoleComponents } from "../bindings/ConsoleComponents";
import { i18n } from "../i18n";
import { mockHaCheck } from "../mocks/hacheck";
import {
  componentIdOf,
  consoleGaps,
  haCheckHref,
  parseHaCheckHash,
  peerActions,
  peerSquares,
  scopeText,
  todoCount,
  verdictText,
} from "./logic";

const cell = (check: ReturnType<typeof mockHaCheck>, console: string) => {
  const ch = check.channels[0];
  const found = ch?.cells.find((c) => c.console === console);
  if (!ch || !found) throw new Error(`no cell ${console}`);
  return { ch, cell: found };
};

describe("HA check scope in the hash", () => {
  it("round-trips a plan and a console + MSP, and reads nothing from a bare hash", () => {
    expect(haCheckHref({ plan: "ha org1" })).toBe("#/ha-check?plan=ha+org1");
    expect(parseHaCheckHash(haCheckHref({ plan: "ha org1" }))).toEqual({ plan: "ha org1" });
    const msp = { console: "Dallas", mspId: "Org1MSP" };
    expect(haCheckHref(msp)).toBe("#/ha-check?console=Dallas&msp=Org1MSP");
    expect(parseHaCheckHash(haCheckHref(msp))).toEqual(msp);
    expect(parseHaCheckHash("#/ha-check")).toBeNull();
    expect(parseHaCheckHash("#/ha-check?console=Dallas")).toBeNull();
    expect(haCheckHref(null)).toBe("#/ha-check");
    // A client TLS identity for peers that require mutual TLS travels with either scope.
    const mtls = { console: "Dallas", mspId: "Org1MSP", tls: "org1 tls" };
    expect(haCheckHref(mtls)).toBe("#/ha-check?console=Dallas&msp=Org1MSP&tls=org1+tls");
    expect(parseHaCheckHash(haCheckHref(mtls))).toEqual(mtls);
    expect(parseHaCheckHash("#/ha-check?plan=ha&tls=org1tls")).toEqual({
      plan: "ha",
      tls: "org1tls",
    });
    expect(parseHaCheckHash("#/ha-check?plan=ha&tls=")).toEqual({ plan: "ha" });
  });
});

describe("HA check cells", () => {
  it("a healthy check: green squares, no action, nothing to fix", () => {
    const check = mockHaCheck(false);
    expect(check.survives).toBe(true);
    expect(verdictText(check)).toBe("Every channel survives the loss of any one region");
    expect(todoCount(check)).toBe(0);
    const { ch, cell: dallas } = cell(check, "Dallas");
    const peer0 = dallas.peers[0];
    if (!peer0) throw new Error("no peer");
    expect(peerSquares(peer0, 1).map((s) => [s.key, s.tone, s.label])).toEqual([
      ["running", "ok", "Running"],
      ["joined", "ok", "Joined"],
      ["height", "ok", "Height 12"],
      ["anchor", "ok", "Anchor"],
      ["chaincode", "ok", "Chaincode ok"],
    ]);
    for (const c of ch.cells)
      for (const p of c.peers) expect(peerActions(ch, c.console, p)).toEqual([]);
    expect(consoleGaps(check, "Frankfurt")).toEqual([]);
  });

  it("a red check: join, install and make anchor where they help, import from a listing console", () => {
    const check = mockHaCheck(true);
    expect(check.survives).toBe(false);
    expect(verdictText(check)).toBe("mychannel would not survive the loss of a region");
    const { ch, cell: frankfurt } = cell(check, "Frankfurt");
    const peer2 = frankfurt.peers[0];
    if (!peer2) throw new Error("no peer");
    expect(peerSquares(peer2, 1).map((s) => s.label)).toEqual(["Running", "Not joined"]);
    expect(peerActions(ch, "Frankfurt", peer2)).toEqual(["join"]);

    const tokyo = cell(check, "Tokyo").cell;
    const [stopped, lacking] = tokyo.peers;
    if (!stopped || !lacking) throw new Error("no peers");
    expect(peerSquares(stopped, 1)).toEqual([{ key: "running", tone: "bad", label: "Stopped" }]);
    expect(peerActions(ch, "Tokyo", stopped)).toEqual([]);
    expect(peerSquares(lacking, 1).at(-1)).toEqual({
      key: "chaincode",
      tone: "bad",
      label: "Lacks asset",
    });
    // Losing Dallas leaves no anchor peer: a joined peer of another region can become one.
    expect(peerActions(ch, "Tokyo", lacking)).toEqual(["install", "anchor"]);
    const peer1 = cell(check, "Dallas").cell.peers[1];
    if (!peer1) throw new Error("no peer");
    expect(peerActions(ch, "Dallas", peer1)).toEqual([]);

    expect(consoleGaps(check, "Frankfurt")).toEqual([
      { peer: "Org1 Peer1", apiUrl: "grpcs://127.0.0.1:7151", from: "Dallas" },
    ]);
    expect(todoCount(check)).toBe(4);
  });

  it("finds a console's component by api_url, whatever the case or a trailing slash", () => {
    const peer = (id: string, apiUrl: string | null) => ({ id, apiUrl }) as never;
    const components = {
      peers: [peer("a", null), peer("org1peer1", "grpcs://127.0.0.1:7151/")],
    } as unknown as ConsoleComponents;
    expect(componentIdOf(components, "GRPCS://127.0.0.1:7151")).toBe("org1peer1");
    expect(componentIdOf(components, "grpcs://127.0.0.1:9999")).toBeNull();
  });
});

describe("HA check in Chinese", () => {
  it("says the verdict and the squares with the console's terms", async () => {
    await i18n.changeLanguage("zh-CN");
    const green = mockHaCheck(false);
    expect(verdictText(green)).toBe("任一区域丢失后，每个通道仍可继续服务");
    expect(verdictText(mockHaCheck(true))).toBe("区域丢失后，mychannel 将无法继续服务");
    const peer0 = cell(green, "Dallas").cell.peers[0];
    if (!peer0) throw new Error("no peer");
    expect(peerSquares(peer0, 1).map((s) => s.label)).toEqual([
      "运行中",
      "已加入",
      "高度 12",
      "锚点",
      "链码正常",
    ]);
    expect(scopeText({ plan: "ha-org1" })).toBe("计划 ha-org1");
  });
});
