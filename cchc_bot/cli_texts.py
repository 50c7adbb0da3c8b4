"""Every Vietnamese word the staff command line prints (`cchc-bot eval`, `kb check`, `db`,
`queue`, `notices`), in one place, with the staff-only refusals of the hotline and the
notices that the command line prints (the Telegram staff group shows the hotline's too).

The conversation lives in :mod:`cchc_bot.texts` (which also holds the staff confirmations
shared with the channels) and the monthly report in :mod:`cchc_bot.report_texts`. Templates
use `str.format` fields; column widths and layout stay with the code that prints them.
"""

from __future__ import annotations

import errno

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
EVAL_COLUMNS = ("đúng", "đúng|chọn", "sai", "chọn", "cán bộ", "ngoài", "ngoài|chọn")
EVAL_LEGEND = (
    "đúng = trả lời đúng mục; đúng|chọn = đúng hoặc có mục đúng trong lựa chọn; "
    "sai = trả lời sai mục; ngoài = câu ngoài phạm vi bị trả lời; "
    "ngoài|chọn = câu ngoài phạm vi được đưa lựa chọn"
)
EVAL_ERROR = "[{variant}] {status:<8} {score:.2f} {question!r} → {got} (mong đợi {expected})"
EVAL_EXPECTED_NOTHING = "không trả lời"

# --- `cchc-bot kb check` -----------------------------------------------------------------------

KB_NEAR_DUPLICATE = (
    "{where} [{entry_id}] cảnh báo: câu hỏi gần trùng nhau giữa «{question}» và "
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
TICKET_LEAD = "\nGộp vào nhóm của phiếu: {number}"
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
REPORT_SKIPPED_REASONS = "  bỏ qua theo lý do: {reasons}"
REPORT_FAILED_REASONS = "  lỗi theo lý do: {reasons}"
REPORT_DURATION = "  thời gian: {duration} s · tốc độ: {rate} tin/s"
PROGRESS = (
    "[{bar}] {done}/{total} {share:.0%} · {rate:.0f} tin/s · còn {eta} · lỗi {failed} "
    "· chặn {blocked} · bỏ qua {skipped}"
)

# --- hotline actions: refusals the hotline raises (the command line and the Telegram staff
# group show them), confirmations of `queue` and `db prune` --------------------------------------

STAFF_NO_TICKET = "Không có phiếu {number}."
STAFF_BAD_TRANSITION = "Không thể {action} phiếu {number}: phiếu đang ở trạng thái «{status}»."
STAFF_ACTIONS = {
    "assign": "giao",
    "answer": "trả lời",
    "close": "đóng",
    "reject": "từ chối",
}
STAFF_EMPTY_ANSWER = "Nội dung trả lời đang trống."
STAFF_EMPTY_NOTE = "Ghi chú đang trống."
STAFF_REJECT_NEEDS_REASON = "Từ chối phiếu cần ghi rõ lý do (--reason)."
STAFF_TEXT_AND_FILE = (
    "Chỉ dùng một nguồn cho câu trả lời: hoặc nội dung trong lệnh, hoặc --file, không dùng cả hai."
)
STAFF_NOT_GROUPED = "Phiếu {number} không thuộc nhóm nào."
STAFF_UNGROUPED = "Đã tách phiếu {number} khỏi nhóm (các phiếu thay đổi theo: {others})."
STAFF_CLOSED_GROUP = " Đã đóng cùng {count} phiếu gộp."
STAFF_NEEDS_NAME = "Cần biết ai thực hiện: thêm --by TÊN hoặc đặt biến CCHC_STAFF_NAME."
STAFF_PROMOTE_NEEDS_ANSWER = "Phiếu {number} chưa có câu trả lời để đưa vào cơ sở tri thức."
STAFF_PROMOTE_NEEDS_TOPIC = (
    "Chưa có mục '{entry_id}': cần --topic (tệp faq, ví dụ faq/hoi-dap.yaml) để tạo mục mới."
)
STAFF_PROMOTED = "Đã đưa phiếu {number} vào mục '{entry_id}' ({path}); kb check: không lỗi."
PROMOTE_COMMENT = "thêm từ phiếu {number} bởi {who} ngày {day}"
EXPORT_XLSX_NEEDS_FILE = "Xuất Excel cần tên tệp: --output phieu.xlsx"
FILE_ERROR = "Không mở được tệp '{path}': {reason}."
FILE_REASONS = {
    errno.ENOENT: "không có tệp hoặc thư mục này",
    errno.EACCES: "không có quyền đọc/ghi",
    errno.EISDIR: "đây là một thư mục, cần một tệp",
    errno.ENOSPC: "ổ đĩa đã đầy",
}
FILE_NOT_UTF8 = "Tệp không đọc được theo mã UTF-8 ({reason}); hãy lưu lại tệp ở dạng UTF-8."
EXPORT_BAD_RANGE = "Khoảng ngày không hợp lệ: --from {start} sau --to {end}."
EXPORTED = "Đã xuất {count} phiếu ra {path}."
PRUNED = (
    "Đã xóa nội dung cũ hơn {days} ngày (giữ lại số liệu thống kê): {messages} tin nhắn, "
    "{tickets} phiếu đã đóng hoặc từ chối, {notes} ghi chú, {outbox} tin đã gửi, "
    "{comments} góp ý khảo sát."
)
PRUNE_BAD_DAYS = "DAYS phải là số nguyên từ 1 trở lên, ví dụ --older-than 365 (nhận: {value!r})."

# --- Broadcasts: notices for staff (`cchc-bot notices …`, the scheduler) ------------------------

NOTICE_STATUS_NAMES = {
    "draft": "nháp",
    "approved": "đã duyệt",
    "scheduled": "đã hẹn giờ",
    "sending": "đang gửi",
    "sent": "đã gửi",
    "cancelled": "đã hủy",
    "missed": "lỡ giờ gửi",
}
NOTICE_ACTIONS = {
    "approve": "duyệt",
    "schedule": "hẹn giờ gửi",
    "send": "gửi",
    "cancel": "hủy",
    "edit": "sửa",
}
NOTICE_NOT_FOUND = "Không có bản tin {id}. Xem danh sách: cchc-bot notices list"
NOTICE_REFUSED = "Không thể {action} bản tin {id}: bản tin đang ở trạng thái «{status}»."
NOTICE_HINTS = {
    ("schedule", "draft"): "Cần duyệt trước: cchc-bot notices approve {id} --by TÊN.",
    ("send", "draft"): "Chỉ bản tin đã duyệt mới được gửi: cchc-bot notices approve {id} --by TÊN.",
    ("send", "sent"): "Bản tin đã gửi xong; mỗi người chỉ nhận một lần.",
    ("approve", "approved"): "Bản tin đã được duyệt.",
    **{
        (action, "cancelled"): (
            "Bản tin đã hủy không thể duyệt, hẹn giờ hay gửi lại, kể cả sau khi sửa (mỗi mã "
            "bản tin chỉ gửi một lượt). Muốn gửi nội dung này: tạo bản tin mới với mã khác "
            "(đổi id trong tệp, hoặc cchc-bot notices add {id}-moi …)."
        )
        for action in ("approve", "schedule", "send")
    },
}
NOTICE_EVENT_NAMES = {
    "create": "tạo",
    "edit": "sửa",
    "approve": "duyệt",
    "schedule": "hẹn giờ gửi",
    "send": "yêu cầu gửi",
    "cancel": "hủy",
    "claim": "bắt đầu gửi",
    "sent": "gửi xong",
    "missed": "lỡ giờ gửi",
    "back_to_draft": "trở lại nháp",
}
NOTICE_EVENT_CLAIM = "tiến trình {owner}"
NOTICE_EVENT_TAKEOVER = "tiến trình {owner}, gửi tiếp phần của {previous}"
DELIVERY_STATUS_NAMES = {
    "pending": "còn chờ",
    "sending": "đang gửi",
    "sent": "đã gửi",
    "failed": "lỗi",
    "blocked": "chặn/không còn",
    "skipped": "bỏ qua",
}
NOTICE_STOP_REASONS = {
    "stop": "đã dừng theo yêu cầu",
    "lease_lost": "một tiến trình khác đã nhận gửi tiếp",
    "cancelled": "bản tin đã bị hủy",
    "channel_down": "kênh {channels} từ chối bot, hãy kiểm tra token; các kênh khác vẫn gửi",
    "storage": "lỗi cơ sở dữ liệu; những gì đã gửi được ghi trong nhật ký gửi, không gửi trùng",
}
NOTICE_BAD_AT = (
    "Thời điểm «{value}» không hợp lệ: viết «NĂM-THÁNG-NGÀY GIỜ:PHÚT» theo giờ Việt Nam, "
    "ví dụ «2027-01-15 08:00», hoặc «2027-02-last 08:00» cho ngày cuối tháng."
)
NOTICE_NEEDS_AT = "Bản tin {id} không có ngày gửi trong tệp: thêm --at «2027-01-15 08:00»."
NOTICE_IN_PAST = (
    "Thời điểm {at} của bản tin {id} đã qua. Chọn thời điểm khác (--at), "
    "hoặc gửi ngay: cchc-bot notices send {id}."
)
NOTICE_BAD_ADD = "Bản tin cần tiêu đề, nội dung và chủ đề hợp lệ ({topics})."
NOTICE_FROM_FILE = "Bản tin {id} được viết trong tệp {source}: hãy sửa trong tệp đó."
NOTICE_EDITED_NOTE = "nội dung đã thay đổi sau khi duyệt: cần duyệt lại"
NOTICE_REMOVED_NOTE = "bản tin không còn trong tệp: cần duyệt lại nếu vẫn muốn gửi"
NOTICE_MISSED_NOTE = (
    "quá giờ gửi hơn {days} ngày (máy chủ không chạy): không tự gửi; hẹn lại giờ nếu cần"
)
NOTICE_APPROVED = "Đã duyệt bản tin {id} ({by}). Hẹn giờ gửi: cchc-bot notices schedule {id}"
NOTICE_SCHEDULED = "Bản tin {id} sẽ được gửi lúc {at} (giờ Việt Nam)."
NOTICE_SEND_SOON = (
    "Bản tin {id} sẽ được máy chủ (cchc-bot run) gửi trong vòng một phút. "
    "Gửi ngay từ máy này: cchc-bot notices send {id} --now"
)
NOTICE_CANCELLED = "Đã hủy bản tin {id}."
NOTICE_ADDED = "Đã lưu bản tin {id} (nháp). Xem trước: cchc-bot notices preview {id}"
NOTICE_BUSY = (
    "Bản tin {id} đang được một tiến trình khác gửi ({owner}). "
    "Theo dõi: cchc-bot notices report {id}"
)
NOTICE_NO_SENDERS = "Chưa cấu hình kênh nào để gửi bản tin (CCHC_TELEGRAM_TOKEN, CCHC_ZALO_…)."
NOTICE_OTHER_SENDING = (
    "Bản tin {busy} đang được gửi ({owner}); các bản tin được gửi lần lượt để giữ đúng giới "
    "hạn tốc độ của từng kênh. Chạy lại lệnh khi bản tin đó xong, hoặc để máy chủ gửi tiếp "
    "theo: cchc-bot notices send {id}"
)
NOTICE_CANCELLED_WHILE_SENDING = "Bản tin {id} đã bị hủy trong khi gửi; phần chưa gửi được bỏ qua."
NOTICE_DONE = "Đã gửi xong bản tin {id}."
NOTICE_PAUSED = "Bản tin {id} chưa gửi xong ({why}); chạy lại lệnh để gửi tiếp."
NOTICE_SYNC_LOCKED = (
    "cảnh báo: bản tin {id} đã được sửa trong tệp sau khi gửi; nội dung sửa không được gửi"
)
BROADCAST_LOCKED = (
    "Một máy chủ cchc-bot khác (pid {pid}) đang chạy trên cùng cơ sở dữ liệu SQLite này "
    "(khóa {path}). SQLite chỉ hỗ trợ một máy chủ; dừng máy chủ kia, hoặc dùng PostgreSQL để "
    "chạy nhiều máy chủ. / Another cchc-bot server (pid {pid}) uses this SQLite database."
)
