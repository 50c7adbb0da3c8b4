"""Every Vietnamese word an operator reads about the configuration, in one place: the errors
of the `CCHC_*` variables (settings, their parsers) and of the working hours.

Templates use `str.format` fields; :class:`cchc_bot.settings.SettingsError` lists them one a
line under :data:`SETTINGS_INVALID`, each after the variable's name and value.
"""

from __future__ import annotations

# --- `Settings.load`: the whole list, and settings that only make sense together ------------------

SETTINGS_INVALID = "Cấu hình không hợp lệ ({count} lỗi):\n{lines}"
CHOICE_ABOVE_ANSWER = (
    "CCHC_CHOICE_THRESHOLD phải nhỏ hơn hoặc bằng CCHC_ANSWER_THRESHOLD ({choice} > {answer})"
)
TELEGRAM_WEBHOOK_NEEDS_SECRET = (
    "CCHC_TELEGRAM_WEBHOOK_SECRET: bắt buộc khi đặt CCHC_TELEGRAM_WEBHOOK_URL "
    "(chuỗi ngẫu nhiên A-Z a-z 0-9 _ -, ví dụ tạo bằng: openssl rand -hex 32)"
)
ZALO_BOT_WEBHOOK_NEEDS_SECRET = (
    "CCHC_ZALO_BOT_WEBHOOK_SECRET: bắt buộc khi đặt CCHC_ZALO_BOT_WEBHOOK_URL "
    "(8–256 ký tự A-Z a-z 0-9 _ -, ví dụ tạo bằng: openssl rand -hex 32)"
)
ZALO_OA_NEEDS = "{env}: bắt buộc khi đặt CCHC_ZALO_OA_APP_ID"
WEBHOOK_PATH_CLASH = (
    "Đường dẫn {path} bị dùng trùng bởi {owners}: mỗi webhook (Telegram, Zalo Bot, Zalo OA) "
    "cần một đường dẫn riêng, khác /healthz"
)

# --- one variable's value (`settings_parsers`) ----------------------------------------------------

NOT_A_NUMBER_06 = "phải là một số, ví dụ 0.6"
NOT_IN_0_1 = "phải nằm trong khoảng 0 đến 1"
NOT_AN_INTEGER = "phải là số nguyên, ví dụ 30"
NOT_POSITIVE_INT = "phải là số nguyên dương"
UNKNOWN_TIMEZONE = "không biết múi giờ '{value}'"
NOT_A_NUMBER_3 = "phải là một số, ví dụ 3"
NOT_POSITIVE = "phải lớn hơn 0"
BAD_LOG_LEVEL = "phải là DEBUG, INFO, WARNING, ERROR hoặc CRITICAL"
BAD_DATABASE_URL = (
    "phải là URL của SQLite hoặc PostgreSQL, ví dụ sqlite:///data/cchc.db "
    "hoặc postgresql://user:pass@host/db"
)
KNOWLEDGE_DIR_MISSING = "CCHC_KNOWLEDGE_DIR={value}: không có thư mục này"
BAD_TELEGRAM_TOKEN = "không đúng dạng mã bot của @BotFather (123456:ABC…)"
BAD_HTTP_URL = "phải là URL bắt đầu bằng http:// hoặc https://"
BAD_WEBHOOK_SECRET = "1–256 ký tự, chỉ gồm A-Z a-z 0-9 _ -"
BAD_OPAQUE = "không được chứa khoảng trắng hoặc dấu /"
BAD_ZALO_SECRET = "8–256 ký tự, chỉ gồm A-Z a-z 0-9 _ -"
BAD_URL_PATH = "phải là đường dẫn bắt đầu bằng /, ví dụ /zalo/oa/webhook"
BAD_PAID_ROUTE = "phải là off, transaction hoặc promotion"
BAD_CHAT_ID = "phải là số (mã nhóm Telegram, ví dụ -1001234567890)"
BAD_ID_LIST = "phải là các mã số người dùng cách nhau bằng dấu phẩy, ví dụ 111,222"
NOT_A_PORT = "phải là số cổng, ví dụ 8080"
PORT_OUT_OF_RANGE = "phải nằm trong khoảng 0–65535"
NOT_A_RATE = "phải là một số, ví dụ 30 (0 = không giới hạn)"
NEGATIVE = "không được âm"

# --- working hours (`CCHC_WORK_HOURS`, `workcalendar.parse_periods`) ------------------------------

PERIOD_NO_DASH = "'{period}' phải có dạng HH:MM-HH:MM"
PERIOD_BAD_TIME = "'{period}' phải có dạng HH:MM-HH:MM, ví dụ 07:00-11:00"
PERIOD_BACKWARDS = "'{period}': giờ bắt đầu phải trước giờ kết thúc"
PERIODS_OVERLAP = "các khoảng giờ làm việc không được chồng lên nhau"
PERIODS_NONE = "cần ít nhất một khoảng giờ làm việc"
