"""Which part of a procedure a question asks about: documents, time, fee, where, online …"""

from __future__ import annotations

from collections.abc import Sequence

from cchc_bot.vietnamese import Normalizer

# Cue phrases per aspect, written as people ask; they go through the same normaliser as the
# question, so accents, abbreviations and teencode do not matter. Earlier aspects win ties.
ASPECT_CUES: dict[str, tuple[str, ...]] = {
    "fee": (
        "lệ phí",
        "phí",
        "bao nhiêu tiền",
        "mất tiền",
        "tốn tiền",
        "tốn bao nhiêu",
        "chi phí",
        "có mất phí",
        "miễn phí",
        "thu tiền",
        "giá",
    ),
    "processing_time": (
        "bao lâu",
        "mấy ngày",
        "thời gian giải quyết",
        "thời gian xử lý",
        "thời hạn",
        "bao giờ có",
        "khi nào có kết quả",
        "khi nào nhận",
        "mất mấy ngày",
        "lâu không",
    ),
    "documents": (
        "giấy tờ",
        "hồ sơ gồm",
        "hồ sơ cần",
        "thành phần hồ sơ",
        "cần những gì",
        "cần gì",
        "mang theo",
        "chuẩn bị gì",
        "chuẩn bị những gì",
        "hồ sơ gì",
        "hồ sơ những gì",
        "gồm những gì",
        "gồm gì",
        "bao gồm những gì",
        "cần chuẩn bị",
        "cần mang",
    ),
    "online": (
        "trực tuyến",
        "online",
        "qua mạng",
        "trên mạng",
        "nộp qua mạng",
        "dịch vụ công trực tuyến",
        "làm online",
        "link",
        "đường link",
        "vneid",
    ),
    "where": (
        "ở đâu",
        "nộp ở",
        "nộp tại",
        "nơi nộp",
        "địa chỉ",
        "đến đâu",
        "cơ quan nào nhận",
        "làm ở đâu",
    ),
    "legal_basis": (
        "căn cứ",
        "văn bản nào",
        "luật nào",
        "quy định nào",
        "thông tư nào",
        "nghị định nào",
        "cơ sở pháp lý",
        "theo quy định nào",
    ),
    "steps": (
        "các bước",
        "trình tự",
        "quy trình",
        "cách làm",
        "làm thế nào",
        "làm như thế nào",
        "thực hiện như thế nào",
        "thủ tục như thế nào",
    ),
    "result": ("kết quả là gì", "nhận được gì", "được cấp gì"),
    "agency": (
        "ai giải quyết",
        "cơ quan nào giải quyết",
        "thẩm quyền",
        "ai cấp",
        "ai ký",
        "ai quyết định",
        "ai duyệt",
    ),
}


class AspectDetector:
    """Finds the aspect cue in a normalised question (longest cue first)."""

    def __init__(self, normalizer: Normalizer) -> None:
        cues: list[tuple[tuple[str, ...], str, int]] = []
        for rank, (aspect, phrases) in enumerate(ASPECT_CUES.items()):
            for phrase in phrases:
                tokens = tuple(normalizer.tokens(phrase))
                if tokens:
                    cues.append((tokens, aspect, rank))
        cues.sort(key=lambda c: (-len(c[0]), c[2]))
        self._cues = cues
        self._by_first: dict[str, list[tuple[tuple[str, ...], str, int]]] = {}
        for cue in cues:
            self._by_first.setdefault(cue[0][0], []).append(cue)

    def detect(self, tokens: Sequence[str]) -> str | None:
        return self.find(tokens)[0]

    def find(self, tokens: Sequence[str]) -> tuple[str | None, frozenset[str]]:
        """The aspect asked (longest cue wins) and every token that belongs to some cue."""
        found: tuple[int, int, str] | None = None  # (-length, rank, aspect)
        cue_words: set[str] = set()
        for i, token in enumerate(tokens):
            for cue, aspect, rank in self._by_first.get(token, ()):
                n = len(cue)
                if tuple(tokens[i : i + n]) == cue:
                    cue_words.update(cue)
                    key = (-n, rank, aspect)
                    if found is None or key < found:
                        found = key
        return (found[2] if found else None), frozenset(cue_words)

    def cue_tokens(self) -> set[str]:
        return {t for cue, _, _ in self._cues for t in cue}
