// The console's 52 px icon rail. Items are plain hash links; the active one gets the grey
// background and the blue bar at its left edge.
import {
  Earth,
  Flow,
  Grid,
  HealthCross,
  Package,
  Settings,
  UserMultiple,
  Wallet,
} from "@carbon/icons-react";
import { useTranslation } from "react-i18next";
import { hrefFor, type Route } from "../router";
import { HoverTip } from "./HoverTip";

/** The rail's pages; each label is `components:nav.<route>`. */
export const NAV_ITEMS: { route: Route; icon: typeof Grid }[] = [
  { route: "consoles", icon: Earth },
  { route: "nodes", icon: Grid },
  { route: "organizations", icon: UserMultiple },
  { route: "wallet", icon: Wallet },
  { route: "ha-plans", icon: Flow },
  { route: "ha-check", icon: HealthCross },
  { route: "bundles", icon: Package },
  { route: "settings", icon: Settings },
];

export function NavRail(props: { active: Route }) {
  const { t } = useTranslation("components");
  return (
    <nav className="fhd-rail" aria-label={t("nav.label")}>
      <ul>
        {NAV_ITEMS.map(({ route, icon: Icon }) => {
          const label = t(`nav.${route}`);
          const active = route === props.active;
          return (
            <li key={route}>
              <a
                href={hrefFor(route)}
                className={`fhd-rail__item${active ? " fhd-rail__item--active" : ""}`}
                aria-label={label}
                aria-current={active ? "page" : undefined}
                data-route={route}
              >
                <Icon size={20} aria-hidden="true" />
                <HoverTip label={label} side="right" />
              </a>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
