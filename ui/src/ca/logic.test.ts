import { describe, expect, it } from "vitest";
import { i18n } from "../i18n";
import {
  caTarget,
  emptyRegisterForm,
  enrollIdError,
  fieldOf,
  freeWalletName,
  generateSecret,
  maxEnrollmentsText,
  parseMaxEnrollments,
  type RegisterForm,
  sortUsers,
  toAssociation,
  toEnrollInput,
  toRegisterInput,
  validateEnrollForm,
  validateRegisterForm,
} from "./logic";
import { caHref, caIdFromHash } from "./route";

const form = (patch: Partial<RegisterForm>): RegisterForm => ({
  ...emptyRegisterForm(),
  enrollId: "peer1",
  ...patch,
});

describe("CA route", () => {
  it("reads the CA id from #/nodes/ca/<id> and builds the link back", () => {
    expect(caIdFromHash("#/nodes/ca/lib-ca-org1")).toBe("lib-ca-org1");
    expect(caIdFromHash(caHref("Org 1/CA"))).toBe("Org 1/CA");
    expect(caIdFromHash("#/nodes")).toBeNull();
    expect(caIdFromHash("#/nodes/ca/")).toBeNull();
    expect(caIdFromHash("#/wallet/ca/x")).toBeNull();
    expect(caIdFromHash("#/nodes/ca/%E0%A4%A")).toBeNull();
  });
});

describe("generated secrets", () => {
  it("are 32 random bytes, base64url without padding", () => {
    const a = generateSecret();
    const b = generateSecret();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
  });

  it("encode the bytes the CSPRNG gave", () => {
    const ones = generateSecret((bytes) => bytes.fill(0xff));
    expect(ones).toBe(`${"_".repeat(42)}8`);
  });
});

describe("register form", () => {
  it("needs an enroll id without spaces or colons", () => {
    expect(enrollIdError("")).toBe("Enter an enroll ID.");
    expect(enrollIdError("peer 1")).toBe("An enroll ID has no spaces.");
    expect(enrollIdError("a:b")).toBe("An enroll ID has no colon (:).");
    expect(enrollIdError("x".repeat(65))).toBe("Use at most 64 characters.");
    expect(enrollIdError(" peer1 ")).toBeUndefined();
  });

  it("reads max enrollments: empty (CA default), -1, or a positive count", () => {
    expect(parseMaxEnrollments("")).toBeNull();
    expect(parseMaxEnrollments("-1")).toBe(-1);
    expect(parseMaxEnrollments(" 5 ")).toBe(5);
    for (const bad of ["0", "-2", "1.5", "abc", "99999999999"]) {
      expect(parseMaxEnrollments(bad), bad).toBe("invalid");
    }
  });

  it("checks a typed secret, attributes and the affiliation", () => {
    expect(validateRegisterForm(form({}))).toEqual({});
    expect(validateRegisterForm(form({ secretMode: "type", secret: "" })).secret).toBe(
      "Enter a secret, or let the app generate one.",
    );
    expect(validateRegisterForm(form({ secretMode: "type", secret: "short" })).secret).toBe(
      "Use at least 8 characters.",
    );
    expect(validateRegisterForm(form({ maxEnrollments: "x" })).maxEnrollments).toBeDefined();
    expect(validateRegisterForm(form({ affiliation: "org1 dept" })).affiliation).toBeDefined();
    expect(
      validateRegisterForm(form({ attributes: [{ key: 1, name: "", value: "v" }] })).attributes,
    ).toBe("Give every attribute a name (or remove the row).");
    expect(
      validateRegisterForm(
        form({
          attributes: [
            { key: 1, name: "role", value: "a" },
            { key: 2, name: "role ", value: "b" },
          ],
        }),
      ).attributes,
    ).toBe("The attribute “role” is there twice.");
    // An empty row is simply left out.
    expect(validateRegisterForm(form({ attributes: [{ key: 1, name: "", value: "" }] }))).toEqual(
      {},
    );
  });

  it("sends what the backend reads, with the secret given", () => {
    const input = toRegisterInput(
      form({
        enrollId: " peer1 ",
        type: "admin",
        maxEnrollments: "-1",
        affiliation: " org1.department1 ",
        attributes: [
          { key: 1, name: " app.role ", value: "ops" },
          { key: 2, name: "", value: "" },
        ],
      }),
      caTarget("lib-ca-org1", "tlsca"),
      "s3cret-s3cret",
      null,
    );
    expect(input).toEqual({
      target: { ca: "lib-ca-org1", caName: "tlsca", tlsCert: null },
      registrar: null,
      enrollId: "peer1",
      identityType: "admin",
      enrollSecret: "s3cret-s3cret",
      maxEnrollments: -1,
      affiliation: "org1.department1",
      attributes: [{ name: "app.role", value: "ops", ecert: false }],
    });
    expect(toRegisterInput(form({}), caTarget("c", "ca"), "x".repeat(43), "reg")).toMatchObject({
      target: { ca: "c", caName: null },
      registrar: "reg",
      maxEnrollments: null,
      affiliation: null,
      attributes: [],
    });
  });
});

describe("enroll and associate", () => {
  it("validates the wallet name against the wallet", () => {
    const f = { enrollId: "peer1", secret: "", walletName: "org1admin" };
    expect(validateEnrollForm(f, ["org1admin"], false)).toEqual({
      walletName: "The wallet already has an identity called “org1admin”.",
    });
    expect(validateEnrollForm({ ...f, walletName: " " }, [], true)).toEqual({
      secret: "Enter the enroll secret.",
      walletName: "Enter a name for the wallet identity.",
    });
  });

  it("sends a null secret when none is typed (the kept one is used)", () => {
    const f = { enrollId: " peer1 ", secret: "", walletName: " Peer 1 " };
    expect(toEnrollInput(f, caTarget("ca1", "ca"))).toEqual({
      target: { ca: "ca1", caName: null, tlsCert: null },
      enrollId: "peer1",
      enrollSecret: null,
      walletName: "Peer 1",
      hosts: [],
    });
    expect(toAssociation({ ...f, secret: "adminpw" })).toEqual({
      kind: "enroll",
      enrollId: "peer1",
      enrollSecret: "adminpw",
      walletName: "Peer 1",
    });
  });

  it("proposes a free wallet name", () => {
    expect(freeWalletName("Org1 CA Admin", [])).toBe("Org1 CA Admin");
    expect(freeWalletName("Org1 CA Admin", ["Org1 CA Admin", "Org1 CA Admin 2"])).toBe(
      "Org1 CA Admin 3",
    );
  });

  it("finds the field of an InvalidInput", () => {
    const fields = ["enrollId", "walletName"] as const;
    expect(fieldOf({ field: "walletName" }, fields)).toBe("walletName");
    expect(fieldOf({ field: "other" }, fields)).toBeNull();
    expect(fieldOf(null, fields)).toBeNull();
  });
});

describe("users table", () => {
  it("sorts by id and names the special max enrollments", () => {
    const user = (id: string) => ({
      id,
      type: "client",
      affiliation: "",
      maxEnrollments: 1,
      attributes: [],
    });
    expect(sortUsers([user("peer0"), user("admin")]).map((u) => u.id)).toEqual(["admin", "peer0"]);
    expect(maxEnrollmentsText(-1)).toBe("Unlimited");
    expect(maxEnrollmentsText(0)).toBe("CA default");
    expect(maxEnrollmentsText(3)).toBe("3");
  });
});

describe("CA forms in Chinese", () => {
  it("checks and the users table read as Chinese", async () => {
    await i18n.changeLanguage("zh-CN");
    expect(enrollIdError("")).toBe("请输入登记 ID。");
    expect(validateRegisterForm(form({ secretMode: "type", secret: "short" }))).toEqual({
      secret: "至少使用 8 个字符。",
    });
    expect(maxEnrollmentsText(-1)).toBe("无限制");
    expect(maxEnrollmentsText(12345)).toBe("12,345");
  });
});
