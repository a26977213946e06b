# The two commands of the README: `make run` and `make test`. Everything else is a step of them.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install browser ingest chat eval bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

ingest: install
	$(BIN)/officebot ingest

# The Telegram bot when TELEGRAM_BOT_TOKEN is configured (env or .env), else the terminal chat.
run: ingest
	@if $(BIN)/python -c "import sys; from bootstrap.settings import get_settings; sys.exit(0 if get_settings().telegram_bot_token else 1)"; then \
		$(BIN)/officebot run; \
	else \
		echo "未配置 TELEGRAM_BOT_TOKEN:打开终端对话 (officebot chat)"; \
		$(BIN)/officebot chat; \
	fi

chat: ingest
	$(BIN)/officebot chat

# The web console's browser test drives Debian's chromium (never a downloaded browser); the CJK font
# makes its screenshots readable. Installed here when missing (needs root and Debian's apt).
browser:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null || ! fc-list 2>/dev/null | grep -qi wenquanyi; then \
		echo "安装浏览器测试所需的 chromium、chromium-driver 和中文字体"; \
		apt-get install -y -q chromium chromium-driver fonts-wqy-zenhei >/dev/null 2>&1 \
			|| (apt-get update -q >/dev/null && apt-get install -y -q chromium chromium-driver fonts-wqy-zenhei >/dev/null) \
			|| echo "无法安装 chromium:浏览器测试将失败并说明原因"; \
	fi

# The whole suite at the real time, then the time-dependent tests again under pinned moments (issue 11).
# Two workers, a test file each at a time: much of the suite waits on bots, emulators and kill -9
# restarts, so the second worker overlaps those waits. A file's module-scoped bots stay one.
# 2026-12-08, 2 cores: 304 s on two workers, 333 s on three; the pinned moments about 270 s more.
# Running the two side by side took as long (587 s): the machine is busy throughout.
test: install browser
	$(BIN)/pytest -n 2 --dist loadfile
	$(BIN)/python tests/pinned_moments.py

eval: ingest
	$(BIN)/officebot eval ../shared/eval/dev-questions.jsonl

clean:
	rm -rf $(VENV) data .pytest_cache
