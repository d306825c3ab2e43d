import { EditOutlined, FilePdfOutlined, PrinterOutlined, QrcodeOutlined } from "@ant-design/icons";
import { useQueryClient } from "@tanstack/react-query";
import {
  Alert,
  App,
  Button,
  Descriptions,
  Drawer,
  Empty,
  Flex,
  Modal,
  Popconfirm,
  Space,
  Table,
  Tabs,
  Tooltip,
  Typography,
} from "antd";
import type { TableColumnsType } from "antd";
import { useState } from "react";
import { roster, rosterClient, rosterKey } from "../api/client";
import { errorMessage } from "../api/problem";
import type { CapturePass, Erratum, StudentChange, StudentDetail } from "../api/types";
import { saveResponse } from "../lib/download";
import { formatDateTime } from "../lib/time";
import { durationText } from "../pages/correctable";
import { CHANGE_SOURCE, ERRATUM_SOURCE, erratumStatusTag, reviewStatusTag } from "../pages/rosterLabels";
import { ErratumModal } from "./ErratumModal";
import { PassQr } from "./PassQr";
import { QueryErrorAlert } from "./QueryErrorAlert";
import { SpecTag } from "./SpecTag";

const or = (value: string | null | undefined) => (value ? value : "—");

function Record({ s, college, klass }: { s: StudentDetail; college?: string; klass?: string }) {
  return (
    <Descriptions
      size="small"
      column={2}
      bordered
      items={[
        { key: "student_no", label: "学号", children: s.student_no },
        { key: "exam_no", label: "考生号", children: or(s.exam_no) },
        { key: "name", label: "姓名", children: s.name },
        { key: "sex", label: "性别", children: s.sex },
        { key: "id_type", label: "证件类型", children: s.id_type },
        { key: "id_number", label: "证件号码", children: <Typography.Text copyable>{s.id_number}</Typography.Text> },
        { key: "birth_date", label: "出生日期", children: or(s.birth_date) },
        { key: "ethnicity", label: "民族", children: or(s.ethnicity) },
        { key: "political", label: "政治面貌", children: or(s.political) },
        { key: "level", label: "层次", children: s.level },
        { key: "major", label: "专业", children: s.major_code ? `${or(s.major_name)}（${s.major_code}）` : or(s.major_name) },
        { key: "duration", label: "学制", children: or(durationText(s.duration)) },
        { key: "study_mode", label: "学习形式", children: or(s.study_mode) },
        { key: "entry_date", label: "入学日期", children: or(s.entry_date) },
        { key: "expected_graduation", label: "预计毕业", children: or(s.expected_graduation) },
        { key: "college", label: "院系", children: or(college) },
        { key: "class", label: "班级", children: or(klass) },
        { key: "campus", label: "校区", children: or(s.campus) },
        { key: "capture_code", label: "学信网采集码", children: s.capture_code ? "已登记" : "未登记" },
        {
          key: "status",
          label: "审核状态",
          children: (
            <Space wrap>
              <SpecTag spec={reviewStatusTag(s.review_status)} />
              {s.review_reason && <Typography.Text type="danger">原因：{s.review_reason}</Typography.Text>}
            </Space>
          ),
        },
      ]}
    />
  );
}

const historyColumns: TableColumnsType<StudentChange> = [
  { title: "时间", dataIndex: "at", width: 140, render: (v: string) => formatDateTime(v) },
  { title: "字段", dataIndex: "field_label", width: 90 },
  { title: "原值", dataIndex: "old_value", render: (v: string) => or(v) },
  { title: "新值", dataIndex: "new_value", render: (v: string) => or(v) },
  { title: "来源", dataIndex: "source", width: 80, render: (v: string) => CHANGE_SOURCE[v] ?? v },
  { title: "操作人", dataIndex: "actor", width: 110 },
];

function History({ id }: { id: string }) {
  const history = roster.useQuery("get", "/api/roster/v1/students/{student_id}/history", {
    params: { path: { student_id: id } },
  });
  if (history.isError) {
    return <QueryErrorAlert title="修改记录加载失败" error={history.error} onRetry={() => void history.refetch()} />;
  }
  return (
    <Table<StudentChange>
      rowKey={(c) => `${c.at}-${c.field}`}
      size="small"
      columns={historyColumns}
      dataSource={history.data?.items ?? []}
      loading={history.isPending}
      pagination={false}
      locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="导入后没有修改过" /> }}
    />
  );
}

const errataColumns: TableColumnsType<Erratum> = [
  { title: "申请时间", dataIndex: "requested_at", width: 140, render: (v: string) => formatDateTime(v) },
  { title: "字段", dataIndex: "field_label", width: 90 },
  { title: "更正为", dataIndex: "new_value" },
  { title: "来源", dataIndex: "source", width: 80, render: (v: string) => ERRATUM_SOURCE[v] ?? v },
  {
    title: "状态",
    dataIndex: "status",
    width: 90,
    render: (v: string, e: Erratum) => (
      <Tooltip title={e.decision_reason || undefined}>
        <span>
          <SpecTag spec={erratumStatusTag(v)} />
        </span>
      </Tooltip>
    ),
  },
];

function Errata({ id }: { id: string }) {
  const errata = roster.useQuery("get", "/api/roster/v1/errata", { params: { query: { student_id: id } } });
  if (errata.isError) {
    return <QueryErrorAlert title="勘误申请加载失败" error={errata.error} onRetry={() => void errata.refetch()} />;
  }
  return (
    <Table<Erratum>
      rowKey="id"
      size="small"
      columns={errataColumns}
      dataSource={errata.data?.items ?? []}
      loading={errata.isPending}
      pagination={false}
      locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="没有勘误申请" /> }}
    />
  );
}

/** The printable capture pass: the QR code with who it belongs to. Only `.print-area` prints. */
export function PassModal({
  student,
  pass,
  extra,
  onClose,
}: {
  student: { name: string; student_no: string; school_name: string };
  pass: CapturePass | null;
  extra?: string;
  onClose: () => void;
}) {
  return (
    <Modal
      title="采集凭证"
      open={pass !== null}
      onCancel={onClose}
      footer={[
        <Button key="close" onClick={onClose}>
          关闭
        </Button>,
        <Button key="print" type="primary" icon={<PrinterOutlined aria-hidden />} onClick={() => window.print()}>
          打印
        </Button>,
      ]}
      destroyOnHidden
    >
      {pass && (
        <Flex vertical align="center" gap={12} className="print-area" style={{ padding: "16px 0" }}>
          <Typography.Title level={4} style={{ margin: 0 }}>
            毕业生图像采集凭证
          </Typography.Title>
          <Typography.Text>
            {student.school_name} · {student.name} · 学号 {student.student_no}
          </Typography.Text>
          {extra && <Typography.Text type="secondary">{extra}</Typography.Text>}
          <PassQr pass={pass} size={240} />
          <Typography.Text type="secondary" style={{ fontSize: 12, textAlign: "center" }}>
            采集当天请出示本凭证和身份证，现场扫码签到并绑定拍摄序号。
          </Typography.Text>
        </Flex>
      )}
    </Modal>
  );
}

/** One student's full record with history and the school's actions on it. */
export function StudentDrawer({
  studentId,
  college,
  klass,
  onClose,
}: {
  studentId: string | null;
  college?: (id: string | null | undefined) => string | undefined;
  klass?: (id: string | null | undefined) => string | undefined;
  onClose: () => void;
}) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [erratumOpen, setErratumOpen] = useState(false);
  const [pass, setPass] = useState<CapturePass | null>(null);
  const [busy, setBusy] = useState<"pass" | "certificate" | null>(null);
  const detail = roster.useQuery(
    "get",
    "/api/roster/v1/students/{student_id}",
    { params: { path: { student_id: studentId ?? "" } } },
    { enabled: studentId !== null },
  );
  const s = detail.data;
  const approved = s?.review_status === "approved";

  async function printPass() {
    if (!s) return;
    setBusy("pass");
    try {
      const { data } = await rosterClient.GET("/api/roster/v1/students/{student_id}/pass", {
        params: { path: { student_id: s.id } },
      });
      if (data) setPass(data);
    } catch (err) {
      message.error(errorMessage(err));
    } finally {
      setBusy(null);
    }
  }

  async function issueCertificate() {
    if (!s) return;
    setBusy("certificate");
    try {
      const { data: certificate } = await rosterClient.POST("/api/roster/v1/students/{student_id}/certificates", {
        params: { path: { student_id: s.id } },
      });
      if (!certificate) return;
      const result = await rosterClient.GET("/api/roster/v1/certificates/{number}/pdf", {
        params: { path: { number: certificate.number } },
        parseAs: "blob",
      });
      saveResponse(result, `${certificate.number}.pdf`);
      message.success(`已开具补拍证明 ${certificate.number}`);
    } catch (err) {
      message.error(errorMessage(err));
    } finally {
      setBusy(null);
    }
  }

  const notApproved = "资格审查通过后才能办理";

  return (
    <Drawer
      title={s ? `${s.name}（${s.student_no}）` : "学生信息"}
      open={studentId !== null}
      onClose={onClose}
      size={720}
      destroyOnHidden
      extra={
        s && (
          <Space wrap>
            <Button icon={<EditOutlined aria-hidden />} onClick={() => setErratumOpen(true)}>
              提交勘误
            </Button>
            <Tooltip title={approved ? undefined : notApproved}>
              <span>
                <Popconfirm
                  title="开具补拍证明？"
                  description="将生成带唯一编号和二维码的补拍证明（PDF），学生凭此到采集中心补拍。"
                  okText="开具"
                  cancelText="取消"
                  disabled={!approved}
                  onConfirm={() => issueCertificate()}
                >
                  <Button icon={<FilePdfOutlined aria-hidden />} disabled={!approved} loading={busy === "certificate"}>
                    开具补拍证明
                  </Button>
                </Popconfirm>
              </span>
            </Tooltip>
            <Tooltip title={approved ? undefined : notApproved}>
              <Button
                icon={<QrcodeOutlined aria-hidden />}
                disabled={!approved}
                loading={busy === "pass"}
                onClick={() => void printPass()}
              >
                打印采集凭证
              </Button>
            </Tooltip>
          </Space>
        )
      }
    >
      {detail.isError ? (
        <QueryErrorAlert title="学生信息加载失败" error={detail.error} onRetry={() => void detail.refetch()} />
      ) : !s ? (
        <Flex justify="center" style={{ padding: 48 }}>
          <Typography.Text type="secondary">加载中…</Typography.Text>
        </Flex>
      ) : (
        <>
          {s.review_status === "rejected" && s.review_reason && (
            <Alert type="error" showIcon title={`省教育厅审核未通过：${s.review_reason}`} style={{ marginBottom: 16 }} />
          )}
          <Tabs
            items={[
              {
                key: "record",
                label: "基本信息",
                children: <Record s={s} college={college?.(s.college_id)} klass={klass?.(s.class_id)} />,
              },
              { key: "history", label: "修改记录", children: <History id={s.id} /> },
              { key: "errata", label: "勘误申请", children: <Errata id={s.id} /> },
            ]}
          />
          <ErratumModal
            record={s}
            open={erratumOpen}
            onClose={() => {
              setErratumOpen(false);
              void queryClient.invalidateQueries({ queryKey: rosterKey("/api/roster/v1/errata") });
            }}
          />
          <PassModal
            student={s}
            pass={pass}
            extra={klass?.(s.class_id) ? `班级 ${klass(s.class_id)}` : undefined}
            onClose={() => setPass(null)}
          />
        </>
      )}
    </Drawer>
  );
}
