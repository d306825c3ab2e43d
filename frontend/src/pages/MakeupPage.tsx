import { useQueryClient } from "@tanstack/react-query";
import { App, Button, Card, DatePicker, Drawer, Form, Input, InputNumber, Modal, Select, Table, Tag } from "antd";
import type { Dayjs } from "dayjs";
import { useState } from "react";
import { errorMessage } from "../api/problem";
import { scheduling, schedulingKey } from "../api/client";
import type { components } from "../api/schema/scheduling";
import { useCurrentUser } from "../auth/AuthContext";
import { QueryErrorAlert } from "../components/QueryErrorAlert";
import { PageContainer } from "../layout/PageContainer";

type MakeupWindow = components["schemas"]["MakeupWindowOut"];

const PERIOD: Record<string, string> = { am: "上午", pm: "下午" };

export default function MakeupPage() {
  const me = useCurrentUser();
  const isAgency = me.role === "agency_admin" || me.role === "platform_admin";
  const [opening, setOpening] = useState(false);
  const [listing, setListing] = useState<MakeupWindow | null>(null);
  const windows = scheduling.useQuery("get", "/api/scheduling/v1/makeup/windows");
  return (
    <PageContainer
      title="补拍管理"
      subTitle="采集中心的补拍（散拍）时段：按日期分上午、下午，每个时段有固定座位；学生凭补拍资格在手机端预约、改约或取消。"
      extra={isAgency ? <Button type="primary" onClick={() => setOpening(true)}>新增补拍时段</Button> : undefined}
    >
      {windows.error ? <QueryErrorAlert title="补拍时段加载失败" error={windows.error} onRetry={() => windows.refetch()} /> : null}
      <Card title="补拍日历">
        <Table<MakeupWindow>
          rowKey="id"
          size="small"
          loading={windows.isLoading}
          dataSource={windows.data?.items ?? []}
          pagination={false}
          columns={[
            { title: "日期", render: (_, w) => `${w.date}（${w.weekday}）` },
            { title: "时段", render: (_, w) => `${PERIOD[w.period] ?? w.period} ${w.start}–${w.end}` },
            { title: "地点", dataIndex: "location" },
            { title: "座位", dataIndex: "seats", align: "right" },
            { title: "已约", dataIndex: "booked", align: "right" },
            { title: "状态", render: (_, w) => (w.free > 0 ? <Tag color="success">余 {w.free}</Tag> : <Tag color="error">已满</Tag>) },
            ...(isAgency ? [{ title: "名单", render: (_: unknown, w: MakeupWindow) => <Button type="link" onClick={() => setListing(w)}>查看</Button> }] : []),
          ]}
        />
      </Card>
      {opening ? <WindowForm onClose={() => setOpening(false)} /> : null}
      {listing ? <Bookings window={listing} onClose={() => setListing(null)} /> : null}
    </PageContainer>
  );
}

function Bookings({ window, onClose }: { window: MakeupWindow; onClose: () => void }) {
  const list = scheduling.useQuery("get", "/api/scheduling/v1/makeup/windows/{window_id}/bookings", { params: { path: { window_id: window.id } } });
  return (
    <Drawer open width={560} title={`${window.date} ${PERIOD[window.period]} 预约名单`} onClose={onClose}>
      <Table
        rowKey="id"
        size="small"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        pagination={false}
        columns={[
          { title: "姓名", dataIndex: "masked_name" },
          { title: "学校", dataIndex: "school_code" },
          { title: "学院", dataIndex: "college_name" },
          { title: "班级", dataIndex: "class_name" },
        ]}
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
