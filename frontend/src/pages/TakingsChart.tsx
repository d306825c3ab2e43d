/** The daily takings as a chart: its own chunk (React.lazy in PaymentsPage), so the charting library loads only
 * when someone opens the 每日收款 tab. */
import { Column } from "@ant-design/plots";
import { chartPoints, REFUNDS_SERIES, TAKINGS_PROVIDERS, type TakingsDay } from "./takings";

const COLORS: Record<string, string> = {
  [TAKINGS_PROVIDERS.wechat]: "#07c160",
  [TAKINGS_PROVIDERS.alipay]: "#1677ff",
  [TAKINGS_PROVIDERS.offline]: "#faad14",
  [REFUNDS_SERIES]: "#ff4d4f",
};

export default function TakingsChart({ days }: { days: TakingsDay[] }) {
  return (
    <figure aria-label="每日收款图" style={{ margin: 0 }}>
      <Column
        data={chartPoints(days)}
        xField="day"
        yField="yuan"
        colorField="series"
        stack
        height={300}
        scale={{ color: { domain: Object.keys(COLORS), range: Object.values(COLORS) } }}
        axis={{ y: { title: "金额（元）", labelFormatter: (v: number) => `¥${v}` }, x: { title: false } }}
        tooltip={{ items: [{ channel: "y", valueFormatter: (v: number) => `¥${v.toFixed(2)}` }] }}
        legend={{ color: { position: "top" } }}
      />
    </figure>
  );
}
