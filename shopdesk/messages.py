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
    "init.done": (
        "已在 {folder} 创建店铺“{shop}”，终端 {terminal}。",
        "Created shop '{shop}' (terminal {terminal}) in {folder}.",
    ),
    "void.done": ("收据 {number} 已作废。", "Receipt {number} is now void."),
    "sell.change": ("找零 {change}", "Change {change}"),
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
        "正在核对备份中的每一条记录（10 万张收据约需 1 分钟）……",
        "Checking every record of the backup (about a minute per 100k receipts)…",
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
        "已从备份（{made}）恢复到 {folder}：到序号 {seq}，最后一张收据第 {rseq} 张。下一张收据将接着编号。",
        "Restored the backup of {made} into {folder}: up to sequence {seq}, last receipt no. {rseq}. The next receipt continues the numbering.",
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
        "注意：旧电脑在这次备份之后开出的收据不在备份中。如果顾客手上有编号更大的收据，请记录下来并告知会计。",
        "Note: receipts the old PC issued after this backup are not in it. If customers hold receipts with higher numbers, note them and tell the accountant.",
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
