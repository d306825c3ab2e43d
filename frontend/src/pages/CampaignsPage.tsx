import { PlusOutlined } from "@ant-design/icons";
import { useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, DatePicker, Form, Input, Modal, Select, Space, Switch, Tag } from "antd";
import type { Dayjs } from "dayjs";
import { useState } from "react";
import { roster, rosterKey } from "../api/client";
import type { Campaign } from "../api/types";
import { useCurrentUser } from "../auth/AuthContext";
import { DataTable, type DataColumn } from "../components/DataTable";
import { applyProblem } from "../components/formErrors";
import { PageContainer } from "../layout/PageContainer";
import { dayjs } from "../lib/time";
import { LEVELS } from "./rosterLabels";

interface CampaignForm {
  term: string;
  name: string;
  levels: string[];
  exclude_part_time: boolean;
  window: [Dayjs, Dayjs];
}

const FIELDS = ["term", "name", "levels", "exclude_part_time", "window"] as const;

function CreateCampaignModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const me = useCurrentUser();
  const [form] = Form.useForm<CampaignForm>();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [formError, setFormError] = useState<string | null>(null);
  const create = roster.useMutation("post", "/api/roster/v1/campaigns");
  const nextYear = dayjs().year() + (dayjs().month() >= 6 ? 1 : 0);

  async function submit() {
    let values: CampaignForm;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setFormError(null);
    try {
      const c = await create.mutateAsync({
        body: {
          term: values.term.trim(),
          name: values.name.trim(),
          levels: values.levels,
          exclude_part_time: values.exclude_part_time,
          graduation_from: values.window[0].format("YYYY-MM-DD"),
          graduation_to: values.window[1].format("YYYY-MM-DD"),
        },
      });
      message.success(`已开启 ${c.term} 届采集工作`);
      await queryClient.invalidateQueries({ queryKey: rosterKey("/api/roster/v1/campaigns") });
      onClose();
    } catch (err) {
      setFormError(applyProblem(form, err, FIELDS, { campaign_exists: "term", graduation_window_inverted: "window" }));
    }
  }

  return (
    <Modal
      title="开启采集工作"
      open={open}
      okText="保存"
      cancelText="取消"
      confirmLoading={create.isPending}
      onOk={() => void submit()}
      onCancel={onClose}
      destroyOnHidden
      afterClose={() => setFormError(null)}
      width={560}
    >
      <Form<CampaignForm>
        form={form}
        name="campaign"
        layout="vertical"
        preserve={false}
        style={{ marginTop: 16 }}
        initialValues={{
          term: `${nextYear}-06`,
          name: `${me.province_name ?? ""}${nextYear}届高校毕业生图像信息采集`,
          levels: ["博士研究生", "硕士研究生", "本科", "专科"],
          exclude_part_time: true,
          window: [dayjs(`${nextYear}-01-01`), dayjs(`${nextYear}-12-31`)],
        }}
      >
        {formError && <Alert type="error" showIcon title={formError} style={{ marginBottom: 16 }} />}
        <Form.Item
          label="毕业届别"
          name="term"
          extra="毕业年月，如 2026-06"
          rules={[
            { required: true, whitespace: true, message: "请输入毕业届别" },
            { pattern: /^\s*\d{4}-(0[1-9]|1[0-2])\s*$/, message: "格式为 YYYY-MM，如 2026-06" },
          ]}
        >
          <Input maxLength={7} style={{ width: 160 }} />
        </Form.Item>
        <Form.Item label="名称" name="name" rules={[{ required: true, whitespace: true, message: "请输入名称" }, { max: 80 }]}>
          <Input maxLength={80} />
        </Form.Item>
        <Form.Item label="采集层次" name="levels" rules={[{ required: true, message: "请至少选择一个层次" }]}>
          <Select mode="multiple" options={LEVELS.map((l) => ({ value: l, label: l }))} placeholder="请选择" />
        </Form.Item>
        <Form.Item label="预计毕业日期范围" name="window" rules={[{ required: true, message: "请选择日期范围" }]}>
          <DatePicker.RangePicker style={{ width: "100%" }} />
        </Form.Item>
        <Form.Item
          label="非全日制学生"
          name="exclude_part_time"
          valuePropName="checked"
          extra="开启后，非全日制、函授、业余学生在资格审查中带「非全日制」标记"
        >
          <Switch checkedChildren="不统一采集" unCheckedChildren="一并采集" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export default function CampaignsPage() {
  const me = useCurrentUser();
  const [creating, setCreating] = useState(false);
  const campaigns = roster.useQuery("get", "/api/roster/v1/campaigns");
  const columns: DataColumn<Campaign>[] = [
    { title: "届别", dataIndex: "term", width: 100 },
    { title: "名称", dataIndex: "name" },
    {
      title: "采集层次",
      dataIndex: "levels",
      exportValue: (c) => c.levels.join("、"),
      render: (levels: string[]) => (
        <Space size={[4, 4]} wrap>
          {levels.map((l) => (
            <Tag key={l}>{l}</Tag>
          ))}
        </Space>
      ),
    },
    {
      title: "预计毕业日期",
      key: "window",
      width: 220,
      render: (_: unknown, c: Campaign) => `${c.graduation_from} 至 ${c.graduation_to}`,
      exportValue: (c) => `${c.graduation_from} 至 ${c.graduation_to}`,
    },
    {
      title: "非全日制",
      dataIndex: "exclude_part_time",
      width: 110,
      exportValue: (c) => (c.exclude_part_time ? "不统一采集" : "一并采集"),
      render: (v: boolean) => (v ? <Tag color="orange">不统一采集</Tag> : <Tag color="green">一并采集</Tag>),
    },
  ];
  return (
    <PageContainer title="采集工作" subTitle={`${me.province_name ?? "本省"}按毕业届别开展的图像采集工作；学校按届别提交名单审核。`}>
      <DataTable<Campaign>
        title="采集工作列表"
        query={campaigns}
        errorTitle="采集工作加载失败"
        rows={campaigns.data?.items ?? []}
        rowKey="id"
        columns={columns}
        exportName="采集工作"
        emptyText="还没有开启采集工作"
        table={{ scroll: { x: 900 } }}
        toolbar={
          <Button type="primary" icon={<PlusOutlined aria-hidden />} onClick={() => setCreating(true)}>
            开启采集工作
          </Button>
        }
      />
      <CreateCampaignModal open={creating} onClose={() => setCreating(false)} />
    </PageContainer>
  );
}
