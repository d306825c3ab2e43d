import { useQueryClient } from "@tanstack/react-query";
import { App, Button, Card, Drawer, Form, Input, Progress, Select, Space, Tag, Tooltip, Typography } from "antd";
import { useMemo, useState } from "react";
import { captureClient, capture, captureKey } from "../api/client";
import { errorMessage } from "../api/problem";
import type { components } from "../api/schema/capture";
import type { DeliveryPackage } from "../api/types";
import { useCurrentUser } from "../auth/AuthContext";
import { DataTable, type DataColumn } from "../components/DataTable";
import { PageContainer } from "../layout/PageContainer";
import { defaultTerm, humanSize, isActive, NAMING_LABELS, STATUS_LABELS } from "./deliveryLabels";
import { useSchoolChoice } from "./useSchoolChoice";

type Naming = "id_number" | "student_no" | "capture_key";
type LeftOut = components["schemas"]["LeftOutOut"];

const TIME = new Intl.DateTimeFormat("zh-CN", { timeZone: "Asia/Shanghai", dateStyle: "short", timeStyle: "medium" });

const packageColumns: DataColumn<DeliveryPackage>[] = [
  {
    title: "申请时间",
    dataIndex: "created_at",
    width: 170,
    render: (v: string) => TIME.format(new Date(v)),
    exportValue: (p) => TIME.format(new Date(p.created_at)),
  },
  { title: "届别", dataIndex: "term", width: 90 },
  {
    title: "文件命名",
    dataIndex: "naming",
    width: 210,
    render: (v: string) => NAMING_LABELS[v] ?? v,
    exportValue: (p) => NAMING_LABELS[p.naming] ?? p.naming,
  },
  {
    title: "状态",
    dataIndex: "status",
    width: 100,
    render: (v: string) => <Tag color={STATUS_LABELS[v]?.color}>{STATUS_LABELS[v]?.text ?? v}</Tag>,
    exportValue: (p) => STATUS_LABELS[p.status]?.text ?? p.status,
  },
  { title: "纳入", dataIndex: "included", width: 70, align: "right" },
  { title: "未纳入", dataIndex: "excluded", width: 80, align: "right" },
  { title: "大小", dataIndex: "size", width: 90, align: "right", render: (v: number | null) => humanSize(v), exportValue: (p) => humanSize(p.size) },
  {
    title: "SHA-256",
    dataIndex: "sha256",
    ellipsis: true,
    render: (v: string | null) =>
      v ? (
        <Tooltip title={v}>
          <Typography.Text code>{v.slice(0, 16)}…</Typography.Text>
        </Tooltip>
      ) : (
        "—"
      ),
  },
];

const leftOutColumns: DataColumn<LeftOut>[] = [
  { title: "序号", dataIndex: "position", width: 70 },
  { title: "姓名", dataIndex: "masked_name", width: 90, render: (v: string | null) => v ?? "—" },
  { title: "班号", dataIndex: "class_no", width: 100, render: (v: string | null) => v ?? "—" },
  { title: "未纳入原因", dataIndex: "reason_label" },
];

export default function DeliveryPage() {
  const me = useCurrentUser();
  const { ownSchool, school, choose, options, loading } = useSchoolChoice();
  const canMake = me.role !== "province_reviewer";
  const [detail, setDetail] = useState<string | null>(null);
  const [status, setStatus] = useState<string>();
  const packages = capture.useQuery(
    "get",
    "/api/capture/v1/deliveries",
    { params: { query: { school_code: school } } },
    {
      enabled: school !== undefined,
      // While a package is being made the list follows its progress.
      refetchInterval: (q) => (q.state.data?.items.some((p) => isActive(p.status)) ? 1000 : false),
    },
  );

  const rows = useMemo(
    () => (packages.data?.items ?? []).filter((p) => !status || p.status === status),
    [packages.data, status],
  );

  return (
    <PageContainer
      title="照片交付"
      subTitle="按学校与毕业届别生成照片包（zip）：当前合格的标准照（480×640），附索引（Excel 与 CSV）和 SHA-256 校验清单；存在未处理异常的学生不纳入，索引中注明未纳入原因。"
    >
      {ownSchool ? null : (
        <Card style={{ marginBottom: 16 }}>
          <Space>
            <span>学校</span>
            <Select
              aria-label="学校"
              allowClear
              showSearch
              optionFilterProp="label"
              placeholder="请选择学校"
              style={{ width: 280 }}
              value={school}
              loading={loading}
              options={options}
              onChange={choose}
            />
          </Space>
        </Card>
      )}
      {school && canMake ? <RequestForm school={school} /> : null}
      <DataTable<DeliveryPackage>
        title="交付包"
        query={packages}
        errorTitle="交付包加载失败"
        rows={rows}
        rowKey="id"
        columns={[
          ...packageColumns,
          {
            title: "操作",
            key: "actions",
            width: 150,
            alwaysShown: true,
            exportValue: false,
            render: (_: unknown, p: DeliveryPackage) => (
              <Space>
                <Button type="link" size="small" onClick={() => setDetail(p.id)}>
                  详情
                </Button>
                {p.status === "ready" && canMake ? <DownloadButton id={p.id} /> : null}
              </Space>
            ),
          },
        ]}
        filters={[
          {
            key: "status",
            label: "状态",
            placeholder: "全部状态",
            width: 160,
            searchable: false,
            options: Object.entries(STATUS_LABELS).map(([value, l]) => ({ value, label: l.text })),
            value: status,
            onChange: setStatus,
          },
        ]}
        pagination={{ total: (n) => `共 ${n} 个交付包`, hideOnSinglePage: true }}
        exportName="交付包"
        emptyText={school ? "尚未生成交付包" : "请先选择学校"}
        filteredEmptyText="没有此状态的交付包"
        table={{ size: "middle", scroll: { x: 1000 } }}
      />
      {detail ? <DetailDrawer id={detail} onClose={() => setDetail(null)} /> : null}
    </PageContainer>
  );
}

function RequestForm({ school }: { school: string }) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<{ term: string; naming: Naming }>();
  const request = capture.useMutation("post", "/api/capture/v1/deliveries");
  return (
    <Card title="生成交付包" style={{ marginBottom: 16 }}>
      <Form
        form={form}
        layout="inline"
        initialValues={{ term: defaultTerm(), naming: "id_number" }}
        onFinish={(v) =>
          request.mutate(
            { body: { school_code: school, term: v.term, naming: v.naming, rebuild: false } },
            {
              onSuccess: (p) => {
                message.success(p.status === "ready" ? "内容未变化，已有相同的交付包" : "已开始生成交付包");
                void queryClient.invalidateQueries({ queryKey: captureKey("/api/capture/v1/deliveries") });
              },
              onError: (e) => message.error(errorMessage(e)),
            },
          )
        }
      >
        <Form.Item name="term" label="毕业届别" rules={[{ required: true, pattern: /^\d{4}-\d{2}$/, message: "格式如 2026-06" }]}>
          <Input style={{ width: 110 }} />
        </Form.Item>
        <Form.Item name="naming" label="文件命名">
          <Select
            style={{ width: 240 }}
            options={Object.entries(NAMING_LABELS).map(([value, label]) => ({ value, label }))}
          />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit" loading={request.isPending}>
            生成交付包
          </Button>
        </Form.Item>
      </Form>
    </Card>
  );
}

function DownloadButton({ id }: { id: string }) {
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const download = async () => {
    setBusy(true);
    try {
      // A short-lived signed link: fetched on click, never kept on the page.
      const { data } = await captureClient.GET("/api/capture/v1/deliveries/{package_id}/download", {
        params: { path: { package_id: id } },
      });
      if (data) window.location.assign(data.url);
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button type="link" size="small" loading={busy} onClick={() => void download()}>
      下载
    </Button>
  );
}

function DetailDrawer({ id, onClose }: { id: string; onClose: () => void }) {
  const detail = capture.useQuery("get", "/api/capture/v1/deliveries/{package_id}", { params: { path: { package_id: id } } });
  const d = detail.data;
  const progress = d?.progress;
  return (
    <Drawer open width={620} title="交付包详情" onClose={onClose}>
      {d && progress && isActive(d.status) ? (
        <Progress percent={progress.total ? Math.round((progress.done * 100) / progress.total) : 0} />
      ) : null}
      {d ? (
        <Typography.Paragraph>
          纳入 {d.included} 人，未纳入 {d.excluded} 人。{d.error_code ? `失败原因：${d.error_code}` : ""}
        </Typography.Paragraph>
      ) : null}
      <DataTable<LeftOut>
        bare
        refresh={false}
        query={detail}
        errorTitle="详情加载失败"
        rows={d?.left_out ?? []}
        rowKey="position"
        columns={leftOutColumns}
        search={{ placeholder: "搜索班号或原因", width: 200, fields: (x) => [x.class_no, x.reason_label] }}
        pagination={{ total: (n) => `共 ${n} 人未纳入`, defaultPageSize: 50, pageSizeOptions: [50, 100, 200], hideOnSinglePage: true }}
        exportName="交付包未纳入名单"
        emptyText="全部纳入"
        table={{ size: "small" }}
      />
    </Drawer>
  );
}
