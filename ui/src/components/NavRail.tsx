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
import { hrefFor, type Route } from "../router";
import { HoverTip } from "./HoverTip";

export const NAV_ITEMS: { route: Route; label: string; icon: typeof Grid }[] = [
  { route: "consoles", label: "Consoles", icon: Earth },
  { route: "nodes", label: "Nodes", icon: Grid },
  { route: "organizations", label: "Organizations", icon: UserMultiple },
  { route: "wallet", label: "Wallet", icon: Wallet },
  { route: "ha-plans", label: "HA plans", icon: Flow },
  { route: "ha-check", label: "HA check", icon: HealthCross },
  { route: "bundles", label: "Bundles", icon: Package },
  { route: "settings", label: "Settings", icon: Settings },
];

export function NavRail(props: { active: Route }) {
  return (
    <nav className="fhd-rail" aria-label="Main">
      <ul>
        {NAV_ITEMS.map(({ route, label, icon: Icon }) => {
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
