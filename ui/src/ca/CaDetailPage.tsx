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
import { useTranslation } from "react-i18next";
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
  const { t } = useTranslation("ca");
  const ca = items.find((i) => i.id === props.id && i.kind === "ca");
  if (!ca) {
    return (
      <>
        <Crumbs name={props.id} />
        <h1 className="fhd-page-title">{t("page.ca")}</h1>
        <EmptyState
          title={t("page.missing")}
          hint={
            <>
              {t("page.missingHint")} <a href={hrefFor("nodes")}>{t("page.backToNodes")}</a>
            </>
          }
        />
      </>
    );
  }
  return <CaDetail key={ca.id} ca={ca} />;
}

function Crumbs(props: { name: string }) {
  const { t } = useTranslation("ca");
  return (
    <nav className="fhd-ca-crumbs" aria-label={t("page.breadcrumb")}>
      <a href={hrefFor("nodes")}>{t("page.nodes")}</a>
      <span aria-hidden="true"> / </span>
      <span aria-current="page">{props.name}</span>
    </nav>
  );
}

type Panel =
  | { type: "associate" }
  | { type: "register"; tab: CaTab }
  | { type: "enroll"; tab: CaTab; enrollId?: string };

/** The tabs; their labels are `ca:tabs.<id>`. */
const TABS: readonly CaTab[] = ["ca", "tlsca"];

function CaDetail(props: { ca: LibraryItem }) {
  const { ca } = props;
  const { t } = useTranslation("ca");
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

  const registrarOf = (which: CaTab): string | null =>
    which === "tlsca" && tlsRegistrar !== "" ? tlsRegistrar : (associated?.id ?? null);
  const registrar = registrarOf(tab);
  const canList = association.state === "done" && registrar !== null;
  const users = useLoad(canList ? `${ca.id}|${tab}|${registrar}|${version}` : null, () =>
    caIdentities(
      caTarget(ca.id, tab),
      registrarOf(tab) === associated?.id ? null : registrarOf(tab),
    ),
  );

  const caLabel = (which: CaTab) =>
    which === "tlsca" ? t("page.tlsLabel", { name: ca.displayName }) : ca.displayName;
  const reloadLibrary = async () => {
    try {
      await refresh();
    } catch (error) {
      notifyError(error, t("page.libraryFailed"));
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
                {t("page.cardTitle")}
              </h2>
              <Button
                kind="ghost"
                size="sm"
                hasIconOnly
                renderIcon={Information}
                iconDescription={t("page.fileDetails")}
                tooltipPosition="bottom"
                id="ca-file-details"
                onClick={() => openDetail(ca.id)}
              />
            </header>
            <dl className="fhd-ca-facts">
              <Fact id="location" label={t("facts.location")}>
                {isImported(ca.location)
                  ? t("facts.imported", { location: locationText(ca.location) })
                  : locationText(ca.location)}
              </Fact>
              <Fact id="url" label={t("facts.apiUrl")} mono>
                {ca.apiUrl ?? "-"}
              </Fact>
              <Fact id="ca-name" label={t("facts.caName")} mono>
                {infoText(infoCa, (i) => i.caName)}
              </Fact>
              <Fact id="tlsca-name" label={t("facts.tlsCaName")} mono>
                {infoText(infoTls, (i) => i.caName, TLS_CA_NAME)}
              </Fact>
              <Fact id="version" label={t("facts.version")}>
                {infoText(infoCa, (i) => i.version || "-")}
              </Fact>
              <Fact id="expiry" label={t("facts.expiry")}>
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
          <div className="fhd-ca-tabs" role="tablist" aria-label={t("tabs.label")}>
            {TABS.map((id) => (
              <button
                key={id}
                type="button"
                role="tab"
                id={`ca-tab-${id}`}
                aria-selected={tab === id}
                aria-controls="ca-tabpanel"
                className={`fhd-ca-tabs__tab${tab === id ? " fhd-ca-tabs__tab--active" : ""}`}
                onClick={() => setTab(id)}
              >
                {t(`tabs.${id}`)}
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
            <p className="fhd-ca-text">{tab === "ca" ? t("tabs.caText") : t("tabs.tlscaText")}</p>
            <InfoLine load={tab === "ca" ? infoCa : infoTls} />
            <h2 className="fhd-ca-heading">{t("users.title")}</h2>
            <p className="fhd-ca-text">{t("users.intro")}</p>
            {tab === "tlsca" ? (
              <Select
                id="ca-tls-registrar"
                className="fhd-ca-registrar"
                labelText={t("users.registrar")}
                value={tlsRegistrar}
                onChange={(e) => setTlsRegistrar(e.target.value)}
                helperText={t("users.registrarHelp")}
              >
                <SelectItem
                  value=""
                  text={
                    associated
                      ? t("users.associated", { name: associated.displayName })
                      : t("users.associatedNone")
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
                {t("users.enroll")}
              </Button>
              <Button
                kind="primary"
                renderIcon={Add}
                id="ca-register-open"
                disabled={registrar === null}
                onClick={() => setPanel({ type: "register", tab })}
              >
                {t("users.register")}
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
              title: t("page.associated", { identity: identity.displayName, ca: ca.displayName }),
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
              title: t("page.enrolled", { identity: identity.displayName }),
              subtitle: t("page.enrolledHint"),
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
  const { t } = useTranslation("ca");
  if (load.state === "failed") {
    return (
      <div className="fhd-ca-assoc fhd-ca-assoc--none">
        <CaErrorNotice error={load.error} context={t("assoc.failed")} />
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
        aria-label={t("assoc.change", { name: identity.displayName })}
        onClick={props.onAssociate}
      >
        <span className="fhd-ca-assoc__text">
          <span className="fhd-ca-assoc__name">{identity.displayName}</span>
          <span className="fhd-ca-assoc__hint">{t("assoc.hint")}</span>
        </span>
        <ArrowRight size={20} />
      </button>
    );
  }
  return (
    <div className="fhd-ca-assoc fhd-ca-assoc--none">
      <p className="fhd-ca-assoc__hint">
        {load.state === "done" ? t("assoc.none") : t("assoc.reading")}
      </p>
      <Button
        kind="primary"
        size="md"
        id="ca-associate-open"
        disabled={load.state !== "done"}
        onClick={props.onAssociate}
      >
        {t("assoc.associate")}
      </Button>
    </div>
  );
}

function InfoLine(props: { load: Load<CaInfoView> }) {
  const { load } = props;
  const { t } = useTranslation("ca");
  if (load.state === "failed") {
    return <CaErrorNotice error={load.error} context={t("info.failed")} />;
  }
  if (load.state !== "done") {
    return (
      <InlineLoading
        iconDescription={t("loadingIcon")}
        className="fhd-ca-info"
        description={t("info.asking")}
      />
    );
  }
  const root = load.data.chain[0];
  return (
    <p className="fhd-ca-info" data-testid="ca-info">
      <span>{t("info.caName", { name: load.data.caName })}</span>
      {load.data.version ? <span>{t("info.version", { version: load.data.version })}</span> : null}
      {root ? (
        <span>{t("info.root", { subject: root.subject, expiry: expiryText(root.expiresAt) })}</span>
      ) : null}
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
  const { t } = useTranslation("ca");
  if (props.association.state === "done" && props.registrar === null) {
    return (
      <EmptyState
        title={t("users.needAssociation")}
        hint={
          <>
            {t("users.needAssociationHint")}{" "}
            <button type="button" className="fhd-ca-link" onClick={props.onAssociate}>
              {t("assoc.associate")}
            </button>
          </>
        }
      />
    );
  }
  if (load.state === "failed") {
    return <CaErrorNotice error={load.error} context={t("users.failed")} />;
  }
  if (load.state !== "done") {
    return (
      <InlineLoading
        iconDescription={t("loadingIcon")}
        className="fhd-ca-info"
        description={t("users.reading")}
      />
    );
  }
  const rows = sortUsers(load.data);
  return (
    <TableContainer className="fhd-ca-users" data-testid="ca-users">
      <Table size="lg" aria-label={t("users.title")}>
        <TableHead>
          <TableRow>
            <TableHeader>{t("users.enrollId")}</TableHeader>
            <TableHeader>{t("users.type")}</TableHeader>
            <TableHeader>{t("users.affiliation")}</TableHeader>
            <TableHeader>{t("users.maxEnrollments")}</TableHeader>
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
