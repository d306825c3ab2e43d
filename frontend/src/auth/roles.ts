/**
 * Roles and what each may open. Pure data + functions, shared by the router (guards), the side menu and the
 * dashboard, and unit-tested.
 */

import type { components } from "../api/schema/roster";

/** The roles the API knows (roster's `Role` enum): a role added there fails the type check until it has a label. */
export type Role = components["schemas"]["Role"];

/** The role's Chinese name: the one copy in the SPA (the server's own copy is services/kernel/tenancy.py). */
export const ROLE_LABELS: Record<Role, string> = {
  platform_admin: "平台管理员",
  agency_admin: "采集中心管理员",
  photographer: "摄影师",
  province_reviewer: "省教育厅审核员",
  school_admin: "学校管理员",
  college_coordinator: "院系联络人",
  class_monitor: "班长",
  student: "学生",
};

/** Every role, in the order they are listed (platform first, student last). */
export const ROLES = Object.keys(ROLE_LABELS) as Role[];

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** Chinese name of a role; for a role this SPA does not know yet, the server's own label. */
export function roleLabel(role: string, serverLabel?: string | null): string {
  if (isRole(role)) return ROLE_LABELS[role];
  return serverLabel?.trim() ? serverLabel : "未知角色";
}

export type IconName =
  | "home"
  | "school"
  | "apartment"
  | "team"
  | "audit"
  | "upload"
  | "class"
  | "errata"
  | "flag"
  | "stats"
  | "queue"
  | "safety"
  | "calendar"
  | "camera"
  | "pay"
  | "proofread"
  | "makeup"
  | "delivery"
  | "user";

/** One page of the console. `ready: false` pages are real routes that say honestly that they are coming. */
export interface PageDef {
  path: string;
  title: string;
  icon: IconName;
  roles: readonly Role[];
  ready: boolean;
  /** One sentence on what the page is for, shown on the placeholder and the dashboard. */
  summary: string;
}

const STAFF: readonly Role[] = ROLES.filter((r) => r !== "student");

/** Order here is menu order. */
export const PAGES: readonly PageDef[] = [
  { path: "/", title: "首页", icon: "home", roles: STAFF, ready: true, summary: "当前账号、所属单位与工作概览" },
  {
    path: "/colleges",
    title: "院系管理",
    icon: "apartment",
    roles: ["school_admin"],
    ready: true,
    summary: "维护本校院系（学院）代码与名称，名单导入与排期都按院系组织",
  },
  {
    path: "/schools",
    title: "学校",
    icon: "school",
    roles: ["platform_admin", "agency_admin", "photographer", "province_reviewer"],
    ready: true,
    summary: "参加本次图像采集的高校及其院校代码",
  },
  {
    path: "/imports",
    title: "名单导入",
    icon: "upload",
    roles: ["school_admin"],
    ready: true,
    summary: "上传学信网格式的预计毕业生名单（Excel/CSV/DBF），逐行校验身份证号、出生日期与性别，确认后导入",
  },
  {
    path: "/students",
    title: "学生名单",
    icon: "team",
    roles: ["school_admin", "college_coordinator", "class_monitor"],
    ready: true,
    summary: "按院系、班级与审核状态查看本校学生，核对信息、提交勘误、开具补拍证明、打印采集凭证",
  },
  {
    path: "/classes",
    title: "班级与联络人",
    icon: "class",
    roles: ["school_admin"],
    ready: true,
    summary: "各院系的班级与人数，院系联络老师与班级联络学生，分校区，学校补拍联系信息与学生登录方式",
  },
  {
    path: "/roster-review",
    title: "名单审核",
    icon: "audit",
    roles: ["school_admin"],
    ready: true,
    summary: "按毕业届别提交资格审查，查看省教育厅的审核进度与不通过原因，下载审核结果与班级采集名单",
  },
  {
    path: "/errata",
    title: "勘误处理",
    icon: "errata",
    roles: ["school_admin"],
    ready: true,
    summary: "处理学生校对与学校提出的信息更正申请，通过后名单自动更新并留存修改记录",
  },
  {
    path: "/eligibility",
    title: "资格审查",
    icon: "safety",
    roles: ["province_reviewer"],
    ready: true,
    summary: "按学校、按批次审查预计毕业生资格，逐人给出通过或不通过及原因",
  },
  {
    path: "/campaigns",
    title: "采集工作",
    icon: "flag",
    roles: ["province_reviewer"],
    ready: true,
    summary: "按毕业届别开启本省图像采集工作：采集层次、毕业日期范围、是否排除非全日制",
  },
  {
    path: "/school-stats",
    title: "学校概况",
    icon: "stats",
    roles: ["agency_admin", "photographer", "province_reviewer", "platform_admin"],
    ready: true,
    summary: "各校名单导入、审核中、已通过与未通过人数",
  },
  {
    path: "/subjects",
    title: "待拍名单",
    icon: "queue",
    roles: ["agency_admin", "photographer"],
    ready: true,
    summary: "审核通过、可以采集的学生（姓名与证件号已脱敏），按班级排队顺序排列",
  },
  {
    path: "/schedule",
    title: "采集排期",
    icon: "calendar",
    roles: ["agency_admin", "photographer", "school_admin"],
    ready: true,
    summary: "安排采集日、校区、机位与时段，按院系、班级连续分配拍摄时间",
  },
  {
    path: "/capture",
    title: "现场采集",
    icon: "camera",
    roles: ["agency_admin", "photographer"],
    ready: true,
    summary: "扫码或凭学信网图像采集码签到，绑定拍摄序号后拍摄，并自动检查照片规格",
  },
  {
    path: "/capture-progress",
    title: "采集进度",
    icon: "stats",
    roles: ["school_admin", "agency_admin", "province_reviewer"],
    ready: true,
    summary: "按院系、班级查看审核通过、已签到、已拍摄与已校对确认的人数",
  },
  {
    path: "/payments",
    title: "缴费与对账",
    icon: "pay",
    roles: ["agency_admin", "school_admin", "province_reviewer"],
    ready: true,
    summary: "各校收缴报表、每日收款、渠道账单对账与差异处理（退款、标记已收、忽略）",
  },
  {
    path: "/prepayment",
    title: "学校统缴",
    icon: "pay",
    roles: ["school_admin", "agency_admin", "province_reviewer"],
    ready: true,
    summary: "由学校统一预缴本校已审核学生的采集费（电脑端支付宝或微信扫码），对账时按实际拍摄人数多退少补；采集中心与教育厅可查看各校预缴情况",
  },
  {
    path: "/proofreading",
    title: "照片校对",
    icon: "proofread",
    roles: ["school_admin", "college_coordinator"],
    ready: false,
    summary: "跟踪学生对照片与信息的校对确认，提醒未确认的学生",
  },
  {
    path: "/makeup",
    title: "补拍管理",
    icon: "makeup",
    roles: ["agency_admin", "school_admin"],
    ready: true,
    summary: "开具补拍证明，安排采集中心的补拍时段",
  },
  {
    path: "/delivery",
    title: "照片交付",
    icon: "delivery",
    roles: ["agency_admin", "province_reviewer", "school_admin"],
    ready: true,
    summary: "按学校与届别生成照片包（身份证号、学号或采集编号命名），附索引与 SHA-256 校验清单",
  },
  {
    path: "/users",
    title: "用户管理",
    icon: "user",
    roles: ["platform_admin"],
    ready: false,
    summary: "管理各单位账号与角色",
  },
];

export function pagesFor(role: string): PageDef[] {
  return isRole(role) ? PAGES.filter((p) => p.roles.includes(role)) : [];
}

/** The page a path belongs to: its own entry, or the page it is a detail of (`/eligibility/01ab…`). */
export function pageByPath(path: string): PageDef | undefined {
  const clean = path.length > 1 ? path.replace(/\/+$/, "") : path;
  return (
    PAGES.find((p) => p.path === clean) ??
    PAGES.find((p) => p.path !== "/" && clean.startsWith(`${p.path}/`))
  );
}

export function canOpen(role: string, path: string): boolean {
  const page = pageByPath(path);
  return page !== undefined && isRole(role) && page.roles.includes(role);
}

/** Where a freshly signed-in user lands: students get the mobile page, everyone else the console. */
export function homePath(role: string): string {
  return role === "student" ? "/m" : "/";
}

/**
 * Where to go after login: the page the user asked for if their role may open it, else their home. Only
 * same-origin paths are honoured (no open redirect through `?redirect=`).
 */
export function landingPath(role: string, requested: string | null | undefined): string {
  const home = homePath(role);
  if (!requested || !requested.startsWith("/") || requested.startsWith("//")) return home;
  const pathname = requested.split(/[?#]/)[0];
  if (role === "student") return pathname === "/m" ? requested : home;
  return canOpen(role, pathname) ? requested : home;
}

/** The organisation a user acts for, as one line. */
export function organisationOf(me: {
  role: string;
  school_name?: string | null;
  province_name?: string | null;
}): string {
  switch (me.role) {
    case "platform_admin":
      return "图采平台";
    case "agency_admin":
    case "photographer":
      return me.province_name ? `${me.province_name}图像采集中心` : "图像采集中心";
    case "province_reviewer":
      return me.province_name ? `${me.province_name}教育厅` : "省教育厅";
    default:
      return me.school_name ?? me.province_name ?? "—";
  }
}
