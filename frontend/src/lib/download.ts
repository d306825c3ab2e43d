/**
 * Files the API serves behind the bearer token (annotated workbook, class lists, certificates): fetched as a
 * blob through the typed client, then saved under the name the server gave in Content-Disposition.
 */

/**
 * The file name in a Content-Disposition header: RFC 5987 `filename*=UTF-8''…` first (how the server sends
 * Chinese names), else a plain `filename="…"`, else the fallback. Path separators are never kept.
 */
export function filenameFromDisposition(header: string | null | undefined, fallback: string): string {
  if (!header) return fallback;
  let name: string | null = null;
  const star = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header);
  if (star) {
    try {
      name = decodeURIComponent(star[2].trim().replace(/^"|"$/g, ""));
    } catch {
      name = null;
    }
  }
  if (!name) {
    const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/i.exec(header);
    if (plain) name = (plain[2] ?? plain[1]).trim();
  }
  if (!name) return fallback;
  const base = name.split(/[\\/]/).pop()?.trim();
  return base ? base : fallback;
}

/** Save a blob as a download (the browser's own "save file"). */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.rel = "noopener";
  a.style.display = "none";
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Give the browser time to start the download before the URL goes away.
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Save what an openapi-fetch call with `parseAs: "blob"` returned. */
export function saveResponse(result: { data?: Blob; response: Response }, fallback: string): string {
  if (!result.data) throw new Error("下载失败，请重试");
  const name = filenameFromDisposition(result.response.headers.get("Content-Disposition"), fallback);
  saveBlob(result.data, name);
  return name;
}
