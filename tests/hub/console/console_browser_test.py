#!/usr/bin/python3
"""End-to-end test of `gongkai-hub console` in a real browser (headless Chromium via WebDriver).

A county hub serves the sync API (`gongkai-hub serve --enrol`) and the console
(`gongkai-hub console`) on 127.0.0.1, each its own listener. A township and a village are
enrolled by request file and a village disclosure is approved, so the year report has a
township to draw. In the browser the county admin logs in (a wrong password first), sees the
nodes, issues a one-time token with its QR code, with which a new village PC enrols online;
revokes another PC with a reason and a confirmation; runs `audit verify` and sees it pass; and
opens the year report, whose chart must be drawn. Then the refusals: no session, a missing
CSRF token, an auditor trying to revoke, and five wrong passwords, after which even the right
one waits. The console's CSV of the year report equals `gongkai-hub audit report --csv`.

usage: console_browser_test.py BUILD_DIR   (screenshots go to BUILD_DIR/web-screenshots/)
"""
import csv as csvmodule
import http.client
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import zipfile
from xml.etree import ElementTree

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from browser_support import Browser  # noqa: E402

BUILD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build")
G = os.path.join(BUILD, "node", "gongkai")
H = os.path.join(BUILD, "hub", "gongkai-hub")
SHOTS = os.path.join(BUILD, "web-screenshots")
ADMIN, ADMIN_PASSWORD = "王科长", "县里的管理员密码-1"
AUDITOR, AUDITOR_PASSWORD = "审计员小张", "审计员的密码-22"

processes = []


def run(*args, **kw):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kw).stdout


def start(*args, cwd):
    proc = subprocess.Popen(args, stdout=subprocess.PIPE,
                            stderr=open(os.path.join(cwd, "log-%d.txt" % len(processes)), "w"),
                            text=True, cwd=cwd)
    processes.append(proc)
    return proc


def check(condition, what):
    if not condition:
        raise AssertionError(what)


def fetch(base, method, path, cookie=None, form=None, raw=False):
    conn = http.client.HTTPConnection(base[len("http://"):], timeout=30)
    headers = {}
    if cookie:
        headers["Cookie"] = cookie
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    cookie_set = response.getheader("Set-Cookie") or ""
    conn.close()
    if raw:
        return response.status, data, response.getheader("Content-Type") or ""
    return response.status, data.decode("utf-8", "replace"), cookie_set


def xlsx_rows(data):
    """The rows of the first worksheet of an XLSX file, as text, read with Python's own zip
    and XML readers (inline strings, numbers and booleans, as the console writes them)."""
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        check(z.testzip() is None, "a damaged member in the XLSX")
        for part in ("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/styles.xml"):
            check(part in z.namelist(), "the XLSX has no " + part)
        sheet = ElementTree.fromstring(z.read("xl/worksheets/sheet1.xml"))
    rows = []
    for row in sheet.iterfind("m:sheetData/m:row", ns):
        cells = {}
        for c in row.iterfind("m:c", ns):
            column = re.match(r"[A-Z]+", c.get("r")).group(0)
            index = 0
            for ch in column:
                index = index * 26 + ord(ch) - ord("A") + 1
            if c.get("t") == "inlineStr":
                cells[index - 1] = "".join(t.text or "" for t in c.iterfind("m:is/m:t", ns))
            elif c.get("t") == "b":
                cells[index - 1] = "true" if c.find("m:v", ns).text == "1" else "false"
            else:
                cells[index - 1] = c.find("m:v", ns).text
        width = max(cells) + 1 if cells else 0
        rows.append([cells.get(i, "") for i in range(width)])
    return rows


def login(base, name, password):
    status, body, cookie = fetch(base, "POST", "/login", form={"name": name, "password": password})
    return status, body, cookie.split(";")[0]


def csrf_of(base, cookie):
    status, body, _ = fetch(base, "GET", "/", cookie=cookie)
    check(status == 200, "no page with the session: %d" % status)
    found = re.search(r'name="csrf" value="([0-9a-f]{64})"', body)
    check(found, "no CSRF token in the page")
    return found.group(1)


def main():
    work = tempfile.mkdtemp(prefix="gongkai-console-test-")
    driver = None
    try:
        os.makedirs(SHOTS, exist_ok=True)
        passfile = os.path.join(work, "pass.txt")
        root_passphrase = "测试县根口令-console"
        with open(passfile, "w") as f:
            f.write(root_passphrase + "\n")
        hub = os.path.join(work, "hub")
        run(H, "init", "--home", hub, "--county", "511304", "--name", "嘉陵区", "--passphrase-file", passfile,
            "--fast-kdf")
        for name, role, password in [(ADMIN, "admin", ADMIN_PASSWORD), (AUDITOR, "auditor", AUDITOR_PASSWORD)]:
            pw = os.path.join(work, "pw-" + role)
            with open(pw, "w") as f:
                f.write(password + "\n")
            run(H, "console", "user", "add", name, "--role", role, "--home", hub, "--passphrase-file", pw)
        serve = start(H, "serve", "--home", hub, "--listen", "127.0.0.1:0", "--enrol", "--passphrase-file",
                      passfile, cwd=work)
        line = serve.stdout.readline().strip()
        check(line.startswith("listening on "), "hub did not start: " + line)
        hub_url = "http://" + line[len("listening on "):]
        console = start(H, "console", "--home", hub, "--listen", "127.0.0.1:0", "--hub-url", hub_url, cwd=work)
        line = console.stdout.readline().strip()
        check(line.startswith("console on http://127.0.0.1:"), "console did not start: " + line)
        base = line[len("console on "):].rstrip("/")

        def enrol(name, region, label, role):
            home = os.path.join(work, name)
            run(G, "init", "--home", home, "--region", region, "--name", label, "--request-out", home + ".request")
            run(H, "enroll", "--home", hub, "--request", home + ".request", "--role", role, "--out",
                home + ".cert", "--passphrase-file", passfile)
            run(G, "init", "--home", home, "--certificate", home + ".cert", "--hub", hub_url)
            return home

        township = enrol("township", "511304100", "龙蟠镇", "township")
        village = enrol("village", "511304100201", "石庙村", "village")
        old_pc = enrol("old", "511304100203", "老村委会电脑", "village")
        # One affairs disclosure, submitted and approved: the report has a township to draw.
        run(G, "sync", "--home", township)
        run(G, "sync", "--home", village)
        made = run(G, "new", "--home", village, "--category", "affairs", "--period", "2026Q3", "--title",
                   "2026年第三季度村务公开", "--body", "本季度召开村民代表会议两次。", "--json")
        disclosure = re.search(r'"id":"([0-9a-f]{32})"', made).group(1)
        run(G, "submit", "--home", village, disclosure)
        run(G, "sync", "--home", village)
        run(G, "sync", "--home", township)
        run(G, "review", "--home", township, disclosure, "--approve", "--comment", "同意公开")
        run(G, "sync", "--home", township)

        browser = Browser(os.path.join(work, "chromium-profile"), SHOTS, timeout=60)
        driver, wait = browser.driver, browser.wait
        shot, text, click = browser.shot, browser.text, browser.click

        def fill_login(name, password):
            driver.find_element(By.NAME, "name").clear()
            driver.find_element(By.NAME, "name").send_keys(name)
            driver.find_element(By.NAME, "password").send_keys(password)
            click("登录")

        # Without a session every page leads to the login; a wrong password is refused.
        driver.get(base + "/audit/report")
        check(driver.current_url.endswith("/login"), "a page answered without a session: " + driver.current_url)
        fill_login(ADMIN, "not the password")
        check("账户名或密码不对" in text(), "wrong password not refused: " + text())
        shot("console-login")
        fill_login(ADMIN, ADMIN_PASSWORD)
        nodes = driver.find_element(By.CSS_SELECTOR, "table.nodes").text
        check("龙蟠镇" in nodes and "石庙村" in nodes and "老村委会电脑" in nodes, "nodes not listed: " + nodes)
        check("王科长（管理员）" in text(), "who is logged in not shown")

        # Online enrolment: a token and its QR code; a new PC enrols with it.
        driver.get(base + "/enrol")
        token_form = driver.find_element(By.CSS_SELECTOR, "form[action='/enrol/token']")
        Select(token_form.find_element(By.NAME, "role")).select_by_value("village")
        token_form.find_element(By.NAME, "region").send_keys("511304100202")
        token_form.find_element(By.NAME, "name").send_keys("桥亭村")
        click("签发口令", token_form)
        token = driver.find_element(By.CSS_SELECTOR, ".slip .token").text.strip()
        check(re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){7}", token), "no token shown: " + text())
        qr = driver.find_element(By.CSS_SELECTOR, "svg.qr path").get_attribute("d")
        check(qr.count("M") > 50, "no QR code drawn")
        check(hub_url in text(), "the slip does not name the hub")
        shot("console-enrol-token")
        new_pc = os.path.join(work, "qiaoting")
        run(G, "init", "--home", new_pc, "--hub", hub_url, "--token", token, "--region", "511304100202",
            "--name", "桥亭村")
        driver.get(base + "/")
        check("桥亭村" in driver.find_element(By.CSS_SELECTOR, "table.nodes").text, "online enrolment not listed")

        # Revoking the old PC: the confirmation box is required.
        row = [r for r in driver.find_elements(By.CSS_SELECTOR, "table.nodes tbody tr") if "老村委会电脑" in r.text][0]
        row.find_element(By.LINK_TEXT, "吊销").click()
        wait.until(lambda d: "/nodes/revoke" in d.current_url)
        driver.find_element(By.NAME, "passphrase").send_keys(root_passphrase)
        click("吊销")
        check("请勾选" in text(), "revoke without confirmation accepted: " + text())
        driver.back()
        wait.until(lambda d: "/nodes/revoke" in d.current_url)
        driver.find_element(By.CSS_SELECTOR, "input[name=reason][value=retired]").click()
        driver.find_element(By.NAME, "note").send_keys("村委会电脑报废")
        driver.find_element(By.NAME, "passphrase").clear()
        driver.find_element(By.NAME, "passphrase").send_keys(root_passphrase)
        driver.find_element(By.NAME, "confirm").click()
        shot("console-revoke")
        click("吊销")
        check("已吊销 老村委会电脑" in text(), "revoke not confirmed: " + text())
        row = [r for r in driver.find_elements(By.CSS_SELECTOR, "table.nodes tbody tr") if "老村委会电脑" in r.text][0]
        check("已吊销（停用）" in row.text, "revoked node not marked: " + row.text)
        shot("console-nodes")
        # The revoked PC is refused by the hub from now on.
        refused = subprocess.run([G, "sync", "--home", old_pc], capture_output=True, text=True)
        check(refused.returncode != 0, "a revoked node still syncs")

        # Audit verify with its verdict.
        driver.get(base + "/audit/verify")
        click("开始核对")
        wait.until(lambda d: "核对通过" in d.find_element(By.TAG_NAME, "body").text
                   or "核对未通过" in d.find_element(By.TAG_NAME, "body").text)
        check("核对通过" in text(), "audit verify did not pass: " + text())
        shot("console-verify")

        # History of the village, and an inclusion proof the village checks offline.
        driver.get(base + "/audit/history")
        driver.find_element(By.NAME, "region").send_keys("511304100201")
        click("查询")
        check("2026年第三季度村务公开" in text() or "村务" in text(), "history does not show the disclosure: " + text())
        cookie = "gongkai_console=" + driver.get_cookie("gongkai_console")["value"]
        status, history_csv, _ = fetch(base, "GET", "/audit/history.csv?region=511304100201", cookie=cookie)
        check(status == 200, "history CSV not served: %d" % status)
        envelope = re.findall(r",([0-9a-f]{64})\r?$", history_csv, re.M)
        check(envelope, "no envelope id in the history CSV:\n" + history_csv)
        status, proof, _ = fetch(base, "GET", "/audit/proof?envelope=" + envelope[-1], cookie=cookie)
        check(status == 200, "proof not issued: %d %s" % (status, proof))
        proof_file = os.path.join(work, "proof.txt")
        with open(proof_file, "w", encoding="utf-8") as f:
            f.write(proof)
        run(G, "verify-proof", proof_file, "--home", village)

        # The year report: a table and charts.
        year = time.strftime("%Y", time.gmtime(time.time() + 8 * 3600))
        driver.get(base + "/audit/report?year=" + year)
        bars = driver.find_elements(By.CSS_SELECTOR, "svg.chart rect.bar-ok")
        check(len(bars) >= 1 and float(bars[0].get_attribute("width")) > 0, "the report chart has no bar")
        check(bars[0].size["width"] > 10, "the bar is not drawn")
        check("龙蟠镇" in driver.find_element(By.CSS_SELECTOR, "svg.chart").text, "the chart does not name the township")
        check("1 通过" in driver.find_element(By.CSS_SELECTOR, "svg.chart").text, "the chart does not count the approval")
        shot("console-report")
        cookie = "gongkai_console=" + driver.get_cookie("gongkai_console")["value"]
        check(driver.get_cookie("gongkai_console")["httpOnly"], "session cookie readable by scripts")
        status, csv, _ = fetch(base, "GET", "/audit/report.csv?year=" + year, cookie=cookie)
        check(status == 200, "CSV not served: %d" % status)
        # Bytes: the CSV's CRLF line ends must be the same too.
        command_csv = subprocess.run([H, "audit", "report", "--home", hub, "--year", year, "--csv"], check=True,
                                     capture_output=True).stdout.decode("utf-8")
        check(csv == command_csv, "the console's CSV differs from the command's:\n" + csv + "\n---\n" + command_csv)
        # The same table as an Excel file: the cells of the CSV, numbers as numbers.
        check(driver.find_elements(By.LINK_TEXT, "下载 Excel"), "no Excel download on the report page")
        status, xlsx, content_type = fetch(base, "GET", "/audit/report.xlsx?year=" + year, cookie=cookie, raw=True)
        check(status == 200 and content_type.startswith("application/vnd.openxmlformats-officedocument"),
              "XLSX not served: %d %s" % (status, content_type))
        csv_rows = [[cell[1:] if cell.startswith("'") else cell for cell in row]
                    for row in csvmodule.reader(io.StringIO(csv))]
        xlsx_table = [row + [""] * (len(csv_rows[0]) - len(row)) for row in xlsx_rows(xlsx)]
        check(xlsx_table == csv_rows, "the XLSX differs from the CSV:\n%r\n---\n%r" % (xlsx_table, csv_rows))
        check(len(csv_rows) >= 2, "the report has no rows")

        # Refusals. No session: pages redirect, actions are refused.
        status, body, _ = fetch(base, "GET", "/audit/alarms")
        check(status == 303, "a page without a session answered %d" % status)
        status, body, _ = fetch(base, "POST", "/nodes/revoke", form={"node": "0" * 32, "confirm": "yes"})
        check(status == 403 and "console.session" in body, "an action without a session: %d" % status)
        # A missing CSRF token.
        status, body, _ = fetch(base, "POST", "/audit/verify", cookie=cookie, form={})
        check(status == 403 and "web.csrf" in body, "POST without CSRF accepted: %d" % status)
        # An auditor may read but not revoke.
        status, _, auditor = login(base, AUDITOR, AUDITOR_PASSWORD)
        check(status == 303 and auditor.startswith("gongkai_console="), "auditor cannot log in: %d" % status)
        csrf = csrf_of(base, auditor)
        village_id = run(G, "status", "--home", village, "--json")
        village_id = re.search(r'"node_id":"([0-9a-f]{32})"', village_id).group(1)
        status, body, _ = fetch(base, "POST", "/nodes/revoke", cookie=auditor,
                                form={"csrf": csrf, "node": village_id, "reason": "retired", "confirm": "yes",
                                      "passphrase": root_passphrase})
        check(status == 403 and "console.forbidden" in body, "an auditor revoked: %d" % status)
        status, body, _ = fetch(base, "GET", "/", cookie=auditor)
        check("登记节点" not in body and "吊销</a>" not in body, "the auditor is offered admin actions")
        row = re.search(r"<tr[^>]*>\s*<td>511304100201</td>.*?</tr>", body, re.S).group(0)
        check("正常" in row, "the village was revoked by an auditor")
        # Logout ends the session.
        status, _, _ = fetch(base, "POST", "/logout", cookie=auditor, form={"csrf": csrf})
        check(status == 303, "logout failed")
        status, _, _ = fetch(base, "GET", "/", cookie=auditor)
        check(status == 303, "the session survived logout")
        # Five wrong passwords from this address (the browser's one above counts): then even the
        # right one waits.
        failures = 1
        for _ in range(10):
            status, body, _ = login(base, AUDITOR, "wrong password")
            if status == 429:
                break
            check(status == 401, "wrong password answered %d" % status)
            failures += 1
        check(failures == 5, "the limit came after %d wrong passwords" % failures)
        status, body, _ = login(base, AUDITOR, AUDITOR_PASSWORD)
        check(status == 429 and "console.rate_limited" in body, "no limit on wrong passwords: %d" % status)
        print("console browser test passed; screenshots in " + SHOTS)
        return 0
    except Exception:
        if driver is not None:
            driver.save_screenshot(os.path.join(SHOTS, "console-failure.png"))
            print("page at failure: " + driver.current_url + "\n" + driver.find_element(By.TAG_NAME, "body").text)
        for i in range(len(processes)):
            log = os.path.join(work, "log-%d.txt" % i)
            if os.path.exists(log):
                print("--- log %d\n%s" % (i, open(log).read()[-3000:]))
        raise
    finally:
        if driver is not None:
            browser.quit()
        for p in processes:
            p.terminate()
        for p in processes:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
        for p in processes:
            check(p.returncode == 0, "a server did not stop cleanly on SIGTERM: %s" % p.returncode)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
