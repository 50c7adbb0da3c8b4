"""Every Vietnamese word a knowledge-folder editor reads, in one place: what `cchc-bot kb check`
and the loader report about the YAML files (errors and warnings), and why `queue promote`
could not write a question back into them.

Templates use `str.format` fields. The bits that are glued into longer messages (what a node
is, what a field is called) are plain words; `cchc_bot.cli_texts` holds the summary lines.
"""

from __future__ import annotations

# --- severities and the loader's refusal (`knowledge.problems`) -----------------------------------

SEVERITY_LABELS = {"error": "lỗi", "warning": "cảnh báo"}
CANNOT_LOAD = "Kho tri thức có {count} lỗi, chưa thể nạp:"

# --- reading YAML (`knowledge.yaml_nodes`) --------------------------------------------------------

KIND_MAPPING = "một bảng (khóa: giá trị)"
KIND_SEQUENCE = "một danh sách"
KIND_EMPTY = "để trống"
KIND_SCALAR = "một giá trị đơn"
NOT_UTF8 = "tệp không phải văn bản UTF-8 ({reason}); hãy lưu lại với mã UTF-8"
UNREADABLE = "không đọc được tệp: {error}"
YAML_SYNTAX_AT = "lỗi cú pháp YAML ({detail}); kiểm tra thụt lề, dấu ':' và dấu ngoặc kép"
YAML_SYNTAX = "lỗi cú pháp YAML: {error}"
URL_SPACES = "đường dẫn '{url}' chứa khoảng trắng"
URL_INVALID = "đường dẫn '{url}' không hợp lệ"
URL_NOT_HTTP = "đường dẫn '{url}' phải bắt đầu bằng http:// hoặc https://"
URL_NO_HOST = "đường dẫn '{url}' thiếu tên miền hợp lệ"
NOT_A_MAPPING = "{what} phải là một bảng (khóa: giá trị), nhưng đang là {kind}"
BAD_KEY = "khóa không hợp lệ trong {what}: khóa phải là một chữ"
DUPLICATE_KEY = "trường '{key}' bị lặp lại (đã có ở dòng {first})"
MISSING_KEY = "thiếu trường bắt buộc '{key}' trong {what}"
NOT_A_SEQUENCE = "{what} phải là một danh sách (mỗi mục một dòng '- '), nhưng đang là {kind}"
EMPTY_VALUE = "{what} không được để trống"
NOT_TEXT = "{what} phải là một đoạn văn bản, nhưng đang là {kind}"
EMPTY_FIELD = "'{key}' không được để trống"
EMPTY_LIST = "'{key}' phải có ít nhất một mục"
LIST_ITEM = "mục thứ {number} của '{key}'"
LIST_ITEM_EMPTY = "mục thứ {number} của '{key}' bị trống"
BAD_DATE = "'{key}' = '{text}' không phải ngày hợp lệ dạng YYYY-MM-DD (ví dụ 2025-03-31)"
DID_YOU_MEAN = " — có phải ý bạn là '{close}'?"
UNKNOWN_KEY = "trường '{key}' không được hỗ trợ trong {what}{hint} (các trường hợp lệ: {valid})"

# --- the folder (`knowledge.loader`) --------------------------------------------------------------

NO_FOLDER = "không tìm thấy thư mục tri thức '{folder}'"
KNOWLEDGE_IS_A_FILE = (
    "'{folder}' là một tệp, không phải thư mục tri thức (cần thư mục có agency.yaml)"
)
AGENCY_YML_HINT = " (đang có agency.yml: hãy đổi tên thành agency.yaml)"
MISSING_AGENCY = "thiếu tệp bắt buộc {file}{hint}"
NOT_A_FOLDER = "'{folder}' phải là một thư mục; đã bỏ qua"
SUBFOLDER_IGNORED = "thư mục con không được đọc; hãy để tệp ngay trong {folder}"
NOT_YAML = "không phải tệp YAML (.yaml/.yml); đã bỏ qua"
DUPLICATE_TOPIC = "trùng tên chủ đề với tệp {other}; hãy đổi tên một tệp"
NO_GOLDEN_FILE = "không tìm thấy tệp câu hỏi mẫu '{file}'"

# --- agency.yaml, synonyms, golden questions, holidays (`knowledge.sections`) ---------------------

AGENCY_EMPTY = "tệp rỗng: cần ít nhất 'name', 'short_name' và 'hotline'"
RELATED_NOT_LIST = "mỗi nhóm trong 'related' phải là một danh sách, không phải {kind}"
RELATED_WORD = "từ trong nhóm 'related'"
RELATED_TOO_SHORT = "mỗi nhóm trong 'related' cần ít nhất hai từ"
CANONICAL_EMPTY = "cụm từ chuẩn '{canonical}' rỗng hoặc không có chữ nào"
VARIANTS_NOT_LIST = (
    "các cách viết khác của '{canonical}' phải là một danh sách, "
    "ví dụ [{canonical}, ...], nhưng đang là {kind}"
)
VARIANT_NOT_TEXT = "cách viết khác của '{canonical}' phải là chữ, không phải {kind}"
VARIANT_EMPTY = "cách viết khác của '{canonical}' rỗng hoặc không có chữ nào"
VARIANT_TWICE = "'{variant}' được ghi hai lần cho '{canonical}' (đã có ở dòng {first})"
SYNONYM_LOOP = (
    "từ đồng nghĩa lòng vòng: '{phrase}' được thay bằng một cụm mà cụm đó lại bị "
    "thay tiếp; mỗi cụm từ chuẩn không được là cách viết khác của nhóm khác"
)
GOLDEN_QUESTION = "câu hỏi mẫu"
HOLIDAY = "ngày nghỉ"
HOLIDAY_TWICE = "ngày {day} đã được ghi ở dòng {first}"

# --- topic files and their entries (`knowledge.entries`) ------------------------------------------

ENTRY_KINDS = {"faq": "mục hỏi đáp", "procedure": "thủ tục"}
TOPIC_EMPTY = "tệp rỗng: cần hai trường 'topic' (tên chủ đề) và 'entries' (danh sách mục)"
TOPIC_FILE = "tệp chủ đề"
TOPIC_NO_ENTRIES = "tệp chủ đề chưa có mục nào"
BAD_ENTRY_ID = (
    "id '{id}' không đúng dạng: chỉ dùng chữ thường không dấu, số và dấu gạch "
    "ngang (ví dụ: cap-ban-sao-van-bang)"
)
VALID_UNTIL_BEFORE_FROM = "'valid_until' ({until}) đứng trước 'valid_from' ({since})"
BAD_PROCEDURE_CODE = (
    "mã thủ tục '{code}' không đúng dạng mã quốc gia (ví dụ 1.005142 hoặc 2.001914); "
    "nếu chưa có mã, hãy để 'code: null'"
)
PROCEDURE_NO_ANSWER = "thủ tục chưa có nội dung trả lời: cần ít nhất một trong các trường {fields}"
LINK = "liên kết"

# --- checks across entries (`knowledge.checks`) ---------------------------------------------------

DUPLICATE_ID = "id '{id}' bị trùng: đã được dùng cho mục ở {other}"
QUESTION_EMPTY_AFTER_NORMALISING = (
    "câu hỏi '{question}' không còn từ nào sau khi chuẩn hoá (chỉ gồm dấu "
    "câu hoặc từ đệm như 'ạ', 'xin chào'), nên bot sẽ không bao giờ khớp được"
)
SAME_ENTRY_CLASH = (
    "trùng với câu hỏi ở dòng {line} của chính mục này (sau khi chuẩn hoá "
    "đều là '{norm}'); bot đã tự hiểu cách viết không dấu và viết tắt, "
    "hãy xoá bớt một câu"
)
OTHER_ENTRY_CLASH = (
    "trùng với câu hỏi của mục '{other_id}' ở {other} (sau khi chuẩn hoá "
    "đều là '{norm}'); bot không biết chọn mục nào, hãy sửa hoặc gộp hai mục"
)
QUESTION_CLASH = "câu hỏi '{question}' {clash}"
SEE_ALSO_UNKNOWN = "'see_also' trỏ tới id '{ref}' không tồn tại{hint}"
GOLDEN_UNKNOWN = "câu hỏi mẫu mong đợi id '{ref}' nhưng không có mục nào mang id này{hint}"
EXPIRED = (
    "mục đã hết hiệu lực từ {until:%d/%m/%Y} ('valid_until'); bot sẽ không dùng mục này để trả lời"
)
NOT_REVIEWED = "mục chưa có ngày rà soát 'reviewed'"
REVIEWED_IN_FUTURE = "ngày rà soát 'reviewed' ({reviewed}) nằm ở tương lai"
REVIEW_STALE = (
    "mục đã {age} ngày chưa được rà soát lại (lần cuối {reviewed:%d/%m/%Y}, hạn {limit} ngày)"
)
NO_LEGAL_BASIS = "thủ tục chưa ghi căn cứ pháp lý 'legal_basis'"

# --- monthly notices (`knowledge.notices`) --------------------------------------------------------

DUPLICATE_NOTICE = "trùng id với bản tin ở {other}"
NOTICE_FILE = "tệp bản tin"
NOTICE = "bản tin"
BAD_NOTICE_ID = "id '{id}' phải viết thường, không dấu, nối bằng '-'"
UNKNOWN_NOTICE_TOPIC = "chủ đề '{topic}' không có; chọn trong: {topics}"
NOTICE_TOO_LONG = "'text' dài {length} ký tự, tối đa {limit}"
BAD_INTEGER = "{what} = '{text}' phải là số nguyên từ {low} đến {high}"
BAD_DAY = "'day' = '{text}' phải từ 1 đến 28, hoặc 'last' (ngày cuối tháng)"
BAD_TIME = "'time' = '{text}' phải có dạng \"HH:MM\" (ví dụ \"08:00\", trong ngoặc kép)"

# --- holidays.yaml: the coming year must be covered (`knowledge.checks.check_holidays`) ------

HOLIDAYS_SHORT = (
    "danh sách ngày nghỉ chỉ có đến {until}, chưa phủ hết một năm tới (đến {horizon}): "
    "hạn trả lời phiếu sẽ tính cả ngày lễ chưa ghi là ngày làm việc; hãy thêm ngày nghỉ năm sau "
    "theo thông báo chính thức"
)
HOLIDAYS_NO_TET = (
    "chưa có ngày nghỉ Tết Nguyên đán {year}: thêm các ngày nghỉ theo quyết định của Thủ tướng "
    "Chính phủ khi có thông báo"
)

# --- `cchc-bot queue promote`: writing a question back (`knowledge.writer`) -----------------------

NO_ENTRY = "không có mục '{id}'"
QUESTIONS_NOT_BLOCK = (
    "danh sách 'questions' của mục này không viết dạng gạch đầu dòng; hãy thêm thủ công"
)
TOPIC_NO_ENTRIES_LIST = "tệp chủ đề không có danh sách 'entries'"
ENTRIES_FLOW = "'entries' viết trên một dòng; hãy thêm thủ công"
ENTRIES_NOT_LAST = "'entries' phải là khóa cuối cùng của tệp để thêm tự động"
DEFAULT_FAQ_TOPIC = "Hỏi – đáp"  # the title of a new faq/hoi-dap.yaml
TOPIC_TITLE_NEEDED = (
    'tệp chủ đề mới: cần tên chủ đề có dấu, ví dụ --topic-title "Tuyển sinh đầu cấp"'
)
