import { App, Tooltip, Typography } from "antd";
import { errorMessage } from "../api/problem";
import { scheduling } from "../api/client";
import type { components } from "../api/schema/scheduling";
import { daySpan, dropStart, hhmm, hourMarks, minutes, PX_PER_MINUTE } from "./planGrid";

type CaptureDay = components["schemas"]["CaptureDayOut"];
type Plan = components["schemas"]["PlanOut"];

const COLORS = ["#e6f4ff", "#f6ffed", "#fff7e6", "#f9f0ff", "#e6fffb", "#fff0f6", "#fcffe6"];

/** The plan of one date as a room × time grid; on a draft, a class is dragged to another room or time. */
export function PlanGrid({ plan, day, date, editable, onMoved }: { plan: Plan; day: CaptureDay; date: string; editable: boolean; onMoved: () => void }) {
  const { message } = App.useApp();
  const move = scheduling.useMutation("put", "/api/scheduling/v1/plans/{plan_id}/assignments/{class_id}");
  const [start, end] = daySpan(day.windows);
  const height = (end - start) * PX_PER_MINUTE;
  const colleges = [...new Set(plan.assignments.map((a) => a.college))];
  const color = (college: string) => COLORS[colleges.indexOf(college) % COLORS.length];
  const blocks = plan.assignments.filter((a) => a.date === date);

  const drop = (room: string, offset: number, classId: string) =>
    move.mutate(
      { params: { path: { plan_id: plan.id, class_id: classId } }, body: { room, date, start: dropStart(offset, start) } },
      { onSuccess: () => { message.success("已调整并通过校验"); onMoved(); }, onError: (e) => message.error(errorMessage(e)) },
    );

  return (
    <div className="plan-grid" style={{ display: "flex", overflowX: "auto" }} aria-label={`排期表 ${date}`}>
      <div style={{ width: 56, position: "relative", height: height + 28, flex: "none" }}>
        {hourMarks(start, end).map((t) => (
          <div key={t} style={{ position: "absolute", top: 28 + (t - start) * PX_PER_MINUTE - 8, fontSize: 12, color: "#888" }}>{hhmm(t)}</div>
        ))}
      </div>
      {plan.rooms.map((room) => (
        <div key={room} style={{ minWidth: 200, flex: 1, borderLeft: "1px solid #f0f0f0" }}>
          <Typography.Text strong style={{ display: "block", height: 28, textAlign: "center" }}>{room}</Typography.Text>
          <div
            data-room={room}
            style={{ position: "relative", height, background: "repeating-linear-gradient(#fafafa 0 1px, transparent 1px 120px)" }}
            onDragOver={(e) => editable && e.preventDefault()}
            onDrop={(e) => {
              e.preventDefault();
              const classId = e.dataTransfer.getData("text/plain");
              if (classId) drop(room, e.clientY - e.currentTarget.getBoundingClientRect().top, classId);
            }}
          >
            {day.windows.map((w) => (
              <div key={w.start} style={{ position: "absolute", left: 0, right: 0, top: (minutes(w.start) - start) * PX_PER_MINUTE, height: (minutes(w.end) - minutes(w.start)) * PX_PER_MINUTE, background: "#fcfcfc", outline: "1px dashed #e0e0e0" }} />
            ))}
            {blocks.filter((a) => a.room === room).map((a) => (
              <Tooltip key={a.class_id} title={`${a.college} ${a.class_name}：${a.students} 人，${a.start}–${a.end}，${a.arrive} 到场`}>
                <div
                  className="plan-block"
                  draggable={editable}
                  onDragStart={(e) => e.dataTransfer.setData("text/plain", a.class_id)}
                  style={{
                    position: "absolute", left: 4, right: 4, top: (minutes(a.start) - start) * PX_PER_MINUTE,
                    height: Math.max(18, (minutes(a.end) - minutes(a.start)) * PX_PER_MINUTE - 2), background: color(a.college),
                    border: "1px solid #91caff", borderRadius: 4, padding: "0 6px", fontSize: 12, overflow: "hidden", cursor: editable ? "grab" : "default",
                  }}
                >
                  <b>{a.start}</b> {a.college} · {a.class_name}（{a.students}人）
                </div>
              </Tooltip>
            ))}
          </div>
        </div>
      ))}
    </div>
  );
}
