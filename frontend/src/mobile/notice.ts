/**
 * "Something changed" since the student last looked: an erratum decided, a photo to proofread, a report resolved.
 * What was seen is kept on the phone (localStorage) as a map of item → state; the first visit only records it.
 */
import { forget, readJson, writeJson } from "./store";

const KEY = "tucai.m.seen";

export interface ErratumLike {
  id: string;
  field_label: string;
  status: string;
}

type Seen = Record<string, string>;

/** What of the proofreading state a notice compares. */
export interface ProofLike {
  state: string;
  reports: readonly { id: string; state: string }[];
}

export function snapshot(proof: ProofLike | null, errata: readonly ErratumLike[]): Seen {
  const now: Seen = {};
  if (proof) {
    now.proof = proof.state;
    for (const r of proof.reports) now[`report:${r.id}`] = r.state;
  }
  for (const e of errata) now[`erratum:${e.id}`] = e.status;
  return now;
}

/** What changed between two snapshots, in the student's words (nothing for items new and still open). */
export function changes(before: Seen, now: Seen, errata: readonly ErratumLike[]): string[] {
  const out: string[] = [];
  if (before.proof !== undefined && before.proof !== now.proof) {
    if (now.proof === "to_proofread") out.push("你的照片已上传，请校对");
    if (now.proof === "confirmed") out.push("照片已确认");
  }
  for (const e of errata) {
    const was = before[`erratum:${e.id}`];
    if (was === e.status || e.status === "pending") continue;
    if (e.status === "approved") out.push(`「${e.field_label}」更正已通过`);
    else if (e.status === "rejected") out.push(`「${e.field_label}」更正未通过，请查看学校说明`);
  }
  for (const [key, state] of Object.entries(now)) {
    if (key.startsWith("report:") && state === "resolved" && before[key] !== "resolved") out.push("你提交的照片问题已处理");
  }
  return out;
}

export function changeNotice(proof: ProofLike | null, errata: readonly ErratumLike[]): { text: string; seen: () => void } | null {
  const now = snapshot(proof, errata);
  const before = readJson<Seen>(KEY);
  if (before === null) {
    if (Object.keys(now).length > 0) writeJson(KEY, now);
    return null;
  }
  const list = changes(before, now, errata);
  if (list.length === 0) return null;
  return { text: `新进展：${list.join("；")}`, seen: () => writeJson(KEY, now) };
}

export const forgetSeen = () => forget(KEY);
