import { DownloadOutlined, SendOutlined } from "@ant-design/icons";
import { useQueryClient } from "@tanstack/react-query";
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Flex,
  InputNumber,
  Popconfirm,
  Row,
  Select,
  Space,
  Statistic,
  Tag,
  Typography,
} from "antd";
import { useState } from "react";
import { Link } from "react-router";
import { roster, rosterClient, rosterKey } from "../api/client";
import { errorMessage } from "../api/problem";
import type { Campaign, ReviewBatch, ReviewItem } from "../api/types";
import { useCurrentUser } from "../auth/AuthContext";
import { DataTable, type DataColumn } from "../components/DataTable";
import { QueryErrorAlert } from "../components/QueryErrorAlert";
import { SpecTag } from "../components/SpecTag";
import { PageContainer } from "../layout/PageContainer";
import { saveResponse } from "../lib/download";
import { formatDateTime } from "../lib/time";
import { batchStatusTag, decisionTag } from "./rosterLabels";

function campaignLabel(c: Campaign): string {
  return `${c.term} 届 · ${c.name}`;
}

/** The students of one batch with the province's decision and reason. */
function BatchItems({ batch }: { batch: ReviewBatch }) {
  const items = roster.useQuery("get", "/api/roster/v1/review/batches/{batch_id}/items", {
    params: { path: { batch_id: batch.id } },
  });
  const [onlyRejected, setOnlyRejected] = useState(false);
  const rows = (items.data?.items ?? []).filter((i) => !onlyRejected || i.decision === "rejected");
  const columns: DataColumn<ReviewItem>[] = [
    { title: "学号", dataIndex: "student_no", width: 130, alwaysShown: true },
    { title: "姓名", dataIndex: "name", width: 100 },
    { title: "层次", dataIndex: "level", width: 110 },
    { title: "审核结果", dataIndex: "decision", width: 100, render: (d: string) => <SpecTag spec={decisionTag(d)} />, exportValue: (i) => decisionTag(i.decision).label },
    { title: "原因", dataIndex: "reason", render: (r: string) => r || "—" },
    { title: "审核人", dataIndex: "decided_by", width: 110, render: (v: string | null) => v ?? "—" },
    { title: "审核时间", dataIndex: "decided_at", width: 150, render: (v: string | null) => formatDateTime(v), exportValue: (i) => formatDateTime(i.decided_at) },
  ];
  return (
    <DataTable<ReviewItem>
      bare
      refresh={false}
      query={items}
      errorTitle="批次学生加载失败"
      rows={rows}
      rowKey="id"
      columns={columns}
      filtered={onlyRejected}
      filterExtra={
        batch.rejected > 0 && (
          <Space>
            <Button type="link" size="small" style={{ padding: 0 }} onClick={() => setOnlyRejected(!onlyRejected)}>
              {onlyRejected ? "显示全部学生" : `只看未通过的 ${batch.rejected} 人`}
            </Button>
            <Typography.Text type="secondary">未通过的学生修改信息后可重新提交审核。</Typography.Text>
          </Space>
        )
      }
      pagination={{ hideOnSinglePage: true, total: (n) => `共 ${n} 人` }}
      exportName={`审核结果-${batch.term}`}
      columnsKey="school-review-items"
      emptyText="本批次没有学生"
      table={{ size: "small", scroll: { x: 800 } }}
    />
  );
}

function SubmitCard({ campaigns }: { campaigns: Campaign[] }) {
  const queryClient = useQueryClient();
  const [picked, setTerm] = useState<string | undefined>();
  const term = picked ?? campaigns[0]?.term;
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [classIds, setClassIds] = useState<string[]>([]);
  const submit = roster.useMutation("post", "/api/roster/v1/review/batches");

  // Per class: who goes (待提交, 未通过（已修改）) and who stays back (未通过, not corrected).
  const submittable = roster.useQuery("get", "/api/roster/v1/review/submittable");
  const groups = submittable.data?.items ?? [];
  const chosen = classIds.length ? groups.filter((g) => g.class_id && classIds.includes(g.class_id)) : groups;
  const imported = chosen.reduce((n, g) => n + g.imported, 0);
  const corrected = chosen.reduce((n, g) => n + g.corrected, 0);
  const uncorrected = chosen.reduce((n, g) => n + g.uncorrected, 0);
  const count = imported + corrected;
  const campaign = campaigns.find((c) => c.term === term);

  async function onSubmit() {
    if (!term) return;
    setError(null);
    setDone(null);
    try {
      const batch = await submit.mutateAsync({ body: { term, class_ids: classIds.length ? classIds : null } });
      const parts = [`已提交 ${batch.students} 名学生（${term} 届）`];
      if (corrected) parts.push(`其中 ${corrected} 名为未通过后已修改、重新提交`);
      if (uncorrected) parts.push(`${uncorrected} 名未通过且尚未修改的学生未提交`);
      setDone(`${parts.join("，")}。等待省教育厅审核，结果见下方「审核批次」。`);
      setClassIds([]);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: rosterKey("/api/roster/v1/review/batches") }),
        queryClient.invalidateQueries({ queryKey: rosterKey("/api/roster/v1/review/submittable") }),
        queryClient.invalidateQueries({ queryKey: rosterKey("/api/roster/v1/students") }),
      ]);
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  const classLabel = (g: (typeof groups)[number]) =>
    `${g.class_no ?? "未分班"}${g.class_name ? ` ${g.class_name}` : ""}（${g.imported + g.corrected} 人）`;

  return (
    <Card title="提交资格审查" style={{ height: "100%" }}>
      <Flex vertical gap={12}>
        <Typography.Text type="secondary">
          将待提交和未通过（已修改）的学生提交省教育厅进行预计毕业生资格审查；未通过且尚未修改信息的学生不会再次提交。审核通过后才能安排采集。
        </Typography.Text>
        <Flex gap={12} wrap align="center">
          <Select
            aria-label="毕业届别"
            style={{ minWidth: 280 }}
            placeholder={campaigns.length ? "请选择毕业届别" : "本省尚未开启采集工作"}
            value={term}
            onChange={setTerm}
            options={campaigns.map((c) => ({ value: c.term, label: campaignLabel(c) }))}
          />
          <Select
            aria-label="提交的班级"
            mode="multiple"
            allowClear
            style={{ minWidth: 280, flex: 1 }}
            placeholder="全部班级"
            value={classIds}
            onChange={setClassIds}
            loading={submittable.isPending}
            options={groups
              .filter((g) => g.class_id && g.imported + g.corrected > 0)
              .map((g) => ({ value: g.class_id as string, label: classLabel(g) }))}
          />
        </Flex>
        {campaign && (
          <Descriptions
            size="small"
            column={1}
            items={[
              { key: "levels", label: "采集层次", children: campaign.levels.join("、") || "不限" },
              { key: "window", label: "预计毕业日期", children: `${campaign.graduation_from} 至 ${campaign.graduation_to}` },
              { key: "pt", label: "非全日制", children: campaign.exclude_part_time ? "不统一采集" : "一并采集" },
            ]}
          />
        )}
        <Flex gap={32} wrap>
          <Statistic title="本次将提交" value={count} suffix="人" loading={submittable.isPending} />
          <Statistic title="其中重新提交" value={corrected} suffix="人" loading={submittable.isPending} />
          <Statistic title="未修改、不提交" value={uncorrected} suffix="人" loading={submittable.isPending} />
        </Flex>
        {uncorrected > 0 && (
          <Typography.Text type="secondary">
            未通过的学生修改信息（勘误或直接修改）后才会重新提交：
            <Link to="/students?status=rejected">查看未通过的学生</Link>
          </Typography.Text>
        )}
        {error && <Alert type="error" showIcon title={error} />}
        {done && <Alert type="success" showIcon title={done} closable onClose={() => setDone(null)} />}
        <Popconfirm
          title={`提交 ${count} 名学生审核？`}
          description={`${term ?? ""} 届${classIds.length ? `，所选 ${classIds.length} 个班级` : "，全部班级"}；提交后在审核完成前不能修改这些学生的审核状态。`}
          okText="提交"
          cancelText="取消"
          disabled={!term || count === 0}
          onConfirm={() => onSubmit()}
        >
          <Button type="primary" icon={<SendOutlined aria-hidden />} disabled={!term || count === 0} loading={submit.isPending}>
            提交审核
          </Button>
        </Popconfirm>
        {submittable.isSuccess && count === 0 && !done && (
          <Typography.Text type="secondary">
            {groups.length === 0 ? (
              <>
                本校学生均已提交或已通过。需要新增学生时请<Link to="/imports">导入名单</Link>。
              </>
            ) : (
              "所选班级没有可提交的学生（均已通过、正在审核中，或未通过且尚未修改）。"
            )}
          </Typography.Text>
        )}
      </Flex>
    </Card>
  );
}

function DownloadsCard({ campaigns }: { campaigns: Campaign[] }) {
  const { message } = App.useApp();
  const [picked, setTerm] = useState<string | undefined>();
  const term = picked ?? campaigns[0]?.term;
  const [fee, setFee] = useState<number | null>(null);
  const [busy, setBusy] = useState<"reviewed" | "classes" | null>(null);

  async function download(kind: "reviewed" | "classes") {
    setBusy(kind);
    try {
      const result =
        kind === "reviewed"
          ? await rosterClient.GET("/api/roster/v1/reviewed-list.xlsx", {
              params: { query: { term: term ?? "" } },
              parseAs: "blob",
            })
          : await rosterClient.GET("/api/roster/v1/class-lists.xlsx", {
              params: { query: { fee_yuan: fee ?? undefined } },
              parseAs: "blob",
            });
      const name = saveResponse(result, kind === "reviewed" ? `资格审查结果-${term}.xlsx` : "班级采集名单.xlsx");
      message.success(`已下载：${name}`);
    } catch (err) {
      message.error(errorMessage(err));
    } finally {
      setBusy(null);
    }
  }

  return (
    <Card title="下载" style={{ height: "100%" }}>
      <Flex vertical gap={16}>
        <div>
          <Typography.Text strong>审核结果</Typography.Text>
          <Typography.Paragraph type="secondary" style={{ margin: "4px 0 8px" }}>
            省教育厅对本校名单的审核结果（Excel），含每名学生的结论与原因。
          </Typography.Paragraph>
          <Space wrap>
            <Select
              aria-label="审核结果届别"
              style={{ width: 140 }}
              value={term}
              onChange={setTerm}
              options={campaigns.map((c) => ({ value: c.term, label: `${c.term} 届` }))}
            />
            <Button icon={<DownloadOutlined aria-hidden />} disabled={!term} loading={busy === "reviewed"} onClick={() => void download("reviewed")}>
              下载审核结果
            </Button>
          </Space>
        </div>
        <div>
          <Typography.Text strong>班级采集名单</Typography.Text>
          <Typography.Paragraph type="secondary" style={{ margin: "4px 0 8px" }}>
            按名单顺序排列，每班一页，留空「拍摄序号」和缴费栏，供摄影师和班长现场使用。
          </Typography.Paragraph>
          <Space wrap>
            <InputNumber<number>
              aria-label="采集费（元）"
              min={0}
              max={100}
              value={fee}
              onChange={setFee}
              placeholder="采集费"
              suffix="元"
              style={{ width: 120 }}
            />
            <Button icon={<DownloadOutlined aria-hidden />} loading={busy === "classes"} onClick={() => void download("classes")}>
              下载班级采集名单
            </Button>
          </Space>
        </div>
      </Flex>
    </Card>
  );
}

export default function RosterReviewPage() {
  const me = useCurrentUser();
  const campaigns = roster.useQuery("get", "/api/roster/v1/campaigns");
  const batches = roster.useQuery("get", "/api/roster/v1/review/batches", {}, {
    refetchInterval: (q) => ((q.state.data?.items ?? []).some((b) => b.status === "pending") ? 15_000 : false),
  });
  const campaignList = campaigns.data?.items ?? [];

  const columns: DataColumn<ReviewBatch>[] = [
    { title: "提交时间", dataIndex: "submitted_at", width: 160, render: (v: string) => formatDateTime(v), exportValue: (b) => formatDateTime(b.submitted_at) },
    { title: "届别", dataIndex: "term", width: 100 },
    { title: "人数", dataIndex: "students", width: 80, align: "right" },
    {
      title: "已通过",
      dataIndex: "approved",
      width: 90,
      align: "right",
      render: (n: number) => <Typography.Text type={n ? "success" : undefined}>{n}</Typography.Text>,
    },
    {
      title: "未通过",
      dataIndex: "rejected",
      width: 90,
      align: "right",
      render: (n: number) => <Typography.Text type={n ? "danger" : undefined}>{n}</Typography.Text>,
    },
    { title: "待审核", dataIndex: "pending", width: 90, align: "right" },
    { title: "状态", key: "status", width: 160, render: (_: unknown, b: ReviewBatch) => <SpecTag spec={batchStatusTag(b)} />, exportValue: (b) => batchStatusTag(b).label },
    { title: "提交人", dataIndex: "submitted_by", width: 130 },
  ];

  return (
    <PageContainer
      title="名单审核"
      subTitle={`${me.school_name ?? "本校"}预计毕业生资格审查：按届别提交，省教育厅逐人审核，结果与原因在此查看。`}
    >
      {campaigns.isError && (
        <QueryErrorAlert title="采集工作加载失败" error={campaigns.error} onRetry={() => void campaigns.refetch()} />
      )}
      {campaigns.isSuccess && campaignList.length === 0 && (
        <Alert type="info" showIcon title="本省尚未开启图像采集工作" description="省教育厅开启某一届的采集工作后，才能提交该届名单审核。" />
      )}
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}>
          {campaigns.isPending ? <Card loading /> : <SubmitCard campaigns={campaignList} />}
        </Col>
        <Col xs={24} lg={12}>
          {campaigns.isPending ? <Card loading /> : <DownloadsCard campaigns={campaignList} />}
        </Col>
      </Row>
      <DataTable<ReviewBatch>
        title="审核批次"
        query={batches}
        errorTitle="审核批次加载失败"
        rows={batches.data?.items ?? []}
        rowKey="id"
        columns={columns}
        pagination={{ defaultPageSize: 10, pageSizeOptions: [10, 20, 50], hideOnSinglePage: true, total: (n) => `共 ${n} 个批次` }}
        exportName="审核批次"
        emptyText="还没有提交过审核"
        table={{
          size: "middle",
          scroll: { x: 1000 },
          expandable: { expandedRowRender: (b) => <BatchItems batch={b} />, expandRowByClick: true },
        }}
        footer={
          <Typography.Text type="secondary" style={{ display: "block", marginTop: 8, fontSize: 12 }}>
            点击批次查看每名学生的审核结果。<Tag>审核中</Tag>的批次每 15 秒自动刷新。
          </Typography.Text>
        }
      />
    </PageContainer>
  );
}
