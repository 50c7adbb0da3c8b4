"""Everything a citizen or a staff member reads, in one place (Vietnamese, with diacritics).

Templates use `str.format` fields; channels never add wording of their own.
"""

from __future__ import annotations

GREETING = (
    "Xin chào {name}! Tôi là trợ lý hỏi – đáp thủ tục hành chính của {agency}.\n"
    "Anh/chị có thể hỏi về: cấp bản sao, chỉnh sửa văn bằng; thi tốt nghiệp THPT, phúc khảo; "
    "chuyển trường, xin học lại; thành lập trường, trung tâm; dịch vụ công trực tuyến; "
    "đường dây nóng, phản ánh – kiến nghị …\n"
    "Cứ gõ câu hỏi bằng lời của mình, có dấu hay không dấu đều được."
)
HELP = (
    "Cách dùng:\n"
    "- Gõ câu hỏi, ví dụ: «mất bằng tốt nghiệp cấp 3 xin cấp lại ở đâu», «đk thi tn cần gì».\n"
    "- Khi tôi đưa ra vài lựa chọn, trả lời bằng số thứ tự (1, 2, 3).\n"
    "- /menu: xem các chủ đề và thủ tục.\n"
    "- /hotline <câu hỏi>: gửi câu hỏi cho cán bộ trả lời.\n"
    "- /tracuu <số phiếu>: xem tình trạng câu hỏi đã gửi.\n"
    "Đường dây nóng: {hotline}."
)
THANKS = "Không có gì ạ. Anh/chị cần hỏi thêm gì cứ nhắn cho tôi nhé."
EMPTY = "Anh/chị chưa nhập nội dung. Hãy gõ câu hỏi về thủ tục hành chính ngành giáo dục nhé."
TOO_LONG = (
    "Tin nhắn dài quá ({length} ký tự, tối đa {limit}). Anh/chị vui lòng tóm tắt câu hỏi "
    "ngắn gọn hơn, hoặc gõ /hotline kèm nội dung để gửi thẳng cho cán bộ."
)
TOO_VAGUE = (
    "Anh/chị hỏi cụ thể hơn giúp tôi nhé (ví dụ: «lệ phí cấp bản sao bằng tốt nghiệp», "
    "«chuyển trường THPT cần giấy tờ gì»). Hoặc chọn một chủ đề dưới đây."
)

CHOICES_INTRO = "Tôi chưa chắc anh/chị hỏi về nội dung nào. Có phải là:"
CHOICES_HINT = "Trả lời {numbers} để chọn, hoặc 0 nếu không phải các mục trên (gửi cán bộ)."
PICK_HINT = "Trả lời {numbers} để chọn."
PICK_ONE_HINT = "Trả lời 1 để chọn."
HOTLINE_ONLY_HINT = "Trả lời 0 để gửi câu hỏi cho cán bộ."
CHOICE_NONE_LABEL = "Không phải các mục trên – gửi cán bộ"
CHOICE_EXPIRED = (
    "Lựa chọn này không còn hiệu lực. Anh/chị vui lòng gõ lại câu hỏi, hoặc /menu để xem chủ đề."
)
NO_PENDING_CHOICE = (
    "Hiện không có danh sách lựa chọn nào để chọn số {number}. Anh/chị gõ câu hỏi giúp tôi nhé."
)

MENU_INTRO = "Chọn một chủ đề:"
TOPIC_INTRO = "Chủ đề «{topic}»: chọn nội dung cần xem"
UNKNOWN_TOPIC = "Không tìm thấy chủ đề này. Gõ /menu để xem danh sách chủ đề."
UNKNOWN_ENTRY = "Nội dung này không còn trong cơ sở tri thức. Gõ /menu để xem danh sách."

TICKET_CREATED = (
    "Tôi chưa có câu trả lời chắc chắn cho câu hỏi này nên đã chuyển đến cán bộ phụ trách.\n"
    "Số phiếu của anh/chị: {number}\n"
    "Hạn trả lời: {due} ({response}).\n"
    "Câu trả lời sẽ được gửi lại ngay trong cuộc trò chuyện này. "
    "Cần gấp, anh/chị gọi đường dây nóng {hotline}.\n"
    "Tra cứu: /tracuu {number}"
)
TICKET_REQUESTED = (
    "Câu hỏi của anh/chị đã được chuyển đến cán bộ phụ trách để trả lời trực tiếp.\n"
    "Số phiếu của anh/chị: {number}\n"
    "Hạn trả lời: {due} ({response}).\n"
    "Câu trả lời sẽ được gửi lại ngay trong cuộc trò chuyện này. "
    "Cần gấp, anh/chị gọi đường dây nóng {hotline}.\n"
    "Tra cứu: /tracuu {number}"
)
COMPLAINT_CREATED = (
    "Cảm ơn anh/chị đã phản ánh. Nội dung đã được ghi nhận và chuyển đến bộ phận phụ trách.\n"
    "Số phiếu: {number}\n"
    "Hạn phản hồi: {due} ({response}).\n"
    "Kết quả xử lý sẽ được gửi lại trong cuộc trò chuyện này. Đường dây nóng: {hotline}.\n"
    "Tra cứu: /tracuu {number}"
)
TICKET_EXISTS = (
    "Câu hỏi này anh/chị đã gửi ở phiếu {number} và đang chờ cán bộ trả lời (hạn {due}). "
    "Tra cứu: /tracuu {number}"
)
QUESTION_RESPONSE = "trong {days} ngày làm việc"
DUE_FORMAT = "%H:%M ngày %d/%m/%Y"

# Messages sent to a citizen when staff act on their ticket.
TICKET_ANSWERED = (
    "Trả lời phiếu {number} của anh/chị:\n\n{answer}\n\n"
    "Câu trả lời có giúp được anh/chị không? Trả lời 1 (👍 có) hoặc 2 (👎 chưa)."
)
TICKET_REJECTED = (
    "Phiếu {number} của anh/chị không thể giải quyết qua kênh này.\nLý do: {reason}\n"
    "Cần hỗ trợ thêm, anh/chị gọi đường dây nóng {hotline}."
)
SURVEY_ASK = (
    "Phiếu {number} đã hoàn thành. Xin anh/chị dành 1 phút đánh giá (thang 1–5, 5 là tốt nhất):\n"
    "1) Dễ tìm được thông tin  2) Nhanh chóng  3) Hữu ích  4) Thái độ phục vụ\n"
    "Gõ 4 số theo thứ tự, có thể thêm góp ý, ví dụ: 5 4 5 5 cảm ơn cán bộ.\n"
    "Gõ /boqua nếu không muốn đánh giá."
)
SURVEY_THANKS = "Cảm ơn anh/chị đã đánh giá. Ý kiến của anh/chị giúp Sở phục vụ tốt hơn."
SURVEY_SKIPPED = "Vâng ạ. Anh/chị cần hỏi gì thêm cứ nhắn cho tôi."
SURVEY_INVALID = (
    "Anh/chị gõ 4 số từ 1 đến 5 theo thứ tự (dễ tìm thông tin, nhanh chóng, hữu ích, thái độ), "
    "ví dụ: 5 4 5 5 — hoặc /boqua."
)

# Feedback on the bot's answers.
RATE_UP_LABEL = "👍 Hữu ích"
RATE_DOWN_LABEL = "👎 Chưa đúng ý"
FULL_PROCEDURE_LABEL = "Xem toàn bộ thủ tục"
RATED_UP = "Cảm ơn anh/chị đã đánh giá!"
RATED_DOWN = "Xin lỗi vì câu trả lời chưa đúng ý anh/chị. Gửi câu hỏi cho cán bộ trả lời trực tiếp?"
SEND_TO_STAFF_LABEL = "Gửi cho cán bộ"
RATED_NOTED = "Cảm ơn anh/chị, đánh giá đã được ghi nhận."
RATED_DOWN_STAFF = (
    "Cảm ơn anh/chị, đánh giá về câu trả lời phiếu {number} đã được ghi nhận để cán bộ rút "
    "kinh nghiệm. Nếu còn vướng mắc, anh/chị gõ /hotline kèm nội dung cần hỏi thêm, "
    "hoặc gọi đường dây nóng {hotline}."
)
RATING_UNKNOWN = "Không tìm thấy nội dung để đánh giá. Anh/chị gõ câu hỏi mới giúp tôi nhé."
TICKET_FAILED = (
    "Xin lỗi, hệ thống tạm thời chưa ghi nhận được câu hỏi của anh/chị. "
    "Anh/chị vui lòng thử lại sau ít phút hoặc gọi đường dây nóng {hotline}."
)
HOTLINE_ASK = (
    "Anh/chị gõ /hotline kèm nội dung cần hỏi hoặc phản ánh, ví dụ: "
    "«/hotline con tôi chuyển trường từ tỉnh khác về cần làm gì». "
    "Hoặc gọi đường dây nóng {hotline}."
)
TRACK_USAGE = "Anh/chị gõ /tracuu kèm số phiếu, ví dụ: /tracuu HD-2026-00042."
TRACK_NOT_FOUND = (
    "Không tìm thấy phiếu {number} của anh/chị. Anh/chị kiểm tra lại số phiếu giúp tôi."
)
TRACK_STATUS = "Phiếu {number} ({created}): {status}."
TRACK_ANSWER = "Trả lời của cán bộ:\n{answer}"
TRACK_DUE = "Hạn trả lời: {due}."
TICKET_STATUS_NAMES = {
    "open": "đã tiếp nhận, đang chờ cán bộ xử lý",
    "assigned": "cán bộ đang xử lý",
    "answered": "đã có trả lời",
    "closed": "đã hoàn thành",
    "rejected": "không thể giải quyết",
}

PREVIEW_UNKNOWN = (
    "(xem trước) Chưa tìm được câu trả lời phù hợp; khi trò chuyện thật, câu hỏi này sẽ được "
    "chuyển cho cán bộ qua đường dây nóng."
)

# --- answers -----------------------------------------------------------------------------

ASPECT_TITLES = {
    "documents": "Hồ sơ cần chuẩn bị",
    "steps": "Các bước thực hiện",
    "processing_time": "Thời hạn giải quyết",
    "fee": "Phí, lệ phí",
    "where": "Nơi nộp hồ sơ",
    "online": "Nộp trực tuyến",
    "result": "Kết quả",
    "legal_basis": "Căn cứ pháp lý",
    "agency": "Cơ quan giải quyết",
}
ASPECT_MISSING = "«{title}»: chưa có thông tin xác nhận. Toàn bộ thủ tục:"
PROCEDURE_CODE = "Mã thủ tục: {code}"
ONLINE_LEVEL = "Mức độ: {level}"
ONLINE_LINK = "Nộp trực tuyến: {url}"
LINKS_TITLE = "Xem thêm:"
SEE_ALSO = "Nội dung liên quan: {titles}"
SOURCE_NOTE = "Căn cứ: {basis}"
ANSWER_FOOTER = "Cần hỏi thêm, anh/chị gõ câu hỏi hoặc /hotline để gặp cán bộ."

# --- CLI ---------------------------------------------------------------------------------

CHAT_BANNER = (
    "cchc-bot – trò chuyện trên console ({agency}).\n"
    "Gõ câu hỏi rồi Enter; /help để xem hướng dẫn; Ctrl-D hoặc /thoat để thoát."
)
CHAT_BYE = "Tạm biệt!"
CONSOLE_INBOX = "📩 Tin nhắn mới:"
CHAT_QUIT_WORDS = ("/thoat", "/quit", "/exit")
NO_CHANNELS = (
    "Chưa cấu hình kênh nào (Telegram, Zalo) nên không có gì để chạy.\n"
    "Để trò chuyện thử trên console: cchc-bot chat"
)

# --- staff confirmations shared by the command line and the Telegram staff group ----------

STAFF_DONE = {
    "assign": "Đã giao phiếu {number} cho {who}.",
    "answer": "Đã trả lời phiếu {number}{group}; câu trả lời đang chờ gửi tới người hỏi.",
    "note": "Đã ghi chú vào phiếu {number}.",
    "close": "Đã đóng phiếu {number}; người hỏi sẽ nhận phiếu khảo sát mức độ hài lòng.",
    "reject": "Đã từ chối phiếu {number}; người hỏi sẽ nhận thông báo kèm lý do.",
}
STAFF_GROUP_SUFFIX = " và {count} phiếu gộp cùng"
KIND_NAMES = {"question": "câu hỏi", "complaint": "phản ánh"}

# --- Telegram (citizens) -------------------------------------------------------------------

TG_COMMANDS = (
    ("start", "Bắt đầu, giới thiệu trợ lý"),
    ("menu", "Xem các chủ đề hỏi – đáp"),
    ("thutuc", "Xem các thủ tục hành chính"),
    ("hotline", "Gửi câu hỏi cho cán bộ trả lời"),
    ("tracuu", "Tra cứu phiếu đã gửi (số phiếu HD-…)"),
    ("dangky", "Đăng ký nhận bản tin hằng tháng của Sở"),
    ("huy", "Hủy nhận bản tin"),
    ("help", "Hướng dẫn sử dụng"),
)
TG_UNSUPPORTED = (
    "Xin lỗi, hiện tôi chỉ đọc được tin nhắn chữ nên chưa xem được ảnh, nhãn dán, tin nhắn "
    "thoại, tệp hay vị trí. Anh/chị vui lòng gõ câu hỏi bằng chữ (có dấu hay không dấu đều "
    "được), hoặc gõ /hotline kèm nội dung để gửi cho cán bộ."
)
TG_FLOOD = (
    "Anh/chị đang gửi nhiều tin nhắn quá nhanh. Xin vui lòng chờ khoảng một phút rồi gửi tiếp; "
    "các tin nhắn trong lúc này sẽ không được trả lời."
)
TG_SORRY = (
    "Xin lỗi, hệ thống gặp sự cố khi xử lý tin nhắn của anh/chị. Anh/chị vui lòng thử lại sau "
    "ít phút, hoặc gõ /hotline kèm nội dung để gửi cho cán bộ."
)
TG_CHOICE_DONE = "Đã chọn: {label}"

# --- Telegram (staff group) ----------------------------------------------------------------

TG_STAFF_TICKET = (
    "🆕 <b>Phiếu {number}</b> · {kind}\n"
    "Hạn trả lời: {due}\n"
    "Người hỏi: {who} (kênh {channel})\n"
    "Nội dung:\n{text}\n\n"
    "Gợi ý của bot:\n{candidates}\n\n"
    "↩️ Trả lời (reply) tin nhắn này để gửi câu trả lời cho người hỏi, "
    "hoặc gõ /tl {number} nội dung."
)
TG_STAFF_GROUPED = "Gộp với phiếu {lead}: trả lời phiếu gốc là mọi người cùng nhận."
TG_STAFF_CANDIDATE = "• {title} ({score:.0%})"
TG_STAFF_NO_CANDIDATES = "(không có)"
TG_STAFF_ANONYMOUS = "(không rõ tên)"
TG_STAFF_ASSIGN_LABEL = "🙋 Nhận xử lý"
TG_STAFF_CLOSE_LABEL = "✅ Đóng phiếu"
TG_STAFF_REFUSED = "Bạn không có quyền xử lý phiếu. Chỉ cán bộ được cấu hình mới thực hiện được."
TG_STAFF_TL_USAGE = "Cú pháp: /tl HD-2026-00042 nội dung trả lời"
TG_STAFF_REPLY_UNKNOWN = (
    "Tin nhắn được trả lời không phải tin báo phiếu. Hãy trả lời đúng tin báo phiếu, "
    "hoặc gõ /tl HD-… nội dung."
)
TG_STAFF_QUEUE_HEAD = "📋 Hàng đợi: {open} phiếu đang mở, trong đó {overdue} quá hạn."
TG_STAFF_QUEUE_LINE = "{mark} <b>{number}</b> · {kind} · hạn {due} · {status}\n   {text}"
TG_STAFF_QUEUE_MORE = "… và {count} phiếu khác (xem đầy đủ: cchc-bot queue list)."
TG_STAFF_QUEUE_EMPTY = "Không có phiếu nào đang mở. 🎉"
TG_STAFF_DONE_BY = "{done} ({who})"
TG_STAFF_ALERT = (
    "⚠️ Lỗi khi xử lý cập nhật Telegram {update_id} (chat {chat_id}): {error}. "
    "Xem nhật ký máy chủ để biết chi tiết."
)
TG_STAFF_ALERTS_SUPPRESSED = " (và {count} lỗi khác trong lúc đó)"
STAFF_ERROR_ALERT = (
    "⚠️ Lỗi khi xử lý tin nhắn {channel} {event} (chat {chat_id}): {error}. Người hỏi đã "
    "nhận lời xin lỗi. Xem nhật ký máy chủ để biết chi tiết."
)

# --- Zalo (citizens; Zalo Bot Platform and Zalo Official Account) ---------------------------

ZALO_UNSUPPORTED = (
    "Xin lỗi, hiện tôi chỉ đọc được tin nhắn chữ nên chưa xem được ảnh, nhãn dán hay tin nhắn "
    "thoại. Anh/chị vui lòng gõ câu hỏi bằng chữ (có dấu hay không dấu đều được), hoặc gõ "
    "/hotline kèm nội dung để gửi cho cán bộ."
)
ZALO_UNREADABLE = (
    "Xin lỗi, tôi không đọc được nội dung tin nhắn này. Anh/chị vui lòng gõ lại câu hỏi bằng "
    "chữ, hoặc gọi đường dây nóng của Sở để được hỗ trợ."
)
ZALO_FLOOD = (
    "Anh/chị đang gửi nhiều tin nhắn quá nhanh. Xin vui lòng chờ khoảng một phút rồi gửi tiếp; "
    "các tin nhắn trong lúc này sẽ không được trả lời."
)
ZALO_SORRY = (
    "Xin lỗi, hệ thống gặp sự cố khi xử lý tin nhắn của anh/chị. Anh/chị vui lòng thử lại sau "
    "ít phút, hoặc gõ /hotline kèm nội dung để gửi cho cán bộ."
)
DEFAULT_CITIZEN_NAME = "anh/chị"  # the greeting, when the chat gives no name
CHOICE_OR = " hoặc "  # "1, 2 hoặc 3"
ZALO_OA_PAID_TITLE = "Sở Giáo dục và Đào tạo trả lời anh/chị"
ZALO_OA_NOTICE_TITLE = "Sở Giáo dục và Đào tạo thông báo"

# --- Zalo (staff: messages Zalo would refuse now are held, never dropped) --------------------

ZALO_CHANNEL_NAMES = {"zalo": "Zalo (bot)", "zalo_oa": "Zalo OA"}
ZALO_OUTBOX_KINDS = {
    "ticket_answer": "câu trả lời",
    "ticket_rejected": "thông báo từ chối",
    "survey": "phiếu khảo sát",
}
ZALO_HELD_REASONS = {
    "window": "đã quá {hours} giờ kể từ tin nhắn cuối của người hỏi, Zalo chỉ cho trả lời "
    "miễn phí trong khoảng này",
    "replies": "đã gửi đủ {limit} tin miễn phí kể từ tin nhắn cuối của người hỏi",
    "refused": "Zalo từ chối gửi tới người này lúc này",
    "unknown": "chưa có tin nhắn nào của người hỏi trên kênh này để trả lời",
}
ZALO_HELD_AUDIT = "chưa gửi được {what}: {reason}; sẽ tự gửi khi người hỏi nhắn lại"
CHANNEL_NAMES = {"telegram": "Telegram", "console": "console", **ZALO_CHANNEL_NAMES}
OUTBOX_FINAL_FAILED = "gửi thất bại {attempts} lần, hệ thống đã ngừng thử"
OUTBOX_FINAL_GONE = "người hỏi đã chặn hoặc rời kênh"
OUTBOX_FINAL_AUDIT = "không gửi được {what} cho người hỏi: {reason}; cần liên hệ trực tiếp"
OUTBOX_FINAL_STAFF = (
    "❌ Phiếu {number}: {what} KHÔNG gửi được cho người hỏi qua {channel} ({reason}). "
    "Hãy liên hệ trực tiếp người hỏi (xem: cchc-bot queue show {number})."
)
ZALO_STAFF_HELD = (
    "⏳ Phiếu {number}: {what} chưa gửi được cho người hỏi qua {channel} vì {reason}. "
    "Tin vẫn nằm trong hàng chờ và sẽ tự gửi ngay khi người hỏi nhắn lại. Cần gấp, "
    "hãy gọi điện cho người hỏi."
)

# --- Broadcasts: subscriptions (/dangky, /huy; "đăng ký", "hủy" typed) ----------------------

SUB_TOPIC_NAMES = {
    "cchc": "Cải cách hành chính",
    "dich-vu-cong": "Dịch vụ công trực tuyến",
    "tuyen-sinh": "Tuyển sinh",
    "thi-cu": "Thi cử",
    "van-bang": "Văn bằng, chứng chỉ",
}
SUB_ALL_TOPICS = "tất cả chủ đề"
SUB_ALL_TOPICS_LABEL = "Tất cả chủ đề"
SUB_CANCEL_LABEL = "🚫 Hủy đăng ký"
SUB_DONE = "✅ Đã đăng ký nhận bản tin hằng tháng của Sở, chủ đề: {topics}."
SUB_STATE = "Anh/chị đang nhận bản tin của Sở, chủ đề: {topics}."
SUB_HOW = (
    "Chọn một chủ đề để bật/tắt (✅ là đang nhận), «Tất cả chủ đề» để nhận mọi bản tin, "
    "hoặc «Hủy đăng ký» (gõ /huy) để ngừng nhận."
)
SUB_UNKNOWN_TOPIC = "Không có chủ đề «{topic}». Các chủ đề: {known}. Gõ /dangky để chọn."
UNSUB_DONE = "Đã hủy nhận bản tin. Khi muốn nhận lại, anh/chị gõ /dangky."
UNSUB_NONE = "Anh/chị chưa đăng ký nhận bản tin. Muốn nhận, anh/chị gõ /dangky."
SUB_OFFER = (
    "📬 Mỗi tháng Sở gửi một bản tin ngắn về cải cách hành chính, dịch vụ công, thi cử, "
    "tuyển sinh. Muốn nhận, anh/chị chọn «Đăng ký nhận bản tin» hoặc gõ /dangky "
    "(hủy bất cứ lúc nào bằng /huy)."
)
SUB_OFFER_LABEL = "📬 Đăng ký nhận bản tin"
