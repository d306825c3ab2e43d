import { PlusOutlined } from "@ant-design/icons";
import { useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Form, Input, Modal, Tag, Tooltip } from "antd";
import { useMemo, useState } from "react";
import { roster, scheduling, rosterKey, schedulingKey } from "../api/client";
import { ApiError, errorMessage, issuesByField } from "../api/problem";
import type { College, CollegeCreate } from "../api/types";
import { useCurrentUser } from "../auth/AuthContext";
import { DataTable, type DataColumn } from "../components/DataTable";
import { PageContainer } from "../layout/PageContainer";
import { formatDateTime } from "../lib/time";
import { collegeSyncKey } from "./collegeSync";

const FORM_FIELDS = ["code", "name"] as const;

function AddCollegeModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [form] = Form.useForm<CollegeCreate>();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [formError, setFormError] = useState<string | null>(null);
  const create = roster.useMutation("post", "/api/roster/v1/colleges");

  async function submit() {
    let values: CollegeCreate;
    try {
      values = await form.validateFields();
    } catch {
      return; // the form shows what is missing
    }
    setFormError(null);
    const body = { code: values.code.trim(), name: values.name.trim() };
    try {
      const college = await create.mutateAsync({ body });
      message.success(`已新增院系：${college.name}`);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: rosterKey("/api/roster/v1/colleges") }),
        queryClient.invalidateQueries({
          queryKey: schedulingKey("/api/scheduling/v1/colleges"),
        }),
      ]);
      onClose();
    } catch (err) {
      if (err instanceof ApiError) {
        const { byField, rest } = issuesByField(err.issues, FORM_FIELDS);
        if (err.code === "college_code_taken" && !byField.code) byField.code = [err.message];
        const fields = Object.entries(byField).map(([name, errors]) => ({ name: name as keyof CollegeCreate, errors }));
        if (fields.length) form.setFields(fields);
        const shownOnFields = fields.length > 0 && rest.length === 0;
        if (!shownOnFields) setFormError(rest.length ? rest.join("；") : err.message);
      } else {
        setFormError(errorMessage(err));
      }
    }
  }

  return (
    <Modal
      title="新增院系"
      open={open}
      okText="保存"
      cancelText="取消"
      confirmLoading={create.isPending}
      onOk={() => void submit()}
      onCancel={onClose}
      destroyOnHidden
      afterClose={() => setFormError(null)}
    >
      <Form<CollegeCreate>
        form={form}
        name="college"
        layout="vertical"
        preserve={false}
        style={{ marginTop: 16 }}
      >
        {formError && <Alert type="error" showIcon title={formError} style={{ marginBottom: 16 }} />}
        <Form.Item
          label="院系代码"
          name="code"
          extra="学校自定的院系（学院）代码，如 001、07；同一学校内不能重复"
          rules={[
            { required: true, whitespace: true, message: "请输入院系代码" },
            { pattern: /^\s*[0-9A-Za-z_-]{1,20}\s*$/, message: "院系代码只能包含字母、数字、- 或 _，最多 20 位" },
          ]}
        >
          <Input placeholder="例如：07" maxLength={20} autoComplete="off" />
        </Form.Item>
        <Form.Item
          label="院系名称"
          name="name"
          rules={[
            { required: true, whitespace: true, message: "请输入院系名称" },
            { max: 80, message: "院系名称不能超过 80 个字" },
          ]}
        >
          <Input
            placeholder="例如：信息工程学院"
            maxLength={80}
            autoComplete="off"
            onPressEnter={() => void submit()}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export default function CollegesPage() {
  const me = useCurrentUser();
  const [adding, setAdding] = useState(false);
  const colleges = roster.useQuery("get", "/api/roster/v1/colleges");

  // The scheduling service learns about colleges from roster's events; show whether each one has arrived there.
  const items = colleges.data?.items ?? [];
  const synced = scheduling.useQuery("get", "/api/scheduling/v1/colleges", {}, {
    enabled: colleges.isSuccess,
    refetchInterval: (query) => {
      if (query.state.status === "error") return false;
      const have = new Set((query.state.data?.items ?? []).map(collegeSyncKey));
      return items.some((c) => !have.has(collegeSyncKey(c))) ? 2000 : false;
    },
  });
  const syncedKeys = useMemo(() => new Set((synced.data?.items ?? []).map(collegeSyncKey)), [synced.data]);

  const columns: DataColumn<College>[] = [
    { title: "院系代码", dataIndex: "code", width: 140, sorter: (a, b) => a.code.localeCompare(b.code) },
    { title: "院系名称", dataIndex: "name" },
    {
      title: "创建时间",
      dataIndex: "created_at",
      width: 180,
      render: (value: string) => formatDateTime(value),
      exportValue: (c) => formatDateTime(c.created_at),
      sorter: (a, b) => a.created_at.localeCompare(b.created_at),
    },
    {
      title: (
        <Tooltip title="排期服务是否已收到该院系（新增后通常几秒内同步）">
          <span>排期同步</span>
        </Tooltip>
      ),
      key: "sync",
      width: 120,
      exportTitle: "排期同步",
      exportValue: (c) => (syncedKeys.has(collegeSyncKey(c)) ? "已同步" : "同步中"),
      render: (_: unknown, college: College) => {
        if (synced.isError) return <Tooltip title={errorMessage(synced.error)}>—</Tooltip>;
        if (!synced.data) return <Tag>查询中</Tag>;
        return syncedKeys.has(collegeSyncKey(college)) ? (
          <Tag color="success">已同步</Tag>
        ) : (
          <Tag color="processing">同步中</Tag>
        );
      },
    },
  ];

  return (
    <PageContainer
      title="院系管理"
      subTitle={`${me.school_name ?? "本校"}的院系（学院）。学生名单导入、排期与统计都按院系组织。`}
    >
      <DataTable<College>
        title="院系列表"
        query={colleges}
        errorTitle="院系列表加载失败"
        rows={items}
        rowKey="id"
        columns={columns}
        pagination={{ defaultPageSize: 50, total: (n) => `共 ${n} 个院系` }}
        exportName="院系列表"
        emptyText="还没有院系，点击右上角“新增院系”添加"
        table={{ scroll: { x: 600 } }}
        toolbar={
          <Button type="primary" icon={<PlusOutlined aria-hidden />} onClick={() => setAdding(true)}>
            新增院系
          </Button>
        }
      />
      <AddCollegeModal open={adding} onClose={() => setAdding(false)} />
    </PageContainer>
  );
}
