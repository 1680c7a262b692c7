// One peer, one at a time: a side panel in the console's look with the peer's channels (heights,
// the organization's anchor peers, "Make anchor peer") and installed chaincode, "Join channel…"
// and "Install chaincode…". Every call signs with the chosen wallet identity or, by default,
// the wallet's admin of the peer's organization; the panel shows which identity signed. While
// the panel is open, a chaincode package dropped on the window is taken for an install.
import { InlineNotification } from "@carbon/react";
import type { UnlistenFn } from "@tauri-apps/api/event";
import { useCallback, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import {
  channelAddAnchors,
  onJoinProgress,
  peerChaincodes,
  peerInstall,
  peerJoin,
  peerOrgPeers,
  peerPackageDialog,
} from "../api";
import type { InstallFrom } from "../bindings/InstallFrom";
import type { OrgPeers } from "../bindings/OrgPeers";
import type { PeerChaincodes } from "../bindings/PeerChaincodes";
import { IdentitySelect } from "../components/IdentitySelect";
import { useNotifier } from "../components/Notifications";
import { useLibrary } from "../data/WorkspaceData";
import { useLibraryUi } from "../library/LibraryUi";
import { PanelButton } from "../library/PanelParts";
import { SidePanel } from "../library/SidePanel";
import { EMPTY_INSTALL, InstallForm, type InstallFormState } from "./InstallForm";
import { EMPTY_JOIN, JoinForm, type JoinFormState } from "./JoinForm";
import {
  anchorsText,
  errorIdentity,
  installedText,
  isPackagePath,
  joinedText,
  type PeerTarget,
  type PeerView,
} from "./logic";
import { PeerDetails } from "./PeerDetails";
import { PeerError } from "./parts";
import { type Read, usePeerData } from "./usePeerData";
import "../styles/deferred.scss";
import "./peers.scss";

type Notice =
  | { kind: "success" | "warning" | "info"; title: string; subtitle: string }
  | { kind: "error"; context: string; error: unknown };

function settle<T>(promise: Promise<T>, set: (read: Read<T>) => void): void {
  set({ state: "loading" });
  promise.then(
    (value) => set({ state: "done", value }),
    (error: unknown) => set({ state: "failed", error }),
  );
}

export default function PeerPanel(props: {
  target: PeerTarget;
  view?: PeerView | undefined;
  onClose: () => void;
}) {
  const { target } = props;
  const name = target.displayName;
  const { t } = useTranslation("peers");
  const { items } = useLibrary();
  const { claimDrops } = useLibraryUi();
  const { notify, notifyError } = useNotifier();
  const [view, setView] = useState<PeerView>(props.view ?? "details");
  const [identity, setIdentity] = useState("");
  const [tlsIdentity, setTlsIdentity] = useState(target.tlsIdentity ?? "");
  const [version, setVersion] = useState(0);
  const data = usePeerData(target.peer, identity || null, tlsIdentity || null, version);
  const [signed, setSigned] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [anchoring, setAnchoring] = useState<string[]>([]);
  const [join, setJoin] = useState<JoinFormState>(EMPTY_JOIN);
  const [install, setInstall] = useState<InstallFormState>(EMPTY_INSTALL);
  const [orgPeers, setOrgPeers] = useState<Read<OrgPeers> | null>(null);
  const [sourcePackages, setSourcePackages] = useState<Read<PeerChaincodes> | null>(null);
  const open = useRef(true);

  useEffect(() => {
    open.current = true;
    return () => {
      open.current = false;
    };
  }, []);

  /** A result: in the panel while it is open, as a toast once it was closed. */
  const tell = useCallback(
    (next: Notice) => {
      if (open.current) setNotice(next);
      else if (next.kind === "error") notifyError(next.error, next.context);
      else notify(next);
    },
    [notify, notifyError],
  );

  // The organization's other peers, for "Block 0 from" and "Peer to copy from".
  const needPeers = view !== "details";
  useEffect(() => {
    if (needPeers && orgPeers === null) settle(peerOrgPeers(target.peer), setOrgPeers);
  }, [needPeers, orgPeers, target.peer]);

  // The chosen source peer's packages.
  const source = install.mode === "peer" ? install.source : "";
  useEffect(() => {
    if (source === "") {
      setSourcePackages(null);
      return;
    }
    let live = true;
    settle(peerChaincodes(source, identity || null, tlsIdentity || null), (read) => {
      if (live) setSourcePackages(read);
    });
    return () => {
      live = false;
    };
  }, [source, identity, tlsIdentity]);

  // A package dropped on the window goes to "Install chaincode…".
  useEffect(
    () =>
      claimDrops({
        title: t("panel.dropTitle", { peer: name }),
        hint: t("panel.dropHint", { command: "peer lifecycle chaincode package" }),
        onDrop: (paths) => {
          const file = paths.find(isPackagePath) ?? paths[0];
          if (!file) return;
          setView("install");
          setInstall((f) => ({ ...f, mode: "file", file, invalid: null, error: null }));
        },
      }),
    [claimDrops, name, t],
  );

  const signedBy =
    signed ??
    (data.channels.state === "done"
      ? data.channels.value.identity
      : data.channels.state === "failed"
        ? errorIdentity(data.channels.error)
        : null);

  const refresh = () => {
    setNotice(null);
    setVersion((v) => v + 1);
  };

  const runJoin = async () => {
    const channel = join.channel.trim();
    if (channel === "") {
      setJoin((f) => ({ ...f, invalid: t("join.enterChannel") }));
      return;
    }
    setJoin((f) => ({ ...f, busy: true, progress: null, error: null }));
    let unlisten: UnlistenFn | undefined;
    try {
      unlisten = await onJoinProgress((u) => {
        if (u.peer === target.peer && u.channel === channel) {
          setJoin((f) => ({ ...f, progress: u.progress }));
        }
      });
    } catch {
      // No event bridge (outside the window): the join still runs, without a bar.
    }
    try {
      const joined = await peerJoin({
        peer: target.peer,
        channel,
        from: join.from || null,
        identity: identity || null,
        tlsIdentity: tlsIdentity || null,
      });
      setSigned(joined.identity);
      setJoin(EMPTY_JOIN);
      setView("details");
      setVersion((v) => v + 1);
      tell({
        kind: joined.alreadyJoined ? "info" : "success",
        title: joined.alreadyJoined
          ? t("panel.alreadyJoined", { channel })
          : t("panel.joined", { channel }),
        subtitle: joinedText(joined),
      });
    } catch (error) {
      setSigned((s) => errorIdentity(error) ?? s);
      setJoin((f) => ({ ...f, busy: false, error }));
    } finally {
      unlisten?.();
    }
  };

  const runInstall = async () => {
    let from: InstallFrom;
    if (install.mode === "peer") {
      if (install.source === "") {
        setInstall((f) => ({ ...f, invalid: t("install.chooseSource") }));
        return;
      }
      from = { peer: { peer: install.source, packageId: install.packageId || null } };
    } else {
      if (install.file === "") {
        setInstall((f) => ({
          ...f,
          invalid: t("install.chooseFileOrDrop"),
        }));
        return;
      }
      from = { file: install.file };
    }
    setInstall((f) => ({ ...f, busy: true, error: null, invalid: null }));
    try {
      const installed = await peerInstall({
        peer: target.peer,
        from,
        identity: identity || null,
        tlsIdentity: tlsIdentity || null,
      });
      setSigned(installed.identity);
      setInstall(EMPTY_INSTALL);
      setView("details");
      setVersion((v) => v + 1);
      const result = installedText(installed);
      tell({
        kind: result.warnings.length > 0 ? "warning" : "success",
        title: t("panel.installed"),
        subtitle: [result.text, ...result.warnings].join(" "),
      });
    } catch (error) {
      setSigned((s) => errorIdentity(error) ?? s);
      setInstall((f) => ({ ...f, busy: false, error }));
    }
  };

  const chooseFile = async () => {
    try {
      const file = await peerPackageDialog();
      if (file) setInstall((f) => ({ ...f, file, invalid: null, error: null }));
    } catch (error) {
      setInstall((f) => ({ ...f, error }));
    }
  };

  const makeAnchor = async (channel: string) => {
    setAnchoring((a) => [...a, channel]);
    setNotice(null);
    try {
      const added = await channelAddAnchors({
        channel,
        peers: [target.peer],
        orderer: null,
        identity: identity || null,
        tlsIdentity: tlsIdentity || null,
      });
      setSigned(added.identity);
      setVersion((v) => v + 1);
      tell({
        kind: "success",
        title: added.updated ? t("panel.anchorAdded") : t("panel.alreadyAnchor"),
        subtitle: anchorsText(added, name),
      });
    } catch (error) {
      setSigned((s) => errorIdentity(error) ?? s);
      tell({
        kind: "error",
        context: t("panel.anchorFailed", { peer: name, channel }),
        error,
      });
    } finally {
      setAnchoring((a) => a.filter((c) => c !== channel));
    }
  };

  const back = () => {
    setView("details");
    setJoin(EMPTY_JOIN);
    setInstall(EMPTY_INSTALL);
  };

  const footer =
    view === "details" ? (
      <>
        <PanelButton kind="cancel" onClick={props.onClose}>
          {t("panel.close")}
        </PanelButton>
        <PanelButton kind="primary" id="peer-refresh" onClick={refresh}>
          {t("panel.refresh")}
        </PanelButton>
      </>
    ) : view === "join" ? (
      <>
        <PanelButton kind="cancel" disabled={join.busy} onClick={back}>
          {t("panel.back")}
        </PanelButton>
        <PanelButton
          kind="primary"
          id="peer-join-submit"
          disabled={join.busy}
          onClick={() => void runJoin()}
        >
          {join.busy ? t("panel.joining") : t("panel.join")}
        </PanelButton>
      </>
    ) : (
      <>
        <PanelButton kind="cancel" disabled={install.busy} onClick={back}>
          {t("panel.back")}
        </PanelButton>
        <PanelButton
          kind="primary"
          id="peer-install-submit"
          disabled={install.busy}
          onClick={() => void runInstall()}
        >
          {install.busy ? t("panel.installing") : t("panel.install")}
        </PanelButton>
      </>
    );

  // What the tile did not know, the peer's answer tells.
  const answered = data.channels.state === "done" ? data.channels.value.peer : null;
  const mspId = target.mspId ?? answered?.mspId ?? null;
  const apiUrl = target.apiUrl ?? answered?.apiUrl ?? null;
  return (
    <SidePanel
      id="peer-panel"
      title={
        view === "join" ? t("panel.join") : view === "install" ? t("panel.installTitle") : name
      }
      label={view === "details" ? t("panel.peer") : name}
      onClose={props.onClose}
      footer={footer}
    >
      <div className="fhd-peer" data-testid="peer-panel" data-peer={target.peer} data-view={view}>
        <dl className="fhd-detail-facts fhd-peer-facts">
          <Fact id="msp" label={t("panel.mspId")} value={mspId ?? "-"} />
          <Fact id="url" label={t("panel.url")} value={apiUrl ?? "-"} mono />
          {target.console ? (
            <Fact id="console" label={t("panel.console")} value={target.console} />
          ) : null}
        </dl>
        <div className="fhd-peer-identity">
          <IdentitySelect
            id="peer-identity"
            labelText={t("panel.identity")}
            noneText={t("panel.walletAdmin")}
            items={items}
            value={identity}
            disabled={join.busy || install.busy}
            onChange={(value) => {
              setIdentity(value);
              setSigned(null);
              setNotice(null);
            }}
          />
          <p className="fhd-peer-signed" data-testid="peer-signed-by" aria-live="polite">
            {signedBy ? t("panel.signedBy", { identity: signedBy }) : "\u00a0"}
          </p>
          <IdentitySelect
            id="peer-tls-identity"
            labelText={t("panel.tlsIdentity")}
            helperText={t("panel.tlsIdentityHelp")}
            noneText={t("panel.noTlsIdentity")}
            items={items}
            value={tlsIdentity}
            disabled={join.busy || install.busy}
            onChange={(value) => {
              setTlsIdentity(value);
              setNotice(null);
            }}
          />
        </div>
        {notice ? (
          notice.kind === "error" ? (
            <PeerError
              error={notice.error}
              context={notice.context}
              onClose={() => setNotice(null)}
            />
          ) : (
            <InlineNotification
              className="fhd-peer-notice"
              data-testid="peer-notice"
              kind={notice.kind}
              lowContrast
              title={notice.title}
              subtitle={notice.subtitle}
              onCloseButtonClick={() => setNotice(null)}
              statusIconDescription={t(`panel.notice.${notice.kind}`)}
              aria-label={t("error.close")}
            />
          )
        ) : null}
        {view === "details" ? (
          <PeerDetails
            target={target}
            data={data}
            anchoring={anchoring}
            onJoin={() => {
              setNotice(null);
              setView("join");
            }}
            onInstall={() => {
              setNotice(null);
              setView("install");
            }}
            onMakeAnchor={(channel) => void makeAnchor(channel)}
          />
        ) : view === "join" ? (
          <JoinForm
            target={target}
            form={join}
            orgPeers={orgPeers}
            onChange={(patch) => setJoin((f) => ({ ...f, ...patch }))}
          />
        ) : (
          <InstallForm
            target={target}
            form={install}
            orgPeers={orgPeers}
            sourcePackages={sourcePackages}
            onChange={(patch) => setInstall((f) => ({ ...f, ...patch }))}
            onChooseFile={() => void chooseFile()}
          />
        )}
      </div>
    </SidePanel>
  );
}

function Fact(props: { id: string; label: string; value: string; mono?: boolean }) {
  return (
    <div className="fhd-fact" data-fact={props.id}>
      <dt className="fhd-fact__label">{props.label}</dt>
      <dd className={`fhd-fact__value${props.mono ? " fhd-fact__value--mono" : ""}`}>
        {props.value}
      </dd>
    </div>
  );
}
