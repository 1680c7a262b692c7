import { emit } from "@tauri-apps/api/event";
import { mockIPC } from "@tauri-apps/api/mocks";
import { describe, expect, it } from "vitest";
import {
  appInfo,
  bundleApply,
  bundleCreate,
  bundleDetect,
  bundleIdentityDialog,
  bundleInspect,
  bundleOpenDialog,
  bundleSigningKey,
  bundleVerify,
  caAssociate,
  caAssociation,
  caEnroll,
  caIdentities,
  caInfo,
  caRegister,
  channelAddAnchors,
  channelAnchors,
  consoleAdd,
  consoleComponents,
  consoleCopy,
  consoleExportDialog,
  consoleExportToLibrary,
  consoleImport,
  consoleList,
  consoleRemove,
  consoleTest,
  consoleUpdate,
  doctor,
  getSettings,
  libraryExportDialog,
  libraryImportDialog,
  libraryImportPaths,
  libraryList,
  libraryRemove,
  onJoinProgress,
  PEER_JOIN_PROGRESS_EVENT,
  peerChaincodes,
  peerChannels,
  peerInstall,
  peerJoin,
  peerOrgPeers,
  peerPackageDialog,
  uiReady,
  unlockSecrets,
  updateSettings,
} from "./api";

describe("api", () => {
  it("calls the CA commands with camelCase arguments", async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      return null;
    });
    const target = { ca: "lib-ca-org1", caName: "tlsca", tlsCert: null };
    await caInfo(target);
    await caIdentities(target);
    await caIdentities(target, "tlsadmin");
    await caAssociation("lib-ca-org1");
    await caAssociate("lib-ca-org1", { kind: "wallet", identity: "org1admin" });
    await caRegister({
      target,
      registrar: null,
      enrollId: "peer1",
      identityType: "peer",
      enrollSecret: null,
      maxEnrollments: null,
      affiliation: null,
      attributes: [],
    });
    await caEnroll({ target, enrollId: "peer1", enrollSecret: null, walletName: "p1", hosts: [] });
    expect(calls.map(([cmd]) => cmd)).toEqual([
      "ca_info",
      "ca_identities",
      "ca_identities",
      "ca_association",
      "ca_associate",
      "ca_register",
      "ca_enroll",
    ]);
    expect(calls[0]?.[1]).toEqual({ target });
    expect(calls[1]?.[1]).toEqual({ target, registrar: null });
    expect(calls[2]?.[1]).toEqual({ target, registrar: "tlsadmin" });
    expect(calls[3]?.[1]).toEqual({ ca: "lib-ca-org1" });
    expect(calls[4]?.[1]).toEqual({
      ca: "lib-ca-org1",
      how: { kind: "wallet", identity: "org1admin" },
    });
    expect(Object.keys(calls[5]?.[1] as object)).toEqual(["input"]);
    expect(Object.keys(calls[6]?.[1] as object)).toEqual(["input"]);
  });

  it("calls each command by name with camelCase arguments", async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      return cmd === "ui_ready" ? null : { cmd };
    });
    await appInfo();
    await getSettings();
    await updateSettings({ language: "zh-CN", pageSize: 25, onboarded: true });
    await doctor();
    await unlockSecrets("s3cret");
    await uiReady(12.5);
    expect(calls.map(([cmd]) => cmd)).toEqual([
      "app_info",
      "get_settings",
      "update_settings",
      "doctor",
      "unlock_secrets",
      "ui_ready",
    ]);
    expect(calls[2]?.[1]).toEqual({
      settings: { language: "zh-CN", pageSize: 25, onboarded: true },
    });
    expect(calls[4]?.[1]).toEqual({ passphrase: "s3cret" });
    expect(calls[5]?.[1]).toEqual({ pageMs: 12.5 });
  });

  it("calls the library commands with their arguments", async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      return null;
    });
    await libraryList();
    await libraryImportPaths(["/a/Org1 CA_ca.json", "/a/FOC.zip"]);
    await libraryImportDialog();
    await libraryExportDialog(["i1"], true);
    await libraryExportDialog([], false, "zip");
    await libraryRemove(["p1", "p2"]);
    expect(calls).toEqual([
      ["library_list", {}],
      ["library_import_paths", { paths: ["/a/Org1 CA_ca.json", "/a/FOC.zip"] }],
      ["library_import_dialog", {}],
      ["library_export_dialog", { ids: ["i1"], includePrivateKeys: true, format: "auto" }],
      ["library_export_dialog", { ids: [], includePrivateKeys: false, format: "zip" }],
      ["library_remove", { ids: ["p1", "p2"] }],
    ]);
  });

  it("calls the console commands with the contract's arguments", async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      return null;
    });
    const input = {
      name: "Dallas",
      region: "us-south",
      url: "https://c.example.com",
      auth: { kind: "apiKey" as const, apiKey: "k", apiSecret: "s" },
      caCertPem: null,
    };
    await consoleList();
    await consoleAdd(input);
    await consoleUpdate("Dallas", { ...input, auth: null });
    await consoleRemove("Dallas");
    await consoleTest("Dallas");
    await consoleComponents("Dallas");
    await consoleComponents("Dallas", true);
    await consoleExportToLibrary("Dallas", ["org1ca"]);
    await consoleExportDialog("Dallas", "org1ca");
    await consoleImport("Tokyo", ["lib-ca-org1"]);
    await consoleCopy("Dallas", "Tokyo", ["org1peer0"]);
    expect(calls).toEqual([
      ["console_list", {}],
      ["console_add", { input }],
      ["console_update", { name: "Dallas", input: { ...input, auth: null } }],
      ["console_remove", { name: "Dallas" }],
      ["console_test", { name: "Dallas" }],
      ["console_components", { name: "Dallas", fresh: false }],
      ["console_components", { name: "Dallas", fresh: true }],
      ["console_export_to_library", { name: "Dallas", componentIds: ["org1ca"] }],
      ["console_export_dialog", { name: "Dallas", componentId: "org1ca" }],
      ["console_import", { name: "Tokyo", artifactIds: ["lib-ca-org1"] }],
      ["console_copy", { from: "Dallas", to: "Tokyo", componentIds: ["org1peer0"] }],
    ]);
  });

  it("calls the bundle commands with camelCase arguments", async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      return null;
    });
    const input = {
      target: "Frankfurt",
      contents: { plan: "Org1 HA" },
      protection: { kind: "passphrase" as const, passphrase: "pw" },
      includeIdentities: false,
      sign: true,
    };
    const key = { kind: "identityFile" as const, path: "/keys.txt" };
    await bundleCreate(input);
    await bundleOpenDialog();
    await bundleIdentityDialog();
    await bundleDetect(["/a.bundle"]);
    await bundleInspect("/a.bundle", key);
    await bundleVerify("/a.bundle", key);
    await bundleApply("/a.bundle", key, { console: "Frankfurt" });
    await bundleSigningKey();
    expect(calls).toEqual([
      ["bundle_create", { input }],
      ["bundle_open_dialog", {}],
      ["bundle_identity_dialog", {}],
      ["bundle_detect", { paths: ["/a.bundle"] }],
      ["bundle_inspect", { path: "/a.bundle", key }],
      ["bundle_verify", { path: "/a.bundle", key }],
      ["bundle_apply", { path: "/a.bundle", key, target: { console: "Frankfurt" } }],
      ["bundle_signing_key", {}],
    ]);
  });

  it("calls the peer and channel commands with camelCase arguments; join progress arrives as an event", async () => {
    const calls: [string, unknown][] = [];
    mockIPC(
      (cmd, args) => {
        calls.push([cmd, args]);
        return null;
      },
      { shouldMockEvents: true },
    );
    const peer = "Dallas/org1peer1";
    await peerChannels(peer);
    await peerChannels(peer, "org1admin");
    await peerChannels(peer, null, "org1tls");
    await peerOrgPeers(peer);
    await peerJoin({ peer, channel: "mychannel", from: null, identity: null, tlsIdentity: null });
    await peerChaincodes(peer);
    await peerInstall({
      peer,
      from: { peer: { peer: "Dallas/org1peer0", packageId: null } },
      identity: null,
      tlsIdentity: null,
    });
    await peerInstall({
      peer,
      from: { file: "/pkgs/asset.tar.gz" },
      identity: "org1admin",
      tlsIdentity: null,
    });
    await peerPackageDialog();
    await channelAnchors("mychannel", peer);
    await channelAddAnchors({
      channel: "mychannel",
      peers: [peer],
      orderer: null,
      identity: null,
      tlsIdentity: null,
    });
    expect(calls.filter(([cmd]) => !cmd.startsWith("plugin:event"))).toEqual([
      ["peer_channels", { peer, identity: null, tlsIdentity: null }],
      ["peer_channels", { peer, identity: "org1admin", tlsIdentity: null }],
      ["peer_channels", { peer, identity: null, tlsIdentity: "org1tls" }],
      ["peer_org_peers", { peer }],
      [
        "peer_join",
        { input: { peer, channel: "mychannel", from: null, identity: null, tlsIdentity: null } },
      ],
      ["peer_chaincodes", { peer, identity: null, tlsIdentity: null }],
      [
        "peer_install",
        {
          input: {
            peer,
            from: { peer: { peer: "Dallas/org1peer0", packageId: null } },
            identity: null,
            tlsIdentity: null,
          },
        },
      ],
      [
        "peer_install",
        {
          input: {
            peer,
            from: { file: "/pkgs/asset.tar.gz" },
            identity: "org1admin",
            tlsIdentity: null,
          },
        },
      ],
      ["peer_package_dialog", {}],
      ["channel_anchors", { channel: "mychannel", peer, identity: null, tlsIdentity: null }],
      [
        "channel_add_anchors",
        {
          input: {
            channel: "mychannel",
            peers: [peer],
            orderer: null,
            identity: null,
            tlsIdentity: null,
          },
        },
      ],
    ]);

    const seen: unknown[] = [];
    const stop = await onJoinProgress((update) => seen.push(update));
    const update = { peer, channel: "mychannel", progress: { height: 3, target: 12 } };
    await emit(PEER_JOIN_PROGRESS_EVENT, update);
    stop();
    expect(seen).toEqual([update]);
  });

  it("rejects with the backend's IpcError", async () => {
    mockIPC(() => {
      throw { code: "Storage", message: "disk full", details: null };
    });
    await expect(doctor()).rejects.toEqual({
      code: "Storage",
      message: "disk full",
      details: null,
    });
  });
});
