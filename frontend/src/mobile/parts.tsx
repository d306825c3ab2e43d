/** Pieces the phone pages share: the slot, the pass QR, a definition row. */
import type { ReactNode } from "react";
import { Link } from "react-router";
import type { CapturePass } from "../api/types";
import { formatDateTime } from "../lib/time";

export type Slot = {
  date: string;
  weekday: string;
  room: string;
  campus: string | null;
  start: string;
  end: string;
  arrive: string;
  college: string;
  class_name: string;
  bring: string[];
  dress: string[];
};

export function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="m-row">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** My slot: the date with its weekday, when to arrive, where; what to bring and wear. */
export function SlotDetails({ slot }: { slot: Slot }) {
  return (
    <>
      <p className="m-big">
        {slot.date.slice(5).replace("-", "月")}日 {slot.weekday}
      </p>
      <dl style={{ margin: 0 }}>
        <Row label="到场时间">
          <strong>{slot.arrive}</strong> 前到达（拍摄 {slot.start}–{slot.end}）
        </Row>
        <Row label="地点">
          {slot.campus ? `${slot.campus} ` : ""}
          {slot.room}
        </Row>
        <Row label="班级">{slot.class_name}</Row>
      </dl>
      {slot.bring.length > 0 && (
        <>
          <h3>请携带</h3>
          <ul className="m-muted" style={{ margin: 0, paddingLeft: 20 }}>
            {slot.bring.map((b) => (
              <li key={b}>{b}</li>
            ))}
          </ul>
        </>
      )}
      {slot.dress.length > 0 && (
        <>
          <h3>着装要求</h3>
          <ul className="m-muted" style={{ margin: 0, paddingLeft: 20 }}>
            {slot.dress.map((d) => (
              <li key={d}>{d}</li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}

/** The pass QR (an SVG from the server, shown as an image so no markup is injected). */
export function PassQr({ pass, size = 240 }: { pass: CapturePass; size?: number }) {
  const src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(pass.qr_svg)}`;
  return (
    <>
      <img src={src} alt="采集凭证二维码，现场出示给工作人员扫码签到" width={size} height={size} className="m-qr" data-testid="pass-qr" />
      <p className="m-muted" style={{ textAlign: "center", margin: 0 }}>
        有效期至 {formatDateTime(pass.expires_at, "YYYY-MM-DD")} · 凭证编号 {pass.subject_key}
      </p>
    </>
  );
}

export interface NavRow {
  to: string;
  title: string;
  description?: string;
  extra?: string;
}

/** Rows that go somewhere: real links (keyboard, screen readers: "链接"), a whole row to tap. */
export function NavList({ label, rows }: { label: string; rows: NavRow[] }) {
  return (
    <nav aria-label={label} className="m-nav">
      <h2 className="m-nav-title">{label}</h2>
      <ul>
        {rows.map((r) => (
          <li key={r.to}>
            <Link to={r.to} className="m-nav-row">
              <span className="m-nav-main">
                {r.title}
                {r.description && <small>{r.description}</small>}
              </span>
              {r.extra && <span className="m-nav-extra">{r.extra}</span>}
              <span aria-hidden className="m-nav-arrow">
                ›
              </span>
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
