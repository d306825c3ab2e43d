/** Time is UTC in storage and Asia/Shanghai on screen. */
import dayjs from "dayjs";
import utc from "dayjs/plugin/utc";
import timezone from "dayjs/plugin/timezone";
import "dayjs/locale/zh-cn";

dayjs.extend(utc);
dayjs.extend(timezone);
dayjs.locale("zh-cn");

export const DISPLAY_TZ = "Asia/Shanghai";

/**
 * Format an API timestamp for display in Beijing time. A timestamp without an offset is taken as UTC (that is
 * how the services store time). Empty or unparseable input renders as "—".
 */
export function formatDateTime(value: string | null | undefined, pattern = "YYYY-MM-DD HH:mm"): string {
  if (!value) return "—";
  const parsed = dayjs.utc(value);
  return parsed.isValid() ? parsed.tz(DISPLAY_TZ).format(pattern) : "—";
}

export { dayjs };
