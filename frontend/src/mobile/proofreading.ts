/**
 * Capture's proofreading API for the signed-in student (GET …/proofreading/me, POST …/confirm, POST …/report).
 * Typed here by its contract until the generated capture client carries it; then these types come from the schema.
 */
import createQueryHooks from "openapi-react-query";
import { create } from "../api/client";
import type { ProofState } from "./journey";

export interface ProofPhoto {
  id: string;
  version: number;
  /** signed and short-lived: refetch the state for a fresh one */
  url: string;
  url_expires_at: string;
  taken_at: string;
}

export interface ProofReport {
  id: string;
  kind: "not_me" | "retake";
  note: string;
  state: "open" | "resolved";
  created_at: string;
}

export interface MyProofreading {
  state: ProofState;
  photo: ProofPhoto | null;
  deadline: string | null;
  /** past the deadline: only "not me" can still be reported */
  closed?: boolean;
  reports: ProofReport[];
  updated_at: string | null;
}

export interface ReportIn {
  kind: "not_me" | "retake";
  note: string;
}

type NoParams = { query?: never; header?: never; path?: never; cookie?: never };
type Ok<T> = { 200: { headers: { [name: string]: unknown }; content: { "application/json": T } } };

export interface ProofPaths {
  "/api/capture/v1/proofreading/me": {
    parameters: NoParams;
    get: { parameters: NoParams; requestBody?: never; responses: Ok<MyProofreading> };
  };
  "/api/capture/v1/proofreading/me/confirm": {
    parameters: NoParams;
    post: { parameters: NoParams; requestBody?: never; responses: Ok<MyProofreading> };
  };
  "/api/capture/v1/proofreading/me/report": {
    parameters: NoParams;
    post: {
      parameters: NoParams;
      requestBody: { content: { "application/json": ReportIn } };
      responses: Ok<MyProofreading>;
    };
  };
}

export const proofClient = create<ProofPaths>();
export const proofreading = createQueryHooks(proofClient);
export const PROOF_PATH = "/api/capture/v1/proofreading/me" as const;

export const REPORT_KIND: Record<ProofReport["kind"], string> = { not_me: "照片不是本人", retake: "申请重拍" };
