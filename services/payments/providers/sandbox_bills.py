"""The sandbox's daily bills, in the providers' real formats (research §1.7, §2.5): WeChat's ALL trade bill
(current layout, backtick-prefixed values, summary lines, CRLF, optional BOM) with its SHA1, and Alipay's zip of
GBK CSVs with GBK entry names, `#` header/footer lines, TAB-suffixed ids and negative refund rows."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

from services.payments.providers.money import fen_to_yuan
from services.payments.providers.port import Provider
from services.payments.providers.sandbox import SHANGHAI, SandboxGateway
from services.payments.providers.sandbox_keys import ALIPAY_SELLER_ID, MCHID, WECHAT_APPID

WX_HEADER = ("交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,"
             "货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,"
             "商户数据包,手续费,费率,订单金额,申请退款金额,费率备注")
WX_SUMMARY = "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额"
AP_HEADER = ("支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,"
             "订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,"
             "商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注")


def _local(when: datetime) -> datetime:
    return when.astimezone(SHANGHAI)


def _stamp(when: datetime) -> str:
    return _local(when).strftime("%Y-%m-%d %H:%M:%S")


def wechat_trade_bill(gateway: SandboxGateway, day: date, bom: bool = False) -> tuple[bytes, str]:
    """(bill bytes, SHA1 hex) — payments dated by success time, refunds by acceptance time (Beijing day)."""
    rows: list[list[str]] = []
    for order in gateway.orders.values():
        if order.provider is Provider.WECHAT and order.paid_at and _local(order.paid_at).date() == day:
            yuan = fen_to_yuan(order.amount_fen)
            rows.append([_stamp(order.paid_at), WECHAT_APPID, MCHID, "0", "", order.provider_txn or "",
                         order.out_trade_no, order.payer, order.trade_type, "SUCCESS", "OTHERS", "CNY", yuan, "0.00",
                         "0", "0", "0.00", "0.00", "", "", order.description, order.attach, "0.00000", "0.60%", yuan,
                         "0.00", ""])
    for refund in gateway.refunds.values():
        if refund.provider is Provider.WECHAT and _local(refund.created_at).date() == day:
            order = gateway.orders[(Provider.WECHAT, refund.out_trade_no)]
            yuan = fen_to_yuan(refund.refund_fen)
            rows.append([_stamp(refund.created_at), WECHAT_APPID, MCHID, "0", "", order.provider_txn or "",
                         order.out_trade_no, order.payer, order.trade_type, "REFUND", "OTHERS", "CNY", "0.00", "0.00",
                         refund.refund_id, refund.out_refund_no, yuan, "0.00", "ORIGINAL", refund.status,
                         order.description, order.attach, "0.00000", "0.60%", "0.00", yuan, ""])

    def total(k: int) -> str:
        return str(sum((Decimal(row[k]) for row in rows), Decimal("0.00")))

    summary = [str(len(rows)), total(12), total(16), total(17), "0.00000", total(24), total(25)]
    lines = [WX_HEADER, *(",".join("`" + v for v in row) for row in rows), WX_SUMMARY,
             ",".join("`" + v for v in summary)]
    data = (b"\xef\xbb\xbf" if bom else b"") + ("\r\n".join(lines) + "\r\n").encode("utf-8")
    return data, hashlib.sha1(data).hexdigest()  # noqa: S324 — WeChat's own integrity hash


def alipay_bill_zip(gateway: SandboxGateway, day: date) -> bytes:
    rows: list[str] = []
    sums = {"交易": [0, 0], "退款": [0, 0]}

    def row(txn: str, no: str, kind: str, created: datetime, done: datetime, fen: int, subject: str,
            request_no: str = "") -> None:
        sums[kind][0] += 1
        sums[kind][1] += fen
        yuan = fen_to_yuan(fen)
        rows.append(f"{txn}\t,{no}\t,{kind}\t,{subject},{_stamp(created)},{_stamp(done)},\t,\t,\t,\t,"
                    f"*生(138***0000)\t,{yuan},{yuan},0.00,0.00,0.00,0.00,0.00,,0.00\t,0.00,{request_no}\t,0.00,0.00,")

    for order in gateway.orders.values():
        if order.provider is Provider.ALIPAY and order.paid_at and _local(order.paid_at).date() == day:
            row(order.provider_txn or "", order.out_trade_no, "交易", order.paid_at, order.paid_at, order.amount_fen,
                order.description)
    for refund in gateway.refunds.values():
        if refund.provider is Provider.ALIPAY and _local(refund.created_at).date() == day:
            order = gateway.orders[(Provider.ALIPAY, refund.out_trade_no)]
            row(order.provider_txn or "", order.out_trade_no, "退款", order.paid_at or refund.created_at,
                refund.created_at, -refund.refund_fen, order.description, refund.out_refund_no)
    account = f"{ALIPAY_SELLER_ID}0156"
    cn = f"{day.year}年{day.month:02d}月{day.day:02d}日"
    detail = "\r\n".join([
        "#支付宝业务明细查询", f"#账号：[{account}]", f"#起始日期：[{cn} 00:00:00]   终止日期：[{cn} 24:00:00]",
        "#-----------------------------------------业务明细列表----------------------------------------", AP_HEADER,
        *rows, "#-----------------------------------------业务明细列表结束------------------------------------",
        f"#交易合计：{sums['交易'][0]}笔，商家实收共{fen_to_yuan(sums['交易'][1])}元，商家优惠共0.00元",
        f"#退款合计：{sums['退款'][0]}笔，商家实收退款共{fen_to_yuan(sums['退款'][1])}元，商家优惠退款共0.00元",
        f"#导出时间：[{cn} 05:46:49]"]) + "\r\n"
    summary = f"#支付宝业务汇总查询\r\n#账号：[{account}]\r\n"
    stem = f"{account}_{day:%Y%m%d}"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in ((f"{stem}_业务明细.csv", detail), (f"{stem}_业务明细(汇总).csv", summary)):
            archive.writestr(_GbkName(name, date_time=(day.year, day.month, day.day, 5, 46, 49)), text.encode("gbk"))
    return buffer.getvalue()


class _GbkName(zipfile.ZipInfo):
    """Alipay's zips carry GBK entry names without the UTF-8 flag; zipfile alone would write UTF-8."""

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:  # noqa: N802 — overrides zipfile's private hook
        return self.filename.encode("gbk"), self.flag_bits & ~0x800
