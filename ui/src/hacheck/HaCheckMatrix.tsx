// One channel of the HA check as a matrix in the console's table look: columns = regions; rows =
// the region's peers (status squares, what to do, the action the app has), the channel's
// chaincodes with their package id, whether the region's console lists every peer, and what
// losing the region would do.
import {
  Button,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
} from "@carbon/react";
import { useTranslation } from "react-i18next";
import type { HaChannel } from "../bindings/HaChannel";
import type { HaCheck } from "../bindings/HaCheck";
import { joinList } from "../i18n";
import { shortPackageId } from "../peers/logic";
import {
  consoleGaps,
  noteText,
  type PeerAction,
  peerActions,
  peerSquares,
  regionOf,
  type Square,
  type Tone,
} from "./logic";
import { StaleRecords } from "./StaleRecords";

/** What the matrix asks the page to do. */
export interface MatrixActions {
  /** Opens the peer panel of a region's peer at the view the action needs. */
  openPeer: (console: string, peer: string, action: PeerAction) => void;
  /** Copies a peer from a console that lists it into one that does not. */
  importPeer: (from: string, to: string, peer: string) => void;
  /** Runs the check again (after a stale record was updated). */
  refresh: () => void;
}

export function StatusSquare(props: { tone: Tone; label: string; testId?: string }) {
  return (
    <span className="fhd-hc-square" data-tone={props.tone} data-testid={props.testId}>
      <span className="fhd-hc-square__box" aria-hidden="true" />
      {props.label}
    </span>
  );
}

function Squares(props: { squares: Square[] }) {
  return (
    <span className="fhd-hc-squares">
      {props.squares.map((s) => (
        <span key={s.key} data-square={s.key}>
          <StatusSquare tone={s.tone} label={s.label} />
        </span>
      ))}
    </span>
  );
}

export function HaCheckMatrix(props: {
  check: HaCheck;
  channel: HaChannel;
  actions: MatrixActions;
}) {
  const { check, channel, actions } = props;
  const { t } = useTranslation("hacheck");
  const cells = channel.cells;
  return (
    <Table
      size="lg"
      className="fhd-hc-matrix"
      data-testid="ha-matrix"
      data-channel={channel.channel}
    >
      <TableHead>
        <TableRow>
          <TableHeader>{t("matrix.region")}</TableHeader>
          {cells.map((c) => (
            <TableHeader key={c.console} data-testid="ha-region" data-console={c.console}>
              {regionOf(check, c.console)}
              <span className="fhd-hc-muted"> · {c.console}</span>
            </TableHeader>
          ))}
        </TableRow>
      </TableHead>
      <TableBody>
        <TableRow>
          <TableCell className="fhd-hc-rowhead">{t("matrix.peers")}</TableCell>
          {cells.map((cell) => (
            <TableCell key={cell.console} data-testid="ha-cell" data-console={cell.console}>
              {cell.peers.length === 0 ? (
                <StatusSquare tone="bad" label={t("matrix.noPeer")} />
              ) : (
                cell.peers.map((p) => {
                  const todo = p.todo.length > 0;
                  return (
                    <div
                      key={p.name}
                      className="fhd-hc-peer"
                      data-testid="ha-peer"
                      data-peer={p.name}
                      data-red={todo ? "true" : "false"}
                    >
                      <div className="fhd-hc-peer__name">{p.name}</div>
                      <Squares squares={peerSquares(p, channel.chaincodes.length)} />
                      {p.todo.map((todo) => (
                        <p key={todo.text} className="fhd-hc-todo" data-testid="ha-todo">
                          {noteText(todo)}
                        </p>
                      ))}
                      {peerActions(channel, cell.console, p).map((a) => (
                        <Button
                          key={a}
                          kind="ghost"
                          size="sm"
                          data-testid="ha-action"
                          data-action={a}
                          onClick={() => actions.openPeer(cell.console, p.name, a)}
                        >
                          {t(`matrix.action.${a}`)}
                        </Button>
                      ))}
                    </div>
                  );
                })
              )}
              {cell.gossipMissing.length > 0 && (
                <p className="fhd-hc-todo" data-testid="ha-gossip">
                  {t("matrix.gossip", { peers: joinList(cell.gossipMissing) })}
                </p>
              )}
            </TableCell>
          ))}
        </TableRow>
        {channel.chaincodes.map((cc) => (
          <TableRow key={cc.name} data-testid="ha-chaincode" data-chaincode={cc.name}>
            <TableCell className="fhd-hc-rowhead">
              {cc.name} {cc.version}
              <span className="fhd-hc-muted fhd-hc-package" title={cc.packageId ?? undefined}>
                {cc.packageId ? shortPackageId(cc.packageId) : t("matrix.noPackage")}
              </span>
            </TableCell>
            {cells.map((cell) => (
              <TableCell key={cell.console}>
                {cell.peers.map((p) => (
                  <div key={p.name}>
                    <StatusSquare
                      tone={
                        !p.joined ? "off" : p.missingChaincodes.includes(cc.name) ? "bad" : "ok"
                      }
                      label={t("matrix.packageState", {
                        peer: p.name,
                        state: !p.joined
                          ? t("matrix.notJoined")
                          : p.missingChaincodes.includes(cc.name)
                            ? t("matrix.lacksPackage")
                            : t("matrix.installed"),
                      })}
                    />
                  </div>
                ))}
              </TableCell>
            ))}
          </TableRow>
        ))}
        <TableRow>
          <TableCell className="fhd-hc-rowhead">{t("matrix.consoleLists")}</TableCell>
          {cells.map((cell) => {
            const entry = check.consoles.find((c) => c.console === cell.console);
            const gaps = consoleGaps(check, cell.console);
            return (
              <TableCell key={cell.console} data-testid="ha-console" data-console={cell.console}>
                {entry?.error ? (
                  <>
                    <StatusSquare tone="bad" label={t("matrix.notRead")} />
                    <p className="fhd-hc-todo">{entry.error}</p>
                  </>
                ) : gaps.length === 0 ? (
                  <StatusSquare
                    tone="ok"
                    label={t("matrix.listsAll", { count: check.peers.length })}
                  />
                ) : (
                  gaps.map((g) => (
                    <div key={g.peer} className="fhd-hc-peer" data-testid="ha-console-gap">
                      <StatusSquare tone="bad" label={t("matrix.notListed", { peer: g.peer })} />
                      {g.from ? (
                        <Button
                          kind="ghost"
                          size="sm"
                          data-testid="ha-import"
                          onClick={() => g.from && actions.importPeer(g.from, cell.console, g.peer)}
                        >
                          {t("matrix.importFrom", { console: g.from })}
                        </Button>
                      ) : (
                        <p className="fhd-hc-todo">{t("matrix.noConsole")}</p>
                      )}
                    </div>
                  ))
                )}
                {entry && !entry.error ? (
                  <StaleRecords row={entry} onUpdated={actions.refresh} />
                ) : null}
              </TableCell>
            );
          })}
        </TableRow>
        <TableRow>
          <TableCell className="fhd-hc-rowhead">{t("matrix.ifLost")}</TableCell>
          {cells.map((cell) => {
            const loss = channel.losses.find((l) => l.console === cell.console);
            return (
              <TableCell
                key={cell.console}
                data-testid="ha-loss"
                data-console={cell.console}
                data-survives={loss?.survives ? "true" : "false"}
              >
                {!loss || loss.survives ? (
                  <StatusSquare tone="ok" label={t("matrix.stillServed")} />
                ) : (
                  <>
                    <StatusSquare tone="bad" label={t("matrix.broken")} />
                    {loss.reasons.map((r) => (
                      <p key={r.text} className="fhd-hc-todo" data-testid="ha-reason">
                        {noteText(r)}
                      </p>
                    ))}
                  </>
                )}
              </TableCell>
            );
          })}
        </TableRow>
      </TableBody>
    </Table>
  );
}
