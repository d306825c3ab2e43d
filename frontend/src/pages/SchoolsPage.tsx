import { PlusOutlined } from "@ant-design/icons";
import { useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Form, Input, Modal, Select } from "antd";
import { useState } from "react";
import { roster, rosterKey } from "../api/client";
import type { School, SchoolCreate } from "../api/types";
import { DataTable, type DataColumn } from "../components/DataTable";
import { applyProblem } from "../components/formErrors";
import { useCurrentUser } from "../auth/AuthContext";
import { PageContainer } from "../layout/PageContainer";
import { provinceName } from "../lib/regions";

const columns: DataColumn<School>[] = [
  { title: "院校代码", dataIndex: "code", width: 140, sorter: (a, b) => a.code.localeCompare(b.code), defaultSortOrder: "ascend" },
  { title: "院校名称", dataIndex: "name" },
  { title: "所在省份", dataIndex: "province_code", width: 160, render: (code: string) => provinceName(code), exportValue: (s) => provinceName(s.province_code) },
];

const SCHOOL_FIELDS = ["code", "name", "province_code"] as const;

/** A province adds a school in its own province; the platform admin picks the province. */
function AddSchoolModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const me = useCurrentUser();
  const platform = me.role === "platform_admin";
  const [form] = Form.useForm<SchoolCreate>();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [formError, setFormError] = useState<string | null>(null);
  const create = roster.useMutation("post", "/api/roster/v1/schools");
  const provinces = roster.useQuery("get", "/api/roster/v1/provinces", {}, { enabled: platform && open });

  async function submit() {
    let values: SchoolCreate;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setFormError(null);
    try {
      const school = await create.mutateAsync({
        body: { code: values.code.trim(), name: values.name.trim(), province_code: platform ? values.province_code : null },
      });
      message.success(`已新增学校：${school.name}`);
      await queryClient.invalidateQueries({ queryKey: rosterKey("/api/roster/v1/schools") });
      onClose();
    } catch (err) {
      setFormError(applyProblem(form, err, SCHOOL_FIELDS, { school_exists: "code", province_out_of_scope: "province_code" }));
    }
  }

  return (
    <Modal
      title="新增学校"
      open={open}
      okText="保存"
      cancelText="取消"
      confirmLoading={create.isPending}
      onOk={() => void submit()}
      onCancel={onClose}
      destroyOnHidden
      afterClose={() => setFormError(null)}
    >
      <Form<SchoolCreate> form={form} name="school" layout="vertical" preserve={false} style={{ marginTop: 16 }}>
        {formError && <Alert type="error" showIcon title={formError} style={{ marginBottom: 16 }} />}
        <Form.Item
          label="院校代码"
          name="code"
          extra="教育部颁发的 5 位院校代码；分校区使用主校区的代码"
          rules={[
            { required: true, whitespace: true, message: "请输入院校代码" },
            { pattern: /^\s*\d{5}\s*$/, message: "院校代码为 5 位数字" },
          ]}
        >
          <Input maxLength={5} inputMode="numeric" placeholder="如 10403" autoComplete="off" />
        </Form.Item>
        <Form.Item
          label="院校名称"
          name="name"
          rules={[
            { required: true, whitespace: true, message: "请输入院校名称" },
            { min: 2, max: 80, message: "院校名称为 2–80 个字" },
          ]}
        >
          <Input maxLength={80} placeholder="如 南昌大学" autoComplete="off" />
        </Form.Item>
        {platform ? (
          <Form.Item label="所在省份" name="province_code" rules={[{ required: true, message: "请选择省份" }]}>
            <Select
              loading={provinces.isPending}
              options={(provinces.data?.items ?? []).map((p) => ({ value: p.code, label: p.name }))}
            />
          </Form.Item>
        ) : (
          <Form.Item label="所在省份">
            <Input value={me.province_name ?? ""} disabled />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

export default function SchoolsPage() {
  const me = useCurrentUser();
  const canAdd = me.role === "province_reviewer" || me.role === "platform_admin";
  const [adding, setAdding] = useState(false);
  const schools = roster.useQuery("get", "/api/roster/v1/schools");
  const scope = me.role === "platform_admin" ? "全部省份" : (me.province_name ?? "本省");

  return (
    <PageContainer title="学校" subTitle={`${scope}参加毕业生图像采集的高校`}>
      <DataTable<School>
        title="学校列表"
        query={schools}
        errorTitle="学校列表加载失败"
        rows={schools.data?.items ?? []}
        rowKey="code"
        columns={columns}
        search={{ placeholder: "按院校代码或名称筛选", fields: (s) => [s.code, s.name] }}
        pagination={{ total: (n) => `共 ${n} 所学校` }}
        exportName="学校列表"
        emptyText="暂无学校"
        filteredEmptyText="没有符合条件的学校"
        table={{ scroll: { x: 480 } }}
        toolbar={
          canAdd && (
            <Button type="primary" icon={<PlusOutlined aria-hidden />} onClick={() => setAdding(true)}>
              新增学校
            </Button>
          )
        }
      />
      {canAdd && <AddSchoolModal open={adding} onClose={() => setAdding(false)} />}
    </PageContainer>
  );
}
