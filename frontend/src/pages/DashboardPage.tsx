import { Alert, Card, Col, Descriptions, Row, Statistic, Tag } from "antd";
import { ItemList } from "../components/ItemList";
import { Link } from "react-router";
import { roster } from "../api/client";
import { errorMessage } from "../api/problem";
import { useCurrentUser } from "../auth/AuthContext";
import { organisationOf, pagesFor, roleLabel } from "../auth/roles";
import { PageContainer } from "../layout/PageContainer";
import { PAGE_ICONS } from "../layout/icons";
import { useState } from "react";

function greeting(hour: number): string {
  if (hour < 6) return "夜深了";
  if (hour < 12) return "上午好";
  if (hour < 14) return "中午好";
  if (hour < 18) return "下午好";
  return "晚上好";
}

/** A live count from the API: the number, a spinner while it loads, or the server's message if it fails. */
function CountCard({ title, total, loading, error, to }: {
  title: string;
  total: number | undefined;
  loading: boolean;
  error: unknown;
  to: string;
}) {
  return (
    <Card title={title} extra={<Link to={to}>查看</Link>}>
      {error ? (
        <Alert type="error" showIcon title={errorMessage(error)} />
      ) : (
        <Statistic value={total ?? 0} loading={loading} suffix="个" />
      )}
    </Card>
  );
}

function SchoolAdminStats() {
  const colleges = roster.useQuery("get", "/api/roster/v1/colleges");
  return (
    <CountCard
      title="本校院系"
      total={colleges.data?.total}
      loading={colleges.isPending}
      error={colleges.error}
      to="/colleges"
    />
  );
}

function SchoolsStats() {
  const schools = roster.useQuery("get", "/api/roster/v1/schools");
  return (
    <CountCard
      title="参加采集的学校"
      total={schools.data?.total}
      loading={schools.isPending}
      error={schools.error}
      to="/schools"
    />
  );
}

export default function DashboardPage() {
  const me = useCurrentUser();
  const [hour] = useState(() => new Date().getHours());
  const pages = pagesFor(me.role).filter((p) => p.path !== "/");
  const canSee = (path: string) => pages.some((p) => p.path === path);

  return (
    <PageContainer title="首页">
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={16}>
          <Card title={`${greeting(hour)}，${me.display_name}`}>
            <Descriptions
              column={{ xs: 1, sm: 2 }}
              items={[
                { key: "org", label: "所属单位", children: organisationOf(me) },
                { key: "role", label: "角色", children: <Tag color="blue">{roleLabel(me.role, me.role_label)}</Tag> },
                { key: "username", label: "登录账号", children: me.username },
                { key: "province", label: "所在省份", children: me.province_name ?? "—" },
                ...(me.school_code ? [{ key: "code", label: "院校代码", children: me.school_code }] : []),
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          {canSee("/colleges") ? <SchoolAdminStats /> : canSee("/schools") ? <SchoolsStats /> : null}
        </Col>
        <Col span={24}>
          <Card title="我的功能">
            <ItemList
              empty="当前角色暂无可用功能"
              items={pages.map((p) => ({
                key: p.path,
                avatar: <span style={{ fontSize: 18, color: "#1677ff" }}>{PAGE_ICONS[p.icon]}</span>,
                title: <Link to={p.path}>{p.title}</Link>,
                description: p.summary,
                extra: p.ready ? <Tag color="success">可用</Tag> : <Tag>即将上线</Tag>,
              }))}
            />
          </Card>
        </Col>
      </Row>
    </PageContainer>
  );
}
