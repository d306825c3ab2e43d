import { Button } from "antd-mobile";
import { useEffect } from "react";
import { useNavigate } from "react-router";
import { useRecord, usePass, useSlot } from "../data";
import { Failure, Loading, Screen } from "../Screen";
import { PassQr, SlotDetails, type Slot } from "../parts";

interface WakeLockSentinelLike {
  release(): Promise<void>;
}

/** Keep the screen on while the pass is shown (the staff scans it from a queue); where the browser allows it. */
function useScreenAwake(): void {
  useEffect(() => {
    let lock: WakeLockSentinelLike | null = null;
    const nav = navigator as Navigator & { wakeLock?: { request(type: "screen"): Promise<WakeLockSentinelLike> } };
    nav.wakeLock
      ?.request("screen")
      .then((l) => (lock = l))
      .catch(() => undefined);
    return () => void lock?.release().catch(() => undefined);
  }, []);
}

/** My slot and my capture pass: the QR big, black on white, kept on the phone for when the Wi-Fi is gone. */
export default function PassPage() {
  const navigate = useNavigate();
  const record = useRecord();
  const approved = record.data?.review_status === "approved" && !!record.data?.has_capture_pass;
  const pass = usePass(approved);
  const slot = useSlot(record.data?.review_status === "approved");
  useScreenAwake();

  return (
    <Screen title="采集凭证" back="/m">
      {record.isPending ? (
        <Loading />
      ) : !approved ? (
        <output className="m-card">
          <h2>暂无采集凭证</h2>
          <p className="m-muted">资格审查通过后才能领取采集凭证。</p>
        </output>
      ) : pass.pass ? (
        <section className="m-card" aria-label="采集凭证二维码" style={{ background: "#fff", textAlign: "center" }}>
          <PassQr pass={pass.pass} size={280} />
          <p style={{ fontSize: 15, margin: "12px 0 0" }}>签到时向工作人员出示此二维码，并携带身份证。</p>
          <p className="m-muted" style={{ margin: "4px 0 0" }}>
            {pass.offline ? "当前离线：这是本机保存的凭证，可以正常出示。" : "凭证已保存在本机，没有网络时也能打开本页出示。"}
            请调高屏幕亮度，勿转发他人。
          </p>
        </section>
      ) : pass.isPending ? (
        <Loading label="正在获取凭证" />
      ) : (
        <Failure error={pass.error} retry={() => void pass.refetch()} />
      )}
      {slot.slot && (
        <section className="m-card" aria-label="我的采集安排">
          <h2>我的采集安排</h2>
          <SlotDetails slot={slot.slot as Slot} />
        </section>
      )}
      {slot.missing && <p className="m-muted">采集时间尚未公布，请留意学校通知。</p>}
      <Button block fill="outline" color="primary" onClick={() => navigate("/m/rules")}>
        拍照须知
      </Button>
    </Screen>
  );
}
