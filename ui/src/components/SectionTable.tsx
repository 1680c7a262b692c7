// The list view of a section: a "Filter table" toolbar with the section's buttons at its right,
// the table itself, and the pager under it. Loaded lazily with its styles.
import {
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableHeader,
  TableRow,
  TableToolbar,
  TableToolbarContent,
  TableToolbarSearch,
} from "@carbon/react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { SectionColumn } from "./TileSection";
import "../styles/deferred.scss";

export interface SectionTableProps<T> {
  id: string;
  title: string;
  columns: SectionColumn<T>[];
  rows: readonly T[];
  rowKey: (item: T) => string;
  /** Clicking a row opens its details; the first cell is then also a button for keyboards. */
  onOpen?: ((item: T) => (() => void) | undefined) | undefined;
  query: string;
  onQuery: (value: string) => void;
  buttons: ReactNode;
  empty: ReactNode;
  pager: ReactNode;
}

export default function SectionTable<T>(props: SectionTableProps<T>) {
  const { t } = useTranslation("components");
  return (
    <TableContainer className="fhd-table">
      <TableToolbar aria-label={t("section.tableToolbar", { title: props.title })}>
        <TableToolbarContent>
          <TableToolbarSearch
            id={`${props.id}-table-search`}
            persistent
            size="lg"
            labelText={t("section.filterLabel", { title: props.title })}
            placeholder={t("section.filterTable")}
            closeButtonLabelText={t("section.clearFilter")}
            defaultValue={props.query}
            onChange={(_event, value) => props.onQuery(value ?? "")}
          />
          {props.buttons}
        </TableToolbarContent>
      </TableToolbar>
      <Table size="lg" aria-label={props.title}>
        <TableHead>
          <TableRow>
            {props.columns.map((column) => (
              <TableHeader key={column.key} id={`${props.id}-col-${column.key}`}>
                {column.header}
              </TableHeader>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {props.rows.map((row) => {
            const open = props.onOpen?.(row);
            return (
              <TableRow
                key={props.rowKey(row)}
                className={open ? "fhd-table__row--openable" : undefined}
                onClick={open}
              >
                {props.columns.map((column, index) => {
                  const content = column.render ? column.render(row) : column.text(row);
                  return (
                    <TableCell key={column.key}>
                      {open && index === 0 ? (
                        // The row's click handler opens it; the button makes it reachable by
                        // keyboard and names the action for screen readers.
                        <button type="button" className="fhd-table__open">
                          {content}
                        </button>
                      ) : (
                        content
                      )}
                    </TableCell>
                  );
                })}
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
      {props.empty}
      {props.pager}
    </TableContainer>
  );
}
