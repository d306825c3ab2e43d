/**
 * The student's journey as one ordered list, and the one next thing to do: slot → pass → pay → photo → proofread →
 * done, or, when the slot's date passed without a photo, the make-up (证明 + booking). Pure, so it is unit-tested.
 */

export type ProofState = "not_photographed" | "to_proofread" | "confirmed" | "reported";

export interface JourneyInput {
  /** the student's review status (roster) */
  review: string;
  /** the slot's local date (YYYY-MM-DD), or null while none is published */
  slotDate: string | null;
  /** today in Asia/Shanghai (YYYY-MM-DD) */
  today: string;
  /** whether the student pays themself and has not yet (false: paid, or the school/class pays) */
  feeDue: boolean;
  /** proofreading state; null while capture cannot tell (treated as not photographed) */
  proof: ProofState | null;
  /** a make-up seat is booked */
  booked: boolean;
}

export type Step = "review" | "slot" | "pay" | "capture" | "makeup" | "proofread" | "reported" | "done";

/** What the student should do now: exactly one step. */
export function nextStep(j: JourneyInput): Step {
  if (j.proof === "confirmed") return j.feeDue ? "pay" : "done";
  if (j.proof === "to_proofread") return "proofread";
  if (j.proof === "reported") return "reported";
  if (j.review !== "approved") return "review";
  if (j.slotDate === null) return j.feeDue ? "pay" : "slot";
  if (j.slotDate < j.today && !j.booked) return "makeup";
  if (j.feeDue) return "pay";
  return "capture";
}

/** The steps shown as progress, in order, and how far the student is. */
export const PROGRESS = [
  { key: "slot", title: "排期" },
  { key: "pass", title: "凭证" },
  { key: "pay", title: "缴费" },
  { key: "capture", title: "拍摄" },
  { key: "proofread", title: "校对" },
] as const;

/** Index into PROGRESS of the current step (PROGRESS.length when everything is done). */
export function progressIndex(step: Step): number {
  switch (step) {
    case "review":
    case "slot":
      return 0;
    case "pay":
      return 2;
    case "capture":
    case "makeup":
      return 3;
    case "proofread":
    case "reported":
      return 4;
    case "done":
      return PROGRESS.length;
  }
}

/** 3601**********1234: an ID number with only what the student needs to recognise it. */
export function maskId(id: string | null | undefined): string {
  if (!id) return "";
  if (id.length <= 8) return `${id.slice(0, 1)}${"*".repeat(Math.max(0, id.length - 2))}${id.slice(-1)}`;
  return `${id.slice(0, 4)}${"*".repeat(id.length - 8)}${id.slice(-4)}`;
}
