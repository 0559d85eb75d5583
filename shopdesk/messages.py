"""Words for every error code and CLI message, in Chinese and English.

Services raise codes with data (see :mod:`shopdesk.errors`); this table is the
one place they become sentences. Each message says what is wrong and what to do.
"""

from __future__ import annotations

import locale
import os
from typing import Any

MESSAGES: dict[str, tuple[str, str]] = {
    # code: (Chinese, English)
    "money.not_a_number": (
        "{field} 不是有效金额：{value}。请输入数字，例如 12.50。",
        "{field} is not an amount: {value}. Type a number such as 12.50.",
    ),
    "money.negative": ("{field} 不能为负数：{value}。", "{field} cannot be negative: {value}."),
    "money.too_precise": (
        "{field} 最多两位小数（分）：{value}。",
        "{field} has more than two decimals (fen): {value}.",
    ),
    "money.too_large": (
        "{field} 金额过大：{value}。请检查是否多输了数字。",
        "{field} is too large: {value}. Check for extra digits.",
    ),
    "tax.unknown_rate": (
        "未知税率：{value}。可用：13、9、6、3、1、0、免税。",
        "Unknown tax rate: {value}. Use 13, 9, 6, 3, 1, 0 or exempt.",
    ),
    "tax_id.empty": ("请填写税号。", "The tax id is empty: type the buyer's tax id."),
    "tax_id.bad_length": (
        "税号 {value} 长度为 {length} 位；统一社会信用代码为 18 位（旧税号 15、17 或 20 位）。",
        "Tax id {value} has {length} characters; a USCC has 18 (older ids 15, 17 or 20).",
    ),
    "tax_id.bad_char": (
        "税号 {value} 第 {position} 位字符“{char}”无效（不使用 I、O、S、V、Z）。",
        "Tax id {value}: character {position} '{char}' is not allowed (I, O, S, V, Z are never used).",
    ),
    "tax_id.bad_region": (
        "税号 {value} 第 3–8 位应为行政区划代码（6 位数字）。",
        "Tax id {value}: characters 3–8 must be the 6-digit region code.",
    ),
    "tax_id.bad_check": (
        "税号 {value} 校验位错误：最后一位应为“{expected}”，而不是“{got}”。请核对税号。",
        "Tax id {value} fails its check: the last character should be '{expected}', not '{got}'. Check the id.",
    ),
    "buyer.name_missing": ("开具单位发票需要填写购买方名称。", "A company buyer needs a name."),
    "buyer.tax_id_missing": ("开具单位发票需要填写购买方税号。", "A company buyer needs a tax id."),
    "sale.empty": ("没有商品，不能开具收据。", "The sale has no items."),
    "sale.unknown_item": (
        "找不到商品：{value}。请检查条码或编号。",
        "No item with barcode or SKU {value}. Check the code.",
    ),
    "sale.bad_item_spec": (
        "商品写法有误：{value}。格式：编号或条码[x数量][@单价]。",
        "Cannot read item {value}. Use SKU_OR_BARCODE[xQTY][@PRICE].",
    ),
    "sale.bad_quantity": (
        "数量无效：{value}。数量须大于 0，最多三位小数。",
        "Bad quantity {value}: it must be above 0 with at most three decimals.",
    ),
    "sale.quantity_too_large": ("数量过大：{value}。", "Quantity {value} is too large."),
    "sale.bad_line_discount": (
        "第 {line} 行折扣 {value} 无效：不能为负，也不能超过该行金额。",
        "Line {line}: discount {value} is negative or larger than the line.",
    ),
    "sale.bad_sale_discount": (
        "整单折扣 {value} 无效：不能为负，也不能超过合计。",
        "Sale discount {value} is negative or larger than the total.",
    ),
    "sale.underpaid": (
        "付款不足：应收 {total}，已付 {paid}，还差 {missing}。",
        "Underpaid: total {total}, paid {paid}, {missing} missing.",
    ),
    "sale.unknown_cashier": (
        "收银员“{value}”不在店铺资料中。",
        "Cashier '{value}' is not in the shop profile.",
    ),
    "payment.unknown_method": (
        "未知付款方式：{value}。可用：cash、wechat、alipay、card、other。",
        "Unknown payment method {value}: use cash, wechat, alipay, card or other.",
    ),
    "payment.several_open": (
        "只能有一种付款方式不写金额。",
        "Only one payment may leave its amount out.",
    ),
    "payment.overpaid_noncash": (
        "非现金付款超过应收 {total}（已付 {paid}）；只有现金可以找零。",
        "Non-cash payments exceed the total {total} (paid {paid}); only cash gives change.",
    ),
    "catalog.missing": ("找不到商品目录 {file}。", "The catalog {file} does not exist."),
    "catalog.not_utf8": (
        "商品目录 {file} 不是 UTF-8 编码。请用 UTF-8 另存。",
        "The catalog {file} is not UTF-8: save it as UTF-8.",
    ),
    "catalog.missing_column": (
        "商品目录 {file} 缺少列“{column}”。",
        "The catalog {file} has no column '{column}'.",
    ),
    "catalog.bad_row": (
        "商品目录 {file} 第 {line} 行，{field}：{reason}（值：{value}）。",
        "Catalog {file}, line {line}, {field}: {reason} (value: {value}).",
    ),
    "catalog.duplicate": (
        "商品目录 {file} 第 {line} 行，{field} 重复：{value}。",
        "Catalog {file}, line {line}: duplicate {field} {value}.",
    ),
    "profile.missing": (
        "找不到店铺资料 {file}。请先运行 shopdesk init。",
        "The shop profile {file} does not exist: run shopdesk init first.",
    ),
    "profile.not_utf8": (
        "店铺资料 {file} 不是 UTF-8 编码。",
        "The shop profile {file} is not UTF-8.",
    ),
    "profile.syntax": (
        "店铺资料 {file} 第 {line} 行格式错误：{reason}",
        "Shop profile {file}, line {line}: syntax error: {reason}",
    ),
    "profile.missing_field": (
        "店铺资料 {file}（第 {line} 行附近）缺少 {field}。",
        "Shop profile {file} (near line {line}) is missing {field}.",
    ),
    "profile.bad_field": (
        "店铺资料 {file} 第 {line} 行，{field} 的值无效（{reason}）：{value}",
        "Shop profile {file}, line {line}: {field} is invalid ({reason}): {value}",
    ),
    "home.missing": (
        "{folder} 中没有店铺。请先运行 shopdesk --home {folder} init。",
        "No shop in {folder}: run shopdesk --home {folder} init first.",
    ),
    "home.exists": (
        "{folder} 中已有店铺，不会覆盖。",
        "{folder} already holds a shop; it is never overwritten.",
    ),
    "key.missing": (
        "找不到签名密钥 {file}。请从备份恢复。",
        "The signing key {file} is missing: restore it from a backup.",
    ),
    "key.unreadable": (
        "签名密钥 {file} 无法读取。请从备份恢复。",
        "The signing key {file} cannot be read: restore it from a backup.",
    ),
    "key.bad_public": ("公钥无效。", "That public key is not valid."),
    "ledger.locked": (
        "账本 {folder} 正被另一个 shopdesk（进程 {pid}）使用。请关闭它后再试。",
        "The ledger {folder} is in use by another shopdesk (process {pid}). Close it and try again.",
    ),
    "ledger.missing": ("找不到账本 {folder}。", "There is no ledger in {folder}."),
    "ledger.readonly": ("账本以只读方式打开，不能写入。", "The ledger was opened read-only."),
    "ledger.write_failed": (
        "无法写入账本 {file}：{reason}。收据未开出。请检查磁盘空间后重试。",
        "Could not write the ledger {file}: {reason}. The receipt was NOT issued. Free disk space and try again.",
    ),
    "ledger.bad_line": (
        "账本 {file} 第 {line} 行已损坏。请运行 shopdesk verify，并从备份恢复。",
        "Ledger {file}, line {line} is damaged. Run shopdesk verify and restore from a backup.",
    ),
    "ledger.bad_tail": (
        "账本 {file} 的结尾已损坏。请运行 shopdesk verify，并从备份恢复。",
        "The end of ledger {file} is damaged. Run shopdesk verify and restore from a backup.",
    ),
    "ledger.torn_tail": (
        "注意：上次断电时最后一条记录未写完（{length} 字节），已移到 {path}；之前的记录均完好。",
        "Note: the last record was cut off by a power loss ({length} bytes); moved to {path}. All earlier records are intact.",
    ),
    "receipt.not_found": ("找不到收据 {number}。", "There is no receipt {number}."),
    "void.reason_missing": ("作废需要填写原因。", "A void needs a reason."),
    "void.reason_too_long": (
        "作废原因最多 {limit} 个字。",
        "The void reason is limited to {limit} characters.",
    ),
    "void.already_void": ("收据 {number} 已经作废。", "Receipt {number} is already void."),
    "void.already_invoiced": (
        "收据 {number} 已开具正式发票 {invoice}，不能作废；请在发票平台红冲。",
        "Receipt {number} already has official invoice {invoice}; it cannot be voided here: issue a red-letter invoice instead.",
    ),
    "list.bad_date": (
        "日期格式应为 YYYY-MM-DD：{value}。",
        "Dates are written YYYY-MM-DD: {value}.",
    ),
    "verify.ok": (
        "账本完好：{records} 条记录，最后序号 {seq}，签名与链条均正确。",
        "Ledger intact: {records} records, last sequence {seq}; chain and signatures verify.",
    ),
    "verify.bad": (
        "账本验证失败：{file} 第 {line} 行（序号 {seq}）：{reason}。从这一条起的记录不可信。",
        "Ledger verification FAILED at {file} line {line} (sequence {seq}): {reason}. Records from here on cannot be trusted.",
    ),
    "verify.reason.bad_json": ("不是有效的 JSON", "not valid JSON"),
    "verify.reason.bad_shape": ("字段缺失或类型错误", "fields missing or of the wrong type"),
    "verify.reason.bad_hash": ("内容被修改（哈希不符）", "content modified (hash mismatch)"),
    "verify.reason.bad_signature": ("签名无效", "signature invalid"),
    "verify.reason.bad_sequence": (
        "序号不连续（记录被删除、插入或调换）",
        "sequence broken (a record deleted, inserted or moved)",
    ),
    "verify.reason.bad_link": ("与上一条记录的链接断开", "link to the previous record broken"),
    "expected_int": ("应为整数", "must be a whole number"),
    "expected_float": ("应为数字", "must be a number"),
    "expected_str": ("应为带引号的文字", "must be quoted text"),
    "expected_bool": ("应为 true 或 false", "must be true or false"),
    "expected_list": ('应为列表，例如 ["王芳"]', 'must be a list such as ["Wang Fang"]'),
    "expected_names": ("应为非空的姓名列表", "must be a non-empty list of names"),
    "not_a_table": ("应为一个 [小节]", "must be a [section]"),
    "empty": ("不能为空", "must not be empty"),
    "terminal_id_shape": (
        "终端号为 1–8 位大写字母或数字，例如 T01",
        "a terminal id is 1–8 capital letters or digits, e.g. T01",
    ),
    "unknown_timezone": ("未知时区，例如 Asia/Shanghai", "unknown time zone; e.g. Asia/Shanghai"),
    "not_positive": ("应大于 0", "must be above 0"),
    "init.name_missing": (
        "请用 --name 填写店名（或用 --demo 创建演示店铺）。",
        "Give the shop's name with --name (or use --demo for the demo shop).",
    ),
    "demo.created": (
        "已在 {folder} 创建演示店铺（预览打印机，无需硬件）。",
        "Created the demo shop in {folder} (preview printer, no hardware needed).",
    ),
    "demo.next": (
        "继续试用：shopdesk --home {folder} sell --item D002x3 --pay cash:10",
        "Try more: shopdesk --home {folder} sell --item D002x3 --pay cash:10",
    ),
    "init.done": (
        "已在 {folder} 创建店铺“{shop}”，终端 {terminal}。",
        "Created shop '{shop}' (terminal {terminal}) in {folder}.",
    ),
    "void.done": ("收据 {number} 已作废。", "Receipt {number} is now void."),
    "sell.change": ("找零 {change}", "Change {change}"),
    "error.unexpected": (
        "意外错误：{error}。详情已记录在 {log}。",
        "Unexpected error: {error}. Details were logged to {log}.",
    ),
    "cart.empty_entry": (
        "请扫描条码，或输入编号、名称或拼音首字母。",
        "Scan a barcode, or type a SKU, a name or pinyin initials.",
    ),
    "cart.price_needs_pin": (
        "改价需要店长授权：先加入商品，再按 F4 改价。",
        "A price change needs a manager: add the item, then press F4 to change its price.",
    ),
    "cart.no_line": ("没有第 {line} 行。", "There is no line {line}."),
    "cart.no_line_selected": (
        "还没有商品行。请先扫描或输入商品。",
        "There are no lines yet. Scan or type an item first.",
    ),
    "pay.zero_payment": (
        "付款金额必须大于零；已付清则按 F10 开具收据。",
        "A payment must be more than zero; if the sale is paid, press F10 to issue.",
    ),
    "history.one_word": (
        "请只输入一个搜索词（可另加日期和金额），例如：00042 2026-11-28 12.50。",
        "Search for one word (plus a date and an amount if you like), e.g. 00042 2026-11-28 12.50.",
    ),
    "theme.syntax": (
        "主题文件 {file} 格式错误：{reason}。已跳过该主题。",
        "Theme file {file} is not valid TOML: {reason}. The theme was skipped.",
    ),
    "theme.bad_field": (
        "主题文件 {file} 的 {field} 无效：{value}。颜色请写成 #RRGGBB。已跳过该主题。",
        "Theme file {file}: {field} is not valid: {value}. Write colours as #RRGGBB. The theme was skipped.",
    ),
    "pin.mismatch": (
        "两次输入的 PIN 不一致，未作更改。",
        "The two PINs differ; nothing was changed.",
    ),
    "pin.bad_shape": ("PIN 须为 4–12 位数字。", "A PIN is 4 to 12 digits."),
}


def system_language() -> str:
    """``zh`` when the system locale is Chinese, else ``en``."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    try:
        code = locale.getlocale()[0] or ""
    except ValueError:
        code = ""
    return "zh" if code.lower().startswith("zh") else "en"


def _reason_text(reason: str, detail: dict, lang: str) -> str:
    """A nested ``reason`` (e.g. why a profile field is invalid) in words too."""
    if reason.startswith("one_of:"):
        options = reason.removeprefix("one_of:").replace("|", ", ")
        return ("应为以下之一：" if lang == "zh" else "must be one of: ") + options
    if reason in MESSAGES:
        return message(reason, lang, **detail)
    return reason


def message(code: str, lang: str = "zh", **data: Any) -> str:
    """The sentence for ``code``; an unknown code still says something useful."""
    pair = MESSAGES.get(code)
    if pair is None:
        return f"{code} {data}" if data else code
    template = pair[0] if lang == "zh" else pair[1]
    if isinstance(data.get("reason"), str):
        data = {**data, "reason": _reason_text(data["reason"], data.get("detail") or {}, lang)}
    try:
        return template.format(**data)
    except (KeyError, IndexError):
        return f"{template} {data}"
