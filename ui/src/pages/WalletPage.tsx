import { TileSection } from "../components/TileSection";
import type { IdentityItem } from "../data/model";
import { IDENTITY_COLUMNS, identityTile } from "../data/tiles";
import { useWorkspaceData } from "../data/WorkspaceData";
import { useLibraryUi } from "../library/LibraryUi";
import { useAppState } from "../state";

export default function WalletPage() {
  const { identities } = useWorkspaceData();
  const { settings } = useAppState();
  const { openImport, openDetail } = useLibraryUi();
  const onOpen = (identity: IdentityItem) => {
    const item = identity.library;
    return item ? () => openDetail(item.id) : undefined;
  };
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
        actions={[{ label: "Add identity", onClick: () => openImport("identity") }]}
        onOpen={onOpen}
        emptyTitle="No identities yet"
        emptyHint="Add an identity from its JSON file, or drop exported identity files anywhere on this window."
        defaultPageSize={settings.pageSize}
      />
    </>
  );
}
