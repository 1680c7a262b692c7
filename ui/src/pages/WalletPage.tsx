import { InlineNotification } from "@carbon/react";
import { useState } from "react";
import { caReenroll } from "../api";
import { TileSection } from "../components/TileSection";
import { TileMenu } from "../consoles/TileMenu";
import type { IdentityItem } from "../data/model";
import { IDENTITY_COLUMNS, identityTile } from "../data/tiles";
import { useLibrary, useWorkspaceData } from "../data/WorkspaceData";
import { useLibraryUi } from "../library/LibraryUi";
import { useAppState } from "../state";

interface Outcome {
  kind: "success" | "error";
  title: string;
  text: string;
}

function errorText(err: unknown): string {
  if (err && typeof err === "object" && "message" in err) {
    const e = err as { message: string; details?: { fix?: string } | null };
    return e.details?.fix ? `${e.message} ${e.details.fix}` : e.message;
  }
  return String(err);
}

export default function WalletPage() {
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
        title: `${done.identity.displayName} reenrolled`,
        text: `New certificate from ${done.caName}, expires ${new Date(
          done.identity.expiresAt ?? done.previousExpiresAt,
        ).toLocaleDateString()}; the previous one (expires ${new Date(
          done.previousExpiresAt,
        ).toLocaleDateString()}) is no longer in the wallet.`,
      });
    } catch (err) {
      setOutcome({
        kind: "error",
        title: `${identity.name} was not reenrolled; it is unchanged`,
        text: errorText(err),
      });
    } finally {
      setBusy(null);
    }
  };
  return (
    <>
      <h1 className="fhd-page-title">Wallet</h1>
      {outcome ? (
        <InlineNotification
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
        title="Identities"
        info="Identities are certificates with their private keys. Private keys stay encrypted in this workspace and are used to act as an admin of a node or organization."
        items={identities}
        itemKey={(i) => i.id}
        toTile={(i) => identityTile(i)}
        columns={IDENTITY_COLUMNS}
        variant="identity"
        actions={[{ label: "Add identity", onClick: () => openImport("identity") }]}
        onOpen={onOpen}
        tileMenu={(i) =>
          i.library ? (
            <TileMenu
              label={`Actions for ${i.name}`}
              items={[
                {
                  label: busy === i.library.id ? "Reenrolling…" : "Reenroll",
                  disabled: busy !== null,
                  onClick: () => void reenroll(i),
                },
              ]}
            />
          ) : null
        }
        emptyTitle="No identities yet"
        emptyHint="Add an identity from its JSON file, or drop exported identity files anywhere on this window."
        defaultPageSize={settings.pageSize}
      />
    </>
  );
}
