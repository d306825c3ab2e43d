import { Alert, Badge, Button, Card, Col, Empty, Flex, Popconfirm, Progress, Row, Select, Statistic, Tag, Typography, message } from "antd";
import { useEffect, useState } from "react";
import { useParams } from "react-router";
import { scheduling } from "../api/client";
import type { components } from "../api/schema/scheduling";
import { errorMessage } from "../api/problem";
import { useMe } from "../auth/AuthContext";
import { session } from "../auth/session";
import { DataTable, type DataColumn, type ListQuery } from "../components/DataTable";
import { QueryErrorAlert } from "../components/QueryErrorAlert";
import { PageContainer } from "../layout/PageContainer";
import { type FeedState, openFeed } from "./boardStream";

type Board = components["schemas"]["BoardOut"];
type Room = components["schemas"]["RoomBoard"];
type Slot = components["schemas"]["SlotBoard"];

const FEED: Record<FeedState, { status: "processing" | "success" | "error"; text: string }> = {
  connecting: { status: "processing", text: "连接中" },
  live: { status: "success", text: "实时更新" },
  offline: { status: "error", text: "连接中断，正在重连" },
};

const percent = (done: number, of: number) => (of > 0 ? Math.round((done / of) * 100) : 0);

/** The live capture day: per room and class, expected vs checked in vs photographed, pushed by the server. */
export default function BoardPage() {
  const { dayId = "" } = useParams();
  const [on, setOn] = useState<string | undefined>(undefined);
  const query = { params: { path: { day_id: dayId }, query: on ? { on } : {} } };
  const initial = scheduling.useQuery("get", "/api/scheduling/v1/capture-days/{day_id}/board", query);
  // A pushed board belongs to the feed (day and date) it came from: switching dates never shows the old one.
  const feedKey = `${dayId}|${on ?? ""}`;
  const [live, setLive] = useState<{ key: string; board: Board } | null>(null);
  const [feed, setFeed] = useState<FeedState>("connecting");
  const refetch = initial.refetch;

  useEffect(() => {
    const base = `/api/scheduling/v1/capture-days/${encodeURIComponent(dayId)}/board/stream`;
    return openFeed<Board>({
      url: on ? `${base}?on=${on}` : base,
      token: () => session.token(),
      onBoard: (pushed) => setLive({ key: feedKey, board: pushed }),
      onState: setFeed,
      beforeReopen: () => refetch(), // an expired token is renewed by the API client on this read
    });
  }, [dayId, on, feedKey, refetch]);

  const board = (live?.key === feedKey ? live.board : undefined) ?? initial.data;
  return (
    <PageContainer
      title="采集看板"
      parents={[{ title: "采集排期", to: "/schedule" }]}
      subTitle="各场地、各班级的应到、已签到与已拍摄人数，随现场签到与拍摄实时更新。时间均为北京时间。"
      extra={
        <Flex gap={12} align="center">
          <Badge status={FEED[feed].status} text={FEED[feed].text} />
          {board && board.dates.length > 1 ? (
            <Select
              aria-label="采集日期"
              style={{ width: 150 }}
              value={board.date}
              onChange={setOn}
              options={board.dates.map((d) => ({ value: d, label: d }))}
            />
          ) : null}
        </Flex>
      }
    >
      {initial.error ? <QueryErrorAlert title="看板加载失败" error={initial.error} onRetry={() => initial.refetch()} /> : null}
      {board ? <BoardView board={board} onChanged={() => refetch()} /> : <Card loading={initial.isLoading}><Empty description="暂无数据" /></Card>}
    </PageContainer>
  );
}

function BoardView({ board, onChanged }: { board: Board; onChanged: () => void }) {
  const { totals, unscheduled } = board;
  const me = useMe();
  const defer = scheduling.useMutation("post", "/api/scheduling/v1/plans/{plan_id}/assignments/{class_id}/defer");
  // Only the agency runs the day's plan; a class nobody of which has checked in can go to the end of its room's day.
  const onDefer = me.data?.role === "agency_admin" && board.plan_id
    ? async (slot: Slot) => {
        try {
          await defer.mutateAsync({ params: { path: { plan_id: board.plan_id ?? "", class_id: slot.class_id } } });
          message.success(`${slot.class_name} 已移至当天最后，后续班级已提前`);
          onChanged();
        } catch (err) {
          message.error(errorMessage(err));
        }
      }
    : undefined;
  return (
    <Flex vertical gap={16}>
      <Card title={`${board.title || "采集日"} · ${board.date}`} extra={<Typography.Text type="secondary">时段结束 {board.window_end}</Typography.Text>}>
        <Row gutter={24}>
          <Col span={6}><Statistic title="应到" value={totals.expected} suffix="人" /></Col>
          <Col span={6}><Statistic title="已签到" value={totals.checked_in} suffix={`/ ${totals.expected}`} /></Col>
          <Col span={6}><Statistic title="已拍摄" value={totals.photographed} suffix={`/ ${totals.expected}`} /></Col>
          <Col span={6}>
            <Progress type="circle" size={72} percent={percent(totals.photographed, totals.expected)} aria-label="全校拍摄进度" />
          </Col>
        </Row>
        {unscheduled.checked_in > 0 ? (
          <Alert
            style={{ marginTop: 12 }}
            type="info"
            showIcon
            title={`另有 ${unscheduled.checked_in} 人签到、${unscheduled.photographed} 人拍摄不在本日排期中（补拍或换班）`}
          />
        ) : null}
      </Card>
      {board.rooms.length === 0 ? <Empty description="该日期没有已发布的排期" /> : null}
      {board.rooms.map((room) => <RoomCard key={room.room} room={room} onDefer={onDefer} />)}
    </Flex>
  );
}

/** The board's rows are pushed by the server (the page shows the feed's state): as a list they are always settled. */
const PUSHED: ListQuery = { isPending: false, isFetching: false, isError: false, error: null, refetch: () => undefined };

const slotTime = (s: Slot) => `${s.start}–${s.end}`;

const slotColumns: DataColumn<Slot>[] = [
  { title: "时间", key: "time", width: 120, render: (_: unknown, s: Slot) => slotTime(s), exportValue: slotTime },
  { title: "到场", dataIndex: "arrive", width: 70 },
  { title: "学院", dataIndex: "college_name" },
  { title: "班级", dataIndex: "class_name" },
  { title: "应到", dataIndex: "expected", width: 70 },
  { title: "已签到", dataIndex: "checked_in", width: 80 },
  {
    title: "已拍摄",
    dataIndex: "photographed",
    width: 220,
    render: (_: unknown, s: Slot) => (
      <Progress size="small" percent={percent(s.photographed, s.expected)} format={() => `${s.photographed} / ${s.expected}`} />
    ),
  },
];

function RoomCard({ room, onDefer }: { room: Room; onDefer?: (slot: Slot) => Promise<void> }) {
  const columns: DataColumn<Slot>[] = onDefer
    ? [
        ...slotColumns,
        {
          title: "操作",
          key: "defer",
          width: 130,
          exportValue: false,
          render: (_: unknown, s: Slot) =>
            s.checked_in === 0 ? (
              <Popconfirm title={`${s.class_name} 未到，移至当天最后？`} description="后续班级将提前（不早于其到场时间）" onConfirm={() => onDefer(s)} okText="移至最后" cancelText="取消">
                <Button size="small">未到，移至最后</Button>
              </Popconfirm>
            ) : null,
        },
      ]
    : slotColumns;
  return (
    <section aria-label={`场地 ${room.room}`}>
      <DataTable<Slot>
        title={<span>{room.room}{room.campus ? <Typography.Text type="secondary">（{room.campus}）</Typography.Text> : null}</span>}
        query={PUSHED}
        refresh={false}
        errorTitle="看板加载失败"
        rows={room.slots}
        rowKey="class_id"
        columns={columns}
        exportName={`采集看板-${room.room}`}
        emptyText="该场地没有排期的班级"
        toolbar={
          <Flex gap={8} align="center">
            <Typography.Text>当前 {room.rate_per_minute} 人/分</Typography.Text>
            {room.projected_finish ? (
              <Tag color={room.late ? "error" : "success"}>预计 {room.projected_finish} 完成{room.late ? "（超出时段）" : ""}</Tag>
            ) : null}
          </Flex>
        }
        filterExtra={
          <Flex gap={24} align="center" style={{ flexBasis: "100%" }}>
            <Typography.Text>已签到 {room.checked_in} / {room.expected}</Typography.Text>
            <Progress style={{ flex: 1 }} percent={percent(room.photographed, room.expected)} success={{ percent: percent(room.photographed, room.expected) }} format={() => `已拍 ${room.photographed} / ${room.expected}`} />
          </Flex>
        }
        table={{ size: "small" }}
      />
    </section>
  );
}
