import { keepPreviousData } from "@tanstack/react-query";
import { Tag, Tooltip, Typography } from "antd";
import { useMemo } from "react";
import { useSearchParams } from "react-router";
import { capture, roster } from "../api/client";
import type { CaptureSubject } from "../api/types";
import { DataTable, type DataColumn } from "../components/DataTable";
import { PageContainer } from "../layout/PageContainer";
import { sortSubjects } from "./subjectOrder";

export default function SubjectsPage() {
  const [params, setParams] = useSearchParams();
  const school = params.get("school") ?? undefined;
  const classId = params.get("class") ?? undefined;
  const schools = roster.useQuery("get", "/api/roster/v1/schools");
  const classes = roster.useQuery(
    "get",
    "/api/roster/v1/classes",
    { params: { query: { school_code: school } } },
    { enabled: school !== undefined },
  );
  const subjects = capture.useQuery(
    "get",
    "/api/capture/v1/subjects",
    { params: { query: { school_code: school, class_id: classId } } },
    { placeholderData: keepPreviousData },
  );
  const schoolNames = useMemo(() => new Map((schools.data?.items ?? []).map((s) => [s.code, s.name])), [schools.data]);
  const rows = useMemo(() => sortSubjects(subjects.data?.items ?? [], schoolNames), [subjects.data, schoolNames]);

  const set = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next, { replace: true });
  };

  const columns: DataColumn<CaptureSubject>[] = [
    ...(school
      ? []
      : [{ title: "学校", dataIndex: "school_code", width: 150, render: (c: string) => schoolNames.get(c) ?? c, exportValue: (r: CaptureSubject) => schoolNames.get(r.school_code) ?? r.school_code }]),
    { title: "院系", dataIndex: "college_name", width: 170, ellipsis: true, render: (v: string | null) => v ?? "—" },
    { title: "班号", dataIndex: "class_no", width: 110, render: (v: string | null) => v ?? "—" },
    {
      title: (
        <Tooltip title="班内按名单顺序排队候拍">
          <span>排队序号</span>
        </Tooltip>
      ),
      dataIndex: "roster_order",
      exportTitle: "排队序号",
      width: 100,
      align: "right",
    },
    { title: "姓名", dataIndex: "masked_name", width: 100 },
    { title: "性别", dataIndex: "sex", width: 64 },
    {
      title: "身份证号",
      dataIndex: "masked_id_number",
      width: 190,
      render: (v: string) => <span style={{ fontFamily: "monospace" }}>{v}</span>,
    },
    { title: "层次", dataIndex: "level", width: 110 },
    {
      title: "学信网采集码",
      dataIndex: "has_capture_code",
      width: 120,
      exportValue: (r) => (r.has_capture_code ? "已登记" : "未登记"),
      render: (v: boolean) => (v ? <Tag color="success">已登记</Tag> : <Tag>未登记</Tag>),
    },
  ];

  return (
    <PageContainer
      title="待拍名单"
      subTitle="资格审查通过、可以采集的学生。姓名与证件号已脱敏；现场以采集凭证或采集码签到绑定拍摄序号，不按名单位置对应。"
    >
      <DataTable<CaptureSubject>
        query={subjects}
        errorTitle="待拍名单加载失败"
        rows={rows}
        rowKey="subject_key"
        columns={columns}
        loadingWhileFetching
        filters={[
          {
            key: "school",
            label: "学校",
            placeholder: "全部学校",
            width: 220,
            value: school,
            loading: schools.isPending,
            options: (schools.data?.items ?? []).map((s) => ({ value: s.code, label: `${s.name}（${s.code}）` })),
            onChange: (v) => set({ school: v, class: undefined }),
          },
          {
            key: "class",
            label: "班级",
            placeholder: school ? "全部班级" : "先选择学校再按班级筛选",
            width: 240,
            value: classId,
            disabled: !school,
            loading: classes.isFetching,
            notFoundContent: "暂无班级",
            options: (classes.data?.items ?? []).map((c) => ({ value: c.id, label: `${c.code} ${c.name}` })),
            onChange: (v) => set({ class: v }),
          },
        ]}
        filterExtra={
          subjects.data && (
            <Typography.Text type="secondary">
              共 {subjects.data.total} 人，其中 {rows.filter((r) => r.has_capture_code).length} 人已登记学信网采集码
            </Typography.Text>
          )
        }
        pagination={{ pageSizeOptions: [50, 100, 200], total: (n) => `共 ${n} 人` }}
        exportName="待拍名单"
        emptyText="暂无审核通过的学生"
        table={{ size: "middle", scroll: { x: 1000 } }}
      />
    </PageContainer>
  );
}
