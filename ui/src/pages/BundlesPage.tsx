import { FolderOpen } from "@carbon/icons-react";
import { comingLater } from "../components/ActionButton";
import { TileSection } from "../components/TileSection";
import type { BundleItem } from "../data/model";
import { useWorkspaceData } from "../data/WorkspaceData";
import { useAppState } from "../state";

const COLUMNS = [
  { key: "name", header: "Name", text: (b: BundleItem) => b.name },
  { key: "summary", header: "Contents", text: (b: BundleItem) => b.summary },
];

export default function BundlesPage() {
  const { bundles } = useWorkspaceData();
  const { settings } = useAppState();
  return (
    <>
      <h1 className="fhd-page-title">Bundles</h1>
      <TileSection
        id="bundles"
        title="Bundles"
        info="A bundle is one file holding the JSON exports an operator in another region needs: nodes, MSP definitions and, only if you choose so, encrypted identities."
        items={bundles}
        itemKey={(b) => b.id}
        toTile={(b) => ({ id: b.id, title: b.name, subtitle: b.summary, labels: [] })}
        columns={COLUMNS}
        actions={comingLater(
          { label: "Open bundle", kind: "secondary", icon: FolderOpen },
          "Create bundle",
        )}
        emptyTitle="No bundles yet"
        emptyHint="Create a bundle to hand your nodes and organizations to another region, or open one you received."
        defaultPageSize={settings.pageSize}
      />
    </>
  );
}
