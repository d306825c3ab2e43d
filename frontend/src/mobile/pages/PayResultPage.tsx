import { useQueryClient } from "@tanstack/react-query";
import { Button, DotLoading, Result } from "antd-mobile";
import { useEffect, useRef, useState } from "react";
import { useNavigate } from "react-router";
import { paymentsClient, paymentsKey } from "../../api/client";
import { errorMessage } from "../../api/problem";
import { yuan, type MyFee } from "../../pages/payLabels";
import { Receipt } from "../receipt";
import { Screen } from "../Screen";

const POLL_MS = 2000;
const POLL_FOR_MS = 60_000;

/**
 * Where the cashier (or WeChat's pay sheet) sends the student back. The page asks the server, which asks the
 * provider while the order is pending, every 2 s for up to a minute.
 */
export default function PayResultPage() {
  const [round, setRound] = useState(0);
  // A new round is a fresh checker: its state starts over ("again" = ask the server anew).
  return <Checker key={round} again={() => setRound((n) => n + 1)} />;
}

function Checker({ again }: { again: () => void }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
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
        if (data.order?.state === "pending" && Date.now() - started.current < POLL_FOR_MS) {
          timer = setTimeout(() => void check(), POLL_MS);
        } else {
          setPolling(false);
          queryClient.setQueryData(paymentsKey("/api/payments/v1/orders/me"), data);
          void queryClient.invalidateQueries({ queryKey: paymentsKey("/api/payments/v1/orders/me") });
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
  }, [queryClient]);

  const order = fee?.order;
  return (
    <Screen title="支付结果" back="/m/pay">
      <div className="m-card" aria-live="polite">
        {order?.state === "paid" ? (
          <Result status="success" title="已支付" description={yuan(order.amount_fen)} />
        ) : error ? (
          <Result status="warning" title="查询失败" description={error} />
        ) : polling ? (
          <Result status="waiting" title={<>正在确认支付结果<DotLoading /></>} description="请稍候，不要重复支付" />
        ) : order?.state === "closed" ? (
          <Result status="info" title="订单已关闭" description="未在有效期内完成支付，可重新发起缴费" />
        ) : (
          <Result status="info" title="尚未收到支付结果" description="如已扣款，结果通常在几分钟内到达；请勿重复支付" />
        )}
        <div className="m-actions">
          {order?.state === "paid" ? (
            <Button block color="primary" size="large" onClick={() => navigate("/m")}>
              返回首页
            </Button>
          ) : !polling ? (
            <>
              <Button block color="primary" onClick={again}>
                重新查询
              </Button>
              <Button block fill="outline" onClick={() => navigate("/m/pay")}>
                返回缴费
              </Button>
            </>
          ) : null}
        </div>
      </div>
      {order?.state === "paid" && fee && <Receipt fee={fee} />}
    </Screen>
  );
}
