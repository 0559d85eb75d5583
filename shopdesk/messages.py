"""Words for every error code and CLI message: the code → its English template.

Services raise codes with data (see :mod:`shopdesk.errors`); this table is the
one place they become sentences. Each message says what is wrong and what to do.
Other languages live in the gettext catalogs (``shopdesk/locale``), one entry per
code with the code as its context (msgctxt) and the English as its msgid, so a
third language is one more ``.po`` file and this table never changes for it.
``tools/compile_translations.py --extract`` copies new codes into the catalogs.
"""

from __future__ import annotations

import locale
import os
from collections.abc import Callable
from typing import Any, NamedTuple

from shopdesk.i18n import LOCALES, N_, gettext_in, translation


class Plural(NamedTuple):
    """Words that depend on a number in the data: ``1 receipt``, ``2 receipts``.

    Each language has its own number of forms (Chinese one, English two), so the
    catalog, not this table, picks the form (gettext ``npgettext``).
    """

    one: str
    many: str
    count: str  # the data key that holds the number


MESSAGES: dict[str, str | Plural] = {
    # code: English template (the Chinese is in shopdesk/locale/zh_CN/.../shopdesk.po)
    # A language's own name, as the language pickers list it: each catalog names itself.
    "language.name": "English",
    "money.not_a_number": "{field} is not an amount: {value}. Type a number such as 12.50.",
    "money.negative": "{field} cannot be negative: {value}.",
    "money.too_precise": "{field} has more than two decimals (fen): {value}.",
    "money.too_large": "{field} is too large: {value}. Check for extra digits.",
    "tax.unknown_rate": "Unknown tax rate: {value}. Use 13, 9, 6, 3, 1, 0 or exempt.",
    "tax_id.empty": "The tax id is empty: type the buyer's tax id.",
    "tax_id.bad_length": "Tax id {value} has {length} characters; a USCC has 18 (older ids 15, 17 or 20).",
    "tax_id.bad_char": "Tax id {value}: character {position} '{char}' is not allowed (I, O, S, V, Z are never used).",
    "tax_id.bad_region": "Tax id {value}: characters 3–8 must be the 6-digit region code.",
    "tax_id.bad_check": "Tax id {value} fails its check: the last character should be '{expected}', not '{got}'. Check the id.",
    "buyer.name_missing": "A company buyer needs a name.",
    "buyer.tax_id_missing": "A company buyer needs a tax id.",
    "sale.empty": "The sale has no items.",
    "sale.unknown_item": "No item with barcode or SKU {value}. Check the code.",
    "sale.bad_item_spec": "Cannot read item {value}. Use SKU_OR_BARCODE[xQTY][@PRICE].",
    "sale.bad_quantity": "Bad quantity {value}: it must be above 0 with at most three decimals.",
    "sale.whole_quantity": (
        "{item} is sold by the {unit}: the quantity must be a whole number, not {value}. "
        "Only items sold by weight (kg, 千克, 斤, g) take decimals: type a whole quantity."
    ),
    "sale.quantity_too_large": "Quantity {value} is too large.",
    "sale.bad_line_discount": "Line {line}: discount {value} is negative or larger than the line.",
    "sale.bad_percent": (
        "Bad discount percent {value}: it must be above 0% and at most 100%, "
        "with at most two decimals (e.g. 10%)."
    ),
    "sale.discount_twice": (
        "The sale takes one percent discount and no other sale discount besides it "
        "({value}): give a single sale discount."
    ),
    "park.empty": "There is no sale to park: add items first.",
    "park.full": "{limit} sales are parked already: resume one (F1) and finish or cancel it first.",
    "park.not_found": "There is no parked sale {number} (it may have been resumed): pick one from the list.",
    "park.cart_not_empty": "A sale is in progress: pay, cancel or park it before resuming a parked one.",
    "park.repriced": "The resumed sale was re-priced at today's catalog prices: {items}.",
    "park.dropped": "These items are no longer in the catalog and were left out of the resumed sale: {items}.",
    "park.discount_removed": "The discount no longer fitted the re-priced sale and was removed: enter it again (F5) if needed.",
    "sale.bad_round_off": "Unknown round-off {value}: use jiao (drop the fen) or yuan (drop jiao and fen).",
    "sale.rounding_too_large": (
        "Rounding off {rounding} is above the shop's limit of {limit} (profile.toml [sale] "
        "max_rounding): round to the jiao instead, or give a discount with the manager PIN."
    ),
    "sale.bad_sale_discount": "Sale discount {value} is negative or larger than the total.",
    "sale.underpaid": "Underpaid: total {total}, paid {paid}, {missing} missing.",
    "sale.unknown_cashier": "Cashier '{value}' is not in the shop profile.",
    "payment.unknown_method": "Unknown payment method {value}: use cash, wechat, alipay, card or other.",
    "payment.several_open": "Only one payment may leave its amount out.",
    "payment.overpaid_noncash": "Non-cash payments exceed the total {total} (paid {paid}); only cash gives change.",
    "catalog.missing": "The catalog {file} does not exist.",
    "catalog.not_text": 'The catalog {file} is not a text table (neither UTF-8, GBK/GB18030 nor UTF-16): save it from Excel as "CSV UTF-8".',
    "catalog.item_broken": "Item {item} cannot be sold yet: catalog {file}, line {line} is wrong ({field}: {reason}). Fix that row and try again; other items sell as usual.",
    "catalog.problems": "Note: the catalog {file} has {count} problem(s); those items cannot be sold, the rest sell as usual. Run shopdesk catalog check {file} to see them all.",
    "catalog.check_ok": "{file}: {count} items, no problems.",
    "catalog.check_bad": "{file}: {count} items can be sold; {bad} problem(s) (those items sell once fixed):",
    "catalog.bad_map": "--map {value} is not valid: write SHEET_COLUMN=FIELD, with FIELD one of {fields}.",
    "catalog.import_refused": "Not imported: {file} has {bad} problem(s) (above). Fix them in the sheet, or name the columns with --map, and try again; the current catalog is unchanged.",
    "catalog.import_done": "Imported {count} items into {file}.",
    "catalog.unreadable": "Cannot read the spreadsheet {file}: {reason}. Check it is an .xlsx or .csv file.",
    "catalog.missing_column": "The catalog {file} has no column '{column}'.",
    "catalog.bad_row": "Catalog {file}, line {line}, {field}: {reason} (value: {value}).",
    "catalog.duplicate": "Catalog {file}, line {line}: duplicate {field} {value}.",
    "profile.missing": "The shop profile {file} does not exist: run shopdesk init first.",
    "profile.lost": "The shop profile {file} is missing but the ledger is there. Reading the ledger (verify, list, show) works; to sell again run shopdesk --home {folder} profile rebuild, which rebuilds it from the ledger (with a new manager PIN).",
    "profile.exists": "The shop profile {file} already exists; rebuild only replaces a lost one and never overwrites.",
    "profile.ledger_unverified": "The ledger in {folder} does not verify, so the profile is not rebuilt from it. Run shopdesk --home {folder} verify to see why.",
    "profile.base_unreadable": "Cannot read {file}: give the profile.toml from a backup (UTF-8 text).",
    "profile.other_terminal": "That profile is for terminal {terminal} but this ledger is terminal {ledger}: use this terminal's backup.",
    "profile.rebuilt": "Rebuilt {file} from the ledger: {shop} ({uscc}), terminal {terminal}, with a new manager PIN.",
    "profile.recovered": "Recovered from the ledger: {fields}",
    "profile.not_recovered": "Not in the ledger, set to defaults — please check: {fields}",
    "profile.read_from_ledger": "Note: the shop profile {file} is missing; read from the ledger's records this time. Run shopdesk --home {folder} profile rebuild to rebuild it.",
    "profile.not_utf8": "The shop profile {file} is not UTF-8.",
    "profile.syntax": "Shop profile {file}, line {line}: syntax error: {reason}",
    "profile.missing_field": "Shop profile {file} (near line {line}) is missing {field}.",
    "profile.bad_field": "Shop profile {file}, line {line}: {field} is invalid ({reason}): {value}",
    "home.missing": "No shop in {folder}: run shopdesk --home {folder} init first.",
    "home.not_a_folder": (
        "{file} is a file, not a folder, so {folder} cannot be the shop home. "
        "Name a folder with --home (a new one, or one that holds a shop)."
    ),
    "home.not_writable": (
        "Cannot write in {folder}: {reason}. No shop was created. Choose a folder you can write "
        "to (not a read-only stick or a protected folder), or free disk space, and try again."
    ),
    "pin.not_given": (
        "No PIN was given: hash-pin asks for the PIN twice at a terminal (or reads two lines "
        "from its input). Run it in a terminal window."
    ),
    "home.exists": "{folder} already holds a shop; it is never overwritten.",
    "key.missing": "The signing key {file} is missing: restore it from a backup.",
    "key.unreadable": "The signing key {file} cannot be read: restore it from a backup.",
    "key.bad_public": "That public key is not valid.",
    "ledger.locked": "The ledger {folder} is in use by another shopdesk (process {pid}). Close it and try again.",
    "ledger.missing": "There is no ledger in {folder}.",
    "ledger.readonly": "The ledger was opened read-only.",
    "ledger.write_failed": (
        "Could not write the ledger {file}: {reason}. Nothing was recorded (no new receipt "
        "was issued). Free disk "
        "space and check that the shop folder can be written (not a read-only stick or a "
        "protected folder), then try again."
    ),
    "ledger.bad_line": "Ledger {file}, line {line} is damaged. Run shopdesk verify and restore from a backup.",
    "ledger.bad_tail": "The end of ledger {file} is damaged. Run shopdesk verify and restore from a backup.",
    "ledger.damaged_record": "Ledger {file}, line {line} (sequence {seq}) is a complete record that does not match its hash or signature: this is damage or an edit, not a power cut. To keep the evidence, nothing more is written and no receipt can be issued. Do not edit or delete the ledger files; run shopdesk verify for details, then restore from a backup or call support.",
    "ledger.torn_tail": "Note: the last record was cut off by a power loss ({length} bytes); moved to {path}. All earlier records are intact.",
    "receipt.not_found": "There is no receipt {number}.",
    "void.reason_missing": "A void needs a reason.",
    "void.reason_too_long": "The void reason is limited to {limit} characters.",
    "void.already_void": "Receipt {number} is already void.",
    "void.already_invoiced": "Receipt {number} already has official invoice {invoice}; it cannot be voided here: issue a red-letter invoice instead.",
    "void.has_returns": "Receipt {number} already has returns ({refunds}); it cannot be voided: return the remaining lines instead.",
    "return.nothing": "A return needs at least one line and quantity: pick what comes back.",
    "return.unknown_line": "The receipt has no line {line} (it has {lines}); use the line numbers `show` prints.",
    "return.line_twice": "Line {line} is named twice: name each line once with the whole quantity.",
    "return.too_much": "Line {line} ({name}): at most {left} can still come back, not {qty}.",
    "return.pay_back_too_much": "At most {room} can be paid back by {method} (what the receipt took by it, less earlier refunds), not {amount}: pay back the way the customer paid.",
    "return.pay_back_mismatch": "The refund payments add up to {paid} but {total} is due back: adjust the amounts.",
    "return.voided": "Receipt {number} is void: there is nothing to return.",
    "return.training": "Receipt {number} is a training receipt: it cannot be returned.",
    "return.reason_missing": "A return needs a reason.",
    "return.reason_too_long": "The return reason is limited to {limit} characters.",
    "return.bad_line_spec": "Write a returned line as LINE or LINExQTY (e.g. 2x1): {value}.",
    "return.done": "Refund {number} (for receipt {original}) issued: {total} paid back by {payments}.",
    "list.bad_date": "Dates are written YYYY-MM-DD: {value}.",
    "verify.ok": (
        "Ledger intact: {records} records, last sequence {seq}; every hash, link and receipt "
        "number checks, and so do the signatures of the newest record, every void, every "
        "buyer tax id and a random sample (all signatures: verify --all-signatures)."
    ),
    "verify.ok_all": (
        "Ledger intact: {records} records, last sequence {seq}; every hash, link, receipt "
        "number and signature checks."
    ),
    "verify.bad": "Ledger verification FAILED at {file} line {line} (sequence {seq}): {reason}. Records from here on cannot be trusted.",
    "verify.reason.bad_json": "not valid JSON",
    "verify.reason.bad_shape": "fields missing or of the wrong type",
    "verify.reason.bad_hash": "content modified (hash mismatch)",
    "verify.reason.bad_signature": "signature invalid",
    "verify.reason.bad_sequence": "sequence broken (a record deleted, inserted or moved)",
    "verify.reason.bad_link": "link to the previous record broken",
    "verify.reason.non_canonical": "the bytes are not the canonical form that was hashed (e.g. an added space)",
    "verify.reason.bad_receipt_number": "receipt number repeated or out of sequence",
    "verify.reason.refund_arithmetic": "a refund's figures do not follow from the sold lines it names, or its payments do not add up",
    "verify.reason.receipt_arithmetic": (
        "its figures do not re-price (quantity × price, discounts, tax split, totals or payments); "
        "verify-batch of its batch names the field"
    ),
    "verify.reason.shift_range": (
        "a Z report's range does not match the ledger: a shift starts right after the previous Z, "
        "ends right before this one, and its receipt count is the receipts in between"
    ),
    "verify.reason.time_backwards": "its time is earlier than the record before it, with no clock correction",
    "verify.reason.trailing_junk": "incomplete bytes at the end of a finished month's file",
    "verify.torn_tail": "Note: {file} ends in {length} bytes of an incomplete record (line {line}: cut off by a power loss, or being written now). The next sale moves them to quarantine/ and records that in the ledger.",
    "verify.unrecorded_quarantine": "Note: {file} ({length} bytes) holds bytes cut from the ledger, but no repair record names it (a crash right after the cut, or an older version). Keep the file.",
    "verify.repaired": "Repair on record (sequence {seq}, {time}): {length} bytes cut from {partition} at offset {offset} (SHA-256 {sha256}), kept in {quarantined_to}.",
    "expected_int": "must be a whole number",
    "expected_float": "must be a number",
    "expected_str": "must be quoted text",
    "expected_bool": "must be true or false",
    "expected_list": 'must be a list such as ["Wang Fang"]',
    "expected_names": "must be a non-empty list of names",
    "not_a_table": "must be a [section]",
    "empty": "must not be empty",
    "terminal_id_shape": "a terminal id is 1–8 capital letters or digits, e.g. T01",
    "unknown_timezone": "unknown time zone; e.g. Asia/Shanghai",
    "not_positive": "must be above 0",
    "init.name_missing": "Give the shop's name with --name (or use --demo for the demo shop).",
    "init.bad_terminal": "Terminal id {value} is not valid: 1–8 capital letters or digits, e.g. T01.",
    "demo.created": "Created the demo shop in {folder} (preview printer, no hardware needed).",
    "demo.next": "Try more: shopdesk --home {folder} sell --item D002x3 --pay cash:10",
    "init.done": "Created shop '{shop}' (terminal {terminal}) in {folder}.",
    "void.done": "Receipt {number} is now void.",
    "sell.change": "Change {change}",
    # ----- export, verify-batch, reconcile (shopdesk.export, services.export/reconcile)
    "export.write_failed": "Could not write the batch {file}: {reason}. No partial file was left and nothing was recorded; check the USB stick or free space and try again.",
    "export.too_large": "The batch {file} would exceed 2 GB. Split it into several batches with --until.",
    "export.ledger_broken": "The ledger is broken at sequence {seq}; nothing was exported. Run shopdesk verify first.",
    "export.ledger_damaged": (
        "The ledger fails verification at {file} line {line} (sequence {seq}): {reason}. Nothing "
        "was exported and no receipt was marked exported. Run shopdesk verify, then restore "
        "from a backup or ask for support."
    ),
    "export.resumed": (
        "The batch {batch} of an interrupted export was finished with its original content "
        "(identical to any copy already written). Export again for the receipts after it."
    ),
    "export.bad_range": "The start date {since} is after the end date {until}.",
    "export.since_gap": "Receipt {number} of {day} and later ones are not exported yet; batches are contiguous and cannot skip them. Leave out --since, or split with --until.",
    "export.nothing": "Nothing to export: no new receipts or voids since the last batch.",
    "export.unknown_batch": "There is no batch {batch}. Batch ids are shown by the export and in shopdesk list.",
    "export.again_with_dates": "--again rewrites a recorded batch with its own range: it cannot be combined with --since/--until.",
    "export.folder_empty": "Type the folder to write the batch to.",
    "export.folder_relative": "Type the whole path of the folder, starting with / (or ~ for your home folder): {folder}",
    "export.folder_unreadable": "Cannot open {folder}: {reason}.",
    "export.folder_missing": "There is no folder {folder}. Is the USB stick plugged in? Check the path.",
    "export.folder_is_file": "{folder} is a file, not a folder. Type the folder to put the batch in.",
    "export.progress": "Exporting",
    "export.done": Plural(
        "Exported batch {batch}: {issued} receipt ({voided} void, {training} training left out), "
        "total {total}. SHA-256 {sha256}",
        "Exported batch {batch}: {issued} receipts ({voided} void, {training} training left out), "
        "total {total}. SHA-256 {sha256}",
        count="issued",
    ),
    "export.refunds": (
        "Returns: {count} ({numbers}), refunded {total}; the batch net of returns is {net}. "
        "The accountant issues a red-letter invoice for each, against the original receipt "
        "and invoice numbers on its rows."
    ),
    "export.late_voids": "Note: these receipts were exported in an earlier batch and voided since; if invoiced, issue red-letter invoices: {numbers}",
    "export.again_same": "The rewritten file is byte-identical to the first export.",
    "export.again_differs": "Note: the rewritten file differs from the first export (shop profile or export columns changed?). It is still signed and verifies.",
    "batch.missing_file": "The batch file {file} does not exist.",
    "batch.unreadable": "Cannot read {file}: {reason}.",
    "batch.not_a_zip": "{file} is not a batch: not a zip file, or damaged.",
    "batch.too_large": "The batch {file} is too large (limit {limit} bytes); refused.",
    "batch.too_many_members": "The batch {file} holds {count} entries (at most {limit}); refused.",
    "batch.unsafe_name": "The batch contains an unsafe name '{name}' (absolute path or ..); refused.",
    "batch.symlink": "'{name}' in the batch is a symbolic link; refused.",
    "batch.unexpected_member": "The batch contains an unexpected entry '{name}'. A batch holds only manifest.json, receipts.jsonl, receipts.csv and invoice-import.xlsx.",
    "batch.missing_member": "The batch is missing {name}.",
    "batch.duplicate_member": "{name} appears twice in the batch.",
    "batch.encrypted": "{name} in the batch is encrypted.",
    "batch.bad_compression": "{name} in the batch uses an unsupported compression method.",
    "batch.member_too_large": "{name} in the batch declares {size} bytes, above the limit of {limit}; refused.",
    "batch.zip_bomb": "{name} in the batch expands abnormally ({packed} bytes to {size}): a zip bomb; refused.",
    "batch.corrupt_member": "{name} in the batch is damaged and cannot be read.",
    "batch.line_too_long": "{name} in the batch: line {line} is too long; refused.",
    "batch.nested_archive": "{name} in the batch is an archive, not text; refused.",
    "batch.bad_manifest_json": "manifest.json is not valid JSON: {reason}",
    "batch.bad_manifest_field": "manifest.json field {field} is invalid: expected {expected}.",
    "batch.bad_format": "This is not a shopdesk batch (format = {value}).",
    "batch.bad_version": "Batch format version {value} is not supported (this program reads {known}). Update shopdesk.",
    "batch.key_mismatch": "The batch is signed by another key (fingerprint {fingerprint}), not the shop key you gave. It was not issued by that shop.",
    "batch.bad_signature": "The manifest signature is invalid: the manifest was modified. Do not trust this batch.",
    "batch.file_hash": "{name} does not match the SHA-256 in the manifest: modified or incomplete. Do not trust this batch.",
    "batch.bad_record": "receipts.jsonl line {line} (sequence {seq}): {reason}. Do not trust this batch.",
    "batch.record_count": "receipts.jsonl holds {found} records, the manifest says {expected}: records are missing or added.",
    "batch.head_mismatch": "The last record's hash is not the chain head stated in the manifest.",
    "batch.wrong_terminal": "The record with sequence {seq} comes from another terminal.",
    "batch.receipt_arithmetic": "Receipt {number}: its figures do not add up ({reason}).",
    "batch.receipt_gap": "Receipt numbers have a gap: at {number}, sequence {expected} was expected.",
    "batch.refund_arithmetic": (
        "Refund {number}: its figures do not follow from its lines ({reason}). Do not issue "
        "red-letter invoices from this batch; ask the shop to export it again."
    ),
    "batch.refund_gap": (
        "Refund numbers have a gap: at {number}, sequence {expected} was expected. The batch "
        "is incomplete; ask the shop to export it again."
    ),
    "batch.count_mismatch": "The manifest says {field} = {stated}; the records give {found}.",
    "batch.range_mismatch": "The receipt range in the manifest does not match the records.",
    "batch.totals_mismatch": "The manifest total {field} is {stated}; the records add up to {found}.",
    "batch.receipt_repriced": (
        "Receipt {number}: {field} should be {expected} but the record says {found} (re-pricing "
        "quantity × price, discounts, tax split, totals and payments disagrees). The shop's "
        "software did not compute this receipt: do not invoice from it; contact the shop."
    ),
    "batch.derived_mismatch": (
        "{file} does not match the verified records: row {row}, {column} should be {expected} "
        "but is {found} ({count} differences in all). Do not import this file; ask the shop "
        "to export it again (shopdesk export --again {batch}).\n{details}"
    ),
    "batch.csv_mismatch": "receipts.csv does not match the records ({reason}).",
    "batch.not_previous": "{previous} is not the batch before {batch} ({field} does not follow on).",
    "verify_batch.ok": "Batch {batch} verifies: signature, file hashes, every record, the chain and the totals. ({file})",
    "verify_batch.counts": "issued {issued}, void {voided}, valid {valid} ({training} training left out)",
    "verify_batch.links": "  Follows on from the previous batch {previous}.",
    "verify_batch.key": "  Signing key fingerprint {fingerprint}: compare it with the one the shop gave you.",
    "qr_batch.valid": "Receipt {number} is in batch {batch}, matches it and is valid: it can be invoiced.",
    "qr_batch.void": "Receipt {number} is in batch {batch} but was voided: it must not be invoiced.",
    "qr_batch.late_void": "Receipt {number} belongs to an earlier batch; this batch {batch} records its void: if invoiced, issue a red-letter invoice.",
    "qr_batch.training": "Receipt {number} is a training receipt (batch {batch}), not a sale.",
    "qr_batch.missing": "Batch {batch} does not hold receipt {number}: look in another batch.",
    "reconcile.missing_file": "The file {file} does not exist.",
    "reconcile.file_too_large": "{file} is too large (limit {limit} MB) for a mapping.",
    "reconcile.bad_type": "{file}: only .csv and .xlsx files are accepted.",
    "reconcile.bad_file": "Cannot read {file}: the file is damaged.",
    "reconcile.no_header": "{file} has no header row: it needs a receipt number column ({number}) and an invoice number column ({invoice}).",
    "reconcile.too_many_rows": "{file} has more than {limit} rows; that is not a mapping.",
    "reconcile.empty": "{file} has no rows.",
    "reconcile.rejected": "{file} has {count} bad rows; nothing was recorded. Fix them and run it again.",
    "reconcile.problem": "Line {line} ({number}): ",
    "reconcile.problem.missing_number": "no receipt number.",
    "reconcile.problem.invoice_as_number": "Excel stored the invoice number as a number and lost digits. Format the column as text and type it again.",
    "reconcile.problem.bad_invoice_no": "invoice number '{value}' is invalid (8 to 20 digits).",
    "reconcile.problem.bad_date": "invoice date '{value}' is invalid (YYYY-MM-DD).",
    "reconcile.problem.duplicate": "duplicate of line {first}.",
    "reconcile.problem.unknown": "no such receipt on this terminal.",
    "reconcile.problem.training": "a training receipt: never invoiced.",
    "reconcile.problem.void": "the receipt is void and must not be invoiced.",
    "reconcile.problem.not_exported": (
        "this receipt is not in an exported batch yet, so its invoice cannot be recorded: "
        "the next batch's invoice-import.xlsx would still list it and it would be invoiced twice. "
        "Export first, then record the number; if an invoice was already issued for it by hand, "
        "delete its row from that sheet before importing."
    ),
    "reconcile.problem.already": "already recorded with invoice {invoice}, which differs.",
    "reconcile.done": "Recorded {applied} invoices ({skipped} rows were already recorded and skipped).",
    # --- outage, offline limits (issue 4) ---
    "outage.already_open": "An outage is already open (since {since}). When the system is back, run shopdesk outage end.",
    "outage.not_open": "No outage is open, so there is nothing to end.",
    "outage.note_too_long": "The note is limited to {limit} characters.",
    "outage.auto_started": "Recorded an e-invoice outage starting now ({time}). When the system is back, run shopdesk outage end.",
    "outage.started": "Outage recorded, starting {time}.",
    "outage.ended": "Outage ended at {time} after {duration}. Export the waiting receipts soon: shopdesk export.",
    "limits.hours_warn": "Warning: the oldest receipt not yet exported is {hours} h old, {percent}% of the {max_hours} h offline limit. Export a batch soon.",
    "limits.hours_exceeded": "WARNING: receipts have waited past the {max_hours} h offline limit ({hours} h). Export a batch and issue the official invoices now.",
    "limits.amount_warn": "Warning: {amount} yuan not yet exported, {percent}% of the {max_amount} yuan offline limit. Export a batch soon.",
    "limits.amount_exceeded": "WARNING: {amount} yuan not yet exported has reached the {max_amount} yuan offline limit. Export a batch and issue the official invoices now.",
    "limits.blocked_hours": "Sale refused: receipts not yet exported have reached the offline time limit ({value}/{limit} h) and the profile blocks past it. Export a batch first (shopdesk export).",
    "limits.blocked_amount": "Sale refused: with this sale {value} yuan would wait for export, reaching the {limit} yuan offline limit (room left: {remaining} yuan), and the profile blocks past it. Export a batch first (shopdesk export).",
    # --- X / Z reports (issue 4) ---
    "report.bad_date": "Dates are written YYYY-MM-DD: {value}.",
    "report.empty_shift": "Nothing to close: this shift (since the last Z at {since}) has no receipt and no void yet. Run the Z after the next sale.",
    "report.no_close": "No Z report has been made yet, so there is none to reprint. Close the shift with shopdesk report z --counted AMOUNT.",
    "report.bad_count": "Cannot read the count item {item}: write VALUExPIECES, e.g. 100x3; values are {values} yuan.",
    "report.z_date": "A Z closes the open shift (everything since the last Z), not a date. See a date with shopdesk report x --date; reprint with --reprint.",
    "report.count_needed": "Count the drawer before the close: give --counted AMOUNT (e.g. --counted 1234.50) or --count VALUExPIECES (e.g. --count 100x3 50x1).",
    "report.print_unavailable": "Printing reports is not available in this build (no printing module); the report is shown on screen.",
    # --- report labels (terminal table and printed sheet) ---
    "report.w.x": "X report (running totals, shift open)",
    "report.w.x_day": "X report (one calendar date)",
    "report.w.x_closed": "X report (this day is closed)",
    "report.w.z": "Z report (shift closed)",
    "report.w.since": "Shift opened after the Z of",
    "report.w.first_shift": "first shift",
    "report.w.seq_range": "Ledger records",
    "report.w.rseq_range": "Receipt numbers",
    "report.w.days": "Calendar dates",
    "report.w.counted": "Cash counted",
    "report.w.over_short": "Over (+) / short (-)",
    "report.w.approved_by": "Approved by",
    "report.w.manager": "manager",
    "report.w.day": "Business day",
    "report.w.generated": "Generated",
    "report.w.key_fingerprint": "Key fingerprint",
    "report.w.receipts": "Receipts",
    "report.w.voids": "Voids",
    "report.w.training": "Training receipts (excluded)",
    "report.w.sales": "Sales",
    "report.w.voided": "Voided",
    "report.w.refunds": "Returns",
    "report.w.refunded": "Refunded",
    "report.w.till_events": "Till events (no receipts)",
    "report.w.cancelled_sales": "Sales cancelled",
    "report.w.cancelled": "Amount cancelled",
    "report.w.removed_lines": "Lines removed or reduced",
    "report.w.removed": "Amount removed",
    "report.w.drawer_opens": "Drawer opened without a sale",
    "report.w.gross": "Total (tax incl.)",
    "report.w.net": "Net",
    "report.w.tax": "Tax",
    "report.w.rounding": "Rounded off",
    "report.w.by_rate": "By tax rate",
    "report.w.rate_head": "Rate|Gross|Net|Tax",
    "report.w.by_method": "By payment method",
    "report.w.cash": "Cash (tendered - change)",
    "report.w.wechat": "WeChat Pay",
    "report.w.alipay": "Alipay",
    "report.w.card": "Card",
    "report.w.other": "Other",
    "report.w.opening_float": "Opening float",
    "report.w.cash_expected": "Cash expected in drawer",
    "report.w.previous_grand_total": "Previous grand total",
    "report.w.grand_total": "Grand total (never reset)",
    "report.w.none": "(none)",
    "report.w.z_copy": "Z report (reprint)",
    "report.not_closed": "No Z report was made on {day}, so there is none to reprint. Without --date the newest Z is reprinted.",
    "report.printed": "The report was sent to the printer ({printer}).",
    # ----- backup and restore -----
    "backup.no_destination": "No backup folder is set. Give one with --to, or set [backup] folder in the shop profile.",
    "backup.destination_missing": "The backup folder {folder} does not exist. Plug in the USB stick or check the path, then try again. Sales are not affected.",
    "backup.destination_full": "The backup folder {folder} is full ({reason}). Free some space or use another stick. The previous backup is still intact.",
    "backup.write_failed": "Could not write to the backup folder {folder}: {reason}. The previous backup is still intact. Check the stick and try again.",
    "backup.first_by_hand": "{folder} holds no backup of this till yet. The first backup copies and checks every record and can take minutes, so it is not started during sales: run shopdesk backup now, or it runs after the Z report.",
    "backup.failed": "The backup failed: {reason}. The previous backup is still intact; sales are not affected.",
    "backup.passphrase_short": "The backup passphrase needs at least {minimum} characters.",
    "backup.passphrase_mismatch": "The two passphrases differ.",
    "backup.key_unreadable": "The encrypted key file in the backup is damaged and cannot be read.",
    "backup.wrong_passphrase": "Wrong passphrase: the signing key in the backup cannot be unlocked. Check the passphrase (it is case-sensitive) and try again.",
    "backup.unreadable": "Cannot read the backup in {folder}: {reason}.",
    "backup.unknown_version": "The backup in {folder} was made by a newer shopdesk. Upgrade shopdesk.",
    "backup.bad_manifest": "The backup list (MANIFEST.json) in {folder} is damaged or its signature is invalid: this backup cannot be trusted.",
    "backup.bad_name": "The backup list in {folder} names a file {name} that is not allowed (only plain names such as journal-YYYY-MM.jsonl are). This backup may have been tampered with and cannot be used: use another backup and keep this stick aside.",
    "backup.other_key": "The backup in {folder} is signed by another key (fingerprint {fingerprint}), not this shop's key (fingerprint {expected}). It is not this shop's backup, or it was tampered with: do not use it; use another backup.",
    "backup.key_fingerprint": "The backup is signed by the key with fingerprint {fingerprint}: compare it with the shop's (shown by shopdesk pubkey); if they differ, do not use it.",
    "backup.key_matches": "The backup is signed by the key with fingerprint {fingerprint}, the key of this shop's ledger.",
    "pubkey.fingerprint": "Key fingerprint {fingerprint} (note it down to check backups and batches against)",
    "backup.previous_unusable": "Note: the earlier backup in {folder} was damaged; this backup copies everything afresh.",
    "backup.other_shop": "{folder} holds the backup of another shop or terminal ({terminal}); it is not overwritten. Use another folder.",
    "backup.newer_than_ledger": "The backup in {folder} (up to sequence {backup}) is newer than this ledger (up to {ledger}); it is not overwritten. This PC may have been restored from an older backup: back up to another folder and keep this stick safe.",
    "backup.diverged": "The backup in {folder} differs from this ledger at sequence {seq} (it comes from another copy of this terminal's ledger); it is not overwritten. Back up to another folder and keep this stick safe.",
    "backup.copy_bad": "The backup copy does not verify at {file} line {line} (sequence {seq}): {reason}. Run shopdesk verify to check the ledger, and try another stick. The previous backup is still intact.",
    "backup.copy_incomplete": "The backup copy is incomplete (it should reach sequence {seq}). Try again. The previous backup is still intact.",
    "backup.recopied": "Note: {file} in the backup was damaged and has been copied afresh.",
    "backup.no_key": "Note: this backup does not hold the signing key; a shop restored from it can read but not issue receipts. Run shopdesk backup once with a passphrase (--passphrase-file FILE or at the prompt) to add the encrypted key.",
    "backup.not_recorded": "Note: the backup is complete and verified, but could not be noted in the ledger ({reason}).",
    "backup.done": "Backup done: {folder} (generation {generation}), up to sequence {seq} (receipts up to no. {rseq}); {verified} new records verified, {bytes} bytes copied.",
    "backup.done_key": "The signing key is in the backup, encrypted.",
    "backup.warning": "⚠ Backup not done ({time}, {destination}):",
    "backup.status_never": "No backup has been made yet.",
    "backup.status_last": "Last backup: {time} to {destination}, up to sequence {seq}.",
    "backup.status_pending": "Receipts issued since (not yet backed up): {count}.",
    "backup.status_folder": "Backup folder (profile): {folder}",
    "backup.status_no_folder": "No backup folder in the profile ([backup] folder): no automatic backups.",
    "backup.verify_ok": "Backup intact: {folder}, {records} records up to sequence {seq}, made {made}.",
    "backup.not_found": "There is no shopdesk backup in {folder}.",
    "backup.several": "{folder} holds backups of several terminals: {choices}. Name one of these folders.",
    "backup.file_missing": "The backup in {folder} is missing {file}; it cannot be used.",
    "backup.file_bad": "{file} in the backup {folder} was changed or damaged; the backup cannot be used.",
    "backup.broken": "The backup does not verify; nothing was restored: {file} line {line} (sequence {seq}): {reason}. Use another backup.",
    "backup.no_key_in_backup": "The backup in {folder} does not hold the signing key.",
    "backup.key_mismatch": "The signing key in the backup does not match the ledger's public key; it cannot be used.",
    "verify.reason.bad_bytes": "file bytes differ from the backup list",
    "verify.reason.missing": "records missing (file cut short)",
    "restore.verifying": "Checking every record of the backup (about half a minute per 100k receipts)…",
    "restore.target_not_empty": "{folder} is not an empty folder; nothing is restored into it. Name a new folder.",
    "restore.target_has_ledger": "{folder} already holds a ledger (up to sequence {ledger}); a restore never overwrites a ledger. Name a new folder.",
    "restore.target_newer": "The ledger in {folder} (up to sequence {ledger}) is newer than the backup (up to {backup}); it is not overwritten.",
    "restore.passphrase_needed": "The backup passphrase is needed to restore the signing key: give --passphrase-file, set SHOPDESK_BACKUP_PASSPHRASE or type it at the prompt; or add --no-key (the restored shop can then only read).",
    "restore.write_failed": "Could not build the shop in {folder}: {reason}. Nothing was changed.",
    "restore.key_present": "The signing key {file} is already there.",
    "restore.done": "Restored the backup of {made} into {folder}: up to sequence {seq}, last receipt no. {rseq}.",
    "restore.done_no_key": "Note: the signing key was not restored: this shop can read and verify but not issue receipts. Once you have the passphrase, run shopdesk --home {folder} restore BACKUP --key-only.",
    "restore.key_done": "The signing key is restored: receipts can be issued again.",
    "restore.lost_after": "Note: receipts the old PC issued after this backup are not in it (their paper copies and QR codes still prove them). If customers hold such receipts, note them and tell the accountant.",
    "restore.series": "Receipts now go on in a new series, {series}; the next is {number}. No number the old PC may have used after this backup is issued again. Tell the accountant about the new series.",
    "key.not_restored": "This shop was restored without its signing key: receipts can be read and verified, but no new receipt can be issued. Run shopdesk restore BACKUP --key-only with the backup passphrase.",
    "passphrase.file_missing": "Cannot read the passphrase file {file}.",
    "passphrase.prompt": "Backup passphrase: ",
    "passphrase.prompt_new": "Choose a backup passphrase (encrypts the signing key; at least 8 characters; do not lose it): ",
    "passphrase.prompt_again": "Type it again: ",
    "error.unexpected": "Unexpected error: {error}. Details were logged to {log}.",
    "cart.empty_entry": "Scan a barcode, or type a SKU, a name or pinyin initials.",
    "cart.price_needs_pin": "A price change needs a manager: add the item, then press F4 to change its price.",
    "cart.no_line": "There is no line {line}.",
    "cart.no_line_selected": "There are no lines yet. Scan or type an item first.",
    "pay.far_above_total": (
        "A payment of {amount} yuan is over {times} times the total of {total} yuan: not "
        "money a customer hands over (a barcode scanned into the amount?). Type the amount "
        "the customer gave."
    ),
    "pay.zero_payment": "A payment must be more than zero; if the sale is paid, press F10 to issue.",
    "history.one_word": "Search for one word (plus a date and an amount if you like), e.g. 00042 2026-11-28 12.50.",
    "theme.syntax": "Theme file {file} is not valid TOML: {reason}. The theme was skipped.",
    "theme.bad_field": "Theme file {file}: {field} is not valid: {value}. Write colours as #RRGGBB. The theme was skipped.",
    "pin.mismatch": "The two PINs differ; nothing was changed.",
    "approval.wrong_pin": "The PIN is wrong; nothing was done. Enter it again ({tries_left} more wrong tries lock the till for a while).",
    "approval.locked": "Too many wrong PINs in a row: PINs are refused until {until} ({seconds} s more). Let a manager enter the right PIN then; every wrong try is in the ledger.",
    "approval.needed": "This ({action}) needs a manager's approval: type the manager PIN at the terminal, or point SHOPDESK_PIN_FILE at a file that holds it.",
    "init.pin_again": "Manager PIN again: ",
    "people.pin_prompt": "Cashier's own PIN: ",
    "people.none": "The shop profile lists no [[people]] (people with their own PINs), so there is nobody to sign in.",
    "people.cashier_needed": "The shop profile lists people: name the cashier with --cashier NAME and give their own PIN (SHOPDESK_CASHIER_PIN_FILE, or typed at the terminal).",
    "pin.too_weak": "That PIN is too easy to guess (the demo PIN 1234, one digit repeated, or a run like 123456). Choose another PIN of 4 to 12 digits.",
    "init.pin_missing": "A new shop needs its own manager PIN: type it twice at the terminal (not shown), or point SHOPDESK_PIN_FILE at a file that holds it. Only the demo (--demo) uses 1234.",
    "security.demo_pin": "This shop still uses the demo manager PIN 1234: anyone can void receipts or change prices. Change it now in Settings → PIN.",
    "pin.bad_shape": "A PIN is 4 to 12 digits.",
    "pin.wrong": "The current manager PIN is wrong; nothing was changed.",
    "clock.bad_env": "SHOPDESK_CLOCK is not a time: {value}. Write an instant with its offset, e.g. 2026-11-28T12:00:00+08:00, or unset it.",
    "clock.behind": "The PC clock says {now}, earlier than the ledger's last record ({last}). A receipt's time may never go backwards; nothing was issued. Set the computer's date and time right and try again; if the earlier records were stamped by a clock that ran ahead, a manager can record a clock correction: shopdesk clock correct.",
    "clock.behind_at_start": "The PC clock says {now}, earlier than the ledger's last record ({last}): no receipt can be issued now (a receipt's time may never go backwards). Set the computer's date and time right first; if the earlier records were stamped by a clock that ran ahead, a manager can record a clock correction: shopdesk clock correct.",
    "clock.far_ahead": "The PC clock says {now}, {days} days after the ledger's last record ({last}). If today's date is right, confirm and sell (CLI: add --clock-ok); otherwise set the computer's date and time first.",
    "clock.correction_note_missing": "Say why the clock is corrected (e.g. 'BIOS battery died, the clock ran a year ahead').",
    "clock.nothing_to_correct": "The PC clock ({now}) is not behind the last record ({last}): there is nothing to correct.",
    "clock.corrected": "Clock correction recorded: the records before run up to {last}; the next ones start at {now}.",
    "clock.status": "PC clock: {now}\nLast record: {last}",
    "clock.ok": "The clock is fine.",
    "clock.pin_prompt": "Manager PIN: ",
    "till.approval_needed": "Cancelling a sale, removing a line and opening the drawer need a manager's approval: enter the manager PIN (a shop may set [security] approve_cancel = false in profile.toml to record cancels and removals without one).",
    "drawer.reason_missing": "Opening the drawer without a sale needs a reason (e.g. change for a note).",
    "drawer.reason_too_long": "The reason is too long: at most {limit} characters. Shorten it.",
    "drawer.opened": "Drawer opening recorded (record #{seq}, by {by}, approved by {approved_by}): {reason}",
    "clock.pin_missing": "The manager PIN is needed: type it at the terminal, or point SHOPDESK_PIN_FILE at a file that holds it (never put a PIN on the command line).",
    "printer.bad_paper_width": "Paper width {value} is not valid: choose 58 or 80 (mm).",
    "cashier.empty": "The cashier list is empty: type at least one name; separate names with commas.",
}


# ----- printing (issue 3) ------------------------------------------------------
MESSAGES.update(
    {
        "printer.refused": "Printer {printer} refused the connection: check it is switched on and the address and port (usually 9100) are right.",
        "printer.no_drawer": "No cash drawer is set for printer {printer} ([printer] cash_drawer = false), so it did not open: open it with its key, or turn the drawer on in the printer settings.",
        "printer.unreachable": "Cannot reach printer {printer} ({reason}): check the cable, the device path and the printer setting.",
        "printer.timeout": "Printer {printer} timed out: it may be jammed, its buffer full, or hung. Check it; switch it off and on if needed.",
        "printer.dropped": "The connection to printer {printer} broke during the job: the receipt may be partly printed. Check the connection and reprint.",
        "printer.paper_out": "Printer {printer} is out of paper: load a new roll and reprint.",
        "printer.paper_low": "Printer {printer} is near the end of its paper roll: have a new roll ready.",
        "printer.offline": "Printer {printer} is offline: check the cover is closed and no error light is on.",
        "printer.no_reply": "Printer {printer} did not answer the status query: it may be jammed, open or hung, and the receipt may not have printed. Check it and reprint; if this printer never answers, set printer.status_query = false in the profile.",
        "printer.permission": "No permission to use printer {printer}: add this user to the lp/dialout group, or add a udev rule for the USB printer.",
        "printer.bad_url": "The printer address {printer} in the profile is invalid ({reason}). Use usb:VID:PID, serial:/dev/ttyUSB0?baudrate=9600 (Windows: serial:COM3), tcp://HOST:9100, file:/dev/usb/lp0, cups:NAME, spooler:WINDOWS PRINTER NAME or preview.",
        "printer.cups_missing": "Printer {printer} uses CUPS but the lp command is missing: install cups-client or use a file: or tcp: address.",
        "printer.usb_needs_pyusb": "Printer {printer} is a direct USB printer and needs pyusb (pip install pyusb); on Linux you can use file:/dev/usb/lp0 instead.",
        "printer.spooler_needs_pywin32": "Printer {printer} prints through the Windows spooler and needs pywin32 (pipx inject shopdesk pywin32, see docs/windows.md); or use a tcp: or serial:COM3 address.",
        "printer.serial_needs_pyserial": "Printer {printer} is on a COM port and needs pyserial (pipx inject shopdesk pyserial, see docs/windows.md); or add it as a Windows printer and use spooler:NAME.",
        "printer.no_font": 'Image text mode needs a Chinese font and none was found: install fonts-wqy-microhei (or Noto CJK), or set font = "/path/to/font" under [printer] in the profile.',
        "printer.font_missing": "The font file set in the profile's [printer] font does not exist: {file}.",
        "printer.font_unreadable": "The font {file} cannot be read: set a TrueType/OpenType font under [printer] font.",
        "printer.unknown_profile": "Printer profile {value} is unknown: set [printer] profile to a python-escpos profile name, or default.",
        "printer.qr_too_large": "The QR code is too large ({modules} modules) for paper {dots} dots wide: shorten [receipt] qr_template in the profile.",
        "printer.needs_key": "A shop opened read-only cannot print receipts: the QR code needs the terminal key.",
        "printer.internal": "Internal error while printing to {printer}: {error}. The receipt is saved; reprint later.",
        "print.saved_not_printed": "Receipt {number} is saved but NOT printed: {reason} When fixed, run shopdesk print-queue --retry.",
        "print.record_not_saved": (
            "Receipt {number} was issued and printed, but the print record could not be saved "
            "in the ledger: {reason}. Do not ring the sale again. Free disk space; the print "
            "queue will list it as not printed: do not print it again if the customer has it."
        ),
        "print.record_not_saved_not_printed": (
            "Receipt {number} was issued but NOT printed: {error} The print record could not be "
            "saved in the ledger either: {reason}. Do not ring the sale again. Free disk space, "
            "fix the printer, then print it from the print queue."
        ),
        "print.done": "Receipt {number} printed.",
        "print.copy_done": "Receipt {number} reprinted (copy {copy}).",
        "print.preview_files": "Preview files: {files}",
        "print.what": "Name a receipt number, or use --retry to print the failed ones.",
        "print.queue_empty": "No receipts are waiting to be printed.",
        "print.queue_row": "{number}  {time}  {total}  not printed",
        "print.queue_stopped": Plural(
            "The printer still fails; {left} receipt stays in the queue.",
            "The printer still fails; {left} receipts stay in the queue.",
            count="left",
        ),
        "printer.status_line": "Printer {printer}: {online}, paper {paper}.",
        "printer.status_unreadable": "Printer {printer} is connected, but its status cannot be read over this connection.",
        "printer.test_done": "Test page sent to {printer}.",
        "qr.not_ours": "This is not a shopdesk provisional-receipt QR (it starts SDPR*): {value}",
        "qr.malformed": "The QR content is incomplete or altered (field {field}: {value}).",
        "qr.unknown_version": "Unknown QR format version {value}: upgrade shopdesk.",
        "qr.pubkey_missing": "The public key file {file} does not exist.",
        "qr.valid": "VALID: receipt {number}, {time}, total {total} (tax {tax}), issued by terminal {terminal} (tax id {uscc}); signature verifies.",
        "qr.invalid": "INVALID: the signature does not verify; this QR was not issued by this terminal, or was altered.",
        "qr.training": "Note: {number} is a TRAINING receipt, not a sale; no invoice can be issued for it.",
        "qr.in_ledger": "The ledger holds this receipt; status: {status}.",
        "qr.not_in_ledger": "The signature is valid but the ledger has no receipt {number}: check this is the right terminal's ledger.",
        "qr.voided": "Receipt {number} was voided: it must not be invoiced.",
        "qr.signature_only": "Only the signature was checked: whether it was voided needs the ledger (--home) or a batch (--batch).",
        "qr.mismatch": "WARNING: the QR disagrees with the ledger ({fields}). Do not accept it, and check whether the terminal key leaked.",
    }
)


# ----- field names (the {field} of an error), issue 14 item 10 ----------------
# In a sentence about what was typed (money.*, sale.*), a {field} with a field.* code
# is shown in the message's language; elsewhere {field} is a name the user must find
# as written (a catalog column, a profile key such as max_amount, a batch field).
FIELD_SENTENCES = ("money.", "sale.")
MESSAGES.update(
    {
        "field.price": "price",
        "field.discount": "discount",
        "field.payment": "payment",
        "field.amount": "amount",
        "field.counted": "counted",
        "field.quantity": "quantity",
    }
)

# ----- what needs approval (the {action} of approval.needed) -----------------
# The action codes of shopdesk.services.approval.ACTIONS, in the message's language.
MESSAGES.update(
    {
        "action.void": "voiding a receipt",
        "action.price_override": "a price off the catalog",
        "action.discount": "a discount",
        "action.return": "a return",
        "action.rounding": "rounding off the total",
        "action.cancel_sale": "cancelling a sale",
        "action.remove_line": "removing a line",
        "action.drawer_open": "opening the cash drawer",
        "action.close_day": "closing the shift (Z report)",
        "action.clock_correct": "correcting the clock",
        "action.training": "training mode",
        "action.settings": "changing the settings",
    }
)

# ----- printed receipt labels (shopdesk/printing/layout.py Words) ------------
MESSAGES.update(
    {
        "receipt.w.banner": "PROVISIONAL RECEIPT",
        "receipt.w.notice": "Issued while the e-invoice system was down; the official invoice follows.",
        "receipt.w.uscc": "Tax ID",
        "receipt.w.address": "Addr",
        "receipt.w.phone": "Tel",
        "receipt.w.number": "No.",
        "receipt.w.time": "Time",
        "receipt.w.terminal": "Terminal",
        "receipt.w.cashier": "Cashier",
        "receipt.w.discount": "Discount",
        "receipt.w.sale_discount": "Sale discount",
        "receipt.w.rounding": "Rounded off",
        "receipt.w.percent_off": "{pct}%",
        "receipt.w.rate": "Rate",
        "receipt.w.net": "Net",
        "receipt.w.tax": "Tax",
        "receipt.w.total": "TOTAL",
        "receipt.w.capitals": "In words",
        "receipt.w.change": "Change",
        "receipt.w.buyer": "Buyer",
        "receipt.w.buyer_tax_id": "Tax ID",
        "receipt.w.scan": "Scan to verify",
        "receipt.w.copy": "COPY {n}",
        "receipt.w.void": "VOID",
        "receipt.w.void_reason": "Reason",
        "receipt.w.refund": "RETURN - REFUND",
        "receipt.w.original": "Original",
        "receipt.w.refund_total": "REFUND TOTAL",
        "receipt.w.reason": "Reason",
        "receipt.w.approved_by": "Approved by",
        "receipt.w.manager": "manager",
        "receipt.w.training": "TRAINING - NOT A RECEIPT",
        "receipt.w.cash": "Cash",
        "receipt.w.wechat": "WeChat",
        "receipt.w.alipay": "Alipay",
        "receipt.w.card": "Card",
        "receipt.w.other": "Other",
        # A label and its value on one line: Chinese joins them with a full-width colon.
        "receipt.w.labelled": "{label}: {value}",
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


#: What a printer's status fields say, translated where shown.
ONLINE_WORDS = {True: N_("online"), False: N_("offline")}
PAPER_WORDS = {"ok": N_("ok"), "near_end": N_("near end"), "out": N_("out")}


def _reason_text(reason: str, detail: dict, lang: str) -> str:
    """A nested ``reason`` (e.g. why a profile field is invalid) in words too."""
    if reason.startswith("one_of:"):
        options = reason.removeprefix("one_of:").replace("|", ", ")
        return gettext_in(lang, "must be one of: {options}").format(options=options)
    if reason in MESSAGES:
        return message(reason, lang, **detail)
    return reason


def printer_status_text(printer: str, status: object, lang: str) -> tuple[str, str | None]:
    """What a printer said about itself, and the problem that stops a job (if any)."""
    if not getattr(status, "readable", False):
        return message("printer.status_unreadable", lang, printer=printer), None
    online = ONLINE_WORDS.get(getattr(status, "online", None), "?")
    paper = PAPER_WORDS.get(getattr(status, "paper", None) or "", "?")
    line = message(
        "printer.status_line",
        lang,
        printer=printer,
        online=gettext_in(lang, online),
        paper=gettext_in(lang, paper),
    )
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


def template(code: str, lang: str, count: object = 1) -> str | None:
    """The words for ``code`` in ``lang``, placeholders unfilled; English when untranslated.

    ``count`` picks the form of a :class:`Plural` message; one that is not a
    number (a ``?``) gets the form for many.
    """
    words = MESSAGES.get(code)
    if isinstance(words, Plural):
        number = int(count) if isinstance(count, int) or str(count).isdigit() else 2
        return translation(lang).npgettext(code, words.one, words.many, number)
    return None if words is None else translation(lang).pgettext(code, words)


def language_names() -> tuple[tuple[str, str], ...]:
    """(own name, code) for every language with a catalog: a new .po joins the pickers."""
    return tuple((message("language.name", lang), lang) for lang in LOCALES)


def message(code: str, lang: str = "zh", **data: Any) -> str:
    """The sentence for ``code``; an unknown code still says something useful."""
    plural = MESSAGES.get(code)
    count = data.get(plural.count) if isinstance(plural, Plural) else 1
    words = template(code, lang, count)
    if words is None:
        return f"{code} {data}" if data else code
    if isinstance(data.get("reason"), str):
        data = {**data, "reason": _reason_text(data["reason"], data.get("detail") or {}, lang)}
    if code.startswith(FIELD_SENTENCES) and f"field.{data.get('field')}" in MESSAGES:
        data = {**data, "field": message(f"field.{data['field']}", lang)}
    if f"action.{data.get('action')}" in MESSAGES:
        data = {**data, "action": message(f"action.{data['action']}", lang)}
    try:
        return words.format(**data)
    except (KeyError, IndexError):
        return f"{words} {data}"
