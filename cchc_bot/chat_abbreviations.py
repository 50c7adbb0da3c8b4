"""General Vietnamese chat shorthand, independent of any knowledge base.

Each key is the full form; the values are what people type instead. A knowledge folder's
`synonyms.yaml` adds domain terms on top of this table (and may add more variants here).
"""

from __future__ import annotations

CHAT_ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "không": ("k", "ko", "kh", "hok", "hk", "khum", "khg", "hem", "kô"),
    "được": ("đc", "dc", "đx"),
    "gì": ("j", "ji"),
    "vậy": ("z", "zậy"),
    "bao nhiêu": ("bn", "bnhiu", "bao nhiu", "bnh"),
    "như thế nào": ("ntn", "ntnao", "ntno", "nthe nào", "lsao"),
    "làm": ("lm",),
    "với": ("vs", "zới"),
    "mình": ("mk", "mik", "mjk", "mjnh"),
    "biết": ("bít", "bik", "bjk"),
    "rồi": ("ròi", "rùi", "rầu"),
    "trước": ("trc",),
    "người": ("ng",),
    "nhưng": ("nhg",),
    "muốn": ("mún",),
    "anh chị": ("ac", "a/c"),
    "số điện thoại": ("sđt", "sdt"),
    "điện thoại": ("đt",),
    "thời gian": ("tg",),
    "đăng ký": ("đk", "dki", "đki", "dky", "đky", "đăng kí", "dang ki"),
    "vaccine": ("vắc xin", "vắcxin", "vacxin", "vaccin", "vắc-xin", "vx", "vaxin", "vacin"),
}

# Regional (Southern/Northern) and colloquial words for the same thing, plus equivalent
# ways of asking. The key is the form the other variants are mapped to.
REGIONAL_VARIANTS: dict[str, tuple[str, ...]] = {
    "tiêm": ("chích",),
    "tiêm phòng": ("chích ngừa", "tiêm ngừa"),
    "bệnh": ("bịnh",),
    "bệnh viện": ("nhà thương",),
    "trẻ em": ("con nít", "trẻ con", "con nhỏ", "em bé"),
    "xà phòng": ("xà bông",),
    "sinh": ("sanh",),
    "nhất": ("nhứt",),
    "không": ("hổng", "hổm"),
    "về": ("dìa",),
    "làm": ("mần",),
    "dùng": ("xài",),
    "xem": ("coi",),
    "gọi": ("kêu",),
    "đỗ": ("đậu",),
    "trượt": ("rớt",),
    "đắt": ("mắc tiền",),
    "tìm": ("kiếm",),
    "điều trị": ("chữa trị", "chữa bệnh", "chữa"),
    "sửa chữa": (),
    "như thế nào": ("thế nào", "ra sao", "làm sao", "cách nào", "bằng cách nào"),
    "ở đâu": ("chỗ nào", "nơi nào"),
    "là gì": ("thế nào là", "nghĩa là gì", "hiểu thế nào"),
    "bao lâu": ("mất bao lâu", "bao nhiêu ngày", "mấy ngày", "trong bao lâu"),
    "có được không": ("được không", "có được ko", "đc không"),
}

# Words that carry no information in a question ("cho em hỏi ạ") and are dropped.
CHAT_FILLER: tuple[str, ...] = (
    "ạ",
    "ạh",
    "à",
    "ơi",
    "nhé",
    "vâng",
    "ad",
    "admin",
    "cho em hỏi",
    "cho mình hỏi",
    "cho tôi hỏi",
    "cho hỏi",
    "em xin hỏi",
    "xin hỏi",
    "xin chào",
    "làm ơn",
    "giúp em",
    "giúp mình",
    "giúp tôi",
    "cảm ơn",
)
