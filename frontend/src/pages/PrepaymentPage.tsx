import { AlipayCircleOutlined, WechatOutlined } from "@ant-design/icons";
import { useQueryClient } from "@tanstack/react-query";
import { Alert, Button, Card, Col, Descriptions, Empty, Flex, Modal, QRCode, Row, Select, Skeleton, Statistic, Tag, Typography } from "antd";
import { useCallback, useEffect, useRef, useState } from "react";
import { useSearchParams } from "react-router";
import { payments, paymentsKey, roster } from "../api/client";
import { errorMessage } from "../api/problem";
import { useCurrentUser } from "../auth/AuthContext";
import { PageContainer } from "../layout/PageContainer";
import { formatDateTime } from "../lib/time";
import { breakdownLine, isWebAddress, ORDER_STATE, PAYER_MODE, prepayStep, PROVIDER, yuan, type PcChannel } from "./payLabels";

const PATH = "/api/payments/v1/schools/{school_code}/prepayment";
const POLL_MS = 2000; // WeChat's advice for a Native QR page: ask every 2 s …
const POLL_TRIES = 30; // … for a minute

/**
 * The school pays its students' capture fee in advance (学校统缴), on a PC: approved students × the fee, through
 * Alipay's computer-site cashier or a WeChat QR code. Whether it is paid comes from the server, which asks the
 * provider; coming back from the cashier proves nothing by itself.
 */
export default function PrepaymentPage() {
  const me = useCurrentUser();
  // The agency and the province look at a school's prepayment (which they pick); only the school pays.
  const payer = me.role === "school_admin";
  const [params, setParams] = useSearchParams();
  const schools = roster.useQuery("get", "/api/roster/v1/schools", {}, { enabled: !payer });
  const school = payer ? (me.school_code ?? "") : (params.get("school") ?? "");
  const picked = schools.data?.items.find((x) => x.code === school);
  const schoolName = payer ? (me.school_name ?? "本校") : (picked?.name ?? "该校");
  const pick = (code: string) => {
    const next = new URLSearchParams(params);
    next.set("school", code);
    setParams(next, { replace: true });
  };
  const returning = params.get("order");
  const client = useQueryClient();
  const init = { params: { path: { school_code: school } } };
  const s = payments.useQuery("get", PATH, init, { enabled: school !== "" });
  const pay = payments.useMutation("post", "/api/payments/v1/schools/{school_code}/prepayment/pay");
  const check = payments.useMutation("post", "/api/payments/v1/schools/{school_code}/prepayment/check");
  const [error, setError] = useState<string | null>(null);
  const [qr, setQr] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(returning !== null);
  const checkedReturn = useRef(false);

  /** Ask the server, which asks the provider; the page shows what the server then says. */
  const checkAsync = check.mutateAsync;
  const refresh = useCallback(async () => {
    const request = { params: { path: { school_code: school } } };
    const answer = await checkAsync(request);
    client.setQueryData(payments.queryOptions("get", PATH, request).queryKey, answer);
    return answer;
  }, [checkAsync, client, school]);

  // Back from the cashier (?order=…): confirm with the server once, then drop the parameter.
  useEffect(() => {
    if (!returning || !school || checkedReturn.current) return;
    checkedReturn.current = true;
    refresh()
      .catch((e: unknown) => setError(errorMessage(e)))
      .finally(() => {
        setConfirming(false);
        const next = new URLSearchParams(params);
        next.delete("order");
        setParams(next, { replace: true });
      });
  }, [returning, school, refresh, params, setParams]);

  // While the WeChat QR code is shown: ask every 2 s for a minute; close it once paid.
  useEffect(() => {
    if (!qr) return;
    let tries = 0;
    const timer = window.setInterval(() => {
      tries += 1;
      if (tries > POLL_TRIES) {
        window.clearInterval(timer);
        return;
      }
      refresh()
        .then((answer) => {
          if (prepayStep(answer) === "paid") setQr(null);
        })
        .catch(() => undefined); // the next try, or the button, asks again
    }, POLL_MS);
    return () => window.clearInterval(timer);
  }, [qr, refresh]);

  async function start(channel: PcChannel) {
    setError(null);
    try {
      const launched = await pay.mutateAsync({ ...init, body: { channel } });
      if (launched.code_url) setQr(launched.code_url);
      else if (launched.redirect_url) window.location.assign(launched.redirect_url);
      await client.invalidateQueries({ queryKey: paymentsKey(PATH) });
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  async function ask() {
    setError(null);
    try {
      const answer = await refresh();
      if (prepayStep(answer) !== "paid") setError("尚未收到支付结果；如已付款，请稍后再查询");
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  const d = s.data;
  const order = d?.order;
  const step = d ? prepayStep(d) : null;
  return (
    <PageContainer
      title="学校统缴"
      subTitle={
        payer
          ? `${schoolName}为本校已审核通过的毕业生统一预缴图像采集费；实际拍摄人数在对账时核对，多退少补。`
          : "学校为已审核通过的毕业生统一预缴的图像采集费：应缴、已缴、待缴与预缴订单；由学校管理员发起支付。"
      }
      extra={
        payer ? undefined : (
          <Select
            aria-label="选择学校"
            placeholder="选择学校"
            style={{ width: 240 }}
            value={school || undefined}
            onChange={pick}
            loading={schools.isPending}
            options={(schools.data?.items ?? []).map((x) => ({ value: x.code, label: `${x.name}（${x.code}）` }))}
          />
        )
      }
    >
      {!school ? (
        <Card><Empty description="请选择学校" /></Card>
      ) : s.isPending ? (
        <Card><Skeleton active /></Card>
      ) : s.isError ? (
        <Alert type="warning" showIcon title={errorMessage(s.error)} />
      ) : d ? (
        <Flex vertical gap={16}>
          <Row gutter={16}>
            <Col xs={12} md={6}><Card><Statistic title="已审核学生" value={d.students} suffix="人" /></Card></Col>
            <Col xs={12} md={6}><Card><Statistic title="每人" value={yuan(d.unit_fen)} /></Card></Col>
            <Col xs={12} md={6}><Card><Statistic title="应缴" value={yuan(d.due_fen)} /></Card></Col>
            <Col xs={12} md={6}>
              <Card><Statistic title="待缴" value={yuan(d.outstanding_fen)} styles={{ content: { color: d.outstanding_fen ? "#d46b08" : undefined } }} /></Card>
            </Col>
          </Row>
          <Card title={`${schoolName} · ${d.term} 届`}>
            <Descriptions
              column={{ xs: 1, md: 2 }}
              items={[
                { key: "mode", label: "缴费方式", children: PAYER_MODE[d.payer_mode ?? ""] ?? "尚未设置收费标准" },
                ...(d.unit_fen !== null
                  ? [
                      { key: "calc", label: "应缴金额", children: `${d.students} 人 × ${yuan(d.unit_fen)} = ${yuan(d.due_fen)}` },
                      { key: "breakdown", label: "收费明细", children: breakdownLine(d.breakdown) || "—" },
                    ]
                  : []),
                { key: "paid", label: "已缴", children: yuan(d.paid_fen) },
                { key: "shot", label: "已拍摄", children: `${d.photographed} 人` },
                {
                  key: "state",
                  label: "预缴订单",
                  children: order ? <Tag color={ORDER_STATE[order.state]?.color}>{ORDER_STATE[order.state]?.text}</Tag> : "未发起",
                },
                ...(order
                  ? [
                      { key: "no", label: "订单号", children: order.out_trade_no },
                      ...(step === "paid"
                        ? [{ key: "at", label: "支付", children: `${PROVIDER[order.paid_provider ?? ""] ?? ""} ${formatDateTime(order.paid_at)}` }]
                        : []),
                      ...(d.refunded_fen ? [{ key: "refund", label: "已退款", children: yuan(d.refunded_fen) }] : []),
                    ]
                  : []),
              ]}
            />
            <div style={{ marginTop: 16 }}>
              {confirming ? (
                <Alert type="info" showIcon title="正在向支付渠道确认支付结果…" />
              ) : step === "other_payer" ? (
                <Alert type="info" showIcon title={`本校为${PAYER_MODE[d.payer_mode ?? ""] ?? "尚未设置收费标准"}，无需学校统缴`} />
              ) : step === "nothing_due" ? (
                <Alert type="info" showIcon title="本校尚无审核通过的学生，暂无需缴费" />
              ) : step === "paid" ? (
                <Flex vertical gap={12}>
                  <Alert type="success" showIcon title="已支付" description={`${yuan(d.paid_fen)}，${order?.quantity ?? 0} 人`} />
                  {d.outstanding_fen > 0 && (
                    <Alert
                      type="warning"
                      showIcon
                      title={`预缴后新增审核通过 ${d.students - (order?.quantity ?? 0)} 人（${yuan(d.outstanding_fen)}）`}
                      description="新增学生的费用在对账时按实际拍摄人数结算，无需再次预缴。"
                    />
                  )}
                </Flex>
              ) : !payer ? (
                <Flex gap={12} wrap align="center">
                  <Alert type="info" showIcon title={`尚未支付：待缴 ${yuan(d.outstanding_fen)}，由${schoolName}的学校管理员在“学校统缴”页发起支付`} />
                  {order?.state === "pending" && (
                    <Button type="link" loading={check.isPending} onClick={() => void ask()}>
                      查询支付结果
                    </Button>
                  )}
                </Flex>
              ) : (
                <Flex gap={12} wrap align="center">
                  <Button type="primary" icon={<AlipayCircleOutlined aria-hidden />} loading={pay.isPending} onClick={() => void start("alipay_page")}>
                    支付宝支付 {yuan(d.outstanding_fen)}
                  </Button>
                  <Button icon={<WechatOutlined aria-hidden />} loading={pay.isPending} onClick={() => void start("wechat_native")}>
                    微信扫码支付 {yuan(d.outstanding_fen)}
                  </Button>
                  {order?.state === "pending" && (
                    <Button type="link" loading={check.isPending} onClick={() => void ask()}>
                      查询支付结果
                    </Button>
                  )}
                </Flex>
              )}
              {error && !qr && <Alert type="error" showIcon style={{ marginTop: 16 }} title={error} />}
            </div>
          </Card>
        </Flex>
      ) : null}
      <Modal
        title="微信扫码支付"
        open={qr !== null}
        onCancel={() => setQr(null)}
        footer={[
          <Button key="ask" loading={check.isPending} onClick={() => void ask()}>
            我已支付，查询结果
          </Button>,
        ]}
      >
        {qr && (
          <Flex vertical align="center" gap={12}>
            <QRCode value={qr} size={220} />
            <Typography.Text>请使用微信“扫一扫”支付 {yuan(d?.outstanding_fen)}，支付后本页自动更新。</Typography.Text>
            {error && <Alert type="warning" showIcon title={error} />}
            {isWebAddress(qr) && (
              <Typography.Link href={qr} target="_blank" rel="noopener noreferrer">
                沙箱环境：在本机打开收银台
              </Typography.Link>
            )}
          </Flex>
        )}
      </Modal>
    </PageContainer>
  );
}
