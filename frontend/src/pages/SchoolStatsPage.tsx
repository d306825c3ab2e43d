import { Card, Col, Row, Statistic, Table, Typography } from "antd";
import { useMemo } from "react";
import { roster } from "../api/client";
import type { SchoolStats } from "../api/types";
import { useCurrentUser } from "../auth/AuthContext";
import { organisationOf } from "../auth/roles";
import { DataTable, type DataColumn } from "../components/DataTable";
import { PageContainer } from "../layout/PageContainer";
import { totals } from "./reviewFilter";

const KEYS = ["imported", "submitted", "approved", "rejected"] as const;
const total = (s: SchoolStats) => s.imported + s.submitted + s.approved + s.rejected;

const columns: DataColumn<SchoolStats>[] = [
  { title: "院校代码", dataIndex: "school_code", width: 110, sorter: (a, b) => a.school_code.localeCompare(b.school_code) },
  { title: "院校名称", dataIndex: "school_name" },
  {
    title: "已通过（可采集）",
    dataIndex: "approved",
    width: 150,
    align: "right",
    defaultSortOrder: "descend",
    sorter: (a, b) => a.approved - b.approved,
    render: (n: number) => (n ? <Typography.Text strong style={{ color: "#389e0d" }}>{n.toLocaleString("zh-CN")}</Typography.Text> : 0),
  },
  { title: "审核中", dataIndex: "submitted", width: 100, align: "right", sorter: (a, b) => a.submitted - b.submitted },
  { title: "待提交", dataIndex: "imported", width: 100, align: "right", sorter: (a, b) => a.imported - b.imported },
  { title: "未通过", dataIndex: "rejected", width: 100, align: "right", sorter: (a, b) => a.rejected - b.rejected },
  { title: "名单合计", key: "total", width: 110, align: "right", render: (_: unknown, s: SchoolStats) => total(s), exportValue: total, sorter: (a, b) => total(a) - total(b) },
];

export default function SchoolStatsPage() {
  const me = useCurrentUser();
  const stats = roster.useQuery("get", "/api/roster/v1/stats/schools");
  const rows = useMemo(() => stats.data?.items ?? [], [stats.data]);
  const sum = useMemo(() => totals(rows, KEYS), [rows]);
  const withApproved = rows.filter((r) => r.approved > 0).length;

  return (
    <PageContainer title="学校概况" subTitle={`${organisationOf(me)}：各校名单与资格审查进度。只有审核通过的学生才会进入排期与现场采集。`}>
      <Row gutter={[16, 16]}>
        {[
          { title: "参加学校", value: rows.length, suffix: "所" },
          { title: "有可采集学生的学校", value: withApproved, suffix: "所" },
          { title: "已通过（可采集）", value: sum.approved, suffix: "人", color: "#389e0d" },
          { title: "审核中", value: sum.submitted, suffix: "人", color: "#1677ff" },
        ].map((s) => (
          <Col key={s.title} xs={12} lg={6}>
            <Card>
              <Statistic
                title={s.title}
                value={s.value}
                suffix={s.suffix}
                loading={stats.isPending}
                styles={s.color ? { content: { color: s.color } } : undefined}
              />
            </Card>
          </Col>
        ))}
      </Row>
      <DataTable<SchoolStats>
        title="各校人数"
        query={stats}
        errorTitle="学校概况加载失败"
        rows={rows}
        rowKey="school_code"
        columns={columns}
        exportName="学校概况"
        emptyText="暂无学校"
        table={{
          size: "middle",
          scroll: { x: 800 },
          summary: () =>
            rows.length > 0 ? (
              <Table.Summary fixed>
                <Table.Summary.Row style={{ background: "#fafafa" }}>
                  <Table.Summary.Cell index={0} colSpan={2}>
                    <Typography.Text strong>合计（{rows.length} 所）</Typography.Text>
                  </Table.Summary.Cell>
                  <Table.Summary.Cell index={2} align="right">
                    <Typography.Text strong>{sum.approved.toLocaleString("zh-CN")}</Typography.Text>
                  </Table.Summary.Cell>
                  <Table.Summary.Cell index={3} align="right">
                    <Typography.Text strong>{sum.submitted}</Typography.Text>
                  </Table.Summary.Cell>
                  <Table.Summary.Cell index={4} align="right">
                    <Typography.Text strong>{sum.imported}</Typography.Text>
                  </Table.Summary.Cell>
                  <Table.Summary.Cell index={5} align="right">
                    <Typography.Text strong>{sum.rejected}</Typography.Text>
                  </Table.Summary.Cell>
                  <Table.Summary.Cell index={6} align="right">
                    <Typography.Text strong>{sum.imported + sum.submitted + sum.approved + sum.rejected}</Typography.Text>
                  </Table.Summary.Cell>
                </Table.Summary.Row>
              </Table.Summary>
            ) : null,
        }}
      />
    </PageContainer>
  );
}
