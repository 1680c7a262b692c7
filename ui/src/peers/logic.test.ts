import { describe, expect, it } from "vitest";
import type { PeerChaincodes } from "../bindings/PeerChaincodes";
import type { PeerChannels } from "../bindings/PeerChannels";
import { i18n } from "../i18n";
import {
  anchorsText,
  catchUpText,
  consolePeerName,
  errorIdentity,
  hostPort,
  installedText,
  isAnchorPeer,
  isPackagePath,
  joinedText,
  mergeChannels,
  mergePackages,
  packagesOnChannels,
  shortPackageId,
  splitList,
  usedByText,
} from "./logic";

const HASH = "3f1c0a9be2d847c6a1f05e3b9d7c2a4f8e6b1d0c9a7f5e3d2c1b0a9f8e7d6c5b";
const node = (name: string, apiUrl: string) => ({
  name,
  knownAs: [`Dallas/${name.toLowerCase().replace(/ /g, "")}`],
  mspId: "Org1MSP",
  apiUrl,
});

describe("peer logic", () => {
  it("names console peers as CONSOLE/ID and anchor peers as host:port", () => {
    expect(consolePeerName("Dallas", "org1peer0")).toBe("Dallas/org1peer0");
    expect(hostPort("grpcs://Peer0.Example.com:7051")).toBe("peer0.example.com:7051");
    expect(hostPort("grpcs://127.0.0.1:7051/")).toBe("127.0.0.1:7051");
    expect(hostPort("grpcs://peer0.example.com")).toBeNull();
    expect(hostPort(null)).toBeNull();
    expect(isAnchorPeer(["127.0.0.1:7051"], "grpcs://127.0.0.1:7051")).toBe(true);
    expect(isAnchorPeer(["127.0.0.1:7051"], "grpcs://127.0.0.1:8051")).toBe(false);
    expect(isAnchorPeer([], null)).toBe(false);
  });

  it("shortens package ids and says which definitions use a package", () => {
    expect(shortPackageId(`asset_1.0:${HASH}`)).toBe("asset_1.0:3f1c…6c5b");
    expect(shortPackageId("basic_1.0:ab12")).toBe("basic_1.0:ab12");
    expect(usedByText([])).toBe("Not used by a chaincode definition");
    expect(
      usedByText([
        { channel: "mychannel", name: "asset", version: "1.0" },
        { channel: "other", name: "asset", version: "1.1" },
      ]),
    ).toBe("mychannel: asset 1.0 · other: asset 1.1");
  });

  it("keeps the packages a definition on the chosen channels uses", () => {
    const packages = [
      { packageId: "a:1", label: "a", references: [{ channel: "c1", name: "a", version: "1" }] },
      { packageId: "b:2", label: "b", references: [{ channel: "c2", name: "b", version: "1" }] },
      { packageId: "c:3", label: "c", references: [] },
    ];
    expect(packagesOnChannels(packages, ["c1"]).map((p) => p.packageId)).toEqual(["a:1"]);
    expect(packagesOnChannels(packages, ["c1", "c2"]).map((p) => p.packageId)).toEqual([
      "a:1",
      "b:2",
    ]);
    expect(packagesOnChannels(packages, [])).toEqual([]);
  });

  it("describes the catch-up, a join, an install and an anchor update", () => {
    expect(catchUpText({ height: 3, target: 12 })).toEqual({
      value: 3,
      max: 12,
      text: "Catching up: block 3 of 12",
    });
    expect(catchUpText({ height: 12, target: 12 }).text).toBe("Caught up: height 12");
    expect(catchUpText({ height: 0, target: 0 }).max).toBe(1);

    const peer = node("Org1 Peer1", "grpcs://127.0.0.1:7151");
    const source = node("Org1 Peer0", "grpcs://127.0.0.1:7051");
    const joined = {
      peer,
      channel: "mychannel",
      identity: "org1admin",
      alreadyJoined: false,
      source,
      sourceHeight: 12,
      height: 12,
      caughtUp: true,
    };
    expect(joinedText(joined)).toBe(
      "Org1 Peer1 joined mychannel with block 0 from Org1 Peer0 (height 12, caught up).",
    );
    expect(joinedText({ ...joined, height: 7, caughtUp: false })).toContain(
      "height 7 of 12, still catching up",
    );
    expect(joinedText({ ...joined, alreadyJoined: true, source: null })).toBe(
      "Org1 Peer1 had already joined mychannel (height 12); nothing was sent.",
    );

    const installed = installedText({
      peer,
      identity: "org1admin",
      source,
      packages: [
        {
          packageId: `asset_1.0:${HASH}`,
          label: "asset_1.0",
          packageType: "golang",
          alreadyInstalled: false,
          warning: null,
        },
        {
          packageId: "events_1.0:ee",
          label: "events_1.0",
          packageType: "ccaas",
          alreadyInstalled: true,
          warning: "one server address",
        },
      ],
    });
    expect(installed.text).toBe(
      `Installed asset_1.0:${HASH} on Org1 Peer1; events_1.0:ee was installed already (copied from Org1 Peer0).`,
    );
    expect(installed.warnings).toEqual(["one server address"]);

    const added = {
      channel: "mychannel",
      mspId: "Org1MSP",
      identity: "org1admin",
      added: ["127.0.0.1:7151"],
      anchorPeers: ["127.0.0.1:7051", "127.0.0.1:7151"],
      updated: true,
      orderer: "127.0.0.1:7050",
      status: "SUCCESS (200)",
      configBlock: 12,
    };
    expect(anchorsText(added, "Org1 Peer1")).toBe(
      "Org1 Peer1 is now an anchor peer of Org1MSP in mychannel (orderer 127.0.0.1:7050: SUCCESS (200), config block 12).",
    );
    expect(anchorsText({ ...added, updated: false }, "Org1 Peer1")).toContain("nothing was sent");
  });

  it("recognises package files and the identity an error names", () => {
    expect(isPackagePath("/home/op/asset_1.0.tar.gz")).toBe(true);
    expect(isPackagePath("C:\\pkgs\\asset.TGZ")).toBe(true);
    expect(isPackagePath("/home/op/org1_peer.json")).toBe(false);
    expect(errorIdentity({ code: "not_an_admin", message: "x", details: { identity: "c1" } })).toBe(
      "c1",
    );
    expect(errorIdentity({ code: "Internal", message: "x", details: null })).toBeNull();
    expect(errorIdentity("boom")).toBeNull();
  });

  it("merges the wizard's choices over several region-1 peers", () => {
    const channels = (name: string, list: [string, number][]): PeerChannels => ({
      peer: node(name, `grpcs://${name}:7051`),
      identity: "org1admin",
      channels: list.map(([channel, height]) => ({ channel, height, currentBlockHash: "00" })),
    });
    expect(
      mergeChannels([
        channels("a", [
          ["mychannel", 12],
          ["assets", 5],
        ]),
        channels("b", [["mychannel", 14]]),
      ]),
    ).toEqual([
      { channel: "assets", height: 5 },
      { channel: "mychannel", height: 14 },
    ]);

    const chaincodes = (refs: string[]): PeerChaincodes => ({
      peer: node("a", "grpcs://a:7051"),
      identity: "org1admin",
      packages: [
        {
          packageId: "asset_1.0:aa",
          label: "asset_1.0",
          references: refs.map((channel) => ({ channel, name: "asset", version: "1.0" })),
        },
      ],
    });
    const merged = mergePackages([chaincodes(["mychannel"]), chaincodes(["mychannel", "other"])]);
    expect(merged).toHaveLength(1);
    expect(merged[0]?.references.map((r) => r.channel)).toEqual(["mychannel", "other"]);
    expect(splitList(" mychannel, assets  other,")).toEqual(["mychannel", "assets", "other"]);
  });
});

describe("peer sentences in Chinese", () => {
  it("catch-up and anchor peers read as Chinese; channels, MSP ids and addresses stay", async () => {
    await i18n.changeLanguage("zh-CN");
    expect(catchUpText({ height: 3, target: 12 }).text).toBe("正在同步：区块 3/12");
    expect(usedByText([])).toBe("未被任何链码定义使用");
    expect(
      anchorsText(
        {
          channel: "mychannel",
          mspId: "Org1MSP",
          identity: "org1admin",
          added: [],
          anchorPeers: ["127.0.0.1:7051"],
          updated: false,
          orderer: "127.0.0.1:7050",
          status: null,
          configBlock: null,
        },
        "Org1 Peer1",
      ),
    ).toBe("Org1 Peer1 已是 Org1MSP 在 mychannel 中的锚点对等节点；未发送任何请求。");
  });
});
