import { Upload } from "@carbon/icons-react";
import { useTranslation } from "react-i18next";
import { comingLaterReason } from "../components/ActionButton";
import { TileSection } from "../components/TileSection";
import type { MspItem } from "../data/model";
import { MSP_COLUMNS, mspTile } from "../data/tiles";
import { useWorkspaceData } from "../data/WorkspaceData";
import { useLibraryUi } from "../library/LibraryUi";

export default function OrganizationsPage() {
  const { t } = useTranslation("pages");
  const { msps } = useWorkspaceData();
  const { openImport, openDetail } = useLibraryUi();
  const onOpen = (msp: MspItem) => {
    const item = msp.library;
    return item ? () => openDetail(item.id) : undefined;
  };
  return (
    <>
      <h1 className="fhd-page-title">{t("organizations.title")}</h1>
      <TileSection
        id="msps"
        title={t("organizations.sectionTitle")}
        info={t("organizations.info")}
        items={msps}
        itemKey={(m) => m.id}
        toTile={mspTile}
        columns={MSP_COLUMNS}
        variant="msp"
        actions={[
          {
            label: t("organizations.create"),
            kind: "secondary",
            disabledReason: comingLaterReason(),
          },
          { label: t("organizations.import"), icon: Upload, onClick: () => openImport("msp") },
        ]}
        onOpen={onOpen}
        emptyTitle={t("organizations.emptyTitle")}
        emptyHint={t("organizations.emptyHint")}
        defaultPageSize={6}
      />
    </>
  );
}
