"""An amount in Chinese capitals (人民币大写), as a receipt's total line must show it.

Capitals exist so a written amount cannot be altered by adding a stroke; a receipt
whose capitals disagree with its figures, or break the writing rules, is rejected
by the buyer's accountant. The rules followed here:

* 中国人民银行《支付结算办法》附件一《正确填写票据和结算凭证的基本规定》 for 零:
  a run of zeros inside the number is one 零 (¥6,007.14 → 陆仟零柒元壹角肆分); when
  角 is 0 and 分 is not, 元 is followed by 零 (¥325.04 → 叁佰贰拾伍元零肆分). Where the
  rule lets a 零 be written or left out (the 万 or 元 digit is 0 but the next digit is
  not), we leave it out: ¥1,680.32 → 壹仟陆佰捌拾元叁角贰分, ¥107,000.53 →
  壹拾万柒仟元伍角叁分. A wholly zero 万 section still gives one 零 (壹亿零伍仟元整).
* 财政部《会计基础工作规范》第五十二条第（三）项 for 整: "大写金额数字到元或者角为止的，
  在'元'或者'角'字之后应当写'整'字或者'正'字；大写金额数字有分的，分字后面不写'整'或者
  '正'字". The PBOC rule requires 整 after 元 and only allows it after 角, so always
  writing it after 角 satisfies both: ¥1,000.50 → 壹仟元伍角整, ¥1.05 → 壹元零伍分.
* Amounts under one yuan start with their first non-zero unit (¥0.05 → 伍分), not
  零元: the figures already show no yuan, and a leading 零 invites an inserted digit.
* Every 拾 carries its digit (¥10.10 → 壹拾元壹角整), the usual practice on
  financial documents so that nothing can be written in front of 拾.
"""

from __future__ import annotations

from decimal import Decimal

from shopdesk.domain.money import round_fen, to_fen
from shopdesk.errors import InvalidInput

DIGITS = "零壹贰叁肆伍陆柒捌玖"
ZERO_WORD = DIGITS[0]
#: Units inside a four-digit section, by decimal place (ones, tens, hundreds, thousands).
PLACE_UNITS = ("", "拾", "佰", "仟")
#: Section units by section index: Chinese groups digits by four (万 = 10^4, 亿 = 10^8).
SECTION_UNITS = ("", "万", "亿")
SECTION_SIZE = 10_000
SECTION_PLACES = len(PLACE_UNITS)
YUAN, JIAO, FEN_UNIT, WHOLE = "元", "角", "分", "整"
#: 亿 is the largest section unit we write, so 9999亿… is the ceiling.
MAX_CAPITALS_AMOUNT = Decimal("999999999999.99")
FEN_PER_YUAN = 100
FEN_PER_JIAO = 10


def amount_in_capitals(amount: Decimal) -> str:
    """Write ``amount`` (yuan, rounded half-up to the fen) in capitals, e.g. 壹仟零肆元整.

    ``InvalidInput`` with ``money.not_a_number``, ``money.negative`` or
    ``money.too_large`` (above :data:`MAX_CAPITALS_AMOUNT`) otherwise.
    """
    if not amount.is_finite():
        raise InvalidInput("money.not_a_number", field="amount", value=str(amount))
    if amount < 0:
        raise InvalidInput("money.negative", field="amount", value=str(amount))
    rounded = round_fen(amount)
    if rounded > MAX_CAPITALS_AMOUNT:
        raise InvalidInput("money.too_large", field="amount", value=str(amount))
    yuan, fen = divmod(to_fen(rounded), FEN_PER_YUAN)
    if yuan == 0 and fen == 0:
        return ZERO_WORD + YUAN + WHOLE
    head = _integer_words(yuan) + YUAN if yuan else ""
    return head + _fraction_words(yuan > 0, *divmod(fen, FEN_PER_JIAO))


def _fraction_words(has_yuan: bool, jiao: int, fen: int) -> str:
    """角 and 分 with the 零 and 整 rules from the module docstring."""
    words = ""
    if jiao:
        words = DIGITS[jiao] + JIAO
    elif fen and has_yuan:
        words = ZERO_WORD
    if fen:
        return words + DIGITS[fen] + FEN_UNIT
    return words + WHOLE


def _integer_words(number: int) -> str:
    """A positive whole number of yuan, section by section from the highest.

    A section gets a leading 零 when zeros separate it from the written part above:
    either its own leading digits are 0 or a whole section in between was 0.
    """
    sections: list[int] = []
    while number:
        number, section = divmod(number, SECTION_SIZE)
        sections.append(section)
    words = ""
    skipped_zero_section = False
    for index in reversed(range(len(sections))):
        section = sections[index]
        if section == 0:
            skipped_zero_section = True
            continue
        if words and (skipped_zero_section or section < SECTION_SIZE // 10):
            words += ZERO_WORD
        words += _section_words(section) + SECTION_UNITS[index]
        skipped_zero_section = False
    return words


def _section_words(section: int) -> str:
    """1..9999 without leading or trailing 零; one 零 for a run of inner zeros."""
    words = ""
    pending_zero = False
    for place in reversed(range(SECTION_PLACES)):
        digit = section // 10**place % 10
        if digit == 0:
            pending_zero = bool(words)
            continue
        if pending_zero:
            words += ZERO_WORD
        words += DIGITS[digit] + PLACE_UNITS[place]
        pending_zero = False
    return words
