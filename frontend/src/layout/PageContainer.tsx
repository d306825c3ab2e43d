import { HomeOutlined } from "@ant-design/icons";
import { Breadcrumb, Flex, Typography } from "antd";
import { useEffect, type ReactNode } from "react";
import { Link } from "react-router";

export function useDocumentTitle(title: string) {
  useEffect(() => {
    document.title = `${title} - 图采`;
  }, [title]);
}

/** Breadcrumb, page title with optional actions, then the page's cards. */
export function PageContainer({
  title,
  subTitle,
  extra,
  parents = [],
  children,
}: {
  title: string;
  subTitle?: ReactNode;
  extra?: ReactNode;
  /** Pages above this one (a detail page's list), between 首页 and the title. */
  parents?: { title: string; to: string }[];
  children: ReactNode;
}) {
  useDocumentTitle(title);
  const crumbs =
    title === "首页"
      ? [{ title: <><HomeOutlined aria-hidden /> 首页</> }]
      : [
          { title: <Link to="/"><HomeOutlined aria-hidden /> 首页</Link> },
          ...parents.map((p) => ({ title: <Link to={p.to}>{p.title}</Link> })),
          { title },
        ];
  return (
    <Flex vertical gap={16}>
      <div>
        <Breadcrumb items={crumbs} />
        <Flex align="center" justify="space-between" wrap gap={8} style={{ marginTop: 8 }}>
          <div>
            <Typography.Title level={4} style={{ margin: 0 }}>
              {title}
            </Typography.Title>
            {subTitle && (
              <Typography.Text type="secondary" style={{ display: "block", marginTop: 4 }}>
                {subTitle}
              </Typography.Text>
            )}
          </div>
          {extra}
        </Flex>
      </div>
      {children}
    </Flex>
  );
}
