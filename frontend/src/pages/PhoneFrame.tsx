import { LeftOutlined } from "@ant-design/icons";
import { Button, Flex, Typography, theme } from "antd";
import type { ReactNode } from "react";
import { Link } from "react-router";

/** A phone page: a sticky title bar with a way back, one narrow column, thumb-sized targets. */
export function PhoneFrame({ title, back, children }: { title: string; back: string; children: ReactNode }) {
  const { token } = theme.useToken();
  return (
    <Flex vertical style={{ minHeight: "100vh", background: token.colorBgLayout }}>
      <Flex
        align="center"
        gap={4}
        style={{ background: token.colorPrimary, padding: "12px 8px", position: "sticky", top: 0, zIndex: 2 }}
      >
        <Link to={back} aria-label="返回">
          <Button type="text" size="small" icon={<LeftOutlined aria-hidden />} style={{ color: "#fff" }} />
        </Link>
        <Typography.Text strong style={{ color: "#fff", fontSize: 17 }}>
          {title}
        </Typography.Text>
      </Flex>
      <Flex vertical gap={12} style={{ width: "100%", maxWidth: 560, margin: "0 auto", padding: 12, boxSizing: "border-box" }}>
        {children}
      </Flex>
    </Flex>
  );
}
