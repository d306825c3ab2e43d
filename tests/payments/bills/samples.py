"""Bills built from the research note's descriptions (§1.7, §2.5): exact headers, backticks, TAB-suffixed ids."""

from __future__ import annotations

import io
import zipfile

WX_HEADER = ("交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,"
             "货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,"
             "商户数据包,手续费,费率,订单金额,申请退款金额,费率备注")
WX_SUMMARY = "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额"
WX_OLD_HEADER = ("交易时间,公众账号ID,商户号,子商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,"
                 "货币种类,总金额,代金券或立减优惠金额,微信退款单号,商户退款单号,退款金额,代金券或立减优惠退款金额,退款类型,"
                 "退款状态,商品名称,商户数据包,手续费,费率")
WX_OLD_SUMMARY = "总交易单数,总交易额,总退款金额,总代金券或立减优惠退款金额,手续费总金额"


def _tick(values: list[str]) -> str:
    return ",".join("`" + v for v in values)


def wx_payment(time: str, txn: str, no: str, yuan: str, state: str = "SUCCESS") -> list[str]:
    return [time, "wx0000000000000001", "1900000001", "0", "", txn, no, "oTEST0001", "MWEB", state, "OTHERS", "CNY",
            yuan, "0.00", "0", "0", "0.00", "0.00", "", "", "照片采集费", "", "0.09000", "0.60%", yuan, "0.00", ""]


def wx_refund(time: str, txn: str, no: str, refund_no: str, yuan: str, status: str = "SUCCESS") -> list[str]:
    return [time, "wx0000000000000001", "1900000001", "0", "", txn, no, "oTEST0001", "MWEB", "REFUND", "OTHERS", "CNY",
            "0.00", "0.00", "50300000000000000000000000001", refund_no, yuan, "0.00", "ORIGINAL", status, "照片采集费",
            "", "-0.09000", "0.60%", "0.00", yuan, ""]


def wechat_bill(rows: list[list[str]], summary: list[str] | None = None, newline: str = "\n", bom: bool = False,
                old: bool = False) -> bytes:
    if old:  # the older layout: no 应结订单金额/订单金额/申请退款金额, 24 columns
        keep = [k for k in range(27) if k not in (24, 25, 26)]
        rows = [[row[k] for k in keep] for row in rows]
        for row in rows:
            if row[9] == "REFUND":
                row[12] = "0.00"
    count = str(len(rows))
    if summary is None:
        def total(k: int) -> str:
            from decimal import Decimal
            return str(sum((Decimal(row[k]) for row in rows), Decimal("0.00")))
        summary = ([count, total(12), total(16), total(17), total(22)] if old else
                   [count, total(12), total(16), total(17), total(22), total(24), total(25)])
    lines = [WX_OLD_HEADER if old else WX_HEADER, *(_tick(r) for r in rows),
             WX_OLD_SUMMARY if old else WX_SUMMARY, _tick(summary)]
    text = newline.join(lines) + newline
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


AP_HEADER = ("支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,"
             "订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,"
             "商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注")


def ap_row(txn: str, no: str, kind: str, done: str, yuan: str, refund_no: str = "") -> str:
    return (f"{txn}\t,{no}\t,{kind}\t,照片采集费,2025-09-01 10:00:00,{done},\t,\t,\t,\t,*生(138***0000)\t,"
            f"{yuan},{yuan},0.00,0.00,0.00,0.00,0.00,,0.00\t,0.00,{refund_no}\t,0.00,0.00,")


def alipay_detail(rows: list[str], footer: tuple[str, str] | None = None) -> str:
    payments = [r for r in rows if ",交易\t," in r]
    refunds = [r for r in rows if ",退款\t," in r]

    def total(items: list[str]) -> str:
        from decimal import Decimal
        return str(sum((Decimal(r.split(",")[12]) for r in items), Decimal("0.00")))

    trade, refund = footer or (f"{len(payments)}笔，商家实收共{total(payments)}元",
                               f"{len(refunds)}笔，商家实收退款共{total(refunds)}元")
    return "\r\n".join([
        "#支付宝业务明细查询", "#账号：[20880000000000010156]",
        "#起始日期：[2025年09月01日 00:00:00]   终止日期：[2025年09月02日 00:00:00]",
        "#-----------------------------------------业务明细列表----------------------------------------",
        AP_HEADER, *rows,
        "#-----------------------------------------业务明细列表结束------------------------------------",
        f"#交易合计：{trade}，商家优惠共0.00元", f"#退款合计：{refund}，商家优惠退款共0.00元",
        "#导出时间：[2025年09月02日 05:46:49]"]) + "\r\n"


def alipay_zip(detail: str, encoding: str = "gbk", utf8_names: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in (("20880000000000010156_20250901_业务明细.csv", detail),
                           ("20880000000000010156_20250901_业务明细(汇总).csv", "#支付宝业务汇总查询\r\n")):
            info = (zipfile.ZipInfo if utf8_names else _GbkName)(name, date_time=(2025, 9, 2, 5, 46, 49))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode(encoding))
    return buffer.getvalue()


class _GbkName(zipfile.ZipInfo):
    """Alipay's zips store GBK names without the UTF-8 flag; zipfile would write UTF-8 with the flag."""

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:  # noqa: N802 — overrides zipfile's private name
        return self.filename.encode("gbk"), self.flag_bits & ~0x800
