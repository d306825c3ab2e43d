/**
 * The logic behind DataTable, kept apart from React so that it is unit-tested: which rows a keyword keeps, and the
 * CSV (opened by Excel) of the rows on screen.
 */

import { inertText } from "../lib/inert";

/** A column as the export sees it: a plain-text header and how to read a cell. */
export interface ExportColumn<T> {
  title: string;
  value: (row: T) => unknown;
}

/** For matching: full-width letters and digits as half-width (Chinese IMEs type them), no spaces, lower case. */
export function normaliseKeyword(value: string): string {
  return value
    .replace(/[\uff01-\uff5e]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0))
    .replace(/\s+/g, "")
    .toLowerCase();
}

/** Keep the rows whose searchable text contains the keyword (see normaliseKeyword); an empty keyword keeps all. */
export function filterByKeyword<T>(rows: readonly T[], keyword: string, text: (row: T) => readonly (string | null | undefined)[]): T[] {
  const needle = normaliseKeyword(keyword);
  if (!needle) return [...rows];
  return rows.filter((row) => text(row).some((field) => field && normaliseKeyword(field).includes(needle)));
}

/** One CSV cell: quoted when it holds a comma, quote or line break; text a spreadsheet would run as a formula is
 * defused (lib/inert.ts, the services' rule). */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = inertText(typeof value === "string" ? value : String(value));
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The rows as CSV: a header line of column titles, then one line per row, CRLF line ends and a UTF-8 byte-order
 * mark so that Excel on Chinese Windows opens the Chinese text correctly.
 */
export function toCsv<T>(rows: readonly T[], columns: readonly ExportColumn<T>[]): string {
  const lines = [columns.map((c) => csvCell(c.title)).join(",")];
  for (const row of rows) lines.push(columns.map((c) => csvCell(c.value(row))).join(","));
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}

/** A column of antd's Table, as far as the export reads it. */
export interface ExportableColumn<T> {
  title?: unknown;
  key?: unknown;
  dataIndex?: unknown;
  /** Header in the file when `title` is not plain text (a tooltip, an icon). */
  exportTitle?: string;
  /** The cell in the file; without it the raw `dataIndex` value. `false` leaves the column out (actions). */
  exportValue?: ((row: T) => unknown) | false;
}

function readPath(row: unknown, path: unknown): unknown {
  const parts = Array.isArray(path) ? path : [path];
  let value: unknown = row;
  for (const part of parts) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[String(part)];
  }
  return value;
}

/** The columns worth exporting: those with a text header and a value (not an action column). */
export function exportColumns<T>(columns: readonly ExportableColumn<T>[]): ExportColumn<T>[] {
  const out: ExportColumn<T>[] = [];
  for (const column of columns) {
    if (column.exportValue === false) continue;
    const title = column.exportTitle ?? (typeof column.title === "string" ? column.title : undefined);
    if (!title) continue;
    const read = column.exportValue;
    if (read) out.push({ title, value: read });
    else if (column.dataIndex !== undefined) out.push({ title, value: (row) => readPath(row, column.dataIndex) });
  }
  return out;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** The file name of an export: the list's name and today's date, e.g. 学校列表-20260512.csv. */
export function exportFilename(name: string, now: Date = new Date(), ext: "csv" | "xlsx" = "csv"): string {
  return `${name}-${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}.${ext}`;
}

/** The rows still on screen among the selected keys: a batch action never reaches a row the user cannot see. */
export function selectedRows<T, K>(visible: readonly T[], keys: readonly K[], keyOf: (row: T) => K): T[] {
  if (keys.length === 0) return [];
  const wanted = new Set(keys);
  return visible.filter((row) => wanted.has(keyOf(row)));
}

/** After antd's pager reports (page, size): a new page size starts again at page 1. */
export function nextPage(page: number, size: number, previousSize: number): { page: number; pageSize: number } {
  return { page: size !== previousSize ? 1 : page, pageSize: size };
}

/** A column as the column chooser sees it. */
export interface ChoosableColumn {
  key?: unknown;
  dataIndex?: unknown;
  title?: unknown;
  exportTitle?: string;
  /** Never hidden (the row's identity, its actions): not offered in the chooser. */
  alwaysShown?: boolean;
  /** Hidden until the user shows it. */
  defaultHidden?: boolean;
}

/** A column's stable id for remembering the choice: its key, else its dataIndex, else its text title. */
export function columnId(column: ChoosableColumn): string | undefined {
  if (typeof column.key === "string" || typeof column.key === "number") return String(column.key);
  if (Array.isArray(column.dataIndex)) return column.dataIndex.join(".");
  if (typeof column.dataIndex === "string" || typeof column.dataIndex === "number") return String(column.dataIndex);
  return typeof column.title === "string" ? column.title : undefined;
}

/** The columns offered in the chooser, with the label to show: those with an id and a plain-text header. */
export function choosableColumns<C extends ChoosableColumn>(columns: readonly C[]): { id: string; label: string }[] {
  const out: { id: string; label: string }[] = [];
  for (const column of columns) {
    const id = columnId(column);
    const label = column.exportTitle ?? (typeof column.title === "string" ? column.title : undefined);
    if (id && label && !column.alwaysShown) out.push({ id, label });
  }
  return out;
}

/**
 * The user's choice: `shown` and `hidden` name the columns they switched on or off; a column named in neither
 * follows its default, so a column added to a page later appears (or not) as its page says, not as an old choice.
 */
export interface ColumnChoice {
  shown: string[];
  hidden: string[];
}

export const NO_CHOICE: ColumnChoice = { shown: [], hidden: [] };

/** The columns to show under a choice; at least one choosable column always stays. */
export function visibleColumns<C extends ChoosableColumn>(columns: readonly C[], choice: ColumnChoice): C[] {
  const hidden = new Set(choice.hidden);
  const shown = new Set(choice.shown);
  const isShown = (c: C) => {
    const id = columnId(c);
    if (c.alwaysShown || !id) return true;
    if (hidden.has(id)) return false;
    if (shown.has(id)) return true;
    return !c.defaultHidden;
  };
  const choosable = new Set(choosableColumns(columns).map((c) => c.id));
  const isChoosable = (c: C) => choosable.has(columnId(c) ?? "") && !c.alwaysShown;
  const visible = columns.filter(isShown);
  if (choosable.size > 0 && !visible.some(isChoosable)) {
    const first = columns.find(isChoosable);
    return columns.filter((c) => isShown(c) || c === first);
  }
  return visible;
}

/** The choice after the user ticks (`on`) or unticks a column. */
export function toggleColumn(choice: ColumnChoice, id: string, on: boolean): ColumnChoice {
  const shown = choice.shown.filter((x) => x !== id);
  const hidden = choice.hidden.filter((x) => x !== id);
  return on ? { shown: [...shown, id], hidden } : { shown, hidden: [...hidden, id] };
}

/** Where a user's choice for one table is kept: per user and per table, in localStorage. */
export function columnStorageKey(user: string, table: string): string {
  return `tucai.columns.v1.${user}.${table}`;
}

/** The stored choice, or no choice when nothing (or something unreadable, or foreign) is stored. */
export function parseColumnChoice(raw: string | null): ColumnChoice {
  if (!raw) return NO_CHOICE;
  try {
    const value: unknown = JSON.parse(raw);
    if (!value || typeof value !== "object") return NO_CHOICE;
    const { shown, hidden } = value as { shown?: unknown; hidden?: unknown };
    return { shown: idList(shown), hidden: idList(hidden) };
  } catch {
    return NO_CHOICE;
  }
}

function idList(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.filter((x): x is string => typeof x === "string" && x.length <= 100).slice(0, 100);
}

/**
 * Whether the list on screen is narrowed (its empty text then says "nothing matches" rather than "nothing yet"): the
 * page says so, a keyword is typed, or a filter is set to anything but the value the page starts with.
 */
export function isFiltered(
  pageFiltered: boolean | undefined,
  keyword: string,
  filters: readonly { value: string | undefined; defaultValue?: string }[],
): boolean {
  return Boolean(pageFiltered || keyword.trim() || filters.some((f) => f.value && f.value !== f.defaultValue));
}

/**
 * Whether the table shows its spinner. A query waiting for a choice (disabled until a school is picked) is pending
 * but not fetching: it shows its empty text ("请先选择学校"), not a spinner that never stops. `whileFetching`: also
 * while a refresh runs (server-side pages that keep the previous page on screen).
 */
export function tableLoading(query: { isPending: boolean; isFetching: boolean }, whileFetching = false): boolean {
  return whileFetching ? query.isFetching : query.isPending && query.isFetching;
}
