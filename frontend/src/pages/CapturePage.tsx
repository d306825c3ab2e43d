import { Alert, App, Button, Card, Descriptions, Empty, Flex, Input, List, Select, Space, Tag, Typography, Upload, message } from "antd";
import { useMemo, useState } from "react";
import { ApiError, errorMessage } from "../api/problem";
import { capture, captureClient } from "../api/client";
import type { components } from "../api/schema/capture";
import { useMe } from "../auth/AuthContext";
import { CameraScanner } from "../components/CameraScanner";
import { DataTable, type DataColumn } from "../components/DataTable";
import { useReasonDialog } from "../components/ReasonDialog";
import { PageContainer } from "../layout/PageContainer";
import { formatDateTime } from "../lib/time";

type PhotoOut = components["schemas"]["PhotoOut"];
type Anomaly = components["schemas"]["AnomalyOut"];

/** 现场采集: the photographer's station screen (scan → bind a number → shoot/upload → verdict), and for the
 * agency the anomaly queue. A USB scanner types the pass into the scan field and presses Enter; the camera button
 * reads it with the station's camera instead. */
export default function CapturePage() {
  const me = useMe();
  return (
    <PageContainer title="现场采集" subTitle="先签到绑定拍摄序号，再拍摄上传；照片只绑定到签到的学生，绝不按名单位置对应。">
      {me.data?.role === "agency_admin" ? <AnomalyQueue /> : <StationScreen />}
    </PageContainer>
  );
}

function StationScreen() {
  const stations = capture.useQuery("get", "/api/capture/v1/stations");
  const [station, setStation] = useState<string>();
  const chosen = station ?? stations.data?.items[0]?.id;
  const board = capture.useQuery("get", "/api/capture/v1/stations/{station_id}", { params: { path: { station_id: chosen ?? "" } } }, { enabled: !!chosen, refetchInterval: 5000 });
  const checkin = capture.useMutation("post", "/api/capture/v1/checkins");
  const close = capture.useMutation("post", "/api/capture/v1/checkins/{checkin_id}/close");
  const override = capture.useMutation("post", "/api/capture/v1/photos/{photo_id}/override");
  const [scan, setScan] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [photo, setPhoto] = useState<PhotoOut | null>(null);
  const reason = useReasonDialog();
  const front = board.data?.front;

  async function submitScan(scanned?: string) {
    const value = (scanned ?? scan).trim();
    if (!chosen || !value) return;
    setError(null);
    // A pass is a signed token (three dot-separated parts); anything else is a CHSI capture code.
    const credential = value.split(".").length === 3 ? { pass: value } : { capture_code: value };
    try {
      await checkin.mutateAsync({ body: { station: chosen, ...credential } });
      setScan("");
      setPhoto(null);
      await board.refetch();
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  async function upload(file: File) {
    if (!front) return;
    setError(null);
    try {
      const { data } = await captureClient.POST("/api/capture/v1/checkins/{checkin_id}/photos", {
        params: { path: { checkin_id: front.id } },
        body: { file: "" },
        bodySerializer: () => {
          const form = new FormData();
          form.append("file", file, file.name);
          form.append("sequence_no", String(front.sequence_no));
          return form;
        },
      });
      if (data) setPhoto(data);
      await board.refetch();
    } catch (err) {
      setError(err instanceof ApiError ? errorMessage(err) : String(err));
    }
  }

  if (stations.data && stations.data.items.length === 0) return <Empty description="今天没有分配给您的机位" />;
  return (
    <Flex vertical gap={16}>
      <Space wrap>
        <span>我的机位</span>
        <Select style={{ minWidth: 320 }} value={chosen} onChange={setStation} aria-label="机位"
          options={(stations.data?.items ?? []).map((s) => ({ value: s.id, label: `${s.day} ${s.room} ${s.name}` }))} />
      </Space>
      <Flex gap={8}>
        <Input.Search placeholder="扫描采集凭证二维码或输入学信网图像采集码，回车签到" enterButton="签到" value={scan}
          aria-label="扫码签到" onChange={(e) => setScan(e.target.value)} onSearch={() => submitScan()} loading={checkin.isPending} />
        <CameraScanner onResult={(text) => void submitScan(text)} disabled={!chosen} />
      </Flex>
      {error && <Alert type="error" showIcon message={error} closable onClose={() => setError(null)} />}
      <Flex gap={16} wrap>
        <Card title="镜头前的学生" style={{ flex: "1 1 360px" }}>
          {front ? (
            <>
              <Descriptions column={1} size="small">
                <Descriptions.Item label="拍摄序号"><Typography.Text strong style={{ fontSize: 24 }}>{front.sequence_no}</Typography.Text></Descriptions.Item>
                <Descriptions.Item label="姓名">{front.masked_name}</Descriptions.Item>
                <Descriptions.Item label="院系">{front.college_name ?? "—"}</Descriptions.Item>
                <Descriptions.Item label="班号">{front.class_no ?? "—"}</Descriptions.Item>
                <Descriptions.Item label="已拍版本">{front.photo_versions} {front.accepted && <Tag color="success">已合格</Tag>}</Descriptions.Item>
              </Descriptions>
              <Space wrap>
                <Upload accept="image/jpeg" showUploadList={false} beforeUpload={(f) => { void upload(f); return false; }}>
                  <Button type="primary">{front.photo_versions ? "重拍上传" : "上传照片"}</Button>
                </Upload>
                <Button onClick={async () => {
                  // Ending without an accepted photo is recorded with why (the student goes to make-up).
                  const why = front.accepted ? undefined : await reason.ask({ title: "结束本序号", label: "未拍摄合格照片的原因", max: 200 });
                  if (why === null) return;
                  try { await close.mutateAsync({ params: { path: { checkin_id: front.id } }, body: { reason: why } }); setPhoto(null); await board.refetch(); }
                  catch (err) { setError(errorMessage(err)); }
                }}>结束本序号</Button>
              </Space>
            </>
          ) : <Empty description="请扫码签到下一位学生" />}
        </Card>
        <Card title="照片检测" style={{ flex: "1 1 360px" }}>
          {photo ? (
            <>
              <Alert type={photo.accepted ? "success" : "warning"} showIcon
                message={photo.accepted ? `第 ${photo.version} 版：检测通过` : `第 ${photo.version} 版：未通过检测，请重拍`} />
              <List size="small" dataSource={photo.checks} renderItem={(c) => (
                <List.Item><Tag color={c.passed ? "success" : "error"}>{c.passed ? "通过" : "未通过"}</Tag>{c.message}</List.Item>)} />
              {!photo.accepted && (
                <Button danger onClick={async () => {
                  const why = await reason.ask({ title: "人工放行", label: "放行原因（将记录操作人与时间）", max: 200 });
                  if (!why) return;
                  try { setPhoto(await override.mutateAsync({ params: { path: { photo_id: photo.id } }, body: { reason: why } })); message.success("已放行"); await board.refetch(); }
                  catch (err) { setError(errorMessage(err)); }
                }}>人工放行</Button>
              )}
            </>
          ) : <Empty description="上传后在此显示检测结果" />}
        </Card>
        <Card title={`候拍队列（今日已完成 ${board.data?.done_today ?? 0} 人）`} style={{ flex: "1 1 280px" }}>
          <List size="small" dataSource={board.data?.queue ?? []} renderItem={(s) => (
            <List.Item>{s.class_no ?? ""} · {s.roster_order} · {s.masked_name}</List.Item>)} />
        </Card>
      </Flex>
      {reason.dialog}
    </Flex>
  );
}

const KINDS: Record<string, string> = {
  open_at_two_stations: "同一学生两机位签到",
  photo_for_closed_number: "照片上传到已结束序号",
  sequence_mismatch: "照片序号不符",
  photo_predates_checkin: "照片早于签到",
  capture_code_ambiguous: "采集码对应多人",
  face_on_two_students: "同一张脸在两名学生名下",
  retake_different_person: "重拍与首次照片不是同一人",
  makeup_mismatch: "补拍与此前照片不是同一人",
  proof_not_me: "学生校对：照片不是本人",
};
const STATUS: Record<string, { label: string; color: string }> = {
  open: { label: "待处理", color: "error" },
  resolved: { label: "已处理", color: "default" },
};
const kindLabel = (k: string) => KINDS[k] ?? k;

const anomalyColumns: DataColumn<Anomaly>[] = [
  { title: "时间", dataIndex: "created_at", width: 180, render: (v: string) => formatDateTime(v), exportValue: (a) => formatDateTime(a.created_at) },
  { title: "类型", dataIndex: "kind", width: 200, render: (k: string) => <Tag color="warning">{kindLabel(k)}</Tag>, exportValue: (a) => kindLabel(a.kind) },
  { title: "学校", dataIndex: "school_code", width: 80 },
  { title: "说明", dataIndex: "detail" },
  {
    title: "状态",
    dataIndex: "status",
    width: 90,
    render: (v: string) => <Tag color={STATUS[v]?.color}>{STATUS[v]?.label ?? v}</Tag>,
    exportValue: (a) => STATUS[a.status]?.label ?? a.status,
  },
  { title: "处理说明", dataIndex: "resolution", defaultHidden: true, render: (v: string | null) => v ?? "—" },
];

/** The agency's anomaly queue: what the stations and the checks could not settle, each resolved with a note. */
function AnomalyQueue() {
  const { message: toast } = App.useApp();
  const [status, setStatus] = useState<string | undefined>("open");
  const [kind, setKind] = useState<string>();
  const anomalies = capture.useQuery("get", "/api/capture/v1/anomalies", { params: { query: { status } } });
  const resolve = capture.useMutation("post", "/api/capture/v1/anomalies/{anomaly_id}/resolve");
  const reason = useReasonDialog();
  const rows = useMemo(() => (anomalies.data?.items ?? []).filter((a) => !kind || a.kind === kind), [anomalies.data, kind]);

  async function settle(a: Anomaly) {
    const resolution = await reason.ask({ title: `处理异常：${kindLabel(a.kind)}`, label: "处理说明", max: 400 });
    if (!resolution) return;
    try {
      await resolve.mutateAsync({ params: { path: { anomaly_id: a.id } }, body: { resolution } });
      toast.success("已处理");
      await anomalies.refetch();
    } catch (err) {
      toast.error(errorMessage(err));
    }
  }

  return (
    <>
    {reason.dialog}
    <DataTable<Anomaly>
      title="异常队列"
      query={anomalies}
      errorTitle="异常队列加载失败"
      rows={rows}
      rowKey="id"
      columns={[
        ...anomalyColumns,
        {
          title: "操作",
          key: "actions",
          width: 100,
          alwaysShown: true,
          exportValue: false,
          render: (_: unknown, a: Anomaly) =>
            a.status === "open" ? (
              <Button size="small" onClick={() => void settle(a)}>
                处理
              </Button>
            ) : null,
        },
      ]}
      filters={[
        {
          key: "status",
          label: "状态",
          placeholder: "全部状态",
          width: 130,
          searchable: false,
          options: Object.entries(STATUS).map(([value, s]) => ({ value, label: s.label })),
          value: status,
          defaultValue: "open",
          onChange: setStatus,
        },
        {
          key: "kind",
          label: "类型",
          placeholder: "全部类型",
          width: 220,
          options: Object.entries(KINDS).map(([value, label]) => ({ value, label })),
          value: kind,
          onChange: setKind,
        },
      ]}
      search={{ placeholder: "搜索学校代码或说明", width: 220, fields: (a) => [a.school_code, a.detail, kindLabel(a.kind)] }}
      pagination={{ total: (n) => `共 ${n} 条异常` }}
      exportName="采集异常"
      columnsKey="anomalies"
      emptyText="没有待处理的异常"
      filteredEmptyText="没有符合条件的异常"
      table={{ size: "middle", scroll: { x: 900 } }}
    />
    </>
  );
}
