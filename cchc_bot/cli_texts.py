"""Every Vietnamese word the staff command line prints (`cchc-bot eval`, `kb check`, `db`,
`queue`, `notices`), in one place.

The conversation lives in :mod:`cchc_bot.texts` (which also holds the staff confirmations
shared with the channels) and the monthly report in :mod:`cchc_bot.report_texts`. Templates
use `str.format` fields; column widths and layout stay with the code that prints them.
"""

from __future__ import annotations

# --- `cchc-bot` (argparse; the other help texts are English, for developers) -----------------

DESCRIPTION = "Trợ lý hỏi – đáp thủ tục hành chính ngành giáo dục (CCHC)."
REPORT_HELP = "monthly CCHC report (Hỏi – đáp, hotline, satisfaction)"

# --- errors shared by every command ------------------------------------------------------------

DATABASE_ERROR = "Lỗi cơ sở dữ liệu: {error}"

# --- `cchc-bot ask` ----------------------------------------------------------------------------

ASK_HINT = 'Hãy nhập câu hỏi, ví dụ: cchc-bot ask "mất bằng tốt nghiệp"'

# --- `cchc-bot eval` ---------------------------------------------------------------------------

EVAL_CASES = "{count} câu hỏi mẫu trong {path}"
# Column titles after the variant column, in the order of the figures printed below them.
EVAL_COLUMNS = ("đúng", "đúng|chọn", "sai", "chọn", "cán bộ", "ngoài")
EVAL_LEGEND = (
    "đúng = trả lời đúng mục; đúng|chọn = đúng hoặc có mục đúng trong lựa chọn; "
    "sai = trả lời sai mục; ngoài = câu ngoài phạm vi bị trả lời"
)
EVAL_ERROR = "[{variant}] {status:<8} {score:.2f} {question!r} → {got} (mong đợi {expected})"
EVAL_EXPECTED_NOTHING = "không trả lời"

# --- `cchc-bot kb check` -----------------------------------------------------------------------

KB_NEAR_DUPLICATE = (
    "cảnh báo: câu hỏi gần trùng nhau giữa [{entry_id}] «{question}» và "
    "[{other_id}] «{other_question}» ({similarity:.0f}%) — "
    "dễ khiến bot trả lời nhầm; hãy viết lại cho khác biệt"
)
KB_SUMMARY = "{folder}: {errors} lỗi, {warnings} cảnh báo"
KB_SUMMARY_ENTRIES = ", {count} mục"
KB_SUMMARY_NOTICES = ", {count} bản tin"

# --- `cchc-bot db` -----------------------------------------------------------------------------

DB_NO_REVISION = "(trống)"
DB_UPGRADED = "{url}: {before} → {after}"
DB_CURRENT = "{url}: {current} ({state})"
DB_UP_TO_DATE = "mới nhất"
DB_NEEDS_UPGRADE = "cần nâng cấp lên {head}"

# --- `cchc-bot queue list` / `queue show` -------------------------------------------------------

QUEUE_EMPTY = "Không có phiếu nào."
# Column titles of `queue list`: number, kind, status, due, assignee, text.
QUEUE_COLUMNS = ("số phiếu", "loại", "trạng thái", "hạn", "người xử lý", "nội dung")
QUEUE_OVERDUE = " (quá hạn)"
TICKET_HEAD = "Phiếu {number} – {kind} – {status}"
TICKET_CHANNEL = "Kênh: {channel} / {chat_id}   Người hỏi: {who}"
TICKET_TIMES = "Tạo: {created}   Hạn: {due}{overdue}"
TICKET_OWNER = "Người xử lý: {assignee}   Chủ đề: {category}"
TICKET_TEXT = "\nNội dung:\n{text}"
TICKET_CANDIDATES = "\nGợi ý của bot:"
TICKET_MEMBERS = "\nPhiếu gộp cùng: {numbers}"
TICKET_ANSWER = "\nTrả lời ({by}, {at}):\n{answer}"
TICKET_REJECT_REASON = "\nLý do từ chối: {reason}"
TICKET_NOTE = "\n[ghi chú] {author}, {at}: {text}"
TICKET_HISTORY = "\nLịch sử:"

# --- hotline audit details (stored with the ticket; staff read them in `queue show`) ----------

AUDIT_GROUPED = "gộp với phiếu {lead}"

# --- `cchc-bot notices show` / `preview` / `report`, the progress bar of `send --now` ----------

NOTICE_TITLE = "Tiêu đề: {title}"
NOTICE_TOPICS = "Chủ đề: {topics}"
NOTICE_ALL_TOPICS = "tất cả"
NOTICE_TIMES = "Giờ gửi theo tệp: {planned} · hẹn: {scheduled}"
NOTICE_APPROVAL = "Duyệt: {by} lúc {at}"
NOTICE_NOTE = "Ghi chú: {note}"
PREVIEW_CHANNEL = "── {channel}: {count} tin nhắn (tối đa {limit} ký tự mỗi tin) ──"
PREVIEW_PART = "── phần {index}/{count}, {length} ký tự ──"
REPORT_HEAD = "Bản tin {id} ({status})"
REPORT_RECIPIENTS = "  người nhận: {recipients}"
REPORT_SENT = "  đã gửi: {sent} (chưa xác nhận: {unconfirmed})"
REPORT_OUTCOMES = (
    "  lỗi: {failed} · chặn/không còn: {blocked} · bỏ qua: {skipped} · còn chờ: {pending}"
)
REPORT_REASONS = "  lý do: {reasons}"
REPORT_DURATION = "  thời gian: {duration} s · tốc độ: {rate} tin/s"
PROGRESS = (
    "[{bar}] {done}/{total} {share:.0%} · {rate:.0f}/s · còn {eta} · lỗi {failed} "
    "· chặn {blocked} · bỏ qua {skipped}"
)
