"""The web console in a real headless Chromium (Debian's chromium + chromium-driver, driven by selenium):
the office signs in by a one-time link, sees 今日, registers a meeting, opens and exports its agenda,
uploads a rule document and reads its parsed articles;
赵副区长 and then 王区长 sign in and approve the leave waiting for each, and the filer's Telegram chat
(the Bot API emulator) receives each decision and the approval. Screenshots of the pages go to OFFICEBOT_SCREENSHOTS (default: the
test's tmp dir). Without chromium the test fails and says how to install it; it never downloads one."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time as wall
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from harness import base_env, officebot_command

from bootstrap.services import Services
from bootstrap.settings import Settings
from office.directory import add_member
from office.leave import LeaveRequest, file_leave
from storage.people import Role

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
INSTALL = "apt-get install -y chromium chromium-driver"
OFFICE, MAYOR, VICE, HEAD = 14, 11, 13, 16
PEOPLE = (
    (MAYOR, "王区长", "区政府", Role.MAYOR, ()),
    (VICE, "赵副区长", "区政府", Role.VICE_MAYOR, ("区财政局",)),
    (OFFICE, "钱主任", "区政府办公室", Role.OFFICE, ()),
    (HEAD, "孙局长", "区财政局", Role.UNIT_HEAD, ()),
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def browser():  # type: ignore[no-untyped-def]
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not Path(path).exists()]
    if missing:
        pytest.fail(f"缺少 {', '.join(missing)}:浏览器测试需要 Debian 的 chromium,请执行 `{INSTALL}`", pytrace=False)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1100,1400"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


@pytest.fixture
def console(emulator, clock, rules_index, tmp_path):  # type: ignore[no-untyped-def]
    """A directory with a leave waiting for 赵副区长, and `officebot web` serving it; yields (url, env, world)."""
    world = emulator.new_bot()
    for telegram_id, name, *_ in PEOPLE:
        emulator.run(lambda telegram_id=telegram_id, name=name: world.add_user(telegram_id, name))
    port = free_port()
    env = base_env(TELEGRAM_BOT_TOKEN=world.token, TELEGRAM_API_URL=emulator.url, DATA_DIR=str(tmp_path / "data"),
                   WEB_PORT=str(port), CLOCK_SHIFT_SECONDS=repr(clock.shift.total_seconds()),
                   CHROMA_PATH=str(rules_index))  # the session's rule index; the test previews, never indexes
    services = Services.create(Settings(_env_file=None, data_dir=tmp_path / "data"), clock=clock)
    today = clock.now().date()
    with services.db.transaction() as session:
        members = {telegram_id: add_member(session=session, actor=None, telegram_id=telegram_id, name=name,
                                           unit=unit, role=role, oversees=oversees)
                   for telegram_id, name, unit, role, oversees in PEOPLE}
        # A 部门正职's 外出学习 within the district needs his 分管副区长 only (routing, office/leave_routing.py).
        file_leave(session=session, now=clock.now(), request=LeaveRequest(
            person_id=members[HEAD].person_id, kind="出差", start=today + timedelta(days=7), end=today + timedelta(days=8),
            destination="上海", reason="参加长三角协作会"))
    services.db.dispose()
    log = open(tmp_path / "web.log", "w", encoding="utf-8")  # noqa: SIM115 - closed below
    process = subprocess.Popen(officebot_command("web"), cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                wall.sleep(0.2)
        else:
            raise AssertionError((tmp_path / "web.log").read_text())
        yield url, env, world, tmp_path
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def link_for(env: dict[str, str], cwd: Path, telegram_id: int) -> str:
    output = subprocess.run(officebot_command("web", "link", "--telegram-id", str(telegram_id)), env=env, cwd=cwd,
                            capture_output=True, text=True, check=True, timeout=60).stdout
    return next(line for line in output.splitlines() if "/signin?token=" in line).strip()


def test_the_office_and_the_approvers_work_in_the_browser(console, emulator, clock):
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.select import Select
    from selenium.webdriver.support.wait import WebDriverWait

    url, env, world, workdir = console
    shots = Path(os.environ.get("OFFICEBOT_SCREENSHOTS") or workdir / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    driver = browser()
    try:
        def text() -> str:
            return driver.find_element(By.TAG_NAME, "body").text

        def click(element) -> None:  # type: ignore[no-untyped-def]
            """Click what loads a new page, and wait until it has loaded.

            The old page is marked with a script variable that the new page does not have. (Waiting
            for the old <html> element to go stale raced with chromedriver: asked about it while the
            new document was being built, it answered an internal "node does not belong to the
            document" error instead of "stale".) Errors while the page is swapped are retried."""
            driver.execute_script("window.officebotOldPage = true;")
            element.click()
            WebDriverWait(driver, 15, ignored_exceptions=(WebDriverException,)).until(lambda d: d.execute_script(
                "return !window.officebotOldPage && document.readyState === 'complete';"))

        def shot(name: str) -> None:
            driver.save_screenshot(str(shots / f"{name}.png"))

        driver.get(f"{url}/meetings")
        assert driver.current_url.endswith("/welcome") and "请先登录" in text()

        driver.get(link_for(env, workdir, OFFICE))
        click(driver.find_element(By.ID, "signin"))
        assert "今日" in text() and "钱主任" in text() and "近期会议" in text()
        shot("today")

        driver.get(f"{url}/meetings")
        day = (clock.now().date() + timedelta(days=12)).isoformat()
        form = driver.find_element(By.ID, "register")
        # A date input takes keystrokes in the browser's locale format; set its value as a date picker would.
        driver.execute_script("arguments[0].value = arguments[1]", form.find_element(By.NAME, "date"), day)
        Select(form.find_element(By.NAME, "kind")).select_by_visible_text("区政府常务会议")
        form.find_element(By.NAME, "place").send_keys("区政府第一会议室")
        click(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        assert "已登记" in text() and "常务会议" in text()
        click(driver.find_element(By.LINK_TEXT, "返回"))
        assert "议题材料报送截止" in text() and "尚无议题" in text()
        shot("agenda")
        export = driver.find_element(By.LINK_TEXT, "docx").get_attribute("href")
        cookies = {c["name"]: c["value"] for c in driver.get_cookies()}
        docx = httpx.get(export, cookies=cookies, timeout=10)
        assert docx.status_code == 200 and docx.content[:2] == b"PK"  # a Word document (a zip)

        upload = workdir / "会议管理办法.txt"
        upload.write_text("会议管理办法\n\n第一条 为规范会议管理,制定本办法。\n\n第二条 会议材料应当提前三日报送。\n",
                          encoding="utf-8")
        driver.get(f"{url}/documents")
        driver.find_element(By.NAME, "file").send_keys(str(upload))
        click(driver.find_element(By.CSS_SELECTOR, "#upload button[type=submit]"))
        assert "预览:会议管理办法" in text() and "会议材料应当提前三日报送" in text()
        shot("document-preview")

        click(driver.find_element(By.XPATH, "//button[text()='退出']"))
        assert "已退出" in text()
        driver.get(f"{url}/")
        assert driver.current_url.endswith("/welcome")

        driver.get(link_for(env, workdir, VICE))
        click(driver.find_element(By.ID, "signin"))
        assert "等待我审批(1)" in text() and "孙局长" in text()
        shot("today-vice-mayor")
        driver.get(f"{url}/approvals")
        shot("approvals")
        driver.find_element(By.NAME, "note").send_keys("同意前往")
        click(driver.find_element(By.XPATH, "//button[text()='同意']"))
        assert "已同意" in text() and "已通知 申请人孙局长" in text()
        shot("decided")
        click(driver.find_element(By.XPATH, "//button[text()='退出']"))

        driver.get(link_for(env, workdir, MAYOR))  # the report now waits for the 区长 only
        click(driver.find_element(By.ID, "signin"))
        assert "等待我审批(1)" in text()
        driver.get(f"{url}/approvals")
        click(driver.find_element(By.XPATH, "//button[text()='同意']"))
        assert "已同意" in text() and "已通知 申请人孙局长" in text()
    finally:
        driver.quit()
    told = emulator.run(lambda: world.bot_messages(HEAD))
    assert any("已由分管副区长 赵副区长同意,附言:同意前往" in m["text"] for m in told), told
    assert any("请假已批准" in m["text"] for m in told), told
    assert shutil.which("chromium")  # the browser this test drove is the system's, not a download
