// A choice among the wallet's identities, with a first option that names none ("the
// organization's admin", "no client certificate", …): the signing identity and the client TLS
// identity of the peer panel, the HA check page and the plan wizard.
import { Select, SelectItem } from "@carbon/react";
import type { ReactNode } from "react";
import type { LibraryItem } from "../bindings/LibraryItem";

export function IdentitySelect(props: {
  id: string;
  labelText: ReactNode;
  /** The first option's text: what an empty value means. */
  noneText: string;
  value: string;
  /** Library items; only identities are offered. */
  items: readonly LibraryItem[];
  onChange: (value: string) => void;
  helperText?: ReactNode;
  disabled?: boolean;
  invalid?: boolean;
  invalidText?: ReactNode;
}) {
  const { items, noneText, onChange, ...select } = props;
  return (
    <Select {...select} onChange={(e) => onChange(e.target.value)}>
      <SelectItem value="" text={noneText} />
      {items
        .filter((i) => i.kind === "identity")
        .map((i) => (
          <SelectItem key={i.id} value={i.id} text={i.displayName} />
        ))}
    </Select>
  );
}
