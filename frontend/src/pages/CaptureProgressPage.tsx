import { keepPreviousData } from "@tanstack/react-query";
import { Card, Col, Progress, Row, Statistic, Tooltip } from "antd";
import { useMemo } from "react";
import { capture } from "../api/client";
import type { ClassProgress } from "../api/types";
import { DataTable, type DataColumn } from "../components/DataTable";
import { PageContainer } from "../layout/PageContainer";
import { useSchoolChoice } from "./useSchoolChoice";

const share = (n: number, of: number) => (of ? Math.round((n * 100) / of) : 0);

const columns: DataColumn<ClassProgress>[] = [
  { title: "院系", dataIndex: "college_name", width: 180, render: (v: string | null) => v ?? "—" },
  { title: "班号", dataIndex: "class_no", width: 110, render: (v: string | null) => v ?? "—" },
  { title: "班级名称", dataIndex: "class_name", ellipsis: true, render: (v: string | null) => v ?? "—" },
  { title: "审核通过", dataIndex: "approved", width: 100, align: "right" },
  { title: "已签到", dataIndex: "checked_in", width: 90, align: "right" },
  { title: "已拍摄", dataIndex: "photographed", width: 90, align: "right" },
  {
    title: (
      <Tooltip title="学生已在手机上确认当前版本照片与信息无误">
        <span>已确认</span>
      </Tooltip>
    ),
    exportTitle: "已确认",
    dataIndex: "confirmed",
    width: 90,
    align: "right",
  },
  {
    title: "拍摄进度",
    key: "share",
    width: 180,
    exportValue: (r) => `${share(r.photographed, r.approved)}%`,
    render: (_: unknown, r: ClassProgress) => <Progress percent={share(r.photographed, r.approved)} size="small" />,
  },
];

export default function CaptureProgressPage() {
  const { ownSchool, school, choose, options, loading } = useSchoolChoice();
  const progress = capture.useQuery(
    "get",
    "/api/capture/v1/progress",
    { params: { query: { school_code: school } } },
    { enabled: school !== undefined, placeholderData: keepPreviousData },
  );
  const rows = useMemo(() => progress.data?.classes ?? [], [progress.data]);
  const totals = progress.data?.totals;

  return (
    <PageContainer
      title="采集进度"
      subTitle="按院系、班级统计：审核通过、已签到、已拍摄（有合格照片）与学生已确认的人数。姓名与证件号不在此页出现。"
    >
      {totals && (
        <Row gutter={16} style={{ marginBottom: 16 }}>
          <Col span={6}><Card><Statistic title="审核通过" value={totals.approved} suffix="人" /></Card></Col>
          <Col span={6}><Card><Statistic title="已签到" value={totals.checked_in} suffix="人" /></Card></Col>
          <Col span={6}><Card><Statistic title="已拍摄" value={totals.photographed} suffix={`人（${share(totals.photographed, totals.approved)}%）`} /></Card></Col>
          <Col span={6}>
            <Card>
              <Statistic title="已确认" value={totals.confirmed} suffix={`人（${share(totals.confirmed, totals.photographed)}%）`} />
            </Card>
          </Col>
        </Row>
      )}
      <DataTable<ClassProgress>
        query={progress}
        errorTitle="采集进度加载失败"
        rows={rows}
        rowKey={(r) => r.class_id ?? `${r.college_name}-${r.class_no}`}
        columns={columns}
        loadingWhileFetching
        filters={
          ownSchool
            ? []
            : [
                {
                  key: "school",
                  label: "学校",
                  placeholder: "请选择学校",
                  width: 260,
                  value: school,
                  loading,
                  options,
                  onChange: choose,
                },
              ]
        }
        pagination={{ pageSizeOptions: [50, 100, 200], total: (n) => `共 ${n} 个班级` }}
        exportName="采集进度"
        emptyText={school ? "该校暂无审核通过的学生" : "请先选择学校"}
        table={{ size: "middle", scroll: { x: 900 } }}
      />
    </PageContainer>
  );
}
