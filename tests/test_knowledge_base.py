"""The shipped knowledge/ folder is itself under test: content rules and the golden set."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from cchc_bot import texts
from cchc_bot.answers import _section, aspect_text, fill_agency, full_procedure, render_entry
from cchc_bot.engine import Engine
from cchc_bot.evaluation import evaluate
from cchc_bot.kb_service import KnowledgeService
from cchc_bot.knowledge import KnowledgeBase, check_knowledge, load_golden, load_knowledge
from cchc_bot.knowledge.model import ASPECTS
from cchc_bot.matching import Matcher, Thresholds
from cchc_bot.settings import Settings
from cchc_bot.vietnamese import fold, strip_diacritics

FOLDER = Path(__file__).resolve().parent.parent / "knowledge"

PROCEDURES = """
ban-sao-van-bang chinh-sua-van-bang cong-nhan-van-bang-nuoc-ngoai dang-ky-thi-tot-nghiep
phuc-khao-thi-tot-nghiep dac-cach-tot-nghiep tuyen-sinh-ptdtnt chuyen-truong-thpt
chuyen-truong-thcs xin-hoc-lai tiep-nhan-hoc-sinh-nuoc-ngoai thanh-lap-truong-thpt
cho-phep-truong-thpt-hoat-dong sap-nhap-chia-tach-truong-thpt giai-the-truong-thpt
dinh-chi-truong-thpt thanh-lap-truong-chuyen ho-tro-hoc-sinh-dan-toc day-them-hoc-them
thanh-lap-trung-tam-ngoai-ngu-tin-hoc cho-phep-trung-tam-ngoai-ngu-tin-hoc-hoat-dong
trung-tam-ngoai-ngu-tin-hoc-hoat-dong-tro-lai thanh-lap-trung-tam-gdtx
trung-tam-giao-duc-hoa-nhap tu-van-du-hoc dieu-chinh-tu-van-du-hoc truong-dat-chuan-quoc-gia
kiem-dinh-chat-luong xet-tang-nha-giao
""".split()
FAQS = """
duong-day-nong dich-vu-cong-truc-tuyen muc-do-dich-vu-cong mot-cua-dien-tu tra-cuu-ho-so
danh-gia-hai-long cai-cach-hanh-chinh-la-gi ke-hoach-cchc ke-hoach-tuyen-truyen van-hoa-cong-vu
hoi-thi-cchc gio-lam-viec sap-nhap-2025 hoi-dap
""".split()
CODES = {
    "chinh-sua-van-bang": "2.001914",
    "cong-nhan-van-bang-nuoc-ngoai": "1.004889",
    "dang-ky-thi-tot-nghiep": "1.005142",
    "tuyen-sinh-ptdtnt": "1.005090",
    "chuyen-truong-thpt": "2.002478",
    "thanh-lap-truong-thpt": "1.006388",
    "cho-phep-truong-thpt-hoat-dong": "1.005074",
    "giai-the-truong-thpt": "1.006389",
}


@pytest.fixture(scope="module")
def knowledge() -> KnowledgeBase:
    return load_knowledge(FOLDER)


def test_kb_check_is_clean_without_warnings() -> None:
    report = check_knowledge(FOLDER, today=date(2026, 11, 22))
    assert not report.errors, [str(p) for p in report.errors]
    # holidays.yaml lacks Tết 2027 until the official decision is known (see the file); that
    # warning is tested in tests/test_workcalendar.py
    warnings = [p for p in report.warnings if p.file != "holidays.yaml"]
    assert not warnings, [str(p) for p in warnings]


@pytest.mark.parametrize("entry_id", PROCEDURES)
def test_required_procedure(knowledge: KnowledgeBase, entry_id: str) -> None:
    entry = knowledge.by_id().get(entry_id)
    assert entry is not None, f"missing procedure {entry_id}"
    assert entry.kind == "procedure" and entry.procedure is not None
    p = entry.procedure
    # Licensing of extra classes was abolished: there is no deciding authority to name.
    names = ("processing_time", "fee", "where") + (
        () if entry_id == "day-them-hoc-them" else ("agency",)
    )
    for name in names:
        assert getattr(p, name), f"{entry_id}: {name} is empty"
    assert p.documents or p.steps, f"{entry_id}: neither documents nor steps"
    assert p.legal_basis, f"{entry_id}: no legal basis"
    assert entry.reviewed is not None
    if entry_id in CODES:
        assert p.code == CODES[entry_id]


# Readable on a phone (issue 3): under 1,500 characters for a whole reply, under 500 for the
# part that answers an aspect. Measured on the text the engine sends (`render_entry`: title,
# labels, links, related entries, the footer, agency.yaml's values filled in), for every aspect
# a citizen may ask, including one the record lacks (then the whole record follows a notice).
FULL_LIMIT = 1500
ASPECT_LIMIT = 500


@pytest.mark.parametrize("entry_id", PROCEDURES)
def test_procedure_replies_fit_a_phone(knowledge: KnowledgeBase, entry_id: str) -> None:
    entry = knowledge.by_id()[entry_id]
    p = entry.procedure
    assert p is not None
    full = render_entry(entry, knowledge)
    assert len(full) < FULL_LIMIT, f"{entry_id}: full reply {len(full)} characters"
    for aspect in ASPECTS:
        sent = render_entry(entry, knowledge, aspect)
        assert len(sent) < FULL_LIMIT, f"{entry_id}/{aspect}: reply {len(sent)} characters"
        if aspect_text(p, aspect) is None:  # the notice, then the whole record
            missing = texts.ASPECT_MISSING.format(title=texts.ASPECT_TITLES[aspect])
            assert sent.startswith(missing), (entry_id, aspect)
            continue
        section = fill_agency(_section(p, aspect) or "", knowledge.agency)
        assert section.startswith(texts.ASPECT_TITLES[aspect]), (entry_id, aspect)
        assert sent.startswith(f"{entry.title}\n\n{section}"), (entry_id, aspect)
        assert len(section) < ASPECT_LIMIT, f"{entry_id}/{aspect}: {len(section)} characters"


def test_every_reply_of_the_knowledge_base_fits_a_phone(knowledge: KnowledgeBase) -> None:
    """FAQ answers too, and any entry outside the lists above."""
    long = [
        (e.id, n) for e in knowledge.entries if (n := len(render_entry(e, knowledge))) >= FULL_LIMIT
    ]
    assert not long, long


def test_the_measured_text_is_what_the_engine_sends(knowledge: KnowledgeBase) -> None:
    """Asked by its title, an entry's reply from the engine is `render_entry`'s text."""
    engine = Engine(KnowledgeService(FOLDER, Thresholds()), None, timezone=ZoneInfo("UTC"))
    checked = 0
    for entry in knowledge.entries:
        _, reply = engine.preview(entry.title)
        if reply.entry_id == entry.id:
            assert reply.text == render_entry(entry, knowledge, reply.aspect), entry.id
            checked += 1
    assert checked >= len(knowledge.entries) - 4


# Where a procedure can be filed online. Filed at the department (its `where` names the city's
# service centre): the national portal's link. Not filed there (commune, school, abolished):
# no link, and the note says what applies. A level is never implied: without one (none is
# published for Cần Thơ) the note says it is unverified.
DEPARTMENT_DESK = "109 Nguyễn Trãi"
PORTAL = "https://dichvucong.gov.vn"
NOT_FILED_AT_THE_DEPARTMENT = {"chuyen-truong-thcs", "day-them-hoc-them"}


@pytest.mark.parametrize("entry_id", PROCEDURES)
def test_where_to_file_online_is_stated(knowledge: KnowledgeBase, entry_id: str) -> None:
    p = knowledge.by_id()[entry_id].procedure
    assert p is not None
    online = p.online
    assert online is not None and (online.url or online.note), f"{entry_id}: no online record"
    if DEPARTMENT_DESK in (p.where or ""):
        assert online.url == PORTAL, f"{entry_id}: filed at the department, no online link"
    if online.url is None:
        assert online.note, f"{entry_id}: no link and no reason"
    elif online.level is None:
        unverified = "chưa xác minh" in (online.note or "").lower()
        assert unverified, f"{entry_id}: the level is neither given nor flagged unverified"
    if entry_id in NOT_FILED_AT_THE_DEPARTMENT:
        assert online.url is None, f"{entry_id}: nothing to file at the department online"


@pytest.mark.parametrize("entry_id", FAQS)
def test_required_faq(knowledge: KnowledgeBase, entry_id: str) -> None:
    entry = knowledge.by_id().get(entry_id)
    assert entry is not None, f"missing FAQ {entry_id}"
    assert entry.kind == "faq" and entry.answer and entry.answer.strip()
    assert entry.reviewed is not None


def test_every_entry_has_6_to_15_questions_some_unaccented(knowledge: KnowledgeBase) -> None:
    for entry in knowledge.entries:
        assert 6 <= len(entry.questions) <= 15, f"{entry.id}: {len(entry.questions)} questions"
        assert any(strip_diacritics(q) == q for q in entry.questions), entry.id


def test_thcs_matters_are_routed_to_the_commune(knowledge: KnowledgeBase) -> None:
    for entry_id in ("chuyen-truong-thcs", "ban-sao-van-bang"):
        entry = knowledge.by_id()[entry_id]
        text = fold(full_procedure(entry))
        assert "xa" in text and "phuong" in text, entry_id


def test_tutoring_licence_is_not_offered(knowledge: KnowledgeBase) -> None:
    text = fold(full_procedure(knowledge.by_id()["day-them-hoc-them"]))
    assert "29/2024" in text
    assert "dang ky kinh doanh" in text


def test_agency_profile(knowledge: KnowledgeBase) -> None:
    agency = knowledge.agency
    assert agency.hotline and agency.address and agency.email
    assert agency.note and "2025" in agency.note and "Cần Thơ" in agency.note


def test_synonyms_cover_150_forms(knowledge: KnowledgeBase) -> None:
    forms = sum(len(variants) for _, variants in knowledge.synonyms.groups)
    assert forms >= 150, forms
    canonicals = {fold(c) for c, _ in knowledge.synonyms.groups}
    for needed in ("thpt", "thcs", "tot nghiep"):
        assert needed in canonicals


def test_twelve_monthly_notices() -> None:
    data = yaml.safe_load((FOLDER / "notices" / "2022.yaml").read_text(encoding="utf-8"))
    notices = data["notices"]
    assert sorted(n["month"] for n in notices) == list(range(1, 13))
    for notice in notices:
        assert notice["title"].strip() and 0 < len(notice["text"]) <= 1800
    assert (FOLDER / "notices" / "README.md").is_file()


def test_golden_set_shape(knowledge: KnowledgeBase) -> None:
    cases = knowledge.golden
    assert len(cases) >= 300
    counts = {e.id: 0 for e in knowledge.entries}
    for case in cases:
        for entry_id in case.expect:
            counts[entry_id] += 1
    assert min(counts.values()) >= 4, [k for k, v in counts.items() if v < 4]
    unaccented = sum(strip_diacritics(c.question) == c.question for c in cases)
    assert unaccented / len(cases) >= 0.4
    assert sum(not c.expect for c in cases) >= 40


def _summaries(knowledge: KnowledgeBase, golden: Path):
    settings = Settings.load(environ={}, env_file=None)
    thresholds = Thresholds(
        settings.answer_threshold, settings.choice_threshold, settings.answer_margin
    )
    cases = load_golden(golden, knowledge)
    return evaluate(Matcher(knowledge, thresholds), cases, date(2026, 11, 21))[0]


# The targets at the shipped thresholds, on the golden questions as written and on
# their generated no-diacritic copies.
@pytest.mark.parametrize("variant", ["as written", "no diacritics"])
def test_golden_set_targets(knowledge: KnowledgeBase, variant: str) -> None:
    summary = {s.variant: s for s in _summaries(knowledge, FOLDER / "golden.yaml")}[variant]
    assert summary.answered_wrong <= 0.01
    assert summary.oos_answered <= 0.03
    assert summary.right_answered_or_offered >= 0.98
    assert summary.answered_right >= 0.92


@pytest.mark.parametrize("variant", ["as written", "no diacritics"])
def test_holdout_set_floors(knowledge: KnowledgeBase, variant: str) -> None:
    """The held-out set is never tuned on: looser floors, the same safety limit on
    out-of-scope answers. It has 66 in-scope questions per variant: one is 1.5 points (since
    the key-word confidence, one of them falls under the choice threshold: 97.0 %)."""
    summary = {s.variant: s for s in _summaries(knowledge, FOLDER / "golden-holdout.yaml")}
    assert summary[variant].answered_wrong <= 0.02
    assert summary[variant].oos_answered <= 0.03
    assert summary[variant].right_answered_or_offered >= 0.96
    assert summary[variant].answered_right >= 0.83


def test_no_accidental_copies_of_golden_questions(knowledge: KnowledgeBase) -> None:
    """Golden questions must be new phrasings, not an entry's own questions."""
    own = {re.sub(r"\W+", " ", fold(q)).strip() for e in knowledge.entries for q in e.questions}
    copies = [
        c.question for c in knowledge.golden if re.sub(r"\W+", " ", fold(c.question)).strip() in own
    ]
    assert len(copies) <= len(knowledge.golden) * 0.02, copies[:10]


def test_everyday_time_words_do_not_derail_a_question(knowledge: KnowledgeBase) -> None:
    """ "hôm" was once "corrected" to "học" and the question went to the hotline."""
    matcher = Matcher(knowledge)
    for text in ("hôm nay sở có làm việc không", "hom nay so co lam viec khong"):
        match = matcher.match(text, today=date(2026, 11, 21))
        assert match.status != "unknown"
        assert match.candidates[0].entry.id == "gio-lam-viec"


def test_a_word_only_the_best_entry_has_settles_a_lopsided_tie(knowledge: KnowledgeBase) -> None:
    """ "email": in one of the contact entry's questions, in no question of the entries that
    share the rest of the message; the confidence puts it far ahead, so it is answered."""
    match = Matcher(knowledge).match("email so giao duc soc trang", today=date(2026, 11, 21))
    assert (match.status, match.entry and match.entry.id) == ("answer", "gio-lam-viec")


def test_a_close_rival_still_makes_a_choice(knowledge: KnowledgeBase) -> None:
    """Registering for the exam: as a pupil or as a free candidate — both fit, neither is
    three times as likely: the citizen chooses."""
    match = Matcher(knowledge).match(
        "đăng kí dự thi tốt ngiệp ở đâu vậy ad", today=date(2026, 11, 21)
    )
    assert match.status == "choices"
    assert {"dang-ky-thi-tot-nghiep", "thi-sinh-tu-do"} <= {c.entry.id for c in match.candidates}


@pytest.mark.parametrize(
    "text",
    [
        "Điều kiện thành lập trường THPT chuyên theo Nghị định 125/2024 là gì?",
        "dieu kien thanh lap truong thpt chuyen theo nghi dinh 125/2024 la gi",
        "truong chuyen cap 3 moi do ubnd thanh pho hay so quyet dinh thanh lap",
    ],
)
def test_a_specialised_school_is_not_a_school_transfer_or_any_school(
    knowledge: KnowledgeBase, text: str
) -> None:
    """Without diacritics "trường chuyên" (specialised school) and "chuyển trường" (transfer)
    differ only in word order; synonyms.yaml gives the specialised school "năng khiếu"."""
    match = Matcher(knowledge).match(text, today=date(2026, 11, 21))
    assert match.status in ("answer", "choices"), match
    assert match.candidates[0].entry.id == "thanh-lap-truong-chuyen"  # answered, or first


@pytest.mark.parametrize(
    "text",
    [
        "thi vào trường chuyên Lý Tự Trọng",
        "thi vao truong chuyen ly tu trong",
        "xin cho con vao truong chuyen",
        "con muốn thi vào lớp 10 chuyên",
    ],
)
def test_admission_to_a_specialised_school_is_grade_10_admission(
    knowledge: KnowledgeBase, text: str
) -> None:
    """ "thi vào trường chuyên Lý Tự Trọng" was answered with the THPT transfer (0.75), "xin
    cho con vao truong chuyen" with founding a specialised school (0.54); synonyms.yaml
    reads entering a specialised school as grade-10 admission."""
    match = Matcher(knowledge).match(text, today=date(2026, 11, 21))
    assert match.status in ("answer", "choices"), match
    assert match.candidates[0].entry.id == "tuyen-sinh-lop-10", match
    assert not (match.status == "answer" and match.entry.id != "tuyen-sinh-lop-10"), match


@pytest.mark.parametrize(
    "text",
    [
        "làm bằng giả",
        "lam bang tot nghiep gia",
        "mua bằng giả",
        "mua bang tot nghiep cap 3 o dau",
        "làm bằng đại học giả bao nhiêu tiền",
    ],
)
def test_a_fake_diploma_goes_to_the_hotline(knowledge: KnowledgeBase, text: str) -> None:
    """ "làm bằng giả" was answered with the diploma copy's fee (0.74): folded, "giả" (fake)
    is "giá" (price). synonyms.yaml reads it as "văn bằng giả mạo" (off_limits.py)."""
    match = Matcher(knowledge).match(text, today=date(2026, 11, 21))
    assert (match.status, match.reason, match.candidates) == ("unknown", "off_limits", ())


@pytest.mark.parametrize(
    "text", ["cấp bản sao bằng giá bao nhiêu", "ban sao bang tot nghiep gia bao nhieu"]
)
def test_the_price_of_a_diploma_copy_is_still_its_fee(knowledge: KnowledgeBase, text: str) -> None:
    match = Matcher(knowledge).match(text, today=date(2026, 11, 21))
    assert (match.status, match.entry and match.entry.id, match.aspect) == (
        "answer",
        "ban-sao-van-bang",
        "fee",
    ), match


@pytest.mark.parametrize(
    ("text", "entry_id"),
    [
        ("Cải cách hành chính là gì?", "cai-cach-hanh-chinh-la-gi"),
        ("chuyển trường THPT", "chuyen-truong-thpt"),
        ("thành lập trường THPT", "thanh-lap-truong-thpt"),
        ("đăng ký thi tốt nghiệp", "dang-ky-thi-tot-nghiep"),
    ],
)
def test_an_entrys_own_short_question_is_answered(
    knowledge: KnowledgeBase, text: str, entry_id: str
) -> None:
    """A far less likely rival whose question has words the message lacks ("Hội thi cải
    cách hành chính", "thành lập trường THPT chuyên") does not turn the title into choices."""
    match = Matcher(knowledge).match(text, today=date(2026, 11, 21))
    assert (match.status, match.entry and match.entry.id) == ("answer", entry_id), match


def test_every_question_of_the_knowledge_base_finds_its_entry(knowledge: KnowledgeBase) -> None:
    """Asked exactly (and without diacritics), an entry's own questions are answered with it,
    bar a few that another entry shares; never with another entry."""
    matcher = Matcher(knowledge)
    missed = wrong = 0
    for entry in knowledge.entries:
        for question in entry.questions:
            for text in (question, strip_diacritics(question)):
                match = matcher.match(text, today=date(2026, 11, 21))
                missed += not (match.status == "answer" and match.entry.id == entry.id)
                wrong += match.status == "answer" and match.entry.id != entry.id
    assert wrong == 0
    assert missed <= 4


@pytest.mark.parametrize(
    ("text", "entry_id"),
    [
        ("chuyen truong tu soc trang len binh duong", "chuyen-truong-thpt"),
        ("Con học lớp 7 ở Đồng Nai, nay về Sóc Trăng thì chuyển trường ra sao?", None),
        ("xin học lại lớp 11 ở Long An", "xin-hoc-lai"),
        ("mất bằng tốt nghiệp ở Hà Nội, giờ ở Cần Thơ xin bản sao được không", "ban-sao-van-bang"),
    ],
)
def test_another_provinces_name_does_not_lead_the_question_astray(
    knowledge: KnowledgeBase, text: str, entry_id: str | None
) -> None:
    """Names of other provinces read as "tỉnh khác" (synonyms.yaml): "Sóc Trăng … Bình
    Dương" once sent a school transfer to the hotline, the own province's old name pulling it
    towards the 2025 reorganisation. `None`: a transfer of either level, answered or offered."""
    match = Matcher(knowledge).match(text, today=date(2026, 11, 21))
    reached = [c.entry.id for c in match.candidates]
    if entry_id is None:
        assert {"chuyen-truong-thcs", "chuyen-truong-thpt"} & set(reached[:1]), match
    else:
        assert match.status in ("answer", "choices") and reached[0] == entry_id, match


@pytest.mark.parametrize(
    "text",
    [
        "con hoc lop 3 chuyen truong",
        "con toi hoc lop 4 muon chuyen truong",
        "con tôi học lớp 2 muốn chuyển trường",
        "con toi hoc lop 7 muon chuyen truong",
        "chuyển trường tiểu học",
    ],
)
def test_a_primary_or_lower_secondary_transfer_goes_to_the_commune(
    knowledge: KnowledgeBase, text: str
) -> None:
    """Grades 1–5 and 6–9 are commune matters: "con hoc lop 3 chuyen truong" and "con toi
    hoc lop 4 muon chuyen truong" were answered with the THPT transfer (0.51, 0.73)."""
    match = Matcher(knowledge).match(text, today=date(2026, 11, 21))
    assert match.status in ("answer", "choices"), match
    assert match.candidates[0].entry.id == "chuyen-truong-thcs", match
    assert not (match.status == "answer" and match.entry.id == "chuyen-truong-thpt"), match
    note = full_procedure(knowledge.by_id()["chuyen-truong-thcs"])
    assert "lớp 1–5" in note and "UBND xã, phường" in note


@pytest.mark.parametrize(
    ("text", "entry_id"),
    [
        ("địa chỉ sở giáo dục hà nội", "so-gddt-tinh-khac"),
        ("so dien thoai so gd tphcm", "so-gddt-tinh-khac"),
        ("địa chỉ sở giáo dục", "gio-lam-viec"),
        ("sdt so gd soc trang", "gio-lam-viec"),
        ("số điện thoại sở giáo dục cần thơ", "gio-lam-viec"),
    ],
)
def test_another_provinces_department_is_not_answered_with_this_ones_contacts(
    knowledge: KnowledgeBase, text: str, entry_id: str
) -> None:
    """ "địa chỉ sở giáo dục hà nội" was answered with the Cần Thơ department's address."""
    match = Matcher(knowledge).match(text, today=date(2026, 11, 22))
    assert (match.status, match.entry and match.entry.id) == ("answer", entry_id), match


def test_the_own_provinces_names_still_mean_the_reorganisation(knowledge: KnowledgeBase) -> None:
    matcher = Matcher(knowledge)
    assert matcher.normalizer.tokens("Bình Dương, TP.HCM") == "tinh khac tinh khac".split()
    assert "soc" in matcher.normalizer.tokens("Sóc Trăng")
    match = matcher.match("Sóc Trăng nhập vào Cần Thơ khi nào", today=date(2026, 11, 21))
    assert (match.status, match.entry and match.entry.id) == ("answer", "sap-nhap-2025")


@pytest.mark.parametrize(
    "text", ["đăng ký", "dang ky", "đk", "đăng ký ở đâu", "dang ky o dau", "thành lập", "thanh lap"]
)
def test_a_word_many_entries_share_is_never_answered(knowledge: KnowledgeBase, text: str) -> None:
    """ "đăng ký" was answered with the exam registration (0.75), "thành lập" with founding a
    THPT school, "đăng ký ở đâu" with free candidates: choices of the entries using it."""
    match = Matcher(knowledge).match(text, today=date(2026, 11, 21))
    assert (match.status, match.reason) == ("choices", "ambiguous"), match
    assert len(match.candidates) >= 2, match


@pytest.mark.parametrize(
    "text",
    [
        "làm hộ chiếu ở đâu",
        "lam ho chieu o dau",
        "làm căn cước công dân mất bao lâu",
        "xin giấy phép xây dựng",
        "đăng ký xe máy ở đâu",
        "đăng ký khai sinh cho con",
    ],
)
def test_off_topic_questions_get_no_choices_of_unrelated_entries(
    knowledge: KnowledgeBase, text: str
) -> None:
    """ "làm hộ chiếu ở đâu" was offered three unrelated entries, one at 0.03."""
    match = Matcher(knowledge).match(text, today=date(2026, 11, 21))
    assert match.status == "unknown", match


def test_no_choice_is_offered_below_the_choice_threshold(knowledge: KnowledgeBase) -> None:
    """Every choice offered for the golden questions is at least as likely as the choice
    threshold (CCHC_CHOICE_THRESHOLD), unless it is a rival that made the answer a choice
    (another school level named, a reference number)."""
    matcher = Matcher(knowledge)
    low = []
    for case in knowledge.golden:
        match = matcher.match(case.question, today=date(2026, 11, 21))
        if match.status == "choices" and match.reason == "close":
            low += [(case.question, c.entry.id) for c in match.candidates if c.score < 0.10]
    assert not low, low
