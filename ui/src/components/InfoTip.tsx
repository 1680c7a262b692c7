// The (i) next to a section title: click or press Enter to read what the section is for.
import { Information } from "@carbon/icons-react";
import { Toggletip, ToggletipButton, ToggletipContent } from "@carbon/react";

export function InfoTip(props: { label: string; children: string }) {
  return (
    <Toggletip align="bottom-start" className="fhd-infotip">
      <ToggletipButton label={props.label}>
        <Information size={16} />
      </ToggletipButton>
      <ToggletipContent>
        <p>{props.children}</p>
      </ToggletipContent>
    </Toggletip>
  );
}
