import { describe, expect, it } from "vitest";
import {
  type ColumnChoice,
  NO_CHOICE,
  choosableColumns,
  columnStorageKey,
  csvCell,
  exportColumns,
  exportFilename,
  filterByKeyword,
  isFiltered,
  nextPage,
  parseColumnChoice,
  selectedRows,
  tableLoading,
  toCsv,
  toggleColumn,
  visibleColumns,
} from "./dataTable";

interface Row {
  code: string;
  name: string;
  province: { name: string } | null;
  count: number;
}

const rows: Row[] = [
  { code: "10403", name: "南昌大学", province: { name: "江西省" }, count: 12 },
  { code: "10405", name: "东华理工大学", province: null, count: 0 },
  { code: "10421", name: "Jiangxi Normal, \"JXNU\"", province: { name: "江西省" }, count: 3 },
];

describe("filterByKeyword", () => {
  const text = (r: Row) => [r.code, r.name];

  it("keeps rows whose code or name contains the keyword, ignoring case and spaces", () => {
    expect(filterByKeyword(rows, " 南昌 ", text).map((r) => r.code)).toEqual(["10403"]);
    expect(filterByKeyword(rows, "1040", text).map((r) => r.code)).toEqual(["10403", "10405"]);
    expect(filterByKeyword(rows, "jxnu", text).map((r) => r.code)).toEqual(["10421"]);
    expect(filterByKeyword(rows, "清华", text)).toEqual([]);
  });

  it("matches full-width digits and ignores spaces inside the keyword (as Chinese IMEs type them)", () => {
    expect(filterByKeyword(rows, "１０４０３", text).map((r) => r.code)).toEqual(["10403"]);
    expect(filterByKeyword(rows, "南 昌", text).map((r) => r.code)).toEqual(["10403"]);
  });

  it("keeps every row for an empty keyword, as a copy", () => {
    const all = filterByKeyword(rows, "  ", text);
    expect(all).toEqual(rows);
    expect(all).not.toBe(rows);
  });
});

describe("CSV export", () => {
  it("quotes commas, quotes and line breaks, and defuses formulas", () => {
    expect(csvCell("南昌大学")).toBe("南昌大学");
    expect(csvCell('a, "b"')).toBe('"a, ""b"""');
    expect(csvCell("两行\n文字")).toBe('"两行\n文字"');
    expect(csvCell("=HYPERLINK(\"x\")")).toBe("\"'=HYPERLINK(\"\"x\"\")\"");
    expect(csvCell("-12")).toBe("-12");
    expect(csvCell("＝1+1")).toBe("'＝1+1");
    expect(csvCell(null)).toBe("");
    expect(csvCell(0)).toBe("0");
    expect(csvCell(false)).toBe("false");
  });

  it("writes a BOM, a header of titles and one CRLF line per row", () => {
    const csv = toCsv(rows.slice(0, 2), [
      { title: "院校代码", value: (r) => r.code },
      { title: "院校名称", value: (r) => r.name },
    ]);
    expect(csv).toBe("\uFEFF院校代码,院校名称\r\n10403,南昌大学\r\n10405,东华理工大学\r\n");
  });

  it("exports text-titled columns by dataIndex or exportValue and leaves action columns out", () => {
    const columns = exportColumns<Row>([
      { title: "院校代码", dataIndex: "code" },
      { title: "省份", dataIndex: ["province", "name"] },
      { title: { jsx: true }, exportTitle: "人数", dataIndex: "count" },
      { title: "状态", key: "state", exportValue: (r) => (r.count > 0 ? "有" : "无") },
      { title: "操作", key: "action", exportValue: false },
      { title: { jsx: true }, dataIndex: "name" },
      { title: "渲染列", key: "rendered" },
    ]);
    expect(columns.map((c) => c.title)).toEqual(["院校代码", "省份", "人数", "状态"]);
    expect(toCsv(rows, columns).split("\r\n")).toEqual([
      "\uFEFF院校代码,省份,人数,状态",
      "10403,江西省,12,有",
      "10405,,0,无",
      "10421,江西省,3,有",
      "",
    ]);
  });

  it("names the file after the list and the day", () => {
    expect(exportFilename("学校列表", new Date(2026, 4, 9))).toBe("学校列表-20260509.csv");
  });
});

describe("selection and paging", () => {
  it("hands a batch action only the selected rows still on screen, in screen order", () => {
    const key = (r: Row) => r.code;
    expect(selectedRows(rows, ["10421", "10403"], key).map(key)).toEqual(["10403", "10421"]);
    expect(selectedRows(rows.slice(1), ["10403", "10405"], key).map(key)).toEqual(["10405"]);
    expect(selectedRows(rows, [], key)).toEqual([]);
  });

  it("goes back to page 1 when the page size changes, and keeps the page otherwise", () => {
    expect(nextPage(3, 20, 20)).toEqual({ page: 3, pageSize: 20 });
    expect(nextPage(3, 50, 20)).toEqual({ page: 1, pageSize: 50 });
  });
});

describe("column choice", () => {
  const cols = [
    { title: "学号", dataIndex: "student_no", alwaysShown: true },
    { title: "姓名", dataIndex: "name" },
    { title: "院系", dataIndex: ["college", "name"] },
    { title: "入学日期", dataIndex: "entry_date", defaultHidden: true },
    { title: { icon: true } as unknown, key: "bar", exportTitle: "进度" },
    { title: "操作", key: "action", alwaysShown: true },
  ];
  const titles = (c: ColumnChoice) => visibleColumns(cols, c).map((x) => x.exportTitle ?? x.title);

  it("offers the columns with a text header that may be hidden, under stable ids", () => {
    expect(choosableColumns(cols)).toEqual([
      { id: "name", label: "姓名" },
      { id: "college.name", label: "院系" },
      { id: "entry_date", label: "入学日期" },
      { id: "bar", label: "进度" },
    ]);
  });

  it("shows the defaults without a choice, and follows the user's ticks", () => {
    expect(titles(NO_CHOICE)).toEqual(["学号", "姓名", "院系", "进度", "操作"]);
    let choice = toggleColumn(NO_CHOICE, "entry_date", true);
    choice = toggleColumn(choice, "college.name", false);
    expect(titles(choice)).toEqual(["学号", "姓名", "入学日期", "进度", "操作"]);
    choice = toggleColumn(choice, "college.name", true);
    expect(choice.hidden).toEqual([]);
    expect(titles(choice)).toContain("院系");
  });

  it("never hides every choosable column, nor the always-shown ones", () => {
    const none = { shown: [], hidden: ["name", "college.name", "entry_date", "bar", "student_no", "action"] };
    expect(titles(none)).toEqual(["学号", "姓名", "操作"]);
  });

  it("reads back what it stored per user and table, and ignores anything unreadable", () => {
    const choice = toggleColumn(NO_CHOICE, "name", false);
    expect(parseColumnChoice(JSON.stringify(choice))).toEqual(choice);
    for (const raw of [null, "", "{", "null", "42", '"x"', '{"hidden": "name"}', '{"hidden": [1, {"a": 2}]}']) {
      expect(parseColumnChoice(raw)).toEqual(NO_CHOICE);
    }
    expect(parseColumnChoice(JSON.stringify({ hidden: Array(500).fill("x") })).hidden).toHaveLength(100);
    expect(columnStorageKey("school10403", "students")).not.toEqual(columnStorageKey("school10405", "students"));
  });
});

describe("empty text and spinner", () => {
  it("counts a list as filtered by a keyword, a page's own filter or a filter moved off its starting value", () => {
    const state = (value: string | undefined) => [{ value, defaultValue: "open" }];
    expect(isFiltered(false, "", state("open"))).toBe(false); // the queue as it opens: "暂无待处理的差异"
    expect(isFiltered(false, "", state(undefined))).toBe(false); // everything
    expect(isFiltered(false, "", state("resolved"))).toBe(true);
    expect(isFiltered(false, "", [{ value: "am" }])).toBe(true);
    expect(isFiltered(false, "  ", [])).toBe(false);
    expect(isFiltered(false, "南昌", [])).toBe(true);
    expect(isFiltered(true, "", [])).toBe(true);
  });

  it("spins while the first answer is fetched, not while a query waits for a choice", () => {
    expect(tableLoading({ isPending: true, isFetching: true })).toBe(true);
    expect(tableLoading({ isPending: true, isFetching: false })).toBe(false); // disabled: "请先选择学校"
    expect(tableLoading({ isPending: false, isFetching: true })).toBe(false); // a refresh keeps the rows still
    expect(tableLoading({ isPending: false, isFetching: true }, true)).toBe(true);
  });
});
