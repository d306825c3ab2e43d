import {
  CalendarOutlined,
  EditOutlined,
  FileDoneOutlined,
  LogoutOutlined,
  PayCircleOutlined,
  QrcodeOutlined,
  RedoOutlined,
} from "@ant-design/icons";
import { useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, Flex, Form, Input, Result, Skeleton, Space, Tag, Typography, theme } from "antd";
import { ItemList } from "../components/ItemList";
import { useState, type ReactNode } from "react";
import { Link, Navigate } from "react-router";
import { roster, rosterKey } from "../api/client";
import { ApiError, errorMessage } from "../api/problem";
import type { StudentDetail } from "../api/types";
import { useCurrentUser, useLogout } from "../auth/AuthContext";
import { homePath } from "../auth/roles";
import { ErratumModal } from "../components/ErratumModal";
import { PassQr } from "../components/PassQr";
import { SpecTag } from "../components/SpecTag";
import { applyProblem } from "../components/formErrors";
import { useDocumentTitle } from "../layout/PageContainer";
import { formatDateTime } from "../lib/time";
import { PROOFREAD_FIELDS, durationText, fieldText } from "./correctable";
import { erratumStatusTag, reviewStatusTag } from "./rosterLabels";

/** Why there is no pass yet, in the student's words. */
function NoPass({ record }: { record: StudentDetail }) {
  switch (record.review_status) {
    case "rejected":
      return (
        <Alert
          type="error"
          showIcon
          title="资格审查未通过，暂不能领取采集凭证"
          description={`原因：${record.review_reason || "未说明"}。如有疑问请联系学校学籍管理部门，信息更正后学校会重新提交审核。`}
        />
      );
    case "submitted":
      return (
        <Alert
          type="info"
          showIcon
          title="省教育厅正在审核你的毕业生资格"
          description="审核通过后，采集凭证会出现在这里。请先核对下方个人信息，有误及时提交更正。"
        />
      );
    default:
      return (
        <Alert
          type="info"
          showIcon
          title="学校尚未提交资格审查"
          description="学校提交、省教育厅审核通过后才能领取采集凭证。请先核对下方个人信息。"
        />
      );
  }
}

function PassCard({ record }: { record: StudentDetail }) {
  const approved = record.review_status === "approved" && record.has_capture_pass;
  const pass = roster.useQuery("get", "/api/roster/v1/students/me/pass", {}, { enabled: approved, staleTime: 10 * 60_000 });
  return (
    <Card size="small" title={<><QrcodeOutlined aria-hidden /> 采集凭证</>}>
      {!approved ? (
        <NoPass record={record} />
      ) : pass.isPending ? (
        <Flex justify="center" style={{ padding: 24 }}>
          <Skeleton.Node active style={{ width: 220, height: 220 }} />
        </Flex>
      ) : pass.isError ? (
        <Alert
          type="error"
          showIcon
          title={errorMessage(pass.error)}
          action={
            <Button size="small" onClick={() => void pass.refetch()}>
              重试
            </Button>
          }
        />
      ) : (
        <Flex vertical align="center" gap={8}>
          <PassQr pass={pass.data} size={232} />
          <Typography.Text style={{ textAlign: "center" }}>
            采集当天向工作人员出示此二维码签到，并携带身份证。
          </Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12, textAlign: "center" }}>
            二维码只用于采集签到，请勿转发他人。截图保存可离线出示。
          </Typography.Text>
        </Flex>
      )}
    </Card>
  );
}

function RecordCard({ record }: { record: StudentDetail }) {
  const { token } = theme.useToken();
  const [field, setField] = useState<string | null>(null);
  const errata = roster.useQuery("get", "/api/roster/v1/errata");
  const pending = new Set((errata.data?.items ?? []).filter((e) => e.status === "pending").map((e) => e.field));

  const value = (key: string) => {
    const text = key === "duration" ? durationText(record.duration) : fieldText(record, key);
    return text || "—";
  };

  return (
    <Card size="small" title={<><FileDoneOutlined aria-hidden /> 我的信息</>} extra={<Typography.Text type="secondary" style={{ fontSize: 12 }}>请逐项核对</Typography.Text>}>
      <Typography.Paragraph type="secondary" style={{ fontSize: 13, marginBottom: 8 }}>
        以下信息将用于学历证书电子注册。发现有误请点「信息有误」提交更正，学校审核通过后更新。
      </Typography.Paragraph>
      <ItemList
        size="small"
        items={PROOFREAD_FIELDS.map((f) => ({
          key: f.key,
          title: (
            <Flex gap={12} style={{ minWidth: 0 }}>
              <Typography.Text type="secondary" style={{ width: 64, flex: "none", fontWeight: "normal" }}>
                {f.label}
              </Typography.Text>
              <Typography.Text strong style={{ wordBreak: "break-all", color: token.colorText }}>
                {value(f.key)}
              </Typography.Text>
            </Flex>
          ),
          extra: f.correctable ? (
            pending.has(f.key) ? (
              <Tag color="processing" style={{ marginInlineEnd: 0 }}>
                更正审核中
              </Tag>
            ) : (
              <Button
                type="link"
                size="small"
                icon={<EditOutlined aria-hidden />}
                onClick={() => setField(f.key)}
                aria-label={`${f.label}信息有误`}
                style={{ paddingInline: 0 }}
              >
                信息有误
              </Button>
            )
          ) : (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              有误请联系学校
            </Typography.Text>
          ),
        }))}
      />
      {(errata.data?.items.length ?? 0) > 0 && (
        <>
          <Typography.Title level={5} style={{ marginTop: 12 }}>
            我的更正申请
          </Typography.Title>
          <ItemList
            size="small"
            items={(errata.data?.items ?? []).map((e) => ({
              key: e.id,
              title: `${e.field_label}：${e.old_value || "空"} → ${e.new_value}`,
              description: `${formatDateTime(e.requested_at)} 提交${e.decision_reason ? ` · 学校说明：${e.decision_reason}` : ""}`,
              extra: <SpecTag spec={erratumStatusTag(e.status)} />,
            }))}
          />
        </>
      )}
      <ErratumModal
        record={record}
        field={field ?? undefined}
        open={field !== null}
        onClose={() => setField(null)}
        asStudent
      />
    </Card>
  );
}

function CaptureCodeCard({ record }: { record: StudentDetail }) {
  const [form] = Form.useForm<{ capture_code: string }>();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(!record.capture_code);
  const [formError, setFormError] = useState<string | null>(null);
  const save = roster.useMutation("put", "/api/roster/v1/students/me/capture-code");

  async function submit(values: { capture_code: string }) {
    setFormError(null);
    try {
      const updated = await save.mutateAsync({ body: { capture_code: values.capture_code.trim() } });
      queryClient.setQueriesData({ queryKey: rosterKey("/api/roster/v1/students/me"), exact: false }, (old: unknown) =>
        old && typeof old === "object" && "review_status" in old ? updated : old,
      );
      message.success("学信网图像采集码已登记");
      setEditing(false);
    } catch (err) {
      setFormError(err instanceof ApiError ? applyProblem(form, err, ["capture_code"]) : errorMessage(err));
    }
  }

  return (
    <Card size="small" title="学信网图像采集码">
      <Typography.Paragraph type="secondary" style={{ fontSize: 13 }}>
        在学信网「图像校对」中获取图像采集码后登记在这里，现场也可凭采集码签到。
      </Typography.Paragraph>
      {!editing && record.capture_code ? (
        <Flex justify="space-between" align="center" gap={8}>
          <Space>
            <Tag color="success">已登记</Tag>
            <Typography.Text strong copyable>
              {record.capture_code}
            </Typography.Text>
          </Space>
          <Button size="small" onClick={() => setEditing(true)}>
            修改
          </Button>
        </Flex>
      ) : (
        <Form form={form} layout="vertical" name="capture-code" onFinish={(v) => void submit(v)} initialValues={{ capture_code: record.capture_code ?? "" }}>
          {formError && <Alert type="error" showIcon title={formError} style={{ marginBottom: 12 }} />}
          <Form.Item
            name="capture_code"
            label="图像采集码"
            rules={[
              { required: true, whitespace: true, message: "请输入图像采集码" },
              { pattern: /^\s*[0-9A-Za-z-]{4,64}\s*$/, message: "采集码由字母、数字或 - 组成，4–64 位" },
            ]}
          >
            <Input size="large" maxLength={64} autoComplete="off" autoCapitalize="characters" placeholder="如 A1B2C3D4" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block size="large" loading={save.isPending}>
            保存
          </Button>
        </Form>
      )}
    </Card>
  );
}

interface Entry {
  icon: ReactNode;
  title: string;
  summary: string;
}

/** What a student will also do here later; not live yet, and the page says so. */
const COMING: Entry[] = [
  { icon: <CalendarOutlined aria-hidden />, title: "我的采集安排", summary: "查看所在班级的采集日期、地点与时段" },
  { icon: <FileDoneOutlined aria-hidden />, title: "照片校对", summary: "核对采集的照片，确认无误或申请重拍" },
  { icon: <RedoOutlined aria-hidden />, title: "补拍预约", summary: "凭学校开具的补拍证明预约采集中心补拍时段" },
];

/** The student's page: single column, thumb-sized targets, readable on a phone inside WeChat. */
export default function StudentHomePage() {
  const me = useCurrentUser();
  const logout = useLogout();
  const { token } = theme.useToken();
  useDocumentTitle("我的图像采集");
  const record = roster.useQuery("get", "/api/roster/v1/students/me", {}, { enabled: me.role === "student" });

  if (me.role !== "student") return <Navigate to={homePath(me.role)} replace />;

  const r = record.data;
  return (
    <Flex vertical style={{ minHeight: "100vh", background: token.colorBgLayout }}>
      <Flex
        align="center"
        justify="space-between"
        style={{ background: token.colorPrimary, color: "#fff", padding: "12px 16px", position: "sticky", top: 0, zIndex: 2 }}
      >
        <Typography.Text strong style={{ color: "#fff", fontSize: 17 }}>
          我的图像采集
        </Typography.Text>
        <Button type="text" size="small" icon={<LogoutOutlined aria-hidden />} onClick={logout} style={{ color: "#fff" }}>
          退出登录
        </Button>
      </Flex>
      <Flex vertical gap={12} style={{ width: "100%", maxWidth: 560, margin: "0 auto", padding: 12, boxSizing: "border-box" }}>
        <Card size="small">
          <Flex justify="space-between" align="flex-start" gap={8}>
            <div>
              <Typography.Title level={5} style={{ margin: 0 }}>
                {r?.name ?? me.display_name}
              </Typography.Title>
              <Typography.Text type="secondary">{r?.school_name ?? me.school_name ?? "—"}</Typography.Text>
              {r && (
                <Typography.Text type="secondary" style={{ display: "block", fontSize: 12 }}>
                  学号 {r.student_no}
                </Typography.Text>
              )}
            </div>
            {r && <SpecTag spec={reviewStatusTag(r.review_status)} />}
          </Flex>
        </Card>
        {record.isPending ? (
          <Card size="small">
            <Skeleton active paragraph={{ rows: 8 }} />
          </Card>
        ) : record.isError ? (
          <Result
            status="warning"
            title="无法加载你的信息"
            subTitle={errorMessage(record.error)}
            extra={
              <Button type="primary" onClick={() => void record.refetch()}>
                重试
              </Button>
            }
          />
        ) : (
          <>
            <PassCard record={record.data} />
            <RecordCard record={record.data} />
            <CaptureCodeCard record={record.data} />
          </>
        )}
        <Link to="/m/pay">
          <Button block size="large" type="primary" icon={<PayCircleOutlined aria-hidden />}>
            缴费
          </Button>
        </Link>
        <Card size="small" title="更多事项">
          <ItemList
            items={COMING.map((e) => ({
              key: e.title,
              avatar: <span style={{ fontSize: 20, color: token.colorPrimary }}>{e.icon}</span>,
              title: e.title,
              description: e.summary,
              extra: <Tag>即将上线</Tag>,
            }))}
          />
        </Card>
        <Typography.Text type="secondary" style={{ fontSize: 12, textAlign: "center", paddingBottom: 12 }}>
          采集安排请以学校通知为准。
        </Typography.Text>
      </Flex>
    </Flex>
  );
}
