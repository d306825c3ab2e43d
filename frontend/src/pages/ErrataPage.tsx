import { CheckOutlined, ReloadOutlined } from "@ant-design/icons";
import { useQueryClient } from "@tanstack/react-query";
import { Alert, App, Badge, Button, Card, Form, Input, Modal, Popconfirm, Space, Tabs, Tooltip, Typography } from "antd";
import { useState } from "react";
import { Link, useSearchParams } from "react-router";
import { roster, rosterKey } from "../api/client";
import { errorMessage } from "../api/problem";
import type { Erratum } from "../api/types";
import { useCurrentUser } from "../auth/AuthContext";
import { DataTable, type DataColumn } from "../components/DataTable";
import { SpecTag } from "../components/SpecTag";
import { applyProblem } from "../components/formErrors";
import { PageContainer } from "../layout/PageContainer";
import { formatDateTime } from "../lib/time";
import { ERRATUM_SOURCE, erratumStatusTag } from "./rosterLabels";

function RejectModal({ erratum, onClose }: { erratum: Erratum | null; onClose: () => void }) {
  const [form] = Form.useForm<{ reason: string }>();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [formError, setFormError] = useState<string | null>(null);
  const decide = roster.useMutation("post", "/api/roster/v1/errata/{erratum_id}/decision");

  async function submit() {
    if (!erratum) return;
    let values: { reason: string };
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setFormError(null);
    try {
      await decide.mutateAsync({
        params: { path: { erratum_id: erratum.id } },
        body: { decision: "rejected", reason: values.reason.trim() },
      });
      message.success(`已驳回 ${erratum.student_name} 的勘误申请`);
      await queryClient.invalidateQueries({ queryKey: rosterKey("/api/roster/v1/errata") });
      onClose();
    } catch (err) {
      setFormError(applyProblem(form, err, ["reason"]));
    }
  }

  return (
    <Modal
      title="驳回勘误申请"
      open={erratum !== null}
      okText="驳回"
      okButtonProps={{ danger: true }}
      cancelText="取消"
      confirmLoading={decide.isPending}
      onOk={() => void submit()}
      onCancel={onClose}
      destroyOnHidden
      afterClose={() => setFormError(null)}
    >
      {erratum && (
        <Typography.Paragraph type="secondary" style={{ marginTop: 16 }}>
          {erratum.student_name}（{erratum.student_no}）申请将「{erratum.field_label}」由「{erratum.old_value || "空"}」改为「
          {erratum.new_value}」。
        </Typography.Paragraph>
      )}
      <Form form={form} layout="vertical" name="reject-erratum" preserve={false}>
        {formError && <Alert type="error" showIcon title={formError} style={{ marginBottom: 16 }} />}
        <Form.Item
          label="驳回原因"
          name="reason"
          rules={[
            { required: true, whitespace: true, message: "驳回时必须填写原因" },
            { max: 200, message: "不能超过 200 个字" },
          ]}
        >
          <Input.TextArea rows={3} maxLength={200} placeholder="如：与身份证件不一致，请携带证件到学籍科核对" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function baseColumns(): DataColumn<Erratum>[] {
  return [
    {
      title: "学生",
      key: "student",
      width: 170,
      exportValue: (e) => `${e.student_name}（${e.student_no}）`,
      render: (_: unknown, e: Erratum) => (
        <Link to={`/students?student=${encodeURIComponent(e.student_id)}`}>
          {e.student_name}
          <Typography.Text type="secondary" style={{ marginLeft: 6, fontSize: 12 }}>
            {e.student_no}
          </Typography.Text>
        </Link>
      ),
    },
    { title: "字段", dataIndex: "field_label", width: 100 },
    {
      title: "原值",
      dataIndex: "old_value",
      render: (v: string) => <Typography.Text delete type="secondary">{v || "（空）"}</Typography.Text>,
    },
    { title: "更正为", dataIndex: "new_value", render: (v: string) => <Typography.Text strong>{v}</Typography.Text> },
    { title: "申请说明", dataIndex: "reason", ellipsis: true, render: (v: string) => v || "—" },
    { title: "来源", dataIndex: "source", width: 90, render: (v: string) => ERRATUM_SOURCE[v] ?? v, exportValue: (e) => ERRATUM_SOURCE[e.source] ?? e.source },
    { title: "申请时间", dataIndex: "requested_at", width: 150, render: (v: string) => formatDateTime(v), exportValue: (e) => formatDateTime(e.requested_at) },
  ];
}

function PendingTab() {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [rejecting, setRejecting] = useState<Erratum | null>(null);
  const errata = roster.useQuery("get", "/api/roster/v1/errata", { params: { query: { status: "pending" } } });
  const decide = roster.useMutation("post", "/api/roster/v1/errata/{erratum_id}/decision");

  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: rosterKey("/api/roster/v1/errata") }),
      queryClient.invalidateQueries({ queryKey: rosterKey("/api/roster/v1/students") }),
      queryClient.invalidateQueries({ queryKey: rosterKey("/api/roster/v1/students/{student_id}") }),
    ]);

  async function approve(e: Erratum) {
    try {
      await decide.mutateAsync({ params: { path: { erratum_id: e.id } }, body: { decision: "approved", reason: "" } });
      message.success(`已通过：${e.student_name} 的${e.field_label}已更新`);
      await refresh();
    } catch (err) {
      message.error(errorMessage(err));
    }
  }

  /** One decision per selected request, in turn; what failed is said, what passed stays passed. */
  async function approveAll(selected: Erratum[]) {
    let done = 0;
    const failed: string[] = [];
    for (const e of selected) {
      try {
        await decide.mutateAsync({ params: { path: { erratum_id: e.id } }, body: { decision: "approved", reason: "" } });
        done += 1;
      } catch (err) {
        failed.push(`${e.student_name}：${errorMessage(err)}`);
      }
    }
    if (done) message.success(`已通过 ${done} 条勘误申请`);
    if (failed.length) message.error(`${failed.length} 条未能通过：${failed.join("；")}`);
    await refresh();
  }

  const columns: DataColumn<Erratum>[] = [
    ...baseColumns(),
    {
      title: "操作",
      key: "action",
      exportValue: false,
      width: 130,
      fixed: "right",
      render: (_: unknown, e: Erratum) => (
        <Space size={4}>
          <Popconfirm
            title="通过该勘误？"
            description={`「${e.field_label}」将更新为「${e.new_value}」并记入修改记录。`}
            okText="通过"
            cancelText="取消"
            onConfirm={() => approve(e)}
          >
            <Button type="link" size="small">
              通过
            </Button>
          </Popconfirm>
          <Button type="link" size="small" danger onClick={() => setRejecting(e)}>
            驳回
          </Button>
        </Space>
      ),
    },
  ];

  return (
    <>
      <DataTable<Erratum>
        bare
        refresh={false}
        query={errata}
        errorTitle="勘误申请加载失败"
        rows={errata.data?.items ?? []}
        rowKey="id"
        columns={columns}
        pagination={{ hideOnSinglePage: true, total: (n) => `共 ${n} 条` }}
        exportName="待处理勘误"
        batchActions={[{ key: "approve", label: "批量通过", icon: <CheckOutlined aria-hidden />, onClick: approveAll }]}
        emptyText="没有待处理的勘误申请"
        table={{ size: "middle", scroll: { x: 1100 } }}
      />
      <RejectModal erratum={rejecting} onClose={() => setRejecting(null)} />
    </>
  );
}

function DecidedTab() {
  const errata = roster.useQuery("get", "/api/roster/v1/errata");
  const decided = (errata.data?.items ?? []).filter((e) => e.status !== "pending");
  const columns: DataColumn<Erratum>[] = [
    ...baseColumns(),
    { title: "结果", dataIndex: "status", width: 90, render: (v: string) => <SpecTag spec={erratumStatusTag(v)} />, exportValue: (e) => erratumStatusTag(e.status).label },
    { title: "处理说明", dataIndex: "decision_reason", ellipsis: true, render: (v: string) => v || "—" },
    { title: "处理人", dataIndex: "decided_by", width: 120, render: (v: string | null) => v ?? "—" },
    { title: "处理时间", dataIndex: "decided_at", width: 150, render: (v: string | null) => formatDateTime(v), exportValue: (e) => formatDateTime(e.decided_at) },
  ];
  return (
    <DataTable<Erratum>
      bare
      refresh={false}
      query={errata}
      errorTitle="勘误记录加载失败"
      rows={decided}
      rowKey="id"
      columns={columns}
      pagination={{ hideOnSinglePage: true, total: (n) => `共 ${n} 条` }}
      exportName="已处理勘误"
      emptyText="还没有处理过的勘误"
      table={{ size: "middle", scroll: { x: 1500 } }}
    />
  );
}

export default function ErrataPage() {
  const me = useCurrentUser();
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const tab = params.get("tab") ?? "pending";
  const pending = roster.useQuery("get", "/api/roster/v1/errata", { params: { query: { status: "pending" } } });
  return (
    <PageContainer
      title="勘误处理"
      subTitle={`${me.school_name ?? "本校"}学生与学校提出的信息更正申请。通过后名单即时更新，已审核通过的学生同步到排期与采集。`}
    >
      <Card
        extra={null}
        styles={{ body: { paddingTop: 8 } }}
      >
        <Tabs
          activeKey={tab}
          onChange={(key) => setParams({ tab: key }, { replace: true })}
          tabBarExtraContent={
            <Tooltip title="刷新">
              <Button
                aria-label="刷新"
                icon={<ReloadOutlined aria-hidden />}
                onClick={() => void queryClient.invalidateQueries({ queryKey: rosterKey("/api/roster/v1/errata") })}
              />
            </Tooltip>
          }
          items={[
            {
              key: "pending",
              label: (
                <Space size={6}>
                  待处理
                  <Badge count={pending.data?.total ?? 0} size="small" />
                </Space>
              ),
              children: <PendingTab />,
            },
            { key: "decided", label: "已处理", children: <DecidedTab /> },
          ]}
        />
      </Card>
    </PageContainer>
  );
}
