import { Upload } from "@carbon/icons-react";
import { comingLaterReason } from "../components/ActionButton";
import { TileSection } from "../components/TileSection";
import type { MspItem } from "../data/model";
import { MSP_COLUMNS, mspTile } from "../data/tiles";
import { useWorkspaceData } from "../data/WorkspaceData";
import { useLibraryUi } from "../library/LibraryUi";

export default function OrganizationsPage() {
  const { msps } = useWorkspaceData();
  const { openImport, openDetail } = useLibraryUi();
  const onOpen = (msp: MspItem) => {
    const item = msp.library;
    return item ? () => openDetail(item.id) : undefined;
  };
  return (
    <>
      <h1 className="fhd-page-title">Organizations</h1>
      <TileSection
        id="msps"
        title="Available organizations"
        info="An organization is an MSP definition: its root and TLS root certificates and its admins. Channels and nodes refer to organizations by MSP ID."
        items={msps}
        itemKey={(m) => m.id}
        toTile={mspTile}
        columns={MSP_COLUMNS}
        variant="msp"
        actions={[
          { label: "Create MSP definition", kind: "secondary", disabledReason: comingLaterReason() },
          { label: "Import MSP definition", icon: Upload, onClick: () => openImport("msp") },
        ]}
        onOpen={onOpen}
        emptyTitle="No organizations yet"
        emptyHint="Import an MSP definition's JSON file, or drop exported files anywhere on this window."
        defaultPageSize={6}
      />
    </>
  );
}
