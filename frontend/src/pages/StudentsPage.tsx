import { keepPreviousData } from "@tanstack/react-query";
import { Button, Tooltip } from "antd";
import { useMemo, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { roster } from "../api/client";
import type { Student } from "../api/types";
import { useCurrentUser } from "../auth/AuthContext";
import { DataTable, type DataColumn } from "../components/DataTable";
import { PrintPassesButton } from "../components/PrintPassesButton";
import { SpecTag } from "../components/SpecTag";
import { StudentDrawer } from "../components/StudentDrawer";
import { PageContainer } from "../layout/PageContainer";
import { REVIEW_STATUS, reviewStatusTag } from "./rosterLabels";

/** Why the province rejected a student: the list does not carry it, so it is fetched when the tag is hovered. */
function RejectedTag({ id }: { id: string }) {
  const [open, setOpen] = useState(false);
  const detail = roster.useQuery(
    "get",
    "/api/roster/v1/students/{student_id}",
    { params: { path: { student_id: id } } },
    { enabled: open },
  );
  const reason = detail.data?.review_reason;
  return (
    <Tooltip
      open={open}
      onOpenChange={setOpen}
      title={detail.isPending ? "正在查询原因…" : reason ? `原因：${reason}` : "未说明原因"}
    >
      <span>
        <SpecTag spec={reviewStatusTag("rejected")} />
      </span>
    </Tooltip>
  );
}

export default function StudentsPage() {
  const me = useCurrentUser();
  const isAdmin = me.role === "school_admin";
  const [params, setParams] = useSearchParams();
  const [collegeId, setCollegeId] = useState<string | undefined>();
  const [classId, setClassId] = useState<string | undefined>();
  const [status, setStatus] = useState<string | undefined>(params.get("status") ?? undefined);
  const [keyword, setKeyword] = useState("");
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const openId = params.get("student");

  const colleges = roster.useQuery("get", "/api/roster/v1/colleges");
  const classes = roster.useQuery("get", "/api/roster/v1/classes");
  const students = roster.useQuery(
    "get",
    "/api/roster/v1/students",
    {
      params: {
        query: {
          college_id: collegeId,
          class_id: classId,
          review_status: status,
          q: keyword || undefined,
          offset: (page - 1) * pageSize,
          limit: pageSize,
        },
      },
    },
    { placeholderData: keepPreviousData },
  );

  const collegeName = useMemo(() => {
    const map = new Map((colleges.data?.items ?? []).map((c) => [c.id, c.name]));
    return (id: string | null | undefined) => (id ? map.get(id) : undefined);
  }, [colleges.data]);
  const className = useMemo(() => {
    const map = new Map((classes.data?.items ?? []).map((c) => [c.id, c.code]));
    return (id: string | null | undefined) => (id ? map.get(id) : undefined);
  }, [classes.data]);
  const classOptions = (classes.data?.items ?? [])
    .filter((c) => !collegeId || c.college_id === collegeId)
    .map((c) => ({ value: c.id, label: `${c.code} ${c.name !== c.code ? c.name : ""}`.trim() }));

  const reset = <T,>(set: (v: T) => void) => (v: T) => {
    set(v);
    setPage(1);
  };
  const open = (id: string | null) => {
    const next = new URLSearchParams(params);
    if (id) next.set("student", id);
    else next.delete("student");
    setParams(next);
  };

  const columns: DataColumn<Student>[] = [
    { title: "学号", dataIndex: "student_no", width: 130, fixed: "left", alwaysShown: true },
    {
      title: "姓名",
      dataIndex: "name",
      width: 100,
      render: (name: string, s: Student) =>
        isAdmin ? (
          <Button type="link" size="small" style={{ padding: 0 }} onClick={() => open(s.id)}>
            {name}
          </Button>
        ) : (
          name
        ),
    },
    { title: "性别", dataIndex: "sex", width: 64 },
    { title: "身份证号", dataIndex: "id_number_masked", width: 176, render: (v: string) => <span style={{ fontFamily: "monospace" }}>{v}</span> },
    { title: "院系", dataIndex: "college_id", width: 140, ellipsis: true, render: (id: string | null) => collegeName(id) ?? "—", exportValue: (s) => collegeName(s.college_id) },
    { title: "班级", dataIndex: "class_id", width: 100, render: (id: string | null) => className(id) ?? "—", exportValue: (s) => className(s.class_id) },
    { title: "专业", dataIndex: "major_name", width: 140, ellipsis: true, render: (v: string | null) => v ?? "—" },
    { title: "层次", dataIndex: "level", width: 110 },
    {
      title: "审核状态",
      dataIndex: "review_status",
      width: 96,
      exportValue: (s) => reviewStatusTag(s.review_status).label,
      fixed: "right",
      render: (v: string, s: Student) =>
        v === "rejected" && isAdmin ? <RejectedTag id={s.id} /> : <SpecTag spec={reviewStatusTag(v)} />,
    },
    ...(isAdmin
      ? [
          {
            title: "操作",
            key: "action",
            exportValue: false as const,
            alwaysShown: true,
            width: 70,
            fixed: "right" as const,
            render: (_: unknown, s: Student) => (
              <Button type="link" size="small" style={{ padding: 0 }} onClick={() => open(s.id)} aria-label={`查看 ${s.name} 的详情`}>
                详情
              </Button>
            ),
          },
        ]
      : []),
  ];

  return (
    <PageContainer
      title="学生名单"
      subTitle={`${me.school_name ?? "本校"}的预计毕业生。身份证号在列表中脱敏显示${isAdmin ? "，点击姓名查看完整信息与修改记录" : ""}。`}
      extra={
        isAdmin && (
          <Link to="/imports">
            <Button type="primary">导入名单</Button>
          </Link>
        )
      }
    >
      <DataTable<Student>
        query={students}
        errorTitle="学生名单加载失败"
        rows={students.data?.items ?? []}
        rowKey="id"
        columns={columns}
        loadingWhileFetching
        filters={[
          {
            key: "college",
            label: "院系",
            placeholder: "全部院系",
            value: collegeId,
            loading: colleges.isPending,
            options: (colleges.data?.items ?? []).map((c) => ({ value: c.id, label: c.name })),
            onChange: (v) => {
              setCollegeId(v);
              setClassId(undefined);
              setPage(1);
            },
          },
          {
            key: "class",
            label: "班级",
            placeholder: "全部班级",
            width: 220,
            value: classId,
            loading: classes.isPending,
            options: classOptions,
            notFoundContent: "暂无班级",
            onChange: reset(setClassId),
          },
          {
            key: "status",
            label: "审核状态",
            placeholder: "全部审核状态",
            width: 150,
            searchable: false,
            value: status,
            options: Object.entries(REVIEW_STATUS).map(([value, spec]) => ({ value, label: spec.label })),
            onChange: reset(setStatus),
          },
        ]}
        search={{ placeholder: "搜索学号或姓名", maxLength: 40, onSearch: reset(setKeyword) }}
        filtered={Boolean(keyword)}
        pagination={{
          pageSizeOptions: [20, 50, 100, 200],
          total: (n) => `共 ${n} 名学生`,
          server: {
            page,
            pageSize,
            total: students.data?.total ?? 0,
            onChange: (p, size) => {
              setPage(p);
              setPageSize(size);
            },
          },
        }}
        exportName="学生名单"
        columnsKey="students"
        toolbar={
          isAdmin &&
          classId && (
            <PrintPassesButton
              classId={classId}
              classCode={className(classId) ?? "本班"}
              label="打印本班采集凭证"
            />
          )
        }
        emptyText="还没有学生，请先导入名单"
        filteredEmptyText="没有符合条件的学生"
        table={{ size: "middle", scroll: { x: 1100 } }}
      />
      {isAdmin && (
        <StudentDrawer studentId={openId} college={collegeName} klass={className} onClose={() => open(null)} />
      )}
    </PageContainer>
  );
}
