// The peer panel's main view: the peer's channels (height, the organization's anchor peers in
// each, "Make anchor peer") and its installed chaincode packages (label, package id, the
// definitions that use each), as the console's peer page lists channels and smart contracts.
import {
  Button,
  InlineLoading,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableHeader,
  TableRow,
  Tag,
} from "@carbon/react";
import { useTranslation } from "react-i18next";
import type { ChannelAnchors } from "../bindings/ChannelAnchors";
import { formatNumber } from "../i18n";
import { isAnchorPeer, orgAnchorPeers, type PeerTarget, shortPackageId, usedByText } from "./logic";
import { PeerError, SectionHead } from "./parts";
import type { PeerData, Read } from "./usePeerData";

export function PeerDetails(props: {
  target: PeerTarget;
  data: PeerData;
  /** Channels whose "Make anchor peer" is running. */
  anchoring: readonly string[];
  onJoin: () => void;
  onInstall: () => void;
  onMakeAnchor: (channel: string) => void;
}) {
  const { target, data } = props;
  const { t } = useTranslation("peers");
  return (
    <>
      <section className="fhd-peer-section" aria-labelledby="peer-channels-title">
        <SectionHead
          id="peer-channels-title"
          title={t("details.channels")}
          action={t("details.join")}
          onAction={props.onJoin}
        />
        <ChannelsTable {...props} />
      </section>
      <section className="fhd-peer-section" aria-labelledby="peer-chaincodes-title">
        <SectionHead
          id="peer-chaincodes-title"
          title={t("details.installed")}
          action={t("details.install")}
          onAction={props.onInstall}
        />
        {data.chaincodes.state === "loading" ? (
          <InlineLoading
            iconDescription={t("loadingIcon")}
            description={t("details.readingPackages")}
          />
        ) : data.chaincodes.state === "failed" ? (
          <PeerError error={data.chaincodes.error} context={t("details.packagesFailed")} />
        ) : data.chaincodes.value.packages.length === 0 ? (
          <p className="fhd-peer-empty">{t("details.noPackages")}</p>
        ) : (
          <TableContainer className="fhd-peer-table" data-testid="peer-chaincodes">
            <Table size="md" aria-label={t("details.packagesOf", { peer: target.displayName })}>
              <TableHead>
                <TableRow>
                  <TableHeader>{t("details.label")}</TableHeader>
                  <TableHeader>{t("details.packageId")}</TableHeader>
                  <TableHeader>{t("details.usedBy")}</TableHeader>
                </TableRow>
              </TableHead>
              <TableBody>
                {data.chaincodes.value.packages.map((p) => (
                  <TableRow key={p.packageId} data-testid="peer-package" data-package={p.packageId}>
                    <TableCell className="fhd-peer-nowrap">{p.label}</TableCell>
                    <TableCell className="fhd-peer-mono" title={p.packageId}>
                      {shortPackageId(p.packageId)}
                    </TableCell>
                    <TableCell>{usedByText(p.references)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </TableContainer>
        )}
      </section>
    </>
  );
}

function ChannelsTable(props: {
  target: PeerTarget;
  data: PeerData;
  anchoring: readonly string[];
  onMakeAnchor: (channel: string) => void;
}) {
  const { target, data } = props;
  const { t } = useTranslation("peers");
  if (data.channels.state === "loading") {
    return (
      <InlineLoading
        iconDescription={t("loadingIcon")}
        description={t("details.readingChannels")}
      />
    );
  }
  if (data.channels.state === "failed") {
    return <PeerError error={data.channels.error} context={t("details.channelsFailed")} />;
  }
  const channels = data.channels.value.channels;
  if (channels.length === 0) {
    return <p className="fhd-peer-empty">{t("details.noChannels")}</p>;
  }
  const msp = target.mspId ?? data.channels.value.peer.mspId;
  return (
    <TableContainer className="fhd-peer-table" data-testid="peer-channels">
      <Table size="md" aria-label={t("details.channelsOf", { peer: target.displayName })}>
        <TableHead>
          <TableRow>
            <TableHeader>{t("details.channel")}</TableHeader>
            <TableHeader>{t("details.height")}</TableHeader>
            <TableHeader>{t("details.anchorsOf", { msp })}</TableHeader>
            <TableHeader>
              <span className="cds--visually-hidden">{t("details.actions")}</span>
            </TableHeader>
          </TableRow>
        </TableHead>
        <TableBody>
          {channels.map((c) => (
            <TableRow
              key={c.channel}
              data-testid="peer-channel"
              data-channel={c.channel}
              data-height={c.height}
            >
              <TableCell className="fhd-peer-nowrap">{c.channel}</TableCell>
              <TableCell className="fhd-peer-nowrap">{formatNumber(c.height)}</TableCell>
              <AnchorCells
                channel={c.channel}
                read={data.anchors[c.channel]}
                mspId={msp}
                target={target}
                busy={props.anchoring.includes(c.channel)}
                onMakeAnchor={props.onMakeAnchor}
              />
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );
}

function AnchorCells(props: {
  channel: string;
  read: Read<ChannelAnchors> | undefined;
  mspId: string;
  target: PeerTarget;
  busy: boolean;
  onMakeAnchor: (channel: string) => void;
}) {
  const { read, target } = props;
  const { t } = useTranslation("peers");
  if (!read || read.state === "loading") {
    return (
      <>
        <TableCell>
          <InlineLoading iconDescription={t("loadingIcon")} description={t("details.reading")} />
        </TableCell>
        <TableCell />
      </>
    );
  }
  if (read.state === "failed") {
    return (
      <TableCell colSpan={2}>
        <PeerError error={read.error} context={t("details.configFailed")} />
      </TableCell>
    );
  }
  const anchors = orgAnchorPeers(read.value, props.mspId);
  const isAnchor = isAnchorPeer(anchors, target.apiUrl ?? read.value.peer.apiUrl);
  return (
    <>
      <TableCell data-testid="peer-anchors" className="fhd-peer-mono">
        {anchors.length > 0 ? anchors.join(", ") : t("details.none")}
      </TableCell>
      <TableCell className="fhd-peer-action">
        {isAnchor ? (
          <Tag type="green" size="sm" data-testid="peer-is-anchor">
            {t("details.anchorPeer")}
          </Tag>
        ) : props.busy ? (
          <InlineLoading iconDescription={t("loadingIcon")} description={t("details.updating")} />
        ) : (
          <Button
            kind="ghost"
            size="sm"
            data-testid="peer-make-anchor"
            aria-label={t("details.makeAnchorOf", {
              peer: target.displayName,
              channel: props.channel,
            })}
            onClick={() => props.onMakeAnchor(props.channel)}
          >
            {t("details.makeAnchor")}
          </Button>
        )}
      </TableCell>
    </>
  );
}
