"""Rendering replies for Telegram: escaping, splitting, buttons, callback data size."""

from __future__ import annotations

from cchc_bot.channels.telegram.render import (
    button_rows,
    fits_callback,
    render,
    split_text,
    strip_tags,
    units,
)
from cchc_bot.messages import Reply
from tests.fakes.telegram_server import check_html


def test_plain_text_is_escaped_for_html() -> None:
    (part,) = render(Reply('Phí <50.000đ> & lệ phí "0"'))
    assert part.text == 'Phí &lt;50.000đ&gt; &amp; lệ phí "0"'
    assert part.parse_mode == "HTML" and part.plain == 'Phí <50.000đ> & lệ phí "0"'
    assert check_html(part.text) == part.plain


def test_long_text_splits_on_paragraphs_first() -> None:
    paragraphs = [f"Đoạn {i}. " + "chữ " * 200 for i in range(8)]  # ~800 characters each
    parts = split_text("\n\n".join(paragraphs), limit=2000)
    assert all(units(p) <= 2000 for p in parts)
    assert "\n\n".join(parts) == "\n\n".join(paragraphs)


def test_a_paragraph_without_breaks_is_cut_at_words_then_anywhere() -> None:
    words = split_text("từ " * 3000, limit=1000)
    assert all(units(p) <= 1000 for p in words) and all(not p.startswith(" ") for p in words)
    solid = split_text("x" * 2500, limit=1000)
    assert [len(p) for p in solid] == [1000, 1000, 500]


def test_emoji_count_twice_like_telegram() -> None:
    assert units("👍") == 2
    assert all(units(p) <= 10 for p in split_text("👍" * 12, limit=10))


def test_buttons_go_on_the_last_part_and_ratings_share_a_row() -> None:
    reply = Reply(
        "\n\n".join(["đoạn " * 300] * 4),
        choices=(
            ("👍 Hữu ích", "/danhgia e:x up"),
            ("👎 Chưa đúng ý", "/danhgia e:x down"),
            ("Xem toàn bộ thủ tục", "/a x"),
        ),
    )
    parts = render(reply, limit=2000)
    assert len(parts) > 1 and all(not p.buttons for p in parts[:-1])
    assert parts[-1].buttons == (
        (("👍 Hữu ích", "/danhgia e:x up"), ("👎 Chưa đúng ý", "/danhgia e:x down")),
        (("Xem toàn bộ thủ tục", "/a x"),),
    )


def test_one_choice_per_row() -> None:
    rows = button_rows((("Một", "/a 1"), ("Hai", "/a 2"), ("Không phải", "/hotline")))
    assert rows == ((("Một", "/a 1"),), (("Hai", "/a 2"),), (("Không phải", "/hotline"),))


def test_html_replies_keep_their_markup_with_a_plain_fallback() -> None:
    (part,) = render(Reply("<b>Hồ sơ</b> &amp; phí", format="html"))
    assert part.text == "<b>Hồ sơ</b> &amp; phí" and part.plain == "Hồ sơ & phí"
    assert strip_tags("<i>a</i> &lt;b&gt;") == "a <b>"


def test_callback_data_limit_is_64_bytes() -> None:
    assert fits_callback("/a " + "x" * 61)
    assert not fits_callback("/a " + "x" * 62)
    assert not fits_callback("/a " + "đ" * 31)  # 2 bytes each in UTF-8
