"""Money per 100 members in tables reads in its scale (12,38 triệu đồng), not as 12.379.301,8
đồng; other figures per 100 keep one decimal. Exports keep the exact value."""

from decimal import Decimal

from reports.tables.columns import PerHundredColumn, SignedPerHundredColumn


def test_money_per_hundred_is_written_in_its_scale():
    column = PerHundredColumn(verbose_name="x", kind="money")
    assert column.text(Decimal("12379301.8"), {}) == "12,38 triệu đồng"
    assert column.text(None, {}) == "–"
    assert column.value(Decimal("12379301.8")) == Decimal("12379301.8")


def test_counts_per_hundred_keep_one_decimal():
    assert PerHundredColumn(verbose_name="x").text(Decimal("2.55"), {}) == "2,6"


def test_a_change_per_hundred_carries_its_sign_in_either_kind():
    money = SignedPerHundredColumn(verbose_name="x", kind="money")
    assert money.text(Decimal("1540000000"), {}) == "+1,54 tỷ đồng"
    assert money.text(Decimal("-950"), {}).startswith("-950")
    assert SignedPerHundredColumn(verbose_name="x").text(Decimal("3.25"), {}) == "+3,3"
    assert SignedPerHundredColumn(verbose_name="x").text(Decimal("0"), {}) == "0,0"
