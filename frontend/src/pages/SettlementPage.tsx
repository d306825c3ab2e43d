import { AlipayCircleOutlined, WechatOutlined } from "@ant-design/icons";
import { useQueryClient } from "@tanstack/react-query";
import { Alert, Button, Card, Col, Descriptions, Flex, Row, Skeleton, Statistic, Tag } from "antd";
import { useState } from "react";
import { payments, paymentsKey } from "../api/client";
import { errorMessage } from "../api/problem";
import { PageContainer } from "../layout/PageContainer";
import { formatDateTime } from "../lib/time";
import { ORDER_STATE, PAYER_MODE, PROVIDER, yuan, type Channel } from "./payLabels";

/** The class monitor's settlement: photographed count × fee, paid once for the class after capture. */
export default function SettlementPage() {
  const client = useQueryClient();
  const s = payments.useQuery("get", "/api/payments/v1/classes/me/settlement");
  const pay = payments.useMutation("post", "/api/payments/v1/classes/me/settlement/pay");
  const check = payments.useMutation("post", "/api/payments/v1/classes/me/settlement/check");
  const [error, setError] = useState<string | null>(null);

  async function start(channel: Channel) {
    setError(null);
    try {
      const launched = await pay.mutateAsync({ body: { channel } });
      if (launched.redirect_url) window.location.assign(launched.redirect_url);
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  async function refresh() {
    setError(null);
    try {
      await check.mutateAsync({});
      await client.invalidateQueries({ queryKey: paymentsKey("/api/payments/v1/classes/me/settlement") });
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  const d = s.data;
  const order = d?.order;
  const paid = order?.state === "paid" || order?.state === "refunded";
  return (
    <PageContainer title="班级结算" subTitle="按本班实际拍摄人数结算采集费">
      {s.isPending ? (
        <Card><Skeleton active /></Card>
      ) : s.isError ? (
        <Alert type="warning" showIcon title={errorMessage(s.error)} />
      ) : d ? (
        <Flex vertical gap={16}>
          <Row gutter={16}>
            <Col xs={12} md={6}><Card><Statistic title="已审核学生" value={d.students} suffix="人" /></Card></Col>
            <Col xs={12} md={6}><Card><Statistic title="已拍摄" value={d.photographed} suffix="人" /></Card></Col>
            <Col xs={12} md={6}><Card><Statistic title="每人" value={yuan(d.unit_fen)} /></Card></Col>
            <Col xs={12} md={6}><Card><Statistic title="应结算" value={yuan(d.amount_fen)} /></Card></Col>
          </Row>
          <Card title={`${d.class_name ?? d.class_no ?? "本班"} · ${d.term}`}>
            <Descriptions
              column={{ xs: 1, md: 2 }}
              items={[
                { key: "mode", label: "缴费方式", children: PAYER_MODE[d.payer_mode ?? ""] ?? "尚未设置" },
                {
                  key: "state",
                  label: "结算订单",
                  children: order ? <Tag color={ORDER_STATE[order.state]?.color}>{ORDER_STATE[order.state]?.text}</Tag> : "未发起",
                },
                ...(order ? [
                  { key: "no", label: "订单号", children: order.out_trade_no },
                  { key: "amount", label: "订单金额", children: `${yuan(order.amount_fen)}（${order.quantity} 人 × ${yuan(order.unit_fen)}）` },
                  ...(paid ? [{ key: "paid", label: "支付", children: `${PROVIDER[order.paid_provider ?? ""] ?? ""} ${formatDateTime(order.paid_at)}` }] : []),
                ] : []),
              ]}
            />
            {d.payer_mode !== "class" ? (
              <Alert type="info" showIcon style={{ marginTop: 16 }} title={`本校为${PAYER_MODE[d.payer_mode ?? ""] ?? "尚未设置收费"}，班级无需结算`} />
            ) : paid ? (
              <Alert type="success" showIcon style={{ marginTop: 16 }} title="已支付" />
            ) : (
              <Flex gap={12} wrap style={{ marginTop: 16 }}>
                <Button icon={<WechatOutlined aria-hidden />} disabled={!d.amount_fen} loading={pay.isPending} onClick={() => void start("wechat_h5")}>
                  微信支付 {yuan(d.amount_fen)}
                </Button>
                <Button icon={<AlipayCircleOutlined aria-hidden />} disabled={!d.amount_fen} loading={pay.isPending} onClick={() => void start("alipay_wap")}>
                  支付宝 {yuan(d.amount_fen)}
                </Button>
                {order?.state === "pending" && (
                  <Button type="link" loading={check.isPending} onClick={() => void refresh()}>
                    查询支付结果
                  </Button>
                )}
              </Flex>
            )}
            {error && <Alert type="error" showIcon style={{ marginTop: 16 }} title={error} />}
          </Card>
        </Flex>
      ) : null}
    </PageContainer>
  );
}
