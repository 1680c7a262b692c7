import { describe, expect, it } from "vitest";
import { filterItems, itemRangeText, pageCount, pageOf } from "./sectionLogic";

const items = Array.from({ length: 20 }, (_, i) => `Peer ${i + 1}`);

describe("section logic", () => {
  it("filters case-insensitively on every word", () => {
    expect(filterItems(["Org1 Peer0", "Org2 Peer0", "Org1 CA"], "org1 PEER", (s) => s)).toEqual([
      "Org1 Peer0",
    ]);
    expect(filterItems(items, "   ", (s) => s)).toHaveLength(20);
  });

  it("cuts pages and clamps the page number", () => {
    expect(pageCount(20, 15)).toBe(2);
    expect(pageCount(0, 15)).toBe(1);
    expect(pageOf(items, 1, 15)).toHaveLength(15);
    expect(pageOf(items, 2, 15)).toEqual(items.slice(15));
    expect(pageOf(items, 9, 15)).toEqual(items.slice(15));
    expect(pageOf(items, 0, 15)).toEqual(items.slice(0, 15));
  });

  it("words the range like the console", () => {
    expect(itemRangeText(1, 1, 1)).toBe("1 - 1 of 1 Item");
    expect(itemRangeText(1, 15, 20)).toBe("1 - 15 of 20 Items");
  });
});
