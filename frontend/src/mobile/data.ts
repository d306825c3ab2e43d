/**
 * The student's data as the phone pages read it, one hook per source. "Not there yet" answers (no slot published,
 * no booking, capture not reachable) are states, not errors: they come back as null.
 */
import { payments, roster, scheduling } from "../api/client";
import { ApiError } from "../api/problem";
import type { CapturePass } from "../api/types";
import { dayjs, DISPLAY_TZ } from "../lib/time";
import type { MyFee } from "../pages/payLabels";
import { PROOF_PATH, proofreading } from "./proofreading";
import { forget, readJson, writeJson } from "./store";

const absent = (error: unknown) => error instanceof ApiError && (error.status === 404 || error.status === 409);
/** A 404/409 is an answer ("none yet"): not retried, shown as null. */
const noRetryWhenAbsent = (count: number, error: unknown) => !absent(error) && !(error instanceof ApiError && error.status < 500) && count < 2;

export function useRecord() {
  return roster.useQuery("get", "/api/roster/v1/students/me", {}, { staleTime: 60_000 });
}

export function useSlot(enabled = true) {
  const q = scheduling.useQuery("get", "/api/scheduling/v1/slots/me", {}, { enabled, retry: noRetryWhenAbsent, staleTime: 5 * 60_000 });
  return { ...q, slot: q.data ?? null, missing: q.isError && absent(q.error) };
}

export function useFee() {
  return payments.useQuery("get", "/api/payments/v1/orders/me", {}, { retry: noRetryWhenAbsent });
}

/** The student pays themself and has not yet. */
export function feeDue(fee: MyFee | undefined): boolean {
  if (!fee || fee.payer_mode !== "student" || fee.fee_fen === null || fee.fee_fen === undefined) return false;
  return fee.order?.state !== "paid" && fee.order?.state !== "refunded";
}

export function useProofreading(enabled = true) {
  const q = proofreading.useQuery("get", PROOF_PATH, {}, { enabled, retry: noRetryWhenAbsent, refetchOnWindowFocus: true });
  return { ...q, proof: q.data ?? null, unavailable: q.isError && absent(q.error) };
}

export function useBooking(enabled = true) {
  const q = scheduling.useQuery("get", "/api/scheduling/v1/makeup/bookings/me", {}, { enabled, retry: noRetryWhenAbsent });
  return { ...q, booking: q.data ?? null };
}

export function useErrata() {
  return roster.useQuery("get", "/api/roster/v1/errata", {}, { refetchOnWindowFocus: true });
}

export function today(): string {
  return dayjs().tz(DISPLAY_TZ).format("YYYY-MM-DD");
}

// ---- the capture pass, kept for offline -------------------------------------------------------------------------

const PASS_KEY = "tucai.m.pass";

/** The last pass shown, kept on the phone so it can be shown again without a connection (campus Wi-Fi fails). */
export function cachedPass(): CapturePass | null {
  const pass = readJson<CapturePass>(PASS_KEY);
  return pass && typeof pass.qr_svg === "string" && Date.parse(pass.expires_at) > Date.now() ? pass : null;
}

export const forgetPass = () => forget(PASS_KEY);

export function usePass(enabled: boolean) {
  const q = roster.useQuery("get", "/api/roster/v1/students/me/pass", {}, { enabled, staleTime: 10 * 60_000 });
  if (q.data) writeJson(PASS_KEY, q.data);
  const pass = q.data ?? (enabled ? cachedPass() : null);
  return { ...q, pass, offline: !q.data && pass !== null };
}
