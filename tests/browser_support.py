"""What the browser tests share: headless Chromium at 1366x768 through Debian's chromedriver,
and the few ways a test reads and drives a page (its text, a button by its label, a click
that waits for the next page, a screenshot)."""
import os

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait


class Browser:
    def __init__(self, profile_dir, shots_dir, timeout=30):
        options = webdriver.ChromeOptions()
        for arg in ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--user-data-dir=" + profile_dir, "--window-size=1366,768", "--lang=zh-CN"]:
            options.add_argument(arg)
        self.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        self.driver.set_window_size(1366, 768)
        self.wait = WebDriverWait(self.driver, timeout)
        self.shots_dir = shots_dir
        os.makedirs(shots_dir, exist_ok=True)

    def shot(self, name):
        self.driver.save_screenshot(os.path.join(self.shots_dir, name + ".png"))

    def text(self):
        return self.driver.find_element(By.TAG_NAME, "body").text

    def button(self, label, scope=None):
        for b in (scope or self.driver).find_elements(By.TAG_NAME, "button"):
            if b.text.strip() == label and b.is_displayed():
                return b
        raise AssertionError("no button 「%s」 on %s" % (label, self.driver.current_url))

    def click(self, label, scope=None):
        """Clicks the button and waits for the page it sends the form to."""
        old_page = self.driver.find_element(By.TAG_NAME, "html")
        self.button(label, scope).click()

        def replaced(_):
            try:
                old_page.is_enabled()
                return False
            except Exception:  # stale, or no longer in the document
                return True
        self.wait.until(replaced)
        self.wait.until(lambda d: d.execute_script("return document.readyState") == "complete")

    def quit(self):
        self.driver.quit()
