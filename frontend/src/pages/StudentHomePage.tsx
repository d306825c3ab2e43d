import {
  CalendarOutlined,
  FileDoneOutlined,
  LogoutOutlined,
  PayCircleOutlined,
  QrcodeOutlined,
  RedoOutlined,
} from "@ant-design/icons";
import { Button, Card, Flex, List, Tag, Typography, theme } from "antd";
import type { ReactNode } from "react";
import { Navigate } from "react-router";
import { useCurrentUser, useLogout } from "../auth/AuthContext";
import { homePath } from "../auth/roles";
import { useDocumentTitle } from "../layout/PageContainer";

interface Entry {
  icon: ReactNode;
  title: string;
  summary: string;
}

/** What a student will do here, in campaign order. None of it is live yet, and the page says so. */
const ENTRIES: Entry[] = [
  { icon: <CalendarOutlined aria-hidden />, title: "我的采集安排", summary: "查看所在班级的采集日期、地点与时段" },
  { icon: <QrcodeOutlined aria-hidden />, title: "采集通行证", summary: "现场出示二维码签到，绑定拍摄序号" },
  { icon: <PayCircleOutlined aria-hidden />, title: "缴费", summary: "采集费在线缴纳与退款查询" },
  { icon: <FileDoneOutlined aria-hidden />, title: "照片与信息校对", summary: "核对照片和个人信息，确认无误或提交勘误" },
  { icon: <RedoOutlined aria-hidden />, title: "补拍预约", summary: "凭学校开具的补拍证明预约采集中心补拍时段" },
];

/** The student's page: single column, thumb-sized targets, readable on a phone inside WeChat. */
export default function StudentHomePage() {
  const me = useCurrentUser();
  const logout = useLogout();
  const { token } = theme.useToken();
  useDocumentTitle("我的图像采集");

  if (me.role !== "student") return <Navigate to={homePath(me.role)} replace />;

  return (
    <Flex vertical style={{ minHeight: "100vh", background: token.colorBgLayout }}>
      <Flex
        align="center"
        justify="space-between"
        style={{ background: token.colorPrimary, color: "#fff", padding: "12px 16px", position: "sticky", top: 0, zIndex: 1 }}
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
          <Typography.Title level={5} style={{ marginTop: 0 }}>
            {me.display_name}
          </Typography.Title>
          <Typography.Text type="secondary">{me.school_name ?? "—"}</Typography.Text>
        </Card>
        <Card size="small" title="采集事项">
          <List
            dataSource={ENTRIES}
            renderItem={(e) => (
              <List.Item extra={<Tag>即将上线</Tag>}>
                <List.Item.Meta
                  avatar={<span style={{ fontSize: 20, color: token.colorPrimary }}>{e.icon}</span>}
                  title={e.title}
                  description={e.summary}
                />
              </List.Item>
            )}
          />
        </Card>
        <Typography.Text type="secondary" style={{ fontSize: 12, textAlign: "center" }}>
          以上功能上线后将在此开放；采集安排请以学校通知为准。
        </Typography.Text>
      </Flex>
    </Flex>
  );
}
