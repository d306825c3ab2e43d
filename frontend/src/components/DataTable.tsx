/**
 * The console's list: a card with filters (a search box, select filters), refresh, Excel export ("导出") of the rows
 * and columns on screen, a column chooser ("列设置", remembered per user and table when `columnsKey` is given),
 * optional row selection with batch actions (or one picked row, a radio column), and an antd Table with Chinese
 * pagination, loading, error and empty states. Pagination is client-side over `rows`, or server-side when
 * `pagination.server` is given.
 */
import { DownloadOutlined, ReloadOutlined, SettingOutlined } from "@ant-design/icons";
import { Button, Card, Checkbox, Empty, Flex, Input, Popover, Select, Space, Table, Tooltip, Typography } from "antd";
import type { TableColumnType, TableProps } from "antd";
import { type Key, type ReactNode, useMemo, useState } from "react";
import { useOptionalCurrentUser } from "../auth/AuthContext";
import { saveBlob } from "../lib/download";
import { QueryErrorAlert } from "./QueryErrorAlert";
import {
  type ChoosableColumn,
  type ColumnChoice,
  type ExportableColumn,
  NO_CHOICE,
  choosableColumns,
  columnId,
  columnStorageKey,
  exportColumns,
  exportFilename,
  filterByKeyword,
  isFiltered,
  nextPage,
  parseColumnChoice,
  selectedRows,
  tableLoading,
  toggleColumn,
  visibleColumns,
} from "./dataTable";
import { toXlsx } from "../lib/xlsx";

const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

export type DataColumn<T> = TableColumnType<T> &
  Pick<ExportableColumn<T>, "exportTitle" | "exportValue"> &
  Pick<ChoosableColumn, "alwaysShown" | "defaultHidden">;

/** The part of a TanStack query result the table shows: loading, refreshing, failure and retry. */
export interface ListQuery {
  isPending: boolean;
  isFetching: boolean;
  isError: boolean;
  error: unknown;
  refetch: () => unknown;
}

/** A select filter; the page keeps its value (and filters on the server or in `rows`). */
export interface SelectFilter {
  key: string;
  /** Accessible name, e.g. "院系". */
  label: string;
  placeholder: string;
  options: { value: string; label: string }[];
  value: string | undefined;
  onChange: (value: string | undefined) => void;
  /** The value the page starts with (e.g. "open"): at it the list counts as unfiltered (its plain empty text). */
  defaultValue?: string;
  width?: number;
  loading?: boolean;
  disabled?: boolean;
  notFoundContent?: ReactNode;
  searchable?: boolean;
}

/**
 * The search box. With `fields` it filters `rows` here (client-side); with `onSearch` the page filters (on the
 * server) when Enter is pressed.
 */
export type SearchConfig<T> = { placeholder: string; width?: number; maxLength?: number } & (
  | { fields: (row: T) => readonly (string | null | undefined)[]; onSearch?: never }
  | { onSearch: (keyword: string) => void; fields?: never }
);

export interface BatchAction<T> {
  key: string;
  label: string;
  onClick: (rows: T[]) => void | Promise<unknown>;
  danger?: boolean;
  icon?: ReactNode;
}

export type DataPagination =
  | false
  | {
      /** "共 {n} 所学校" */
      total: (n: number) => string;
      defaultPageSize?: number;
      pageSizeOptions?: number[];
      hideOnSinglePage?: boolean;
      /** Server-side: the page the server returned and how many rows there are in all. */
      server?: { page: number; pageSize: number; total: number; onChange: (page: number, pageSize: number) => void };
    };

export interface DataTableProps<T> {
  title?: ReactNode;
  /** Buttons after refresh and export (e.g. "新增学校"). */
  toolbar?: ReactNode;
  /** Shown after the filters on their line (e.g. a count). */
  filterExtra?: ReactNode;
  query: ListQuery;
  /** "学校列表加载失败" */
  errorTitle: string;
  rows: readonly T[];
  columns: DataColumn<T>[];
  rowKey: TableProps<T>["rowKey"];
  search?: SearchConfig<T>;
  filters?: SelectFilter[];
  pagination?: DataPagination;
  /** The name of the exported file (without date and extension); no export button without it. */
  exportName?: string;
  batchActions?: BatchAction<T>[];
  /** "已选 3 人": the unit of the selection count. Default 项. */
  selectionUnit?: string;
  /**
   * The selected row keys when the page keeps them (e.g. to clear them once a confirmation dialog is done);
   * otherwise the table keeps them and clears them after a batch action.
   */
  selection?: { keys: Key[]; onChange: (keys: Key[]) => void };
  /**
   * One row picked (a radio column; a click on the row picks it too), e.g. the capture day whose plan the page shows
   * below the list. Not with batch actions.
   */
  pick?: { key: Key | undefined; onPick: (row: T) => void };
  /** Empty text, and the one shown when a filter or keyword is set. */
  emptyText: string;
  filteredEmptyText?: string;
  /** Whether the page has filters of its own set (server-side filters, tabs). */
  filtered?: boolean;
  /** Show the loading state while refreshing too (server-side pages that keep the previous page). */
  loadingWhileFetching?: boolean;
  /** More antd Table props: size, scroll, expandable, summary, rowClassName. */
  table?: Omit<TableProps<T>, "columns" | "dataSource" | "rowKey" | "pagination" | "loading" | "locale" | "rowSelection">;
  /** No card around it (when the page has one already, e.g. inside tabs). */
  bare?: boolean;
  /** Shown under the table (a note on what the list means). */
  footer?: ReactNode;
  /** The refresh button; off where the page refreshes several lists at once (tabs). Default on. */
  refresh?: boolean;
  /**
   * The table's name for the column chooser (e.g. "students"): with it the user picks the columns shown (and
   * exported), remembered per user in this browser. Columns marked `alwaysShown` are not offered.
   */
  columnsKey?: string;
}

/** The user's column choice for one table, kept in localStorage under their username. */
function useColumnChoice(table: string | undefined): [ColumnChoice, (next: ColumnChoice) => void] {
  const me = useOptionalCurrentUser();
  const key = table && me ? columnStorageKey(me.username, table) : undefined;
  const [choice, setChoice] = useState<{ key: string | undefined; value: ColumnChoice }>(() => ({
    key,
    value: key ? parseColumnChoice(readStorage(key)) : NO_CHOICE,
  }));
  // Another user signing in on this browser (or another table) reads their own choice.
  const current = choice.key === key ? choice.value : key ? parseColumnChoice(readStorage(key)) : NO_CHOICE;
  const save = (next: ColumnChoice) => {
    setChoice({ key, value: next });
    if (key) writeStorage(key, JSON.stringify(next));
  };
  return [current, save];
}

function readStorage(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null; // storage off (private mode, policy): the defaults
  }
}

function writeStorage(key: string, value: string): void {
  try {
    window.localStorage.setItem(key, value);
  } catch {
    // full or off: the choice lasts until the page is left
  }
}

function ColumnChooser<T>({ columns, choice, onChange }: {
  columns: DataColumn<T>[];
  choice: ColumnChoice;
  onChange: (next: ColumnChoice) => void;
}) {
  const options = choosableColumns(columns);
  const shown = new Set(visibleColumns(columns, choice).map((c) => columnId(c)));
  const content = (
    <Flex vertical gap={6} style={{ maxHeight: 360, overflowY: "auto", minWidth: 160 }}>
      {options.map((o) => (
        <Checkbox
          key={o.id}
          checked={shown.has(o.id)}
          disabled={shown.has(o.id) && options.filter((x) => shown.has(x.id)).length === 1}
          onChange={(e) => onChange(toggleColumn(choice, o.id, e.target.checked))}
        >
          {o.label}
        </Checkbox>
      ))}
      <Button size="small" type="link" style={{ alignSelf: "flex-start", padding: 0 }} onClick={() => onChange(NO_CHOICE)}>
        恢复默认
      </Button>
    </Flex>
  );
  return (
    <Popover trigger="click" placement="bottomRight" title="显示的列" content={content}>
      <Tooltip title="选择显示的列（导出时同样只含这些列）">
        <Button aria-label="列设置" icon={<SettingOutlined aria-hidden />}>
          列
        </Button>
      </Tooltip>
    </Popover>
  );
}

const DEFAULT_SIZES = [20, 50, 100];

export function DataTable<T extends object>(props: DataTableProps<T>) {
  const { query, rows, search, filters = [], pagination = false, batchActions = [], pick } = props;
  const [keyword, setKeyword] = useState("");
  const [ownKeys, setOwnKeys] = useState<Key[]>([]);
  const selectedKeys = props.selection?.keys ?? ownKeys;
  const setSelectedKeys = props.selection?.onChange ?? setOwnKeys;
  const [busy, setBusy] = useState<string | null>(null);
  const [columnChoice, setColumnChoice] = useColumnChoice(props.columnsKey);
  const columns = useMemo(
    () => (props.columnsKey ? visibleColumns(props.columns, columnChoice) : props.columns),
    [props.columnsKey, props.columns, columnChoice],
  );

  const fields = search?.fields;
  const visible = useMemo(() => (fields ? filterByKeyword(rows, keyword, fields) : [...rows]), [rows, keyword, fields]);
  // Only rows still on screen count as selected (after a refresh or a new keyword).
  const selected = useMemo(
    () => selectedRows(visible, selectedKeys, (r) => keyOf(r, props.rowKey)),
    [visible, selectedKeys, props.rowKey],
  );
  const filtered = isFiltered(props.filtered, keyword, filters);

  function exportRows() {
    const exported = exportColumns(columns);
    const name = props.exportName ?? "导出";
    const data = toXlsx(
      exported.map((c) => c.title),
      visible.map((row) => exported.map((c) => c.value(row))),
      name,
    );
    saveBlob(new Blob([data as BlobPart], { type: XLSX_TYPE }), exportFilename(name, new Date(), "xlsx"));
  }

  async function runAction(action: BatchAction<T>) {
    setBusy(action.key);
    try {
      await action.onClick(selected);
      if (!props.selection) setSelectedKeys([]);
    } finally {
      setBusy(null);
    }
  }

  const searchBox = search && (
    <Input.Search
      allowClear
      placeholder={search.placeholder}
      aria-label={search.placeholder}
      style={{ width: search.width ?? 240 }}
      maxLength={search.maxLength}
      onChange={search.fields ? (e) => setKeyword(e.target.value) : undefined}
      onSearch={(v) => (search.onSearch ? search.onSearch(v.trim()) : setKeyword(v))}
    />
  );

  const refresh = props.refresh ?? true;
  const hasActions = Boolean(refresh || props.exportName || props.toolbar || props.columnsKey);
  const actions = (
    <Space wrap>
      {refresh && (
        <Tooltip title="刷新">
          <Button
            aria-label="刷新"
            icon={<ReloadOutlined aria-hidden />}
            loading={query.isFetching && !query.isPending}
            onClick={() => void query.refetch()}
          />
        </Tooltip>
      )}
      {props.exportName && (
        <Tooltip title="按当前筛选和搜索导出为 Excel（.xlsx）">
          <Button icon={<DownloadOutlined aria-hidden />} disabled={visible.length === 0} onClick={exportRows}>
            导出
          </Button>
        </Tooltip>
      )}
      {props.columnsKey && <ColumnChooser columns={props.columns} choice={columnChoice} onChange={setColumnChoice} />}
      {props.toolbar}
    </Space>
  );

  const showFilterLine = Boolean(search || filters.length || props.filterExtra || (props.title === undefined && hasActions));
  const filterLine = (
    <Flex wrap gap={12} align="center" style={{ marginBottom: 16 }}>
      {filters.map((f) => (
        <Select
          key={f.key}
          allowClear
          showSearch={f.searchable === false ? undefined : { optionFilterProp: "label" }}
          placeholder={f.placeholder}
          aria-label={f.label}
          style={{ width: f.width ?? 200 }}
          value={f.value}
          loading={f.loading}
          disabled={f.disabled}
          notFoundContent={f.notFoundContent}
          options={f.options}
          onChange={(v?: string) => f.onChange(v)}
        />
      ))}
      {searchBox}
      {props.filterExtra}
      {props.title === undefined && hasActions && <div style={{ marginInlineStart: "auto" }}>{actions}</div>}
    </Flex>
  );

  const server = pagination ? pagination.server : undefined;
  const tablePagination: TableProps<T>["pagination"] = pagination
    ? {
        showSizeChanger: true,
        pageSizeOptions: pagination.pageSizeOptions ?? DEFAULT_SIZES,
        showTotal: pagination.total,
        hideOnSinglePage: pagination.hideOnSinglePage,
        ...(server
          ? {
              current: server.page,
              pageSize: server.pageSize,
              total: server.total,
              onChange: (page: number, size: number) => {
                const next = nextPage(page, size, server.pageSize);
                server.onChange(next.page, next.pageSize);
              },
            }
          : { defaultPageSize: pagination.defaultPageSize ?? pagination.pageSizeOptions?.[0] ?? 20 }),
      }
    : false;

  const body = query.isError ? (
    <QueryErrorAlert title={props.errorTitle} error={query.error} onRetry={() => void query.refetch()} />
  ) : (
    <>
      {batchActions.length > 0 && (
        <Flex gap={12} align="center" wrap style={{ marginBottom: 12 }}>
          <Typography.Text type="secondary">
            已选 {selected.length} {props.selectionUnit ?? "项"}
          </Typography.Text>
          {batchActions.map((a) => (
            <Button
              key={a.key}
              danger={a.danger}
              icon={a.icon}
              loading={busy === a.key}
              disabled={selected.length === 0 || (busy !== null && busy !== a.key)}
              onClick={() => void runAction(a)}
            >
              {a.label}
            </Button>
          ))}
          {selected.length > 0 && (
            <Button type="link" onClick={() => setSelectedKeys([])}>
              取消选择
            </Button>
          )}
        </Flex>
      )}
      <Table<T>
        {...props.table}
        rowKey={props.rowKey}
        columns={columns}
        dataSource={visible}
        loading={tableLoading(query, props.loadingWhileFetching)}
        pagination={tablePagination}
        rowSelection={
          batchActions.length > 0
            ? { selectedRowKeys: selected.map((r) => keyOf(r, props.rowKey)), onChange: (keys) => setSelectedKeys(keys) }
            : pick
              ? {
                  type: "radio",
                  selectedRowKeys: pick.key === undefined ? [] : [pick.key],
                  onChange: (_keys, picked) => picked[0] && pick.onPick(picked[0]),
                }
              : undefined
        }
        onRow={pick && !props.table?.onRow ? (row) => ({ onClick: () => pick.onPick(row), style: { cursor: "pointer" } }) : props.table?.onRow}
        locale={{
          emptyText: (
            <Empty
              image={Empty.PRESENTED_IMAGE_SIMPLE}
              description={filtered ? (props.filteredEmptyText ?? "没有符合条件的记录") : props.emptyText}
            />
          ),
        }}
      />
      {props.footer}
    </>
  );

  if (props.bare) {
    return (
      <>
        {showFilterLine && filterLine}
        {body}
      </>
    );
  }
  return (
    <Card title={props.title} extra={props.title !== undefined ? actions : undefined}>
      {showFilterLine && filterLine}
      {body}
    </Card>
  );
}

function keyOf<T>(row: T, rowKey: TableProps<T>["rowKey"]): Key {
  if (typeof rowKey === "function") return rowKey(row);
  return (row as Record<string, Key>)[(rowKey as string | undefined) ?? "key"];
}
