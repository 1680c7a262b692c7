import { Upload } from "@carbon/icons-react";
import { comingLater } from "../components/ActionButton";
import { TileSection } from "../components/TileSection";
import { MSP_COLUMNS, mspTile } from "../data/tiles";
import { useWorkspaceData } from "../data/WorkspaceData";

export default function OrganizationsPage() {
  const { msps } = useWorkspaceData();
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
        actions={comingLater(
          { label: "Create MSP definition", kind: "secondary" },
          { label: "Import MSP definition", icon: Upload },
        )}
        emptyTitle="No organizations yet"
        emptyHint="Import an MSP definition's JSON file, drop exported files anywhere on this window, or add a console to see its organizations."
        defaultPageSize={6}
      />
    </>
  );
}
