/**
 * Query keys come from the typed client: `rosterKey(path)` is what `roster.queryOptions("get", path, …)` (and so
 * `roster.useQuery`) builds its keys from, for every GET path of every service's OpenAPI document, and no page types
 * a key by hand.
 */
import { QueryClient, type QueryKey } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { capture, captureKey, payments, paymentsKey, roster, rosterKey, scheduling, schedulingKey } from "./client";

type OpenApi = { paths: Record<string, Record<string, unknown>> };
const documents = import.meta.glob<OpenApi>("../../openapi/*.json", { eager: true, import: "default" });
const doc = (service: string) => documents[`../../openapi/${service}.json`];

/** Per service: its key helper and its hooks, called with any of its paths (the types hold per call site). */
const SERVICES = {
  roster: { key: rosterKey, hooks: roster },
  scheduling: { key: schedulingKey, hooks: scheduling },
  capture: { key: captureKey, hooks: capture },
  payments: { key: paymentsKey, hooks: payments },
} as unknown as Record<string, {
  key: (path: string) => QueryKey;
  hooks: { queryOptions: (method: "get", path: string, init?: unknown) => { queryKey: QueryKey } };
}>;

function getPaths(service: string): string[] {
  return Object.entries(doc(service).paths)
    .filter(([, operations]) => "get" in operations)
    .map(([path]) => path);
}

describe("query keys derived from the typed client's operation paths", () => {
  it("gives, for every GET path of every service, the key its hooks build, and a different key per path", () => {
    const owner = new Map<string, string>();
    const wrong: string[] = [];
    const collisions: string[] = [];
    for (const [service, { key, hooks }] of Object.entries(SERVICES)) {
      const paths = getPaths(service);
      expect(paths.length).toBeGreaterThan(3); // the document was read
      for (const path of paths) {
        const k = key(path);
        if (JSON.stringify(k) !== JSON.stringify(["get", path])) wrong.push(`${service} ${path}`);
        if (JSON.stringify(hooks.queryOptions("get", path).queryKey) !== JSON.stringify(k)) wrong.push(`${service} ${path}`);
        const id = JSON.stringify(k);
        if (owner.has(id)) collisions.push(`${owner.get(id)} = ${service} ${path}`);
        owner.set(id, `${service} ${path}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(collisions).toEqual([]);
    expect(owner.size).toBeGreaterThan(40);
  });

  it("is the prefix of every key the hooks build for that path, whatever the parameters", () => {
    const key = rosterKey("/api/roster/v1/students/{student_id}");
    const full = roster.queryOptions("get", "/api/roster/v1/students/{student_id}", {
      params: { path: { student_id: "s1" } },
    }).queryKey;
    expect(full.slice(0, key.length)).toEqual(key);
    expect(full.length).toBeGreaterThan(key.length);
    expect(key).not.toEqual(rosterKey("/api/roster/v1/students"));
  });

  it("invalidates every cached query of its path, and none of a longer or sibling path", async () => {
    const client = new QueryClient();
    const errata = [
      roster.queryOptions("get", "/api/roster/v1/errata", { params: { query: { status: "pending" } } }).queryKey,
      roster.queryOptions("get", "/api/roster/v1/errata").queryKey,
    ];
    const students = roster.queryOptions("get", "/api/roster/v1/students", { params: { query: { q: "2024" } } }).queryKey;
    const student = roster.queryOptions("get", "/api/roster/v1/students/{student_id}", {
      params: { path: { student_id: "s1" } },
    }).queryKey;
    const discrepancies = payments.queryOptions("get", "/api/payments/v1/reconciliation/discrepancies", {
      params: { query: { state: "open" } },
    }).queryKey;
    const runs = payments.queryOptions("get", "/api/payments/v1/reconciliation/runs").queryKey;
    for (const key of [...errata, students, student, discrepancies, runs]) client.setQueryData(key, { items: [] });
    const invalidated = () =>
      [...errata, students, student, discrepancies, runs].filter((key) => client.getQueryState(key)?.isInvalidated);

    await client.invalidateQueries({ queryKey: rosterKey("/api/roster/v1/errata") });
    expect(invalidated()).toEqual(errata);

    await client.invalidateQueries({ queryKey: rosterKey("/api/roster/v1/students") });
    expect(invalidated()).toEqual([...errata, students]); // not the one student's record

    await client.invalidateQueries({ queryKey: paymentsKey("/api/payments/v1/reconciliation/discrepancies") });
    expect(invalidated()).toEqual([...errata, students, discrepancies]); // not the runs
  });

  it("is read and written through the helpers only: no page, hook or component types a key by hand", () => {
    const sources = import.meta.glob<string>(["../**/*.ts", "../**/*.tsx", "!../**/*.test.ts", "!../api/schema/**"], {
      eager: true,
      query: "?raw",
      import: "default",
    });
    expect(Object.keys(sources).length).toBeGreaterThan(50);
    const handTyped = /queryKey:\s*\[|Query(?:Data|State)\(\s*\[|\[\s*"get"\s*,/;
    const offenders = Object.entries(sources)
      .filter(([, text]) => handTyped.test(text))
      .map(([file]) => file);
    expect(offenders).toEqual([]);
  });
});
