import { LogoutOutlined, MenuFoldOutlined, MenuUnfoldOutlined, UserOutlined } from "@ant-design/icons";
import { Avatar, Button, Flex, Grid, Layout, Menu, Spin, Tag, Tooltip, Typography, theme } from "antd";
import { useMemo, useState } from "react";
import { Navigate, Outlet, useLocation, useNavigate, useNavigation } from "react-router";
import { useCurrentUser, useLogout } from "../auth/AuthContext";
import { organisationOf, pageByPath, pagesFor, roleLabel } from "../auth/roles";
import { ForbiddenPage } from "../pages/ForbiddenPage";
import { PAGE_ICONS } from "./icons";

const { Header, Sider, Content, Footer } = Layout;

/** The staff console: left menu by role, header with the user, and the page. */
export default function ConsoleLayout() {
  const me = useCurrentUser();
  const logout = useLogout();
  const location = useLocation();
  const navigate = useNavigate();
  const navigation = useNavigation();
  const screens = Grid.useBreakpoint();
  const [collapsed, setCollapsed] = useState(false);
  const { token } = theme.useToken();

  const pages = useMemo(() => pagesFor(me.role), [me.role]);
  const menuItems = useMemo(
    () => pages.map((p) => ({ key: p.path, icon: PAGE_ICONS[p.icon], label: p.title })),
    [pages],
  );

  if (me.role === "student") return <Navigate to="/m" replace />;

  const known = pageByPath(location.pathname);
  const allowed = !known || pages.some((p) => p.path === known.path);
  const narrow = !screens.md;

  return (
    <Layout style={{ minHeight: "100vh" }}>
      <Sider
        width={216}
        collapsible
        collapsed={collapsed}
        onCollapse={setCollapsed}
        breakpoint="lg"
        collapsedWidth={narrow ? 0 : 64}
        trigger={null}
        // On a phone the open menu floats over the page instead of squeezing it.
        style={narrow ? { position: "fixed", insetBlock: 0, insetInlineStart: 0, zIndex: 1001 } : undefined}
      >
        {/* The Sider stretches with the page; its content stays in view while the page scrolls. */}
        <div style={{ position: "sticky", top: 0, maxHeight: "100vh", overflowY: "auto" }}>
        <Flex
          align="center"
          gap={10}
          style={{ height: 64, padding: collapsed ? "0 16px" : "0 20px", overflow: "hidden", whiteSpace: "nowrap" }}
        >
          <img src="/favicon.svg" alt="" width={30} height={30} />
          {!collapsed && (
            <Typography.Text strong style={{ color: "#fff", fontSize: 18 }}>
              图采
              <Typography.Text style={{ color: "rgba(255,255,255,0.65)", fontSize: 12, marginLeft: 8 }}>
                图像采集管理
              </Typography.Text>
            </Typography.Text>
          )}
        </Flex>
        <nav aria-label="主菜单">
          <Menu
            theme="dark"
            mode="inline"
            selectedKeys={known ? [known.path] : []}
            items={menuItems}
            onClick={({ key }) => {
              navigate(key);
              if (narrow) setCollapsed(true);
            }}
          />
        </nav>
        </div>
      </Sider>
      {narrow && !collapsed && (
        <div
          aria-hidden
          onClick={() => setCollapsed(true)}
          style={{ position: "fixed", inset: 0, zIndex: 1000, background: token.colorBgMask }}
        />
      )}
      <Layout>
        <Header
          style={{
            background: token.colorBgContainer,
            padding: "0 16px 0 8px",
            borderBottom: `1px solid ${token.colorBorderSecondary}`,
            position: "sticky",
            top: 0,
            zIndex: 10,
          }}
        >
          <Flex align="center" justify="space-between" style={{ height: "100%" }}>
            <Button
              type="text"
              aria-label={collapsed ? "展开菜单" : "收起菜单"}
              icon={collapsed ? <MenuUnfoldOutlined aria-hidden /> : <MenuFoldOutlined aria-hidden />}
              onClick={() => setCollapsed(!collapsed)}
            />
            <Flex align="center" gap={12}>
              {!narrow && <Typography.Text type="secondary">{organisationOf(me)}</Typography.Text>}
              <Tooltip title={`账号：${me.username}`}>
                <Flex align="center" gap={8}>
                  <Avatar size="small" icon={<UserOutlined aria-hidden />} style={{ background: token.colorPrimary }} />
                  <Typography.Text strong>{me.display_name}</Typography.Text>
                </Flex>
              </Tooltip>
              <Tag color="blue" style={{ marginInlineEnd: 0 }}>
                {roleLabel(me.role, me.role_label)}
              </Tag>
              <Button type="text" icon={<LogoutOutlined aria-hidden />} onClick={logout} aria-label="退出登录">
                {narrow ? null : "退出登录"}
              </Button>
            </Flex>
          </Flex>
        </Header>
        <Content style={{ padding: narrow ? 12 : 24 }}>
          <Spin spinning={navigation.state === "loading"} delay={200}>
            {allowed ? <Outlet /> : <ForbiddenPage />}
          </Spin>
        </Content>
        <Footer style={{ textAlign: "center", color: token.colorTextTertiary, padding: "12px 24px 20px" }}>
          图采 · 高校毕业生图像采集管理平台
        </Footer>
      </Layout>
    </Layout>
  );
}
