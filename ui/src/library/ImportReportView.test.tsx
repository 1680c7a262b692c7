import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { Finding } from "../bindings/Finding";
import type { ImportReport } from "../bindings/ImportReport";
import { formatDate, i18n } from "../i18n";
import { findingText } from "./findingText";
import ImportReportView, { reportSummary } from "./ImportReportView";

const EXPIRES = "2031-03-04T05:06:07Z";

const REPORT: ImportReport = {
  files: [
    {
      file: "Org1 Peer0_peer.json",
      status: "accepted",
      findings: [],
      artifacts: [{ id: "p1", kind: "peer", displayName: "Org1 Peer0", new: true }],
    },
    {
      file: "FOC.zip",
      status: "acceptedWithWarnings",
      findings: [
        {
          severity: "warning",
          file: "FOC.zip!/Certificate Authorities/org1ca_ca.json",
          path: "$.msp.component.tls_cert",
          code: "certExpiresSoon",
          params: { days: "12", date: EXPIRES, subject: "CN=org1ca", issuer: "CN=org1ca" },
          message: `certificate expires in 12 days, on ${EXPIRES} (subject 'CN=org1ca', issuer 'CN=org1ca')`,
        },
      ],
      artifacts: [
        { id: "ca1", kind: "ca", displayName: "Org1 CA", new: false },
        { id: "m1", kind: "msp", displayName: "Org1 MSP", new: true },
      ],
    },
    {
      file: "broken_msp.json",
      status: "rejected",
      findings: [
        {
          severity: "error",
          file: "broken_msp.json",
          path: "$.root_certs[0]",
          code: "rootNotCa",
          params: { role: "root", subject: "CN=Org1 Admin", issuer: "CN=Org1 CA" },
          message:
            "root certificate is not a CA certificate (basicConstraints cA is not true): a leaf certificate cannot be used as a root (subject 'CN=Org1 Admin', issuer 'CN=Org1 CA')",
        },
        {
          severity: "error",
          file: "broken_msp.json",
          path: "",
          code: "fileTooLarge",
          params: { size: "12345678", limit: "10485760" },
          message: "the file is 12345678 bytes; files over 10485760 bytes are not read",
        },
      ],
      artifacts: [],
    },
  ],
};

describe("ImportReportView", () => {
  it("shows one row per file with its status", () => {
    render(<ImportReportView report={REPORT} />);
    const report = screen.getByTestId("import-report");
    const rows = within(report).getAllByTestId("import-file");
    expect(rows.map((r) => r.getAttribute("data-status"))).toEqual([
      "accepted",
      "acceptedWithWarnings",
      "rejected",
    ]);
    expect(within(rows[0] as HTMLElement).getByText("Accepted")).toHaveClass(
      "fhd-report__tag--accepted",
    );
    expect(within(rows[1] as HTMLElement).getByText("Accepted with warnings")).toHaveClass(
      "fhd-report__tag--acceptedWithWarnings",
    );
    expect(within(rows[2] as HTMLElement).getByText("Rejected")).toHaveClass(
      "fhd-report__tag--rejected",
    );
    expect(within(rows[2] as HTMLElement).getByText("broken_msp.json")).toBeInTheDocument();
    expect(
      within(report).getByText("3 files: 1 accepted, 1 accepted with warnings, 1 rejected."),
    ).toBeInTheDocument();
  });

  it("lists each finding with its severity, JSON path in monospace, zip entry and message", () => {
    render(<ImportReportView report={REPORT} />);
    const [, warned, rejected] = screen.getAllByTestId("import-file") as HTMLElement[];
    const warnings = (warned as HTMLElement).querySelectorAll(".fhd-report__finding");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toHaveAttribute("data-severity", "warning");
    expect(within(warnings[0] as HTMLElement).getByLabelText("Warning")).toBeInTheDocument();
    const path = within(warnings[0] as HTMLElement).getByText("$.msp.component.tls_cert");
    expect(path.tagName).toBe("CODE");
    expect(
      within(warnings[0] as HTMLElement).getByText("Certificate Authorities/org1ca_ca.json"),
    ).toBeInTheDocument();
    const date = formatDate(EXPIRES, { dateStyle: "medium", timeStyle: "short" });
    expect(
      within(warnings[0] as HTMLElement).getByText(
        `certificate expires in 12 days, on ${date} (subject 'CN=org1ca', issuer 'CN=org1ca')`,
      ),
    ).toBeInTheDocument();

    const errors = (rejected as HTMLElement).querySelectorAll(".fhd-report__finding");
    expect(errors).toHaveLength(2);
    expect(within(errors[0] as HTMLElement).getByLabelText("Error")).toBeInTheDocument();
    expect(within(errors[0] as HTMLElement).getByText("$.root_certs[0]").tagName).toBe("CODE");
    // No path: no code element, just the message, its numbers grouped.
    expect((errors[1] as HTMLElement).querySelector("code")).toBeNull();
    expect(
      within(errors[1] as HTMLElement).getByText(
        "the file is 12,345,678 bytes; files over 10,485,760 bytes are not read",
      ),
    ).toBeInTheDocument();
    expect(
      within(rejected as HTMLElement).getByText("Nothing from this file was stored."),
    ).toBeVisible();
  });

  it("names the stored components, new or already in the library", () => {
    render(<ImportReportView report={REPORT} />);
    const [accepted, warned, rejected] = screen.getAllByTestId("import-file") as HTMLElement[];
    expect(within(accepted as HTMLElement).getByText("Org1 Peer0 — new")).toBeInTheDocument();
    expect(
      within(warned as HTMLElement).getByText("Org1 CA — already in the library"),
    ).toBeInTheDocument();
    expect(within(warned as HTMLElement).getByText("Org1 MSP — new")).toBeInTheDocument();
    expect(within(warned as HTMLElement).getByText("MSP definition")).toBeInTheDocument();
    expect(within(rejected as HTMLElement).queryByRole("list", { name: /Stored from/ })).toBeNull();
  });

  it("words the findings in Chinese, names and JSON fields as they are", async () => {
    await i18n.changeLanguage("zh-CN");
    try {
      render(<ImportReportView report={REPORT} />);
      const [, warned, rejected] = screen.getAllByTestId("import-file") as HTMLElement[];
      const date = formatDate(EXPIRES, { dateStyle: "medium", timeStyle: "short" });
      expect(
        within(warned as HTMLElement).getByText(
          `证书将在 12 天后（${date}）过期（主题“CN=org1ca”，颁发者“CN=org1ca”）`,
        ),
      ).toBeInTheDocument();
      expect(within(warned as HTMLElement).getByLabelText("警告")).toBeInTheDocument();
      const errors = (rejected as HTMLElement).querySelectorAll(".fhd-report__message");
      expect([...errors].map((e) => e.textContent)).toEqual([
        "根证书不是 CA 证书（basicConstraints cA 不为 true）：叶证书不能用作根证书（主题“CN=Org1 Admin”，颁发者“CN=Org1 CA”）",
        "文件大小为 12,345,678 字节；超过 10,485,760 字节的文件不会读取",
      ]);
    } finally {
      await i18n.changeLanguage("en");
    }
  });

  it("words each kind of finding from its code and params", async () => {
    const finding = (code: Finding["code"], params: Finding["params"], message = ""): Finding => ({
      severity: "error",
      file: "t.json",
      path: "$",
      code,
      params,
      message,
    });
    const url = finding("urlPort", { field: "api_url", url: "grpcs://peer:99999", port: "99999" });
    expect(findingText(url)).toBe(
      "The field 'api_url' must be a url including the protocol, hostname/ip and port: '99999' is not a port number (1-65535) (got \"grpcs://peer:99999\").",
    );
    const mismatch = finding("typeMismatch", {
      type: "fabric-peer",
      expected: "msp, msp-external",
    });
    expect(findingText(mismatch)).toBe(
      'type "fabric-peer" does not fit the content (expected msp or msp-external)',
    );
    const duplicate = finding("duplicateComponent", {
      kind: "peer",
      name: "Org1 Peer0",
      other: "bulk.json[0]",
    });
    expect(findingText(duplicate)).toBe(
      'peer "Org1 Peer0" appears twice (also in bulk.json[0]); importing both would create two records',
    );
    const raw = finding("notB64Pem", {
      field: "root_certs[0]",
      reason: "is raw PEM text; the console expects the PEM text base64 encoded (b64pem)",
      reasonCode: "rawPem",
    });
    expect(findingText(raw)).toBe(
      "Expected parameter 'root_certs[0]' to be a Base64 encoded PEM-string: the value is raw PEM text; the console expects the PEM text base64 encoded (b64pem).",
    );
    const key = finding("notB64Pem", {
      field: "private_key",
      reason: "is a PEM 'CERTIFICATE' block; expected 'PRIVATE KEY' or 'EC PRIVATE KEY'",
      reasonCode: "wrongLabel",
      label: "CERTIFICATE",
      expectedLabels: "PRIVATE KEY, EC PRIVATE KEY",
    });
    expect(findingText(key)).toBe(
      "Expected parameter 'private_key' to be a Base64 encoded PEM-string: the value is a PEM 'CERTIFICATE' block; expected 'PRIVATE KEY' or 'EC PRIVATE KEY'.",
    );
    // A reason this window does not know: the core's English words inside the sentence.
    const odd = finding("notB64Pem", { field: "cert", reason: "is odd", reasonCode: "odd" });
    expect(findingText(odd)).toBe(
      "Expected parameter 'cert' to be a Base64 encoded PEM-string: the value is odd.",
    );
    // A code this window does not know yet: the core's English message.
    const unknown = finding("somethingNew" as Finding["code"], {}, "a newer core's sentence");
    expect(findingText(unknown)).toBe("a newer core's sentence");

    await i18n.changeLanguage("zh-CN");
    try {
      expect(findingText(url)).toBe(
        "字段“api_url”必须是包含协议、主机名/IP 和端口的 URL：“99999”不是端口号（1-65535）（实际为“grpcs://peer:99999”）。",
      );
      expect(findingText(mismatch)).toBe("类型“fabric-peer”与内容不符（应为 msp或msp-external）");
      expect(findingText(duplicate)).toBe(
        "对等节点“Org1 Peer0”出现了两次（另见 bulk.json[0]）；两者都导入会产生两条记录",
      );
      expect(findingText(raw)).toBe(
        "参数“root_certs[0]”应为 Base64 编码的 PEM 字符串：该值是原始 PEM 文本；控制台要求对 PEM 文本进行 Base64 编码（b64pem）。",
      );
      expect(findingText(key)).toBe(
        "参数“private_key”应为 Base64 编码的 PEM 字符串：该值是 PEM“CERTIFICATE”块；应为 “PRIVATE KEY”或“EC PRIVATE KEY”。",
      );
      expect(findingText(unknown)).toBe("a newer core's sentence");
    } finally {
      await i18n.changeLanguage("en");
    }
  });

  it("summarises counts in words", () => {
    expect(reportSummary({ files: [] })).toBe("0 files.");
    expect(reportSummary({ files: [REPORT.files[0]] as ImportReport["files"] })).toBe(
      "1 file: 1 accepted.",
    );
  });
});
