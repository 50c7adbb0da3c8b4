"""What the storage layer's errors and audit notes say (staff read them in the CLI, the server's
start-up messages and the audit log). Bilingual on purpose: an operator may not read Vietnamese.

Each is a `str.format` template; the placeholders are named in the comment above it.
"""

from __future__ import annotations

# {url}: the database URL with its password masked
INVALID_DATABASE_URL = "URL cơ sở dữ liệu không hợp lệ / invalid database URL: {url!r}"
# {url}, {reason}
DATABASE_UNAVAILABLE = (
    "Không mở/kết nối được cơ sở dữ liệu / cannot open or reach the database {url}: {reason}"
)
# {url}, {current}: the database's revision, {head}: the revision this version expects
SCHEMA_UNKNOWN = (
    "Cơ sở dữ liệu {url} đang ở phiên bản {current} mà bản cchc-bot này không biết (cần "
    "{head}): hãy cài đúng phiên bản cchc-bot rồi chạy `cchc-bot db upgrade`. / Database "
    "{url} is at revision {current}, unknown to this cchc-bot (expects {head}): install the "
    "matching cchc-bot version, then run `cchc-bot db upgrade`."
)
# {url}, {current}, {head}
SCHEMA_OUT_OF_DATE = (
    "Cơ sở dữ liệu {url} chưa được cập nhật (hiện tại: {current}, cần: {head}). Hãy chạy "
    "`cchc-bot db upgrade`. / Database schema is out of date (current: {current}, required: "
    "{head}); run `cchc-bot db upgrade`."
)
EMPTY_SCHEMA = "trống/empty"  # the revision of a database no migration has run on

# {number}: a ticket number (HD-2026-00042)
TICKET_NOT_FOUND = "Không có phiếu {number} / no ticket {number}"
# {number}, {status}: its status, {expected}: the statuses the change needs
TICKET_STATE_CONFLICT = (
    "Phiếu {number} đang ở trạng thái {status!r} (cần: {expected}) / ticket {number} is "
    "{status!r}, expected one of {expected}"
)
# {survey_id}
SURVEY_NOT_FOUND = "Không có phiếu khảo sát / no survey {survey_id}"
SURVEY_ANSWERED = "Phiếu khảo sát đã được trả lời / survey {survey_id} answered"
# {outbox_id}
OUTBOX_NOT_FOUND = "Không có tin nhắn chờ gửi / no outbox message {outbox_id}"
# {notice_id}
NOTICE_NOT_FOUND = "Không có bản tin {notice_id} / no notice {notice_id}"
# {lead}: the ticket a group change was made on (the audit note of each member)
GROUP_CHANGE = "nhóm/group {lead}"
# {old}: the lead that left its group (rejected or ungrouped), {lead}: the new lead
GROUP_NEW_LEAD = "dẫn nhóm thay phiếu {old} / leads the group instead of {old}"
GROUP_MOVED = "chuyển sang nhóm {lead} (thay {old}) / moved to group {lead} (was {old})"
GROUP_LEFT = "rời nhóm {lead} / left group {lead}"
# {numbers}: the tickets that were grouped under this one
GROUP_HANDED_ON = "rời nhóm; các phiếu {numbers} tách khỏi phiếu này / left its group: {numbers}"
