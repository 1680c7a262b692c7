import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { ImportReport } from "../bindings/ImportReport";
import ImportReportView, { reportSummary } from "./ImportReportView";

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
          message: "the TLS certificate expires in 12 days",
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
          message: "not a base64-encoded PEM certificate",
        },
        { severity: "error", file: "broken_msp.json", path: "", message: "file is empty" },
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
    expect(
      within(warnings[0] as HTMLElement).getByText("the TLS certificate expires in 12 days"),
    ).toBeInTheDocument();

    const errors = (rejected as HTMLElement).querySelectorAll(".fhd-report__finding");
    expect(errors).toHaveLength(2);
    expect(within(errors[0] as HTMLElement).getByLabelText("Error")).toBeInTheDocument();
    expect(within(errors[0] as HTMLElement).getByText("$.root_certs[0]").tagName).toBe("CODE");
    // No path: no code element, just the message.
    expect((errors[1] as HTMLElement).querySelector("code")).toBeNull();
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

  it("summarises counts in words", () => {
    expect(reportSummary({ files: [] })).toBe("0 files.");
    expect(reportSummary({ files: [REPORT.files[0]] as ImportReport["files"] })).toBe(
      "1 file: 1 accepted.",
    );
  });
});
