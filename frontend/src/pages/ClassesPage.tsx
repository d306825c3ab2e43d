import { DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import { useQueryClient } from "@tanstack/react-query";
import {
  Alert,
  App,
  Button,
  Card,
  Empty,
  Flex,
  Form,
  Input,
  Modal,
  Popconfirm,
  Radio,
  Select,
  Table,
  Tabs,
  Tag,
  Typography,
} from "antd";
import { useEffect, useMemo, useState } from "react";
import { useSearchParams } from "react-router";
import { roster, rosterKey } from "../api/client";
import { errorMessage } from "../api/problem";
import type { Coordinator, CoordinatorCreate, SchoolClass, SchoolUpdate } from "../api/types";
import { useCurrentUser } from "../auth/AuthContext";
import { DataTable, type DataColumn } from "../components/DataTable";
import { PrintPassesButton } from "../components/PrintPassesButton";
import { QueryErrorAlert } from "../components/QueryErrorAlert";
import { applyProblem } from "../components/formErrors";
import { PageContainer } from "../layout/PageContainer";
import { COORDINATOR_KINDS, SECOND_FACTORS } from "./rosterLabels";

const trim = (v: string | null | undefined) => (v ?? "").trim();

function useCollegeNames() {
  const colleges = roster.useQuery("get", "/api/roster/v1/colleges");
  const names = useMemo(() => new Map((colleges.data?.items ?? []).map((c) => [c.id, c.name])), [colleges.data]);
  return { colleges, names };
}

function ClassesTab() {
  const me = useCurrentUser();
  const { colleges, names } = useCollegeNames();
  const classes = roster.useQuery("get", "/api/roster/v1/classes");
  const [collegeId, setCollegeId] = useState<string | undefined>();
  const rows = useMemo(
    () =>
      (classes.data?.items ?? [])
        .filter((c) => !collegeId || c.college_id === collegeId)
        .sort(
          (a, b) =>
            (names.get(a.college_id) ?? "").localeCompare(names.get(b.college_id) ?? "", "zh-CN") ||
            a.code.localeCompare(b.code),
        ),
    [classes.data, collegeId, names],
  );
  const total = rows.reduce((sum, c) => sum + (c.students ?? 0), 0);
  const columns: DataColumn<SchoolClass>[] = [
    { title: "院系", dataIndex: "college_id", render: (id: string) => names.get(id) ?? "—", exportValue: (c) => names.get(c.college_id), width: 200 },
    { title: "班号", dataIndex: "code", width: 140 },
    { title: "班级名称", dataIndex: "name" },
    { title: "学生人数", dataIndex: "students", width: 110, align: "right", sorter: (a, b) => (a.students ?? 0) - (b.students ?? 0) },
    ...(me.role === "school_admin"
      ? [
          {
            title: "操作",
            key: "action",
            width: 150,
            exportValue: false as const,
            render: (_: unknown, c: SchoolClass) => <PrintPassesButton classId={c.id} classCode={c.code} size="small" />,
          },
        ]
      : []),
  ];
  return (
    <DataTable<SchoolClass>
      bare
      query={classes}
      errorTitle="班级加载失败"
      rows={rows}
      rowKey="id"
      columns={columns}
      filters={[
        {
          key: "college",
          label: "院系",
          placeholder: "全部院系",
          width: 220,
          value: collegeId,
          loading: colleges.isPending,
          options: (colleges.data?.items ?? []).map((c) => ({ value: c.id, label: c.name })),
          onChange: setCollegeId,
        },
      ]}
      filterExtra={<Typography.Text type="secondary">班级随名单导入自动建立（按「学院」「班号」列）。</Typography.Text>}
      pagination={{ defaultPageSize: 50, pageSizeOptions: [50, 100, 200], hideOnSinglePage: true, total: (n) => `共 ${n} 个班级` }}
      exportName="班级"
      emptyText="还没有班级，导入名单后自动建立"
      filteredEmptyText="该院系还没有班级"
      table={{
        size: "middle",
        scroll: { x: 600 },
        summary: () =>
          rows.length > 0 ? (
            <Table.Summary.Row>
              <Table.Summary.Cell index={0} colSpan={3}>
                <Typography.Text strong>合计 {rows.length} 个班级</Typography.Text>
              </Table.Summary.Cell>
              <Table.Summary.Cell index={1} align="right">
                <Typography.Text strong>{total}</Typography.Text>
              </Table.Summary.Cell>
              {me.role === "school_admin" && <Table.Summary.Cell index={2} />}
            </Table.Summary.Row>
          ) : null,
      }}
    />
  );
}

const COORDINATOR_FIELDS = ["kind", "college_id", "class_id", "name", "phone"] as const;

function AddCoordinatorModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [form] = Form.useForm<CoordinatorCreate>();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [formError, setFormError] = useState<string | null>(null);
  const { colleges } = useCollegeNames();
  const classes = roster.useQuery("get", "/api/roster/v1/classes");
  const create = roster.useMutation("post", "/api/roster/v1/coordinators");
  const kind = Form.useWatch("kind", form);
  const collegeId = Form.useWatch("college_id", form);

  async function submit() {
    let values: CoordinatorCreate;
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setFormError(null);
    try {
      const c = await create.mutateAsync({
        body: {
          kind: values.kind,
          college_id: values.college_id,
          class_id: values.kind === "class_student" ? values.class_id : null,
          name: values.name.trim(),
          phone: values.phone.trim(),
        },
      });
      message.success(`已添加联络人：${c.name}`);
      await queryClient.invalidateQueries({ queryKey: rosterKey("/api/roster/v1/coordinators") });
      onClose();
    } catch (err) {
      setFormError(applyProblem(form, err, COORDINATOR_FIELDS));
    }
  }

  return (
    <Modal
      title="添加联络人"
      open={open}
      okText="保存"
      cancelText="取消"
      onOk={() => void submit()}
      onCancel={onClose}
      confirmLoading={create.isPending}
      destroyOnHidden
      afterClose={() => setFormError(null)}
    >
      <Form<CoordinatorCreate>
        form={form}
        name="coordinator"
        layout="vertical"
        preserve={false}
        initialValues={{ kind: "college_teacher" }}
        style={{ marginTop: 16 }}
      >
        {formError && <Alert type="error" showIcon title={formError} style={{ marginBottom: 16 }} />}
        <Form.Item label="类型" name="kind" extra="每个院系一名联络老师；每个班级两名联络学生（如班长、团支书）">
          <Radio.Group
            optionType="button"
            options={Object.entries(COORDINATOR_KINDS).map(([value, label]) => ({ value, label }))}
          />
        </Form.Item>
        <Form.Item label="院系" name="college_id" rules={[{ required: true, message: "请选择院系" }]}>
          <Select
            showSearch={{ optionFilterProp: "label" }}
            placeholder="请选择院系"
            options={(colleges.data?.items ?? []).map((c) => ({ value: c.id, label: c.name }))}
            onChange={() => form.setFieldValue("class_id", undefined)}
          />
        </Form.Item>
        {kind === "class_student" && (
          <Form.Item label="班级" name="class_id" rules={[{ required: true, message: "请选择班级" }]}>
            <Select
              showSearch={{ optionFilterProp: "label" }}
              placeholder={collegeId ? "请选择班级" : "请先选择院系"}
              disabled={!collegeId}
              notFoundContent="该院系暂无班级"
              options={(classes.data?.items ?? [])
                .filter((c) => c.college_id === collegeId)
                .map((c) => ({ value: c.id, label: `${c.code} ${c.name}` }))}
            />
          </Form.Item>
        )}
        <Form.Item label="姓名" name="name" rules={[{ required: true, whitespace: true, message: "请输入姓名" }, { max: 40 }]}>
          <Input maxLength={40} autoComplete="off" />
        </Form.Item>
        <Form.Item
          label="手机号"
          name="phone"
          rules={[
            { required: true, whitespace: true, message: "请输入手机号" },
            { pattern: /^\s*(1\d{10}|0\d{2,3}-?\d{7,8})\s*$/, message: "请输入 11 位手机号或带区号的固定电话" },
          ]}
        >
          <Input maxLength={20} inputMode="tel" autoComplete="off" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function CoordinatorsTab() {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const { names } = useCollegeNames();
  const classes = roster.useQuery("get", "/api/roster/v1/classes");
  const coordinators = roster.useQuery("get", "/api/roster/v1/coordinators");
  const remove = roster.useMutation("delete", "/api/roster/v1/coordinators/{coordinator_id}");
  const [adding, setAdding] = useState(false);
  const classNames = useMemo(
    () => new Map((classes.data?.items ?? []).map((c) => [c.id, `${c.code} ${c.name}`])),
    [classes.data],
  );

  async function onRemove(c: Coordinator) {
    try {
      await remove.mutateAsync({ params: { path: { coordinator_id: c.id } } });
      message.success(`已移除联络人：${c.name}`);
      await queryClient.invalidateQueries({ queryKey: rosterKey("/api/roster/v1/coordinators") });
    } catch (err) {
      message.error(errorMessage(err));
    }
  }

  const columns: DataColumn<Coordinator>[] = [
    {
      title: "类型",
      dataIndex: "kind",
      width: 130,
      exportValue: (c) => COORDINATOR_KINDS[c.kind] ?? c.kind,
      render: (k: string) => <Tag color={k === "college_teacher" ? "blue" : "cyan"}>{COORDINATOR_KINDS[k] ?? k}</Tag>,
    },
    { title: "院系", dataIndex: "college_id", render: (id: string) => names.get(id) ?? "—", exportValue: (c) => names.get(c.college_id) },
    { title: "班级", dataIndex: "class_id", render: (id: string | null) => (id ? (classNames.get(id) ?? "—") : "—"), exportValue: (c) => (c.class_id ? classNames.get(c.class_id) : "") },
    { title: "姓名", dataIndex: "name", width: 120 },
    { title: "手机号", dataIndex: "phone", width: 150 },
    {
      title: "操作",
      key: "action",
      width: 80,
      exportValue: false,
      render: (_: unknown, c: Coordinator) => (
        <Popconfirm title={`移除联络人「${c.name}」？`} okText="移除" cancelText="取消" onConfirm={() => onRemove(c)}>
          <Button type="link" danger size="small" icon={<DeleteOutlined aria-hidden />}>
            移除
          </Button>
        </Popconfirm>
      ),
    },
  ];
  return (
    <>
      <DataTable<Coordinator>
        bare
        query={coordinators}
        errorTitle="联络人加载失败"
        rows={coordinators.data?.items ?? []}
        rowKey="id"
        columns={columns}
        filterExtra={<Typography.Text type="secondary">采集当天，联络人负责组织本院系、本班学生按名单顺序候拍。</Typography.Text>}
        pagination={{ defaultPageSize: 50, pageSizeOptions: [50, 100, 200], hideOnSinglePage: true, total: (n) => `共 ${n} 名联络人` }}
        exportName="联络人"
        emptyText="还没有联络人"
        table={{ size: "middle", scroll: { x: 700 } }}
        toolbar={
          <Button type="primary" icon={<PlusOutlined aria-hidden />} onClick={() => setAdding(true)}>
            添加联络人
          </Button>
        }
      />
      <AddCoordinatorModal open={adding} onClose={() => setAdding(false)} />
    </>
  );
}

const SCHOOL_FIELDS = [
  "contact_recipient",
  "contact_address",
  "contact_postcode",
  "contact_phone",
  "student_second_factor",
] as const;

function SchoolInfoTab() {
  const me = useCurrentUser();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<SchoolUpdate>();
  const [formError, setFormError] = useState<string | null>(null);
  const schools = roster.useQuery("get", "/api/roster/v1/schools");
  const school = schools.data?.items.find((s) => s.code === me.school_code);
  const update = roster.useMutation("patch", "/api/roster/v1/schools/{school_code}");

  useEffect(() => {
    if (school) form.setFieldsValue({ ...school, student_second_factor: school.student_second_factor as SchoolUpdate["student_second_factor"] });
  }, [school, form]);

  async function submit(values: SchoolUpdate) {
    if (!school) return;
    setFormError(null);
    try {
      await update.mutateAsync({
        params: { path: { school_code: school.code } },
        body: {
          contact_recipient: trim(values.contact_recipient),
          contact_address: trim(values.contact_address),
          contact_postcode: trim(values.contact_postcode) || null,
          contact_phone: trim(values.contact_phone) || null,
          student_second_factor: values.student_second_factor,
        },
      });
      message.success("学校信息已保存");
      await queryClient.invalidateQueries({ queryKey: rosterKey("/api/roster/v1/schools") });
    } catch (err) {
      setFormError(applyProblem(form, err, SCHOOL_FIELDS));
    }
  }

  if (schools.isError) {
    return <QueryErrorAlert title="学校信息加载失败" error={schools.error} onRetry={() => void schools.refetch()} />;
  }
  if (schools.isPending) return <Card loading variant="borderless" />;
  if (!school) return <Empty description="没有找到本校信息" />;

  return (
    <Form<SchoolUpdate>
      form={form}
      name="school"
      layout="vertical"
      onFinish={(v) => void submit(v)}
      style={{ maxWidth: 560 }}
    >
      <Typography.Paragraph type="secondary">
        {school.name}（院校代码 {school.code}）。补拍联系信息印在补拍证明上，开具补拍证明前必须填写收件人、地址和电话。
      </Typography.Paragraph>
      {formError && <Alert type="error" showIcon title={formError} style={{ marginBottom: 16 }} />}
      <Form.Item label="补拍照片收件人" name="contact_recipient" rules={[{ max: 40, message: "不能超过 40 个字" }]}>
        <Input maxLength={40} placeholder="如 薛老师" />
      </Form.Item>
      <Form.Item label="邮寄地址" name="contact_address" rules={[{ max: 200, message: "不能超过 200 个字" }]}>
        <Input.TextArea rows={2} maxLength={200} />
      </Form.Item>
      <Flex gap={16} wrap>
        <Form.Item
          label="邮政编码"
          name="contact_postcode"
          style={{ flex: "1 1 160px" }}
          rules={[{ pattern: /^\s*(\d{6})?\s*$/, message: "邮政编码为 6 位数字" }]}
        >
          <Input maxLength={6} inputMode="numeric" />
        </Form.Item>
        <Form.Item
          label="联系电话"
          name="contact_phone"
          style={{ flex: "1 1 220px" }}
          rules={[{ pattern: /^\s*(1\d{10}|0\d{2,3}-?\d{7,8})?\s*$/, message: "请输入手机号或带区号的固定电话，如 0791-83969343" }]}
        >
          <Input maxLength={20} inputMode="tel" />
        </Form.Item>
      </Flex>
      <Form.Item
        label="学生登录验证方式"
        name="student_second_factor"
        extra="学生登录时除院校代码和学号外需要输入的验证信息"
      >
        <Select options={SECOND_FACTORS} />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={update.isPending}>
        保存
      </Button>
    </Form>
  );
}

/** Branch campuses keep the main school's 院校代码; students and capture days are placed by campus. */
function CampusesTab() {
  const me = useCurrentUser();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<{ name: string }>();
  const [formError, setFormError] = useState<string | null>(null);
  const campuses = roster.useQuery("get", "/api/roster/v1/campuses");
  const create = roster.useMutation("post", "/api/roster/v1/campuses");

  async function submit(values: { name: string }) {
    setFormError(null);
    try {
      const campus = await create.mutateAsync({ body: { name: values.name.trim() } });
      message.success(`已新增校区：${campus.name}`);
      form.resetFields();
      await queryClient.invalidateQueries({ queryKey: rosterKey("/api/roster/v1/campuses") });
    } catch (err) {
      setFormError(applyProblem(form, err, ["name"], { campus_exists: "name" }));
    }
  }

  return (
    <Flex vertical gap={16}>
      <Typography.Text type="secondary">
        分校区使用主校区的院校代码（{me.school_code}），在此登记校区名称，排期时按校区安排采集场地。
      </Typography.Text>
      <Form form={form} layout="inline" name="campus" onFinish={(v) => void submit(v)}>
        <Form.Item
          name="name"
          rules={[
            { required: true, whitespace: true, message: "请输入校区名称" },
            { min: 2, max: 80, message: "校区名称为 2–80 个字" },
          ]}
        >
          <Input placeholder="如 前湖校区" maxLength={80} style={{ width: 240 }} aria-label="校区名称" />
        </Form.Item>
        <Button type="primary" htmlType="submit" icon={<PlusOutlined aria-hidden />} loading={create.isPending}>
          新增校区
        </Button>
      </Form>
      {formError && <Alert type="error" showIcon title={formError} />}
      <DataTable
        bare
        query={campuses}
        errorTitle="校区加载失败"
        rows={campuses.data?.items ?? []}
        rowKey="id"
        columns={[
          { title: "校区名称", dataIndex: "name" },
          { title: "院校代码", dataIndex: "school_code", width: 140 },
        ]}
        exportName="校区"
        emptyText="还没有登记校区（只有一个校区的学校无需登记）"
        table={{ size: "middle" }}
      />
    </Flex>
  );
}

export default function ClassesPage() {
  const me = useCurrentUser();
  const [params, setParams] = useSearchParams();
  const tab = params.get("tab") ?? "classes";
  return (
    <PageContainer title="班级与联络人" subTitle={`${me.school_name ?? "本校"}的班级、联络人与补拍联系信息`}>
      <Card>
        <Tabs
          activeKey={tab}
          onChange={(key) => setParams({ tab: key }, { replace: true })}
          items={[
            { key: "classes", label: "班级", children: <ClassesTab /> },
            { key: "coordinators", label: "联络人", children: <CoordinatorsTab /> },
            { key: "campuses", label: "校区", children: <CampusesTab /> },
            { key: "school", label: "学校信息", children: <SchoolInfoTab /> },
          ]}
        />
      </Card>
    </PageContainer>
  );
}
