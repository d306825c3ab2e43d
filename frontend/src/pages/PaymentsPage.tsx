import { UploadOutlined } from "@ant-design/icons";
import { useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, DatePicker, Flex, Input, Modal, Radio, Select, Skeleton, Space, Statistic, Table, Tabs, Tag, Typography, Upload } from "antd";
import type { Dayjs } from "dayjs";
import { lazy, Suspense, useState } from "react";
import { payments, paymentsClient, paymentsKey } from "../api/client";
import { errorMessage } from "../api/problem";
import type { components } from "../api/schema/payments";
import { useCurrentUser } from "../auth/AuthContext";
import { DataTable, type DataColumn } from "../components/DataTable";
import { PageContainer } from "../layout/PageContainer";
import { saveResponse } from "../lib/download";
import { dayjs, DISPLAY_TZ, formatDateTime } from "../lib/time";
import { PAYER_MODE, PROVIDER, yuan } from "./payLabels";
import { MAX_DAYS, newestFirst, providerFen, rangeDays, TAKINGS_PROVIDERS, type TakingsDay } from "./takings";

// The chart library is large: it loads only when the 每日收款 tab is opened.
const TakingsChart = lazy(() => import("./TakingsChart"));

type Schemas = components["schemas"];
type Line = Schemas["ReportLineOut"];
type Discrepancy = Schemas["DiscrepancyOut"];
type Run = Schemas["RunOut"];
type Action = Schemas["ResolveIn"]["action"];

/** Discrepancy types in the agency's words, and what resolving each may do. */
const TYPES: Record<string, { label: string; color: string; actions: Action[] }> = {
  provider_only: { label: "账单有、平台无", color: "red", actions: [] },
  platform_only: { label: "平台有、账单无", color: "orange", actions: [] },
  amount_mismatch: { label: "金额不符", color: "red", actions: [] },
  status_mismatch: { label: "状态不符", color: "volcano", actions: ["mark_paid"] },
  duplicate_payment: { label: "重复支付", color: "magenta", actions: ["refund"] },
  paid_not_photographed: { label: "已缴未拍（应退）", color: "gold", actions: ["refund"] },
  photographed_unpaid: { label: "已拍未缴（应收）", color: "blue", actions: ["mark_paid"] },
  class_overpaid: { label: "班级多缴（应退）", color: "gold", actions: ["refund"] },
  school_overpaid: { label: "学校预缴多缴（应退）", color: "gold", actions: ["refund"] },
};
const STATES: Record<string, { label: string; color: string }> = {
  open: { label: "待处理", color: "red" },
  carried: { label: "待次日账单", color: "orange" },
  cleared: { label: "已自动消除", color: "green" },
  resolved: { label: "已处理", color: "default" },
};
const ACTIONS: Record<Action, string> = { refund: "退款", mark_paid: "标记已收", ignore: "忽略" };
/** The ledger entry a resolution made, in a few words: "线下收款 ¥15.00，agency 12-07 11:04 入账". */
function paymentNote(p: NonNullable<Discrepancy["payment"]>): string {
  const where = p.provider === "offline" ? "线下收款" : PROVIDER[p.provider] ?? p.provider;
  const who = p.recorded_by ? `，${p.recorded_by}` : "";
  return `${where} ${yuan(p.amount_fen)}${who} ${formatDateTime(p.paid_at, "MM-DD HH:mm")} 入账`;
}

/** What an action does, said before it is done (a receivable marked paid becomes an offline ledger entry). */
function actionHint(type: string, action: Action): string | null {
  if (action === "mark_paid" && type === "photographed_unpaid") {
    return "将记入一笔线下收款（现金/转账），金额为应收金额，记录处理人和时间，计入报表与每日收款；线下收款不能通过支付渠道退款。";
  }
  if (action === "mark_paid") return "按渠道账单中的交易为订单入账。";
  if (action === "refund") return "通过原支付渠道原路退回，退款单号独立、可重试。";
  return null;
}
const RUN_STATES: Record<string, { label: string; color: string }> = {
  queued: { label: "排队中", color: "default" },
  running: { label: "对账中", color: "processing" },
  done: { label: "完成", color: "success" },
  untrusted: { label: "账单汇总不符，未对账", color: "error" },
  failed: { label: "失败", color: "error" },
};

const money = (title: string, key: keyof Line): DataColumn<Line> => ({
  title,
  dataIndex: key,
  align: "right",
  render: (fen: number) => yuan(fen),
  exportValue: (line) => yuan(line[key] as number),
});

const payerMode = (m: string | null | undefined) => PAYER_MODE[m ?? ""] ?? "—";

const reportColumns: DataColumn<Line>[] = [
  { title: "学校代码", dataIndex: "school_code", width: 100 },
  { title: "收费方式", dataIndex: "payer_mode", render: (m: string | null) => payerMode(m), exportValue: (l) => payerMode(l.payer_mode) },
  { title: "已审核", dataIndex: "students", align: "right" },
  { title: "已拍摄", dataIndex: "photographed", align: "right" },
  money("应收", "expected_fen"),
  money("已收", "paid_fen"),
  money("其中线下", "offline_fen"),
  money("已退", "refunded_fen"),
  money("未收", "outstanding_fen"),
  money("多收", "overpaid_fen"),
];

function ReportTab() {
  const { message } = App.useApp();
  const report = payments.useQuery("get", "/api/payments/v1/reports/schools");
  const data = report.data;
  const [saving, setSaving] = useState<"xlsx" | "csv" | null>(null);

  /** The server's own export (every school, the fee and the totals): fetched with the bearer token and saved. */
  async function download(format: "csv" | "xlsx") {
    setSaving(format);
    try {
      const result = await paymentsClient.GET("/api/payments/v1/reports/schools/export", {
        params: { query: { format } },
        parseAs: "blob",
      });
      saveResponse(result, `各校收缴情况.${format}`);
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setSaving(null);
    }
  }

  return (
    <DataTable<Line>
      title="各校收缴情况"
      query={report}
      errorTitle="收缴报表加载失败"
      rows={data?.items ?? []}
      rowKey="school_code"
      columns={reportColumns}
      search={{ placeholder: "搜索学校代码", width: 200, maxLength: 10, fields: (l) => [l.school_code] }}
      pagination={{ total: (n) => `共 ${n} 所学校`, pageSizeOptions: [50, 100, 200], hideOnSinglePage: true }}
      emptyText="暂无收缴数据"
      toolbar={
        <Space>
          <Button loading={saving === "xlsx"} onClick={() => void download("xlsx")}>导出 Excel</Button>
          <Button loading={saving === "csv"} onClick={() => void download("csv")}>导出 CSV</Button>
        </Space>
      }
      table={{
        size: "middle",
        summary: () =>
          data && data.items.length > 0 ? (
            <Table.Summary.Row style={{ background: "#fafafa" }}>
              <Table.Summary.Cell index={0} colSpan={2}><Typography.Text strong>合计</Typography.Text></Table.Summary.Cell>
              <Table.Summary.Cell index={2} align="right">{data.totals.students}</Table.Summary.Cell>
              <Table.Summary.Cell index={3} align="right">{data.totals.photographed}</Table.Summary.Cell>
              <Table.Summary.Cell index={4} align="right">{yuan(data.totals.expected_fen)}</Table.Summary.Cell>
              <Table.Summary.Cell index={5} align="right">{yuan(data.totals.paid_fen)}</Table.Summary.Cell>
              <Table.Summary.Cell index={6} align="right">{yuan(data.totals.offline_fen)}</Table.Summary.Cell>
              <Table.Summary.Cell index={7} align="right">{yuan(data.totals.refunded_fen)}</Table.Summary.Cell>
              <Table.Summary.Cell index={8} align="right"><Typography.Text strong type="danger">{yuan(data.totals.outstanding_fen)}</Typography.Text></Table.Summary.Cell>
              <Table.Summary.Cell index={9} align="right">{yuan(data.totals.overpaid_fen)}</Table.Summary.Cell>
            </Table.Summary.Row>
          ) : null,
      }}
    />
  );
}

/** A provider's net of the day ("微信支付净收"), one column per provider the takings know. */
const perProvider = (provider: string): DataColumn<TakingsDay> => ({
  title: `${TAKINGS_PROVIDERS[provider]}净收`,
  key: provider,
  align: "right",
  render: (_: unknown, d: TakingsDay) => yuan(providerFen(d, provider, "net_fen")),
  exportValue: (d) => yuan(providerFen(d, provider, "net_fen")),
});

const takingsColumns: DataColumn<TakingsDay>[] = [
  { title: "日期", dataIndex: "day", width: 120 },
  { title: "收款笔数", dataIndex: "count", align: "right" },
  { title: "已收", dataIndex: "paid_fen", align: "right", render: (fen: number) => yuan(fen), exportValue: (d) => yuan(d.paid_fen) },
  { title: "已退", dataIndex: "refunded_fen", align: "right", render: (fen: number) => yuan(fen), exportValue: (d) => yuan(d.refunded_fen) },
  {
    title: "净收",
    dataIndex: "net_fen",
    align: "right",
    render: (fen: number) => <Typography.Text strong type={fen < 0 ? "danger" : undefined}>{yuan(fen)}</Typography.Text>,
    exportValue: (d) => yuan(d.net_fen),
  },
  ...Object.keys(TAKINGS_PROVIDERS).map(perProvider),
];

/** Money in and out per Beijing day: a chart (lazy) and the same numbers as a table, newest day first. */
function TakingsTab() {
  const today = dayjs().tz(DISPLAY_TZ);
  const [range, setRange] = useState<[Dayjs, Dayjs]>([today.subtract(29, "day"), today]);
  const from = range[0].format("YYYY-MM-DD");
  const to = range[1].format("YYYY-MM-DD");
  const takings = payments.useQuery("get", "/api/payments/v1/reports/takings", {
    params: { query: { from, to } },
  });
  const data = takings.data;
  const { message } = App.useApp();
  const [saving, setSaving] = useState(false);
  /** The server's own workbook of the range (fen as yuan, per provider), fetched with the bearer token. */
  async function exportXlsx() {
    setSaving(true);
    try {
      const result = await paymentsClient.GET("/api/payments/v1/reports/takings/export", {
        params: { query: { from, to, format: "xlsx" } },
        parseAs: "blob",
      });
      saveResponse(result, `每日收款-${from}至${to}.xlsx`);
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setSaving(false);
    }
  }
  return (
    <Card
      title="每日收款（北京时间）"
      extra={
        <Space wrap>
          <DatePicker.RangePicker
            aria-label="统计日期"
            value={range}
            allowClear={false}
            disabledDate={(d, info) =>
              d.isAfter(today, "day") ||
              (info.from ? Math.abs(rangeDays(info.from.format("YYYY-MM-DD"), d.format("YYYY-MM-DD"))) >= MAX_DAYS : false)
            }
            onChange={(v) => v?.[0] && v[1] && setRange([v[0], v[1]])}
          />
          <Button loading={saving} onClick={() => void exportXlsx()}>导出 Excel</Button>
        </Space>
      }
    >
      <Flex vertical gap={16}>
        <Space size={48} wrap>
          <Statistic title="已收" value={yuan(data?.totals.paid_fen)} />
          <Statistic title="已退" value={yuan(data?.totals.refunded_fen)} />
          <Statistic title="净收" value={yuan(data?.totals.net_fen)} />
          <Statistic title="收款笔数" value={data?.totals.count ?? "—"} />
        </Space>
        <Suspense fallback={<Skeleton active paragraph={{ rows: 6 }} />}>
          {data ? <TakingsChart days={data.days} /> : <Skeleton active paragraph={{ rows: 6 }} />}
        </Suspense>
        <DataTable<TakingsDay>
          bare
          refresh={false}
          query={takings}
          errorTitle="每日收款加载失败"
          rows={data ? newestFirst(data.days) : []}
          rowKey="day"
          columns={takingsColumns}
          pagination={{ total: (n) => `共 ${n} 天`, defaultPageSize: 31, pageSizeOptions: [31, 62, 92], hideOnSinglePage: true }}
          emptyText="该时段没有收款"
          table={{ size: "small", bordered: true, scroll: { x: 900 } }}
        />
      </Flex>
    </Card>
  );
}

function ResolveDialog({ item, onClose }: { item: Discrepancy; onClose: () => void }) {
  const client = useQueryClient();
  const resolve = payments.useMutation("post", "/api/payments/v1/reconciliation/discrepancies/{discrepancy_id}/resolve");
  const allowed: Action[] = [...(TYPES[item.type]?.actions ?? []), "ignore"];
  const [action, setAction] = useState<Action>(allowed[0]);
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  async function submit() {
    setError(null);
    try {
      await resolve.mutateAsync({ params: { path: { discrepancy_id: item.id } }, body: { action, reason } });
      await client.invalidateQueries({ queryKey: paymentsKey("/api/payments/v1/reconciliation/discrepancies") });
      onClose();
    } catch (e) {
      setError(errorMessage(e));
    }
  }
  return (
    <Modal
      open
      title={`处理差异：${TYPES[item.type]?.label ?? item.type}`}
      okText="确认处理"
      cancelText="取消"
      onOk={submit}
      onCancel={onClose}
      okButtonProps={{ disabled: reason.trim().length < 2, loading: resolve.isPending }}
    >
      <Flex vertical gap={12}>
        <Typography.Text>涉及金额：{yuan(item.amount_fen)}　{item.detail}</Typography.Text>
        <Radio.Group value={action} onChange={(e) => setAction(e.target.value as Action)}
          options={allowed.map((a) => ({ value: a, label: ACTIONS[a] }))} />
        {actionHint(item.type, action) ? <Typography.Text type="secondary">{actionHint(item.type, action)}</Typography.Text> : null}
        <Input.TextArea aria-label="处理原因" placeholder="处理原因（必填，记入审计）" maxLength={200} value={reason}
          onChange={(e) => setReason(e.target.value)} />
        {error ? <Alert type="error" showIcon title={error} /> : null}
      </Flex>
    </Modal>
  );
}

/** What was done about a discrepancy, in words: "忽略：…（退款 ¥15.00）". */
function outcome(d: Discrepancy): string {
  const done = d.resolution ? `${ACTIONS[d.resolution as Action] ?? d.resolution}：${d.reason ?? ""}` : "";
  return done + (d.refund ? `（退款 ${yuan(d.refund.amount_fen)}）` : "") + (d.payment ? `（${paymentNote(d.payment)}）` : "");
}

const typeLabel = (t: string) => TYPES[t]?.label ?? t;
const stateLabel = (s: string) => STATES[s]?.label ?? s;
const providerLabel = (p: string | null) => (p ? PROVIDER[p] ?? p : "—");
const waiting = (d: Discrepancy) => d.state === "open" || d.state === "carried";

function DiscrepancyTab({ canResolve }: { canResolve: boolean }) {
  const [state, setState] = useState<string | undefined>("open");
  const [type, setType] = useState<string>();
  const list = payments.useQuery("get", "/api/payments/v1/reconciliation/discrepancies", {
    params: { query: { state, type } },
  });
  const [resolving, setResolving] = useState<Discrepancy | null>(null);
  const columns: DataColumn<Discrepancy>[] = [
    { title: "类型", dataIndex: "type", render: (t: string) => <Tag color={TYPES[t]?.color}>{typeLabel(t)}</Tag>, exportValue: (d) => typeLabel(d.type) },
    { title: "状态", dataIndex: "state", render: (s: string) => <Tag color={STATES[s]?.color}>{stateLabel(s)}</Tag>, exportValue: (d) => stateLabel(d.state) },
    { title: "学校", dataIndex: "school_code", render: (s: string) => s || "—" },
    { title: "渠道", dataIndex: "provider", render: (p: string | null) => providerLabel(p), exportValue: (d) => providerLabel(d.provider) },
    { title: "账单日", dataIndex: "bill_date", render: (d: string | null) => d ?? "—" },
    { title: "商户订单号", dataIndex: "out_trade_no", render: (n: string | null) => n ?? "—" },
    { title: "金额", dataIndex: "amount_fen", align: "right", render: (fen: number) => yuan(fen), exportValue: (d) => yuan(d.amount_fen) },
    { title: "说明", dataIndex: "detail" },
    {
      title: "处理",
      key: "resolve",
      alwaysShown: true,
      exportTitle: "处理结果",
      exportValue: (d) => (waiting(d) ? "待处理" : outcome(d)),
      render: (_: unknown, d: Discrepancy) =>
        waiting(d) ? (
          canResolve ? <Button size="small" onClick={() => setResolving(d)}>处理</Button> : "待采集中心处理"
        ) : (
          <Typography.Text type="secondary">{outcome(d)}</Typography.Text>
        ),
    },
  ];
  return (
    <>
      <DataTable<Discrepancy>
        title="对账差异"
        query={list}
        errorTitle="对账差异加载失败"
        rows={list.data?.items ?? []}
        rowKey="id"
        columns={columns}
        filters={[
          {
            key: "state",
            label: "状态",
            placeholder: "全部状态",
            width: 140,
            searchable: false,
            options: Object.entries(STATES).map(([value, s]) => ({ value, label: s.label })),
            value: state,
            defaultValue: "open",
            onChange: setState,
          },
          {
            key: "type",
            label: "类型",
            placeholder: "全部类型",
            width: 180,
            options: Object.entries(TYPES).map(([value, t]) => ({ value, label: t.label })),
            value: type,
            onChange: setType,
          },
        ]}
        search={{ placeholder: "搜索学校或商户订单号", width: 220, fields: (d) => [d.school_code, d.out_trade_no, d.detail] }}
        pagination={{ total: (n) => `共 ${n} 条差异`, hideOnSinglePage: true }}
        exportName="对账差异"
        emptyText="暂无待处理的差异"
        filteredEmptyText="没有符合条件的差异"
        table={{ size: "middle", scroll: { x: 1000 } }}
      />
      {resolving ? <ResolveDialog item={resolving} onClose={() => setResolving(null)} /> : null}
    </>
  );
}

function BillsTab() {
  const client = useQueryClient();
  const runs = payments.useQuery("get", "/api/payments/v1/reconciliation/runs", undefined, {
    refetchInterval: (q) => (q.state.data?.items.some((r) => r.state === "queued" || r.state === "running") ? 1000 : false),
  });
  const [provider, setProvider] = useState<"wechat" | "alipay">("wechat");
  const [day, setDay] = useState<Dayjs>(dayjs().subtract(1, "day"));
  const [error, setError] = useState<string | null>(null);
  const [uploading, setUploading] = useState(false);

  async function upload(file: File) {
    setError(null);
    setUploading(true);
    try {
      await paymentsClient.POST("/api/payments/v1/reconciliation/runs", {
        body: { file: "", provider, bill_date: day.format("YYYY-MM-DD") },
        bodySerializer: () => {
          const form = new FormData();
          form.append("file", file, file.name);
          form.append("provider", provider);
          form.append("bill_date", day.format("YYYY-MM-DD"));
          return form;
        },
      });
      await client.invalidateQueries({ queryKey: paymentsKey("/api/payments/v1/reconciliation/runs") });
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setUploading(false);
    }
  }

  const columns: DataColumn<Run>[] = [
    { title: "账单日", dataIndex: "bill_date" },
    { title: "渠道", dataIndex: "provider", render: (p: string) => PROVIDER[p] ?? p, exportValue: (r) => PROVIDER[r.provider] ?? r.provider },
    {
      title: "状态",
      dataIndex: "state",
      render: (s: string) => <Tag color={RUN_STATES[s]?.color}>{RUN_STATES[s]?.label ?? s}</Tag>,
      exportValue: (r) => RUN_STATES[r.state]?.label ?? r.state,
    },
    { title: "账单行数", dataIndex: "rows", align: "right" },
    { title: "文件", dataIndex: "filename" },
    { title: "上传时间", dataIndex: "created_at", render: (t: string) => formatDateTime(t), exportValue: (r) => formatDateTime(r.created_at) },
    { title: "问题", dataIndex: "problems", render: (p: string[]) => p.join("；") || "—", exportValue: (r) => r.problems.join("；") },
  ];
  return (
    <DataTable<Run>
      title="上传渠道账单"
      query={runs}
      errorTitle="对账记录加载失败"
      rows={runs.data?.items ?? []}
      rowKey="id"
      columns={columns}
      filterExtra={
        <Flex vertical gap={12} style={{ flexBasis: "100%" }}>
          <Space wrap>
            <Select aria-label="支付渠道" value={provider} onChange={setProvider} style={{ width: 140 }}
              options={[{ value: "wechat", label: "微信支付" }, { value: "alipay", label: "支付宝" }]} />
            <DatePicker aria-label="账单日期" value={day} onChange={(d) => d && setDay(d)} allowClear={false}
              disabledDate={(d) => d.isAfter(dayjs(), "day")} />
            <Upload accept=".csv,.gz,.zip" showUploadList={false} beforeUpload={(file) => {
              void upload(file);
              return Upload.LIST_IGNORE;
            }}>
              <Button type="primary" icon={<UploadOutlined />} loading={uploading}>上传账单并对账</Button>
            </Upload>
          </Space>
          {error ? <Alert type="error" showIcon title={error} /> : null}
        </Flex>
      }
      pagination={{ total: (n) => `共 ${n} 次对账`, hideOnSinglePage: true }}
      exportName="账单对账记录"
      emptyText="尚未上传账单"
      table={{ size: "middle" }}
    />
  );
}

/** The agency's payments console: takings per school and per day, the bills it reconciles, and the discrepancy
 * queue. A school admin sees its own school's reports and discrepancies, read-only; the province's reviewers the
 * daily takings of the province's schools. */
export default function PaymentsPage() {
  const me = useCurrentUser();
  const agency = me.role === "agency_admin";
  const province = me.role === "province_reviewer";
  const takings = { key: "takings", label: "每日收款", children: <TakingsTab /> };
  return (
    <PageContainer title="缴费与对账" subTitle="各校收缴、每日收款、渠道账单对账与差异处理（金额以元显示，按分结算）">
      <Tabs
        items={province ? [takings] : [
          { key: "report", label: "收缴报表", children: <ReportTab /> },
          takings,
          { key: "discrepancies", label: "对账差异", children: <DiscrepancyTab canResolve={agency} /> },
          ...(agency ? [{ key: "bills", label: "账单对账", children: <BillsTab /> }] : []),
        ]}
      />
    </PageContainer>
  );
}
