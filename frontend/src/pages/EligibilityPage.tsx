import { ReloadOutlined, WarningOutlined } from "@ant-design/icons";
import { useQueryClient } from "@tanstack/react-query";
import { Button, Card, Flex, Select, Tabs, Tag, Tooltip, Typography } from "antd";
import { useMemo } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { roster, rosterKey } from "../api/client";
import type { ReviewBatch } from "../api/types";
import { useCurrentUser } from "../auth/AuthContext";
import { DataTable, type DataColumn } from "../components/DataTable";
import { SpecTag } from "../components/SpecTag";
import { PageContainer } from "../layout/PageContainer";
import { formatDateTime } from "../lib/time";
import { batchStatusTag } from "./rosterLabels";

type Status = "pending" | "decided";

function BatchTable({ status, school }: { status: Status; school?: string }) {
  const navigate = useNavigate();
  const batches = roster.useQuery("get", "/api/roster/v1/review/batches", { params: { query: { status } } }, {
    refetchInterval: status === "pending" ? 30_000 : false,
  });
  const rows = useMemo(
    () =>
      (batches.data?.items ?? [])
        .filter((b) => !school || b.school_code === school)
        // The queue oldest first (first come, first reviewed); history newest first.
        .sort((a, b) =>
          status === "pending" ? a.submitted_at.localeCompare(b.submitted_at) : b.submitted_at.localeCompare(a.submitted_at),
        ),
    [batches.data, school, status],
  );

  const columns: DataColumn<ReviewBatch>[] = [
    {
      title: "学校",
      key: "school",
      exportValue: (b) => `${b.school_name}（${b.school_code}）`,
      render: (_: unknown, b: ReviewBatch) => (
        <>
          {b.school_name}
          <Typography.Text type="secondary" style={{ marginLeft: 6, fontSize: 12 }}>
            {b.school_code}
          </Typography.Text>
        </>
      ),
    },
    { title: "届别", dataIndex: "term", width: 100 },
    { title: "提交时间", dataIndex: "submitted_at", width: 150, render: (v: string) => formatDateTime(v), exportValue: (b) => formatDateTime(b.submitted_at) },
    { title: "人数", dataIndex: "students", width: 80, align: "right" },
    status === "pending"
      ? { title: "待审核", dataIndex: "pending", width: 90, align: "right" }
      : { title: "通过 / 未通过", key: "result", width: 120, align: "right", render: (_: unknown, b: ReviewBatch) => `${b.approved} / ${b.rejected}`, exportValue: (b: ReviewBatch) => `${b.approved} / ${b.rejected}` },
    {
      title: "规则标记",
      dataIndex: "flagged",
      width: 120,
      render: (n: number) =>
        n > 0 ? (
          <Tag color="warning" icon={<WarningOutlined aria-hidden />}>
            {n} 人有标记
          </Tag>
        ) : (
          <Typography.Text type="secondary">无</Typography.Text>
        ),
    },
    { title: "状态", key: "status", width: 150, render: (_: unknown, b: ReviewBatch) => <SpecTag spec={batchStatusTag(b)} />, exportValue: (b) => batchStatusTag(b).label },
    {
      title: "操作",
      key: "action",
      exportValue: false,
      width: 80,
      fixed: "right",
      render: (_: unknown, b: ReviewBatch) => (
        <Link to={`/eligibility/${b.id}`}>{status === "pending" ? "审核" : "查看"}</Link>
      ),
    },
  ];

  return (
    <DataTable<ReviewBatch>
      bare
      refresh={false}
      query={batches}
      errorTitle="审核批次加载失败"
      rows={rows}
      rowKey="id"
      columns={columns}
      filtered={Boolean(school)}
      pagination={{ hideOnSinglePage: true, total: (n) => `共 ${n} 个批次` }}
      exportName={status === "pending" ? "待审核批次" : "已审核批次"}
      emptyText={status === "pending" ? "没有待审核的批次" : "还没有审核完成的批次"}
      filteredEmptyText={status === "pending" ? "该校没有待审核的批次" : "该校还没有审核完成的批次"}
      table={{ size: "middle", scroll: { x: 1000 }, onRow: (b) => ({ onDoubleClick: () => navigate(`/eligibility/${b.id}`) }) }}
    />
  );
}

export default function EligibilityPage() {
  const me = useCurrentUser();
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const tab = (params.get("tab") as Status | null) ?? "pending";
  const school = params.get("school") ?? undefined;
  const schools = roster.useQuery("get", "/api/roster/v1/schools");
  const pending = roster.useQuery("get", "/api/roster/v1/review/batches", { params: { query: { status: "pending" } } });

  const set = (key: string, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };

  const pendingBySchool = useMemo(() => {
    const counts = new Map<string, number>();
    for (const b of pending.data?.items ?? []) counts.set(b.school_code, (counts.get(b.school_code) ?? 0) + 1);
    return counts;
  }, [pending.data]);

  return (
    <PageContainer
      title="资格审查"
      subTitle={`${me.province_name ?? "本省"}各高校提交的预计毕业生名单。规则标记仅供参考，结论由审核人给出。`}
    >
      <Card styles={{ body: { paddingTop: 8 } }}>
        <Tabs
          activeKey={tab}
          onChange={(key) => set("tab", key === "pending" ? undefined : key)}
          tabBarExtraContent={
            <Flex gap={8}>
              <Select
                allowClear
                showSearch={{ optionFilterProp: "label" }}
                placeholder="全部学校"
                aria-label="按学校筛选"
                style={{ width: 240 }}
                value={school}
                onChange={(v?: string) => set("school", v)}
                options={(schools.data?.items ?? []).map((s) => {
                  const n = pendingBySchool.get(s.code);
                  return { value: s.code, label: n ? `${s.name}（${n} 个待审）` : s.name };
                })}
              />
              <Tooltip title="刷新">
                <Button aria-label="刷新" icon={<ReloadOutlined aria-hidden />} onClick={() => void queryClient.invalidateQueries({ queryKey: rosterKey("/api/roster/v1/review/batches") })} />
              </Tooltip>
            </Flex>
          }
          items={[
            {
              key: "pending",
              label: `待审核${pending.data ? `（${pending.data.total}）` : ""}`,
              children: <BatchTable status="pending" school={school} />,
            },
            { key: "decided", label: "已审核", children: <BatchTable status="decided" school={school} /> },
          ]}
        />
      </Card>
    </PageContainer>
  );
}
