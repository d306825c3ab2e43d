import { Empty, Flex, theme } from "antd";
import type { ReactNode } from "react";

export interface Item {
  key: string;
  avatar?: ReactNode;
  title: ReactNode;
  description?: ReactNode;
  extra?: ReactNode;
}

/**
 * A plain list of rows (icon, title, description, something on the right), in place of antd's deprecated
 * `List`: semantic <ul>/<li>, divider between rows.
 */
export function ItemList({ items, empty, size = "default" }: { items: Item[]; empty?: ReactNode; size?: "small" | "default" }) {
  const { token } = theme.useToken();
  if (!items.length) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={empty ?? "暂无数据"} />;
  const pad = size === "small" ? 8 : 12;
  return (
    <ul style={{ listStyle: "none", margin: 0, padding: 0 }}>
      {items.map((item, index) => (
        <li
          key={item.key}
          style={{
            padding: `${pad}px 0`,
            borderBottom: index < items.length - 1 ? `1px solid ${token.colorSplit}` : undefined,
          }}
        >
          <Flex align="center" gap={12}>
            {item.avatar && <span style={{ flex: "none", display: "inline-flex" }}>{item.avatar}</span>}
            <div style={{ flex: 1, minWidth: 0 }}>
              <div style={{ color: token.colorText, fontWeight: size === "small" ? undefined : token.fontWeightStrong }}>
                {item.title}
              </div>
              {item.description && (
                <div style={{ color: token.colorTextSecondary, fontSize: size === "small" ? 12 : 14 }}>{item.description}</div>
              )}
            </div>
            {item.extra && <span style={{ flex: "none" }}>{item.extra}</span>}
          </Flex>
        </li>
      ))}
    </ul>
  );
}
