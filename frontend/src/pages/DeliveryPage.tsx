import { useQueryClient } from "@tanstack/react-query";
import { App, Button, Card, Drawer, Form, Input, Progress, Select, Space, Table, Tag, Tooltip, Typography } from "antd";
import { useState } from "react";
import { captureClient, capture, captureKey } from "../api/client";
import { errorMessage } from "../api/problem";
import type { DeliveryPackage } from "../api/types";
import { useCurrentUser } from "../auth/AuthContext";
import { QueryErrorAlert } from "../components/QueryErrorAlert";
import { PageContainer } from "../layout/PageContainer";
import { defaultTerm, humanSize, isActive, NAMING_LABELS, STATUS_LABELS } from "./deliveryLabels";
import { useSchoolChoice } from "./useSchoolChoice";

type Naming = "id_number" | "student_no" | "capture_key";

const TIME = new Intl.DateTimeFormat("zh-CN", { timeZone: "Asia/Shanghai", dateStyle: "short", timeStyle: "medium" });

export default function DeliveryPage() {
  const me = useCurrentUser();
  const { ownSchool, school, choose, options, loading } = useSchoolChoice();
  const canMake = me.role !== "province_reviewer";
  const [detail, setDetail] = useState<string | null>(null);
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
      {packages.error ? <QueryErrorAlert title="交付包加载失败" error={packages.error} onRetry={() => packages.refetch()} /> : null}
      <Card title="交付包">
        <Table<DeliveryPackage>
          rowKey="id"
          size="middle"
          loading={packages.isLoading}
          dataSource={packages.data?.items ?? []}
          pagination={false}
          locale={{ emptyText: school ? "尚未生成交付包" : "请先选择学校" }}
          columns={[
            { title: "申请时间", dataIndex: "created_at", width: 170, render: (v: string) => TIME.format(new Date(v)) },
            { title: "届别", dataIndex: "term", width: 90 },
            { title: "文件命名", dataIndex: "naming", width: 210, render: (v: string) => NAMING_LABELS[v] ?? v },
            {
              title: "状态",
              dataIndex: "status",
              width: 100,
              render: (v: string) => <Tag color={STATUS_LABELS[v]?.color}>{STATUS_LABELS[v]?.text ?? v}</Tag>,
            },
            { title: "纳入", dataIndex: "included", width: 70, align: "right" },
            { title: "未纳入", dataIndex: "excluded", width: 80, align: "right" },
            { title: "大小", dataIndex: "size", width: 90, align: "right", render: (v: number | null) => humanSize(v) },
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
            {
              title: "操作",
              key: "actions",
              width: 150,
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
        />
      </Card>
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
      {detail.error ? <QueryErrorAlert title="详情加载失败" error={detail.error} onRetry={() => detail.refetch()} /> : null}
      {d && progress && isActive(d.status) ? (
        <Progress percent={progress.total ? Math.round((progress.done * 100) / progress.total) : 0} />
      ) : null}
      {d ? (
        <Typography.Paragraph>
          纳入 {d.included} 人，未纳入 {d.excluded} 人。{d.error_code ? `失败原因：${d.error_code}` : ""}
        </Typography.Paragraph>
      ) : null}
      <Table
        rowKey="position"
        size="small"
        loading={detail.isLoading}
        dataSource={d?.left_out ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        locale={{ emptyText: "全部纳入" }}
        columns={[
          { title: "序号", dataIndex: "position", width: 70 },
          { title: "姓名", dataIndex: "masked_name", width: 90, render: (v: string | null) => v ?? "—" },
          { title: "班号", dataIndex: "class_no", width: 100, render: (v: string | null) => v ?? "—" },
          { title: "未纳入原因", dataIndex: "reason_label" },
        ]}
      />
    </Drawer>
  );
}
