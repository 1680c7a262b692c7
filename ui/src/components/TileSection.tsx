// The console's "ItemContainer": a titled section with an (i) tip, a grid/list toggle, the
// add buttons on top of a strip of tiles (or a filterable table), an empty state, and a pager.
import { ExpandableSearch, Pagination } from "@carbon/react";
import { lazy, type ReactNode, Suspense, useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { ActionButton, type SectionAction } from "./ActionButton";
import { EmptyState } from "./EmptyState";
import { InfoTip } from "./InfoTip";
import { NodeTile, type TileData, type TileVariant } from "./NodeTile";
import type { SectionTableProps } from "./SectionTable";
import { filterItems, itemRangeText, PAGE_SIZES, pageCount, pageOf } from "./sectionLogic";
import { type SectionView, ViewSwitch } from "./ViewSwitch";

// The table (and its styles) loads the first time a section switches to list view.
const LazySectionTable = lazy(() => import("./SectionTable"));

function SectionTable<T>(props: SectionTableProps<T>) {
  // `lazy` forgets the type parameter; the props are still checked against T at the call site.
  return <LazySectionTable {...(props as unknown as SectionTableProps<unknown>)} />;
}

export interface SectionColumn<T> {
  key: string;
  header: string;
  /** Cell content; plain text is also what the search matches. */
  text: (item: T) => string;
  /** Optional richer rendering (e.g. the status dot). */
  render?: (item: T) => ReactNode;
}

export type { SectionView };

export interface TileSectionProps<T> {
  /** DOM id of the section, also the prefix of its controls' ids. */
  id: string;
  title: string;
  info: string;
  items: readonly T[];
  itemKey: (item: T) => string;
  toTile: (item: T) => TileData;
  columns: SectionColumn<T>[];
  actions: SectionAction[];
  emptyTitle: string;
  emptyHint: ReactNode;
  emptyIcon?: ReactNode;
  variant?: TileVariant;
  defaultPageSize?: number;
  defaultView?: SectionView;
  /** The action of clicking an item's tile or row, when it has details to show. */
  onOpen?: (item: T) => (() => void) | undefined;
  /** An overflow menu on each tile (grid view). */
  tileMenu?: (item: T) => ReactNode;
}

export function TileSection<T>(props: TileSectionProps<T>) {
  const {
    id,
    title,
    items,
    columns,
    variant = "node",
    defaultPageSize = 15,
    defaultView = "grid",
  } = props;
  const { t } = useTranslation("components");
  const [view, setView] = useState<SectionView>(defaultView);
  const [query, setQuery] = useState("");
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(defaultPageSize);

  useEffect(() => setPageSize(defaultPageSize), [defaultPageSize]);

  const filtered = useMemo(
    () => filterItems(items, query, (item) => columns.map((c) => c.text(item)).join(" ")),
    [items, query, columns],
  );
  const lastPage = pageCount(filtered.length, pageSize);
  const currentPage = Math.min(page, lastPage);
  const visible = pageOf(filtered, currentPage, pageSize);
  const pageSizes = PAGE_SIZES.includes(pageSize as (typeof PAGE_SIZES)[number])
    ? [...PAGE_SIZES]
    : [...PAGE_SIZES, pageSize].sort((a, b) => a - b);

  const onQuery = (value: string) => {
    setQuery(value);
    setPage(1);
  };

  const empty =
    items.length === 0 ? (
      <EmptyState title={props.emptyTitle} hint={props.emptyHint} icon={props.emptyIcon} />
    ) : filtered.length === 0 ? (
      <EmptyState title={t("section.noMatches")} hint={t("section.noMatchesHint", { query })} />
    ) : null;

  const pager =
    filtered.length > 0 ? (
      <Pagination
        className="fhd-pagination"
        id={`${id}-pagination`}
        page={currentPage}
        pageSize={pageSize}
        pageSizes={pageSizes}
        totalItems={filtered.length}
        itemsPerPageText={t("section.itemsPerPage")}
        itemRangeText={itemRangeText}
        pageRangeText={(_current, total) => t("section.pageRange", { total })}
        pageSelectLabelText={(total) => t("section.pageSelect", { total })}
        pageNumberText={t("section.pageNumber")}
        backwardText={t("section.previousPage")}
        forwardText={t("section.nextPage")}
        size="md"
        onChange={(data) => {
          setPage(data.page);
          setPageSize(data.pageSize);
        }}
      />
    ) : null;

  const buttons = props.actions.map((action) => (
    <ActionButton key={action.label} action={action} />
  ));

  return (
    <section
      className={`fhd-section fhd-section--${view}`}
      id={id}
      aria-labelledby={`${id}-title`}
      data-view={view}
    >
      <div className="fhd-section__header">
        <h2 className="fhd-section__title" id={`${id}-title`}>
          {title}
        </h2>
        <InfoTip label={t("section.about", { title })}>{props.info}</InfoTip>
        <ViewSwitch view={view} onChange={setView} label={t("section.view", { title })} />
      </div>
      {view === "grid" ? (
        <>
          <div className="fhd-section__toolbar">
            {items.length > 0 ? (
              <ExpandableSearch
                className="fhd-grid-search"
                id={`${id}-search`}
                size="lg"
                labelText={t("section.filterLabel", { title })}
                placeholder={t("section.filterTiles")}
                closeButtonLabelText={t("section.clearFilter")}
                value={query}
                isExpanded={query !== "" ? true : undefined}
                onChange={(event) => onQuery(event.target.value)}
              />
            ) : null}
            <div className="fhd-section__actions">{buttons}</div>
          </div>
          {empty ?? (
            <ul className={`fhd-strip fhd-strip--${variant}`} aria-label={title}>
              {visible.map((item) => (
                <li key={props.itemKey(item)} className="fhd-strip__item">
                  <NodeTile
                    tile={props.toTile(item)}
                    variant={variant}
                    onOpen={props.onOpen?.(item)}
                    menu={props.tileMenu?.(item)}
                  />
                </li>
              ))}
            </ul>
          )}
          {pager}
        </>
      ) : (
        <Suspense fallback={<div className="fhd-table-loading" aria-busy="true" />}>
          <SectionTable
            id={id}
            title={title}
            columns={columns}
            rows={visible}
            rowKey={props.itemKey}
            onOpen={props.onOpen}
            query={query}
            onQuery={onQuery}
            buttons={buttons}
            empty={empty}
            pager={pager}
          />
        </Suspense>
      )}
    </section>
  );
}
