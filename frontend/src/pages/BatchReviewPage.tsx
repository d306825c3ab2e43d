import { CheckOutlined, CloseOutlined, RightOutlined, WarningOutlined } from "@ant-design/icons";
import { useQueryClient } from "@tanstack/react-query";
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Descriptions,
  Flex,
  Form,
  Input,
  Modal,
  Result,
  Segmented,
  Space,
  Statistic,
  Tag,
  Tooltip,
  Typography,
} from "antd";
import { type Key, useMemo, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { roster, rosterKey } from "../api/client";
import { errorMessage } from "../api/problem";
import type { ReviewBatch, ReviewFlag, ReviewItem } from "../api/types";
import { DataTable, type DataColumn } from "../components/DataTable";
import { SpecTag } from "../components/SpecTag";
import { applyProblem } from "../components/formErrors";
import { PageContainer } from "../layout/PageContainer";
import { formatDateTime } from "../lib/time";
import { filterReviewItems, type DecisionFilter } from "./reviewFilter";
import { DECISION, batchStatusTag, decisionTag, flagLabel } from "./rosterLabels";

type Decision = "approved" | "rejected";

const DECISION_FILTERS: { value: DecisionFilter; label: string }[] = [
  { value: "all", label: "全部" },
  ...(["pending", "approved", "rejected"] as const).map((value) => ({ value, label: DECISION[value].label })),
];

interface DecisionRequest {
  decision: Decision;
  /** null: every pending student of the batch */
  studentIds: string[] | null;
  count: number;
}

const REJECT_REASONS = [
  "层次不在本届采集范围",
  "预计毕业时间不在本届",
  "非全日制本届不统一采集",
  "往届已采集",
  "身份信息需学校核实",
];

function DecisionModal({
  batch,
  request,
  onClose,
  onDone,
}: {
  batch: ReviewBatch;
  request: DecisionRequest | null;
  onClose: () => void;
  onDone: () => void;
}) {
  const [form] = Form.useForm<{ reason: string }>();
  const { message } = App.useApp();
  const [formError, setFormError] = useState<string | null>(null);
  const decide = roster.useMutation("post", "/api/roster/v1/review/batches/{batch_id}/decisions");
  const rejecting = request?.decision === "rejected";

  async function submit() {
    if (!request) return;
    let values: { reason: string };
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setFormError(null);
    try {
      const out = await decide.mutateAsync({
        params: { path: { batch_id: batch.id } },
        body: {
          decision: request.decision,
          reason: (values.reason ?? "").trim(),
          student_ids: request.studentIds,
        },
      });
      message.success(`已${rejecting ? "驳回" : "通过"} ${out.decided} 名学生`);
      onDone();
    } catch (err) {
      setFormError(applyProblem(form, err, ["reason"]));
    }
  }

  const who = request?.studentIds === null ? `本批次全部待审核的 ${request?.count ?? 0} 名学生` : `所选的 ${request?.count ?? 0} 名学生`;

  return (
    <Modal
      title={rejecting ? "驳回（审核不通过）" : "审核通过"}
      open={request !== null}
      okText={rejecting ? "确定驳回" : "确定通过"}
      okButtonProps={{ danger: rejecting }}
      cancelText="取消"
      confirmLoading={decide.isPending}
      onOk={() => void submit()}
      onCancel={onClose}
      destroyOnHidden
      afterClose={() => setFormError(null)}
    >
      <Typography.Paragraph style={{ marginTop: 16 }}>
        {batch.school_name} {batch.term} 届：对{who}作出「{rejecting ? "不通过" : "通过"}」结论。
        {rejecting ? "学校将看到原因，修改后可重新提交。" : "通过后学生即可安排采集并领取采集凭证。"}
      </Typography.Paragraph>
      <Form form={form} layout="vertical" name="decision" preserve={false}>
        {formError && <Alert type="error" showIcon title={formError} style={{ marginBottom: 16 }} />}
        <Form.Item
          label={rejecting ? "不通过原因" : "审核意见"}
          name="reason"
          rules={[
            ...(rejecting ? [{ required: true, whitespace: true, message: "不通过时必须填写原因" }] : []),
            { max: 200, message: "不能超过 200 个字" },
          ]}
          extra={
            rejecting ? (
              <Flex wrap gap={4} style={{ marginTop: 6 }}>
                {REJECT_REASONS.map((r) => (
                  <Tag key={r} style={{ cursor: "pointer" }} onClick={() => form.setFieldValue("reason", r)}>
                    {r}
                  </Tag>
                ))}
              </Flex>
            ) : undefined
          }
        >
          <Input.TextArea rows={3} maxLength={200} placeholder={rejecting ? "请填写不通过的原因" : "选填，如：材料齐全"} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function FlagTags({ flags }: { flags: ReviewFlag[] }) {
  if (!flags.length) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <Flex vertical gap={4} align="flex-start">
      {flags.map((f) => (
        <Tooltip key={f.code} title={f.message}>
          <Tag color="warning" icon={<WarningOutlined aria-hidden />} style={{ whiteSpace: "normal", marginInlineEnd: 0 }}>
            <Typography.Text strong style={{ fontSize: 12, color: "inherit" }}>
              {flagLabel(f.code)}
            </Typography.Text>
            ：{f.message}
          </Tag>
        </Tooltip>
      ))}
    </Flex>
  );
}

export default function BatchReviewPage() {
  const { batchId = "" } = useParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const path = { params: { path: { batch_id: batchId } } };
  const batch = roster.useQuery("get", "/api/roster/v1/review/batches/{batch_id}", path);
  const items = roster.useQuery("get", "/api/roster/v1/review/batches/{batch_id}/items", path);
  const [onlyFlagged, setOnlyFlagged] = useState(false);
  const [decisionFilter, setDecisionFilter] = useState<DecisionFilter>("all");
  const [selected, setSelected] = useState<Key[]>([]);
  const [request, setRequest] = useState<DecisionRequest | null>(null);
  // 下一批: the oldest other batch still waiting in the queue.
  const queue = roster.useQuery("get", "/api/roster/v1/review/batches", { params: { query: { status: "pending" } } });
  const next = useMemo(
    () =>
      [...(queue.data?.items ?? [])]
        .filter((q) => q.id !== batchId)
        .sort((x, y) => x.submitted_at.localeCompare(y.submitted_at))[0],
    [queue.data, batchId],
  );

  const all = useMemo(() => items.data?.items ?? [], [items.data]);
  const rows = useMemo(() => filterReviewItems(all, { onlyFlagged, decision: decisionFilter }), [all, onlyFlagged, decisionFilter]);
  const flaggedCount = all.filter((i) => i.flags.length > 0).length;

  const refresh = async () => {
    setSelected([]);
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: rosterKey("/api/roster/v1/review/batches") }),
      queryClient.invalidateQueries({ queryKey: rosterKey("/api/roster/v1/review/batches/{batch_id}") }),
      queryClient.invalidateQueries({ queryKey: rosterKey("/api/roster/v1/review/batches/{batch_id}/items") }),
    ]);
  };

  if (batch.isError) {
    return (
      <PageContainer title="审核批次" parents={[{ title: "资格审查", to: "/eligibility" }]}>
        <Card>
          <Result
            status="warning"
            title="无法打开该审核批次"
            subTitle={errorMessage(batch.error)}
            extra={
              <Link to="/eligibility">
                <Button type="primary">返回审核队列</Button>
              </Link>
            }
          />
        </Card>
      </PageContainer>
    );
  }

  const b = batch.data;
  const columns: DataColumn<ReviewItem>[] = [
    { title: "学号", dataIndex: "student_no", width: 112, alwaysShown: true },
    {
      title: "姓名",
      dataIndex: "name",
      width: 96,
      render: (name: string, i: ReviewItem) => (
        <>
          {name}
          <Typography.Text type="secondary" style={{ marginLeft: 4, fontSize: 12 }}>
            {i.sex}
          </Typography.Text>
        </>
      ),
    },
    {
      title: "身份证号",
      dataIndex: "id_number_masked",
      width: 172,
      render: (v: string) => <span style={{ fontFamily: "monospace" }}>{v}</span>,
    },
    { title: "院系", dataIndex: "college_name", width: 130, ellipsis: true, render: (v: string | null) => v ?? "—" },
    { title: "专业", dataIndex: "major_name", width: 130, ellipsis: true, render: (v: string | null) => v ?? "—" },
    { title: "入学日期", dataIndex: "entry_date", width: 100, render: (v: string | null) => v ?? "—" },
    { title: "层次", dataIndex: "level", width: 96 },
    { title: "学习形式", dataIndex: "study_mode", width: 84, render: (v: string | null) => v ?? "—" },
    { title: "预计毕业", dataIndex: "expected_graduation", width: 100, render: (v: string | null) => v ?? "—" },
    {
      title: "规则标记",
      dataIndex: "flags",
      render: (flags: ReviewFlag[]) => <FlagTags flags={flags} />,
      exportValue: (i) => i.flags.map((f) => flagLabel(f.code)).join("、"),
    },
    {
      title: "审核结果",
      dataIndex: "decision",
      width: 150,
      fixed: "right",
      exportValue: (i) => [decisionTag(i.decision).label, i.reason].filter(Boolean).join("："),
      render: (d: string, i: ReviewItem) => (
        <Flex vertical gap={2} align="flex-start">
          <SpecTag spec={decisionTag(d)} />
          {i.reason && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{i.reason}</Typography.Text>}
          {i.decided_at && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {i.decided_by} · {formatDateTime(i.decided_at)}
            </Typography.Text>
          )}
        </Flex>
      ),
    },
  ];

  const title = b ? `${b.school_name} · ${b.term} 届` : "审核批次";

  return (
    <PageContainer
      title={title}
      parents={[{ title: "资格审查", to: "/eligibility" }]}
      subTitle={b ? `提交人 ${b.submitted_by} · ${formatDateTime(b.submitted_at)} 提交` : undefined}
      extra={
        <Space wrap>
          {b && b.pending > 0 && (
          <Space wrap>
            <Button
              type="primary"
              icon={<CheckOutlined aria-hidden />}
              onClick={() => setRequest({ decision: "approved", studentIds: null, count: b.pending })}
            >
              全部通过
            </Button>
            <Button
              danger
              icon={<CloseOutlined aria-hidden />}
              onClick={() => setRequest({ decision: "rejected", studentIds: null, count: b.pending })}
            >
              全部驳回
            </Button>
          </Space>
          )}
          <Tooltip title={next ? `${next.school_name} · ${next.term} 届 · 待审 ${next.pending} 人` : "没有其他待审核的批次"}>
            <Button icon={<RightOutlined aria-hidden />} disabled={!next} onClick={() => next && navigate(`/eligibility/${next.id}`)}>
              下一批
            </Button>
          </Tooltip>
        </Space>
      }
    >
      <Card loading={batch.isPending}>
        {b && (
          <Flex wrap gap={32} align="center" justify="space-between">
            <Descriptions
              size="small"
              column={{ xs: 1, sm: 2 }}
              style={{ flex: "1 1 360px" }}
              items={[
                { key: "school", label: "学校", children: `${b.school_name}（${b.school_code}）` },
                { key: "term", label: "届别", children: b.term },
                { key: "status", label: "状态", children: <SpecTag spec={batchStatusTag(b)} /> },
                { key: "students", label: "人数", children: b.students },
              ]}
            />
            <Flex gap={32} wrap>
              <Statistic title="待审核" value={b.pending} />
              <Statistic title="已通过" value={b.approved} styles={{ content: { color: "#52c41a" } }} />
              <Statistic title="未通过" value={b.rejected} styles={{ content: { color: b.rejected ? "#ff4d4f" : undefined } }} />
              <Statistic title="有标记" value={b.flagged} styles={{ content: { color: b.flagged ? "#fa8c16" : undefined } }} />
            </Flex>
          </Flex>
        )}
      </Card>
      {b && b.flagged > 0 && b.pending > 0 && (
        <Alert
          type="warning"
          showIcon
          title={`本批次有 ${b.flagged} 名学生带有规则标记`}
          description="标记按本届采集工作的层次、毕业日期范围、学习形式及往届、省内其他学校名单自动生成，请逐一核对后再决定；可勾选「只看有标记的」逐人处理。"
        />
      )}
      <DataTable<ReviewItem>
        title="学生名单"
        query={{ isPending: items.isPending, isFetching: items.isFetching, isError: items.isError, error: items.error, refetch: refresh }}
        errorTitle="学生名单加载失败"
        rows={rows}
        rowKey="student_id"
        columns={columns}
        filterExtra={
          <>
            <Segmented<DecisionFilter>
              value={decisionFilter}
              onChange={setDecisionFilter}
              options={DECISION_FILTERS}
            />
            <Checkbox checked={onlyFlagged} onChange={(e) => setOnlyFlagged(e.target.checked)}>
              只看有标记的（{flaggedCount}）
            </Checkbox>
          </>
        }
        selection={{ keys: selected, onChange: setSelected }}
        selectionUnit="人"
        batchActions={[
          {
            key: "approve",
            label: "通过所选",
            icon: <CheckOutlined aria-hidden />,
            onClick: (picked) => setRequest({ decision: "approved", studentIds: picked.map((i) => i.student_id), count: picked.length }),
          },
          {
            key: "reject",
            label: "驳回所选",
            danger: true,
            icon: <CloseOutlined aria-hidden />,
            onClick: (picked) => setRequest({ decision: "rejected", studentIds: picked.map((i) => i.student_id), count: picked.length }),
          },
        ]}
        pagination={{ defaultPageSize: 50, pageSizeOptions: [20, 50, 100, 200], total: (n) => `共 ${n} 人` }}
        exportName={b ? `审核名单-${b.school_code}-${b.term}` : "审核名单"}
        columnsKey="review-items"
        emptyText={onlyFlagged ? "没有带标记的学生" : "没有符合条件的学生"}
        table={{ size: "middle", scroll: { x: 1120 }, rowClassName: (i) => (i.flags.length ? "row-flagged" : "") }}
      />
      {b && (
        <DecisionModal
          batch={b}
          request={request}
          onClose={() => setRequest(null)}
          onDone={() => {
            setRequest(null);
            void refresh();
          }}
        />
      )}
    </PageContainer>
  );
}
