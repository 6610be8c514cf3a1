#!/usr/bin/python3
"""End-to-end test of `gongkai ui` in a real browser (headless Chromium via WebDriver).

A county hub (`gongkai-hub serve`), a township and a village, each with its own home, on
127.0.0.1. The village clerk imports a subsidy list with two bad rows, sees both errors,
fixes one cell in the browser and replaces the file for the other, submits; the township
returns it with a comment; the clerk sees the comment, corrects and resubmits; the
township sees what changed and approves; the clerk prints and records the posting. Then
the safety checks: a foreign Host header, and POSTs without or with a wrong CSRF token,
are refused and change nothing.

usage: browser_test.py BUILD_DIR   (screenshots go to BUILD_DIR/web-screenshots/)
"""
import datetime
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from browser_support import Browser  # noqa: E402

BUILD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("GONGKAI_BUILD_DIR", "build"))
G = os.path.join(BUILD, "node", "gongkai")
H = os.path.join(BUILD, "hub", "gongkai-hub")
SHOTS = os.path.join(BUILD, "web-screenshots")

HEADER = "序号,村民小组,户主姓名,身份证号码,补贴项目,计税面积（亩）,补贴标准（元/亩）,补贴金额（元）,一卡通账号,备注"
ROWS = [
    "1,1组,王建国,410381194001010104,耕地地力保护补贴,1.5000,104.52,156.78,6228480010000000,",
    "2,1组,李春花,410381194706120127,耕地地力保护补贴,1.8719,104.52,195.65,6228480010007919,",
    "3,1组,张志强,410381195411230147,耕地地力保护补贴,2.2438,104.52,234.52,6228480010015838,",
    "4,1组,刘凤英,410381196104060162,耕地地力保护补贴,2.6157,104.52,273.39,6228480010023757,",
]
TITLE = "2024年耕地地力保护补贴发放公示"
COMMENT = "第3户面积与二轮承包台账不符，请核实"

processes = []


def run(*args, **kw):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kw).stdout


def start(*args, cwd):
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=open(os.path.join(cwd, "log-%d.txt" % len(processes)), "w"),
                            text=True, cwd=cwd)
    processes.append(proc)
    return proc


def write_csv(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        f.write("××村2024年耕地地力保护补贴发放公示表\n" + HEADER + "\n" + "\n".join(rows) + "\n")


def check(condition, what):
    if not condition:
        raise AssertionError(what)


def main():
    work = tempfile.mkdtemp(prefix="gongkai-web-test-")
    driver = None
    try:
        os.makedirs(SHOTS, exist_ok=True)
        passfile = os.path.join(work, "pass.txt")
        with open(passfile, "w") as f:
            f.write("测试口令-web\n")
        hub = os.path.join(work, "hub")
        run(H, "init", "--home", hub, "--county", "511304", "--name", "嘉陵区", "--passphrase-file", passfile, "--fast-kdf")
        serve = start(H, "serve", "--home", hub, "--listen", "127.0.0.1:0", cwd=work)
        line = serve.stdout.readline().strip()
        check(line.startswith("listening on "), "hub did not start: " + line)
        hub_url = "http://" + line[len("listening on "):]

        def enrol(name, region, label, role):
            home = os.path.join(work, name)
            run(G, "init", "--home", home, "--region", region, "--name", label, "--request-out", home + ".request")
            run(H, "enroll", "--home", hub, "--request", home + ".request", "--role", role, "--out", home + ".cert",
                "--passphrase-file", passfile)
            run(G, "init", "--home", home, "--certificate", home + ".cert", "--hub", hub_url)
            return home

        township = enrol("township", "511304100", "龙蟠镇", "township")
        village = enrol("village", "511304100201", "石庙村", "village")

        def ui(home):
            proc = start(G, "ui", "--home", home, "--listen", "127.0.0.1:0", cwd=work)
            url = proc.stdout.readline().strip()
            check(url.startswith("http://127.0.0.1:") and "/?secret=" in url, "ui did not print its URL: " + url)
            return url

        village_url = ui(village)
        township_url = ui(township)

        bad = list(ROWS)
        bad[1] = bad[1].replace("195.65", "999.99")  # row 4: amount ≠ area × rate
        bad[3] = bad[3].replace("410381196104060162", "410381196104060163")  # row 6: check digit
        files = {}
        for name, rows in {"bad": bad, "good": ROWS}.items():
            files[name] = os.path.join(work, "补贴名册-%s.csv" % name)
            write_csv(files[name], rows)
        corrected = list(ROWS)
        corrected[2] = "3,1组,张志强,410381195411230147,耕地地力保护补贴,2.0000,104.52,209.04,6228480010015838,"
        files["corrected"] = os.path.join(work, "补贴名册-更正.csv")
        write_csv(files["corrected"], corrected)

        browser = Browser(os.path.join(work, "chromium-profile"), SHOTS)
        driver, wait = browser.driver, browser.wait
        shot, text, button, click = browser.shot, browser.text, browser.button, browser.click

        def sync():
            driver.get(base() + "/sync")
            click("同步")
            wait.until(EC.presence_of_element_located((By.ID, "sync-result")))
            check("同步完成" in text(), "sync failed: " + text())

        state = {}

        def base():
            return state["base"]

        def as_clerk():
            state["base"] = village_url.split("/?")[0]
            driver.get(village_url if "v" not in state else state["base"] + "/")
            state["v"] = True

        def as_township():
            state["base"] = township_url.split("/?")[0]
            driver.get(township_url if "t" not in state else state["base"] + "/")
            state["t"] = True

        # Village and township each open their own interface (different ports: own cookies).
        as_clerk()
        check("今天要做的事" in text(), "clerk home not shown: " + text())
        beijing = time.gmtime(time.time() + 8 * 3600)
        quarter = "%dQ%d" % (beijing.tm_year, (beijing.tm_mon - 1) // 3 + 1)
        finance_due = driver.find_element(By.ID, "finance-due").text
        check(quarter in finance_due and "期限" in finance_due,
              "the quarterly finance deadline is not on the home page: " + finance_due)
        Select(driver.find_element(By.NAME, "category")).select_by_value("subsidy")
        click("新建公开事项")
        driver.find_element(By.NAME, "title").send_keys(TITLE)
        driver.find_element(By.NAME, "period").send_keys("2024")
        driver.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(files["bad"])
        click("保存草稿")
        page = text()
        check("共 2 处问题" in page, "both errors not listed: " + page)
        errors = driver.find_element(By.CSS_SELECTOR, "#import-errors table").text
        check("第4行" in errors and "第6行" in errors, "errors do not name rows 4 and 6: " + errors)
        check("补贴金额" in errors and "身份证号码" in errors, "errors do not name the columns: " + errors)
        check(len(driver.find_elements(By.CSS_SELECTOR, "table.sheet td.bad")) >= 2, "bad cells not marked")
        # The same file through the command: the same errors, row for row (one action layer).
        command = subprocess.run([G, "new", "--home", village, "--category", "subsidy", "--title", TITLE,
                                  "--period", "2024", "--import", files["bad"], "--json"],
                                 capture_output=True, text=True)
        check(command.returncode != 0, "the command accepted the bad file")
        details = json.loads(command.stdout)["error"]["details"]
        from_command = [[str(e["row"]), e["column"], e["message"], e["code"]] for e in details]
        from_page = [[td.text for td in tr.find_elements(By.TAG_NAME, "td")]
                     for tr in driver.find_elements(By.CSS_SELECTOR, "#import-errors table.errors tbody tr")]
        check(len(from_command) == 2 and from_page == from_command,
              "the page and the command differ:\n%r\n%r" % (from_page, from_command))
        shot("clerk-import-errors")
        # Fix the amount of row 4 in the browser (column H) and save.
        cell = driver.find_element(By.CSS_SELECTOR, "input[data-cell='H4']")
        check(cell.get_attribute("value") == "999.99", "cell H4 is not the bad amount")
        cell.clear()
        cell.send_keys("195.65")
        click("保存草稿")
        page = text()
        check("共 1 处问题" in page and "第6行" in page and "第4行" not in page, "cell fix not applied: " + page)
        # Replace the file for the other error.
        driver.find_element(By.CSS_SELECTOR, "form[action$='/replace'] input[type=file]").send_keys(files["good"])
        click("导入")
        check("/d/" in driver.current_url, "corrected file not accepted: " + text())
        check("已保存草稿" in text(), "draft not saved: " + text())
        disclosure_path = driver.current_url.split("?")[0].split(base())[1]
        check("王建国" in text() and "刘凤英" in text(), "draft rows not shown")
        click("提交")
        check("已提交" in text() and "待审核" in text(), "submit failed: " + text())
        # The 村务监督委员会 / 民主理财小组 review, recorded on the village's own node.
        supervision = driver.find_element(By.ID, "supervision")
        supervision.find_element(By.NAME, "by").send_keys("村监委会李主任")
        click("审核通过", supervision)
        check("村务监督委员会 / 民主理财小组：通过 村监委会李主任" in driver.find_element(By.ID, "version").text,
              "supervision review not shown: " + text())
        sync()

        # The township returns it; a return without a comment is refused and changes nothing.
        as_township()
        sync()
        driver.get(base() + "/")
        queue = driver.find_element(By.ID, "queue").text
        check(TITLE in queue and "石庙村" in queue, "not in the township queue by village: " + text())
        shot("township-queue")
        # The overview: 石庙村 has no finance disclosure, so it is late for the quarter just
        # ended from the day after the deadline (day 15 of the next month) for 60 days.
        now = beijing.tm_year * 12 + beijing.tm_mon - 1
        ended = now - now % 3 - 1  # the last month of the quarter just ended
        last = (ended // 12, ended % 12 + 1)
        deadline = datetime.date(last[0] + (last[1] == 12), last[1] % 12 + 1, 15)
        today = datetime.date(beijing.tm_year, beijing.tm_mon, beijing.tm_mday)
        late = 1 if 0 < (today - deadline).days <= 60 else 0
        row = [r for r in driver.find_elements(By.CSS_SELECTOR, "#villages tbody tr") if "石庙村" in r.text]
        check(len(row) == 1, "the village is not in the overview: " + text())
        heads = [h.text for h in driver.find_elements(By.CSS_SELECTOR, "#villages thead th")]
        late_cell = row[0].find_elements(By.TAG_NAME, "td")[heads.index("逾期")].text
        check(late_cell.split()[0] == str(late), "late count %r, expected %d" % (late_cell, late))
        check(late == 0 or "%dQ%d 财务公开" % (last[0], (last[1] + 2) // 3) in late_cell,
              "the late quarter is not named: " + late_cell)
        driver.find_element(By.CSS_SELECTOR, "#queue a").click()
        check(driver.find_element(By.TAG_NAME, "h1").text.startswith(TITLE), "title not as typed: " + text())
        click("退回")
        check("workflow.input" in text() and "没有保存" in text(), "empty return comment accepted: " + text())
        check("待审核" in text(), "status changed by a refused return")
        driver.find_element(By.NAME, "comment").send_keys(COMMENT)
        click("退回")
        check("已退回" in text(), "return failed: " + text())
        sync()

        # The clerk sees the comment, corrects the list and resubmits.
        as_clerk()
        sync()
        driver.get(base() + "/")
        check(COMMENT in driver.find_element(By.ID, "returned").text, "return comment not on the home page: " + text())
        shot("clerk-home")
        driver.get(base() + disclosure_path)
        check(COMMENT in driver.find_element(By.ID, "return-comment").text, "return comment not on the page")
        edit = driver.find_element(By.ID, "edit")
        edit.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(files["corrected"])
        body = edit.find_element(By.NAME, "body")
        body.clear()
        body.send_keys("经核实，第3户面积以二轮承包台账为准，已更正。")
        click("保存草稿", edit)
        check("已保存草稿" in text(), "correction not saved: " + text())
        click("提交")
        check("已提交" in text(), "resubmit failed: " + text())
        sync()

        # The township sees what changed and approves.
        as_township()
        sync()
        driver.get(base() + disclosure_path)
        diff = driver.find_element(By.ID, "diff").text
        check("修改 1 行" in diff and "新增 0 行" in diff and "删除 0 行" in diff, "diff counts wrong: " + diff)
        check("234.52" in diff and "209.04" in diff, "changed amount not shown: " + diff)
        check("860.34" in diff and "834.86" in diff, "totals before/after not shown: " + diff)
        check(COMMENT in diff, "previous return comment not shown")
        shot("township-review")
        click("审核通过")
        check("已审核通过" in text() and "已审核通过" in text(), "approve failed: " + text())
        sync()

        # The clerk prints (preview) and records the posting.
        as_clerk()
        sync()
        driver.get(base() + disclosure_path)
        check("已审核通过" in text(), "approval did not reach the village: " + text())
        check(driver.find_elements(By.CSS_SELECTOR, "iframe.pdf"), "no PDF preview")
        cookie_name = "gongkai_ui_" + base().rsplit(":", 1)[1]
        session_cookie = cookie_name + "=" + driver.get_cookie(cookie_name)["value"]
        pdf = fetch(base(), "GET", disclosure_path + "/sheet.pdf", cookie=session_cookie)
        check(pdf[0] == 200 and pdf[1].startswith(b"%PDF"), "sheet PDF not served")
        driver.execute_script("document.getElementById('print').scrollIntoView()")
        shot("clerk-print")
        print_box = driver.find_element(By.ID, "print")
        click("登记张贴", print_box)
        check("已登记张贴" in text(), "posting not recorded: " + text())
        check("张贴 1 份" in driver.find_element(By.ID, "postings").text, "posting not listed")

        # Safety: foreign Host, no session, missing or wrong CSRF token.
        host = base()[len("http://"):]
        status, body = fetch(base(), "GET", "/", cookie=session_cookie, host="evil.example:" + host.split(":")[1])
        check(status == 403 and b"web.host" in body, "foreign Host accepted: %d" % status)
        status, body = fetch(base(), "GET", "/")
        check(status == 403 and b"web.session" in body, "request without session accepted: %d" % status)
        status, body = fetch(base(), "GET", "/?secret=wrong")
        check(status == 403, "wrong secret accepted")
        for token in [None, "0" * 64]:
            form = "reason=test" + ("" if token is None else "&csrf=" + token)
            status, body = fetch(base(), "POST", disclosure_path + "/withdraw", cookie=session_cookie, body=form)
            check(status == 403 and b"web.csrf" in body, "POST without a valid CSRF token accepted: %d" % status)
        driver.get(base() + disclosure_path)
        check("已审核通过" in text() and "已撤回" not in text(), "a refused POST changed something")
        # USB bundles: the clerk writes one to the home's bundles folder, the township imports it.
        driver.get(base() + "/bundles")
        target = Select(driver.find_element(By.NAME, "target"))
        wanted = os.path.join(village, "bundles")
        target.select_by_visible_text(wanted)
        click("导出数据包")
        exported = driver.find_element(By.ID, "export-result").text
        check("已写出数据包" in exported and wanted in exported, "bundle not exported: " + text())
        bundle = [os.path.join(wanted, f) for f in os.listdir(wanted) if f.endswith(".gkb")]
        check(len(bundle) == 1, "no bundle file written")
        as_township()
        driver.get(base() + "/bundles")
        driver.find_element(By.CSS_SELECTOR, "form[action='/bundles/import'] input[type=file]").send_keys(bundle[0])
        click("导入数据包")
        imported = driver.find_element(By.ID, "import-result").text
        check("已导入" in imported and "511304100201" in imported and "拒收 0" in imported,
              "bundle import not shown: " + text())
        shot("township-bundle-import")
        # Withdrawing needs a reason; with one, the disclosure is withdrawn.
        as_clerk()
        driver.get(base() + disclosure_path)
        withdraw = driver.find_element(By.ID, "withdraw")
        withdraw.find_element(By.TAG_NAME, "summary").click()
        click("撤回", withdraw)
        check("没有保存" in text() and "已审核通过" in text(), "withdraw without a reason accepted: " + text())
        withdraw = driver.find_element(By.ID, "withdraw")
        withdraw.find_element(By.TAG_NAME, "summary").click()
        withdraw.find_element(By.NAME, "reason").send_keys("补贴标准调整，另行公示")
        click("撤回", withdraw)
        check("已撤回" in driver.find_element(By.TAG_NAME, "h1").text, "withdraw failed: " + text())
        print("browser test passed; screenshots in " + SHOTS)
        return 0
    except Exception:
        if driver is not None:
            driver.save_screenshot(os.path.join(SHOTS, "failure.png"))
            print("page at failure: " + driver.current_url + "\n" + driver.find_element(By.TAG_NAME, "body").text)
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
        for p in processes[1:]:
            check(p.returncode == 0, "gongkai ui did not stop cleanly on SIGTERM: %s" % p.returncode)
        shutil.rmtree(work, ignore_errors=True)


def fetch(base, method, path, cookie=None, host=None, body=None):
    hostport = base[len("http://"):]
    conn = http.client.HTTPConnection(hostport, timeout=30)
    headers = {"Host": host or hostport}
    if cookie:
        headers["Cookie"] = cookie
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, data


if __name__ == "__main__":
    sys.exit(main())
