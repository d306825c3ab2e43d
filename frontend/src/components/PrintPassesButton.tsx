import { PrinterOutlined } from "@ant-design/icons";
import { App, Button, Tooltip } from "antd";
import { useState } from "react";
import { rosterClient } from "../api/client";
import { errorMessage } from "../api/problem";
import { saveResponse } from "../lib/download";

/**
 * 打印采集凭证: every capture pass of a class as one PDF (eight to an A4 sheet, to cut and hand out), in one
 * request whatever the class size. Only approved students have a pass; the sheet counts the others.
 */
export function PrintPassesButton({
  classId,
  classCode,
  approved,
  label = "打印采集凭证",
  size,
}: {
  classId: string;
  classCode: string;
  /** Approved students of the class, when known: none means nothing to print. */
  approved?: number;
  label?: string;
  size?: "small" | "middle";
}) {
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);

  async function print() {
    setBusy(true);
    try {
      const result = await rosterClient.GET("/api/roster/v1/classes/{class_id}/passes.pdf", {
        params: { path: { class_id: classId } },
        parseAs: "blob",
      });
      const name = saveResponse(result, `${classCode}-采集凭证.pdf`);
      message.success(`已生成 ${name}，用 A4 纸打印后沿虚线裁开`);
    } catch (err) {
      message.error(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  const none = approved === 0;
  return (
    <Tooltip title={none ? "该班还没有审核通过的学生" : "本班审核通过学生的采集凭证，每张 A4 纸 8 张（PDF）"}>
      <Button
        size={size}
        icon={<PrinterOutlined aria-hidden />}
        loading={busy}
        disabled={none}
        aria-label={`${label} ${classCode}`}
        onClick={() => void print()}
      >
        {label}
      </Button>
    </Tooltip>
  );
}
