import { Button, NoticeBar } from "antd-mobile";
import { type ReactNode, useState } from "react";
import { useNavigate } from "react-router";
import { useCurrentUser, useLogout } from "../../auth/AuthContext";
import { yuan } from "../../pages/payLabels";
import { feeDue, forgetPass, today, useBooking, useErrata, useFee, usePass, useProofreading, useRecord, useSlot } from "../data";
import { nextStep, PROGRESS, progressIndex, type Step } from "../journey";
import { Failure, Loading, Screen } from "../Screen";
import { NavList, PassQr, SlotDetails, type Slot } from "../parts";
import { changeNotice, forgetSeen } from "../notice";
import { CaptureCode } from "../CaptureCode";

const PROOF_STATE = { not_photographed: "未拍摄", to_proofread: "待校对", confirmed: "已确认", reported: "处理中" } as const;

function Progress({ step }: { step: Step }) {
  const at = progressIndex(step);
  return (
    <ol className="m-steps" aria-label="采集进度">
      {PROGRESS.map((p, i) => (
        <li key={p.key} className={i < at ? "done" : i === at ? "now" : undefined} aria-current={i === at ? "step" : undefined}>
          {p.title}
          <span className="sr-only">{i < at ? "（已完成）" : i === at ? "（当前）" : "（未开始）"}</span>
        </li>
      ))}
    </ol>
  );
}

function NextCard({ title, children, action }: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <section className="m-card m-next" aria-labelledby="next-title">
      <p className="m-muted" style={{ margin: 0 }}>
        下一步
      </p>
      <h2 id="next-title">{title}</h2>
      {children}
      {action && <div className="m-actions">{action}</div>}
    </section>
  );
}

/** The student's home: the one next thing to do, then everything else one tap away. */
export default function HomePage() {
  const me = useCurrentUser();
  const navigate = useNavigate();
  const logout = useLogout();
  const record = useRecord();
  const approved = record.data?.review_status === "approved";
  const slot = useSlot(approved);
  const fee = useFee();
  const proof = useProofreading();
  const errata = useErrata();
  const missedDay = slot.slot !== null && slot.slot.date < today();
  const booking = useBooking(approved && missedDay);
  const pass = usePass(approved && !!record.data?.has_capture_pass);
  const [, setSeen] = useState(0);

  if (record.isPending) return <Screen title="我的图像采集"><Loading /></Screen>;
  if (record.isError) {
    return (
      <Screen title="我的图像采集">
        <Failure error={record.error} retry={() => void record.refetch()} />
      </Screen>
    );
  }
  const r = record.data;
  const due = feeDue(fee.data);
  const step = nextStep({
    review: r.review_status,
    slotDate: slot.slot?.date ?? null,
    today: today(),
    feeDue: due,
    proof: proof.proof?.state ?? null,
    booked: booking.booking !== null,
  });
  const notice = changeNotice(proof.proof, errata.data?.items ?? []);
  const go = (path: string) => () => navigate(path);

  const next = (() => {
    switch (step) {
      case "review":
        return (
          <NextCard title={r.review_status === "rejected" ? "资格审查未通过" : "等待资格审核"}>
            <p className="m-muted">
              {r.review_status === "rejected"
                ? `原因：${r.review_reason || "未说明"}。请联系学校学籍管理部门。`
                : "学校提交、省教育厅审核通过后，这里会出现你的采集时间和采集凭证。请先看看拍照须知。"}
            </p>
          </NextCard>
        );
      case "slot":
        return (
          <NextCard title="等待采集时间公布" action={<Button block color="primary" fill="outline" onClick={go("/m/rules")}>先看拍照须知</Button>}>
            <p className="m-muted">采集中心排期发布后，这里会显示你的日期、时间和地点。</p>
          </NextCard>
        );
      case "pay":
        return (
          <NextCard
            title={`缴纳采集费 ${yuan(fee.data?.fee_fen)}`}
            action={<Button block color="primary" size="large" onClick={go("/m/pay")}>去缴费</Button>}
          >
            <p className="m-muted">采集前在手机上完成缴费，现场无需再交。</p>
          </NextCard>
        );
      case "capture":
        return (
          <NextCard
            title="按时到场拍照"
            action={
              <>
                <Button block color="primary" size="large" onClick={go("/m/pass")}>出示采集凭证</Button>
                <Button block fill="outline" color="primary" onClick={go("/m/rules")}>拍照须知</Button>
              </>
            }
          >
            {slot.slot && <SlotDetails slot={slot.slot as Slot} />}
          </NextCard>
        );
      case "makeup":
        return (
          <NextCard
            title="错过了采集时间？预约补拍"
            action={<Button block color="primary" size="large" onClick={go("/m/makeup")}>预约补拍</Button>}
          >
            <p className="m-muted">
              你的采集日（{slot.slot?.date} {slot.slot?.weekday}）已过，系统中还没有你的照片。请向学校申请《补拍证明》，
              再预约采集中心的补拍时段，补拍当天携带补拍证明和身份证。
            </p>
          </NextCard>
        );
      case "proofread":
        return (
          <NextCard title="校对照片和信息" action={<Button block color="primary" size="large" onClick={go("/m/proofread")}>去校对</Button>}>
            <p className="m-muted">照片已上传。请核对照片和个人信息，无误后点「确认无误」。</p>
          </NextCard>
        );
      case "reported":
        return (
          <NextCard title="问题已提交，等待处理" action={<Button block fill="outline" color="primary" onClick={go("/m/proofread")}>查看进度</Button>}>
            <p className="m-muted">采集中心或学校处理后会在这里通知你，需要重拍时请按通知到场。</p>
          </NextCard>
        );
      case "done":
        return (
          <NextCard title="全部完成">
            <p className="m-ok" style={{ margin: 0 }}>照片已确认，将用于学历证书电子注册。</p>
          </NextCard>
        );
    }
  })();

  return (
    <Screen
      title="我的图像采集"
      right={
        <Button
          fill="none"
          size="small"
          style={{ color: "#fff", minWidth: 44 }}
          onClick={() => {
            forgetPass();
            forgetSeen();
            logout();
          }}
        >
          退出
        </Button>
      }
    >
      <section className="m-card" aria-label="我的信息">
        <h2 style={{ marginBottom: 2 }}>{r.name}</h2>
        <p className="m-muted" style={{ margin: 0 }}>
          {r.school_name} · 学号 {r.student_no}
        </p>
        <div style={{ marginTop: 12 }}>
          <Progress step={step} />
        </div>
      </section>
      {notice && (
        <output>
        <NoticeBar
          content={notice.text}
          color="info"
          wrap
          closeable
          onClose={() => {
            notice.seen();
            setSeen((n) => n + 1);
          }}
        />
        </output>
      )}
      {next}
      {step === "capture" && pass.pass && (
        <section className="m-card" aria-label="采集凭证">
          <PassQr pass={pass.pass} size={160} />
        </section>
      )}
      {slot.slot && step !== "capture" && step !== "makeup" && step !== "done" && (
        <section className="m-card" aria-labelledby="slot-title">
          <h2 id="slot-title">我的采集安排</h2>
          <SlotDetails slot={slot.slot as Slot} />
        </section>
      )}
      <NavList
        label="全部事项"
        rows={[
          {
            to: "/m/pass",
            title: "我的采集安排与凭证",
            description: slot.slot ? `${slot.slot.date} ${slot.slot.weekday} ${slot.slot.arrive} 前到 ${slot.slot.room}` : "采集时间尚未公布",
          },
          { to: "/m/pay", title: "缴费", extra: fee.data?.order?.state === "paid" ? "已支付" : due ? "待支付" : undefined },
          { to: "/m/proofread", title: "照片与信息校对", extra: proof.proof ? PROOF_STATE[proof.proof.state] : undefined },
          { to: "/m/rules", title: "拍照须知" },
          { to: "/m/makeup", title: "补拍预约", extra: booking.booking ? "已预约" : undefined },
        ]}
      />
      {approved && <CaptureCode record={r} />}
      {pass.offline && <p className="m-muted">当前离线，凭证为本机保存的副本。</p>}
      <p className="m-muted" style={{ textAlign: "center" }}>
        {me.display_name} · 采集安排以学校通知为准
      </p>
    </Screen>
  );
}
