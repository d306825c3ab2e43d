import { Tag } from "antd";
import type { TagSpec } from "../pages/rosterLabels";

export function SpecTag({ spec }: { spec: TagSpec }) {
  return (
    <Tag color={spec.color} style={{ marginInlineEnd: 0 }}>
      {spec.label}
    </Tag>
  );
}
