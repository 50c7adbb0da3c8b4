"""Every Vietnamese word of the monthly report and the ticket exports, plus number formats.

Kept apart from :mod:`cchc_bot.texts` (the conversation) so staff-facing documents can be
reworded in one place. Numbers are written the Vietnamese way: ``12.345`` and ``4,5``.
"""

from __future__ import annotations

from datetime import datetime

# -- errors ---------------------------------------------------------------------------------

BAD_MONTH = "Tháng không hợp lệ: {value!r} (cần dạng YYYY-MM, ví dụ 2026-10) / invalid month"
BAD_FORMAT = "Định dạng không hỗ trợ: {value!r} (chọn: {choices}) / unsupported format"

# -- report header --------------------------------------------------------------------------

TITLE = "Báo cáo kết quả chuyên mục Hỏi – đáp, đường dây nóng và đo lường sự hài lòng"
PERIOD = "Tháng {month:02d}/{year} (từ {start} đến hết {last})"
GENERATED = "Lập lúc {when} (giờ {tz}). Số liệu tự động từ hệ thống trợ lý hỏi – đáp."
PREVIOUS = "So sánh với tháng {month:02d}/{year}"
NO_DATA = "Không có dữ liệu trong tháng."
NOT_AVAILABLE = "–"

# -- sections -------------------------------------------------------------------------------

SECTION_OVERVIEW = "1. Tổng hợp kết quả"
SECTION_DECISIONS = "2. Bot xử lý câu hỏi như thế nào"
SECTION_TOPICS = "3. Chủ đề bot chưa trả lời được (chuyển đường dây nóng)"
SECTION_ENTRIES = "4. Nội dung được trả lời nhiều nhất"
SECTION_RATINGS = "5. Đánh giá của người dân về câu trả lời (👍/👎)"
SECTION_SATISFACTION = "6. Đo lường sự hài lòng (phiếu khảo sát sau khi đóng phiếu)"
SECTION_COMMENTS = "7. Ý kiến góp ý của người dân (đã che thông tin cá nhân)"
SECTION_BROADCASTS = "8. Bản tin gửi người đăng ký nhận tin"
SECTION_NOTES = "Cách tính số liệu"

# -- overview -------------------------------------------------------------------------------

COL_INDICATOR = "Chỉ tiêu"
COL_THIS_MONTH = "Tháng này"
COL_PREVIOUS = "Tháng trước"
COL_CHANGE = "Chênh lệch"

HEADLINE_LABELS: dict[str, str] = {
    "questions": "Câu hỏi tiếp nhận qua bot",
    "answered_by_bot": "Bot trả lời được",
    "bot_share": "Tỷ lệ bot trả lời được",
    "handed_off": "Chuyển đường dây nóng",
    "tickets_opened": "Phiếu hỏi – đáp, phản ánh mới",
    "tickets_questions": "– trong đó câu hỏi",
    "tickets_complaints": "– trong đó phản ánh, kiến nghị",
    "tickets_answered": "Phiếu đã trả lời",
    "tickets_closed": "Phiếu đã hoàn thành",
    "tickets_rejected": "Phiếu từ chối (có lý do)",
    "tickets_overdue": "Phiếu trả lời quá hạn hoặc chưa trả lời khi hết hạn",
    "median_hours": "Thời gian trả lời trung vị (giờ)",
    "p90_hours": "90% phiếu được trả lời trong (giờ)",
    "surveys_asked": "Phiếu khảo sát đã gửi",
    "surveys_answered": "Phiếu khảo sát có trả lời",
    "satisfaction_mean": "Điểm hài lòng chung (1–5)",
    "satisfaction_share": "Tỷ lệ hài lòng chung (4–5 điểm)",
}

# -- tables ---------------------------------------------------------------------------------

COL_DECISION = "Cách xử lý"
COL_COUNT = "Số lượt"
DECISION_LABELS: dict[str, str] = {
    "answer": "Trả lời ngay",
    "pick": "Trả lời nội dung người dân chọn từ danh mục",
    "choices": "Gợi ý để người dân chọn",
    "choice_pick": "– sau đó người dân chọn một gợi ý, bot trả lời",
    "ticket": "Chuyển đường dây nóng (bot chưa trả lời được)",
    "complaint": "Phản ánh, kiến nghị chuyển đường dây nóng",
    "handoff": "– sau đó người dân yêu cầu chuyển cán bộ",
    "unknown": "Không tìm được câu trả lời",
}
COL_TOPIC = "Chủ đề"
COL_TICKETS = "Số phiếu"
UNCATEGORISED = "(chưa phân loại)"
COL_ENTRY_ID = "Mã nội dung"
COL_TITLE = "Tiêu đề"
COL_ANSWERS = "Số lượt trả lời"
COL_CONTENT = "Nội dung"
COL_UP = "👍 Hữu ích"
COL_DOWN = "👎 Chưa hữu ích"
COL_UP_SHARE = "Tỷ lệ hữu ích"
STAFF_ANSWERS = "Trả lời của cán bộ đường dây nóng"
COL_CRITERION = "Tiêu chí"
COL_MEAN = "Điểm trung bình (1–5)"
COL_RESPONSES = "Số lượt đánh giá"
COL_GOOD_SHARE = "Tỷ lệ hài lòng (4–5 điểm)"
CRITERIA: dict[str, str] = {
    "ease": "Dễ dàng tìm hiểu thông tin",
    "speed": "Thời gian phản hồi",
    "helpfulness": "Câu trả lời giúp ích cho người dân",
    "attitude": "Thái độ phục vụ",
}
COL_NUMBER = "STT"
COL_COMMENT = "Ý kiến"

# -- charts ---------------------------------------------------------------------------------

CHART_OVERVIEW = "Câu hỏi tiếp nhận và kết quả xử lý"
CHART_TICKETS = "Phiếu đường dây nóng trong tháng"
CHART_TOPICS = "Chủ đề chuyển đường dây nóng nhiều nhất"
CHART_ENTRIES = "Nội dung được trả lời nhiều nhất"
CHART_RATINGS = "Đánh giá 👍 / 👎 theo nội dung"
CHART_SATISFACTION = "Điểm hài lòng trung bình theo tiêu chí (thang 1–5)"

COL_NOTICE = "Bản tin"
COL_STATUS = "Trạng thái"
COL_RECIPIENTS = "Người nhận"
COL_SENT = "Đã gửi"
COL_FAILED = "Lỗi"
COL_BLOCKED = "Đã chặn bot"
COL_SKIPPED = "Bỏ qua"
COL_SKIPPED_REASONS = "Bỏ qua theo lý do"
COL_FAILED_REASONS = "Lỗi theo lý do"
COL_DURATION = "Thời gian gửi (giây)"
COL_RATE = "Tốc độ (tin/giây)"
TOTAL = "Cộng"
NOTICE_STATUS_LABELS: dict[str, str] = {
    "sending": "Đang gửi",
    "sent": "Đã gửi xong",
    "cancelled": "Đã hủy",
    "missed": "Lỡ giờ gửi",
}
BROADCAST_REASONS: dict[str, str] = {
    "quota_plan": "vượt hạn mức tin nhắn của gói Zalo",
    "quota_follower": "vượt hạn mức tin gửi một người theo dõi",
    "unsubscribed": "đã hủy đăng ký trước khi gửi",
    "cancelled": "bản tin bị hủy",
    "no_channel": "kênh chưa được cấu hình",
    "rate_limited": "nền tảng giới hạn tốc độ",
    "rejected": "nền tảng từ chối",
    "window": "người nhận ngoài khung tương tác của Zalo OA",
    "transient": "lỗi kết nối (đã thử lại)",
    "interrupted": "gián đoạn, không rõ đã gửi",
    "unknown": "không rõ",
}


def reasons(counts: dict[str, int]) -> str:
    """``{"quota_plan": 3}`` → ``vượt hạn mức tin nhắn của gói Zalo: 3``; empty → ``–``."""
    if not counts:
        return NOT_AVAILABLE
    return "; ".join(f"{BROADCAST_REASONS.get(k, k)}: {integer(n)}" for k, n in counts.items())


# -- definitions (printed at the end of the report) ------------------------------------------

NOTES: tuple[str, ...] = (
    "Câu hỏi tiếp nhận: mỗi câu hỏi tính một lần, ở tin nhắn đầu tiên — bot trả lời ngay,"
    " gợi ý lựa chọn, chuyển đường dây nóng, ghi nhận phản ánh, kiến nghị, hoặc người dân"
    " chọn một nội dung từ danh mục. Việc người dân chọn gợi ý, xem toàn bộ thủ tục hay yêu"
    " cầu gặp cán bộ sau đó không tính thêm câu hỏi.",
    "Bot trả lời được: câu hỏi bot trả lời bằng một nội dung trong cơ sở tri thức"
    " (trả lời ngay hoặc sau khi người dân chọn gợi ý).",
    "Chuyển đường dây nóng: câu hỏi, phản ánh, kiến nghị bot chuyển thành phiếu cho cán bộ,"
    " kể cả khi người dân yêu cầu gặp cán bộ sau câu trả lời hoặc gợi ý của bot.",
    "Phiếu mới: phiếu được tạo trong tháng (kể cả phiếu do người dân yêu cầu gặp cán bộ).",
    "Phiếu quá hạn: phiếu có hạn trả lời trong tháng mà đến hạn chưa được trả lời, đóng"
    " hoặc từ chối (kể cả phiếu trả lời sau hạn).",
    "Thời gian trả lời: từ lúc tạo phiếu đến lần trả lời đầu tiên, tính theo giờ đồng hồ,"
    " cho các phiếu được trả lời trong tháng.",
    "Tỷ lệ hài lòng: số lượt đánh giá 4 hoặc 5 điểm trên tổng số lượt đánh giá tiêu chí đó.",
    "Bản tin: các bản tin bắt đầu gửi trong tháng (hoặc đến giờ gửi trong tháng nhưng bị hủy"
    " hay lỡ giờ). Đã gửi gồm cả tin đã rời hệ thống nhưng nền tảng chưa kịp xác nhận (không"
    " bao giờ gửi lại); đã chặn bot: người nhận chặn bot hoặc không còn tồn tại (tự hủy đăng"
    " ký); tốc độ: số tin đã gửi mỗi giây giữa tin đầu và tin cuối.",
    "Thời điểm tính theo giờ Việt Nam (UTC+7).",
)

# -- ticket exports ---------------------------------------------------------------------------

EXPORT_SHEET = "Phiếu hỏi đáp"
EXPORT_HEADERS: tuple[str, ...] = (
    "Số phiếu",
    "Ngày tiếp nhận",
    "Loại",
    "Chủ đề",
    "Trạng thái",
    "Cán bộ xử lý",
    "Hạn trả lời",
    "Ngày trả lời",
    "Ngày đóng",
    "Kênh",
    "Nội dung (đã che thông tin cá nhân)",
    "Trả lời",
    "Lý do từ chối",
)
KIND_LABELS: dict[str, str] = {"question": "Câu hỏi", "complaint": "Phản ánh, kiến nghị"}
STATUS_LABELS: dict[str, str] = {
    "open": "Mới tiếp nhận",
    "assigned": "Đang xử lý",
    "answered": "Đã trả lời",
    "closed": "Hoàn thành",
    "rejected": "Từ chối",
}
CHANNEL_LABELS: dict[str, str] = {"telegram": "Telegram", "zalo": "Zalo", "console": "Thử nghiệm"}

# -- number and date formats ------------------------------------------------------------------

DATE = "%d/%m/%Y"
DATE_TIME = "%d/%m/%Y %H:%M"


def integer(value: int) -> str:
    """``12345`` → ``12.345``."""
    return f"{value:,d}".replace(",", ".")


def decimal(value: float | None, places: int = 1) -> str:
    """``1234.5`` → ``1.234,5``; None → ``–``."""
    if value is None:
        return NOT_AVAILABLE
    text = f"{value:,.{places}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def percent(value: float | None, places: int = 1) -> str:
    """``0.8`` → ``80,0%``; None → ``–``."""
    return NOT_AVAILABLE if value is None else decimal(value * 100, places) + "%"


def signed(value: float | None, places: int = 0) -> str:
    """A change: ``+12``, ``-3,5``, ``0``; None → ``–``."""
    if value is None:
        return NOT_AVAILABLE
    text = integer(round(value)) if places == 0 else decimal(value, places)
    return ("+" + text) if value > 0 else text


def when(moment: datetime) -> str:
    """``05/10/2026 09:00`` (already in the wanted time zone)."""
    return moment.strftime(DATE_TIME)
