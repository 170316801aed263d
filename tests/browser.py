"""Headless Chromium for tests, through selenium and Debian's chromedriver; LibreOffice and
poppler for the Word paper.

These programs are what people open nzcli's output with, so the tests that need them run
wherever nzcli is tested: `.ci/run` installs them, and a test fails (it does not skip) when
one is missing. Set NZCLI_SKIP_BROWSER=1 (Chromium) or NZCLI_SKIP_OFFICE=1 (LibreOffice,
pdfinfo) to skip those tests on a machine that cannot have them; CI never sets them.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

SKIP_BROWSER = "NZCLI_SKIP_BROWSER"
SKIP_OFFICE = "NZCLI_SKIP_OFFICE"


def need(program: str, names: tuple[str, ...], skip_var: str) -> str:
    """The path of the first of `names` installed; skips when `skip_var` is set, else
    fails naming what to install."""
    if os.environ.get(skip_var):
        pytest.skip(f"{skip_var} is set")
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    pytest.fail(f"{program} is not installed (.ci/run installs it; or set {skip_var}=1)")


#: Chromium's flags when run as root in a container (see .ci/run).
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
)


@contextmanager
def chromium(profile: Path) -> Iterator[Any]:
    """A selenium Chrome driver on Debian's chromium and chromedriver, in a fresh profile."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    binary = need("chromium", ("chromium", "chromium-browser"), SKIP_BROWSER)
    driver_path = need("chromedriver", ("chromedriver",), SKIP_BROWSER)
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    try:
        driver.set_page_load_timeout(60)
        yield driver
    finally:
        driver.quit()


def viewport(driver: Any, width: int, height: int, mobile: bool) -> None:
    """Make the page `width` CSS pixels wide, as a phone (`mobile`) or a desktop shows it."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile},
    )


def screenshot(driver: Any, target: Path, height: int | None = None) -> None:
    """A PNG of the page from its top, `height` CSS pixels tall (default: the viewport)."""
    params: dict[str, Any] = {"format": "png"}
    if height is not None:
        width = driver.execute_script("return document.documentElement.clientWidth")
        params |= {
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
        }
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", params)
    target.write_bytes(base64.b64decode(shot["data"]))


def print_pdf(driver: Any, target: Path) -> bytes:
    """The page printed to PDF as the print dialog would, honouring its @page size."""
    pdf = driver.execute_cdp_cmd(
        "Page.printToPDF",
        {"printBackground": True, "preferCSSPageSize": True, "displayHeaderFooter": False},
    )
    data = base64.b64decode(pdf["data"])
    target.write_bytes(data)
    return data


def pdf_pages(pdf: Path) -> tuple[int, tuple[float, float]]:
    """(page count, first page's size in points) by poppler's pdfinfo."""
    pdfinfo = need("pdfinfo", ("pdfinfo",), SKIP_OFFICE)
    out = subprocess.run(
        [pdfinfo, str(pdf)], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))  # type: ignore[union-attr]
    size = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", out, re.M)
    assert size is not None, out
    return pages, (float(size.group(1)), float(size.group(2)))


def docx_to_pdf(docx: Path, folder: Path) -> Path:
    """The Word file converted by LibreOffice headless (in a profile of its own)."""
    soffice = need("LibreOffice (soffice)", ("soffice", "libreoffice"), SKIP_OFFICE)
    profile = folder / "lo-profile"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(docx),
        ],
        capture_output=True,
        timeout=300,
        check=True,
    )
    pdf = folder / (docx.stem + ".pdf")
    assert pdf.exists(), f"LibreOffice made no PDF of {docx.name}"
    return pdf
