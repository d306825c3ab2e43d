import { ClockCircleOutlined } from "@ant-design/icons";
import { Card, Result, Typography } from "antd";
import { useLocation } from "react-router";
import { pageByPath } from "../auth/roles";
import { PageContainer } from "../layout/PageContainer";

/** A real route for a feature that is not built yet. Says so plainly; shows no made-up data. */
export default function ComingSoonPage() {
  const { pathname } = useLocation();
  const page = pageByPath(pathname);
  const title = page?.title ?? "功能";
  return (
    <PageContainer title={title}>
      <Card>
        <Result
          icon={<ClockCircleOutlined style={{ color: "#1677ff" }} aria-hidden />}
          title="即将上线"
          subTitle={
            <Typography.Paragraph type="secondary" style={{ maxWidth: 560, margin: "0 auto" }}>
              {`「${title}」功能正在开发中，上线后将在此提供：${page?.summary ?? "相关功能"}。`}
            </Typography.Paragraph>
          }
        />
      </Card>
    </PageContainer>
  );
}
