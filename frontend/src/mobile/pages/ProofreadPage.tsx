import { useQueryClient } from "@tanstack/react-query";
import { Button, Dialog, Popup, Result, Selector, Tag, TextArea, Input, Toast } from "antd-mobile";
import { useState } from "react";
import { useNavigate } from "react-router";
import { roster, rosterKey } from "../../api/client";
import { errorMessage } from "../../api/problem";
import type { StudentDetail } from "../../api/types";
import { formatDateTime } from "../../lib/time";
import { checkCorrection, correctableField, durationText, fieldText, PROOFREAD_FIELDS } from "../../pages/correctable";
import { LEVELS } from "../../pages/rosterLabels";
import { useErrata, useProofreading, useRecord } from "../data";
import { maskId } from "../journey";
import { PROOF_PATH, proofClient, proofreading, REPORT_KIND, type MyProofreading, type ReportIn } from "../proofreading";
import { Failure, Loading, Screen } from "../Screen";

const ERRATUM_STATE: Record<string, { text: string; color: string }> = {
  pending: { text: "审核中", color: "primary" },
  approved: { text: "已更正", color: "success" },
  rejected: { text: "未通过", color: "danger" },
};

function shown(record: StudentDetail, key: string): string {
  if (key === "id_number") return maskId(record.id_number);
  const text = key === "duration" ? durationText(record.duration) : fieldText(record, key);
  return text || "—";
}

/** A sheet's error line and its two buttons: submit, cancel. */
function SheetFooter(props: { error: string | null; label: string; busy: boolean; onSubmit: () => void; onClose: () => void }) {
  return (
    <>
      {props.error && (
        <p role="alert" className="m-bad">
          {props.error}
        </p>
      )}
      <div className="m-actions">
        <Button block color="primary" size="large" loading={props.busy} onClick={props.onSubmit}>
          {props.label}
        </Button>
        <Button block onClick={props.onClose}>
          取消
        </Button>
      </div>
    </>
  );
}

/** One field's correction, filed as a roster erratum the school decides. */
function CorrectionPopup({ record, field, onClose, onFiled }: { record: StudentDetail; field: string | null; onClose: () => void; onFiled: (text: string) => void }) {
  const queryClient = useQueryClient();
  const create = roster.useMutation("post", "/api/roster/v1/students/{student_id}/errata");
  const [value, setValue] = useState("");
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const spec = field ? correctableField(field) : undefined;

  async function submit() {
    if (!field) return;
    const problem = checkCorrection(field, value);
    if (problem) return setError(problem);
    try {
      await create.mutateAsync({
        params: { path: { student_id: record.id } },
        body: { field, new_value: value.trim(), reason: reason.trim() },
      });
      onFiled(`已提交「${spec?.label}」的更正，学校审核后更新`);
      await queryClient.invalidateQueries({ queryKey: rosterKey("/api/roster/v1/errata") });
      setValue("");
      setReason("");
      onClose();
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  const choices = spec?.kind === "sex" ? ["男", "女"] : spec?.kind === "level" ? [...LEVELS] : null;
  return (
    <Popup visible={field !== null} onMaskClick={onClose} onClose={onClose} bodyStyle={{ borderRadius: "12px 12px 0 0", padding: 16, boxSizing: "border-box", maxHeight: "90vh", overflowY: "auto" }} destroyOnClose>
      <dialog open aria-labelledby="fix-title" className="m-sheet">
        <h2 id="fix-title" style={{ fontSize: 17, marginTop: 0 }}>
          更正「{spec?.label}」
        </h2>
        <p className="m-muted">现在是：{field ? shown(record, field) : ""}</p>
        <label htmlFor="fix-value" style={{ display: "block", marginBottom: 6 }}>
          正确的{spec?.label}
        </label>
        {choices ? (
          <Selector
            columns={choices.length > 3 ? 3 : 2}
            options={choices.map((c) => ({ label: c, value: c }))}
            value={value ? [value] : []}
            onChange={(v) => {
              setValue(v[0] ?? "");
              setError(null);
            }}
          />
        ) : (
          <Input
            id="fix-value"
            value={value}
            onChange={(v) => {
              setValue(v);
              setError(null);
            }}
            placeholder={spec?.kind === "date" ? "如 2001-02-03" : (spec?.placeholder ?? "请输入")}
            style={{ border: "1px solid #d9d9d9", borderRadius: 6, padding: "0 12px", boxSizing: "border-box" }}
            clearable
          />
        )}
        <label htmlFor="fix-reason" style={{ display: "block", margin: "12px 0 6px" }}>
          说明（选填）
        </label>
        <TextArea
          id="fix-reason"
          value={reason}
          onChange={setReason}
          maxLength={200}
          rows={2}
          placeholder="如：与身份证一致"
          style={{ border: "1px solid #d9d9d9", borderRadius: 6, padding: 8 }}
        />
        <SheetFooter error={error} label="提交更正" busy={create.isPending} onSubmit={() => void submit()} onClose={onClose} />
      </dialog>
    </Popup>
  );
}

/** "This photo is not me" or "please retake": a note for the capture centre. */
function ReportPopup({ kind, onClose, onDone }: { kind: ReportIn["kind"] | null; onClose: () => void; onDone: (p: MyProofreading) => void }) {
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function submit() {
    if (!kind) return;
    setBusy(true);
    setError(null);
    try {
      const { data } = await proofClient.POST("/api/capture/v1/proofreading/me/report", { body: { kind, note: note.trim() } });
      if (data) onDone(data);
      Toast.show({ icon: "success", content: "已提交，采集中心处理后会通知你" });
      setNote("");
      onClose();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }
  return (
    <Popup visible={kind !== null} onMaskClick={onClose} onClose={onClose} bodyStyle={{ borderRadius: "12px 12px 0 0", padding: 16, boxSizing: "border-box", maxHeight: "90vh", overflowY: "auto" }} destroyOnClose>
      <dialog open aria-labelledby="report-title" className="m-sheet">
        <h2 id="report-title" style={{ fontSize: 17, marginTop: 0 }}>
          {kind ? REPORT_KIND[kind] : ""}
        </h2>
        <p className="m-muted">
          {kind === "not_me" ? "照片不是你本人时提交，采集中心会核查并安排重拍。" : "照片有问题（闭眼、表情、衣着等）时提交，采集中心会安排重拍。"}
        </p>
        <label htmlFor="report-note" style={{ display: "block", marginBottom: 6 }}>
          说明
        </label>
        <TextArea id="report-note" value={note} onChange={setNote} maxLength={200} rows={3} placeholder="请简要说明" style={{ border: "1px solid #d9d9d9", borderRadius: 6, padding: 8 }} />
        <SheetFooter error={error} label="提交" busy={busy} onSubmit={() => void submit()} onClose={onClose} />
      </dialog>
    </Popup>
  );
}

/** Proofread: my photo, my fields; "正确", a per-field correction, or "this is not me"; what happened since. */
export default function ProofreadPage() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const record = useRecord();
  const proof = useProofreading();
  const errata = useErrata();
  const [field, setField] = useState<string | null>(null);
  const [report, setReport] = useState<ReportIn["kind"] | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [confirmError, setConfirmError] = useState<string | null>(null);
  const [filed, setFiled] = useState<string | null>(null);

  const update = (p: MyProofreading) => queryClient.setQueriesData({ queryKey: proofreading.queryOptions("get", PROOF_PATH).queryKey }, p);

  async function confirm() {
    const ok = await Dialog.confirm({
      title: "确认照片和信息无误？",
      content: "确认后照片将用于学历证书电子注册。信息有误请先点对应项的「有误」。",
      confirmText: "确认无误",
      cancelText: "再看看",
    });
    if (!ok) return;
    setConfirming(true);
    setConfirmError(null);
    try {
      const { data } = await proofClient.POST("/api/capture/v1/proofreading/me/confirm");
      if (data) update(data);
      void proof.refetch();
    } catch (e) {
      setConfirmError(errorMessage(e));
    } finally {
      setConfirming(false);
    }
  }

  if (record.isPending || proof.isPending) {
    return (
      <Screen title="照片校对" back="/m">
        <Loading />
      </Screen>
    );
  }
  if (record.isError) {
    return (
      <Screen title="照片校对" back="/m">
        <Failure error={record.error} retry={() => void record.refetch()} />
      </Screen>
    );
  }
  const r = record.data;
  const p = proof.proof;
  const items = errata.data?.items ?? [];
  const pending = new Set(items.filter((e) => e.status === "pending").map((e) => e.field));
  const open = p?.state === "to_proofread" && !p.closed;
  const lateNotMe = p?.state === "to_proofread" && !!p.closed;

  return (
    <Screen title="照片校对" back="/m">
      {proof.isError && !proof.unavailable && <Failure error={proof.error} retry={() => void proof.refetch()} />}
      {p?.state === "confirmed" && (
        <output className="m-card">
          <Result status="success" title="照片已确认" description="照片和信息将用于学历证书电子注册" />
        </output>
      )}
      <section className="m-card" aria-label="我的照片">
        <h2>我的照片</h2>
        {p?.photo ? (
          <>
            <img
              className="m-photo"
              src={p.photo.url}
              alt={`我的采集照片（第 ${p.photo.version} 版）`}
              width={240}
              height={320}
              onError={() => void proof.refetch()}
            />
            <p className="m-muted" style={{ textAlign: "center" }}>
              第 {p.photo.version} 版 · 拍摄于 {formatDateTime(p.photo.taken_at)}
            </p>
          </>
        ) : (
          <p className="m-muted">{proof.unavailable ? "照片校对暂未开放。" : "还没有你的照片：采集当天拍摄后会出现在这里。"}</p>
        )}
        {p?.deadline && open && <p className="m-muted">请在 {formatDateTime(p.deadline)} 前完成校对。</p>}
      </section>
      <section className="m-card" aria-label="我的信息">
        <h2>我的信息</h2>
        <p className="m-muted" style={{ marginTop: 0 }}>
          以下信息用于学历证书电子注册，请逐项核对。
        </p>
        <dl style={{ margin: 0 }}>
          {PROOFREAD_FIELDS.map((f) => (
            <div className="m-row" key={f.key} style={{ alignItems: "center", minHeight: 44, borderBottom: "1px solid #f0f0f0" }}>
              <dt>{f.label}</dt>
              <dd style={{ flex: 1 }}>{shown(r, f.key)}</dd>
              {f.correctable ? (
                pending.has(f.key) ? (
                  <Tag color="primary" fill="outline">
                    更正审核中
                  </Tag>
                ) : (
                  <Button size="small" fill="none" color="primary" onClick={() => setField(f.key)} aria-label={`${f.label}有误`} style={{ minWidth: 44 }}>
                    有误
                  </Button>
                )
              ) : (
                <span className="m-muted">有误请联系学校</span>
              )}
            </div>
          ))}
        </dl>
        {filed && <output className="m-ok" style={{ marginTop: 8 }}>{filed}</output>}
      </section>
      {open && (
        <section className="m-card" aria-label="校对结果">
          <div className="m-actions" style={{ marginTop: 0 }}>
            <Button block color="primary" size="large" loading={confirming} onClick={() => void confirm()}>
              确认无误
            </Button>
            <Button block fill="outline" color="danger" onClick={() => setReport("not_me")}>
              照片不是我
            </Button>
            <Button block fill="outline" onClick={() => setReport("retake")}>
              申请重拍
            </Button>
          </div>
          {confirmError && (
            <p role="alert" className="m-bad">
              {confirmError}
            </p>
          )}
        </section>
      )}
      {lateNotMe && (
        <section className="m-card" aria-label="校对已截止">
          <p className="m-muted" style={{ marginTop: 0 }}>
            校对已截止。如果照片不是你本人，仍可报告。
          </p>
          <Button block fill="outline" color="danger" onClick={() => setReport("not_me")}>
            照片不是我
          </Button>
        </section>
      )}
      {((p?.reports.length ?? 0) > 0 || items.length > 0) && (
        <section className="m-card" aria-label="我的申请">
          <h2>我的申请</h2>
          <ul style={{ listStyle: "none", margin: 0, padding: 0 }}>
            {(p?.reports ?? []).map((rep) => (
              <li key={rep.id} className="m-row" style={{ justifyContent: "space-between" }}>
                <span>
                  {REPORT_KIND[rep.kind]} <span className="m-muted">{formatDateTime(rep.created_at)}</span>
                </span>
                <Tag color={rep.state === "open" ? "primary" : "success"}>{rep.state === "open" ? "处理中" : "已处理"}</Tag>
              </li>
            ))}
            {items.map((e) => (
              <li key={e.id} style={{ padding: "6px 0", borderTop: "1px solid #f0f0f0" }}>
                <div className="m-row" style={{ justifyContent: "space-between" }}>
                  <span>
                    {e.field_label}：{e.field === "id_number" ? "（已提交）" : `${e.old_value || "空"} → ${e.new_value}`}
                  </span>
                  <Tag color={ERRATUM_STATE[e.status]?.color ?? "default"}>{ERRATUM_STATE[e.status]?.text ?? e.status}</Tag>
                </div>
                {e.decision_reason && <p className="m-muted" style={{ margin: 0 }}>学校说明：{e.decision_reason}</p>}
              </li>
            ))}
          </ul>
        </section>
      )}
      <Button block fill="none" color="primary" onClick={() => navigate("/m/rules")}>
        照片要求
      </Button>
      <CorrectionPopup record={r} field={field} onClose={() => setField(null)} onFiled={setFiled} />
      <ReportPopup kind={report} onClose={() => setReport(null)} onDone={update} />
    </Screen>
  );
}
