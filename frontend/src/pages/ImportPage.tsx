import {
  CheckCircleOutlined,
  CloudUploadOutlined,
  DownloadOutlined,
  InboxOutlined,
  ReloadOutlined,
} from "@ant-design/icons";
import { keepPreviousData, useQueryClient } from "@tanstack/react-query";
import {
  Alert,
  App,
  Button,
  Card,
  Flex,
  Popconfirm,
  Popover,
  Progress,
  Result,
  Segmented,
  Space,
  Statistic,
  Steps,
  Tooltip,
  Typography,
  Upload,
} from "antd";
import { useEffect, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { roster, rosterClient, rosterKey } from "../api/client";
import { ApiError, errorMessage } from "../api/problem";
import type { ImportIssue, ImportJob } from "../api/types";
import { useCurrentUser } from "../auth/AuthContext";
import { DataTable, type DataColumn } from "../components/DataTable";
import { QueryErrorAlert } from "../components/QueryErrorAlert";
import { SpecTag } from "../components/SpecTag";
import { PageContainer } from "../layout/PageContainer";
import { saveResponse } from "../lib/download";
import { formatDateTime } from "../lib/time";
import {
  ROSTER_ACCEPT,
  checkRosterFile,
  commitPlan,
  issueQuery,
  progressPercent,
  stepOf,
  type SeverityFilter,
} from "./importPlan";
import { importFailureMessage, importStatusTag, severityTag } from "./rosterLabels";

function UploadStep({ onUploaded }: { onUploaded: (job: ImportJob) => void }) {
  const [error, setError] = useState<{ file: string; message: string; code?: string } | null>(null);
  const [uploading, setUploading] = useState(false);

  async function upload(file: File) {
    const problem = checkRosterFile(file);
    if (problem) {
      setError({ file: file.name, message: problem });
      return;
    }
    setError(null);
    setUploading(true);
    try {
      const { data } = await rosterClient.POST("/api/roster/v1/imports", {
        body: { file: "" },
        bodySerializer: () => {
          const form = new FormData();
          form.append("file", file, file.name);
          return form;
        },
      });
      if (data) onUploaded(data);
    } catch (err) {
      setError({ file: file.name, message: errorMessage(err), code: err instanceof ApiError ? err.code : undefined });
    } finally {
      setUploading(false);
    }
  }

  return (
    <Flex vertical gap={16}>
      <Upload.Dragger
        name="file"
        accept={ROSTER_ACCEPT}
        multiple={false}
        showUploadList={false}
        disabled={uploading}
        beforeUpload={(file) => {
          void upload(file);
          return Upload.LIST_IGNORE;
        }}
        aria-label="上传名单文件"
      >
        <p className="ant-upload-drag-icon">
          {uploading ? <CloudUploadOutlined aria-hidden /> : <InboxOutlined aria-hidden />}
        </p>
        <p className="ant-upload-text">{uploading ? "正在上传…" : "点击或将名单文件拖到此处上传"}</p>
        <p className="ant-upload-hint">
          支持 .xls、.xlsx、.csv（UTF-8 或 GBK）、.dbf，单个文件不超过 50 MB。表头可用学信网字段代码（XH、XM、XB、SFZH、CC …）或中文列名（学号、姓名、性别、身份证号、层次 …）。
        </p>
      </Upload.Dragger>
      {error && (
        <Alert
          type="error"
          showIcon
          title={`「${error.file}」无法导入`}
          description={
            <>
              {error.message}
              {error.code && (
                <Typography.Text type="secondary" style={{ display: "block", fontSize: 12, marginTop: 4 }}>
                  错误代码：{error.code}
                </Typography.Text>
              )}
            </>
          }
          closable={{ onClose: () => setError(null) }}
        />
      )}
    </Flex>
  );
}

function ValidatingStep({ job }: { job: ImportJob }) {
  return (
    <Flex vertical align="center" gap={16} style={{ padding: "32px 0" }}>
      <Typography.Title level={5} style={{ margin: 0 }}>
        正在逐行校验「{job.filename}」
      </Typography.Title>
      <Progress percent={progressPercent(job)} status="active" style={{ maxWidth: 480, width: "100%" }} />
      <Typography.Text type="secondary">
        已校验 {job.progress.toLocaleString("zh-CN")} / {job.rows.toLocaleString("zh-CN")} 行。校验身份证号校验位、出生日期与性别、日期、代码与重复……
      </Typography.Text>
    </Flex>
  );
}

const issueColumns: DataColumn<ImportIssue>[] = [
  { title: "行号", dataIndex: "row", width: 80, render: (row: number | null) => row ?? "—" },
  { title: "列", dataIndex: "column", width: 140, render: (col: string | null) => col ?? "（整个文件）" },
  { title: "学号", dataIndex: "student_no", width: 130, render: (v: string | null) => v ?? "—" },
  { title: "姓名", dataIndex: "student_name", width: 100, render: (v: string | null) => v ?? "—" },
  {
    title: "严重程度",
    dataIndex: "severity",
    width: 100,
    render: (s: string) => <SpecTag spec={severityTag(s)} />,
  },
  { title: "问题说明", dataIndex: "message" },
];

function IssuesTable({ job }: { job: ImportJob }) {
  const [severity, setSeverity] = useState<SeverityFilter>("all");
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const query = issueQuery(page, pageSize, severity);
  const issues = roster.useQuery(
    "get",
    "/api/roster/v1/imports/{job_id}/issues",
    { params: { path: { job_id: job.id }, query } },
    { placeholderData: keepPreviousData },
  );

  return (
    <DataTable<ImportIssue>
      title="问题清单"
      query={issues}
      errorTitle="问题清单加载失败"
      rows={issues.data?.items ?? []}
      rowKey={(issue) => `${issue.row}-${issue.column}-${issue.code}-${issue.message}`}
      columns={issueColumns}
      loadingWhileFetching
      filtered={severity !== "all"}
      pagination={{
        total: (total) => `共 ${total} 条`,
        pageSizeOptions: [20, 50, 100, 200],
        server: {
          page,
          pageSize,
          total: issues.data?.total ?? 0,
          onChange: (p, size) => {
            setPage(p);
            setPageSize(size);
          },
        },
      }}
      emptyText="没有发现问题，可以直接导入"
      filteredEmptyText="没有此类问题"
      toolbar={
        <Segmented<SeverityFilter>
          value={severity}
          onChange={(value) => {
            setSeverity(value);
            setPage(1);
          }}
          options={[
            { value: "all", label: `全部 ${job.errors + job.warnings}` },
            { value: "error", label: `错误 ${job.errors}` },
            { value: "warning", label: `警告 ${job.warnings}` },
          ]}
        />
      }
      table={{ size: "middle", scroll: { x: 640 } }}
    />
  );
}

function ReportStep({ job, onCommitted, onRestart }: {
  job: ImportJob;
  onCommitted: (job: ImportJob) => void;
  onRestart: () => void;
}) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [commitError, setCommitError] = useState<string | null>(null);
  const [downloading, setDownloading] = useState(false);
  const commit = roster.useMutation("post", "/api/roster/v1/imports/{job_id}/commit");
  const discard = roster.useMutation("delete", "/api/roster/v1/imports/{job_id}");
  const plan = commitPlan(job);

  async function doCommit(skipErrorRows: boolean) {
    setCommitError(null);
    try {
      const done = await commit.mutateAsync({
        params: { path: { job_id: job.id } },
        body: { skip_error_rows: skipErrorRows },
      });
      message.success(`已导入 ${done.accepted} 名学生`);
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: rosterKey("/api/roster/v1/imports") }),
        queryClient.invalidateQueries({ queryKey: rosterKey("/api/roster/v1/students") }),
        queryClient.invalidateQueries({ queryKey: rosterKey("/api/roster/v1/classes") }),
        queryClient.invalidateQueries({ queryKey: rosterKey("/api/roster/v1/colleges") }),
      ]);
      onCommitted(done);
    } catch (err) {
      setCommitError(errorMessage(err));
    }
  }

  async function doDiscard() {
    try {
      await discard.mutateAsync({ params: { path: { job_id: job.id } } });
      message.info("已放弃本次导入");
      await queryClient.invalidateQueries({ queryKey: rosterKey("/api/roster/v1/imports") });
      onRestart();
    } catch (err) {
      message.error(errorMessage(err));
    }
  }

  async function downloadAnnotated() {
    setDownloading(true);
    try {
      const result = await rosterClient.GET("/api/roster/v1/imports/{job_id}/annotated.xlsx", {
        params: { path: { job_id: job.id } },
        parseAs: "blob",
      });
      const name = saveResponse(result, `${job.filename.replace(/\.[^.]+$/, "")}-问题标注.xlsx`);
      message.success(`已下载：${name}`);
    } catch (err) {
      message.error(errorMessage(err));
    } finally {
      setDownloading(false);
    }
  }

  const stats: { title: string; value: number; color?: string; tip: string }[] = [
    { title: "总行数", value: job.rows, tip: "文件中的学生数据行" },
    { title: "可导入", value: job.accepted, color: "#52c41a", tip: "没有错误、可以导入的行（含有警告的行）" },
    { title: "其中更新", value: job.updates, color: "#1677ff", tip: "名单中已有该学号，导入后更新其信息" },
    { title: "警告", value: job.warnings, color: "#fa8c16", tip: "值得核对但不妨碍导入的问题" },
    { title: "错误", value: job.errors, color: "#ff4d4f", tip: "必须修改的问题：有错误的行不能导入" },
  ];

  return (
    <Flex vertical gap={16}>
      <Flex gap={16} wrap>
        {stats.map((s) => (
          <Card key={s.title} size="small" style={{ flex: "1 1 150px" }}>
            <Tooltip title={s.tip}>
              <Statistic title={s.title} value={s.value} styles={s.color && s.value > 0 ? { content: { color: s.color } } : undefined} />
            </Tooltip>
          </Card>
        ))}
      </Flex>
      <Card>
        <Flex vertical gap={12}>
          {job.errors > 0 ? (
            <Alert
              type="warning"
              showIcon
              title={`发现 ${job.errors} 个错误${job.warnings ? `、${job.warnings} 个警告` : ""}`}
              description="有错误的行不能导入。可下载问题标注表（原文件中标出了问题单元格并附批注），修改后重新上传；也可以先导入无误的行，稍后再补充其余学生。"
            />
          ) : job.warnings > 0 ? (
            <Alert
              type="info"
              showIcon
              title={`没有错误，有 ${job.warnings} 个警告`}
              description="警告不妨碍导入，建议核对后再确认导入。"
            />
          ) : (
            <Alert type="success" showIcon title="校验通过，没有发现问题" />
          )}
          {commitError && <Alert type="error" showIcon title={commitError} />}
          <Space wrap>
            {plan.commitAll && (
              <Popconfirm
                title={`确认导入 ${plan.goodRows} 行？`}
                description={job.updates ? `其中 ${job.updates} 名学生已在名单中，将更新其信息。` : "导入后可在学生名单中查看。"}
                okText="确定导入"
                cancelText="取消"
                onConfirm={() => doCommit(false)}
              >
                <Button type="primary" loading={commit.isPending} icon={<CheckCircleOutlined aria-hidden />}>
                  确认导入
                </Button>
              </Popconfirm>
            )}
            {plan.skipErrors && (
              <Popconfirm
                title={`仅导入无误的 ${plan.goodRows} 行？`}
                description="有错误的行不会导入，修改后可重新上传补充。"
                okText="确定导入"
                cancelText="取消"
                onConfirm={() => doCommit(true)}
              >
                <Button type="primary" loading={commit.isPending}>
                  仅导入无误的 {plan.goodRows} 行
                </Button>
              </Popconfirm>
            )}
            {job.errors + job.warnings > 0 && (
              <Button icon={<DownloadOutlined aria-hidden />} loading={downloading} onClick={() => void downloadAnnotated()}>
                下载问题标注表
              </Button>
            )}
            <Button icon={<ReloadOutlined aria-hidden />} onClick={onRestart}>
              重新上传
            </Button>
            <Popconfirm
              title="放弃本次导入？"
              description="不会写入任何学生数据。"
              okText="放弃"
              cancelText="取消"
              onConfirm={() => doDiscard()}
            >
              <Button danger type="text" loading={discard.isPending}>
                放弃本次导入
              </Button>
            </Popconfirm>
          </Space>
        </Flex>
      </Card>
      <IssuesTable job={job} />
    </Flex>
  );
}

/** One left-out row: who it is, its first problem, and a link that opens every problem of the row. */
function LeftOutRow({ row, issues }: { row: number; issues: ImportIssue[] }) {
  const first = issues[0];
  const who = [first.student_no, first.student_name].filter(Boolean).join(" ") || "（无学号姓名）";
  const detail = (
    <Flex vertical gap={4} style={{ maxWidth: 420 }}>
      {issues.map((i) => (
        <Typography.Text key={`${i.column}-${i.code}-${i.message}`}>
          <Typography.Text strong>{i.column ?? "整行"}</Typography.Text>：{i.message}
        </Typography.Text>
      ))}
      <Typography.Text type="secondary">在原表格第 {row} 行改正后重新上传即可。</Typography.Text>
    </Flex>
  );
  return (
    <Typography.Text>
      <Popover trigger="click" placement="bottomLeft" title={`第 ${row} 行的问题（${issues.length} 处）`} content={detail}>
        <Button type="link" size="small" style={{ padding: 0, height: "auto" }} aria-label={`第 ${row} 行的问题`}>
          第 {row} 行
        </Button>
      </Popover>
      ：{who} — {first.column ? `${first.column}：` : ""}
      {first.message}
      {issues.length > 1 && <Typography.Text type="secondary">（等 {issues.length} 处）</Typography.Text>}
    </Typography.Text>
  );
}

/**
 * The rows an import left out (rows with errors), by row number with 学号 and 姓名 as written, each with its
 * problem and a link to all of them.
 */
function LeftOut({ job }: { job: ImportJob }) {
  const issues = roster.useQuery("get", "/api/roster/v1/imports/{job_id}/issues", {
    params: { path: { job_id: job.id }, query: { severity: "error", limit: 500 } },
  });
  const rows = new Map<number, ImportIssue[]>();
  for (const i of issues.data?.items ?? []) {
    if (i.row !== null) rows.set(i.row, [...(rows.get(i.row) ?? []), i]);
  }
  if (rows.size === 0) return null;
  return (
    <Alert
      type="warning"
      showIcon
      style={{ textAlign: "left", marginTop: 16 }}
      title={`${job.rows_with_errors} 行有错误，未导入`}
      description={
        <Flex vertical gap={4}>
          {[...rows.entries()].slice(0, 50).map(([row, list]) => (
            <LeftOutRow key={row} row={row} issues={list} />
          ))}
          {rows.size > 50 && <Typography.Text type="secondary">……共 {rows.size} 行，详见问题标注文件</Typography.Text>}
          <Typography.Text type="secondary">修改这些行后重新上传即可补充导入（已导入的学生按学号更新，不会重复）。</Typography.Text>
        </Flex>
      }
    />
  );
}

function DoneStep({ job, onRestart }: { job: ImportJob; onRestart: () => void }) {
  return (
    <Result
      status="success"
      title={`已导入 ${job.accepted} 名学生`}
      subTitle={
        <>
          「{job.filename}」于 {formatDateTime(job.committed_at)} 导入
          {job.updates ? `，其中更新 ${job.updates} 名已有学生` : ""}
          {job.rows_with_errors ? `，${job.rows_with_errors} 行有错误未导入` : ""}。核对无误后，请在「名单审核」中提交省教育厅资格审查。
          {job.rows_with_errors > 0 && <LeftOut job={job} />}
        </>
      }
      extra={[
        <Link key="students" to="/students">
          <Button type="primary">查看学生名单</Button>
        </Link>,
        <Link key="review" to="/roster-review">
          <Button>提交审核</Button>
        </Link>,
        <Button key="again" onClick={onRestart}>
          继续导入
        </Button>,
      ]}
    />
  );
}

function History({ current, onOpen }: { current: string | null; onOpen: (id: string) => void }) {
  const jobs = roster.useQuery("get", "/api/roster/v1/imports", {}, {
    refetchInterval: (q) => ((q.state.data?.items ?? []).some((j) => j.status === "validating") ? 2000 : false),
  });
  const columns: DataColumn<ImportJob>[] = [
    { title: "文件名", dataIndex: "filename", width: 220, ellipsis: { showTitle: true } },
    { title: "格式", dataIndex: "file_format", width: 70, render: (f: string) => f.toUpperCase(), exportValue: (j) => j.file_format.toUpperCase() },
    { title: "状态", dataIndex: "status", width: 120, render: (s: string) => <SpecTag spec={importStatusTag(s)} />, exportValue: (j) => importStatusTag(j.status).label },
    { title: "总行数", dataIndex: "rows", width: 80, align: "right" },
    { title: "可导入", dataIndex: "accepted", width: 80, align: "right" },
    {
      title: "错误",
      dataIndex: "errors",
      width: 70,
      align: "right",
      render: (n: number) => (n > 0 ? <Typography.Text type="danger">{n}</Typography.Text> : n),
    },
    { title: "上传人", dataIndex: "created_by", width: 110 },
    { title: "上传时间", dataIndex: "created_at", width: 150, render: (v: string) => formatDateTime(v), exportValue: (j) => formatDateTime(j.created_at) },
    { title: "导入时间", dataIndex: "committed_at", width: 150, render: (v: string | null) => formatDateTime(v), exportValue: (j) => formatDateTime(j.committed_at) },
    {
      title: "操作",
      key: "action",
      exportValue: false,
      width: 80,
      fixed: "right",
      render: (_: unknown, job: ImportJob) =>
        job.id === current ? (
          <Typography.Text type="secondary">当前</Typography.Text>
        ) : (
          <Button type="link" size="small" style={{ padding: 0 }} onClick={() => onOpen(job.id)}>
            查看
          </Button>
        ),
    },
  ];
  return (
    <DataTable<ImportJob>
      title="导入记录"
      query={jobs}
      errorTitle="导入记录加载失败"
      rows={jobs.data?.items ?? []}
      rowKey="id"
      columns={columns}
      pagination={{ defaultPageSize: 10, pageSizeOptions: [10, 20, 50], hideOnSinglePage: true, total: (n) => `共 ${n} 次导入` }}
      exportName="导入记录"
      emptyText="还没有导入过名单"
      table={{ size: "middle", scroll: { x: 1130 } }}
    />
  );
}

export default function ImportPage() {
  const me = useCurrentUser();
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const jobId = params.get("job");
  const job = roster.useQuery(
    "get",
    "/api/roster/v1/imports/{job_id}",
    { params: { path: { job_id: jobId ?? "" } } },
    {
      enabled: jobId !== null,
      refetchInterval: (q) => (q.state.data?.status === "validating" ? 500 : false),
    },
  );
  const current = jobId ? job.data : undefined;
  const step = current ? stepOf(current.status) : 0;

  // The history shows the same job: refresh it as soon as the job's status moves on.
  const status = current?.status;
  useEffect(() => {
    if (status) void queryClient.invalidateQueries({ queryKey: rosterKey("/api/roster/v1/imports") });
  }, [status, queryClient]);

  const open = (id: string | null) => setParams(id ? { job: id } : {}, { replace: false });
  const restart = () => open(null);

  const onJob = (next: ImportJob) => {
    queryClient.setQueryData(
      roster.queryOptions("get", "/api/roster/v1/imports/{job_id}", { params: { path: { job_id: next.id } } }).queryKey,
      next,
    );
    void queryClient.invalidateQueries({ queryKey: rosterKey("/api/roster/v1/imports") });
    open(next.id);
  };

  let body;
  if (jobId && job.isPending) {
    body = <Card loading />;
  } else if (jobId && job.isError) {
    body = (
      <Card>
        <QueryErrorAlert title="导入任务加载失败" error={job.error} onRetry={() => void job.refetch()} />
        <Button style={{ marginTop: 16 }} onClick={restart}>
          重新上传
        </Button>
      </Card>
    );
  } else if (!current) {
    body = (
      <Card>
        <UploadStep onUploaded={onJob} />
      </Card>
    );
  } else if (current.status === "validating") {
    body = (
      <Card>
        <ValidatingStep job={current} />
      </Card>
    );
  } else if (current.status === "validated") {
    body = <ReportStep job={current} onCommitted={onJob} onRestart={restart} />;
  } else if (current.status === "committed") {
    body = (
      <Card>
        <DoneStep job={current} onRestart={restart} />
      </Card>
    );
  } else {
    const failed = current.status === "failed";
    body = (
      <Card>
        <Result
          status={failed ? "error" : "info"}
          title={failed ? `「${current.filename}」校验失败` : `「${current.filename}」的导入已放弃`}
          subTitle={failed ? importFailureMessage(current.error_code) : "没有写入任何学生数据。"}
          extra={
            <Button type="primary" onClick={restart}>
              重新上传
            </Button>
          }
        />
      </Card>
    );
  }

  return (
    <PageContainer
      title="名单导入"
      subTitle={`${me.school_name ?? "本校"}预计毕业生名单：上传后逐行校验，确认无误再导入；有错误的行可先下载问题标注表修改。`}
    >
      <Card>
        <Steps
          current={step}
          status={current?.status === "failed" ? "error" : undefined}
          items={[
            { title: "上传文件", content: "xls / xlsx / csv / dbf" },
            { title: "逐行校验", content: current?.status === "validating" ? `${progressPercent(current)}%` : undefined },
            { title: "校验报告", content: "核对问题，确认导入" },
            { title: "导入完成" },
          ]}
        />
      </Card>
      {body}
      <History current={jobId} onOpen={open} />
    </PageContainer>
  );
}
