// The ⋮ menu of a console component's tile: a peer's channels and chaincode (and joining,
// installing), export it into the library, save its file, or copy it to another console (the
// keyboard way of dragging it onto another region's column), or run the HA check of its MSP.
import { useTranslation } from "react-i18next";
import { haCheckHref } from "../hacheck/logic";
import { useConsolesUi } from "./ConsolesUi";
import type { ComponentRef } from "./logic";
import { type MenuItem, TileMenu } from "./TileMenu";

export function ComponentMenu(props: {
  component: ComponentRef;
  /** What the tile knows of a peer (shown in its panel before the peer answers). */
  node?: { mspId: string | null; apiUrl: string | null };
  /** The organization whose HA check the menu offers (peers and MSP definitions). */
  mspId?: string | null;
}) {
  const { t } = useTranslation("consoles");
  const ui = useConsolesUi();
  const { component, node } = props;
  const peerItems: MenuItem[] =
    component.kind === "peer"
      ? [
          {
            label: t("menu.channels"),
            onClick: () => ui.openPeer(component, "details", node),
          },
          { label: t("menu.join"), onClick: () => ui.openPeer(component, "join", node) },
          { label: t("menu.install"), onClick: () => ui.openPeer(component, "install", node) },
        ]
      : [];
  const mspId = props.mspId;
  const checkItems: MenuItem[] = mspId
    ? [
        {
          label: t("menu.haCheck", { msp: mspId }),
          onClick: () => {
            window.location.hash = haCheckHref({ console: component.console, mspId }).slice(1);
          },
        },
      ]
    : [];
  const items: MenuItem[] = [
    ...peerItems,
    ...checkItems,
    { label: t("menu.exportToLibrary"), onClick: () => void ui.exportToLibrary(component) },
    { label: t("menu.saveFile"), onClick: () => void ui.saveFile(component) },
    ...ui.consoles
      .filter((c) => c.name !== component.console)
      .map((c) => ({
        label: t("menu.copyTo", { name: c.name }),
        onClick: () => void ui.copy(component.console, c.name, [component]),
      })),
  ];
  return <TileMenu label={t("menu.actionsFor", { name: component.displayName })} items={items} />;
}
