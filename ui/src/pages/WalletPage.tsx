import { comingLater } from "../components/ActionButton";
import { TileSection } from "../components/TileSection";
import { IDENTITY_COLUMNS, identityTile } from "../data/tiles";
import { useWorkspaceData } from "../data/WorkspaceData";
import { useAppState } from "../state";

export default function WalletPage() {
  const { identities } = useWorkspaceData();
  const { settings } = useAppState();
  return (
    <>
      <h1 className="fhd-page-title">Wallet</h1>
      <TileSection
        id="identities"
        title="Identities"
        info="Identities are certificates with their private keys. Private keys stay encrypted in this workspace and are used to act as an admin of a node or organization."
        items={identities}
        itemKey={(i) => i.id}
        toTile={(i) => identityTile(i)}
        columns={IDENTITY_COLUMNS}
        variant="identity"
        actions={comingLater("Add identity")}
        emptyTitle="No identities yet"
        emptyHint="Add an identity from a JSON file or a certificate and private key, or drop exported identity files anywhere on this window."
        defaultPageSize={settings.pageSize}
      />
    </>
  );
}
