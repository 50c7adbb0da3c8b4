"""Matching citizens' questions to the small fixture knowledge base: the decisions that matter.

Assertions name statuses, entry ids and aspects, never exact scores, so that small threshold
tuning does not break them; each still fails when the decision changes.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from cchc_bot.knowledge import Agency, Entry, KnowledgeBase, Source, load_knowledge
from cchc_bot.matching import (
    MAX_CHOICES,
    AspectDetector,
    Match,
    Matcher,
    Thresholds,
    find_near_duplicates,
)

TODAY = date(2026, 6, 1)  # after the expired entry's valid_until (2025-12-31)
BEFORE_EXPIRY = date(2025, 6, 1)
EXPIRED_ID = "diem-tiep-nhan-phu-loi"
EXPIRED_QUESTION = "điểm tiếp nhận phú lợi còn nhận hồ sơ không"


@pytest.fixture(scope="module")
def matcher(small_knowledge: KnowledgeBase) -> Matcher:
    return Matcher(small_knowledge, Thresholds())


def match(matcher: Matcher, text: str, today: date = TODAY) -> Match:
    return matcher.match(text, today=today)


def describe(m: Match) -> str:
    offered = [(c.entry.id, round(float(c.score), 3)) for c in m.candidates]
    entry = m.entry.id if m.entry else None
    return f"{m.status}/{m.reason} entry={entry} aspect={m.aspect} score={m.score:.3f} {offered}"


def test_fixture_knowledge_loads(small_knowledge: KnowledgeBase) -> None:
    ids = {e.id for e in small_knowledge.entries}
    assert 8 <= len(ids) <= 12
    assert {
        "ban-sao-van-bang",
        "chinh-sua-van-bang",
        "dang-ky-thi-tot-nghiep",
        "phuc-khao-thi-tot-nghiep",
        "chuyen-truong-thpt",
        "chuyen-truong-thcs",
        "duong-day-nong",
        "dich-vu-cong-truc-tuyen",
        EXPIRED_ID,
    } <= ids
    expired = small_knowledge.by_id()[EXPIRED_ID]
    assert expired.valid_until is not None and expired.valid_until < TODAY


# --- clear questions are answered ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("Cấp bản sao văn bằng, chứng chỉ từ sổ gốc", "ban-sao-van-bang"),  # a title
        ("cap ban sao van bang", "ban-sao-van-bang"),  # unaccented
        ("MẤT BẰNG TỐT NGHIỆP CẤP 3", "ban-sao-van-bang"),  # shouting
        ("mat bang tn c3 lam lai o dau", "ban-sao-van-bang"),  # teencode + synonyms
        ("baanf sao vawn bawngf", "ban-sao-van-bang"),  # Telex leftovers
        ("bằng tốt nghiệp bị rách xin bản sao thế nào", "ban-sao-van-bang"),
        ("sửa tên trên bằng tốt nghiệp", "chinh-sua-van-bang"),
        ("chỉnh sửa văn bằng", "chinh-sua-van-bang"),
        ("đăng ký thi tốt nghiệp", "dang-ky-thi-tot-nghiep"),
        ("dk thi tn", "dang-ky-thi-tot-nghiep"),
        ("phúc khảo", "phuc-khao-thi-tot-nghiep"),
        ("phucs khaor", "phuc-khao-thi-tot-nghiep"),  # typo: Telex tone keys left in
        ("chuyen truong cap 3 giua nam hoc", "chuyen-truong-thpt"),
        ("chuyển trường cấp 2", "chuyen-truong-thcs"),
        ("số hotline sở giáo dục", "duong-day-nong"),
        ("số điện thoại đường dây nóng", "duong-day-nong"),
        ("nộp hồ sơ trực tuyến trên cổng dịch vụ công", "dich-vu-cong-truc-tuyen"),
        ("trung tâm ngoại ngữ hoạt động trở lại", "trung-tam-ngoai-ngu-hoat-dong-tro-lai"),
    ],
)
def test_clear_questions_are_answered(matcher: Matcher, question: str, entry_id: str) -> None:
    m = match(matcher, question)
    assert m.status == "answer", describe(m)
    assert m.entry is not None and m.entry.id == entry_id, describe(m)
    assert m.reason == "confident"
    assert m.candidates and m.candidates[0].entry.id == entry_id
    assert 0.0 < m.score <= 1.0


def test_accented_and_unaccented_questions_get_the_same_answer(matcher: Matcher) -> None:
    accented = match(matcher, "Sai tên trên bằng tốt nghiệp thì sửa ở đâu?")
    plain = match(matcher, "sai ten tren bang tot nghiep thi sua o dau")
    assert accented.status == plain.status == "answer"
    assert accented.entry == plain.entry
    assert accented.aspect == plain.aspect
    assert accented.score == pytest.approx(plain.score)


# --- close entries: a short choice ----------------------------------------------------------


@pytest.mark.parametrize("question", ["chuyển trường", "chuyen truong", "đổi trường"])
def test_two_close_entries_are_offered_as_choices(matcher: Matcher, question: str) -> None:
    m = match(matcher, question)
    assert m.status == "choices", describe(m)
    assert m.entry is None
    offered = [c.entry.id for c in m.candidates]
    assert {"chuyen-truong-thpt", "chuyen-truong-thcs"} <= set(offered)
    assert len(offered) == len(set(offered)) <= MAX_CHOICES
    assert m.reason in ("close", "ambiguous")


def test_choices_never_include_an_expired_entry(matcher: Matcher) -> None:
    for question in ("nhận hồ sơ", "điểm tiếp nhận hồ sơ", "chuyển trường"):
        m = match(matcher, question)
        assert EXPIRED_ID not in {c.entry.id for c in m.candidates}, describe(m)


# --- out of scope: never answered ---------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "làm hộ chiếu ở đâu",
        "đăng ký kết hôn",
        "asdfgh qwerty",
        "lam ho chieu o dau",
        "giá vàng hôm nay bao nhiêu",
        "mua vé máy bay đi Hà Nội",
    ],
)
def test_out_of_scope_questions_are_never_answered(matcher: Matcher, question: str) -> None:
    m = match(matcher, question)
    assert m.status != "answer", describe(m)
    assert m.entry is None


def test_gibberish_is_unknown_with_nothing_offered(matcher: Matcher) -> None:
    m = match(matcher, "asdfgh qwerty")
    assert m.status == "unknown"
    assert m.candidates == ()
    assert m.reason == "low_score"


@pytest.mark.parametrize("text", ["", "   ", "😀😀 !!!", "cho em hỏi ạ"])
def test_empty_questions_are_unknown(matcher: Matcher, text: str) -> None:
    m = match(matcher, text)
    assert (m.status, m.reason, m.entry, m.candidates) == ("unknown", "empty", None, ())


# --- generic-word traps ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "thủ tục",
        "hồ sơ",
        "học phí",
        "thủ tục hồ sơ",
        "thu tuc",
        "ho so",
        "thủ tục như thế nào",
        # one word many entries share (shared_words.py): "đăng ký" was answered with the
        # exam registration at 0.75
        "đăng ký",
        "dang ky",
        "đk",
        "đăng ký ở đâu",
        "văn bằng",
    ],
)
def test_generic_words_alone_are_never_answered(matcher: Matcher, question: str) -> None:
    m = match(matcher, question)
    assert m.status != "answer", describe(m)


@pytest.mark.parametrize(
    ("question", "sharing"),
    [
        ("đăng ký", "dang-ky-thi-tot-nghiep"),
        ("dang ky o dau", "dang-ky-thi-tot-nghiep"),
        ("văn bằng", "chinh-sua-van-bang"),
    ],
)
def test_a_shared_word_alone_is_offered_as_choices(
    matcher: Matcher, question: str, sharing: str
) -> None:
    """Choices are fine: the entries that use the word, the likeliest first."""
    m = match(matcher, question)
    assert (m.status, m.reason) == ("choices", "ambiguous"), describe(m)
    assert m.candidates[0].entry.id == sharing, describe(m)


def _faq(entry_id: str, *questions: str) -> Entry:
    return Entry(entry_id, "faq", "faq/x", questions, Source("faq/x.yaml", 1), "Trả lời.")


@pytest.fixture(scope="module")
def registrations() -> Matcher:
    """Three entries whose questions keep saying "đăng ký", and two others."""
    entries = (
        _faq(
            "dang-ky-du-thi",
            "Đăng ký dự thi tốt nghiệp",
            "Học sinh lớp 12 đăng ký dự thi ở đâu?",
            "Đăng ký dự thi tốt nghiệp cần giấy tờ gì?",
            "Hạn đăng ký dự thi tốt nghiệp",
        ),
        _faq(
            "thi-sinh-tu-do",
            "Thí sinh tự do đăng ký thi",
            "Thí sinh tự do đăng ký ở đâu?",
            "Thí sinh tự do đăng ký cần gì?",
        ),
        _faq(
            "tu-van-du-hoc",
            "Đăng ký kinh doanh dịch vụ tư vấn du học",
            "Hồ sơ đăng ký tư vấn du học",
            "Đăng ký tư vấn du học mất bao lâu?",
        ),
        _faq("phuc-khao", "Phúc khảo bài thi tốt nghiệp", "Phúc khảo mất bao lâu?"),
        _faq("ban-sao", "Cấp bản sao bằng tốt nghiệp", "Mất bằng xin bản sao ở đâu?"),
    )
    return Matcher(KnowledgeBase("x", Agency("t", "t", "0"), entries))


@pytest.mark.parametrize("question", ["đăng ký", "dang ky", "đk", "đăng ký ở đâu"])
def test_one_word_three_entries_share_is_never_answered(
    registrations: Matcher, question: str
) -> None:
    """Until 2026-11 "đăng ký" alone was answered with whichever entry said it most."""
    m = match(registrations, question)
    assert (m.status, m.reason) == ("choices", "ambiguous"), describe(m)
    assert {c.entry.id for c in m.candidates} <= {
        "dang-ky-du-thi",
        "thi-sinh-tu-do",
        "tu-van-du-hoc",
    }


def test_the_shared_word_with_a_word_of_one_entry_is_answered(registrations: Matcher) -> None:
    m = match(registrations, "thí sinh tự do đăng ký")
    assert (m.status, m.entry and m.entry.id) == ("answer", "thi-sinh-tu-do"), describe(m)


def test_the_shared_word_with_words_no_question_uses_goes_to_the_hotline(
    registrations: Matcher,
) -> None:
    """ "đăng ký tạm trú" is about something else: no choices of unrelated entries."""
    for question in ("đăng ký tạm trú", "dang ky xe may"):
        m = match(registrations, question)
        assert m.status == "unknown", describe(m)


def test_a_shared_word_with_more_words_is_answered(matcher: Matcher) -> None:
    m = match(matcher, "đăng ký dự thi tốt nghiệp THPT")
    assert (m.status, m.entry and m.entry.id) == ("answer", "dang-ky-thi-tot-nghiep"), describe(m)


@pytest.mark.parametrize("question", ["thủ tục", "hồ sơ", "thủ tục hồ sơ"])
def test_generic_questions_are_too_vague(matcher: Matcher, question: str) -> None:
    m = match(matcher, question)
    assert (m.status, m.reason) == ("unknown", "too_vague"), describe(m)


@pytest.mark.parametrize("question", ["hồ sơ trực tuyến", "ho so truc tuyen", "hồ sơ online"])
def test_a_cue_that_is_an_faqs_topic_is_not_vague(matcher: Matcher, question: str) -> None:
    """ "trực tuyến" picks a procedure's online link, but is the topic of the online-services
    FAQ: generic words plus that cue are answered with it when it is confidently matched."""
    m = match(matcher, question)
    assert m.status == "answer", describe(m)
    assert m.entry is not None and m.entry.id == "dich-vu-cong-truc-tuyen"


@pytest.mark.parametrize(
    "question", ["hồ sơ mất bao lâu", "thủ tục lệ phí bao nhiêu", "hồ sơ nộp ở đâu"]
)
def test_generic_words_with_a_procedure_cue_stay_vague(matcher: Matcher, question: str) -> None:
    m = match(matcher, question)
    assert (m.status, m.reason) == ("unknown", "too_vague"), describe(m)


@pytest.mark.parametrize(
    "question", ["mất bao lâu", "cần giấy tờ gì", "ở đâu", "nộp ở đâu", "bao nhiêu tiền"]
)
def test_aspect_alone_is_never_answered(matcher: Matcher, question: str) -> None:
    m = match(matcher, question)
    assert m.status != "answer", describe(m)


@pytest.mark.parametrize(
    "question",
    [
        "lệ phí",
        "lệ phí bao nhiêu",
        "có mất phí",
        "thời hạn",
        "khi nào có kết quả",
        "chuẩn bị gì",
        "nơi nộp",
        "cơ sở pháp lý",
        "ai duyệt",
    ],
)
def test_aspect_cue_alone_is_never_answered(matcher: Matcher, question: str) -> None:
    m = match(matcher, question)
    assert m.status != "answer", describe(m)


# --- aspects --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "entry_id", "aspect"),
    [
        ("lệ phí cấp bản sao văn bằng", "ban-sao-van-bang", "fee"),
        ("chuyển trường thpt cần giấy tờ gì", "chuyen-truong-thpt", "documents"),
        ("phúc khảo mất bao lâu", "phuc-khao-thi-tot-nghiep", "processing_time"),
        ("chinh sua van bang mat may ngay", "chinh-sua-van-bang", "processing_time"),
        ("cấp bản sao văn bằng nộp online được không", "ban-sao-van-bang", "online"),
        ("Đăng ký thi tốt nghiệp THPT ở đâu", "dang-ky-thi-tot-nghiep", "where"),
        ("đăng ký thi tốt nghiệp có mất phí không", "dang-ky-thi-tot-nghiep", "fee"),
        ("ai cấp bản sao văn bằng", "ban-sao-van-bang", "agency"),
        ("mat bang tn c3 lam lai o dau", "ban-sao-van-bang", "where"),
    ],
)
def test_aspect_of_an_answered_procedure(
    matcher: Matcher, question: str, entry_id: str, aspect: str
) -> None:
    m = match(matcher, question)
    assert m.status == "answer", describe(m)
    assert m.entry is not None and m.entry.id == entry_id
    assert m.aspect == aspect


def test_a_question_without_aspect_cue_gets_the_whole_record(matcher: Matcher) -> None:
    m = match(matcher, "chỉnh sửa văn bằng")
    assert m.status == "answer" and m.aspect is None


def test_faq_answers_carry_no_aspect(matcher: Matcher) -> None:
    m = match(matcher, "nộp hồ sơ trực tuyến trên cổng dịch vụ công ở đâu")
    assert m.status == "answer", describe(m)
    assert m.entry is not None and m.entry.kind == "faq"
    assert m.aspect is None


def test_fee_of_a_copy_is_answered(matcher: Matcher) -> None:
    # Regression: folded, "bản sao" is "ban sao", the everyday words "bạn" + "sao"; with the
    # cue "lệ phí" and the generic "cấp" the question used to be refused as too vague.
    m = match(matcher, "lệ phí cấp bản sao")
    assert m.status == "answer", describe(m)
    assert m.entry is not None and m.entry.id == "ban-sao-van-bang"
    assert m.aspect == "fee"


def test_documents_of_thpt_transfer_are_answered(matcher: Matcher) -> None:
    m = match(matcher, "hồ sơ chuyển trường thpt gồm những gì")
    assert m.status == "answer", describe(m)
    assert m.entry is not None and m.entry.id == "chuyen-truong-thpt"


def test_documents_cue_split_by_the_procedure_name(matcher: Matcher) -> None:
    tokens = matcher.normalizer.tokens("hồ sơ chuyển trường thpt gồm những gì")
    assert matcher.aspects.detect(tokens) == "documents"


def test_choices_still_carry_the_aspect_asked(matcher: Matcher) -> None:
    m = match(matcher, "chuyển trường mất mấy ngày")
    assert m.status == "choices", describe(m)
    assert m.aspect == "processing_time"


# --- the aspect detector on its own --------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "aspect"),
    [
        ("hết bao nhiêu tiền", "fee"),
        ("bao lâu thì có kết quả", "processing_time"),
        ("cần chuẩn bị những gì", "documents"),
        ("có làm online được không", "online"),
        ("nộp qua mạng", "online"),
        ("nộp ở đâu", "where"),
        ("theo thông tư nào", "legal_basis"),
        ("các bước thực hiện", "steps"),
        ("ai ký quyết định", "agency"),
        ("bằng tốt nghiệp", None),
    ],
)
def test_aspect_detector(matcher: Matcher, question: str, aspect: str | None) -> None:
    detector = AspectDetector(matcher.normalizer)
    assert detector.detect(matcher.normalizer.tokens(question)) == aspect


def test_longest_cue_wins(matcher: Matcher) -> None:
    # "dịch vụ công trực tuyến" (online) is longer than "phí" (fee) inside the same question.
    tokens = matcher.normalizer.tokens("phí dịch vụ công trực tuyến")
    aspect, cue_words = matcher.aspects.find(tokens)
    assert aspect == "online"
    assert {"truc", "tuyen", "phi"} <= cue_words


# --- validity dates -------------------------------------------------------------------------


def test_expired_entry_is_never_answered(matcher: Matcher) -> None:
    m = match(matcher, EXPIRED_QUESTION, today=TODAY)
    assert m.status != "answer", describe(m)
    assert EXPIRED_ID not in {c.entry.id for c in m.candidates}
    assert EXPIRED_ID not in {c.entry.id for c in matcher.search(EXPIRED_QUESTION, today=TODAY)}


def test_expired_entry_is_answered_while_still_valid(matcher: Matcher) -> None:
    m = match(matcher, EXPIRED_QUESTION, today=BEFORE_EXPIRY)
    assert m.status == "answer", describe(m)
    assert m.entry is not None and m.entry.id == EXPIRED_ID


def test_valid_until_is_inclusive(matcher: Matcher) -> None:
    last_day = date(2025, 12, 31)
    assert match(matcher, EXPIRED_QUESTION, today=last_day).status == "answer"
    assert match(matcher, EXPIRED_QUESTION, today=date(2026, 1, 1)).status != "answer"


# --- thresholds --------------------------------------------------------------------------------


def test_thresholds_drive_the_decision(small_knowledge: KnowledgeBase) -> None:
    strict = Matcher(small_knowledge, Thresholds(answer=0.999, choice=0.998, margin=0.5))
    lenient = Matcher(small_knowledge, Thresholds(answer=0.0, choice=0.0, margin=0.0))
    assert strict.match("phúc khảo", today=TODAY).status != "answer"
    assert lenient.match("phúc khảo", today=TODAY).status == "answer"
    assert Matcher(small_knowledge).thresholds == Thresholds()


# --- search ranking ------------------------------------------------------------------------------


def test_search_ranks_the_named_entry_first(matcher: Matcher) -> None:
    found = matcher.search("chuyển trường cấp 2", today=TODAY)
    assert found[0].entry.id == "chuyen-truong-thcs"
    assert "chuyen-truong-thpt" in [c.entry.id for c in found]
    ranks = [c.rank for c in found]
    assert ranks == sorted(ranks, reverse=True)
    assert all(0.0 <= c.score <= 1.0 for c in found)
    assert len({c.entry.id for c in found}) == len(found)


def test_search_ranks_a_closer_question_higher(matcher: Matcher) -> None:
    found = [c.entry.id for c in matcher.search("bằng tốt nghiệp bị mất xin bản sao", today=TODAY)]
    assert found[0] == "ban-sao-van-bang"
    assert found.index("ban-sao-van-bang") < found.index("chinh-sua-van-bang")


def test_search_limit_and_nothing_found(matcher: Matcher) -> None:
    assert len(matcher.search("bằng tốt nghiệp", today=TODAY, limit=2)) == 2
    assert matcher.search("asdfgh qwerty", today=TODAY) == []
    assert matcher.search("", today=TODAY) == []


# --- near duplicates ---------------------------------------------------------------------------


def test_fixture_has_no_near_duplicates(matcher: Matcher) -> None:
    # "… hoạt động giáo dục" and "… hoạt động giáo dục trở lại" are two procedures: the
    # distinctive words "trở lại" tell them apart (documented behaviour).
    assert find_near_duplicates(matcher) == []


def test_a_lower_threshold_flags_the_distinct_pair(matcher: Matcher) -> None:
    pairs = {
        frozenset((d.entry_id, d.other_id)) for d in find_near_duplicates(matcher, threshold=70)
    }
    assert (
        frozenset(("trung-tam-ngoai-ngu-hoat-dong", "trung-tam-ngoai-ngu-hoat-dong-tro-lai"))
        in pairs
    )


def _with_extra_faq(tmp_path: Path, src: Path, questions: list[str]) -> Path:
    """A copy of the fixture folder with one more FAQ entry holding `questions`."""
    root = tmp_path / "knowledge"
    shutil.copytree(src, root)
    lines = [
        'topic: "Hỏi đáp thêm"',
        "entries:",
        "  - id: hoi-dap-them",
        "    questions:",
        *(f'      - "{q}"' for q in questions),
        '    answer: "Xem thủ tục phúc khảo bài thi."',
        "    reviewed: 2026-11-01",
    ]
    (root / "faq" / "them.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def test_near_identical_questions_in_different_entries_are_flagged(
    tmp_path: Path, knowledge_small_dir: Path
) -> None:
    near = "Phuc khao bai thi tot ngiep trung hoc pho thong"  # one letter off
    root = _with_extra_faq(tmp_path, knowledge_small_dir, [near, "Bằng tốt nghiệp có mấy loại?"])
    dups = find_near_duplicates(Matcher(load_knowledge(root)))
    assert len(dups) == 1, dups
    (dup,) = dups
    assert {dup.entry_id, dup.other_id} == {"hoi-dap-them", "phuc-khao-thi-tot-nghiep"}
    assert {dup.question, dup.other_question} == {
        near,
        "Phúc khảo bài thi tốt nghiệp trung học phổ thông",
    }
    assert 90.0 <= dup.similarity <= 100.0


@pytest.mark.parametrize(
    "near",
    [
        "Phúc khảo các bài thi tốt nghiệp trung học phổ thông",
        "Phúc khảo bài thi tốt nghiệp THPT thế nào",
    ],
)
def test_questions_differing_by_an_everyday_word_are_flagged(
    tmp_path: Path, knowledge_small_dir: Path, near: str
) -> None:
    root = _with_extra_faq(tmp_path, knowledge_small_dir, [near, "Bằng tốt nghiệp có mấy loại?"])
    matcher = Matcher(load_knowledge(root))
    assert matcher.match("phúc khảo bài thi tốt nghiệp", today=TODAY).status != "answer"
    flagged = {frozenset((d.entry_id, d.other_id)) for d in find_near_duplicates(matcher)}
    assert frozenset(("hoi-dap-them", "phuc-khao-thi-tot-nghiep")) in flagged


def test_questions_of_one_entry_are_never_flagged(
    tmp_path: Path, knowledge_small_dir: Path
) -> None:
    root = _with_extra_faq(
        tmp_path,
        knowledge_small_dir,
        ["Bằng tốt nghiệp có mấy loại?", "Bằng tốt nghiệp có mấy loại văn bằng?"],
    )
    assert find_near_duplicates(Matcher(load_knowledge(root))) == []


def test_reported_similarity_is_consistent_with_the_threshold(matcher: Matcher) -> None:
    at_90 = {(d.question, d.other_question) for d in find_near_duplicates(matcher, threshold=90)}
    for dup in find_near_duplicates(matcher, threshold=70):
        if dup.similarity >= 90:
            assert (dup.question, dup.other_question) in at_90, dup


@pytest.mark.parametrize(
    "question",
    [
        "chuyen truong cap 2 tu tinh khac ve",
        "chuyển trường THCS từ tỉnh khác về",
        "chuyển trường cấp hai",
    ],
)
def test_a_named_school_level_is_never_answered_with_another_level(
    matcher: Matcher, question: str
) -> None:
    m = match(matcher, question)
    assert not (m.status == "answer" and m.entry.id == "chuyen-truong-thpt"), describe(m)
    if m.status == "choices":
        assert m.candidates[0].entry.id == "chuyen-truong-thcs", describe(m)


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("con học lớp 7 muốn chuyển trường", "chuyen-truong-thcs"),
        ("con hoc lop 8 xin chuyen truong", "chuyen-truong-thcs"),
        ("chuyển trường lớp 11", "chuyen-truong-thpt"),
    ],
)
def test_a_grade_names_its_school_level(matcher: Matcher, question: str, entry_id: str) -> None:
    """Grades 6–9 are THCS, 10–12 THPT (lexicon.SCHOOL_GRADES): "con tôi học lớp 7 muốn
    chuyển trường" was answered with the THPT transfer."""
    m = match(matcher, question)
    assert m.status in ("answer", "choices"), describe(m)
    assert m.candidates[0].entry.id == entry_id, describe(m)
    other = {"chuyen-truong-thcs": "chuyen-truong-thpt"}.get(entry_id, "chuyen-truong-thcs")
    assert not (m.status == "answer" and m.entry.id == other), describe(m)


@pytest.mark.parametrize(
    "question",
    [
        "con học lớp 3 muốn chuyển trường",
        "con hoc lop 4 xin chuyen truong",
        "chuyển trường tiểu học",
    ],
)
def test_a_level_no_entry_names_is_never_answered(matcher: Matcher, question: str) -> None:
    """Grades 1–5 are primary school, which no fixture entry names: "con hoc lop 3 chuyen
    truong" was answered with the THPT transfer (0.51) because no rival named the level
    either. An entry about another level is a choice at most (facets.SchoolLevels.foreign)."""
    m = match(matcher, question)
    assert m.status != "answer", describe(m)


def test_an_entrys_grades_name_its_level(small_knowledge: KnowledgeBase) -> None:
    """An entry whose questions say "lớp 3" is about primary school, as a message saying it
    would be."""
    source = Source("procedures/x.yaml", 1)
    entries = (
        *small_knowledge.entries,
        Entry(
            "chuyen-truong-tieu-hoc",
            "faq",
            "faq/x",
            ("Chuyển trường cho con học lớp 3", "con hoc lop 2 xin chuyen truong"),
            source,
            "Trả lời.",
        ),
    )
    m = Matcher(KnowledgeBase("x", Agency("t", "t", "0"), entries))
    assert m.levels.of_entry("chuyen-truong-tieu-hoc") == {"tieu hoc"}
    assert m.levels.of_entry("chuyen-truong-thcs") >= {"trung hoc co so"}
    reply = m.match("con học lớp 4 muốn chuyển trường", today=TODAY)
    assert reply.candidates[0].entry.id == "chuyen-truong-tieu-hoc", describe(reply)
    assert not (reply.status == "answer" and reply.entry.id != "chuyen-truong-tieu-hoc")


def test_a_university_named_in_passing_does_not_make_an_entry_about_university(
    small_knowledge: KnowledgeBase,
) -> None:
    """Higher education (lexicon.HIGHER_EDUCATION_LEVELS) is an entry's level only when its
    first question, its name, names it: "thi lại để xét đại học" is a purpose, and "đăng ký
    xét tuyển đại học" was answered with the THPT exam's free candidates at 0.76."""
    source = Source("faq/x.yaml", 1)
    extra = (
        Entry(
            "thi-sinh-tu-do",
            "faq",
            "faq/x",
            (
                "Thí sinh tự do đăng ký dự thi tốt nghiệp trung học phổ thông",
                "Em là sinh viên cao đẳng, muốn thi lại để xét đại học thì đăng ký thế nào?",
                "Thí sinh tự do thi lại tốt nghiệp đăng ký ở đâu?",
            ),
            source,
            "Trả lời.",
        ),
        Entry(
            "van-bang-dai-hoc",
            "faq",
            "faq/x",
            ("Bằng đại học, cao đẳng: xin bản sao", "Mất bằng đại học thì xin lại ở đâu?"),
            source,
            "Trả lời.",
        ),
    )
    entries = (*small_knowledge.entries, *extra)
    m = Matcher(KnowledgeBase("x", Agency("t", "t", "0"), entries))
    assert m.levels.of_entry("thi-sinh-tu-do") >= {"dai hoc", "cao dang"}
    assert m.levels.about("thi-sinh-tu-do") == {"trung hoc pho thong"}
    assert m.levels.about("van-bang-dai-hoc") == {"dai hoc", "cao dang"}
    reply = m.match("đăng ký xét tuyển đại học", today=TODAY)
    assert not (reply.status == "answer" and reply.entry.id == "thi-sinh-tu-do"), describe(reply)
    own = m.match(extra[0].questions[1], today=TODAY)  # its own question is still answered
    assert (own.status, own.entry and own.entry.id) == ("answer", "thi-sinh-tu-do"), describe(own)


def test_entries_far_down_the_pool_compare_one_question() -> None:
    """The pool's first four entries have their three best questions reranked, the rest one."""
    source = Source("faq/x.yaml", 1)
    entries = tuple(
        Entry(
            f"muc-{i}",
            "faq",
            "faq/x",
            tuple(f"hồ sơ xét tuyển đợt {i} {word}" for word in ("một", "hai", "ba", "bốn")),
            source,
            "Trả lời.",
        )
        for i in range(1, 11)
    )
    matcher = Matcher(KnowledgeBase("x", Agency("t", "t", "0"), entries))
    ids, rows = matcher.candidate_features("hồ sơ xét tuyển", today=date(2026, 1, 1))
    per_entry = [ids.count(entry) for entry in dict.fromkeys(ids)]
    assert len(per_entry) == 9 and len(rows) == len(ids)
    assert per_entry == [3, 3, 3, 3, 1, 1, 1, 1, 1]
    smaller = Matcher(KnowledgeBase("x", Agency("t", "t", "0"), entries), pool=5)
    ids, _ = smaller.candidate_features("hồ sơ xét tuyển", today=date(2026, 1, 1))
    assert [ids.count(entry) for entry in dict.fromkeys(ids)] == [3, 3, 3, 3, 1]


@pytest.mark.parametrize(
    "question",
    [
        "thủ tục chuyển trường cho con",
        "bằng tốt nghiệp",
        "thành lập trường",
        "hồ sơ nộp ở đâu",
        "mat bang c3",
    ],
)
def test_candidates_after_the_best_come_most_likely_first(matcher: Matcher, question: str) -> None:
    """The choices a citizen sees after the best are ordered by confidence."""
    found = matcher.search(question, today=date(2026, 1, 1))
    rest = [c.score for c in found[1:]]
    assert len(rest) >= 2 and rest == sorted(rest, reverse=True)


def test_a_large_knowledge_base_matches_the_same_without_kept_question_forms(
    small_knowledge: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = Matcher(small_knowledge, Thresholds())
    monkeypatch.setattr("cchc_bot.matching.matcher._SHAPES_KEPT", 0)
    worked_out = Matcher(small_knowledge, Thresholds())
    texts = [
        "phúc khảo bài thi tốt nghiệp",
        "cấp bản sao bằng tốt nghiệp thpt ở đâu",
        "chuyen truong thpt can giay to gi",
        EXPIRED_QUESTION,
    ]
    for text in texts:
        assert kept.search(text, today=TODAY) == worked_out.search(text, today=TODAY)
    assert kept._shapes and worked_out._shapes is None
