import { describe, expect, it } from "vitest";
import { MOCK_CA_ADMIN, MockCas } from "./ca";
import { demoLibrary } from "./demoData";
import { MockLibrary } from "./library";

const target = (caName: string | null = null) => ({ ca: "lib-ca-org1", caName, tlsCert: null });
const register = (cas: MockCas, enrollId: string, enrollSecret: string | null = null) =>
  cas.register({
    target: target(),
    registrar: null,
    enrollId,
    identityType: "peer",
    enrollSecret,
    maxEnrollments: null,
    affiliation: null,
    attributes: [],
  });

describe("mock CA", () => {
  it("associates the bootstrap admin, registers, refuses a duplicate and enrolls", () => {
    const library = new MockLibrary(demoLibrary());
    const cas = new MockCas(library);
    expect(cas.association("lib-ca-org1")).toBeNull();
    expect(() => register(cas, "peer1")).toThrow(/associate an identity/);
    const admin = cas.associate("Org1 CA", {
      kind: "enroll",
      enrollId: MOCK_CA_ADMIN.id,
      enrollSecret: MOCK_CA_ADMIN.secret,
      walletName: "Org1 CA Admin",
    });
    expect(cas.association("lib-ca-org1")?.id).toBe(admin.id);
    expect(register(cas, "peer1")).toEqual({
      enrollId: "peer1",
      identityType: "peer",
      secretGenerated: true,
    });
    expect(() => register(cas, "peer1")).toThrow(
      expect.objectContaining({ code: "ca_already_registered" }),
    );
    expect(cas.identities(target(), null).map((u) => u.id)).toEqual(["admin", "peer1"]);
    const peer = cas.enroll({
      target: target(),
      enrollId: "peer1",
      enrollSecret: null,
      walletName: "peer1",
      hosts: [],
    });
    expect(library.items.some((i) => i.id === peer.id && i.kind === "identity")).toBe(true);
    expect(peer.issuingCas).toEqual(["Org1 CA"]);
  });

  it("refuses a wrong secret, an unknown CA name and a registrar from another CA", () => {
    const cas = new MockCas(new MockLibrary(demoLibrary()));
    const enroll = (enrollSecret: string) =>
      cas.enroll({ target: target(), enrollId: "admin", enrollSecret, walletName: "x", hosts: [] });
    expect(() => enroll("wrong")).toThrow(
      expect.objectContaining({ code: "ca_authentication_failure" }),
    );
    expect(() => cas.info(target("nope"))).toThrow(
      expect.objectContaining({ code: "ca_not_found" }),
    );
    cas.associate("lib-ca-org1", { kind: "wallet", identity: "org1admin" });
    // org1admin was issued by the enrollment CA, not by the TLS CA.
    expect(() => cas.identities(target("tlsca"), null)).toThrow(
      expect.objectContaining({ code: "ca_authentication_failure" }),
    );
    expect(() =>
      cas.associate("lib-ca-org1", { kind: "wallet", identity: "ordereradmin" }),
    ).toThrow(expect.objectContaining({ code: "InvalidInput" }));
  });
});
