import type { MyFee } from "../pages/payLabels";
import { PROVIDER, yuan } from "../pages/payLabels";
import { formatDateTime } from "../lib/time";
import { Row } from "./parts";

/** The receipt of a paid order: what, how much, how, when, the order number (what a school asks to see). */
export function Receipt({ fee }: { fee: MyFee }) {
  const order = fee.order;
  if (!order) return null;
  return (
    <section className="m-card" aria-label="电子收据">
      <h2>电子收据</h2>
      <dl style={{ margin: 0 }}>
        <Row label="项目">{order.description || "毕业生图像采集费"}</Row>
        <Row label="缴费人">{fee.masked_name}</Row>
        <Row label="金额">{yuan(order.amount_fen)}</Row>
        <Row label="支付方式">{PROVIDER[order.paid_provider ?? ""] ?? "—"}</Row>
        <Row label="支付时间">{formatDateTime(order.paid_at, "YYYY-MM-DD HH:mm:ss")}</Row>
        <Row label="订单号">{order.out_trade_no}</Row>
        {order.state === "refunded" && <Row label="状态">已退款</Row>}
      </dl>
      <p className="m-muted" style={{ marginBottom: 0 }}>
        可截图保存。如需发票，请联系学校或采集中心。
      </p>
    </section>
  );
}
