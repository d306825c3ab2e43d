import { describe, expect, it } from "vitest";
import { maskId, nextStep, progressIndex, type JourneyInput } from "./journey";

const base: JourneyInput = {
  review: "approved",
  slotDate: "2026-12-20",
  today: "2026-12-07",
  feeDue: true,
  proof: "not_photographed",
  booked: false,
};

describe("nextStep", () => {
  it("waits for the review first", () => {
    expect(nextStep({ ...base, review: "submitted" })).toBe("review");
  });
  it("asks to pay before the capture day, then to come with the pass", () => {
    expect(nextStep(base)).toBe("pay");
    expect(nextStep({ ...base, feeDue: false })).toBe("capture");
  });
  it("waits for the slot when nothing is due", () => {
    expect(nextStep({ ...base, slotDate: null, feeDue: false })).toBe("slot");
  });
  it("sends a student whose slot passed without a photo to the make-up", () => {
    expect(nextStep({ ...base, slotDate: "2026-12-01" })).toBe("makeup");
    expect(nextStep({ ...base, slotDate: "2026-12-01", booked: true })).toBe("pay");
  });
  it("the day itself is not missed", () => {
    expect(nextStep({ ...base, slotDate: base.today, feeDue: false })).toBe("capture");
  });
  it("follows the photo: proofread, reported, done", () => {
    expect(nextStep({ ...base, proof: "to_proofread" })).toBe("proofread");
    expect(nextStep({ ...base, proof: "reported" })).toBe("reported");
    expect(nextStep({ ...base, proof: "confirmed", feeDue: false })).toBe("done");
    expect(nextStep({ ...base, proof: "confirmed" })).toBe("pay");
  });
  it("treats an unknown proofreading state as not photographed", () => {
    expect(nextStep({ ...base, proof: null, feeDue: false })).toBe("capture");
  });
  it("maps every step to the progress bar", () => {
    expect(progressIndex("done")).toBe(5);
    expect(progressIndex("proofread")).toBe(4);
  });
});

describe("maskId", () => {
  it("keeps the first and last four", () => {
    expect(maskId("36011119990101101X")).toBe("3601**********101X");
    expect(maskId("")).toBe("");
    expect(maskId("A123456")).toBe("A*****6");
  });
});
