"""PackedTexts: many short strings in one, read back exactly as appended."""

from __future__ import annotations

import pytest

from cchc_bot.matching import packed_texts
from cchc_bot.matching.packed_texts import PackedTexts


def test_reads_back_every_text_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(packed_texts, "_CHUNK", 3)  # cross several chunk boundaries
    texts = [f"cau hoi {i}" * (i % 4) for i in range(20)]  # empty strings included
    store = PackedTexts()
    for text in texts:
        store.append(text)
    store.seal()
    assert len(store) == len(texts)
    assert [store[i] for i in range(len(texts))] == texts
    assert store[-1] == texts[-1]


def test_appending_after_a_read_keeps_earlier_texts() -> None:
    store = PackedTexts()
    store.append("thi tot nghiep")
    assert store[0] == "thi tot nghiep"
    store.append("ban sao van bang")
    assert (store[0], store[1]) == ("thi tot nghiep", "ban sao van bang")


def test_out_of_range_raises_index_error() -> None:
    store = PackedTexts()
    store.append("a")
    with pytest.raises(IndexError):
        store[1]
    with pytest.raises(IndexError):
        store[-2]
