import { InlineNotification } from "@carbon/react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { caReenroll } from "../api";
import { notificationText } from "../components/carbonText";
import { TileSection } from "../components/TileSection";
import { TileMenu } from "../consoles/TileMenu";
import type { IdentityItem } from "../data/model";
import { IDENTITY_COLUMNS, identityTile } from "../data/tiles";
import { useLibrary, useWorkspaceData } from "../data/WorkspaceData";
import { describeError } from "../errors";
import { formatDate, i18n } from "../i18n";
import { useLibraryUi } from "../library/LibraryUi";
import { useAppState } from "../state";

interface Outcome {
  kind: "success" | "error";
  title: string;
  text: string;
}

/** The sentence and fix of the error, and the backend's own message when it says more. */
function errorText(err: unknown): string {
  const d = describeError(err);
  const detail =
    d.detail !== d.sentence ? i18n.t("components:toast.details", { detail: d.detail }) : "";
  return [d.sentence, d.fix, detail].filter(Boolean).join(" ");
}

export default function WalletPage() {
  const { t } = useTranslation("pages");
  const { identities } = useWorkspaceData();
  const library = useLibrary();
  const { settings } = useAppState();
  const { openImport, openDetail } = useLibraryUi();
  const [busy, setBusy] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const onOpen = (identity: IdentityItem) => {
    const item = identity.library;
    return item ? () => openDetail(item.id) : undefined;
  };
  // A new certificate and key from the CA that issued the identity, signed by the identity
  // itself; the old one stays until the new one is stored.
  const reenroll = async (identity: IdentityItem) => {
    const item = identity.library;
    if (!item) return;
    setBusy(item.id);
    setOutcome(null);
    try {
      const done = await caReenroll({ identity: item.id, target: null, hosts: [] });
      await library.refresh();
      setOutcome({
        kind: "success",
        title: t("wallet.reenrolled", { name: done.identity.displayName }),
        text: t("wallet.reenrolledText", {
          ca: done.caName,
          expires: formatDate(done.identity.expiresAt ?? done.previousExpiresAt),
          previous: formatDate(done.previousExpiresAt),
        }),
      });
    } catch (err) {
      setOutcome({
        kind: "error",
        title: t("wallet.notReenrolled", { name: identity.name }),
        text: errorText(err),
      });
    } finally {
      setBusy(null);
    }
  };
  return (
    <>
      <h1 className="fhd-page-title">{t("wallet.title")}</h1>
      {outcome ? (
        <InlineNotification
          {...notificationText(outcome.kind)}
          kind={outcome.kind}
          title={outcome.title}
          subtitle={outcome.text}
          lowContrast
          onClose={() => setOutcome(null)}
          data-testid="reenroll-outcome"
        />
      ) : null}
      <TileSection
        id="identities"
        title={t("wallet.sectionTitle")}
        info={t("wallet.info")}
        items={identities}
        itemKey={(i) => i.id}
        toTile={(i) => identityTile(i)}
        columns={IDENTITY_COLUMNS}
        variant="identity"
        actions={[{ label: t("wallet.add"), onClick: () => openImport("identity") }]}
        onOpen={onOpen}
        tileMenu={(i) =>
          i.library ? (
            <TileMenu
              label={t("wallet.actionsFor", { name: i.name })}
              items={[
                {
                  label: busy === i.library.id ? t("wallet.reenrolling") : t("wallet.reenroll"),
                  disabled: busy !== null,
                  onClick: () => void reenroll(i),
                },
              ]}
            />
          ) : null
        }
        emptyTitle={t("wallet.emptyTitle")}
        emptyHint={t("wallet.emptyHint")}
        defaultPageSize={settings.pageSize}
      />
    </>
  );
}
