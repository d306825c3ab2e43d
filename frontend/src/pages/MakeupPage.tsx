import { useQueryClient } from "@tanstack/react-query";
import { App, Button, DatePicker, Drawer, Form, Input, InputNumber, Modal, Select, Tag } from "antd";
import type { Dayjs } from "dayjs";
import { useMemo, useState } from "react";
import { errorMessage } from "../api/problem";
import { scheduling, schedulingKey } from "../api/client";
import type { components } from "../api/schema/scheduling";
import { useCurrentUser } from "../auth/AuthContext";
import { DataTable, type DataColumn } from "../components/DataTable";
import { PageContainer } from "../layout/PageContainer";

type MakeupWindow = components["schemas"]["MakeupWindowOut"];
type Booking = components["schemas"]["BookingOut"];

const PERIOD: Record<string, string> = { am: "上午", pm: "下午" };
const dateText = (w: MakeupWindow) => `${w.date}（${w.weekday}）`;
const periodText = (w: MakeupWindow) => `${PERIOD[w.period] ?? w.period} ${w.start}–${w.end}`;
const stateText = (w: MakeupWindow) => (w.free > 0 ? `余 ${w.free}` : "已满");

const windowColumns: DataColumn<MakeupWindow>[] = [
  { title: "日期", key: "date", render: (_: unknown, w: MakeupWindow) => dateText(w), exportValue: dateText },
  { title: "时段", key: "period", render: (_: unknown, w: MakeupWindow) => periodText(w), exportValue: periodText },
  { title: "地点", dataIndex: "location" },
  { title: "座位", dataIndex: "seats", align: "right" },
  { title: "已约", dataIndex: "booked", align: "right" },
  {
    title: "状态",
    key: "free",
    exportValue: stateText,
    render: (_: unknown, w: MakeupWindow) => <Tag color={w.free > 0 ? "success" : "error"}>{stateText(w)}</Tag>,
  },
];

const bookingColumns: DataColumn<Booking>[] = [
  { title: "姓名", dataIndex: "masked_name" },
  { title: "学校", dataIndex: "school_code" },
  { title: "学院", dataIndex: "college_name" },
  { title: "班级", dataIndex: "class_name" },
];

export default function MakeupPage() {
  const me = useCurrentUser();
  const isAgency = me.role === "agency_admin" || me.role === "platform_admin";
  const [opening, setOpening] = useState(false);
  const [listing, setListing] = useState<MakeupWindow | null>(null);
  const [period, setPeriod] = useState<string>();
  const [seats, setSeats] = useState<string>();
  const windows = scheduling.useQuery("get", "/api/scheduling/v1/makeup/windows");
  const rows = useMemo(
    () =>
      (windows.data?.items ?? []).filter(
        (w) => (!period || w.period === period) && (!seats || (seats === "free") === w.free > 0),
      ),
    [windows.data, period, seats],
  );
  const columns: DataColumn<MakeupWindow>[] = isAgency
    ? [
        ...windowColumns,
        {
          title: "名单",
          key: "list",
          exportValue: false,
          render: (_: unknown, w: MakeupWindow) => (
            <Button type="link" onClick={() => setListing(w)}>
              查看
            </Button>
          ),
        },
      ]
    : windowColumns;
  return (
    <PageContainer
      title="补拍管理"
      subTitle="采集中心的补拍（散拍）时段：按日期分上午、下午，每个时段有固定座位；学生凭补拍资格在手机端预约、改约或取消。"
      extra={isAgency ? <Button type="primary" onClick={() => setOpening(true)}>新增补拍时段</Button> : undefined}
    >
      <DataTable<MakeupWindow>
        title="补拍日历"
        query={windows}
        errorTitle="补拍时段加载失败"
        rows={rows}
        rowKey="id"
        columns={columns}
        filters={[
          {
            key: "period",
            label: "时段",
            placeholder: "全部时段",
            width: 140,
            searchable: false,
            options: Object.entries(PERIOD).map(([value, label]) => ({ value, label })),
            value: period,
            onChange: setPeriod,
          },
          {
            key: "seats",
            label: "余位",
            placeholder: "全部状态",
            width: 140,
            searchable: false,
            options: [
              { value: "free", label: "有余位" },
              { value: "full", label: "已满" },
            ],
            value: seats,
            onChange: setSeats,
          },
        ]}
        pagination={{ total: (n) => `共 ${n} 个时段`, hideOnSinglePage: true }}
        exportName="补拍时段"
        emptyText={isAgency ? "尚未开放补拍时段，可点击「新增补拍时段」" : "尚未开放补拍时段"}
        filteredEmptyText="没有符合条件的时段"
        table={{ size: "small" }}
      />
      {opening ? <WindowForm onClose={() => setOpening(false)} /> : null}
      {listing ? <Bookings window={listing} onClose={() => setListing(null)} /> : null}
    </PageContainer>
  );
}

function Bookings({ window, onClose }: { window: MakeupWindow; onClose: () => void }) {
  const list = scheduling.useQuery("get", "/api/scheduling/v1/makeup/windows/{window_id}/bookings", { params: { path: { window_id: window.id } } });
  return (
    <Drawer open width={560} title={`${window.date} ${PERIOD[window.period]} 预约名单`} onClose={onClose}>
      <DataTable<Booking>
        bare
        query={list}
        errorTitle="预约名单加载失败"
        rows={list.data?.items ?? []}
        rowKey="id"
        columns={bookingColumns}
        search={{ placeholder: "搜索姓名、学院或班级", width: 220, fields: (b) => [b.masked_name, b.college_name, b.class_name, b.school_code] }}
        pagination={{ total: (n) => `共 ${n} 人`, defaultPageSize: 50, pageSizeOptions: [50, 100, 200], hideOnSinglePage: true }}
        exportName={`补拍预约名单-${window.date}${PERIOD[window.period] ?? ""}`}
        emptyText="该时段尚无预约"
        table={{ size: "small" }}
      />
    </Drawer>
  );
}

function WindowForm({ onClose }: { onClose: () => void }) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<{ date: Dayjs; period: "am" | "pm"; seats: number; location: string }>();
  const create = scheduling.useMutation("post", "/api/scheduling/v1/makeup/windows");
  return (
    <Modal open title="新增补拍时段" okText="保存" cancelText="取消" onCancel={onClose} onOk={() => form.submit()} confirmLoading={create.isPending}>
      <Form
        form={form}
        layout="vertical"
        initialValues={{ period: "am", seats: 30, location: "采集中心" }}
        onFinish={(v) =>
          create.mutate(
            { body: { date: v.date.format("YYYY-MM-DD"), period: v.period, seats: v.seats, location: v.location } },
            {
              onSuccess: () => {
                message.success("补拍时段已开放");
                void queryClient.invalidateQueries({ queryKey: schedulingKey("/api/scheduling/v1/makeup/windows") });
                onClose();
              },
              onError: (e) => message.error(errorMessage(e)),
            },
          )
        }
      >
        <Form.Item name="date" label="日期" rules={[{ required: true, message: "请选择日期" }]}>
          <DatePicker style={{ width: "100%" }} />
        </Form.Item>
        <Form.Item name="period" label="时段">
          <Select options={[{ value: "am", label: "上午 08:30–11:30" }, { value: "pm", label: "下午 14:30–17:30" }]} />
        </Form.Item>
        <Form.Item name="seats" label="座位数">
          <InputNumber min={1} max={2000} />
        </Form.Item>
        <Form.Item name="location" label="地点">
          <Input />
        </Form.Item>
      </Form>
    </Modal>
  );
}
