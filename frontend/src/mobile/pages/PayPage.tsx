import { Button, NoticeBar, Result } from "antd-mobile";
import { useEffect, useRef, useState } from "react";
import { useNavigate, useSearchParams } from "react-router";
import { payments, paymentsClient } from "../../api/client";
import { errorMessage } from "../../api/problem";
import { ORDER_STATE, PAYER_MODE, yuan, type Channel } from "../../pages/payLabels";
import { useFee } from "../data";
import { Receipt } from "../receipt";
import { Failure, Loading, Screen } from "../Screen";
import { Row } from "../parts";
import { inWeChat, keepOpenid, openid, payInWeChat } from "../wechat";

/**
 * The fee and one tap to pay: inside WeChat with WeChat's own pay sheet (JSAPI), elsewhere WeChat H5 or Alipay's
 * mobile cashier. Coming back proves nothing: the result page asks the server.
 */
export default function PayPage() {
  const navigate = useNavigate();
  const fee = useFee();
  const pay = payments.useMutation("post", "/api/payments/v1/orders/me/pay");
  const [error, setError] = useState<string | null>(null);
  const wechat = inWeChat();
  const [params, setParams] = useSearchParams();
  const exchanged = useRef(false);

  async function start(channel: Channel, payer?: string) {
    setError(null);
    try {
      const launched = await pay.mutateAsync({ body: channel === "wechat_jsapi" ? { channel, openid: payer } : { channel } });
      if (launched.jsapi) {
        const answer = await payInWeChat({ ...launched.jsapi });
        if (answer === "cancel") setError("已取消支付");
        else if (answer === "no_bridge") setError("未能打开微信支付，请在微信中重新打开本页");
        else navigate(`/m/pay/result?order=${launched.order.id}`);
      } else if (launched.redirect_url) {
        window.location.assign(launched.redirect_url);
      } else {
        setError("支付渠道未返回支付地址，请稍后重试");
      }
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  /** Inside WeChat: pay with the openid we have, or first ask WeChat who pays (it comes back here with a code). */
  async function payInsideWeChat() {
    const payer = openid();
    if (payer) return start("wechat_jsapi", payer);
    setError(null);
    try {
      const { data } = await paymentsClient.GET("/api/payments/v1/wechat/authorize", { params: { query: { back: "/m/pay" } } });
      if (data) window.location.assign(data.url);
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  // Back from WeChat's authorisation with ?code&state: learn the openid once, tidy the address, then pay.
  const code = params.get("code");
  const state = params.get("state");
  useEffect(() => {
    if (!wechat || !code || !state || exchanged.current) return;
    exchanged.current = true;
    void (async () => {
      setParams({}, { replace: true });
      try {
        const { data } = await paymentsClient.POST("/api/payments/v1/wechat/openid", { body: { code, state } });
        if (!data) return;
        keepOpenid(data.openid);
        await start("wechat_jsapi", data.openid);
      } catch (e) {
        setError(errorMessage(e));
      }
    })();
    // start() only reads the latest render's values; the exchange runs once per code
    // oxlint-disable-next-line react-hooks/exhaustive-deps, react/exhaustive-effect-dependencies
  }, [wechat, code, state]);

  const f = fee.data;
  const order = f?.order;
  const busy = (channel: Channel) => pay.isPending && pay.variables?.body.channel === channel;

  return (
    <Screen title="缴费" back="/m">
      {fee.isPending ? (
        <Loading />
      ) : fee.isError ? (
        <Failure error={fee.error} title="暂时无法缴费" retry={() => void fee.refetch()} />
      ) : order?.state === "paid" || order?.state === "refunded" ? (
        <>
          <div className="m-card">
            <Result status="success" title={order.state === "paid" ? "已支付" : "已退款"} description={yuan(order.amount_fen)} />
          </div>
          <Receipt fee={f!} />
        </>
      ) : (
        <>
          <section className="m-card" aria-label="采集费">
            <h2>毕业生图像采集费</h2>
            <p className="m-big" style={{ fontSize: 32, textAlign: "center" }}>
              {yuan(f?.fee_fen)}
            </p>
            {order && (
              <p className="m-muted" style={{ textAlign: "center", marginTop: 0 }}>
                {ORDER_STATE[order.state]?.text ?? order.state}
              </p>
            )}
            <dl style={{ margin: 0 }}>
              <Row label="姓名">{f?.masked_name}</Row>
              <Row label="届别">{f?.term}</Row>
              <Row label="缴费方式">{PAYER_MODE[f?.payer_mode ?? ""] ?? "尚未设置"}</Row>
              {(f?.breakdown ?? []).map((item) => (
                <Row key={item.label} label={item.label}>
                  {yuan(item.amount_fen)}
                </Row>
              ))}
            </dl>
          </section>
          {f?.fee_fen === null || f?.fee_fen === undefined ? (
            <NoticeBar content="学校尚未设置本届收费标准，请稍后再来" color="info" wrap />
          ) : f.payer_mode !== "student" ? (
            <NoticeBar content={`本校为${PAYER_MODE[f.payer_mode ?? ""] ?? "统一缴费"}，你无需个人缴费`} color="info" wrap />
          ) : (
            <section className="m-card" aria-label="选择支付方式">
              <h2>选择支付方式</h2>
              <div className="m-actions">
                {wechat ? (
                  <>
                    <Button block size="large" loading={busy("wechat_jsapi")} onClick={() => void payInsideWeChat()} style={{ background: "#07c160", color: "#fff", border: 0 }}>
                      微信支付
                    </Button>
                    <p className="m-muted" style={{ margin: 0 }}>
                      在微信中只能用微信支付；要用支付宝，请点右上角「…」选择「在浏览器打开」。
                    </p>
                  </>
                ) : (
                  <>
                    <Button block size="large" loading={busy("wechat_h5")} onClick={() => void start("wechat_h5")} style={{ background: "#07c160", color: "#fff", border: 0 }}>
                      微信支付
                    </Button>
                    <Button block size="large" loading={busy("alipay_wap")} onClick={() => void start("alipay_wap")} style={{ background: "#1677ff", color: "#fff", border: 0 }}>
                      支付宝
                    </Button>
                  </>
                )}
                {order?.state === "pending" && (
                  <Button block fill="none" color="primary" onClick={() => navigate(`/m/pay/result?order=${order.id}`)}>
                    已完成支付？查询支付结果
                  </Button>
                )}
              </div>
            </section>
          )}
          {error && (
            <div role="alert" className="m-card m-bad">
              {error}
            </div>
          )}
        </>
      )}
    </Screen>
  );
}
