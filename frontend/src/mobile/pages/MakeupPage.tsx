import { useQueryClient } from "@tanstack/react-query";
import { Button, Dialog, Tag, Toast } from "antd-mobile";
import { useState } from "react";
import { roster, scheduling, schedulingKey } from "../../api/client";
import { formatDateTime } from "../../lib/time";
import { errorMessage } from "../../api/problem";
import { today, useBooking } from "../data";
import { Failure, Loading, Screen } from "../Screen";
import { Row } from "../parts";

/**
 * The make-up: the school's 补拍证明 first (the student brings it), then a seat in one of the capture centre's
 * make-up windows; the seat can be moved or given back.
 */
export default function MakeupPage() {
  const queryClient = useQueryClient();
  const windows = scheduling.useQuery("get", "/api/scheduling/v1/makeup/windows");
  const certificates = roster.useQuery("get", "/api/roster/v1/students/me/certificates");
  const certificate = certificates.data?.items[0];
  const mine = useBooking();
  const book = scheduling.useMutation("put", "/api/scheduling/v1/makeup/bookings/me");
  const cancel = scheduling.useMutation("delete", "/api/scheduling/v1/makeup/bookings/me");
  const [error, setError] = useState<string | null>(null);

  const refresh = async () => {
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: schedulingKey("/api/scheduling/v1/makeup/bookings/me") }),
      queryClient.invalidateQueries({ queryKey: schedulingKey("/api/scheduling/v1/makeup/windows") }),
    ]);
  };

  async function choose(id: string, label: string) {
    const ok = await Dialog.confirm({ content: `预约 ${label} 的补拍？`, confirmText: "预约", cancelText: "取消" });
    if (!ok) return;
    setError(null);
    try {
      await book.mutateAsync({ body: { window_id: id } });
      Toast.show({ icon: "success", content: "已预约" });
      await refresh();
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  async function giveBack() {
    const ok = await Dialog.confirm({ content: "取消补拍预约？", confirmText: "取消预约", cancelText: "保留" });
    if (!ok) return;
    try {
      await cancel.mutateAsync({});
      Toast.show({ content: "已取消预约" });
      await refresh();
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  const booking = mine.booking;
  const open = (windows.data?.items ?? []).filter((w) => w.date >= today());
  return (
    <Screen title="补拍预约" back="/m">
      <section className="m-card" aria-labelledby="cert">
        <h2 id="cert">第一步：补拍证明</h2>
        {certificate ? (
          <>
            <p className="m-ok" style={{ margin: 0 }}>
              学校已开具补拍证明：编号 <strong>{certificate.number}</strong>（{formatDateTime(certificate.issued_at, "YYYY-MM-DD")}）
            </p>
            <p className="m-muted" style={{ marginBottom: 0 }}>
              请到学校领取盖章的补拍证明，补拍当天携带证明原件和身份证到采集中心拍摄。
            </p>
          </>
        ) : (
          <p className="m-muted" style={{ margin: 0 }}>
            {certificates.isPending ? "正在查询…" : "还没有补拍证明：请先向学校（学籍管理部门）申请。"}
            补拍当天携带补拍证明原件和身份证，到采集中心拍摄。
          </p>
        )}
      </section>
      {booking && (
        <section className="m-card m-next" aria-labelledby="seat">
          <h2 id="seat">我的补拍预约</h2>
          <dl style={{ margin: 0 }}>
            <Row label="日期">
              {booking.window.date} {booking.window.weekday}
            </Row>
            <Row label="时间">
              {booking.window.start}–{booking.window.end}
            </Row>
            <Row label="地点">{booking.window.location || "采集中心"}</Row>
          </dl>
          <div className="m-actions">
            <Button block fill="outline" color="danger" loading={cancel.isPending} onClick={() => void giveBack()}>
              取消预约
            </Button>
          </div>
        </section>
      )}
      <section aria-labelledby="windows">
        <h2 id="windows" style={{ fontSize: 15, margin: "4px 4px 8px" }}>
          {booking ? "改约其他时段" : "第二步：选择补拍时段"}
        </h2>
        {windows.isPending ? (
          <Loading />
        ) : windows.isError ? (
          <Failure error={windows.error} retry={() => void windows.refetch()} />
        ) : open.length === 0 ? (
          <p className="m-card m-muted">暂无可预约的补拍时段，请留意采集中心通知。</p>
        ) : (
          <ul className="m-nav" style={{ listStyle: "none", margin: 0, padding: 0 }}>
            {open.map((w) => {
              const label = `${w.date} ${w.weekday} ${w.start}–${w.end}`;
              const here = booking?.window.id === w.id;
              const state = here ? "已预约" : w.free > 0 ? `余 ${w.free} 个名额` : "已满";
              return (
                <li key={w.id}>
                  <button
                    type="button"
                    className="m-nav-row"
                    style={{ width: "100%", border: 0, background: "none", textAlign: "left" }}
                    disabled={here || w.free <= 0}
                    onClick={() => void choose(w.id, label)}
                    aria-label={`${label}，${w.location || "采集中心"}，${state}`}
                  >
                    <span className="m-nav-main">
                      {label}
                      <small>{w.location || "采集中心"}</small>
                    </span>
                    {here ? <Tag color="success">已预约</Tag> : <span className="m-nav-extra">{state}</span>}
                  </button>
                </li>
              );
            })}
          </ul>
        )}
      </section>
      {error && (
        <div role="alert" className="m-card m-bad">
          {error}
        </div>
      )}
    </Screen>
  );
}
