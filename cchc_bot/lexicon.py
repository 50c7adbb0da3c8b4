"""General Vietnamese vocabulary for matching, independent of any knowledge base.

Chat shorthand and regional variants are rewritten to one form (each key is the form kept;
the values are what people type instead). Related words are softer: a question using one of
them may still match a knowledge entry using another, at a reduced weight. A knowledge
folder's `synonyms.yaml` adds its domain terms on top of these tables. The few words the bot
recognises outside matching (complaint cues, skipping the survey) live here too.
"""

from __future__ import annotations

CHAT_ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "không": ("k", "ko", "hok", "khum", "khg", "hem", "kô"),
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
    "thời gian": ("tg",),
    "đăng ký": ("đk", "dki", "đki", "dky", "đky", "đăng kí", "dang ki"),
    "vaccine": ("vắc xin", "vắcxin", "vacxin", "vaccin", "vắc-xin", "vx", "vaxin", "vacin"),
}

# Regional (Southern/Northern) and colloquial words for the same thing, plus equivalent
# ways of asking. The key is the form the other variants are mapped to.
REGIONAL_VARIANTS: dict[str, tuple[str, ...]] = {
    # Without diacritics many short words collide ("dìa"/"địa", "kiếm"/"kiểm", "bịnh"/"bình",
    # "đậu"/"đâu", "chữa"/"chưa"), so single-syllable variants are listed only when their
    # folded form means nothing else; otherwise the variant is written as a phrase.
    "tiêm": ("chích",),
    "tiêm phòng": ("chích ngừa", "tiêm ngừa"),
    "bệnh viện": ("nhà thương",),
    "trẻ em": ("con nít", "trẻ con", "con nhỏ", "em bé"),
    "xà phòng": ("xà bông",),
    "sinh": ("sanh",),
    "nhất": ("nhứt",),
    "dùng": ("xài",),
    "thi đỗ": ("thi đậu", "đậu tốt nghiệp"),
    "thi trượt": ("thi rớt", "rớt tốt nghiệp"),
    "đắt": ("mắc tiền",),
    "điều trị": ("chữa trị", "chữa bệnh"),
    "sửa chữa": (),
    "như thế nào": ("thế nào", "ra sao", "làm sao", "cách nào", "bằng cách nào"),
    "ở đâu": ("chỗ nào", "nơi nào"),
    "là gì": ("thế nào là", "nghĩa là gì", "hiểu thế nào", "nghĩa là sao", "là cái gì"),
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
    "bây giờ",
    "hiện giờ",
)


# Groups of words that often stand in for each other in questions (soft matches only).
RELATED_WORDS: tuple[tuple[str, ...], ...] = (
    ("phòng", "ngừa", "ngăn", "ngăn ngừa", "phòng ngừa", "phòng chống", "chống", "tránh"),
    ("mất", "thất lạc", "đánh mất", "làm mất"),
    ("làm lại", "cấp lại", "xin lại", "cấp bản sao"),
    ("giấy tờ", "hồ sơ", "tài liệu", "văn bản"),
    ("nộp", "gửi", "nộp hồ sơ"),
    ("chi phí", "phí", "lệ phí", "giá", "tiền"),
    ("thời gian", "bao lâu", "thời hạn"),
    ("cách", "phương pháp", "biện pháp", "cách thức"),
    ("người", "ai", "đối tượng"),
    ("tác dụng", "hiệu quả", "công dụng"),
    ("cha mẹ", "bố mẹ", "phụ huynh", "ba mẹ"),
    ("lúc", "khi", "thời điểm"),
    ("dấu hiệu", "biểu hiện", "triệu chứng"),
    ("khám", "kiểm tra"),
    ("nhà", "gia đình"),
    ("đi", "đến", "tới"),
    ("chết", "tử vong", "qua đời"),
    ("uống", "dùng", "sử dụng"),
    ("khỏi", "hết bệnh", "bình phục", "hồi phục"),
    ("nguy hiểm", "nặng", "nghiêm trọng"),
    ("giúp", "hỗ trợ"),
    ("cần", "phải", "nên"),
    ("biết", "nhận biết", "phát hiện"),
    ("trẻ em", "trẻ", "bé", "cháu", "con"),
    ("an toàn", "rủi ro"),
    ("sửa", "chỉnh sửa", "điều chỉnh", "thay đổi", "đính chính"),
    ("trường", "nhà trường", "cơ sở giáo dục"),
    ("học sinh", "học trò", "em học sinh"),
    ("giáo viên", "thầy cô", "nhà giáo", "thầy giáo", "cô giáo"),
    ("đăng ký", "ghi danh"),
    ("khiếu nại", "phản ánh", "kiến nghị", "tố cáo", "góp ý"),
    ("điều kiện", "yêu cầu", "tiêu chuẩn"),
    ("xin", "đề nghị", "yêu cầu"),
    ("bằng", "văn bằng", "chứng chỉ"),
    ("mở", "thành lập", "lập"),
)

# Everyday words that say little about what a question is after. A query word the knowledge
# base has never seen counts as informative (it may be what makes the question off-topic),
# unless it is one of these.
COMMON_WORDS: tuple[str, ...] = tuple(
    # Only words whose unaccented form is not also a content word: "đang" (= đăng ký),
    # "thấy" (= thầy), "họ" (= hồ sơ), "từ" (= tư thục), "thêm" (= dạy thêm) … are left out.
    """
    là của và có không được cho với các những một này đó đã sẽ rồi muốn cần em chị tôi mình
    ạ ơi nhé vậy thế nào gì đâu ai khi nếu vì nên phải hay hoặc nhưng còn cũng lại ra
    vào lên xuống đi đến về ở tại trong ngoài trên dưới sau trước nay tháng ngày lúc bao
    lâu nhiêu mấy xin giúp làm biết xem con người điều chỗ kia ấy rất lắm hơn nhiều hết
    bây như vâng dạ ừ ok oke à hả nhỉ rằng bị do theo cùng giữa hãy chưa lần mong cảm ơn
    chào hôm mai qua tuần sáng trưa chiều tối đêm sớm muộn trễ xong
    """.split()
)

# Everyday words a knowledge base about procedures may never use. The speller leaves them as
# typed when the knowledge base does not know them ("hôm nay" is not a typo of "học nay",
# "giá vàng" not of "giá học"); unlike COMMON_WORDS they keep their weight, since they are
# what makes "giá vàng hôm nay" a question about something else.
EVERYDAY_WORDS: tuple[str, ...] = tuple(
    """
    trời mưa nắng gió bão lụt lạnh nóng vàng bạc đô la chứng khoán giá chợ siêu thị ăn uống
    cơm phở bún cà phê trà bia rượu thịt cá rau xe máy ô tô buýt tàu bay vé phim nhạc ca sĩ
    bóng đá game ngủ chơi mua bán thuê nhà đất cửa hàng quán tiệm yêu thích đẹp xấu vui buồn
    mệt đau ốm sốt ho thuốc khám bác sĩ bệnh viện chó mèo gà heo lợn bò hoa cây biển núi sông
    hồ du lịch khách sạn chồng vợ người yêu bạn gái trai cưới tết lễ hội sinh nhật quà
    """.split()
)

# Words that name a whole field rather than one procedure: a question made only of these
# (plus everyday words) is too vague to answer, however well it matches some entry.
GENERIC_WORDS: tuple[str, ...] = (
    "thủ tục",
    "hồ sơ",
    "giấy tờ",
    "học phí",
    "quy định",
    "hướng dẫn",
    "thông tin",
    "văn bản",
    "giáo dục",
    "đào tạo",
    "hành chính",
    "dịch vụ",
    "trường",
    "học sinh",
    "sở",
    "cấp",
)

# Phrases (as the normaliser writes them: no diacritics) that mark a message as a complaint
# about how a case was handled — it goes to the hotline as kind "complaint".
COMPLAINT_CUES: tuple[str, ...] = (
    "khieu nai",
    "to cao",
    "gay kho de",
    "gay kho khan",
    "nhung nhieu",
    "voi tien",
    "doi tien",
    "tieu cuc",
    "thai do",
    "hach sach",
    "buc xuc",
    "tre hen",
    "qua han ma",
    "khong giai quyet",
    "khong tra loi",
    "de tru",
    "lam kho",
    "phan anh viec",
    "toi muon phan anh",
    "em muon phan anh",
    # a recommendation to the department ("Kiến nghị Sở cho …"), not "gửi kiến nghị ở đâu"
    "kien nghi so",
    "kien nghi cho",
    "kien nghi ve",
    "toi kien nghi",
    "em kien nghi",
    "xin kien nghi",
    "muon kien nghi",
)

# What a citizen types to skip the satisfaction survey (compared after strip() and lower()).
SURVEY_SKIP_WORDS: tuple[str, ...] = ("/boqua", "bo qua", "bỏ qua")

# What kind of answer a question asks for (why / when / how long / where / who / how much / how
# / what / should / can), as the phrases people use. The matcher adds one `QT_<class>` term
# per class found to every knowledge question and to the query, so "khi nào …" prefers a
# knowledge question that also asks "when". Phrases go through the same normaliser as the
# text (accents, abbreviations and synonyms do not matter). Words with a second everyday
# meaning once folded ("giá" = gia in "tham gia", "cách" in "cách ly") are left out.
QUESTION_CLASSES: dict[str, tuple[str, ...]] = {
    "why": ("tại sao", "vì sao", "sao lại", "lý do", "nguyên nhân", "do đâu"),
    "when": (
        "khi nào",
        "bao giờ",
        "lúc nào",
        "thời điểm nào",
        "thời gian nào",
        "ngày nào",
        "hồi nào",
        "từ khi nào",
    ),
    "howlong": (
        "bao lâu",
        "mấy ngày",
        "bao nhiêu ngày",
        "bao nhiêu lâu",
        "kéo dài",
        "mấy tháng",
        "bao nhiêu tháng",
    ),
    "where": ("ở đâu", "nơi nào", "chỗ nào", "tại đâu", "đến đâu", "đi đâu", "địa điểm nào"),
    "who": ("ai", "người nào", "đối tượng nào", "nhóm nào", "trường hợp nào", "những ai"),
    "howmuch": ("bao nhiêu", "mấy liều", "mấy mũi", "mức nào", "chi phí"),
    "how": (
        "như thế nào",
        "làm thế nào",
        "cách nào",
        "bằng cách nào",
        "ra sao",
        "làm sao",
        "thế nào",
        "cách làm",
    ),
    "what": ("là gì", "cái gì", "những gì", "gì", "nào"),
    "should": ("có nên", "nên", "cần phải", "có cần"),
    "can": ("có thể", "được không", "có được", "được phép"),
}

# Requests the department never serves, as knowledge-base synonyms rewrite them ("làm bằng
# giả", "mua bằng tốt nghiệp" → "văn bằng giả mạo"): never answered, never offered choices
# (matching/off_limits.py).
OFF_LIMITS_PHRASES: tuple[str, ...] = ("văn bằng giả mạo",)

# Mutually exclusive school levels: a question naming one ("cấp 2") is never answered
# confidently with an entry that only ever speaks of another ("THPT").
SCHOOL_LEVELS: tuple[str, ...] = (
    "trung học phổ thông",
    "trung học cơ sở",
    "tiểu học",
    "mầm non",
    "đại học",
    "cao đẳng",
)

# Levels the department does not administer (universities and the Ministry do): an entry is
# about one only when its first question, its name, names it; elsewhere in its questions it is
# a purpose ("thi lại để xét đại học"), and "đăng ký xét tuyển đại học" is not about the entry
# (matching/facets.py). Phrases of SCHOOL_LEVELS.
HIGHER_EDUCATION_LEVELS: tuple[str, ...] = ("đại học", "cao đẳng")

# The grades of each level (general education: grades 1–5 primary, 6–9 lower secondary,
# 10–12 upper secondary): "con học lớp 7" names the lower-secondary level as surely as
# "cấp 2" does. Keys are phrases of SCHOOL_LEVELS.
SCHOOL_GRADES: dict[str, tuple[int, ...]] = {
    "tiểu học": (1, 2, 3, 4, 5),
    "trung học cơ sở": (6, 7, 8, 9),
    "trung học phổ thông": (10, 11, 12),
}
GRADE_WORDS: tuple[str, ...] = ("lớp",)  # the word before the grade number
