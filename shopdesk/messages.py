"""Words for every error code and CLI message, in Chinese and English.

Services raise codes with data (see :mod:`shopdesk.errors`); this table is the
one place they become sentences. Each message says what is wrong and what to do.
"""

from __future__ import annotations

import locale
import os
from collections.abc import Callable
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
    "sale.whole_quantity": (
        "「{item}」按{unit}卖，数量须为整数（输入了 {value}）。只有称重商品（kg、千克、斤、克）可带小数：请输入整数数量。",
        "{item} is sold by the {unit}: the quantity must be a whole number, not {value}. "
        "Only items sold by weight (kg, 千克, 斤, g) take decimals: type a whole quantity.",
    ),
    "sale.quantity_too_large": ("数量过大：{value}。", "Quantity {value} is too large."),
    "sale.bad_line_discount": (
        "第 {line} 行折扣 {value} 无效：不能为负，也不能超过该行金额。",
        "Line {line}: discount {value} is negative or larger than the line.",
    ),
    "sale.bad_percent": (
        "折扣百分比 {value} 无效：须大于 0%、不超过 100%，最多两位小数（如 10% 即九折）。",
        "Bad discount percent {value}: it must be above 0% and at most 100%, "
        "with at most two decimals (e.g. 10%).",
    ),
    "sale.discount_twice": (
        "整单只能有一个百分比折扣，且不能再加其他整单折扣（{value}）：请只给一个整单折扣。",
        "The sale takes one percent discount and no other sale discount besides it "
        "({value}): give a single sale discount.",
    ),
    "park.empty": (
        "没有可挂起的销售：请先添加商品。",
        "There is no sale to park: add items first.",
    ),
    "park.full": (
        "已有 {limit} 笔挂单，不能再挂：请先取回（F1）并结账或取消一笔。",
        "{limit} sales are parked already: resume one (F1) and finish or cancel it first.",
    ),
    "park.not_found": (
        "没有编号为 {number} 的挂单（可能已被取回）。请从挂单列表中选择。",
        "There is no parked sale {number} (it may have been resumed): pick one from the list.",
    ),
    "park.cart_not_empty": (
        "当前有未完成的销售：请先结账、取消或挂起它，再取回挂单。",
        "A sale is in progress: pay, cancel or park it before resuming a parked one.",
    ),
    "park.repriced": (
        "取回的挂单已按当前价格重新计价：{items}。",
        "The resumed sale was re-priced at today's catalog prices: {items}.",
    ),
    "park.dropped": (
        "以下商品已不在商品目录中，已从取回的挂单中去掉：{items}。",
        "These items are no longer in the catalog and were left out of the resumed sale: {items}.",
    ),
    "park.discount_removed": (
        "原来的折扣金额已超过重新计价后的金额，已去掉：如需折扣请重新输入（F5）。",
        "The discount no longer fitted the re-priced sale and was removed: enter it again (F5) if needed.",
    ),
    "sale.bad_round_off": (
        "抹零方式 {value} 无效：只能抹到角（jiao）或抹到元（yuan）。",
        "Unknown round-off {value}: use jiao (drop the fen) or yuan (drop jiao and fen).",
    ),
    "sale.rounding_too_large": (
        "抹零 {rounding} 超过本店上限 {limit}（profile.toml [sale] max_rounding）：请抹到角，或由店长给折扣（需店长密码）。",
        "Rounding off {rounding} is above the shop's limit of {limit} (profile.toml [sale] "
        "max_rounding): round to the jiao instead, or give a discount with the manager PIN.",
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
    "catalog.not_text": (
        "商品目录 {file} 不是文本表格（UTF-8、GBK/GB18030 或 UTF-16 都无法读取）。请在 Excel 中另存为“CSV UTF-8”。",
        'The catalog {file} is not a text table (neither UTF-8, GBK/GB18030 nor UTF-16): save it from Excel as "CSV UTF-8".',
    ),
    "catalog.item_broken": (
        "商品 {item} 暂不能销售：商品目录 {file} 第 {line} 行有误（{field}：{reason}）。请改正该行后再试；其他商品照常销售。",
        "Item {item} cannot be sold yet: catalog {file}, line {line} is wrong ({field}: {reason}). Fix that row and try again; other items sell as usual.",
    ),
    "catalog.problems": (
        "注意：商品目录 {file} 有 {count} 处错误，相关商品暂不能销售，其余照常。运行 shopdesk catalog check {file} 查看全部。",
        "Note: the catalog {file} has {count} problem(s); those items cannot be sold, the rest sell as usual. Run shopdesk catalog check {file} to see them all.",
    ),
    "catalog.check_ok": (
        "{file}：{count} 个商品，没有错误。",
        "{file}: {count} items, no problems.",
    ),
    "catalog.check_bad": (
        "{file}：{count} 个商品可以销售；{bad} 处错误（改正后相关商品才能销售）：",
        "{file}: {count} items can be sold; {bad} problem(s) (those items sell once fixed):",
    ),
    "catalog.bad_map": (
        "--map {value} 无效：应写成 表格列名=字段，字段为 {fields} 之一。",
        "--map {value} is not valid: write SHEET_COLUMN=FIELD, with FIELD one of {fields}.",
    ),
    "catalog.import_refused": (
        "未导入：{file} 有 {bad} 处错误（见上）。请在表格中改正或用 --map 指定列后再试；现有商品目录未改动。",
        "Not imported: {file} has {bad} problem(s) (above). Fix them in the sheet, or name the columns with --map, and try again; the current catalog is unchanged.",
    ),
    "catalog.import_done": (
        "已导入 {count} 个商品到 {file}。",
        "Imported {count} items into {file}.",
    ),
    "catalog.unreadable": (
        "无法读取表格 {file}：{reason}。请确认它是 .xlsx 或 .csv 文件。",
        "Cannot read the spreadsheet {file}: {reason}. Check it is an .xlsx or .csv file.",
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
    "profile.lost": (
        "店铺资料 {file} 不见了，但账本还在。读取账本（verify、list、show）照常；要继续销售，请运行 shopdesk --home {folder} profile rebuild，从账本重建资料（需设置新的店长 PIN）。",
        "The shop profile {file} is missing but the ledger is there. Reading the ledger (verify, list, show) works; to sell again run shopdesk --home {folder} profile rebuild, which rebuilds it from the ledger (with a new manager PIN).",
    ),
    "profile.exists": (
        "店铺资料 {file} 已存在；重建只用于资料丢失的情况，不会覆盖。",
        "The shop profile {file} already exists; rebuild only replaces a lost one and never overwrites.",
    ),
    "profile.ledger_unverified": (
        "{folder} 的账本未通过校验，不能据此重建店铺资料。请先运行 shopdesk --home {folder} verify 查明原因。",
        "The ledger in {folder} does not verify, so the profile is not rebuilt from it. Run shopdesk --home {folder} verify to see why.",
    ),
    "profile.base_unreadable": (
        "无法读取 {file}。请给出备份中的 profile.toml（UTF-8 文本）。",
        "Cannot read {file}: give the profile.toml from a backup (UTF-8 text).",
    ),
    "profile.other_terminal": (
        "该资料属于终端 {terminal}，而账本属于终端 {ledger}：请使用本终端的备份。",
        "That profile is for terminal {terminal} but this ledger is terminal {ledger}: use this terminal's backup.",
    ),
    "profile.rebuilt": (
        "已从账本重建 {file}：{shop}（{uscc}），终端 {terminal}，并设置了新的店长 PIN。",
        "Rebuilt {file} from the ledger: {shop} ({uscc}), terminal {terminal}, with a new manager PIN.",
    ),
    "profile.recovered": ("从账本恢复：{fields}", "Recovered from the ledger: {fields}"),
    "profile.not_recovered": (
        "账本中没有、已设为默认值，请检查：{fields}",
        "Not in the ledger, set to defaults — please check: {fields}",
    ),
    "profile.read_from_ledger": (
        "注意：店铺资料 {file} 不见了；本次按账本记录读取。运行 shopdesk --home {folder} profile rebuild 重建。",
        "Note: the shop profile {file} is missing; read from the ledger's records this time. Run shopdesk --home {folder} profile rebuild to rebuild it.",
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
    "home.not_a_folder": (
        "{file} 是一个文件，不是文件夹，不能作为店铺目录 {folder}。请用 --home 指定一个文件夹（新建的或已有店铺的）。",
        "{file} is a file, not a folder, so {folder} cannot be the shop home. "
        "Name a folder with --home (a new one, or one that holds a shop).",
    ),
    "home.not_writable": (
        "无法在 {folder} 中写入：{reason}。未建立店铺。请选择可写的文件夹（不是只读 U 盘或受保护的目录），"
        "或检查磁盘空间后重试。",
        "Cannot write in {folder}: {reason}. No shop was created. Choose a folder you can write "
        "to (not a read-only stick or a protected folder), or free disk space, and try again.",
    ),
    "pin.not_given": (
        "没有输入 PIN：hash-pin 在终端里请你输入两次 PIN（也可从输入读取两行）。请在终端窗口中运行它。",
        "No PIN was given: hash-pin asks for the PIN twice at a terminal (or reads two lines "
        "from its input). Run it in a terminal window.",
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
        "无法写入账本 {file}：{reason}。本次操作没有记入账本（没有开出新收据）。请检查磁盘空间，并确认店铺文件夹可写"
        "（不是只读 U 盘或受保护的目录）后重试。",
        "Could not write the ledger {file}: {reason}. Nothing was recorded (no new receipt "
        "was issued). Free disk "
        "space and check that the shop folder can be written (not a read-only stick or a "
        "protected folder), then try again.",
    ),
    "ledger.bad_line": (
        "账本 {file} 第 {line} 行已损坏。请运行 shopdesk verify，并从备份恢复。",
        "Ledger {file}, line {line} is damaged. Run shopdesk verify and restore from a backup.",
    ),
    "ledger.bad_tail": (
        "账本 {file} 的结尾已损坏。请运行 shopdesk verify，并从备份恢复。",
        "The end of ledger {file} is damaged. Run shopdesk verify and restore from a backup.",
    ),
    "ledger.damaged_record": (
        "账本 {file} 第 {line} 行（序号 {seq}）是一条完整的记录，但内容与其哈希或签名不符：这是损坏或改动，不是断电。为保全证据，不再写入，也不能开收据。请勿修改或删除账本文件；运行 shopdesk verify 查看详情，然后从备份恢复或联系技术支持。",
        "Ledger {file}, line {line} (sequence {seq}) is a complete record that does not match its hash or signature: this is damage or an edit, not a power cut. To keep the evidence, nothing more is written and no receipt can be issued. Do not edit or delete the ledger files; run shopdesk verify for details, then restore from a backup or call support.",
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
    "void.has_returns": (
        "收据 {number} 已有退货 {refunds}，不能再作废；请对剩余商品办理退货。",
        "Receipt {number} already has returns ({refunds}); it cannot be voided: return the remaining lines instead.",
    ),
    "return.nothing": (
        "退货至少要选一行商品和数量。",
        "A return needs at least one line and quantity: pick what comes back.",
    ),
    "return.unknown_line": (
        "原收据没有第 {line} 行（共 {lines} 行）；请按 show 显示的行号选择。",
        "The receipt has no line {line} (it has {lines}); use the line numbers `show` prints.",
    ),
    "return.line_twice": (
        "第 {line} 行选了两次；每行只写一次，数量合在一起。",
        "Line {line} is named twice: name each line once with the whole quantity.",
    ),
    "return.too_much": (
        "第 {line} 行（{name}）最多还能退 {left}，不能退 {qty}。",
        "Line {line} ({name}): at most {left} can still come back, not {qty}.",
    ),
    "return.pay_back_too_much": (
        "退款方式 {method} 最多可退 {room}（原收据按此方式收款减去已退），不能退 {amount}；请换成原收款方式。",
        "At most {room} can be paid back by {method} (what the receipt took by it, less earlier refunds), not {amount}: pay back the way the customer paid.",
    ),
    "return.pay_back_mismatch": (
        "退款合计 {paid} 与应退金额 {total} 不符；请调整各退款方式的金额。",
        "The refund payments add up to {paid} but {total} is due back: adjust the amounts.",
    ),
    "return.voided": (
        "收据 {number} 已作废，不能退货。",
        "Receipt {number} is void: there is nothing to return.",
    ),
    "return.training": (
        "收据 {number} 是培训收据，不能退货。",
        "Receipt {number} is a training receipt: it cannot be returned.",
    ),
    "return.reason_missing": ("退货需要填写原因。", "A return needs a reason."),
    "return.reason_too_long": (
        "退货原因最多 {limit} 个字。",
        "The return reason is limited to {limit} characters.",
    ),
    "return.bad_line_spec": (
        "退货行写法应为 行号 或 行号x数量（如 2x1）：{value}。",
        "Write a returned line as LINE or LINExQTY (e.g. 2x1): {value}.",
    ),
    "return.done": (
        "退货单 {number}（原收据 {original}）已开具，退款 {total}：{payments}。",
        "Refund {number} (for receipt {original}) issued: {total} paid back by {payments}.",
    ),
    "list.bad_date": (
        "日期格式应为 YYYY-MM-DD：{value}。",
        "Dates are written YYYY-MM-DD: {value}.",
    ),
    "verify.ok": (
        "账本完好：{records} 条记录，最后序号 {seq}；每条记录的哈希、链条和收据编号均正确，"
        "最新记录、作废和带税号收据的签名及随机抽查的签名均正确"
        "（检查全部签名：verify --all-signatures）。",
        "Ledger intact: {records} records, last sequence {seq}; every hash, link and receipt "
        "number checks, and so do the signatures of the newest record, every void, every "
        "buyer tax id and a random sample (all signatures: verify --all-signatures).",
    ),
    "verify.ok_all": (
        "账本完好：{records} 条记录，最后序号 {seq}；每条记录的哈希、链条、收据编号和签名均正确。",
        "Ledger intact: {records} records, last sequence {seq}; every hash, link, receipt "
        "number and signature checks.",
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
    "verify.reason.non_canonical": (
        "字节不是签名时的标准格式（例如多了空格）",
        "the bytes are not the canonical form that was hashed (e.g. an added space)",
    ),
    "verify.reason.bad_receipt_number": (
        "收据号重复或不连续",
        "receipt number repeated or out of sequence",
    ),
    "verify.reason.refund_arithmetic": (
        "退货单金额与其原收据行的数量、金额不一致，或退款合计不符",
        "a refund's figures do not follow from the sold lines it names, or its payments do not add up",
    ),
    "verify.reason.receipt_arithmetic": (
        "收据金额重新计价不一致（数量 × 单价、折扣、税额拆分、合计或付款）；用 verify-batch 可看到具体字段",
        "its figures do not re-price (quantity × price, discounts, tax split, totals or payments); "
        "verify-batch of its batch names the field",
    ),
    "verify.reason.shift_range": (
        "Z 报表记录的范围与账本不符：班次应从上一张 Z 之后开始、到这张 Z 之前结束，收据张数应等于其中的收据",
        "a Z report's range does not match the ledger: a shift starts right after the previous Z, "
        "ends right before this one, and its receipt count is the receipts in between",
    ),
    "verify.reason.time_backwards": (
        "记录时间早于上一条记录，且没有时钟更正记录",
        "its time is earlier than the record before it, with no clock correction",
    ),
    "verify.reason.trailing_junk": (
        "已结束月份的文件末尾有不完整的数据",
        "incomplete bytes at the end of a finished month's file",
    ),
    "verify.torn_tail": (
        "注意：{file} 末尾有 {length} 字节不完整的记录（第 {line} 行，断电时未写完或正在写入）。下次开单时会把它移到 quarantine/ 并记入账本。",
        "Note: {file} ends in {length} bytes of an incomplete record (line {line}: cut off by a power loss, or being written now). The next sale moves them to quarantine/ and records that in the ledger.",
    ),
    "verify.unrecorded_quarantine": (
        "注意：{file}（{length} 字节）是从账本截下的数据，但账本中没有对应的修复记录（可能是截断后立即断电，或是旧版本留下的）。请保留该文件。",
        "Note: {file} ({length} bytes) holds bytes cut from the ledger, but no repair record names it (a crash right after the cut, or an older version). Keep the file.",
    ),
    "verify.repaired": (
        "账本记录的修复（序号 {seq}，{time}）：从 {partition} 偏移 {offset} 处截去 {length} 字节（SHA-256 {sha256}），原样保存在 {quarantined_to}。",
        "Repair on record (sequence {seq}, {time}): {length} bytes cut from {partition} at offset {offset} (SHA-256 {sha256}), kept in {quarantined_to}.",
    ),
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
    "init.bad_terminal": (
        "终端号 {value} 无效：须为 1–8 位大写字母或数字，例如 T01。",
        "Terminal id {value} is not valid: 1–8 capital letters or digits, e.g. T01.",
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
    # ----- export, verify-batch, reconcile (shopdesk.export, services.export/reconcile)
    "export.write_failed": (
        "无法写入批次文件 {file}：{reason}。没有留下不完整的文件，账本中也没有导出记录；请检查 U 盘或磁盘空间后重试。",
        "Could not write the batch {file}: {reason}. No partial file was left and nothing was recorded; check the USB stick or free space and try again.",
    ),
    "export.too_large": (
        "批次 {file} 超过 2 GB，无法写入。请用 --until 分成几批导出。",
        "The batch {file} would exceed 2 GB. Split it into several batches with --until.",
    ),
    "export.ledger_broken": (
        "账本在序号 {seq} 处不连续，不能导出。请先运行 shopdesk verify。",
        "The ledger is broken at sequence {seq}; nothing was exported. Run shopdesk verify first.",
    ),
    "export.ledger_damaged": (
        "账本验证失败：{file} 第 {line} 行（序号 {seq}）：{reason}。没有导出任何内容，也没有收据被标记为已导出。"
        "请运行 shopdesk verify，并从备份恢复或联系技术支持。",
        "The ledger fails verification at {file} line {line} (sequence {seq}): {reason}. Nothing "
        "was exported and no receipt was marked exported. Run shopdesk verify, then restore "
        "from a backup or ask for support.",
    ),
    "export.resumed": (
        "上次导出的批次 {batch} 被中断，现已按原内容补完（与可能已存在的文件完全相同）。"
        "之后的收据请再导出一次。",
        "The batch {batch} of an interrupted export was finished with its original content "
        "(identical to any copy already written). Export again for the receipts after it.",
    ),
    "export.bad_range": (
        "开始日期 {since} 晚于结束日期 {until}。",
        "The start date {since} is after the end date {until}.",
    ),
    "export.since_gap": (
        "{day} 的收据 {number} 等尚未导出；批次必须连续，不能跳过。请去掉 --since，或用 --until 分批导出。",
        "Receipt {number} of {day} and later ones are not exported yet; batches are contiguous and cannot skip them. Leave out --since, or split with --until.",
    ),
    "export.nothing": (
        "没有需要导出的新收据或作废记录。",
        "Nothing to export: no new receipts or voids since the last batch.",
    ),
    "export.unknown_batch": (
        "没有批次 {batch}。批次号见 shopdesk list 的“已导出”一栏或导出时的输出。",
        "There is no batch {batch}. Batch ids are shown by the export and in shopdesk list.",
    ),
    "export.again_with_dates": (
        "--again 重新生成已记录的批次，其范围固定，不能与 --since/--until 同用。",
        "--again rewrites a recorded batch with its own range: it cannot be combined with --since/--until.",
    ),
    "export.folder_empty": (
        "请输入要写入批次的文件夹。",
        "Type the folder to write the batch to.",
    ),
    "export.folder_relative": (
        "请输入文件夹的完整路径，以 / 开头（~ 表示您的主文件夹）：{folder}",
        "Type the whole path of the folder, starting with / (or ~ for your home folder): {folder}",
    ),
    "export.folder_unreadable": (
        "无法打开 {folder}：{reason}。",
        "Cannot open {folder}: {reason}.",
    ),
    "export.folder_missing": (
        "没有文件夹 {folder}。U 盘插好了吗？请检查路径。",
        "There is no folder {folder}. Is the USB stick plugged in? Check the path.",
    ),
    "export.folder_is_file": (
        "{folder} 是文件，不是文件夹。请输入存放批次的文件夹。",
        "{folder} is a file, not a folder. Type the folder to put the batch in.",
    ),
    "export.progress": ("正在导出", "Exporting"),
    "export.done": (
        "已导出批次 {batch}：收据 {issued} 张（作废 {voided}，培训 {training} 张未导出），合计 {total}。SHA-256 {sha256}",
        "Exported batch {batch}: {issued} receipts ({voided} void, {training} training left out), total {total}. SHA-256 {sha256}",
    ),
    "export.refunds": (
        "退货 {count} 张（{numbers}），退款合计 {total}；扣除退货后本批次净额 {net}。"
        "会计请按各退货行的原收据号和原发票号码开具红字发票。",
        "Returns: {count} ({numbers}), refunded {total}; the batch net of returns is {net}. "
        "The accountant issues a red-letter invoice for each, against the original receipt "
        "and invoice numbers on its rows.",
    ),
    "export.late_voids": (
        "注意：以下收据在之前的批次中已导出，之后被作废；若已开具发票，请红冲：{numbers}",
        "Note: these receipts were exported in an earlier batch and voided since; if invoiced, issue red-letter invoices: {numbers}",
    ),
    "export.again_same": (
        "重新生成的文件与首次导出完全一致。",
        "The rewritten file is byte-identical to the first export.",
    ),
    "export.again_differs": (
        "注意：重新生成的文件与首次导出不同（店铺资料或导出列设置已更改？）。内容仍经过签名，可以验证。",
        "Note: the rewritten file differs from the first export (shop profile or export columns changed?). It is still signed and verifies.",
    ),
    "batch.missing_file": ("找不到批次文件 {file}。", "The batch file {file} does not exist."),
    "batch.unreadable": ("无法读取 {file}：{reason}。", "Cannot read {file}: {reason}."),
    "batch.not_a_zip": (
        "{file} 不是有效的批次（不是 zip 文件或已损坏）。",
        "{file} is not a batch: not a zip file, or damaged.",
    ),
    "batch.too_large": (
        "批次文件 {file} 过大（上限 {limit} 字节），拒绝读取。",
        "The batch {file} is too large (limit {limit} bytes); refused.",
    ),
    "batch.too_many_members": (
        "批次 {file} 含有 {count} 个文件（最多 {limit} 个），拒绝读取。",
        "The batch {file} holds {count} entries (at most {limit}); refused.",
    ),
    "batch.unsafe_name": (
        "批次中有不安全的文件名“{name}”（绝对路径或 ..），拒绝读取。",
        "The batch contains an unsafe name '{name}' (absolute path or ..); refused.",
    ),
    "batch.symlink": (
        "批次中的“{name}”是符号链接，拒绝读取。",
        "'{name}' in the batch is a symbolic link; refused.",
    ),
    "batch.unexpected_member": (
        "批次中有不应存在的文件“{name}”。批次只含 manifest.json、receipts.jsonl、receipts.csv、invoice-import.xlsx。",
        "The batch contains an unexpected entry '{name}'. A batch holds only manifest.json, receipts.jsonl, receipts.csv and invoice-import.xlsx.",
    ),
    "batch.missing_member": ("批次缺少文件 {name}。", "The batch is missing {name}."),
    "batch.duplicate_member": ("批次中 {name} 出现了两次。", "{name} appears twice in the batch."),
    "batch.encrypted": ("批次中的 {name} 被加密，无法验证。", "{name} in the batch is encrypted."),
    "batch.bad_compression": (
        "批次中的 {name} 使用了不支持的压缩方式。",
        "{name} in the batch uses an unsupported compression method.",
    ),
    "batch.member_too_large": (
        "批次中的 {name} 声明大小 {size} 字节，超过上限 {limit}，拒绝读取。",
        "{name} in the batch declares {size} bytes, above the limit of {limit}; refused.",
    ),
    "batch.zip_bomb": (
        "批次中的 {name} 压缩比异常（{packed} 字节解压为 {size} 字节），疑似压缩炸弹，拒绝读取。",
        "{name} in the batch expands abnormally ({packed} bytes to {size}): a zip bomb; refused.",
    ),
    "batch.corrupt_member": (
        "批次中的 {name} 已损坏，无法解压。",
        "{name} in the batch is damaged and cannot be read.",
    ),
    "batch.line_too_long": (
        "批次中的 {name} 第 {line} 行过长，拒绝读取。",
        "{name} in the batch: line {line} is too long; refused.",
    ),
    "batch.nested_archive": (
        "批次中的 {name} 是一个压缩包而不是文本，拒绝读取。",
        "{name} in the batch is an archive, not text; refused.",
    ),
    "batch.bad_manifest_json": (
        "manifest.json 不是有效的 JSON：{reason}",
        "manifest.json is not valid JSON: {reason}",
    ),
    "batch.bad_manifest_field": (
        "manifest.json 的字段 {field} 无效：应为 {expected}。",
        "manifest.json field {field} is invalid: expected {expected}.",
    ),
    "batch.bad_format": (
        "这不是 shopdesk 批次（format = {value}）。",
        "This is not a shopdesk batch (format = {value}).",
    ),
    "batch.bad_version": (
        "批次格式版本 {value} 不受支持（本程序支持 {known}）。请更新 shopdesk。",
        "Batch format version {value} is not supported (this program reads {known}). Update shopdesk.",
    ),
    "batch.key_mismatch": (
        "批次的签名公钥（指纹 {fingerprint}）不是您指定的店铺公钥。此批次不是该店铺开具的。",
        "The batch is signed by another key (fingerprint {fingerprint}), not the shop key you gave. It was not issued by that shop.",
    ),
    "batch.bad_signature": (
        "manifest.json 的签名无效：清单被修改过。此批次不可信。",
        "The manifest signature is invalid: the manifest was modified. Do not trust this batch.",
    ),
    "batch.file_hash": (
        "{name} 与清单中的 SHA-256 不符：文件被修改或不完整。此批次不可信。",
        "{name} does not match the SHA-256 in the manifest: modified or incomplete. Do not trust this batch.",
    ),
    "batch.bad_record": (
        "receipts.jsonl 第 {line} 行（序号 {seq}）：{reason}。此批次不可信。",
        "receipts.jsonl line {line} (sequence {seq}): {reason}. Do not trust this batch.",
    ),
    "batch.record_count": (
        "receipts.jsonl 含 {found} 条记录，清单写明 {expected} 条：有记录缺失或多出。",
        "receipts.jsonl holds {found} records, the manifest says {expected}: records are missing or added.",
    ),
    "batch.head_mismatch": (
        "最后一条记录的哈希与清单中的链头不符。",
        "The last record's hash is not the chain head stated in the manifest.",
    ),
    "batch.wrong_terminal": (
        "序号 {seq} 的记录来自另一个终端。",
        "The record with sequence {seq} comes from another terminal.",
    ),
    "batch.receipt_arithmetic": (
        "收据 {number} 的金额不能相加一致（{reason}）。",
        "Receipt {number}: its figures do not add up ({reason}).",
    ),
    "batch.receipt_gap": (
        "收据编号不连续：在 {number} 处应为序号 {expected}。",
        "Receipt numbers have a gap: at {number}, sequence {expected} was expected.",
    ),
    "batch.refund_arithmetic": (
        "退货单 {number} 的金额与其各行不一致（{reason}）：此批次不可信，请勿据此开具红字发票，请向店铺索取重新导出的批次。",
        "Refund {number}: its figures do not follow from its lines ({reason}). Do not issue "
        "red-letter invoices from this batch; ask the shop to export it again.",
    ),
    "batch.refund_gap": (
        "退货单编号不连续：在 {number} 处应为序号 {expected}。此批次不完整，请向店铺索取重新导出的批次。",
        "Refund numbers have a gap: at {number}, sequence {expected} was expected. The batch "
        "is incomplete; ask the shop to export it again.",
    ),
    "batch.count_mismatch": (
        "清单中的 {field} 为 {stated}，记录中实际为 {found}。",
        "The manifest says {field} = {stated}; the records give {found}.",
    ),
    "batch.range_mismatch": (
        "清单中的收据范围与记录不符。",
        "The receipt range in the manifest does not match the records.",
    ),
    "batch.totals_mismatch": (
        "清单中的合计 {field} 为 {stated}，按记录计算为 {found}。",
        "The manifest total {field} is {stated}; the records add up to {found}.",
    ),
    "batch.receipt_repriced": (
        "收据 {number} 的 {field} 应为 {expected}，记录中却是 {found}：重新计价（数量 × 单价、"
        "折扣、税额拆分、合计、付款）不一致。这不是本店软件算出的收据，请勿据此开票，并联系店家。",
        "Receipt {number}: {field} should be {expected} but the record says {found} (re-pricing "
        "quantity × price, discounts, tax split, totals and payments disagrees). The shop's "
        "software did not compute this receipt: do not invoice from it; contact the shop.",
    ),
    "batch.derived_mismatch": (
        "{file} 与已验证的记录不一致：第 {row} 行 {column} 应为 {expected}，实为 {found}"
        "（共 {count} 处不同）。请勿导入此文件；请店家重新导出（shopdesk export --again {batch}）。\n"
        "{details}",
        "{file} does not match the verified records: row {row}, {column} should be {expected} "
        "but is {found} ({count} differences in all). Do not import this file; ask the shop "
        "to export it again (shopdesk export --again {batch}).\n{details}",
    ),
    "batch.csv_mismatch": (
        "receipts.csv 与记录不一致（{reason}）。",
        "receipts.csv does not match the records ({reason}).",
    ),
    "batch.not_previous": (
        "{previous} 不是 {batch} 的上一个批次（{field} 不衔接）。",
        "{previous} is not the batch before {batch} ({field} does not follow on).",
    ),
    "verify_batch.ok": (
        "批次 {batch} 验证通过：签名、文件哈希、每条记录、链条与合计均正确。（{file}）",
        "Batch {batch} verifies: signature, file hashes, every record, the chain and the totals. ({file})",
    ),
    "verify_batch.counts": (
        "开具 {issued}，作废 {voided}，有效 {valid}（培训 {training} 张不计）",
        "issued {issued}, void {voided}, valid {valid} ({training} training left out)",
    ),
    "verify_batch.links": (
        "  与上一批次 {previous} 首尾相接。",
        "  Follows on from the previous batch {previous}.",
    ),
    "verify_batch.key": (
        "  签名公钥指纹 {fingerprint}：请与店铺提供的指纹（shopdesk pubkey）核对。",
        "  Signing key fingerprint {fingerprint}: compare it with the one the shop gave you.",
    ),
    "qr_batch.valid": (
        "收据 {number} 在批次 {batch} 中，内容一致，有效：可开具发票。",
        "Receipt {number} is in batch {batch}, matches it and is valid: it can be invoiced.",
    ),
    "qr_batch.void": (
        "收据 {number} 在批次 {batch} 中，但已作废：不应开具发票。",
        "Receipt {number} is in batch {batch} but was voided: it must not be invoiced.",
    ),
    "qr_batch.late_void": (
        "收据 {number} 属于更早的批次，本批次 {batch} 记录了它的作废：若已开票请红冲。",
        "Receipt {number} belongs to an earlier batch; this batch {batch} records its void: if invoiced, issue a red-letter invoice.",
    ),
    "qr_batch.training": (
        "收据 {number} 是培训收据（批次 {batch}），不是销售。",
        "Receipt {number} is a training receipt (batch {batch}), not a sale.",
    ),
    "qr_batch.missing": (
        "批次 {batch} 中没有收据 {number}：请查找其他批次。",
        "Batch {batch} does not hold receipt {number}: look in another batch.",
    ),
    "reconcile.missing_file": ("找不到文件 {file}。", "The file {file} does not exist."),
    "reconcile.file_too_large": (
        "{file} 过大（上限 {limit} MB），不是对照表。",
        "{file} is too large (limit {limit} MB) for a mapping.",
    ),
    "reconcile.bad_type": (
        "{file}：只接受 .csv 或 .xlsx 文件。",
        "{file}: only .csv and .xlsx files are accepted.",
    ),
    "reconcile.bad_file": (
        "无法读取 {file}：文件已损坏。",
        "Cannot read {file}: the file is damaged.",
    ),
    "reconcile.no_header": (
        "{file} 中找不到表头：需要收据号一列（{number}）和发票号码一列（{invoice}）。",
        "{file} has no header row: it needs a receipt number column ({number}) and an invoice number column ({invoice}).",
    ),
    "reconcile.too_many_rows": (
        "{file} 超过 {limit} 行，不是对照表。",
        "{file} has more than {limit} rows; that is not a mapping.",
    ),
    "reconcile.empty": ("{file} 中没有数据行。", "{file} has no rows."),
    "reconcile.rejected": (
        "{file} 有 {count} 行存在问题，全部未登记。请改正后重新导入。",
        "{file} has {count} bad rows; nothing was recorded. Fix them and run it again.",
    ),
    "reconcile.problem": ("第 {line} 行（{number}）：", "Line {line} ({number}): "),
    "reconcile.problem.missing_number": ("缺少收据号。", "no receipt number."),
    "reconcile.problem.invoice_as_number": (
        "发票号码被 Excel 存成了数字，已丢失位数。请把该列设为文本后重新填写。",
        "Excel stored the invoice number as a number and lost digits. Format the column as text and type it again.",
    ),
    "reconcile.problem.bad_invoice_no": (
        "发票号码“{value}”无效（应为 8–20 位数字）。",
        "invoice number '{value}' is invalid (8 to 20 digits).",
    ),
    "reconcile.problem.bad_date": (
        "开票日期“{value}”无效（应为 YYYY-MM-DD）。",
        "invoice date '{value}' is invalid (YYYY-MM-DD).",
    ),
    "reconcile.problem.duplicate": (
        "与第 {first} 行重复。",
        "duplicate of line {first}.",
    ),
    "reconcile.problem.unknown": ("本终端没有这张收据。", "no such receipt on this terminal."),
    "reconcile.problem.training": (
        "这是培训收据，不开发票。",
        "a training receipt: never invoiced.",
    ),
    "reconcile.problem.void": (
        "收据已作废，不应开具发票。",
        "the receipt is void and must not be invoiced.",
    ),
    "reconcile.problem.not_exported": (
        "这张收据还没有导出，不能登记发票：下一批次的 invoice-import.xlsx 仍会列出它，"
        "导致重复开票。请先导出批次再登记；若已为它手工开票，请在导入前从该表中删除这一行。",
        "this receipt is not in an exported batch yet, so its invoice cannot be recorded: "
        "the next batch's invoice-import.xlsx would still list it and it would be invoiced twice. "
        "Export first, then record the number; if an invoice was already issued for it by hand, "
        "delete its row from that sheet before importing.",
    ),
    "reconcile.problem.already": (
        "已登记为发票 {invoice}，与本行不同。",
        "already recorded with invoice {invoice}, which differs.",
    ),
    "reconcile.done": (
        "已登记 {applied} 张发票（{skipped} 行此前已登记，跳过）。",
        "Recorded {applied} invoices ({skipped} rows were already recorded and skipped).",
    ),
    # --- outage, offline limits (issue 4) ---
    "outage.already_open": (
        "已有一次停机记录（自 {since} 起）尚未结束。系统恢复后请运行 shopdesk outage end。",
        "An outage is already open (since {since}). When the system is back, run shopdesk outage end.",
    ),
    "outage.not_open": (
        "当前没有未结束的停机记录，无需结束。",
        "No outage is open, so there is nothing to end.",
    ),
    "outage.note_too_long": (
        "备注最多 {limit} 个字。",
        "The note is limited to {limit} characters.",
    ),
    "outage.auto_started": (
        "已自动记录发票系统停机（自 {time} 起）。系统恢复后请运行 shopdesk outage end。",
        "Recorded an e-invoice outage starting now ({time}). When the system is back, run shopdesk outage end.",
    ),
    "outage.started": (
        "已记录发票系统停机，开始于 {time}。",
        "Outage recorded, starting {time}.",
    ),
    "outage.ended": (
        "已记录发票系统恢复（{time}），停机 {duration}。请尽快导出批次：shopdesk export。",
        "Outage ended at {time} after {duration}. Export the waiting receipts soon: shopdesk export.",
    ),
    "limits.hours_warn": (
        "注意：最早一张未导出的收据已开出 {hours} 小时，达到离线时限 {max_hours} 小时的 {percent}%。请尽快导出批次。",
        "Warning: the oldest receipt not yet exported is {hours} h old, {percent}% of the {max_hours} h offline limit. Export a batch soon.",
    ),
    "limits.hours_exceeded": (
        "警告：未导出收据已超过离线时限 {max_hours} 小时（已 {hours} 小时）。请立即导出批次并开具正式发票。",
        "WARNING: receipts have waited past the {max_hours} h offline limit ({hours} h). Export a batch and issue the official invoices now.",
    ),
    "limits.amount_warn": (
        "注意：未导出收据累计 {amount} 元，达到离线累计限额 {max_amount} 元的 {percent}%。请尽快导出批次。",
        "Warning: {amount} yuan not yet exported, {percent}% of the {max_amount} yuan offline limit. Export a batch soon.",
    ),
    "limits.amount_exceeded": (
        "警告：未导出收据累计 {amount} 元，已达到离线累计限额 {max_amount} 元。请立即导出批次并开具正式发票。",
        "WARNING: {amount} yuan not yet exported has reached the {max_amount} yuan offline limit. Export a batch and issue the official invoices now.",
    ),
    "limits.blocked_hours": (
        "不能开具收据：未导出收据已达离线时限（{value}/{limit} 小时），店铺设置为超限停止开票。请先导出批次（shopdesk export）。",
        "Sale refused: receipts not yet exported have reached the offline time limit ({value}/{limit} h) and the profile blocks past it. Export a batch first (shopdesk export).",
    ),
    "limits.blocked_amount": (
        "不能开具收据：开具后未导出金额将达 {value} 元，达到离线累计限额 {limit} 元（不超限还可开 {remaining} 元），店铺设置为超限停止开票。请先导出批次（shopdesk export）。",
        "Sale refused: with this sale {value} yuan would wait for export, reaching the {limit} yuan offline limit (room left: {remaining} yuan), and the profile blocks past it. Export a batch first (shopdesk export).",
    ),
    # --- X / Z reports (issue 4) ---
    "report.bad_date": (
        "日期格式应为 YYYY-MM-DD：{value}。",
        "Dates are written YYYY-MM-DD: {value}.",
    ),
    "report.empty_shift": (
        "本班次（自上次 Z 报表 {since} 起）还没有任何收据或作废，无需日结。有销售后再做 Z 报表。",
        "Nothing to close: this shift (since the last Z at {since}) has no receipt and no void yet. Run the Z after the next sale.",
    ),
    "report.no_close": (
        "还没有做过 Z 报表，没有可重印的。日结请运行 shopdesk report z --counted 金额。",
        "No Z report has been made yet, so there is none to reprint. Close the shift with shopdesk report z --counted AMOUNT.",
    ),
    "report.bad_count": (
        "点钞项目 {item} 无效：请写成 面额x张数，例如 100x3；面额可为 {values} 元。",
        "Cannot read the count item {item}: write VALUExPIECES, e.g. 100x3; values are {values} yuan.",
    ),
    "report.z_date": (
        "Z 报表结算的是当前班次（上次 Z 之后的所有记录），不能指定日期。按日期查看请用 shopdesk report x --date；重印请加 --reprint。",
        "A Z closes the open shift (everything since the last Z), not a date. See a date with shopdesk report x --date; reprint with --reprint.",
    ),
    "report.count_needed": (
        "日结前请清点钱箱：用 --counted 金额（如 --counted 1234.50）或 --count 面额x张数（如 --count 100x3 50x1）。",
        "Count the drawer before the close: give --counted AMOUNT (e.g. --counted 1234.50) or --count VALUExPIECES (e.g. --count 100x3 50x1).",
    ),
    "report.print_unavailable": (
        "此版本尚不支持打印报表（打印模块未安装）；报表已显示在屏幕上。",
        "Printing reports is not available in this build (no printing module); the report is shown on screen.",
    ),
    # --- report labels (terminal table and printed sheet) ---
    "report.w.x": ("X 报表（本班次累计，未日结）", "X report (running totals, shift open)"),
    "report.w.x_day": ("X 报表（按日期查看）", "X report (one calendar date)"),
    "report.w.x_closed": ("X 报表（该日已日结）", "X report (this day is closed)"),
    "report.w.z": ("Z 报表（班次日结）", "Z report (shift closed)"),
    "report.w.since": ("本班次开始于（上次 Z 后）", "Shift opened after the Z of"),
    "report.w.first_shift": ("第一个班次", "first shift"),
    "report.w.seq_range": ("账本记录序号", "Ledger records"),
    "report.w.rseq_range": ("收据序号", "Receipt numbers"),
    "report.w.days": ("涉及日期", "Calendar dates"),
    "report.w.counted": ("清点现金", "Cash counted"),
    "report.w.over_short": ("长款(+)/短款(-)", "Over (+) / short (-)"),
    "report.w.approved_by": ("批准人", "Approved by"),
    "report.w.day": ("营业日", "Business day"),
    "report.w.generated": ("生成时间", "Generated"),
    "report.w.key_fingerprint": ("签名公钥指纹", "Key fingerprint"),
    "report.w.receipts": ("收据张数", "Receipts"),
    "report.w.voids": ("作废张数", "Voids"),
    "report.w.training": ("培训收据（不计入）", "Training receipts (excluded)"),
    "report.w.sales": ("销售额", "Sales"),
    "report.w.voided": ("作废金额", "Voided"),
    "report.w.refunds": ("退货笔数", "Returns"),
    "report.w.refunded": ("退款金额", "Refunded"),
    "report.w.till_events": ("收银操作（非收据）", "Till events (no receipts)"),
    "report.w.cancelled_sales": ("取消交易笔数", "Sales cancelled"),
    "report.w.cancelled": ("取消金额", "Amount cancelled"),
    "report.w.removed_lines": ("删除/减少商品行", "Lines removed or reduced"),
    "report.w.removed": ("删除金额", "Amount removed"),
    "report.w.drawer_opens": ("无销售开钱箱次数", "Drawer opened without a sale"),
    "report.w.gross": ("合计（含税）", "Total (tax incl.)"),
    "report.w.net": ("不含税金额", "Net"),
    "report.w.tax": ("税额", "Tax"),
    "report.w.rounding": ("抹零", "Rounded off"),
    "report.w.by_rate": ("按税率", "By tax rate"),
    "report.w.rate_head": ("税率|含税|不含税|税额", "Rate|Gross|Net|Tax"),
    "report.w.by_method": ("按付款方式", "By payment method"),
    "report.w.cash": ("现金（收款－找零）", "Cash (tendered - change)"),
    "report.w.wechat": ("微信支付", "WeChat Pay"),
    "report.w.alipay": ("支付宝", "Alipay"),
    "report.w.card": ("银行卡", "Card"),
    "report.w.other": ("其他", "Other"),
    "report.w.opening_float": ("备用金", "Opening float"),
    "report.w.cash_expected": ("钱箱应有现金", "Cash expected in drawer"),
    "report.w.previous_grand_total": ("上次累计总额", "Previous grand total"),
    "report.w.grand_total": ("累计总额（永不清零）", "Grand total (never reset)"),
    "report.w.none": ("（无）", "(none)"),
    "report.w.z_copy": ("Z 报表（重印）", "Z report (reprint)"),
    "report.not_closed": (
        "{day} 没有做过 Z 报表，没有可重印的。不带 --date 可重印最近一次 Z 报表。",
        "No Z report was made on {day}, so there is none to reprint. Without --date the newest Z is reprinted.",
    ),
    "report.printed": (
        "报表已送往打印机（{printer}）。",
        "The report was sent to the printer ({printer}).",
    ),
    # ----- backup and restore -----
    "backup.no_destination": (
        "没有设置备份位置。请用 --to 指定文件夹，或在店铺资料 [backup] folder 中设置。",
        "No backup folder is set. Give one with --to, or set [backup] folder in the shop profile.",
    ),
    "backup.destination_missing": (
        "备份位置 {folder} 不存在。请插入 U 盘或检查路径后重试。销售不受影响。",
        "The backup folder {folder} does not exist. Plug in the USB stick or check the path, then try again. Sales are not affected.",
    ),
    "backup.destination_full": (
        "备份位置 {folder} 已满（{reason}）。请腾出空间或换一个 U 盘。之前的备份仍然完好。",
        "The backup folder {folder} is full ({reason}). Free some space or use another stick. The previous backup is still intact.",
    ),
    "backup.write_failed": (
        "无法写入备份位置 {folder}：{reason}。之前的备份仍然完好。请检查 U 盘后重试。",
        "Could not write to the backup folder {folder}: {reason}. The previous backup is still intact. Check the stick and try again.",
    ),
    "backup.first_by_hand": (
        "{folder} 中还没有本终端的备份。第一次备份要复制并核对全部记录，可能需要几分钟，所以不会在收银时自动开始：请现在运行 shopdesk backup，或等日结（Z 报表）后自动备份。",
        "{folder} holds no backup of this till yet. The first backup copies and checks every record and can take minutes, so it is not started during sales: run shopdesk backup now, or it runs after the Z report.",
    ),
    "backup.failed": (
        "备份失败：{reason}。之前的备份仍然完好；销售不受影响。",
        "The backup failed: {reason}. The previous backup is still intact; sales are not affected.",
    ),
    "backup.passphrase_short": (
        "备份密码至少需要 {minimum} 个字符。",
        "The backup passphrase needs at least {minimum} characters.",
    ),
    "backup.passphrase_mismatch": (
        "两次输入的密码不一致。",
        "The two passphrases differ.",
    ),
    "backup.key_unreadable": (
        "备份中的加密密钥文件已损坏，无法读取。",
        "The encrypted key file in the backup is damaged and cannot be read.",
    ),
    "backup.wrong_passphrase": (
        "密码错误：无法解开备份中的签名密钥。请检查密码（区分大小写）后重试。",
        "Wrong passphrase: the signing key in the backup cannot be unlocked. Check the passphrase (it is case-sensitive) and try again.",
    ),
    "backup.unreadable": (
        "无法读取备份 {folder}：{reason}。",
        "Cannot read the backup in {folder}: {reason}.",
    ),
    "backup.unknown_version": (
        "{folder} 中的备份由更新版本的 shopdesk 制作。请升级 shopdesk。",
        "The backup in {folder} was made by a newer shopdesk. Upgrade shopdesk.",
    ),
    "backup.bad_manifest": (
        "{folder} 中的备份清单（MANIFEST.json）已损坏或签名无效，这个备份不可信。",
        "The backup list (MANIFEST.json) in {folder} is damaged or its signature is invalid: this backup cannot be trusted.",
    ),
    "backup.bad_name": (
        "{folder} 中的备份清单列出了不允许的文件名 {name}（只能是 journal-年-月.jsonl 这样的普通文件名）。这个备份可能被人改过，不能使用：请换用另一个备份，并保管好这个 U 盘。",
        "The backup list in {folder} names a file {name} that is not allowed (only plain names such as journal-YYYY-MM.jsonl are). This backup may have been tampered with and cannot be used: use another backup and keep this stick aside.",
    ),
    "backup.other_key": (
        "{folder} 中的备份由另一个密钥签名（指纹 {fingerprint}），不是这个店铺的密钥（指纹 {expected}）。它不是这个店铺的备份，或被人改过：不能使用，请换用另一个备份。",
        "The backup in {folder} is signed by another key (fingerprint {fingerprint}), not this shop's key (fingerprint {expected}). It is not this shop's backup, or it was tampered with: do not use it; use another backup.",
    ),
    "backup.key_fingerprint": (
        "备份的签名公钥指纹 {fingerprint}：请与店铺记下的指纹（shopdesk pubkey 显示）核对，不一致就不要使用。",
        "The backup is signed by the key with fingerprint {fingerprint}: compare it with the shop's (shown by shopdesk pubkey); if they differ, do not use it.",
    ),
    "backup.key_matches": (
        "备份的签名公钥指纹 {fingerprint}，与这个店铺账本的密钥一致。",
        "The backup is signed by the key with fingerprint {fingerprint}, the key of this shop's ledger.",
    ),
    "pubkey.fingerprint": (
        "公钥指纹 {fingerprint}（请记下，用于核对备份和批次）",
        "Key fingerprint {fingerprint} (note it down to check backups and batches against)",
    ),
    "backup.previous_unusable": (
        "注意：{folder} 中原有的备份已损坏，本次重新完整备份。",
        "Note: the earlier backup in {folder} was damaged; this backup copies everything afresh.",
    ),
    "backup.other_shop": (
        "{folder} 中是另一个店铺或终端（{terminal}）的备份，不会覆盖。请换一个文件夹。",
        "{folder} holds the backup of another shop or terminal ({terminal}); it is not overwritten. Use another folder.",
    ),
    "backup.newer_than_ledger": (
        "{folder} 中的备份（到序号 {backup}）比本机账本（到序号 {ledger}）更新，不会覆盖。这台电脑可能是从旧备份恢复的：请换一个文件夹备份，并保管好这个 U 盘。",
        "The backup in {folder} (up to sequence {backup}) is newer than this ledger (up to {ledger}); it is not overwritten. This PC may have been restored from an older backup: back up to another folder and keep this stick safe.",
    ),
    "backup.diverged": (
        "{folder} 中的备份在序号 {seq} 处与本机账本不同（来自这个终端账本的另一份副本），不会覆盖。请换一个文件夹备份，并保管好这个 U 盘。",
        "The backup in {folder} differs from this ledger at sequence {seq} (it comes from another copy of this terminal's ledger); it is not overwritten. Back up to another folder and keep this stick safe.",
    ),
    "backup.copy_bad": (
        "备份副本验证失败：{file} 第 {line} 行（序号 {seq}）：{reason}。请运行 shopdesk verify 检查账本，并换一个 U 盘重试。之前的备份仍然完好。",
        "The backup copy does not verify at {file} line {line} (sequence {seq}): {reason}. Run shopdesk verify to check the ledger, and try another stick. The previous backup is still intact.",
    ),
    "backup.copy_incomplete": (
        "备份副本不完整（应到序号 {seq}）。请重试。之前的备份仍然完好。",
        "The backup copy is incomplete (it should reach sequence {seq}). Try again. The previous backup is still intact.",
    ),
    "backup.recopied": (
        "注意：备份中的 {file} 已损坏，已重新完整复制。",
        "Note: {file} in the backup was damaged and has been copied afresh.",
    ),
    "backup.no_key": (
        "注意：这个备份不含签名密钥，用它恢复后只能查看，不能开收据。运行一次 shopdesk backup --passphrase-file 文件（或按提示输入密码）即可加入加密的密钥。",
        "Note: this backup does not hold the signing key; a shop restored from it can read but not issue receipts. Run shopdesk backup once with a passphrase (--passphrase-file FILE or at the prompt) to add the encrypted key.",
    ),
    "backup.not_recorded": (
        "注意：备份已完成并通过验证，但未能记入账本（{reason}）。",
        "Note: the backup is complete and verified, but could not be noted in the ledger ({reason}).",
    ),
    "backup.done": (
        "备份完成：{folder}（第 {generation} 次），到序号 {seq}（收据到第 {rseq} 张），已验证 {verified} 条新记录，复制 {bytes} 字节。",
        "Backup done: {folder} (generation {generation}), up to sequence {seq} (receipts up to no. {rseq}); {verified} new records verified, {bytes} bytes copied.",
    ),
    "backup.done_key": (
        "签名密钥已加密保存在备份中。",
        "The signing key is in the backup, encrypted.",
    ),
    "backup.warning": (
        "⚠ 备份未完成（{time}，{destination}）：",
        "⚠ Backup not done ({time}, {destination}):",
    ),
    "backup.status_never": ("还没有备份过。", "No backup has been made yet."),
    "backup.status_last": (
        "上次备份：{time}，位置 {destination}，到序号 {seq}。",
        "Last backup: {time} to {destination}, up to sequence {seq}.",
    ),
    "backup.status_pending": (
        "之后开出的收据（尚未备份）：{count} 张。",
        "Receipts issued since (not yet backed up): {count}.",
    ),
    "backup.status_folder": ("备份位置（店铺资料）：{folder}", "Backup folder (profile): {folder}"),
    "backup.status_no_folder": (
        "店铺资料中没有设置备份位置（[backup] folder），不会自动备份。",
        "No backup folder in the profile ([backup] folder): no automatic backups.",
    ),
    "backup.verify_ok": (
        "备份完好：{folder}，{records} 条记录，到序号 {seq}，制作于 {made}。",
        "Backup intact: {folder}, {records} records up to sequence {seq}, made {made}.",
    ),
    "backup.not_found": (
        "{folder} 中没有 shopdesk 备份。",
        "There is no shopdesk backup in {folder}.",
    ),
    "backup.several": (
        "{folder} 中有多个终端的备份：{choices}。请指定其中一个文件夹。",
        "{folder} holds backups of several terminals: {choices}. Name one of these folders.",
    ),
    "backup.file_missing": (
        "备份 {folder} 缺少文件 {file}，这个备份不能使用。",
        "The backup in {folder} is missing {file}; it cannot be used.",
    ),
    "backup.file_bad": (
        "备份 {folder} 中的文件 {file} 已被修改或损坏，这个备份不能使用。",
        "{file} in the backup {folder} was changed or damaged; the backup cannot be used.",
    ),
    "backup.broken": (
        "备份验证失败，拒绝恢复：{file} 第 {line} 行（序号 {seq}）：{reason}。请换用另一个备份。",
        "The backup does not verify; nothing was restored: {file} line {line} (sequence {seq}): {reason}. Use another backup.",
    ),
    "backup.no_key_in_backup": (
        "备份 {folder} 中没有签名密钥。",
        "The backup in {folder} does not hold the signing key.",
    ),
    "backup.key_mismatch": (
        "备份中的签名密钥与账本的公钥不符，不能使用。",
        "The signing key in the backup does not match the ledger's public key; it cannot be used.",
    ),
    "verify.reason.bad_bytes": (
        "文件内容与备份清单不符",
        "file bytes differ from the backup list",
    ),
    "verify.reason.missing": ("记录缺失（文件被截短）", "records missing (file cut short)"),
    "restore.verifying": (
        "正在核对备份中的每一条记录（10 万张收据约需半分钟）……",
        "Checking every record of the backup (about half a minute per 100k receipts)…",
    ),
    "restore.target_not_empty": (
        "{folder} 不是空文件夹，不会在其中恢复。请指定一个新的文件夹。",
        "{folder} is not an empty folder; nothing is restored into it. Name a new folder.",
    ),
    "restore.target_has_ledger": (
        "{folder} 中已有账本（到序号 {ledger}），恢复不会覆盖任何账本。请指定一个新的文件夹。",
        "{folder} already holds a ledger (up to sequence {ledger}); a restore never overwrites a ledger. Name a new folder.",
    ),
    "restore.target_newer": (
        "{folder} 中的账本（到序号 {ledger}）比备份（到序号 {backup}）更新，拒绝覆盖。",
        "The ledger in {folder} (up to sequence {ledger}) is newer than the backup (up to {backup}); it is not overwritten.",
    ),
    "restore.passphrase_needed": (
        "需要备份密码才能恢复签名密钥：用 --passphrase-file、环境变量 SHOPDESK_BACKUP_PASSPHRASE 或在提示时输入；不要密钥请加 --no-key（恢复后只能查看）。",
        "The backup passphrase is needed to restore the signing key: give --passphrase-file, set SHOPDESK_BACKUP_PASSPHRASE or type it at the prompt; or add --no-key (the restored shop can then only read).",
    ),
    "restore.write_failed": (
        "无法在 {folder} 建立店铺：{reason}。未做任何更改。",
        "Could not build the shop in {folder}: {reason}. Nothing was changed.",
    ),
    "restore.key_present": ("签名密钥 {file} 已存在。", "The signing key {file} is already there."),
    "restore.done": (
        "已从备份（{made}）恢复到 {folder}：到序号 {seq}，最后一张收据第 {rseq} 张。",
        "Restored the backup of {made} into {folder}: up to sequence {seq}, last receipt no. {rseq}.",
    ),
    "restore.done_no_key": (
        "注意：没有恢复签名密钥，这个店铺只能查看和验证，不能开收据。有密码后运行 shopdesk --home {folder} restore 备份位置 --key-only。",
        "Note: the signing key was not restored: this shop can read and verify but not issue receipts. Once you have the passphrase, run shopdesk --home {folder} restore BACKUP --key-only.",
    ),
    "restore.key_done": (
        "签名密钥已恢复，可以开收据了。",
        "The signing key is restored: receipts can be issued again.",
    ),
    "restore.lost_after": (
        "注意：旧电脑在这次备份之后开出的收据不在备份中（纸质收据和二维码仍可证明它们）。如果顾客手上有这样的收据，请记录下来并告知会计。",
        "Note: receipts the old PC issued after this backup are not in it (their paper copies and QR codes still prove them). If customers hold such receipts, note them and tell the accountant.",
    ),
    "restore.series": (
        "收据改用新的编号系列 {series}，下一张是 {number}：旧电脑在备份之后可能用过的编号不会再次使用。请告知会计编号系列的变化。",
        "Receipts now go on in a new series, {series}; the next is {number}. No number the old PC may have used after this backup is issued again. Tell the accountant about the new series.",
    ),
    "key.not_restored": (
        "这个店铺从备份恢复时没有恢复签名密钥：可以查看和验证收据，但不能开具新收据。请运行 shopdesk restore 备份位置 --key-only 并输入备份密码。",
        "This shop was restored without its signing key: receipts can be read and verified, but no new receipt can be issued. Run shopdesk restore BACKUP --key-only with the backup passphrase.",
    ),
    "passphrase.file_missing": (
        "无法读取密码文件 {file}。",
        "Cannot read the passphrase file {file}.",
    ),
    "passphrase.prompt": ("备份密码：", "Backup passphrase: "),
    "passphrase.prompt_new": (
        "设置备份密码（用于加密签名密钥，至少 8 个字符，请牢记）：",
        "Choose a backup passphrase (encrypts the signing key; at least 8 characters; do not lose it): ",
    ),
    "passphrase.prompt_again": ("再输入一次：", "Type it again: "),
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
    "pay.far_above_total": (
        "收款 {amount} 元超过应收 {total} 元的 {times} 倍，不像顾客付的钱（是否把条码扫进了金额栏？）。"
        "请输入顾客实际付的金额。",
        "A payment of {amount} yuan is over {times} times the total of {total} yuan: not "
        "money a customer hands over (a barcode scanned into the amount?). Type the amount "
        "the customer gave.",
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
    "approval.wrong_pin": (
        "PIN 不正确，操作未执行。请重新输入（再错 {tries_left} 次将暂时锁定）。",
        "The PIN is wrong; nothing was done. Enter it again ({tries_left} more wrong tries lock the till for a while).",
    ),
    "approval.locked": (
        "PIN 连续输错次数过多，已锁定至 {until}（还有 {seconds} 秒）。请届时由店长输入正确的 PIN；每次输错都已记入账本。",
        "Too many wrong PINs in a row: PINs are refused until {until} ({seconds} s more). Let a manager enter the right PIN then; every wrong try is in the ledger.",
    ),
    "approval.needed": (
        "此操作（{action}）需要店长批准：请在终端输入店长 PIN，或用环境变量 SHOPDESK_PIN_FILE 指向保存 PIN 的文件。",
        "This ({action}) needs a manager's approval: type the manager PIN at the terminal, or point SHOPDESK_PIN_FILE at a file that holds it.",
    ),
    "init.pin_again": ("再输入一次店长 PIN：", "Manager PIN again: "),
    "people.pin_prompt": ("收银员本人 PIN：", "Cashier's own PIN: "),
    "people.none": (
        "店铺资料中没有 [[people]]（人员及各自的 PIN），无需登录。",
        "The shop profile lists no [[people]] (people with their own PINs), so there is nobody to sign in.",
    ),
    "people.cashier_needed": (
        "店铺资料列出了人员：请用 --cashier 姓名 指明收银员，并用 SHOPDESK_CASHIER_PIN_FILE 或终端输入其本人 PIN。",
        "The shop profile lists people: name the cashier with --cashier NAME and give their own PIN (SHOPDESK_CASHIER_PIN_FILE, or typed at the terminal).",
    ),
    "pin.too_weak": (
        "这个 PIN 太容易被猜到（演示 PIN 1234、同一数字重复或连续数字）。请另选一个 4–12 位数字的 PIN。",
        "That PIN is too easy to guess (the demo PIN 1234, one digit repeated, or a run like 123456). Choose another PIN of 4 to 12 digits.",
    ),
    "init.pin_missing": (
        "新店铺需要设置店长 PIN：请在终端输入两次（不回显），或用 SHOPDESK_PIN_FILE 指向保存 PIN 的文件。演示店（--demo）使用 1234。",
        "A new shop needs its own manager PIN: type it twice at the terminal (not shown), or point SHOPDESK_PIN_FILE at a file that holds it. Only the demo (--demo) uses 1234.",
    ),
    "security.demo_pin": (
        "本店仍在使用演示店长 PIN 1234：任何人都能作废收据或改价。请在 设置 → PIN 中立即更改。",
        "This shop still uses the demo manager PIN 1234: anyone can void receipts or change prices. Change it now in Settings → PIN.",
    ),
    "pin.bad_shape": ("PIN 须为 4–12 位数字。", "A PIN is 4 to 12 digits."),
    "pin.wrong": (
        "当前店长 PIN 不正确，未作更改。",
        "The current manager PIN is wrong; nothing was changed.",
    ),
    "clock.bad_env": (
        "环境变量 SHOPDESK_CLOCK 的时间无效：{value}。请写成带时区的时间，例如 2026-11-28T12:00:00+08:00，或删除该变量。",
        "SHOPDESK_CLOCK is not a time: {value}. Write an instant with its offset, e.g. 2026-11-28T12:00:00+08:00, or unset it.",
    ),
    "clock.behind": (
        "电脑时钟显示 {now}，早于账本最后一条记录的时间 {last}。收据时间不能倒退，未开出收据。请把电脑的日期和时间改正后再试；如果是之前的记录用了走快的时钟，请店长记录时钟更正：shopdesk clock correct。",
        "The PC clock says {now}, earlier than the ledger's last record ({last}). A receipt's time may never go backwards; nothing was issued. Set the computer's date and time right and try again; if the earlier records were stamped by a clock that ran ahead, a manager can record a clock correction: shopdesk clock correct.",
    ),
    "clock.behind_at_start": (
        "电脑时钟显示 {now}，早于账本最后一条记录的时间 {last}：现在不能开出收据（收据时间不能倒退）。请先把电脑的日期和时间改正；如果是之前的记录用了走快的时钟，请店长记录时钟更正：shopdesk clock correct。",
        "The PC clock says {now}, earlier than the ledger's last record ({last}): no receipt can be issued now (a receipt's time may never go backwards). Set the computer's date and time right first; if the earlier records were stamped by a clock that ran ahead, a manager can record a clock correction: shopdesk clock correct.",
    ),
    "clock.far_ahead": (
        "电脑时钟显示 {now}，比账本最后一条记录（{last}）晚 {days} 天。如果今天的日期确实正确，请确认后继续开票（命令行：加 --clock-ok）；否则请先改正电脑的日期和时间。",
        "The PC clock says {now}, {days} days after the ledger's last record ({last}). If today's date is right, confirm and sell (CLI: add --clock-ok); otherwise set the computer's date and time first.",
    ),
    "clock.correction_note_missing": (
        "请写明时钟更正的原因（例如“主板电池没电，时钟曾快一年”）。",
        "Say why the clock is corrected (e.g. 'BIOS battery died, the clock ran a year ahead').",
    ),
    "clock.nothing_to_correct": (
        "电脑时钟（{now}）不早于最后一条记录（{last}），无需更正。",
        "The PC clock ({now}) is not behind the last record ({last}): there is nothing to correct.",
    ),
    "clock.corrected": (
        "已记录时钟更正：之前的记录最晚到 {last}，之后的记录从 {now} 起。",
        "Clock correction recorded: the records before run up to {last}; the next ones start at {now}.",
    ),
    "clock.status": (
        "电脑时钟：{now}\n最后一条记录：{last}",
        "PC clock: {now}\nLast record: {last}",
    ),
    "clock.ok": ("时钟正常。", "The clock is fine."),
    "clock.pin_prompt": ("店长 PIN：", "Manager PIN: "),
    "till.approval_needed": (
        "取消交易、删除商品行和开钱箱需要店长批准：请输入店长 PIN（店铺可在 profile.toml 的 [security] approve_cancel = false 中免除取消和删除的 PIN，但仍会记录）。",
        "Cancelling a sale, removing a line and opening the drawer need a manager's approval: enter the manager PIN (a shop may set [security] approve_cancel = false in profile.toml to record cancels and removals without one).",
    ),
    "drawer.reason_missing": (
        "无销售开钱箱需要填写原因（例如：换零钱）。",
        "Opening the drawer without a sale needs a reason (e.g. change for a note).",
    ),
    "drawer.reason_too_long": (
        "原因太长：最多 {limit} 个字。请写短一些。",
        "The reason is too long: at most {limit} characters. Shorten it.",
    ),
    "drawer.opened": (
        "已记录开钱箱（记录 #{seq}，{by} 操作，{approved_by} 批准）：{reason}",
        "Drawer opening recorded (record #{seq}, by {by}, approved by {approved_by}): {reason}",
    ),
    "clock.pin_missing": (
        "需要店长 PIN：请在终端输入，或用环境变量 SHOPDESK_PIN_FILE 指向保存 PIN 的文件（不要把 PIN 写在命令行上）。",
        "The manager PIN is needed: type it at the terminal, or point SHOPDESK_PIN_FILE at a file that holds it (never put a PIN on the command line).",
    ),
    "printer.bad_paper_width": (
        "纸宽 {value} 无效：请选择 58 或 80（毫米）。",
        "Paper width {value} is not valid: choose 58 or 80 (mm).",
    ),
    "cashier.empty": (
        "收银员名单不能为空：请至少填写一个名字，多个名字用逗号分隔。",
        "The cashier list is empty: type at least one name; separate names with commas.",
    ),
}


# ----- printing (issue 3) ------------------------------------------------------
MESSAGES.update(
    {
        "printer.refused": (
            "打印机 {printer} 拒绝连接：请检查打印机是否开机、IP 地址和端口（通常为 9100）是否正确。",
            "Printer {printer} refused the connection: check it is switched on and the address and port (usually 9100) are right.",
        ),
        "printer.no_drawer": (
            "打印机 {printer} 未设置钱箱（[printer] cash_drawer = false），钱箱未弹开：请用钥匙打开，或在设置中启用钱箱。",
            "No cash drawer is set for printer {printer} ([printer] cash_drawer = false), so it did not open: open it with its key, or turn the drawer on in the printer settings.",
        ),
        "printer.unreachable": (
            "无法连接打印机 {printer}（{reason}）：请检查网线/USB 线、设备路径和打印机设置。",
            "Cannot reach printer {printer} ({reason}): check the cable, the device path and the printer setting.",
        ),
        "printer.timeout": (
            "打印机 {printer} 超时无响应：可能卡纸、缓冲区已满或已死机。请检查打印机，必要时关机重启。",
            "Printer {printer} timed out: it may be jammed, its buffer full, or hung. Check it; switch it off and on if needed.",
        ),
        "printer.dropped": (
            "打印途中与打印机 {printer} 的连接断开：收据可能只打印了一部分。请检查连接后重印。",
            "The connection to printer {printer} broke during the job: the receipt may be partly printed. Check the connection and reprint.",
        ),
        "printer.paper_out": (
            "打印机 {printer} 缺纸：请装入新纸卷后重印。",
            "Printer {printer} is out of paper: load a new roll and reprint.",
        ),
        "printer.paper_low": (
            "打印机 {printer} 纸卷将尽：请准备好新纸卷。",
            "Printer {printer} is near the end of its paper roll: have a new roll ready.",
        ),
        "printer.offline": (
            "打印机 {printer} 处于离线状态：请检查纸仓盖是否关好、有无报错指示灯。",
            "Printer {printer} is offline: check the cover is closed and no error light is on.",
        ),
        "printer.no_reply": (
            "打印机 {printer} 未回应状态查询：可能卡纸、开盖或死机，收据可能没有打出。请检查后重印；若该打印机不支持状态查询，可在店铺资料中设 printer.status_query = false。",
            "Printer {printer} did not answer the status query: it may be jammed, open or hung, and the receipt may not have printed. Check it and reprint; if this printer never answers, set printer.status_query = false in the profile.",
        ),
        "printer.permission": (
            "没有权限访问打印机 {printer}：请把当前用户加入 lp/dialout 组，或为 USB 打印机添加 udev 规则。",
            "No permission to use printer {printer}: add this user to the lp/dialout group, or add a udev rule for the USB printer.",
        ),
        "printer.bad_url": (
            "店铺资料中的打印机地址 {printer} 无效（{reason}）。可用：usb:VID:PID、serial:/dev/ttyUSB0?baudrate=9600（Windows：serial:COM3）、tcp://IP:9100、file:/dev/usb/lp0、cups:名称、spooler:Windows 打印机名称、preview。",
            "The printer address {printer} in the profile is invalid ({reason}). Use usb:VID:PID, serial:/dev/ttyUSB0?baudrate=9600 (Windows: serial:COM3), tcp://HOST:9100, file:/dev/usb/lp0, cups:NAME, spooler:WINDOWS PRINTER NAME or preview.",
        ),
        "printer.cups_missing": (
            "打印机 {printer} 使用 CUPS，但本机没有 lp 命令：请安装 cups-client，或改用 file: / tcp: 地址。",
            "Printer {printer} uses CUPS but the lp command is missing: install cups-client or use a file: or tcp: address.",
        ),
        "printer.usb_needs_pyusb": (
            "打印机 {printer} 使用 USB 直连，需要安装 pyusb（pip install pyusb）；在 Linux 上也可改用 file:/dev/usb/lp0。",
            "Printer {printer} is a direct USB printer and needs pyusb (pip install pyusb); on Linux you can use file:/dev/usb/lp0 instead.",
        ),
        "printer.spooler_needs_pywin32": (
            "打印机 {printer} 通过 Windows 打印队列打印，需要安装 pywin32（pipx inject shopdesk pywin32，见 docs/windows.md）；也可改用 tcp: 或 serial:COM3 地址。",
            "Printer {printer} prints through the Windows spooler and needs pywin32 (pipx inject shopdesk pywin32, see docs/windows.md); or use a tcp: or serial:COM3 address.",
        ),
        "printer.serial_needs_pyserial": (
            "打印机 {printer} 接在 COM 串口上，需要安装 pyserial（pipx inject shopdesk pyserial，见 docs/windows.md）；也可在 Windows 中添加该打印机后改用 spooler:名称。",
            "Printer {printer} is on a COM port and needs pyserial (pipx inject shopdesk pyserial, see docs/windows.md); or add it as a Windows printer and use spooler:NAME.",
        ),
        "printer.no_font": (
            '图像打印模式需要中文字体，但没有找到：请安装 fonts-wqy-microhei（或 Noto CJK），或在店铺资料 [printer] 中设置 font = "字体文件路径"。',
            'Image text mode needs a Chinese font and none was found: install fonts-wqy-microhei (or Noto CJK), or set font = "/path/to/font" under [printer] in the profile.',
        ),
        "printer.font_missing": (
            "店铺资料 [printer] font 指定的字体文件不存在：{file}。",
            "The font file set in the profile's [printer] font does not exist: {file}.",
        ),
        "printer.font_unreadable": (
            "字体文件 {file} 无法读取：请在 [printer] font 中指定 TrueType/OpenType 字体。",
            "The font {file} cannot be read: set a TrueType/OpenType font under [printer] font.",
        ),
        "printer.unknown_profile": (
            "打印机型号配置 {value} 不存在：请在 [printer] profile 中填写 python-escpos 的型号名，或用 default。",
            "Printer profile {value} is unknown: set [printer] profile to a python-escpos profile name, or default.",
        ),
        "printer.qr_too_large": (
            "二维码太大（{modules} 个模块），{dots} 点宽的纸放不下：请缩短店铺资料中的 [receipt] qr_template。",
            "The QR code is too large ({modules} modules) for paper {dots} dots wide: shorten [receipt] qr_template in the profile.",
        ),
        "printer.needs_key": (
            "只读打开的店铺不能打印收据（二维码需要终端密钥签名）。",
            "A shop opened read-only cannot print receipts: the QR code needs the terminal key.",
        ),
        "printer.internal": (
            "打印 {printer} 时出现内部错误：{error}。收据已保存，可稍后重印。",
            "Internal error while printing to {printer}: {error}. The receipt is saved; reprint later.",
        ),
        "print.saved_not_printed": (
            "收据 {number} 已保存，但未打印：{reason} 修好后运行 shopdesk print-queue --retry。",
            "Receipt {number} is saved but NOT printed: {reason} When fixed, run shopdesk print-queue --retry.",
        ),
        "print.record_not_saved": (
            "收据 {number} 已开出并已打印，但打印记录未能写入账本：{reason}。"
            "不要重新收款。请清理磁盘空间；打印队列会把它列为未打印，顾客已拿到收据时不要再打印。",
            "Receipt {number} was issued and printed, but the print record could not be saved "
            "in the ledger: {reason}. Do not ring the sale again. Free disk space; the print "
            "queue will list it as not printed: do not print it again if the customer has it.",
        ),
        "print.record_not_saved_not_printed": (
            "收据 {number} 已开出，但未打印：{error} 打印记录也未能写入账本：{reason}。"
            "不要重新收款。请清理磁盘空间并修好打印机，然后从打印队列重新打印。",
            "Receipt {number} was issued but NOT printed: {error} The print record could not be "
            "saved in the ledger either: {reason}. Do not ring the sale again. Free disk space, "
            "fix the printer, then print it from the print queue.",
        ),
        "print.done": ("收据 {number} 已打印。", "Receipt {number} printed."),
        "print.copy_done": (
            "收据 {number} 已重印（第 {copy} 联）。",
            "Receipt {number} reprinted (copy {copy}).",
        ),
        "print.preview_files": ("预览文件：{files}", "Preview files: {files}"),
        "print.what": (
            "请指定收据号，或用 --retry 重打失败的收据。",
            "Name a receipt number, or use --retry to print the failed ones.",
        ),
        "print.queue_empty": ("没有待打印的收据。", "No receipts are waiting to be printed."),
        "print.queue_row": (
            "{number}  {time}  {total}  未打印",
            "{number}  {time}  {total}  not printed",
        ),
        "print.queue_stopped": (
            "打印机仍有故障，其余 {left} 张收据留在队列中。",
            "The printer still fails; {left} receipts stay in the queue.",
        ),
        "printer.status_line": (
            "打印机 {printer}：{online}，纸张 {paper}。",
            "Printer {printer}: {online}, paper {paper}.",
        ),
        "printer.status_unreadable": (
            "打印机 {printer} 已连接，但这种连接无法读取状态。",
            "Printer {printer} is connected, but its status cannot be read over this connection.",
        ),
        "printer.test_done": (
            "测试页已发送到 {printer}。",
            "Test page sent to {printer}.",
        ),
        "qr.not_ours": (
            "这不是 shopdesk 临时收据的二维码（应以 SDPR* 开头）：{value}",
            "This is not a shopdesk provisional-receipt QR (it starts SDPR*): {value}",
        ),
        "qr.malformed": (
            "二维码内容不完整或被改动（字段 {field}：{value}）。",
            "The QR content is incomplete or altered (field {field}: {value}).",
        ),
        "qr.unknown_version": (
            "二维码格式版本 {value} 未知：请升级 shopdesk。",
            "Unknown QR format version {value}: upgrade shopdesk.",
        ),
        "qr.pubkey_missing": (
            "找不到公钥文件 {file}。",
            "The public key file {file} does not exist.",
        ),
        "qr.valid": (
            "有效：收据 {number}，{time}，金额 {total}（税额 {tax}），由终端 {terminal}（税号 {uscc}）签发，签名正确。",
            "VALID: receipt {number}, {time}, total {total} (tax {tax}), issued by terminal {terminal} (tax id {uscc}); signature verifies.",
        ),
        "qr.invalid": (
            "无效：签名不符，该二维码不是此终端签发的，或内容被改动。",
            "INVALID: the signature does not verify; this QR was not issued by this terminal, or was altered.",
        ),
        "qr.training": (
            "注意：{number} 是培训收据，不是真实销售，不能凭它开具发票。",
            "Note: {number} is a TRAINING receipt, not a sale; no invoice can be issued for it.",
        ),
        "qr.in_ledger": (
            "账本中有此收据，状态：{status}。",
            "The ledger holds this receipt; status: {status}.",
        ),
        "qr.not_in_ledger": (
            "签名有效，但账本中没有收据 {number}：请确认是否为本终端的账本。",
            "The signature is valid but the ledger has no receipt {number}: check this is the right terminal's ledger.",
        ),
        "qr.voided": (
            "收据 {number} 已作废：不能凭它开具发票。",
            "Receipt {number} was voided: it must not be invoiced.",
        ),
        "qr.signature_only": (
            "只核对了签名：是否已作废需用账本（--home）或批次（--batch）查看。",
            "Only the signature was checked: whether it was voided needs the ledger (--home) or a batch (--batch).",
        ),
        "qr.mismatch": (
            "警告：二维码与账本记录不符（{fields}）。请勿接受此收据，并检查终端密钥是否泄露。",
            "WARNING: the QR disagrees with the ledger ({fields}). Do not accept it, and check whether the terminal key leaked.",
        ),
    }
)


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


def printer_status_text(printer: str, status: object, lang: str) -> tuple[str, str | None]:
    """What a printer said about itself, and the problem that stops a job (if any)."""
    if not getattr(status, "readable", False):
        return message("printer.status_unreadable", lang, printer=printer), None
    zh = lang == "zh"
    online = {True: "在线" if zh else "online", False: "离线" if zh else "offline"}.get(
        getattr(status, "online", None), "?"
    )
    paper = {
        "ok": "正常" if zh else "ok",
        "near_end": "将尽" if zh else "near end",
        "out": "用完" if zh else "out",
    }.get(getattr(status, "paper", None) or "", "?")
    line = message("printer.status_line", lang, printer=printer, online=online, paper=paper)
    problem = status.problem()  # type: ignore[attr-defined]
    return line, message(problem, lang, printer=printer) if problem else None


def print_record_lost_text(say: Callable[..., str], outcome: Any) -> str:
    """Words for a print whose ``receipt.printed`` record could not be saved.

    ``outcome`` is a :class:`shopdesk.services.printing.PrintOutcome` with
    ``record_error`` set; ``say`` is the front end's translator. The receipt
    is issued either way, so the words never say otherwise (issue 11, item 7).
    """
    reason = outcome.record_error.data.get("reason", outcome.record_error.code)
    if outcome.ok:
        return say("print.record_not_saved", number=outcome.number, reason=reason)
    error = say(outcome.error.code, **outcome.error.data)
    return say(
        "print.record_not_saved_not_printed", number=outcome.number, error=error, reason=reason
    )


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
