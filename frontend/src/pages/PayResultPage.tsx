import { Button, Card, Result, Spin } from "antd";
import { useEffect, useRef, useState } from "react";
import { Link } from "react-router";
import { paymentsClient } from "../api/client";
import { errorMessage } from "../api/problem";
import { useDocumentTitle } from "../layout/PageContainer";
import { formatDateTime } from "../lib/time";
import { PhoneFrame } from "./PhoneFrame";
import { PROVIDER, yuan, type MyFee } from "./payLabels";

const POLL_MS = 2000;
const POLL_FOR_MS = 60_000;
const again = () => window.location.reload();

/**
 * Where the cashier sends the student back. Coming back proves nothing: the page asks the server, which asks the
 * provider while the order is pending, every 2 s for up to a minute (the providers' own advice).
 */
export default function PayResultPage() {
  useDocumentTitle("支付结果");
  const [fee, setFee] = useState<MyFee | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [polling, setPolling] = useState(true);
  const started = useRef(0);

  useEffect(() => {
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    started.current = Date.now();
    async function check() {
      try {
        const { data } = await paymentsClient.POST("/api/payments/v1/orders/me/check");
        if (stop || !data) return;
        setFee(data);
        setError(null);
        if (data.order?.state === "pending" && Date.now() - started.current < POLL_FOR_MS) {
          timer = setTimeout(() => void check(), POLL_MS);
        } else {
          setPolling(false);
        }
      } catch (e) {
        if (!stop) {
          setError(errorMessage(e));
          setPolling(false);
        }
      }
    }
    void check();
    return () => {
      stop = true;
      if (timer) clearTimeout(timer);
    };
  }, []);

  const order = fee?.order;
  return (
    <PhoneFrame title="支付结果" back="/m/pay">
      <Card size="small">
        {order?.state === "paid" ? (
          <Result
            status="success"
            title="已支付"
            subTitle={`${yuan(order.amount_fen)} · ${PROVIDER[order.paid_provider ?? ""] ?? ""} · ${formatDateTime(order.paid_at)}`}
            extra={
              <Link to="/m">
                <Button type="primary" size="large">
                  返回首页
                </Button>
              </Link>
            }
          />
        ) : error ? (
          <Result status="warning" title="查询失败" subTitle={error} extra={<Button onClick={again}>重新查询</Button>} />
        ) : polling ? (
          <Result icon={<Spin size="large" />} title="正在确认支付结果…" subTitle="请稍候，不要重复支付" />
        ) : order?.state === "closed" ? (
          <Result status="info" title="订单已关闭" subTitle="未在有效期内完成支付，可重新发起缴费" extra={<Link to="/m/pay"><Button type="primary">重新缴费</Button></Link>} />
        ) : (
          <Result
            status="info"
            title="尚未收到支付结果"
            subTitle="如已扣款，结果通常在几分钟内到达；请勿重复支付"
            extra={[
              <Button key="again" type="primary" onClick={again}>
                重新查询
              </Button>,
              <Link key="back" to="/m/pay">
                <Button>返回缴费</Button>
              </Link>,
            ]}
          />
        )}
      </Card>
    </PhoneFrame>
  );
}
