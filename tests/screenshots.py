"""Make the screenshots in docs/reports.md: `python tests/screenshots.py`.

The shipped plan's December 2023 report as a phone shows it (390 px, at T17's card), as a
laptop shows it (1366 px, at Public Transport), and a page of the Word paper as
LibreOffice prints it. Look at each one before committing it.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import browser  # noqa: E402
from conftest import invoke  # noqa: E402

IMAGES = HERE.parent / "docs" / "images"


def main() -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="nzcli-shots-"))
    page = work / "progress.html"
    assert invoke("report", "latest", "-o", str(page), "-q").exit_code == 0
    with browser.chromium(work / "profile") as driver:
        for width, height, anchor in ((390, 844, "T17"), (1366, 900, "transport-public-transport")):
            browser.viewport(driver, width, height, mobile=width < 800)
            driver.get(page.as_uri())
            driver.execute_script(f"document.getElementById('{anchor}').scrollIntoView()")
            driver.execute_script("window.scrollBy(0, -12)")
            browser.screenshot(driver, IMAGES / f"report-{width}.png")
    paper = work / "december-2023.docx"
    assert invoke("report", "latest", "-o", str(paper), "-q").exit_code == 0
    pdf = browser.docx_to_pdf(paper, work)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "5", "-l", "5", "-singlefile", str(pdf),
         str(IMAGES / "report-word")],
        check=True,
        timeout=120,
    )  # fmt: skip
    for name in ("report-390.png", "report-1366.png", "report-word.png"):
        print(IMAGES / name)


if __name__ == "__main__":
    main()
