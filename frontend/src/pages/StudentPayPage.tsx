import { AlipayCircleOutlined, WechatOutlined } from "@ant-design/icons";
import { Alert, Button, Card, Descriptions, Flex, Result, Skeleton, Tag, Typography } from "antd";
import { useState } from "react";
import { Link, Navigate } from "react-router";
import { payments } from "../api/client";
import { errorMessage } from "../api/problem";
import { useCurrentUser } from "../auth/AuthContext";
import { homePath } from "../auth/roles";
import { useDocumentTitle } from "../layout/PageContainer";
import { formatDateTime } from "../lib/time";
import { PhoneFrame } from "./PhoneFrame";
import { ORDER_STATE, PAYER_MODE, PROVIDER, inWeChat, yuan, type Channel } from "./payLabels";

/** The student's pay page: the fee, the order's state, and one tap to the provider (the sandbox's cashier here). */
export default function StudentPayPage() {
  const me = useCurrentUser();
  useDocumentTitle("缴费");
  const fee = payments.useQuery("get", "/api/payments/v1/orders/me", {}, { enabled: me.role === "student" });
  const pay = payments.useMutation("post", "/api/payments/v1/orders/me/pay");
  const [error, setError] = useState<string | null>(null);

  if (me.role !== "student") return <Navigate to={homePath(me.role)} replace />;

  async function start(channel: Channel) {
    setError(null);
    try {
      const launched = await pay.mutateAsync({ body: { channel } });
      if (launched.redirect_url) window.location.assign(launched.redirect_url);
      else setError("请在微信内完成支付");
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  const f = fee.data;
  const order = f?.order;
  const state = order ? ORDER_STATE[order.state] : undefined;
  return (
    <PhoneFrame title="缴费" back="/m">
      {fee.isPending ? (
        <Card size="small">
          <Skeleton active paragraph={{ rows: 5 }} />
        </Card>
      ) : fee.isError ? (
        <Result status="warning" title="暂时无法缴费" subTitle={errorMessage(fee.error)} />
      ) : order?.state === "paid" || order?.state === "refunded" ? (
        <Card size="small">
          <Result
            status="success"
            title={order.state === "paid" ? "已支付" : "已退款"}
            subTitle={`${yuan(order.amount_fen)} · ${PROVIDER[order.paid_provider ?? ""] ?? ""} · ${formatDateTime(order.paid_at)}`}
          />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            订单号 {order.out_trade_no}
          </Typography.Text>
        </Card>
      ) : (
        <>
          <Card size="small" title="毕业证图像采集费">
            <Flex vertical align="center" gap={4} style={{ padding: "8px 0 16px" }}>
              <Typography.Text style={{ fontSize: 36, fontWeight: 600 }}>{yuan(f?.fee_fen)}</Typography.Text>
              {state && <Tag color={state.color}>{state.text}</Tag>}
            </Flex>
            <Descriptions
              size="small"
              column={1}
              items={[
                { key: "who", label: "姓名", children: f?.masked_name },
                { key: "term", label: "届别", children: f?.term },
                { key: "mode", label: "缴费方式", children: PAYER_MODE[f?.payer_mode ?? ""] ?? "尚未设置" },
                ...(f?.breakdown ?? []).map((item) => ({ key: item.label, label: item.label, children: yuan(item.amount_fen) })),
                ...(order ? [{ key: "no", label: "订单号", children: order.out_trade_no }] : []),
              ]}
            />
          </Card>
          {f?.fee_fen === null || f?.fee_fen === undefined ? (
            <Alert type="info" showIcon title="学校尚未设置本届收费标准，请稍后再来" />
          ) : f.payer_mode !== "student" ? (
            <Alert type="info" showIcon title={`本校为${PAYER_MODE[f.payer_mode ?? ""] ?? "统一缴费"}，你无需个人缴费`} />
          ) : inWeChat() ? (
            <Alert type="warning" showIcon title="请点击右上角「…」，选择在浏览器中打开后缴费" />
          ) : (
            <Card size="small" title="选择支付方式">
              <Flex vertical gap={12}>
                <Button
                  size="large"
                  block
                  icon={<WechatOutlined aria-hidden />}
                  loading={pay.isPending && pay.variables?.body.channel === "wechat_h5"}
                  onClick={() => void start("wechat_h5")}
                  style={{ background: "#07c160", color: "#fff", borderColor: "#07c160" }}
                >
                  微信支付
                </Button>
                <Button
                  size="large"
                  block
                  icon={<AlipayCircleOutlined aria-hidden />}
                  loading={pay.isPending && pay.variables?.body.channel === "alipay_wap"}
                  onClick={() => void start("alipay_wap")}
                  style={{ background: "#1677ff", color: "#fff", borderColor: "#1677ff" }}
                >
                  支付宝
                </Button>
                {order?.state === "pending" && (
                  <Link to={`/m/pay/result?order=${order.id}`}>
                    <Button block type="link">
                      已完成支付？查询支付结果
                    </Button>
                  </Link>
                )}
              </Flex>
            </Card>
          )}
          {error && <Alert type="error" showIcon title={error} />}
        </>
      )}
    </PhoneFrame>
  );
}
