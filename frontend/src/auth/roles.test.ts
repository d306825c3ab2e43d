import { describe, expect, it } from "vitest";
import { canOpen, landingPath, organisationOf, pageByPath, pagesFor, PAGES, ROLE_LABELS, roleLabel, ROLES } from "./roles";

/** roster's OpenAPI document as the server wrote it (`make api-client`), read at test time. */
const [rosterApi] = Object.values(
  import.meta.glob<{ components: { schemas: Record<string, { enum?: string[] }> } }>("../../openapi/roster.json", {
    eager: true,
    import: "default",
  }),
);

const titles = (role: string) => pagesFor(role).map((p) => p.title);

describe("role -> menu", () => {
  it("gives a school admin colleges, students and roster review, but not schools", () => {
    const menu = titles("school_admin");
    expect(menu.slice(0, 2)).toEqual(["首页", "院系管理"]);
    expect(menu).toContain("学生名单");
    expect(menu).toContain("名单审核");
    expect(menu).not.toContain("学校");
    expect(menu).not.toContain("资格审查");
  });

  it("gives the province reviewer schools and eligibility review, not college management", () => {
    const menu = titles("province_reviewer");
    expect(menu).toEqual(expect.arrayContaining(["首页", "学校", "资格审查"]));
    expect(menu).not.toContain("院系管理");
  });

  it("gives the capture centre and photographers schools and scheduling", () => {
    for (const role of ["agency_admin", "photographer"]) {
      expect(titles(role)).toEqual(expect.arrayContaining(["首页", "学校", "采集排期", "现场采集"]));
      expect(titles(role)).not.toContain("院系管理");
    }
  });

  it("keeps students out of the console and unknown roles out of everything", () => {
    expect(pagesFor("student")).toEqual([]);
    expect(pagesFor("hacker")).toEqual([]);
  });

  it("labels every role in Chinese and every role but student has a home page", () => {
    for (const role of ROLES) expect(roleLabel(role)).toMatch(/[\u4e00-\u9fa5]/);
    const staff = ROLES.filter((role) => role !== "student");
    expect(staff.filter((role) => !canOpen(role, "/"))).toEqual([]);
    expect(canOpen("student", "/")).toBe(false);
    expect(roleLabel("nobody")).toBe("未知角色");
    expect(roleLabel("auditor", "审计员")).toBe("审计员");
    expect(roleLabel("school_admin", "whatever")).toBe("学校管理员");
  });

  it("labels every role the API's Role enum knows, and knows no role the API does not", () => {
    const apiRoles = rosterApi.components.schemas.Role.enum ?? [];
    expect(apiRoles).toContain("school_admin"); // the document was read: the enum is there
    const unlabelled = apiRoles.filter((role) => roleLabel(role) === "未知角色");
    expect(unlabelled).toEqual([]);
    expect(apiRoles.filter((role) => !/^[\u4e00-\u9fa5]+$/.test(roleLabel(role)))).toEqual([]);
    expect([...ROLES].sort()).toEqual([...apiRoles].sort());
    expect(new Set(Object.values(ROLE_LABELS)).size).toBe(ROLES.length); // no two roles share a name
  });

  it("has unique paths", () => {
    expect(new Set(PAGES.map((p) => p.path)).size).toBe(PAGES.length);
  });
});

describe("landingPath", () => {
  it("honours a requested page only when the role may open it", () => {
    expect(landingPath("school_admin", "/colleges")).toBe("/colleges");
    expect(landingPath("province_reviewer", "/colleges")).toBe("/");
    expect(landingPath("school_admin", null)).toBe("/");
  });

  it("never redirects off-site", () => {
    expect(landingPath("school_admin", "//evil.example/colleges")).toBe("/");
    expect(landingPath("school_admin", "https://evil.example/")).toBe("/");
  });

  it("sends students to the mobile page", () => {
    expect(landingPath("student", "/colleges")).toBe("/m");
    expect(landingPath("student", null)).toBe("/m");
  });
});

describe("organisationOf", () => {
  it("names the unit the user acts for", () => {
    expect(organisationOf({ role: "school_admin", school_name: "南昌大学", province_name: "江西省" })).toBe("南昌大学");
    expect(organisationOf({ role: "province_reviewer", province_name: "江西省" })).toBe("江西省教育厅");
    expect(organisationOf({ role: "agency_admin", province_name: "江西省" })).toBe("江西省图像采集中心");
  });
});

describe("pages of the roster campaign", () => {
  it("gives the school console import, students, classes, submissions and errata", () => {
    expect(titles("school_admin")).toEqual(
      expect.arrayContaining(["名单导入", "学生名单", "班级与联络人", "名单审核", "勘误处理"]),
    );
    expect(titles("school_admin")).not.toContain("采集工作");
  });

  it("gives the school admin the school's prepayment, and the agency and the province a look at it", () => {
    for (const role of ["school_admin", "agency_admin", "province_reviewer"]) {
      expect(titles(role)).toContain("学校统缴");
      expect(canOpen(role, "/prepayment")).toBe(true);
    }
    for (const role of ["class_monitor", "college_coordinator", "photographer", "student"]) {
      expect(titles(role)).not.toContain("学校统缴");
    }
  });

  it("gives the province the review queue and campaigns, the agency the overview and the queue to shoot", () => {
    expect(titles("province_reviewer")).toEqual(expect.arrayContaining(["资格审查", "采集工作", "学校概况"]));
    expect(titles("agency_admin")).toEqual(expect.arrayContaining(["学校概况", "待拍名单"]));
    expect(titles("photographer")).toEqual(expect.arrayContaining(["学校概况", "待拍名单"]));
    expect(titles("school_admin")).not.toContain("待拍名单");
  });

  it("treats a detail path as part of its page, for guards and the menu", () => {
    expect(pageByPath("/eligibility/01a200ce0da6708284e73e1901d6820b")?.title).toBe("资格审查");
    expect(pageByPath("/eligibility/")?.title).toBe("资格审查");
    expect(pageByPath("/eligibilityx")).toBeUndefined();
    expect(pageByPath("/")?.title).toBe("首页");
    expect(canOpen("province_reviewer", "/eligibility/abc")).toBe(true);
    expect(canOpen("school_admin", "/eligibility/abc")).toBe(false);
    expect(landingPath("province_reviewer", "/eligibility/abc?x=1")).toBe("/eligibility/abc?x=1");
  });
});
