// A library CA's page, like the console's (console-ui/ca-detail.png): on the left the CA's card
// and its associated identity; on the right the enrollment CA and the TLS CA as tabs, each with
// its registered users, "Register user" and "Enroll into wallet". Loaded on demand from the
// Nodes page (`#/nodes/ca/<id>`), with the deferred Carbon styles.
import { Add, ArrowRight, Information } from "@carbon/icons-react";
import {
  Button,
  InlineLoading,
  Select,
  SelectItem,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableHeader,
  TableRow,
} from "@carbon/react";
import { useState } from "react";
import { caAssociation, caIdentities, caInfo } from "../api";
import type { CaInfoView } from "../bindings/CaInfoView";
import type { CaUser } from "../bindings/CaUser";
import type { LibraryItem } from "../bindings/LibraryItem";
import { EmptyState } from "../components/EmptyState";
import { useNotifier } from "../components/Notifications";
import { isImported, locationText } from "../data/library";
import { useLibrary } from "../data/WorkspaceData";
import { expiryText } from "../library/DetailPanel";
import { useLibraryUi } from "../library/LibraryUi";
import { hrefFor } from "../router";
import AssociatePanel from "./AssociatePanel";
import EnrollPanel from "./EnrollPanel";
import { type CaTab, caTarget, maxEnrollmentsText, sortUsers, TLS_CA_NAME } from "./logic";
import { CaErrorNotice, type Load, useLoad } from "./parts";
import RegisterPanel from "./RegisterPanel";
import "../styles/deferred.scss";
import "./ca.scss";

export default function CaDetailPage(props: { id: string }) {
  const { items } = useLibrary();
  const ca = items.find((i) => i.id === props.id && i.kind === "ca");
  if (!ca) {
    return (
      <>
        <Crumbs name={props.id} />
        <h1 className="fhd-page-title">Certificate Authority</h1>
        <EmptyState
          title="No such Certificate Authority in the library"
          hint={
            <>
              It may have been removed. <a href={hrefFor("nodes")}>Back to the nodes</a>
            </>
          }
        />
      </>
    );
  }
  return <CaDetail key={ca.id} ca={ca} />;
}

function Crumbs(props: { name: string }) {
  return (
    <nav className="fhd-ca-crumbs" aria-label="Breadcrumb">
      <a href={hrefFor("nodes")}>Nodes</a>
      <span aria-hidden="true"> / </span>
      <span aria-current="page">{props.name}</span>
    </nav>
  );
}

type Panel =
  | { type: "associate" }
  | { type: "register"; tab: CaTab }
  | { type: "enroll"; tab: CaTab; enrollId?: string };

const TABS: readonly { id: CaTab; label: string }[] = [
  { id: "ca", label: "Certificate Authority" },
  { id: "tlsca", label: "TLS Certificate Authority" },
];

function CaDetail(props: { ca: LibraryItem }) {
  const { ca } = props;
  const { items, refresh } = useLibrary();
  const { openDetail } = useLibraryUi();
  const { notify, notifyError } = useNotifier();
  const [tab, setTab] = useState<CaTab>("ca");
  const [panel, setPanel] = useState<Panel | null>(null);
  // Bumped to re-read the association and the users tables.
  const [version, setVersion] = useState(0);
  const [tlsRegistrar, setTlsRegistrar] = useState("");

  const wallet = items.filter((i) => i.kind === "identity");
  const association = useLoad(`${ca.id}#${version}`, () => caAssociation(ca.id));
  const infoCa = useLoad(`${ca.id}`, () => caInfo(caTarget(ca.id, "ca")));
  const infoTls = useLoad(`${ca.id}`, () => caInfo(caTarget(ca.id, "tlsca")));
  const associated = association.state === "done" ? association.data : null;

  const registrarOf = (t: CaTab): string | null =>
    t === "tlsca" && tlsRegistrar !== "" ? tlsRegistrar : (associated?.id ?? null);
  const registrar = registrarOf(tab);
  const canList = association.state === "done" && registrar !== null;
  const users = useLoad(canList ? `${ca.id}|${tab}|${registrar}|${version}` : null, () =>
    caIdentities(
      caTarget(ca.id, tab),
      registrarOf(tab) === associated?.id ? null : registrarOf(tab),
    ),
  );

  const caLabel = (t: CaTab) => (t === "tlsca" ? `${ca.displayName} (TLS CA)` : ca.displayName);
  const reloadLibrary = async () => {
    try {
      await refresh();
    } catch (error) {
      notifyError(error, "The library could not be read again");
    }
  };

  return (
    <div className="fhd-ca-page" data-ca={ca.id}>
      <Crumbs name={ca.displayName} />
      <h1 className="fhd-page-title">{ca.displayName}</h1>
      <div className="fhd-ca-layout">
        <aside className="fhd-ca-side">
          <section className="fhd-ca-card" aria-labelledby="ca-card-title">
            <header className="fhd-ca-card__head">
              <h2 className="fhd-ca-card__title" id="ca-card-title">
                Certificate Authority (CA)
              </h2>
              <Button
                kind="ghost"
                size="sm"
                hasIconOnly
                renderIcon={Information}
                iconDescription="File details, export and remove"
                tooltipPosition="bottom"
                id="ca-file-details"
                onClick={() => openDetail(ca.id)}
              />
            </header>
            <dl className="fhd-ca-facts">
              <Fact id="location" label="Node location">
                {`${locationText(ca.location)}${isImported(ca.location) ? " (imported)" : ""}`}
              </Fact>
              <Fact id="url" label="API URL" mono>
                {ca.apiUrl ?? "-"}
              </Fact>
              <Fact id="ca-name" label="CA name" mono>
                {infoText(infoCa, (i) => i.caName)}
              </Fact>
              <Fact id="tlsca-name" label="TLS CA name" mono>
                {infoText(infoTls, (i) => i.caName, TLS_CA_NAME)}
              </Fact>
              <Fact id="version" label="Fabric CA version">
                {infoText(infoCa, (i) => i.version || "-")}
              </Fact>
              <Fact id="expiry" label="Earliest certificate expiration">
                {ca.expiresAt ? expiryText(ca.expiresAt) : "-"}
              </Fact>
            </dl>
          </section>
          <AssociationCard
            load={association}
            identity={associated}
            onAssociate={() => setPanel({ type: "associate" })}
          />
        </aside>

        <div className="fhd-ca-main">
          <div className="fhd-ca-tabs" role="tablist" aria-label="Certificate Authorities">
            {TABS.map((t) => (
              <button
                key={t.id}
                type="button"
                role="tab"
                id={`ca-tab-${t.id}`}
                aria-selected={tab === t.id}
                aria-controls="ca-tabpanel"
                className={`fhd-ca-tabs__tab${tab === t.id ? " fhd-ca-tabs__tab--active" : ""}`}
                onClick={() => setTab(t.id)}
              >
                {t.label}
              </button>
            ))}
          </div>
          <section
            className="fhd-ca-tabpanel"
            id="ca-tabpanel"
            role="tabpanel"
            aria-labelledby={`ca-tab-${tab}`}
            data-tab={tab}
          >
            <p className="fhd-ca-text">
              {tab === "ca"
                ? "Your CA provides keys to your nodes and applications. Use this CA to register the node, admin and application identities that are required to deploy, operate, and interact with your network."
                : "The TLS CA issues the TLS certificates of your nodes. Register each peer and ordering node here as well, and enroll it for its TLS certificate. Its users are listed by an identity enrolled at the TLS CA."}
            </p>
            <InfoLine load={tab === "ca" ? infoCa : infoTls} />
            <h2 className="fhd-ca-heading">Registered users</h2>
            <p className="fhd-ca-text">
              Select “Register user” to register a new user with your CA, the first step in creating
              a new identity. If an identity will be an admin, register it with the type admin; a
              peer with the type peer. “Enroll into wallet” turns an enroll ID and secret into a
              wallet identity.
            </p>
            {tab === "tlsca" ? (
              <Select
                id="ca-tls-registrar"
                className="fhd-ca-registrar"
                labelText="List and register as"
                value={tlsRegistrar}
                onChange={(e) => setTlsRegistrar(e.target.value)}
                helperText="An identity enrolled at the TLS CA (for example its admin, enrolled into the wallet here)."
              >
                <SelectItem
                  value=""
                  text={
                    associated
                      ? `The associated identity (${associated.displayName})`
                      : "The associated identity (none yet)"
                  }
                />
                {wallet
                  .filter((i) => i.id !== associated?.id)
                  .map((i) => (
                    <SelectItem key={i.id} value={i.id} text={i.displayName} />
                  ))}
              </Select>
            ) : null}
            <div className="fhd-ca-actions">
              <Button
                kind="primary"
                className="fhd-ca-actions__enroll"
                renderIcon={Add}
                id="ca-enroll-open"
                onClick={() => setPanel({ type: "enroll", tab })}
              >
                Enroll into wallet
              </Button>
              <Button
                kind="primary"
                renderIcon={Add}
                id="ca-register-open"
                disabled={registrar === null}
                onClick={() => setPanel({ type: "register", tab })}
              >
                Register user
              </Button>
            </div>
            <UsersTable
              load={users}
              association={association}
              registrar={registrar}
              onAssociate={() => setPanel({ type: "associate" })}
            />
          </section>
        </div>
      </div>

      {panel?.type === "associate" ? (
        <AssociatePanel
          ca={ca}
          current={associated}
          wallet={wallet}
          onClose={() => setPanel(null)}
          onAssociated={(identity) => {
            setPanel(null);
            setVersion((v) => v + 1);
            notify({
              kind: "success",
              title: `${identity.displayName} is associated with ${ca.displayName}`,
            });
            void reloadLibrary();
          }}
        />
      ) : null}
      {panel?.type === "register" ? (
        <RegisterPanel
          caLabel={caLabel(panel.tab)}
          target={caTarget(ca.id, panel.tab)}
          registrar={panel.tab === "tlsca" && tlsRegistrar !== "" ? tlsRegistrar : null}
          onClose={() => setPanel(null)}
          onRegistered={() => setVersion((v) => v + 1)}
          onEnroll={(enrollId) => setPanel({ type: "enroll", tab: panel.tab, enrollId })}
        />
      ) : null}
      {panel?.type === "enroll" ? (
        <EnrollPanel
          caLabel={caLabel(panel.tab)}
          target={caTarget(ca.id, panel.tab)}
          walletNames={wallet.map((i) => i.displayName)}
          initialEnrollId={panel.enrollId}
          onClose={() => setPanel(null)}
          onEnrolled={(identity) => {
            setPanel(null);
            notify({
              kind: "success",
              title: `Enrolled ${identity.displayName} into the wallet`,
              subtitle:
                "It is on the Wallet page; its private key stays encrypted in this workspace.",
            });
            void reloadLibrary();
          }}
        />
      ) : null}
    </div>
  );
}

function infoText<T>(load: Load<T>, pick: (v: T) => string, fallback = "-"): string {
  if (load.state === "done") return pick(load.data);
  if (load.state === "loading" || load.state === "idle") return "…";
  return fallback;
}

function Fact(props: { id: string; label: string; mono?: boolean; children: string }) {
  return (
    <div className="fhd-ca-fact" data-fact={props.id}>
      <dt className="fhd-ca-fact__label">{props.label}</dt>
      <dd className={`fhd-ca-fact__value${props.mono ? " fhd-ca-fact__value--mono" : ""}`}>
        {props.children}
      </dd>
    </div>
  );
}

function AssociationCard(props: {
  load: Load<LibraryItem | null>;
  identity: LibraryItem | null;
  onAssociate: () => void;
}) {
  const { load, identity } = props;
  if (load.state === "failed") {
    return (
      <div className="fhd-ca-assoc fhd-ca-assoc--none">
        <CaErrorNotice error={load.error} context="The associated identity could not be read" />
      </div>
    );
  }
  if (identity) {
    return (
      <button
        type="button"
        className="fhd-ca-assoc"
        id="ca-associated"
        data-identity={identity.displayName}
        aria-label={`Associated identity ${identity.displayName}: change`}
        onClick={props.onAssociate}
      >
        <span className="fhd-ca-assoc__text">
          <span className="fhd-ca-assoc__name">{identity.displayName}</span>
          <span className="fhd-ca-assoc__hint">Associated identity for root CA</span>
        </span>
        <ArrowRight size={20} />
      </button>
    );
  }
  return (
    <div className="fhd-ca-assoc fhd-ca-assoc--none">
      <p className="fhd-ca-assoc__hint">
        {load.state === "done"
          ? "No identity is associated: register and list users as one of the CA's admins."
          : "Reading the associated identity…"}
      </p>
      <Button
        kind="primary"
        size="md"
        id="ca-associate-open"
        disabled={load.state !== "done"}
        onClick={props.onAssociate}
      >
        Associate identity
      </Button>
    </div>
  );
}

function InfoLine(props: { load: Load<CaInfoView> }) {
  const { load } = props;
  if (load.state === "failed") {
    return <CaErrorNotice error={load.error} context="The CA did not answer cainfo" />;
  }
  if (load.state !== "done") {
    return <InlineLoading className="fhd-ca-info" description="Asking the CA…" />;
  }
  const root = load.data.chain[0];
  return (
    <p className="fhd-ca-info" data-testid="ca-info">
      <span>{`CA name ${load.data.caName}`}</span>
      {load.data.version ? <span>{`Fabric CA ${load.data.version}`}</span> : null}
      {root ? <span>{`Root ${root.subject}, ${expiryText(root.expiresAt)}`}</span> : null}
    </p>
  );
}

function UsersTable(props: {
  load: Load<CaUser[]>;
  association: Load<LibraryItem | null>;
  registrar: string | null;
  onAssociate: () => void;
}) {
  const { load } = props;
  if (props.association.state === "done" && props.registrar === null) {
    return (
      <EmptyState
        title="Associate an identity to see the users"
        hint={
          <>
            The CA lists its users only to a registrar.{" "}
            <button type="button" className="fhd-ca-link" onClick={props.onAssociate}>
              Associate identity
            </button>
          </>
        }
      />
    );
  }
  if (load.state === "failed") {
    return <CaErrorNotice error={load.error} context="The users could not be listed" />;
  }
  if (load.state !== "done") {
    return <InlineLoading className="fhd-ca-info" description="Reading the users…" />;
  }
  const rows = sortUsers(load.data);
  return (
    <TableContainer className="fhd-ca-users" data-testid="ca-users">
      <Table size="lg" aria-label="Registered users">
        <TableHead>
          <TableRow>
            <TableHeader>Enroll ID</TableHeader>
            <TableHeader>Type</TableHeader>
            <TableHeader>Affiliation</TableHeader>
            <TableHeader>Max enrollments</TableHeader>
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map((u) => (
            <TableRow key={u.id} data-user={u.id}>
              <TableCell>{u.id}</TableCell>
              <TableCell>{u.type}</TableCell>
              <TableCell>{u.affiliation}</TableCell>
              <TableCell>{maxEnrollmentsText(u.maxEnrollments)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );
}
