// "Install chaincode…": from another peer of the organization (the exact package bytes it has,
// so the package id matches the approved definition: one of its packages, or every package a
// definition on a channel uses), or from a package file chosen with the native dialog or dropped
// onto the panel.
import { Close, DocumentAdd } from "@carbon/icons-react";
import {
  Button,
  InlineLoading,
  RadioButton,
  RadioButtonGroup,
  Select,
  SelectItem,
} from "@carbon/react";
import { useTranslation } from "react-i18next";
import type { OrgPeers } from "../bindings/OrgPeers";
import type { PeerChaincodes } from "../bindings/PeerChaincodes";
import { peerOption } from "./JoinForm";
import { baseName, type PeerTarget, shortPackageId, usedByText } from "./logic";
import { PeerError } from "./parts";
import type { Read } from "./usePeerData";

export interface InstallFormState {
  mode: "peer" | "file";
  /** The source peer's name (`CONSOLE/ID` or library id). */
  source: string;
  /** One package of the source, or "" for every package a definition on a channel uses. */
  packageId: string;
  /** The package file's absolute path. */
  file: string;
  busy: boolean;
  error: unknown;
  /** What is missing before Install can run. */
  invalid: string | null;
}

export const EMPTY_INSTALL: InstallFormState = {
  mode: "peer",
  source: "",
  packageId: "",
  file: "",
  busy: false,
  error: null,
  invalid: null,
};

export function InstallForm(props: {
  target: PeerTarget;
  form: InstallFormState;
  orgPeers: Read<OrgPeers> | null;
  /** The source peer's packages, once a source is chosen. */
  sourcePackages: Read<PeerChaincodes> | null;
  onChange: (patch: Partial<InstallFormState>) => void;
  onChooseFile: () => void;
}) {
  const { form, target } = props;
  const { t } = useTranslation("peers");
  const others = props.orgPeers?.state === "done" ? props.orgPeers.value.others : [];
  return (
    <div className="fhd-peer-form" data-testid="peer-install-form">
      <RadioButtonGroup
        legendText={t("install.from")}
        name="peer-install-mode"
        valueSelected={form.mode}
        disabled={form.busy}
        onChange={(value) =>
          props.onChange({ mode: value as InstallFormState["mode"], invalid: null })
        }
      >
        <RadioButton id="peer-install-mode-peer" labelText={t("install.fromPeer")} value="peer" />
        <RadioButton id="peer-install-mode-file" labelText={t("install.fromFile")} value="file" />
      </RadioButtonGroup>
      {form.mode === "peer" ? (
        <>
          <p className="fhd-panel__intro">{t("install.peerIntro")}</p>
          {props.orgPeers?.state === "loading" ? (
            <InlineLoading iconDescription={t("loadingIcon")} description={t("install.listing")} />
          ) : props.orgPeers?.state === "failed" ? (
            <PeerError error={props.orgPeers.error} context={t("install.listFailed")} />
          ) : null}
          <Select
            id="peer-install-source"
            labelText={t("install.source")}
            value={form.source}
            disabled={form.busy}
            invalid={form.invalid !== null && form.source === ""}
            invalidText={form.invalid ?? undefined}
            onChange={(e) =>
              props.onChange({ source: e.target.value, packageId: "", invalid: null })
            }
          >
            <SelectItem
              value=""
              text={
                others.length === 0
                  ? target.mspId
                    ? t("install.noOther", { msp: target.mspId })
                    : t("install.noOtherNoMsp")
                  : t("install.choosePeer")
              }
            />
            {others.map((node) => {
              const option = peerOption(node);
              return <SelectItem key={node.apiUrl} value={option.value} text={option.text} />;
            })}
          </Select>
          {form.source !== "" ? (
            <SourcePackages form={form} packages={props.sourcePackages} onChange={props.onChange} />
          ) : null}
        </>
      ) : (
        <div className="fhd-peer-file">
          <p className="fhd-panel__intro">
            {t("install.fileIntro", { command: "peer lifecycle chaincode package" })}
          </p>
          {form.file ? (
            <div className="fhd-peer-file__chosen" data-testid="peer-install-file">
              <span className="fhd-peer-file__name" title={form.file}>
                {baseName(form.file)}
              </span>
              <Button
                kind="ghost"
                size="sm"
                hasIconOnly
                renderIcon={Close}
                iconDescription={t("install.removeFile")}
                disabled={form.busy}
                onClick={() => props.onChange({ file: "" })}
              />
            </div>
          ) : null}
          <Button
            kind="tertiary"
            size="md"
            renderIcon={DocumentAdd}
            id="peer-install-choose"
            disabled={form.busy}
            onClick={props.onChooseFile}
          >
            {form.file ? t("install.chooseAnother") : t("install.chooseFile")}
          </Button>
          {form.invalid !== null && form.file === "" ? (
            <p className="fhd-peer-invalid">{form.invalid}</p>
          ) : null}
        </div>
      )}
      {form.busy ? (
        <InlineLoading
          iconDescription={t("loadingIcon")}
          description={t("install.installing", { peer: target.displayName })}
        />
      ) : null}
      {form.error !== null ? (
        <PeerError error={form.error} context={t("install.failed", { peer: target.displayName })} />
      ) : null}
    </div>
  );
}

function SourcePackages(props: {
  form: InstallFormState;
  packages: Read<PeerChaincodes> | null;
  onChange: (patch: Partial<InstallFormState>) => void;
}) {
  const { form, packages } = props;
  const { t } = useTranslation("peers");
  if (!packages || packages.state === "loading") {
    return (
      <InlineLoading
        iconDescription={t("loadingIcon")}
        description={t("install.readingPackages")}
      />
    );
  }
  if (packages.state === "failed") {
    return <PeerError error={packages.error} context={t("install.packagesFailed")} />;
  }
  const list = packages.value.packages;
  const chosen = list.find((p) => p.packageId === form.packageId);
  return (
    <Select
      id="peer-install-package"
      labelText={t("install.package")}
      value={form.packageId}
      disabled={form.busy}
      helperText={
        chosen
          ? usedByText(chosen.references)
          : t("install.packagesUsed", {
              used: list.filter((p) => p.references.length > 0).length,
              count: list.length,
            })
      }
      onChange={(e) => props.onChange({ packageId: e.target.value })}
    >
      <SelectItem value="" text={t("install.everyPackage")} />
      {list.map((p) => (
        <SelectItem key={p.packageId} value={p.packageId} text={shortPackageId(p.packageId)} />
      ))}
    </Select>
  );
}
