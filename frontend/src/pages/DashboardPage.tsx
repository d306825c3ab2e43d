import { Alert, Card, Col, Descriptions, Flex, Row, Space, Statistic, Tag, Tooltip, Typography } from "antd";
import type { SchoolStats } from "../api/types";
import { DataTable, type DataColumn } from "../components/DataTable";
import { STATES, segments, studentsLink, studentsTotal, sumStates } from "./campaignState";
import { ItemList } from "../components/ItemList";
import { Link } from "react-router";
import { roster, scheduling } from "../api/client";
import type { components as SchedulingSchema } from "../api/schema/scheduling";
import { dayjs, DISPLAY_TZ } from "../lib/time";
import { planState, roomsText, upcomingDays, type UpcomingDay } from "./captureDays";
import { errorMessage } from "../api/problem";
import { useCurrentUser } from "../auth/AuthContext";
import { organisationOf, pagesFor, roleLabel } from "../auth/roles";
import { PageContainer } from "../layout/PageContainer";
import { PAGE_ICONS } from "../layout/icons";
import { useMemo, useState } from "react";

function greeting(hour: number): string {
  if (hour < 6) return "夜深了";
  if (hour < 12) return "上午好";
  if (hour < 14) return "中午好";
  if (hour < 18) return "下午好";
  return "晚上好";
}

/** A live count from the API: the number, a spinner while it loads, or the server's message if it fails. */
function CountCard({ title, total, loading, error, to }: {
  title: string;
  total: number | undefined;
  loading: boolean;
  error: unknown;
  to: string;
}) {
  return (
    <Card title={title} extra={<Link to={to}>查看</Link>}>
      {error ? (
        <Alert type="error" showIcon title={errorMessage(error)} />
      ) : (
        <Statistic value={total ?? 0} loading={loading} suffix="个" />
      )}
    </Card>
  );
}

function SchoolAdminStats() {
  const colleges = roster.useQuery("get", "/api/roster/v1/colleges");
  return (
    <CountCard
      title="本校院系"
      total={colleges.data?.total}
      loading={colleges.isPending}
      error={colleges.error}
      to="/colleges"
    />
  );
}

function SchoolsStats() {
  const schools = roster.useQuery("get", "/api/roster/v1/schools");
  return (
    <CountCard
      title="参加采集的学校"
      total={schools.data?.total}
      loading={schools.isPending}
      error={schools.error}
      to="/schools"
    />
  );
}

/** The stacked bar of a school's students by state: what people would rather look at than read. */
function StateBar({ stats, height = 14 }: { stats: SchoolStats; height?: number }) {
  const segs = segments(stats);
  if (segs.length === 0) return <Typography.Text type="secondary">暂无学生</Typography.Text>;
  return (
    <div
      title={segs.map((s) => `${s.label} ${s.count} 人`).join("，")}
      style={{ display: "flex", height, borderRadius: height / 2, overflow: "hidden", background: "#f0f0f0", minWidth: 120 }}
    >
      {segs.map((s) => (
        <Tooltip key={s.key} title={`${s.label} ${s.count} 人（${s.percent}%）`}>
          <div style={{ width: `${s.percent}%`, background: s.color }} />
        </Tooltip>
      ))}
    </div>
  );
}

function Legend() {
  return (
    <Space size="middle" wrap>
      {STATES.map((s) => (
        <Space key={s.key} size={4}>
          <span style={{ display: "inline-block", width: 10, height: 10, borderRadius: 2, background: s.color }} />
          <Typography.Text type="secondary">{s.label}</Typography.Text>
        </Space>
      ))}
    </Space>
  );
}

/** The school's campaign: students by state, each count opening the filtered list, and the errata waiting. */
function SchoolOverview() {
  const stats = roster.useQuery("get", "/api/roster/v1/stats/schools");
  const own = stats.data?.items[0];
  if (stats.isError) return <Alert type="error" showIcon title={errorMessage(stats.error)} />;
  const total = own ? studentsTotal(own) : 0;
  return (
    <Card title="本校采集进度" loading={stats.isPending} extra={<Link to="/students">全部学生</Link>}>
      {own && (
        <Flex vertical gap={16}>
          <Row gutter={[16, 16]}>
            <Col xs={12} md={8} xl={4}>
              <Link to="/students" aria-label={`已导入 ${total} 人`}>
                <Statistic title="已导入" value={total} suffix="人" />
              </Link>
            </Col>
            {STATES.map((s) => (
              <Col key={s.key} xs={12} md={8} xl={4}>
                <Link to={studentsLink(s.key)} aria-label={`${s.label} ${own[s.key]} 人`}>
                  <Statistic title={s.label} value={own[s.key]} suffix="人" styles={{ content: { color: own[s.key] ? s.color : undefined } }} />
                </Link>
              </Col>
            ))}
            <Col xs={12} md={8} xl={4}>
              <Link to="/errata" aria-label={`勘误待处理 ${own.errata_pending} 条`}>
                <Statistic title="勘误待处理" value={own.errata_pending} suffix="条" styles={{ content: { color: own.errata_pending ? "#fa8c16" : undefined } }} />
              </Link>
            </Col>
          </Row>
          <StateBar stats={own} height={18} />
          <Legend />
          {own.imported + own.rejected > 0 && (
            <Typography.Text type="secondary">
              还有 {own.imported} 人待提交、{own.rejected} 人未通过：<Link to="/roster-review">去提交审核</Link>
            </Typography.Text>
          )}
        </Flex>
      )}
    </Card>
  );
}

/** Schools × state for the province and the agency, with the bar per school and totals. */
function SchoolsOverview({ queue }: { queue: boolean }) {
  const stats = roster.useQuery("get", "/api/roster/v1/stats/schools");
  const batches = roster.useQuery("get", "/api/roster/v1/review/batches", { params: { query: { status: "pending" } } }, { enabled: queue });
  const rows = stats.data?.items ?? [];
  const sum = sumStates(rows);
  const waiting = batches.data?.items ?? [];
  const columns: DataColumn<SchoolStats>[] = [
    { title: "学校", dataIndex: "school_name", width: 180, render: (n: string, s) => (queue ? n : <Link to={`/subjects?school=${s.school_code}`}>{n}</Link>) },
    { title: "进度", key: "bar", render: (_: unknown, s) => <StateBar stats={s} />, exportValue: false },
    ...STATES.map((d) => ({ title: d.label, dataIndex: d.key, width: 80, align: "right" as const })),
    { title: "合计", key: "total", width: 80, align: "right", render: (_: unknown, s) => studentsTotal(s), exportValue: studentsTotal },
  ];
  return (
    <Flex vertical gap={16}>
      <Row gutter={[16, 16]}>
        {STATES.map((d) => (
          <Col key={d.key} xs={12} md={6}>
            <Card size="small">
              <Link to="/school-stats" aria-label={`各校${d.label}合计 ${sum[d.key]} 人`}>
                <Statistic title={`${d.label}（人）`} value={sum[d.key]} loading={stats.isPending} styles={{ content: { color: sum[d.key] ? d.color : undefined } }} />
              </Link>
            </Card>
          </Col>
        ))}
      </Row>
      {queue && (
        <Card title="待审核批次" extra={<Link to="/eligibility">审核队列</Link>} loading={batches.isPending}>
          {waiting.length === 0 ? (
            <Typography.Text type="secondary">没有待审核的批次</Typography.Text>
          ) : (
            <Flex vertical gap={8}>
              <Typography.Text>
                {waiting.length} 个批次、{waiting.reduce((n, b) => n + b.pending, 0)} 名学生等待审核
              </Typography.Text>
              {waiting.slice(0, 5).map((b) => (
                <Link key={b.id} to={`/eligibility/${b.id}`}>
                  {b.school_name} · {b.term} 届 · 待审 {b.pending} 人{b.flagged ? `（${b.flagged} 人有规则提示）` : ""}
                </Link>
              ))}
            </Flex>
          )}
        </Card>
      )}
      <DataTable<SchoolStats>
        title={queue ? "各校进度" : "各校 × 状态"}
        query={stats}
        errorTitle="各校进度加载失败"
        rows={rows}
        rowKey="school_code"
        columns={columns}
        pagination={{ hideOnSinglePage: true, total: (n) => `共 ${n} 所学校` }}
        exportName="各校进度"
        emptyText="暂无学校"
        filterExtra={<Legend />}
        table={{ size: "small", scroll: { x: 720 } }}
      />
    </Flex>
  );
}

type CaptureDay = SchedulingSchema["schemas"]["CaptureDayOut"];

/** The agency's next capture days: school, date and weekday, rooms, and whether the plan is out. */
function CaptureDaysCard() {
  const days = scheduling.useQuery("get", "/api/scheduling/v1/capture-days");
  const [today] = useState(() => dayjs().tz(DISPLAY_TZ).format("YYYY-MM-DD"));
  const rows = useMemo(() => upcomingDays(days.data?.items ?? [], today).slice(0, 8), [days.data, today]);
  const coming = rows.filter((r) => !r.past).length;
  const columns: DataColumn<UpcomingDay<CaptureDay>>[] = [
    {
      title: "采集日期",
      key: "date",
      width: 190,
      render: (_: unknown, r) => (
        <Space size={4} wrap>
          <Link to={`/schedule?school=${r.day.school_code}&day=${r.day.id}`}>
            {r.next.date} {r.next.weekday}
          </Link>
          {r.past ? <Tag>已结束</Tag> : r.remaining > 1 ? <Tag color="blue">共 {r.remaining} 天</Tag> : null}
        </Space>
      ),
      exportValue: (r) => `${r.next.date} ${r.next.weekday}`,
    },
    { title: "学校", key: "school", width: 160, render: (_: unknown, r) => r.day.school_name || r.day.school_code, exportValue: (r) => r.day.school_name },
    { title: "场地", key: "rooms", ellipsis: true, render: (_: unknown, r) => roomsText(r.day.rooms), exportValue: (r) => roomsText(r.day.rooms) },
    {
      title: "排期",
      key: "plan",
      width: 120,
      render: (_: unknown, r) => {
        const state = planState(r.day.plan_status);
        return <Tag color={state.color}>{state.label}</Tag>;
      },
      exportValue: (r) => planState(r.day.plan_status).label,
    },
  ];
  return (
    <DataTable<UpcomingDay<CaptureDay>>
      title={`近期采集日（${coming} 个待进行）`}
      toolbar={<Link to="/schedule">排期管理</Link>}
      query={days}
      errorTitle="采集日加载失败"
      rows={rows}
      rowKey={(r) => r.day.id}
      columns={columns}
      emptyText="还没有采集日，请在「采集排期」中新建"
      table={{ size: "small", scroll: { x: 640 }, rowClassName: (r) => (r.past ? "row-past" : "") }}
    />
  );
}

export default function DashboardPage() {
  const me = useCurrentUser();
  const [hour] = useState(() => new Date().getHours());
  const pages = pagesFor(me.role).filter((p) => p.path !== "/");
  const canSee = (path: string) => pages.some((p) => p.path === path);

  return (
    <PageContainer title="首页">
      <Row gutter={[16, 16]}>
        {me.role === "school_admin" && (
          <Col span={24}>
            <SchoolOverview />
          </Col>
        )}
        {me.role === "agency_admin" && (
          <Col span={24}>
            <CaptureDaysCard />
          </Col>
        )}
        {(me.role === "province_reviewer" || me.role === "agency_admin" || me.role === "photographer") && (
          <Col span={24}>
            <SchoolsOverview queue={me.role === "province_reviewer"} />
          </Col>
        )}
        <Col xs={24} xl={16}>
          <Card title={`${greeting(hour)}，${me.display_name}`}>
            <Descriptions
              column={{ xs: 1, sm: 2 }}
              items={[
                { key: "org", label: "所属单位", children: organisationOf(me) },
                { key: "role", label: "角色", children: <Tag color="blue">{roleLabel(me.role, me.role_label)}</Tag> },
                { key: "username", label: "登录账号", children: me.username },
                { key: "province", label: "所在省份", children: me.province_name ?? "—" },
                ...(me.school_code ? [{ key: "code", label: "院校代码", children: me.school_code }] : []),
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          {canSee("/colleges") ? <SchoolAdminStats /> : canSee("/schools") ? <SchoolsStats /> : null}
        </Col>
        <Col span={24}>
          <Card title="我的功能">
            <ItemList
              empty="当前角色暂无可用功能"
              items={pages.map((p) => ({
                key: p.path,
                avatar: <span style={{ fontSize: 18, color: "#1677ff" }}>{PAGE_ICONS[p.icon]}</span>,
                title: <Link to={p.path}>{p.title}</Link>,
                description: p.summary,
                extra: p.ready ? <Tag color="success">可用</Tag> : <Tag>即将上线</Tag>,
              }))}
            />
          </Card>
        </Col>
      </Row>
    </PageContainer>
  );
}
