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
    "Thời gian trả lời dự kiến: {response}.\n"
    "Cần gấp, anh/chị gọi đường dây nóng {hotline}.\n"
    "Tra cứu: /tracuu {number}"
)
TICKET_FAILED = (
    "Xin lỗi, hệ thống tạm thời chưa ghi nhận được câu hỏi của anh/chị. "
    "Anh/chị vui lòng thử lại sau ít phút hoặc gọi đường dây nóng {hotline}."
)
TICKET_RESPONSE_DEFAULT = "trong 03 ngày làm việc"
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
ASPECT_MISSING = "Mục «{title}» chưa có thông tin được xác nhận; dưới đây là toàn bộ thủ tục."
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
CHAT_QUIT_WORDS = ("/thoat", "/quit", "/exit")
NO_CHANNELS = (
    "Chưa cấu hình kênh nào (Telegram, Zalo) nên không có gì để chạy.\n"
    "Để trò chuyện thử trên console: cchc-bot chat"
)
