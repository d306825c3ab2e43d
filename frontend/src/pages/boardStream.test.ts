import { describe, expect, it, vi } from "vitest";
import { MAX_RETRY_MS, MIN_RETRY_MS, openFeed, retryDelay, streamUrl } from "./boardStream";

class FakeSource {
  static made: FakeSource[] = [];
  listeners: Record<string, ((e: MessageEvent<string>) => void)[]> = {};
  closed = false;
  constructor(public url: string) {
    FakeSource.made.push(this);
  }
  addEventListener(kind: string, fn: (e: MessageEvent<string>) => void) {
    (this.listeners[kind] ??= []).push(fn);
  }
  close() {
    this.closed = true;
  }
  emit(kind: string, data: unknown) {
    for (const fn of this.listeners[kind] ?? []) fn({ data: JSON.stringify(data) } as MessageEvent<string>);
  }
}

describe("the live board feed", () => {
  it("puts the token in the query, escaped", () => {
    expect(streamUrl("/b/stream", "a+b/c")).toBe("/b/stream?token=a%2Bb%2Fc");
    expect(streamUrl("/b/stream?on=2026-05-21", "t")).toBe("/b/stream?on=2026-05-21&token=t");
  });

  it("backs off between reopens, up to a ceiling", () => {
    expect(retryDelay(0)).toBe(MIN_RETRY_MS);
    expect(retryDelay(1)).toBe(2 * MIN_RETRY_MS);
    expect(retryDelay(20)).toBe(MAX_RETRY_MS);
  });

  it("delivers boards and reopens with the current token after an error", async () => {
    vi.useFakeTimers();
    FakeSource.made = [];
    let token = "one";
    const boards: unknown[] = [];
    const states: string[] = [];
    const close = openFeed<{ n: number }>({
      url: "/b/stream",
      token: () => token,
      onBoard: (b) => boards.push(b),
      onState: (s) => states.push(s),
      source: (u) => new FakeSource(u) as unknown as EventSource,
    });
    FakeSource.made[0].emit("board", { n: 1 });
    expect(boards).toEqual([{ n: 1 }]);
    token = "two";
    FakeSource.made[0].emit("error", null);
    expect(FakeSource.made[0].closed).toBe(true);
    await vi.advanceTimersByTimeAsync(MIN_RETRY_MS);
    expect(FakeSource.made[1].url).toBe("/b/stream?token=two");
    expect(states).toEqual(["connecting", "live", "offline", "connecting"]);
    close();
    expect(FakeSource.made[1].closed).toBe(true);
    vi.useRealTimers();
  });
});
