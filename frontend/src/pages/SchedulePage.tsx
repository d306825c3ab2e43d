import { Alert, App, Button, Card, DatePicker, Descriptions, Empty, Flex, Form, Input, InputNumber, Modal, Select, Space, Tabs, Tag, Typography } from "antd";
import { useQueryClient } from "@tanstack/react-query";
import type dayjs from "dayjs";
import { useState } from "react";
import { Link, useSearchParams } from "react-router";
import { errorMessage } from "../api/problem";
import { roster, scheduling, schedulingClient, schedulingKey } from "../api/client";
import type { components } from "../api/schema/scheduling";
import { useCurrentUser } from "../auth/AuthContext";
import { DataTable, type DataColumn } from "../components/DataTable";
import { PageContainer } from "../layout/PageContainer";
import { saveResponse } from "../lib/download";
import { type BlackoutRow, HHMM, blackoutsBody, blackoutsText, endProblem } from "./blackouts";
import { PlanGrid } from "./PlanGrid";

type CaptureDay = components["schemas"]["CaptureDayOut"];
type Plan = components["schemas"]["PlanOut"];

const STATUS: Record<string, { label: string; color: string }> = {
  solving: { label: "求解中", color: "processing" },
  draft: { label: "草稿", color: "default" },
  published: { label: "已发布", color: "success" },
  superseded: { label: "已替换", color: "default" },
};

const datesText = (d: CaptureDay) => d.dates.map((x) => `${x.date}（${x.weekday}）`).join("、");
const windowsText = (d: CaptureDay) => d.windows.map((w) => `${w.start}–${w.end}`).join("、");
const roomsText = (d: CaptureDay) => d.rooms.map((r) => `${r.id}×${r.stations}`).join("、");

const dayColumns: DataColumn<CaptureDay>[] = [
  { title: "名称", dataIndex: "title" },
  { title: "日期", key: "dates", render: (_: unknown, d: CaptureDay) => datesText(d), exportValue: datesText },
  { title: "时段", key: "windows", render: (_: unknown, d: CaptureDay) => windowsText(d), exportValue: windowsText },
  { title: "场地", key: "rooms", render: (_: unknown, d: CaptureDay) => roomsText(d), exportValue: roomsText },
  {
    title: "停用时段",
    key: "blackouts",
    render: (_: unknown, d: CaptureDay) => blackoutsText(d.blackouts),
    exportValue: (d) => blackoutsText(d.blackouts),
  },
  { title: "速率（人/分/机位）", dataIndex: "rate_per_station_per_minute", width: 140 },
];

export default function SchedulePage() {
  const me = useCurrentUser();
  const isAgency = me.role === "agency_admin" || me.role === "platform_admin";
  // ?school=…&day=… (the dashboard's links to one capture day)
  const [params] = useSearchParams();
  const [school, setSchool] = useState<string | undefined>(params.get("school") ?? me.school_code ?? undefined);
  const [selected, setSelected] = useState<string | null>(params.get("day"));
  const [creating, setCreating] = useState(false);
  const schools = roster.useQuery("get", "/api/roster/v1/schools", {}, { enabled: isAgency });
  const days = scheduling.useQuery("get", "/api/scheduling/v1/capture-days", { params: { query: { school_code: school } } });
  const items = days.data?.items ?? [];
  const day = items.find((d) => d.id === selected) ?? items[0];

  return (
    <PageContainer
      title="采集排期"
      subTitle="采集日的日期、场地、机位与时段；按院系、班级连续分配拍摄时间。时间均为北京时间。"
      extra={
        isAgency ? (
          <Space>
            <Select
              placeholder="选择学校"
              style={{ width: 220 }}
              value={school}
              onChange={setSchool}
              options={(schools.data?.items ?? []).map((s) => ({ value: s.code, label: `${s.name}（${s.code}）` }))}
            />
            <Button type="primary" disabled={!school} onClick={() => setCreating(true)}>
              新建采集日
            </Button>
          </Space>
        ) : undefined
      }
    >
      <DataTable<CaptureDay>
        title="采集日"
        query={days}
        errorTitle="采集日加载失败"
        rows={items}
        rowKey="id"
        columns={dayColumns}
        pick={{ key: day?.id, onPick: (row) => setSelected(row.id) }}
        pagination={{ total: (n) => `共 ${n} 个采集日`, hideOnSinglePage: true }}
        exportName="采集日"
        emptyText={isAgency ? (school ? "尚无采集日，可点击「新建采集日」" : "尚无采集日，请选择学校后新建") : "采集中心尚未安排采集日"}
        table={{ size: "small" }}
      />
      {day ? <DayPanel day={day} isAgency={isAgency} /> : null}
      {creating && school ? <DayForm school={school} onClose={() => setCreating(false)} onCreated={setSelected} /> : null}
    </PageContainer>
  );
}

function DayPanel({ day, isAgency }: { day: CaptureDay; isAgency: boolean }) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const plans = scheduling.useQuery("get", "/api/scheduling/v1/capture-days/{day_id}/plans", { params: { path: { day_id: day.id } } });
  const latest = plans.data?.items[0];
  const plan = scheduling.useQuery(
    "get",
    "/api/scheduling/v1/plans/{plan_id}",
    { params: { path: { plan_id: latest?.id ?? "" } } },
    { enabled: latest !== undefined, refetchInterval: (q) => (q.state.data?.status === "solving" ? 2000 : false) },
  );
  const solve = scheduling.useMutation("post", "/api/scheduling/v1/capture-days/{day_id}/plan");
  const publish = scheduling.useMutation("post", "/api/scheduling/v1/plans/{plan_id}/publish");
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: schedulingKey("/api/scheduling/v1/capture-days/{day_id}/plans") });
    void queryClient.invalidateQueries({ queryKey: schedulingKey("/api/scheduling/v1/plans/{plan_id}") });
  };

  async function save(run: () => Promise<{ data?: Blob; response: Response }>, fallback: string) {
    try {
      message.success(`已下载：${saveResponse(await run(), fallback)}`);
    } catch (err) {
      message.error(errorMessage(err));
    }
  }
  const path = { day_id: day.id };
  const download = (by: "room" | "college" | "school") =>
    save(() => schedulingClient.GET("/api/scheduling/v1/capture-days/{day_id}/timetable.xlsx", { params: { path, query: { by } }, parseAs: "blob" }), "采集时间安排.xlsx");
  const downloadPdf = (by: "room" | "class") =>
    save(
      () => schedulingClient.GET("/api/scheduling/v1/capture-days/{day_id}/timetable.pdf", { params: { path, query: { by } }, parseAs: "blob" }),
      by === "class" ? "班级采集通知.pdf" : "采集时间安排.pdf",
    );

  const current: Plan | undefined = plan.data;
  return (
    <Card
      title={`${day.title || "采集日"}：排期`}
      extra={
        <Space wrap>
          {isAgency ? (
            <Button
              type="primary"
              loading={solve.isPending}
              onClick={() =>
                solve.mutate({ params: { path: { day_id: day.id } } }, {
                  onSuccess: () => { message.success("排期已生成"); refresh(); },
                  onError: (e) => message.error(errorMessage(e)),
                })
              }
            >
              {latest ? "重新排期" : "生成排期"}
            </Button>
          ) : null}
          {isAgency && current?.status === "draft" ? (
            <Button
              loading={publish.isPending}
              onClick={() =>
                publish.mutate({ params: { path: { plan_id: current.id } } }, {
                  onSuccess: () => { message.success("已发布，学生可查看本人采集时间"); refresh(); },
                  onError: (e) => message.error(errorMessage(e)),
                })
              }
            >
              发布
            </Button>
          ) : null}
          {current?.status === "published" ? <Link to={`/schedule/${day.id}/board`}><Button>实时看板</Button></Link> : null}
          <Button onClick={() => download("room")}>按场地下载</Button>
          <Button onClick={() => download("college")}>按学院下载</Button>
          <Button onClick={() => download("school")}>全校时间表</Button>
          <Button onClick={() => downloadPdf("room")}>场地时间表 PDF</Button>
          <Button onClick={() => downloadPdf("class")}>班级通知 PDF</Button>
        </Space>
      }
    >
      {current ? (
        <Flex vertical gap={12}>
          <Descriptions size="small" column={4}>
            <Descriptions.Item label="状态"><Tag color={STATUS[current.status]?.color}>{STATUS[current.status]?.label ?? current.status}</Tag></Descriptions.Item>
            <Descriptions.Item label="已安排">{current.students_placed ?? "—"} / {current.students_total ?? "—"} 人</Descriptions.Item>
            <Descriptions.Item label="理论最短用时">{current.lower_bound_minutes ?? "—"} 分钟</Descriptions.Item>
            <Descriptions.Item label="各场地结束">{Object.entries(current.room_finish).map(([r, t]) => `${r} ${t ?? "—"}`).join("；")}</Descriptions.Item>
          </Descriptions>
          {current.unplaced.length > 0 ? (
            <Alert
              type="warning"
              showIcon
              title={`${current.unplaced.length} 个班级排不下`}
              description={current.unplaced.map((u) => `${u.college} ${u.class_name}（${u.students} 人）还差 ${u.short_minutes} 分钟`).join("；")}
            />
          ) : null}
          {current.moved && current.moved.length > 0 ? (
            <Alert type="info" showIcon title={`重新排期保留 ${current.kept ?? 0} 个班级，调整 ${current.moved.length} 个`} />
          ) : null}
          <Tabs
            items={day.dates.map((d) => ({
              key: d.date,
              label: `${d.date} ${d.weekday}`,
              children: <PlanGrid plan={current} day={day} date={d.date} editable={isAgency && current.status === "draft"} onMoved={refresh} />,
            }))}
          />
        </Flex>
      ) : (
        <Empty description={plans.isLoading ? "加载中" : "尚未排期"} />
      )}
      <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>
        草稿可拖动班级调整时间或场地，系统会重新校验时段、停用时间与冲突；发布后学生在手机端查看本人的采集日期、地点与到场时间。
      </Typography.Paragraph>
    </Card>
  );
}

interface DayFormValues {
  title: string;
  dates: dayjs.Dayjs[];
  windows: string;
  rooms: { id: string; campus?: string; stations: number }[];
  blackouts?: BlackoutRow[];
  rate: number;
  lead: number;
}

function DayForm({ school, onClose, onCreated }: { school: string; onClose: () => void; onCreated: (id: string) => void }) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<DayFormValues>();
  const create = scheduling.useMutation("post", "/api/scheduling/v1/capture-days");
  const submit = (v: DayFormValues) => {
    const windows = v.windows.split(/[,，;；\s]+/).filter(Boolean).map((w) => {
      const [start, end] = w.split(/[-–~]/);
      return { start, end };
    });
    create.mutate(
      {
        body: {
          school_code: school,
          term: "2026-06",
          title: v.title,
          dates: v.dates.map((d) => d.format("YYYY-MM-DD")),
          windows,
          rooms: v.rooms.map((r) => ({ id: r.id, campus: r.campus || null, stations: r.stations })),
          blackouts: blackoutsBody(v.blackouts),
          rate_per_station_per_minute: v.rate,
          arrival_lead_minutes: v.lead,
        },
      },
      {
        onSuccess: (day) => {
          message.success("采集日已创建");
          void queryClient.invalidateQueries({ queryKey: schedulingKey("/api/scheduling/v1/capture-days") });
          onCreated(day.id);
          onClose();
        },
        onError: (e) => message.error(errorMessage(e)),
      },
    );
  };
  return (
    <Modal open title="新建采集日" okText="保存" cancelText="取消" onCancel={onClose} onOk={() => form.submit()} confirmLoading={create.isPending} width={640}>
      <Form<DayFormValues>
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={{ windows: "09:00-12:00, 13:00-16:45", rooms: [{ id: "", stations: 1 }], rate: 2.7, lead: 20 }}
      >
        <Form.Item name="title" label="名称" rules={[{ required: true, message: "请填写名称" }]}>
          <Input placeholder="如：前湖校区集中采集" />
        </Form.Item>
        <Form.Item name="dates" label="采集日期" rules={[{ required: true, message: "请选择日期" }]}>
          <DatePicker multiple style={{ width: "100%" }} />
        </Form.Item>
        <Form.Item name="windows" label="每日时段（北京时间）" rules={[{ required: true }]} extra="多个时段用逗号分隔，如 09:00-12:00, 13:00-16:45">
          <Input />
        </Form.Item>
        <Form.List name="rooms">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f) => (
                <Space key={f.key} align="baseline">
                  <Form.Item name={[f.name, "id"]} label="场地" rules={[{ required: true, message: "请填写场地" }]}>
                    <Input placeholder="图书馆E201" />
                  </Form.Item>
                  <Form.Item name={[f.name, "campus"]} label="校区">
                    <Input placeholder="前湖校区" />
                  </Form.Item>
                  <Form.Item name={[f.name, "stations"]} label="机位">
                    <InputNumber min={1} max={50} />
                  </Form.Item>
                  {fields.length > 1 ? <Button type="link" onClick={() => remove(f.name)}>删除</Button> : null}
                </Space>
              ))}
              <Button type="dashed" onClick={() => add({ id: "", stations: 1 })} block>
                添加场地
              </Button>
            </>
          )}
        </Form.List>
        <BlackoutsField />
        <Space style={{ marginTop: 16 }}>
          <Form.Item name="rate" label="速率（人/分钟/机位）">
            <InputNumber min={0.1} max={60} step={0.1} />
          </Form.Item>
          <Form.Item name="lead" label="提前到场（分钟）">
            <InputNumber min={0} max={240} />
          </Form.Item>
        </Space>
      </Form>
    </Modal>
  );
}

/** 停用时段: a date of the day, a time range, and one room or every room (the form's dates and rooms so far). */
function BlackoutsField() {
  const form = Form.useFormInstance<DayFormValues>();
  const dates = (Form.useWatch("dates", form) ?? []).map((d) => d.format("YYYY-MM-DD"));
  const rooms = (Form.useWatch("rooms", form) ?? []).map((r) => r?.id).filter((id): id is string => Boolean(id));
  return (
    <Form.List name="blackouts">
      {(fields, { add, remove }) => (
        <fieldset aria-label="停用时段" style={{ border: 0, padding: 0, marginTop: 16 }}>
          <Typography.Text strong>停用时段</Typography.Text>
          <Typography.Text type="secondary">（如课间、场地占用；不选场地即全部场地）</Typography.Text>
          {fields.map((f) => (
            <Space key={f.key} align="baseline" wrap style={{ display: "flex", marginTop: 8 }}>
              <Form.Item name={[f.name, "date"]} label="日期" rules={[{ required: true, message: "请选择日期" }]}>
                <Select aria-label={`停用日期 ${f.name + 1}`} style={{ width: 140 }} options={dates.map((d) => ({ value: d, label: d }))} notFoundContent="请先选择采集日期" />
              </Form.Item>
              <Form.Item name={[f.name, "start"]} label="开始" rules={[{ required: true, pattern: HHMM, message: "如 10:00" }]}>
                <Input aria-label={`停用开始 ${f.name + 1}`} style={{ width: 90 }} placeholder="10:00" />
              </Form.Item>
              <Form.Item
                name={[f.name, "end"]}
                label="结束"
                dependencies={[["blackouts", f.name, "start"]]}
                rules={[
                  ({ getFieldValue }) => ({
                    validator: (_, end?: string) => {
                      const problem = endProblem(getFieldValue(["blackouts", f.name, "start"]) as string | undefined, end);
                      return problem ? Promise.reject(new Error(problem)) : Promise.resolve();
                    },
                  }),
                ]}
              >
                <Input aria-label={`停用结束 ${f.name + 1}`} style={{ width: 90 }} placeholder="10:15" />
              </Form.Item>
              <Form.Item name={[f.name, "room"]} label="场地">
                <Select aria-label={`停用场地 ${f.name + 1}`} allowClear placeholder="全部场地" style={{ width: 160 }} options={rooms.map((r) => ({ value: r, label: r }))} />
              </Form.Item>
              <Button type="link" onClick={() => remove(f.name)}>删除</Button>
            </Space>
          ))}
          <Button type="dashed" onClick={() => add({})} block style={{ marginTop: 8 }}>
            添加停用时段
          </Button>
        </fieldset>
      )}
    </Form.List>
  );
}
