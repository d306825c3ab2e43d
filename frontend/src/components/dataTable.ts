/**
 * The logic behind DataTable, kept apart from React so that it is unit-tested: which rows a keyword keeps, and the
 * CSV (opened by Excel) of the rows on screen.
 */

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

/** One CSV cell: quoted when it holds a comma, quote or line break; a leading =+-@ is defused (formula injection). */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  let text = typeof value === "string" ? value : String(value);
  if (/^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text)) text = `'${text}`;
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
