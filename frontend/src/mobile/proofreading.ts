/** Capture's proofreading API for the signed-in student (GET …/proofreading/me, POST …/confirm, POST …/report). */
import { capture, captureClient } from "../api/client";
import type { components } from "../api/schema/capture";

export type MyProofreading = components["schemas"]["MyProofOut"];
export type ProofReport = MyProofreading["reports"][number];
export type ReportIn = components["schemas"]["ReportIn"];

export const proofClient = captureClient;
export const proofreading = capture;
export const PROOF_PATH = "/api/capture/v1/proofreading/me" as const;

export const REPORT_KIND: Record<ProofReport["kind"], string> = { not_me: "照片不是本人", retake: "申请重拍" };
