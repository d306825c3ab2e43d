import { useQueryClient } from "@tanstack/react-query";
import { Button, Input, Tag } from "antd-mobile";
import { useState } from "react";
import { roster, rosterKey } from "../api/client";
import { errorMessage } from "../api/problem";
import type { StudentDetail } from "../api/types";

const CODE = /^[0-9A-Za-z-]{4,64}$/;

/** The CHSI capture code (学信网图像采集码): checked in at the station with it too. */
export function CaptureCode({ record }: { record: StudentDetail }) {
  const queryClient = useQueryClient();
  const save = roster.useMutation("put", "/api/roster/v1/students/me/capture-code");
  const [editing, setEditing] = useState(!record.capture_code);
  const [value, setValue] = useState(record.capture_code ?? "");
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  async function submit() {
    const code = value.trim();
    if (!CODE.test(code)) return setError("采集码由字母、数字或 - 组成，4–64 位");
    setError(null);
    try {
      const updated = await save.mutateAsync({ body: { capture_code: code } });
      queryClient.setQueriesData({ queryKey: rosterKey("/api/roster/v1/students/me") }, updated);
      setSaved(true);
      setEditing(false);
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  return (
    <section className="m-card" aria-labelledby="code-title">
      <h2 id="code-title">学信网图像采集码</h2>
      <p className="m-muted" style={{ marginTop: 0 }}>
        在学信网「图像校对」中获取后登记在这里，现场也可凭采集码签到。
      </p>
      {!editing && record.capture_code ? (
        <div className="m-row" style={{ justifyContent: "space-between", alignItems: "center" }}>
          <span>
            <Tag color="success">已登记</Tag> <strong>{record.capture_code}</strong>
          </span>
          <Button size="small" onClick={() => setEditing(true)} style={{ minWidth: 56 }}>
            修改
          </Button>
        </div>
      ) : (
        <>
          <label htmlFor="capture-code" style={{ display: "block", marginBottom: 6 }}>
            图像采集码
          </label>
          <Input
            id="capture-code"
            value={value}
            onChange={(v) => {
              setValue(v);
              setError(null);
            }}
            maxLength={64}
            autoComplete="off"
            placeholder="如 A1B2C3D4"
            style={{ border: "1px solid #d9d9d9", borderRadius: 6, padding: "0 12px", boxSizing: "border-box" }}
          />
          {error && (
            <p role="alert" className="m-bad">
              {error}
            </p>
          )}
          <Button block color="primary" loading={save.isPending} onClick={() => void submit()} style={{ marginTop: 10 }}>
            保存
          </Button>
        </>
      )}
      {saved && (
        <output className="m-ok">学信网图像采集码已登记</output>
      )}
    </section>
  );
}
